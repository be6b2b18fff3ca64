/* SPDX-License-Identifier: MIT */
/* Description: CXP header codec, payload buffers, message codecs, addresses, log format. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cxp/cxp.h"
#include "tests/tl_test.h"
#include "tests/unit/cxp_test_util.h"

/* ---- Header ------------------------------------------------------------ */

static void test_hdr_roundtrip(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_FETCH, .len = 1234567,
			     .reqid = 0x0102030405060708ull };
	struct cxp_hdr o;
	uint8_t b[CXP_HDR_SIZE];
	char err[128] = "";

	cxp_hdr_encode(&h, b);
	CU_ASSERT_EQUAL(b[0], 'C');
	CU_ASSERT_EQUAL(b[1], 'X');
	CU_ASSERT_EQUAL(b[2], CXP_VERSION);
	CU_ASSERT_EQUAL(b[3], CXP_MSG_FETCH);
	/* little-endian length and reqid */
	CU_ASSERT_EQUAL(b[4], 0x87);
	CU_ASSERT_EQUAL(b[5], 0xd6);
	CU_ASSERT_EQUAL(b[6], 0x12);
	CU_ASSERT_EQUAL(b[7], 0x00);
	CU_ASSERT_EQUAL(b[8], 0x08);
	CU_ASSERT_EQUAL(b[15], 0x01);
	CU_ASSERT_EQUAL(cxp_hdr_decode(b, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.type, h.type);
	CU_ASSERT_EQUAL(o.len, h.len);
	CU_ASSERT_EQUAL(o.reqid, h.reqid);

	/* the largest payload is accepted, and every known type */
	h.len = CXP_MAX_PAYLOAD;
	for (unsigned t = 1; t <= CXP_MSG_TYPE_MAX; t++) {
		h.type = (uint8_t)t;
		cxp_hdr_encode(&h, b);
		CU_ASSERT_EQUAL(cxp_hdr_decode(b, &o, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(o.type, t);
	}
}

static void expect_reject(const uint8_t *b, const char *msg)
{
	struct cxp_hdr o;
	char err[128] = "";

	CU_ASSERT_EQUAL(cxp_hdr_decode(b, &o, err, sizeof(err)), -EPROTO);
	CU_ASSERT_STRING_EQUAL(err, msg);
}

static void test_hdr_rejects(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 10, .reqid = 1 };
	uint8_t b[CXP_HDR_SIZE];
	uint8_t http[CXP_HDR_SIZE];

	memcpy(http, "GET / HTTP/1.1\r\n", CXP_HDR_SIZE);
	expect_reject(http, "bad magic 0x4745");

	cxp_hdr_encode(&h, b);
	b[1] = 'Y';
	expect_reject(b, "bad magic 0x4359");

	cxp_hdr_encode(&h, b);
	b[2] = 3; /* a peer of the protocol before content ids and FETCH_GRAPH */
	expect_reject(b, "bad version 3 (expected 4)");

	cxp_hdr_encode(&h, b);
	b[3] = 0;
	expect_reject(b, "unknown message type 0");
	b[3] = CXP_MSG_TYPE_MAX + 1;
	{
		char want[64];

		snprintf(want, sizeof(want), "unknown message type %d", CXP_MSG_TYPE_MAX + 1);
		expect_reject(b, want);
	}
	b[3] = 255;
	expect_reject(b, "unknown message type 255");

	h.len = CXP_MAX_PAYLOAD + 1;
	cxp_hdr_encode(&h, b);
	expect_reject(b, "length 4194305 > 4194304");
	h.len = 0xffffffffu;
	cxp_hdr_encode(&h, b);
	expect_reject(b, "length 4294967295 > 4194304");
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(cxp_type_name(CXP_MSG_ERROR), "ERROR");
	CU_ASSERT_STRING_EQUAL(cxp_type_name(CXP_MSG_CHUNKS), "CHUNKS");
	CU_ASSERT_STRING_EQUAL(cxp_type_name(CXP_MSG_DONE), "DONE");
	CU_ASSERT_STRING_EQUAL(cxp_type_name(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(cxp_type_name(99), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(CXP_E_NOMATCH), "NOMATCH");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(CXP_E_LOST), "LOST");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(CXP_E_UNDELIVERED), "UNDELIVERED");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(CXP_E_DEADLINE), "DEADLINE");
	CU_ASSERT_STRING_EQUAL(cxp_ecode_name(9), "UNKNOWN");
}

/* ---- Buffers ----------------------------------------------------------- */

static void test_buffers(void)
{
	struct cxp_wbuf w;
	struct cxp_rbuf r;
	char s[8];
	size_t n;
	const char *p;

	cxp_wbuf_init(&w);
	cxp_put_u8(&w, 0xab);
	cxp_put_u32(&w, 0x11223344);
	cxp_put_u64(&w, 0x5566778899aabbccull);
	cxp_put_str(&w, "hello");
	cxp_put_bytes(&w, "xyz", 3);
	for (int i = 0; i < 1000; i++) /* force several reallocations */
		cxp_put_u32(&w, (uint32_t)i);
	CU_ASSERT_EQUAL(w.err, 0);
	CU_ASSERT_EQUAL(w.len, 1 + 4 + 8 + 4 + 5 + 3 + 4000);
	CU_ASSERT_EQUAL(w.p[1], 0x44); /* little-endian */

	cxp_rbuf_init(&r, w.p, w.len);
	CU_ASSERT_EQUAL(cxp_get_u8(&r), 0xab);
	CU_ASSERT_EQUAL(cxp_get_u32(&r), 0x11223344);
	CU_ASSERT_EQUAL(cxp_get_u64(&r), 0x5566778899aabbccull);
	cxp_get_str(&r, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "hello");
	CU_ASSERT_EQUAL(memcmp(cxp_get_bytes(&r, 3), "xyz", 3), 0);
	for (uint32_t i = 0; i < 1000; i++)
		if (cxp_get_u32(&r) != i)
			CU_FAIL("u32 sequence");
	CU_ASSERT_EQUAL(r.err, 0);
	CU_ASSERT_EQUAL(r.off, r.len);
	/* overrun is sticky and reads as zero */
	CU_ASSERT_EQUAL(cxp_get_u8(&r), 0);
	CU_ASSERT_EQUAL(r.err, -EBADMSG);
	CU_ASSERT_EQUAL(cxp_get_u32(&r), 0);
	CU_ASSERT_EQUAL(r.err, -EBADMSG);

	/* a string longer than the destination is rejected, not cut */
	cxp_rbuf_init(&r, w.p + 13, 9);
	cxp_get_str(&r, s, 5);
	CU_ASSERT_EQUAL(r.err, -EBADMSG);
	CU_ASSERT_STRING_EQUAL(s, "");
	/* ... fits with room for the NUL */
	cxp_rbuf_init(&r, w.p + 13, 9);
	cxp_get_str(&r, s, 6);
	CU_ASSERT_EQUAL(r.err, 0);
	CU_ASSERT_STRING_EQUAL(s, "hello");
	/* strn: pointer into the buffer */
	cxp_rbuf_init(&r, w.p + 13, 9);
	p = cxp_get_strn(&r, &n);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_PTR_EQUAL(p, (const char *)w.p + 17);
	/* a length prefix past the end */
	cxp_rbuf_init(&r, w.p + 13, 8);
	p = cxp_get_strn(&r, &n);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(r.err, -EBADMSG);
	cxp_wbuf_free(&w);
	CU_ASSERT_PTR_NULL(w.p);

	/* embedded NUL */
	{
		static const uint8_t nul[] = { 3, 0, 0, 0, 'a', 0, 'b' };

		cxp_rbuf_init(&r, nul, sizeof(nul));
		cxp_get_str(&r, s, sizeof(s));
		CU_ASSERT_EQUAL(r.err, -EBADMSG);
	}
}

/* ---- Message codecs ---------------------------------------------------- */

typedef int (*decode_fn)(const void *p, size_t len, void *m, char *err, size_t errlen);

/* Every strict prefix, and one trailing byte, must be rejected with a message. */
static void check_truncations(const struct cxp_wbuf *w, decode_fn dec, void *m, const char *name)
{
	char err[160];
	uint8_t *big = malloc(w->len + 1);
	int bad = 0;

	for (size_t k = 0; k < w->len; k++) {
		err[0] = '\0';
		if (dec(w->p, k, m, err, sizeof(err)) != -EBADMSG || !strstr(err, name))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	memcpy(big, w->p, w->len);
	big[w->len] = 0;
	err[0] = '\0';
	CU_ASSERT_EQUAL(dec(big, w->len + 1, m, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 trailing bytes"));
	free(big);
}

static void test_register(void)
{
	struct cxp_register m = { .name = "c1", .addr = "127.0.0.1:7001", .workers = 8,
				  .speed = 1234, .price = 7, .flags = CXP_CAP_PRIORITY,
				  .host = "rack7" };
	struct cxp_register o;
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_wbuf_init(&w);
	cxp_register_encode(&w, &m);
	CU_ASSERT_EQUAL(w.err, 0);
	CU_ASSERT_EQUAL(w.len, 4 + 2 + 4 + 14 + 16 + 8 + 4 + 5);
	CU_ASSERT_EQUAL(cxp_register_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(o.name, "c1");
	CU_ASSERT_STRING_EQUAL(o.addr, "127.0.0.1:7001");
	CU_ASSERT_STRING_EQUAL(o.host, "rack7");
	CU_ASSERT_EQUAL(o.workers, 8);
	CU_ASSERT_EQUAL(o.speed, 1234);
	CU_ASSERT_EQUAL(o.price, 7);
	CU_ASSERT_EQUAL(o.flags, CXP_CAP_PRIORITY);
	check_truncations(&w, (decode_fn)cxp_register_decode, &o, "REGISTER");
	cxp_wbuf_free(&w);

	/* a 32-byte name is one too long */
	cxp_wbuf_init(&w);
	cxp_put_str(&w, "0123456789abcdef0123456789abcdef");
	cxp_put_str(&w, "");
	for (int i = 0; i < 4; i++)
		cxp_put_u32(&w, 0);
	CU_ASSERT_EQUAL(cxp_register_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err,
			       "REGISTER payload: bad or truncated field 'name' at byte 0 of 56");
	cxp_wbuf_free(&w);
}

static void test_assigned(void)
{
	struct cxp_assigned m = { .tasklet_id = 42, .container_id = 0xffffffffffull,
				  .container = "worker-7" };
	struct cxp_assigned o;
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_wbuf_init(&w);
	cxp_assigned_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_assigned_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, 42);
	CU_ASSERT_EQUAL(o.container_id, 0xffffffffffull);
	CU_ASSERT_STRING_EQUAL(o.container, "worker-7");
	check_truncations(&w, (decode_fn)cxp_assigned_decode, &o, "ASSIGNED");
	cxp_wbuf_free(&w);
}

static void test_error(void)
{
	struct cxp_error m = { .code = CXP_E_NOMATCH }, o;
	struct cxp_wbuf w;
	char err[160] = "";

	snprintf(m.msg, sizeof(m.msg), "no container satisfies SpeedMinimum(%d)", 500);
	cxp_wbuf_init(&w);
	cxp_error_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_error_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.code, CXP_E_NOMATCH);
	CU_ASSERT_STRING_EQUAL(o.msg, "no container satisfies SpeedMinimum(500)");
	check_truncations(&w, (decode_fn)cxp_error_decode, &o, "ERROR");
	cxp_wbuf_free(&w);

	/* a 255-byte message round-trips */
	memset(m.msg, 'x', 255);
	m.msg[255] = '\0';
	cxp_wbuf_init(&w);
	cxp_error_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_error_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(strlen(o.msg), 255);
	cxp_wbuf_free(&w);
}

static void test_fetch(void)
{
	static struct cxp_fetch m, o;
	struct cxp_wbuf w;
	char err[160] = "";

	m.tasklet_id = 9;
	m.n = 5;
	for (unsigned i = 0; i < m.n; i++)
		m.ids[i] = 1000 + i;
	cxp_wbuf_init(&w);
	cxp_fetch_encode(&w, &m);
	CU_ASSERT_EQUAL(w.len, 8 + 4 + 5 * 8);
	CU_ASSERT_EQUAL(cxp_fetch_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, 9);
	CU_ASSERT_EQUAL(o.n, 5);
	CU_ASSERT_EQUAL(o.ids[4], 1004);
	check_truncations(&w, (decode_fn)cxp_fetch_decode, &o, "FETCH");
	cxp_wbuf_free(&w);

	/* the maximum count round-trips; one more is rejected by the decoder */
	m.n = CXP_FETCH_MAX;
	for (unsigned i = 0; i < m.n; i++)
		m.ids[i] = i + 1;
	cxp_wbuf_init(&w);
	cxp_fetch_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_fetch_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.n, CXP_FETCH_MAX);
	CU_ASSERT_EQUAL(o.ids[CXP_FETCH_MAX - 1], CXP_FETCH_MAX);
	w.p[8] = (uint8_t)((CXP_FETCH_MAX + 1) & 0xff);
	w.p[9] = (uint8_t)((CXP_FETCH_MAX + 1) >> 8);
	CU_ASSERT_EQUAL(cxp_fetch_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err, "FETCH payload: 4097 ids > 4096");
	cxp_wbuf_free(&w);
}

static void test_fetch_graph(void)
{
	struct cxp_fetch_graph m = { .tasklet_id = 0x1234, .root = 0x8000000000000abcull,
				     .mode = CXP_GRAPH_CHUNKS }, o;
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_wbuf_init(&w);
	cxp_fetch_graph_encode(&w, &m);
	CU_ASSERT_EQUAL(w.len, 8 + 8 + 4);
	CU_ASSERT_EQUAL(cxp_fetch_graph_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, 0x1234);
	CU_ASSERT_EQUAL(o.root, 0x8000000000000abcull);
	CU_ASSERT_EQUAL(o.mode, CXP_GRAPH_CHUNKS);
	check_truncations(&w, (decode_fn)cxp_fetch_graph_decode, &o, "FETCH_GRAPH");
	w.p[16] = 7; /* an unknown mode */
	CU_ASSERT_EQUAL(cxp_fetch_graph_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err, "FETCH_GRAPH payload: mode 7 at byte 16 (want 1 ids or 2 chunks)");
	w.p[16] = CXP_GRAPH_IDS;
	memset(w.p + 8, 0, 8); /* root 0 */
	CU_ASSERT_EQUAL(cxp_fetch_graph_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err, "FETCH_GRAPH payload: root chunk id 0 at byte 8");
	cxp_wbuf_free(&w);
}

static void test_manifest(void)
{
	struct cxp_manifest o;
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_wbuf_init(&w);
	cxp_manifest_encode_header(&w, 77, 3);
	cxp_put_u64(&w, 5);
	cxp_put_u64(&w, 1ull << 63 | 6);
	cxp_put_u64(&w, 7);
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, 77);
	CU_ASSERT_EQUAL(o.n, 3);
	CU_ASSERT_EQUAL(cxp_manifest_id(&o, 1), 1ull << 63 | 6);
	CU_ASSERT_EQUAL(cxp_manifest_id(&o, 2), 7);
	/* one byte short, one byte over: the count does not match the length */
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, w.len - 1, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err, "MANIFEST payload: 3 ids announced (want 1..65536), 23 bytes follow");
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, 11, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'n'"));
	/* an id 0 */
	memset(w.p + 12 + 8, 0, 8);
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(err, "MANIFEST payload: id 1 (byte 20) is 0");
	cxp_wbuf_free(&w);
	/* an empty manifest and one over the bound */
	cxp_wbuf_init(&w);
	cxp_manifest_encode_header(&w, 77, 0);
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	cxp_wbuf_free(&w);
	cxp_wbuf_init(&w);
	cxp_manifest_encode_header(&w, 77, CXP_MANIFEST_MAX + 1);
	for (uint32_t i = 0; i <= CXP_MANIFEST_MAX; i++)
		cxp_put_u64(&w, i + 1);
	CU_ASSERT_EQUAL(cxp_manifest_decode(w.p, w.len, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "65537 ids announced"));
	cxp_wbuf_free(&w);
}

static void test_result(void)
{
	static const char out[] = "line 1\nline\0 2\n";
	struct cxp_result m = { .tasklet_id = 77, .container = "c2", .status = 1,
				.fuel_used = 123456789, .run_ns = 42000, .queue_ns = 7,
				.start_seq = 1ull << 40, .worker = 3,
				.flags = CXP_RESULT_RAN | CXP_RESULT_STOLEN, .attempt = 2,
				.cost_micro = 123456789ull * 20, .output = out, .output_len = sizeof(out) - 1,
				.value = "undefined", .value_len = 9,
				.error = "prog.jsl:3: TypeError: x is not a function",
				.error_len = 42 };
	struct cxp_result o;
	uint8_t d2[CXP_DIGEST_SIZE];
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_result_digest(m.status, m.output, m.output_len, m.value, m.value_len, m.digest);
	/* the digest covers status, output and value, and where one ends */
	cxp_result_digest(m.status, m.output, m.output_len - 1, "\nundefined", 10, d2);
	CU_ASSERT_NOT_EQUAL(memcmp(m.digest, d2, sizeof(d2)), 0);
	cxp_result_digest(2, m.output, m.output_len, m.value, m.value_len, d2);
	CU_ASSERT_NOT_EQUAL(memcmp(m.digest, d2, sizeof(d2)), 0);
	cxp_wbuf_init(&w);
	cxp_result_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_result_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(memcmp(o.digest, m.digest, CXP_DIGEST_SIZE), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, 77);
	CU_ASSERT_STRING_EQUAL(o.container, "c2");
	CU_ASSERT_EQUAL(o.status, 1);
	CU_ASSERT_EQUAL(o.fuel_used, 123456789);
	CU_ASSERT_EQUAL(o.run_ns, 42000);
	CU_ASSERT_EQUAL(o.queue_ns, 7);
	CU_ASSERT_EQUAL(o.start_seq, 1ull << 40);
	CU_ASSERT_EQUAL(o.worker, 3);
	CU_ASSERT_EQUAL(o.flags, CXP_RESULT_RAN | CXP_RESULT_STOLEN);
	CU_ASSERT_EQUAL(o.attempt, 2);
	CU_ASSERT_EQUAL(o.cost_micro, 123456789ull * 20);
	CU_ASSERT_EQUAL(o.output_len, sizeof(out) - 1);
	CU_ASSERT_EQUAL(memcmp(o.output, out, o.output_len), 0); /* NULs survive */
	CU_ASSERT_EQUAL(o.value_len, 9);
	CU_ASSERT_EQUAL(memcmp(o.value, "undefined", 9), 0);
	CU_ASSERT_EQUAL(o.error_len, 42);
	check_truncations(&w, (decode_fn)cxp_result_decode, &o, "RESULT");
	/* the field that ran short is named */
	CU_ASSERT_EQUAL(cxp_result_decode(w.p, w.len - 1, &o, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'error'"));
	cxp_wbuf_free(&w);

	/* NULL strings encode as empty */
	memset(&m, 0, sizeof(m));
	cxp_wbuf_init(&w);
	cxp_result_encode(&w, &m);
	CU_ASSERT_EQUAL(cxp_result_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.output_len + o.value_len + o.error_len, 0);
	cxp_wbuf_free(&w);
}

static void test_cancel(void)
{
	struct cxp_cancel m = { .tasklet_id = 0x1122334455667788ull, .attempt = 3 }, o;
	struct cxp_wbuf w;
	char err[160] = "";

	cxp_wbuf_init(&w);
	cxp_cancel_encode(&w, &m);
	CU_ASSERT_EQUAL(w.len, 12);
	CU_ASSERT_EQUAL(cxp_cancel_decode(w.p, w.len, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(o.tasklet_id, m.tasklet_id);
	CU_ASSERT_EQUAL(o.attempt, 3);
	check_truncations(&w, (decode_fn)cxp_cancel_decode, &o, "CANCEL");
	CU_ASSERT_STRING_EQUAL(cxp_type_name(CXP_MSG_CANCEL), "CANCEL");
	cxp_wbuf_free(&w);
}

/* ---- Addresses --------------------------------------------------------- */

static void roundtrip_addr(const char *in, const char *want)
{
	struct sockaddr_storage ss;
	unsigned sl = 0;
	char buf[CXP_ADDR_MAX + 1] = "";

	CU_ASSERT_EQUAL(cxp_addr_parse(in, &ss, &sl), 0);
	cxp_addr_format(&ss, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_addr(void)
{
	static const char *const bad[] = {
		"", ":", "7000", "127.0.0.1", "127.0.0.1:", ":7000", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:80x", "127.0.0.1: 80", "256.0.0.1:80",
		"1.2.3:80", "example.com:80", "::1:7000", "[::1]7000", "[::1]:", "[::1:7000",
		"[127.0.0.1]:80", "[zz::1]:80", "[]:80", "localhost", "GET / HTTP/1.1",
		"127.0.0.1:99999999999999999999",
	};
	struct sockaddr_storage ss;
	unsigned sl = 0;

	roundtrip_addr("127.0.0.1:7000", "127.0.0.1:7000");
	roundtrip_addr("0.0.0.0:7000", "0.0.0.0:7000");
	roundtrip_addr("localhost:0", "127.0.0.1:0");
	roundtrip_addr("[::1]:7000", "[::1]:7000");
	roundtrip_addr("[::]:65535", "[::]:65535");
	roundtrip_addr("10.1.2.3:00080", "10.1.2.3:80");

	CU_ASSERT_EQUAL(cxp_addr_parse("127.0.0.1:7000", &ss, &sl), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET);
	CU_ASSERT_EQUAL(sl, sizeof(struct sockaddr_in));
	CU_ASSERT_EQUAL(ntohs(((struct sockaddr_in *)&ss)->sin_port), 7000);
	CU_ASSERT_EQUAL(cxp_addr_parse("[::1]:1", &ss, &sl), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(sl, sizeof(struct sockaddr_in6));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = cxp_addr_parse(bad[i], &ss, &sl);

		if (r != -EINVAL)
			fprintf(stderr, "\naccepted bad address '%s'\n", bad[i]);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
	CU_ASSERT_EQUAL(cxp_addr_parse(NULL, &ss, &sl), -EINVAL);
}

/* ---- Log --------------------------------------------------------------- */

static void test_log(void)
{
	char *s;
	unsigned y, mo, d, h, mi, se;
	unsigned long usec;
	char tail[64] = "";
	int n = 0;

	capture_start();
	cxp_log_role("tester");
	cxp_log("hello %d", 42);
	cxp_log("already terminated\n");
	cxp_log_role(NULL);
	s = capture_end(false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u.%6luZ tasklet[tester]: %63[^\n]\n%n",
			       &y, &mo, &d, &h, &mi, &se, &usec, tail, &n),
			8);
	CU_ASSERT(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60);
	CU_ASSERT_STRING_EQUAL(tail, "hello 42");
	/* an ISO 8601 UTC timestamp, then exactly one newline per line */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ": hello 42\n2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ": already terminated\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "\n\n"));
	free(s);

	/* names from the network: control bytes are escaped, never written raw */
	capture_start();
	cxp_log("container %s registered", "evil\x1b[2J\nforged line\x7f");
	s = capture_end(false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "container evil\\x1b[2J\\x0aforged line\\x7f registered\n"));
	CU_ASSERT_PTR_NULL(strchr(s, 0x1b));
	CU_ASSERT_EQUAL(strchr(s, '\n'), s + strlen(s) - 1);
	free(s);

	/* a very long message is cut, still one line */
	{
		char *big = malloc(10000);

		memset(big, 'y', 9999);
		big[9999] = '\0';
		capture_start();
		cxp_log("%s", big);
		s = capture_end(false);
		CU_ASSERT_PTR_NOT_NULL(strstr(s, "yyy...\n"));
		CU_ASSERT_PTR_EQUAL(strchr(s, '\n'), s + strlen(s) - 1);
		free(s);
		free(big);
	}
}

TL_SUITE(u_cxp_frame, NULL, NULL,
	 { "header encode/decode round trip", test_hdr_roundtrip },
	 { "header rejects bad magic, version, type, length with a message", test_hdr_rejects },
	 { "CANCEL round trip and truncation", test_cancel },
	 { "type and error code names", test_names },
	 { "payload buffers: little-endian, bounds, sticky errors", test_buffers },
	 { "REGISTER round trip, truncation, long name", test_register },
	 { "ASSIGNED round trip and truncation", test_assigned },
	 { "ERROR round trip and truncation", test_error },
	 { "FETCH round trip, truncation, count bound", test_fetch },
	 { "FETCH_GRAPH round trip, truncation, bad mode, root 0", test_fetch_graph },
	 { "MANIFEST round trip, length, id 0, count bounds", test_manifest },
	 { "RESULT round trip (binary strings) and truncation", test_result },
	 { "address parse/format and garbage rejected", test_addr },
	 { "log line format: UTC timestamp, role, one line, control bytes escaped", test_log })

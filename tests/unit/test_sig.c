/* SPDX-License-Identifier: MIT */
/* Description: Tasklet signatures: encode/decode round trip, every malformed encoding refused. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cxp/cxp.h"
#include "tests/tl_test.h"
#include "vm/vm.h"

static void expect_msg(const char *err, const char *want)
{
	int ok = strstr(err, want) != NULL;

	if (!ok)
		printf("\n    message \"%s\" lacks \"%s\"\n", err, want);
	CU_ASSERT(ok);
}

#define ADDR "10.0.0.7:4711" /* 13 bytes */
/* Byte offsets in the encoding of sample(): */
#define OFF_ADDR_LEN 8
#define OFF_NQOS     (12 + 13 + 4 + 24) /* app_addr, empty app_cn, root, seed, start */
#define OFF_Q0	     (OFF_NQOS + 4)
#define SAMPLE_LEN   (OFF_Q0 + (2 + 1 + 4 + 4) + (2 + 1 + 8 + 1 + 4 + 4) + (2 + 1 + 8) + 16)

static void sample(struct vm_sig *s)
{
	memset(s, 0, sizeof(*s));
	s->tasklet_id = 0x1122334455667788ull;
	strcpy(s->app_addr, ADDR);
	s->root = 42;
	s->seed = UINT64_MAX;
	s->start_ns = 1700000000000000000ull;
	s->nqos = 3;
	s->qos[0].cat = VM_QOS_PRIORITY;
	s->qos[0].nparams = 1;
	s->qos[0].p[0].type = VM_QOS_P_STR;
	strcpy(s->qos[0].p[0].s, "True");
	s->qos[1].cat = VM_QOS_SPEED_MINIMUM;
	s->qos[1].nparams = 2;
	s->qos[1].p[0].type = VM_QOS_P_INT;
	s->qos[1].p[0].i = 2;
	s->qos[1].p[1].type = VM_QOS_P_STR;
	strcpy(s->qos[1].p[1].s, "rela");
	s->qos[2].cat = VM_QOS_DEADLINE;
	s->qos[2].nparams = 1;
	s->qos[2].p[0].type = VM_QOS_P_INT;
	s->qos[2].p[0].i = -1;
	s->code_hash = 0x1122334455667788ull;
	s->app_speed = 77;
	s->attempt = 0x01020304;
}

static int enc(const struct vm_sig *s, uint8_t *buf, size_t cap)
{
	struct cxp_wbuf w;

	cxp_wbuf_init_fixed(&w, buf, buf ? cap : 0);
	return cxp_sig_encode(&w, s);
}

static void test_round_trip(void)
{
	struct vm_sig s, d;
	uint8_t buf[8192];
	char err[160] = "", a[128], b[128];
	int n;

	sample(&s);
	n = enc(&s, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, SAMPLE_LEN);
	/* Little-endian, str = u32 length + bytes. */
	CU_ASSERT_EQUAL(buf[0], 0x88);
	CU_ASSERT_EQUAL(buf[7], 0x11);
	CU_ASSERT_EQUAL(buf[OFF_ADDR_LEN], 13);
	CU_ASSERT_EQUAL(memcmp(buf + 12, ADDR, 13), 0);
	CU_ASSERT_EQUAL(buf[OFF_NQOS], 3);
	CU_ASSERT_EQUAL(buf[OFF_Q0], VM_QOS_PRIORITY);
	CU_ASSERT_EQUAL(buf[OFF_Q0 + 1], 1);
	CU_ASSERT_EQUAL(buf[OFF_Q0 + 2], VM_QOS_P_STR);

	memset(&d, 0x77, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(cxp_sig_decode(buf, (size_t)n, &d, err, sizeof(err)), n);
	CU_ASSERT_EQUAL(d.tasklet_id, s.tasklet_id);
	CU_ASSERT_STRING_EQUAL(d.app_addr, ADDR);
	CU_ASSERT_EQUAL(d.root, 42);
	CU_ASSERT_EQUAL(d.seed, UINT64_MAX);
	CU_ASSERT_EQUAL(d.start_ns, s.start_ns);
	CU_ASSERT_EQUAL_FATAL(d.nqos, 3);
	for (unsigned i = 0; i < 3; i++) {
		vm_qos_format(&s.qos[i], a, sizeof(a));
		vm_qos_format(&d.qos[i], b, sizeof(b));
		CU_ASSERT_STRING_EQUAL(a, b);
	}
	CU_ASSERT_EQUAL(d.qos[2].p[0].i, -1);
	CU_ASSERT_EQUAL(d.qos[3].cat, 0); /* unused entries zeroed */
	CU_ASSERT_EQUAL(d.attempt, 0x01020304);
	CU_ASSERT_EQUAL(d.code_hash, 0x1122334455667788ull);
	CU_ASSERT_EQUAL(d.app_speed, 77);
	CU_ASSERT_EQUAL(buf[n - 4], 0x04); /* the attempt is the last field */

	/* Empty strings and no QoS at all. */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), 60);
	CU_ASSERT_EQUAL(cxp_sig_decode(buf, 60, &d, err, sizeof(err)), 60);
	CU_ASSERT_STRING_EQUAL(d.app_cn, "");
	CU_ASSERT_STRING_EQUAL(d.app_addr, "");
	CU_ASSERT_EQUAL(d.nqos, 0);

	/* The largest signature: 16 requirements of 4 strings of 63 bytes. */
	memset(&s, 0, sizeof(s));
	memset(s.app_addr, 'h', VM_SIG_ADDR_MAX);
	memset(s.app_cn, 'n', VM_SIG_CN_MAX);
	s.nqos = VM_QOS_MAX;
	for (unsigned i = 0; i < VM_QOS_MAX; i++) {
		s.qos[i].cat = VM_QOS_CAT_MAX;
		s.qos[i].nparams = VM_QOS_MAX_PARAMS;
		for (unsigned k = 0; k < VM_QOS_MAX_PARAMS; k++) {
			s.qos[i].p[k].type = VM_QOS_P_STR;
			memset(s.qos[i].p[k].s, 'a' + (int)k, VM_QOS_STR_MAX);
		}
	}
	n = enc(&s, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 60 + 63 + 31 + 16 * (2 + 4 * (1 + 4 + 63)));
	/* CXP_SIG_MAX_ENCODED is exactly that bound: callers size buffers by it. */
	CU_ASSERT_EQUAL(n, CXP_SIG_MAX_ENCODED);
	CU_ASSERT_EQUAL(cxp_sig_decode(buf, (size_t)n, &d, err, sizeof(err)), n);
	CU_ASSERT_EQUAL(memcmp(d.qos, s.qos, sizeof(s.qos)), 0);
}

static void test_encode_limits(void)
{
	struct vm_sig s;
	uint8_t buf[512], guard[512];
	unsigned bad = 0;

	sample(&s);
	CU_ASSERT_EQUAL(enc(&s, NULL, 0), -ENOSPC);
	for (size_t cap = 0; cap < SAMPLE_LEN; cap++) {
		memset(buf, 0xcd, sizeof(buf));
		bad += enc(&s, buf, cap) != -ENOSPC;
		memset(guard, 0xcd, sizeof(guard));
		bad += memcmp(buf + cap, guard, sizeof(buf) - cap) != 0; /* nothing past cap */
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(enc(&s, buf, SAMPLE_LEN), SAMPLE_LEN);

	/* What could not be decoded is not encoded either. */
	s.nqos = VM_QOS_MAX + 1;
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), -EINVAL);
	sample(&s);
	s.qos[1].cat = 0;
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), -EINVAL);
	sample(&s);
	s.qos[1].nparams = VM_QOS_MAX_PARAMS + 1;
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), -EINVAL);
	sample(&s);
	s.qos[1].p[0].type = 0;
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), -EINVAL);
	sample(&s);
	memset(s.app_addr, 'x', sizeof(s.app_addr));
	CU_ASSERT_EQUAL(enc(&s, buf, sizeof(buf)), -EINVAL);
}

/* Every proper prefix of a valid signature is refused as truncated. */
static void test_truncation(void)
{
	struct vm_sig s, d;
	uint8_t buf[512];
	char err[160];
	unsigned accepted = 0, unclear = 0;
	int n;

	sample(&s);
	n = enc(&s, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, SAMPLE_LEN);
	for (int len = 0; len < n; len++) {
		err[0] = '\0';
		if (cxp_sig_decode(buf, (size_t)len, &d, err, sizeof(err)) != -EINVAL)
			accepted++;
		else if (!strstr(err, "truncated at offset"))
			unclear++;
	}
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_EQUAL(unclear, 0);
	CU_ASSERT_EQUAL(cxp_sig_decode(NULL, 0, &d, err, sizeof(err)), -EINVAL);
	expect_msg(err, "truncated at offset 0: tasklet_id needs 8 bytes, 0 left");
	CU_ASSERT_EQUAL(cxp_sig_decode(buf, 20, &d, err, sizeof(err)), -EINVAL);
	expect_msg(err, "truncated at offset 12: app_addr needs 13 bytes, 8 left");
	CU_ASSERT_EQUAL(cxp_sig_decode(buf, OFF_Q0 + 5, &d, err, sizeof(err)), -EINVAL);
	expect_msg(err,
		   "truncated at offset 60: QoS requirement 1 parameter 1 needs 4 bytes, 2 left");
}

/* Decoding sample() patched at off with val fails with a message containing want. */
static void expect_bad(size_t off, uint8_t val, size_t len_delta, const char *want)
{
	struct vm_sig s, d;
	uint8_t buf[512];
	char err[160] = "";
	int n;

	sample(&s);
	n = enc(&s, buf, sizeof(buf));
	buf[off] = val;
	CU_ASSERT_EQUAL(cxp_sig_decode(buf, (size_t)n + len_delta, &d, err, sizeof(err)), -EINVAL);
	expect_msg(err, want);
}

static void test_malformed(void)
{
	expect_bad(OFF_Q0, 0, 0, "offset 57: QoS requirement 1: unknown category 0 (known: 1..7)");
	expect_bad(OFF_Q0, VM_QOS_CAT_MAX + 1, 0, "QoS requirement 1: unknown category 8");
	expect_bad(OFF_Q0 + 1, VM_QOS_MAX_PARAMS + 1, 0,
		   "offset 58: QoS requirement 1 (Priority): 5 parameters (at most 4)");
	expect_bad(OFF_Q0 + 2, 3, 0, "offset 59: QoS requirement 1 parameter 1: unknown type 3");
	expect_bad(OFF_NQOS, VM_QOS_MAX + 1, 0, "offset 53: nqos 17 (at most 16)");
	expect_bad(OFF_NQOS + 3, 1, 0, "nqos 16777219");
	expect_bad(OFF_ADDR_LEN, 64, 0, "offset 8: app_addr is 64 bytes long (at most 63)");
	expect_bad(OFF_ADDR_LEN + 3, 0x80, 0, "app_addr is 2147483661 bytes long");
	expect_bad(14, 0, 0, "offset 14: app_addr holds a NUL byte");
	expect_bad(OFF_Q0 + 3, 64, 0,
		   "offset 60: QoS requirement 1 parameter 1 is 64 bytes long (at most 63)");
	expect_bad(OFF_Q0 + 7, 0, 0, "offset 64: QoS requirement 1 parameter 1 holds a NUL byte");
	/* One byte more than the last requirement: trailing. */
	expect_bad(SAMPLE_LEN, 0, 1, "1 trailing bytes at offset 115");
	/* nqos one less: the last requirement's 11 bytes are read as the first of
	 * code_hash, app_speed, attempt; what is left is trailing. */
	expect_bad(OFF_NQOS, 2, 0, "11 trailing bytes at offset 104");
}

/* clang-format off */
TL_SUITE(u_sig, NULL, NULL,
	 { "encode/decode round trip, byte layout, largest signature", test_round_trip },
	 { "encode: -ENOSPC never writes past cap, invalid input refused", test_encode_limits },
	 { "every truncated prefix refused", test_truncation },
	 { "bad category, params, lengths, NULs, trailing bytes refused", test_malformed })
/* clang-format on */

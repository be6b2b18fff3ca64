/* SPDX-License-Identifier: MIT */
/*
 * Payload codecs of the CXP messages that carry structures (man cxp(7)).
 * Strings are u32 length + bytes, no NUL; every integer is little-endian.
 * A decoder reads field by field through a bounds-checked cxp_rbuf, rejects
 * trailing bytes, and on failure names the message, the field and the byte
 * offset in err.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "common/le.h"
#include "cxp/cxp.h"

/* Report a decode failure of field `what` of message `msg`; returns -EBADMSG. */
static int bad(const struct cxp_rbuf *r, const char *msg, const char *what, char *err,
	       size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s payload: bad or truncated field '%s' at byte %zu of %zu",
			 msg, what, r->off, r->len);
	return -EBADMSG;
}

static int trailing(const struct cxp_rbuf *r, const char *msg, char *err, size_t errlen)
{
	if (r->off == r->len)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s payload: %zu trailing bytes after byte %zu", msg,
			 r->len - r->off, r->off);
	return -EBADMSG;
}

/* Append a string of at most max bytes (longer ones are cut: the decoder would reject them). */
static void put_str_max(struct cxp_wbuf *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	cxp_put_u32(w, (uint32_t)n);
	cxp_put_bytes(w, s, n);
}

static void put_strn(struct cxp_wbuf *w, const char *s, size_t n)
{
	if (!s || n > UINT32_MAX)
		n = 0;
	cxp_put_u32(w, (uint32_t)n);
	cxp_put_bytes(w, s, n);
}

#define FIELD(expr, name)                                          \
	do {                                                       \
		expr;                                              \
		if (r.err)                                         \
			return bad(&r, MSG, name, err, errlen);    \
	} while (0)

/* ---- REGISTER: str name, str addr, u32 workers, u32 speed, u32 price, u32 flags,
 *      u32 capacity[priority], u32 capacity[economy], str host ---- */

void cxp_register_encode(struct cxp_wbuf *w, const struct cxp_register *m)
{
	put_str_max(w, m->name, CXP_NAME_MAX);
	put_str_max(w, m->addr, CXP_ADDR_MAX);
	cxp_put_u32(w, m->workers);
	cxp_put_u32(w, m->speed);
	cxp_put_u32(w, m->price);
	cxp_put_u32(w, m->flags);
	cxp_put_u32(w, m->capacity[0]);
	cxp_put_u32(w, m->capacity[1]);
	put_str_max(w, m->host, CXP_NAME_MAX);
}

#define MSG "REGISTER"
int cxp_register_decode(const void *p, size_t len, struct cxp_register *m, char *err,
			size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(cxp_get_str(&r, m->name, sizeof(m->name)), "name");
	FIELD(cxp_get_str(&r, m->addr, sizeof(m->addr)), "addr");
	FIELD(m->workers = cxp_get_u32(&r), "workers");
	FIELD(m->speed = cxp_get_u32(&r), "speed");
	FIELD(m->price = cxp_get_u32(&r), "price");
	FIELD(m->flags = cxp_get_u32(&r), "flags");
	FIELD(m->capacity[0] = cxp_get_u32(&r), "capacity[priority]");
	FIELD(m->capacity[1] = cxp_get_u32(&r), "capacity[economy]");
	FIELD(cxp_get_str(&r, m->host, sizeof(m->host)), "host");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- ASSIGNED: u64 tasklet_id, u64 container_id, str container ---- */

void cxp_assigned_encode(struct cxp_wbuf *w, const struct cxp_assigned *m)
{
	cxp_put_u64(w, m->tasklet_id);
	cxp_put_u64(w, m->container_id);
	put_str_max(w, m->container, CXP_NAME_MAX);
}

#define MSG "ASSIGNED"
int cxp_assigned_decode(const void *p, size_t len, struct cxp_assigned *m, char *err,
			size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->container_id = cxp_get_u64(&r), "container_id");
	FIELD(cxp_get_str(&r, m->container, sizeof(m->container)), "container");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- ERROR: u32 code, str msg (<= 255 bytes) ---- */

void cxp_error_encode(struct cxp_wbuf *w, const struct cxp_error *m)
{
	cxp_put_u32(w, m->code);
	put_str_max(w, m->msg, sizeof(m->msg) - 1);
}

#define MSG "ERROR"
int cxp_error_decode(const void *p, size_t len, struct cxp_error *m, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->code = cxp_get_u32(&r), "code");
	FIELD(cxp_get_str(&r, m->msg, sizeof(m->msg)), "msg");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- FETCH: u64 tasklet_id, u32 n (<= CXP_FETCH_MAX), u64 ids[n] ---- */

void cxp_fetch_encode(struct cxp_wbuf *w, const struct cxp_fetch *m)
{
	uint32_t n = m->n > CXP_FETCH_MAX ? CXP_FETCH_MAX : m->n;

	cxp_put_u64(w, m->tasklet_id);
	cxp_put_u32(w, n);
	for (uint32_t i = 0; i < n; i++)
		cxp_put_u64(w, m->ids[i]);
}

#define MSG "FETCH"
int cxp_fetch_decode(const void *p, size_t len, struct cxp_fetch *m, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	m->tasklet_id = 0;
	m->n = 0;
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->n = cxp_get_u32(&r), "n");
	if (m->n > CXP_FETCH_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "FETCH payload: %u ids > %u", m->n, CXP_FETCH_MAX);
		m->n = 0;
		return -EBADMSG;
	}
	for (uint32_t i = 0; i < m->n; i++)
		FIELD(m->ids[i] = cxp_get_u64(&r), "ids");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- RESULT: u64 tasklet_id, str container, u32 status, u64 fuel_used, u64 run_ns,
 *      u64 queue_ns, u64 start_seq, u32 worker, u32 flags, u32 attempt, u64 cost_micro,
 *      32 bytes digest, str output, str value, str error ---- */

void cxp_result_encode(struct cxp_wbuf *w, const struct cxp_result *m)
{
	cxp_put_u64(w, m->tasklet_id);
	put_str_max(w, m->container, CXP_NAME_MAX);
	cxp_put_u32(w, m->status);
	cxp_put_u64(w, m->fuel_used);
	cxp_put_u64(w, m->run_ns);
	cxp_put_u64(w, m->queue_ns);
	cxp_put_u64(w, m->start_seq);
	cxp_put_u32(w, m->worker);
	cxp_put_u32(w, m->flags);
	cxp_put_u32(w, m->attempt);
	cxp_put_u64(w, m->cost_micro);
	cxp_put_bytes(w, m->digest, CXP_DIGEST_SIZE);
	put_strn(w, m->output, m->output_len);
	put_strn(w, m->value, m->value_len);
	put_strn(w, m->error, m->error_len);
}

#define MSG "RESULT"
int cxp_result_decode(const void *p, size_t len, struct cxp_result *m, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(cxp_get_str(&r, m->container, sizeof(m->container)), "container");
	FIELD(m->status = cxp_get_u32(&r), "status");
	FIELD(m->fuel_used = cxp_get_u64(&r), "fuel_used");
	FIELD(m->run_ns = cxp_get_u64(&r), "run_ns");
	FIELD(m->queue_ns = cxp_get_u64(&r), "queue_ns");
	FIELD(m->start_seq = cxp_get_u64(&r), "start_seq");
	FIELD(m->worker = cxp_get_u32(&r), "worker");
	FIELD(m->flags = cxp_get_u32(&r), "flags");
	FIELD(m->attempt = cxp_get_u32(&r), "attempt");
	FIELD(m->cost_micro = cxp_get_u64(&r), "cost_micro");
	{
		const uint8_t *d;

		FIELD(d = cxp_get_bytes(&r, CXP_DIGEST_SIZE), "digest");
		memcpy(m->digest, d, CXP_DIGEST_SIZE);
	}
	FIELD(m->output = cxp_get_strn(&r, &m->output_len), "output");
	FIELD(m->value = cxp_get_strn(&r, &m->value_len), "value");
	FIELD(m->error = cxp_get_strn(&r, &m->error_len), "error");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- CHUNKS: u64 tasklet_id, u32 n, n x chunk (wire_size bytes each) ---- */

void cxp_chunks_encode_header(struct cxp_wbuf *w, uint64_t tasklet_id, uint32_t n)
{
	cxp_put_u64(w, tasklet_id);
	cxp_put_u32(w, n);
}

#define MSG "CHUNKS"
int cxp_chunks_decode(const void *p, size_t len, size_t wire_size, struct cxp_chunks *m, char *err,
		      size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->n = cxp_get_u32(&r), "n");
	if ((uint64_t)m->n * wire_size != len - r.off) {
		if (err && errlen)
			snprintf(err, errlen,
				 "CHUNKS payload: %u chunks of %zu bytes announced, %zu bytes follow",
				 m->n, wire_size, len - r.off);
		return -EBADMSG;
	}
	m->chunks = (const uint8_t *)p + r.off;
	return 0;
}
#undef MSG

/* ---- CANCEL: u64 tasklet_id, u32 attempt ---- */

void cxp_cancel_encode(struct cxp_wbuf *w, const struct cxp_cancel *m)
{
	cxp_put_u64(w, m->tasklet_id);
	cxp_put_u32(w, m->attempt);
}

#define MSG "CANCEL"
int cxp_cancel_decode(const void *p, size_t len, struct cxp_cancel *m, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->attempt = cxp_get_u32(&r), "attempt");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

void cxp_result_digest(uint32_t status, const char *output, size_t output_len, const char *value,
		       size_t value_len, uint8_t out[CXP_DIGEST_SIZE])
{
	mbedtls_sha256_context ctx;
	uint8_t head[12];

	le32_store(head, status);
	le64_store(head + 4, (uint64_t)output_len);
	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	mbedtls_sha256_update_ret(&ctx, head, sizeof(head));
	mbedtls_sha256_update_ret(&ctx, (const uint8_t *)output, output_len);
	mbedtls_sha256_update_ret(&ctx, (const uint8_t *)value, value_len);
	mbedtls_sha256_finish_ret(&ctx, out);
	mbedtls_sha256_free(&ctx);
}

/* ---- FETCH_GRAPH: u64 tasklet_id, u64 root, u32 mode ---- */

void cxp_fetch_graph_encode(struct cxp_wbuf *w, const struct cxp_fetch_graph *m)
{
	cxp_put_u64(w, m->tasklet_id);
	cxp_put_u64(w, m->root);
	cxp_put_u32(w, m->mode);
}

#define MSG "FETCH_GRAPH"
int cxp_fetch_graph_decode(const void *p, size_t len, struct cxp_fetch_graph *m, char *err,
			   size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->root = cxp_get_u64(&r), "root");
	if (!m->root) {
		if (err && errlen)
			snprintf(err, errlen, "FETCH_GRAPH payload: root chunk id 0 at byte 8");
		return -EBADMSG;
	}
	FIELD(m->mode = cxp_get_u32(&r), "mode");
	if (m->mode != CXP_GRAPH_IDS && m->mode != CXP_GRAPH_CHUNKS) {
		if (err && errlen)
			snprintf(err, errlen, "FETCH_GRAPH payload: mode %u at byte 16 (want %u ids "
				 "or %u chunks)", m->mode, CXP_GRAPH_IDS, CXP_GRAPH_CHUNKS);
		return -EBADMSG;
	}
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- MANIFEST: u64 tasklet_id, u32 n (1..CXP_MANIFEST_MAX), n x u64 id (!= 0) ---- */

void cxp_manifest_encode_header(struct cxp_wbuf *w, uint64_t tasklet_id, uint32_t n)
{
	cxp_put_u64(w, tasklet_id);
	cxp_put_u32(w, n);
}

uint64_t cxp_manifest_id(const struct cxp_manifest *m, uint32_t i)
{
	return le64_load(m->ids + (size_t)i * 8);
}

#define MSG "MANIFEST"
int cxp_manifest_decode(const void *p, size_t len, struct cxp_manifest *m, char *err,
			size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->n = cxp_get_u32(&r), "n");
	if (m->n == 0 || m->n > CXP_MANIFEST_MAX || (uint64_t)m->n * 8 != len - r.off) {
		if (err && errlen)
			snprintf(err, errlen,
				 "MANIFEST payload: %u ids announced (want 1..%u), %zu bytes follow",
				 m->n, CXP_MANIFEST_MAX, len - r.off);
		m->n = 0;
		return -EBADMSG;
	}
	m->ids = (const uint8_t *)p + r.off;
	for (uint32_t i = 0; i < m->n; i++)
		if (!cxp_manifest_id(m, i)) {
			if (err && errlen)
				snprintf(err, errlen, "MANIFEST payload: id %u (byte %zu) is 0", i,
					 r.off + (size_t)i * 8);
			m->n = 0;
			return -EBADMSG;
		}
	return 0;
}
#undef MSG

/* ---- DONE: u64 tasklet_id, u32 attempt, u64 fuel_used ---- */

void cxp_done_encode(struct cxp_wbuf *w, const struct cxp_done *m)
{
	cxp_put_u64(w, m->tasklet_id);
	cxp_put_u32(w, m->attempt);
	cxp_put_u64(w, m->fuel_used);
}

#define MSG "DONE"
int cxp_done_decode(const void *p, size_t len, struct cxp_done *m, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->tasklet_id = cxp_get_u64(&r), "tasklet_id");
	FIELD(m->attempt = cxp_get_u32(&r), "attempt");
	FIELD(m->fuel_used = cxp_get_u64(&r), "fuel_used");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- HEARTBEAT: u32 depth[2], u32 running, u32 held[2], u32 capacity[2], u32 speed,
 *      u32 flags ---- */

void cxp_heartbeat_encode(struct cxp_wbuf *w, const struct cxp_heartbeat *m)
{
	cxp_put_u32(w, m->depth[0]);
	cxp_put_u32(w, m->depth[1]);
	cxp_put_u32(w, m->running);
	cxp_put_u32(w, m->held[0]);
	cxp_put_u32(w, m->held[1]);
	cxp_put_u32(w, m->capacity[0]);
	cxp_put_u32(w, m->capacity[1]);
	cxp_put_u32(w, m->speed);
	cxp_put_u32(w, m->flags);
}

#define MSG "HEARTBEAT"
int cxp_heartbeat_decode(const void *p, size_t len, struct cxp_heartbeat *m, char *err,
			 size_t errlen)
{
	struct cxp_rbuf r;

	memset(m, 0, sizeof(*m));
	cxp_rbuf_init(&r, p, len);
	FIELD(m->depth[0] = cxp_get_u32(&r), "depth[priority]");
	FIELD(m->depth[1] = cxp_get_u32(&r), "depth[economy]");
	FIELD(m->running = cxp_get_u32(&r), "running");
	FIELD(m->held[0] = cxp_get_u32(&r), "held[priority]");
	FIELD(m->held[1] = cxp_get_u32(&r), "held[economy]");
	FIELD(m->capacity[0] = cxp_get_u32(&r), "capacity[priority]");
	FIELD(m->capacity[1] = cxp_get_u32(&r), "capacity[economy]");
	FIELD(m->speed = cxp_get_u32(&r), "speed");
	FIELD(m->flags = cxp_get_u32(&r), "flags");
	return trailing(&r, MSG, err, errlen);
}
#undef MSG

/* ---- REGISTERED, DRAINING, RESULT_ACK, HANDBACK: u64 id ---- */

void cxp_id_encode(struct cxp_wbuf *w, uint64_t id)
{
	cxp_put_u64(w, id);
}

int cxp_id_decode(unsigned type, const void *p, size_t len, uint64_t *id, char *err, size_t errlen)
{
	struct cxp_rbuf r;

	cxp_rbuf_init(&r, p, len);
	*id = cxp_get_u64(&r);
	if (r.err)
		return bad(&r, cxp_type_name(type), "id", err, errlen);
	return trailing(&r, cxp_type_name(type), err, errlen);
}

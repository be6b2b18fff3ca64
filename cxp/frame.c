/* SPDX-License-Identifier: MIT */
/*
 * The CXP frame header codec, type and error-code names, and the
 * bounds-checked little-endian payload buffers every message codec is
 * written with. The wire layout is in cxp.h and man cxp(7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "cxp/cxp.h"

static const char *const type_names[] = {
	[CXP_MSG_ERROR] = "ERROR",   [CXP_MSG_REGISTER] = "REGISTER",
	[CXP_MSG_REGISTERED] = "REGISTERED", [CXP_MSG_SUBMIT] = "SUBMIT",
	[CXP_MSG_ASSIGNED] = "ASSIGNED", [CXP_MSG_ASSIGN] = "ASSIGN",
	[CXP_MSG_FETCH] = "FETCH",   [CXP_MSG_CHUNKS] = "CHUNKS",
	[CXP_MSG_RESULT] = "RESULT", [CXP_MSG_DONE] = "DONE",
	[CXP_MSG_RESULT_ACK] = "RESULT_ACK", [CXP_MSG_HEARTBEAT] = "HEARTBEAT",
	[CXP_MSG_HANDBACK] = "HANDBACK", [CXP_MSG_DRAINING] = "DRAINING",
	[CXP_MSG_CANCEL] = "CANCEL",
	[CXP_MSG_FETCH_GRAPH] = "FETCH_GRAPH", [CXP_MSG_MANIFEST] = "MANIFEST",
};

static const char *const ecode_names[] = {
	[CXP_E_BADMSG] = "BADMSG", [CXP_E_NOMATCH] = "NOMATCH",
	[CXP_E_NOTFOUND] = "NOTFOUND", [CXP_E_BUSY] = "BUSY",
	[CXP_E_INTERNAL] = "INTERNAL", [CXP_E_LOST] = "LOST",
	[CXP_E_UNDELIVERED] = "UNDELIVERED", [CXP_E_DEADLINE] = "DEADLINE",
};

/* The name of a message type, or "UNKNOWN" (never NULL: safe in log formats). */
const char *cxp_type_name(unsigned type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type])
		return type_names[type];
	return "UNKNOWN";
}

/* The name of an error code, or "UNKNOWN" (never NULL). */
const char *cxp_ecode_name(unsigned code)
{
	if (code < sizeof(ecode_names) / sizeof(ecode_names[0]) && ecode_names[code])
		return ecode_names[code];
	return "UNKNOWN";
}

void cxp_hdr_encode(const struct cxp_hdr *h, uint8_t out[CXP_HDR_SIZE])
{
	out[0] = CXP_MAGIC0;
	out[1] = CXP_MAGIC1;
	out[2] = CXP_VERSION;
	out[3] = h->type;
	le32_store(out + 4, h->len);
	le64_store(out + 8, h->reqid);
}

/*
 * Validate and decode a header. The magic is reported as the two bytes in
 * wire order ("GET ..." gives 0x4745) so a person can read it as ASCII.
 */
int cxp_hdr_decode(const uint8_t in[CXP_HDR_SIZE], struct cxp_hdr *h, char *err, size_t errlen)
{
	uint32_t len;

	if (in[0] != CXP_MAGIC0 || in[1] != CXP_MAGIC1) {
		if (err && errlen)
			snprintf(err, errlen, "bad magic 0x%02x%02x", in[0], in[1]);
		return -EPROTO;
	}
	if (in[2] != CXP_VERSION) {
		if (err && errlen)
			snprintf(err, errlen, "bad version %u (expected %u)", in[2], CXP_VERSION);
		return -EPROTO;
	}
	if (in[3] == 0 || in[3] > CXP_MSG_TYPE_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "unknown message type %u", in[3]);
		return -EPROTO;
	}
	len = le32_load(in + 4);
	if (len > CXP_MAX_PAYLOAD) {
		if (err && errlen)
			snprintf(err, errlen, "length %u > %u", len, CXP_MAX_PAYLOAD);
		return -EPROTO;
	}
	h->type = in[3];
	h->len = len;
	h->reqid = le64_load(in + 8);
	return 0;
}

/* ---- Write buffer ------------------------------------------------------ */

void cxp_wbuf_init(struct cxp_wbuf *w)
{
	*w = (struct cxp_wbuf){ 0 };
}

void cxp_wbuf_init_fixed(struct cxp_wbuf *w, void *buf, size_t cap)
{
	*w = (struct cxp_wbuf){ .p = buf, .cap = cap, .fixed = 1 };
}

void cxp_wbuf_free(struct cxp_wbuf *w)
{
	if (!w->fixed)
		free(w->p);
	cxp_wbuf_init(w);
}

/* Room for n more bytes: a pointer to them, or NULL with the sticky error set. */
static uint8_t *wbuf_reserve(struct cxp_wbuf *w, size_t n)
{
	uint8_t *np;
	size_t ncap;

	if (w->err)
		return NULL;
	if (w->fixed) {
		if (n > w->cap - w->len) {
			w->err = -ENOSPC;
			return NULL;
		}
		w->len += n;
		return w->p + w->len - n;
	}
	if (n > SIZE_MAX / 2 - w->len) {
		w->err = -ENOMEM;
		return NULL;
	}
	if (w->len + n > w->cap) {
		ncap = w->cap ? w->cap : 64;
		while (ncap < w->len + n)
			ncap *= 2;
		np = realloc(w->p, ncap);
		if (!np) {
			w->err = -ENOMEM;
			return NULL;
		}
		w->p = np;
		w->cap = ncap;
	}
	np = w->p + w->len;
	w->len += n;
	return np;
}

void cxp_put_u8(struct cxp_wbuf *w, uint8_t v)
{
	uint8_t *p = wbuf_reserve(w, 1);

	if (p)
		*p = v;
}

void cxp_put_u32(struct cxp_wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_reserve(w, 4);

	if (p)
		le32_store(p, v);
}

void cxp_put_u64(struct cxp_wbuf *w, uint64_t v)
{
	uint8_t *p = wbuf_reserve(w, 8);

	if (p)
		le64_store(p, v);
}

void cxp_put_bytes(struct cxp_wbuf *w, const void *src, size_t n)
{
	uint8_t *p;

	if (!n)
		return;
	p = wbuf_reserve(w, n);
	if (p)
		memcpy(p, src, n);
}

/* A NULL string is written as the empty string. */
void cxp_put_str(struct cxp_wbuf *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > UINT32_MAX) {
		w->err = w->err ? w->err : -ENOMEM;
		return;
	}
	cxp_put_u32(w, (uint32_t)n);
	cxp_put_bytes(w, s, n);
}

/* ---- Read buffer ------------------------------------------------------- */

void cxp_rbuf_init(struct cxp_rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = 0;
}

/* n bytes at the read position (advanced), or NULL with -EBADMSG sticky;
 * on failure off stays where the failed field starts. */
static const uint8_t *rbuf_take(struct cxp_rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->err)
		return NULL;
	if (n > r->len - r->off) {
		r->err = -EBADMSG;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint8_t cxp_get_u8(struct cxp_rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 1);

	return p ? *p : 0;
}

uint32_t cxp_get_u32(struct cxp_rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 4);

	return p ? le32_load(p) : 0;
}

uint64_t cxp_get_u64(struct cxp_rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 8);

	return p ? le64_load(p) : 0;
}

const uint8_t *cxp_get_bytes(struct cxp_rbuf *r, size_t n)
{
	return rbuf_take(r, n);
}

const char *cxp_get_strn(struct cxp_rbuf *r, size_t *n)
{
	size_t start = r->off;
	uint32_t len = cxp_get_u32(r);
	const uint8_t *p = rbuf_take(r, len);

	if (!p) {
		if (r->err)
			r->off = start;
		*n = 0;
		return NULL;
	}
	*n = len;
	return (const char *)p;
}

void cxp_get_str(struct cxp_rbuf *r, char *dst, size_t cap)
{
	size_t start = r->off, n;
	const char *s = cxp_get_strn(r, &n);

	if (cap)
		dst[0] = '\0';
	if (!s)
		return;
	if (n >= cap || memchr(s, '\0', n)) {
		r->err = -EBADMSG;
		r->off = start;
		return;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

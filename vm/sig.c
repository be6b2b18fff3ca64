/* SPDX-License-Identifier: MIT */
/*
 * Tasklet signatures on the wire (vm/vm.h, man cxp(7)):
 *
 *   u64 tasklet_id, str app_addr, u64 root, u64 seed, u64 start_ns, u32 nqos,
 *   nqos x { u8 cat, u8 nparams, nparams x { u8 type, i64 | str } }
 *
 * little-endian, str = u32 length + bytes (no NUL). The decoder trusts
 * nothing: every length is checked against what is left before it is used,
 * and a message names the field and its byte offset.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vm/chunk_int.h"
#include "vm/vm.h"

/* ---- encode ----------------------------------------------------------------- */

struct wr {
	uint8_t *p;
	size_t cap, n;
};

static void w_bytes(struct wr *w, const void *p, size_t n)
{
	if (w->n <= w->cap && n <= w->cap - w->n && n)
		memcpy(w->p + w->n, p, n);
	w->n += n;
}

static void w_u8(struct wr *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void w_u32(struct wr *w, uint32_t v)
{
	v = htole32(v);
	w_bytes(w, &v, 4);
}

static void w_u64(struct wr *w, uint64_t v)
{
	v = htole64(v);
	w_bytes(w, &v, 8);
}

/* s must hold a NUL within max + 1 bytes; -EINVAL otherwise. */
static int w_str(struct wr *w, const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max + 1);

	if (!nul)
		return -EINVAL;
	w_u32(w, (uint32_t)(nul - s));
	w_bytes(w, s, (size_t)(nul - s));
	return 0;
}

/*
 * Also -EINVAL for a signature that could not be decoded: app_addr or a
 * string parameter without a NUL within 64 bytes, nqos > VM_QOS_MAX, a bad
 * category, parameter count or type. Nothing is written past cap.
 */
int vm_sig_encode(const struct vm_sig *s, uint8_t *buf, size_t cap)
{
	struct wr w = {buf, buf ? cap : 0, 0};

	w_u64(&w, s->tasklet_id);
	if (w_str(&w, s->app_addr, VM_SIG_ADDR_MAX))
		return -EINVAL;
	w_u64(&w, s->root);
	w_u64(&w, s->seed);
	w_u64(&w, s->start_ns);
	if (s->nqos > VM_QOS_MAX)
		return -EINVAL;
	w_u32(&w, s->nqos);
	for (uint32_t i = 0; i < s->nqos; i++) {
		const struct vm_qos *q = &s->qos[i];

		if (q->cat < 1 || q->cat > VM_QOS_CAT_MAX || q->nparams > VM_QOS_MAX_PARAMS)
			return -EINVAL;
		w_u8(&w, q->cat);
		w_u8(&w, q->nparams);
		for (unsigned k = 0; k < q->nparams; k++) {
			const struct vm_qos_param *p = &q->p[k];

			w_u8(&w, p->type);
			if (p->type == VM_QOS_P_INT)
				w_u64(&w, (uint64_t)p->i);
			else if (p->type != VM_QOS_P_STR || w_str(&w, p->s, VM_QOS_STR_MAX))
				return -EINVAL;
		}
	}
	return w.n > w.cap ? -ENOSPC : (int)w.n;
}

/* ---- decode ----------------------------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t len, off;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int bad(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vm_vfail(-EINVAL, r->err, r->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int need(struct rd *r, size_t n, const char *what)
{
	if (r->len - r->off >= n)
		return 0;
	return bad(r, "signature: truncated at offset %zu: %s needs %zu bytes, %zu left", r->off,
		   what, n, r->len - r->off);
}

static int r_u8(struct rd *r, uint8_t *v, const char *what)
{
	if (need(r, 1, what))
		return -EINVAL;
	*v = r->p[r->off++];
	return 0;
}

static int r_u32(struct rd *r, uint32_t *v, const char *what)
{
	if (need(r, 4, what))
		return -EINVAL;
	memcpy(v, r->p + r->off, 4);
	*v = le32toh(*v);
	r->off += 4;
	return 0;
}

static int r_u64(struct rd *r, uint64_t *v, const char *what)
{
	if (need(r, 8, what))
		return -EINVAL;
	memcpy(v, r->p + r->off, 8);
	*v = le64toh(*v);
	r->off += 8;
	return 0;
}

/* A str of at most max bytes into dst[max + 1], NUL-terminated; a NUL inside is refused. */
static int r_str(struct rd *r, char *dst, size_t max, const char *what)
{
	size_t at = r->off;
	uint32_t n;
	const uint8_t *nul;

	if (r_u32(r, &n, what))
		return -EINVAL;
	if (n > max)
		return bad(r, "signature: offset %zu: %s is %u bytes long (at most %zu)", at, what,
			   n, max);
	if (need(r, n, what))
		return -EINVAL;
	nul = memchr(r->p + r->off, '\0', n);
	if (nul)
		return bad(r, "signature: offset %zu: %s holds a NUL byte", (size_t)(nul - r->p),
			   what);
	memcpy(dst, r->p + r->off, n);
	dst[n] = '\0';
	r->off += n;
	return 0;
}

static int r_qos(struct rd *r, uint32_t i, struct vm_qos *q)
{
	char what[64];
	size_t at = r->off;

	snprintf(what, sizeof(what), "QoS requirement %u category", i + 1);
	if (r_u8(r, &q->cat, what))
		return -EINVAL;
	if (q->cat < 1 || q->cat > VM_QOS_CAT_MAX)
		return bad(r,
			   "signature: offset %zu: QoS requirement %u: unknown category %u "
			   "(known: 1..%d)",
			   at, i + 1, q->cat, VM_QOS_CAT_MAX);
	at = r->off;
	snprintf(what, sizeof(what), "QoS requirement %u parameter count", i + 1);
	if (r_u8(r, &q->nparams, what))
		return -EINVAL;
	if (q->nparams > VM_QOS_MAX_PARAMS)
		return bad(r,
			   "signature: offset %zu: QoS requirement %u (%s): %u parameters "
			   "(at most %d)",
			   at, i + 1, vm_qos_name(q->cat), q->nparams, VM_QOS_MAX_PARAMS);
	for (unsigned k = 0; k < q->nparams; k++) {
		struct vm_qos_param *p = &q->p[k];

		at = r->off;
		snprintf(what, sizeof(what), "QoS requirement %u parameter %u", i + 1, k + 1);
		if (r_u8(r, &p->type, what))
			return -EINVAL;
		if (p->type == VM_QOS_P_INT) {
			uint64_t v;

			if (r_u64(r, &v, what))
				return -EINVAL;
			p->i = (int64_t)v;
		} else if (p->type == VM_QOS_P_STR) {
			if (r_str(r, p->s, VM_QOS_STR_MAX, what))
				return -EINVAL;
		} else {
			return bad(r,
				   "signature: offset %zu: %s: unknown type %u (1 int, 2 string)",
				   at, what, p->type);
		}
	}
	return 0;
}

/* *s is zeroed first, so unused entries read as zero; on error it holds a partial decode. */
int vm_sig_decode(const uint8_t *buf, size_t len, struct vm_sig *s, char *err, size_t errlen)
{
	struct rd r = {buf, buf ? len : 0, 0, err, errlen};
	size_t at;

	memset(s, 0, sizeof(*s));
	if (r.len > INT32_MAX)
		return bad(&r, "signature: %zu bytes, too long", len);
	if (r_u64(&r, &s->tasklet_id, "tasklet_id") ||
	    r_str(&r, s->app_addr, VM_SIG_ADDR_MAX, "app_addr") || r_u64(&r, &s->root, "root") ||
	    r_u64(&r, &s->seed, "seed") || r_u64(&r, &s->start_ns, "start_ns"))
		return -EINVAL;
	at = r.off;
	if (r_u32(&r, &s->nqos, "nqos"))
		return -EINVAL;
	if (s->nqos > VM_QOS_MAX)
		return bad(&r, "signature: offset %zu: nqos %u (at most %d)", at, s->nqos,
			   VM_QOS_MAX);
	for (uint32_t i = 0; i < s->nqos; i++)
		if (r_qos(&r, i, &s->qos[i]))
			return -EINVAL;
	if (r.off != r.len)
		return bad(&r,
			   "signature: %zu trailing bytes at offset %zu after the last QoS "
			   "requirement",
			   r.len - r.off, r.off);
	return (int)r.off;
}

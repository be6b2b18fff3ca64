/* SPDX-License-Identifier: MIT */
/*
 * Tasklet signatures on the wire, the payload of SUBMIT and ASSIGN (man cxp(7)):
 *
 *   u64 tasklet_id, str app_addr, u64 root, u64 seed, u64 start_ns, u32 nqos,
 *   nqos x { u8 cat, u8 nparams, nparams x { u8 type, i64 | str } },
 *   u64 code_hash, u32 app_speed, u32 attempt
 *
 * little-endian, str = u32 length + bytes (no NUL). The decoder trusts
 * nothing: every length is checked against what is left before it is used,
 * and a message names the field and its byte offset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"
#include "vm/vm.h"

/* ---- encode ----------------------------------------------------------------- */

/* s must hold a NUL within max + 1 bytes; -EINVAL otherwise. */
static int put_str(struct cxp_wbuf *w, const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max + 1);

	if (!nul)
		return -EINVAL;
	cxp_put_u32(w, (uint32_t)(nul - s));
	cxp_put_bytes(w, s, (size_t)(nul - s));
	return 0;
}

/*
 * Appends the encoding to w (whose sticky error reports -ENOMEM, or -ENOSPC
 * for a fixed buffer). Returns the encoded length, or -EINVAL for a
 * signature that could not be decoded: app_addr or a string parameter
 * without a NUL within 64 bytes, nqos > VM_QOS_MAX, a bad category,
 * parameter count or type.
 */
int cxp_sig_encode(struct cxp_wbuf *w, const struct vm_sig *s)
{
	size_t start = w->len;

	cxp_put_u64(w, s->tasklet_id);
	if (put_str(w, s->app_addr, VM_SIG_ADDR_MAX) || put_str(w, s->app_cn, VM_SIG_CN_MAX))
		return -EINVAL;
	cxp_put_u64(w, s->root);
	cxp_put_u64(w, s->seed);
	cxp_put_u64(w, s->start_ns);
	if (s->nqos > VM_QOS_MAX)
		return -EINVAL;
	cxp_put_u32(w, s->nqos);
	for (uint32_t i = 0; i < s->nqos; i++) {
		const struct vm_qos *q = &s->qos[i];

		if (q->cat < 1 || q->cat > VM_QOS_CAT_MAX || q->nparams > VM_QOS_MAX_PARAMS)
			return -EINVAL;
		cxp_put_u8(w, q->cat);
		cxp_put_u8(w, q->nparams);
		for (unsigned k = 0; k < q->nparams; k++) {
			const struct vm_qos_param *p = &q->p[k];

			cxp_put_u8(w, p->type);
			if (p->type == VM_QOS_P_INT)
				cxp_put_u64(w, (uint64_t)p->i);
			else if (p->type != VM_QOS_P_STR || put_str(w, p->s, VM_QOS_STR_MAX))
				return -EINVAL;
		}
	}
	cxp_put_u64(w, s->code_hash);
	cxp_put_u32(w, s->app_speed);
	cxp_put_u32(w, s->attempt);
	return w->err ? w->err : (int)(w->len - start);
}

/* ---- decode ----------------------------------------------------------------- */

/* A cxp_rbuf plus where to put the message; every field is checked with need() first. */
struct rd {
	struct cxp_rbuf b;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int bad(struct rd *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->err && r->errlen)
		vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int need(struct rd *r, size_t n, const char *what)
{
	if (r->b.len - r->b.off >= n)
		return 0;
	return bad(r, "signature: truncated at offset %zu: %s needs %zu bytes, %zu left", r->b.off,
		   what, n, r->b.len - r->b.off);
}

static int r_u8(struct rd *r, uint8_t *v, const char *what)
{
	if (need(r, 1, what))
		return -EINVAL;
	*v = cxp_get_u8(&r->b);
	return 0;
}

static int r_u32(struct rd *r, uint32_t *v, const char *what)
{
	if (need(r, 4, what))
		return -EINVAL;
	*v = cxp_get_u32(&r->b);
	return 0;
}

static int r_u64(struct rd *r, uint64_t *v, const char *what)
{
	if (need(r, 8, what))
		return -EINVAL;
	*v = cxp_get_u64(&r->b);
	return 0;
}

/* A str of at most max bytes into dst[max + 1], NUL-terminated; a NUL inside is refused. */
static int r_str(struct rd *r, char *dst, size_t max, const char *what)
{
	size_t at = r->b.off;
	uint32_t n;
	const uint8_t *nul;

	if (r_u32(r, &n, what))
		return -EINVAL;
	if (n > max)
		return bad(r, "signature: offset %zu: %s is %u bytes long (at most %zu)", at, what,
			   n, max);
	if (need(r, n, what))
		return -EINVAL;
	nul = memchr(r->b.p + r->b.off, '\0', n);
	if (nul)
		return bad(r, "signature: offset %zu: %s holds a NUL byte", (size_t)(nul - r->b.p),
			   what);
	memcpy(dst, r->b.p + r->b.off, n);
	dst[n] = '\0';
	r->b.off += n;
	return 0;
}

static int r_qos(struct rd *r, uint32_t i, struct vm_qos *q)
{
	char what[64];
	size_t at = r->b.off;

	snprintf(what, sizeof(what), "QoS requirement %u category", i + 1);
	if (r_u8(r, &q->cat, what))
		return -EINVAL;
	if (q->cat < 1 || q->cat > VM_QOS_CAT_MAX)
		return bad(r,
			   "signature: offset %zu: QoS requirement %u: unknown category %u "
			   "(known: 1..%d)",
			   at, i + 1, q->cat, VM_QOS_CAT_MAX);
	at = r->b.off;
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

		at = r->b.off;
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

int cxp_sig_vouch(const struct cxp_conn *from, struct vm_sig *s, int secure, char *why,
		  size_t whycap)
{
	const char *peer = cxp_conn_peer(from), *pc = strrchr(peer, ':'),
		   *ac = strrchr(s->app_addr, ':');
	char addr[VM_SIG_ADDR_MAX + 1];
	unsigned long port;
	char *end;
	int changed;

	if (!ac || !pc) {
		snprintf(why, whycap, "app_addr '%s' names no port", s->app_addr);
		return -EINVAL;
	}
	port = strtoul(ac + 1, &end, 10);
	if (*end || !port || port > 65535) {
		snprintf(why, whycap, "app_addr '%s' names no valid port", s->app_addr);
		return -EINVAL;
	}
	snprintf(addr, sizeof(addr), "%.*s:%lu", (int)(pc - peer), peer, port);
	changed = strcmp(addr, s->app_addr) != 0;
	snprintf(s->app_addr, sizeof(s->app_addr), "%s", addr);
	s->app_cn[0] = 0;
	if (secure && cxp_conn_peer_cert(from, s->app_cn, sizeof(s->app_cn), NULL, 0) < 0) {
		snprintf(why, whycap, "secure mode: the sender presented no certificate");
		return -EPERM;
	}
	return changed;
}

/* *s is zeroed first, so unused entries read as zero; on error it holds a partial decode. */
int cxp_sig_decode(const void *buf, size_t len, struct vm_sig *s, char *err, size_t errlen)
{
	struct rd r = {.err = err, .errlen = errlen};
	size_t at;

	cxp_rbuf_init(&r.b, buf, buf ? len : 0);
	memset(s, 0, sizeof(*s));
	if (r.b.len > INT32_MAX)
		return bad(&r, "signature: %zu bytes, too long", len);
	if (r_u64(&r, &s->tasklet_id, "tasklet_id") ||
	    r_str(&r, s->app_addr, VM_SIG_ADDR_MAX, "app_addr") ||
	    r_str(&r, s->app_cn, VM_SIG_CN_MAX, "app_cn") || r_u64(&r, &s->root, "root") ||
	    r_u64(&r, &s->seed, "seed") || r_u64(&r, &s->start_ns, "start_ns"))
		return -EINVAL;
	at = r.b.off;
	if (r_u32(&r, &s->nqos, "nqos"))
		return -EINVAL;
	if (s->nqos > VM_QOS_MAX)
		return bad(&r, "signature: offset %zu: nqos %u (at most %d)", at, s->nqos,
			   VM_QOS_MAX);
	for (uint32_t i = 0; i < s->nqos; i++)
		if (r_qos(&r, i, &s->qos[i]))
			return -EINVAL;
	if (r_u64(&r, &s->code_hash, "code_hash") || r_u32(&r, &s->app_speed, "app_speed") ||
	    r_u32(&r, &s->attempt, "attempt"))
		return -EINVAL;
	if (r.b.off != r.b.len)
		return bad(&r, "signature: %zu trailing bytes at offset %zu after the attempt number",
			   r.b.len - r.b.off, r.b.off);
	return (int)r.b.off;
}

/* SPDX-License-Identifier: MIT */
/*
 * QoS requirements: names, formatting, and their chunk form (vm/vm.h,
 * man tasklet-chunks(7)). The reader checks structure only (kinds, slot
 * types, counts, lengths, chain shape); what a parameter means is the
 * compiler's and the trader's business.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vm/chunk_int.h"
#include "vm/qos_int.h"
#include "vm/vm.h"

#define QOS_S_CAT   0
#define QOS_S_PARAM 1 /* parameters in s[1..14], ended by the first EMPTY */

/* clang-format off */
static const char *const qos_names[VM_QOS_CAT_MAX + 1] = {
	[VM_QOS_PRIORITY] = "Priority",
	[VM_QOS_SPEED_MINIMUM] = "SpeedMinimum",
	[VM_QOS_COST_LIMIT] = "CostLimit",
	[VM_QOS_FAULT_TOLERANCE] = "FaultTolerance",
	[VM_QOS_PRIVACY] = "Privacy",
	[VM_QOS_DEADLINE] = "Deadline",
	[VM_QOS_RELIABILITY] = "Reliability",
};
/* clang-format on */

const char *vm_qos_name(unsigned cat)
{
	return cat >= 1 && cat <= VM_QOS_CAT_MAX ? qos_names[cat] : NULL;
}

/* Exact, case-sensitive match of name[0..len). */
int vm_qos_lookup(const char *name, size_t len)
{
	if (!name)
		return -ENOENT;
	for (unsigned c = 1; c <= VM_QOS_CAT_MAX; c++)
		if (strlen(qos_names[c]) == len && !memcmp(qos_names[c], name, len))
			return (int)c;
	return -ENOENT;
}

/* ---- formatting ------------------------------------------------------------ */

/* snprintf-style appender: counts everything, writes what fits. */
struct sbuf {
	char *p;
	size_t cap, n;
};

static void sb_putc(struct sbuf *b, char c)
{
	if (b->n + 1 < b->cap)
		b->p[b->n] = c;
	b->n++;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

/* 'text' with \', \\ and \xHH for control bytes, as a JavaScript literal would read. */
static void sb_quote(struct sbuf *b, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";

	sb_putc(b, '\'');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\'' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			sb_puts(b, "\\x");
			sb_putc(b, hex[c >> 4]);
			sb_putc(b, hex[c & 15]);
		} else {
			sb_putc(b, (char)c);
		}
	}
	sb_putc(b, '\'');
}

/*
 * "SpeedMinimum(2, 'relative')". An unknown category prints as "QoS#9(...)",
 * an unknown parameter type as "?"; never reads past the arrays of q.
 */
int vm_qos_format(const struct vm_qos *q, char *buf, size_t cap)
{
	struct sbuf b = {buf, cap, 0};
	const char *name = vm_qos_name(q->cat);
	unsigned np = q->nparams < VM_QOS_MAX_PARAMS ? q->nparams : VM_QOS_MAX_PARAMS;
	char num[32];

	if (name) {
		sb_puts(&b, name);
	} else {
		snprintf(num, sizeof(num), "QoS#%u", q->cat);
		sb_puts(&b, num);
	}
	sb_putc(&b, '(');
	for (unsigned i = 0; i < np; i++) {
		const struct vm_qos_param *p = &q->p[i];

		if (i)
			sb_puts(&b, ", ");
		if (p->type == VM_QOS_P_INT) {
			snprintf(num, sizeof(num), "%" PRId64, p->i);
			sb_puts(&b, num);
		} else if (p->type == VM_QOS_P_STR) {
			sb_quote(&b, p->s, sizeof(p->s));
		} else {
			sb_putc(&b, '?');
		}
	}
	sb_putc(&b, ')');
	if (cap)
		buf[b.n < cap ? b.n : cap - 1] = '\0';
	return b.n > INT32_MAX ? INT32_MAX : (int)b.n;
}

int vm_qos_is_priority(const struct vm_qos *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (q[i].cat == VM_QOS_PRIORITY && q[i].nparams >= 1 &&
		    q[i].p[0].type == VM_QOS_P_STR && !strcmp(q[i].p[0].s, "True"))
			return 1;
	return 0;
}

const struct vm_qos_param *vm_qos_param(const struct vm_qos *q, size_t n, unsigned cat,
					unsigned idx, unsigned type)
{
	for (size_t i = 0; i < n; i++)
		if (q[i].cat == cat && q[i].nparams > idx && q[i].p[idx].type == type)
			return &q[i].p[idx];
	return NULL;
}

/* ---- chunk form ------------------------------------------------------------- */

static int check_qos(const struct vm_qos *q)
{
	if (q->cat < 1 || q->cat > VM_QOS_CAT_MAX || q->nparams > VM_QOS_MAX_PARAMS)
		return -EINVAL;
	for (unsigned k = 0; k < q->nparams; k++) {
		const struct vm_qos_param *p = &q->p[k];

		if (p->type == VM_QOS_P_STR ? !memchr(p->s, '\0', sizeof(p->s))
					    : p->type != VM_QOS_P_INT)
			return -EINVAL;
	}
	return 0;
}

int vm_qos_store(struct vm_store *st, const struct vm_qos *q, size_t n, uint64_t *first)
{
	struct vm_chunk *c, *prev = NULL;
	uint64_t sid;
	int rc;

	if (n > VM_QOS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (check_qos(&q[i]))
			return -EINVAL;
	*first = 0;
	for (size_t i = 0; i < n; i++) {
		c = vm_chain_add(st, VM_CHUNK_QOS, VM_QOS_S_NEXT, &prev, first);
		if (!c)
			return -ENOMEM;
		vm_slot_set_int(c, QOS_S_CAT, q[i].cat);
		for (unsigned k = 0; k < q[i].nparams; k++) {
			const struct vm_qos_param *p = &q[i].p[k];

			if (p->type == VM_QOS_P_INT) {
				vm_slot_set_int(c, QOS_S_PARAM + k, p->i);
				continue;
			}
			/* c stays valid: store pointers are stable across allocations. */
			rc = vm_str_store(st, p->s, strlen(p->s), &sid);
			if (rc)
				return rc;
			vm_slot_set_link(c, QOS_S_PARAM + k, sid);
		}
	}
	return 0;
}

/* One QoS chunk into *q; idx counts requirements from 0 (for messages). */
static int read_one(const struct vm_store *st, const struct vm_chunk *c, size_t idx,
		    struct vm_qos *q, char *err, size_t errlen)
{
	const struct vm_slot *cat = &c->s[QOS_S_CAT];
	char sub[160];
	unsigned end = VM_QOS_S_NEXT;
	int64_t len;

	memset(q, 0, sizeof(*q));
	if (c->kind != VM_CHUNK_QOS)
		return vm_fail(-EINVAL, err, errlen,
			       "QoS requirement %zu: chunk 0x%" PRIx64 " is kind %s, want QOS",
			       idx + 1, c->id, vm_chunk_kind_name(c->kind));
	if (cat->type != VM_SLOT_INT || cat->v.i < 1 || cat->v.i > VM_QOS_CAT_MAX) {
		if (cat->type != VM_SLOT_INT)
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64
				       ": slot 0 is %s, want the INT category",
				       c->id, vm_slot_type_name(cat->type));
		return vm_fail(-EINVAL, err, errlen,
			       "QoS chunk 0x%" PRIx64 ": unknown category %" PRId64
			       " (known: 1..%d)",
			       c->id, cat->v.i, VM_QOS_CAT_MAX);
	}
	q->cat = (uint8_t)cat->v.i;
	for (unsigned i = QOS_S_PARAM; i < VM_QOS_S_NEXT; i++) {
		const struct vm_slot *s = &c->s[i];
		struct vm_qos_param *p;

		if (s->type == VM_SLOT_EMPTY) {
			if (end == VM_QOS_S_NEXT)
				end = i;
			continue;
		}
		if (end != VM_QOS_S_NEXT)
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64
				       ": slot %u is %s after the EMPTY slot %u "
				       "that ended the parameters",
				       c->id, i, vm_slot_type_name(s->type), end);
		if (q->nparams == VM_QOS_MAX_PARAMS)
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64 " (%s): more than %d parameters",
				       c->id, vm_qos_name(q->cat), VM_QOS_MAX_PARAMS);
		p = &q->p[q->nparams++];
		if (s->type == VM_SLOT_INT) {
			p->type = VM_QOS_P_INT;
			p->i = s->v.i;
			continue;
		}
		if (s->type != VM_SLOT_LINK)
			return vm_fail(
			    -EINVAL, err, errlen,
			    "QoS chunk 0x%" PRIx64 " (%s): parameter %u (slot %u) is %s, want "
			    "INT or a LINK to a string",
			    c->id, vm_qos_name(q->cat), q->nparams, i, vm_slot_type_name(s->type));
		p->type = VM_QOS_P_STR;
		len = vm_str_read(st, s->v.link, p->s, VM_QOS_STR_MAX, sub, sizeof(sub));
		if (len < 0)
			return vm_fail((int)len, err, errlen,
				       "QoS chunk 0x%" PRIx64 " (%s): parameter %u: %s", c->id,
				       vm_qos_name(q->cat), q->nparams, sub);
		if (len > VM_QOS_STR_MAX)
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64
				       " (%s): parameter %u is a string of %" PRId64
				       " bytes (at most %d)",
				       c->id, vm_qos_name(q->cat), q->nparams, len, VM_QOS_STR_MAX);
		if (memchr(p->s, '\0', (size_t)len))
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64
				       " (%s): parameter %u holds a NUL byte",
				       c->id, vm_qos_name(q->cat), q->nparams);
		p->s[len] = '\0';
	}
	return 0;
}

/*
 * Also -EINVAL when the chain holds more than max (or VM_QOS_MAX, what a
 * signature can carry) requirements: a longer chain is refused, never cut.
 * The root must be a ROOT chunk with VM_ROOT_MAGIC and VM_ROOT_VERSION.
 */
int vm_qos_read(const struct vm_store *st, uint64_t root, struct vm_qos *out, size_t max, char *err,
		size_t errlen)
{
	const struct vm_chunk *r = vm_store_get(st, root), *c;
	const struct vm_slot *s;
	uint64_t seen[VM_QOS_MAX], id;
	size_t n = 0, lim = max < VM_QOS_MAX ? max : VM_QOS_MAX;
	int rc;

	if (!r)
		return vm_fail(-ENOENT, err, errlen, "root chunk 0x%" PRIx64 " is not in the store",
			       root);
	if (r->kind != VM_CHUNK_ROOT)
		return vm_fail(-EINVAL, err, errlen, "root chunk 0x%" PRIx64 ": kind %s, want ROOT",
			       root, vm_chunk_kind_name(r->kind));
	s = &r->s[VM_ROOT_S_MAGIC];
	if (s->type != VM_SLOT_INT || s->v.i != VM_ROOT_MAGIC)
		return vm_fail(-EINVAL, err, errlen,
			       "root chunk 0x%" PRIx64 ": slot %d does not hold the magic INT 0x%x",
			       root, VM_ROOT_S_MAGIC, VM_ROOT_MAGIC);
	s = &r->s[VM_ROOT_S_VER];
	if (s->type != VM_SLOT_INT || s->v.i != VM_ROOT_VERSION)
		return vm_fail(-EINVAL, err, errlen,
			       "root chunk 0x%" PRIx64 ": slot %d: format version %s%" PRId64
			       ", want INT %d",
			       root, VM_ROOT_S_VER, s->type == VM_SLOT_INT ? "" : "(not INT) ",
			       s->type == VM_SLOT_INT ? s->v.i : 0, VM_ROOT_VERSION);
	s = &r->s[VM_ROOT_S_QOS];
	if (s->type == VM_SLOT_EMPTY)
		return 0;
	if (s->type != VM_SLOT_LINK)
		return vm_fail(-EINVAL, err, errlen,
			       "root chunk 0x%" PRIx64 ": slot %d (QoS) is %s, want LINK or EMPTY",
			       root, VM_ROOT_S_QOS, vm_slot_type_name(s->type));
	for (id = s->v.link;;) {
		for (size_t j = 0; j < n; j++)
			if (seen[j] == id)
				return vm_fail(-EINVAL, err, errlen,
					       "QoS chunk 0x%" PRIx64
					       " links back to QoS chunk 0x%" PRIx64
					       " (requirement %zu): the chain loops",
					       seen[n - 1], id, j + 1);
		if (n == lim)
			return vm_fail(-EINVAL, err, errlen,
				       "more than %zu QoS requirements (chunk 0x%" PRIx64
				       " is one more)",
				       lim, id);
		c = vm_store_get(st, id);
		if (!c)
			return vm_fail(-ENOENT, err, errlen,
				       "QoS requirement %zu: chunk 0x%" PRIx64
				       " is not in the store",
				       n + 1, id);
		rc = read_one(st, c, n, &out[n], err, errlen);
		if (rc)
			return rc;
		seen[n++] = id;
		s = &c->s[VM_QOS_S_NEXT];
		if (s->type == VM_SLOT_EMPTY)
			break;
		if (s->type != VM_SLOT_LINK)
			return vm_fail(-EINVAL, err, errlen,
				       "QoS chunk 0x%" PRIx64
				       ": slot %d is %s, want LINK to the next "
				       "requirement or EMPTY",
				       id, VM_QOS_S_NEXT, vm_slot_type_name(s->type));
		id = s->v.link;
	}
	return (int)n;
}

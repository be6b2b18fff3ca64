/* SPDX-License-Identifier: MIT */
/*
 * Loading a compiled Tasklet: from the chunk graph (which may come from
 * anywhere, e.g. over the network) to the executable form the interpreter
 * runs — every function's code copied into one array, constants decoded.
 *
 * Nothing is trusted: kinds, slot types, counts, chain lengths, every
 * instruction's opcode and operands (register < register count, constant <
 * constants, jump target inside the function, test followed by JMP, code
 * ending in a return/jump/throw) are checked here, so the interpreter's hot
 * path can index without checks. A bad graph is -EINVAL/-ENOENT with a
 * message naming the chunk; it never crashes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/chunk_int.h"
#include "vm/jsl_int.h"
#include "vm/qos_int.h"

#define MAX_NAME  1024	     /* function, global and file names */
#define MAX_TOTAL (1u << 23) /* instructions in a program */
#define MAX_TABLE (1u << 20) /* entries of a table */

const struct jsl_opinfo jsl_opinfo[JSL_OP_COUNT] = {
#define X(name, fmt, a, b, c, desc) {JSL_FMT_##fmt, #a[0], #b[0], #c[0]},
#include "vm/opcodes.def"
#undef X
};

static const struct vm_chunk *get(const struct vm_store *st, uint64_t id, uint8_t kind,
				  const char *what, int *rc, char *err, size_t errlen)
{
	const struct vm_chunk *c = vm_store_get(st, id);

	if (!c) {
		*rc = vm_fail(-ENOENT, err, errlen, "%s: chunk 0x%" PRIx64 " is not in the store",
			      what, id);
		return NULL;
	}
	if (c->kind != kind) {
		*rc = vm_fail(-EINVAL, err, errlen, "%s: chunk 0x%" PRIx64 " is kind %s, want %s",
			      what, id, vm_chunk_kind_name(c->kind), vm_chunk_kind_name(kind));
		return NULL;
	}
	return c;
}

static int want_int(const struct vm_chunk *c, unsigned s, int64_t lo, int64_t hi, int64_t *out,
		    const char *what, char *err, size_t errlen)
{
	if (c->s[s].type != VM_SLOT_INT)
		return vm_fail(-EINVAL, err, errlen,
			       "%s chunk 0x%" PRIx64 ": slot %u is %s, want INT", what, c->id, s,
			       vm_slot_type_name(c->s[s].type));
	if (c->s[s].v.i < lo || c->s[s].v.i > hi)
		return vm_fail(-EINVAL, err, errlen,
			       "%s chunk 0x%" PRIx64 ": slot %u is %" PRId64 ", want %" PRId64
			       "..%" PRId64,
			       what, c->id, s, c->s[s].v.i, lo, hi);
	*out = c->s[s].v.i;
	return 0;
}

/* A LINK slot (or EMPTY when may_be_empty): the id, 0 for EMPTY. */
static int want_link(const struct vm_chunk *c, unsigned s, bool may_be_empty, uint64_t *out,
		     const char *what, char *err, size_t errlen)
{
	*out = 0;
	if (c->s[s].type == VM_SLOT_LINK) {
		*out = c->s[s].v.link;
		return 0;
	}
	if (c->s[s].type == VM_SLOT_EMPTY && may_be_empty)
		return 0;
	return vm_fail(-EINVAL, err, errlen, "%s chunk 0x%" PRIx64 ": slot %u is %s, want %s", what,
		       c->id, s, vm_slot_type_name(c->s[s].type),
		       may_be_empty ? "LINK or EMPTY" : "LINK");
}

static int want_empty(const struct vm_chunk *c, unsigned from, unsigned to, const char *what,
		      char *err, size_t errlen)
{
	for (unsigned s = from; s < to; s++)
		if (c->s[s].type != VM_SLOT_EMPTY)
			return vm_fail(-EINVAL, err, errlen,
				       "%s chunk 0x%" PRIx64
				       ": slot %u is %s, want EMPTY (reserved)",
				       what, c->id, s, vm_slot_type_name(c->s[s].type));
	return 0;
}

/*
 * Read n entries of a table chain (DATA chunks, 15 entries each, s[15] next)
 * starting at first (0 when n == 0) into out.
 */
static int read_table(const struct vm_store *st, uint64_t first, uint32_t n, struct vm_slot *out,
		      const char *what, char *err, size_t errlen)
{
	uint64_t id = first;
	int rc = 0;

	if (!n) {
		if (first)
			return vm_fail(-EINVAL, err, errlen,
				       "%s: table is linked but has 0 entries", what);
		return 0;
	}
	for (uint32_t i = 0; i < n; i += JSL_TABLE_PER_CHUNK) {
		const struct vm_chunk *c;
		uint32_t m = n - i < JSL_TABLE_PER_CHUNK ? n - i : JSL_TABLE_PER_CHUNK;

		if (!id)
			return vm_fail(-EINVAL, err, errlen,
				       "%s: table ends after %u of %u entries", what, i, n);
		c = get(st, id, VM_CHUNK_DATA, what, &rc, err, errlen);
		if (!c)
			return rc;
		memcpy(out + i, c->s, m * sizeof(*out));
		rc = want_empty(c, m, JSL_TABLE_PER_CHUNK, what, err, errlen);
		if (rc)
			return rc;
		rc = want_link(c, JSL_S_NEXT, true, &id, what, err, errlen);
		if (rc)
			return rc;
		if (i + m == n && id)
			return vm_fail(-EINVAL, err, errlen,
				       "%s chunk 0x%" PRIx64
				       ": links more entries than the %u counted",
				       what, c->id, n);
	}
	return 0;
}

/* A string chain into a new NUL-terminated malloc'd buffer of at most max bytes. */
static int read_name(const struct vm_store *st, uint64_t id, size_t max, char **out,
		     const char *what, char *err, size_t errlen)
{
	char sub[200];
	int64_t n = vm_str_read(st, id, NULL, 0, sub, sizeof(sub));
	char *p;

	if (n < 0)
		return vm_fail((int)n, err, errlen, "%s: %s", what, sub);
	if ((size_t)n > max)
		return vm_fail(-EINVAL, err, errlen, "%s: name of %" PRId64 " bytes, limit %zu",
			       what, n, max);
	p = malloc((size_t)n + 1);
	if (!p)
		return -ENOMEM;
	if (vm_str_read(st, id, p, (size_t)n, NULL, 0) != n) {
		free(p);
		return vm_fail(-EINVAL, err, errlen, "%s: string changed while reading", what);
	}
	p[n] = '\0';
	if (strlen(p) != (size_t)n) {
		free(p);
		return vm_fail(-EINVAL, err, errlen, "%s: name contains a NUL byte", what);
	}
	*out = p;
	return 0;
}

static int load_const(const struct vm_store *st, struct jsl_heap *h, const struct vm_slot *s,
		      uint32_t i, jv *out, char *err, size_t errlen)
{
	char sub[200];
	struct jsl_str *str;
	int64_t n;

	switch (s->type) {
	case VM_SLOT_FLOAT:
		*out = jv_from_num(s->v.f);
		return 0;
	case VM_SLOT_INT:
		*out = jv_from_num((double)s->v.i);
		return 0;
	case VM_SLOT_LINK:
		n = vm_str_read(st, s->v.link, NULL, 0, sub, sizeof(sub));
		if (n < 0)
			return vm_fail((int)n, err, errlen, "constant %u: %s", i, sub);
		str = jsl_str_new(h, NULL, (size_t)n);
		if (!str)
			return vm_fail(-ENOMEM, err, errlen,
				       "constant %u: string of %" PRId64 " bytes exceeds the heap",
				       i, n);
		str->h.fixed = 1;
		if (vm_str_read(st, s->v.link, str->s, (size_t)n, NULL, 0) != n)
			return vm_fail(-EINVAL, err, errlen, "constant %u: string changed", i);
		jsl_str_measure(str);
		*out = jv_from_str(str);
		return 0;
	default:
		return vm_fail(-EINVAL, err, errlen,
			       "constant %u: slot is %s, want FLOAT, INT or LINK", i,
			       vm_slot_type_name(s->type));
	}
}

struct fhead {
	uint64_t id, code, lines, name, cnames, upv;
	int64_t nparams, nregs, ncode, nlines, line, ncnames, nup;
};

static int read_fhead(const struct vm_store *st, uint64_t id, uint32_t idx, struct fhead *f,
		      char *err, size_t errlen)
{
	const struct vm_chunk *c;
	char what[48];
	int rc = 0;

	snprintf(what, sizeof(what), "function %u", idx);
	c = get(st, id, VM_CHUNK_FUNC, what, &rc, err, errlen);
	if (!c)
		return rc;
	f->id = id;
	if ((rc = want_int(c, JSL_FUNC_S_NPARAMS, 0, JSL_MAX_REGS, &f->nparams, what, err,
			   errlen)) ||
	    (rc = want_int(c, JSL_FUNC_S_NREGS, 1, JSL_MAX_REGS, &f->nregs, what, err, errlen)) ||
	    (rc = want_int(c, JSL_FUNC_S_NCODE, 1, JSL_MAX_CODE, &f->ncode, what, err, errlen)) ||
	    (rc = want_link(c, JSL_FUNC_S_CODE, false, &f->code, what, err, errlen)) ||
	    (rc = want_link(c, JSL_FUNC_S_NAME, true, &f->name, what, err, errlen)) ||
	    (rc = want_int(c, JSL_FUNC_S_NLINES, 0, JSL_MAX_CODE, &f->nlines, what, err, errlen)) ||
	    (rc = want_link(c, JSL_FUNC_S_LINES, true, &f->lines, what, err, errlen)) ||
	    (rc = want_int(c, JSL_FUNC_S_LINE, 0, UINT32_MAX, &f->line, what, err, errlen)) ||
	    (rc = want_int(c, JSL_FUNC_S_NCNAMES, 0, JSL_MAX_CODE, &f->ncnames, what, err,
			   errlen)) ||
	    (rc = want_link(c, JSL_FUNC_S_CNAMES, true, &f->cnames, what, err, errlen)))
		return rc;
	f->nup = 0;
	f->upv = 0;
	if (c->s[JSL_FUNC_S_NUP].type != VM_SLOT_EMPTY &&
	    ((rc = want_int(c, JSL_FUNC_S_NUP, 0, 65535, &f->nup, what, err, errlen)) ||
	     (rc = want_link(c, JSL_FUNC_S_UPV, true, &f->upv, what, err, errlen))))
		return rc;
	if ((rc = want_empty(c, JSL_FUNC_S_UPV + 1, VM_CHUNK_SLOTS, what, err, errlen)))
		return rc;
	if (f->nup && !f->upv)
		return vm_fail(-EINVAL, err, errlen, "function %u: upvalues without a table", idx);
	if (f->nparams > f->nregs)
		return vm_fail(-EINVAL, err, errlen,
			       "function %u chunk 0x%" PRIx64 ": %" PRId64
			       " parameters but %" PRId64 " registers",
			       idx, id, f->nparams, f->nregs);
	if (f->nlines > f->ncode || f->ncnames > f->ncode)
		return vm_fail(-EINVAL, err, errlen,
			       "function %u chunk 0x%" PRIx64
			       ": more line or call-name entries than instructions",
			       idx, id);
	return 0;
}

static int read_code(const struct vm_store *st, const struct fhead *f, uint32_t idx, uint32_t *out,
		     char *err, size_t errlen)
{
	uint64_t id = f->code;
	uint32_t n = (uint32_t)f->ncode, got = 0;
	char what[48];
	int rc = 0;

	snprintf(what, sizeof(what), "function %u code", idx);
	while (got < n) {
		const struct vm_chunk *c;
		unsigned s;

		if (!id)
			return vm_fail(-EINVAL, err, errlen, "%s: ends after %u of %u instructions",
				       what, got, n);
		c = get(st, id, VM_CHUNK_CODE, what, &rc, err, errlen);
		if (!c)
			return rc;
		for (s = 0; s < VM_CHUNK_SLOTS - 1 && got < n; s++) {
			const struct vm_slot *sl = &c->s[s];
			unsigned want = n - got >= 2 ? 8 : 4;

			if (sl->type != VM_SLOT_BYTES || sl->len != want)
				return vm_fail(-EINVAL, err, errlen,
					       "%s chunk 0x%" PRIx64
					       ": slot %u is %s of %u bytes, want "
					       "BYTES of %u",
					       what, c->id, s, vm_slot_type_name(sl->type),
					       sl->type == VM_SLOT_BYTES ? sl->len : 0, want);
			for (unsigned k = 0; k < want / 4; k++) {
				const uint8_t *b = sl->v.b + 4 * k;

				out[got++] = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
					     (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
			}
		}
		rc = want_empty(c, s, VM_CHUNK_SLOTS - 1, what, err, errlen);
		if (rc)
			return rc;
		rc = want_link(c, JSL_S_NEXT, true, &id, what, err, errlen);
		if (rc)
			return rc;
		if (got == n && id)
			return vm_fail(-EINVAL, err, errlen,
				       "%s chunk 0x%" PRIx64
				       ": links more code after the %u instructions",
				       what, c->id, n);
	}
	return 0;
}

static bool is_test(unsigned op)
{
	return jsl_opinfo[op].c == 'k';
}

/* Check one operand value v of kind k; field is 'A', 'B' or 'C' for messages. */
static int check_operand(const struct jsl_prog *p, const struct jsl_func *f, uint32_t pc,
			 uint32_t ins, char kind, char field, int64_t v, const char *fname,
			 char *err, size_t errlen)
{
	const char *why = NULL;
	int64_t lim = 0;

	switch (kind) {
	case '_':
		if (v)
			why = "must be 0";
		break;
	case 'R':
		lim = f->nregs;
		if (v >= lim)
			why = "register out of range";
		break;
	case 'K':
		lim = p->nconsts;
		if (v >= lim)
			why = "constant out of range";
		break;
	case 'G':
		lim = p->nglobals;
		if (v >= lim)
			why = "global out of range";
		break;
	case 'F':
		lim = p->nfuncs;
		if (v >= lim)
			why = "function out of range";
		break;
	case 'N':
		lim = JSL_NAT_COUNT;
		if (v >= lim)
			why = "unknown native function";
		break;
	case 'M':
		lim = JSL_M_COUNT;
		if (v >= lim)
			why = "unknown method";
		break;
	case 'k':
		if (v > 1)
			why = "flag must be 0 or 1";
		break;
	case 'n':
		lim = f->nregs;
		if (JSL_I_A(ins) + v >= lim)
			why = "arguments run past the registers";
		break;
	case 'c':
		lim = JSL_CLS_COUNT;
		if (v >= lim)
			why = "unknown class";
		break;
	case 'U':
		lim = f->nup;
		if (v >= lim)
			why = "upvalue out of range";
		break;
	case 'j':
	case 'J': {
		int64_t t = (int64_t)pc + 1 + v;

		lim = f->ncode;
		if (t < 0 || t >= lim)
			why = "jump target outside the function";
		break;
	}
	default:
		break; /* 'I': any value */
	}
	if (!why)
		return 0;
	return vm_fail(-EINVAL, err, errlen,
		       "function %s, instruction %u (%s): operand %c = %" PRId64
		       ": %s (limit %" PRId64 ")",
		       fname, pc, jsl_op_names[JSL_I_OP(ins)], field, v, why, lim);
}

static int check_code(const struct jsl_prog *p, const struct jsl_func *f, uint32_t idx, char *err,
		      size_t errlen)
{
	char fname[80];
	int rc;

	snprintf(fname, sizeof(fname), "%u (%.40s)", idx, f->name[0] ? f->name : "main");
	for (uint32_t pc = 0; pc < f->ncode; pc++) {
		uint32_t ins = f->code[pc];
		unsigned op = JSL_I_OP(ins), n;
		const struct jsl_opinfo *oi;
		int64_t v[3];

		if (op >= JSL_OP_COUNT)
			return vm_fail(-EINVAL, err, errlen,
				       "function %s, instruction %u: unknown opcode %u", fname, pc,
				       op);
		oi = &jsl_opinfo[op];
		n = jsl_ins_operands(ins, oi, v);
		rc = 0;
		for (unsigned k = 0; !rc && k < n; k++) {
			const char kind[3] = {oi->a, oi->b, oi->c};

			rc = check_operand(p, f, pc, ins, kind[k],
					   oi->fmt == JSL_FMT_sJ ? 'J' : "ABC"[k], v[k], fname, err,
					   errlen);
		}
		if (rc)
			return rc;
		if (op == JSL_OP_CALLMR && !JSL_I_B(ins))
			return vm_fail(-EINVAL, err, errlen,
				       "function %s, instruction %u (CALLMR): no key register (B is 0)",
				       fname, pc);
		if ((op == JSL_OP_CALLV || op == JSL_OP_NCALLV || op == JSL_OP_INVOKEV ||
		     op == JSL_OP_CALLMV) &&
		    JSL_I_A(ins) + 1 >= f->nregs)
			return vm_fail(-EINVAL, err, errlen,
				       "function %s, instruction %u (%s): the argument array register "
				       "is past the registers",
				       fname, pc, jsl_op_names[op]);
		if (op == JSL_OP_LOADFN && p->funcs[JSL_I_BX(ins)].nup)
			return vm_fail(-EINVAL, err, errlen,
				       "function %s, instruction %u (LOADFN): function %u needs a "
				       "closure",
				       fname, pc, JSL_I_BX(ins));
		if (op == JSL_OP_CLOSURE) {
			const struct jsl_func *t = &p->funcs[JSL_I_BX(ins)];

			for (uint32_t u = 0; u < t->nup; u++) {
				uint32_t k = t->upv[u] >> 16, x = t->upv[u] & 0xffff;

				if ((k == 0 && x >= f->nregs) || (k == 1 && x >= f->nup) || k > 1)
					return vm_fail(-EINVAL, err, errlen,
						       "function %s, instruction %u (CLOSURE): "
						       "upvalue %u of function %u is out of range",
						       fname, pc, u, JSL_I_BX(ins));
			}
		}
		if (op == JSL_OP_THROWK && !jv_is(p->consts[JSL_I_BX(ins)], JV_T_STR))
			return vm_fail(
			    -EINVAL, err, errlen,
			    "function %s, instruction %u (THROWK): constant is not a string", fname,
			    pc);
		if (is_test(op) && (pc + 2 >= f->ncode || JSL_I_OP(f->code[pc + 1]) != JSL_OP_JMP))
			return vm_fail(
			    -EINVAL, err, errlen,
			    "function %s, instruction %u (%s): a test must be followed by a "
			    "JMP and more code",
			    fname, pc, jsl_op_names[op]);
	}
	switch (JSL_I_OP(f->code[f->ncode - 1])) {
	case JSL_OP_RET:
	case JSL_OP_RETU:
	case JSL_OP_JMP:
	case JSL_OP_THROWK:
	case JSL_OP_THROW:
		return 0;
	default:
		return vm_fail(-EINVAL, err, errlen,
			       "function %s: the last instruction (%s) would run off the end",
			       fname, jsl_op_names[JSL_I_OP(f->code[f->ncode - 1])]);
	}
}

/*
 * A function's table of INT entries pc << 32 | x (its lines, its call names):
 * how messages name it, and what makes entry t[i] valid, given t[0..i).
 */
struct pc_table {
	const char *table;   /* "function 3: <table> table without entries" */
	const char *entries; /* "function 3 <entries>: entry 2 is not an INT <entry>" */
	const char *entry;
	bool (*ok)(const struct jsl_prog *p, const struct jsl_func *f, const uint64_t *t,
		   uint32_t i);
};

/* Lines: pc ascending from 0, inside the function. */
static bool line_ok(const struct jsl_prog *p, const struct jsl_func *f, const uint64_t *t,
		    uint32_t i)
{
	uint64_t pc = t[i] >> 32;

	return pc < f->ncode && (i ? pc > t[i - 1] >> 32 : pc == 0);
}

/* Call names: the pc of a CALL or INVOKE (or SPREAD or ITER: the iterable's text), and a string constant. */
static bool cname_ok(const struct jsl_prog *p, const struct jsl_func *f, const uint64_t *t,
		     uint32_t i)
{
	uint64_t pc = t[i] >> 32, k = (uint32_t)t[i];

	unsigned op = pc < f->ncode ? JSL_I_OP(f->code[pc]) : 0;

	return pc < f->ncode &&
	       (op == JSL_OP_CALL || op == JSL_OP_INVOKE || op == JSL_OP_CALLM ||
		op == JSL_OP_CALLV || op == JSL_OP_INVOKEV || op == JSL_OP_SPREAD ||
		op == JSL_OP_ITER || op == JSL_OP_CALLMV || op == JSL_OP_CALLMR) &&
	       k < p->nconsts && jv_is(p->consts[k], JV_T_STR);
}

static const struct pc_table line_table = {
    "line", "lines", "(pc << 32 | line) with pc ascending from 0 inside the function", line_ok};
static const struct pc_table cname_table = {
    "call-name", "call names",
    "(pc << 32 | constant) naming a CALL, INVOKE, SPREAD or ITER and a string constant",
    cname_ok};

/*
 * Read the n-entry table of kind tk linked at first (fhead fields) of function idx (its code
 * already read into f) into a new array *out, owned by f whether or not this succeeds;
 * *nout = n once it is allocated.
 */
static int read_pc_table(const struct vm_store *st, const struct jsl_prog *p, struct jsl_func *f,
			 uint32_t idx, uint64_t first, int64_t n, const struct pc_table *tk,
			 uint64_t **out, uint32_t *nout, char *err, size_t errlen)
{
	struct vm_slot *s;
	char what[48];
	int rc;

	if (!n) {
		if (first)
			return vm_fail(-EINVAL, err, errlen,
				       "function %u: %s table without entries", idx, tk->table);
		return 0;
	}
	snprintf(what, sizeof(what), "function %u %s", idx, tk->entries);
	s = malloc((size_t)n * sizeof(*s));
	*out = malloc((size_t)n * sizeof(**out));
	if (!s || !*out) {
		free(s);
		return -ENOMEM;
	}
	rc = read_table(st, first, (uint32_t)n, s, what, err, errlen);
	for (uint32_t i = 0; !rc && i < n; i++) {
		(*out)[i] = (uint64_t)s[i].v.i;
		if (s[i].type != VM_SLOT_INT || !tk->ok(p, f, *out, i))
			rc = vm_fail(-EINVAL, err, errlen, "%s: entry %u is not an INT %s", what, i,
				     tk->entry);
	}
	*nout = (uint32_t)n;
	free(s);
	return rc;
}

void jsl_prog_free(struct jsl_prog *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; p->funcs && i < p->nfuncs; i++) {
		free(p->funcs[i].name);
		free(p->funcs[i].lines);
		free(p->funcs[i].cnames);
		free(p->funcs[i].upv);
	}
	for (uint32_t i = 0; p->gnames && i < p->nglobals; i++)
		free(p->gnames[i]);
	free(p->input);
	free(p->funcs);
	free(p->gnames);
	free(p->consts);
	free(p->code);
	free(p->ic);
	free(p->file);
	free(p);
}

int jsl_prog_load(const struct vm_store *st, uint64_t root, struct jsl_heap *h,
		  struct jsl_prog **out, char *err, size_t errlen)
{
	const struct vm_chunk *r;
	struct jsl_prog *p = NULL;
	struct vm_slot *tab = NULL;
	struct fhead *fh = NULL;
	uint64_t main_id, file_id, cid, fid, gid, qid, iid;
	int64_t nconst, nfunc, nglob, v;
	size_t total = 0;
	int rc = 0;

	*out = NULL;
	r = get(st, root, VM_CHUNK_ROOT, "root", &rc, err, errlen);
	if (!r)
		return rc;
	if ((rc = want_int(r, VM_ROOT_S_MAGIC, VM_ROOT_MAGIC, VM_ROOT_MAGIC, &v, "root", err,
			   errlen)) ||
	    (rc = want_int(r, VM_ROOT_S_VER, VM_ROOT_VERSION, VM_ROOT_VERSION, &v, "root", err,
			   errlen)) ||
	    (rc = want_link(r, VM_ROOT_S_QOS, true, &qid, "root", err, errlen)) ||
	    (rc = want_link(r, VM_ROOT_S_MAIN, false, &main_id, "root", err, errlen)) ||
	    (rc = want_link(r, JSL_ROOT_S_FILE, false, &file_id, "root", err, errlen)) ||
	    (rc = want_int(r, JSL_ROOT_S_NCONST, 0, MAX_TABLE, &nconst, "root", err, errlen)) ||
	    (rc = want_link(r, JSL_ROOT_S_CONST, true, &cid, "root", err, errlen)) ||
	    (rc = want_int(r, JSL_ROOT_S_NFUNC, 1, MAX_TABLE, &nfunc, "root", err, errlen)) ||
	    (rc = want_link(r, JSL_ROOT_S_FUNC, false, &fid, "root", err, errlen)) ||
	    (rc = want_int(r, JSL_ROOT_S_NGLOBAL, 0, MAX_TABLE, &nglob, "root", err, errlen)) ||
	    (rc = want_link(r, JSL_ROOT_S_GLOBAL, true, &gid, "root", err, errlen)) ||
	    (rc = want_empty(r, JSL_ROOT_S_GLOBAL + 1, VM_ROOT_S_INPUT, "root", err, errlen)) ||
	    (rc = want_link(r, VM_ROOT_S_INPUT, true, &iid, "root", err, errlen)) ||
	    (rc = want_empty(r, VM_ROOT_S_INPUT + 1, VM_CHUNK_SLOTS, "root", err, errlen)))
		return rc;
	if (qid) {
		struct vm_qos q[VM_QOS_MAX];
		char sub[200];

		rc = vm_qos_read(st, root, q, VM_QOS_MAX, sub, sizeof(sub));
		if (rc < 0)
			return vm_fail(rc, err, errlen, "QoS: %s", sub);
	}
	p = calloc(1, sizeof(*p));
	tab = calloc((size_t)(nconst > nfunc ? (nconst > nglob ? nconst : nglob)
					     : (nfunc > nglob ? nfunc : nglob)) +
			 1,
		     sizeof(*tab));
	if (!p || !tab) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_name(st, file_id, MAX_NAME, &p->file, "source file name", err, errlen);
	if (rc)
		goto out;
	if (iid) {
		int64_t n = vm_str_len(st, iid);

		if (n < 0 || n > VM_STR_MAX) {
			rc = vm_fail(n == -ENOENT ? -ENOENT : -EINVAL, err, errlen,
				     "root: the input (chunk %llu) is not a string chain",
				     (unsigned long long)iid);
			goto out;
		}
		p->input = malloc((size_t)n + 1);
		if (!p->input) {
			rc = -ENOMEM;
			goto out;
		}
		vm_str_load(st, iid, p->input, (size_t)n);
		p->input[n] = 0;
		p->input_len = (size_t)n;
	}
	/* constants */
	p->consts = calloc((size_t)nconst + 1, sizeof(*p->consts));
	if (!p->consts) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_table(st, cid, (uint32_t)nconst, tab, "constant table", err, errlen);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < nconst; i++) {
		rc = load_const(st, h, &tab[i], i, &p->consts[i], err, errlen);
		if (rc)
			goto out;
		p->nconsts++;
	}
	/* global names */
	p->gnames = calloc((size_t)nglob + 1, sizeof(*p->gnames));
	if (!p->gnames) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_table(st, gid, (uint32_t)nglob, tab, "global name table", err, errlen);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < nglob; i++) {
		char what[40];

		snprintf(what, sizeof(what), "global %u name", i);
		if (tab[i].type != VM_SLOT_LINK) {
			rc = vm_fail(-EINVAL, err, errlen,
				     "global name table: entry %u is %s, want LINK", i,
				     vm_slot_type_name(tab[i].type));
			goto out;
		}
		rc = read_name(st, tab[i].v.link, MAX_NAME, &p->gnames[i], what, err, errlen);
		if (rc)
			goto out;
		p->nglobals++;
	}
	/* functions: headers first (to size the code array), then code */
	rc = read_table(st, fid, (uint32_t)nfunc, tab, "function table", err, errlen);
	if (rc)
		goto out;
	fh = calloc((size_t)nfunc, sizeof(*fh));
	p->funcs = calloc((size_t)nfunc, sizeof(*p->funcs));
	if (!fh || !p->funcs) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < nfunc; i++) {
		if (tab[i].type != VM_SLOT_LINK) {
			rc = vm_fail(-EINVAL, err, errlen,
				     "function table: entry %u is %s, want LINK", i,
				     vm_slot_type_name(tab[i].type));
			goto out;
		}
		rc = read_fhead(st, tab[i].v.link, i, &fh[i], err, errlen);
		if (rc)
			goto out;
		total += (size_t)fh[i].ncode;
		if (total > MAX_TOTAL) {
			rc = vm_fail(-EINVAL, err, errlen,
				     "more than %u instructions in the program", MAX_TOTAL);
			goto out;
		}
	}
	if (tab[0].v.link != main_id) {
		rc = vm_fail(-EINVAL, err, errlen,
			     "root: main function 0x%" PRIx64
			     " is not entry 0 of the function table",
			     main_id);
		goto out;
	}
	p->code = malloc(total * sizeof(*p->code));
	p->ic = calloc(total, sizeof(*p->ic));
	if (!p->code || !p->ic) {
		rc = -ENOMEM;
		goto out;
	}
	p->nfuncs = (uint32_t)nfunc;
	total = 0;
	for (uint32_t i = 0; i < nfunc; i++) {
		struct jsl_func *f = &p->funcs[i];

		f->code = p->code + total;
		f->ncode = (uint32_t)fh[i].ncode;
		f->nregs = (uint16_t)fh[i].nregs;
		f->nparams = (uint8_t)fh[i].nparams;
		f->line = (uint32_t)fh[i].line;
		rc = read_code(st, &fh[i], i, p->code + total, err, errlen);
		if (rc)
			goto out;
		total += f->ncode;
		if (fh[i].name) {
			char what[40];

			snprintf(what, sizeof(what), "function %u name", i);
			rc = read_name(st, fh[i].name, MAX_NAME, &f->name, what, err, errlen);
		} else {
			f->name = calloc(1, 1);
			if (!f->name)
				rc = -ENOMEM;
		}
		if (rc)
			goto out;
		if (fh[i].nup) {
			struct vm_slot *ut = calloc((size_t)fh[i].nup, sizeof(*ut));

			f->upv = calloc((size_t)fh[i].nup, sizeof(*f->upv));
			if (!ut || !f->upv) {
				free(ut);
				rc = -ENOMEM;
				goto out;
			}
			rc = read_table(st, fh[i].upv, (uint32_t)fh[i].nup, ut, "upvalue table", err,
					errlen);
			for (uint32_t u = 0; !rc && u < fh[i].nup; u++) {
				if (ut[u].type != VM_SLOT_INT || ut[u].v.i < 0 ||
				    ut[u].v.i > 0x1ffff)
					rc = vm_fail(-EINVAL, err, errlen,
						     "function %u: upvalue %u is not a valid entry", i,
						     u);
				else
					f->upv[u] = (uint32_t)ut[u].v.i;
			}
			free(ut);
			if (rc)
				goto out;
			f->nup = (uint32_t)fh[i].nup;
		}
		rc = read_pc_table(st, p, f, i, fh[i].lines, fh[i].nlines, &line_table, &f->lines,
				   &f->nlines, err, errlen);
		if (!rc)
			rc = read_pc_table(st, p, f, i, fh[i].cnames, fh[i].ncnames, &cname_table,
					   &f->cnames, &f->ncnames, err, errlen);
		if (rc)
			goto out;
	}
	p->ncode = total;
	for (uint32_t i = 0; i < nfunc; i++) {
		rc = check_code(p, &p->funcs[i], i, err, errlen);
		if (rc)
			goto out;
	}
	*out = p;
	p = NULL;
out:
	if (rc == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory loading the program");
	jsl_prog_free(p);
	free(tab);
	free(fh);
	return rc;
}

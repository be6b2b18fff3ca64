/* SPDX-License-Identifier: MIT */
/*
 * The JSLite interpreter: a register machine over the instructions of
 * opcodes.def, dispatched by computed goto (GCC) or a switch.
 *
 * Frames: a call puts the callee's registers right after the caller's
 * function register (CALL A: callee R[0] is caller R[A+1]), so arguments
 * are never copied and the result goes to callee base[-1] = caller R[A].
 * Frames are bounded by JSL_MAX_DEPTH and the register stack size; passing
 * either is node's "RangeError: Maximum call stack size exceeded".
 *
 * Fuel: each executed instruction costs one unit (a test and its JMP are
 * one instruction), and each garbage collection one unit plus one per 16
 * registers and objects it visits; the run stops with VM_ERR_FUEL before
 * the instruction that would exceed the limit. fuel_used counts the units.
 *
 * Opcode bodies do the common case inline; everything else is a noinline
 * slow path, called after the pc is saved (for the error line) — the
 * interpreter's version of Lua's Protect().
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "vm/jsl_int.h"

#define JSL_MAX_DEPTH	10000
/* Callbacks from natives (map, sort, ...) nest the interpreter on the C stack: bound them. */
#define JSL_MAX_NESTED 400
#define JSL_STACK_SLOTS (1u << 19) /* at most 4 MiB of registers */
#define FRAMES_START	64
/*
 * Registers past stack_end that are allocated anyway: a frame check
 * computes nb + nregs (at most 2 * 255 past a valid frame) before it knows
 * whether that fits, and the pointer must stay inside the allocation.
 */
#define STACK_SLACK	 (2 * JSL_MAX_REGS + 2)
#define GC_MIN		 (1u << 20)
#define GC_WORK_PER_FUEL 16 /* registers and objects the collector visits per unit of fuel */

#define NOINLINE __attribute__((noinline))

/* Registers below hwm hold values; extend that to upto (new registers are undefined). */
static inline void init_regs(struct jsl_vm *vm, jv *upto)
{
	while (vm->hwm < upto)
		*vm->hwm++ = JV_UNDEF;
}

/* ---- garbage collection ---------------------------------------------------------- */

static void scan(struct jsl_vm *vm, struct jsl_obj *o);

/* Put o on the work list, growing it (or, when it cannot grow, scan o at once). */
static NOINLINE void gray_push_slow(struct jsl_vm *vm, struct jsl_obj *o)
{
	size_t nc = vm->capgray ? vm->capgray * 2 : 256;
	struct jsl_obj **g = realloc(vm->gray, nc * sizeof(*g));

	if (!g) {
		scan(vm, o); /* no room for the work list: recurse instead */
		return;
	}
	vm->gray = g;
	vm->capgray = nc;
	vm->gray[vm->ngray++] = o;
}

static inline __attribute__((always_inline)) void mark(struct jsl_vm *vm, jv v)
{
	struct jsl_obj *o;

	if (jv_is(v, JV_T_OBJ)) {
		o = jv_obj(v);
		if (o->mark) /* marked already, or old in a minor collection */
			return;
		o->mark = 1;
		if (jsl_unlikely(vm->ngray == vm->capgray))
			gray_push_slow(vm, o);
		else
			vm->gray[vm->ngray++] = o;
		return;
	}
	if (jv_is(v, JV_T_STR)) {
		struct jsl_str *s = jv_str(v);

		if (s->h.fixed || s->h.mark) /* constants and shared strings: kept anyway */
			return;
		s->h.mark = 1;
		if (s->base)
			s->base->h.mark = 1;
	}
}

/* Mark what o refers to; returns through the work list. */
static void scan(struct jsl_vm *vm, struct jsl_obj *o)
{
	switch (o->type) {
	case JSL_OBJ_ARR: {
		struct jsl_arr *a = (struct jsl_arr *)o;

		for (uint32_t i = 0; i < a->len; i++)
			mark(vm, a->v[i]);
		vm->gc_work += a->len;
		break;
	}
	case JSL_OBJ_OBJ:
	case JSL_OBJ_MAP:
	case JSL_OBJ_SET: {
		struct jsl_objt *t = (struct jsl_objt *)o;

		mark(vm, t->msg);
		for (uint32_t i = 0; i < 2 * t->t.n; i++)
			mark(vm, t->t.e[i]);
		vm->gc_work += t->t.n;
		break;
	}
	case JSL_OBJ_CELL:
		mark(vm, ((struct jsl_cell *)o)->v);
		break;
	case JSL_OBJ_CLOS: {
		struct jsl_clos *c = (struct jsl_clos *)o;

		for (uint32_t i = 0; i < c->nup; i++)
			mark(vm, c->up[i]);
		break;
	}
	default:
		break;
	}
}

/* The end of the registers in use: the top frame's, or its arguments past them. */
static jv *live_top(const struct jsl_vm *vm)
{
	const struct jsl_ci *ci = vm->ci;
	uint32_t n = ci->fn->nregs > ci->nargs ? ci->fn->nregs : ci->nargs;

	return ci->base + n;
}

#ifdef JSL_GC_TORTURE
/*
 * A debugging build checks the generational invariant after every
 * collection: no old object refers to an object that is not old (a
 * missing write barrier would show here before it frees a live object).
 */
static void verify_ref(jv v, const struct jsl_obj *from)
{
	const struct jsl_obj *o;

	if (jv_is(v, JV_T_STR))
		o = &jv_str(v)->h;
	else if (jv_is(v, JV_T_OBJ))
		o = jv_obj(v);
	else
		return;
	if (!o->mark && !o->fixed) {
		fprintf(stderr, "jslite gc: old object %p (type %u) refers to young %p (type %u)\n",
			(const void *)from, from->type, (const void *)o, o->type);
		abort();
	}
}

static void verify_heap(const struct jsl_heap *h)
{
	if (h->objs) {
		fprintf(stderr, "jslite gc: young objects left after a collection\n");
		abort();
	}
	for (const struct jsl_obj *o = h->old; o; o = o->next) {
		if (!o->mark && !o->fixed) {
			fprintf(stderr, "jslite gc: unmarked old object %p\n", (const void *)o);
			abort();
		}
		switch (o->type) {
		case JSL_OBJ_STR: {
			const struct jsl_str *s = (const struct jsl_str *)o;

			if (s->base)
				verify_ref(jv_from_str(s->base), o);
			break;
		}
		case JSL_OBJ_ARR: {
			const struct jsl_arr *a = (const struct jsl_arr *)o;

			for (uint32_t i = 0; i < a->len; i++)
				verify_ref(a->v[i], o);
			break;
		}
		case JSL_OBJ_OBJ:
		case JSL_OBJ_MAP:
		case JSL_OBJ_SET: {
			const struct jsl_objt *t = (const struct jsl_objt *)o;

			verify_ref(t->msg, o);
			for (uint32_t i = 0; i < 2 * t->t.n; i++)
				verify_ref(t->t.e[i], o);
			break;
		}
		case JSL_OBJ_CELL:
			verify_ref(((const struct jsl_cell *)o)->v, o);
			break;
		case JSL_OBJ_CLOS: {
			const struct jsl_clos *c = (const struct jsl_clos *)o;

			for (uint32_t i = 0; i < c->nup; i++)
				verify_ref(c->up[i], o);
			break;
		}
		default:
			break;
		}
	}
}
#endif

/* Free o, an object the collector did not reach (objects with nothing outside them directly). */
static inline void sweep_free(struct jsl_heap *h, struct jsl_obj *o)
{
	if ((o->type == JSL_OBJ_OBJ && ((struct jsl_objt *)o)->t.inl &&
	     !((struct jsl_objt *)o)->t.idx) ||
	    o->type == JSL_OBJ_CELL || o->type == JSL_OBJ_CLOS ||
	    (o->type == JSL_OBJ_STR && ((struct jsl_str *)o)->s == ((struct jsl_str *)o)->data))
		jsl_mem_free(h, o, o->pool);
	else
		jsl_obj_free(h, o);
}

/*
 * The young objects allocated between two minor collections (bytes): big
 * enough that most short-lived objects are garbage by the time it fills,
 * small beside the heap bound.
 */
#define GC_NURSERY (32u << 20)

/*
 * Collect (see struct jsl_heap): mark from the registers of live frames, the
 * globals and the VM's own roots (and, in a minor collection, from the
 * remembered old objects), then sweep the young objects (and, in a major
 * one, the old ones too). Every object left is old and marked.
 */
static void collect(struct jsl_heap *h, void *ctx)
{
	struct jsl_vm *vm = ctx;
	jv *top = live_top(vm);
	struct jsl_obj **pp, *o;
	uint64_t work = (uint64_t)(vm->hwm - vm->stack) + vm->prog->nglobals;
	bool major = h->force_major || h->rem_lost || h->old_used > h->major_at;
	size_t nursery;

#ifdef JSL_GC_TORTURE
	static unsigned count;

	major = major || ++count % 8 == 0;
#endif
	vm->gc_work = 0;
	if (major) {
		for (o = h->old; o; o = o->next)
			o->mark = 0;
		work += h->nrem;
		for (size_t i = 0; i < h->nrem; i++)
			h->rem[i]->rem = 0;
		h->nrem = 0;
	}
	for (jv *p = vm->stack; p < top; p++)
		mark(vm, *p);
	/*
	 * Registers above the live frames may hold values about to be freed: clear
	 * them. hwm stays: a caller's temporaries past its callee's registers are
	 * written again after the call, without moving hwm, and init_regs must not
	 * reset them then.
	 */
	for (jv *p = top; p < vm->hwm; p++)
		*p = JV_UNDEF;
	for (uint32_t i = 0; i < vm->prog->nglobals; i++)
		mark(vm, vm->globals[i]);
	for (uint32_t i = 0; i < vm->nx; i++)
		mark(vm, vm->xroots[i]);
	mark(vm, vm->exc);
	mark(vm, vm->input);
	for (uint32_t i = 0; i < JSL_KEYCACHE; i++)
		mark(vm, vm->keycache[i]);
	for (struct jsl_ci *c = vm->cis; c <= vm->ci; c++)
		if (c->cl)
			mark(vm, jv_from_obj(c->cl));
	/* old objects written since the last collection may hold young ones */
	for (size_t i = 0; i < h->nrem; i++) {
		h->rem[i]->rem = 0;
		scan(vm, h->rem[i]);
	}
	work += h->nrem;
	h->nrem = 0;
	while (vm->ngray)
		scan(vm, vm->gray[--vm->ngray]);
	work += vm->gc_work;
	/* the young: the marked ones become old (their mark stays set), the others go */
	for (o = h->objs; o;) {
		struct jsl_obj *n = o->next;

		work++;
		if (o->mark || o->fixed) {
			o->mark = 1;
			o->next = h->old;
			h->old = o;
		} else {
			h->used -= o->size;
			sweep_free(h, o);
		}
		o = n;
	}
	h->objs = NULL;
	if (major) {
		for (pp = &h->old; *pp;) {
			o = *pp;
			work++;
			if (o->mark || o->fixed) {
				o->mark = 1;
				pp = &o->next;
			} else {
				*pp = o->next;
				h->used -= o->size;
				sweep_free(h, o);
			}
		}
		h->major_at = h->used * 2 > GC_MIN ? h->used * 2 : GC_MIN;
		h->rem_lost = false;
	}
	h->force_major = false;
	h->last_major = major;
	h->old_used = h->used;
	/* as big as the old objects (at least 4 MiB), so peak memory stays near twice the live */
	nursery = h->used > 4 * GC_MIN ? h->used : 4 * GC_MIN;
	if (nursery > GC_NURSERY)
		nursery = GC_NURSERY;
	if (nursery > h->limit / 8)
		nursery = h->limit / 8;
	if (nursery < GC_MIN / 4)
		nursery = GC_MIN / 4;
	h->threshold = h->used + nursery;
	if (h->threshold > h->limit)
		h->threshold = h->limit;
#ifdef JSL_GC_TORTURE
	verify_heap(h);
	h->threshold = 0; /* a debugging build: collect at every allocation */
#endif
	/* Collections cost fuel, so a heap kept near its bound cannot make a run unbounded. */
	vm->gc_fuel += work / GC_WORK_PER_FUEL + 1;
}

/* ---- slow paths ------------------------------------------------------------------- */

struct piece {
	const char *p;
	size_t len;
	uint32_t ulen;
	bool ascii;
	char buf[JSL_NUMBUF];
	char *heap; /* a function's text (malloc) */
};

static void piece_of(const struct jsl_vm *vm, jv v, struct piece *pc)
{
	pc->heap = NULL;
	if (jv_is(v, JV_T_STR)) {
		pc->p = jv_str(v)->s;
		pc->len = jv_str(v)->len;
		pc->ulen = jv_str(v)->ulen;
		pc->ascii = jv_str(v)->ascii;
		return;
	}
	if (jv_is_num(v)) {
		pc->len = (size_t)jsl_num_format(jv_num(v), pc->buf);
		pc->p = pc->buf;
	} else if (jv_is(v, JV_T_FUNC) || jv_is(v, JV_T_OBJ)) {
		struct jsl_buf b = {.ok = true};

		jsl_to_string_buf(vm->prog, v, &b);
		pc->heap = b.p;
		pc->p = b.ok && b.p ? b.p : "";
		pc->len = b.ok ? b.len : 0;
		if (b.ok && b.p) {
			struct jsl_str tmp = {.len = (uint32_t)b.len, .s = b.p};

			jsl_str_measure(&tmp);
			pc->ulen = tmp.ulen;
			pc->ascii = tmp.ascii;
			return;
		}
	} else {
		pc->p = jv_is(v, JV_T_BOOL)   ? (jv_payload(v) ? "true" : "false")
			: jv_is(v, JV_T_NULL) ? "null"
					      : "undefined";
		pc->len = strlen(pc->p);
	}
	pc->ulen = (uint32_t)pc->len;
	pc->ascii = true;
}

/* R[A] := ToString(b) + ToString(c), one allocation (b and c stay rooted in registers). */
static int concat(struct jsl_vm *vm, jv *ra, jv b, jv c)
{
	struct piece x, y;
	struct jsl_str *s;
	int rc = 0;

	piece_of(vm, b, &x);
	piece_of(vm, c, &y);
	if (!y.len && jv_is(b, JV_T_STR)) {
		*ra = b;
		goto out;
	}
	if (!x.len && jv_is(c, JV_T_STR)) {
		*ra = c;
		goto out;
	}
	if (x.len + y.len > VM_STR_MAX) {
		rc = jsl_throw(vm, "RangeError: Invalid string length");
		goto out;
	}
	if (x.len >= 3 && y.len >= 3 && (unsigned char)x.p[x.len - 3] == 0xed &&
	    ((unsigned char)x.p[x.len - 2] & 0xf0) == 0xa0 && (unsigned char)y.p[0] == 0xed &&
	    ((unsigned char)y.p[1] & 0xf0) == 0xb0) {
		/* a lone high surrogate meets a lone low one: they become one character */
		uint32_t hi = 0xd000 | ((uint32_t)(x.p[x.len - 2] & 0x3f) << 6) |
			      (x.p[x.len - 1] & 0x3f);
		uint32_t lo = 0xd000 | ((uint32_t)(y.p[1] & 0x3f) << 6) | (y.p[2] & 0x3f);
		uint32_t cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);

		s = jsl_str_new(&vm->heap, NULL, x.len + y.len - 2);
		if (!s)
			goto nomem;
		memcpy(s->s, x.p, x.len - 3);
		s->s[x.len - 3] = (char)(0xf0 | cp >> 18);
		s->s[x.len - 2] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s->s[x.len - 1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s->s[x.len] = (char)(0x80 | (cp & 0x3f));
		memcpy(s->s + x.len + 1, y.p + 3, y.len - 3);
		s->s[x.len + y.len - 2] = '\0';
		s->ulen = x.ulen + y.ulen;
		s->ascii = 0;
		*ra = jv_from_str(s);
		goto out;
	}
	if (jv_is(b, JV_T_STR)) {
		struct jsl_str *l = jv_str(b), *o = l->base ? l->base : l->cap ? l : NULL;

		if (o && l->s == o->s && l->len == o->used && (size_t)o->used + y.len < o->cap) {
			/* append in place: the new string shares the builder's buffer */
			s = jsl_str_new(&vm->heap, NULL, 0);
			if (!s)
				goto nomem;
			l = jv_str(b);
			memcpy(o->s + o->used, y.p, y.len);
			o->used += (uint32_t)y.len;
			o->s[o->used] = '\0';
			s->s = o->s;
			s->base = o;
			s->len = o->used;
			s->ulen = l->ulen + y.ulen;
			s->ascii = l->ascii && y.ascii;
			*ra = jv_from_str(s);
			goto out;
		}
		if (x.len + y.len >= 256) {
			/* long enough that more appends may follow: a builder with room to grow */
			jsl_charge(vm, (x.len + y.len) / 64);
			s = jsl_str_builder(&vm->heap, x.p, x.len, 2 * (x.len + y.len) + 1);
			if (!s)
				goto nomem;
			memcpy(s->s + x.len, y.p, y.len);
			s->used = s->len = (uint32_t)(x.len + y.len);
			s->s[s->len] = '\0';
			s->ulen = x.ulen + y.ulen;
			s->ascii = x.ascii && y.ascii;
			*ra = jv_from_str(s);
			goto out;
		}
	}
	jsl_charge(vm, (x.len + y.len) / 64);
	s = jsl_str_new(&vm->heap, NULL, x.len + y.len);
	if (!s) {
		char msg[96];

nomem:
		snprintf(msg, sizeof(msg), "heap limit of %zu bytes reached", vm->heap.limit);
		rc = jsl_oom(vm, msg);
		goto out;
	}
	memcpy(s->s, x.p, x.len);
	memcpy(s->s + x.len, y.p, y.len);
	s->s[x.len + y.len] = '\0';
	s->ulen = x.ulen + y.ulen;
	s->ascii = x.ascii && y.ascii;
	*ra = jv_from_str(s);
out:
	free(x.heap);
	free(y.heap);
	return rc;
}

static inline double js_mod(double a, double b)
{
	/*
	 * Integers below 2^63 (exact in int64: every double past 2^53 is one):
	 * the remainder of integer division, in 32 bits when both fit; it keeps
	 * a's sign (and -0). glibc's fmod walks the quotient bit by bit: 2.5e15 % 7
	 * costs ~200 ns.
	 */
	if (jsl_likely(fabs(a) < 0x1p63 && fabs(b) >= 1 && fabs(b) < 0x1p63)) {
		int64_t ia = (int64_t)a, ib = (int64_t)b;

		if (jsl_likely((double)ia == a && (double)ib == b)) {
			int64_t r = ((uint64_t)ia | (uint64_t)ib) >> 32
					    ? ia % ib
					    : (int64_t)((uint32_t)ia % (uint32_t)ib);

			return r ? (double)r : copysign(0.0, a);
		}
	}
	return fmod(a, b);
}

static double arith_num(unsigned op, double x, double y)
{
	switch (op) {
	case JSL_OP_ADD:
		return x + y;
	case JSL_OP_SUB:
		return x - y;
	case JSL_OP_MUL:
		return x * y;
	case JSL_OP_DIV:
		return x / y;
	case JSL_OP_MOD:
		return js_mod(x, y);
	case JSL_OP_POW:
		return jsl_pow(x, y);
	case JSL_OP_BAND:
		return (double)(jsl_to_int32(x) & jsl_to_int32(y));
	case JSL_OP_BOR:
		return (double)(jsl_to_int32(x) | jsl_to_int32(y));
	case JSL_OP_BXOR:
		return (double)(jsl_to_int32(x) ^ jsl_to_int32(y));
	case JSL_OP_SHL:
		return (double)(int32_t)((uint32_t)jsl_to_int32(x) << (jsl_to_int32(y) & 31));
	case JSL_OP_SHR:
		return (double)(jsl_to_int32(x) >> (jsl_to_int32(y) & 31));
	case JSL_OP_USHR:
		return (double)((uint32_t)jsl_to_int32(x) >> (jsl_to_int32(y) & 31));
	default:
		return NAN;
	}
}

static NOINLINE int arith_slow(struct jsl_vm *vm, unsigned op, jv *ra, jv b, jv c)
{
	if (op == JSL_OP_ADD && (jv_is(b, JV_T_STR) || jv_is(c, JV_T_STR) || jv_is(b, JV_T_FUNC) ||
				 jv_is(c, JV_T_FUNC) || jv_is(b, JV_T_OBJ) || jv_is(c, JV_T_OBJ)))
		return concat(vm, ra, b, c);
	*ra = jv_from_num(arith_num(op, jsl_to_num(b), jsl_to_num(c)));
	return 0;
}

static NOINLINE void unary_slow(unsigned op, jv *ra, jv b)
{
	double d = jsl_to_num(b);

	if (op == JSL_OP_NEG)
		d = -d;
	else if (op == JSL_OP_BNOT)
		d = (double)~jsl_to_int32(d);
	*ra = jv_from_num(d);
}

static int str_cmp(const struct jsl_str *a, const struct jsl_str *b)
{
	return jsl_str_cmp16(a->s, a->len, b->s, b->len);
}

/*
 * An operand of a relational or == comparison after ToPrimitive: an object
 * (array, plain object, Map, ...) becomes its string, as String(o) gives it
 * (JSLite objects have no valueOf or toString of their own); the string is
 * in *tmp (malloc'd) or in the string value itself.
 */
struct prim {
	const char *s;
	size_t len;
	bool is_str;
};

static void to_prim(jv v, struct jsl_buf *tmp, struct prim *out)
{
	out->is_str = false;
	if (jv_is(v, JV_T_OBJ)) {
		jsl_to_string_buf(NULL, v, tmp);
		out->s = tmp->p ? tmp->p : "";
		out->len = tmp->len;
		out->is_str = tmp->ok;
	} else if (jv_is(v, JV_T_STR)) {
		out->s = jv_str(v)->s;
		out->len = jv_str(v)->len;
		out->is_str = true;
	}
}

static double prim_num(jv v, const struct prim *p)
{
	return jv_is(v, JV_T_OBJ) ? (p->is_str ? jsl_str_to_num(p->s, p->len) : NAN) : jsl_to_num(v);
}

/* a < b (or a <= b) for anything that is not two numbers. */
static NOINLINE bool less_slow(jv a, jv b, bool or_equal)
{
	struct jsl_buf ta = {.ok = true}, tb = {.ok = true};
	struct prim pa, pb;
	double x, y;
	bool r;

	if (jv_is(a, JV_T_STR) && jv_is(b, JV_T_STR)) {
		int c = str_cmp(jv_str(a), jv_str(b));

		return or_equal ? c <= 0 : c < 0;
	}
	to_prim(a, &ta, &pa);
	to_prim(b, &tb, &pb);
	if (pa.is_str && pb.is_str) {
		int c = jsl_str_cmp16(pa.s, pa.len, pb.s, pb.len);

		r = or_equal ? c <= 0 : c < 0;
	} else {
		x = prim_num(a, &pa);
		y = prim_num(b, &pb);
		r = or_equal ? x <= y : x < y;
	}
	free(ta.p);
	free(tb.p);
	return r;
}

/* == : strict equality across types after the ECMAScript coercions. */
static NOINLINE bool loose_eq(jv a, jv b)
{
	bool an = jv_is_num(a), bn = jv_is_num(b);
	unsigned ta = an ? 0 : jv_tag(a), tb = bn ? 0 : jv_tag(b);

	if (ta == tb)
		return jsl_strict_eq(a, b);
	if ((ta == JV_T_UNDEF || ta == JV_T_NULL) && (tb == JV_T_UNDEF || tb == JV_T_NULL))
		return true;
	if (ta == JV_T_UNDEF || ta == JV_T_NULL || tb == JV_T_UNDEF || tb == JV_T_NULL)
		return false;
	if (ta == JV_T_FUNC || tb == JV_T_FUNC)
		return false;
	if (ta == JV_T_OBJ || tb == JV_T_OBJ) {
		/* one object (two would have been ta == tb): its ToPrimitive string against the other */
		struct jsl_buf t = {.ok = true};
		jv o = ta == JV_T_OBJ ? a : b, q = ta == JV_T_OBJ ? b : a;
		struct prim po;
		bool r;

		to_prim(o, &t, &po);
		if (!po.is_str)
			r = false;
		else if (jv_is(q, JV_T_STR))
			r = po.len == jv_str(q)->len && (!po.len || !memcmp(po.s, jv_str(q)->s, po.len));
		else
			r = jsl_str_to_num(po.s, po.len) == jsl_to_num(q);
		free(t.p);
		return r;
	}
	/* numbers, strings and booleans compare as numbers */
	return jsl_to_num(a) == jsl_to_num(b);
}

static inline bool truthy(jv v)
{
	if (v == JV_TRUE)
		return true;
	if (v == JV_FALSE)
		return false;
	return jsl_truthy(v);
}

static NOINLINE int getlen_slow(struct jsl_vm *vm, jv *ra, jv b)
{
	jv key;
	int rc;

	if (jv_is(b, JV_T_UNDEF) || jv_is(b, JV_T_NULL))
		return jsl_throw(vm, "TypeError: Cannot read properties of %s (reading 'length')",
				 jv_is(b, JV_T_NULL) ? "null" : "undefined");
	if (jv_is(b, JV_T_FUNC)) {
		*ra = jv_from_num(jv_is_native(b) ? 1 : vm->prog->funcs[jv_payload(b)].nparams);
		return 0;
	}
	if (!jv_is(b, JV_T_OBJ)) {
		*ra = JV_UNDEF;
		return 0;
	}
	if (jsl_new_str(vm, "length", 6, &key) < 0)
		return -1;
	rc = jsl_get_prop(vm, b, key, &key);
	*ra = key;
	return rc;
}

static NOINLINE int getidx_slow(struct jsl_vm *vm, jv *ra, jv b, jv c)
{
	if (jv_is(b, JV_T_UNDEF) || jv_is(b, JV_T_NULL)) {
		struct jsl_buf kb = {.ok = true};
		int rc;

		jsl_to_string_buf(vm->prog, c, &kb);
		rc = jsl_throw(vm, "TypeError: Cannot read properties of %s (reading '%.60s')",
			       jv_is(b, JV_T_NULL) ? "null" : "undefined",
			       kb.ok && kb.p ? kb.p : "");
		free(kb.p);
		return rc;
	}
	if (jv_is(b, JV_T_OBJ)) {
		jv v;
		int rc = jsl_get_prop(vm, b, c, &v);

		*ra = v;
		return rc;
	}
	if (jv_is(b, JV_T_STR)) {
		double d;

		if (jv_is(c, JV_T_STR) && jv_str(c)->len == 6 &&
		    !memcmp(jv_str(c)->s, "length", 6)) {
			*ra = jv_from_num(jv_str(b)->ulen);
			return 0;
		}
		/* s[null], s[true], s[undefined]: keys "null", "true", ..., no character */
		if (jv_is(c, JV_T_NULL) || jv_is(c, JV_T_BOOL) || jv_is(c, JV_T_UNDEF)) {
			*ra = JV_UNDEF;
			return 0;
		}
		d = jv_is_num(c) ? jv_num(c) : jsl_to_num(c);
		/* only canonical index strings ("3", not "03") name characters */
		if (jv_is(c, JV_T_STR)) {
			char nb[JSL_NUMBUF];

			if (d != d || (size_t)jsl_num_format(d, nb) != jv_str(c)->len ||
			    memcmp(nb, jv_str(c)->s, jv_str(c)->len)) {
				*ra = JV_UNDEF;
				return 0;
			}
		}
		return jsl_char_at(vm, b, d, ra);
	}
	*ra = JV_UNDEF;
	return 0;
}

/* The name of what R[a] was loaded from, for "x is not a function". */
static void callee_name(const struct jsl_vm *vm, const uint32_t *call, unsigned a, char *buf,
			size_t cap, jv v)
{
	const struct jsl_func *f = vm->ci->fn;
	uint64_t pc = (uint64_t)(call - f->code);

	for (uint32_t k = 0; k < f->ncnames; k++) {
		if (f->cnames[k] >> 32 == pc) {
			const struct jsl_str *s = jv_str(vm->prog->consts[(uint32_t)f->cnames[k]]);

			snprintf(buf, cap, "%.60s", s->s);
			return;
		}
	}
	for (const uint32_t *p = call; p-- > f->code;) {
		unsigned op = JSL_I_OP(*p);

		if (JSL_I_A(*p) != a || jsl_opinfo[op].a != 'R' || op == JSL_OP_CALL ||
		    jsl_opinfo[op].c == 'k')
			continue;
		if (op == JSL_OP_GETG || op == JSL_OP_GETGC) {
			snprintf(buf, cap, "%s", vm->prog->gnames[JSL_I_BX(*p)]);
			return;
		}
		break;
	}
	{
		struct jsl_buf b = {.ok = true};

		jsl_inspect_buf(vm->prog, v, &b);
		snprintf(buf, cap, "%.60s", b.ok && b.p ? b.p : "value");
		free(b.p);
	}
}

static NOINLINE int not_callable(struct jsl_vm *vm, const uint32_t *pc, unsigned a, jv v)
{
	char name[80];

	callee_name(vm, pc - 1, a, name, sizeof(name), v);
	return jsl_throw(vm, "TypeError: %s is not a function", name);
}

static NOINLINE int stack_overflow(struct jsl_vm *vm)
{
	return jsl_throw(vm, "RangeError: Maximum call stack size exceeded");
}

/*
 * Make room for one more call frame: double the frame array up to
 * JSL_MAX_DEPTH (past it: RangeError). The register stack is allocated
 * whole when the run starts (untouched pages cost nothing), so register
 * pointers held by natives stay valid across calls; a frame that does not
 * fit in it is a RangeError too.
 */
static NOINLINE int grow_stack(struct jsl_vm *vm, const jv *need)
{
	size_t depth = (size_t)(vm->ci - vm->cis), nframes = (size_t)(vm->ci_end - vm->cis);

	if (need > vm->stack_end)
		return stack_overflow(vm);
	if (depth + 1 >= nframes) {
		size_t n = nframes * 2 < JSL_MAX_DEPTH ? nframes * 2 : JSL_MAX_DEPTH;
		struct jsl_ci *nc;

		if (nframes >= JSL_MAX_DEPTH)
			return stack_overflow(vm);
		nc = realloc(vm->cis, n * sizeof(*nc));
		if (!nc)
			return jsl_oom(vm, "out of memory growing the call stack");
		vm->cis = nc;
		vm->ci = nc + depth;
		vm->ci_end = nc + n;
	}
	return 0;
}

static NOINLINE int tdz(struct jsl_vm *vm, unsigned g)
{
	return jsl_throw(vm, "ReferenceError: Cannot access '%s' before initialization",
			 vm->prog->gnames[g]);
}

static unsigned typeof_index(jv v)
{
	if (jv_is_num(v))
		return 3;
	switch (jv_tag(v)) {
	case JV_T_UNDEF:
		return 0;
	case JV_T_BOOL:
		return 2;
	case JV_T_STR:
		return 4;
	case JV_T_FUNC:
		return 5;
	case JV_T_OBJ:
		return jv_obj(v)->type == JSL_OBJ_CLOS ? 5 : 1;
	default:
		return 1;
	}
}

/* ---- objects, closures, exceptions: slow paths ------------------------------------ */

/*
 * An instruction found a value the compiler never puts there (a crafted or
 * corrupt graph): end the run instead of trusting it.
 */
static NOINLINE int bad_code(struct jsl_vm *vm)
{
	int rc = jsl_throw(vm, "TypeError: invalid bytecode (an operand of the wrong kind)");

	vm->exc = JV_HOLE; /* not catchable */
	return rc;
}

static NOINLINE int op_ospread(struct jsl_vm *vm, jv dst, jv src)
{
	jv keys;
	struct jsl_arr *k;
	int rc = 0;

	if (!jv_is(src, JV_T_OBJ) && !jv_is(src, JV_T_STR))
		return 0;
	if (jsl_own_keys(vm, src, &keys) < 0)
		return -1;
	if (!jsl_root_push(vm, keys))
		return jsl_oom(vm, "out of memory");
	k = (struct jsl_arr *)jv_obj(keys);
	for (uint32_t i = 0; i < k->len && !rc; i++) {
		jv v;

		rc = jsl_get_prop(vm, src, k->v[i], &v);
		if (!rc)
			rc = jsl_obj_put(vm, (struct jsl_objt *)jv_obj(dst), k->v[i], v);
	}
	jsl_root_pop(vm, 1);
	return rc;
}

static NOINLINE int op_delete(struct jsl_vm *vm, jv *ra, jv obj, jv key)
{
	*ra = JV_TRUE;
	if (jv_is(obj, JV_T_UNDEF) || jv_is(obj, JV_T_NULL)) {
		struct jsl_buf kb = {.ok = true};
		int rc;

		jsl_to_string_buf(vm->prog, key, &kb);
		rc = jsl_throw(vm, "TypeError: Cannot convert undefined or null to object");
		free(kb.p);
		return rc;
	}
	if (jv_is_objtype(obj, JSL_OBJ_OBJ)) {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);
		jv k = key;

		if (!jv_is(k, JV_T_STR) && jsl_to_key(vm, key, &k) < 0)
			return -1;
		if (o->frozen && jsl_tab_find(&o->t, k) >= 0) {
			*ra = JV_FALSE; /* strict code throws */
			return vm->strict ? jsl_frozen_error(vm, obj, key, true) : 0;
		}
		jsl_tab_del(&o->t, k);
	} else if (jv_is_objtype(obj, JSL_OBJ_ARR)) {
		struct jsl_arr *a = (struct jsl_arr *)jv_obj(obj);
		double d = jsl_to_num(key);

		if (d >= 0 && d < a->len && d == floor(d) && a->frozen) {
			*ra = JV_FALSE;
			return vm->strict ? jsl_frozen_error(vm, obj, key, true) : 0;
		}
		if (d >= 0 && d < a->len && d == floor(d))
			a->v[(uint32_t)d] = JV_UNDEF; /* JSLite arrays have no holes */
	}
	return 0;
}

static NOINLINE int op_in(struct jsl_vm *vm, jv *ra, jv key, jv obj)
{
	if (!jv_is(obj, JV_T_OBJ)) {
		struct jsl_buf kb = {.ok = true}, ob = {.ok = true};
		int rc;

		jsl_to_string_buf(vm->prog, key, &kb);
		if (jv_is(obj, JV_T_STR))
			jsl_to_string_buf(vm->prog, obj, &ob);
		else
			jsl_inspect_buf(vm->prog, obj, &ob);
		rc = jsl_throw(vm, "TypeError: Cannot use 'in' operator to search for '%.60s' in %.60s",
			       kb.ok && kb.p ? kb.p : "", ob.ok && ob.p ? ob.p : "");
		free(kb.p);
		free(ob.p);
		return rc;
	}
	*ra = JV_FALSE;
	if (jv_is_objtype(obj, JSL_OBJ_OBJ)) {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);
		jv k = key;

		if (!jv_is(k, JV_T_STR) && jsl_to_key(vm, key, &k) < 0)
			return -1;
		*ra = jv_bool(jsl_tab_find(&o->t, k) >= 0 ||
			      (o->cls && o->cls <= JSL_CLS_SYNTAXERROR &&
			       jv_str(k)->len == 7 && !memcmp(jv_str(k)->s, "message", 7)));
	} else if (jv_is_objtype(obj, JSL_OBJ_ARR) || jv_is_objtype(obj, JSL_OBJ_TARR)) {
		uint32_t len = jv_is_objtype(obj, JSL_OBJ_ARR) ? ((struct jsl_arr *)jv_obj(obj))->len
							       : ((struct jsl_tarr *)jv_obj(obj))->len;
		int64_t idx = -1;

		if (jv_is_num(key) && jv_num(key) >= 0 && jv_num(key) == floor(jv_num(key)))
			idx = jv_num(key) < 4294967295.0 ? (int64_t)jv_num(key) : -1;
		else if (jv_is(key, JV_T_STR))
			idx = jsl_str_index(jv_str(key));
		*ra = jv_bool((idx >= 0 && idx < len) ||
			      (jv_is(key, JV_T_STR) && jv_str(key)->len == 6 &&
			       !memcmp(jv_str(key)->s, "length", 6)));
	} else if (jv_is_objtype(obj, JSL_OBJ_MAP) || jv_is_objtype(obj, JSL_OBJ_SET)) {
		*ra = jv_bool(jv_is(key, JV_T_STR) && jv_str(key)->len == 4 &&
			      !memcmp(jv_str(key)->s, "size", 4));
	}
	if (*ra == JV_FALSE && jv_is(key, JV_T_STR) && jsl_proto_has(obj, jv_str(key)))
		*ra = JV_TRUE; /* inherited: "push" in [] */
	return 0;
}

static NOINLINE int op_closure(struct jsl_vm *vm, jv *ra, uint32_t fidx)
{
	const struct jsl_func *f = &vm->prog->funcs[fidx];
	struct jsl_clos *c;
	jv *base = vm->ci->base;
	struct jsl_clos *cur = vm->ci->cl;

	c = jsl_obj_alloc(&vm->heap, JSL_OBJ_CLOS, sizeof(*c) + f->nup * sizeof(jv));
	if (!c)
		return jsl_oom(vm, "heap limit reached");
	c->fn = fidx;
	c->nup = f->nup;
	for (uint32_t u = 0; u < f->nup; u++) {
		uint32_t k = f->upv[u] >> 16, x = f->upv[u] & 0xffff;

		c->up[u] = k == 0 ? base[x] : cur && x < cur->nup ? cur->up[x] : JV_UNDEF;
	}
	*ra = jv_from_obj(c);
	return 0;
}

static NOINLINE int op_newcell(struct jsl_vm *vm, jv *ra, jv v)
{
	struct jsl_cell *c;

	if (!jsl_root_push(vm, v))
		return jsl_oom(vm, "out of memory");
	c = jsl_obj_alloc(&vm->heap, JSL_OBJ_CELL, sizeof(*c));
	jsl_root_pop(vm, 1);
	if (!c)
		return jsl_oom(vm, "heap limit reached");
	c->v = v;
	*ra = jv_from_obj(c);
	return 0;
}

static NOINLINE int cell_tdz(struct jsl_vm *vm, jv name)
{
	return jsl_throw(vm, "ReferenceError: Cannot access '%s' before initialization",
			 jv_is(name, JV_T_STR) ? jv_str(name)->s : "variable");
}

static NOINLINE int op_rest(struct jsl_vm *vm, jv *base, unsigned a)
{
	uint32_t n = vm->ci->nargs > a ? vm->ci->nargs - a : 0;
	jv arr;
	struct jsl_arr *r;

	if (jsl_new_arr(vm, n, &arr) < 0)
		return -1;
	r = (struct jsl_arr *)jv_obj(arr);
	jsl_wb(&vm->heap, r);
	for (uint32_t k = 0; k < n; k++)
		r->v[k] = base[a + k];
	r->len = n;
	base[a] = arr;
	return 0;
}

static NOINLINE int op_iter(struct jsl_vm *vm, jv *ra, jv b)
{
	jv arr;

	if (jv_is_objtype(b, JSL_OBJ_ARR)) {
		*ra = b;
		return 0;
	}
	if (jsl_new_arr(vm, 0, &arr) < 0)
		return -1;
	*ra = arr; /* rooted before spread allocates */
	return jsl_spread(vm, (struct jsl_arr *)jv_obj(arr), b);
}

static NOINLINE int op_keys(struct jsl_vm *vm, jv *ra, jv b)
{
	jv arr;

	if (jv_is(b, JV_T_OBJ) && jv_obj(b)->type != JSL_OBJ_OBJ &&
	    jv_obj(b)->type != JSL_OBJ_ARR && jv_obj(b)->type != JSL_OBJ_TARR)
		b = JV_UNDEF; /* Maps, Sets, functions: no enumerable own properties */
	if (jsl_own_keys(vm, b, &arr) < 0)
		return -1;
	*ra = arr;
	return 0;
}

/* Enter a call of f with its arguments already in nb[0..nargs) (the caller's R[A+1..]). */
static NOINLINE int spread_args(struct jsl_vm *vm, jv *nb, jv arr, uint32_t *nargs)
{
	struct jsl_arr *a;

	if (!jv_is_objtype(arr, JSL_OBJ_ARR))
		return jsl_throw(vm, "TypeError: spread argument is not an array");
	a = (struct jsl_arr *)jv_obj(arr);
	if (a->len > 65535 || nb + a->len + JSL_MAX_REGS > vm->stack_end)
		return stack_overflow(vm);
	init_regs(vm, nb + a->len);
	if (a->len)
		memmove(nb, a->v, a->len * sizeof(jv));
	*nargs = a->len;
	return 0;
}

/* native[C] or method[C] with the arguments of array R[A+1]. */
static NOINLINE int op_callv(struct jsl_vm *vm, bool method, unsigned c, jv *ra)
{
	jv arr = ra[1];
	struct jsl_arr *a;
	jv *buf;
	int rc;

	if (!jv_is_objtype(arr, JSL_OBJ_ARR))
		return jsl_throw(vm, "TypeError: spread argument is not an array");
	a = (struct jsl_arr *)jv_obj(arr);
	buf = malloc(((size_t)a->len + 1) * sizeof(jv));
	if (!buf)
		return jsl_oom(vm, "out of memory");
	buf[0] = ra[0];
	if (a->len)
		memcpy(buf + 1, a->v, a->len * sizeof(jv));
	if (!jsl_root_push(vm, arr)) {
		free(buf);
		return jsl_oom(vm, "out of memory");
	}
	if (method)
		rc = jsl_invoke(vm, c, buf, a->len, ra);
	else
		rc = jsl_native_fns[c](vm, buf + 1, a->len, ra);
	jsl_root_pop(vm, 1);
	free(buf);
	return rc;
}

static NOINLINE int op_try(struct jsl_vm *vm, unsigned reg, const uint32_t *target)
{
	if (vm->nhs == vm->caphs) {
		uint32_t nc = vm->caphs ? vm->caphs * 2 : 16;
		struct jsl_handler *h = realloc(vm->hs, nc * sizeof(*h));

		if (!h)
			return jsl_oom(vm, "out of memory");
		vm->hs = h;
		vm->caphs = nc;
	}
	vm->hs[vm->nhs].depth = (uint32_t)(vm->ci - vm->cis);
	vm->hs[vm->nhs].reg = (uint8_t)reg;
	vm->hs[vm->nhs].pc = target;
	vm->hs[vm->nhs].nx = vm->nx;
	vm->nhs++;
	return 0;
}

/* ---- the dispatch loop ----------------------------------------------------------------- */

#if defined(__GNUC__) && !defined(JSL_SWITCH_DISPATCH)
#define JSL_COMPUTED_GOTO 1
#endif

/*
 * Run from vm->ci until the frame at index vm->floor returns (0, its value
 * in *result) or the run fails (-1, vm->status and vm->error set) with no
 * try of this execute's frames to catch it. vm->fuel is the budget left,
 * updated.
 */
static int execute(struct jsl_vm *vm, jv *result)
{
#ifdef JSL_COMPUTED_GOTO
	static const void *const disp[JSL_OP_COUNT] = {
#define X(name, fmt, a, b, c, desc) &&L_##name,
#include "vm/opcodes.def"
#undef X
	};
#endif
	const struct jsl_func *funcs = vm->prog->funcs;
	const jv *K = vm->prog->consts;
	const uint32_t *code0 = vm->prog->code;
	uint32_t *ic = vm->prog->ic;
	jv *G = vm->globals;
	struct jsl_ci *ci = vm->ci;
	const uint32_t *pc = ci->pc;
	jv *base = ci->base;
	int64_t fuel = vm->fuel;
	const int64_t floor_depth = vm->floor;
	uint32_t i;
	int rc = 0;
	jv *cra, cf; /* a call: its register A, the function (CALLM keeps the receiver in A) */
	uint32_t cnargs;

#define RA	 (base + JSL_I_A(i))
#define RB	 (base + JSL_I_B(i))
#define RC	 (base + JSL_I_C(i))
#define SAVEPC() (ci->pc = pc)
#define PROTECT(call)                                                                              \
	do {                                                                                       \
		int prc_;                                                                          \
		SAVEPC();                                                                          \
		vm->fuel = fuel;                                                                   \
		prc_ = (call);                                                                     \
		fuel = vm->fuel;                                                                   \
		ci = vm->ci; /* a callback may have moved the frame array */                       \
		if (jsl_unlikely(prc_ < 0))                                                        \
			goto fail;                                                                 \
		if (jsl_unlikely(vm->gc_fuel)) {                                                   \
			fuel -= (int64_t)vm->gc_fuel;                                              \
			vm->gc_fuel = 0;                                                           \
			if (fuel < 0)                                                              \
				goto out_of_fuel;                                                  \
		}                                                                                  \
	} while (0)
#define TAKE_IF(cond)                                                                              \
	do {                                                                                       \
		if ((cond) == (bool)JSL_I_C(i))                                                    \
			pc += JSL_I_SJ(*pc) + 1;                                                   \
		else                                                                               \
			pc++;                                                                      \
	} while (0)
#define VM_FETCH()                                                                                 \
	do {                                                                                       \
		i = *pc;                                                                           \
		if (jsl_unlikely(fuel <= 0))                                                       \
			goto out_of_fuel;                                                          \
		fuel--;                                                                            \
		pc++;                                                                              \
	} while (0)
#ifdef JSL_COMPUTED_GOTO
#define VM_DISPATCH(x) goto *disp[JSL_I_OP(x)];
#define VM_CASE(name)  L_##name:
#define VM_NEXT                                                                                    \
	do {                                                                                       \
		VM_FETCH();                                                                        \
		goto *disp[JSL_I_OP(i)];                                                           \
	} while (0)
#else
#define VM_DISPATCH(x) switch (JSL_I_OP(x))
#define VM_CASE(name)  case JSL_OP_##name:
#define VM_NEXT	       continue
#endif
/*
 * R[A] := R[B] op *cptr: expr of the numbers x and y inline, anything else in
 * arith_slow. The operands are read as doubles straight into floating-point
 * registers, and every boxed value is a NaN, so one unordered compare tells
 * that both are numbers (a NaN number goes the slow way too): a chain like
 * s = (s + x) % 7 then never waits for a move between the integer and the
 * floating-point registers.
 */
#define ARITH_WITH(op, expr, cptr)                                                                 \
	{                                                                                          \
		double x, y;                                                                       \
		memcpy(&x, RB, sizeof(x));                                                         \
		memcpy(&y, (cptr), sizeof(y));                                                     \
		if (jsl_likely(!__builtin_isunordered(x, y))) {                                    \
			double z_ = (expr);                                                        \
			memcpy(RA, &z_, sizeof(z_));                                               \
		} else {                                                                           \
			PROTECT(arith_slow(vm, op, RA, *RB, *(cptr)));                             \
		}                                                                                  \
		VM_NEXT;                                                                           \
	}
#define ARITH(op, expr)	 ARITH_WITH(op, expr, RC)
#define ARITHK(op, expr) ARITH_WITH(op, expr, &K[JSL_I_C(i)])
/* R[A] := R[B] op sC: as ARITH, the immediate y = sC always a number. */
#define ARITHI(op, expr)                                                                           \
	{                                                                                          \
		double x, y = JSL_I_SC(i);                                                         \
		memcpy(&x, RB, sizeof(x));                                                         \
		if (jsl_likely(x == x)) {                                                          \
			double z_ = (expr);                                                        \
			memcpy(RA, &z_, sizeof(z_));                                               \
		} else {                                                                           \
			PROTECT(arith_slow(vm, op, RA, *RB, jv_from_num_raw((double)JSL_I_SC(i))));\
		}                                                                                  \
		VM_NEXT;                                                                           \
	}
/* Pop the frame, handing v to the caller's result register, or end the run at main's return. */
#define RETURN(v)                                                                                  \
	{                                                                                          \
		jv rv = (v);                                                                       \
		/* a handler left by code that skipped its ENDTRY (crafted) dies with the frame */ \
		while (jsl_unlikely(vm->nhs) &&                                                    \
		       vm->hs[vm->nhs - 1].depth >= (uint32_t)(ci - vm->cis))                      \
			vm->nhs--;                                                                 \
		if (jsl_unlikely(ci - vm->cis == floor_depth)) {                                   \
			*result = rv;                                                              \
			if (ci != vm->cis)                                                         \
				vm->ci = ci - 1;                                                   \
			goto done;                                                                 \
		}                                                                                  \
		base[-1] = rv;                                                                     \
		ci--;                                                                              \
		vm->ci = ci;                                                                       \
		base = ci->base;                                                                   \
		pc = ci->pc;                                                                       \
		VM_NEXT;                                                                           \
	}
#define ARITH_SLOWONLY(op)                                                                         \
	{                                                                                          \
		jv b = *RB, c = *RC;                                                               \
		if (jsl_likely(jv_is_num(b) & jv_is_num(c)))                                       \
			*RA = jv_from_num(arith_num(op, jv_num(b), jv_num(c)));                    \
		else                                                                               \
			PROTECT(arith_slow(vm, op, RA, b, c));                                     \
		VM_NEXT;                                                                           \
	}
/* A test of R[A] and R[B]: numexpr of the numbers x and y (read as ARITH reads them), else slowexpr of a and b. */
#define CMPJ(numexpr, slowexpr)                                                                    \
	{                                                                                          \
		double x, y;                                                                       \
		bool r;                                                                            \
		memcpy(&x, RA, sizeof(x));                                                         \
		memcpy(&y, RB, sizeof(y));                                                         \
		if (jsl_likely(!__builtin_isunordered(x, y))) {                                    \
			r = numexpr;                                                               \
		} else {                                                                           \
			jv a = *RA, b = *RB;                                                       \
			r = slowexpr;                                                              \
		}                                                                                  \
		TAKE_IF(r);                                                                        \
		VM_NEXT;                                                                           \
	}
#define CMPJI(cmp)                                                                                 \
	{                                                                                          \
		double x;                                                                          \
		memcpy(&x, RA, sizeof(x));                                                         \
		if (jsl_unlikely(x != x))                                                          \
			x = jsl_to_num(*RA);                                                       \
		TAKE_IF(x cmp(double) JSL_I_SB(i));                                                \
		VM_NEXT;                                                                           \
	}
/* The same against a number constant (a crafted non-number K[B] reads as a NaN: false). */
#define CMPJK(cmp)                                                                                 \
	{                                                                                          \
		double x;                                                                          \
		memcpy(&x, RA, sizeof(x));                                                         \
		if (jsl_unlikely(x != x))                                                          \
			x = jsl_to_num(*RA);                                                       \
		TAKE_IF(x cmp jv_num(K[JSL_I_B(i)]));                                              \
		VM_NEXT;                                                                           \
	}

/* i++ (as SUBI i i -1) and a for loop's test i < *bptr, one dispatch (operands as ARITH reads them) */
#define INCJ(bptr)                                                                                 \
	{                                                                                          \
		double x, y;                                                                       \
		bool r;                                                                            \
		memcpy(&x, RA, sizeof(x));                                                         \
		if (jsl_likely(x == x)) {                                                          \
			x += 1;                                                                    \
			memcpy(RA, &x, sizeof(x));                                                 \
		} else {                                                                           \
			PROTECT(arith_slow(vm, JSL_OP_SUB, RA, *RA, jv_from_num_raw(-1.0)));       \
			memcpy(&x, RA, sizeof(x));                                                 \
		}                                                                                  \
		memcpy(&y, (bptr), sizeof(y));                                                     \
		if (jsl_likely(!__builtin_isunordered(x, y)))                                      \
			r = x < y;                                                                 \
		else                                                                               \
			r = less_slow(*RA, *(bptr), false);                                        \
		TAKE_IF(r);                                                                        \
		VM_NEXT;                                                                           \
	}

	for (;;) {
	resume:
		VM_FETCH();
		VM_DISPATCH(i)
		{
			VM_CASE(MOVE)
			{
				*RA = *RB;
				VM_NEXT;
			}
			VM_CASE(LOADK)
			{
				*RA = K[JSL_I_BX(i)];
				VM_NEXT;
			}
			VM_CASE(LOADI)
			{
				*RA = jv_from_num_raw((double)JSL_I_SBX(i));
				VM_NEXT;
			}
			VM_CASE(LOADU)
			{
				*RA = JV_UNDEF;
				VM_NEXT;
			}
			VM_CASE(LOADNULL)
			{
				*RA = JV_NULL;
				VM_NEXT;
			}
			VM_CASE(LOADB)
			{
				*RA = jv_bool(JSL_I_B(i));
				VM_NEXT;
			}
			VM_CASE(LOADFN)
			{
				*RA = JV_BOX(JV_T_FUNC, JSL_I_BX(i));
				VM_NEXT;
			}
			VM_CASE(GETG)
			{
				*RA = G[JSL_I_BX(i)];
				VM_NEXT;
			}
			VM_CASE(GETGC)
			{
				jv v = G[JSL_I_BX(i)];

				if (jsl_unlikely(v == JV_HOLE))
					PROTECT(tdz(vm, JSL_I_BX(i)));
				*RA = v;
				VM_NEXT;
			}
			VM_CASE(SETG)
			{
				if (jsl_unlikely(G[JSL_I_BX(i)] == JV_HOLE))
					PROTECT(tdz(vm, JSL_I_BX(i)));
				G[JSL_I_BX(i)] = *RA;
				VM_NEXT;
			}
			VM_CASE(DEFG)
			{
				G[JSL_I_BX(i)] = *RA;
				VM_NEXT;
			}
			/* one opcode a line: the bodies are macros, which clang-format mangles */
			/* clang-format off */
			VM_CASE(ADD)  ARITH(JSL_OP_ADD, x + y)
			VM_CASE(SUB)  ARITH(JSL_OP_SUB, x - y)
			VM_CASE(MUL)  ARITH(JSL_OP_MUL, x * y)
			VM_CASE(DIV)  ARITH(JSL_OP_DIV, x / y)
			VM_CASE(MOD)  ARITH(JSL_OP_MOD, js_mod(x, y))
			VM_CASE(POW)  ARITH_SLOWONLY(JSL_OP_POW)
			VM_CASE(ADDI) ARITHI(JSL_OP_ADD, x + y)
			VM_CASE(SUBI) ARITHI(JSL_OP_SUB, x - y)
			VM_CASE(BAND) ARITH_SLOWONLY(JSL_OP_BAND)
			VM_CASE(BOR)  ARITH_SLOWONLY(JSL_OP_BOR)
			VM_CASE(BXOR) ARITH_SLOWONLY(JSL_OP_BXOR)
			VM_CASE(SHL)  ARITH_SLOWONLY(JSL_OP_SHL)
			VM_CASE(SHR)  ARITH_SLOWONLY(JSL_OP_SHR)
			VM_CASE(USHR) ARITH_SLOWONLY(JSL_OP_USHR)
			VM_CASE(NEG)
			/* clang-format on */
			{
				jv b = *RB;

				if (jsl_likely(jv_is_num(b)))
					*RA = jv_from_num_raw(-jv_num(b));
				else
					unary_slow(JSL_OP_NEG, RA, b);
				VM_NEXT;
			}
			VM_CASE(TONUM)
			{
				jv b = *RB;

				if (jsl_likely(jv_is_num(b)))
					*RA = b;
				else
					unary_slow(JSL_OP_TONUM, RA, b);
				VM_NEXT;
			}
			VM_CASE(NOT)
			{
				*RA = jv_bool(!truthy(*RB));
				VM_NEXT;
			}
			VM_CASE(BNOT)
			{
				unary_slow(JSL_OP_BNOT, RA, *RB);
				VM_NEXT;
			}
			VM_CASE(TYPEOF)
			{
				*RA = vm->types[typeof_index(*RB)];
				VM_NEXT;
			}
			VM_CASE(SEQ)
			{
				*RA = jv_bool(jsl_strict_eq(*RB, *RC));
				VM_NEXT;
			}
			VM_CASE(SNE)
			{
				*RA = jv_bool(!jsl_strict_eq(*RB, *RC));
				VM_NEXT;
			}
			VM_CASE(EQ)
			{
				*RA = jv_bool(loose_eq(*RB, *RC));
				VM_NEXT;
			}
			VM_CASE(NE)
			{
				*RA = jv_bool(!loose_eq(*RB, *RC));
				VM_NEXT;
			}
			VM_CASE(LT)
			{
				jv b = *RB, c = *RC;

				*RA = jv_bool(jv_is_num(b) & jv_is_num(c) ? jv_num(b) < jv_num(c)
									  : less_slow(b, c, false));
				VM_NEXT;
			}
			VM_CASE(LE)
			{
				jv b = *RB, c = *RC;

				*RA = jv_bool(jv_is_num(b) & jv_is_num(c) ? jv_num(b) <= jv_num(c)
									  : less_slow(b, c, true));
				VM_NEXT;
			}
			VM_CASE(JSEQ)
			{
				TAKE_IF(jsl_strict_eq(*RA, *RB));
				VM_NEXT;
			}
			VM_CASE(JEQ)
			{
				TAKE_IF(loose_eq(*RA, *RB));
				VM_NEXT;
			}
			/* one opcode a line: the bodies are macros, which clang-format mangles */
			/* clang-format off */
			VM_CASE(JLT)  CMPJ(x < y, less_slow(a, b, false))
			VM_CASE(JLE)  CMPJ(x <= y, less_slow(a, b, true))
			VM_CASE(JLTI) CMPJI(<)
			VM_CASE(JLEI) CMPJI(<=)
			VM_CASE(JGTI) CMPJI(>)
			VM_CASE(JGEI) CMPJI(>=)
			VM_CASE(JLTK) CMPJK(<)
			VM_CASE(JLEK) CMPJK(<=)
			VM_CASE(JGTK) CMPJK(>)
			VM_CASE(JGEK) CMPJK(>=)
			VM_CASE(INCJLT)  INCJ(RB)
			VM_CASE(INCJLTK) INCJ(&K[JSL_I_B(i)])
			/* clang-format off */
			VM_CASE(JSEQK)
			/* clang-format on */
			{
				jv a = *RA, b = K[JSL_I_B(i)];

				TAKE_IF(jv_is_num(a) & jv_is_num(b) ? jv_num(a) == jv_num(b)
								     : jsl_strict_eq(a, b));
				VM_NEXT;
			}
			VM_CASE(TEST)
			{
				TAKE_IF(truthy(*RA));
				VM_NEXT;
			}
			VM_CASE(JMP)
			{
				pc += JSL_I_SJ(i);
				VM_NEXT;
			}
			VM_CASE(CALL)
			{
				cra = RA;
				cf = *RA;
				cnargs = JSL_I_B(i);
				goto do_call;
			}
			VM_CASE(CALLV)
			{
				cra = RA;
				cf = *RA;
				PROTECT(spread_args(vm, cra + 1, cra[1], &cnargs));
				goto do_call;
			}
			VM_CASE(CALLM)
			{
				/* the object stays in R[A], below the callee's registers: its THIS */
				PROTECT(jsl_get_prop(vm, *RA, K[JSL_I_C(i)], &cf));
				cra = RA;
				cnargs = JSL_I_B(i);
				goto do_call;
			}
			VM_CASE(NCALL)
			{
				PROTECT(jsl_native_fns[JSL_I_C(i)](vm, RA + 1, JSL_I_B(i), RA));
				VM_NEXT;
			}
			VM_CASE(INVOKE)
			{
				PROTECT(jsl_invoke(vm, JSL_I_C(i), RA, JSL_I_B(i), RA));
				VM_NEXT;
			}
			VM_CASE(GETLEN)
			{
				jv b = *RB;

				if (jsl_likely(jv_is(b, JV_T_STR)))
					*RA = jv_from_num_raw((double)jv_str(b)->ulen);
				else if (jv_is_objtype(b, JSL_OBJ_ARR))
					*RA = jv_from_num_raw((double)((struct jsl_arr *)jv_obj(b))->len);
				else
					PROTECT(getlen_slow(vm, RA, b));
				VM_NEXT;
			}
			VM_CASE(GETIDX)
			{
				jv b = *RB, c;

				if (jv_is_objtype(b, JSL_OBJ_ARR)) {
					/* the index as a double straight from its register (a
					 * boxed value is a NaN: out of range) */
					const struct jsl_arr *a = (const struct jsl_arr *)jv_obj(b);
					double d;

					memcpy(&d, RC, sizeof(d));
					if (d >= 0 && d < a->len && d == (double)(uint32_t)d) {
						*RA = a->v[(uint32_t)d];
						VM_NEXT;
					}
				}
				c = *RC;
				if (jv_is(b, JV_T_STR) && jv_is_num(c)) {
					const struct jsl_str *s = jv_str(b);
					double d = jv_num(c);

					if (s->ascii && d >= 0 && d < s->len &&
					    d == (double)(uint32_t)d) {
						*RA = vm->chars[(unsigned char)s->s[(uint32_t)d]];
						VM_NEXT;
					}
				}
				PROTECT(getidx_slow(vm, RA, b, c));
				VM_NEXT;
			}
			VM_CASE(THROWK)
			{
				SAVEPC();
				jsl_throw(vm, "%s", jv_str(K[JSL_I_BX(i)])->s);
				goto fail;
			}
			/* one opcode a line: the bodies are macros, which clang-format mangles */
			/* clang-format off */
			VM_CASE(RET)  RETURN(*RA)
			VM_CASE(ADDK) ARITHK(JSL_OP_ADD, x + y)
			VM_CASE(SUBK) ARITHK(JSL_OP_SUB, x - y)
			VM_CASE(MULK) ARITHK(JSL_OP_MUL, x * y)
			VM_CASE(DIVK) ARITHK(JSL_OP_DIV, x / y)
			VM_CASE(MODK) ARITHK(JSL_OP_MOD, js_mod(x, y))
			VM_CASE(RETU) RETURN(JV_UNDEF)
			/* clang-format on */
			VM_CASE(NEWARR)
			{
				PROTECT(jsl_new_arr(vm, 0, RA));
				VM_NEXT;
			}
			VM_CASE(APPEND)
			{
				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_ARR)))
					PROTECT(bad_code(vm));
				PROTECT(jsl_arr_push(vm, (struct jsl_arr *)jv_obj(*RA), *RB));
				VM_NEXT;
			}
			VM_CASE(SPREAD)
			{
				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_ARR)))
					PROTECT(bad_code(vm));
				PROTECT(jsl_spread(vm, (struct jsl_arr *)jv_obj(*RA), *RB));
				VM_NEXT;
			}
			VM_CASE(NEWOBJ)
			{
				PROTECT(jsl_new_objt(vm, JSL_OBJ_OBJ, RA));
				VM_NEXT;
			}
			VM_CASE(NEWOBJN)
			{
				int n = JSL_I_SB(i);

				PROTECT(jsl_new_objt_n(vm, JSL_OBJ_OBJ, n > 0 ? (uint32_t)n : 0, RA));
				VM_NEXT;
			}
			VM_CASE(OSPREAD)
			{
				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_OBJ)))
					PROTECT(bad_code(vm));
				PROTECT(op_ospread(vm, *RA, *RB));
				VM_NEXT;
			}
			VM_CASE(GETF)
			{
				jv v, o = *RB;

				if (jv_is_objtype(o, JSL_OBJ_OBJ)) {
					/* a plain object's own property: the slot the inline cache
					 * remembers when its key is there, else one hash lookup */
					const struct jsl_tab *t = &((struct jsl_objt *)jv_obj(o))->t;
					uint32_t *slot = &ic[pc - 1 - code0];
					jv key = K[JSL_I_C(i)];
					int64_t k;

					if (*slot < t->n && t->e[2 * *slot] == key) {
						*RA = t->e[2 * *slot + 1];
						VM_NEXT;
					}
					k = jsl_tab_find(t, key);
					if (k >= 0) {
						*slot = (uint32_t)k;
						*RA = t->e[2 * k + 1];
						VM_NEXT;
					}
				}
				PROTECT(jsl_get_prop(vm, o, K[JSL_I_C(i)], &v));
				*RA = v;
				VM_NEXT;
			}
			VM_CASE(SETF)
			{
				jv o = *RA;

				/* an existing property of a plain object (not frozen, not an
				 * Error, whose message lives outside the table): as in GETF */
				if (jv_is_objtype(o, JSL_OBJ_OBJ) && !((struct jsl_objt *)jv_obj(o))->frozen &&
				    !((struct jsl_objt *)jv_obj(o))->cls) {
					struct jsl_tab *t = &((struct jsl_objt *)jv_obj(o))->t;
					uint32_t *slot = &ic[pc - 1 - code0];
					jv key = K[JSL_I_B(i)];
					int64_t k;

					jsl_wb(&vm->heap, jv_obj(o));
					if (*slot < t->n && t->e[2 * *slot] == key) {
						t->e[2 * *slot + 1] = *RC;
						VM_NEXT;
					}
					k = jsl_tab_find(t, key);
					if (k >= 0) {
						*slot = (uint32_t)k;
						t->e[2 * k + 1] = *RC;
						VM_NEXT;
					}
					/* a new key with room for it and no hash index to update
					 * (an object literal filling its inline entries) */
					if (t->n < t->cap && !t->idx && t->n < JSL_TAB_LINEAR && jv_is(key, JV_T_STR)) {
						*slot = t->n;
						t->e[2 * t->n] = key;
						t->e[2 * t->n + 1] = *RC;
						t->n++;
						t->live++;
						VM_NEXT;
					}
				}
				PROTECT(jsl_set_prop(vm, o, K[JSL_I_B(i)], *RC));
				VM_NEXT;
			}
			VM_CASE(INITF)
			{
				jv o = *RA, key = K[JSL_I_B(i)];

				/* room inside the literal and no hash index to update; anything
				 * else (only crafted code gets here) is an ordinary SETF */
				if (jv_is_objtype(o, JSL_OBJ_OBJ) && jv_is(key, JV_T_STR)) {
					struct jsl_objt *ob = (struct jsl_objt *)jv_obj(o);
					struct jsl_tab *t = &ob->t;

					if (t->n < t->cap && !t->idx && t->n < JSL_TAB_LINEAR && !ob->frozen &&
					    !ob->cls) {
						jsl_wb(&vm->heap, ob);
						t->e[2 * t->n] = key;
						t->e[2 * t->n + 1] = *RC;
						t->n++;
						t->live++;
						VM_NEXT;
					}
				}
				PROTECT(jsl_set_prop(vm, o, key, *RC));
				VM_NEXT;
			}
			VM_CASE(SETIDX)
			{
				jv o = *RA;

				if (jv_is_objtype(o, JSL_OBJ_ARR)) {
					struct jsl_arr *a = (struct jsl_arr *)jv_obj(o);
					double d; /* as GETIDX reads it */

					memcpy(&d, RB, sizeof(d));
					if (d >= 0 && d < a->len && d == (double)(uint32_t)d &&
					    !a->frozen) {
						jsl_wb(&vm->heap, a);
						a->v[(uint32_t)d] = *RC;
						VM_NEXT;
					}
				}
				PROTECT(jsl_set_prop(vm, o, *RB, *RC));
				VM_NEXT;
			}
			VM_CASE(DELIDX)
			{
				PROTECT(op_delete(vm, RA, *RB, *RC));
				VM_NEXT;
			}
			VM_CASE(IN)
			{
				PROTECT(op_in(vm, RA, *RB, *RC));
				VM_NEXT;
			}
			VM_CASE(INSTOF)
			{
				*RA = jv_bool(jsl_instanceof(*RB, JSL_I_C(i)));
				VM_NEXT;
			}
			VM_CASE(CLOSURE)
			{
				PROTECT(op_closure(vm, RA, JSL_I_BX(i)));
				VM_NEXT;
			}
			VM_CASE(NEWCELL)
			{
				PROTECT(op_newcell(vm, RA, JSL_I_C(i) ? JV_HOLE : *RB));
				VM_NEXT;
			}
			VM_CASE(GETCELL)
			{
				jv v;

				if (jsl_unlikely(!jv_is_objtype(*RB, JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				v = ((struct jsl_cell *)jv_obj(*RB))->v;

				if (jsl_unlikely(v == JV_HOLE))
					PROTECT(cell_tdz(vm, K[JSL_I_C(i)]));
				*RA = v;
				VM_NEXT;
			}
			VM_CASE(SETCELL)
			{
				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				jsl_wb(&vm->heap, jv_obj(*RA));
				((struct jsl_cell *)jv_obj(*RA))->v = *RB;
				VM_NEXT;
			}
			VM_CASE(SETCELLC)
			{
				struct jsl_cell *c;

				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				c = (struct jsl_cell *)jv_obj(*RA);

				if (jsl_unlikely(c->v == JV_HOLE))
					PROTECT(cell_tdz(vm, K[JSL_I_C(i)]));
				jsl_wb(&vm->heap, c);
				c->v = *RB;
				VM_NEXT;
			}
			VM_CASE(GETUPV)
			{
				jv v;

				if (jsl_unlikely(!ci->cl || JSL_I_B(i) >= ci->cl->nup ||
						 !jv_is_objtype(ci->cl->up[JSL_I_B(i)], JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				v = ((struct jsl_cell *)jv_obj(ci->cl->up[JSL_I_B(i)]))->v;

				if (jsl_unlikely(v == JV_HOLE))
					PROTECT(cell_tdz(vm, K[JSL_I_C(i)]));
				*RA = v;
				VM_NEXT;
			}
			VM_CASE(SETUPV)
			{
				struct jsl_cell *c;

				if (jsl_unlikely(!ci->cl || JSL_I_B(i) >= ci->cl->nup ||
						 !jv_is_objtype(ci->cl->up[JSL_I_B(i)], JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				c = (struct jsl_cell *)jv_obj(ci->cl->up[JSL_I_B(i)]);

				if (jsl_unlikely(c->v == JV_HOLE))
					PROTECT(cell_tdz(vm, K[JSL_I_C(i)]));
				jsl_wb(&vm->heap, c);
				c->v = *RA;
				VM_NEXT;
			}
			VM_CASE(COPYCELL)
			{
				if (jsl_unlikely(!jv_is_objtype(*RA, JSL_OBJ_CELL)))
					PROTECT(bad_code(vm));
				PROTECT(op_newcell(vm, RA, ((struct jsl_cell *)jv_obj(*RA))->v));
				VM_NEXT;
			}
			VM_CASE(THROW)
			{
				SAVEPC();
				jsl_throw_value(vm, *RA);
				goto fail;
			}
			VM_CASE(TRY)
			{
				PROTECT(op_try(vm, JSL_I_A(i), pc + JSL_I_SBX(i)));
				VM_NEXT;
			}
			VM_CASE(ENDTRY)
			{
				if (jsl_unlikely(!vm->nhs ||
						 vm->hs[vm->nhs - 1].depth != (uint32_t)(ci - vm->cis)))
					PROTECT(bad_code(vm));
				vm->nhs--;
				VM_NEXT;
			}
			VM_CASE(NCALLV)
			{
				PROTECT(op_callv(vm, false, JSL_I_C(i), RA));
				VM_NEXT;
			}
			VM_CASE(INVOKEV)
			{
				PROTECT(op_callv(vm, true, JSL_I_C(i), RA));
				VM_NEXT;
			}
			VM_CASE(REST)
			{
				PROTECT(op_rest(vm, base, JSL_I_A(i)));
				VM_NEXT;
			}
			VM_CASE(INPUT)
			{
				*RA = vm->input;
				VM_NEXT;
			}
			VM_CASE(ITER)
			{
				PROTECT(op_iter(vm, RA, *RB));
				VM_NEXT;
			}
			VM_CASE(KEYS)
			{
				PROTECT(op_keys(vm, RA, *RB));
				VM_NEXT;
			}
			VM_CASE(THIS)
			{
				/* the slot below the registers: the object of o.m(), else the function */
				jv self = ci->cl ? jv_from_obj(ci->cl)
						 : JV_BOX(JV_T_FUNC, (uint64_t)(ci->fn - funcs));

				/* (the first frame has no slot below: crafted code may ask there) */
				*RA = base == vm->stack || base[-1] == self ? JV_UNDEF : base[-1];
				VM_NEXT;
			}
			VM_CASE(CALLMV)
			{
				PROTECT(jsl_get_prop(vm, *RA, K[JSL_I_C(i)], &cf));
				cra = RA;
				PROTECT(spread_args(vm, cra + 1, cra[1], &cnargs));
				goto do_call;
			}
			VM_CASE(CALLMR)
			{
				/* o[k](...): the function from R[A][R[A+1]], then the receiver moves
				 * into R[A+1], the slot below the callee's registers */
				if (jsl_unlikely(!JSL_I_B(i)))
					PROTECT(bad_code(vm));
				PROTECT(jsl_get_prop(vm, RA[0], RA[1], &cf));
				RA[1] = RA[0];
				cra = RA + 1;
				cnargs = JSL_I_B(i) - 1;
				goto do_call;
			}
			VM_CASE(STRICT)
			{
				vm->strict = true;
				VM_NEXT;
			}
			VM_CASE(HASKEY)
			{
				/* the keys of for-in were taken at its start: a property deleted
				 * (an array shortened) before its turn is not visited */
				jv o = *RC, k = *RB;
				bool has = true;

				if (jv_is_objtype(o, JSL_OBJ_OBJ))
					has = jsl_tab_find(&((struct jsl_objt *)jv_obj(o))->t, k) >= 0;
				else if (jv_is_objtype(o, JSL_OBJ_ARR) && jv_is(k, JV_T_STR))
					has = jsl_str_index(jv_str(k)) >= 0 &&
					      jsl_str_index(jv_str(k)) < ((struct jsl_arr *)jv_obj(o))->len;
				*RA = jv_bool(has);
				VM_NEXT;
			}
			VM_CASE(LOADNAT)
			{
				*RA = JV_BOX(JV_T_FUNC, JSL_NATFN + JSL_I_BX(i));
				VM_NEXT;
			}
			VM_CASE(SELF)
			{
				*RA = ci->cl ? jv_from_obj(ci->cl)
					     : JV_BOX(JV_T_FUNC, (uint64_t)(ci->fn - funcs));
				VM_NEXT;
			}
			VM_CASE(JNULLISH)
			{
				TAKE_IF(jv_is(*RA, JV_T_UNDEF) || jv_is(*RA, JV_T_NULL));
				VM_NEXT;
			}
			/* for-of (vm/iter.c): R[A] the iterable, R[A+1] the cursor, R[A+2] the element */
			VM_CASE(JLIVEIT)
			{
				TAKE_IF(jv_is_objtype(*RA, JSL_OBJ_MAP) || jv_is_objtype(*RA, JSL_OBJ_SET) ||
					jv_is_objtype(*RA, JSL_OBJ_TARR));
				VM_NEXT;
			}
			VM_CASE(FORNEXT)
			{
				bool done;

				if (jv_is_objtype(RA[0], JSL_OBJ_ARR) && jv_is_num(RA[1])) {
					const struct jsl_arr *a = (const struct jsl_arr *)jv_obj(RA[0]);
					double d = jv_num(RA[1]);

					/* the length is read at each step: a push in the loop is seen */
					done = !(d >= 0 && d < a->len && d == (double)(uint32_t)d);
					if (!done) {
						RA[2] = a->v[(uint32_t)d];
						RA[1] = jv_from_num(d + 1);
					}
				} else {
					PROTECT(jsl_iter_step(vm, RA, &done));
				}
				TAKE_IF(done);
				VM_NEXT;
			}
			VM_CASE(ITERDONE)
			{
				jsl_iter_done(*RA);
				VM_NEXT;
			}
		}
	do_call: {
		jv f = cf;
		const struct jsl_func *fn;
		struct jsl_clos *cl = NULL;
		jv *nb = cra + 1;

		if (jv_is_native(f)) {
			PROTECT(jsl_native_fns[jv_payload(f) - JSL_NATFN](vm, cra + 1, cnargs, cra));
			goto resume;
		}
		if (jv_is(f, JV_T_FUNC)) {
			fn = &funcs[jv_payload(f)];
		} else if (jv_is_objtype(f, JSL_OBJ_CLOS)) {
			cl = (struct jsl_clos *)jv_obj(f);
			fn = &funcs[cl->fn];
		} else {
			SAVEPC();
			not_callable(vm, pc, (unsigned)(cra - base), f);
			goto fail;
		}
		if (jsl_unlikely(nb + fn->nregs + cnargs > vm->stack_end || ci + 1 == vm->ci_end)) {
			SAVEPC();
			if (grow_stack(vm, nb + fn->nregs + cnargs) < 0)
				goto fail;
			ci = vm->ci;
		}
		for (unsigned k = cnargs; k < fn->nparams; k++)
			nb[k] = JV_UNDEF;
		init_regs(vm, nb + (fn->nregs > cnargs ? fn->nregs : cnargs));
		SAVEPC();
		ci++;
		ci->fn = fn;
		ci->cl = cl;
		ci->nargs = cnargs;
		ci->base = nb;
		vm->ci = ci;
		base = nb;
		pc = fn->code;
		goto resume;
	}
	}
out_of_fuel:
	if (vm->reserve > 0 && vm->status == VM_OK) {
		if (vm->slicing && !vm->nested && !floor_depth) {
			/* the host's slice is used up: yield, resumable at pc */
			SAVEPC();
			rc = 1;
			goto out;
		}
		/* inside a callback there is no yielding: borrow from the rest of the budget */
		fuel += vm->reserve;
		vm->reserve = 0;
		if (fuel > 0)
			goto resume;
	}
	fuel = 0;
	SAVEPC();
	if (vm->status == VM_OK) {
		vm->status = VM_ERR_FUEL;
		snprintf(vm->error, sizeof(vm->error), "%s:%u: fuel limit of %lld exhausted",
			 vm->prog->file, jsl_cur_line(vm), (long long)vm->fuel_limit);
	}
	vm->exc = JV_HOLE;
	rc = -1;
	goto out;
fail:
	/* the failing instruction counts as executed */
	if (vm->status == VM_ERR_RUNTIME && vm->exc != JV_HOLE && vm->nhs &&
	    vm->hs[vm->nhs - 1].depth >= floor_depth) {
		struct jsl_handler h = vm->hs[--vm->nhs];

		ci = vm->cis + h.depth;
		vm->ci = ci;
		base = ci->base;
		pc = h.pc;
		vm->nx = h.nx;
		base[h.reg] = vm->exc;
		vm->exc = JV_HOLE;
		vm->status = VM_OK;
		vm->error[0] = '\0';
		if (fuel < 0)
			goto out_of_fuel;
		goto resume;
	}
	rc = -1;
	goto out;
done:
	rc = 0;
out:
	vm->fuel = fuel;
	return rc;
#undef RA
#undef RB
#undef RC
}

/* ---- running a Tasklet ------------------------------------------------------------------- */

static int call_with(struct jsl_vm *vm, jv f, jv recv, const jv *args, unsigned n, jv *ret);

int jsl_call(struct jsl_vm *vm, jv f, const jv *args, unsigned n, jv *ret)
{
	return call_with(vm, f, f, args, n, ret);
}

int jsl_call_method(struct jsl_vm *vm, jv f, jv recv, const jv *args, unsigned n, jv *ret)
{
	return call_with(vm, f, recv, args, n, ret);
}

/* jsl_call, with recv in the slot below the callee's registers (what THIS reads). */
static int call_with(struct jsl_vm *vm, jv f, jv recv, const jv *args, unsigned n, jv *ret)
{
	struct jsl_ci *ci = vm->ci;
	jv *top = live_top(vm); /* above the frame's registers and any arguments past them */
	const struct jsl_func *fn;
	struct jsl_clos *cl = NULL;
	int64_t depth = ci - vm->cis, saved_floor = vm->floor;
	int rc;

	if (jv_is_native(f)) {
		/*
		 * The native's result and arguments in registers past this frame, which
		 * the frame's argument count keeps visible to the collector meanwhile.
		 */
		uint32_t nargs = ci->nargs;

		if (top + 1 + n > vm->stack_end)
			return stack_overflow(vm);
		init_regs(vm, top + 1 + n);
		if (n)
			memmove(top + 1, args, n * sizeof(jv));
		top[0] = JV_UNDEF;
		ci->nargs = (uint32_t)(top + 1 + n - ci->base);
		rc = jsl_native_fns[jv_payload(f) - JSL_NATFN](vm, top + 1, n, top);
		vm->ci->nargs = nargs;
		*ret = top[0];
		return rc;
	}
	if (jv_is(f, JV_T_FUNC) && !jv_is_native(f)) {
		fn = &vm->prog->funcs[jv_payload(f)];
	} else if (jv_is_objtype(f, JSL_OBJ_CLOS)) {
		cl = (struct jsl_clos *)jv_obj(f);
		fn = &vm->prog->funcs[cl->fn];
	} else {
		struct jsl_buf b = {.ok = true};

		jsl_inspect_buf(vm->prog, f, &b);
		rc = jsl_throw(vm, "TypeError: %.60s is not a function", b.ok && b.p ? b.p : "value");
		free(b.p);
		return rc;
	}
	if (top + 1 + n + fn->nregs > vm->stack_end || vm->nested >= JSL_MAX_NESTED)
		return stack_overflow(vm);
	if (ci + 1 >= vm->ci_end) {
		if (grow_stack(vm, top) < 0)
			return -1;
		ci = vm->ci;
	}
	init_regs(vm, top + 1 + n + fn->nregs);
	top[0] = recv;
	if (n)
		memmove(top + 1, args, n * sizeof(jv));
	for (unsigned k = n; k < fn->nparams; k++)
		top[1 + k] = JV_UNDEF;
	ci[1].fn = fn;
	ci[1].cl = cl;
	ci[1].nargs = n;
	ci[1].base = top + 1;
	ci[1].pc = fn->code;
	vm->ci = ci + 1;
	vm->floor = depth + 1;
	*ret = JV_UNDEF;
	vm->nested++;
	rc = execute(vm, ret);
	vm->nested--;
	vm->floor = saved_floor;
	vm->ci = vm->cis + depth;
	return rc;
}

static void jvm_free(struct jsl_vm *vm)
{
	jsl_heap_free_all(&vm->heap);
	jsl_prog_free((struct jsl_prog *)vm->prog);
	free(vm->stack);
	free(vm->cis);
	free(vm->globals);
	free(vm->out.p);
	free(vm->hs);
	free(vm->xroots);
	free(vm->gray);
	free(vm->kidx);
	free(vm);
}

/*
 * The one-character strings, '' and the typeof names are the same for every
 * run: made once per process, never freed, never written (the collector
 * does not mark fixed strings and their hashes are computed here).
 */
static struct jsl_str *shared_strs[128 + 1 + 6];
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static struct jsl_str *shared_str(const char *p, size_t n)
{
	struct jsl_str *s = calloc(1, sizeof(*s) + n + 1);

	if (!s || (uintptr_t)s > JV_PAYLOAD) {
		free(s);
		return NULL;
	}
	memcpy(s->data, p, n);
	s->s = s->data;
	s->len = (uint32_t)n;
	s->h.type = JSL_OBJ_STR;
	s->h.fixed = 1;
	s->h.size = (uint32_t)(sizeof(*s) + n + 1);
	jsl_str_measure(s);
	s->hash = jsl_val_hash(jv_from_str(s));
	return s;
}

static void make_shared_strs(void)
{
	static const char *const types[6] = {"undefined", "object", "boolean",
					     "number",	  "string", "function"};

	for (unsigned c = 0; c < 128; c++) {
		char ch = (char)c;

		shared_strs[c] = shared_str(&ch, 1);
	}
	shared_strs[128] = shared_str("", 0);
	for (unsigned t = 0; t < 6; t++)
		shared_strs[129 + t] = shared_str(types[t], strlen(types[t]));
}

/* A Tasklet being run: the VM, what the run has produced so far, the fuel it used. */
struct vm {
	struct jsl_vm *jvm;
	struct jsl_prog *prog; /* owned here until the VM takes it */
	struct vm_result res;  /* status and error; output and value are made by vm_finish */
	jv result;
	bool done;
	uint64_t used;
	int host_rc; /* -ENOMEM when the host ran out of memory loading */
};

/* Load the program and prepare main's frame; failures end v (done, status set). */
static int setup(struct vm *v, const struct vm_store *st, uint64_t root,
		 const struct vm_limits *lim)
{
	struct jsl_vm *vm = v->jvm;
	struct vm_result *res = &v->res;
	struct jsl_prog *prog = NULL;
	uint64_t fuel0;
	int rc;

	vm->heap.limit = lim && lim->heap_bytes ? lim->heap_bytes : VM_DEFAULT_HEAP;
	vm->heap.threshold = vm->heap.limit;
	vm->out.ok = true;
	vm->out.limit = lim && lim->output_bytes ? lim->output_bytes : VM_DEFAULT_OUTPUT;
	vm->rng = lim && lim->seed ? lim->seed : 0x9e3779b97f4a7c15ull;
	vm->start_ms = lim ? lim->start_ms : 0;
	fuel0 = lim && lim->fuel ? lim->fuel : VM_DEFAULT_FUEL;
	vm->fuel_limit = fuel0 > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)fuel0;
	vm->exc = JV_HOLE;
	vm->input = JV_UNDEF;
	v->done = true;

	rc = jsl_prog_load(st, root, &vm->heap, &prog, res->error, sizeof(res->error));
	if (rc < 0) {
		if (vm->heap.oom) {
			res->status = VM_ERR_MEMORY;
			rc = 0;
		} else {
			res->status = VM_ERR_LOAD;
			if (rc != -ENOMEM)
				rc = 0;
		}
		return rc;
	}
	vm->prog = prog;
	/* not zeroed: registers are initialised as frames first reach them (init_regs) */
	vm->stack = malloc((JSL_STACK_SLOTS + STACK_SLACK) * sizeof(*vm->stack));
	vm->cis = calloc(FRAMES_START, sizeof(*vm->cis));
	vm->globals = malloc(((size_t)prog->nglobals + 1) * sizeof(*vm->globals));
	if (!vm->stack || !vm->cis || !vm->globals) {
		snprintf(res->error, sizeof(res->error), "out of memory starting the VM");
		res->status = VM_ERR_MEMORY;
		return -ENOMEM;
	}
	vm->stack_end = vm->stack + JSL_STACK_SLOTS;
	vm->ci_end = vm->cis + FRAMES_START;
	for (uint32_t i = 0; i < prog->nglobals; i++)
		vm->globals[i] = JV_HOLE;
	pthread_once(&shared_once, make_shared_strs);
	rc = 0;
	for (unsigned k = 0; k < 128 + 1 + 6; k++)
		if (!shared_strs[k])
			rc = -ENOMEM;
	if (!rc) {
		for (unsigned c = 0; c < 128; c++)
			vm->chars[c] = jv_from_str(shared_strs[c]);
		vm->empty = jv_from_str(shared_strs[128]);
		for (unsigned t = 0; t < 6; t++)
			vm->types[t] = jv_from_str(shared_strs[129 + t]);
	}

	if (rc) {
		res->status = VM_ERR_MEMORY;
		snprintf(res->error, sizeof(res->error), "%s: heap limit of %zu bytes too small",
			 prog->file, vm->heap.limit);
		return 0;
	}
	vm->heap.threshold =
	    vm->heap.used + GC_MIN < vm->heap.limit ? vm->heap.used + GC_MIN : vm->heap.limit;
	vm->heap.major_at = vm->heap.used + GC_MIN;
#ifdef JSL_GC_TORTURE
	vm->heap.threshold = 0;
#endif
	vm->heap.collect = collect;
	vm->heap.ctx = vm;
	vm->ci = vm->cis;
	vm->ci->fn = &prog->funcs[0];
	vm->ci->base = vm->stack;
	vm->ci->pc = prog->funcs[0].code;
	vm->hwm = vm->stack;
	init_regs(vm, vm->stack + prog->funcs[0].nregs);
	vm->floor = 0;
	/* The host's input (vm_limits) if any, else the one the graph carries. */
	if ((lim && lim->input &&
	     jsl_json_parse(vm, lim->input, lim->input_len, &vm->input) < 0) ||
	    ((!lim || !lim->input) && prog->input &&
	     jsl_json_parse(vm, prog->input, prog->input_len, &vm->input) < 0)) {
		res->status = vm->status == VM_ERR_MEMORY ? VM_ERR_MEMORY : VM_ERR_LOAD;
		snprintf(res->error, sizeof(res->error), "%.60s: input is not valid JSON: %.150s",
			 prog->file, strstr(vm->error, ": ") ? strstr(vm->error, ": ") + 2 : vm->error);
		return 0;
	}
	v->done = false;
	return 0;
}

struct vm *vm_new(const struct vm_store *st, uint64_t root, const struct vm_limits *lim,
		  const struct vm_host *host)
{
	struct vm *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->jvm = calloc(1, sizeof(*v->jvm));
	if (!v->jvm) {
		free(v);
		return NULL;
	}
	v->jvm->host = host;
	v->result = JV_UNDEF;
	v->host_rc = setup(v, st, root, lim);
	if (v->host_rc < 0 && v->res.status == VM_OK)
		v->res.status = VM_ERR_MEMORY;
	return v;
}

int vm_step(struct vm *v, uint64_t fuel)
{
	struct jsl_vm *vm = v->jvm;
	int64_t left, slice, before;
	int rc;

	if (v->done)
		return VM_STEP_DONE;
	left = vm->fuel_limit - (int64_t)v->used;
	if (left < 0)
		left = 0;
	slice = fuel < (uint64_t)left ? (int64_t)fuel : left;
	vm->fuel = slice;
	vm->reserve = left - slice;
	vm->slicing = slice < left;
	before = slice + vm->reserve;
	rc = execute(vm, &v->result);
	v->used += (uint64_t)(before - ((vm->fuel < 0 && rc < 0 ? 0 : vm->fuel) + vm->reserve));
	if (rc == 1)
		return VM_STEP_YIELD;
	v->done = true;
	if (rc < 0) {
		v->res.status = vm->status;
		memcpy(v->res.error, vm->error, sizeof(v->res.error));
	}
	return VM_STEP_DONE;
}

int vm_finish(struct vm *v, struct vm_result *res)
{
	struct jsl_vm *vm = v->jvm;
	int rc = 0;

	*res = v->res;
	res->output = NULL;
	res->value = NULL;
	res->fuel_used = v->used;
	if (!v->done) {
		res->status = VM_ERR_FUEL;
		snprintf(res->error, sizeof(res->error), "%s: stopped before the end",
			 vm->prog ? vm->prog->file : "?");
	}
	if (v->done && res->status == VM_OK) {
		struct jsl_buf b = {.ok = true};

		jsl_inspect_buf(vm->prog, v->result, &b);
		if (!b.ok) {
			free(b.p);
			res->status = VM_ERR_MEMORY;
			snprintf(res->error, sizeof(res->error), "out of memory rendering the result");
		} else {
			res->value = b.p;
		}
	}
	res->output = tl_memdup0(vm->out.p, vm->out.p ? vm->out.len : 0);
	if (!res->value)
		res->value = tl_memdup0(NULL, 0);
	if (!res->output || !res->value) {
		vm_result_free(res);
		rc = -ENOMEM;
	} else {
		res->output_len = vm->out.p ? vm->out.len : 0;
	}
	return rc;
}

void vm_free(struct vm *v)
{
	if (!v)
		return;
	jvm_free(v->jvm);
	free(v);
}

int vm_run(const struct vm_store *st, uint64_t root, const struct vm_limits *lim,
	   struct vm_result *res)
{
	struct vm *v = vm_new(st, root, lim, NULL);
	int rc;

	memset(res, 0, sizeof(*res));
	if (!v) {
		snprintf(res->error, sizeof(res->error), "out of memory starting the VM");
		res->status = VM_ERR_MEMORY;
		return -ENOMEM;
	}
	vm_step(v, UINT64_MAX);
	rc = vm_finish(v, res);
	if (!rc && v->host_rc == -ENOMEM)
		rc = -ENOMEM;
	vm_free(v);
	return rc;
}

void vm_result_free(struct vm_result *res)
{
	if (!res)
		return;
	free(res->output);
	free(res->value);
	res->output = NULL;
	res->value = NULL;
	res->output_len = 0;
}

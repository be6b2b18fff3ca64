/* SPDX-License-Identifier: MIT */
/*
 * The JSLite code generator: syntax tree to register bytecode, then the
 * bytecode, constants and QoS requirements to chunks (layout in jsl_int.h
 * and man jslite(7)).
 *
 * Registers: a function's parameters take registers 0..n-1, each block's
 * let/const bindings the next ones (allocated when the block is entered,
 * so a use before the declaration finds the binding and throws the
 * ReferenceError JavaScript throws), temporaries the ones above. main keeps
 * the program's completion value (what node's eval would return) in
 * register 0. Top-level bindings that no function mentions live in main's
 * registers; the others, and every function, are global slots.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/chunk_int.h"
#include "vm/jsl.h"
#include "vm/jsl_ast.h"
#include "vm/qos_int.h"

#define NO_JUMP (-1)

struct cg_local {
	const char *name;
	uint32_t len;
	uint8_t reg;
	bool is_const;
	bool ready; /* declaration compiled: uses after it are not in the TDZ */
	bool cell;  /* captured by a nested function: the register holds a cell */
	bool is_var;
};

/* A set of names (open addressing over (pointer, length) pairs; malloc). */
struct nset {
	const char **s;
	uint32_t *l;
	uint32_t n, cap;
};

struct cg_upval {
	const char *name;
	uint32_t len;
	uint32_t desc; /* kind << 16 | index, as in the FUNC chunk's upvalue table */
	bool is_const;
};

/* A try statement being compiled: what a jump out of it must run first. */
struct cg_try {
	struct cg_try *up;
	struct jsl_node *finally; /* BLOCK or NULL */
};

struct cg_global {
	const char *name;
	uint32_t len;
	bool is_const;
	bool is_func;
	bool is_var;
};

struct cg_loop {
	struct cg_loop *up;
	int brk, cont; /* pending jump lists */
	const char *label;
	uint32_t label_len;
	bool is_loop;	/* continue may target it */
	bool is_switch; /* an unlabelled break may target it */
	struct cg_try *tries; /* the try statements around the loop */
};

struct cg_func {
	uint32_t *code;
	uint32_t ncode, capcode;
	uint64_t *lines;
	uint32_t nlines, caplines;
	struct cg_local *locals;
	uint32_t nlocals, caplocals;
	uint64_t *cnames; /* (pc << 32 | constant): callee names of calls through locals */
	uint32_t ncnames, capcnames;
	uint32_t scope_first; /* first local of the innermost scope */
	int freereg, maxreg, vartop;
	int creg; /* completion register (main) or -1 */
	struct cg_loop *loop;
	const char *name;
	uint32_t namelen, nparams, line;
	struct jsl_node *node;
	struct cg_func *parent; /* the function whose locals this one may capture */
	struct cg_upval *upv;
	uint32_t nup, capup;
	struct nset captured; /* names used inside nested functions */
	struct cg_try *tries;
	uint32_t idx; /* function index */
	bool is_main;
};

struct cg_const {
	bool is_str;
	double num;
	const char *s;
	uint32_t len;
};

struct cg {
	struct jsl_cc *C;
	struct cg_func **funcs;
	uint32_t nfuncs, capfuncs;
	struct cg_func *fs;
	struct cg_global *globals;
	uint32_t nglobals, capglobals;
	struct cg_const *k;
	uint32_t nk, capk;
	int32_t *khash; /* open addressing: constant index or -1 */
	uint32_t khcap;
	const char **fnames; /* names mentioned inside function bodies */
	uint32_t *fnlens;
	uint32_t nfn, capfn;
	uint32_t line, col; /* position for errors */
	int optj;	    /* pending jumps of the innermost optional chain */
	const char *label;  /* label for the next loop statement */
	uint32_t label_len;
	struct nset mainset; /* names used inside any function (main's captured set) */
	uint32_t *ghash;     /* global index + 1 by name (open addressing), ghcap slots */
	uint32_t ghcap;
	const struct jsl_node *iter_src; /* the initializer of the declaration pattern being bound */
	bool strict;			 /* the file begins with "use strict" */
};

/* ---- buffers ------------------------------------------------------------------ */

static void *grow(struct cg *g, void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t nc;
	void *q;

	if (need <= *cap)
		return p;
	nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	q = realloc(p, (size_t)nc * elem);
	if (!q)
		jsl_nomem(g->C);
	*cap = nc;
	return q;
}

static void cg_free(struct cg *g)
{
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		free(g->funcs[i]->code);
		free(g->funcs[i]->lines);
		free(g->funcs[i]->locals);
		free(g->funcs[i]->cnames);
		free(g->funcs[i]->upv);
		free(g->funcs[i]->captured.s);
		free(g->funcs[i]->captured.l);
		free(g->funcs[i]);
	}
	free(g->funcs);
	free(g->mainset.s);
	free(g->mainset.l);
	free(g->ghash);
	free(g->globals);
	free(g->k);
	free(g->khash);
	free(g->fnames);
	free(g->fnlens);
}

__attribute__((noreturn, format(printf, 3, 4))) static void
cg_error(struct cg *g, const struct jsl_node *n, const char *fmt, ...);

static void cg_error(struct cg *g, const struct jsl_node *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jsl_error_at(g->C, n ? n->line : g->line, n ? n->col : g->col, "%s", msg);
}

/* ---- emitting ---------------------------------------------------------------- */

static int emit(struct cg *g, uint32_t ins)
{
	struct cg_func *fs = g->fs;

	if (fs->ncode >= JSL_MAX_CODE)
		cg_error(g, NULL, "function too large (more than %u instructions)", JSL_MAX_CODE);
	fs->code = grow(g, fs->code, &fs->capcode, fs->ncode + 1, sizeof(*fs->code));
	if (!fs->nlines || (uint32_t)fs->lines[fs->nlines - 1] != g->line) {
		fs->lines = grow(g, fs->lines, &fs->caplines, fs->nlines + 1, sizeof(*fs->lines));
		fs->lines[fs->nlines++] = (uint64_t)fs->ncode << 32 | g->line;
	}
	fs->code[fs->ncode] = ins;
	return (int)fs->ncode++;
}

static void emit_abc(struct cg *g, unsigned op, int a, int b, int c)
{
	emit(g, JSL_ABC(op, a, b, c));
}

static void emit_abx(struct cg *g, unsigned op, int a, unsigned bx)
{
	emit(g, JSL_ABX(op, a, bx));
}

static void emit_move(struct cg *g, int dst, int src)
{
	if (dst != src)
		emit_abc(g, JSL_OP_MOVE, dst, src, 0);
}

static int here(struct cg *g)
{
	return (int)g->fs->ncode;
}

/* A JMP whose target is not known yet; pending jumps chain through the sJ field (next + 1). */
static int emit_jump(struct cg *g)
{
	return emit(g, JSL_SJ(JSL_OP_JMP, 0));
}

static int jump_next(struct cg *g, int j)
{
	return JSL_I_SJ(g->fs->code[j]) - 1;
}

static void set_jump(struct cg *g, int j, int target)
{
	int off = target - (j + 1);

	if (off > JSL_SJ_MAX || off < -JSL_SJ_MAX)
		cg_error(g, NULL, "jump too long");
	g->fs->code[j] = JSL_SJ(JSL_OP_JMP, (uint32_t)off & 0xffffff);
}

static void concat(struct cg *g, int *list, int j)
{
	int l;

	if (j == NO_JUMP)
		return;
	if (*list == NO_JUMP) {
		*list = j;
		return;
	}
	for (l = *list; jump_next(g, l) != NO_JUMP; l = jump_next(g, l))
		;
	g->fs->code[l] = JSL_SJ(JSL_OP_JMP, (uint32_t)(j + 1));
}

static void patch(struct cg *g, int list, int target)
{
	while (list != NO_JUMP) {
		int nx = jump_next(g, list);

		set_jump(g, list, target);
		list = nx;
	}
}

static void patch_here(struct cg *g, int list)
{
	patch(g, list, here(g));
}

/* ---- registers ---------------------------------------------------------------- */

static int reg_alloc(struct cg *g, int n)
{
	struct cg_func *fs = g->fs;
	int r = fs->freereg;

	fs->freereg += n;
	if (fs->freereg > JSL_MAX_REGS)
		cg_error(g, NULL,
			 "function needs more than %d registers (too many variables or an "
			 "expression nested too deeply)",
			 JSL_MAX_REGS);
	if (fs->freereg > fs->maxreg)
		fs->maxreg = fs->freereg;
	return r;
}

/* A register holding a binding (not a temporary, not the completion value). */
static bool is_var_reg(struct cg *g, int r)
{
	return r < g->fs->vartop && r != g->fs->creg;
}

/* ---- constants ----------------------------------------------------------------- */

static uint32_t hash_bytes(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static bool const_eq(const struct cg_const *a, const struct cg_const *b)
{
	if (a->is_str != b->is_str)
		return false;
	if (a->is_str)
		return a->len == b->len && !memcmp(a->s, b->s, a->len);
	return !memcmp(&a->num, &b->num, sizeof(double));
}

static uint32_t const_hash(const struct cg_const *c)
{
	return c->is_str ? hash_bytes(c->s, c->len, 2166136261u)
			 : hash_bytes(&c->num, sizeof(c->num), 0x9e3779b9u);
}

static int add_const(struct cg *g, const struct cg_const *c)
{
	uint32_t h, i;

	if (g->nk * 2 >= g->khcap) {
		uint32_t ncap = g->khcap ? g->khcap * 2 : 64;
		int32_t *t = malloc(ncap * sizeof(*t));

		if (!t)
			jsl_nomem(g->C);
		memset(t, 0xff, ncap * sizeof(*t));
		for (uint32_t k = 0; k < g->nk; k++) {
			for (i = const_hash(&g->k[k]) & (ncap - 1); t[i] >= 0;
			     i = (i + 1) & (ncap - 1))
				;
			t[i] = (int32_t)k;
		}
		free(g->khash);
		g->khash = t;
		g->khcap = ncap;
	}
	h = const_hash(c);
	for (i = h & (g->khcap - 1); g->khash[i] >= 0; i = (i + 1) & (g->khcap - 1))
		if (const_eq(&g->k[g->khash[i]], c))
			return g->khash[i];
	if (g->nk > JSL_MAX_BX)
		cg_error(g, NULL, "more than %d distinct constants", JSL_MAX_BX + 1);
	g->k = grow(g, g->k, &g->capk, g->nk + 1, sizeof(*g->k));
	g->k[g->nk] = *c;
	g->khash[i] = (int32_t)g->nk;
	return (int)g->nk++;
}

static int const_num(struct cg *g, double d)
{
	struct cg_const c = {.num = d};

	if (d != d)
		c.num = NAN; /* one NaN constant */
	return add_const(g, &c);
}

static int const_str(struct cg *g, const char *s, uint32_t len)
{
	struct cg_const c = {.is_str = true, .s = s, .len = len};

	return add_const(g, &c);
}

static int const_cstr(struct cg *g, const char *s)
{
	size_t n = strlen(s);
	char *p = jsl_alloc(g->C, n + 1);

	memcpy(p, s, n + 1);
	return const_str(g, p, (uint32_t)n);
}

static bool is_small_int(double d, int lo, int hi)
{
	return d >= lo && d <= hi && d == (int)d && !(d == 0 && signbit(d));
}

static void load_num(struct cg *g, int dst, double d)
{
	if (is_small_int(d, -32768, 32767))
		emit_abx(g, JSL_OP_LOADI, dst, (uint16_t)(int16_t)d);
	else
		emit_abx(g, JSL_OP_LOADK, dst, (unsigned)const_num(g, d));
}

/* Emit a throw of a fixed error text (node's wording). */
static void emit_throw(struct cg *g, const char *msg)
{
	emit_abx(g, JSL_OP_THROWK, 0, (unsigned)const_cstr(g, msg));
}

/* ---- names -------------------------------------------------------------------- */

enum var_kind { V_NONE, V_LOCAL, V_GLOBAL, V_UPVAL };

struct var {
	enum var_kind kind;
	int idx; /* register, global slot or upvalue */
	struct cg_local *lo;
	struct cg_global *gl;
	bool is_const; /* V_UPVAL */
};

static bool name_eq(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

static uint32_t name_hash(const char *s, uint32_t len)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static bool nset_has(const struct nset *ns, const char *s, uint32_t len)
{
	if (!ns->cap)
		return false;
	for (uint32_t h = name_hash(s, len) & (ns->cap - 1); ns->s[h]; h = (h + 1) & (ns->cap - 1))
		if (name_eq(ns->s[h], ns->l[h], s, len))
			return true;
	return false;
}

static void nset_add(struct cg *g, struct nset *ns, const char *s, uint32_t len)
{
	uint32_t h;

	if (nset_has(ns, s, len))
		return;
	if ((ns->n + 1) * 2 > ns->cap) {
		struct nset nn = {.cap = ns->cap ? ns->cap * 2 : 64};

		nn.s = calloc(nn.cap, sizeof(*nn.s));
		nn.l = calloc(nn.cap, sizeof(*nn.l));
		if (!nn.s || !nn.l) {
			free(nn.s);
			free(nn.l);
			jsl_nomem(g->C);
		}
		for (uint32_t i = 0; i < ns->cap; i++) {
			if (!ns->s[i])
				continue;
			for (h = name_hash(ns->s[i], ns->l[i]) & (nn.cap - 1); nn.s[h];
			     h = (h + 1) & (nn.cap - 1))
				;
			nn.s[h] = ns->s[i];
			nn.l[h] = ns->l[i];
		}
		nn.n = ns->n;
		free(ns->s);
		free(ns->l);
		*ns = nn;
	}
	for (h = name_hash(s, len) & (ns->cap - 1); ns->s[h]; h = (h + 1) & (ns->cap - 1))
		;
	ns->s[h] = s;
	ns->l[h] = len;
	ns->n++;
}

static struct cg_local *find_local(struct cg_func *fs, const char *s, uint32_t len)
{
	for (uint32_t i = fs->nlocals; i-- > 0;)
		if (name_eq(fs->locals[i].name, fs->locals[i].len, s, len))
			return &fs->locals[i];
	return NULL;
}

static void cg_error(struct cg *g, const struct jsl_node *n, const char *fmt, ...);

/* The upvalue of fs that names s (added when an enclosing function has it), or -1. */
static int upval_index(struct cg *g, struct cg_func *fs, const char *s, uint32_t len,
		       bool *is_const)
{
	struct cg_local *lo;
	uint32_t desc;
	int k;

	for (uint32_t i = 0; i < fs->nup; i++) {
		if (name_eq(fs->upv[i].name, fs->upv[i].len, s, len)) {
			*is_const = fs->upv[i].is_const;
			return (int)i;
		}
	}
	if (!fs->parent)
		return -1;
	lo = find_local(fs->parent, s, len);
	if (lo) {
		if (!lo->cell)
			cg_error(g, NULL, "internal error: captured variable '%.*s' is not a cell",
				 (int)len, s);
		desc = lo->reg;
		*is_const = lo->is_const;
	} else {
		k = upval_index(g, fs->parent, s, len, is_const);
		if (k < 0)
			return -1;
		desc = 1u << 16 | (uint32_t)k;
	}
	if (fs->nup >= 255)
		cg_error(g, NULL, "a function captures more than 255 variables");
	{
		uint32_t cap = fs->capup;

		fs->upv = grow(g, fs->upv, &cap, fs->nup + 1, sizeof(*fs->upv));
		fs->capup = cap;
	}
	fs->upv[fs->nup].name = s;
	fs->upv[fs->nup].len = len;
	fs->upv[fs->nup].desc = desc;
	fs->upv[fs->nup].is_const = *is_const;
	return (int)fs->nup++;
}

static struct var resolve(struct cg *g, const char *s, uint32_t len)
{
	struct cg_func *fs = g->fs;
	struct var v = {V_NONE, -1, NULL, NULL, false};
	struct cg_local *lo = find_local(fs, s, len);
	int k;

	if (lo) {
		v.kind = V_LOCAL;
		v.lo = lo;
		v.idx = lo->reg;
		return v;
	}
	k = upval_index(g, fs, s, len, &v.is_const);
	if (k >= 0) {
		v.kind = V_UPVAL;
		v.idx = k;
		return v;
	}
	if (g->ghcap) {
		for (uint32_t h = name_hash(s, len) & (g->ghcap - 1); g->ghash[h];
		     h = (h + 1) & (g->ghcap - 1)) {
			uint32_t i = g->ghash[h] - 1;

			if (name_eq(g->globals[i].name, g->globals[i].len, s, len)) {
				v.kind = V_GLOBAL;
				v.gl = &g->globals[i];
				v.idx = (int)i;
				return v;
			}
		}
	}
	return v;
}

/* Index global i by its name (resolve finds globals in constant time). */
static void ghash_add(struct cg *g, uint32_t i)
{
	uint32_t h;

	if ((g->nglobals + 1) * 2 > g->ghcap) {
		uint32_t nc = g->ghcap ? g->ghcap * 2 : 64;
		uint32_t *t = calloc(nc, sizeof(*t));

		if (!t)
			jsl_nomem(g->C);
		for (uint32_t k = 0; k < g->ghcap; k++) {
			if (!g->ghash[k])
				continue;
			{
				const struct cg_global *gl = &g->globals[g->ghash[k] - 1];

				for (h = name_hash(gl->name, gl->len) & (nc - 1); t[h]; h = (h + 1) & (nc - 1))
					;
				t[h] = g->ghash[k];
			}
		}
		free(g->ghash);
		g->ghash = t;
		g->ghcap = nc;
	}
	for (h = name_hash(g->globals[i].name, g->globals[i].len) & (g->ghcap - 1); g->ghash[h];
	     h = (h + 1) & (g->ghcap - 1))
		;
	g->ghash[h] = i + 1;
}

static bool is_builtin_ns(const char *s, uint32_t len)
{
	return name_eq(s, len, "console", 7) || name_eq(s, len, "Math", 4) ||
	       name_eq(s, len, "String", 6) || name_eq(s, len, "Number", 6) ||
	       name_eq(s, len, "JSON", 4) || name_eq(s, len, "Object", 6) ||
	       name_eq(s, len, "Array", 5) || name_eq(s, len, "Date", 4) ||
	       name_eq(s, len, "Uint8Array", 10) || name_eq(s, len, "Int32Array", 10) ||
	       name_eq(s, len, "Float64Array", 12);
}

static bool is_reserved_global(const char *s, uint32_t len)
{
	return name_eq(s, len, "undefined", 9) || name_eq(s, len, "NaN", 3) ||
	       name_eq(s, len, "Infinity", 8);
}

/* Declare a binding in the innermost scope (registers) of the current function. */
static struct cg_local *declare_local(struct cg *g, struct jsl_node *at, const char *s,
				      uint32_t len, bool is_const, bool ready)
{
	struct cg_func *fs = g->fs;
	struct cg_local *lo;

	for (uint32_t i = fs->scope_first; i < fs->nlocals; i++)
		if (name_eq(fs->locals[i].name, fs->locals[i].len, s, len))
			cg_error(g, at, "Identifier '%.*s' has already been declared", (int)len, s);
	fs->locals = grow(g, fs->locals, &fs->caplocals, fs->nlocals + 1, sizeof(*fs->locals));
	lo = &fs->locals[fs->nlocals++];
	lo->name = s;
	lo->len = len;
	lo->is_const = is_const;
	lo->ready = ready;
	lo->cell = nset_has(&fs->captured, s, len);
	lo->reg = (uint8_t)reg_alloc(g, 1);
	fs->vartop = fs->freereg;
	return lo;
}

/* Give a captured local its cell (uninitialised: the TDZ) where its scope begins. */
static void emit_newcell(struct cg *g, struct cg_local *lo)
{
	if (lo->cell)
		emit_abc(g, JSL_OP_NEWCELL, lo->reg, 0, 1);
}

static void pattern_names(struct cg *g, struct jsl_node *p, bool is_const);

struct scope_save {
	uint32_t nlocals, scope_first;
	int freereg, vartop;
};

static struct scope_save enter_scope(struct cg *g)
{
	struct cg_func *fs = g->fs;
	struct scope_save s = {fs->nlocals, fs->scope_first, fs->freereg, fs->vartop};

	fs->scope_first = fs->nlocals;
	return s;
}

static void leave_scope(struct cg *g, struct scope_save s)
{
	struct cg_func *fs = g->fs;

	fs->nlocals = s.nlocals;
	fs->scope_first = s.scope_first;
	fs->freereg = s.freereg;
	fs->vartop = s.vartop;
}

/*
 * Allocate the let/const bindings and function declarations of a statement
 * list before its code (TDZ); captured ones get their cells here.
 */
static void predeclare(struct cg *g, struct jsl_node *list)
{
	for (struct jsl_node *n = list; n; n = n->next) {
		if (n->kind == JSL_N_FUNC) {
			emit_newcell(g, declare_local(g, n, n->s, n->len, false, true));
			continue;
		}
		if (n->kind != JSL_N_LET || (n->flag & JSL_NF_VAR))
			continue;
		for (struct jsl_node *d = n->list; d; d = d->next) {
			if (d->b)
				pattern_names(g, d->b, n->flag & JSL_NF_CONST);
			else
				emit_newcell(g, declare_local(g, d, d->s, d->len,
							      n->flag & JSL_NF_CONST, false));
		}
	}
}

/* Declare every name a binding pattern binds (let/const: in the TDZ until bound). */
static void pattern_names(struct cg *g, struct jsl_node *p, bool is_const)
{
	switch (p->kind) {
	case JSL_N_IDENT:
		emit_newcell(g, declare_local(g, p, p->s, p->len, is_const, false));
		break;
	case JSL_N_ASSIGN:
		pattern_names(g, p->a, is_const);
		break;
	case JSL_N_SPREAD:
		pattern_names(g, p->a, is_const);
		break;
	case JSL_N_PARAM:
		pattern_names(g, p->a, is_const);
		break;
	case JSL_N_ARRAY:
		for (struct jsl_node *x = p->list; x; x = x->next)
			if (x->kind != JSL_N_EMPTY)
				pattern_names(g, x, is_const);
		break;
	case JSL_N_OBJECT:
		for (struct jsl_node *x = p->list; x; x = x->next)
			pattern_names(g, x->kind == JSL_N_SPREAD ? x->a : x->b, is_const);
		break;
	default:
		cg_error(g, p, "Invalid destructuring assignment target");
	}
}

/* ---- expressions ---------------------------------------------------------------- */

static void expr_to(struct cg *g, struct jsl_node *e, int dst);
static int expr_any(struct cg *g, struct jsl_node *e);
static unsigned class_of(const char *s, uint32_t len);
static int find_native(const char *obj, uint32_t objlen, const char *name, uint32_t len);
static void prop_key(struct cg *g, struct jsl_node *t, int *k, int *kr);
static void expr_effect(struct cg *g, struct jsl_node *e);
static void cond_jump(struct cg *g, struct jsl_node *e, bool jump_if, int *list);

static void at_node(struct cg *g, const struct jsl_node *n)
{
	g->line = n->line;
	g->col = n->col;
}

/* Does evaluating e assign to a binding (so an operand read before it must be copied)? */
static bool has_assign(const struct jsl_node *e)
{
	if (!e)
		return false;
	if (e->kind == JSL_N_ASSIGN || e->kind == JSL_N_UPDATE)
		return true;
	if (e->kind == JSL_N_FUNC)
		return false;
	if (has_assign(e->a) || has_assign(e->b) || has_assign(e->c))
		return true;
	for (const struct jsl_node *a = e->list; a; a = a->next)
		if (has_assign(a))
			return true;
	return false;
}

/* A constant index usable in a C operand (<= 255), or -1. */
static int small_const_str(struct cg *g, const char *s, uint32_t len)
{
	int k = const_str(g, s, len);

	return k <= 255 ? k : -1;
}

/* The constant naming a binding for TDZ messages (0 when out of reach). */
static int name_const(struct cg *g, const char *s, uint32_t len)
{
	char *copy = jsl_alloc(g->C, len + 1);
	int k;

	memcpy(copy, s, len);
	k = const_str(g, copy, len);
	return k <= 255 ? k : 0;
}

/* Evaluate a then b into registers, keeping a's value even if b reassigns a binding. */
static void operands(struct cg *g, struct jsl_node *a, struct jsl_node *b, int *ra, int *rb)
{
	*ra = expr_any(g, a);
	if (is_var_reg(g, *ra) && has_assign(b)) {
		int t = reg_alloc(g, 1);

		emit_move(g, t, *ra);
		*ra = t;
	}
	*rb = expr_any(g, b);
}

static bool is_ready_local(struct cg *g, const struct jsl_node *e)
{
	struct var v;

	if (e->kind != JSL_N_IDENT)
		return false;
	v = resolve(g, e->s, e->len);
	return v.kind == V_LOCAL && v.lo->ready && !v.lo->cell;
}

static const char *const outside_names[] = {"arguments", "Date",   "Symbol", "Proxy", "Reflect",
					   "Promise",   "eval",   "RegExp", "BigInt"};

static void undefined_name(struct cg *g, struct jsl_node *e)
{
	static const struct {
		const char *name, *why;
	} outside[] = {
	    {"arguments", "'arguments' is not supported in JSLite (use a rest parameter: "
			  "function f(...args))"},
	    {"Date", "of 'Date', JSLite has only Date.now() (a deterministic clock: a Tasklet's "
		     "result may not depend on the host's)"},
	    {"Symbol", "'Symbol' is not supported in JSLite"},
	    {"Proxy", "'Proxy' is not supported in JSLite"},
	    {"Reflect", "'Reflect' is not supported in JSLite"},
	    {"Promise", "'Promise' is not supported in JSLite (no async code)"},
	    {"eval", "'eval' is not supported in JSLite"},
	    {"RegExp", "regular expressions are not supported in JSLite"},
	    {"BigInt", "'BigInt' is not supported in JSLite"},
	};

	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		if (name_eq(e->s, e->len, outside[i].name, (uint32_t)strlen(outside[i].name)))
			cg_error(g, e, "%s", outside[i].why);
	if (is_builtin_ns(e->s, e->len))
		cg_error(g, e, "'%.*s' can only be used to call its functions in JSLite (e.g. %s)",
			 (int)e->len, e->s, e->s[0] == 'c' ? "console.log(...)" : "Math.floor(x)");
	cg_error(g, e, "'%.*s' is not defined", (int)e->len, e->s);
}

/*
 * Reading (or calling) a name declared nowhere: node throws "ReferenceError:
 * x is not defined" when, and only when, the read runs, so JSLite throws there
 * too (what JSLite leaves out, Symbol or a bare Math, stays a compile error;
 * assigning to an undeclared name, which makes a global in a sloppy script,
 * is a compile error in assign_target).
 */
static void undeclared_read(struct cg *g, struct jsl_node *e)
{
	char msg[120];

	for (size_t i = 0; i < sizeof(outside_names) / sizeof(outside_names[0]); i++)
		if (name_eq(e->s, e->len, outside_names[i], (uint32_t)strlen(outside_names[i])))
			undefined_name(g, e);
	if (is_builtin_ns(e->s, e->len))
		undefined_name(g, e);
	snprintf(msg, sizeof(msg), "ReferenceError: %.*s is not defined",
		 (int)(e->len > 80 ? 80 : e->len), e->s);
	at_node(g, e);
	emit_throw(g, msg);
}

static void tdz_throw(struct cg *g, const char *s, uint32_t len)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "ReferenceError: Cannot access '%.*s' before initialization",
		 (int)(len > 60 ? 60 : len), s);
	emit_throw(g, msg);
}

static void load_ident(struct cg *g, struct jsl_node *e, int dst)
{
	struct var v = resolve(g, e->s, e->len);

	switch (v.kind) {
	case V_LOCAL:
		if (v.lo->cell) {
			emit_abc(g, JSL_OP_GETCELL, dst, v.idx, name_const(g, e->s, e->len));
			return;
		}
		if (!v.lo->ready) {
			tdz_throw(g, e->s, e->len);
			emit_abc(g, JSL_OP_LOADU, dst, 0, 0);
			return;
		}
		emit_move(g, dst, v.idx);
		return;
	case V_UPVAL:
		emit_abc(g, JSL_OP_GETUPV, dst, v.idx, name_const(g, e->s, e->len));
		return;
	case V_GLOBAL:
		emit_abx(g, v.gl->is_func ? JSL_OP_GETG : JSL_OP_GETGC, dst, (unsigned)v.idx);
		return;
	case V_NONE:
		break;
	}
	if (name_eq(e->s, e->len, "undefined", 9))
		emit_abc(g, JSL_OP_LOADU, dst, 0, 0);
	else if (find_native(NULL, 0, e->s, e->len) >= 0)
		emit_abx(g, JSL_OP_LOADNAT, dst, (unsigned)find_native(NULL, 0, e->s, e->len));
	else if (name_eq(e->s, e->len, "input", 5))
		emit_abc(g, JSL_OP_INPUT, dst, 0, 0);
	else if (name_eq(e->s, e->len, "NaN", 3))
		load_num(g, dst, NAN);
	else if (name_eq(e->s, e->len, "Infinity", 8))
		load_num(g, dst, INFINITY);
	else
		undeclared_read(g, e);
}

static unsigned arith_op(unsigned tok)
{
	switch (tok) {
	case JSL_T_PLUS:
	case JSL_T_ADD_ASSIGN:
		return JSL_OP_ADD;
	case JSL_T_MINUS:
	case JSL_T_SUB_ASSIGN:
		return JSL_OP_SUB;
	case JSL_T_STAR:
	case JSL_T_MUL_ASSIGN:
		return JSL_OP_MUL;
	case JSL_T_SLASH:
	case JSL_T_DIV_ASSIGN:
		return JSL_OP_DIV;
	case JSL_T_PERCENT:
	case JSL_T_MOD_ASSIGN:
		return JSL_OP_MOD;
	case JSL_T_POW:
	case JSL_T_POW_ASSIGN:
		return JSL_OP_POW;
	case JSL_T_AMP:
	case JSL_T_AND_ASSIGN:
		return JSL_OP_BAND;
	case JSL_T_PIPE:
	case JSL_T_OR_ASSIGN:
		return JSL_OP_BOR;
	case JSL_T_CARET:
	case JSL_T_XOR_ASSIGN:
		return JSL_OP_BXOR;
	case JSL_T_SHL:
	case JSL_T_SHL_ASSIGN:
		return JSL_OP_SHL;
	case JSL_T_SHR:
	case JSL_T_SHR_ASSIGN:
		return JSL_OP_SHR;
	case JSL_T_USHR:
	case JSL_T_USHR_ASSIGN:
		return JSL_OP_USHR;
	default:
		return 0;
	}
}

_Static_assert(JSL_OP_MODK - JSL_OP_ADDK == JSL_OP_MOD - JSL_OP_ADD &&
		   JSL_OP_SUB - JSL_OP_ADD == 1 && JSL_OP_SUBK - JSL_OP_ADDK == 1,
	       "ADD..MOD and ADDK..MODK are in the same order");

/* R[dst] := R[rb] op e2, using ADDI/SUBI for small integers and xxxK for other literals. */
static void arith(struct cg *g, unsigned op, int dst, int rb, struct jsl_node *e2)
{
	int rc;

	if ((op == JSL_OP_ADD || op == JSL_OP_SUB) && e2->kind == JSL_N_NUM &&
	    is_small_int(e2->num, -128, 127)) {
		emit_abc(g, op == JSL_OP_ADD ? JSL_OP_ADDI : JSL_OP_SUBI, dst, rb, (int)e2->num);
		return;
	}
	if (e2->kind == JSL_N_NUM && op >= JSL_OP_ADD && op <= JSL_OP_MOD) {
		int k = const_num(g, e2->num);

		if (k <= 255) {
			emit_abc(g, JSL_OP_ADDK + (op - JSL_OP_ADD), dst, rb, k);
			return;
		}
	}
	rc = expr_any(g, e2);
	emit_abc(g, op, dst, rb, rc);
}

static bool fold(unsigned op, double a, double b, double *r)
{
	switch (op) {
	case JSL_T_PLUS:
		*r = a + b;
		return true;
	case JSL_T_MINUS:
		*r = a - b;
		return true;
	case JSL_T_STAR:
		*r = a * b;
		return true;
	case JSL_T_SLASH:
		*r = a / b;
		return true;
	default:
		return false;
	}
}

static void binary(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg, ra, rb;
	unsigned op;
	double folded;

	if (e->a->kind == JSL_N_NUM && e->b->kind == JSL_N_NUM &&
	    fold(e->op, e->a->num, e->b->num, &folded)) {
		load_num(g, dst, folded);
		return;
	}
	if (e->op == JSL_T_INSTANCEOF &&
	    (e->b->kind == JSL_N_NUM || e->b->kind == JSL_N_STR || e->b->kind == JSL_N_TRUE ||
	     e->b->kind == JSL_N_FALSE || e->b->kind == JSL_N_NULL || e->b->kind == JSL_N_OBJECT ||
	     e->b->kind == JSL_N_ARRAY || e->b->kind == JSL_N_TEMPLATE ||
	     (e->b->kind == JSL_N_IDENT && is_reserved_global(e->b->s, e->b->len) &&
	      resolve(g, e->b->s, e->b->len).kind == V_NONE))) {
		/* a value that is never callable: node's TypeError, once both sides ran */
		bool obj = e->b->kind == JSL_N_OBJECT || e->b->kind == JSL_N_ARRAY;

		operands(g, e->a, e->b, &ra, &rb);
		at_node(g, e);
		emit_throw(g, obj ? "TypeError: Right-hand side of 'instanceof' is not callable"
				  : "TypeError: Right-hand side of 'instanceof' is not an object");
		g->fs->freereg = save;
		return;
	}
	if (e->op == JSL_T_INSTANCEOF) {
		unsigned cls = e->b->kind == JSL_N_IDENT ? class_of(e->b->s, e->b->len) : 0;

		if (!cls || resolve(g, e->b->s, e->b->len).kind != V_NONE)
			cg_error(g, e->b,
				 "instanceof is only supported with built-in classes in JSLite (Array, "
				 "Object, Map, Set, Error, TypeError, ...)");
		ra = expr_any(g, e->a);
		at_node(g, e);
		emit_abc(g, JSL_OP_INSTOF, dst, ra, (int)cls);
		g->fs->freereg = save;
		return;
	}
	if (e->op == JSL_T_IN) {
		operands(g, e->a, e->b, &ra, &rb);
		at_node(g, e);
		emit_abc(g, JSL_OP_IN, dst, ra, rb);
		g->fs->freereg = save;
		return;
	}
	switch (e->op) {
	case JSL_T_SEQ:
		op = JSL_OP_SEQ;
		break;
	case JSL_T_SNE:
		op = JSL_OP_SNE;
		break;
	case JSL_T_EQ:
		op = JSL_OP_EQ;
		break;
	case JSL_T_NE:
		op = JSL_OP_NE;
		break;
	case JSL_T_LT:
		op = JSL_OP_LT;
		break;
	case JSL_T_LE:
		op = JSL_OP_LE;
		break;
	case JSL_T_GT:
		op = JSL_OP_LT;
		break;
	case JSL_T_GE:
		op = JSL_OP_LE;
		break;
	default:
		op = arith_op(e->op);
		if (!is_var_reg(g, dst) && !is_ready_local(g, e->a)) {
			/* a temporary dst can hold the left operand: long chains reuse one register
			 */
			expr_to(g, e->a, dst);
			ra = dst;
		} else {
			ra = expr_any(g, e->a);
		}
		if (is_var_reg(g, ra) && has_assign(e->b)) {
			int t = reg_alloc(g, 1);

			emit_move(g, t, ra);
			ra = t;
		}
		at_node(g, e);
		arith(g, op, dst, ra, e->b);
		g->fs->freereg = save;
		return;
	}
	operands(g, e->a, e->b, &ra, &rb);
	at_node(g, e);
	if (e->op == JSL_T_GT || e->op == JSL_T_GE)
		emit_abc(g, op, dst, rb, ra);
	else
		emit_abc(g, op, dst, ra, rb);
	g->fs->freereg = save;
}

static void unary(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg, r;
	unsigned op;

	if (e->op == JSL_T_MINUS && e->a->kind == JSL_N_NUM) {
		load_num(g, dst, -e->a->num);
		return;
	}
	if (e->op == JSL_T_DELETE) {
		struct jsl_node *t = e->a;

		if (t->kind == JSL_N_IDENT)
			cg_error(g, e, "Delete of an unqualified identifier in strict mode.");
		if (t->kind == JSL_N_MEMBER || t->kind == JSL_N_INDEX) {
			int o = expr_any(g, t->a), k, kr;

			prop_key(g, t, &k, &kr);
			if (kr < 0) {
				kr = reg_alloc(g, 1);
				emit_abx(g, JSL_OP_LOADK, kr, (unsigned)const_str(g, t->s, t->len));
			}
			at_node(g, e);
			emit_abc(g, JSL_OP_DELIDX, dst, o, kr);
		} else {
			expr_effect(g, t);
			emit_abc(g, JSL_OP_LOADB, dst, 1, 0);
		}
		g->fs->freereg = save;
		return;
	}
	if (e->op == JSL_T_TYPEOF && e->a->kind == JSL_N_IDENT &&
	    resolve(g, e->a->s, e->a->len).kind == V_NONE &&
	    !is_reserved_global(e->a->s, e->a->len)) {
		/* typeof of an undeclared name is not an error in JavaScript. */
		emit_abx(g, JSL_OP_LOADK, dst,
			 (unsigned)const_cstr(g, find_native(NULL, 0, e->a->s, e->a->len) >= 0 ? "function"
						 : is_builtin_ns(e->a->s, e->a->len)		? "object"
												: "undefined"));
		return;
	}
	switch (e->op) {
	case JSL_T_MINUS:
		op = JSL_OP_NEG;
		break;
	case JSL_T_PLUS:
		op = JSL_OP_TONUM;
		break;
	case JSL_T_NOT:
		op = JSL_OP_NOT;
		break;
	case JSL_T_TILDE:
		op = JSL_OP_BNOT;
		break;
	default:
		op = JSL_OP_TYPEOF;
		break;
	}
	r = expr_any(g, e->a);
	at_node(g, e);
	emit_abc(g, op, dst, r, 0);
	g->fs->freereg = save;
}

static void logical(struct cg *g, struct jsl_node *e, int dst)
{
	int j;

	expr_to(g, e->a, dst);
	at_node(g, e);
	if (e->op == JSL_T_NULLISH) {
		emit_abc(g, JSL_OP_JNULLISH, dst, 0, 0);
		j = emit_jump(g);
		expr_to(g, e->b, dst);
		patch_here(g, j);
		return;
	}
	emit_abc(g, JSL_OP_TEST, dst, 0, e->op == JSL_T_OR ? 1 : 0);
	j = emit_jump(g);
	expr_to(g, e->b, dst);
	patch_here(g, j);
}

static void conditional(struct cg *g, struct jsl_node *e, int dst)
{
	int jf = NO_JUMP, jend;

	cond_jump(g, e->a, false, &jf);
	expr_to(g, e->b, dst);
	jend = emit_jump(g);
	patch_here(g, jf);
	expr_to(g, e->c, dst);
	patch_here(g, jend);
}

/* The binding that an assignment or ++/-- targets: a compile error when there is none. */
static struct var assign_target(struct cg *g, struct jsl_node *t)
{
	struct var v = resolve(g, t->s, t->len);

	if (v.kind == V_NONE) {
		if (is_reserved_global(t->s, t->len))
			cg_error(g, t, "cannot assign to '%.*s'", (int)t->len, t->s);
		undefined_name(g, t);
	}
	return v;
}

static void const_assign_throw(struct cg *g)
{
	emit_throw(g, "TypeError: Assignment to constant variable.");
}

/* A store to local t that is not ready (TDZ) or const throws; dst (if >= 0) gets undefined. */
static void bad_local_store(struct cg *g, const struct jsl_node *t, struct var v, int dst)
{
	if (!v.lo->ready)
		tdz_throw(g, t->s, t->len);
	else
		const_assign_throw(g);
	if (dst >= 0)
		emit_abc(g, JSL_OP_LOADU, dst, 0, 0);
}

/* G[v] := R[r], or a throw when global v is const. */
static void store_global(struct cg *g, struct var v, int r)
{
	if (v.gl->is_const)
		const_assign_throw(g);
	else
		emit_abx(g, JSL_OP_SETG, r, (unsigned)v.idx);
}

/* binding := R[r] for an assignment to identifier t (const and TDZ throw). */
static void store_ident(struct cg *g, struct jsl_node *t, int r)
{
	struct var v = assign_target(g, t);

	switch (v.kind) {
	case V_LOCAL:
		if (v.lo->is_const || (!v.lo->ready && !v.lo->cell)) {
			if (v.lo->cell && v.lo->is_const) {
				int t2 = reg_alloc(g, 1);

				/* the TDZ check first, as JavaScript does */
				emit_abc(g, JSL_OP_GETCELL, t2, v.idx, name_const(g, t->s, t->len));
				g->fs->freereg--;
				const_assign_throw(g);
				return;
			}
			bad_local_store(g, t, v, -1);
			return;
		}
		if (v.lo->cell)
			emit_abc(g, v.lo->ready ? JSL_OP_SETCELL : JSL_OP_SETCELLC, v.idx, r,
				 v.lo->ready ? 0 : name_const(g, t->s, t->len));
		else
			emit_move(g, v.idx, r);
		return;
	case V_UPVAL:
		if (v.is_const) {
			int t2 = reg_alloc(g, 1);

			emit_abc(g, JSL_OP_GETUPV, t2, v.idx, name_const(g, t->s, t->len));
			g->fs->freereg--;
			const_assign_throw(g);
			return;
		}
		emit_abc(g, JSL_OP_SETUPV, r, v.idx, name_const(g, t->s, t->len));
		return;
	case V_GLOBAL:
		store_global(g, v, r);
		return;
	default:
		return;
	}
}

/* A declaration's binding t := R[r] (let/const/var initialisation; marks it ready). */
static void init_ident(struct cg *g, struct jsl_node *t, int r)
{
	struct var v = resolve(g, t->s, t->len);

	if (v.kind == V_LOCAL) {
		if (v.lo->cell)
			emit_abc(g, JSL_OP_SETCELL, v.idx, r, 0);
		else
			emit_move(g, v.idx, r);
		v.lo->ready = true;
	} else if (v.kind == V_GLOBAL) {
		emit_abx(g, JSL_OP_DEFG, r, (unsigned)v.idx);
	} else {
		cg_error(g, t, "internal error: declaration of '%.*s' not found", (int)t->len, t->s);
	}
}

/* The key operand of a property access: *k a constant (C operand) or -1 and *kr a register. */
static void prop_key(struct cg *g, struct jsl_node *t, int *k, int *kr)
{
	*k = -1;
	*kr = -1;
	if (t->kind == JSL_N_MEMBER) {
		*k = small_const_str(g, t->s, t->len);
		if (*k < 0) {
			*kr = reg_alloc(g, 1);
			emit_abx(g, JSL_OP_LOADK, *kr, (unsigned)const_str(g, t->s, t->len));
		}
		return;
	}
	*kr = expr_any(g, t->b);
}

static void get_prop(struct cg *g, int dst, int o, int k, int kr)
{
	if (k >= 0)
		emit_abc(g, JSL_OP_GETF, dst, o, k);
	else
		emit_abc(g, JSL_OP_GETIDX, dst, o, kr);
}

static void set_prop(struct cg *g, int o, int k, int kr, int v)
{
	if (k >= 0)
		emit_abc(g, JSL_OP_SETF, o, k, v);
	else
		emit_abc(g, JSL_OP_SETIDX, o, kr, v);
}

/* obj.key := R[r] for a MEMBER or INDEX target. */
static void store_prop(struct cg *g, struct jsl_node *t, int r)
{
	int save = g->fs->freereg, o, k, kr;

	o = expr_any(g, t->a);
	prop_key(g, t, &k, &kr);
	at_node(g, t);
	set_prop(g, o, k, kr, r);
	g->fs->freereg = save;
}

enum { BIND_ASSIGN, BIND_DECL };

/* Bind the value in R[src] (a temporary this may overwrite) to target t. */
static void record_iter_text(struct cg *g, int pc, const struct jsl_node *e, bool call_arg);

static void bind_target(struct cg *g, struct jsl_node *t, int src, int mode)
{
	int save = g->fs->freereg;
	const struct jsl_node *init = g->iter_src; /* for the outermost pattern only */

	g->iter_src = NULL;
	at_node(g, t);
	switch (t->kind) {
	case JSL_N_DECL:
	case JSL_N_IDENT:
		if (mode == BIND_ASSIGN)
			store_ident(g, t, src);
		else
			init_ident(g, t, src);
		break;
	case JSL_N_MEMBER:
	case JSL_N_INDEX:
		store_prop(g, t, src);
		break;
	case JSL_N_ASSIGN: {
		int u = reg_alloc(g, 1), j;

		emit_abc(g, JSL_OP_LOADU, u, 0, 0);
		emit_abc(g, JSL_OP_JSEQ, src, u, 0);
		j = emit_jump(g);
		if (t->b->kind == JSL_N_FUNC && !t->b->s && t->a->kind == JSL_N_IDENT) {
			t->b->s = t->a->s;
			t->b->len = t->a->len;
		}
		expr_to(g, t->b, src);
		patch_here(g, j);
		g->fs->freereg = save;
		bind_target(g, t->a, src, mode);
		break;
	}
	case JSL_N_ARRAY: {
		int it = reg_alloc(g, 1), i = 0, pc = emit(g, JSL_ABC(JSL_OP_ITER, it, src, 0));

		/* V8 names a declaration's initializer when it is a name or a literal */
		if (init && init->kind != JSL_N_MEMBER && init->kind != JSL_N_INDEX &&
		    init->kind != JSL_N_CALL)
			record_iter_text(g, pc, init, false);
		for (struct jsl_node *x = t->list; x; x = x->next, i++) {
			int r = reg_alloc(g, 1);

			if (x->kind == JSL_N_EMPTY) {
				g->fs->freereg = it + 1;
				continue;
			}
			if (x->kind == JSL_N_SPREAD) {
				int b = reg_alloc(g, 2);

				emit_move(g, b, it);
				load_num(g, b + 1, i);
				emit_abc(g, JSL_OP_INVOKE, b, 1, JSL_M_SLICE);
				emit_move(g, r, b);
				g->fs->freereg = r + 1;
				bind_target(g, x->a, r, mode);
			} else {
				int kk = const_num(g, i);

				if (kk <= 255) {
					emit_abc(g, JSL_OP_GETF, r, it, kk);
				} else {
					int kr2 = reg_alloc(g, 1);

					load_num(g, kr2, i);
					emit_abc(g, JSL_OP_GETIDX, r, it, kr2);
				}
				bind_target(g, x, r, mode);
			}
			g->fs->freereg = it + 1;
		}
		break;
	}
	case JSL_N_OBJECT: {
		int keys[64], nk = 0, jok, jundef, nul = reg_alloc(g, 1);
		char msg[160];
		const struct jsl_node *first = t->list;

		/* V8's message for destructuring null or undefined */
		emit_abc(g, JSL_OP_JNULLISH, src, 0, 0);
		jok = emit_jump(g);
		emit_abc(g, JSL_OP_LOADNULL, nul, 0, 0);
		emit_abc(g, JSL_OP_JSEQ, src, nul, 0);
		jundef = emit_jump(g);
		for (int pass = 0; pass < 2; pass++) {
			const char *what = pass ? "undefined" : "null";

			if (pass)
				patch_here(g, jundef);
			if (first && first->kind == JSL_N_PROP && !(first->flag & JSL_NF_COMPUTED) &&
			    first->a->kind == JSL_N_STR)
				snprintf(msg, sizeof(msg),
					 "TypeError: Cannot destructure property '%.*s' of '%s' as it "
					 "is %s.",
					 (int)(first->a->len > 60 ? 60 : first->a->len), first->a->s, what,
					 what);
			else
				snprintf(msg, sizeof(msg),
					 "TypeError: Cannot destructure '%s' as it is %s.", what, what);
			emit_throw(g, msg);
		}
		patch_here(g, jok);
		g->fs->freereg = nul;
		for (struct jsl_node *x = t->list; x; x = x->next) {
			int r = reg_alloc(g, 1);

			if (x->kind == JSL_N_SPREAD) {
				emit_abc(g, JSL_OP_NEWOBJ, r, 0, 0);
				emit_abc(g, JSL_OP_OSPREAD, r, src, 0);
				for (int q = 0; q < nk; q++) {
					int d = reg_alloc(g, 1);

					emit_abc(g, JSL_OP_DELIDX, d, r, keys[q]);
				}
				g->fs->freereg = r + 1;
				bind_target(g, x->a, r, mode);
			} else {
				int kr2 = reg_alloc(g, 1);

				if (x->flag & JSL_NF_COMPUTED) {
					expr_to(g, x->a, kr2);
				} else if (x->a->kind == JSL_N_NUM) {
					char nb[JSL_NUMBUF];
					int n = jsl_num_format(x->a->num, nb);
					char *c = jsl_alloc(g->C, (size_t)n + 1);

					memcpy(c, nb, (size_t)n);
					emit_abx(g, JSL_OP_LOADK, kr2,
						 (unsigned)const_str(g, c, (uint32_t)n));
				} else {
					emit_abx(g, JSL_OP_LOADK, kr2,
						 (unsigned)const_str(g, x->a->s, x->a->len));
				}
				if (nk < 64)
					keys[nk++] = kr2;
				else
					cg_error(g, x, "more than 64 properties in one pattern");
				emit_abc(g, JSL_OP_GETIDX, r, src, kr2);
				bind_target(g, x->b, r, mode);
				g->fs->freereg = kr2 + 1;
			}
		}
		break;
	}
	default:
		cg_error(g, t, "Invalid destructuring assignment target");
	}
	g->fs->freereg = save;
}

/* x ??= e, x ||= e, x &&= e: e is evaluated and stored only when the test lets it. */
static void logical_assign(struct cg *g, struct jsl_node *e, int dst)
{
	struct jsl_node *t = e->a;
	int save = g->fs->freereg, o = -1, k = -1, kr = -1, r, j;

	if (t->kind == JSL_N_MEMBER || t->kind == JSL_N_INDEX) {
		o = expr_any(g, t->a);
		prop_key(g, t, &k, &kr);
		r = reg_alloc(g, 1);
		at_node(g, t);
		get_prop(g, r, o, k, kr);
	} else {
		assign_target(g, t);
		r = reg_alloc(g, 1);
		load_ident(g, t, r);
	}
	at_node(g, e);
	if (e->op == JSL_T_NULLISH_ASSIGN)
		emit_abc(g, JSL_OP_JNULLISH, r, 0, 0);
	else
		emit_abc(g, JSL_OP_TEST, r, 0, e->op == JSL_T_LOR_ASSIGN);
	j = emit_jump(g);
	if (e->b->kind == JSL_N_FUNC && !e->b->s && t->kind != JSL_N_INDEX) {
		e->b->s = t->s;
		e->b->len = t->len;
	}
	expr_to(g, e->b, r);
	at_node(g, e);
	if (o >= 0)
		set_prop(g, o, k, kr, r);
	else
		store_ident(g, t, r);
	patch_here(g, j);
	if (dst >= 0)
		emit_move(g, dst, r);
	g->fs->freereg = save;
}

/* x = e, x op= e; dst < 0 when the value is not needed. */
static void assign(struct cg *g, struct jsl_node *e, int dst)
{
	struct jsl_node *t = e->a;
	struct var v;

	if (e->op == JSL_T_NULLISH_ASSIGN || e->op == JSL_T_LOR_ASSIGN ||
	    e->op == JSL_T_LAND_ASSIGN) {
		logical_assign(g, e, dst);
		return;
	}

	if (t->kind == JSL_N_ARRAY || t->kind == JSL_N_OBJECT) {
		int save = g->fs->freereg, r = reg_alloc(g, 1);

		expr_to(g, e->b, r);
		if (dst >= 0)
			emit_move(g, dst, r);
		bind_target(g, t, r, BIND_ASSIGN);
		g->fs->freereg = save;
		return;
	}
	if (t->kind == JSL_N_MEMBER || t->kind == JSL_N_INDEX) {
		int save = g->fs->freereg, o, k, kr, r;
		unsigned aop = arith_op(e->op);

		o = expr_any(g, t->a);
		if (is_var_reg(g, o) && has_assign(e->b)) {
			int c = reg_alloc(g, 1);

			emit_move(g, c, o);
			o = c;
		}
		prop_key(g, t, &k, &kr);
		if (kr >= 0 && is_var_reg(g, kr) && has_assign(e->b)) {
			int c = reg_alloc(g, 1);

			emit_move(g, c, kr);
			kr = c;
		}
		if (aop) {
			r = reg_alloc(g, 1);
			at_node(g, t);
			get_prop(g, r, o, k, kr);
			at_node(g, e);
			arith(g, aop, r, r, e->b);
		} else {
			if (e->b->kind == JSL_N_FUNC && !e->b->s && t->kind == JSL_N_MEMBER) {
				e->b->s = t->s;
				e->b->len = t->len;
			}
			/* a local's own register when the value is one (a[i] = t: no copy);
			 * read after the object and the key, as JavaScript orders it */
			r = expr_any(g, e->b);
		}
		at_node(g, e);
		set_prop(g, o, k, kr, r);
		if (dst >= 0)
			emit_move(g, dst, r);
		g->fs->freereg = save;
		return;
	}
	if (e->b->kind == JSL_N_FUNC && !e->b->s) {
		e->b->s = t->s;
		e->b->len = t->len;
	}
	v = assign_target(g, t);
	if (v.kind == V_UPVAL || (v.kind == V_LOCAL && v.lo->cell)) {
		int save = g->fs->freereg, r = reg_alloc(g, 1);
		unsigned aop = arith_op(e->op);

		if (aop) {
			load_ident(g, t, r);
			at_node(g, e);
			arith(g, aop, r, r, e->b);
		} else {
			expr_to(g, e->b, r);
		}
		at_node(g, e);
		store_ident(g, t, r);
		if (dst >= 0)
			emit_move(g, dst, r);
		g->fs->freereg = save;
		return;
	}
	int save = g->fs->freereg, r;
	unsigned op = arith_op(e->op);

	if (v.kind == V_LOCAL && (!v.lo->ready || v.lo->is_const)) {
		if (!v.lo->ready && op)
			tdz_throw(g, t->s, t->len);
		expr_effect(g, e->b);
		at_node(g, e);
		bad_local_store(g, t, v, dst);
		return;
	}
	if (v.kind == V_LOCAL) {
		if (!op) {
			expr_to(g, e->b, v.idx);
		} else {
			int rb = v.idx;

			if (has_assign(e->b)) {
				rb = reg_alloc(g, 1);
				emit_move(g, rb, v.idx);
			}
			at_node(g, e);
			arith(g, op, v.idx, rb, e->b);
		}
		g->fs->freereg = save;
		if (dst >= 0)
			emit_move(g, dst, v.idx);
		return;
	}
	/* global */
	r = dst >= 0 && !is_var_reg(g, dst) ? dst : reg_alloc(g, 1);
	if (!op) {
		expr_to(g, e->b, r);
	} else {
		emit_abx(g, JSL_OP_GETGC, r, (unsigned)v.idx);
		arith(g, op, r, r, e->b);
	}
	at_node(g, e);
	store_global(g, v, r);
	if (dst >= 0)
		emit_move(g, dst, r);
	g->fs->freereg = save;
}

/* ++x, x++, --x, x--: x := ToNumber(x) -/+ 1 via SUBI (always numeric). */
static void update(struct cg *g, struct jsl_node *e, int dst)
{
	struct jsl_node *t = e->a;
	struct var v;
	int delta = e->op == JSL_T_INC ? -1 : 1, save = g->fs->freereg, r;
	bool post = !(e->flag & JSL_NF_PREFIX) && dst >= 0;

	at_node(g, e);
	if (t->kind == JSL_N_MEMBER || t->kind == JSL_N_INDEX) {
		int o = expr_any(g, t->a), k, kr;

		prop_key(g, t, &k, &kr);
		r = reg_alloc(g, 1);
		at_node(g, e);
		get_prop(g, r, o, k, kr);
		if (post) {
			emit_abc(g, JSL_OP_TONUM, dst, r, 0);
			emit_abc(g, JSL_OP_SUBI, r, dst, delta);
		} else {
			emit_abc(g, JSL_OP_SUBI, r, r, delta);
		}
		set_prop(g, o, k, kr, r);
		if (dst >= 0 && !post)
			emit_move(g, dst, r);
		g->fs->freereg = save;
		return;
	}
	v = assign_target(g, t);
	if (v.kind == V_UPVAL || (v.kind == V_LOCAL && v.lo->cell)) {
		r = reg_alloc(g, 1);
		load_ident(g, t, r);
		if (post) {
			emit_abc(g, JSL_OP_TONUM, dst, r, 0);
			emit_abc(g, JSL_OP_SUBI, r, dst, delta);
		} else {
			emit_abc(g, JSL_OP_SUBI, r, r, delta);
		}
		store_ident(g, t, r);
		if (dst >= 0 && !post)
			emit_move(g, dst, r);
		g->fs->freereg = save;
		return;
	}
	if (v.kind == V_LOCAL) {
		if (!v.lo->ready || v.lo->is_const) {
			bad_local_store(g, t, v, dst);
			return;
		}
		if (post) {
			emit_abc(g, JSL_OP_TONUM, dst, v.idx, 0);
			emit_abc(g, JSL_OP_SUBI, v.idx, dst, delta);
		} else {
			emit_abc(g, JSL_OP_SUBI, v.idx, v.idx, delta);
			if (dst >= 0)
				emit_move(g, dst, v.idx);
		}
		return;
	}
	r = reg_alloc(g, 1);
	emit_abx(g, v.gl->is_func ? JSL_OP_GETG : JSL_OP_GETGC, r, (unsigned)v.idx);
	if (post) {
		emit_abc(g, JSL_OP_TONUM, dst, r, 0);
		emit_abc(g, JSL_OP_SUBI, r, dst, delta);
	} else {
		emit_abc(g, JSL_OP_SUBI, r, r, delta);
	}
	store_global(g, v, r);
	if (dst >= 0 && !post)
		emit_move(g, dst, r);
	g->fs->freereg = save;
}

static int find_native(const char *obj, uint32_t objlen, const char *name, uint32_t len)
{
	for (int i = 0; i < JSL_NAT_COUNT; i++) {
		const struct jsl_native_info *n = &jsl_natives[i];

		if (!name_eq(n->name, (uint32_t)strlen(n->name), name, len))
			continue;
		if (!obj && !n->obj)
			return i;
		if (obj && n->obj && name_eq(n->obj, (uint32_t)strlen(n->obj), obj, objlen)) {
			/* the same function objects in node: Number.parseInt === parseInt */
			if (i == JSL_NAT_NPARSEINT)
				return JSL_NAT_PARSEINT;
			if (i == JSL_NAT_NPARSEFLOAT)
				return JSL_NAT_PARSEFLOAT;
			return i;
		}
	}
	return -1;
}

static int find_method(const char *name, uint32_t len)
{
	for (int i = 0; i < JSL_M_COUNT; i++)
		if (name_eq(jsl_method_names[i], (uint32_t)strlen(jsl_method_names[i]), name, len))
			return i;
	return -1;
}

/* Record the source name of the callee of the CALL/INVOKE at pc (for error messages). */
static void add_cname(struct cg *g, int pc, const char *name, uint32_t len)
{
	struct cg_func *fs = g->fs;
	char *copy = jsl_alloc(g->C, len + 1); /* name may be on the caller's stack */
	int k;

	memcpy(copy, name, len);
	k = const_str(g, copy, len);
	fs->cnames = grow(g, fs->cnames, &fs->capcnames, fs->ncnames + 1, sizeof(*fs->cnames));
	fs->cnames[fs->ncnames++] = (uint64_t)pc << 32 | (uint32_t)k;
}

/* The jump past an optional chain when R[r] is null or undefined (a ?. link). */
static void opt_check(struct cg *g, const struct jsl_node *e, int r)
{
	if (!(e->flag & JSL_NF_OPT))
		return;
	emit_abc(g, JSL_OP_JNULLISH, r, 0, 1);
	concat(g, &g->optj, emit_jump(g));
}

/*
 * Compile the arguments of e into base+1.. and return their count; with a
 * spread among them, into one array at base+1, returning -1.
 */
static int call_args(struct cg *g, struct jsl_node *e, int base)
{
	int n = 0;

	if (e->flag & JSL_NF_COMPUTED) {
		int arr = reg_alloc(g, 1);

		if (arr != base + 1)
			cg_error(g, e, "internal error: argument registers out of order");
		emit_abc(g, JSL_OP_NEWARR, arr, 0, 0);
		for (struct jsl_node *a = e->list; a; a = a->next) {
			int t = reg_alloc(g, 1);

			if (a->kind == JSL_N_SPREAD) {
				expr_to(g, a->a, t);
				at_node(g, a);
				record_iter_text(g, emit(g, JSL_ABC(JSL_OP_SPREAD, arr, t, 0)), a->a,
						 true);
			} else {
				expr_to(g, a, t);
				emit_abc(g, JSL_OP_APPEND, arr, t, 0);
			}
			g->fs->freereg = arr + 1;
		}
		return -1;
	}
	for (struct jsl_node *a = e->list; a; a = a->next, n++) {
		int r = reg_alloc(g, 1);

		if (r != base + 1 + n)
			cg_error(g, a, "internal error: argument registers out of order");
		expr_to(g, a, r);
	}
	return n;
}

static bool needs_new(const char *s, uint32_t len)
{
	return name_eq(s, len, "Map", 3) || name_eq(s, len, "Set", 3) ||
	       name_eq(s, len, "Uint8Array", 10) || name_eq(s, len, "Int32Array", 10) ||
	       name_eq(s, len, "Float64Array", 12);
}

/* An array index ("0", "12"): V8 prints o["0"] as a computed member, not o.0. */
static bool is_index_name(const char *s, uint32_t len)
{
	if (!len || len > 10 || (len > 1 && s[0] == '0'))
		return !len;
	for (uint32_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return strtoull(s, NULL, 10) < 4294967295ull;
}

/* The source text of a callee V8 names in "x is not a function" (a.b, a[0], a[i].c), or false. */
static bool callee_text(const struct jsl_node *e, char *buf, size_t cap, size_t *len)
{
	int n;

	switch (e->kind) {
	case JSL_N_IDENT:
		n = snprintf(buf + *len, cap - *len, "%.*s", (int)(e->len > 60 ? 60 : e->len), e->s);
		break;
	case JSL_N_MEMBER:
		if (!callee_text(e->a, buf, cap, len))
			return false;
		n = snprintf(buf + *len, cap - *len, "%s%.*s", e->flag & JSL_NF_OPT ? "?." : ".",
			     (int)(e->len > 60 ? 60 : e->len), e->s);
		break;
	case JSL_N_INDEX:
		if (!callee_text(e->a, buf, cap, len))
			return false;
		if (e->b->kind == JSL_N_NUM && e->b->num == (double)(int64_t)e->b->num)
			n = snprintf(buf + *len, cap - *len, "[%lld]", (long long)e->b->num);
		else if (e->b->kind == JSL_N_IDENT)
			n = snprintf(buf + *len, cap - *len, "[%.*s]",
				     (int)(e->b->len > 60 ? 60 : e->b->len), e->b->s);
		else if (e->b->kind == JSL_N_STR && !is_index_name(e->b->s, e->b->len))
			/* V8 prints a property name key as a dotted member: o["a"] is o.a */
			n = snprintf(buf + *len, cap - *len, ".%.*s",
				     (int)(e->b->len > 60 ? 60 : e->b->len), e->b->s);
		else
			return false;
		break;
	default:
		return false;
	}
	if (n < 0 || (size_t)n >= cap - *len)
		return false;
	*len += (size_t)n;
	return true;
}

/*
 * The text V8 names in "X is not iterable" for the iterable expression e
 * (callee_text's forms, and literals: 5, null, {}, "{(intermediate value)}";
 * a call's result as "f()", which jsl_not_iterable words differently), or false.
 */
static bool iter_text(const struct jsl_node *e, char *buf, size_t cap, size_t *len)
{
	char nb[JSL_NUMBUF];
	const char *lit = NULL;

	switch (e->kind) {
	case JSL_N_NUM:
		jsl_num_format(e->num, nb);
		lit = nb;
		break;
	case JSL_N_TRUE:
		lit = "true";
		break;
	case JSL_N_FALSE:
		lit = "false";
		break;
	case JSL_N_NULL:
		lit = "null";
		break;
	case JSL_N_OBJECT:
		lit = e->list ? "{(intermediate value)}" : "{}";
		break;
	case JSL_N_CALL:
		if (!callee_text(e->a, buf, cap, len) || *len + 3 > cap)
			return false;
		memcpy(buf + *len, "()", 3);
		*len += 2;
		return true;
	default:
		return callee_text(e, buf, cap, len);
	}
	if (strlen(lit) + *len + 1 > cap)
		return false;
	memcpy(buf + *len, lit, strlen(lit) + 1);
	*len += strlen(lit);
	return true;
}

/* Record the text of iterable e for the SPREAD or ITER at pc (prefix "..." in a call's arguments). */
static void record_iter_text(struct cg *g, int pc, const struct jsl_node *e, bool call_arg)
{
	char text[200];
	size_t len = 0;

	if (call_arg) {
		memcpy(text, "...", 3);
		len = 3;
	}
	if (iter_text(e, text, sizeof(text), &len))
		add_cname(g, pc, text, (uint32_t)len);
}

static void record_member_cname(struct cg *g, int pc, struct jsl_node *f)
{
	char name[200];
	size_t len = 0;

	if (callee_text(f, name, sizeof(name), &len))
		add_cname(g, pc, name, (uint32_t)len);
}

/* CALLMR: R[base] the object, R[kr] (base + 1) the key, the arguments after; result to base. */
static int emit_callmr(struct cg *g, struct jsl_node *e, struct jsl_node *f, int base, int kr)
{
	int nargs, pc;

	if (kr != base + 1)
		cg_error(g, e, "internal error: method key register");
	nargs = call_args(g, e, kr);
	if (nargs >= 255)
		cg_error(g, e, "too many arguments in a call (at most 254)");
	at_node(g, e);
	pc = emit(g, JSL_ABC(JSL_OP_CALLMR, base, nargs + 1, 0));
	record_member_cname(g, pc, f);
	emit_move(g, base, kr);
	return pc;
}

static void call(struct cg *g, struct jsl_node *e, int dst)
{
	struct cg_func *fs = g->fs;
	struct jsl_node *f = e->a;
	int save = fs->freereg, base, nargs, nat = -1, meth = -1, pc;
	bool is_new = e->kind == JSL_N_NEW;

	/* The result register doubles as the call's base when it is the top temporary. */
	if (dst >= 0 && dst == fs->freereg - 1 && !is_var_reg(g, dst))
		base = dst;
	else
		base = reg_alloc(g, 1);
	if (f->kind == JSL_N_INDEX && f->b->kind == JSL_N_STR && !is_index_name(f->b->s, f->b->len)) {
		/* o["m"](...) is o.m(...): the same method call, with o as its receiver */
		f->kind = JSL_N_MEMBER;
		f->s = f->b->s;
		f->len = f->b->len;
		f->b = NULL;
	}
	if (f->kind == JSL_N_IDENT && resolve(g, f->s, f->len).kind == V_NONE) {
		nat = find_native(NULL, 0, f->s, f->len);
		if (is_new && nat < 0)
			cg_error(g, f, "'new %.*s' is not supported in JSLite (constructors: Map, Set, "
				       "Array, Error and its kinds, typed arrays)",
				 (int)f->len, f->s);
		if (nat < 0 && !is_reserved_global(f->s, f->len)) {
			undeclared_read(g, f);
			nat = -2; /* before the arguments, as in JavaScript */
		} else if (!is_new && needs_new(f->s, f->len)) {
			char msg[80];

			snprintf(msg, sizeof(msg), "TypeError: Constructor %.*s requires 'new'",
				 (int)f->len, f->s);
			at_node(g, e);
			emit_throw(g, msg);
			nat = -2;
		}
	} else if (is_new) {
		cg_error(g, f, "'new' is only supported with the built-in constructors in JSLite");
	} else if (f->kind == JSL_N_MEMBER && f->a->kind == JSL_N_IDENT &&
		   is_builtin_ns(f->a->s, f->a->len) &&
		   resolve(g, f->a->s, f->a->len).kind == V_NONE) {
		nat = find_native(f->a->s, f->a->len, f->s, f->len);
		if (nat < 0)
			cg_error(g, f, "'%.*s.%.*s' is not supported in JSLite", (int)f->a->len,
				 f->a->s, (int)f->len, f->s);
	} else if (f->kind == JSL_N_MEMBER && !(e->flag & JSL_NF_OPT)) {
		meth = find_method(f->s, f->len);
		if (meth < 0)
			meth = -2; /* a property holding a function: CALLM */
	}
	if (nat == -2) {
		emit_abc(g, JSL_OP_LOADU, base, 0, 0);
	} else if (nat >= 0) {
		nargs = call_args(g, e, base);
		at_node(g, e);
		if (nargs < 0)
			emit_abc(g, JSL_OP_NCALLV, base, 0, nat);
		else
			emit_abc(g, JSL_OP_NCALL, base, nargs, nat);
	} else if (meth >= 0 || meth == -2) {
		int k = meth == -2 ? small_const_str(g, f->s, f->len) : 0;

		expr_to(g, f->a, base);
		opt_check(g, f, base);
		if (meth == -2 && k >= 0 && (e->flag & JSL_NF_COMPUTED)) {
			/* o.m(...xs): o stays the receiver */
			call_args(g, e, base);
			at_node(g, e);
			pc = emit(g, JSL_ABC(JSL_OP_CALLMV, base, 0, k));
			record_member_cname(g, pc, f);
		} else if (meth == -2 && k < 0 && !(e->flag & JSL_NF_COMPUTED)) {
			/* a name past the small constants: the key in a register */
			int kr = reg_alloc(g, 1);

			emit_abx(g, JSL_OP_LOADK, kr, (unsigned)const_str(g, f->s, f->len));
			pc = emit_callmr(g, e, f, base, kr);
		} else if (meth == -2 && k < 0) {
			/* the method value first, then a plain call (o.m(...xs) with m past the
			 * small constants: m runs without a receiver, man jslite(7)) */
			int kr = reg_alloc(g, 1);

			emit_abx(g, JSL_OP_LOADK, kr, (unsigned)const_str(g, f->s, f->len));
			at_node(g, f);
			emit_abc(g, JSL_OP_GETIDX, base, base, kr);
			fs->freereg = base + 1;
			nargs = call_args(g, e, base);
			at_node(g, e);
			pc = emit(g, nargs < 0 ? JSL_ABC(JSL_OP_CALLV, base, 0, 0)
					       : JSL_ABC(JSL_OP_CALL, base, nargs, 0));
			record_member_cname(g, pc, f);
		} else {
			nargs = call_args(g, e, base);
			at_node(g, e);
			if (meth == -2)
				pc = emit(g, JSL_ABC(JSL_OP_CALLM, base, nargs, k));
			else if (nargs < 0)
				pc = emit(g, JSL_ABC(JSL_OP_INVOKEV, base, 0, meth));
			else
				pc = emit(g, JSL_ABC(JSL_OP_INVOKE, base, nargs, meth));
			record_member_cname(g, pc, f);
		}
	} else if (f->kind == JSL_N_INDEX && !(f->flag & JSL_NF_OPT) && !(e->flag & JSL_NF_OPT) &&
		   !(e->flag & JSL_NF_COMPUTED)) {
		/* o[k](...): o is the receiver; o, k and the arguments in JavaScript's order */
		int kr;

		expr_to(g, f->a, base);
		kr = reg_alloc(g, 1);
		expr_to(g, f->b, kr);
		emit_callmr(g, e, f, base, kr);
	} else {
		expr_to(g, f, base);
		opt_check(g, e, base);
		nargs = call_args(g, e, base);
		at_node(g, e);
		pc = emit(g, nargs < 0 ? JSL_ABC(JSL_OP_CALLV, base, 0, 0)
				       : JSL_ABC(JSL_OP_CALL, base, nargs, 0));
		/* for "x is not a function": locals have no names at run time */
		if (f->kind == JSL_N_IDENT && resolve(g, f->s, f->len).kind != V_GLOBAL)
			add_cname(g, pc, f->s, f->len);
		else if (f->kind == JSL_N_MEMBER || f->kind == JSL_N_INDEX)
			record_member_cname(g, pc, f);
	}
	fs->freereg = save;
	if (dst >= 0 && base != dst)
		emit_move(g, dst, base);
	else if (dst < 0)
		return;
	if (base == dst)
		fs->freereg = save; /* dst was reserved by the caller */
}

static const struct {
	const char *obj, *name;
	double v;
} builtin_consts[] = {
    {"Math", "PI", M_PI},
    {"Math", "E", M_E},
    {"Math", "LN2", M_LN2},
    {"Math", "LN10", M_LN10},
    {"Math", "LOG2E", M_LOG2E},
    {"Math", "LOG10E", M_LOG10E},
    {"Math", "SQRT2", M_SQRT2},
    {"Math", "SQRT1_2", M_SQRT1_2},
    {"Number", "MAX_SAFE_INTEGER", 9007199254740991.0},
    {"Number", "MIN_SAFE_INTEGER", -9007199254740991.0},
    {"Number", "EPSILON", 2.220446049250313e-16},
    {"Number", "MAX_VALUE", 1.7976931348623157e308},
    {"Number", "MIN_VALUE", 5e-324},
    {"Number", "POSITIVE_INFINITY", INFINITY},
    {"Number", "NEGATIVE_INFINITY", -INFINITY},
    {"Number", "NaN", NAN},
};

static void member(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg, r;

	if (e->a->kind == JSL_N_IDENT && is_builtin_ns(e->a->s, e->a->len) &&
	    resolve(g, e->a->s, e->a->len).kind == V_NONE) {
		for (size_t i = 0; i < sizeof(builtin_consts) / sizeof(builtin_consts[0]); i++) {
			if (name_eq(builtin_consts[i].obj, (uint32_t)strlen(builtin_consts[i].obj),
				    e->a->s, e->a->len) &&
			    name_eq(builtin_consts[i].name,
				    (uint32_t)strlen(builtin_consts[i].name), e->s, e->len)) {
				load_num(g, dst, builtin_consts[i].v);
				return;
			}
		}
		if (find_native(e->a->s, e->a->len, e->s, e->len) >= 0) {
			emit_abx(g, JSL_OP_LOADNAT, dst,
				 (unsigned)find_native(e->a->s, e->a->len, e->s, e->len));
			return;
		}
		cg_error(g, e, "'%.*s.%.*s' is not supported in JSLite", (int)e->a->len, e->a->s,
			 (int)e->len, e->s);
	}
	r = expr_any(g, e->a);
	opt_check(g, e, r);
	at_node(g, e);
	if (name_eq(e->s, e->len, "length", 6)) {
		emit_abc(g, JSL_OP_GETLEN, dst, r, 0);
	} else {
		int k = small_const_str(g, e->s, e->len);

		if (k >= 0) {
			emit_abc(g, JSL_OP_GETF, dst, r, k);
		} else {
			int kr = reg_alloc(g, 1);

			emit_abx(g, JSL_OP_LOADK, kr, (unsigned)const_str(g, e->s, e->len));
			emit_abc(g, JSL_OP_GETIDX, dst, r, kr);
		}
	}
	g->fs->freereg = save;
}

static void compile_closure(struct cg *g, struct jsl_node *f, int dst);

static void array_lit(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg;

	emit_abc(g, JSL_OP_NEWARR, dst, 0, 0);
	for (struct jsl_node *x = e->list; x; x = x->next) {
		int t = reg_alloc(g, 1);

		if (x->kind == JSL_N_EMPTY)
			cg_error(g, x, "array holes are not supported in JSLite (write undefined)");
		if (x->kind == JSL_N_SPREAD) {
			expr_to(g, x->a, t);
			at_node(g, x);
			record_iter_text(g, emit(g, JSL_ABC(JSL_OP_SPREAD, dst, t, 0)), x->a, false);
		} else {
			expr_to(g, x, t);
			emit_abc(g, JSL_OP_APPEND, dst, t, 0);
		}
		g->fs->freereg = save;
	}
}

static void object_lit(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg;
	unsigned nk = 0, ninit = 0;
	int init[JSL_OBJ_INLINE_MAX]; /* the distinct constant keys set so far */
	bool fresh = true;	      /* no spread or computed key yet: those keys are all there is */

	/* room inside the object for its keys (a spread's are not known here) */
	for (struct jsl_node *x = e->list; x; x = x->next)
		nk += x->kind != JSL_N_SPREAD;
	if (nk)
		emit_abc(g, JSL_OP_NEWOBJN, dst, nk < JSL_OBJ_INLINE_MAX ? nk : JSL_OBJ_INLINE_MAX, 0);
	else
		emit_abc(g, JSL_OP_NEWOBJ, dst, 0, 0);
	for (struct jsl_node *x = e->list; x; x = x->next) {
		int v, k = -1, kr = -1;

		at_node(g, x);
		if (x->kind == JSL_N_SPREAD) {
			v = expr_any(g, x->a);
			emit_abc(g, JSL_OP_OSPREAD, dst, v, 0);
			g->fs->freereg = save;
			fresh = false;
			continue;
		}
		if (x->op == 1)
			cg_error(g, x, "Invalid shorthand property initializer");
		if (x->flag & JSL_NF_COMPUTED) {
			fresh = false;
			kr = reg_alloc(g, 1);
			expr_to(g, x->a, kr);
		} else {
			const char *ks = x->a->s;
			uint32_t kl = x->a->len;

			if (x->a->kind == JSL_N_NUM) {
				char nb[JSL_NUMBUF];
				int n = jsl_num_format(x->a->num, nb);
				char *c = jsl_alloc(g->C, (size_t)n + 1);

				memcpy(c, nb, (size_t)n);
				ks = c;
				kl = (uint32_t)n;
			}
			if (x->b->kind == JSL_N_FUNC && !x->b->s) {
				x->b->s = ks;
				x->b->len = kl;
			}
			k = small_const_str(g, ks, kl);
			if (k < 0) {
				kr = reg_alloc(g, 1);
				emit_abx(g, JSL_OP_LOADK, kr, (unsigned)const_str(g, ks, kl));
			}
		}
		v = expr_any(g, x->b);
		at_node(g, x);
		if (k >= 0 && fresh && ninit < JSL_OBJ_INLINE_MAX) {
			/* a key this literal has not set yet: INITF appends it without a lookup */
			bool seen = false;

			for (unsigned q = 0; q < ninit; q++)
				seen = seen || init[q] == k;
			if (!seen) {
				init[ninit++] = k;
				emit_abc(g, JSL_OP_INITF, dst, k, v);
				g->fs->freereg = save;
				continue;
			}
		}
		set_prop(g, dst, k, kr, v);
		g->fs->freereg = save;
	}
}

static void template_lit(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg;
	struct jsl_node *x = e->list;

	emit_abx(g, JSL_OP_LOADK, dst, (unsigned)const_str(g, x->s, x->len));
	for (x = x->next; x; x = x->next) {
		int t = reg_alloc(g, 1);

		if (x->kind == JSL_N_STR) {
			if (!x->len) {
				g->fs->freereg = save;
				continue;
			}
			emit_abx(g, JSL_OP_LOADK, t, (unsigned)const_str(g, x->s, x->len));
		} else {
			/* `${v}` is String(v): the string conversion first, then the append */
			g->fs->freereg = save;
			t = reg_alloc(g, 2);
			expr_to(g, x, t + 1);
			at_node(g, x);
			emit_abc(g, JSL_OP_NCALL, t, 1, JSL_NAT_STRING);
		}
		emit_abc(g, JSL_OP_ADD, dst, dst, t);
		g->fs->freereg = save;
	}
}

static unsigned class_of(const char *s, uint32_t len)
{
	for (unsigned c = 1; c < JSL_CLS_COUNT; c++)
		if (c != JSL_CLS_PLAIN && name_eq(jsl_cls_names[c], (uint32_t)strlen(jsl_cls_names[c]), s, len))
			return c;
	return 0;
}

static void expr_to(struct cg *g, struct jsl_node *e, int dst)
{
	int save = g->fs->freereg, ra, rb;

	at_node(g, e);
	/* These write dst before they are done reading: never aim them at a binding. */
	if ((e->kind == JSL_N_LOGICAL || e->kind == JSL_N_COND || e->kind == JSL_N_ARRAY ||
	     e->kind == JSL_N_OBJECT || e->kind == JSL_N_TEMPLATE || e->kind == JSL_N_OPTCHAIN ||
	     (e->kind == JSL_N_UPDATE && !(e->flag & JSL_NF_PREFIX))) &&
	    is_var_reg(g, dst)) {
		int t = reg_alloc(g, 1);

		expr_to(g, e, t);
		emit_move(g, dst, t);
		g->fs->freereg = save;
		return;
	}
	switch (e->kind) {
	case JSL_N_NUM:
		load_num(g, dst, e->num);
		break;
	case JSL_N_STR:
		emit_abx(g, JSL_OP_LOADK, dst, (unsigned)const_str(g, e->s, e->len));
		break;
	case JSL_N_TRUE:
	case JSL_N_FALSE:
		emit_abc(g, JSL_OP_LOADB, dst, e->kind == JSL_N_TRUE, 0);
		break;
	case JSL_N_NULL:
		emit_abc(g, JSL_OP_LOADNULL, dst, 0, 0);
		break;
	case JSL_N_IDENT:
		load_ident(g, e, dst);
		break;
	case JSL_N_UNARY:
		unary(g, e, dst);
		break;
	case JSL_N_BINARY:
		binary(g, e, dst);
		break;
	case JSL_N_LOGICAL:
		logical(g, e, dst);
		break;
	case JSL_N_COND:
		conditional(g, e, dst);
		break;
	case JSL_N_ASSIGN:
		assign(g, e, dst);
		break;
	case JSL_N_UPDATE:
		update(g, e, dst);
		break;
	case JSL_N_CALL:
		call(g, e, dst);
		break;
	case JSL_N_MEMBER:
		member(g, e, dst);
		break;
	case JSL_N_INDEX:
		ra = expr_any(g, e->a);
		opt_check(g, e, ra);
		if (is_var_reg(g, ra) && has_assign(e->b)) {
			int t = reg_alloc(g, 1);

			emit_move(g, t, ra);
			ra = t;
		}
		rb = expr_any(g, e->b);
		at_node(g, e);
		emit_abc(g, JSL_OP_GETIDX, dst, ra, rb);
		break;
	case JSL_N_SEQ:
		expr_effect(g, e->a);
		expr_to(g, e->b, dst);
		break;
	case JSL_N_ARRAY:
		array_lit(g, e, dst);
		break;
	case JSL_N_OBJECT:
		object_lit(g, e, dst);
		break;
	case JSL_N_TEMPLATE:
		template_lit(g, e, dst);
		break;
	case JSL_N_FUNC:
		compile_closure(g, e, dst);
		break;
	case JSL_N_NEW:
		call(g, e, dst);
		break;
	case JSL_N_VOID:
		expr_effect(g, e->a);
		emit_abc(g, JSL_OP_LOADU, dst, 0, 0);
		break;
	case JSL_N_OPTCHAIN: {
		int old = g->optj, jend;

		g->optj = NO_JUMP;
		expr_to(g, e->a, dst);
		jend = emit_jump(g);
		patch_here(g, g->optj);
		emit_abc(g, JSL_OP_LOADU, dst, 0, 0);
		patch_here(g, jend);
		g->optj = old;
		break;
	}
	case JSL_N_SPREAD:
		cg_error(g, e, "'...' is only allowed in calls, array and object literals");
	default:
		cg_error(g, e, "internal error: unexpected node %d in an expression", e->kind);
	}
	g->fs->freereg = save;
}

/* A register holding e's value: a binding's own register, or a new temporary. */
static int expr_any(struct cg *g, struct jsl_node *e)
{
	int r;

	if (e->kind == JSL_N_IDENT) {
		struct var v = resolve(g, e->s, e->len);

		if (v.kind == V_LOCAL && v.lo->ready && !v.lo->cell)
			return v.idx;
	}
	r = reg_alloc(g, 1);
	expr_to(g, e, r);
	return r;
}

static void expr_effect(struct cg *g, struct jsl_node *e)
{
	int save = g->fs->freereg;

	at_node(g, e);
	switch (e->kind) {
	case JSL_N_ASSIGN:
		assign(g, e, -1);
		break;
	case JSL_N_UPDATE:
		update(g, e, -1);
		break;
	case JSL_N_CALL:
		call(g, e, -1);
		break;
	case JSL_N_SEQ:
		expr_effect(g, e->a);
		expr_effect(g, e->b);
		break;
	default:
		expr_any(g, e);
		break;
	}
	g->fs->freereg = save;
}

static int const_truth(const struct jsl_node *e)
{
	switch (e->kind) {
	case JSL_N_TRUE:
		return 1;
	case JSL_N_FALSE:
	case JSL_N_NULL:
		return 0;
	case JSL_N_NUM:
		return e->num != 0 && e->num == e->num;
	case JSL_N_STR:
		return e->len > 0;
	default:
		return -1;
	}
}

/* Emit code that jumps (jumps added to *list) when truthy(e) == jump_if, else falls through. */
static void cond_jump(struct cg *g, struct jsl_node *e, bool jump_if, int *list)
{
	int save = g->fs->freereg, ra, rb, truth = const_truth(e);
	struct jsl_node *a = e->a, *b = e->b;
	unsigned op = 0;
	bool k = jump_if;

	at_node(g, e);
	if (truth >= 0) {
		if (truth == (int)jump_if)
			concat(g, list, emit_jump(g));
		return;
	}
	if (e->kind == JSL_N_UNARY && e->op == JSL_T_NOT) {
		cond_jump(g, a, !jump_if, list);
		return;
	}
	if (e->kind == JSL_N_LOGICAL && e->op != JSL_T_NULLISH) {
		bool is_and = e->op == JSL_T_AND;

		if (is_and != jump_if) {
			/* && jumping on false, || jumping on true: either operand decides. */
			cond_jump(g, a, jump_if, list);
			cond_jump(g, b, jump_if, list);
		} else {
			int skip = NO_JUMP;

			cond_jump(g, a, !jump_if, &skip);
			cond_jump(g, b, jump_if, list);
			patch_here(g, skip);
		}
		return;
	}
	if (e->kind == JSL_N_BINARY) {
		unsigned imm_op = 0;
		bool swap = false;

		switch (e->op) {
		case JSL_T_LT:
			op = JSL_OP_JLT;
			imm_op = JSL_OP_JLTI;
			break;
		case JSL_T_LE:
			op = JSL_OP_JLE;
			imm_op = JSL_OP_JLEI;
			break;
		case JSL_T_GT:
			op = JSL_OP_JLT;
			imm_op = JSL_OP_JGTI;
			swap = true;
			break;
		case JSL_T_GE:
			op = JSL_OP_JLE;
			imm_op = JSL_OP_JGEI;
			swap = true;
			break;
		case JSL_T_SEQ:
			op = JSL_OP_JSEQ;
			break;
		case JSL_T_SNE:
			op = JSL_OP_JSEQ;
			k = !jump_if;
			break;
		case JSL_T_EQ:
			op = JSL_OP_JEQ;
			break;
		case JSL_T_NE:
			op = JSL_OP_JEQ;
			k = !jump_if;
			break;
		default:
			break;
		}
		if (imm_op && b->kind == JSL_N_NUM && is_small_int(b->num, -128, 127)) {
			ra = expr_any(g, a);
			at_node(g, e);
			emit_abc(g, imm_op, ra, (int)b->num, k);
		} else if (op == JSL_OP_JSEQ && (b->kind == JSL_N_NUM || b->kind == JSL_N_STR)) {
			int kidx = b->kind == JSL_N_NUM ? const_num(g, b->num)
							: const_str(g, b->s, b->len);

			ra = expr_any(g, a);
			at_node(g, e);
			if (kidx <= 255) {
				emit_abc(g, JSL_OP_JSEQK, ra, kidx, k);
			} else {
				rb = reg_alloc(g, 1);
				expr_to(g, b, rb);
				emit_abc(g, JSL_OP_JSEQ, ra, rb, k);
			}
		} else if (imm_op && b->kind == JSL_N_NUM && const_num(g, b->num) <= 255) {
			/* i < 50000000: the constant as an operand, not a LOADK per test */
			unsigned kop = imm_op == JSL_OP_JLTI   ? JSL_OP_JLTK
				       : imm_op == JSL_OP_JLEI ? JSL_OP_JLEK
				       : imm_op == JSL_OP_JGTI ? JSL_OP_JGTK
							       : JSL_OP_JGEK;

			ra = expr_any(g, a);
			at_node(g, e);
			emit_abc(g, kop, ra, const_num(g, b->num), k);
		} else if (op) {
			operands(g, a, b, &ra, &rb);
			at_node(g, e);
			if (swap)
				emit_abc(g, op, rb, ra, k);
			else
				emit_abc(g, op, ra, rb, k);
		}
		if (op || imm_op) {
			concat(g, list, emit_jump(g));
			g->fs->freereg = save;
			return;
		}
	}
	ra = expr_any(g, e);
	at_node(g, e);
	emit_abc(g, JSL_OP_TEST, ra, 0, jump_if);
	concat(g, list, emit_jump(g));
	g->fs->freereg = save;
}

/* ---- statements ------------------------------------------------------------------ */

/* A local of this function held in its register (not captured), initialised and assignable. */
static struct cg_local *plain_local(struct cg *g, const struct jsl_node *e)
{
	struct cg_local *lo;

	if (!e || e->kind != JSL_N_IDENT)
		return NULL;
	lo = find_local(g->fs, e->s, e->len);
	return lo && !lo->cell && lo->ready ? lo : NULL;
}

/*
 * Whether for loop n counts up as `i++` (or ++i) while `i < K` (a number
 * constant) or `i < n` (another plain local): then *i, *b and *op are the
 * operands of the INCJLT/INCJLTK that ends each iteration.
 */
static bool for_fusable(struct cg *g, const struct jsl_node *n, int *i, int *b, unsigned *op)
{
	const struct jsl_node *c = n->c, *t = n->b;
	struct cg_local *li, *lb;

	if (!c || !t || c->kind != JSL_N_UPDATE || c->op != JSL_T_INC || t->kind != JSL_N_BINARY ||
	    t->op != JSL_T_LT || !t->a || t->a->kind != JSL_N_IDENT || !c->a ||
	    c->a->kind != JSL_N_IDENT || !name_eq(t->a->s, t->a->len, c->a->s, c->a->len))
		return false;
	li = plain_local(g, c->a);
	if (!li || li->is_const)
		return false;
	*i = li->reg;
	if (t->b->kind == JSL_N_NUM && const_num(g, t->b->num) <= 255) {
		*b = const_num(g, t->b->num);
		*op = JSL_OP_INCJLTK;
		return true;
	}
	lb = plain_local(g, t->b);
	if (!lb)
		return false;
	*b = lb->reg;
	*op = JSL_OP_INCJLT;
	return true;
}

static void statement(struct cg *g, struct jsl_node *n);

static void statements(struct cg *g, struct jsl_node *list)
{
	for (struct jsl_node *n = list; n; n = n->next)
		statement(g, n);
}

static void hoist_functions(struct cg *g, struct jsl_node *list);

static void body_statements(struct cg *g, struct jsl_node *list)
{
	predeclare(g, list);
	hoist_functions(g, list);
	statements(g, list);
}

static void block(struct cg *g, struct jsl_node *list)
{
	struct scope_save s = enter_scope(g);

	body_statements(g, list);
	leave_scope(g, s);
}

/* Bind the function declarations of a block before its first statement runs. */
static void hoist_functions(struct cg *g, struct jsl_node *list)
{
	for (struct jsl_node *n = list; n; n = n->next) {
		struct var v;

		if (n->kind != JSL_N_FUNC)
			continue;
		v = resolve(g, n->s, n->len);
		at_node(g, n);
		if (v.kind == V_LOCAL && !v.lo->cell) {
			compile_closure(g, n, v.idx);
		} else {
			int save = g->fs->freereg, r = reg_alloc(g, 1);

			compile_closure(g, n, r);
			init_ident(g, n, r);
			g->fs->freereg = save;
		}
	}
}

static void declaration(struct cg *g, struct jsl_node *n)
{
	for (struct jsl_node *d = n->list; d; d = d->next) {
		int save = g->fs->freereg, r;
		struct var v;

		at_node(g, d);
		if (!d->a && (n->flag & JSL_NF_VAR))
			continue; /* var x; (hoisted, already undefined) */
		if (d->b) {
			r = reg_alloc(g, 1);
			expr_to(g, d->a, r);
			g->iter_src = d->a;
			bind_target(g, d->b, r, BIND_DECL);
			g->iter_src = NULL;
			g->fs->freereg = save;
			continue;
		}
		if (d->a && d->a->kind == JSL_N_FUNC && !d->a->s) {
			d->a->s = d->s;
			d->a->len = d->len;
		}
		v = resolve(g, d->s, d->len);
		if (v.kind == V_LOCAL && !v.lo->cell) {
			if (d->a)
				expr_to(g, d->a, v.idx);
			else
				emit_abc(g, JSL_OP_LOADU, v.idx, 0, 0);
			v.lo->ready = true;
		} else if (v.kind == V_LOCAL || v.kind == V_GLOBAL) {
			if (d->a) {
				r = expr_any(g, d->a);
			} else {
				r = reg_alloc(g, 1);
				emit_abc(g, JSL_OP_LOADU, r, 0, 0);
			}
			at_node(g, d);
			init_ident(g, d, r);
		} else {
			cg_error(g, d, "internal error: declaration of '%.*s' not found",
				 (int)d->len, d->s);
		}
		g->fs->freereg = save;
	}
}

static void loop_begin(struct cg *g, struct cg_loop *l, bool is_loop)
{
	l->up = g->fs->loop;
	l->brk = l->cont = NO_JUMP;
	l->label = g->label;
	l->label_len = g->label_len;
	l->is_loop = is_loop;
	l->is_switch = false;
	l->tries = g->fs->tries;
	g->label = NULL;
	g->fs->loop = l;
}

static void loop_end(struct cg *g, struct cg_loop *l, int cont_target)
{
	patch(g, l->cont, cont_target);
	patch_here(g, l->brk);
	g->fs->loop = l->up;
}

/* A loop or if resets the completion value (node: UpdateEmpty(..., undefined)). */
static void reset_completion(struct cg *g)
{
	if (g->fs->creg >= 0)
		emit_abc(g, JSL_OP_LOADU, g->fs->creg, 0, 0);
}

/* Leave the try statements inside stop (innermost first): ENDTRY and their finally blocks. */
static void exit_tries(struct cg *g, struct cg_try *stop)
{
	struct cg_func *fs = g->fs;
	struct cg_try *saved = fs->tries;

	for (struct cg_try *t = saved; t && t != stop; t = t->up) {
		emit_abc(g, JSL_OP_ENDTRY, 0, 0, 0);
		if (t->finally) {
			int creg = fs->creg;

			fs->tries = t->up;
			fs->creg = -1; /* finally does not change the completion value */
			block(g, t->finally->list);
			fs->creg = creg;
		}
	}
	fs->tries = saved;
}

static bool is_loop_kind(unsigned k)
{
	return k == JSL_N_WHILE || k == JSL_N_DOWHILE || k == JSL_N_FOR || k == JSL_N_FORIN ||
	       k == JSL_N_FOROF;
}

static void break_continue(struct cg *g, struct jsl_node *n)
{
	bool is_break = n->kind == JSL_N_BREAK;
	struct cg_loop *l;

	for (l = g->fs->loop; l; l = l->up) {
		if (n->s) {
			if (l->label && name_eq(l->label, l->label_len, n->s, n->len))
				break;
		} else if (l->is_loop || (is_break && l->is_switch)) {
			break;
		}
	}
	if (!l) {
		if (n->s)
			cg_error(g, n, "Undefined label '%.*s'", (int)n->len, n->s);
		cg_error(g, n, "'%s' outside of a loop", is_break ? "break" : "continue");
	}
	if (!is_break && !l->is_loop)
		cg_error(g, n, "Illegal continue statement: '%.*s' does not denote an iteration "
			       "statement",
			 (int)n->len, n->s);
	exit_tries(g, l->tries);
	if (is_break)
		concat(g, &l->brk, emit_jump(g));
	else
		concat(g, &l->cont, emit_jump(g));
}

static void for_in_of(struct cg *g, struct jsl_node *n)
{
	struct cg_func *fs = g->fs;
	struct scope_save s = enter_scope(g);
	struct cg_loop loop;
	int it, idx, jtest, top, cont, back = NO_JUMP, t, obj = -1, skip = NO_JUMP;

	reset_completion(g);
	if (n->kind == JSL_N_FORIN) {
		/* for-in keeps the object beside its keys, to skip those deleted meanwhile */
		obj = reg_alloc(g, 1);
		expr_to(g, n->b, obj);
		it = reg_alloc(g, 1);
		at_node(g, n);
		emit_abc(g, JSL_OP_KEYS, it, obj, 0);
	} else {
		it = reg_alloc(g, 1);
		expr_to(g, n->b, it);
		at_node(g, n);
		record_iter_text(g, emit(g, JSL_ABC(JSL_OP_ITER, it, it, 0)), n->b, false);
	}
	idx = reg_alloc(g, 1);
	load_num(g, idx, 0);
	fs->vartop = fs->freereg; /* it and idx live through the loop */
	loop_begin(g, &loop, true);
	jtest = emit_jump(g);
	top = here(g);
	{
		struct scope_save s2 = enter_scope(g);
		int v;

		if (n->a->kind == JSL_N_LET)
			predeclare(g, n->a);
		v = reg_alloc(g, 1);
		emit_abc(g, JSL_OP_GETIDX, v, it, idx);
		if (obj >= 0) {
			int h = reg_alloc(g, 1);

			emit_abc(g, JSL_OP_HASKEY, h, v, obj);
			emit_abc(g, JSL_OP_TEST, h, 0, 0);
			skip = emit_jump(g);
			fs->freereg = h;
		}
		if (n->a->kind == JSL_N_LET) {
			struct jsl_node *d = n->a->list;

			bind_target(g, d->b ? d->b : d, v, BIND_DECL);
		} else {
			bind_target(g, n->a->a, v, BIND_ASSIGN);
		}
		fs->freereg = v;
		statement(g, n->d);
		leave_scope(g, s2);
	}
	cont = here(g);
	patch(g, skip, cont);
	emit_abc(g, JSL_OP_ADDI, idx, idx, 1);
	patch_here(g, jtest);
	t = reg_alloc(g, 1);
	at_node(g, n);
	emit_abc(g, JSL_OP_GETLEN, t, it, 0);
	emit_abc(g, JSL_OP_JLT, idx, t, 1);
	back = emit_jump(g);
	patch(g, back, top);
	fs->freereg = t;
	loop_end(g, &loop, cont);
	leave_scope(g, s);
}

static void switch_stmt(struct cg *g, struct jsl_node *n)
{
	struct cg_func *fs = g->fs;
	struct scope_save s = enter_scope(g);
	struct cg_loop loop;
	int disc, ncases = 0, jdef, k = 0;
	int *jumps;
	struct jsl_node *c, *def = NULL;

	reset_completion(g);
	disc = reg_alloc(g, 1);
	expr_to(g, n->a, disc);
	fs->vartop = fs->freereg;
	for (c = n->list; c; c = c->next)
		ncases++;
	jumps = jsl_alloc(g->C, sizeof(int) * (size_t)(ncases + 1));
	for (c = n->list; c; c = c->next)
		predeclare(g, c->b->list);
	for (c = n->list; c; c = c->next)
		hoist_functions(g, c->b->list);
	for (c = n->list, k = 0; c; c = c->next, k++) {
		int save = fs->freereg, r;

		jumps[k] = NO_JUMP;
		if (!c->a) {
			def = c;
			continue;
		}
		r = expr_any(g, c->a);
		at_node(g, c);
		emit_abc(g, JSL_OP_JSEQ, disc, r, 1);
		jumps[k] = emit_jump(g);
		fs->freereg = save;
	}
	jdef = emit_jump(g);
	loop_begin(g, &loop, false);
	loop.is_switch = true;
	for (c = n->list, k = 0; c; c = c->next, k++) {
		if (c == def)
			patch_here(g, jdef), jdef = NO_JUMP;
		else
			patch_here(g, jumps[k]);
		statements(g, c->b->list);
	}
	if (jdef != NO_JUMP)
		concat(g, &loop.brk, jdef);
	loop_end(g, &loop, here(g));
	leave_scope(g, s);
}

static void try_stmt(struct cg *g, struct jsl_node *n)
{
	struct cg_func *fs = g->fs;
	int save = fs->freereg, savetop = fs->vartop, exc, jtry, jend = NO_JUMP, t;
	struct cg_try tr = {fs->tries, n->d};

	reset_completion(g);
	exc = reg_alloc(g, 1);
	fs->vartop = fs->freereg;
	jtry = emit(g, JSL_ABX(JSL_OP_TRY, exc, 0));
	fs->tries = &tr;
	block(g, n->b->list);
	fs->tries = tr.up;
	emit_abc(g, JSL_OP_ENDTRY, 0, 0, 0);
	if (n->d)
		block(g, n->d->list);
	jend = emit_jump(g);
	/* the catch: the handler was popped by the throw */
	t = here(g) - (jtry + 1);
	if (t > 32767)
		cg_error(g, n, "try block too large");
	fs->code[jtry] = JSL_ABX(JSL_OP_TRY, exc, (uint16_t)(int16_t)t);
	if (n->c) {
		int jtry2 = -1, exc2 = -1;
		struct cg_try tr2 = {fs->tries, n->d};

		if (n->d) {
			exc2 = reg_alloc(g, 1);
			fs->vartop = fs->freereg;
			jtry2 = emit(g, JSL_ABX(JSL_OP_TRY, exc2, 0));
			fs->tries = &tr2;
		}
		{
			struct scope_save s = enter_scope(g);

			if (n->a) {
				at_node(g, n->a);
				pattern_names(g, n->a, false);
				bind_target(g, n->a, exc, BIND_DECL);
			}
			block(g, n->c->list);
			leave_scope(g, s);
		}
		if (n->d) {
			fs->tries = tr2.up;
			emit_abc(g, JSL_OP_ENDTRY, 0, 0, 0);
			block(g, n->d->list);
			concat(g, &jend, emit_jump(g));
			t = here(g) - (jtry2 + 1);
			if (t > 32767)
				cg_error(g, n, "catch block too large");
			fs->code[jtry2] = JSL_ABX(JSL_OP_TRY, exc2, (uint16_t)(int16_t)t);
			block(g, n->d->list);
			emit_abc(g, JSL_OP_THROW, exc2, 0, 0);
		}
	} else {
		block(g, n->d->list);
		emit_abc(g, JSL_OP_THROW, exc, 0, 0);
	}
	patch_here(g, jend);
	fs->freereg = save;
	fs->vartop = savetop;
}

static void statement(struct cg *g, struct jsl_node *n)
{
	struct cg_func *fs = g->fs;
	struct cg_loop loop;
	int jf = NO_JUMP, jend, top, back = NO_JUMP, cont;

	at_node(g, n);
	if (g->label && !is_loop_kind(n->kind))
		g->label = NULL;
	switch (n->kind) {
	case JSL_N_EXPR:
		if (fs->creg >= 0)
			expr_to(g, n->a, fs->creg);
		else
			expr_effect(g, n->a);
		break;
	case JSL_N_LET:
		declaration(g, n);
		break;
	case JSL_N_IF:
		reset_completion(g);
		cond_jump(g, n->a, false, &jf);
		statement(g, n->b);
		if (n->c) {
			jend = emit_jump(g);
			patch_here(g, jf);
			statement(g, n->c);
			patch_here(g, jend);
		} else {
			patch_here(g, jf);
		}
		break;
	case JSL_N_WHILE:
		reset_completion(g);
		loop_begin(g, &loop, true);
		jf = emit_jump(g); /* to the test at the bottom */
		top = here(g);
		statement(g, n->b);
		cont = here(g);
		patch_here(g, jf);
		at_node(g, n);
		cond_jump(g, n->a, true, &back);
		patch(g, back, top);
		loop_end(g, &loop, cont);
		break;
	case JSL_N_DOWHILE:
		reset_completion(g);
		loop_begin(g, &loop, true);
		top = here(g);
		statement(g, n->b);
		cont = here(g);
		at_node(g, n);
		cond_jump(g, n->a, true, &back);
		patch(g, back, top);
		loop_end(g, &loop, cont);
		break;
	case JSL_N_FOR: {
		struct scope_save s = enter_scope(g);
		uint32_t first;
		int fi, fb, jexit = NO_JUMP;
		unsigned fop;
		bool fused;

		loop_begin(g, &loop, true);
		first = fs->nlocals;
		if (n->a && n->a->kind == JSL_N_LET) {
			predeclare(g, n->a);
			declaration(g, n->a);
		} else if (n->a) {
			expr_effect(g, n->a->a);
		}
		reset_completion(g);
		fused = for_fusable(g, n, &fi, &fb, &fop);
		if (fused) {
			/* test first, then the body, then INCJLT(K): i++ and i < n at once */
			cond_jump(g, n->b, false, &jexit);
			jf = NO_JUMP;
		} else {
			jf = n->b ? emit_jump(g) : NO_JUMP;
		}
		top = here(g);
		statement(g, n->d);
		cont = here(g);
		/* per-iteration bindings: captured loop variables get a fresh cell */
		for (uint32_t k = first; k < fs->nlocals; k++)
			if (fs->locals[k].cell)
				emit_abc(g, JSL_OP_COPYCELL, fs->locals[k].reg, 0, 0);
		if (fused) {
			at_node(g, n);
			emit_abc(g, fop, fi, fb, 1);
			back = emit_jump(g);
			patch(g, back, top);
			patch_here(g, jexit);
			loop_end(g, &loop, cont);
			leave_scope(g, s);
			break;
		}
		if (n->c)
			expr_effect(g, n->c);
		patch_here(g, jf);
		at_node(g, n);
		if (n->b)
			cond_jump(g, n->b, true, &back);
		else
			back = emit_jump(g);
		patch(g, back, top);
		loop_end(g, &loop, cont);
		leave_scope(g, s);
		break;
	}
	case JSL_N_FORIN:
	case JSL_N_FOROF:
		for_in_of(g, n);
		break;
	case JSL_N_BREAK:
	case JSL_N_CONTINUE:
		break_continue(g, n);
		break;
	case JSL_N_RETURN: {
		int save = fs->freereg, r;

		if (n->a && !fs->tries) {
			r = expr_any(g, n->a);
		} else if (n->a) {
			r = reg_alloc(g, 1);
			expr_to(g, n->a, r);
		} else {
			r = -1;
		}
		at_node(g, n);
		exit_tries(g, NULL);
		if (r >= 0)
			emit_abc(g, JSL_OP_RET, r, 0, 0);
		else
			emit_abc(g, JSL_OP_RETU, 0, 0, 0);
		fs->freereg = save;
		break;
	}
	case JSL_N_BLOCK:
		block(g, n->list);
		break;
	case JSL_N_SWITCH:
		switch_stmt(g, n);
		break;
	case JSL_N_TRY:
		try_stmt(g, n);
		break;
	case JSL_N_THROW: {
		int save = fs->freereg, r = reg_alloc(g, 1);

		expr_to(g, n->a, r);
		at_node(g, n);
		emit_abc(g, JSL_OP_THROW, r, 0, 0);
		fs->freereg = save;
		break;
	}
	case JSL_N_LABEL:
		for (struct cg_loop *l = fs->loop; l; l = l->up)
			if (l->label && name_eq(l->label, l->label_len, n->s, n->len))
				cg_error(g, n, "Label '%.*s' has already been declared", (int)n->len,
					 n->s);
		if (is_loop_kind(n->a->kind)) {
			g->label = n->s;
			g->label_len = n->len;
			statement(g, n->a);
			g->label = NULL;
		} else {
			g->label = n->s;
			g->label_len = n->len;
			loop_begin(g, &loop, false);
			statement(g, n->a);
			loop_end(g, &loop, here(g));
		}
		break;
	case JSL_N_FUNC: /* hoisted: bound where its block begins */
	case JSL_N_EMPTY:
		break;
	default:
		cg_error(g, n, "internal error: unexpected node %d in a statement", n->kind);
	}
}

/* ---- functions and the program ---------------------------------------------------- */

/* Add to ns every identifier used inside a function nested in n (inside: n is in one). */
static void collect_captured(struct cg *g, struct nset *ns, const struct jsl_node *n, bool inside)
{
	for (; n; n = n->next) {
		bool in = inside || n->kind == JSL_N_FUNC;

		if (in && n->kind == JSL_N_IDENT)
			nset_add(g, ns, n->s, n->len);
		collect_captured(g, ns, n->a, in);
		collect_captured(g, ns, n->b, in);
		collect_captured(g, ns, n->c, in);
		collect_captured(g, ns, n->d, in);
		collect_captured(g, ns, n->list, in);
	}
}

/* The names var declares in a function body (not in nested functions), via fn. */
static void collect_vars(struct cg *g, struct jsl_node *n, void (*fn)(struct cg *, struct jsl_node *))
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case JSL_N_LET:
			if (n->flag & JSL_NF_VAR)
				for (struct jsl_node *d = n->list; d; d = d->next)
					fn(g, d->b ? d->b : d);
			break;
		case JSL_N_FUNC:
			break;
		case JSL_N_IF:
		case JSL_N_WHILE:
		case JSL_N_DOWHILE:
		case JSL_N_FOR:
		case JSL_N_FORIN:
		case JSL_N_FOROF:
		case JSL_N_LABEL:
		case JSL_N_TRY:
			collect_vars(g, n->a, fn);
			collect_vars(g, n->b, fn);
			collect_vars(g, n->c, fn);
			collect_vars(g, n->d, fn);
			break;
		case JSL_N_BLOCK:
			collect_vars(g, n->list, fn);
			break;
		case JSL_N_SWITCH:
			for (struct jsl_node *c = n->list; c; c = c->next)
				collect_vars(g, c->b->list, fn);
			break;
		default:
			break;
		}
	}
}

/* var x in a function: a local of the function scope, undefined from the start. */
static void declare_var_local(struct cg *g, struct jsl_node *p)
{
	if (p->kind != JSL_N_IDENT && p->kind != JSL_N_DECL) {
		switch (p->kind) {
		case JSL_N_ASSIGN:
		case JSL_N_SPREAD:
		case JSL_N_PARAM:
			declare_var_local(g, p->a);
			return;
		case JSL_N_ARRAY:
			for (struct jsl_node *x = p->list; x; x = x->next)
				declare_var_local(g, x);
			return;
		case JSL_N_OBJECT:
			for (struct jsl_node *x = p->list; x; x = x->next)
				declare_var_local(g, x->kind == JSL_N_SPREAD ? x->a : x->b);
			return;
		default:
			return;
		}
	}
	{
		struct cg_local *lo;

		if (find_local(g->fs, p->s, p->len))
			return;
		lo = declare_local(g, p, p->s, p->len, false, true);
		emit_abc(g, JSL_OP_LOADU, lo->reg, 0, 0);
		if (lo->cell)
			emit_abc(g, JSL_OP_NEWCELL, lo->reg, lo->reg, 0);
	}
}

static struct cg_global *add_global(struct cg *g, struct jsl_node *at, const char *s, uint32_t len)
{
	struct cg_global *gl;

	if (g->nglobals > JSL_MAX_BX)
		cg_error(g, at, "more than %d global bindings", JSL_MAX_BX + 1);
	g->globals = grow(g, g->globals, &g->capglobals, g->nglobals + 1, sizeof(*g->globals));
	gl = &g->globals[g->nglobals];
	memset(gl, 0, sizeof(*gl));
	gl->name = s;
	gl->len = len;
	ghash_add(g, g->nglobals);
	g->nglobals++;
	return gl;
}

static struct cg_func *new_func(struct cg *g)
{
	struct cg_func *fs = calloc(1, sizeof(*fs));
	uint32_t cap = g->nfuncs;

	if (!fs)
		jsl_nomem(g->C);
	if (g->nfuncs + 1 > JSL_MAX_BX) {
		free(fs);
		cg_error(g, NULL, "more than %d functions", JSL_MAX_BX);
	}
	(void)cap;
	g->funcs = grow(g, g->funcs, &g->capfuncs, g->nfuncs + 1, sizeof(*g->funcs));
	g->funcs[g->nfuncs] = fs;
	fs->idx = g->nfuncs++;
	fs->creg = -1;
	return fs;
}

/* The "use strict" directive of a directive prologue (the leading string statements), or NULL. */
static struct jsl_node *use_strict(struct jsl_node *list)
{
	for (struct jsl_node *n = list; n && n->kind == JSL_N_EXPR && n->a->kind == JSL_N_STR;
	     n = n->next)
		if (name_eq(n->a->s, n->a->len, "use strict", 10))
			return n;
	return NULL;
}

static void compile_function(struct cg *g, struct cg_func *fs, struct jsl_node *f,
			     struct cg_func *parent)
{
	struct cg_func *saved = g->fs;
	uint32_t line = g->line, col = g->col, label_len = g->label_len;
	int optj = g->optj, i = 0, nfixed = 0;
	const char *label = g->label;

	g->fs = fs;
	g->optj = NO_JUMP;
	g->label = NULL;
	fs->parent = parent;
	fs->name = f->s;
	fs->namelen = f->len;
	fs->line = f->line;
	fs->node = f;
	collect_captured(g, &fs->captured, f->list, false);
	collect_captured(g, &fs->captured, f->b, false);
	if (!g->strict && f->b && f->b->kind == JSL_N_BLOCK && use_strict(f->b->list))
		cg_error(g, use_strict(f->b->list),
			 "'use strict' inside a function is not supported in JSLite (put it first "
			 "in the file: all of a program is strict code or none of it)");
	at_node(g, f);
	/* parameters: registers 0..n-1 (a rest parameter the one after the fixed ones) */
	for (struct jsl_node *p = f->list; p; p = p->next) {
		struct jsl_node *t = p->kind == JSL_N_PARAM ? p->a : p;

		if (p->kind == JSL_N_PARAM && (p->flag & JSL_NF_COMPUTED))
			break;
		if (t->kind == JSL_N_IDENT) {
			if (find_local(fs, t->s, t->len))
				cg_error(g, t, "Duplicate parameter name not allowed in this context");
			declare_local(g, t, t->s, t->len, false, true);
		} else {
			reg_alloc(g, 1);
			fs->vartop = fs->freereg;
		}
		nfixed++;
	}
	fs->nparams = (uint32_t)nfixed;
	/* the rest parameter first: it reads arguments from registers the others may use */
	for (struct jsl_node *p = f->list; p; p = p->next) {
		struct jsl_node *t = p->kind == JSL_N_PARAM ? p->a : p;
		int r;

		if (p->kind != JSL_N_PARAM || !(p->flag & JSL_NF_COMPUTED))
			continue;
		at_node(g, p);
		if (t->kind == JSL_N_IDENT) {
			r = declare_local(g, t, t->s, t->len, false, true)->reg;
		} else {
			r = reg_alloc(g, 1);
			fs->vartop = fs->freereg;
		}
		if (r != nfixed)
			cg_error(g, p, "internal error: rest parameter register");
		emit_abc(g, JSL_OP_REST, r, 0, 0);
	}
	if (f->flag & JSL_NF_RECV) {
		/* a method's receiver, before any call (a default) can run: a local named "this" */
		struct cg_local *lo = declare_local(g, f, "this", 4, true, true);

		emit_abc(g, JSL_OP_THIS, lo->reg, 0, 0);
		if (lo->cell)
			emit_abc(g, JSL_OP_NEWCELL, lo->reg, lo->reg, 0);
	}
	for (struct jsl_node *p = f->list; p; p = p->next, i++) {
		struct jsl_node *t = p->kind == JSL_N_PARAM ? p->a : p;

		at_node(g, p);
		if (p->kind == JSL_N_PARAM && (p->flag & JSL_NF_COMPUTED))
			i = nfixed;
		if (p->kind == JSL_N_PARAM && p->b) {
			int save = fs->freereg, u = reg_alloc(g, 1), j;

			emit_abc(g, JSL_OP_LOADU, u, 0, 0);
			emit_abc(g, JSL_OP_JSEQ, i, u, 0);
			j = emit_jump(g);
			fs->freereg = save;
			if (p->b->kind == JSL_N_FUNC && !p->b->s && t->kind == JSL_N_IDENT) {
				p->b->s = t->s;
				p->b->len = t->len;
			}
			expr_to(g, p->b, i);
			patch_here(g, j);
		}
		if (t->kind == JSL_N_IDENT) {
			struct cg_local *lo = find_local(fs, t->s, t->len);

			if (lo->cell)
				emit_abc(g, JSL_OP_NEWCELL, lo->reg, lo->reg, 0);
		} else {
			pattern_names(g, t, false);
			{
				int save = fs->freereg, r = reg_alloc(g, 1);

				emit_move(g, r, i);
				bind_target(g, t, r, BIND_DECL);
				fs->freereg = save;
			}
		}
	}
	collect_vars(g, f->b->kind == JSL_N_BLOCK && !(f->flag & JSL_NF_EXPRBODY) ? f->b->list : NULL,
		     declare_var_local);
	if ((f->flag & JSL_NF_EXPR) && (f->flag & JSL_NF_SHORTHAND) && !find_local(fs, f->s, f->len)) {
		/* function f() {...} as an expression: f names the function inside it */
		struct cg_local *lo = declare_local(g, f, f->s, f->len, false, true);

		emit_abc(g, JSL_OP_SELF, lo->reg, 0, 0);
		if (lo->cell)
			emit_abc(g, JSL_OP_NEWCELL, lo->reg, lo->reg, 0);
	}
	if (f->flag & JSL_NF_EXPRBODY) {
		int r = reg_alloc(g, 1);

		expr_to(g, f->b, r);
		at_node(g, f->b);
		emit_abc(g, JSL_OP_RET, r, 0, 0);
	} else {
		/* the body shares the parameters' scope: `let a` beside parameter a is an error */
		body_statements(g, f->b->list);
		g->line = f->b->line;
		emit_abc(g, JSL_OP_RETU, 0, 0, 0);
	}
	g->fs = saved;
	g->line = line;
	g->col = col;
	g->optj = optj;
	g->label = label;
	g->label_len = label_len;
}

static void compile_closure(struct cg *g, struct jsl_node *f, int dst)
{
	struct cg_func *child = new_func(g);

	compile_function(g, child, f, g->fs);
	at_node(g, f);
	if (child->nup)
		emit_abx(g, JSL_OP_CLOSURE, dst, child->idx);
	else
		emit_abx(g, JSL_OP_LOADFN, dst, child->idx);
}

/* Top-level var x: a global slot or a register of main like a top-level let. */
static void declare_var_main(struct cg *g, struct jsl_node *p)
{
	struct cg_func *fs = g->fs;

	if (p->kind != JSL_N_IDENT && p->kind != JSL_N_DECL) {
		switch (p->kind) {
		case JSL_N_ASSIGN:
		case JSL_N_SPREAD:
			declare_var_main(g, p->a);
			return;
		case JSL_N_ARRAY:
			for (struct jsl_node *x = p->list; x; x = x->next)
				declare_var_main(g, x);
			return;
		case JSL_N_OBJECT:
			for (struct jsl_node *x = p->list; x; x = x->next)
				declare_var_main(g, x->kind == JSL_N_SPREAD ? x->a : x->b);
			return;
		default:
			return;
		}
	}
	{
		struct var v = resolve(g, p->s, p->len);

		if (v.kind == V_GLOBAL && !v.gl->is_func && !v.gl->is_var)
			cg_error(g, p, "Identifier '%.*s' has already been declared", (int)p->len,
				 p->s);
		if (v.kind == V_LOCAL && !v.lo->is_var)
			cg_error(g, p, "Identifier '%.*s' has already been declared", (int)p->len,
				 p->s);
		if (v.kind != V_NONE)
			return;
		if (is_reserved_global(p->s, p->len))
			cg_error(g, p, "Identifier '%.*s' has already been declared", (int)p->len,
				 p->s);
		if (nset_has(&fs->captured, p->s, p->len) || fs->freereg >= JSL_MAX_REGS - 64) {
			struct cg_global *gl = add_global(g, p, p->s, p->len);
			int r = reg_alloc(g, 1);

			gl->is_var = true;
			emit_abc(g, JSL_OP_LOADU, r, 0, 0);
			emit_abx(g, JSL_OP_DEFG, r, g->nglobals - 1);
			fs->freereg--;
		} else {
			struct cg_local *lo = declare_local(g, p, p->s, p->len, false, true);

			lo->cell = false;
			lo->is_var = true;
			emit_abc(g, JSL_OP_LOADU, lo->reg, 0, 0);
		}
	}
}

/* A top-level let/const/function name: a global slot when a function mentions
 * it (or main is short of registers), else a register of main. */
static void declare_main_name(struct cg *g, struct jsl_node *d, bool is_func, bool is_const)
{
	struct cg_func *fs = g->fs;

	if (is_reserved_global(d->s, d->len) || resolve(g, d->s, d->len).kind != V_NONE)
		cg_error(g, d, "Identifier '%.*s' has already been declared", (int)d->len, d->s);
	if (is_func) {
		add_global(g, d, d->s, d->len)->is_func = true;
	} else if (nset_has(&fs->captured, d->s, d->len) || fs->freereg >= JSL_MAX_REGS - 64) {
		add_global(g, d, d->s, d->len)->is_const = is_const;
	} else {
		struct cg_local *lo = declare_local(g, d, d->s, d->len, is_const, false);

		lo->cell = false;
	}
}

/* The names a top-level destructuring declaration binds, as declare_main_name. */
static void main_pattern_names(struct cg *g, struct jsl_node *p, bool is_const)
{
	switch (p->kind) {
	case JSL_N_IDENT:
		declare_main_name(g, p, false, is_const);
		break;
	case JSL_N_ASSIGN:
	case JSL_N_SPREAD:
	case JSL_N_PARAM:
		main_pattern_names(g, p->a, is_const);
		break;
	case JSL_N_ARRAY:
		for (struct jsl_node *x = p->list; x; x = x->next)
			if (x->kind != JSL_N_EMPTY)
				main_pattern_names(g, x, is_const);
		break;
	case JSL_N_OBJECT:
		for (struct jsl_node *x = p->list; x; x = x->next)
			main_pattern_names(g, x->kind == JSL_N_SPREAD ? x->a : x->b, is_const);
		break;
	default:
		cg_error(g, p, "Invalid destructuring assignment target");
	}
}

/* The top level: declarations, hoisted functions, then the statements. */
static void compile_main(struct cg *g)
{
	struct jsl_node *prog = g->C->prog;
	struct cg_func *fs = g->funcs[0];
	struct cg_func **tops;
	uint32_t ntop = 0, k = 0;
	int r;

	g->fs = fs;
	fs->is_main = true;
	g->optj = NO_JUMP;
	collect_captured(g, &fs->captured, prog->list, false);
	fs->creg = reg_alloc(g, 1);
	fs->vartop = fs->freereg;
	g->line = 1;
	emit_abc(g, JSL_OP_LOADU, fs->creg, 0, 0);
	/* strict code throws where a sloppy script ignores a write (a frozen object's) */
	g->strict = use_strict(prog->list) != NULL;
	if (g->strict)
		emit_abc(g, JSL_OP_STRICT, 0, 0, 0);
	/* Top-level bindings: duplicates, then registers or global slots. */
	for (struct jsl_node *n = prog->list; n; n = n->next) {
		struct jsl_node *d = n->kind == JSL_N_LET && !(n->flag & JSL_NF_VAR) ? n->list
				     : n->kind == JSL_N_FUNC			    ? n
										    : NULL;

		if (n->kind == JSL_N_FUNC)
			ntop++;
		for (; d; d = n->kind == JSL_N_LET ? d->next : NULL) {
			if (d->kind == JSL_N_DECL && d->b)
				main_pattern_names(g, d->b, n->flag & JSL_NF_CONST);
			else
				declare_main_name(g, d, n->kind == JSL_N_FUNC, n->flag & JSL_NF_CONST);
		}
	}
	collect_vars(g, prog->list, declare_var_main);
	/* Function declarations are bound before the first statement runs. */
	tops = jsl_alloc(g->C, sizeof(*tops) * (ntop + 1));
	for (struct jsl_node *n = prog->list; n; n = n->next) {
		if (n->kind != JSL_N_FUNC)
			continue;
		tops[k] = new_func(g);
		at_node(g, n);
		r = reg_alloc(g, 1);
		emit_abx(g, JSL_OP_LOADFN, r, tops[k]->idx);
		emit_abx(g, JSL_OP_DEFG, r, (unsigned)resolve(g, n->s, n->len).idx);
		fs->freereg--;
		k++;
	}
	statements(g, prog->list);
	emit_abc(g, JSL_OP_RET, fs->creg, 0, 0);
	k = 0;
	for (struct jsl_node *n = prog->list; n; n = n->next)
		if (n->kind == JSL_N_FUNC)
			compile_function(g, tops[k++], n, NULL);
}

/* ---- chunks ------------------------------------------------------------------------ */

/* Write n table entries as a chain of DATA chunks; *first = 0 when n == 0. */
static int store_table(struct vm_store *st, const struct vm_slot *e, uint32_t n, uint64_t *first)
{
	struct vm_chunk *c = NULL, *prev = NULL;

	*first = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i % JSL_TABLE_PER_CHUNK == 0) {
			c = vm_chain_add(st, VM_CHUNK_DATA, JSL_S_NEXT, &prev, first);
			if (!c)
				return -ENOMEM;
		}
		c->s[i % JSL_TABLE_PER_CHUNK] = e[i];
	}
	return 0;
}

static int store_code(struct vm_store *st, const uint32_t *code, uint32_t n, uint64_t *first)
{
	struct vm_chunk *c = NULL, *prev = NULL;

	*first = 0;
	for (uint32_t i = 0; i < n; i += 2) {
		uint8_t b[8];
		unsigned k = (i / 2) % (VM_CHUNK_SLOTS - 1), m = n - i >= 2 ? 2 : 1;

		if (k == 0) {
			c = vm_chain_add(st, VM_CHUNK_CODE, JSL_S_NEXT, &prev, first);
			if (!c)
				return -ENOMEM;
		}
		for (unsigned j = 0; j < m; j++) {
			uint32_t w = code[i + j];

			b[4 * j] = (uint8_t)w;
			b[4 * j + 1] = (uint8_t)(w >> 8);
			b[4 * j + 2] = (uint8_t)(w >> 16);
			b[4 * j + 3] = (uint8_t)(w >> 24);
		}
		vm_slot_set_bytes(c, k, b, 4 * m);
	}
	return 0;
}

/* A function's (pc << 32 | x) table (lines, call names) as a table of INT entries. */
static int store_pc_table(struct vm_store *st, const uint64_t *t, uint32_t n, uint64_t *first)
{
	struct vm_slot *e = calloc(n ? n : 1, sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		e[i].type = VM_SLOT_INT;
		e[i].v.i = (int64_t)t[i];
	}
	rc = store_table(st, e, n, first);
	free(e);
	return rc;
}

static int store_func(struct vm_store *st, const struct cg_func *fs, uint64_t *id)
{
	struct vm_chunk *c;
	uint64_t code, lines = 0, name = 0, cnames = 0;
	int rc;

	uint64_t upv = 0;

	rc = store_code(st, fs->code, fs->ncode, &code);
	if (!rc)
		rc = store_pc_table(st, fs->lines, fs->nlines, &lines);
	if (!rc && fs->nup) {
		uint64_t *t = calloc(fs->nup, sizeof(*t));

		if (!t)
			return -ENOMEM;
		for (uint32_t i = 0; i < fs->nup; i++)
			t[i] = fs->upv[i].desc;
		rc = store_pc_table(st, t, fs->nup, &upv);
		free(t);
	}
	if (!rc)
		rc = store_pc_table(st, fs->cnames, fs->ncnames, &cnames);
	if (rc)
		return rc;
	if (fs->name) {
		rc = vm_str_store(st, fs->name, fs->namelen, &name);
		if (rc)
			return rc;
	}
	c = vm_store_alloc(st, VM_CHUNK_FUNC);
	if (!c)
		return -ENOMEM;
	vm_slot_set_int(c, JSL_FUNC_S_NPARAMS, fs->nparams);
	vm_slot_set_int(c, JSL_FUNC_S_NREGS, fs->maxreg ? fs->maxreg : 1);
	vm_slot_set_int(c, JSL_FUNC_S_NCODE, fs->ncode);
	vm_slot_set_link(c, JSL_FUNC_S_CODE, code);
	if (name)
		vm_slot_set_link(c, JSL_FUNC_S_NAME, name);
	vm_slot_set_int(c, JSL_FUNC_S_NLINES, fs->nlines);
	if (lines)
		vm_slot_set_link(c, JSL_FUNC_S_LINES, lines);
	vm_slot_set_int(c, JSL_FUNC_S_LINE, fs->line);
	vm_slot_set_int(c, JSL_FUNC_S_NCNAMES, fs->ncnames);
	if (cnames)
		vm_slot_set_link(c, JSL_FUNC_S_CNAMES, cnames);
	if (fs->nup) {
		vm_slot_set_int(c, JSL_FUNC_S_NUP, fs->nup);
		vm_slot_set_link(c, JSL_FUNC_S_UPV, upv);
	}
	*id = c->id;
	return 0;
}

static int store_program(struct cg *g, struct vm_store *st, uint64_t *root)
{
	struct jsl_cc *C = g->C;
	uint32_t nslots = g->nk > g->nfuncs ? g->nk : g->nfuncs;
	struct vm_slot *e;
	uint64_t qos = 0, file, consts, funcs, gnames;
	struct vm_chunk *r;
	int rc;

	if (nslots < g->nglobals)
		nslots = g->nglobals;
	e = calloc(nslots ? nslots : 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	if (C->nqos) {
		rc = vm_qos_store(st, C->qos, C->nqos, &qos);
		if (rc)
			goto out;
	}
	rc = vm_str_store(st, C->file, strlen(C->file), &file);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < g->nk; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		if (g->k[i].is_str) {
			e[i].type = VM_SLOT_LINK;
			rc = vm_str_store(st, g->k[i].s, g->k[i].len, &e[i].v.link);
			if (rc)
				goto out;
		} else {
			e[i].type = VM_SLOT_FLOAT;
			e[i].v.f = g->k[i].num;
		}
	}
	rc = store_table(st, e, g->nk, &consts);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].type = VM_SLOT_LINK;
		rc = store_func(st, g->funcs[i], &e[i].v.link);
		if (rc)
			goto out;
	}
	rc = store_table(st, e, g->nfuncs, &funcs);
	if (rc)
		goto out;
	for (uint32_t i = 0; i < g->nglobals; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].type = VM_SLOT_LINK;
		rc = vm_str_store(st, g->globals[i].name, g->globals[i].len, &e[i].v.link);
		if (rc)
			goto out;
	}
	rc = store_table(st, e, g->nglobals, &gnames);
	if (rc)
		goto out;
	r = vm_store_alloc(st, VM_CHUNK_ROOT);
	if (!r) {
		rc = -ENOMEM;
		goto out;
	}
	vm_slot_set_int(r, VM_ROOT_S_MAGIC, VM_ROOT_MAGIC);
	vm_slot_set_int(r, VM_ROOT_S_VER, VM_ROOT_VERSION);
	if (qos)
		vm_slot_set_link(r, VM_ROOT_S_QOS, qos);
	vm_slot_set_link(r, JSL_ROOT_S_FILE, file);
	vm_slot_set_int(r, JSL_ROOT_S_NCONST, g->nk);
	if (consts)
		vm_slot_set_link(r, JSL_ROOT_S_CONST, consts);
	vm_slot_set_int(r, JSL_ROOT_S_NFUNC, g->nfuncs);
	vm_slot_set_link(r, JSL_ROOT_S_FUNC, funcs);
	vm_slot_set_int(r, JSL_ROOT_S_NGLOBAL, g->nglobals);
	if (gnames)
		vm_slot_set_link(r, JSL_ROOT_S_GLOBAL, gnames);
	/* main is function 0 of the table */
	vm_slot_set_link(r, VM_ROOT_S_MAIN, vm_store_get(st, funcs)->s[0].v.link);
	*root = r->id;
out:
	free(e);
	return rc;
}

int jsl_compile(struct vm_store *st, const char *file, const char *src, size_t len, uint64_t *root,
		char *err, size_t errlen)
{
	struct jsl_cc *C;
	struct cg *g;
	int rc;
	volatile uint32_t nfuncs = 0;
	struct vm_store *volatile tmp = NULL;
	uint64_t r0 = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!st || !src || !root)
		return -EINVAL;
	C = calloc(1, sizeof(*C));
	g = calloc(1, sizeof(*g));
	if (!C || !g) {
		free(C);
		free(g);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory while compiling",
				 file ? file : "?");
		return -ENOMEM;
	}
	C->file = file ? file : "<input>";
	C->src = src;
	C->len = len;
	C->err = err;
	C->errlen = errlen;
	C->cg = g;
	g->C = C;
	if (setjmp(C->jb)) {
		rc = C->rc ? C->rc : -EINVAL;
		goto out;
	}
	if (len > INT32_MAX)
		jsl_error_at(C, 1, 1, "source larger than 2 GiB");
	jsl_parse_program(C);
	(void)nfuncs;
	new_func(g);
	compile_main(g);
	/* Written with provisional ids, then sealed into st under content ids
	 * (vm/chunk.h): the same program has the same ids wherever it is compiled. */
	tmp = vm_store_new(0);
	rc = tmp ? store_program(g, tmp, &r0) : -ENOMEM;
	if (rc < 0 && err && errlen)
		snprintf(err, errlen, "%s: storing the compiled program failed: %s", C->file,
			 strerror(-rc));
	if (rc == 0) {
		char why[160];

		rc = vm_store_seal(st, tmp, r0, root, why, sizeof(why));
		if (rc < 0 && err && errlen)
			snprintf(err, errlen, "%s: storing the compiled program failed: %s",
				 C->file, why);
	}
out:
	vm_store_free(tmp);
	cg_free(g);
	jsl_arena_free(C);
	free(g);
	free(C);
	return rc;
}

int jsl_read_file(const char *path, char **src, size_t *len, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (sb.st_size > 64 << 20) {
		rc = -EFBIG;
		snprintf(err, errlen, "%s: source larger than 64 MiB", path);
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	*src = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

int jsl_compile_file(struct vm_store *st, const char *path, uint64_t *root, char *err,
		     size_t errlen)
{
	char *src;
	size_t len;
	int rc = jsl_read_file(path, &src, &len, err, errlen);

	if (rc < 0)
		return rc;
	rc = jsl_compile(st, path, src, len, root, err, errlen);
	free(src);
	return rc;
}

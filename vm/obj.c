/* SPDX-License-Identifier: MIT */
/*
 * JSLite heap objects: arrays, plain objects and Errors, Maps and Sets (one
 * ordered hash table), captured-variable cells, closures and typed arrays;
 * property access on any value, iteration for spread and for-of, and the
 * two printers that see inside objects: node's util.inspect and JSON.
 *
 * Every object is charged to the per-Tasklet heap (struct jsl_heap) with
 * the bytes it holds outside itself, so the collector's bound covers them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/jsl_int.h"

const char *const jsl_cls_names[JSL_CLS_COUNT] = {
    "Object",	   "Error",  "TypeError", "RangeError", "ReferenceError",
    "SyntaxError", "Object", "Array",	  "Function",	"Map",
    "Set",	   "Uint8Array", "Int32Array", "Float64Array",
};

/* ---- allocation ---------------------------------------------------------------- */

void *jsl_mem_alloc(struct jsl_heap *h, size_t size, bool zero, uint8_t *pool)
{
	unsigned c = (unsigned)(size + 15) / 16;
	void *p;

	if (size > JSL_POOL_MAX) {
		*pool = 0;
		p = zero ? calloc(1, size) : malloc(size);
		if (p && (uintptr_t)p + size > JV_PAYLOAD) { /* cannot box a pointer above 2^48 */
			free(p);
			return NULL;
		}
		return p;
	}
	*pool = (uint8_t)c;
	p = h->freel[c];
	if (p) {
		h->freel[c] = *(void **)p;
		__builtin_prefetch(h->freel[c], 1); /* the next one of this class */
	} else {
		if ((size_t)(h->bump_end - h->bump) < c * 16u) {
			char *k = malloc(JSL_POOL_CHUNK);

			if (!k)
				return NULL;
			if ((uintptr_t)k + JSL_POOL_CHUNK > JV_PAYLOAD) {
				free(k);
				return NULL;
			}
			*(void **)k = h->chunks;
			h->chunks = k;
			h->bump = k + 16;
			h->bump_end = k + JSL_POOL_CHUNK;
		}
		p = h->bump;
		h->bump += c * 16u;
	}
	if (zero)
		memset(p, 0, c * 16u);
	return p;
}

void *jsl_obj_alloc(struct jsl_heap *h, unsigned type, size_t size)
{
	struct jsl_obj *o;
	uint8_t pool;

	if (!jsl_heap_room(h, size) || size > UINT32_MAX) {
		h->oom = true;
		return NULL;
	}
	o = jsl_mem_alloc(h, size, true, &pool);
	if (!o) {
		h->oom = true;
		return NULL;
	}
	o->pool = pool;
	o->next = h->objs;
	o->size = (uint32_t)size;
	o->type = (uint8_t)type;
	h->objs = o;
	h->used += size;
	return o;
}

bool jsl_heap_room_slow(struct jsl_heap *h, size_t size)
{
	if (h->collect && h->used + size > h->threshold) {
		h->collect(h, h->ctx);
		if (h->used + size > h->limit && !h->last_major) {
			/* the minor collection left the old garbage: all of it then */
			h->force_major = true;
			h->collect(h, h->ctx);
		}
	}
	return h->used + size <= h->limit;
}

void jsl_wb_slow(struct jsl_heap *h, struct jsl_obj *o)
{
	if (h->nrem == h->caprem) {
		size_t nc = h->caprem ? h->caprem * 2 : 256;
		struct jsl_obj **r = realloc(h->rem, nc * sizeof(*r));

		if (!r) {
			h->rem_lost = true; /* the next collection marks everything */
			return;
		}
		h->rem = r;
		h->caprem = nc;
	}
	o->rem = 1;
	h->rem[h->nrem++] = o;
}

bool jsl_heap_charge(struct jsl_heap *h, struct jsl_obj *o, int64_t delta)
{
	if (delta > 0) {
		if (!jsl_heap_room(h, (size_t)delta) ||
		    (uint64_t)o->size + (uint64_t)delta > UINT32_MAX) {
			h->oom = true;
			return false;
		}
	}
	h->used += (size_t)delta;
	o->size = (uint32_t)((int64_t)o->size + delta);
	return true;
}

void jsl_obj_free(struct jsl_heap *h, struct jsl_obj *o)
{
	switch (o->type) {
	case JSL_OBJ_ARR:
		free(((struct jsl_arr *)o)->v);
		break;
	case JSL_OBJ_OBJ:
	case JSL_OBJ_MAP:
	case JSL_OBJ_SET:
		if (!((struct jsl_objt *)o)->t.inl)
			free(((struct jsl_objt *)o)->t.e);
		free(((struct jsl_objt *)o)->t.idx);
		break;
	case JSL_OBJ_TARR:
		free(((struct jsl_tarr *)o)->p);
		break;
	case JSL_OBJ_STR: {
		struct jsl_str *s = (struct jsl_str *)o;

		if (!s->base && s->s != s->data)
			free(s->s);
		break;
	}
	default:
		break;
	}
	jsl_mem_free(h, o, o->pool);
}

static int vm_oom(struct jsl_vm *vm)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "heap limit of %zu bytes reached", vm->heap.limit);
	return jsl_oom(vm, msg);
}

bool jsl_root_push(struct jsl_vm *vm, jv v)
{
	if (vm->nx == vm->capx) {
		uint32_t nc = vm->capx ? vm->capx * 2 : 64;
		jv *p = realloc(vm->xroots, nc * sizeof(*p));

		if (!p)
			return false;
		vm->xroots = p;
		vm->capx = nc;
	}
	vm->xroots[vm->nx++] = v;
	return true;
}

int jsl_new_arr(struct jsl_vm *vm, uint32_t cap, jv *out)
{
	struct jsl_arr *a = jsl_obj_alloc(&vm->heap, JSL_OBJ_ARR, sizeof(*a));

	if (!a)
		return vm_oom(vm);
	*out = jv_from_obj(a);
	if (cap) {
		if (!jsl_root_push(vm, *out))
			return vm_oom(vm);
		if (!jsl_heap_charge(&vm->heap, &a->h, (int64_t)cap * 8)) {
			jsl_root_pop(vm, 1);
			return vm_oom(vm);
		}
		jsl_root_pop(vm, 1);
		a->v = malloc((size_t)cap * sizeof(jv));
		if (!a->v)
			return vm_oom(vm);
		a->cap = cap;
	}
	return 0;
}

#define ARR_MAX (1u << 27)

static int arr_reserve(struct jsl_vm *vm, struct jsl_arr *a, uint64_t need)
{
	uint64_t nc;
	jv *p;

	if (need <= a->cap)
		return 0;
	if (need > ARR_MAX)
		return jsl_throw(vm, "RangeError: Invalid array length");
	nc = a->cap ? (uint64_t)a->cap * 2 : 4;
	while (nc < need)
		nc *= 2;
	if (nc > ARR_MAX)
		nc = ARR_MAX;
	/* a stays reachable: callers hold it in a register or a root */
	if (!jsl_root_push(vm, jv_from_obj(a)))
		return vm_oom(vm);
	if (!jsl_heap_charge(&vm->heap, &a->h, (int64_t)(nc - a->cap) * 8)) {
		jsl_root_pop(vm, 1);
		return vm_oom(vm);
	}
	jsl_root_pop(vm, 1);
	p = realloc(a->v, nc * sizeof(jv));
	if (!p)
		return vm_oom(vm);
	a->v = p;
	a->cap = (uint32_t)nc;
	return 0;
}

int jsl_arr_push(struct jsl_vm *vm, struct jsl_arr *a, jv v)
{
	if (a->len == a->cap) {
		if (!jsl_root_push(vm, v))
			return vm_oom(vm);
		if (arr_reserve(vm, a, (uint64_t)a->len + 1) < 0) {
			jsl_root_pop(vm, 1);
			return -1;
		}
		jsl_root_pop(vm, 1);
	}
	jsl_wb(&vm->heap, a);
	a->v[a->len++] = v;
	return 0;
}

int jsl_arr_resize(struct jsl_vm *vm, struct jsl_arr *a, uint32_t len)
{
	if (len > a->len) {
		if (arr_reserve(vm, a, len) < 0)
			return -1;
		for (uint32_t i = a->len; i < len; i++)
			a->v[i] = JV_UNDEF;
	}
	a->len = len;
	return 0;
}

int jsl_new_objt_n(struct jsl_vm *vm, unsigned type, uint32_t n, jv *out)
{
	struct jsl_objt *o;

	if (n > JSL_OBJ_INLINE_MAX)
		n = JSL_OBJ_INLINE_MAX;
	o = jsl_obj_alloc(&vm->heap, type, sizeof(*o) + (size_t)n * 2 * sizeof(jv));
	if (!o)
		return vm_oom(vm);
	o->msg = JV_UNDEF;
	if (n) {
		o->t.e = o->in;
		o->t.cap = n;
		o->t.inl = true;
	}
	*out = jv_from_obj(o);
	return 0;
}

int jsl_new_objt(struct jsl_vm *vm, unsigned type, jv *out)
{
	struct jsl_objt *o = jsl_obj_alloc(&vm->heap, type, sizeof(*o));

	if (!o)
		return vm_oom(vm);
	o->msg = JV_UNDEF;
	*out = jv_from_obj(o);
	return 0;
}

int jsl_new_error(struct jsl_vm *vm, unsigned cls, const char *msg, size_t len, jv *out)
{
	jv s, o = JV_UNDEF;

	if (jsl_new_str(vm, msg, len, &s) < 0)
		return -1;
	if (!jsl_root_push(vm, s))
		return vm_oom(vm);
	if (jsl_new_objt(vm, JSL_OBJ_OBJ, &o) < 0) {
		jsl_root_pop(vm, 1);
		return -1;
	}
	jsl_root_pop(vm, 1);
	((struct jsl_objt *)jv_obj(o))->cls = (uint8_t)cls;
	jsl_wb(&vm->heap, jv_obj(o));
	((struct jsl_objt *)jv_obj(o))->msg = s;
	*out = o;
	return 0;
}

/* ---- hash tables ------------------------------------------------------------------ */

static uint32_t str_hash(const struct jsl_str *cs)
{
	struct jsl_str *s = (struct jsl_str *)cs; /* the cache is not part of the value */
	uint32_t h = 2166136261u;

	if (s->hash)
		return s->hash;
	for (uint32_t i = 0; i < s->len; i++)
		h = (h ^ (unsigned char)s->s[i]) * 16777619u;
	s->hash = h ? h : 1;
	return s->hash;
}

uint32_t jsl_val_hash(jv v)
{
	uint64_t x;

	if (jv_is(v, JV_T_STR))
		return str_hash(jv_str(v));
	if (jv_is_num(v) && jv_num(v) == 0)
		v = 0; /* -0 and +0 */
	x = v * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32);
}

bool jsl_same_value_zero(jv a, jv b)
{
	if (jv_is_num(a) && jv_is_num(b)) {
		double x = jv_num(a), y = jv_num(b);

		return x == y || (x != x && y != y);
	}
	return jsl_strict_eq(a, b);
}

#define TAB_LINEAR JSL_TAB_LINEAR

int64_t jsl_tab_find(const struct jsl_tab *t, jv key)
{
	if (!t->idx) {
		/* the same string object first (keys from the program's constants) */
		for (uint32_t i = 0; i < t->n; i++)
			if (t->e[2 * i] == key)
				return i;
		for (uint32_t i = 0; i < t->n; i++)
			if (t->e[2 * i] != JV_HOLE && jsl_same_value_zero(t->e[2 * i], key))
				return i;
		return -1;
	}
	for (uint32_t h = jsl_val_hash(key) & (t->hcap - 1);; h = (h + 1) & (t->hcap - 1)) {
		uint32_t k = t->idx[h];

		if (!k)
			return -1;
		if (k != UINT32_MAX && jsl_same_value_zero(t->e[2 * (k - 1)], key))
			return k - 1;
	}
}

static bool tab_reindex(struct jsl_tab *t, uint32_t hcap)
{
	uint32_t *idx = calloc(hcap, sizeof(*idx));

	if (!idx)
		return false;
	free(t->idx);
	t->idx = idx;
	t->hcap = hcap;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h;

		if (t->e[2 * i] == JV_HOLE)
			continue;
		for (h = jsl_val_hash(t->e[2 * i]) & (hcap - 1); idx[h]; h = (h + 1) & (hcap - 1))
			;
		idx[h] = i + 1;
	}
	return true;
}

/* Drop deleted entries (keeps order). */
static void tab_compact(struct jsl_tab *t)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		if (t->e[2 * i] == JV_HOLE)
			continue;
		t->e[2 * j] = t->e[2 * i];
		t->e[2 * j + 1] = t->e[2 * i + 1];
		j++;
	}
	t->n = j;
}

bool jsl_tab_set(struct jsl_heap *h, struct jsl_obj *o, struct jsl_tab *t, jv key, jv val)
{
	int64_t i = jsl_tab_find(t, key);

	if (i >= 0) {
		jsl_wb(h, o);
		t->e[2 * i + 1] = val;
		return true;
	}
	if (t->n == t->cap && t->live < t->n / 2 && t->n >= 8 && !t->niter) {
		tab_compact(t);
		if (t->idx && !tab_reindex(t, t->hcap))
			return false;
	}
	if (t->n == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 2;
		jv *e;

		if (!jsl_heap_charge(h, o, (int64_t)(nc - t->cap) * 16))
			return false;
		if (t->inl) { /* out of the object's inline storage */
			e = malloc((size_t)nc * 2 * sizeof(jv));
			if (e)
				memcpy(e, t->e, (size_t)t->n * 2 * sizeof(jv));
		} else {
			e = realloc(t->e, (size_t)nc * 2 * sizeof(jv));
		}
		if (!e)
			return false;
		t->e = e;
		t->inl = false;
		t->cap = nc;
	}
	jsl_wb(h, o);
	t->e[2 * t->n] = key;
	t->e[2 * t->n + 1] = val;
	t->n++;
	t->live++;
	if (t->n > TAB_LINEAR && (!t->idx || t->n * 2 > t->hcap)) {
		uint32_t hc = t->hcap ? t->hcap : 16;

		while (hc < t->n * 2)
			hc *= 2;
		if (hc != t->hcap && !jsl_heap_charge(h, o, (int64_t)(hc - t->hcap) * 4))
			return false;
		if (!tab_reindex(t, hc))
			return false;
	} else if (t->idx) {
		uint32_t hh;

		for (hh = jsl_val_hash(key) & (t->hcap - 1); t->idx[hh] && t->idx[hh] != UINT32_MAX;
		     hh = (hh + 1) & (t->hcap - 1))
			;
		t->idx[hh] = t->n;
	}
	return true;
}

bool jsl_tab_del(struct jsl_tab *t, jv key)
{
	int64_t i = jsl_tab_find(t, key);

	if (i < 0)
		return false;
	if (t->idx) {
		for (uint32_t h = jsl_val_hash(key) & (t->hcap - 1);; h = (h + 1) & (t->hcap - 1)) {
			if (t->idx[h] == (uint32_t)i + 1) {
				t->idx[h] = UINT32_MAX; /* tombstone */
				break;
			}
		}
	}
	t->e[2 * i] = JV_HOLE;
	t->e[2 * i + 1] = JV_UNDEF;
	t->live--;
	if (!t->live && !t->niter) {
		t->n = 0;
		if (t->idx)
			memset(t->idx, 0, t->hcap * sizeof(*t->idx));
	}
	return true;
}

void jsl_tab_clear(struct jsl_tab *t)
{
	/* a for-of walking it live (vm/iter.c) goes on with what is added next */
	for (uint32_t i = 0; t->niter && i < t->n; i++) {
		t->e[2 * i] = JV_HOLE;
		t->e[2 * i + 1] = JV_UNDEF;
	}
	if (!t->niter)
		t->n = 0;
	t->live = 0;
	if (t->idx)
		memset(t->idx, 0, t->hcap * sizeof(*t->idx));
}

int jsl_obj_put(struct jsl_vm *vm, struct jsl_objt *o, jv key, jv val)
{
	bool ok;

	if (!jsl_root_push(vm, key) || !jsl_root_push(vm, val) ||
	    !jsl_root_push(vm, jv_from_obj(o)))
		return vm_oom(vm);
	ok = jsl_tab_set(&vm->heap, &o->h, &o->t, key, val);
	jsl_root_pop(vm, 3);
	return ok ? 0 : vm_oom(vm);
}

/* ---- keys ------------------------------------------------------------------------- */

int64_t jsl_str_index(const struct jsl_str *s)
{
	int64_t v = 0;

	if (!s->len || s->len > 10 || (s->s[0] == '0' && s->len > 1))
		return -1;
	for (uint32_t i = 0; i < s->len; i++) {
		if (s->s[i] < '0' || s->s[i] > '9')
			return -1;
		v = v * 10 + (s->s[i] - '0');
	}
	return v < 4294967295ll ? v : -1;
}

int jsl_to_key(struct jsl_vm *vm, jv key, jv *out)
{
	struct jsl_buf b = {.ok = true};

	if (jv_is(key, JV_T_STR)) {
		*out = key;
		return 0;
	}
	if (jv_is_num(key)) {
		double d = jv_num(key);

		if (d >= 0 && d < 128 && d == (int)d) {
			char c[4];
			int n = snprintf(c, sizeof(c), "%d", (int)d);

			return jsl_new_str(vm, c, (size_t)n, out);
		}
	}
	jsl_to_string_buf(vm->prog, key, &b);
	return jsl_buf_to_str(vm, &b, out);
}

static int cmp_index_keys(const void *a, const void *b)
{
	int64_t x = jsl_str_index(jv_str(*(const jv *)a)), y = jsl_str_index(jv_str(*(const jv *)b));

	return x < y ? -1 : x > y;
}

int jsl_own_keys(struct jsl_vm *vm, jv obj, jv *out)
{
	struct jsl_arr *a;
	uint32_t nint = 0;

	if (jsl_new_arr(vm, 0, out) < 0)
		return -1;
	a = (struct jsl_arr *)jv_obj(*out);
	if (!jsl_root_push(vm, *out))
		return vm_oom(vm);
	if (jv_is_objtype(obj, JSL_OBJ_ARR) || jv_is_objtype(obj, JSL_OBJ_TARR) ||
	    jv_is(obj, JV_T_STR)) {
		uint32_t n = jv_is(obj, JV_T_STR) ? jv_str(obj)->ulen
			     : jv_is_objtype(obj, JSL_OBJ_ARR)
				 ? ((struct jsl_arr *)jv_obj(obj))->len
				 : ((struct jsl_tarr *)jv_obj(obj))->len;

		for (uint32_t i = 0; i < n; i++) {
			char c[16];
			int k = snprintf(c, sizeof(c), "%u", i);
			jv s;

			if (jsl_new_str(vm, c, (size_t)k, &s) < 0 || jsl_arr_push(vm, a, s) < 0)
				goto fail;
		}
	} else if (jv_is_objtype(obj, JSL_OBJ_OBJ)) {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);

		for (uint32_t i = 0; i < o->t.n; i++) {
			jv k = o->t.e[2 * i];

			if (k == JV_HOLE)
				continue;
			if (jsl_arr_push(vm, a, k) < 0)
				goto fail;
			if (jsl_str_index(jv_str(k)) >= 0)
				nint++;
		}
		if (nint) {
			/* integer keys first, ascending; the rest keep insertion order */
			jv *tmp = malloc((size_t)a->len * sizeof(jv));
			uint32_t ni = 0, no = nint;

			if (!tmp)
				goto fail;
			for (uint32_t i = 0; i < a->len; i++) {
				if (jsl_str_index(jv_str(a->v[i])) >= 0)
					tmp[ni++] = a->v[i];
				else
					tmp[no++] = a->v[i];
			}
			qsort(tmp, nint, sizeof(jv), cmp_index_keys);
			jsl_wb(&vm->heap, a);
			memcpy(a->v, tmp, (size_t)a->len * sizeof(jv));
			free(tmp);
		}
	}
	jsl_root_pop(vm, 1);
	jsl_charge(vm, a->len);
	return 0;
fail:
	jsl_root_pop(vm, 1);
	return -1;
}

/* ---- properties ------------------------------------------------------------------ */

static bool key_is(jv key, const char *s)
{
	size_t n = strlen(s);

	return jv_is(key, JV_T_STR) && jv_str(key)->len == n && !memcmp(jv_str(key)->s, s, n);
}

/* The array index that key names (a number or a canonical string), or -1. */
static int64_t key_index(jv key)
{
	if (jv_is_num(key)) {
		double d = jv_num(key);

		return d >= 0 && d < 4294967295.0 && d == (double)(uint32_t)d ? (int64_t)d : -1;
	}
	if (jv_is(key, JV_T_STR))
		return jsl_str_index(jv_str(key));
	return -1;
}

static int read_of_nullish(struct jsl_vm *vm, jv obj, jv key)
{
	struct jsl_buf kb = {.ok = true};
	int rc;

	jsl_to_string_buf(vm->prog, key, &kb);
	rc = jsl_throw(vm, "TypeError: Cannot read properties of %s (reading '%.60s')",
		       jv_is(obj, JV_T_NULL) ? "null" : "undefined", kb.ok && kb.p ? kb.p : "");
	free(kb.p);
	return rc;
}

int jsl_get_prop(struct jsl_vm *vm, jv obj, jv key, jv *out)
{
	int64_t i;

	*out = JV_UNDEF;
	if (jv_is(obj, JV_T_UNDEF) || jv_is(obj, JV_T_NULL))
		return read_of_nullish(vm, obj, key);
	if (!jv_is(obj, JV_T_OBJ)) {
		if (jv_is(obj, JV_T_STR)) {
			if (key_is(key, "length")) {
				*out = jv_from_num(jv_str(obj)->ulen);
				return 0;
			}
			i = key_index(key);
			if (i >= 0)
				return jsl_char_at(vm, obj, (double)i, out);
		}
		if (jv_is(obj, JV_T_FUNC) && key_is(key, "length"))
			*out = jv_from_num(jv_is_native(obj) ? 1
							     : vm->prog->funcs[jv_payload(obj)].nparams);
		if (jv_is(obj, JV_T_FUNC) && key_is(key, "name")) {
			const char *n = jv_is_native(obj)
					    ? jsl_natives[jv_payload(obj) - JSL_NATFN].name
					    : vm->prog->funcs[jv_payload(obj)].name;

			return jsl_new_str(vm, n, strlen(n), out);
		}
		return 0;
	}
	switch (jv_obj(obj)->type) {
	case JSL_OBJ_ARR: {
		struct jsl_arr *a = (struct jsl_arr *)jv_obj(obj);

		i = key_index(key);
		if (i >= 0) {
			if (i < a->len)
				*out = a->v[i];
		} else if (key_is(key, "length")) {
			*out = jv_from_num(a->len);
		}
		return 0;
	}
	case JSL_OBJ_TARR: {
		struct jsl_tarr *t = (struct jsl_tarr *)jv_obj(obj);

		i = key_index(key);
		if (i >= 0) {
			if (i < t->len)
				*out = jv_from_num(jsl_tarr_get(t, (uint32_t)i));
		} else if (key_is(key, "length")) {
			*out = jv_from_num(t->len);
		}
		return 0;
	}
	case JSL_OBJ_OBJ: {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);
		jv k = key;

		if (!jv_is(k, JV_T_STR)) {
			if (jsl_to_key(vm, key, &k) < 0)
				return -1;
		}
		i = jsl_tab_find(&o->t, k);
		if (i >= 0) {
			*out = o->t.e[2 * i + 1];
		} else if (o->cls && o->cls <= JSL_CLS_SYNTAXERROR) {
			if (key_is(k, "message"))
				*out = o->msg;
			else if (key_is(k, "name"))
				return jsl_new_str(vm, jsl_cls_names[o->cls],
						   strlen(jsl_cls_names[o->cls]), out);
		}
		return 0;
	}
	case JSL_OBJ_MAP:
	case JSL_OBJ_SET:
		if (key_is(key, "size"))
			*out = jv_from_num(((struct jsl_objt *)jv_obj(obj))->t.live);
		return 0;
	case JSL_OBJ_CLOS:
		if (key_is(key, "length"))
			*out = jv_from_num(
			    vm->prog->funcs[((struct jsl_clos *)jv_obj(obj))->fn].nparams);
		if (key_is(key, "name")) {
			const char *n = vm->prog->funcs[((struct jsl_clos *)jv_obj(obj))->fn].name;

			return jsl_new_str(vm, n, strlen(n), out);
		}
		return 0;
	default:
		return 0;
	}
}

/* Strict code writing a property of a primitive: "Cannot create property 'x' on string 'abc'". */
static int strict_primitive_write(struct jsl_vm *vm, jv obj, jv key)
{
	struct jsl_buf kb = {.ok = true}, vb = {.ok = true};
	int rc;

	jsl_to_string_buf(vm->prog, key, &kb);
	jsl_to_string_buf(vm->prog, obj, &vb);
	rc = jsl_throw(vm, "TypeError: Cannot create property '%.60s' on %s '%.60s'",
		       kb.ok && kb.p ? kb.p : "", jsl_typeof(obj), vb.ok && vb.p ? vb.p : "");
	free(kb.p);
	free(vb.p);
	return rc;
}

int jsl_frozen_error(struct jsl_vm *vm, jv obj, jv key, bool del)
{
	struct jsl_buf kb = {.ok = true};
	const char *k, *what = "[object Array]";
	bool exists;
	int rc;

	jsl_to_string_buf(vm->prog, key, &kb);
	k = kb.ok && kb.p ? kb.p : "";
	if (jv_is_objtype(obj, JSL_OBJ_ARR)) {
		int64_t i = key_index(key);

		exists = (i >= 0 && i < ((struct jsl_arr *)jv_obj(obj))->len) || key_is(key, "length");
	} else {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);
		jv sk = key;

		what = o->cls && o->cls <= JSL_CLS_SYNTAXERROR ? NULL : "#<Object>";
		exists = (jv_is(sk, JV_T_STR) || jsl_to_key(vm, key, &sk) >= 0) &&
			 jsl_tab_find(&o->t, sk) >= 0;
	}
	if (!what)
		what = "#<Error>";
	if (del)
		rc = jsl_throw(vm, "TypeError: Cannot delete property '%.60s' of %s", k, what);
	else if (exists)
		rc = jsl_throw(vm, "TypeError: Cannot assign to read only property '%.60s' of object '%s'",
			       k, what);
	else
		rc = jsl_throw(vm, "TypeError: Cannot add property %.60s, object is not extensible", k);
	free(kb.p);
	return rc;
}

int jsl_set_prop(struct jsl_vm *vm, jv obj, jv key, jv val)
{
	int64_t i;

	if (jv_is(obj, JV_T_UNDEF) || jv_is(obj, JV_T_NULL)) {
		struct jsl_buf kb = {.ok = true};
		int rc;

		jsl_to_string_buf(vm->prog, key, &kb);
		rc = jsl_throw(vm, "TypeError: Cannot set properties of %s (setting '%.60s')",
			       jv_is(obj, JV_T_NULL) ? "null" : "undefined",
			       kb.ok && kb.p ? kb.p : "");
		free(kb.p);
		return rc;
	}
	if (!jv_is(obj, JV_T_OBJ) && vm->strict)
		return strict_primitive_write(vm, obj, key);
	if (!jv_is(obj, JV_T_OBJ))
		return 0; /* primitives: silently ignored, as in sloppy JavaScript */
	switch (jv_obj(obj)->type) {
	case JSL_OBJ_ARR: {
		struct jsl_arr *a = (struct jsl_arr *)jv_obj(obj);

		if (a->frozen)
			return vm->strict ? jsl_frozen_error(vm, obj, key, false) : 0;
		i = key_index(key);
		if (i >= 0) {
			if (i < a->len) {
				jsl_wb(&vm->heap, a);
				a->v[i] = val;
				return 0;
			}
			if (i > ARR_MAX)
				return jsl_throw(vm, "RangeError: Invalid array length");
			if (!jsl_root_push(vm, val))
				return vm_oom(vm);
			if (jsl_arr_resize(vm, a, (uint32_t)i + 1) < 0) {
				jsl_root_pop(vm, 1);
				return -1;
			}
			jsl_root_pop(vm, 1);
			jsl_wb(&vm->heap, a);
			a->v[i] = val;
			return 0;
		}
		if (key_is(key, "length")) {
			double d = jsl_to_num(val);

			if (!(d >= 0 && d <= 4294967295.0 && d == floor(d)))
				return jsl_throw(vm, "RangeError: Invalid array length");
			if (d > ARR_MAX)
				return jsl_throw(vm, "RangeError: Invalid array length");
			return jsl_arr_resize(vm, a, (uint32_t)d);
		}
		return jsl_throw(vm, "TypeError: JSLite arrays have no named properties "
				     "(setting a non-index property of an array)");
	}
	case JSL_OBJ_TARR: {
		struct jsl_tarr *t = (struct jsl_tarr *)jv_obj(obj);

		i = key_index(key);
		if (i >= 0 && i < t->len)
			jsl_tarr_set(t, (uint32_t)i, jsl_to_num(val));
		return 0;
	}
	case JSL_OBJ_OBJ: {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(obj);
		jv k = key;
		int rc;

		if (o->frozen)
			return vm->strict ? jsl_frozen_error(vm, obj, key, false) : 0;
		if (o->cls && o->cls <= JSL_CLS_SYNTAXERROR && key_is(key, "message")) {
			jsl_wb(&vm->heap, o);
			o->msg = val;
			return 0;
		}
		if (!jv_is(k, JV_T_STR)) {
			if (!jsl_root_push(vm, val))
				return vm_oom(vm);
			rc = jsl_to_key(vm, key, &k);
			jsl_root_pop(vm, 1);
			if (rc < 0)
				return -1;
		}
		return jsl_obj_put(vm, o, k, val);
	}
	default:
		return 0;
	}
}

bool jsl_instanceof(jv v, unsigned cls)
{
	if (jv_is(v, JV_T_FUNC))
		return cls == JSL_CLS_FUNCTION || cls == JSL_CLS_OBJECT;
	if (!jv_is(v, JV_T_OBJ))
		return false;
	if (cls == JSL_CLS_OBJECT)
		return true;
	switch (jv_obj(v)->type) {
	case JSL_OBJ_ARR:
		return cls == JSL_CLS_ARRAY;
	case JSL_OBJ_CLOS:
		return cls == JSL_CLS_FUNCTION;
	case JSL_OBJ_MAP:
		return cls == JSL_CLS_MAP;
	case JSL_OBJ_SET:
		return cls == JSL_CLS_SET;
	case JSL_OBJ_TARR:
		return cls == JSL_CLS_UINT8ARRAY + (unsigned)((struct jsl_tarr *)jv_obj(v))->kind;
	case JSL_OBJ_OBJ: {
		unsigned c = ((struct jsl_objt *)jv_obj(v))->cls;

		if (!c)
			return false;
		return cls == c || cls == JSL_CLS_ERROR;
	}
	default:
		return false;
	}
}

/* ---- iteration -------------------------------------------------------------------- */

int jsl_spread(struct jsl_vm *vm, struct jsl_arr *a, jv it)
{
	int rc = 0;

	if (!jsl_root_push(vm, it) || !jsl_root_push(vm, jv_from_obj(a)))
		return vm_oom(vm);
	if (jv_is(it, JV_T_STR)) {
		const struct jsl_str *s = jv_str(it);

		for (uint32_t i = 0; i < s->len && !rc;) {
			unsigned char c = (unsigned char)s->s[i];
			uint32_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
			jv ch;

			if (i + n > s->len)
				n = s->len - i;
			if (n == 1 && c < 0x80) /* a stray byte >= 0x80 (bytes from the source) is no ASCII */
				ch = vm->chars[c];
			else if ((rc = jsl_new_str(vm, jv_str(it)->s + i, n, &ch)) < 0)
				break;
			rc = jsl_arr_push(vm, a, ch);
			i += n;
			s = jv_str(it);
		}
	} else if (jv_is_objtype(it, JSL_OBJ_ARR)) {
		struct jsl_arr *src = (struct jsl_arr *)jv_obj(it);

		for (uint32_t i = 0; i < src->len && !rc; i++)
			rc = jsl_arr_push(vm, a, src->v[i]);
	} else if (jv_is_objtype(it, JSL_OBJ_TARR)) {
		struct jsl_tarr *t = (struct jsl_tarr *)jv_obj(it);

		for (uint32_t i = 0; i < t->len && !rc; i++)
			rc = jsl_arr_push(vm, a, jv_from_num(jsl_tarr_get(t, i)));
	} else if (jv_is_objtype(it, JSL_OBJ_SET)) {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(it);

		for (uint32_t i = 0; i < o->t.n && !rc; i++)
			if (o->t.e[2 * i] != JV_HOLE)
				rc = jsl_arr_push(vm, a, o->t.e[2 * i]);
	} else if (jv_is_objtype(it, JSL_OBJ_MAP)) {
		struct jsl_objt *o = (struct jsl_objt *)jv_obj(it);

		for (uint32_t i = 0; i < o->t.n && !rc; i++) {
			jv pair;

			if (o->t.e[2 * i] == JV_HOLE)
				continue;
			rc = jsl_new_arr(vm, 2, &pair);
			if (!rc) {
				struct jsl_arr *p = (struct jsl_arr *)jv_obj(pair);

				jsl_wb(&vm->heap, p);
				p->v[0] = o->t.e[2 * i];
				p->v[1] = o->t.e[2 * i + 1];
				p->len = 2;
				rc = jsl_arr_push(vm, a, pair);
			}
		}
	} else {
		rc = jsl_not_iterable(vm, it);
	}
	jsl_root_pop(vm, 2);
	if (!rc)
		jsl_charge(vm, a->len);
	return rc;
}

/* ---- util.inspect ------------------------------------------------------------------ */

struct insp {
	const struct jsl_prog *p;
	int indent;
	int cur_depth;
	const void *seen[64];
	int nseen;
	const void *circ; /* the object a [Circular *1] points at */
};

struct strv {
	char **s;
	size_t *len;
	size_t n, cap;
	bool ok;
};

static void sv_push(struct strv *v, struct jsl_buf *b)
{
	if (!b->ok) {
		v->ok = false;
		free(b->p);
		return;
	}
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 8;
		char **s = realloc(v->s, nc * sizeof(*s));
		size_t *l = s ? realloc(v->len, nc * sizeof(*l)) : NULL;

		if (s)
			v->s = s;
		if (!s || !l) {
			v->ok = false;
			free(b->p);
			return;
		}
		v->len = l;
		v->cap = nc;
	}
	v->s[v->n] = b->p ? b->p : calloc(1, 1);
	v->len[v->n++] = b->len;
}

static void sv_free(struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
	free(v->len);
}

static void insp_value(struct insp *c, jv v, int recurse, struct jsl_buf *b);

static bool is_ident_key(const struct jsl_str *s)
{
	if (!s->len)
		return false;
	for (uint32_t i = 0; i < s->len; i++) {
		char ch = s->s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
		      (i && ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

static void put_spaces(struct jsl_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		jsl_buf_putc(b, ' ');
}

/* An entry's length as reduceToSingleString measures it: UTF-16 code units. */
static size_t u16_len(const char *s, size_t n)
{
	size_t u = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch & 0xc0) != 0x80)
			u += ch >= 0xf0 ? 2 : 1;
	}
	return u;
}

/* East Asian wide and emoji code points: two columns in node's getStringWidth. */
static bool is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	       (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	       (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/*
 * An entry's width as groupArrayElements measures it (getStringWidth): a
 * column per character, two for wide ones, none for C0 controls, combining
 * marks and variation selectors. ICU's full tables are approximated by the
 * ranges of is_wide.
 */
static size_t col_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)s[i];
		uint32_t k = ch < 0x80 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4, cp;

		if (i + k > n)
			k = (uint32_t)(n - i);
		cp = k == 1 ? ch : ch & (0x7f >> k);
		for (uint32_t j = 1; j < k; j++)
			cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3f);
		i += k;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp <= 0x36f) ||
		    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
			continue;
		w += is_wide(cp) ? 2 : 1;
	}
	return w;
}

/* node's groupArrayElements: short entries of long arrays laid out in columns,
 * measured in columns (col_width). */
static void group_array(struct insp *c, struct strv *out, bool all_num, bool more)
{
	size_t total = 0, maxlen = 0, n = out->n - (more ? 1 : 0);
	size_t actual_max, cols, *wid;
	double bias, biased;
	struct strv rows = {.ok = true};

	wid = malloc((n ? n : 1) * sizeof(*wid));
	if (!wid) {
		out->ok = false;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		wid[i] = col_width(out->s[i], out->len[i]);
		total += wid[i] + 2;
		if (wid[i] > maxlen)
			maxlen = wid[i];
	}
	actual_max = maxlen + 2;
	if (!(actual_max * 3 + (size_t)c->indent < 80 &&
	      ((double)total / (double)actual_max > 5 || maxlen <= 6)))
		goto out;
	bias = sqrt((double)actual_max - (double)total / (double)out->n);
	biased = fmax((double)actual_max - 3 - bias, 1);
	{
		double c1 = round(sqrt(2.5 * biased * (double)n) / biased);
		double c2 = floor((80.0 - c->indent) / (double)actual_max);

		cols = (size_t)fmin(fmin(c1, c2), fmin(3 * 4, 15));
	}
	if (cols <= 1)
		goto out;
	{
		size_t *maxline = calloc(cols, sizeof(*maxline));

		if (!maxline) {
			out->ok = false;
			goto out;
		}
		for (size_t i = 0; i < cols; i++) {
			size_t ll = 0;

			for (size_t j = i; j < n; j += cols)
				if (wid[j] > ll)
					ll = wid[j];
			maxline[i] = ll + 2;
		}
		for (size_t i = 0; i < n; i += cols) {
			size_t max = i + cols < n ? i + cols : n, j;
			struct jsl_buf row = {.ok = true};

			for (j = i; j < max - 1; j++) {
				size_t w = wid[j] + 2;

				if (all_num)
					put_spaces(&row, (int)(maxline[j - i] - w));
				jsl_buf_put(&row, out->s[j], out->len[j]);
				jsl_buf_puts(&row, ", ");
				if (!all_num)
					put_spaces(&row, (int)(maxline[j - i] - w));
			}
			if (all_num)
				put_spaces(&row, (int)(maxline[j - i] - 2 - wid[j]));
			jsl_buf_put(&row, out->s[j], out->len[j]);
			sv_push(&rows, &row);
		}
		if (more) {
			struct jsl_buf row = {.ok = true};

			jsl_buf_put(&row, out->s[n], out->len[n]);
			sv_push(&rows, &row);
		}
		free(maxline);
	}
	sv_free(out);
	*out = rows;
out:
	free(wid);
}

/* node's reduceToSingleString (compact 3, breakLength 80); base_len: the length of
 * what node puts before the brace ("<ref *1>", 8), which counts against the line. */
static void reduce(struct insp *c, struct strv *out, size_t entries, const char *open,
		   const char *close, int recurse, size_t base_len, struct jsl_buf *b)
{
	if (c->cur_depth - recurse < 3 && entries == out->n) {
		size_t start = out->n + (size_t)c->indent + strlen(open) + base_len + 10;
		size_t total = out->n + start;
		bool fits = total + out->n <= 80;

		for (size_t i = 0; fits && i < out->n; i++) {
			total += u16_len(out->s[i], out->len[i]);
			if (total > 80 || memchr(out->s[i], '\n', out->len[i]))
				fits = false;
		}
		if (fits) {
			jsl_buf_puts(b, open);
			jsl_buf_putc(b, ' ');
			for (size_t i = 0; i < out->n; i++) {
				if (i)
					jsl_buf_puts(b, ", ");
				jsl_buf_put(b, out->s[i], out->len[i]);
			}
			jsl_buf_putc(b, ' ');
			jsl_buf_puts(b, close);
			return;
		}
	}
	jsl_buf_puts(b, open);
	for (size_t i = 0; i < out->n; i++) {
		jsl_buf_putc(b, '\n');
		put_spaces(b, c->indent + 2);
		jsl_buf_put(b, out->s[i], out->len[i]);
		if (i + 1 < out->n)
			jsl_buf_putc(b, ',');
	}
	jsl_buf_putc(b, '\n');
	put_spaces(b, c->indent);
	jsl_buf_puts(b, close);
}

static void insp_child(struct insp *c, jv v, int recurse, struct strv *out, jv key, bool has_key)
{
	struct jsl_buf e = {.ok = true};

	if (has_key) {
		const struct jsl_str *k = jv_str(key);

		if (is_ident_key(k)) {
			jsl_buf_put(&e, k->s, k->len);
		} else {
			jv kv = key;

			insp_value(c, kv, recurse, &e);
		}
		jsl_buf_puts(&e, ": ");
	}
	c->indent += 2;
	insp_value(c, v, recurse, &e);
	c->indent -= 2;
	sv_push(out, &e);
}

static void insp_object(struct insp *c, jv v, int recurse, struct jsl_buf *b)
{
	struct jsl_obj *o = jv_obj(v);
	struct strv out = {.ok = true};
	char open[48];
	const char *close = "}";
	size_t entries;
	bool all_num = true;

	size_t start = b->len;

	for (int i = 0; i < c->nseen; i++) {
		if (c->seen[i] == o) {
			jsl_buf_puts(b, "[Circular *1]");
			if (!c->circ)
				c->circ = o;
			return;
		}
	}
	if (recurse > 2) {
		jsl_buf_puts(b, o->type == JSL_OBJ_ARR   ? "[Array]"
				: o->type == JSL_OBJ_MAP ? "[Map]"
				: o->type == JSL_OBJ_SET ? "[Set]"
							 : "[Object]");
		return;
	}
	if (c->nseen == 64) {
		jsl_buf_puts(b, "[Object]");
		return;
	}
	recurse++;
	c->seen[c->nseen++] = o;
	c->cur_depth = recurse;
	strcpy(open, "{");
	switch (o->type) {
	case JSL_OBJ_ARR: {
		struct jsl_arr *a = (struct jsl_arr *)o;
		uint32_t n = a->len > 100 ? 100 : a->len;

		strcpy(open, "[");
		close = "]";
		for (uint32_t i = 0; i < n; i++) {
			insp_child(c, a->v[i], recurse, &out, 0, false);
			if (!jv_is_num(a->v[i]))
				all_num = false;
		}
		if (a->len > 100) {
			struct jsl_buf e = {.ok = true};
			char t[64];

			snprintf(t, sizeof(t), "... %u more item%s", a->len - 100,
				 a->len - 100 > 1 ? "s" : "");
			jsl_buf_puts(&e, t);
			sv_push(&out, &e);
		}
		break;
	}
	case JSL_OBJ_TARR: {
		struct jsl_tarr *t = (struct jsl_tarr *)o;

		snprintf(open, sizeof(open), "%s(%u) [", jsl_cls_names[JSL_CLS_UINT8ARRAY + t->kind],
			 t->len);
		close = "]";
		for (uint32_t i = 0; i < t->len && i < 100; i++)
			insp_child(c, jv_from_num(jsl_tarr_get(t, i)), recurse, &out, 0, false);
		if (t->len > 100) {
			struct jsl_buf e = {.ok = true};
			char s[64];

			snprintf(s, sizeof(s), "... %u more item%s", t->len - 100,
				 t->len - 100 > 1 ? "s" : "");
			jsl_buf_puts(&e, s);
			sv_push(&out, &e);
		}
		break;
	}
	case JSL_OBJ_MAP:
	case JSL_OBJ_SET: {
		struct jsl_objt *m = (struct jsl_objt *)o;

		snprintf(open, sizeof(open), "%s(%u) {", o->type == JSL_OBJ_MAP ? "Map" : "Set",
			 m->t.live);
		c->indent += 2;
		for (uint32_t i = 0; i < m->t.n; i++) {
			struct jsl_buf e = {.ok = true};

			if (m->t.e[2 * i] == JV_HOLE)
				continue;
			insp_value(c, m->t.e[2 * i], recurse, &e);
			if (o->type == JSL_OBJ_MAP) {
				jsl_buf_puts(&e, " => ");
				insp_value(c, m->t.e[2 * i + 1], recurse, &e);
			}
			sv_push(&out, &e);
		}
		c->indent -= 2;
		break;
	}
	case JSL_OBJ_OBJ: {
		struct jsl_objt *ob = (struct jsl_objt *)o;
		uint32_t nint = 0;

		if (ob->cls && ob->cls <= JSL_CLS_SYNTAXERROR) {
			jsl_buf_puts(b, jsl_cls_names[ob->cls]);
			if (jv_is(ob->msg, JV_T_STR) && jv_str(ob->msg)->len) {
				jsl_buf_puts(b, ": ");
				jsl_buf_put(b, jv_str(ob->msg)->s, jv_str(ob->msg)->len);
			}
			c->nseen--;
			return;
		}
		/* integer keys first, ascending */
		for (uint32_t i = 0; i < ob->t.n; i++)
			if (ob->t.e[2 * i] != JV_HOLE && jsl_str_index(jv_str(ob->t.e[2 * i])) >= 0)
				nint++;
		if (nint) {
			jv *ks = malloc(nint * sizeof(jv));
			uint32_t k = 0;

			if (ks) {
				for (uint32_t i = 0; i < ob->t.n; i++)
					if (ob->t.e[2 * i] != JV_HOLE &&
					    jsl_str_index(jv_str(ob->t.e[2 * i])) >= 0)
						ks[k++] = ob->t.e[2 * i];
				qsort(ks, nint, sizeof(jv), cmp_index_keys);
				for (uint32_t i = 0; i < nint; i++)
					insp_child(c, ob->t.e[2 * jsl_tab_find(&ob->t, ks[i]) + 1],
						   recurse, &out, ks[i], true);
				free(ks);
			} else {
				out.ok = false;
			}
		}
		for (uint32_t i = 0; i < ob->t.n; i++) {
			jv k = ob->t.e[2 * i];

			if (k == JV_HOLE || (nint && jsl_str_index(jv_str(k)) >= 0))
				continue;
			insp_child(c, ob->t.e[2 * i + 1], recurse, &out, k, true);
		}
		break;
	}
	default:
		break;
	}
	c->nseen--;
	if (!out.ok) {
		b->ok = false;
		sv_free(&out);
		return;
	}
	if (!out.n) {
		if (o->type == JSL_OBJ_ARR) {
			jsl_buf_puts(b, "[]");
		} else if (o->type == JSL_OBJ_OBJ) {
			jsl_buf_puts(b, "{}");
		} else {
			jsl_buf_puts(b, open);
			jsl_buf_puts(b, close);
		}
		sv_free(&out);
		return;
	}
	entries = out.n;
	if ((o->type == JSL_OBJ_ARR || o->type == JSL_OBJ_TARR) && out.n > 6)
		group_array(c, &out, all_num,
			    (o->type == JSL_OBJ_ARR ? ((struct jsl_arr *)o)->len
						    : ((struct jsl_tarr *)o)->len) > 100);
	if (!out.ok) {
		b->ok = false;
		sv_free(&out);
		return;
	}
	reduce(c, &out, entries, open, close, recurse, c->circ == o ? 8 : 0, b);
	sv_free(&out);
	if (c->circ == o && b->ok) {
		/* node marks the object a cycle leads back to */
		static const char ref[] = "<ref *1> ";
		size_t n = b->len - start;

		jsl_buf_put(b, ref, sizeof(ref) - 1);
		if (b->ok) {
			memmove(b->p + start + sizeof(ref) - 1, b->p + start, n);
			memcpy(b->p + start, ref, sizeof(ref) - 1);
		}
	}
}

static void insp_value(struct insp *c, jv v, int recurse, struct jsl_buf *b)
{
	if (jv_is(v, JV_T_OBJ) && jv_obj(v)->type != JSL_OBJ_CLOS && jv_obj(v)->type != JSL_OBJ_CELL) {
		insp_object(c, v, recurse, b);
		return;
	}
	if (jv_is(v, JV_T_STR)) {
		/* nested strings print on one line */
		struct jsl_buf t = {.ok = true};

		jsl_inspect_buf(c->p, jv_str(v)->ulen > 16 ? v : v, &t);
		if (t.ok && t.p && !strstr(t.p, " +\n"))
			jsl_buf_put(b, t.p, t.len);
		else
			jsl_inspect_short_str(jv_str(v), b);
		free(t.p);
		return;
	}
	jsl_inspect_buf(c->p, v, b);
}

void jsl_inspect_obj(const struct jsl_prog *p, jv v, struct jsl_buf *b)
{
	struct insp c = {.p = p};

	insp_value(&c, v, 0, b);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_str(struct jsl_buf *b, const char *s, size_t n)
{
	jsl_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *e;
		char t[8];

		if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != 0xed) {
			/* a run of bytes that need no escape: one copy */
			size_t j = i + 1;

			while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != '"' && s[j] != '\\' &&
			       (unsigned char)s[j] != 0xed)
				j++;
			jsl_buf_put(b, s + i, j - i);
			i = j - 1;
			continue;
		}
		e = jsl_ctl_escape(ch);

		if (ch == '"' || ch == '\\') {
			jsl_buf_putc(b, '\\');
			jsl_buf_putc(b, (char)ch);
		} else if (e) {
			jsl_buf_puts(b, e);
		} else if (ch < 0x20) {
			snprintf(t, sizeof(t), "\\u%04x", ch);
			jsl_buf_puts(b, t);
		} else if (ch == 0xed && i + 2 < n && (unsigned char)s[i + 1] >= 0xa0) {
			unsigned u = 0xd000 | ((unsigned)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);

			snprintf(t, sizeof(t), "\\u%04x", u);
			jsl_buf_puts(b, t);
			i += 2;
		} else {
			jsl_buf_putc(b, (char)ch);
		}
	}
	jsl_buf_putc(b, '"');
}

struct jctx {
	struct jsl_vm *vm;
	const char *gap;
	const void *stack[256];
	int depth;
};

static bool json_skip(jv v)
{
	return jv_is(v, JV_T_UNDEF) || jv_is_callable(v);
}

static void json_nl(struct jctx *j, struct jsl_buf *b)
{
	if (!j->gap[0])
		return;
	jsl_buf_putc(b, '\n');
	for (int i = 0; i < j->depth; i++)
		jsl_buf_puts(b, j->gap);
}

/* Whether a plain object's table has no array-index keys (which own keys would list first). */
static bool json_plain_keys(const struct jsl_tab *t)
{
	for (uint32_t i = 0; i < t->n; i++) {
		jv k = t->e[2 * i];

		if (k != JV_HOLE && (unsigned)(jv_str(k)->s[0] - '0') < 10 &&
		    jsl_str_index(jv_str(k)) >= 0)
			return false;
	}
	return true;
}

static int json_val(struct jctx *j, jv v, struct jsl_buf *b)
{
	struct jsl_vm *vm = j->vm;

	if (jv_is_num(v)) {
		double d = jv_num(v);
		char t[JSL_NUMBUF];

		if (d != d || isinf(d))
			jsl_buf_puts(b, "null");
		else
			jsl_buf_put(b, t, (size_t)jsl_num_format(d == 0 ? 0 : d, t));
		return 0;
	}
	switch (jv_tag(v)) {
	case JV_T_NULL:
		jsl_buf_puts(b, "null");
		return 0;
	case JV_T_BOOL:
		jsl_buf_puts(b, jv_payload(v) ? "true" : "false");
		return 0;
	case JV_T_STR:
		json_str(b, jv_str(v)->s, jv_str(v)->len);
		return 0;
	case JV_T_OBJ:
		break;
	default:
		jsl_buf_puts(b, "null");
		return 0;
	}
	for (int i = 0; i < j->depth; i++)
		if (j->stack[i] == jv_obj(v))
			return jsl_throw(vm, "TypeError: Converting circular structure to JSON");
	if (j->depth == 256)
		return jsl_throw(vm, "RangeError: Maximum call stack size exceeded");
	j->stack[j->depth++] = jv_obj(v);
	jsl_charge(vm, 1);
	if (jv_is_objtype(v, JSL_OBJ_ARR)) {
		struct jsl_arr *a = (struct jsl_arr *)jv_obj(v);

		jsl_buf_putc(b, '[');
		for (uint32_t i = 0; i < a->len; i++) {
			if (i)
				jsl_buf_putc(b, ',');
			json_nl(j, b);
			if (json_skip(a->v[i]))
				jsl_buf_puts(b, "null");
			else if (json_val(j, a->v[i], b) < 0)
				return -1;
		}
		j->depth--;
		if (a->len)
			json_nl(j, b);
		jsl_buf_putc(b, ']');
		return 0;
	}
	if (jv_is_objtype(v, JSL_OBJ_OBJ) && json_plain_keys(&((struct jsl_objt *)jv_obj(v))->t)) {
		/* no index keys: own keys are the table's order, read straight from it (no
		 * key array; nothing allocates, and nothing runs that could change t) */
		const struct jsl_tab *t = &((struct jsl_objt *)jv_obj(v))->t;
		uint32_t n = 0;

		jsl_charge(vm, t->n);
		jsl_buf_putc(b, '{');
		for (uint32_t i = 0; i < t->n; i++) {
			jv k = t->e[2 * i], val = t->e[2 * i + 1];

			if (k == JV_HOLE || json_skip(val))
				continue;
			if (n++)
				jsl_buf_putc(b, ',');
			json_nl(j, b);
			json_str(b, jv_str(k)->s, jv_str(k)->len);
			jsl_buf_puts(b, j->gap[0] ? ": " : ":");
			if (json_val(j, val, b) < 0)
				return -1;
		}
		j->depth--;
		if (n)
			json_nl(j, b);
		jsl_buf_putc(b, '}');
		return 0;
	}
	{
		jv keys;
		struct jsl_arr *ka;
		uint32_t n = 0;

		if (jsl_own_keys(vm, jv_is_objtype(v, JSL_OBJ_OBJ) ? v : JV_UNDEF, &keys) < 0)
			return -1;
		if (jv_is_objtype(v, JSL_OBJ_TARR) && jsl_own_keys(vm, v, &keys) < 0)
			return -1;
		if (!jsl_root_push(vm, keys))
			return vm_oom(vm);
		ka = (struct jsl_arr *)jv_obj(keys);
		jsl_buf_putc(b, '{');
		for (uint32_t i = 0; i < ka->len; i++) {
			jv val;

			if (jsl_get_prop(vm, v, ka->v[i], &val) < 0) {
				jsl_root_pop(vm, 1);
				return -1;
			}
			if (json_skip(val))
				continue;
			if (n++)
				jsl_buf_putc(b, ',');
			json_nl(j, b);
			json_str(b, jv_str(ka->v[i])->s, jv_str(ka->v[i])->len);
			jsl_buf_puts(b, j->gap[0] ? ": " : ":");
			if (json_val(j, val, b) < 0) {
				jsl_root_pop(vm, 1);
				return -1;
			}
		}
		jsl_root_pop(vm, 1);
		j->depth--;
		if (n)
			json_nl(j, b);
		jsl_buf_putc(b, '}');
	}
	return 0;
}

int jsl_json_stringify(struct jsl_vm *vm, jv v, const char *indent, struct jsl_buf *b)
{
	struct jctx j = {.vm = vm, .gap = indent ? indent : ""};

	if (json_skip(v))
		return 1;
	return json_val(&j, v, b);
}

struct jparse {
	struct jsl_vm *vm;
	const char *s;
	size_t n, i;
	int depth;
};

/*
 * A JSON number of at most 15 significant digits, a fraction of at most 22
 * digits and no exponent, without strtod: the digits as an integer (exact
 * below 2^53) divided by an exact power of ten is correctly rounded, as
 * strtod's result is (Clinger's fast path). false: use strtod.
 */
static bool json_fast_num(const char *s, size_t n, jv *out)
{
	static const double pow10[] = {1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,
				       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	bool neg = n && s[0] == '-';
	size_t i = neg, digits = 0, frac = 0;
	bool dot = false;
	uint64_t m = 0;
	double d;

	for (; i < n; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return false; /* an exponent */
		m = m * 10 + (uint64_t)(s[i] - '0');
		if (m && ++digits > 15)
			return false;
		frac += dot;
	}
	if (frac > 22)
		return false;
	d = (double)m / pow10[frac];
	*out = jv_from_num(neg ? -d : d);
	return true;
}

/* Position p->i in UTF-16 code units, as V8 counts it. */
static size_t json_pos(const struct jparse *p)
{
	size_t u = 0;

	for (size_t k = 0; k < p->i && k < p->n; k++) {
		unsigned char c = (unsigned char)p->s[k];

		if ((c & 0xc0) != 0x80)
			u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

/* V8's SyntaxError with its own text for the error at p->i ("Expected ':' after ..."). */
static int json_fail(struct jparse *p, const char *what)
{
	return jsl_throw(p->vm, "SyntaxError: %s in JSON at position %zu", what, json_pos(p));
}

/* V8's SyntaxError for an unexpected token at p->i (its LookUpErrorMessageForJsonToken). */
static int json_err(struct jparse *p)
{
	static const char *const special[] = {"[object Object]", "undefined", "Infinity", "NaN"};
	char tok[8];
	size_t pos, a, e;

	if (p->i >= p->n)
		return jsl_throw(p->vm, "SyntaxError: Unexpected end of JSON input");
	if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
		return json_fail(p, "Unexpected number");
	if (p->s[p->i] == '"')
		return json_fail(p, "Unexpected string");
	for (size_t k = 0; k < sizeof(special) / sizeof(special[0]); k++)
		if (p->n == strlen(special[k]) && !memcmp(p->s, special[k], p->n))
			return jsl_throw(p->vm, "SyntaxError: \"%s\" is not valid JSON", special[k]);
	snprintf(tok, sizeof(tok), "%c", p->s[p->i]);
	if (p->n <= 20)
		return jsl_throw(p->vm, "SyntaxError: Unexpected token '%s', \"%.*s\" is not valid JSON",
				 tok, (int)p->n, p->s);
	/* ten characters of context either side */
	pos = p->i;
	a = pos < 10 ? 0 : pos - 10;
	e = pos + 10 < p->n ? pos + 10 : p->n;
	return jsl_throw(p->vm, "SyntaxError: Unexpected token '%s', %s\"%.*s\"%s is not valid JSON",
			 tok, a ? "..." : "", (int)(e - a), p->s + a, e < p->n ? "..." : "");
}

static void jws(struct jparse *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int k = 0; k < 4; k++) {
		int d = jsl_digit((unsigned char)s[k]);

		if (d >= 16)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_utf8(struct jsl_buf *b, uint32_t cp)
{
	char t[4];

	if (cp < 0x80) {
		t[0] = (char)cp;
		jsl_buf_put(b, t, 1);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3f));
		jsl_buf_put(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | cp >> 12);
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		jsl_buf_put(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | cp >> 18);
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		jsl_buf_put(b, t, 4);
	}
}

static int jstr(struct jparse *p, jv *out)
{
	struct jsl_buf b = {.ok = true};
	size_t j;

	p->i++;
	/* the common case, no escape: the string straight from the text */
	for (j = p->i; j < p->n && p->s[j] != '"' && p->s[j] != '\\' && (unsigned char)p->s[j] >= 0x20;
	     j++)
		;
	if (j < p->n && p->s[j] == '"') {
		int rc = jsl_new_str(p->vm, p->s + p->i, j - p->i, out);

		p->i = j + 1;
		return rc;
	}
	for (;;) {
		unsigned char ch;

		if (p->i >= p->n) {
			free(b.p);
			return json_fail(p, "Unterminated string");
		}
		ch = (unsigned char)p->s[p->i];
		if (ch == '"')
			break;
		if (ch < 0x20) {
			free(b.p);
			return json_fail(p, "Bad control character in string literal");
		}
		if (ch != '\\') {
			jsl_buf_putc(&b, (char)ch);
			p->i++;
			continue;
		}
		p->i++;
		if (p->i >= p->n) {
			free(b.p);
			return json_err(p);
		}
		switch (p->s[p->i]) {
		case '"':
		case '\\':
		case '/':
			jsl_buf_putc(&b, p->s[p->i]);
			break;
		case 'b':
			jsl_buf_putc(&b, '\b');
			break;
		case 'f':
			jsl_buf_putc(&b, '\f');
			break;
		case 'n':
			jsl_buf_putc(&b, '\n');
			break;
		case 'r':
			jsl_buf_putc(&b, '\r');
			break;
		case 't':
			jsl_buf_putc(&b, '\t');
			break;
		case 'u': {
			int u = p->i + 4 < p->n ? hex4(p->s + p->i + 1) : -1;

			if (u < 0) {
				free(b.p);
				/* at the first character that is not a hex digit */
				p->i++;
				while (p->i < p->n && jsl_digit((unsigned char)p->s[p->i]) < 16)
					p->i++;
				if (p->i >= p->n)
					return json_err(p);
				return json_fail(p, "Bad Unicode escape");
			}
			p->i += 4;
			if (u >= 0xd800 && u <= 0xdbff && p->i + 6 < p->n && p->s[p->i + 1] == '\\' &&
			    p->s[p->i + 2] == 'u') {
				int lo = hex4(p->s + p->i + 3);

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					p->i += 6;
				}
			}
			put_utf8(&b, (uint32_t)u);
			break;
		}
		default:
			free(b.p);
			return json_fail(p, "Bad escaped character");
		}
		p->i++;
	}
	p->i++;
	return jsl_buf_to_str(p->vm, &b, out);
}

static uint32_t fnv(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h ? h : 1; /* as str_hash caches it */
}

static bool same_bytes(jv v, const char *p, size_t n)
{
	return jv_is(v, JV_T_STR) && jv_str(v)->len == n && !memcmp(jv_str(v)->s, p, n);
}

/* The hash index of the program's string constants of at most JSL_KEYMAX bytes. */
static void build_kidx(struct jsl_vm *vm)
{
	const struct jsl_prog *pr = vm->prog;
	uint32_t n = 0, cap = 16;

	vm->kidx_built = true;
	for (uint32_t i = 0; i < pr->nconsts; i++)
		n += jv_is(pr->consts[i], JV_T_STR) && jv_str(pr->consts[i])->len <= JSL_KEYMAX;
	if (!n)
		return;
	while (cap < 2 * n)
		cap *= 2;
	vm->kidx = calloc(cap, sizeof(*vm->kidx));
	if (!vm->kidx)
		return; /* no index: keys are not shared with constants, nothing else changes */
	vm->kcap = cap;
	for (uint32_t i = 0; i < pr->nconsts; i++) {
		jv c = pr->consts[i];
		uint32_t h;

		if (!jv_is(c, JV_T_STR) || jv_str(c)->len > JSL_KEYMAX)
			continue;
		for (h = fnv(jv_str(c)->s, jv_str(c)->len) & (cap - 1); vm->kidx[h];
		     h = (h + 1) & (cap - 1))
			;
		vm->kidx[h] = i + 1;
	}
}

/*
 * An object key of the text, n bytes at p (no escapes): the program's
 * constant with these bytes, or the string the key cache holds for them,
 * or a new string (then cached). Equal keys of a document so share one
 * string: no allocation per key, and property reads of the program's
 * names hit their inline caches.
 */
static int jkey(struct jsl_vm *vm, const char *p, size_t n, jv *out)
{
	uint32_t h, slot;

	if (n > JSL_KEYMAX)
		return jsl_new_str(vm, p, n, out);
	h = fnv(p, n);
	slot = h & (JSL_KEYCACHE - 1);
	if (same_bytes(vm->keycache[slot], p, n)) {
		*out = vm->keycache[slot];
		return 0;
	}
	if (!vm->kidx_built)
		build_kidx(vm);
	for (uint32_t k = h & (vm->kcap - 1); vm->kcap && vm->kidx[k]; k = (k + 1) & (vm->kcap - 1)) {
		jv c = vm->prog->consts[vm->kidx[k] - 1];

		if (same_bytes(c, p, n)) {
			vm->keycache[slot] = *out = c;
			return 0;
		}
	}
	if (jsl_new_str(vm, p, n, out) < 0)
		return -1;
	jv_str(*out)->hash = h;
	vm->keycache[slot] = *out;
	return 0;
}

/* An object's key at p->i (a '"'): as jstr, shared through jkey when it has no escape. */
static int jkeystr(struct jparse *p, jv *out)
{
	size_t j;

	for (j = p->i + 1; j < p->n && p->s[j] != '"' && p->s[j] != '\\' &&
			   (unsigned char)p->s[j] >= 0x20;
	     j++)
		;
	if (j < p->n && p->s[j] == '"') {
		int rc = jkey(p->vm, p->s + p->i + 1, j - p->i - 1, out);

		p->i = j + 1;
		return rc;
	}
	return jstr(p, out);
}

static int jvalue(struct jparse *p, jv *out)
{
	struct jsl_vm *vm = p->vm;

	jws(p);
	if (p->i >= p->n)
		return json_err(p);
	if (++p->depth > 1000)
		return jsl_throw(vm, "RangeError: Maximum call stack size exceeded");
	jsl_charge(vm, 1);
	switch (p->s[p->i]) {
	case '{': {
		/* the pairs wait on the roots, then the object is made for their number */
		uint32_t base = vm->nx, npairs = 0;
		struct jsl_objt *o;

		p->i++;
		jws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			if (jsl_new_objt(vm, JSL_OBJ_OBJ, out) < 0)
				return -1;
			break;
		}
		for (bool first = true;; first = false) {
			jv k, v;

			jws(p);
			if (p->i >= p->n || p->s[p->i] != '"') {
				json_fail(p, first ? "Expected property name or '}'"
						   : "Expected double-quoted property name");
				goto objfail;
			}
			if (jkeystr(p, &k) < 0) {
				if (vm->status == VM_OK)
					json_err(p);
				goto objfail;
			}
			if (!jsl_root_push(vm, k)) {
				vm_oom(vm);
				goto objfail;
			}
			jws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				json_fail(p, "Expected ':' after property name");
				goto objfail;
			}
			p->i++;
			if (jvalue(p, &v) < 0)
				goto objfail;
			if (!jsl_root_push(vm, v)) {
				vm_oom(vm);
				goto objfail;
			}
			npairs++;
			jws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == '}') {
				p->i++;
				break;
			}
			json_fail(p, "Expected ',' or '}' after property value");
			goto objfail;
		}
		if (jsl_new_objt_n(vm, JSL_OBJ_OBJ, npairs, out) < 0 || !jsl_root_push(vm, *out))
			goto objoom;
		o = (struct jsl_objt *)jv_obj(*out);
		for (uint32_t k = 0; k < npairs; k++)
			if (!jsl_tab_set(&vm->heap, &o->h, &o->t, vm->xroots[base + 2 * k],
					 vm->xroots[base + 2 * k + 1]))
				goto objoom;
		vm->nx = base;
		break;
objoom:
		if (vm->status == VM_OK)
			vm_oom(vm);
objfail:
		vm->nx = base;
		return -1;
	}
	case '[': {
		/* the elements wait on the roots, then the array is made for their number */
		uint32_t base = vm->nx, nel = 0;
		struct jsl_arr *a;

		p->i++;
		jws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			if (jsl_new_arr(vm, 0, out) < 0)
				return -1;
			break;
		}
		for (;;) {
			jv v;

			if (jvalue(p, &v) < 0) {
				vm->nx = base;
				return -1;
			}
			if (nel == ARR_MAX) {
				vm->nx = base;
				return jsl_throw(vm, "RangeError: Invalid array length");
			}
			if (!jsl_root_push(vm, v)) {
				vm->nx = base;
				return vm_oom(vm);
			}
			nel++;
			jws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == ']') {
				p->i++;
				break;
			}
			vm->nx = base;
			return json_fail(p, "Expected ',' or ']' after array element");
		}
		if (jsl_new_arr(vm, nel, out) < 0) {
			vm->nx = base;
			return -1;
		}
		a = (struct jsl_arr *)jv_obj(*out);
		jsl_wb(&vm->heap, a); /* old already when making it collected */
		memcpy(a->v, vm->xroots + base, (size_t)nel * sizeof(jv));
		a->len = nel;
		vm->nx = base;
		break;
	}
	case '"':
		if (jstr(p, out) < 0)
			return -1;
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *w = p->s[p->i] == 't' ? "true" : p->s[p->i] == 'f' ? "false" : "null";
		size_t l = strlen(w);

		for (size_t k = 0; k < l; k++, p->i++)
			if (p->i >= p->n || p->s[p->i] != w[k])
				return json_err(p);
		*out = w[0] == 't' ? JV_TRUE : w[0] == 'f' ? JV_FALSE : JV_NULL;
		break;
	}
	default: {
		size_t st = p->i;
		char buf[400];

		if (p->s[p->i] == '-') {
			p->i++;
			if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
				return json_fail(p, "No number after minus sign");
		}
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return json_err(p);
		if (p->s[p->i] == '0' && p->i + 1 < p->n && p->s[p->i + 1] >= '0' &&
		    p->s[p->i + 1] <= '9') {
			p->i++;
			return json_err(p);
		}
		/* int frac? exp?, JSON's number grammar */
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i < p->n && p->s[p->i] == '.') {
			p->i++;
			if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
				return json_fail(p, "Unterminated fractional number");
			while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
				p->i++;
		}
		if (p->i < p->n && (p->s[p->i] | 0x20) == 'e') {
			p->i++;
			if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
				p->i++;
			if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
				return json_fail(p, "Exponent part is missing a number");
			while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
				p->i++;
		}
		if (json_fast_num(p->s + st, p->i - st, out))
			break;
		if (p->i - st >= sizeof(buf))
			return json_err(p);
		memcpy(buf, p->s + st, p->i - st);
		buf[p->i - st] = 0;
		*out = jv_from_num(strtod(buf, NULL));
		break;
	}
	}
	p->depth--;
	return 0;
}

int jsl_json_parse(struct jsl_vm *vm, const char *s, size_t n, jv *out)
{
	struct jparse p = {.vm = vm, .s = s, .n = n};

	if (jvalue(&p, out) < 0)
		return -1;
	jws(&p);
	if (p.i < p.n)
		return jsl_throw(vm, "SyntaxError: Unexpected non-whitespace character after JSON at "
				     "position %zu", json_pos(&p));
	return 0;
}

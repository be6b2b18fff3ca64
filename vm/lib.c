/* SPDX-License-Identifier: MIT */
/*
 * JSLite library of objects: the Array, Map, Set and typed array methods,
 * Object.*, JSON.*, Array.*, Number.is*, the Error constructors and the
 * newer string methods (split, replace, at, codePointAt, localeCompare).
 *
 * Heap rule (jsl_int.h): every value a function still needs after an
 * allocation or a callback is in a register or on the VM's extra roots
 * (jsl_root_push); callbacks run through jsl_call and may change the array
 * they are given, so lengths and element pointers are read again after
 * each call. Work is charged to the fuel with jsl_charge.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/fdlibm.h"
#include "vm/jsl_int.h"

static jv arg(const jv *args, unsigned n, unsigned i)
{
	return i < n ? args[i] : JV_UNDEF;
}

static int oom(struct jsl_vm *vm)
{
	return jsl_oom(vm, "out of memory");
}

static struct jsl_arr *ARR(jv v)
{
	return (struct jsl_arr *)jv_obj(v);
}

static struct jsl_objt *OBJT(jv v)
{
	return (struct jsl_objt *)jv_obj(v);
}

/* ToIntegerOrInfinity */
static double to_int(jv v)
{
	double d = jsl_to_num(v);

	return d != d ? 0 : trunc(d);
}

/* A relative index (negative from the end) clamped to 0..len. */
static uint32_t rel(double d, uint32_t len)
{
	if (d < 0)
		return d + len < 0 ? 0 : (uint32_t)(d + len);
	return d > len ? len : (uint32_t)d;
}

static int not_function(struct jsl_vm *vm, jv f)
{
	struct jsl_buf b = {.ok = true};
	int rc;

	jsl_inspect_buf(vm->prog, f, &b);
	rc = jsl_throw(vm, "TypeError: %.60s is not a function", b.ok && b.p ? b.p : "value");
	free(b.p);
	return rc;
}

/* ---- natives: constructors ------------------------------------------------------ */

static int new_error(struct jsl_vm *vm, unsigned cls, jv *args, unsigned n, jv *ret)
{
	struct jsl_buf b = {.ok = true};

	if (n && !jv_is(args[0], JV_T_UNDEF))
		jsl_to_string_buf(vm->prog, args[0], &b);
	if (!b.ok) {
		free(b.p);
		return oom(vm);
	}
	{
		int rc = jsl_new_error(vm, cls, b.p ? b.p : "", b.len, ret);

		free(b.p);
		return rc;
	}
}

#define ERRNAT(id, cls)                                                                            \
	int jsl_nat_##id(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)                         \
	{                                                                                          \
		return new_error(vm, cls, args, n, ret);                                           \
	}
ERRNAT(ERROR, JSL_CLS_ERROR)
ERRNAT(TYPEERROR, JSL_CLS_TYPEERROR)
ERRNAT(RANGEERROR, JSL_CLS_RANGEERROR)
ERRNAT(REFERENCEERROR, JSL_CLS_REFERENCEERROR)
ERRNAT(SYNTAXERROR, JSL_CLS_SYNTAXERROR)

static int map_set_new(struct jsl_vm *vm, unsigned type, jv *args, unsigned n, jv *ret)
{
	jv it = arg(args, n, 0), tmp;
	struct jsl_arr *a;
	int rc = 0;

	if (jsl_new_objt(vm, type, ret) < 0)
		return -1;
	if (jv_is(it, JV_T_UNDEF) || jv_is(it, JV_T_NULL))
		return 0;
	if (!jsl_root_push(vm, *ret))
		return oom(vm);
	if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp)) {
		jsl_root_pop(vm, 1);
		return -1;
	}
	a = ARR(tmp);
	rc = jsl_spread(vm, a, it);
	for (uint32_t i = 0; !rc && i < a->len; i++) {
		jv e = a->v[i], k = e, v = JV_UNDEF;

		if (type == JSL_OBJ_MAP) {
			if (!jv_is(e, JV_T_OBJ)) {
				struct jsl_buf b = {.ok = true};

				jsl_inspect_buf(vm->prog, e, &b);
				rc = jsl_throw(vm, "TypeError: Iterator value %.60s is not an entry object",
					       b.ok && b.p ? b.p : "");
				free(b.p);
				break;
			}
			if ((rc = jsl_get_prop(vm, e, jv_from_num(0), &k)) < 0 ||
			    (rc = jsl_get_prop(vm, e, jv_from_num(1), &v)) < 0)
				break;
		}
		if (jv_is_num(k) && jv_num(k) == 0)
			k = jv_from_num(0); /* -0 keys become +0 */
		rc = jsl_obj_put(vm, OBJT(*ret), k, v);
	}
	jsl_root_pop(vm, 2);
	return rc;
}

int jsl_nat_MAP(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return map_set_new(vm, JSL_OBJ_MAP, args, n, ret);
}

int jsl_nat_SET(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return map_set_new(vm, JSL_OBJ_SET, args, n, ret);
}

int jsl_nat_ARRAY(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	if (n == 1 && jv_is_num(args[0])) {
		double d = jv_num(args[0]);

		if (!(d >= 0 && d <= 4294967295.0 && d == floor(d)) || d > (1u << 27))
			return jsl_throw(vm, "RangeError: Invalid array length");
		if (jsl_new_arr(vm, (uint32_t)d, ret) < 0)
			return -1;
		return jsl_arr_resize(vm, ARR(*ret), (uint32_t)d);
	}
	if (jsl_new_arr(vm, n, ret) < 0)
		return -1;
	jsl_wb(&vm->heap, ARR(*ret));
	for (unsigned i = 0; i < n; i++)
		ARR(*ret)->v[i] = args[i];
	ARR(*ret)->len = n;
	return 0;
}

static const size_t tarr_esize[] = {1, 4, 8};

/* A new zero-filled typed array of kind and len in *ret (not rooted). */
static int tarr_alloc(struct jsl_vm *vm, unsigned kind, uint32_t len, jv *ret)
{
	struct jsl_tarr *t = jsl_obj_alloc(&vm->heap, JSL_OBJ_TARR, sizeof(*t));

	if (t && !jsl_root_push(vm, jv_from_obj(t)))
		t = NULL;
	if (!t || !jsl_heap_charge(&vm->heap, &t->h, (int64_t)(len * tarr_esize[kind]))) {
		if (t)
			jsl_root_pop(vm, 1);
		return jsl_oom(vm, "heap limit reached");
	}
	jsl_root_pop(vm, 1);
	t->kind = (uint8_t)kind;
	t->p = calloc(len ? len : 1, tarr_esize[kind]);
	if (!t->p)
		return oom(vm);
	t->len = len;
	*ret = jv_from_obj(t);
	jsl_charge(vm, len);
	return 0;
}

static struct jsl_tarr *TARR(jv v)
{
	return (struct jsl_tarr *)jv_obj(v);
}

static int new_tarr(struct jsl_vm *vm, unsigned kind, jv *args, unsigned n, jv *ret)
{
	jv src = arg(args, n, 0), tmp;
	double d;
	uint32_t len;

	if (!jv_is(src, JV_T_OBJ)) {
		d = jv_is(src, JV_T_UNDEF) ? 0 : to_int(src);
		if (!(d >= 0 && d <= (1u << 28)))
			return jsl_throw(vm, "RangeError: Invalid typed array length: %.0f", d);
		return tarr_alloc(vm, kind, (uint32_t)d, ret);
	}
	if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp))
		return -1;
	if (jsl_spread(vm, ARR(tmp), src) < 0 ||
	    tarr_alloc(vm, kind, len = ARR(tmp)->len, ret) < 0) {
		jsl_root_pop(vm, 1);
		return -1;
	}
	for (uint32_t i = 0; i < len; i++)
		jsl_tarr_set(TARR(*ret), i, jsl_to_num(ARR(tmp)->v[i]));
	jsl_root_pop(vm, 1);
	return 0;
}

/* Uint8Array.from(src, f): the elements of src (through f(v, i) when given). */
static int tarr_from(struct jsl_vm *vm, unsigned kind, jv *args, unsigned n, jv *ret)
{
	jv tmp;
	int rc;

	if (jsl_nat_ARRFROM(vm, args, n, &tmp) < 0 || !jsl_root_push(vm, tmp))
		return -1;
	rc = new_tarr(vm, kind, &tmp, 1, ret);
	jsl_root_pop(vm, 1);
	return rc;
}

int jsl_nat_U8FROM(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return tarr_from(vm, JSL_TA_U8, args, n, ret);
}

int jsl_nat_I32FROM(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return tarr_from(vm, JSL_TA_I32, args, n, ret);
}

int jsl_nat_F64FROM(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return tarr_from(vm, JSL_TA_F64, args, n, ret);
}

/* Object.is: SameValue (NaN is NaN, -0 is not +0). */
int jsl_nat_OIS(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv a = arg(args, n, 0), b = arg(args, n, 1);

	(void)vm;
	if (jv_is_num(a) && jv_is_num(b)) {
		double x = jv_num(a), y = jv_num(b);

		*ret = jv_bool(x != x ? y != y : x == y && signbit(x) == signbit(y));
		return 0;
	}
	*ret = jv_bool(jsl_strict_eq(a, b));
	return 0;
}

int jsl_nat_U8(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return new_tarr(vm, JSL_TA_U8, args, n, ret);
}

int jsl_nat_I32(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return new_tarr(vm, JSL_TA_I32, args, n, ret);
}

int jsl_nat_F64(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return new_tarr(vm, JSL_TA_F64, args, n, ret);
}

/* ---- natives: Array.*, Object.*, JSON.*, Number.*, Math.* ---------------------- */

int jsl_nat_ISARRAY(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_bool(jv_is_objtype(arg(args, n, 0), JSL_OBJ_ARR));
	return 0;
}

int jsl_nat_ARRFROM(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv src = arg(args, n, 0), f = arg(args, n, 1);
	struct jsl_arr *a;

	if (!jv_is(f, JV_T_UNDEF) && !jv_is_callable(f))
		return not_function(vm, f);
	if (jsl_new_arr(vm, 0, ret) < 0)
		return -1;
	a = ARR(*ret);
	if (!jsl_root_push(vm, *ret))
		return oom(vm);
	if (jv_is(src, JV_T_OBJ) && jv_obj(src)->type == JSL_OBJ_OBJ) {
		/* an array-like: {length: n} */
		jv len;
		double d;

		if (jsl_get_prop(vm, src, jv_from_num(0), &len) < 0)
			goto fail;
		{
			jv key;

			if (jsl_new_str(vm, "length", 6, &key) < 0 ||
			    jsl_get_prop(vm, src, key, &len) < 0)
				goto fail;
		}
		d = to_int(len);
		if (d > (1u << 27)) {
			jsl_throw(vm, "RangeError: Invalid array length");
			goto fail;
		}
		for (uint32_t i = 0; i < (uint32_t)(d > 0 ? d : 0); i++) {
			jv v;

			if (jsl_get_prop(vm, src, jv_from_num(i), &v) < 0 || jsl_arr_push(vm, a, v) < 0)
				goto fail;
		}
	} else if (jv_is_num(src) || jv_is(src, JV_T_BOOL)) {
		/* an array-like without a length: no elements */
	} else if (jsl_spread(vm, a, src) < 0) {
		goto fail;
	}
	if (jv_is_callable(f)) {
		for (uint32_t i = 0; i < a->len; i++) {
			jv cargs[2] = {a->v[i], jv_from_num(i)}, r;

			if (jsl_call(vm, f, cargs, 2, &r) < 0)
				goto fail;
			if (i < a->len) {
				jsl_wb(&vm->heap, a);
				a->v[i] = r;
			}
		}
	}
	jsl_root_pop(vm, 1);
	return 0;
fail:
	jsl_root_pop(vm, 1);
	return -1;
}

int jsl_nat_ARROF(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	if (jsl_new_arr(vm, n, ret) < 0)
		return -1;
	jsl_wb(&vm->heap, ARR(*ret));
	for (unsigned i = 0; i < n; i++)
		ARR(*ret)->v[i] = args[i];
	ARR(*ret)->len = n;
	return 0;
}

static int need_object(struct jsl_vm *vm, jv o)
{
	if (jv_is(o, JV_T_UNDEF) || jv_is(o, JV_T_NULL))
		return jsl_throw(vm, "TypeError: Cannot convert undefined or null to object");
	return 0;
}

/* Object.keys (what 0), values (1), entries (2). */
static int obj_kve(struct jsl_vm *vm, jv o, int what, jv *ret)
{
	jv keys;
	struct jsl_arr *k;

	if (need_object(vm, o) < 0)
		return -1;
	if (jv_is(o, JV_T_OBJ) && jv_obj(o)->type != JSL_OBJ_OBJ &&
	    jv_obj(o)->type != JSL_OBJ_ARR && jv_obj(o)->type != JSL_OBJ_TARR)
		o = JV_UNDEF;
	if (jsl_own_keys(vm, o, &keys) < 0)
		return -1;
	if (!what) {
		*ret = keys;
		return 0;
	}
	if (!jsl_root_push(vm, keys))
		return oom(vm);
	k = ARR(keys);
	for (uint32_t i = 0; i < k->len; i++) {
		jv v;

		if (jsl_get_prop(vm, o, k->v[i], &v) < 0)
			goto fail;
		if (what == 2) {
			jv pair;

			if (!jsl_root_push(vm, v) || jsl_new_arr(vm, 2, &pair) < 0) {
				jsl_root_pop(vm, 1);
				goto fail;
			}
			jsl_root_pop(vm, 1);
			jsl_wb(&vm->heap, ARR(pair));
			ARR(pair)->v[0] = k->v[i];
			ARR(pair)->v[1] = v;
			ARR(pair)->len = 2;
			v = pair;
		}
		jsl_wb(&vm->heap, k);
		k->v[i] = v; /* the key is not needed any more */
	}
	jsl_root_pop(vm, 1);
	*ret = keys;
	return 0;
fail:
	jsl_root_pop(vm, 1);
	return -1;
}

int jsl_nat_OKEYS(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return obj_kve(vm, arg(args, n, 0), 0, ret);
}

int jsl_nat_OVALUES(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return obj_kve(vm, arg(args, n, 0), 1, ret);
}

int jsl_nat_OENTRIES(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return obj_kve(vm, arg(args, n, 0), 2, ret);
}

int jsl_nat_OASSIGN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv t = arg(args, n, 0);

	if (need_object(vm, t) < 0)
		return -1;
	for (unsigned i = 1; i < n; i++) {
		jv keys;
		struct jsl_arr *k;

		if (!jv_is(args[i], JV_T_OBJ))
			continue;
		if (jsl_own_keys(vm, args[i], &keys) < 0 || !jsl_root_push(vm, keys))
			return -1;
		k = ARR(keys);
		for (uint32_t j = 0; j < k->len; j++) {
			jv v;

			bool frozen = (jv_is_objtype(t, JSL_OBJ_OBJ) && OBJT(t)->frozen) ||
				      (jv_is_objtype(t, JSL_OBJ_ARR) && ARR(t)->frozen);

			/* Object.assign throws on a frozen target, strict or not */
			if (jsl_get_prop(vm, args[i], k->v[j], &v) < 0 ||
			    (frozen && jsl_frozen_error(vm, t, k->v[j], false) < 0) ||
			    jsl_set_prop(vm, t, k->v[j], v) < 0) {
				jsl_root_pop(vm, 1);
				return -1;
			}
		}
		jsl_root_pop(vm, 1);
	}
	*ret = t;
	return 0;
}

int jsl_nat_OFREEZE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv o = arg(args, n, 0);

	if (jv_is_objtype(o, JSL_OBJ_TARR) && TARR(o)->len)
		return jsl_throw(vm, "TypeError: Cannot freeze array buffer views with elements");
	if (jv_is_objtype(o, JSL_OBJ_OBJ))
		OBJT(o)->frozen = 1;
	else if (jv_is_objtype(o, JSL_OBJ_ARR))
		ARR(o)->frozen = 1;
	*ret = o;
	return 0;
}

int jsl_nat_OISFROZEN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv o = arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(!jv_is(o, JV_T_OBJ) ||
		       (jv_is_objtype(o, JSL_OBJ_OBJ) && OBJT(o)->frozen) ||
		       (jv_is_objtype(o, JSL_OBJ_ARR) && ARR(o)->frozen));
	return 0;
}

int jsl_nat_OFROMENTRIES(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv tmp;
	struct jsl_arr *a;
	int rc;

	if (jsl_new_objt(vm, JSL_OBJ_OBJ, ret) < 0 || !jsl_root_push(vm, *ret))
		return -1;
	if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp)) {
		jsl_root_pop(vm, 1);
		return -1;
	}
	a = ARR(tmp);
	rc = jsl_spread(vm, a, arg(args, n, 0));
	for (uint32_t i = 0; !rc && i < a->len; i++) {
		jv k, v;

		if ((rc = jsl_get_prop(vm, a->v[i], jv_from_num(0), &k)) < 0 ||
		    (rc = jsl_get_prop(vm, a->v[i], jv_from_num(1), &v)) < 0)
			break;
		rc = jsl_set_prop(vm, *ret, k, v);
	}
	jsl_root_pop(vm, 2);
	return rc;
}

int jsl_nat_JSTRINGIFY(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	struct jsl_buf b = {.ok = true, .limit = VM_STR_MAX};
	jv sp = arg(args, n, 2);
	char gap[11] = "";
	int rc;

	if (!jv_is(arg(args, n, 1), JV_T_UNDEF) && !jv_is(arg(args, n, 1), JV_T_NULL))
		return jsl_throw(vm, "TypeError: JSON.stringify replacers are not supported in "
				     "JSLite");
	if (jv_is_num(sp)) {
		double d = to_int(sp);
		int k = d > 10 ? 10 : d < 0 ? 0 : (int)d;

		memset(gap, ' ', (size_t)k);
		gap[k] = 0;
	} else if (jv_is(sp, JV_T_STR)) {
		size_t k = jv_str(sp)->len > 10 ? 10 : jv_str(sp)->len;

		memcpy(gap, jv_str(sp)->s, k);
		gap[k] = 0;
	}
	rc = jsl_json_stringify(vm, arg(args, n, 0), gap, &b);
	if (rc < 0) {
		free(b.p);
		return -1;
	}
	if (rc == 1) {
		free(b.p);
		*ret = JV_UNDEF;
		return 0;
	}
	if (!b.ok) {
		free(b.p);
		return jsl_throw(vm, "RangeError: Invalid string length");
	}
	jsl_charge(vm, b.len / 8);
	return jsl_buf_to_str(vm, &b, ret);
}

int jsl_nat_JPARSE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv s = arg(args, n, 0);
	struct jsl_buf b = {.ok = true};
	int rc;

	if (jv_is(s, JV_T_STR)) {
		jsl_charge(vm, jv_str(s)->len / 8);
		return jsl_json_parse(vm, jv_str(s)->s, jv_str(s)->len, ret);
	}
	jsl_to_string_buf(vm->prog, s, &b);
	rc = jsl_json_parse(vm, b.p ? b.p : "", b.len, ret);
	free(b.p);
	return rc;
}

int jsl_nat_NISFINITE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv v = arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(jv_is_num(v) && isfinite(jv_num(v)));
	return 0;
}

int jsl_nat_NISNAN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv v = arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(jv_is_num(v) && jv_num(v) != jv_num(v));
	return 0;
}

int jsl_nat_NISSAFE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv v = arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(jv_is_num(v) && jv_num(v) == trunc(jv_num(v)) &&
		       fabs(jv_num(v)) <= 9007199254740991.0);
	return 0;
}

/*
 * V8's MathHypot (builtins/math.tq), step for step, so that the last digit
 * is node's: the arguments scaled by the largest, their squares summed with
 * Kahan's compensation, sqrt(sum) * max. glibc's hypot is correctly
 * rounded and differs: Math.hypot(3, 3) is 4.242640687119286 in node,
 * hypot(3, 3) 4.242640687119285 (found by make fuzz-diff). The arithmetic
 * must not be fused into FMAs (x86-64's baseline has none).
 */
int jsl_nat_HYPOT(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	double max = 0, sum = 0, comp = 0;
	bool nan = false;

	(void)vm;
	for (unsigned i = 0; i < n; i++) {
		double d = jsl_to_num(args[i]);

		if (d != d)
			nan = true;
		else if (fabs(d) > max)
			max = fabs(d);
	}
	if (max == INFINITY || nan || max == 0) {
		*ret = jv_from_num(max == INFINITY ? INFINITY : nan ? NAN : 0);
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		double x = fabs(jsl_to_num(args[i])) / max;
		double summand = x * x - comp;
		double prelim = sum + summand;

		comp = (prelim - sum) - summand;
		sum = prelim;
	}
	*ret = jv_from_num(sqrt(sum) * max);
	return 0;
}

int jsl_nat_CBRT(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_from_num(jsl_fd_cbrt(jsl_to_num(arg(args, n, 0))));
	return 0;
}

int jsl_nat_LOG2(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_from_num(jsl_fd_log2(jsl_to_num(arg(args, n, 0))));
	return 0;
}

int jsl_nat_LOG10(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_from_num(jsl_fd_log10(jsl_to_num(arg(args, n, 0))));
	return 0;
}

/* ---- array methods ---------------------------------------------------------------- */

static bool same_value_zero(jv a, jv b)
{
	return jsl_same_value_zero(a, b);
}

/* Default sort order: by String(v), undefined last. */
struct skey {
	jv v;
	char *s;
	size_t n;
};

static int skey_cmp(const struct skey *a, const struct skey *b)
{
	return jsl_str_cmp16(a->s, a->n, b->s, b->n);
}

static void merge_keys(struct skey *a, struct skey *tmp, size_t n)
{
	size_t h, i, j, k;

	if (n < 2)
		return;
	h = n / 2;
	merge_keys(a, tmp, h);
	merge_keys(a + h, tmp, n - h);
	for (i = 0, j = h, k = 0; i < h && j < n;)
		tmp[k++] = skey_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
}

/* Stable merge sort of a[0..n) with the program's comparator cmp (values rooted by the caller). */
static int merge_cmp(struct jsl_vm *vm, jv cmp, jv *a, jv *tmp, size_t n)
{
	size_t h, i, j, k;

	if (n < 2)
		return 0;
	h = n / 2;
	if (merge_cmp(vm, cmp, a, tmp, h) < 0 || merge_cmp(vm, cmp, a + h, tmp, n - h) < 0)
		return -1;
	for (i = 0, j = h, k = 0; i < h && j < n;) {
		jv cargs[2] = {a[j], a[i]}, r;
		double d;

		if (jsl_call(vm, cmp, cargs, 2, &r) < 0)
			return -1;
		d = jsl_to_num(r);
		tmp[k++] = d < 0 ? a[j++] : a[i++];
	}
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
	return 0;
}

static int arr_sort(struct jsl_vm *vm, jv self, jv cmp, jv *ret)
{
	struct jsl_arr *a = ARR(self);
	uint32_t n = a->len, nu = 0;
	int rc = 0;

	*ret = self;
	if (!jv_is(cmp, JV_T_UNDEF) && !jv_is_callable(cmp))
		return jsl_throw(vm, "TypeError: The comparison function must be either a function or "
				     "undefined");
	jsl_charge(vm, (uint64_t)n * 4);
	if (jv_is(cmp, JV_T_UNDEF)) {
		struct skey *k = calloc(n ? n : 1, sizeof(*k)), *tmp = calloc(n ? n : 1, sizeof(*k));
		uint32_t m = 0;

		if (!k || !tmp) {
			free(k);
			free(tmp);
			return oom(vm);
		}
		for (uint32_t i = 0; i < n; i++) {
			struct jsl_buf b = {.ok = true};

			if (jv_is(a->v[i], JV_T_UNDEF)) {
				nu++;
				continue;
			}
			jsl_to_string_buf(vm->prog, a->v[i], &b);
			k[m].v = a->v[i];
			k[m].s = b.p ? b.p : calloc(1, 1);
			k[m].n = b.len;
			m++;
		}
		merge_keys(k, tmp, m);
		jsl_wb(&vm->heap, a);
		for (uint32_t i = 0; i < m; i++) {
			a->v[i] = k[i].v;
			free(k[i].s);
		}
		for (uint32_t i = m; i < n; i++)
			a->v[i] = JV_UNDEF;
		free(k);
		free(tmp);
		return 0;
	}
	{
		/* a rooted copy holds the values while the comparator runs */
		jv copy, scratch;
		uint32_t m = 0;

		if (jsl_new_arr(vm, n, &copy) < 0 || !jsl_root_push(vm, copy))
			return -1;
		if (jsl_new_arr(vm, n, &scratch) < 0 || !jsl_root_push(vm, scratch)) {
			jsl_root_pop(vm, 1);
			return -1;
		}
		jsl_wb(&vm->heap, ARR(copy));
		for (uint32_t i = 0; i < n && i < a->len; i++)
			if (!jv_is(a->v[i], JV_T_UNDEF))
				ARR(copy)->v[m++] = a->v[i];
			else
				nu++;
		ARR(copy)->len = m;
		ARR(scratch)->len = 0;
		rc = merge_cmp(vm, cmp, ARR(copy)->v, ARR(scratch)->v, m);
		if (!rc) {
			a = ARR(self);
			jsl_wb(&vm->heap, a);
			for (uint32_t i = 0; i < m && i < a->len; i++)
				a->v[i] = ARR(copy)->v[i];
			for (uint32_t i = m; i < a->len; i++)
				a->v[i] = JV_UNDEF;
		}
		jsl_root_pop(vm, 2);
	}
	return rc;
}

static int arr_join(struct jsl_vm *vm, jv self, jv sep, jv *ret)
{
	struct jsl_arr *a = ARR(self);
	struct jsl_buf b = {.ok = true, .limit = VM_STR_MAX}, sb = {.ok = true};

	if (jv_is(sep, JV_T_UNDEF))
		jsl_buf_putc(&sb, ',');
	else
		jsl_to_string_buf(vm->prog, sep, &sb);
	for (uint32_t i = 0; i < a->len; i++) {
		if (i && sb.p)
			jsl_buf_put(&b, sb.p, sb.len);
		if (!jv_is(a->v[i], JV_T_UNDEF) && !jv_is(a->v[i], JV_T_NULL))
			jsl_to_string_buf(vm->prog, a->v[i], &b);
	}
	free(sb.p);
	jsl_charge(vm, a->len + b.len / 16);
	if (!b.ok && b.len + 1 >= VM_STR_MAX) {
		free(b.p);
		return jsl_throw(vm, "RangeError: Invalid string length");
	}
	return jsl_buf_to_str(vm, &b, ret);
}

static int flat_into(struct jsl_vm *vm, struct jsl_arr *dst, jv src, double depth)
{
	struct jsl_arr *s = ARR(src);

	if (depth > 1000 && ++vm->nested > 1000) {
		vm->nested -= 1;
		return jsl_throw(vm, "RangeError: Maximum call stack size exceeded");
	}
	for (uint32_t i = 0; i < s->len; i++) {
		jv v = s->v[i];

		if (depth >= 1 && jv_is_objtype(v, JSL_OBJ_ARR)) {
			if (flat_into(vm, dst, v, depth - 1) < 0)
				return -1;
		} else if (jsl_arr_push(vm, dst, v) < 0) {
			if (depth > 1000)
				vm->nested--;
			return -1;
		}
	}
	if (depth > 1000)
		vm->nested--;
	return 0;
}

enum iter_kind { IT_MAP, IT_FILTER, IT_FOREACH, IT_SOME, IT_EVERY, IT_FIND, IT_FINDINDEX,
		 IT_FINDLAST, IT_FINDLASTINDEX, IT_FLATMAP };

/* The callback methods: f(v, i, array) for each element. */
static int arr_iter(struct jsl_vm *vm, jv self, enum iter_kind k, jv f, jv *ret)
{
	jv out = JV_UNDEF;
	bool back = k == IT_FINDLAST || k == IT_FINDLASTINDEX;
	uint32_t n = ARR(self)->len;
	int rc = 0;

	if (!jv_is_callable(f))
		return not_function(vm, f);
	if (k == IT_MAP || k == IT_FILTER || k == IT_FLATMAP) {
		if (jsl_new_arr(vm, k == IT_MAP ? n : 0, &out) < 0)
			return -1;
		if (k == IT_MAP) {
			for (uint32_t i = 0; i < n; i++)
				ARR(out)->v[i] = JV_UNDEF;
			ARR(out)->len = n;
		}
		if (!jsl_root_push(vm, out))
			return oom(vm);
	}
	*ret = JV_UNDEF;
	if (k == IT_SOME)
		*ret = JV_FALSE;
	if (k == IT_EVERY)
		*ret = JV_TRUE;
	if (k == IT_FINDINDEX || k == IT_FINDLASTINDEX)
		*ret = jv_from_num(-1);
	for (uint32_t j = 0; j < n; j++) {
		uint32_t i = back ? n - 1 - j : j;
		jv v = i < ARR(self)->len ? ARR(self)->v[i] : JV_UNDEF, r;
		jv cargs[3] = {v, jv_from_num(i), self};
		bool t;

		if (!jsl_root_push(vm, v)) {
			rc = oom(vm);
			break;
		}
		rc = jsl_call(vm, f, cargs, 3, &r);
		jsl_root_pop(vm, 1);
		if (rc < 0)
			break;
		t = jsl_truthy(r);
		switch (k) {
		case IT_MAP:
			if (i < ARR(out)->len) {
				jsl_wb(&vm->heap, ARR(out));
				ARR(out)->v[i] = r;
			}
			break;
		case IT_FILTER:
			if (t && (rc = jsl_arr_push(vm, ARR(out), v)) < 0)
				goto done;
			break;
		case IT_FLATMAP:
			if (jv_is_objtype(r, JSL_OBJ_ARR)) {
				if (!jsl_root_push(vm, r)) {
					rc = oom(vm);
					goto done;
				}
				rc = flat_into(vm, ARR(out), r, 0);
				jsl_root_pop(vm, 1);
			} else {
				rc = jsl_arr_push(vm, ARR(out), r);
			}
			if (rc < 0)
				goto done;
			break;
		case IT_SOME:
			if (t) {
				*ret = JV_TRUE;
				goto done;
			}
			break;
		case IT_EVERY:
			if (!t) {
				*ret = JV_FALSE;
				goto done;
			}
			break;
		case IT_FIND:
		case IT_FINDLAST:
			if (t) {
				*ret = v;
				goto done;
			}
			break;
		case IT_FINDINDEX:
		case IT_FINDLASTINDEX:
			if (t) {
				*ret = jv_from_num(i);
				goto done;
			}
			break;
		default:
			break;
		}
	}
done:
	if (jv_is(out, JV_T_OBJ)) {
		jsl_root_pop(vm, 1);
		if (!rc)
			*ret = out;
	}
	return rc;
}

static int arr_reduce(struct jsl_vm *vm, jv self, jv f, bool has_init, jv init, bool right,
		      jv *ret)
{
	uint32_t n = ARR(self)->len, j = 0;
	jv acc = init;
	int rc = 0;

	if (!jv_is_callable(f))
		return not_function(vm, f);
	if (!has_init) {
		if (!n)
			return jsl_throw(vm, "TypeError: Reduce of empty array with no initial value");
		acc = ARR(self)->v[right ? n - 1 : 0];
		j = 1;
	}
	for (; j < n; j++) {
		uint32_t i = right ? n - 1 - j : j;
		jv v = i < ARR(self)->len ? ARR(self)->v[i] : JV_UNDEF;
		jv cargs[4] = {acc, v, jv_from_num(i), self};

		if (!jsl_root_push(vm, acc))
			return oom(vm);
		rc = jsl_call(vm, f, cargs, 4, &acc);
		jsl_root_pop(vm, 1);
		if (rc < 0)
			return -1;
	}
	*ret = acc;
	return 0;
}

/*
 * A method that writes to frozen array self throws even in a sloppy script,
 * with the error of its first write in the spec's order (V8's text): 0 when m
 * does not write (or writes nothing: reverse of one element).
 */
static int frozen_arr_write(struct jsl_vm *vm, unsigned m, jv self, jv *args, unsigned n)
{
	uint32_t len = ARR(self)->len;
	double key = -1; /* the index written first; -2: length, -3: delete len - 1 */

	switch (m) {
	case JSL_M_PUSH:
		key = n ? (double)len : -2;
		break;
	case JSL_M_POP:
		key = len ? -3 : -2;
		break;
	case JSL_M_SHIFT:
		key = len > 1 ? 0 : len ? -3 : -2;
		break;
	case JSL_M_UNSHIFT:
		key = n ? (double)len + n - 1 : -2;
		break;
	case JSL_M_SORT:
	case JSL_M_FILL: {
		uint32_t st = m == JSL_M_FILL && n > 1 ? rel(to_int(args[1]), len) : 0;
		uint32_t e = m == JSL_M_FILL && n > 2 && !jv_is(args[2], JV_T_UNDEF)
				 ? rel(to_int(args[2]), len)
				 : len;

		key = st < e ? (double)st : -1;
		break;
	}
	case JSL_M_REVERSE:
		key = len > 1 ? 0 : -1;
		break;
	case JSL_M_SPLICE: {
		uint32_t st = rel(to_int(arg(args, n, 0)), len), ins = n > 2 ? n - 2 : 0, del;

		if (n == 0)
			del = 0;
		else if (n == 1)
			del = len - st;
		else {
			double d = to_int(args[1]);

			del = d < 0 ? 0 : d > len - st ? len - st : (uint32_t)d;
		}
		if (ins < del) /* move the rest down, or delete the tail */
			key = st + del < len ? (double)st : -3;
		else if (ins > del) /* move the rest up from the end, or write the items */
			key = st + del < len ? (double)len - del + ins - 1 : st;
		else
			key = ins ? (double)st : -2;
		break;
	}
	default:
		return 0;
	}
	if (key == -1)
		return 0;
	if (key == -2)
		return jsl_throw(vm, "TypeError: Cannot assign to read only property 'length' of object "
				     "'[object Array]'");
	if (key == -3)
		return jsl_throw(vm, "TypeError: Cannot delete property '%u' of [object Array]",
				 len - 1);
	return jsl_frozen_error(vm, self, jv_from_num(key), false);
}

static int arr_method(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];
	jv *args = recv + 1;
	struct jsl_arr *a = ARR(self);

	if (a->frozen && frozen_arr_write(vm, m, self, args, n) < 0)
		return -1;
	switch (m) {
	case JSL_M_PUSH:
		for (unsigned i = 0; i < n; i++)
			if (jsl_arr_push(vm, a, args[i]) < 0)
				return -1;
		*ret = jv_from_num(a->len);
		return 0;
	case JSL_M_POP:
		*ret = a->len ? a->v[--a->len] : JV_UNDEF;
		return 0;
	case JSL_M_SHIFT:
		if (!a->len) {
			*ret = JV_UNDEF;
			return 0;
		}
		*ret = a->v[0];
		memmove(a->v, a->v + 1, (a->len - 1) * sizeof(jv));
		a->len--;
		jsl_charge(vm, a->len);
		return 0;
	case JSL_M_UNSHIFT: {
		uint32_t old = a->len;

		if (n) {
			if (jsl_arr_resize(vm, a, old + n) < 0)
				return -1;
			if (old)
				memmove(a->v + n, a->v, old * sizeof(jv));
			jsl_wb(&vm->heap, a);
			for (unsigned i = 0; i < n; i++)
				a->v[i] = args[i];
		}
		jsl_charge(vm, a->len);
		*ret = jv_from_num(a->len);
		return 0;
	}
	case JSL_M_SLICE: {
		uint32_t s = rel(to_int(arg(args, n, 0)), a->len);
		uint32_t e = n > 1 && !jv_is(args[1], JV_T_UNDEF) ? rel(to_int(args[1]), a->len)
								   : a->len;
		uint32_t k = e > s ? e - s : 0;

		if (jsl_new_arr(vm, k, ret) < 0)
			return -1;
		a = ARR(self);
		jsl_wb(&vm->heap, ARR(*ret));
		if (k)
			memcpy(ARR(*ret)->v, a->v + s, k * sizeof(jv));
		ARR(*ret)->len = k;
		jsl_charge(vm, k);
		return 0;
	}
	case JSL_M_SPLICE: {
		uint32_t s = rel(to_int(arg(args, n, 0)), a->len), del, ins = n > 2 ? n - 2 : 0;
		uint32_t old = a->len;

		if (n == 0)
			del = 0;
		else if (n == 1)
			del = a->len - s;
		else {
			double d = to_int(args[1]);

			del = d < 0 ? 0 : d > a->len - s ? a->len - s : (uint32_t)d;
		}
		if (jsl_new_arr(vm, del, ret) < 0)
			return -1;
		a = ARR(self);
		jsl_wb(&vm->heap, ARR(*ret));
		if (del)
			memcpy(ARR(*ret)->v, a->v + s, del * sizeof(jv));
		ARR(*ret)->len = del;
		if (ins > del) {
			int rc;

			if (!jsl_root_push(vm, *ret))
				return oom(vm);
			rc = jsl_arr_resize(vm, a, old + ins - del);
			jsl_root_pop(vm, 1);
			if (rc < 0)
				return -1;
		}
		if (old - s - del)
			memmove(a->v + s + ins, a->v + s + del, (old - s - del) * sizeof(jv));
		jsl_wb(&vm->heap, a);
		for (uint32_t i = 0; i < ins; i++)
			a->v[s + i] = args[2 + i];
		a->len = old + ins - del;
		jsl_charge(vm, old);
		return 0;
	}
	case JSL_M_CONCAT: {
		if (jsl_new_arr(vm, 0, ret) < 0 || !jsl_root_push(vm, *ret))
			return -1;
		if (jsl_spread(vm, ARR(*ret), self) < 0)
			goto fail1;
		for (unsigned i = 0; i < n; i++) {
			if (jv_is_objtype(args[i], JSL_OBJ_ARR)) {
				if (jsl_spread(vm, ARR(*ret), args[i]) < 0)
					goto fail1;
			} else if (jsl_arr_push(vm, ARR(*ret), args[i]) < 0) {
				goto fail1;
			}
		}
		jsl_root_pop(vm, 1);
		return 0;
fail1:
		jsl_root_pop(vm, 1);
		return -1;
	}
	case JSL_M_INDEXOF:
	case JSL_M_LASTINDEXOF:
	case JSL_M_INCLUDES: {
		jv x = arg(args, n, 0);
		int64_t from = m == JSL_M_LASTINDEXOF ? (int64_t)a->len - 1 : 0;

		if (n > 1) {
			double d = to_int(args[1]);

			if (d < 0)
				d += a->len;
			from = d < -1 ? -1 : d > a->len ? a->len : (int64_t)d;
			if (m != JSL_M_LASTINDEXOF && from < 0)
				from = 0;
			if (m == JSL_M_LASTINDEXOF && from >= a->len)
				from = (int64_t)a->len - 1;
		}
		*ret = m == JSL_M_INCLUDES ? JV_FALSE : jv_from_num(-1);
		if (m == JSL_M_LASTINDEXOF) {
			for (int64_t i = from; i >= 0; i--) {
				if (jsl_strict_eq(a->v[i], x)) {
					*ret = jv_from_num((double)i);
					break;
				}
			}
		} else {
			for (int64_t i = from; i < a->len; i++) {
				if (m == JSL_M_INCLUDES ? same_value_zero(a->v[i], x)
							: jsl_strict_eq(a->v[i], x)) {
					*ret = m == JSL_M_INCLUDES ? JV_TRUE : jv_from_num((double)i);
					break;
				}
			}
		}
		jsl_charge(vm, a->len);
		return 0;
	}
	case JSL_M_JOIN:
		return arr_join(vm, self, arg(args, n, 0), ret);
	case JSL_M_TOSTRING:
		return arr_join(vm, self, JV_UNDEF, ret);
	case JSL_M_REVERSE:
		for (uint32_t i = 0, j = a->len; i + 1 < j; i++, j--) {
			jv t = a->v[i];

			a->v[i] = a->v[j - 1];
			a->v[j - 1] = t;
		}
		jsl_charge(vm, a->len);
		*ret = self;
		return 0;
	case JSL_M_SORT:
		return arr_sort(vm, self, arg(args, n, 0), ret);
	case JSL_M_MAP:
		return arr_iter(vm, self, IT_MAP, arg(args, n, 0), ret);
	case JSL_M_FILTER:
		return arr_iter(vm, self, IT_FILTER, arg(args, n, 0), ret);
	case JSL_M_FOREACH:
		return arr_iter(vm, self, IT_FOREACH, arg(args, n, 0), ret);
	case JSL_M_SOME:
		return arr_iter(vm, self, IT_SOME, arg(args, n, 0), ret);
	case JSL_M_EVERY:
		return arr_iter(vm, self, IT_EVERY, arg(args, n, 0), ret);
	case JSL_M_FIND:
		return arr_iter(vm, self, IT_FIND, arg(args, n, 0), ret);
	case JSL_M_FINDINDEX:
		return arr_iter(vm, self, IT_FINDINDEX, arg(args, n, 0), ret);
	case JSL_M_FINDLAST:
		return arr_iter(vm, self, IT_FINDLAST, arg(args, n, 0), ret);
	case JSL_M_FINDLASTINDEX:
		return arr_iter(vm, self, IT_FINDLASTINDEX, arg(args, n, 0), ret);
	case JSL_M_FLATMAP:
		return arr_iter(vm, self, IT_FLATMAP, arg(args, n, 0), ret);
	case JSL_M_REDUCE:
	case JSL_M_REDUCERIGHT:
		return arr_reduce(vm, self, arg(args, n, 0), n > 1, arg(args, n, 1),
				  m == JSL_M_REDUCERIGHT, ret);
	case JSL_M_FILL: {
		uint32_t s = n > 1 ? rel(to_int(args[1]), a->len) : 0;
		uint32_t e = n > 2 && !jv_is(args[2], JV_T_UNDEF) ? rel(to_int(args[2]), a->len)
								   : a->len;

		jsl_wb(&vm->heap, a);
		for (uint32_t i = s; i < e; i++)
			a->v[i] = arg(args, n, 0);
		jsl_charge(vm, a->len);
		*ret = self;
		return 0;
	}
	case JSL_M_FLAT: {
		double d = n && !jv_is(args[0], JV_T_UNDEF) ? to_int(args[0]) : 1;

		if (jsl_new_arr(vm, 0, ret) < 0 || !jsl_root_push(vm, *ret))
			return -1;
		if (flat_into(vm, ARR(*ret), self, d) < 0) {
			jsl_root_pop(vm, 1);
			return -1;
		}
		jsl_root_pop(vm, 1);
		return 0;
	}
	case JSL_M_AT: {
		double d = to_int(arg(args, n, 0));

		if (d < 0)
			d += a->len;
		*ret = d >= 0 && d < a->len ? a->v[(uint32_t)d] : JV_UNDEF;
		return 0;
	}
	case JSL_M_HASOWNPROPERTY: {
		jv k = arg(args, n, 0);
		double d = jv_is_num(k) ? jv_num(k) : -1;

		if (jv_is(k, JV_T_STR)) {
			int64_t idx = jsl_str_index(jv_str(k));

			*ret = jv_bool((idx >= 0 && idx < a->len) ||
				       (jv_str(k)->len == 6 && !memcmp(jv_str(k)->s, "length", 6)));
		} else {
			*ret = jv_bool(d >= 0 && d < a->len && d == floor(d));
		}
		return 0;
	}
	case JSL_M_KEYS:
	case JSL_M_VALUES:
	case JSL_M_ENTRIES: {
		/* iterators are arrays in JSLite */
		if (jsl_new_arr(vm, a->len, ret) < 0 || !jsl_root_push(vm, *ret))
			return -1;
		for (uint32_t i = 0; i < ARR(self)->len; i++) {
			jv v = m == JSL_M_KEYS ? jv_from_num(i) : ARR(self)->v[i];

			if (m == JSL_M_ENTRIES) {
				jv pair;

				if (jsl_new_arr(vm, 2, &pair) < 0) {
					jsl_root_pop(vm, 1);
					return -1;
				}
				jsl_wb(&vm->heap, ARR(pair));
				ARR(pair)->v[0] = jv_from_num(i);
				ARR(pair)->v[1] = ARR(self)->v[i];
				ARR(pair)->len = 2;
				v = pair;
			}
			jsl_wb(&vm->heap, ARR(*ret));
			ARR(*ret)->v[i] = v;
			ARR(*ret)->len = i + 1;
		}
		jsl_root_pop(vm, 1);
		return 0;
	}
	default:
		return 1;
	}
}

/* ---- Map and Set ------------------------------------------------------------------ */

static jv norm_key(jv k)
{
	return jv_is_num(k) && jv_num(k) == 0 ? jv_from_num(0) : k;
}

static int mapset_method(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];
	jv *args = recv + 1;
	struct jsl_objt *o = OBJT(self);
	bool is_map = o->h.type == JSL_OBJ_MAP;
	int64_t i;

	switch (m) {
	case JSL_M_GET:
		if (!is_map)
			return 1;
		i = jsl_tab_find(&o->t, arg(args, n, 0));
		*ret = i >= 0 ? o->t.e[2 * i + 1] : JV_UNDEF;
		return 0;
	case JSL_M_SET:
		if (!is_map)
			return 1;
		*ret = self;
		return jsl_obj_put(vm, o, norm_key(arg(args, n, 0)), arg(args, n, 1));
	case JSL_M_ADD:
		if (is_map)
			return 1;
		*ret = self;
		return jsl_obj_put(vm, o, norm_key(arg(args, n, 0)), JV_UNDEF);
	case JSL_M_HAS:
		*ret = jv_bool(jsl_tab_find(&o->t, arg(args, n, 0)) >= 0);
		return 0;
	case JSL_M_DELETE:
		*ret = jv_bool(jsl_tab_del(&o->t, arg(args, n, 0)));
		return 0;
	case JSL_M_CLEAR:
		jsl_tab_clear(&o->t);
		*ret = JV_UNDEF;
		return 0;
	case JSL_M_KEYS:
	case JSL_M_VALUES:
	case JSL_M_ENTRIES: {
		if (jsl_new_arr(vm, 0, ret) < 0 || !jsl_root_push(vm, *ret))
			return -1;
		for (uint32_t k = 0; k < OBJT(self)->t.n; k++) {
			struct jsl_tab *t = &OBJT(self)->t;
			jv v;

			if (t->e[2 * k] == JV_HOLE)
				continue;
			if (m == JSL_M_KEYS || (m == JSL_M_VALUES && !is_map))
				v = t->e[2 * k];
			else if (m == JSL_M_VALUES)
				v = t->e[2 * k + 1];
			else {
				if (jsl_new_arr(vm, 2, &v) < 0) {
					jsl_root_pop(vm, 1);
					return -1;
				}
				t = &OBJT(self)->t;
				jsl_wb(&vm->heap, ARR(v));
				ARR(v)->v[0] = t->e[2 * k];
				ARR(v)->v[1] = is_map ? t->e[2 * k + 1] : t->e[2 * k];
				ARR(v)->len = 2;
			}
			if (jsl_arr_push(vm, ARR(*ret), v) < 0) {
				jsl_root_pop(vm, 1);
				return -1;
			}
		}
		jsl_root_pop(vm, 1);
		return 0;
	}
	case JSL_M_FOREACH: {
		jv f = arg(args, n, 0);

		if (!jv_is_callable(f))
			return not_function(vm, f);
		/* live, as for-of (vm/iter.c): entries keep their places meanwhile */
		OBJT(self)->t.niter++;
		for (uint32_t k = 0; k < OBJT(self)->t.n; k++) {
			struct jsl_tab *t = &OBJT(self)->t;
			jv cargs[3], r;

			if (t->e[2 * k] == JV_HOLE)
				continue;
			cargs[0] = is_map ? t->e[2 * k + 1] : t->e[2 * k];
			cargs[1] = t->e[2 * k];
			cargs[2] = self;
			if (jsl_call(vm, f, cargs, 3, &r) < 0) {
				OBJT(self)->t.niter--;
				return -1;
			}
		}
		OBJT(self)->t.niter--;
		*ret = JV_UNDEF;
		return 0;
	}
	default:
		return 1;
	}
}

/* ---- strings ---------------------------------------------------------------------- */

/* Byte offset of UTF-16 index u in s. */
static uint32_t byte_of(const struct jsl_str *s, uint32_t u)
{
	uint32_t i = 0, k = 0;

	if (s->ascii)
		return u < s->len ? u : s->len;
	while (i < s->len && k < u) {
		unsigned char c = (unsigned char)s->s[i];
		uint32_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		k += n == 4 ? 2 : 1;
		i += n;
	}
	return i > s->len ? s->len : i;
}

/* UTF-16 index of byte offset b. */
static uint32_t unit_of_byte(const struct jsl_str *s, uint32_t b)
{
	uint32_t i = 0, k = 0;

	if (s->ascii)
		return b;
	while (i < b && i < s->len) {
		unsigned char c = (unsigned char)s->s[i];
		uint32_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		k += n == 4 ? 2 : 1;
		i += n;
	}
	return k;
}

static const char *find_bytes(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (!nn)
		return h;
	return memmem(h, hn, nd, nn);
}

static int str_split(struct jsl_vm *vm, jv self, jv sepv, jv limv, jv *ret)
{
	struct jsl_buf sb = {.ok = true};
	uint32_t lim = jv_is(limv, JV_T_UNDEF) ? UINT32_MAX : (uint32_t)jsl_to_int32(jsl_to_num(limv));
	int rc = 0;

	if (jsl_new_arr(vm, 0, ret) < 0 || !jsl_root_push(vm, *ret))
		return -1;
	if (!lim)
		goto out;
	if (jv_is(sepv, JV_T_UNDEF)) {
		rc = jsl_arr_push(vm, ARR(*ret), self);
		goto out;
	}
	jsl_to_string_buf(vm->prog, sepv, &sb);
	if (!sb.len) {
		/* one element per UTF-16 code unit */
		uint32_t nu = jv_str(self)->ulen;

		for (uint32_t u = 0; u < nu && ARR(*ret)->len < lim && !rc; u++) {
			jv ch;

			rc = jsl_char_at(vm, self, u, &ch);
			if (!rc)
				rc = jsl_arr_push(vm, ARR(*ret), ch);
		}
		goto out;
	}
	{
		size_t pos = 0;

		for (;;) {
			const struct jsl_str *s = jv_str(self);
			const char *hit = find_bytes(s->s + pos, s->len - pos, sb.p, sb.len);
			size_t end = hit ? (size_t)(hit - s->s) : s->len;
			jv part;

			if (ARR(*ret)->len >= lim)
				break;
			if ((rc = jsl_new_str(vm, s->s + pos, end - pos, &part)) < 0 ||
			    (rc = jsl_arr_push(vm, ARR(*ret), part)) < 0)
				break;
			if (!hit)
				break;
			pos = end + sb.len;
		}
	}
out:
	free(sb.p);
	jsl_root_pop(vm, 1);
	jsl_charge(vm, jv_str(self)->len / 4);
	return rc;
}

/* GetSubstitution for a string pattern: $$, $&, $`, $'. */
static void put_subst(struct jsl_buf *b, const struct jsl_str *s, size_t at, size_t mlen,
		      const char *r, size_t rn)
{
	for (size_t i = 0; i < rn; i++) {
		if (r[i] == '$' && i + 1 < rn) {
			char c = r[i + 1];

			if (c == '$') {
				jsl_buf_putc(b, '$');
				i++;
				continue;
			}
			if (c == '&') {
				jsl_buf_put(b, s->s + at, mlen);
				i++;
				continue;
			}
			if (c == '`') {
				jsl_buf_put(b, s->s, at);
				i++;
				continue;
			}
			if (c == '\'') {
				jsl_buf_put(b, s->s + at + mlen, s->len - at - mlen);
				i++;
				continue;
			}
		}
		jsl_buf_putc(b, r[i]);
	}
}

static int str_replace(struct jsl_vm *vm, jv self, jv pat, jv repl, bool all, jv *ret)
{
	struct jsl_buf pb = {.ok = true}, rb = {.ok = true}, out = {.ok = true, .limit = VM_STR_MAX};
	bool fn = jv_is_callable(repl);
	size_t pos = 0;
	bool mid = false; /* between the halves of the 4-byte character at pos */
	int rc = 0;

	jsl_to_string_buf(vm->prog, pat, &pb);
	if (!fn)
		jsl_to_string_buf(vm->prog, repl, &rb);
	for (;;) {
		const struct jsl_str *s = jv_str(self);
		const char *hit = mid		 ? s->s + pos
				  : pos <= s->len ? find_bytes(s->s + pos, s->len - pos,
							       pb.p ? pb.p : "", pb.len)
						  : NULL;
		size_t at;

		if (!hit)
			break;
		at = (size_t)(hit - s->s);
		if (!mid)
			jsl_buf_put(&out, s->s + pos, at - pos);
		if (fn) {
			jv cargs[3], r, m;
			struct jsl_buf t = {.ok = true};

			if ((rc = jsl_new_str(vm, s->s + at, pb.len, &m)) < 0)
				break;
			cargs[0] = m;
			cargs[1] = jv_from_num(unit_of_byte(jv_str(self), (uint32_t)at) + mid);
			cargs[2] = self;
			if ((rc = jsl_call(vm, repl, cargs, 3, &r)) < 0)
				break;
			jsl_to_string_buf(vm->prog, r, &t);
			if (t.p)
				jsl_buf_put(&out, t.p, t.len);
			free(t.p);
		} else {
			put_subst(&out, jv_str(self), at, pb.len, rb.p ? rb.p : "", rb.len);
		}
		s = jv_str(self);
		pos = at + pb.len;
		if (!pb.len) {
			/* an empty pattern matches between every code unit */
			if (pos < s->len) {
				unsigned char c = (unsigned char)s->s[pos];
				size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

				if (k == 4 && all && pos + 4 <= s->len) {
					/* one half now (WTF-8), the next match between the halves */
					uint32_t cp = (c & 0x07u) << 18 | (s->s[pos + 1] & 0x3fu) << 12 |
						      (s->s[pos + 2] & 0x3fu) << 6 |
						      (s->s[pos + 3] & 0x3fu);
					uint32_t u = mid ? 0xdc00 + ((cp - 0x10000) & 0x3ff)
							 : 0xd800 + ((cp - 0x10000) >> 10);
					char h[3] = {(char)(0xe0 | (u >> 12)),
						     (char)(0x80 | ((u >> 6) & 0x3f)),
						     (char)(0x80 | (u & 0x3f))};

					jsl_buf_put(&out, h, 3);
					if (mid)
						pos += k;
					mid = !mid;
				} else {
					jsl_buf_put(&out, s->s + pos, k);
					pos += k;
				}
			} else {
				pos = s->len + 1;
			}
		}
		if (!all)
			break;
	}
	free(pb.p);
	free(rb.p);
	if (rc < 0) {
		free(out.p);
		return -1;
	}
	if (pos < jv_str(self)->len)
		jsl_buf_put(&out, jv_str(self)->s + pos, jv_str(self)->len - pos);
	jsl_charge(vm, jv_str(self)->len / 4);
	return jsl_buf_to_str(vm, &out, ret);
}

static bool is_ws_at(const char *s, size_t n, size_t i, size_t *w)
{
	*w = jsl_space_at(s, n, i);
	return *w != 0;
}

static int str_method(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];
	jv *args = recv + 1;
	const struct jsl_str *s = jv_str(self);

	switch (m) {
	case JSL_M_SPLIT:
		return str_split(vm, self, arg(args, n, 0), arg(args, n, 1), ret);
	case JSL_M_REPLACE:
	case JSL_M_REPLACEALL:
		return str_replace(vm, self, arg(args, n, 0), arg(args, n, 1), m == JSL_M_REPLACEALL,
				   ret);
	case JSL_M_AT: {
		double d = to_int(arg(args, n, 0));

		if (d < 0)
			d += s->ulen;
		return jsl_char_at(vm, self, d, ret);
	}
	case JSL_M_CODEPOINTAT: {
		double d = to_int(arg(args, n, 0));
		char b[4];
		uint32_t u, u2;

		if (d < 0 || d >= s->ulen) {
			*ret = JV_UNDEF;
			return 0;
		}
		if (!jsl_code_unit_at(s, (uint32_t)d, b, &u)) {
			*ret = JV_UNDEF;
			return 0;
		}
		if (u >= 0xd800 && u <= 0xdbff && d + 1 < s->ulen &&
		    jsl_code_unit_at(s, (uint32_t)d + 1, b, &u2) && u2 >= 0xdc00 && u2 <= 0xdfff)
			u = 0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00);
		*ret = jv_from_num(u);
		return 0;
	}
	case JSL_M_LOCALECOMPARE: {
		struct jsl_buf b = {.ok = true};
		int c;

		jsl_to_string_buf(vm->prog, arg(args, n, 0), &b);
		c = jsl_str_cmp16(s->s, s->len, b.p ? b.p : "", b.len);
		free(b.p);
		*ret = jv_from_num(c < 0 ? -1 : c > 0);
		return 0;
	}
	case JSL_M_TRIMSTART:
	case JSL_M_TRIMEND: {
		size_t a = 0, e = s->len, w;

		if (m == JSL_M_TRIMSTART)
			while (a < e && is_ws_at(s->s, s->len, a, &w))
				a += w;
		else
			for (;;) {
				size_t k = e, found = 0;

				/* step back over one white-space sequence ending at e */
				for (size_t back = 1; back <= 3 && back <= k; back++)
					if (is_ws_at(s->s, s->len, k - back, &w) && w == back) {
						found = back;
						break;
					}
				if (!found)
					break;
				e -= found;
			}
		return jsl_new_str(vm, s->s + a, e - a, ret);
	}
	case JSL_M_CONCAT: {
		struct jsl_buf b = {.ok = true, .limit = VM_STR_MAX};

		jsl_buf_put(&b, s->s, s->len);
		for (unsigned i = 0; i < n; i++)
			jsl_to_string_buf(vm->prog, args[i], &b);
		return jsl_buf_to_str(vm, &b, ret);
	}
	case JSL_M_LASTINDEXOF: {
		struct jsl_buf b = {.ok = true};
		double pos = n > 1 ? jsl_to_num(args[1]) : NAN;
		int64_t k;

		jsl_to_string_buf(vm->prog, arg(args, n, 0), &b);
		k = jsl_str_find16(s, b.p ? b.p : "", b.len, pos != pos ? pos : trunc(pos), true);
		free(b.p);
		jsl_charge(vm, s->len / 16);
		if (k == -2)
			return oom(vm);
		*ret = jv_from_num((double)k);
		return 0;
	}
	default:
		(void)byte_of;
		return 1;
	}
}

/* ---- typed arrays ------------------------------------------------------------------ */

/* Default typed array order: numeric, -0 before +0, NaN last. */
static int num_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	if (a != a)
		return b != b ? 0 : 1;
	if (b != b)
		return -1;
	if (a < b)
		return -1;
	if (a > b)
		return 1;
	return signbit(b) - signbit(a);
}

/* The typed array methods that write or make a typed array; 1: not one of them. */
static int tarr_method(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];
	jv *args = recv + 1;
	uint32_t len = TARR(self)->len;

	switch (m) {
	case JSL_M_FILL: {
		double x = jsl_to_num(arg(args, n, 0));
		uint32_t s = n > 1 ? rel(to_int(args[1]), len) : 0;
		uint32_t e = n > 2 && !jv_is(args[2], JV_T_UNDEF) ? rel(to_int(args[2]), len) : len;

		for (uint32_t i = s; i < e; i++)
			jsl_tarr_set(TARR(self), i, x);
		jsl_charge(vm, e > s ? (e - s) / 8 : 0);
		*ret = self;
		return 0;
	}
	case JSL_M_SLICE: {
		uint32_t s = rel(to_int(arg(args, n, 0)), len);
		uint32_t e = n > 1 && !jv_is(args[1], JV_T_UNDEF) ? rel(to_int(args[1]), len) : len;
		uint32_t k = e > s ? e - s : 0;

		if (tarr_alloc(vm, TARR(self)->kind, k, ret) < 0)
			return -1;
		if (k)
			memcpy(TARR(*ret)->p, (char *)TARR(self)->p + s * tarr_esize[TARR(self)->kind],
			       k * tarr_esize[TARR(self)->kind]);
		return 0;
	}
	case JSL_M_REVERSE:
		for (uint32_t i = 0, j = len; i + 1 < j; i++, j--) {
			double t = jsl_tarr_get(TARR(self), i);

			jsl_tarr_set(TARR(self), i, jsl_tarr_get(TARR(self), j - 1));
			jsl_tarr_set(TARR(self), j - 1, t);
		}
		jsl_charge(vm, len / 8);
		*ret = self;
		return 0;
	case JSL_M_SET: {
		/* set(source, offset): elements of an array or typed array */
		jv src = arg(args, n, 0), tmp;
		double off = to_int(arg(args, n, 1));
		int rc = 0;

		if (off < 0)
			return jsl_throw(vm, "RangeError: offset is out of bounds");
		if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp))
			return -1;
		if (jv_is_objtype(src, JSL_OBJ_ARR) || jv_is_objtype(src, JSL_OBJ_TARR))
			rc = jsl_spread(vm, ARR(tmp), src);
		if (!rc && off + ARR(tmp)->len > TARR(self)->len)
			rc = jsl_throw(vm, "RangeError: offset is out of bounds");
		for (uint32_t i = 0; !rc && i < ARR(tmp)->len; i++)
			jsl_tarr_set(TARR(self), (uint32_t)off + i, jsl_to_num(ARR(tmp)->v[i]));
		jsl_root_pop(vm, 1);
		*ret = JV_UNDEF;
		return rc;
	}
	case JSL_M_MAP:
	case JSL_M_FILTER: {
		/* a typed array of the same kind, from f(v, i, self) */
		jv f = arg(args, n, 0), out, keep = JV_UNDEF;
		int rc = 0;

		if (!jv_is_callable(f))
			return not_function(vm, f);
		if (tarr_alloc(vm, TARR(self)->kind, m == JSL_M_MAP ? len : 0, &out) < 0 ||
		    !jsl_root_push(vm, out))
			return -1;
		if (m == JSL_M_FILTER) {
			if (jsl_new_arr(vm, 0, &keep) < 0 || !jsl_root_push(vm, keep)) {
				jsl_root_pop(vm, 1);
				return -1;
			}
		}
		for (uint32_t i = 0; i < len && !rc; i++) {
			jv v = jv_from_num(i < TARR(self)->len ? jsl_tarr_get(TARR(self), i) : NAN);
			jv cargs[3] = {v, jv_from_num(i), self}, r;

			if (i >= TARR(self)->len)
				v = cargs[0] = JV_UNDEF;
			if ((rc = jsl_call(vm, f, cargs, 3, &r)) < 0)
				break;
			if (m == JSL_M_MAP)
				jsl_tarr_set(TARR(out), i, jsl_to_num(r));
			else if (jsl_truthy(r))
				rc = jsl_arr_push(vm, ARR(keep), v);
		}
		if (!rc && m == JSL_M_FILTER)
			rc = new_tarr(vm, TARR(self)->kind, &keep, 1, &out);
		jsl_root_pop(vm, m == JSL_M_FILTER ? 2 : 1);
		if (!rc)
			*ret = out;
		return rc;
	}
	case JSL_M_SORT: {
		jv cmp = arg(args, n, 0), tmp, r;
		int rc;

		if (!jv_is(cmp, JV_T_UNDEF) && !jv_is_callable(cmp))
			return jsl_throw(vm, "TypeError: The comparison function must be either a "
					     "function or undefined");
		if (jv_is(cmp, JV_T_UNDEF)) {
			double *d = malloc((len ? len : 1) * sizeof(*d));

			if (!d)
				return oom(vm);
			for (uint32_t i = 0; i < len; i++)
				d[i] = jsl_tarr_get(TARR(self), i);
			qsort(d, len, sizeof(*d), num_cmp);
			for (uint32_t i = 0; i < len; i++)
				jsl_tarr_set(TARR(self), i, d[i]);
			free(d);
			jsl_charge(vm, (uint64_t)len * 2);
			*ret = self;
			return 0;
		}
		/* with a comparator: the array sort (stable) on a copy, written back */
		if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp))
			return -1;
		rc = jsl_spread(vm, ARR(tmp), self);
		if (!rc)
			rc = arr_sort(vm, tmp, cmp, &r);
		for (uint32_t i = 0; !rc && i < ARR(tmp)->len && i < TARR(self)->len; i++)
			jsl_tarr_set(TARR(self), i, jsl_to_num(ARR(tmp)->v[i]));
		jsl_root_pop(vm, 1);
		*ret = self;
		return rc;
	}
	default:
		return 1;
	}
}

/* ---- prototypes, for the 'in' operator ------------------------------------------- */

static bool name_in(const char *list, const struct jsl_str *k)
{
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == k->len && !memcmp(p, k->s, n))
			return true;
		p += n + (e != NULL);
	}
	return false;
}

/*
 * Whether key k names a property that obj inherits in node (Array.prototype's
 * push, Object.prototype's toString, a Map's size, ...): what `k in obj` sees
 * besides the own properties. The lists are node 20's getOwnPropertyNames.
 */
bool jsl_proto_has(jv obj, const struct jsl_str *k)
{
	static const char objp[] = "constructor __defineGetter__ __defineSetter__ hasOwnProperty "
				   "__lookupGetter__ __lookupSetter__ isPrototypeOf "
				   "propertyIsEnumerable toString valueOf __proto__ toLocaleString";
	static const char arrp[] = "length at concat copyWithin fill find findIndex findLast "
				   "findLastIndex lastIndexOf pop push reverse shift unshift slice "
				   "sort splice includes indexOf join keys entries values forEach "
				   "filter flat flatMap map every some reduce reduceRight toReversed "
				   "toSorted toSpliced with";
	static const char mapp[] = "get set has delete clear entries forEach keys size values";
	static const char setp[] = "has add delete clear entries forEach size values keys";
	static const char tarrp[] = "buffer byteLength byteOffset length entries keys values at "
				    "copyWithin every fill filter find findIndex findLast "
				    "findLastIndex forEach includes indexOf join lastIndexOf map "
				    "reverse reduce reduceRight set slice some sort subarray "
				    "toReversed toSorted with BYTES_PER_ELEMENT";
	const char *own = NULL;

	if (!jv_is(obj, JV_T_OBJ))
		return false;
	switch (jv_obj(obj)->type) {
	case JSL_OBJ_ARR:
		own = arrp;
		break;
	case JSL_OBJ_MAP:
		own = mapp;
		break;
	case JSL_OBJ_SET:
		own = setp;
		break;
	case JSL_OBJ_TARR:
		own = tarrp;
		break;
	case JSL_OBJ_OBJ:
		if (OBJT(obj)->cls && OBJT(obj)->cls <= JSL_CLS_SYNTAXERROR)
			own = "name message stack";
		break;
	default:
		return false;
	}
	return (own && name_in(own, k)) || name_in(objp, k);
}

/* ---- dispatch --------------------------------------------------------------------- */

static int lib_invoke(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret);

/*
 * ret may be the receiver's register (INVOKE writes the result over the
 * receiver): the methods build their result in a local and the receiver
 * stays rooted until they are done.
 */
int jsl_lib_invoke(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv out = JV_UNDEF;
	int rc;

	if (!jsl_root_push(vm, recv[0]))
		return oom(vm);
	rc = lib_invoke(vm, m, recv, n, &out);
	jsl_root_pop(vm, 1);
	if (!rc)
		*ret = out;
	return rc;
}

static int lib_invoke(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];

	if (jv_is(self, JV_T_STR))
		return str_method(vm, m, recv, n, ret);
	if (!jv_is(self, JV_T_OBJ))
		return 1;
	switch (jv_obj(self)->type) {
	case JSL_OBJ_ARR:
		return arr_method(vm, m, recv, n, ret);
	case JSL_OBJ_MAP:
	case JSL_OBJ_SET:
		return mapset_method(vm, m, recv, n, ret);
	case JSL_OBJ_TARR: {
		/* typed arrays: the read-only array methods on a copy */
		jv tmp;
		int rc = tarr_method(vm, m, recv, n, ret);

		if (rc <= 0)
			return rc;
		if (m != JSL_M_JOIN && m != JSL_M_INDEXOF && m != JSL_M_INCLUDES &&
		    m != JSL_M_REDUCE && m != JSL_M_FOREACH && m != JSL_M_SOME &&
		    m != JSL_M_EVERY && m != JSL_M_TOSTRING && m != JSL_M_FIND &&
		    m != JSL_M_FINDINDEX && m != JSL_M_AT && m != JSL_M_LASTINDEXOF &&
		    m != JSL_M_REDUCERIGHT && m != JSL_M_FINDLAST && m != JSL_M_FINDLASTINDEX &&
		    m != JSL_M_KEYS && m != JSL_M_VALUES && m != JSL_M_ENTRIES)
			return 1;
		if (jsl_new_arr(vm, 0, &tmp) < 0 || !jsl_root_push(vm, tmp))
			return -1;
		if (jsl_spread(vm, ARR(tmp), self) < 0) {
			jsl_root_pop(vm, 1);
			return -1;
		}
		recv[0] = tmp;
		rc = arr_method(vm, m, recv, n, ret);
		recv[0] = self;
		jsl_root_pop(vm, 1);
		return rc;
	}
	case JSL_OBJ_OBJ: {
		/* a property holding a function, called like CALLM */
		jv key, f;

		if (jsl_new_str(vm, jsl_method_names[m], strlen(jsl_method_names[m]), &key) < 0 ||
		    jsl_get_prop(vm, self, key, &f) < 0)
			return -1;
		if (!jv_is_callable(f) && m == JSL_M_VALUEOF) {
			*ret = self; /* Object.prototype.valueOf */
			return 0;
		}
		if (!jv_is_callable(f) && (m == JSL_M_TOSTRING || m == JSL_M_HASOWNPROPERTY)) {
			/* Object.prototype's, unless the object has its own */
			struct jsl_buf b = {.ok = true};

			if (m == JSL_M_HASOWNPROPERTY) {
				jv k = n ? recv[1] : JV_UNDEF;

				if (!jv_is(k, JV_T_STR) && jsl_to_key(vm, k, &k) < 0)
					return -1;
				*ret = jv_bool(jsl_tab_find(&OBJT(self)->t, k) >= 0);
				return 0;
			}
			jsl_to_string_buf(vm->prog, self, &b);
			return jsl_buf_to_str(vm, &b, ret);
		}
		if (!jv_is_callable(f)) {
			if (jsl_call_name(vm))
				return jsl_throw(vm, "TypeError: %s is not a function",
						 jsl_call_name(vm));
			return jsl_throw(vm, "TypeError: object.%s is not a function",
					 jsl_method_names[m]);
		}
		return jsl_call_method(vm, f, self, recv + 1, n, ret);
	}
	default:
		return 1;
	}
}

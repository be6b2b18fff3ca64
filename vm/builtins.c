/* SPDX-License-Identifier: MIT */
/*
 * JSLite built-ins: console.log, Math.*, String/Number/parseInt and
 * friends (NCALL), and the methods of strings and numbers (INVOKE).
 *
 * Every function here follows the heap rule of jsl_int.h: its inputs stay
 * in registers, it builds text in C buffers and allocates at most one heap
 * string, at the end. Strings are UTF-8; indices and lengths are UTF-16
 * code units as in JavaScript. Case mapping covers ASCII and the Latin-1
 * letters (U+00C0..U+00FE) only.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/fdlibm.h"
#include "vm/jsl_int.h"

const struct jsl_native_info jsl_natives[JSL_NAT_COUNT] = {
#define N(id, obj, name) [JSL_NAT_##id] = {obj, name},
    JSL_NATIVES(N)
#undef N
};

const char *const jsl_method_names[JSL_M_COUNT] = {
#define M(id, name) [JSL_M_##id] = name,
    JSL_METHODS(M)
#undef M
};

static jv arg(const jv *args, unsigned n, unsigned i)
{
	return i < n ? args[i] : JV_UNDEF;
}

static double num_arg(const jv *args, unsigned n, unsigned i)
{
	return jsl_to_num(arg(args, n, i));
}

/* ToIntegerOrInfinity */
static double int_arg(const jv *args, unsigned n, unsigned i)
{
	double d = num_arg(args, n, i);

	if (d != d)
		return 0;
	return trunc(d);
}

static int ret_num(jv *ret, double d)
{
	*ret = jv_from_num(d);
	return 0;
}

/* ---- console.log ----------------------------------------------------------------- */

static void put_num(struct jsl_buf *b, double d)
{
	char nb[JSL_NUMBUF];

	if (d == 0 && signbit(d))
		jsl_buf_puts(b, "-0");
	else
		jsl_buf_put(b, nb, (size_t)jsl_num_format(d, nb));
}

static void put_json_str(struct jsl_buf *b, const struct jsl_str *s)
{
	jsl_buf_putc(b, '"');
	for (uint32_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->s[i];
		const char *ctl = jsl_ctl_escape(c);
		char esc[8];

		if (c == '"' || c == '\\') {
			jsl_buf_putc(b, '\\');
			jsl_buf_putc(b, (char)c);
		} else if (ctl) {
			jsl_buf_puts(b, ctl);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jsl_buf_puts(b, esc);
		} else {
			jsl_buf_putc(b, (char)c);
		}
	}
	jsl_buf_putc(b, '"');
}

/* One argument the way console.log prints it: strings raw, the rest inspected. */
static void put_arg(const struct jsl_vm *vm, struct jsl_buf *b, jv v)
{
	if (jv_is(v, JV_T_STR))
		jsl_buf_put(b, jv_str(v)->s, jv_str(v)->len);
	else
		jsl_inspect_buf(vm->prog, v, b);
}

static double parse_int(const char *s, size_t len, int radix);
static double parse_float(const char *s, size_t len);

/* util.format's %-directives in the first argument; returns the arguments used. */
static unsigned put_format(const struct jsl_vm *vm, struct jsl_buf *b, const jv *args, unsigned n)
{
	const struct jsl_str *f = jv_str(args[0]);
	unsigned k = 1;

	for (uint32_t i = 0; i < f->len; i++) {
		char c = f->s[i], d = i + 1 < f->len ? f->s[i + 1] : '\0';
		jv a;

		if (c != '%' || !d) {
			jsl_buf_putc(b, c);
			continue;
		}
		if (d == '%') {
			jsl_buf_putc(b, '%');
			i++;
			continue;
		}
		if (!strchr("sdifjoOc", d) || k >= n) {
			jsl_buf_putc(b, c);
			continue;
		}
		a = args[k++];
		i++;
		switch (d) {
		case 's':
			if (jv_is_num(a))
				put_num(b, jv_num(a));
			else
				put_arg(vm, b, a);
			break;
		case 'd':
			put_num(b, jv_is(a, JV_T_FUNC) ? NAN : jsl_to_num(a));
			break;
		case 'i':
		case 'f': {
			struct jsl_buf t = {.ok = true};

			jsl_to_string_buf(vm->prog, a, &t);
			put_num(b, !t.ok      ? NAN
				   : d == 'i' ? parse_int(t.p ? t.p : "", t.len, 0)
					      : parse_float(t.p ? t.p : "", t.len));
			free(t.p);
			break;
		}
		case 'j':
			if (jv_is(a, JV_T_STR)) {
				put_json_str(b, jv_str(a));
			} else if (jv_is_num(a) && !isfinite(jv_num(a))) {
				jsl_buf_puts(b, "null");
			} else if (jv_is_num(a) && jv_num(a) == 0) {
				jsl_buf_putc(b, '0'); /* JSON has no -0 */
			} else if (jv_is(a, JV_T_OBJ)) {
				/* JSON.stringify; a cycle prints as util.format's [Circular] */
				struct jsl_vm *mvm = (struct jsl_vm *)vm;
				struct jsl_buf t = {.ok = true};
				int rc = jsl_json_stringify(mvm, a, "", &t);

				if (rc < 0 && mvm->status == VM_ERR_RUNTIME && mvm->exc != JV_HOLE) {
					mvm->status = VM_OK;
					mvm->exc = JV_HOLE;
					mvm->error[0] = '\0';
					jsl_buf_puts(b, "[Circular]");
				} else if (rc == 0 && t.p) {
					jsl_buf_put(b, t.p, t.len);
				} else if (rc == 1) {
					jsl_buf_puts(b, "undefined");
				}
				free(t.p);
			} else {
				jsl_inspect_buf(vm->prog, a, b);
			}
			break;
		case 'c':
			break;
		default: /* o, O */
			jsl_inspect_buf(vm->prog, a, b);
			break;
		}
	}
	return k;
}

static int nat_log(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	struct jsl_buf *o = &vm->out;
	size_t start = o->len;
	unsigned k = 0;

	if (n >= 2 && jv_is(args[0], JV_T_STR)) {
		k = put_format(vm, o, args, n);
		if (k < n)
			jsl_buf_putc(o, ' ');
	}
	for (unsigned i = k; i < n; i++) {
		if (i > k)
			jsl_buf_putc(o, ' ');
		put_arg(vm, o, args[i]);
	}
	jsl_buf_putc(o, '\n');
	if (vm->status != VM_OK) /* the heap bound, hit while formatting %j */
		return -1;
	jsl_charge(vm, (o->len - start) / 64);
	if (o->ok) {
		/* a lone surrogate (WTF-8 inside) is written as U+FFFD, as node writes it */
		for (size_t i = start; i + 2 < o->len; i++) {
			unsigned char *u = (unsigned char *)o->p + i;

			if (u[0] == 0xed && u[1] >= 0xa0) {
				u[0] = 0xef;
				u[1] = 0xbf;
				u[2] = 0xbd;
				i += 2;
			}
		}
	}
	if (o->ok && vm->host && vm->host->output) {
		/* the host takes the line; the VM keeps none of it */
		int hrc = vm->host->output(vm->host->ctx, o->p + start, o->len - start);

		o->len = start;
		o->p[start] = '\0';
		if (hrc)
			return jsl_oom(vm, "the host refused console.log output");
	}
	if (!o->ok) {
		char msg[96];

		if (o->p) {
			o->len = start; /* keep whole lines only */
			o->p[start] = '\0';
		}
		snprintf(msg, sizeof(msg), "console.log output exceeds the limit of %zu bytes",
			 o->limit);
		return jsl_oom(vm, msg);
	}
	*ret = JV_UNDEF;
	return 0;
}

/* ---- Math --------------------------------------------------------------------------- */

static double js_round(double x)
{
	double r;

	if (x != x || isinf(x))
		return x;
	r = floor(x);
	if (x - r >= 0.5)
		r += 1;
	if (r == 0 && (x < 0 || signbit(x)))
		r = -0.0;
	return r;
}

static int nat_math1(struct jsl_vm *vm, unsigned id, jv *args, unsigned n, jv *ret)
{
	double x = num_arg(args, n, 0), r;

	(void)vm;
	switch (id) {
	case JSL_NAT_FLOOR:
		r = floor(x);
		break;
	case JSL_NAT_CEIL:
		r = ceil(x);
		break;
	case JSL_NAT_ROUND:
		r = js_round(x);
		break;
	case JSL_NAT_TRUNC:
		r = trunc(x);
		break;
	case JSL_NAT_SQRT:
		r = sqrt(x);
		break;
	case JSL_NAT_ABS:
		r = fabs(x);
		break;
	case JSL_NAT_SIGN:
		r = x != x ? x : x > 0 ? 1 : x < 0 ? -1 : x;
		break;
	case JSL_NAT_MLOG:
		r = jsl_fd_log(x);
		break;
	case JSL_NAT_EXP:
		r = jsl_fd_exp(x);
		break;
	case JSL_NAT_SIN:
		r = jsl_fd_sin(x);
		break;
	case JSL_NAT_COS:
		r = jsl_fd_cos(x);
		break;
	case JSL_NAT_TAN:
		r = jsl_fd_tan(x);
		break;
	case JSL_NAT_ATAN:
		r = jsl_fd_atan(x);
		break;
	default:
		r = NAN;
		break;
	}
	return ret_num(ret, r);
}

#define MATH1(id)                                                                                  \
	static int nat_##id(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)                      \
	{                                                                                          \
		return nat_math1(vm, JSL_NAT_##id, args, n, ret);                                  \
	}
MATH1(FLOOR)
MATH1(CEIL)
MATH1(ROUND)
MATH1(TRUNC)
MATH1(SQRT)
MATH1(ABS)
MATH1(SIGN)
MATH1(MLOG)
MATH1(EXP)
MATH1(SIN)
MATH1(COS)
MATH1(TAN)
MATH1(ATAN)

static int minmax(jv *args, unsigned n, jv *ret, bool is_max)
{
	double r = is_max ? -INFINITY : INFINITY;
	bool nan = false;

	for (unsigned i = 0; i < n; i++) {
		double x = jsl_to_num(args[i]);

		if (x != x)
			nan = true;
		else if (is_max ? (x > r || (x == 0 && r == 0 && !signbit(x)))
				: (x < r || (x == 0 && r == 0 && signbit(x))))
			r = x;
	}
	return ret_num(ret, nan ? NAN : r);
}

static int nat_MIN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return minmax(args, n, ret, false);
}

static int nat_MAX(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return minmax(args, n, ret, true);
}

static int nat_MPOW(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return ret_num(ret, jsl_pow(num_arg(args, n, 0), num_arg(args, n, 1)));
}

static int nat_ATAN2(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return ret_num(ret, jsl_fd_atan2(num_arg(args, n, 0), num_arg(args, n, 1)));
}

/* xorshift64*, seeded from vm_limits.seed: the same seed gives the same numbers. */
static int nat_RANDOM(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	uint64_t x = vm->rng;

	(void)args;
	(void)n;
	if (vm->host && vm->host->random)
		return ret_num(ret, (double)(vm->host->random(vm->host->ctx) >> 11) * 0x1.0p-53);
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	vm->rng = x;
	return ret_num(ret, (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53);
}

/* Date.now(): the host's clock, or the deterministic one: the start time plus
 * one millisecond per VM_FUEL_PER_MS fuel used so far (vm.h). */
static int nat_DATENOW(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	int64_t used;

	(void)args;
	(void)n;
	if (vm->host && vm->host->now_ms)
		return ret_num(ret, (double)vm->host->now_ms(vm->host->ctx));
	used = vm->fuel_limit - vm->fuel - vm->reserve;
	if (used < 0)
		used = 0;
	return ret_num(ret, (double)(vm->start_ms + (uint64_t)used / VM_FUEL_PER_MS));
}

/* ---- conversions ------------------------------------------------------------------------- */

static int to_string_value(struct jsl_vm *vm, jv v, jv *ret)
{
	struct jsl_buf b = {.ok = true};

	if (jv_is(v, JV_T_STR)) {
		*ret = v;
		return 0;
	}
	jsl_to_string_buf(vm->prog, v, &b);
	return jsl_buf_to_str(vm, &b, ret);
}

static int nat_STRING(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	if (!n) {
		*ret = vm->empty;
		return 0;
	}
	return to_string_value(vm, args[0], ret);
}

static int nat_NUMBER(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return ret_num(ret, n ? jsl_to_num(args[0]) : 0);
}

static int nat_BOOLEAN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_bool(n && jsl_truthy(args[0]));
	return 0;
}

static double parse_int(const char *s, size_t len, int radix)
{
	size_t i = 0, w, used;
	bool neg = false;
	double v;

	while (i < len && (w = jsl_space_at(s, len, i)))
		i += w;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if ((radix == 0 || radix == 16) && i + 1 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
		i += 2;
		radix = 16;
	}
	if (radix == 0)
		radix = 10;
	if (radix < 2 || radix > 36)
		return NAN;
	/* V8's digits: correctly rounded for radix 10 and the powers of two */
	v = jsl_parse_int_digits(s + i, len - i, radix, &used);
	if (!used)
		return NAN;
	return neg ? -v : v;
}

static double parse_float(const char *s, size_t len)
{
	size_t i = 0, p, n, w;
	char buf[512];
	bool neg = false;

	while (i < len && (w = jsl_space_at(s, len, i)))
		i += w;
	p = i;
	if (p < len && (s[p] == '+' || s[p] == '-'))
		neg = s[p++] == '-';
	if (len - p >= 8 && !memcmp(s + p, "Infinity", 8))
		return neg ? -INFINITY : INFINITY;
	n = jsl_scan_decimal(s + p, len - p);
	if (!n)
		return NAN;
	p += n;
	if (p - i >= sizeof(buf))
		p = i + sizeof(buf) - 1;
	memcpy(buf, s + i, p - i);
	buf[p - i] = '\0';
	return strtod(buf, NULL);
}

/* Run f on ToString(v) without allocating: strings directly, the rest via a C buffer. */
static double on_string(struct jsl_vm *vm, jv v, double (*f)(const char *, size_t, int), int x)
{
	struct jsl_buf b = {.ok = true};
	double r;

	if (jv_is(v, JV_T_STR))
		return f(jv_str(v)->s, jv_str(v)->len, x);
	jsl_to_string_buf(vm->prog, v, &b);
	r = b.ok ? f(b.p ? b.p : "", b.len, x) : NAN;
	free(b.p);
	return r;
}

static double parse_float3(const char *s, size_t len, int unused)
{
	(void)unused;
	return parse_float(s, len);
}

static int nat_PARSEINT(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	double r = n > 1 ? num_arg(args, n, 1) : 0;
	int radix = r != r ? 0 : jsl_to_int32(r);

	return ret_num(ret, on_string(vm, arg(args, n, 0), parse_int, radix));
}

static int nat_PARSEFLOAT(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	return ret_num(ret, on_string(vm, arg(args, n, 0), parse_float3, 0));
}

static int nat_ISNAN(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	double d = num_arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(d != d);
	return 0;
}

static int nat_ISFINITE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	*ret = jv_bool(isfinite(num_arg(args, n, 0)));
	return 0;
}

static int nat_ISINTEGER(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	jv v = arg(args, n, 0);

	(void)vm;
	*ret = jv_bool(jv_is_num(v) && isfinite(jv_num(v)) && jv_num(v) == floor(jv_num(v)));
	return 0;
}

static void put_cp(struct jsl_buf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	jsl_buf_put(b, out, n);
}

static int nat_FROMCHARCODE(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	struct jsl_buf b = {.ok = true};

	if (n == 1) {
		uint32_t u = (uint16_t)jsl_to_int32(jsl_to_num(args[0]));

		if (u < 128) {
			*ret = vm->chars[u];
			return 0;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t u = (uint16_t)jsl_to_int32(jsl_to_num(args[i]));

		if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
			uint32_t lo = (uint16_t)jsl_to_int32(jsl_to_num(args[i + 1]));

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				put_cp(&b, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
				i++;
				continue;
			}
		}
		put_cp(&b, u);
	}
	return jsl_buf_to_str(vm, &b, ret);
}

/* String.fromCodePoint: RangeError for what is not an integer in 0..0x10FFFF. */
static int nat_FROMCODEPOINT(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	struct jsl_buf b = {.ok = true};

	for (unsigned i = 0; i < n; i++) {
		double d = jsl_to_num(args[i]);
		uint32_t u;

		if (!(d >= 0 && d <= 0x10ffff && d == floor(d))) {
			struct jsl_buf e = {.ok = true};
			int rc;

			free(b.p);
			jsl_to_string_buf(vm->prog, args[i], &e);
			rc = jsl_throw(vm, "RangeError: Invalid code point %.60s",
				       e.ok && e.p ? e.p : "");
			free(e.p);
			return rc;
		}
		u = (uint32_t)d;
		if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
			double lo = jsl_to_num(args[i + 1]);

			if (lo >= 0xdc00 && lo <= 0xdfff && lo == floor(lo)) {
				put_cp(&b, 0x10000 + ((u - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
				i++;
				continue;
			}
		}
		put_cp(&b, u);
	}
	if (!b.len) {
		free(b.p);
		*ret = vm->empty;
		return 0;
	}
	return jsl_buf_to_str(vm, &b, ret);
}

static int nat_IMUL(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	uint32_t a = (uint32_t)jsl_to_int32(num_arg(args, n, 0));
	uint32_t c = (uint32_t)jsl_to_int32(num_arg(args, n, 1));

	(void)vm;
	return ret_num(ret, (double)(int32_t)(a * c));
}

static int nat_CLZ32(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	uint32_t a = (uint32_t)jsl_to_int32(num_arg(args, n, 0));

	(void)vm;
	return ret_num(ret, a ? __builtin_clz(a) : 32);
}

static int nat_FROUND(struct jsl_vm *vm, jv *args, unsigned n, jv *ret)
{
	(void)vm;
	return ret_num(ret, (double)(float)num_arg(args, n, 0));
}

#define NAT(id) [JSL_NAT_##id] = nat_##id
const jsl_native_fn jsl_native_fns[JSL_NAT_COUNT] = {
    [JSL_NAT_LOG] = nat_log,
    NAT(FLOOR),
    NAT(CEIL),
    NAT(ROUND),
    NAT(TRUNC),
    NAT(SQRT),
    NAT(ABS),
    NAT(MIN),
    NAT(MAX),
    NAT(MPOW),
    NAT(SIGN),
    NAT(MLOG),
    NAT(EXP),
    NAT(SIN),
    NAT(COS),
    NAT(TAN),
    NAT(ATAN),
    NAT(ATAN2),
    NAT(RANDOM),
    NAT(DATENOW),
    NAT(STRING),
    NAT(NUMBER),
    NAT(PARSEINT),
    NAT(PARSEFLOAT),
    NAT(ISNAN),
    NAT(ISFINITE),
    NAT(FROMCHARCODE),
    NAT(ISINTEGER),
    NAT(BOOLEAN),
    NAT(FROMCODEPOINT),
    NAT(IMUL),
    NAT(CLZ32),
    NAT(FROUND),
    [JSL_NAT_NPARSEINT] = nat_PARSEINT,
    [JSL_NAT_NPARSEFLOAT] = nat_PARSEFLOAT,
#define LIBNAT(id) [JSL_NAT_##id] = jsl_nat_##id,
    JSL_LIB_NATIVES(LIBNAT)
#undef LIBNAT
};

/* ---- methods ------------------------------------------------------------------------------ */

/* Byte offset of UTF-16 index u in s (u <= ulen; inside a surrogate pair: the pair's start). */
static uint32_t byte_at(const struct jsl_str *s, uint32_t u)
{
	uint32_t i = 0, k = 0;

	if (s->ascii)
		return u;
	while (i < s->len && k < u) {
		unsigned char c = (unsigned char)s->s[i];
		uint32_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		if (n == 4 && k + 1 == u)
			break;
		k += n == 4 ? 2 : 1;
		i += n;
	}
	return i < s->len ? i : s->len;
}

static uint32_t unit_of(const struct jsl_str *s, uint32_t byte)
{
	uint32_t u = 0;

	if (s->ascii)
		return byte;
	for (uint32_t i = 0; i < byte && i < s->len; i++) {
		unsigned char c = (unsigned char)s->s[i];

		if ((c & 0xc0) != 0x80)
			u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

/*
 * Append UTF-16 code units [from, to) of s (bytes p[0..len)) to b: a
 * character cut in half leaves its surrogate as WTF-8 (three bytes), which
 * prints as U+FFFD and joins its other half again when concatenated.
 */
static void put_units(struct jsl_buf *b, const char *p, size_t len, uint32_t from, uint32_t to)
{
	uint32_t k = 0;

	for (size_t i = 0; i < len && k < to;) {
		unsigned char c = (unsigned char)p[i];
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		if (i + n > len)
			n = len - i;
		if (n == 4) {
			uint32_t cp = (c & 0x07u) << 18 | (p[i + 1] & 0x3fu) << 12 |
				      (p[i + 2] & 0x3fu) << 6 | (p[i + 3] & 0x3fu);
			bool hi = k >= from && k < to, lo = k + 1 >= from && k + 1 < to;

			if (hi && lo) {
				jsl_buf_put(b, p + i, 4);
			} else if (hi || lo) {
				uint32_t h = hi ? 0xd800 + ((cp - 0x10000) >> 10)
						: 0xdc00 + ((cp - 0x10000) & 0x3ff);
				char w[3] = {(char)(0xe0 | h >> 12), (char)(0x80 | ((h >> 6) & 0x3f)),
					     (char)(0x80 | (h & 0x3f))};

				jsl_buf_put(b, w, 3);
			}
			k += 2;
		} else {
			if (k >= from)
				jsl_buf_put(b, p + i, n);
			k++;
		}
		i += n;
	}
}

static int substr(struct jsl_vm *vm, jv str, uint32_t from, uint32_t to, jv *ret)
{
	const struct jsl_str *s = jv_str(str);
	struct jsl_buf b = {.ok = true};

	if (from >= to) {
		*ret = vm->empty;
		return 0;
	}
	if (from == 0 && to >= s->ulen) {
		*ret = str;
		return 0;
	}
	if (s->ascii)
		return jsl_new_str(vm, s->s + from, to - from, ret);
	put_units(&b, s->s, s->len, from, to);
	return jsl_buf_to_str(vm, &b, ret);
}

/* A relative index (negative counts from the end) clamped to [0, len]. */
static uint32_t rel_index(double d, uint32_t len)
{
	if (d < 0)
		d = d + len < 0 ? 0 : d + len;
	return d > len ? len : (uint32_t)d;
}

static uint32_t clamp_index(double d, uint32_t len)
{
	return d < 0 ? 0 : d > len ? len : (uint32_t)d;
}

/* ToString of an argument without allocating: a string's bytes or a C buffer (free *tmp). */
static const char *str_arg(struct jsl_vm *vm, jv v, size_t *len, char **tmp)
{
	struct jsl_buf b = {.ok = true};

	*tmp = NULL;
	if (jv_is(v, JV_T_STR)) {
		*len = jv_str(v)->len;
		return jv_str(v)->s;
	}
	jsl_to_string_buf(vm->prog, v, &b);
	*tmp = b.p;
	*len = b.ok ? b.len : 0;
	return b.ok && b.p ? b.p : "";
}

static int index_of(struct jsl_vm *vm, jv *recv, unsigned n, jv *ret, unsigned m)
{
	const struct jsl_str *s = jv_str(recv[0]);
	size_t nlen;
	char *tmp;
	const char *needle = str_arg(vm, arg(recv + 1, n, 0), &nlen, &tmp);
	double pos = int_arg(recv + 1, n, 1);
	uint32_t from, hit = UINT32_MAX;
	bool found = false;

	if (m == JSL_M_ENDSWITH) {
		uint32_t end =
		    n > 1 && !jv_is(recv[2], JV_T_UNDEF) ? clamp_index(pos, s->ulen) : s->ulen;
		uint32_t eb = byte_at(s, end);

		found = nlen <= eb && !memcmp(s->s + eb - nlen, needle, nlen);
		free(tmp);
		*ret = jv_bool(found);
		return 0;
	}
	if (!s->ascii && m != JSL_M_STARTSWITH) {
		/* by code units: from may split a pair, the needle may be half of one */
		int64_t k = jsl_str_find16(s, needle, nlen, clamp_index(pos, s->ulen), false);

		free(tmp);
		jsl_charge(vm, s->len / 16);
		if (k == -2)
			return jsl_oom(vm, "out of memory");
		if (m == JSL_M_INDEXOF)
			return ret_num(ret, (double)k);
		*ret = jv_bool(k >= 0);
		return 0;
	}
	from = byte_at(s, clamp_index(pos, s->ulen));
	if (m == JSL_M_STARTSWITH) {
		found = nlen <= s->len - from && !memcmp(s->s + from, needle, nlen);
	} else {
		for (uint32_t i = from; i + nlen <= s->len; i++) {
			if (!memcmp(s->s + i, needle, nlen)) {
				hit = i;
				found = true;
				break;
			}
		}
	}
	free(tmp);
	if (m == JSL_M_INDEXOF)
		return ret_num(ret, found ? (double)unit_of(s, hit) : -1);
	*ret = jv_bool(found);
	return 0;
}

static int str_case(struct jsl_vm *vm, jv str, bool upper, jv *ret)
{
	const struct jsl_str *s = jv_str(str);
	struct jsl_str *r;

	r = jsl_str_new(&vm->heap, s->s, s->len); /* s stays rooted in the receiver register */
	if (!r)
		return jsl_oom(vm, "heap limit reached");
	for (uint32_t i = 0; i < r->len; i++) {
		unsigned char c = (unsigned char)r->s[i], d;

		if (upper && c >= 'a' && c <= 'z') {
			r->s[i] = (char)(c - 32);
		} else if (!upper && c >= 'A' && c <= 'Z') {
			r->s[i] = (char)(c + 32);
		} else if (c == 0xc3 && i + 1 < r->len) {
			/* Latin-1 letters U+00C0..U+00FE keep their UTF-8 length */
			d = (unsigned char)r->s[i + 1];
			if (upper && d >= 0xa0 && d <= 0xbe && d != 0xb7) {
				r->s[i + 1] = (char)(d - 0x20);
			} else if (!upper && d >= 0x80 && d <= 0x9e && d != 0x97) {
				r->s[i + 1] = (char)(d + 0x20);
			} else if (upper && d == 0x9f) { /* ß: "SS", one code unit more */
				r->s[i] = 'S';
				r->s[i + 1] = 'S';
				r->ulen++;
			} else if (upper && d == 0xbf) { /* ÿ: U+0178 */
				r->s[i] = (char)0xc5;
				r->s[i + 1] = (char)0xb8;
			}
			i++;
		} else if (c == 0xc2 && upper && i + 1 < r->len && (unsigned char)r->s[i + 1] == 0xb5) {
			r->s[i] = (char)0xce; /* µ: U+039C */
			r->s[i + 1] = (char)0x9c;
			i++;
		} else if (c == 0xc5 && !upper && i + 1 < r->len && (unsigned char)r->s[i + 1] == 0xb8) {
			r->s[i] = (char)0xc3; /* U+0178: ÿ, the way back */
			r->s[i + 1] = (char)0xbf;
			i++;
		} else if (c >= 0x80) {
			i += (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) - 1; /* a character outside Latin-1: as it is */
		}
	}
	if (!r->ascii) {
		uint32_t k = 0;

		while (k < r->len && (unsigned char)r->s[k] < 0x80)
			k++;
		r->ascii = k == r->len; /* "ß" became "SS" */
	}
	*ret = jv_from_str(r);
	return 0;
}

static int str_trim(struct jsl_vm *vm, jv str, jv *ret)
{
	const struct jsl_str *s = jv_str(str);
	uint32_t a = 0, b = s->len;
	size_t w;

	while (a < b && (w = jsl_space_at(s->s, b, a)))
		a += (uint32_t)w;
	while (b > a && (w = jsl_space_before(s->s, b)))
		b -= (uint32_t)w;
	if (a == 0 && b == s->len) {
		*ret = str;
		return 0;
	}
	return jsl_new_str(vm, s->s + a, b - a, ret);
}

static int str_repeat(struct jsl_vm *vm, jv str, double count, jv *ret)
{
	const struct jsl_str *s = jv_str(str);
	struct jsl_str *r;
	char cb[JSL_NUMBUF];

	if (count < 0 || isinf(count)) {
		jsl_num_format(count, cb);
		return jsl_throw(vm, "RangeError: Invalid count value: %s", cb);
	}
	if (!count || !s->len) {
		*ret = vm->empty;
		return 0;
	}
	if (count * s->len > VM_STR_MAX)
		return jsl_throw(vm, "RangeError: Invalid string length");
	jsl_charge(vm, (uint64_t)count * s->len / 64);
	r = jsl_str_new(&vm->heap, NULL, (size_t)count * s->len);
	if (!r)
		return jsl_oom(vm, "heap limit reached");
	for (uint32_t k = 0; k < (uint32_t)count; k++)
		memcpy(r->s + (size_t)k * s->len, s->s, s->len);
	r->ulen = (uint32_t)count * s->ulen;
	r->ascii = s->ascii;
	*ret = jv_from_str(r);
	return 0;
}

static int str_pad(struct jsl_vm *vm, jv *recv, unsigned n, bool at_start, jv *ret)
{
	const struct jsl_str *s = jv_str(recv[0]);
	double target = int_arg(recv + 1, n, 0);
	struct jsl_buf b = {.ok = true};
	size_t flen;
	char *tmp = NULL;
	const char *fill =
	    n > 1 && !jv_is(recv[2], JV_T_UNDEF) ? str_arg(vm, recv[2], &flen, &tmp) : " ";
	uint32_t need;

	if (!(n > 1 && !jv_is(recv[2], JV_T_UNDEF)))
		flen = 1;
	if (target <= s->ulen || !flen) {
		free(tmp);
		*ret = recv[0];
		return 0;
	}
	if (target > VM_STR_MAX) {
		free(tmp);
		return jsl_throw(vm, "RangeError: Invalid string length");
	}
	need = (uint32_t)target - s->ulen; /* code units */
	if (!at_start)
		jsl_buf_put(&b, s->s, s->len);
	{
		struct jsl_str f = {.s = (char *)fill, .len = (uint32_t)flen};

		jsl_str_measure(&f);
		for (uint32_t k = 0; k + f.ulen <= need; k += f.ulen)
			jsl_buf_put(&b, fill, flen);
		put_units(&b, fill, flen, 0, need % f.ulen);
	}
	if (at_start)
		jsl_buf_put(&b, s->s, s->len);
	free(tmp);
	return jsl_buf_to_str(vm, &b, ret);
}

/* Number::toString(radix) for radix != 10, after V8's DoubleToRadixCString. */
static void radix_string(double value, int radix, struct jsl_buf *out)
{
	static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char buf[2200];
	int ic = 1100, fc = 1100;
	bool neg = value < 0;
	double integer, fraction, delta;

	if (neg)
		value = -value;
	integer = floor(value);
	fraction = value - integer;
	delta = 0.5 * (nextafter(value, INFINITY) - value);
	if (delta < 4.9406564584124654e-324)
		delta = 4.9406564584124654e-324;
	if (fraction >= delta) {
		buf[fc++] = '.';
		do {
			int digit;

			fraction *= radix;
			delta *= radix;
			digit = (int)fraction;
			buf[fc++] = chars[digit];
			fraction -= digit;
			if (fraction > 0.5 || (fraction == 0.5 && (digit & 1))) {
				if (fraction + delta > 1) {
					for (;;) {
						fc--;
						if (fc == 1100) {
							integer += 1;
							break;
						}
						{
							char c = buf[fc];
							int d = c > '9' ? c - 'a' + 10 : c - '0';

							if (d + 1 < radix) {
								buf[fc++] = chars[d + 1];
								break;
							}
						}
					}
					break;
				}
			}
		} while (fraction >= delta && fc < 2190);
	}
	while (ilogb(integer / radix) > 52 && ic > 10) {
		integer /= radix;
		buf[--ic] = '0';
	}
	do {
		double rem = fmod(integer, radix);

		buf[--ic] = chars[(int)rem];
		integer = (integer - rem) / radix;
	} while (integer > 0 && ic > 1);
	if (neg)
		buf[--ic] = '-';
	jsl_buf_put(out, buf + ic, (size_t)(fc - ic));
}

static int num_to_string(struct jsl_vm *vm, jv *recv, unsigned n, jv *ret)
{
	double d = jv_num(recv[0]);
	double r = n && !jv_is(recv[1], JV_T_UNDEF) ? int_arg(recv + 1, n, 0) : 10;
	struct jsl_buf b = {.ok = true};
	char nb[JSL_NUMBUF];

	if (r < 2 || r > 36)
		return jsl_throw(vm, "RangeError: toString() radix argument must be between 2 and 36");
	if (r == 10 || d != d || isinf(d)) {
		jsl_buf_put(&b, nb, (size_t)jsl_num_format(d, nb));
	} else if (d == 0) {
		jsl_buf_putc(&b, '0');
	} else {
		radix_string(d, (int)r, &b);
	}
	return jsl_buf_to_str(vm, &b, ret);
}

/* Number::toFixed: exact decimal rounding, ties away from zero (glibc prints exactly). */
static int num_to_fixed(struct jsl_vm *vm, jv *recv, unsigned n, jv *ret)
{
	double x = jv_num(recv[0]), f = int_arg(recv + 1, n, 0);
	struct jsl_buf b = {.ok = true};
	char *full = NULL, *dot;
	size_t keep;
	int digits;
	bool up;

	if (f < 0 || f > 100)
		return jsl_throw(vm,
				 "RangeError: toFixed() digits argument must be between 0 and 100");
	digits = (int)f;
	if (x != x || fabs(x) >= 1e21) {
		char nb[JSL_NUMBUF];

		jsl_buf_put(&b, nb, (size_t)jsl_num_format(x, nb));
		return jsl_buf_to_str(vm, &b, ret);
	}
	/* every digit of the exact binary value, so a tie is a tie */
	if (asprintf(&full, "%.1100f", fabs(x)) < 0)
		return jsl_oom(vm, "out of memory in toFixed");
	dot = strchr(full, '.');
	up = dot[digits + 1] >= '5';
	keep = (size_t)(dot - full) + (digits ? (size_t)digits + 1 : 0);
	full[keep] = '\0';
	if (x < 0)
		jsl_buf_putc(&b, '-');
	if (up) {
		ssize_t i;

		for (i = (ssize_t)keep - 1; i >= 0; i--) {
			if (full[i] == '.')
				continue;
			if (full[i] != '9') {
				full[i]++;
				break;
			}
			full[i] = '0';
		}
		if (i < 0)
			jsl_buf_putc(&b, '1');
	}
	jsl_buf_puts(&b, full);
	free(full);
	return jsl_buf_to_str(vm, &b, ret);
}

static const char *type_name(jv v)
{
	return jv_is(v, JV_T_NULL) ? "null" : jsl_typeof(v);
}

int jsl_invoke(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret)
{
	jv self = recv[0];
	const jv *args = recv + 1;

	if (jv_is(self, JV_T_UNDEF) || jv_is(self, JV_T_NULL))
		return jsl_throw(vm, "TypeError: Cannot read properties of %s (reading '%s')",
				 type_name(self), jsl_method_names[m]);
	if (m > JSL_M_PADEND || jv_is(self, JV_T_OBJ)) {
		int rc = jsl_lib_invoke(vm, m, recv, n, ret);

		if (rc <= 0)
			return rc;
	}
	if (m == JSL_M_VALUEOF) {
		/* primitives are their own value; so are arrays, Maps, Sets (Object.prototype's) */
		*ret = self;
		return 0;
	}
	if (jv_is_num(self)) {
		if (m == JSL_M_TOSTRING)
			return num_to_string(vm, recv, n, ret);
		if (m == JSL_M_TOFIXED)
			return num_to_fixed(vm, recv, n, ret);
	} else if (jv_is(self, JV_T_BOOL) && m == JSL_M_TOSTRING) {
		return to_string_value(vm, self, ret);
	} else if (jv_is(self, JV_T_STR)) {
		const struct jsl_str *s = jv_str(self);
		double d;

		switch (m) {
		case JSL_M_CHARAT:
			d = int_arg(args, n, 0);
			if (d < 0 || d >= s->ulen) {
				*ret = vm->empty;
				return 0;
			}
			return jsl_char_at(vm, self, d, ret);
		case JSL_M_CHARCODEAT: {
			char bytes[4];
			uint32_t unit;

			d = int_arg(args, n, 0);
			if (d < 0 || d >= s->ulen)
				return ret_num(ret, NAN);
			if (s->ascii)
				return ret_num(ret, (unsigned char)s->s[(uint32_t)d]);
			if (!jsl_code_unit_at(s, (uint32_t)d, bytes, &unit))
				return ret_num(ret, NAN);
			return ret_num(ret, unit);
		}
		case JSL_M_INDEXOF:
		case JSL_M_INCLUDES:
		case JSL_M_STARTSWITH:
		case JSL_M_ENDSWITH:
			return index_of(vm, recv, n, ret, m);
		case JSL_M_SLICE: {
			uint32_t a = rel_index(int_arg(args, n, 0), s->ulen);
			uint32_t e = n > 1 && !jv_is(args[1], JV_T_UNDEF)
					 ? rel_index(int_arg(args, n, 1), s->ulen)
					 : s->ulen;

			return substr(vm, self, a, e, ret);
		}
		case JSL_M_SUBSTRING: {
			uint32_t a = clamp_index(int_arg(args, n, 0), s->ulen);
			uint32_t e = n > 1 && !jv_is(args[1], JV_T_UNDEF)
					 ? clamp_index(int_arg(args, n, 1), s->ulen)
					 : s->ulen;

			return a <= e ? substr(vm, self, a, e, ret) : substr(vm, self, e, a, ret);
		}
		case JSL_M_TOUPPER:
		case JSL_M_TOLOWER:
			return str_case(vm, self, m == JSL_M_TOUPPER, ret);
		case JSL_M_TRIM:
			return str_trim(vm, self, ret);
		case JSL_M_REPEAT:
			return str_repeat(vm, self, int_arg(args, n, 0), ret);
		case JSL_M_TOSTRING:
			*ret = self;
			return 0;
		case JSL_M_PADSTART:
		case JSL_M_PADEND:
			return str_pad(vm, recv, n, m == JSL_M_PADSTART, ret);
		default:
			break;
		}
	}
	if (jsl_call_name(vm))
		return jsl_throw(vm, "TypeError: %s is not a function", jsl_call_name(vm));
	return jsl_throw(vm, "TypeError: (%s).%s is not a function", type_name(self),
			 jsl_method_names[m]);
}

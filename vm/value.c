/* SPDX-License-Identifier: MIT */
/*
 * JSLite values: the string heap, conversions (ToNumber, ToString) and the
 * two ways node prints a value: String(v) and util.inspect(v).
 *
 * Numbers print as JavaScript's Number::toString does: the shortest digit
 * string that reads back as the same double, laid out by the ECMAScript
 * rules (plain up to 1e21, exponent form outside 1e-7..1e21).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/fdlibm.h"
#include "vm/jsl_int.h"

/* ---- heap ---------------------------------------------------------------------- */

void jsl_str_measure(struct jsl_str *s)
{
	uint32_t ulen = 0;
	uint8_t ascii = 1;

	for (uint32_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->s[i];

		if (c >= 0x80)
			ascii = 0;
		/* UTF-16 length: one unit per lead byte, two for 4-byte sequences. */
		if ((c & 0xc0) != 0x80)
			ulen += c >= 0xf0 ? 2 : 1;
	}
	s->ulen = ulen;
	s->ascii = ascii;
}

struct jsl_str *jsl_str_new(struct jsl_heap *h, const char *p, size_t len)
{
	size_t size = sizeof(struct jsl_str) + len + 1;
	struct jsl_str *s;
	uint8_t pool;

	if (len > VM_STR_MAX || !jsl_heap_room(h, size)) {
		h->oom = true;
		return NULL;
	}
	s = jsl_mem_alloc(h, size, false, &pool);
	if (!s) {
		h->oom = true;
		return NULL;
	}
	s->h.pool = pool;
	s->s = s->data;
	s->base = NULL;
	s->cap = s->used = 0;
	s->hash = 0;
	if (p)
		memcpy(s->s, p, len);
	s->s[len] = '\0';
	s->len = (uint32_t)len;
	s->ulen = 0;
	s->ascii = 1;
	if (p)
		jsl_str_measure(s);
	s->h.next = h->objs;
	s->h.size = (uint32_t)size;
	s->h.type = JSL_OBJ_STR;
	s->h.mark = 0;
	s->h.fixed = 0;
	s->h.rem = 0;
	h->objs = &s->h;
	h->used += size;
	return s;
}

struct jsl_str *jsl_str_builder(struct jsl_heap *h, const char *p, size_t len, size_t cap)
{
	struct jsl_str *s;
	char *buf;

	if (cap > VM_STR_MAX + 1)
		cap = VM_STR_MAX + 1;
	if (len >= cap)
		return NULL;
	/* collect first: the new string is not reachable until the caller stores it */
	if (!jsl_heap_room(h, sizeof(*s) + cap)) {
		h->oom = true;
		return NULL;
	}
	s = jsl_str_new(h, NULL, 0);
	if (!s)
		return NULL;
	h->used += cap;
	s->h.size += (uint32_t)cap;
	buf = malloc(cap);
	if (!buf) {
		h->oom = true;
		return NULL;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	s->s = buf;
	s->cap = (uint32_t)cap;
	s->used = s->len = (uint32_t)len;
	return s;
}

void jsl_heap_free_all(struct jsl_heap *h)
{
	while (h->objs) {
		struct jsl_obj *n = h->objs->next;

		jsl_obj_free(h, h->objs);
		h->objs = n;
	}
	while (h->old) {
		struct jsl_obj *n = h->old->next;

		jsl_obj_free(h, h->old);
		h->old = n;
	}
	while (h->chunks) {
		void *n = *(void **)h->chunks;

		free(h->chunks);
		h->chunks = n;
	}
	memset(h->freel, 0, sizeof(h->freel));
	h->bump = h->bump_end = NULL;
	free(h->rem);
	h->rem = NULL;
	h->nrem = h->caprem = 0;
	h->used = 0;
}

/* ---- buffers -------------------------------------------------------------------- */

void jsl_buf_put_slow(struct jsl_buf *b, const void *p, size_t n)
{
	if (!b->ok)
		return;
	if (b->limit && b->len + n > b->limit) {
		b->ok = false;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		char *q;

		while (nc < b->len + n + 1)
			nc *= 2;
		q = realloc(b->p, nc);
		if (!q) {
			b->ok = false;
			return;
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* ---- numbers -------------------------------------------------------------------- */

/*
 * Whether some p-significant-digit decimal reads back as d (> 0); if so, its
 * digits as an integer in *mant and the power of ten of its last digit in *e10.
 * printf's "%.*e" gives the p-digit decimal nearest d, but that one can miss
 * d when d sits at a power of two (the gap below is half the gap above) and
 * the nearest is on the narrow side: 2^-24 = 5.9604644775390625e-8 rounds
 * to ...062e-8 at 16 digits, which reads back as the double below, while
 * ...063e-8 reads back as 2^-24. The only other candidate is the neighbour
 * on the far side of d, so it is tried too.
 */
static bool digits_round_trip(double d, int p, uint64_t *mant, int *e10)
{
	char buf[48], *e;
	uint64_t m = 0;
	double back;

	snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
	e = strchr(buf, 'e');
	for (const char *q = buf; q < e; q++)
		if (*q >= '0' && *q <= '9')
			m = m * 10 + (uint64_t)(*q - '0');
	*e10 = atoi(e + 1) - (p - 1);
	snprintf(buf, sizeof(buf), "%llue%d", (unsigned long long)m, *e10);
	back = strtod(buf, NULL);
	if (back != d) {
		m = back < d ? m + 1 : m - 1;
		snprintf(buf, sizeof(buf), "%llue%d", (unsigned long long)m, *e10);
		if (strtod(buf, NULL) != d)
			return false;
	}
	*mant = m;
	return true;
}

/*
 * The shortest decimal that reads back as d (> 0, finite), nearest d among
 * the shortest, ties to even: what V8's DoubleToCString prints. Fills digits
 * (no dot, no trailing zeros, NUL-terminated) and *exp10, the exponent of the
 * first digit ("%e"'s exponent); returns the number of digits.
 */
/*
 * The shortest digits of a positive d below 1e15 with few decimals, without
 * printf: for k = 1, 2, ... decimals, the integers c next to d * 10^k are the
 * only k-decimal candidates, and c / 10^k (both exact: c < 2^50, k <= 22) is
 * correctly rounded, so it equals d exactly when the decimal c * 10^-k reads
 * back as d. The first k with one such c gives the answer; two (then the
 * nearer one would have to be chosen) or none up to 2^50 fall back to the
 * search below. Most fractions a program prints (12.125, 0.1, 3.75) take a
 * few divisions instead of a dozen snprintf and strtod calls.
 */
static bool shortest_fast(double d, uint64_t *mant, int *e10)
{
	static const double p10[] = {1e0,  1e1,	 1e2,  1e3,  1e4,  1e5,	 1e6,  1e7,
				     1e8,  1e9,	 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

	if (!(d > 0 && d < 1e15))
		return false;
	for (int k = 1; k <= 22; k++) {
		double x = d * p10[k], f = floor(x);
		uint64_t hit = 0;
		int hits = 0;

		if (x >= 0x1p50)
			return false;
		for (double c = f - 1; c <= f + 1; c++) {
			if (c > 0 && c / p10[k] == d) {
				hits++;
				hit = (uint64_t)c;
			}
		}
		if (hits == 1) {
			*mant = hit;
			*e10 = -k;
			return true;
		}
		if (hits)
			return false;
	}
	return false;
}

/* u in decimal at out (at most 20 digits and a NUL): the number of digits. */
static int u64_digits(uint64_t u, char *out)
{
	char t[20];
	int k = 0, n = 0;

	do {
		t[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (k)
		out[n++] = t[--k];
	out[n] = '\0';
	return n;
}

static int shortest_digits(double d, char digits[24], int *exp10)
{
	int lo = 1, hi = 17, n, e10;
	uint64_t m;

	if (shortest_fast(d, &m, &e10))
		goto out;

	/* Some p-digit decimal reads back as d for p >= 17, and if one does for
	 * p digits, one does for p + 1 (append a 0): binary search for the least. */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (digits_round_trip(d, mid, &m, &e10))
			hi = mid;
		else
			lo = mid + 1;
	}
	digits_round_trip(d, lo, &m, &e10);
out:
	while (m % 10 == 0 && m > 0) { /* the far neighbour may end in zeros: 10^k */
		m /= 10;
		e10++;
	}
	n = u64_digits(m, digits);
	*exp10 = e10 + n - 1;
	return n;
}

int jsl_num_format(double d, char buf[JSL_NUMBUF])
{
	char digits[24];
	int k, n, len = 0, e;

	if (d != d)
		return snprintf(buf, JSL_NUMBUF, "NaN");
	if (d == 0)
		return snprintf(buf, JSL_NUMBUF, "0");
	if (isinf(d))
		return snprintf(buf, JSL_NUMBUF, d < 0 ? "-Infinity" : "Infinity");
	if (fabs(d) < 9007199254740992.0 && d == (double)(int64_t)d) {
		/* integers: digits by hand (snprintf was a tenth of JSON.stringify's time) */
		int64_t v = (int64_t)d;

		if (v < 0)
			buf[len++] = '-';
		return len + u64_digits(v < 0 ? (uint64_t)-v : (uint64_t)v, buf + len);
	}
	if (d < 0) {
		buf[len++] = '-';
		d = -d;
	}
	k = shortest_digits(d, digits, &e);
	n = e + 1; /* the value is 0.digits * 10^n */
	if (k <= n && n <= 21) {
		memcpy(buf + len, digits, (size_t)k);
		len += k;
		for (int i = 0; i < n - k; i++)
			buf[len++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(buf + len, digits, (size_t)n);
		len += n;
		buf[len++] = '.';
		memcpy(buf + len, digits + n, (size_t)(k - n));
		len += k - n;
	} else if (-6 < n && n <= 0) {
		buf[len++] = '0';
		buf[len++] = '.';
		for (int i = 0; i < -n; i++)
			buf[len++] = '0';
		memcpy(buf + len, digits, (size_t)k);
		len += k;
	} else {
		buf[len++] = digits[0];
		if (k > 1) {
			buf[len++] = '.';
			memcpy(buf + len, digits + 1, (size_t)(k - 1));
			len += k - 1;
		}
		len += snprintf(buf + len, (size_t)(JSL_NUMBUF - len), "e%c%d",
				n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
	buf[len] = '\0';
	return len;
}

size_t jsl_scan_decimal(const char *s, size_t n)
{
	size_t p = 0, nd = 0;

	while (p < n && s[p] >= '0' && s[p] <= '9')
		p++, nd++;
	if (p < n && s[p] == '.') {
		p++;
		while (p < n && s[p] >= '0' && s[p] <= '9')
			p++, nd++;
	}
	if (!nd)
		return 0;
	if (p < n && (s[p] | 0x20) == 'e') {
		size_t q = p + 1, ne = 0;

		if (q < n && (s[q] == '+' || s[q] == '-'))
			q++;
		while (q < n && s[q] >= '0' && s[q] <= '9')
			q++, ne++;
		if (ne)
			p = q;
	}
	return p;
}

size_t jsl_space_at(const char *s, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t left = n - i;

	if (i >= n)
		return 0;
	if (jsl_is_space(u[0]))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (left < 3)
		return 0;
	if ((u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) ||
	    (u[0] == 0xe2 && u[1] == 0x80 &&
	     (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf)) ||
	    (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) ||
	    (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) ||
	    (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf))
		return 3;
	return 0;
}

size_t jsl_space_before(const char *s, size_t j)
{
	for (size_t k = 1; k <= 3 && k <= j; k++)
		if (jsl_space_at(s, j, j - k) == k)
			return k;
	return 0;
}

double jsl_str_to_num(const char *s, size_t len)
{
	size_t i = 0, j = len, k, n, w;
	char buf[512];
	bool neg = false;

	while (i < j && (w = jsl_space_at(s, j, i)))
		i += w;
	while (j > i && (w = jsl_space_before(s, j)))
		j -= w;
	if (i == j)
		return 0;
	if (j - i > 2 && s[i] == '0' && s[i + 1] && strchr("xXoObB", s[i + 1])) {
		int base = (s[i + 1] | 0x20) == 'x' ? 16 : (s[i + 1] | 0x20) == 'o' ? 8 : 2;
		double v = 0;

		for (k = i + 2; k < j; k++) {
			int dv = jsl_digit((unsigned char)s[k]);

			if (dv >= base)
				return NAN;
			v = v * base + dv;
		}
		return v;
	}
	k = i;
	if (s[k] == '+' || s[k] == '-')
		neg = s[k++] == '-';
	if (j - k == 8 && !memcmp(s + k, "Infinity", 8))
		return neg ? -INFINITY : INFINITY;
	/* StrDecimalLiteral: all of s[k..j) (an exponent without digits is not) */
	n = jsl_scan_decimal(s + k, j - k);
	if (!n || k + n != j)
		return NAN;
	if (j - i >= sizeof(buf))
		return NAN;
	memcpy(buf, s + i, j - i);
	buf[j - i] = '\0';
	return strtod(buf, NULL);
}

/* The length of the run of radix digits that s[0..n) starts with. */
static size_t digit_run(const char *s, size_t n, int radix)
{
	size_t i = 0;

	while (i < n && jsl_digit((unsigned char)s[i]) < radix)
		i++;
	return i;
}

/* Radix 2, 4, 8, 16, 32: exact, rounded to nearest, ties to even (V8's InternalStringToIntDouble). */
static double parse_pow2(const char *s, size_t n, int log2r)
{
	int64_t number = 0;
	int exponent = 0;
	size_t i = 0;

	while (i < n && s[i] == '0')
		i++;
	for (; i < n; i++) {
		int overflow;

		number = number * (1 << log2r) + jsl_digit((unsigned char)s[i]);
		overflow = (int)(number >> 53);
		if (overflow != 0) {
			int bits = 1, dropped, middle;
			bool zero_tail = true;

			while (overflow > 1) {
				bits++;
				overflow >>= 1;
			}
			dropped = (int)(number & ((1 << bits) - 1));
			number >>= bits;
			exponent = bits;
			for (i++; i < n; i++) {
				zero_tail = zero_tail && s[i] == '0';
				exponent += log2r;
			}
			middle = 1 << (bits - 1);
			if (dropped > middle || (dropped == middle && ((number & 1) || !zero_tail)))
				number++;
			if (number & ((int64_t)1 << 53)) { /* rounding up carried */
				exponent++;
				number >>= 1;
			}
			break;
		}
	}
	return exponent ? ldexp((double)number, exponent) : (double)number;
}

/*
 * Other radices: V8 accumulates the digits in 32-bit parts (as many as keep
 * the multiplier at most 0xFFFFFFFF / 36) into a double, result * multiplier
 * + part; the spec allows an approximation here, node's is this one.
 */
static double parse_generic(const char *s, size_t n, int radix)
{
	const uint32_t max_mul = 0xFFFFFFFFu / 36;
	double result = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t part = 0, mul = 1;

		while (i < n) {
			uint32_t m = mul * (uint32_t)radix;

			if (m > max_mul)
				break;
			part = part * (uint32_t)radix + (uint32_t)jsl_digit((unsigned char)s[i]);
			mul = m;
			i++;
		}
		result = result * (double)mul + (double)part;
	}
	return result;
}

double jsl_parse_int_digits(const char *s, size_t n, int radix, size_t *used)
{
	size_t nd = digit_run(s, n, radix), i = 0, k = 0;
	char buf[312];

	*used = nd;
	if (!nd)
		return NAN;
	switch (radix) {
	case 2: return parse_pow2(s, nd, 1);
	case 4: return parse_pow2(s, nd, 2);
	case 8: return parse_pow2(s, nd, 3);
	case 16: return parse_pow2(s, nd, 4);
	case 32: return parse_pow2(s, nd, 5);
	case 10: break;
	default: return parse_generic(s, nd, radix);
	}
	/* Radix 10: strtod of the significant digits, correctly rounded; past
	 * 310 of them the value is past 1e309, infinite either way (as in V8). */
	while (i < nd && s[i] == '0')
		i++;
	for (; i < nd && k < sizeof(buf) - 2; i++)
		buf[k++] = s[i];
	if (!k)
		return 0;
	buf[k] = '\0';
	return strtod(buf, NULL);
}

/* ---- predicates ----------------------------------------------------------------- */

bool jsl_truthy(jv v)
{
	if (jv_is_num(v)) {
		double d = jv_num(v);

		return d == d && d != 0;
	}
	switch (jv_tag(v)) {
	case JV_T_BOOL:
		return jv_payload(v) != 0;
	case JV_T_STR:
		return jv_str(v)->len != 0;
	case JV_T_UNDEF:
	case JV_T_NULL:
		return false;
	default:
		return true;
	}
}

const char *jsl_typeof(jv v)
{
	if (jv_is_num(v))
		return "number";
	switch (jv_tag(v)) {
	case JV_T_UNDEF:
		return "undefined";
	case JV_T_NULL:
		return "object";
	case JV_T_BOOL:
		return "boolean";
	case JV_T_STR:
		return "string";
	case JV_T_FUNC:
		return "function";
	case JV_T_OBJ:
		return jv_obj(v)->type == JSL_OBJ_CLOS ? "function" : "object";
	default:
		return "object";
	}
}

bool jsl_strict_eq(jv a, jv b)
{
	if (jv_is_num(a) && jv_is_num(b))
		return jv_num(a) == jv_num(b);
	if (jv_is(a, JV_T_STR) && jv_is(b, JV_T_STR)) {
		const struct jsl_str *x = jv_str(a), *y = jv_str(b);

		return x == y || (x->len == y->len && !memcmp(x->s, y->s, x->len));
	}
	return a == b;
}

/* ---- printing ------------------------------------------------------------------- */

static void put_func(const struct jsl_prog *p, jv v, struct jsl_buf *b, bool inspect)
{
	uint64_t i = jv_payload(v);
	const char *name = i >= JSL_NATFN && i - JSL_NATFN < JSL_NAT_COUNT
			       ? jsl_natives[i - JSL_NATFN].name
		       : p && i < p->nfuncs ? p->funcs[i].name
					    : "";

	if (inspect) {
		jsl_buf_puts(b, name[0] ? "[Function: " : "[Function (anonymous)");
		jsl_buf_puts(b, name);
		jsl_buf_puts(b, "]");
	} else {
		/* JavaScript would print the source text, which the chunks do not carry. */
		jsl_buf_puts(b, "function ");
		jsl_buf_puts(b, name);
		jsl_buf_puts(b, i >= JSL_NATFN ? "() { [native code] }" : "() { [bytecode] }");
	}
}

static void obj_to_string(const struct jsl_prog *p, jv v, struct jsl_buf *b, int depth)
{
	static _Thread_local const void *seen[101];
	const struct jsl_obj *o = jv_obj(v);

	switch (o->type) {
	case JSL_OBJ_ARR: {
		const struct jsl_arr *a = (const struct jsl_arr *)o;

		if (depth > 100)
			return;
		/* Array.prototype.join prints a cycle as '' */
		for (int k = 0; k < depth; k++)
			if (seen[k] == o)
				return;
		seen[depth] = o;
		for (uint32_t i = 0; i < a->len; i++) {
			if (i)
				jsl_buf_putc(b, ',');
			if (jv_is(a->v[i], JV_T_UNDEF) || jv_is(a->v[i], JV_T_NULL))
				continue;
			if (jv_is(a->v[i], JV_T_OBJ))
				obj_to_string(p, a->v[i], b, depth + 1);
			else
				jsl_to_string_buf(p, a->v[i], b);
		}
		return;
	}
	case JSL_OBJ_TARR: {
		const struct jsl_tarr *t = (const struct jsl_tarr *)o;
		char num[JSL_NUMBUF];

		for (uint32_t i = 0; i < t->len; i++) {
			double d = t->kind == JSL_TA_U8	   ? ((const uint8_t *)t->p)[i]
				   : t->kind == JSL_TA_I32 ? ((const int32_t *)t->p)[i]
							   : ((const double *)t->p)[i];

			if (i)
				jsl_buf_putc(b, ',');
			jsl_buf_put(b, num, (size_t)jsl_num_format(d, num));
		}
		return;
	}
	case JSL_OBJ_CLOS: {
		const struct jsl_clos *c = (const struct jsl_clos *)o;

		put_func(p, JV_BOX(JV_T_FUNC, c->fn), b, false);
		return;
	}
	case JSL_OBJ_MAP:
		jsl_buf_puts(b, "[object Map]");
		return;
	case JSL_OBJ_SET:
		jsl_buf_puts(b, "[object Set]");
		return;
	case JSL_OBJ_OBJ: {
		const struct jsl_objt *e = (const struct jsl_objt *)o;

		if (e->cls && e->cls <= JSL_CLS_SYNTAXERROR) {
			jsl_buf_puts(b, jsl_cls_names[e->cls]);
			if (jv_is(e->msg, JV_T_STR) && jv_str(e->msg)->len) {
				jsl_buf_puts(b, ": ");
				jsl_buf_put(b, jv_str(e->msg)->s, jv_str(e->msg)->len);
			}
			return;
		}
		jsl_buf_puts(b, "[object Object]");
		return;
	}
	default:
		jsl_buf_puts(b, "[object Object]");
		return;
	}
}

void jsl_to_string_buf(const struct jsl_prog *p, jv v, struct jsl_buf *b)
{
	char num[JSL_NUMBUF];

	if (jv_is_num(v)) {
		jsl_buf_put(b, num, (size_t)jsl_num_format(jv_num(v), num));
		return;
	}
	switch (jv_tag(v)) {
	case JV_T_UNDEF:
		jsl_buf_puts(b, "undefined");
		break;
	case JV_T_NULL:
		jsl_buf_puts(b, "null");
		break;
	case JV_T_BOOL:
		jsl_buf_puts(b, jv_payload(v) ? "true" : "false");
		break;
	case JV_T_STR:
		jsl_buf_put(b, jv_str(v)->s, jv_str(v)->len);
		break;
	case JV_T_FUNC:
		put_func(p, v, b, false);
		break;
	case JV_T_OBJ:
		obj_to_string(p, v, b, 0);
		break;
	default:
		jsl_buf_puts(b, "[object Object]");
		break;
	}
}

const char *jsl_ctl_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		return "\\b";
	case '\t':
		return "\\t";
	case '\n':
		return "\\n";
	case '\f':
		return "\\f";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

static void inspect_piece(const char *s, size_t n, struct jsl_buf *b);

void jsl_inspect_short_str(const struct jsl_str *s, struct jsl_buf *b)
{
	inspect_piece(s->s, s->len, b);
}

/* util.inspect's quoting: ' unless the text has ' and lacks ", then ", then `. */
static void inspect_piece(const char *s, size_t n, struct jsl_buf *b)
{
	char q = '\'';

	if (memchr(s, '\'', n)) {
		if (!memchr(s, '"', n))
			q = '"';
		else if (!memchr(s, '`', n) && !memmem(s, n, "${", 2))
			q = '`';
	}
	jsl_buf_putc(b, q);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *ctl = jsl_ctl_escape(c);
		char esc[16];

		if (c == (unsigned char)q || c == '\\') {
			jsl_buf_putc(b, '\\');
			jsl_buf_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			if (ctl) {
				jsl_buf_puts(b, ctl);
			} else {
				snprintf(esc, sizeof(esc), "\\x%02X", c);
				jsl_buf_puts(b, esc);
			}
		} else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] <= 0x9f) {
			/* C1 controls U+0080..U+009F */
			snprintf(esc, sizeof(esc), "\\x%02X", (unsigned char)s[i + 1]);
			jsl_buf_puts(b, esc);
			i++;
		} else if (c == 0xed && i + 2 < n && (unsigned char)s[i + 1] >= 0xa0) {
			/* a lone surrogate (kept as WTF-8) */
			unsigned u =
			    0xd000 | ((unsigned)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);

			snprintf(esc, sizeof(esc), "\\u%04x", u);
			jsl_buf_puts(b, esc);
			i += 2;
		} else {
			jsl_buf_putc(b, (char)c);
		}
	}
	jsl_buf_putc(b, q);
}

void jsl_inspect_buf(const struct jsl_prog *p, jv v, struct jsl_buf *b)
{
	if (jv_is_num(v) && jv_num(v) == 0 && signbit(jv_num(v))) {
		jsl_buf_puts(b, "-0");
		return;
	}
	if (jv_is(v, JV_T_STR)) {
		const struct jsl_str *s = jv_str(v);
		size_t start = 0;

		/* Long strings print one line per piece, joined with " +\n  " (breakLength 80). */
		if (s->ulen <= 16 || s->ulen <= 76) {
			inspect_piece(s->s, s->len, b);
			return;
		}
		for (size_t i = 0; i <= s->len; i++) {
			if (i == s->len || s->s[i] == '\n') {
				size_t end = i < s->len ? i + 1 : i;

				if (end == start)
					break;
				if (start)
					jsl_buf_puts(b, " +\n  ");
				inspect_piece(s->s + start, end - start, b);
				start = end;
			}
		}
		return;
	}
	if (jv_is(v, JV_T_FUNC)) {
		put_func(p, v, b, true);
		return;
	}
	if (jv_is_objtype(v, JSL_OBJ_CLOS)) {
		put_func(p, JV_BOX(JV_T_FUNC, ((struct jsl_clos *)jv_obj(v))->fn), b, true);
		return;
	}
	if (jv_is_objtype(v, JSL_OBJ_CELL)) {
		jsl_buf_puts(b, "[internal cell]"); /* only crafted bytecode shows one */
		return;
	}
	if (jv_is(v, JV_T_OBJ)) {
		jsl_inspect_obj(p, v, b);
		return;
	}
	jsl_to_string_buf(p, v, b);
}

/* ---- conversions ------------------------------------------------------------------ */

double jsl_to_num(jv v)
{
	if (jv_is_num(v))
		return jv_num(v);
	switch (jv_tag(v)) {
	case JV_T_NULL:
		return 0;
	case JV_T_BOOL:
		return (double)jv_payload(v);
	case JV_T_STR:
		return jsl_str_to_num(jv_str(v)->s, jv_str(v)->len);
	case JV_T_OBJ:
		if (jv_obj(v)->type == JSL_OBJ_ARR || jv_obj(v)->type == JSL_OBJ_TARR) {
			struct jsl_buf b = {.ok = true};
			double d;

			jsl_to_string_buf(NULL, v, &b);
			d = b.ok ? jsl_str_to_num(b.p ? b.p : "", b.len) : NAN;
			free(b.p);
			return d;
		}
		return NAN;
	default:
		return NAN;
	}
}

/* ECMAScript ToInt32: modulo 2^32, NaN and infinities to 0. */
int32_t jsl_to_int32(double d)
{
	double m;

	if (d >= -2147483648.0 && d <= 2147483647.0)
		return (int32_t)d; /* truncates toward zero, as ToInt32 does */
	if (d != d || isinf(d))
		return 0;
	m = fmod(trunc(d), 4294967296.0);
	if (m < 0)
		m += 4294967296.0;
	return (int32_t)(uint32_t)m;
}

/* x ** y and Math.pow, bit for bit as node computes them. */
double jsl_pow(double x, double y)
{
	return jsl_fd_pow(x, y); /* V8's fdlibm pow, with JavaScript's NaN rules */
}

/* ---- strings of a running VM ----------------------------------------------------- */

int jsl_new_str(struct jsl_vm *vm, const char *p, size_t n, jv *out)
{
	struct jsl_str *s = jsl_str_new(&vm->heap, p, n);

	if (!s) {
		char msg[96];

		snprintf(msg, sizeof(msg), "heap limit of %zu bytes reached", vm->heap.limit);
		return jsl_oom(vm, msg);
	}
	*out = jv_from_str(s);
	return 0;
}

/*
 * A lone high surrogate followed by a lone low one (WTF-8 ED A0..AF xx, ED B0..BF
 * xx: halves that split("") or s[i] made) is one character again, as the code
 * units are in JavaScript: rewrite the pair as its 4-byte UTF-8 in place.
 */
static void join_surrogates(char *p, size_t *len)
{
	size_t r = 0, w = 0, n = *len;

	if (!memchr(p, 0xed, n))
		return;
	while (r < n) {
		const unsigned char *q = (const unsigned char *)p + r;

		if (r + 6 <= n && q[0] == 0xed && (q[1] & 0xf0) == 0xa0 && q[3] == 0xed &&
		    (q[4] & 0xf0) == 0xb0) {
			uint32_t hi = 0xd000 | ((uint32_t)(q[1] & 0x3f) << 6) | (q[2] & 0x3f);
			uint32_t lo = 0xd000 | ((uint32_t)(q[4] & 0x3f) << 6) | (q[5] & 0x3f);
			uint32_t cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);

			p[w++] = (char)(0xf0 | cp >> 18);
			p[w++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			p[w++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			p[w++] = (char)(0x80 | (cp & 0x3f));
			r += 6;
		} else {
			p[w++] = p[r++];
		}
	}
	*len = w;
}

int jsl_buf_to_str(struct jsl_vm *vm, struct jsl_buf *b, jv *out)
{
	int rc;

	if (!b->ok) {
		free(b->p);
		return jsl_oom(vm, "out of memory building a string");
	}
	if (b->p)
		join_surrogates(b->p, &b->len);
	rc = jsl_new_str(vm, b->p ? b->p : "", b->len, out);
	free(b->p);
	return rc;
}

/* The UTF-8 bytes of UTF-16 code unit idx of s (a lone surrogate becomes WTF-8). */
int jsl_code_unit_at(const struct jsl_str *s, uint32_t idx, char out[4], uint32_t *unit)
{
	uint32_t u = 0;

	for (uint32_t i = 0; i < s->len;) {
		unsigned char c = (unsigned char)s->s[i];
		uint32_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4, cp;

		if (i + n > s->len)
			n = s->len - i;
		if (n == 1)
			cp = c;
		else if (n == 2)
			cp = (c & 0x1fu) << 6 | (s->s[i + 1] & 0x3fu);
		else if (n == 3)
			cp = (c & 0x0fu) << 12 | (s->s[i + 1] & 0x3fu) << 6 | (s->s[i + 2] & 0x3fu);
		else
			cp = (c & 0x07u) << 18 | (s->s[i + 1] & 0x3fu) << 12 |
			     (s->s[i + 2] & 0x3fu) << 6 | (s->s[i + 3] & 0x3fu);
		if (n == 4 && (u == idx || u + 1 == idx)) {
			uint32_t half = u == idx ? 0xd800 + ((cp - 0x10000) >> 10)
						 : 0xdc00 + ((cp - 0x10000) & 0x3ff);

			out[0] = (char)(0xe0 | (half >> 12));
			out[1] = (char)(0x80 | ((half >> 6) & 0x3f));
			out[2] = (char)(0x80 | (half & 0x3f));
			*unit = half;
			return 3;
		}
		if (u == idx) {
			memcpy(out, s->s + i, n);
			*unit = cp;
			return (int)n;
		}
		u += n == 4 ? 2 : 1;
		i += n;
	}
	return 0;
}

int jsl_char_at(struct jsl_vm *vm, jv str, double d, jv *out)
{
	const struct jsl_str *s = jv_str(str);
	char buf[4];
	uint32_t unit;
	int n;

	if (!(d >= 0 && d < s->ulen && d == floor(d))) {
		*out = JV_UNDEF;
		return 0;
	}
	if (s->ascii) {
		*out = vm->chars[(unsigned char)s->s[(uint32_t)d]];
		return 0;
	}
	n = jsl_code_unit_at(s, (uint32_t)d, buf, &unit);
	if (n == 1 && (unsigned char)buf[0] < 0x80) {
		*out = vm->chars[(unsigned char)buf[0]];
		return 0;
	}
	return jsl_new_str(vm, buf, (size_t)n, out);
}

/* The UTF-16 code units of WTF-8 text, one at a time (a 4-byte sequence gives two). */
struct u16_iter {
	const unsigned char *p;
	size_t i, n;
	uint32_t pend; /* the low surrogate still to come, or 0 */
};

static int u16_next(struct u16_iter *it)
{
	unsigned char c;
	size_t k;
	uint32_t cp;

	if (it->pend) {
		cp = it->pend;
		it->pend = 0;
		return (int)cp;
	}
	if (it->i >= it->n)
		return -1;
	c = it->p[it->i];
	k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (it->i + k > it->n)
		k = it->n - it->i;
	if (k == 1)
		cp = c;
	else if (k == 2)
		cp = (c & 0x1fu) << 6 | (it->p[it->i + 1] & 0x3fu);
	else if (k == 3)
		cp = (c & 0x0fu) << 12 | (it->p[it->i + 1] & 0x3fu) << 6 | (it->p[it->i + 2] & 0x3fu);
	else
		cp = (c & 0x07u) << 18 | (it->p[it->i + 1] & 0x3fu) << 12 |
		     (it->p[it->i + 2] & 0x3fu) << 6 | (it->p[it->i + 3] & 0x3fu);
	it->i += k;
	if (cp >= 0x10000) {
		it->pend = 0xdc00 + ((cp - 0x10000) & 0x3ff);
		cp = 0xd800 + ((cp - 0x10000) >> 10);
	}
	return (int)cp;
}

/*
 * Compare WTF-8 strings a and b as JavaScript does: by UTF-16 code units
 * (so "\uFFFF" > "😀", whose first unit is 0xD83D, though its UTF-8 is
 * larger). <0, 0, >0. The common byte prefix is skipped with one memcmp-like
 * scan; only the first differing character is decoded.
 */
int jsl_str_cmp16(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn, i = 0;
	struct u16_iter x, y;

	while (i < n && a[i] == b[i])
		i++;
	if (i == an || i == bn)
		return an < bn ? -1 : an > bn;
	if ((unsigned char)a[i] < 0xe0 && (unsigned char)b[i] < 0xe0)
		return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1; /* below U+0800: as bytes */
	while (i > 0 && ((unsigned char)a[i] & 0xc0) == 0x80)
		i--;
	x = (struct u16_iter){.p = (const unsigned char *)a, .i = i, .n = an};
	y = (struct u16_iter){.p = (const unsigned char *)b, .i = i, .n = bn};
	for (;;) {
		int u = u16_next(&x), v = u16_next(&y);

		if (u != v)
			return u < v ? -1 : 1; /* -1: the end, before any unit */
		if (u < 0)
			return 0;
	}
}

/* The UTF-16 code units of WTF-8 text p[0..n) in a new array (free it), their count in *nu. */
uint16_t *jsl_str_units(const char *p, size_t n, size_t *nu)
{
	struct u16_iter it = {.p = (const unsigned char *)p, .n = n};
	uint16_t *u = malloc((n ? n : 1) * sizeof(*u)); /* never more units than bytes */
	size_t k = 0;
	int c;

	if (!u)
		return NULL;
	while ((c = u16_next(&it)) >= 0)
		u[k++] = (uint16_t)c;
	*nu = k;
	return u;
}

int64_t jsl_str_find16(const struct jsl_str *s, const char *needle, size_t nlen, double from,
		       bool last)
{
	size_t hn, nn;
	uint16_t *h, *nd;
	int64_t r = -1, start;

	if (s->ascii) {
		h = NULL;
		hn = s->len;
	} else if (!(h = jsl_str_units(s->s, s->len, &hn))) {
		return -2;
	}
	if (!(nd = jsl_str_units(needle, nlen, &nn))) {
		free(h);
		return -2;
	}
	start = from != from ? (last ? INT64_MAX : 0) : from < 0 ? 0 : from > (double)hn ? (int64_t)hn : (int64_t)from;
	if (last) {
		if (nn > hn) {
			r = -1;
		} else {
			if (start > (int64_t)(hn - nn))
				start = (int64_t)(hn - nn);
			for (int64_t k = start; k >= 0 && r < 0; k--) {
				size_t j = 0;

				while (j < nn && (h ? h[k + j] : (unsigned char)s->s[k + j]) == nd[j])
					j++;
				if (j == nn)
					r = k;
			}
		}
	} else {
		for (int64_t k = start; k + (int64_t)nn <= (int64_t)hn && r < 0; k++) {
			size_t j = 0;

			while (j < nn && (h ? h[k + j] : (unsigned char)s->s[k + j]) == nd[j])
				j++;
			if (j == nn)
				r = k;
		}
	}
	free(h);
	free(nd);
	return r;
}

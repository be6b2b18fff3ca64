/* SPDX-License-Identifier: MIT */
/* Description: vm/fdlibm: Math.sin/cos/tan/atan/atan2/exp/log/pow bit for bit as node computes them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/tl_test.h"
#include "vm/fdlibm.h"

/* node's results, generated once by tests/gen_fdlibm_table.js */
#include "tests/unit/fdlibm_table.h"

static const char *const fd_names[] = { "sin", "cos", "tan", "atan", "atan2", "exp", "log", "pow" };

static double from_bits(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static uint64_t to_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double fd_call(int fn, double x, double y)
{
	switch (fn) {
	case FD_SIN: return jsl_fd_sin(x);
	case FD_COS: return jsl_fd_cos(x);
	case FD_TAN: return jsl_fd_tan(x);
	case FD_ATAN: return jsl_fd_atan(x);
	case FD_ATAN2: return jsl_fd_atan2(x, y);
	case FD_EXP: return jsl_fd_exp(x);
	case FD_LOG: return jsl_fd_log(x);
	default: return jsl_fd_pow(x, y);
	}
}

/* Same bits, or both NaN (a program cannot tell NaNs apart). */
static int same(double got, uint64_t want)
{
	return to_bits(got) == want || (isnan(got) && isnan(from_bits(want)));
}

/* Every row of the table, per function: prints up to 5 misses of each. */
static void check_fn(int fn)
{
	unsigned n = 0, bad = 0;

	for (size_t i = 0; i < sizeof(fd_table) / sizeof(fd_table[0]); i++) {
		const struct fd_case *c = &fd_table[i];
		double x = from_bits(c->x), y = from_bits(c->y), got;

		if (c->fn != fn)
			continue;
		n++;
		got = fd_call(fn, x, y);
		if (same(got, c->r))
			continue;
		if (bad++ < 5)
			printf("\n    %s(%.17g, %.17g) = %.17g, node: %.17g", fd_names[fn], x, y, got,
			       from_bits(c->r));
	}
	if (bad)
		printf("\n    %s: %u of %u differ from node\n", fd_names[fn], bad, n);
	CU_ASSERT(n >= 400);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_sin(void) { check_fn(FD_SIN); }
static void test_cos(void) { check_fn(FD_COS); }
static void test_tan(void) { check_fn(FD_TAN); }
static void test_atan(void) { check_fn(FD_ATAN); }
static void test_atan2(void) { check_fn(FD_ATAN2); }
static void test_exp(void) { check_fn(FD_EXP); }
static void test_log(void) { check_fn(FD_LOG); }
static void test_pow(void) { check_fn(FD_POW); }

/* The cases issue 8 names, spelled out so that a reader sees them. */
static void test_named_cases(void)
{
	CU_ASSERT_EQUAL(to_bits(jsl_fd_pow(10, -5)), to_bits(0.000009999999999999999));
	CU_ASSERT_EQUAL(to_bits(jsl_fd_pow(10, -4)), to_bits(0.00009999999999999999));
	CU_ASSERT_EQUAL(to_bits(jsl_fd_pow(10, 23)), to_bits(1e23));
	CU_ASSERT_EQUAL(jsl_fd_pow(2, -24), 5.9604644775390625e-8); /* exact */
	CU_ASSERT_EQUAL(jsl_fd_pow(NAN, 0), 1.0);
	CU_ASSERT(isnan(jsl_fd_pow(1, NAN)));      /* C: 1 */
	CU_ASSERT(isnan(jsl_fd_pow(1, INFINITY))); /* C: 1 */
	CU_ASSERT(isnan(jsl_fd_pow(-1, -INFINITY)));
	CU_ASSERT(isnan(jsl_fd_pow(-8, 1.0 / 3)));
	CU_ASSERT_EQUAL(to_bits(jsl_fd_pow(-0.0, 3)), to_bits(-0.0));
	CU_ASSERT_EQUAL(jsl_fd_pow(-0.0, -3), -INFINITY);
	CU_ASSERT_EQUAL(to_bits(jsl_fd_exp(1)), to_bits(2.718281828459045));
	CU_ASSERT_EQUAL(jsl_fd_log(0), -INFINITY);
	CU_ASSERT(isnan(jsl_fd_log(-1)));
	CU_ASSERT_EQUAL(to_bits(jsl_fd_sin(-0.0)), to_bits(-0.0));
	CU_ASSERT_EQUAL(to_bits(jsl_fd_atan2(-0.0, -0.0)), to_bits(-3.141592653589793));
	CU_ASSERT(isnan(jsl_fd_cos(INFINITY)));
}

/* clang-format off */
TL_SUITE(u_fdlibm, NULL, NULL,
	 { "sin matches node on the table", test_sin },
	 { "cos matches node on the table", test_cos },
	 { "tan matches node on the table", test_tan },
	 { "atan matches node on the table", test_atan },
	 { "atan2 matches node on the table", test_atan2 },
	 { "exp matches node on the table", test_exp },
	 { "log matches node on the table", test_log },
	 { "pow matches node on the table", test_pow },
	 { "issue 8's cases: 10 ** -5, NaN and infinity rules", test_named_cases })
/* clang-format on */

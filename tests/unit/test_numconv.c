/* SPDX-License-Identifier: MIT */
/* Description: number <-> string in vm/value.c: String(x), parseInt's digits and Number(s) as node gives them. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/tl_test.h"
#include "vm/jsl_int.h"

/* node's answers, generated once by tests/gen_numconv_table.js */
#include "tests/unit/numconv_table.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

static bool same(double got, uint64_t want)
{
	return to_bits(got) == want || (isnan(got) && isnan(from_bits(want)));
}

/* jsl_num_format is String(x): every power of two, random bit patterns, decimals. */
static void test_format_table(void)
{
	unsigned bad = 0;

	for (size_t i = 0; i < NELEM(fmt_cases); i++) {
		char buf[JSL_NUMBUF];
		double x = from_bits(fmt_cases[i].x);
		int n = jsl_num_format(x, buf);

		if (!strcmp(buf, fmt_cases[i].s) && n == (int)strlen(buf))
			continue;
		if (bad++ < 5)
			printf("\n    String(%.17g): got %s, node %s", x, buf, fmt_cases[i].s);
	}
	if (bad)
		printf("\n    %u of %zu differ from node\n", bad, NELEM(fmt_cases));
	CU_ASSERT_EQUAL(bad, 0);
}

/* Issue 8's case: 16 digits nearest 2^-24 (...062) do not read back, ...063 do. */
static void test_format_shortest(void)
{
	char buf[JSL_NUMBUF];

	jsl_num_format(0x1p-24, buf);
	CU_ASSERT_STRING_EQUAL(buf, "5.960464477539063e-8");
	jsl_num_format(0x1p-44, buf);
	CU_ASSERT_STRING_EQUAL(buf, "5.684341886080802e-14");
	jsl_num_format(5e-324, buf);
	CU_ASSERT_STRING_EQUAL(buf, "5e-324");
	jsl_num_format(0.1 + 0.2, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0.30000000000000004");
	jsl_num_format(-1e21, buf);
	CU_ASSERT_STRING_EQUAL(buf, "-1e+21");
}

/* jsl_parse_int_digits is parseInt on sign- and prefix-free digits. */
static void test_parse_int_table(void)
{
	unsigned bad = 0;

	for (size_t i = 0; i < NELEM(int_cases); i++) {
		size_t used, len = strlen(int_cases[i].s);
		double v = jsl_parse_int_digits(int_cases[i].s, len, int_cases[i].radix, &used);

		if (same(v, int_cases[i].v) && used == len)
			continue;
		if (bad++ < 5)
			printf("\n    parseInt(\"%.40s\", %d): got %.17g (%zu digits), node %.17g",
			       int_cases[i].s, int_cases[i].radix, v, used, from_bits(int_cases[i].v));
	}
	if (bad)
		printf("\n    %u of %zu differ from node\n", bad, NELEM(int_cases));
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_parse_int_stops(void)
{
	size_t used = 99;
	double v;

	v = jsl_parse_int_digits("123456789012345678901234567890px", 32, 10, &used);
	CU_ASSERT_EQUAL(to_bits(v), to_bits(1.2345678901234568e+29)); /* not ...566e+29 */
	CU_ASSERT_EQUAL(used, 30);
	v = jsl_parse_int_digits("19a", 3, 8, &used);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(used, 1);
	v = jsl_parse_int_digits("xyz", 3, 10, &used);
	CU_ASSERT(isnan(v));
	CU_ASSERT_EQUAL(used, 0);
	v = jsl_parse_int_digits("", 0, 16, &used);
	CU_ASSERT(isnan(v));
}

/* jsl_str_to_num is Number(s): all of JavaScript's white space is trimmed, nothing else. */
static void test_str_to_num_table(void)
{
	unsigned bad = 0;

	for (size_t i = 0; i < NELEM(num_cases); i++) {
		double v = jsl_str_to_num(num_cases[i].s, strlen(num_cases[i].s));

		if (same(v, num_cases[i].v))
			continue;
		if (bad++ < 5)
			printf("\n    Number(case %zu): got %.17g, node %.17g", i, v,
			       from_bits(num_cases[i].v));
	}
	if (bad)
		printf("\n    %u of %zu differ from node\n", bad, NELEM(num_cases));
	CU_ASSERT_EQUAL(bad, 0);
}

/* clang-format off */
TL_SUITE(u_numconv, NULL, NULL,
	 { "String(x) matches node on 3600 doubles", test_format_table },
	 { "shortest round trip at powers of two (2 ** -24)", test_format_shortest },
	 { "parseInt digits match node (long, every kind of radix)", test_parse_int_table },
	 { "parseInt digits: stops at the first non-digit, NaN without digits", test_parse_int_stops },
	 { "Number(s) trims all of JavaScript's white space", test_str_to_num_table })
/* clang-format on */

/* SPDX-License-Identifier: MIT */
/*
 * Test registry shared by every suite: each file of tests/unit/ and tests/integration/
 * registers its CUnit suite with TL_SUITE(); tests/main.c runs them all with
 * CUnit's basic interface and closes with CUnit's run summary.
 *
 *   static void test_x(void) { CU_ASSERT_EQUAL(...); }
 *   TL_SUITE(chunk, NULL, NULL,
 *            { "encode/decode round trip", test_x },
 *            { "bad type tag rejected", test_y })
 *
 * A test that cannot run here (no root, no netns, ...) calls
 * TL_SKIP("reason") and returns: it is reported as skipped with the reason,
 * not as passed.
 */
#ifndef TL_TEST_H
#define TL_TEST_H

#include <CUnit/CUnit.h>
#include <stddef.h>

struct tl_test_case {
	const char *name;
	void (*fn)(void);
};

struct tl_test_suite {
	const char *name;
	int (*init)(void);
	int (*clean)(void);
	const struct tl_test_case *cases;
	size_t ncases;
};

void tl_test_register(const struct tl_test_suite *s);
void tl_test_skip(const char *file, int line, const char *reason);

#define TL_SUITE(sname, sinit, sclean, ...)                                                     \
	static const struct tl_test_case tl_cases_##sname[] = { __VA_ARGS__ };                 \
	static const struct tl_test_suite tl_suite_##sname = {                                 \
		#sname, sinit, sclean, tl_cases_##sname,                                       \
		sizeof(tl_cases_##sname) / sizeof(tl_cases_##sname[0]) };                     \
	__attribute__((constructor)) static void tl_register_##sname(void)                     \
	{                                                                                      \
		tl_test_register(&tl_suite_##sname);                                           \
	}

#define TL_SKIP(reason) tl_test_skip(__FILE__, __LINE__, (reason))

/* Paths handed in by `make check`: the tasklet binary and the source tree. */
const char *tl_test_bin(void);
const char *tl_test_src(void);
const char *tl_test_build(void); /* the build directory (examples/, include/) */

#endif

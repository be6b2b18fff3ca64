/* SPDX-License-Identifier: MIT */
/* Description: the one CUnit runner of `make check`: runs every registered suite. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tl_test.h"

#define MAX_SUITES 64

static const struct tl_test_suite *suites[MAX_SUITES];
static size_t nsuites;

void tl_test_register(const struct tl_test_suite *s)
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "tests: more than %d suites, raise MAX_SUITES\n", MAX_SUITES);
		abort();
	}
	suites[nsuites++] = s;
}

void tl_test_skip(const char *file, int line, const char *reason)
{
	CU_pTest t = CU_get_current_test();

	printf("SKIPPED (%s:%d): %s: %s ... ", file, line, t ? t->pName : "?", reason);
	fflush(stdout);
}

const char *tl_test_bin(void)
{
	const char *p = getenv("TASKLET_BIN");

	return p && *p ? p : "build/tasklet";
}

const char *tl_test_src(void)
{
	const char *p = getenv("TASKLET_SRC");

	return p && *p ? p : ".";
}

const char *tl_test_build(void)
{
	const char *p = getenv("TASKLET_BUILD");

	return p && *p ? p : "build";
}

static int by_name(const void *a, const void *b)
{
	const struct tl_test_suite *x = *(const struct tl_test_suite *const *)a;
	const struct tl_test_suite *y = *(const struct tl_test_suite *const *)b;

	return strcmp(x->name, y->name);
}

/*
 * Usage: runner [SUITE...]  runs the named suites (all when none is named).
 * Exit status 0 when every test passed, 1 otherwise.
 */
int main(int argc, char **argv)
{
	unsigned failed;
	int rc = 1;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	/* Unit suites first (u_*), integration suites (x_*) last; each group by name. */
	qsort(suites, nsuites, sizeof(suites[0]), by_name);
	for (size_t i = 0; i < nsuites; i++) {
		const struct tl_test_suite *s = suites[i];
		int want = argc < 2;
		CU_pSuite cs;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], s->name);
		if (!want)
			continue;
		cs = CU_add_suite(s->name, s->init, s->clean);
		if (!cs)
			goto out;
		for (size_t j = 0; j < s->ncases; j++)
			if (!CU_add_test(cs, s->cases[j].name, s->cases[j].fn))
				goto out;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
		 CU_get_number_of_tests_failed();
	rc = failed ? 1 : 0;
	if (failed) {
		/* Repeated after the summary so that the tail of a CI log names them. */
		printf("\nFailures:\n");
		CU_basic_show_failures(CU_get_failure_list());
		printf("\n");
	}
out:
	CU_cleanup_registry();
	return rc;
}

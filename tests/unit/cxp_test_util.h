/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the CXP unit suites (test_cxp_frame.c, test_cxp_loop.c):
 * capturing what cxp_log writes to stderr so a test can assert on its log
 * lines. One capture at a time per test file.
 */
#ifndef TL_TESTS_CXP_TEST_UTIL_H
#define TL_TESTS_CXP_TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int cap_fd = -1, cap_saved = -1;

/* Send stderr to a memory file until capture_end(). */
static inline void capture_start(void)
{
	fflush(stderr);
	cap_fd = memfd_create("cxp-log", 0);
	cap_saved = dup(STDERR_FILENO);
	dup2(cap_fd, STDERR_FILENO);
}

/*
 * Stop capturing; returns what was written (malloc'd, NUL-terminated; NULL
 * when out of memory). With echo, the captured lines are also written to the
 * real stderr so they stay visible in the test output.
 */
static inline char *capture_end(bool echo)
{
	off_t n;
	char *s;

	fflush(stderr);
	dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	n = lseek(cap_fd, 0, SEEK_END);
	s = calloc(1, (size_t)n + 1);
	if (s && n > 0 && pread(cap_fd, s, (size_t)n, 0) != n)
		s[0] = '\0';
	close(cap_fd);
	if (echo && s && *s)
		fprintf(stderr, "%s", s);
	return s;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Daemon logging: "tasklet[ROLE] SECS.USECS: message\n" on stderr, SECS from
 * CLOCK_MONOTONIC. Each line leaves in a single write(2) so lines written by
 * several threads (or processes sharing the terminal) never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cxp/cxp.h"

#define ROLE_MAX 32
#define LINE_MAX_BYTES 2048

static __thread char log_role[ROLE_MAX];
static int log_quiet; /* process-wide; set once before threads start */

void cxp_log_quiet(int quiet)
{
	__atomic_store_n(&log_quiet, quiet, __ATOMIC_RELAXED);
}

/* Set this thread's role (e.g. "trader", "container/io"); NULL or "" resets
 * it to the program's name. */
void cxp_log_role(const char *role)
{
	if (!role)
		role = "";
	snprintf(log_role, sizeof(log_role), "%s", role);
}

void cxp_log(const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	struct timespec ts;
	int saved = errno;
	size_t n, off = 0;
	va_list ap;
	int k;

	if (__atomic_load_n(&log_quiet, __ATOMIC_RELAXED))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	k = snprintf(line, sizeof(line), "tasklet[%s] %lld.%06ld: ",
		     log_role[0] ? log_role : program_invocation_short_name,
		     (long long)ts.tv_sec, ts.tv_nsec / 1000);
	n = k < 0 ? 0 : (size_t)k;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (k < 0)
		k = 0;
	if ((size_t)k >= sizeof(line) - n) {
		/* Too long: cut, and say so, keeping room for the newline. */
		n = sizeof(line) - 5;
		memcpy(line + n, "...", 3);
		n += 3;
	} else {
		n += (size_t)k;
	}
	if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n';
	while (off < n) {
		ssize_t w = write(STDERR_FILENO, line + off, n - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	errno = saved;
}

/* SPDX-License-Identifier: MIT */
/*
 * Daemon logging: "YYYY-MM-DDTHH:MM:SS.UUUUUUZ tasklet[ROLE]: message\n" on
 * stderr, the time in UTC from CLOCK_REALTIME. Each line leaves in a single
 * write(2) so lines written by several threads (or processes sharing the
 * terminal) never interleave.
 *
 * Messages carry names and text that came from the network (container
 * names, error messages, addresses): every control byte of the message
 * (below 0x20, and 0x7f) is written as \xNN, so a name holding ESC
 * sequences or newlines cannot rewrite the terminal or forge a log line.
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
	char line[LINE_MAX_BYTES], msg[LINE_MAX_BYTES];
	struct timespec ts;
	struct tm tm;
	int saved = errno;
	size_t n, off = 0;
	va_list ap;
	int k;

	if (__atomic_load_n(&log_quiet, __ATOMIC_RELAXED))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	k = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ tasklet[%s]: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000,
		     log_role[0] ? log_role : program_invocation_short_name);
	n = k < 0 ? 0 : (size_t)k;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	va_start(ap, fmt);
	k = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (k < 0)
		k = 0;
	if ((size_t)k >= sizeof(msg))
		k = (int)sizeof(msg) - 1;
	if (k > 0 && msg[k - 1] == '\n') /* a message may end in one newline of its own */
		k--;
	/* Copy, escaping control bytes; cut with "..." when the line is full. */
	for (size_t i = 0; i < (size_t)k; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (n + 8 >= sizeof(line)) {
			memcpy(line + n, "...", 3);
			n += 3;
			break;
		}
		if (ch < 0x20 || ch == 0x7f)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "\\x%02x", ch);
		else
			line[n++] = (char)ch;
	}
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

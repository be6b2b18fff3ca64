/* SPDX-License-Identifier: MIT */
/*
 * Real processes for the integration suites: start `tasklet trader` and
 * `tasklet container`, read the address a daemon prints, wait for a log
 * line, run a command to completion with its output captured. Every wait is
 * bounded, so a broken daemon fails a test instead of hanging `make check`.
 */
#ifndef TL_TEST_PROC_H
#define TL_TEST_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct tp_proc {
	pid_t pid;
	int out_fd;       /* read end of its stdout */
	char log[256];    /* file that receives its stderr */
	char line[128];   /* first stdout line (an address), once read */
};

/* Start argv (argv[0] a path) with stdout to a pipe and stderr to a fresh
 * log file under dir. If netns is non-NULL, run it inside `ip netns exec NETNS`.
 * 0 or -errno. */
int tp_start(struct tp_proc *p, const char *dir, const char *name, const char *netns,
	     char *const argv[]);
/* Read the first stdout line (e.g. the trader's bound address): 0 or -ETIMEDOUT. */
int tp_first_line(struct tp_proc *p, int timeout_ms);
/* Wait until pattern (a plain substring) appears in the log: 0 or -ETIMEDOUT. */
int tp_wait_log(const struct tp_proc *p, const char *pattern, int timeout_ms);
/* Count the occurrences of pattern in the log. */
int tp_log_count(const struct tp_proc *p, const char *pattern);
/* Is it still running? */
int tp_alive(struct tp_proc *p);
/* Send sig and reap (SIGKILL after timeout_ms): the exit status as from waitpid, or -1. */
int tp_stop(struct tp_proc *p, int sig, int timeout_ms);

/*
 * Run argv to completion (SIGKILL after timeout_ms), capturing stdout and
 * stderr (each NUL-terminated, at most cap-1 bytes kept). Returns the exit
 * code, 128+signal, or -1 on a spawn failure / timeout.
 */
int tp_run(char *const argv[], const char *netns, char *out, size_t outcap, char *err,
	   size_t errcap, int timeout_ms);

/* Write text to dir/name; the path goes to path. 0 or -errno. */
int tp_write_file(const char *dir, const char *name, const char *text, char *path, size_t cap);

/* A fresh temporary directory for logs (mkdtemp under /tmp). */
int tp_tmpdir(char *buf, size_t cap);
void tp_rmdir(const char *dir);

#endif

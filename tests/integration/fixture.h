/* SPDX-License-Identifier: MIT */
/*
 * What the integration suites share: start a real `tasklet trader` and
 * `tasklet container` (logs under the suite's directory), a client of the
 * public API, Tasklets of a calibrated length, and a clean stop that checks
 * the exit status and the log for sanitizer reports.
 */
#ifndef TL_TEST_FIXTURE_H
#define TL_TEST_FIXTURE_H

#include <stdint.h>

#include "runtime/app/tasklet.h"
#include "tests/proc.h"

/* A trader on an ephemeral port (its address in p->line), extra options in
 * opts (NULL-terminated, or NULL). 0 or -1. */
int tf_start_trader(const char *dir, struct tp_proc *p, const char *name, const char *const *opts);
/* A container registered with trader t as name: 0 once the trader logged it. */
int tf_start_container(const char *dir, struct tp_proc *p, struct tp_proc *t, const char *name,
		       const char *const *opts);
/* A client of trader t (NULL, reason on stderr, on failure). */
struct tl_client *tf_client(const struct tp_proc *t);
/* Submit a Tasklet that loops n times and returns tag (Priority('True') if prio). */
int tf_submit_loop(struct tl_client *c, int prio, long n, int tag, uint64_t *id);
/* Loop iterations that take about ms milliseconds here (measured once). */
long tf_iters_for_ms(int ms);
/* Wait for each of id[0..n) (30 s each); how many ended OK; counts those that
 * ran on containers a and b in *on_a, *on_b (NULL: not counted). */
int tf_wait_all(struct tl_client *cl, const uint64_t *id, int n, const char *a, int *on_a,
		const char *b, int *on_b);
/* SIGTERM and reap: 1 when it exited 0 with no sanitizer report (else its log's end on stderr). */
int tf_stop_ok(struct tp_proc *p);
/* Submit source src as "q.jsl"; 0 or < 0 (message on stderr). */
int tf_submit_src(struct tl_client *c, const char *src, uint64_t *id);
/* Submit src and wait for it (20 s): tl_wait's return. */
int tf_run_one(struct tl_client *c, const char *src, struct tl_result *r);
/* A TCP listener on ip (IPv4), ephemeral port; "IP:PORT" into addr. The fd, or -1. */
int tf_listen(const char *ip, char *addr, size_t cap);
/* Send one CXP frame on a blocking socket. 0 or -1. */
int tf_send_frame(int fd, uint8_t type, uint64_t reqid, const void *p, size_t len);

#endif

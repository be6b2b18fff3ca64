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

/* ---- Both modes (tasklet-security(7)) ------------------------------------
 * The hostile-peer cases run once per mode: open (no certificates) and
 * secure (mutual TLS, certificates from the cluster CA). A case takes the
 * mode and reaches the daemons only through these helpers. */
enum tf_mode { TF_OPEN, TF_SECURE };

/*
 * The certificates of a test cluster, made under dir with `tasklet cert`
 * (and cxp_cert_make for the odd ones): CA "clusterca" issuing "trader",
 * "c1", "c2", "app" and "elsewhere" (a trader certificate under another
 * name); CA "foreignca" issuing "spy"; "expired" (clusterca, expired a day
 * ago) and "impostor" (self-signed, its subject claiming to be "clusterca").
 * 0, or -1 with the reason on stderr.
 */
int tf_pki(const char *dir);
/* "dir/name.ext" (one of 8 rotating static buffers). */
const char *tf_pem(const char *dir, const char *name, const char *ext);
/* Append to argv[*n] the options party ident needs in mode m (secure:
 * --cert/--key of ident, --ca clusterca); NULL-terminates within cap. */
void tf_mode_opts(enum tf_mode m, const char *dir, const char *ident, char **argv, int *n, int cap);
/* A trader in mode m (secure: identity "trader"), extra options in opts. */
int tf_start_trader_m(enum tf_mode m, const char *dir, struct tp_proc *p, const char *name,
		      const char *const *opts);
/* A container in mode m registered with t (open: --name name; secure: the
 * identity name, its certificate), with --verbose as tf_start_container: 0
 * once the trader logged it. */
int tf_start_container_m(enum tf_mode m, const char *dir, struct tp_proc *p, struct tp_proc *t,
			 const char *name, const char *const *opts);
/* `tasklet run FILE` against t as application "app" in mode m, with extra
 * options in opts (NULL or NULL-terminated): its exit status, its output
 * in out and err. */
int tf_run_m(enum tf_mode m, const char *dir, const struct tp_proc *t, const char *file,
	     const char *const *opts, char *out, size_t outcap, char *err, size_t errcap);

/* A hostile peer: plain TCP, or TLS (blocking mbedTLS) as some identity. */
struct tf_peer {
	int fd;
	void *tls;
};
/* Connect to addr: plain TCP when ident is NULL (in either mode), else TLS
 * as ident (dir/ident.crt, trusting clusterca) with the handshake done.
 * Sends and receives time out after 10 s. 0, or -1 (reason on stderr). */
int tf_peer_open(struct tf_peer *p, const char *addr, const char *dir, const char *ident);
/* The peer a mode's honest party would be: TLS as ident in secure mode, plain in open mode. */
int tf_peer_open_m(struct tf_peer *p, enum tf_mode m, const char *addr, const char *dir,
		   const char *ident);
/* Send all of b: 0, or -1 (the daemon closed it, or 10 s without progress). */
int tf_peer_send(struct tf_peer *p, const void *b, size_t n);
int tf_peer_send_frame(struct tf_peer *p, uint8_t type, uint64_t reqid, const void *payload,
		       size_t len);
/* Did the daemon close it within ms (what it sent meanwhile is discarded)? 1 or 0. */
int tf_peer_closed_within(struct tf_peer *p, int ms);
void tf_peer_close(struct tf_peer *p);

/* A daemon's resident set (KiB) and open descriptors, from /proc; -1 if gone. */
long tf_rss_kib(pid_t pid);
int tf_nfds(pid_t pid);
/* Wait (polling every 20 ms, up to ms) until pid has at most n descriptors,
 * or at most kib KiB resident: 0, or -1 at the deadline. */
int tf_wait_fds_at_most(pid_t pid, int n, int ms);
int tf_wait_rss_at_most(pid_t pid, long kib, int ms);

/* Accept (and close) connections on listening fd for ms: how many arrived. */
int tf_count_accepts(int fd, int ms);

#endif

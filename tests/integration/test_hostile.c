/* SPDX-License-Identifier: MIT */
/* Description: hostile peers against a real trader and container over real sockets, each case in
 * open and in secure mode (certificate cases in secure mode only): a rogue container, an
 * address-steering SUBMIT and ASSIGN, partial frames against the receive budget, connection caps
 * and descriptor exhaustion (clients fail fast), slow loris and idle peers, a peer that never
 * reads, expired, foreign-CA and forged certificates, the wrong transport, a replayed registration;
 * each refused while an honest Tasklet still runs, memory and descriptors back to their baseline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "tests/integration/fixture.h"
#include "tests/proc.h"
#include "tests/tl_test.h"
#include "vm/vm.h"

static char dir[128];
static char out[1 << 14], err[1 << 14];
static char hello[256];

#ifdef __SANITIZE_ADDRESS__
static char asan_saved[512], asan_opts[600];
static int had_asan;
#endif

static int suite_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* jemalloc gives freed pages back after a 10 s decay by default: here
	 * at once, so that "back to the baseline" shows in a second or two. The
	 * buffers freed are the same either way. */
	setenv("MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0", 1);
#ifdef __SANITIZE_ADDRESS__
	{
		/* AddressSanitizer holds freed blocks in a quarantine (256 MiB by
		 * default) that would look like the buffers kept: off for the
		 * daemons of this suite. */
		const char *o = getenv("ASAN_OPTIONS");

		snprintf(asan_saved, sizeof(asan_saved), "%s", o ? o : "");
		had_asan = o != NULL;
		snprintf(asan_opts, sizeof(asan_opts), "%s%squarantine_size_mb=0", o ? o : "",
			 o && *o ? ":" : "");
		setenv("ASAN_OPTIONS", asan_opts, 1);
	}
#endif
	if (tp_tmpdir(dir, sizeof(dir)) < 0 || tf_pki(dir) < 0)
		return -1;
	return tp_write_file(dir, "hello.jsl", "console.log('still served')\n6 * 7\n", hello,
			     sizeof(hello));
}

static int suite_clean(void)
{
	unsetenv("MALLOC_CONF");
#ifdef __SANITIZE_ADDRESS__
	if (had_asan)
		setenv("ASAN_OPTIONS", asan_saved, 1);
	else
		unsetenv("ASAN_OPTIONS");
#endif
	tp_rmdir(dir);
	return 0;
}

/*
 * What a daemon may keep after a case beyond its baseline (taken after one
 * honest Tasklet has run): allocator caches and the trader's response-time
 * windows. The sanitizers' allocators keep freed blocks in size classes and
 * add shadow memory for what was touched, so they get more.
 */
#ifdef __SANITIZE_ADDRESS__
#define RSS_TOL_KIB (24 * 1024)
#elif defined(__SANITIZE_THREAD__)
/* ThreadSanitizer's allocator keeps freed blocks for reuse and a shadow of
 * 4x what was touched: 120 refused TLS connections (about 100 KiB of TLS
 * state each) leave some 20 MiB there that a normal build gives back. */
#define RSS_TOL_KIB (48 * 1024)
#else
#define RSS_TOL_KIB (4 * 1024)
#endif

/* A trader and one container "c1" in one mode, with their baselines. */
struct cl {
	enum tf_mode m;
	struct tp_proc t, c;
	int fds_t, fds_c;
	long rss_t, rss_c;
};

/* `tasklet run hello.jsl` as the honest application of the mode: its exit status. */
static int run_hello(struct cl *k)
{
	return tf_run_m(k->m, dir, &k->t, hello, NULL, out, sizeof(out), err, sizeof(err));
}

static int honest_ok(struct cl *k)
{
	int rc = run_hello(k);

	if (rc != 0 || !strstr(out, "still served\n=> 42")) {
		fprintf(stderr, "\nthe honest Tasklet: exit %d: %s%s\n", rc, out, err);
		return 0;
	}
	return 1;
}

/* Start the cluster, run one honest Tasklet, take the baselines. */
static int cl_start(struct cl *k, enum tf_mode m, const char *const *topts,
		    const char *const *copts)
{
	memset(k, 0, sizeof(*k));
	k->m = m;
	if (tf_start_trader_m(m, dir, &k->t, m == TF_SECURE ? "t-sec" : "t-open", topts) < 0)
		return -1;
	if (tf_start_container_m(m, dir, &k->c, &k->t, "c1", copts) < 0) {
		tp_stop(&k->t, SIGKILL, 1000);
		return -1;
	}
	if (!honest_ok(k))
		return -1;
	/* the application's connection is gone once the trader has seen its close */
	tf_wait_fds_at_most(k->t.pid, tf_nfds(k->t.pid) - 1, 500);
	k->fds_t = tf_nfds(k->t.pid);
	k->fds_c = tf_nfds(k->c.pid);
	k->rss_t = tf_rss_kib(k->t.pid);
	k->rss_c = tf_rss_kib(k->c.pid);
	return 0;
}

/*
 * After a case: an honest Tasklet still runs, both daemons are alive, their
 * descriptors come back to the baseline and their memory within
 * RSS_TOL_KIB of it (each waited for with a deadline), and both stop
 * cleanly.
 */
static void cl_end(struct cl *k)
{
	CU_ASSERT_TRUE(tp_alive(&k->t) && tp_alive(&k->c));
	CU_ASSERT_TRUE(honest_ok(k));
	CU_ASSERT_EQUAL(tf_wait_fds_at_most(k->t.pid, k->fds_t, 5000), 0);
	CU_ASSERT_EQUAL(tf_wait_fds_at_most(k->c.pid, k->fds_c, 5000), 0);
	if (tf_wait_rss_at_most(k->t.pid, k->rss_t + RSS_TOL_KIB, 10000) < 0) {
		CU_FAIL("the trader's memory did not come back to its baseline");
		fprintf(stderr, "\ntrader RSS %ld KiB, baseline %ld KiB\n", tf_rss_kib(k->t.pid),
			k->rss_t);
	}
	if (tf_wait_rss_at_most(k->c.pid, k->rss_c + RSS_TOL_KIB, 10000) < 0) {
		CU_FAIL("the container's memory did not come back to its baseline");
		fprintf(stderr, "\ncontainer RSS %ld KiB, baseline %ld KiB\n", tf_rss_kib(k->c.pid),
			k->rss_c);
	}
	if (tf_nfds(k->t.pid) > k->fds_t)
		fprintf(stderr, "\ntrader: %d descriptors, baseline %d\n", tf_nfds(k->t.pid),
			k->fds_t);
	CU_ASSERT_TRUE(tf_stop_ok(&k->c));
	CU_ASSERT_TRUE(tf_stop_ok(&k->t));
}

/* Start `tasklet container` with argv tail (no wait): for rogues. */
static int start_rogue(struct tp_proc *p, const char *name, struct cl *k, const char *const *tail)
{
	/* --verbose: what it admits would show in its log */
	char *argv[24] = { (char *)tl_test_bin(), "container", "--trader", k->t.line, "--verbose" };
	int n = 5;

	for (; tail && *tail && n < 23; tail++)
		argv[n++] = (char *)*tail;
	argv[n] = NULL;
	return tp_start(p, dir, name, NULL, argv);
}

/* ---- The rogue container ------------------------------------------------- */

/*
 * A second container calling itself c1 (price 0, to attract everything) is
 * refused while c1 is registered; in secure mode so are containers with no
 * certificate or one from a foreign CA. The trader never registers a
 * second c1, and the honest Tasklet runs on the real one.
 */
static void case_rogue_container(enum tf_mode m)
{
	struct cl k;
	struct tp_proc r1, r2, r3;
	int fails0;

	CU_ASSERT_FATAL(cl_start(&k, m, NULL, NULL) == 0);
	fails0 = tp_log_count(&k.t, "TLS handshake failed");
	if (m == TF_OPEN) {
		const char *o[] = {"--name", "c1", "--price", "0", NULL};

		CU_ASSERT_FATAL(start_rogue(&r1, "rogue-c1", &k, o) == 0);
		CU_ASSERT_EQUAL(tp_wait_log(&r1, "is registered already", 10000), 0);
	} else {
		const char *same[] = {
		    "--cert", tf_pem(dir, "c1", "crt"),	       "--key", tf_pem(dir, "c1", "key"),
		    "--ca",   tf_pem(dir, "clusterca", "crt"), NULL};
		const char *plain[] = {"--name", "c1", "--price", "0", NULL};
		const char *spy[] = {
		    "--cert", tf_pem(dir, "spy", "crt"),       "--key", tf_pem(dir, "spy", "key"),
		    "--ca",   tf_pem(dir, "clusterca", "crt"), NULL};

		CU_ASSERT_FATAL(start_rogue(&r1, "rogue-c1", &k, same) == 0);
		CU_ASSERT_EQUAL(tp_wait_log(&r1, "is registered already", 10000), 0);
		CU_ASSERT_FATAL(start_rogue(&r2, "rogue-plain", &k, plain) == 0);
		CU_ASSERT_FATAL(start_rogue(&r3, "rogue-spy", &k, spy) == 0);
		/* one refused handshake each, at least */
		for (uint64_t end = clock_now_ms() + 10000;
		     tp_log_count(&k.t, "TLS handshake failed") < fails0 + 2 &&
		     clock_now_ms() < end;)
			usleep(20000);
		CU_ASSERT_TRUE(tp_log_count(&k.t, "TLS handshake failed") >= fails0 + 2);
		CU_ASSERT_TRUE(tp_log_count(&k.t, "is not correctly signed by the trusted CA") >=
			       1);
	}
	CU_ASSERT_EQUAL(tp_log_count(&k.t, " registered from"), 1);
	{
		int adm = tp_log_count(&k.c, "admitted");

		CU_ASSERT_TRUE(honest_ok(&k));
		CU_ASSERT_EQUAL(tp_log_count(&k.c, "admitted"), adm + 1); /* on the real c1 */
	}
	CU_ASSERT_EQUAL(tp_log_count(&r1, "admitted"), 0);
	tp_stop(&r1, SIGKILL, 2000);
	if (m == TF_SECURE) {
		tp_stop(&r2, SIGKILL, 2000);
		tp_stop(&r3, SIGKILL, 2000);
	}
	cl_end(&k);
}

/* ---- Address steering ---------------------------------------------------- */

/*
 * A SUBMIT naming another host's address (127.0.0.2, where a "victim"
 * listens) as the application's, sent by an application the mode accepts:
 * the trader keeps the port only and takes the host the SUBMIT came from,
 * so the container never connects to the victim. The same for an ASSIGN
 * sent straight to the container's --listen endpoint.
 */
static void case_address_steering(enum tf_mode m)
{
	const char *co[] = {"--listen", "127.0.0.1:0", NULL};
	struct vm_sig s = {.tasklet_id = 0xbad1, .root = 77, .seed = 1};
	uint8_t buf[CXP_SIG_MAX_ENCODED];
	struct tf_peer p;
	struct cxp_wbuf w;
	char victim[64];
	struct cl k;
	int vfd, n;

	vfd = tf_listen("127.0.0.2", victim, sizeof(victim));
	if (vfd < 0) {
		TL_SKIP("cannot listen on 127.0.0.2 (no loopback range here)");
		return;
	}
	CU_ASSERT_FATAL(cl_start(&k, m, NULL, co) == 0);
	CU_ASSERT_EQUAL_FATAL(tp_first_line(&k.c, 15000), 0); /* its --listen address */
	snprintf(s.app_addr, sizeof(s.app_addr), "%s", victim);
	if (m == TF_SECURE)
		snprintf(s.app_cn, sizeof(s.app_cn), "app");
	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	n = cxp_sig_encode(&w, &s);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_FATAL(tf_peer_open_m(&p, m, k.t.line, dir, "app") == 0);
	CU_ASSERT_FATAL(tf_peer_send_frame(&p, CXP_MSG_SUBMIT, 0xbad1, buf, (size_t)n) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "error for tasklet 000000000000bad1", 15000), 0);
	tf_peer_close(&p);
	s.tasklet_id = 0xbad2;
	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	n = cxp_sig_encode(&w, &s);
	CU_ASSERT_FATAL(tf_peer_open_m(&p, m, k.c.line, dir, "app") == 0);
	CU_ASSERT_FATAL(tf_peer_send_frame(&p, CXP_MSG_ASSIGN, 0xbad2, buf, (size_t)n) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&k.c, "tasklet 000000000000bad2 failed before running", 15000),
			0);
	tf_peer_close(&p);
	CU_ASSERT_EQUAL(tf_count_accepts(vfd, 200), 0);
	CU_ASSERT_EQUAL(tp_log_count(&k.c, "127.0.0.2"), 0);
	close(vfd);
	cl_end(&k);
}

/* ---- Memory: partial frames, a peer that never reads ------------------- */

/*
 * 16 peers each announce a 4 MiB SUBMIT and send 4 MiB - 1 bytes of it (64
 * MiB if the trader kept it all); in secure mode they are authenticated
 * applications, over TLS. The trader's receive budget (--rx-budget 8)
 * closes the ones holding the most: its memory grows by the budget and
 * little more, and an honest Tasklet is served while they hold on.
 */
#ifdef __SANITIZE_ADDRESS__
#define RSS_SLACK_KIB (32 * 1024)
#else
#define RSS_SLACK_KIB (16 * 1024)
#endif
static void case_partial_frames(enum tf_mode m)
{
	enum { N = 16, BODY = CXP_MAX_PAYLOAD - 1 };
	const char *to[] = {"--rx-budget", "8", NULL};
	static uint8_t body[BODY];
	struct tf_peer p[N];
	struct cl k;
	long rss1;

	CU_ASSERT_FATAL(cl_start(&k, m, to, NULL) == 0);
	memset(body, 'x', sizeof(body));
	for (int i = 0; i < N; i++) {
		struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = CXP_MAX_PAYLOAD, .reqid = 1 };
		uint8_t hb[CXP_HDR_SIZE];

		CU_ASSERT_FATAL(tf_peer_open_m(&p[i], m, k.t.line, dir, "app") == 0);
		cxp_hdr_encode(&h, hb);
		CU_ASSERT_EQUAL(tf_peer_send(&p[i], hb, sizeof(hb)), 0);
		(void)tf_peer_send(&p[i], body, sizeof(body)); /* the budget may close it: fine */
	}
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "the receive-memory budget", 10000), 0);
	rss1 = tf_rss_kib(k.t.pid);
	/* the budget, per connection 64 KiB (and TLS's ~100 KiB), and slack */
	CU_ASSERT_TRUE(rss1 - k.rss_t < 8 * 1024 + N * 192 + RSS_SLACK_KIB);
	if (rss1 - k.rss_t >= 8 * 1024 + N * 192 + RSS_SLACK_KIB)
		fprintf(stderr, "\ntrader RSS grew %ld KiB\n", rss1 - k.rss_t);
	CU_ASSERT_TRUE(honest_ok(&k));
	for (int i = 0; i < N; i++)
		tf_peer_close(&p[i]);
	cl_end(&k);
}

/*
 * A peer (an authenticated application in secure mode) that sends request
 * after request of type type to the daemon at addr (pid) and never reads an
 * answer: the daemon stops buffering answers for it at 1 MiB and closes it,
 * its memory never grows by more than a few MiB, and an honest Tasklet is
 * served while the peer holds its unread answers.
 */
static void flood_unread(struct cl *k, const char *addr, pid_t pid, struct tp_proc *log,
			 uint8_t type)
{
	enum { REQ = CXP_HDR_SIZE + 8, BATCH = 4096 };
	static uint8_t batch[REQ * BATCH];
	struct tf_peer p;
	long peak = 0, base = tf_rss_kib(pid);
	size_t sent = 0;
	int closed = 0, served = 0;

	/* requests with a truncated signature: each answered with an ERROR */
	for (int i = 0; i < BATCH; i++) {
		struct cxp_hdr h = {.type = type, .len = 8, .reqid = (uint64_t)i + 1};

		cxp_hdr_encode(&h, batch + (size_t)i * REQ);
		memset(batch + (size_t)i * REQ + CXP_HDR_SIZE, 0, 8);
	}
	CU_ASSERT_FATAL(tf_peer_open_m(&p, k->m, addr, dir, "app") == 0);
	/* 16 MiB of requests would be 64 MiB of answers and more */
	while (sent < (16u << 20)) {
		long r;

		if (tf_peer_send(&p, batch, sizeof(batch)) < 0) {
			closed = 1;
			break;
		}
		sent += sizeof(batch);
		r = tf_rss_kib(pid);
		peak = r > peak ? r : peak;
		if (!served && sent >= (256u << 10)) {
			/* the peer holds unread answers now: others are still served */
			CU_ASSERT_TRUE(honest_ok(k));
			served = 1;
		}
	}
	if (!closed)
		closed = tf_peer_closed_within(&p, 5000);
	CU_ASSERT_TRUE(closed);
	CU_ASSERT_TRUE(served);
	CU_ASSERT_TRUE(sent < (16u << 20));
	CU_ASSERT_TRUE(peak - base < 8 * 1024 + RSS_TOL_KIB);
	if (peak - base >= 8 * 1024 + RSS_TOL_KIB)
		fprintf(stderr, "\n%s: RSS grew %ld KiB for a peer that never reads\n", addr,
			peak - base);
	CU_ASSERT_EQUAL(tp_wait_log(log, "does not read the answers", 5000), 0);
	tf_peer_close(&p);
}

/* Against the trader (SUBMITs) and the container's --listen endpoint (ASSIGNs). */
static void case_never_reads(enum tf_mode m)
{
	const char *co[] = {"--listen", "127.0.0.1:0", NULL};
	struct cl k;

	CU_ASSERT_FATAL(cl_start(&k, m, NULL, co) == 0);
	CU_ASSERT_EQUAL_FATAL(tp_first_line(&k.c, 15000), 0); /* its --listen address */
	flood_unread(&k, k.t.line, k.t.pid, &k.t, CXP_MSG_SUBMIT);
	flood_unread(&k, k.c.line, k.c.pid, &k.c, CXP_MSG_ASSIGN);
	cl_end(&k);
}

/* ---- Descriptors --------------------------------------------------------- */

/*
 * 40 idle connections from one address against --max-conns-per-addr 32:
 * the trader refuses the rest; an application from that address fails at
 * once (exit status 1 or 2, within tasklet(1)'s 5 s), saying it was
 * refused; once the idle ones go it is served again.
 */
static void case_connection_cap(enum tf_mode m)
{
	enum { N = 40 };
	const char *to[] = { "--max-conns-per-addr", "32", NULL };
	struct tf_peer p[N];
	struct cl k;
	uint64_t t0;
	int rc;

	CU_ASSERT_FATAL(cl_start(&k, m, to, NULL) == 0);
	for (int i = 0; i < N; i++)
		CU_ASSERT_FATAL(tf_peer_open(&p[i], k.t.line, dir, NULL) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "from that address (the limit)", 10000), 0);
	t0 = clock_now_ms();
	rc = run_hello(&k);
	CU_ASSERT_TRUE(rc == 1 || rc == 2);
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refuse"));
	for (int i = 0; i < N; i++)
		tf_peer_close(&p[i]);
	cl_end(&k);
}

/*
 * The trader out of descriptors (RLIMIT_NOFILE 96, caps lifted): 120 idle
 * connections take all it has; the ones it cannot accept are accepted on a
 * spare descriptor and closed at once, so an application fails fast with
 * the reason instead of hanging in the backlog; once they go it is served.
 */
static void case_descriptor_exhaustion(enum tf_mode m)
{
	enum { N = 120 };
	const char *to[] = {"--max-conns", "4096", "--max-conns-per-addr", "4096", NULL};
	struct rlimit old, low;
	struct tf_peer p[N];
	struct cl k;
	uint64_t t0;
	int rc, ok;

	CU_ASSERT_FATAL(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low = old;
	low.rlim_cur = 96;
	/* the daemons inherit the limit; the test process has it back at once */
	CU_ASSERT_FATAL(setrlimit(RLIMIT_NOFILE, &low) == 0);
	ok = cl_start(&k, m, to, NULL) == 0;
	setrlimit(RLIMIT_NOFILE, &old);
	CU_ASSERT_FATAL(ok);
	for (int i = 0; i < N; i++)
		CU_ASSERT_FATAL(tf_peer_open(&p[i], k.t.line, dir, NULL) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "out of file descriptors", 10000), 0);
	t0 = clock_now_ms();
	rc = run_hello(&k);
	CU_ASSERT_TRUE(rc == 1 || rc == 2);
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refuse"));
	if (!strstr(err, "refuse"))
		fprintf(stderr, "\nrefused application said: %s\n", err);
	for (int i = 0; i < N; i++)
		tf_peer_close(&p[i]);
	cl_end(&k);
}

/* ---- Time: slow loris, idle ---------------------------------------------- */

/*
 * --read-timeout 1000 --idle-timeout 1000: a frame that trickles in a byte
 * every 150 ms (in secure mode inside TLS, one record a byte, from an
 * authenticated application), a connection that says nothing, and in
 * secure mode a handshake that trickles in: each is closed.
 */
static void case_slow_loris_and_idle(enum tf_mode m)
{
	const char *to[] = {"--read-timeout", "1000", "--idle-timeout", "1000", NULL};
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 100, .reqid = 1 };
	uint8_t hb[CXP_HDR_SIZE];
	struct tf_peer loris, idle, hs;
	struct cl k;
	int closed = 0;

	CU_ASSERT_FATAL(cl_start(&k, m, to, NULL) == 0);
	CU_ASSERT_FATAL(tf_peer_open_m(&loris, m, k.t.line, dir, "app") == 0);
	CU_ASSERT_FATAL(tf_peer_open(&idle, k.t.line, dir, NULL) == 0);
	CU_ASSERT_FATAL(tf_peer_open(&hs, k.t.line, dir, NULL) == 0);
	cxp_hdr_encode(&h, hb);
	if (m == TF_SECURE) {
		/* the start of a TLS 1.2 ClientHello record, a byte at a time */
		static const uint8_t ch[] = {0x16, 0x03, 0x01, 0x00, 0x80, 0x01, 0x00, 0x00,
					     0x7c, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00};

		for (size_t i = 0; i < sizeof(ch) && !closed; i++) {
			(void)tf_peer_send(&hs, ch + i, 1);
			closed = tf_peer_closed_within(&hs, 150);
		}
		CU_ASSERT_TRUE(closed || tf_peer_closed_within(&hs, 3000));
		closed = 0;
	}
	for (size_t i = 0; i < sizeof(hb) && !closed; i++) {
		if (tf_peer_send(&loris, hb + i, 1) < 0)
			break;
		closed = tf_peer_closed_within(&loris, 150);
	}
	CU_ASSERT_TRUE(closed || tf_peer_closed_within(&loris, 3000));
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "did not complete within 1000 ms", 3000), 0);
	CU_ASSERT_TRUE(tf_peer_closed_within(&idle, 3000));
	CU_ASSERT_EQUAL(tp_wait_log(&k.t, "idle for 1000 ms", 3000), 0);
	tf_peer_close(&loris);
	tf_peer_close(&idle);
	tf_peer_close(&hs);
	cl_end(&k);
}

/* ---- Certificates (secure mode only) ------------------------------------ */

/*
 * Applications and containers with an expired certificate, one from a
 * foreign CA, and one from an impostor CA that calls itself clusterca: each
 * fails the handshake (applications at once, exit status 2), none
 * registers, and the trader says why.
 */
static void case_bad_certificates(enum tf_mode m)
{
	static const char *const bad[] = {"expired", "spy", "imp/impostor"};
	static const char *const why[] = {"has expired", "not correctly signed",
					  "not correctly signed"};
	struct tp_proc rc[3];
	struct cl k;

	(void)m;
	CU_ASSERT_FATAL(cl_start(&k, TF_SECURE, NULL, NULL) == 0);
	for (int i = 0; i < 3; i++) {
		const char *o[] = {
		    "--cert", tf_pem(dir, bad[i], "crt"),      "--key", tf_pem(dir, bad[i], "key"),
		    "--ca",   tf_pem(dir, "clusterca", "crt"), NULL};
		uint64_t t0 = clock_now_ms();
		/* as the open-mode application plus these options: no other identity */
		int st = tf_run_m(TF_OPEN, dir, &k.t, hello, o, out, sizeof(out), err, sizeof(err));

		CU_ASSERT_EQUAL(st, 2);
		CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
		if (st != 2)
			fprintf(stderr, "\n%s: exit %d: %s\n", bad[i], st, err);
		CU_ASSERT_TRUE(tp_wait_log(&k.t, why[i], 5000) == 0);
		CU_ASSERT_FATAL(
		    start_rogue(&rc[i], bad[i][0] == 'i' ? "impostor" : bad[i], &k, o) == 0);
	}
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(tp_wait_log(&rc[i], "TLS handshake failed", 10000), 0);
		tp_stop(&rc[i], SIGKILL, 2000);
	}
	CU_ASSERT_EQUAL(tp_log_count(&k.t, " registered from"), 1);
	cl_end(&k);
}

/* ---- The wrong transport ------------------------------------------------- */

/*
 * Open mode: a TLS application at the plain trader fails at once. Secure
 * mode: a plain application at the TLS trader fails at once, and plain CXP
 * frames at its port are answered with a close and a logged reason.
 */
static void case_wrong_transport(enum tf_mode m)
{
	struct cl k;
	uint64_t t0;
	int rc;

	CU_ASSERT_FATAL(cl_start(&k, m, NULL, NULL) == 0);
	t0 = clock_now_ms();
	if (m == TF_OPEN) {
		const char *o[] = {
		    "--cert", tf_pem(dir, "app", "crt"),       "--key", tf_pem(dir, "app", "key"),
		    "--ca",   tf_pem(dir, "clusterca", "crt"), NULL};

		rc = tf_run_m(m, dir, &k.t, hello, o, out, sizeof(out), err, sizeof(err));
		CU_ASSERT_TRUE(rc == 1 || rc == 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not speak TLS"));
		CU_ASSERT_EQUAL(tp_wait_log(&k.t, "a TLS client on a plain CXP port", 5000), 0);
	} else {
		struct tf_peer p;

		rc = tf_run_m(TF_OPEN, dir, &k.t, hello, NULL, out, sizeof(out), err, sizeof(err));
		CU_ASSERT_EQUAL(rc, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "secure (--cert) mode"));
		CU_ASSERT_FATAL(tf_peer_open(&p, k.t.line, dir, NULL) == 0);
		CU_ASSERT_EQUAL(tf_peer_send_frame(&p, CXP_MSG_SUBMIT, 1, "xxxxxxxx", 8), 0);
		CU_ASSERT_TRUE(tf_peer_closed_within(&p, 5000));
		CU_ASSERT_EQUAL(tp_wait_log(&k.t, "plain CXP", 5000), 0);
		tf_peer_close(&p);
	}
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 10000);
	cl_end(&k);
}

/* ---- A replayed registration --------------------------------------------- */

/* A TCP relay between a container and the trader that keeps (up to cap)
 * what the container sent. */
struct relay {
	int lfd, stop[2];
	char addr[64];
	const char *to;
	uint8_t rec[64 << 10];
	size_t nrec;
	pthread_t th;
	pthread_mutex_t mu;
};

static void *relay_main(void *arg)
{
	struct relay *r = arg;
	struct tf_peer up;
	int a = -1;

	for (;;) {
		struct pollfd pf[3] = {{.fd = r->stop[0], .events = POLLIN},
				       {.fd = a < 0 ? r->lfd : a, .events = POLLIN},
				       {.fd = a < 0 ? -1 : up.fd, .events = POLLIN}};
		uint8_t b[16384];
		ssize_t n;

		if (poll(pf, 3, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		if (a < 0) {
			if (!(pf[1].revents & POLLIN))
				continue;
			a = accept(r->lfd, NULL, NULL);
			if (a >= 0 && tf_peer_open(&up, r->to, NULL, NULL) < 0) {
				close(a);
				a = -1;
			}
			continue;
		}
		if (pf[1].revents) {
			n = recv(a, b, sizeof(b), 0);
			if (n <= 0)
				break;
			pthread_mutex_lock(&r->mu);
			if (r->nrec + (size_t)n <= sizeof(r->rec)) {
				memcpy(r->rec + r->nrec, b, (size_t)n);
				r->nrec += (size_t)n;
			}
			pthread_mutex_unlock(&r->mu);
			if (send(up.fd, b, (size_t)n, MSG_NOSIGNAL) != n)
				break;
		}
		if (pf[2].revents) {
			n = recv(up.fd, b, sizeof(b), 0);
			if (n <= 0 || send(a, b, (size_t)n, MSG_NOSIGNAL) != n)
				break;
		}
	}
	if (a >= 0) {
		close(a);
		tf_peer_close(&up);
	}
	return NULL;
}

/*
 * Container c2 registers through a relay that records its bytes; they are
 * sent again, as they were, on a fresh connection while c2 is registered.
 * Open mode: the REGISTER names a container that is registered already and
 * is refused. Secure mode: the recorded handshake cannot be finished (the
 * trader's random differs), so the connection ends at the handshake. Either
 * way the connection is closed and c2 is registered once.
 */
static void case_replayed_registration(enum tf_mode m)
{
	static struct relay r;
	struct tp_proc c2;
	struct tf_peer p;
	struct cl k;
	int fails0;

	CU_ASSERT_FATAL(cl_start(&k, m, NULL, NULL) == 0);
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	r.to = k.t.line;
	r.lfd = tf_listen("127.0.0.1", r.addr, sizeof(r.addr));
	CU_ASSERT_FATAL(r.lfd >= 0 && pipe(r.stop) == 0);
	CU_ASSERT_FATAL(pthread_create(&r.th, NULL, relay_main, &r) == 0);
	{
		struct tp_proc via = {0};

		snprintf(via.line, sizeof(via.line), "%s", r.addr);
		via.pid = k.t.pid;
		snprintf(via.log, sizeof(via.log), "%s", k.t.log);
		CU_ASSERT_FATAL(tf_start_container_m(m, dir, &c2, &via, "c2", NULL) == 0);
	}
	fails0 = tp_log_count(&k.t, "TLS handshake failed");
	CU_ASSERT_FATAL(tf_peer_open(&p, k.t.line, dir, NULL) == 0);
	pthread_mutex_lock(&r.mu);
	CU_ASSERT_TRUE(r.nrec > CXP_HDR_SIZE);
	(void)tf_peer_send(&p, r.rec, r.nrec);
	pthread_mutex_unlock(&r.mu);
	CU_ASSERT_TRUE(tf_peer_closed_within(&p, 10000));
	tf_peer_close(&p);
	if (m == TF_OPEN) {
		CU_ASSERT_EQUAL(
		    tp_wait_log(&k.t, "a container named 'c2' is registered already", 5000), 0);
	} else {
		CU_ASSERT_TRUE(tp_log_count(&k.t, "TLS handshake failed") > fails0);
	}
	CU_ASSERT_EQUAL(tp_log_count(&k.t, "container c2 registered"), 1);
	CU_ASSERT_TRUE(tf_stop_ok(&c2));
	CU_ASSERT_EQUAL(write(r.stop[1], "x", 1), 1);
	pthread_join(r.th, NULL);
	close(r.lfd);
	close(r.stop[0]);
	close(r.stop[1]);
	pthread_mutex_destroy(&r.mu);
	cl_end(&k);
}

/* Each case once per mode it applies to. */
#define BOTH(fn)                                                                                   \
	static void fn##_open(void)                                                                \
	{                                                                                          \
		fn(TF_OPEN);                                                                       \
	}                                                                                          \
	static void fn##_secure(void)                                                              \
	{                                                                                          \
		fn(TF_SECURE);                                                                     \
	}
BOTH(case_rogue_container)
BOTH(case_address_steering)
BOTH(case_partial_frames)
BOTH(case_never_reads)
BOTH(case_connection_cap)
BOTH(case_descriptor_exhaustion)
BOTH(case_slow_loris_and_idle)
BOTH(case_wrong_transport)
BOTH(case_replayed_registration)
static void case_bad_certificates_secure(void)
{
	case_bad_certificates(TF_SECURE);
}

TL_SUITE(x_hostile, suite_init, suite_clean,
	 {"open: a rogue container named like a registered one refused", case_rogue_container_open},
	 {"secure: rogue containers (same name, no certificate, foreign CA) refused",
	  case_rogue_container_secure},
	 {"open: a SUBMIT or ASSIGN steering a container to another host does not",
	  case_address_steering_open},
	 {"secure: a SUBMIT or ASSIGN steering a container to another host does not",
	  case_address_steering_secure},
	 {"open: 4 MiB-1 partial frames held to the receive budget", case_partial_frames_open},
	 {"secure: 4 MiB-1 partial frames over TLS held to the receive budget",
	  case_partial_frames_secure},
	 {"open: a peer that never reads is closed by trader and container, memory bounded",
	  case_never_reads_open},
	 {"secure: a TLS peer that never reads is closed by trader and container, memory "
	  "bounded",
	  case_never_reads_secure},
	 {"open: past the per-address cap an application fails at once", case_connection_cap_open},
	 {"secure: past the per-address cap an application fails at once",
	  case_connection_cap_secure},
	 {"open: out of descriptors an application fails at once", case_descriptor_exhaustion_open},
	 {"secure: out of descriptors an application fails at once",
	  case_descriptor_exhaustion_secure},
	 {"open: slow loris and idle connections closed", case_slow_loris_and_idle_open},
	 {"secure: slow loris (handshake and frame) and idle connections closed",
	  case_slow_loris_and_idle_secure},
	 {"secure (certificates): expired, foreign-CA and forged certificates refused",
	  case_bad_certificates_secure},
	 {"open: a TLS client at the plain port fails at once", case_wrong_transport_open},
	 {"secure: plain CXP at the TLS port refused", case_wrong_transport_secure},
	 {"open: a replayed registration refused", case_replayed_registration_open},
	 {"secure: a replayed registration refused", case_replayed_registration_secure})

/* SPDX-License-Identifier: MIT */
/* Description: hostile peers against a real trader, over real sockets: partial frames against the receive-memory budget, connections past the per-address cap (an application fails at once, then works again), a slow-loris frame, an idle connection, a peer with a certificate from a foreign CA and a TLS client at a plain port; each refused with a logged reason while honest work goes on, memory and descriptors back to their baseline. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "tests/integration/fixture.h"
#include "tests/proc.h"
#include "tests/tl_test.h"

static char dir[128];
static char out[1 << 14], err[1 << 14];
static char hello[256];

static int suite_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (tp_tmpdir(dir, sizeof(dir)) < 0)
		return -1;
	return tp_write_file(dir, "hello.jsl", "console.log('still served')\n6 * 7\n", hello,
			     sizeof(hello));
}

static int suite_clean(void)
{
	tp_rmdir(dir);
	return 0;
}

/* The resident set of pid in KiB, or -1. */
static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* How many descriptors pid has open, or -1. */
static int nfds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Wait (up to ms) until pid has at most n descriptors: 0 or -1. */
static int wait_fds_at_most(pid_t pid, int n, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	do {
		if (nfds(pid) <= n)
			return 0;
		usleep(20000);
	} while (clock_now_ms() < end);
	return -1;
}

static int connect_to(const char *addr)
{
	struct sockaddr_storage ss;
	unsigned sl;
	int fd;

	if (cxp_addr_parse(addr, &ss, &sl) < 0)
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Is fd closed by the peer within ms? 1 yes, 0 no. */
static int closed_within(int fd, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;
	char b[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - clock_now_ms());

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
		ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
	}
}

/* `tasklet run` of hello.jsl against trader t: its exit status. */
static int run_hello(const struct tp_proc *t)
{
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", (char *)t->line, hello, NULL };

	return tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000);
}

/*
 * 24 peers each announce a 4 MiB SUBMIT and send 3 MiB of it (72 MiB if
 * the trader kept it all): the trader's receive budget (--rx-budget 8)
 * closes the ones holding the most, its memory grows by the budget and
 * little more, an honest Tasklet is served meanwhile, and once the peers go
 * its descriptors are back where they were.
 */
#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer's shadow memory and its quarantine of freed blocks (off
 * for the trader here) make RSS grow more for the same buffers. */
#define RSS_SLACK_KIB (32 * 1024)
#else
#define RSS_SLACK_KIB (16 * 1024)
#endif
static void test_partial_frames_bounded(void)
{
	enum { N = 24, BODY = 3 << 20 };
	const char *to[] = { "--rx-budget", "8", NULL };
	const char *co[] = { "--workers", "1", NULL };
	struct tp_proc t, c;
	static uint8_t body[BODY];
	int fd[N], base_fds;
	long rss0, rss1;

#ifdef __SANITIZE_ADDRESS__
	setenv("ASAN_OPTIONS", "quarantine_size_mb=0", 1);
#endif
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-rx", to) == 0);
#ifdef __SANITIZE_ADDRESS__
	unsetenv("ASAN_OPTIONS");
#endif
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-rx", co) == 0);
	base_fds = nfds(t.pid);
	rss0 = rss_kib(t.pid);
	memset(body, 'x', sizeof(body));
	for (int i = 0; i < N; i++) {
		struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = CXP_MAX_PAYLOAD, .reqid = 1 };
		uint8_t hb[CXP_HDR_SIZE];

		fd[i] = connect_to(t.line);
		CU_ASSERT_FATAL(fd[i] >= 0);
		cxp_hdr_encode(&h, hb);
		CU_ASSERT_EQUAL(send(fd[i], hb, sizeof(hb), MSG_NOSIGNAL), (ssize_t)sizeof(hb));
		/* a closed peer (the budget) makes send fail: fine */
		(void)!send(fd[i], body, sizeof(body), MSG_NOSIGNAL);
	}
	CU_ASSERT_EQUAL(tp_wait_log(&t, "the receive-memory budget", 10000), 0);
	rss1 = rss_kib(t.pid);
	/* 8 MiB of budget, 64 KiB per connection beyond it, and slack for the rest */
	CU_ASSERT_TRUE(rss1 - rss0 < 8 * 1024 + N * 64 + RSS_SLACK_KIB);
	if (rss1 - rss0 >= 8 * 1024 + N * 64 + RSS_SLACK_KIB)
		fprintf(stderr, "\ntrader RSS grew %ld KiB\n", rss1 - rss0);
	CU_ASSERT_EQUAL(run_hello(&t), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "still served\n=> 42"));
	for (int i = 0; i < N; i++)
		close(fd[i]);
	CU_ASSERT_EQUAL(wait_fds_at_most(t.pid, base_fds, 5000), 0);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * 40 idle connections from one address against --max-conns-per-addr 32: the
 * trader refuses the rest with a reason; an application from that address
 * fails at once, saying why (not after a time-out); when the idle ones go,
 * it is served again.
 */
static void test_connection_cap_fails_fast(void)
{
	enum { N = 40 };
	const char *to[] = { "--max-conns-per-addr", "32", NULL };
	struct tp_proc t, c;
	int fd[N], base_fds;
	uint64_t t0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-cap", to) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-cap", NULL) == 0);
	base_fds = nfds(t.pid);
	for (int i = 0; i < N; i++) {
		fd[i] = connect_to(t.line);
		CU_ASSERT_FATAL(fd[i] >= 0);
	}
	CU_ASSERT_EQUAL(tp_wait_log(&t, "refused", 10000), 0);
	t0 = clock_now_ms();
	CU_ASSERT_EQUAL(run_hello(&t), 1);
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refuses the connection"));
	for (int i = 0; i < N; i++)
		close(fd[i]);
	CU_ASSERT_EQUAL(wait_fds_at_most(t.pid, base_fds, 5000), 0);
	CU_ASSERT_EQUAL(run_hello(&t), 0);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * --read-timeout 400 and --idle-timeout 400: a frame that trickles in a
 * byte at a time (slow loris) and a connection that says nothing are both
 * closed, each with its reason in the log.
 */
static void test_slow_loris_and_idle(void)
{
	const char *to[] = { "--read-timeout", "400", "--idle-timeout", "400", NULL };
	struct tp_proc t;
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 100, .reqid = 1 };
	uint8_t hb[CXP_HDR_SIZE];
	int loris, idle, closed = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-loris", to) == 0);
	loris = connect_to(t.line);
	idle = connect_to(t.line);
	CU_ASSERT_FATAL(loris >= 0 && idle >= 0);
	cxp_hdr_encode(&h, hb);
	for (size_t i = 0; i < sizeof(hb) && !closed; i++) {
		(void)!send(loris, hb + i, 1, MSG_NOSIGNAL);
		closed = closed_within(loris, 100);
	}
	if (!closed)
		closed = closed_within(loris, 3000);
	CU_ASSERT_TRUE(closed);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "did not complete within 400 ms", 3000), 0);
	CU_ASSERT_TRUE(closed_within(idle, 3000));
	CU_ASSERT_EQUAL(tp_wait_log(&t, "idle for 400 ms", 3000), 0);
	close(loris);
	close(idle);
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * TLS: an application whose certificate comes from a CA the trader does not
 * trust fails at once; a TLS client at a plain port fails at once; the
 * trader logs the reason and goes on.
 */
static void test_foreign_ca_and_wrong_transport(void)
{
	char ca[256];
	struct tp_proc ts, tp;
	uint64_t t0;

	{
		const char *names[][2] = { { "cluster", NULL }, { "foreign", NULL } };

		for (int i = 0; i < 2; i++) {
			char *a[] = { (char *)tl_test_bin(), "cert", "ca", "--name",
				      (char *)names[i][0], "--out", dir, NULL };

			CU_ASSERT_FATAL(tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 20000) == 0);
		}
	}
	{
		const char *iss[][2] = { { "cluster", "tr" }, { "foreign", "spy" }, { "cluster", "me" } };

		for (int i = 0; i < 3; i++) {
			char *a[] = { (char *)tl_test_bin(), "cert", "issue", "--ca", ca, "--name",
				      (char *)iss[i][1], "--out", dir, NULL };

			snprintf(ca, sizeof(ca), "%s/%s", dir, iss[i][0]);
			CU_ASSERT_FATAL(tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 20000) == 0);
		}
	}
	{
		char c1[300], k1[300], a1[300];
		const char *o[] = { "--cert", c1, "--key", k1, "--ca", a1, NULL };

		snprintf(c1, sizeof(c1), "%s/tr.crt", dir);
		snprintf(k1, sizeof(k1), "%s/tr.key", dir);
		snprintf(a1, sizeof(a1), "%s/cluster.crt", dir);
		CU_ASSERT_FATAL(tf_start_trader(dir, &ts, "t-tls", o) == 0);
	}
	CU_ASSERT_FATAL(tf_start_trader(dir, &tp, "t-plain", NULL) == 0);
	{
		char c2[300], k2[300], a2[300];
		char *a[] = { (char *)tl_test_bin(), "run", "--trader", ts.line, "--cert", c2, "--key",
			      k2, "--ca", a2, hello, NULL };

		/* the spy trusts the cluster CA, but its own certificate is foreign */
		snprintf(c2, sizeof(c2), "%s/spy.crt", dir);
		snprintf(k2, sizeof(k2), "%s/spy.key", dir);
		snprintf(a2, sizeof(a2), "%s/cluster.crt", dir);
		t0 = clock_now_ms();
		/* exit 2: the application cannot start (tasklet(1)), saying why */
		CU_ASSERT_EQUAL(tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 30000), 2);
		CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "does it trust our certificate?"));
		CU_ASSERT_EQUAL(tp_wait_log(&ts, "is not correctly signed by the trusted CA", 5000), 0);
		/* a TLS client at the plain trader */
		snprintf(c2, sizeof(c2), "%s/me.crt", dir);
		snprintf(k2, sizeof(k2), "%s/me.key", dir);
		a[3] = tp.line;
		t0 = clock_now_ms();
		CU_ASSERT_NOT_EQUAL(tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 30000), 0);
		CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
		/* and the right certificate at the TLS trader is let in */
		a[3] = ts.line;
		{
			int rc = tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 30000);

			CU_ASSERT_EQUAL(rc, 1);
			if (rc != 1)
				fprintf(stderr, "\nrun exited %d: %s\n", rc, err);
		}
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no container is registered"));
	}
	CU_ASSERT_TRUE(tp_alive(&ts) && tp_alive(&tp));
	CU_ASSERT_TRUE(tf_stop_ok(&tp));
	CU_ASSERT_TRUE(tf_stop_ok(&ts));
}

TL_SUITE(x_hostile, suite_init, suite_clean,
	 { "partial frames: the receive budget bounds memory, honest work goes on",
	   test_partial_frames_bounded },
	 { "past the per-address cap: refused with a reason, an application fails at once",
	   test_connection_cap_fails_fast },
	 { "slow loris and idle connections closed by their timeouts", test_slow_loris_and_idle },
	 { "TLS: a foreign CA and a TLS client at a plain port refused at once",
	   test_foreign_ca_and_wrong_transport })

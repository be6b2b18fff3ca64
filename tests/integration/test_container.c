/* SPDX-License-Identifier: MIT */
/* Description: the container daemon's workers and queues, with real trader and container processes: priority order, stalled fetches, stealing, capacity, drain on SIGTERM, pinning. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "runtime/app/tasklet.h"
#include "tests/integration/fixture.h"
#include "tests/proc.h"
#include "tests/tl_test.h"
#include "vm/vm.h"

static char dir[128];

static int suite_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	return tp_tmpdir(dir, sizeof(dir));
}

static int suite_clean(void)
{
	tp_rmdir(dir);
	return 0;
}

/*
 * Priority within one container under an economy flood: one worker; twelve
 * economy Tasklets queue, then three priority ones arrive. Once a priority
 * Tasklet is queued, the worker starts no economy Tasklet until the priority
 * queue is empty: the three priority ones start right after the economy one
 * that was running (start_seq, from the container itself).
 */
static void test_priority_overtakes_in_one_container(void)
{
	enum { NE = 12, NP = 3 };
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--cpus", "0", NULL };
	uint64_t eid[NE], pid[NP], pmin = ~0ull, pmax = 0;
	struct tl_client *cl;
	long n = tf_iters_for_ms(60);
	int later_econ = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-prio", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-prio", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < NE; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, n, i, &eid[i]), 0);
	/* Let the flood reach the queue, then send the priority ones. */
	{
		struct tl_result r;

		CU_ASSERT_EQUAL(tl_wait(cl, eid[0], &r, 20000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		tl_result_free(&r);
	}
	for (int i = 0; i < NP; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 1, n / 4, 100 + i, &pid[i]), 0);
	for (int i = 0; i < NP; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, pid[i], &r, 20000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		CU_ASSERT_STRING_EQUAL(r.container, "c-prio");
		CU_ASSERT_TRUE(r.priority);
		if (r.start_seq < pmin)
			pmin = r.start_seq;
		if (r.start_seq > pmax)
			pmax = r.start_seq;
		tl_result_free(&r);
	}
	/* The priority starts are consecutive... */
	CU_ASSERT_EQUAL(pmax - pmin, NP - 1);
	/* ...and came before most of the flood: economy Tasklets started after them. */
	for (int i = 1; i < NE; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, eid[i], &r, 30000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		later_econ += r.start_seq > pmax;
		tl_result_free(&r);
	}
	CU_ASSERT_TRUE(later_econ >= NE / 2);
	if (later_econ < NE / 2)
		fprintf(stderr, "\nonly %d economy Tasklets started after the priority ones (%llu..%llu)\n",
			later_econ, (unsigned long long)pmin, (unsigned long long)pmax);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A priority Tasklet does not wait for the economy run in progress: one
 * worker busy with a long economy Tasklet (about 3 s) pauses it between two
 * fuel slices to run the priority one, whose result arrives while the
 * economy one is still running; the economy one then finishes correctly.
 */
static void test_priority_preempts_running_economy(void)
{
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--cpus", "0", NULL };
	struct tl_client *cl;
	struct tl_result r;
	uint64_t eid, pid;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-preempt", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-preempt", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL_FATAL(tf_submit_loop(cl, 0, tf_iters_for_ms(3000), 1, &eid), 0);
	CU_ASSERT_EQUAL_FATAL(tp_wait_log(&c, "started (economy)", 20000), 0);
	CU_ASSERT_EQUAL_FATAL(tf_submit_loop(cl, 1, tf_iters_for_ms(5), 2, &pid), 0);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, pid, &r, 20000), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	CU_ASSERT_TRUE(r.priority);
	tl_result_free(&r);
	/* The economy run is still going: its result is not here yet. */
	CU_ASSERT_EQUAL(tl_wait(cl, eid, &r, 0), -ETIMEDOUT);
	tl_result_free(&r);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, eid, &r, 60000), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	tl_result_free(&r);
	CU_ASSERT_EQUAL(tp_log_count(&c, "paused for priority tasklet"), 1);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A result whose link to the application breaks before the acknowledgement
 * (--inject reset=1: every time) is sent again on a new link: each Tasklet
 * is answered, with its result, exactly once at the application, and none
 * is reported undelivered.
 */
static void test_result_sent_again_after_reset(void)
{
	enum { N = 5 };
	struct tp_proc t, c;
	const char *co[] = { "--inject", "reset=1", NULL };
	struct tl_client *cl;
	struct tl_stats st;
	int ok = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-reset", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-reset", co) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, "6 * 7;\n", &r), 0);
		ok += r.status == TL_OK && r.value && !strcmp(r.value, "42");
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL(ok, N);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, N);
	CU_ASSERT_EQUAL(tp_log_count(&c, "link to"), 2 * N); /* reset, then sent again */
	CU_ASSERT_EQUAL(tp_log_count(&c, "result not delivered"), 0);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* ---- a stalled application ---------------------------------------------------------- */


/*
 * An application that never answers its container's FETCH must not hold up
 * anybody else's Tasklets: the stalled Tasklet waits in the fetch (on the
 * I/O thread), not on the only worker.
 */
static void test_stalled_fetch_blocks_no_worker(void)
{
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--fetch-timeout", "3000", NULL };
	char app[64];
	int lfd, tfd, afd;
	struct tl_client *cl;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-stall", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-stall", opts) == 0);
	lfd = tf_listen("127.0.0.1", app, sizeof(app));
	CU_ASSERT_FATAL(lfd >= 0);
	/* SUBMIT a Tasklet whose application (us, on lfd) will stall. */
	{
		struct vm_sig s = { .tasklet_id = 0x5a11, .root = 77, .seed = 1 };
		uint8_t buf[CXP_SIG_MAX_ENCODED];
		struct cxp_wbuf w;
		struct sockaddr_storage ss;
		unsigned sl;
		int n;

		snprintf(s.app_addr, sizeof(s.app_addr), "%s", app);
		cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
		n = cxp_sig_encode(&w, &s);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_FATAL(cxp_addr_parse(t.line, &ss, &sl) == 0);
		tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CU_ASSERT_FATAL(tfd >= 0 && connect(tfd, (struct sockaddr *)&ss, sl) == 0);
		CU_ASSERT_FATAL(tf_send_frame(tfd, CXP_MSG_SUBMIT, 0x5a11, buf, (size_t)n) == 0);
	}
	/* The container connects to us and asks for chunks; we say nothing. */
	afd = accept(lfd, NULL, NULL);
	CU_ASSERT_FATAL(afd >= 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < 5; i++) {
		struct tl_result r;
		uint64_t id;

		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, 1000, i, &id), 0);
		/* Well within the stalled fetch's 3 s timeout. */
		CU_ASSERT_EQUAL(tl_wait(cl, id, &r, 2000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		CU_ASSERT_STRING_EQUAL(r.container, "c-stall");
		tl_result_free(&r);
	}
	/* The stalled Tasklet ends with its fetch timeout: the trader hears it. */
	CU_ASSERT_EQUAL(tp_wait_log(&c, "timed out fetching chunks", 8000), 0);
	tl_client_free(cl);
	close(afd);
	close(tfd);
	close(lfd);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Stealing: two workers; a long Tasklet occupies one, short ones queue on
 * both; the other worker steals what waits behind the long run, so no short
 * Tasklet waits for it.
 */
static void test_idle_worker_steals(void)
{
	enum { NS = 12 };
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "2", NULL };
	struct tl_client *cl;
	uint64_t lid, sid[NS];
	struct tl_result lr;
	uint64_t worst = 0;
	int stolen = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-steal", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-steal", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(1500), 1, &lid), 0);
	for (int i = 0; i < NS; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(20), 2, &sid[i]), 0);
	for (int i = 0; i < NS; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, sid[i], &r, 20000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		if (r.latency_ns > worst)
			worst = r.latency_ns;
		stolen += r.stolen;
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, lid, &lr, 20000), 0);
	/* Every short one finished well before the long one. */
	CU_ASSERT_TRUE(worst < lr.latency_ns);
	if (worst >= lr.latency_ns)
		fprintf(stderr, "\nslowest short %.0f ms, long %.0f ms, %d stolen\n", worst / 1e6,
			lr.latency_ns / 1e6, stolen);
	tl_result_free(&lr);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Capacity: the cheap container holds one Tasklet at a time; the trader
 * offers it no more and sends the rest to the other one: no 'container
 * busy' while a container has room.
 */
static void test_full_container_gets_no_more(void)
{
	enum { N = 12 };
	struct tp_proc t, small, big;
	const char *so[] = { "--workers", "1", "--queue", "1", "--price", "1", NULL };
	const char *bo[] = { "--workers", "1", "--queue", "64", "--price", "50", NULL };
	struct tl_client *cl;
	uint64_t id[N];
	int on_small = 0, on_big = 0, ok = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-cap", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &small, &t, "c-small", so) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &big, &t, "c-big", bo) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(50), i, &id[i]), 0);
	ok = tf_wait_all(cl, id, N, "c-small", &on_small, "c-big", &on_big);
	CU_ASSERT_EQUAL(ok, N);
	CU_ASSERT_TRUE(on_small >= 1);
	CU_ASSERT_TRUE(on_big >= 1);
	CU_ASSERT_EQUAL(on_small + on_big, N);
	CU_ASSERT_EQUAL(tp_log_count(&small, "refused"), 0);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&small));
	CU_ASSERT_TRUE(tf_stop_ok(&big));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Every container full, the trader holding (--hold-ms): each held Tasklet
 * is offered the container as soon as one of its slots frees, first held
 * first, so all of them run there and none is answered "container busy".
 */
static void test_held_placed_as_slots_free(void)
{
	enum { N = 10 };
	struct tp_proc t, c;
	const char *to[] = { "--hold-ms", "60000", NULL };
	const char *co[] = { "--workers", "1", "--queue", "1", NULL };
	struct tl_client *cl;
	uint64_t id[N];
	int on_c = 0, none = 0, ok;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-held", to) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-one", co) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(20), i, &id[i]), 0);
	ok = tf_wait_all(cl, id, N, "c-one", &on_c, "none", &none);
	CU_ASSERT_EQUAL(ok, N);
	CU_ASSERT_EQUAL(on_c, N);
	CU_ASSERT_TRUE(tp_log_count(&t, "held") >= 1); /* the queue of one did fill */
	CU_ASSERT_EQUAL(tp_log_count(&c, "refused"), 0);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * SIGTERM with queued work: the only container takes all ten; a second one
 * registers; SIGTERM makes the first hand the queued ones back, the trader
 * places them on the second, the running one finishes; every Tasklet has
 * exactly one good result, and the drained container exits 0.
 */
static void test_sigterm_drains_nothing_lost(void)
{
	enum { N = 10 };
	struct tp_proc t, a, b;
	const char *ao[] = { "--workers", "1", "--price", "1", NULL };
	const char *bo[] = { "--workers", "1", "--price", "50", NULL };
	struct tl_client *cl;
	uint64_t id[N];
	int ok = 0, on_a = 0, on_b = 0, st;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-drain", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-a", ao) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(300), i, &id[i]), 0);
	/* All ten went to the only container; then another joins and the first drains. */
	CU_ASSERT_EQUAL(tp_wait_log(&t, "load 10)", 5000), 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-b", bo) == 0);
	kill(a.pid, SIGTERM);
	ok = tf_wait_all(cl, id, N, "c-a", &on_a, "c-b", &on_b);
	CU_ASSERT_EQUAL(ok, N);
	CU_ASSERT_TRUE(on_a >= 1 && on_a <= 2); /* what was running (or starting) finished there */
	CU_ASSERT_EQUAL(on_a + on_b, N);
	CU_ASSERT_TRUE(tp_log_count(&t, "handed back by container c-a") >= N - 2);
	st = tp_stop(&a, SIGTERM, 10000); /* it exits by itself once drained */
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * --economy-share 50: while both classes wait, the worker alternates; under
 * the default strict priority every queued priority Tasklet goes first.
 */
static void share_run(const char *share, int *econ_early)
{
	enum { N = 6 };
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--economy-share", share, NULL };
	struct tl_client *cl;
	uint64_t blocker, eid[N], pid[N];
	struct tl_result r;

	*econ_early = -1;
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-share", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-share", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(400), 0, &blocker), 0);
	/* The rest queue behind the blocker once it runs. */
	CU_ASSERT_EQUAL(tp_wait_log(&c, "started (economy)", 5000), 0);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, 1000, i, &eid[i]), 0);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 1, 1000, i, &pid[i]), 0);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, blocker, &r, 60000), 0); /* ~3 s, longer on a busy host */
	CU_ASSERT_EQUAL(r.start_seq, 1);
	if (r.start_seq != 1)
		fprintf(stderr, "\nblocker: start %llu, status %d, %s\n", (unsigned long long)r.start_seq,
			r.status, r.error ? r.error : "");
	tl_result_free(&r);
	*econ_early = 0;
	/* Of the N starts right after the blocker, how many were economy? */
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, eid[i], &r, 20000), 0);
		*econ_early += r.start_seq >= 2 && r.start_seq < 2 + N;
		tl_result_free(&r);
		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, pid[i], &r, 20000), 0);
		tl_result_free(&r);
	}
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

static void test_economy_share(void)
{
	int strict, half;

	share_run("0", &strict);
	share_run("50", &half);
	CU_ASSERT_EQUAL(strict, 0);
	CU_ASSERT_TRUE(half >= 2 && half <= 4);
	if (strict != 0 || half < 2 || half > 4)
		fprintf(stderr, "\neconomy starts among the first 6: strict %d, share 50 %d\n", strict,
			half);
}

/* A second signal during a drain exits at once, with status 1. */
static void test_second_signal_exits_at_once(void)
{
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", NULL };
	struct tl_client *cl;
	struct tl_result r;
	uint64_t id, t0;
	int st;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-sig2", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-sig2", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(5000), 0, &id), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&c, "started (economy)", 5000), 0);
	kill(c.pid, SIGTERM);
	CU_ASSERT_EQUAL(tp_wait_log(&c, "draining:", 5000), 0);
	t0 = clock_now_ms();
	st = tp_stop(&c, SIGTERM, 5000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 2000);
	/* The application hears of it, not nothing. */
	CU_ASSERT_EQUAL(tl_wait(cl, id, &r, 10000), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_LOST);
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * No Tasklet lost: a container SIGKILLed with Tasklets queued and running;
 * the trader places them again on the other one; each Tasklet ends in
 * exactly one good result.
 */
static void test_killed_container_tasklets_placed_again(void)
{
	enum { N = 8 };
	struct tp_proc t, a, b;
	const char *ao[] = { "--workers", "1", NULL };
	const char *bo[] = { "--workers", "1", NULL };
	struct tl_client *cl;
	struct tl_stats st;
	uint64_t id[N];
	int ok = 0, on_b = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-kill", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-kill", ao) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(200), i, &id[i]), 0);
	/* Once the only container runs one and holds the rest, kill it and add another. */
	CU_ASSERT_EQUAL(tp_wait_log(&a, "started (economy)", 5000), 0);
	/* Frozen while the other starts (slow on a busy host), then killed. */
	kill(a.pid, SIGSTOP);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-after", bo) == 0);
	kill(a.pid, SIGKILL);
	ok = tf_wait_all(cl, id, N, "c-after", &on_b, NULL, NULL);
	CU_ASSERT_EQUAL(ok, N);
	CU_ASSERT_TRUE(on_b >= N - 1); /* c-kill may have delivered the one it ran */
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, N);
	CU_ASSERT_TRUE(tp_log_count(&t, "placing it again") >= 1);
	tl_client_free(cl);
	tp_stop(&a, SIGKILL, 1000);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A hung container (SIGSTOP) misses heartbeats, is suspected, and its
 * Tasklets are placed again; when it comes back (SIGCONT) and finishes
 * them too, the application still has exactly one answer per Tasklet: the
 * late ones are recognised and dropped.
 */
static void test_hung_container_suspected(void)
{
	enum { N = 6 };
	struct tp_proc t, a, b;
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0",
			  "--suspect-ms", "1500", NULL };
	const char *ao[] = { "--workers", "1", "--price", "1", NULL };
	const char *bo[] = { "--workers", "2", "--price", "50", NULL };
	struct tl_client *cl;
	struct tl_stats st;
	uint64_t id[N], t0;
	int ok, on_ok = 0;

	CU_ASSERT_FATAL(tp_start(&t, dir, "t-hung", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&t, 15000) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-hung", ao) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(300), i, &id[i]), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&a, "started (economy)", 5000), 0);
	/* Stopped at once, before its first run can end (c-ok's start-up, slow on
	 * a busy host, would give it the time). */
	kill(a.pid, SIGSTOP);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-ok", bo) == 0);
	t0 = clock_now_ms();
	ok = tf_wait_all(cl, id, N, "c-ok", &on_ok, NULL, NULL);
	/* All answered by c-ok, after the suspicion (1.5 s) and not much later. */
	CU_ASSERT_EQUAL(ok, N);
	CU_ASSERT_EQUAL(on_ok, N);
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 15000);
	CU_ASSERT_EQUAL(tp_log_count(&t, "c-hung (id 1): no heartbeat"), 1);
	/* Back from the stop: it finishes what it had; nothing reaches the application twice. */
	kill(a.pid, SIGCONT);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "c-hung (id 1) is heard from again", 10000), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "which it does not hold (ignored)", 10000), 0);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.submitted, N);
	CU_ASSERT_EQUAL(st.answered, N);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&a));
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * --inject die-after=3: the container says so when it registers, kills
 * itself at its fourth admission, and the trader places what it held on
 * the other container: every Tasklet still ends in exactly one result.
 */
static void test_inject_die_after(void)
{
	enum { N = 10 };
	struct tp_proc t, a, b;
	const char *ao[] = { "--workers", "1", "--inject", "die-after=3,seed=7", NULL };
	const char *bo[] = { "--workers", "2", NULL };
	struct tl_client *cl;
	uint64_t id[N];
	int ok = 0, st;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-inject", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-faulty", ao) == 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "c-faulty registered"), 1);
	CU_ASSERT_EQUAL(tp_log_count(&t, "FAULT INJECTION on"), 1);
	CU_ASSERT_EQUAL(tp_log_count(&a, "FAULT INJECTION ON (drop=0 delay=none:0:0 die-after=3 lie=0 reset=0 seed=7)"), 1);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-sound", bo) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(100), i, &id[i]), 0);
	ok = tf_wait_all(cl, id, N, NULL, NULL, NULL, NULL);
	CU_ASSERT_EQUAL(ok, N);
	st = tp_stop(&a, SIGTERM, 5000);
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(tp_log_count(&a, "dying after 3 tasklets"), 1);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * CostLimit: the trader refuses where price x expected fuel is over the
 * limit; the container's fuel budget (limit / price) stops a run that would
 * cost more, with the limit, the fuel and the cost in the error; every
 * result reports what it cost.
 */
static void test_cost_limit(void)
{
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--price", "20", NULL };
	struct tl_client *cl;
	struct tl_result r;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-cost", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-cost", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	/* 1 million at 20 per million fuel buys 50k fuel; an unseen program is
	 * expected to take 100k: not placed. */
	CU_ASSERT_EQUAL(tf_run_one(cl, "@QOS CostLimit(1);\n6 * 7;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_NOMATCH);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "CostLimit(1)"));
	tl_result_free(&r);
	/* 5 million buys 250k fuel: a small program runs and reports its cost. */
	CU_ASSERT_EQUAL(tf_run_one(cl, "@QOS CostLimit(5);\n6 * 7;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	CU_ASSERT_TRUE(r.fuel_used > 0);
	CU_ASSERT_DOUBLE_EQUAL(r.cost, (double)r.fuel_used * 20 / 1e6, 1e-9);
	tl_result_free(&r);
	/* A loop that would take millions of fuel stops at the budget. */
	CU_ASSERT_EQUAL(tf_run_one(cl,
				"@QOS CostLimit(5);\nlet i = 0;\nwhile (i < 10000000) { i = i + 1; }\ni;\n",
				&r),
			0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_FUEL);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "CostLimit(5) reached: 250000 fuel at price 20"));
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "costs 5.000000"));
	CU_ASSERT_DOUBLE_EQUAL(r.cost, 5.0, 1e-9);
	if (!r.error || !strstr(r.error, "CostLimit(5) reached"))
		fprintf(stderr, "\nerror: %s\n", r.error ? r.error : "(none)");
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* SpeedMinimum(f, 'relative'): f times the application's own measured speed. */
static void test_relative_speed_minimum(void)
{
	struct tp_proc t, slow, fast;
	const char *so[] = { "--workers", "1", "--speed", "1", NULL };
	const char *fo[] = { "--workers", "1", "--speed", "4000000000", "--price", "9", NULL };
	struct tl_client *cl;
	struct tl_result r;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-rel", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &slow, &t, "c-slow", so) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(tf_run_one(cl, "@QOS SpeedMinimum(1, 'relative');\n1;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_NOMATCH);
	tl_result_free(&r);
	CU_ASSERT_FATAL(tf_start_container(dir, &fast, &t, "c-fast", fo) == 0);
	CU_ASSERT_EQUAL(tf_run_one(cl, "@QOS SpeedMinimum(1, 'relative');\n1;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	CU_ASSERT_STRING_EQUAL(r.container, "c-fast");
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&slow));
	CU_ASSERT_TRUE(tf_stop_ok(&fast));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Deadline(ms): a running Tasklet is stopped at the next slice once its
 * deadline passes, and one still queued is answered at its deadline, not
 * when the worker reaches it: either way the application hears "deadline
 * missed" by the deadline (plus a tick), not later: from the trader, which
 * watches every deadline and cancels the placement, or from the container,
 * whichever comes first. The worker is free again either way.
 */
static void test_deadline_missed_by_the_deadline(void)
{
	struct tp_proc t, c;
	const char *opts[] = { "--workers", "1", "--fuel", "100000000000", NULL };
	struct tl_client *cl;
	struct tl_result r;
	uint64_t blocker, late;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-dl", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-dl", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	/* Running: an endless loop with a 300 ms deadline. */
	CU_ASSERT_EQUAL(tf_run_one(cl, "@QOS Deadline(300);\nlet i = 0;\nwhile (true) { i = i + 1; }\n",
				&r),
			0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_DEADLINE);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "deadline missed"));
	CU_ASSERT_TRUE(r.latency_ns < 1500000000ull);
	CU_ASSERT_TRUE(r.latency_ns >= 290000000ull); /* from the submit; the deadline counts from the signature's start, a little earlier */
	tl_result_free(&r);
	/* Queued behind a 3 s run (started: a deadline would put it ahead of a
	 * queued one, earliest deadline first): answered at its 300 ms deadline. */
	CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(3000), 1, &blocker), 0);
	for (int k = 0; k < 1000 && tp_log_count(&c, "started (economy)") < 2; k++)
		usleep(10000);
	CU_ASSERT_EQUAL(tp_log_count(&c, "started (economy)"), 2);
	CU_ASSERT_EQUAL(tf_submit_src(cl, "@QOS Deadline(300);\n42;\n", &late), 0);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, late, &r, 10000), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_DEADLINE);
	if (r.status != TL_ERR_DEADLINE || !r.error || !strstr(r.error, "deadline missed"))
		fprintf(stderr, "\nqueued one: %s (%s) on %s after %.0f ms\n", tl_status_name(r.status),
			r.error ? r.error : "", r.container, r.latency_ns / 1e6);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "deadline missed"));
	CU_ASSERT_TRUE(r.latency_ns < 1500000000ull);
	tl_result_free(&r);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, blocker, &r, 60000), 0); /* ~3 s, longer on a busy host */
	CU_ASSERT_EQUAL(r.status, TL_OK);
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A trader that dies and comes back on the same address: the container
 * registers again, the application reconnects and submits again what had
 * no answer (same ids); every Tasklet ends in exactly one result.
 */
static void test_trader_restart_nothing_lost(void)
{
	enum { N = 6 };
	struct tp_proc t, t2, c;
	const char *opts[] = { "--workers", "1", NULL };
	char listen[128];
	struct tl_client *cl;
	struct tl_stats st;
	uint64_t id[N];
	int ok = 0;

	/* A fixed port below the ephemeral range, as an operator's would be: a
	 * port the kernel hands out to outgoing connections may be taken by one
	 * of them before the trader binds it again. */
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", 20000 + (int)(getpid() % 10000));
	{
		char *argv[] = { (char *)tl_test_bin(), "trader", "--listen", listen, "--verbose",
				 NULL };

		CU_ASSERT_FATAL(tp_start(&t, dir, "t-restart", NULL, argv) == 0);
		CU_ASSERT_FATAL(tp_first_line(&t, 15000) == 0);
	}
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-restart", opts) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_loop(cl, 0, tf_iters_for_ms(300), i, &id[i]), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "load 6)", 5000), 0);
	tp_stop(&t, SIGKILL, 2000);
	{
		char *argv[] = { (char *)tl_test_bin(), "trader", "--listen", listen, NULL };

		CU_ASSERT_FATAL(tp_start(&t2, dir, "t-restart2", NULL, argv) == 0);
		if (tp_first_line(&t2, 15000) != 0) {
			FILE *f = fopen(t2.log, "r");
			char ln[512];

			fprintf(stderr, "\n--- %s:\n", t2.log); /* why it did not start */
			while (f && fgets(ln, sizeof(ln), f))
				fputs(ln, stderr);
			if (f)
				fclose(f);
			CU_FAIL_FATAL("the restarted trader printed no address");
		}
	}
	CU_ASSERT_EQUAL(tp_wait_log(&t2, "container c-restart registered", 10000), 0);
	ok = tf_wait_all(cl, id, N, NULL, NULL, NULL, NULL);
	CU_ASSERT_EQUAL(ok, N);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, N);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t2));
}

/* Worker threads are pinned: affinity read back from /proc. */
static int thread_cpus(pid_t pid, const char *comm, char *cpus, size_t cap)
{
	char path[512], buf[4096];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (!found && (e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf[0] = 0;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		buf[strcspn(buf, "\n")] = 0;
		if (strcmp(buf, comm))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "Cpus_allowed_list:", 18)) {
				snprintf(cpus, cap, "%s", buf + 18 + strspn(buf + 18, " \t"));
				cpus[strcspn(cpus, "\n")] = 0;
				found = 1;
			}
		fclose(f);
	}
	closedir(d);
	return found ? 0 : -1;
}

static void test_workers_pinned(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct tp_proc t, c, c2;
	const char *opts[] = { "--cpus", "0-1", NULL };
	const char *opts2[] = { "--workers", "3", "--cpus", "1", NULL };
	char cpus[64];

	if (ncpu < 2) {
		TL_SKIP("needs 2 online CPUs");
		return;
	}
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-pin", NULL) == 0);
	/* One worker per listed CPU, each pinned to its own. */
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-pin", opts) == 0);
	CU_ASSERT_EQUAL(thread_cpus(c.pid, "tl-w0", cpus, sizeof(cpus)), 0);
	CU_ASSERT_STRING_EQUAL(cpus, "0");
	CU_ASSERT_EQUAL(thread_cpus(c.pid, "tl-w1", cpus, sizeof(cpus)), 0);
	CU_ASSERT_STRING_EQUAL(cpus, "1");
	CU_ASSERT_NOT_EQUAL(thread_cpus(c.pid, "tl-w2", cpus, sizeof(cpus)), 0);
	/* More workers than CPUs: they share the list round-robin. */
	CU_ASSERT_FATAL(tf_start_container(dir, &c2, &t, "c-pin2", opts2) == 0);
	for (int i = 0; i < 3; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "tl-w%d", i);
		CU_ASSERT_EQUAL(thread_cpus(c2.pid, comm, cpus, sizeof(cpus)), 0);
		CU_ASSERT_STRING_EQUAL(cpus, "1");
	}
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&c2));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* `make install DESTDIR=...` installs what the man pages name. */
static void test_make_install(void)
{
	char dest[160], path[512], out[4096], err[8192];
	char dd[200], bd[300], o1[300], o2[300], o3[300];
	const char *want[] = {
		"usr/local/bin/tasklet",
		"usr/local/lib/libtasklet.a",
		"usr/local/include/tasklet.h",
		"usr/local/share/man/man1/tasklet.1",
		"usr/local/share/man/man8/tasklet-container.8",
		"usr/local/share/man/man8/tasklet-trader.8",
		"usr/local/share/man/man7/cxp.7",
		"usr/local/share/man/man7/jslite.7",
		"usr/local/share/man/man7/tasklet-qos.7",
		"usr/local/lib/systemd/system/tasklet-trader.service",
		"usr/local/lib/systemd/system/tasklet-container@.service",
		"usr/local/lib/tasklet/tasklet.bpf.o",
		"usr/local/share/man/man1/tasklet-top.1",
		"usr/local/share/man/man1/tasklet-cert.1",
		"usr/local/share/man/man7/tasklet-security.7",
	};
	struct stat sb;

	CU_ASSERT_FATAL(tp_tmpdir(dest, sizeof(dest)) == 0);
	snprintf(dd, sizeof(dd), "DESTDIR=%s", dest);
	snprintf(bd, sizeof(bd), "BUILD=%s", tl_test_build());
	/*
	 * Install what is built, never rebuild: run by hand outside make, the
	 * runner's environment lacks SAN=1/TSAN=1, and a rebuild with default
	 * flags would mix objects into a sanitizer build directory.
	 */
	snprintf(o1, sizeof(o1), "%s/tasklet", tl_test_build());
	snprintf(o2, sizeof(o2), "%s/libtasklet.a", tl_test_build());
	snprintf(o3, sizeof(o3), "%s/include/tasklet.h", tl_test_build());
	{
		char *a[] = { "/usr/bin/make", "-s", "-C", (char *)tl_test_src(), "install", dd, bd,
			      "-o", o1, "-o", o2, "-o", o3, NULL };
		int rc = tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 120000);

		CU_ASSERT_EQUAL(rc, 0);
		if (rc)
			fprintf(stderr, "\nmake install: %d\n%s\n", rc, err);
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dest, want[i]);
		CU_ASSERT_EQUAL(stat(path, &sb), 0);
		if (stat(path, &sb))
			fprintf(stderr, "\nnot installed: %s\n", want[i]);
	}
	/* The installed binary runs, and the unit points at it. */
	snprintf(path, sizeof(path), "%s/usr/local/bin/tasklet", dest);
	{
		char *a[] = { path, "version", NULL };

		CU_ASSERT_EQUAL(tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 5000), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "tasklet "));
	}
	snprintf(path, sizeof(path), "%s/usr/local/lib/systemd/system/tasklet-container@.service",
		 dest);
	{
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;

		out[n] = 0;
		if (f)
			fclose(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "ExecStart=/usr/local/bin/tasklet container"));
		CU_ASSERT_PTR_NULL(strstr(out, "@BINDIR@"));
	}
	tp_rmdir(dest);
}

TL_SUITE(x_container, suite_init, suite_clean,
	 { "priority overtakes queued economy in one container", test_priority_overtakes_in_one_container },
	 { "priority pauses the economy run in progress", test_priority_preempts_running_economy },
	 { "a result whose link breaks before its acknowledgement is sent again", test_result_sent_again_after_reset },
	 { "a stalled fetch blocks no worker", test_stalled_fetch_blocks_no_worker },
	 { "an idle worker steals what waits behind a long run", test_idle_worker_steals },
	 { "a full container is offered nothing: no 'busy' while another has room", test_full_container_gets_no_more },
	 { "held while every container is full: placed as slots free, none busy", test_held_placed_as_slots_free },
	 { "SIGTERM with queued work: handed back, nothing lost, exit 0", test_sigterm_drains_nothing_lost },
	 { "--economy-share 50 alternates the classes; 0 is strict priority", test_economy_share },
	 { "a second signal during a drain exits at once (status 1)", test_second_signal_exits_at_once },
	 { "a killed container's Tasklets are placed again: one result each", test_killed_container_tasklets_placed_again },
	 { "a hung (SIGSTOPped) container is suspected; late results dropped", test_hung_container_suspected },
	 { "--inject die-after: announced, dies, its Tasklets placed again", test_inject_die_after },
	 { "CostLimit: refused by expected fuel, stopped at the budget, cost reported", test_cost_limit },
	 { "SpeedMinimum(f, 'relative') against the application's own speed", test_relative_speed_minimum },
	 { "Deadline: stopped when it passes, answered by it when still queued", test_deadline_missed_by_the_deadline },
	 { "a trader restart: applications submit again, nothing lost", test_trader_restart_nothing_lost },
	 { "workers pinned to their CPUs (from /proc)", test_workers_pinned },
	 { "make install DESTDIR= installs binary, library, header, man pages, units", test_make_install })

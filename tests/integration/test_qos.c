/* SPDX-License-Identifier: MIT */
/* Description: the QoS categories the trader and containers enforce together, with real processes: FaultTolerance replicas on distinct hosts and CANCEL, digests that find a lying container, Deadline answered by the trader, Reliability under drops, EDF order inside a container, determinism, record and replay. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "runtime/app/tasklet.h"
#include "tests/integration/fixture.h"
#include "tests/proc.h"
#include "tests/tl_test.h"

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

/* Wait (up to ms) until the client's stats satisfy pred; 0 or -1. */
static int wait_stats(struct tl_client *cl, int (*pred)(const struct tl_stats *, long), long arg,
		      int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;
	struct tl_stats st;

	do {
		tl_client_stats(cl, &st);
		if (pred(&st, arg))
			return 0;
		usleep(10000);
	} while (clock_now_ms() < end);
	return -1;
}

static int mismatches_at_least(const struct tl_stats *st, long n)
{
	return st->digest_mismatches >= (uint64_t)n;
}

/* A loop of about ms milliseconds returning tag, with the QoS header qos. */
static int submit_qos(struct tl_client *cl, const char *qos, int ms, int tag, uint64_t *id)
{
	char src[512];

	snprintf(src, sizeof(src), "%s\nlet i = 0;\nwhile (i < %ld) { i = i + 1; }\n%d;\n", qos,
		 tf_iters_for_ms(ms), tag);
	return tf_submit_src(cl, src, id);
}

/*
 * FaultTolerance(2): two replicas on two distinct hosts (c-a and c-b share
 * host h1, so never both); the first answer wins, the slow replica (c-slow,
 * delayed by fault injection) is cancelled while it waits, and the
 * application gets exactly one answer.
 */
static void test_ft_replicas_distinct_hosts_cancel(void)
{
	struct tp_proc t, a, b, slow;
	const char *oa[] = { "--host", "h1", "--workers", "1", NULL };
	const char *ob[] = { "--host", "h1", "--workers", "1", "--price", "1", NULL };
	const char *os[] = { "--host", "h2", "--workers", "1", "--inject",
			     "delay=lognormal:1500:0", NULL };
	struct tl_client *cl;
	struct tl_result r;
	struct tl_stats st;
	uint64_t id;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-ft", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-a", oa) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-b", ob) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &slow, &t, "c-slow", os) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(submit_qos(cl, "@QOS FaultTolerance(2)", 20, 7, &id), 0);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id, &r, 20000), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	CU_ASSERT_STRING_EQUAL(r.value, "7");
	CU_ASSERT_STRING_EQUAL(r.container, "c-a"); /* h1's cheaper one; c-slow is still asleep */
	tl_result_free(&r);
	/* Two placements, one per host; the slow one is cancelled before it ran. */
	CU_ASSERT_EQUAL(tp_log_count(&t, "-> container c-a"), 1);
	CU_ASSERT_EQUAL(tp_log_count(&t, "-> container c-b"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "-> container c-slow"), 1);
	CU_ASSERT_EQUAL(tp_wait_log(&slow, "cancelled by the trader", 10000), 0);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, 1);
	CU_ASSERT_EQUAL(st.duplicates, 0);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&slow));
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&a));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* FaultTolerance(3) with two distinct hosts: refused at once, saying so. */
static void test_ft_too_few_hosts(void)
{
	struct tp_proc t, a, b;
	const char *oa[] = { "--host", "h1", NULL }, *ob[] = { "--host", "h2", NULL };
	struct tl_client *cl;
	struct tl_result r;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-ft3", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-h1", oa) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-h2", ob) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, "@QOS FaultTolerance(3)\n1;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_NOMATCH);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "FaultTolerance(3): only 2 distinct hosts"));
	tl_result_free(&r);
	CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, "@QOS FaultTolerance(2)\n2;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&a));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* A replica's container is SIGKILLed mid-run: the other replica answers, once. */
static void test_ft_replica_killed(void)
{
	struct tp_proc t, a, b;
	const char *oa[] = { "--host", "h1", "--workers", "1", NULL };
	const char *ob[] = { "--host", "h2", "--workers", "1", "--price", "1", NULL };
	struct tl_client *cl;
	struct tl_result r;
	struct tl_stats st;
	uint64_t id;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-ftk", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-k1", oa) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-k2", ob) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(submit_qos(cl, "@QOS FaultTolerance(2)", 600, 9, &id), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "-> container c-k2", 10000), 0);
	kill(a.pid, SIGKILL);
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id, &r, 30000), 0);
	CU_ASSERT_EQUAL(r.status, TL_OK);
	CU_ASSERT_STRING_EQUAL(r.container, "c-k2");
	tl_result_free(&r);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, 1);
	CU_ASSERT_EQUAL(st.duplicates, 0);
	tl_client_free(cl);
	tp_stop(&a, SIGKILL, 1000);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A container that lies (--inject lie=1 forges every result) beside an
 * honest one: replicas of FaultTolerance(2) disagree, and the application
 * is told (tl_stats.digest_mismatches, a log line naming both containers).
 */
static void test_digest_finds_a_liar(void)
{
	enum { N = 4 };
	struct tp_proc t, h, l;
	/* Both deaf to CANCEL, so both replicas of every Tasklet answer: without
	 * it the second one is usually cancelled before it runs. */
	const char *oh[] = { "--host", "h-honest", "--inject", "deaf", NULL };
	const char *ol[] = { "--host", "h-liar", "--inject", "lie=1,deaf", NULL };
	struct tl_client *cl;
	uint64_t id[N];

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-lie", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &h, &t, "c-honest", oh) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &l, &t, "c-liar", ol) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(tf_submit_src(cl, "@QOS FaultTolerance(2)\n40 + 2;\n", &id[i]), 0);
	/* Every Tasklet's second answer disagrees with its first. Counted before
	 * the results are collected: a collected Tasklet's chunks are gone, and a
	 * replica still fetching would fail instead of answering. */
	CU_ASSERT_EQUAL(wait_stats(cl, mismatches_at_least, N, 30000), 0);
	CU_ASSERT_EQUAL(tf_wait_all(cl, id, N, NULL, NULL, NULL, NULL), N);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&l));
	CU_ASSERT_TRUE(tf_stop_ok(&h));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Deadline(300) on a container that drops everything it is given: nobody
 * runs it, and the trader answers "deadline missed" at the deadline.
 */
static void test_deadline_answered_by_trader(void)
{
	struct tp_proc t, d;
	const char *od[] = { "--inject", "drop=1", NULL };
	struct tl_client *cl;
	struct tl_result r;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-dl", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &d, &t, "c-drop", od) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, "@QOS Deadline(300)\n1;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_DEADLINE);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "placed on c-drop"));
	/* by the deadline (plus the trader's 5 ms tick and the hop back), not at a timeout */
	CU_ASSERT_TRUE(r.latency_ns < 300 * 1000000ull + 250 * 1000000ull);
	CU_ASSERT_TRUE(r.latency_ns >= 290 * 1000000ull);
	tl_result_free(&r);
	/* Reliability without a Deadline is refused, naming why. */
	CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, "@QOS Reliability(99)\n1;\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_NOMATCH);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "Reliability needs a Deadline"));
	tl_result_free(&r);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&d));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Reliability(0.99) with Deadline(3000) on two containers that each drop
 * half of what they are given: the trader retransmits (or replicates), so
 * nearly every Tasklet is answered; each exactly once. Without it, about
 * half would miss their deadline.
 */
static void test_reliability_under_drops(void)
{
	enum { N = 40 };
	struct tp_proc t, a, b;
	const char *oa[] = { "--inject", "drop=0.5,seed=11", NULL };
	const char *ob[] = { "--inject", "drop=0.5,seed=12", NULL };
	struct tl_client *cl;
	struct tl_stats st;
	uint64_t id[N];
	int ok = 0, missed = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-rel", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-lossy1", oa) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &b, &t, "c-lossy2", ob) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(tf_submit_src(cl, "@QOS Deadline(3000), Reliability('0.99')\n5;\n",
					      &id[i]),
				0);
		usleep(20000); /* a stream, so the window learns as it goes */
	}
	for (int i = 0; i < N; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 10000), 0);
		ok += r.status == TL_OK;
		missed += r.status == TL_ERR_DEADLINE;
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL(ok + missed, N);
	CU_ASSERT_TRUE(ok >= N * 85 / 100);
	if (ok < N * 85 / 100)
		fprintf(stderr, "\nreliability: %d of %d answered\n", ok, N);
	CU_ASSERT_TRUE(tp_log_count(&t, "retransmi") + tp_log_count(&t, "redundancy") > 0);
	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.answered, N);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&b));
	CU_ASSERT_TRUE(tf_stop_ok(&a));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* The tau (ms) of the last Reliability decision in log that read "samples of
 * its program's window", or -1. */
static double last_program_tau(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	double tau = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "of its program's window");

		if (p && (p = strstr(p, "tau ")))
			tau = strtod(p + 4, NULL);
	}
	fclose(f);
	return tau;
}

/*
 * Reliability reads the response times of the Tasklet's own program: after
 * 20 runs of a slow program and 20 of a fast one, the fast one's
 * retransmission timeout comes from its own window, not from a window
 * where the slow program's runs dominate the tail.
 */
static void test_reliability_per_program_window(void)
{
	enum { N = 20 };
	static const char slow[] = "@QOS Deadline(20000), Reliability('0.9')\n"
				   "let s = 0; for (let i = 0; i < 2000000; i++) s = (s + i) % 7; s;\n";
	static const char fast[] = "@QOS Deadline(20000), Reliability('0.9')\n6 * 7;\n";
	struct tp_proc t, a;
	struct tl_client *cl;
	double slow_tau = -1, fast_tau;
	int ok = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-progwin", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &a, &t, "c-progwin", NULL) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < N; i++) {
			struct tl_result r;

			CU_ASSERT_EQUAL_FATAL(tf_run_one(cl, k ? fast : slow, &r), 0);
			ok += r.status == TL_OK;
			tl_result_free(&r);
			if (k == 0 && i == N - 1)
				slow_tau = last_program_tau(t.log);
		}
	fast_tau = last_program_tau(t.log);
	CU_ASSERT_EQUAL(ok, 2 * N);
	CU_ASSERT_TRUE(slow_tau > 0);
	CU_ASSERT_TRUE(fast_tau > 0);
	CU_ASSERT_TRUE(fast_tau * 3 < slow_tau);
	if (!(fast_tau > 0 && fast_tau * 3 < slow_tau))
		fprintf(stderr, "\nper-program window: slow tau %.1f ms, fast tau %.1f ms\n",
			slow_tau, fast_tau);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&a));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * A container that drops everything yet sends heartbeats (a black hole),
 * and is the cheapest: Reliability Tasklets are retransmitted away from it,
 * and once its own window shows more failures than answers, placed
 * elsewhere first: fewer placements than two per Tasklet, every one
 * answered.
 */
static void test_reliability_avoids_black_hole(void)
{
	enum { N = 40 };
	struct tp_proc t, hole, good;
	const char *oh[] = { "--inject", "drop=1", NULL };
	const char *og[] = { "--price", "5", NULL };
	struct tl_client *cl;
	struct tl_stats st;
	int ok = 0;

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-hole", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &hole, &t, "c-hole", oh) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &good, &t, "c-good", og) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	for (int i = 0; i < N; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(
			tf_run_one(cl, "@QOS Deadline(2000), Reliability('0.99')\n6;\n", &r), 0);
		ok += r.status == TL_OK && !strcmp(r.container, "c-good");
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL(ok, N);
	tl_client_stats(cl, &st);
	CU_ASSERT_TRUE(st.placements < 2 * N - 10);
	if (st.placements >= 2 * N - 10)
		fprintf(stderr, "\nblack hole: %llu placements for %d Tasklets\n",
			(unsigned long long)st.placements, N);
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&good));
	CU_ASSERT_TRUE(tf_stop_ok(&hole));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Earliest deadline first inside one container: behind a long Tasklet,
 * economy Tasklets with deadlines 9 s, 5 s, 7 s and one without arrive in
 * that order; they start 5 s, 7 s, 9 s, then the one without (start_seq,
 * from the container).
 */
static void test_edf_in_one_container(void)
{
	struct tp_proc t, c;
	const char *oc[] = { "--workers", "1", NULL };
	static const char *qos[] = { "@QOS Deadline(9000)", "@QOS Deadline(5000)",
				     "@QOS Deadline(7000)", "" };
	static const int order[] = { 3, 1, 2, 4 }; /* expected start rank of each */
	struct tl_client *cl;
	uint64_t blocker, id[4], seq[4];

	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-edf", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-edf", oc) == 0);
	cl = tf_client(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL(submit_qos(cl, "", 400, 0, &blocker), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "-> container c-edf", 5000), 0);
	usleep(50000);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(submit_qos(cl, qos[i], 5, i + 1, &id[i]), 0);
	for (int i = 0; i < 4; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 20000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		seq[i] = r.start_seq;
		tl_result_free(&r);
	}
	{
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, blocker, &r, 20000), 0);
		/* the four were all queued behind it, so the order is the queue's */
		for (int i = 0; i < 4; i++)
			CU_ASSERT_EQUAL(seq[i], r.start_seq + (uint64_t)order[i]);
		tl_result_free(&r);
	}
	tl_client_free(cl);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* Run the tasklet binary with args; stdout into out. Exit status. */
static int run_bin(char *const *args, char *out, size_t cap)
{
	static char err[8192];
	char *argv[24] = { (char *)tl_test_bin() };
	int n = 1;

	for (; *args && n < 23; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return tp_run(argv, NULL, out, cap, err, sizeof(err), 60000);
}

/*
 * A run is a function of (chunks, input, seed, start time): tasklet exec
 * --seed --time gives the same Math.random() and Date.now() every time, and
 * tasklet run --seed N gives its first Tasklet seed N, so exec reproduces it.
 */
static void test_determinism_seed_and_time(void)
{
	static char o1[4096], o2[4096], o3[4096];
	char path[256];

	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "det.jsl",
					    "let t0 = Date.now();\n"
					    "let s = 0; for (let i = 0; i < 300000; i++) s += i;\n"
					    "console.log(Math.random(), Math.random(), t0, Date.now());\n",
					    path, sizeof(path)),
			      0);
	{
		char *a[] = { "exec", "--seed", "42", "--time", "1000", path, NULL };

		CU_ASSERT_EQUAL(run_bin(a, o1, sizeof(o1)), 0);
		CU_ASSERT_EQUAL(run_bin(a, o2, sizeof(o2)), 0);
		CU_ASSERT_STRING_EQUAL(o1, o2);
		/* Date.now() starts at --time and advances with fuel, not the host's clock */
		CU_ASSERT_PTR_NOT_NULL(strstr(o1, " 1000 10"));
	}
	{
		char *a[] = { "run", "--seed", "42", path, NULL };
		char *e[] = { "exec", "--seed", "42", path, NULL };
		char *p1, *p3;

		CU_ASSERT_EQUAL(run_bin(a, o2, sizeof(o2)), 0);
		CU_ASSERT_EQUAL(run_bin(e, o3, sizeof(o3)), 0);
		/* the two Math.random() values agree (the times differ: start time now) */
		p1 = strchr(strchr(o2, ' ') + 1, ' ');
		p3 = strchr(strchr(o3, ' ') + 1, ' ');
		CU_ASSERT_TRUE(p1 && p3 && p1 - o2 == p3 - o3 && !strncmp(o2, o3, (size_t)(p1 - o2)));
		CU_ASSERT_TRUE(p1 && !strncmp(o1, o2, (size_t)(p1 - o2)));
	}
}

/*
 * tasklet run --record DIR keeps each answered Tasklet; tasklet replay DIR
 * runs them again here and checks the digests: the same for an honest
 * container, a mismatch (exit 1) for a lying one.
 */
static void test_record_and_replay(void)
{
	struct tp_proc t, h, l;
	const char *oh[] = { "--host", "h-honest", NULL };
	const char *ol[] = { "--host", "h-liar", "--inject", "lie=1", "--price", "9", NULL };
	static char out[8192];
	char prog[256], rec1[300], rec2[300];

	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "rec.jsl",
					    "let a = [];\nfor (let i = 0; i < 50; i++) "
					    "a.push(Math.floor(Math.random() * 100));\n"
					    "console.log(a.join(','));\nDate.now() % 7;\n",
					    prog, sizeof(prog)),
			      0);
	snprintf(rec1, sizeof(rec1), "%s/rec-honest", dir);
	snprintf(rec2, sizeof(rec2), "%s/rec-liar", dir);
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-rec", NULL) == 0);
	CU_ASSERT_FATAL(tf_start_container(dir, &h, &t, "c-rec-honest", oh) == 0);
	{
		char *a[] = { "run", "--trader", t.line, "--record", rec1, "--repeat", "3", prog,
			      NULL };
		char *r[] = { "replay", rec1, NULL };

		CU_ASSERT_EQUAL(run_bin(a, out, sizeof(out)), 0);
		CU_ASSERT_EQUAL(run_bin(r, out, sizeof(out)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay: 3 same, 0 different, 0 unreadable"));
	}
	CU_ASSERT_TRUE(tf_stop_ok(&h));
	CU_ASSERT_FATAL(tf_start_container(dir, &l, &t, "c-rec-liar", ol) == 0);
	{
		char *a[] = { "run", "--trader", t.line, "--record", rec2, prog, NULL };
		char *r[] = { "replay", rec2, NULL };

		CU_ASSERT_EQUAL(run_bin(a, out, sizeof(out)), 0);
		CU_ASSERT_EQUAL(run_bin(r, out, sizeof(out)), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "MISMATCH"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "c-rec-liar"));
	}
	CU_ASSERT_TRUE(tf_stop_ok(&l));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

TL_SUITE(x_qos, suite_init, suite_clean,
	 { "FaultTolerance(2): distinct hosts, first answer wins, the other cancelled",
	   test_ft_replicas_distinct_hosts_cancel },
	 { "FaultTolerance(3) with two hosts: refused, saying so", test_ft_too_few_hosts },
	 { "FaultTolerance(2): a replica's container killed, answered once",
	   test_ft_replica_killed },
	 { "digests: replicas disagree with a lying container", test_digest_finds_a_liar },
	 { "Deadline: the trader answers 'deadline missed' at the deadline",
	   test_deadline_answered_by_trader },
	 { "Reliability(0.99) under 50% drops: retransmission", test_reliability_under_drops },
	 { "Reliability reads its program's own response times", test_reliability_per_program_window },
	 { "Reliability: a container that drops everything is avoided",
	   test_reliability_avoids_black_hole },
	 { "earliest deadline first inside one container", test_edf_in_one_container },
	 { "determinism: --seed and --time reproduce a run", test_determinism_seed_and_time },
	 { "record and replay: digests checked", test_record_and_replay })

/* SPDX-License-Identifier: MIT */
/* Description: real trader + container processes on loopback, driven by `tasklet run`. */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/proc.h"
#include "tests/tl_test.h"

static char dir[128];
static struct tp_proc trader, c1, c2;
static char taddr[128];

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
	CU_ASSERT_FATAL(tp_write_file(dir, name, text, path, cap) == 0);
}

/* One trader, c1 (priority queue, 2 workers, price 20), c2 (economy only, price 10). */
static int setup(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL };

	if (tp_tmpdir(dir, sizeof(dir)) < 0)
		return -1;
	if (tp_start(&trader, dir, "trader", NULL, targv) < 0 || tp_first_line(&trader, 15000) < 0)
		return -1;
	snprintf(taddr, sizeof(taddr), "%s", trader.line);
	{
		char *a1[] = { (char *)tl_test_bin(), "container", "--trader", taddr, "--name",
			       "c1", "--workers", "2", "--price", "20", "--verbose", NULL };
		char *a2[] = { (char *)tl_test_bin(), "container", "--trader", taddr, "--name",
			       "c2", "--price", "10", "--no-priority", NULL };

		if (tp_start(&c1, dir, "c1", NULL, a1) < 0 || tp_start(&c2, dir, "c2", NULL, a2) < 0)
			return -1;
	}
	if (tp_wait_log(&trader, "container c1 registered", 5000) < 0 ||
	    tp_wait_log(&trader, "container c2 registered", 5000) < 0)
		return -1;
	return 0;
}

static int teardown(void)
{
	tp_stop(&c1, SIGTERM, 3000);
	tp_stop(&c2, SIGTERM, 3000);
	tp_stop(&trader, SIGTERM, 3000);
	tp_rmdir(dir);
	return 0;
}

static char out[1 << 16], err[1 << 16];

static int run(char *const argv[])
{
	int rc = tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000);

	if (rc != 0)
		fprintf(stderr, "\n[%s exited %d]\nstdout:\n%s\nstderr:\n%s\n", argv[1], rc, out,
			err);
	return rc;
}

static void test_priority_and_economy(void)
{
	char prio[256], econ[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, prio, econ, NULL };

	write_file("prio.jsl",
		   "@QOS Priority('True');\n"
		   "function sq(x) { return x * x; }\n"
		   "console.log('urgent', sq(12));\n"
		   "sq(3) + 1;\n",
		   prio, sizeof(prio));
	write_file("econ.jsl",
		   "let s = 0; let i = 0;\n"
		   "while (i < 1000) { s = s + i; i = i + 1; }\n"
		   "console.log('sum', s);\n"
		   "s;\n",
		   econ, sizeof(econ));
	CU_ASSERT_EQUAL(run(argv), 0);
	/* Priority('True') can only go to c1; economy goes to the cheaper c2. */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "prio.jsl: ok on c1 (priority) ==\nurgent 144\n=> 10\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "econ.jsl: ok on c2 (economy) ==\nsum 499500\n=> 499500\n"));
	CU_ASSERT_EQUAL(tp_wait_log(&c1, "(priority)", 2000), 0);
	CU_ASSERT_TRUE(tp_alive(&trader) && tp_alive(&c1) && tp_alive(&c2));
}

static void test_example_hello(void)
{
	char path[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, path, NULL };

	snprintf(path, sizeof(path), "%s/examples/hello.jsl", tl_test_src());
	CU_ASSERT_EQUAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Hello"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> "));
}

static void test_many_concurrent(void)
{
	char prog[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, "--repeat", "40", prog, NULL };
	int oks = 0;

	write_file("many.jsl",
		   "function fib(n) { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }\n"
		   "fib(15);\n",
		   prog, sizeof(prog));
	CU_ASSERT_EQUAL(run(argv), 0);
	for (char *s = out; (s = strstr(s, "=> 610\n")); s++)
		oks++;
	CU_ASSERT_EQUAL(oks, 40);
}

static void test_no_match_is_answered(void)
{
	char prog[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, prog, NULL };

	write_file("private.jsl", "@QOS Privacy('TLS', 'test-ca');\nconsole.log('x');\n", prog,
		   sizeof(prog));
	CU_ASSERT_EQUAL(tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no matching container"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Privacy('TLS', 'test-ca')"));
	CU_ASSERT_PTR_NULL(strstr(out, "x\n"));
}

/* --local-fallback: what no container matches runs in the application. */
static void test_local_fallback(void)
{
	char prog[256], plain[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, "--local-fallback",
			 prog, plain, NULL };

	write_file("private2.jsl", "@QOS Privacy('TLS', 'test-ca');\nconsole.log('kept home');\n2 ** 0 + 41;\n",
		   prog, sizeof(prog));
	write_file("plain.jsl", "'remote';\n", plain, sizeof(plain));
	CU_ASSERT_EQUAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "private2.jsl: ok on local (economy) ==\nkept home\n=> 42\n"));
	/* Only the unmatched one stays home. */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "plain.jsl: ok on c2 (economy) ==\n=> 'remote'\n"));
}

static void test_runtime_error_reported(void)
{
	char prog[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, prog, NULL };

	write_file("loop.jsl", "console.log('start');\nwhile (true) { }\n", prog, sizeof(prog));
	/* Container default fuel is large; a 0-fuel container is not what we run, so
	 * use exec's bound instead: the network path must carry the fuel error. */
	{
		char *eargv[] = { (char *)tl_test_bin(), "exec", "--fuel", "100000", prog, NULL };

		CU_ASSERT_EQUAL(tp_run(eargv, NULL, out, sizeof(out), err, sizeof(err), 30000), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "start\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "fuel"));
	}
	write_file("throw.jsl", "let f = 3;\nconsole.log('before');\nf(1);\n", prog,
		   sizeof(prog));
	CU_ASSERT_EQUAL(tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "before\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "runtime error"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "throw.jsl:3: TypeError: f is not a function"));
}

static void test_compile_error_local(void)
{
	char prog[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, prog, NULL };

	write_file("bad.jsl", "@QOS Speed(3);\nconsole.log(1);\n", prog, sizeof(prog));
	CU_ASSERT_EQUAL(tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.jsl:1:6: unknown QoS category 'Speed'"));
}

/* A container that dies with a Tasklet in hand: the application hears of it. */
static void test_container_lost(void)
{
	char prog[256];
	struct tp_proc t2, c9;
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL };

	write_file("forever.jsl", "let i = 0;\nwhile (true) { i = i + 1; }\n", prog, sizeof(prog));
	CU_ASSERT_FATAL(tp_start(&t2, dir, "trader2", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&t2, 15000) == 0);
	{
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", t2.line, "--name",
				  "doomed", "--fuel", "1000000000000", "--verbose", NULL };
		char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", t2.line, "--timeout",
				  "20", prog, NULL };

		CU_ASSERT_FATAL(tp_start(&c9, dir, "doomed", NULL, cargv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&t2, "container doomed registered", 5000) == 0);
		pid_t killer = fork();

		if (killer == 0) {
			/* Kill the container once it is running the Tasklet. */
			for (int i = 0; i < 500 && !tp_log_count(&c9, "started"); i++)
				usleep(10000);
			kill(c9.pid, SIGKILL);
			_exit(0);
		}
		CU_ASSERT_EQUAL(tp_run(rargv, NULL, out, sizeof(out), err, sizeof(err), 25000), 1);
		if (killer > 0)
			waitpid(killer, NULL, 0);
		/* No other container to place it on: lost, and the message says both. */
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "container lost"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "doomed"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no other container can take it"));
	}
	tp_stop(&c9, SIGKILL, 1000);
	CU_ASSERT_TRUE(tp_alive(&t2));
	tp_stop(&t2, SIGTERM, 3000);
}

static void test_embedded_default(void)
{
	char path[256];
	char *argv[] = { (char *)tl_test_bin(), "run", path, NULL };

	snprintf(path, sizeof(path), "%s/examples/hello.jsl", tl_test_src());
	CU_ASSERT_EQUAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Hello"));
	/* Quiet by default: the embedded daemons do not log. */
	CU_ASSERT_PTR_NULL(strstr(err, "tasklet["));
}

/* A full queue refuses work: every refused Tasklet is answered "container busy". */
static void test_busy_container_answers(void)
{
	char prog[256];
	struct tp_proc t3, c3;
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL };
	int ok = 0, busy = 0;

	write_file("slow.jsl",
		   "let i = 0;\nwhile (i < 2000000) { i = i + 1; }\ni;\n", prog, sizeof(prog));
	CU_ASSERT_FATAL(tp_start(&t3, dir, "trader3", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&t3, 15000) == 0);
	{
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", t3.line, "--name",
				  "tiny", "--queue", "1", NULL };
		char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", t3.line, "--repeat",
				  "12", prog, NULL };

		CU_ASSERT_FATAL(tp_start(&c3, dir, "tiny", NULL, cargv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&t3, "container tiny registered", 5000) == 0);
		CU_ASSERT_EQUAL(tp_run(rargv, NULL, out, sizeof(out), err, sizeof(err), 60000), 1);
	}
	for (char *s = out; (s = strstr(s, "ok on tiny")); s++)
		ok++;
	for (char *s = err; (s = strstr(s, "container busy")); s++)
		busy++;
	/* Twelve submitted, twelve answered: some ran, the rest were refused. */
	CU_ASSERT_TRUE(ok >= 1);
	CU_ASSERT_TRUE(busy >= 1);
	CU_ASSERT_EQUAL(ok + busy, 12);
	/* The trader offers a full container nothing: it answers for it. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is full, draining or suspected"));
	CU_ASSERT_TRUE(tp_alive(&c3) && tp_alive(&t3));
	tp_stop(&c3, SIGTERM, 3000);
	tp_stop(&t3, SIGTERM, 3000);
}

/* A trader that restarts: its containers register again by themselves. */
static void test_trader_restart(void)
{
	char prog[256];
	struct tp_proc t4, t5, c4;
	char listen[64];
	/* A fixed port below the ephemeral range: an ephemeral one may be taken by
	 * an outgoing connection before the second trader binds it. */
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", listen, NULL };

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", 30000 + (int)(getpid() % 2000));
	write_file("after.jsl", "console.log('after restart');\n7 * 6;\n", prog, sizeof(prog));
	CU_ASSERT_FATAL(tp_start(&t4, dir, "trader4", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&t4, 15000) == 0);
	{
		char addr[128];
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", addr, "--name",
				  "phoenix", NULL };
		char *t5argv[] = { (char *)tl_test_bin(), "trader", "--listen", addr, NULL };
		char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", addr, prog, NULL };

		snprintf(addr, sizeof(addr), "%s", t4.line);
		CU_ASSERT_FATAL(tp_start(&c4, dir, "phoenix", NULL, cargv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&t4, "container phoenix registered", 5000) == 0);
		CU_ASSERT_EQUAL(WIFEXITED(tp_stop(&t4, SIGTERM, 3000)), 1);
		CU_ASSERT_EQUAL(tp_wait_log(&c4, "lost trader", 3000), 0);
		CU_ASSERT_FATAL(tp_start(&t5, dir, "trader5", NULL, t5argv) == 0);
		CU_ASSERT_EQUAL(tp_wait_log(&t5, "container phoenix registered", 5000), 0);
		CU_ASSERT_EQUAL(run(rargv), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "after restart\n=> 42\n"));
	}
	tp_stop(&c4, SIGTERM, 3000);
	tp_stop(&t5, SIGTERM, 3000);
}

/* --hold-ms: an unmatched Tasklet waits for a container that fits, or gives up. */
static void test_hold_until_container_registers(void)
{
	char prog[256];
	struct tp_proc t6, c6;
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0",
			  "--hold-ms", "4000", NULL };

	write_file("held.jsl", "@QOS Priority('True');\nconsole.log('held');\n1;\n", prog,
		   sizeof(prog));
	CU_ASSERT_FATAL(tp_start(&t6, dir, "trader6", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&t6, 15000) == 0);
	{
		char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", t6.line, prog, NULL };
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", t6.line, "--name",
				  "late", NULL };
		pid_t late = fork();

		memset(&c6, 0, sizeof(c6));
		snprintf(c6.log, sizeof(c6.log), "%s/late.log", dir);
		if (late == 0) {
			int fd = open(c6.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			/* The container arrives after the Tasklet was submitted and held. */
			for (int i = 0; i < 300 && !tp_log_count(&t6, "held:"); i++)
				usleep(10000);
			dup2(fd, 1);
			dup2(fd, 2);
			execv(cargv[0], cargv);
			_exit(127);
		}
		c6.pid = late;
		c6.out_fd = -1;
		CU_ASSERT_EQUAL(run(rargv), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "held\n=> 1\n"));
		CU_ASSERT_EQUAL(tp_log_count(&t6, "held: no container is registered"), 1);
		tp_stop(&c6, SIGTERM, 3000);
	}
	/* Nobody with a priority queue comes: answered after the hold, not before. */
	{
		char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", t6.line, "--name",
				  "econ-only", "--no-priority", NULL };
		char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", t6.line, prog, NULL };
		struct timespec a, b;
		double secs;

		CU_ASSERT_FATAL(tp_start(&c6, dir, "econ-only", NULL, cargv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&t6, "container econ-only registered", 5000) == 0);
		clock_gettime(CLOCK_MONOTONIC, &a);
		CU_ASSERT_EQUAL(tp_run(rargv, NULL, out, sizeof(out), err, sizeof(err), 20000), 1);
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		CU_ASSERT_TRUE(secs >= 3.9);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no matching container"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "Priority('True')"));
		tp_stop(&c6, SIGTERM, 3000);
	}
	tp_stop(&t6, SIGTERM, 3000);
}

/* SpeedMinimum filters on the speed containers measured at start-up. */
static void test_speed_minimum(void)
{
	char fast[256], slow[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, fast, NULL };

	write_file("fast.jsl", "@QOS SpeedMinimum(1);\n'quick';\n", fast, sizeof(fast));
	write_file("slow.jsl", "@QOS SpeedMinimum(4000000000);\n'never';\n", slow, sizeof(slow));
	CU_ASSERT_EQUAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 'quick'\n"));
	argv[4] = slow;
	CU_ASSERT_EQUAL(tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 30000), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no registered container satisfies SpeedMinimum(4000000000)"));
}

/* The C API, used as an outside program would: build/examples/client. */
static void test_c_client_example(void)
{
	char bin[256], f1[256], f2[256];
	char *argv[] = { bin, "--trader", taddr, f1, f2, NULL };

	snprintf(bin, sizeof(bin), "%s/examples/client", tl_test_build());
	snprintf(f1, sizeof(f1), "%s/examples/hello.jsl", tl_test_src());
	write_file("sq.jsl", "@QOS Priority('True');\nfunction sq(x) { return x * x; }\nsq(9);\n",
		   f2, sizeof(f2));
	CU_ASSERT_EQUAL(run(argv), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hello.jsl: ok on c2, result 'Hello from a Tasklet'\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "sq.jsl: ok on c1, result 81\n"));
}

/* Bad command lines are usage errors (exit 2) that say what is wrong. */
static void test_bad_options(void)
{
	static const struct {
		const char *argv[6];
		const char *msg;
	} cases[] = {
		{ { "container", "--trader", "1.2.3:x" }, "'1.2.3:x' is not an address" },
		{ { "container", "--trader", "127.0.0.1:7000", "--workers", "many" },
		  "--workers: 'many' is not a number" },
		{ { "container" }, "usage: tasklet container" },
		{ { "trader", "--listen", "nowhere" }, "'nowhere' is not an address" },
		{ { "trader", "--listen", "127.0.0.1:0", "--hold-ms", "-5" }, "--hold-ms" },
		{ { "run", "--trader", "bogus", "x.jsl" }, "bad trader address 'bogus'" },
		{ { "run" }, "usage: tasklet run" },
		{ { "exec", "/nonexistent.jsl" }, "/nonexistent.jsl: cannot open" },
		{ { "frobnicate" }, "unknown command 'frobnicate'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { (char *)tl_test_bin() };
		int rc;

		for (int k = 0; k < 6 && cases[i].argv[k]; k++)
			argv[k + 1] = (char *)cases[i].argv[k];
		rc = tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), 10000);
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].msg));
		if (rc != 2 || !strstr(err, cases[i].msg))
			fprintf(stderr, "\ncase %zu: exit %d, stderr: %s\n", i, rc, err);
	}
}

/* Last: the daemons stop on SIGTERM with status 0 and said nothing alarming
 * (in a SAN=1 build a leak or memory error would show here). */
static void test_daemons_stop_cleanly(void)
{
	struct tp_proc *ps[] = { &c1, &c2, &trader };

	/* Every result of this suite's normal runs was acknowledged by its application. */
	CU_ASSERT_EQUAL(tp_log_count(&c1, "not delivered"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&c2, "not delivered"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "unknown tasklet"), 0);
	for (int i = 0; i < 3; i++) {
		int st = tp_stop(ps[i], SIGTERM, 5000);

		CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		CU_ASSERT_EQUAL(tp_log_count(ps[i], "Sanitizer"), 0);
		CU_ASSERT_EQUAL(tp_log_count(ps[i], "runtime error"), 0);
	}
	CU_ASSERT_EQUAL(tp_log_count(&trader, "shutting down"), 1);
}

TL_SUITE(x_loopback, setup, teardown,
	 { "priority to c1, economy to the cheaper c2", test_priority_and_economy },
	 { "examples/hello.jsl through trader and container", test_example_hello },
	 { "40 concurrent Tasklets all answered", test_many_concurrent },
	 { "no matching container: answered with the QoS named", test_no_match_is_answered },
	 { "--local-fallback runs an unmatched Tasklet in the application", test_local_fallback },
	 { "runtime errors reach the application", test_runtime_error_reported },
	 { "compile errors stay local with file:line:col", test_compile_error_local },
	 { "the only container killed mid-run: application told 'container lost'", test_container_lost },
	 { "embedded default: tasklet run FILE with no trader", test_embedded_default },
	 { "C API example program through the trader", test_c_client_example },
	 { "full queue: refused Tasklets answered 'container busy'", test_busy_container_answers },
	 { "trader restart: containers register again", test_trader_restart },
	 { "--hold-ms: held until a container registers, else answered", test_hold_until_container_registers },
	 { "SpeedMinimum filters on measured speed", test_speed_minimum },
	 { "bad command lines: exit 2 with a message", test_bad_options },
	 { "daemons stop on SIGTERM with status 0", test_daemons_stop_cleanly })

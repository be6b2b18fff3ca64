/* SPDX-License-Identifier: MIT */
/*
 * Description: trader, two containers and the application each in its own
 * network namespace (four hosts on one veth bridge), as root; a container's
 * link cut and restored under load, every Tasklet answered exactly once.
 *
 * Topology (addresses exist only inside namespaces this suite creates):
 *
 *   [tr 10.123.0.1] [c1 10.123.0.2] [c2 10.123.0.3] [app 10.123.0.4]
 *          \              |               |              /
 *           +-------- br0 in namespace sw (a switch) ----+
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "runtime/app/tasklet.h"
#include "tests/proc.h"
#include "tests/tl_test.h"

static const char *const hosts[] = { "tr", "c1", "c2", "app" };
#define NHOSTS 4

static char dir[128];
static char ns[NHOSTS][32], sw[32];
static const char *skip_reason;
static struct tp_proc trader, c1, c2;
static int created;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "netns set-up: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static void destroy(void)
{
	for (int i = 0; i < NHOSTS; i++)
		if (ns[i][0])
			sh("ip netns del %s 2>/dev/null || true", ns[i]);
	if (sw[0])
		sh("ip netns del %s 2>/dev/null || true", sw);
}

static int setup(void)
{
	int pid = (int)getpid();

	if (geteuid() != 0) {
		skip_reason = "needs root to create network namespaces (CI runs as root)";
		return 0;
	}
	if (system("ip netns list >/dev/null 2>&1") != 0) {
		skip_reason = "the 'ip' tool (iproute2) with netns support is not available";
		return 0;
	}
	if (tp_tmpdir(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(sw, sizeof(sw), "tl%d-sw", pid);
	if (sh("ip netns add %s", sw) != 0) {
		sw[0] = 0;
		skip_reason = "this kernel or sandbox does not allow creating network namespaces";
		return 0;
	}
	created = 1;
	if (sh("ip -n %s link add br0 type bridge && ip -n %s link set br0 up && "
	       "ip -n %s link set lo up",
	       sw, sw, sw))
		return -1;
	for (int i = 0; i < NHOSTS; i++) {
		snprintf(ns[i], sizeof(ns[i]), "tl%d-%s", pid, hosts[i]);
		/* veth names are per namespace once moved; create with unique temp names. */
		if (sh("ip netns add %s", ns[i]) ||
		    sh("ip link add tlh%d-%d type veth peer name tls%d-%d", pid % 10000, i,
		       pid % 10000, i) ||
		    sh("ip link set tlh%d-%d netns %s name eth0", pid % 10000, i, ns[i]) ||
		    sh("ip link set tls%d-%d netns %s name p%d", pid % 10000, i, sw, i) ||
		    sh("ip -n %s link set p%d master br0 up", sw, i) ||
		    sh("ip -n %s addr add 10.123.0.%d/24 dev eth0", ns[i], i + 1) ||
		    sh("ip -n %s link set eth0 up && ip -n %s link set lo up", ns[i], ns[i]))
			return -1;
	}
	return 0;
}

static int teardown(void)
{
	tp_stop(&c1, SIGTERM, 3000);
	tp_stop(&c2, SIGTERM, 3000);
	tp_stop(&trader, SIGTERM, 3000);
	if (created)
		destroy();
	if (dir[0])
		tp_rmdir(dir);
	return 0;
}

static char out[1 << 16], err[1 << 16];

static void test_four_hosts(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "10.123.0.1:7000", NULL };
	char *a1[] = { (char *)tl_test_bin(), "container", "--trader", "10.123.0.1:7000", "--name",
		       "nc1", "--price", "5", "--verbose", NULL };
	char *a2[] = { (char *)tl_test_bin(), "container", "--trader", "10.123.0.1:7000", "--name",
		       "nc2", "--price", "9", NULL };
	char prio[256], econ[256];
	char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", "10.123.0.1:7000", "-v",
			  prio, econ, NULL };
	int rc;

	if (skip_reason) {
		TL_SKIP(skip_reason);
		return;
	}
	CU_ASSERT_FATAL(tp_write_file(dir, "prio.jsl",
				      "@QOS Priority('True');\nconsole.log('across hosts');\n6 * 7;\n",
				      prio, sizeof(prio)) == 0);
	CU_ASSERT_FATAL(tp_write_file(dir, "econ.jsl",
				      "let s = 'net';\nconsole.log(s + 'ns');\ns.length;\n", econ,
				      sizeof(econ)) == 0);

	CU_ASSERT_FATAL(tp_start(&trader, dir, "trader", ns[0], targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&trader, 15000) == 0);
	CU_ASSERT_STRING_EQUAL(trader.line, "10.123.0.1:7000");
	CU_ASSERT_FATAL(tp_start(&c1, dir, "nc1", ns[1], a1) == 0);
	CU_ASSERT_FATAL(tp_start(&c2, dir, "nc2", ns[2], a2) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&trader, "container nc1 registered from 10.123.0.2:", 5000) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&trader, "container nc2 registered from 10.123.0.3:", 5000) == 0);

	rc = tp_run(rargv, ns[3], out, sizeof(out), err, sizeof(err), 30000);
	if (rc != 0)
		fprintf(stderr, "\nrun exited %d\nstdout:\n%s\nstderr:\n%s\n", rc, out, err);
	CU_ASSERT_EQUAL(rc, 0);
	/* Both ran on the cheaper nc1 (it has a priority queue too). */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "prio.jsl: ok on nc1 (priority) ==\nacross hosts\n=> 42\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "econ.jsl: ok on nc1 (economy) ==\nnetns\n=> 3\n"));
	/* The container fetched from the application's own host address. */
	CU_ASSERT_EQUAL(tp_wait_log(&c1, "from 10.123.0.4:", 2000), 0);
}

/* The application cannot be reached from the containers: the Tasklet still ends,
 * with an error that says why. */
static void test_unreachable_app_times_out_cleanly(void)
{
	char prog[256];
	char *rargv[] = { (char *)tl_test_bin(), "run", "--trader", "10.123.0.1:7000",
			  "--listen", "127.0.0.1:0", "--timeout", "5", prog, NULL };
	int rc;

	if (skip_reason) {
		TL_SKIP(skip_reason);
		return;
	}
	CU_ASSERT_FATAL(tp_alive(&trader));
	CU_ASSERT_FATAL(tp_write_file(dir, "lonely.jsl", "1 + 1;\n", prog, sizeof(prog)) == 0);
	/* The app listens on 127.0.0.1 of its own namespace; the trader vouches
	 * for the host its SUBMIT came from (10.123.0.4), where nothing listens
	 * on that port: the container cannot fetch. */
	rc = tp_run(rargv, ns[3], out, sizeof(out), err, sizeof(err), 15000);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NULL(strstr(out, "=> 2"));
	/* Not a silent time-out: the container's report reaches the application
	 * over its trader link, naming the address that could not be reached. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "result undeliverable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "could not deliver the result to 10.123.0.4:"));
	CU_ASSERT_PTR_NULL(strstr(err, "no result within"));
	CU_ASSERT_TRUE(tp_alive(&c1) && tp_alive(&c2) && tp_alive(&trader));
}

/*
 * A client of the public API that lives in network namespace name: its
 * sockets (the listener, the trader link, and those its I/O thread opens
 * later, as that thread inherits the namespace) are in name, while this
 * thread goes back to the runner's namespace. NULL on failure (said on stderr).
 */
static struct tl_client *client_in_ns(const char *name, const char *trader_addr,
				      const char *listen)
{
	struct tl_options o = { .trader = trader_addr, .listen = listen };
	struct tl_client *cl = NULL;
	char path[128], msg[256];
	int self, there;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	there = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || there < 0 || setns(there, CLONE_NEWNET) < 0) {
		fprintf(stderr, "\ncannot enter network namespace %s: %s\n", name, strerror(errno));
		goto out;
	}
	cl = tl_client_new(&o, msg, sizeof(msg));
	if (!cl)
		fprintf(stderr, "\ntl_client_new in %s: %s\n", name, msg);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* every later test would run in the wrong namespace */
		fprintf(stderr, "\ncannot return to the runner's namespace: %s\n", strerror(errno));
		abort();
	}
out:
	if (there >= 0)
		close(there);
	if (self >= 0)
		close(self);
	return cl;
}

#define CUT_N 4 /* Tasklets per batch: one per worker of the container whose link is cut */

/* Submit CUT_N Tasklets, the i-th returning k * k + 1 for k = k0 + i. 0, or -1 (said). */
static int cut_submit(struct tl_client *cl, int k0, uint64_t *ids)
{
	char src[96], msg[256];

	for (int i = 0; i < CUT_N; i++) {
		snprintf(src, sizeof(src), "let k = %d;\nk * k + 1;\n", k0 + i);
		if (tl_submit_source(cl, "cut.jsl", src, strlen(src), &ids[i], msg, sizeof(msg)) < 0) {
			fprintf(stderr, "\nsubmit k=%d: %s\n", k0 + i, msg);
			return -1;
		}
	}
	return 0;
}

/*
 * Collect the Tasklets of cut_submit, each exactly once: tl_wait answers it
 * with status ok and its own value, and a second tl_wait finds nothing. How
 * many were answered by container on goes to *n_on. Returns how many passed.
 */
static int cut_collect(struct tl_client *cl, int k0, const uint64_t *ids, const char *on,
		       int *n_on)
{
	int good = 0;

	*n_on = 0;
	for (int i = 0; i < CUT_N; i++) {
		struct tl_result r, again;
		char want[32];
		int rc = tl_wait(cl, ids[i], &r, 30000), rc2 = tl_wait(cl, ids[i], &again, 0);

		snprintf(want, sizeof(want), "%d", (k0 + i) * (k0 + i) + 1);
		if (rc == 0 && r.status == TL_OK && r.value && !strcmp(r.value, want) &&
		    rc2 == -ENOENT)
			good++;
		else
			fprintf(stderr, "\ntasklet %016llx (k=%d): wait %d, status %s, value %s, "
				"from '%s': %s\n",
				(unsigned long long)ids[i], k0 + i, rc, tl_status_name(r.status),
				r.value ? r.value : "-", r.container, r.error ? r.error : "");
		if (rc2 == 0) {
			fprintf(stderr, "\ntasklet %016llx answered twice\n",
				(unsigned long long)ids[i]);
			tl_result_free(&again);
		}
		*n_on += rc == 0 && !strcmp(r.container, on);
		if (rc == 0)
			tl_result_free(&r);
	}
	return good;
}

/*
 * The link of the container running a batch is cut (its veth port on the
 * switch goes down): the trader hears no heartbeat from it, suspects it
 * after --suspect-ms and places its Tasklets on the other container; the
 * link comes back, and the cut container delivers its late results. Each
 * Tasklet is answered exactly once, with its own value, by the container
 * that took it over; the late results are counted as duplicates and
 * dropped; the container that came back gets work again (the trader's
 * count of what it holds was not left behind).
 *
 * cut1 holds each Tasklet 4 s before running it (--inject delay, a sleep:
 * no CPU taken from a 2-core machine), so the whole batch is still there
 * when its link goes; cut2 runs them at once.
 */
static void test_link_cut_replaced_once(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "10.123.0.1:7001",
			  "--suspect-ms", "3000", "--verbose", NULL };
	char *a1[] = { (char *)tl_test_bin(), "container", "--trader", "10.123.0.1:7001", "--name",
		       "cut1", "--price", "1", "--workers", "4", "--inject",
		       "delay=lognormal:4000:0", "--verbose", NULL };
	char *a2[] = { (char *)tl_test_bin(), "container", "--trader", "10.123.0.1:7001", "--name",
		       "cut2", "--price", "9", "--workers", "2", NULL };
	struct tl_client *cl = NULL;
	uint64_t ids[CUT_N], end;
	struct tl_stats st;
	int cut = 0, on = 0;

	if (skip_reason) {
		TL_SKIP(skip_reason);
		return;
	}
	/* Daemons of its own: the earlier tests' are stopped. */
	tp_stop(&c1, SIGTERM, 3000);
	tp_stop(&c2, SIGTERM, 3000);
	tp_stop(&trader, SIGTERM, 3000);
	CU_ASSERT_FATAL(tp_start(&trader, dir, "cut-trader", ns[0], targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&trader, 15000) == 0);
	/* one after the other, so that cut1 is container 1 */
	CU_ASSERT_FATAL(tp_start(&c1, dir, "cut1", ns[1], a1) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&trader, "container cut1 registered from 10.123.0.2:", 10000) ==
			0);
	CU_ASSERT_FATAL(tp_start(&c2, dir, "cut2", ns[2], a2) == 0);
	CU_ASSERT_FATAL(tp_wait_log(&trader, "container cut2 registered from 10.123.0.3:", 10000) ==
			0);
	cl = client_in_ns(ns[3], "10.123.0.1:7001", "10.123.0.4:0");
	CU_ASSERT_FATAL(cl != NULL);

	/* The whole batch on cut1 (idle and cheaper: one per worker), admitted there. */
	if (cut_submit(cl, 100, ids) < 0)
		goto fail;
	end = clock_now_ms() + 10000;
	while (tp_log_count(&c1, " admitted ") < CUT_N && clock_now_ms() < end)
		usleep(10000);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "-> container cut1 ("), CUT_N);
	CU_ASSERT_EQUAL(tp_log_count(&c1, " admitted "), CUT_N);

	/* Cut: cut1's port on the switch goes down. */
	CU_ASSERT_EQUAL(sh("ip -n %s link set p1 down", sw), 0);
	cut = 1;
	/* Answered once each, by cut2, after the trader suspected cut1 (a
	 * bounded wait: tl_wait gives up after 30 s). */
	CU_ASSERT_EQUAL(cut_collect(cl, 100, ids, "cut2", &on), CUT_N);
	CU_ASSERT_EQUAL(on, CUT_N);

	/* Restore: cut1 is heard again and sends what it finished meanwhile. */
	CU_ASSERT_EQUAL(sh("ip -n %s link set p1 up", sw), 0);
	cut = 0;
	CU_ASSERT_EQUAL(tp_wait_log(&trader, "container cut1 (id 1) is heard from again", 20000), 0);
	end = clock_now_ms() + 20000;
	do {
		tl_client_stats(cl, &st);
		if (st.duplicates >= CUT_N)
			break;
		usleep(20000);
	} while (clock_now_ms() < end);
	/* every late result reached the application, and none was taken */
	CU_ASSERT_EQUAL(st.duplicates, CUT_N);

	/* cut1 is back in the trader's books with nothing held: the next batch is its. */
	if (cut_submit(cl, 200, ids) < 0)
		goto fail;
	CU_ASSERT_EQUAL(cut_collect(cl, 200, ids, "cut1", &on), CUT_N);
	CU_ASSERT_EQUAL(on, CUT_N);

	tl_client_stats(cl, &st);
	CU_ASSERT_EQUAL(st.submitted, 2 * CUT_N);
	CU_ASSERT_EQUAL(st.answered, 2 * CUT_N);
	CU_ASSERT_EQUAL(st.duplicates, CUT_N);
	CU_ASSERT_TRUE(tp_alive(&trader) && tp_alive(&c1) && tp_alive(&c2));
	goto out;
fail:
	CU_FAIL("could not submit (see stderr)");
out:
	if (cut)
		sh("ip -n %s link set p1 up", sw);
	tl_client_free(cl);
}

TL_SUITE(x_netns, setup, teardown,
	 { "trader, 2 containers, application on 4 hosts", test_four_hosts },
	 { "unreachable application: no hang, daemons fine", test_unreachable_app_times_out_cleanly },
	 { "link cut: Tasklets placed again, each answered once", test_link_cut_replaced_once })

/* SPDX-License-Identifier: MIT */
/*
 * Description: trader, two containers and the application each in its own
 * network namespace (four hosts on one veth bridge), as root.
 *
 * Topology (addresses exist only inside namespaces this suite creates):
 *
 *   [tr 10.123.0.1] [c1 10.123.0.2] [c2 10.123.0.3] [app 10.123.0.4]
 *          \              |               |              /
 *           +-------- br0 in namespace sw (a switch) ----+
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		       "nc1", "--price", "5", NULL };
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
	CU_ASSERT_FATAL(tp_first_line(&trader, 5000) == 0);
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

TL_SUITE(x_netns, setup, teardown,
	 { "trader, 2 containers, application on 4 hosts", test_four_hosts },
	 { "unreachable application: no hang, daemons fine", test_unreachable_app_times_out_cleanly })

/* SPDX-License-Identifier: MIT */
/* Description: the trust model with real processes: a whole cluster in secure mode (mutual TLS,
 * certificates made by tasklet cert) running Tasklets with Privacy honoured; a container without a
 * certificate, a second "c1", an application without one refused; in open mode, a SUBMIT or direct
 * ASSIGN that tries to steer a container to another address; a trader whose certificate carries
 * another name than the expected one (--trader-name) refused by containers and applications. */
#include <arpa/inet.h>
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
#include "vm/vm.h"

static char dir[128];
static char out[1 << 14], err[1 << 14];

/* Run the tasklet binary with args (NULL-terminated); its exit status. */
static int run_bin(const char *const *args, int timeout_ms)
{
	char *argv[32] = { (char *)tl_test_bin() };
	int n = 1;

	for (; *args && n < 31; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	return tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), timeout_ms);
}

/* dir/NAME.crt etc. */
static const char *pem(const char *name, const char *ext)
{
	static char buf[8][256];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s.%s", dir, name, ext);
	return buf[k];
}

static int suite_init(void)
{
	static const char *const cas[] = { "clusterca", "otherca" };
	static const char *const issued[][2] = {
	    {"clusterca", "trader"}, {"clusterca", "c1"}, {"clusterca", "app"},
	    {"otherca", "c3"},	     {"otherca", "app3"}, {"clusterca", "elsewhere"},
	    {"clusterca", "c5"},     {"clusterca", "app5"},      {"clusterca", "c6"}};
	char ca[256];

	signal(SIGPIPE, SIG_IGN);
	if (tp_tmpdir(dir, sizeof(dir)) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		const char *a[] = { "cert", "ca", "--name", cas[i], "--out", dir, NULL };

		if (run_bin(a, 20000) != 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(issued) / sizeof(issued[0]); i++) {
		const char *a[] = { "cert", "issue", "--ca", ca, "--name", issued[i][1], "--out", dir,
				    NULL };

		snprintf(ca, sizeof(ca), "%s/%s", dir, issued[i][0]);
		if (run_bin(a, 20000) != 0)
			return -1;
	}
	return 0;
}

static int suite_clean(void)
{
	tp_rmdir(dir);
	return 0;
}

/* A secure trader trusting both CAs. */
static int start_secure_trader(struct tp_proc *t)
{
	const char *o[] = { "--cert", pem("trader", "crt"), "--key", pem("trader", "key"), "--ca",
			    pem("clusterca", "crt"), "--ca", pem("otherca", "crt"), NULL };

	return tf_start_trader(dir, t, "t-sec", o);
}

/* A secure container: its certificate NAME (and so its name), trusting both CAs. */
static int start_secure_container(struct tp_proc *c, struct tp_proc *t, const char *name)
{
	const char *o[] = { "--cert", pem(name, "crt"), "--key", pem(name, "key"), "--ca",
			    pem("clusterca", "crt"), "--ca", pem("otherca", "crt"), NULL };
	char *argv[16] = { (char *)tl_test_bin(), "container", "--trader", t->line, "--verbose" };
	char pat[96];
	int n = 5;

	for (const char *const *p = o; *p; p++)
		argv[n++] = (char *)*p;
	argv[n] = NULL;
	if (tp_start(c, dir, name, NULL, argv) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "container %s registered", name);
	return tp_wait_log(t, pat, 10000);
}

/* tasklet run in secure mode as app (certificate name), on src. */
static int run_secure(const struct tp_proc *t, const char *app, const char *file)
{
	const char *a[] = { "run",	 "--trader", t->line, "--cert", pem(app, "crt"), "--key",
			    pem(app, "key"), "--ca",	   pem("clusterca", "crt"), "--ca",
			    pem("otherca", "crt"), file, NULL };

	return run_bin(a, 30000);
}

/*
 * A whole cluster in secure mode: trader, c1 (from clusterca), c3 (from
 * otherca), applications with certificates. Ordinary Tasklets run (make
 * demo's six among them, printing what they print locally);
 * Privacy('TLS', 'otherca') runs on c3 only, Privacy('TLS', 'clusterca')
 * on c1 only, Privacy('TLS', 'nosuchca') matches nothing.
 */
static void test_secure_cluster_privacy(void)
{
	static const char *const demo[] = { "hello.jsl",  "priority.jsl", "fib.jsl",
					    "economy.jsl", "primes.jsl",  "strings.jsl" };
	struct tp_proc t, c1, c3;
	char hello[256], p_other[256], p_cluster[256], p_none[256];
	int n3;

	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "hello.jsl", "console.log('hi')\n40 + 2\n", hello,
					    sizeof(hello)),
			      0);
	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "p-other.jsl",
					    "@QOS Privacy('TLS', 'otherca')\n'secret 1'\n", p_other,
					    sizeof(p_other)),
			      0);
	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "p-cluster.jsl",
					    "@QOS Privacy('TLS', 'clusterca')\n'secret 2'\n",
					    p_cluster, sizeof(p_cluster)),
			      0);
	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "p-none.jsl",
					    "@QOS Privacy('TLS', 'nosuchca')\n'secret 3'\n", p_none,
					    sizeof(p_none)),
			      0);
	CU_ASSERT_FATAL(start_secure_trader(&t) == 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "secure mode: mutual TLS"), 1);
	CU_ASSERT_FATAL(start_secure_container(&c1, &t, "c1") == 0);
	CU_ASSERT_FATAL(start_secure_container(&c3, &t, "c3") == 0);

	CU_ASSERT_EQUAL(run_secure(&t, "app", hello), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hi\n=> 42"));
	/* make demo's Tasklets, each printing what it prints run locally. */
	for (size_t i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
		const char *ex[] = { "exec", NULL, NULL };
		char file[512], local[sizeof(out)];

		snprintf(file, sizeof(file), "%s/examples/%s", tl_test_src(), demo[i]);
		ex[1] = file;
		CU_ASSERT_EQUAL_FATAL(run_bin(ex, 30000), 0);
		snprintf(local, sizeof(local), "%s", out);
		CU_ASSERT_EQUAL(run_secure(&t, "app", file), 0);
		CU_ASSERT_STRING_EQUAL(out, local);
	}
	n3 = tp_log_count(&c3, "admitted");
	for (int i = 0; i < 3; i++) { /* wherever placement puts them, always on c3 */
		CU_ASSERT_EQUAL(run_secure(&t, "app", p_other), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 'secret 1'"));
	}
	CU_ASSERT_EQUAL(tp_log_count(&c3, "admitted"), n3 + 3);
	CU_ASSERT_EQUAL(run_secure(&t, "app3", p_cluster), 0); /* an application of otherca */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 'secret 2'"));
	CU_ASSERT_EQUAL(run_secure(&t, "app", p_none), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no registered container satisfies Privacy('TLS', 'nosuchca')"));
	CU_ASSERT_TRUE(tf_stop_ok(&c3));
	CU_ASSERT_TRUE(tf_stop_ok(&c1));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Nobody joins uninvited: a container with no certificate fails the
 * handshake; a second "c1" (the same certificate) is refused while c1 is
 * registered; an application with no certificate fails at once (not after
 * a timeout) with the reason; the honest parties keep working.
 */
static void test_secure_refusals(void)
{
	struct tp_proc t, c1, rogue, dup;
	char hello[256];
	uint64_t t0;

	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "hello2.jsl", "6 * 7\n", hello, sizeof(hello)), 0);
	CU_ASSERT_FATAL(start_secure_trader(&t) == 0);
	CU_ASSERT_FATAL(start_secure_container(&c1, &t, "c1") == 0);
	{
		char *argv[] = { (char *)tl_test_bin(), "container", "--trader", t.line, "--name",
				 "c1", "--price", "0", NULL };

		CU_ASSERT_FATAL(tp_start(&rogue, dir, "rogue", NULL, argv) == 0);
	}
	CU_ASSERT_EQUAL(tp_wait_log(&t, "TLS handshake failed", 10000), 0);
	{
		char *argv[] = { (char *)tl_test_bin(), "container", "--trader", t.line, "--cert",
				 (char *)pem("c1", "crt"), "--key", (char *)pem("c1", "key"), "--ca",
				 (char *)pem("clusterca", "crt"), "--verbose", NULL };

		CU_ASSERT_FATAL(tp_start(&dup, dir, "c1-again", NULL, argv) == 0);
	}
	CU_ASSERT_EQUAL(tp_wait_log(&t, "a container named 'c1' is registered already", 10000), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&dup, "a container named 'c1' is registered already", 10000), 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "container c1 registered"), 1);
	/* The application without a certificate: refused at the handshake, told at once. */
	{
		const char *a[] = { "run", "--trader", t.line, hello, NULL };

		t0 = clock_now_ms();
		CU_ASSERT_EQUAL(run_bin(a, 30000), 1);
		CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "or run in secure (--cert) mode"));
	}
	/* The honest ones still work. */
	CU_ASSERT_EQUAL(run_secure(&t, "app", hello), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 42"));
	CU_ASSERT_EQUAL(tp_log_count(&dup, "admitted"), 0);
	tp_stop(&dup, SIGKILL, 1000);
	tp_stop(&rogue, SIGKILL, 1000);
	CU_ASSERT_TRUE(tf_stop_ok(&c1));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * The trader's name: containers and applications require the trader's
 * certificate to carry the name they expect ("trader", or --trader-name).
 * A trader whose certificate (from the trusted CA) is for "elsewhere" is
 * refused by both, at once and saying which name was expected; with
 * --trader-name elsewhere they work with it.
 */
static void test_trader_name_checked(void)
{
	const char *o[] = {"--cert", pem("elsewhere", "crt"), "--key", pem("elsewhere", "key"),
			   "--ca",   pem("clusterca", "crt"), NULL};
	struct tp_proc t, c, named;
	char hello[256];
	uint64_t t0;

	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "hello3.jsl", "6 * 7\n", hello, sizeof(hello)), 0);
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-elsewhere", o) == 0);
	/* an application expecting "trader" (the default) */
	{
		const char *a[] = {"run",
				   "--trader",
				   t.line,
				   "--cert",
				   pem("app", "crt"),
				   "--key",
				   pem("app", "key"),
				   "--ca",
				   pem("clusterca", "crt"),
				   hello,
				   NULL};

		t0 = clock_now_ms();
		CU_ASSERT_EQUAL(run_bin(a, 30000), 2);
		CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(err, "the peer's certificate for elsewhere is refused"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "we expect 'trader'"));
	}
	/* a container expecting "trader" does not register; one told the name does */
	{
		char *argv[] = {(char *)tl_test_bin(),
				"container",
				"--trader",
				t.line,
				"--cert",
				(char *)pem("c1", "crt"),
				"--key",
				(char *)pem("c1", "key"),
				"--ca",
				(char *)pem("clusterca", "crt"),
				NULL};

		CU_ASSERT_FATAL(tp_start(&c, dir, "c1-wrongname", NULL, argv) == 0);
		CU_ASSERT_EQUAL(tp_wait_log(&c, "we expect 'trader'", 10000), 0);
		CU_ASSERT_EQUAL(tp_log_count(&t, "registered from"), 0);
		tp_stop(&c, SIGKILL, 2000);
	}
	{
		char *argv[] = {(char *)tl_test_bin(),
				"container",
				"--trader",
				t.line,
				"--cert",
				(char *)pem("c1", "crt"),
				"--key",
				(char *)pem("c1", "key"),
				"--ca",
				(char *)pem("clusterca", "crt"),
				"--trader-name",
				"elsewhere",
				NULL};

		CU_ASSERT_FATAL(tp_start(&named, dir, "c1-named", NULL, argv) == 0);
		CU_ASSERT_EQUAL(tp_wait_log(&t, "container c1 registered", 20000), 0);
	}
	{
		const char *a[] = {"run",
				   "--trader",
				   t.line,
				   "--cert",
				   pem("app", "crt"),
				   "--key",
				   pem("app", "key"),
				   "--ca",
				   pem("clusterca", "crt"),
				   "--trader-name",
				   "elsewhere",
				   hello,
				   NULL};

		CU_ASSERT_EQUAL(run_bin(a, 30000), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 42"));
	}
	CU_ASSERT_TRUE(tf_stop_ok(&named));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/*
 * Open mode: a SUBMIT naming another host's address (127.0.0.2, where a
 * "victim" listens) does not make a container connect there: the trader
 * keeps only the port and takes the host the SUBMIT came from (127.0.0.1).
 * The same for an ASSIGN sent straight to a container's --listen endpoint.
 */
static void test_open_no_address_steering(void)
{
	struct tp_proc t, c;
	const char *oc[] = { "--listen", "127.0.0.1:0", NULL };
	char victim[64];
	int vfd, fd, accepted;
	struct vm_sig s = { .tasklet_id = 0xbad1, .root = 77, .seed = 1 };
	uint8_t buf[CXP_SIG_MAX_ENCODED];
	struct cxp_wbuf w;
	struct sockaddr_storage ss;
	unsigned sl;
	int n;

	vfd = tf_listen("127.0.0.2", victim, sizeof(victim));
	if (vfd < 0) {
		TL_SKIP("cannot listen on 127.0.0.2 (no loopback range here)");
		return;
	}
	CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-open", NULL) == 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "OPEN MODE"), 1);
	CU_ASSERT_FATAL(tf_start_container(dir, &c, &t, "c-open", oc) == 0);
	CU_ASSERT_EQUAL(tp_first_line(&c, 15000), 0); /* its --listen address */
	snprintf(s.app_addr, sizeof(s.app_addr), "%s", victim);
	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	n = cxp_sig_encode(&w, &s);
	CU_ASSERT_FATAL(n > 0);
	/* Through the trader. */
	CU_ASSERT_FATAL(cxp_addr_parse(t.line, &ss, &sl) == 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(fd >= 0 && connect(fd, (struct sockaddr *)&ss, sl) == 0);
	CU_ASSERT_FATAL(tf_send_frame(fd, CXP_MSG_SUBMIT, 0xbad1, buf, (size_t)n) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "error for tasklet 000000000000bad1", 15000), 0);
	close(fd);
	/* Straight to the container's endpoint. */
	s.tasklet_id = 0xbad2;
	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	n = cxp_sig_encode(&w, &s);
	CU_ASSERT_FATAL(cxp_addr_parse(c.line, &ss, &sl) == 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(fd >= 0 && connect(fd, (struct sockaddr *)&ss, sl) == 0);
	CU_ASSERT_FATAL(tf_send_frame(fd, CXP_MSG_ASSIGN, 0xbad2, buf, (size_t)n) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&c, "tasklet 000000000000bad2 admitted", 10000), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&c, "tasklet 000000000000bad2 failed before running", 15000), 0);
	close(fd);
	accepted = tf_count_accepts(vfd, 200);
	CU_ASSERT_EQUAL(accepted, 0);
	/* What the container was told to reach: the sender's own host. */
	CU_ASSERT_TRUE(tp_log_count(&c, "from 127.0.0.1:") >= 2);
	CU_ASSERT_EQUAL(tp_log_count(&c, "127.0.0.2"), 0);
	close(vfd);
	CU_ASSERT_TRUE(tf_stop_ok(&c));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

/* A container trusting clusterca and its revocation list crl. */
static int start_crl_container(struct tp_proc *c, struct tp_proc *t, const char *name,
			       const char *crl)
{
	char *argv[] = { (char *)tl_test_bin(), "container", "--trader", t->line, "--verbose",
			 "--cert", (char *)pem(name, "crt"), "--key", (char *)pem(name, "key"),
			 "--ca", (char *)pem("clusterca", "crt"), "--crl", (char *)crl, NULL };

	return tp_start(c, dir, name, NULL, argv);
}

/*
 * Revocation: tasklet cert revoke puts c5 and app5 on clusterca's list.
 * A trader given the list refuses both (the application at once), while
 * c1 and app, from the same CA, work on. A container given the list
 * refuses to fetch from app5 when a trader without it passes app5's
 * Tasklet on: the application hears an error, not a result.
 */
static void test_revoked_refused(void)
{
	char crl[256], hello[256];
	struct tp_proc t, c1, c5;
	uint64_t t0;

	snprintf(crl, sizeof(crl), "%s/clusterca.crl", dir);
	CU_ASSERT_EQUAL_FATAL(tp_write_file(dir, "hello5.jsl", "6 * 7\n", hello, sizeof(hello)), 0);
	for (int i = 0; i < 2; i++) {
		char ca[256];
		const char *a[] = { "cert", "revoke", "--ca", ca, "--cert",
				    pem(i ? "app5" : "c5", "crt"), NULL };

		snprintf(ca, sizeof(ca), "%s/clusterca", dir);
		CU_ASSERT_EQUAL(run_bin(a, 20000), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "clusterca.crl"));
	}
	{
		/* twice is not an error, and a certificate of another CA is refused */
		char ca[256];
		const char *again[] = { "cert", "revoke", "--ca", ca, "--cert", pem("c5", "crt"), NULL };
		const char *foreign[] = { "cert", "revoke", "--ca", ca, "--cert", pem("c3", "crt"),
					  NULL };

		snprintf(ca, sizeof(ca), "%s/clusterca", dir);
		CU_ASSERT_EQUAL(run_bin(again, 20000), 0);
		CU_ASSERT_EQUAL(run_bin(foreign, 20000), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not issued by the CA"));
	}
	/* A trader with the list. */
	{
		const char *o[] = { "--cert", pem("trader", "crt"), "--key", pem("trader", "key"),
				    "--ca", pem("clusterca", "crt"), "--crl", crl, NULL };

		CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-crl", o) == 0);
	}
	CU_ASSERT_FATAL(start_crl_container(&c1, &t, "c1", crl) == 0);
	CU_ASSERT_EQUAL_FATAL(tp_wait_log(&t, "container c1 registered", 20000), 0);
	CU_ASSERT_FATAL(start_crl_container(&c5, &t, "c5", crl) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "has been revoked", 20000), 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "container c5 registered"), 0);
	t0 = clock_now_ms();
	CU_ASSERT_EQUAL(run_secure(&t, "app5", hello), 2); /* the trader refused it: tasklet(1) */
	CU_ASSERT_TRUE(clock_now_ms() - t0 < 5000);
	CU_ASSERT_EQUAL(run_secure(&t, "app", hello), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 42"));
	tp_stop(&c5, SIGKILL, 1000);
	/* Revoked while the trader runs: the rewritten list applies from the
	 * next handshake on, no restart. */
	{
		char ca[256];
		const char *a[] = { "cert", "revoke", "--ca", ca, "--cert", pem("c6", "crt"), NULL };

		snprintf(ca, sizeof(ca), "%s/clusterca", dir);
		CU_ASSERT_EQUAL(run_bin(a, 20000), 0);
	}
	CU_ASSERT_FATAL(start_crl_container(&c5, &t, "c6", crl) == 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "revocation lists reloaded", 20000), 0);
	CU_ASSERT_EQUAL(tp_wait_log(&t, "certificate for c6 is refused", 20000), 0);
	CU_ASSERT_EQUAL(tp_log_count(&t, "container c6 registered"), 0);
	tp_stop(&c5, SIGKILL, 1000);
	CU_ASSERT_TRUE(tf_stop_ok(&c1));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
	/* A trader without it, a container with it: no fetch from app5. */
	{
		const char *o[] = { "--cert", pem("trader", "crt"), "--key", pem("trader", "key"),
				    "--ca", pem("clusterca", "crt"), NULL };

		CU_ASSERT_FATAL(tf_start_trader(dir, &t, "t-nocrl", o) == 0);
	}
	CU_ASSERT_FATAL(start_crl_container(&c1, &t, "c1", crl) == 0);
	CU_ASSERT_EQUAL_FATAL(tp_wait_log(&t, "container c1 registered", 20000), 0);
	CU_ASSERT_NOT_EQUAL(run_secure(&t, "app5", hello), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "=> 42"));
	CU_ASSERT_EQUAL(tp_wait_log(&c1, "has been revoked", 10000), 0);
	CU_ASSERT_EQUAL(run_secure(&t, "app", hello), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "=> 42"));
	CU_ASSERT_TRUE(tf_stop_ok(&c1));
	CU_ASSERT_TRUE(tf_stop_ok(&t));
}

TL_SUITE(x_secure, suite_init, suite_clean,
	 {"secure cluster: mutual TLS, Privacy('TLS', CA) honoured", test_secure_cluster_privacy},
	 {"secure mode refuses a container without a certificate, a second c1, an application "
	  "without a certificate (at once)",
	  test_secure_refusals},
	 {"open mode: no SUBMIT or direct ASSIGN steers a container to another address",
	  test_open_no_address_steering},
	 {"the trader's certificate must carry the expected name (--trader-name)",
	  test_trader_name_checked},
	 {"revoked certificates (tasklet cert revoke, --crl) refused by trader and container",
	  test_revoked_refused})

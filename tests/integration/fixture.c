/* SPDX-License-Identifier: MIT */
/* The integration suites' fixture: real daemons, a client, calibrated Tasklets (fixture.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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
#include "tests/tl_test.h"
#include "vm/jsl.h"
#include "vm/vm.h"

/* A trader on an ephemeral port; its address in p->line. --verbose: the tests
 * read its placements ("tasklet ID -> container NAME") from its log. */
int tf_start_trader(const char *dir, struct tp_proc *p, const char *name, const char *const *opts)
{
	char *argv[24] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0",
			   "--verbose" };
	int n = 5;

	for (; opts && *opts && n < 22; opts++)
		argv[n++] = (char *)*opts;
	argv[n] = NULL;
	if (tp_start(p, dir, name, NULL, argv) < 0 || tp_first_line(p, 15000) < 0)
		return -1;
	return 0;
}

/* A container registered with trader t: extra options in opts (NULL-terminated).
 * --verbose: the tests read its admissions and runs from its log. */
int tf_start_container(const char *dir, struct tp_proc *p, struct tp_proc *t, const char *name,
		       const char *const *opts)
{
	char *argv[32] = { (char *)tl_test_bin(), "container", "--trader", t->line, "--name",
			   (char *)name, "--verbose" };
	char pat[96];
	int n = 7;

	for (; opts && *opts && n < 30; opts++)
		argv[n++] = (char *)*opts;
	argv[n] = NULL;
	if (tp_start(p, dir, name, NULL, argv) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "container %s registered", name);
	return tp_wait_log(t, pat, 20000);
}

struct tl_client *tf_client(const struct tp_proc *t)
{
	struct tl_options o = { .trader = t->line };
	char err[256];
	struct tl_client *c = tl_client_new(&o, err, sizeof(err));

	if (!c)
		fprintf(stderr, "\ntl_client_new: %s\n", err);
	return c;
}

/* A Tasklet that loops n times and returns tag. */
int tf_submit_loop(struct tl_client *c, int prio, long n, int tag, uint64_t *id)
{
	char src[256], err[256];
	int rc;

	snprintf(src, sizeof(src),
		 "%slet i = 0;\nwhile (i < %ld) { i = i + 1; }\n%d;\n",
		 prio ? "@QOS Priority('True');\n" : "", n, tag);
	rc = tl_submit_source(c, "loop.jsl", src, strlen(src), id, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "\nsubmit: %s\n", err);
	return rc;
}

/* How many loop iterations take about ms milliseconds here (measured once). */
long tf_iters_for_ms(int ms)
{
	static double per_ms;

	if (!per_ms) {
		struct vm_store *st = vm_store_new(0);
		static const char src[] = "let i = 0;\nwhile (i < 2000000) { i = i + 1; }\ni;\n";
		struct vm_limits lim = { 0 };
		struct vm_result r = { 0 };
		char err[256];
		uint64_t root, t0;

		if (!st || jsl_compile(st, "cal.jsl", src, sizeof(src) - 1, &root, err, sizeof(err)))
			return 100000L * ms;
		/* The fastest of three runs: the first one pays for cold pages (a
		 * sanitizer's shadow memory especially), which made the Tasklets of
		 * these tests much shorter than they asked for. */
		for (int k = 0; k < 3; k++) {
			double v;

			t0 = clock_now_ns();
			vm_run(st, root, &lim, &r);
			v = 2000000.0 / ((double)(clock_now_ns() - t0) / 1e6);
			if (v > per_ms)
				per_ms = v;
			vm_result_free(&r);
			r = (struct vm_result){ 0 };
		}
		vm_store_free(st);
	}
	return (long)(per_ms * ms) + 1;
}

/*
 * Wait for each of id[0..n) (30 s each; a missing answer fails the test);
 * returns how many ended OK, printing the others' errors, and counts in
 * *on_a and *on_b those that ran on containers a and b (NULL: not counted).
 */
int tf_wait_all(struct tl_client *cl, const uint64_t *id, int n, const char *a, int *on_a,
		const char *b, int *on_b)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 30000), 0);
		ok += r.status == TL_OK;
		if (a && on_a)
			*on_a += !strcmp(r.container, a);
		if (b && on_b)
			*on_b += !strcmp(r.container, b);
		if (r.status != TL_OK)
			fprintf(stderr, "\n%s: %s\n", tl_status_name(r.status), r.error);
		tl_result_free(&r);
	}
	return ok;
}

int tf_stop_ok(struct tp_proc *p)
{
	int st = tp_stop(p, SIGTERM, 10000);
	int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && tp_log_count(p, "Sanitizer") == 0;

	if (!ok) {
		char cmd[400];

		fprintf(stderr, "\n%s: status 0x%x; the end of its log:\n", p->log, st);
		snprintf(cmd, sizeof(cmd), "tail -n 40 '%s' >&2", p->log);
		if (system(cmd) != 0)
			fprintf(stderr, "(cannot show it)\n");
	}
	return ok;
}

int tf_submit_src(struct tl_client *c, const char *src, uint64_t *id)
{
	char err[256];
	int rc = tl_submit_source(c, "q.jsl", src, strlen(src), id, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "\nsubmit: %s\n", err);
	return rc;
}

int tf_run_one(struct tl_client *c, const char *src, struct tl_result *r)
{
	uint64_t id;

	if (tf_submit_src(c, src, &id) < 0)
		return -1;
	return tl_wait(c, id, r, 20000);
}


int tf_listen(const char *ip, char *addr, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(addr, cap, "%s:%u", ip, ntohs(sa.sin_port));
	return fd;
}

int tf_send_frame(int fd, uint8_t type, uint64_t reqid, const void *p, size_t len)
{
	struct cxp_hdr h = { .type = type, .len = (uint32_t)len, .reqid = reqid };
	uint8_t hb[CXP_HDR_SIZE];

	cxp_hdr_encode(&h, hb);
	if (write(fd, hb, sizeof(hb)) != (ssize_t)sizeof(hb))
		return -1;
	return len && write(fd, p, len) != (ssize_t)len ? -1 : 0;
}

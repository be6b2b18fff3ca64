/* SPDX-License-Identifier: MIT */
/* Description: fetching chunk graphs with real trader and container processes: a 35,000-statement program and one near the chunk limit run remotely in one round trip each, a program submitted again ships nothing (the container's cache), the same code under another QoS ships only what differs, and an application refuses malformed FETCH_GRAPH requests. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/le.h"
#include "cxp/cxp.h"
#include "runtime/app/tasklet.h"
#include "tests/proc.h"
#include "tests/tl_test.h"
#include "vm/jsl.h"
#include "vm/vm.h"

static char dir[128];
static struct tp_proc trader, cont;

/* The statements of the programs below: `s = s + K;` a few instructions each. */
#define BIG_STMTS  35000  /* the program of issue 7: 4,674 chunks, past the old 4,096 */
#define HUGE_STMTS 440000 /* about 58,800 chunks: near VM_MAX_TASKLET_CHUNKS */

static int suite_clean(void)
{
	tp_stop(&cont, SIGTERM, 10000);
	tp_stop(&trader, SIGTERM, 5000);
	if (dir[0])
		tp_rmdir(dir);
	dir[0] = 0;
	return 0;
}

/* A trader and one verbose container "cf" (its log says how each graph came). */
static int suite_init(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL };
	char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", trader.line, "--name",
			  "cf", "--workers", "2", "--verbose", "--fetch-timeout", "60000", NULL };

	signal(SIGPIPE, SIG_IGN);
	if (tp_tmpdir(dir, sizeof(dir)) < 0) {
		dir[0] = 0;
		return -1;
	}
	if (tp_start(&trader, dir, "trader", NULL, targv) < 0 || tp_first_line(&trader, 15000) < 0)
		goto fail;
	if (tp_start(&cont, dir, "cf", NULL, cargv) < 0 ||
	    tp_wait_log(&trader, "container cf registered", 10000) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "x_fetch: cannot start %s trader and container (logs in %s)\n",
		tl_test_bin(), dir);
	suite_clean();
	return -1;
}

/* Write a program of n statements summing (i % 7) + add; its sum in *sum. */
static int write_sum_prog(const char *name, long n, int add, const char *qos, char *path,
			  size_t cap, long *sum)
{
	size_t len = (size_t)n * 24 + 256;
	char *src = malloc(len), *p = src;
	int rc;

	if (!src)
		return -ENOMEM;
	*sum = 0;
	p += sprintf(p, "%slet s = 0;\n", qos ? qos : "");
	for (long i = 0; i < n; i++) {
		p += sprintf(p, "s = s + %ld;\n", i % 7 + add);
		*sum += i % 7 + add;
	}
	sprintf(p, "console.log('sum', s);\ns;\n");
	rc = tp_write_file(dir, name, src, path, cap);
	free(src);
	return rc;
}

/* Chunks in the graph of the program at path, compiled here (the ids are the same). */
static int graph_size(const char *path)
{
	struct vm_store *st = vm_store_new(0);
	char err[256];
	uint64_t root;
	int n = -1;

	if (st && jsl_compile_file(st, path, &root, err, sizeof(err)) == 0)
		n = vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, NULL, NULL, NULL);
	vm_store_free(st);
	return n;
}

static int run_remote(const char *const *files, size_t nfiles, char *out, size_t outcap)
{
	char *argv[16] = { (char *)tl_test_bin(), "run", "--trader", trader.line };
	static char err[4096];
	size_t n = 4;
	int rc;

	for (size_t i = 0; i < nfiles && n < 15; i++)
		argv[n++] = (char *)files[i];
	argv[n] = NULL;
	rc = tp_run(argv, NULL, out, outcap, err, sizeof(err), 240000);
	if (rc != 0)
		fprintf(stderr, "\n  tasklet run: exit %d: %s\n%s\n", rc, err, out);
	return rc;
}

/* The container's log lines for a whole graph of n chunks, f fetched, then tail: counted. */
static int graph_lines(int n, int f, const char *tail)
{
	char pat[160];

	snprintf(pat, sizeof(pat), "graph of %d chunks whole: %d fetched, %s", n, f, tail);
	return tp_log_count(&cont, pat);
}

/*
 * Issue 7's program of 35,000 statements and one near the chunk limit, in
 * one `tasklet run`: both print their sums, and each graph came in one
 * round trip (one FETCH_GRAPH, answered with the manifest and every chunk).
 */
static void test_big_programs_remote(void)
{
	char p1[256], p2[256], want[64];
	static char out[1 << 16];
	const char *files[2] = { p1, p2 };
	long sum1 = 0, sum2 = 0;
	int n1, n2;

	CU_ASSERT_EQUAL_FATAL(write_sum_prog("big.jsl", BIG_STMTS, 0, NULL, p1, sizeof(p1), &sum1), 0);
	CU_ASSERT_EQUAL_FATAL(write_sum_prog("huge.jsl", HUGE_STMTS, 1, NULL, p2, sizeof(p2), &sum2),
			      0);
	n1 = graph_size(p1);
	n2 = graph_size(p2);
	CU_ASSERT(n1 > 4096);
	CU_ASSERT(n2 > 55000 && n2 <= VM_MAX_TASKLET_CHUNKS);
	CU_ASSERT_EQUAL_FATAL(run_remote(files, 2, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "sum %ld\n=> %ld\n", sum1, sum1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	snprintf(want, sizeof(want), "sum %ld\n=> %ld\n", sum2, sum2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	CU_ASSERT_EQUAL(tp_wait_log(&cont, "whole", 1000), 0);
	CU_ASSERT_EQUAL(graph_lines(n1, n1, "0 from the cache, 1 round trip (1 request)"), 1);
	CU_ASSERT_EQUAL(graph_lines(n2, n2, "0 from the cache, 1 round trip (1 request)"), 1);
	if (graph_lines(n2, n2, "0 from the cache, 1 round trip (1 request)") != 1)
		fprintf(stderr, "\n  no one-round-trip fetch of %d chunks in %s\n", n2, cont.log);
}

/*
 * The same program submitted 20 times by one application, then again by
 * two more `tasklet run` processes: its chunks cross the network once; the
 * container takes every later graph from its cache, with no request at all.
 */
static void test_cached_program(void)
{
	struct tl_options o = { .trader = trader.line };
	char path[256], err[256], want[64];
	static char out[1 << 14];
	const char *files[1] = { path };
	struct tl_client *cl;
	struct tl_stats st;
	uint64_t id[20];
	long sum = 0;
	int n;

	CU_ASSERT_EQUAL_FATAL(write_sum_prog("again.jsl", 3000, 3, NULL, path, sizeof(path), &sum), 0);
	n = graph_size(path);
	CU_ASSERT_FATAL(n > 100);
	cl = tl_client_new(&o, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	/* the first one alone, so that the others find it cached */
	CU_ASSERT_EQUAL_FATAL(tl_submit_file(cl, path, &id[0], err, sizeof(err)), 0);
	for (int i = 0; i < 20; i++) {
		struct tl_result r;

		if (i > 0)
			CU_ASSERT_EQUAL_FATAL(tl_submit_file(cl, path, &id[i], err, sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 60000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		snprintf(want, sizeof(want), "sum %ld\n", sum);
		CU_ASSERT(r.output && !strcmp(r.output, want));
		tl_result_free(&r);
	}
	tl_client_stats(cl, &st);
	/* what the application served: the graph once, for the first submission */
	CU_ASSERT_EQUAL(st.chunks_served, (uint64_t)n);
	CU_ASSERT_EQUAL(st.graph_requests, 1);
	tl_client_free(cl);
	for (int k = 0; k < 2; k++) {
		CU_ASSERT_EQUAL(run_remote(files, 1, out, sizeof(out)), 0);
		snprintf(want, sizeof(want), "sum %ld\n=> %ld\n", sum, sum);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	}
	CU_ASSERT_EQUAL(graph_lines(n, n, "0 from the cache, 1 round trip"), 1);
	{
		char tail[96];

		snprintf(tail, sizeof(tail), "%d from the cache, 0 round trips (0 requests)", n);
		CU_ASSERT_EQUAL(graph_lines(n, 0, tail), 21);
	}
}

/* The last line of the container's log holding pattern, into line; 0 or -ENOENT. */
static int last_log_line(const char *pattern, char *line, size_t cap)
{
	FILE *f = fopen(cont.log, "r");
	char buf[1024];
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, pattern)) {
			snprintf(line, cap, "%s", buf);
			rc = 0;
		}
	fclose(f);
	return rc;
}

/*
 * The same code under another @QOS (on a line a comment held before, so the
 * line table is the same): the root and the QoS chunk differ, nothing else
 * (an integer parameter: a string one is part of the code hash, cxp(7)).
 * The container knows the program's code hash, asks for the manifest only,
 * and FETCHes the few chunks it lacks: two round trips, the rest from the
 * cache.
 */
static void test_same_code_other_qos(void)
{
	char path[256], want[64], line[1024];
	static char out[1 << 14];
	const char *files[1] = { path };
	unsigned total, fetched, cached;
	const char *at;
	long sum = 0;

	CU_ASSERT_EQUAL_FATAL(write_sum_prog("qos.jsl", 2000, 5, "// no QoS yet\n", path,
					     sizeof(path), &sum), 0);
	CU_ASSERT_EQUAL_FATAL(run_remote(files, 1, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL_FATAL(write_sum_prog("qos.jsl", 2000, 5, "@QOS CostLimit(1000000000);\n", path,
					     sizeof(path), &sum), 0);
	CU_ASSERT_EQUAL_FATAL(run_remote(files, 1, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "sum %ld\n=> %ld\n", sum, sum);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	CU_ASSERT_EQUAL_FATAL(tp_wait_log(&cont, "2 round trips (2 requests)", 5000), 0);
	CU_ASSERT_EQUAL_FATAL(last_log_line("2 round trips (2 requests)", line, sizeof(line)), 0);
	at = strstr(line, "graph of ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT_EQUAL_FATAL(sscanf(at, "graph of %u chunks whole: %u fetched, %u from the cache",
				     &total, &fetched, &cached), 3);
	CU_ASSERT_EQUAL(fetched + cached, total);
	/* the root and the QoS chunk */
	CU_ASSERT_EQUAL(fetched, 2);
	if (fetched != 2)
		fprintf(stderr, "\n  same code, other QoS: %s", line);
}

/* ---- An application facing a malformed FETCH_GRAPH -------------------------------- */

static int dial(const char *addr)
{
	struct sockaddr_storage ss;
	unsigned sl;
	int fd;

	if (cxp_addr_parse(addr, &ss, &sl) < 0)
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int put_frame(int fd, uint8_t type, uint64_t reqid, const void *p, size_t len)
{
	uint8_t h[CXP_HDR_SIZE];
	struct cxp_hdr hd = { .type = type, .len = (uint32_t)len, .reqid = reqid };

	cxp_hdr_encode(&hd, h);
	if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h))
		return -EIO;
	if (len && write(fd, p, len) != (ssize_t)len)
		return -EIO;
	return 0;
}

static int read_n(int fd, void *buf, size_t n, int ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&pf, 1, ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, (uint8_t *)buf + got, n - got);
		if (r <= 0)
			return r == 0 ? 0 : -errno;
		got += (size_t)r;
	}
	return 1;
}

/* One frame (payload malloc'd into *p): 1, 0 when closed, -errno. */
static int get_frame(int fd, struct cxp_hdr *h, uint8_t **p, int ms)
{
	uint8_t hb[CXP_HDR_SIZE];
	int rc = read_n(fd, hb, sizeof(hb), ms);

	*p = NULL;
	if (rc <= 0)
		return rc;
	if (cxp_hdr_decode(hb, h, NULL, 0) < 0)
		return -EPROTO;
	*p = malloc(h->len + 1);
	if (!*p)
		return -ENOMEM;
	rc = h->len ? read_n(fd, *p, h->len, ms) : 1;
	return rc;
}

/*
 * A fake container registers with the trader and is assigned a Tasklet of
 * an application in this process. It then asks the application, on its
 * endpoint: a truncated FETCH_GRAPH (ERROR BADMSG naming the fault, that
 * connection closed), one with a root that is not the Tasklet's (ERROR
 * NOTFOUND, the connection stays), and a good one in IDS mode (a MANIFEST
 * that starts with the root, no chunks).
 */
static void test_app_bad_fetch_graph(void)
{
	struct cxp_register reg = { .name = "fakec", .workers = 64, .speed = 1000000,
				    .capacity = { 0, 0 } };
	struct tl_options o = { .trader = trader.line };
	struct cxp_fetch_graph g;
	struct cxp_manifest man;
	struct cxp_error e;
	struct cxp_wbuf w;
	struct cxp_hdr h;
	struct vm_sig sig;
	struct tl_client *cl;
	uint8_t *p = NULL, b[64];
	char err[256];
	uint64_t id;
	int tfd, afd, rc;

	/* The real container cf leaves: the fake one is the only choice. */
	CU_ASSERT_EQUAL(tp_stop(&cont, SIGTERM, 10000) >= 0, 1);
	CU_ASSERT_EQUAL(tp_wait_log(&trader, "container cf", 5000), 0);
	tfd = dial(trader.line);
	CU_ASSERT_FATAL(tfd >= 0);
	cxp_wbuf_init(&w);
	cxp_register_encode(&w, &reg);
	CU_ASSERT_EQUAL_FATAL(put_frame(tfd, CXP_MSG_REGISTER, 1, w.p, w.len), 0);
	cxp_wbuf_free(&w);
	CU_ASSERT_EQUAL_FATAL(get_frame(tfd, &h, &p, 5000), 1);
	CU_ASSERT_EQUAL(h.type, CXP_MSG_REGISTERED);
	free(p);
	cl = tl_client_new(&o, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
	CU_ASSERT_EQUAL_FATAL(tl_submit_source(cl, "p.jsl", "console.log('hi');\n1;\n", 22, &id,
					       err, sizeof(err)), 0);
	do {
		rc = get_frame(tfd, &h, &p, 5000);
		if (rc == 1 && h.type != CXP_MSG_ASSIGN)
			free(p);
	} while (rc == 1 && h.type != CXP_MSG_ASSIGN);
	CU_ASSERT_EQUAL_FATAL(rc, 1);
	CU_ASSERT_FATAL(cxp_sig_decode(p, h.len, &sig, err, sizeof(err)) > 0);
	free(p);

	/* truncated: ERROR (BADMSG) naming the field, then the connection closes */
	afd = dial(sig.app_addr);
	CU_ASSERT_FATAL(afd >= 0);
	g = (struct cxp_fetch_graph){ .tasklet_id = id, .root = sig.root, .mode = CXP_GRAPH_IDS };
	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_fetch_graph_encode(&w, &g);
	CU_ASSERT_EQUAL(put_frame(afd, CXP_MSG_FETCH_GRAPH, id, w.p, w.len - 1), 0);
	CU_ASSERT_EQUAL_FATAL(get_frame(afd, &h, &p, 5000), 1);
	CU_ASSERT_EQUAL(h.type, CXP_MSG_ERROR);
	CU_ASSERT_EQUAL(cxp_error_decode(p, h.len, &e, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bad FETCH_GRAPH: FETCH_GRAPH payload: bad or "
					     "truncated field 'mode'"));
	free(p);
	CU_ASSERT_EQUAL(get_frame(afd, &h, &p, 5000), 0);
	free(p);
	close(afd);

	/* a mode that does not exist: the same */
	afd = dial(sig.app_addr);
	CU_ASSERT_FATAL(afd >= 0);
	b[16] = 9;
	CU_ASSERT_EQUAL(put_frame(afd, CXP_MSG_FETCH_GRAPH, id, w.p, w.len), 0);
	CU_ASSERT_EQUAL_FATAL(get_frame(afd, &h, &p, 5000), 1);
	CU_ASSERT_EQUAL(cxp_error_decode(p, h.len, &e, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "mode 9"));
	free(p);
	CU_ASSERT_EQUAL(get_frame(afd, &h, &p, 5000), 0);
	free(p);
	close(afd);

	/* another root: NOTFOUND, and the connection serves on */
	afd = dial(sig.app_addr);
	CU_ASSERT_FATAL(afd >= 0);
	g.root = sig.root ^ 1;
	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_fetch_graph_encode(&w, &g);
	CU_ASSERT_EQUAL(put_frame(afd, CXP_MSG_FETCH_GRAPH, id, w.p, w.len), 0);
	CU_ASSERT_EQUAL_FATAL(get_frame(afd, &h, &p, 5000), 1);
	CU_ASSERT_EQUAL(cxp_error_decode(p, h.len, &e, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is not the root of tasklet"));
	free(p);
	g.root = sig.root;
	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_fetch_graph_encode(&w, &g);
	CU_ASSERT_EQUAL(put_frame(afd, CXP_MSG_FETCH_GRAPH, id, w.p, w.len), 0);
	CU_ASSERT_EQUAL_FATAL(get_frame(afd, &h, &p, 5000), 1);
	CU_ASSERT_EQUAL(h.type, CXP_MSG_MANIFEST);
	CU_ASSERT_EQUAL_FATAL(cxp_manifest_decode(p, h.len, &man, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(man.tasklet_id, id);
	CU_ASSERT(man.n > 3);
	CU_ASSERT_EQUAL(cxp_manifest_id(&man, 0), sig.root);
	CU_ASSERT_TRUE(vm_id_is_content(cxp_manifest_id(&man, 0)));
	free(p);
	/* IDS mode: nothing follows the manifest */
	CU_ASSERT_EQUAL(get_frame(afd, &h, &p, 300), -ETIMEDOUT);
	free(p);
	close(afd);
	close(tfd);
	tl_client_free(cl);
}

TL_SUITE(x_fetch, suite_init, suite_clean,
	 { "35,000 statements and a graph near the chunk limit run remotely, one round trip each",
	   test_big_programs_remote },
	 { "a program submitted 21 more times ships its chunks once (container cache)",
	   test_cached_program },
	 { "same code, other QoS: manifest, then only the missing chunks", test_same_code_other_qos },
	 { "application: malformed FETCH_GRAPH -> ERROR naming the fault, connection closed",
	   test_app_bad_fetch_graph })

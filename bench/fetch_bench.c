/* SPDX-License-Identifier: MIT */
/*
 * Fetch bench (bench/fetch.sh drives it and takes the medians): a trader, one
 * container and an application in this process, on 127.0.0.1, each on its
 * own event-loop thread, talking CXP over loopback sockets as the daemons do.
 *
 *   fetch_bench graph TOTAL      small-chunk fetch: Tasklets whose graphs hold
 *                                GRAPH_CHUNKS chunks each (a string constant of
 *                                ~7 MB: 112-byte DATA chunks), TOTAL chunks in
 *                                all, one at a time, the container's cache off;
 *                                prints "chunks_per_s X ms_per_graph Y
 *                                cpu_chunks_per_s Z ns_cpu_per_chunk W": chunks
 *                                over the container's fetch time (admission to
 *                                graph whole: FETCH_GRAPH, MANIFEST, CHUNKS,
 *                                decoding, checking every content id, storing),
 *                                and over the CPU time the container's I/O
 *                                thread spent on them (what the host's other
 *                                load does not change); "app_cpu_chunks_per_s
 *                                A ns_app_cpu_per_chunk B": the same for the
 *                                application's I/O thread (serving them)
 *   fetch_bench graph-cache TOTAL  the same with the cache on (its default size):
 *                                every content id is then checked (SHA-256 of
 *                                each chunk) and every chunk goes into the
 *                                cache, which evicts past 131,072 chunks
 *   fetch_bench resubmit N STMTS the same program of STMTS statements submitted
 *                                N times, one at a time, cache on; prints
 *                                "first_us X again_us Y fetch_first_us A
 *                                fetch_again_us B chunks C": submit-to-result
 *                                latency of the first submission and the median
 *                                of the later ones, and the container's fetch
 *                                time of each
 *
 * Every result is checked (status OK, the expected output); a wrong one
 * makes the exit status 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "common/clock.h"
#include "cxp/cxp.h"
#include "runtime/app/tasklet.h"
#include "runtime/container/container.h"
#include "trader/trader.h"

#define STR_BYTES (62000u * 112u) /* 62,000 DATA chunks of string, plus the program */

struct rig {
	struct cxp_loop *tloop;
	pthread_t tth;
	struct trd_trader *tr;
	char taddr[CXP_ADDR_MAX + 1];
	struct rt_container *c;
	struct tl_client *cl;
};

static void *trader_main(void *arg)
{
	struct rig *r = arg;

	cxp_loop_run(r->tloop);
	return NULL;
}

static int rig_start(struct rig *r, long cache)
{
	struct trd_config tc = { .listen = "127.0.0.1:0" };
	struct rt_container_config cc = { .workers = 1, .no_pin = 1, .chunk_cache = cache,
					  .fetch_timeout_ms = 60000 };
	struct tl_options o = { 0 };
	char err[256];

	cxp_log_quiet(1);
	r->tloop = cxp_loop_new();
	if (!r->tloop || !(r->tr = trd_new(r->tloop, &tc, r->taddr, sizeof(r->taddr))) ||
	    pthread_create(&r->tth, NULL, trader_main, r)) {
		fprintf(stderr, "fetch_bench: cannot start the trader\n");
		return -1;
	}
	snprintf(cc.trader, sizeof(cc.trader), "%s", r->taddr);
	snprintf(cc.name, sizeof(cc.name), "bench");
	r->c = rt_container_start(&cc);
	if (!r->c || rt_container_wait_registered(r->c, 5000) < 0) {
		fprintf(stderr, "fetch_bench: the container did not register\n");
		return -1;
	}
	o.trader = r->taddr;
	r->cl = tl_client_new(&o, err, sizeof(err));
	if (!r->cl) {
		fprintf(stderr, "fetch_bench: %s\n", err);
		return -1;
	}
	return 0;
}

static void rig_stop(struct rig *r)
{
	tl_client_free(r->cl);
	rt_container_stop(r->c);
	cxp_loop_stop(r->tloop);
	pthread_join(r->tth, NULL);
	cxp_loop_free(r->tloop);
	trd_free(r->tr);
}

/* Submit src, wait, check the output: 0, or -1 with the reason on stderr. */
static int run_one(struct rig *r, const char *src, size_t len, const char *want, uint64_t *lat)
{
	struct tl_result res;
	char err[256];
	uint64_t id;
	int bad;

	if (tl_submit_source(r->cl, "bench.jsl", src, len, &id, err, sizeof(err)) < 0) {
		fprintf(stderr, "fetch_bench: %s\n", err);
		return -1;
	}
	if (tl_wait(r->cl, id, &res, 120000) < 0) {
		fprintf(stderr, "fetch_bench: no answer\n");
		return -1;
	}
	bad = res.status != TL_OK || !res.output || strcmp(res.output, want);
	if (bad)
		fprintf(stderr, "fetch_bench: status %d (%s), output '%s', want '%s'\n",
			res.status, res.error ? res.error : "", res.output ? res.output : "", want);
	*lat = res.latency_ns;
	tl_result_free(&res);
	return bad ? -1 : 0;
}

static int bench_graph(long total, long cache)
{
	struct rt_fetch_stats a, b;
	struct tl_stats aa, ab;
	struct rig r = { 0 };
	size_t len = STR_BYTES + 128;
	char *src = malloc(len), want[64];
	uint64_t chunks = 0, ns = 0, cpu = 0, app_cpu = 0, lat;
	unsigned graphs = 0;
	int rc = 1;

	if (!src || rig_start(&r, cache) < 0)
		goto out;
	while ((long)chunks < total) {
		/* A different string each time: nothing to share even with a cache. */
		int n = sprintf(src, "let s = '");

		memset(src + n, 'a' + graphs % 26, STR_BYTES);
		n += STR_BYTES;
		n += sprintf(src + n, "';\nconsole.log(s.length);\n");
		snprintf(want, sizeof(want), "%u\n", STR_BYTES);
		rt_container_fetch_stats(r.c, &a);
		tl_client_stats(r.cl, &aa);
		if (run_one(&r, src, (size_t)n, want, &lat) < 0)
			goto out;
		rt_container_fetch_stats(r.c, &b);
		tl_client_stats(r.cl, &ab);
		chunks += b.chunks - a.chunks;
		ns += b.fetch_ns - a.fetch_ns;
		cpu += b.cpu_ns - a.cpu_ns;
		app_cpu += ab.io_cpu_ns - aa.io_cpu_ns;
		graphs++;
	}
	printf("chunks_per_s %.0f ms_per_graph %.2f cpu_chunks_per_s %.0f ns_cpu_per_chunk %.0f "
	       "app_cpu_chunks_per_s %.0f ns_app_cpu_per_chunk %.0f chunks %llu graphs %u\n",
	       (double)chunks / ((double)ns / 1e9), (double)ns / 1e6 / graphs,
	       (double)chunks / ((double)cpu / 1e9), (double)cpu / (double)chunks,
	       (double)chunks / ((double)app_cpu / 1e9), (double)app_cpu / (double)chunks,
	       (unsigned long long)chunks, graphs);
	rc = 0;
out:
	if (r.cl)
		rig_stop(&r);
	free(src);
	return rc;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int bench_resubmit(unsigned n, long stmts)
{
	struct rt_fetch_stats a, b;
	struct rig r = { 0 };
	size_t len = (size_t)stmts * 24 + 128;
	char *src = malloc(len), *p = src, want[64];
	uint64_t *lat = calloc(n, sizeof(*lat)), *fns = calloc(n, sizeof(*fns)), chunks = 0;
	long sum = 0;
	int rc = 1;

	if (!src || !lat || !fns || n < 2 || rig_start(&r, 0) < 0)
		goto out;
	p += sprintf(p, "let s = 0;\n");
	for (long i = 0; i < stmts; i++) {
		p += sprintf(p, "s = s + %ld;\n", i % 7);
		sum += i % 7;
	}
	p += sprintf(p, "console.log(s);\n");
	snprintf(want, sizeof(want), "%ld\n", sum);
	for (unsigned i = 0; i < n; i++) {
		rt_container_fetch_stats(r.c, &a);
		if (run_one(&r, src, (size_t)(p - src), want, &lat[i]) < 0)
			goto out;
		rt_container_fetch_stats(r.c, &b);
		fns[i] = b.fetch_ns - a.fetch_ns;
		if (i == 0)
			chunks = b.fetched - a.fetched;
		else if (b.fetched != a.fetched) {
			fprintf(stderr, "fetch_bench: submission %u fetched %llu chunks (cached?)\n",
				i + 1, (unsigned long long)(b.fetched - a.fetched));
			goto out;
		}
	}
	qsort(lat + 1, n - 1, sizeof(*lat), cmp_u64);
	qsort(fns + 1, n - 1, sizeof(*fns), cmp_u64);
	printf("first_us %.0f again_us %.0f fetch_first_us %.0f fetch_again_us %.0f chunks %llu\n",
	       (double)lat[0] / 1e3, (double)lat[1 + (n - 1) / 2] / 1e3, (double)fns[0] / 1e3,
	       (double)fns[1 + (n - 1) / 2] / 1e3, (unsigned long long)chunks);
	rc = 0;
out:
	if (r.cl)
		rig_stop(&r);
	free(src);
	free(lat);
	free(fns);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "graph"))
		return bench_graph(atol(argv[2]), -1);
	if (argc == 3 && !strcmp(argv[1], "graph-cache"))
		return bench_graph(atol(argv[2]), 0);
	if (argc == 4 && !strcmp(argv[1], "resubmit"))
		return bench_resubmit((unsigned)atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: fetch_bench graph|graph-cache TOTAL_CHUNKS | resubmit N STATEMENTS\n");
	return 2;
}

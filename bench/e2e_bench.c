/* SPDX-License-Identifier: MIT */
/*
 * End-to-end bench (bench/e2e.sh drives it and takes the medians): N small
 * Tasklets, `let x = K; x * x;` with K different for each, one in five with
 * @QOS Priority('True') (the paper's scenario 2a mix), run three ways:
 *
 *   e2e_bench --trader ADDR   through a real trader and real containers (the
 *                             script starts them), via the C API (tasklet.h)
 *   e2e_bench --embedded      the embedded default (runtime/cli/embedded.c: a
 *                             no trader: trader and containers in-process)
 *   e2e_bench --local         the anchor: each Tasklet compiled and run
 *                             in-process with jsl_compile + vm_run, one after
 *                             the other, nothing distributed
 *
 * Distributed runs submit in batches of B Tasklets, then wait for the batch.
 * Prints "tps X p50_us Y p99_us Z cpu_us C": Tasklets per second over the
 * whole run (compile and submit included), the median / 99th percentile
 * latency (tl_result.latency_ns: submit to result; for --local: compile +
 * run), and this process's CPU time (user + system) per Tasklet.
 * Every result is checked (status OK, value K*K); a wrong or missing one is
 * reported on stderr and makes the exit status 1.
 *
 * -i: one program for all (`input * input;`, the Priority ones a second),
 * with K as each Tasklet's input (tl_submit_input): what an application that
 * submits the same code over different data does; a container then has the
 * code chunks in its cache and fetches only the root and the input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/clock.h"
#include "bench/bench_util.h"
#include "runtime/app/tasklet.h"
#include "runtime/cli/embedded.h"
#include "vm/vm.h"

#define K_BASE     1000
#define WAIT_MS    30000
#define SRC_MAX    256

/* -c: a small computation (20,000 iterations of s = (s + i*i) % 7) rather
 * than a square: the anchor of bench/celery.sh runs the same in Python. */
static int compute;
/* -i: the same program for every Tasklet, K passed as its input. */
static int use_input;

/* Tasklet i's input under -i (its K), in buf. */
static size_t tasklet_input(unsigned i, char *buf, size_t cap)
{
	return (size_t)snprintf(buf, cap, "%lld", K_BASE + (long long)i);
}

/* Tasklet i: its source in buf, and the value it must print. */
static size_t tasklet_src(unsigned i, char *buf, size_t cap, char *want, size_t wantcap)
{
	long long k = K_BASE + (long long)i;
	int n;

	if (compute) {
		long long s = 0;

		for (long long j = 0; j < 20000; j++)
			s = (s + j * j) % 7;
		n = snprintf(buf, cap,
			     "%slet s = 0;\nfor (let i = 0; i < 20000; i++) s = (s + i * i) %% 7;\n"
			     "s + %lld;\n",
			     i % 5 == 0 ? "@QOS Priority('True');\n" : "", k);
		snprintf(want, wantcap, "%lld", s + k);
		return (size_t)n;
	}
	if (use_input)
		n = snprintf(buf, cap, "%sinput * input;\n",
			     i % 5 == 0 ? "@QOS Priority('True');\n" : "");
	else
		n = snprintf(buf, cap, "%slet x = %lld; x * x;\n",
			     i % 5 == 0 ? "@QOS Priority('True');\n" : "", k);
	snprintf(want, wantcap, "%lld", k * k);
	return (size_t)n;
}

/* The anchor: compile and run each Tasklet here. Returns the count of bad results. */
static unsigned run_local(unsigned n, uint64_t *lat)
{
	char src[SRC_MAX], want[32], err[256];
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = clock_now_ns(), root;
		size_t len = tasklet_src(i, src, sizeof(src), want, sizeof(want));
		struct vm_store *st = vm_store_new(0);
		struct vm_result r = { 0 };
		int rc;

		if (!st) {
			fprintf(stderr, "e2e_bench: tasklet %u: out of memory\n", i);
			return bad + n - i;
		}
		rc = jsl_compile(st, "bench.jsl", src, len, &root, err, sizeof(err));
		if (rc >= 0 && use_input) {
			char in[32];
			size_t ilen = tasklet_input(i, in, sizeof(in));

			rc = vm_attach_input(st, root, in, ilen, &root, err, sizeof(err));
		}
		if (rc < 0) {
			fprintf(stderr, "e2e_bench: tasklet %u: %s\n", i, err);
			bad++;
		} else if ((rc = vm_run(st, root, NULL, &r)) < 0) {
			fprintf(stderr, "e2e_bench: tasklet %u: vm_run failed: %s\n", i,
				strerror(-rc));
			bad++;
		} else if (r.status != VM_OK || !r.value || strcmp(r.value, want)) {
			fprintf(stderr, "e2e_bench: tasklet %u: status %d, value '%s' (want %s) %s\n",
				i, r.status, r.value ? r.value : "(none)", want, r.error);
			bad++;
		}
		if (rc >= 0)
			vm_result_free(&r);
		vm_store_free(st);
		lat[i] = clock_now_ns() - t0;
	}
	return bad;
}

/* Through the C API, in batches of b. Returns the count of bad results. */
static unsigned run_client(struct tl_client *c, unsigned n, unsigned b, uint64_t *lat,
			   unsigned *prio_seen)
{
	uint64_t *ids = calloc(b, sizeof(*ids));
	char src[SRC_MAX], want[32], err[256];
	unsigned bad = 0;

	if (!ids)
		return n;
	for (unsigned base = 0; base < n; base += b) {
		unsigned m = n - base < b ? n - base : b, ok = 0;

		for (unsigned j = 0; j < m; j++) {
			size_t len = tasklet_src(base + j, src, sizeof(src), want, sizeof(want));
			char in[32];
			size_t ilen = tasklet_input(base + j, in, sizeof(in));
			int rc = tl_submit_input(c, "bench.jsl", src, len, use_input ? in : NULL,
						 use_input ? ilen : 0, &ids[j], err, sizeof(err));

			if (rc < 0) {
				fprintf(stderr, "e2e_bench: tasklet %u: submit failed: %s\n",
					base + j, rc == -EINVAL ? err : strerror(-rc));
				bad += m - j;
				break;
			}
			ok++;
		}
		for (unsigned j = 0; j < ok; j++) {
			struct tl_result r;
			unsigned i = base + j;
			int rc;

			tasklet_src(i, src, sizeof(src), want, sizeof(want));
			rc = tl_wait(c, ids[j], &r, WAIT_MS);
			if (rc < 0 || r.status != TL_OK || !r.value || strcmp(r.value, want)) {
				fprintf(stderr,
					"e2e_bench: tasklet %u: %s, value '%s' (want %s) on '%s' %s\n",
					i, rc < 0 ? strerror(-rc) : tl_status_name(r.status),
					r.value ? r.value : "(none)", want, r.container,
					r.error ? r.error : "");
				bad++;
			} else if (r.priority != (i % 5 == 0)) {
				fprintf(stderr, "e2e_bench: tasklet %u: priority %d, want %d\n", i,
					r.priority, i % 5 == 0);
				bad++;
			}
			*prio_seen += r.priority;
			lat[i] = r.latency_ns;
			tl_result_free(&r);
		}
	}
	free(ids);
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trader", required_argument, NULL, 't' },
		{ "embedded", no_argument, NULL, 'e' },
		{ "local", no_argument, NULL, 'L' },
		{ "count", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ 0 },
	};
	static const char usage[] =
		"usage: e2e_bench --trader ADDR | --embedded | --local [-n COUNT] [-b BATCH] [-c | -i]\n";
	const char *trader = NULL;
	unsigned long n = 2000, b = 100;
	int opt, mode = 0; /* 't', 'e' or 'L' */
	struct tl_client *c = NULL;
	struct rt_embedded *emb = NULL;
	unsigned bad, prio = 0;
	uint64_t *lat, t0, t1;
	char *end, err[256];
	struct rusage ru;

	while ((opt = getopt_long(argc, argv, "t:eLn:b:ci", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			trader = optarg;
			__attribute__((fallthrough));
		case 'e':
		case 'L':
			if (mode) {
				fputs(usage, stderr);
				return 2;
			}
			mode = opt;
			break;
		case 'n':
		case 'b':
			errno = 0;
			if (opt == 'n')
				n = strtoul(optarg, &end, 10);
			else
				b = strtoul(optarg, &end, 10);
			if (*end || errno || (opt == 'n' ? !n || n > 10000000 : !b || b > 100000)) {
				fprintf(stderr, "e2e_bench: -%c '%s': want a positive count\n",
					opt, optarg);
				return 2;
			}
			break;
		case 'c': compute = 1; break;
		case 'i': use_input = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (!mode || optind != argc || (compute && use_input)) {
		fputs(usage, stderr);
		return 2;
	}
	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return 1;
	if (mode == 'e') {
		struct rt_embedded_config ec = { 0 };

		emb = rt_embedded_start(&ec, err, sizeof(err));
		if (!emb) {
			fprintf(stderr, "e2e_bench: cannot start the embedded default: %s\n", err);
			free(lat);
			return 1;
		}
		trader = rt_embedded_trader(emb);
	}
	if (mode != 'L') {
		struct tl_options o = { .trader = trader, .seed = 42 };

		c = tl_client_new(&o, err, sizeof(err));
		if (!c) {
			fprintf(stderr, "e2e_bench: cannot start the client: %s\n", err);
			free(lat);
			return 1;
		}
	}
	t0 = clock_now_ns();
	bad = mode == 'L' ? run_local((unsigned)n, lat)
			  : run_client(c, (unsigned)n, (unsigned)b, lat, &prio);
	t1 = clock_now_ns();
	if (c)
		tl_client_free(c);
	rt_embedded_stop(emb);
	if (bad) {
		fprintf(stderr, "e2e_bench: %u of %lu Tasklets had a wrong or missing result\n",
			bad, n);
		free(lat);
		return 1;
	}
	qsort(lat, n, sizeof(*lat), bench_cmp_u64);
	getrusage(RUSAGE_SELF, &ru);
	printf("tps %.0f p50_us %.1f p99_us %.1f cpu_us %.1f\n",
	       (double)n * 1e9 / (double)(t1 - t0), bench_quantile(lat, n, 0.50) / 1e3,
	       bench_quantile(lat, n, 0.99) / 1e3,
	       ((double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec)) / (double)n);
	free(lat);
	return 0;
}

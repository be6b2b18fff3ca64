/* SPDX-License-Identifier: MIT */
/*
 * The trader's QoS matching in-process (bench/match.sh runs it): matches
 * per second of trd_match_task (trader/match.c) over a container store of
 * N registered containers, for signatures with each QoS category alone and
 * with all of them, beside an anchor timed in the same run over the same
 * array: a plain linear scan for the cheapest container at least as fast
 * as the signature asks (one field tested, one compared), i.e. the least
 * any matcher that looks at every container must pay.
 *
 *   match_bench [-n N]... [-r RUNS] [-t MS] [-u] [-w ROW]
 *       for each N (default 100 and 10000), RUNS runs (default 5) of MS ms
 *       (default 100) of CPU time per row, ours and the anchor interleaved;
 *       prints the table of medians. -u: every container alike (a
 *       diagnostic: what predictable branches are worth); -w: only the
 *       rows whose name contains ROW (for perf)
 *
 * The QoS lists come from compiling real @QOS headers (jsl_compile +
 * vm_qos_read), so they are what a trader decodes from a signature. The
 * store is drawn from a fixed seed: speeds 50..1049 MIPS, prices 0..39,
 * 1..8 workers, load 0..2x workers, 70% with a priority queue, 50% with
 * TLS, capacities 0 (unlimited) or 4..67 per class. The Tasklet is
 * expected to take 5 million fuel (CostLimit, Deadline) and its
 * application's speed is 100 MIPS (relative SpeedMinimum). Every row must
 * find a container at every N (a signature that matches none would time
 * the error path instead: the bench fails then), except the last, which
 * times that path on purpose: its last requirement fits no container, so
 * trd_match_task scans again to name it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_util.h"
#include "trader/trader.h"
#include "vm/chunk.h"
#include "vm/vm.h"

struct row {
	const char *name;
	const char *qos; /* the @QOS header ("" for none) */
	struct vm_qos q[VM_QOS_MAX];
	int nq;
	uint32_t min_speed; /* what the anchor scans for */
	int none;           /* matches no container: times the "no match" answer */
};

static struct row rows[] = {
	{ .name = "no QoS", .qos = "" },
	{ .name = "Priority('True')", .qos = "@QOS Priority('True');" },
	{ .name = "SpeedMinimum(300)", .qos = "@QOS SpeedMinimum(300);" },
	{ .name = "SpeedMinimum(3, 'relative')", .qos = "@QOS SpeedMinimum(3, 'relative');" },
	{ .name = "CostLimit(100)", .qos = "@QOS CostLimit(100);" },
	{ .name = "FaultTolerance(2)", .qos = "@QOS FaultTolerance(2);" },
	{ .name = "Privacy('TLS', 'ca')", .qos = "@QOS Privacy('TLS', 'ca');" },
	{ .name = "Deadline(60)", .qos = "@QOS Deadline(60);" },
	{ .name = "Reliability('0.99')", .qos = "@QOS Reliability('0.99');" },
	{ .name = "all 7, SpeedMinimum absolute",
	  .qos = "@QOS Priority('True'), SpeedMinimum(300), CostLimit(100), FaultTolerance(2),\n"
		 "     Privacy('TLS', 'ca'), Deadline(60), Reliability('0.99');" },
	{ .name = "all 7, SpeedMinimum relative",
	  .qos = "@QOS Priority('True'), SpeedMinimum(3, 'relative'), CostLimit(100),\n"
		 "     FaultTolerance(2), Privacy('TLS', 'ca'), Deadline(60), Reliability('0.99');" },
	{ .name = "all 7, the last fits none", .none = 1,
	  .qos = "@QOS Priority('True'), SpeedMinimum(3, 'relative'), CostLimit(100),\n"
		 "     FaultTolerance(2), Privacy('TLS', 'ca'), Reliability('0.99'), Deadline(1);" },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct trd_task task = { .expected_fuel = 5000000, .app_speed = 100 };

static int compile_rows(void)
{
	struct vm_store *st = vm_store_new(1);
	char src[512], err[256];

	if (!st)
		return -ENOMEM;
	for (size_t i = 0; i < NROWS; i++) {
		uint64_t root;
		int n;

		snprintf(src, sizeof(src), "%s\n0;\n", rows[i].qos);
		if (jsl_compile(st, "match.jsl", src, strlen(src), &root, err, sizeof(err)) < 0 ||
		    (n = vm_qos_read(st, root, rows[i].q, VM_QOS_MAX, err, sizeof(err))) < 0) {
			fprintf(stderr, "match_bench: %s: %s\n", rows[i].name, err);
			vm_store_free(st);
			return -EINVAL;
		}
		rows[i].nq = n;
		rows[i].min_speed = 0;
		for (int j = 0; j < n; j++)
			if (rows[i].q[j].cat == VM_QOS_SPEED_MINIMUM)
				rows[i].min_speed = rows[i].q[j].nparams >= 2
							    ? (uint32_t)rows[i].q[j].p[0].i *
								      task.app_speed
							    : (uint32_t)rows[i].q[j].p[0].i;
	}
	vm_store_free(st);
	return 0;
}

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* n containers drawn from a fixed seed; with alike, all alike (speed 500,
 * price 10, priority queue and TLS, 4 workers, 1 held, capacity unlimited). */
static struct trd_cand *make_store(size_t n, int alike)
{
	struct trd_cand *cs = calloc(n, sizeof(*cs));
	uint64_t s = 42;

	if (!cs)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct trd_cand *c = &cs[i];

		c->id = i + 1;
		snprintf(c->name, sizeof(c->name), "c%zu", i + 1);
		c->speed = 50 + (uint32_t)(rng(&s) % 1000);
		c->price = (uint32_t)(rng(&s) % 40);
		c->flags = (rng(&s) % 10 < 7 ? CXP_CAP_PRIORITY : 0) |
			   (rng(&s) % 2 ? CXP_CAP_TLS : 0);
		c->workers = 1 + (uint32_t)(rng(&s) % 8);
		c->load = (uint32_t)(rng(&s) % (2 * c->workers + 1));
		c->held[1] = c->load;
		c->capacity[0] = rng(&s) % 2 ? 0 : 4 + (uint32_t)(rng(&s) % 64);
		c->capacity[1] = rng(&s) % 2 ? 0 : 4 + (uint32_t)(rng(&s) % 64);
		c->last_hb_ms = 1;
		if (alike) {
			c->speed = 500;
			c->price = 10;
			c->flags = CXP_CAP_PRIORITY | CXP_CAP_TLS;
			c->workers = 4;
			c->load = c->held[1] = 1;
			c->capacity[0] = c->capacity[1] = 0;
		}
	}
	return cs;
}

/* The anchor: the cheapest container with speed >= min_speed (first on ties). */
static int scan(const struct trd_cand *cs, size_t n, uint32_t min_speed)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (cs[i].speed >= min_speed && (best < 0 || cs[i].price < cs[best].price))
			best = (int)i;
	return best;
}

static volatile long sink;

/* CPU time of this thread: the time the scheduler gives to other processes
 * on a shared machine does not count against us (or the anchor). */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long one(const struct trd_cand *cs, size_t n, const struct row *r, int anchor)
{
	char why[256];

	return anchor ? scan(cs, n, r->min_speed)
		      : trd_match_task(cs, n, r->q, (size_t)r->nq, &task, why, sizeof(why));
}

/* Matches per CPU second of row r over cs[0..n) for about ms ms (ours, or the anchor). */
static double rate(const struct trd_cand *cs, size_t n, const struct row *r, int anchor,
		   unsigned ms)
{
	uint64_t t0, t, end, batch = 1;
	unsigned long k = 0;
	long acc = 0;

	/* calls between clock reads: enough for a batch of >= 20 us (a read is a system call) */
	t0 = cpu_ns();
	do {
		batch *= 2;
		for (uint64_t j = 0; j < batch; j++)
			acc += one(cs, n, r, anchor);
	} while (cpu_ns() - t0 < 20000 && batch < (1u << 20));
	t0 = cpu_ns();
	end = t0 + (uint64_t)ms * 1000000;
	do {
		for (uint64_t j = 0; j < batch; j++, k++)
			acc += one(cs, n, r, anchor);
		t = cpu_ns();
	} while (t < end);
	sink += acc;
	return (double)k * 1e9 / (double)(t - t0);
}

static double median(double *v, int n)
{
	uint64_t u[64];

	for (int i = 0; i < n; i++)
		u[i] = (uint64_t)(v[i] * 1000.0);
	qsort(u, (size_t)n, sizeof(u[0]), bench_cmp_u64);
	return n % 2 ? (double)u[n / 2] / 1000.0 : (double)(u[n / 2 - 1] + u[n / 2]) / 2000.0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: match_bench [-n CONTAINERS]... [-r RUNS (1..64)] [-t MS] [-u] [-w ROW]\n");
}

int main(int argc, char **argv)
{
	size_t sizes[8];
	int nsizes = 0, runs = 5, alike = 0, opt;
	const char *only = NULL;
	unsigned ms = 100;

	while ((opt = getopt(argc, argv, "n:r:t:uw:h")) != -1) {
		switch (opt) {
		case 'n':
			if (nsizes == 8 || atol(optarg) < 1) {
				usage(stderr);
				return 2;
			}
			sizes[nsizes++] = (size_t)atol(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			ms = (unsigned)atoi(optarg);
			break;
		case 'u':
			alike = 1;
			break;
		case 'w':
			only = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (runs < 1 || runs > 64 || ms < 1 || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!nsizes) {
		sizes[nsizes++] = 100;
		sizes[nsizes++] = 10000;
	}
	if (compile_rows() < 0)
		return 1;
	printf("trd_match_task, matches per CPU second (median of %d runs of %u ms); anchor: a linear\n"
	       "scan for the cheapest container with speed >= the signature's minimum, same array\n",
	       runs, ms);
	for (int s = 0; s < nsizes; s++) {
		size_t n = sizes[s];
		struct trd_cand *cs = make_store(n, alike);

		if (!cs) {
			fprintf(stderr, "match_bench: out of memory for %zu containers\n", n);
			return 1;
		}
		printf("\n%zu containers                  ours/s     ns/match     anchor/s   ours/anchor\n",
		       n);
		for (size_t i = 0; i < NROWS; i++) {
			double ours[64], anch[64], mo, ma;
			char why[256];
			int got;

			if (only && !strstr(rows[i].name, only))
				continue;
			got = trd_match_task(cs, n, rows[i].q, (size_t)rows[i].nq, &task, why,
						 sizeof(why));

			if ((got < 0) != rows[i].none) {
				fprintf(stderr, "match_bench: %s: %s of %zu containers%s%s\n",
					rows[i].name, got < 0 ? "matches none" : "matches one", n,
					got < 0 ? ": " : "", got < 0 ? why : "");
				free(cs);
				return 1;
			}
			for (int r = 0; r < runs; r++) {
				ours[r] = rate(cs, n, &rows[i], 0, ms);
				anch[r] = rate(cs, n, &rows[i], 1, ms);
			}
			mo = median(ours, runs);
			ma = median(anch, runs);
			printf("  %-28s %11.0f %12.1f %12.0f %12.2fx\n", rows[i].name, mo, 1e9 / mo,
			       ma, mo / ma);
		}
		free(cs);
	}
	return 0;
}

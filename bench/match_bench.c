/* SPDX-License-Identifier: MIT */
/*
 * The trader's QoS matching in-process (bench/match.sh runs it): placement
 * decisions per second over a container store of N registered containers,
 * for signatures with each QoS category alone and with all of them, beside
 * an anchor timed in the same run over the same array: a plain linear scan
 * for the cheapest container at least as fast as the signature asks (one
 * field tested, one compared), i.e. the least any matcher that looks at
 * every container must pay.
 *
 * A placement decision is what the trader's place() (trader/trader.c) asks
 * of trader/match.c for a new Tasklet: trd_match_many for k containers,
 * k = n and on distinct hosts for FaultTolerance(n), else k = 1; when it
 * finds fewer than k distinct hosts, trd_qualifying to say whether k could
 * ever be had. (Reliability's choice of redundancy comes from the trader's
 * response-time window, not from matching: here it is retransmission, k = 1.)
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
 * store is drawn from a fixed seed: each container on its own host, speeds
 * 50..1049 MIPS, prices 0..39, 1..8 workers, load 0..2x workers, 70% with
 * a priority queue, 50% with TLS, capacities 0 (unlimited) or 4..67 per
 * class. The Tasklet is expected to take 5 million fuel (CostLimit,
 * Deadline) and its application's speed is 100 MIPS (relative
 * SpeedMinimum). Every row must get its k containers at every N (the bench
 * fails otherwise), except two that time the other paths on purpose: one
 * whose last requirement fits no container (trd_match_task then scans
 * again to name it), and FaultTolerance(2) when every container but one is
 * full (one replica found, then trd_qualifying counts the distinct hosts).
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

enum expect { PLACED = 0, NONE, ONE_OF_K_FULL };

struct row {
	const char *name;
	const char *qos; /* the @QOS header ("" for none) */
	enum expect expect;
	struct vm_qos q[VM_QOS_MAX];
	int nq;
	unsigned k;         /* containers wanted: FaultTolerance(k), else 1 */
	int distinct;       /* on distinct hosts (FaultTolerance) */
	uint32_t min_speed; /* what the anchor scans for */
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
	{ .name = "Deadline, Reliability('0.99')", .qos = "@QOS Deadline(60), Reliability('0.99');" },
	{ .name = "all 7, SpeedMinimum absolute",
	  .qos = "@QOS Priority('True'), SpeedMinimum(300), CostLimit(100), FaultTolerance(2),\n"
		 "     Privacy('TLS', 'ca'), Deadline(60), Reliability('0.99');" },
	{ .name = "all 7, SpeedMinimum relative",
	  .qos = "@QOS Priority('True'), SpeedMinimum(3, 'relative'), CostLimit(100),\n"
		 "     FaultTolerance(2), Privacy('TLS', 'ca'), Deadline(60), Reliability('0.99');" },
	{ .name = "all 7, the last fits none", .expect = NONE,
	  .qos = "@QOS Priority('True'), SpeedMinimum(3, 'relative'), CostLimit(100),\n"
		 "     FaultTolerance(2), Privacy('TLS', 'ca'), Reliability('0.99'), Deadline(1);" },
	{ .name = "FaultTolerance(2), 1 not full", .expect = ONE_OF_K_FULL,
	  .qos = "@QOS FaultTolerance(2);" },
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
		struct row *r = &rows[i];
		uint64_t root;
		int n;

		snprintf(src, sizeof(src), "%s\n0;\n", r->qos);
		if (jsl_compile(st, "match.jsl", src, strlen(src), &root, err, sizeof(err)) < 0 ||
		    (n = vm_qos_read(st, root, r->q, VM_QOS_MAX, err, sizeof(err))) < 0) {
			fprintf(stderr, "match_bench: %s: %s\n", r->name, err);
			vm_store_free(st);
			return -EINVAL;
		}
		r->nq = n;
		r->k = 1;
		for (int j = 0; j < n; j++) {
			const struct vm_qos *q = &r->q[j];

			if (q->cat == VM_QOS_SPEED_MINIMUM)
				r->min_speed = q->nparams >= 2 ? (uint32_t)q->p[0].i * task.app_speed
							       : (uint32_t)q->p[0].i;
			else if (q->cat == VM_QOS_FAULT_TOLERANCE && q->p[0].type == VM_QOS_P_INT)
				r->k = (unsigned)q->p[0].i, r->distinct = 1;
		}
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
 * price 10, priority queue and TLS, 4 workers, 1 held, capacity unlimited)
 * but for their hosts. */
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
		snprintf(c->host, sizeof(c->host), "host%zu", i + 1);
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
		/* a TLS container's certificate chains to CA 'ca' (Privacy('TLS', 'ca')) */
		if (c->flags & CXP_CAP_TLS)
			snprintf(c->ca_cn, sizeof(c->ca_cn), "ca");
		if (alike) {
			c->speed = 500;
			c->price = 10;
			c->flags = CXP_CAP_PRIORITY | CXP_CAP_TLS;
			snprintf(c->ca_cn, sizeof(c->ca_cn), "ca");
			c->workers = 4;
			c->load = c->held[1] = 1;
			c->capacity[0] = c->capacity[1] = 0;
		}
	}
	return cs;
}

/* Every container but the last full (economy held = capacity); the last not. */
static void fill_but_one(struct trd_cand *cs, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		cs[i].capacity[1] = cs[i].capacity[1] ? cs[i].capacity[1] : cs[i].workers;
		cs[i].held[1] = cs[i].capacity[1];
	}
	cs[n - 1].capacity[1] = 0;
}

/*
 * A placement decision as the trader's place() takes it for a new Tasklet:
 * how many containers it got (0..k), or -errno; the first in *first.
 */
static int decide(const struct trd_order *o, const struct trd_cand *cs, size_t n,
		  const struct row *r, int *first)
{
	int out[TRD_MAX_REPLICAS];
	char why[256];
	int m = trd_match_many_o(o, cs, n, r->q, (size_t)r->nq, &task, r->k, r->distinct, NULL, 0,
				 out, why, sizeof(why));

	if (m >= 0 && (unsigned)m < r->k && r->distinct)
		(void)trd_qualifying(cs, n, r->q, (size_t)r->nq, &task, 1);
	*first = m > 0 ? out[0] : -1;
	return m;
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

/* What is timed: ours (the kept order, as the trader matches), the anchor,
 * or the scan (trd_match_many without an order: every container tested). */
enum who { OURS, ANCHOR, SCAN };
static const struct trd_order *cur_order; /* the order of the store being timed */

static long one(const struct trd_cand *cs, size_t n, const struct row *r, enum who w)
{
	int first;

	if (w == ANCHOR)
		return scan(cs, n, r->min_speed);
	return decide(w == OURS ? cur_order : NULL, cs, n, r, &first) + first;
}

/* Decisions per CPU second of row r over cs[0..n) for about ms ms (ours, or the anchor). */
static double rate(const struct trd_cand *cs, size_t n, const struct row *r, enum who anchor,
		   unsigned ms)
{
	uint64_t t0, t, end, batch;
	unsigned long k = 0;
	long acc = 0;

	/* One call: it is the figure when it alone takes ms (a slow row); else
	 * it sizes the batch between clock reads to >= 20 us (a read is a
	 * system call). */
	t0 = cpu_ns();
	acc += one(cs, n, r, anchor);
	t = cpu_ns();
	if (t - t0 >= (uint64_t)ms * 1000000) {
		sink += acc;
		return 1e9 / (double)(t - t0);
	}
	batch = 20000 / (t - t0 + 1) + 1;
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

/* Does row r get what it should from cs? 0, or -1 (said). */
static int check(const struct trd_cand *cs, size_t n, const struct row *r)
{
	int first, m = decide(cur_order, cs, n, r, &first), sf, sm = decide(NULL, cs, n, r, &sf);

	if (m != sm || (m > 0 && first != sf)) {
		fprintf(stderr, "match_bench: %s over %zu containers: the order chose %d (%d), the "
				"scan %d (%d)\n",
			r->name, n, first, m, sf, sm);
		return -1;
	}
	int ok = r->expect == PLACED	      ? m == (int)r->k
		 : r->expect == NONE	      ? m < 0
					      : m == 1 && (size_t)first == n - 1;

	if (!ok)
		fprintf(stderr, "match_bench: %s over %zu containers: got %d of %u containers\n",
			r->name, n, m, r->k);
	return ok ? 0 : -1;
}

/* The kept order of cs[0..n), as the trader builds it at registration. */
static struct trd_order *order_of(const struct trd_cand *cs, size_t n)
{
	struct trd_order *o = trd_order_new();

	for (size_t i = 0; o && i < n; i++)
		if (trd_order_set(o, cs, i) < 0) {
			trd_order_free(o);
			return NULL;
		}
	return o;
}

/* CPU ns per trd_order_set after a load change (the trader makes two per
 * placement: at ASSIGN and at DONE), median of runs. */
static double update_ns(struct trd_cand *cs, size_t n, struct trd_order *o, int runs)
{
	double v[64];
	uint64_t s = 7;

	for (int r = 0; r < runs; r++) {
		enum { K = 200000 };
		uint64_t t0 = cpu_ns();

		for (int j = 0; j < K; j++) {
			size_t i = rng(&s) % n;

			cs[i].load += j & 1 ? -1u : 1u;
			if (cs[i].load == -1u)
				cs[i].load = 0;
			trd_order_set(o, cs, i);
		}
		v[r] = (double)(cpu_ns() - t0) / K;
	}
	return median(v, runs);
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
			if (nsizes == 8 || atol(optarg) < 2) {
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
	printf("placement decisions (trd_match_many over the kept order, + trd_qualifying when short\n"
	       "of hosts) per CPU second, median of %d runs of %u ms; anchor: a linear scan for the\n"
	       "cheapest container with speed >= the signature's minimum, same array; scan: the same\n"
	       "decision testing every container (no order)\n",
	       runs, ms);
	for (int s = 0; s < nsizes; s++) {
		size_t n = sizes[s];
		struct trd_cand *cs = make_store(n, alike), *full = make_store(n, alike);
		struct trd_order *ocs = NULL, *ofull = NULL;

		if (cs && full)
			fill_but_one(full, n), ocs = order_of(cs, n), ofull = order_of(full, n);
		if (!cs || !full || !ocs || !ofull) {
			fprintf(stderr, "match_bench: out of memory for %zu containers\n", n);
			return 1;
		}
		printf("\n%zu containers                   ours/s  us/decision     anchor/s  ours/anchor "
		       "     scan/s  ours/scan\n",
		       n);
		for (size_t i = 0; i < NROWS; i++) {
			const struct trd_cand *st = rows[i].expect == ONE_OF_K_FULL ? full : cs;
			double ours[64], anch[64], scn[64], mo, ma, msc;

			if (only && !strstr(rows[i].name, only))
				continue;
			cur_order = st == full ? ofull : ocs;
			if (check(st, n, &rows[i]) < 0) {
				free(cs);
				free(full);
				return 1;
			}
			for (int r = 0; r < runs; r++) {
				ours[r] = rate(st, n, &rows[i], OURS, ms);
				anch[r] = rate(st, n, &rows[i], ANCHOR, ms);
				scn[r] = rate(st, n, &rows[i], SCAN, ms);
			}
			mo = median(ours, runs);
			ma = median(anch, runs);
			msc = median(scn, runs);
			printf("  %-29s %11.0f %12.2f %12.0f %11.3gx %11.0f %9.3gx\n", rows[i].name, mo,
			       1e6 / mo, ma, mo / ma, msc, mo / msc);
		}
		if (!only)
			printf("  keeping the order: %.0f ns of CPU per load change (two per "
			       "placement)\n",
			       update_ns(cs, n, ocs, runs));
		trd_order_free(ocs);
		trd_order_free(ofull);
		free(cs);
		free(full);
	}
	return 0;
}

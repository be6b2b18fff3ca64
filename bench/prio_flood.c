/* SPDX-License-Identifier: MIT */
/*
 * Priority under an economy flood, end to end, through a real trader and
 * container (bench/container.sh's before/after row; uses the public API
 * only, so that the same program builds against an older libtasklet):
 *
 *   prio_flood --trader ADDR [--secs S] [--outstanding E] [--every-ms P]
 *
 * keeps E economy Tasklets of about 2 ms outstanding, submits a no-op
 * Priority('True') Tasklet every P ms, for S seconds, then prints
 * "prio_p50_us A prio_p99_us B econ_p50_us C n_prio D" (submit to result,
 * as the application sees it).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tasklet.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double q(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)n + 0.999999);

	return n ? (double)v[(i < 1 ? 1 : i > n ? n : i) - 1] : 0;
}

int main(int argc, char **argv)
{
	static const char econ[] = "let i = 0; while (i < 200000) { i = i + 1; } i;\n";
	static const char prio[] = "@QOS Priority('True');\n1;\n";
	struct tl_options o = { 0 };
	unsigned secs = 5, outstanding = 16, every_ms = 20;
	uint64_t *eids, *plat, *elat, t_end, next_prio;
	size_t np = 0, ne = 0, nout = 0, head = 0, pcap = 100000, ecap = 1000000;
	uint64_t pids[4096];
	size_t npids = 0;
	char err[512];
	struct tl_client *c;
	int opt;

	while ((opt = getopt(argc, argv, "t:s:o:p:")) != -1) {
		switch (opt) {
		case 't': o.trader = optarg; break;
		case 's': secs = (unsigned)atoi(optarg); break;
		case 'o': outstanding = (unsigned)atoi(optarg); break;
		case 'p': every_ms = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if (!o.trader) {
		fprintf(stderr, "usage: prio_flood -t TRADER [-s SECS] [-o OUTSTANDING] [-p MS]\n");
		return 2;
	}
	c = tl_client_new(&o, err, sizeof(err));
	eids = calloc(ecap, sizeof(*eids));
	plat = calloc(pcap, sizeof(*plat));
	elat = calloc(ecap, sizeof(*elat));
	if (!c || !eids || !plat || !elat) {
		fprintf(stderr, "prio_flood: %s\n", c ? "out of memory" : err);
		return 1;
	}
	t_end = now_ns() + (uint64_t)secs * 1000000000ull;
	next_prio = now_ns() + (uint64_t)every_ms * 1000000ull;
	while (now_ns() < t_end) {
		struct tl_result r;
		uint64_t id;

		while (nout < outstanding && head + nout < ecap) {
			if (tl_submit_source(c, "econ.jsl", econ, sizeof(econ) - 1, &id, err,
					     sizeof(err)) < 0)
				return 1;
			eids[head + nout++] = id;
		}
		if (now_ns() >= next_prio && npids < 4096) {
			if (tl_submit_source(c, "prio.jsl", prio, sizeof(prio) - 1, &pids[npids++],
					     err, sizeof(err)) < 0)
				return 1;
			next_prio += (uint64_t)every_ms * 1000000ull;
		}
		/* Collect priority results without blocking, then the oldest economy one. */
		for (size_t k = 0; k < npids;) {
			if (tl_wait(c, pids[k], &r, 0) == 0) {
				if (r.status == TL_OK && np < pcap)
					plat[np++] = r.latency_ns;
				tl_result_free(&r);
				pids[k] = pids[--npids];
			} else {
				k++;
			}
		}
		if (nout && tl_wait(c, eids[head], &r, 1) == 0) {
			if (r.status == TL_OK && ne < ecap)
				elat[ne++] = r.latency_ns;
			tl_result_free(&r);
			head++;
			nout--;
		}
	}
	for (size_t k = 0; k < npids; k++) {
		struct tl_result r;

		if (tl_wait(c, pids[k], &r, 30000) == 0) {
			if (r.status == TL_OK && np < pcap)
				plat[np++] = r.latency_ns;
			tl_result_free(&r);
		}
	}
	for (; nout; head++, nout--) {
		struct tl_result r;

		if (tl_wait(c, eids[head], &r, 30000) == 0)
			tl_result_free(&r);
	}
	qsort(plat, np, sizeof(*plat), cmp);
	qsort(elat, ne, sizeof(*elat), cmp);
	printf("prio_p50_us %.1f prio_p99_us %.1f econ_p50_us %.1f n_prio %zu\n", q(plat, np, 0.5) / 1e3,
	       q(plat, np, 0.99) / 1e3, q(elat, ne, 0.5) / 1e3, np);
	tl_client_free(c);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * One run of the QoS benches (bench/qos.sh): N Tasklets from FILE through a
 * real trader, submitted in bursts of B (a burst is submitted at once, the
 * next after the burst is answered), each answer checked. Prints one line:
 *
 *   ok N missed N other N p50_ms X p99_ms X placements_per_tasklet X seconds X
 *
 * (missed: "deadline missed"; other: any other error; latency from submit
 * to answer, of every Tasklet; placements: ASSIGNED per Tasklet, that is
 * replicas, retransmissions and re-placements).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "common/clock.h"
#include "runtime/app/tasklet.h"

int main(int argc, char **argv)
{
	const char *trader = NULL, *want = NULL, *latfile = NULL;
	unsigned n = 200, burst = 4;
	struct tl_options o = { 0 };
	struct tl_client *c;
	struct tl_stats st;
	uint64_t *lat, *ids, t0;
	unsigned ok = 0, missed = 0, other = 0, k = 0;
	char err[512];
	int opt;

	while ((opt = getopt(argc, argv, "t:n:b:w:o:")) != -1) {
		switch (opt) {
		case 't': trader = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'b': burst = (unsigned)atoi(optarg); break;
		case 'w': want = optarg; break;
		case 'o': latfile = optarg; break;
		default: goto usage;
		}
	}
	if (!trader || optind != argc - 1 || !n || !burst)
		goto usage;
	o.trader = trader;
	c = tl_client_new(&o, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "qos_bench: %s\n", err);
		return 1;
	}
	lat = calloc(n, sizeof(*lat));
	ids = calloc(burst, sizeof(*ids));
	if (!lat || !ids)
		return 1;
	t0 = clock_now_ns();
	while (k < n) {
		unsigned m = n - k < burst ? n - k : burst;

		for (unsigned i = 0; i < m; i++)
			if (tl_submit_file(c, argv[optind], &ids[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "qos_bench: %s\n", err);
				return 1;
			}
		for (unsigned i = 0; i < m; i++, k++) {
			struct tl_result r;

			if (tl_wait(c, ids[i], &r, 60000) < 0) {
				fprintf(stderr, "qos_bench: no answer in 60 s\n");
				return 1;
			}
			lat[k] = r.latency_ns;
			if (r.status == TL_OK && want && (!r.value || strcmp(r.value, want))) {
				fprintf(stderr, "qos_bench: wrong result %s (want %s)\n", r.value, want);
				return 1;
			}
			ok += r.status == TL_OK;
			missed += r.status == TL_ERR_DEADLINE;
			other += r.status != TL_OK && r.status != TL_ERR_DEADLINE;
			tl_result_free(&r);
		}
	}
	qsort(lat, n, sizeof(*lat), bench_cmp_u64);
	if (latfile) {
		/* the latencies, sorted, one per line in ms: a CDF's x values */
		FILE *f = fopen(latfile, "w");

		if (!f) {
			fprintf(stderr, "qos_bench: %s: cannot write\n", latfile);
			return 1;
		}
		for (unsigned k2 = 0; k2 < n; k2++)
			fprintf(f, "%.3f %.5f\n", lat[k2] / 1e6, (double)(k2 + 1) / n);
		fclose(f);
	}
	tl_client_stats(c, &st);
	printf("ok %u missed %u other %u p50_ms %.3f p99_ms %.3f placements_per_tasklet %.3f "
	       "seconds %.3f\n",
	       ok, missed, other, bench_quantile(lat, n, 0.5) / 1e6, bench_quantile(lat, n, 0.99) / 1e6,
	       (double)st.placements / n, (double)(clock_now_ns() - t0) / 1e9);
	tl_client_free(c);
	free(lat);
	free(ids);
	return 0;
usage:
	fprintf(stderr, "usage: qos_bench -t TRADER [-n N] [-b BURST] [-w VALUE] [-o LATFILE] FILE.jsl\n");
	return 2;
}

/* SPDX-License-Identifier: MIT */
/* tasklet run: the application side from the command line (man tasklet(1)). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"
#include "runtime/cli/cmd.h"
#include "runtime/cli/embedded.h"
#include "runtime/app/tasklet.h"
#include "vm/jsl.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: tasklet run [--trader ADDR:PORT] [--listen ADDR:PORT] [--containers N]\n"
		"                   [--workers N] [--repeat N] [--timeout SEC] [--seed N]\n"
		"                   [--local-fallback] [--record DIR] [--input FILE|-] [-v] [-q]\n"
		"                   [--cert FILE --key FILE --ca FILE... [--crl FILE...] [--trader-name CN]]\n"
		"                   FILE.jsl...\n"
		"Compile each FILE, submit it to the trader, print its output and result.\n"
		"Without --trader, an embedded trader and N (default 2) containers start on\n"
		"loopback inside this process. With --local-fallback, a Tasklet no container\n"
		"matches runs in this process instead. With --record DIR, what replays each\n"
		"answered Tasklet is kept in DIR (tasklet replay DIR).\n");
}

static int submit_with_input(struct tl_client *c, const char *path, const char *input,
			     size_t input_len, uint64_t *id, char *err, size_t errlen)
{
	char *src = NULL;
	size_t len = 0;
	int rc = jsl_read_file(path, &src, &len, err, errlen);

	if (rc < 0)
		return rc;
	rc = tl_submit_input(c, path, src, len, input, input_len, id, err, errlen);
	free(src);
	return rc;
}

/* Print one finished Tasklet. Returns 0 when it ran to completion. */
static int report(const char *file, const struct tl_result *r, int many, int verbose)
{
	if (many)
		printf("== %s: %s on %s (%s) ==\n", file, tl_status_name(r->status),
		       r->container[0] ? r->container : "-", r->priority ? "priority" : "economy");
	if (r->output)
		fwrite(r->output, 1, r->output_len, stdout);
	if (r->status == TL_OK) {
		printf("=> %s\n", r->value ? r->value : "undefined");
	} else {
		fflush(stdout);
		fprintf(stderr, "tasklet: %s: %s: %s\n", file, tl_status_name(r->status),
			r->error && r->error[0] ? r->error : "(no message)");
	}
	fflush(stdout); /* keep stdout and stderr in order on a shared terminal */
	if (verbose)
		fprintf(stderr,
			"tasklet: %s: tasklet %016llx ran on %s (%s): fuel %llu, cost %.6f, queued "
			"%.3f ms, vm %.3f ms, round trip %.3f ms, seed %llu, time %llu\n",
			file, (unsigned long long)r->id, r->container[0] ? r->container : "-",
			r->priority ? "priority" : "economy", (unsigned long long)r->fuel_used,
			r->cost, (double)r->queue_ns / 1e6, (double)r->run_ns / 1e6,
			(double)r->latency_ns / 1e6, (unsigned long long)r->seed,
			(unsigned long long)r->start_ms);
	if (r->digest_mismatch)
		fprintf(stderr, "tasklet: %s: tasklet %016llx: replicas disagreed (digest mismatch; "
			"the first answer is shown)\n", file, (unsigned long long)r->id);
	fflush(stdout);
	return r->status == TL_OK ? 0 : 1;
}

int rt_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trader", required_argument, NULL, 't' },
		{ "listen", required_argument, NULL, 'l' },
		{ "containers", required_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 's' },
		{ "local-fallback", no_argument, NULL, 'L' },
		{ "record", required_argument, NULL, 'R' },
		{ "input", required_argument, NULL, 'i' },
		RT_TLS_LONGOPTS,
		RT_TRADER_NAME_LONGOPT,
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tl_options o = { 0 };
	struct rt_tls_opts tlo = { 0 };
	char *input = NULL;
	size_t input_len = 0;
	struct rt_embedded_config ec = { 0 };
	struct rt_embedded *emb = NULL;
	unsigned long long repeat = 1, timeout_s = 60;
	int verbose = 0, quiet = 0, opt, nfiles, failed = 0, rc = 0;
	struct tl_client *c;
	uint64_t *ids;
	char err[512];

	while ((opt = getopt_long(argc, argv, "t:l:c:w:r:T:s:LR:i:vqh", opts, NULL)) != -1) {
		switch (opt) {
		case 't': o.trader = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'c': ec.containers = (unsigned)rt_opt_num("--containers", optarg, 64); break;
		case 'w': ec.workers = (unsigned)rt_opt_num("--workers", optarg, 1024); break;
		case 'r': repeat = rt_opt_num("--repeat", optarg, 1000000); break;
		case 'T': timeout_s = rt_opt_num("--timeout", optarg, 86400); break;
		case 's': o.seed = rt_opt_num("--seed", optarg, ~0ull); break;
		case 'L': o.local_fallback = 1; break;
		case 'R': o.record_dir = optarg; break;
		case 'i': input = rt_read_input(optarg, &input_len); break;
		case RT_OPT_CERT:
		case RT_OPT_KEY:
		case RT_OPT_CA:
		case RT_OPT_CRL: rt_tls_opt(&tlo, opt, optarg); break;
		case RT_OPT_TRADER_NAME: o.trader_name = optarg; break;
		case 'v': verbose = ec.verbose = 1; break;
		case 'q': quiet = 1; break;
		case 'h': run_usage(stdout); return 0;
		default: run_usage(stderr); return RT_EXIT_USAGE;
		}
	}
	if (tlo.cert || tlo.key || tlo.nca) {
		if (!tlo.cert || !tlo.key || !tlo.nca) {
			fprintf(stderr, "tasklet: secure mode needs --cert, --key and at least one "
					"--ca (tasklet-security(7))\n");
			return RT_EXIT_USAGE;
		}
		o.cert_file = tlo.cert;
		o.key_file = tlo.key;
		o.ca_files = tlo.ca;
		o.nca = tlo.nca;
	}
	nfiles = argc - optind;
	if (nfiles < 1 || repeat < 1) {
		run_usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (o.cert_file && !o.trader) {
		fprintf(stderr, "tasklet: secure mode (--cert) needs --trader: the embedded "
				"default runs in open mode\n");
		return RT_EXIT_USAGE;
	}
	/* The embedded daemons talk only with -v; a remote trader's errors still show. */
	if (quiet || (!o.trader && !verbose))
		cxp_log_quiet(1);
	cxp_log_role("app");
	if (!o.trader) {
		emb = rt_embedded_start(&ec, err, sizeof(err));
		if (!emb) {
			fprintf(stderr, "tasklet: %s\n", err);
			return RT_EXIT_USAGE; /* as tasklet(1) documents: set-up failures are 2 */
		}
		o.trader = rt_embedded_trader(emb);
	}
	c = tl_client_new(&o, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "tasklet: %s\n", err);
		rt_embedded_stop(emb);
		return RT_EXIT_USAGE;
	}
	if (verbose)
		fprintf(stderr, "tasklet: using trader %s%s\n", tl_client_trader(c),
			emb ? " (embedded default)" : "");
	ids = calloc((size_t)nfiles * repeat, sizeof(*ids));
	if (!ids) {
		tl_client_free(c);
		rt_embedded_stop(emb);
		return 1;
	}
	/* Submit everything first, so Tasklets run concurrently, then collect in order. */
	for (unsigned long long k = 0; k < repeat; k++) {
		for (int i = 0; i < nfiles; i++) {
			int r = input ? submit_with_input(c, argv[optind + i], input, input_len,
							  &ids[k * nfiles + i], err, sizeof(err))
				      : tl_submit_file(c, argv[optind + i], &ids[k * nfiles + i], err,
						       sizeof(err));

			if (r < 0) {
				fprintf(stderr, "%s\n", err);
				rc = RT_EXIT_USAGE;
				goto out;
			}
		}
	}
	for (unsigned long long k = 0; k < (unsigned long long)nfiles * repeat; k++) {
		const char *file = argv[optind + (int)(k % (unsigned long long)nfiles)];
		struct tl_result r;

		if (tl_wait(c, ids[k], &r, (int)(timeout_s * 1000)) < 0) {
			fprintf(stderr, "tasklet: %s: no result within %llu s (assigned to %s)\n",
				file, timeout_s, r.container[0] ? r.container : "no container yet");
			failed++;
			continue;
		}
		failed += report(file, &r, nfiles * repeat > 1, verbose);
		tl_result_free(&r);
	}
	rc = failed ? 1 : 0;
	{
		struct tl_stats st;

		tl_client_stats(c, &st);
		if (st.digest_mismatches) {
			fprintf(stderr, "tasklet: %llu result%s disagreed with a replica's (digest "
				"mismatch): a container lies or is broken\n",
				(unsigned long long)st.digest_mismatches,
				st.digest_mismatches == 1 ? "" : "s");
			rc = 1;
		}
	}
out:
	free(ids);
	free(input);
	tl_client_free(c);
	rt_embedded_stop(emb);
	return rc;
}

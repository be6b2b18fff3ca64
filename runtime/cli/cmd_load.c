/* SPDX-License-Identifier: MIT */
/*
 * tasklet load: a load generator on the C API, for the evaluation (make
 * eval, bench/eval/) and anyone who wants to load a cluster the way the
 * Tasklet paper's evaluation did (its Table I): A applications, each a
 * thread with its own client, each submitting T Tasklets with a random
 * sleep in [LO, HI] ms between submissions (not waiting for results), a
 * share of them Priority('True'); optionally a second group of applications
 * starting after a delay (scenario 3). Every Tasklet's record goes to a CSV:
 *
 *   submit_ms,group,app,class,container,queue_ms,run_ms,latency_ms,status
 *
 * submit_ms from the start of the run; queue_ms is the time it waited in the
 * container's queue, ready to run (the container's own dequeue timestamp,
 * carried in the result), run_ms its time in the VM, latency_ms submit to
 * answer as the application saw it.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "runtime/app/tasklet.h"
#include "runtime/cli/cmd.h"
#include "vm/jsl.h"

/* The default Tasklet: a short integer loop (its fuel and time are printed
 * by `tasklet exec --stats`; bench/eval/README.md gives them). */
static const char default_work[] = "let s = 0;\n"
				   "for (let i = 0; i < 20000; i++) s = (s + i * i) % 7;\n"
				   "s;\n";

struct group {
	unsigned apps, tasklets;
	unsigned lo_ms, hi_ms;
	unsigned delay_ms; /* after the start of the run */
};

struct record {
	uint64_t id;
	uint64_t submit_ns;
	unsigned group, app;
	int prio;
};

struct app {
	pthread_t th;
	const char *trader;
	const struct group *g;
	unsigned group, idx;
	unsigned prio_share;
	uint64_t seed;
	const char *src, *psrc;
	size_t srclen, psrclen;
	uint64_t t0;
	struct record *rec; /* g->tasklets */
	FILE *csv;
	pthread_mutex_t *csv_mu;
	unsigned ok, failed;
	int err;
};

static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *app_main(void *arg)
{
	struct app *a = arg;
	struct tl_options o = { .trader = a->trader, .seed = a->seed };
	char err[256];
	struct tl_client *c;

	if (a->g->delay_ms)
		sleep_ms(a->g->delay_ms);
	c = tl_client_new(&o, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "tasklet load: %s\n", err);
		a->err = 1;
		return NULL;
	}
	for (unsigned k = 0; k < a->g->tasklets; k++) {
		struct record *r = &a->rec[k];
		int prio = (unsigned)(next_rand(&a->seed) % 100) < a->prio_share;

		r->group = a->group;
		r->app = a->idx;
		r->prio = prio;
		r->submit_ns = clock_now_ns();
		if (tl_submit_source(c, "load.jsl", prio ? a->psrc : a->src,
				     prio ? a->psrclen : a->srclen, &r->id, err, sizeof(err)) < 0) {
			fprintf(stderr, "tasklet load: %s\n", err);
			a->err = 1;
			break;
		}
		if (k + 1 < a->g->tasklets)
			sleep_ms(a->g->lo_ms +
				 (unsigned)(next_rand(&a->seed) % (a->g->hi_ms - a->g->lo_ms + 1)));
	}
	for (unsigned k = 0; k < a->g->tasklets && !a->err; k++) {
		struct record *r = &a->rec[k];
		struct tl_result res;

		if (tl_wait(c, r->id, &res, 600000) < 0) {
			a->failed++;
			continue;
		}
		if (res.status == TL_OK)
			a->ok++;
		else
			a->failed++;
		pthread_mutex_lock(a->csv_mu);
		fprintf(a->csv, "%.3f,%u,%u,%s,%s,%.3f,%.3f,%.3f,%s\n",
			(double)(r->submit_ns - a->t0) / 1e6, r->group, r->app,
			r->prio ? "priority" : "economy", res.container[0] ? res.container : "-",
			(double)res.queue_ns / 1e6, (double)res.run_ns / 1e6,
			(double)res.latency_ns / 1e6, res.status == TL_OK ? "ok" : tl_status_name(res.status));
		pthread_mutex_unlock(a->csv_mu);
		tl_result_free(&res);
	}
	tl_client_free(c);
	return NULL;
}

/* "A:T:LO:HI" or "A:T:LO:HI:DELAY_MS" */
static int parse_group(const char *s, struct group *g)
{
	unsigned d = 0;
	int n = sscanf(s, "%u:%u:%u:%u:%u", &g->apps, &g->tasklets, &g->lo_ms, &g->hi_ms, &d);

	g->delay_ms = n == 5 ? d : 0;
	return (n == 4 || n == 5) && g->apps && g->apps <= 1000 && g->tasklets &&
			       g->tasklets <= 1000000 && g->lo_ms <= g->hi_ms && g->hi_ms <= 3600000
		       ? 0
		       : -1;
}

int rt_cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trader", required_argument, NULL, 't' },
		{ "group", required_argument, NULL, 'g' },
		{ "priority-share", required_argument, NULL, 'p' },
		{ "work", required_argument, NULL, 'w' },
		{ "csv", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"usage: tasklet load --trader ADDR:PORT --group A:T:LO:HI[:DELAY_MS]...\n"
		"                    [--priority-share PERCENT] [--work FILE.jsl] [--csv FILE]\n"
		"                    [--seed N]\n"
		"A applications each submit T Tasklets, LO..HI ms apart (random), starting\n"
		"DELAY_MS after the run starts; one CSV line per Tasklet (man tasklet(1)).\n";
	struct group groups[4];
	unsigned ngroups = 0, share = 0, napps = 0, ok = 0, failed = 0;
	const char *trader = NULL, *work = NULL, *csvpath = NULL;
	uint64_t seed = 1, t0;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char *src, *psrc;
	size_t srclen = 0;
	struct app *apps;
	FILE *csv = stdout;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "t:g:p:w:o:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': trader = optarg; break;
		case 'g':
			if (ngroups == 4 || parse_group(optarg, &groups[ngroups]) < 0) {
				fprintf(stderr, "tasklet load: --group %s: want A:T:LO:HI[:DELAY_MS] "
						"(at most 4 groups, LO <= HI)\n", optarg);
				return RT_EXIT_USAGE;
			}
			ngroups++;
			break;
		case 'p': share = (unsigned)rt_opt_num("--priority-share", optarg, 100); break;
		case 'w': work = optarg; break;
		case 'o': csvpath = optarg; break;
		case 's': seed = rt_opt_num("--seed", optarg, ~0ull); break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return RT_EXIT_USAGE;
		}
	}
	if (!trader || !ngroups || optind != argc) {
		fputs(usage, stderr);
		return RT_EXIT_USAGE;
	}
	if (work) {
		char err[256];

		if (jsl_read_file(work, &src, &srclen, err, sizeof(err)) < 0) {
			fprintf(stderr, "tasklet load: %s\n", err);
			return RT_EXIT_USAGE;
		}
	} else {
		src = strdup(default_work);
		srclen = strlen(default_work);
	}
	psrc = malloc(srclen + 64);
	if (!src || !psrc)
		return 1;
	snprintf(psrc, srclen + 64, "@QOS Priority('True')\n%s", src);
	if (csvpath && !(csv = fopen(csvpath, "w"))) {
		fprintf(stderr, "tasklet load: %s: %s\n", csvpath, strerror(errno));
		return RT_EXIT_USAGE;
	}
	fprintf(csv, "submit_ms,group,app,class,container,queue_ms,run_ms,latency_ms,status\n");
	for (unsigned g = 0; g < ngroups; g++)
		napps += groups[g].apps;
	apps = calloc(napps, sizeof(*apps));
	if (!apps)
		return 1;
	t0 = clock_now_ns();
	for (unsigned g = 0, k = 0; g < ngroups; g++)
		for (unsigned i = 0; i < groups[g].apps; i++, k++) {
			struct app *a = &apps[k];

			a->trader = trader;
			a->g = &groups[g];
			a->group = g + 1;
			a->idx = i + 1;
			a->prio_share = share;
			a->seed = seed * 1000003u + k * 7919u + 1;
			a->src = src;
			a->srclen = srclen;
			a->psrc = psrc;
			a->psrclen = strlen(psrc);
			a->t0 = t0;
			a->csv = csv;
			a->csv_mu = &mu;
			a->rec = calloc(groups[g].tasklets, sizeof(*a->rec));
			if (!a->rec || pthread_create(&a->th, NULL, app_main, a)) {
				fprintf(stderr, "tasklet load: cannot start application %u\n", k + 1);
				return 1;
			}
		}
	for (unsigned k = 0; k < napps; k++) {
		pthread_join(apps[k].th, NULL);
		ok += apps[k].ok;
		failed += apps[k].failed;
		rc |= apps[k].err;
		free(apps[k].rec);
	}
	if (csv != stdout)
		fclose(csv);
	fprintf(stderr, "tasklet load: %u applications, %u Tasklets ok, %u failed, %.1f s\n", napps,
		ok, failed, (double)(clock_now_ns() - t0) / 1e9);
	free(apps);
	free(src);
	free(psrc);
	return rc || failed ? 1 : 0;
}

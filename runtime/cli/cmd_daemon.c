/* SPDX-License-Identifier: MIT */
/* tasklet trader / tasklet container: the two daemons (man tasklet-trader(8),
 * tasklet-container(8)). Each runs until SIGINT, SIGTERM or SIGHUP. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cxp/cxp.h"
#include "runtime/cli/cmd.h"
#include "runtime/container/container.h"
#include "trader/trader.h"

static int loop_rc; /* the trader loop's exit status, read after the join */

static void *loop_main(void *arg)
{
	int rc;

	cxp_log_role("trader");
	rc = cxp_loop_run(arg);
	loop_rc = rc;
	if (rc < 0) {
		cxp_log("event loop failed: %s", strerror(-rc));
		kill(getpid(), SIGTERM); /* wake the main thread's sigwait */
	}
	return NULL;
}

static void copy_str(char *dst, size_t cap, const char *opt, const char *val)
{
	if (strlen(val) >= cap) {
		fprintf(stderr, "tasklet: %s: '%s' is too long (at most %zu characters)\n", opt,
			val, cap - 1);
		exit(RT_EXIT_USAGE);
	}
	snprintf(dst, cap, "%s", val);
}

/* An address option must parse as HOST:PORT now, not fail later in a retry loop. */
static void copy_addr(char *dst, size_t cap, const char *opt, const char *val)
{
	struct sockaddr_storage ss;
	unsigned sl;

	copy_str(dst, cap, opt, val);
	if (cxp_addr_parse(val, &ss, &sl) < 0) {
		fprintf(stderr,
			"tasklet: %s: '%s' is not an address (want HOST:PORT with a numeric "
			"host or localhost, e.g. 127.0.0.1:7000 or [::1]:7000)\n",
			opt, val);
		exit(RT_EXIT_USAGE);
	}
}

int rt_cmd_trader(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "hold-ms", required_argument, NULL, 'H' },
		{ "suspect-ms", required_argument, NULL, 'S' },
		{ "resubmit-hold-ms", required_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		RT_TLS_LONGOPTS,
		RT_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"usage: tasklet trader --listen ADDR:PORT [--hold-ms MS] [--suspect-ms MS]\n"
		"                      [--resubmit-hold-ms MS] [--verbose]\n"
		"                      [--cert FILE --key FILE --ca FILE... [--crl FILE...]]\n"
		"                      [--read-timeout MS] [--idle-timeout MS] [--max-conns N]\n"
		"                      [--max-conns-per-addr N] [--rx-budget MIB]\n";
	struct rt_tls_opts tlo = { 0 };
	struct cxp_limits lim;

	cxp_limits_default(&lim);
	struct trd_config cfg = { .listen = "" };
	char bound[CXP_ADDR_MAX + 1];
	struct trd_trader *t;
	struct cxp_loop *l;
	pthread_t th;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, "l:H:S:W:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': copy_addr(cfg.listen, sizeof(cfg.listen), "--listen", optarg); break;
		case 'H': cfg.hold_ms = (uint32_t)rt_opt_num("--hold-ms", optarg, 3600000); break;
		case 'S': cfg.suspect_ms = (uint32_t)rt_opt_num("--suspect-ms", optarg, 3600000); break;
		case 'W':
			cfg.resubmit_hold_ms =
				(uint32_t)rt_opt_num("--resubmit-hold-ms", optarg, 3600000);
			break;
		case 'v': cfg.verbose = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			if (rt_daemon_opt(opt, optarg, &tlo, &lim))
				break;
			fputs(usage, stderr);
			return RT_EXIT_USAGE;
		}
	}
	cfg.limits = &lim;
	if (!cfg.listen[0] || optind != argc) {
		fputs(usage, stderr);
		return RT_EXIT_USAGE;
	}
	cfg.tls = rt_tls_load(&tlo);
	cxp_log_role("trader");
	rt_tls_log_mode(&tlo, "trader");
	rt_signals_block();
	l = cxp_loop_new();
	if (!l) {
		cxp_log("cannot create the event loop: %s", strerror(errno));
		return 1;
	}
	cxp_log("io_uring: %s", cxp_loop_features(l));
	t = trd_new(l, &cfg, bound, sizeof(bound));
	if (!t) {
		cxp_loop_free(l);
		return 1;
	}
	cxp_log("listening on %s%s", bound, cfg.hold_ms ? "" : " (no match: answered at once)");
	/* Scripts read the bound address from stdout (useful with port 0). */
	printf("%s\n", bound);
	fflush(stdout);
	if (pthread_create(&th, NULL, loop_main, l)) {
		cxp_loop_free(l);
		trd_free(t);
		return 1;
	}
	sig = rt_signals_wait();
	cxp_log("%s: shutting down", strsignal(sig));
	cxp_loop_stop(l);
	pthread_join(th, NULL);
	cxp_loop_free(l);
	trd_free(t);
	cxp_tls_free(cfg.tls);
	return loop_rc < 0 ? 1 : 0;
}

int rt_cmd_container(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trader", required_argument, NULL, 't' },
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "name", required_argument, NULL, 'n' },
		{ "host", required_argument, NULL, 'o' },
		{ "price", required_argument, NULL, 'p' },
		{ "speed", required_argument, NULL, 's' },
		{ "no-priority", no_argument, NULL, 'P' },
		{ "fuel", required_argument, NULL, 'f' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "economy-share", required_argument, NULL, 'E' },
		{ "drain-timeout", required_argument, NULL, 'D' },
		{ "fetch-timeout", required_argument, NULL, 'F' },
		{ "inject", required_argument, NULL, 'I' },
		{ "chunk-cache", required_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		RT_TLS_LONGOPTS,
		RT_TRADER_NAME_LONGOPT,
		RT_LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"usage: tasklet container --trader ADDR:PORT [--listen ADDR:PORT] [--name NAME]\n"
		"                         [--host NAME] [--workers N] [--cpus LIST] [--queue N]\n"
		"                         [--economy-share PERCENT] [--drain-timeout MS]\n"
		"                         [--fetch-timeout MS] [--inject SPEC] [--chunk-cache N]\n"
		"                         [--price N] [--speed MIPS] [--no-priority] [--fuel N]\n"
		"                         [--verbose] [--cert FILE --key FILE --ca FILE... [--crl FILE...]]\n"
		"                         [--trader-name CN]\n"
		"                         [--read-timeout MS] [--idle-timeout MS] [--max-conns N]\n"
		"                         [--max-conns-per-addr N] [--rx-budget MIB]\n";
	struct rt_tls_opts tlo = { 0 };
	struct cxp_limits lim;

	cxp_limits_default(&lim);
	struct rt_container_config cfg = { 0 };
	struct rt_container *c;
	int opt, sig, cpus[RT_MAX_WORKERS];

	while ((opt = getopt_long(argc, argv, "t:l:w:n:o:p:s:Pf:Q:C:E:D:F:I:K:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 't': copy_addr(cfg.trader, sizeof(cfg.trader), "--trader", optarg); break;
		case 'l': copy_addr(cfg.listen, sizeof(cfg.listen), "--listen", optarg); break;
		case 'w': cfg.workers = (unsigned)rt_opt_num("--workers", optarg, 1024); break;
		case 'n': copy_str(cfg.name, sizeof(cfg.name), "--name", optarg); break;
		case 'o': copy_str(cfg.host, sizeof(cfg.host), "--host", optarg); break;
		case 'p': cfg.price = (uint32_t)rt_opt_num("--price", optarg, UINT32_MAX); break;
		case 's': cfg.speed = (uint32_t)rt_opt_num("--speed", optarg, UINT32_MAX); break;
		case 'P': cfg.no_priority = 1; break;
		case 'f': cfg.fuel = rt_opt_num("--fuel", optarg, ~0ull); break;
		case 'Q': cfg.queue_max = (unsigned)rt_opt_num("--queue", optarg, 1u << 24); break;
		case 'C':
			copy_str(cfg.cpus, sizeof(cfg.cpus), "--cpus", optarg);
			if (rt_parse_cpus(optarg, cpus, RT_MAX_WORKERS) < 0) {
				fprintf(stderr, "tasklet: --cpus: '%s' is not a CPU list (e.g. 0-3,6)\n",
					optarg);
				return RT_EXIT_USAGE;
			}
			break;
		case 'E':
			cfg.economy_share = (unsigned)rt_opt_num("--economy-share", optarg, 100);
			break;
		case 'D':
			cfg.drain_timeout_ms = (unsigned)rt_opt_num("--drain-timeout", optarg, 86400000);
			break;
		case 'F':
			cfg.fetch_timeout_ms = (unsigned)rt_opt_num("--fetch-timeout", optarg, 3600000);
			break;
		case 'I': {
			char err[256];

			copy_str(cfg.inject, sizeof(cfg.inject), "--inject", optarg);
			if (rt_inject_check(optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "tasklet: %s\n", err);
				return RT_EXIT_USAGE;
			}
			break;
		}
		case 'K': /* 0 turns the cache off (the config's 0 means the default) */
			cfg.chunk_cache = (long)rt_opt_num("--chunk-cache", optarg, 1u << 30);
			if (!cfg.chunk_cache)
				cfg.chunk_cache = -1;
			break;
		case 'v': cfg.verbose = 1; break;
		case RT_OPT_TRADER_NAME:
			copy_str(cfg.trader_name, sizeof(cfg.trader_name), "--trader-name", optarg);
			break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			if (rt_daemon_opt(opt, optarg, &tlo, &lim))
				break;
			fputs(usage, stderr);
			return RT_EXIT_USAGE;
		}
	}
	cfg.limits = &lim;
	if (!cfg.trader[0] || optind != argc) {
		fputs(usage, stderr);
		return RT_EXIT_USAGE;
	}
	cfg.tls = rt_tls_load(&tlo);
	if (cfg.tls) {
		/* The name is the certificate's common name (the trader checks it). */
		char cn[CXP_NAME_MAX + 1], err[256];

		if (cxp_cert_file_cn(tlo.cert, cn, sizeof(cn), err, sizeof(err)) < 0) {
			fprintf(stderr, "tasklet: %s\n", err);
			return RT_EXIT_USAGE;
		}
		if (cfg.name[0] && strcmp(cfg.name, cn)) {
			fprintf(stderr, "tasklet: --name %s: in secure mode a container's name is its "
					"certificate's common name, %s\n", cfg.name, cn);
			return RT_EXIT_USAGE;
		}
		snprintf(cfg.name, sizeof(cfg.name), "%s", cn);
	}
	cxp_log_role(cfg.name[0] ? cfg.name : "container");
	rt_tls_log_mode(&tlo, "container");
	rt_signals_block();
	c = rt_container_start(&cfg);
	if (!c)
		return 1;
	if (rt_container_listen_addr(c)[0]) {
		printf("%s\n", rt_container_listen_addr(c));
		fflush(stdout);
	}
	sig = rt_signals_wait();
	cxp_log_role(cfg.name[0] ? cfg.name : "container");
	/* First signal: drain (nothing queued is lost); a second one: exit at once. */
	cxp_log("%s: draining (a second signal exits at once)", strsignal(sig));
	rt_container_drain(c);
	while (rt_container_wait_drained(c, 100) < 0) {
		if (rt_signals_poll()) {
			cxp_log("second signal: exiting without waiting");
			_exit(1);
		}
	}
	rt_container_stop(c);
	cxp_tls_free(cfg.tls);
	cxp_log("stopped");
	return 0;
}

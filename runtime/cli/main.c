/* SPDX-License-Identifier: MIT */
/* The multi-call `tasklet` binary: tasklet COMMAND [ARGS...] (man tasklet(1)). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"
#include "runtime/cli/cmd.h"

#define TASKLET_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "run", rt_cmd_run, "compile FILE.jsl, submit it to a trader, print output and result" },
	{ "exec", rt_cmd_exec, "run FILE.jsl in the local VM, no network" },
	{ "load", rt_cmd_load, "load a trader as the paper's applications did, one CSV line per Tasklet" },
	{ "replay", rt_cmd_replay, "run recorded Tasklets again and check their digests (run --record)" },
	{ "compile", rt_cmd_compile, "compile FILE.jsl and report errors (--disasm: listing)" },
	{ "trader", rt_cmd_trader, "run a trader daemon" },
	{ "container", rt_cmd_container, "run a container daemon" },
	{ "cert", rt_cmd_cert, "make a cluster CA and issue certificates (man tasklet-cert(1))" },
	{ "top", rt_cmd_top, "queue depths and waiting times of a running container (BPF, root)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tasklet COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "  %-10s %s\n", "version", "print the version");
	fprintf(f, "\n'tasklet COMMAND --help' describes each; see also man tasklet(1).\n");
}

void rt_signals_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* One of them is pending: take it and return 1; else 0 at once. */
int rt_signals_poll(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return sigtimedwait(&set, NULL, &zero) > 0;
}

int rt_signals_wait(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigwait(&set, &sig);
	return sig;
}

unsigned long long rt_opt_num(const char *opt, const char *val, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || end == val || *end || val[0] == '-' || v > max) {
		fprintf(stderr, "tasklet: option %s: '%s' is not a number in 0..%llu\n", opt, val,
			max);
		exit(RT_EXIT_USAGE);
	}
	return v;
}

void rt_tls_opt(struct rt_tls_opts *t, int opt, const char *arg)
{
	if (opt == RT_OPT_CERT) {
		t->cert = arg;
	} else if (opt == RT_OPT_KEY) {
		t->key = arg;
	} else if (opt == RT_OPT_CRL) {
		if (t->ncrl == 8) {
			fprintf(stderr, "tasklet: --crl: at most 8 revocation lists\n");
			exit(RT_EXIT_USAGE);
		}
		t->crl[t->ncrl++] = arg;
	} else if (t->nca == 8) {
		fprintf(stderr, "tasklet: --ca: at most 8 trusted CAs\n");
		exit(RT_EXIT_USAGE);
	} else {
		t->ca[t->nca++] = arg;
	}
}

struct cxp_tls *rt_tls_load(const struct rt_tls_opts *t)
{
	struct cxp_tls_config c = { .cert_file = t->cert, .key_file = t->key, .nca = t->nca,
				    .require_peer_cert = 1 };
	struct cxp_tls *tls;
	char err[512];

	if (!t->cert && !t->key && !t->nca && !t->ncrl)
		return NULL;
	if (!t->cert || !t->key || !t->nca) {
		fprintf(stderr, "tasklet: secure mode needs --cert, --key and at least one --ca "
				"(tasklet-security(7))\n");
		exit(RT_EXIT_USAGE);
	}
	for (unsigned i = 0; i < t->nca; i++)
		c.ca_files[i] = t->ca[i];
	for (unsigned i = 0; i < t->ncrl; i++)
		c.crl_files[i] = t->crl[i];
	c.ncrl = t->ncrl;
	tls = cxp_tls_new(&c, err, sizeof(err));
	if (!tls) {
		fprintf(stderr, "tasklet: %s\n", err);
		exit(RT_EXIT_USAGE);
	}
	return tls;
}

void rt_limit_opt(struct cxp_limits *lim, int opt, const char *arg)
{
	switch (opt) {
	case RT_OPT_READ_TIMEOUT:
		lim->read_timeout_ms = (uint32_t)rt_opt_num("--read-timeout", arg, 3600000);
		break;
	case RT_OPT_IDLE_TIMEOUT:
		lim->idle_timeout_ms = (uint32_t)rt_opt_num("--idle-timeout", arg, 86400000);
		break;
	case RT_OPT_MAX_CONNS:
		lim->max_conns = (uint32_t)rt_opt_num("--max-conns", arg, 65536);
		break;
	case RT_OPT_MAX_PER_ADDR:
		lim->max_conns_per_addr = (uint32_t)rt_opt_num("--max-conns-per-addr", arg, 65536);
		break;
	default:
		lim->rx_budget = rt_opt_num("--rx-budget", arg, 1u << 20) << 20;
		break;
	}
}

char *rt_read_input(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *p = malloc(cap + 1);

	if (!f || !p) {
		fprintf(stderr, "tasklet: --input %s: %s\n", path, strerror(errno));
		exit(RT_EXIT_USAGE);
	}
	for (;;) {
		size_t got = fread(p + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f)) {
				fprintf(stderr, "tasklet: --input %s: cannot read it\n", path);
				exit(RT_EXIT_USAGE);
			}
			break;
		}
		cap *= 2;
		p = realloc(p, cap + 1);
		if (!p) {
			fprintf(stderr, "tasklet: --input %s: out of memory\n", path);
			exit(RT_EXIT_USAGE);
		}
	}
	if (f != stdin)
		fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

int rt_daemon_opt(int opt, const char *arg, struct rt_tls_opts *tls, struct cxp_limits *lim)
{
	switch (opt) {
	case RT_OPT_CERT:
	case RT_OPT_KEY:
	case RT_OPT_CA:
	case RT_OPT_CRL:
		rt_tls_opt(tls, opt, arg);
		return 1;
	case RT_OPT_READ_TIMEOUT:
	case RT_OPT_IDLE_TIMEOUT:
	case RT_OPT_MAX_CONNS:
	case RT_OPT_MAX_PER_ADDR:
	case RT_OPT_RX_BUDGET:
		rt_limit_opt(lim, opt, arg);
		return 1;
	default:
		return 0;
	}
}

void rt_tls_log_mode(const struct rt_tls_opts *t, const char *who)
{
	if (t->cert)
		cxp_log("secure mode: mutual TLS on every link, %s identity %s, trusting %u CA%s "
			"(%s%s), %u revocation list%s",
			who, t->cert, t->nca, t->nca == 1 ? "" : "s", t->ca[0],
			t->nca > 1 ? ", ..." : "", t->ncrl, t->ncrl == 1 ? "" : "s");
	else
		cxp_log("OPEN MODE: no certificates: anyone who can reach this %s can talk to it, "
			"and the network can read and alter its traffic; for loopback or a "
			"trusted network only (tasklet-security(7))",
			who);
}

int main(int argc, char **argv)
{
	/* Writes to a closed peer must fail with EPIPE, not kill a daemon. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("tasklet %s\n", TASKLET_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tasklet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return RT_EXIT_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* The subcommands of the multi-call `tasklet` binary (runtime/cmd_*.c). */
#ifndef TL_RT_CMD_H
#define TL_RT_CMD_H

int rt_cmd_run(int argc, char **argv);
int rt_cmd_exec(int argc, char **argv);
int rt_cmd_compile(int argc, char **argv);
int rt_cmd_trader(int argc, char **argv);
int rt_cmd_container(int argc, char **argv);
int rt_cmd_cert(int argc, char **argv); /* runtime/cli/cmd_cert.c */
int rt_cmd_top(int argc, char **argv); /* runtime/cli/cmd_top.c */
int rt_cmd_replay(int argc, char **argv); /* runtime/cli/cmd_replay.c */
int rt_cmd_load(int argc, char **argv);   /* runtime/cli/cmd_load.c */

/* Block SIGINT/SIGTERM/SIGHUP in the calling thread (call before starting
 * threads, so they inherit the mask), and later wait for one of them. */
void rt_signals_block(void);
int rt_signals_wait(void);
int rt_signals_poll(void);

/* Parse an unsigned decimal option value; exits with status 2 and a message on error. */
unsigned long long rt_opt_num(const char *opt, const char *val, unsigned long long max);

#define RT_EXIT_USAGE 2

/* --input FILE|-: the whole file (or standard input), malloc'd, NUL-terminated;
 * exits 2 with the reason when it cannot be read. */
char *rt_read_input(const char *path, size_t *len);

/* --cert FILE --key FILE --ca FILE (repeatable): a party's identity and the
 * CAs it trusts; with them it runs in secure mode (tasklet-security(7)).
 * --crl FILE (repeatable): a CA's revocation list (tasklet cert revoke). */
#define RT_OPT_CERT 1001
#define RT_OPT_KEY  1002
#define RT_OPT_CA   1003
/* --trader-name CN (tasklet run, tasklet container): in secure mode, the
 * common name the trader's certificate must carry; default "trader". */
#define RT_OPT_TRADER_NAME 1004
#define RT_OPT_CRL  1005
#define RT_TRADER_NAME_LONGOPT { "trader-name", required_argument, NULL, RT_OPT_TRADER_NAME }
#define RT_TLS_LONGOPTS                                                                    \
	{ "cert", required_argument, NULL, RT_OPT_CERT },                                   \
	{ "key", required_argument, NULL, RT_OPT_KEY },                                     \
	{ "ca", required_argument, NULL, RT_OPT_CA },                                       \
	{ "crl", required_argument, NULL, RT_OPT_CRL }
struct rt_tls_opts {
	const char *cert, *key;
	const char *ca[8];
	unsigned nca;
	const char *crl[8];
	unsigned ncrl;
};
/* Take one of the options above (exits 2 on a ninth --ca or --crl). */
void rt_tls_opt(struct rt_tls_opts *t, int opt, const char *arg);
/* NULL in open mode (none given); the credentials in secure mode; exits 2
 * with the reason when some are missing or a file is bad. */
struct cxp_tls *rt_tls_load(const struct rt_tls_opts *t);
/* --read-timeout MS --idle-timeout MS --max-conns N --max-conns-per-addr N
 * --rx-budget MIB: the event loop's limits against abuse (cxp(7), Limits). */
#define RT_OPT_READ_TIMEOUT 1010
#define RT_OPT_IDLE_TIMEOUT 1011
#define RT_OPT_MAX_CONNS    1012
#define RT_OPT_MAX_PER_ADDR 1013
#define RT_OPT_RX_BUDGET    1014
#define RT_LIMIT_LONGOPTS                                                                  \
	{ "read-timeout", required_argument, NULL, RT_OPT_READ_TIMEOUT },                   \
	{ "idle-timeout", required_argument, NULL, RT_OPT_IDLE_TIMEOUT },                   \
	{ "max-conns", required_argument, NULL, RT_OPT_MAX_CONNS },                         \
	{ "max-conns-per-addr", required_argument, NULL, RT_OPT_MAX_PER_ADDR },             \
	{ "rx-budget", required_argument, NULL, RT_OPT_RX_BUDGET }
struct cxp_limits;
/* Take one of the options above into lim (cxp_limits_default first); exits 2 on a bad value. */
void rt_limit_opt(struct cxp_limits *lim, int opt, const char *arg);
/* Either kind of the options above: 1 when opt was one of them (taken), else 0.
 * lim starts as cxp_limits_default (what a loop has anyway). */
int rt_daemon_opt(int opt, const char *arg, struct rt_tls_opts *tls, struct cxp_limits *lim);
/* The mode line a daemon logs first. */
void rt_tls_log_mode(const struct rt_tls_opts *t, const char *who);

#endif

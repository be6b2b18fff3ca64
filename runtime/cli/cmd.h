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

/* Block SIGINT/SIGTERM/SIGHUP in the calling thread (call before starting
 * threads, so they inherit the mask), and later wait for one of them. */
void rt_signals_block(void);
int rt_signals_wait(void);
int rt_signals_poll(void);

/* Parse an unsigned decimal option value; exits with status 2 and a message on error. */
unsigned long long rt_opt_num(const char *opt, const char *val, unsigned long long max);

#define RT_EXIT_USAGE 2

/* --cert FILE --key FILE --ca FILE (repeatable): a party's identity and the
 * CAs it trusts; with them it runs in secure mode (tasklet-security(7)). */
#define RT_OPT_CERT 1001
#define RT_OPT_KEY  1002
#define RT_OPT_CA   1003
#define RT_TLS_LONGOPTS                                                                    \
	{ "cert", required_argument, NULL, RT_OPT_CERT },                                   \
	{ "key", required_argument, NULL, RT_OPT_KEY },                                     \
	{ "ca", required_argument, NULL, RT_OPT_CA }
struct rt_tls_opts {
	const char *cert, *key;
	const char *ca[8];
	unsigned nca;
};
/* Take one of the options above (exits 2 on a ninth --ca). */
void rt_tls_opt(struct rt_tls_opts *t, int opt, const char *arg);
/* NULL in open mode (none given); the credentials in secure mode; exits 2
 * with the reason when some are missing or a file is bad. */
struct cxp_tls *rt_tls_load(const struct rt_tls_opts *t);
/* The mode line a daemon logs first. */
void rt_tls_log_mode(const struct rt_tls_opts *t, const char *who);

#endif

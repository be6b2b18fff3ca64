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

#endif

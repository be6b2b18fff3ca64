/* SPDX-License-Identifier: MIT */
/*
 * The embedded default of `tasklet run` (and of tests): a trader and N
 * containers started inside this process on loopback, so that a Tasklet can
 * be tried with no daemon running. It lives with the command line, not in
 * libtasklet: an application links the application library only and names a
 * trader.
 */
#ifndef TL_CLI_EMBEDDED_H
#define TL_CLI_EMBEDDED_H

#include <stddef.h>

struct rt_embedded_config {
	unsigned containers; /* 0 = 2 */
	unsigned workers;    /* per container; 0 = 1 */
	int verbose;         /* let the daemons log to stderr */
};

struct rt_embedded;

/* Start the trader and the containers and wait until every container has
 * registered (at most 5 s). NULL with a message in err on failure. */
struct rt_embedded *rt_embedded_start(const struct rt_embedded_config *cfg, char *err,
				      size_t errlen);
/* The trader's "HOST:PORT" (an ephemeral port on 127.0.0.1). */
const char *rt_embedded_trader(const struct rt_embedded *e);
/* Stop the containers, then the trader; frees e. NULL is ignored. */
void rt_embedded_stop(struct rt_embedded *e);

#endif

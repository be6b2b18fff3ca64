/* SPDX-License-Identifier: MIT */
/* The embedded default: a trader thread and N containers in this process (embedded.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"
#include "runtime/cli/embedded.h"
#include "runtime/container/container.h"
#include "trader/trader.h"

struct rt_embedded {
	struct cxp_loop *tloop;
	pthread_t tthread;
	int tthread_started;
	struct trd_trader *tr;
	char trader[CXP_ADDR_MAX + 1];
	struct rt_container **conts;
	unsigned nconts;
};

static void *trader_main(void *arg)
{
	struct rt_embedded *e = arg;

	cxp_log_role("trader");
	cxp_loop_run(e->tloop);
	return NULL;
}

struct rt_embedded *rt_embedded_start(const struct rt_embedded_config *cfg, char *err,
				      size_t errlen)
{
	struct trd_config tc = { .listen = "127.0.0.1:0" };
	struct rt_embedded *e = calloc(1, sizeof(*e));
	unsigned n = cfg->containers ? cfg->containers : 2;
	int rc;

	if (!e || !(e->conts = calloc(n, sizeof(*e->conts)))) {
		snprintf(err, errlen, "out of memory");
		free(e);
		return NULL;
	}
	/* The embedded daemons are part of this program: silent unless asked. */
	if (!cfg->verbose)
		cxp_log_quiet(1);
	e->tloop = cxp_loop_new();
	if (!e->tloop) {
		snprintf(err, errlen, "cannot create an event loop: %s", strerror(errno));
		goto fail;
	}
	e->tr = trd_new(e->tloop, &tc, e->trader, sizeof(e->trader));
	if (!e->tr) {
		snprintf(err, errlen, "cannot start the embedded trader: %s", strerror(errno));
		goto fail;
	}
	rc = -pthread_create(&e->tthread, NULL, trader_main, e);
	if (rc) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(-rc));
		goto fail;
	}
	e->tthread_started = 1;
	for (unsigned i = 0; i < n; i++) {
		struct rt_container_config cc = { .workers = cfg->workers ? cfg->workers : 1,
						    .no_pin = 1 };

		snprintf(cc.trader, sizeof(cc.trader), "%s", e->trader);
		snprintf(cc.name, sizeof(cc.name), "embedded-%u", i + 1);
		e->conts[i] = rt_container_start(&cc);
		if (!e->conts[i]) {
			snprintf(err, errlen, "cannot start embedded container %u: %s", i + 1,
				 strerror(errno));
			goto fail;
		}
		e->nconts = i + 1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (rt_container_wait_registered(e->conts[i], 5000) < 0) {
			snprintf(err, errlen, "embedded container %u did not register in 5 s",
				 i + 1);
			goto fail;
		}
	}
	return e;
fail:
	rt_embedded_stop(e);
	return NULL;
}

const char *rt_embedded_trader(const struct rt_embedded *e)
{
	return e->trader;
}

void rt_embedded_stop(struct rt_embedded *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nconts; i++)
		rt_container_stop(e->conts[i]);
	free(e->conts);
	if (e->tloop) {
		if (e->tthread_started) {
			cxp_loop_stop(e->tloop);
			pthread_join(e->tthread, NULL);
		}
		cxp_loop_free(e->tloop);
		trd_free(e->tr);
	}
	free(e);
}

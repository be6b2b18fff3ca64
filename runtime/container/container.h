/* SPDX-License-Identifier: MIT */
/*
 * The container: registers with a trader, takes signatures, queues them
 * (priority / economy), and for each one a worker dequeues, fetches the
 * Tasklet's chunks from the application over CXP, runs the VM and sends the
 * result straight to the application.
 *
 * Threads: one I/O thread runs the cxp_loop (trader link, fetch and result
 * connections, the optional listener); N worker threads run the VM. Workers
 * hand work to the I/O thread with cxp_loop_post; the I/O thread hands
 * fetched graphs back through the job's condition variable.
 */
#ifndef TL_RT_CONTAINER_H
#define TL_RT_CONTAINER_H

#include <stdint.h>

#include "cxp/cxp.h"

struct rt_container_config {
	char trader[CXP_ADDR_MAX + 1]; /* required */
	char listen[CXP_ADDR_MAX + 1]; /* optional direct endpoint ("" = none) */
	char name[CXP_NAME_MAX + 1];   /* "" = host:pid */
	unsigned workers;              /* 0 = 1 */
	uint32_t price;                /* per million fuel */
	uint32_t speed;                /* 0 = measure at start-up */
	int no_priority;               /* register without a priority queue */
	uint64_t fuel;                 /* per-Tasklet fuel bound; 0 = VM default */
	unsigned queue_max;            /* per class; 0 = 1024 */
	unsigned fetch_timeout_ms;     /* 0 = 10000 */
};

struct rt_container;

/* Start the I/O thread and the workers; connects to the trader in the
 * background (retrying every second while it is unreachable). NULL + errno
 * (message logged) when the set-up itself fails. */
struct rt_container *rt_container_start(const struct rt_container_config *cfg);
/* Wait until the trader acknowledged the registration: 0, or -ETIMEDOUT. */
int rt_container_wait_registered(struct rt_container *c, int timeout_ms);
/* The direct listen address actually bound ("" when none). */
const char *rt_container_listen_addr(const struct rt_container *c);
/* Stop everything, join the threads, free. Queued Tasklets are answered
 * with an error to their applications before the links close. */
void rt_container_stop(struct rt_container *c);

/* Measure this host's VM speed in million instructions per second. */
uint32_t rt_measure_speed(void);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The container daemon (man tasklet-container(8)): registers with a
 * trader, takes the Tasklets it is assigned, fetches each one's chunks from
 * its application at once, and queues it on a worker only when the graph is
 * whole; each worker thread is pinned to a core and owns a priority and an
 * economy queue (lock-free, runtime/container/dq.h). Results go straight to
 * the application. The inside is described in container_int.h.
 */
#ifndef TL_RT_CONTAINER_H
#define TL_RT_CONTAINER_H

#include <stdint.h>

#include "cxp/cxp.h"

#define RT_MAX_WORKERS 1024

struct rt_container_config {
	char trader[CXP_ADDR_MAX + 1]; /* required */
	char listen[CXP_ADDR_MAX + 1]; /* optional direct endpoint ("" = none) */
	char name[CXP_NAME_MAX + 1];   /* "" = host:pid */
	char trader_name[CXP_NAME_MAX + 1]; /* secure mode: the trader's certificate CN;
					     * "" = "trader" */
	char host[CXP_NAME_MAX + 1];   /* host identity for FaultTolerance; "" = the machine id */
	unsigned workers;              /* 0 = one per CPU in cpus (all online CPUs) */
	char cpus[256];                /* CPU list "0-3,6" to pin workers to; "" = all online */
	int no_pin;                    /* do not pin (e.g. the embedded default) */
	uint32_t price;                /* per million fuel */
	uint32_t speed;                /* 0 = measure at start-up */
	int no_priority;               /* register without a priority queue */
	uint64_t fuel;                 /* per-Tasklet fuel bound; 0 = VM default */
	unsigned queue_max;            /* per worker and class; 0 = 1024 */
	unsigned economy_share;        /* % of starts guaranteed to economy (0 = strict priority) */
	unsigned fetch_timeout_ms;     /* 0 = 10000 */
	unsigned drain_timeout_ms;     /* SIGTERM: wait this long for running Tasklets; 0 = 30000 */
	int verbose;                   /* log every Tasklet (admitted, ran) */
	int no_steal_priority;         /* idle workers steal economy work only (for the bench) */
	int no_preempt;                /* economy runs are not paused for priority work (for
					* the bench) */
	char inject[256];              /* --inject spec ("" = none): see tasklet-container(8) */
	long chunk_cache;              /* chunks the cache holds (tasklet-container(8));
					* 0 = RT_CHUNK_CACHE_DEFAULT, < 0 = no cache */
	const struct cxp_limits *limits; /* the loop's limits; NULL: the defaults (must live
					  * while the container starts) */
	struct cxp_tls *tls;           /* secure mode: mutual TLS on every link, the name is the
					* certificate's; NULL: open mode. Freed by the caller
					* after rt_container_stop. */
};
#define RT_CHUNK_CACHE_DEFAULT 131072 /* chunks: 34 MiB of chunks, two maximal Tasklets */

struct rt_container;
struct vm_store;

/* Start the I/O thread and the workers; connects to the trader in the
 * background (retrying every second while it is unreachable). NULL + errno
 * (message logged) when the set-up itself fails (e.g. a bad CPU list). */
struct rt_container *rt_container_start(const struct rt_container_config *cfg);
/* Wait until the trader acknowledged the registration: 0, or -ETIMEDOUT. */
int rt_container_wait_registered(struct rt_container *c, int timeout_ms);
/* The direct listen address actually bound ("" when none). */
const char *rt_container_listen_addr(const struct rt_container *c);
/*
 * Begin a graceful drain (thread-safe, returns at once): tell the trader to
 * offer nothing more, hand every queued or fetching Tasklet back to it, let
 * running ones finish and deliver, and hand back those still running after
 * drain_timeout_ms. rt_container_wait_drained says when that is over.
 */
void rt_container_drain(struct rt_container *c);
/* 0 once drained, -ETIMEDOUT if not within timeout_ms. */
int rt_container_wait_drained(struct rt_container *c, int timeout_ms);
/* Stop everything, join the threads, free. Without a drain first, queued
 * Tasklets are answered with an error to their applications. */
void rt_container_stop(struct rt_container *c);

/* What rt_container_run_local reports for one Tasklet. */
struct rt_local_result {
	uint32_t status;   /* vm_status */
	uint64_t fuel_used;
	uint64_t run_ns;   /* in the VM */
	uint64_t queue_ns; /* queued, ready to run */
	unsigned worker;
	int stolen;
};

/*
 * In-process use (benches, embedding): run the Tasklet at root of st on
 * this container's workers, with no trader and no network: it is queued at
 * once (priority ring if priority), and done(arg, result) is called on the
 * container's I/O thread when it finished. st is read only, and must live
 * until then. Thread-safe. 0, or -ENOMEM / -ESHUTDOWN.
 */
int rt_container_run_local(struct rt_container *c, const struct vm_store *st, uint64_t root,
			   int priority, void (*done)(void *arg, const struct rt_local_result *r),
			   void *arg);

/* What the fetches of a container did so far (rt_container_fetch_stats). */
struct rt_fetch_stats {
	uint64_t tasklets;       /* graphs made whole */
	uint64_t chunks;         /* chunks in those graphs */
	uint64_t fetched;        /* chunks that came over the network */
	uint64_t from_cache;     /* chunks the cache supplied */
	uint64_t round_trips;    /* FETCH_GRAPH, then one more for the FETCHes of an ids fetch */
	uint64_t requests;       /* FETCH_GRAPH and FETCH frames sent */
	uint64_t fetch_ns;       /* summed over the tasklets, admission to graph whole */
	uint64_t cpu_ns;         /* the I/O thread's CPU time so far (all its work: the
				  * fetch, and admission, delivery, heartbeats) */
	uint64_t cache_held, cache_evictions;
};
/* Thread-safe: a snapshot (each counter read on its own). */
void rt_container_fetch_stats(struct rt_container *c, struct rt_fetch_stats *st);

/* Check an --inject spec: 0, or -EINVAL with what is wrong in err. */
int rt_inject_check(const char *spec, char *err, size_t errlen);

/* Parse a CPU list ("0-3,6"): fills cpus (at most max), returns the count or -EINVAL. */
int rt_parse_cpus(const char *list, int *cpus, int max);


#endif

/* SPDX-License-Identifier: MIT */
/*
 * Private parts of the container daemon, shared by the files of
 * runtime/container/:
 *
 *   container.c    start, stop, drain, the I/O thread's tick
 *   trader_link.c  REGISTER, reconnects, HEARTBEAT, DRAINING, HANDBACK, DONE
 *   assign.c       ASSIGN from the trader (or the direct endpoint): admission
 *   fetch.c        links to applications, FETCH / CHUNKS until the graph is whole
 *   sched.c        placing ready Tasklets on workers; what a worker takes next
 *   worker.c       the pinned worker threads: pop, steal, park, run the VM
 *   deliver.c      RESULT to the application, RESULT_ACK, undelivered reports
 *   speed.c        the VM speed measurement
 *
 * Life of a job (one Tasklet in this container):
 *
 *   ASSIGN --admit--> FETCHING --chunks whole--> QUEUED (a worker's dq)
 *       --pop/steal--> RUNNING --> DELIVERING --RESULT_ACK--> DONE (freed)
 *
 * A fetch that fails skips the queue and is delivered as an error; a queued
 * job is handed back to the trader when the container drains. Threads: the
 * I/O thread owns everything but the queues and the run itself; a worker
 * owns the job from its dequeue until it posts the finished job back to the
 * I/O thread (cxp_loop_post). Nothing a worker does waits on the network.
 */
#ifndef TL_RT_CONTAINER_INT_H
#define TL_RT_CONTAINER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <uthash.h>

#include "cxp/cxp.h"
#include "runtime/container/container.h"
#include "runtime/container/dq.h"
#include "runtime/container/probes.h"
#include "vm/vm.h"

enum job_state {
	J_FETCHING,   /* I/O thread: chunks on their way */
	J_QUEUED,     /* in a worker's queue */
	J_RUNNING,    /* a worker runs it */
	J_DELIVERING, /* I/O thread: result sent, waiting for RESULT_ACK */
};

/*
 * One connection per application address, shared by every Tasklet of that
 * application: FETCH/CHUNKS and RESULT/RESULT_ACK are matched by tasklet
 * id. A link with no fetch and no unacknowledged result closes after
 * RT_LINK_IDLE_MS. (fetch.c owns links; deliver.c their deliveries.)
 */
#define RT_LINK_IDLE_MS   2000
#define RT_ACK_TIMEOUT_MS 10000
/* Graph fetches in flight per link: a whole graph is up to 17 MiB of chunks,
 * and an application queues at most 64 MiB per connection (cxp(7)). */
#define RT_GRAPHS_PER_LINK 2

/* cache.c: content-addressed chunks kept across Tasklets (I/O thread only). */
struct rt_cache;
struct rt_cache_stats {
	uint64_t hits, misses, inserts, evictions;
	size_t held, capacity;
};
/* A cache of at most cap chunks; NULL + errno. */
struct rt_cache *rt_cache_new(size_t cap);
void rt_cache_free(struct rt_cache *k);
/* The chunk with that id (valid until the next put), or NULL. Marks it used. */
const struct vm_chunk *rt_cache_get(struct rt_cache *k, uint64_t id);
/* Keep a copy of ch (a content-addressed chunk whose id was checked). 0 or -ENOMEM. */
int rt_cache_put(struct rt_cache *k, const struct vm_chunk *ch);
/* A hint: id will be looked up or put soon. */
void rt_cache_prefetch(const struct rt_cache *k, uint64_t id);
void rt_cache_stats(const struct rt_cache *k, struct rt_cache_stats *st);

struct delivery {
	uint64_t tasklet_id;
	uint32_t attempt;
	uint64_t fuel_used;
	int from_trader;
	uint64_t sent_ms;
	char why[200]; /* the run's own error, for the report */
	UT_hash_handle hh; /* in its link's unacked, keyed by tasklet_id */
	/* To send it again if the link breaks before the acknowledgement: */
	uint8_t *frame;    /* the RESULT payload (NULL: too large to keep) */
	uint32_t frame_len;
	unsigned sends;    /* how many times it was sent */
	uint64_t retry_ms; /* on c->redeliver: when to send it again */
	struct delivery *next;
	char app_addr[VM_SIG_ADDR_MAX + 1];
	char app_cn[VM_SIG_CN_MAX + 1];
};
/* A result whose link broke before the acknowledgement is sent again on a
 * new link, RT_REDELIVER_MS x the sends so far later, up to RT_REDELIVER_SENDS
 * sends in all; results over RT_REDELIVER_MAX bytes are not kept for it. */
#define RT_REDELIVER_SENDS 3
#define RT_REDELIVER_MS 250
#define RT_REDELIVER_MAX (1u << 20)

struct app_link {
	struct rt_container *c;
	char addr[VM_SIG_ADDR_MAX + 1];
	struct cxp_conn *conn;
	int closing;               /* cxp_close called: not for new work, not in c->links */
	unsigned fetches;          /* jobs fetching over this link */
	unsigned graphs;           /* of those, graph fetches in flight (<= RT_GRAPHS_PER_LINK) */
	struct delivery *unacked;  /* RESULTs sent, not acknowledged yet (by tasklet id) */
	uint64_t idle_since_ms;
	UT_hash_handle hh;         /* c->links, keyed by addr */
};

struct job {
	struct rt_container *c;
	struct vm_sig sig;
	int from_trader;     /* answer the trader (DONE, HANDBACK), not only the app */
	enum rt_dq_class cls;
	_Atomic int state;   /* enum job_state */
	UT_hash_handle hh;   /* c->jobs, keyed by sig.tasklet_id (I/O thread) */

	/* fetch (I/O thread) */
	struct vm_store *st;
	struct app_link *link;
	uint64_t fetch_deadline_ms;
	unsigned fetch_rounds;     /* round trips waited for (FETCH_GRAPH, the FETCH wave) */
	unsigned fetch_requests;   /* FETCH_GRAPH and FETCH frames sent */
	uint32_t graph_mode;       /* 0: not asked yet / waiting its turn; enum cxp_graph_mode */
	int manifest_seen;
	int graph_wait;            /* waiting for a graph slot on its link */
	long expect;               /* chunks still to come */
	uint64_t fetch_t0_ns;
	uint32_t from_cache;       /* chunks the cache supplied */
	const struct vm_chunk **got; /* every chunk in st, as it came (freed when the fetch ends) */
	uint32_t ngot, capgot;
	uint64_t *links; /* every link of the chunks in got, for the completeness check */
	size_t nlinks, caplinks;

	/* queue and run */
	unsigned worker;     /* the worker whose queue it was placed on */
	uint64_t t_ready_ns; /* entered the queue */
	uint64_t wait_ns;    /* time queued, set at dequeue */
	unsigned ran_on;     /* the worker that ran it */
	uint64_t start_seq;  /* c->starts when it started (0: never ran) */
	unsigned preempted;  /* times an economy run paused for priority Tasklets */
	uint64_t inject_delay_ns; /* --inject delay before it starts */
	int inject_lie;           /* --inject lie: forge its result */
	int inject_reset;         /* --inject reset: break the link once its result is sent */
	_Atomic int handed_back; /* drain gave it back, the trader cancelled it, or it was
				  * answered early (deadline): the worker does not run it (or
				  * stops it at its next slice), and its result is not sent */
	uint64_t deadline_ns;    /* Deadline(ms): CLOCK_REALTIME ns (start_ns + ms); 0 = none */

	/* rt_container_run_local: the store is the caller's; done instead of a RESULT */
	const struct vm_store *local_st;
	void (*local_done)(void *arg, const struct rt_local_result *r);
	void *local_arg;

	/* outcome (worker, then I/O thread) */
	struct vm_result res;
	uint32_t status;     /* vm_status or cxp_ecode_status() */
	uint64_t run_ns;
	char fail_msg[256];
};

/* --inject (inject.c): faults chosen from one seeded generator, in admission order. */
struct rt_inject {
	int on;
	double drop;             /* share of admitted Tasklets dropped silently */
	int delay;               /* delay each start by a lognormal sample */
	double delay_median_ms, delay_sigma;
	unsigned die_after;      /* SIGKILL itself at the (N+1)-th admission; 0 = never */
	double lie;              /* share of results forged (a lying container, for digests) */
	int deaf;                /* ignore CANCEL: run cancelled replicas to their end */
	double reset;            /* share of results whose application link is reset as soon
				  * as the result is sent (before the acknowledgement) */
	uint64_t seed, state;
	unsigned admitted;
};

int rt_inject_parse(const char *spec, struct rt_inject *in, char *err, size_t errlen);
void rt_inject_describe(const struct rt_inject *in, char *buf, size_t cap);

struct worker {
	struct rt_container *c;
	unsigned idx;
	int cpu;                /* pinned to this CPU, or -1 */
	pthread_t th;
	int started;
	struct rt_dq q;         /* its priority and economy queues, and its park */
	_Atomic unsigned running; /* 1 while in the VM (for load and heartbeats) */
	/* --economy-share bookkeeping (the worker's own) */
	int64_t share_debt;
	uint64_t last_wait_ns;  /* queue time of the job rt_sched_next returned */
};

/* Tasklets with a Deadline, earliest first, one heap per class for the whole
 * container (sched.c). count is read without the lock (is there any?). */
struct rt_edf {
	pthread_mutex_t mu;
	struct job **a;
	size_t n, cap;
	_Atomic size_t count;
};

struct rt_container {
	struct rt_container_config cfg;
	struct cxp_loop *loop;
	pthread_t io;
	_Atomic int io_started;      /* io is running (its CPU clock may be read) */
	struct worker *w;
	unsigned nworkers;
	_Atomic int stopping;   /* stop: workers exit once their queues are empty */
	struct delivery *redeliver; /* results waiting to be sent again (deliver.c) */
	int closing_links;      /* shutting down: a broken link's results are reported */
	_Atomic unsigned parked; /* workers asleep in their park */
	_Atomic uint64_t starts; /* Tasklets started by any worker */
	_Atomic uint32_t speed;  /* measured now (or --speed), reported in heartbeats */
	int speed_fixed;         /* --speed given: never measured */
	pthread_t speed_th;      /* re-measures the speed every RT_SPEED_PERIOD_MS */
	int speed_started;
	unsigned place_rr;      /* placement tie-break (I/O thread) */
	struct rt_edf edf[RT_DQ_NCLASS]; /* queued Tasklets with a deadline, per class */

	/* I/O thread only */
	struct cxp_conn *tconn;
	uint64_t next_connect_ms;
	uint64_t next_hb_ms;
	int trader_warned;
	struct job *jobs;            /* every admitted job, by tasklet id */
	unsigned held[2];            /* admitted per class (capacity accounting) */
	unsigned capacity[2];        /* per class */
	struct app_link *links;      /* by application address */
	struct cxp_fetch scratch;
	struct rt_cache *cache;      /* NULL until first used, or when turned off */
	uint64_t code_seen[64];      /* code hashes of programs fetched lately (a ring) */
	uint32_t code_nchunks[64];   /* the size of each one's graph then */
	unsigned code_next;
	struct {
		_Atomic uint64_t tasklets, chunks, fetched, from_cache, round_trips, requests,
			fetch_ns, cache_held, cache_evictions;
	} fstat;                     /* rt_container_fetch_stats */
	char listen_bound[CXP_ADDR_MAX + 1];
	int draining;                /* drain started (I/O thread's view) */
	struct rt_inject inject;
	unsigned ndeadline;          /* admitted jobs with a Deadline (the tick looks only then) */
	uint64_t drain_deadline_ms;

	pthread_mutex_t mu; /* guards registered, drained */
	pthread_cond_t cv;
	int registered;
	int drained;        /* drain finished: nothing left to run or deliver */
	int speed_stop;     /* stop the speed thread */
	uint64_t id;
};

/* trader_link.c */
void rt_trader_connect(struct rt_container *c);
void rt_trader_tick(struct rt_container *c, uint64_t now_ms);
void rt_trader_handback(struct rt_container *c, struct job *j);
void rt_trader_draining(struct rt_container *c);

/* deliver.c (I/O thread): answer a job that is still in a worker's queue
 * (its deadline passed) without taking it out: it leaves the container's
 * books now, and the worker that pops it frees it. */
void rt_deliver_early(struct rt_container *c, struct job *j, uint32_t code, const char *msg);

/* inject.c (I/O thread): the faults for an admitted job; 1 = drop it. */
int rt_inject_admit(struct rt_container *c, struct job *j);

/* assign.c */
/* CANCEL from the trader: forget placement `attempt` of tasklet tid (I/O thread). */
void rt_cancel(struct rt_container *c, uint64_t tid, uint32_t attempt);
void rt_assign(struct rt_container *c, struct cxp_conn *from, const struct cxp_hdr *h,
	       const uint8_t *payload, int from_trader);
extern const struct cxp_handlers rt_direct_handlers;
/* Forget a job that leaves the container (I/O thread): its capacity slot is free. */
void rt_job_release(struct rt_container *c, struct job *j);

/* fetch.c */
void rt_fetch_start(struct rt_container *c, struct job *j);
void rt_fetch_tick(struct rt_container *c, uint64_t now_ms);
/* Stop fetching j (the drain gives it back): its link forgets it. */
void rt_fetch_cancel(struct job *j);
void rt_links_tick(struct rt_container *c, uint64_t now_ms);
void rt_links_close(struct rt_container *c);
/* The open link to the application of sig (its app_addr), connecting one if
 * there is none (NULL + errno); in secure mode over TLS, to a peer whose
 * certificate carries sig->app_cn (EPERM when the signature names none). */
struct app_link *rt_link_get(struct rt_container *c, const struct vm_sig *sig);
void rt_link_idle_check(struct app_link *k);
/* Log what the fetches and the cache did, and free the cache (stop). */
void rt_fetch_free(struct rt_container *c);

/* sched.c */
void rt_sched_init(struct rt_container *c);
/* After the workers stopped: frees what the deadline heaps still hold that
 * left the container's books (answered early); the rest the caller frees. */
void rt_sched_fini(struct rt_container *c);
/* I/O thread: put a ready job on the least-loaded worker's queue and wake a worker. */
void rt_sched_place(struct rt_container *c, struct job *j);
/* Worker w: the next job to run (own priority, then economy under the
 * economy share, then stolen), or NULL when there is none right now. */
struct job *rt_sched_next(struct worker *w);
/* Worker w, between two slices of an economy run: a priority job that
 * should run before that run goes on (strict priority: any worker's, as
 * rt_sched_next takes them), or NULL (none waits, or --economy-share says
 * economy is owed its start). */
struct job *rt_sched_preempt(struct worker *w);
/* I/O thread: take every queued job out of the queues (drain). */
unsigned rt_sched_take_all(struct rt_container *c, struct job **out, unsigned max);
unsigned rt_sched_depth(const struct rt_container *c, enum rt_dq_class cls);
unsigned rt_sched_running(const struct rt_container *c);

/* worker.c */
int rt_workers_start(struct rt_container *c);
void rt_workers_stop(struct rt_container *c);

/* deliver.c */
/* A link is gone: report its unacknowledged results as undelivered. */
void rt_deliveries_lost(struct rt_container *c, struct app_link *k, const char *why);
/* Expire deliveries not acknowledged in time. */
void rt_deliveries_tick(struct rt_container *c, struct app_link *k, uint64_t now_ms);
/* I/O thread: send again the results whose time has come (io_tick); with
 * flush, report all of them undelivered instead (shutdown). */
void rt_redeliver_tick(struct rt_container *c, uint64_t now_ms, int flush);
/* RESULT_ACK from link k. < 0: a malformed frame (close the link). */
int rt_result_ack(struct app_link *k, const struct cxp_hdr *h, const uint8_t *payload);
/* I/O thread: send j's result (or error) to its application; frees j in the end. */
void rt_deliver(struct rt_container *c, struct job *j);
/* I/O thread: fail j before it ran, with code and message, and deliver that. */
void rt_deliver_error(struct rt_container *c, struct job *j, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rt_job_free(struct job *j);

#endif

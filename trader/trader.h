/* SPDX-License-Identifier: MIT */
/*
 * trader/: the container store, the pending-Tasklet store and QoS matching.
 * The trader has neither a chunk store nor a VM: it sees signatures only.
 */
#ifndef TL_TRADER_H
#define TL_TRADER_H

#include <stddef.h>
#include <stdint.h>

#include "cxp/cxp.h"
#include "vm/vm.h"

/* What the trader knows of one registered container. */
struct trd_cand {
	uint64_t id;
	char name[CXP_NAME_MAX + 1];
	uint32_t speed;
	uint32_t price;
	uint32_t flags;   /* CXP_CAP_* */
	uint32_t workers; /* >= 1 */
	uint32_t load;    /* Tasklets assigned and not yet reported done */
	uint32_t held[2];     /* of those, per class (0 priority, 1 economy) */
	uint32_t capacity[2]; /* per class, from REGISTER; 0 = not limited */
	int draining;         /* said DRAINING: offer it nothing */
	int suspected;        /* no HEARTBEAT for suspect_ms: offer it nothing */
	int unreliable;       /* its window shows more failures than answers: Reliability
			       * Tasklets skip it while others qualify */
	uint64_t last_hb_ms;  /* when its last HEARTBEAT (or its REGISTER) arrived */
	char host[CXP_NAME_MAX + 1]; /* host identity (REGISTER): replicas go to distinct hosts */
	char ca_cn[CXP_NAME_MAX + 1]; /* secure mode: the CA its certificate chains to
				       * (Privacy('TLS', NAME) matches NAME); "" in open mode */
};

/* The capacity class a Tasklet with QoS q[0..nq) occupies: 0 priority, 1 economy. */
static inline unsigned trd_class(const struct vm_qos *q, size_t nq)
{
	return vm_qos_is_priority(q, nq) ? 0 : 1;
}

/*
 * Pick a container for the QoS list q[0..nq). The requirements narrow the
 * set in source order; a container that is draining, or holds as many
 * Tasklets of this class as its capacity, is not offered more; among the
 * rest the cheapest wins, ties broken by load per worker, then by
 * registration order. Returns the index into cs; -ENOENT with the first
 * requirement that emptied the set described in why ("no registered
 * container satisfies Priority('True') (2 registered, 0 left before it)");
 * or -EBUSY when containers satisfy the QoS but every one is full or
 * draining.
 */
int trd_match(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq, char *why,
	      size_t whycap);

/* What matching knows of the Tasklet itself, beyond its QoS list. */
struct trd_task {
	uint64_t expected_fuel; /* learned for its program, or TRD_DEFAULT_FUEL */
	uint32_t app_speed;     /* its application's speed (relative SpeedMinimum); 0 = unknown */
	int skip_unreliable;    /* offer it no container marked unreliable */
};
/* Fuel expected of a program the trader has not seen finish yet. */
#define TRD_DEFAULT_FUEL 100000

/*
 * trd_match with what is known of the Tasklet: CostLimit(c) keeps the
 * containers whose price (per million fuel) times the expected fuel is at
 * most c million; SpeedMinimum(f, 'relative') those at least f times as
 * fast as the application (none when its speed is unknown). trd_match is
 * this with TRD_DEFAULT_FUEL and an unknown application speed.
 */
int trd_match_task(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, char *why, size_t whycap);

/*
 * Up to k containers for one Tasklet (FaultTolerance(k) replicas, or the
 * redundancy Reliability chose): trd_match_task's order, one container at a
 * time, skipping the containers in avoid[0..navoid) (they hold a replica
 * already) and, with distinct_hosts, any container on a host already
 * chosen or avoided. Fills out[] with indexes into cs and returns how many
 * (1..k); fewer than k with the reason in why ("FaultTolerance(3): only 2
 * distinct hosts ..."). When none: trd_match_task's -ENOENT / -EBUSY.
 */
int trd_match_many(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, unsigned k, int distinct_hosts,
		   const uint64_t *avoid, size_t navoid, int *out, char *why, size_t whycap);

/*
 * The store's placement order (trd_match's: idle before busy, ...), kept
 * up to date by its owner so that a placement walks the containers best
 * first and stops at the first k that qualify, instead of testing all of
 * them: O(log n) per change, and per placement about as many containers
 * as the requirements pass over. A skip list over the store's indexes.
 */
struct trd_order;
struct trd_order *trd_order_new(void);
void trd_order_free(struct trd_order *o);
/* cs[i] was added, or its load (or price, workers) changed. 0 or -ENOMEM. */
int trd_order_set(struct trd_order *o, const struct trd_cand *cs, size_t i);
/* Index i leaves the order (a store that moves its last record into a
 * freed slot i: del(i), del(last), then set(i)). */
void trd_order_del(struct trd_order *o, size_t i);

/* Whether container c could take a Tasklet with QoS q[0..nq) now: every
 * requirement met, and not draining, suspected or full for its class. */
int trd_qualifies(const struct trd_cand *c, const struct vm_qos *q, size_t nq,
		  const struct trd_task *task);

/* trd_match_many walking order o (which must hold exactly cs[0..n)): the
 * same answer, without testing every container. NULL: a scan. */
int trd_match_many_o(const struct trd_order *o, const struct trd_cand *cs, size_t n,
		     const struct vm_qos *q, size_t nq, const struct trd_task *task, unsigned k,
		     int distinct_hosts, const uint64_t *avoid, size_t navoid, int *out, char *why,
		     size_t whycap);

/* How many distinct hosts (or containers, without distinct_hosts) satisfy
 * the QoS, full or not: whether FaultTolerance(k) can ever be placed. */
size_t trd_qualifying(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		      const struct trd_task *task, int distinct_hosts);

/* Replicas (FaultTolerance(k) or Reliability's redundancy) at most. */
#define TRD_MAX_REPLICAS 8
/* A Tasklet is placed again at most this many times beyond its replicas
 * (its container lost or suspected, or it handed it back): with one replica,
 * 3 placements in all. */
#define TRD_MAX_RETRIES 2
/* A container silent this long (no HEARTBEAT; they come every second) is suspected. */
#define TRD_SUSPECT_MS 3000
#define TRD_TICK_MS 250
/* Held Tasklets: each is offered the container that frees a slot it can
 * use; the whole store is searched for them at each registration and every
 * TRD_HELD_SCAN_MS (their hold times are checked every 50 ms). */
#define TRD_HELD_SCAN_MS 500
#define TRD_RESUBMIT_HOLD_MS 3000

struct trd_config {
	char listen[CXP_ADDR_MAX + 1]; /* "HOST:PORT" */
	uint32_t hold_ms;              /* hold an unmatched signature this long; 0 = answer at once */
	uint32_t suspect_ms;           /* 0 = TRD_SUSPECT_MS */
	uint32_t resubmit_hold_ms;     /* hold a Tasklet submitted again that matches no container
					* this long (its containers may be registering again);
					* 0 = TRD_RESUBMIT_HOLD_MS */
	int verbose;                   /* log every placement decision (Reliability) */
	struct cxp_tls *tls;           /* secure mode (mutual TLS, names bound to certificates);
					* NULL: open mode. The caller frees it after trd_free. */
	const struct cxp_limits *limits; /* the loop's limits; NULL: the defaults */
};

struct trd_trader;

/* Start a trader on loop l (which the caller runs). bound receives the real
 * listen address. NULL + errno on failure (message logged). */
struct trd_trader *trd_new(struct cxp_loop *l, const struct trd_config *cfg, char *bound,
			   size_t boundcap);
/* After cxp_loop_free of its loop (which closes the connections it uses). */
void trd_free(struct trd_trader *t);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * QoS matching: a pure function of the container store and a QoS list, so
 * that it can be tested, benchmarked and later replaced by an index without
 * touching the protocol code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trader/trader.h"

/*
 * A requirement prepared for one Tasklet: what depends on the signature
 * alone is worked out once per match, so that the test per container is a
 * compare or two (bench/match.sh).
 */
struct prep {
	uint8_t cat;
	uint8_t never;      /* malformed or unsatisfiable whatever the container */
	uint8_t prio;       /* Priority('True') */
	int64_t speed_min;  /* SpeedMinimum, absolute or f x the application's speed */
	double limit_m;     /* CostLimit: limit x 10^6 (price x expected fuel at most that) */
	double fuel;        /* the expected fuel */
	double fuel_k;      /* Deadline: expected fuel / 1000 (ms at 1 MIPS) */
	double deadline_ms;
	const char *ca;     /* Privacy: the CA's common name */
};

static void prepare(struct prep *p, const struct vm_qos *r, const struct trd_task *task)
{
	memset(p, 0, sizeof(*p));
	p->cat = r->cat;
	switch (r->cat) {
	case VM_QOS_PRIORITY:
		p->prio = vm_qos_is_priority(r, 1) != 0;
		break;
	case VM_QOS_SPEED_MINIMUM:
		if (r->nparams < 1 || r->p[0].type != VM_QOS_P_INT)
			p->never = 1;
		else if (r->nparams >= 2 && r->p[1].type == VM_QOS_P_STR)
			/* relative: f times the application's own speed (none when unknown) */
			p->never = !task->app_speed,
			p->speed_min = r->p[0].i * (int64_t)task->app_speed;
		else
			p->speed_min = r->p[0].i;
		break;
	case VM_QOS_COST_LIMIT:
		/* price per million fuel x expected fuel <= limit x 10^6 */
		if (r->nparams < 1 || r->p[0].type != VM_QOS_P_INT || r->p[0].i < 0)
			p->never = 1;
		p->limit_m = (double)r->p[0].i * 1e6;
		p->fuel = (double)task->expected_fuel;
		break;
	case VM_QOS_DEADLINE:
		if (r->nparams < 1 || r->p[0].type != VM_QOS_P_INT || r->p[0].i <= 0)
			p->never = 1;
		p->fuel_k = (double)task->expected_fuel / 1000.0;
		p->deadline_ms = p->never ? 0 : (double)r->p[0].i;
		break;
	case VM_QOS_PRIVACY:
		if (r->nparams < 2 || r->p[1].type != VM_QOS_P_STR)
			p->never = 1;
		else
			p->ca = r->p[1].s;
		break;
	default:
		break;
	}
}

/* Does container c satisfy prepared requirement p? */
static inline int satisfies_p(const struct trd_cand *c, const struct prep *p)
{
	if (p->never)
		return 0;
	switch (p->cat) {
	case VM_QOS_PRIORITY:
		return !p->prio || (c->flags & CXP_CAP_PRIORITY);
	case VM_QOS_SPEED_MINIMUM:
		return (int64_t)c->speed >= p->speed_min;
	case VM_QOS_COST_LIMIT:
		return !c->price || (double)c->price * p->fuel <= p->limit_m;
	case VM_QOS_DEADLINE: {
		/* It must be able to start and finish in time: its run takes the
		 * expected fuel at the container's speed (fuel per ms = MIPS x 1000),
		 * and each worker has load/workers Tasklets ahead of it, taken to be
		 * alike. A rough estimate, on the side of placing. */
		double ahead = c->workers ? (double)c->load / c->workers : (double)c->load;

		return (ahead + 1) * (p->fuel_k / (double)(c->speed ? c->speed : 1)) <=
		       p->deadline_ms;
	}
	case VM_QOS_PRIVACY:
		/* a container that registered over TLS with a certificate from CA NAME */
		return (c->flags & CXP_CAP_TLS) && !strcmp(c->ca_cn, p->ca);
	default:
		/* FaultTolerance, Reliability: every container qualifies; they say how
		 * many placements to make (trader.c: replicas, retransmission). */
		return 1;
	}
}

static void prepare_all(struct prep *pr, const struct vm_qos *q, size_t nq,
			const struct trd_task *task)
{
	for (size_t j = 0; j < nq && j < VM_QOS_MAX; j++)
		prepare(&pr[j], &q[j], task);
}

/* Prepare q[0..nq) for *task (an unknown Tasklet's defaults when NULL, and
 * *task pointed at them): the number of requirements prepared. */
static size_t prepare_task(struct prep *pr, const struct vm_qos *q, size_t nq,
			   const struct trd_task **task)
{
	static const struct trd_task unknown = { .expected_fuel = TRD_DEFAULT_FUEL };

	if (!*task)
		*task = &unknown;
	if (nq > VM_QOS_MAX)
		nq = VM_QOS_MAX;
	prepare_all(pr, q, nq, *task);
	return nq;
}

static inline int satisfies_all(const struct trd_cand *c, const struct prep *pr, size_t nq)
{
	for (size_t j = 0; j < nq; j++)
		if (!satisfies_p(c, &pr[j]))
			return 0;
	return 1;
}

/* What the placement order compares of a container. */
struct ord_key {
	uint64_t id;
	uint32_t price, load, workers;
};

static struct ord_key key_of(const struct trd_cand *c)
{
	return (struct ord_key){ .id = c->id, .price = c->price, .load = c->load,
				 .workers = c->workers };
}

/*
 * Order: a container with an idle worker before a busy one (an idle
 * container is never passed over for a busy one); among idle ones the
 * cheapest, then the lower load per worker; among busy ones the lower load
 * per worker (the sooner start), then the cheapest; then the older id.
 */
static int key_less(const struct ord_key *a, const struct ord_key *b)
{
	int ba = a->load >= a->workers, bb = b->load >= b->workers;
	uint64_t la = (uint64_t)a->load * b->workers, lb = (uint64_t)b->load * a->workers;

	if (ba != bb)
		return !ba;
	if (!ba && a->price != b->price)
		return a->price < b->price;
	if (la != lb)
		return la < lb;
	if (a->price != b->price)
		return a->price < b->price;
	return a->id < b->id;
}

/* a before b in the placement order. */
static int better(const struct trd_cand *a, const struct trd_cand *b)
{
	struct ord_key ka = key_of(a), kb = key_of(b);

	return key_less(&ka, &kb);
}

/* Offered nothing now: draining, suspected, or as full for class cls as its capacity. */
static inline int unavailable(const struct trd_cand *c, unsigned cls)
{
	return c->draining || c->suspected ||
	       (c->capacity[cls] && c->held[cls] >= c->capacity[cls]);
}

int trd_match(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq, char *why,
	      size_t whycap)
{
	return trd_match_task(cs, n, q, nq, NULL, why, whycap);
}

int trd_match_task(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, char *why, size_t whycap)
{
	unsigned cls = trd_class(q, nq);
	struct prep pr[VM_QOS_MAX];

	nq = prepare_task(pr, q, nq, &task);
	size_t full = 0;
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!satisfies_all(&cs[i], pr, nq))
			continue;
		if (unavailable(&cs[i], cls)) {
			full++;
			continue;
		}
		if (best < 0 || better(&cs[i], &cs[best]))
			best = (int)i;
	}
	if (best >= 0)
		return best;
	if (full) {
		if (why && whycap)
			snprintf(why, whycap,
				 "every container that satisfies the QoS is full, draining or suspected "
				 "(%zu of %zu registered)",
				 full, n);
		return -EBUSY;
	}

	if (why && whycap) {
		char req[128];
		size_t j, left = n;

		if (n == 0) {
			snprintf(why, whycap, "no container is registered");
			return -ENOENT;
		}
		/* Name the first requirement (in source order) that leaves nobody:
		 * one pass counts, per requirement, the containers it is the first
		 * to turn away (nfail[nq]: none turns them away). */
		size_t nfail[VM_QOS_MAX + 1] = { 0 }, m = n;

		for (size_t k = 0; k < n; k++) {
			size_t r;

			for (r = 0; r < nq; r++)
				if (!satisfies_p(&cs[k], &pr[r]))
					break;
			nfail[r]++;
		}
		for (j = 0; j < nq; j++) {
			m -= nfail[j]; /* the containers that pass requirements 0..j */
			if (m == 0)
				break;
			left = m;
		}
		if (j == nq)
			j = nq - 1;
		vm_qos_format(&q[j], req, sizeof(req));
		snprintf(why, whycap,
			 "no registered container satisfies %s (%zu registered, %zu left before it)",
			 req, n, left);
	}
	return -ENOENT;
}

/* FNV-1a of a host name, for the set in trd_qualifying. */
static uint64_t host_hash(const char *h)
{
	uint64_t x = 0xcbf29ce484222325ull;

	for (; *h; h++)
		x = (x ^ (unsigned char)*h) * 0x100000001b3ull;
	return x;
}

size_t trd_qualifying(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		      const struct trd_task *task, int distinct_hosts)
{
	const char **set = NULL;
	size_t count = 0, cap = 16;
	struct prep pr[VM_QOS_MAX];

	if (distinct_hosts) {
		/* An open-addressing set of the hosts seen: linear in n. */
		while (cap < 2 * n)
			cap *= 2;
		set = calloc(cap, sizeof(*set));
		if (!set)
			return 0;
	}
	nq = prepare_task(pr, q, nq, &task);
	for (size_t i = 0; i < n; i++) {
		if (!satisfies_all(&cs[i], pr, nq))
			continue;
		if (distinct_hosts) {
			size_t k = host_hash(cs[i].host) & (cap - 1);

			while (set[k] && strcmp(set[k], cs[i].host))
				k = (k + 1) & (cap - 1);
			if (set[k])
				continue; /* a host counted already */
			set[k] = cs[i].host;
		}
		count++;
	}
	free(set);
	return count;
}

/*
 * The placement order, kept: a skip list over the store's indexes in
 * better()'s order, so that a placement walks the containers best first and
 * stops at the first k that qualify, instead of testing every container.
 * Each node keeps a copy of the key it was inserted under, so that it can
 * be found and removed whatever the store's record says now; the trader
 * calls trd_order_set after every change of a container's load (and at
 * registration), and trd_order_del before a container leaves the store.
 */
#define ORD_LVL 16

struct ord_node {
	int32_t next[ORD_LVL];
	struct ord_key k;
	uint8_t lvl; /* 0: not in the list */
};

struct trd_order {
	struct ord_node *n;
	size_t cap;
	int32_t head[ORD_LVL];
	uint64_t rng;
};

struct trd_order *trd_order_new(void)
{
	struct trd_order *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	for (int l = 0; l < ORD_LVL; l++)
		o->head[l] = -1;
	o->rng = 0x9e3779b97f4a7c15ull;
	return o;
}

void trd_order_free(struct trd_order *o)
{
	if (o)
		free(o->n);
	free(o);
}

/* The node before where key k goes, at each level (-1: the head). */
static void ord_preds(const struct trd_order *o, const struct ord_key *k, int32_t *pred)
{
	int32_t x = -1;

	for (int l = ORD_LVL - 1; l >= 0; l--) {
		for (;;) {
			int32_t nx = x < 0 ? o->head[l] : o->n[x].next[l];

			if (nx < 0 || !key_less(&o->n[nx].k, k))
				break;
			x = nx;
		}
		pred[l] = x;
	}
}

static int32_t *ord_link(struct trd_order *o, int32_t x, int l)
{
	return x < 0 ? &o->head[l] : &o->n[x].next[l];
}

void trd_order_del(struct trd_order *o, size_t i)
{
	int32_t pred[ORD_LVL];

	if (i >= o->cap || !o->n[i].lvl)
		return;
	ord_preds(o, &o->n[i].k, pred);
	for (int l = 0; l < o->n[i].lvl; l++) {
		int32_t *p = ord_link(o, pred[l], l);

		if (*p == (int32_t)i)
			*p = o->n[i].next[l];
	}
	o->n[i].lvl = 0;
}

int trd_order_set(struct trd_order *o, const struct trd_cand *cs, size_t i)
{
	int32_t pred[ORD_LVL];
	struct ord_node *x;
	int lvl = 1;

	if (i >= o->cap) {
		size_t ncap = o->cap ? o->cap : 64;
		struct ord_node *nn;

		while (ncap <= i)
			ncap *= 2;
		nn = realloc(o->n, ncap * sizeof(*nn));
		if (!nn)
			return -ENOMEM;
		memset(nn + o->cap, 0, (ncap - o->cap) * sizeof(*nn));
		o->n = nn;
		o->cap = ncap;
	}
	trd_order_del(o, i);
	x = &o->n[i];
	x->k = key_of(&cs[i]);
	/* A level with probability 1/4 each (xorshift64: deterministic). */
	o->rng ^= o->rng << 13, o->rng ^= o->rng >> 7, o->rng ^= o->rng << 17;
	for (uint64_t r = o->rng; lvl < ORD_LVL && (r & 3) == 0; r >>= 2)
		lvl++;
	ord_preds(o, &x->k, pred);
	for (int l = 0; l < lvl; l++) {
		int32_t *p = ord_link(o, pred[l], l);

		x->next[l] = *p;
		*p = (int32_t)i;
	}
	x->lvl = (uint8_t)lvl;
	return 0;
}

/* The first index in the order, or -1; then trd_order_next. */
static int32_t ord_first(const struct trd_order *o)
{
	return o->head[0];
}

static int32_t ord_next(const struct trd_order *o, int32_t i)
{
	return o->n[i].next[0];
}

static int holds(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Not to be offered this Tasklet at all: it holds a replica already, is
 * draining or suspected, full for the class, or (Reliability) unreliable. */
static inline int excluded(const struct trd_cand *c, unsigned cls, const struct trd_task *task,
			   const uint64_t *avoid, size_t navoid)
{
	return unavailable(c, cls) || (task->skip_unreliable && c->unreliable) ||
	       holds(avoid, navoid, c->id);
}

static int host_taken(const char *const *taken, size_t ntaken, const char *host)
{
	for (size_t j = 0; j < ntaken; j++)
		if (!strcmp(taken[j], host))
			return 1;
	return 0;
}

int trd_qualifies(const struct trd_cand *c, const struct vm_qos *q, size_t nq,
		  const struct trd_task *task)
{
	struct prep pr[VM_QOS_MAX];

	nq = prepare_task(pr, q, nq, &task);
	return !excluded(c, trd_class(q, nq), task, NULL, 0) && satisfies_all(c, pr, nq);
}

int trd_match_many(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, unsigned k, int distinct_hosts,
		   const uint64_t *avoid, size_t navoid, int *out, char *why, size_t whycap)
{
	return trd_match_many_o(NULL, cs, n, q, nq, task, k, distinct_hosts, avoid, navoid, out,
				why, whycap);
}

int trd_match_many_o(const struct trd_order *o, const struct trd_cand *cs, size_t n,
		     const struct vm_qos *q, size_t nq, const struct trd_task *task, unsigned k,
		     int distinct_hosts, const uint64_t *avoid, size_t navoid, int *out, char *why,
		     size_t whycap)
{
	unsigned cls = trd_class(q, nq), m = 0;
	size_t hosts_ok = 0;
	const char *taken[TRD_MAX_REPLICAS * 2 + 1];
	size_t ntaken = 0;
	struct prep pr[VM_QOS_MAX];

	if (k > TRD_MAX_REPLICAS)
		k = TRD_MAX_REPLICAS;
	nq = prepare_task(pr, q, nq, &task);
	/* The hosts of the containers to avoid are taken already. */
	for (size_t a = 0; a < navoid && distinct_hosts; a++)
		for (size_t i = 0; i < n; i++)
			if (cs[i].id == avoid[a] && ntaken < TRD_MAX_REPLICAS) {
				taken[ntaken++] = cs[i].host;
				break;
			}
	if (o) {
		/* Best first: the first k that qualify are the ones the scan
		 * below would pick, one round at a time. A walk that passes over
		 * more than a sixteenth of the store (at least 64) without them
		 * gives way to the scan: the same answer, and reading the array in
		 * order beats following the list through all of it. */
		size_t budget = n / 16 > 64 ? n / 16 : 64, ntaken0 = ntaken;
		int32_t i;

		for (i = ord_first(o); i >= 0 && m < k && budget; i = ord_next(o, i), budget--) {
			const struct trd_cand *c = &cs[i];

			if ((size_t)i >= n || excluded(c, cls, task, avoid, navoid) ||
			    (distinct_hosts && host_taken(taken, ntaken, c->host)) ||
			    !satisfies_all(c, pr, nq))
				continue;
			out[m++] = (int)i;
			if (distinct_hosts)
				taken[ntaken++] = c->host;
		}
		if (m < k && i >= 0) {
			o = NULL;
			m = 0;
			ntaken = ntaken0;
		}
	}
	while (!o && m < k) {
		int best = -1;

		for (size_t i = 0; i < n; i++) {
			const struct trd_cand *c = &cs[i];
			size_t j;

			if (excluded(c, cls, task, avoid, navoid))
				continue;
			for (j = 0; j < m; j++)
				if (out[j] == (int)i)
					break;
			if (j < m)
				continue;
			if (distinct_hosts && host_taken(taken, ntaken, c->host))
				continue;
			if (!satisfies_all(c, pr, nq))
				continue;
			if (best < 0 || better(c, &cs[best]))
				best = (int)i;
		}
		if (best < 0)
			break;
		out[m++] = best;
		if (distinct_hosts)
			taken[ntaken++] = cs[best].host;
	}
	if (m == k)
		return (int)m;
	if (m == 0) {
		int rc = trd_match_task(cs, n, q, nq, task, why, whycap);

		if (rc >= 0) {
			/* Someone satisfies the QoS, but only where a replica is already. */
			if (why && whycap)
				snprintf(why, whycap,
					 "every container that satisfies the QoS already holds a "
					 "replica%s",
					 distinct_hosts ? " or is on such a container's host" : "");
			return -EBUSY;
		}
		return rc;
	}
	hosts_ok = why && whycap ? trd_qualifying(cs, n, q, nq, task, distinct_hosts) : 0;
	if (why && whycap)
		snprintf(why, whycap,
			 "%u replica%s wanted, %u placed: %zu %s satisf%s the QoS, the others "
			 "are full, draining, suspected or hold a replica",
			 k, k == 1 ? "" : "s", m, hosts_ok,
			 distinct_hosts ? (hosts_ok == 1 ? "distinct host" : "distinct hosts")
					: (hosts_ok == 1 ? "container" : "containers"),
			 hosts_ok == 1 ? "ies" : "y");
	return (int)m;
}


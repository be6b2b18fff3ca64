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

static inline int satisfies_all(const struct trd_cand *c, const struct prep *pr, size_t nq)
{
	for (size_t j = 0; j < nq; j++)
		if (!satisfies_p(c, &pr[j]))
			return 0;
	return 1;
}

/* Busy: every worker has a Tasklet (the trader's count: assigned, not done). */
static int busy(const struct trd_cand *c)
{
	return c->load >= c->workers;
}

/*
 * Order: a container with an idle worker before a busy one (an idle
 * container is never passed over for a busy one); among idle ones the
 * cheapest, then the lower load per worker; among busy ones the lower load
 * per worker (the sooner start), then the cheapest; then the older id.
 */
static int better(const struct trd_cand *a, const struct trd_cand *b)
{
	uint64_t la = (uint64_t)a->load * b->workers, lb = (uint64_t)b->load * a->workers;

	if (busy(a) != busy(b))
		return !busy(a);
	if (!busy(a) && a->price != b->price)
		return a->price < b->price;
	if (la != lb)
		return la < lb;
	if (a->price != b->price)
		return a->price < b->price;
	return a->id < b->id;
}

int trd_match(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq, char *why,
	      size_t whycap)
{
	return trd_match_task(cs, n, q, nq, NULL, why, whycap);
}

int trd_match_task(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, char *why, size_t whycap)
{
	static const struct trd_task unknown = { .expected_fuel = TRD_DEFAULT_FUEL };
	unsigned cls = trd_class(q, nq);
	struct prep pr[VM_QOS_MAX];

	if (!task)
		task = &unknown;
	if (nq > VM_QOS_MAX)
		nq = VM_QOS_MAX;
	prepare_all(pr, q, nq, task);
	size_t full = 0;
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!satisfies_all(&cs[i], pr, nq))
			continue;
		if (cs[i].draining || cs[i].suspected ||
		    (cs[i].capacity[cls] && cs[i].held[cls] >= cs[i].capacity[cls])) {
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
		/* Name the first requirement (in source order) that leaves nobody. */
		for (j = 0; j < nq; j++) {
			size_t k, m = 0;

			for (k = 0; k < n; k++) {
				size_t r;

				for (r = 0; r <= j; r++)
					if (!satisfies_p(&cs[k], &pr[r]))
						break;
				m += r > j;
			}
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
	static const struct trd_task unknown = { .expected_fuel = TRD_DEFAULT_FUEL };
	const char **set = NULL;
	size_t count = 0, cap = 16;
	struct prep pr[VM_QOS_MAX];

	if (!task)
		task = &unknown;
	if (distinct_hosts) {
		/* An open-addressing set of the hosts seen: linear in n. */
		while (cap < 2 * n)
			cap *= 2;
		set = calloc(cap, sizeof(*set));
		if (!set)
			return 0;
	}
	if (nq > VM_QOS_MAX)
		nq = VM_QOS_MAX;
	prepare_all(pr, q, nq, task);
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

static int holds(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

int trd_match_many(const struct trd_cand *cs, size_t n, const struct vm_qos *q, size_t nq,
		   const struct trd_task *task, unsigned k, int distinct_hosts,
		   const uint64_t *avoid, size_t navoid, int *out, char *why, size_t whycap)
{
	static const struct trd_task unknown = { .expected_fuel = TRD_DEFAULT_FUEL };
	unsigned cls = trd_class(q, nq), m = 0;
	size_t hosts_ok = 0;
	const char *taken[TRD_MAX_REPLICAS * 2 + 1];
	size_t ntaken = 0;
	struct prep pr[VM_QOS_MAX];

	if (!task)
		task = &unknown;
	if (k > TRD_MAX_REPLICAS)
		k = TRD_MAX_REPLICAS;
	if (nq > VM_QOS_MAX)
		nq = VM_QOS_MAX;
	prepare_all(pr, q, nq, task);
	/* The hosts of the containers to avoid are taken already. */
	for (size_t i = 0; i < n && distinct_hosts; i++)
		if (holds(avoid, navoid, cs[i].id) && ntaken < TRD_MAX_REPLICAS)
			taken[ntaken++] = cs[i].host;
	while (m < k) {
		int best = -1;

		for (size_t i = 0; i < n; i++) {
			const struct trd_cand *c = &cs[i];
			size_t j;

			if (holds(avoid, navoid, c->id) || c->draining || c->suspected ||
			    (c->capacity[cls] && c->held[cls] >= c->capacity[cls]))
				continue;
			for (j = 0; j < m; j++)
				if (out[j] == (int)i)
					break;
			if (j < m)
				continue;
			for (j = 0; distinct_hosts && j < ntaken; j++)
				if (!strcmp(taken[j], c->host))
					break;
			if (distinct_hosts && j < ntaken)
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

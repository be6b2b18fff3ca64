/* SPDX-License-Identifier: MIT */
/*
 * The trader daemon: keeps the containers that registered (the container
 * store), takes signatures from applications, matches them and forwards
 * each to the chosen container. It remembers every Tasklet it forwarded
 * until the container reports it done (the Tasklet store), so that when a
 * container goes away the applications hear of each Tasklet it held.
 *
 * A Tasklet may be placed on several containers at once: FaultTolerance(k)
 * replicas on k distinct hosts, or the redundancy that Reliability chose;
 * the first DONE ends it and the other placements are cancelled (CANCEL).
 * Reliability with a Deadline chooses between retransmission and
 * redundancy from a sliding window of observed response times (QBox, DSN
 * 2004, §3; man tasklet-qos(7) has the formula). Deadlines are watched
 * here too: a Tasklet with no answer at its deadline is answered "deadline
 * missed" by the trader, whatever happened to its containers.
 *
 * Everything here runs on the loop thread of the cxp_loop given to trd_new.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "common/clock.h"
#include "common/le.h"
#include "trader/trader.h"

/*
 * The fuel a program takes, learned from the DONE of its runs: an
 * exponentially weighted mean (weight 1/4 for the newest run), keyed by the
 * hash of its code chunks. CostLimit compares a container's price against
 * it; a program not seen yet is expected to take TRD_DEFAULT_FUEL.
 */
struct fuel_stat {
	uint64_t code_hash;
	double mean;
	uint64_t runs;
	struct rt_window *win; /* its response times, once it has had a Reliability
				* Tasklet (at most TRD_PROG_WINS programs have one) */
	UT_hash_handle hh;
};

/* Per-connection role, set once the first message tells who the peer is. */
enum peer_kind { PEER_UNKNOWN = 0, PEER_CONTAINER, PEER_APP };

struct peer {
	enum peer_kind kind;
	struct cxp_conn *conn;
	struct trd_trader *t;
	size_t cidx; /* PEER_CONTAINER: index into t->cont */
};

/*
 * Response times (ASSIGN to DONE, in ms) of the last TRD_WIN placements
 * within TRD_WIN_AGE_MS, a failure (lost, suspected, refused, no answer by
 * the deadline) as infinity: one window for the whole store and one per
 * container. Reliability reads its distribution.
 */
#define TRD_WIN 256
#define TRD_WIN_AGE_MS 60000
#define TRD_WIN_MIN 16 /* fewer samples: the prior (tasklet-qos(7)) */
#define TRD_PROG_WINS 1024 /* programs with a window of their own, at most */
/* Answers queued for a peer and not yet read by it, past which its next
 * request closes it: a peer that sends and never reads would otherwise make
 * the trader buffer (up to the loop's 64 MiB per connection) for it. Honest
 * peers read as they go; their answers are ASSIGNED, ERROR and CANCEL frames
 * of a few hundred bytes. */
#define TRD_UNREAD_MAX (1u << 20)
struct rt_window {
	float ms[TRD_WIN];
	uint64_t at[TRD_WIN];
	unsigned n, head;
	unsigned ninf; /* failures among the n */
};

static void win_add(struct rt_window *w, float ms, uint64_t now)
{
	if (w->n == TRD_WIN && isinf(w->ms[w->head]))
		w->ninf--;
	w->ninf += isinf(ms) != 0;
	w->ms[w->head] = ms;
	w->at[w->head] = now;
	w->head = (w->head + 1) % TRD_WIN;
	if (w->n < TRD_WIN)
		w->n++;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* The window's samples of the last TRD_WIN_AGE_MS, sorted (failures last). */
static unsigned win_sorted(const struct rt_window *w, uint64_t now, float *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->n; i++)
		if (now - w->at[i] <= TRD_WIN_AGE_MS)
			out[n++] = w->ms[i];
	qsort(out, n, sizeof(*out), cmp_float);
	return n;
}

/* The share of sorted samples s[0..n) at most x. */
static double win_cdf(const float *s, unsigned n, double x)
{
	unsigned k = 0;

	while (k < n && s[k] <= x)
		k++;
	return n ? (double)k / n : 0;
}

/* One placement of a Tasklet: which container, which attempt number, since when. */
struct placement {
	uint64_t cid;
	uint32_t attempt;
	uint64_t sent_ms;
	int late; /* counted as a failure already: silent past the retransmission timeout */
};

/* A Tasklet forwarded to containers and not yet done, or held unmatched. */
struct pending {
	uint64_t tasklet_id;
	uint64_t reqid;       /* the application's SUBMIT request id */
	struct peer *app;     /* NULL once the application went away */
	struct placement rep[TRD_MAX_REPLICAS + 1];
	unsigned nrep;        /* live placements; 0 while held */
	unsigned want;        /* placements at once: FaultTolerance(k), Reliability's redundancy */
	int distinct_hosts;   /* FaultTolerance: one replica per host */
	uint32_t max_attempts; /* placements allowed in all */
	uint64_t hold_until_ms; /* held: when to give up */
	uint64_t due_ms;      /* Deadline, on the trader's clock; 0 = none */
	uint64_t retx_at_ms;  /* Reliability by retransmission: next send; 0 = none */
	uint32_t retx_tau_ms; /* its timeout */
	unsigned retx_left;   /* sends still allowed */
	struct pending *hnext, *hprev; /* in t->held while held unplaced */
	int is_held;
	size_t hpos;          /* 1 + its place in t->timed (due_ms or retx_at_ms set); 0: none */
	int reliable;         /* Reliability: avoid containers that fail most placements */
	uint8_t *sig;         /* the signature bytes to forward (kept to place it again) */
	size_t siglen;
	struct vm_qos qos[VM_QOS_MAX];
	uint32_t nqos;
	unsigned cls;         /* capacity class (trd_class) */
	uint32_t attempt;     /* placements so far (the last four bytes of sig) */
	uint64_t code_hash;   /* its program (expected fuel) */
	int resubmitted;      /* its application submits it again (attempt != 0 in SUBMIT) */
	uint32_t app_speed;
	UT_hash_handle hh; /* in t->pend, keyed by tasklet_id */
};

struct trd_trader {
	struct cxp_loop *loop;
	struct trd_config cfg;
	/* Container store: candidates (what matching sees) + their peers and
	 * response-time windows, same index. */
	struct trd_cand *cont;
	struct peer **cpeer;
	struct rt_window **cwin;
	size_t ncont, capcont;
	uint64_t next_cid;
	struct pending *pend; /* the Tasklet store: a hash by tasklet id (uthash) */
	int hold_armed; /* a hold_tick timer is pending */
	uint64_t held_scan_ms; /* when retry_held last searched the whole store */
	size_t nheld;   /* pending Tasklets held unplaced: the list t->held, first held first */
	struct pending *held, *held_tail;
	int qos_armed;  /* a qos_tick timer is pending */
	struct pending **timed; /* those with a deadline or a retransmission: a binary
				 * min-heap by their next event (timed_at) */
	size_t ntimed, captimed;
	struct fuel_stat *fuel; /* what programs took, by code hash */
	struct rt_window win;   /* every container's response times */
	size_t nprogwin;        /* programs with a window of their own */
	struct trd_order *order; /* cont[] in placement order (match.c) */
	struct cid_ent *byid;   /* cont[]'s index by container id */
	size_t nunreliable;     /* containers marked unreliable */
};

/* A container id's index in t->cont (uthash). */
struct cid_ent {
	uint64_t id;
	size_t idx;
	UT_hash_handle hh;
};

/* The index of container cid in the store, or -1. */
static int cand_index(const struct trd_trader *t, uint64_t cid)
{
	struct cid_ent *e;

	HASH_FIND(hh, t->byid, &cid, sizeof(cid), e);
	return e ? (int)e->idx : -1;
}

/* Container i's load changed: its place in the placement order too. */
static void cand_moved(struct trd_trader *t, size_t i)
{
	/* The order has a slot for every index of the store (grown at
	 * registration), so this allocates nothing and cannot fail. */
	(void)trd_order_set(t->order, t->cont, i);
}

/* A response time (or a failure, INFINITY) of container i; a container
 * whose window holds more failures than answers is marked unreliable. */
static void cwin_add(struct trd_trader *t, size_t i, float ms, uint64_t now)
{
	struct rt_window *w = t->cwin[i];
	int bad;

	win_add(w, ms, now);
	bad = w->n >= TRD_WIN_MIN && 2 * w->ninf > w->n;
	if (bad != t->cont[i].unreliable) {
		t->cont[i].unreliable = bad;
		if (bad)
			t->nunreliable++;
		else
			t->nunreliable--;
	}
}

/* The placement of p on container cid (attempt, or any when attempt is 0), or -1. */
static int rep_find(const struct pending *p, uint64_t cid, uint32_t attempt)
{
	for (unsigned i = 0; i < p->nrep; i++)
		if (p->rep[i].cid == cid && (!attempt || p->rep[i].attempt == attempt))
			return (int)i;
	return -1;
}

static void rep_remove(struct pending *p, unsigned i)
{
	p->rep[i] = p->rep[--p->nrep];
}

/* The Tasklet tid if it has a placement on container cid, else NULL. */
static struct pending *pending_find(struct trd_trader *t, uint64_t tid, uint64_t cid)
{
	struct pending *p;

	HASH_FIND(hh, t->pend, &tid, sizeof(tid), p);
	return p && rep_find(p, cid, 0) >= 0 ? p : NULL;
}

/* ---- Timed Tasklets: a min-heap by the next deadline or retransmission ------- */

/* When p next needs the trader's attention: its deadline or its next
 * retransmission, whichever comes first; 0 = never. */
static uint64_t timed_at(const struct pending *p)
{
	uint64_t a = p->due_ms, b = p->retx_at_ms;

	return !a ? b : !b ? a : a < b ? a : b;
}

static void timed_put(struct trd_trader *t, size_t i, struct pending *p)
{
	t->timed[i] = p;
	p->hpos = i + 1;
}

static void timed_up(struct trd_trader *t, size_t i)
{
	struct pending *p = t->timed[i];

	while (i && timed_at(t->timed[(i - 1) / 2]) > timed_at(p)) {
		timed_put(t, i, t->timed[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	timed_put(t, i, p);
}

static void timed_down(struct trd_trader *t, size_t i)
{
	struct pending *p = t->timed[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= t->ntimed)
			break;
		if (c + 1 < t->ntimed && timed_at(t->timed[c + 1]) < timed_at(t->timed[c]))
			c++;
		if (timed_at(t->timed[c]) >= timed_at(p))
			break;
		timed_put(t, i, t->timed[c]);
		i = c;
	}
	timed_put(t, i, p);
}

static void timed_del(struct trd_trader *t, struct pending *p)
{
	size_t i;

	if (!p->hpos)
		return;
	i = p->hpos - 1;
	p->hpos = 0;
	if (i == --t->ntimed)
		return;
	{
		struct pending *q = t->timed[t->ntimed]; /* the last fills the hole */

		timed_put(t, i, q);
		timed_up(t, i);
		timed_down(t, q->hpos - 1);
	}
}

/* p's deadline or retransmission time changed: its place in the heap too. */
static int timed_fix(struct trd_trader *t, struct pending *p)
{
	if (!timed_at(p)) {
		timed_del(t, p);
		return 0;
	}
	if (!p->hpos) {
		if (t->ntimed == t->captimed) {
			size_t ncap = t->captimed ? 2 * t->captimed : 64;
			struct pending **nt = realloc(t->timed, ncap * sizeof(*nt));

			if (!nt)
				return -ENOMEM;
			t->timed = nt;
			t->captimed = ncap;
		}
		timed_put(t, t->ntimed++, p);
	}
	timed_up(t, p->hpos - 1);
	timed_down(t, p->hpos - 1);
	return 0;
}

/* p waits unplaced (--hold-ms, or submitted again): on the held list. */
static void held_add(struct trd_trader *t, struct pending *p)
{
	if (p->is_held)
		return;
	p->is_held = 1;
	p->hnext = NULL;
	p->hprev = t->held_tail;
	if (t->held_tail)
		t->held_tail->hnext = p;
	else
		t->held = p;
	t->held_tail = p;
	t->nheld++;
}

static void held_del(struct trd_trader *t, struct pending *p)
{
	if (!p->is_held)
		return;
	p->is_held = 0;
	if (p->hprev)
		p->hprev->hnext = p->hnext;
	else
		t->held = p->hnext;
	if (p->hnext)
		p->hnext->hprev = p->hprev;
	else
		t->held_tail = p->hprev;
	t->nheld--;
}

static void pending_unlink(struct trd_trader *t, struct pending *p)
{
	timed_del(t, p);
	held_del(t, p);
	HASH_DEL(t->pend, p);
	free(p->sig);
	free(p);
}

static int send_assigned(struct peer *app, uint64_t reqid, uint64_t tid, const struct trd_cand *c)
{
	struct cxp_assigned a = { .tasklet_id = tid, .container_id = c->id };
	struct cxp_wbuf w;
	int rc;

	snprintf(a.container, sizeof(a.container), "%s", c->name);
	cxp_wbuf_init(&w);
	cxp_assigned_encode(&w, &a);
	rc = w.err ? w.err : cxp_send(app->conn, CXP_MSG_ASSIGNED, reqid, w.p, w.len);
	cxp_wbuf_free(&w);
	return rc;
}

/* A container no longer holds a placement of p (done, failed, given back, cancelled). */
static void release_slot(struct trd_trader *t, struct trd_cand *c, struct pending *p)
{
	if (c->load)
		c->load--;
	if (c->held[p->cls])
		c->held[p->cls]--;
	cand_moved(t, (size_t)(c - t->cont));
}

/* A placement that ended without an answer: a failure in the response-time windows. */
/*
 * The response-time window of p's program, or NULL when it has none: a
 * program gets one at its first Reliability Tasklet (create), while fewer
 * than TRD_PROG_WINS programs have one; Reliability reads it before the
 * window of all programs, whose lengths may differ by orders of magnitude.
 */
static struct rt_window *prog_win(struct trd_trader *t, const struct pending *p, int create)
{
	struct fuel_stat *fs;

	if (!p->code_hash)
		return NULL;
	HASH_FIND(hh, t->fuel, &p->code_hash, sizeof(p->code_hash), fs);
	if (!fs && create) {
		fs = calloc(1, sizeof(*fs));
		if (!fs)
			return NULL;
		fs->code_hash = p->code_hash;
		fs->mean = TRD_DEFAULT_FUEL;
		HASH_ADD(hh, t->fuel, code_hash, sizeof(fs->code_hash), fs);
	}
	if (fs && !fs->win && create && t->nprogwin < TRD_PROG_WINS) {
		fs->win = calloc(1, sizeof(*fs->win));
		t->nprogwin += fs->win != NULL;
	}
	return fs ? fs->win : NULL;
}

/* A response time of p (INFINITY: a placement that ended without an
 * answer) in the windows: all programs', p's program's, and container ci's
 * (when ci >= 0). */
static void record_rt(struct trd_trader *t, const struct pending *p, int ci, float ms,
		      uint64_t now)
{
	struct rt_window *pw = prog_win(t, p, 0);

	win_add(&t->win, ms, now);
	if (pw)
		win_add(pw, ms, now);
	if (ci >= 0)
		cwin_add(t, (size_t)ci, ms, now);
}

static void record_failure(struct trd_trader *t, const struct pending *p, int ci, uint64_t now)
{
	record_rt(t, p, ci, INFINITY, now);
}

/* Tell the container of placement r that it is no longer wanted, and free its slot. */
static void cancel_placement(struct trd_trader *t, struct pending *p, const struct placement *r)
{
	struct cxp_cancel m = { .tasklet_id = p->tasklet_id, .attempt = r->attempt };
	int ci = cand_index(t, r->cid);
	uint8_t b[16];
	struct cxp_wbuf w;

	if (ci < 0)
		return;
	release_slot(t, &t->cont[ci], p);
	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_cancel_encode(&w, &m);
	if (!w.err)
		cxp_send(t->cpeer[ci]->conn, CXP_MSG_CANCEL, p->tasklet_id, w.p, w.len);
}

/* Forward p to container index i as its next placement. 0 or -errno (why filled). */
static int place_on(struct trd_trader *t, struct pending *p, int i, char *why, size_t whycap)
{
	struct trd_cand *c = &t->cont[i];
	int rc;

	/* Number the placement in the signature's last field, so that what a
	 * container reports of an earlier placement is recognised and dropped. */
	le32_store(p->sig + p->siglen - 4, p->attempt + 1);
	rc = cxp_send(t->cpeer[i]->conn, CXP_MSG_ASSIGN, p->tasklet_id, p->sig, p->siglen);
	if (rc < 0) {
		snprintf(why, whycap, "forwarding to container %s failed: %s", c->name,
			 strerror(-rc));
		return rc;
	}
	p->attempt++;
	c->load++;
	c->held[p->cls]++;
	cand_moved(t, (size_t)i);
	p->rep[p->nrep].cid = c->id;
	p->rep[p->nrep].attempt = p->attempt;
	p->rep[p->nrep].sent_ms = clock_now_ms();
	p->rep[p->nrep].late = 0;
	p->nrep++;
	/* A first placement is routine (one line per Tasklet only under --verbose);
	 * a replica or a placement again always says so. */
	if (t->cfg.verbose || p->attempt > 1)
		cxp_log("tasklet %016llx -> container %s (id %llu, load %u)%s",
			(unsigned long long)p->tasklet_id, c->name, (unsigned long long)c->id,
			c->load,
			p->attempt > 1 ? (p->nrep > 1 ? ", another replica" : ", placed again")
				       : "");
	if (p->app)
		send_assigned(p->app, p->reqid, p->tasklet_id, c);
	return 0;
}

static struct trd_task task_of(struct trd_trader *t, const struct pending *p)
{
	struct trd_task task = { .expected_fuel = TRD_DEFAULT_FUEL, .app_speed = p->app_speed };
	struct fuel_stat *fs;

	HASH_FIND(hh, t->fuel, &p->code_hash, sizeof(p->code_hash), fs);
	if (fs)
		task.expected_fuel = (uint64_t)fs->mean;
	return task;
}

/*
 * Up to k containers for p (trd_match_many), skipping the ones that hold a
 * placement already; for Reliability, the containers marked unreliable
 * (their window shows more failures than answers, of at least TRD_WIN_MIN
 * placements: a container that drops what it is given still sends
 * heartbeats) while that still finds k. Fills idx; trd_match_many's result.
 */
static int match_for(struct trd_trader *t, const struct pending *p, const struct trd_task *task,
		     unsigned k, int distinct_hosts, int *idx, char *why, size_t whycap)
{
	uint64_t avoid[TRD_MAX_REPLICAS + 1];
	int m = -ENOENT;

	for (unsigned i = 0; i < p->nrep; i++)
		avoid[i] = p->rep[i].cid;
	if (p->reliable && t->nunreliable) {
		struct trd_task strict = *task;

		strict.skip_unreliable = 1;
		m = trd_match_many_o(t->order, t->cont, t->ncont, p->qos, p->nqos, &strict, k,
				     distinct_hosts, avoid, p->nrep, idx, why, whycap);
	}
	if (m < (int)k)
		m = trd_match_many_o(t->order, t->cont, t->ncont, p->qos, p->nqos, task, k,
				     distinct_hosts, avoid, p->nrep, idx, why, whycap);
	return m;
}

/*
 * Bring p up to its wanted number of placements. Returns 0 when it has at
 * least one placement afterwards, -ENOENT when nothing matches (why filled),
 * -EBUSY when every match is full, or another -errno. The first placement
 * of a FaultTolerance(k) Tasklet is all or nothing: k distinct hosts, or
 * -ENOENT when fewer than k qualify at all, -EBUSY when they are full.
 */
static int place(struct trd_trader *t, struct pending *p, char *why, size_t whycap)
{
	struct trd_task task = task_of(t, p);
	int idx[TRD_MAX_REPLICAS];
	unsigned need = p->want > p->nrep ? p->want - p->nrep : 0;
	int m, rc = 0;

	if (p->attempt + need > p->max_attempts)
		need = p->max_attempts > p->attempt ? p->max_attempts - p->attempt : 0;
	if (!need)
		return p->nrep ? 0 : -ENOENT;
	m = match_for(t, p, &task, need, p->distinct_hosts, idx, why, whycap);
	if (m < 0)
		return p->nrep ? 0 : m;
	if ((unsigned)m < need && p->distinct_hosts && p->attempt == 0) {
		size_t q = trd_qualifying(t->cont, t->ncont, p->qos, p->nqos, &task, 1);

		if (q < p->want)
			snprintf(why, whycap,
				 "FaultTolerance(%u): only %zu distinct host%s satisf%s the QoS "
				 "(%zu containers registered)",
				 p->want, q, q == 1 ? "" : "s", q == 1 ? "ies" : "y", t->ncont);
		else
			snprintf(why, whycap,
				 "FaultTolerance(%u): %zu distinct hosts satisfy the QoS, but only "
				 "%d of them can take a Tasklet now (the others are full, draining "
				 "or suspected)",
				 p->want, q, m);
		return q < p->want ? -ENOENT : -EBUSY;
	}
	if ((unsigned)m < need)
		cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, why);
	for (int k = 0; k < m; k++) {
		int r = place_on(t, p, idx[k], why, whycap);

		if (r < 0)
			rc = r;
	}
	return p->nrep ? 0 : rc ? rc : -ENOENT;
}

/* Answer p's application with an error and forget p (its placements are cancelled). */
static void fail_pending(struct trd_trader *t, struct pending *p, uint32_t code, const char *msg)
{
	for (unsigned i = 0; i < p->nrep; i++)
		cancel_placement(t, p, &p->rep[i]);
	p->nrep = 0;
	if (p->app)
		cxp_send_error(p->app->conn, p->reqid, code, "tasklet %016llx: %s",
			       (unsigned long long)p->tasklet_id, msg);
	pending_unlink(t, p);
}

static void arm_hold(struct trd_trader *t);

/*
 * Place p (new, or given back by a container): at once if a container can
 * take it; else held until one can (--hold-ms), or answered with the reason:
 * "no matching container" or, when every match is full, "container busy".
 */
/* 1 when placed or held; 0 when answered with an error (p is freed then). */
static int place_or_hold_lost(struct trd_trader *t, struct pending *p, const char *lost)
{
	char why[256], msg[448];
	int rc = place(t, p, why, sizeof(why));

	if (rc == 0)
		return 1;
	if ((rc == -ENOENT || rc == -EBUSY) && (t->cfg.hold_ms || p->resubmitted)) {
		/* --hold-ms; or submitted again by an application that lost its
		 * trader (perhaps this one, restarted): its containers may not all
		 * have registered again yet (they retry every second) */
		uint32_t hold = t->cfg.hold_ms > t->cfg.resubmit_hold_ms || !p->resubmitted
					? t->cfg.hold_ms
					: t->cfg.resubmit_hold_ms;

		p->hold_until_ms = clock_now_ms() + hold;
		if (p->due_ms && p->due_ms < p->hold_until_ms)
			p->hold_until_ms = p->due_ms;
		cxp_log("tasklet %016llx held: %s", (unsigned long long)p->tasklet_id, why);
		held_add(t, p);
		arm_hold(t);
		return 1;
	}
	if (lost) {
		/* Its container is gone and no other can take it: say both. */
		snprintf(msg, sizeof(msg), "%s; no other container can take it: %s", lost, why);
		cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, msg);
		fail_pending(t, p, CXP_E_LOST, msg);
		return 0;
	}
	cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, why);
	fail_pending(t, p, rc == -ENOENT ? CXP_E_NOMATCH : rc == -EBUSY ? CXP_E_BUSY : CXP_E_INTERNAL,
		     why);
	return 0;
}

static void place_or_hold(struct trd_trader *t, struct pending *p)
{
	(void)place_or_hold_lost(t, p, NULL);
}

/*
 * p lost its last placement (container gone or suspected): place it again,
 * unless it was placed max_attempts times already; then its application
 * hears "container lost". Returns 1 when placed again (or held), 0 when failed.
 */
static int replace_lost(struct trd_trader *t, struct pending *p, const char *why)
{
	char msg[256];

	if (p->attempt >= p->max_attempts) {
		snprintf(msg, sizeof(msg), "%s (after %u attempts)", why, p->attempt);
		cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, msg);
		fail_pending(t, p, CXP_E_LOST, msg);
		return 0;
	}
	cxp_log("tasklet %016llx: %s; placing it again (attempt %u)",
		(unsigned long long)p->tasklet_id, why, p->attempt + 1);
	return place_or_hold_lost(t, p, why);
}

/* Held signatures: retried when a container registers, failed at their deadline. */
/*
 * Held signatures: searched for in the whole store when full is set (a
 * registration, a container heard from again, every TRD_HELD_SCAN_MS);
 * otherwise only those whose hold ran out are searched for a last time, and
 * answered when still nothing can take them.
 */
static void retry_held(struct trd_trader *t, uint64_t now, int full)
{
	struct pending *p, *next;
	char why[256];

	if (full)
		t->held_scan_ms = now;
	for (p = t->held; p; p = next) {
		int rc;

		next = p->hnext;
		if (!full && now < p->hold_until_ms)
			continue;
		rc = place(t, p, why, sizeof(why));
		if (rc == 0) {
			held_del(t, p);
			continue;
		}
		if (now >= p->hold_until_ms) {
			cxp_log("tasklet %016llx: %s (held %u ms)", (unsigned long long)p->tasklet_id,
				why, t->cfg.hold_ms);
			if (p->due_ms && now >= p->due_ms)
				fail_pending(t, p, CXP_E_DEADLINE,
					     "deadline missed: no container could take it in time");
			else
				fail_pending(t, p, rc == -EBUSY ? CXP_E_BUSY : CXP_E_NOMATCH, why);
		}
	}
}

/*
 * Container ci has a slot free: offer it to the held Tasklets, first held
 * first, while it can take them (a FaultTolerance Tasklet's first
 * placement, all its replicas at once, waits for the next full search).
 * Cheap whatever the size of the store, where a full search per freed slot
 * would not be.
 */
static void offer_held(struct trd_trader *t, size_t ci)
{
	struct pending *p, *next;
	char why[256];

	for (p = t->held; p && ci < t->ncont; p = next) {
		struct trd_task task;

		next = p->hnext;
		if (p->want != 1 || p->nrep || p->attempt >= p->max_attempts)
			continue;
		task = task_of(t, p);
		if (!trd_qualifies(&t->cont[ci], p->qos, p->nqos, &task))
			continue;
		if (place_on(t, p, (int)ci, why, sizeof(why)) == 0)
			held_del(t, p);
	}
}

static void hold_tick(void *arg)
{
	struct trd_trader *t = arg;
	uint64_t now = clock_now_ms();

	t->hold_armed = 0;
	retry_held(t, now, now - t->held_scan_ms >= TRD_HELD_SCAN_MS);
	arm_hold(t);
}

/* Keep one 50 ms tick running while any signature is held. */
static void arm_hold(struct trd_trader *t)
{
	if (!t->hold_armed && t->nheld)
		t->hold_armed = cxp_loop_timer(t->loop, 50, hold_tick, t) == 0;
}

/* ---- Deadlines and Reliability ------------------------------------------------ */

#define TRD_QOS_TICK_MS 5

static void arm_qos(struct trd_trader *t);

/* No answer at p's deadline: its application hears it now, and its placements are cancelled. */
static void expire(struct trd_trader *t, struct pending *p, uint64_t now)
{
	char msg[256], where[160] = "";
	size_t off = 0;

	for (unsigned i = 0; i < p->nrep; i++) {
		int ci = cand_index(t, p->rep[i].cid);

		if (!p->rep[i].late)
			record_failure(t, p, ci, now);
		if (ci >= 0 && off < sizeof(where))
			off += (size_t)snprintf(where + off, sizeof(where) - off, "%s%s",
						off ? ", " : "", t->cont[ci].name);
	}
	snprintf(msg, sizeof(msg), "deadline missed: no result by the deadline%s%s%s",
		 p->nrep ? " (placed on " : " (not placed)", where, p->nrep ? ")" : "");
	cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, msg);
	fail_pending(t, p, CXP_E_DEADLINE, msg);
}

/* Reliability by retransmission: the timeout passed with no answer: send once more. */
static void retransmit(struct trd_trader *t, struct pending *p, uint64_t now)
{
	struct trd_task task = task_of(t, p);
	char why[256];
	int idx[1], m;

	p->retx_at_ms = 0;
	/* Silent for tau: for the window, a placement that did not answer in time. */
	for (unsigned i = 0; i < p->nrep; i++)
		if (!p->rep[i].late && now - p->rep[i].sent_ms >= p->retx_tau_ms) {
			p->rep[i].late = 1;
			record_failure(t, p, cand_index(t, p->rep[i].cid), now);
		}
	if (!p->retx_left || p->nrep > TRD_MAX_REPLICAS - 1)
		return;
	/* Another container if there is one (a reliable one first); else the same
	 * again (it may have lost it). */
	m = match_for(t, p, &task, 1, 0, idx, why, sizeof(why));
	if (m < 1)
		m = trd_match_many_o(t->order, t->cont, t->ncont, p->qos, p->nqos, &task, 1, 0, NULL, 0, idx,
				   why, sizeof(why));
	if (m < 1) {
		if (t->cfg.verbose)
			cxp_log("tasklet %016llx: no container to retransmit to: %s",
				(unsigned long long)p->tasklet_id, why);
	} else {
		int same = rep_find(p, t->cont[idx[0]].id, 0);

		if (same >= 0) /* the container answers the newer attempt only */
			rep_remove(p, (unsigned)same);
		if (t->cfg.verbose)
			cxp_log("tasklet %016llx: no answer within %u ms: retransmitting",
				(unsigned long long)p->tasklet_id, p->retx_tau_ms);
		p->max_attempts++;
		if (place_on(t, p, idx[0], why, sizeof(why)) < 0)
			cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, why);
	}
	p->retx_left--;
	if (p->retx_left && (!p->due_ms || now + 2 * p->retx_tau_ms <= p->due_ms))
		p->retx_at_ms = now + p->retx_tau_ms;
}

/* Every TRD_QOS_TICK_MS while a Tasklet is timed: the ones whose deadline or
 * retransmission time has come, from the top of the heap (the others wait). */
static void qos_tick(void *arg)
{
	struct trd_trader *t = arg;
	uint64_t now = clock_now_ms();

	t->qos_armed = 0;
	while (t->ntimed && timed_at(t->timed[0]) <= now) {
		struct pending *p = t->timed[0];

		if (p->due_ms && now >= p->due_ms) {
			expire(t, p, now); /* p is gone, and out of the heap */
			continue;
		}
		if (p->nrep)
			retransmit(t, p, now);
		else /* held unplaced: retransmit once it is placed again */
			p->retx_at_ms = now + TRD_QOS_TICK_MS;
		timed_fix(t, p);
	}
	arm_qos(t);
}

static void arm_qos(struct trd_trader *t)
{
	if (!t->qos_armed && t->ntimed)
		t->qos_armed = cxp_loop_timer(t->loop, TRD_QOS_TICK_MS, qos_tick, t) == 0;
}

/* Reliability(p)'s parameter as a probability. */
static double reliability_p(const struct vm_qos *q)
{
	if (q->nparams < 1)
		return 1;
	if (q->p[0].type == VM_QOS_P_INT)
		return (double)q->p[0].i / 100.0;
	return strtod(q->p[0].s, NULL);
}

/*
 * Reliability(r) with a deadline left_ms away: retransmission or redundancy
 * (QBox §3). From the window's response-time distribution F: the timeout
 * tau is its 95th percentile of answered placements; one placement answers
 * within tau with probability P = F(tau); the number of sends needed is
 * need = ceil(log(1 - r) / log(1 - P)); the sends that fit before the
 * deadline are slots = floor(left / tau). need <= slots: retransmission
 * (one placement, another after each tau without an answer, up to need).
 * Otherwise redundancy: n = ceil(log(1 - r) / log(1 - F(left))) placements
 * at once (at most TRD_MAX_REPLICAS); refused when even that cannot reach r.
 * With fewer than TRD_WIN_MIN samples the prior is tau = left / 8,
 * F(tau) = 0.5 and F(left) = 0.9 (as if half of all placements were lost:
 * cautious until the window knows better). A placement still silent when
 * its retransmission timeout passes counts as a failure in the window.
 * 0, or -ENOENT with the reason in why.
 */
static int plan_reliability(struct trd_trader *t, struct pending *p, double r, uint64_t left_ms,
			    char *why, size_t whycap)
{
	static float s[TRD_WIN];
	struct rt_window *pw = prog_win(t, p, 1);
	unsigned n = 0, finite = 0, need, slots;
	const char *src = "its program's";
	double tau, pt, fd;
	int prior;

	/* Its program's window when it knows enough, else all programs'. */
	if (pw)
		n = win_sorted(pw, clock_now_ms(), s);
	if (n < TRD_WIN_MIN) {
		n = win_sorted(&t->win, clock_now_ms(), s);
		src = "all programs'";
	}
	prior = n < TRD_WIN_MIN;

	while (finite < n && isfinite(s[finite]))
		finite++;
	if (prior) {
		tau = (double)left_ms / 8;
		pt = 0.5;
		fd = 0.9;
	} else {
		tau = finite ? s[(finite - 1) * 95 / 100] : (double)left_ms;
		if (tau < 1)
			tau = 1;
		pt = win_cdf(s, n, tau);
		fd = win_cdf(s, n, (double)left_ms);
	}
	if (r >= 1)
		r = 0.999999;
	slots = tau > 0 ? (unsigned)((double)left_ms / tau) : 0;
	need = pt >= 1 ? 1 : pt <= 0 ? UINT32_MAX : (unsigned)ceil(log(1 - r) / log(1 - pt));
	if (need < 1)
		need = 1;
	if (need <= slots) {
		p->want = 1;
		p->retx_tau_ms = (uint32_t)ceil(tau);
		p->retx_left = need - 1;
		p->max_attempts += need - 1;
		if (p->retx_left)
			p->retx_at_ms = clock_now_ms() + p->retx_tau_ms;
		if (t->cfg.verbose)
			cxp_log("tasklet %016llx: Reliability(%g) in %llu ms: %u samples of %s "
				"window%s, tau %.1f ms, P(tau) %.3f, slots %u, sends needed %u: "
				"retransmission",
				(unsigned long long)p->tasklet_id, r, (unsigned long long)left_ms, n,
				src, prior ? " (prior)" : "", tau, pt, slots, need);
		return 0;
	}
	{
		unsigned red = fd >= 1 ? 1
			       : fd <= 0 ? UINT32_MAX
					 : (unsigned)ceil(log(1 - r) / log(1 - fd));
		double reach;

		if (red < 1)
			red = 1;
		if (red > TRD_MAX_REPLICAS) {
			reach = 1 - pow(1 - fd, TRD_MAX_REPLICAS);
			snprintf(why, whycap,
				 "Reliability(%g) cannot be reached within %llu ms: of the last %u "
				 "placements %.1f%% answered in time, so even %d replicas give %.4f",
				 r, (unsigned long long)left_ms, n, fd * 100, TRD_MAX_REPLICAS, reach);
			return -ENOENT;
		}
		p->want = red;
		p->max_attempts += red - 1;
		if (t->cfg.verbose)
			cxp_log("tasklet %016llx: Reliability(%g) in %llu ms: %u samples of %s "
				"window%s, tau %.1f ms, P(tau) %.3f, slots %u < sends needed %u; "
				"F(deadline) %.3f: redundancy, %u replicas",
				(unsigned long long)p->tasklet_id, r, (unsigned long long)left_ms, n,
				src, prior ? " (prior)" : "", tau, pt, slots, need, fd, red);
	}
	return 0;
}

/*
 * What p's QoS asks of placement beyond matching: FaultTolerance(k)
 * replicas, the Deadline's due time, Reliability's plan. 0, or a CXP error
 * code with the reason in why (the Tasklet is refused).
 */
static uint32_t plan(struct trd_trader *t, struct pending *p, const struct vm_sig *sig, char *why,
		     size_t whycap)
{
	const struct vm_qos *rel = NULL;
	int64_t deadline = 0;

	p->want = 1;
	for (uint32_t i = 0; i < p->nqos; i++) {
		const struct vm_qos *q = &p->qos[i];

		if (q->cat == VM_QOS_FAULT_TOLERANCE && q->nparams >= 1 &&
		    q->p[0].type == VM_QOS_P_INT) {
			if (q->p[0].i > TRD_MAX_REPLICAS) {
				snprintf(why, whycap, "FaultTolerance(%lld): at most %d replicas",
					 (long long)q->p[0].i, TRD_MAX_REPLICAS);
				return CXP_E_NOMATCH;
			}
			p->want = (unsigned)q->p[0].i;
			p->distinct_hosts = 1;
		} else if (q->cat == VM_QOS_DEADLINE && q->nparams >= 1 &&
			   q->p[0].type == VM_QOS_P_INT) {
			deadline = q->p[0].i;
		} else if (q->cat == VM_QOS_RELIABILITY) {
			rel = q;
		}
	}
	p->max_attempts = p->want + TRD_MAX_RETRIES;
	if (deadline > 0) {
		struct timespec ts;
		int64_t now_ns, due_ns, left_ms;

		clock_gettime(CLOCK_REALTIME, &ts);
		now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		due_ns = (int64_t)sig->start_ns + deadline * 1000000;
		left_ms = (due_ns - now_ns) / 1000000;
		if (left_ms <= 0) {
			snprintf(why, whycap, "deadline missed: Deadline(%lld) passed before it reached "
				 "the trader", (long long)deadline);
			return CXP_E_DEADLINE;
		}
		p->due_ms = clock_now_ms() + (uint64_t)left_ms;
		if (rel) {
			/* With FaultTolerance(k) too: at least k replicas, on distinct hosts. */
			unsigned k = p->want;

			p->reliable = 1;
			if (plan_reliability(t, p, reliability_p(rel), (uint64_t)left_ms, why,
					     whycap) < 0)
				return CXP_E_NOMATCH;
			if (p->want < k) {
				p->max_attempts += k - p->want;
				p->want = k;
			}
		}
	} else if (rel) {
		snprintf(why, whycap, "Reliability needs a Deadline(ms): the probability of an answer "
			 "by when?");
		return CXP_E_NOMATCH;
	}
	if (timed_at(p)) {
		if (timed_fix(t, p) < 0) {
			snprintf(why, whycap, "out of memory for the trader's timers");
			return CXP_E_INTERNAL;
		}
		arm_qos(t);
	}
	return 0;
}

/*
 * Whom a container may connect to for this Tasklet: the application that
 * submitted it. Its host is the one this SUBMIT came from (the application
 * names only its port), so a SUBMIT cannot steer containers to another
 * address; in secure mode the application's certificate name goes along
 * (sig->app_cn), which the container checks when it connects. 0, or -EINVAL
 * with why (no port).
 */
static int vouch(struct trd_trader *t, struct peer *pe, struct vm_sig *sig, char *why,
		 size_t whycap)
{
	char said[VM_SIG_ADDR_MAX + 1];
	int rc;

	snprintf(said, sizeof(said), "%s", sig->app_addr);
	rc = cxp_sig_vouch(pe->conn, sig, t->cfg.tls != NULL, why, whycap);
	if (rc > 0 && t->cfg.verbose)
		cxp_log("tasklet %016llx: application said %s, it connects from %s: containers "
			"will reach it at %s",
			(unsigned long long)sig->tasklet_id, said, cxp_conn_peer(pe->conn),
			sig->app_addr);
	return rc < 0 ? rc : 0;
}

static int on_submit(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct pending *p;
	struct vm_sig *sig;
	char err[256];
	int rc;

	if (pe->kind == PEER_CONTAINER) {
		cxp_log("%s: container sent SUBMIT", cxp_conn_peer(pe->conn));
		return -EPROTO;
	}
	if (pe->kind != PEER_APP)
		/* An application may wait long for a result without a word on
		 * this link: identified peers are exempt from the idle timeout. */
		cxp_conn_set_idle_timeout(pe->conn, 0);
	pe->kind = PEER_APP;
	sig = malloc(sizeof(*sig));
	if (!sig)
		return cxp_send_error(pe->conn, h->reqid, CXP_E_INTERNAL, "out of memory");
	rc = cxp_sig_decode(payload, h->len, sig, err, sizeof(err));
	if (rc < 0) {
		/* A bad request, not a bad connection: answer it, keep serving. */
		cxp_log("%s: rejected SUBMIT: %s", cxp_conn_peer(pe->conn), err);
		free(sig);
		return cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG, "bad signature: %s", err);
	}
	HASH_FIND(hh, t->pend, &sig->tasklet_id, sizeof(sig->tasklet_id), p);
	if (p && !p->app) {
		/* Its application lost its link to us and submits again: it takes
		 * the Tasklet back where it stands (placed or held). */
		free(sig);
		p->app = pe;
		p->reqid = h->reqid;
		cxp_log("tasklet %016llx: submitted again by %s; still %s",
			(unsigned long long)p->tasklet_id, cxp_conn_peer(pe->conn),
			p->nrep ? "placed" : "held");
		for (unsigned r = 0; r < p->nrep; r++) {
			int ci = cand_index(t, p->rep[r].cid);

			if (ci >= 0)
				send_assigned(pe, p->reqid, p->tasklet_id, &t->cont[ci]);
		}
		return 0;
	}
	if (p) {
		uint64_t tid = sig->tasklet_id;

		free(sig);
		cxp_log("%s: rejected SUBMIT: tasklet %016llx is already pending",
			cxp_conn_peer(pe->conn), (unsigned long long)tid);
		return cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG,
				      "tasklet %016llx is already pending", (unsigned long long)tid);
	}
	if (vouch(t, pe, sig, err, sizeof(err)) < 0) {
		uint64_t tid = sig->tasklet_id;

		free(sig);
		cxp_log("%s: rejected SUBMIT of tasklet %016llx: %s", cxp_conn_peer(pe->conn),
			(unsigned long long)tid, err);
		return cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG, "tasklet %016llx: %s",
				      (unsigned long long)tid, err);
	}
	p = calloc(1, sizeof(*p));
	if (p)
		p->sig = malloc(CXP_SIG_MAX_ENCODED);
	if (!p || !p->sig) {
		if (p)
			free(p->sig);
		free(p);
		free(sig);
		return cxp_send_error(pe->conn, h->reqid, CXP_E_INTERNAL, "out of memory");
	}
	{
		/* What is forwarded is what the trader vouches for. */
		struct cxp_wbuf w;
		int n;

		cxp_wbuf_init_fixed(&w, p->sig, CXP_SIG_MAX_ENCODED);
		n = cxp_sig_encode(&w, sig);
		p->siglen = n > 0 ? (size_t)n : 0;
	}
	p->tasklet_id = sig->tasklet_id;
	p->reqid = h->reqid;
	p->app = pe;
	p->nqos = sig->nqos;
	memcpy(p->qos, sig->qos, sizeof(p->qos));
	p->cls = trd_class(sig->qos, sig->nqos);
	p->code_hash = sig->code_hash;
	p->resubmitted = sig->attempt != 0; /* the application says so (tasklet.h) */
	p->app_speed = sig->app_speed;
	HASH_ADD(hh, t->pend, tasklet_id, sizeof(p->tasklet_id), p);
	{
		uint32_t code = plan(t, p, sig, err, sizeof(err));

		free(sig);
		if (code) {
			cxp_log("tasklet %016llx refused: %s", (unsigned long long)p->tasklet_id, err);
			fail_pending(t, p, code, err);
			return 0;
		}
	}
	place_or_hold(t, p);
	return 0;
}

/*
 * Secure mode: a container's name is its certificate's common name (a
 * REGISTER naming another is refused), and only one container of a name is
 * registered at a time. Sets CXP_CAP_TLS in r->flags. 0, or -EPERM with why.
 */
static int secure_identity(struct trd_trader *t, struct peer *pe, struct cxp_register *r,
			   char *why, size_t whycap)
{
	char cn[CXP_NAME_MAX + 1], ca[CXP_NAME_MAX + 1];
	int rc = cxp_conn_peer_cert(pe->conn, cn, sizeof(cn), ca, sizeof(ca));

	if (rc < 0) {
		snprintf(why, whycap, "secure mode: a container must present a certificate (%s)",
			 strerror(-rc));
		return -EPERM;
	}
	if (r->name[0] && strcmp(r->name, cn)) {
		snprintf(why, whycap,
			 "secure mode: container name '%s' is not its certificate's common name "
			 "'%s'",
			 r->name, cn);
		return -EPERM;
	}
	snprintf(r->name, sizeof(r->name), "%s", cn);
	r->flags |= CXP_CAP_TLS;
	return 0;
}

static int on_register(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct cxp_register r;
	struct trd_cand *c;
	struct cid_ent *byid;
	char err[256];
	uint64_t id;

	if (pe->kind != PEER_UNKNOWN) {
		cxp_log("%s: REGISTER on a connection that is already a %s",
			cxp_conn_peer(pe->conn), pe->kind == PEER_APP ? "application" : "container");
		return -EPROTO;
	}
	if (cxp_register_decode(payload, h->len, &r, err, sizeof(err)) < 0) {
		cxp_log("%s: rejected REGISTER: %s", cxp_conn_peer(pe->conn), err);
		cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG, "bad REGISTER: %s", err);
		cxp_close(pe->conn, -EPROTO); /* after the error is sent */
		return 0;
	}
	r.flags &= ~CXP_CAP_TLS; /* what the connection proves, not what the peer says */
	if (t->cfg.tls && secure_identity(t, pe, &r, err, sizeof(err)) < 0) {
		cxp_log("%s: rejected REGISTER: %s", cxp_conn_peer(pe->conn), err);
		cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG, "%s", err);
		cxp_close(pe->conn, -EPROTO);
		return 0;
	}
	/* One container of a name at a time, in either mode: a second "c1" (a
	 * rogue, or a replayed REGISTER) would take placements meant for the
	 * first and answer in its name. A restarted container is refused until
	 * the trader has seen its predecessor go, and registers on its next try
	 * (a second later). */
	for (size_t i = 0; r.name[0] && i < t->ncont; i++)
		if (!strcmp(t->cont[i].name, r.name)) {
			snprintf(err, sizeof(err),
				 "%sa container named '%s' is registered already (from %s)",
				 t->cfg.tls ? "secure mode: " : "", r.name,
				 cxp_conn_peer(t->cpeer[i]->conn));
			cxp_log("%s: rejected REGISTER: %s", cxp_conn_peer(pe->conn), err);
			cxp_send_error(pe->conn, h->reqid, CXP_E_BADMSG, "%s", err);
			cxp_close(pe->conn, -EPROTO);
			return 0;
		}
	if (t->ncont == t->capcont) {
		size_t ncap = t->capcont ? 2 * t->capcont : 8;
		struct trd_cand *nc = realloc(t->cont, ncap * sizeof(*nc));
		struct rt_window **nw;
		struct peer **np;

		if (!nc)
			return -ENOMEM;
		t->cont = nc;
		np = realloc(t->cpeer, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		t->cpeer = np;
		nw = realloc(t->cwin, ncap * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		t->cwin = nw;
		t->capcont = ncap;
	}
	t->cwin[t->ncont] = calloc(1, sizeof(struct rt_window));
	if (!t->cwin[t->ncont])
		return -ENOMEM;
	byid = calloc(1, sizeof(*byid));
	if (!byid) {
		free(t->cwin[t->ncont]);
		return -ENOMEM;
	}
	id = ++t->next_cid;
	c = &t->cont[t->ncont];
	memset(c, 0, sizeof(*c));
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", r.name[0] ? r.name : cxp_conn_peer(pe->conn));
	c->speed = r.speed;
	c->price = r.price;
	c->flags = r.flags;
	c->workers = r.workers ? r.workers : 1;
	c->capacity[0] = r.capacity[0];
	c->capacity[1] = r.capacity[1];
	snprintf(c->host, sizeof(c->host), "%s", r.host[0] ? r.host : c->name);
	if (r.flags & CXP_CAP_TLS)
		cxp_conn_peer_cert(pe->conn, NULL, 0, c->ca_cn, sizeof(c->ca_cn));
	c->last_hb_ms = clock_now_ms(); /* registration counts as the first heartbeat */
	if (trd_order_set(t->order, t->cont, t->ncont) < 0) {
		free(byid);
		free(t->cwin[t->ncont]);
		return -ENOMEM;
	}
	byid->id = id;
	byid->idx = t->ncont;
	HASH_ADD(hh, t->byid, id, sizeof(byid->id), byid);
	t->cpeer[t->ncont] = pe;
	pe->kind = PEER_CONTAINER;
	pe->cidx = t->ncont++;
	cxp_conn_set_idle_timeout(pe->conn, 0); /* heartbeats and suspicion watch it */
	cxp_log("container %s registered from %s: id %llu, host %s, %u workers, speed %u, price "
		"%u%s%s",
		c->name, cxp_conn_peer(pe->conn), (unsigned long long)id, c->host, c->workers, c->speed,
		c->price, (c->flags & CXP_CAP_PRIORITY) ? ", priority queue" : "",
		(c->flags & CXP_CAP_INJECT) ? ", FAULT INJECTION on" : "");
	cxp_send_id(pe->conn, CXP_MSG_REGISTERED, h->reqid, id);
	retry_held(t, clock_now_ms(), 1);
	return 0;
}

static void learn_fuel(struct trd_trader *t, uint64_t code_hash, uint64_t fuel)
{
	struct fuel_stat *fs;

	if (!code_hash)
		return;
	HASH_FIND(hh, t->fuel, &code_hash, sizeof(code_hash), fs);
	if (!fs) {
		fs = calloc(1, sizeof(*fs));
		if (!fs)
			return;
		fs->code_hash = code_hash;
		HASH_ADD(hh, t->fuel, code_hash, sizeof(fs->code_hash), fs);
	}
	if (!fs->runs) /* new, or made for its window before any run finished */
		fs->mean = (double)fuel;
	else
		fs->mean += ((double)fuel - fs->mean) / 4;
	fs->runs++;
}

static int on_done(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct trd_cand *c;
	struct pending *p;
	uint64_t tid = 0;
	struct cxp_done d;
	char err[160];

	if (pe->kind != PEER_CONTAINER) {
		cxp_log("%s: unexpected DONE (not a container, %u bytes)", cxp_conn_peer(pe->conn),
			h->len);
		return -EPROTO;
	}
	if (cxp_done_decode(payload, h->len, &d, err, sizeof(err)) < 0) {
		cxp_log("%s: %s", cxp_conn_peer(pe->conn), err);
		return -EPROTO;
	}
	tid = d.tasklet_id;
	c = &t->cont[pe->cidx];
	/* Any attempt of a container that holds a placement: its result reached
	 * the application (DONE follows RESULT_ACK), so the Tasklet is answered
	 * (a retransmission to the same container renumbers its job). */
	p = pending_find(t, tid, c->id);
	if (!p) {
		/* e.g. a container that came back after it was suspected finishes
		 * a Tasklet that was placed elsewhere meanwhile */
		cxp_log("container %s: DONE for tasklet %016llx attempt %u, which it does not "
			"hold (ignored)",
			c->name, (unsigned long long)tid, d.attempt);
		return 0;
	}
	{
		/* The first answer ends the Tasklet: the other placements are cancelled. */
		uint64_t now = clock_now_ms();
		int r = rep_find(p, c->id, 0);
		float ms = (float)(now - p->rep[r].sent_ms);

		record_rt(t, p, (int)pe->cidx, ms, now);
		release_slot(t, c, p);
		rep_remove(p, (unsigned)r);
		for (unsigned i = 0; i < p->nrep; i++) {
			/* One that stayed silent past the retransmission timeout counts as a failure. */
			if (p->retx_tau_ms && !p->rep[i].late &&
			    now - p->rep[i].sent_ms >= p->retx_tau_ms)
				record_failure(t, p, cand_index(t, p->rep[i].cid), now);
			int oi = cand_index(t, p->rep[i].cid);

			cxp_log("tasklet %016llx done on %s: cancelling attempt %u on %s",
				(unsigned long long)tid, c->name, p->rep[i].attempt,
				oi >= 0 ? t->cont[oi].name : "?");
			cancel_placement(t, p, &p->rep[i]);
		}
		p->nrep = 0;
	}
	learn_fuel(t, p->code_hash, d.fuel_used);
	pending_unlink(t, p);
	if (t->nheld)
		offer_held(t, pe->cidx);
	return 0;
}

/* The container of pe, after checking that the frame came from one; NULL + logged otherwise. */
static struct trd_cand *container_of(struct peer *pe, const struct cxp_hdr *h)
{
	if (pe->kind == PEER_CONTAINER)
		return &pe->t->cont[pe->cidx];
	cxp_log("%s: unexpected %s (not a container)", cxp_conn_peer(pe->conn),
		cxp_type_name(h->type));
	return NULL;
}

/* HANDBACK: a draining container gives back a Tasklet it has not run: place it again. */
static int on_handback(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct trd_cand *c = container_of(pe, h);
	struct pending *p;
	uint64_t tid;
	char err[160];

	if (!c)
		return -EPROTO;
	if (cxp_id_decode(h->type, payload, h->len, &tid, err, sizeof(err)) < 0) {
		cxp_log("container %s: %s", c->name, err);
		return -EPROTO;
	}
	p = pending_find(t, tid, c->id);
	if (!p) {
		cxp_log("container %s: HANDBACK of unknown tasklet %016llx (ignored)", c->name,
			(unsigned long long)tid);
		return 0;
	}
	release_slot(t, c, p);
	rep_remove(p, (unsigned)rep_find(p, c->id, 0));
	cxp_log("tasklet %016llx handed back by container %s; placing it again",
		(unsigned long long)tid, c->name);
	if (!p->nrep)
		place_or_hold(t, p);
	return 0;
}

/* DRAINING: the container is shutting down; it gets no new work. */
static int on_draining(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_cand *c = container_of(pe, h);
	uint64_t id;
	char err[160];

	if (!c)
		return -EPROTO;
	if (cxp_id_decode(h->type, payload, h->len, &id, err, sizeof(err)) < 0) {
		cxp_log("container %s: %s", c->name, err);
		return -EPROTO;
	}
	c->draining = 1;
	cxp_log("container %s (id %llu) is draining: no more work for it", c->name,
		(unsigned long long)c->id);
	return 0;
}

static int on_heartbeat(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_cand *c = container_of(pe, h);
	struct cxp_heartbeat hb;
	char err[160];

	if (!c)
		return -EPROTO;
	if (cxp_heartbeat_decode(payload, h->len, &hb, err, sizeof(err)) < 0) {
		cxp_log("container %s: %s", c->name, err);
		return -EPROTO;
	}
	/* The load the trader places by is its own count of what it assigned
	 * and heard no DONE for (exact, and current between heartbeats); from
	 * the heartbeat it takes the time (suspicion) and the speed measured now. */
	c->last_hb_ms = clock_now_ms();
	if (hb.speed)
		c->speed = hb.speed;
	if (c->suspected) {
		c->suspected = 0;
		cxp_log("container %s (id %llu) is heard from again: no longer suspected", c->name,
			(unsigned long long)c->id);
		if (pe->t->nheld)
			retry_held(pe->t, clock_now_ms(), 1);
	}
	return 0;
}

/* A container reports it could not take an ASSIGN (queue full, ...): tell the app. */
static int on_container_error(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct trd_cand *c = &t->cont[pe->cidx];
	struct cxp_error e;
	struct pending *p;
	char err[256];

	if (cxp_error_decode(payload, h->len, &e, err, sizeof(err)) < 0) {
		cxp_log("container %s: bad ERROR frame: %s", c->name, err);
		return -EPROTO;
	}
	p = pending_find(t, h->reqid, c->id);
	cxp_log("container %s: error for tasklet %016llx: %s", c->name, (unsigned long long)h->reqid,
		e.msg);
	if (p) {
		release_slot(t, c, p);
		rep_remove(p, (unsigned)rep_find(p, c->id, 0));
		record_failure(t, p, (int)pe->cidx, clock_now_ms());
		if (!p->nrep) /* its last placement: the application hears why */
			fail_pending(t, p, e.code, e.msg);
		if (t->nheld)
			offer_held(t, pe->cidx);
	}
	return 0;
}

static int on_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
		    void *ud)
{
	struct peer *pe = cxp_conn_data(conn);
	size_t unread = cxp_conn_unsent(conn);

	if (unread > TRD_UNREAD_MAX) {
		cxp_log("%s: closing: it sends requests but does not read the answers (%zu bytes "
			"unread, the limit is %u)",
			cxp_conn_peer(conn), unread, TRD_UNREAD_MAX);
		return -ENOBUFS;
	}
	switch (h->type) {
	case CXP_MSG_REGISTER:
		return on_register(pe, h, payload);
	case CXP_MSG_SUBMIT:
		return on_submit(pe, h, payload);
	case CXP_MSG_DONE:
		return on_done(pe, h, payload);
	case CXP_MSG_HANDBACK:
		return on_handback(pe, h, payload);
	case CXP_MSG_DRAINING:
		return on_draining(pe, h, payload);
	case CXP_MSG_HEARTBEAT:
		return on_heartbeat(pe, h, payload);
	case CXP_MSG_ERROR:
		if (pe->kind == PEER_CONTAINER)
			return on_container_error(pe, h, payload);
		break;
	default:
		break;
	}
	cxp_log("%s: unexpected %s frame for a trader", cxp_conn_peer(conn), cxp_type_name(h->type));
	cxp_send_error(conn, h->reqid, CXP_E_BADMSG, "a trader does not take %s frames",
		       cxp_type_name(h->type));
	cxp_close(conn, -EPROTO); /* after the error is sent */
	return 0;
}

static void on_accept(struct cxp_conn *conn, void *ud)
{
	struct peer *pe = calloc(1, sizeof(*pe));

	if (!pe) {
		cxp_close(conn, -ENOMEM);
		return;
	}
	pe->t = ud;
	pe->conn = conn;
	cxp_conn_set_data(conn, pe);
}

/* Place again (or fail) every Tasklet held by container cid, which is gone or suspected. */
static void replace_all(struct trd_trader *t, struct trd_cand *c, uint64_t cid, const char *name,
			const char *what)
{
	struct pending *p, *next;
	unsigned again = 0, lost = 0;
	char why[160];

	snprintf(why, sizeof(why), "container %s %s before returning a result", name, what);
	HASH_ITER(hh, t->pend, p, next) {
		int r = rep_find(p, cid, 0);

		if (r < 0)
			continue;
		if (c)
			release_slot(t, c, p);
		rep_remove(p, (unsigned)r);
		record_failure(t, p, -1, clock_now_ms());
		if (p->nrep) { /* other replicas run on: bring the count back up if we can */
			char w2[256];

			(void)place(t, p, w2, sizeof(w2));
			again++;
		} else if (replace_lost(t, p, why)) {
			again++;
		} else {
			lost++;
		}
	}
	if (again || lost)
		cxp_log("container %s %s: %u tasklet%s placed again, %u reported lost", name, what,
			again, again == 1 ? "" : "s", lost);
}

static void remove_container(struct trd_trader *t, size_t i)
{
	struct trd_cand c = t->cont[i];
	struct cid_ent *e;

	/* Out of the store first, so that its Tasklets go to other containers. */
	HASH_FIND(hh, t->byid, &c.id, sizeof(c.id), e);
	if (e) {
		HASH_DEL(t->byid, e);
		free(e);
	}
	if (c.unreliable)
		t->nunreliable--;
	trd_order_del(t->order, i);
	t->ncont--;
	free(t->cwin[i]);
	if (i != t->ncont) {
		trd_order_del(t->order, t->ncont);
		t->cont[i] = t->cont[t->ncont];
		t->cpeer[i] = t->cpeer[t->ncont];
		t->cwin[i] = t->cwin[t->ncont];
		t->cpeer[i]->cidx = i;
		HASH_FIND(hh, t->byid, &t->cont[i].id, sizeof(t->cont[i].id), e);
		if (e)
			e->idx = i;
		cand_moved(t, i);
	}
	cxp_log("container %s (id %llu) unregistered", c.name, (unsigned long long)c.id);
	replace_all(t, NULL, c.id, c.name, "went away");
}

/*
 * Every TRD_TICK_MS: a container whose last HEARTBEAT (or registration) is
 * older than suspect_ms is suspected: it is offered no more work and what it
 * holds is placed again. A heartbeat clears the suspicion.
 */
static void suspect_tick(void *arg)
{
	struct trd_trader *t = arg;
	uint64_t now = clock_now_ms();

	for (size_t i = 0; i < t->ncont; i++) {
		struct trd_cand *c = &t->cont[i];

		if (c->suspected || now - c->last_hb_ms < t->cfg.suspect_ms)
			continue;
		c->suspected = 1;
		cxp_log("container %s (id %llu): no heartbeat for %llu ms: suspected", c->name,
			(unsigned long long)c->id, (unsigned long long)(now - c->last_hb_ms));
		replace_all(t, c, c->id, c->name, "is suspected (no heartbeat)");
	}
	cxp_loop_timer(t->loop, TRD_TICK_MS, suspect_tick, t);
}

static void on_close(struct cxp_conn *conn, int reason, void *ud)
{
	struct peer *pe = cxp_conn_data(conn);
	struct trd_trader *t = ud;

	if (!pe)
		return;
	if (pe->kind == PEER_CONTAINER) {
		remove_container(t, pe->cidx);
	} else if (pe->kind == PEER_APP) {
		struct pending *p, *next;

		HASH_ITER(hh, t->pend, p, next) {
			if (p->app != pe)
				continue;
			p->app = NULL;
			if (!p->nrep) /* held for an app that left: drop it */
				pending_unlink(t, p);
		}
	}
	free(pe);
}

static const struct cxp_handlers trader_handlers = {
	.on_accept = on_accept,
	.on_frame = on_frame,
	.on_close = on_close,
};

struct trd_trader *trd_new(struct cxp_loop *l, const struct trd_config *cfg, char *bound,
			   size_t boundcap)
{
	struct trd_trader *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return NULL;
	t->loop = l;
	t->cfg = *cfg;
	if (!t->cfg.suspect_ms)
		t->cfg.suspect_ms = TRD_SUSPECT_MS;
	if (!t->cfg.resubmit_hold_ms)
		t->cfg.resubmit_hold_ms = TRD_RESUBMIT_HOLD_MS;
	if (cfg->limits && (rc = cxp_loop_set_limits(l, cfg->limits)) < 0) {
		cxp_log("bad connection limits");
		free(t);
		errno = -rc;
		return NULL;
	}
	t->order = trd_order_new();
	rc = t->order ? cxp_loop_timer(l, TRD_TICK_MS, suspect_tick, t) : -ENOMEM;
	if (rc < 0) {
		trd_order_free(t->order);
		free(t);
		errno = -rc;
		return NULL;
	}
	rc = cfg->tls ? cxp_listen_tls(l, cfg->listen, cfg->tls, &trader_handlers, t, bound, boundcap)
		      : cxp_listen(l, cfg->listen, &trader_handlers, t, bound, boundcap);
	if (rc < 0) {
		cxp_log("cannot listen on %s: %s", cfg->listen, strerror(-rc));
		trd_order_free(t->order);
		free(t);
		errno = -rc;
		return NULL;
	}
	return t;
}

void trd_free(struct trd_trader *t)
{
	if (!t)
		return;
	while (t->pend)
		pending_unlink(t, t->pend);
	{
		struct fuel_stat *fs, *tmp;

		HASH_ITER(hh, t->fuel, fs, tmp) {
			HASH_DEL(t->fuel, fs);
			free(fs->win);
			free(fs);
		}
	}
	{
		struct cid_ent *e, *tmp;

		HASH_ITER(hh, t->byid, e, tmp) {
			HASH_DEL(t->byid, e);
			free(e);
		}
	}
	trd_order_free(t->order);
	free(t->timed);
	for (size_t i = 0; i < t->ncont; i++)
		free(t->cwin[i]);
	free(t->cwin);
	free(t->cont);
	free(t->cpeer);
	free(t);
}

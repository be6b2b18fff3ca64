/* SPDX-License-Identifier: MIT */
/*
 * The trader daemon: keeps the containers that registered (the container
 * store), takes signatures from applications, matches them and forwards
 * each to the chosen container. It remembers every Tasklet it forwarded
 * until the container reports it done (the Tasklet store), so that when a
 * container goes away the applications hear of each Tasklet it held.
 *
 * Everything here runs on the loop thread of the cxp_loop given to trd_new.
 */
#include <errno.h>
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

/* A Tasklet forwarded to a container and not yet done, or held unmatched. */
struct pending {
	uint64_t tasklet_id;
	uint64_t reqid;       /* the application's SUBMIT request id */
	struct peer *app;     /* NULL once the application went away */
	uint64_t container;   /* 0 while held */
	uint64_t deadline_ms; /* held: when to give up */
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
	/* Container store: candidates (what matching sees) + their peers, same index. */
	struct trd_cand *cont;
	struct peer **cpeer;
	size_t ncont, capcont;
	uint64_t next_cid;
	struct pending *pend; /* the Tasklet store: a hash by tasklet id (uthash) */
	int hold_armed; /* a hold_tick timer is pending */
	size_t nheld;   /* pending Tasklets held unplaced (container 0) */
	struct fuel_stat *fuel; /* what programs took, by code hash */
};

/* The Tasklet tid if it is placed on container cid (0: held), else NULL. */
static struct pending *pending_find(struct trd_trader *t, uint64_t tid, uint64_t cid)
{
	struct pending *p;

	HASH_FIND(hh, t->pend, &tid, sizeof(tid), p);
	return p && p->container == cid ? p : NULL;
}

static void pending_unlink(struct trd_trader *t, struct pending *p)
{
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

/*
 * Try to place p. Returns 0 when forwarded, -ENOENT when nothing matches
 * (why filled), or another -errno.
 */
static int place(struct trd_trader *t, struct pending *p, char *why, size_t whycap)
{
	struct trd_task task = { .expected_fuel = TRD_DEFAULT_FUEL, .app_speed = p->app_speed };
	struct fuel_stat *fs;
	int i;

	HASH_FIND(hh, t->fuel, &p->code_hash, sizeof(p->code_hash), fs);
	if (fs)
		task.expected_fuel = (uint64_t)fs->mean;
	i = trd_match_task(t->cont, t->ncont, p->qos, p->nqos, &task, why, whycap);
	struct trd_cand *c;
	int rc;

	if (i < 0)
		return i;
	c = &t->cont[i];
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
	p->container = c->id;
	cxp_log("tasklet %016llx -> container %s (id %llu, load %u)%s",
		(unsigned long long)p->tasklet_id, c->name, (unsigned long long)c->id, c->load,
		p->attempt > 1 ? ", placed again" : "");
	if (p->app)
		send_assigned(p->app, p->reqid, p->tasklet_id, c);
	return 0;
}

static void fail_pending(struct trd_trader *t, struct pending *p, uint32_t code, const char *msg)
{
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

		p->deadline_ms = clock_now_ms() + hold;
		cxp_log("tasklet %016llx held: %s", (unsigned long long)p->tasklet_id, why);
		t->nheld++;
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
 * p's container is gone or suspected: place p again (attempt + 1), unless it
 * was placed TRD_MAX_ATTEMPTS times already; then its application hears
 * "container lost". Returns 1 when placed again (or held), 0 when failed.
 */
static int replace_lost(struct trd_trader *t, struct pending *p, const char *why)
{
	char msg[256];

	p->container = 0;
	if (p->attempt >= TRD_MAX_ATTEMPTS) {
		snprintf(msg, sizeof(msg), "%s (after %u attempts)", why, p->attempt);
		cxp_log("tasklet %016llx: %s", (unsigned long long)p->tasklet_id, msg);
		fail_pending(t, p, CXP_E_LOST, msg);
		return 0;
	}
	cxp_log("tasklet %016llx: %s; placing it again (attempt %u)",
		(unsigned long long)p->tasklet_id, why, p->attempt + 1);
	return place_or_hold_lost(t, p, why);
}

/* A container no longer holds p (done, failed, given back): free its slot. */
static void release_slot(struct trd_cand *c, struct pending *p)
{
	if (c->load)
		c->load--;
	if (c->held[p->cls])
		c->held[p->cls]--;
}

/* Held signatures: retried when a container registers, failed at their deadline. */
static void retry_held(struct trd_trader *t, uint64_t now)
{
	struct pending *p, *next;
	char why[256];

	HASH_ITER(hh, t->pend, p, next) {
		int rc;

		if (p->container)
			continue;
		rc = place(t, p, why, sizeof(why));
		if (rc == 0) {
			t->nheld--;
			continue;
		}
		if (now >= p->deadline_ms) {
			cxp_log("tasklet %016llx: %s (held %u ms)", (unsigned long long)p->tasklet_id,
				why, t->cfg.hold_ms);
			t->nheld--;
			fail_pending(t, p, rc == -EBUSY ? CXP_E_BUSY : CXP_E_NOMATCH, why);
		}
	}
}

static void hold_tick(void *arg)
{
	struct trd_trader *t = arg;

	t->hold_armed = 0;
	retry_held(t, clock_now_ms());
	arm_hold(t);
}

/* Keep one 50 ms tick running while any signature is held. */
static void arm_hold(struct trd_trader *t)
{
	if (!t->hold_armed && t->nheld)
		t->hold_armed = cxp_loop_timer(t->loop, 50, hold_tick, t) == 0;
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
			p->container ? "placed" : "held");
		if (p->container)
			for (size_t i = 0; i < t->ncont; i++)
				if (t->cont[i].id == p->container)
					send_assigned(pe, p->reqid, p->tasklet_id, &t->cont[i]);
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
	p = calloc(1, sizeof(*p));
	if (p)
		p->sig = malloc(h->len ? h->len : 1);
	if (!p || !p->sig) {
		free(p);
		free(sig);
		return cxp_send_error(pe->conn, h->reqid, CXP_E_INTERNAL, "out of memory");
	}
	memcpy(p->sig, payload, h->len);
	p->siglen = h->len;
	p->tasklet_id = sig->tasklet_id;
	p->reqid = h->reqid;
	p->app = pe;
	p->nqos = sig->nqos;
	memcpy(p->qos, sig->qos, sizeof(p->qos));
	p->cls = trd_class(sig->qos, sig->nqos);
	p->code_hash = sig->code_hash;
	p->resubmitted = sig->attempt != 0; /* the application says so (tasklet.h) */
	p->app_speed = sig->app_speed;
	free(sig);
	HASH_ADD(hh, t->pend, tasklet_id, sizeof(p->tasklet_id), p);
	place_or_hold(t, p);
	return 0;
}

static int on_register(struct peer *pe, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct trd_trader *t = pe->t;
	struct cxp_register r;
	struct trd_cand *c;
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
	if (t->ncont == t->capcont) {
		size_t ncap = t->capcont ? 2 * t->capcont : 8;
		struct trd_cand *nc = realloc(t->cont, ncap * sizeof(*nc));
		struct peer **np;

		if (!nc)
			return -ENOMEM;
		t->cont = nc;
		np = realloc(t->cpeer, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		t->cpeer = np;
		t->capcont = ncap;
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
	c->last_hb_ms = clock_now_ms(); /* registration counts as the first heartbeat */
	t->cpeer[t->ncont] = pe;
	pe->kind = PEER_CONTAINER;
	pe->cidx = t->ncont++;
	cxp_conn_set_idle_timeout(pe->conn, 0); /* heartbeats and suspicion watch it */
	cxp_log("container %s registered from %s: id %llu, %u workers, speed %u, price %u%s%s",
		c->name, cxp_conn_peer(pe->conn), (unsigned long long)id, c->workers, c->speed,
		c->price, (c->flags & CXP_CAP_PRIORITY) ? ", priority queue" : "",
		(c->flags & CXP_CAP_INJECT) ? ", FAULT INJECTION on" : "");
	cxp_send_id(pe->conn, CXP_MSG_REGISTERED, h->reqid, id);
	retry_held(t, clock_now_ms());
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
		fs->mean = (double)fuel;
		HASH_ADD(hh, t->fuel, code_hash, sizeof(fs->code_hash), fs);
	} else {
		fs->mean += ((double)fuel - fs->mean) / 4;
	}
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
	p = pending_find(t, tid, c->id);
	if (!p || p->attempt != d.attempt) {
		/* e.g. a container that came back after it was suspected finishes
		 * a Tasklet that was placed elsewhere meanwhile */
		cxp_log("container %s: DONE for tasklet %016llx attempt %u, which it does not "
			"hold (ignored)",
			c->name, (unsigned long long)tid, d.attempt);
		return 0;
	}
	release_slot(c, p);
	learn_fuel(t, p->code_hash, d.fuel_used);
	pending_unlink(t, p);
	if (t->nheld)
		retry_held(t, clock_now_ms());
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
	release_slot(c, p);
	p->container = 0;
	cxp_log("tasklet %016llx handed back by container %s; placing it again",
		(unsigned long long)tid, c->name);
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
		release_slot(c, p);
		fail_pending(t, p, e.code, e.msg);
		if (t->nheld)
			retry_held(t, clock_now_ms());
	}
	return 0;
}

static int on_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
		    void *ud)
{
	struct peer *pe = cxp_conn_data(conn);

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
		if (p->container != cid)
			continue;
		if (c)
			release_slot(c, p);
		if (replace_lost(t, p, why))
			again++;
		else
			lost++;
	}
	if (again || lost)
		cxp_log("container %s %s: %u tasklet%s placed again, %u reported lost", name, what,
			again, again == 1 ? "" : "s", lost);
}

static void remove_container(struct trd_trader *t, size_t i)
{
	struct trd_cand c = t->cont[i];

	/* Out of the store first, so that its Tasklets go to other containers. */
	t->ncont--;
	if (i != t->ncont) {
		t->cont[i] = t->cont[t->ncont];
		t->cpeer[i] = t->cpeer[t->ncont];
		t->cpeer[i]->cidx = i;
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
			if (!p->container) { /* held for an app that left: drop it */
				t->nheld--;
				pending_unlink(t, p);
			}
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
	rc = cxp_loop_timer(l, TRD_TICK_MS, suspect_tick, t);
	if (rc < 0) {
		free(t);
		errno = -rc;
		return NULL;
	}
	rc = cxp_listen(l, cfg->listen, &trader_handlers, t, bound, boundcap);
	if (rc < 0) {
		cxp_log("cannot listen on %s: %s", cfg->listen, strerror(-rc));
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
			free(fs);
		}
	}
	free(t->cont);
	free(t->cpeer);
	free(t);
}

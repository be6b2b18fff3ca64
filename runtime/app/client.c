/* SPDX-License-Identifier: MIT */
/*
 * The application side (tasklet.h). One I/O thread per client runs a
 * cxp_loop with the trader link and the application's CXP endpoint, where
 * containers fetch chunks and deliver results. Submitting threads compile,
 * then hand the signature to the I/O thread with cxp_loop_post; waiting
 * threads sleep on the client's condition variable.
 *
 * A task's chunk store is written only before it is published to the I/O
 * thread and only read afterwards, so serving chunks needs no lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "cxp/cxp.h"
#include "common/clock.h"
#include "common/le.h"
#include "common/mem.h"
#include "runtime/app/record.h"
#include "runtime/app/tasklet.h"
#include "vm/jsl.h"
#include "vm/vm.h"

struct task {
	struct tl_client *c;
	uint64_t id;
	struct vm_store *st;
	struct vm_sig sig;
	uint64_t t_submit_ns;
	int done;      /* under c->mu */
	int collected; /* tl_wait took it */
	int assigned;  /* I/O thread */
	struct tl_result res;
	UT_hash_handle hh; /* in c->tasks, keyed by id */
	/* the graph breadth first from the root, in wire form: what a FETCH_GRAPH
	 * sends, in order (ngraph x VM_CHUNK_WIRE_SIZE bytes, encoded once by the
	 * submitting thread, so serving it is a copy; in pieces of about 1 MB, as
	 * allocations past jemalloc's 8 MB are unmapped on free and faulted in
	 * afresh); graph is only the walk's */
	const struct vm_chunk **graph;
	uint32_t ngraph, graphcap;
	uint8_t **wire; /* in pieces of GRAPH_BATCH chunks, a CHUNKS frame each */
	uint8_t *ids;	/* their ids, as a MANIFEST lists them (ngraph x u64, little-endian) */
};

/*
 * The first answer of each of the last TL_ANSWERS_KEPT Tasklets answered
 * by a run (I/O thread): a later answer for the same Tasklet (another
 * replica) is compared with it by digest.
 */
#define TL_ANSWERS_KEPT 4096
struct answer {
	uint64_t id;
	uint32_t status;
	uint8_t digest[CXP_DIGEST_SIZE];
	char container[CXP_NAME_MAX + 1];
	UT_hash_handle hh;
};

/* How long an application keeps trying to reach its trader again, keeping
 * what had no answer, before unassigned Tasklets end "trader disconnected". */
#define TL_TRADER_GRACE_MS 10000

/* A FETCH_GRAPH reply in progress (CHUNKS mode): the rest of the graph from next. */
struct serving {
	struct serving *link;
	struct cxp_conn *conn;
	uint64_t reqid, tid;
	uint32_t next;
};

struct tl_client {
	struct cxp_loop *loop;
	pthread_t io;
	int io_started;
	struct cxp_conn *tconn; /* I/O thread */
	char trader[CXP_ADDR_MAX + 1];
	char trader_cn[CXP_NAME_MAX + 1]; /* secure mode: the trader's certificate CN */
	char app_addr[CXP_ADDR_MAX + 1];
	uint64_t seed;
	int local_fallback;

	pthread_mutex_t mu; /* tasks, done flags, connect state */
	pthread_cond_t cv;
	struct task *tasks;
	uint64_t next_id;
	uint64_t first_id; /* ids [first_id, next_id) are this client's */
	int connect_res; /* 1 = pending, 0 = connected, < 0 = failed */
	struct tl_stats stats; /* under mu */
	/* I/O thread: after the trader link breaks, reconnect every second and
	 * submit again what has no answer yet, for up to TL_TRADER_GRACE_MS */
	uint64_t lost_since_ms; /* 0 = connected (and heard from again) */
	int was_connected;
	int heard;   /* a frame came from the trader on some connection: it speaks our CXP */
	int refused; /* the trader refused the connection (ERROR with reqid 0): no reconnecting */
	int back_pending; /* reconnected, resubmitted, waiting for a first frame back */
	int stopping; /* tl_client_free: the links close, nothing to reconnect */

	struct cxp_fetch *scratch; /* I/O thread */
	const struct vm_chunk **graph; /* I/O thread: FETCH's chunks */
	struct cxp_tls *tls;       /* secure mode; NULL: open */
	struct answer *answers;    /* I/O thread: first answers, by id */
	struct answer *ans_ring[TL_ANSWERS_KEPT]; /* the same, oldest first (eviction) */
	unsigned ans_head;
	struct serving *serving; /* I/O thread: graphs being sent, a CHUNKS frame a turn */
	int serve_posted;        /* serve_step is posted to the loop */
	char *record_dir;

};

const char *tl_status_name(int status)
{
	switch (status) {
	case TL_OK: return "ok";
	case TL_ERR_RUNTIME: return "runtime error";
	case TL_ERR_FUEL: return "out of fuel";
	case TL_ERR_MEMORY: return "out of memory";
	case TL_ERR_LOAD: return "bad program";
	case TL_ERR_BADMSG: return "rejected message";
	case TL_ERR_NOMATCH: return "no matching container";
	case TL_ERR_NOTFOUND: return "not found";
	case TL_ERR_BUSY: return "container busy";
	case TL_ERR_INTERNAL: return "internal error";
	case TL_ERR_LOST: return "container lost";
	case TL_ERR_UNDELIVERED: return "result undeliverable";
	case TL_ERR_DEADLINE: return "deadline missed";
	case TL_ERR_TIMEOUT: return "timed out";
	case TL_ERR_DISCONNECTED: return "trader disconnected";
	default: return "error";
	}
}

static struct task *task_find(struct tl_client *c, uint64_t id)
{
	struct task *t;

	HASH_FIND(hh, c->tasks, &id, sizeof(id), t);
	return t;
}

/* Complete t once (first answer wins). Caller holds c->mu and broadcasts c->cv. */
static void task_complete_locked(struct tl_client *c, struct task *t, int status,
				 const char *container, const char *error)
{
	if (t->done) {
		c->stats.duplicates++;
		return;
	}
	c->stats.answered++;
	t->res.status = status;
	if (container)
		snprintf(t->res.container, sizeof(t->res.container), "%s", container);
	if (error && !t->res.error)
		t->res.error = strdup(error);
	t->res.latency_ns = clock_now_ns() - t->t_submit_ns;
	t->done = 1;
}

/* Complete t once (first answer wins), waking waiters. Caller holds no lock. */
static void task_complete(struct tl_client *c, struct task *t, int status, const char *container,
			  const char *error)
{
	pthread_mutex_lock(&c->mu);
	task_complete_locked(c, t, status, container, error);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static struct task *task_lookup(struct tl_client *c, uint64_t id)
{
	struct task *t;

	pthread_mutex_lock(&c->mu);
	t = task_find(c, id);
	pthread_mutex_unlock(&c->mu);
	return t;
}

/* ---- Trader link (I/O thread) -------------------------------------------------- */

static void trader_given_up(struct tl_client *c, const char *why);

static int trader_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
			void *ud)
{
	struct tl_client *c = ud;
	struct cxp_assigned a;
	struct cxp_error e;
	struct task *t;
	char err[200];

	if (h->type == CXP_MSG_ERROR && h->reqid == 0) {
		/* The trader refuses this connection (its caps, no descriptors):
		 * say so now rather than retry into the same wall. */
		if (cxp_error_decode(payload, h->len, &e, err, sizeof(err)) < 0)
			snprintf(e.msg, sizeof(e.msg), "refused (%s)", err);
		cxp_log("trader %s: %s", c->trader, e.msg);
		c->refused = 1;
		trader_given_up(c, e.msg);
		return -ECONNREFUSED;
	}
	c->heard = 1;
	if (c->back_pending) {
		c->back_pending = 0;
		c->lost_since_ms = 0;
	}
	switch (h->type) {
	case CXP_MSG_ASSIGNED:
		if (cxp_assigned_decode(payload, h->len, &a, err, sizeof(err)) < 0) {
			cxp_log("trader %s: bad ASSIGNED: %s", c->trader, err);
			return -EPROTO;
		}
		pthread_mutex_lock(&c->mu);
		c->stats.placements++;
		t = task_find(c, a.tasklet_id);
		if (t) {
			t->assigned = 1;
			if (!t->done)
				snprintf(t->res.container, sizeof(t->res.container), "%s",
					 a.container);
		}
		pthread_mutex_unlock(&c->mu);
		return 0;
	case CXP_MSG_ERROR:
		if (cxp_error_decode(payload, h->len, &e, err, sizeof(err)) < 0) {
			cxp_log("trader %s: bad ERROR: %s", c->trader, err);
			return -EPROTO;
		}
		t = task_lookup(c, h->reqid);
		if (!t) {
			cxp_log("trader %s: error for unknown request %llu: %s", c->trader,
				(unsigned long long)h->reqid, e.msg);
			return 0;
		}
		task_complete(c, t, (int)cxp_ecode_status(e.code), NULL, e.msg);
		return 0;
	default:
		cxp_log("trader %s: unexpected %s frame", c->trader, cxp_type_name(h->type));
		return -EPROTO;
	}
}

static const struct cxp_handlers trader_handlers;
static void submit_cb(void *arg);

static void trader_connected(struct cxp_conn *conn, int res, void *ud)
{
	struct tl_client *c = ud;
	struct task *t, *tmp, **again = NULL;
	unsigned n = 0;
	int back;

	pthread_mutex_lock(&c->mu);
	c->connect_res = res;
	pthread_cond_broadcast(&c->cv);
	back = res == 0 && c->lost_since_ms;
	if (back) {
		/* Back after a break (e.g. the trader restarted): submit again, with
		 * the same ids, everything that has no answer yet. A Tasklet that
		 * still runs somewhere may then answer twice; the first answer wins.
		 * (Tasks are freed only on this thread, so the list stays valid.) */
		again = calloc(HASH_COUNT(c->tasks) + 1, sizeof(*again));
		HASH_ITER(hh, c->tasks, t, tmp)
			if (!t->done && again)
				again[n++] = t;
	}
	if (res == 0)
		c->was_connected = 1;
	pthread_mutex_unlock(&c->mu);
	if (!back)
		return;
	/* The break is over when the trader answers on this connection (a
	 * trader that accepts and closes at once, e.g. one in secure mode, does
	 * not end it: the grace period runs on). */
	if (n)
		c->back_pending = 1;
	else
		c->lost_since_ms = 0;
	for (unsigned i = 0; i < n; i++) {
		/* attempt != 0 in a SUBMIT: "submitted again" (cxp(7)); the trader
		 * holds it a while if its containers are not back yet */
		again[i]->sig.attempt = 1;
		submit_cb(again[i]);
	}
	free(again);
	cxp_log("reconnected to trader %s; %u tasklet%s submitted again", c->trader, n,
		n == 1 ? "" : "s");
}

/* Give up on the trader: what it never assigned cannot reach us any more. */
static void trader_given_up(struct tl_client *c, const char *why)
{
	struct task *t, *tmp;
	char msg[200];

	snprintf(msg, sizeof(msg), "lost the connection to trader %s before assignment (%s)",
		 c->trader, why);
	pthread_mutex_lock(&c->mu);
	/* Assigned Tasklets still reach us from their containers; the others cannot. */
	HASH_ITER(hh, c->tasks, t, tmp)
		if (!t->assigned)
			task_complete_locked(c, t, TL_ERR_DISCONNECTED, NULL, msg);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static struct cxp_conn *trader_connect(struct tl_client *c)
{
	return c->tls
		   ? cxp_connect_tls(c->loop, c->trader, c->tls, c->trader_cn, &trader_handlers, c)
		   : cxp_connect(c->loop, c->trader, &trader_handlers, c);
}

static void reconnect_tick(void *arg)
{
	struct tl_client *c = arg;

	if (c->tconn || !c->lost_since_ms)
		return;
	if (clock_now_ms() - c->lost_since_ms >= TL_TRADER_GRACE_MS) {
		cxp_log("trader %s: not back after %d s; giving up", c->trader,
			TL_TRADER_GRACE_MS / 1000);
		c->lost_since_ms = 0;
		trader_given_up(c, "not back within the grace period");
		return;
	}
	c->tconn = trader_connect(c);
	if (!c->tconn)
		cxp_loop_timer(c->loop, 1000, reconnect_tick, c);
}

static void trader_closed(struct cxp_conn *conn, int reason, void *ud)
{
	struct tl_client *c = ud;

	c->tconn = NULL;
	pthread_mutex_lock(&c->mu);
	if (c->connect_res == 1)
		c->connect_res = reason ? reason : -ECONNRESET;
	pthread_mutex_unlock(&c->mu);
	if (!c->was_connected || c->stopping)
		return; /* tl_client_new reports it / tl_client_free is closing it */
	c->back_pending = 0;
	if (c->refused)
		return; /* said already */
	if (!c->heard) {
		/* It never said a word and hung up: not a break to wait out. */
		char why[200];

		snprintf(why, sizeof(why),
			 "the trader closed the connection before answering anything (%s): it may "
			 "be refusing connections, or run in %s mode",
			 reason ? strerror(-reason) : "closed", c->tls ? "open" : "secure (--cert)");
		cxp_log("trader %s: %s", c->trader, why);
		trader_given_up(c, why);
		return;
	}
	if (!c->lost_since_ms) {
		cxp_log("lost trader %s (%s); reconnecting for up to %d s", c->trader,
			reason ? strerror(-reason) : "closed by the trader",
			TL_TRADER_GRACE_MS / 1000);
		c->lost_since_ms = clock_now_ms();
	}
	cxp_loop_timer(c->loop, 1000, reconnect_tick, c);
}

static const struct cxp_handlers trader_handlers = {
	.on_connect = trader_connected,
	.on_frame = trader_frame,
	.on_close = trader_closed,
};

/* ---- The application endpoint: FETCH and RESULT from containers (I/O thread) ---- */

/* Privacy('TLS', NAME): NAME, or NULL when t asks for no Privacy. */
static const char *privacy_ca(const struct vm_sig *s)
{
	const struct vm_qos_param *p =
		vm_qos_param(s->qos, s->nqos, VM_QOS_PRIVACY, 1, VM_QOS_P_STR);

	return p ? p->s : NULL;
}

/*
 * May the peer on conn have t's chunks? A Privacy('TLS', NAME) Tasklet's
 * chunks go only over TLS, to a container whose certificate chains to the
 * CA named NAME. 1 yes; 0 no (answered with an ERROR and logged).
 */
static int may_serve(struct cxp_conn *conn, uint64_t reqid, const struct task *t)
{
	const char *ca = privacy_ca(&t->sig);
	char cn[CXP_NAME_MAX + 1] = "", peer_ca[CXP_NAME_MAX + 1] = "", why[200];
	int rc;

	if (!ca)
		return 1;
	rc = cxp_conn_peer_cert(conn, cn, sizeof(cn), peer_ca, sizeof(peer_ca));
	if (rc == 0 && !strcmp(peer_ca, ca))
		return 1;
	if (rc == -ENOTSUP)
		snprintf(why, sizeof(why), "its chunks go over TLS only, and this link is plain TCP");
	else if (rc < 0)
		snprintf(why, sizeof(why), "the peer presented no certificate");
	else
		snprintf(why, sizeof(why), "the peer's certificate (%s) is from CA '%s', not '%s'", cn,
			 peer_ca, ca);
	cxp_log("%s: refused the chunks of tasklet %016llx (Privacy('TLS', '%s')): %s",
		cxp_conn_peer(conn), (unsigned long long)t->id, ca, why);
	cxp_send_error(conn, reqid, CXP_E_NOTFOUND, "tasklet %016llx asks for Privacy('TLS', '%s'): %s",
		       (unsigned long long)t->id, ca, why);
	return 0;
}

/* Chunks per CHUNKS frame of a FETCH_GRAPH reply: 255 KiB, so the container
 * starts storing while the rest is on its way and reads each frame while it
 * is still in its CPU's L2 cache (a 1 MiB frame was not: measured, 5% more
 * of the container's CPU and 13% more of the application's, whose output
 * queue then outgrew the 1 MiB buffers the loop keeps across frames). One
 * frame is copied per turn of the loop (serve_step), so several are in
 * flight while the next is copied. */
#define GRAPH_BATCH 960 /* 16 + 12 + 960 x 272 = 261,148 bytes */

static void count_served(struct tl_client *c, uint64_t chunks, int graph)
{
	pthread_mutex_lock(&c->mu);
	c->stats.chunks_served += chunks;
	c->stats.graph_requests += (uint64_t)graph;
	pthread_mutex_unlock(&c->mu);
}

/* Start a CHUNKS frame of n chunks for tasklet tid in the connection's
 * output queue: where the n wire chunks go (then cxp_send_commit with
 * *len), or NULL with errno set. */
static uint8_t *chunks_begin(struct cxp_conn *conn, uint64_t tid, uint32_t n, size_t *len)
{
	uint8_t *p;

	*len = 12 + (size_t)n * VM_CHUNK_WIRE_SIZE;
	p = cxp_send_begin(conn, CXP_MSG_CHUNKS, *len);
	if (!p)
		return NULL;
	le64_store(p, tid);
	le32_store(p + 8, n);
	return p + 12;
}

/* A CHUNKS frame of n chunks for tasklet tid, answering reqid, encoded straight
 * into the connection's output queue: 0 or -errno. */
static int send_chunks(struct cxp_conn *conn, uint64_t reqid, uint64_t tid,
		       const struct vm_chunk *const *ch, uint32_t n)
{
	size_t len;
	uint8_t *p = chunks_begin(conn, tid, n, &len);

	if (!p)
		return -errno;
	for (uint32_t i = 0; i < n; i++)
		vm_chunk_encode(ch[i], p + (size_t)i * VM_CHUNK_WIRE_SIZE);
	cxp_send_commit(conn, CXP_MSG_CHUNKS, reqid, len);
	return 0;
}

/* A CHUNKS frame of the n chunks already encoded at wire (a piece of t->wire), answering
 * reqid: one copy into the connection's output queue. 0 or -errno. */
static int send_wire(struct cxp_conn *conn, uint64_t reqid, uint64_t tid, const uint8_t *wire,
		     uint32_t n)
{
	size_t len;
	uint8_t *p = chunks_begin(conn, tid, n, &len);

	if (!p)
		return -errno;
	memcpy(p, wire, (size_t)n * VM_CHUNK_WIRE_SIZE);
	cxp_send_commit(conn, CXP_MSG_CHUNKS, reqid, len);
	return 0;
}

/* FETCH: exactly the chunks asked for, or ERROR (NOTFOUND) naming the first unknown id. */
static int serve_fetch(struct tl_client *c, struct cxp_conn *conn, const struct cxp_hdr *h,
		       const uint8_t *payload)
{
	const struct vm_chunk **ch = c->graph;
	struct cxp_fetch *f = c->scratch;
	struct task *t;
	char err[200];
	int rc;

	if (cxp_fetch_decode(payload, h->len, f, err, sizeof(err)) < 0) {
		cxp_log("%s: bad FETCH: %s", cxp_conn_peer(conn), err);
		cxp_send_error(conn, h->reqid, CXP_E_BADMSG, "bad FETCH: %s", err);
		cxp_close(conn, -EPROTO); /* after the error is sent */
		return 0;
	}
	t = task_lookup(c, f->tasklet_id);
	if (!t) {
		cxp_send_error(conn, h->reqid, CXP_E_NOTFOUND, "unknown tasklet %016llx",
			       (unsigned long long)f->tasklet_id);
		return 0;
	}
	if (!may_serve(conn, h->reqid, t))
		return 0;
	for (uint32_t i = 0; i < f->n; i++) {
		ch[i] = vm_store_get(t->st, f->ids[i]);
		if (!ch[i]) {
			cxp_send_error(conn, h->reqid, CXP_E_NOTFOUND,
				       "chunk %llu is not part of tasklet %016llx",
				       (unsigned long long)f->ids[i], (unsigned long long)t->id);
			return 0;
		}
	}
	rc = send_chunks(conn, h->reqid, t->id, ch, f->n);
	if (rc < 0)
		cxp_log("%s: cannot answer FETCH: %s", cxp_conn_peer(conn), strerror(-rc));
	else
		count_served(c, f->n, 0);
	return 0;
}

static int collect_chunk(const struct vm_chunk *ch, void *arg)
{
	struct task *t = arg;

	if (t->ngraph == t->graphcap) {
		uint32_t ncap = t->graphcap ? t->graphcap * 2 : 16;
		const struct vm_chunk **g = realloc(t->graph, ncap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		t->graph = g;
		t->graphcap = ncap;
	}
	t->graph[t->ngraph++] = ch;
	return 0;
}

static void task_wire_free(struct task *t)
{
	for (uint32_t k = 0; t->wire && k < (t->ngraph + GRAPH_BATCH - 1) / GRAPH_BATCH; k++)
		free(t->wire[k]);
	free(t->wire);
	t->wire = NULL;
}

/* t's graph in breadth-first order from its root, encoded into t->wire (set
 * before t is published, then only read): 0 or -errno (-E2BIG past
 * VM_MAX_TASKLET_CHUNKS). */
static int task_graph(struct task *t)
{
	int rc;

	t->graph = NULL;
	t->wire = NULL;
	t->ids = NULL;
	t->ngraph = t->graphcap = 0;
	rc = vm_store_walk(t->st, t->sig.root, VM_MAX_TASKLET_CHUNKS, collect_chunk, t, NULL);
	if (rc >= 0 && (uint32_t)rc != t->ngraph)
		rc = -EINVAL;
	if (rc >= 0 && t->ngraph) {
		uint32_t npieces = (t->ngraph + GRAPH_BATCH - 1) / GRAPH_BATCH;

		t->wire = calloc(npieces, sizeof(*t->wire));
		t->ids = malloc((size_t)t->ngraph * 8);
		if (!t->wire || !t->ids)
			rc = -ENOMEM;
		for (uint32_t k = 0; rc >= 0 && k < npieces; k++) {
			uint32_t n = k + 1 < npieces ? GRAPH_BATCH : t->ngraph - k * GRAPH_BATCH;

			t->wire[k] = malloc((size_t)n * VM_CHUNK_WIRE_SIZE);
			if (!t->wire[k])
				rc = -ENOMEM;
		}
		for (uint32_t i = 0; rc >= 0 && i < t->ngraph; i++) {
			vm_chunk_encode(t->graph[i],
					t->wire[i / GRAPH_BATCH] +
					    (size_t)(i % GRAPH_BATCH) * VM_CHUNK_WIRE_SIZE);
			le64_store(t->ids + (size_t)i * 8, t->graph[i]->id);
		}
	}
	free(t->graph);
	t->graph = NULL;
	return rc < 0 ? rc : 0;
}

/* Encode and queue the next CHUNKS frame of sv: 1 when the graph is all queued,
 * 0 when more is to come, < 0 when sv ends here (its connection is closing). */
static int serve_more(struct tl_client *c, struct serving *sv)
{
	struct task *t = task_lookup(c, sv->tid);
	uint32_t n;
	int rc;

	if (!t) {
		cxp_log("%s: tasklet %016llx was forgotten while its graph was being sent",
			cxp_conn_peer(sv->conn), (unsigned long long)sv->tid);
		cxp_close(sv->conn, -ECANCELED); /* a half-sent graph would only stall the container */
		return -ECANCELED;
	}
	n = t->ngraph - sv->next < GRAPH_BATCH ? t->ngraph - sv->next : GRAPH_BATCH;
	/* sv->next is a multiple of GRAPH_BATCH: a frame is a piece */
	rc = send_wire(sv->conn, sv->reqid, t->id, t->wire[sv->next / GRAPH_BATCH], n);
	if (rc < 0) {
		cxp_log("%s: cannot answer FETCH_GRAPH: %s", cxp_conn_peer(sv->conn),
			strerror(-rc));
		cxp_close(sv->conn, rc);
		return rc;
	}
	sv->next += n;
	return sv->next == t->ngraph;
}

static void serve_step(void *arg);

static void serve_post(struct tl_client *c)
{
	if (c->serve_posted || !c->serving)
		return;
	if (cxp_loop_defer(c->loop, serve_step, c) == 0) {
		c->serve_posted = 1;
		return;
	}
	/* out of memory for the post: finish every graph now, as one batch */
	while (c->serving) {
		struct serving *sv = c->serving;
		int rc;

		while ((rc = serve_more(c, sv)) == 0)
			;
		c->serving = sv->link;
		free(sv);
	}
}

/* A turn of the loop: one more CHUNKS frame of each graph being sent. */
static void serve_step(void *arg)
{
	struct tl_client *c = arg;
	struct serving **pp = &c->serving;

	c->serve_posted = 0;
	while (*pp) {
		struct serving *sv = *pp;

		if (serve_more(c, sv) != 0) {
			*pp = sv->link;
			free(sv);
		} else {
			pp = &sv->link;
		}
	}
	serve_post(c);
}

/* An application connection is gone: forget its graphs being sent. */
static void app_conn_closed(struct cxp_conn *conn, int reason, void *ud)
{
	struct tl_client *c = ud;
	struct serving **pp = &c->serving;

	while (*pp) {
		struct serving *sv = *pp;

		if (sv->conn == conn) {
			*pp = sv->link;
			free(sv);
		} else {
			pp = &sv->link;
		}
	}
}

/*
 * FETCH_GRAPH: the MANIFEST of the Tasklet's whole graph (breadth first from
 * its root) and, in CHUNKS mode, every chunk of it in CHUNKS frames of
 * GRAPH_BATCH (the first at once, then one a turn of the loop): the
 * container's cost is one round trip whatever the depth of the graph
 * (cxp(7)).
 */
static int serve_fetch_graph(struct tl_client *c, struct cxp_conn *conn, const struct cxp_hdr *h,
			     const uint8_t *payload)
{
	struct cxp_fetch_graph g;
	struct serving *sv;
	struct cxp_wbuf w;
	struct task *t;
	char err[200];
	uint8_t *mp;
	size_t mlen;
	int rc;

	if (cxp_fetch_graph_decode(payload, h->len, &g, err, sizeof(err)) < 0) {
		cxp_log("%s: bad FETCH_GRAPH: %s", cxp_conn_peer(conn), err);
		cxp_send_error(conn, h->reqid, CXP_E_BADMSG, "bad FETCH_GRAPH: %s", err);
		cxp_close(conn, -EPROTO); /* after the error is sent */
		return 0;
	}
	t = task_lookup(c, g.tasklet_id);
	if (!t) {
		cxp_send_error(conn, h->reqid, CXP_E_NOTFOUND, "unknown tasklet %016llx",
			       (unsigned long long)g.tasklet_id);
		return 0;
	}
	if (!may_serve(conn, h->reqid, t))
		return 0;
	if (g.root != t->sig.root) {
		cxp_send_error(conn, h->reqid, CXP_E_NOTFOUND,
			       "chunk %016llx is not the root of tasklet %016llx",
			       (unsigned long long)g.root, (unsigned long long)t->id);
		return 0;
	}
	/* encoded straight into the output queue (up to 512 KiB: no copy) */
	mlen = 12 + (size_t)t->ngraph * 8;
	mp = cxp_send_begin(conn, CXP_MSG_MANIFEST, mlen);
	rc = mp ? 0 : -errno;
	if (mp) {
		cxp_wbuf_init_fixed(&w, mp, mlen);
		cxp_manifest_encode_header(&w, t->id, t->ngraph);
		rc = w.err || w.len + (size_t)t->ngraph * 8 != mlen ? -EINVAL : 0;
		if (rc == 0 && t->ngraph)
			memcpy(mp + w.len, t->ids, (size_t)t->ngraph * 8);
		if (rc == 0)
			cxp_send_commit(conn, CXP_MSG_MANIFEST, h->reqid, mlen);
	}
	if (rc < 0) {
		cxp_log("%s: cannot answer FETCH_GRAPH: %s", cxp_conn_peer(conn), strerror(-rc));
		cxp_close(conn, rc);
		return 0;
	}
	count_served(c, g.mode == CXP_GRAPH_CHUNKS ? t->ngraph : 0, 1);
	if (g.mode != CXP_GRAPH_CHUNKS || !t->ngraph)
		return 0;
	sv = calloc(1, sizeof(*sv));
	if (!sv) {
		cxp_log("%s: out of memory answering FETCH_GRAPH", cxp_conn_peer(conn));
		cxp_close(conn, -ENOMEM);
		return 0;
	}
	sv->conn = conn;
	sv->reqid = h->reqid;
	sv->tid = t->id;
	if (serve_more(c, sv) != 0) {
		free(sv);
		return 0;
	}
	/* after the graphs already being sent: they keep their order */
	{
		struct serving **pp = &c->serving;

		while (*pp)
			pp = &(*pp)->link;
		*pp = sv;
	}
	serve_post(c);
	return 0;
}

/* Acknowledge a RESULT: only then does the container tell the trader DONE. */
static void ack_result(struct cxp_conn *conn, uint64_t tid)
{
	cxp_send_id(conn, CXP_MSG_RESULT_ACK, tid, tid);
}

/*
 * Remember r as the first answer of its Tasklet, or compare it with the
 * first: 1 when both ran and their digests differ (logged, both containers
 * named), else 0. I/O thread.
 */
static int compare_answer(struct tl_client *c, const struct cxp_result *r)
{
	struct answer *a;
	char h1[17], h2[17];

	if (r->status >= CXP_STATUS_ECODE_BASE)
		return 0; /* no run, no digest */
	HASH_FIND(hh, c->answers, &r->tasklet_id, sizeof(r->tasklet_id), a);
	if (!a) {
		struct answer *old = c->ans_ring[c->ans_head];

		if (old) {
			HASH_DEL(c->answers, old);
			free(old);
		}
		a = calloc(1, sizeof(*a));
		c->ans_ring[c->ans_head] = a;
		c->ans_head = (c->ans_head + 1) % TL_ANSWERS_KEPT;
		if (!a)
			return 0;
		a->id = r->tasklet_id;
		a->status = r->status;
		memcpy(a->digest, r->digest, CXP_DIGEST_SIZE);
		snprintf(a->container, sizeof(a->container), "%s", r->container);
		HASH_ADD(hh, c->answers, id, sizeof(a->id), a);
		return 0;
	}
	if (!memcmp(a->digest, r->digest, CXP_DIGEST_SIZE))
		return 0;
	for (int i = 0; i < 8; i++) {
		snprintf(h1 + 2 * i, 3, "%02x", a->digest[i]);
		snprintf(h2 + 2 * i, 3, "%02x", r->digest[i]);
	}
	cxp_log("tasklet %016llx: DIGEST MISMATCH between replicas: container %s answered %s... "
		"(status %u), container %s answered %s... (status %u); the first answer was kept",
		(unsigned long long)r->tasklet_id, a->container, h1, a->status, r->container, h2,
		r->status);
	return 1;
}

static int take_result(struct tl_client *c, struct cxp_conn *conn, const struct cxp_hdr *h,
		       const uint8_t *payload)
{
	struct cxp_result r;
	struct task *t;
	char err[200];

	if (cxp_result_decode(payload, h->len, &r, err, sizeof(err)) < 0) {
		cxp_log("%s: bad RESULT: %s", cxp_conn_peer(conn), err);
		return -EPROTO;
	}
	/* Acknowledged even when unknown (e.g. a duplicate): the sender may let go. */
	ack_result(conn, r.tasklet_id);
	t = task_lookup(c, r.tasklet_id);
	if (!t) {
		int bad = compare_answer(c, &r);

		pthread_mutex_lock(&c->mu);
		/* One of ours, collected already: a late second answer. */
		if (r.tasklet_id >= c->first_id && r.tasklet_id < c->next_id)
			c->stats.duplicates++;
		c->stats.digest_mismatches += bad;
		pthread_mutex_unlock(&c->mu);
		cxp_log("%s: result for unknown tasklet %016llx (ignored)", cxp_conn_peer(conn),
			(unsigned long long)r.tasklet_id);
		return 0;
	}
	if (compare_answer(c, &r)) {
		pthread_mutex_lock(&c->mu);
		c->stats.duplicates++;
		c->stats.digest_mismatches++;
		if (!t->collected)
			t->res.digest_mismatch = 1;
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	pthread_mutex_lock(&c->mu);
	if (!t->done) {
		memcpy(t->res.digest, r.digest, sizeof(t->res.digest));
		t->res.output = tl_memdup0(r.output, r.output_len);
		t->res.output_len = r.output_len;
		t->res.value = tl_memdup0(r.value, r.value_len);
		if (r.status != TL_OK)
			t->res.error = tl_memdup0(r.error, r.error_len);
		t->res.fuel_used = r.fuel_used;
		t->res.cost = (double)r.cost_micro / 1e6;
		t->res.run_ns = r.run_ns;
		t->res.queue_ns = r.queue_ns;
		t->res.start_seq = (r.flags & CXP_RESULT_RAN) ? r.start_seq : 0;
		t->res.worker = r.worker;
		t->res.stolen = !!(r.flags & CXP_RESULT_STOLEN);
	}
	pthread_mutex_unlock(&c->mu);
	task_complete(c, t, (int)r.status, r.container, NULL);
	return 0;
}


static int app_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
		     void *ud)
{
	struct tl_client *c = ud;

	switch (h->type) {
	case CXP_MSG_FETCH:
		return serve_fetch(c, conn, h, payload);
	case CXP_MSG_FETCH_GRAPH:
		return serve_fetch_graph(c, conn, h, payload);
	case CXP_MSG_RESULT:
		return take_result(c, conn, h, payload);
	default:
		cxp_log("%s: unexpected %s frame on the application endpoint", cxp_conn_peer(conn),
			cxp_type_name(h->type));
		cxp_send_error(conn, h->reqid, CXP_E_BADMSG,
			       "an application endpoint takes FETCH, FETCH_GRAPH and RESULT only");
		cxp_close(conn, -EPROTO); /* after the error is sent */
		return 0;
	}
}

static const struct cxp_handlers app_handlers = {
	.on_frame = app_frame,
	.on_close = app_conn_closed,
};

/* ---- Submission ------------------------------------------------------------------- */

/* ---- The program's identity and this host's speed ------------------------------------ */

/*
 * The program's hash: the content id of its root chunk with the QoS and
 * input links blanked. jsl_compile seals the graph under content ids
 * (children first), so the root's links name its code, functions and
 * constants by their content: one hash of one chunk identifies them all.
 * The trader keys what it learns of a program's fuel by it (CostLimit); 0
 * when the root is missing.
 */
static uint64_t code_hash(const struct vm_store *st, uint64_t root)
{
	const struct vm_chunk *r = vm_store_get(st, root);
	struct vm_chunk c;

	if (!r)
		return 0;
	c = *r;
	vm_slot_set_empty(&c, VM_ROOT_S_QOS);
	vm_slot_set_empty(&c, VM_ROOT_S_INPUT);
	return vm_chunk_content_id(&c);
}

static uint32_t app_speed_value;

static void measure_app_speed(void)
{
	app_speed_value = vm_measure_speed();
}

/* This process's VM speed (SpeedMinimum's unit), measured once, when a
 * Tasklet first asks for a relative SpeedMinimum. */
static uint32_t app_speed(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, measure_app_speed);
	return app_speed_value;
}

static int wants_relative_speed(const struct vm_sig *s)
{
	return vm_qos_param(s->qos, s->nqos, VM_QOS_SPEED_MINIMUM, 1, VM_QOS_P_STR) != NULL;
}

static void submit_cb(void *arg)
{
	struct task *t = arg;
	struct tl_client *c = t->c;
	uint8_t buf[CXP_SIG_MAX_ENCODED];
	struct cxp_wbuf w;
	int n;

	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	n = cxp_sig_encode(&w, &t->sig);
	if (n < 0)
		task_complete(c, t, TL_ERR_INTERNAL, NULL, "signature does not fit");
	else if (!c->tconn && c->lost_since_ms)
		; /* the reconnection submits it */
	else if (!c->tconn)
		task_complete(c, t, TL_ERR_DISCONNECTED, NULL, "not connected to a trader");
	else if (cxp_send(c->tconn, CXP_MSG_SUBMIT, t->id, buf, (size_t)n) < 0)
		task_complete(c, t, TL_ERR_DISCONNECTED, NULL, "cannot send to the trader");
}

int tl_submit_source(struct tl_client *c, const char *name, const char *src, size_t len,
		     uint64_t *id, char *err, size_t errlen)
{
	return tl_submit_input(c, name, src, len, NULL, 0, id, err, errlen);
}

int tl_submit_input(struct tl_client *c, const char *name, const char *src, size_t len,
		    const char *input, size_t input_len, uint64_t *id, char *err, size_t errlen)
{
	struct task *t = calloc(1, sizeof(*t));
	uint64_t root, hash;
	int rc;

	if (!t)
		return -ENOMEM;
	t->c = c;
	t->st = vm_store_new(0);
	if (!t->st) {
		rc = -ENOMEM;
		goto err;
	}
	rc = jsl_compile(t->st, name, src, len, &root, err, errlen);
	if (rc < 0)
		goto err;
	rc = vm_qos_read(t->st, root, t->sig.qos, VM_QOS_MAX, err, errlen);
	if (rc < 0)
		goto err;
	t->sig.nqos = (uint32_t)rc;
	/* The program's identity (expected fuel) is its code, whatever the input. */
	hash = code_hash(t->st, root);
	if (input) {
		char why[200];

		rc = vm_attach_input(t->st, root, input, input_len, &root, why, sizeof(why));
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", name, why);
			goto err;
		}
	}
	t->res.priority = vm_qos_is_priority(t->sig.qos, t->sig.nqos);
	t->sig.root = root;
	/* The graph in the order it is served (so a FETCH_GRAPH walks nothing), and
	 * at most VM_MAX_TASKLET_CHUNKS of it: say so now, not after a fetch. */
	rc = task_graph(t);
	if (rc == -ENOMEM) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto err;
	}
	if (rc < 0) {
		snprintf(err, errlen,
			 "%s: the compiled program has more than %u chunks, the most a Tasklet may "
			 "have (tasklet-chunks(7), LIMITS); split it or run it with tasklet exec",
			 name, VM_MAX_TASKLET_CHUNKS);
		rc = rc == -E2BIG ? -EFBIG : rc;
		goto err;
	}
	t->sig.code_hash = hash;
	if (wants_relative_speed(&t->sig))
		t->sig.app_speed = app_speed();
	snprintf(t->sig.app_addr, sizeof(t->sig.app_addr), "%s", c->app_addr);
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		t->sig.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	pthread_mutex_lock(&c->mu);
	t->id = c->next_id++;
	t->sig.tasklet_id = t->id;
	/* The n-th Tasklet of a client gets seed ^ n * golden ratio: tasklet run
	 * --seed N gives its first Tasklet seed N, and the same seeds every run. */
	t->sig.seed = c->seed ^ ((t->id - c->first_id) * 0x9e3779b97f4a7c15ull);
	t->res.id = t->id;
	t->res.seed = t->sig.seed;
	t->res.start_ms = t->sig.start_ns / 1000000;
	t->t_submit_ns = clock_now_ns();
	HASH_ADD(hh, c->tasks, id, sizeof(t->id), t);
	c->stats.submitted++;
	pthread_mutex_unlock(&c->mu);
	*id = t->id;
	rc = cxp_loop_post(c->loop, submit_cb, t);
	if (rc < 0) {
		task_complete(c, t, TL_ERR_INTERNAL, NULL, "out of memory");
	}
	return 0;
err:
	free(t->graph);
	task_wire_free(t);
	free(t->ids);
	if (t->st)
		vm_store_free(t->st);
	free(t);
	return rc;
}

int tl_submit_file(struct tl_client *c, const char *path, uint64_t *id, char *err, size_t errlen)
{
	char *src = NULL;
	size_t len = 0;
	int rc = jsl_read_file(path, &src, &len, err, errlen);

	if (rc < 0)
		return rc;
	rc = tl_submit_source(c, path, src, len, id, err, errlen);
	free(src);
	return rc;
}

/*
 * Loop thread: forget a collected task. Freeing on the loop thread means no
 * FETCH being served (also on the loop thread) can see the store go away.
 */
static void task_forget(void *arg)
{
	struct task *t = arg;
	struct tl_client *c = t->c;

	pthread_mutex_lock(&c->mu);
	HASH_DEL(c->tasks, t);
	pthread_mutex_unlock(&c->mu);
	task_wire_free(t);
	free(t->ids);
	vm_store_free(t->st);
	tl_result_free(&t->res);
	free(t);
}

/* FaultTolerance('local'): keep a local backup of the run. */
static int wants_local_backup(const struct vm_sig *s)
{
	return vm_qos_param(s->qos, s->nqos, VM_QOS_FAULT_TOLERANCE, 0, VM_QOS_P_STR) != NULL;
}

/* Replace res (a no-match) with the result of running t in this process. */
static void run_locally(struct task *t, struct tl_result *res, const char *why)
{
	struct vm_limits lim = { .seed = t->sig.seed, .start_ms = t->sig.start_ns / 1000000 };
	struct vm_result vr = { 0 };
	uint64_t t0 = clock_now_ns();

	tl_result_free(res);
	snprintf(res->container, sizeof(res->container), "local");
	if (vm_run(t->st, t->sig.root, &lim, &vr) < 0) {
		res->status = TL_ERR_INTERNAL;
		res->error = strdup("the local VM could not start");
		return;
	}
	cxp_log("tasklet %016llx runs here: %s", (unsigned long long)t->id, why);
	res->run_ns = clock_now_ns() - t0;
	res->latency_ns += res->run_ns;
	res->status = vr.status;
	res->fuel_used = vr.fuel_used;
	res->output = vr.output;
	res->output_len = vr.output_len;
	res->value = vr.value;
	if (vr.status != VM_OK)
		res->error = strdup(vr.error);
	cxp_result_digest((uint32_t)vr.status, vr.output ? vr.output : "", vr.output_len,
			  vr.value ? vr.value : "", vr.value ? strlen(vr.value) : 0, res->digest);
	res->start_seq = 0;
	res->queue_ns = 0;
	res->cost = 0;
	vr.output = vr.value = NULL;
	vm_result_free(&vr);
}

int tl_wait(struct tl_client *c, uint64_t id, struct tl_result *res, int timeout_ms)
{
	struct timespec ts;
	struct task *t;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->id = id;
	ts = clock_deadline(timeout_ms >= 0 ? timeout_ms : 0);
	pthread_mutex_lock(&c->mu);
	t = task_find(c, id);
	if (!t || t->collected) {
		pthread_mutex_unlock(&c->mu);
		return -ENOENT;
	}
	while (!t->done && rc == 0)
		rc = timeout_ms < 0 ? pthread_cond_wait(&c->cv, &c->mu)
				    : pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	if (!t->done) {
		res->status = TL_ERR_TIMEOUT;
		res->priority = t->res.priority;
		snprintf(res->container, sizeof(res->container), "%s", t->res.container);
		pthread_mutex_unlock(&c->mu);
		return -ETIMEDOUT;
	}
	*res = t->res;
	memset(&t->res, 0, sizeof(t->res));
	t->collected = 1;
	pthread_mutex_unlock(&c->mu);
	/* No container fits: run it here, as the paper's application may. The
	 * store is still ours: a Tasklet that was never assigned is never fetched. */
	if (res->status == TL_ERR_NOMATCH && c->local_fallback)
		run_locally(t, res, "no container matched (local fallback)");
	else if (res->status >= 100 && res->status != TL_ERR_TIMEOUT && wants_local_backup(&t->sig))
		run_locally(t, res, "FaultTolerance('local'): the remote run failed");
	if (c->record_dir && res->status < 100) {
		char err[256];

		if (tl_record_write(c->record_dir, &t->sig, t->st, (uint32_t)res->status,
				    res->fuel_used, res->digest, res->output ? res->output : "",
				    res->output_len, res->value ? res->value : "",
				    res->value ? strlen(res->value) : 0, res->container, err,
				    sizeof(err)) < 0)
			cxp_log("%s", err);
	}
	/* If the post fails (no memory), tl_client_free frees it. */
	cxp_loop_post(c->loop, task_forget, t);
	return 0;
}

void tl_result_free(struct tl_result *res)
{
	free(res->output);
	free(res->value);
	free(res->error);
	res->output = res->value = res->error = NULL;
}

/* ---- Set-up and tear-down ------------------------------------------------------------ */

static void *io_main(void *arg)
{
	struct tl_client *c = arg;
	int rc;

	cxp_log_role("app");
	rc = cxp_loop_run(c->loop);
	if (rc < 0)
		cxp_log("application event loop failed: %s", strerror(-rc));
	return NULL;
}

static int is_loopback(const char *addr)
{
	return !strncmp(addr, "127.", 4) || !strncmp(addr, "localhost:", 10) ||
	       !strncmp(addr, "[::1]", 5);
}

/*
 * The address containers should use to reach us: the bound one, unless it is
 * a wildcard; then the local address the kernel would use towards the
 * trader (a UDP connect sends nothing).
 */
static void advertised_addr(const char *bound, const char *trader, char *out, size_t cap)
{
	struct sockaddr_storage ss, ts;
	socklen_t sl = sizeof(ss);
	unsigned tl;
	int fd;

	snprintf(out, cap, "%s", bound);
	if (strncmp(bound, "0.0.0.0:", 8))
		return;
	if (cxp_addr_parse(trader, &ts, &tl) < 0 || ts.ss_family != AF_INET)
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&ts, tl) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		char ip[INET_ADDRSTRLEN];

		unsigned port = (unsigned)atoi(bound + 8);

		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip));
		snprintf(out, cap, "%s:%u", ip, port);
	}
	close(fd);
}

struct tl_client *tl_client_new(const struct tl_options *o, char *err, size_t errlen)
{
	struct tl_options def = { 0 };
	struct tl_client *c = calloc(1, sizeof(*c));
	char bound[CXP_ADDR_MAX + 1];
	const char *listen;
	int rc;

	if (!o)
		o = &def;
	if (!c || !(c->scratch = malloc(sizeof(*c->scratch))) ||
	    !(c->graph = malloc(CXP_FETCH_MAX * sizeof(*c->graph)))) {
		snprintf(err, errlen, "out of memory");
		if (c)
			free(c->scratch);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->connect_res = 1;
	c->local_fallback = o->local_fallback;
	if (o->cert_file || o->key_file || o->nca) {
		struct cxp_tls_config tc = { .cert_file = o->cert_file, .key_file = o->key_file,
					     .require_peer_cert = 1 };

		if (!o->cert_file || !o->key_file || !o->nca || o->nca > CXP_TLS_CA_MAX) {
			snprintf(err, errlen,
				 "secure mode needs a certificate, its key and 1 to %d trusted CAs",
				 CXP_TLS_CA_MAX);
			goto fail;
		}
		for (unsigned i = 0; i < o->nca; i++)
			tc.ca_files[i] = o->ca_files[i];
		tc.nca = o->nca;
		c->tls = cxp_tls_new(&tc, err, errlen);
		if (!c->tls)
			goto fail;
		snprintf(c->trader_cn, sizeof(c->trader_cn), "%s",
			 o->trader_name ? o->trader_name : "trader");
	}
	if (o->record_dir && !(c->record_dir = strdup(o->record_dir))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (o->seed) {
		c->seed = o->seed;
	} else if (getrandom(&c->seed, sizeof(c->seed), 0) != sizeof(c->seed)) {
		c->seed = (uint64_t)clock_now_ns() ^ (uint64_t)getpid();
	}
	/* Tasklet ids: unique across applications sharing a trader. */
	if (getrandom(&c->next_id, sizeof(c->next_id), 0) != sizeof(c->next_id))
		c->next_id = clock_now_ns() ^ ((uint64_t)getpid() << 32);
	c->next_id = (c->next_id & 0x7fffffffffff0000ull) | 1;
	c->first_id = c->next_id;

	if (!o->trader) {
		snprintf(err, errlen, "no trader address given (tl_options.trader, HOST:PORT)");
		goto fail;
	} else {
		struct sockaddr_storage ss;
		unsigned sl;

		if (strlen(o->trader) >= sizeof(c->trader) ||
		    cxp_addr_parse(o->trader, &ss, &sl) < 0) {
			snprintf(err, errlen,
				 "bad trader address '%s' (want HOST:PORT, e.g. 127.0.0.1:7000)",
				 o->trader);
			goto fail;
		}
		snprintf(c->trader, sizeof(c->trader), "%s", o->trader);
	}
	c->loop = cxp_loop_new();
	if (!c->loop) {
		snprintf(err, errlen, "cannot create an event loop: %s", strerror(errno));
		goto fail;
	}
	{
		/* Containers hold their link to us while a Tasklet runs, however
		 * long: no idle timeout on this endpoint (the frame read timeout and
		 * the connection caps still apply). */
		struct cxp_limits lim;

		cxp_loop_get_limits(c->loop, &lim);
		lim.idle_timeout_ms = 0;
		cxp_loop_set_limits(c->loop, &lim);
	}
	listen = o->listen ? o->listen : is_loopback(c->trader) ? "127.0.0.1:0" : "0.0.0.0:0";
	rc = c->tls ? cxp_listen_tls(c->loop, listen, c->tls, &app_handlers, c, bound, sizeof(bound))
		    : cxp_listen(c->loop, listen, &app_handlers, c, bound, sizeof(bound));
	if (rc < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", listen, strerror(-rc));
		goto fail;
	}
	advertised_addr(bound, c->trader, c->app_addr, sizeof(c->app_addr));
	c->tconn = trader_connect(c);
	if (!c->tconn) {
		snprintf(err, errlen, "cannot connect to trader %s: %s", c->trader,
			 strerror(errno));
		goto fail;
	}
	rc = -pthread_create(&c->io, NULL, io_main, c);
	if (rc) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(-rc));
		goto fail;
	}
	c->io_started = 1;
	{
		struct timespec ts = clock_deadline(5000);

		pthread_mutex_lock(&c->mu);
		rc = 0;
		while (c->connect_res == 1 && rc == 0)
			rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
		rc = c->connect_res;
		pthread_mutex_unlock(&c->mu);
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot connect to trader %s: %s", c->trader,
			 rc == 1 ? "timed out" : strerror(-rc));
		goto fail;
	}
	return c;
fail:
	tl_client_free(c);
	return NULL;
}

void tl_client_stats(struct tl_client *c, struct tl_stats *st)
{
	clockid_t cid;
	struct timespec ts;

	pthread_mutex_lock(&c->mu);
	*st = c->stats;
	pthread_mutex_unlock(&c->mu);
	st->io_cpu_ns = 0;
	if (c->io_started && pthread_getcpuclockid(c->io, &cid) == 0 &&
	    clock_gettime(cid, &ts) == 0)
		st->io_cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *tl_client_trader(const struct tl_client *c)
{
	return c->trader;
}

static void stop_cb(void *arg)
{
	struct tl_client *c = arg;

	c->stopping = 1;
	cxp_loop_stop(c->loop);
}

void tl_client_free(struct tl_client *c)
{
	struct task *t, *tmp;

	if (!c)
		return;
	if (c->loop) {
		if (c->io_started) {
			if (cxp_loop_post(c->loop, stop_cb, c) < 0)
				cxp_loop_stop(c->loop);
			pthread_join(c->io, NULL);
		}
		c->stopping = 1; /* the I/O thread is gone: no race */
		cxp_loop_free(c->loop);
	}
	HASH_ITER(hh, c->tasks, t, tmp) {
		HASH_DEL(c->tasks, t);
		task_wire_free(t);
		free(t->ids);
		vm_store_free(t->st);
		tl_result_free(&t->res);
		free(t);
	}
	{
		struct answer *a, *atmp;

		HASH_ITER(hh, c->answers, a, atmp) {
			HASH_DEL(c->answers, a);
			free(a);
		}
	}
	while (c->serving) { /* (cxp_loop_free closed their connections) */
		struct serving *sv = c->serving;

		c->serving = sv->link;
		free(sv);
	}
	free(c->record_dir);
	cxp_tls_free(c->tls); /* after the loop: every connection is gone */
	free(c->scratch);
	free(c->graph);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

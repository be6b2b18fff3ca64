/* SPDX-License-Identifier: MIT */
/*
 * The container daemon (see container.h for the threads). Ownership of a
 * job: the I/O thread creates it on ASSIGN and pushes it on the queue; the
 * worker that pops it owns it, except while the I/O thread fetches its
 * chunks (the worker waits on job->cv) and after the worker posts the
 * result, when the I/O thread sends it and frees the job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/container/container.h"
#include "runtime/container/queue.h"
#include "common/clock.h"
#include "common/le.h"
#include "vm/vm.h"

enum job_state { J_QUEUED, J_FETCHING, J_FETCHED, J_FAILED };

struct app_link;

struct job {
	struct rt_container *c;
	struct vm_sig sig;
	int from_trader;
	struct vm_store *st;
	struct app_link *link; /* while fetching (I/O thread only) */
	uint64_t fetch_deadline_ms;
	unsigned fetch_rounds;
	struct job *fnext, **fprev; /* in-flight fetch list (I/O thread only) */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum job_state state; /* under mu once queued */
	uint32_t fail_code;   /* enum cxp_ecode, for J_FAILED */
	char fail_msg[256];

	struct vm_result res;
	uint32_t status;
	uint64_t run_ns;
};

struct rt_container {
	struct rt_container_config cfg;
	struct cxp_loop *loop;
	pthread_t io;
	pthread_t *workers;
	unsigned nworkers;
	struct rt_queue q;
	atomic_int stopping;

	/* I/O thread only */
	struct cxp_conn *tconn;
	uint64_t next_connect_ms;
	int trader_warned;
	struct job *fetching;    /* fetches in flight (at most one per worker) */
	struct app_link *links;  /* one connection per application address */
	struct cxp_fetch scratch;
	char listen_bound[CXP_ADDR_MAX + 1];

	pthread_mutex_t mu; /* guards registered */
	pthread_cond_t cv;
	int registered;
	uint64_t id;
};

static void job_free(struct job *j)
{
	if (j->st)
		vm_store_free(j->st);
	vm_result_free(&j->res);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

/* ---- Trader link --------------------------------------------------------- */

static void handle_assign(struct rt_container *c, struct cxp_conn *from, const struct cxp_hdr *h,
			  const uint8_t *payload, int from_trader);
static void connect_trader(struct rt_container *c);

static int trader_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
			void *ud)
{
	struct rt_container *c = ud;
	struct cxp_error e;
	char err[200];
	uint64_t id;

	switch (h->type) {
	case CXP_MSG_REGISTERED:
		if (cxp_id_decode(h->type, payload, h->len, &id, err, sizeof(err)) < 0) {
			cxp_log("trader %s: %s", c->cfg.trader, err);
			return -EPROTO;
		}
		pthread_mutex_lock(&c->mu);
		c->id = id;
		c->registered = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		c->trader_warned = 0;
		cxp_log("registered with trader %s as container %llu (%s, %u workers)",
			c->cfg.trader, (unsigned long long)c->id, c->cfg.name, c->nworkers);
		return 0;
	case CXP_MSG_ASSIGN:
		handle_assign(c, conn, h, payload, 1);
		return 0;
	case CXP_MSG_ERROR:
		if (cxp_error_decode(payload, h->len, &e, err, sizeof(err)) < 0)
			snprintf(e.msg, sizeof(e.msg), "(undecodable: %s)", err);
		cxp_log("trader %s: error: %s", c->cfg.trader, e.msg);
		return 0;
	default:
		cxp_log("trader %s: unexpected %s frame", c->cfg.trader, cxp_type_name(h->type));
		return -EPROTO;
	}
}

static void trader_connected(struct cxp_conn *conn, int res, void *ud)
{
	struct rt_container *c = ud;

	if (res < 0 && !c->trader_warned) {
		cxp_log("cannot reach trader %s: %s; retrying every second", c->cfg.trader,
			strerror(-res));
		c->trader_warned = 1;
	}
}

static void trader_closed(struct cxp_conn *conn, int reason, void *ud)
{
	struct rt_container *c = ud;
	int was;

	if (c->tconn != conn)
		return;
	c->tconn = NULL;
	pthread_mutex_lock(&c->mu);
	was = c->registered;
	c->registered = 0;
	pthread_mutex_unlock(&c->mu);
	if (was && !atomic_load(&c->stopping))
		cxp_log("lost trader %s (%s); reconnecting", c->cfg.trader,
			reason ? strerror(-reason) : "closed");
	c->next_connect_ms = clock_now_ms() + 1000;
}

static const struct cxp_handlers trader_handlers = {
	.on_connect = trader_connected,
	.on_frame = trader_frame,
	.on_close = trader_closed,
};

static void connect_trader(struct rt_container *c)
{
	struct cxp_register r = { 0 };
	struct cxp_wbuf w;

	c->tconn = cxp_connect(c->loop, c->cfg.trader, &trader_handlers, c);
	if (!c->tconn) {
		if (!c->trader_warned)
			cxp_log("cannot connect to trader %s: %s; retrying every second",
				c->cfg.trader, strerror(errno));
		c->trader_warned = 1;
		c->next_connect_ms = clock_now_ms() + 1000;
		return;
	}
	snprintf(r.name, sizeof(r.name), "%s", c->cfg.name);
	snprintf(r.addr, sizeof(r.addr), "%s", c->listen_bound);
	r.workers = c->nworkers;
	r.speed = c->cfg.speed;
	r.price = c->cfg.price;
	r.flags = c->cfg.no_priority ? 0 : CXP_CAP_PRIORITY;
	cxp_wbuf_init(&w);
	cxp_register_encode(&w, &r);
	if (!w.err)
		cxp_send(c->tconn, CXP_MSG_REGISTER, 1, w.p, w.len);
	cxp_wbuf_free(&w);
}

/* ---- Assignments ------------------------------------------------------------ */

static void handle_assign(struct rt_container *c, struct cxp_conn *from, const struct cxp_hdr *h,
			  const uint8_t *payload, int from_trader)
{
	struct job *j = calloc(1, sizeof(*j));
	const char *qname;
	enum rt_qclass cls;
	char err[256];
	int rc;

	if (!j) {
		cxp_send_error(from, h->reqid, CXP_E_INTERNAL, "container %s: out of memory",
			       c->cfg.name);
		return;
	}
	rc = cxp_sig_decode(payload, h->len, &j->sig, err, sizeof(err));
	if (rc < 0) {
		cxp_log("%s: rejected ASSIGN: %s", cxp_conn_peer(from), err);
		cxp_send_error(from, h->reqid, CXP_E_BADMSG, "container %s: bad signature: %s",
			       c->cfg.name, err);
		free(j);
		return;
	}
	j->c = c;
	j->from_trader = from_trader;
	cls = (!c->cfg.no_priority && vm_qos_is_priority(j->sig.qos, j->sig.nqos)) ? RT_Q_PRIO
										   : RT_Q_ECON;
	qname = cls == RT_Q_PRIO ? "priority" : "economy";
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	rc = rt_queue_push(&c->q, j, cls, j->sig.tasklet_id);
	if (rc < 0) {
		cxp_log("tasklet %016llx refused: %s queue %s", (unsigned long long)j->sig.tasklet_id,
			qname, rc == -EBUSY ? "full" : "closed");
		cxp_send_error(from, h->reqid, CXP_E_BUSY, "container %s: %s queue %s",
			       c->cfg.name, qname, rc == -EBUSY ? "full" : "shutting down");
		job_free(j);
		return;
	}
	cxp_log("tasklet %016llx queued (%s) from %s", (unsigned long long)j->sig.tasklet_id,
		qname, j->sig.app_addr);
}

/* The optional direct endpoint takes ASSIGN frames only. */
static int direct_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
			void *ud)
{
	if (h->type == CXP_MSG_ASSIGN) {
		handle_assign(ud, conn, h, payload, 0);
		return 0;
	}
	cxp_log("%s: unexpected %s frame on the container endpoint", cxp_conn_peer(conn),
		cxp_type_name(h->type));
	cxp_send_error(conn, h->reqid, CXP_E_BADMSG, "a container endpoint takes ASSIGN only");
	cxp_close(conn, -EPROTO); /* after the error is sent */
	return 0;
}

static const struct cxp_handlers direct_handlers = {
	.on_frame = direct_frame,
};

/* ---- Links to applications (I/O thread) ------------------------------------------ */
/*
 * One connection per application address, shared by every Tasklet of that
 * application: FETCH/CHUNKS and RESULT/RESULT_ACK are matched by tasklet
 * id, so a busy application costs one TCP connection, not one per Tasklet
 * (which left a TIME-WAIT socket per Tasklet). A link with no fetch and no
 * unacknowledged result closes after LINK_IDLE_MS.
 *
 * A result counts as delivered when the application acknowledges it
 * (RESULT_ACK); only then does the trader hear DONE. A result that cannot be
 * sent, or whose link breaks before the acknowledgement, or that is not
 * acknowledged within ACK_TIMEOUT_MS, is reported to the trader as
 * UNDELIVERED, and the trader passes that on to the application.
 */
#define LINK_IDLE_MS   2000
#define ACK_TIMEOUT_MS 10000

struct delivery {
	uint64_t tasklet_id;
	int from_trader;
	uint64_t sent_ms;
	char why[200]; /* the run's own error, for the report */
	struct delivery *next;
};

struct app_link {
	struct rt_container *c;
	char addr[VM_SIG_ADDR_MAX + 1];
	struct cxp_conn *conn;
	int closing;               /* cxp_close called: not for new work */
	unsigned fetches;          /* jobs fetching over this link */
	struct delivery *unacked;  /* RESULTs sent, not acknowledged yet */
	uint64_t idle_since_ms;
	struct app_link *next;
};

static void report_undelivered(struct rt_container *c, const struct delivery *d, const char *app,
			       const char *reason)
{
	cxp_log("tasklet %016llx: result not delivered to %s: %s",
		(unsigned long long)d->tasklet_id, app, reason);
	if (d->from_trader && c->tconn)
		cxp_send_error(c->tconn, d->tasklet_id, CXP_E_UNDELIVERED,
			       "container %s could not deliver the result to %s (%s)%s%s",
			       c->cfg.name, app, reason,
			       d->why[0] ? "; the run had failed: " : "", d->why);
}

static void link_idle_check(struct app_link *k)
{
	if (!k->fetches && !k->unacked)
		k->idle_since_ms = clock_now_ms();
}

static void link_close(struct app_link *k)
{
	if (k->closing)
		return;
	k->closing = 1;
	cxp_close(k->conn, 0);
}

static void fetch_finish(struct job *j, enum job_state st, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fetch_finish(struct job *j, enum job_state st, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	if (j->fprev) {
		*j->fprev = j->fnext;
		if (j->fnext)
			j->fnext->fprev = j->fprev;
		j->fprev = NULL;
		j->fnext = NULL;
	}
	if (j->link) {
		j->link->fetches--;
		link_idle_check(j->link);
		j->link = NULL;
	}
	pthread_mutex_lock(&j->mu);
	j->state = st;
	j->fail_code = code;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(j->fail_msg, sizeof(j->fail_msg), fmt, ap);
		va_end(ap);
	}
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

/* The job fetching tasklet tid over link k, or NULL (e.g. it timed out). */
static struct job *link_job(struct app_link *k, uint64_t tid)
{
	for (struct job *j = k->c->fetching; j; j = j->fnext)
		if (j->link == k && j->sig.tasklet_id == tid)
			return j;
	return NULL;
}

static int send_fetch(struct job *j, const uint64_t *ids, uint32_t n)
{
	struct rt_container *c = j->c;
	struct cxp_wbuf w;
	int rc;

	c->scratch.tasklet_id = j->sig.tasklet_id;
	c->scratch.n = n;
	memcpy(c->scratch.ids, ids, n * sizeof(ids[0]));
	cxp_wbuf_init(&w);
	cxp_fetch_encode(&w, &c->scratch);
	rc = w.err ? w.err
		   : cxp_send(j->link->conn, CXP_MSG_FETCH, j->sig.tasklet_id, w.p, w.len);
	cxp_wbuf_free(&w);
	j->fetch_rounds++;
	return rc;
}

/*
 * CHUNKS: u64 tasklet id, u32 n, then n encoded chunks. Returns < 0 when the
 * application sent something malformed: that closes its link.
 */
static int on_chunks(struct job *j, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct rt_container *c = j->c;
	struct cxp_chunks m;
	uint32_t n;
	char err[256];
	int rc;

	rc = cxp_chunks_decode(payload, h->len, VM_CHUNK_WIRE_SIZE, &m, err, sizeof(err));
	if (rc < 0 || m.tasklet_id != j->sig.tasklet_id) {
		fetch_finish(j, J_FAILED, CXP_E_BADMSG,
			     "bad CHUNKS frame from application %s (tasklet %016llx, %u bytes): %s",
			     j->sig.app_addr, (unsigned long long)m.tasklet_id, h->len,
			     rc < 0 ? err : "for another tasklet");
		return -EPROTO;
	}
	n = m.n;
	for (uint32_t i = 0; i < n; i++) {
		struct vm_chunk ch;

		rc = vm_chunk_decode(m.chunks + (size_t)i * VM_CHUNK_WIRE_SIZE,
				     VM_CHUNK_WIRE_SIZE, &ch, err, sizeof(err));
		if (rc == 0)
			rc = vm_store_put(j->st, &ch);
		if (rc < 0) {
			fetch_finish(j, J_FAILED, CXP_E_BADMSG, "chunk %u of %u from %s: %s", i + 1,
				     n, j->sig.app_addr, rc == -EEXIST ? "conflicting duplicate id" : err);
			return -EPROTO;
		}
	}
	if (vm_store_count(j->st) > VM_MAX_TASKLET_CHUNKS) {
		fetch_finish(j, J_FAILED, CXP_E_BADMSG, "tasklet graph exceeds %u chunks",
			     VM_MAX_TASKLET_CHUNKS);
		return -EPROTO;
	}
	if (!vm_store_get(j->st, j->sig.root)) {
		fetch_finish(j, J_FAILED, CXP_E_NOTFOUND, "application %s did not send root chunk %llu",
			     j->sig.app_addr, (unsigned long long)j->sig.root);
		return -EPROTO;
	}
	rc = vm_store_missing(j->st, j->sig.root, VM_MAX_TASKLET_CHUNKS, c->scratch.ids,
			      CXP_FETCH_MAX);
	if (rc < 0) {
		fetch_finish(j, J_FAILED, CXP_E_BADMSG, "tasklet graph exceeds %u chunks",
			     VM_MAX_TASKLET_CHUNKS);
		return -EPROTO;
	}
	if (rc == 0) {
		fetch_finish(j, J_FETCHED, 0, NULL);
		return 0;
	}
	if (j->fetch_rounds > 1024) {
		fetch_finish(j, J_FAILED, CXP_E_BADMSG, "application %s: fetch did not converge",
			     j->sig.app_addr);
		return -EPROTO;
	}
	{
		uint64_t ids[CXP_FETCH_MAX];

		memcpy(ids, c->scratch.ids, (size_t)rc * sizeof(ids[0]));
		return send_fetch(j, ids, (uint32_t)rc);
	}
}

static int on_result_ack(struct app_link *k, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct rt_container *c = k->c;
	struct delivery **pp, *d;
	uint64_t tid;
	char err[160];

	if (cxp_id_decode(h->type, payload, h->len, &tid, err, sizeof(err)) < 0) {
		cxp_log("%s: %s", k->addr, err);
		return -EPROTO;
	}
	for (pp = &k->unacked; (d = *pp); pp = &d->next)
		if (d->tasklet_id == tid)
			break;
	if (!d) {
		cxp_log("%s: RESULT_ACK for tasklet %016llx, which it was not sent (ignored)",
			k->addr, (unsigned long long)tid);
		return 0;
	}
	*pp = d->next;
	if (d->from_trader && c->tconn) {
		cxp_send_id(c->tconn, CXP_MSG_DONE, tid, tid);
	}
	free(d);
	link_idle_check(k);
	return 0;
}

static int app_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
		     void *ud)
{
	struct app_link *k = cxp_conn_data(conn);
	struct cxp_error e;
	char err[200];
	struct job *j;

	switch (h->type) {
	case CXP_MSG_CHUNKS:
		/* A reply: routed by the FETCH's reqid (the tasklet id); on_chunks then
		 * checks that the payload speaks of the same Tasklet. */
		j = link_job(k, h->reqid);
		if (!j) {
			cxp_log("%s: CHUNKS for tasklet %016llx, which is not being fetched (late?)",
				k->addr, (unsigned long long)h->reqid);
			return 0;
		}
		return on_chunks(j, h, payload);
	case CXP_MSG_ERROR:
		if (cxp_error_decode(payload, h->len, &e, err, sizeof(err)) < 0)
			snprintf(e.msg, sizeof(e.msg), "(undecodable: %s)", err);
		j = link_job(k, h->reqid);
		if (!j) {
			cxp_log("%s: error: %s", k->addr, e.msg);
			return 0;
		}
		fetch_finish(j, J_FAILED, CXP_E_NOTFOUND, "application %s: %s", j->sig.app_addr,
			     e.msg);
		return 0;
	case CXP_MSG_RESULT_ACK:
		return on_result_ack(k, h, payload);
	default:
		cxp_log("%s: application sent %s", k->addr, cxp_type_name(h->type));
		return -EPROTO;
	}
}

/* The link is gone: its fetches fail, its unacknowledged results are reported. */
static void app_closed(struct cxp_conn *conn, int reason, void *ud)
{
	struct app_link *k = cxp_conn_data(conn);
	struct rt_container *c;
	char why[160];

	if (!k)
		return;
	c = k->c;
	snprintf(why, sizeof(why), "connection %s: %s",
		 k->closing ? "closed" : "failed", reason ? strerror(-reason) : "closed by the peer");
	for (struct job *j = c->fetching, *next; j; j = next) {
		next = j->fnext;
		if (j->link == k)
			fetch_finish(j, J_FAILED, CXP_E_NOTFOUND,
				     "connection to application %s %s during fetch: %s",
				     j->sig.app_addr, reason == 0 ? "closed" : "failed",
				     reason == 0 ? "peer closed" : strerror(-reason));
	}
	while (k->unacked) {
		struct delivery *d = k->unacked;

		k->unacked = d->next;
		report_undelivered(c, d, k->addr, why);
		free(d);
	}
	for (struct app_link **pp = &c->links; *pp; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	free(k);
}

static const struct cxp_handlers app_handlers = {
	.on_frame = app_frame,
	.on_close = app_closed,
};

/* The open link to addr, connecting one if there is none. NULL + errno. */
static struct app_link *link_get(struct rt_container *c, const char *addr)
{
	struct app_link *k;

	for (k = c->links; k; k = k->next)
		if (!k->closing && !strcmp(k->addr, addr))
			return k;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->c = c;
	snprintf(k->addr, sizeof(k->addr), "%s", addr);
	k->conn = cxp_connect(c->loop, addr, &app_handlers, NULL);
	if (!k->conn) {
		free(k);
		return NULL;
	}
	cxp_conn_set_data(k->conn, k);
	k->idle_since_ms = clock_now_ms();
	k->next = c->links;
	c->links = k;
	return k;
}

/* Posted by a worker: start fetching j's graph. */
static void fetch_start(void *arg)
{
	struct job *j = arg;
	struct rt_container *c = j->c;
	uint64_t root = j->sig.root;

	pthread_mutex_lock(&j->mu);
	j->state = J_FETCHING;
	pthread_mutex_unlock(&j->mu);
	j->st = vm_store_new(0);
	if (!j->st) {
		fetch_finish(j, J_FAILED, CXP_E_INTERNAL, "out of memory");
		return;
	}
	j->fnext = c->fetching;
	if (c->fetching)
		c->fetching->fprev = &j->fnext;
	j->fprev = &c->fetching;
	c->fetching = j;
	j->fetch_deadline_ms = clock_now_ms() + (c->cfg.fetch_timeout_ms ? c->cfg.fetch_timeout_ms : 10000);
	j->link = link_get(c, j->sig.app_addr);
	if (!j->link) {
		fetch_finish(j, J_FAILED, CXP_E_NOTFOUND, "cannot connect to application %s: %s",
			     j->sig.app_addr, strerror(errno));
		return;
	}
	j->link->fetches++;
	if (send_fetch(j, &root, 1) < 0)
		fetch_finish(j, J_FAILED, CXP_E_INTERNAL, "cannot send FETCH to %s",
			     j->sig.app_addr);
}

/* Posted by a worker: send j's result to its application, free j. */
static void result_send(void *arg)
{
	struct job *j = arg;
	struct rt_container *c = j->c;
	struct cxp_result r = { 0 };
	struct delivery *d = calloc(1, sizeof(*d));
	struct app_link *k = NULL;
	struct cxp_wbuf w;
	int rc = -ENOMEM;

	r.tasklet_id = j->sig.tasklet_id;
	snprintf(r.container, sizeof(r.container), "%s", c->cfg.name);
	r.status = j->status;
	r.fuel_used = j->res.fuel_used;
	r.run_ns = j->run_ns;
	r.output = j->res.output ? j->res.output : "";
	r.output_len = j->res.output ? j->res.output_len : 0;
	r.value = j->res.value ? j->res.value : "";
	r.value_len = strlen(r.value);
	r.error = j->status ? (j->fail_msg[0] ? j->fail_msg : j->res.error) : "";
	r.error_len = strlen(r.error);

	cxp_wbuf_init(&w);
	cxp_result_encode(&w, &r);
	if (!d || w.err)
		goto out;
	d->tasklet_id = j->sig.tasklet_id;
	d->from_trader = j->from_trader;
	d->sent_ms = clock_now_ms();
	snprintf(d->why, sizeof(d->why), "%s", r.error);
	k = link_get(c, j->sig.app_addr);
	if (!k) {
		rc = -errno;
		goto out;
	}
	rc = cxp_send(k->conn, CXP_MSG_RESULT, j->sig.tasklet_id, w.p, w.len);
	if (rc < 0)
		goto out;
	d->next = k->unacked;
	k->unacked = d;
	d = NULL;
out:
	if (rc < 0 && d)
		report_undelivered(c, d, j->sig.app_addr, strerror(-rc));
	free(d);
	cxp_wbuf_free(&w);
	job_free(j);
}

/* Every 100 ms on the I/O thread: reconnect to the trader, expire fetches,
 * unacknowledged results and idle links. */
static void io_tick(void *arg)
{
	struct rt_container *c = arg;
	uint64_t now = clock_now_ms();
	int stopping = atomic_load(&c->stopping);

	if (!c->tconn && !stopping && now >= c->next_connect_ms)
		connect_trader(c);
	for (struct job *j = c->fetching, *next; j; j = next) {
		next = j->fnext;
		if (stopping)
			fetch_finish(j, J_FAILED, CXP_E_LOST, "container %s is shutting down",
				     c->cfg.name);
		else if (now >= j->fetch_deadline_ms)
			fetch_finish(j, J_FAILED, CXP_E_NOTFOUND,
				     "timed out fetching chunks from application %s",
				     j->sig.app_addr);
	}
	for (struct app_link *k = c->links; k; k = k->next) {
		for (struct delivery **pp = &k->unacked, *d; (d = *pp);) {
			if (now - d->sent_ms < ACK_TIMEOUT_MS) {
				pp = &d->next;
				continue;
			}
			*pp = d->next;
			report_undelivered(c, d, k->addr, "no acknowledgement within 10 s");
			free(d);
			link_idle_check(k);
		}
		if (!k->fetches && !k->unacked && now - k->idle_since_ms >= LINK_IDLE_MS)
			link_close(k);
	}
	/* Keep ticking while stopping too: a fetch that starts late must still end. */
	cxp_loop_timer(c->loop, 100, io_tick, c);
}

/* ---- Workers --------------------------------------------------------------------- */

struct worker_arg {
	struct rt_container *c;
	unsigned idx;
};

static void run_job(struct rt_container *c, struct job *j)
{
	struct vm_limits lim = { .fuel = c->cfg.fuel, .seed = j->sig.seed };
	struct timespec t0, t1;

	pthread_mutex_lock(&j->mu);
	while (j->state == J_QUEUED || j->state == J_FETCHING)
		pthread_cond_wait(&j->cv, &j->mu);
	pthread_mutex_unlock(&j->mu);
	if (j->state == J_FAILED) {
		j->status = cxp_ecode_status(j->fail_code);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vm_run(j->st, j->sig.root, &lim, &j->res) < 0) {
		j->status = cxp_ecode_status(CXP_E_INTERNAL);
		snprintf(j->fail_msg, sizeof(j->fail_msg), "container %s: VM could not start",
			 c->cfg.name);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	j->run_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + (uint64_t)t1.tv_nsec -
		    (uint64_t)t0.tv_nsec;
	j->status = (uint32_t)j->res.status;
}

static void *worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct rt_container *c = wa->c;
	char role[48];
	enum rt_qclass cls;
	struct job *j;

	snprintf(role, sizeof(role), "%s/w%u", c->cfg.name, wa->idx);
	cxp_log_role(role);
	while ((j = rt_queue_pop(&c->q, wa->idx, &cls))) {
		if (atomic_load(&c->stopping)) {
			j->status = cxp_ecode_status(CXP_E_LOST);
			snprintf(j->fail_msg, sizeof(j->fail_msg),
				 "container %s shut down before running the tasklet", c->cfg.name);
		} else if (cxp_loop_post(c->loop, fetch_start, j) < 0) {
			j->status = cxp_ecode_status(CXP_E_INTERNAL);
			snprintf(j->fail_msg, sizeof(j->fail_msg), "container %s: out of memory",
				 c->cfg.name);
		} else {
			run_job(c, j);
		}
		cxp_log("tasklet %016llx %s (%s) in %.3f ms, fuel %llu",
			(unsigned long long)j->sig.tasklet_id,
			j->status == 0 ? "ran" : "failed", cls == RT_Q_PRIO ? "priority" : "economy",
			(double)j->run_ns / 1e6, (unsigned long long)j->res.fuel_used);
		if (cxp_loop_post(c->loop, result_send, j) < 0)
			job_free(j); /* cannot happen short of ENOMEM; the trader reports it lost */
	}
	free(wa);
	return NULL;
}

/* ---- Start / stop --------------------------------------------------------------------- */

static void *io_main(void *arg)
{
	struct rt_container *c = arg;
	int rc;

	cxp_log_role(c->cfg.name);
	connect_trader(c);
	cxp_loop_timer(c->loop, 100, io_tick, c);
	rc = cxp_loop_run(c->loop);
	if (rc < 0)
		cxp_log("event loop failed: %s", strerror(-rc));
	return NULL;
}

struct rt_container *rt_container_start(const struct rt_container_config *cfg)
{
	struct rt_container *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return NULL;
	c->cfg = *cfg;
	if (!c->cfg.name[0]) {
		char host[16] = "host";

		gethostname(host, sizeof(host) - 1);
		host[sizeof(host) - 1] = 0;
		snprintf(c->cfg.name, sizeof(c->cfg.name), "%s:%d", host, (int)getpid());
	}
	c->nworkers = cfg->workers ? cfg->workers : 1;
	if (!c->cfg.speed)
		c->cfg.speed = rt_measure_speed();
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	rc = rt_queue_init(&c->q, cfg->queue_max ? cfg->queue_max : 1024);
	if (rc < 0)
		goto err_free;
	c->loop = cxp_loop_new();
	if (!c->loop) {
		rc = -errno;
		cxp_log("cannot create the event loop: %s", strerror(errno));
		goto err_queue;
	}
	if (cfg->listen[0]) {
		rc = cxp_listen(c->loop, cfg->listen, &direct_handlers, c, c->listen_bound,
				sizeof(c->listen_bound));
		if (rc < 0) {
			cxp_log("cannot listen on %s: %s", cfg->listen, strerror(-rc));
			goto err_loop;
		}
	}
	c->workers = calloc(c->nworkers, sizeof(pthread_t));
	if (!c->workers) {
		rc = -ENOMEM;
		goto err_loop;
	}
	for (unsigned i = 0; i < c->nworkers; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (!wa) {
			rc = -ENOMEM;
			goto err_workers;
		}
		wa->c = c;
		wa->idx = i;
		rc = -pthread_create(&c->workers[i], NULL, worker_main, wa);
		if (rc) {
			free(wa);
			goto err_workers;
		}
	}
	rc = -pthread_create(&c->io, NULL, io_main, c);
	if (rc)
		goto err_workers;
	return c;

err_workers:
	rt_queue_close(&c->q);
	for (unsigned i = 0; i < c->nworkers; i++)
		if (c->workers[i])
			pthread_join(c->workers[i], NULL);
	free(c->workers);
err_loop:
	cxp_loop_free(c->loop);
err_queue:
	rt_queue_destroy(&c->q);
err_free:
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
	errno = -rc;
	return NULL;
}

int rt_container_wait_registered(struct rt_container *c, int timeout_ms)
{
	struct timespec ts = clock_deadline(timeout_ms);
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	while (!c->registered && rc == 0)
		rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	rc = c->registered ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

const char *rt_container_listen_addr(const struct rt_container *c)
{
	return c->listen_bound;
}

static void stop_loop(void *arg)
{
	cxp_loop_stop(arg);
}

static void close_links(void *arg)
{
	struct rt_container *c = arg;

	/* Unacknowledged results are reported to the trader as the links close,
	 * so the trader link goes last. */
	for (struct app_link *k = c->links; k; k = k->next)
		link_close(k);
	if (c->tconn)
		cxp_close(c->tconn, 0);
	/* Let queued results and DONE frames drain before the loop stops. */
	cxp_loop_timer(c->loop, 200, stop_loop, c->loop);
}

void rt_container_stop(struct rt_container *c)
{
	if (!c)
		return;
	atomic_store(&c->stopping, 1);
	rt_queue_close(&c->q);
	for (unsigned i = 0; i < c->nworkers; i++)
		pthread_join(c->workers[i], NULL);
	if (cxp_loop_post(c->loop, close_links, c) < 0)
		cxp_loop_stop(c->loop);
	pthread_join(c->io, NULL);
	cxp_loop_free(c->loop);
	rt_queue_destroy(&c->q);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c->workers);
	free(c);
}

/* ---- Speed --------------------------------------------------------------------------- */

uint32_t rt_measure_speed(void)
{
	static const char prog[] = "let i = 0; let s = 0;\n"
				   "while (i < 300000) { s = s + i % 7; i = i + 1; }\n"
				   "s;\n";
	struct vm_store *st = vm_store_new(0);
	struct vm_result res = { 0 };
	struct vm_limits lim = { 0 };
	struct timespec t0, t1;
	uint64_t root, ns;
	char err[256];
	uint32_t mips = 1;

	if (!st)
		return 1;
	if (jsl_compile(st, "<speed>", prog, sizeof(prog) - 1, &root, err, sizeof(err)) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vm_run(st, root, &lim, &res) < 0 || res.status != VM_OK)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + (uint64_t)t1.tv_nsec -
	     (uint64_t)t0.tv_nsec;
	if (ns)
		mips = (uint32_t)(res.fuel_used * 1000 / ns);
	if (!mips)
		mips = 1;
out:
	vm_result_free(&res);
	vm_store_free(st);
	return mips;
}

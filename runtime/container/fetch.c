/* SPDX-License-Identifier: MIT */
/*
 * Fetching a Tasklet's chunk graph from its application, on the I/O thread,
 * as soon as the Tasklet is admitted: FETCH the root, then whatever the
 * received chunks link to that is still missing, until the graph is whole.
 * Only then does the job go to a worker's queue (rt_sched_place), so no
 * worker ever waits on the network; a fetch that fails or times out is
 * answered to the application without touching a worker.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

#define FETCH_MAX_ROUNDS 1024

void rt_link_idle_check(struct app_link *k)
{
	if (!k->fetches && !k->unacked)
		k->idle_since_ms = clock_now_ms();
}

/* Take k out of use: new work (a result included) goes on a fresh connection. */
static void link_retire(struct app_link *k)
{
	if (k->closing)
		return;
	k->closing = 1;
	HASH_DEL(k->c->links, k);
}

static void link_close(struct app_link *k)
{
	if (k->closing)
		return;
	link_retire(k);
	cxp_close(k->conn, 0);
}

/* Detach j from its link (the fetch is over, one way or the other). */
static void fetch_detach(struct job *j)
{
	if (j->link) {
		j->link->fetches--;
		rt_link_idle_check(j->link);
		j->link = NULL;
	}
}

void rt_fetch_cancel(struct job *j)
{
	fetch_detach(j);
}

static void fetch_fail(struct job *j, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fetch_fail(struct job *j, uint32_t code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	fetch_detach(j);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_deliver_error(j->c, j, code, "%s", msg);
}

static void fetch_done(struct job *j)
{
	fetch_detach(j);
	rt_sched_place(j->c, j);
}

/* The job fetching tasklet tid over link k, or NULL (e.g. it timed out). */
static struct job *link_job(struct app_link *k, uint64_t tid)
{
	struct job *j;

	HASH_FIND(hh, k->c->jobs, &tid, sizeof(tid), j);
	if (j && j->link == k && atomic_load_explicit(&j->state, memory_order_relaxed) == J_FETCHING)
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
	if (ids != c->scratch.ids)
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
 * CHUNKS: store what came, ask for what is still missing. Returns < 0 when
 * the application sent something malformed: that closes its link.
 */
static int on_chunks(struct job *j, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct rt_container *c = j->c;
	struct cxp_chunks m;
	char err[256];
	int rc;

	rc = cxp_chunks_decode(payload, h->len, VM_CHUNK_WIRE_SIZE, &m, err, sizeof(err));
	if (rc < 0 || m.tasklet_id != j->sig.tasklet_id) {
		link_retire(j->link);
		fetch_fail(j, CXP_E_BADMSG,
			   "bad CHUNKS frame from application %s (tasklet %016llx, %u bytes): %s",
			   j->sig.app_addr, (unsigned long long)m.tasklet_id, h->len,
			   rc < 0 ? err : "for another tasklet");
		return -EPROTO;
	}
	for (uint32_t i = 0; i < m.n; i++) {
		struct vm_chunk ch;

		rc = vm_chunk_decode(m.chunks + (size_t)i * VM_CHUNK_WIRE_SIZE, VM_CHUNK_WIRE_SIZE,
				     &ch, err, sizeof(err));
		if (rc == 0)
			rc = vm_store_put(j->st, &ch);
		if (rc < 0) {
			link_retire(j->link);
		fetch_fail(j, CXP_E_BADMSG, "chunk %u of %u from %s: %s", i + 1, m.n,
				   j->sig.app_addr, rc == -EEXIST ? "conflicting duplicate id" : err);
			return -EPROTO;
		}
	}
	if (vm_store_count(j->st) > VM_MAX_TASKLET_CHUNKS) {
		link_retire(j->link);
		fetch_fail(j, CXP_E_BADMSG, "tasklet graph exceeds %u chunks",
			   VM_MAX_TASKLET_CHUNKS);
		return -EPROTO;
	}
	if (!vm_store_get(j->st, j->sig.root)) {
		link_retire(j->link);
		fetch_fail(j, CXP_E_NOTFOUND, "application %s did not send root chunk %llu",
			   j->sig.app_addr, (unsigned long long)j->sig.root);
		return -EPROTO;
	}
	rc = vm_store_missing(j->st, j->sig.root, VM_MAX_TASKLET_CHUNKS, c->scratch.ids,
			      CXP_FETCH_MAX);
	if (rc < 0) {
		link_retire(j->link);
		fetch_fail(j, CXP_E_BADMSG, "tasklet graph exceeds %u chunks",
			   VM_MAX_TASKLET_CHUNKS);
		return -EPROTO;
	}
	if (rc == 0) {
		fetch_done(j);
		return 0;
	}
	if (j->fetch_rounds > FETCH_MAX_ROUNDS) {
		link_retire(j->link);
		fetch_fail(j, CXP_E_BADMSG, "application %s: fetch did not converge",
			   j->sig.app_addr);
		return -EPROTO;
	}
	return send_fetch(j, c->scratch.ids, (uint32_t)rc);
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
		fetch_fail(j, CXP_E_NOTFOUND, "application %s: %s", j->sig.app_addr, e.msg);
		return 0;
	case CXP_MSG_RESULT_ACK:
		return rt_result_ack(k, h, payload);
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
	struct job *j, *tmp;
	char why[160];

	if (!k)
		return;
	c = k->c;
	snprintf(why, sizeof(why), "connection %s: %s", k->closing ? "closed" : "failed",
		 reason ? strerror(-reason) : "closed by the peer");
	link_retire(k); /* the failures below go to the application on a fresh link */
	HASH_ITER(hh, c->jobs, j, tmp) {
		if (j->link == k)
			fetch_fail(j, CXP_E_NOTFOUND, "connection to application %s %s during fetch: %s",
				   j->sig.app_addr, reason == 0 ? "closed" : "failed",
				   reason == 0 ? "peer closed" : strerror(-reason));
	}
	rt_deliveries_lost(c, k, why);
	free(k);
}

static const struct cxp_handlers app_handlers = {
	.on_frame = app_frame,
	.on_close = app_closed,
};

struct app_link *rt_link_get(struct rt_container *c, const struct vm_sig *sig)
{
	const char *addr = sig->app_addr;
	struct app_link *k;

	if (c->cfg.tls && !sig->app_cn[0]) {
		errno = EPERM; /* secure mode: whom to expect at the other end? */
		return NULL;
	}
	HASH_FIND_STR(c->links, addr, k);
	if (k)
		return k;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->c = c;
	snprintf(k->addr, sizeof(k->addr), "%s", addr);
	k->conn = c->cfg.tls ? cxp_connect_tls(c->loop, addr, c->cfg.tls, sig->app_cn,
					       &app_handlers, NULL)
			     : cxp_connect(c->loop, addr, &app_handlers, NULL);
	if (!k->conn) {
		free(k);
		return NULL;
	}
	cxp_conn_set_data(k->conn, k);
	k->idle_since_ms = clock_now_ms();
	HASH_ADD_STR(c->links, addr, k);
	return k;
}

void rt_fetch_start(struct rt_container *c, struct job *j)
{
	uint64_t root = j->sig.root;

	atomic_store_explicit(&j->state, J_FETCHING, memory_order_relaxed);
	j->st = vm_store_new(0);
	if (!j->st) {
		fetch_fail(j, CXP_E_INTERNAL, "container %s: out of memory", c->cfg.name);
		return;
	}
	j->fetch_deadline_ms =
		clock_now_ms() + (c->cfg.fetch_timeout_ms ? c->cfg.fetch_timeout_ms : 10000);
	j->link = rt_link_get(c, &j->sig);
	if (!j->link) {
		fetch_fail(j, CXP_E_NOTFOUND, "cannot connect to application %s: %s",
			   j->sig.app_addr, strerror(errno));
		return;
	}
	j->link->fetches++;
	if (send_fetch(j, &root, 1) < 0)
		fetch_fail(j, CXP_E_INTERNAL, "cannot send FETCH to %s", j->sig.app_addr);
}

void rt_fetch_tick(struct rt_container *c, uint64_t now_ms)
{
	struct job *j, *tmp;

	HASH_ITER(hh, c->jobs, j, tmp) {
		if (!j->link)
			continue;
		if (atomic_load(&c->stopping))
			fetch_fail(j, CXP_E_LOST, "container %s is shutting down", c->cfg.name);
		else if (now_ms >= j->fetch_deadline_ms)
			fetch_fail(j, CXP_E_NOTFOUND, "timed out fetching chunks from application %s",
				   j->sig.app_addr);
	}
}

void rt_links_tick(struct rt_container *c, uint64_t now_ms)
{
	struct app_link *k, *tmp;

	HASH_ITER(hh, c->links, k, tmp) {
		rt_deliveries_tick(c, k, now_ms);
		if (!k->fetches && !k->unacked && now_ms - k->idle_since_ms >= RT_LINK_IDLE_MS)
			link_close(k);
	}
}

void rt_links_close(struct rt_container *c)
{
	struct app_link *k, *tmp;

	HASH_ITER(hh, c->links, k, tmp)
		link_close(k);
}

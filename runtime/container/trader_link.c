/* SPDX-License-Identifier: MIT */
/*
 * The container's link to its trader (I/O thread): REGISTER (with the
 * capacity per class), reconnecting every second while the trader is away
 * (what the container holds keeps running meanwhile), a HEARTBEAT every
 * RT_HEARTBEAT_MS with the queues' state, DONE once a result was
 * acknowledged, and, when draining, DRAINING and a HANDBACK per Tasklet it
 * gives back unrun.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

#define RT_HEARTBEAT_MS 1000

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
		cxp_log("registered with trader %s as container %llu (%s, %u workers, capacity %u "
			"priority + %u economy)",
			c->cfg.trader, (unsigned long long)c->id, c->cfg.name, c->nworkers,
			c->capacity[RT_DQ_PRIO], c->capacity[RT_DQ_ECON]);
		if (c->draining)
			rt_trader_draining(c);
		return 0;
	case CXP_MSG_ASSIGN:
		rt_assign(c, conn, h, payload, 1);
		return 0;
	case CXP_MSG_CANCEL: {
		struct cxp_cancel m;

		if (cxp_cancel_decode(payload, h->len, &m, err, sizeof(err)) < 0) {
			cxp_log("trader %s: %s", c->cfg.trader, err);
			return -EPROTO;
		}
		rt_cancel(c, m.tasklet_id, m.attempt);
		return 0;
	}
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
		cxp_log("lost trader %s (%s); reconnecting, and keeping what is queued",
			c->cfg.trader, reason ? strerror(-reason) : "closed");
	c->next_connect_ms = clock_now_ms() + 1000;
}

static const struct cxp_handlers trader_handlers = {
	.on_connect = trader_connected,
	.on_frame = trader_frame,
	.on_close = trader_closed,
};

void rt_trader_connect(struct rt_container *c)
{
	struct cxp_register r = { 0 };
	struct cxp_wbuf w;

	c->tconn = c->cfg.tls
		       ? cxp_connect_tls(c->loop, c->cfg.trader, c->cfg.tls,
					 c->cfg.trader_name[0] ? c->cfg.trader_name : "trader",
					 &trader_handlers, c)
		       : cxp_connect(c->loop, c->cfg.trader, &trader_handlers, c);
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
	r.flags = (c->cfg.no_priority ? 0 : CXP_CAP_PRIORITY) | (c->inject.on ? CXP_CAP_INJECT : 0) |
		  (c->cfg.tls ? CXP_CAP_TLS : 0);
	r.capacity[0] = c->capacity[0];
	r.capacity[1] = c->capacity[1];
	snprintf(r.host, sizeof(r.host), "%s", c->cfg.host);
	cxp_wbuf_init(&w);
	cxp_register_encode(&w, &r);
	if (!w.err)
		cxp_send(c->tconn, CXP_MSG_REGISTER, 1, w.p, w.len);
	cxp_wbuf_free(&w);
	c->next_hb_ms = clock_now_ms() + RT_HEARTBEAT_MS;
}

static void heartbeat(struct rt_container *c)
{
	struct cxp_heartbeat hb = { 0 };
	uint8_t buf[64];
	struct cxp_wbuf w;

	for (int k = 0; k < 2; k++) {
		hb.depth[k] = rt_sched_depth(c, (enum rt_dq_class)k);
		hb.held[k] = c->held[k];
		hb.capacity[k] = c->capacity[k];
	}
	hb.running = rt_sched_running(c);
	hb.speed = atomic_load(&c->speed);
	hb.flags = c->draining ? CXP_HB_DRAINING : 0;
	cxp_wbuf_init_fixed(&w, buf, sizeof(buf));
	cxp_heartbeat_encode(&w, &hb);
	if (!w.err)
		cxp_send(c->tconn, CXP_MSG_HEARTBEAT, 0, w.p, w.len);
}

void rt_trader_tick(struct rt_container *c, uint64_t now_ms)
{
	if (!c->tconn && !atomic_load(&c->stopping) && now_ms >= c->next_connect_ms)
		rt_trader_connect(c);
	if (c->tconn && c->registered && now_ms >= c->next_hb_ms) {
		heartbeat(c);
		c->next_hb_ms = now_ms + RT_HEARTBEAT_MS;
	}
}

void rt_trader_draining(struct rt_container *c)
{
	if (c->tconn)
		cxp_send_id(c->tconn, CXP_MSG_DRAINING, c->id, c->id);
}

/*
 * Give j back to the trader unrun, which places it elsewhere; without a
 * trader to give it to (a direct ASSIGN, or the trader is away), its
 * application hears that the container shut down. Either way j leaves.
 */
void rt_trader_handback(struct rt_container *c, struct job *j)
{
	if (j->from_trader && c->tconn &&
	    cxp_send_id(c->tconn, CXP_MSG_HANDBACK, j->sig.tasklet_id, j->sig.tasklet_id) == 0) {
		cxp_log("tasklet %016llx handed back to trader %s", (unsigned long long)j->sig.tasklet_id,
			c->cfg.trader);
		rt_job_release(c, j);
		rt_job_free(j);
		return;
	}
	rt_deliver_error(c, j, CXP_E_LOST, "container %s shut down before running the tasklet",
			 c->cfg.name);
}

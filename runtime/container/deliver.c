/* SPDX-License-Identifier: MIT */
/*
 * Results, on the I/O thread. A result counts as delivered when the
 * application acknowledges it (RESULT_ACK); only then does the trader hear
 * DONE. A result that cannot be sent, whose link breaks before the
 * acknowledgement, or that is not acknowledged within RT_ACK_TIMEOUT_MS, is
 * reported to the trader as UNDELIVERED, and the trader passes that on to
 * the application. Either way the job leaves the container here.
 *
 * A link that breaks before the acknowledgement (the application's host
 * unreachable for a moment, a connection reset) does not lose the result
 * at once: it is sent again on a new link, up to RT_REDELIVER_SENDS sends
 * in all, RT_REDELIVER_MS x the sends so far apart (the application keeps
 * the first answer of a Tasklet, so a result that did arrive before the
 * break is not counted twice); only then is it reported UNDELIVERED.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

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

static void delivery_free(struct delivery *d)
{
	if (d)
		free(d->frame);
	free(d);
}

void rt_deliveries_lost(struct rt_container *c, struct app_link *k, const char *why)
{
	struct delivery *d, *tmp;
	uint64_t now = clock_now_ms();

	HASH_ITER(hh, k->unacked, d, tmp) {
		HASH_DEL(k->unacked, d);
		if (d->frame && d->sends < RT_REDELIVER_SENDS && !c->closing_links) {
			d->retry_ms = now + (uint64_t)RT_REDELIVER_MS * d->sends;
			cxp_log("tasklet %016llx: link to %s lost before the result was acknowledged "
				"(%s); sending it again in %u ms",
				(unsigned long long)d->tasklet_id, k->addr, why,
				RT_REDELIVER_MS * d->sends);
			d->next = c->redeliver;
			c->redeliver = d;
			continue;
		}
		report_undelivered(c, d, k->addr, why);
		delivery_free(d);
	}
}

/* Send d on a link to its application: 0 (it is on the link's unacked), or
 * -errno (d untouched). */
static int send_delivery(struct rt_container *c, struct delivery *d, const uint8_t *p,
			 size_t len, struct app_link **kout)
{
	struct vm_sig sig = { 0 }; /* rt_link_get reads the address and the name only */
	struct delivery *old;
	struct app_link *k;
	int rc;

	snprintf(sig.app_addr, sizeof(sig.app_addr), "%s", d->app_addr);
	snprintf(sig.app_cn, sizeof(sig.app_cn), "%s", d->app_cn);
	k = rt_link_get(c, &sig);
	if (!k)
		return errno ? -errno : -ENOMEM;
	rc = cxp_send(k->conn, CXP_MSG_RESULT, d->tasklet_id, p, len);
	if (rc < 0)
		return rc;
	d->sends++;
	d->sent_ms = clock_now_ms();
	/* A Tasklet id is admitted once at a time, so a second RESULT for it on
	 * this link replaces a stale entry rather than adding one. */
	HASH_FIND(hh, k->unacked, &d->tasklet_id, sizeof(d->tasklet_id), old);
	if (old) {
		HASH_DEL(k->unacked, old);
		delivery_free(old);
	}
	HASH_ADD(hh, k->unacked, tasklet_id, sizeof(d->tasklet_id), d);
	if (kout)
		*kout = k;
	return 0;
}

void rt_redeliver_tick(struct rt_container *c, uint64_t now_ms, int flush)
{
	struct delivery **pp = &c->redeliver, *d;

	while ((d = *pp)) {
		int rc;

		if (!flush && now_ms < d->retry_ms) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		d->next = NULL;
		if (flush) {
			report_undelivered(c, d, d->app_addr, "the container shut down");
			delivery_free(d);
			continue;
		}
		rc = send_delivery(c, d, d->frame, d->frame_len, NULL);
		if (rc < 0) {
			report_undelivered(c, d, d->app_addr, strerror(-rc));
			delivery_free(d);
		}
	}
}

void rt_deliveries_tick(struct rt_container *c, struct app_link *k, uint64_t now_ms)
{
	struct delivery *d, *tmp;

	HASH_ITER(hh, k->unacked, d, tmp) {
		if (now_ms - d->sent_ms < RT_ACK_TIMEOUT_MS)
			continue;
		HASH_DEL(k->unacked, d);
		report_undelivered(c, d, k->addr, "no acknowledgement within 10 s");
		delivery_free(d);
		rt_link_idle_check(k);
	}
}

int rt_result_ack(struct app_link *k, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct rt_container *c = k->c;
	struct delivery *d;
	uint64_t tid;
	char err[160];

	if (cxp_id_decode(h->type, payload, h->len, &tid, err, sizeof(err)) < 0) {
		cxp_log("%s: %s", k->addr, err);
		return -EPROTO;
	}
	HASH_FIND(hh, k->unacked, &tid, sizeof(tid), d);
	if (!d) {
		cxp_log("%s: RESULT_ACK for tasklet %016llx, which it was not sent (ignored)",
			k->addr, (unsigned long long)tid);
		return 0;
	}
	HASH_DEL(k->unacked, d);
	if (d->from_trader && c->tconn) {
		struct cxp_done done = { .tasklet_id = tid, .attempt = d->attempt,
					 .fuel_used = d->fuel_used };
		uint8_t b[32];
		struct cxp_wbuf w;

		cxp_wbuf_init_fixed(&w, b, sizeof(b));
		cxp_done_encode(&w, &done);
		cxp_send(c->tconn, CXP_MSG_DONE, tid, w.p, w.len);
	}
	delivery_free(d);
	rt_link_idle_check(k);
	return 0;
}

/* Send j's result; j leaves the container's books; freed unless keep. */
static void deliver(struct rt_container *c, struct job *j, int keep)
{
	struct cxp_result r = { 0 };
	struct delivery *d = calloc(1, sizeof(*d));
	struct app_link *k = NULL;
	struct cxp_wbuf w;
	int rc = -ENOMEM;

	if (j->local_done) {
		struct rt_local_result lr = {
			.status = j->status, .fuel_used = j->res.fuel_used, .run_ns = j->run_ns,
			.queue_ns = j->wait_ns, .worker = j->ran_on,
			.stolen = j->start_seq && j->ran_on != j->worker,
		};

		j->local_done(j->local_arg, &lr);
		rt_job_release(c, j);
		if (!keep)
			rt_job_free(j);
		free(d);
		return;
	}
	if (!keep)
		atomic_store_explicit(&j->state, J_DELIVERING, memory_order_relaxed);
	r.tasklet_id = j->sig.tasklet_id;
	snprintf(r.container, sizeof(r.container), "%s", c->cfg.name);
	r.status = j->status;
	r.fuel_used = j->res.fuel_used;
	r.run_ns = j->run_ns;
	r.queue_ns = j->wait_ns;
	r.start_seq = j->start_seq;
	r.worker = j->ran_on;
	r.flags = (j->start_seq ? CXP_RESULT_RAN : 0) |
		  (j->start_seq && j->ran_on != j->worker ? CXP_RESULT_STOLEN : 0);
	r.attempt = j->sig.attempt;
	r.cost_micro = j->res.fuel_used * c->cfg.price;
	r.output = j->res.output ? j->res.output : "";
	r.output_len = j->res.output ? j->res.output_len : 0;
	r.value = j->res.value ? j->res.value : "";
	r.value_len = strlen(r.value);
	if (j->inject_lie) {
		/* --inject lie: what a dishonest or broken host would send */
		r.value = "'forged by fault injection'";
		r.value_len = strlen(r.value);
	}
	cxp_result_digest(r.status, r.output, r.output_len, r.value, r.value_len, r.digest);
	r.error = j->status ? (j->fail_msg[0] ? j->fail_msg : j->res.error) : "";
	if (!r.error)
		r.error = "";
	r.error_len = strlen(r.error);

	cxp_wbuf_init(&w);
	cxp_result_encode(&w, &r);
	if (!d || w.err)
		goto out;
	d->tasklet_id = j->sig.tasklet_id;
	d->attempt = j->sig.attempt;
	d->fuel_used = j->res.fuel_used;
	d->from_trader = j->from_trader;
	d->sent_ms = clock_now_ms();
	snprintf(d->why, sizeof(d->why), "%s", r.error);
	snprintf(d->app_addr, sizeof(d->app_addr), "%s", j->sig.app_addr);
	snprintf(d->app_cn, sizeof(d->app_cn), "%s", j->sig.app_cn);
	if (w.len <= RT_REDELIVER_MAX && (d->frame = malloc(w.len ? w.len : 1)))
		memcpy(d->frame, w.p, w.len), d->frame_len = (uint32_t)w.len;
	rc = send_delivery(c, d, w.p, w.len, &k);
	if (rc == 0 && j->inject_reset) {
		/* --inject reset: the link breaks before the acknowledgement */
		cxp_log("fault injection: link to %s reset after the result of tasklet %016llx",
			k->addr, (unsigned long long)j->sig.tasklet_id);
		cxp_close(k->conn, -ECONNRESET);
	}
	if (rc == 0)
		d = NULL;
out:
	if (rc < 0 && d)
		report_undelivered(c, d, j->sig.app_addr, strerror(-rc));
	delivery_free(d);
	cxp_wbuf_free(&w);
	rt_job_release(c, j);
	if (!keep)
		rt_job_free(j);
}

void rt_deliver(struct rt_container *c, struct job *j)
{
	deliver(c, j, 0);
}

void rt_deliver_early(struct rt_container *c, struct job *j, uint32_t code, const char *msg)
{
	/* The caller won j from its queue (state QUEUED -> DELIVERING): the worker
	 * that pops it will not run it, and frees it (handed_back). */
	atomic_store(&j->handed_back, 1);
	j->status = cxp_ecode_status(code);
	snprintf(j->fail_msg, sizeof(j->fail_msg), "%s", msg);
	cxp_log("tasklet %016llx answered while queued: %s", (unsigned long long)j->sig.tasklet_id,
		msg);
	deliver(c, j, 1);
}

void rt_deliver_error(struct rt_container *c, struct job *j, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	j->status = cxp_ecode_status(code);
	va_start(ap, fmt);
	vsnprintf(j->fail_msg, sizeof(j->fail_msg), fmt, ap);
	va_end(ap);
	cxp_log("tasklet %016llx failed before running: %s", (unsigned long long)j->sig.tasklet_id,
		j->fail_msg);
	rt_deliver(c, j);
}

/* SPDX-License-Identifier: MIT */
/*
 * ASSIGN: a signature from the trader (or from a peer on the optional
 * direct endpoint) becomes a job. Admission is by capacity per class: the
 * trader knows the capacity from REGISTER and offers no more than that, so
 * a refusal here ("container busy") means the trader's view was stale, not
 * that the container is loaded. An admitted job starts fetching at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/container/container_int.h"

void rt_job_free(struct job *j)
{
	if (j->st)
		vm_store_free(j->st);
	vm_result_free(&j->res);
	free(j);
}

void rt_job_release(struct rt_container *c, struct job *j)
{
	HASH_DEL(c->jobs, j);
	if (j->deadline_ns && c->ndeadline)
		c->ndeadline--;
	if (c->held[j->cls])
		c->held[j->cls]--;
}

void rt_assign(struct rt_container *c, struct cxp_conn *from, const struct cxp_hdr *h,
	       const uint8_t *payload, int from_trader)
{
	struct job *j = calloc(1, sizeof(*j)), *dup;
	const char *qname;
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
	if (!from_trader) {
		/* The direct endpoint: only the sender itself can be fetched from
		 * (and, in secure mode, only under its certificate's name). */
		rc = cxp_sig_vouch(from, &j->sig, c->cfg.tls != NULL, err, sizeof(err));
		if (rc < 0) {
			cxp_log("%s: rejected ASSIGN: %s", cxp_conn_peer(from), err);
			cxp_send_error(from, h->reqid, CXP_E_BADMSG, "container %s: %s", c->cfg.name,
				       err);
			free(j);
			return;
		}
	}
	j->c = c;
	j->from_trader = from_trader;
	j->cls = (!c->cfg.no_priority && vm_qos_is_priority(j->sig.qos, j->sig.nqos)) ? RT_DQ_PRIO
										     : RT_DQ_ECON;
	qname = j->cls == RT_DQ_PRIO ? "priority" : "economy";
	{
		const struct vm_qos_param *d =
			vm_qos_param(j->sig.qos, j->sig.nqos, VM_QOS_DEADLINE, 0, VM_QOS_P_INT);

		if (d && d->i > 0)
			j->deadline_ns = j->sig.start_ns + (uint64_t)d->i * 1000000ull;
	}
	if (j->deadline_ns)
		c->ndeadline++;
	HASH_FIND(hh, c->jobs, &j->sig.tasklet_id, sizeof(j->sig.tasklet_id), dup);
	if (dup && from_trader && dup->from_trader && j->sig.attempt >= dup->sig.attempt) {
		/* The trader placed it again (it suspected us, or it restarted and
		 * its application submitted it again) and chose us again: the run we
		 * have answers the newer placement. */
		cxp_log("tasklet %016llx: attempt %u replaces attempt %u here",
			(unsigned long long)j->sig.tasklet_id, j->sig.attempt, dup->sig.attempt);
		dup->sig.attempt = j->sig.attempt;
		free(j);
		return;
	}
	if (dup) {
		cxp_log("%s: rejected ASSIGN: tasklet %016llx is already here",
			cxp_conn_peer(from), (unsigned long long)j->sig.tasklet_id);
		cxp_send_error(from, h->reqid, CXP_E_BADMSG,
			       "container %s: tasklet %016llx is already here", c->cfg.name,
			       (unsigned long long)j->sig.tasklet_id);
		free(j);
		return;
	}
	if (c->draining || atomic_load(&c->stopping) || c->held[j->cls] >= c->capacity[j->cls]) {
		const char *why = c->draining || atomic_load(&c->stopping) ? "shutting down" : "full";

		cxp_log("tasklet %016llx refused: %s (%s: %u of %u held)",
			(unsigned long long)j->sig.tasklet_id, why, qname, c->held[j->cls],
			c->capacity[j->cls]);
		cxp_send_error(from, h->reqid, CXP_E_BUSY, "container %s: %s queues %s",
			       c->cfg.name, qname, why);
		free(j);
		return;
	}
	if (rt_inject_admit(c, j)) {
		free(j); /* dropped: no result, no DONE, as if lost on the way */
		return;
	}
	c->held[j->cls]++;
	HASH_ADD(hh, c->jobs, sig.tasklet_id, sizeof(j->sig.tasklet_id), j);
	if (c->cfg.verbose)
		cxp_log("tasklet %016llx admitted (%s) from %s",
			(unsigned long long)j->sig.tasklet_id, qname, j->sig.app_addr);
	rt_fetch_start(c, j);
}

void rt_cancel(struct rt_container *c, uint64_t tid, uint32_t attempt)
{
	struct job *j;
	int st;

	HASH_FIND(hh, c->jobs, &tid, sizeof(tid), j);
	if (!j || !j->from_trader || j->sig.attempt != attempt) {
		if (c->cfg.verbose)
			cxp_log("tasklet %016llx: CANCEL of attempt %u, which is not here (ignored)",
				(unsigned long long)tid, attempt);
		return;
	}
	if (c->inject.deaf) {
		cxp_log("fault injection: CANCEL of tasklet %016llx attempt %u ignored (deaf)",
			(unsigned long long)tid, attempt);
		return;
	}
	st = atomic_load(&j->state);
	switch (st) {
	case J_FETCHING:
		rt_fetch_cancel(j);
		rt_job_release(c, j);
		rt_job_free(j);
		break;
	case J_QUEUED:
		/* Win it from its queue; the worker that pops it only frees it. */
		if (!atomic_compare_exchange_strong(&j->state, &st, J_DELIVERING)) {
			st = atomic_load(&j->state);
			if (st != J_RUNNING)
				return;
		}
		/* fall through: a worker claimed it this instant, stop it as running */
		/* FALLTHROUGH */
	case J_RUNNING:
		/* The worker stops it at its next slice and frees it (worker.c). */
		atomic_store(&j->handed_back, 1);
		rt_job_release(c, j);
		break;
	default: /* its result is on its way already */
		return;
	}
	cxp_log("tasklet %016llx attempt %u cancelled by the trader (%s)", (unsigned long long)tid,
		attempt, st == J_FETCHING ? "was fetching" : st == J_QUEUED ? "was queued" : "was running");
}

/* The optional direct endpoint takes ASSIGN frames only. */
static int direct_frame(struct cxp_conn *conn, const struct cxp_hdr *h, const uint8_t *payload,
			void *ud)
{
	size_t unread = cxp_conn_unsent(conn);

	/* A peer that sends and never reads the answers: as the trader does
	 * (tasklet-security(7)), no more than 1 MiB is buffered for it. */
	if (unread > (1u << 20)) {
		cxp_log("%s: closing: it sends requests but does not read the answers (%zu bytes "
			"unread)",
			cxp_conn_peer(conn), unread);
		return -ENOBUFS;
	}
	if (h->type == CXP_MSG_ASSIGN) {
		rt_assign(ud, conn, h, payload, 0);
		return 0;
	}
	cxp_log("%s: unexpected %s frame on the container endpoint", cxp_conn_peer(conn),
		cxp_type_name(h->type));
	cxp_send_error(conn, h->reqid, CXP_E_BADMSG, "a container endpoint takes ASSIGN only");
	cxp_close(conn, -EPROTO); /* after the error is sent */
	return 0;
}

const struct cxp_handlers rt_direct_handlers = {
	.on_frame = direct_frame,
};

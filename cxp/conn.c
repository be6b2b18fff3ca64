/* SPDX-License-Identifier: MIT */
/*
 * Accessors of a connection that need its layout (cxp_int.h) but nothing of
 * the loop's machinery. Kept apart from loop.c so that the loop's internals
 * can change without these moving.
 */
#include "cxp/cxp.h"
#include "cxp/cxp_int.h"

size_t cxp_conn_unsent(const struct cxp_conn *c)
{
	size_t n = (c->snd.len - c->snd.off) + c->pend.len;

	if (c->tp && c->tp->tx_held && c->tpd)
		n += c->tp->tx_held(c);
	return n;
}

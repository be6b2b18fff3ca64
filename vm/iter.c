/* SPDX-License-Identifier: MIT */
/*
 * for-of over a Map or a Set, walked live as JavaScript walks it: an entry
 * added during the loop is visited, one deleted before its turn is not, and
 * clear() followed by add() goes on with the new entries (the FORNEXT and
 * ITERDONE opcodes, vm/opcodes.def). A typed array is walked by index, its
 * elements read at each step (arrays are, inline in FORNEXT).
 *
 * The cursor is an index into the table's entries. Entries keep their places
 * while a walk is on: jsl_tab_set does not compact, and jsl_tab_del and
 * jsl_tab_clear leave holes instead of renumbering, as long as the table's
 * niter is not 0. A walk counts itself in niter at its first step and out at
 * its last, or at ITERDONE when a break or return leaves the loop early; a
 * walk that a throw ends stays counted, which only keeps that table from
 * compacting (its holes stay, charged to the heap) for the rest of the run.
 */
#include "vm/jsl_int.h"

int jsl_iter_step(struct jsl_vm *vm, jv *ra, bool *done)
{
	struct jsl_objt *o;
	struct jsl_tab *t;
	uint32_t i, start;
	double d;

	if (!(jv_is_objtype(ra[0], JSL_OBJ_MAP) || jv_is_objtype(ra[0], JSL_OBJ_SET) ||
	      jv_is_objtype(ra[0], JSL_OBJ_TARR)) ||
	    !jv_is_num(ra[1]))
		return jsl_throw(vm, "TypeError: for-of over a value that is not iterable");
	d = jv_num(ra[1]);
	if (!(d >= 0 && d <= UINT32_MAX && d == (double)(uint32_t)d))
		return jsl_throw(vm, "TypeError: for-of cursor out of range");
	if (jv_is_objtype(ra[0], JSL_OBJ_TARR)) {
		/* as an array: the elements as they are at each step */
		const struct jsl_tarr *ta = (const struct jsl_tarr *)jv_obj(ra[0]);

		*done = d >= ta->len;
		if (!*done) {
			ra[2] = jv_from_num(jsl_tarr_get(ta, (uint32_t)d));
			ra[1] = jv_from_num(d + 1);
		}
		return 0;
	}
	o = (struct jsl_objt *)jv_obj(ra[0]);
	t = &o->t;
	start = i = (uint32_t)d;
	if (i == 0)
		t->niter++;
	while (i < t->n && t->e[2 * i] == JV_HOLE)
		i++;
	jsl_charge(vm, i - start); /* the holes skipped: deletions already paid for once */
	if (i >= t->n) {
		if (t->niter)
			t->niter--;
		*done = true;
		return 0;
	}
	*done = false;
	if (jv_is_objtype(ra[0], JSL_OBJ_MAP)) {
		jv pair;
		struct jsl_arr *p;

		if (jsl_new_arr(vm, 2, &pair) < 0)
			return -1;
		/* read the entry after allocating: the table itself does not move */
		p = (struct jsl_arr *)jv_obj(pair);
		jsl_wb(&vm->heap, p);
		p->v[0] = t->e[2 * i];
		p->v[1] = t->e[2 * i + 1];
		p->len = 2;
		ra[2] = pair;
	} else {
		ra[2] = t->e[2 * i];
	}
	ra[1] = jv_from_num((double)(i + 1));
	return 0;
}

void jsl_iter_done(jv it)
{
	if (jv_is_objtype(it, JSL_OBJ_MAP) || jv_is_objtype(it, JSL_OBJ_SET)) {
		struct jsl_tab *t = &((struct jsl_objt *)jv_obj(it))->t;

		if (t->niter)
			t->niter--;
	}
}

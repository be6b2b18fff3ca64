/* SPDX-License-Identifier: MIT */
/*
 * String chunks (vm/vm.h, man tasklet-chunks(7)): a chain of DATA chunks,
 * each holding the length still to come in s[0], up to 112 bytes in
 * s[1..14] (8 per BYTES slot, only the last one shorter) and a LINK to the
 * rest in s[15] exactly when more than 112 bytes are still to come.
 *
 * Because every chunk must state the remaining length, and that length falls
 * by 112 at each hop, a chain can neither loop nor run longer than
 * VM_STR_MAX / 112 + 1 chunks: the length check is the cycle check.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "vm/chunk_int.h"
#include "vm/qos_int.h"
#include "vm/vm.h"

#define STR_S_LEN   0
#define STR_S_FIRST 1
#define STR_NSLOTS  14
#define STR_S_NEXT  (VM_CHUNK_SLOTS - 1)
#define STR_CHUNK   (STR_NSLOTS * VM_SLOT_PAYLOAD) /* 112 bytes per chunk */

_Static_assert(STR_S_FIRST + STR_NSLOTS == STR_S_NEXT, "string slots fill the chunk");

int vm_str_store(struct vm_store *st, const void *s, size_t n, uint64_t *id)
{
	const uint8_t *p = s;
	struct vm_chunk *c, *prev = NULL;
	size_t off = 0;

	if (n > VM_STR_MAX)
		return -E2BIG;
	if (n && !s)
		return -EINVAL;
	do {
		size_t rem = n - off, take = rem < STR_CHUNK ? rem : STR_CHUNK;

		c = vm_chain_add(st, VM_CHUNK_DATA, STR_S_NEXT, &prev, id);
		if (!c)
			return -ENOMEM; /* chunks made so far stay, unreachable */
		vm_slot_set_int(c, STR_S_LEN, (int64_t)rem);
		for (size_t k = 0; k * VM_SLOT_PAYLOAD < take; k++) {
			size_t m = take - k * VM_SLOT_PAYLOAD;

			vm_slot_set_bytes(c, STR_S_FIRST + (unsigned)k,
					  p + off + k * VM_SLOT_PAYLOAD,
					  m < VM_SLOT_PAYLOAD ? m : VM_SLOT_PAYLOAD);
		}
		off += take;
	} while (off < n);
	return 0;
}

/* Checks one chunk of a chain that has rem bytes still to come, copying its bytes. */
static int check_chunk(const struct vm_chunk *c, int64_t rem, size_t off, uint8_t *buf, size_t cap,
		       char *err, size_t errlen)
{
	size_t take = rem < STR_CHUNK ? (size_t)rem : STR_CHUNK;
	size_t nslots = (take + VM_SLOT_PAYLOAD - 1) / VM_SLOT_PAYLOAD;

	for (unsigned k = 0; k < STR_NSLOTS; k++) {
		const struct vm_slot *s = &c->s[STR_S_FIRST + k];
		size_t want = k < nslots
				  ? (k + 1 < nslots ? VM_SLOT_PAYLOAD : take - k * VM_SLOT_PAYLOAD)
				  : 0;
		size_t at = off + k * VM_SLOT_PAYLOAD;

		if (k >= nslots) {
			if (s->type != VM_SLOT_EMPTY)
				return vm_fail(
				    -EINVAL, err, errlen,
				    "string chunk 0x%" PRIx64 ": slot %u is %s, want EMPTY "
				    "(only %zu bytes left)",
				    c->id, STR_S_FIRST + k, vm_slot_type_name(s->type), take);
			continue;
		}
		if (s->type != VM_SLOT_BYTES || s->len != want)
			return vm_fail(-EINVAL, err, errlen,
				       "string chunk 0x%" PRIx64
				       ": slot %u is %s of length %u, want "
				       "BYTES of length %zu",
				       c->id, STR_S_FIRST + k, vm_slot_type_name(s->type),
				       s->type == VM_SLOT_BYTES ? s->len : 0, want);
		if (at < cap)
			memcpy(buf + at, s->v.b, cap - at < want ? cap - at : want);
	}
	return 0;
}

int64_t vm_str_read(const struct vm_store *st, uint64_t id, void *buf, size_t cap, char *err,
		    size_t errlen)
{
	const struct vm_chunk *c = vm_store_get(st, id);
	int64_t total = 0;
	size_t off = 0;
	int rc;

	if (!buf)
		cap = 0;
	for (;;) {
		const struct vm_slot *len, *next;
		int64_t rem;

		if (!c)
			return vm_fail(-ENOENT, err, errlen,
				       "string chunk 0x%" PRIx64
				       " (at byte %zu) is not in the store",
				       id, off);
		if (c->kind != VM_CHUNK_DATA)
			return vm_fail(-EINVAL, err, errlen,
				       "string chunk 0x%" PRIx64 ": kind %s, want DATA", c->id,
				       vm_chunk_kind_name(c->kind));
		len = &c->s[STR_S_LEN];
		if (len->type != VM_SLOT_INT)
			return vm_fail(-EINVAL, err, errlen,
				       "string chunk 0x%" PRIx64
				       ": slot 0 is %s, want the INT length",
				       c->id, vm_slot_type_name(len->type));
		rem = len->v.i;
		if (!off) {
			if (rem < 0 || rem > (int64_t)VM_STR_MAX)
				return vm_fail(-EINVAL, err, errlen,
					       "string chunk 0x%" PRIx64 ": length %" PRId64
					       " outside 0..%u",
					       c->id, rem, VM_STR_MAX);
			total = rem;
		} else if (rem != total - (int64_t)off) {
			return vm_fail(-EINVAL, err, errlen,
				       "string chunk 0x%" PRIx64 ": says %" PRId64
				       " bytes remain, want %" PRId64 " (%" PRId64 " - %zu)",
				       c->id, rem, total - (int64_t)off, total, off);
		}
		rc = check_chunk(c, rem, off, buf, cap, err, errlen);
		if (rc)
			return rc;
		next = &c->s[STR_S_NEXT];
		if (rem <= (int64_t)STR_CHUNK) {
			if (next->type != VM_SLOT_EMPTY)
				return vm_fail(-EINVAL, err, errlen,
					       "string chunk 0x%" PRIx64
					       ": slot 15 is %s after the last "
					       "bytes, want EMPTY",
					       c->id, vm_slot_type_name(next->type));
			return total;
		}
		if (next->type != VM_SLOT_LINK)
			return vm_fail(
			    -EINVAL, err, errlen,
			    "string chunk 0x%" PRIx64 ": slot 15 is %s, want a LINK to the "
			    "remaining %" PRId64 " bytes",
			    c->id, vm_slot_type_name(next->type), rem - (int64_t)STR_CHUNK);
		off += STR_CHUNK;
		id = next->v.link;
		c = vm_store_get(st, id);
	}
}

int64_t vm_str_len(const struct vm_store *st, uint64_t id)
{
	return vm_str_read(st, id, NULL, 0, NULL, 0);
}

int64_t vm_str_load(const struct vm_store *st, uint64_t id, void *buf, size_t cap)
{
	return vm_str_read(st, id, buf, cap, NULL, 0);
}

struct copy_arg {
	struct vm_store *dst;
};

static int copy_chunk(const struct vm_chunk *c, void *arg)
{
	struct copy_arg *a = arg;
	int rc = vm_store_put(a->dst, c);

	return rc == -EEXIST ? 0 : rc;
}

int vm_attach_input(struct vm_store *st, uint64_t root, const char *json, size_t len,
		    uint64_t *new_root, char *err, size_t errlen)
{
	struct vm_store *tmp = vm_store_new(0);
	struct copy_arg a = { .dst = tmp };
	const struct vm_chunk *r;
	struct vm_chunk nr;
	uint64_t in;
	int rc;

	if (!tmp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (len > VM_STR_MAX) {
		snprintf(err, errlen, "input of %zu bytes (at most %u)", len, VM_STR_MAX);
		rc = -E2BIG;
		goto out;
	}
	r = vm_store_get(st, root);
	if (!r || r->kind != VM_CHUNK_ROOT) {
		snprintf(err, errlen, "input: no root chunk %llu", (unsigned long long)root);
		rc = -ENOENT;
		goto out;
	}
	/* The graph under owner-scoped copies, then sealed again: unchanged chunks
	 * get the content ids they have. */
	rc = vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, copy_chunk, &a, NULL);
	if (rc >= 0)
		rc = vm_str_store(tmp, json, len, &in);
	if (rc < 0) {
		snprintf(err, errlen, "input: cannot store it: %s", strerror(-rc));
		goto out;
	}
	nr = *r;
	nr.id = root ^ 1; /* a provisional id of its own in tmp */
	while (vm_store_get(tmp, nr.id))
		nr.id += 2;
	vm_slot_set_link(&nr, VM_ROOT_S_INPUT, in);
	rc = vm_store_put(tmp, &nr);
	if (rc < 0) {
		snprintf(err, errlen, "input: %s", strerror(-rc));
		goto out;
	}
	rc = vm_store_seal(st, tmp, nr.id, new_root, err, errlen);
out:
	vm_store_free(tmp);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Fetching a Tasklet's chunk graph from its application, on the I/O thread,
 * as soon as the Tasklet is admitted; only then does the job go to a
 * worker's queue (rt_sched_place), so no worker ever waits on the network; a
 * fetch that fails or times out is answered to the application without
 * touching a worker.
 *
 * The graph first comes from the chunk cache (cache.c) as far as it reaches
 * from the root. What is still missing costs at most two round trips,
 * whatever the depth and size of the graph (cxp(7), FETCHING A GRAPH):
 *
 *   CHUNKS mode  FETCH_GRAPH -> MANIFEST + every chunk, in CHUNKS frames
 *                (a program this container has not seen: one round trip)
 *   IDS mode     FETCH_GRAPH -> MANIFEST; then FETCH, all at once, of the
 *                ids neither the job nor the cache holds (the root or the
 *                program's code hash is known here: most of it is cached)
 *
 * With the cache on, every content id received is checked against its
 * chunk's content before the chunk is stored; the content-addressed chunks
 * of a whole graph then go into the cache. With the cache off nothing is
 * shared across Tasklets and no id is hashed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/le.h"
#include "runtime/container/container_int.h"

_Static_assert(CXP_MANIFEST_MAX == VM_MAX_TASKLET_CHUNKS, "a manifest holds a whole graph");

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

static void graph_ask(struct job *j);

/* A graph slot on k is free: the longest-waiting job of k asks for its graph. */
static void graph_next(struct app_link *k)
{
	struct job *j, *tmp, *first = NULL;

	HASH_ITER(hh, k->c->jobs, j, tmp)
		if (j->link == k && j->graph_wait &&
		    (!first || j->fetch_t0_ns < first->fetch_t0_ns))
			first = j;
	if (first)
		graph_ask(first);
}

/* Detach j from its link (the fetch is over, one way or the other). */
static void fetch_detach(struct job *j)
{
	struct app_link *k = j->link;

	free(j->got);
	j->got = NULL;
	j->ngot = j->capgot = 0;
	free(j->links);
	j->links = NULL;
	j->nlinks = j->caplinks = 0;
	if (!k)
		return;
	j->link = NULL;
	k->fetches--;
	if (j->graph_mode && !j->graph_wait) {
		k->graphs--;
		if (!k->closing)
			graph_next(k);
	}
	j->graph_wait = 0;
	rt_link_idle_check(k);
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

/* The application sent something malformed: its link goes, the job fails. */
#define fetch_fault(j, code, ...)                                                          \
	do {                                                                               \
		if ((j)->link)                                                             \
			link_retire((j)->link);                                            \
		fetch_fail(j, code, __VA_ARGS__);                                          \
	} while (0)

static struct rt_cache *cache_of(struct rt_container *c)
{
	if (!c->cache && c->cfg.chunk_cache >= 0) {
		size_t cap = c->cfg.chunk_cache ? (size_t)c->cfg.chunk_cache
						: RT_CHUNK_CACHE_DEFAULT;

		c->cache = rt_cache_new(cap);
		if (!c->cache) {
			cxp_log("chunk cache of %zu chunks: %s; running without one", cap,
				strerror(errno));
			c->cfg.chunk_cache = -1;
		}
	}
	return c->cache;
}

/* A graph this small comes whole in one round trip even when most of it is
 * cached: resending 16 KiB costs less than the second round trip. */
#define FETCH_SMALL_GRAPH 64

/* The chunks of the graph last fetched for code hash h, 0 when not seen lately. */
static uint32_t code_known(struct rt_container *c, uint64_t h)
{
	if (!h)
		return 0;
	for (unsigned i = 0; i < sizeof(c->code_seen) / sizeof(c->code_seen[0]); i++)
		if (c->code_seen[i] == h)
			return c->code_nchunks[i];
	return 0;
}

static int cache_chunk(const struct vm_chunk *ch, void *arg)
{
	if (vm_id_is_content(ch->id))
		rt_cache_put(arg, ch); /* out of memory: only not cached */
	return 0;
}

static void stat_add(_Atomic uint64_t *v, uint64_t n)
{
	atomic_fetch_add_explicit(v, n, memory_order_relaxed);
}

/* The graph is whole (its chunks are in the cache already): count, queue the job. */
static void fetch_done(struct job *j, size_t nchunks)
{
	struct rt_container *c = j->c;
	struct rt_cache *k = cache_of(c);
	uint64_t ns = clock_now_ns() - j->fetch_t0_ns;

	if (k && nchunks > j->from_cache) {
		struct rt_cache_stats cs;

		if (j->sig.code_hash && !code_known(c, j->sig.code_hash)) {
			c->code_nchunks[c->code_next] =
				nchunks < UINT32_MAX ? (uint32_t)nchunks : UINT32_MAX;
			c->code_seen[c->code_next] = j->sig.code_hash;
			c->code_next = (c->code_next + 1) %
				       (sizeof(c->code_seen) / sizeof(c->code_seen[0]));
		}
		rt_cache_stats(k, &cs);
		atomic_store_explicit(&c->fstat.cache_held, cs.held, memory_order_relaxed);
		atomic_store_explicit(&c->fstat.cache_evictions, cs.evictions,
				      memory_order_relaxed);
	}
	stat_add(&c->fstat.tasklets, 1);
	stat_add(&c->fstat.chunks, nchunks);
	stat_add(&c->fstat.fetched, nchunks - j->from_cache);
	stat_add(&c->fstat.from_cache, j->from_cache);
	stat_add(&c->fstat.round_trips, j->fetch_rounds);
	stat_add(&c->fstat.requests, j->fetch_requests);
	stat_add(&c->fstat.fetch_ns, ns);
	if (c->cfg.verbose)
		cxp_log("tasklet %016llx: graph of %zu chunks whole: %zu fetched, %u from the "
			"cache, %u round trip%s (%u request%s), %.3f ms",
			(unsigned long long)j->sig.tasklet_id, nchunks, nchunks - j->from_cache,
			j->from_cache, j->fetch_rounds, j->fetch_rounds == 1 ? "" : "s",
			j->fetch_requests, j->fetch_requests == 1 ? "" : "s", (double)ns / 1e6);
	fetch_detach(j);
	rt_sched_place(c, j);
}

/* Room in j->got for n more chunks: 0 or -ENOMEM. */
static int got_room(struct job *j, size_t n)
{
	size_t ncap = j->capgot ? j->capgot : 256;
	const struct vm_chunk **ng;

	if ((size_t)j->ngot + n <= j->capgot)
		return 0;
	if ((size_t)j->ngot + n > UINT32_MAX / 2)
		return -ENOMEM;
	while (ncap < (size_t)j->ngot + n)
		ncap *= 2;
	ng = realloc(j->got, ncap * sizeof(*ng));
	if (!ng)
		return -ENOMEM;
	j->got = ng;
	j->capgot = (uint32_t)ncap;
	return 0;
}

/* Room in j->links for n more links: 0 or -ENOMEM. */
static int links_room(struct job *j, size_t n)
{
	size_t ncap = j->caplinks ? j->caplinks : 256;
	uint64_t *nl;

	if (j->nlinks + n <= j->caplinks)
		return 0;
	while (ncap < j->nlinks + n)
		ncap *= 2;
	nl = realloc(j->links, ncap * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	j->links = nl;
	j->caplinks = ncap;
	return 0;
}

/* Note the links of ch (new in j's store, still in the CPU's cache) for the
 * completeness check, which then reads these ids, not every stored chunk
 * again: 0 or -ENOMEM. */
static int note_links(struct job *j, const struct vm_chunk *ch)
{
	if (j->caplinks - j->nlinks < VM_CHUNK_SLOTS && links_room(j, VM_CHUNK_SLOTS) < 0)
		return -ENOMEM;
	for (unsigned s = 0; s < VM_CHUNK_SLOTS; s++)
		if (ch->s[s].type == VM_SLOT_LINK)
			j->links[j->nlinks++] = ch->s[s].v.link;
	return 0;
}

/* Put ch into j's store; 1 when it is new there (then listed in j->got), 0 when j held
 * it already (identical), -EEXIST (a different chunk under that id), -ENOMEM. */
static int job_put(struct job *j, const struct vm_chunk *ch)
{
	size_t before = vm_store_count(j->st);
	int rc;

	if (got_room(j, 1) < 0)
		return -ENOMEM;
	rc = vm_store_put(j->st, ch);
	if (rc < 0 || vm_store_count(j->st) == before)
		return rc;
	j->got[j->ngot++] = vm_store_get(j->st, ch->id);
	return note_links(j, ch) < 0 ? -ENOMEM : 1;
}

/* from_cache: take id from the cache into j's store (once), queueing it for the walk. */
static int take(struct job *j, struct rt_cache *k, uint64_t id, const struct vm_chunk **q,
		size_t *qn, int *missing)
{
	const struct vm_chunk *ch;
	int rc;

	if (vm_store_get(j->st, id))
		return 0;
	ch = rt_cache_get(k, id);
	if (!ch) {
		(*missing)++;
		return 0;
	}
	if (*qn == VM_MAX_TASKLET_CHUNKS)
		return -E2BIG;
	rc = job_put(j, ch);
	if (rc < 0)
		return rc;
	q[(*qn)++] = vm_store_get(j->st, id);
	j->from_cache++;
	return 0;
}

/*
 * Copy into j's (empty) store what the cache holds of the graph, breadth
 * first from the root. Returns how many links lead to chunks still missing
 * (0: the graph is whole), -E2BIG past the chunk bound, or -ENOMEM; the
 * chunks taken in *nchunks.
 */
static int from_cache(struct job *j, size_t *nchunks)
{
	struct rt_cache *k = cache_of(j->c);
	const struct vm_chunk **q;
	size_t qn = 0;
	int missing = 0, rc;

	*nchunks = 0;
	if (!k)
		return 1;
	q = malloc(VM_MAX_TASKLET_CHUNKS * sizeof(*q));
	if (!q)
		return -ENOMEM;
	rc = take(j, k, j->sig.root, q, &qn, &missing);
	for (size_t head = 0; !rc && head < qn; head++)
		for (unsigned s = 0; s < VM_CHUNK_SLOTS && !rc; s++)
			if (q[head]->s[s].type == VM_SLOT_LINK)
				rc = take(j, k, q[head]->s[s].v.link, q, &qn, &missing);
	free(q);
	*nchunks = qn;
	return rc ? rc : missing;
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

/* FETCH_GRAPH in j's mode, or wait for a graph slot of its link. */
static void graph_ask(struct job *j)
{
	struct cxp_fetch_graph g = {
		.tasklet_id = j->sig.tasklet_id, .root = j->sig.root, .mode = j->graph_mode
	};
	uint8_t b[32];
	struct cxp_wbuf w;
	int rc;

	if (j->link->graphs >= RT_GRAPHS_PER_LINK) {
		j->graph_wait = 1;
		return;
	}
	j->graph_wait = 0;
	j->link->graphs++;
	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_fetch_graph_encode(&w, &g);
	rc = cxp_send(j->link->conn, CXP_MSG_FETCH_GRAPH, j->sig.tasklet_id, w.p, w.len);
	j->fetch_rounds++;
	j->fetch_requests++;
	if (rc < 0)
		fetch_fail(j, CXP_E_INTERNAL, "cannot send FETCH_GRAPH to %s: %s",
			   j->sig.app_addr, strerror(-rc));
}

/* FETCH ids[0..n) in frames of CXP_FETCH_MAX, all at once: 0 or -errno. */
static int send_fetches(struct job *j, const uint64_t *ids, size_t n)
{
	struct rt_container *c = j->c;
	struct cxp_wbuf w;
	int rc = 0;

	cxp_wbuf_init(&w);
	for (size_t i = 0; i < n && rc == 0; i += CXP_FETCH_MAX) {
		c->scratch.tasklet_id = j->sig.tasklet_id;
		c->scratch.n = (uint32_t)(n - i < CXP_FETCH_MAX ? n - i : CXP_FETCH_MAX);
		memcpy(c->scratch.ids, ids + i, c->scratch.n * sizeof(ids[0]));
		w.len = 0;
		cxp_fetch_encode(&w, &c->scratch);
		rc = w.err ? w.err
			   : cxp_send(j->link->conn, CXP_MSG_FETCH, j->sig.tasklet_id, w.p, w.len);
		j->fetch_requests++;
	}
	cxp_wbuf_free(&w);
	j->fetch_rounds++;
	return rc;
}

/* How far ahead the table entries of ids are fetched into the CPU cache:
 * a store of a large graph is megabytes, a probe a cache miss otherwise. */
#define PREFETCH_AHEAD 8

/* The first link of a chunk in j->got that leads to no chunk in j's store, or 0:
 * one lookup a link, each table entry fetched PREFETCH_AHEAD links ahead. */
static uint64_t missing_link(struct job *j)
{
	for (size_t i = 0; i < j->nlinks; i++) {
		if (i + PREFETCH_AHEAD < j->nlinks)
			vm_store_prefetch(j->st, j->links[i + PREFETCH_AHEAD]);
		if (!vm_store_get(j->st, j->links[i]))
			return j->links[i];
	}
	return 0;
}

/*
 * Everything asked for has come: the graph must be whole now, i.e. the root
 * is here and every link of every chunk here leads to a chunk here (one
 * pass over what came, no walk). Then its content-addressed chunks go into
 * the cache (checked ones only: an incomplete graph leaves nothing there).
 */
static void fetch_check(struct job *j)
{
	struct rt_cache *k = cache_of(j->c);
	uint64_t first = 0;

	if (!vm_store_get(j->st, j->sig.root)) {
		fetch_fault(j, CXP_E_NOTFOUND, "application %s did not send root chunk %llu",
			    j->sig.app_addr, (unsigned long long)j->sig.root);
		return;
	}
	first = missing_link(j);
	if (first) {
		fetch_fault(j, CXP_E_BADMSG,
			    "application %s sent an incomplete graph: chunk %016llx is missing",
			    j->sig.app_addr, (unsigned long long)first);
		return;
	}
	for (uint32_t i = 0; k && i < j->ngot; i++) {
		if (i + PREFETCH_AHEAD < j->ngot)
			rt_cache_prefetch(k, j->got[i + PREFETCH_AHEAD]->id);
		cache_chunk(j->got[i], k);
	}
	fetch_done(j, j->ngot);
}

/*
 * MANIFEST: the ids of the whole graph. In IDS mode, take what the cache has
 * and FETCH the rest; in CHUNKS mode the chunks follow by themselves.
 * Returns < 0 when the application sent something malformed (its link closes).
 */
static int on_manifest(struct job *j, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct rt_cache *k = j->graph_mode == CXP_GRAPH_IDS ? cache_of(j->c) : NULL;
	struct cxp_manifest m;
	uint64_t *want = NULL;
	size_t nwant = 0;
	char err[200];
	int rc;

	rc = cxp_manifest_decode(payload, h->len, &m, err, sizeof(err));
	if (rc < 0 || m.tasklet_id != j->sig.tasklet_id || j->manifest_seen || !j->graph_mode ||
	    j->graph_wait) {
		fetch_fault(j, CXP_E_BADMSG,
			    "bad MANIFEST frame from application %s (tasklet %016llx, %u bytes): %s",
			    j->sig.app_addr, (unsigned long long)m.tasklet_id, h->len,
			    rc < 0 ? err
			    : m.tasklet_id != j->sig.tasklet_id ? "for another tasklet"
								 : "not asked for");
		return -EPROTO;
	}
	j->manifest_seen = 1;
	/* the whole graph's room at once: no table growth, one slab, no got realloc
	 * (m.n is at most CXP_MANIFEST_MAX, the bound on a graph) */
	if (vm_store_reserve(j->st, m.n) < 0 || got_room(j, m.n) < 0 || links_room(j, m.n) < 0) {
		fetch_fail(j, CXP_E_INTERNAL, "container %s: out of memory", j->c->cfg.name);
		return 0;
	}
	if (j->graph_mode == CXP_GRAPH_CHUNKS) {
		j->expect = m.n;
		return 0;
	}
	want = malloc((size_t)m.n * sizeof(*want));
	if (!want) {
		fetch_fail(j, CXP_E_INTERNAL, "container %s: out of memory", j->c->cfg.name);
		return 0;
	}
	for (uint32_t i = 0; i < m.n; i++) {
		uint64_t id = cxp_manifest_id(&m, i);
		const struct vm_chunk *ch;

		if (vm_store_get(j->st, id))
			continue;
		ch = k ? rt_cache_get(k, id) : NULL;
		if (ch && job_put(j, ch) >= 0)
			j->from_cache++;
		else
			want[nwant++] = id;
	}
	j->expect = (long)nwant;
	if (nwant == 0)
		fetch_check(j);
	else if ((rc = send_fetches(j, want, nwant)) < 0)
		fetch_fail(j, CXP_E_INTERNAL, "cannot send FETCH to %s: %s", j->sig.app_addr,
			   strerror(-rc));
	free(want);
	return 0;
}

/*
 * CHUNKS: check and store what came; once all that was asked for is in,
 * check the graph. Returns < 0 when the application sent something
 * malformed: that closes its link.
 */
static int on_chunks(struct job *j, const struct cxp_hdr *h, const uint8_t *payload)
{
	struct cxp_chunks m;
	char err[256];
	int rc, check;

	rc = cxp_chunks_decode(payload, h->len, VM_CHUNK_WIRE_SIZE, &m, err, sizeof(err));
	if (rc < 0 || m.tasklet_id != j->sig.tasklet_id || !j->manifest_seen ||
	    (long)m.n > j->expect) {
		char why[64];

		snprintf(why, sizeof(why), "%u chunks, %ld asked for", m.n, j->expect);
		fetch_fault(j, CXP_E_BADMSG,
			    "bad CHUNKS frame from application %s (tasklet %016llx, %u bytes): %s",
			    j->sig.app_addr, (unsigned long long)m.tasklet_id, h->len,
			    rc < 0 ? err
			    : m.tasklet_id != j->sig.tasklet_id ? "for another tasklet"
			    : !j->manifest_seen ? "before the MANIFEST"
								 : why);
		return -EPROTO;
	}
	/* Content ids matter to what is shared across Tasklets, i.e. the cache: with
	 * the cache off a chunk serves only the graph of the application that sent
	 * it, and its id is a name like any other (no SHA-256 per chunk then). */
	check = cache_of(j->c) != NULL;
	if (got_room(j, m.n) < 0) {
		fetch_fail(j, CXP_E_INTERNAL, "container %s: out of memory", j->c->cfg.name);
		return 0;
	}
	/* The whole frame in one pass of vm/; then, with the cache on, the content
	 * ids of the chunks taken, in order, so the first bad chunk is the one
	 * named: a content id that does not match before a later malformed
	 * chunk. A mismatch fails the fetch: its store is neither run nor cached. */
	{
		struct vm_wire_batch b = {.stored = j->got + j->ngot};
		size_t upto;

		for (size_t from = 0; from < m.n; from += b.done) {
			if (links_room(j, VM_CHUNK_SLOTS * 64) < 0) {
				rc = -ENOMEM;
				break;
			}
			b.links = j->links + j->nlinks;
			b.caplinks = j->caplinks - j->nlinks;
			b.nlinks = 0;
			rc = vm_store_put_wires(j->st, m.chunks + from * VM_CHUNK_WIRE_SIZE,
						m.n - from, &b, err, sizeof(err));
			j->nlinks += b.nlinks;
			if (rc < 0) {
				b.done += from;
				break;
			}
		}
		j->ngot += (uint32_t)b.nstored;
		upto = rc < 0 ? b.done : m.n;
		for (size_t i = 0; check && i < upto; i++) {
			const uint8_t *wire = m.chunks + i * VM_CHUNK_WIRE_SIZE;
			uint64_t id = le64_load(wire), hashed[2];

			if (!vm_id_is_content(id))
				continue;
			/* two at a time when the next is content-addressed too: their
			 * SHA-256 rounds overlap */
			if (i + 1 < upto &&
			    vm_id_is_content(le64_load(wire + VM_CHUNK_WIRE_SIZE))) {
				vm_chunk_wire_content_id2(wire, wire + VM_CHUNK_WIRE_SIZE, hashed);
				if (hashed[0] == id &&
				    hashed[1] == le64_load(wire + VM_CHUNK_WIRE_SIZE)) {
					i++;
					continue;
				}
			} else {
				hashed[0] = vm_chunk_wire_content_id(wire);
			}
			if (hashed[0] != id) {
				snprintf(
				    err, sizeof(err),
				    "chunk %016llx: its content does not hash to its content id",
				    (unsigned long long)id);
				b.done = i;
				rc = -EINVAL;
				break;
			}
		}
		if (rc < 0) {
			fetch_fault(j, CXP_E_BADMSG, "chunk %zu of %u from %s: %s", b.done + 1, m.n,
				    j->sig.app_addr,
				    rc == -EEXIST   ? "conflicting duplicate id"
				    : rc == -ENOMEM ? "out of memory"
						    : err);
			return -EPROTO;
		}
	}
	if (vm_store_count(j->st) > VM_MAX_TASKLET_CHUNKS) {
		fetch_fault(j, CXP_E_BADMSG, "tasklet graph exceeds %u chunks",
			    VM_MAX_TASKLET_CHUNKS);
		return -EPROTO;
	}
	j->expect -= m.n;
	if (j->expect == 0)
		fetch_check(j);
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
	case CXP_MSG_MANIFEST:
		j = link_job(k, h->reqid);
		if (!j) {
			cxp_log("%s: MANIFEST for tasklet %016llx, which is not being fetched (late?)",
				k->addr, (unsigned long long)h->reqid);
			return 0;
		}
		return on_manifest(j, h, payload);
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
	size_t have;
	uint32_t seen;
	int rc;

	atomic_store_explicit(&j->state, J_FETCHING, memory_order_relaxed);
	j->fetch_t0_ns = clock_now_ns();
	j->st = vm_store_new(0);
	if (!j->st) {
		fetch_fail(j, CXP_E_INTERNAL, "container %s: out of memory", c->cfg.name);
		return;
	}
	rc = from_cache(j, &have);
	if (rc == 0) { /* all of it was here: nothing to ask */
		fetch_done(j, have);
		return;
	}
	if (rc < 0) {
		fetch_fail(j, rc == -E2BIG ? CXP_E_BADMSG : CXP_E_INTERNAL,
			   rc == -E2BIG ? "tasklet graph exceeds %u chunks"
					: "container out of memory (fetching %u chunks at most)",
			   VM_MAX_TASKLET_CHUNKS);
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
	/* Ask for ids only when much of the graph is likely here already, and
	 * it is not a small one. */
	seen = code_known(c, j->sig.code_hash);
	j->graph_mode = (have || seen) && !(seen && seen <= FETCH_SMALL_GRAPH) ? CXP_GRAPH_IDS
										: CXP_GRAPH_CHUNKS;
	graph_ask(j);
}

void rt_container_fetch_stats(struct rt_container *c, struct rt_fetch_stats *st)
{
	st->tasklets = atomic_load_explicit(&c->fstat.tasklets, memory_order_relaxed);
	st->chunks = atomic_load_explicit(&c->fstat.chunks, memory_order_relaxed);
	st->fetched = atomic_load_explicit(&c->fstat.fetched, memory_order_relaxed);
	st->from_cache = atomic_load_explicit(&c->fstat.from_cache, memory_order_relaxed);
	st->round_trips = atomic_load_explicit(&c->fstat.round_trips, memory_order_relaxed);
	st->requests = atomic_load_explicit(&c->fstat.requests, memory_order_relaxed);
	st->fetch_ns = atomic_load_explicit(&c->fstat.fetch_ns, memory_order_relaxed);
	/* The I/O thread's CPU clock, read here rather than around each frame
	 * (CLOCK_THREAD_CPUTIME_ID is a system call: six per Tasklet were 8% of
	 * a container's time). */
	st->cpu_ns = 0;
	{
		clockid_t cid;
		struct timespec ts;

		if (atomic_load(&c->io_started) && pthread_getcpuclockid(c->io, &cid) == 0 &&
		    clock_gettime(cid, &ts) == 0)
			st->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	st->cache_held = atomic_load_explicit(&c->fstat.cache_held, memory_order_relaxed);
	st->cache_evictions =
		atomic_load_explicit(&c->fstat.cache_evictions, memory_order_relaxed);
}

void rt_fetch_free(struct rt_container *c)
{
	struct rt_fetch_stats st;

	rt_container_fetch_stats(c, &st);
	cxp_log("fetch: %llu tasklet%s, %llu chunks: %llu fetched, %llu from the cache, "
		"%llu round trips; chunk cache: %llu held, %llu evicted",
		(unsigned long long)st.tasklets, st.tasklets == 1 ? "" : "s",
		(unsigned long long)st.chunks, (unsigned long long)st.fetched,
		(unsigned long long)st.from_cache, (unsigned long long)st.round_trips,
		(unsigned long long)st.cache_held, (unsigned long long)st.cache_evictions);
	rt_cache_free(c->cache);
	c->cache = NULL;
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

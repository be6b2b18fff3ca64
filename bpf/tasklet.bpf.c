// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Queue depth, waiting time and running state of a Tasklet container, from its
 * USDT probes (runtime/container/probes.h). Attached by `tasklet top`
 * (runtime/cli/cmd_top.c) with libbpf's bpf_program__attach_usdt; the maps are
 * pinned by name under the loader's pin_root_path,
 * /sys/fs/bpf/tasklet/<container>/, and their layouts are in bpf/tasklet.h.
 *
 * The programs read no kernel structure (USDT arguments come through
 * libbpf's spec map), so the object runs unchanged on any kernel with
 * uprobes and BPF cookies (5.15+): no vmlinux.h, no relocations.
 * Depths are the runtime's own numbers, passed as arguments: never counted
 * here, so they are right even when attached to a container mid-run.
 */
/* The kernel's UAPI types first: libbpf's headers build on them. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <linux/types.h>
#include <stdbool.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/tasklet.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Settings, written by the loader before load. */
const volatile bool tl_histogram = true;	      /* record wait_ns into the log2 histogram */
const volatile __u32 tl_max_workers = TL_MAX_WORKERS; /* = the maps' max_entries (/2) */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_MAX_WORKERS * 2);
	__type(key, __u32);
	__type(value, struct tl_queue);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tl_queues SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_MAX_WORKERS);
	__type(key, __u32);
	__type(value, struct tl_worker);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tl_workers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tl_meta SEC(".maps");

static __always_inline struct tl_meta *meta(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tl_meta, &zero);
}

/* Raise *p to v; a few compare-and-swap rounds settle any race between CPUs. */
static __always_inline void raise_to(__u32 *p, __u32 v)
{
	for (int i = 0; i < 4; i++) {
		__u32 old = *p;

		if (old >= v || __sync_val_compare_and_swap(p, old, v) == old)
			return;
	}
}

/* The queue (worker, cls), or NULL (counted as dropped) when out of range.
 * The loader sizes the maps (set_max_entries) to match tl_max_workers. */
static __always_inline struct tl_queue *queue(__u32 worker, __u32 cls)
{
	struct tl_meta *m = meta();
	struct tl_queue *q;
	__u32 idx;

	if (!m)
		return NULL;
	if (worker >= tl_max_workers || cls > TL_ECONOMY) {
		__sync_fetch_and_add(&m->dropped, 1);
		return NULL;
	}
	raise_to(&m->workers, worker + 1);
	idx = worker * 2 + cls;
	q = bpf_map_lookup_elem(&tl_queues, &idx);
	if (q) {
		q->worker = worker;
		q->cls = cls;
	}
	return q;
}

static __always_inline void set_depth(struct tl_queue *q, __u32 depth)
{
	q->depth = depth;
	raise_to(&q->max_depth, depth);
}

/* log2 floor of v (0 for 0 and 1), clamped to the last slot. */
static __always_inline __u32 slot(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xFFFFFFFFull) << 5;
	v >>= s;
	r |= s;
	s = (v > 0xFFFFull) << 4;
	v >>= s;
	r |= s;
	s = (v > 0xFFull) << 3;
	v >>= s;
	r |= s;
	s = (v > 0xFull) << 2;
	v >>= s;
	r |= s;
	s = (v > 0x3ull) << 1;
	v >>= s;
	r |= s;
	r |= (__u32)(v >> 1);
	return r < TL_LOG2_SLOTS ? r : TL_LOG2_SLOTS - 1;
}

SEC("usdt")
int BPF_USDT(tl_enqueue, __u32 worker, __u32 cls, __u32 depth, __u64 id)
{
	struct tl_queue *q = queue(worker, cls);

	if (!q)
		return 0;
	set_depth(q, depth);
	__sync_fetch_and_add(&q->enqueued, 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(tl_dequeue, __u32 worker, __u32 cls, __u32 depth, __u64 id, __u64 wait_ns)
{
	struct tl_queue *q = queue(worker, cls);

	if (!q)
		return 0;
	set_depth(q, depth);
	__sync_fetch_and_add(&q->dequeued, 1);
	if (tl_histogram && wait_ns) {
		__u32 s = slot(wait_ns);

		__sync_fetch_and_add(&q->wait_count, 1);
		__sync_fetch_and_add(&q->wait_sum_ns, wait_ns);
		if (s < TL_LOG2_SLOTS) /* for the verifier */
			__sync_fetch_and_add(&q->wait_log2_ns[s], 1);
	}
	return 0;
}

static __always_inline struct tl_worker *worker_of(__u32 worker)
{
	struct tl_meta *m = meta();
	struct tl_worker *w;

	if (!m)
		return NULL;
	if (worker >= tl_max_workers) {
		__sync_fetch_and_add(&m->dropped, 1);
		return NULL;
	}
	raise_to(&m->workers, worker + 1);
	w = bpf_map_lookup_elem(&tl_workers, &worker);
	if (w)
		w->worker = worker;
	return w;
}

SEC("usdt")
int BPF_USDT(tl_run_start, __u32 worker, __u32 cls, __u64 id)
{
	struct tl_worker *w = worker_of(worker);

	if (!w)
		return 0;
	w->task = id;
	w->cls = cls;
	w->since_ns = bpf_ktime_get_ns();
	w->running = 1;
	w->known = 1;
	return 0;
}

SEC("usdt")
int BPF_USDT(tl_run_end, __u32 worker, __u32 cls, __u64 id, __u32 status, __u64 run_ns)
{
	struct tl_worker *w = worker_of(worker);

	if (!w)
		return 0;
	w->running = 0;
	w->known = 1;
	w->task = id;
	w->cls = cls;
	w->last_status = status;
	__sync_fetch_and_add(&w->runs, 1);
	__sync_fetch_and_add(&w->run_ns, run_ns);
	return 0;
}

SEC("usdt")
int BPF_USDT(tl_depth, __u32 worker, __u32 prio_depth, __u32 econ_depth)
{
	struct tl_worker *w = worker_of(worker);
	struct tl_queue *q;

	if (!w)
		return 0;
	q = queue(worker, TL_PRIORITY);
	if (q)
		set_depth(q, prio_depth);
	q = queue(worker, TL_ECONOMY);
	if (q)
		set_depth(q, econ_depth);
	/* Last, so that a reader that sees the count sees the depths. */
	__sync_fetch_and_add(&w->snapshots, 1);
	return 0;
}

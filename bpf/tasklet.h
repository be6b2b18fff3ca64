/* SPDX-License-Identifier: MIT */
/*
 * Structs shared by bpf/tasklet.bpf.c (kernel side) and `tasklet top`
 * (runtime/cli/cmd_top.c): the values of the maps pinned under
 * /sys/fs/bpf/tasklet/<container>/. Their BTF travels in the object, so
 * `bpftool map dump pinned ...` prints these field names.
 *
 * Maps (all BPF_MAP_TYPE_ARRAY, so dumps come out in index order):
 *   tl_queues   index worker*2 + cls   struct tl_queue   2 * max_workers entries
 *   tl_workers  index worker           struct tl_worker  max_workers entries
 *   tl_meta     index 0                struct tl_meta    1 entry
 * max_workers (tl_meta.max_workers) is chosen by the loader before load: by
 * default the number of threads the container has when `tasklet top`
 * attaches (every worker is a thread, so it bounds the workers and keeps a
 * dump short), at most TL_MAX_WORKERS = 1024, the container's --workers
 * limit. Events of workers numbered max_workers or above are not recorded;
 * tl_meta.dropped counts them.
 * Changing a layout here breaks the reuse of maps left pinned by an older
 * `tasklet top --keep`: the loader then says so; remove the folder.
 */
#ifndef TL_BPF_TASKLET_H
#define TL_BPF_TASKLET_H

#include <linux/types.h>

#define TL_MAX_WORKERS 1024
#define TL_LOG2_SLOTS  40 /* slot i: wait in [2^i, 2^(i+1)) ns (slot 0: 0..1 ns); the last: above  \
			   */

enum tl_class { TL_PRIORITY = 0, TL_ECONOMY = 1 };

/* One queue: worker `worker`'s queue of class `cls`. */
struct tl_queue {
	__u32 worker;
	enum tl_class cls;
	__u32 depth;	 /* after the last enqueue/dequeue/depth event */
	__u32 max_depth; /* since attach */
	__u64 enqueued;	 /* events since attach */
	__u64 dequeued;
	__u64 wait_count; /* dequeues with a measured wait_ns (histogram on) */
	__u64 wait_sum_ns;
	__u64 wait_log2_ns[TL_LOG2_SLOTS];
};

/* One worker thread. */
struct tl_worker {
	__u32 worker;
	__u32 known;   /* 1 once a run_start or run_end was seen since attach */
	__u32 running; /* 1 between run_start and run_end */
	__u32 pad;
	__u64 task;	   /* the running (else last) Tasklet id */
	enum tl_class cls; /* its class */
	__u32 last_status; /* status of the last run_end */
	__u64 since_ns;	   /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at its run_start */
	__u64 runs;	   /* run_end events since attach */
	__u64 run_ns;	   /* their run_ns, summed */
	__u64 snapshots;   /* tasklet:depth events for this worker since attach */
};

struct tl_meta {
	__u32 workers;	   /* highest worker number seen + 1 */
	__u32 target_pid;  /* the container attached to */
	__u32 owner_pid;   /* the `tasklet top` holding the attachment */
	__u32 histogram;   /* 1 when wait times are recorded */
	__u32 max_workers; /* the maps' capacity: workers 0..max_workers-1 */
	__u32 probes;	   /* bit i set: probe i attached, in the order enqueue, dequeue,
			    * run_start, run_end, depth */
	__u64 attached_ns; /* CLOCK_MONOTONIC when the probes were attached */
	__u64 dropped;	   /* probe hits for workers >= max_workers or cls > 1 (rare:
			    * no counter here is touched by every event, so that
			    * workers on different cores share no cache line) */
};

#endif

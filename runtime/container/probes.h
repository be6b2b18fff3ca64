/* SPDX-License-Identifier: MIT */
/*
 * The container's USDT probe sites (provider "tasklet"), read by bpf/tasklet.bpf.c
 * and `tasklet top` (man tasklet-top(1)). Every argument is a plain unsigned
 * scalar, passed in a register or as an immediate (libbpf 1.1 cannot read
 * scale-index-base operands). Each site is gated by its own semaphore,
 * tasklet_<name>_semaphore (runtime/container/probes.c): the kernel raises it
 * while a probe is attached, so an unattached site costs one load and one
 * predictable branch, and its arguments are not even computed.
 *
 *   RT_PROBE_ENQUEUE(worker, cls, depth, id)              tasklet:enqueue
 *	after Tasklet id entered worker's queue of class cls (0 = priority,
 *	1 = economy); depth = that queue's real depth after the operation.
 *   RT_PROBE_DEQUEUE(worker, cls, depth, id, wait_ns)     tasklet:dequeue
 *	after it left that queue: worker = the queue's owner (whether the owner
 *	or a thief took it), depth after, wait_ns = how long it was queued as
 *	measured by the runtime (0 = not measured, e.g. it was enqueued while
 *	the probe was detached: see RT_PROBE_ENABLED; the histogram skips it).
 *   RT_PROBE_RUN_START(worker, cls, id)                   tasklet:run_start
 *	worker = the thread that runs it.
 *   RT_PROBE_RUN_END(worker, cls, id, status, run_ns)     tasklet:run_end
 *   RT_PROBE_DEPTH(worker, prio_depth, econ_depth)        tasklet:depth
 *	a snapshot of one worker's two queues, fired for every worker (0..N-1,
 *	in order, in one sweep) every 100 ms by the I/O thread, so a tool that
 *	attaches to a running container shows the right depths at once.
 *
 *   RT_PROBE_ENABLED(name)  true while tasklet:name is attached: gate work
 *	done only for a probe (stamping enqueue times, the depth sweep) with it.
 *
 * Widths: worker, cls, depth, status are u32; id, wait_ns, run_ns are u64.
 * The probe instruction is a 5-byte nop instead of sdt.h's 1-byte one, so
 * kernels with optimised uprobes (6.x, x86-64) turn an attached probe into a
 * call instead of an int3 trap (about 1.5 us instead of 7 us per hit here).
 *
 * Everything compiles to nothing when <sys/sdt.h> is absent or with
 * -DRT_NO_PROBES. Check a binary with `readelf -n build/tasklet | grep -A3 tasklet`.
 */
#ifndef TL_RT_CONTAINER_PROBES_H
#define TL_RT_CONTAINER_PROBES_H

#if !defined(RT_NO_PROBES) && defined(__has_include)
#if __has_include(<sys/sdt.h>)
#define RT_HAVE_SDT 1
#endif
#endif

#ifdef RT_HAVE_SDT
#define _SDT_HAS_SEMAPHORES 1
/* Register or immediate operands only (sdt.h's default "nor" allows memory). */
#define STAP_SDT_ARG_CONSTRAINT nr
#include <sys/sdt.h>
#if defined(__x86_64__) || defined(__i386__)
#undef _SDT_NOP
#define _SDT_NOP .nops 5
#endif

extern volatile unsigned short tasklet_enqueue_semaphore, tasklet_dequeue_semaphore,
    tasklet_run_start_semaphore, tasklet_run_end_semaphore, tasklet_depth_semaphore;

#define RT_PROBE_ENABLED(name) __builtin_expect(tasklet_##name##_semaphore != 0, 0)

#define RT_PROBE_ENQUEUE(worker, cls, depth, id)                                                   \
	do {                                                                                       \
		if (RT_PROBE_ENABLED(enqueue))                                                     \
			STAP_PROBE4(tasklet, enqueue, (unsigned)(worker), (unsigned)(cls),         \
				    (unsigned)(depth), (unsigned long long)(id));                  \
	} while (0)
#define RT_PROBE_DEQUEUE(worker, cls, depth, id, wait_ns)                                          \
	do {                                                                                       \
		if (RT_PROBE_ENABLED(dequeue))                                                     \
			STAP_PROBE5(tasklet, dequeue, (unsigned)(worker), (unsigned)(cls),         \
				    (unsigned)(depth), (unsigned long long)(id),                   \
				    (unsigned long long)(wait_ns));                                \
	} while (0)
#define RT_PROBE_RUN_START(worker, cls, id)                                                        \
	do {                                                                                       \
		if (RT_PROBE_ENABLED(run_start))                                                   \
			STAP_PROBE3(tasklet, run_start, (unsigned)(worker), (unsigned)(cls),       \
				    (unsigned long long)(id));                                     \
	} while (0)
#define RT_PROBE_RUN_END(worker, cls, id, status, run_ns)                                          \
	do {                                                                                       \
		if (RT_PROBE_ENABLED(run_end))                                                     \
			STAP_PROBE5(tasklet, run_end, (unsigned)(worker), (unsigned)(cls),         \
				    (unsigned long long)(id), (unsigned)(status),                  \
				    (unsigned long long)(run_ns));                                 \
	} while (0)
#define RT_PROBE_DEPTH(worker, prio_depth, econ_depth)                                             \
	do {                                                                                       \
		if (RT_PROBE_ENABLED(depth))                                                       \
			STAP_PROBE3(tasklet, depth, (unsigned)(worker), (unsigned)(prio_depth),    \
				    (unsigned)(econ_depth));                                       \
	} while (0)

#else /* no probes */

#define RT_PROBE_ENABLED(name)				  0
#define RT_PROBE_ENQUEUE(worker, cls, depth, id)	  ((void)0)
#define RT_PROBE_DEQUEUE(worker, cls, depth, id, wait_ns) ((void)0)
#define RT_PROBE_RUN_START(worker, cls, id)		  ((void)0)
#define RT_PROBE_RUN_END(worker, cls, id, status, run_ns) ((void)0)
#define RT_PROBE_DEPTH(worker, prio_depth, econ_depth)	  ((void)0)

#endif

#endif

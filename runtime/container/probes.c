/* SPDX-License-Identifier: MIT */
/*
 * The semaphores of the container's USDT probes (runtime/container/probes.h).
 * They live in the .probes section, where sdt.h tools and libbpf expect them;
 * the kernel increments one while a uprobe with that reference counter is
 * attached and decrements it on detach.
 */
#include "runtime/container/probes.h"

#ifdef RT_HAVE_SDT
__attribute__((section(".probes"), used)) volatile unsigned short tasklet_enqueue_semaphore,
    tasklet_dequeue_semaphore, tasklet_run_start_semaphore, tasklet_run_end_semaphore,
    tasklet_depth_semaphore;
#endif

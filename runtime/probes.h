/* SPDX-License-Identifier: MIT */
/*
 * USDT probe sites of the runtime (provider "tasklet"), gated by semaphores
 * so that an unattached probe costs one predictable branch. See
 * shared notes on what works with libbpf here: arguments stay plain scalars.
 */
#ifndef TL_RT_PROBES_H
#define TL_RT_PROBES_H

#if defined(__has_include)
#if __has_include(<sys/sdt.h>)
#define RT_HAVE_SDT 1
#endif
#endif

#ifdef RT_HAVE_SDT
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
extern volatile unsigned short tasklet_enqueue_semaphore, tasklet_dequeue_semaphore;
#define RT_PROBE4(n, a, b, c, d)                                                           \
	do {                                                                               \
		if (__builtin_expect(tasklet_##n##_semaphore != 0, 0))                     \
			STAP_PROBE4(tasklet, n, (unsigned)(a), (unsigned)(b), (unsigned)(c), \
				    (unsigned long)(d));                                   \
	} while (0)
#else
#define RT_PROBE4(n, a, b, c, d) ((void)0)
#endif

#endif

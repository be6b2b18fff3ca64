/* SPDX-License-Identifier: MIT */
/*
 * The one clock helper: monotonic time for durations, timeouts and
 * timestamps carried between threads of one process, and the realtime
 * deadline pthread_cond_timedwait wants.
 */
#ifndef TL_COMMON_CLOCK_H
#define TL_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clock_now_ms(void)
{
	return clock_now_ns() / 1000000;
}

/* The CLOCK_REALTIME instant ms milliseconds from now, for pthread_cond_timedwait. */
static inline struct timespec clock_deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

#endif

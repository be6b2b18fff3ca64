/* SPDX-License-Identifier: MIT */
/* Private parts shared by trader/ files. */
#ifndef TL_TRADER_INT_H
#define TL_TRADER_INT_H

#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds. */
static inline uint64_t trd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif

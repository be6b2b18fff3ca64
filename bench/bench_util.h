/* SPDX-License-Identifier: MIT */
/* Helpers shared by the bench programs in bench/. */
#ifndef TL_BENCH_UTIL_H
#define TL_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* qsort comparator for uint64_t. */
static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of sorted v[0..n), n > 0, by the nearest-rank rule. */
static inline double bench_quantile(const uint64_t *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n + 0.999999);

	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return (double)v[i - 1];
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A copy of n bytes (which may hold NULs) with a NUL after them: what a
 * result's output and value become on the application's side. NULL when
 * out of memory.
 */
#ifndef TL_COMMON_MEM_H
#define TL_COMMON_MEM_H

#include <stdlib.h>
#include <string.h>

static inline char *tl_memdup0(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

#endif

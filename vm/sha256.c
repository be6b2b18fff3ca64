/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 for content ids (vm/chunk.h): every compiled chunk is hashed once
 * when it is sealed, and a container hashes every content-addressed chunk it
 * receives, so this is on the fetch path. With the x86 SHA extensions (probed
 * once with CPUID) a 272-byte chunk takes about a fifth of mbedTLS's portable
 * code's time; elsewhere mbedTLS does it. Both give the same digest (the unit
 * suite compares them).
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "vm/chunk_int.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/*
 * Compress n 64-byte blocks into state (a, ..., h). The message schedule in
 * groups of four words: W[g] = msg2(msg1(W[g-4], W[g-3]) + W[g-2..g-1]
 * shifted by one word, W[g-1]), i.e. s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16].
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_ni(uint32_t state[8],
								  const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, tmp, w[4];

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xb1); /* CDAB */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1b);  /* EFGH */
	s0 = _mm_alignr_epi8(tmp, s1, 8);                                            /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xf0);                                         /* CDGH */
	for (; n; n--, p += 64) {
		__m128i abef = s0, cdgh = s1;

		for (unsigned g = 0; g < 16; g++) {
			__m128i m;

			if (g < 4) {
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)),
							bswap);
			} else {
				m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
				w[g & 3] = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
			}
			m = _mm_add_epi32(w[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1b);                                        /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);                                         /* DCHG */
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(tmp, s1, 0xf0));  /* DCBA */
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(s1, tmp, 8));     /* HGFE */
}

/*
 * blocks_ni for two messages of n blocks each, side by side: their rounds
 * are independent, so the CPU overlaps them (a single hash waits on the
 * latency of each sha256rnds2). The same digests as two calls of blocks_ni.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_ni_x2(uint32_t sa[8], uint32_t sb[8], const uint8_t *pa, const uint8_t *pb, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i a0, a1, b0, b1, tmp, wa[4], wb[4];

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[0]), 0xb1);
	a1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[4]), 0x1b);
	a0 = _mm_alignr_epi8(tmp, a1, 8);
	a1 = _mm_blend_epi16(a1, tmp, 0xf0);
	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[0]), 0xb1);
	b1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[4]), 0x1b);
	b0 = _mm_alignr_epi8(tmp, b1, 8);
	b1 = _mm_blend_epi16(b1, tmp, 0xf0);
	for (; n; n--, pa += 64, pb += 64) {
		__m128i abef_a = a0, cdgh_a = a1, abef_b = b0, cdgh_b = b1;

		for (unsigned g = 0; g < 16; g++) {
			__m128i ma, mb, k = _mm_loadu_si128((const __m128i *)&K[4 * g]);

			if (g < 4) {
				wa[g] = _mm_shuffle_epi8(
				    _mm_loadu_si128((const __m128i *)(pa + 16 * g)), bswap);
				wb[g] = _mm_shuffle_epi8(
				    _mm_loadu_si128((const __m128i *)(pb + 16 * g)), bswap);
			} else {
				ma = _mm_sha256msg1_epu32(wa[g & 3], wa[(g + 1) & 3]);
				mb = _mm_sha256msg1_epu32(wb[g & 3], wb[(g + 1) & 3]);
				ma = _mm_add_epi32(
				    ma, _mm_alignr_epi8(wa[(g + 3) & 3], wa[(g + 2) & 3], 4));
				mb = _mm_add_epi32(
				    mb, _mm_alignr_epi8(wb[(g + 3) & 3], wb[(g + 2) & 3], 4));
				wa[g & 3] = _mm_sha256msg2_epu32(ma, wa[(g + 3) & 3]);
				wb[g & 3] = _mm_sha256msg2_epu32(mb, wb[(g + 3) & 3]);
			}
			ma = _mm_add_epi32(wa[g & 3], k);
			mb = _mm_add_epi32(wb[g & 3], k);
			a1 = _mm_sha256rnds2_epu32(a1, a0, ma);
			b1 = _mm_sha256rnds2_epu32(b1, b0, mb);
			a0 = _mm_sha256rnds2_epu32(a0, a1, _mm_shuffle_epi32(ma, 0x0e));
			b0 = _mm_sha256rnds2_epu32(b0, b1, _mm_shuffle_epi32(mb, 0x0e));
		}
		a0 = _mm_add_epi32(a0, abef_a);
		a1 = _mm_add_epi32(a1, cdgh_a);
		b0 = _mm_add_epi32(b0, abef_b);
		b1 = _mm_add_epi32(b1, cdgh_b);
	}
	tmp = _mm_shuffle_epi32(a0, 0x1b);
	a1 = _mm_shuffle_epi32(a1, 0xb1);
	_mm_storeu_si128((__m128i *)&sa[0], _mm_blend_epi16(tmp, a1, 0xf0));
	_mm_storeu_si128((__m128i *)&sa[4], _mm_alignr_epi8(a1, tmp, 8));
	tmp = _mm_shuffle_epi32(b0, 0x1b);
	b1 = _mm_shuffle_epi32(b1, 0xb1);
	_mm_storeu_si128((__m128i *)&sb[0], _mm_blend_epi16(tmp, b1, 0xf0));
	_mm_storeu_si128((__m128i *)&sb[4], _mm_alignr_epi8(b1, tmp, 8));
}

static int have_ni(void)
{
	static _Atomic int have = -1; /* -1: not probed yet */
	unsigned a, b, c, d;
	int h = atomic_load_explicit(&have, memory_order_relaxed);

	if (h >= 0)
		return h;
	h = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) && /* SHA */
	    __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9)); /* SSE4.1, SSSE3 */
	atomic_store_explicit(&have, h, memory_order_relaxed);
	return h;
}

#define SHA256_IV                                                                                  \
	{                                                                                          \
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,            \
		    0x1f83d9ab, 0x5be0cd19                                                         \
	}

/* The padded last block(s) of a message of n bytes at p into last[128]:
 * how many (1 or 2). */
static size_t pad_last(const uint8_t *p, size_t n, uint8_t last[128])
{
	size_t full = n / 64, rest = n % 64, nlast = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;

	memset(last, 0, 128);
	memcpy(last, p + full * 64, rest);
	last[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		last[nlast - 1 - i] = (uint8_t)(bits >> (8 * i));
	return nlast / 64;
}

static void digest_out(const uint32_t st[8], uint8_t out[32])
{
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(st[i] >> 24);
		out[4 * i + 1] = (uint8_t)(st[i] >> 16);
		out[4 * i + 2] = (uint8_t)(st[i] >> 8);
		out[4 * i + 3] = (uint8_t)st[i];
	}
}

static void sha256_ni(const uint8_t *p, size_t n, uint8_t out[32])
{
	uint32_t st[8] = SHA256_IV;
	uint8_t last[128];
	size_t nl;

	blocks_ni(st, p, n / 64);
	nl = pad_last(p, n, last);
	blocks_ni(st, last, nl);
	digest_out(st, out);
}

static void sha256_ni_x2(const uint8_t *a, const uint8_t *b, size_t n, uint8_t oa[32],
			 uint8_t ob[32])
{
	uint32_t sa[8] = SHA256_IV, sb[8] = SHA256_IV;
	uint8_t la[128], lb[128];
	size_t nl;

	blocks_ni_x2(sa, sb, a, b, n / 64);
	nl = pad_last(a, n, la);
	pad_last(b, n, lb);
	blocks_ni_x2(sa, sb, la, lb, nl);
	digest_out(sa, oa);
	digest_out(sb, ob);
}
#endif

void vm_sha256(const void *p, size_t n, uint8_t out[32], int portable)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (!portable && have_ni()) {
		sha256_ni(p, n, out);
		return;
	}
#endif
	(void)portable;
	mbedtls_sha256_ret(p, n, out, 0);
}

void vm_sha256_x2(const void *a, const void *b, size_t n, uint8_t oa[32], uint8_t ob[32],
		  int portable)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (!portable && have_ni()) {
		sha256_ni_x2(a, b, n, oa, ob);
		return;
	}
#endif
	vm_sha256(a, n, oa, portable);
	vm_sha256(b, n, ob, portable);
}

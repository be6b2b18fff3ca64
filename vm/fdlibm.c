/* SPDX-License-Identifier: MIT AND LicenseRef-fdlibm */
/*
 * fdlibm 5.3 sin, cos, tan, atan, atan2, exp, log and pow, ported to C11 as
 * V8 uses them (see vm/fdlibm.h for why): same algorithms, same constants,
 * same order of operations, so the same bits. V8's own changes are kept:
 * exp(1) returns the double nearest e, pow's last step divides as V8 does
 * (see fd_pow), and jsl_fd_pow follows ECMAScript for NaN exponents and
 * (+-1) ** (+-Infinity).
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * Bit-exactness needs plain IEEE double arithmetic: no x87 extended
 * precision (we build for x86-64, whose SSE2 rounds every operation to
 * double) and no fused multiply-add, which GCC would otherwise emit under
 * -std=gnu11 on targets that have one (aarch64, -march=haswell).
 * Shifts of values that may be negative go through uint32_t: the original
 * shifts signed ints left, which C leaves undefined.
 */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF /* clang (the fuzz builds) fuses within a statement by default */
#else
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vm/fdlibm.h"

/* The two 32-bit halves of a double, as fdlibm reads and writes them. */
static inline uint64_t dbits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static inline double dmake(uint32_t hi, uint32_t lo)
{
	uint64_t u = (uint64_t)hi << 32 | lo;
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

static inline int32_t hiword(double x)
{
	return (int32_t)(uint32_t)(dbits(x) >> 32);
}

static inline uint32_t loword(double x)
{
	return (uint32_t)dbits(x);
}

static inline double set_hi(double x, int32_t hi)
{
	return dmake((uint32_t)hi, loword(x));
}

static inline double set_lo(double x, uint32_t lo)
{
	return dmake((uint32_t)hiword(x), lo);
}

/* (2/pi) in 24-bit digits, 66 of them: enough for any double's reduction. */
static const int32_t two_over_pi[] = {
	0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62,
	0x95993C, 0x439041, 0xFE5163, 0xABDEBB, 0xC561B7, 0x246E3A,
	0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129,
	0xA73EE8, 0x8235F5, 0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41,
	0x3991D6, 0x398353, 0x39F49C, 0x845F8B, 0xBDF928, 0x3B1FF8,
	0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF,
	0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D, 0x7527BA, 0xC7EBE5,
	0xF17B3D, 0x0739F7, 0x8A5292, 0xEA6BFB, 0x5FB11F, 0x8D5D08,
	0x560330, 0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3,
	0x91615E, 0xE61B08, 0x659985, 0x5F14A0, 0x68408D, 0xFFD880,
	0x4D7327, 0x310606, 0x1556CA, 0x73A8C9, 0x60E27B, 0xC08C6B,
};

/* High words of n*pi/2, n = 1..32: arguments this close to a multiple need care. */
static const int32_t npio2_hw[] = {
	0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB,
	0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB,
	0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C,
	0x4041475C, 0x4042106C, 0x4042D97C, 0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB,
	0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
};

/*
 * kernel_rem_pio2: x (nx 24-bit pieces scaled by 2^e0) reduced modulo pi/2
 * with the Payne-Hanek method; returns the quadrant (n & 7) and the
 * remainder in y[0] + y[1] (prec 2: double precision, 53 + 53 bits).
 */
static int kernel_rem_pio2(const double *x, double *y, int e0, int nx)
{
	static const double PIo2[] = {
		1.57079625129699707031e+00, /* 0x3FF921FB, 0x40000000 */
		7.54978941586159635335e-08, /* 0x3E74442D, 0x00000000 */
		5.39030252995776476554e-15, /* 0x3CF84698, 0x80000000 */
		3.28200341580791294123e-22, /* 0x3B78CC51, 0x60000000 */
		1.27065575308067607349e-29, /* 0x39F01B83, 0x80000000 */
		1.22933308981111328932e-36, /* 0x387A2520, 0x40000000 */
		2.73370053816464559624e-44, /* 0x36E38222, 0x80000000 */
		2.16741683877804819444e-51, /* 0x3569F31D, 0x00000000 */
	};
	const double two24 = 1.67772160000000000000e+07, twon24 = 5.96046447753906250000e-08;
	const int jk = 4; /* init_jk[prec = 2] */
	const int jp = jk;
	int32_t jz, jx, jv, carry, n, iq[20], i, j, k, m, q0, ih;
	double z, fw, f[20], fq[20] = { 0 }, q[20];

	jx = nx - 1;
	jv = (e0 - 3) / 24;
	if (jv < 0)
		jv = 0;
	q0 = e0 - 24 * (jv + 1);

	/* f[0..jx+jk] = ipio2[jv-jx .. jv+jk] */
	j = jv - jx;
	m = jx + jk;
	for (i = 0; i <= m; i++, j++)
		f[i] = j < 0 ? 0.0 : (double)two_over_pi[j];

	for (i = 0; i <= jk; i++) {
		for (j = 0, fw = 0.0; j <= jx; j++)
			fw += x[j] * f[jx + i - j];
		q[i] = fw;
	}

	jz = jk;
recompute:
	/* distill q[] into iq[] reversingly */
	for (i = 0, j = jz, z = q[jz]; j > 0; i++, j--) {
		fw = (double)(int32_t)(twon24 * z);
		iq[i] = (int32_t)(z - two24 * fw);
		z = q[j - 1] + fw;
	}

	z = scalbn(z, q0);
	z -= 8.0 * floor(z * 0.125); /* trim off integer >= 8 */
	n = (int32_t)z;
	z -= (double)n;
	ih = 0;
	if (q0 > 0) { /* need iq[jz-1] to determine n */
		i = iq[jz - 1] >> (24 - q0);
		n += i;
		iq[jz - 1] -= i << (24 - q0);
		ih = iq[jz - 1] >> (23 - q0);
	} else if (q0 == 0) {
		ih = iq[jz - 1] >> 23;
	} else if (z >= 0.5) {
		ih = 2;
	}

	if (ih > 0) { /* q > 0.5 */
		n += 1;
		carry = 0;
		for (i = 0; i < jz; i++) { /* compute 1-q */
			j = iq[i];
			if (carry == 0) {
				if (j != 0) {
					carry = 1;
					iq[i] = 0x1000000 - j;
				}
			} else {
				iq[i] = 0xFFFFFF - j;
			}
		}
		if (q0 == 1)
			iq[jz - 1] &= 0x7FFFFF;
		else if (q0 == 2)
			iq[jz - 1] &= 0x3FFFFF;
		if (ih == 2) {
			z = 1.0 - z;
			if (carry != 0)
				z -= scalbn(1.0, q0);
		}
	}

	/* check whether recomputation is needed */
	if (z == 0.0) {
		j = 0;
		for (i = jz - 1; i >= jk; i--)
			j |= iq[i];
		if (j == 0) { /* need recomputation */
			for (k = 1; k <= jk && iq[jk - k] == 0; k++)
				; /* k = number of terms needed */
			for (i = jz + 1; i <= jz + k; i++) { /* add q[jz+1] to q[jz+k] */
				f[jx + i] = (double)two_over_pi[jv + i];
				for (j = 0, fw = 0.0; j <= jx; j++)
					fw += x[j] * f[jx + i - j];
				q[i] = fw;
			}
			jz += k;
			goto recompute;
		}
	}

	/* chop off zero terms */
	if (z == 0.0) {
		jz -= 1;
		q0 -= 24;
		while (iq[jz] == 0) {
			jz--;
			q0 -= 24;
		}
	} else { /* break z into 24-bit pieces if necessary */
		z = scalbn(z, -q0);
		if (z >= two24) {
			fw = (double)(int32_t)(twon24 * z);
			iq[jz] = (int32_t)(z - two24 * fw);
			jz += 1;
			q0 += 24;
			iq[jz] = (int32_t)fw;
		} else {
			iq[jz] = (int32_t)z;
		}
	}

	/* convert the integer "bit" chunks to floating point */
	fw = scalbn(1.0, q0);
	for (i = jz; i >= 0; i--) {
		q[i] = fw * (double)iq[i];
		fw *= twon24;
	}

	/* fq = PIo2[0..jp] * q[jz..0] */
	for (i = jz; i >= 0; i--) {
		for (fw = 0.0, k = 0; k <= jp && k <= jz - i; k++)
			fw += PIo2[k] * q[i + k];
		fq[jz - i] = fw;
	}

	/* compress fq[] into y[] */
	fw = 0.0;
	for (i = jz; i >= 0; i--)
		fw += fq[i];
	y[0] = ih == 0 ? fw : -fw;
	fw = fq[0] - fw;
	for (i = 1; i <= jz; i++)
		fw += fq[i];
	y[1] = ih == 0 ? fw : -fw;
	return n & 7;
}

/* rem_pio2: x - n*pi/2 in y[0] + y[1]; returns n (its low bits are what matter). */
static int32_t rem_pio2(double x, double *y)
{
	const double half = 5.00000000000000000000e-01, two24 = 1.67772160000000000000e+07,
		     invpio2 = 6.36619772367581382433e-01, /* 0x3FE45F30, 0x6DC9C883 */
		pio2_1 = 1.57079632673412561417e+00,	   /* 0x3FF921FB, 0x54400000 */
		pio2_1t = 6.07710050650619224932e-11,	   /* 0x3DD0B461, 0x1A626331 */
		pio2_2 = 6.07710050630396597660e-11,	   /* 0x3DD0B461, 0x1A600000 */
		pio2_2t = 2.02226624879595063154e-21,	   /* 0x3BA3198A, 0x2E037073 */
		pio2_3 = 2.02226624871116645580e-21,	   /* 0x3BA3198A, 0x2E000000 */
		pio2_3t = 8.47842766036889956997e-32;	   /* 0x397B839A, 0x252049C1 */
	double z, w, t, r, fn, tx[3];
	int32_t e0, i, j, nx, n, ix, hx;

	hx = hiword(x);
	ix = hx & 0x7FFFFFFF;
	if (ix <= 0x3FE921FB) { /* |x| ~<= pi/4, no reduction needed */
		y[0] = x;
		y[1] = 0;
		return 0;
	}
	if (ix < 0x4002D97C) { /* |x| < 3pi/4, special case with n = +-1 */
		if (hx > 0) {
			z = x - pio2_1;
			if (ix != 0x3FF921FB) { /* 33+53 bit pi is good enough */
				y[0] = z - pio2_1t;
				y[1] = (z - y[0]) - pio2_1t;
			} else { /* near pi/2, use 33+33+53 bit pi */
				z -= pio2_2;
				y[0] = z - pio2_2t;
				y[1] = (z - y[0]) - pio2_2t;
			}
			return 1;
		}
		z = x + pio2_1;
		if (ix != 0x3FF921FB) {
			y[0] = z + pio2_1t;
			y[1] = (z - y[0]) + pio2_1t;
		} else {
			z += pio2_2;
			y[0] = z + pio2_2t;
			y[1] = (z - y[0]) + pio2_2t;
		}
		return -1;
	}
	if (ix <= 0x413921FB) { /* |x| ~<= 2^19 * (pi/2), medium size */
		t = fabs(x);
		n = (int32_t)(t * invpio2 + half);
		fn = (double)n;
		r = t - fn * pio2_1;
		w = fn * pio2_1t; /* 1st round good to 85 bits */
		if (n < 32 && ix != npio2_hw[n - 1]) {
			y[0] = r - w; /* quick check: no cancellation */
		} else {
			j = ix >> 20;
			y[0] = r - w;
			i = j - ((hiword(y[0]) >> 20) & 0x7FF);
			if (i > 16) { /* 2nd iteration needed, good to 118 bits */
				t = r;
				w = fn * pio2_2;
				r = t - w;
				w = fn * pio2_2t - ((t - r) - w);
				y[0] = r - w;
				i = j - ((hiword(y[0]) >> 20) & 0x7FF);
				if (i > 49) { /* 3rd iteration, 151 bits: covers all cases */
					t = r;
					w = fn * pio2_3;
					r = t - w;
					w = fn * pio2_3t - ((t - r) - w);
					y[0] = r - w;
				}
			}
		}
		y[1] = (r - y[0]) - w;
		if (hx < 0) {
			y[0] = -y[0];
			y[1] = -y[1];
			return -n;
		}
		return n;
	}
	if (ix >= 0x7FF00000) { /* inf or NaN */
		y[0] = y[1] = x - x;
		return 0;
	}
	/* large: z = scalbn(|x|, ilogb(x) - 23), cut into three 24-bit pieces */
	e0 = (ix >> 20) - 1046;
	z = dmake((uint32_t)ix - ((uint32_t)e0 << 20), loword(x));
	for (i = 0; i < 2; i++) {
		tx[i] = (double)(int32_t)z;
		z = (z - tx[i]) * two24;
	}
	tx[2] = z;
	nx = 3;
	while (tx[nx - 1] == 0.0)
		nx--;
	n = kernel_rem_pio2(tx, y, e0, nx);
	if (hx < 0) {
		y[0] = -y[0];
		y[1] = -y[1];
		return -n;
	}
	return n;
}

/* kernel_sin: sin(x + y) on [-pi/4, pi/4]; iy says whether y is meaningful. */
static double kernel_sin(double x, double y, int iy)
{
	const double half = 5.00000000000000000000e-01,
		     S1 = -1.66666666666666324348e-01, /* 0xBFC55555, 0x55555549 */
		S2 = 8.33333333332248946124e-03,	/* 0x3F811111, 0x1110F8A6 */
		S3 = -1.98412698298579493134e-04,	/* 0xBF2A01A0, 0x19C161D5 */
		S4 = 2.75573137070700676789e-06,	/* 0x3EC71DE3, 0x57B1FE7D */
		S5 = -2.50507602534068634195e-08,	/* 0xBE5AE5E6, 0x8A2B9CEB */
		S6 = 1.58969099521155010221e-10;	/* 0x3DE5D93A, 0x5ACFD57C */
	double z, r, v;
	int32_t ix = hiword(x) & 0x7FFFFFFF;

	if (ix < 0x3E400000 && (int32_t)x == 0) /* |x| < 2^-27 */
		return x;
	z = x * x;
	v = z * x;
	r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
	if (iy == 0)
		return x + v * (S1 + z * r);
	return x - ((z * (half * y - v * r) - y) - v * S1);
}

/* kernel_cos: cos(x + y) on [-pi/4, pi/4]. */
static double kernel_cos(double x, double y)
{
	const double C1 = 4.16666666666666019037e-02, /* 0x3FA55555, 0x5555554C */
		C2 = -1.38888888888741095749e-03,     /* 0xBF56C16C, 0x16C15177 */
		C3 = 2.48015872894767294178e-05,      /* 0x3EFA01A0, 0x19CB1590 */
		C4 = -2.75573143513906633035e-07,     /* 0xBE927E4F, 0x809C52AD */
		C5 = 2.08757232129817482790e-09,      /* 0x3E21EE9E, 0xBDB4B1C4 */
		C6 = -1.13596475577881948265e-11;     /* 0xBDA8FAE9, 0xBE8838D4 */
	double a, hz, z, r, qx;
	int32_t ix = hiword(x) & 0x7FFFFFFF;

	if (ix < 0x3E400000 && (int32_t)x == 0) /* |x| < 2^-27 */
		return 1.0;
	z = x * x;
	r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
	if (ix < 0x3FD33333) /* |x| < 0.3 */
		return 1.0 - (0.5 * z - (z * r - x * y));
	if (ix > 0x3FE90000) /* |x| > 0.78125 */
		qx = 0.28125;
	else
		qx = dmake((uint32_t)ix - 0x00200000, 0); /* x/4 */
	hz = 0.5 * z - qx;
	a = 1.0 - qx;
	return a - (hz - (z * r - x * y));
}

/* kernel_tan: tan(x + y) on [-pi/4, pi/4] for iy = 1, -1/tan(x + y) for iy = -1. */
static double kernel_tan(double x, double y, int iy)
{
	static const double T[] = {
		3.33333333333334091986e-01,  /* 3FD55555, 55555563 */
		1.33333333333201242699e-01,  /* 3FC11111, 1110FE7A */
		5.39682539762260521377e-02,  /* 3FABA1BA, 1BB341FE */
		2.18694882948595424599e-02,  /* 3F9664F4, 8406D637 */
		8.86323982359930005737e-03,  /* 3F8226E3, E96E8493 */
		3.59207910759131235356e-03,  /* 3F6D6D22, C9560328 */
		1.45620945432529025516e-03,  /* 3F57DBC8, FEE08315 */
		5.88041240820264096874e-04,  /* 3F4344D8, F2F26501 */
		2.46463134818469906812e-04,  /* 3F3026F7, 1A8D1068 */
		7.81794442939557092300e-05,  /* 3F147E88, A03792A6 */
		7.14072491382608190305e-05,  /* 3F12B80F, 32F0A7E9 */
		-1.85586374855275456654e-05, /* BEF375CB, DB605373 */
		2.59073051863633712884e-05,  /* 3EFB2A70, 74BF7AD4 */
	};
	const double pio4 = 7.85398163397448278999e-01, /* 3FE921FB, 54442D18 */
		pio4lo = 3.06161699786838301793e-17;	/* 3C81A626, 33145C07 */
	double z, r, v, w, s, a, t;
	int32_t hx = hiword(x), ix = hx & 0x7FFFFFFF;

	if (ix < 0x3E300000 && (int32_t)x == 0) { /* |x| < 2^-28 */
		if (((uint32_t)ix | loword(x) | (uint32_t)(iy + 1)) == 0)
			return 1.0 / fabs(x);
		if (iy == 1)
			return x;
		/* -1 / (x + y), carefully */
		z = w = x + y;
		z = set_lo(z, 0);
		v = y - (z - x);
		t = a = -1.0 / w;
		t = set_lo(t, 0);
		s = 1.0 + t * z;
		return t + a * (s + t * v);
	}
	if (ix >= 0x3FE59428) { /* |x| >= 0.6744 */
		if (hx < 0) {
			x = -x;
			y = -y;
		}
		z = pio4 - x;
		w = pio4lo - y;
		x = z + w;
		y = 0.0;
	}
	z = x * x;
	w = z * z;
	/* x^5 (T1 + x^4 T3 + ... + x^20 T11) + x^5 (x^2 (T2 + x^4 T4 + ... + x^22 T12)) */
	r = T[1] + w * (T[3] + w * (T[5] + w * (T[7] + w * (T[9] + w * T[11]))));
	v = z * (T[2] + w * (T[4] + w * (T[6] + w * (T[8] + w * (T[10] + w * T[12])))));
	s = z * x;
	r = y + z * (s * (r + v) + y);
	r += T[0] * s;
	w = x + r;
	if (ix >= 0x3FE59428) {
		v = (double)iy;
		return (double)(1 - ((hx >> 30) & 2)) * (v - 2.0 * (x - (w * w / (w + v) - r)));
	}
	if (iy == 1)
		return w;
	/* -1 / (x + r), accurately */
	z = set_lo(w, 0);
	v = r - (z - x);
	t = a = -1.0 / w;
	t = set_lo(t, 0);
	s = 1.0 + t * z;
	return t + a * (s + t * v);
}

double jsl_fd_sin(double x)
{
	double y[2];
	int32_t ix = hiword(x) & 0x7FFFFFFF;

	if (ix <= 0x3FE921FB)
		return kernel_sin(x, 0.0, 0);
	if (ix >= 0x7FF00000)
		return x - x; /* NaN */
	switch (rem_pio2(x, y) & 3) {
	case 0: return kernel_sin(y[0], y[1], 1);
	case 1: return kernel_cos(y[0], y[1]);
	case 2: return -kernel_sin(y[0], y[1], 1);
	default: return -kernel_cos(y[0], y[1]);
	}
}

double jsl_fd_cos(double x)
{
	double y[2];
	int32_t ix = hiword(x) & 0x7FFFFFFF;

	if (ix <= 0x3FE921FB)
		return kernel_cos(x, 0.0);
	if (ix >= 0x7FF00000)
		return x - x;
	switch (rem_pio2(x, y) & 3) {
	case 0: return kernel_cos(y[0], y[1]);
	case 1: return -kernel_sin(y[0], y[1], 1);
	case 2: return -kernel_cos(y[0], y[1]);
	default: return kernel_sin(y[0], y[1], 1);
	}
}

double jsl_fd_tan(double x)
{
	double y[2];
	int32_t n, ix = hiword(x) & 0x7FFFFFFF;

	if (ix <= 0x3FE921FB)
		return kernel_tan(x, 0.0, 1);
	if (ix >= 0x7FF00000)
		return x - x;
	n = rem_pio2(x, y);
	return kernel_tan(y[0], y[1], 1 - ((n & 1) << 1)); /* 1 for n even, -1 odd */
}

double jsl_fd_atan(double x)
{
	static const double atanhi[] = {
		4.63647609000806093515e-01, /* atan(0.5)hi 0x3FDDAC67, 0x0561BB4F */
		7.85398163397448278999e-01, /* atan(1.0)hi 0x3FE921FB, 0x54442D18 */
		9.82793723247329054082e-01, /* atan(1.5)hi 0x3FEF730B, 0xD281F69B */
		1.57079632679489655800e+00, /* atan(inf)hi 0x3FF921FB, 0x54442D18 */
	};
	static const double atanlo[] = {
		2.26987774529616870924e-17, /* atan(0.5)lo 0x3C7A2B7F, 0x222F65E2 */
		3.06161699786838301793e-17, /* atan(1.0)lo 0x3C81A626, 0x33145C07 */
		1.39033110312309984516e-17, /* atan(1.5)lo 0x3C700788, 0x7AF0CBBD */
		6.12323399573676603587e-17, /* atan(inf)lo 0x3C91A626, 0x33145C07 */
	};
	static const double aT[] = {
		3.33333333333329318027e-01,  /* 0x3FD55555, 0x5555550D */
		-1.99999999998764832476e-01, /* 0xBFC99999, 0x9998EBC4 */
		1.42857142725034663711e-01,  /* 0x3FC24924, 0x920083FF */
		-1.11111104054623557880e-01, /* 0xBFBC71C6, 0xFE231671 */
		9.09088713343650656196e-02,  /* 0x3FB745CD, 0xC54C206E */
		-7.69187620504482999495e-02, /* 0xBFB3B0F2, 0xAF749A6D */
		6.66107313738753120669e-02,  /* 0x3FB10D66, 0xA0D03D51 */
		-5.83357013379057348645e-02, /* 0xBFADDE2D, 0x52DEFD9A */
		4.97687799461593236017e-02,  /* 0x3FA97B4B, 0x24760DEB */
		-3.65315727442169155270e-02, /* 0xBFA2B444, 0x2C6A6C2F */
		1.62858201153657823623e-02,  /* 0x3F90AD3A, 0xE322DA11 */
	};
	double w, s1, s2, z;
	int32_t ix, hx, id;

	hx = hiword(x);
	ix = hx & 0x7FFFFFFF;
	if (ix >= 0x44100000) { /* |x| >= 2^66 */
		if (ix > 0x7FF00000 || (ix == 0x7FF00000 && loword(x) != 0))
			return x + x; /* NaN */
		return hx > 0 ? atanhi[3] + atanlo[3] : -atanhi[3] - atanlo[3];
	}
	if (ix < 0x3FDC0000) { /* |x| < 0.4375 */
		if (ix < 0x3E400000) /* |x| < 2^-27 */
			return x;
		id = -1;
	} else {
		x = fabs(x);
		if (ix < 0x3FF30000) {	       /* |x| < 1.1875 */
			if (ix < 0x3FE60000) { /* 7/16 <= |x| < 11/16 */
				id = 0;
				x = (2.0 * x - 1.0) / (2.0 + x);
			} else { /* 11/16 <= |x| < 19/16 */
				id = 1;
				x = (x - 1.0) / (x + 1.0);
			}
		} else if (ix < 0x40038000) { /* |x| < 2.4375 */
			id = 2;
			x = (x - 1.5) / (1.0 + 1.5 * x);
		} else { /* 2.4375 <= |x| < 2^66 */
			id = 3;
			x = -1.0 / x;
		}
	}
	z = x * x;
	w = z * z;
	/* the sum of aT[i] z^(i+1), split into odd and even polynomials */
	s1 = z * (aT[0] + w * (aT[2] + w * (aT[4] + w * (aT[6] + w * (aT[8] + w * aT[10])))));
	s2 = w * (aT[1] + w * (aT[3] + w * (aT[5] + w * (aT[7] + w * aT[9]))));
	if (id < 0)
		return x - x * (s1 + s2);
	z = atanhi[id] - ((x * (s1 + s2) - atanlo[id]) - x);
	return hx < 0 ? -z : z;
}

double jsl_fd_atan2(double y, double x)
{
	const double tiny = 1.0e-300, pi_o_4 = 7.8539816339744827900E-01, /* 0x3FE921FB, 0x54442D18 */
		pi_o_2 = 1.5707963267948965580E+00,			  /* 0x3FF921FB, 0x54442D18 */
		pi = 3.1415926535897931160E+00,				  /* 0x400921FB, 0x54442D18 */
		pi_lo = 1.2246467991473531772E-16;			  /* 0x3CA1A626, 0x33145C07 */
	double z;
	int32_t k, m, hx, hy, ix, iy;
	uint32_t lx, ly;

	hx = hiword(x);
	lx = loword(x);
	ix = hx & 0x7FFFFFFF;
	hy = hiword(y);
	ly = loword(y);
	iy = hy & 0x7FFFFFFF;
	if (((uint32_t)ix | ((lx | (0u - lx)) >> 31)) > 0x7FF00000u ||
	    ((uint32_t)iy | ((ly | (0u - ly)) >> 31)) > 0x7FF00000u)
		return x + y; /* x or y is NaN */
	if ((((uint32_t)hx - 0x3FF00000u) | lx) == 0)
		return jsl_fd_atan(y); /* x = 1.0 */
	m = ((hy >> 31) & 1) | ((hx >> 30) & 2); /* 2*sign(x) + sign(y) */

	if ((iy | (int32_t)ly) == 0) { /* y = 0 */
		switch (m) {
		case 0:
		case 1: return y; /* atan(+-0, +anything) = +-0 */
		case 2: return pi + tiny;
		default: return -pi - tiny;
		}
	}
	if ((ix | (int32_t)lx) == 0) /* x = 0 */
		return hy < 0 ? -pi_o_2 - tiny : pi_o_2 + tiny;
	if (ix == 0x7FF00000) { /* x is INF */
		if (iy == 0x7FF00000) {
			switch (m) {
			case 0: return pi_o_4 + tiny;
			case 1: return -pi_o_4 - tiny;
			case 2: return 3.0 * pi_o_4 + tiny;
			default: return -3.0 * pi_o_4 - tiny;
			}
		}
		switch (m) {
		case 0: return 0.0;
		case 1: return -0.0;
		case 2: return pi + tiny;
		default: return -pi - tiny;
		}
	}
	if (iy == 0x7FF00000) /* y is INF */
		return hy < 0 ? -pi_o_2 - tiny : pi_o_2 + tiny;

	k = (iy - ix) >> 20;
	if (k > 60) { /* |y/x| > 2^60 */
		z = pi_o_2 + 0.5 * pi_lo;
		m &= 1;
	} else if (hx < 0 && k < -60) {
		z = 0.0; /* 0 > |y|/x > -2^-60 */
	} else {
		z = jsl_fd_atan(fabs(y / x));
	}
	switch (m) {
	case 0: return z;
	case 1: return -z;
	case 2: return pi - (z - pi_lo);
	default: return (z - pi_lo) - pi;
	}
}

double jsl_fd_exp(double x)
{
	static const double halF[2] = { 0.5, -0.5 },
			    ln2HI[2] = { 6.93147180369123816490e-01,   /* 0x3FE62E42, 0xFEE00000 */
					 -6.93147180369123816490e-01 }, /* 0xBFE62E42, 0xFEE00000 */
		ln2LO[2] = { 1.90821492927058770002e-10,		/* 0x3DEA39EF, 0x35793C76 */
			     -1.90821492927058770002e-10 };		/* 0xBDEA39EF, 0x35793C76 */
	const double o_threshold = 7.09782712893383973096e+02, /* 0x40862E42, 0xFEFA39EF */
		u_threshold = -7.45133219101941108420e+02,     /* 0xC0874910, 0xD52D3051 */
		invln2 = 1.44269504088896338700e+00,	       /* 0x3FF71547, 0x652B82FE */
		P1 = 1.66666666666666019037e-01,	       /* 0x3FC55555, 0x5555553E */
		P2 = -2.77777777770155933842e-03,	       /* 0xBF66C16C, 0x16BEBD93 */
		P3 = 6.61375632143793436117e-05,	       /* 0x3F11566A, 0xAF25DE2C */
		P4 = -1.65339022054652515390e-06,	       /* 0xBEBBBD41, 0xC5D26BF1 */
		P5 = 4.13813679705723846039e-08,	       /* 0x3E663769, 0x72BEA4D0 */
		E = 2.718281828459045,			       /* 0x4005BF0A, 0x8B145769 */
		huge = 1.0e+300, twom1000 = 9.33263618503218878990e-302, /* 2^-1000 */
		two1023 = 8.988465674311579539e307;			 /* 2^1023 */
	double y, hi = 0.0, lo = 0.0, c, t, twopk;
	int32_t k = 0, xsb;
	uint32_t hx;

	hx = (uint32_t)hiword(x);
	xsb = (int32_t)(hx >> 31); /* sign bit of x */
	hx &= 0x7FFFFFFF;	   /* high word of |x| */

	if (hx >= 0x40862E42) { /* |x| >= 709.78... */
		if (hx >= 0x7FF00000) {
			if (((hx & 0xFFFFF) | loword(x)) != 0)
				return x + x;		/* NaN */
			return xsb == 0 ? x : 0.0; /* exp(+-inf) = {inf, 0} */
		}
		if (x > o_threshold)
			return huge * huge; /* overflow */
		if (x < u_threshold)
			return twom1000 * twom1000; /* underflow */
	}

	/* argument reduction */
	if (hx > 0x3FD62E42) {	       /* |x| > 0.5 ln2 */
		if (hx < 0x3FF0A2B2) { /* and |x| < 1.5 ln2 */
			/* V8: the reduction below gets exp(1) wrong in the last bit */
			if (x == 1.0)
				return E;
			hi = x - ln2HI[xsb];
			lo = ln2LO[xsb];
			k = 1 - xsb - xsb;
		} else {
			k = (int32_t)(invln2 * x + halF[xsb]);
			t = k;
			hi = x - t * ln2HI[0]; /* t * ln2HI is exact here */
			lo = t * ln2LO[0];
		}
		x = hi - lo;
	} else if (hx < 0x3E300000) { /* |x| < 2^-28 */
		if (huge + x > 1.0)
			return 1.0 + x;
	} else {
		k = 0;
	}

	/* x is now in the primary range */
	t = x * x;
	if (k >= -1021)
		twopk = dmake(0x3FF00000u + ((uint32_t)k << 20), 0);
	else
		twopk = dmake(0x3FF00000u + ((uint32_t)(k + 1000) << 20), 0);
	c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
	if (k == 0)
		return 1.0 - ((x * c) / (c - 2.0) - x);
	y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
	if (k >= -1021) {
		if (k == 1024)
			return y * 2.0 * two1023;
		return y * twopk;
	}
	return y * twopk * twom1000;
}

double jsl_fd_log(double x)
{
	const double ln2_hi = 6.93147180369123816490e-01, /* 3fe62e42 fee00000 */
		ln2_lo = 1.90821492927058770002e-10,	  /* 3dea39ef 35793c76 */
		two54 = 1.80143985094819840000e+16,	  /* 43500000 00000000 */
		Lg1 = 6.666666666666735130e-01,		  /* 3FE55555 55555593 */
		Lg2 = 3.999999999940941908e-01,		  /* 3FD99999 9997FA04 */
		Lg3 = 2.857142874366239149e-01,		  /* 3FD24924 94229359 */
		Lg4 = 2.222219843214978396e-01,		  /* 3FCC71C5 1D8E78AF */
		Lg5 = 1.818357216161805012e-01,		  /* 3FC74664 96CB03DE */
		Lg6 = 1.531383769920937332e-01,		  /* 3FC39A09 D078C69F */
		Lg7 = 1.479819860511658591e-01;		  /* 3FC2F112 DF3E5244 */
	double hfsq, f, s, z, R, w, t1, t2, dk;
	int32_t k, hx, i, j;
	uint32_t lx;

	hx = hiword(x);
	lx = loword(x);
	k = 0;
	if (hx < 0x00100000) { /* x < 2^-1022 */
		if (((hx & 0x7FFFFFFF) | (int32_t)lx) == 0)
			return -INFINITY; /* log(+-0) */
		if (hx < 0)
			return NAN; /* log(-#) */
		k -= 54;
		x *= two54; /* subnormal: scale up */
		hx = hiword(x);
	}
	if (hx >= 0x7FF00000)
		return x + x;
	k += (hx >> 20) - 1023;
	hx &= 0x000FFFFF;
	i = (hx + 0x95F64) & 0x100000;
	x = set_hi(x, hx | (i ^ 0x3FF00000)); /* normalize x or x/2 */
	k += i >> 20;
	f = x - 1.0;
	if ((0x000FFFFF & (2 + hx)) < 3) { /* -2^-20 <= f < 2^-20 */
		if (f == 0.0) {
			if (k == 0)
				return 0.0;
			dk = (double)k;
			return dk * ln2_hi + dk * ln2_lo;
		}
		R = f * f * (0.5 - 0.33333333333333333 * f);
		if (k == 0)
			return f - R;
		dk = (double)k;
		return dk * ln2_hi - ((R - dk * ln2_lo) - f);
	}
	s = f / (2.0 + f);
	dk = (double)k;
	z = s * s;
	i = hx - 0x6147A;
	w = z * z;
	j = 0x6B851 - hx;
	t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
	t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
	i |= j;
	R = t2 + t1;
	if (i > 0) {
		hfsq = 0.5 * f * f;
		if (k == 0)
			return f - (hfsq - s * (hfsq + R));
		return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
	}
	if (k == 0)
		return f - s * (f - R);
	return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/* fdlibm's e_pow.c: x ** y as 2 ** (y * log2(x)) in extra precision. */
static double fd_pow(double x, double y)
{
	static const double bp[] = { 1.0, 1.5 },
			    dp_h[] = { 0.0, 5.84962487220764160156e-01 }, /* 0x3FE2B803, 0x40000000 */
		dp_l[] = { 0.0, 1.35003920212974897128e-08 };		  /* 0x3E4CFDEB, 0x43CFD006 */
	const double two53 = 9007199254740992.0, huge = 1.0e300, tiny = 1.0e-300,
		     /* polynomial coefficients for (3/2) * (log(x) - 2s - 2/3 s^3) */
		L1 = 5.99999999999994648725e-01,     /* 0x3FE33333, 0x33333303 */
		L2 = 4.28571428578550184252e-01,     /* 0x3FDB6DB6, 0xDB6FABFF */
		L3 = 3.33333329818377432918e-01,     /* 0x3FD55555, 0x518F264D */
		L4 = 2.72728123808534006489e-01,     /* 0x3FD17460, 0xA91D4101 */
		L5 = 2.30660745775561754067e-01,     /* 0x3FCD864A, 0x93C9DB65 */
		L6 = 2.06975017800338417784e-01,     /* 0x3FCA7E28, 0x4A454EEF */
		P1 = 1.66666666666666019037e-01,     /* 0x3FC55555, 0x5555553E */
		P2 = -2.77777777770155933842e-03,    /* 0xBF66C16C, 0x16BEBD93 */
		P3 = 6.61375632143793436117e-05,     /* 0x3F11566A, 0xAF25DE2C */
		P4 = -1.65339022054652515390e-06,    /* 0xBEBBBD41, 0xC5D26BF1 */
		P5 = 4.13813679705723846039e-08,     /* 0x3E663769, 0x72BEA4D0 */
		lg2 = 6.93147180559945286227e-01,    /* 0x3FE62E42, 0xFEFA39EF */
		lg2_h = 6.93147182464599609375e-01,  /* 0x3FE62E43, 0x00000000 */
		lg2_l = -1.90465429995776804525e-09, /* 0xBE205C61, 0x0CA86C39 */
		ovt = 8.0085662595372944372e-17,     /* -(1024 - log2(ovfl + .5ulp)) */
		cp = 9.61796693925975554329e-01,     /* 0x3FEEC709, 0xDC3A03FD = 2/(3 ln2) */
		cp_h = 9.61796700954437255859e-01,   /* 0x3FEEC709, 0xE0000000 = (float)cp */
		cp_l = -7.02846165095275826516e-09,  /* 0xBE3E2FE0, 0x145B01F5 = tail of cp_h */
		ivln2 = 1.44269504088896338700e+00,  /* 0x3FF71547, 0x652B82FE = 1/ln2 */
		ivln2_h = 1.44269502162933349609e+00, /* 0x3FF71547, 0x60000000 = 24b 1/ln2 */
		ivln2_l = 1.92596299112661746887e-08; /* 0x3E54AE0B, 0xF85DDF44 = 1/ln2 tail */
	double z, ax, z_h, z_l, p_h, p_l;
	double y1, t1, t2, r, s, t, u, v, w;
	int32_t i, j, k, yisint, n;
	int32_t hx, hy, ix, iy;
	uint32_t lx, ly;

	hx = hiword(x);
	lx = loword(x);
	hy = hiword(y);
	ly = loword(y);
	ix = hx & 0x7FFFFFFF;
	iy = hy & 0x7FFFFFFF;

	if ((iy | (int32_t)ly) == 0) /* x ** 0 = 1 */
		return 1.0;
	if (ix > 0x7FF00000 || (ix == 0x7FF00000 && lx != 0) || iy > 0x7FF00000 ||
	    (iy == 0x7FF00000 && ly != 0))
		return x + y; /* NaN */

	/* yisint: 0 when y is not an integer, 1 when odd, 2 when even (only for x < 0) */
	yisint = 0;
	if (hx < 0) {
		if (iy >= 0x43400000) {
			yisint = 2;
		} else if (iy >= 0x3FF00000) {
			k = (iy >> 20) - 0x3FF; /* exponent */
			if (k > 20) {
				uint32_t uj = ly >> (52 - k);

				if ((uj << (52 - k)) == ly)
					yisint = 2 - (int32_t)(uj & 1);
			} else if (ly == 0) {
				j = iy >> (20 - k);
				if ((j << (20 - k)) == iy)
					yisint = 2 - (j & 1);
			}
		}
	}

	/* special values of y */
	if (ly == 0) {
		if (iy == 0x7FF00000) { /* y is +-inf */
			if (((ix - 0x3FF00000) | (int32_t)lx) == 0)
				return y - y; /* (+-1) ** +-inf is NaN */
			if (ix >= 0x3FF00000) /* (|x| > 1) ** +-inf = inf, 0 */
				return hy >= 0 ? y : 0.0;
			return hy < 0 ? -y : 0.0; /* (|x| < 1) ** -,+inf = inf, 0 */
		}
		if (iy == 0x3FF00000) /* y is +-1 */
			return hy < 0 ? 1.0 / x : x;
		if (hy == 0x40000000) /* y is 2 */
			return x * x;
		if (hy == 0x3FE00000 && hx >= 0) /* y is 0.5, x >= +0 */
			return sqrt(x);
	}

	ax = fabs(x);
	/* special values of x */
	if (lx == 0 && (ix == 0x7FF00000 || ix == 0 || ix == 0x3FF00000)) {
		z = ax; /* x is +-0, +-inf, +-1 */
		if (hy < 0)
			z = 1.0 / z;
		if (hx < 0) {
			if (((ix - 0x3FF00000) | yisint) == 0)
				z = NAN; /* (-1) ** non-int */
			else if (yisint == 1)
				z = -z; /* (x < 0) ** odd = -(|x| ** odd) */
		}
		return z;
	}

	n = (hx >> 31) + 1; /* 0 when x < 0, else 1 */

	if ((n | yisint) == 0) /* (x < 0) ** non-int is NaN */
		return NAN;

	s = 1.0; /* sign of the result */
	if ((n | (yisint - 1)) == 0)
		s = -1.0; /* (-ve) ** (odd int) */

	if (iy > 0x41E00000) {	       /* |y| > 2^31 */
		if (iy > 0x43F00000) { /* |y| > 2^64: must over- or underflow */
			if (ix <= 0x3FEFFFFF)
				return hy < 0 ? huge * huge : tiny * tiny;
			if (ix >= 0x3FF00000)
				return hy > 0 ? huge * huge : tiny * tiny;
		}
		/* over- or underflow if x is not close to one */
		if (ix < 0x3FEFFFFF)
			return hy < 0 ? s * huge * huge : s * tiny * tiny;
		if (ix > 0x3FF00000)
			return hy > 0 ? s * huge * huge : s * tiny * tiny;
		/* |1 - x| <= 2^-20: log(x) by x - x^2/2 + x^3/3 - x^4/4 */
		t = ax - 1.0;
		w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
		u = ivln2_h * t;
		v = t * ivln2_l - w * ivln2;
		t1 = set_lo(u + v, 0);
		t2 = v - (t1 - u);
	} else {
		double ss, s2, s_h, s_l, t_h, t_l;

		n = 0;
		if (ix < 0x00100000) { /* subnormal x */
			ax *= two53;
			n -= 53;
			ix = hiword(ax);
		}
		n += (ix >> 20) - 0x3FF;
		j = ix & 0x000FFFFF;
		/* determine the interval */
		ix = j | 0x3FF00000;
		if (j <= 0x3988E) {
			k = 0; /* |x| < sqrt(3/2) */
		} else if (j < 0xBB67A) {
			k = 1; /* |x| < sqrt(3) */
		} else {
			k = 0;
			n += 1;
			ix -= 0x00100000;
		}
		ax = set_hi(ax, ix);

		/* ss = s_h + s_l = (x - 1) / (x + 1) or (x - 1.5) / (x + 1.5) */
		u = ax - bp[k];
		v = 1.0 / (ax + bp[k]);
		ss = u * v;
		s_h = set_lo(ss, 0);
		/* t_h = ax + bp[k], high part */
		t_h = dmake((uint32_t)(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18)), 0);
		t_l = ax - (t_h - bp[k]);
		s_l = v * ((u - s_h * t_h) - s_h * t_l);
		/* log(ax) */
		s2 = ss * ss;
		r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
		r += s_l * (s_h + ss);
		s2 = s_h * s_h;
		t_h = set_lo(3.0 + s2 + r, 0);
		t_l = r - ((t_h - 3.0) - s2);
		/* u + v = ss * (1 + ...) */
		u = s_h * t_h;
		v = s_l * t_h + t_l * ss;
		/* 2/(3 log2) * (ss + ...) */
		p_h = set_lo(u + v, 0);
		p_l = v - (p_h - u);
		z_h = cp_h * p_h; /* cp_h + cp_l = 2/(3 log2) */
		z_l = cp_l * p_h + p_l * cp + dp_l[k];
		/* log2(ax) = (ss + ...) * 2/(3 log2) = n + dp_h + z_h + z_l */
		t = (double)n;
		t1 = set_lo(((z_h + z_l) + dp_h[k]) + t, 0);
		t2 = z_l - (((t1 - t) - dp_h[k]) - z_h);
	}

	/* split y into y1 + y2 and compute (y1 + y2) * (t1 + t2) */
	y1 = set_lo(y, 0);
	p_l = (y - y1) * t1 + y * t2;
	p_h = y1 * t1;
	z = p_l + p_h;
	j = hiword(z);
	i = (int32_t)loword(z);
	if (j >= 0x40900000) {				    /* z >= 1024 */
		if (((j - 0x40900000) | i) != 0)	    /* z > 1024 */
			return s * huge * huge;		    /* overflow */
		if (p_l + ovt > z - p_h)
			return s * huge * huge; /* overflow */
	} else if ((j & 0x7FFFFFFF) >= 0x4090CC00) {		  /* z <= -1075 */
		if ((((uint32_t)j - 0xC090CC00u) | (uint32_t)i) != 0) /* z < -1075 */
			return s * tiny * tiny;			  /* underflow */
		if (p_l <= z - p_h)
			return s * tiny * tiny; /* underflow */
	}

	/* 2 ** (p_h + p_l) */
	i = j & 0x7FFFFFFF;
	k = (i >> 20) - 0x3FF;
	n = 0;
	if (i > 0x3FE00000) { /* |z| > 0.5: n = [z + 0.5] */
		n = j + (0x00100000 >> (k + 1));
		k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF; /* new k for n */
		t = dmake((uint32_t)(n & ~(0x000FFFFF >> k)), 0);
		n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k);
		if (j < 0)
			n = -n;
		p_h -= t;
	}
	t = set_lo(p_l + p_h, 0);
	u = t * lg2_h;
	v = (p_l - (t - p_h)) * lg2 + t * lg2_l;
	z = u + v;
	w = v - (z - u);
	t = z * z;
	t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
	/* fdlibm has (z * t1) / (t1 - 2) - (w + z * w); V8 divides by the whole
	 * difference, and node's results (all of 20000 random arguments) follow V8. */
	r = (z * t1) / ((t1 - 2.0) - (w + z * w));
	z = 1.0 - (r - z);
	j = hiword(z);
	j = (int32_t)((uint32_t)j + ((uint32_t)n << 20));
	if ((j >> 20) <= 0)
		z = scalbn(z, n); /* subnormal output */
	else
		z = set_hi(z, j);
	return s * z;
}

double jsl_fd_pow(double x, double y)
{
	/* ECMAScript, not C: NaN ** anything-but-0 and anything ** NaN are NaN
	 * (fd_pow agrees), and (+-1) ** (+-Infinity) is NaN (C says 1). */
	if (isnan(y))
		return NAN;
	if (isinf(y) && (x == 1.0 || x == -1.0))
		return NAN;
	return fd_pow(x, y);
}

/*
 * cbrt: FreeBSD msun's s_cbrt.c, which V8's ieee754::cbrt ports (glibc's
 * cbrt differs in the last digit: Math.cbrt(10) is 2.154434690031884 in
 * node, 2.1544346900318834 with glibc; found by make fuzz-diff). A rough
 * cube root to 5 bits from the exponent, a polynomial to 23 bits, rounded
 * away from zero to 23 bits, then one Newton step to 53.
 */
double jsl_fd_cbrt(double x)
{
	static const uint32_t B1 = 715094163, /* (1023-1023/3-0.03306235651)*2**20 */
		B2 = 696219795;		       /* (1023-1023/3-54/3-0.03306235651)*2**20 */
	static const double P0 = 1.87595182427177009643, /* 0x3ffe03e6, 0x0f61e692 */
		P1 = -1.88497979543377169875,		 /* 0xbffe28e0, 0x92f02420 */
		P2 = 1.621429720105354466140,		 /* 0x3ff9f160, 0x4a49d6c2 */
		P3 = -0.758397934778766047437,		 /* 0xbfe844cb, 0xbee751d9 */
		P4 = 0.145996192886612446982;		 /* 0x3fc2b000, 0xd4e4edd7 */
	uint32_t hx = (uint32_t)hiword(x), low = loword(x), sign = hx & 0x80000000u, high;
	double r, s, t = 0.0, w;
	uint64_t bits;

	hx ^= sign;
	if (hx >= 0x7ff00000u)
		return x + x; /* NaN, infinities */
	if (hx < 0x00100000u) { /* zero or subnormal */
		if ((hx | low) == 0)
			return x;
		t = dmake(0x43500000u, 0); /* 2**54 */
		t *= x;
		high = (uint32_t)hiword(t);
		t = dmake(sign | ((high & 0x7fffffffu) / 3 + B2), 0);
	} else {
		t = dmake(sign | (hx / 3 + B1), 0);
	}
	r = (t * t) * (t / x);
	t = t * ((P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4));
	bits = (dbits(t) + 0x80000000u) & 0xffffffffc0000000ull;
	memcpy(&t, &bits, sizeof(t));
	s = t * t;
	r = x / s;
	w = t + t;
	r = (r - t) / (w + r);
	t = t + t * r;
	return t;
}

/* k_log.h's k_log1p: log(1 + f) - f + f*f/2 for 1 + f in [sqrt(2)/2, sqrt(2)]. */
static double k_log1p(double f)
{
	static const double Lg1 = 6.666666666666735130e-01, /* 3FE55555 55555593 */
		Lg2 = 3.999999999940941908e-01,		    /* 3FD99999 9997FA04 */
		Lg3 = 2.857142874366239149e-01,		    /* 3FD24924 94229359 */
		Lg4 = 2.222219843214978396e-01,		    /* 3FCC71C5 1D8E78AF */
		Lg5 = 1.818357216161805012e-01,		    /* 3FC74664 96CB03DE */
		Lg6 = 1.531383769920937332e-01,		    /* 3FC39A09 D078C69F */
		Lg7 = 1.479819860511658591e-01;		    /* 3FC2F112 DF3E5244 */
	double hfsq, s, z, R, w, t1, t2;

	s = f / (2.0 + f);
	z = s * s;
	w = z * z;
	t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
	t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
	R = t2 + t1;
	hfsq = 0.5 * f * f;
	return s * (hfsq + R);
}

/* log2: FreeBSD msun's e_log2.c, which V8's ieee754::log2 ports. */
double jsl_fd_log2(double x)
{
	const double two54 = dmake(0x43500000u, 0), ivln2hi = dmake(0x3ff71547u, 0x65200000u),
		     ivln2lo = dmake(0x3de705fcu, 0x2eefa200u);
	double f, hfsq, hi, lo, r, val_hi, val_lo, w, y;
	int32_t i, k = 0, hx = hiword(x);
	uint32_t lx = loword(x);

	if (hx < 0x00100000) { /* x < 2**-1022 */
		if (((hx & 0x7fffffff) | (int32_t)lx) == 0)
			return -INFINITY;
		if (hx < 0)
			return NAN;
		k -= 54;
		x *= two54; /* a subnormal: scaled up */
		hx = hiword(x);
	}
	if (hx >= 0x7ff00000)
		return x + x;
	if (hx == 0x3ff00000 && lx == 0)
		return 0;
	k += (hx >> 20) - 1023;
	hx &= 0x000fffff;
	i = (hx + 0x95f64) & 0x100000;
	x = set_hi(x, hx | (i ^ 0x3ff00000)); /* normalize x or x/2 */
	k += i >> 20;
	y = (double)k;
	f = x - 1.0;
	hfsq = 0.5 * f * f;
	r = k_log1p(f);
	hi = f - hfsq;
	hi = set_lo(hi, 0);
	lo = (f - hi) - hfsq + r;
	val_hi = hi * ivln2hi;
	val_lo = (lo + hi) * ivln2lo + lo * ivln2hi;
	w = y + val_hi;
	val_lo += (y - w) + val_hi;
	val_hi = w;
	return val_lo + val_hi;
}

/* log10: fdlibm 5.3's e_log10.c, which V8's ieee754::log10 ports. */
double jsl_fd_log10(double x)
{
	const double two54 = dmake(0x43500000u, 0), ivln10 = 4.34294481903251816668e-01,
		     log10_2hi = dmake(0x3fd34413u, 0x509f6000u),
		     log10_2lo = dmake(0x3d59fef3u, 0x11f12b36u);
	double y, z;
	int32_t i, k = 0, hx = hiword(x);
	uint32_t lx = loword(x);

	if (hx < 0x00100000) { /* x < 2**-1022 */
		if (((hx & 0x7fffffff) | (int32_t)lx) == 0)
			return -INFINITY;
		if (hx < 0)
			return NAN;
		k -= 54;
		x *= two54;
		hx = hiword(x);
		lx = loword(x);
	}
	if (hx >= 0x7ff00000)
		return x + x;
	if (hx == 0x3ff00000 && lx == 0)
		return 0;
	k += (hx >> 20) - 1023;
	i = (int32_t)(((uint32_t)k & 0x80000000u) >> 31);
	hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
	y = (double)(k + i);
	x = dmake((uint32_t)hx, lx);
	z = y * log10_2lo + ivln10 * jsl_fd_log(x);
	return z + y * log10_2hi;
}

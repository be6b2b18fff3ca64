/* SPDX-License-Identifier: MIT */
/*
 * fdlibm: the elementary functions exactly as node computes them.
 *
 * V8 (and so node) computes Math.sin, cos, tan, atan, atan2, exp, log, log2,
 * log10, cbrt and pow (and the ** operator) with C ports of Sun's fdlibm 5.3 (V8's
 * src/base/ieee754.cc), not with the C library: glibc's libm rounds
 * differently in the last digit for a few percent of arguments
 * (10 ** -5 is 0.000009999999999999999 in node, 0.00001 with glibc).
 * These functions reproduce fdlibm bit for bit, so that a JSLite program
 * prints what node prints. They are pure: no errno, no global state, no
 * floating-point environment changes that anybody reads.
 *
 * jsl_fd_pow is Math.pow / ** of ECMAScript (a NaN exponent gives NaN, and
 * (+-1) ** (+-Infinity) is NaN, unlike C's pow which gives 1).
 */
#ifndef VM_FDLIBM_H
#define VM_FDLIBM_H

double jsl_fd_sin(double x);
double jsl_fd_cos(double x);
double jsl_fd_tan(double x);
double jsl_fd_atan(double x);
double jsl_fd_atan2(double y, double x);
double jsl_fd_exp(double x);
double jsl_fd_log(double x);
double jsl_fd_pow(double x, double y);
double jsl_fd_cbrt(double x);
double jsl_fd_log2(double x);
double jsl_fd_log10(double x);

#endif

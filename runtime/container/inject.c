/* SPDX-License-Identifier: MIT */
/*
 * Fault injection (--inject, for tests, the demo and the evaluation; off by
 * default): drop a share of the admitted Tasklets, delay each start by a
 * lognormal sample, die after N admissions, lie (forge a share of the
 * results, so that replicas' digests disagree) or be deaf to CANCEL (run a
 * cancelled replica to its end, as a container that never got the message),
 * or reset the application's link as soon as a result is sent (before its
 * acknowledgement: the result is sent again). Every decision comes from one
 * seeded generator on the I/O thread, in admission order, so a run with the
 * same seed and the same arrivals injects the same faults.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/container/container_int.h"

/* splitmix64: small, fast, and good enough to pick faults. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double next_unit(uint64_t *s)
{
	return ((double)(next_u64(s) >> 11) + 0.5) / 9007199254740992.0;
}

static int num(const char *v, double lo, double hi, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || (*end && *end != ':' && *end != ',') || !(d >= lo && d <= hi))
		return -EINVAL;
	*out = d;
	return 0;
}

int rt_inject_parse(const char *spec, struct rt_inject *in, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok;

	memset(in, 0, sizeof(*in));
	in->seed = 1;
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "--inject: too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		double d;

		if (!strncmp(tok, "drop=", 5)) {
			if (num(tok + 5, 0, 1, &in->drop) < 0)
				goto bad;
		} else if (!strncmp(tok, "delay=lognormal:", 16)) {
			char *sig = strchr(tok + 16, ':');

			if (!sig || num(tok + 16, 0, 3600000, &in->delay_median_ms) < 0 ||
			    num(sig + 1, 0, 10, &in->delay_sigma) < 0)
				goto bad;
			in->delay = 1;
		} else if (!strncmp(tok, "die-after=", 10)) {
			if (num(tok + 10, 1, 1e9, &d) < 0 || d != floor(d))
				goto bad;
			in->die_after = (unsigned)d;
		} else if (!strncmp(tok, "lie=", 4)) {
			if (num(tok + 4, 0, 1, &in->lie) < 0)
				goto bad;
		} else if (!strcmp(tok, "deaf")) {
			in->deaf = 1;
		} else if (!strncmp(tok, "reset=", 6)) {
			if (num(tok + 6, 0, 1, &in->reset) < 0)
				goto bad;
		} else if (!strncmp(tok, "seed=", 5)) {
			if (num(tok + 5, 0, 1.8e19, &d) < 0 || d != floor(d))
				goto bad;
			in->seed = (uint64_t)d;
		} else {
			goto bad;
		}
		continue;
bad:
		snprintf(err, errlen,
			 "--inject: bad '%s' (want drop=P, delay=lognormal:MEDIAN_MS:SIGMA, "
			 "die-after=N, lie=P, deaf, reset=P, seed=S, comma-separated)",
			 tok);
		return -EINVAL;
	}
	in->on = in->drop > 0 || in->delay || in->die_after || in->lie > 0 || in->deaf ||
		 in->reset > 0;
	in->state = in->seed;
	return 0;
}

int rt_inject_check(const char *spec, char *err, size_t errlen)
{
	struct rt_inject in;

	return rt_inject_parse(spec, &in, err, errlen);
}

void rt_inject_describe(const struct rt_inject *in, char *buf, size_t cap)
{
	snprintf(buf, cap, "drop=%g delay=%s%g:%g die-after=%u lie=%g%s reset=%g seed=%llu",
		 in->drop, in->delay ? "lognormal:" : "none:", in->delay_median_ms,
		 in->delay_sigma, in->die_after, in->lie, in->deaf ? " deaf" : "", in->reset,
		 (unsigned long long)in->seed);
}

int rt_inject_admit(struct rt_container *c, struct job *j)
{
	struct rt_inject *in = &c->inject;

	if (!in->on)
		return 0;
	in->admitted++;
	if (in->die_after && in->admitted > in->die_after) {
		cxp_log("fault injection: dying after %u tasklets (die-after)", in->die_after);
		fflush(NULL);
		kill(getpid(), SIGKILL); /* a crash, as a real fault would be: no drain, no goodbye */
	}
	if (in->delay) {
		/* lognormal: median * exp(sigma * N(0,1)), N from Box-Muller */
		double u1 = next_unit(&in->state), u2 = next_unit(&in->state);
		double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);

		j->inject_delay_ns = (uint64_t)(in->delay_median_ms * exp(in->delay_sigma * z) * 1e6);
	}
	if (in->lie > 0 && next_unit(&in->state) < in->lie)
		j->inject_lie = 1;
	if (in->reset > 0 && next_unit(&in->state) < in->reset)
		j->inject_reset = 1;
	if (in->drop > 0 && next_unit(&in->state) < in->drop) {
		cxp_log("fault injection: tasklet %016llx dropped", (unsigned long long)j->sig.tasklet_id);
		return 1;
	}
	return 0;
}

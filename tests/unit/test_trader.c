/* SPDX-License-Identifier: MIT */
/* Description: QoS matching of the trader (trd_match) over a container store. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/tl_test.h"
#include "trader/trader.h"

static struct vm_qos prio(const char *v)
{
	struct vm_qos q = { .cat = VM_QOS_PRIORITY, .nparams = 1 };

	q.p[0].type = VM_QOS_P_STR;
	strcpy(q.p[0].s, v);
	return q;
}

static struct vm_qos speed(int64_t n)
{
	struct vm_qos q = { .cat = VM_QOS_SPEED_MINIMUM, .nparams = 1 };

	q.p[0].type = VM_QOS_P_INT;
	q.p[0].i = n;
	return q;
}

static const struct trd_cand store[] = {
	{ .id = 1, .name = "fast-prio", .speed = 900, .price = 30, .flags = CXP_CAP_PRIORITY, .workers = 4 },
	{ .id = 2, .name = "cheap", .speed = 100, .price = 5, .flags = 0, .workers = 1 },
	{ .id = 3, .name = "mid-prio", .speed = 400, .price = 10, .flags = CXP_CAP_PRIORITY, .workers = 2 },
};

static void test_no_qos_cheapest(void)
{
	CU_ASSERT_EQUAL(trd_match(store, 3, NULL, 0, NULL, 0), 1);
}

static void test_priority_needs_queue(void)
{
	struct vm_qos q[] = { prio("True") };

	/* cheap has no priority queue: the cheapest with one wins. */
	CU_ASSERT_EQUAL(trd_match(store, 3, q, 1, NULL, 0), 2);
	q[0] = prio("False");
	CU_ASSERT_EQUAL(trd_match(store, 3, q, 1, NULL, 0), 1);
}

static void test_speed_then_priority(void)
{
	struct vm_qos q[] = { speed(500), prio("True") };

	CU_ASSERT_EQUAL(trd_match(store, 3, q, 2, NULL, 0), 0);
	q[0] = speed(400); /* inclusive */
	CU_ASSERT_EQUAL(trd_match(store, 3, q, 2, NULL, 0), 2);
}

static void test_load_breaks_price_ties(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "a", .price = 10, .workers = 1, .load = 3 },
		{ .id = 2, .name = "b", .price = 10, .workers = 4, .load = 8 }, /* 2 per worker */
		{ .id = 3, .name = "c", .price = 10, .workers = 2, .load = 4 }, /* 2 per worker */
	};

	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, NULL, 0), 1); /* equal load: lower id */
	s[1].load = 9;
	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, NULL, 0), 2);
}

static void test_idle_before_busy(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "cheap", .price = 1, .workers = 1, .load = 1 },   /* busy */
		{ .id = 2, .name = "dear", .price = 90, .workers = 2, .load = 1 },   /* one idle worker */
		{ .id = 3, .name = "dearer", .price = 95, .workers = 1, .load = 0 }, /* idle */
	};

	/* An idle container is never passed over for a busy one; among idle, the cheapest. */
	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, NULL, 0), 1);
	/* All busy: the lowest load per worker (the sooner start), not the price. */
	s[1].load = 4;
	s[2].load = 2;
	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, NULL, 0), 0);
	s[0].load = 3;
	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, NULL, 0), 1); /* 2 per worker vs 3 and 2: price */
}

static void test_full_draining_suspected_skipped(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "full", .workers = 1, .capacity = { 4, 4 }, .held = { 0, 4 }, .load = 4 },
		{ .id = 2, .name = "draining", .workers = 1, .draining = 1 },
		{ .id = 3, .name = "suspected", .workers = 1, .suspected = 1 },
	};
	char why[256];

	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, why, sizeof(why)), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "full, draining or suspected (3 of 3 registered)"));
	s[2].suspected = 0;
	CU_ASSERT_EQUAL(trd_match(s, 3, NULL, 0, why, sizeof(why)), 2);
	/* A priority Tasklet counts against the priority capacity only. */
	{
		struct vm_qos q = prio("True");

		s[0].flags = CXP_CAP_PRIORITY;
		s[2].suspected = 1;
		CU_ASSERT_EQUAL(trd_match(s, 3, &q, 1, why, sizeof(why)), 0);
	}
}

static struct vm_qos int_qos(unsigned cat, int64_t v, const char *rel)
{
	struct vm_qos q = { .cat = (uint8_t)cat, .nparams = rel ? 2 : 1 };

	q.p[0].type = VM_QOS_P_INT;
	q.p[0].i = v;
	if (rel) {
		q.p[1].type = VM_QOS_P_STR;
		strcpy(q.p[1].s, rel);
	}
	return q;
}

static void test_cost_limit_against_expected_fuel(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "free", .price = 0, .workers = 1, .load = 1 },
		{ .id = 2, .name = "cheap", .price = 10, .workers = 1 },
		{ .id = 3, .name = "dear", .price = 20, .workers = 1 },
	};
	struct vm_qos q = int_qos(VM_QOS_COST_LIMIT, 2, NULL);
	struct trd_task small = { .expected_fuel = 100000 }, big = { .expected_fuel = 1000000 };
	char why[256];

	/* 2 million / price per million fuel: cheap affords 200k, dear 100k, free anything */
	CU_ASSERT_EQUAL(trd_match_task(s, 3, &q, 1, &small, NULL, 0), 1); /* idle, cheapest */
	s[1].load = 1;
	CU_ASSERT_EQUAL(trd_match_task(s, 3, &q, 1, &small, NULL, 0), 2); /* dear is idle, within */
	/* A program known to take 1M fuel: only the free one (busy or not). */
	CU_ASSERT_EQUAL(trd_match_task(s, 3, &q, 1, &big, NULL, 0), 0);
	CU_ASSERT_EQUAL(trd_match_task(s + 1, 2, &q, 1, &big, why, sizeof(why)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "CostLimit(2)"));
	/* Without what is known of the Tasklet: the default expectation. */
	CU_ASSERT_EQUAL(trd_match(s + 1, 2, &q, 1, NULL, 0), 1);
}

static void test_relative_speed(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "slow", .speed = 50, .workers = 1 },
		{ .id = 2, .name = "fast", .speed = 400, .workers = 1, .price = 5 },
	};
	struct vm_qos q = int_qos(VM_QOS_SPEED_MINIMUM, 2, "relative");
	struct trd_task app = { .expected_fuel = 1, .app_speed = 100 };

	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &app, NULL, 0), 1); /* 400 >= 2 x 100 */
	app.app_speed = 300;
	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &app, NULL, 0), -ENOENT);
	/* The application's speed unknown: nothing can be shown to qualify. */
	app.app_speed = 0;
	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &app, NULL, 0), -ENOENT);
}

static void test_deadline_estimate(void)
{
	struct trd_cand s[] = {
		{ .id = 1, .name = "slow", .speed = 10, .workers = 1 },          /* 10k fuel/ms */
		{ .id = 2, .name = "fast", .speed = 100, .workers = 1, .price = 9 }, /* 100k fuel/ms */
	};
	struct vm_qos q = int_qos(VM_QOS_DEADLINE, 50, NULL);
	struct trd_task task = { .expected_fuel = 1000000 }; /* 100 ms slow, 10 ms fast */

	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &task, NULL, 0), 1);
	/* four ahead on the fast one: 50 ms, still in time; five: not */
	s[1].load = 4;
	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &task, NULL, 0), 1);
	s[1].load = 5;
	CU_ASSERT_EQUAL(trd_match_task(s, 2, &q, 1, &task, NULL, 0), -ENOENT);
}

static void test_no_match_explained(void)
{
	struct vm_qos q[] = { speed(300), prio("True"), speed(2000) };
	char why[256];

	CU_ASSERT_EQUAL(trd_match(store, 3, q, 3, why, sizeof(why)), -ENOENT);
	/* The requirement that emptied the set is named, with the count before it. */
	CU_ASSERT_STRING_EQUAL(why, "no registered container satisfies SpeedMinimum(2000) "
				    "(3 registered, 2 left before it)");
	CU_ASSERT_EQUAL(trd_match(store, 0, q, 1, why, sizeof(why)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(why, "no container is registered");
}

static void test_privacy_needs_tls(void)
{
	struct vm_qos q = { .cat = VM_QOS_PRIVACY, .nparams = 2 };
	struct trd_cand s[] = {
		{ .id = 7, .name = "tls-other", .price = 0, .flags = CXP_CAP_TLS, .workers = 1,
		  .ca_cn = "other" },
		{ .id = 8, .name = "tls", .price = 50, .flags = CXP_CAP_TLS, .workers = 1, .ca_cn = "ca" },
		{ .id = 9, .name = "plain-says-ca", .price = 0, .workers = 1, .ca_cn = "ca" },
	};

	q.p[0].type = q.p[1].type = VM_QOS_P_STR;
	strcpy(q.p[0].s, "TLS");
	strcpy(q.p[1].s, "ca");
	CU_ASSERT_EQUAL(trd_match(store, 3, &q, 1, NULL, 0), -ENOENT);
	/* only a TLS container whose certificate chains to the CA named 'ca' */
	CU_ASSERT_EQUAL(trd_match(s, 3, &q, 1, NULL, 0), 1);
	strcpy(q.p[1].s, "nope");
	CU_ASSERT_EQUAL(trd_match(s, 3, &q, 1, NULL, 0), -ENOENT);
}

static uint64_t rnd_state = 42;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state % n);
}

/*
 * The kept placement order answers exactly as the scan: a store of 300
 * containers (few hosts, so distinct hosts matter) changing under 20,000
 * random steps (loads up and down, containers leaving the way the trader
 * removes them: the last record moved into the freed slot, and new ones
 * registering), each step followed by a match with random requirements,
 * k replicas, distinct hosts, avoid lists and unreliable marks.
 */
static void test_order_same_as_scan(void)
{
	enum { N = 300, STEPS = 20000 };
	static struct trd_cand cs[N];
	struct trd_order *o = trd_order_new();
	size_t n = 0;
	uint64_t next_id = 1;
	unsigned agree = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	for (int step = 0; step < STEPS; step++) {
		uint32_t r = rnd(100);

		if (n < 2 || (r < 3 && n < N)) { /* a container registers */
			struct trd_cand *c = &cs[n];

			memset(c, 0, sizeof(*c));
			c->id = next_id++;
			c->speed = 50 + rnd(1000);
			c->price = rnd(6);
			c->workers = 1 + rnd(4);
			c->flags = (rnd(2) ? CXP_CAP_PRIORITY : 0) | (rnd(2) ? CXP_CAP_TLS : 0);
			c->capacity[0] = rnd(3) ? 0 : 1 + rnd(4);
			c->capacity[1] = rnd(3) ? 0 : 1 + rnd(4);
			snprintf(c->host, sizeof(c->host), "h%u", rnd(20));
			strcpy(c->ca_cn, rnd(2) ? "ca" : "other");
			CU_ASSERT_EQUAL_FATAL(trd_order_set(o, cs, n), 0);
			n++;
		} else if (r < 5) { /* one leaves */
			size_t i = rnd((uint32_t)n);

			trd_order_del(o, i);
			n--;
			if (i != n) {
				trd_order_del(o, n);
				cs[i] = cs[n];
				trd_order_set(o, cs, i);
			}
		} else { /* a load changes */
			size_t i = rnd((uint32_t)n);
			unsigned cls = rnd(2);

			if (rnd(2) && cs[i].load) {
				cs[i].load--;
				if (cs[i].held[cls])
					cs[i].held[cls]--;
			} else {
				cs[i].load++;
				cs[i].held[cls]++;
			}
			cs[i].draining = rnd(50) == 0;
			cs[i].suspected = rnd(50) == 0;
			cs[i].unreliable = rnd(10) == 0;
			trd_order_set(o, cs, i);
		}
		{
			struct vm_qos q[3];
			size_t nq = 0;
			struct trd_task task = { .expected_fuel = 1000000, .app_speed = 100,
						 .skip_unreliable = (int)rnd(2) };
			unsigned k = 1 + rnd(3);
			int dh = (int)rnd(2), a[TRD_MAX_REPLICAS], b[TRD_MAX_REPLICAS];
			uint64_t avoid[2] = { 1 + rnd((uint32_t)next_id), 1 + rnd((uint32_t)next_id) };
			size_t navoid = rnd(3);
			int ma, mb;

			if (rnd(3) == 0)
				q[nq++] = prio(rnd(2) ? "True" : "False");
			if (rnd(3) == 0)
				q[nq++] = speed(100 + rnd(800));
			if (rnd(4) == 0) {
				q[nq] = (struct vm_qos){ .cat = VM_QOS_COST_LIMIT, .nparams = 1 };
				q[nq].p[0].type = VM_QOS_P_INT;
				q[nq++].p[0].i = rnd(5);
			}
			ma = trd_match_many_o(o, cs, n, q, nq, &task, k, dh, avoid, navoid, a, NULL, 0);
			mb = trd_match_many(cs, n, q, nq, &task, k, dh, avoid, navoid, b, NULL, 0);
			CU_ASSERT_EQUAL_FATAL(ma, mb);
			for (int j = 0; j < ma; j++)
				CU_ASSERT_EQUAL_FATAL(a[j], b[j]);
			agree += ma > 0;
		}
	}
	/* The steps placed something most of the time (the comparison meant something). */
	CU_ASSERT(agree > STEPS / 2);
	trd_order_free(o);
}

TL_SUITE(u_trader, NULL, NULL,
	 { "no QoS: the cheapest container", test_no_qos_cheapest },
	 { "Priority('True') needs a priority queue", test_priority_needs_queue },
	 { "requirements narrow in source order", test_speed_then_priority },
	 { "load per worker breaks price ties", test_load_breaks_price_ties },
	 { "an idle container before a busy one, whatever the price", test_idle_before_busy },
	 { "full, draining and suspected containers are offered nothing", test_full_draining_suspected_skipped },
	 { "no match names the requirement that emptied the set", test_no_match_explained },
	 { "CostLimit: price x expected fuel within the limit", test_cost_limit_against_expected_fuel },
	 { "SpeedMinimum(f, 'relative') against the application's speed", test_relative_speed },
	 { "Deadline: only where the expected start and run fit", test_deadline_estimate },
	 { "Privacy(TLS, CA): a TLS container of that CA only", test_privacy_needs_tls },
	 { "the kept placement order answers as the scan, under random change", test_order_same_as_scan })

/* SPDX-License-Identifier: MIT */
/* Description: QoS names and formatting, string chunks, QoS chunk chains written and read back. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tl_test.h"
#include "vm/qos_int.h"
#include "vm/vm.h"

static void expect_msg(const char *err, const char *want)
{
	int ok = strstr(err, want) != NULL;

	if (!ok)
		printf("\n    message \"%s\" lacks \"%s\"\n", err, want);
	CU_ASSERT(ok);
}

static struct vm_qos req(uint8_t cat)
{
	struct vm_qos q;

	memset(&q, 0, sizeof(q));
	q.cat = cat;
	return q;
}

static void add_int(struct vm_qos *q, int64_t v)
{
	q->p[q->nparams].type = VM_QOS_P_INT;
	q->p[q->nparams++].i = v;
}

static void add_str(struct vm_qos *q, const char *s)
{
	q->p[q->nparams].type = VM_QOS_P_STR;
	snprintf(q->p[q->nparams++].s, sizeof(q->p[0].s), "%s", s);
}

static void test_names(void)
{
	static const char *const want[] = {
		NULL, "Priority", "SpeedMinimum", "CostLimit", "FaultTolerance", "Privacy",
		"Deadline", "Reliability",
	};

	for (unsigned c = 1; c <= VM_QOS_CAT_MAX; c++) {
		CU_ASSERT_STRING_EQUAL(vm_qos_name(c), want[c]);
		CU_ASSERT_EQUAL(vm_qos_lookup(want[c], strlen(want[c])), (int)c);
	}
	CU_ASSERT_PTR_NULL(vm_qos_name(0));
	CU_ASSERT_PTR_NULL(vm_qos_name(VM_QOS_CAT_MAX + 1));
	CU_ASSERT_EQUAL(vm_qos_lookup("Speed", 5), -ENOENT);
	CU_ASSERT_EQUAL(vm_qos_lookup("priority", 8), -ENOENT);
	CU_ASSERT_EQUAL(vm_qos_lookup("Priority", 5), -ENOENT); /* a prefix is not a match */
	CU_ASSERT_EQUAL(vm_qos_lookup("Deadline(", 8), VM_QOS_DEADLINE);
	CU_ASSERT_EQUAL(vm_qos_lookup("", 0), -ENOENT);
}

static void test_format(void)
{
	struct vm_qos q = req(VM_QOS_SPEED_MINIMUM);
	char buf[128];

	add_int(&q, 2);
	add_str(&q, "relative");
	CU_ASSERT_EQUAL(vm_qos_format(&q, buf, sizeof(buf)), 27);
	CU_ASSERT_STRING_EQUAL(buf, "SpeedMinimum(2, 'relative')");
	/* Truncated like snprintf: returns the full length. */
	CU_ASSERT_EQUAL(vm_qos_format(&q, buf, 6), 27);
	CU_ASSERT_STRING_EQUAL(buf, "Speed");
	CU_ASSERT_EQUAL(vm_qos_format(&q, NULL, 0), 27);

	q = req(VM_QOS_PRIORITY);
	add_str(&q, "True");
	vm_qos_format(&q, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Priority('True')");
	q = req(VM_QOS_DEADLINE);
	add_int(&q, -250);
	vm_qos_format(&q, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Deadline(-250)");
	q = req(VM_QOS_PRIVACY);
	add_str(&q, "TLS");
	add_str(&q, "it's a\\b\n");
	vm_qos_format(&q, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Privacy('TLS', 'it\\'s a\\\\b\\x0a')");
	q = req(9);
	vm_qos_format(&q, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "QoS#9()");
}

static void test_is_priority(void)
{
	struct vm_qos q[3] = {req(VM_QOS_DEADLINE), req(VM_QOS_PRIORITY), req(VM_QOS_PRIORITY)};

	add_int(&q[0], 10);
	add_str(&q[1], "False");
	CU_ASSERT_FALSE(vm_qos_is_priority(q, 2));
	CU_ASSERT_FALSE(vm_qos_is_priority(q, 0));
	add_str(&q[2], "True");
	CU_ASSERT_TRUE(vm_qos_is_priority(q, 3));
	q[2].p[0].type = VM_QOS_P_INT; /* Priority(1) is not Priority('True') */
	CU_ASSERT_FALSE(vm_qos_is_priority(q, 3));
}

static void test_strings(void)
{
	static const size_t lens[] = {0, 1, 7, 8, 9, 111, 112, 113, 224, 225, 1000, 70000};
	struct vm_store *st = vm_store_new(0);
	uint8_t *src = malloc(70000), *dst = malloc(70001);
	uint64_t id;

	CU_ASSERT_FATAL(st && src && dst);
	for (size_t i = 0; i < 70000; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 8)); /* includes NULs */
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t n = lens[k], before = vm_store_count(st);

		CU_ASSERT_EQUAL_FATAL(vm_str_store(st, src, n, &id), 0);
		/* 112 bytes per chunk, one chunk for the empty string. */
		CU_ASSERT_EQUAL(vm_store_count(st) - before, n ? (n + 111) / 112 : 1);
		CU_ASSERT_EQUAL(vm_str_len(st, id), (int64_t)n);
		memset(dst, 0xaa, 70001);
		CU_ASSERT_EQUAL(vm_str_load(st, id, dst, 70000), (int64_t)n);
		CU_ASSERT_EQUAL(memcmp(dst, src, n), 0);
		CU_ASSERT_EQUAL(dst[n], 0xaa);
		/* A short buffer gets a prefix, the return is still the full length. */
		memset(dst, 0xaa, 70001);
		CU_ASSERT_EQUAL(vm_str_load(st, id, dst, 5), (int64_t)n);
		CU_ASSERT_EQUAL(memcmp(dst, src, n < 5 ? n : 5), 0);
		CU_ASSERT_EQUAL(dst[n < 5 ? n : 5], 0xaa);
	}
	CU_ASSERT_EQUAL(vm_str_store(st, src, VM_STR_MAX + 1, &id), -E2BIG);
	CU_ASSERT_EQUAL(vm_str_len(st, 999999), -ENOENT);
	free(src);
	free(dst);
	vm_store_free(st);
}

static void test_strings_corrupt(void)
{
	struct vm_store *st = vm_store_new(0);
	char big[300], err[200] = "";
	uint64_t id, id2;
	struct vm_chunk *c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL_FATAL(vm_str_store(st, big, sizeof(big), &id), 0); /* 3 chunks */
	c = vm_store_get_mut(st, id);
	/* The second chunk must say 300 - 112 remain. */
	vm_store_get_mut(st, c->s[15].v.link)->s[0].v.i = 190;
	CU_ASSERT_EQUAL(vm_str_read(st, id, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "says 190 bytes remain, want 188");
	/* A chain that loops back: the remaining lengths cannot match. */
	vm_store_get_mut(st, c->s[15].v.link)->s[0].v.i = 188;
	CU_ASSERT_EQUAL(vm_str_len(st, id), 300);
	vm_slot_set_link(vm_store_get_mut(st, c->s[15].v.link), 15, id);
	CU_ASSERT_EQUAL(vm_str_read(st, id, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "says 300 bytes remain, want 76");
	/* Missing continuation. */
	vm_slot_set_link(vm_store_get_mut(st, c->s[15].v.link), 15, 4242);
	CU_ASSERT_EQUAL(vm_str_read(st, id, NULL, 0, err, sizeof(err)), -ENOENT);
	expect_msg(err, "string chunk 0x1092 (at byte 224) is not in the store");

	CU_ASSERT_EQUAL_FATAL(vm_str_store(st, "hello", 5, &id2), 0);
	c = vm_store_get_mut(st, id2);
	c->kind = VM_CHUNK_CODE;
	CU_ASSERT_EQUAL(vm_str_read(st, id2, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "kind CODE, want DATA");
	c->kind = VM_CHUNK_DATA;
	c->s[1].len = 4;
	CU_ASSERT_EQUAL(vm_str_read(st, id2, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "slot 1 is BYTES of length 4, want BYTES of length 5");
	c->s[1].len = 5;
	vm_slot_set_int(c, 2, 1);
	CU_ASSERT_EQUAL(vm_str_read(st, id2, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "slot 2 is INT, want EMPTY");
	vm_slot_set_empty(c, 2);
	vm_slot_set_int(c, 0, -1);
	CU_ASSERT_EQUAL(vm_str_len(st, id2), -EINVAL);
	vm_slot_set_int(c, 0, 5);
	vm_slot_set_link(c, 15, id);
	CU_ASSERT_EQUAL(vm_str_read(st, id2, NULL, 0, err, sizeof(err)), -EINVAL);
	expect_msg(err, "slot 15 is LINK after the last bytes, want EMPTY");
	vm_slot_set_empty(c, 15);
	CU_ASSERT_EQUAL(vm_str_len(st, id2), 5);
	vm_store_free(st);
}

/* A root chunk as the compiler makes it, linking the QoS chain at first (0: none). */
static uint64_t make_root(struct vm_store *st, uint64_t first)
{
	struct vm_chunk *r = vm_store_alloc(st, VM_CHUNK_ROOT);

	vm_slot_set_int(r, VM_ROOT_S_MAGIC, VM_ROOT_MAGIC);
	vm_slot_set_int(r, VM_ROOT_S_VER, VM_ROOT_VERSION);
	if (first)
		vm_slot_set_link(r, VM_ROOT_S_QOS, first);
	return r->id;
}

/* The requirements of the paper's examples, one of each category. */
static size_t sample(struct vm_qos *q)
{
	q[0] = req(VM_QOS_PRIORITY);
	add_str(&q[0], "True");
	q[1] = req(VM_QOS_SPEED_MINIMUM);
	add_int(&q[1], 2);
	add_str(&q[1], "relative");
	q[2] = req(VM_QOS_COST_LIMIT);
	add_int(&q[2], INT64_MIN);
	q[3] = req(VM_QOS_FAULT_TOLERANCE);
	add_str(&q[3], "local");
	q[4] = req(VM_QOS_PRIVACY);
	add_str(&q[4], "TLS");
	add_str(&q[4], "0123456789012345678901234567890123456789012345678901234567890ab"); /* 63 */
	q[5] = req(VM_QOS_DEADLINE);
	add_int(&q[5], 250);
	q[6] = req(VM_QOS_RELIABILITY);
	add_str(&q[6], "");
	add_int(&q[6], 1);
	add_int(&q[6], 2);
	add_int(&q[6], 3);
	return 7;
}

static void test_round_trip(void)
{
	struct vm_store *st = vm_store_new(0);
	struct vm_qos in[VM_QOS_MAX], out[VM_QOS_MAX];
	size_t n = sample(in);
	uint64_t first = 99, root;
	char err[200] = "", a[128], b[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(vm_qos_store(st, in, n, &first), 0);
	CU_ASSERT_NOT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(vm_store_get(st, first)->kind, VM_CHUNK_QOS);
	root = make_root(st, first);
	memset(out, 0x55, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(vm_qos_read(st, root, out, VM_QOS_MAX, err, sizeof(err)), (int)n);
	for (size_t i = 0; i < n; i++) {
		vm_qos_format(&in[i], a, sizeof(a));
		vm_qos_format(&out[i], b, sizeof(b));
		CU_ASSERT_STRING_EQUAL(a, b);
		CU_ASSERT_EQUAL(out[i].nparams, in[i].nparams);
	}
	CU_ASSERT_STRING_EQUAL(b, "Reliability('', 1, 2, 3)");
	CU_ASSERT_EQUAL(out[2].p[0].i, INT64_MIN);
	CU_ASSERT_TRUE(vm_qos_is_priority(out, (size_t)n));
	/* The whole graph is reachable from the root and complete. */
	CU_ASSERT_EQUAL(vm_store_missing(st, root, 1000, NULL, 0), 0);
	CU_ASSERT(vm_store_walk(st, root, 1000, NULL, NULL, NULL) > (int)n);
	/* Exactly max fits; fewer is refused, not cut short. */
	CU_ASSERT_EQUAL(vm_qos_read(st, root, out, n, err, sizeof(err)), (int)n);
	CU_ASSERT_EQUAL(vm_qos_read(st, root, out, n - 1, err, sizeof(err)), -EINVAL);
	expect_msg(err, "more than 6 QoS requirements");

	/* No @QOS: no chunks, an EMPTY root slot, zero requirements. */
	CU_ASSERT_EQUAL(vm_qos_store(st, in, 0, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	root = make_root(st, 0);
	CU_ASSERT_EQUAL(vm_qos_read(st, root, out, VM_QOS_MAX, err, sizeof(err)), 0);
	vm_store_free(st);
}

static void test_store_rejects(void)
{
	struct vm_store *st = vm_store_new(0);
	struct vm_qos q[VM_QOS_MAX + 1];
	uint64_t first = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	sample(q);
	q[3].cat = 0;
	CU_ASSERT_EQUAL(vm_qos_store(st, q, 7, &first), -EINVAL);
	sample(q);
	q[3].nparams = VM_QOS_MAX_PARAMS + 1;
	CU_ASSERT_EQUAL(vm_qos_store(st, q, 7, &first), -EINVAL);
	sample(q);
	q[0].p[0].type = 3;
	CU_ASSERT_EQUAL(vm_qos_store(st, q, 7, &first), -EINVAL);
	sample(q);
	memset(q[0].p[0].s, 'x', sizeof(q[0].p[0].s)); /* no NUL */
	CU_ASSERT_EQUAL(vm_qos_store(st, q, 7, &first), -EINVAL);
	for (size_t i = 0; i <= VM_QOS_MAX; i++)
		q[i] = req(VM_QOS_DEADLINE);
	CU_ASSERT_EQUAL(vm_qos_store(st, q, VM_QOS_MAX + 1, &first), -EINVAL);
	/* Nothing was written by the refused calls. */
	CU_ASSERT_EQUAL(vm_store_count(st), 0);
	CU_ASSERT_EQUAL(vm_qos_store(st, q, VM_QOS_MAX, &first), 0);
	CU_ASSERT_EQUAL(vm_store_count(st), VM_QOS_MAX);
	vm_store_free(st);
}

/* A store with a valid 2-requirement chain: Deadline(5) -> Privacy('TLS'). */
struct fix {
	struct vm_store *st;
	uint64_t root;
	struct vm_chunk *r, *q1, *q2;
};

static void fix_make(struct fix *f)
{
	struct vm_qos q[2] = {req(VM_QOS_DEADLINE), req(VM_QOS_PRIVACY)};
	uint64_t first;

	add_int(&q[0], 5);
	add_str(&q[1], "TLS");
	f->st = vm_store_new(0);
	CU_ASSERT_EQUAL_FATAL(vm_qos_store(f->st, q, 2, &first), 0);
	f->root = make_root(f->st, first);
	f->r = vm_store_get_mut(f->st, f->root);
	f->q1 = vm_store_get_mut(f->st, first);
	f->q2 = vm_store_get_mut(f->st, f->q1->s[VM_QOS_S_NEXT].v.link);
}

/* Reading the chain of f fails with rc and a message containing want. */
static void expect_read(struct fix *f, int rc, const char *want)
{
	struct vm_qos out[VM_QOS_MAX];
	char err[200] = "";

	CU_ASSERT_EQUAL(vm_qos_read(f->st, f->root, out, VM_QOS_MAX, err, sizeof(err)), rc);
	expect_msg(err, want);
	vm_store_free(f->st);
}

static void test_read_rejects(void)
{
	struct fix f;
	struct vm_qos out[VM_QOS_MAX];
	char s64[65];

	fix_make(&f);
	CU_ASSERT_EQUAL(vm_qos_read(f.st, f.root, out, VM_QOS_MAX, NULL, 0), 2);
	CU_ASSERT_EQUAL(vm_qos_read(f.st, 12345, out, VM_QOS_MAX, NULL, 0), -ENOENT);
	vm_store_free(f.st);

	fix_make(&f);
	f.r->kind = VM_CHUNK_DATA;
	expect_read(&f, -EINVAL, "kind DATA, want ROOT");
	fix_make(&f);
	vm_slot_set_int(f.r, VM_ROOT_S_MAGIC, 1);
	expect_read(&f, -EINVAL, "does not hold the magic");
	fix_make(&f);
	vm_slot_set_int(f.r, VM_ROOT_S_VER, 2);
	expect_read(&f, -EINVAL, "format version 2, want INT 1");
	fix_make(&f);
	vm_slot_set_int(f.r, VM_ROOT_S_QOS, 7);
	expect_read(&f, -EINVAL, "slot 2 (QoS) is INT, want LINK or EMPTY");
	fix_make(&f);
	f.q2->kind = VM_CHUNK_CODE;
	expect_read(&f, -EINVAL, "QoS requirement 2: chunk 0x");
	fix_make(&f);
	vm_slot_set_int(f.q1, 0, 0);
	expect_read(&f, -EINVAL, "unknown category 0 (known: 1..7)");
	fix_make(&f);
	vm_slot_set_int(f.q1, 0, VM_QOS_CAT_MAX + 1);
	expect_read(&f, -EINVAL, "unknown category 8");
	fix_make(&f);
	vm_slot_set_float(f.q1, 0, 6.0);
	expect_read(&f, -EINVAL, "slot 0 is FLOAT, want the INT category");
	fix_make(&f);
	for (unsigned i = 1; i <= VM_QOS_MAX_PARAMS + 1; i++)
		vm_slot_set_int(f.q1, i, i);
	expect_read(&f, -EINVAL, "(Deadline): more than 4 parameters");
	fix_make(&f);
	vm_slot_set_int(f.q1, 3, 1); /* s[2] is EMPTY */
	expect_read(&f, -EINVAL, "slot 3 is INT after the EMPTY slot 2");
	fix_make(&f);
	vm_slot_set_float(f.q1, 1, 5.0);
	expect_read(&f, -EINVAL, "parameter 1 (slot 1) is FLOAT, want INT or a LINK to a string");
	fix_make(&f);
	vm_slot_set_bytes(f.q1, 1, "TLS", 3);
	expect_read(&f, -EINVAL, "parameter 1 (slot 1) is BYTES");
	fix_make(&f);
	memset(s64, 'a', 64);
	CU_ASSERT_EQUAL(vm_str_store(f.st, s64, 64, &f.q2->s[1].v.link), 0);
	expect_read(&f, -EINVAL, "(Privacy): parameter 1 is a string of 64 bytes (at most 63)");
	fix_make(&f);
	CU_ASSERT_EQUAL(vm_str_store(f.st, "T\0S", 3, &f.q2->s[1].v.link), 0);
	expect_read(&f, -EINVAL, "parameter 1 holds a NUL byte");
	fix_make(&f);
	f.q2->s[1].v.link = f.q1->id; /* a QoS chunk is no string */
	expect_read(&f, -EINVAL, "parameter 1: string chunk 0x");
	fix_make(&f);
	f.q2->s[1].v.link = 777;
	expect_read(&f, -ENOENT, "parameter 1: string chunk 0x309 (at byte 0) is not in the store");
	fix_make(&f);
	vm_slot_set_link(f.q2, VM_QOS_S_NEXT, 888);
	expect_read(&f, -ENOENT, "QoS requirement 3: chunk 0x378 is not in the store");
	fix_make(&f);
	vm_slot_set_link(f.q2, VM_QOS_S_NEXT, f.q1->id);
	expect_read(&f, -EINVAL, "(requirement 1): the chain loops");
	fix_make(&f);
	vm_slot_set_link(f.q2, VM_QOS_S_NEXT, f.q2->id);
	expect_read(&f, -EINVAL, "(requirement 2): the chain loops");
	fix_make(&f);
	vm_slot_set_int(f.q2, VM_QOS_S_NEXT, 3);
	expect_read(&f, -EINVAL, "slot 15 is INT, want LINK to the next requirement or EMPTY");
}

/* clang-format off */
TL_SUITE(u_qos, NULL, NULL,
	 { "category names and exact lookup", test_names },
	 { "format like the @QOS source, snprintf-style", test_format },
	 { "Priority('True') detection", test_is_priority },
	 { "string chunks round trip at chunk boundaries", test_strings },
	 { "corrupt string chains rejected", test_strings_corrupt },
	 { "QoS store/read round trip of every category", test_round_trip },
	 { "vm_qos_store refuses bad requirements and writes nothing", test_store_rejects },
	 { "malformed QoS chunks rejected with a message", test_read_rejects })
/* clang-format on */

/* SPDX-License-Identifier: MIT */
/* Description: the C API (tasklet.h) in-process, against the embedded default trader and containers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/app/tasklet.h"
#include "runtime/cli/embedded.h"
#include "tests/tl_test.h"

static struct rt_embedded *emb;
static struct tl_client *cl;

static int setup(void)
{
	struct rt_embedded_config ec = { .containers = 2, .workers = 2 };
	struct tl_options o = { 0 };
	char err[256];

	emb = rt_embedded_start(&ec, err, sizeof(err));
	if (!emb) {
		fprintf(stderr, "rt_embedded_start: %s\n", err);
		return -1;
	}
	o.trader = rt_embedded_trader(emb);
	cl = tl_client_new(&o, err, sizeof(err));
	if (!cl)
		fprintf(stderr, "tl_client_new: %s\n", err);
	return cl ? 0 : -1;
}

static int teardown(void)
{
	tl_client_free(cl);
	rt_embedded_stop(emb);
	return 0;
}

static void test_submit_and_collect_many(void)
{
	enum { N = 200 };
	static uint64_t ids[N];
	char src[128], err[256];
	int ok = 0;

	for (int i = 0; i < N; i++) {
		snprintf(src, sizeof(src), "%s\nlet x = %d;\nconsole.log('x', x);\nx * x;\n",
			 i % 5 == 0 ? "@QOS Priority('True');" : "", i);
		CU_ASSERT_EQUAL_FATAL(tl_submit_source(cl, "gen.jsl", src, strlen(src), &ids[i],
						       err, sizeof(err)),
				      0);
	}
	for (int i = 0; i < N; i++) {
		struct tl_result r;
		char want_out[32], want_val[32];

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, ids[i], &r, 30000), 0);
		snprintf(want_out, sizeof(want_out), "x %d\n", i);
		snprintf(want_val, sizeof(want_val), "%d", i * i);
		if (r.status == TL_OK && !strcmp(r.output, want_out) && !strcmp(r.value, want_val) &&
		    r.priority == (i % 5 == 0) && !strncmp(r.container, "embedded-", 9))
			ok++;
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL(ok, N);
	/* A collected result is gone. */
	{
		struct tl_result r;

		CU_ASSERT_EQUAL(tl_wait(cl, ids[0], &r, 0), -ENOENT);
	}
}

static void test_compile_error_and_unknown_id(void)
{
	char err[256];
	uint64_t id = 0;
	struct tl_result r;

	CU_ASSERT_EQUAL(tl_submit_source(cl, "oops.jsl", "let = 3;\n", 9, &id, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(strncmp(err, "oops.jsl:1:", 11), 0);
	CU_ASSERT_EQUAL(tl_wait(cl, 12345, &r, 0), -ENOENT);
	CU_ASSERT_EQUAL(tl_submit_file(cl, "/nonexistent/x.jsl", &id, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.jsl"));
}

/*
 * tl_submit_input: the JSON text becomes the global `input` on the
 * container (it travels with the chunks); the same program with three
 * inputs gives three answers; a text that is not JSON is a load error.
 */
static void test_input(void)
{
	static const char src[] = "let s = 0;\nfor (const x of input.xs) s += x;\n`${input.name}: ${s}`;\n";
	static const char *const in[] = { "{\"name\": \"a\", \"xs\": [1, 2, 3]}",
					  "{\"name\": \"b\", \"xs\": []}",
					  "{\"name\": \"c\", \"xs\": [40, 2]}" };
	static const char *const want[] = { "'a: 6'", "'b: 0'", "'c: 42'" };
	char err[256];
	uint64_t id[4];
	struct tl_result r;

	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(tl_submit_input(cl, "in.jsl", src, sizeof(src) - 1, in[i],
						strlen(in[i]), &id[i], err, sizeof(err)),
				0);
	CU_ASSERT_EQUAL(tl_submit_input(cl, "in.jsl", src, sizeof(src) - 1, "{\"name\":", 8,
					&id[3], err, sizeof(err)),
			0);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 20000), 0);
		CU_ASSERT_EQUAL(r.status, TL_OK);
		CU_ASSERT_STRING_EQUAL(r.value ? r.value : "", want[i]);
		tl_result_free(&r);
	}
	CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[3], &r, 20000), 0);
	CU_ASSERT_EQUAL(r.status, TL_ERR_LOAD);
	CU_ASSERT_PTR_NOT_NULL(r.error && strstr(r.error, "input is not valid JSON"));
	tl_result_free(&r);
}

static void test_runtime_failure_statuses(void)
{
	static const char *const srcs[] = {
		"let f = 1;\nf();\n",                  /* TypeError */
		"function r(n) { return r(n + 1); }\nr(0);\n", /* RangeError */
	};
	char err[256];

	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct tl_result r;
		uint64_t id;

		CU_ASSERT_EQUAL_FATAL(tl_submit_source(cl, "bad.jsl", srcs[i], strlen(srcs[i]), &id,
						       err, sizeof(err)),
				      0);
		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id, &r, 30000), 0);
		CU_ASSERT_EQUAL(r.status, TL_ERR_RUNTIME);
		CU_ASSERT_PTR_NOT_NULL(r.error);
		if (r.error)
			CU_ASSERT_PTR_NOT_NULL(strstr(r.error, i == 0 ? "TypeError" : "RangeError"));
		CU_ASSERT_STRING_EQUAL(tl_status_name(r.status), "runtime error");
		tl_result_free(&r);
	}
}

static void test_unreachable_trader(void)
{
	struct tl_options o = { .trader = "127.0.0.1:1" };
	char err[256];

	CU_ASSERT_PTR_NULL(tl_client_new(&o, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot connect to trader 127.0.0.1:1"));
	o.trader = "not an address";
	CU_ASSERT_PTR_NULL(tl_client_new(&o, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an address"));
}

TL_SUITE(x_client, setup, teardown,
	 { "200 Tasklets submitted, all collected with the right results", test_submit_and_collect_many },
	 { "compile errors and unknown ids", test_compile_error_and_unknown_id },
	 { "an input travels with the chunks and becomes `input`", test_input },
	 { "runtime failures carry their status and message", test_runtime_failure_statuses },
	 { "an unreachable or malformed trader address is an error", test_unreachable_trader })

/* SPDX-License-Identifier: MIT */
/* Description: the JSLite interpreter: programs' console.log output and result value against
 * node's, runtime errors with lines, fuel, stack and heap bounds, rejection of corrupt chunk
 * graphs, running chunks that went through the wire codec. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tl_test.h"
#include "vm/jsl_int.h"
#include "vm/vm.h"

/*
 * Expected outputs and values are what node 20 prints for the same source
 * (console.log's text; util.inspect of the value (0, eval)(source) returns).
 */
struct prog_case {
	const char *name;
	const char *src;
	const char *output;
	int status;
	const char *value;
	const char *error;
};

static const struct prog_case programs[] = {
    {"hello",
     "console.log(\"Hello, world!\")\n"
     "\"done\"",
     "Hello, world!\n", VM_OK, "'done'", ""},
    {"numbers",
     "console.log(1 / 3, 2 / 3, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, -0, 0, NaN, "
     "Infinity, -Infinity)\n"
     "console.log(5e-324, 1.7976931348623157e308, 2 ** 53, 2 ** 53 + 1, 100 / 7, 1.5e300 * 1e10, "
     "0.000001, 1234.5e-10)\n"
     "-0",
     "0.3333333333333333 0.6666666666666666 0.30000000000000004 1e+21 1e-7 123456789012345680000 "
     "-0 0 NaN Infinity -Infinity\n"
     "5e-324 1.7976931348623157e+308 9007199254740992 9007199254740992 14.285714285714286 Infinity "
     "0.000001 1.2345e-7\n",
     VM_OK, "NaN", ""},
    {"arith",
     "console.log(7 % 3, -7 % 3, 7 % -3, 5.5 % 2, 2 ** 10, 2 ** 0.5, (-8) ** (1 / 3), 10 / 4, 1 / "
     "0, -1 / 0, 0 / 0)\n"
     "console.log(5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 31, -1 >>> 0, -16 >> 2, 2 ** 32 + 5 | 0, 1.9 | 0, "
     "-1.9 | 0)\n"
     "let x = 17; x += 3; x -= 1; x *= 2; x /= 4; x %= 5; x **= 3; x",
     "1 -1 1 1.5 1024 1.4142135623730951 NaN 2.5 Infinity -Infinity NaN\n"
     "1 7 6 -6 -2147483648 4294967295 -4 5 1 -1\n",
     VM_OK, "91.125", ""},
    {"coercion",
     "console.log(\"x\" + 1 + 2, 1 + 2 + \"x\", \"5\" - 2, \"5\" * \"2\", \"6\" / \"2\", true + 1, "
     "null + 1, undefined + 1, \"a\" + null, \"b\" + undefined, \"c\" + true)\n"
     "console.log(\"\" - 1, \" 12 \" * 1, \"0x10\" * 1, \"1e3\" * 1, \"abc\" * 1, +\"\", +\"  \", "
     "+\"3.5\", -\"2\", +true, +null)\n"
     "console.log(1 == \"1\", 0 == \"\", null == undefined, null == 0, undefined == 0, NaN == NaN, "
     "\"1\" === 1, true == 1, false == \"0\")\n"
     "console.log(1 < 2, \"a\" < \"b\", \"B\" < \"a\", \"10\" < \"9\", 10 < \"9\", \"abc\" <= "
     "\"abc\", null < 1, undefined < 1, 2 >= 2, 3 > \"2\")",
     "x12 3x 3 10 3 2 1 NaN anull bundefined ctrue\n"
     "-1 12 16 1000 NaN 0 0 3.5 -2 1 0\n"
     "true true true false false false false true true\n"
     "true true true true false true true false true true\n",
     VM_OK, "undefined", ""},
    {"strings",
     "let s = \"Hello, Tasklet\"\n"
     "console.log(s.length, s[0], s[7], s[100], s.charAt(4), s.charAt(99) + \"|\", "
     "s.charCodeAt(1), s.indexOf(\"Task\"), s.indexOf(\"x\"))\n"
     "console.log(s.slice(7), s.slice(-3), s.slice(2, 5), s.substring(5, 2), s.toUpperCase(), "
     "s.toLowerCase())\n"
     "console.log(s.includes(\"let\"), s.startsWith(\"Hell\"), s.endsWith(\"let\"), \"  pad "
     "\".trim() + \"|\", \"ab\".repeat(3), \"7\".padStart(3, \"0\"), \"x\".padEnd(4, \"-\") + "
     "\"|\")\n"
     "console.log(\"caf\\u00e9\".length, \"\\u{1F600}\".length, \"na\\u00efve\".toUpperCase(), "
     "\"tab\\there\", \"q\\\"uote\", 'it\\'s', \"back\\\\slash\")\n"
     "console.log(String(12.5), String(-0), String(null), String(true), (255).toString(16), "
     "(255).toString(2), (3.14159).toFixed(2), (2.5).toFixed(0), (-1.005).toFixed(2))\n"
     "s + \"!\"",
     "14 H T undefined o | 101 7 -1\n"
     "Tasklet let llo llo HELLO, TASKLET hello, tasklet\n"
     "true true true pad| ababab 007 x---|\n"
     "4 2 NA\xc3"
     "\x8f"
     "VE tab\there q\"uote it's back\\slash\n"
     "12.5 0 null true ff 11111111 3.14 3 -1.00\n",
     VM_OK, "'Hello, Tasklet!'", ""},
    {"inspect",
     "console.log(\"a\", 1, true, null, undefined, -0, \"it's\")\n"
     "\"it's \\\"quoted\\\"\\n\"",
     "a 1 true null undefined -0 it's\n", VM_OK, "`it's \"quoted\"\\n`", ""},
    {"inspect2", "'say \"hi\"' ", "", VM_OK, "'say \"hi\"'", ""},
    {"longstr",
     "\"first line of the text\\nsecond line of the text\\nthird line, which is the longest one of "
     "all\\n\"",
     "", VM_OK,
     "'first line of the text\\n' +\n"
     "  'second line of the text\\n' +\n"
     "  'third line, which is the longest one of all\\n'",
     ""},
    {"format",
     "console.log(\"%s is %d years and %i days, %f%%\", \"Bob\", 42.5, 3.9, \"2.25\", \"extra\", "
     "7)\n"
     "console.log(\"100%\", \"sure\")\n"
     "console.log(\"%s|%s\", \"only one\")\n"
     "console.log(\"%o and %j\", \"str\", \"json\")",
     "Bob is 42.5 years and 3 days, 2.25% extra 7\n"
     "100% sure\n"
     "only one|%s\n"
     "'str' and \"json\"\n",
     VM_OK, "undefined", ""},
    {"logical",
     "console.log(true && \"yes\", false && \"no\", null || \"fallback\", 0 || \"\" || \"last\", "
     "\"first\" || \"second\", !0, !\"\", !\"x\", !null)\n"
     "let n = 0\n"
     "function bump() { n++; return true }\n"
     "false && bump()\n"
     "true || bump()\n"
     "console.log(n, 1 ? \"a\" : \"b\", 0 ? \"a\" : \"b\")\n"
     "n",
     "yes false fallback last first true true false true\n"
     "0 a b\n",
     VM_OK, "0", ""},
    {"typeof",
     "function f() {}\n"
     "console.log(typeof 1, typeof \"s\", typeof true, typeof undefined, typeof null, typeof f, "
     "typeof undeclared, typeof NaN)\n"
     "typeof f",
     "number string boolean undefined object function undefined number\n", VM_OK, "'function'", ""},
    {"control",
     "let out = \"\"\n"
     "for (let i = 0; i < 20; i++) {\n"
     "\tif (i % 2 == 0) continue\n"
     "\tif (i > 13) break\n"
     "\tout += i + \" \"\n"
     "}\n"
     "let j = 10\n"
     "while (j > 0) j -= 3\n"
     "let k = 0\n"
     "do { k++ } while (k < 5)\n"
     "console.log(out, j, k)\n"
     "if (k == 5) { \"five\" } else { \"other\" }",
     "1 3 5 7 9 11 13  -2 5\n", VM_OK, "'five'", ""},
    {"completion",
     "let a = 1\n"
     "a + 1\n"
     "let b = 2",
     "", VM_OK, "2", ""},
    {"completion2",
     "let i = 0\n"
     "while (i < 3) { i++ }",
     "", VM_OK, "2", ""},
    {"completion3",
     "let i = 0\n"
     "while (true) { i += 10; if (i > 25) break }",
     "", VM_OK, "undefined", ""},
    {"completion4",
     "1\n"
     "if (false) { 2 }",
     "", VM_OK, "undefined", ""},
    {"functions",
     "function add(a, b) { return a + b }\n"
     "function noret() { }\n"
     "function early(x) { if (x) return \"early\"; return \"late\" }\n"
     "function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) }\n"
     "console.log(add(1, 2), add(\"a\", \"b\"), add(1), add(1, 2, 3), noret(), early(1), early(0), "
     "fact(20), fact(25))\n"
     "console.log(add, typeof add, add.length)\n"
     "const f = add\n"
     "f(20, 22)",
     "3 ab NaN 3 undefined early late 2432902008176640000 1.5511210043330986e+25\n"
     "[Function: add] function 2\n",
     VM_OK, "42", ""},
    {"recursion",
     "function fib(n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2) }\n"
     "function ack(m, n) {\n"
     "\tif (m == 0) return n + 1\n"
     "\tif (n == 0) return ack(m - 1, 1)\n"
     "\treturn ack(m - 1, ack(m, n - 1))\n"
     "}\n"
     "console.log(fib(20), ack(2, 3))\n"
     "fib(25)",
     "6765 9\n", VM_OK, "75025", ""},
    {"globals",
     "let counter = 0\n"
     "const step = 5\n"
     "function tick() { counter += step; return counter }\n"
     "tick(); tick()\n"
     "console.log(counter)\n"
     "tick()",
     "10\n", VM_OK, "15", ""},
    {"scopes",
     "let x = \"outer\"\n"
     "{\n"
     "\tlet x = \"inner\"\n"
     "\tconsole.log(x)\n"
     "\t{ let x = \"innermost\"; console.log(x) }\n"
     "\tconsole.log(x)\n"
     "}\n"
     "for (let x = 0; x < 2; x++) console.log(\"loop\", x)\n"
     "x",
     "inner\n"
     "innermost\n"
     "inner\n"
     "loop 0\n"
     "loop 1\n",
     VM_OK, "'outer'", ""},
    {"math",
     "console.log(Math.floor(-2.5), Math.ceil(-2.5), Math.round(-2.5), Math.round(2.5), "
     "Math.round(-0.4), Math.trunc(-4.7), Math.abs(-3), Math.sign(-2))\n"
     "console.log(Math.sqrt(2), Math.max(1, 5, 3), Math.min(1, 5, 3), Math.max(), Math.min(), "
     "Math.max(1, NaN), Math.pow(2, 10), Math.PI, Math.E)\n"
     "console.log(parseInt(\"42px\"), parseInt(\"0x1f\"), parseInt(\"-12.9\"), parseInt(\"z\", "
     "36), parseInt(\"abc\"), parseFloat(\"3.25e2x\"), parseFloat(\".5\"), "
     "parseFloat(\"-Infinity\"))\n"
     "console.log(isNaN(\"abc\"), isNaN(\"12\"), isFinite(\"1e400\"), Number(\"  42  \"), "
     "Number(\"\"), Number(\"1,2\"), Number.isInteger(5), Number.isInteger(5.5), "
     "String.fromCharCode(72, 105))\n"
     "console.log(+\"0x1f\", +\"0\\u00001\", +\"0b101\", +\" 0o17 \")\n"
     "Math.abs(-7.5)",
     "-3 -2 -2 3 -0 -4 3 -1\n"
     "1.4142135623730951 5 1 -Infinity Infinity NaN 1024 3.141592653589793 2.718281828459045\n"
     "42 31 -12 35 NaN 325 0.5 -Infinity\n"
     "true false false 42 0 NaN true false Hi\n"
     "31 NaN 5 15\n",
     VM_OK, "7.5", ""},
    {"update",
     "let i = 5\n"
     "let a = i++\n"
     "let b = ++i\n"
     "let c = i--\n"
     "let d = --i\n"
     "let s = \"5\"\n"
     "s++\n"
     "console.log(a, b, c, d, i, s, typeof s)\n"
     "let g = 1\n"
     "g = g + (g = 10)\n"
     "g",
     "5 7 7 5 5 6 number\n", VM_OK, "11", ""},
    {"tdz_runtime",
     "function early() { return late }\n"
     "early()\n"
     "let late = 1",
     "", VM_ERR_RUNTIME, "",
     "prog.jsl:1: ReferenceError: Cannot access 'late' before initialization"},
    {"const_assign",
     "const c = 1\n"
     "console.log(\"before\")\n"
     "c = 2\n"
     "console.log(\"after\")",
     "before\n", VM_ERR_RUNTIME, "", "prog.jsl:3: TypeError: Assignment to constant variable."},
    {"not_function",
     "let notfn = 42\n"
     "function call(f) { return f() }\n"
     "console.log(\"start\")\n"
     "call(notfn)",
     "start\n", VM_ERR_RUNTIME, "", "prog.jsl:2: TypeError: f is not a function"},
    {"undefined_prop",
     "let u\n"
     "console.log(u.length)",
     "", VM_ERR_RUNTIME, "",
     "prog.jsl:2: TypeError: Cannot read properties of undefined (reading 'length')"},
    {"undefined_index",
     "let u = null\n"
     "u[0]",
     "", VM_ERR_RUNTIME, "", "prog.jsl:2: TypeError: Cannot read properties of null (reading '0')"},
    {"bad_method",
     "let n = 5\n"
     "n.charAt(0)",
     "", VM_ERR_RUNTIME, "", "prog.jsl:2: TypeError: n.charAt is not a function"},
    {"repeat_range", "\"ab\".repeat(-1)", "", VM_ERR_RUNTIME, "",
     "prog.jsl:1: RangeError: Invalid count value: -1"},
};

/* Compile src as prog.jsl into a new store; the store and root, or a test failure. */
static struct vm_store *build(const char *src, uint64_t *root)
{
	struct vm_store *st = vm_store_new(0);
	char err[512];
	int rc;

	if (!st)
		return NULL;
	rc = jsl_compile(st, "prog.jsl", src, strlen(src), root, err, sizeof(err));
	if (rc) {
		printf("\n    compile error: %s\n", err);
		vm_store_free(st);
		return NULL;
	}
	return st;
}

static int run(const struct vm_store *st, uint64_t root, uint64_t fuel, size_t heap, size_t out,
	       struct vm_result *res)
{
	struct vm_limits lim = {.fuel = fuel, .heap_bytes = heap, .output_bytes = out, .seed = 1};

	return vm_run(st, root, &lim, res);
}

/* Compile src and run it once under the given limits (0: the default) into *res. */
static void run_src(const char *src, uint64_t fuel, size_t heap, size_t out, struct vm_result *res)
{
	uint64_t root;
	struct vm_store *st = build(src, &root);

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(run(st, root, fuel, heap, out, res), 0);
	vm_store_free(st);
}

static void expect_str(const char *what, const char *name, const char *got, const char *want)
{
	if (strcmp(got ? got : "(null)", want)) {
		printf("\n    %s: %s\n    want: [%s]\n    got:  [%s]\n", name, what, want, got);
		CU_FAIL("mismatch");
	}
}

static void test_programs(void)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		const struct prog_case *c = &programs[i];
		struct vm_result res;

		run_src(c->src, 0, 0, 0, &res);
		CU_ASSERT_EQUAL(res.status, c->status);
		if (res.status != c->status)
			printf("\n    %s: status %d (%s), want %d\n", c->name, res.status,
			       res.error, c->status);
		expect_str("output", c->name, res.output, c->output);
		CU_ASSERT_EQUAL(res.output_len, strlen(c->output));
		if (c->status == VM_OK)
			expect_str("value", c->name, res.value, c->value);
		else
			expect_str("error", c->name, res.error, c->error);
		vm_result_free(&res);
	}
}

static void test_fuel(void)
{
	struct vm_result res;
	uint64_t root, used;
	struct vm_store *st;

	run_src("let i = 0\nwhile (true) {\n  i++\n}\n", 100000, 0, 0, &res);
	CU_ASSERT_EQUAL(res.status, VM_ERR_FUEL);
	CU_ASSERT_EQUAL(res.fuel_used, 100000);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "prog.jsl:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "prog.jsl:3: fuel limit of 100000 exhausted"));
	vm_result_free(&res);

	/* fuel counts instructions exactly: a run fits in its own count, not in one less */
	st = build("function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2) }\nf(15)", &root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(run(st, root, 0, 0, 0, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(res.value, "610");
	used = res.fuel_used;
	CU_ASSERT(used > 1000);
	vm_result_free(&res);
	CU_ASSERT_EQUAL(run(st, root, used, 0, 0, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	CU_ASSERT_EQUAL(res.fuel_used, used);
	vm_result_free(&res);
	CU_ASSERT_EQUAL(run(st, root, used - 1, 0, 0, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_FUEL);
	vm_result_free(&res);
	vm_store_free(st);
}

static void test_stack_overflow(void)
{
	struct vm_result res;

	run_src("function down(n) {\n  return down(n + 1) + 1\n}\ndown(0)", 0, 0, 0, &res);
	CU_ASSERT_EQUAL(res.status, VM_ERR_RUNTIME);
	CU_ASSERT_STRING_EQUAL(res.error,
			       "prog.jsl:2: RangeError: Maximum call stack size exceeded");
	vm_result_free(&res);
	/* recursion of a few thousand frames is fine */
	run_src("function sum(n) { return n == 0 ? 0 : n + sum(n - 1) }\nsum(5000)", 0, 0, 0, &res);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(res.value, "12502500");
	vm_result_free(&res);
}

static void test_heap_and_output_bounds(void)
{
	struct vm_result res;

	/* a string that doubles forever hits the heap bound */
	run_src("let s = 'x'\nwhile (true) {\n  s = s + s\n}", 0, 1 << 20, 0, &res);
	CU_ASSERT_EQUAL(res.status, VM_ERR_MEMORY);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(res.error, "prog.jsl:3: heap limit of 1048576 bytes reached"));
	vm_result_free(&res);

	/* garbage is collected: 300000 short-lived strings fit in 256 KiB */
	run_src("let n = 0\nfor (let i = 0; i < 300000; i++) {\n  let s = 'item ' + i\n"
		"  n += s.length\n}\nn",
		0, 256 << 10, 0, &res);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(res.value, "3188890");
	vm_result_free(&res);

	/* console.log output stops at its bound, keeping whole lines */
	run_src("for (let i = 0; ; i++) console.log('line', i)", 0, 0, 100, &res);
	CU_ASSERT_EQUAL(res.status, VM_ERR_MEMORY);
	CU_ASSERT_STRING_EQUAL(res.error,
			       "prog.jsl:1: console.log output exceeds the limit of 100 bytes");
	CU_ASSERT(res.output_len <= 100);
	CU_ASSERT_EQUAL(strncmp(res.output, "line 0\nline 1\n", 14), 0);
	CU_ASSERT_EQUAL(res.output[res.output_len - 1], '\n');
	vm_result_free(&res);
}

static void test_random_is_seeded(void)
{
	struct vm_limits lim = {.seed = 42};
	struct vm_result a, b, c;
	uint64_t root;
	struct vm_store *st = build("let s = ''\nfor (let i = 0; i < 5; i++) s += "
				    "Math.floor(Math.random() * 1000) + ' '\ns",
				    &root);

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(vm_run(st, root, &lim, &a), 0);
	CU_ASSERT_EQUAL(vm_run(st, root, &lim, &b), 0);
	lim.seed = 43;
	CU_ASSERT_EQUAL(vm_run(st, root, &lim, &c), 0);
	CU_ASSERT_EQUAL(a.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(a.value, b.value);
	CU_ASSERT_STRING_NOT_EQUAL(a.value, c.value);
	vm_result_free(&a);
	vm_result_free(&b);
	vm_result_free(&c);
	vm_store_free(st);
}

/* ---- chunks through the wire ------------------------------------------------------ */

struct copy {
	struct vm_store *dst;
	int rc;
};

static int copy_one(const struct vm_chunk *c, void *arg)
{
	struct copy *cp = arg;
	uint8_t wire[VM_CHUNK_WIRE_SIZE];
	struct vm_chunk back;
	char err[128];

	vm_chunk_encode(c, wire);
	if (vm_chunk_decode(wire, sizeof(wire), &back, err, sizeof(err)) ||
	    vm_store_put(cp->dst, &back))
		cp->rc = -1;
	return 0;
}

static void test_transfer(void)
{
	const char *src = "@QOS Priority('True'), Deadline(500)\n"
			  "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\n"
			  "console.log('fib', fib(15), 'pi', Math.PI)\n'done ' + fib(10)";
	struct vm_result r1, r2;
	struct vm_qos q[VM_QOS_MAX];
	struct copy cp = {NULL, 0};
	char err[256];
	uint64_t root;
	struct vm_store *st = build(src, &root);
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* a second store with other ids first, as on a container */
	cp.dst = vm_store_new(1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cp.dst);
	n = vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, copy_one, &cp, NULL);
	CU_ASSERT(n > 5);
	CU_ASSERT_EQUAL(cp.rc, 0);
	CU_ASSERT_EQUAL(vm_store_count(cp.dst), (size_t)n);
	vm_store_free(st);
	CU_ASSERT_EQUAL(vm_qos_read(cp.dst, root, q, VM_QOS_MAX, err, sizeof(err)), 2);
	CU_ASSERT_EQUAL(run(cp.dst, root, 0, 0, 0, &r1), 0);
	CU_ASSERT_EQUAL(r1.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(r1.output, "fib 610 pi 3.141592653589793\n");
	CU_ASSERT_STRING_EQUAL(r1.value, "'done 55'");
	/* the run left the store untouched: a second run is identical */
	CU_ASSERT_EQUAL(run(cp.dst, root, 0, 0, 0, &r2), 0);
	CU_ASSERT_STRING_EQUAL(r1.output, r2.output);
	CU_ASSERT_EQUAL(r1.fuel_used, r2.fuel_used);
	vm_result_free(&r1);
	vm_result_free(&r2);
	vm_store_free(cp.dst);
}

/* ---- corrupt graphs --------------------------------------------------------------- */

static const char *const corrupt_src = "function fib(n) {\n  if (n < 2) return n\n"
				       "  return fib(n - 1) + fib(n - 2)\n}\nconsole.log(fib(10))";

/* The FUNC chunk of function idx of the program at root. */
static struct vm_chunk *func_chunk(struct vm_store *st, uint64_t root, unsigned idx)
{
	const struct vm_chunk *r = vm_store_get(st, root);
	const struct vm_chunk *t = vm_store_get(st, r->s[JSL_ROOT_S_FUNC].v.link);

	return vm_store_get_mut(st, t->s[idx].v.link);
}

static struct vm_chunk *code_chunk(struct vm_store *st, uint64_t root, unsigned idx)
{
	return vm_store_get_mut(st, func_chunk(st, root, idx)->s[JSL_FUNC_S_CODE].v.link);
}

/* Instruction k (of the first CODE chunk) as bytes. */
static uint8_t *ins(struct vm_chunk *code, unsigned k)
{
	return code->s[k / 2].v.b + 4 * (k % 2);
}

static void expect_load_error(struct vm_store *st, uint64_t root, const char *what,
			      const char *want)
{
	struct vm_result res;

	CU_ASSERT_EQUAL(run(st, root, 0, 0, 0, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_LOAD);
	if (res.status != VM_ERR_LOAD || !strstr(res.error, want)) {
		printf("\n    %s: status %d, error \"%s\", want \"%s\"\n", what, res.status,
		       res.error, want);
		CU_FAIL("corrupt graph not rejected as expected");
	}
	CU_ASSERT_STRING_EQUAL(res.output, "");
	vm_result_free(&res);
}

static void test_corrupt_code(void)
{
	uint64_t root;
	struct vm_store *st;
	struct vm_chunk *c;
	uint8_t save[4];

	st = build(corrupt_src, &root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* fib: 0 JLTI R0 2, 1 JMP, 2 RET R0, 3 GETG R2 G0, ... */
	c = code_chunk(st, root, 1);
	CU_ASSERT_EQUAL_FATAL(ins(c, 0)[0], JSL_OP_JLTI);
	CU_ASSERT_EQUAL_FATAL(ins(c, 1)[0], JSL_OP_JMP);

	memcpy(save, ins(c, 3), 4);
	ins(c, 3)[0] = 0xee;
	expect_load_error(st, root, "bad opcode", "instruction 3: unknown opcode 238");
	memcpy(ins(c, 3), save, 4);

	ins(c, 3)[1] = 200; /* GETG into R200 */
	expect_load_error(st, root, "register", "operand A = 200: register out of range");
	memcpy(ins(c, 3), save, 4);

	ins(c, 3)[2] = 7; /* G7 of 1 global */
	expect_load_error(st, root, "global", "operand B = 7: global out of range");
	memcpy(ins(c, 3), save, 4);

	memcpy(save, ins(c, 1), 4);
	ins(c, 1)[1] = 100; /* JMP +100 */
	expect_load_error(st, root, "jump", "jump target outside the function");
	ins(c, 1)[1] = 0xf0; /* JMP -16 */
	ins(c, 1)[2] = 0xff;
	ins(c, 1)[3] = 0xff;
	expect_load_error(st, root, "jump back", "jump target outside the function");
	ins(c, 1)[0] = JSL_OP_RETU;
	ins(c, 1)[1] = ins(c, 1)[2] = ins(c, 1)[3] = 0;
	expect_load_error(st, root, "test without jump", "a test must be followed by a JMP");
	memcpy(ins(c, 1), save, 4);

	/* the code of main: LOADU R0 ... ; bad NCALL native number */
	c = code_chunk(st, root, 0);
	for (unsigned k = 0; k < 2 * (VM_CHUNK_SLOTS - 1) && c->s[k / 2].type == VM_SLOT_BYTES;
	     k++) {
		if (ins(c, k)[0] == JSL_OP_NCALL) {
			ins(c, k)[3] = 250;
			expect_load_error(st, root, "native", "unknown native function");
			ins(c, k)[3] = JSL_NAT_LOG;
			break;
		}
	}
	/* the last instruction must end the function */
	{
		struct vm_chunk *f = func_chunk(st, root, 1);
		int64_t n = f->s[JSL_FUNC_S_NCODE].v.i;

		vm_slot_set_int(f, JSL_FUNC_S_NCODE, n - 1);
		expect_load_error(st, root, "ncode", "is BYTES of 8 bytes, want BYTES of 4");
		vm_slot_set_int(f, JSL_FUNC_S_NCODE, n + 1);
		expect_load_error(st, root, "ncode+1", "is EMPTY of 0 bytes, want BYTES of 4");
		vm_slot_set_int(f, JSL_FUNC_S_NCODE, n);
		c = code_chunk(st, root, 1);
		memcpy(save, ins(c, (unsigned)n - 1), 4);
		CU_ASSERT_EQUAL(save[0], JSL_OP_RETU);
		ins(c, (unsigned)n - 1)[0] = JSL_OP_LOADU;
		expect_load_error(st, root, "no return", "(LOADU) would run off the end");
		memcpy(ins(c, (unsigned)n - 1), save, 4);
	}
	/* still fine after all the repairs */
	{
		struct vm_result res;

		CU_ASSERT_EQUAL(run(st, root, 0, 0, 0, &res), 0);
		CU_ASSERT_EQUAL(res.status, VM_OK);
		CU_ASSERT_STRING_EQUAL(res.output, "55\n");
		vm_result_free(&res);
	}
	vm_store_free(st);
}

static void test_corrupt_graph(void)
{
	uint64_t root, link;
	struct vm_store *st;
	struct vm_chunk *r, *f;

	st = build(corrupt_src, &root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	r = vm_store_get_mut(st, root);
	f = func_chunk(st, root, 1);

	expect_load_error(st, root + 999, "no root", "is not in the store");

	link = f->s[JSL_FUNC_S_CODE].v.link;
	vm_slot_set_link(f, JSL_FUNC_S_CODE, 0x7777777);
	expect_load_error(st, root, "dangling", "chunk 0x7777777 is not in the store");
	vm_slot_set_link(f, JSL_FUNC_S_CODE, root);
	expect_load_error(st, root, "kind", "is kind ROOT, want CODE");
	vm_slot_set_link(f, JSL_FUNC_S_CODE, link);

	vm_slot_set_int(f, JSL_FUNC_S_NREGS, 300);
	expect_load_error(st, root, "nregs", "slot 1 is 300, want 1..255");
	vm_slot_set_int(f, JSL_FUNC_S_NREGS, 1);
	expect_load_error(st, root, "few regs", "register out of range");
	vm_slot_set_int(f, JSL_FUNC_S_NREGS, 5);

	link = r->s[VM_ROOT_S_MAIN].v.link;
	vm_slot_set_link(r, VM_ROOT_S_MAIN, f->id);
	expect_load_error(st, root, "main", "is not entry 0 of the function table");
	vm_slot_set_link(r, VM_ROOT_S_MAIN, link);

	vm_slot_set_int(r, VM_ROOT_S_MAGIC, 1234);
	expect_load_error(st, root, "magic", "root chunk");
	vm_slot_set_int(r, VM_ROOT_S_MAGIC, VM_ROOT_MAGIC);

	vm_slot_set_int(r, JSL_ROOT_S_NFUNC, 5);
	expect_load_error(st, root, "nfuncs", "function table: entry 2 is EMPTY, want LINK");
	vm_slot_set_int(r, JSL_ROOT_S_NFUNC, 2);

	vm_slot_set_float(r, JSL_ROOT_S_NCONST, 1.0);
	expect_load_error(st, root, "type", "slot 5 is FLOAT, want INT");
	vm_slot_set_int(r, JSL_ROOT_S_NCONST, 0);

	vm_slot_set_int(r, 12, 1);
	expect_load_error(st, root, "reserved", "slot 12 is INT, want EMPTY");
	vm_slot_set_empty(r, 12);
	vm_store_free(st);
}

/* Strings in chunks are bytes: malformed UTF-8 in a constant is handled, not trusted. */
static void test_malformed_utf8(void)
{
	uint64_t root;
	struct vm_store *st =
	    build("let s = 'abcd'\nconsole.log(s.length, s.charCodeAt(3), s.charAt(3).length, "
		  "s.slice(1).length, s.indexOf('d'), s[3] === undefined)\n"
		  "s.toUpperCase().length + s.substring(2, 9).length",
		  &root);
	const struct vm_chunk *r, *t;
	struct vm_chunk *c;
	struct vm_result res;
	bool found = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	r = vm_store_get(st, root);
	t = vm_store_get(st, r->s[JSL_ROOT_S_CONST].v.link);
	for (unsigned k = 0; k < JSL_TABLE_PER_CHUNK && !found; k++) {
		if (t->s[k].type != VM_SLOT_LINK)
			continue;
		c = vm_store_get_mut(st, t->s[k].v.link);
		if (c->s[1].type == VM_SLOT_BYTES && c->s[1].len == 4 &&
		    !memcmp(c->s[1].v.b, "abcd", 4)) {
			c->s[1].v.b[3] = 0xf0; /* a lead byte with nothing after it */
			found = true;
		}
	}
	CU_ASSERT_FATAL(found);
	CU_ASSERT_EQUAL(run(st, root, 0, 0, 0, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.output, "5 240 2 4 -1 false"));
	vm_result_free(&res);
	vm_store_free(st);
}

/* Random bit flips anywhere in the graph: every run ends with a status, never a crash. */
struct id_list {
	uint64_t *ids;
	size_t n, cap;
};

static int list_id(const struct vm_chunk *c, void *arg)
{
	struct id_list *l = arg;

	if (l->n < l->cap)
		l->ids[l->n++] = c->id;
	return 0;
}

static void test_mutations(void)
{
	uint64_t rng = 0x1234567;
	int loaded = 0;

	for (int iter = 0; iter < 3000; iter++) {
		uint64_t root, ids[256];
		struct vm_store *st = build(corrupt_src, &root);
		struct vm_result res;
		size_t n = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(st);
		/* the program's chunks (content ids: not 1..root) */
		struct id_list l = { ids, 0, 256 };

		vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, list_id, &l, NULL);
		n = l.n;
		for (int m = 0; m < 1 + iter % 3; m++) {
			struct vm_chunk *c;
			unsigned s, what;

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			c = vm_store_get_mut(st, ids[rng % n]);
			s = (unsigned)(rng >> 20) % VM_CHUNK_SLOTS;
			what = (unsigned)(rng >> 30) % 8;
			if (what == 0)
				c->s[s].type = (uint8_t)((rng >> 40) % 6);
			else if (what == 1)
				c->s[s].v.i += (int64_t)((rng >> 40) % 5) - 2;
			else
				c->s[s].v.link ^= 1ull << ((rng >> 40) % 64);
		}
		CU_ASSERT_EQUAL(run(st, root, 20000, 1 << 20, 4096, &res), 0);
		CU_ASSERT(res.status >= VM_OK && res.status <= VM_ERR_LOAD);
		CU_ASSERT_PTR_NOT_NULL(res.output);
		CU_ASSERT_PTR_NOT_NULL(res.value);
		loaded += res.status != VM_ERR_LOAD;
		vm_result_free(&res);
		vm_store_free(st);
	}
	/* some mutations hit don't-care bits and still run */
	CU_ASSERT(loaded > 0);
}

TL_SUITE(u_interp, NULL, NULL, {"programs print and return what node does", test_programs},
	 {"fuel bounds a run, counted per instruction", test_fuel},
	 {"runaway recursion is a RangeError", test_stack_overflow},
	 {"heap and output bounds, garbage collection", test_heap_and_output_bounds},
	 {"Math.random follows the seed", test_random_is_seeded},
	 {"chunks through encode/decode run in a fresh store", test_transfer},
	 {"corrupt code is rejected at load", test_corrupt_code},
	 {"corrupt links, kinds and counts are rejected", test_corrupt_graph},
	 {"malformed UTF-8 in string constants is safe", test_malformed_utf8},
	 {"random mutations never crash the VM", test_mutations})

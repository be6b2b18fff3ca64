/* SPDX-License-Identifier: MIT */
/* Description: the JSLite compiler: error messages with file:line:col, the @QOS header and its QoS
 * chunks, the chunk layout of code, jsl_compile_file, the disassembler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tl_test.h"
#include "vm/jsl.h"
#include "vm/jsl_int.h"
#include "vm/vm.h"

/* Compile src as "prog.jsl"; returns jsl_compile's result, the message in err. */
static int compile(struct vm_store *st, const char *src, uint64_t *root, char *err, size_t cap)
{
	return jsl_compile(st, "prog.jsl", src, strlen(src), root, err, cap);
}

struct err_case {
	const char *src;
	const char *msg;
};

static void check_errors(const struct err_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vm_store *st = vm_store_new(0);
		uint64_t root = 0;
		char err[512];
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(st);
		rc = compile(st, c[i].src, &root, err, sizeof(err));
		CU_ASSERT_EQUAL(rc, -EINVAL);
		if (rc != -EINVAL || strcmp(err, c[i].msg)) {
			printf("\n    source: %s\n    want:   %s\n    got:    %s (rc %d)\n",
			       c[i].src, c[i].msg, rc ? err : "(compiled)", rc);
			CU_FAIL("wrong compile error");
		}
		vm_store_free(st);
	}
}

static void test_syntax_errors(void)
{
	static const struct err_case cases[] = {
	    {"console.log(1, 2;", "prog.jsl:1:17: expected ')' after arguments, got ';'"},
	    {"let x = 1\nlet y = 2\nfoo(x, (y;\n",
	     "prog.jsl:3:10: expected ')' after the parenthesised expression, got ';'"},
	    {"let s = 'abc\nlet t = 1", "prog.jsl:1:9: unterminated string literal"},
	    {"let s = \"ok\"\n  let t = \"abc", "prog.jsl:2:11: unterminated string literal"},
	    {"/* never closed\nlet x", "prog.jsl:1:1: unterminated comment"},
	    {"let x = 1 2", "prog.jsl:1:11: expected ';' after the declaration, got number"},
	    {"if (x", "prog.jsl:1:6: expected ')' after the if condition, got end of input"},
	    {"while (true) { x = 1", "prog.jsl:1:14: '{' is never closed (expected '}')"},
	    {"1 +", "prog.jsl:1:4: expected an expression, got end of input"},
	    {"let 5 = 3", "prog.jsl:1:5: expected a variable name after 'let', got number"},
	    {"x # y", "prog.jsl:1:3: unexpected character '#'"},
	    {"'\\u12'", "prog.jsl:1:2: invalid Unicode escape sequence"},
	    {"let n = 012",
	     "prog.jsl:1:9: numbers with a leading zero (legacy octal) are not allowed"},
	    {"let n = 3in", "prog.jsl:1:10: identifier starts immediately after numeric literal"},
	    {"break", "prog.jsl:1:1: 'break' outside of a loop"},
	    {"if (1) let y = 2",
	     "prog.jsl:1:8: lexical declaration cannot appear in a single-statement context"},
	    {"const c", "prog.jsl:1:7: Missing initializer in const declaration"},
	    {"let [a] ", "prog.jsl:1:5: Missing initializer in destructuring declaration"},
	    {"let a = [1, , 2]",
	     "prog.jsl:1:13: array holes are not supported in JSLite (write undefined)"},
	    {"class A {}", "prog.jsl:1:1: classes ('class') are not supported in JSLite"},
	    {"function* g() {}",
	     "prog.jsl:1:9: generators ('function*') are not supported in JSLite"},
	    {"let f = async () => 1",
	     "prog.jsl:1:9: async functions ('async') are not supported in JSLite"},
	    {"let r = /ab+c/", "prog.jsl:1:9: regular expressions are not supported in JSLite"},
	    {"function f() { return this }",
	     "prog.jsl:1:23: 'this' outside a method is not supported in JSLite (only a method of "
	     "an object literal, called as obj.m(), sees its object)"},
	    {"let o = { m() { return function () { return this } } }",
	     "prog.jsl:1:45: 'this' outside a method is not supported in JSLite (only a method of "
	     "an object literal, called as obj.m(), sees its object)"},
	    {"let o = { m() { this = 1 } }",
	     "prog.jsl:1:22: invalid assignment target before '='"},
	    {"let o = { *g() {} }",
	     "prog.jsl:1:11: generators ('function*') are not supported in JSLite"},
	    {"let o = { __proto__: null }", "prog.jsl:1:11: '__proto__' is not supported in JSLite"},
	    {"function F() {}\nF.prototype.x = 1",
	     "prog.jsl:2:3: 'prototype' is not supported in JSLite"},
	    {"let o = { get x() { return 1 } }",
	     "prog.jsl:1:11: getters and setters are not supported in JSLite"},
	    {"let s = `abc", "prog.jsl:1:9: unterminated template literal"},
	    {"let a = 1 ?? 2 || 3",
	     "prog.jsl:1:16: Unexpected token '||' (mixing ?? with && or || needs parentheses)"},
	    {"x: while (1) { continue y }", "prog.jsl:1:16: Undefined label 'y'"},
	    {"switch (1) { default: 1; default: 2 }",
	     "prog.jsl:1:26: More than one default clause in switch statement"},
	    {"try { }", "prog.jsl:1:8: expected 'catch' or 'finally' after the try block, got end of "
			"input"},
	    {"let y = 1\n(y) = 2", "prog.jsl:2:5: invalid assignment target before '='"},
	    {"-2 ** 2", "prog.jsl:1:4: unary operator before '**' needs parentheses"},
	    {"1\n@QOS Priority('True')",
	     "prog.jsl:2:1: @QOS must come before the first statement of the program"},
	};

	check_errors(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_semantic_errors(void)
{
	static const struct err_case cases[] = {
	    {"let x = 1\ny = 2", "prog.jsl:2:1: 'y' is not defined"},
	    {"let x = 1\nlet x = 2", "prog.jsl:2:5: Identifier 'x' has already been declared"},
	    {"function f() {}\nlet f = 1",
	     "prog.jsl:2:5: Identifier 'f' has already been declared"},
	    {"{ let a; { let a; } let a }",
	     "prog.jsl:1:25: Identifier 'a' has already been declared"},
	    {"function f(a) { let a = 1 }",
	     "prog.jsl:1:21: Identifier 'a' has already been declared"},
	    {"function f(a, a) {}", "prog.jsl:1:15: duplicate parameter name 'a'"},
	    {"undefined = 1", "prog.jsl:1:1: cannot assign to 'undefined'"},
	    {"let v = console", "prog.jsl:1:9: 'console' can only be used to call its functions in "
				"JSLite (e.g. console.log(...))"},
	    {"Math.cube(2)", "prog.jsl:1:6: 'Math.cube' is not supported in JSLite"},
	    {"let o = new Foo()", "prog.jsl:1:13: 'new Foo' is not supported in JSLite "
				   "(constructors: Map, Set, Array, Error and its kinds, typed arrays)"},
	    {"let o = {a = 1}", "prog.jsl:1:10: Invalid shorthand property initializer"},
	    {"let x = [] instanceof Foo",
	     "prog.jsl:1:23: instanceof is only supported with built-in classes in JSLite (Array, "
	     "Object, Map, Set, Error, TypeError, ...)"},
	    {"function f() { return arguments.length }",
	     "prog.jsl:1:23: 'arguments' is not supported in JSLite (use a rest parameter: "
	     "function f(...args))"},
	    {"let t = new Date()",
	     "prog.jsl:1:13: 'new Date' is not supported in JSLite (constructors: Map, Set, Array, "
	     "Error and its kinds, typed arrays)"},
	    {"let d = Date",
	     "prog.jsl:1:9: of 'Date', JSLite has only Date.now() (a deterministic clock: a "
	     "Tasklet's result may not depend on the host's)"},
	    {"Date.parse('x')", "prog.jsl:1:6: 'Date.parse' is not supported in JSLite"},
	    {"eval('1')", "prog.jsl:1:1: 'eval' is not supported in JSLite"},
	    {"let x = 1; delete x",
	     "prog.jsl:1:12: Delete of an unqualified identifier in strict mode."},
	};

	check_errors(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_qos_errors(void)
{
	static const struct err_case cases[] = {
	    {"@QOS Speed(1)\n1",
	     "prog.jsl:1:6: unknown QoS category 'Speed' (known: Priority, SpeedMinimum, "
	     "CostLimit, FaultTolerance, Privacy, Deadline, Reliability)"},
	    {"\n// comment\n@QOS Priority('True'), Prio('x')",
	     "prog.jsl:3:24: unknown QoS category 'Prio' (known: Priority, SpeedMinimum, "
	     "CostLimit, FaultTolerance, Privacy, Deadline, Reliability)"},
	    {"@QOS Priority('yes')",
	     "prog.jsl:1:15: Priority expects one parameter, 'True' or 'False'; got 'yes'"},
	    {"@QOS Priority(1)",
	     "prog.jsl:1:15: Priority expects one parameter, 'True' or 'False'; got 1"},
	    {"@QOS Priority('True', 'False')",
	     "prog.jsl:1:6: Priority expects one parameter, 'True' or 'False'; got 2 parameters"},
	    {"@QOS SpeedMinimum(0)",
	     "prog.jsl:1:19: SpeedMinimum expects a speed n > 0 and optionally 'relative': "
	     "SpeedMinimum(n) or SpeedMinimum(n, 'relative'); got 0"},
	    {"@QOS SpeedMinimum(5, 'absolute')",
	     "prog.jsl:1:22: SpeedMinimum expects a speed n > 0 and optionally 'relative': "
	     "SpeedMinimum(n) or SpeedMinimum(n, 'relative'); got 'absolute'"},
	    {"@QOS CostLimit(-3)",
	     "prog.jsl:1:16: CostLimit expects one integer parameter >= 0: CostLimit(n); got -3"},
	    {"@QOS CostLimit(1.5)",
	     "prog.jsl:1:16: QoS parameters are strings or integers up to 2^53-1; got 1.5"},
	    {"@QOS FaultTolerance(0)",
	     "prog.jsl:1:21: FaultTolerance expects a replica count k >= 1 or 'local': "
	     "FaultTolerance(k) or FaultTolerance('local'); got 0"},
	    {"@QOS Privacy('SSH', 'corp-ca')",
	     "prog.jsl:1:14: Privacy expects 'TLS' and the name of a certificate authority: "
	     "Privacy('TLS', 'ca-name'); got 'SSH'"},
	    {"@QOS Deadline(10, 20)",
	     "prog.jsl:1:6: Deadline expects one parameter, milliseconds > 0: Deadline(ms); got "
	     "2 parameters"},
	    {"@QOS Reliability(101)",
	     "prog.jsl:1:18: Reliability expects a percentage 1..100 or a probability string "
	     "such as '0.99': Reliability(p); got 101"},
	    {"@QOS Priority()",
	     "prog.jsl:1:15: expected a QoS parameter (a string or an integer), got ')'"},
	    {"@QOS Priority('True') let x = 1",
	     "prog.jsl:1:23: expected ';' after the @QOS header, got 'let'"},
	    {"@QOS Deadline(5), Deadline(6)", "prog.jsl:1:19: QoS category 'Deadline' given twice"},
	    {"@QOS Privacy('TLS', "
	     "'a-very-long-certificate-authority-name-that-is-longer-than-63-bytes')",
	     "prog.jsl:1:21: QoS string parameter longer than 63 bytes"},
	};

	check_errors(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_qos_chunks(void)
{
	struct vm_store *st = vm_store_new(0);
	struct vm_qos q[VM_QOS_MAX];
	uint64_t root;
	char err[256];
	const struct vm_chunk *r;
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(
	    compile(st,
		    "// header comes after comments\n\n"
		    "@QOS Priority('True'), SpeedMinimum(3, \"relative\"), "
		    "CostLimit(250),\n  FaultTolerance('local'), Privacy('TLS', 'corp-ca'), "
		    "Deadline(1500), Reliability(99);\nconsole.log('x')\n",
		    &root, err, sizeof(err)),
	    0);
	n = vm_qos_read(st, root, q, VM_QOS_MAX, err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(n, 7);
	CU_ASSERT_EQUAL(q[0].cat, VM_QOS_PRIORITY);
	CU_ASSERT_EQUAL(q[0].nparams, 1);
	CU_ASSERT_EQUAL(q[0].p[0].type, VM_QOS_P_STR);
	CU_ASSERT_STRING_EQUAL(q[0].p[0].s, "True");
	CU_ASSERT_EQUAL(q[1].cat, VM_QOS_SPEED_MINIMUM);
	CU_ASSERT_EQUAL(q[1].nparams, 2);
	CU_ASSERT_EQUAL(q[1].p[0].type, VM_QOS_P_INT);
	CU_ASSERT_EQUAL(q[1].p[0].i, 3);
	CU_ASSERT_STRING_EQUAL(q[1].p[1].s, "relative");
	CU_ASSERT_EQUAL(q[2].cat, VM_QOS_COST_LIMIT);
	CU_ASSERT_EQUAL(q[2].p[0].i, 250);
	CU_ASSERT_EQUAL(q[3].cat, VM_QOS_FAULT_TOLERANCE);
	CU_ASSERT_STRING_EQUAL(q[3].p[0].s, "local");
	CU_ASSERT_EQUAL(q[4].cat, VM_QOS_PRIVACY);
	CU_ASSERT_STRING_EQUAL(q[4].p[0].s, "TLS");
	CU_ASSERT_STRING_EQUAL(q[4].p[1].s, "corp-ca");
	CU_ASSERT_EQUAL(q[5].cat, VM_QOS_DEADLINE);
	CU_ASSERT_EQUAL(q[5].p[0].i, 1500);
	CU_ASSERT_EQUAL(q[6].cat, VM_QOS_RELIABILITY);
	CU_ASSERT_EQUAL(q[6].p[0].i, 99);
	CU_ASSERT(vm_qos_is_priority(q, (size_t)n));
	/* root s[2] links the first QoS chunk, a QOS chunk whose s[0] is the category */
	r = vm_store_get(st, root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->kind, VM_CHUNK_ROOT);
	CU_ASSERT_EQUAL_FATAL(r->s[VM_ROOT_S_QOS].type, VM_SLOT_LINK);
	CU_ASSERT_EQUAL(vm_store_get(st, r->s[VM_ROOT_S_QOS].v.link)->kind, VM_CHUNK_QOS);
	CU_ASSERT_EQUAL(vm_store_get(st, r->s[VM_ROOT_S_QOS].v.link)->s[0].v.i, VM_QOS_PRIORITY);
	vm_store_free(st);

	/* without a header: s[2] EMPTY, no requirements; the probability form is accepted */
	st = vm_store_new(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(compile(st, "1 + 1", &root, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vm_store_get(st, root)->s[VM_ROOT_S_QOS].type, VM_SLOT_EMPTY);
	CU_ASSERT_EQUAL(vm_qos_read(st, root, q, VM_QOS_MAX, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(
	    compile(st, "@QOS Reliability('0.99'), FaultTolerance(2)\n1", &root, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL_FATAL(vm_qos_read(st, root, q, VM_QOS_MAX, err, sizeof(err)), 2);
	CU_ASSERT_STRING_EQUAL(q[0].p[0].s, "0.99");
	CU_ASSERT_EQUAL(q[1].p[0].i, 2);
	CU_ASSERT(!vm_qos_is_priority(q, 2));
	vm_store_free(st);
}

/* The documented layout (man jslite(7)): root, function table, FUNC and CODE chunks. */
/*
 * The compiler writes every chunk under its content id: sealing the graph
 * again (vm_store_seal, which renames links to content ids and hashes)
 * gives back the same root and adds no chunk. Long code and line chains,
 * strings past one chunk, QoS, globals, nested functions.
 */
static void test_content_ids(void)
{
	struct vm_store *st = vm_store_new(0), *st2 = vm_store_new(0);
	size_t cap = 1 << 20, n;
	char *src = malloc(cap), err[256];
	uint64_t root = 0, again = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	n = (size_t)snprintf(src, cap, "@QOS Deadline(100), CostLimit(5)\nlet t = '%0200d';\n"
				       "function add(a) { return (b) => a + b + t.length; }\n", 7);
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(src + n, cap - n, "const g%d = add(%d)(%d);\n", i, i, i * 3);
	snprintf(src + n, cap - n, "g0 + g2999\n");
	CU_ASSERT_EQUAL_FATAL(compile(st, src, &root, err, sizeof(err)), 0);
	CU_ASSERT(vm_id_is_content(root));
	CU_ASSERT_EQUAL(vm_store_seal(st2, st, root, &again, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(again, root);
	CU_ASSERT_EQUAL(vm_store_count(st2), vm_store_count(st));
	free(src);
	vm_store_free(st2);
	vm_store_free(st);
}

static void test_chunk_layout(void)
{
	struct vm_store *st = vm_store_new(0);
	const struct vm_chunk *r, *ft, *fn, *code, *main_fn;
	uint64_t root;
	char err[256], name[16];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(compile(st,
				      "function add(a, b) { return a + b }\n"
				      "let msg = 'sum'\nconsole.log(msg, add(2, 3))\n",
				      &root, err, sizeof(err)),
			      0);
	r = vm_store_get(st, root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->s[VM_ROOT_S_MAGIC].v.i, VM_ROOT_MAGIC);
	CU_ASSERT_EQUAL(r->s[VM_ROOT_S_VER].v.i, VM_ROOT_VERSION);
	CU_ASSERT_EQUAL(r->s[JSL_ROOT_S_NFUNC].v.i, 2);
	CU_ASSERT_EQUAL(r->s[JSL_ROOT_S_NGLOBAL].v.i, 1); /* add; msg lives in a register */
	CU_ASSERT_EQUAL(vm_str_load(st, r->s[JSL_ROOT_S_FILE].v.link, name, sizeof(name)), 8);
	CU_ASSERT_EQUAL(memcmp(name, "prog.jsl", 8), 0);
	ft = vm_store_get(st, r->s[JSL_ROOT_S_FUNC].v.link);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft);
	CU_ASSERT_EQUAL(ft->kind, VM_CHUNK_DATA);
	main_fn = vm_store_get(st, ft->s[0].v.link);
	CU_ASSERT_EQUAL(ft->s[0].v.link, r->s[VM_ROOT_S_MAIN].v.link);
	CU_ASSERT_EQUAL(main_fn->kind, VM_CHUNK_FUNC);
	CU_ASSERT_EQUAL(main_fn->s[JSL_FUNC_S_NAME].type, VM_SLOT_EMPTY);
	fn = vm_store_get(st, ft->s[1].v.link);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
	CU_ASSERT_EQUAL(fn->kind, VM_CHUNK_FUNC);
	CU_ASSERT_EQUAL(fn->s[JSL_FUNC_S_NPARAMS].v.i, 2);
	CU_ASSERT(fn->s[JSL_FUNC_S_NREGS].v.i >= 3);
	CU_ASSERT_EQUAL(vm_str_load(st, fn->s[JSL_FUNC_S_NAME].v.link, name, sizeof(name)), 3);
	CU_ASSERT_EQUAL(memcmp(name, "add", 3), 0);
	/* add: ADD R2 R0 R1; RET R2; RETU -> three instructions in one CODE chunk */
	CU_ASSERT_EQUAL(fn->s[JSL_FUNC_S_NCODE].v.i, 3);
	code = vm_store_get(st, fn->s[JSL_FUNC_S_CODE].v.link);
	CU_ASSERT_PTR_NOT_NULL_FATAL(code);
	CU_ASSERT_EQUAL(code->kind, VM_CHUNK_CODE);
	CU_ASSERT_EQUAL(code->s[0].type, VM_SLOT_BYTES);
	CU_ASSERT_EQUAL(code->s[0].len, 8);
	CU_ASSERT_EQUAL(code->s[1].len, 4);
	CU_ASSERT_EQUAL(code->s[2].type, VM_SLOT_EMPTY);
	CU_ASSERT_EQUAL(code->s[VM_CHUNK_SLOTS - 1].type, VM_SLOT_EMPTY);
	CU_ASSERT_EQUAL(code->s[0].v.b[0], JSL_OP_ADD);
	CU_ASSERT_EQUAL(code->s[0].v.b[4], JSL_OP_RET);
	CU_ASSERT_EQUAL(code->s[1].v.b[0], JSL_OP_RETU);
	vm_store_free(st);
}

/* A function longer than one CODE chunk chains CODE chunks through s[15]. */
static void test_code_chain(void)
{
	struct vm_store *st = vm_store_new(0);
	char src[4096], err[256];
	size_t n = 0;
	uint64_t root, id;
	const struct vm_chunk *fn;
	int chunks = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "function f(x) {\n");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "  x = x * 3 + %d\n", i);
	snprintf(src + n, sizeof(src) - n, "  return x\n}\nf(1)\n");
	CU_ASSERT_EQUAL_FATAL(compile(st, src, &root, err, sizeof(err)), 0);
	fn = vm_store_get(
	    st, vm_store_get(st, vm_store_get(st, root)->s[JSL_ROOT_S_FUNC].v.link)->s[1].v.link);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
	CU_ASSERT(fn->s[JSL_FUNC_S_NCODE].v.i > JSL_CODE_PER_CHUNK * 2);
	for (id = fn->s[JSL_FUNC_S_CODE].v.link; id;) {
		const struct vm_chunk *c = vm_store_get(st, id);

		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(c->kind, VM_CHUNK_CODE);
		chunks++;
		id = c->s[VM_CHUNK_SLOTS - 1].type == VM_SLOT_LINK ? c->s[VM_CHUNK_SLOTS - 1].v.link
								   : 0;
	}
	CU_ASSERT_EQUAL(chunks, (fn->s[JSL_FUNC_S_NCODE].v.i + JSL_CODE_PER_CHUNK - 1) /
				    JSL_CODE_PER_CHUNK);
	vm_store_free(st);
}

/* Semicolons may be left out where JavaScript inserts them, and only there. */
static void test_asi(void)
{
	static const char *const ok[] = {
	    "let a = 1\nlet b = 2\na + b",
	    "let a = 1\nlet b = a\n+ 2",	/* continues: b = a + 2 */
	    "function f() {\n  return\n}\nf()", /* return; then a block end */
	    "let i = 0\nwhile (i < 3) i++\ni",
	    "let x = 1; if (x) { x = 2 } else x = 3\nx",
	    "let s = 'a'\n;(s)",
	    "do { } while (false) let z = 1",
	};
	static const struct err_case bad[] = {
	    {"let a = 1 let b = 2", "prog.jsl:1:11: expected ';' after the declaration, got 'let'"},
	    {"let a = 1\na b",
	     "prog.jsl:2:3: expected ';' after the expression, got identifier 'b'"},
	};
	char err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct vm_store *st = vm_store_new(0);
		uint64_t root;
		int rc = compile(st, ok[i], &root, err, sizeof(err));

		if (rc)
			printf("\n    source: %s\n    error: %s\n", ok[i], err);
		CU_ASSERT_EQUAL(rc, 0);
		vm_store_free(st);
	}
	check_errors(bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_compile_file(void)
{
	struct vm_store *st = vm_store_new(0);
	char path[] = "/tmp/test_jsl_XXXXXX", err[512], want[600];
	uint64_t root = 0;
	FILE *f;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(jsl_compile_file(st, "/nonexistent/dir/prog.jsl", &root, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(err,
			       "/nonexistent/dir/prog.jsl: cannot open: No such file or directory");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("@QOS Deadline(100)\nlet x = 2\nx *\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(jsl_compile_file(st, path, &root, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:4:1: expected an expression, got end of input", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("@QOS Deadline(100)\nlet x = 2\nx * 21\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(jsl_compile_file(st, path, &root, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(root, 0);
	CU_ASSERT_EQUAL(jsl_compile_file(st, "/tmp", &root, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "/tmp: not a regular file");
	/* over the limit: refused from its size, before a byte is read (a sparse file) */
	CU_ASSERT_EQUAL_FATAL(truncate(path, (off_t)JSL_MAX_SOURCE + 1), 0);
	CU_ASSERT_EQUAL(jsl_compile_file(st, path, &root, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: source of %u bytes is over JSLite's limit of 64 MiB",
		 path, JSL_MAX_SOURCE + 1);
	CU_ASSERT_STRING_EQUAL(err, want);
	unlink(path);
	vm_store_free(st);
}

static void test_disasm(void)
{
	struct vm_store *st = vm_store_new(0);
	char err[256], *text = NULL;
	size_t len = 0;
	uint64_t root;
	FILE *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(
	    compile(st,
		    "@QOS Priority('True')\nfunction fib(n) {\n  if (n < 2) return n\n"
		    "  return fib(n - 1) + fib(n - 2)\n}\nfib(10)\n",
		    &root, err, sizeof(err)),
	    0);
	m = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(vm_disasm(st, root, m), 0);
	fclose(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "; @QOS Priority('True')"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "function F1 fib (1 params"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "[   3]  JLTI     R0 2 k=0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "GETG     R2 G0            ; fib"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "CALL     R2 n=1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "R[A] := R[B] + R[C]"));
	free(text);
	/* a graph that does not load is reported, not listed */
	text = NULL;
	m = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(vm_disasm(st, 0xdeadbeef, m) < 0);
	fclose(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cannot load the program"));
	free(text);
	vm_store_free(st);
}

/* Big programs: many constants, deep nesting is refused cleanly rather than crashing. */
static void test_limits(void)
{
	struct vm_store *st = vm_store_new(0);
	size_t cap = 1 << 20, n = 0;
	char *src = malloc(cap), err[256];
	uint64_t root;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	/* 1000 distinct string constants, used through LOADK with 16-bit indexes */
	n += (size_t)snprintf(src + n, cap - n, "let s = ''\n");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(src + n, cap - n, "s = s + 'k%d'\n", i);
	CU_ASSERT_EQUAL(compile(st, src, &root, err, sizeof(err)), 0);
	/* 10000 nested parentheses */
	n = 0;
	for (int i = 0; i < 10000; i++)
		src[n++] = '(';
	src[n++] = '1';
	for (int i = 0; i < 10000; i++)
		src[n++] = ')';
	src[n] = '\0';
	CU_ASSERT_EQUAL(compile(st, src, &root, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested too deeply"));
	/* left-deep chains are nesting too: 1+1+...+1, f()()(), a,b,c */
	for (int kind = 0; kind < 3; kind++) {
		static const char *const piece[] = {"+1", "()", ",1"};

		n = (size_t)snprintf(src, cap, "function f() { return f }\n1");
		for (int i = 0; i < 50000; i++)
			n += (size_t)snprintf(src + n, cap - n, "%s", piece[kind]);
		CU_ASSERT_EQUAL(compile(st, src, &root, err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested too deeply"));
	}
	/* 300 else-ifs and 300-term sums are fine */
	n = (size_t)snprintf(src, cap, "let x = 5\nlet y = 0\nif (x == 0) y = 0\n");
	for (int i = 1; i < 300; i++)
		n += (size_t)snprintf(src + n, cap - n, "else if (x == %d) y = %d\n", i, i * 2);
	n += (size_t)snprintf(src + n, cap - n, "y = y");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(src + n, cap - n, " + 1");
	CU_ASSERT_EQUAL(compile(st, src, &root, err, sizeof(err)), 0);
	free(src);
	vm_store_free(st);
}

TL_SUITE(u_jsl, NULL, NULL, {"syntax errors name file:line:col", test_syntax_errors},
	 {"semantic errors name file:line:col", test_semantic_errors},
	 {"bad @QOS headers are compile errors", test_qos_errors},
	 {"@QOS requirements become QoS chunks", test_qos_chunks},
	 {"root, FUNC and CODE chunk layout", test_chunk_layout},
	 {"chunks are written under their content ids", test_content_ids},
	 {"long functions chain CODE chunks", test_code_chain},
	 {"automatic semicolon insertion", test_asi},
	 {"jsl_compile_file reads files and names them", test_compile_file},
	 {"vm_disasm lists QoS, functions and code", test_disasm},
	 {"large and deeply nested sources", test_limits})

/* SPDX-License-Identifier: MIT */
/*
 * Errors of a running VM: a thrown error or the heap bound, with the source
 * line of the instruction being executed. Shared by the interpreter and the
 * built-in functions (neither includes the other's code).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/jsl_int.h"

/* The source line of instruction pc of f, from its pc -> line table. */
uint32_t jsl_func_line(const struct jsl_func *f, uint32_t pc)
{
	uint32_t lo = 0, hi = f->nlines;

	if (!hi)
		return f->line;
	/* the last entry whose pc <= pc */
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if ((f->lines[mid] >> 32) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)f->lines[lo];
}

uint32_t jsl_cur_line(const struct jsl_vm *vm)
{
	const struct jsl_ci *ci = vm->ci;
	uint32_t pc = (uint32_t)(ci->pc - ci->fn->code);

	return jsl_func_line(ci->fn, pc ? pc - 1 : 0);
}

/* The Error class that message text "TypeError: ..." names, and where its message starts. */
static unsigned error_class(const char *msg, size_t *skip)
{
	for (unsigned c = JSL_CLS_ERROR; c <= JSL_CLS_SYNTAXERROR; c++) {
		size_t n = strlen(jsl_cls_names[c]);

		if (!strncmp(msg, jsl_cls_names[c], n) && msg[n] == ':' && msg[n + 1] == ' ') {
			*skip = n + 2;
			return c;
		}
	}
	*skip = 0;
	return JSL_CLS_ERROR;
}

int jsl_throw(struct jsl_vm *vm, const char *fmt, ...)
{
	char msg[240];
	va_list ap;
	size_t skip;
	unsigned cls;
	jv e;

	if (vm->status != VM_OK)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cls = error_class(msg, &skip);
	/* the thrown value: an Error a catch can see (its allocation may end the run instead) */
	if (jsl_new_error(vm, cls, msg + skip, strlen(msg + skip), &e) < 0)
		return -1;
	vm->exc = e;
	vm->status = VM_ERR_RUNTIME;
	snprintf(vm->error, sizeof(vm->error), "%s:%u: %s", vm->prog->file, jsl_cur_line(vm), msg);
	return -1;
}

int jsl_throw_value(struct jsl_vm *vm, jv v)
{
	struct jsl_buf b = {.ok = true};

	if (vm->status != VM_OK)
		return -1;
	vm->exc = v;
	vm->status = VM_ERR_RUNTIME;
	if (jv_is_objtype(v, JSL_OBJ_OBJ) && ((struct jsl_objt *)jv_obj(v))->cls) {
		jsl_to_string_buf(vm->prog, v, &b);
	} else {
		jsl_buf_puts(&b, "Uncaught ");
		jsl_inspect_buf(vm->prog, v, &b);
	}
	snprintf(vm->error, sizeof(vm->error), "%s:%u: %s", vm->prog->file, jsl_cur_line(vm),
		 b.ok && b.p ? b.p : "Uncaught exception");
	free(b.p);
	return -1;
}

int jsl_oom(struct jsl_vm *vm, const char *what)
{
	if (vm->status != VM_OK)
		return -1;
	vm->status = VM_ERR_MEMORY;
	snprintf(vm->error, sizeof(vm->error), "%s:%u: %s", vm->prog->file, jsl_cur_line(vm), what);
	return -1;
}

const char *jsl_call_name(const struct jsl_vm *vm)
{
	const struct jsl_func *f = vm->ci->fn;
	uint64_t pc = (uint64_t)(vm->ci->pc - f->code) - 1;

	for (uint32_t k = 0; k < f->ncnames; k++)
		if (f->cnames[k] >> 32 == pc)
			return jv_str(vm->prog->consts[(uint32_t)f->cnames[k]])->s;
	return NULL;
}

/*
 * V8's "X is not iterable" (its CallPrinter): X is the source text the
 * compiler recorded in the call-name table for the SPREAD or ITER being run
 * ("n", "o.a.b", "{}"); "f()" for a call's result ("f is not a function or
 * its return value is not iterable"); "...x" for a spread among a call's
 * arguments. Without a text (a native such as new Set(5), an assignment
 * pattern), V8's fallback: the type and value, "number 5 is not iterable
 * (cannot read property Symbol(Symbol.iterator))".
 */
int jsl_not_iterable(struct jsl_vm *vm, jv v)
{
	const struct jsl_func *f = vm->ci->fn;
	uint64_t pc = (uint64_t)(vm->ci->pc - f->code) - 1;
	unsigned op = pc < f->ncode ? JSL_I_OP(f->code[pc]) : JSL_OP_COUNT;
	const char *site = op == JSL_OP_SPREAD || op == JSL_OP_ITER ? jsl_call_name(vm) : NULL;
	bool nullish = jv_is(v, JV_T_UNDEF) || jv_is(v, JV_T_NULL);
	struct jsl_buf b = {.ok = true};
	size_t n;
	int rc;

	if (site && !strncmp(site, "...", 3)) {
		if (!nullish)
			return jsl_throw(vm, "TypeError: Spread syntax requires ...iterable[Symbol.iterator] "
					     "to be a function");
		return jsl_throw(vm, "TypeError: %.100s is not iterable (cannot read property %s)",
				 site + 3, jv_is(v, JV_T_NULL) ? "null" : "undefined");
	}
	n = site ? strlen(site) : 0;
	if (n > 2 && !strcmp(site + n - 2, "()"))
		return jsl_throw(vm, "TypeError: %.*s is not a function or its return value is not "
				     "iterable", (int)(n - 2 > 100 ? 100 : n - 2), site);
	if (site)
		return jsl_throw(vm, "TypeError: %.100s is not iterable", site);
	/* V8's BuildDefaultCallSite */
	jsl_buf_puts(&b, jv_is(v, JV_T_NULL) ? "object" : jsl_typeof(v));
	if (jv_is(v, JV_T_STR) || jv_is_num(v) || jv_is(v, JV_T_BOOL) || jv_is(v, JV_T_NULL)) {
		jsl_buf_putc(&b, ' ');
		jsl_to_string_buf(vm->prog, v, &b);
	}
	rc = jsl_throw(vm, "TypeError: %.100s is not iterable (cannot read property "
			   "Symbol(Symbol.iterator))", b.ok && b.p ? b.p : "value");
	free(b.p);
	return rc;
}

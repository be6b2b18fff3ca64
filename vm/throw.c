/* SPDX-License-Identifier: MIT */
/*
 * Errors of a running VM: a thrown error or the heap bound, with the source
 * line of the instruction being executed. Shared by the interpreter and the
 * built-in functions (neither includes the other's code).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

int jsl_throw(struct jsl_vm *vm, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (vm->status != VM_OK)
		return -1;
	vm->status = VM_ERR_RUNTIME;
	n = snprintf(vm->error, sizeof(vm->error), "%s:%u: ", vm->prog->file, jsl_cur_line(vm));
	if (n >= 0 && (size_t)n < sizeof(vm->error)) {
		va_start(ap, fmt);
		vsnprintf(vm->error + n, sizeof(vm->error) - (size_t)n, fmt, ap);
		va_end(ap);
	}
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

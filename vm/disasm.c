/* SPDX-License-Identifier: MIT */
/*
 * The disassembler: a listing of a compiled Tasklet — QoS, constants,
 * globals and every function's instructions with operands decoded by kind
 * (from opcodes.def) and the source line of each. The program goes through
 * the same loader as vm_run, so a listing is also a validity check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/jsl_int.h"

const char *const jsl_op_names[JSL_OP_COUNT] = {
#define X(name, fmt, a, b, c, desc) #name,
#include "vm/opcodes.def"
#undef X
};

static const char *const op_desc[JSL_OP_COUNT] = {
#define X(name, fmt, a, b, c, desc) desc,
#include "vm/opcodes.def"
#undef X
};

static void put_value(FILE *out, const struct jsl_prog *p, jv v)
{
	struct jsl_buf b = {.ok = true};

	jsl_inspect_buf(p, v, &b);
	if (b.ok && b.p)
		fprintf(out, "%.60s%s", b.p, b.len > 60 ? "..." : "");
	free(b.p);
}

/* One operand of kind k and value v; returns the text width written. */
static void put_operand(FILE *out, const struct jsl_prog *p, uint32_t pc, char k, int64_t v,
			bool first)
{
	if (k == '_')
		return;
	fputs(first ? "" : " ", out);
	switch (k) {
	case 'R': /* register, constant, global, function, native, method: R3, K0, ... */
	case 'K':
	case 'G':
	case 'F':
	case 'N':
	case 'M':
		fprintf(out, "%c%lld", k, (long long)v);
		break;
	case 'J':
		fprintf(out, "->%lld", (long long)(pc + 1 + v));
		break;
	case 'k':
		fprintf(out, "k=%lld", (long long)v);
		break;
	case 'n':
		fprintf(out, "n=%lld", (long long)v);
		break;
	default:
		fprintf(out, "%lld", (long long)v);
		break;
	}
}

/* A note on what an operand refers to (constant value, global or function name). */
static void put_note(FILE *out, const struct jsl_prog *p, char k, int64_t v)
{
	switch (k) {
	case 'K':
		fputs(" ", out);
		put_value(out, p, p->consts[v]);
		break;
	case 'G':
		fprintf(out, " %s", p->gnames[v]);
		break;
	case 'F':
		fprintf(out, " %s", p->funcs[v].name[0] ? p->funcs[v].name : "<main>");
		break;
	case 'N':
		fprintf(out, " %s%s%s", jsl_natives[v].obj ? jsl_natives[v].obj : "",
			jsl_natives[v].obj ? "." : "", jsl_natives[v].name);
		break;
	case 'M':
		fprintf(out, " .%s", jsl_method_names[v]);
		break;
	default:
		break;
	}
}

static void disasm_func(FILE *out, const struct jsl_prog *p, uint32_t idx)
{
	const struct jsl_func *f = &p->funcs[idx];

	fprintf(out, "\nfunction F%u %s (%u params, %u registers, %u instructions, line %u)\n", idx,
		f->name[0] ? f->name : "<main>", f->nparams, f->nregs, f->ncode, f->line);
	for (uint32_t pc = 0; pc < f->ncode; pc++) {
		uint32_t ins = f->code[pc];
		const struct jsl_opinfo *oi = &jsl_opinfo[JSL_I_OP(ins)];
		const char kind[3] = {oi->a, oi->b, oi->c};
		int64_t v[3];
		unsigned n = jsl_ins_operands(ins, oi, v);
		char ops[64];
		FILE *m;

		memset(ops, 0, sizeof(ops));
		m = fmemopen(ops, sizeof(ops) - 1, "w");
		if (m) {
			/* B is first when A is unused ('_'); C never is */
			for (unsigned k = 0; k < n; k++)
				put_operand(m, p, pc, kind[k], v[k],
					    k == 0 || (k == 1 && oi->a == '_'));
			fclose(m);
		} else {
			ops[0] = '\0';
		}
		fprintf(out, "  %5u  [%4u]  %-8s %-16s ;", pc, jsl_func_line(f, pc),
			jsl_op_names[JSL_I_OP(ins)], ops);
		for (unsigned k = 0; k < n; k++)
			put_note(out, p, kind[k], v[k]);
		fprintf(out, "  %s\n", op_desc[JSL_I_OP(ins)]);
	}
}

int vm_disasm(const struct vm_store *st, uint64_t root, FILE *out)
{
	struct jsl_heap h = {.limit = (size_t)1 << 30};
	struct jsl_prog *p = NULL;
	struct vm_qos q[VM_QOS_MAX];
	char err[256];
	int rc, nq;

	rc = jsl_prog_load(st, root, &h, &p, err, sizeof(err));
	if (rc < 0) {
		fprintf(out, "; cannot load the program: %s\n", err);
		goto out;
	}
	fprintf(out, "; %s: %u function%s, %u constant%s, %u global%s, %zu instructions\n", p->file,
		p->nfuncs, p->nfuncs == 1 ? "" : "s", p->nconsts, p->nconsts == 1 ? "" : "s",
		p->nglobals, p->nglobals == 1 ? "" : "s", p->ncode);
	nq = vm_qos_read(st, root, q, VM_QOS_MAX, err, sizeof(err));
	if (nq > 0) {
		fputs("; @QOS", out);
		for (int i = 0; i < nq; i++) {
			char buf[256];

			vm_qos_format(&q[i], buf, sizeof(buf));
			fprintf(out, "%s %s", i ? "," : "", buf);
		}
		fputs("\n", out);
	}
	if (p->nconsts)
		fputs("\nconstants\n", out);
	for (uint32_t i = 0; i < p->nconsts; i++) {
		fprintf(out, "  K%-5u ", i);
		put_value(out, p, p->consts[i]);
		fputs("\n", out);
	}
	if (p->nglobals)
		fputs("\nglobals\n", out);
	for (uint32_t i = 0; i < p->nglobals; i++)
		fprintf(out, "  G%-5u %s\n", i, p->gnames[i]);
	for (uint32_t i = 0; i < p->nfuncs; i++)
		disasm_func(out, p, i);
	if (ferror(out))
		rc = -EIO;
out:
	jsl_prog_free(p);
	jsl_heap_free_all(&h);
	return rc;
}

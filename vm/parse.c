/* SPDX-License-Identifier: MIT */
/*
 * The JSLite parser: recursive descent from tokens to the syntax tree of
 * jsl_ast.h, one function per grammar rule with the rule in EBNF as its
 * first comment, and the @QOS header turned into struct vm_qos entries.
 *
 * Automatic semicolon insertion follows JavaScript's rule: a statement may
 * end without ';' where the next token is '}', the end of input, or stands
 * after a line break (the token that could not continue the statement).
 * 'return', 'break' and 'continue' end at a line break.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/jsl_ast.h"

/*
 * Nesting of statements and expressions, left-deep chains (a + b + c, f()()
 * , a, b) included: the code generator recurses over the tree, so this
 * bounds its C stack too.
 */
#define MAX_DEPTH 1000

struct parser {
	struct jsl_cc *C;
	int loops;    /* enclosing loops of the current function */
	bool in_func; /* inside a function body */
	int depth;
};

static struct jsl_node *parse_statement(struct parser *P, bool single);
static struct jsl_node *parse_expression(struct parser *P);
static struct jsl_node *parse_assignment(struct parser *P);

/* ---- helpers ---------------------------------------------------------------- */

static struct jsl_node *new_node(struct parser *P, uint8_t kind, uint32_t line, uint32_t col)
{
	struct jsl_node *n = jsl_alloc(P->C, sizeof(*n));

	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static struct jsl_token *tok(struct parser *P)
{
	return &P->C->tok;
}

static bool at(struct parser *P, unsigned type)
{
	return P->C->tok.type == type;
}

static void next(struct parser *P)
{
	jsl_lex_next(P->C);
}

static bool accept(struct parser *P, unsigned type)
{
	if (!at(P, type))
		return false;
	next(P);
	return true;
}

/* Fail at the current token with "expected WHAT, got <token>". */
__attribute__((noreturn)) static void error_here(struct parser *P, const char *what)
{
	char got[64];
	struct jsl_token *t = tok(P);

	jsl_tok_describe(t, got, sizeof(got));
	jsl_error_at(P->C, t->line, t->col, "expected %s, got %s", what, got);
}

/* Consume a token of the given type or fail with "expected 'X' WHERE, got Y". */
static void expect(struct parser *P, unsigned type, const char *where)
{
	char what[96];

	if (accept(P, type))
		return;
	snprintf(what, sizeof(what), "'%s'%s%s", jsl_tok_text[type], where ? " " : "",
		 where ? where : "");
	error_here(P, what);
}

/* terminator := ';' | (before '}' or end of input or a line break) */
static void terminator(struct parser *P, const char *after)
{
	if (accept(P, JSL_T_SEMI))
		return;
	char what[80];

	if (at(P, JSL_T_RBRACE) || at(P, JSL_T_EOF) || tok(P)->nl_before)
		return;
	snprintf(what, sizeof(what), "';' after %s", after);
	error_here(P, what);
}

static void enter(struct parser *P)
{
	if (++P->depth > MAX_DEPTH)
		jsl_error_at(P->C, tok(P)->line, tok(P)->col,
			     "program nested too deeply (more than %d levels)", MAX_DEPTH);
}

static void unsupported_token(struct parser *P)
{
	struct jsl_token *t = tok(P);

	switch (t->type) {
	case JSL_T_RESERVED:
		if (!strcmp(t->str, "var"))
			jsl_error_at(P->C, t->line, t->col,
				     "'var' is not supported in JSLite; use 'let' or 'const'");
		jsl_error_at(P->C, t->line, t->col, "'%s' is not supported in JSLite yet", t->str);
	case JSL_T_BACKTICK:
		jsl_error_at(P->C, t->line, t->col,
			     "template literals are not supported in JSLite yet");
	case JSL_T_LBRACK:
		jsl_error_at(P->C, t->line, t->col,
			     "array literals are not supported in JSLite yet");
	case JSL_T_ATQOS:
		jsl_error_at(P->C, t->line, t->col,
			     "@QOS must come before the first statement of the program");
	default:
		break;
	}
}

/* ---- @QOS header -------------------------------------------------------------- */

struct qos_pos {
	uint32_t line, col;
};

static bool is_int(const struct vm_qos_param *p)
{
	return p->type == VM_QOS_P_INT;
}

static bool is_str(const struct vm_qos_param *p, const char *s)
{
	return p->type == VM_QOS_P_STR && (!s || !strcmp(p->s, s));
}

/* '0.99' style probability: digits, at most one '.', value in (0, 1]. */
static bool is_probability(const char *s)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return false;
	v = strtod(s, &end);
	return !*end && v > 0 && v <= 1;
}

/* Check a requirement's parameters against its category (man tasklet-qos(7)). */
static void qos_check(struct parser *P, const struct vm_qos *q, const struct qos_pos *cat,
		      const struct qos_pos *pp)
{
	struct jsl_cc *C = P->C;
	const struct vm_qos_param *p = q->p;
	const char *name = vm_qos_name(q->cat);
	unsigned n = q->nparams;
	int bad = -1; /* the offending parameter, -1: the count */
	const char *want = "";

	switch (q->cat) {
	case VM_QOS_PRIORITY:
		want = "one parameter, 'True' or 'False'";
		if (n == 1 && !(is_str(&p[0], "True") || is_str(&p[0], "False")))
			bad = 0;
		else if (n == 1)
			return;
		break;
	case VM_QOS_SPEED_MINIMUM:
		want = "a speed n > 0 and optionally 'relative': SpeedMinimum(n) or "
		       "SpeedMinimum(n, 'relative')";
		if (n < 1 || n > 2)
			break;
		if (!is_int(&p[0]) || p[0].i <= 0)
			bad = 0;
		else if (n == 2 && !is_str(&p[1], "relative"))
			bad = 1;
		else
			return;
		break;
	case VM_QOS_COST_LIMIT:
		want = "one integer parameter >= 0: CostLimit(n)";
		if (n == 1 && (!is_int(&p[0]) || p[0].i < 0))
			bad = 0;
		else if (n == 1)
			return;
		break;
	case VM_QOS_FAULT_TOLERANCE:
		want = "a replica count k >= 1 or 'local': FaultTolerance(k) or "
		       "FaultTolerance('local')";
		if (n == 1 && !((is_int(&p[0]) && p[0].i >= 1) || is_str(&p[0], "local")))
			bad = 0;
		else if (n == 1)
			return;
		break;
	case VM_QOS_PRIVACY:
		want = "'TLS' and the name of a certificate authority: Privacy('TLS', 'ca-name')";
		if (n != 2)
			break;
		if (!is_str(&p[0], "TLS"))
			bad = 0;
		else if (!is_str(&p[1], NULL) || !p[1].s[0])
			bad = 1;
		else
			return;
		break;
	case VM_QOS_DEADLINE:
		want = "one parameter, milliseconds > 0: Deadline(ms)";
		if (n == 1 && (!is_int(&p[0]) || p[0].i <= 0))
			bad = 0;
		else if (n == 1)
			return;
		break;
	case VM_QOS_RELIABILITY:
		want = "a percentage 1..100 or a probability string such as '0.99': Reliability(p)";
		if (n == 1 && !((is_int(&p[0]) && p[0].i >= 1 && p[0].i <= 100) ||
				(p[0].type == VM_QOS_P_STR && is_probability(p[0].s))))
			bad = 0;
		else if (n == 1)
			return;
		break;
	default:
		return;
	}
	if (bad < 0)
		jsl_error_at(C, cat->line, cat->col, "%s expects %s; got %u parameter%s", name,
			     want, n, n == 1 ? "" : "s");
	if (p[bad].type == VM_QOS_P_INT)
		jsl_error_at(C, pp[bad].line, pp[bad].col, "%s expects %s; got %lld", name, want,
			     (long long)p[bad].i);
	jsl_error_at(C, pp[bad].line, pp[bad].col, "%s expects %s; got '%s'", name, want, p[bad].s);
}

/* param := string | '-'? integer */
static void parse_qos_param(struct parser *P, struct vm_qos_param *p, struct qos_pos *pos)
{
	struct jsl_token *t = tok(P);
	bool neg = false;

	pos->line = t->line;
	pos->col = t->col;
	if (at(P, JSL_T_STR)) {
		if (t->slen > VM_QOS_STR_MAX)
			jsl_error_at(P->C, t->line, t->col,
				     "QoS string parameter longer than %d bytes", VM_QOS_STR_MAX);
		if (memchr(t->str, '\0', t->slen))
			jsl_error_at(P->C, t->line, t->col,
				     "QoS string parameter contains a NUL byte");
		p->type = VM_QOS_P_STR;
		memcpy(p->s, t->str, t->slen + 1);
		next(P);
		return;
	}
	if (accept(P, JSL_T_MINUS))
		neg = true;
	if (!at(P, JSL_T_NUM))
		error_here(P, "a QoS parameter (a string or an integer)");
	if (t->num != floor(t->num) || t->num > 9007199254740991.0)
		jsl_error_at(P->C, t->line, t->col,
			     "QoS parameters are strings or integers up to 2^53-1; got %.17g",
			     t->num);
	p->type = VM_QOS_P_INT;
	p->i = (int64_t)t->num * (neg ? -1 : 1);
	next(P);
}

/* single_qos := qos_category '(' param (',' param)* ')' */
static void parse_single_qos(struct parser *P)
{
	struct jsl_cc *C = P->C;
	struct jsl_token *t = tok(P);
	struct qos_pos cat = {t->line, t->col}, pp[VM_QOS_MAX_PARAMS];
	struct vm_qos *q;
	int c;

	if (!at(P, JSL_T_IDENT))
		error_here(P, "a QoS category");
	c = vm_qos_lookup(t->str, t->slen);
	if (c < 0) {
		char known[256];
		size_t n = 0;

		known[0] = '\0';
		for (unsigned k = 1; k <= VM_QOS_CAT_MAX; k++) {
			const char *nm = vm_qos_name(k);

			if (nm)
				n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s",
						      n ? ", " : "", nm);
			if (n >= sizeof(known))
				break;
		}
		jsl_error_at(C, t->line, t->col, "unknown QoS category '%s' (known: %s)", t->str,
			     known);
	}
	if (C->nqos == VM_QOS_MAX)
		jsl_error_at(C, t->line, t->col, "more than %d QoS requirements", VM_QOS_MAX);
	for (size_t i = 0; i < C->nqos; i++)
		if (C->qos[i].cat == c)
			jsl_error_at(C, t->line, t->col, "QoS category '%s' given twice", t->str);
	q = &C->qos[C->nqos];
	memset(q, 0, sizeof(*q));
	q->cat = (uint8_t)c;
	next(P);
	expect(P, JSL_T_LPAREN, "after the QoS category");
	do {
		if (q->nparams == VM_QOS_MAX_PARAMS)
			jsl_error_at(C, tok(P)->line, tok(P)->col,
				     "more than %d parameters in a QoS requirement",
				     VM_QOS_MAX_PARAMS);
		parse_qos_param(P, &q->p[q->nparams], &pp[q->nparams]);
		q->nparams++;
	} while (accept(P, JSL_T_COMMA));
	expect(P, JSL_T_RPAREN, "after the QoS parameters");
	qos_check(P, q, &cat, pp);
	C->nqos++;
}

/* qos := '@QOS' single_qos (',' single_qos)* terminator */
static void parse_qos(struct parser *P)
{
	next(P);
	do
		parse_single_qos(P);
	while (accept(P, JSL_T_COMMA));
	terminator(P, "the @QOS header");
}

/* ---- expressions ---------------------------------------------------------------- */

/* arguments := '(' (assignment (',' assignment)*)? ')' ; the '(' is consumed */
static void parse_arguments(struct parser *P, struct jsl_node *call)
{
	struct jsl_node **tail = &call->list;

	while (!at(P, JSL_T_RPAREN)) {
		if (at(P, JSL_T_ELLIPSIS))
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "spread arguments are not supported in JSLite yet");
		*tail = parse_assignment(P);
		tail = &(*tail)->next;
		call->n++;
		if (call->n > JSL_MAX_ARGS)
			jsl_error_at(P->C, call->line, call->col, "more than %d arguments",
				     JSL_MAX_ARGS);
		if (!accept(P, JSL_T_COMMA))
			break;
	}
	expect(P, JSL_T_RPAREN, "after arguments");
}

/* primary := NUM | STR | IDENT | 'true' | 'false' | 'null' | '(' expression ')' */
static struct jsl_node *parse_primary(struct parser *P)
{
	struct jsl_token *t = tok(P);
	struct jsl_node *n;

	switch (t->type) {
	case JSL_T_NUM:
		n = new_node(P, JSL_N_NUM, t->line, t->col);
		n->num = t->num;
		break;
	case JSL_T_STR:
		n = new_node(P, JSL_N_STR, t->line, t->col);
		n->s = t->str;
		n->len = t->slen;
		break;
	case JSL_T_IDENT:
		n = new_node(P, JSL_N_IDENT, t->line, t->col);
		n->s = t->str;
		n->len = t->slen;
		break;
	case JSL_T_TRUE:
		n = new_node(P, JSL_N_TRUE, t->line, t->col);
		break;
	case JSL_T_FALSE:
		n = new_node(P, JSL_N_FALSE, t->line, t->col);
		break;
	case JSL_T_NULL:
		n = new_node(P, JSL_N_NULL, t->line, t->col);
		break;
	case JSL_T_LPAREN:
		next(P);
		n = parse_expression(P);
		n->flag |= JSL_NF_PAREN;
		expect(P, JSL_T_RPAREN, "after the parenthesised expression");
		if (at(P, JSL_T_ARROW))
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "arrow functions are not supported in JSLite yet");
		return n;
	case JSL_T_FUNCTION:
		jsl_error_at(P->C, t->line, t->col,
			     "function expressions are not supported in JSLite yet (closures)");
	case JSL_T_LBRACE:
		jsl_error_at(P->C, t->line, t->col,
			     "object literals are not supported in JSLite yet");
	default:
		unsupported_token(P);
		error_here(P, "an expression");
	}
	next(P);
	return n;
}

/* call_member := primary ('(' arguments ')' | '.' IDENT | '[' expression ']')* */
static struct jsl_node *parse_call_member(struct parser *P)
{
	struct jsl_node *e = parse_primary(P), *n;
	int chain = 0;

	for (;;) {
		struct jsl_token *t = tok(P);

		if (at(P, JSL_T_LPAREN) || at(P, JSL_T_DOT) || at(P, JSL_T_LBRACK)) {
			enter(P);
			chain++;
		}
		if (at(P, JSL_T_LPAREN)) {
			n = new_node(P, JSL_N_CALL, t->line, t->col);
			n->a = e;
			next(P);
			parse_arguments(P, n);
		} else if (at(P, JSL_T_DOT)) {
			next(P);
			t = tok(P);
			if (t->type != JSL_T_IDENT &&
			    !(t->type >= JSL_T_LET && t->type <= JSL_T_RESERVED))
				error_here(P, "a property name after '.'");
			n = new_node(P, JSL_N_MEMBER, t->line, t->col);
			n->a = e;
			n->s = t->str;
			n->len = t->slen;
			next(P);
		} else if (at(P, JSL_T_LBRACK)) {
			n = new_node(P, JSL_N_INDEX, t->line, t->col);
			next(P);
			n->a = e;
			n->b = parse_expression(P);
			expect(P, JSL_T_RBRACK, "after the index");
		} else if (at(P, JSL_T_OPTCHAIN)) {
			jsl_error_at(P->C, t->line, t->col,
				     "optional chaining '?.' is not supported in JSLite yet");
		} else {
			P->depth -= chain;
			return e;
		}
		e = n;
	}
}

static void check_target(struct parser *P, struct jsl_node *e, const struct jsl_token *op)
{
	if (e->kind == JSL_N_IDENT && !(e->flag & JSL_NF_PAREN))
		return;
	if (e->kind == JSL_N_MEMBER || e->kind == JSL_N_INDEX)
		jsl_error_at(P->C, op->line, op->col,
			     "assignment to properties is not supported in JSLite yet");
	jsl_error_at(P->C, op->line, op->col, "invalid assignment target before '%s'",
		     jsl_tok_text[op->type]);
}

/* postfix := call_member ('++' | '--')?   (no line break before the operator) */
static struct jsl_node *parse_postfix(struct parser *P)
{
	struct jsl_node *e = parse_call_member(P), *n;
	struct jsl_token *t = tok(P);

	if ((at(P, JSL_T_INC) || at(P, JSL_T_DEC)) && !t->nl_before) {
		check_target(P, e, t);
		n = new_node(P, JSL_N_UPDATE, t->line, t->col);
		n->op = t->type;
		n->a = e;
		next(P);
		return n;
	}
	return e;
}

/* unary := ('!' | '-' | '+' | '~' | 'typeof' | '++' | '--') unary | postfix */
static struct jsl_node *parse_unary(struct parser *P)
{
	struct jsl_token *t = tok(P);
	struct jsl_node *n;
	uint8_t op = t->type;

	switch (op) {
	case JSL_T_NOT:
	case JSL_T_MINUS:
	case JSL_T_PLUS:
	case JSL_T_TILDE:
	case JSL_T_TYPEOF:
		n = new_node(P, JSL_N_UNARY, t->line, t->col);
		n->op = op;
		next(P);
		enter(P);
		n->a = parse_unary(P);
		P->depth--;
		return n;
	case JSL_T_INC:
	case JSL_T_DEC: {
		struct jsl_token opt = *t;

		n = new_node(P, JSL_N_UPDATE, t->line, t->col);
		n->op = op;
		n->flag = JSL_NF_PREFIX;
		next(P);
		enter(P);
		n->a = parse_unary(P);
		P->depth--;
		check_target(P, n->a, &opt);
		return n;
	}
	default:
		return parse_postfix(P);
	}
}

static int binary_prec(unsigned type)
{
	switch (type) {
	case JSL_T_OR:
		return 1;
	case JSL_T_AND:
		return 2;
	case JSL_T_PIPE:
		return 3;
	case JSL_T_CARET:
		return 4;
	case JSL_T_AMP:
		return 5;
	case JSL_T_EQ:
	case JSL_T_NE:
	case JSL_T_SEQ:
	case JSL_T_SNE:
		return 6;
	case JSL_T_LT:
	case JSL_T_GT:
	case JSL_T_LE:
	case JSL_T_GE:
		return 7;
	case JSL_T_SHL:
	case JSL_T_SHR:
	case JSL_T_USHR:
		return 8;
	case JSL_T_PLUS:
	case JSL_T_MINUS:
		return 9;
	case JSL_T_STAR:
	case JSL_T_SLASH:
	case JSL_T_PERCENT:
		return 10;
	case JSL_T_POW:
		return 11;
	default:
		return 0;
	}
}

/* binary(p) := unary (op binary(p')), op of precedence >= p; '**' right-associative */
static struct jsl_node *parse_binary(struct parser *P, int minprec)
{
	struct jsl_node *left = parse_unary(P);
	int prec, chain = 0;

	while ((prec = binary_prec(tok(P)->type)) >= minprec && prec > 0) {
		struct jsl_token *t = tok(P);
		struct jsl_node *n;
		uint8_t op = t->type;

		if (op == JSL_T_POW && left->kind == JSL_N_UNARY && !(left->flag & JSL_NF_PAREN))
			jsl_error_at(P->C, t->line, t->col,
				     "unary operator before '**' needs parentheses");
		n = new_node(P, op == JSL_T_AND || op == JSL_T_OR ? JSL_N_LOGICAL : JSL_N_BINARY,
			     t->line, t->col);
		n->op = op;
		next(P);
		enter(P); /* the tree grows one level per operator, left-deep or not */
		chain++;
		n->a = left;
		n->b = parse_binary(P, op == JSL_T_POW ? prec : prec + 1);
		left = n;
	}
	P->depth -= chain;
	if (at(P, JSL_T_NULLISH))
		jsl_error_at(P->C, tok(P)->line, tok(P)->col,
			     "'?\?' is not supported in JSLite yet");
	return left;
}

/* conditional := binary ('?' assignment ':' assignment)? */
static struct jsl_node *parse_conditional(struct parser *P)
{
	struct jsl_node *e = parse_binary(P, 1), *n;
	struct jsl_token *t = tok(P);

	if (!at(P, JSL_T_QUESTION))
		return e;
	n = new_node(P, JSL_N_COND, t->line, t->col);
	next(P);
	enter(P);
	n->a = e;
	n->b = parse_assignment(P);
	expect(P, JSL_T_COLON, "in the conditional expression");
	n->c = parse_assignment(P);
	P->depth--;
	return n;
}

static bool is_assign_op(unsigned type)
{
	switch (type) {
	case JSL_T_ASSIGN:
	case JSL_T_ADD_ASSIGN:
	case JSL_T_SUB_ASSIGN:
	case JSL_T_MUL_ASSIGN:
	case JSL_T_DIV_ASSIGN:
	case JSL_T_MOD_ASSIGN:
	case JSL_T_POW_ASSIGN:
	case JSL_T_SHL_ASSIGN:
	case JSL_T_SHR_ASSIGN:
	case JSL_T_USHR_ASSIGN:
	case JSL_T_AND_ASSIGN:
	case JSL_T_OR_ASSIGN:
	case JSL_T_XOR_ASSIGN:
		return true;
	default:
		return false;
	}
}

/* assignment := conditional (assign_op assignment)? */
static struct jsl_node *parse_assignment(struct parser *P)
{
	struct jsl_node *e, *n;
	struct jsl_token *t;

	enter(P);
	e = parse_conditional(P);
	t = tok(P);
	if (is_assign_op(t->type)) {
		check_target(P, e, t);
		n = new_node(P, JSL_N_ASSIGN, t->line, t->col);
		n->op = t->type;
		n->a = e;
		next(P);
		n->b = parse_assignment(P);
		e = n;
	}
	P->depth--;
	return e;
}

/* expression := assignment (',' assignment)* */
static struct jsl_node *parse_expression(struct parser *P)
{
	struct jsl_node *e = parse_assignment(P);
	int chain = 0;

	while (at(P, JSL_T_COMMA)) {
		struct jsl_node *n = new_node(P, JSL_N_SEQ, tok(P)->line, tok(P)->col);

		next(P);
		enter(P);
		chain++;
		n->a = e;
		n->b = parse_assignment(P);
		e = n;
	}
	P->depth -= chain;
	return e;
}

/* ---- statements ------------------------------------------------------------------ */

/* block := '{' statement* '}' ; the '{' is the current token */
static struct jsl_node *parse_block(struct parser *P)
{
	struct jsl_node *b = new_node(P, JSL_N_BLOCK, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &b->list;
	uint32_t line = tok(P)->line, col = tok(P)->col;

	next(P);
	while (!at(P, JSL_T_RBRACE)) {
		if (at(P, JSL_T_EOF))
			jsl_error_at(P->C, line, col, "'{' is never closed (expected '}')");
		*tail = parse_statement(P, false);
		tail = &(*tail)->next;
	}
	next(P);
	return b;
}

/* declaration := ('let' | 'const') IDENT ('=' assignment)? (',' IDENT ('=' assignment)?)* */
static struct jsl_node *parse_declaration(struct parser *P)
{
	struct jsl_node *n = new_node(P, JSL_N_LET, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &n->list;
	bool is_const = at(P, JSL_T_CONST);

	n->flag = is_const ? JSL_NF_CONST : 0;
	next(P);
	do {
		struct jsl_token *t = tok(P);
		struct jsl_node *d;

		if (!at(P, JSL_T_IDENT)) {
			if (at(P, JSL_T_LBRACE) || at(P, JSL_T_LBRACK))
				jsl_error_at(P->C, t->line, t->col,
					     "destructuring is not supported in JSLite yet");
			error_here(P, is_const ? "a variable name after 'const'"
					       : "a variable name after 'let'");
		}
		d = new_node(P, JSL_N_DECL, t->line, t->col);
		d->s = t->str;
		d->len = t->slen;
		next(P);
		if (accept(P, JSL_T_ASSIGN))
			d->a = parse_assignment(P);
		else if (is_const)
			jsl_error_at(P->C, d->line, d->col,
				     "missing initializer in const declaration");
		*tail = d;
		tail = &d->next;
	} while (accept(P, JSL_T_COMMA));
	return n;
}

/* function := 'function' IDENT '(' (IDENT (',' IDENT)*)? ')' block */
static struct jsl_node *parse_function(struct parser *P)
{
	struct jsl_node *f = new_node(P, JSL_N_FUNC, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &f->list;
	int loops = P->loops;

	next(P);
	if (!at(P, JSL_T_IDENT))
		error_here(P, "a function name after 'function'");
	f->s = tok(P)->str;
	f->len = tok(P)->slen;
	next(P);
	expect(P, JSL_T_LPAREN, "after the function name");
	while (!at(P, JSL_T_RPAREN)) {
		struct jsl_token *t = tok(P);
		struct jsl_node *p;

		if (!at(P, JSL_T_IDENT)) {
			if (at(P, JSL_T_ELLIPSIS) || at(P, JSL_T_LBRACE) || at(P, JSL_T_LBRACK))
				jsl_error_at(P->C, t->line, t->col,
					     "only plain parameter names are supported in JSLite");
			error_here(P, "a parameter name");
		}
		for (p = f->list; p; p = p->next)
			if (p->len == t->slen && !memcmp(p->s, t->str, p->len))
				jsl_error_at(P->C, t->line, t->col, "duplicate parameter name '%s'",
					     t->str);
		p = new_node(P, JSL_N_IDENT, t->line, t->col);
		p->s = t->str;
		p->len = t->slen;
		*tail = p;
		tail = &p->next;
		if (++f->n > 200)
			jsl_error_at(P->C, t->line, t->col, "more than 200 parameters");
		next(P);
		if (at(P, JSL_T_ASSIGN))
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "default parameter values are not supported in JSLite yet");
		if (!accept(P, JSL_T_COMMA))
			break;
	}
	expect(P, JSL_T_RPAREN, "after the parameters");
	if (!at(P, JSL_T_LBRACE))
		error_here(P, "'{' before the function body");
	P->in_func = true;
	P->loops = 0;
	f->b = parse_block(P);
	P->in_func = false;
	P->loops = loops;
	return f;
}

static struct jsl_node *parse_loop_body(struct parser *P)
{
	struct jsl_node *b;

	P->loops++;
	b = parse_statement(P, true);
	P->loops--;
	return b;
}

/*
 * statement := block | declaration terminator | function | if | while | do_while
 *            | for | 'break' terminator | 'continue' terminator
 *            | 'return' expression? terminator | ';' | expression terminator
 * single: the statement is the body of an if/while/for, where declarations are not allowed.
 */
static struct jsl_node *parse_statement(struct parser *P, bool single)
{
	struct jsl_token *t = tok(P);
	uint32_t line = t->line, col = t->col;
	struct jsl_node *n;

	enter(P);
	switch (t->type) {
	case JSL_T_LBRACE:
		n = parse_block(P);
		break;
	case JSL_T_LET:
	case JSL_T_CONST:
		if (single)
			jsl_error_at(
			    P->C, line, col,
			    "lexical declaration cannot appear in a single-statement context");
		n = parse_declaration(P);
		terminator(P, "the declaration");
		break;
	case JSL_T_FUNCTION:
		if (single || P->in_func || P->depth > 1)
			jsl_error_at(P->C, line, col,
				     "function declarations are only supported at the top level of "
				     "the program in JSLite (no closures yet)");
		n = parse_function(P);
		break;
	/* if := 'if' '(' expression ')' statement ('else' statement)? */
	case JSL_T_IF:
		n = new_node(P, JSL_N_IF, line, col);
		next(P);
		expect(P, JSL_T_LPAREN, "after 'if'");
		n->a = parse_expression(P);
		expect(P, JSL_T_RPAREN, "after the if condition");
		n->b = parse_statement(P, true);
		if (accept(P, JSL_T_ELSE))
			n->c = parse_statement(P, true);
		break;
	/* while := 'while' '(' expression ')' statement */
	case JSL_T_WHILE:
		n = new_node(P, JSL_N_WHILE, line, col);
		next(P);
		expect(P, JSL_T_LPAREN, "after 'while'");
		n->a = parse_expression(P);
		expect(P, JSL_T_RPAREN, "after the while condition");
		n->b = parse_loop_body(P);
		break;
	/* do_while := 'do' statement 'while' '(' expression ')' ';'? */
	case JSL_T_DO:
		n = new_node(P, JSL_N_DOWHILE, line, col);
		next(P);
		n->b = parse_loop_body(P);
		expect(P, JSL_T_WHILE, "after the body of 'do'");
		expect(P, JSL_T_LPAREN, "after 'while'");
		n->a = parse_expression(P);
		expect(P, JSL_T_RPAREN, "after the while condition");
		accept(P, JSL_T_SEMI);
		break;
	/* for := 'for' '(' (declaration | expression)? ';' expression? ';' expression? ')'
	 * statement */
	case JSL_T_FOR:
		n = new_node(P, JSL_N_FOR, line, col);
		next(P);
		expect(P, JSL_T_LPAREN, "after 'for'");
		if (at(P, JSL_T_LET) || at(P, JSL_T_CONST)) {
			n->a = parse_declaration(P);
		} else if (!at(P, JSL_T_SEMI)) {
			n->a = new_node(P, JSL_N_EXPR, tok(P)->line, tok(P)->col);
			n->a->a = parse_expression(P);
		}
		if (at(P, JSL_T_RESERVED) && !strcmp(tok(P)->str, "in"))
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "for-in loops are not supported in JSLite yet");
		if (at(P, JSL_T_IDENT) && !strcmp(tok(P)->str, "of"))
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "for-of loops are not supported in JSLite yet");
		expect(P, JSL_T_SEMI, "after the for initialiser");
		if (!at(P, JSL_T_SEMI))
			n->b = parse_expression(P);
		expect(P, JSL_T_SEMI, "after the for condition");
		if (!at(P, JSL_T_RPAREN))
			n->c = parse_expression(P);
		expect(P, JSL_T_RPAREN, "after the for clauses");
		n->d = parse_loop_body(P);
		break;
	case JSL_T_BREAK:
	case JSL_T_CONTINUE:
		n = new_node(P, t->type == JSL_T_BREAK ? JSL_N_BREAK : JSL_N_CONTINUE, line, col);
		if (!P->loops)
			jsl_error_at(P->C, line, col, "'%s' outside of a loop",
				     jsl_tok_text[t->type]);
		next(P);
		if (at(P, JSL_T_IDENT) && !tok(P)->nl_before)
			jsl_error_at(P->C, tok(P)->line, tok(P)->col,
				     "labels are not supported in JSLite yet");
		terminator(P, n->kind == JSL_N_BREAK ? "'break'" : "'continue'");
		break;
	case JSL_T_RETURN:
		n = new_node(P, JSL_N_RETURN, line, col);
		if (!P->in_func)
			jsl_error_at(P->C, line, col, "'return' outside of a function");
		next(P);
		if (!at(P, JSL_T_SEMI) && !at(P, JSL_T_RBRACE) && !at(P, JSL_T_EOF) &&
		    !tok(P)->nl_before)
			n->a = parse_expression(P);
		terminator(P, "the return statement");
		break;
	case JSL_T_SEMI:
		n = new_node(P, JSL_N_EMPTY, line, col);
		next(P);
		break;
	case JSL_T_ELSE:
		jsl_error_at(P->C, line, col, "'else' without a matching 'if'");
	default:
		unsupported_token(P);
		n = new_node(P, JSL_N_EXPR, line, col);
		n->a = parse_expression(P);
		terminator(P, "the expression");
		break;
	}
	P->depth--;
	return n;
}

/* program := qos? statement* EOF */
void jsl_parse_program(struct jsl_cc *C)
{
	struct parser P = {.C = C};
	struct jsl_node **tail;

	jsl_lex_init(C);
	if (at(&P, JSL_T_ATQOS))
		parse_qos(&P);
	C->prog = new_node(&P, JSL_N_BLOCK, 1, 1);
	tail = &C->prog->list;
	while (!at(&P, JSL_T_EOF)) {
		*tail = parse_statement(&P, false);
		tail = &(*tail)->next;
	}
}

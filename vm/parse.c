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
	int breakable; /* enclosing loops and switches */
	bool no_in;    /* for (x in ...): 'in' ends the initialiser */
	bool in_func; /* inside a function body */
	bool in_method;	     /* inside a method of an object literal: 'this' is its receiver */
	bool next_is_method; /* the function expression about to be parsed is a property's value */
	int depth;
};

static struct jsl_node *parse_statement(struct parser *P, bool single);
static struct jsl_node *parse_expression(struct parser *P);
static struct jsl_node *parse_assignment(struct parser *P);
static struct jsl_node *parse_function(struct parser *P, bool expr);
static struct jsl_node *parse_block(struct parser *P);
static struct jsl_node *parse_arrow_rest(struct parser *P, struct jsl_node *params,
					 uint32_t line, uint32_t col);
static void to_pattern(struct parser *P, struct jsl_node *e);
static struct jsl_node *parse_params(struct parser *P, struct jsl_node *f);
static struct jsl_node *parse_body(struct parser *P);
static void check_target(struct parser *P, struct jsl_node *e, const struct jsl_token *op);

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
		if (!strcmp(t->str, "this"))
			jsl_error_at(P->C, t->line, t->col,
				     "'this' outside a method is not supported in JSLite (only a method "
				     "of an object literal, called as obj.m(), sees its object)");
		if (!strcmp(t->str, "class") || !strcmp(t->str, "extends") ||
		    !strcmp(t->str, "super"))
			jsl_error_at(P->C, t->line, t->col,
				     "classes ('%s') are not supported in JSLite", t->str);
		if (!strcmp(t->str, "async") || !strcmp(t->str, "await"))
			jsl_error_at(P->C, t->line, t->col,
				     "async functions ('%s') are not supported in JSLite", t->str);
		if (!strcmp(t->str, "yield"))
			jsl_error_at(P->C, t->line, t->col,
				     "generators ('yield') are not supported in JSLite");
		jsl_error_at(P->C, t->line, t->col, "'%s' is not supported in JSLite", t->str);
	case JSL_T_SLASH:
	case JSL_T_DIV_ASSIGN:
		jsl_error_at(P->C, t->line, t->col,
			     "regular expressions are not supported in JSLite");
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
		if (at(P, JSL_T_ELLIPSIS)) {
			struct jsl_node *sp = new_node(P, JSL_N_SPREAD, tok(P)->line, tok(P)->col);

			next(P);
			sp->a = parse_assignment(P);
			call->flag |= JSL_NF_COMPUTED; /* has a spread */
			*tail = sp;
		} else {
			*tail = parse_assignment(P);
		}
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

/* array := '[' (('...'? assignment)? ',')* ('...'? assignment)? ']' ; '[' current */
static struct jsl_node *parse_array(struct parser *P)
{
	struct jsl_node *n = new_node(P, JSL_N_ARRAY, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &n->list;

	next(P);
	while (!at(P, JSL_T_RBRACK)) {
		struct jsl_node *e;

		if (at(P, JSL_T_COMMA)) {
			/* a hole: only a destructuring pattern may have one */
			e = new_node(P, JSL_N_EMPTY, tok(P)->line, tok(P)->col);
			next(P);
			*tail = e;
			tail = &e->next;
			n->n++;
			continue;
		}
		if (at(P, JSL_T_ELLIPSIS)) {
			e = new_node(P, JSL_N_SPREAD, tok(P)->line, tok(P)->col);
			next(P);
			e->a = parse_assignment(P);
		} else {
			e = parse_assignment(P);
		}
		*tail = e;
		tail = &e->next;
		n->n++;
		if (!accept(P, JSL_T_COMMA))
			break;
	}
	expect(P, JSL_T_RBRACK, "after the array elements");
	return n;
}

static bool is_name_token(const struct jsl_token *t)
{
	return t->type == JSL_T_IDENT || (t->type >= JSL_T_LET && t->type <= JSL_T_RESERVED);
}

/*
 * object := '{' (prop (',' prop)* ','?)? '}'
 * prop := '...' assignment | key ':' assignment | IDENT ('=' assignment)? | key params block
 * key := IDENT | STR | NUM | '[' assignment ']'
 */
static struct jsl_node *parse_object(struct parser *P)
{
	struct jsl_node *n = new_node(P, JSL_N_OBJECT, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &n->list;

	next(P);
	while (!at(P, JSL_T_RBRACE)) {
		struct jsl_token *t = tok(P);
		struct jsl_node *pr, *key;

		if (at(P, JSL_T_ELLIPSIS)) {
			pr = new_node(P, JSL_N_SPREAD, t->line, t->col);
			next(P);
			pr->a = parse_assignment(P);
			goto add;
		}
		if (at(P, JSL_T_STAR))
			jsl_error_at(P->C, t->line, t->col,
				     "generators ('function*') are not supported in JSLite");
		if (t->type == JSL_T_IDENT && !strcmp(t->str, "__proto__"))
			jsl_error_at(P->C, t->line, t->col, "'__proto__' is not supported in JSLite");
		pr = new_node(P, JSL_N_PROP, t->line, t->col);
		if (at(P, JSL_T_LBRACK)) {
			next(P);
			key = parse_assignment(P);
			expect(P, JSL_T_RBRACK, "after the computed key");
			pr->flag |= JSL_NF_COMPUTED;
		} else if (at(P, JSL_T_STR) || is_name_token(t)) {
			if (t->type == JSL_T_IDENT && (!strcmp(t->str, "get") || !strcmp(t->str, "set"))) {
				/* `get x() {}` is a getter: outside the subset */
				struct jsl_cc *C = P->C;
				size_t k = C->pos;

				while (k < C->len && (C->src[k] == ' ' || C->src[k] == '\t'))
					k++;
				if (k < C->len && (C->src[k] == '_' || C->src[k] == '$' ||
						   ((C->src[k] | 0x20) >= 'a' && (C->src[k] | 0x20) <= 'z')))
					jsl_error_at(P->C, t->line, t->col,
						     "getters and setters are not supported in JSLite");
			}
			key = new_node(P, JSL_N_STR, t->line, t->col);
			key->s = t->str;
			key->len = t->slen;
			if (t->type == JSL_T_IDENT && !at(P, JSL_T_STR))
				key->flag |= JSL_NF_SHORTHAND; /* may be shorthand */
			next(P);
		} else if (at(P, JSL_T_NUM)) {
			key = new_node(P, JSL_N_NUM, t->line, t->col);
			key->num = t->num;
			next(P);
		} else {
			error_here(P, "a property name");
		}
		pr->a = key;
		if (accept(P, JSL_T_COLON)) {
			/* m: function () {} is a method too */
			P->next_is_method = at(P, JSL_T_FUNCTION);
			pr->b = parse_assignment(P);
			P->next_is_method = false;
		} else if (at(P, JSL_T_LPAREN)) {
			/* method shorthand: m(params) { body } */
			struct jsl_node *f = new_node(P, JSL_N_FUNC, tok(P)->line, tok(P)->col);

			bool in_method = P->in_method;

			f->flag = JSL_NF_EXPR | JSL_NF_RECV;
			if (key->kind == JSL_N_STR) {
				f->s = key->s;
				f->len = key->len;
			}
			P->in_method = true;
			parse_params(P, f);
			if (!at(P, JSL_T_LBRACE))
				error_here(P, "'{' before the method body");
			f->b = parse_body(P);
			P->in_method = in_method;
			pr->b = f;
			pr->flag |= JSL_NF_METHOD;
		} else if (key->kind == JSL_N_STR && (key->flag & JSL_NF_SHORTHAND)) {
			struct jsl_node *id = new_node(P, JSL_N_IDENT, key->line, key->col);

			id->s = key->s;
			id->len = key->len;
			pr->flag |= JSL_NF_SHORTHAND;
			if (at(P, JSL_T_ASSIGN)) {
				/* {a = 1}: only valid as a pattern */
				struct jsl_node *as = new_node(P, JSL_N_ASSIGN, tok(P)->line, tok(P)->col);

				as->op = JSL_T_ASSIGN;
				next(P);
				as->a = id;
				as->b = parse_assignment(P);
				pr->b = as;
				pr->op = 1; /* needs to become a pattern */
			} else {
				pr->b = id;
			}
		} else {
			error_here(P, "':' after the property name");
		}
add:
		*tail = pr;
		tail = &pr->next;
		if (!accept(P, JSL_T_COMMA))
			break;
	}
	expect(P, JSL_T_RBRACE, "after the object properties");
	return n;
}

/* template := '`' (chars '${' expression '}')* chars '`' ; the '`' is current */
static struct jsl_node *parse_template(struct parser *P)
{
	struct jsl_node *n = new_node(P, JSL_N_TEMPLATE, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &n->list;

	for (;;) {
		struct jsl_token part;
		struct jsl_node *sn;
		bool ended = false;

		jsl_lex_template(P->C, &part, &ended, n->line, n->col);
		sn = new_node(P, JSL_N_STR, part.line, part.col);
		sn->s = part.str;
		sn->len = part.slen;
		*tail = sn;
		tail = &sn->next;
		next(P);
		if (ended)
			break;
		*tail = parse_expression(P);
		tail = &(*tail)->next;
		if (!at(P, JSL_T_RBRACE))
			error_here(P, "'}' after the template substitution");
	}
	return n;
}

/* Is the '(' at the current token the start of an arrow function's parameters? */
static bool paren_is_arrow(struct parser *P)
{
	struct jsl_cc *C = P->C;
	size_t k = C->pos;
	int depth = 1;

	/* scan to the matching ')' (strings and templates skipped), then look for '=>' */
	while (k < C->len && depth) {
		char c = C->src[k];

		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}')
			depth--;
		else if (c == '"' || c == '\'' || c == '`') {
			k++;
			while (k < C->len && C->src[k] != c) {
				if (C->src[k] == '\\')
					k++;
				k++;
			}
		} else if (c == '/' && k + 1 < C->len && C->src[k + 1] == '/') {
			while (k < C->len && C->src[k] != '\n')
				k++;
			continue;
		}
		k++;
	}
	while (k < C->len && (C->src[k] == ' ' || C->src[k] == '\t' || C->src[k] == '\r'))
		k++;
	return k + 1 < C->len && C->src[k] == '=' && C->src[k + 1] == '>';
}

/* params := '(' (param (',' param)*)? ')' ; param := '...'? target ('=' assignment)? */
static struct jsl_node *parse_params(struct parser *P, struct jsl_node *f)
{
	struct jsl_node **tail = &f->list;

	expect(P, JSL_T_LPAREN, "before the parameters");
	while (!at(P, JSL_T_RPAREN)) {
		struct jsl_token *t = tok(P);
		struct jsl_node *p, *target;
		bool rest = accept(P, JSL_T_ELLIPSIS);

		t = tok(P);
		if (at(P, JSL_T_IDENT)) {
			target = new_node(P, JSL_N_IDENT, t->line, t->col);
			target->s = t->str;
			target->len = t->slen;
			for (p = f->list; p; p = p->next)
				if (p->kind == JSL_N_IDENT && p->len == t->slen &&
				    !memcmp(p->s, t->str, p->len))
					jsl_error_at(P->C, t->line, t->col,
						     "duplicate parameter name '%s'", t->str);
			next(P);
		} else if (at(P, JSL_T_LBRACE) || at(P, JSL_T_LBRACK)) {
			target = at(P, JSL_T_LBRACE) ? parse_object(P) : parse_array(P);
			to_pattern(P, target);
		} else {
			error_here(P, "a parameter name");
		}
		if (rest || at(P, JSL_T_ASSIGN) || target->kind != JSL_N_IDENT) {
			p = new_node(P, JSL_N_PARAM, t->line, t->col);
			p->a = target;
			if (rest)
				p->flag |= JSL_NF_COMPUTED; /* rest */
			else if (accept(P, JSL_T_ASSIGN))
				p->b = parse_assignment(P);
		} else {
			p = target;
		}
		*tail = p;
		tail = &p->next;
		if (++f->n > 200)
			jsl_error_at(P->C, t->line, t->col, "more than 200 parameters");
		if (rest) {
			if (!at(P, JSL_T_RPAREN))
				error_here(P, "')' after the rest parameter");
			break;
		}
		if (!accept(P, JSL_T_COMMA))
			break;
	}
	expect(P, JSL_T_RPAREN, "after the parameters");
	return f;
}

/* The body of a function or arrow (block), parsed with the function's own loop state. */
static struct jsl_node *parse_body(struct parser *P)
{
	int loops = P->loops, brk = P->breakable;
	bool in_func = P->in_func;
	struct jsl_node *b;

	P->in_func = true;
	P->loops = 0;
	P->breakable = 0;
	b = parse_block(P);
	P->in_func = in_func;
	P->loops = loops;
	P->breakable = brk;
	return b;
}

/* arrow := params '=>' (block | assignment) ; params parsed */
static struct jsl_node *parse_arrow_rest(struct parser *P, struct jsl_node *f, uint32_t line,
					 uint32_t col)
{
	(void)line;
	(void)col;
	if (tok(P)->nl_before)
		error_here(P, "'=>' on the same line as the parameters");
	expect(P, JSL_T_ARROW, "after the arrow function's parameters");
	f->flag |= JSL_NF_EXPR | JSL_NF_COMPUTED;
	if (at(P, JSL_T_LBRACE)) {
		f->b = parse_body(P);
	} else {
		int loops = P->loops, brk = P->breakable;
		bool in_func = P->in_func;

		P->in_func = true;
		P->loops = 0;
		P->breakable = 0;
		f->b = parse_assignment(P);
		P->in_func = in_func;
		P->loops = loops;
		P->breakable = brk;
		f->flag |= JSL_NF_EXPRBODY;
	}
	return f;
}

/*
 * primary := NUM | STR | IDENT | 'true' | 'false' | 'null' | '(' expression ')'
 *          | array | object | template | function | arrow | 'new' call_member
 */
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
		next(P);
		if (at(P, JSL_T_ARROW) && !tok(P)->nl_before) {
			struct jsl_node *f = new_node(P, JSL_N_FUNC, n->line, n->col);

			f->list = n;
			f->n = 1;
			return parse_arrow_rest(P, f, n->line, n->col);
		}
		return n;
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
		if (paren_is_arrow(P)) {
			struct jsl_node *f = new_node(P, JSL_N_FUNC, t->line, t->col);

			parse_params(P, f);
			return parse_arrow_rest(P, f, f->line, f->col);
		}
		next(P);
		n = parse_expression(P);
		n->flag |= JSL_NF_PAREN;
		expect(P, JSL_T_RPAREN, "after the parenthesised expression");
		return n;
	case JSL_T_FUNCTION:
		return parse_function(P, true);
	case JSL_T_LBRACE:
		return parse_object(P);
	case JSL_T_LBRACK:
		return parse_array(P);
	case JSL_T_BACKTICK:
		return parse_template(P);
	case JSL_T_RESERVED:
		if (!strcmp(t->str, "this") && P->in_method) {
			/* the method's receiver: a hidden local named "this" (compile.c) */
			n = new_node(P, JSL_N_IDENT, t->line, t->col);
			n->s = "this";
			n->len = 4;
			n->flag |= JSL_NF_THIS;
			break;
		}
		unsupported_token(P);
		error_here(P, "an expression");
		break;
	case JSL_T_NEW: {
		struct jsl_node *callee;

		n = new_node(P, JSL_N_NEW, t->line, t->col);
		next(P);
		t = tok(P);
		if (!at(P, JSL_T_IDENT))
			error_here(P, "a constructor name after 'new'");
		callee = new_node(P, JSL_N_IDENT, t->line, t->col);
		callee->s = t->str;
		callee->len = t->slen;
		n->a = callee;
		next(P);
		if (accept(P, JSL_T_LPAREN))
			parse_arguments(P, n);
		return n;
	}
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
	bool opt = false, any_opt = false;

	for (;;) {
		struct jsl_token *t = tok(P);

		if (at(P, JSL_T_OPTCHAIN)) {
			next(P);
			opt = any_opt = true;
			t = tok(P);
			if (!at(P, JSL_T_LPAREN) && !at(P, JSL_T_LBRACK)) {
				/* a?.b */
				if (!is_name_token(t))
					error_here(P, "a property name after '?.'");
				n = new_node(P, JSL_N_MEMBER, t->line, t->col);
				n->a = e;
				n->s = t->str;
				n->len = t->slen;
				n->flag |= JSL_NF_OPT;
				next(P);
				enter(P);
				chain++;
				e = n;
				continue;
			}
		}
		if (at(P, JSL_T_LPAREN) || at(P, JSL_T_DOT) || at(P, JSL_T_LBRACK)) {
			enter(P);
			chain++;
		}
		if (at(P, JSL_T_BACKTICK))
			jsl_error_at(P->C, t->line, t->col,
				     "tagged templates are not supported in JSLite");
		if (at(P, JSL_T_LPAREN)) {
			n = new_node(P, JSL_N_CALL, t->line, t->col);
			n->a = e;
			if (opt)
				n->flag |= JSL_NF_OPT;
			next(P);
			parse_arguments(P, n);
		} else if (at(P, JSL_T_DOT)) {
			next(P);
			t = tok(P);
			if (!is_name_token(t))
				error_here(P, "a property name after '.'");
			if (!strcmp(t->str, "prototype") || !strcmp(t->str, "__proto__"))
				jsl_error_at(P->C, t->line, t->col, "'%s' is not supported in JSLite",
					     t->str);
			n = new_node(P, JSL_N_MEMBER, t->line, t->col);
			n->a = e;
			n->s = t->str;
			n->len = t->slen;
			next(P);
		} else if (at(P, JSL_T_LBRACK)) {
			n = new_node(P, JSL_N_INDEX, t->line, t->col);
			if (opt)
				n->flag |= JSL_NF_OPT;
			next(P);
			n->a = e;
			n->b = parse_expression(P);
			expect(P, JSL_T_RBRACK, "after the index");
		} else {
			P->depth -= chain;
			if (any_opt) {
				n = new_node(P, JSL_N_OPTCHAIN, e->line, e->col);
				n->a = e;
				return n;
			}
			return e;
		}
		opt = false;
		e = n;
	}
}

/* Turn an array/object literal into the pattern it spells (destructuring), or fail. */
static void to_pattern(struct parser *P, struct jsl_node *e)
{
	if (e->kind == JSL_N_ARRAY) {
		for (struct jsl_node *x = e->list; x; x = x->next) {
			struct jsl_node *t = x->kind == JSL_N_SPREAD ? x->a : x;

			if (x->kind == JSL_N_SPREAD && x->next)
				jsl_error_at(P->C, x->line, x->col,
					     "Rest element must be last element");
			if (t->kind == JSL_N_EMPTY)
				continue;
			if (t->kind == JSL_N_ASSIGN && t->op == JSL_T_ASSIGN)
				t = t->a;
			if (t->kind == JSL_N_ARRAY || t->kind == JSL_N_OBJECT)
				to_pattern(P, t);
			else if (t->kind != JSL_N_IDENT && t->kind != JSL_N_MEMBER &&
				 t->kind != JSL_N_INDEX)
				jsl_error_at(P->C, t->line, t->col, "Invalid destructuring assignment target");
		}
		e->flag |= JSL_NF_SHORTHAND; /* a pattern: holes allowed */
		return;
	}
	if (e->kind == JSL_N_OBJECT) {
		for (struct jsl_node *x = e->list; x; x = x->next) {
			struct jsl_node *t = x->kind == JSL_N_SPREAD ? x->a : x->b;

			if (x->kind == JSL_N_PROP && (x->flag & JSL_NF_METHOD))
				jsl_error_at(P->C, x->line, x->col, "Invalid destructuring assignment target");
			if (x->kind == JSL_N_SPREAD && x->next)
				jsl_error_at(P->C, x->line, x->col, "Rest element must be last element");
			x->op = 0;
			if (t->kind == JSL_N_ASSIGN && t->op == JSL_T_ASSIGN)
				t = t->a;
			if (t->kind == JSL_N_ARRAY || t->kind == JSL_N_OBJECT)
				to_pattern(P, t);
			else if (t->kind != JSL_N_IDENT && t->kind != JSL_N_MEMBER &&
				 t->kind != JSL_N_INDEX)
				jsl_error_at(P->C, t->line, t->col, "Invalid destructuring assignment target");
		}
		return;
	}
	jsl_error_at(P->C, e->line, e->col, "Invalid destructuring assignment target");
}

static void check_target(struct parser *P, struct jsl_node *e, const struct jsl_token *op)
{
	if (e->kind == JSL_N_IDENT && !(e->flag & (JSL_NF_PAREN | JSL_NF_THIS)))
		return;
	if ((e->kind == JSL_N_MEMBER || e->kind == JSL_N_INDEX) && !(e->flag & JSL_NF_OPT))
		return;
	if ((e->kind == JSL_N_ARRAY || e->kind == JSL_N_OBJECT) && op->type == JSL_T_ASSIGN &&
	    !(e->flag & JSL_NF_PAREN)) {
		to_pattern(P, e);
		return;
	}
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
	case JSL_T_VOID:
		n = new_node(P, JSL_N_VOID, t->line, t->col);
		next(P);
		enter(P);
		n->a = parse_unary(P);
		P->depth--;
		return n;
	case JSL_T_NOT:
	case JSL_T_MINUS:
	case JSL_T_PLUS:
	case JSL_T_TILDE:
	case JSL_T_TYPEOF:
	case JSL_T_DELETE:
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
	case JSL_T_NULLISH:
		return 1;
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
	case JSL_T_IN:
	case JSL_T_INSTANCEOF:
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
		if (op == JSL_T_IN && P->no_in)
			break;
		if ((op == JSL_T_NULLISH && left->kind == JSL_N_LOGICAL &&
		     left->op != JSL_T_NULLISH && !(left->flag & JSL_NF_PAREN)) ||
		    ((op == JSL_T_AND || op == JSL_T_OR) && left->kind == JSL_N_LOGICAL &&
		     left->op == JSL_T_NULLISH && !(left->flag & JSL_NF_PAREN)))
			jsl_error_at(P->C, t->line, t->col,
				     "Unexpected token '%s' (mixing ?? with && or || needs parentheses)",
				     jsl_tok_text[op]);
		n = new_node(P,
			     op == JSL_T_AND || op == JSL_T_OR || op == JSL_T_NULLISH ? JSL_N_LOGICAL
										  : JSL_N_BINARY,
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
	case JSL_T_NULLISH_ASSIGN:
	case JSL_T_LOR_ASSIGN:
	case JSL_T_LAND_ASSIGN:
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

/*
 * declaration := ('let' | 'const' | 'var') binding ('=' assignment)? (',' binding ...)*
 * binding := IDENT | array_pattern | object_pattern
 */
static struct jsl_node *parse_declaration(struct parser *P)
{
	struct jsl_node *n = new_node(P, JSL_N_LET, tok(P)->line, tok(P)->col);
	struct jsl_node **tail = &n->list;
	bool is_const = at(P, JSL_T_CONST);
	const char *kw = at(P, JSL_T_CONST) ? "const" : at(P, JSL_T_VAR) ? "var" : "let";

	n->flag = is_const ? JSL_NF_CONST : at(P, JSL_T_VAR) ? JSL_NF_VAR : 0;
	next(P);
	do {
		struct jsl_token *t = tok(P);
		struct jsl_node *d = new_node(P, JSL_N_DECL, t->line, t->col);

		if (at(P, JSL_T_LBRACE) || at(P, JSL_T_LBRACK)) {
			d->b = at(P, JSL_T_LBRACE) ? parse_object(P) : parse_array(P);
			to_pattern(P, d->b);
		} else if (at(P, JSL_T_IDENT)) {
			d->s = t->str;
			d->len = t->slen;
			next(P);
		} else {
			char what[64];

			snprintf(what, sizeof(what), "a variable name after '%s'", kw);
			error_here(P, what);
		}
		if (accept(P, JSL_T_ASSIGN))
			d->a = parse_assignment(P);
		else if ((is_const || d->b) && !(at(P, JSL_T_IN) || (at(P, JSL_T_IDENT) &&
								     !strcmp(tok(P)->str, "of"))))
			jsl_error_at(P->C, d->line, d->col,
				     d->b ? "Missing initializer in destructuring declaration"
					  : "Missing initializer in const declaration");
		*tail = d;
		tail = &d->next;
	} while (accept(P, JSL_T_COMMA));
	return n;
}

/* function := 'function' IDENT? params block */
static struct jsl_node *parse_function(struct parser *P, bool expr)
{
	struct jsl_node *f = new_node(P, JSL_N_FUNC, tok(P)->line, tok(P)->col);
	bool method = expr && P->next_is_method, in_method = P->in_method;

	P->next_is_method = false;

	next(P);
	if (at(P, JSL_T_STAR))
		jsl_error_at(P->C, tok(P)->line, tok(P)->col,
			     "generators ('function*') are not supported in JSLite");
	if (at(P, JSL_T_IDENT)) {
		f->s = tok(P)->str;
		f->len = tok(P)->slen;
		if (expr)
			f->flag |= JSL_NF_SHORTHAND; /* binds its own name inside */
		next(P);
	} else if (!expr) {
		error_here(P, "a function name after 'function'");
	}
	if (expr)
		f->flag |= JSL_NF_EXPR;
	if (method)
		f->flag |= JSL_NF_RECV;
	P->in_method = method; /* a plain function has no receiver */
	parse_params(P, f);
	if (!at(P, JSL_T_LBRACE))
		error_here(P, "'{' before the function body");
	f->b = parse_body(P);
	P->in_method = in_method;
	return f;
}

static struct jsl_node *parse_loop_body(struct parser *P)
{
	struct jsl_node *b;

	P->loops++;
	P->breakable++;
	b = parse_statement(P, true);
	P->loops--;
	P->breakable--;
	return b;
}

/* switch := 'switch' '(' expression ')' '{' ('case' expression ':' | 'default' ':' | statement)* '}' */
static struct jsl_node *parse_switch(struct parser *P, uint32_t line, uint32_t col)
{
	struct jsl_node *n = new_node(P, JSL_N_SWITCH, line, col);
	struct jsl_node **tail = &n->list, *cur = NULL, **stail = NULL;
	bool has_default = false;

	next(P);
	expect(P, JSL_T_LPAREN, "after 'switch'");
	n->a = parse_expression(P);
	expect(P, JSL_T_RPAREN, "after the switch value");
	expect(P, JSL_T_LBRACE, "before the switch cases");
	P->breakable++;
	while (!at(P, JSL_T_RBRACE)) {
		struct jsl_token *t = tok(P);

		if (at(P, JSL_T_CASE) || at(P, JSL_T_DEFAULT)) {
			cur = new_node(P, JSL_N_CASE, t->line, t->col);
			cur->b = new_node(P, JSL_N_BLOCK, t->line, t->col);
			if (accept(P, JSL_T_CASE)) {
				cur->a = parse_expression(P);
			} else {
				if (has_default)
					jsl_error_at(P->C, t->line, t->col,
						     "More than one default clause in switch statement");
				has_default = true;
				next(P);
			}
			expect(P, JSL_T_COLON, "after the case");
			*tail = cur;
			tail = &cur->next;
			stail = &cur->b->list;
			continue;
		}
		if (at(P, JSL_T_EOF))
			error_here(P, "'}' closing the switch");
		if (!cur)
			error_here(P, "'case' or 'default'");
		*stail = parse_statement(P, false);
		stail = &(*stail)->next;
	}
	next(P);
	P->breakable--;
	return n;
}

/* try := 'try' block ('catch' ('(' binding ')')? block)? ('finally' block)? */
static struct jsl_node *parse_try(struct parser *P, uint32_t line, uint32_t col)
{
	struct jsl_node *n = new_node(P, JSL_N_TRY, line, col);

	next(P);
	if (!at(P, JSL_T_LBRACE))
		error_here(P, "'{' after 'try'");
	n->b = parse_block(P);
	if (accept(P, JSL_T_CATCH)) {
		if (accept(P, JSL_T_LPAREN)) {
			struct jsl_token *t = tok(P);

			if (at(P, JSL_T_IDENT)) {
				n->a = new_node(P, JSL_N_IDENT, t->line, t->col);
				n->a->s = t->str;
				n->a->len = t->slen;
				next(P);
			} else if (at(P, JSL_T_LBRACE) || at(P, JSL_T_LBRACK)) {
				n->a = at(P, JSL_T_LBRACE) ? parse_object(P) : parse_array(P);
				to_pattern(P, n->a);
			} else {
				error_here(P, "a name in 'catch (...)'");
			}
			expect(P, JSL_T_RPAREN, "after the catch parameter");
		}
		if (!at(P, JSL_T_LBRACE))
			error_here(P, "'{' after 'catch'");
		n->c = parse_block(P);
	}
	if (accept(P, JSL_T_FINALLY)) {
		if (!at(P, JSL_T_LBRACE))
			error_here(P, "'{' after 'finally'");
		n->d = parse_block(P);
	}
	if (!n->c && !n->d)
		error_here(P, "'catch' or 'finally' after the try block");
	return n;
}

/*
 * for := 'for' '(' (declaration | expression)? ';' expression? ';' expression? ')' statement
 *      | 'for' '(' (('let' | 'const' | 'var') binding | target) ('in' | 'of') expression ')'
 *        statement
 */
static struct jsl_node *parse_for(struct parser *P, uint32_t line, uint32_t col)
{
	struct jsl_node *n = new_node(P, JSL_N_FOR, line, col), *init = NULL;

	next(P);
	if (at(P, JSL_T_IDENT) && !strcmp(tok(P)->str, "await"))
		jsl_error_at(P->C, tok(P)->line, tok(P)->col,
			     "async iteration ('for await') is not supported in JSLite");
	expect(P, JSL_T_LPAREN, "after 'for'");
	P->no_in = true;
	if (at(P, JSL_T_LET) || at(P, JSL_T_CONST) || at(P, JSL_T_VAR)) {
		init = parse_declaration(P);
	} else if (!at(P, JSL_T_SEMI)) {
		init = new_node(P, JSL_N_EXPR, tok(P)->line, tok(P)->col);
		init->a = parse_expression(P);
	}
	P->no_in = false;
	if (init && (at(P, JSL_T_IN) || (at(P, JSL_T_IDENT) && !strcmp(tok(P)->str, "of")))) {
		bool of = !at(P, JSL_T_IN);

		n->kind = of ? JSL_N_FOROF : JSL_N_FORIN;
		if (init->kind == JSL_N_LET) {
			if (init->list->next || init->list->a)
				jsl_error_at(P->C, init->line, init->col,
					     "for-%s loop variable declaration may not have an "
					     "initializer or more than one binding",
					     of ? "of" : "in");
		} else {
			struct jsl_token op = *tok(P);

			op.type = JSL_T_ASSIGN;
			check_target(P, init->a, &op);
		}
		next(P);
		n->a = init;
		n->b = of ? parse_assignment(P) : parse_expression(P);
		expect(P, JSL_T_RPAREN, "after the for clauses");
		n->d = parse_loop_body(P);
		return n;
	}
	if (init && init->kind == JSL_N_LET) {
		for (struct jsl_node *d = init->list; d; d = d->next)
			if (!d->a && ((init->flag & JSL_NF_CONST) || d->b))
				jsl_error_at(P->C, d->line, d->col,
					     d->b ? "Missing initializer in destructuring declaration"
						  : "Missing initializer in const declaration");
	}
	n->a = init;
	expect(P, JSL_T_SEMI, "after the for initialiser");
	if (!at(P, JSL_T_SEMI))
		n->b = parse_expression(P);
	expect(P, JSL_T_SEMI, "after the for condition");
	if (!at(P, JSL_T_RPAREN))
		n->c = parse_expression(P);
	expect(P, JSL_T_RPAREN, "after the for clauses");
	n->d = parse_loop_body(P);
	return n;
}

/* Is the current IDENT followed by ':' (a label)? */
static bool at_label(struct parser *P)
{
	struct jsl_cc *C = P->C;
	size_t k = C->pos;

	while (k < C->len && (C->src[k] == ' ' || C->src[k] == '\t'))
		k++;
	return k < C->len && C->src[k] == ':';
}

/*
 * statement := block | declaration terminator | function | if | while | do_while
 *            | for | switch | try | 'throw' expression terminator | IDENT ':' statement
 *            | 'break' IDENT? terminator | 'continue' IDENT? terminator
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
	case JSL_T_VAR:
		if (single && t->type != JSL_T_VAR)
			jsl_error_at(
			    P->C, line, col,
			    "lexical declaration cannot appear in a single-statement context");
		n = parse_declaration(P);
		terminator(P, "the declaration");
		break;
	case JSL_T_FUNCTION:
		if (single)
			jsl_error_at(P->C, line, col,
				     "a function declaration cannot be the body of if/while/for in "
				     "JSLite (wrap it in a block)");
		n = parse_function(P, false);
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
	case JSL_T_FOR:
		n = parse_for(P, line, col);
		break;
	case JSL_T_SWITCH:
		n = parse_switch(P, line, col);
		break;
	case JSL_T_TRY:
		n = parse_try(P, line, col);
		break;
	case JSL_T_THROW:
		n = new_node(P, JSL_N_THROW, line, col);
		next(P);
		if (tok(P)->nl_before)
			jsl_error_at(P->C, line, col, "Illegal newline after throw");
		n->a = parse_expression(P);
		terminator(P, "the throw statement");
		break;
	case JSL_T_BREAK:
	case JSL_T_CONTINUE:
		n = new_node(P, t->type == JSL_T_BREAK ? JSL_N_BREAK : JSL_N_CONTINUE, line, col);
		next(P);
		if (at(P, JSL_T_IDENT) && !tok(P)->nl_before) {
			n->s = tok(P)->str;
			n->len = tok(P)->slen;
			next(P);
		} else if (n->kind == JSL_N_BREAK ? !P->breakable : !P->loops) {
			jsl_error_at(P->C, line, col, "'%s' outside of a loop",
				     n->kind == JSL_N_BREAK ? "break" : "continue");
		}
		terminator(P, n->kind == JSL_N_BREAK ? "'break'" : "'continue'");
		break;
	case JSL_T_RETURN:
		n = new_node(P, JSL_N_RETURN, line, col);
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
	case JSL_T_IDENT:
		if (at_label(P)) {
			n = new_node(P, JSL_N_LABEL, line, col);
			n->s = t->str;
			n->len = t->slen;
			next(P);
			next(P);
			P->breakable++;
			n->a = parse_statement(P, true);
			P->breakable--;
			break;
		}
		/* fall through */
	default:
		if (!(P->in_method && t->type == JSL_T_RESERVED && !strcmp(t->str, "this")))
			unsupported_token(P);
		n = new_node(P, JSL_N_EXPR, line, col);
		n->a = parse_expression(P);
		terminator(P, "the expression");
		break;
	}
	P->depth--;
	return n;
}

/* program := qos? statement* EOF  (see jsl_ast.h: one statement per call) */
void jsl_parse_begin(struct jsl_cc *C)
{
	struct parser P = {.C = C};

	C->nqos = 0;
	jsl_lex_init(C);
	if (at(&P, JSL_T_ATQOS))
		parse_qos(&P);
}

struct jsl_node *jsl_parse_next(struct jsl_cc *C)
{
	/* Between top-level statements the parser has no state of its own. */
	struct parser P = {.C = C};

	if (at(&P, JSL_T_EOF))
		return NULL;
	return parse_statement(&P, false);
}

void jsl_parse_release(struct jsl_cc *C)
{
	struct jsl_token *t = &C->tok;
	char small[64], *save = small;

	/* The lookahead token's decoded text lives in the arena: carry it over. */
	if (t->str) {
		if (t->slen >= sizeof(small)) {
			save = malloc((size_t)t->slen + 1);
			if (!save)
				jsl_nomem(C);
		}
		memcpy(save, t->str, (size_t)t->slen + 1);
	}
	jsl_arena_reset(C);
	if (t->str) {
		t->str = jsl_alloc(C, (size_t)t->slen + 1);
		memcpy(t->str, save, (size_t)t->slen + 1);
		if (save != small)
			free(save);
	}
}

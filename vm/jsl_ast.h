/* SPDX-License-Identifier: MIT */
/*
 * The JSLite front end: tokens (lex.c), the syntax tree (parse.c) and the
 * compile context they share with the code generator (compile.c). Private
 * to vm/.
 *
 * Memory: every token string and tree node comes from the context's arena,
 * which the compiler resets after each top-level statement
 * (jsl_parse_release), so that compile memory follows the largest statement,
 * not the whole source; what must outlive a statement (names of top-level
 * bindings, string constants, function names) is copied into the keep arena
 * (jsl_keep), which lives as long as the context. Errors unwind with longjmp
 * to jsl_compile, which frees both arenas and the code generator's buffers
 * (all reachable from the context).
 */
#ifndef TL_VM_JSL_AST_H
#define TL_VM_JSL_AST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/jsl_int.h"

/* Tokens: id, the text used in messages. Keywords follow T_KW_FIRST. */
#define JSL_TOKENS(T)                                                                              \
	T(EOF, "end of input")                                                                     \
	T(NUM, "number")                                                                           \
	T(STR, "string")                                                                           \
	T(IDENT, "identifier")                                                                     \
	T(ATQOS, "@QOS")                                                                           \
	T(LET, "let")                                                                              \
	T(CONST, "const")                                                                          \
	T(IF, "if")                                                                                \
	T(ELSE, "else")                                                                            \
	T(WHILE, "while")                                                                          \
	T(DO, "do")                                                                                \
	T(FOR, "for")                                                                              \
	T(BREAK, "break")                                                                          \
	T(CONTINUE, "continue")                                                                    \
	T(FUNCTION, "function")                                                                    \
	T(RETURN, "return")                                                                        \
	T(TRUE, "true")                                                                            \
	T(FALSE, "false")                                                                          \
	T(NULL, "null")                                                                            \
	T(TYPEOF, "typeof")                                                                        \
	T(VAR, "var")                                                                              \
	T(NEW, "new")                                                                              \
	T(SWITCH, "switch")                                                                        \
	T(CASE, "case")                                                                            \
	T(DEFAULT, "default")                                                                      \
	T(TRY, "try")                                                                              \
	T(CATCH, "catch")                                                                          \
	T(FINALLY, "finally")                                                                      \
	T(THROW, "throw")                                                                          \
	T(DELETE, "delete")                                                                        \
	T(IN, "in")                                                                                \
	T(INSTANCEOF, "instanceof")                                                                \
	T(VOID, "void")                                                                            \
	T(RESERVED, "reserved word")                                                               \
	T(LBRACE, "{")                                                                             \
	T(RBRACE, "}")                                                                             \
	T(LPAREN, "(")                                                                             \
	T(RPAREN, ")")                                                                             \
	T(LBRACK, "[")                                                                             \
	T(RBRACK, "]")                                                                             \
	T(SEMI, ";")                                                                               \
	T(COMMA, ",")                                                                              \
	T(DOT, ".")                                                                                \
	T(QUESTION, "?")                                                                           \
	T(COLON, ":")                                                                              \
	T(TILDE, "~")                                                                              \
	T(NOT, "!")                                                                                \
	T(NE, "!=")                                                                                \
	T(SNE, "!==")                                                                              \
	T(ASSIGN, "=")                                                                             \
	T(EQ, "==")                                                                                \
	T(SEQ, "===")                                                                              \
	T(ARROW, "=>")                                                                             \
	T(LT, "<")                                                                                 \
	T(LE, "<=")                                                                                \
	T(SHL, "<<")                                                                               \
	T(SHL_ASSIGN, "<<=")                                                                       \
	T(GT, ">")                                                                                 \
	T(GE, ">=")                                                                                \
	T(SHR, ">>")                                                                               \
	T(SHR_ASSIGN, ">>=")                                                                       \
	T(USHR, ">>>")                                                                             \
	T(USHR_ASSIGN, ">>>=")                                                                     \
	T(PLUS, "+")                                                                               \
	T(INC, "++")                                                                               \
	T(ADD_ASSIGN, "+=")                                                                        \
	T(MINUS, "-")                                                                              \
	T(DEC, "--")                                                                               \
	T(SUB_ASSIGN, "-=")                                                                        \
	T(STAR, "*")                                                                               \
	T(POW, "**")                                                                               \
	T(MUL_ASSIGN, "*=")                                                                        \
	T(POW_ASSIGN, "**=")                                                                       \
	T(SLASH, "/")                                                                              \
	T(DIV_ASSIGN, "/=")                                                                        \
	T(PERCENT, "%")                                                                            \
	T(MOD_ASSIGN, "%=")                                                                        \
	T(AMP, "&")                                                                                \
	T(AND, "&&")                                                                               \
	T(AND_ASSIGN, "&=")                                                                        \
	T(PIPE, "|")                                                                               \
	T(OR, "||")                                                                                \
	T(OR_ASSIGN, "|=")                                                                         \
	T(CARET, "^")                                                                              \
	T(XOR_ASSIGN, "^=")                                                                        \
	T(NULLISH, "??")                                                                           \
	T(OPTCHAIN, "?.")                                                                          \
	T(ELLIPSIS, "...")                                                                         \
	T(BACKTICK, "`")                                                                           \
	T(NULLISH_ASSIGN, "?\?=")                                                                  \
	T(LOR_ASSIGN, "||=")                                                                       \
	T(LAND_ASSIGN, "&&=")

enum jsl_tok {
#define T(id, text) JSL_T_##id,
	JSL_TOKENS(T)
#undef T
	    JSL_T_COUNT
};

extern const char *const jsl_tok_text[JSL_T_COUNT];

struct jsl_token {
	uint8_t type;	/* enum jsl_tok */
	bool nl_before; /* a line break between the previous token and this one */
	uint32_t line, col;
	uint32_t off, len; /* the source text of the token */
	double num;	   /* NUM */
	char *str; /* STR: the decoded bytes (arena, NUL-terminated); IDENT/RESERVED: the name */
	uint32_t slen;
};

/* Syntax tree. One node type; which fields matter depends on kind. */
enum jsl_node_kind {
	/* expressions */
	JSL_N_NUM = 1, /* num */
	JSL_N_STR,     /* s, len */
	JSL_N_TRUE,
	JSL_N_FALSE,
	JSL_N_NULL,
	JSL_N_IDENT,   /* s, len */
	JSL_N_UNARY,   /* op (token) a */
	JSL_N_BINARY,  /* op a b */
	JSL_N_LOGICAL, /* op (AND/OR) a b */
	JSL_N_COND,    /* a ? b : c */
	JSL_N_ASSIGN,  /* op (ASSIGN or X_ASSIGN) a (target) b */
	JSL_N_UPDATE,  /* op (INC/DEC) a, flag: prefix */
	JSL_N_CALL,    /* a (callee) list (args) n */
	JSL_N_MEMBER,  /* a . s/len */
	JSL_N_INDEX,   /* a [ b ] */
	JSL_N_SEQ,     /* a , b */
	/* statements */
	JSL_N_LET,     /* flag: const; list of DECL */
	JSL_N_DECL,    /* s/len name (or b a pattern, s NULL), a init or NULL */
	JSL_N_EXPR,    /* a */
	JSL_N_IF,      /* a cond, b then, c else */
	JSL_N_WHILE,   /* a cond, b body */
	JSL_N_DOWHILE, /* a cond, b body */
	JSL_N_FOR,     /* a init (LET or EXPR or NULL), b cond, c update, d body */
	JSL_N_BREAK,    /* s/len label or NULL */
	JSL_N_CONTINUE, /* s/len label or NULL */
	JSL_N_RETURN, /* a or NULL */
	JSL_N_BLOCK,  /* list */
	JSL_N_FUNC,   /* s/len name, list (params: IDENT, PARAM), n params, b body (BLOCK or
			 expression for an arrow with flag JSL_NF_EXPRBODY) */
	JSL_N_EMPTY,
	/* added with objects and closures */
	JSL_N_ARRAY,    /* list of elements (SPREAD for ...x); also an array pattern */
	JSL_N_OBJECT,   /* list of PROP / SPREAD; also an object pattern */
	JSL_N_PROP,     /* a key (STR, or an expression with JSL_NF_COMPUTED), b value */
	JSL_N_SPREAD,   /* ...a (also a rest element or parameter) */
	JSL_N_TEMPLATE, /* list of parts: STR and expressions, alternating from a STR */
	JSL_N_NEW,      /* new a(list) */
	JSL_N_OPTCHAIN, /* a: a member/call chain holding ?. (flag JSL_NF_OPT on the links) */
	JSL_N_PARAM,    /* a target (IDENT or pattern), b default or NULL */
	JSL_N_SWITCH,   /* a discriminant, list of CASE */
	JSL_N_CASE,     /* a test or NULL (default), b BLOCK-less list in b->list */
	JSL_N_THROW,    /* a */
	JSL_N_TRY,      /* b try BLOCK, c catch BLOCK or NULL, d finally BLOCK or NULL, a catch
			   parameter (IDENT or pattern) or NULL */
	JSL_N_LABEL,    /* s/len label, a statement */
	JSL_N_FORIN,    /* a binding (LET with one DECL, or a target expression), b object, d body */
	JSL_N_FOROF,    /* as FORIN */
	JSL_N_VOID,     /* void a */
	JSL_N_THIS,
};

#define JSL_NF_PREFIX 1 /* UPDATE: ++x rather than x++ */
#define JSL_NF_CONST  1 /* LET: const */
#define JSL_NF_PAREN  2 /* expression was parenthesised */
#define JSL_NF_VAR    2 /* LET: var */
#define JSL_NF_OPT    4 /* MEMBER/INDEX/CALL: ?. before this link */
#define JSL_NF_COMPUTED 8 /* PROP: [key]; FUNC: arrow */
#define JSL_NF_EXPRBODY 16 /* FUNC: an arrow whose body is an expression */
#define JSL_NF_SHORTHAND 32 /* PROP: {a} or {a = 1} (the latter only as a pattern) */
#define JSL_NF_METHOD 64 /* PROP: m() {} */
#define JSL_NF_RECV   64 /* FUNC: a method of an object literal ('this' is its receiver) */
#define JSL_NF_THIS   64 /* IDENT: 'this' (a method's hidden local "this") */
#define JSL_NF_EXPR   128 /* FUNC: a function expression or arrow (not a declaration) */

struct jsl_node {
	uint8_t kind; /* enum jsl_node_kind */
	uint8_t op;   /* enum jsl_tok */
	uint8_t flag;
	uint32_t line, col;
	struct jsl_node *a, *b, *c, *d;
	struct jsl_node *list; /* first child of a list (linked by next) */
	struct jsl_node *next;
	uint32_t n;
	double num;
	const char *s;
	uint32_t len;
};

struct jsl_arena_blk;

/* The compile context: lexer state, parser results, error exit. */
struct jsl_cc {
	const char *file;
	const char *src;
	size_t len;
	/* lexer */
	size_t pos;
	uint32_t line, col;
	struct jsl_token tok;	      /* current token */
	uint32_t prev_line, prev_col; /* end of the previous token (for "missing ;" messages) */
	/* results */
	struct vm_qos qos[VM_QOS_MAX];
	size_t nqos;
	/* errors */
	char *err;
	size_t errlen;
	int rc; /* -EINVAL (syntax/semantics) or -ENOMEM */
	jmp_buf jb;
	struct jsl_arena_blk *arena; /* this statement's tokens and nodes */
	struct jsl_arena_blk *keep;  /* what lives as long as the context */
	void *cg; /* the code generator's state (compile.c) */
};

/* Report an error at line:col and unwind to jsl_compile. */
__attribute__((noreturn, format(printf, 4, 5))) void
jsl_error_at(struct jsl_cc *C, uint32_t line, uint32_t col, const char *fmt, ...);
__attribute__((noreturn)) void jsl_nomem(struct jsl_cc *C);
void *jsl_alloc(struct jsl_cc *C, size_t n); /* zeroed; never NULL (unwinds) */
void *jsl_keep(struct jsl_cc *C, size_t n);  /* as jsl_alloc, but lives as long as C */
const char *jsl_keep_str(struct jsl_cc *C, const char *s, uint32_t len); /* NUL-terminated copy */
void jsl_arena_reset(struct jsl_cc *C); /* frees what jsl_alloc handed out */
void jsl_arena_free(struct jsl_cc *C);  /* frees both arenas */

void jsl_lex_init(struct jsl_cc *C);
void jsl_lex_next(struct jsl_cc *C);
/*
 * The next part of a template literal from the current position (just
 * after '`' or the '}' closing a substitution) into t (a STR); *ended: the
 * part ended the template ('`') rather than opening a substitution ('${').
 */
void jsl_lex_template(struct jsl_cc *C, struct jsl_token *t, bool *ended, uint32_t line,
		      uint32_t col);
/* Describe the current token for "expected X, got Y" messages into buf. */
const char *jsl_tok_describe(const struct jsl_token *t, char *buf, size_t cap);

/*
 * The program, one top-level statement at a time:
 *   program := qos? statement* EOF
 * jsl_parse_begin puts the lexer at the start of the source and parses the
 * @QOS header into C->qos (C->nqos restarts at 0, so a second pass parses it
 * again); jsl_parse_next returns the next top-level statement (its next is
 * NULL), or NULL at the end of input; jsl_parse_release frees the nodes and
 * token strings of the statements returned so far (jsl_arena_reset), keeping
 * the token the parser looks at next.
 */
void jsl_parse_begin(struct jsl_cc *C);
struct jsl_node *jsl_parse_next(struct jsl_cc *C);
void jsl_parse_release(struct jsl_cc *C);

#endif

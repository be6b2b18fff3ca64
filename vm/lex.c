/* SPDX-License-Identifier: MIT */
/*
 * The JSLite lexer: source bytes to tokens, one token of lookahead.
 *
 * Lines and columns are 1-based; a column counts characters (UTF-8
 * continuation bytes do not advance it). Each token records whether a line
 * break preceded it, which is all the parser needs for JavaScript's
 * automatic semicolon insertion. Regular expression literals and template
 * literals are not part of JSLite.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/jsl_ast.h"

const char *const jsl_tok_text[JSL_T_COUNT] = {
#define T(id, text) [JSL_T_##id] = text,
    JSL_TOKENS(T)
#undef T
};

/* ---- arena and errors ------------------------------------------------------ */

struct jsl_arena_blk {
	struct jsl_arena_blk *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_BLK 32768

/* n zeroed bytes from the arena whose newest block is *head. */
static void *arena_alloc(struct jsl_cc *C, struct jsl_arena_blk **head, size_t n)
{
	struct jsl_arena_blk *b = *head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLK ? n : ARENA_BLK;

		/* malloc, not calloc: zeroing each piece as it is handed out touches
		 * only what a small compile uses (bench/e2e: calloc's fresh pages were
		 * a third of a small Tasklet's compile-and-run time). */
		b = malloc(sizeof(*b) + cap);
		if (!b)
			jsl_nomem(C);
		b->used = 0;
		b->cap = cap;
		b->next = *head;
		*head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return memset(p, 0, n);
}

void *jsl_alloc(struct jsl_cc *C, size_t n)
{
	return arena_alloc(C, &C->arena, n);
}

void *jsl_keep(struct jsl_cc *C, size_t n)
{
	return arena_alloc(C, &C->keep, n);
}

const char *jsl_keep_str(struct jsl_cc *C, const char *s, uint32_t len)
{
	char *p = arena_alloc(C, &C->keep, (size_t)len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

static void blocks_free(struct jsl_arena_blk *b)
{
	while (b) {
		struct jsl_arena_blk *n = b->next;

		free(b);
		b = n;
	}
}

/*
 * Everything jsl_alloc handed out dies; one standard block stays for the
 * next statement, so that compiling statement by statement does not call
 * malloc per statement.
 */
void jsl_arena_reset(struct jsl_cc *C)
{
	struct jsl_arena_blk *b = C->arena, *keep = NULL;

	if (b && b->cap == ARENA_BLK) {
		keep = b;
		b = b->next;
		keep->next = NULL;
		keep->used = 0;
	}
	blocks_free(b);
	C->arena = keep;
}

void jsl_arena_free(struct jsl_cc *C)
{
	blocks_free(C->arena);
	blocks_free(C->keep);
	C->arena = NULL;
	C->keep = NULL;
}

void jsl_error_at(struct jsl_cc *C, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (C->err && C->errlen) {
		n = snprintf(C->err, C->errlen, "%s:%u:%u: ", C->file, line, col);
		if (n >= 0 && (size_t)n < C->errlen) {
			va_start(ap, fmt);
			vsnprintf(C->err + n, C->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	C->rc = -EINVAL;
	longjmp(C->jb, 1);
}

void jsl_nomem(struct jsl_cc *C)
{
	if (C->err && C->errlen)
		snprintf(C->err, C->errlen, "%s: out of memory while compiling", C->file);
	C->rc = -ENOMEM;
	longjmp(C->jb, 1);
}

/* ---- characters ------------------------------------------------------------ */

static int peekc(const struct jsl_cc *C, size_t ahead)
{
	return C->pos + ahead < C->len ? (unsigned char)C->src[C->pos + ahead] : -1;
}

static void advance(struct jsl_cc *C)
{
	unsigned char c = (unsigned char)C->src[C->pos++];

	if (c == '\n') {
		C->line++;
		C->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		C->col++;
	}
}

static bool is_id_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_id_char(int c)
{
	return is_id_start(c) || (c >= '0' && c <= '9');
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void jsl_lex_init(struct jsl_cc *C)
{
	C->pos = 0;
	C->line = 1;
	C->col = 1;
	/* A UTF-8 byte order mark is not part of the program. */
	if (C->len >= 3 && !memcmp(C->src, "\xef\xbb\xbf", 3))
		C->pos = 3;
	jsl_lex_next(C);
}

/* Skip white space and comments; returns whether a line break was crossed. */
static bool skip_space(struct jsl_cc *C)
{
	bool nl = false;

	for (;;) {
		int c = peekc(C, 0);

		if (c == '\n') {
			nl = true;
			advance(C);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
			advance(C);
		} else if (c == '/' && peekc(C, 1) == '/') {
			while (C->pos < C->len && C->src[C->pos] != '\n')
				advance(C);
		} else if (c == '/' && peekc(C, 1) == '*') {
			uint32_t line = C->line, col = C->col;

			advance(C);
			advance(C);
			for (;;) {
				if (C->pos >= C->len)
					jsl_error_at(C, line, col, "unterminated comment");
				if (C->src[C->pos] == '*' && peekc(C, 1) == '/') {
					advance(C);
					advance(C);
					break;
				}
				if (C->src[C->pos] == '\n')
					nl = true;
				advance(C);
			}
		} else if (c == 0xc2 && peekc(C, 1) == 0xa0) { /* U+00A0 no-break space */
			advance(C);
			advance(C);
		} else {
			return nl;
		}
	}
}

/* ---- literals -------------------------------------------------------------- */

static void put_utf8(char *out, uint32_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* \uXXXX or \u{X...}; the backslash and 'u' are consumed. Returns the code unit/point. */
static uint32_t lex_uescape(struct jsl_cc *C, uint32_t line, uint32_t col)
{
	uint32_t v = 0;
	int d, i;

	if (peekc(C, 0) == '{') {
		advance(C);
		for (i = 0; (d = hexval(peekc(C, 0))) >= 0; i++) {
			v = v * 16 + (uint32_t)d;
			if (v > 0x10ffff)
				jsl_error_at(C, line, col,
					     "code point in \\u{...} escape is above 10FFFF");
			advance(C);
		}
		if (!i || peekc(C, 0) != '}')
			jsl_error_at(C, line, col, "invalid Unicode escape sequence");
		advance(C);
		return v;
	}
	for (i = 0; i < 4; i++) {
		d = hexval(peekc(C, 0));
		if (d < 0)
			jsl_error_at(C, line, col, "invalid Unicode escape sequence");
		v = v * 16 + (uint32_t)d;
		advance(C);
	}
	return v;
}

/*
 * The text of a string literal closed by q (the opening quote consumed), or
 * with q == '`' of a template literal's part up to '`' (*ended = true) or
 * '${' (*ended = false).
 */
static void lex_quoted(struct jsl_cc *C, struct jsl_token *t, int q, bool *ended)
{
	size_t start;
	char *out;
	uint32_t n = 0;

	start = C->pos;
	/* The decoded text is never longer than the source text. */
	{
		size_t end = start;

		while (end < C->len && C->src[end] != q && (q == '`' || C->src[end] != '\n') &&
		       !(q == '`' && C->src[end] == '$' && end + 1 < C->len &&
			 C->src[end + 1] == '{')) {
			if (C->src[end] == '\\')
				end++;
			end++;
		}
		if (end - start > VM_STR_MAX)
			jsl_error_at(C, t->line, t->col, "string literal longer than %u bytes",
				     VM_STR_MAX);
		out = jsl_alloc(C, end - start + 8);
	}
	for (;;) {
		int c = peekc(C, 0);
		uint32_t eline = C->line, ecol = C->col;

		if (q == '`') {
			if (c < 0)
				jsl_error_at(C, t->line, t->col, "unterminated template literal");
			if (c == '`' || (c == '$' && peekc(C, 1) == '{')) {
				advance(C);
				if (c == '$')
					advance(C);
				*ended = c == '`';
				break;
			}
			if (c == '\r') { /* CR and CR LF read as LF in templates */
				advance(C);
				if (peekc(C, 0) == '\n')
					advance(C);
				out[n++] = '\n';
				continue;
			}
			if (c == '\n') {
				advance(C);
				out[n++] = '\n';
				continue;
			}
		}
		if (c < 0 || c == '\n' || c == '\r')
			jsl_error_at(C, t->line, t->col, "unterminated string literal");
		if (c == q) {
			advance(C);
			break;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			advance(C);
			continue;
		}
		advance(C);
		c = peekc(C, 0);
		if (c < 0)
			jsl_error_at(C, t->line, t->col, "unterminated string literal");
		advance(C);
		switch (c) {
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'v':
			out[n++] = '\v';
			break;
		case '0':
			if (peekc(C, 0) >= '0' && peekc(C, 0) <= '9')
				jsl_error_at(C, eline, ecol,
					     "octal escape sequences are not allowed");
			out[n++] = '\0';
			break;
		case '\n':
			break; /* line continuation */
		case '\r':
			if (peekc(C, 0) == '\n')
				advance(C);
			break;
		case 'x': {
			int h1 = hexval(peekc(C, 0)), h2 = hexval(peekc(C, 1));

			if (h1 < 0 || h2 < 0)
				jsl_error_at(C, eline, ecol, "invalid hexadecimal escape sequence");
			advance(C);
			advance(C);
			put_utf8(out, &n, (uint32_t)(h1 * 16 + h2));
			break;
		}
		case 'u': {
			uint32_t cp = lex_uescape(C, eline, ecol);

			/* A surrogate pair written as two escapes is one code point. */
			if (cp >= 0xd800 && cp <= 0xdbff && peekc(C, 0) == '\\' &&
			    peekc(C, 1) == 'u') {
				size_t save = C->pos;
				uint32_t sl = C->line, sc = C->col, lo;

				advance(C);
				advance(C);
				lo = lex_uescape(C, eline, ecol);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else {
					C->pos = save;
					C->line = sl;
					C->col = sc;
				}
			}
			put_utf8(out, &n, cp);
			break;
		}
		default:
			if (c >= '1' && c <= '9')
				jsl_error_at(C, eline, ecol,
					     "octal escape sequences are not allowed");
			out[n++] = (char)c; /* \\ \' \" and identity escapes */
			break;
		}
	}
	out[n] = '\0';
	t->type = JSL_T_STR;
	t->str = out;
	t->slen = n;
}

static void lex_string(struct jsl_cc *C, struct jsl_token *t)
{
	int q = peekc(C, 0);
	bool ended;

	advance(C);
	lex_quoted(C, t, q, &ended);
}

void jsl_lex_template(struct jsl_cc *C, struct jsl_token *t, bool *ended, uint32_t line,
		      uint32_t col)
{
	memset(t, 0, sizeof(*t));
	t->line = line;
	t->col = col;
	lex_quoted(C, t, '`', ended);
}

static void lex_number(struct jsl_cc *C, struct jsl_token *t)
{
	size_t start = C->pos;
	int c = peekc(C, 0), base = 0;
	char buf[512];
	double v;

	if (c == '0' && (peekc(C, 1) | 0x20) == 'x')
		base = 16;
	else if (c == '0' && (peekc(C, 1) | 0x20) == 'o')
		base = 8;
	else if (c == '0' && (peekc(C, 1) | 0x20) == 'b')
		base = 2;
	if (base) {
		int d, nd = 0;

		advance(C);
		advance(C);
		v = 0;
		while ((d = hexval(peekc(C, 0))) >= 0 && d < base) {
			v = v * base + d;
			nd++;
			advance(C);
		}
		if (!nd)
			jsl_error_at(C, t->line, t->col, "invalid number literal");
	} else {
		if (c == '0' && peekc(C, 1) >= '0' && peekc(C, 1) <= '9')
			jsl_error_at(C, t->line, t->col,
				     "numbers with a leading zero (legacy octal) are not allowed");
		while (peekc(C, 0) >= '0' && peekc(C, 0) <= '9')
			advance(C);
		if (peekc(C, 0) == '.') {
			advance(C);
			while (peekc(C, 0) >= '0' && peekc(C, 0) <= '9')
				advance(C);
		}
		if ((peekc(C, 0) | 0x20) == 'e') {
			advance(C);
			if (peekc(C, 0) == '+' || peekc(C, 0) == '-')
				advance(C);
			if (!(peekc(C, 0) >= '0' && peekc(C, 0) <= '9'))
				jsl_error_at(C, t->line, t->col, "invalid number literal");
			while (peekc(C, 0) >= '0' && peekc(C, 0) <= '9')
				advance(C);
		}
		if (C->pos - start >= sizeof(buf))
			jsl_error_at(C, t->line, t->col, "number literal too long");
		memcpy(buf, C->src + start, C->pos - start);
		buf[C->pos - start] = '\0';
		v = strtod(buf, NULL);
	}
	if (is_id_char(peekc(C, 0)) || peekc(C, 0) == '_')
		jsl_error_at(C, C->line, C->col,
			     "identifier starts immediately after numeric literal");
	t->type = JSL_T_NUM;
	t->num = v;
}

static const struct {
	const char *word;
	uint8_t tok;
} keywords[] = {
    {"let", JSL_T_LET},
    {"const", JSL_T_CONST},
    {"if", JSL_T_IF},
    {"else", JSL_T_ELSE},
    {"while", JSL_T_WHILE},
    {"do", JSL_T_DO},
    {"for", JSL_T_FOR},
    {"break", JSL_T_BREAK},
    {"continue", JSL_T_CONTINUE},
    {"function", JSL_T_FUNCTION},
    {"return", JSL_T_RETURN},
    {"true", JSL_T_TRUE},
    {"false", JSL_T_FALSE},
    {"null", JSL_T_NULL},
    {"typeof", JSL_T_TYPEOF},
    {"var", JSL_T_VAR},
    {"new", JSL_T_NEW},
    {"switch", JSL_T_SWITCH},
    {"case", JSL_T_CASE},
    {"default", JSL_T_DEFAULT},
    {"try", JSL_T_TRY},
    {"catch", JSL_T_CATCH},
    {"finally", JSL_T_FINALLY},
    {"throw", JSL_T_THROW},
    {"delete", JSL_T_DELETE},
    {"in", JSL_T_IN},
    {"instanceof", JSL_T_INSTANCEOF},
    {"void", JSL_T_VOID},
    /* JavaScript words outside JSLite (compile errors naming them): */
    {"this", JSL_T_RESERVED},
    {"class", JSL_T_RESERVED},
    {"yield", JSL_T_RESERVED},
    {"async", JSL_T_RESERVED},
    {"await", JSL_T_RESERVED},
    {"import", JSL_T_RESERVED},
    {"export", JSL_T_RESERVED},
    {"with", JSL_T_RESERVED},
    {"debugger", JSL_T_RESERVED},
    {"extends", JSL_T_RESERVED},
    {"super", JSL_T_RESERVED},
    {"enum", JSL_T_RESERVED},
};

/* Punctuators, longest first so the first match is the longest one. */
/* Punctuators grouped by their first byte, longest first within a group (the
 * lexer takes the longest that matches). */
static const uint8_t puncts[] = {
    JSL_T_SNE, JSL_T_NE, JSL_T_NOT, JSL_T_MOD_ASSIGN, JSL_T_PERCENT, JSL_T_LAND_ASSIGN,
    JSL_T_AND, JSL_T_AND_ASSIGN, JSL_T_AMP, JSL_T_LPAREN, JSL_T_RPAREN, JSL_T_POW_ASSIGN,
    JSL_T_POW, JSL_T_MUL_ASSIGN, JSL_T_STAR, JSL_T_INC, JSL_T_ADD_ASSIGN, JSL_T_PLUS,
    JSL_T_COMMA, JSL_T_DEC, JSL_T_SUB_ASSIGN, JSL_T_MINUS, JSL_T_ELLIPSIS, JSL_T_DOT,
    JSL_T_DIV_ASSIGN, JSL_T_SLASH, JSL_T_COLON, JSL_T_SEMI, JSL_T_SHL_ASSIGN, JSL_T_LE,
    JSL_T_SHL, JSL_T_LT, JSL_T_SEQ, JSL_T_EQ, JSL_T_ARROW, JSL_T_ASSIGN, JSL_T_USHR_ASSIGN,
    JSL_T_SHR_ASSIGN, JSL_T_USHR, JSL_T_GE, JSL_T_SHR, JSL_T_GT, JSL_T_NULLISH_ASSIGN,
    JSL_T_NULLISH, JSL_T_OPTCHAIN, JSL_T_QUESTION, JSL_T_LBRACK, JSL_T_RBRACK,
    JSL_T_XOR_ASSIGN, JSL_T_CARET, JSL_T_BACKTICK, JSL_T_LBRACE, JSL_T_LOR_ASSIGN, JSL_T_OR,
    JSL_T_OR_ASSIGN, JSL_T_PIPE, JSL_T_RBRACE, JSL_T_TILDE,
};

/* Index in puncts of the first punctuator that starts with byte c, + 1 (0: none). */
static const uint8_t punct_first[128] = {
    ['!'] = 1,
    ['%'] = 4,
    ['&'] = 6,
    ['('] = 10,
    [')'] = 11,
    ['*'] = 12,
    ['+'] = 16,
    [','] = 19,
    ['-'] = 20,
    ['.'] = 23,
    ['/'] = 25,
    [':'] = 27,
    [';'] = 28,
    ['<'] = 29,
    ['='] = 33,
    ['>'] = 37,
    ['?'] = 43,
    ['['] = 47,
    [']'] = 48,
    ['^'] = 49,
    ['`'] = 51,
    ['{'] = 52,
    ['|'] = 53,
    ['}'] = 57,
    ['~'] = 58,
};

void jsl_lex_next(struct jsl_cc *C)
{
	struct jsl_token *t = &C->tok;
	int c;

	C->prev_line = C->line;
	C->prev_col = C->col;
	memset(t, 0, sizeof(*t));
	t->nl_before = skip_space(C);
	t->line = C->line;
	t->col = C->col;
	t->off = (uint32_t)C->pos;
	c = peekc(C, 0);
	if (c < 0) {
		t->type = JSL_T_EOF;
		return;
	}
	if (is_id_start(c)) {
		size_t start = C->pos;

		while (is_id_char(peekc(C, 0)))
			advance(C);
		t->type = JSL_T_IDENT;
		t->slen = (uint32_t)(C->pos - start);
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
			/* the first byte first: most identifiers are not keywords */
			if (keywords[i].word[0] == C->src[start] &&
			    strlen(keywords[i].word) == t->slen &&
			    !memcmp(keywords[i].word, C->src + start, t->slen)) {
				t->type = keywords[i].tok;
				break;
			}
		}
		t->str = jsl_alloc(C, t->slen + 1);
		memcpy(t->str, C->src + start, t->slen);
	} else if ((c >= '0' && c <= '9') ||
		   (c == '.' && peekc(C, 1) >= '0' && peekc(C, 1) <= '9')) {
		lex_number(C, t);
	} else if (c == '"' || c == '\'') {
		lex_string(C, t);
	} else if (c == '@') {
		if (C->len - C->pos >= 4 && !memcmp(C->src + C->pos, "@QOS", 4) &&
		    !is_id_char(peekc(C, 4))) {
			for (int i = 0; i < 4; i++)
				advance(C);
			t->type = JSL_T_ATQOS;
		} else {
			jsl_error_at(C, t->line, t->col,
				     "unexpected character '@' (only @QOS is known)");
		}
	} else {
		size_t i;

		i = c < 128 && punct_first[c] ? punct_first[c] - 1u : sizeof(puncts);
		for (; i < sizeof(puncts) && jsl_tok_text[puncts[i]][0] == c; i++) {
			const char *p = jsl_tok_text[puncts[i]];
			size_t n = strlen(p);

			if (C->len - C->pos >= n && !memcmp(C->src + C->pos, p, n)) {
				/* "?." followed by a digit is "?" then a number (a ? .5 : 1). */
				if (puncts[i] == JSL_T_OPTCHAIN && peekc(C, 2) >= '0' &&
				    peekc(C, 2) <= '9')
					continue;
				for (size_t k = 0; k < n; k++)
					advance(C);
				t->type = puncts[i];
				break;
			}
		}
		if (i == sizeof(puncts) || jsl_tok_text[puncts[i]][0] != c) {
			if (c >= 0x20 && c < 0x7f)
				jsl_error_at(C, t->line, t->col, "unexpected character '%c'", c);
			jsl_error_at(C, t->line, t->col, "unexpected character (byte 0x%02x)", c);
		}
	}
	t->len = (uint32_t)(C->pos - t->off);
}

const char *jsl_tok_describe(const struct jsl_token *t, char *buf, size_t cap)
{
	switch (t->type) {
	case JSL_T_EOF:
		snprintf(buf, cap, "end of input");
		break;
	case JSL_T_NUM:
		snprintf(buf, cap, "number");
		break;
	case JSL_T_IDENT:
		snprintf(buf, cap, "identifier '%.40s'", t->str ? t->str : "");
		break;
	case JSL_T_RESERVED:
		snprintf(buf, cap, "'%.40s'", t->str ? t->str : "");
		break;
	case JSL_T_STR:
		snprintf(buf, cap, "string");
		break;
	default:
		snprintf(buf, cap, "'%s'", jsl_tok_text[t->type]);
		break;
	}
	return buf;
}

/* SPDX-License-Identifier: MIT */
/*
 * JSLite internals shared by the compiler (lex.c, parse.c, compile.c), the
 * loader (load.c), the values layer (value.c), the interpreter (interp.c)
 * and the disassembler (disasm.c). Nothing outside vm/ includes this.
 */
#ifndef TL_VM_JSL_INT_H
#define TL_VM_JSL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

#define jsl_likely(x)	__builtin_expect(!!(x), 1)
#define jsl_unlikely(x) __builtin_expect(!!(x), 0)

/* ---- instructions (vm/opcodes.def has the table and the bit diagram) ---- */

enum jsl_op {
#define X(name, fmt, a, b, c, desc) JSL_OP_##name,
#include "vm/opcodes.def"
#undef X
	JSL_OP_COUNT
};

#define JSL_I_OP(i)  ((unsigned)(i)&0xffu)
#define JSL_I_A(i)   (((unsigned)(i) >> 8) & 0xffu)
#define JSL_I_B(i)   (((unsigned)(i) >> 16) & 0xffu)
#define JSL_I_C(i)   ((unsigned)(i) >> 24)
#define JSL_I_SB(i)  ((int)(int8_t)JSL_I_B(i))
#define JSL_I_SC(i)  ((int)(int8_t)JSL_I_C(i))
#define JSL_I_BX(i)  ((unsigned)(i) >> 16)
#define JSL_I_SBX(i) ((int)(int16_t)((uint32_t)(i) >> 16))
#define JSL_I_SJ(i)  ((int32_t)(uint32_t)(i) >> 8)

#define JSL_ABC(op, a, b, c)                                                                       \
	((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(uint8_t)(b) << 16) |                  \
	 ((uint32_t)(uint8_t)(c) << 24))
#define JSL_ABX(op, a, bx)                                                                         \
	((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(uint16_t)(bx) << 16))
#define JSL_SJ(op, sj) ((uint32_t)(op) | ((uint32_t)(sj) << 8))

#define JSL_MAX_REGS 255   /* registers per function (8-bit operands) */
#define JSL_MAX_BX   65535 /* constants and globals reachable by ABx */
#define JSL_SJ_MAX   ((1 << 23) - 1)
#define JSL_MAX_CODE (1u << 22) /* instructions per function */
#define JSL_MAX_ARGS 254	/* arguments per call */

extern const char *const jsl_op_names[JSL_OP_COUNT];

/* Operand layout and kinds of each opcode, from opcodes.def (load.c checks them). */
enum jsl_fmt { JSL_FMT_ABC, JSL_FMT_ABx, JSL_FMT_AsBx, JSL_FMT_sJ };
struct jsl_opinfo {
	uint8_t fmt;  /* enum jsl_fmt */
	char a, b, c; /* operand kinds: '_' 'R' 'K' 'G' 'F' 'N' 'M' 'I' 'k' 'J' 'n' */
};
extern const struct jsl_opinfo jsl_opinfo[JSL_OP_COUNT];

/*
 * The operand values of instruction ins, whose opinfo is oi, into v[0..n);
 * returns n. ABC: A, B, C (B and C sign-extended where their kind is 'I');
 * ABx: A, Bx; AsBx: A, sBx; sJ: the jump offset sJ alone (kind oi->a). The
 * loader checks, and the disassembler prints, exactly these.
 */
static inline unsigned jsl_ins_operands(uint32_t ins, const struct jsl_opinfo *oi, int64_t v[3])
{
	switch (oi->fmt) {
	case JSL_FMT_ABC:
		v[0] = JSL_I_A(ins);
		v[1] = oi->b == 'I' ? (int64_t)JSL_I_SB(ins) : (int64_t)JSL_I_B(ins);
		v[2] = oi->c == 'I' ? (int64_t)JSL_I_SC(ins) : (int64_t)JSL_I_C(ins);
		return 3;
	case JSL_FMT_ABx:
	case JSL_FMT_AsBx:
		v[0] = JSL_I_A(ins);
		v[1] = oi->fmt == JSL_FMT_AsBx ? (int64_t)JSL_I_SBX(ins) : (int64_t)JSL_I_BX(ins);
		return 2;
	default: /* sJ */
		v[0] = JSL_I_SJ(ins);
		return 1;
	}
}

/*
 * Built-in functions reachable through NCALL, named by the compiler as
 * `obj.name(...)` (obj NULL for plain globals such as parseInt). Their
 * numbers are wire ABI: append only.
 */
#define JSL_NATIVES(N)                                                                             \
	N(LOG, "console", "log")                                                                   \
	N(FLOOR, "Math", "floor")                                                                  \
	N(CEIL, "Math", "ceil")                                                                    \
	N(ROUND, "Math", "round")                                                                  \
	N(TRUNC, "Math", "trunc")                                                                  \
	N(SQRT, "Math", "sqrt")                                                                    \
	N(ABS, "Math", "abs")                                                                      \
	N(MIN, "Math", "min")                                                                      \
	N(MAX, "Math", "max")                                                                      \
	N(MPOW, "Math", "pow")                                                                     \
	N(SIGN, "Math", "sign")                                                                    \
	N(MLOG, "Math", "log")                                                                     \
	N(EXP, "Math", "exp")                                                                      \
	N(SIN, "Math", "sin")                                                                      \
	N(COS, "Math", "cos")                                                                      \
	N(TAN, "Math", "tan")                                                                      \
	N(ATAN, "Math", "atan")                                                                    \
	N(ATAN2, "Math", "atan2")                                                                  \
	N(RANDOM, "Math", "random")                                                                \
	N(STRING, NULL, "String")                                                                  \
	N(NUMBER, NULL, "Number")                                                                  \
	N(PARSEINT, NULL, "parseInt")                                                              \
	N(PARSEFLOAT, NULL, "parseFloat")                                                          \
	N(ISNAN, NULL, "isNaN")                                                                    \
	N(ISFINITE, NULL, "isFinite")                                                              \
	N(FROMCHARCODE, "String", "fromCharCode")                                                  \
	N(ISINTEGER, "Number", "isInteger")                                                        \
	N(BOOLEAN, NULL, "Boolean")                                                                \
	N(ISARRAY, "Array", "isArray")                                                             \
	N(ARRFROM, "Array", "from")                                                                \
	N(ARROF, "Array", "of")                                                                    \
	N(OKEYS, "Object", "keys")                                                                 \
	N(OVALUES, "Object", "values")                                                             \
	N(OENTRIES, "Object", "entries")                                                           \
	N(OASSIGN, "Object", "assign")                                                             \
	N(OFREEZE, "Object", "freeze")                                                             \
	N(OFROMENTRIES, "Object", "fromEntries")                                                   \
	N(OISFROZEN, "Object", "isFrozen")                                                         \
	N(JSTRINGIFY, "JSON", "stringify")                                                         \
	N(JPARSE, "JSON", "parse")                                                                 \
	N(NISFINITE, "Number", "isFinite")                                                         \
	N(NISNAN, "Number", "isNaN")                                                               \
	N(NPARSEINT, "Number", "parseInt")                                                         \
	N(NPARSEFLOAT, "Number", "parseFloat")                                                     \
	N(NISSAFE, "Number", "isSafeInteger")                                                      \
	N(ERROR, NULL, "Error")                                                                    \
	N(TYPEERROR, NULL, "TypeError")                                                            \
	N(RANGEERROR, NULL, "RangeError")                                                          \
	N(REFERENCEERROR, NULL, "ReferenceError")                                                  \
	N(SYNTAXERROR, NULL, "SyntaxError")                                                        \
	N(MAP, NULL, "Map")                                                                        \
	N(SET, NULL, "Set")                                                                        \
	N(ARRAY, NULL, "Array")                                                                    \
	N(U8, NULL, "Uint8Array")                                                                  \
	N(I32, NULL, "Int32Array")                                                                 \
	N(F64, NULL, "Float64Array")                                                               \
	N(HYPOT, "Math", "hypot")                                                                  \
	N(CBRT, "Math", "cbrt")                                                                    \
	N(LOG2, "Math", "log2")                                                                    \
	N(LOG10, "Math", "log10")                                                                  \
	N(DATENOW, "Date", "now")                                                                  \
	N(OIS, "Object", "is")                                                                     \
	N(IMUL, "Math", "imul")                                                                    \
	N(CLZ32, "Math", "clz32")                                                                  \
	N(FROUND, "Math", "fround")                                                                \
	N(FROMCODEPOINT, "String", "fromCodePoint")                                                \
	N(U8FROM, "Uint8Array", "from")                                                            \
	N(I32FROM, "Int32Array", "from")                                                           \
	N(F64FROM, "Float64Array", "from")

enum jsl_native {
#define N(id, obj, name) JSL_NAT_##id,
	JSL_NATIVES(N)
#undef N
	    JSL_NAT_COUNT
};

/* Methods of primitive values reachable through INVOKE (wire ABI: append only). */
#define JSL_METHODS(M)                                                                             \
	M(CHARAT, "charAt")                                                                        \
	M(CHARCODEAT, "charCodeAt")                                                                \
	M(INDEXOF, "indexOf")                                                                      \
	M(SLICE, "slice")                                                                          \
	M(SUBSTRING, "substring")                                                                  \
	M(TOUPPER, "toUpperCase")                                                                  \
	M(TOLOWER, "toLowerCase")                                                                  \
	M(INCLUDES, "includes")                                                                    \
	M(STARTSWITH, "startsWith")                                                                \
	M(ENDSWITH, "endsWith")                                                                    \
	M(TRIM, "trim")                                                                            \
	M(REPEAT, "repeat")                                                                        \
	M(TOSTRING, "toString")                                                                    \
	M(TOFIXED, "toFixed")                                                                      \
	M(PADSTART, "padStart")                                                                    \
	M(PADEND, "padEnd")                                                                        \
	M(PUSH, "push")                                                                            \
	M(POP, "pop")                                                                              \
	M(SHIFT, "shift")                                                                          \
	M(UNSHIFT, "unshift")                                                                      \
	M(SPLICE, "splice")                                                                        \
	M(CONCAT, "concat")                                                                        \
	M(LASTINDEXOF, "lastIndexOf")                                                              \
	M(JOIN, "join")                                                                            \
	M(REVERSE, "reverse")                                                                      \
	M(SORT, "sort")                                                                            \
	M(MAP, "map")                                                                              \
	M(FILTER, "filter")                                                                        \
	M(REDUCE, "reduce")                                                                        \
	M(REDUCERIGHT, "reduceRight")                                                              \
	M(FOREACH, "forEach")                                                                      \
	M(SOME, "some")                                                                            \
	M(EVERY, "every")                                                                          \
	M(FIND, "find")                                                                            \
	M(FINDINDEX, "findIndex")                                                                  \
	M(FILL, "fill")                                                                            \
	M(FLAT, "flat")                                                                            \
	M(SPLIT, "split")                                                                          \
	M(REPLACE, "replace")                                                                      \
	M(REPLACEALL, "replaceAll")                                                                \
	M(AT, "at")                                                                                \
	M(CODEPOINTAT, "codePointAt")                                                              \
	M(LOCALECOMPARE, "localeCompare")                                                          \
	M(GET, "get")                                                                              \
	M(SET, "set")                                                                              \
	M(HAS, "has")                                                                              \
	M(DELETE, "delete")                                                                        \
	M(ADD, "add")                                                                              \
	M(CLEAR, "clear")                                                                          \
	M(KEYS, "keys")                                                                            \
	M(VALUES, "values")                                                                        \
	M(ENTRIES, "entries")                                                                      \
	M(TRIMSTART, "trimStart")                                                                  \
	M(TRIMEND, "trimEnd")                                                                      \
	M(FINDLAST, "findLast")                                                                    \
	M(FINDLASTINDEX, "findLastIndex")                                                          \
	M(FLATMAP, "flatMap")                                                                      \
	M(HASOWNPROPERTY, "hasOwnProperty")                                                        \
	M(VALUEOF, "valueOf")

enum jsl_method {
#define M(id, name) JSL_M_##id,
	JSL_METHODS(M)
#undef M
	    JSL_M_COUNT
};

struct jsl_native_info {
	const char *obj, *name;
};
extern const struct jsl_native_info jsl_natives[JSL_NAT_COUNT];
extern const char *const jsl_method_names[JSL_M_COUNT];

/* ---- chunk layout owned by the compiler (man jslite(7)) ---------------- */
/*
 * Root chunk, after the VM_ROOT_S_* slots of vm.h:
 *   s[4]  LINK  source file name (string chain)
 *   s[5]  INT   number of constants      s[6]  LINK constant table or EMPTY
 *   s[7]  INT   number of functions      s[8]  LINK function table
 *   s[9]  INT   number of global slots   s[10] LINK global name table or EMPTY
 * Tables (kind DATA): s[0..14] entries, s[15] LINK next table chunk or EMPTY.
 *   constants: FLOAT or INT (a number) or LINK (a string chain)
 *   functions: LINK to a FUNC chunk; entry 0 is main and equals root s[3]
 *   global names: LINK to a string chain
 * FUNC chunk:
 *   s[0] INT parameters   s[1] INT registers   s[2] INT instructions
 *   s[3] LINK first CODE chunk   s[4] LINK name (string) or EMPTY for main
 *   s[5] INT line entries  s[6] LINK line table (DATA, INT (pc << 32 | line)) or EMPTY
 *   s[7] INT line of the declaration
 *   s[8] INT call-name entries  s[9] LINK call-name table (DATA, INT
 *        (pc << 32 | constant index): the source name of the callee of the
 *        CALL or INVOKE at pc, for "x is not a function", or of the
 *        iterable of the SPREAD or ITER at pc, for "x is not iterable") or EMPTY
 *   s[10] INT upvalues (may be EMPTY: none)  s[11] LINK upvalue table (DATA,
 *        INT kind << 16 | index: kind 0 a register of the function that runs
 *        CLOSURE (holding a cell), kind 1 one of its own upvalues) or EMPTY
 * CODE chunk: s[0..14] BYTES, two instructions (8 bytes, little-endian)
 *   per slot, the very last slot of a function may hold one (4 bytes);
 *   s[15] LINK next CODE chunk or EMPTY.
 */
#define JSL_ROOT_S_FILE	    4
#define JSL_ROOT_S_NCONST   5
#define JSL_ROOT_S_CONST    6
#define JSL_ROOT_S_NFUNC    7
#define JSL_ROOT_S_FUNC	    8
#define JSL_ROOT_S_NGLOBAL  9
#define JSL_ROOT_S_GLOBAL   10
#define JSL_FUNC_S_NPARAMS  0
#define JSL_FUNC_S_NREGS    1
#define JSL_FUNC_S_NCODE    2
#define JSL_FUNC_S_CODE	    3
#define JSL_FUNC_S_NAME	    4
#define JSL_FUNC_S_NLINES   5
#define JSL_FUNC_S_LINES    6
#define JSL_FUNC_S_LINE	    7
#define JSL_FUNC_S_NCNAMES  8
#define JSL_FUNC_S_CNAMES   9
#define JSL_FUNC_S_NUP	    10
#define JSL_FUNC_S_UPV	    11
#define JSL_TABLE_PER_CHUNK (VM_CHUNK_SLOTS - 1)
#define JSL_CODE_PER_CHUNK  (2 * (VM_CHUNK_SLOTS - 1))
#define JSL_S_NEXT	    (VM_CHUNK_SLOTS - 1)

/* ---- values ---------------------------------------------------------------- */
/*
 * NaN boxing. A value is 64 bits: any double whose bits are below
 * JV_BOXED is a number (NaNs are kept canonical: 0x7ff8... or 0xfff8...0,
 * the two that hardware produces from non-NaN operands and propagates from
 * these). Everything else carries a 3-bit tag in bits 48..50 and a 48-bit
 * payload (a pointer, a function index, a boolean).
 */
typedef uint64_t jv;

#define JV_BOXED   0xfff9000000000000ull
#define JV_TAGBASE 0xfff8000000000000ull
#define JV_PAYLOAD 0x0000ffffffffffffull
enum jv_tag {
	JV_T_UNDEF = 1,
	JV_T_NULL = 2,
	JV_T_BOOL = 3,
	JV_T_STR = 4,
	JV_T_FUNC = 5,
	JV_T_HOLE = 6, /* an uninitialised let/const binding (never visible to programs) */
	JV_T_OBJ = 7,  /* every heap object but strings (struct jsl_obj's type says which) */
};
#define JV_BOX(t, p) (JV_TAGBASE | ((uint64_t)(t) << 48) | (uint64_t)(p))
#define JV_UNDEF     JV_BOX(JV_T_UNDEF, 0)
#define JV_NULL	     JV_BOX(JV_T_NULL, 0)
#define JV_FALSE     JV_BOX(JV_T_BOOL, 0)
#define JV_TRUE	     JV_BOX(JV_T_BOOL, 1)
#define JV_HOLE	     JV_BOX(JV_T_HOLE, 0)
#define JV_NAN_BITS  0x7ff8000000000000ull

static inline bool jv_is_num(jv v)
{
	return v < JV_BOXED;
}
static inline unsigned jv_tag(jv v)
{
	return (unsigned)((v >> 48) & 7);
}
/* One compare: tags 1..7 put 0xfff9..0xffff into the top 16 bits, numbers never do. */
static inline bool jv_is(jv v, unsigned tag)
{
	return (v >> 48) == (0xfff8u | tag);
}
static inline double jv_num(jv v)
{
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}
/* A number from a result of hardware arithmetic on numbers (no NaN check needed). */
static inline jv jv_from_num_raw(double d)
{
	jv v;

	memcpy(&v, &d, sizeof(v));
	return v;
}
/* A number from anywhere (libm, strtod, a chunk): NaNs made canonical. */
static inline jv jv_from_num(double d)
{
	return d != d ? JV_NAN_BITS : jv_from_num_raw(d);
}
static inline jv jv_bool(bool b)
{
	return b ? JV_TRUE : JV_FALSE;
}
static inline uint64_t jv_payload(jv v)
{
	return v & JV_PAYLOAD;
}

/* ---- heap ------------------------------------------------------------------ */
/*
 * Every heap value starts with struct jsl_obj and sits on one of two lists
 * per run: the young objects (allocated since the last collection) and the
 * old ones. The collector (interp.c) is a generational mark and sweep with
 * sticky mark bits: an old object keeps its mark bit set, so a minor
 * collection marks from the roots (the register stack, the globals, the
 * VM's own) only the young objects, scans the old objects that were written
 * since (the remembered set), frees the young objects it did not reach and
 * makes the others old. A major collection clears the old marks and marks
 * and sweeps everything. used counts the bytes of live objects against
 * limit (vm_limits.heap_bytes).
 *
 * The write barrier: whoever stores a value into an object (an array's
 * elements, a table's entries, a cell, an Error's message) calls jsl_wb on
 * it after its last allocation before the store (an allocation may collect
 * and make the object old).
 */
enum jsl_obj_type {
	JSL_OBJ_STR = 1,
	JSL_OBJ_ARR,  /* struct jsl_arr */
	JSL_OBJ_OBJ,  /* struct jsl_objt: a plain object or an Error */
	JSL_OBJ_CELL, /* struct jsl_cell: a captured variable */
	JSL_OBJ_CLOS, /* struct jsl_clos: a function with captured variables */
	JSL_OBJ_MAP,  /* struct jsl_objt */
	JSL_OBJ_SET,  /* struct jsl_objt (values unused) */
	JSL_OBJ_TARR, /* struct jsl_tarr: Uint8Array, Int32Array, Float64Array */
};

struct jsl_obj {
	struct jsl_obj *next;
	uint32_t size; /* bytes charged to the heap */
	uint8_t type;  /* enum jsl_obj_type */
	uint8_t mark;
	uint8_t fixed : 1; /* constants: never collected */
	uint8_t rem : 1;   /* old and on the remembered set */
	uint8_t pool;	   /* its size class (jsl_mem_alloc), 0 when malloc'ed alone */
};

/*
 * A string's bytes are s[0..len). Most strings hold them right after the
 * header (s == data, NUL-terminated). Appending makes builders so that
 * `t += x` in a loop is amortised O(1): a builder owns a separate buffer of
 * cap bytes of which used are written; a string whose base is the builder
 * shares that buffer (its first len bytes), and an append to the string
 * that ends at used writes in place. A shared buffer may hold more bytes
 * past s[len]: code reads strings by length, never by NUL.
 */
struct jsl_str {
	struct jsl_obj h;
	uint32_t len;  /* bytes (UTF-8) */
	uint32_t ulen; /* length in UTF-16 code units, as .length reports it */
	uint8_t ascii; /* every byte < 0x80: byte index == UTF-16 index */
	uint32_t cap, used;   /* builders: buffer size and bytes in use */
	uint32_t hash;	      /* of the bytes, once computed (0: not yet) */
	struct jsl_str *base; /* the builder whose buffer this string shares, or NULL */
	char *s;
	char data[]; /* len bytes + NUL (s == data) */
};

/*
 * The collector runs inside jsl_str_new (through collect) once used passes
 * threshold. Hence the rule for every slow path and native: values that
 * must survive an allocation live in registers (the roots), and a slow
 * path allocates at most once, at its end, storing the result at once.
 */
/*
 * Objects up to JSL_POOL_MAX bytes come from the heap's own pools: one free
 * list per 16-byte size class, refilled from chunks of JSL_POOL_CHUNK bytes
 * (malloc'ed, so through jemalloc) that the heap keeps until it is freed.
 * Allocating and freeing such an object is a few instructions.
 */
#define JSL_POOL_MAX   256
#define JSL_POOL_CHUNK (256u << 10)
struct jsl_heap {
	struct jsl_obj *objs; /* young */
	struct jsl_obj *old;
	size_t used, limit, threshold;
	size_t old_used; /* used after the last collection (all of it old then) */
	size_t major_at; /* a collection is major once old_used passes this */
	struct jsl_obj **rem; /* the remembered set: old objects written since the last collection */
	size_t nrem, caprem;
	bool rem_lost;	  /* the set could not grow: the next collection is major */
	bool force_major; /* the next collection is major (an allocation is past the bound) */
	bool last_major;  /* the last collection was major */
	bool oom;	  /* the bound was hit: the run ends with VM_ERR_MEMORY */
	void (*collect)(struct jsl_heap *h, void *ctx);
	void *ctx;
	void *freel[JSL_POOL_MAX / 16 + 1]; /* free blocks of each size class */
	char *bump, *bump_end;		     /* the rest of the newest chunk */
	void *chunks;			     /* every chunk, linked through its first word */
};
/* size bytes for an object (zeroed when zero), its size class into *pool; NULL when out of memory. */
void *jsl_mem_alloc(struct jsl_heap *h, size_t size, bool zero, uint8_t *pool);
static inline void jsl_mem_free(struct jsl_heap *h, void *p, unsigned pool)
{
	if (!pool) {
		free(p);
		return;
	}
#ifdef JSL_GC_TORTURE
	memset(p, 0xab, pool * 16u); /* a use after free reads nonsense, soon */
#endif
	*(void **)p = h->freel[pool];
	h->freel[pool] = p;
}

void jsl_wb_slow(struct jsl_heap *h, struct jsl_obj *o);
bool jsl_heap_room_slow(struct jsl_heap *h, size_t size);
/* The write barrier (above): o is about to get values stored into it. */
static inline void jsl_wb(struct jsl_heap *h, void *o)
{
	struct jsl_obj *x = o;

	if (jsl_unlikely(x->mark) && !x->rem)
		jsl_wb_slow(h, x);
}
/*
 * Make room for size more bytes: collect when used passes threshold (a
 * major collection too when a minor one did not free enough); false when
 * the bound is still in the way.
 */
static inline bool jsl_heap_room(struct jsl_heap *h, size_t size)
{
	if (jsl_likely(h->used + size <= h->threshold))
		return true;
	return jsl_heap_room_slow(h, size);
}

/*
 * An ordered hash table: entries in insertion order (a deleted entry keeps
 * JV_HOLE as its key until the table is compacted), an open-addressing index
 * (entry + 1, 0 = free) once it holds more than a few entries. Plain objects
 * key it by strings, Maps and Sets by any value (SameValueZero).
 */
/* Tables up to this many entries are searched linearly (no hash index). */
#define JSL_TAB_LINEAR 8
struct jsl_tab {
	jv *e; /* 2 * cap: key, value */
	uint32_t n, live, cap;
	uint32_t niter; /* for-of loops walking it live (vm/iter.c): entries keep their places */
	uint32_t *idx;
	uint32_t hcap;
	bool inl; /* e is the object's own inline storage (struct jsl_objt.in), not malloc'ed */
};

struct jsl_arr {
	struct jsl_obj h;
	uint32_t len, cap;
	uint8_t frozen;
	jv *v;
};

/* Error classes of JSL_OBJ_OBJ (cls) and what instanceof can ask about. */
enum jsl_cls {
	JSL_CLS_PLAIN = 0,
	JSL_CLS_ERROR,
	JSL_CLS_TYPEERROR,
	JSL_CLS_RANGEERROR,
	JSL_CLS_REFERENCEERROR,
	JSL_CLS_SYNTAXERROR,
	/* instanceof only */
	JSL_CLS_OBJECT,
	JSL_CLS_ARRAY,
	JSL_CLS_FUNCTION,
	JSL_CLS_MAP,
	JSL_CLS_SET,
	JSL_CLS_UINT8ARRAY,
	JSL_CLS_INT32ARRAY,
	JSL_CLS_FLOAT64ARRAY,
	JSL_CLS_COUNT
};
extern const char *const jsl_cls_names[JSL_CLS_COUNT];

struct jsl_objt {
	struct jsl_obj h;
	uint8_t cls;	/* enum jsl_cls (objects) */
	uint8_t frozen; /* Object.freeze */
	jv msg;		/* Errors: the message */
	struct jsl_tab t;
	jv in[]; /* an object literal's first entries, sized for its keys (t.e while t.inl) */
};

struct jsl_cell {
	struct jsl_obj h;
	jv v;
};

struct jsl_clos {
	struct jsl_obj h;
	uint32_t fn, nup;
	jv up[]; /* cells */
};

enum jsl_tarr_kind { JSL_TA_U8 = 0, JSL_TA_I32, JSL_TA_F64 };
struct jsl_tarr {
	struct jsl_obj h;
	uint8_t kind;
	uint32_t len;
	void *p;
};

static inline struct jsl_obj *jv_obj(jv v)
{
	return (struct jsl_obj *)(uintptr_t)jv_payload(v);
}
static inline bool jv_is_objtype(jv v, unsigned type)
{
	return jv_is(v, JV_T_OBJ) && jv_obj(v)->type == type;
}
static inline jv jv_from_obj(const void *o)
{
	return JV_BOX(JV_T_OBJ, (uintptr_t)o);
}
/* A built-in function as a value: JV_T_FUNC with payload JSL_NATFN + its native number. */
#define JSL_NATFN 0x10000u
static inline bool jv_is_native(jv v)
{
	return jv_is(v, JV_T_FUNC) && jv_payload(v) >= JSL_NATFN;
}
static inline bool jv_is_callable(jv v)
{
	return jv_is(v, JV_T_FUNC) || jv_is_objtype(v, JSL_OBJ_CLOS);
}

/*
 * Allocate a heap object of type and size bytes (zeroed, on the heap's
 * list); NULL with h->oom set past the bound. May collect first.
 */
void *jsl_obj_alloc(struct jsl_heap *h, unsigned type, size_t size);
/* Charge (delta > 0) or refund bytes that an object holds outside itself; false past the bound. */
bool jsl_heap_charge(struct jsl_heap *h, struct jsl_obj *o, int64_t delta);
void jsl_obj_free(struct jsl_heap *h, struct jsl_obj *o);

/* ---- tables (obj.c) ---- */
/* The entry index of key, or -1. */
int64_t jsl_tab_find(const struct jsl_tab *t, jv key);
/* Set key := val (appending a new key); false on allocation failure. */
bool jsl_tab_set(struct jsl_heap *h, struct jsl_obj *o, struct jsl_tab *t, jv key, jv val);
bool jsl_tab_del(struct jsl_tab *t, jv key);
void jsl_tab_clear(struct jsl_tab *t);
uint32_t jsl_val_hash(jv v);
/* SameValueZero */
bool jsl_same_value_zero(jv a, jv b);

static inline struct jsl_str *jv_str(jv v)
{
	return (struct jsl_str *)(uintptr_t)jv_payload(v);
}
static inline jv jv_from_str(const struct jsl_str *s)
{
	return JV_BOX(JV_T_STR, (uintptr_t)s);
}

/*
 * A new string of len bytes copied from p, or NULL with h->oom set. With
 * p == NULL the caller fills s->s and then calls jsl_str_measure (or sets
 * ulen and ascii itself).
 */
struct jsl_str *jsl_str_new(struct jsl_heap *h, const char *p, size_t len);
void jsl_str_measure(struct jsl_str *s);
/* A builder holding a copy of p[0..len) with room for cap bytes (cap > len), or NULL. */
struct jsl_str *jsl_str_builder(struct jsl_heap *h, const char *p, size_t len, size_t cap);
void jsl_heap_free_all(struct jsl_heap *h);

/* ---- conversions and formatting (value.c) ------------------------------- */

#define JSL_NUMBUF 40
/* Number::toString(10) of d into buf (NUL-terminated); returns the length. */
int jsl_num_format(double d, char buf[JSL_NUMBUF]);
/* ToNumber of a string's contents (StringToNumber: trims, hex/octal/binary, Infinity). */
double jsl_str_to_num(const char *s, size_t len);
/*
 * parseInt's value of the radix-2..36 digits that s[0..n) starts with (no
 * sign, prefix or white space; the caller strips those): node's result, which
 * is correctly rounded for radix 10 and the powers of two. *used gets the
 * number of digits read; NaN when there is none.
 */
double jsl_parse_int_digits(const char *s, size_t n, int radix, size_t *used);
/*
 * The length of the longest prefix of s[0..n) that is an unsigned decimal
 * literal, digits [. digits] [e [+-] digits], taking the exponent only when
 * it has digits; 0 when the mantissa has no digit.
 */
size_t jsl_scan_decimal(const char *s, size_t n);
/* The value of c as a digit of base 2..36 ('a'/'A' is 10), or 36 for any other byte. */
static inline int jsl_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return (c | 0x20) - 'a' + 10;
	return 36;
}
/* The white space that ToNumber, parseInt/parseFloat and trim skip (ASCII part). */
static inline bool jsl_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
/*
 * JavaScript's white space and line terminators in UTF-8 (U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF and the
 * ASCII ones): the byte length of the one starting at s[i] / ending just
 * before s[j], or 0.
 */
size_t jsl_space_at(const char *s, size_t n, size_t i);
size_t jsl_space_before(const char *s, size_t j);
/* The two-character escape (\b \t \n \f \r) that JSON and JS share for control byte c, or NULL. */
const char *jsl_ctl_escape(unsigned char c);
bool jsl_truthy(jv v);
const char *jsl_typeof(jv v);
bool jsl_strict_eq(jv a, jv b);
/* WTF-8 strings compared by UTF-16 code units, as JavaScript orders strings: <0, 0, >0. */
int jsl_str_cmp16(const char *a, size_t an, const char *b, size_t bn);
/* The UTF-16 code units of WTF-8 text p[0..n) (malloc'd; NULL when out of memory), count in *nu. */
uint16_t *jsl_str_units(const char *p, size_t n, size_t *nu);
/*
 * indexOf (last false) or lastIndexOf (last true) of needle in s by UTF-16
 * code units, from unit from (clamped by the caller): the unit index or -1.
 * A needle may match half of a surrogate pair. -2 when out of memory.
 */
int64_t jsl_str_find16(const struct jsl_str *s, const char *needle, size_t nlen, double from,
		       bool last);

/* A growable byte buffer (malloc); ok goes false on allocation failure or past cap. */
struct jsl_buf {
	char *p;
	size_t len, cap, limit;
	bool ok;
};
void jsl_buf_put_slow(struct jsl_buf *b, const void *p, size_t n);
static inline void jsl_buf_put(struct jsl_buf *b, const void *p, size_t n)
{
	if (jsl_likely(b->ok && b->len + n < b->cap && (!b->limit || b->len + n <= b->limit))) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
		return;
	}
	jsl_buf_put_slow(b, p, n);
}
static inline void jsl_buf_putc(struct jsl_buf *b, char c)
{
	jsl_buf_put(b, &c, 1);
}
static inline void jsl_buf_puts(struct jsl_buf *b, const char *s)
{
	jsl_buf_put(b, s, strlen(s)); /* a literal's length is known at compile time */
}

struct jsl_prog;
/* Append ToString(v) (as String(v) gives it) / util.inspect(v) to b. */
void jsl_to_string_buf(const struct jsl_prog *p, jv v, struct jsl_buf *b);
void jsl_inspect_buf(const struct jsl_prog *p, jv v, struct jsl_buf *b);
/* util.inspect of an object (obj.c) and of a string on one line. */
void jsl_inspect_obj(const struct jsl_prog *p, jv v, struct jsl_buf *b);
void jsl_inspect_short_str(const struct jsl_str *s, struct jsl_buf *b);

double jsl_to_num(jv v);
int32_t jsl_to_int32(double d);

/* Element i of a typed array as a number, and its store (ToInt32 for the integer kinds). */
static inline double jsl_tarr_get(const struct jsl_tarr *t, uint32_t i)
{
	switch (t->kind) {
	case JSL_TA_U8:
		return ((const uint8_t *)t->p)[i];
	case JSL_TA_I32:
		return ((const int32_t *)t->p)[i];
	default:
		return ((const double *)t->p)[i];
	}
}

static inline void jsl_tarr_set(struct jsl_tarr *t, uint32_t i, double d)
{
	switch (t->kind) {
	case JSL_TA_U8:
		((uint8_t *)t->p)[i] = (uint8_t)jsl_to_int32(d);
		break;
	case JSL_TA_I32:
		((int32_t *)t->p)[i] = jsl_to_int32(d);
		break;
	default:
		((double *)t->p)[i] = d;
		break;
	}
}
double jsl_pow(double x, double y);
/* *out := the character at UTF-16 index d of string str (undefined outside it). */
struct jsl_vm;
int jsl_char_at(struct jsl_vm *vm, jv str, double d, jv *out);
/*
 * The UTF-8 bytes (into out, WTF-8 for half of an astral character) and the
 * value of UTF-16 code unit idx of s; returns the byte count, 0 when idx is
 * past the end. Safe on malformed UTF-8.
 */
int jsl_code_unit_at(const struct jsl_str *s, uint32_t idx, char out[4], uint32_t *unit);

/* ---- loaded program (load.c) ------------------------------------------- */

struct jsl_func {
	const uint32_t *code; /* into jsl_prog.code */
	uint32_t ncode;
	uint16_t nregs;
	uint8_t nparams;
	uint32_t line;
	char *name;	 /* "" for main */
	uint64_t *lines; /* (pc << 32 | line), pc ascending */
	uint32_t nlines;
	uint64_t *cnames; /* (pc << 32 | string constant): callee names of CALLs */
	uint32_t ncnames;
	uint32_t nup;	/* upvalues a closure of this function carries */
	uint32_t *upv; /* kind << 16 | index (see JSL_FUNC_S_UPV) */
};

struct jsl_prog {
	char *file;
	char *input;      /* the JSON text of `input` carried in the graph (root slot
			   * VM_ROOT_S_INPUT), or NULL */
	size_t input_len;
	jv *consts;
	uint32_t nconsts;
	struct jsl_func *funcs;
	uint32_t nfuncs;
	char **gnames;
	uint32_t nglobals;
	uint32_t *code; /* all functions, one block */
	size_t ncode;
	/*
	 * Inline caches of GETF/SETF, one per instruction (code[i] <-> ic[i]):
	 * the table slot where the last object seen there had the property. A
	 * guess, checked by the key's identity (t->e[2 * slot] == key) before use,
	 * so a stale one only costs the lookup it would have cost anyway.
	 */
	uint32_t *ic;
};

/*
 * Load and validate the program rooted at root: every chunk kind, link,
 * count and operand (see opcodes.def). String constants become heap
 * strings in h (fixed, never collected). Returns 0 and *out, or -EINVAL
 * (bad graph, message in err), -ENOENT (missing chunk), -ENOMEM.
 */
int jsl_prog_load(const struct vm_store *st, uint64_t root, struct jsl_heap *h,
		  struct jsl_prog **out, char *err, size_t errlen);
void jsl_prog_free(struct jsl_prog *p);
/* Source line of instruction pc of f (0 when unknown). */
uint32_t jsl_func_line(const struct jsl_func *f, uint32_t pc);

/* ---- the running VM (interp.c, builtins.c) ---------------------------------- */

struct jsl_ci {
	const uint32_t *pc; /* next instruction; saved on calls and before slow paths */
	jv *base;
	const struct jsl_func *fn;
	struct jsl_clos *cl; /* the closure being run, NULL for a plain function */
	uint32_t nargs;	     /* arguments passed (REST reads the ones past the parameters) */
};

/* A try block being run: where its catch starts and which frame it belongs to. */
struct jsl_handler {
	uint32_t depth; /* frame index (ci - cis) */
	uint8_t reg;	/* the register that receives the thrown value */
	uint32_t nx;	/* extra roots when the try began */
	const uint32_t *pc;
};

#define JSL_KEYCACHE 256 /* JSON.parse's key cache (a power of two) */
#define JSL_KEYMAX   64	 /* the longest key it shares */
struct jsl_vm {
	const struct jsl_prog *prog;
	struct jsl_heap heap;
	jv *stack, *stack_end, *hwm; /* hwm: registers above it were never used */
	struct jsl_ci *cis, *ci, *ci_end;
	jv *globals;
	struct jsl_buf out;
	uint64_t rng;
	int status; /* enum vm_status */
	char error[256];
	jv chars[128];	  /* one-character ASCII strings (fixed) */
	jv empty;	  /* '' */
	jv types[6];	  /* typeof results (fixed) */
	uint64_t gc_fuel; /* collector and library work not yet charged to the run's fuel */
	int64_t fuel;	  /* budget left while a native runs (execute keeps its own copy) */
	jv exc;		  /* the thrown value while status is VM_ERR_RUNTIME and it can be caught */
	jv input;	  /* the global `input` */
	struct jsl_handler *hs;
	uint32_t nhs, caphs;
	jv *xroots; /* values natives keep alive across allocations (a stack) */
	uint32_t nx, capx;
	struct jsl_obj **gray; /* the collector's work list */
	size_t ngray, capgray;
	int64_t floor; /* frame index whose return ends the innermost execute */
	uint64_t gc_work;
	uint32_t nested; /* executes running inside natives (jsl_call) */
	int64_t reserve; /* fuel beyond the current slice (vm_step) */
	bool slicing;	 /* running a slice: running out of fuel yields */
	const struct vm_host *host;
	int64_t fuel_limit;
	uint64_t start_ms; /* Date.now() at fuel 0 (vm_limits.start_ms) */
	bool strict;	   /* set by STRICT: the program is strict code ("use strict") */
	/*
	 * JSON.parse's object keys (obj.c): the last key string seen for each
	 * hash slot (roots: the collector marks them), and a hash index of the
	 * program's string constants (K index + 1, 0 = free; built at the first
	 * parse), so that equal keys share one string, a constant's when the
	 * program names the key (its inline caches then hit).
	 */
	jv keycache[JSL_KEYCACHE];
	uint32_t *kidx;
	uint32_t kcap;
	bool kidx_built;
};

/* Push v on the extra roots (false on allocation failure); pop n of them. */
bool jsl_root_push(struct jsl_vm *vm, jv v);
static inline void jsl_root_pop(struct jsl_vm *vm, uint32_t n)
{
	vm->nx = n > vm->nx ? 0 : vm->nx - n;
}
/* Charge library work (n elements touched) to the run's fuel. */
static inline void jsl_charge(struct jsl_vm *vm, uint64_t n)
{
	vm->gc_fuel += n / 8;
}
/*
 * Call f(args[0..n)) from a native and run it to its return: 0 and *ret, or
 * -1 when it threw (vm->status set; a try around the native may catch it).
 */
int jsl_call(struct jsl_vm *vm, jv f, const jv *args, unsigned n, jv *ret);
/* jsl_call as the method of recv: `this` inside f is recv (obj.m(...) through INVOKE). */
int jsl_call_method(struct jsl_vm *vm, jv f, jv recv, const jv *args, unsigned n, jv *ret);
/* Throw v (any value); returns -1. */
int jsl_throw_value(struct jsl_vm *vm, jv v);
/* A new Error of class cls with message msg (NULL + oom status on failure). */
int jsl_new_error(struct jsl_vm *vm, unsigned cls, const char *msg, size_t len, jv *out);
/* Allocation helpers of a running VM: 0, or -1 with the OOM status set. */
int jsl_new_arr(struct jsl_vm *vm, uint32_t cap, jv *out);
int jsl_arr_push(struct jsl_vm *vm, struct jsl_arr *a, jv v);
int jsl_arr_resize(struct jsl_vm *vm, struct jsl_arr *a, uint32_t len);
int jsl_new_objt(struct jsl_vm *vm, unsigned type, jv *out);
/* The same with room for n properties inside the object (an object literal's keys). */
int jsl_new_objt_n(struct jsl_vm *vm, unsigned type, uint32_t n, jv *out);
#define JSL_OBJ_INLINE_MAX 32 /* the most properties an object holds inline */
int jsl_obj_put(struct jsl_vm *vm, struct jsl_objt *o, jv key, jv val);
/* Property get/set of any value (obj.c): the VM's slow paths. */
int jsl_get_prop(struct jsl_vm *vm, jv obj, jv key, jv *out);
int jsl_set_prop(struct jsl_vm *vm, jv obj, jv key, jv val);
/*
 * V8's TypeError for writing (del: deleting) key of frozen obj, an array or a
 * plain object ("Cannot assign to read only property 'a' of object
 * '#<Object>'", "Cannot add property 3, object is not extensible"): thrown by
 * strict code (vm->strict) and by the library (push, Object.assign) always.
 */
int jsl_frozen_error(struct jsl_vm *vm, jv obj, jv key, bool del);
/* key as a property key string (numbers canonical); 0 or -1. */
int jsl_to_key(struct jsl_vm *vm, jv key, jv *out);
/* The canonical array index that string s names, or -1. */
int64_t jsl_str_index(const struct jsl_str *s);
/*
 * for-of over a Map or Set, live as in JavaScript (vm/iter.c): ra[0] the
 * collection, ra[1] the cursor (0 at the start), ra[2] := the next entry
 * ([key, value] for a Map); *done when there is none. While a walk is on
 * (struct jsl_tab.niter) the table neither compacts nor renumbers its
 * entries, so the cursor stays valid whatever the loop body adds or deletes.
 * jsl_iter_done ends a walk left early (break, return). 0 or -1 (thrown).
 */
int jsl_iter_step(struct jsl_vm *vm, jv *ra, bool *done);
void jsl_iter_done(jv it);

/* Append the elements of an iterable (array, string, Map, Set, typed array) to array a. */
int jsl_spread(struct jsl_vm *vm, struct jsl_arr *a, jv iterable);
/* JSON.stringify(v, null, indent) into b; 1 when v is undefined/function (no text). */
int jsl_json_stringify(struct jsl_vm *vm, jv v, const char *indent, struct jsl_buf *b);
int jsl_json_parse(struct jsl_vm *vm, const char *s, size_t n, jv *out);
bool jsl_instanceof(jv v, unsigned cls);
/* Object.keys order: integer keys ascending, then the others in insertion order. */
int jsl_own_keys(struct jsl_vm *vm, jv obj, jv *out);

/* End the run with a runtime error "file:line: <message>"; returns -1. */
/* The source line of the instruction vm is executing (vm/throw.c). */
uint32_t jsl_cur_line(const struct jsl_vm *vm);
__attribute__((format(printf, 2, 3))) int jsl_throw(struct jsl_vm *vm, const char *fmt, ...);
/* End the run with VM_ERR_MEMORY; returns -1. */
int jsl_oom(struct jsl_vm *vm, const char *what);
/* *out := a new string of n bytes from p; 0, or -1 when the heap bound is hit. */
int jsl_new_str(struct jsl_vm *vm, const char *p, size_t n, jv *out);
/* *out := the one string of the bytes of b (consumes b). */
int jsl_buf_to_str(struct jsl_vm *vm, struct jsl_buf *b, jv *out);

/* The source name recorded for the CALL/INVOKE being executed ("x", "s.charAt"), or NULL. */
const char *jsl_call_name(const struct jsl_vm *vm);
/* Throws V8's TypeError for spreading or iterating over v, which is not iterable. */
int jsl_not_iterable(struct jsl_vm *vm, jv v);

typedef int (*jsl_native_fn)(struct jsl_vm *vm, jv *args, unsigned nargs, jv *ret);
extern const jsl_native_fn jsl_native_fns[JSL_NAT_COUNT];
/* recv[0] is the receiver, recv[1..nargs] the arguments; result into *ret. */
int jsl_invoke(struct jsl_vm *vm, unsigned method, jv *recv, unsigned nargs, jv *ret);
/* Methods of arrays, objects, Maps, Sets and the newer string methods (lib.c): 1 when m
 * does not apply to the receiver. */
int jsl_lib_invoke(struct jsl_vm *vm, unsigned m, jv *recv, unsigned n, jv *ret);
/* Whether `k in obj` finds k on obj's prototype chain in node (push on an array, ...). */
bool jsl_proto_has(jv obj, const struct jsl_str *k);
#define JSL_LIB_NATIVES(N)                                                                         \
	N(ISARRAY) N(ARRFROM) N(ARROF) N(OKEYS) N(OVALUES) N(OENTRIES) N(OASSIGN) N(OFREEZE)       \
	N(OFROMENTRIES) N(OISFROZEN) N(JSTRINGIFY) N(JPARSE) N(NISFINITE) N(NISNAN) N(NISSAFE)     \
	N(ERROR) N(TYPEERROR) N(RANGEERROR) N(REFERENCEERROR) N(SYNTAXERROR) N(MAP) N(SET)         \
	N(ARRAY) N(U8) N(I32) N(F64) N(HYPOT) N(CBRT) N(LOG2) N(LOG10) N(OIS) N(U8FROM) N(I32FROM)  \
	N(F64FROM)
#define N(id) int jsl_nat_##id(struct jsl_vm *vm, jv *args, unsigned n, jv *ret);
JSL_LIB_NATIVES(N)
#undef N

#endif

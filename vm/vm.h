/* SPDX-License-Identifier: MIT */
/*
 * vm/: the public face of chunks, the JSLite compiler, the interpreter,
 * QoS requirements and Tasklet signatures. Nothing here knows of sockets.
 */
#ifndef TL_VM_H
#define TL_VM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/chunk.h"

/* ---- QoS ------------------------------------------------------------- */

/* QoS categories, as stored in slot 0 of a QoS chunk. Values are wire ABI. */
enum vm_qos_cat {
	VM_QOS_PRIORITY = 1,        /* Priority('True'|'False') */
	VM_QOS_SPEED_MINIMUM = 2,   /* SpeedMinimum(n) | SpeedMinimum(n, 'relative') */
	VM_QOS_COST_LIMIT = 3,      /* CostLimit(n) */
	VM_QOS_FAULT_TOLERANCE = 4, /* FaultTolerance(k) | FaultTolerance('local') */
	VM_QOS_PRIVACY = 5,         /* Privacy('TLS', 'ca-name') */
	VM_QOS_DEADLINE = 6,        /* Deadline(ms) */
	VM_QOS_RELIABILITY = 7,     /* Reliability(p), p an integer percent 1..100 or a string '0.99' */
	VM_QOS_CAT_MAX = VM_QOS_RELIABILITY,
};

#define VM_QOS_MAX_PARAMS 4  /* per requirement */
#define VM_QOS_MAX        16 /* requirements per Tasklet */
#define VM_QOS_STR_MAX    63 /* longest string parameter, bytes */

enum vm_qos_ptype { VM_QOS_P_INT = 1, VM_QOS_P_STR = 2 };

struct vm_qos_param {
	uint8_t type; /* enum vm_qos_ptype */
	int64_t i;
	char s[VM_QOS_STR_MAX + 1];
};

struct vm_qos {
	uint8_t cat; /* enum vm_qos_cat */
	uint8_t nparams;
	struct vm_qos_param p[VM_QOS_MAX_PARAMS];
};

/* "Priority", ... or NULL for an unknown value. */
const char *vm_qos_name(unsigned cat);
/* The category of a name, or -ENOENT. */
int vm_qos_lookup(const char *name, size_t len);
/* Render "Priority('True')" into buf; returns the length snprintf would. */
int vm_qos_format(const struct vm_qos *q, char *buf, size_t cap);
/* True when the list asks for Priority('True'). */
int vm_qos_is_priority(const struct vm_qos *q, size_t n);
/* Parameter idx of the list's first requirement of category cat whose
 * parameter idx has type type (VM_QOS_P_*), or NULL. A compiled list holds
 * one requirement per category. */
const struct vm_qos_param *vm_qos_param(const struct vm_qos *q, size_t n, unsigned cat,
					unsigned idx, unsigned type);

/*
 * Read the QoS chain of a compiled Tasklet (root -> first QoS chunk -> ...),
 * in source order. Returns the count (0..max), or -EINVAL / -ENOENT with a
 * message in err when a QoS chunk is malformed or missing.
 */
int vm_qos_read(const struct vm_store *st, uint64_t root, struct vm_qos *out, size_t max,
		char *err, size_t errlen);

/* ---- Root chunk layout ------------------------------------------------ */
/*
 * s[0] INT   VM_ROOT_MAGIC
 * s[1] INT   format version (VM_ROOT_VERSION)
 * s[2] LINK  first QoS chunk, or EMPTY when the program has no @QOS
 * s[3] LINK  the main function's FUNC chunk
 * s[4..] owned by the compiler (documented in man tasklet-chunks(7))
 */
#define VM_ROOT_MAGIC   0x4b534c54 /* "TLSK" */
#define VM_ROOT_VERSION 1
#define VM_ROOT_S_MAGIC 0
#define VM_ROOT_S_VER   1
#define VM_ROOT_S_QOS   2
#define VM_ROOT_S_MAIN  3
#define VM_ROOT_S_INPUT 11 /* LINK to a string chain: the JSON text of `input`; or EMPTY */
/* QoS chunk: s[0] INT category, s[1..14] parameters (INT, or LINK to a DATA
 * string chunk), s[15] LINK next QoS chunk or EMPTY. */
#define VM_QOS_S_NEXT (VM_CHUNK_SLOTS - 1)

/*
 * String chunks (kind DATA): s[0] INT total byte length (first chunk only;
 * continuation chunks hold the remaining length), s[1..14] BYTES, 8 bytes
 * each (the last one may be shorter), s[15] LINK to the continuation chunk
 * or EMPTY. Strings are bytes (UTF-8 by convention) and may hold NULs.
 */
#define VM_STR_MAX (16u << 20)
/* Store n bytes as a string chain; 0 and the first chunk's id in *id, or -errno. */
int vm_str_store(struct vm_store *st, const void *s, size_t n, uint64_t *id);
/* Length of the string chain at id, or -EINVAL (not a string chunk / corrupt) / -ENOENT. */
int64_t vm_str_len(const struct vm_store *st, uint64_t id);
/* Copy the string at id into buf (at most cap bytes; no NUL added);
 * returns the full length (like vm_str_len), or -errno. */
int64_t vm_str_load(const struct vm_store *st, uint64_t id, void *buf, size_t cap);

/*
 * Give the Tasklet rooted at root in st an input: the JSON text json[0..len)
 * becomes a string chain linked from a copy of the root (slot
 * VM_ROOT_S_INPUT), sealed under content ids like the rest; the program's
 * own chunks are shared. *new_root gets the new root. The text is checked
 * when the Tasklet runs (the global `input`; "input is not valid JSON" is a
 * load error). 0 or -errno with a message in err.
 */
int vm_attach_input(struct vm_store *st, uint64_t root, const char *json, size_t len,
		    uint64_t *new_root, char *err, size_t errlen);

/* ---- Compiler ---------------------------------------------------------- */

/*
 * Compile JSLite source into chunks in st. On success returns 0 and the
 * root chunk id in *root. On a compile error returns -EINVAL and writes
 * "file:line:col: message" into err (NUL-terminated, truncated to errlen).
 * The chunks of a failed compile may stay in the store (unreachable).
 */
int jsl_compile(struct vm_store *st, const char *file, const char *src, size_t len,
		uint64_t *root, char *err, size_t errlen);

/* Write a human-readable listing of the compiled program (functions, constants,
 * bytecode) to out. Returns 0 or a negative errno. */
int vm_disasm(const struct vm_store *st, uint64_t root, FILE *out);

/* ---- Interpreter ------------------------------------------------------- */

struct vm_limits {
	uint64_t fuel;        /* instructions; 0 = VM_DEFAULT_FUEL */
	size_t heap_bytes;    /* VM heap bound; 0 = VM_DEFAULT_HEAP */
	size_t output_bytes;  /* console.log bound; 0 = VM_DEFAULT_OUTPUT */
	uint64_t seed;        /* Math.random's generator: the same seed, the same numbers */
	uint64_t start_ms;    /* Date.now() at the start (ms since the epoch); it then
			       * advances one ms per VM_FUEL_PER_MS fuel, so a run is a
			       * function of (chunks, input, seed, start time) */
	const char *input;    /* JSON text of the global `input`, or NULL (input is undefined) */
	size_t input_len;
};
#define VM_DEFAULT_FUEL   (1ull << 32)
#define VM_FUEL_PER_MS    100000 /* Date.now()'s deterministic clock: 100 M instructions/s */
#define VM_DEFAULT_HEAP   (64u << 20)
#define VM_DEFAULT_OUTPUT (1u << 20)

enum vm_status {
	VM_OK = 0,
	VM_ERR_RUNTIME = 1, /* TypeError, ReferenceError, ... (message in error) */
	VM_ERR_FUEL = 2,    /* fuel exhausted */
	VM_ERR_MEMORY = 3,  /* heap bound reached */
	VM_ERR_LOAD = 4,    /* the chunk graph is not a valid program */
};

struct vm_result {
	int status;        /* enum vm_status */
	char *output;      /* everything console.log printed, '\n'-terminated lines; malloc'd, NUL-terminated */
	size_t output_len;
	char *value;       /* the completion value (as node's util.inspect would print it); malloc'd */
	char error[256];   /* for status != VM_OK: "file:line: message" */
	uint64_t fuel_used;
};

/*
 * Load and run the Tasklet rooted at root. Always fills res (free it with
 * vm_result_free) and returns 0, or a negative errno only for failures of
 * the host (e.g. -ENOMEM before anything ran). A program's own error is
 * res->status != VM_OK, not a negative return.
 */
int vm_run(const struct vm_store *st, uint64_t root, const struct vm_limits *lim,
	   struct vm_result *res);
void vm_result_free(struct vm_result *res);

/*
 * The VM as an object, for hosts that run a Tasklet in slices (scheduling,
 * record/replay, later snapshots): vm_new loads the Tasklet (a load error
 * is kept and reported by vm_finish), vm_step runs it for at most fuel
 * more units and returns VM_STEP_YIELD when it stopped at an instruction
 * boundary with the program unfinished (call again to go on) or
 * VM_STEP_DONE when it ended (result, error or the vm_limits.fuel bound);
 * vm_finish fills res as vm_run does; vm_free releases the VM. A slice may
 * run over while a callback of a library function (map, sort, ...) runs.
 * The host supplies the random source and takes the output; a NULL host
 * or NULL member means the defaults (seeded generator, output collected in
 * vm_result.output). vm_run is vm_new + vm_step(UINT64_MAX) + vm_finish.
 */
struct vm_host {
	void *ctx;
	uint64_t (*random)(void *ctx); /* 64 random bits for Math.random */
	/* one console.log line (with its newline); non-zero ends the run with VM_ERR_MEMORY */
	int (*output)(void *ctx, const char *line, size_t len);
	uint64_t (*now_ms)(void *ctx); /* Date.now(); NULL: vm_limits.start_ms + fuel used / VM_FUEL_PER_MS */
};
enum vm_step_rc { VM_STEP_DONE = 0, VM_STEP_YIELD = 1 };
struct vm;
/* NULL (errno ENOMEM) only when the host is out of memory. */
struct vm *vm_new(const struct vm_store *st, uint64_t root, const struct vm_limits *lim,
		  const struct vm_host *host);
int vm_step(struct vm *vm, uint64_t fuel);
int vm_finish(struct vm *vm, struct vm_result *res);
void vm_free(struct vm *vm);

/* ---- Signature ---------------------------------------------------------- */
/*
 * What the application sends to the trader and the trader forwards to a
 * container: enough to find, fetch and run the Tasklet deterministically,
 * and the QoS to match it.
 */
#define VM_SIG_ADDR_MAX 63
#define VM_SIG_CN_MAX 31

struct vm_sig {
	uint64_t tasklet_id;
	char app_addr[VM_SIG_ADDR_MAX + 1]; /* "HOST:PORT" of the application's CXP endpoint
					     * (the trader vouches for the host: the one the
					     * SUBMIT came from) */
	char app_cn[VM_SIG_CN_MAX + 1];     /* secure mode: the common name of the application's
					     * certificate, set by the trader ("" in open mode) */
	uint64_t root;                      /* root chunk id */
	uint64_t seed;
	uint64_t start_ns; /* wall-clock start the Tasklet sees (deterministic time) */
	uint32_t nqos;
	struct vm_qos qos[VM_QOS_MAX];
	uint64_t code_hash; /* the program: a hash of its code chunks (expected fuel, CostLimit) */
	uint32_t app_speed; /* the application's own speed, for SpeedMinimum(n, 'relative') */
	uint32_t attempt;   /* placement number (the trader's; 0 as submitted) */
};

/* Its wire encoding (SUBMIT, ASSIGN) is cxp_sig_encode / cxp_sig_decode in cxp/. */

/* This host's VM speed in the unit of SpeedMinimum: millions of VM instructions
 * per second on a fixed calibration loop, median of several short runs (vm/speed.c). */
uint32_t vm_measure_speed(void);

#endif

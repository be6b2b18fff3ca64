/* SPDX-License-Identifier: MIT */
/*
 * JSLite helpers for front ends (the `tasklet` command): compile a source
 * file into a chunk store. The language and its chunk layout: man jslite(7).
 */
#ifndef TL_VM_JSL_H
#define TL_VM_JSL_H

#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

/*
 * The largest source JSLite compiles, in bytes: a file over it is refused
 * from its size alone, before it is read (jsl_read_file), and so is a
 * longer source handed to jsl_compile, before it is parsed.
 */
#define JSL_MAX_SOURCE (64u << 20)

/*
 * Read a source file (at most JSL_MAX_SOURCE, a regular file) into a malloc'd,
 * NUL-terminated buffer. 0, or -errno with "path: cannot open: <strerror>"
 * (or the like) in err.
 */
int jsl_read_file(const char *path, char **src, size_t *len, char *err, size_t errlen);

/*
 * Read the file at path and jsl_compile it (the file name in messages is
 * path). Returns 0 and the root chunk id in *root; -errno with
 * "path: cannot open: <strerror>" (or the like) in err when the file cannot
 * be read; -EINVAL with "path:line:col: message" on a compile error.
 */
int jsl_compile_file(struct vm_store *st, const char *path, uint64_t *root, char *err,
		     size_t errlen);

#endif

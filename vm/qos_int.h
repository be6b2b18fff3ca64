/* SPDX-License-Identifier: MIT */
/*
 * vm/ internals shared by the QoS reader/writer, the string chunks and the
 * JSLite compiler. Not part of the public face (vm/vm.h).
 */
#ifndef TL_VM_QOS_INT_H
#define TL_VM_QOS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

/*
 * Write q[0..n) as a chain of QoS chunks (kind QOS, in order; s[0] the
 * category, s[1..] the parameters: INT as INT slots, strings as LINKs to
 * string chunks made by vm_str_store; s[15] links the next requirement).
 * The caller links *first from the root's s[VM_ROOT_S_QOS]; *first is 0
 * when n == 0. Everything is validated before anything is written: -EINVAL
 * for n > VM_QOS_MAX, a category outside 1..VM_QOS_CAT_MAX, more than
 * VM_QOS_MAX_PARAMS parameters, an unknown parameter type or a string not
 * NUL-terminated within VM_QOS_STR_MAX bytes. -ENOMEM may leave unreachable
 * chunks in the store.
 */
int vm_qos_store(struct vm_store *st, const struct vm_qos *q, size_t n, uint64_t *first);

/*
 * vm_str_load with a message: copies up to cap bytes of the string chain at
 * id into buf (buf may be NULL when cap is 0) and returns its full length,
 * or -ENOENT (a chunk of the chain is missing) / -EINVAL (not a string
 * chain, or a corrupt one) with a message naming the chunk in err.
 */
int64_t vm_str_read(const struct vm_store *st, uint64_t id, void *buf, size_t cap, char *err,
		    size_t errlen);

#endif

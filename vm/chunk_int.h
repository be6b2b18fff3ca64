/* SPDX-License-Identifier: MIT */
/*
 * vm/ internals shared by every reader and writer of chunk graphs (the chunk
 * codec, strings, QoS, signatures, the loader and the compiler). Defined in
 * vm/chunk.c; not part of the public face (vm/vm.h, vm/chunk.h).
 */
#ifndef TL_VM_CHUNK_INT_H
#define TL_VM_CHUNK_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/chunk.h"

/*
 * Write the message fmt... into err[0..errlen) (nothing when err is NULL or
 * errlen is 0) and return rc: the one way a decoder or loader of vm/ reports
 * why it refused its input.
 */
__attribute__((format(printf, 4, 5))) int vm_fail(int rc, char *err, size_t errlen,
						  const char *fmt, ...);
__attribute__((format(printf, 4, 0))) int vm_vfail(int rc, char *err, size_t errlen,
						   const char *fmt, va_list ap);

/*
 * vm_chunk_decode checking byte by byte in wire order, so that its message
 * names the first bad byte; vm_chunk_decode runs it only on a chunk its
 * word-wise check refused (and the unit suite holds the two to the same
 * verdict).
 */
int vm_chunk_decode_bytewise(const uint8_t *in, size_t len, struct vm_chunk *out, char *err,
			     size_t errlen);

/*
 * Append a new chunk of kind to a chain: *prev (NULL for the first chunk)
 * gets a LINK to it in slot next_slot, or *first gets its id when it is the
 * first; *prev becomes the new chunk, which is returned. NULL (errno =
 * ENOMEM) when the store cannot allocate; the chain is then unchanged.
 */
struct vm_chunk *vm_chain_add(struct vm_store *st, uint8_t kind, unsigned next_slot,
			      struct vm_chunk **prev, uint64_t *first);

/*
 * SHA-256 of p[0..n) into out (vm/sha256.c): the x86 SHA extensions when the
 * CPU has them and portable is 0, else mbedTLS. The same digest either way.
 */
void vm_sha256(const void *p, size_t n, uint8_t out[32], int portable);
/* Two messages of n bytes each: the same digests as two vm_sha256 calls, in
 * about the time of one with the SHA extensions (their rounds overlap). */
void vm_sha256_x2(const void *a, const void *b, size_t n, uint8_t oa[32], uint8_t ob[32],
		  int portable);

#endif

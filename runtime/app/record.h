/* SPDX-License-Identifier: MIT */
/*
 * Records of answered Tasklets (tasklet run --record DIR, tasklet replay DIR):
 * what it takes to run a Tasklet again and check that it gives the same
 * answer: its signature (seed and start time included), its chunks, and
 * the answer's status, fuel and digest (with the output and value, to show
 * a difference). One file per Tasklet, DIR/<tasklet id in hex>.tlr:
 *
 *   "TLREC1\n"  (7 bytes)
 *   u32 siglen, the signature (cxp_sig_encode)
 *   u32 n, n chunks of VM_CHUNK_WIRE_SIZE bytes (vm_chunk_encode)
 *   u32 status, u64 fuel_used, 32 bytes digest (cxp_result_digest)
 *   u32 output length, output; u32 value length, value; str container
 *
 * little-endian, as on the wire (man cxp(7)).
 */
#ifndef TL_RECORD_H
#define TL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "cxp/cxp.h"
#include "vm/vm.h"

struct tl_record {
	struct vm_sig sig;
	struct vm_store *st; /* the chunks */
	uint32_t status;
	uint64_t fuel_used;
	uint8_t digest[CXP_DIGEST_SIZE];
	char *output, *value;
	size_t output_len, value_len;
	char container[CXP_NAME_MAX + 1];
};

/* Write the record of one Tasklet into dir. 0 or -errno (message in err). */
int tl_record_write(const char *dir, const struct vm_sig *sig, const struct vm_store *st,
		    uint32_t status, uint64_t fuel_used, const uint8_t digest[CXP_DIGEST_SIZE],
		    const char *output, size_t output_len, const char *value, size_t value_len,
		    const char *container, char *err, size_t errlen);
/* Read one record. 0, or -EINVAL / -errno with what is wrong (and where) in err. */
int tl_record_read(const char *path, struct tl_record *r, char *err, size_t errlen);
void tl_record_free(struct tl_record *r);

#endif

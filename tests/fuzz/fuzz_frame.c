/* SPDX-License-Identifier: MIT */
/*
 * Description: libFuzzer target for the CXP frame header decoder (cxp_hdr_decode) and the
 * bounds-checked payload reader it is built with. Run by `make fuzz` / `make fuzz-smoke`.
 *
 * Oracles besides the sanitizers: a header that decodes re-encodes to the
 * same 16 bytes and obeys the documented bounds; one that does not says
 * why in its error text; the reader never hands out a byte past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[CXP_HDR_SIZE] = { 0 }, again[CXP_HDR_SIZE];
	struct cxp_hdr h;
	struct cxp_rbuf r;
	char err[96] = "";
	char s[64];
	size_t n;

	memcpy(hdr, data, size < CXP_HDR_SIZE ? size : CXP_HDR_SIZE);
	if (cxp_hdr_decode(hdr, &h, err, sizeof(err)) == 0) {
		if (h.type == 0 || h.type > CXP_MSG_TYPE_MAX || h.len > CXP_MAX_PAYLOAD)
			abort();
		cxp_hdr_encode(&h, again);
		if (memcmp(hdr, again, CXP_HDR_SIZE))
			abort();
	} else if (!err[0]) {
		abort();
	}

	/* the reader over the rest, driven by the input's own bytes */
	cxp_rbuf_init(&r, data, size);
	while (!r.err && r.off < r.len) {
		switch (cxp_get_u8(&r) % 5) {
		case 0:
			cxp_get_u32(&r);
			break;
		case 1:
			cxp_get_u64(&r);
			break;
		case 2:
			cxp_get_str(&r, s, sizeof(s));
			if (!r.err && strlen(s) >= sizeof(s))
				abort();
			break;
		case 3: {
			const char *p = cxp_get_strn(&r, &n);

			if (p && (p < (const char *)data || p + n > (const char *)data + size))
				abort();
			break;
		}
		default:
			cxp_get_bytes(&r, r.off % 7);
			break;
		}
		if (r.off > r.len)
			abort();
	}
	return 0;
}

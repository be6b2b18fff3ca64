/* SPDX-License-Identifier: MIT */
/*
 * Description: libFuzzer target for every payload decoder of cxp/msg.c. The first input byte
 * picks the decoder, the rest is the payload. Run by `make fuzz` / `make fuzz-smoke`.
 *
 * Oracles besides the sanitizers: a failed decode says what was wrong; a
 * payload that decodes re-encodes to exactly the same bytes (the encodings
 * are canonical, so a decoder that accepts more than the format, or an
 * encoder that drops a field, shows up as a difference).
 *
 * A new decoder in msg.c gets one row in decoders[] below.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cxp/cxp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode p, and on success re-encode into w; returns the decoder's result. */
typedef int (*roundtrip_fn)(const uint8_t *p, size_t n, struct cxp_wbuf *w, char *err,
			    size_t errlen);

#define ROUNDTRIP(name, type)                                                              \
	static int rt_##name(const uint8_t *p, size_t n, struct cxp_wbuf *w, char *err,       \
			     size_t errlen)                                                    \
	{                                                                                  \
		static type m;                                                             \
		int ret = cxp_##name##_decode(p, n, &m, err, errlen);                      \
		if (ret == 0)                                                              \
			cxp_##name##_encode(w, &m);                                        \
		return ret;                                                                \
	}

ROUNDTRIP(register, struct cxp_register)
ROUNDTRIP(assigned, struct cxp_assigned)
ROUNDTRIP(error, struct cxp_error)
ROUNDTRIP(fetch, struct cxp_fetch)
ROUNDTRIP(result, struct cxp_result)
ROUNDTRIP(heartbeat, struct cxp_heartbeat)
ROUNDTRIP(done, struct cxp_done)
ROUNDTRIP(fetch_graph, struct cxp_fetch_graph)

/* REGISTERED, DRAINING, RESULT_ACK, HANDBACK: one u64. */
static int rt_id(const uint8_t *p, size_t n, struct cxp_wbuf *w, char *err, size_t errlen)
{
	uint64_t id;
	int ret = cxp_id_decode(CXP_MSG_HANDBACK, p, n, &id, err, errlen);

	if (ret == 0)
		cxp_id_encode(w, id);
	return ret;
}

/* CHUNKS: the header; the records are checked for count and size only. */
static int rt_chunks(const uint8_t *p, size_t n, struct cxp_wbuf *w, char *err, size_t errlen)
{
	struct cxp_chunks m;
	int ret = cxp_chunks_decode(p, n, 272, &m, err, errlen);

	if (ret == 0) {
		cxp_chunks_encode_header(w, m.tasklet_id, m.n);
		cxp_put_bytes(w, m.chunks, (size_t)m.n * 272);
	}
	return ret;
}

/* MANIFEST: the header and the ids. */
static int rt_manifest(const uint8_t *p, size_t n, struct cxp_wbuf *w, char *err, size_t errlen)
{
	struct cxp_manifest m;
	int ret = cxp_manifest_decode(p, n, &m, err, errlen);

	if (ret == 0) {
		cxp_manifest_encode_header(w, m.tasklet_id, m.n);
		for (uint32_t i = 0; i < m.n; i++)
			cxp_put_u64(w, cxp_manifest_id(&m, i));
	}
	return ret;
}

static const roundtrip_fn decoders[] = {
	rt_register, rt_assigned, rt_error, rt_fetch, rt_result, rt_heartbeat, rt_done, rt_id,
	rt_chunks, rt_fetch_graph, rt_manifest,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cxp_wbuf w;
	char err[256] = "";
	uint8_t *copy;
	int ret;

	if (size < 1)
		return 0;
	/* an exact-size heap copy, so that ASan sees any read past the payload */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	cxp_wbuf_init(&w);
	ret = decoders[data[0] % (sizeof(decoders) / sizeof(decoders[0]))](copy, size - 1, &w, err,
									   sizeof(err));
	if (ret == 0) {
		if (w.err || w.len != size - 1 || (w.len && memcmp(w.p, copy, w.len)))
			abort();
	} else if (ret != -EBADMSG || !err[0]) {
		abort();
	}
	cxp_wbuf_free(&w);
	free(copy);
	return 0;
}

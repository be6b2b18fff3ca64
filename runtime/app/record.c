/* SPDX-License-Identifier: MIT */
/* Records of answered Tasklets (record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/le.h"
#include "common/mem.h"
#include "runtime/app/record.h"

#define MAGIC "TLREC1\n"

struct walk_out {
	struct cxp_wbuf *w;
	uint32_t n;
};

static int put_chunk(const struct vm_chunk *ch, void *arg)
{
	struct walk_out *o = arg;
	uint8_t b[VM_CHUNK_WIRE_SIZE];

	vm_chunk_encode(ch, b);
	cxp_put_bytes(o->w, b, sizeof(b));
	o->n++;
	return 0;
}

int tl_record_write(const char *dir, const struct vm_sig *sig, const struct vm_store *st,
		    uint32_t status, uint64_t fuel_used, const uint8_t digest[CXP_DIGEST_SIZE],
		    const char *output, size_t output_len, const char *value, size_t value_len,
		    const char *container, char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	struct walk_out o;
	struct cxp_wbuf w;
	size_t at_n, at_len;
	FILE *f;
	int rc;

	cxp_wbuf_init(&w);
	cxp_put_bytes(&w, MAGIC, 7);
	at_len = w.len;
	cxp_put_u32(&w, 0);
	rc = cxp_sig_encode(&w, sig);
	if (rc < 0) {
		cxp_wbuf_free(&w);
		snprintf(err, errlen, "record: the signature does not encode");
		return -EINVAL;
	}
	le32_store(w.p + at_len, (uint32_t)rc);
	at_n = w.len;
	cxp_put_u32(&w, 0);
	o.w = &w;
	o.n = 0;
	if (vm_store_walk(st, sig->root, VM_MAX_TASKLET_CHUNKS, put_chunk, &o, NULL) < 0) {
		cxp_wbuf_free(&w);
		snprintf(err, errlen, "record: the chunk graph cannot be walked");
		return -EINVAL;
	}
	if (!w.err)
		le32_store(w.p + at_n, o.n);
	cxp_put_u32(&w, status);
	cxp_put_u64(&w, fuel_used);
	cxp_put_bytes(&w, digest, CXP_DIGEST_SIZE);
	cxp_put_u32(&w, (uint32_t)output_len);
	cxp_put_bytes(&w, output, output_len);
	cxp_put_u32(&w, (uint32_t)value_len);
	cxp_put_bytes(&w, value, value_len);
	cxp_put_str(&w, container ? container : "");
	if (w.err) {
		cxp_wbuf_free(&w);
		snprintf(err, errlen, "record: out of memory");
		return -ENOMEM;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "record: cannot create %s: %s", dir, strerror(errno));
		cxp_wbuf_free(&w);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%016llx.tlr", dir, (unsigned long long)sig->tasklet_id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(w.p, 1, w.len, f) != w.len || fclose(f) != 0 || rename(tmp, path) < 0) {
		rc = -errno;
		snprintf(err, errlen, "record: cannot write %s: %s", path, strerror(errno));
		cxp_wbuf_free(&w);
		return rc ? rc : -EIO;
	}
	cxp_wbuf_free(&w);
	return 0;
}

int tl_record_read(const char *path, struct tl_record *r, char *err, size_t errlen)
{
	struct cxp_rbuf b;
	char serr[200];
	uint8_t *buf = NULL;
	long len;
	FILE *f = fopen(path, "rb");
	uint32_t siglen, n, olen, vlen;
	const uint8_t *p;
	int rc = -EINVAL;

	memset(r, 0, sizeof(*r));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) && fread(buf, 1, (size_t)len, f) == (size_t)len) {
		fclose(f);
	} else {
		snprintf(err, errlen, "%s: cannot read", path);
		fclose(f);
		free(buf);
		return -EIO;
	}
	cxp_rbuf_init(&b, buf, (size_t)len);
	p = cxp_get_bytes(&b, 7);
	if (!p || memcmp(p, MAGIC, 7)) {
		snprintf(err, errlen, "%s: not a Tasklet record (no TLREC1 header)", path);
		goto out;
	}
	siglen = cxp_get_u32(&b);
	p = cxp_get_bytes(&b, siglen);
	if (!p || cxp_sig_decode(p, siglen, &r->sig, serr, sizeof(serr)) < 0) {
		snprintf(err, errlen, "%s: bad signature at byte 11: %s", path,
			 p ? serr : "truncated");
		goto out;
	}
	n = cxp_get_u32(&b);
	r->st = vm_store_new(0);
	if (!r->st) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct vm_chunk ch;
		size_t at = b.off;

		p = cxp_get_bytes(&b, VM_CHUNK_WIRE_SIZE);
		if (!p || vm_chunk_decode(p, VM_CHUNK_WIRE_SIZE, &ch, serr, sizeof(serr)) < 0 ||
		    vm_store_put(r->st, &ch) < 0) {
			snprintf(err, errlen, "%s: bad chunk %u of %u at byte %zu: %s", path, i, n,
				 at, p ? serr : "truncated");
			goto out;
		}
	}
	r->status = cxp_get_u32(&b);
	r->fuel_used = cxp_get_u64(&b);
	p = cxp_get_bytes(&b, CXP_DIGEST_SIZE);
	if (p)
		memcpy(r->digest, p, CXP_DIGEST_SIZE);
	olen = cxp_get_u32(&b);
	p = cxp_get_bytes(&b, olen);
	if (p)
		r->output = tl_memdup0((const char *)p, r->output_len = olen);
	vlen = cxp_get_u32(&b);
	p = cxp_get_bytes(&b, vlen);
	if (p)
		r->value = tl_memdup0((const char *)p, r->value_len = vlen);
	cxp_get_str(&b, r->container, sizeof(r->container));
	if (b.err || b.off != b.len || !r->output || !r->value) {
		snprintf(err, errlen, "%s: truncated or malformed after the chunks (byte %zu of %zu)",
			 path, b.off, b.len);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	if (rc < 0)
		tl_record_free(r);
	return rc;
}

void tl_record_free(struct tl_record *r)
{
	if (r->st)
		vm_store_free(r->st);
	free(r->output);
	free(r->value);
	memset(r, 0, sizeof(*r));
}

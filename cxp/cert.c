/* SPDX-License-Identifier: MIT */
/*
 * Certificates for a cluster, written with mbedTLS's x509 writer (the code
 * behind `tasklet cert`, man tasklet-cert(1)): a self-signed CA, and
 * certificates the CA issues to traders, containers and applications.
 *
 * Keys are EC P-256, signatures ECDSA with SHA-256, serials 127 random
 * bits. A CA has basicConstraints CA:TRUE, pathlen 0 (it signs end
 * entities only) and keyUsage keyCertSign|cRLSign; an issued certificate
 * CA:FALSE and keyUsage digitalSignature|keyAgreement, usable by a TLS
 * client and a TLS server alike. Files are never overwritten: a CA's key
 * is not something to lose by re-running a script.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crl.h>
#include <mbedtls/x509_crt.h>

#include "cxp/cxp.h"

#define CA_DAYS   3650
#define LEAF_DAYS 825
#define PEM_MAX   4096

int cxp_cert_name_ok(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	n = strlen(name);
	if (n == 0 || n > 63 || name[0] == '.' || name[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

/* "YYYYMMDDhhmmss" in UTC, as the x509 writer wants it. */
static int x509_time(time_t t, char out[16])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1950)
		return -EINVAL;
	return strftime(out, 16, "%Y%m%d%H%M%S", &tm) == 14 ? 0 : -EINVAL;
}

/* Write s to path, which must not exist yet. 0 or -errno with err set. */
static int write_new(const char *path, const char *s, mode_t mode, char *err, size_t errlen)
{
	size_t n = strlen(s), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int ret = 0;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot create: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (remove it first: certificates and keys are "
					   "never overwritten)" : "");
		return ret;
	}
	while (off < n) {
		ssize_t w = write(fd, s + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			snprintf(err, errlen, "%s: write failed: %s", path, strerror(-ret));
			break;
		}
		off += (size_t)w;
	}
	if (!ret && fsync(fd) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: fsync failed: %s", path, strerror(errno));
	}
	close(fd);
	if (ret)
		unlink(path);
	return ret;
}

/* The CA whose files are ca_crt and ca_key: a CA certificate and the key
 * that belongs to it. 0, or -errno with err saying which file is wrong. */
static int load_ca(const char *ca_crt, const char *ca_key, mbedtls_x509_crt *cacert,
		   mbedtls_pk_context *cakey, char *err, size_t errlen)
{
	char e[128];
	int ret;

	if (access(ca_crt, R_OK) < 0 || access(ca_key, R_OK) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read the CA: %s (--ca takes DIR/NAME of "
			 "files DIR/NAME.crt and DIR/NAME.key)",
			 access(ca_crt, R_OK) < 0 ? ca_crt : ca_key, strerror(-ret));
		return ret;
	}
	ret = mbedtls_x509_crt_parse_file(cacert, ca_crt);
	if (ret) {
		mbedtls_strerror(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: not a certificate (%s)", ca_crt, e);
		return -EINVAL;
	}
	if (!cacert->ca_istrue) {
		snprintf(err, errlen, "%s: not a CA certificate (basicConstraints CA:FALSE)",
			 ca_crt);
		return -EINVAL;
	}
	ret = mbedtls_pk_parse_keyfile(cakey, ca_key, NULL);
	if (ret) {
		mbedtls_strerror(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: not a usable private key (%s)", ca_key, e);
		return -EINVAL;
	}
	if (mbedtls_pk_check_pair(&cacert->pk, cakey)) {
		snprintf(err, errlen, "%s: this key does not belong to %s", ca_key, ca_crt);
		return -EINVAL;
	}
	return 0;
}

int cxp_cert_make(const struct cxp_cert_spec *sp, char *err, size_t errlen)
{
	char crt_path[4096], key_path[4096], ca_crt[4096], ca_key[4096];
	char subject[80], issuer[256], nb[16], na[16], e[128], dummy[8];
	unsigned char serial_bytes[16];
	unsigned char *pem = NULL;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context key, cakey;
	mbedtls_x509_crt cacert;
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	time_t not_before, not_after;
	int ret, key_written = 0;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!sp || !cxp_cert_name_ok(sp->name)) {
		snprintf(err, errlen, "bad certificate name '%s': use 1 to 63 of A-Z a-z 0-9 . _ -, "
			 "not starting with . or -", sp && sp->name ? sp->name : "");
		return -EINVAL;
	}
	if (!sp->out_dir || !*sp->out_dir) {
		snprintf(err, errlen, "no output directory given");
		return -EINVAL;
	}
	if (snprintf(crt_path, sizeof(crt_path), "%s/%s.crt", sp->out_dir, sp->name) >=
		    (int)sizeof(crt_path) ||
	    snprintf(key_path, sizeof(key_path), "%s/%s.key", sp->out_dir, sp->name) >=
		    (int)sizeof(key_path) ||
	    (sp->ca && (snprintf(ca_crt, sizeof(ca_crt), "%s.crt", sp->ca) >= (int)sizeof(ca_crt) ||
			snprintf(ca_key, sizeof(ca_key), "%s.key", sp->ca) >= (int)sizeof(ca_key)))) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	not_before = sp->not_before ? sp->not_before : time(NULL) - 3600;
	not_after = sp->not_after ? sp->not_after :
				    not_before + (time_t)(sp->ca ? LEAF_DAYS : CA_DAYS) * 86400;
	if (not_after <= not_before || x509_time(not_before, nb) || x509_time(not_after, na)) {
		snprintf(err, errlen, "bad validity period");
		return -EINVAL;
	}

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&key);
	mbedtls_pk_init(&cakey);
	mbedtls_x509_crt_init(&cacert);
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);

	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				    (const unsigned char *)"tasklet-cert", 12);
	if (ret)
		goto tls_fail;
	if (sp->ca) {
		ret = load_ca(ca_crt, ca_key, &cacert, &cakey, err, errlen);
		if (ret)
			goto out;
		ret = mbedtls_x509_dn_gets(issuer, sizeof(issuer), &cacert.subject);
		if (ret < 0) {
			snprintf(err, errlen, "%s: cannot read its subject name", ca_crt);
			ret = -EINVAL;
			goto out;
		}
	}
	snprintf(subject, sizeof(subject), "CN=%s", sp->name);
	if (!sp->ca)
		snprintf(issuer, sizeof(issuer), "%s", subject);

	/* the new key */
	ret = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!ret)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key),
					  mbedtls_ctr_drbg_random, &drbg);
	if (ret)
		goto tls_fail;

	/* the certificate */
	ret = mbedtls_ctr_drbg_random(&drbg, serial_bytes, sizeof(serial_bytes));
	if (ret)
		goto tls_fail;
	serial_bytes[0] &= 0x7f; /* positive */
	serial_bytes[0] |= 0x01; /* and never 0 */
	ret = mbedtls_mpi_read_binary(&serial, serial_bytes, sizeof(serial_bytes));
	if (ret)
		goto tls_fail;
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &key);
	mbedtls_x509write_crt_set_issuer_key(&w, sp->ca ? &cakey : &key);
	if ((ret = mbedtls_x509write_crt_set_serial(&w, &serial)) ||
	    (ret = mbedtls_x509write_crt_set_validity(&w, nb, na)) ||
	    (ret = mbedtls_x509write_crt_set_subject_name(&w, subject)) ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&w, issuer)) ||
	    (ret = mbedtls_x509write_crt_set_basic_constraints(&w, sp->ca ? 0 : 1, 0)) ||
	    (ret = mbedtls_x509write_crt_set_subject_key_identifier(&w)) ||
	    (ret = mbedtls_x509write_crt_set_authority_key_identifier(&w)) ||
	    (ret = mbedtls_x509write_crt_set_key_usage(
		     &w, sp->ca ? MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_AGREEMENT :
				  MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN)))
		goto tls_fail;
	pem = calloc(1, PEM_MAX);
	if (!pem) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	ret = mbedtls_pk_write_key_pem(&key, pem, PEM_MAX);
	if (ret)
		goto tls_fail;
	ret = write_new(key_path, (const char *)pem, 0600, err, errlen);
	if (ret)
		goto out;
	key_written = 1;
	memset(pem, 0, PEM_MAX);
	ret = mbedtls_x509write_crt_pem(&w, pem, PEM_MAX, mbedtls_ctr_drbg_random, &drbg);
	if (ret)
		goto tls_fail;
	ret = write_new(crt_path, (const char *)pem, 0644, err, errlen);
	goto out;
tls_fail:
	mbedtls_strerror(ret, e, sizeof(e));
	snprintf(err, errlen, "%s: cannot make the certificate: %s", crt_path, e);
	ret = -EIO;
out:
	if (ret && key_written)
		unlink(key_path);
	if (pem) {
		memset(pem, 0, PEM_MAX); /* it held the private key */
		free(pem);
	}
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	mbedtls_x509_crt_free(&cacert);
	mbedtls_pk_free(&cakey);
	mbedtls_pk_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return ret;
}

/* ---- Revocation: DIR/NAME.crl --------------------------------------------- */

/* Entries a CRL may hold (each ~40 bytes of DER). */
#define CRL_MAX_ENTRIES 16384
#define CRL_DER_MAX	(CRL_MAX_ENTRIES * 48 + 4096)
/* The CRL's nextUpdate: a verifier refuses every certificate of the CA once
 * it passes (mbedTLS: "The CRL is expired"), so it is set to the CA's own
 * end of validity: the list is the operator's file, replaced when it
 * changes, not fetched on a schedule. */

/* An X.509 Time (UTCTime before 2050, else GeneralizedTime), backwards at *p. */
static int asn1_write_time(unsigned char **p, unsigned char *start, const mbedtls_x509_time *t)
{
	char s[20];
	int n, len = 0, ret;

	if (t->year < 2050)
		n = snprintf(s, sizeof(s), "%02d%02d%02d%02d%02d%02dZ", t->year % 100, t->mon,
			     t->day, t->hour, t->min, t->sec);
	else
		n = snprintf(s, sizeof(s), "%04d%02d%02d%02d%02d%02dZ", t->year, t->mon, t->day,
			     t->hour, t->min, t->sec);
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(p, start, (const unsigned char *)s,
								 (size_t)n));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(p, start, (size_t)len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(p, start, t->year < 2050
								? MBEDTLS_ASN1_UTC_TIME
								: MBEDTLS_ASN1_GENERALIZED_TIME));
	return len;
}

/* AlgorithmIdentifier ecdsa-with-SHA256 (no parameters), backwards at *p. */
static int asn1_write_ecdsa_sha256(unsigned char **p, unsigned char *start)
{
	int len = 0, ret;

	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_oid(p, start, MBEDTLS_OID_ECDSA_SHA256,
							 MBEDTLS_OID_SIZE(MBEDTLS_OID_ECDSA_SHA256)));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(p, start, (size_t)len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED |
								   MBEDTLS_ASN1_SEQUENCE));
	return len;
}

/* A SEQUENCE header around the len bytes just written at *p: its size. */
static int asn1_wrap_seq(unsigned char **p, unsigned char *start, int len)
{
	int ret, n = 0;

	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_len(p, start, (size_t)len));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED |
								 MBEDTLS_ASN1_SEQUENCE));
	return n;
}

/* len += f, or ret = f and to cleanup when f < 0 (mbedTLS 2.28 has no
 * MBEDTLS_ASN1_CHK_CLEANUP_ADD). */
#define CRL_CHK(len, f)                  \
	do {                             \
		int r_ = (f);            \
		if (r_ < 0) {            \
			ret = r_;        \
			goto cleanup;    \
		}                        \
		(len) += r_;             \
	} while (0)

/* One revoked certificate: its serial (the INTEGER's content octets) and when. */
struct crl_ent {
	const unsigned char *serial;
	size_t len;
	mbedtls_x509_time when;
};

static mbedtls_x509_time x509_now(void)
{
	mbedtls_x509_time t = { 0 };
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	t.year = tm.tm_year + 1900, t.mon = tm.tm_mon + 1, t.day = tm.tm_mday;
	t.hour = tm.tm_hour, t.min = tm.tm_min, t.sec = tm.tm_sec;
	return t;
}

/*
 * The DER of a v1 CRL (RFC 5280 §5) issued by cacert over ents[0..n),
 * signed with cakey, at out[0..*outlen): TBSCertList { signature, issuer,
 * thisUpdate, nextUpdate, revokedCertificates }, then the signature.
 */
static int crl_der(const mbedtls_x509_crt *cacert, mbedtls_pk_context *cakey,
		   const struct crl_ent *ents, size_t n, mbedtls_ctr_drbg_context *drbg,
		   unsigned char *out, size_t outcap, size_t *outlen)
{
	unsigned char *tbs = malloc(CRL_DER_MAX), *p, *q, hash[32];
	unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_x509_time now = x509_now();
	size_t siglen = 0;
	int ret, len = 0, ents_len = 0, all = 0;

	if (!tbs)
		return MBEDTLS_ERR_ASN1_ALLOC_FAILED;
	p = tbs + CRL_DER_MAX;
	for (size_t i = n; i-- > 0;) {
		int e = 0;

		CRL_CHK(e, asn1_write_time(&p, tbs, &ents[i].when));
		CRL_CHK(e, mbedtls_asn1_write_raw_buffer(&p, tbs, ents[i].serial,
									      ents[i].len));
		CRL_CHK(e, mbedtls_asn1_write_len(&p, tbs, ents[i].len));
		CRL_CHK(e, mbedtls_asn1_write_tag(&p, tbs, MBEDTLS_ASN1_INTEGER));
		CRL_CHK(e, asn1_wrap_seq(&p, tbs, e));
		ents_len += e;
	}
	len = ents_len;
	if (n)
		CRL_CHK(len, asn1_wrap_seq(&p, tbs, ents_len));
	CRL_CHK(len, asn1_write_time(&p, tbs, &cacert->valid_to));
	CRL_CHK(len, asn1_write_time(&p, tbs, &now));
	CRL_CHK(len, mbedtls_asn1_write_raw_buffer(&p, tbs, cacert->subject_raw.p,
									 cacert->subject_raw.len));
	CRL_CHK(len, asn1_write_ecdsa_sha256(&p, tbs));
	CRL_CHK(len, asn1_wrap_seq(&p, tbs, len));
	/* sign the TBSCertList */
	ret = mbedtls_sha256_ret(p, (size_t)len, hash, 0);
	if (!ret)
		ret = mbedtls_pk_sign(cakey, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, &siglen,
				      mbedtls_ctr_drbg_random, drbg);
	if (ret)
		goto cleanup;
	/* CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue } */
	q = out + outcap;
	CRL_CHK(all, mbedtls_asn1_write_bitstring(&q, out, sig, siglen * 8));
	CRL_CHK(all, asn1_write_ecdsa_sha256(&q, out));
	CRL_CHK(all, mbedtls_asn1_write_raw_buffer(&q, out, p, (size_t)len));
	CRL_CHK(all, asn1_wrap_seq(&q, out, all));
	memmove(out, q, (size_t)all);
	*outlen = (size_t)all;
	ret = 0;
cleanup:
	free(tbs);
	return ret;
}

/* Write s to path through path.tmp and a rename: the old list stays whole
 * until the new one is. 0 or -errno with err set. */
static int write_replace(const char *path, const char *s, char *err, size_t errlen)
{
	char tmp[4200];
	int ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	unlink(tmp);
	ret = write_new(tmp, s, 0644, err, errlen);
	if (ret)
		return ret;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot replace it: %s", path, strerror(errno));
		unlink(tmp);
	}
	return ret;
}

int cxp_cert_revoke(const char *ca, const char *cert_file, char *serial_hex, size_t hexcap,
		    char *err, size_t errlen)
{
	char ca_crt[4096], ca_key[4096], crl_path[4096], e[128], dummy[8];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt cacert, leaf;
	mbedtls_x509_crl old;
	mbedtls_pk_context cakey;
	struct crl_ent *ents = NULL;
	unsigned char *der = NULL, *pem = NULL;
	size_t n = 0, derlen = 0, pemlen = 0;
	uint32_t flags = 0;
	int ret, have_old = 0;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!ca || !*ca || !cert_file) {
		snprintf(err, errlen, "revoking needs the CA (DIR/NAME) and a certificate file");
		return -EINVAL;
	}
	if (snprintf(ca_crt, sizeof(ca_crt), "%s.crt", ca) >= (int)sizeof(ca_crt) ||
	    snprintf(ca_key, sizeof(ca_key), "%s.key", ca) >= (int)sizeof(ca_key) ||
	    snprintf(crl_path, sizeof(crl_path), "%s.crl", ca) >= (int)sizeof(crl_path)) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_x509_crt_init(&cacert);
	mbedtls_x509_crt_init(&leaf);
	mbedtls_x509_crl_init(&old);
	mbedtls_pk_init(&cakey);
	ret = load_ca(ca_crt, ca_key, &cacert, &cakey, err, errlen);
	if (ret)
		goto out;
	ret = mbedtls_x509_crt_parse_file(&leaf, cert_file);
	if (ret) {
		mbedtls_strerror(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: not a certificate (%s)", cert_file, e);
		ret = -EINVAL;
		goto out;
	}
	/* Issued by this CA (an expired one may still be revoked). */
	ret = mbedtls_x509_crt_verify(&leaf, &cacert, NULL, NULL, &flags, NULL, NULL);
	if (ret && (flags & ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))) {
		snprintf(err, errlen, "%s: not issued by the CA %s", cert_file, ca_crt);
		ret = -EINVAL;
		goto out;
	}
	snprintf(serial_hex ? serial_hex : dummy, serial_hex ? hexcap : sizeof(dummy), "%s", "");
	if (serial_hex)
		mbedtls_x509_serial_gets(serial_hex, hexcap, &leaf.serial);
	if (access(crl_path, F_OK) == 0) {
		ret = mbedtls_x509_crl_parse_file(&old, crl_path);
		if (ret) {
			mbedtls_strerror(ret, e, sizeof(e));
			snprintf(err, errlen, "%s: not a CRL (%s); move it away to start a new one",
				 crl_path, e);
			ret = -EINVAL;
			goto out;
		}
		if (old.issuer_raw.len != cacert.subject_raw.len ||
		    memcmp(old.issuer_raw.p, cacert.subject_raw.p, old.issuer_raw.len)) {
			snprintf(err, errlen, "%s: a CRL of another CA", crl_path);
			ret = -EINVAL;
			goto out;
		}
		have_old = 1;
	}
	ents = calloc(CRL_MAX_ENTRIES, sizeof(*ents));
	der = malloc(CRL_DER_MAX);
	pem = malloc(CRL_DER_MAX * 2);
	if (!ents || !der || !pem) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (const mbedtls_x509_crl_entry *x = have_old ? &old.entry : NULL; x && x->serial.len;
	     x = x->next) {
		if (x->serial.len == leaf.serial.len &&
		    !memcmp(x->serial.p, leaf.serial.p, x->serial.len)) {
			ret = 1; /* revoked already: nothing to write */
			goto out;
		}
		if (n == CRL_MAX_ENTRIES - 1) {
			snprintf(err, errlen, "%s: full (%d certificates)", crl_path,
				 CRL_MAX_ENTRIES - 1);
			ret = -ENOSPC;
			goto out;
		}
		ents[n++] = (struct crl_ent){ x->serial.p, x->serial.len, x->revocation_date };
	}
	ents[n++] = (struct crl_ent){ leaf.serial.p, leaf.serial.len, x509_now() };
	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				    (const unsigned char *)"tasklet-crl", 11);
	if (!ret)
		ret = crl_der(&cacert, &cakey, ents, n, &drbg, der, CRL_DER_MAX, &derlen);
	if (!ret)
		ret = mbedtls_pem_write_buffer("-----BEGIN X509 CRL-----\n",
					       "-----END X509 CRL-----\n", der, derlen, pem,
					       CRL_DER_MAX * 2, &pemlen);
	if (ret) {
		mbedtls_strerror(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: cannot make the CRL: %s", crl_path, e);
		ret = -EIO;
		goto out;
	}
	{
		/* Read back what was made, as every verifier will. */
		mbedtls_x509_crl chk;

		mbedtls_x509_crl_init(&chk);
		ret = mbedtls_x509_crl_parse_der(&chk, der, derlen);
		mbedtls_x509_crl_free(&chk);
		if (ret) {
			mbedtls_strerror(ret, e, sizeof(e));
			snprintf(err, errlen, "%s: the CRL made does not parse: %s", crl_path, e);
			ret = -EIO;
			goto out;
		}
	}
	ret = write_replace(crl_path, (const char *)pem, err, errlen);
out:
	free(ents);
	free(der);
	free(pem);
	mbedtls_pk_free(&cakey);
	mbedtls_x509_crl_free(&old);
	mbedtls_x509_crt_free(&leaf);
	mbedtls_x509_crt_free(&cacert);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return ret;
}

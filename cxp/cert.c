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

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
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
		if (access(ca_crt, R_OK) < 0 || access(ca_key, R_OK) < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot read the CA: %s (--ca takes DIR/NAME of "
				 "files DIR/NAME.crt and DIR/NAME.key)",
				 access(ca_crt, R_OK) < 0 ? ca_crt : ca_key, strerror(-ret));
			goto out;
		}
		ret = mbedtls_x509_crt_parse_file(&cacert, ca_crt);
		if (ret) {
			mbedtls_strerror(ret, e, sizeof(e));
			snprintf(err, errlen, "%s: not a certificate (%s)", ca_crt, e);
			ret = -EINVAL;
			goto out;
		}
		if (!cacert.ca_istrue) {
			snprintf(err, errlen, "%s: not a CA certificate (basicConstraints CA:FALSE)",
				 ca_crt);
			ret = -EINVAL;
			goto out;
		}
		ret = mbedtls_pk_parse_keyfile(&cakey, ca_key, NULL);
		if (ret) {
			mbedtls_strerror(ret, e, sizeof(e));
			snprintf(err, errlen, "%s: not a usable private key (%s)", ca_key, e);
			ret = -EINVAL;
			goto out;
		}
		if (mbedtls_pk_check_pair(&cacert.pk, &cakey)) {
			snprintf(err, errlen, "%s: this key does not belong to %s", ca_key, ca_crt);
			ret = -EINVAL;
			goto out;
		}
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

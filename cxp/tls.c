/* SPDX-License-Identifier: MIT */
/*
 * The TLS transport of the CXP loop (mbedTLS 2.28: TLS 1.2, AEAD suites
 * only), and the credentials it runs on (struct cxp_tls).
 *
 * mbedTLS never touches the socket: its BIO callbacks read from a
 * ciphertext buffer the ring's RECV filled, and append to a ciphertext
 * buffer the ring's SEND drains. The BIO send never refuses bytes, so
 * mbedtls_ssl_write never returns WANT_WRITE; the BIO recv says WANT_READ
 * when the buffer is empty, and the loop's next RECV brings more. The
 * handshake runs inside those two paths; once it has succeeded and the
 * peer's certificate passed our checks, cxp_conn_ready() tells the owner.
 *
 * Memory per connection: mbedTLS's two record buffers (about 2 x 16.7 KiB),
 * TIN_CAP of ciphertext in, at most TOUT_BATCH (+ one record) out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/md.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crl.h>
#include <mbedtls/x509_crt.h>

#include "cxp/cxp.h"
#include "cxp/cxp_int.h"

#define TIN_CAP    (64u << 10)  /* ciphertext received, not yet decrypted */
#define TOUT_BATCH (256u << 10) /* encrypt at most this much per send */
#define CN_MAX     64

struct cxp_tls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt own;
	mbedtls_pk_context key;
	mbedtls_x509_crt cas;
	mbedtls_x509_crl *crls; /* revocation lists (heap: replaced when their files
				 * change); with ncrl == 0, unused */
	unsigned ncrl;
	char *crl_files[CXP_TLS_CA_MAX];
	struct stat crl_st[CXP_TLS_CA_MAX]; /* the files as last read (or tried) */
	mbedtls_ssl_config srv, cli;
	int has_own;
	/* Held across each handshake step. mbedTLS 2.28 computes an EC group's
	 * fixed-point table lazily, on the first multiplication with its base
	 * point, and stores it in the group: the own key's and the CAs' keys'
	 * groups are shared by every loop using these credentials, so two
	 * threads' first handshakes would race on it. Records (the bulk of the
	 * work) run on per-connection state, outside the lock. */
	pthread_mutex_t hs_mu;
};

struct tls_conn {
	mbedtls_ssl_context ssl;
	struct cxp_tls *t;
	uint8_t *in;
	size_t in_off, in_len; /* ciphertext [in_off, in_len) not yet read by mbedTLS */
	struct cxp_obuf out;   /* ciphertext to send */
	int server, done, any_in;
	int hs_begun; /* its first handshake step ran (the revocation lists checked then) */
	uint8_t first[2];      /* the first two bytes the peer sent (for error hints) */
	size_t first_off;      /* where they are in in[] */
	int top_depth;         /* depth of the chain's top seen by the verify callback */
	uint32_t vflags;       /* verification flags of the whole chain (MBEDTLS_X509_BADCERT_*) */
	char cn[CN_MAX], ca_cn[CN_MAX];
	char expect_cn[CN_MAX]; /* client side: the server's name we require ("" none) */
	int has_peer;
};

/*
 * TLS 1.2, ECDHE (forward secrecy) with AEAD only. ChaCha20-Poly1305 first:
 * mbedTLS 2.28's GCM goes 16 bytes at a time even with AES-NI (measured on
 * the x86-64 build machine: 94 MB/s AES-128-GCM against 173 MB/s
 * ChaCha20-Poly1305, one core), and a server picks in its own order.
 */
static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	0,
};

static void tls_err(int ret, char *buf, size_t cap)
{
	mbedtls_strerror(ret, buf, cap);
}

/* ---- Credentials ------------------------------------------------------- */

/* Load a certificate file into crt; 0 or -errno with the problem in err. */
static int load_crt(mbedtls_x509_crt *crt, const char *what, const char *file, char *err,
		    size_t errlen)
{
	char e[128];
	int ret;

	if (access(file, R_OK) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read the %s: %s", file, what, strerror(errno));
		return ret;
	}
	ret = mbedtls_x509_crt_parse_file(crt, file);
	if (ret < 0) {
		tls_err(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: not a valid %s in PEM or DER (%s)", file, what, e);
		return -EINVAL;
	}
	if (ret > 0) {
		snprintf(err, errlen, "%s: %d of the certificates in it could not be parsed", file,
			 ret);
		return -EINVAL;
	}
	return 0;
}

/*
 * Add a revocation list to t->crls: it must parse, be issued by one of the
 * CAs loaded already and carry that CA's signature (a list from elsewhere
 * would silently revoke nothing). 0 or -errno with the problem in err.
 */
static int load_crl(struct cxp_tls *t, mbedtls_x509_crl *chain, const char *file, char *err,
		    size_t errlen)
{
	unsigned char hash[MBEDTLS_MD_MAX_SIZE];
	const mbedtls_x509_crl *crl;
	const mbedtls_md_info_t *md;
	const mbedtls_x509_crt *ca;
	char e[128];
	int ret;

	if (access(file, R_OK) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read the revocation list: %s", file,
			 strerror(errno));
		return ret;
	}
	ret = mbedtls_x509_crl_parse_file(chain, file);
	if (ret) {
		tls_err(ret, e, sizeof(e));
		snprintf(err, errlen, "%s: not a valid CRL in PEM or DER (%s)", file, e);
		return -EINVAL;
	}
	for (crl = chain; crl->next; crl = crl->next)
		; /* the one just added is the last */
	for (ca = &t->cas; ca && ca->raw.len; ca = ca->next)
		if (ca->subject_raw.len == crl->issuer_raw.len &&
		    !memcmp(ca->subject_raw.p, crl->issuer_raw.p, crl->issuer_raw.len))
			break;
	if (!ca || !ca->raw.len) {
		snprintf(err, errlen, "%s: a revocation list of a CA not given with --ca", file);
		return -EINVAL;
	}
	md = mbedtls_md_info_from_type(crl->sig_md);
	if (!md || mbedtls_md(md, crl->tbs.p, crl->tbs.len, hash) ||
	    mbedtls_pk_verify_ext(crl->sig_pk, crl->sig_opts, (mbedtls_pk_context *)&ca->pk,
				  crl->sig_md, hash, mbedtls_md_get_size(md), crl->sig.p,
				  crl->sig.len)) {
		snprintf(err, errlen, "%s: its signature is not its CA's", file);
		return -EINVAL;
	}
	if (mbedtls_x509_time_is_past(&crl->next_update)) {
		snprintf(err, errlen, "%s: out of date (next update %04d-%02d-%02d): peers of its "
			 "CA would all be refused", file, crl->next_update.year,
			 crl->next_update.mon, crl->next_update.day);
		return -EINVAL;
	}
	return 0;
}

static void conf_common(mbedtls_ssl_config *conf, struct cxp_tls *t)
{
	mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(conf, suites);
	mbedtls_ssl_conf_ca_chain(conf, &t->cas, t->ncrl ? t->crls : NULL);
	mbedtls_ssl_conf_renegotiation(conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	if (t->has_own)
		mbedtls_ssl_conf_own_cert(conf, &t->own, &t->key);
}

struct cxp_tls *cxp_tls_new(const struct cxp_tls_config *cfg, char *err, size_t errlen)
{
	char e[128], dummy[8];
	struct cxp_tls *t;
	int ret = -EINVAL;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!cfg || cfg->nca == 0 || cfg->nca > CXP_TLS_CA_MAX) {
		snprintf(err, errlen, "TLS needs 1 to %d trusted CA certificate files (--ca)",
			 CXP_TLS_CA_MAX);
		errno = EINVAL;
		return NULL;
	}
	if (!cfg->cert_file != !cfg->key_file) {
		snprintf(err, errlen, "a certificate needs its key and a key its certificate "
			 "(--cert and --key go together)");
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_x509_crt_init(&t->own);
	mbedtls_pk_init(&t->key);
	mbedtls_x509_crt_init(&t->cas);
	mbedtls_ssl_config_init(&t->srv);
	mbedtls_ssl_config_init(&t->cli);
	pthread_mutex_init(&t->hs_mu, NULL);
	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				    (const unsigned char *)"tasklet-cxp-tls", 15);
	if (ret) {
		tls_err(ret, e, sizeof(e));
		snprintf(err, errlen, "cannot seed the random generator: %s", e);
		ret = -EIO;
		goto fail;
	}
	for (unsigned i = 0; i < cfg->nca; i++) {
		ret = load_crt(&t->cas, "CA certificate", cfg->ca_files[i], err, errlen);
		if (ret < 0)
			goto fail;
	}
	if (cfg->ncrl) {
		t->crls = calloc(1, sizeof(*t->crls));
		if (!t->crls) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
			goto fail;
		}
		mbedtls_x509_crl_init(t->crls);
	}
	for (unsigned i = 0; i < cfg->ncrl && i < CXP_TLS_CA_MAX; i++) {
		t->crl_files[i] = strdup(cfg->crl_files[i]);
		if (!t->crl_files[i] || stat(cfg->crl_files[i], &t->crl_st[i]) < 0) {
			ret = t->crl_files[i] ? -errno : -ENOMEM;
			snprintf(err, errlen, "%s: cannot read the revocation list: %s",
				 cfg->crl_files[i], strerror(-ret));
			goto fail;
		}
		t->ncrl++;
		ret = load_crl(t, t->crls, cfg->crl_files[i], err, errlen);
		if (ret < 0)
			goto fail;
	}
	if (cfg->cert_file) {
		ret = load_crt(&t->own, "certificate", cfg->cert_file, err, errlen);
		if (ret < 0)
			goto fail;
		/* Only a warning: the peers refuse it with a logged reason, and a
		 * test of exactly that needs to be able to present one. */
		if (mbedtls_x509_time_is_past(&t->own.valid_to))
			cxp_log("warning: %s: the certificate expired on %04d-%02d-%02d; peers "
				"will refuse it", cfg->cert_file, t->own.valid_to.year,
				t->own.valid_to.mon, t->own.valid_to.day);
		else if (mbedtls_x509_time_is_future(&t->own.valid_from))
			cxp_log("warning: %s: the certificate is not valid before "
				"%04d-%02d-%02d; peers will refuse it until then", cfg->cert_file,
				t->own.valid_from.year, t->own.valid_from.mon,
				t->own.valid_from.day);
		if (access(cfg->key_file, R_OK) < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot read the private key: %s", cfg->key_file,
				 strerror(errno));
			goto fail;
		}
		ret = mbedtls_pk_parse_keyfile(&t->key, cfg->key_file, NULL);
		if (ret) {
			tls_err(ret, e, sizeof(e));
			snprintf(err, errlen, "%s: not a usable private key (%s)%s", cfg->key_file,
				 e, ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED ?
				 "; encrypted keys are not supported" : "");
			ret = -EINVAL;
			goto fail;
		}
		if (mbedtls_pk_check_pair(&t->own.pk, &t->key)) {
			snprintf(err, errlen, "%s: this key does not belong to the certificate %s",
				 cfg->key_file, cfg->cert_file);
			ret = -EINVAL;
			goto fail;
		}
		t->has_own = 1;
	}
	if (mbedtls_ssl_config_defaults(&t->srv, MBEDTLS_SSL_IS_SERVER,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) ||
	    mbedtls_ssl_config_defaults(&t->cli, MBEDTLS_SSL_IS_CLIENT,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) {
		snprintf(err, errlen, "cannot set up the TLS configuration");
		ret = -ENOMEM;
		goto fail;
	}
	conf_common(&t->srv, t);
	conf_common(&t->cli, t);
	/* A server always asks for a client certificate; OPTIONAL still refuses a bad
	 * one (checked after the handshake), it only lets a client present none. */
	mbedtls_ssl_conf_authmode(&t->srv, cfg->require_peer_cert ? MBEDTLS_SSL_VERIFY_REQUIRED :
								  MBEDTLS_SSL_VERIFY_OPTIONAL);
	mbedtls_ssl_conf_authmode(&t->cli, MBEDTLS_SSL_VERIFY_REQUIRED);
	return t;
fail:
	cxp_tls_free(t);
	errno = -ret;
	return NULL;
}

void cxp_tls_free(struct cxp_tls *t)
{
	if (!t)
		return;
	mbedtls_ssl_config_free(&t->srv);
	mbedtls_ssl_config_free(&t->cli);
	mbedtls_x509_crt_free(&t->cas);
	if (t->crls)
		mbedtls_x509_crl_free(t->crls);
	free(t->crls);
	for (unsigned i = 0; i < t->ncrl; i++)
		free(t->crl_files[i]);
	mbedtls_pk_free(&t->key);
	mbedtls_x509_crt_free(&t->own);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	pthread_mutex_destroy(&t->hs_mu);
	free(t);
}

int cxp_tls_can_serve(const struct cxp_tls *t)
{
	return t->has_own;
}

/* ---- Per connection ---------------------------------------------------- */

static void subject_cn(const mbedtls_x509_crt *crt, char *buf, size_t cap);

int cxp_cert_file_cn(const char *path, char *cn, size_t cap, char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	int rc;

	mbedtls_x509_crt_init(&crt);
	rc = mbedtls_x509_crt_parse_file(&crt, path);
	if (rc != 0) {
		char e[120];

		mbedtls_strerror(rc, e, sizeof(e));
		snprintf(err, errlen, "%s: not a certificate (%s)", path, e);
		mbedtls_x509_crt_free(&crt);
		return -EINVAL;
	}
	subject_cn(&crt, cn, cap);
	mbedtls_x509_crt_free(&crt);
	if (!cn[0]) {
		snprintf(err, errlen, "%s: the certificate has no common name", path);
		return -EINVAL;
	}
	return 0;
}

/* The subject CN of crt, with bytes outside [A-Za-z0-9 ._@:-] shown as '?'
 * (it comes from the network and goes into logs). "" when none. */
static void subject_cn(const mbedtls_x509_crt *crt, char *buf, size_t cap)
{
	const mbedtls_x509_name *n;

	buf[0] = '\0';
	for (n = &crt->subject; n; n = n->next) {
		size_t k;

		if (!n->oid.p || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid))
			continue;
		for (k = 0; k < n->val.len && k + 1 < cap; k++) {
			unsigned char ch = n->val.p[k];

			buf[k] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				 (ch >= '0' && ch <= '9') || strchr(" ._@:-", ch) ? (char)ch : '?';
			if (!ch)
				buf[k] = '?';
		}
		buf[k] = '\0';
		return;
	}
}

/* Called by mbedTLS for each certificate of the verified chain, the top
 * (the trusted CA) first: remember the CA's and the peer's names. */
static int verify_cb(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_conn *s = arg;

	if (depth > s->top_depth) {
		s->top_depth = depth;
		subject_cn(crt, s->ca_cn, sizeof(s->ca_cn));
	}
	s->vflags |= *flags;
	if (depth == 0) {
		subject_cn(crt, s->cn, sizeof(s->cn));
		if (s->top_depth == 0) /* the peer's certificate is itself a trusted one */
			snprintf(s->ca_cn, sizeof(s->ca_cn), "%s", s->cn);
		/* Fail the handshake itself, also where the client certificate is
		 * optional (mbedTLS would let a bad one pass and leave the check to
		 * us): the peer then hears a fatal alert instead of a finished
		 * handshake followed by a close. */
		if (s->vflags)
			return MBEDTLS_ERR_X509_FATAL_ERROR;
	}
	return 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct cxp_conn *c = ctx;
	struct tls_conn *s = c->tpd;
	struct cxp_obuf *o = &s->out;

	if (cxp_obuf_reserve(o, len, 32u << 10) < 0)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	memcpy(o->p + o->len, buf, len);
	o->len += len;
	return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct cxp_conn *c = ctx;
	struct tls_conn *s = c->tpd;
	size_t n = s->in_len - s->in_off;

	if (!n)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > len)
		n = len;
	memcpy(buf, s->in + s->in_off, n);
	s->in_off += n;
	return (int)n;
}

int cxp_tls_attach(struct cxp_conn *c, struct cxp_tls *t, int server, const char *expect_cn)
{
	struct tls_conn *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	mbedtls_ssl_init(&s->ssl);
	s->in = malloc(TIN_CAP);
	if (!s->in || mbedtls_ssl_setup(&s->ssl, server ? &t->srv : &t->cli) ||
	    (!server && expect_cn && mbedtls_ssl_set_hostname(&s->ssl, expect_cn))) {
		mbedtls_ssl_free(&s->ssl);
		free(s->in);
		free(s);
		return -ENOMEM;
	}
	s->server = server;
	s->t = t;
	if (!server && expect_cn)
		snprintf(s->expect_cn, sizeof(s->expect_cn), "%s", expect_cn);
	s->top_depth = -1;
	mbedtls_ssl_set_bio(&s->ssl, c, bio_send, bio_recv, NULL);
	mbedtls_ssl_set_verify(&s->ssl, verify_cb, s);
	c->tp = &cxp_tls_transport;
	c->tpd = s;
	return 0;
}

/* Push out whatever mbedTLS queued (a fatal alert) without waiting: the
 * connection is about to end and the peer deserves to know why. */
static void flush_now(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;

	if (cxp_conn_send_busy(c))
		return; /* a send is in flight on part of it: keep the order */
	if (s->out.len > s->out.off &&
	    send(c->fd, s->out.p + s->out.off, s->out.len - s->out.off,
		 MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
		s->out.off = s->out.len;
}

/*
 * A listener that turns a connection away (its caps, no descriptors) writes
 * one plain CXP ERROR frame and closes, TLS or not: no session exists yet.
 * When that is what came instead of a ServerHello, its message (sanitized:
 * it is unauthenticated) into msg: 0, or -1 when it is something else.
 */
static int plain_refusal(const struct tls_conn *s, char *msg, size_t cap)
{
	const uint8_t *p = s->in + s->first_off;
	size_t n = s->in_len > s->first_off ? s->in_len - s->first_off : 0;
	struct cxp_error e;
	struct cxp_hdr h;
	size_t k;

	if (n < CXP_HDR_SIZE || cxp_hdr_decode(p, &h, NULL, 0) < 0 || h.type != CXP_MSG_ERROR ||
	    h.len > n - CXP_HDR_SIZE || cxp_error_decode(p + CXP_HDR_SIZE, h.len, &e, NULL, 0) < 0)
		return -1;
	for (k = 0; e.msg[k] && k + 1 < cap; k++)
		msg[k] = e.msg[k] >= 0x20 && e.msg[k] < 0x7f ? e.msg[k] : '?';
	msg[k] = '\0';
	return 0;
}

static int hs_fail(struct cxp_conn *c, int ret)
{
	struct tls_conn *s = c->tpd;
	char e[160], why[640], hint[160] = "";
	uint32_t flags = mbedtls_ssl_get_verify_result(&s->ssl);
	int err = -EPROTO;

	if (s->vflags)
		flags = s->vflags;
	if ((ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || ret == MBEDTLS_ERR_X509_FATAL_ERROR) &&
	    flags && flags != (uint32_t)-1) {
		char info[256], *p;

		mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
		for (p = info; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ';' : '\0';
		if ((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) && s->expect_cn[0])
			snprintf(hint, sizeof(hint),
				 " (we expect '%s': is it the right peer? a trader's name is set "
				 "with --trader-name)",
				 s->expect_cn);
		snprintf(why, sizeof(why), "the peer's certificate%s%s is refused: %s%s",
			 s->cn[0] ? " for " : "", s->cn, info, hint);
		err = (flags & MBEDTLS_X509_BADCERT_EXPIRED) ? -EKEYEXPIRED : -EKEYREJECTED;
	} else if (ret == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE) {
		snprintf(why, sizeof(why), "the client presented no certificate "
			 "(this listener requires one)");
		err = -EKEYREJECTED;
	} else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		snprintf(why, sizeof(why), "the peer refused the handshake with a fatal alert "
			 "(does it trust our certificate? does it require one we lack?)");
	} else if (s->server && s->first[0] == CXP_MAGIC0 && s->first[1] == CXP_MAGIC1) {
		snprintf(why, sizeof(why), "the peer speaks plain CXP, not TLS (is it configured "
			 "for TLS?)");
	} else if (!s->server && s->first[0] == CXP_MAGIC0 && s->first[1] == CXP_MAGIC1) {
		if (plain_refusal(s, e, sizeof(e)) == 0)
			snprintf(why, sizeof(why), "the server refused the connection: %s", e);
		else
			snprintf(why, sizeof(why),
				 "the server answered in plain CXP, not TLS "
				 "(is it a plain port?)");
	} else {
		tls_err(ret, e, sizeof(e));
		snprintf(why, sizeof(why), "%s", e);
	}
	cxp_log("%s: TLS handshake failed: %s", c->peer, why);
	cxp_loop_count_tls_failure(c->l);
	flush_now(c);
	return err;
}

/* Decrypt what has arrived into the frame buffer. */
static int decrypt(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;
	char e[128];
	int ret;

	for (;;) {
		ret = cxp_conn_rb_reserve(c, MBEDTLS_SSL_IN_CONTENT_LEN);
		if (ret < 0)
			return ret;
		ret = mbedtls_ssl_read(&s->ssl, c->rb + c->rlen, c->rcap - c->rlen);
		if (ret > 0) {
			c->rlen += (size_t)ret;
			continue;
		}
		if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			return 0;
		if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			return 0; /* the socket's EOF follows and ends it */
		tls_err(ret, e, sizeof(e));
		cxp_log("%s: TLS error: %s", c->peer, e);
		return -EPROTO;
	}
}

/*
 * Caller holds t->hs_mu. When a revocation list file changed since it was
 * read (tasklet cert revoke rewrites it through a rename), read them all
 * again and use the new lists from this handshake on; a file that cannot be
 * read or checked leaves the previous lists in force, logged once per
 * change. No handshake step runs meanwhile (the lock), and none keeps a
 * pointer to the lists between steps, so the old ones are freed here.
 */
static void crl_maybe_reload(struct cxp_tls *t)
{
	mbedtls_x509_crl *fresh;
	int changed = 0;
	char err[256];

	for (unsigned i = 0; i < t->ncrl; i++) {
		struct stat st;

		if (stat(t->crl_files[i], &st) < 0)
			memset(&st, 0, sizeof(st));
		if (st.st_ino != t->crl_st[i].st_ino || st.st_size != t->crl_st[i].st_size ||
		    st.st_mtim.tv_sec != t->crl_st[i].st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != t->crl_st[i].st_mtim.tv_nsec)
			changed = 1;
		t->crl_st[i] = st;
	}
	if (!changed)
		return;
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh)
		return;
	mbedtls_x509_crl_init(fresh);
	for (unsigned i = 0; i < t->ncrl; i++)
		if (load_crl(t, fresh, t->crl_files[i], err, sizeof(err)) < 0) {
			cxp_log("revocation lists not reloaded, the previous ones stay in force: %s",
				err);
			mbedtls_x509_crl_free(fresh);
			free(fresh);
			return;
		}
	mbedtls_x509_crl_free(t->crls);
	free(t->crls);
	t->crls = fresh;
	mbedtls_ssl_conf_ca_chain(&t->srv, &t->cas, t->crls);
	mbedtls_ssl_conf_ca_chain(&t->cli, &t->cas, t->crls);
	cxp_log("revocation lists reloaded (%u file%s): they apply to new connections", t->ncrl,
		t->ncrl == 1 ? "" : "s");
}

/* Run the handshake as far as the bytes in allow; on success check the
 * peer and tell the owner. */
static int handshake(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;
	const mbedtls_x509_crt *peer;
	int ret;

	pthread_mutex_lock(&s->t->hs_mu);
	if (!s->hs_begun) {
		s->hs_begun = 1;
		if (s->t->ncrl)
			crl_maybe_reload(s->t);
	}
	ret = mbedtls_ssl_handshake(&s->ssl);
	pthread_mutex_unlock(&s->t->hs_mu);

	if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return 0;
	if (ret)
		return hs_fail(c, ret);
	peer = mbedtls_ssl_get_peer_cert(&s->ssl);
	if (peer) {
		uint32_t flags = mbedtls_ssl_get_verify_result(&s->ssl);

		if (flags) {
			/* a server with an optional client certificate: a bad one is refused */
			mbedtls_ssl_send_alert_message(&s->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
						       MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
			return hs_fail(c, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
		}
		s->has_peer = 1;
		if (!s->cn[0])
			subject_cn(peer, s->cn, sizeof(s->cn));
	}
	s->done = 1;
	return cxp_conn_ready(c);
}

static int tls_start(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;

	return s->server ? 0 : handshake(c); /* the client speaks first */
}

static int tls_rx_area(struct cxp_conn *c, uint8_t **p, size_t *n)
{
	struct tls_conn *s = c->tpd;

	if (s->in_off == s->in_len) {
		s->in_off = s->in_len = 0;
	} else if (s->in_off) {
		memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
		s->in_len -= s->in_off;
		s->in_off = 0;
	}
	if (s->in_len == TIN_CAP)
		return -ENOBUFS; /* cannot happen: mbedTLS takes a record at a time */
	*p = s->in + s->in_len;
	*n = TIN_CAP - s->in_len;
	return 0;
}

static int tls_rx(struct cxp_conn *c, size_t n)
{
	struct tls_conn *s = c->tpd;
	int ret;

	if (!s->any_in) {
		s->any_in = 1;
		s->first_off = s->in_len;
		s->first[0] = s->in[s->in_len];
		s->first[1] = n > 1 ? s->in[s->in_len + 1] : 0;
	}
	s->in_len += n;
	if (!s->done) {
		ret = handshake(c);
		if (ret < 0 || !s->done || c->dead)
			return ret;
	}
	return decrypt(c);
}

static int tls_rx_eof(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;

	if (s->done)
		return 0;
	cxp_log("%s: TLS handshake failed: the peer closed the connection %s", c->peer,
		!s->any_in ? "without a word (it may not trust our certificate, require one we "
			     "lack, or not speak TLS)" :
		s->first[0] == CXP_MAGIC0 && s->first[1] == CXP_MAGIC1 ?
			     "after speaking plain CXP (is it configured for TLS?)" :
			     "in the middle of the handshake (it may refuse our certificate)");
	cxp_loop_count_tls_failure(c->l);
	return -EPROTO;
}

static int tls_tx_next(struct cxp_conn *c, const uint8_t **p, size_t *n)
{
	struct tls_conn *s = c->tpd;
	char e[128];

	if (s->out.off == s->out.len) {
		s->out.off = s->out.len = 0;
		while (s->done && c->ready && s->out.len < TOUT_BATCH) {
			const uint8_t *pt;
			size_t k = cxp_conn_plain_out(c, &pt);
			int ret;

			if (!k)
				break;
			ret = mbedtls_ssl_write(&s->ssl, pt, k);
			if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ)
				break;
			if (ret < 0) {
				tls_err(ret, e, sizeof(e));
				cxp_log("%s: TLS error while sending: %s", c->peer, e);
				return -EPROTO;
			}
			cxp_conn_plain_done(c, (size_t)ret);
		}
	}
	/* out.p is NULL until the first record (fuzz_tls found the arithmetic on it) */
	*p = s->out.p ? s->out.p + s->out.off : NULL;
	*n = s->out.len - s->out.off;
	return 0;
}

static void tls_tx_done(struct cxp_conn *c, size_t n)
{
	struct tls_conn *s = c->tpd;

	s->out.off += n;
	if (s->out.off == s->out.len)
		s->out.off = s->out.len = 0;
}

static size_t tls_tx_held(const struct cxp_conn *c)
{
	const struct tls_conn *s = c->tpd;

	return s->out.len - s->out.off;
}

static void tls_free(struct cxp_conn *c)
{
	struct tls_conn *s = c->tpd;

	if (!s)
		return;
	mbedtls_ssl_free(&s->ssl);
	free(s->in);
	free(s->out.p);
	free(s);
	c->tpd = NULL;
}

const struct cxp_transport cxp_tls_transport = {
	.name = "tls",
	.start = tls_start,
	.rx_area = tls_rx_area,
	.rx = tls_rx,
	.rx_eof = tls_rx_eof,
	.tx_next = tls_tx_next,
	.tx_done = tls_tx_done,
	.tx_held = tls_tx_held,
	.free = tls_free,
};

int cxp_tls_peer_cert(const struct cxp_conn *c, char *cn, size_t cncap, char *ca_cn,
		      size_t cacap)
{
	const struct tls_conn *s = c->tpd;

	if (!s->has_peer)
		return -ENOKEY;
	if (cn && cncap)
		snprintf(cn, cncap, "%s", s->cn);
	if (ca_cn && cacap)
		snprintf(ca_cn, cacap, "%s", s->ca_cn);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Description: libFuzzer target for the TLS handshake path of CXP (cxp/tls.c on mbedTLS): the
 * input's bytes are the peer's records, fed through the transport table (rx_area, rx,
 * tx_next, rx_eof) exactly as the event loop feeds them. Run by `make fuzz` / `make fuzz-smoke`.
 *
 * The first input byte picks the side: even, a server (a trader's listener,
 * client certificate required) reading a client's records (ClientHello,
 * Certificate, ClientKeyExchange, ...); odd, a client (a container or an
 * application, expecting the server name "trader") reading a server's
 * records (ServerHello, Certificate, CertificateRequest, ...). The second
 * byte splits the rest into reads of 1 to 256 bytes, so records arrive cut
 * anywhere, as from a socket.
 *
 * This file plays the event loop: it implements the few loop functions
 * tls.c calls (cxp_int.h), with the same contracts; tls.c, cert.c and
 * mbedTLS are the real ones. Credentials (a CA, a trader and a client
 * certificate) are made once, at start-up, with cxp_cert_make.
 *
 * Oracles besides the sanitizers: a handshake never completes on
 * arbitrary input without the peer proving its key (it would need the
 * other side's random), a refused handshake returns < 0 and is counted,
 * what tls.c queues for the wire stays within its documented bound.
 *
 * With FUZZ_TLS_MKSEED=DIR in the environment it writes the seed corpus
 * instead and exits: a real ClientHello of our client (server side seed) and
 * a real first flight of our server answering it (client side seed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cxp/cxp.h"
#include "cxp/cxp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* ---- The loop's side (cxp_int.h), as loop.c implements it ---------------- */

static int readies, failures;

int cxp_conn_ready(struct cxp_conn *c)
{
	c->ready = 1;
	readies++;
	return 0;
}

int cxp_conn_rb_reserve(struct cxp_conn *c, size_t min)
{
	size_t cap = c->rcap ? c->rcap : 4096;
	uint8_t *p;

	while (cap - c->rlen < min)
		cap *= 2;
	if (cap > (8u << 20))
		return -ENOBUFS; /* the receive budget */
	if (cap == c->rcap)
		return 0;
	p = realloc(c->rb, cap);
	if (!p)
		return -ENOMEM;
	c->rb = p;
	c->rcap = cap;
	return 0;
}

int cxp_conn_send_busy(const struct cxp_conn *c)
{
	(void)c;
	return 0;
}

void cxp_loop_count_tls_failure(struct cxp_loop *l)
{
	(void)l;
	failures++;
}

size_t cxp_conn_plain_out(struct cxp_conn *c, const uint8_t **p)
{
	(void)c;
	*p = NULL;
	return 0; /* no frames to send: the owner never got the connection */
}

void cxp_conn_plain_done(struct cxp_conn *c, size_t n)
{
	(void)c;
	(void)n;
}

/* tls.c logs every refusal: silent here (millions of them). */
void cxp_log(const char *fmt, ...)
{
	(void)fmt;
}

/* ---- Credentials ---------------------------------------------------------- */

static struct cxp_tls *srv, *cli;
static char tmpdir[64];

static void rm_creds(void)
{
	static const char *const f[] = {"ca.crt",     "ca.key",	 "trader.crt",
					"trader.key", "app.crt", "app.key"};
	char p[128];

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, f[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

static void make_creds(void)
{
	char ca[96], crt[2][96], key[2][96], err[256];
	static const char *const who[] = {"trader", "app"};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fuzz-tls-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(ca, sizeof(ca), "%s/ca", tmpdir);
	{
		struct cxp_cert_spec s = {.name = "ca", .out_dir = tmpdir};

		if (cxp_cert_make(&s, err, sizeof(err)) < 0)
			goto fail;
	}
	for (int i = 0; i < 2; i++) {
		struct cxp_cert_spec s = {.name = who[i], .out_dir = tmpdir, .ca = ca};

		if (cxp_cert_make(&s, err, sizeof(err)) < 0)
			goto fail;
		snprintf(crt[i], sizeof(crt[i]), "%s/%s.crt", tmpdir, who[i]);
		snprintf(key[i], sizeof(key[i]), "%s/%s.key", tmpdir, who[i]);
	}
	{
		struct cxp_tls_config s = {
		    .cert_file = crt[0], .key_file = key[0], .nca = 1, .require_peer_cert = 1};
		struct cxp_tls_config c = {
		    .cert_file = crt[1], .key_file = key[1], .nca = 1, .require_peer_cert = 1};

		snprintf(ca, sizeof(ca), "%s/ca.crt", tmpdir);
		s.ca_files[0] = ca;
		c.ca_files[0] = ca;
		srv = cxp_tls_new(&s, err, sizeof(err));
		cli = srv ? cxp_tls_new(&c, err, sizeof(err)) : NULL;
		if (!cli)
			goto fail;
	}
	rm_creds();
	return;
fail:
	fprintf(stderr, "fuzz_tls: credentials: %s\n", err);
	rm_creds();
	exit(1);
}

/* ---- One connection ------------------------------------------------------- */

/* A connection of side server (1) or client (0), its transport started. */
static int conn_open(struct cxp_conn *c, int server)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->peer, sizeof(c->peer), "fuzz");
	if (cxp_tls_attach(c, server ? srv : cli, server, server ? NULL : "trader") < 0)
		abort();
	return c->tp->start(c);
}

/* Take what the transport queued for the wire; append it to out (if not NULL). */
static void drain(struct cxp_conn *c, uint8_t *out, size_t *nout, size_t cap)
{
	for (;;) {
		const uint8_t *p;
		size_t n;

		if (c->tp->tx_next(c, &p, &n) < 0 || !n)
			return;
		/* tls.c encrypts at most TOUT_BATCH plus one record at a time */
		if (n > (256u << 10) + (20u << 10))
			abort();
		if (out && *nout + n <= cap) {
			memcpy(out + *nout, p, n);
			*nout += n;
		}
		c->tp->tx_done(c, n);
	}
}

/* Give the transport data[0..size) in reads of step bytes (the loop's RECV). */
static int feed(struct cxp_conn *c, const uint8_t *data, size_t size, size_t step, uint8_t *out,
		size_t *nout, size_t cap)
{
	int ret = 0;

	while (size && ret >= 0) {
		uint8_t *p;
		size_t n, k;

		if (c->tp->rx_area(c, &p, &n) < 0 || !n)
			abort(); /* tls.c: cannot happen, mbedTLS takes a record at a time */
		k = size < step ? size : step;
		k = k < n ? k : n;
		memcpy(p, data, k);
		data += k;
		size -= k;
		ret = c->tp->rx(c, k);
		drain(c, out, nout, cap);
	}
	return ret;
}

static void conn_close(struct cxp_conn *c)
{
	c->tp->free(c);
	free(c->rb);
}

/* ---- Seeds ---------------------------------------------------------------- */

static void write_seed(const char *dir, const char *name, uint8_t side, const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fputc(side, f) == EOF || fputc(255, f) == EOF || fwrite(p, 1, n, f) != n ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void make_seeds(const char *dir)
{
	static uint8_t hello[1 << 16], flight[1 << 16];
	size_t nhello = 0, nflight = 0;
	struct cxp_conn c, s;

	/* our client's ClientHello */
	if (conn_open(&c, 0) < 0)
		abort();
	drain(&c, hello, &nhello, sizeof(hello));
	/* our server's answer to it: ServerHello .. ServerHelloDone */
	if (conn_open(&s, 1) < 0)
		abort();
	if (feed(&s, hello, nhello, nhello, flight, &nflight, sizeof(flight)) < 0 || !nhello ||
	    !nflight) {
		fprintf(stderr, "fuzz_tls: no handshake to seed with\n");
		exit(1);
	}
	write_seed(dir, "client-hello", 0, hello, nhello);
	write_seed(dir, "server-flight", 1, flight, nflight);
	conn_close(&s);
	conn_close(&c);
	printf("fuzz_tls: seeds in %s: ClientHello %zu bytes, server flight %zu bytes\n", dir,
	       nhello, nflight);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("FUZZ_TLS_MKSEED");

	(void)argc;
	(void)argv;
	make_creds();
	if (seed)
		make_seeds(seed);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cxp_conn c;
	int server, ret, f0 = failures;
	size_t step;

	if (size < 2)
		return 0;
	server = !(data[0] & 1);
	step = (size_t)data[1] + 1;
	readies = 0;
	ret = conn_open(&c, server);
	if (ret >= 0) {
		drain(&c, NULL, NULL, 0);
		ret = feed(&c, data + 2, size - 2, step, NULL, NULL, 0);
	}
	if (ret >= 0 && !readies)
		ret = c.tp->rx_eof(&c); /* the peer closes mid-handshake: refused, logged */
	/* Nobody finishes a handshake without the other side's random. */
	if (readies)
		abort();
	if (ret < 0 && failures == f0 && ret != -ENOMEM)
		abort(); /* every refusal is counted */
	conn_close(&c);
	return 0;
}

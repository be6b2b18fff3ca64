/* SPDX-License-Identifier: MIT */
/*
 * CXP bench (bench/cxp.sh drives it and takes the medians): two cxp_loops,
 * server and client, each on its own thread, on 127.0.0.1.
 *
 *   cxp_bench stream SIZE SECONDS [WINDOW]
 *                                   the client streams SIZE-byte CHUNKS frames,
 *                                   WINDOW bytes (default 4 MiB) unacknowledged;
 *                                   prints "gbps X" (payload bits per second)
 *   cxp_bench rr SIZE SECONDS       one SIZE-byte frame outstanding, echoed by
 *                                   the server; prints "rtps X p50_us Y p99_us Z"
 *   cxp_bench rr-tcp SIZE SECONDS   the same ping-pong (same 16-byte header and
 *                                   payload) over plain blocking TCP sockets with
 *                                   write/read and TCP_NODELAY: the no-framework
 *                                   baseline for rr
 *
 *   CXP_BENCH_TLS=1 cxp_bench stream|rr ...
 *                                   the same over TLS (mbedTLS, TLS 1.2 AEAD,
 *                                   mutual, with certificates made in a
 *                                   temporary directory)
 *   CXP_BENCH_STATS=1 cxp_bench stream ...
 *                                   also says on standard error how the server's
 *                                   loop received: multishot completions from the
 *                                   buffer ring, direct receives, bytes per receive
 *   cxp_bench handshake SIZE SECONDS mutual TLS connections set up and closed
 *                                   one after the other; prints "hsps X"
 *                                   (handshakes per second; SIZE unused)
 *
 * Stream flow control is credit-based, as a CXP peer would do it: the server
 * answers every whole frame with an 8-byte DONE frame, and the client keeps
 * WINDOW bytes of frames (at least two) unacknowledged. The figure counts
 * acknowledged payload bytes from the end of a warm-up to the last
 * acknowledgement, so it is what a peer saw arrive whole, not what was queued. Exit status 0, or 1
 * with a message on stderr when anything failed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>

#include "common/clock.h"
#include "bench/bench_util.h"
#include "cxp/cxp.h"

static struct cxp_tls *g_tls; /* CXP_BENCH_TLS=1 or handshake: both sides use it */

/* A CA, and one certificate ("bench") both sides present, in a temporary directory. */
static struct cxp_tls *make_tls(void)
{
	char dir[] = "/tmp/cxp-bench-tls.XXXXXX", ca[64], crt[96], key[96], cacrt[96], err[256];
	struct cxp_cert_spec cs = { .name = "benchca", .out_dir = dir };
	struct cxp_tls_config tc = { .nca = 1, .require_peer_cert = 1 };
	struct cxp_tls *t;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(ca, sizeof(ca), "%s/benchca", dir);
	if (cxp_cert_make(&cs, err, sizeof(err)) < 0) {
		fprintf(stderr, "cxp_bench: %s\n", err);
		return NULL;
	}
	cs.name = "bench";
	cs.ca = ca;
	if (cxp_cert_make(&cs, err, sizeof(err)) < 0) {
		fprintf(stderr, "cxp_bench: %s\n", err);
		return NULL;
	}
	snprintf(crt, sizeof(crt), "%s/bench.crt", dir);
	snprintf(key, sizeof(key), "%s/bench.key", dir);
	tc.cert_file = crt;
	tc.key_file = key;
	snprintf(cacrt, sizeof(cacrt), "%s/benchca.crt", dir);
	tc.ca_files[0] = cacrt;
	t = cxp_tls_new(&tc, err, sizeof(err));
	if (!t)
		fprintf(stderr, "cxp_bench: %s\n", err);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0) {
			/* a leftover temporary directory: harmless */
		}
	}
	return t;
}

#define WINDOW_BYTES (4u << 20) /* default unacknowledged stream bytes, like tcp_wmem's max */
#define WARMUP_NS    (200ull * 1000000) /* stream: excluded from the figure */
#define RR_WARMUP    200                /* rr: round trips excluded from the figures */

enum mode { M_STREAM, M_RR };

struct bench {
	enum mode mode;
	size_t size, window;
	uint64_t dur_ns;
	struct cxp_loop *srv, *cli;
	struct cxp_conn *conn; /* the client's connection */
	uint8_t *payload;
	int failed;            /* set on the client loop thread, read after the joins */

	/* client side, client loop thread only */
	uint64_t t0, t_warm, t_end;
	uint64_t sent, acked;  /* frames */
	uint64_t bytes_warm;   /* acked payload bytes at the end of the warm-up */
	int sending;           /* 0 once the duration is over */

	/* rr */
	uint64_t t_req;
	uint64_t *lat;         /* round-trip times in ns, after the warm-up */
	size_t nlat, caplat;
	uint64_t rr_done;
};

static void finish(struct bench *b, int failed)
{
	if (failed)
		b->failed = 1;
	b->sending = 0;
	cxp_loop_stop(b->srv);
	cxp_loop_stop(b->cli);
}

/* ---- Server: count and acknowledge (stream), or echo (rr) ------------------- */

static int srv_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *payload,
		     void *ud)
{
	struct bench *b = ud;
	uint8_t ack[8];

	if (b->mode == M_RR)
		return cxp_send(c, h->type, h->reqid, payload, h->len);
	memcpy(ack, &h->len, sizeof(h->len));
	memset(ack + sizeof(h->len), 0, sizeof(ack) - sizeof(h->len));
	return cxp_send(c, CXP_MSG_DONE, h->reqid, ack, sizeof(ack));
}

static const struct cxp_handlers srv_handlers = { .on_frame = srv_frame };

/* ---- Client ------------------------------------------------------------------ */

static int cli_send(struct bench *b)
{
	int rc;

	if (b->mode == M_RR)
		b->t_req = clock_now_ns();
	rc = cxp_send(b->conn, CXP_MSG_CHUNKS, b->sent, b->payload, b->size);
	if (rc < 0) {
		fprintf(stderr, "cxp_bench: cxp_send of %zu bytes failed: %s\n", b->size,
			strerror(-rc));
		return rc;
	}
	b->sent++;
	return 0;
}

static int lat_push(struct bench *b, uint64_t ns)
{
	if (b->nlat == b->caplat) {
		size_t cap = b->caplat ? 2 * b->caplat : 65536;
		uint64_t *p = realloc(b->lat, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->lat = p;
		b->caplat = cap;
	}
	b->lat[b->nlat++] = ns;
	return 0;
}

static int cli_frame_stream(struct bench *b, const struct cxp_hdr *h)
{
	uint64_t t = clock_now_ns();

	if (h->type != CXP_MSG_DONE || h->len != 8) {
		fprintf(stderr, "cxp_bench: unexpected %s frame of %u bytes from the server\n",
			cxp_type_name(h->type), h->len);
		return -EPROTO;
	}
	b->acked++;
	if (!b->t_warm && t - b->t0 >= WARMUP_NS) {
		b->t_warm = t;
		b->bytes_warm = b->acked * b->size;
	}
	if (b->sending && t - b->t0 >= WARMUP_NS + b->dur_ns)
		b->sending = 0;
	if (b->sending)
		return cli_send(b);
	if (b->acked == b->sent) {
		b->t_end = t;
		finish(b, 0);
	}
	return 0;
}

static int cli_frame_rr(struct bench *b, const struct cxp_hdr *h)
{
	uint64_t t = clock_now_ns();

	if (h->type != CXP_MSG_CHUNKS || h->len != b->size || h->reqid != b->sent - 1) {
		fprintf(stderr, "cxp_bench: bad echo: %s frame, %u bytes, reqid %llu (want %llu)\n",
			cxp_type_name(h->type), h->len, (unsigned long long)h->reqid,
			(unsigned long long)(b->sent - 1));
		return -EPROTO;
	}
	b->rr_done++;
	if (b->rr_done == RR_WARMUP)
		b->t_warm = t;
	else if (b->rr_done > RR_WARMUP && lat_push(b, t - b->t_req) < 0)
		return -ENOMEM;
	if (b->t_warm && t - b->t_warm >= b->dur_ns) {
		b->t_end = t;
		finish(b, 0);
		return 0;
	}
	return cli_send(b);
}

static int cli_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *payload,
		     void *ud)
{
	struct bench *b = ud;
	int rc;

	if (!b->sending && b->mode == M_RR)
		return 0;
	rc = b->mode == M_STREAM ? cli_frame_stream(b, h) : cli_frame_rr(b, h);
	if (rc < 0)
		finish(b, 1);
	return rc;
}

static void cli_connect(struct cxp_conn *c, int res, void *ud)
{
	if (res < 0)
		fprintf(stderr, "cxp_bench: connect to the server failed: %s\n", strerror(-res));
}

static void cli_close(struct cxp_conn *c, int reason, void *ud)
{
	struct bench *b = ud;

	b->conn = NULL;
	if (b->sending) {
		fprintf(stderr, "cxp_bench: the connection closed during the run: %s\n",
			reason ? strerror(-reason) : "peer closed");
		finish(b, 1);
	}
}

static const struct cxp_handlers cli_handlers = {
	.on_connect = cli_connect,
	.on_frame = cli_frame,
	.on_close = cli_close,
};

/* Loop thread: the first frames (the stream window, or the first request). */
static void cli_start(void *arg)
{
	struct bench *b = arg;
	size_t n = 1;

	b->t0 = clock_now_ns();
	if (b->mode == M_STREAM) {
		n = b->window / b->size;
		if (n < 2)
			n = 2;
	}
	for (size_t i = 0; i < n; i++)
		if (cli_send(b) < 0) {
			finish(b, 1);
			return;
		}
}

static void *loop_thread(void *arg)
{
	int rc = cxp_loop_run(arg);

	if (rc < 0)
		fprintf(stderr, "cxp_bench: event loop failed: %s\n", strerror(-rc));
	return NULL;
}

static int print_rr(uint64_t *lat, size_t n, uint64_t elapsed_ns)
{
	if (!n || !elapsed_ns) {
		fprintf(stderr, "cxp_bench: no round trips measured\n");
		return -1;
	}
	qsort(lat, n, sizeof(*lat), bench_cmp_u64);
	printf("rtps %.0f p50_us %.1f p99_us %.1f\n", (double)n * 1e9 / (double)elapsed_ns,
	       bench_quantile(lat, n, 0.50) / 1e3, bench_quantile(lat, n, 0.99) / 1e3);
	return 0;
}

static int run_cxp(enum mode mode, size_t size, uint64_t dur_ns, size_t window)
{
	struct bench b = { .mode = mode, .size = size, .dur_ns = dur_ns, .window = window,
			   .sending = 1 };
	char bound[CXP_ADDR_MAX + 1];
	pthread_t ts, tc;
	int rc = -1;

	b.payload = malloc(size);
	b.srv = cxp_loop_new();
	b.cli = cxp_loop_new();
	if (!b.payload || !b.srv || !b.cli) {
		fprintf(stderr, "cxp_bench: cannot set up the loops: %s\n", strerror(errno));
		goto out;
	}
	memset(b.payload, 0xa5, size);
	rc = g_tls ? cxp_listen_tls(b.srv, "127.0.0.1:0", g_tls, &srv_handlers, &b, bound,
				    sizeof(bound))
		   : cxp_listen(b.srv, "127.0.0.1:0", &srv_handlers, &b, bound, sizeof(bound));
	if (rc < 0) {
		fprintf(stderr, "cxp_bench: cannot listen on 127.0.0.1:0: %s\n", strerror(-rc));
		goto out;
	}
	rc = -1;
	b.conn = g_tls ? cxp_connect_tls(b.cli, bound, g_tls, "bench", &cli_handlers, &b)
		       : cxp_connect(b.cli, bound, &cli_handlers, &b);
	if (!b.conn) {
		fprintf(stderr, "cxp_bench: cannot connect to %s: %s\n", bound, strerror(errno));
		goto out;
	}
	if (cxp_loop_post(b.cli, cli_start, &b) < 0)
		goto out;
	if (pthread_create(&ts, NULL, loop_thread, b.srv))
		goto out;
	if (pthread_create(&tc, NULL, loop_thread, b.cli)) {
		cxp_loop_stop(b.srv);
		pthread_join(ts, NULL);
		goto out;
	}
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	if (b.failed)
		goto out;
	if (mode == M_STREAM) {
		double secs = (double)(b.t_end - b.t_warm) / 1e9;
		uint64_t bytes = b.acked * size - b.bytes_warm;

		if (!b.t_warm || b.t_end <= b.t_warm) {
			fprintf(stderr, "cxp_bench: the stream ended before the warm-up did\n");
			goto out;
		}
		printf("gbps %.2f\n", (double)bytes * 8 / secs / 1e9);
		if (getenv("CXP_BENCH_STATS")) {
			struct cxp_loop_stats st;

			cxp_loop_stats(b.srv, &st);
			fprintf(stderr, "server: %llu multishot completions, %llu direct receives, "
				"%llu bytes each on average\n",
				(unsigned long long)st.recv_multishot,
				(unsigned long long)st.recv_direct,
				(unsigned long long)(b.acked * size /
						     (st.recv_multishot + st.recv_direct + 1)));
			cxp_loop_stats(b.cli, &st);
			fprintf(stderr, "client: %llu multishot completions, %llu direct receives\n",
				(unsigned long long)st.recv_multishot,
				(unsigned long long)st.recv_direct);
		}
		rc = 0;
	} else {
		rc = print_rr(b.lat, b.nlat, b.t_end - b.t_warm);
	}
out:
	if (b.cli)
		cxp_loop_free(b.cli);
	if (b.srv)
		cxp_loop_free(b.srv);
	free(b.payload);
	free(b.lat);
	return rc;
}

/* ---- TLS handshakes: connect, handshake, close, again ------------------------ */

struct hs {
	struct cxp_loop *cli;
	char addr[CXP_ADDR_MAX + 1];
	uint64_t t0, end;
	unsigned long n;
	int failed;
};

static const struct cxp_handlers hs_handlers;

static void hs_next(struct hs *h)
{
	if (clock_now_ns() >= h->end) {
		cxp_loop_stop(h->cli);
		return;
	}
	if (!cxp_connect_tls(h->cli, h->addr, g_tls, "bench", &hs_handlers, h)) {
		h->failed = 1;
		cxp_loop_stop(h->cli);
	}
}

static void hs_connect(struct cxp_conn *c, int res, void *ud)
{
	struct hs *h = ud;

	if (res < 0) {
		fprintf(stderr, "cxp_bench: handshake failed: %s\n", strerror(-res));
		h->failed = 1;
		return;
	}
	h->n++;
	cxp_close(c, 0);
}

static void hs_close(struct cxp_conn *c, int reason, void *ud)
{
	struct hs *h = ud;

	if (h->failed)
		cxp_loop_stop(h->cli);
	else
		hs_next(h);
}

static const struct cxp_handlers hs_handlers = { .on_connect = hs_connect, .on_close = hs_close };
static const struct cxp_handlers hs_srv_handlers = { 0 };

static void hs_start(void *arg)
{
	hs_next(arg);
}

static int run_handshakes(uint64_t dur_ns)
{
	struct hs h = { 0 };
	struct cxp_loop *srv = cxp_loop_new();
	pthread_t ts;
	int rc = -1;

	h.cli = cxp_loop_new();
	if (!srv || !h.cli ||
	    cxp_listen_tls(srv, "127.0.0.1:0", g_tls, &hs_srv_handlers, NULL, h.addr,
			   sizeof(h.addr)) < 0 ||
	    pthread_create(&ts, NULL, loop_thread, srv)) {
		fprintf(stderr, "cxp_bench: cannot set up the handshake bench\n");
		goto out;
	}
	h.t0 = clock_now_ns();
	h.end = h.t0 + dur_ns;
	if (cxp_loop_post(h.cli, hs_start, &h) == 0)
		loop_thread(h.cli);
	cxp_loop_stop(srv);
	pthread_join(ts, NULL);
	if (!h.failed && h.n) {
		printf("hsps %.0f\n", (double)h.n * 1e9 / (double)(clock_now_ns() - h.t0));
		rc = 0;
	}
out:
	if (h.cli)
		cxp_loop_free(h.cli);
	if (srv)
		cxp_loop_free(srv);
	return rc;
}

/* ---- Baseline: the same ping-pong over blocking sockets ------------------------ */

static int io_full(int fd, void *buf, size_t n, int wr)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = wr ? write(fd, p, n) : read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

struct tcp_srv {
	int lfd;
	size_t size;
};

static void *tcp_echo(void *arg)
{
	struct tcp_srv *s = arg;
	size_t n = CXP_HDR_SIZE + s->size;
	uint8_t *buf = malloc(n);
	int one = 1, fd;

	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0 || !buf)
		goto out;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (io_full(fd, buf, n, 0) == 0 && io_full(fd, buf, n, 1) == 0)
		;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int run_tcp(size_t size, uint64_t dur_ns)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	struct tcp_srv s = { .lfd = -1, .size = size };
	size_t n = CXP_HDR_SIZE + size, nlat = 0, caplat = 0;
	struct cxp_hdr h = { .type = CXP_MSG_CHUNKS, .len = (uint32_t)size };
	uint64_t *lat = NULL, t_warm = 0, t_end = 0, done = 0;
	uint8_t *req = calloc(1, n), *rsp = malloc(n);
	int fd = -1, one = 1, rc = -1, joined = 1;
	pthread_t th;

	if (!req || !rsp)
		goto out;
	memset(req + CXP_HDR_SIZE, 0xa5, size);
	s.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (s.lfd < 0 || bind(s.lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s.lfd, 1) < 0 || getsockname(s.lfd, (struct sockaddr *)&sa, &salen) < 0) {
		fprintf(stderr, "cxp_bench: cannot listen on 127.0.0.1: %s\n", strerror(errno));
		goto out;
	}
	if (pthread_create(&th, NULL, tcp_echo, &s))
		goto out;
	joined = 0;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "cxp_bench: cannot connect to the echo server: %s\n",
			strerror(errno));
		goto out;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		uint64_t t0 = clock_now_ns(), t;

		h.reqid = done;
		cxp_hdr_encode(&h, req);
		if (io_full(fd, req, n, 1) < 0 || io_full(fd, rsp, n, 0) < 0) {
			fprintf(stderr, "cxp_bench: echo over TCP failed: %s\n", strerror(errno));
			goto out;
		}
		t = clock_now_ns();
		if (memcmp(req, rsp, n)) {
			fprintf(stderr, "cxp_bench: the TCP echo differs from the request\n");
			goto out;
		}
		done++;
		if (done == RR_WARMUP) {
			t_warm = t;
		} else if (done > RR_WARMUP) {
			if (nlat == caplat) {
				size_t cap = caplat ? 2 * caplat : 65536;
				uint64_t *p = realloc(lat, cap * sizeof(*p));

				if (!p)
					goto out;
				lat = p;
				caplat = cap;
			}
			lat[nlat++] = t - t0;
		}
		if (t_warm && t - t_warm >= dur_ns) {
			t_end = t;
			break;
		}
	}
	rc = print_rr(lat, nlat, t_end - t_warm);
out:
	if (fd >= 0)
		close(fd); /* ends the echo thread's read */
	if (!joined) {
		shutdown(s.lfd, SHUT_RDWR); /* ends its accept if the connect failed */
		pthread_join(th, NULL);
	}
	if (s.lfd >= 0)
		close(s.lfd);
	free(lat);
	free(req);
	free(rsp);
	return rc;
}

/*
 * The ceiling of a TLS stream: mbedTLS's AEAD alone, on one thread, sealing
 * SIZE-byte records for about SECONDS (ChaCha20-Poly1305, the suite the
 * loops negotiate, or AES-128-GCM with CXP_BENCH_AES=1). Prints "gbps X".
 */
static int run_cipher(size_t size, uint64_t dur_ns)
{
	static const unsigned char key[32] = { 1, 2, 3 };
	unsigned char iv[12] = { 0 }, tag[16];
	unsigned char *in = calloc(1, size), *out = malloc(size);
	int aes = getenv("CXP_BENCH_AES") && !strcmp(getenv("CXP_BENCH_AES"), "1");
	mbedtls_chachapoly_context cc;
	mbedtls_gcm_context gc;
	uint64_t t0, n = 0, el;
	int rc = 0;

	if (!in || !out) {
		free(in);
		free(out);
		return -1;
	}
	mbedtls_chachapoly_init(&cc);
	mbedtls_gcm_init(&gc);
	if (mbedtls_chachapoly_setkey(&cc, key) || mbedtls_gcm_setkey(&gc, MBEDTLS_CIPHER_ID_AES, key, 128))
		rc = -1;
	t0 = clock_now_ns();
	while (!rc && (el = clock_now_ns() - t0) < dur_ns) {
		iv[0] = (unsigned char)n;
		if (aes)
			rc = mbedtls_gcm_crypt_and_tag(&gc, MBEDTLS_GCM_ENCRYPT, size, iv, sizeof(iv),
						       NULL, 0, in, out, sizeof(tag), tag) ? -1 : 0;
		else
			rc = mbedtls_chachapoly_encrypt_and_tag(&cc, size, iv, NULL, 0, in, out, tag)
				     ? -1
				     : 0;
		n++;
	}
	el = clock_now_ns() - t0;
	if (!rc)
		printf("gbps %.2f\n", (double)n * (double)size * 8 / ((double)el / 1e9) / 1e9);
	mbedtls_chachapoly_free(&cc);
	mbedtls_gcm_free(&gc);
	free(in);
	free(out);
	return rc;
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"usage: [CXP_BENCH_TLS=1] cxp_bench stream|rr|rr-tcp|handshake|cipher SIZE SECONDS "
		"[WINDOW]\n";
	unsigned long size, window = WINDOW_BYTES;
	char *end;
	double secs;
	uint64_t dur_ns;

	if (argc != 4 && !(argc == 5 && !strcmp(argv[1], "stream"))) {
		fputs(usage, stderr);
		return 2;
	}
	size = strtoul(argv[2], &end, 0);
	if (*end || !size || size > CXP_MAX_PAYLOAD) {
		fprintf(stderr, "cxp_bench: SIZE '%s': want 1..%u bytes\n", argv[2],
			CXP_MAX_PAYLOAD);
		return 2;
	}
	secs = strtod(argv[3], &end);
	if (*end || !(secs > 0 && secs <= 600)) {
		fprintf(stderr, "cxp_bench: SECONDS '%s': want a number in (0, 600]\n", argv[3]);
		return 2;
	}
	dur_ns = (uint64_t)(secs * 1e9);
	if (argc == 5) {
		window = strtoul(argv[4], &end, 0);
		if (*end || !window || window > (48ul << 20)) {
			fprintf(stderr, "cxp_bench: WINDOW '%s': want 1..%lu bytes\n", argv[4],
				48ul << 20);
			return 2;
		}
	}
	cxp_log_role("cxp_bench");
	if ((getenv("CXP_BENCH_TLS") && !strcmp(getenv("CXP_BENCH_TLS"), "1")) ||
	    !strcmp(argv[1], "handshake")) {
		g_tls = make_tls();
		if (!g_tls)
			return 1;
	}
	if (!strcmp(argv[1], "handshake"))
		return run_handshakes(dur_ns) < 0;
	if (!strcmp(argv[1], "cipher"))
		return run_cipher(size, dur_ns) < 0;
	if (!strcmp(argv[1], "stream"))
		return run_cxp(M_STREAM, size, dur_ns, window) < 0;
	if (!strcmp(argv[1], "rr"))
		return run_cxp(M_RR, size, dur_ns, 0) < 0;
	if (!strcmp(argv[1], "rr-tcp"))
		return run_tcp(size, dur_ns) < 0;
	fputs(usage, stderr);
	return 2;
}

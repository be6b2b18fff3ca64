/* SPDX-License-Identifier: MIT */
/* Description: CXP io_uring loop on real sockets: echo, bad peers, close, post, timers, free. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "tests/tl_test.h"
#include "tests/unit/cxp_test_util.h"

#define WAIT_MS 10000 /* every wait is bounded: a bug fails the test instead of hanging it */

/* Poll until *v >= want or the time is up; returns whether it got there. */
static int wait_for(atomic_int *v, int want)
{
	uint64_t end = clock_now_ms() + WAIT_MS;

	while (atomic_load(v) < want) {
		if (clock_now_ms() > end)
			return 0;
		usleep(1000);
	}
	return 1;
}

/* ---- Running a loop with a bound --------------------------------------- */

/*
 * io_uring can be missing or forbidden (old kernel, io_uring_disabled,
 * a container's seccomp policy): then every loop test reports itself
 * skipped with the reason instead of failing.
 */
static int uring_ok(void)
{
	static int state; /* 0 unknown, 1 ok, -errno unavailable */
	static char why[128];
	struct cxp_loop *l;

	if (!state) {
		l = cxp_loop_new();
		state = l ? 1 : -errno;
		if (!l)
			snprintf(why, sizeof(why), "io_uring not available here: %s", strerror(errno));
		cxp_loop_free(l);
	}
	if (state < 0)
		TL_SKIP(why);
	return state > 0;
}

struct guard {
	struct cxp_loop *l;
	int fired;
};

static void guard_fire(void *arg)
{
	struct guard *g = arg;

	g->fired = 1;
	cxp_loop_stop(g->l);
}

/* Run l on this thread until stopped, or fail after WAIT_MS. */
static void run_bounded(struct cxp_loop *l)
{
	static struct guard g;

	g.l = l;
	g.fired = 0;
	CU_ASSERT_EQUAL_FATAL(cxp_loop_timer(l, WAIT_MS, guard_fire, &g), 0);
	CU_ASSERT_EQUAL(cxp_loop_run(l), 0);
	CU_ASSERT_EQUAL(g.fired, 0);
}

/* ---- A server loop on its own thread ----------------------------------- */

struct srv {
	struct cxp_loop *l;
	pthread_t th;
	char addr[CXP_ADDR_MAX + 1];
	int reject_type; /* on_frame fails for frames of this type */
	atomic_int accepted, closed, eproto, clean, frames, run_ret;
};

static void srv_accept(struct cxp_conn *c, void *ud)
{
	struct srv *s = ud;

	atomic_fetch_add(&s->accepted, 1);
}

static int srv_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *p, void *ud)
{
	struct srv *s = ud;

	atomic_fetch_add(&s->frames, 1);
	if (s->reject_type && h->type == s->reject_type)
		return -EBADMSG;
	return cxp_send(c, h->type, h->reqid, p, h->len);
}

static void srv_close(struct cxp_conn *c, int reason, void *ud)
{
	struct srv *s = ud;

	if (reason == -EPROTO)
		atomic_fetch_add(&s->eproto, 1);
	if (reason == 0)
		atomic_fetch_add(&s->clean, 1);
	atomic_fetch_add(&s->closed, 1);
}

static const struct cxp_handlers srv_handlers = {
	.on_accept = srv_accept, .on_frame = srv_frame, .on_close = srv_close,
};

static void *srv_main(void *arg)
{
	struct srv *s = arg;

	cxp_log_role("test-server");
	atomic_store(&s->run_ret, cxp_loop_run(s->l));
	return NULL;
}

static struct srv *srv_start(int reject_type)
{
	struct srv *s = calloc(1, sizeof(*s));

	s->reject_type = reject_type;
	s->l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->l);
	CU_ASSERT_EQUAL_FATAL(cxp_listen(s->l, "127.0.0.1:0", &srv_handlers, s, s->addr,
					 sizeof(s->addr)), 0);
	CU_ASSERT_EQUAL(strncmp(s->addr, "127.0.0.1:", 10), 0);
	CU_ASSERT_NOT_EQUAL(strcmp(s->addr, "127.0.0.1:0"), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&s->th, NULL, srv_main, s), 0);
	return s;
}

static void srv_stop(struct srv *s)
{
	cxp_loop_stop(s->l);
	pthread_join(s->th, NULL);
	CU_ASSERT_EQUAL(atomic_load(&s->run_ret), 0);
	cxp_loop_free(s->l);
	free(s);
}

/* A blocking client socket connected to addr, with 5 s send/receive timeouts. */
static int raw_connect(const char *addr)
{
	struct sockaddr_storage ss;
	struct timeval tv = { .tv_sec = 5 };
	unsigned sl;
	int fd;

	if (cxp_addr_parse(addr, &ss, &sl) < 0)
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof(err);

		/* interrupted (see recv_retry): the connect goes on; wait for its end */
		if (errno != EINTR || poll(&pfd, 1, WAIT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * recv with EINTR retried: a thread that created or freed an io_uring may see
 * its blocking socket calls interrupted by the kernel's task work (with
 * SO_RCVTIMEO set, recv then fails with EINTR instead of restarting).
 */
static ssize_t recv_retry(int fd, void *buf, size_t n)
{
	uint64_t end = clock_now_ms() + WAIT_MS;
	ssize_t r;

	do
		r = recv(fd, buf, n, 0);
	while (r < 0 && errno == EINTR && clock_now_ms() < end);
	return r;
}

static ssize_t send_retry(int fd, const void *buf, size_t n)
{
	uint64_t end = clock_now_ms() + WAIT_MS;
	ssize_t r;

	do
		r = send(fd, buf, n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR && clock_now_ms() < end);
	return r;
}

static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv_retry(fd, (char *)buf + got, n - got);

		if (r <= 0) {
			fprintf(stderr, "\nread_full: recv: %s\n", r ? strerror(errno) : "EOF");
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* recv until EOF/reset: 0 when the peer closed, -1 on timeout. */
static int wait_eof(int fd)
{
	char b[256];

	for (;;) {
		ssize_t r = recv_retry(fd, b, sizeof(b));

		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return 0;
		if (r < 0) {
			fprintf(stderr, "\nwait_eof: recv: %s\n", strerror(errno));
			return -1;
		}
	}
}

/* The server still answers a well-formed raw client. */
static void check_serves(const char *addr)
{
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 4, .reqid = 7 }, o;
	uint8_t b[CXP_HDR_SIZE + 4];
	int fd = raw_connect(addr);

	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, b);
	memcpy(b + CXP_HDR_SIZE, "ping", 4);
	CU_ASSERT_EQUAL(send_retry(fd, b, sizeof(b)), (ssize_t)sizeof(b));
	memset(b, 0, sizeof(b));
	CU_ASSERT_EQUAL(read_full(fd, b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(cxp_hdr_decode(b, &o, NULL, 0), 0);
	CU_ASSERT_EQUAL(o.type, CXP_MSG_SUBMIT);
	CU_ASSERT_EQUAL(o.reqid, 7);
	CU_ASSERT_EQUAL(o.len, 4);
	CU_ASSERT_EQUAL(memcmp(b + CXP_HDR_SIZE, "ping", 4), 0);
	close(fd);
}

/* ---- Echo --------------------------------------------------------------- */

#define ECHO_N   10000
#define BIG_LEN  (1u << 20)

struct echo_cli {
	struct cxp_loop *l;
	int connected, next, bad, closes;
	uint8_t *buf;
};

static int is_big(int i)
{
	return i % 2500 == 1250;
}

static size_t echo_len(int i)
{
	return is_big(i) ? BIG_LEN : (size_t)(i % 97);
}

static void echo_fill(uint8_t *p, int i)
{
	size_t n = echo_len(i);

	for (size_t k = 0; k < n; k++)
		p[k] = (uint8_t)(i * 31 + k * 7);
}

static void echo_connect(struct cxp_conn *c, int res, void *ud)
{
	struct echo_cli *e = ud;

	e->connected = res == 0 ? 1 : res;
}

static int echo_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *p, void *ud)
{
	struct echo_cli *e = ud;
	int i = e->next++;

	if (h->reqid != (uint64_t)i || h->type != CXP_MSG_CHUNKS || h->len != echo_len(i)) {
		e->bad++;
	} else {
		echo_fill(e->buf, i);
		if (memcmp(p, e->buf, h->len))
			e->bad++;
	}
	if (e->next == ECHO_N)
		cxp_loop_stop(e->l);
	return 0;
}

static void echo_close(struct cxp_conn *c, int reason, void *ud)
{
	struct echo_cli *e = ud;

	e->closes++;
}

static void test_echo(void)
{
	static const struct cxp_handlers h = {
		.on_connect = echo_connect, .on_frame = echo_frame, .on_close = echo_close,
	};
	struct srv *s = srv_start(0);
	struct echo_cli e = { 0 };
	struct cxp_conn *c;
	int sent = 0;

	e.buf = malloc(BIG_LEN);
	e.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e.l);
	c = cxp_connect(e.l, s->addr, &h, &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(cxp_conn_peer(c), s->addr);
	CU_ASSERT_PTR_EQUAL(cxp_conn_loop(c), e.l);
	cxp_conn_set_data(c, &e);
	CU_ASSERT_PTR_EQUAL(cxp_conn_data(c), &e);
	/* queued before the connection exists: flushed once connected */
	for (int i = 0; i < ECHO_N; i++) {
		echo_fill(e.buf, i);
		sent += cxp_send(c, CXP_MSG_CHUNKS, (uint64_t)i, e.buf, echo_len(i)) == 0;
	}
	CU_ASSERT_EQUAL(sent, ECHO_N);
	run_bounded(e.l);
	CU_ASSERT_EQUAL(e.connected, 1);
	CU_ASSERT_EQUAL(e.next, ECHO_N);
	CU_ASSERT_EQUAL(e.bad, 0);
	CU_ASSERT_EQUAL(atomic_load(&s->frames), ECHO_N);
	CU_ASSERT_EQUAL(e.closes, 0);
	cxp_loop_free(e.l); /* closes c: on_close once */
	CU_ASSERT_EQUAL(e.closes, 1);
	CU_ASSERT(wait_for(&s->clean, 1));
	CU_ASSERT_EQUAL(atomic_load(&s->eproto), 0);
	srv_stop(s);
	free(e.buf);
}

/* ---- The receive paths: multishot on the buffer ring, direct, all off ---- */

#define PP_N 300 /* round trips; the middle one carries 1 MiB */

struct pp_cli {
	struct cxp_loop *l;
	struct cxp_conn *c;
	int next, bad;
	uint8_t *buf;
};

static size_t pp_len(int i)
{
	return i == PP_N / 2 ? BIG_LEN : (size_t)(1 + i % 200);
}

static int pp_send(struct pp_cli *e)
{
	size_t n = pp_len(e->next);

	for (size_t k = 0; k < n; k++)
		e->buf[k] = (uint8_t)(e->next * 13 + k * 3);
	return cxp_send(e->c, CXP_MSG_CHUNKS, (uint64_t)e->next, e->buf, n);
}

/* One frame outstanding at a time: each echo must come back whole and in order. */
static int pp_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *p, void *ud)
{
	struct pp_cli *e = ud;

	if (h->reqid != (uint64_t)e->next || h->len != pp_len(e->next) ||
	    memcmp(p, e->buf, h->len))
		e->bad++;
	if (++e->next == PP_N || e->bad) {
		cxp_loop_stop(e->l);
		return 0;
	}
	return pp_send(e);
}

/* A ping-pong through a server loop; the client loop's counters in *st. */
static void pp_run(struct cxp_loop_stats *st, char *feat, size_t featcap)
{
	static const struct cxp_handlers h = { .on_frame = pp_frame };
	struct srv *s = srv_start(0);
	struct pp_cli e = { 0 };

	e.buf = malloc(BIG_LEN);
	e.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e.l);
	snprintf(feat, featcap, "%s", cxp_loop_features(e.l));
	e.c = cxp_connect(e.l, s->addr, &h, &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e.c);
	CU_ASSERT_EQUAL(pp_send(&e), 0);
	run_bounded(e.l);
	CU_ASSERT_EQUAL(e.next, PP_N);
	CU_ASSERT_EQUAL(e.bad, 0);
	cxp_loop_stats(e.l, st);
	cxp_loop_free(e.l);
	CU_ASSERT(wait_for(&s->clean, 1));
	srv_stop(s);
	free(e.buf);
}

static void test_recv_paths(void)
{
	struct cxp_loop_stats st;
	char feat[256];

	/* what this kernel offers: small frames through the multishot receive on the
	 * buffer ring, the 1 MiB one received straight into its frame buffer */
	unsetenv("TASKLET_URING_OFF");
	setenv("TASKLET_URING_ON", "recv_multishot", 1); /* opt-in */
	pp_run(&st, feat, sizeof(feat));
	unsetenv("TASKLET_URING_ON");
	if (strstr(feat, "recv_multishot on")) {
		CU_ASSERT(st.recv_multishot >= PP_N / 2);
		CU_ASSERT(st.recv_direct >= 1);
	} else {
		fprintf(stderr, "\n  multishot receive not in use here: %s\n", feat);
	}
	if (strstr(feat, "files on"))
		CU_ASSERT(st.fixed_file_ops >= PP_N);
	/* every feature off: the one-shot paths carry the same traffic */
	setenv("TASKLET_URING_ON", "recv_multishot", 1);
	setenv("TASKLET_URING_OFF", "all", 1);
	pp_run(&st, feat, sizeof(feat));
	unsetenv("TASKLET_URING_OFF");
	unsetenv("TASKLET_URING_ON");
	CU_ASSERT_PTR_NOT_NULL(strstr(feat, "recv_multishot off (off by TASKLET_URING_OFF)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(feat, "files off"));
	CU_ASSERT_PTR_NOT_NULL(strstr(feat, "accept_multishot off"));
	CU_ASSERT_EQUAL(st.recv_multishot, 0);
	CU_ASSERT_EQUAL(st.fixed_file_ops, 0);
	CU_ASSERT(st.recv_direct >= PP_N);
}

/* ---- Connect errors ------------------------------------------------------ */

struct conn_rec {
	struct cxp_loop *l;
	int nconnect, connect_res, nclose, close_reason;
};

static void rec_connect(struct cxp_conn *c, int res, void *ud)
{
	struct conn_rec *r = ud;

	r->nconnect++;
	r->connect_res = res;
}

static void rec_close(struct cxp_conn *c, int reason, void *ud)
{
	struct conn_rec *r = ud;

	r->nclose++;
	r->close_reason = reason;
	if (r->l)
		cxp_loop_stop(r->l);
}

static const struct cxp_handlers rec_handlers = {
	.on_connect = rec_connect, .on_close = rec_close,
};

/* A port on 127.0.0.1 that nobody listens on (bound, then closed). */
static void closed_port(char *buf, size_t cap)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &sl);
	close(fd);
	snprintf(buf, cap, "127.0.0.1:%u", ntohs(a.sin_port));
}

static void test_connect_refused(void)
{
	struct conn_rec r = { 0 };
	char addr[CXP_ADDR_MAX + 1], bound[CXP_ADDR_MAX + 1];
	struct cxp_conn *c;

	r.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.l);
	closed_port(addr, sizeof(addr));
	c = cxp_connect(r.l, addr, &rec_handlers, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* output queued for a connection that never comes is dropped, not leaked */
	CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_DONE, 1, "12345678", 8), 0);
	run_bounded(r.l);
	CU_ASSERT_EQUAL(r.nconnect, 1);
	CU_ASSERT_EQUAL(r.connect_res, -ECONNREFUSED);
	CU_ASSERT_EQUAL(r.nclose, 1);
	CU_ASSERT_EQUAL(r.close_reason, -ECONNREFUSED);

	/* bad addresses are refused at once */
	errno = 0;
	CU_ASSERT_PTR_NULL(cxp_connect(r.l, "nonsense", &rec_handlers, &r));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(cxp_listen(r.l, "127.0.0.1:http", &rec_handlers, &r, bound, sizeof(bound)),
			-EINVAL);
	cxp_loop_free(r.l);
	CU_ASSERT_EQUAL(r.nclose, 1);
}

/* ---- Bad peers ------------------------------------------------------------ */

/* Start capturing the log, then connect a raw client to s (the test stops if it cannot). */
static int bad_peer_connect(struct srv *s)
{
	int fd;

	capture_start();
	fd = raw_connect(s->addr);
	CU_ASSERT_FATAL(fd >= 0);
	return fd;
}

/*
 * s closed a connection for a protocol error (on_close with -EPROTO), and the
 * log captured since capture_start() names the peer and says want.
 */
static void expect_proto_close(struct srv *s, const char *want)
{
	char *log;

	CU_ASSERT(wait_for(&s->eproto, 1));
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "127.0.0.1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(log, want));
	free(log);
}

static void test_garbage_peer(void)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	struct srv *s = srv_start(0);
	int fd = bad_peer_connect(s);

	CU_ASSERT_EQUAL(send_retry(fd, http, sizeof(http) - 1), (ssize_t)sizeof(http) - 1);
	CU_ASSERT_EQUAL(wait_eof(fd), 0); /* the server hung up on us */
	close(fd);
	expect_proto_close(s, ": protocol error: bad magic 0x4745 (not a CXP peer?)");
	CU_ASSERT_EQUAL(atomic_load(&s->frames), 0);
	check_serves(s->addr);
	srv_stop(s);
}

static void test_oversized_header(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_CHUNKS, .len = CXP_MAX_PAYLOAD + 1, .reqid = 1 };
	struct srv *s = srv_start(0);
	uint8_t b[CXP_HDR_SIZE];
	uint64_t t0;
	int fd = bad_peer_connect(s);

	cxp_hdr_encode(&h, b);
	t0 = clock_now_ms();
	CU_ASSERT_EQUAL(send_retry(fd, b, sizeof(b)), (ssize_t)sizeof(b));
	/* closed without waiting for a body that never comes */
	CU_ASSERT_EQUAL(wait_eof(fd), 0);
	CU_ASSERT(clock_now_ms() - t0 < 2000);
	close(fd);
	expect_proto_close(s, ": protocol error: length 4194305 > 4194304");
	check_serves(s->addr);
	srv_stop(s);
}

static void test_truncated_frame(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_CHUNKS, .len = 100, .reqid = 1 };
	struct srv *s = srv_start(0);
	uint8_t b[CXP_HDR_SIZE + 100] = { 0 };
	int fd = bad_peer_connect(s);

	cxp_hdr_encode(&h, b);
	CU_ASSERT_EQUAL(send_retry(fd, b, CXP_HDR_SIZE + 10), CXP_HDR_SIZE + 10);
	close(fd);
	expect_proto_close(s, ": protocol error: truncated frame (got 26 of 116 bytes)");

	/* a whole frame then EOF is a clean close (reason 0), after the frame was delivered */
	fd = raw_connect(s->addr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_retry(fd, b, sizeof(b)), (ssize_t)sizeof(b));
	shutdown(fd, SHUT_WR);
	/* a peer that only shut down its sending side still gets its reply, then EOF */
	memset(b, 0xee, sizeof(b));
	CU_ASSERT_EQUAL(read_full(fd, b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(b[0], 'C');
	CU_ASSERT_EQUAL(b[CXP_HDR_SIZE + 99], 0);
	CU_ASSERT_EQUAL(wait_eof(fd), 0);
	CU_ASSERT(wait_for(&s->clean, 1));
	CU_ASSERT_EQUAL(atomic_load(&s->frames), 1);
	CU_ASSERT_EQUAL(atomic_load(&s->eproto), 1);
	close(fd);
	srv_stop(s);
}

static void test_handler_rejects(void)
{
	struct srv *s = srv_start(CXP_MSG_DONE);
	struct conn_rec r = { 0 };
	struct cxp_conn *c;

	r.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.l);
	capture_start();
	c = cxp_connect(r.l, s->addr, &rec_handlers, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_DONE, 99, "x", 1), 0);
	run_bounded(r.l); /* stops at on_close: the server hung up */
	expect_proto_close(s, "the handler rejected a DONE frame (reqid 99, 1 bytes)");
	CU_ASSERT_EQUAL(r.nconnect, 1);
	CU_ASSERT_EQUAL(r.connect_res, 0);
	CU_ASSERT_EQUAL(r.nclose, 1);
	CU_ASSERT_EQUAL(r.close_reason, 0);
	cxp_loop_free(r.l);
	CU_ASSERT_EQUAL(r.nclose, 1);
	srv_stop(s);
}

/* ---- Close, limits, SIGPIPE ----------------------------------------------- */

static void test_close_flushes(void)
{
	struct srv *s = srv_start(0);
	struct conn_rec r = { 0 };
	struct cxp_conn *c;
	uint8_t payload[200];

	memset(payload, 0x5a, sizeof(payload));
	r.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.l);
	c = cxp_connect(r.l, s->addr, &rec_handlers, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_RESULT, (uint64_t)i, payload,
					 sizeof(payload)), 0);
	cxp_close(c, 0); /* before the connect even finished */
	CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_RESULT, 1, payload, 1), -ENOTCONN);
	run_bounded(r.l);
	CU_ASSERT_EQUAL(r.nclose, 1);
	CU_ASSERT_EQUAL(r.close_reason, 0);
	CU_ASSERT(wait_for(&s->frames, 1000));
	CU_ASSERT(wait_for(&s->clean, 1));
	CU_ASSERT_EQUAL(atomic_load(&s->frames), 1000);
	cxp_loop_free(r.l);
	CU_ASSERT_EQUAL(r.nclose, 1);
	srv_stop(s);
}

static void test_send_limits(void)
{
	struct conn_rec r = { 0 };
	char addr[CXP_ADDR_MAX + 1];
	struct cxp_loop *l = cxp_loop_new();
	struct cxp_conn *c;
	uint8_t *big = calloc(1, CXP_MAX_PAYLOAD);
	int ok = 0, ret = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	closed_port(addr, sizeof(addr));
	c = cxp_connect(l, addr, &rec_handlers, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_CHUNKS, 1, big, CXP_MAX_PAYLOAD + 1), -EMSGSIZE);
	CU_ASSERT_EQUAL(cxp_send(c, 0, 1, big, 1), -EINVAL);
	/* 64 MiB of queued output: 15 frames of 4 MiB fit, the 16th does not */
	for (int i = 0; i < 20 && ret == 0; i++) {
		ret = cxp_send(c, CXP_MSG_CHUNKS, (uint64_t)i, big, CXP_MAX_PAYLOAD);
		ok += ret == 0;
	}
	CU_ASSERT_EQUAL(ok, 15);
	CU_ASSERT_EQUAL(ret, -ENOBUFS);
	cxp_loop_free(l); /* never ran: the queued 60 MiB and the connect are dropped */
	CU_ASSERT_EQUAL(r.nclose, 1);
	CU_ASSERT_EQUAL(r.close_reason, 0);
	free(big);
}

struct pipe_cli {
	struct cxp_loop *l;
	int lfd, nclose, reason, sent;
	uint8_t *buf;
};

static void pipe_connect(struct cxp_conn *c, int res, void *ud)
{
	struct pipe_cli *p = ud;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd = accept(p->lfd, NULL, NULL);

	/* the peer resets the connection at once; then we write into it */
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	for (int i = 0; i < 8; i++)
		p->sent += cxp_send(c, CXP_MSG_CHUNKS, (uint64_t)i, p->buf, 1u << 20) == 0;
}

static void pipe_close(struct cxp_conn *c, int reason, void *ud)
{
	struct pipe_cli *p = ud;

	p->nclose++;
	p->reason = reason;
	cxp_loop_stop(p->l);
}

static void test_no_sigpipe(void)
{
	static const struct cxp_handlers h = { .on_connect = pipe_connect, .on_close = pipe_close };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(a);
	struct pipe_cli p = { 0 };
	char addr[CXP_ADDR_MAX + 1];

	p.buf = calloc(1, 1u << 20);
	p.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(bind(p.lfd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CU_ASSERT_FATAL(listen(p.lfd, 4) == 0);
	getsockname(p.lfd, (struct sockaddr *)&a, &sl);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(a.sin_port));
	p.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cxp_connect(p.l, addr, &h, &p));
	run_bounded(p.l); /* the process survives: no SIGPIPE */
	CU_ASSERT_EQUAL(p.sent, 8);
	CU_ASSERT_EQUAL(p.nclose, 1);
	CU_ASSERT(p.reason == -EPIPE || p.reason == -ECONNRESET);
	cxp_loop_free(p.l);
	CU_ASSERT_EQUAL(p.nclose, 1);
	close(p.lfd);
	free(p.buf);
}

/* ---- post, timers ---------------------------------------------------------- */

#define POSTS 1000

struct post_st {
	struct cxp_loop *l;
	pthread_t loop_thread;
	int seen[2], bad, wrong_thread;
};

struct post_item {
	struct post_st *st;
	int who, seq;
};

static void post_fn(void *arg)
{
	struct post_item *it = arg;
	struct post_st *st = it->st;

	if (!pthread_equal(pthread_self(), st->loop_thread))
		st->wrong_thread++;
	if (it->seq != st->seen[it->who])
		st->bad++; /* FIFO per poster */
	st->seen[it->who]++;
	if (st->seen[0] == POSTS && st->seen[1] == POSTS)
		cxp_loop_stop(st->l);
}

struct poster {
	struct post_st *st;
	struct post_item *items;
	int who, fails;
};

static void *poster_main(void *arg)
{
	struct poster *p = arg;

	for (int i = 0; i < POSTS; i++) {
		p->items[i] = (struct post_item){ p->st, p->who, i };
		p->fails += cxp_loop_post(p->st->l, post_fn, &p->items[i]) != 0;
		if (i % 100 == 0)
			usleep(100);
	}
	return NULL;
}

static void test_post(void)
{
	struct post_st st = { 0 };
	struct poster ps[2];
	pthread_t th[2];

	st.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(st.l);
	st.loop_thread = pthread_self();
	for (int i = 0; i < 2; i++) {
		ps[i] = (struct poster){ &st, calloc(POSTS, sizeof(struct post_item)), i, 0 };
		pthread_create(&th[i], NULL, poster_main, &ps[i]);
	}
	run_bounded(st.l);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(ps[i].fails, 0);
		CU_ASSERT_EQUAL(st.seen[i], POSTS);
	}
	CU_ASSERT_EQUAL(st.bad, 0);
	CU_ASSERT_EQUAL(st.wrong_thread, 0);
	cxp_loop_free(st.l);
	for (int i = 0; i < 2; i++)
		free(ps[i].items);
}

static void *stopper_main(void *arg)
{
	usleep(20000);
	cxp_loop_stop(arg);
	return NULL;
}

struct timer_st {
	struct cxp_loop *l;
	int order[3], n;
	uint64_t t0, at[3];
};

struct timer_arg {
	struct timer_st *st;
	int id;
};

static void timer_fn(void *arg)
{
	struct timer_arg *a = arg;
	struct timer_st *st = a->st;

	st->at[st->n] = clock_now_ms() - st->t0;
	st->order[st->n++] = a->id;
	if (st->n == 3)
		cxp_loop_stop(st->l);
}

static void test_timers(void)
{
	struct timer_st st = { 0 };
	struct timer_arg a[3] = { { &st, 30 }, { &st, 10 }, { &st, 20 } };
	pthread_t th;

	st.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(st.l);
	st.t0 = clock_now_ms();
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(cxp_loop_timer(st.l, (uint64_t)a[i].id, timer_fn, &a[i]), 0);
	/* a timer far in the future is dropped by cxp_loop_free without running */
	CU_ASSERT_EQUAL(cxp_loop_timer(st.l, 600000, timer_fn, &a[0]), 0);
	run_bounded(st.l);
	CU_ASSERT_EQUAL(st.n, 3);
	CU_ASSERT_EQUAL(st.order[0], 10);
	CU_ASSERT_EQUAL(st.order[1], 20);
	CU_ASSERT_EQUAL(st.order[2], 30);
	CU_ASSERT(st.at[0] >= 10);
	CU_ASSERT(st.at[2] >= 30);

	/* stop from another thread; run can be entered again after a stop */
	pthread_create(&th, NULL, stopper_main, st.l);
	run_bounded(st.l);
	pthread_join(th, NULL);
	cxp_loop_free(st.l);
	CU_ASSERT_EQUAL(st.n, 3);
}

/* ---- cxp_loop_free with open connections ----------------------------------- */

struct pair_st {
	struct cxp_loop *l;
	int accepted, connected, closes, reasons;
};

static void pair_check(struct pair_st *p)
{
	if (p->accepted == 4 && p->connected == 4)
		cxp_loop_stop(p->l);
}

static void pair_accept(struct cxp_conn *c, void *ud)
{
	struct pair_st *p = ud;

	p->accepted++;
	pair_check(p);
}

static void pair_connect(struct cxp_conn *c, int res, void *ud)
{
	struct pair_st *p = ud;

	if (res == 0)
		p->connected++;
	pair_check(p);
}

static void pair_close(struct cxp_conn *c, int reason, void *ud)
{
	struct pair_st *p = ud;

	p->closes++;
	p->reasons |= reason != 0;
	/* nothing new can start while the loop is being freed */
	CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_DONE, 1, NULL, 0), -ENOTCONN);
}

static void test_free_open(void)
{
	static const struct cxp_handlers h = {
		.on_accept = pair_accept, .on_connect = pair_connect, .on_close = pair_close,
	};
	struct pair_st p = { 0 };
	char bound[CXP_ADDR_MAX + 1];
	struct cxp_conn *c[4];

	p.l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.l);
	CU_ASSERT_EQUAL_FATAL(cxp_listen(p.l, "localhost:0", &h, &p, bound, sizeof(bound)), 0);
	for (int i = 0; i < 4; i++) {
		c[i] = cxp_connect(p.l, bound, &h, &p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c[i]);
	}
	run_bounded(p.l);
	CU_ASSERT_EQUAL(p.accepted, 4);
	CU_ASSERT_EQUAL(p.connected, 4);
	/* output still queued at free time is dropped with the connection */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(cxp_send(c[i], CXP_MSG_DONE, 1, "abcdefgh", 8), 0);
	cxp_close(c[0], 0); /* closing but not yet closed: still exactly one on_close */
	CU_ASSERT_EQUAL(p.closes, 0);
	cxp_loop_free(p.l);
	CU_ASSERT_EQUAL(p.closes, 8);
	CU_ASSERT_EQUAL(p.reasons, 0);
}

/* Each test runs only where io_uring works. */
static void test_echo_(void)
{
	if (uring_ok())
		test_echo();
}

static void test_recv_paths_(void)
{
	if (uring_ok())
		test_recv_paths();
}

static void test_connect_refused_(void)
{
	if (uring_ok())
		test_connect_refused();
}

static void test_garbage_peer_(void)
{
	if (uring_ok())
		test_garbage_peer();
}

static void test_oversized_header_(void)
{
	if (uring_ok())
		test_oversized_header();
}

static void test_truncated_frame_(void)
{
	if (uring_ok())
		test_truncated_frame();
}

static void test_handler_rejects_(void)
{
	if (uring_ok())
		test_handler_rejects();
}

static void test_close_flushes_(void)
{
	if (uring_ok())
		test_close_flushes();
}

static void test_send_limits_(void)
{
	if (uring_ok())
		test_send_limits();
}

static void test_no_sigpipe_(void)
{
	if (uring_ok())
		test_no_sigpipe();
}

static void test_post_(void)
{
	if (uring_ok())
		test_post();
}

static void test_timers_(void)
{
	if (uring_ok())
		test_timers();
}

static void test_free_open_(void)
{
	if (uring_ok())
		test_free_open();
}

TL_SUITE(u_cxp_loop, NULL, NULL,
	 { "echo 10000 small and 4 x 1 MiB frames in order", test_echo_ },
	 { "receive paths: multishot on the buffer ring, direct, every io_uring feature off",
	   test_recv_paths_ },
	 { "connect to a closed port: on_connect and on_close report it", test_connect_refused_ },
	 { "garbage peer is cut off with a log line; server keeps serving", test_garbage_peer_ },
	 { "oversized length is rejected without waiting for the body", test_oversized_header_ },
	 { "truncated frame then EOF is a protocol error; half-close after a frame is clean",
	   test_truncated_frame_ },
	 { "on_frame returning < 0 closes the connection", test_handler_rejects_ },
	 { "cxp_close flushes queued frames first", test_close_flushes_ },
	 { "send limits: EMSGSIZE, EINVAL, ENOBUFS past 64 MiB", test_send_limits_ },
	 { "writing to a reset peer does not raise SIGPIPE", test_no_sigpipe_ },
	 { "cxp_loop_post from two threads: FIFO, on the loop thread", test_post_ },
	 { "timers fire in order, after their delay; stop from a thread", test_timers_ },
	 { "cxp_loop_free closes open connections, each on_close once", test_free_open_ })

/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the CXP suites that need real sockets and a server
 * loop on its own thread (test_cxp_tls.c, test_cxp_limits.c): an echo
 * server (plain or TLS, with limits), blocking raw clients with bounded
 * waits, and conditions to wait on instead of sleeps.
 */
#ifndef TL_TESTS_CXP_TEST_NET_H
#define TL_TESTS_CXP_TEST_NET_H

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

#include "cxp/cxp.h"
#include "tests/tl_test.h"

#define NET_WAIT_MS 15000 /* every wait is bounded: a bug fails the test instead of hanging it */

static inline uint64_t net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Poll until *v >= want or the time is up; returns whether it got there. */
static inline int net_wait_for(atomic_int *v, int want)
{
	uint64_t end = net_now_ms() + NET_WAIT_MS;

	while (atomic_load(v) < want) {
		if (net_now_ms() > end)
			return 0;
		usleep(1000);
	}
	return 1;
}

/* io_uring may be missing or forbidden here: then the test is skipped. */
static inline int net_uring_ok(void)
{
	static int state;
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

/* ---- An echo server on its own thread ----------------------------------- */

struct nsrv {
	struct cxp_loop *l;
	pthread_t th;
	char addr[CXP_ADDR_MAX + 1];
	atomic_int accepted, closed, frames, run_ret, stats_ready;
	pthread_mutex_t mu;
	char cn[64], ca_cn[64];   /* of the last accepted TLS peer */
	int cert_ret;
	struct cxp_loop_stats st; /* filled by nsrv_stats */
};

static inline void nsrv_accept(struct cxp_conn *c, void *ud)
{
	struct nsrv *s = ud;

	pthread_mutex_lock(&s->mu);
	s->cert_ret = cxp_conn_peer_cert(c, s->cn, sizeof(s->cn), s->ca_cn, sizeof(s->ca_cn));
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_add(&s->accepted, 1);
}

/* Echo every frame; a DONE frame also exempts its connection from the idle timeout. */
static inline int nsrv_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *p,
			     void *ud)
{
	struct nsrv *s = ud;

	atomic_fetch_add(&s->frames, 1);
	if (h->type == CXP_MSG_DONE)
		cxp_conn_set_idle_timeout(c, 0);
	return cxp_send(c, h->type, h->reqid, p, h->len);
}

static inline void nsrv_close(struct cxp_conn *c, int reason, void *ud)
{
	struct nsrv *s = ud;

	atomic_fetch_add(&s->closed, 1);
}

static const struct cxp_handlers nsrv_handlers = {
	.on_accept = nsrv_accept, .on_frame = nsrv_frame, .on_close = nsrv_close,
};

static inline void *nsrv_main(void *arg)
{
	struct nsrv *s = arg;

	cxp_log_role("test-server");
	atomic_store(&s->run_ret, cxp_loop_run(s->l));
	return NULL;
}

/* Start an echo server on 127.0.0.1 (TLS when tls is not NULL; lim may be NULL). */
static inline struct nsrv *nsrv_start(struct cxp_tls *tls, const struct cxp_limits *lim)
{
	struct nsrv *s = calloc(1, sizeof(*s));

	pthread_mutex_init(&s->mu, NULL);
	s->l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->l);
	if (lim) {
		CU_ASSERT_EQUAL_FATAL(cxp_loop_set_limits(s->l, lim), 0);
	}
	if (tls) {
		CU_ASSERT_EQUAL_FATAL(cxp_listen_tls(s->l, "127.0.0.1:0", tls, &nsrv_handlers, s,
						     s->addr, sizeof(s->addr)), 0);
	} else {
		CU_ASSERT_EQUAL_FATAL(cxp_listen(s->l, "127.0.0.1:0", &nsrv_handlers, s, s->addr,
						 sizeof(s->addr)), 0);
	}
	CU_ASSERT_EQUAL_FATAL(pthread_create(&s->th, NULL, nsrv_main, s), 0);
	return s;
}

static inline void nsrv_stats_fn(void *arg)
{
	struct nsrv *s = arg;

	cxp_loop_stats(s->l, &s->st);
	atomic_store(&s->stats_ready, 1);
}

/* The server loop's counters, read on its thread. */
static inline struct cxp_loop_stats nsrv_stats(struct nsrv *s)
{
	atomic_store(&s->stats_ready, 0);
	CU_ASSERT_EQUAL(cxp_loop_post(s->l, nsrv_stats_fn, s), 0);
	CU_ASSERT(net_wait_for(&s->stats_ready, 1));
	return s->st;
}

static inline void nsrv_stop(struct nsrv *s)
{
	cxp_loop_stop(s->l);
	pthread_join(s->th, NULL);
	CU_ASSERT_EQUAL(atomic_load(&s->run_ret), 0);
	cxp_loop_free(s->l);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- Raw blocking clients ----------------------------------------------- */

/* A blocking socket connected to addr (from source address src when not NULL). */
static inline int net_connect(const char *addr, const char *src)
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
	if (src) {
		struct sockaddr_in a = { .sin_family = AF_INET };

		inet_pton(AF_INET, src, &a.sin_addr);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof(err);

		if (errno != EINTR || poll(&pfd, 1, NET_WAIT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* recv with EINTR retried (a thread that set up an io_uring may see one). */
static inline ssize_t net_recv(int fd, void *buf, size_t n)
{
	uint64_t end = net_now_ms() + NET_WAIT_MS;
	ssize_t r;

	do
		r = recv(fd, buf, n, 0);
	while (r < 0 && errno == EINTR && net_now_ms() < end);
	return r;
}

static inline ssize_t net_send(int fd, const void *buf, size_t n)
{
	uint64_t end = net_now_ms() + NET_WAIT_MS;
	ssize_t r;

	do
		r = send(fd, buf, n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR && net_now_ms() < end);
	return r;
}

static inline int net_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = net_recv(fd, (char *)buf + got, n - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Wait (bounded) until the peer closes: 0 when it did, -1 on timeout. */
static inline int net_wait_eof(int fd)
{
	uint64_t end = net_now_ms() + NET_WAIT_MS;
	char b[4096];

	while (net_now_ms() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 100) != 1)
			continue;
		r = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && (errno == ECONNRESET || errno == EPIPE)))
			return 0;
	}
	return -1;
}

/* One frame of type/len bytes of pattern out, and its echo back: 0 when it matched. */
static inline int net_ping(int fd, uint8_t type, uint32_t len)
{
	struct cxp_hdr h = { .type = type, .len = len, .reqid = 42 }, o;
	uint8_t *b = malloc(CXP_HDR_SIZE + len), *r = malloc(CXP_HDR_SIZE + len);
	int ret = -1;

	cxp_hdr_encode(&h, b);
	for (uint32_t i = 0; i < len; i++)
		b[CXP_HDR_SIZE + i] = (uint8_t)(i * 7 + 3);
	if (net_send(fd, b, CXP_HDR_SIZE + len) == (ssize_t)(CXP_HDR_SIZE + len) &&
	    net_read_full(fd, r, CXP_HDR_SIZE + len) == 0 && cxp_hdr_decode(r, &o, NULL, 0) == 0 &&
	    o.type == type && o.len == len && o.reqid == 42 && !memcmp(b, r, CXP_HDR_SIZE + len))
		ret = 0;
	free(b);
	free(r);
	return ret;
}

/* The server at addr still answers a plain client. */
static inline void net_check_serves(const char *addr)
{
	int fd = net_connect(addr, NULL);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(net_ping(fd, CXP_MSG_SUBMIT, 4), 0);
	close(fd);
}

#endif

/* SPDX-License-Identifier: MIT */
/* Description: CXP loop limits on real sockets: read and idle timeouts, caps, memory budget, EMFILE. */
/*
 * Each test plays the abusive peers over raw sockets against an echo
 * server whose limits it sets small, and waits on conditions (the peer sees
 * the close, the server's counters move), never on sleeps. After each
 * abuse the server must still answer an honest client.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cxp/cxp.h"
#include "tests/tl_test.h"
#include "tests/unit/cxp_test_net.h"
#include "tests/unit/cxp_test_util.h"

static struct cxp_limits small_limits(void)
{
	struct cxp_limits lim;

	cxp_limits_default(&lim);
	return lim;
}

static void test_defaults(void)
{
	struct cxp_limits lim, got;
	struct cxp_loop *l = cxp_loop_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	cxp_limits_default(&lim);
	CU_ASSERT_EQUAL(lim.read_timeout_ms, 30000);
	CU_ASSERT_EQUAL(lim.idle_timeout_ms, 300000);
	CU_ASSERT_EQUAL(lim.max_conns_per_addr, 256);
	CU_ASSERT_EQUAL(lim.rx_budget, 256ull << 20);
	CU_ASSERT(lim.max_conns >= 64 && lim.max_conns <= 65536);
	cxp_loop_get_limits(l, &got);
	CU_ASSERT_EQUAL(memcmp(&got, &lim, sizeof(lim)), 0);
	lim.read_timeout_ms = 5;
	CU_ASSERT_EQUAL(cxp_loop_set_limits(l, &lim), 0);
	cxp_loop_get_limits(l, &got);
	CU_ASSERT_EQUAL(got.read_timeout_ms, 5);
	CU_ASSERT_EQUAL(cxp_loop_set_limits(l, NULL), -EINVAL);
	cxp_loop_free(l);
}

/* A slow-loris peer: a frame started and trickled, byte by byte. */
static void test_read_timeout(void)
{
	struct cxp_limits lim = small_limits();
	struct cxp_hdr h = { .type = CXP_MSG_CHUNKS, .len = 1000, .reqid = 1 };
	uint8_t b[CXP_HDR_SIZE];
	struct nsrv *s;
	uint64_t t0;
	char *log;
	int fd, sent = 0;

	lim.read_timeout_ms = 400;
	s = nsrv_start(NULL, &lim);
	capture_start();
	fd = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, b);
	CU_ASSERT_EQUAL(net_send(fd, b, sizeof(b)), (ssize_t)sizeof(b));
	t0 = net_now_ms();
	/* one byte every 50 ms: progress, but the frame never completes in time */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char ch = 'x', rb[64];

		if (poll(&pfd, 1, 50) == 1) {
			ssize_t r = recv(fd, rb, sizeof(rb), MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno == ECONNRESET))
				break;
		}
		if (net_now_ms() - t0 > NET_WAIT_MS)
			break;
		if (send(fd, &ch, 1, MSG_NOSIGNAL) == 1)
			sent++;
	}
	CU_ASSERT(net_now_ms() - t0 >= 400);
	CU_ASSERT(net_now_ms() - t0 < NET_WAIT_MS);
	CU_ASSERT(sent > 2);
	close(fd);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "closing: a frame did not complete within 400 ms"));
	free(log);
	CU_ASSERT_EQUAL(nsrv_stats(s).timeouts, 1);
	CU_ASSERT(net_wait_for(&s->closed, 1));
	/* a peer between frames is not subject to it; an honest one is served */
	net_check_serves(s->addr);
	nsrv_stop(s);
}

static void test_idle_timeout(void)
{
	struct cxp_limits lim = small_limits();
	struct nsrv *s;
	char *log;
	int a, b;

	lim.idle_timeout_ms = 300;
	s = nsrv_start(NULL, &lim);
	capture_start();
	/* a: exempted by its server handler (a DONE frame), b: an ordinary one */
	a = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(a >= 0);
	CU_ASSERT_EQUAL(net_ping(a, CXP_MSG_DONE, 8), 0);
	b = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(b >= 0);
	CU_ASSERT_EQUAL(net_ping(b, CXP_MSG_SUBMIT, 8), 0);
	CU_ASSERT_EQUAL(net_wait_eof(b), 0); /* closed once idle */
	close(b);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "closing: idle for 300 ms"));
	free(log);
	/* a idled longer than b and is still served */
	CU_ASSERT_EQUAL(net_ping(a, CXP_MSG_SUBMIT, 8), 0);
	CU_ASSERT_EQUAL(nsrv_stats(s).timeouts, 1);
	close(a);
	nsrv_stop(s);
}

/* Read the ERROR frame a refusing listener sends; its message, or "" */
static void read_refusal(int fd, char *msg, size_t cap)
{
	uint8_t b[512];
	struct cxp_hdr h;
	struct cxp_error e;

	msg[0] = '\0';
	if (net_read_full(fd, b, CXP_HDR_SIZE) < 0 || cxp_hdr_decode(b, &h, NULL, 0) < 0 ||
	    h.type != CXP_MSG_ERROR || h.len > sizeof(b) - CXP_HDR_SIZE ||
	    net_read_full(fd, b + CXP_HDR_SIZE, h.len) < 0 ||
	    cxp_error_decode(b + CXP_HDR_SIZE, h.len, &e, NULL, 0) < 0)
		return;
	CU_ASSERT_EQUAL(e.code, CXP_E_BUSY);
	snprintf(msg, cap, "%s", e.msg);
}

static void test_caps(void)
{
	struct cxp_limits lim = small_limits();
	struct nsrv *s;
	char msg[256], *log;
	int fd[4], x, y, z;

	lim.max_conns_per_addr = 3;
	lim.max_conns = 4;
	s = nsrv_start(NULL, &lim);
	capture_start();
	for (int i = 0; i < 3; i++) {
		fd[i] = net_connect(s->addr, NULL);
		CU_ASSERT_FATAL(fd[i] >= 0);
		CU_ASSERT_EQUAL(net_ping(fd[i], CXP_MSG_SUBMIT, 4), 0);
	}
	/* a 4th from the same address: told why, and closed at once */
	x = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(x >= 0);
	read_refusal(x, msg, sizeof(msg));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "3 connections open from that address (the limit)"));
	CU_ASSERT_EQUAL(net_wait_eof(x), 0);
	close(x);
	/* another address still gets in, until the total cap */
	y = net_connect(s->addr, "127.0.0.2");
	CU_ASSERT_FATAL(y >= 0);
	CU_ASSERT_EQUAL(net_ping(y, CXP_MSG_SUBMIT, 4), 0);
	z = net_connect(s->addr, "127.0.0.3");
	CU_ASSERT_FATAL(z >= 0);
	read_refusal(z, msg, sizeof(msg));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "4 connections open (the limit)"));
	CU_ASSERT_EQUAL(net_wait_eof(z), 0);
	close(z);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, ": refused 127.0.0.1:"));
	free(log);
	CU_ASSERT_EQUAL(nsrv_stats(s).refused, 2);
	/* a slot freed is a slot again */
	close(fd[0]);
	CU_ASSERT(net_wait_for(&s->closed, 1));
	fd[0] = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(fd[0] >= 0);
	CU_ASSERT_EQUAL(net_ping(fd[0], CXP_MSG_SUBMIT, 4), 0);
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	close(y);
	nsrv_stop(s);
}

#define PEERS 50

/* 50 peers each send all but the last byte of a 4 MiB frame. */
static void test_memory_budget(void)
{
	struct cxp_limits lim = small_limits();
	struct cxp_hdr h = { .type = CXP_MSG_CHUNKS, .len = CXP_MAX_PAYLOAD, .reqid = 1 };
	size_t total = CXP_HDR_SIZE + CXP_MAX_PAYLOAD - 1, off[PEERS] = { 0 };
	int fd[PEERS], gone[PEERS] = { 0 }, ngone = 0, nfull = 0;
	struct cxp_loop_stats st;
	uint8_t *frame = calloc(1, total);
	uint64_t end;
	struct nsrv *s;
	char *log;

	lim.rx_budget = 24u << 20;
	s = nsrv_start(NULL, &lim);
	cxp_hdr_encode(&h, frame);
	capture_start();
	for (int i = 0; i < PEERS; i++) {
		fd[i] = net_connect(s->addr, NULL);
		CU_ASSERT_FATAL(fd[i] >= 0);
		fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
	}
	/* push until every peer has sent it all or has been cut off */
	end = net_now_ms() + NET_WAIT_MS;
	while (ngone + nfull < PEERS && net_now_ms() < end) {
		int progress = 0;

		for (int i = 0; i < PEERS; i++) {
			ssize_t r;

			if (gone[i] || off[i] == total)
				continue;
			r = send(fd[i], frame + off[i], total - off[i], MSG_NOSIGNAL);
			if (r > 0) {
				off[i] += (size_t)r;
				nfull += off[i] == total;
				progress = 1;
			} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
				gone[i] = 1;
				ngone++;
			}
		}
		if (!progress)
			usleep(500);
	}
	CU_ASSERT_EQUAL(ngone + nfull, PEERS);
	/* A send that completed may still sit in the socket buffers: wait until
	 * the server has taken in enough to hold only what the budget allows
	 * (6 partial frames of 4 MiB in 24 MiB). */
	for (end = net_now_ms() + NET_WAIT_MS; net_now_ms() < end;) {
		st = nsrv_stats(s);
		CU_ASSERT(st.rx_mem <= lim.rx_budget); /* at every moment */
		if (st.conns <= 6)
			break;
		usleep(1000);
	}
	CU_ASSERT(st.conns <= 6);
	CU_ASSERT(st.budget_closes >= PEERS - 6);
	CU_ASSERT(st.budget_closes <= PEERS);
	log = capture_end(false);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "closing: the receive-memory budget (25165824 bytes) "
					   "is spent and this connection holds the largest "
					   "partial frame"));
	free(log);
	/* an honest peer is still served meanwhile */
	net_check_serves(s->addr);
	for (int i = 0; i < PEERS; i++)
		close(fd[i]);
	/* and the memory comes back when the peers go */
	for (end = net_now_ms() + NET_WAIT_MS; net_now_ms() < end;) {
		st = nsrv_stats(s);
		if (st.rx_mem == 0 && st.conns == 0)
			break;
		usleep(1000);
	}
	CU_ASSERT_EQUAL(st.rx_mem, 0);
	CU_ASSERT_EQUAL(st.conns, 0);
	nsrv_stop(s);
	free(frame);
}

/* Out of descriptors: a client gets an immediate close, not a hang. */
static void test_emfile(void)
{
	struct rlimit old, rl;
	struct nsrv *s;
	int *fill = calloc(4096, sizeof(int)), nfill = 0, fd, probe;
	char msg[256], *log;
	uint64_t t0;

	CU_ASSERT_FATAL(getrlimit(RLIMIT_NOFILE, &old) == 0);
	/* A low limit just above what is open now, set before the server starts:
	 * io_uring takes the limit for an accept when the request is prepared. */
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	rl = old;
	rl.rlim_cur = (rlim_t)probe + 64;
	close(probe);
	if (rl.rlim_cur > old.rlim_cur || setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		TL_SKIP("cannot lower RLIMIT_NOFILE here");
		free(fill);
		return;
	}
	s = nsrv_start(NULL, NULL);
	capture_start();
	/* then fill the table */
	while (nfill < 4096) {
		int f = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (f < 0)
			break;
		fill[nfill++] = f;
	}
	CU_ASSERT_EQUAL(errno, EMFILE);
	close(fill[--nfill]); /* room for the client's own socket, none for the server */
	t0 = net_now_ms();
	fd = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	read_refusal(fd, msg, sizeof(msg));
	CU_ASSERT_EQUAL(net_wait_eof(fd), 0);
	CU_ASSERT(net_now_ms() - t0 < 3000);
	close(fd);
	while (nfill)
		close(fill[--nfill]);
	setrlimit(RLIMIT_NOFILE, &old);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "out of file descriptors"));
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "refused a client: out of file descriptors"));
	free(log);
	/* descriptors back: the listener accepts again */
	net_check_serves(s->addr);
	CU_ASSERT(nsrv_stats(s).refused >= 1);
	nsrv_stop(s);
	free(fill);
}

static void test_read_timeout_(void)
{
	if (net_uring_ok())
		test_read_timeout();
}

static void test_defaults_(void)
{
	if (net_uring_ok())
		test_defaults();
}

static void test_idle_timeout_(void)
{
	if (net_uring_ok())
		test_idle_timeout();
}

static void test_caps_(void)
{
	if (net_uring_ok())
		test_caps();
}

static void test_memory_budget_(void)
{
	if (net_uring_ok())
		test_memory_budget();
}

static void test_emfile_(void)
{
	if (net_uring_ok())
		test_emfile();
}

TL_SUITE(u_cxp_limits, NULL, NULL,
	 { "defaults are documented values; set/get round trip", test_defaults_ },
	 { "slow loris: a trickled frame is closed at the read timeout", test_read_timeout_ },
	 { "idle timeout closes an idle connection, not an exempted one", test_idle_timeout_ },
	 { "per-address and total caps refuse at once with an ERROR saying why", test_caps_ },
	 { "50 peers with partial 4 MiB frames: the budget holds, honest peers served",
	   test_memory_budget_ },
	 { "EMFILE: the spare descriptor turns clients away at once; accepting resumes",
	   test_emfile_ })

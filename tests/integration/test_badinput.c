/* SPDX-License-Identifier: MIT */
/* Description: bad input to real daemons: a clear error, only that peer fails, daemons keep on. */
/*
 * The test code plays the misbehaving peer over plain blocking sockets: an
 * HTTP client, a peer that lies about lengths or hangs up mid-frame, an
 * application that submits undecodable signatures, a container that
 * registers garbage, and a fake application that answers a container's
 * FETCH with corrupt chunks or hangs up. After each abuse it checks what a
 * user would see: the connection is closed (or the request answered with
 * an ERROR naming the problem), the daemon logged the peer and the problem,
 * and the daemon is still there. The last tests run a normal Tasklet end to
 * end through the abused trader and container and stop both cleanly.
 *
 * Every wait is bounded (poll deadlines plus SO_RCVTIMEO/SO_SNDTIMEO as a
 * backstop), so a daemon that hangs fails a test instead of hanging the run.
 * With TL_TEST_VERBOSE=1 in the environment, both daemons' logs go to stderr
 * at the end when a test failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/le.h"
#include "cxp/cxp.h"
#include "tests/proc.h"
#include "tests/tl_test.h"
#include "vm/vm.h"

#define IO_TIMEOUT_MS   3000 /* backstop on every blocking send/recv */
#define CLOSE_WAIT_MS   2000 /* how soon a daemon must drop a bad connection */
#define REPLY_WAIT_MS   3000 /* how soon a daemon must answer a request */
#define RESULT_WAIT_MS  5000 /* how soon a container must report a failed fetch */

static char dir[128];
static struct tp_proc trader, cont;
static char taddr[128], caddr[128];
static char run_out[1 << 16], run_err[1 << 16];

/* ---- Process setup -------------------------------------------------------------- */

static void dump_log(const struct tp_proc *p, const char *name)
{
	char line[512];
	FILE *f = fopen(p->log, "re");

	if (!f)
		return;
	fprintf(stderr, "\n---- %s log (%s) ----\n", name, p->log);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

static int teardown(void)
{
	/* A failure is easier to read with what the daemons said. */
	if (CU_get_number_of_failures() && getenv("TL_TEST_VERBOSE")) {
		dump_log(&trader, "trader");
		dump_log(&cont, "container cbad");
	}
	tp_stop(&cont, SIGTERM, 5000);
	tp_stop(&trader, SIGTERM, 5000);
	if (dir[0])
		tp_rmdir(dir);
	dir[0] = 0;
	return 0;
}

/* One trader, one container "cbad" registered with it and listening for direct ASSIGNs.
 * CUnit does not call the clean function when this fails: it cleans up itself. */
static int setup(void)
{
	char *targv[] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0",
			  "--verbose", NULL };
	char *cargv[] = { (char *)tl_test_bin(), "container", "--trader", taddr, "--listen",
			  "127.0.0.1:0", "--name", "cbad", "--workers", "2", NULL };

	signal(SIGPIPE, SIG_IGN);
	if (tp_tmpdir(dir, sizeof(dir)) < 0) {
		dir[0] = 0;
		return -1;
	}
	if (tp_start(&trader, dir, "trader", NULL, targv) < 0 || tp_first_line(&trader, 15000) < 0)
		goto fail;
	snprintf(taddr, sizeof(taddr), "%s", trader.line);
	if (tp_start(&cont, dir, "cbad", NULL, cargv) < 0 || tp_first_line(&cont, 10000) < 0)
		goto fail;
	snprintf(caddr, sizeof(caddr), "%s", cont.line);
	if (tp_wait_log(&trader, "container cbad registered", 5000) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "x_badinput: cannot start %s trader and container (logs in %s)\n",
		tl_test_bin(), dir);
	dump_log(&trader, "trader");
	dump_log(&cont, "container cbad");
	teardown();
	return -1;
}

/* ---- Plain-socket peer helpers -------------------------------------------------- */

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_MS / 1000, .tv_usec = 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A blocking TCP connection to "HOST:PORT": the fd, or -errno. */
static int peer_connect(const char *addr)
{
	struct sockaddr_storage ss;
	unsigned sl;
	int fd, rc;

	rc = cxp_addr_parse(addr, &ss, &sl);
	if (rc < 0)
		return rc;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	set_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Our own end of fd as "HOST:PORT": what the daemon logs as the peer. */
static void local_addr(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		cxp_addr_format(&ss, buf, cap);
	else
		snprintf(buf, cap, "?");
}

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_frame(int fd, uint8_t type, uint64_t reqid, const void *payload, size_t len)
{
	struct cxp_hdr h = { .type = type, .len = (uint32_t)len, .reqid = reqid };
	uint8_t hdr[CXP_HDR_SIZE];
	int rc;

	cxp_hdr_encode(&h, hdr);
	rc = send_all(fd, hdr, sizeof(hdr));
	if (rc == 0 && len)
		rc = send_all(fd, payload, len);
	return rc;
}

/* Read exactly n bytes before deadline: 1, 0 when the peer closed (or reset) first,
 * or -ETIMEDOUT. */
static int read_full(int fd, void *buf, size_t n, long deadline)
{
	uint8_t *b = buf;

	while (n) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		long left = deadline - (long)clock_now_ms();
		ssize_t r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pf, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -ETIMEDOUT;
		r = recv(fd, b, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0 && errno == ECONNRESET)
			return 0;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		b += r;
		n -= (size_t)r;
	}
	return 1;
}

struct frame {
	struct cxp_hdr h;
	uint8_t *p; /* malloc'd, len + 1 bytes, NUL-terminated */
};

/* One frame from fd: 1 (free f->p), 0 the peer closed, -ETIMEDOUT, -EPROTO (bad header). */
static int read_frame(int fd, struct frame *f, int timeout_ms)
{
	long deadline = (long)clock_now_ms() + timeout_ms;
	uint8_t hdr[CXP_HDR_SIZE];
	int rc;

	f->p = NULL;
	rc = read_full(fd, hdr, sizeof(hdr), deadline);
	if (rc <= 0)
		return rc;
	if (cxp_hdr_decode(hdr, &f->h, NULL, 0) < 0)
		return -EPROTO;
	f->p = calloc(1, (size_t)f->h.len + 1);
	if (!f->p)
		return -ENOMEM;
	rc = read_full(fd, f->p, f->h.len, deadline);
	if (rc <= 0) {
		free(f->p);
		f->p = NULL;
	}
	return rc;
}

/*
 * Wait until the daemon closes fd: 0 once it has, -ETIMEDOUT if it still
 * holds the connection open. An ERROR frame received on the way is decoded
 * into *e (e->code stays 0 when none came).
 */
static int expect_closed(int fd, int timeout_ms, struct cxp_error *e)
{
	long deadline = (long)clock_now_ms() + timeout_ms;
	struct cxp_error dummy;

	if (!e)
		e = &dummy;
	memset(e, 0, sizeof(*e));
	for (;;) {
		struct frame f;
		long left = deadline - (long)clock_now_ms();
		int rc = read_frame(fd, &f, left > 0 ? (int)left : 0);

		if (rc == 0 || rc == -EPROTO)
			return 0;
		if (rc < 0)
			return rc;
		if (f.h.type == CXP_MSG_ERROR && !e->code &&
		    cxp_error_decode(f.p, f.h.len, e, NULL, 0) < 0)
			e->code = 0;
		free(f.p);
	}
}

/*
 * Read the daemon's answer to reqid, which must be an ERROR: 0 and *e
 * filled, or -1 (timeout, close, another frame) with the reason on stderr.
 */
static int expect_error(int fd, uint64_t reqid, struct cxp_error *e)
{
	struct frame f;
	char why[128];
	int rc = read_frame(fd, &f, REPLY_WAIT_MS);

	memset(e, 0, sizeof(*e));
	if (rc <= 0) {
		fprintf(stderr, "\n  no reply to request %" PRIu64 ": %s\n", reqid,
			rc == 0 ? "connection closed" : strerror(-rc));
		return -1;
	}
	rc = -1;
	if (f.h.type != CXP_MSG_ERROR || f.h.reqid != reqid)
		fprintf(stderr, "\n  reply to request %" PRIu64 ": %s frame for request %" PRIu64
				"\n", reqid, cxp_type_name(f.h.type), f.h.reqid);
	else if (cxp_error_decode(f.p, f.h.len, e, why, sizeof(why)) < 0)
		fprintf(stderr, "\n  reply to request %" PRIu64 ": %s\n", reqid, why);
	else
		rc = 0;
	free(f.p);
	return rc;
}

/* Is fd still open from the daemon's side (no EOF within ms)? */
static int still_open(int fd, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pf, 1, ms) == 0)
		return 1;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* Wait up to ms for the log line "PEER: ...what" of the peer on our end of fd. */
static int wait_peer_log(const struct tp_proc *p, int fd, const char *what, int ms)
{
	char me[CXP_ADDR_MAX + 1], pat[256];

	local_addr(fd, me, sizeof(me));
	snprintf(pat, sizeof(pat), "%s: %s", me, what);
	if (tp_wait_log(p, pat, ms) == 0)
		return 0;
	fprintf(stderr, "\n  %s: no log line \"%s\"\n", p->log, pat);
	return -1;
}

/* ---- Signatures and chunks ---------------------------------------------------- */

/*
 * Encode a signature of tasklet tid, fetched from app, rooted at root;
 * with privacy, it asks for Privacy('TLS', 'test-ca') (no container here
 * has TLS, so the trader can never match it). Returns the length.
 */
static int make_sig(uint8_t *buf, size_t cap, uint64_t tid, const char *app, uint64_t root,
		    int privacy)
{
	static struct vm_sig s;

	memset(&s, 0, sizeof(s));
	s.tasklet_id = tid;
	snprintf(s.app_addr, sizeof(s.app_addr), "%s", app);
	s.root = root;
	s.seed = 42;
	s.start_ns = 1700000000000000000ull;
	if (privacy) {
		s.nqos = 1;
		s.qos[0].cat = VM_QOS_PRIVACY;
		s.qos[0].nparams = 2;
		s.qos[0].p[0].type = VM_QOS_P_STR;
		snprintf(s.qos[0].p[0].s, sizeof(s.qos[0].p[0].s), "TLS");
		s.qos[0].p[1].type = VM_QOS_P_STR;
		snprintf(s.qos[0].p[1].s, sizeof(s.qos[0].p[1].s), "test-ca");
	}
	{
		struct cxp_wbuf w;

		cxp_wbuf_init_fixed(&w, buf, cap);
		return cxp_sig_encode(&w, &s);
	}
}

/* A root chunk with the given magic and links (0 = none) to a QoS and a main chunk. */
static void make_root(uint8_t out[VM_CHUNK_WIRE_SIZE], uint64_t id, int64_t magic, uint64_t main)
{
	struct vm_chunk c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.kind = VM_CHUNK_ROOT;
	vm_slot_set_int(&c, VM_ROOT_S_MAGIC, magic);
	vm_slot_set_int(&c, VM_ROOT_S_VER, VM_ROOT_VERSION);
	if (main)
		vm_slot_set_link(&c, VM_ROOT_S_MAIN, main);
	vm_chunk_encode(&c, out);
}

/* Send CHUNKS for tid: n chunks (wire bytes) but a count field of claimed. */
static int send_chunks(int fd, uint64_t reqid, uint64_t tid, const uint8_t *chunks, uint32_t n,
		       uint32_t claimed)
{
	struct cxp_wbuf w;
	int rc;

	cxp_wbuf_init(&w);
	cxp_put_u64(&w, tid);
	cxp_put_u32(&w, claimed);
	cxp_put_bytes(&w, chunks, (size_t)n * VM_CHUNK_WIRE_SIZE);
	rc = w.err ? w.err : send_frame(fd, CXP_MSG_CHUNKS, reqid, w.p, w.len);
	cxp_wbuf_free(&w);
	return rc;
}

/*
 * Answer a FETCH_GRAPH (CHUNKS mode) as an application does: a MANIFEST of
 * the ids of the n chunks (for the tasklet the request named: reqid), then
 * the chunks as send_chunks sends them.
 */
static int answer_chunks(int fd, uint64_t reqid, uint64_t tid, const uint8_t *chunks, uint32_t n,
			 uint32_t claimed)
{
	struct cxp_wbuf w;
	int rc;

	cxp_wbuf_init(&w);
	cxp_manifest_encode_header(&w, reqid, n);
	for (uint32_t i = 0; i < n; i++)
		cxp_put_u64(&w, le64_load(chunks + (size_t)i * VM_CHUNK_WIRE_SIZE));
	rc = w.err ? w.err : send_frame(fd, CXP_MSG_MANIFEST, reqid, w.p, w.len);
	cxp_wbuf_free(&w);
	return rc < 0 ? rc : send_chunks(fd, reqid, tid, chunks, n, claimed);
}

/* ---- A fake application for the container to fetch from ------------------------ */

struct fake_app {
	int lfd;
	char addr[CXP_ADDR_MAX + 1];
};

struct got_result {
	uint64_t tasklet_id;
	uint32_t status;
	char container[CXP_NAME_MAX + 1];
	char error[512];
	char output[256];
	char value[64];
	int on_fetch_conn; /* came back on the connection the FETCH came on */
};

static int fake_app_open(struct fake_app *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	a->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (a->lfd < 0)
		return -errno;
	if (bind(a->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(a->lfd, 16) < 0 ||
	    getsockname(a->lfd, (struct sockaddr *)&ss, &sl) < 0) {
		close(a->lfd);
		a->lfd = -1;
		return -errno;
	}
	cxp_addr_format(&ss, a->addr, sizeof(a->addr));
	return 0;
}

static void fake_app_close(struct fake_app *a)
{
	if (a->lfd >= 0)
		close(a->lfd);
	a->lfd = -1;
}

/* Accept one connection within ms: the fd (with I/O timeouts) or -ETIMEDOUT. */
static int accept_within(int lfd, int ms)
{
	struct pollfd pf = { .fd = lfd, .events = POLLIN };
	int fd;

	if (poll(&pf, 1, ms) <= 0)
		return -ETIMEDOUT;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	set_timeouts(fd);
	return fd;
}

/* ASSIGN tasklet tid (root, fetched from app) straight to the container's endpoint.
 * Returns that connection's fd, or -errno. */
static int assign_direct(uint64_t tid, const char *app, uint64_t root)
{
	uint8_t sig[512];
	int fd, n, rc;

	n = make_sig(sig, sizeof(sig), tid, app, root, 0);
	if (n < 0)
		return n;
	fd = peer_connect(caddr);
	if (fd < 0)
		return fd;
	rc = send_frame(fd, CXP_MSG_ASSIGN, tid, sig, (size_t)n);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static struct cxp_fetch_graph fetch; /* the container's first request */

/*
 * Wait for the container to connect to a and FETCH_GRAPH tasklet tid: returns
 * that connection's fd with the request in `fetch` and its id in *reqid,
 * or -1 (with the reason on stderr).
 */
static int await_fetch(struct fake_app *a, uint64_t tid, uint64_t *reqid)
{
	struct frame f;
	char why[128];
	int fd = accept_within(a->lfd, REPLY_WAIT_MS), rc;

	if (fd < 0) {
		fprintf(stderr, "\n  container did not connect to the application (tasklet %"
				PRIu64 ")\n", tid);
		return -1;
	}
	rc = read_frame(fd, &f, REPLY_WAIT_MS);
	if (rc <= 0) {
		fprintf(stderr, "\n  no FETCH from the container: %s\n",
			rc == 0 ? "closed" : strerror(-rc));
		close(fd);
		return -1;
	}
	rc = -1;
	if (f.h.type != CXP_MSG_FETCH_GRAPH)
		fprintf(stderr, "\n  container sent %s, not FETCH_GRAPH\n", cxp_type_name(f.h.type));
	else if (cxp_fetch_graph_decode(f.p, f.h.len, &fetch, why, sizeof(why)) < 0)
		fprintf(stderr, "\n  container sent a bad FETCH_GRAPH: %s\n", why);
	else if (fetch.mode != CXP_GRAPH_CHUNKS)
		fprintf(stderr, "\n  container asked for mode %u, want CHUNKS (nothing cached)\n",
			fetch.mode);
	else if (fetch.tasklet_id != tid)
		fprintf(stderr, "\n  FETCH for tasklet %" PRIu64 ", want %" PRIu64 "\n",
			fetch.tasklet_id, tid);
	else
		rc = 0;
	*reqid = f.h.reqid;
	free(f.p);
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait for the RESULT of tid: on conn (the fetch connection; -1 for none)
 * or on any new connection the container opens to a. Other frames are
 * ignored. 0 with *r filled, or -ETIMEDOUT.
 */
static int await_result(struct fake_app *a, int conn, uint64_t tid, struct got_result *r,
			int timeout_ms)
{
	enum { MAXC = 8 };
	long deadline = (long)clock_now_ms() + timeout_ms;
	int fds[MAXC], nfd = 0, ret = -ETIMEDOUT;

	memset(r, 0, sizeof(*r));
	if (conn >= 0)
		fds[nfd++] = conn;
	while (ret == -ETIMEDOUT && (long)clock_now_ms() < deadline) {
		struct pollfd pf[MAXC + 1];
		long left = deadline - (long)clock_now_ms();

		pf[0] = (struct pollfd){ .fd = a->lfd, .events = POLLIN };
		for (int i = 0; i < nfd; i++)
			pf[i + 1] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(pf, (nfds_t)nfd + 1, left > 0 ? (int)left : 0) <= 0)
			continue;
		if ((pf[0].revents & POLLIN) && nfd < MAXC) {
			int fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				set_timeouts(fd);
				fds[nfd++] = fd;
			}
		}
		for (int i = 0; i < nfd && ret == -ETIMEDOUT; i++) {
			struct cxp_result res;
			struct frame f;
			int rc;

			if (!(pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			rc = read_frame(fds[i], &f, REPLY_WAIT_MS);
			if (rc <= 0) {
				/* Closed: forget it (the fetch connection stays the caller's). */
				if (fds[i] != conn)
					close(fds[i]);
				fds[i] = fds[--nfd];
				pf[i + 1] = pf[nfd + 1];
				i--;
				continue;
			}
			if (f.h.type == CXP_MSG_RESULT &&
			    cxp_result_decode(f.p, f.h.len, &res, NULL, 0) == 0 &&
			    res.tasklet_id == tid) {
				r->tasklet_id = res.tasklet_id;
				r->status = res.status;
				snprintf(r->container, sizeof(r->container), "%s", res.container);
				snprintf(r->error, sizeof(r->error), "%.*s", (int)res.error_len,
					 res.error);
				snprintf(r->output, sizeof(r->output), "%.*s",
					 (int)res.output_len, res.output);
				snprintf(r->value, sizeof(r->value), "%.*s", (int)res.value_len,
					 res.value);
				r->on_fetch_conn = fds[i] == conn;
				ret = 0;
			}
			free(f.p);
		}
	}
	for (int i = 0; i < nfd; i++)
		if (fds[i] != conn)
			close(fds[i]);
	if (ret < 0)
		fprintf(stderr, "\n  no RESULT for tasklet %" PRIu64 " within %d ms\n", tid,
			timeout_ms);
	return ret;
}

/* ---- The trader ------------------------------------------------------------------- */

static const char http_get[] = "GET / HTTP/1.1\r\nHost: tasklet\r\n\r\n";

static void test_trader_http_garbage(void)
{
	int fd = peer_connect(taddr);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_all(fd, http_get, sizeof(http_get) - 1), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	/* 'G' 'E' read as the magic: the log names the peer, the bytes and a hint. */
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "protocol error: bad magic 0x4745 "
				      "(not a CXP peer?)", 2000), 0);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

static void test_trader_oversized_length(void)
{
	static const uint32_t lens[] = { CXP_MAX_PAYLOAD + 1, UINT32_MAX };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = lens[i], .reqid = 1 };
		uint8_t hdr[CXP_HDR_SIZE];
		char what[96];
		long t0;
		int fd = peer_connect(taddr);

		CU_ASSERT_FATAL(fd >= 0);
		cxp_hdr_encode(&h, hdr);
		/* The header alone: the trader must not wait for a body it would refuse. */
		CU_ASSERT_EQUAL(send_all(fd, hdr, sizeof(hdr)), 0);
		t0 = (long)clock_now_ms();
		CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
		CU_ASSERT((long)clock_now_ms() - t0 < CLOSE_WAIT_MS);
		snprintf(what, sizeof(what), "protocol error: length %u > %u", lens[i],
			 CXP_MAX_PAYLOAD);
		CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, what, 2000), 0);
		close(fd);
	}
	CU_ASSERT_TRUE(tp_alive(&trader));
}

static void test_trader_truncated_frame(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 100, .reqid = 7 };
	uint8_t buf[CXP_HDR_SIZE + 10] = { 0 };
	int fd;

	/* A header announcing 100 bytes, 10 of them, then the peer stops sending. */
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, buf);
	CU_ASSERT_EQUAL(send_all(fd, buf, sizeof(buf)), 0);
	shutdown(fd, SHUT_WR);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "protocol error: truncated frame "
				      "(got 26 of 116 bytes)", 2000), 0);
	close(fd);

	/* Less than a header, then gone for good. */
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_all(fd, "CX\1", 3), 0);
	shutdown(fd, SHUT_WR);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "protocol error: truncated frame "
				      "(got 3 of 16 bytes)", 2000), 0);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/* Send a header with byte idx overwritten by val; expect a close and the log line. */
static void bad_header(const char *addr, struct tp_proc *p, unsigned idx, uint8_t val,
		       const char *what)
{
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 0, .reqid = 9 };
	uint8_t hdr[CXP_HDR_SIZE];
	int fd = peer_connect(addr);

	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, hdr);
	hdr[idx] = val;
	CU_ASSERT_EQUAL(send_all(fd, hdr, sizeof(hdr)), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(p, fd, what, 2000), 0);
	close(fd);
}

static void test_trader_bad_type_and_version(void)
{
	uint8_t tid[8] = { 1 };
	struct cxp_error e;
	int fd;

	bad_header(taddr, &trader, 3, 200, "protocol error: unknown message type 200");
	bad_header(taddr, &trader, 3, 0, "protocol error: unknown message type 0");
	bad_header(taddr, &trader, 2, 9,
		   "protocol error: bad version 9 (expected 4) (peer speaks another CXP version)");

	/* Well-formed frames of types a trader does not take. */
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_chunks(fd, 5, 1, NULL, 0, 0), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "a trader does not take CHUNKS frames"));
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "unexpected CHUNKS frame for a trader", 2000),
			0);
	close(fd);

	/* DONE is for containers only. */
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_DONE, 6, tid, sizeof(tid)), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, &e), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "unexpected DONE (not a container, 8 bytes)",
				      2000), 0);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/*
 * Undecodable signatures are bad requests, not bad connections: each gets
 * ERROR BADMSG for its own request id, and the same connection then gets a
 * valid SUBMIT answered (NOMATCH: no container here has TLS).
 */
static void test_trader_bad_submit_keeps_connection(void)
{
	uint8_t sig[512], bad[512];
	struct cxp_error e;
	int n, fd, before = tp_log_count(&trader, "rejected SUBMIT");

	n = make_sig(sig, sizeof(sig), 0x1001, "127.0.0.1:9", 1, 1);
	CU_ASSERT_FATAL(n > 40);
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);

	/* 1: text. */
	snprintf((char *)bad, sizeof(bad), "this is not a signature, it is a sentence");
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 100, bad, strlen((char *)bad)), 0);
	/* 2: a valid signature cut short. */
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 101, sig, (size_t)n - 5), 0);
	/* 3: empty. */
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 102, NULL, 0), 0);
	/* 4: app_addr claims 4 GiB. */
	memcpy(bad, sig, 8);
	memset(bad + 8, 0xff, 4);
	memcpy(bad + 12, "127.0.0.1:9", 11);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 103, bad, 23), 0);
	/* 5: valid, then trailing bytes. */
	memcpy(bad, sig, (size_t)n);
	memcpy(bad + n, "xyz", 3);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 104, bad, (size_t)n + 3), 0);
	/* 6: nqos = 1000 (the u32 after app_cn and the three u64s that follow it). */
	memcpy(bad, sig, (size_t)n);
	{
		size_t off = 8 + 4 + strlen("127.0.0.1:9") + 4 + 24;

		bad[off] = 0xe8;
		bad[off + 1] = 0x03;
		bad[off + 2] = 0;
		bad[off + 3] = 0;
	}
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 105, bad, (size_t)n), 0);

	for (uint64_t id = 100; id <= 105; id++) {
		CU_ASSERT_EQUAL(expect_error(fd, id, &e), 0);
		CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bad signature: "));
		/* The reason is there, not just the label. */
		CU_ASSERT(strlen(e.msg) > strlen("bad signature: ") + 5);
	}

	/* The same connection still serves a valid request. */
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 106, sig, (size_t)n), 0);
	CU_ASSERT_EQUAL(expect_error(fd, 106, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_NOMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Privacy('TLS', 'test-ca')"));
	CU_ASSERT_TRUE(still_open(fd, 100));
	close(fd);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "rejected SUBMIT") - before, 6);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

static void test_trader_bad_register(void)
{
	struct cxp_register r = { .workers = 1, .speed = 100, .price = 1 };
	int before = tp_log_count(&trader, "registered from");
	struct cxp_wbuf w;
	struct cxp_error e;
	int fd;

	/* Garbage. */
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_REGISTER, 1, "\x05garbage", 8), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, &e), 0);
	/* The would-be container is told why before the trader hangs up. */
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bad REGISTER: "));
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "rejected REGISTER: REGISTER payload", 2000), 0);
	close(fd);

	/* A valid REGISTER with trailing bytes. */
	snprintf(r.name, sizeof(r.name), "trailing");
	cxp_wbuf_init(&w);
	cxp_register_encode(&w, &r);
	cxp_put_u32(&w, 0xdeadbeef);
	CU_ASSERT_FATAL(w.err == 0);
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_REGISTER, 1, w.p, w.len), 0);
	cxp_wbuf_free(&w);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "rejected REGISTER: REGISTER payload: "
				      "4 trailing bytes", 2000), 0);
	close(fd);

	/* A name of 200 bytes (the limit is 31). */
	{
		uint8_t p[4 + 200 + 4 + 16] = { 200 };

		memset(p + 4, 'n', 200);
		fd = peer_connect(taddr);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_REGISTER, 1, p, sizeof(p)), 0);
		CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
		CU_ASSERT_EQUAL(wait_peer_log(&trader, fd, "rejected REGISTER", 2000), 0);
		close(fd);
	}
	/* None of them became a container. */
	CU_ASSERT_EQUAL(tp_log_count(&trader, "registered from"), before);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/* A peer stuck in the middle of a frame holds only its own connection. */
static void test_trader_stalled_peer_isolated(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 1000, .reqid = 1 };
	uint8_t buf[CXP_HDR_SIZE + 10] = { 0 }, sig[512];
	struct cxp_error e;
	long t0;
	int stalled, fd, n;

	stalled = peer_connect(taddr);
	CU_ASSERT_FATAL(stalled >= 0);
	cxp_hdr_encode(&h, buf);
	CU_ASSERT_EQUAL(send_all(stalled, buf, sizeof(buf)), 0);

	n = make_sig(sig, sizeof(sig), 0x1002, "127.0.0.1:9", 1, 1);
	CU_ASSERT_FATAL(n > 0);
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	t0 = (long)clock_now_ms();
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 200, sig, (size_t)n), 0);
	CU_ASSERT_EQUAL(expect_error(fd, 200, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_NOMATCH);
	CU_ASSERT((long)clock_now_ms() - t0 < 1000);
	close(fd);
	/* The stalled peer is still waited for, not dropped for another's sake. */
	CU_ASSERT_TRUE(still_open(stalled, 100));
	close(stalled);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/* Many bad peers at once, then a good one. */
static void test_trader_many_bad_peers(void)
{
	enum { N = 40 };
	int fds[N], closed = 0, fd, n;
	uint8_t sig[512];
	struct cxp_error e;

	for (int i = 0; i < N; i++) {
		fds[i] = peer_connect(taddr);
		CU_ASSERT_FATAL(fds[i] >= 0);
		if (i % 2)
			send_all(fds[i], http_get, sizeof(http_get) - 1);
		else
			send_frame(fds[i], CXP_MSG_REGISTER, 1, "\x01", 1);
	}
	for (int i = 0; i < N; i++) {
		closed += expect_closed(fds[i], CLOSE_WAIT_MS, NULL) == 0;
		close(fds[i]);
	}
	CU_ASSERT_EQUAL(closed, N);
	n = make_sig(sig, sizeof(sig), 0x1003, "127.0.0.1:9", 1, 1);
	fd = peer_connect(taddr);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 300, sig, (size_t)n), 0);
	CU_ASSERT_EQUAL(expect_error(fd, 300, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_NOMATCH);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/*
 * A container that registers properly and then misbehaves is dropped, and
 * only it: the trader unregisters it (the later end-to-end run shows
 * Tasklets still go to cbad, not to the dead fake, which is cheaper).
 */
static void test_trader_misbehaving_container_dropped(void)
{
	struct cxp_register r = { .workers = 4, .speed = 100000, .price = 0,
				  .flags = CXP_CAP_PRIORITY };
	static const char *const names[] = { "evil1", "evil2" };
	struct cxp_wbuf w;

	for (size_t i = 0; i < 2; i++) {
		struct frame f;
		char what[96];
		int fd = peer_connect(taddr);

		CU_ASSERT_FATAL(fd >= 0);
		snprintf(r.name, sizeof(r.name), "%s", names[i]);
		cxp_wbuf_init(&w);
		cxp_register_encode(&w, &r);
		CU_ASSERT_FATAL(w.err == 0);
		CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_REGISTER, 1, w.p, w.len), 0);
		cxp_wbuf_free(&w);
		CU_ASSERT_EQUAL_FATAL(read_frame(fd, &f, REPLY_WAIT_MS), 1);
		CU_ASSERT_EQUAL(f.h.type, CXP_MSG_REGISTERED);
		CU_ASSERT_EQUAL(f.h.len, 8);
		free(f.p);
		if (i == 0) {
			CU_ASSERT_EQUAL(send_all(fd, http_get, sizeof(http_get) - 1), 0);
		} else {
			uint8_t sig[512];
			int n = make_sig(sig, sizeof(sig), 0x1004, "127.0.0.1:9", 1, 0);

			/* A container must not submit. */
			CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_SUBMIT, 2, sig, (size_t)n), 0);
		}
		CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
		snprintf(what, sizeof(what), "container %s (id", names[i]);
		CU_ASSERT_EQUAL(tp_wait_log(&trader, what, 2000), 0);
		close(fd);
	}
	CU_ASSERT_EQUAL(tp_log_count(&trader, "container sent SUBMIT"), 1);
	CU_ASSERT_TRUE(tp_alive(&trader));
}

/* ---- The container's direct endpoint ---------------------------------------------- */

static void test_container_garbage(void)
{
	struct cxp_hdr h = { .type = CXP_MSG_ASSIGN, .len = CXP_MAX_PAYLOAD + 1, .reqid = 1 };
	uint8_t hdr[CXP_HDR_SIZE];
	int fd = peer_connect(caddr);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_all(fd, http_get, sizeof(http_get) - 1), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&cont, fd, "protocol error: bad magic 0x4745", 2000), 0);
	close(fd);

	fd = peer_connect(caddr);
	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, hdr);
	CU_ASSERT_EQUAL(send_all(fd, hdr, sizeof(hdr)), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, NULL), 0);
	CU_ASSERT_EQUAL(wait_peer_log(&cont, fd, "protocol error: length 4194305 > 4194304", 2000),
			0);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&cont));
}

static void test_container_bad_assign(void)
{
	uint8_t sig[512];
	struct cxp_error e;
	int fd = peer_connect(caddr), n;

	CU_ASSERT_FATAL(fd >= 0);
	n = make_sig(sig, sizeof(sig), 0x2001, "127.0.0.1:9", 1, 0);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_ASSIGN, 21, "not a signature", 15), 0);
	CU_ASSERT_EQUAL(expect_error(fd, 21, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "container cbad: bad signature: "));
	/* Same connection, another bad one: answered too. */
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_ASSIGN, 22, sig, (size_t)n - 1), 0);
	CU_ASSERT_EQUAL(expect_error(fd, 22, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_EQUAL(wait_peer_log(&cont, fd, "rejected ASSIGN: ", 2000), 0);
	/* The endpoint takes ASSIGN only: anything else closes the connection. */
	CU_ASSERT_EQUAL(send_frame(fd, CXP_MSG_FETCH, 23, NULL, 0), 0);
	CU_ASSERT_EQUAL(expect_closed(fd, CLOSE_WAIT_MS, &e), 0);
	CU_ASSERT_EQUAL(e.code, CXP_E_BADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "takes ASSIGN only"));
	CU_ASSERT_EQUAL(wait_peer_log(&cont, fd, "unexpected FETCH frame on the container endpoint",
				      2000), 0);
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/*
 * One round with the fake application: ASSIGN tid straight to the
 * container, wait for its FETCH of the root, let answer() reply on the
 * fetch connection (it may close it: it returns the fd still open or -1),
 * then collect the RESULT.
 */
typedef int answer_fn(int fd, uint64_t reqid, uint64_t tid, uint64_t root);

static int fetch_round(uint64_t tid, uint64_t root, answer_fn *answer, struct got_result *r)
{
	struct fake_app a;
	uint64_t reqid = 0;
	int cfd, afd, rc = -1;

	if (fake_app_open(&a) < 0)
		return -1;
	cfd = assign_direct(tid, a.addr, root);
	if (cfd < 0)
		goto out_app;
	afd = await_fetch(&a, tid, &reqid);
	if (afd < 0)
		goto out_assign;
	if (fetch.root != root) {
		fprintf(stderr, "\n  FETCH_GRAPH asks for root %" PRIu64 ", want %" PRIu64 "\n",
			fetch.root, root);
		close(afd);
		goto out_assign;
	}
	afd = answer(afd, reqid, tid, root);
	rc = await_result(&a, afd, tid, r, RESULT_WAIT_MS);
	if (afd >= 0)
		close(afd);
out_assign:
	close(cfd);
out_app:
	fake_app_close(&a);
	return rc;
}

/* (a) a chunk whose slot 3 carries type tag 9. */
static int answer_bad_tag(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, VM_ROOT_MAGIC, 0);
	ch[VM_CHUNK_HDR_SIZE + 3 * VM_SLOT_WIRE_SIZE] = 9;
	answer_chunks(fd, reqid, tid, ch, 1, 1);
	return fd;
}

static void test_container_corrupt_chunk(void)
{
	struct got_result r;
	char what[64];

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3001, 1000, answer_bad_tag, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_STRING_EQUAL(r.container, "cbad");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "chunk 1 of 1 from 127.0.0.1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "slot 3 (offset 64): bad type tag 9"));
	snprintf(what, sizeof(what), "tasklet %016llx failed", 0x3001ull);
	CU_ASSERT_EQUAL(tp_wait_log(&cont, what, 2000), 0);
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* (a') a CHUNKS frame whose count does not match its length. */
static int answer_bad_count(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, VM_ROOT_MAGIC, 0);
	answer_chunks(fd, reqid, tid, ch, 1, 3);
	return fd;
}

/* (a'') chunks for another tasklet. */
static int answer_wrong_tasklet(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, VM_ROOT_MAGIC, 0);
	answer_chunks(fd, reqid, tid + 1, ch, 1, 1);
	return fd;
}

static void test_container_bad_chunks_frame(void)
{
	struct got_result r;

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3002, 1000, answer_bad_count, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "bad CHUNKS frame from application 127.0.0.1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "3 chunks"));

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3003, 1000, answer_wrong_tasklet, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "bad CHUNKS frame"));
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* (a3) a MANIFEST naming chunk id 0. */
static int answer_manifest_id0(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t m[12 + 16];

	le64_store(m, tid);
	le32_store(m + 8, 2);
	le64_store(m + 12, root);
	le64_store(m + 20, 0);
	send_frame(fd, CXP_MSG_MANIFEST, reqid, m, sizeof(m));
	return fd;
}

/* (a4) CHUNKS with no MANIFEST before them. */
static int answer_no_manifest(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, VM_ROOT_MAGIC, 0);
	send_chunks(fd, reqid, tid, ch, 1, 1);
	return fd;
}

/* (a5) more chunks than the MANIFEST announced. */
static int answer_too_many(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[2 * VM_CHUNK_WIRE_SIZE], m[12 + 8];

	make_root(ch, root, VM_ROOT_MAGIC, 0);
	make_root(ch + VM_CHUNK_WIRE_SIZE, root + 1, VM_ROOT_MAGIC, 0);
	le64_store(m, tid);
	le32_store(m + 8, 1);
	le64_store(m + 12, root);
	send_frame(fd, CXP_MSG_MANIFEST, reqid, m, sizeof(m));
	send_chunks(fd, reqid, tid, ch, 2, 2);
	return fd;
}

/* (a6) everything the MANIFEST announced, but the root links to a chunk never sent. */
static int answer_incomplete(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, VM_ROOT_MAGIC, 2000);
	answer_chunks(fd, reqid, tid, ch, 1, 1);
	return fd;
}

static void test_container_bad_manifest(void)
{
	struct got_result r;

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3030, 1000, answer_manifest_id0, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "bad MANIFEST frame from application 127.0.0.1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "id 1 (byte 20) is 0"));

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3031, 1000, answer_no_manifest, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "before the MANIFEST"));

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3032, 1000, answer_too_many, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "2 chunks, 1 asked for"));

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3033, 1000, answer_incomplete, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(r.error, "incomplete graph: chunk 00000000000007d0 is missing"));
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* (b) well-formed chunks that are not a program: a root with the wrong magic. */
static int answer_bad_magic(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root, 0x12345678, 0);
	answer_chunks(fd, reqid, tid, ch, 1, 1);
	return fd;
}

/* (b') chunks, but not the root that was asked for. */
static int answer_no_root(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	uint8_t ch[VM_CHUNK_WIRE_SIZE];

	make_root(ch, root + 7, VM_ROOT_MAGIC, 0);
	answer_chunks(fd, reqid, tid, ch, 1, 1);
	return fd;
}

/*
 * A real compiled program, served whole (as the application library does
 * for a FETCH of the root), optionally with one chunk altered first: the
 * first chunk of kind `kind` gets `mutate` applied.
 */
static struct {
	uint8_t *wire;
	uint32_t n;
	uint8_t kind;
	void (*mutate)(struct vm_chunk *c);
	int mutated;
} served;

static int put_prog_chunk(const struct vm_chunk *c, void *arg)
{
	struct vm_chunk copy = *c;

	if (served.mutate && !served.mutated && c->kind == served.kind) {
		served.mutate(&copy);
		served.mutated = 1;
	}
	vm_chunk_encode(&copy, served.wire + (size_t)served.n * VM_CHUNK_WIRE_SIZE);
	served.n++;
	return 0;
}

static int find_kind(const struct vm_chunk *c, void *arg)
{
	uint64_t *id = arg;

	if (!*id && c->kind == served.kind)
		*id = c->id;
	return 0;
}

/*
 * Compile src and encode its graph into `served`; the root id, or 0 on
 * failure. With reseal, the mutation is made in the store and the graph
 * sealed again, so every content id matches its (altered) content, as a
 * consistent but hostile application would send it; without, the altered
 * chunk keeps its old id.
 */
static uint64_t prog_build(const char *src, uint8_t kind, void (*mutate)(struct vm_chunk *c),
			   int reseal)
{
	struct vm_store *st = vm_store_new(0x70000), *sealed = NULL;
	uint64_t root = 0, victim = 0;
	char cerr[256];
	int n;

	free(served.wire);
	memset(&served, 0, sizeof(served));
	served.kind = kind;
	served.mutate = reseal ? NULL : mutate;
	if (!st)
		return 0;
	if (jsl_compile(st, "served.jsl", src, strlen(src), &root, cerr, sizeof(cerr)) < 0) {
		fprintf(stderr, "\n  compile: %s\n", cerr);
		root = 0;
		goto out;
	}
	if (mutate && reseal) {
		vm_store_walk(st, root, CXP_FETCH_MAX, find_kind, &victim, NULL);
		sealed = vm_store_new(0);
		if (!victim || !sealed) {
			root = 0;
			goto out;
		}
		mutate(vm_store_get_mut(st, victim));
		if (vm_store_seal(sealed, st, root, &root, cerr, sizeof(cerr)) < 0) {
			fprintf(stderr, "\n  seal: %s\n", cerr);
			root = 0;
			goto out;
		}
		served.mutated = 1;
	}
	served.wire = malloc(vm_store_count(st) * VM_CHUNK_WIRE_SIZE);
	n = served.wire ? vm_store_walk(sealed ? sealed : st, root, CXP_FETCH_MAX, put_prog_chunk,
					NULL, NULL)
			: -1;
	if (n <= 0 || (mutate && !served.mutated))
		root = 0;
out:
	vm_store_free(sealed);
	vm_store_free(st);
	return root;
}

static int answer_prog(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	answer_chunks(fd, reqid, tid, served.wire, served.n, served.n);
	return fd;
}

/* The main function's descriptor relabelled as a DATA chunk. */
static void func_as_data(struct vm_chunk *c)
{
	c->kind = VM_CHUNK_DATA;
}

/* The first two instructions overwritten with all-ones bits (8 bytes of a BYTES slot). */
static void trash_code(struct vm_chunk *c)
{
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	vm_slot_set_bytes(c, 0, ones, sizeof(ones));
}

static const char served_src[] = "let x = 40;\nconsole.log('served', x + 2);\nx + 3;\n";

static void test_container_invalid_program(void)
{
	struct got_result r;
	uint64_t root;

	/* Control: the fake application serving a valid graph gets the program's answer. */
	root = prog_build(served_src, 0, NULL, 0);
	CU_ASSERT_FATAL(root != 0);
	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3020, root, answer_prog, &r), 0);
	CU_ASSERT_EQUAL(r.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(r.output, "served 42\n");
	CU_ASSERT_STRING_EQUAL(r.value, "43");
	CU_ASSERT_STRING_EQUAL(r.error, "");

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3004, 1000, answer_bad_magic, &r), 0);
	CU_ASSERT_EQUAL(r.status, VM_ERR_LOAD);
	/* The loader names the chunk and the slot it rejected. */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "root chunk 0x3e8: slot 0"));
	if (r.status != VM_ERR_LOAD || !strstr(r.error, "root chunk 0x3e8: slot 0"))
		fprintf(stderr, "\n  wrong-magic root: status %u, error \"%s\"\n", r.status,
			r.error);

	root = prog_build(served_src, VM_CHUNK_FUNC, func_as_data, 1);
	CU_ASSERT_FATAL(root != 0);
	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3005, root, answer_prog, &r), 0);
	CU_ASSERT_EQUAL(r.status, VM_ERR_LOAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "FUNC"));
	if (r.status != VM_ERR_LOAD || !strstr(r.error, "FUNC"))
		fprintf(stderr, "\n  DATA as main: status %u, error \"%s\"\n", r.status, r.error);

	root = prog_build(served_src, VM_CHUNK_CODE, trash_code, 1);
	CU_ASSERT_FATAL(root != 0);
	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3011, root, answer_prog, &r), 0);
	CU_ASSERT_EQUAL(r.status, VM_ERR_LOAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "instruction 0"));
	if (r.status != VM_ERR_LOAD || !strstr(r.error, "instruction 0"))
		fprintf(stderr, "\n  trashed code: status %u, error \"%s\"\n", r.status, r.error);

	/* The same alteration under the chunk's old content id: refused at the fetch,
	 * before anything could keep the chunk (the cache) or run it. (Another
	 * program: the container's cache holds served_src whole by now.) */
	root = prog_build("let y = 1;\nconsole.log('stale', y);\n", VM_CHUNK_CODE, trash_code, 0);
	CU_ASSERT_FATAL(root != 0);
	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3012, root, answer_prog, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_BADMSG));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "does not hash to its content id"));
	if (!strstr(r.error, "does not hash to its content id"))
		fprintf(stderr, "\n  stale content id: status %u, error \"%s\"\n", r.status,
			r.error);

	CU_ASSERT_EQUAL_FATAL(fetch_round(0x3006, 1000, answer_no_root, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_NOTFOUND));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "did not send root chunk 1000"));
	free(served.wire);
	memset(&served, 0, sizeof(served));
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* (c) the application takes the FETCH and hangs up. */
static int answer_hang_up(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	close(fd);
	return -1;
}

/* (c') the application answers the FETCH with garbage bytes. */
static int answer_garbage(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	send_all(fd, http_get, sizeof(http_get) - 1);
	return fd;
}

/* (c'') the application answers the FETCH with an ERROR of its own. */
static int answer_error(int fd, uint64_t reqid, uint64_t tid, uint64_t root)
{
	struct cxp_error e = { .code = CXP_E_NOTFOUND };
	struct cxp_wbuf w;

	snprintf(e.msg, sizeof(e.msg), "no such chunk here, sorry");
	cxp_wbuf_init(&w);
	cxp_error_encode(&w, &e);
	if (!w.err)
		send_frame(fd, CXP_MSG_ERROR, reqid, w.p, w.len);
	cxp_wbuf_free(&w);
	return fd;
}

static void test_container_app_hangs_up(void)
{
	struct got_result r;

	CU_ASSERT_EQUAL(fetch_round(0x3007, 1000, answer_hang_up, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_NOTFOUND));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "during fetch"));
	CU_ASSERT_TRUE(tp_alive(&cont));

	CU_ASSERT_EQUAL(fetch_round(0x3008, 1000, answer_garbage, &r), 0);
	CU_ASSERT(r.status > 100);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "during fetch"));
	CU_ASSERT_TRUE(tp_alive(&cont));

	CU_ASSERT_EQUAL(fetch_round(0x3009, 1000, answer_error, &r), 0);
	CU_ASSERT_EQUAL(r.status, cxp_ecode_status(CXP_E_NOTFOUND));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "no such chunk here, sorry"));
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* (d) a signature naming an application nobody listens at: the job fails, logged. */
static void test_container_unreachable_app(void)
{
	char what[64];
	int fd = assign_direct(0x3010, "127.0.0.1:1", 1000);

	CU_ASSERT_FATAL(fd >= 0);
	snprintf(what, sizeof(what), "tasklet %016llx failed", 0x3010ull);
	CU_ASSERT_EQUAL(tp_wait_log(&cont, what, RESULT_WAIT_MS), 0);
	CU_ASSERT_TRUE(still_open(fd, 100));
	close(fd);
	CU_ASSERT_TRUE(tp_alive(&cont));
}

/* ---- Afterwards: both daemons still serve, and stop cleanly ------------------------ */

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
	CU_ASSERT_FATAL(tp_write_file(dir, name, text, path, cap) == 0);
}

static void test_still_serving(void)
{
	char prog[256];
	char *argv[] = { (char *)tl_test_bin(), "run", "--trader", taddr, prog, NULL };
	int before = tp_log_count(&trader, "-> container cbad"), rc;

	CU_ASSERT_TRUE_FATAL(tp_alive(&trader));
	CU_ASSERT_TRUE_FATAL(tp_alive(&cont));
	write_file("after.jsl",
		   "function f(x) { return x * 7; }\n"
		   "console.log('still serving', f(6));\n"
		   "f(6) + 1;\n",
		   prog, sizeof(prog));
	rc = tp_run(argv, NULL, run_out, sizeof(run_out), run_err, sizeof(run_err), 30000);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(run_out, "still serving 42\n=> 43\n"));
	if (rc != 0 || !strstr(run_out, "still serving 42\n=> 43\n"))
		fprintf(stderr, "\n  tasklet run exited %d\n  stdout: %s\n  stderr: %s\n", rc,
			run_out, run_err);
	/* It went to the real container, not to one of the dropped fakes. */
	CU_ASSERT_EQUAL(tp_log_count(&trader, "-> container cbad"), before + 1);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "-> container evil"), 0);
}

/* After all that, SIGTERM still ends both daemons cleanly (under SAN=1: no reports). */
static void test_clean_shutdown(void)
{
	int st;

	st = tp_stop(&cont, SIGTERM, 5000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = tp_stop(&trader, SIGTERM, 5000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "Sanitizer"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&cont, "Sanitizer"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&trader, "runtime error:"), 0);
	CU_ASSERT_EQUAL(tp_log_count(&cont, "runtime error:"), 0);
}

TL_SUITE(x_badinput, setup, teardown,
	 { "trader: HTTP request -> closed, 'bad magic 0x4745' logged", test_trader_http_garbage },
	 { "trader: length > CXP_MAX_PAYLOAD -> closed before any body",
	   test_trader_oversized_length },
	 { "trader: truncated frames -> logged, closed", test_trader_truncated_frame },
	 { "trader: bad type / version / frame kind -> closed", test_trader_bad_type_and_version },
	 { "trader: bad SUBMITs answered BADMSG, connection keeps serving",
	   test_trader_bad_submit_keeps_connection },
	 { "trader: bad REGISTERs -> closed, no container added", test_trader_bad_register },
	 { "trader: a stalled peer does not hold up others", test_trader_stalled_peer_isolated },
	 { "trader: 40 bad peers at once, then a good one", test_trader_many_bad_peers },
	 { "trader: a registered container that misbehaves is dropped",
	   test_trader_misbehaving_container_dropped },
	 { "container: garbage and oversized frames -> closed", test_container_garbage },
	 { "container: bad ASSIGN answered BADMSG, other frames close", test_container_bad_assign },
	 { "container: corrupt chunk -> RESULT ecode_status(BADMSG) naming the slot",
	   test_container_corrupt_chunk },
	 { "container: inconsistent CHUNKS frames -> RESULT ecode_status(BADMSG)",
	   test_container_bad_chunks_frame },
	 { "container: malformed or inconsistent MANIFEST -> RESULT ecode_status(BADMSG)",
	   test_container_bad_manifest },
	 { "container: chunks that are not a program -> RESULT VM_ERR_LOAD / NOTFOUND",
	   test_container_invalid_program },
	 { "container: application hangs up / garbage / ERROR during fetch",
	   test_container_app_hangs_up },
	 { "container: application unreachable -> job fails, logged",
	   test_container_unreachable_app },
	 { "afterwards: tasklet run through the same trader and container", test_still_serving },
	 { "afterwards: both daemons stop cleanly on SIGTERM", test_clean_shutdown })

/* SPDX-License-Identifier: MIT */
/*
 * The CXP event loop: one io_uring per loop, driven by one thread. It moves
 * whole frames and knows nothing of what they mean.
 *
 * user_data encoding. Every SQE whose completion matters carries the
 * address of the object that owns it with the operation in the low 3 bits
 * (objects come from malloc, so at least 8-byte aligned):
 *
 *   OP_ACCEPT   struct listener   (multishot when the kernel has it; or, after
 *                                  EMFILE, a poll for the next client)
 *   OP_CONNECT  struct cxp_conn
 *   OP_RECV     struct cxp_conn   (multishot on the buffer ring, or one-shot)
 *   OP_SEND     struct cxp_conn
 *   OP_CTIMER   struct cxp_conn   bound on flushing output at cxp_close
 *   OP_TIMER    struct ltimer     cxp_loop_timer
 *   OP_WAKE     struct cxp_loop   poll on the eventfd of post/stop
 *
 * user_data 0 marks requests whose completion is ignored (cancellations).
 *
 * Lifetime. A connection holds one reference for its owner (dropped when
 * on_close has run) and one per SQE in flight (dropped when its CQE is
 * reaped); the memory, and the file descriptor, go only when the count
 * reaches 0, so no completion can point at freed memory and no fd number
 * is reused while the kernel still works on it. Closing a connection
 * cancels its SQEs by user_data; the cancelled CQEs then drain the refs.
 * l->inflight counts every SQE with a non-zero user_data still pending, so
 * cxp_loop_free can wait until the kernel holds nothing of ours.
 *
 * Receive: one RECV in flight per connection. A plain connection waiting
 * for frames has a multishot RECV on the loop's provided-buffer ring: each
 * completion's bytes are copied to the frame buffer and the ring buffer is
 * given back at once (a multishot request holds one reference and one
 * inflight count until its last CQE, the one without IORING_CQE_F_MORE).
 * While the peer streams (a full ring buffer, or a large frame due) the
 * multishot request is cancelled and one-shot RECVs land straight in the
 * frame buffer, so a bulk frame is never copied; TLS always receives
 * one-shot into its own buffer. on_frame gets a pointer into the frame
 * buffer. A header is validated as soon as its 16 bytes are in; the buffer
 * grows to the frame's size only after that.
 * Send: cxp_send appends to a pending buffer; one IORING_OP_SEND
 * (MSG_NOSIGNAL) per connection is in flight on the other buffer, and the
 * two swap when it completes, so frames queued meanwhile leave in one batch.
 *
 * Transports. The bytes between the framing and the socket go through
 * c->tp (cxp/cxp_int.h): plain TCP here (receive straight into the frame
 * buffer, send straight from the queue), TLS in tls.c. Nothing above this
 * file's transport calls knows which one a connection is on.
 *
 * Limits (struct cxp_limits, man cxp(7)). A sweep timer, armed while there
 * are connections, closes a connection whose partial frame (or TLS
 * handshake) is older than the read timeout, and an idle accepted one.
 * Accepts over the total or per-address cap are closed at once (with a
 * CXP ERROR frame on plain listeners). Receive buffers beyond each
 * connection's first RBUF_INIT bytes are counted in l->st.rx_mem, and grow only
 * as bytes arrive (never to a frame's announced size at once); growing past
 * the budget closes the connection holding the largest partial frame. On
 * EMFILE/ENFILE a listener closes its spare descriptor, accepts and closes
 * what is pending (so clients see an immediate close, not a hang), reopens
 * the spare, and polls the listening socket until the next client comes.
 *
 * Kernel features are probed at cxp_loop_new (man cxp(7), THE EVENT LOOP):
 * the buffer ring and the sparse registered-file table by registering them
 * (each left out when that fails); multishot accept, poll and receive fall
 * back to their one-shot forms when the kernel rejects them (-EINVAL).
 * A connection's socket takes a slot of the file table while it has one
 * (its requests then carry IOSQE_FIXED_FILE); the slot is cleared before
 * the descriptor is closed, since the table holds a reference of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "cxp/cxp_int.h"

enum {
	OP_ACCEPT = 0,
	OP_CONNECT = 1,
	OP_RECV = 2,
	OP_SEND = 3,
	OP_CTIMER = 4,
	OP_TIMER = 5,
	OP_WAKE = 6,
	OP_MASK = 7,
};

#define RING_ENTRIES   256
#define CQ_ENTRIES     4096
#define RBUF_INIT      (64u << 10)
#define RBUF_BURST     (512u << 10) /* a busy connection's receive buffer grows to this */
#define RBUF_KEEP      (1u << 20)  /* a larger, empty receive buffer is given back */
#define OBUF_KEEP      (1u << 20)  /* a larger, empty send buffer is given back */
#define OUT_MAX        (64u << 20) /* queued output per connection; past it -ENOBUFS */
#define CLOSE_FLUSH_MS 2000        /* how long cxp_close waits for queued output (and lingers) */
#define ACCEPT_RETRY_MS 100        /* back-off after ENOMEM and friends */
#define DRAIN_MS       5000        /* cxp_loop_free's bound on waiting for the kernel */
#define PTAB_SIZE      1024        /* buckets of the per-address connection counts */
#define SWEEP_MAX_MS   1000        /* the limits' sweep runs at least this often */
#define REFUSE_LOG_MS  1000        /* at most one "refused" log line per second */

/* The provided-buffer ring of multishot receive: shared by every plain connection of
 * a loop, so its size bounds what the kernel reads ahead for all of them together. */
#define BR_ENTRIES     128
#define BR_BUF         (16u << 10)
#define BR_GROUP       0
/* A partial frame with more than this still to come is received straight into
 * the connection's frame buffer (one copy fewer for bulk data), not via the ring. */
#define RX_DIRECT_MIN  (64u << 10)
#define RX_SMALL       1024u       /* ... and RX_CALM receives in a row under this, each */
#define RX_CALM        8           /* leaving no partial frame, bring it back to multishot */
/* A connection with this much queued to send streams out: its receives
 * (acknowledgements, credit) go one-shot. A multishot receive armed on a
 * socket that is also sending bulk cut the stream 4x here (bench/README.md,
 * CXP), on the sending side, whose receives are small. */
#define TX_BULK        (256u << 10)
#define FILE_SLOTS     4096u       /* registered file table (capped by RLIMIT_NOFILE) */

#define DEF_READ_MS    30000u
#define DEF_IDLE_MS    300000u
#define DEF_PER_ADDR   256u
#define DEF_RX_BUDGET  (256ull << 20)

#define dlist cxp_dlist

static void dlist_init(struct dlist *h)
{
	h->prev = h->next = h;
}

static int dlist_empty(const struct dlist *h)
{
	return h->next == h;
}

static void dlist_add_tail(struct dlist *h, struct dlist *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static void dlist_del(struct dlist *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

#define obuf cxp_obuf

struct listener {
	struct listener *next;
	struct cxp_loop *l;
	int fd;
	int armed;   /* an accept (or, when polling, a poll) SQE is pending */
	int polling; /* out of descriptors: waiting for a client to refuse */
	int off;     /* stopped after an unrecoverable error */
	struct cxp_handlers h;
	void *ud;
	struct cxp_tls *tls; /* NULL: plain TCP */
	char addr[CXP_ADDR_MAX + 1];
};

/* Accepted connections open from one IP address. */
struct cxp_peer_count {
	struct cxp_peer_count *next;
	uint8_t key[17]; /* family byte + address */
	unsigned n, bucket;
};

struct ltimer {
	struct dlist link; /* l->timers */
	struct __kernel_timespec ts;
	void (*fn)(void *arg);
	void *arg;
};

struct post {
	struct post *next;
	void (*fn)(void *arg);
	void *arg;
};

struct cxp_loop {
	struct io_uring ring;
	int efd;
	int spare_fd; /* kept for accept-and-close when descriptors run out; -1: none */
	unsigned inflight;
	int freeing;
	int wake_armed;
	int sweep_armed;
	int accept_multishot, poll_multishot;
	int recv_multishot;           /* multishot RECV on the provided-buffer ring */
	struct io_uring_buf_ring *br; /* that ring (BR_ENTRIES), or NULL */
	uint8_t *br_mem;              /* its buffers, BR_ENTRIES x BR_BUF */
	int *slot_free;               /* free indexes of the registered file table */
	unsigned nslots, nfree;       /* its size (0: no table) and free count */
	uint64_t ms_recvs, direct_recvs, fixed_ops; /* what the features carried */
	unsigned setup_flags;         /* the ring's IORING_SETUP_* */
	char why_ms[64], why_files[64]; /* why a feature is off ("": on) */
	char feat[256];               /* cxp_loop_features */
	atomic_int stop;
	struct dlist conns, lingering, flushq, timers;
	struct listener *listeners;
	struct cxp_limits lim;
	struct cxp_loop_stats st; /* conns, accepted, rx_mem kept live; the rest are counters */
	uint64_t now;             /* CLOCK_MONOTONIC ms, refreshed once per ring wait */
	uint64_t refuse_log_at;   /* when the last "refused" line was logged */
	uint64_t refuse_quiet;    /* refusals not logged since */
	struct cxp_peer_count *ptab[PTAB_SIZE];
	pthread_mutex_t post_mu;
	struct post *post_head, **post_tail;
	struct post *defer_head, **defer_tail; /* loop thread: cxp_loop_defer */
};

static void feat_render(struct cxp_loop *l);

static uint64_t ud_make(const void *p, unsigned op)
{
	return (uint64_t)(uintptr_t)p | op;
}

/*
 * A free SQE. A full submission queue is submitted and the request retried;
 * NULL only when the ring refuses submissions for good.
 */
static struct io_uring_sqe *get_sqe(struct cxp_loop *l)
{
	struct io_uring_sqe *sqe;

	for (int tries = 0; tries < 64; tries++) {
		sqe = io_uring_get_sqe(&l->ring);
		if (sqe)
			return sqe;
		int ret = io_uring_submit(&l->ring);

		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			cxp_log("cxp loop: io_uring_submit failed: %s", strerror(-ret));
			return NULL;
		}
	}
	cxp_log("cxp loop: submission queue stays full");
	return NULL;
}

/* Queue a request to cancel the SQE with user_data ud; its own CQE is ignored. */
static int cancel_ud(struct cxp_loop *l, uint64_t ud, int timeout)
{
	struct io_uring_sqe *sqe = get_sqe(l);

	if (!sqe)
		return -EBUSY;
	if (timeout)
		io_uring_prep_timeout_remove(sqe, ud, 0);
	else
		io_uring_prep_cancel64(sqe, ud, 0);
	io_uring_sqe_set_data64(sqe, 0);
	return 0;
}

/* ---- Limits: defaults, per-address counts, the receive budget ------------ */

void cxp_limits_default(struct cxp_limits *lim)
{
	struct rlimit rl;
	uint64_t n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		n = rl.rlim_cur == RLIM_INFINITY ? 65536 + 64 : (uint64_t)rl.rlim_cur;
	n = n > 128 ? n - 64 : 64;
	if (n > 65536)
		n = 65536;
	lim->read_timeout_ms = DEF_READ_MS;
	lim->idle_timeout_ms = DEF_IDLE_MS;
	lim->max_conns = (uint32_t)n;
	lim->max_conns_per_addr = DEF_PER_ADDR;
	lim->rx_budget = DEF_RX_BUDGET;
}

static void arm_sweep(struct cxp_loop *l);

int cxp_loop_set_limits(struct cxp_loop *l, const struct cxp_limits *lim)
{
	if (!lim)
		return -EINVAL;
	l->lim = *lim;
	/* a shorter timeout takes effect at the next sweep; re-arming is idempotent */
	arm_sweep(l);
	return 0;
}

void cxp_loop_get_limits(const struct cxp_loop *l, struct cxp_limits *lim)
{
	*lim = l->lim;
}

void cxp_loop_stats(const struct cxp_loop *l, struct cxp_loop_stats *st)
{
	*st = l->st;
	st->recv_multishot = l->ms_recvs;
	st->recv_direct = l->direct_recvs;
	st->fixed_file_ops = l->fixed_ops;
}

/* The count entry for the IP address (not the port) of ss, created at 0; NULL: out of memory. */
static struct cxp_peer_count *peer_count(struct cxp_loop *l, const struct sockaddr_storage *ss)
{
	uint8_t key[17] = { 0 };
	struct cxp_peer_count *pc;
	uint32_t hash = 2166136261u;

	key[0] = (uint8_t)ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(key + 1, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(key + 1, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	for (size_t i = 0; i < sizeof(key); i++)
		hash = (hash ^ key[i]) * 16777619u;
	for (pc = l->ptab[hash % PTAB_SIZE]; pc; pc = pc->next)
		if (!memcmp(pc->key, key, sizeof(key)))
			return pc;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return NULL;
	memcpy(pc->key, key, sizeof(key));
	pc->bucket = hash % PTAB_SIZE;
	pc->next = l->ptab[hash % PTAB_SIZE];
	l->ptab[hash % PTAB_SIZE] = pc;
	return pc;
}

static void peer_count_drop(struct cxp_loop *l, struct cxp_peer_count *pc)
{
	struct cxp_peer_count **pp;

	if (--pc->n)
		return;
	for (pp = &l->ptab[pc->bucket]; *pp; pp = &(*pp)->next)
		if (*pp == pc) {
			*pp = pc->next;
			free(pc);
			return;
		}
}

/* Bytes of a receive buffer of cap bytes counted against the budget. */
static size_t rb_counted(size_t cap)
{
	return cap > RBUF_INIT ? cap - RBUF_INIT : 0;
}

/* Replace c's receive buffer (realloc'd already), keeping l->st.rx_mem in step. */
static void rb_set(struct cxp_conn *c, uint8_t *p, size_t cap)
{
	struct cxp_loop *l = c->l;

	if (!c->dead)
		l->st.rx_mem -= rb_counted(c->rcap);
	c->rb = p;
	c->rcap = cap;
	if (!c->dead)
		l->st.rx_mem += rb_counted(cap);
}

/* ---- Connections ------------------------------------------------------ */

static int has_output(const struct cxp_conn *c)
{
	return c->snd.off < c->snd.len || c->pend.len > 0 || c->tp->tx_held(c) > 0;
}

static void conn_arm(struct cxp_conn *c, struct io_uring_sqe *sqe, unsigned op)
{
	io_uring_sqe_set_data64(sqe, ud_make(c, op));
	c->ops |= 1u << op;
	c->refs++;
	c->l->inflight++;
}

static void conn_put(struct cxp_conn *c)
{
	if (--c->refs)
		return;
	if (c->fq_on)
		dlist_del(&c->fq);
	if (c->slot >= 0) {
		struct cxp_loop *l = c->l;
		int none = -1;

		/* the table holds a reference to the socket: drop it before the close */
		int ret = io_uring_register_files_update(&l->ring, (unsigned)c->slot, &none, 1);

		if (ret == 1)
			l->slot_free[l->nfree++] = c->slot;
		else
			cxp_log("%s: cannot clear registered file slot %d: %s (the socket stays "
				"open until the loop ends)", c->peer, c->slot,
				strerror(ret < 0 ? -ret : EIO));
		c->slot = -1;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->tp->free(c);
	free(c->rb);
	free(c->snd.p);
	free(c->pend.p);
	free(c);
}

/* Cancel every SQE of c in flight; their CQEs then drop c's references. */
static void cancel_ops(struct cxp_conn *c)
{
	for (unsigned op = OP_CONNECT; op <= OP_CTIMER; op++)
		if (c->ops & (1u << op))
			cancel_ud(c->l, ud_make(c, op), op == OP_CTIMER);
	/*
	 * Also shut the socket down: it ends a pending recv, send or connect
	 * even where a cancel raced with the request's issue (or found no SQE).
	 */
	shutdown(c->fd, SHUT_RDWR);
}

/*
 * c stops counting: against the caps, and its receive buffer against the
 * budget (logically released now; the memory goes when the last CQE of c
 * is reaped, within this turn of the loop or the next).
 */
static void conn_uncount(struct cxp_conn *c)
{
	struct cxp_loop *l = c->l;

	l->st.conns--;
	l->st.rx_mem -= rb_counted(c->rcap);
	if (c->accepted) {
		l->st.accepted--;
		if (c->pc)
			peer_count_drop(l, c->pc);
		c->pc = NULL;
	}
}

/*
 * The abortive end of a connection (errors, bad peers, cxp_loop_free):
 * cancel what is in flight, tell the owner (on_close, exactly once), drop
 * the owner's reference. The memory stays until the cancelled CQEs have
 * been reaped. An accepted connection that never became ready (its TLS
 * handshake failed) was never shown to the owner: no on_close.
 */
static void conn_finish(struct cxp_conn *c, int reason)
{
	if (c->dead)
		return;
	conn_uncount(c);
	c->dead = 1;
	dlist_del(&c->link);
	if (c->fq_on) {
		dlist_del(&c->fq);
		c->fq_on = 0;
	}
	cancel_ops(c);
	/* an outbound connection whose transport set-up failed: on_connect hears it first */
	if (!c->accepted && !c->ready && c->connected && !c->closing && c->h.on_connect)
		c->h.on_connect(c, reason ? reason : -ECONNABORTED, c->ud);
	if (c->h.on_close && (c->ready || !c->accepted))
		c->h.on_close(c, reason, c->ud);
	conn_put(c);
}

/* The end of a lingering close: stop draining and let the memory go. */
static void linger_end(struct cxp_conn *c)
{
	if (!c->linger)
		return;
	c->linger = 0;
	dlist_del(&c->link);
	cancel_ops(c);
	conn_put(c);
}

static int arm_recv(struct cxp_conn *c);

/*
 * An orderly close once every queued frame has been handed to the kernel:
 * send FIN after the data, tell the owner (on_close), then keep reading and
 * discarding until the peer closes too or the close bound expires. Closing
 * the socket with unread input at once would make the kernel send RST and
 * throw away output the peer has not read yet (a "lingering close").
 */
static void conn_finish_graceful(struct cxp_conn *c, int reason)
{
	struct cxp_loop *l = c->l;
	struct io_uring_sqe *sqe;

	if (!c->connected || l->freeing) {
		conn_finish(c, reason);
		return;
	}
	conn_uncount(c);
	shutdown(c->fd, SHUT_WR);
	c->dead = 1;
	c->linger = 1;
	dlist_del(&c->link);
	dlist_add_tail(&l->lingering, &c->link);
	if (c->fq_on) {
		dlist_del(&c->fq);
		c->fq_on = 0;
	}
	if (c->h.on_close && (c->ready || !c->accepted))
		c->h.on_close(c, reason, c->ud);
	if (!(c->ops & (1u << OP_CTIMER))) {
		sqe = get_sqe(l);
		if (!sqe) {
			linger_end(c);
			return;
		}
		c->cts.tv_sec = CLOSE_FLUSH_MS / 1000;
		c->cts.tv_nsec = (CLOSE_FLUSH_MS % 1000) * 1000000LL;
		io_uring_prep_timeout(sqe, &c->cts, 0, 0);
		conn_arm(c, sqe, OP_CTIMER);
	}
	c->rlen = 0;
	if (!(c->ops & (1u << OP_RECV)) && arm_recv(c) < 0)
		linger_end(c);
}

static void queue_flush(struct cxp_conn *c)
{
	if (c->fq_on || c->dead)
		return;
	c->fq_on = 1;
	dlist_add_tail(&c->l->flushq, &c->fq);
}

static struct cxp_conn *conn_new(struct cxp_loop *l, int fd, const struct cxp_handlers *h,
				 void *ud)
{
	struct cxp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->l = l;
	c->fd = fd;
	c->refs = 1;
	c->slot = -1;
	/* A new connection receives one-shot until it has shown it is calm (RX_CALM
	 * small receives): a first burst (a graph) then never goes through the ring. */
	c->direct = 1;
	if (l->nfree && fd >= 0) {
		int slot = l->slot_free[l->nfree - 1];

		/* A registered file spares the kernel a file lookup and reference per
		 * request; without a free slot the connection uses its descriptor. */
		if (io_uring_register_files_update(&l->ring, (unsigned)slot, &fd, 1) == 1) {
			l->nfree--;
			c->slot = slot;
		}
	}
	if (h)
		c->h = *h;
	c->ud = ud;
	c->tp = &cxp_tcp_transport;
	c->active_ms = l->now ? l->now : clock_now_ms();
	dlist_init(&c->fq);
	dlist_add_tail(&l->conns, &c->link);
	l->st.conns++;
	arm_sweep(l);
	return c;
}

static void set_nodelay(int fd)
{
	int one = 1;

	/* We batch frames ourselves; Nagle would only add latency to replies. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Point sqe (prepared on c->fd) at c's registered file when it has one. */
static void sqe_file(struct cxp_conn *c, struct io_uring_sqe *sqe)
{
	if (c->slot >= 0) {
		sqe->fd = c->slot;
		sqe->flags |= IOSQE_FIXED_FILE;
		c->l->fixed_ops++;
	}
}

/* Bytes of the partial frame at c->rb still to come (0: none known yet). */
static size_t partial_rest(const struct cxp_conn *c)
{
	struct cxp_hdr h;

	if (c->rlen < CXP_HDR_SIZE || cxp_hdr_decode(c->rb, &h, NULL, 0) < 0)
		return 0;
	return CXP_HDR_SIZE + (size_t)h.len > c->rlen ? CXP_HDR_SIZE + (size_t)h.len - c->rlen
						      : 0;
}

/*
 * Whether c's next receive is multishot on the loop's buffer ring: a plain
 * connection (TLS reads through its own buffers), set up, not closing or
 * lingering, unless the peer streams (a full ring buffer, or a large partial
 * frame due: those bytes come straight into the frame buffer, one copy
 * fewer) or the ring just ran dry.
 */
static int want_multishot(const struct cxp_conn *c)
{
	return c->l->recv_multishot && c->tp == &cxp_tcp_transport && c->ready && !c->closing &&
	       !c->linger && !c->dead && !c->direct && partial_rest(c) <= RX_DIRECT_MIN &&
	       cxp_conn_unsent(c) < TX_BULK;
}

static int arm_recv(struct cxp_conn *c)
{
	struct io_uring_sqe *sqe;
	uint8_t *p;
	size_t n;
	int ret;

	if (want_multishot(c)) {
		sqe = get_sqe(c->l);
		if (!sqe)
			return -EBUSY;
		io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BR_GROUP;
		sqe_file(c, sqe);
		conn_arm(c, sqe, OP_RECV);
		c->ms = 1;
		c->ms_cancel = 0;
		return 0;
	}

	if (!c->rb) {
		p = malloc(RBUF_INIT);
		if (!p)
			return -ENOMEM;
		rb_set(c, p, RBUF_INIT);
	}
	if (c->linger) {
		/* draining after an orderly close: the bytes are discarded */
		p = c->rb;
		n = c->rcap;
	} else {
		ret = c->tp->rx_area(c, &p, &n);
		if (ret < 0)
			return ret;
	}
	sqe = get_sqe(c->l);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_recv(sqe, c->fd, p, n, 0);
	sqe_file(c, sqe);
	conn_arm(c, sqe, OP_RECV);
	c->ms = 0;
	c->l->direct_recvs++;
	return 0;
}

/* Start the next send when none is in flight. 0 or -errno (the caller ends the connection). */
static int start_send(struct cxp_conn *c)
{
	struct io_uring_sqe *sqe;
	const uint8_t *p;
	size_t n;
	int ret;

	if (c->dead || !c->connected || (c->ops & (1u << OP_SEND)))
		return 0;
	ret = c->tp->tx_next(c, &p, &n);
	if (ret < 0 || !n)
		return ret;
	sqe = get_sqe(c->l);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_send(sqe, c->fd, p, n, MSG_NOSIGNAL);
	sqe_file(c, sqe);
	conn_arm(c, sqe, OP_SEND);
	return 0;
}

int cxp_conn_send_busy(const struct cxp_conn *c)
{
	return !!(c->ops & (1u << OP_SEND));
}

void cxp_loop_count_tls_failure(struct cxp_loop *l)
{
	l->st.tls_failures++;
}

size_t cxp_conn_plain_out(struct cxp_conn *c, const uint8_t **p)
{
	if (c->snd.off == c->snd.len) {
		struct obuf t = c->snd;

		if (!c->pend.len)
			return 0;
		t.len = t.off = 0;
		c->snd = c->pend;
		c->pend = t;
	}
	*p = c->snd.p + c->snd.off;
	return c->snd.len - c->snd.off;
}

void cxp_conn_plain_done(struct cxp_conn *c, size_t n)
{
	c->snd.off += n;
	if (c->snd.off == c->snd.len) {
		c->snd.off = c->snd.len = 0;
		/* Give a large buffer back only when the connection goes idle: while
		 * frames keep coming, freeing it makes the allocator fault fresh pages
		 * in for every swap (measured: 4x slower streaming with a deep queue). */
		if (c->snd.cap > OBUF_KEEP && !c->pend.len) {
			free(c->snd.p);
			c->snd.p = NULL;
			c->snd.cap = 0;
		}
	}
}

static const char *proto_hint(const uint8_t *hdr)
{
	if (hdr[0] == 0x16 && hdr[1] == 0x03)
		return " (a TLS client on a plain CXP port?)";
	if (hdr[0] != CXP_MAGIC0 || hdr[1] != CXP_MAGIC1)
		return " (not a CXP peer?)";
	if (hdr[2] != CXP_VERSION)
		return " (peer speaks another CXP version)";
	return "";
}

/*
 * The connection holding the largest partial frame (the most bytes
 * received and not yet delivered), or NULL when none holds any.
 */
static struct cxp_conn *largest_partial(struct cxp_loop *l)
{
	struct cxp_conn *best = NULL;

	for (struct dlist *d = l->conns.next; d != &l->conns; d = d->next) {
		struct cxp_conn *x = container_of(d, struct cxp_conn, link);

		if (x->rlen && (!best || x->rlen > best->rlen))
			best = x;
	}
	return best;
}

/*
 * Grow c's receive buffer to ncap within the budget: while the growth
 * would pass it, close the connection with the largest partial frame; when
 * that is c itself, fail with -ENOBUFS (logged).
 */
static int rb_grow(struct cxp_conn *c, size_t ncap)
{
	struct cxp_loop *l = c->l;
	uint64_t budget = l->lim.rx_budget;
	uint8_t *p;

	while (budget && l->st.rx_mem - rb_counted(c->rcap) + rb_counted(ncap) > budget) {
		struct cxp_conn *v = largest_partial(l);

		if (!v || v == c || v->rlen <= c->rlen) {
			v = c;
		}
		cxp_log("%s: closing: the receive-memory budget (%llu bytes) is spent and this "
			"connection holds the largest partial frame (%zu bytes)",
			v->peer, (unsigned long long)budget, v->rlen);
		l->st.budget_closes++;
		if (v == c)
			return -ENOBUFS;
		conn_finish(v, -ENOBUFS);
	}
	p = realloc(c->rb, ncap);
	if (!p)
		return -ENOMEM;
	rb_set(c, p, ncap);
	return 0;
}

int cxp_conn_rb_reserve(struct cxp_conn *c, size_t min)
{
	size_t ncap = c->rcap ? c->rcap : RBUF_INIT;
	int ret;

	if (c->rcap - c->rlen >= min)
		return 0;
	while (ncap - c->rlen < min)
		ncap *= 2;
	ret = rb_grow(c, ncap);
	if (ret == -ENOMEM)
		cxp_log("%s: out of memory for a %zu-byte receive buffer", c->peer, ncap);
	return ret;
}

/*
 * After a delivery: fit the buffer to a partial frame of need bytes (the
 * partial frame is at the buffer's start). The buffer grows only as bytes
 * arrive (doubling when full, up to need), so a peer that announces a
 * large frame and sends little holds little; an empty large buffer is
 * given back.
 */
static int rbuf_fit(struct cxp_conn *c, size_t need)
{
	size_t ncap;
	uint8_t *p;

	if (need <= c->rcap || c->rlen < c->rcap) {
		if (c->rlen == 0 && c->rcap > RBUF_KEEP) {
			p = realloc(c->rb, RBUF_INIT);
			if (p)
				rb_set(c, p, RBUF_INIT);
		}
		return 0;
	}
	ncap = c->rcap * 2;
	if (ncap > need)
		ncap = (need + RBUF_INIT - 1) / RBUF_INIT * RBUF_INIT;
	return rb_grow(c, ncap);
}

/*
 * Deliver the whole frames in the receive buffer. Returns 0 to go on
 * receiving, or < 0 when the connection was ended (or is closing).
 */
static int deliver_frames(struct cxp_conn *c)
{
	size_t off = 0, need = CXP_HDR_SIZE;
	int ret = 0;

	c->refs++; /* handlers may close us; keep the memory until we are done */
	while (c->ready && !c->dead && !c->closing) {
		size_t avail = c->rlen - off;
		struct cxp_hdr h;
		char err[96];
		int r;

		need = CXP_HDR_SIZE;
		if (avail < CXP_HDR_SIZE)
			break;
		if (cxp_hdr_decode(c->rb + off, &h, err, sizeof(err)) < 0) {
			cxp_log("%s: protocol error: %s%s", c->peer, err, proto_hint(c->rb + off));
			conn_finish(c, -EPROTO);
			break;
		}
		need = CXP_HDR_SIZE + (size_t)h.len;
		if (avail < need)
			break;
		c->active_ms = c->l->now;
		r = c->h.on_frame ? c->h.on_frame(c, &h, c->rb + off + CXP_HDR_SIZE, c->ud) : 0;
		off += need;
		need = CXP_HDR_SIZE;
		if (r < 0 && !c->dead) {
			cxp_log("%s: closing connection: the handler rejected a %s frame "
				"(reqid %llu, %u bytes): %s",
				c->peer, cxp_type_name(h.type), (unsigned long long)h.reqid, h.len,
				strerror(r < -4095 ? EPROTO : -r));
			conn_finish(c, -EPROTO);
		}
	}
	if (c->dead || c->closing) {
		ret = -ECONNABORTED;
		goto out;
	}
	if (!c->ready)
		goto out; /* a handshake in progress: its own deadline runs */
	if (off) {
		memmove(c->rb, c->rb + off, c->rlen - off);
		c->rlen -= off;
		c->frame_start_ms = c->rlen ? c->l->now : 0;
	} else if (c->rlen && !c->frame_start_ms) {
		c->frame_start_ms = c->l->now;
	}
	ret = rbuf_fit(c, need);
	if (ret < 0) {
		if (ret == -ENOMEM)
			cxp_log("%s: out of memory for a %zu-byte frame", c->peer, need);
		conn_finish(c, ret);
	}
out:
	conn_put(c);
	return ret;
}

int cxp_conn_ready(struct cxp_conn *c)
{
	c->ready = 1;
	c->frame_start_ms = 0;
	c->active_ms = c->l->now;
	c->refs++;
	if (c->accepted) {
		if (c->h.on_accept)
			c->h.on_accept(c, c->ud);
	} else if (!c->closing && c->h.on_connect) {
		c->h.on_connect(c, 0, c->ud);
	}
	if (!c->dead)
		queue_flush(c);
	conn_put(c);
	return c->dead ? -ECONNABORTED : 0;
}

/* Give buffer bid back to the ring. */
static void br_recycle(struct cxp_loop *l, unsigned bid)
{
	io_uring_buf_ring_add(l->br, l->br_mem + (size_t)bid * BR_BUF, BR_BUF, (unsigned short)bid,
			      io_uring_buf_ring_mask(BR_ENTRIES), 0);
	io_uring_buf_ring_advance(l->br, 1);
}

/* Queue the cancel of c's multishot RECV (once); its last CQE re-arms as needed. */
static void ms_stop(struct cxp_conn *c)
{
	if (c->ms && !c->ms_cancel && (c->ops & (1u << OP_RECV)) &&
	    cancel_ud(c->l, ud_make(c, OP_RECV), 0) == 0)
		c->ms_cancel = 1;
}

/*
 * A completion of c's multishot RECV: *res bytes in ring buffer buf (NULL:
 * none), more when the request goes on. The bytes are appended to the frame
 * buffer (within the receive budget) and whole frames delivered. Returns 1
 * when that is all; 0 when the request ended: on_recv then goes on with
 * *res (-EAGAIN: re-arm, a direct receive when a large frame is due or the
 * ring ran dry; 0: end of stream; < 0: the error).
 */
static int ms_recv(struct cxp_conn *c, int *res, const uint8_t *buf, int more)
{
	struct cxp_loop *l = c->l;
	int ret;

	if (!more)
		c->ms = 0;
	if (*res > 0 && buf) {
		l->ms_recvs++;
		if (c->dead || c->linger || (c->closing && c->ready)) {
			/* nothing more is delivered: drop it, as lingering does */
			ms_stop(c);
		} else {
			ret = cxp_conn_rb_reserve(c, (size_t)*res);
			if (ret < 0) {
				conn_finish(c, ret);
				return 1;
			}
			memcpy(c->rb + c->rlen, buf, (size_t)*res);
			c->rlen += (size_t)*res;
			if (deliver_frames(c) < 0)
				return 1;
			if (more && ((size_t)*res == BR_BUF || partial_rest(c) > RX_DIRECT_MIN)) {
				c->direct = 1; /* the peer streams */
				c->smalls = 0;
				ms_stop(c);
			}
		}
		*res = -EAGAIN; /* if it ended after data: re-arm */
	}
	if (more)
		return 1;
	if (*res == -ENOBUFS) {
		c->direct = 1; /* the ring is dry: direct receives until calm */
		c->smalls = 0;
		*res = -EAGAIN;
	} else if (*res == -EINVAL && l->recv_multishot) {
		cxp_log("cxp loop: kernel rejects multishot receive; using one-shot receive");
		l->recv_multishot = 0;
		snprintf(l->why_ms, sizeof(l->why_ms), "the kernel rejects it");
		feat_render(l);
		*res = -EAGAIN;
	} else if (*res == -ECANCELED && c->ms_cancel) {
		*res = -EAGAIN; /* our own switch to a direct receive */
	}
	c->ms_cancel = 0;
	return 0;
}

static void on_recv(struct cxp_conn *c, int res, const uint8_t *buf, int more, int was_ms)
{
	size_t n_in;
	int filled;

	if (was_ms && ms_recv(c, &res, buf, more))
		return;
	if (c->linger) {
		/* Draining after an orderly close: discard until EOF or error. */
		c->rlen = 0;
		if (res > 0 || res == -EINTR || res == -EAGAIN) {
			if (arm_recv(c) < 0)
				linger_end(c);
		} else if (res != -ECANCELED) {
			linger_end(c);
		}
		return;
	}
	if (c->dead)
		return;
	if (res == -EINTR || res == -EAGAIN || res == -ENOBUFS) {
		res = 0;
		goto rearm;
	}
	if (res < 0) {
		if (res != -ECONNRESET || !c->ready)
			cxp_log("%s: receive failed%s: %s", c->peer,
				c->ready ? "" : " during the transport set-up", strerror(-res));
		conn_finish(c, res);
		return;
	}
	if (res == 0) {
		size_t want = CXP_HDR_SIZE;
		struct cxp_hdr h;

		res = c->tp->rx_eof(c);
		if (res < 0) {
			conn_finish(c, res);
			return;
		}
		if (c->rlen == 0) {
			/* A clean end. A peer that only shut down its sending side
			 * still gets the replies already queued for it. */
			if (has_output(c) || (c->ops & (1u << OP_SEND)))
				cxp_close(c, 0);
			else
				conn_finish(c, 0);
			return;
		}
		if (c->rlen >= CXP_HDR_SIZE && !cxp_hdr_decode(c->rb, &h, NULL, 0))
			want += h.len;
		cxp_log("%s: protocol error: truncated frame (got %zu of %zu bytes)", c->peer,
			c->rlen, want);
		conn_finish(c, -EPROTO);
		return;
	}
	filled = c->tp == &cxp_tcp_transport && (size_t)res == c->rcap - c->rlen;
	n_in = (size_t)res;
	res = c->tp->rx(c, (size_t)res);
	if (res < 0) {
		if (!c->dead)
			conn_finish(c, res);
		return;
	}
	if (c->dead)
		return;
	if (c->tp->tx_held(c))
		queue_flush(c); /* the transport has something to say (a handshake) */
	if (deliver_frames(c) < 0)
		return;
	/* Back to the multishot receive once the peer no longer streams: RX_CALM
	 * receives in a row under RX_SMALL bytes, each leaving no partial frame
	 * (a stream pausing for credit does not; a request-reply peer soon does). */
	if (n_in >= RX_SMALL || c->rlen)
		c->smalls = 0;
	else if (c->smalls < RX_CALM)
		c->smalls++;
	c->direct = c->smalls < RX_CALM;
	if (filled && c->rcap < RBUF_BURST) {
		/* The peer sends faster than one buffer per recv: read more per syscall. */
		if (rb_grow(c, c->rcap * 2) == -ENOBUFS) {
			conn_finish(c, -ENOBUFS);
			return;
		}
	}
rearm:
	if (!c->dead && (!c->closing || !c->ready)) {
		res = arm_recv(c);
		if (res < 0)
			conn_finish(c, res);
	}
}

static void on_send(struct cxp_conn *c, int res)
{
	if (c->dead)
		return;
	if (res == -EINTR || res == -EAGAIN)
		res = 0;
	else if (res <= 0) {
		res = res ? res : -EPIPE;
		if (res != -EPIPE && res != -ECONNRESET)
			cxp_log("%s: send failed: %s", c->peer, strerror(-res));
		/* While closing, the owner asked for the end already: keep its reason. */
		conn_finish(c, c->closing ? c->close_reason : res);
		return;
	}
	if (res > 0) {
		c->tp->tx_done(c, (size_t)res);
		if (c->ready)
			c->active_ms = c->l->now;
	}
	res = start_send(c);
	if (res < 0)
		conn_finish(c, res);
	else if (c->closing && !(c->ops & (1u << OP_SEND)) && !has_output(c))
		conn_finish_graceful(c, c->close_reason);
}

/* TCP is up (either side): the transport starts, then frames may flow. */
static int conn_established(struct cxp_conn *c)
{
	int ret;

	c->connected = 1;
	c->frame_start_ms = c->l->now ? c->l->now : clock_now_ms(); /* the set-up's deadline */
	ret = c->tp->start(c);
	if (ret < 0 || c->dead)
		return ret < 0 ? ret : -ECONNABORTED;
	if (!c->closing || !c->ready) {
		ret = arm_recv(c);
		if (ret < 0)
			return ret;
	}
	queue_flush(c);
	return 0;
}

static void on_connect(struct cxp_conn *c, int res)
{
	if (c->dead)
		return;
	if (res < 0) {
		if (!c->closing && c->h.on_connect)
			c->h.on_connect(c, res, c->ud);
		conn_finish(c, res);
		return;
	}
	res = conn_established(c);
	if (res < 0 && !c->dead)
		conn_finish(c, res);
}

static void on_ctimer(struct cxp_conn *c, int res)
{
	if (res != -ETIME)
		return;
	if (c->linger) {
		linger_end(c);
		return;
	}
	if (c->dead)
		return;
	cxp_log("%s: closing: %zu bytes of output not sent after %d ms, dropped", c->peer,
		(c->snd.len - c->snd.off) + c->pend.len + c->tp->tx_held(c), CLOSE_FLUSH_MS);
	conn_finish(c, -ETIMEDOUT);
}

static void conn_cqe(struct cxp_conn *c, unsigned op, int res, unsigned flags)
{
	struct cxp_loop *l = c->l;
	/* a multishot RECV goes on (and keeps its reference) while F_MORE is set */
	int more = op == OP_RECV && (flags & IORING_CQE_F_MORE);
	int has_buf = op == OP_RECV && (flags & IORING_CQE_F_BUFFER) && l->br;
	unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;

	if (has_buf && bid >= BR_ENTRIES) {
		cxp_log("cxp loop: receive completion names buffer %u of %u; ignored", bid,
			BR_ENTRIES);
		has_buf = 0;
	}
	if (!more) {
		c->ops &= ~(1u << op);
		l->inflight--;
	}
	switch (op) {
	case OP_CONNECT:
		on_connect(c, res);
		break;
	case OP_RECV:
		on_recv(c, res, has_buf ? l->br_mem + (size_t)bid * BR_BUF : NULL, more,
			c->ms || has_buf);
		break;
	case OP_SEND:
		on_send(c, res);
		break;
	case OP_CTIMER:
		on_ctimer(c, res);
		break;
	}
	if (has_buf)
		br_recycle(l, bid);
	if (!more)
		conn_put(c);
}

/* Start sends and finish closes queued since the last submission. */
static void flush(struct cxp_loop *l)
{
	while (!dlist_empty(&l->flushq)) {
		struct cxp_conn *c = container_of(l->flushq.next, struct cxp_conn, fq);
		int ret;

		dlist_del(&c->fq);
		c->fq_on = 0;
		if (c->dead)
			continue;
		ret = start_send(c);
		if (ret < 0) {
			conn_finish(c, ret);
			continue;
		}
		if (c->closing && !has_output(c) && !(c->ops & (1u << OP_SEND)))
			conn_finish_graceful(c, c->close_reason);
	}
}

/* ---- The plain TCP transport ------------------------------------------- */

static int tcp_start(struct cxp_conn *c)
{
	return cxp_conn_ready(c);
}

static int tcp_rx_area(struct cxp_conn *c, uint8_t **p, size_t *n)
{
	int ret = cxp_conn_rb_reserve(c, 1);

	if (ret < 0)
		return ret;
	*p = c->rb + c->rlen;
	*n = c->rcap - c->rlen;
	return 0;
}

static int tcp_rx(struct cxp_conn *c, size_t n)
{
	c->rlen += n;
	return 0;
}

static int tcp_rx_eof(struct cxp_conn *c)
{
	return 0;
}

static int tcp_tx_next(struct cxp_conn *c, const uint8_t **p, size_t *n)
{
	*n = c->ready ? cxp_conn_plain_out(c, p) : 0;
	return 0;
}

static void tcp_tx_done(struct cxp_conn *c, size_t n)
{
	cxp_conn_plain_done(c, n);
}

static size_t tcp_tx_held(const struct cxp_conn *c)
{
	return 0;
}

static void tcp_free(struct cxp_conn *c)
{
}

const struct cxp_transport cxp_tcp_transport = {
	.name = "tcp",
	.start = tcp_start,
	.rx_area = tcp_rx_area,
	.rx = tcp_rx,
	.rx_eof = tcp_rx_eof,
	.tx_next = tcp_tx_next,
	.tx_done = tcp_tx_done,
	.tx_held = tcp_tx_held,
	.free = tcp_free,
};

/* ---- The limits' sweep ------------------------------------------------------ */

static uint32_t sweep_period(const struct cxp_loop *l)
{
	uint32_t m = SWEEP_MAX_MS * 4;

	if (l->lim.read_timeout_ms && l->lim.read_timeout_ms < m)
		m = l->lim.read_timeout_ms;
	if (l->lim.idle_timeout_ms && l->lim.idle_timeout_ms < m)
		m = l->lim.idle_timeout_ms;
	m /= 4;
	return m < 5 ? 5 : m;
}

/* Close what has overrun the read timeout or idled past its idle timeout. */
static void sweep(void *arg)
{
	struct cxp_loop *l = arg;
	struct dlist todo;
	uint64_t now = clock_now_ms();

	l->sweep_armed = 0;
	l->now = now;
	/* Walk a detached list: closing one connection may close others. */
	dlist_init(&todo);
	if (!dlist_empty(&l->conns)) {
		todo.next = l->conns.next;
		todo.prev = l->conns.prev;
		todo.next->prev = &todo;
		todo.prev->next = &todo;
		dlist_init(&l->conns);
	}
	while (!dlist_empty(&todo)) {
		struct cxp_conn *c = container_of(todo.next, struct cxp_conn, link);
		uint32_t rt = l->lim.read_timeout_ms;

		dlist_del(&c->link);
		dlist_add_tail(&l->conns, &c->link);
		if (c->closing || !c->connected)
			continue;
		if (rt && c->frame_start_ms && now - c->frame_start_ms > rt) {
			l->st.timeouts++;
			if (!c->ready)
				cxp_log("%s: closing: the %s set-up (handshake) did not complete "
					"within %u ms", c->peer, c->tp->name, rt);
			else
				cxp_log("%s: closing: a frame did not complete within %u ms "
					"(%zu bytes of it in)", c->peer, rt, c->rlen);
			conn_finish(c, -ETIMEDOUT);
		} else if (c->idle_ms && c->ready && !c->rlen && !has_output(c) &&
			   !(c->ops & (1u << OP_SEND)) && now - c->active_ms > c->idle_ms) {
			l->st.timeouts++;
			cxp_log("%s: closing: idle for %u ms", c->peer, c->idle_ms);
			cxp_close(c, -ETIMEDOUT);
		}
	}
	arm_sweep(l);
}

/* Keep the sweep armed while there are connections and a timeout to enforce. */
static void arm_sweep(struct cxp_loop *l)
{
	if (l->sweep_armed || l->freeing || dlist_empty(&l->conns))
		return;
	if (!l->lim.read_timeout_ms && !l->lim.idle_timeout_ms)
		return;
	l->sweep_armed = cxp_loop_timer(l, sweep_period(l), sweep, l) == 0;
}

void cxp_conn_set_idle_timeout(struct cxp_conn *c, uint32_t ms)
{
	c->idle_ms = ms;
}

/* ---- Listeners -------------------------------------------------------- */

static int arm_accept(struct listener *ls)
{
	struct cxp_loop *l = ls->l;
	struct io_uring_sqe *sqe = get_sqe(l);

	if (!sqe)
		return -EBUSY;
	if (ls->polling)
		io_uring_prep_poll_add(sqe, ls->fd, POLLIN);
	else if (l->accept_multishot)
		io_uring_prep_multishot_accept(sqe, ls->fd, NULL, NULL, SOCK_CLOEXEC);
	else
		io_uring_prep_accept(sqe, ls->fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, ud_make(ls, OP_ACCEPT));
	ls->armed = 1;
	l->inflight++;
	return 0;
}

static void accept_retry(void *arg)
{
	struct listener *ls = arg;

	if (!ls->armed && !ls->l->freeing && arm_accept(ls) < 0)
		cxp_log("%s: cannot re-arm accept; no longer accepting", ls->addr);
}

/*
 * Turn away an accepted socket at once: a plain listener first writes a
 * CXP ERROR (BUSY) frame saying why, so that a client fails with a clear
 * message instead of a bare close. Logged at most once a second.
 */
static void refuse(struct listener *ls, int fd, const char *peer, const char *why)
{
	struct cxp_loop *l = ls->l;
	uint64_t now = clock_now_ms();

	l->st.refused++;
	{	/* in plain CXP on a TLS listener too: no session exists yet, and the
		 * TLS client shows it in place of a ServerHello (tls.c, hs_fail) */
		struct cxp_error e = { .code = CXP_E_BUSY };
		struct cxp_hdr h = { .type = CXP_MSG_ERROR, .reqid = 0 };
		uint8_t buf[CXP_HDR_SIZE + 4 + 4 + sizeof(e.msg)];
		struct cxp_wbuf w;

		snprintf(e.msg, sizeof(e.msg), "%s refuses the connection: %s", ls->addr, why);
		cxp_wbuf_init(&w);
		cxp_error_encode(&w, &e);
		if (!w.err && w.len <= sizeof(buf) - CXP_HDR_SIZE) {
			h.len = (uint32_t)w.len;
			cxp_hdr_encode(&h, buf);
			memcpy(buf + CXP_HDR_SIZE, w.p, w.len);
			if (send(fd, buf, CXP_HDR_SIZE + w.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				/* the peer is gone already; the close says the rest */
			}
		}
		cxp_wbuf_free(&w);
	}
	/* Logged before the close: whoever sees the connection end can read why. */
	if (now - l->refuse_log_at >= REFUSE_LOG_MS) {
		if (l->refuse_quiet)
			cxp_log("%s: refused %s: %s (and %llu more refused since the last line)",
				ls->addr, peer, why, (unsigned long long)l->refuse_quiet);
		else
			cxp_log("%s: refused %s: %s", ls->addr, peer, why);
		l->refuse_log_at = now;
		l->refuse_quiet = 0;
	} else {
		l->refuse_quiet++;
	}
	close(fd);
}

static void new_conn(struct listener *ls, int fd);

/*
 * Out of descriptors: give the spare one up, accept and close every client
 * waiting, take the spare back. Without this the clients would sit in the
 * backlog until they time out.
 */
static void refuse_waiting(struct listener *ls, int res)
{
	struct cxp_loop *l = ls->l;
	char why[96];

	int fl = fcntl(ls->fd, F_GETFL);

	snprintf(why, sizeof(why), "out of file descriptors (%s)", strerror(-res));
	if (l->spare_fd >= 0) {
		close(l->spare_fd);
		l->spare_fd = -1;
	}
	/* never block the loop in accept4, whatever else happens to the backlog */
	if (fl >= 0)
		fcntl(ls->fd, F_SETFL, fl | O_NONBLOCK);
	for (int i = 0; i < 256; i++) {
		struct pollfd pfd = { .fd = ls->fd, .events = POLLIN };
		int fd;

		if (poll(&pfd, 1, 0) != 1)
			break;
		fd = accept4(ls->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			break;
		/* Descriptors may be back by now (another thread closed some while
		 * this loop ran): then the spare can be had again, and this client
		 * is served, not refused. */
		if (l->spare_fd < 0)
			l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (l->spare_fd >= 0) {
			if (fl >= 0)
				fcntl(ls->fd, F_SETFL, fl);
			new_conn(ls, fd);
			return;
		}
		refuse(ls, fd, "a client", why);
	}
	if (fl >= 0)
		fcntl(ls->fd, F_SETFL, fl);
	if (l->spare_fd < 0)
		l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void new_conn(struct listener *ls, int fd)
{
	struct cxp_loop *l = ls->l;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct cxp_peer_count *pc = NULL;
	char peer[CXP_ADDR_MAX + 1], why[96];
	struct cxp_conn *c;
	int ret;

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
		cxp_addr_format(&ss, peer, sizeof(peer));
		pc = peer_count(l, &ss);
	} else {
		snprintf(peer, sizeof(peer), "fd %d", fd);
	}
	if (l->lim.max_conns && l->st.accepted >= l->lim.max_conns) {
		snprintf(why, sizeof(why), "%u connections open (the limit)", l->st.accepted);
		goto refuse;
	}
	if (pc && l->lim.max_conns_per_addr && pc->n >= l->lim.max_conns_per_addr) {
		snprintf(why, sizeof(why), "%u connections open from that address (the limit)",
			 pc->n);
		goto refuse;
	}
	c = conn_new(l, fd, &ls->h, ls->ud);
	if (!c) {
		cxp_log("%s: out of memory for a new connection; closed it", ls->addr);
		goto drop;
	}
	c->accepted = 1;
	c->idle_ms = l->lim.idle_timeout_ms;
	l->st.accepted++;
	if (pc) {
		pc->n++;
		c->pc = pc;
	}
	memcpy(c->peer, peer, sizeof(peer));
	set_nodelay(fd);
	if (ls->tls && cxp_tls_attach(c, ls->tls, 1, NULL) < 0) {
		cxp_log("%s: out of memory for a TLS connection; closed it", ls->addr);
		conn_finish(c, -ENOMEM);
		return;
	}
	c->refs++; /* across the transport's start and on_accept */
	ret = conn_established(c);
	if (ret < 0 && !c->dead)
		conn_finish(c, ret);
	conn_put(c);
	return;
refuse:
	refuse(ls, fd, peer, why);
	fd = -1;
drop:
	if (fd >= 0)
		close(fd);
	if (pc && !pc->n) {
		pc->n = 1;
		peer_count_drop(l, pc);
	}
}

static void accept_cqe(struct listener *ls, int res, unsigned flags)
{
	struct cxp_loop *l = ls->l;
	int more = flags & IORING_CQE_F_MORE;

	if (ls->polling) {
		/* the poll after EMFILE: a client is waiting (or the poll ended) */
		ls->armed = 0;
		l->inflight--;
		if (res == -ECANCELED || l->freeing)
			return;
		ls->polling = 0;
		goto rearm;
	}
	if (!more) {
		ls->armed = 0;
		l->inflight--;
	}
	if (res >= 0) {
		if (l->freeing)
			close(res);
		else
			new_conn(ls, res);
	} else if (res == -ECANCELED) {
		return;
	} else if (res == -EINVAL && l->accept_multishot) {
		cxp_log("cxp loop: kernel rejects multishot accept; using one-shot accept");
		l->accept_multishot = 0;
		feat_render(l);
	} else if (res == -EMFILE || res == -ENFILE) {
		refuse_waiting(ls, res);
		if (!more && !l->freeing) {
			/* Accepting fails at once while descriptors are short: wait for
			 * the next client instead of spinning, and refuse it too. */
			ls->polling = 1;
			if (arm_accept(ls) < 0) {
				ls->polling = 0;
				if (cxp_loop_timer(l, ACCEPT_RETRY_MS, accept_retry, ls) < 0)
					cxp_log("%s: cannot schedule the accept retry; no longer "
						"accepting", ls->addr);
			}
		}
		return;
	} else if (res == -ENOMEM || res == -ENOBUFS) {
		cxp_log("%s: accept failed: %s; retrying in %d ms", ls->addr, strerror(-res),
			ACCEPT_RETRY_MS);
		if (!more && !l->freeing &&
		    cxp_loop_timer(l, ACCEPT_RETRY_MS, accept_retry, ls) < 0)
			cxp_log("%s: cannot schedule the accept retry; no longer accepting",
				ls->addr);
		return;
	} else if (res != -EINTR && res != -EAGAIN && res != -ECONNABORTED && res != -EPERM &&
		   res != -EPROTO) {
		cxp_log("%s: accept failed: %s; no longer accepting", ls->addr, strerror(-res));
		ls->off = 1;
		return;
	}
rearm:
	if (!ls->armed && !ls->off && !l->freeing && arm_accept(ls) < 0) {
		cxp_log("%s: cannot re-arm accept; no longer accepting", ls->addr);
		ls->off = 1;
	}
}

/* How long listen_on waits for a port still held by a process that just ended. */
#define BIND_WAIT_MS  3000
#define BIND_RETRY_MS 50

static unsigned ss_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static int listen_on(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
		     const struct cxp_handlers *h, void *ud, char *bound, size_t boundcap)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned sslen;
	struct listener *ls = NULL;
	int fd = -1, one = 1, ret;

	if (l->freeing)
		return -ESHUTDOWN;
	ret = cxp_addr_parse(addr, &ss, &sslen);
	if (ret < 0)
		return ret;
	ls = calloc(1, sizeof(*ls));
	if (!ls)
		return -ENOMEM;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		ret = -errno;
		goto fail;
	}
	/* A daemon restarted on its port may find it still held for a moment by
	 * the one before: a killed process's io_uring is torn down after the
	 * process is gone, and its listening socket with it. Wait a little. */
	for (int waited = 0;; waited += BIND_RETRY_MS) {
		if (bind(fd, (struct sockaddr *)&ss, sslen) == 0)
			break;
		if (errno != EADDRINUSE || waited >= BIND_WAIT_MS || ss_port(&ss) == 0) {
			ret = -errno;
			goto fail;
		}
		if (waited == 0)
			cxp_log("%s is in use; waiting up to %d ms for it to be free", addr,
				BIND_WAIT_MS);
		usleep(BIND_RETRY_MS * 1000);
	}
	if (listen(fd, SOMAXCONN) < 0) {
		ret = -errno;
		goto fail;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		ret = -errno;
		goto fail;
	}
	if (l->spare_fd < 0)
		l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ls->l = l;
	ls->fd = fd;
	if (h)
		ls->h = *h;
	ls->ud = ud;
	ls->tls = tls;
	cxp_addr_format(&ss, ls->addr, sizeof(ls->addr));
	ret = arm_accept(ls);
	if (ret < 0)
		goto fail;
	ls->next = l->listeners;
	l->listeners = ls;
	if (bound && boundcap)
		snprintf(bound, boundcap, "%s", ls->addr);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(ls);
	return ret;
}

int cxp_listen(struct cxp_loop *l, const char *addr, const struct cxp_handlers *h, void *ud,
	       char *bound, size_t boundcap)
{
	return listen_on(l, addr, NULL, h, ud, bound, boundcap);
}

int cxp_listen_tls(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
		   const struct cxp_handlers *h, void *ud, char *bound, size_t boundcap)
{
	if (!tls || !cxp_tls_can_serve(tls))
		return -EINVAL;
	return listen_on(l, addr, tls, h, ud, bound, boundcap);
}

static struct cxp_conn *connect_to(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
				   const char *peer_cn, const struct cxp_handlers *h, void *ud)
{
	struct sockaddr_storage ss;
	struct io_uring_sqe *sqe;
	struct cxp_conn *c;
	unsigned sslen;
	int fd, ret;

	if (l->freeing) {
		errno = ESHUTDOWN;
		return NULL;
	}
	ret = cxp_addr_parse(addr, &ss, &sslen);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	set_nodelay(fd);
	sqe = get_sqe(l);
	c = sqe ? conn_new(l, fd, h, ud) : NULL;
	if (c && tls && cxp_tls_attach(c, tls, 0, peer_cn) < 0) {
		/* never shown to the owner: no on_close */
		c->h.on_close = NULL;
		c->fd = -1;
		conn_finish(c, -ENOMEM);
		c = NULL;
	}
	if (!c) {
		close(fd);
		errno = sqe ? ENOMEM : EBUSY;
		if (sqe) { /* give the SQE back as a no-op */
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, 0);
		}
		return NULL;
	}
	c->ss = ss;
	c->sslen = sslen;
	cxp_addr_format(&ss, c->peer, sizeof(c->peer));
	io_uring_prep_connect(sqe, fd, (struct sockaddr *)&c->ss, c->sslen);
	sqe_file(c, sqe);
	conn_arm(c, sqe, OP_CONNECT);
	return c;
}

struct cxp_conn *cxp_connect(struct cxp_loop *l, const char *addr, const struct cxp_handlers *h,
			     void *ud)
{
	return connect_to(l, addr, NULL, NULL, h, ud);
}

struct cxp_conn *cxp_connect_tls(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
				 const char *peer_cn, const struct cxp_handlers *h, void *ud)
{
	if (!tls) {
		errno = EINVAL;
		return NULL;
	}
	return connect_to(l, addr, tls, peer_cn, h, ud);
}

int cxp_conn_peer_cert(const struct cxp_conn *c, char *cn, size_t cncap, char *ca_cn,
		       size_t cacap)
{
	if (cn && cncap)
		cn[0] = '\0';
	if (ca_cn && cacap)
		ca_cn[0] = '\0';
	if (c->tp != &cxp_tls_transport)
		return -ENOTSUP;
	if (!c->ready)
		return -ENOTCONN;
	return cxp_tls_peer_cert(c, cn, cncap, ca_cn, cacap);
}

const char *cxp_conn_transport(const struct cxp_conn *c)
{
	return c->tp->name;
}

/* ---- Sending and closing ---------------------------------------------- */

uint8_t *cxp_send_begin(struct cxp_conn *c, uint8_t type, size_t len)
{
	struct obuf *b = &c->pend;
	size_t queued, need;

	if (c->dead || c->closing) {
		errno = ENOTCONN;
		return NULL;
	}
	if (len > CXP_MAX_PAYLOAD || type == 0 || type > CXP_MSG_TYPE_MAX) {
		errno = len > CXP_MAX_PAYLOAD ? EMSGSIZE : EINVAL;
		return NULL;
	}
	queued = (c->snd.len - c->snd.off) + b->len;
	need = CXP_HDR_SIZE + len;
	if (queued + need > OUT_MAX) {
		errno = ENOBUFS;
		return NULL;
	}
	if (cxp_obuf_reserve(b, need, 64u << 10) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return b->p + b->len + CXP_HDR_SIZE;
}

void cxp_send_commit(struct cxp_conn *c, uint8_t type, uint64_t reqid, size_t len)
{
	struct cxp_hdr h = { .type = type, .len = (uint32_t)len, .reqid = reqid };
	struct obuf *b = &c->pend;

	cxp_hdr_encode(&h, b->p + b->len);
	b->len += CXP_HDR_SIZE + len;
	if (c->ms && b->len >= TX_BULK)
		ms_stop(c); /* it streams out now: its next receive goes one-shot */
	queue_flush(c);
}

int cxp_send(struct cxp_conn *c, uint8_t type, uint64_t reqid, const void *payload, size_t len)
{
	uint8_t *p = cxp_send_begin(c, type, len);

	if (!p)
		return -errno;
	if (len)
		memcpy(p, payload, len);
	cxp_send_commit(c, type, reqid, len);
	return 0;
}

int cxp_send_error(struct cxp_conn *c, uint64_t reqid, uint32_t code, const char *fmt, ...)
{
	struct cxp_error e = { .code = code };
	struct cxp_wbuf w;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	cxp_wbuf_init(&w);
	cxp_error_encode(&w, &e);
	ret = w.err ? w.err : cxp_send(c, CXP_MSG_ERROR, reqid, w.p, w.len);
	cxp_wbuf_free(&w);
	return ret;
}

void cxp_close(struct cxp_conn *c, int reason)
{
	struct io_uring_sqe *sqe;

	if (c->dead || c->closing)
		return;
	c->closing = 1;
	c->close_reason = reason;
	if (has_output(c) || (c->ops & (1u << OP_SEND))) {
		/* Bound the flush: a peer that stops reading must not hold us forever. */
		sqe = get_sqe(c->l);
		if (sqe) {
			c->cts.tv_sec = CLOSE_FLUSH_MS / 1000;
			c->cts.tv_nsec = (CLOSE_FLUSH_MS % 1000) * 1000000LL;
			io_uring_prep_timeout(sqe, &c->cts, 0, 0);
			conn_arm(c, sqe, OP_CTIMER);
		} else {
			c->pend.len = 0; /* cannot bound it: do not wait */
		}
	}
	queue_flush(c);
}

void cxp_conn_set_data(struct cxp_conn *c, void *data)
{
	c->data = data;
}

void *cxp_conn_data(const struct cxp_conn *c)
{
	return c->data;
}

const char *cxp_conn_peer(const struct cxp_conn *c)
{
	return c->peer;
}

struct cxp_loop *cxp_conn_loop(const struct cxp_conn *c)
{
	return c->l;
}

/* ---- Timers, post, stop ----------------------------------------------- */

int cxp_loop_timer(struct cxp_loop *l, uint64_t ms, void (*fn)(void *arg), void *arg)
{
	struct io_uring_sqe *sqe;
	struct ltimer *t;

	if (l->freeing)
		return -ESHUTDOWN;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	sqe = get_sqe(l);
	if (!sqe) {
		free(t);
		return -EBUSY;
	}
	t->ts.tv_sec = (long long)(ms / 1000);
	t->ts.tv_nsec = (long long)(ms % 1000) * 1000000LL;
	t->fn = fn;
	t->arg = arg;
	io_uring_prep_timeout(sqe, &t->ts, 0, 0);
	io_uring_sqe_set_data64(sqe, ud_make(t, OP_TIMER));
	dlist_add_tail(&l->timers, &t->link);
	l->inflight++;
	return 0;
}

static void timer_cqe(struct cxp_loop *l, struct ltimer *t, int res)
{
	l->inflight--;
	dlist_del(&t->link);
	/* Only an expiry runs the callback; a cancelled timer (cxp_loop_free) does not. */
	if (res == -ETIME && !l->freeing && t->fn)
		t->fn(t->arg);
	free(t);
}

static void run_posts(struct cxp_loop *l)
{
	struct post *p, *next;

	pthread_mutex_lock(&l->post_mu);
	p = l->post_head;
	l->post_head = NULL;
	l->post_tail = &l->post_head;
	pthread_mutex_unlock(&l->post_mu);
	for (; p; p = next) {
		next = p->next;
		p->fn(p->arg);
		free(p);
	}
}

static void wake(struct cxp_loop *l)
{
	uint64_t one = 1;

	/* Cannot fail short of a counter overflow; the next poll sees the value anyway. */
	if (write(l->efd, &one, sizeof(one)) < 0) {
		/* nothing to do */
	}
}

int cxp_loop_post(struct cxp_loop *l, void (*fn)(void *arg), void *arg)
{
	struct post *p = malloc(sizeof(*p));
	int was_empty;

	if (!p)
		return -ENOMEM;
	p->next = NULL;
	p->fn = fn;
	p->arg = arg;
	pthread_mutex_lock(&l->post_mu);
	was_empty = l->post_head == NULL;
	*l->post_tail = p;
	l->post_tail = &p->next;
	pthread_mutex_unlock(&l->post_mu);
	/* One wake-up per batch: the loop reads the eventfd and then takes the
	 * whole list, so a post that finds the list non-empty is taken with it. */
	if (was_empty)
		wake(l);
	return 0;
}

int cxp_loop_defer(struct cxp_loop *l, void (*fn)(void *arg), void *arg)
{
	struct post *p = malloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->next = NULL;
	p->fn = fn;
	p->arg = arg;
	*l->defer_tail = p;
	l->defer_tail = &p->next;
	return 0;
}

/* Run what was deferred before this turn (what these defer again waits a turn). */
static void run_deferred(struct cxp_loop *l)
{
	struct post *p = l->defer_head, *next;

	l->defer_head = NULL;
	l->defer_tail = &l->defer_head;
	for (; p; p = next) {
		next = p->next;
		p->fn(p->arg);
		free(p);
	}
}

void cxp_loop_stop(struct cxp_loop *l)
{
	atomic_store(&l->stop, 1);
	wake(l);
}

static int arm_wake(struct cxp_loop *l)
{
	struct io_uring_sqe *sqe = get_sqe(l);

	if (!sqe)
		return -EBUSY;
	if (l->poll_multishot)
		io_uring_prep_poll_multishot(sqe, l->efd, POLLIN);
	else
		io_uring_prep_poll_add(sqe, l->efd, POLLIN);
	io_uring_sqe_set_data64(sqe, ud_make(l, OP_WAKE));
	l->wake_armed = 1;
	l->inflight++;
	return 0;
}

static void wake_cqe(struct cxp_loop *l, int res, unsigned flags)
{
	uint64_t v;

	if (!(flags & IORING_CQE_F_MORE)) {
		l->wake_armed = 0;
		l->inflight--;
	}
	if (res == -EINVAL && l->poll_multishot) {
		cxp_log("cxp loop: kernel rejects multishot poll; using one-shot poll");
		l->poll_multishot = 0;
		feat_render(l);
	}
	if (l->freeing)
		return;
	if (read(l->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: already drained */
	}
	run_posts(l);
	if (!l->wake_armed && arm_wake(l) < 0)
		cxp_log("cxp loop: cannot re-arm the wake-up poll");
}

/* ---- The loop ---------------------------------------------------------- */

static void dispatch(struct cxp_loop *l, const struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	void *p = (void *)(uintptr_t)(ud & ~(uint64_t)OP_MASK);
	unsigned op = (unsigned)(ud & OP_MASK);

	if (!ud || ud == LIBURING_UDATA_TIMEOUT)
		return; /* a cancellation, or liburing's own wait timeout */
	switch (op) {
	case OP_ACCEPT:
		accept_cqe(p, cqe->res, cqe->flags);
		break;
	case OP_TIMER:
		timer_cqe(l, p, cqe->res);
		break;
	case OP_WAKE:
		wake_cqe(l, cqe->res, cqe->flags);
		break;
	case OP_CONNECT:
	case OP_RECV:
	case OP_SEND:
	case OP_CTIMER:
		conn_cqe(p, op, cqe->res, cqe->flags);
		break;
	default:
		cxp_log("cxp loop: completion with unknown user_data 0x%llx ignored",
			(unsigned long long)ud);
		break;
	}
}

/* Walk the completions that are there, then advance the CQ once. */
static void reap(struct cxp_loop *l)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&l->ring, head, cqe) {
		n++;
		dispatch(l, cqe);
	}
	io_uring_cq_advance(&l->ring, n);
}

int cxp_loop_run(struct cxp_loop *l)
{
	int ret = 0;

	while (!atomic_load(&l->stop)) {
		run_deferred(l);
		flush(l);
		if (atomic_load(&l->stop))
			break;
		/* with deferred work queued: submit, take what completed, go on */
		ret = io_uring_submit_and_wait(&l->ring, l->defer_head ? 0 : 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY &&
		    ret != -ETIME) {
			cxp_log("cxp loop: io_uring_submit_and_wait failed: %s", strerror(-ret));
			break;
		}
		ret = 0;
		l->now = clock_now_ms();
		reap(l);
	}
	flush(l);
	io_uring_submit(&l->ring);
	atomic_store(&l->stop, 0);
	return ret;
}

static const struct {
	unsigned op;
	const char *name;
} needed_ops[] = {
	{ IORING_OP_ACCEPT, "ACCEPT" },   { IORING_OP_CONNECT, "CONNECT" },
	{ IORING_OP_RECV, "RECV" },       { IORING_OP_SEND, "SEND" },
	{ IORING_OP_TIMEOUT, "TIMEOUT" }, { IORING_OP_TIMEOUT_REMOVE, "TIMEOUT_REMOVE" },
	{ IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL" }, { IORING_OP_POLL_ADD, "POLL_ADD" },
};

/* Check the kernel has every opcode we use; 0 or -ENOSYS with a log line. */
static int probe_ops(struct cxp_loop *l)
{
	struct io_uring_probe *pr = io_uring_get_probe_ring(&l->ring);
	int ret = 0;

	if (!pr) {
		cxp_log("cxp loop: cannot probe io_uring opcodes (kernel older than 5.6?)");
		return -ENOSYS;
	}
	for (size_t i = 0; i < sizeof(needed_ops) / sizeof(needed_ops[0]); i++) {
		if (!io_uring_opcode_supported(pr, (int)needed_ops[i].op)) {
			cxp_log("cxp loop: the kernel lacks io_uring operation %s "
				"(needs Linux >= 5.6)", needed_ops[i].name);
			ret = -ENOSYS;
		}
	}
	io_uring_free_probe(pr);
	return ret;
}

/* Whether the feature name is listed in $var ("all" lists every one). */
static int feature_listed(const char *var, const char *name)
{
	const char *v = getenv(var), *p;
	size_t n = strlen(name);

	if (!v)
		return 0;
	if (!strcmp(v, "all"))
		return 1;
	for (p = v; (p = strstr(p, name)); p += n)
		if ((p == v || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/* Whether the feature name is listed in $TASKLET_URING_OFF. */
static int feature_off(const char *name)
{
	return feature_listed("TASKLET_URING_OFF", name);
}

/*
 * Multishot receive needs a provided-buffer ring (Linux 5.19) and RECV with
 * IORING_RECV_MULTISHOT (6.0): the ring is registered here (an older kernel
 * refuses it), and a kernel that still rejects the multishot flag is found
 * by the first receive's -EINVAL (then one-shot receive from there on).
 * 0, or -errno (the loop then receives one-shot into each frame buffer).
 */
static int setup_buf_ring(struct cxp_loop *l)
{
	struct io_uring_buf_reg reg = { 0 };
	size_t rsz = BR_ENTRIES * sizeof(struct io_uring_buf);
	void *r;
	int ret;

	r = mmap(NULL, rsz, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (r == MAP_FAILED)
		return -errno;
	l->br_mem = malloc((size_t)BR_ENTRIES * BR_BUF);
	if (!l->br_mem) {
		munmap(r, rsz);
		return -ENOMEM;
	}
	reg.ring_addr = (uint64_t)(uintptr_t)r;
	reg.ring_entries = BR_ENTRIES;
	reg.bgid = BR_GROUP;
	ret = io_uring_register_buf_ring(&l->ring, &reg, 0);
	if (ret < 0) {
		munmap(r, rsz);
		free(l->br_mem);
		l->br_mem = NULL;
		return ret;
	}
	l->br = r;
	io_uring_buf_ring_init(l->br);
	for (unsigned i = 0; i < BR_ENTRIES; i++)
		io_uring_buf_ring_add(l->br, l->br_mem + (size_t)i * BR_BUF, BR_BUF,
				      (unsigned short)i, io_uring_buf_ring_mask(BR_ENTRIES),
				      (int)i);
	io_uring_buf_ring_advance(l->br, BR_ENTRIES);
	return 0;
}

/* A sparse registered-file table (Linux 5.19): 0, or -errno (plain descriptors then). */
static int setup_files(struct cxp_loop *l)
{
	struct rlimit rl;
	unsigned n = FILE_SLOTS;
	int ret;

	/* the kernel caps the table at RLIMIT_NOFILE; leave room for what is not a socket */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 2 < n)
		n = (unsigned)(rl.rlim_cur / 2);
	if (n < 16)
		return -EMFILE;
	l->slot_free = malloc(n * sizeof(*l->slot_free));
	if (!l->slot_free)
		return -ENOMEM;
	ret = io_uring_register_files_sparse(&l->ring, n);
	if (ret < 0) {
		free(l->slot_free);
		l->slot_free = NULL;
		return ret;
	}
	l->nslots = l->nfree = n;
	for (unsigned i = 0; i < n; i++)
		l->slot_free[i] = (int)(n - 1 - i);
	return 0;
}

/* l->feat from what the loop uses now (a fall-back found later updates it). */
static void feat_render(struct cxp_loop *l)
{
	snprintf(l->feat, sizeof(l->feat),
		 "recv_multishot %s%s%s%s, files %s%s%s%s, accept_multishot %s, poll_multishot %s, "
		 "coop_taskrun %s",
		 l->recv_multishot ? "on" : "off", l->why_ms[0] ? " (" : "", l->why_ms,
		 l->why_ms[0] ? ")" : "", l->nslots ? "on" : "off", l->why_files[0] ? " (" : "",
		 l->why_files, l->why_files[0] ? ")" : "", l->accept_multishot ? "on" : "off",
		 l->poll_multishot ? "on" : "off",
		 l->setup_flags & IORING_SETUP_COOP_TASKRUN ? "on" : "off");
}

/* Probe (or take from $TASKLET_URING_OFF) what the loop uses; fill l->feat. */
static void setup_features(struct cxp_loop *l, unsigned setup_flags)
{
	int ret;

	l->setup_flags = setup_flags;
	l->accept_multishot = !feature_off("accept_multishot");
	l->poll_multishot = !feature_off("poll_multishot");
	/* Opt-in ($TASKLET_URING_ON=recv_multishot): measured here, no gain over
	 * one-shot receives above the noise, on request-reply or end to end; it
	 * cost streams 4x until a sender streaming out received one-shot
	 * (TX_BULK; bench/README.md, CXP). */
	if (!feature_listed("TASKLET_URING_ON", "recv_multishot"))
		snprintf(l->why_ms, sizeof(l->why_ms), "opt-in: TASKLET_URING_ON");
	else if (feature_off("recv_multishot"))
		snprintf(l->why_ms, sizeof(l->why_ms), "off by TASKLET_URING_OFF");
	else if ((ret = setup_buf_ring(l)) < 0)
		snprintf(l->why_ms, sizeof(l->why_ms), "no buffer ring: %s", strerror(-ret));
	else
		l->recv_multishot = 1;
	if (feature_off("files"))
		snprintf(l->why_files, sizeof(l->why_files), "off by TASKLET_URING_OFF");
	else if ((ret = setup_files(l)) < 0)
		snprintf(l->why_files, sizeof(l->why_files), "%s", strerror(-ret));
	feat_render(l);
}

const char *cxp_loop_features(const struct cxp_loop *l)
{
	return l->feat;
}

struct cxp_loop *cxp_loop_new(void)
{
	static const unsigned try_flags[] = {
		IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,
		IORING_SETUP_CQSIZE,
		0,
	};
	struct io_uring_params p;
	struct cxp_loop *l;
	int ret = -EINVAL, err;

	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	/* Newer setup flags first; an older kernel rejects them with -EINVAL. */
	for (size_t i = 0; i < sizeof(try_flags) / sizeof(try_flags[0]) && ret == -EINVAL; i++) {
		memset(&p, 0, sizeof(p));
		p.flags = try_flags[i];
		p.cq_entries = CQ_ENTRIES;
		ret = io_uring_queue_init_params(RING_ENTRIES, &l->ring, &p);
	}
	if (ret < 0) {
		cxp_log("cxp loop: io_uring_queue_init failed: %s (%s)", strerror(-ret),
			ret == -ENOSYS ? "kernel without io_uring" :
			ret == -EPERM ? "io_uring disabled: see /proc/sys/kernel/io_uring_disabled "
					"or the seccomp policy" :
			ret == -ENOMEM ? "RLIMIT_MEMLOCK too low? try ulimit -l" :
					 "is io_uring available here?");
		err = -ret;
		goto fail_free;
	}
	if (!(p.features & IORING_FEAT_NODROP)) {
		cxp_log("cxp loop: kernel io_uring lacks IORING_FEAT_NODROP (needs Linux >= 5.5)");
		err = ENOSYS;
		goto fail_ring;
	}
	ret = probe_ops(l);
	if (ret < 0) {
		err = -ret;
		goto fail_ring;
	}
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->efd < 0) {
		err = errno;
		cxp_log("cxp loop: eventfd failed: %s", strerror(err));
		goto fail_ring;
	}
	setup_features(l, p.flags);
	l->spare_fd = -1;
	l->now = clock_now_ms();
	cxp_limits_default(&l->lim);
	dlist_init(&l->conns);
	dlist_init(&l->lingering);
	dlist_init(&l->flushq);
	dlist_init(&l->timers);
	pthread_mutex_init(&l->post_mu, NULL);
	l->post_tail = &l->post_head;
	l->defer_tail = &l->defer_head;
	atomic_init(&l->stop, 0);
	if (arm_wake(l) < 0) {
		err = EBUSY;
		goto fail_efd;
	}
	return l;
fail_efd:
	pthread_mutex_destroy(&l->post_mu);
	close(l->efd);
fail_ring:
	io_uring_queue_exit(&l->ring);
fail_free:
	free(l);
	errno = err;
	return NULL;
}

/*
 * Posted functions still queued run first (their arguments may own memory);
 * then every connection is closed with on_close(c, 0), pending timers are
 * dropped without running, and we wait for the kernel to give back every
 * request before freeing what they point at.
 *
 * Note: tearing a ring down makes the kernel queue task work on each thread
 * that submitted to it, so the next blocking system call of such a thread
 * that has a timeout (SO_RCVTIMEO, ...) may fail once with EINTR.
 */
void cxp_loop_free(struct cxp_loop *l)
{
	struct listener *ls, *next;
	struct post *p, *pn;
	uint64_t deadline;

	if (!l)
		return;
	run_posts(l);
	run_deferred(l);
	l->freeing = 1;
	while (!dlist_empty(&l->conns))
		conn_finish(container_of(l->conns.next, struct cxp_conn, link), 0);
	while (!dlist_empty(&l->lingering))
		linger_end(container_of(l->lingering.next, struct cxp_conn, link));
	run_posts(l);
	for (ls = l->listeners; ls; ls = ls->next)
		if (ls->armed)
			cancel_ud(l, ud_make(ls, OP_ACCEPT), 0);
	for (struct dlist *d = l->timers.next; d != &l->timers; d = d->next)
		cancel_ud(l, ud_make(container_of(d, struct ltimer, link), OP_TIMER), 1);
	if (l->wake_armed)
		cancel_ud(l, ud_make(l, OP_WAKE), 0);
	deadline = clock_now_ms() + DRAIN_MS;
	while (l->inflight && clock_now_ms() < deadline) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };
		struct io_uring_cqe *cqe;
		int ret = io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1, &ts, NULL);

		if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			break;
		reap(l);
	}
	if (l->inflight)
		cxp_log("cxp loop: %u io_uring requests still pending at exit; "
			"leaking what they point at", l->inflight);
	io_uring_queue_exit(&l->ring);
	if (l->br)
		munmap(l->br, BR_ENTRIES * sizeof(struct io_uring_buf));
	free(l->br_mem);
	free(l->slot_free);
	for (ls = l->listeners; ls; ls = next) {
		next = ls->next;
		close(ls->fd);
		if (!ls->armed)
			free(ls);
	}
	for (p = l->post_head; p; p = pn) {
		pn = p->next;
		free(p);
	}
	for (p = l->defer_head; p; p = pn) {
		pn = p->next;
		free(p);
	}
	close(l->efd);
	if (l->spare_fd >= 0)
		close(l->spare_fd);
	for (size_t b = 0; b < PTAB_SIZE; b++)
		while (l->ptab[b]) {
			struct cxp_peer_count *pc = l->ptab[b];

			l->ptab[b] = pc->next;
			free(pc);
		}
	pthread_mutex_destroy(&l->post_mu);
	free(l);
}

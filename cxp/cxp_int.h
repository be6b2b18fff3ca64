/* SPDX-License-Identifier: MIT */
/*
 * Private to cxp/: the connection object shared by the event loop (loop.c)
 * and the transports under its framing (plain TCP in loop.c, TLS in tls.c).
 *
 * The transport seam (after Redis's ConnectionType). The loop owns the
 * socket and every io_uring request on it; a transport only transforms
 * bytes between the wire and the two plaintext queues the framing code
 * works on:
 *
 *     ring RECV -> rx_area() ... rx(n) -> plaintext at c->rb[c->rlen..] -> frames
 *     frames -> c->pend/c->snd (plaintext) -> tx_next() -> ring SEND -> tx_done(n)
 *
 * Plain TCP is the identity (rx_area is the frame buffer itself, tx_next
 * hands out the plaintext queue: no copy). TLS receives into its own
 * ciphertext buffer and decrypts into c->rb; it encrypts c->snd into its
 * own ciphertext buffer. When a transport has finished its set-up (TCP:
 * at once; TLS: after the handshake and the peer's certificate checks) it
 * calls cxp_conn_ready(), which tells the owner (on_accept / on_connect).
 * Frames are delivered, and queued frames leave, only once ready.
 *
 * Every transport function runs on the loop thread. A function returning
 * int returns 0 or -errno; on failure it has logged why (with the peer's
 * address) and the loop ends the connection with that reason.
 */
#ifndef TL_CXP_INT_H
#define TL_CXP_INT_H

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "cxp/cxp.h"

struct cxp_obuf {
	uint8_t *p;
	size_t len, cap, off; /* bytes [off, len) still to send */
};

/* Room for more bytes after o->len: the capacity doubles from first (the
 * size of a new buffer) until it fits. 0, or -ENOMEM with o unchanged. */
static inline int cxp_obuf_reserve(struct cxp_obuf *o, size_t more, size_t first)
{
	size_t ncap = o->cap ? o->cap : first;
	uint8_t *p;

	if (o->len + more <= o->cap)
		return 0;
	while (ncap < o->len + more)
		ncap *= 2;
	p = realloc(o->p, ncap);
	if (!p)
		return -ENOMEM;
	o->p = p;
	o->cap = ncap;
	return 0;
}

struct cxp_dlist {
	struct cxp_dlist *prev, *next;
};

struct cxp_transport {
	const char *name; /* "tcp", "tls": for logs and cxp_conn_transport() */
	/* TCP is established (accepted, or the connect finished). */
	int (*start)(struct cxp_conn *c);
	/* Where the next receive lands (*n > 0). */
	int (*rx_area)(struct cxp_conn *c, uint8_t **p, size_t *n);
	/* n > 0 bytes landed in the rx_area: append what they decode to at c->rb. */
	int (*rx)(struct cxp_conn *c, size_t n);
	/* The peer closed its side; 0 when that is an orderly end for this transport
	 * (the loop then applies the framing checks), or -errno (logged). */
	int (*rx_eof)(struct cxp_conn *c);
	/* The next bytes for the wire; *n == 0 when there are none now. */
	int (*tx_next)(struct cxp_conn *c, const uint8_t **p, size_t *n);
	/* n bytes of what tx_next handed out were sent. */
	void (*tx_done)(struct cxp_conn *c, size_t n);
	/* Bytes the transport holds for the wire besides c->snd / c->pend. */
	size_t (*tx_held)(const struct cxp_conn *c);
	/* Release the transport's state (the connection's memory goes next). */
	void (*free)(struct cxp_conn *c);
};

struct cxp_listener;

struct cxp_conn {
	struct cxp_loop *l;
	struct cxp_dlist link; /* l->conns while not dead, l->lingering while lingering */
	struct cxp_dlist fq;   /* l->flushq while queued (fq_on) */
	int fd;
	unsigned refs;     /* owner + SQEs in flight */
	unsigned ops;      /* bit per OP_* in flight */
	unsigned fq_on : 1, connected : 1, closing : 1, dead : 1, linger : 1;
	unsigned accepted : 1; /* came from a listener (counts against the caps) */
	unsigned ready : 1;    /* the transport is set up: frames flow */
	unsigned ms : 1;       /* the RECV in flight is multishot, on the loop's buffer ring */
	unsigned ms_cancel : 1; /* ... and a cancel of it is queued (back to direct receive) */
	unsigned direct : 1;   /* the next RECV is a direct one: the peer streams, or the
				* buffer ring ran dry */
	uint8_t smalls;    /* consecutive small direct receives (back to multishot at RX_CALM) */
	int slot;          /* index in the ring's registered file table, -1: none */
	int close_reason;
	struct cxp_handlers h;
	void *ud, *data;
	uint8_t *rb;       /* received plaintext [0, rlen) */
	size_t rlen, rcap;
	struct cxp_obuf snd, pend; /* plaintext frames: being sent / queued meanwhile */
	const struct cxp_transport *tp;
	void *tpd;         /* the transport's per-connection state */
	uint64_t frame_start_ms; /* a frame (or a handshake) is partly in since then; 0: none */
	uint64_t active_ms;      /* the last frame in or out */
	uint32_t idle_ms;        /* idle timeout of this connection; 0: none */
	struct cxp_peer_count *pc; /* per-address count entry (accepted connections) */
	struct sockaddr_storage ss; /* connect target: read by the kernel until OP_CONNECT ends */
	unsigned sslen;
	struct __kernel_timespec cts;
	char peer[CXP_ADDR_MAX + 1];
};

/* The transport is set up: tell the owner (on_accept or on_connect). 0, or
 * -ECONNABORTED when the owner closed the connection meanwhile. */
int cxp_conn_ready(struct cxp_conn *c);
/* Make room for at least min more bytes at c->rb + c->rlen, within the loop's
 * receive-memory budget. 0, -ENOMEM, or -ENOBUFS (budget; logged). */
int cxp_conn_rb_reserve(struct cxp_conn *c, size_t min);
/* Whether a SEND of c is in flight (its bytes must not be sent around it). */
int cxp_conn_send_busy(const struct cxp_conn *c);
/* Count a failed TLS handshake in the loop's statistics. */
void cxp_loop_count_tls_failure(struct cxp_loop *l);
/* Plaintext waiting to be sent: a pointer into c->snd (refilled from c->pend)
 * and its length, 0 when none. */
size_t cxp_conn_plain_out(struct cxp_conn *c, const uint8_t **p);
/* n bytes of that plaintext were consumed. */
void cxp_conn_plain_done(struct cxp_conn *c, size_t n);

extern const struct cxp_transport cxp_tcp_transport;
extern const struct cxp_transport cxp_tls_transport;

/* TLS (tls.c): per-connection state for a listener's or a connect's config.
 * expect_cn: the CN the server's certificate must carry (client side), or NULL. */
int cxp_tls_attach(struct cxp_conn *c, struct cxp_tls *t, int server, const char *expect_cn);
/* Whether a listener with this config can serve (own certificate present). */
int cxp_tls_can_serve(const struct cxp_tls *t);
/* Peer certificate details of a TLS connection (see cxp_conn_peer_cert). */
int cxp_tls_peer_cert(const struct cxp_conn *c, char *cn, size_t cncap, char *ca_cn,
		      size_t cacap);

#endif

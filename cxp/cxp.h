/* SPDX-License-Identifier: MIT */
/*
 * cxp/: the chunk exchange protocol. One framing for every link (application,
 * trader, container), an io_uring event loop that knows nothing of message
 * meanings, and codecs for the message payloads. The wire specification is
 * man cxp(7); keep the two in step.
 *
 * Frame (16-byte header, little-endian, then `len` payload bytes):
 *
 *   0   u8[2] magic    'C' 'X'
 *   2   u8    version  CXP_VERSION
 *   3   u8    type     enum cxp_type
 *   4   u32   len      payload length, <= CXP_MAX_PAYLOAD
 *   8   u64   reqid    request id; a reply carries the id of its request
 *
 * A frame with a bad magic, version or type, or len > CXP_MAX_PAYLOAD, is a
 * protocol error: the loop logs it (peer address and what was wrong), closes
 * that connection only, and reports it through on_close(-EPROTO).
 */
#ifndef TL_CXP_H
#define TL_CXP_H

#include <stddef.h>
#include <stdint.h>

#define CXP_MAGIC0       'C'
#define CXP_MAGIC1       'X'
#define CXP_VERSION      4 /* 2: REGISTER carries capacity; HEARTBEAT, HANDBACK, DRAINING
			    * 3: REGISTER carries the host; RESULT a digest; CANCEL
			    * 4: content-addressed chunk ids, FETCH_GRAPH and MANIFEST */
#define CXP_HDR_SIZE     16
#define CXP_MAX_PAYLOAD  (4u << 20)
#define CXP_ADDR_MAX     63 /* "HOST:PORT" */
#define CXP_NAME_MAX     31

enum cxp_type {
	CXP_MSG_ERROR = 1,      /* any -> any: struct cxp_error; reqid = the failed request */
	CXP_MSG_REGISTER = 2,   /* container -> trader: struct cxp_register */
	CXP_MSG_REGISTERED = 3, /* trader -> container: u64 container id */
	CXP_MSG_SUBMIT = 4,     /* application -> trader: a signature (cxp_sig_encode) */
	CXP_MSG_ASSIGNED = 5,   /* trader -> application: struct cxp_assigned */
	CXP_MSG_ASSIGN = 6,     /* trader -> container: a signature */
	CXP_MSG_FETCH = 7,      /* container -> application: struct cxp_fetch */
	CXP_MSG_CHUNKS = 8,     /* application -> container: struct cxp_chunks */
	CXP_MSG_RESULT = 9,     /* container -> application: struct cxp_result */
	CXP_MSG_DONE = 10,      /* container -> trader: struct cxp_done, once the result is delivered */
	CXP_MSG_RESULT_ACK = 11, /* application -> container: u64 tasklet id, RESULT received */
	CXP_MSG_HEARTBEAT = 12, /* container -> trader: struct cxp_heartbeat, about once a second */
	CXP_MSG_HANDBACK = 13,  /* container -> trader: u64 tasklet id it gives back unrun */
	CXP_MSG_DRAINING = 14,  /* container -> trader: u64 container id; offer it no more work */
	CXP_MSG_CANCEL = 15,    /* trader -> container: struct cxp_cancel; drop or stop that placement */
	CXP_MSG_FETCH_GRAPH = 16, /* container -> application: struct cxp_fetch_graph */
	CXP_MSG_MANIFEST = 17,  /* application -> container: struct cxp_manifest (the reply) */
	CXP_MSG_TYPE_MAX = CXP_MSG_MANIFEST,
};

/* Error codes carried by CXP_MSG_ERROR. */
enum cxp_ecode {
	CXP_E_BADMSG = 1,   /* payload could not be decoded */
	CXP_E_NOMATCH = 2,  /* the trader found no container for the QoS */
	CXP_E_NOTFOUND = 3, /* unknown tasklet or chunk id */
	CXP_E_BUSY = 4,     /* queue full */
	CXP_E_INTERNAL = 5,
	CXP_E_LOST = 6,     /* the container that held the Tasklet went away */
	CXP_E_UNDELIVERED = 7, /* the container could not deliver the result to the application */
	CXP_E_DEADLINE = 8, /* Deadline(ms) passed before the Tasklet could start or finish */
};

const char *cxp_type_name(unsigned type);
const char *cxp_ecode_name(unsigned code);

/*
 * The status of a RESULT (and of tl_result.status, which mirrors it): a
 * vm_status (0 = ok, 1..99) when the Tasklet ran, or this base plus an
 * enum cxp_ecode when it failed before or around the run. The one place
 * that mapping is written.
 */
#define CXP_STATUS_ECODE_BASE 100
static inline uint32_t cxp_ecode_status(uint32_t ecode)
{
	return CXP_STATUS_ECODE_BASE + ecode;
}

struct cxp_hdr {
	uint8_t type;
	uint32_t len;
	uint64_t reqid;
};

void cxp_hdr_encode(const struct cxp_hdr *h, uint8_t out[CXP_HDR_SIZE]);
/* 0, or -EPROTO with what is wrong in err ("bad magic 0x4745", "length 9999999 > 4194304", ...). */
int cxp_hdr_decode(const uint8_t in[CXP_HDR_SIZE], struct cxp_hdr *h, char *err, size_t errlen);

/* ---- Payload buffers (bounds-checked, little-endian) ------------------ */

struct cxp_wbuf {
	uint8_t *p;
	size_t len, cap;
	int err;   /* sticky -ENOMEM (or -ENOSPC for a fixed buffer) */
	int fixed; /* p is the caller's buffer of cap bytes: never grown or freed */
};
void cxp_wbuf_init(struct cxp_wbuf *w);
/* Write into the caller's buf of cap bytes (e.g. on the stack); overflow is -ENOSPC. */
void cxp_wbuf_init_fixed(struct cxp_wbuf *w, void *buf, size_t cap);
void cxp_wbuf_free(struct cxp_wbuf *w);
void cxp_put_u8(struct cxp_wbuf *w, uint8_t v);
void cxp_put_u32(struct cxp_wbuf *w, uint32_t v);
void cxp_put_u64(struct cxp_wbuf *w, uint64_t v);
void cxp_put_bytes(struct cxp_wbuf *w, const void *p, size_t n);
void cxp_put_str(struct cxp_wbuf *w, const char *s); /* u32 length + bytes, no NUL */

struct cxp_rbuf {
	const uint8_t *p;
	size_t len, off;
	int err; /* sticky -EBADMSG on overrun / bad string */
};
void cxp_rbuf_init(struct cxp_rbuf *r, const void *p, size_t len);
uint8_t cxp_get_u8(struct cxp_rbuf *r);
uint32_t cxp_get_u32(struct cxp_rbuf *r);
uint64_t cxp_get_u64(struct cxp_rbuf *r);
const uint8_t *cxp_get_bytes(struct cxp_rbuf *r, size_t n);
/* Copy a string into dst (cap bytes incl. NUL); -EBADMSG sticky if longer or embeds NUL. */
void cxp_get_str(struct cxp_rbuf *r, char *dst, size_t cap);
/* A string that may be long: pointer into the buffer and its length (not NUL-terminated). */
const char *cxp_get_strn(struct cxp_rbuf *r, size_t *n);

/* ---- Message payloads ---------------------------------------------------- */

#define CXP_CAP_PRIORITY 0x1u /* the container keeps a priority queue */
#define CXP_CAP_TLS      0x2u
#define CXP_CAP_INJECT   0x4u /* the container runs with fault injection (--inject) */

struct cxp_register {
	char name[CXP_NAME_MAX + 1];
	char addr[CXP_ADDR_MAX + 1]; /* the container's own CXP endpoint ("" when none) */
	uint32_t workers;
	uint32_t speed;  /* speed units measured at start-up */
	uint32_t price;  /* per million fuel */
	uint32_t flags;  /* CXP_CAP_* */
	/* Tasklets it holds at once (fetching, queued or running), per class
	 * (0 priority, 1 economy): the trader offers no more than that. */
	uint32_t capacity[2];
	/* The host it runs on (its machine id, or --host): FaultTolerance(k)
	 * places replicas on k distinct hosts. */
	char host[CXP_NAME_MAX + 1];
};

/* HEARTBEAT: the container's state now. */
struct cxp_heartbeat {
	uint32_t depth[2];   /* queued, per class (summed over workers) */
	uint32_t running;    /* Tasklets in the VM */
	uint32_t held[2];    /* admitted and not yet finished, per class */
	uint32_t capacity[2];
	uint32_t speed;      /* speed units, as in REGISTER */
	uint32_t flags;      /* CXP_HB_* */
};
#define CXP_HB_DRAINING 0x1u

struct cxp_assigned {
	uint64_t tasklet_id;
	uint64_t container_id;
	char container[CXP_NAME_MAX + 1];
};

struct cxp_error {
	uint32_t code; /* enum cxp_ecode */
	char msg[256];
};

#define CXP_FETCH_MAX 4096 /* ids per FETCH */
struct cxp_fetch {
	uint64_t tasklet_id;
	uint32_t n;
	uint64_t ids[CXP_FETCH_MAX];
};

#define CXP_RESULT_STOLEN 0x1u /* run by another worker than the one it was queued on */
#define CXP_RESULT_RAN    0x2u /* it reached the VM (queue_ns, start_seq, worker are set) */

/* Decoded RESULT: strings point into the frame payload (valid during the handler). */
#define CXP_DIGEST_SIZE 32
/* The digest of a result: SHA-256 over u32 status (LE), u64 output length (LE),
 * the output, then the value. Replicas of a deterministic Tasklet agree on it. */
void cxp_result_digest(uint32_t status, const char *output, size_t output_len, const char *value,
		       size_t value_len, uint8_t out[CXP_DIGEST_SIZE]);

struct cxp_result {
	uint64_t tasklet_id;
	char container[CXP_NAME_MAX + 1];
	uint32_t status;    /* enum vm_status, or cxp_ecode_status(enum cxp_ecode) */
	uint64_t fuel_used;
	uint64_t run_ns;
	uint64_t queue_ns;  /* time queued in the container (ready to dequeued) */
	uint64_t start_seq; /* the container's count of Tasklets started, at this start (1, 2, ...) */
	uint32_t worker;    /* the worker that ran it */
	uint32_t flags;     /* CXP_RESULT_* */
	uint32_t attempt;   /* the placement it answers (the signature's attempt) */
	uint64_t cost_micro; /* what the run cost: fuel_used x the container's price (per million fuel) */
	uint8_t digest[CXP_DIGEST_SIZE]; /* SHA-256 of status, output and value (cxp_result_digest) */
	const char *output; size_t output_len;
	const char *value;  size_t value_len;
	const char *error;  size_t error_len;
};

/* DONE: the application acknowledged the result of this placement. */
/* CANCEL: the trader no longer wants placement `attempt` of the Tasklet
 * (another replica answered, or its deadline passed): a queued or fetching
 * one is dropped, a running one stops at its next slice; no RESULT, no DONE. */
struct cxp_cancel {
	uint64_t tasklet_id;
	uint32_t attempt;
};
void cxp_cancel_encode(struct cxp_wbuf *w, const struct cxp_cancel *m);
int cxp_cancel_decode(const void *p, size_t len, struct cxp_cancel *m, char *err, size_t errlen);

struct cxp_done {
	uint64_t tasklet_id;
	uint32_t attempt;
	uint64_t fuel_used;
};

/* CHUNKS: u64 tasklet id, u32 n, then n chunks of VM_CHUNK_WIRE_SIZE bytes each
 * (decoded one by one with vm_chunk_decode). */
struct cxp_chunks {
	uint64_t tasklet_id;
	uint32_t n;
	const uint8_t *chunks; /* decoded: n * wire_size bytes inside the payload */
};

/*
 * FETCH_GRAPH: "the whole graph reachable from root". The application answers
 * with one MANIFEST (every id of the graph, breadth first from root) and, in
 * CXP_GRAPH_CHUNKS mode, then the chunks themselves in CHUNKS frames, all with
 * the FETCH_GRAPH's reqid. In CXP_GRAPH_IDS mode it sends the MANIFEST only and
 * the container FETCHes what it lacks (its cache has the rest), many FETCHes at
 * once. Either way a graph of any depth and size costs two round trips at most.
 */
enum cxp_graph_mode {
	CXP_GRAPH_IDS = 1,    /* the MANIFEST only */
	CXP_GRAPH_CHUNKS = 2, /* the MANIFEST, then every chunk of it */
};
struct cxp_fetch_graph {
	uint64_t tasklet_id;
	uint64_t root; /* != 0 */
	uint32_t mode; /* enum cxp_graph_mode */
};

/* MANIFEST: u64 tasklet id, u32 n (1..CXP_MANIFEST_MAX), n x u64 chunk id (!= 0). */
#define CXP_MANIFEST_MAX 65536 /* = VM_MAX_TASKLET_CHUNKS: a Tasklet's graph fits one */
struct cxp_manifest {
	uint64_t tasklet_id;
	uint32_t n;
	const uint8_t *ids; /* decoded: n little-endian u64 inside the payload */
};
/* The i-th id of a decoded manifest (i < m->n). */
uint64_t cxp_manifest_id(const struct cxp_manifest *m, uint32_t i);

/* Each encoder appends the payload to w; each decoder returns 0 or -EBADMSG
 * (with what was wrong in err) and never reads past len. */
void cxp_register_encode(struct cxp_wbuf *w, const struct cxp_register *m);
int cxp_register_decode(const void *p, size_t len, struct cxp_register *m, char *err, size_t errlen);
void cxp_assigned_encode(struct cxp_wbuf *w, const struct cxp_assigned *m);
int cxp_assigned_decode(const void *p, size_t len, struct cxp_assigned *m, char *err, size_t errlen);
void cxp_error_encode(struct cxp_wbuf *w, const struct cxp_error *m);
int cxp_error_decode(const void *p, size_t len, struct cxp_error *m, char *err, size_t errlen);
void cxp_fetch_encode(struct cxp_wbuf *w, const struct cxp_fetch *m);
int cxp_fetch_decode(const void *p, size_t len, struct cxp_fetch *m, char *err, size_t errlen);
void cxp_result_encode(struct cxp_wbuf *w, const struct cxp_result *m);
int cxp_result_decode(const void *p, size_t len, struct cxp_result *m, char *err, size_t errlen);
void cxp_done_encode(struct cxp_wbuf *w, const struct cxp_done *m);
int cxp_done_decode(const void *p, size_t len, struct cxp_done *m, char *err, size_t errlen);
void cxp_heartbeat_encode(struct cxp_wbuf *w, const struct cxp_heartbeat *m);
int cxp_heartbeat_decode(const void *p, size_t len, struct cxp_heartbeat *m, char *err,
			 size_t errlen);
void cxp_fetch_graph_encode(struct cxp_wbuf *w, const struct cxp_fetch_graph *m);
int cxp_fetch_graph_decode(const void *p, size_t len, struct cxp_fetch_graph *m, char *err,
			   size_t errlen);
/* MANIFEST: the header only; the caller appends n ids with cxp_put_u64. */
void cxp_manifest_encode_header(struct cxp_wbuf *w, uint64_t tasklet_id, uint32_t n);
/* Checks the count, the length (exactly 12 + 8n) and that no id is 0. */
int cxp_manifest_decode(const void *p, size_t len, struct cxp_manifest *m, char *err,
			size_t errlen);
/* CHUNKS: the header only; the caller appends n chunks with vm_chunk_encode. */
void cxp_chunks_encode_header(struct cxp_wbuf *w, uint64_t tasklet_id, uint32_t n);
/* Checks that exactly n records of wire_size bytes follow the header. */
int cxp_chunks_decode(const void *p, size_t len, size_t wire_size, struct cxp_chunks *m, char *err,
		      size_t errlen);
/* REGISTERED and DRAINING (the container id), RESULT_ACK and HANDBACK (the
 * tasklet id): one u64. */
void cxp_id_encode(struct cxp_wbuf *w, uint64_t id);
int cxp_id_decode(unsigned type, const void *p, size_t len, uint64_t *id, char *err, size_t errlen);


/* ---- Signatures (SUBMIT, ASSIGN) -------------------------------------------
 *
 *   u64 tasklet_id, str app_addr (<= 63), str app_cn (<= 31), u64 root, u64 seed,
 *   u64 start_ns,
 *   u32 nqos (<= VM_QOS_MAX), then per requirement:
 *     u8 cat (1..VM_QOS_CAT_MAX), u8 nparams (<= VM_QOS_MAX_PARAMS), then per
 *     parameter: u8 type (VM_QOS_P_INT: i64 | VM_QOS_P_STR: str <= 63 bytes)
 * then u64 code_hash (a hash of the program's code chunks), u32 app_speed (the
application's speed, for relative SpeedMinimum; 0 when not measured), and
u32 attempt (0 from the application; the trader numbers its placements 1, 2,
... by rewriting these last four bytes). Trailing bytes are an error. The struct is
 * vm_sig (vm/vm.h); cxp/ only moves it, it does not interpret the QoS.
 */
struct vm_sig;
/* The largest encoding of a valid signature: a buffer this big always fits. */
#define CXP_SIG_MAX_ENCODED                                                              \
	(8 + 4 + VM_SIG_ADDR_MAX + 4 + VM_SIG_CN_MAX + 3 * 8 + 4 +                      \
	 VM_QOS_MAX * (2 + VM_QOS_MAX_PARAMS * (1 + 4 + VM_QOS_STR_MAX)) + 8 + 4 + 4)
/* Append s to w; the encoded length, -EINVAL for an invalid signature, or w's error. */
int cxp_sig_encode(struct cxp_wbuf *w, const struct vm_sig *s);
/* Decode and validate; bytes consumed, or -EINVAL with a message in err. */
int cxp_sig_decode(const void *buf, size_t len, struct vm_sig *s, char *err, size_t errlen);
struct cxp_conn;
/*
 * Vouch for the application of signature s, which arrived on connection
 * from (a SUBMIT at the trader, an ASSIGN at a container's direct
 * endpoint): its app_addr keeps only the port the sender named, with the
 * host the connection came from, so nobody can steer a container to
 * another address; with secure, app_cn becomes the common name of the
 * sender's certificate (the container checks it when it connects), else
 * "". 1 when app_addr changed, 0 when not, -EINVAL (no port) or -EPERM (no
 * certificate) with why.
 */
int cxp_sig_vouch(const struct cxp_conn *from, struct vm_sig *s, int secure, char *why,
		  size_t whycap);

/* ---- Addresses -------------------------------------------------------- */

struct sockaddr_storage;
/* Parse "HOST:PORT" / "[V6]:PORT" (numeric hosts and "localhost"). 0 or -EINVAL. */
int cxp_addr_parse(const char *s, struct sockaddr_storage *ss, unsigned *sslen);
/* Format as "HOST:PORT" into buf. */
void cxp_addr_format(const struct sockaddr_storage *ss, char *buf, size_t cap);

/* ---- The event loop ---------------------------------------------------------
 *
 * One io_uring per loop, driven by one thread (cxp_loop_run). Every function
 * below except cxp_loop_post and cxp_loop_stop must be called on that thread
 * (or before cxp_loop_run starts). Handlers are called with whole frames.
 *
 * Completions are routed by a documented user_data encoding (the owning
 * object's pointer with the operation in its low bits), see cxp/loop.c.
 */
struct cxp_loop;
struct cxp_conn;

struct cxp_handlers {
	/* A connection accepted on a listener (handlers of the listener are inherited). */
	void (*on_accept)(struct cxp_conn *c, void *ud);
	/* An outbound connect finished: res 0 or -errno (on failure on_close follows). */
	void (*on_connect)(struct cxp_conn *c, int res, void *ud);
	/* A whole frame. Returning < 0 closes the connection at once, dropping its queued
	 * output (a protocol error of the peer). To answer with an ERROR first, call
	 * cxp_send_error, then cxp_close(c, -EPROTO), and return 0. */
	int (*on_frame)(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *payload, void *ud);
	/* The connection is gone: reason 0 (peer closed / cxp_close(c, 0)) or -errno / -EPROTO.
	 * After this returns the cxp_conn is freed. */
	void (*on_close)(struct cxp_conn *c, int reason, void *ud);
};

/* A loop; NULL + errno on failure (e.g. io_uring not available). */
struct cxp_loop *cxp_loop_new(void);
/* Closes every connection (on_close is called) and frees the loop. */
void cxp_loop_free(struct cxp_loop *l);

/* Listen on "HOST:PORT" (port 0 = ephemeral). Returns 0 and the bound
 * address (as "HOST:PORT") in bound, or -errno. */
int cxp_listen(struct cxp_loop *l, const char *addr, const struct cxp_handlers *h, void *ud,
	       char *bound, size_t boundcap);

/* Start connecting to "HOST:PORT"; the result arrives through on_connect.
 * Returns the connection (usable for cxp_send at once: frames are queued
 * until connected) or NULL + errno. */
struct cxp_conn *cxp_connect(struct cxp_loop *l, const char *addr, const struct cxp_handlers *h,
			     void *ud);

/* Queue one frame (payload copied). 0, -ENOTCONN if closing, -EMSGSIZE, -ENOMEM,
 * -ENOBUFS past the per-connection output bound (64 MiB), -EINVAL for a bad type. */
int cxp_send(struct cxp_conn *c, uint8_t type, uint64_t reqid, const void *payload, size_t len);
/*
 * Queue one frame whose payload the caller writes in place (no copy, no
 * buffer of its own): cxp_send_begin returns where the len payload bytes go
 * (inside the connection's output queue), or NULL + errno (cxp_send's
 * errors); cxp_send_commit then queues the frame. Nothing else may be sent
 * on c between the two (the pointer is valid until the commit).
 */
uint8_t *cxp_send_begin(struct cxp_conn *c, uint8_t type, size_t len);
void cxp_send_commit(struct cxp_conn *c, uint8_t type, uint64_t reqid, size_t len);
/* Send REGISTERED, DONE or RESULT_ACK: one u64 (cxp_send's return value). */
static inline int cxp_send_id(struct cxp_conn *c, uint8_t type, uint64_t reqid, uint64_t id)
{
	uint8_t b[8];
	struct cxp_wbuf w;

	cxp_wbuf_init_fixed(&w, b, sizeof(b));
	cxp_id_encode(&w, id);
	return cxp_send(c, type, reqid, w.p, w.len);
}
/* Send a CXP_MSG_ERROR frame. */
int cxp_send_error(struct cxp_conn *c, uint64_t reqid, uint32_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Close after the queued frames are written (reason passed to on_close). */
void cxp_close(struct cxp_conn *c, int reason);

void cxp_conn_set_data(struct cxp_conn *c, void *data);
void *cxp_conn_data(const struct cxp_conn *c);
const char *cxp_conn_peer(const struct cxp_conn *c); /* "HOST:PORT" for logs */
struct cxp_loop *cxp_conn_loop(const struct cxp_conn *c);

/* Run until cxp_loop_stop. Returns 0, or -errno on a fatal ring error. */
int cxp_loop_run(struct cxp_loop *l);
/* Thread-safe: make cxp_loop_run return soon. */
void cxp_loop_stop(struct cxp_loop *l);
/* Thread-safe: run fn(arg) on the loop thread soon (FIFO). 0 or -ENOMEM. */
int cxp_loop_post(struct cxp_loop *l, void (*fn)(void *arg), void *arg);
/*
 * Loop thread only: run fn(arg) at the start of the next turn of the loop,
 * after what this turn queued has been submitted (FIFO; no system call, no
 * wake-up: the loop does not wait for completions while deferred work is
 * queued). For work cut into slices, e.g. a large reply encoded a frame a
 * turn. 0 or -ENOMEM.
 */
int cxp_loop_defer(struct cxp_loop *l, void (*fn)(void *arg), void *arg);
/* Loop thread: call fn(arg) once after ms milliseconds. 0 or -errno. */
int cxp_loop_timer(struct cxp_loop *l, uint64_t ms, void (*fn)(void *arg), void *arg);

/* Logging used by every daemon: "tasklet[role]: message" to stderr, with a
 * monotonic timestamp. cxp_log_role sets the prefix for this thread. */
void cxp_log_role(const char *role);
void cxp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Process-wide: 1 silences cxp_log (for the embedded default of `tasklet run`). */
void cxp_log_quiet(int quiet);

/* ==== Transport security and limits (issue 7) ===============================
 *
 * Everything below is additive: the functions above keep their behaviour
 * (cxp_listen / cxp_connect are plain TCP). A TLS connection carries the
 * same frames to the same handlers; only the functions here tell the two
 * apart. man cxp(7) (Transport, Limits) and tasklet-security(7).
 */
#include <time.h>

struct cxp_tls; /* loaded credentials, shared read-only by any number of loops/threads */

#define CXP_TLS_CA_MAX 8

struct cxp_tls_config {
	const char *cert_file; /* own certificate (PEM or DER; may hold a chain); NULL: none */
	const char *key_file;  /* its private key; with cert_file */
	const char *ca_files[CXP_TLS_CA_MAX]; /* trusted CA certificates (at least one) */
	unsigned nca;
	const char *crl_files[CXP_TLS_CA_MAX]; /* revocation lists, each signed by one of
						* the CAs: a peer whose certificate is on
						* one is refused */
	unsigned ncrl;
	int require_peer_cert; /* server: a client without a valid certificate is refused */
};

/*
 * Load and check a TLS configuration once (files read, key matched to the
 * certificate, CAs parsed). Returns the credentials, or NULL with errno set
 * and err saying which file and what is wrong, e.g.
 * "certs/c1.key: not a private key (PK - Invalid key tag or value)".
 * TLS 1.2 only, AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305).
 */
struct cxp_tls *cxp_tls_new(const struct cxp_tls_config *cfg, char *err, size_t errlen);
/* Free credentials; every connection using them must be gone. NULL is a no-op. */
void cxp_tls_free(struct cxp_tls *t);

/*
 * cxp_listen over TLS: each accepted connection does the TLS handshake
 * first; on_accept is called only once it succeeded (cxp_conn_peer_cert
 * works there). A connection whose handshake fails is closed with a logged
 * reason (untrusted or expired certificate, no certificate when one is
 * required, a plain-TCP peer, a timeout, ...) and never reaches the
 * handlers. Needs a configuration with an own certificate (-EINVAL).
 */
int cxp_listen_tls(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
		   const struct cxp_handlers *h, void *ud, char *bound, size_t boundcap);
/*
 * cxp_connect over TLS. The server's certificate must chain to a trusted
 * CA and, when peer_cn is not NULL, carry that common name. on_connect
 * comes after the handshake: 0, or -ECONNREFUSED & co., -EKEYREJECTED
 * (certificate not trusted, wrong CN), -EKEYEXPIRED, -EPROTO (the peer
 * refused us or does not speak TLS), -ETIMEDOUT. Frames may be queued at once.
 */
struct cxp_conn *cxp_connect_tls(struct cxp_loop *l, const char *addr, struct cxp_tls *tls,
				 const char *peer_cn, const struct cxp_handlers *h, void *ud);
/*
 * The verified peer certificate of a TLS connection: its subject common
 * name, and the common name of the trusted CA it chains to. 0; -ENOTSUP
 * on a plain connection; -ENOTCONN before the handshake finished; -ENOKEY
 * when the peer presented no certificate (a server not requiring one).
 * Either buffer may be NULL.
 */
int cxp_conn_peer_cert(const struct cxp_conn *c, char *cn, size_t cncap, char *ca_cn,
		       size_t cacap);
/* "tcp" or "tls" (for logs). */
const char *cxp_conn_transport(const struct cxp_conn *c);
/* Loop thread: bytes queued on c and not yet written to its socket (frames
 * and, on TLS, ciphertext). A peer that sends requests and never reads the
 * answers makes it grow: a daemon closes such a peer past its own bound. */
size_t cxp_conn_unsent(const struct cxp_conn *c);

/*
 * Limits against abusive peers, per loop; 0 in a field turns that limit off.
 * Defaults (cxp_limits_default) in brackets:
 */
struct cxp_limits {
	uint32_t read_timeout_ms; /* a frame, once its first byte is in, and a TLS
				   * handshake must complete within this [30000] */
	uint32_t idle_timeout_ms; /* an accepted connection with no frame in or out for
				   * this long is closed [300000]; see cxp_conn_set_idle_timeout */
	uint32_t max_conns;       /* accepted connections at once [RLIMIT_NOFILE - 64,
				   * at least 64, at most 65536] */
	uint32_t max_conns_per_addr; /* accepted connections from one IP address [256] */
	uint64_t rx_budget;       /* bytes of receive buffers beyond each connection's first
				   * 64 KiB (partial frames) [256 MiB]; over it, the connection
				   * holding the largest partial frame is closed */
};
void cxp_limits_default(struct cxp_limits *lim);
/* Loop thread (or before cxp_loop_run): replace the limits. 0 or -EINVAL. */
int cxp_loop_set_limits(struct cxp_loop *l, const struct cxp_limits *lim);
void cxp_loop_get_limits(const struct cxp_loop *l, struct cxp_limits *lim);
/* Loop thread: this connection's idle timeout (0: never idle-closed), e.g. for
 * a registered container or an application waiting on a long Tasklet. */
void cxp_conn_set_idle_timeout(struct cxp_conn *c, uint32_t ms);

struct cxp_loop_stats {
	uint32_t conns;          /* open connections (accepted and outbound) */
	uint32_t accepted;       /* open accepted connections */
	uint64_t rx_mem;         /* bytes counted against rx_budget */
	uint64_t refused;        /* connections refused at accept (caps, no descriptors) */
	uint64_t timeouts;       /* closed by the read or idle timeout */
	uint64_t budget_closes;  /* closed by the receive-memory budget */
	uint64_t tls_failures;   /* TLS handshakes that failed */
	uint64_t recv_multishot; /* receive completions with data from the buffer ring */
	uint64_t recv_direct;    /* one-shot receives armed into a frame buffer */
	uint64_t fixed_file_ops; /* requests issued on a registered file */
};
/* Loop thread: a snapshot of the counters. */
void cxp_loop_stats(const struct cxp_loop *l, struct cxp_loop_stats *st);
/*
 * The io_uring features this loop uses, one line for a log: "recv_multishot
 * on, files on, accept_multishot on, poll_multishot on, coop_taskrun on", with
 * the reason after one that is off (probed at cxp_loop_new; a feature named
 * in the environment variable TASKLET_URING_OFF, comma-separated, or "all",
 * is not used: for testing the fall-backs). Owned by the loop.
 */
const char *cxp_loop_features(const struct cxp_loop *l);

/* ---- Certificates (cert.c; used by `tasklet cert`) ------------------------ */

struct cxp_cert_spec {
	const char *name;    /* subject CN, also the files' base name: [A-Za-z0-9._-], 1..63,
			      * not starting with '.' or '-' */
	const char *out_dir; /* writes OUT_DIR/NAME.crt and OUT_DIR/NAME.key (never overwrites) */
	const char *ca;      /* "DIR/NAME" of the issuing CA (DIR/NAME.crt + .key);
			      * NULL: a self-signed CA */
	time_t not_before;   /* 0: now - 1 hour */
	time_t not_after;    /* 0: not_before + 10 years (CA) or 825 days (issued) */
};
/*
 * Make an EC P-256 key and an X.509 v3 certificate (SHA-256, random 127-bit
 * serial) for it. 0, or -errno with err naming the file and the problem.
 * Keys are written with mode 0600.
 */
int cxp_cert_make(const struct cxp_cert_spec *s, char *err, size_t errlen);
/* The subject common name of the (first) certificate in the file at path. 0,
 * or -EINVAL with what is wrong in err. */
int cxp_cert_file_cn(const char *path, char *cn, size_t cap, char *err, size_t errlen);
/*
 * Revoke the certificate in cert_file, issued by the CA ca ("DIR/NAME": the
 * files DIR/NAME.crt and DIR/NAME.key): DIR/NAME.crl, a CRL signed by that
 * CA, is written (or rewritten, through a temporary file and a rename) with
 * every serial it held and this one. serial_hex (may be NULL) receives the
 * serial. 0 when written, 1 when it was revoked already (nothing written),
 * -errno with err set.
 */
int cxp_cert_revoke(const char *ca, const char *cert_file, char *serial_hex, size_t hexcap,
		    char *err, size_t errlen);
/* Whether NAME is acceptable as a certificate name (see cxp_cert_spec). */
int cxp_cert_name_ok(const char *name);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * libtasklet: the application side of the Tasklet runtime, for programs
 * written in C. Link with build/libtasklet.a (-luring -ljemalloc -lpthread -lm).
 *
 *   struct tl_options o = { .trader = "127.0.0.1:7000" };
 *   struct tl_client *c = tl_client_new(&o, err, sizeof(err));
 *   uint64_t id;
 *   tl_submit_file(c, "examples/hello.jsl", &id, err, sizeof(err));
 *   struct tl_result r;
 *   tl_wait(c, id, &r, 30000);
 *   fputs(r.output, stdout);
 *   tl_result_free(&r);
 *   tl_client_free(c);
 *
 * The client compiles a Tasklet into its own chunk store, submits its
 * signature to the trader, serves its chunks to the container the trader
 * chose, and collects the result. Every submitted Tasklet ends in exactly
 * one result: the program's, or an error status saying why there is none.
 * Thread-safe: any thread may submit and wait.
 */
#ifndef TASKLET_H
#define TASKLET_H

#include <stddef.h>
#include <stdint.h>

struct tl_options {
	const char *trader;  /* "HOST:PORT" of a trader (required) */
	const char *listen;  /* this application's CXP endpoint; NULL = automatic */
	uint64_t seed;       /* Tasklet seeds; 0 = random */
	int local_fallback;  /* run a Tasklet no container matches in this process
			      * (tl_result.container is then "local") */
	const char *record_dir; /* keep what replays each answered Tasklet here
				 * (DIR/<id>.tlr; `tasklet replay DIR`); NULL = none */
	/* Secure mode (man tasklet-security(7)): this application's certificate
	 * and key, and the CAs it trusts (at most 8). With them every link is
	 * mutual TLS: to the trader, and containers fetching from us. NULL: open. */
	const char *cert_file, *key_file;
	const char *const *ca_files;
	unsigned nca;
	/* Secure mode: the common name the trader's certificate must carry
	 * (checked in the handshake); NULL = "trader". */
	const char *trader_name;
};

enum tl_status {
	TL_OK = 0,
	TL_ERR_RUNTIME = 1,  /* the program threw (message in error) */
	TL_ERR_FUEL = 2,     /* it ran out of fuel */
	TL_ERR_MEMORY = 3,   /* it hit the VM heap bound */
	TL_ERR_LOAD = 4,     /* the container rejected the chunk graph */
	TL_ERR_BADMSG = 101, /* a peer rejected a message */
	TL_ERR_NOMATCH = 102, /* the trader found no container for the QoS */
	TL_ERR_NOTFOUND = 103,
	TL_ERR_BUSY = 104,   /* the chosen container's queue was full */
	TL_ERR_INTERNAL = 105,
	TL_ERR_LOST = 106,   /* the container went away before answering */
	TL_ERR_UNDELIVERED = 107, /* the container could not reach us with the result */
	TL_ERR_DEADLINE = 108, /* its Deadline(ms) passed: not started, or stopped (a late result is useless) */
	TL_ERR_TIMEOUT = 200, /* no answer within the wait */
	TL_ERR_DISCONNECTED = 201, /* the link to the trader broke before assignment */
};

struct tl_result {
	uint64_t id;
	int status;         /* enum tl_status */
	char container[32]; /* where it ran ("" if it never reached one) */
	int priority;       /* it asked for Priority('True') */
	char *output;       /* console.log output (malloc'd, NUL-terminated) */
	size_t output_len;
	char *value;        /* completion value as node prints it (malloc'd) */
	char *error;        /* for status != TL_OK (malloc'd) */
	uint64_t fuel_used;
	double cost;         /* charged: fuel_used x the container's price per million fuel / 10^6 */
	uint64_t run_ns;     /* time in the VM */
	uint64_t queue_ns;   /* time queued in the container, ready to run */
	uint64_t start_seq;  /* it was the container's start_seq-th start (0: it never ran there) */
	unsigned worker;     /* the container's worker that ran it */
	int stolen;          /* that worker stole it from another's queue */
	uint64_t latency_ns; /* submit to result, seen by the application */
	uint64_t seed;       /* its Math.random seed ... */
	uint64_t start_ms;   /* ... and start time (Date.now() at fuel 0): with its chunks,
			      * what its run is a function of (tasklet exec --seed --time) */
	unsigned char digest[32]; /* SHA-256 of status, output and value (cxp(7)); zero
				   * when it did not run */
	int digest_mismatch; /* another replica answered with a different digest */
};

struct tl_client;

/* NULL with a message in err on failure (e.g. the trader cannot be reached). */
struct tl_client *tl_client_new(const struct tl_options *o, char *err, size_t errlen);
/* The trader this client uses (as given in tl_options.trader). */
const char *tl_client_trader(const struct tl_client *c);

/* Compile and submit. 0 and the Tasklet id, or -EINVAL with
 * "file:line:col: message" in err for a compile error, or another -errno. */
int tl_submit_source(struct tl_client *c, const char *name, const char *src, size_t len,
		     uint64_t *id, char *err, size_t errlen);
int tl_submit_file(struct tl_client *c, const char *path, uint64_t *id, char *err, size_t errlen);
/* The same with an input: the JSON text input[0..input_len) becomes the
 * Tasklet's global `input` (it travels with the chunks; the code is shared
 * and cached as without one). A text that is not JSON ends the Tasklet with
 * "input is not valid JSON" (status bad program). */
int tl_submit_input(struct tl_client *c, const char *name, const char *src, size_t len,
		    const char *input, size_t input_len, uint64_t *id, char *err, size_t errlen);

/* Wait for the result of id (timeout_ms < 0: forever). 0 with *res filled
 * (free with tl_result_free); -ETIMEDOUT (res->status = TL_ERR_TIMEOUT);
 * -ENOENT for an unknown or already collected id. */
int tl_wait(struct tl_client *c, uint64_t id, struct tl_result *res, int timeout_ms);
void tl_result_free(struct tl_result *res);
const char *tl_status_name(int status);

/* What this client has seen so far. */
struct tl_stats {
	uint64_t submitted;  /* Tasklets submitted */
	uint64_t placements; /* containers the trader placed them on (ASSIGNED): more than
			      * submitted with replicas, retransmissions or re-placements */
	uint64_t answered;   /* of those, ended with a result or an error */
	uint64_t duplicates; /* answers that came for a Tasklet already answered: ignored
			      * (e.g. a container that was suspected and finished after all) */
	uint64_t digest_mismatches; /* of those, results whose digest differs from the first
				     * answer's (a container that lies or breaks; logged with
				     * both containers named) */
	uint64_t chunks_served; /* chunks sent to containers (FETCH and FETCH_GRAPH replies) */
	uint64_t graph_requests; /* FETCH_GRAPH requests answered */
	uint64_t io_cpu_ns;	 /* CPU time of the client's I/O thread so far (serving chunks,
				  * submitting, taking results); 0 where it cannot be read */
};
void tl_client_stats(struct tl_client *c, struct tl_stats *st);

void tl_client_free(struct tl_client *c);

#endif

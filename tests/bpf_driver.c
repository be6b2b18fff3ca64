/* SPDX-License-Identifier: MIT */
/*
 * Description: fires the container's USDT probes (runtime/container/probes.h)
 * with known values, on command, so that bpf/tasklet.bpf.c and `tasklet top`
 * are tested exactly (tests/integration/test_bpf.c) and their cost measured
 * (bpf/cost.sh).
 *
 *   bpf_driver [--name NAME] [--fifo PATH]
 *	reads commands, one a line, from PATH (else stdin) and answers each
 *	with one line on stdout:
 *	  enqueue W C DEPTH ID          ok
 *	  dequeue W C DEPTH ID WAIT_NS  ok
 *	  start W C ID                  ok
 *	  end W C ID STATUS RUN_NS      ok
 *	  depth W PRIO ECON             ok     (one tasklet:depth snapshot)
 *	  ticker N                      ok     then, like the container's I/O thread,
 *	       every 100 ms a tasklet:depth sweep of workers 0..N-1 with the depths
 *	       last passed in an enqueue, dequeue or depth command
 *	  sems                          sems ENQ DEQ START END DEPTH (semaphore values)
 *	  quit                          bye, and exit 0
 *	--name only puts a name on the command line for `tasklet top --pid`.
 *
 *   bpf_driver --bench N [--wait-attached] [--runs R]
 *	times N enqueue+dequeue pairs through a small ring with the probe sites
 *	(and the runtime's semaphore-gated enqueue stamp), R times (default 7),
 *	and prints "bench pairs N min X median Y ns/pair"; --wait-attached first
 *	waits (10 s at most) until tasklet:enqueue and tasklet:dequeue are attached.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/container/probes.h"

#define MAXW 1024

static unsigned depths[MAXW][2]; /* what the driver last told the probes */
static unsigned nticker;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_depth(unsigned w, unsigned c, unsigned d)
{
	if (w < MAXW && c < 2)
		__atomic_store_n(&depths[w][c], d, __ATOMIC_RELAXED);
}

static void *ticker(void *arg)
{
	for (;;) {
		unsigned n = __atomic_load_n(&nticker, __ATOMIC_RELAXED);

		for (unsigned w = 0; w < n && w < MAXW; w++)
			RT_PROBE_DEPTH(w, __atomic_load_n(&depths[w][0], __ATOMIC_RELAXED),
				       __atomic_load_n(&depths[w][1], __ATOMIC_RELAXED));
		usleep(100000);
	}
	return NULL;
}

static unsigned sem(int k)
{
#ifdef RT_HAVE_SDT
	volatile unsigned short *s[] = {&tasklet_enqueue_semaphore, &tasklet_dequeue_semaphore,
					&tasklet_run_start_semaphore, &tasklet_run_end_semaphore,
					&tasklet_depth_semaphore};

	return *s[k];
#else
	(void)k;
	return 0;
#endif
}

/* ---- the micro benchmark: a ring as small as a worker's queue ---- */

#define RING 1024
static struct {
	uint64_t id[RING], t_ns[RING];
	unsigned head, tail;
	uint64_t sum;
} ring;

/*
 * Push 8, then pop 8, like a worker that drains bursts, through a
 * single-producer single-consumer ring whose indices are atomics (as in the
 * container's lock-free queues, so neither build can merge the 8 updates).
 * noinline: the loop around it cannot be folded away without probes.
 */
__attribute__((noinline)) static void burst(uint64_t base)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned tail = __atomic_load_n(&ring.tail, __ATOMIC_RELAXED);
		unsigned slot = tail & (RING - 1);

		ring.id[slot] = base + i;
		ring.t_ns[slot] = RT_PROBE_ENABLED(dequeue) ? now_ns() : 0;
		__atomic_store_n(&ring.tail, tail + 1, __ATOMIC_RELEASE);
		RT_PROBE_ENQUEUE(0, 1, tail + 1 - __atomic_load_n(&ring.head, __ATOMIC_RELAXED),
				 base + i);
	}
	for (unsigned i = 0; i < 8; i++) {
		unsigned head = __atomic_load_n(&ring.head, __ATOMIC_RELAXED);
		unsigned tail = __atomic_load_n(&ring.tail, __ATOMIC_ACQUIRE);
		unsigned slot = head & (RING - 1);
		uint64_t id = ring.id[slot];
		uint64_t t __attribute__((unused)) = ring.t_ns[slot];

		if (head == tail)
			break;
		__atomic_store_n(&ring.head, head + 1, __ATOMIC_RELEASE);
		ring.sum += id; /* the consumer's work */
		RT_PROBE_DEQUEUE(0, 1, tail - head - 1, id, t ? now_ns() - t : 0);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int bench(unsigned long long n, int runs, int wait_attached)
{
	uint64_t r[32];

	if (wait_attached) {
		for (int i = 0; i < 1000 && !(sem(0) && sem(1)); i++)
			usleep(10000);
		if (!(sem(0) && sem(1))) {
			fprintf(stderr,
				"bpf_driver: tasklet:enqueue/dequeue not attached after 10 s\n");
			return 1;
		}
	}
	if (runs < 1 || runs > 32)
		runs = 7;
	for (int k = 0; k < runs; k++) {
		uint64_t t0 = now_ns();

		for (unsigned long long i = 0; i < n; i += 8)
			burst(i);
		r[k] = now_ns() - t0;
	}
	qsort(r, (size_t)runs, sizeof(r[0]), cmp_u64);
	printf("bench pairs %llu min %.2f median %.2f ns/pair\n", n, (double)r[0] / (double)n,
	       (double)r[runs / 2] / (double)n);
	return 0;
}

static int serve(FILE *in)
{
	char line[256];
	pthread_t th;
	int have_ticker = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", (int)getpid());
	while (fgets(line, sizeof(line), in)) {
		unsigned w, c, d, p, e, st, n;
		unsigned long long id, ns;

		if (sscanf(line, "enqueue %u %u %u %llu", &w, &c, &d, &id) == 4) {
			set_depth(w, c, d);
			RT_PROBE_ENQUEUE(w, c, d, id);
		} else if (sscanf(line, "dequeue %u %u %u %llu %llu", &w, &c, &d, &id, &ns) == 5) {
			set_depth(w, c, d);
			RT_PROBE_DEQUEUE(w, c, d, id, ns);
		} else if (sscanf(line, "start %u %u %llu", &w, &c, &id) == 3) {
			RT_PROBE_RUN_START(w, c, id);
		} else if (sscanf(line, "end %u %u %llu %u %llu", &w, &c, &id, &st, &ns) == 5) {
			RT_PROBE_RUN_END(w, c, id, st, ns);
		} else if (sscanf(line, "depth %u %u %u", &w, &p, &e) == 3) {
			set_depth(w, 0, p);
			set_depth(w, 1, e);
			RT_PROBE_DEPTH(w, p, e);
		} else if (sscanf(line, "ticker %u", &n) == 1) {
			__atomic_store_n(&nticker, n, __ATOMIC_RELAXED);
			if (!have_ticker && pthread_create(&th, NULL, ticker, NULL) == 0) {
				pthread_detach(th);
				have_ticker = 1;
			}
		} else if (!strncmp(line, "sems", 4)) {
			printf("sems %u %u %u %u %u\n", sem(0), sem(1), sem(2), sem(3), sem(4));
			continue;
		} else if (!strncmp(line, "quit", 4)) {
			printf("bye\n");
			return 0;
		} else {
			printf("error: unknown command: %s", line);
			continue;
		}
		printf("ok\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *fifo = NULL;
	unsigned long long n = 0;
	int runs = 7, wait_attached = 0, rc;
	FILE *in = stdin;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fifo") && i + 1 < argc)
			fifo = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			i++;
		else if (!strcmp(argv[i], "--bench") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--wait-attached"))
			wait_attached = 1;
		else {
			fprintf(stderr, "usage: bpf_driver [--name NAME] [--fifo PATH] | "
					"--bench N [--runs R] [--wait-attached]\n");
			return 2;
		}
	}
	if (n)
		return bench(n, runs, wait_attached);
	if (fifo) {
		in = fopen(fifo, "re");
		if (!in) {
			perror(fifo);
			return 1;
		}
	}
	rc = serve(in);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* The integration suites' fixture: real daemons, a client, calibrated Tasklets (fixture.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "common/clock.h"
#include "cxp/cxp.h"
#include "tests/integration/fixture.h"
#include "tests/tl_test.h"
#include "vm/jsl.h"
#include "vm/vm.h"

/* A trader on an ephemeral port; its address in p->line. --verbose: the tests
 * read its placements ("tasklet ID -> container NAME") from its log. */
int tf_start_trader(const char *dir, struct tp_proc *p, const char *name, const char *const *opts)
{
	char *argv[24] = { (char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0",
			   "--verbose" };
	int n = 5;

	for (; opts && *opts && n < 22; opts++)
		argv[n++] = (char *)*opts;
	argv[n] = NULL;
	if (tp_start(p, dir, name, NULL, argv) < 0 || tp_first_line(p, 15000) < 0)
		return -1;
	return 0;
}

/* A container registered with trader t: extra options in opts (NULL-terminated).
 * --verbose: the tests read its admissions and runs from its log. */
int tf_start_container(const char *dir, struct tp_proc *p, struct tp_proc *t, const char *name,
		       const char *const *opts)
{
	char *argv[32] = { (char *)tl_test_bin(), "container", "--trader", t->line, "--name",
			   (char *)name, "--verbose" };
	char pat[96];
	int n = 7;

	for (; opts && *opts && n < 30; opts++)
		argv[n++] = (char *)*opts;
	argv[n] = NULL;
	if (tp_start(p, dir, name, NULL, argv) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "container %s registered", name);
	return tp_wait_log(t, pat, 20000);
}

struct tl_client *tf_client(const struct tp_proc *t)
{
	struct tl_options o = { .trader = t->line };
	char err[256];
	struct tl_client *c = tl_client_new(&o, err, sizeof(err));

	if (!c)
		fprintf(stderr, "\ntl_client_new: %s\n", err);
	return c;
}

/* A Tasklet that loops n times and returns tag. */
int tf_submit_loop(struct tl_client *c, int prio, long n, int tag, uint64_t *id)
{
	char src[256], err[256];
	int rc;

	snprintf(src, sizeof(src),
		 "%slet i = 0;\nwhile (i < %ld) { i = i + 1; }\n%d;\n",
		 prio ? "@QOS Priority('True');\n" : "", n, tag);
	rc = tl_submit_source(c, "loop.jsl", src, strlen(src), id, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "\nsubmit: %s\n", err);
	return rc;
}

/* How many loop iterations take about ms milliseconds here (measured once). */
long tf_iters_for_ms(int ms)
{
	static double per_ms;

	if (!per_ms) {
		struct vm_store *st = vm_store_new(0);
		static const char src[] = "let i = 0;\nwhile (i < 2000000) { i = i + 1; }\ni;\n";
		struct vm_limits lim = { 0 };
		struct vm_result r = { 0 };
		char err[256];
		uint64_t root, t0;

		if (!st || jsl_compile(st, "cal.jsl", src, sizeof(src) - 1, &root, err, sizeof(err)))
			return 100000L * ms;
		/* The fastest of three runs: the first one pays for cold pages (a
		 * sanitizer's shadow memory especially), which made the Tasklets of
		 * these tests much shorter than they asked for. */
		for (int k = 0; k < 3; k++) {
			double v;

			t0 = clock_now_ns();
			vm_run(st, root, &lim, &r);
			v = 2000000.0 / ((double)(clock_now_ns() - t0) / 1e6);
			if (v > per_ms)
				per_ms = v;
			vm_result_free(&r);
			r = (struct vm_result){ 0 };
		}
		vm_store_free(st);
	}
	return (long)(per_ms * ms) + 1;
}

/*
 * Wait for each of id[0..n) (30 s each; a missing answer fails the test);
 * returns how many ended OK, printing the others' errors, and counts in
 * *on_a and *on_b those that ran on containers a and b (NULL: not counted).
 */
int tf_wait_all(struct tl_client *cl, const uint64_t *id, int n, const char *a, int *on_a,
		const char *b, int *on_b)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		struct tl_result r;

		CU_ASSERT_EQUAL_FATAL(tl_wait(cl, id[i], &r, 30000), 0);
		ok += r.status == TL_OK;
		if (a && on_a)
			*on_a += !strcmp(r.container, a);
		if (b && on_b)
			*on_b += !strcmp(r.container, b);
		if (r.status != TL_OK)
			fprintf(stderr, "\n%s: %s\n", tl_status_name(r.status), r.error);
		tl_result_free(&r);
	}
	return ok;
}

int tf_stop_ok(struct tp_proc *p)
{
	int st = tp_stop(p, SIGTERM, 10000);
	int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && tp_log_count(p, "Sanitizer") == 0;

	if (!ok) {
		char cmd[400];

		fprintf(stderr, "\n%s: status 0x%x; the end of its log:\n", p->log, st);
		snprintf(cmd, sizeof(cmd), "tail -n 40 '%s' >&2", p->log);
		if (system(cmd) != 0)
			fprintf(stderr, "(cannot show it)\n");
	}
	return ok;
}

int tf_submit_src(struct tl_client *c, const char *src, uint64_t *id)
{
	char err[256];
	int rc = tl_submit_source(c, "q.jsl", src, strlen(src), id, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "\nsubmit: %s\n", err);
	return rc;
}

int tf_run_one(struct tl_client *c, const char *src, struct tl_result *r)
{
	uint64_t id;

	if (tf_submit_src(c, src, &id) < 0)
		return -1;
	return tl_wait(c, id, r, 20000);
}


int tf_listen(const char *ip, char *addr, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(addr, cap, "%s:%u", ip, ntohs(sa.sin_port));
	return fd;
}

int tf_send_frame(int fd, uint8_t type, uint64_t reqid, const void *p, size_t len)
{
	struct cxp_hdr h = { .type = type, .len = (uint32_t)len, .reqid = reqid };
	uint8_t hb[CXP_HDR_SIZE];

	cxp_hdr_encode(&h, hb);
	if (write(fd, hb, sizeof(hb)) != (ssize_t)sizeof(hb))
		return -1;
	return len && write(fd, p, len) != (ssize_t)len ? -1 : 0;
}

/* ---- Both modes ---------------------------------------------------------- */

const char *tf_pem(const char *dir, const char *name, const char *ext)
{
	static char buf[8][320];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s.%s", dir, name, ext);
	return buf[k];
}

static int cert_cmd(const char *dir, const char *ca, const char *name)
{
	char cab[300], out[1024], err[1024];
	char *a[] = {(char *)tl_test_bin(),
		     "cert",
		     ca ? "issue" : "ca",
		     "--name",
		     (char *)name,
		     "--out",
		     (char *)dir,
		     ca ? "--ca" : NULL,
		     cab,
		     NULL};
	int rc;

	snprintf(cab, sizeof(cab), "%s/%s", dir, ca ? ca : "");
	rc = tp_run(a, NULL, out, sizeof(out), err, sizeof(err), 20000);
	if (rc != 0)
		fprintf(stderr, "\ntasklet cert %s %s: exit %d: %s\n", ca ? "issue" : "ca", name,
			rc, err);
	return rc == 0 ? 0 : -1;
}

int tf_pki(const char *dir)
{
	static const char *const issued[][2] = {{"clusterca", "trader"},    {"clusterca", "c1"},
						{"clusterca", "c2"},	    {"clusterca", "app"},
						{"clusterca", "elsewhere"}, {"foreignca", "spy"}};
	char ca[300], imp[300], e[256];
	time_t now = time(NULL);

	if (cert_cmd(dir, NULL, "clusterca") < 0 || cert_cmd(dir, NULL, "foreignca") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(issued) / sizeof(issued[0]); i++)
		if (cert_cmd(dir, issued[i][0], issued[i][1]) < 0)
			return -1;
	snprintf(ca, sizeof(ca), "%s/clusterca", dir);
	{
		struct cxp_cert_spec sp = {.name = "expired",
					   .out_dir = dir,
					   .ca = ca,
					   .not_before = now - 10 * 86400,
					   .not_after = now - 86400};

		if (cxp_cert_make(&sp, e, sizeof(e)) < 0) {
			fprintf(stderr, "\nexpired certificate: %s\n", e);
			return -1;
		}
	}
	/* The impostor: a self-made CA that calls itself clusterca, in a
	 * folder of its own, issuing "impostor" (what a forger would present). */
	snprintf(imp, sizeof(imp), "%s/imp", dir);
	if (mkdir(imp, 0700) < 0 && errno != EEXIST)
		return -1;
	if (cert_cmd(imp, NULL, "clusterca") < 0 || cert_cmd(imp, "clusterca", "impostor") < 0)
		return -1;
	return 0;
}

void tf_mode_opts(enum tf_mode m, const char *dir, const char *ident, char **argv, int *n, int cap)
{
	if (m == TF_SECURE && *n + 7 <= cap) {
		argv[(*n)++] = "--cert";
		argv[(*n)++] = (char *)tf_pem(dir, ident, "crt");
		argv[(*n)++] = "--key";
		argv[(*n)++] = (char *)tf_pem(dir, ident, "key");
		argv[(*n)++] = "--ca";
		argv[(*n)++] = (char *)tf_pem(dir, "clusterca", "crt");
	}
	argv[*n < cap ? *n : cap - 1] = NULL;
}

int tf_start_trader_m(enum tf_mode m, const char *dir, struct tp_proc *p, const char *name,
		      const char *const *opts)
{
	char *o[24];
	int n = 0;

	tf_mode_opts(m, dir, "trader", o, &n, 24);
	for (; opts && *opts && n < 23; opts++)
		o[n++] = (char *)*opts;
	o[n] = NULL;
	return tf_start_trader(dir, p, name, (const char *const *)o);
}

int tf_start_container_m(enum tf_mode m, const char *dir, struct tp_proc *p, struct tp_proc *t,
			 const char *name, const char *const *opts)
{
	char *argv[32] = { (char *)tl_test_bin(), "container", "--trader", t->line, "--verbose" };
	char pat[96];
	int n = 5;

	if (m == TF_OPEN) {
		argv[n++] = "--name";
		argv[n++] = (char *)name;
	}
	tf_mode_opts(m, dir, name, argv, &n, 32);
	for (; opts && *opts && n < 31; opts++)
		argv[n++] = (char *)*opts;
	argv[n] = NULL;
	if (tp_start(p, dir, name, NULL, argv) < 0)
		return -1;
	snprintf(pat, sizeof(pat), "container %s registered", name);
	return tp_wait_log(t, pat, 20000);
}

int tf_run_m(enum tf_mode m, const char *dir, const struct tp_proc *t, const char *file,
	     const char *const *opts, char *out, size_t outcap, char *err, size_t errcap)
{
	char *argv[32] = {(char *)tl_test_bin(), "run", "--trader", (char *)t->line};
	int n = 4;

	tf_mode_opts(m, dir, "app", argv, &n, 32);
	for (; opts && *opts && n < 30; opts++)
		argv[n++] = (char *)*opts;
	argv[n++] = (char *)file;
	argv[n] = NULL;
	return tp_run(argv, NULL, out, outcap, err, errcap, 30000);
}

/* A blocking mbedTLS client on a socket (the hostile peer's TLS). */
struct tf_tls {
	int fd;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt own, ca;
	mbedtls_pk_context key;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
};

static int tt_send(void *ctx, const unsigned char *b, size_t n)
{
	struct tf_tls *t = ctx;
	ssize_t r = send(t->fd, b, n, MSG_NOSIGNAL);

	if (r < 0)
		return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
	return (int)r;
}

static int tt_recv(void *ctx, unsigned char *b, size_t n)
{
	struct tf_tls *t = ctx;
	ssize_t r = recv(t->fd, b, n, 0);

	if (r < 0)
		return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
	return r == 0 ? MBEDTLS_ERR_NET_CONN_RESET : (int)r;
}

static void tt_free(struct tf_tls *t)
{
	if (!t)
		return;
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_pk_free(&t->key);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_x509_crt_free(&t->own);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->ent);
	free(t);
}

/* TLS as ident over fd (handshake done): the state, or NULL (reason on stderr). */
static struct tf_tls *tt_open(int fd, const char *dir, const char *ident)
{
	struct tf_tls *t = calloc(1, sizeof(*t));
	char e[160];
	int ret;

	if (!t)
		return NULL;
	t->fd = fd;
	mbedtls_entropy_init(&t->ent);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_x509_crt_init(&t->own);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_pk_init(&t->key);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_ssl_init(&t->ssl);
	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->ent, NULL, 0);
	if (!ret)
		ret = mbedtls_x509_crt_parse_file(&t->own, tf_pem(dir, ident, "crt"));
	if (!ret)
		ret = mbedtls_pk_parse_keyfile(&t->key, tf_pem(dir, ident, "key"), NULL);
	if (!ret)
		ret = mbedtls_x509_crt_parse_file(&t->ca, tf_pem(dir, "clusterca", "crt"));
	if (!ret)
		ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
						  MBEDTLS_SSL_TRANSPORT_STREAM,
						  MBEDTLS_SSL_PRESET_DEFAULT);
	if (!ret) {
		mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
		/* a hostile peer does not care who the server is */
		mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
		mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
		ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->own, &t->key);
	}
	if (!ret)
		ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
	if (!ret) {
		mbedtls_ssl_set_bio(&t->ssl, t, tt_send, tt_recv, NULL);
		do
			ret = mbedtls_ssl_handshake(&t->ssl);
		while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	}
	if (ret) {
		mbedtls_strerror(ret, e, sizeof(e));
		fprintf(stderr, "\nTLS as %s: %s\n", ident, e);
		tt_free(t);
		return NULL;
	}
	return t;
}

int tf_peer_open(struct tf_peer *p, const char *addr, const char *dir, const char *ident)
{
	struct sockaddr_storage ss;
	struct timeval tv = {.tv_sec = 10};
	unsigned sl;

	p->fd = -1;
	p->tls = NULL;
	if (cxp_addr_parse(addr, &ss, &sl) < 0)
		return -1;
	p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -1;
	setsockopt(p->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(p->fd, (struct sockaddr *)&ss, sl) < 0 ||
	    (ident && !(p->tls = tt_open(p->fd, dir, ident)))) {
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	return 0;
}

int tf_peer_open_m(struct tf_peer *p, enum tf_mode m, const char *addr, const char *dir,
		   const char *ident)
{
	return tf_peer_open(p, addr, dir, m == TF_SECURE ? ident : NULL);
}

int tf_peer_send(struct tf_peer *p, const void *b, size_t n)
{
	const uint8_t *q = b;

	while (n) {
		ssize_t r;

		if (p->tls) {
			r = mbedtls_ssl_write(&((struct tf_tls *)p->tls)->ssl, q, n);
			if (r == MBEDTLS_ERR_SSL_WANT_WRITE || r == MBEDTLS_ERR_SSL_WANT_READ)
				continue;
		} else {
			r = send(p->fd, q, n, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR)
				continue;
		}
		if (r <= 0)
			return -1;
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

int tf_peer_send_frame(struct tf_peer *p, uint8_t type, uint64_t reqid, const void *payload,
		       size_t len)
{
	struct cxp_hdr h = {.type = type, .len = (uint32_t)len, .reqid = reqid};
	uint8_t hb[CXP_HDR_SIZE];

	cxp_hdr_encode(&h, hb);
	if (tf_peer_send(p, hb, sizeof(hb)) < 0)
		return -1;
	return len ? tf_peer_send(p, payload, len) : 0;
}

int tf_peer_closed_within(struct tf_peer *p, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;
	char b[4096];

	for (;;) {
		struct pollfd pf = {.fd = p->fd, .events = POLLIN};
		int64_t left = (int64_t)(end - clock_now_ms());
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
			return 0;
		n = recv(p->fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
	}
}

void tf_peer_close(struct tf_peer *p)
{
	tt_free(p->tls);
	p->tls = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

long tf_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int tf_nfds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int tf_wait_fds_at_most(pid_t pid, int n, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	do {
		int k = tf_nfds(pid);

		if (k >= 0 && k <= n)
			return 0;
		usleep(20000);
	} while (clock_now_ms() < end);
	return -1;
}

int tf_wait_rss_at_most(pid_t pid, long kib, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	do {
		long k = tf_rss_kib(pid);

		if (k >= 0 && k <= kib)
			return 0;
		usleep(20000);
	} while (clock_now_ms() < end);
	return -1;
}

/* Accept (and close) connections on listening fd for ms: how many arrived. */
int tf_count_accepts(int fd, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;
	int n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - clock_now_ms());

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return n;
		int a = accept(fd, NULL, NULL);

		if (a >= 0) {
			close(a);
			n++;
		}
	}
}

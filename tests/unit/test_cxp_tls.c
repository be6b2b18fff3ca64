/* SPDX-License-Identifier: MIT */
/* Description: CXP over TLS on real sockets: round trips, mutual auth, every refusal, tasklet cert. */
/*
 * The suite makes its certificates once (cxp_cert_make) in a temporary
 * directory: a cluster CA and a foreign CA, a "trader" and a "c1"
 * certificate from the cluster CA, a "rogue" one from the foreign CA, and
 * an "old" one from the cluster CA that expired yesterday. Each refusal
 * test then checks what a user would see: the handshake fails with the
 * right error for the client, the log names the reason, the server's
 * handlers never saw the peer, and the server still serves a good client.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mbedtls/x509_crt.h>

#include "cxp/cxp.h"
#include "tests/tl_test.h"
#include "tests/unit/cxp_test_net.h"
#include "tests/unit/cxp_test_util.h"

static char dir[128];

static const char *path(const char *name, const char *ext)
{
	static char buf[8][256];
	static int k;
	char *p = buf[k++ % 8];

	snprintf(p, 256, "%s/%s.%s", dir, name, ext);
	return p;
}

static int make_cert(const char *name, const char *ca, time_t nb, time_t na)
{
	char base[200], err[256];
	struct cxp_cert_spec s = { .name = name, .out_dir = dir, .not_before = nb, .not_after = na };

	if (ca) {
		snprintf(base, sizeof(base), "%s/%s", dir, ca);
		s.ca = base;
	}
	if (cxp_cert_make(&s, err, sizeof(err)) < 0) {
		fprintf(stderr, "cxp_cert_make %s: %s\n", name, err);
		return -1;
	}
	return 0;
}

static int suite_init(void)
{
	time_t now = time(NULL);

	snprintf(dir, sizeof(dir), "/tmp/tl-cxp-tls-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (make_cert("clusterCA", NULL, 0, 0) || make_cert("otherCA", NULL, 0, 0) ||
	    make_cert("trader", "clusterCA", 0, 0) || make_cert("c1", "clusterCA", 0, 0) ||
	    make_cert("rogue", "otherCA", 0, 0) ||
	    make_cert("old", "clusterCA", now - 30 * 86400, now - 86400))
		return -1;
	return 0;
}

static int suite_clean(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Credentials: own certificate NAME (NULL: none), trusting CA, requiring a peer certificate. */
static struct cxp_tls *creds(const char *name, const char *ca, int require)
{
	struct cxp_tls_config cfg = { .nca = 1, .require_peer_cert = require };
	char err[256];
	struct cxp_tls *t;

	if (name) {
		cfg.cert_file = path(name, "crt");
		cfg.key_file = path(name, "key");
	}
	cfg.ca_files[0] = path(ca, "crt");
	t = cxp_tls_new(&cfg, err, sizeof(err));
	if (!t)
		fprintf(stderr, "\ncxp_tls_new: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

/* ---- A TLS client on the test thread -------------------------------------- */

#define SIZES_N 16
static const uint32_t sizes[SIZES_N] = {
	0, 1, 15, 16, 17, 255, 4096, 16383, 16384, 16385, 65535, 65536, 100000,
	1u << 20, CXP_MAX_PAYLOAD - 1, CXP_MAX_PAYLOAD,
};

struct tcli {
	struct cxp_loop *l;
	int nconnect, connect_res, nclose, close_reason;
	int want, got, bad, cert_ret;
	char cn[64], ca_cn[64];
	uint8_t *buf;
};

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t k = 0; k < n; k++)
		p[k] = (uint8_t)(seed * 131 + k * 7 + (k >> 12));
}

static void tcli_connect(struct cxp_conn *c, int res, void *ud)
{
	struct tcli *t = ud;

	t->nconnect++;
	t->connect_res = res;
	if (res == 0) {
		t->cert_ret = cxp_conn_peer_cert(c, t->cn, sizeof(t->cn), t->ca_cn,
						 sizeof(t->ca_cn));
		CU_ASSERT_STRING_EQUAL(cxp_conn_transport(c), "tls");
	}
	if (res == 0 && !t->want)
		cxp_loop_stop(t->l);
}

static int tcli_frame(struct cxp_conn *c, const struct cxp_hdr *h, const uint8_t *p, void *ud)
{
	struct tcli *t = ud;
	int i = t->got++;

	if (h->reqid != (uint64_t)i || h->len != sizes[i % SIZES_N]) {
		t->bad++;
	} else {
		fill(t->buf, h->len, (unsigned)i);
		t->bad += memcmp(p, t->buf, h->len) != 0;
	}
	if (t->got == t->want)
		cxp_loop_stop(t->l);
	return 0;
}

static void tcli_close(struct cxp_conn *c, int reason, void *ud)
{
	struct tcli *t = ud;

	t->nclose++;
	t->close_reason = reason;
	cxp_loop_stop(t->l);
}

static const struct cxp_handlers tcli_handlers = {
	.on_connect = tcli_connect, .on_frame = tcli_frame, .on_close = tcli_close,
};

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

static void run_bounded(struct cxp_loop *l)
{
	static struct guard g;

	g.l = l;
	g.fired = 0;
	CU_ASSERT_EQUAL_FATAL(cxp_loop_timer(l, NET_WAIT_MS, guard_fire, &g), 0);
	CU_ASSERT_EQUAL(cxp_loop_run(l), 0);
	CU_ASSERT_EQUAL(g.fired, 0);
}

/*
 * Connect with credentials cli (expecting the server's CN expect_cn, or
 * NULL), send nframes echo frames (0: just connect), run until done or
 * closed. Returns the on_connect result; the client state is in *t.
 */
static int tls_attempt(const char *addr, struct cxp_tls *cli, const char *expect_cn,
		       int nframes, struct tcli *t)
{
	struct cxp_conn *c;

	memset(t, 0, sizeof(*t));
	t->want = nframes;
	t->buf = malloc(CXP_MAX_PAYLOAD);
	t->l = cxp_loop_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->l);
	c = cxp_connect_tls(t->l, addr, cli, expect_cn, &tcli_handlers, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (int i = 0; i < nframes; i++) {
		fill(t->buf, sizes[i % SIZES_N], (unsigned)i);
		CU_ASSERT_EQUAL(cxp_send(c, CXP_MSG_CHUNKS, (uint64_t)i, t->buf,
					 sizes[i % SIZES_N]), 0);
	}
	run_bounded(t->l);
	cxp_loop_free(t->l);
	free(t->buf);
	t->buf = NULL;
	CU_ASSERT_EQUAL(t->nconnect, 1);
	return t->connect_res;
}

/* A good client (c1) still gets through to the server at addr. */
static void check_tls_serves(const char *addr)
{
	struct cxp_tls *cli = creds("c1", "clusterCA", 0);
	struct tcli t;

	CU_ASSERT_EQUAL(tls_attempt(addr, cli, "trader", 3, &t), 0);
	CU_ASSERT_EQUAL(t.got, 3);
	CU_ASSERT_EQUAL(t.bad, 0);
	cxp_tls_free(cli);
}

/* ---- Tests ---------------------------------------------------------------- */

static void test_round_trip(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 1), *ct = creds("c1", "clusterCA", 0);
	struct nsrv *s = nsrv_start(st, NULL);
	struct tcli t;

	/* every size twice, the 4 MiB maximum included, queued before the handshake */
	CU_ASSERT_EQUAL(tls_attempt(s->addr, ct, "trader", 2 * SIZES_N, &t), 0);
	CU_ASSERT_EQUAL(t.got, 2 * SIZES_N);
	CU_ASSERT_EQUAL(t.bad, 0);
	CU_ASSERT_EQUAL(t.nclose, 1); /* by cxp_loop_free */
	/* each side saw the other's verified certificate and the CA it chains to */
	CU_ASSERT_EQUAL(t.cert_ret, 0);
	CU_ASSERT_STRING_EQUAL(t.cn, "trader");
	CU_ASSERT_STRING_EQUAL(t.ca_cn, "clusterCA");
	CU_ASSERT(net_wait_for(&s->accepted, 1));
	pthread_mutex_lock(&s->mu);
	CU_ASSERT_EQUAL(s->cert_ret, 0);
	CU_ASSERT_STRING_EQUAL(s->cn, "c1");
	CU_ASSERT_STRING_EQUAL(s->ca_cn, "clusterCA");
	pthread_mutex_unlock(&s->mu);
	CU_ASSERT_EQUAL(atomic_load(&s->frames), 2 * SIZES_N);
	nsrv_stop(s);
	cxp_tls_free(ct);
	cxp_tls_free(st);
}

/*
 * One refused handshake: the client cli (server CN expect_cn) against s:
 * on_connect reports an error (want_res, or any error when 0), the log says
 * want_log, the server's handlers never saw the peer, and it serves c1 next.
 */
static void expect_refused(struct nsrv *s, struct cxp_tls *cli, const char *expect_cn,
			   int want_res, const char *want_log)
{
	int accepted = atomic_load(&s->accepted);
	struct cxp_loop_stats st0 = nsrv_stats(s), st1;
	struct tcli t;
	char *log;
	int res;

	capture_start();
	res = tls_attempt(s->addr, cli, expect_cn, 1, &t);
	if (want_res)
		CU_ASSERT_EQUAL(res, want_res);
	CU_ASSERT(res < 0);
	CU_ASSERT_EQUAL(t.nclose, 1);
	CU_ASSERT_EQUAL(t.got, 0);
	/* the server side has failed too (its own log line) once its counter moved */
	for (uint64_t end = net_now_ms() + NET_WAIT_MS; net_now_ms() < end;) {
		st1 = nsrv_stats(s);
		if (st1.tls_failures > st0.tls_failures || want_res == -EKEYREJECTED ||
		    want_res == -EKEYEXPIRED)
			break;
		usleep(1000);
	}
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "TLS handshake failed"));
	if (!strstr(log, want_log))
		fprintf(stderr, "\nexpected in the log: %s\n", want_log);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, want_log));
	free(log);
	CU_ASSERT_EQUAL(atomic_load(&s->accepted), accepted);
	check_tls_serves(s->addr);
}

static void test_refusals(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 1);
	struct cxp_tls *rogue = creds("rogue", "clusterCA", 0);
	struct cxp_tls *old = creds("old", "clusterCA", 0);
	struct cxp_tls *nocert = creds(NULL, "clusterCA", 0);
	struct cxp_tls *wrongca = creds("c1", "otherCA", 0);
	struct cxp_tls *c1 = creds("c1", "clusterCA", 0);
	struct nsrv *s = nsrv_start(st, NULL);

	/* a client certificate from a foreign CA */
	expect_refused(s, rogue, "trader", 0,
		       "the peer's certificate for rogue is refused: The certificate is not "
		       "correctly signed by the trusted CA");
	/* an expired client certificate from the right CA */
	expect_refused(s, old, "trader", 0,
		       "the peer's certificate for old is refused: The certificate validity has "
		       "expired");
	/* no client certificate where one is required */
	expect_refused(s, nocert, "trader", 0, "the client presented no certificate");
	/* the client does not trust the server's CA */
	expect_refused(s, wrongca, "trader", -EKEYREJECTED,
		       "the peer's certificate for trader is refused: The certificate is not "
		       "correctly signed by the trusted CA");
	/* the server is not the one the client expects */
	expect_refused(s, c1, "c7", -EKEYREJECTED, "Common Name (CN) does not match");
	nsrv_stop(s);
	/* a server whose certificate expired: the client says so (EKEYEXPIRED) */
	{
		struct cxp_tls *oldsrv = creds("old", "clusterCA", 1);
		struct tcli t;
		char *log;

		s = nsrv_start(oldsrv, NULL);
		capture_start();
		CU_ASSERT_EQUAL(tls_attempt(s->addr, c1, NULL, 1, &t), -EKEYEXPIRED);
		log = capture_end(true);
		CU_ASSERT_PTR_NOT_NULL(strstr(log, "the peer's certificate for old is refused: The "
						   "certificate validity has expired"));
		free(log);
		CU_ASSERT_EQUAL(atomic_load(&s->accepted), 0);
		nsrv_stop(s);
		cxp_tls_free(oldsrv);
	}
	cxp_tls_free(c1);
	cxp_tls_free(wrongca);
	cxp_tls_free(nocert);
	cxp_tls_free(old);
	cxp_tls_free(rogue);
	cxp_tls_free(st);
}

static void test_optional_client_cert(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 0);
	struct cxp_tls *nocert = creds(NULL, "clusterCA", 0);
	struct cxp_tls *rogue = creds("rogue", "clusterCA", 0);
	struct nsrv *s = nsrv_start(st, NULL);
	struct tcli t;

	/* without a certificate: accepted, and the server knows it has no name */
	CU_ASSERT_EQUAL(tls_attempt(s->addr, nocert, NULL, 2, &t), 0);
	CU_ASSERT_EQUAL(t.got, 2);
	CU_ASSERT_STRING_EQUAL(t.ca_cn, "clusterCA");
	CU_ASSERT(net_wait_for(&s->accepted, 1));
	pthread_mutex_lock(&s->mu);
	CU_ASSERT_EQUAL(s->cert_ret, -ENOKEY);
	pthread_mutex_unlock(&s->mu);
	/* a certificate that does not verify is still refused */
	expect_refused(s, rogue, NULL, 0, "the peer's certificate for rogue is refused");
	nsrv_stop(s);
	cxp_tls_free(rogue);
	cxp_tls_free(nocert);
	cxp_tls_free(st);
}

static void test_plain_vs_tls(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 1), *c1 = creds("c1", "clusterCA", 0);
	struct nsrv *s = nsrv_start(st, NULL), *p = nsrv_start(NULL, NULL);
	struct cxp_hdr h = { .type = CXP_MSG_SUBMIT, .len = 4, .reqid = 1 };
	uint8_t b[CXP_HDR_SIZE + 4] = { 0 };
	struct tcli t;
	char *log;
	int fd;

	/* a plain CXP peer on the TLS port: closed, with the reason logged */
	capture_start();
	fd = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	cxp_hdr_encode(&h, b);
	CU_ASSERT_EQUAL(net_send(fd, b, sizeof(b)), (ssize_t)sizeof(b));
	CU_ASSERT_EQUAL(net_wait_eof(fd), 0);
	close(fd);
	for (uint64_t end = net_now_ms() + NET_WAIT_MS;
	     nsrv_stats(s).tls_failures < 1 && net_now_ms() < end;)
		usleep(1000);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "the peer speaks plain CXP, not TLS"));
	free(log);
	CU_ASSERT_EQUAL(atomic_load(&s->accepted), 0);
	check_tls_serves(s->addr);

	/* a TLS client on a plain port: the client fails, the server says why */
	capture_start();
	CU_ASSERT(tls_attempt(p->addr, c1, "trader", 1, &t) < 0);
	CU_ASSERT_EQUAL(t.nclose, 1);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "bad magic 0x1603 (a TLS client on a plain CXP port?)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "TLS handshake failed"));
	free(log);
	net_check_serves(p->addr);
	nsrv_stop(p);
	nsrv_stop(s);
	cxp_tls_free(c1);
	cxp_tls_free(st);
}

static void test_silent_peer(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 1);
	struct cxp_limits lim;
	struct nsrv *s;
	uint64_t t0;
	char *log;
	int fd;

	cxp_limits_default(&lim);
	lim.read_timeout_ms = 300;
	s = nsrv_start(st, &lim);
	capture_start();
	fd = net_connect(s->addr, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	t0 = net_now_ms();
	/* says nothing: cut at the read timeout, not held forever */
	CU_ASSERT_EQUAL(net_wait_eof(fd), 0);
	CU_ASSERT(net_now_ms() - t0 >= 300);
	close(fd);
	log = capture_end(true);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "the tls set-up (handshake) did not complete within "
					   "300 ms"));
	free(log);
	CU_ASSERT_EQUAL(nsrv_stats(s).timeouts, 1);
	check_tls_serves(s->addr);
	nsrv_stop(s);
	cxp_tls_free(st);
}

/* ---- Credentials shared by loops on several threads ------------------------ */

#define THREADS 4

struct par {
	struct cxp_tls *cli;
	const char *addr;
	struct tcli t;
	struct guard g;
};

static void *par_main(void *arg)
{
	struct par *p = arg;
	struct cxp_conn *c;

	p->t.want = 2;
	p->t.buf = malloc(CXP_MAX_PAYLOAD);
	p->t.l = cxp_loop_new();
	p->g.l = p->t.l;
	if (!p->t.l || cxp_loop_timer(p->t.l, NET_WAIT_MS, guard_fire, &p->g) < 0)
		return NULL;
	c = cxp_connect_tls(p->t.l, p->addr, p->cli, "trader", &tcli_handlers, &p->t);
	for (int i = 0; c && i < 2; i++) {
		fill(p->t.buf, sizes[i], (unsigned)i);
		cxp_send(c, CXP_MSG_CHUNKS, (uint64_t)i, p->t.buf, sizes[i]);
	}
	cxp_loop_run(p->t.l);
	cxp_loop_free(p->t.l);
	free(p->t.buf);
	return NULL;
}

/* One struct cxp_tls, several client loops on their own threads at once
 * (the handshakes share key contexts: run under TSAN=1 too). */
static void test_shared_credentials(void)
{
	struct cxp_tls *st = creds("trader", "clusterCA", 1), *ct = creds("c1", "clusterCA", 0);
	struct nsrv *s = nsrv_start(st, NULL);
	static struct par p[THREADS];
	pthread_t th[THREADS];

	for (int i = 0; i < THREADS; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].cli = ct;
		p[i].addr = s->addr;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, par_main, &p[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(p[i].t.connect_res, 0);
		CU_ASSERT_EQUAL(p[i].t.got, 2);
		CU_ASSERT_EQUAL(p[i].t.bad, 0);
		CU_ASSERT_EQUAL(p[i].g.fired, 0);
		CU_ASSERT_STRING_EQUAL(p[i].t.cn, "trader");
	}
	CU_ASSERT(net_wait_for(&s->accepted, THREADS));
	nsrv_stop(s);
	cxp_tls_free(ct);
	cxp_tls_free(st);
}

static void test_config_errors(void)
{
	struct cxp_tls_config cfg = { .nca = 1 };
	char err[256];

	/* no CA */
	cfg.nca = 0;
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "trusted CA"));
	/* a missing file is named */
	cfg.nca = 1;
	cfg.ca_files[0] = "/nonexistent/ca.crt";
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ca.crt: cannot read the CA certificate"));
	/* a key where a certificate should be */
	cfg.ca_files[0] = path("clusterCA", "key");
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "clusterCA.key: not a valid CA certificate"));
	/* a key that belongs to another certificate */
	cfg.ca_files[0] = path("clusterCA", "crt");
	cfg.cert_file = path("c1", "crt");
	cfg.key_file = path("trader", "key");
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "trader.key: this key does not belong to the "
					   "certificate"));
	/* a certificate for a key */
	cfg.key_file = path("c1", "crt");
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "c1.crt: not a usable private key"));
	/* half a pair */
	cfg.key_file = NULL;
	CU_ASSERT_PTR_NULL(cxp_tls_new(&cfg, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--cert and --key go together"));
	/* a client-only configuration cannot listen */
	cfg.cert_file = NULL;
	{
		struct cxp_tls *t = cxp_tls_new(&cfg, err, sizeof(err));
		struct cxp_loop *l = cxp_loop_new();

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		CU_ASSERT_EQUAL(cxp_listen_tls(l, "127.0.0.1:0", t, &nsrv_handlers, NULL, NULL, 0),
				-EINVAL);
		cxp_loop_free(l);
		cxp_tls_free(t);
	}
}

/* Run the tasklet binary with args; its exit status (-1 if it did not exit). */
static int run_tasklet(const char *args, const char *logf)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s >'%s' 2>&1", tl_test_bin(), args, logf);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cert_command(void)
{
	char d[160], args[512], logf[200], crt[256], key[256], caf[256], err[256];
	struct cxp_tls_config scfg = { .nca = 1, .require_peer_cert = 1 }, ccfg = { .nca = 1 };
	struct cxp_tls *st, *ct;
	mbedtls_x509_crt ca, leaf;
	uint32_t flags = 1;
	struct nsrv *s;
	struct tcli t;
	struct stat sb;

	if (access(tl_test_bin(), X_OK) < 0) {
		TL_SKIP("no tasklet binary (run through make check)");
		return;
	}
	snprintf(d, sizeof(d), "%s/cmd", dir);
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	snprintf(logf, sizeof(logf), "%s/cert.log", dir);
	snprintf(args, sizeof(args), "cert ca --name e2eCA --out '%s'", d);
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 0);
	snprintf(args, sizeof(args), "cert issue --ca '%s/e2eCA' --name srv --out '%s'", d, d);
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 0);
	snprintf(args, sizeof(args), "cert issue --ca '%s/e2eCA' --name cli --out '%s'", d, d);
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 0);
	/* the files are there; keys are private */
	snprintf(key, sizeof(key), "%s/srv.key", d);
	CU_ASSERT_FATAL(stat(key, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	snprintf(key, sizeof(key), "%s/e2eCA.key", d);
	CU_ASSERT_FATAL(stat(key, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	/* the chain verifies */
	snprintf(caf, sizeof(caf), "%s/e2eCA.crt", d);
	snprintf(crt, sizeof(crt), "%s/srv.crt", d);
	mbedtls_x509_crt_init(&ca);
	mbedtls_x509_crt_init(&leaf);
	CU_ASSERT_EQUAL(mbedtls_x509_crt_parse_file(&ca, caf), 0);
	CU_ASSERT_EQUAL(mbedtls_x509_crt_parse_file(&leaf, crt), 0);
	CU_ASSERT_EQUAL(mbedtls_x509_crt_verify(&leaf, &ca, NULL, "srv", &flags, NULL, NULL), 0);
	CU_ASSERT_EQUAL(flags, 0);
	CU_ASSERT_EQUAL(ca.ca_istrue, 1);
	CU_ASSERT_EQUAL(leaf.ca_istrue, 0);
	mbedtls_x509_crt_free(&leaf);
	mbedtls_x509_crt_free(&ca);
	/* never overwrites; refuses bad names and a missing CA, saying so */
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 1);
	snprintf(args, sizeof(args), "cert issue --ca '%s/e2eCA' --name ../evil --out '%s'", d, d);
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 2);
	snprintf(args, sizeof(args), "cert issue --ca '%s/nope' --name x --out '%s'", d, d);
	CU_ASSERT_EQUAL(run_tasklet(args, logf), 1);
	CU_ASSERT_EQUAL(run_tasklet("cert ca --name x", logf), 2);

	/* and a TLS handshake with them works, both ways authenticated */
	scfg.cert_file = crt;
	snprintf(key, sizeof(key), "%s/srv.key", d);
	scfg.key_file = key;
	scfg.ca_files[0] = caf;
	st = cxp_tls_new(&scfg, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	{
		char ccrt[256], ckey[256];

		snprintf(ccrt, sizeof(ccrt), "%s/cli.crt", d);
		snprintf(ckey, sizeof(ckey), "%s/cli.key", d);
		ccfg.cert_file = ccrt;
		ccfg.key_file = ckey;
		ccfg.ca_files[0] = caf;
		ct = cxp_tls_new(&ccfg, err, sizeof(err));
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ct);
	s = nsrv_start(st, NULL);
	CU_ASSERT_EQUAL(tls_attempt(s->addr, ct, "srv", 2, &t), 0);
	CU_ASSERT_EQUAL(t.got, 2);
	CU_ASSERT_STRING_EQUAL(t.ca_cn, "e2eCA");
	CU_ASSERT(net_wait_for(&s->accepted, 1));
	pthread_mutex_lock(&s->mu);
	CU_ASSERT_STRING_EQUAL(s->cn, "cli");
	CU_ASSERT_STRING_EQUAL(s->ca_cn, "e2eCA");
	pthread_mutex_unlock(&s->mu);
	nsrv_stop(s);
	cxp_tls_free(ct);
	cxp_tls_free(st);
}

static void test_round_trip_(void)
{
	if (net_uring_ok())
		test_round_trip();
}

static void test_refusals_(void)
{
	if (net_uring_ok())
		test_refusals();
}

static void test_optional_client_cert_(void)
{
	if (net_uring_ok())
		test_optional_client_cert();
}

static void test_plain_vs_tls_(void)
{
	if (net_uring_ok())
		test_plain_vs_tls();
}

static void test_silent_peer_(void)
{
	if (net_uring_ok())
		test_silent_peer();
}

static void test_shared_credentials_(void)
{
	if (net_uring_ok())
		test_shared_credentials();
}

static void test_config_errors_(void)
{
	if (net_uring_ok())
		test_config_errors();
}

static void test_cert_command_(void)
{
	if (net_uring_ok())
		test_cert_command();
}

TL_SUITE(u_cxp_tls, suite_init, suite_clean,
	 { "mutual TLS: frames of 0 B .. 4 MiB round trip; both sides see CN and CA CN",
	   test_round_trip_ },
	 { "refused: foreign CA, expired, no client cert, untrusted or expired server, "
	   "wrong CN; server serves on", test_refusals_ },
	 { "optional client certificate: none is accepted (ENOKEY), a bad one refused",
	   test_optional_client_cert_ },
	 { "plain CXP to a TLS port and TLS to a plain port: closed with the reason",
	   test_plain_vs_tls_ },
	 { "a silent peer on a TLS port is cut at the read timeout", test_silent_peer_ },
	 { "one set of credentials shared by client loops on four threads",
	   test_shared_credentials_ },
	 { "configuration errors name the file and the problem", test_config_errors_ },
	 { "tasklet cert: files, modes, chain, refusals, and a handshake with them",
	   test_cert_command_ })

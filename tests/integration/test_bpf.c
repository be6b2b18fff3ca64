/* SPDX-License-Identifier: MIT */
/* Description: bpf/tasklet.bpf.c and `tasklet top`, on the probe driver and a real container. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/proc.h"
#include "tests/tl_test.h"

static char dir[128];
static const char *missing; /* why this suite cannot run here, or NULL */
static char out[1 << 17], err[1 << 16], jq_out[1 << 14];

static int on_path(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/*
 * Skip only what is truly absent: root, a BPF filesystem, the toolchain.
 * bpffs not mounted at /sys/fs/bpf is mounted there (as bpftool and systemd
 * do); a kernel that refuses is a skip.
 */
static int setup(void)
{
	struct statfs sfs;

	if (tp_tmpdir(dir, sizeof(dir)) < 0)
		return -1;
	if (geteuid() != 0) {
		missing = "needs root (BPF programs and uprobes)";
		return 0;
	}
	if (statfs("/sys/fs/bpf", &sfs) < 0 || sfs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") < 0) {
			missing = "no BPF filesystem at /sys/fs/bpf and it cannot be mounted";
			return 0;
		}
		printf("\n[x_bpf: mounted bpffs at /sys/fs/bpf] ");
	}
	if (!on_path("bpftool") || !on_path("jq") || !on_path("readelf")) {
		missing = "bpftool, jq or readelf missing (make deps)";
		return 0;
	}
	return 0;
}

static int teardown(void)
{
	tp_rmdir(dir);
	return 0;
}

#define NEED_BPF()                                                                                 \
	do {                                                                                       \
		if (missing) {                                                                     \
			TL_SKIP(missing);                                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static const char *driver_bin(int probes)
{
	static char p[2][256];

	snprintf(p[probes], sizeof(p[probes]), "%s/tests/bpf_driver%s", tl_test_build(),
		 probes ? "" : "_noprobes");
	return p[probes];
}

/* ---- the driver: probes fired on command ---- */

struct driver {
	struct tp_proc p;
	int fd; /* write end of its command FIFO */
	char name[64], pid[16];
};

static int driver_start(struct driver *d, const char *name, int probes)
{
	char fifo[256];
	char *argv[] = {(char *)driver_bin(probes), "--name", d->name, "--fifo", fifo, NULL};

	snprintf(d->name, sizeof(d->name), "%s-%d", name, (int)getpid());
	snprintf(fifo, sizeof(fifo), "%s/%s.fifo", dir, d->name);
	if (mkfifo(fifo, 0600) < 0 || tp_start(&d->p, dir, d->name, NULL, argv) < 0)
		return -1;
	/* O_NONBLOCK: fails with ENXIO until the driver opens its end (no hang). */
	for (int i = 0; i < 500; i++) {
		d->fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (d->fd >= 0)
			break;
		usleep(10000);
	}
	if (d->fd < 0 || tp_first_line(&d->p, 15000) < 0 || strncmp(d->p.line, "ready ", 6))
		return -1;
	snprintf(d->pid, sizeof(d->pid), "%d", (int)d->p.pid);
	return 0;
}

/* Send one command; its answer line lands in d->p.line. 0 or -1. */
static int drv(struct driver *d, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (write(d->fd, line, (size_t)n) != n || tp_first_line(&d->p, 15000) < 0)
		return -1;
	return 0;
}

static void driver_stop(struct driver *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	tp_stop(&d->p, SIGTERM, 2000);
}

/*
 * Wait until all five probes of the driver are attached (attached = 1) or
 * all detached (0). A semaphore counts the attached sites: 2 for a probe
 * the driver fires from two places.
 */
static int wait_sems(struct driver *d, int attached)
{
	for (int i = 0; i < 300; i++) {
		unsigned v[5];
		int n = 0;

		if (drv(d, "sems") < 0 || sscanf(d->p.line, "sems %u %u %u %u %u", &v[0], &v[1],
						 &v[2], &v[3], &v[4]) != 5)
			return -1;
		for (int k = 0; k < 5; k++)
			n += attached ? v[k] > 0 : v[k] == 0;
		if (n == 5)
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "\nsemaphores: %s, want all %s\n", d->p.line,
		attached ? "attached" : "detached");
	return -1;
}

/* ---- running tools ---- */

static int run_argv(char *const argv[], int timeout_ms)
{
	return tp_run(argv, NULL, out, sizeof(out), err, sizeof(err), timeout_ms);
}

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return run_argv(argv, 30000);
}

/* `tasklet top ARGS... NULL` with stdout/stderr in out/err; its exit status. */
static int top(const char *a1, ...)
{
	char *argv[16] = {(char *)tl_test_bin(), "top", (char *)a1};
	int n = 3, rc;
	va_list ap;

	va_start(ap, a1);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = run_argv(argv, 30000);

	if (rc != 0 && rc != 77)
		fprintf(stderr, "\n[tasklet top exited %d]\nstderr: %s\n", rc, err);
	return rc;
}

/* jq -c FILTER over json; the result (one line, no newline) in jq_out. */
static const char *jq(const char *json, const char *filter)
{
	char path[256], cmd[1024];

	if (tp_write_file(dir, "doc.json", json, path, sizeof(path)) < 0)
		return "";
	snprintf(cmd, sizeof(cmd), "jq -c '%s' %s", filter, path);
	{
		char *argv[] = {"/bin/sh", "-c", cmd, NULL};
		static char e2[4096];

		if (tp_run(argv, NULL, jq_out, sizeof(jq_out), e2, sizeof(e2), 10000) != 0)
			fprintf(stderr, "\njq %s failed: %s\non: %.300s\n", filter, e2, json);
	}
	jq_out[strcspn(jq_out, "\n")] = 0;
	return jq_out;
}

#define CHECK_JQ(json, filter, want)                                                               \
	do {                                                                                       \
		const char *got_ = jq((json), (filter));                                           \
		CU_ASSERT_STRING_EQUAL(got_, (want));                                              \
		if (strcmp(got_, (want)))                                                          \
			fprintf(stderr, "\n%s:%d: jq '%s'\n  got  %s\n  want %s\n", __FILE__,      \
				__LINE__, (filter), got_, (want));                                 \
	} while (0)

static int pin_dir_exists(const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/fs/bpf/tasklet/%s", name);
	return stat(p, &st) == 0;
}

/*
 * One owner (`tasklet top` in the background) attached to the driver; known
 * events; the BPF side read back through `tasklet top --once --json` (as a
 * viewer of the owner's maps) and through `bpftool map dump pinned`.
 */
static void test_driver_exact(void)
{
	struct driver d = {.fd = -1};
	struct tp_proc owner;
	char maps[256];

	NEED_BPF();
	CU_ASSERT_FATAL(driver_start(&d, "bpfdrv", 1) == 0);
	{
		char *argv[] = {(char *)tl_test_bin(), "top", "--pid", d.pid, "--interval", "60000",
				"--max-workers",       "4",   NULL};

		CU_ASSERT_FATAL(tp_start(&owner, dir, "owner", NULL, argv) == 0);
	}
	CU_ASSERT_FATAL(wait_sems(&d, 1) == 0);

	/* Worker 0, economy: three in, two out (waits 1000 ns, 5000 ns). */
	CU_ASSERT(drv(&d, "enqueue 0 1 1 100") == 0 && !strcmp(d.p.line, "ok"));
	drv(&d, "enqueue 0 1 2 101");
	drv(&d, "enqueue 0 1 3 102");
	drv(&d, "dequeue 0 1 2 100 1000");
	drv(&d, "dequeue 0 1 1 101 5000");
	/* Worker 1, priority: one in and out after 3 ms; a dequeue with no
	 * measured wait (0) counts but stays out of the histogram. */
	drv(&d, "enqueue 1 0 1 200");
	drv(&d, "dequeue 1 0 0 200 3000000");
	drv(&d, "enqueue 1 0 1 201");
	drv(&d, "dequeue 1 0 0 201 0");
	/* Running state: worker 0 runs 100; worker 1 ran 200 for 12345 ns. */
	drv(&d, "start 0 1 100");
	drv(&d, "start 1 0 200");
	drv(&d, "end 1 0 200 3 12345");
	/* Out of range (--max-workers 4; far out): dropped, not recorded. */
	drv(&d, "enqueue 4 0 1 1");
	drv(&d, "enqueue 5000 1 9 1");
	drv(&d, "ticker 2");

	CU_ASSERT_EQUAL(top("--once", "--json", "--pid", d.pid, NULL), 0);
	CHECK_JQ(out, "[.viewer,.complete,.histogram,(.workers|length),.dropped]",
		 "[true,true,true,2,2]");
	CHECK_JQ(out,
		 ".workers[0].economy|[.depth,.max_depth,.enqueued,.dequeued,.wait_count,"
		 ".wait_sum_ns,.wait_p50_ns,.wait_p90_ns,.wait_p99_ns]",
		 "[1,3,3,2,2,6000,1024,8192,8192]");
	CHECK_JQ(out, ".workers[0].economy.wait_log2_ns|[.[9],.[12],add,length]", "[1,1,2,40]");
	CHECK_JQ(out, ".workers[0].priority|[.depth,.max_depth,.enqueued,.dequeued,.wait_count]",
		 "[0,0,0,0,0]");
	CHECK_JQ(out,
		 ".workers[1].priority|[.depth,.max_depth,.enqueued,.dequeued,.wait_count,"
		 ".wait_log2_ns[21],.wait_p50_ns]",
		 "[0,1,2,2,1,1,4194304]");
	CHECK_JQ(out, ".workers[0]|[.running,.tasklet,.class,.runs]",
		 "[true,\"0000000000000064\",\"economy\",0]");
	CHECK_JQ(out, ".workers[1]|[.running,.tasklet,.last_status,.runs,.run_ns]",
		 "[false,\"00000000000000c8\",3,1,12345]");
	CHECK_JQ(out, "[.workers[]|.snapshots>=2]", "[true,true]");

	/* bpftool reads the pinned maps with field and enum names (BTF). */
	snprintf(maps, sizeof(maps), "/sys/fs/bpf/tasklet/%s", d.name);
	CU_ASSERT_EQUAL(sh("bpftool -j map dump pinned %s/tl_queues", maps), 0);
	CHECK_JQ(out,
		 "[.[1].formatted.value|.worker,.cls,.depth,.max_depth,.enqueued,.dequeued,"
		 ".wait_count,.wait_sum_ns,.wait_log2_ns[9],.wait_log2_ns[12]]",
		 "[0,\"TL_ECONOMY\",1,3,3,2,2,6000,1,1]");
	/* Array order: index worker*2+cls, and untouched entries name theirs too. */
	CHECK_JQ(out, "[length,(.[2,3,7].formatted.value|[.worker,.cls])]",
		 "[8,[1,\"TL_PRIORITY\"],[1,\"TL_ECONOMY\"],[3,\"TL_ECONOMY\"]]");
	CU_ASSERT_EQUAL(sh("bpftool -j map dump pinned %s/tl_workers", maps), 0);
	CHECK_JQ(out, "[.[1].formatted.value|.worker,.running,.task,.last_status,.runs,.run_ns]",
		 "[1,0,200,3,1,12345]");
	CU_ASSERT_EQUAL(sh("bpftool -j map dump pinned %s/tl_meta", maps), 0);
	{
		char want[64];

		snprintf(want, sizeof(want), "[2,%s,2,1,4]", d.pid);
		CHECK_JQ(
		    out,
		    ".[0].formatted.value|[.workers,.target_pid,.dropped,.histogram,.max_workers]",
		    want);
	}
	CU_ASSERT_EQUAL(sh("bpftool map dump pinned %s/tl_queues", maps), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"max_depth\": 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"cls\": \"TL_ECONOMY\""));

	/* The owner unpins and detaches on SIGTERM. */
	{
		int st = tp_stop(&owner, SIGTERM, 10000);

		CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CU_ASSERT_FALSE(pin_dir_exists(d.name));
	CU_ASSERT_EQUAL(wait_sems(&d, 0), 0);
	drv(&d, "quit");
	driver_stop(&d);
}

/*
 * Attaching to a process that is already running: the depths are right at
 * once (from the tasklet:depth sweep), the counters start at zero, and
 * `--once` leaves nothing pinned; --keep leaves the maps, which the next
 * owner replaces.
 */
static void test_attach_running(void)
{
	struct driver d = {.fd = -1};
	char maps[256];

	NEED_BPF();
	CU_ASSERT_FATAL(driver_start(&d, "bpfrun", 1) == 0);
	/* Unattached, these fire nothing; the driver remembers the depths. */
	drv(&d, "enqueue 0 1 7 1");
	drv(&d, "enqueue 2 0 4 2");
	drv(&d, "ticker 3");

	CU_ASSERT_EQUAL(top("--once", "--json", "--max-workers", "4", "--pid", d.pid, NULL), 0);
	CHECK_JQ(out, "[.viewer,.complete,(.workers|length),.max_workers]", "[false,true,3,4]");
	CHECK_JQ(out, "[.workers[]|.priority.depth,.economy.depth]", "[0,7,0,0,4,0]");
	CHECK_JQ(out, "[.workers[]|.economy.max_depth,.economy.enqueued,.priority.enqueued]",
		 "[7,0,0,0,0,0,0,0,0]");
	CU_ASSERT_FALSE(pin_dir_exists(d.name));
	CU_ASSERT_EQUAL(wait_sems(&d, 0), 0);

	/* --depth-only: only the 100 ms snapshots, no per-event probe. */
	CU_ASSERT_EQUAL(
	    top("--once", "--json", "--depth-only", "--max-workers", "4", "--pid", d.pid, NULL), 0);
	CHECK_JQ(out, "[.probes,.complete,[.workers[]|.priority.depth,.economy.depth]]",
		 "[[\"depth\"],true,[0,7,0,0,4,0]]");
	CU_ASSERT_EQUAL(top("--once", "--depth-only", "--max-workers", "4", "--pid", d.pid, NULL),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "depth only (100 ms samples)"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(out, "     0 economy        7       7          -          -"));

	/* Sized by default to the process's threads (main and ticker; a sanitizer
	 * may add one): workers above are dropped. */
	{
		char want[64];
		int threads = sh("exit $(ls /proc/%s/task | wc -l)", d.pid);

		CU_ASSERT_EQUAL(top("--once", "--json", "--pid", d.pid, NULL), 0);
		snprintf(want, sizeof(want), "[%d,%d,%s]", threads < 3 ? threads : 3, threads,
			 threads < 3 ? "true" : "false");
		CHECK_JQ(out, "[(.workers|length),.max_workers,.dropped>0]", want);
	}

	/* Plain table. */
	CU_ASSERT_EQUAL(top("--once", "--max-workers", "4", "--pid", d.pid, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "WORKER CLASS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "     0 economy        7       7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "     2 priority       4       4"));

	/* --keep, then a fresh owner replaces the stale maps. */
	snprintf(maps, sizeof(maps), "/sys/fs/bpf/tasklet/%s", d.name);
	CU_ASSERT_EQUAL(
	    top("--once", "--keep", "--no-histogram", "--max-workers", "4", "--pid", d.pid, NULL),
	    0);
	CU_ASSERT_TRUE(pin_dir_exists(d.name));
	CU_ASSERT_EQUAL(sh("bpftool -j map dump pinned %s/tl_meta", maps), 0);
	CHECK_JQ(out, ".[0].formatted.value|[.workers,.histogram]", "[3,0]");
	CU_ASSERT_EQUAL(top("--once", "--json", "--max-workers", "4", "--pid", d.pid, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "removed the maps a finished tasklet top left"));
	CHECK_JQ(out, "[.histogram,.workers[0].economy.depth]", "[true,7]");
	CU_ASSERT_FALSE(pin_dir_exists(d.name));
	drv(&d, "quit");
	driver_stop(&d);
}

/* What is missing is said, with exit status 77; bad usage is 2. */
static void test_missing_says_what(void)
{
	struct driver d = {.fd = -1}, bare = {.fd = -1};
	char cmd[512];

	NEED_BPF();
	CU_ASSERT_FATAL(driver_start(&d, "bpfmiss", 1) == 0);
	CU_ASSERT_FATAL(driver_start(&bare, "bpfbare", 0) == 0);

	/* A binary built with -DRT_NO_PROBES. */
	CU_ASSERT_EQUAL(top("--once", "--pid", bare.pid, NULL), 77);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no tasklet USDT probes"));
	CU_ASSERT_FALSE(pin_dir_exists(bare.name));

	/* Not root. */
	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
		 "%s top --once --pid %s",
		 tl_test_bin(), d.pid);
	CU_ASSERT_EQUAL(sh("%s", cmd), 77);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(err, "needs root, or the capabilities CAP_BPF and CAP_PERFMON"));

	/* No bpffs (hidden under a tmpfs in a private mount namespace). */
	CU_ASSERT_EQUAL(sh("unshare -m --propagation private sh -c "
			   "'mount -t tmpfs none /sys/fs/bpf && exec %s top --once --pid %s'",
			   tl_test_bin(), d.pid),
			77);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no BPF filesystem at /sys/fs/bpf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mount -t bpf bpf /sys/fs/bpf"));

	/* Usage errors and unknown targets. */
	CU_ASSERT_EQUAL(sh("%s top --pid %s --container x", tl_test_bin(), d.pid), 2);
	CU_ASSERT_EQUAL(sh("%s top --interval soon", tl_test_bin()), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--interval: 'soon' is not a number"));
	CU_ASSERT_EQUAL(
	    sh("%s top --once --container no-such-container-%d", tl_test_bin(), (int)getpid()), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no running container is named 'no-such-container-"));
	CU_ASSERT_EQUAL(wait_sems(&d, 0), 0);
	drv(&d, "quit");
	drv(&bare, "quit");
	driver_stop(&d);
	driver_stop(&bare);
}

/*
 * Without --container or --pid: the only `tasklet container` process, else
 * a list and exit 2. In a PID namespace of its own (unshare -p, with its own
 * /proc), so that containers of other tests on this host are not seen.
 * The containers have no trader (port 9 refuses) and keep retrying.
 */
static void test_only_container(void)
{
	const char *b = tl_test_bin();

	NEED_BPF();
	CU_ASSERT_EQUAL(sh("unshare -pf --mount-proc sh -c '"
			   "%s container --trader 127.0.0.1:9 --name solo --speed 1 2>/dev/null & "
			   "sleep 1; exec %s top --once --json'",
			   b, b),
			0);
	CHECK_JQ(out, "[.container,.pid,.viewer]", "[\"solo\",2,false]");
	CU_ASSERT_EQUAL(sh("unshare -pf --mount-proc sh -c '"
			   "%s container --trader 127.0.0.1:9 --name solo --speed 1 2>/dev/null & "
			   "%s container --trader 127.0.0.1:9 --name two --speed 1 2>/dev/null & "
			   "sleep 1; exec %s top --once'",
			   b, b, b),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2 containers are running; choose one with --container "
					   "NAME or --pid PID:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, " solo\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, " two\n"));
}

/*
 * A REAL container under a known load: one long Tasklet keeps its only
 * worker busy, N quick ones wait in its economy queue, and
 * `tasklet top --once --json --container` shows economy depth N on worker 0
 * at once.
 *
 * The container fires tasklet:depth for every worker every 100 ms, so the
 * depth is right however late top attaches; a build without the probe
 * fails this test (it is not a skip).
 */
static void test_real_container(void)
{
	enum { N = 4 };
	char name[64], lprog[256], qprog[256], repeat[8];
	struct tp_proc trader, ctr, longrun, quick;
	char *targv[] = {(char *)tl_test_bin(), "trader", "--listen", "127.0.0.1:0", NULL};

	NEED_BPF();
	/* A name of our own: other trees' tests may run containers at the same time. */
	snprintf(name, sizeof(name), "bpfc-%d", (int)getpid());
	snprintf(repeat, sizeof(repeat), "%d", N);
	CU_ASSERT_FATAL(tp_write_file(dir, "long.jsl",
				      "@QOS Deadline(4000);\nlet s = 0;\nwhile (true) { s = s + 1; }\n",
				      lprog,
				      sizeof(lprog)) == 0);
	CU_ASSERT_FATAL(tp_write_file(dir, "quick.jsl", "6 * 7;\n", qprog, sizeof(qprog)) == 0);
	CU_ASSERT_FATAL(tp_start(&trader, dir, "bpf-trader", NULL, targv) == 0);
	CU_ASSERT_FATAL(tp_first_line(&trader, 15000) == 0);
	{
		char reg[128];
		char *cargv[] = {
		    (char *)tl_test_bin(), "container", "--trader", trader.line,    "--name", name,
		    "--workers",	   "1",		"--fuel",   "100000000000", "--verbose", NULL};
		char *largv[] = {(char *)tl_test_bin(), "run", "--trader",
				 trader.line,		lprog, NULL};
		char *qargv[] = {(char *)tl_test_bin(),
				 "run",
				 "--trader",
				 trader.line,
				 "--repeat",
				 repeat,
				 qprog,
				 NULL};

		snprintf(reg, sizeof(reg), "container %s registered", name);
		CU_ASSERT_FATAL(tp_start(&ctr, dir, name, NULL, cargv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&trader, reg, 10000) == 0);
		/* The long one first; once the worker runs it, the quick ones queue behind. */
		CU_ASSERT_FATAL(tp_start(&longrun, dir, "long", NULL, largv) == 0);
		CU_ASSERT_FATAL(tp_wait_log(&ctr, "started (economy)", 10000) == 0);
		CU_ASSERT_FATAL(tp_start(&quick, dir, "quick", NULL, qargv) == 0);
		for (int i = 0; i < 500 && tp_log_count(&ctr, "admitted (economy)") < N + 1; i++)
			usleep(10000);
		CU_ASSERT_EQUAL(tp_log_count(&ctr, "admitted (economy)"), N + 1);
	}
	CU_ASSERT_EQUAL(top("--once", "--json", "--container", name, NULL), 0);
	CHECK_JQ(out, "[.complete,(.workers|length)]", "[true,1]");
	/* Running: unknown (null) until a run starts or ends after the attach,
	 * since the contract has no snapshot of it. */
	CHECK_JQ(out, "[.workers[0]|.economy.depth,.priority.depth,.running]", "[4,0,null]");
	/* The long one ends at its 4 s deadline (as long in any build, sanitizers
	 * included: "deadline missed", exit 1); the quick ones then all run. */
	CU_ASSERT_EQUAL(WEXITSTATUS(tp_stop(&quick, 0, 60000)), 0);
	CU_ASSERT_EQUAL(WEXITSTATUS(tp_stop(&longrun, 0, 60000)), 1);
	tp_stop(&ctr, SIGTERM, 5000);
	tp_stop(&trader, SIGTERM, 5000);
}

TL_SUITE(x_bpf, setup, teardown,
	 {"driver: depths, max, counts, histogram, running, via top --json and bpftool",
	  test_driver_exact},
	 {"attach to a running process: right depths at once; --keep", test_attach_running},
	 {"no probes / not root / no bpffs: exit 77 saying what is missing",
	  test_missing_says_what},
	 {"no --container/--pid: the only container, else the list", test_only_container},
	 {"real container under known load: economy depth N on worker 0", test_real_container})

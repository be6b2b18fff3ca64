/* SPDX-License-Identifier: MIT */
/*
 * tasklet top [--container NAME|--pid PID] [--once] [--json] [--interval MS]
 *             [--keep] [--no-histogram] [--verbose]          (man tasklet-top(1))
 *
 * Per worker and class of one running container: queue depth, maximum depth,
 * enqueued and dequeued counts, waiting-time percentiles and the running
 * Tasklet, from bpf/tasklet.bpf.c attached to the container's USDT probes
 * (runtime/container/probes.h).
 *
 * Attach or reuse. USDT links cannot be pinned (libbpf 1.1), so the programs
 * stay attached only while the `tasklet top` that attached them runs: the
 * owner. The owner holds an exclusive flock on the pin folder
 * /sys/fs/bpf/tasklet/<container>/ for its whole life. A second `tasklet top`
 * for the same container finds the lock taken and only reads the owner's
 * pinned maps (no second attachment, so nothing is counted twice); when the
 * owner exits, a live viewer attaches itself. Maps left pinned by a finished
 * owner (--keep, or a crash) are stale: the next owner removes them and
 * starts from fresh counters. The owner unpins its maps on exit unless --keep.
 *
 * Exit status: 0; 1 on a failure (no such container, BPF load/attach error,
 * the container exited); 2 on a usage error; 77 when this machine or binary
 * cannot be watched at all (not root nor CAP_BPF+CAP_PERFMON, no bpffs at
 * /sys/fs/bpf, the container binary has no tasklet probes): the message
 * says which, and test harnesses read 77 as "skipped".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tasklet.h"
#include "runtime/cli/cmd.h"
#include "tasklet.skel.h"

#define TOP_EXIT_FAIL	1
#define TOP_EXIT_SKIP	77
#define PIN_BASE	"/sys/fs/bpf/tasklet"
#define ONCE_MIN_MS	150 /* > the 100 ms depth-snapshot period */
#define ONCE_TIMEOUT_MS 2000
#define TOP_TAKEOVER	1000 /* session(): the owner left; attach ourselves */

static const char *const probe_names[] = {"enqueue", "dequeue", "run_start", "run_end", "depth"};
#define NPROBES (sizeof(probe_names) / sizeof(probe_names[0]))
enum { P_ENQUEUE, P_DEQUEUE, P_RUN_START, P_RUN_END, P_DEPTH };

struct opts {
	const char *container;
	pid_t pid;
	bool once, json, keep, histogram, verbose, depth_only;
	unsigned interval_ms;
	unsigned max_workers; /* 0: the target's thread count */
};

struct target {
	pid_t pid;
	char name[64]; /* the container's name (its --name, else HOST:PID) */
	char pin[64];  /* the same, safe as a file name */
	char exe[PATH_MAX];
	bool is_container;
};

/* One `tasklet top` session on a target: owner (skel != NULL) or viewer. */
struct session {
	struct tasklet_bpf *skel;
	int lock_fd;
	int fd_queues, fd_workers, fd_meta;
	char dir[96]; /* PIN_BASE "/" pin */
};

#define HAS(sn, p) (((sn)->meta.probes >> (p)) & 1)

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Read a /proc file whole (NUL-terminated). Length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

static bool file_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == ':';
}

/* src as a file name under PIN_BASE: other bytes become '_'; never . or .. */
static void safe_name(char *dst, size_t cap, const char *src, pid_t pid)
{
	size_t i;

	for (i = 0; src[i] && i < cap - 1; i++)
		dst[i] = file_name_char((unsigned char)src[i]) ? src[i] : '_';
	dst[i] = 0;
	if (!dst[0] || !strcmp(dst, ".") || !strcmp(dst, ".."))
		snprintf(dst, cap, "pid-%d", (int)pid);
}

/*
 * Describe process pid from its command line: a container is `tasklet
 * container ...`; its name is the value of --name/-n, else (like the
 * container's own default) the host name cut to 15 bytes, ':' and the pid.
 * Another process (the test driver, say) is named by its --name, else
 * pid-PID. 0, or -1 when the process is gone.
 */
static int describe(pid_t pid, struct target *t)
{
	char path[64], buf[4096], *args[64];
	const char *name = NULL;
	ssize_t n;
	int argc = 0;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	if (n <= 0)
		return -1;
	for (char *s = buf; s < buf + n && argc < 64; s += strlen(s) + 1)
		args[argc++] = s;
	if (argc >= 2 && !strcmp(args[1], "container")) {
		const char *base = strrchr(args[0], '/');

		t->is_container = strstr(base ? base + 1 : args[0], "tasklet") != NULL;
	}
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(args[i], "--name") || !strcmp(args[i], "-n")) && i + 1 < argc)
			name = args[i + 1];
		else if (!strncmp(args[i], "--name=", 7))
			name = args[i] + 7;
	}
	if (name) {
		snprintf(t->name, sizeof(t->name), "%s", name);
	} else if (t->is_container) {
		char host[64] = "host";

		gethostname(host, sizeof(host));
		host[15] = 0;
		snprintf(t->name, sizeof(t->name), "%.15s:%d", host, (int)pid);
	} else {
		snprintf(t->name, sizeof(t->name), "pid-%d", (int)pid);
	}
	for (char *p = t->name; *p; p++) /* shown on terminals: no control characters */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	safe_name(t->pin, sizeof(t->pin), t->name, pid);
	return 0;
}

/* The exe to attach to: its path, or /proc/PID/exe when it was replaced on disk. */
static int find_exe(struct target *t)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)t->pid);
	n = readlink(link, t->exe, sizeof(t->exe) - 1);
	if (n < 0)
		return -errno;
	t->exe[n] = 0;
	if (n > 10 && !strcmp(t->exe + n - 10, " (deleted)"))
		snprintf(t->exe, sizeof(t->exe), "%s", link);
	return 0;
}

/* Pick the target: --pid, --container NAME, or the only running container. */
static int find_target(const struct opts *o, struct target *t)
{
	struct target found[32];
	int nfound = 0, total = 0;
	struct dirent *de;
	DIR *d;

	if (o->pid) {
		if (describe(o->pid, t) < 0) {
			fprintf(stderr, "tasklet top: no process %d\n", (int)o->pid);
			return TOP_EXIT_FAIL;
		}
		return 0;
	}
	d = opendir("/proc");
	if (!d) {
		fprintf(stderr, "tasklet top: cannot read /proc: %s\n", strerror(errno));
		return TOP_EXIT_FAIL;
	}
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct target c;

		if (*end || pid <= 0 || pid == getpid() || describe((pid_t)pid, &c) < 0 ||
		    !c.is_container)
			continue;
		if (o->container && strcmp(c.name, o->container))
			continue;
		total++;
		if (nfound < 32)
			found[nfound++] = c;
	}
	closedir(d);
	if (total == 1) {
		*t = found[0];
		return 0;
	}
	if (total == 0) {
		if (o->container)
			fprintf(stderr,
				"tasklet top: no running container is named '%s' "
				"(a 'tasklet container' process with --name %s)\n",
				o->container, o->container);
		else
			fprintf(stderr, "tasklet top: no 'tasklet container' process is running\n");
		return TOP_EXIT_FAIL;
	}
	fprintf(stderr, "tasklet top: %d containers %s%s%s; choose one with %s:\n", total,
		o->container ? "are named '" : "are running", o->container ? o->container : "",
		o->container ? "'" : "", o->container ? "--pid" : "--container NAME or --pid PID");
	for (int i = 0; i < nfound; i++)
		fprintf(stderr, "  pid %-8d %s\n", (int)found[i].pid, found[i].name);
	return RT_EXIT_USAGE;
}

/* Can this process load tracing programs? Root, or CAP_BPF and CAP_PERFMON. */
static bool privileged(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct c[2];
	const unsigned bpf = 39, perfmon = 38; /* CAP_BPF, CAP_PERFMON (Linux 5.8) */

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &h, c) < 0)
		return false;
	return (c[bpf / 32].effective & (1u << (bpf % 32))) &&
	       (c[perfmon / 32].effective & (1u << (perfmon % 32)));
}

static int check_host(void)
{
	struct statfs sfs;

	if (!privileged()) {
		fprintf(stderr,
			"tasklet top: needs root, or the capabilities CAP_BPF and CAP_PERFMON, to "
			"attach BPF programs (running as uid %d)\n",
			(int)geteuid());
		return TOP_EXIT_SKIP;
	}
	if (statfs("/sys/fs/bpf", &sfs) < 0 || sfs.f_type != BPF_FS_MAGIC) {
		fprintf(stderr, "tasklet top: no BPF filesystem at /sys/fs/bpf, where the maps are "
				"pinned (mount it: mount -t bpf bpf /sys/fs/bpf)\n");
		return TOP_EXIT_SKIP;
	}
	return 0;
}

static void pin_path(char *buf, size_t cap, const struct session *s, const char *map)
{
	snprintf(buf, cap, "%s/%s", s->dir, map);
}

static const char *const map_names[] = {"tl_queues", "tl_workers", "tl_meta"};

/* The number of threads of pid, which bounds its workers; 1..TL_MAX_WORKERS. */
static unsigned count_threads(pid_t pid)
{
	char path[64];
	unsigned n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return TL_MAX_WORKERS;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n < 1 ? 1 : n > TL_MAX_WORKERS ? TL_MAX_WORKERS : n;
}

/* Remove what an earlier, finished owner left pinned; says so once. */
static void remove_stale(const struct session *s)
{
	int removed = 0;

	for (size_t i = 0; i < sizeof(map_names) / sizeof(map_names[0]); i++) {
		char p[PATH_MAX];

		pin_path(p, sizeof(p), s, map_names[i]);
		removed += unlink(p) == 0;
	}
	if (removed)
		fprintf(stderr,
			"tasklet top: removed the maps a finished tasklet top left in %s "
			"(--keep); counting starts afresh\n",
			s->dir);
}

/* Write the index fields of every entry, so that a dump of untouched
 * entries still names each one's worker and class. */
static int prefill(struct session *s, const struct target *t, const struct opts *o, unsigned maxw)
{
	struct tl_meta m = {.target_pid = (__u32)t->pid,
			    .owner_pid = (__u32)getpid(),
			    .histogram = o->histogram,
			    .max_workers = maxw};
	__u32 zero = 0;

	for (__u32 i = 0; i < maxw * 2; i++) {
		struct tl_queue q = {.worker = i / 2, .cls = (enum tl_class)(i % 2)};

		if (bpf_map_update_elem(s->fd_queues, &i, &q, BPF_ANY) < 0)
			return -errno;
	}
	for (__u32 i = 0; i < maxw; i++) {
		struct tl_worker w = {.worker = i};

		if (bpf_map_update_elem(s->fd_workers, &i, &w, BPF_ANY) < 0)
			return -errno;
	}
	return bpf_map_update_elem(s->fd_meta, &zero, &m, BPF_ANY) < 0 ? -errno : 0;
}

/*
 * Become the owner: load the programs with maps pinned in s->dir and attach
 * every probe the binary has. 0, or an exit status (message printed).
 */
static int attach(struct session *s, const struct target *t, const struct opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = s->dir);
	struct bpf_program *progs[NPROBES];
	struct bpf_link **links[NPROBES];
	struct tl_meta m;
	__u32 zero = 0, mask = 0;
	unsigned maxw;
	int n = 0, err;

	remove_stale(s);
	s->skel = tasklet_bpf__open_opts(&oo);
	if (!s->skel) {
		fprintf(stderr, "tasklet top: cannot open the BPF object: %s\n", strerror(errno));
		return TOP_EXIT_FAIL;
	}
	maxw = o->max_workers ? o->max_workers : count_threads(t->pid);
	s->skel->rodata->tl_histogram = o->histogram;
	s->skel->rodata->tl_max_workers = maxw;
	bpf_map__set_max_entries(s->skel->maps.tl_queues, maxw * 2);
	bpf_map__set_max_entries(s->skel->maps.tl_workers, maxw);
	err = tasklet_bpf__load(s->skel);
	if (err) {
		fprintf(stderr, "tasklet top: cannot load the BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (kernel lockdown, or missing CAP_BPF/CAP_PERFMON?)"
				      : " (run with --verbose for the verifier's log)");
		return err == -EPERM ? TOP_EXIT_SKIP : TOP_EXIT_FAIL;
	}
	s->fd_queues = bpf_map__fd(s->skel->maps.tl_queues);
	s->fd_workers = bpf_map__fd(s->skel->maps.tl_workers);
	s->fd_meta = bpf_map__fd(s->skel->maps.tl_meta);
	err = prefill(s, t, o, maxw);
	if (err) {
		fprintf(stderr, "tasklet top: cannot initialise the maps: %s\n", strerror(-err));
		return TOP_EXIT_FAIL;
	}
	progs[P_ENQUEUE] = s->skel->progs.tl_enqueue;
	progs[P_DEQUEUE] = s->skel->progs.tl_dequeue;
	progs[P_RUN_START] = s->skel->progs.tl_run_start;
	progs[P_RUN_END] = s->skel->progs.tl_run_end;
	progs[P_DEPTH] = s->skel->progs.tl_depth;
	links[P_ENQUEUE] = &s->skel->links.tl_enqueue;
	links[P_DEQUEUE] = &s->skel->links.tl_dequeue;
	links[P_RUN_START] = &s->skel->links.tl_run_start;
	links[P_RUN_END] = &s->skel->links.tl_run_end;
	links[P_DEPTH] = &s->skel->links.tl_depth;
	for (size_t i = 0; i < NPROBES; i++) {
		struct bpf_link *l;

		if (o->depth_only && i != P_DEPTH)
			continue;
		l = bpf_program__attach_usdt(progs[i], t->pid, t->exe, "tasklet", probe_names[i],
					     NULL);

		if (!l) {
			err = -errno;
			if (err != -ENOENT) {
				fprintf(
				    stderr,
				    "tasklet top: cannot attach to tasklet:%s in %s (pid %d): %s\n",
				    probe_names[i], t->exe, (int)t->pid, strerror(-err));
				return TOP_EXIT_FAIL;
			}
			continue;
		}
		*links[i] = l;
		mask |= 1u << i;
		n++;
	}
	if (n == 0 && o->depth_only) {
		fprintf(stderr,
			"tasklet top: %s (pid %d) has no tasklet:depth probe, which "
			"--depth-only reads\n",
			t->exe, (int)t->pid);
		return TOP_EXIT_SKIP;
	}
	if (n == 0) {
		fprintf(
		    stderr,
		    "tasklet top: %s (pid %d) has no tasklet USDT probes: it was built without "
		    "<sys/sdt.h> (Debian: systemtap-sdt-dev) or with -DRT_NO_PROBES; check with "
		    "readelf -n %s | grep -A3 tasklet\n",
		    t->exe, (int)t->pid, t->exe);
		return TOP_EXIT_SKIP;
	}
	if (n < (int)NPROBES && !o->depth_only) {
		fprintf(stderr, "tasklet top: note: %s lacks", t->exe);
		for (size_t i = 0; i < NPROBES; i++)
			if (!(mask >> i & 1))
				fprintf(stderr, " tasklet:%s", probe_names[i]);
		fprintf(stderr, "; %s\n",
			mask >> P_DEPTH & 1 ? "those columns stay empty"
					    : "without tasklet:depth a depth shows only after that "
					      "queue's next enqueue or dequeue");
	}
	/* Read-modify-write while the programs may raise m.workers: a raise lost
	 * here comes back with the next event of that worker (the 100 ms sweep). */
	if (bpf_map_lookup_elem(s->fd_meta, &zero, &m) == 0) {
		m.probes = mask;
		m.attached_ns = now_ns();
		bpf_map_update_elem(s->fd_meta, &zero, &m, BPF_ANY);
	}
	return 0;
}

/* Read-only use of a live owner's maps. 0 or an exit status. */
static int view(struct session *s, const struct target *t)
{
	int *fds[] = {&s->fd_queues, &s->fd_workers, &s->fd_meta};
	struct tl_meta m;
	__u32 zero = 0;

	for (size_t i = 0; i < 3; i++) {
		char p[PATH_MAX];

		pin_path(p, sizeof(p), s, map_names[i]);
		*fds[i] = bpf_obj_get(p);
		if (*fds[i] < 0) {
			if (errno == ENOENT)
				return TOP_TAKEOVER; /* the owner is still setting up or just left
						      */
			fprintf(stderr, "tasklet top: cannot open %s: %s\n", p, strerror(errno));
			return TOP_EXIT_FAIL;
		}
	}
	if (bpf_map_lookup_elem(s->fd_meta, &zero, &m) < 0) {
		fprintf(stderr, "tasklet top: cannot read %s/tl_meta: %s\n", s->dir,
			strerror(errno));
		return TOP_EXIT_FAIL;
	}
	if (m.target_pid != (__u32)t->pid) {
		fprintf(stderr,
			"tasklet top: %s is held by tasklet top (pid %u) watching pid %u, not %d; "
			"stop it first\n",
			s->dir, m.owner_pid, m.target_pid, (int)t->pid);
		return TOP_EXIT_FAIL;
	}
	return 0;
}

static void session_end(struct session *s, const struct opts *o)
{
	if (s->skel) {
		if (!o->keep)
			bpf_object__unpin_maps(s->skel->obj, NULL);
		tasklet_bpf__destroy(s->skel);
		s->skel = NULL;
		if (!o->keep) {
			rmdir(s->dir);
			rmdir(PIN_BASE); /* only when no other container's folder is left */
		}
	} else {
		if (s->fd_queues > 0)
			close(s->fd_queues);
		if (s->fd_workers > 0)
			close(s->fd_workers);
		if (s->fd_meta > 0)
			close(s->fd_meta);
	}
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
	s->fd_queues = s->fd_workers = s->fd_meta = -1;
}

/*
 * Take the pin folder: 1 when we own it (its lock is ours), 0 when a live
 * owner holds it, -1 on failure (message printed).
 */
static int take_folder(struct session *s, const struct target *t)
{
	snprintf(s->dir, sizeof(s->dir), "%s/%s", PIN_BASE, t->pin);
	for (int tries = 0; tries < 10; tries++) {
		struct stat a, b;

		if ((mkdir(PIN_BASE, 0755) < 0 && errno != EEXIST) ||
		    (mkdir(s->dir, 0755) < 0 && errno != EEXIST)) {
			fprintf(stderr, "tasklet top: cannot create %s: %s\n", s->dir,
				strerror(errno));
			return -1;
		}
		s->lock_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->lock_fd < 0) {
			if (errno == ENOENT)
				continue; /* an owner removed it just now */
			fprintf(stderr, "tasklet top: cannot open %s: %s\n", s->dir,
				strerror(errno));
			return -1;
		}
		if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				return 0;
			fprintf(stderr, "tasklet top: cannot lock %s: %s\n", s->dir,
				strerror(errno));
			return -1;
		}
		/* A departing owner may have removed the folder we locked: lock the one
		 * that is there now. */
		if (fstat(s->lock_fd, &a) == 0 && stat(s->dir, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return 1;
		close(s->lock_fd);
		s->lock_fd = -1;
	}
	fprintf(stderr, "tasklet top: %s keeps changing under us; try again\n", s->dir);
	return -1;
}

/* Is the owner we view gone (its lock free, or its folder removed)? */
static bool owner_gone(const struct session *s)
{
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool gone = fd < 0 || flock(fd, LOCK_SH | LOCK_NB) == 0;

	if (fd >= 0)
		close(fd);
	return gone;
}

/* ---- reading and showing ---- */

struct snap {
	struct tl_meta meta;
	unsigned nworkers;
	struct tl_queue *q;  /* nworkers * 2 */
	struct tl_worker *w; /* nworkers */
	uint64_t at_ns;
};

static int read_snap(const struct session *s, struct snap *sn)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(s->fd_meta, &zero, &sn->meta) < 0)
		return -errno;
	sn->nworkers =
	    sn->meta.workers > sn->meta.max_workers ? sn->meta.max_workers : sn->meta.workers;
	if (sn->nworkers > TL_MAX_WORKERS)
		sn->nworkers = TL_MAX_WORKERS;
	for (__u32 i = 0; i < sn->nworkers * 2; i++)
		if (bpf_map_lookup_elem(s->fd_queues, &i, &sn->q[i]) < 0)
			return -errno;
	for (__u32 i = 0; i < sn->nworkers; i++)
		if (bpf_map_lookup_elem(s->fd_workers, &i, &sn->w[i]) < 0)
			return -errno;
	sn->at_ns = now_ns();
	return 0;
}

/*
 * The p-th percentile (0..100) of a log2 histogram, as the upper edge of the
 * slot that holds it: the true value is at most this and at least half of
 * it. 0 when the histogram is empty.
 */
static uint64_t percentile(const struct tl_queue *q, unsigned p)
{
	uint64_t total = 0, rank, seen = 0;

	for (int i = 0; i < TL_LOG2_SLOTS; i++)
		total += q->wait_log2_ns[i];
	if (!total)
		return 0;
	rank = (total * p + 99) / 100;
	if (!rank)
		rank = 1;
	for (int i = 0; i < TL_LOG2_SLOTS; i++) {
		seen += q->wait_log2_ns[i];
		if (seen >= rank)
			return 2ull << i;
	}
	return 2ull << (TL_LOG2_SLOTS - 1);
}

static const char *fmt_ns(char *buf, size_t cap, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, cap, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, cap, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, cap, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, cap, "%.2fs", (double)ns / 1e9);
	return buf;
}

static const char *cls_name(unsigned c)
{
	return c == TL_PRIORITY ? "priority" : c == TL_ECONOMY ? "economy" : "?";
}

static bool show_running(const struct snap *sn)
{
	return HAS(sn, P_RUN_START) || HAS(sn, P_RUN_END);
}

static void print_table(FILE *f, const struct target *t, const struct session *s,
			const struct snap *sn)
{
	char b[6][32];

	fprintf(f, "tasklet top - container %s (pid %d), %u worker%s, attached %s ago%s%s\n",
		t->name, (int)t->pid, sn->nworkers, sn->nworkers == 1 ? "" : "s",
		sn->meta.attached_ns ? fmt_ns(b[0], sizeof(b[0]), sn->at_ns - sn->meta.attached_ns)
				     : "-",
		sn->meta.probes == 1u << P_DEPTH ? ", depth only (100 ms samples)"
		: sn->meta.histogram		 ? ""
						 : ", no wait histogram",
		s->skel ? "" : " (viewer)");
	fprintf(f, "%6s %-8s %7s %7s %10s %10s %9s %9s %9s  %s\n", "WORKER", "CLASS", "DEPTH",
		"MAX", "ENQUEUED", "DEQUEUED", "WAIT p50", "p90", "p99", "RUNNING");
	for (unsigned w = 0; w < sn->nworkers; w++) {
		for (unsigned c = 0; c < 2; c++) {
			const struct tl_queue *q = &sn->q[w * 2 + c];
			char run[96] = "";

			if (q->wait_count) {
				fmt_ns(b[1], sizeof(b[1]), percentile(q, 50));
				fmt_ns(b[2], sizeof(b[2]), percentile(q, 90));
				fmt_ns(b[3], sizeof(b[3]), percentile(q, 99));
			} else {
				strcpy(b[1], "-");
				strcpy(b[2], "-");
				strcpy(b[3], "-");
			}
			if (c == 0 && show_running(sn)) {
				const struct tl_worker *wk = &sn->w[w];

				if (!wk->known)
					snprintf(run, sizeof(run),
						 "? (no run started or ended since attach)");
				else if (wk->running)
					snprintf(
					    run, sizeof(run), "%016llx %s %s",
					    (unsigned long long)wk->task, cls_name(wk->cls),
					    fmt_ns(b[4], sizeof(b[4]), sn->at_ns - wk->since_ns));
				else
					snprintf(run, sizeof(run), "idle (%llu run%s)",
						 (unsigned long long)wk->runs,
						 wk->runs == 1 ? "" : "s");
			}
			if (HAS(sn, P_ENQUEUE))
				snprintf(b[4], sizeof(b[4]), "%llu",
					 (unsigned long long)q->enqueued);
			else
				strcpy(b[4], "-");
			if (HAS(sn, P_DEQUEUE))
				snprintf(b[5], sizeof(b[5]), "%llu",
					 (unsigned long long)q->dequeued);
			else
				strcpy(b[5], "-");
			fprintf(f, "%6u %-8s %7u %7u %10s %10s %9s %9s %9s  %s\n", w, cls_name(c),
				q->depth, q->max_depth, b[4], b[5], b[1], b[2], b[3], run);
		}
	}
	if (!sn->nworkers)
		fprintf(f, "(no probe has fired yet)\n");
	if (sn->meta.dropped)
		fprintf(
		    f,
		    "(%llu events of workers numbered %u or above not recorded: --max-workers)\n",
		    (unsigned long long)sn->meta.dropped, sn->meta.max_workers);
}

static void json_queue(FILE *f, const struct tl_queue *q)
{
	fprintf(f,
		"{\"depth\":%u,\"max_depth\":%u,\"enqueued\":%llu,\"dequeued\":%llu,"
		"\"wait_count\":%llu,\"wait_sum_ns\":%llu,\"wait_p50_ns\":%llu,"
		"\"wait_p90_ns\":%llu,\"wait_p99_ns\":%llu,\"wait_log2_ns\":[",
		q->depth, q->max_depth, (unsigned long long)q->enqueued,
		(unsigned long long)q->dequeued, (unsigned long long)q->wait_count,
		(unsigned long long)q->wait_sum_ns, (unsigned long long)percentile(q, 50),
		(unsigned long long)percentile(q, 90), (unsigned long long)percentile(q, 99));
	for (int i = 0; i < TL_LOG2_SLOTS; i++)
		fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)q->wait_log2_ns[i]);
	fprintf(f, "]}");
}

static void print_json(FILE *f, const struct target *t, const struct session *s,
		       const struct snap *sn, bool complete)
{
	fprintf(f, "{\"container\":\"");
	for (const char *p = t->name; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc((unsigned char)*p < 0x20 ? '?' : *p, f);
	}
	fprintf(f,
		"\",\"pid\":%d,\"complete\":%s,\"histogram\":%s,\"viewer\":%s,"
		"\"attached_ns\":%llu,\"dropped\":%llu,\"max_workers\":%u,"
		"\"probes\":[",
		(int)t->pid, complete ? "true" : "false", sn->meta.histogram ? "true" : "false",
		s->skel ? "false" : "true",
		(unsigned long long)(sn->meta.attached_ns ? sn->at_ns - sn->meta.attached_ns : 0),
		(unsigned long long)sn->meta.dropped, sn->meta.max_workers);
	for (size_t i = 0, k = 0; i < NPROBES; i++)
		if (HAS(sn, i))
			fprintf(f, "%s\"%s\"", k++ ? "," : "", probe_names[i]);
	fprintf(f, "],\"workers\":[");
	for (unsigned w = 0; w < sn->nworkers; w++) {
		const struct tl_worker *wk = &sn->w[w];

		fprintf(f, "%s{\"worker\":%u,\"priority\":", w ? "," : "", w);
		json_queue(f, &sn->q[w * 2]);
		fprintf(f, ",\"economy\":");
		json_queue(f, &sn->q[w * 2 + 1]);
		fprintf(
		    f,
		    ",\"running\":%s,\"tasklet\":\"%016llx\",\"class\":\"%s\",\"running_ns\":%llu,"
		    "\"last_status\":%u,\"runs\":%llu,\"run_ns\":%llu,\"snapshots\":%llu}",
		    !wk->known	  ? "null"
		    : wk->running ? "true"
				  : "false",
		    (unsigned long long)wk->task, cls_name(wk->cls),
		    (unsigned long long)(wk->running ? sn->at_ns - wk->since_ns : 0),
		    wk->last_status, (unsigned long long)wk->runs, (unsigned long long)wk->run_ns,
		    (unsigned long long)wk->snapshots);
	}
	fprintf(f, "]}\n");
}

/*
 * Has every worker's depth been seen since the attachment? The container
 * fires tasklet:depth for workers 0..N-1 in one sweep every 100 ms, so once
 * worker 0 has two snapshots, the whole sweep between them was seen.
 * Never without tasklet:depth.
 */
static bool snapshot_complete(const struct snap *sn)
{
	return sn->meta.attached_ns && HAS(sn, P_DEPTH) && sn->nworkers > 0 &&
	       sn->w[0].snapshots >= 2;
}
/* Sleep ms, or less when a stop signal arrives: 1 when one did. */
static int wait_signal(const sigset_t *set, unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	return sigtimedwait(set, NULL, &ts) > 0;
}

/* One owner or viewer session; returns an exit status or TOP_TAKEOVER. */
static int session(const struct opts *o, const struct target *t, const sigset_t *sigs,
		   struct snap *sn)
{
	struct session s = {.lock_fd = -1, .fd_queues = -1, .fd_workers = -1, .fd_meta = -1};
	uint64_t start = now_ns();
	int rc, own;

	own = take_folder(&s, t);
	if (own < 0) {
		rc = TOP_EXIT_FAIL;
		goto out;
	}
	rc = own ? attach(&s, t, o) : view(&s, t);
	if (rc)
		goto out;
	if (o->once) {
		bool complete;

		for (;;) {
			uint64_t el = (now_ns() - start) / 1000000;

			rc = read_snap(&s, sn);
			if (rc < 0) {
				fprintf(stderr, "tasklet top: cannot read the maps: %s\n",
					strerror(-rc));
				rc = TOP_EXIT_FAIL;
				goto out;
			}
			complete = snapshot_complete(sn);
			/* Without tasklet:depth there is nothing more to wait for. */
			if ((el >= ONCE_MIN_MS &&
			     (complete || (sn->meta.attached_ns && !HAS(sn, P_DEPTH)))) ||
			    el >= ONCE_TIMEOUT_MS)
				break;
			if (wait_signal(sigs, 20)) {
				rc = TOP_EXIT_FAIL;
				goto out;
			}
		}
		if (!complete && HAS(sn, P_DEPTH))
			fprintf(stderr,
				"tasklet top: no complete tasklet:depth sweep within %d ms; depths "
				"are from the last enqueue/dequeue events only\n",
				ONCE_TIMEOUT_MS);
		if (o->json)
			print_json(stdout, t, &s, sn, complete);
		else
			print_table(stdout, t, &s, sn);
		fflush(stdout);
		rc = 0;
		goto out;
	}
	for (bool tty = isatty(1);;) {
		rc = read_snap(&s, sn);
		if (rc < 0) {
			fprintf(stderr, "tasklet top: cannot read the maps: %s\n", strerror(-rc));
			rc = TOP_EXIT_FAIL;
			goto out;
		}
		if (o->json) {
			print_json(stdout, t, &s, sn, snapshot_complete(sn));
		} else {
			if (tty)
				fputs("\033[H\033[2J", stdout);
			print_table(stdout, t, &s, sn);
			if (!tty)
				fputc('\n', stdout);
		}
		if (fflush(stdout) != 0) { /* e.g. `tasklet top | head`: the reader left */
			rc = errno == EPIPE ? 0 : TOP_EXIT_FAIL;
			goto out;
		}
		if (wait_signal(sigs, o->interval_ms)) {
			rc = 0;
			goto out;
		}
		if (kill(t->pid, 0) < 0 && errno == ESRCH) {
			fprintf(stderr, "tasklet top: pid %d (%s) exited\n", (int)t->pid, t->name);
			rc = TOP_EXIT_FAIL;
			goto out;
		}
		if (!s.skel && owner_gone(&s)) {
			fprintf(stderr,
				"tasklet top: the tasklet top that attached to %s exited; "
				"attaching\n",
				t->name);
			rc = TOP_TAKEOVER;
			goto out;
		}
	}
out:
	session_end(&s, o);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tasklet top [--container NAME | --pid PID] [--once] [--json]\n"
		   "                   [--interval MS] [--keep] [--no-histogram] [--depth-only]\n"
		   "                   [--max-workers N] [--verbose]\n"
		   "Queue depth, waiting time and running Tasklet per worker of a running\n"
		   "container, from its USDT probes (root; see man tasklet-top(1)).\n"
		   "Exit status: 0 ok, 1 failure, 2 usage, 77 cannot watch here (the message says "
		   "why).\n");
}

int rt_cmd_top(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"container", required_argument, NULL, 'c'},
	    {"pid", required_argument, NULL, 'p'},
	    {"once", no_argument, NULL, '1'},
	    {"json", no_argument, NULL, 'j'},
	    {"interval", required_argument, NULL, 'i'},
	    {"keep", no_argument, NULL, 'k'},
	    {"no-histogram", no_argument, NULL, 'H'},
	    {"max-workers", required_argument, NULL, 'm'},
	    {"depth-only", no_argument, NULL, 'd'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct opts o = {.interval_ms = 1000, .histogram = true};
	struct snap sn = {0};
	struct target t;
	sigset_t sigs;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:p:1ji:kHm:dvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.container = optarg;
			break;
		case 'p':
			o.pid = (pid_t)rt_opt_num("--pid", optarg, INT_MAX);
			break;
		case '1':
			o.once = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'i':
			o.interval_ms = (unsigned)rt_opt_num("--interval", optarg, 3600000);
			break;
		case 'k':
			o.keep = true;
			break;
		case 'H':
			o.histogram = false;
			break;
		case 'm':
			o.max_workers =
			    (unsigned)rt_opt_num("--max-workers", optarg, TL_MAX_WORKERS);
			break;
		case 'd':
			o.depth_only = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return RT_EXIT_USAGE;
		}
	}
	if (optind != argc || (o.container && o.pid)) {
		usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (o.interval_ms < 10) {
		fprintf(stderr, "tasklet top: --interval must be at least 10 ms\n");
		return RT_EXIT_USAGE;
	}
	verbose = o.verbose;
	libbpf_set_print(libbpf_print);
	rc = find_target(&o, &t);
	if (rc)
		return rc;
	rc = check_host();
	if (rc)
		return rc;
	if (find_exe(&t) < 0) {
		fprintf(stderr, "tasklet top: cannot read /proc/%d/exe: %s\n", (int)t.pid,
			strerror(errno));
		return TOP_EXIT_FAIL;
	}
	sn.q = calloc(TL_MAX_WORKERS * 2, sizeof(*sn.q));
	sn.w = calloc(TL_MAX_WORKERS, sizeof(*sn.w));
	if (!sn.q || !sn.w) {
		rc = TOP_EXIT_FAIL;
		goto out;
	}
	/* Stop signals are taken synchronously, so the maps are always unpinned. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	/* A viewer becomes the owner when the owner leaves; while an owner is
	 * still setting up, a viewer finds no maps yet and waits (5 s at most). */
	for (int i = 0; (rc = session(&o, &t, &sigs, &sn)) == TOP_TAKEOVER; i++) {
		if (i == 100) {
			fprintf(stderr, "tasklet top: %s/%s is locked but holds no maps\n",
				PIN_BASE, t.pin);
			rc = TOP_EXIT_FAIL;
			break;
		}
		if (wait_signal(&sigs, 50)) {
			rc = 0;
			break;
		}
	}
out:
	free(sn.q);
	free(sn.w);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* Description: process helpers for the integration suites (no tests of its own). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "tests/proc.h"

static void exec_child(const char *netns, char *const argv[])
{
	if (netns) {
		char *nargv[64];
		int n = 0;

		nargv[n++] = "ip";
		nargv[n++] = "netns";
		nargv[n++] = "exec";
		nargv[n++] = (char *)netns;
		for (int i = 0; argv[i] && n < 63; i++)
			nargv[n++] = argv[i];
		nargv[n] = NULL;
		execvp("ip", nargv);
	} else {
		execv(argv[0], argv);
	}
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int tp_start(struct tp_proc *p, const char *dir, const char *name, const char *netns,
	     char *const argv[])
{
	int pfd[2], lfd;

	memset(p, 0, sizeof(*p));
	snprintf(p->log, sizeof(p->log), "%s/%s.log", dir, name);
	lfd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (lfd < 0)
		return -errno;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		close(lfd);
		return -errno;
	}
	p->pid = fork();
	if (p->pid < 0) {
		close(lfd);
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (p->pid == 0) {
		dup2(pfd[1], 1);
		dup2(lfd, 2);
		exec_child(netns, argv);
	}
	close(lfd);
	close(pfd[1]);
	p->out_fd = pfd[0];
	return 0;
}

int tp_first_line(struct tp_proc *p, int timeout_ms)
{
	long end = (long)clock_now_ms() + timeout_ms;
	size_t n = 0;

	while (n < sizeof(p->line) - 1) {
		struct pollfd pf = { .fd = p->out_fd, .events = POLLIN };
		long left = end - (long)clock_now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		r = read(p->out_fd, p->line + n, 1);
		if (r <= 0)
			return -EPIPE;
		if (p->line[n] == '\n')
			break;
		n++;
	}
	p->line[n] = 0;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)(n > 0 ? n : 0) + 1);
	if (buf) {
		size_t r = fread(buf, 1, (size_t)(n > 0 ? n : 0), f);

		buf[r] = 0;
	}
	fclose(f);
	return buf;
}

int tp_log_count(const struct tp_proc *p, const char *pattern)
{
	char *buf = slurp(p->log), *s;
	int n = 0;

	if (!buf)
		return 0;
	for (s = buf; (s = strstr(s, pattern)); s += strlen(pattern))
		n++;
	free(buf);
	return n;
}

int tp_wait_log(const struct tp_proc *p, const char *pattern, int timeout_ms)
{
	long end = (long)clock_now_ms() + timeout_ms;

	while ((long)clock_now_ms() < end) {
		if (tp_log_count(p, pattern) > 0)
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

int tp_alive(struct tp_proc *p)
{
	int st;

	if (p->pid <= 0)
		return 0;
	return waitpid(p->pid, &st, WNOHANG) == 0;
}

int tp_stop(struct tp_proc *p, int sig, int timeout_ms)
{
	long end = (long)clock_now_ms() + timeout_ms;
	int st = -1;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, sig);
	while (waitpid(p->pid, &st, WNOHANG) == 0) {
		if ((long)clock_now_ms() > end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	if (p->out_fd > 0)
		close(p->out_fd);
	p->out_fd = -1;
	p->pid = 0;
	return st;
}

/* Read what fd has into buf; returns 0 at EOF, 1 otherwise. */
static int drain(int fd, char *buf, size_t cap, size_t *n)
{
	char tmp[4096];
	ssize_t r = read(fd, tmp, sizeof(tmp));

	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
		return 0;
	if (r > 0 && *n + 1 < cap) {
		size_t k = (size_t)r < cap - 1 - *n ? (size_t)r : cap - 1 - *n;

		memcpy(buf + *n, tmp, k);
		*n += k;
	}
	return 1;
}

int tp_run(char *const argv[], const char *netns, char *out, size_t outcap, char *err,
	   size_t errcap, int timeout_ms)
{
	int po[2], pe[2], st = 0;
	long end = (long)clock_now_ms() + timeout_ms;
	size_t n[2] = { 0, 0 };
	struct pollfd pf[2];
	char *bufs[2] = { out, err };
	size_t caps[2] = { outcap, errcap };
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		exec_child(netns, argv);
	}
	close(po[1]);
	close(pe[1]);
	pf[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	while (pid > 0 && (pf[0].fd >= 0 || pf[1].fd >= 0)) {
		long left = end - (long)clock_now_ms();

		if (left <= 0)
			break;
		if (poll(pf, 2, (int)left) <= 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !drain(pf[i].fd, bufs[i], caps[i], &n[i]))
				pf[i].fd = -1;
	}
	out[n[0]] = 0;
	err[n[1]] = 0;
	close(po[0]);
	close(pe[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if ((long)clock_now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(5000);
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int tp_write_file(const char *dir, const char *name, const char *text, char *path, size_t cap)
{
	FILE *f;
	int rc = 0;

	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int tp_tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/tasklet-test.XXXXXX");
	return mkdtemp(buf) ? 0 : -errno;
}

void tp_rmdir(const char *dir)
{
	char cmd[512];

	if (strncmp(dir, "/tmp/tasklet-test.", 18))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/rt_int.h"

#define RT_MAX_FILE (64u << 20)

int rt_read_file(const char *path, char **buf, size_t *len)
{
	struct stat sb;
	char *p = NULL;
	size_t n = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (sb.st_size > RT_MAX_FILE) {
		rc = -EFBIG;
		goto out;
	}
	p = malloc((size_t)sb.st_size + 1);
	if (!p) {
		rc = -ENOMEM;
		goto out;
	}
	while (n < (size_t)sb.st_size) {
		ssize_t r = read(fd, p + n, (size_t)sb.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	p[n] = 0;
	*buf = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - sysfs/procfs access under a root prefix (see sysfs.h).
 */
#include "sysfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char sysfs_root[PATH_MAX];

void sysfs_set_root(const char *root)
{
	size_t n;

	if (!root || !strcmp(root, "/")) {
		sysfs_root[0] = '\0';
		return;
	}
	snprintf(sysfs_root, sizeof(sysfs_root), "%s", root);
	n = strlen(sysfs_root);
	while (n > 0 && sysfs_root[n - 1] == '/')
		sysfs_root[--n] = '\0';
}

const char *sysfs_get_root(void)
{
	return sysfs_root;
}

int sysfs_path(const char *path, char *out, size_t len)
{
	int n;

	if (!path || path[0] != '/')
		return -EINVAL;
	n = snprintf(out, len, "%s%s", sysfs_root, path);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int open_rel(const char *path, int flags)
{
	char full[PATH_MAX];
	int ret, fd;

	ret = sysfs_path(path, full, sizeof(full));
	if (ret)
		return ret;
	fd = open(full, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* read() until @len bytes or end of file, retrying on EINTR. */
static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int sysfs_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	char extra;
	int fd, ret = 0;

	if (!buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = open_rel(path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = read_full(fd, buf, len - 1);
	if (n < 0) {
		ret = (int)n;
		n = 0;
	} else if ((size_t)n == len - 1 && read_full(fd, &extra, 1) == 1) {
		ret = -EOVERFLOW;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return ret;
}

int sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	const char *p;
	unsigned long long v;
	int ret;

	ret = sysfs_read_str(path, buf, sizeof(buf));
	if (ret)
		return ret;
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (!isxdigit((unsigned char)p[2]))
			return -EINVAL;
		v = strtoull(p + 2, &end, 16);
	} else {
		v = strtoull(p, &end, 10);
	}
	if (errno == ERANGE)
		return -ERANGE;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	*val = v;
	return 0;
}

int sysfs_read_int(const char *path, int *val)
{
	char buf[64], *end;
	const char *p;
	long long v;
	bool neg = false;
	int ret;

	ret = sysfs_read_str(path, buf, sizeof(buf));
	if (ret)
		return ret;
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (!(*p >= '0' && *p <= '9'))
		return -EINVAL;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (!isxdigit((unsigned char)p[2]))
			return -EINVAL;
		v = strtoll(p + 2, &end, 16);
	} else {
		v = strtoll(p, &end, 10);
	}
	if (errno == ERANGE)
		return -ERANGE;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (neg)
		v = -v;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*val = (int)v;
	return 0;
}

int sysfs_read_link_name(const char *path, char *buf, size_t len)
{
	char full[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int ret;

	ret = sysfs_path(path, full, sizeof(full));
	if (ret)
		return ret;
	n = readlink(full, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

int sysfs_realpath(const char *path, char *buf, size_t len)
{
	char full[PATH_MAX], res[PATH_MAX], rootres[PATH_MAX];
	const char *rel = res;
	size_t rl = 0;
	int ret;

	ret = sysfs_path(path, full, sizeof(full));
	if (ret)
		return ret;
	if (!realpath(full, res))
		return -errno;
	if (sysfs_root[0]) {
		if (!realpath(sysfs_root, rootres))
			return -errno;
		rl = strlen(rootres);
		if (strncmp(res, rootres, rl) || (res[rl] != '/' && res[rl] != '\0'))
			return -EXDEV;
		rel = res + rl;
		if (*rel == '\0')
			rel = "/";
	}
	if (strlen(rel) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, rel, strlen(rel) + 1);
	return 0;
}

bool sysfs_exists(const char *path)
{
	char full[PATH_MAX];

	if (sysfs_path(path, full, sizeof(full)))
		return false;
	return access(full, F_OK) == 0;
}

bool sysfs_is_dir(const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if (sysfs_path(path, full, sizeof(full)))
		return false;
	return stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

static int write_flags(const char *path, const char *val, int flags)
{
	size_t len = strlen(val);
	ssize_t n = 0;
	int fd, ret = 0;

	fd = open_rel(path, O_WRONLY | flags);
	if (fd < 0)
		return fd;
	if (!len)
		goto out;
	do {
		n = write(fd, val, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
out:
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int sysfs_write_str(const char *path, const char *val)
{
	return write_flags(path, val, 0);
}

int sysfs_replace_str(const char *path, const char *val)
{
	return write_flags(path, val, O_TRUNC);
}

ssize_t sysfs_read_bin(const char *path, void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open_rel(path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = read_full(fd, buf, len);
	close(fd);
	return n;
}

ssize_t sysfs_read_all(const char *path, char **out, size_t max)
{
	size_t cap = max < 4096 ? max + 1 : 4096, got = 0;
	char *buf, *nb;
	ssize_t n;
	int fd;

	fd = open_rel(path, O_RDONLY);
	if (fd < 0)
		return fd;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (got == cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read_full(fd, buf + got, cap - got);
		if (n < 0) {
			free(buf);
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got < cap)
			break;
	}
	close(fd);
	if (got > max) {
		free(buf);
		return -EFBIG;
	}
	buf[got] = '\0';
	*out = buf;
	return (ssize_t)got;
}

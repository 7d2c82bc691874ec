/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the libFuzzer targets (bench/fuzz/fuzz_*.c, run by
 * tests/fuzz.sh) share: the input as a C string, a scratch directory of the
 * process for the parsers that read files, and a check that makes a broken
 * invariant a crash.
 */
#ifndef VPB_FUZZ_H
#define VPB_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, and crash (libFuzzer saves the input). */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* @data as a malloc'ed C string (a parser of text sees it up to the first NUL). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The scratch directory's name; empty until fuzz_dir() makes it. */
static inline char *fuzz_dir_name(void)
{
	static char dir[PATH_MAX];

	return dir;
}

static inline int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void fuzz_cleanup(void)
{
	nftw(fuzz_dir_name(), fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory ($TMPDIR/vpb-fuzz.XXXXXX), made on first use, removed at exit. */
static inline const char *fuzz_dir(void)
{
	char *dir = fuzz_dir_name();

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, PATH_MAX, "%s/vpb-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		FUZZ_CHECK(mkdtemp(dir));
		atexit(fuzz_cleanup);
	}
	return dir;
}

/* <scratch>/<name> into @buf (PATH_MAX), making the directories above it. */
static inline const char *fuzz_path(const char *name, char *buf)
{
	char *slash;

	snprintf(buf, PATH_MAX, "%s/%s", fuzz_dir(), name);
	for (slash = strchr(buf + strlen(fuzz_dir()) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(buf, 0755);
		*slash = '/';
	}
	return buf;
}

/*
 * Write @size bytes at @data to a new file <scratch>/<name> (what was there,
 * a link to a fixture included, is removed first); returns its path in @buf.
 */
static inline const char *fuzz_write(const char *name, const void *data, size_t size, char *buf)
{
	int fd;

	unlink(fuzz_path(name, buf));
	fd = open(buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	return buf;
}

/* Make <scratch>/<name> a symbolic link to @target (replacing what was there). */
static inline void fuzz_link(const char *target, const char *name)
{
	char buf[PATH_MAX];

	unlink(fuzz_path(name, buf));
	FUZZ_CHECK(!symlink(target, buf));
}

#endif

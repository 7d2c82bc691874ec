// SPDX-License-Identifier: GPL-2.0
#include "results.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The file is written unnamed (O_TMPFILE) and linked under its final name
 * only when complete: a run killed meanwhile (SIGKILL) leaves nothing. A
 * file that already exists (run.json, rewritten at the end) is replaced by
 * linking under a temp name and renaming over it, two system calls apart.
 * Where O_TMPFILE is not supported, a named temp file is written instead.
 */
int results_open(struct results_file *rf, const char *path)
{
	char dir[4096];
	char *slash;
	int fd;

	memset(rf, 0, sizeof(*rf));
	if (snprintf(rf->path, sizeof(rf->path), "%s", path) >= (int)sizeof(rf->path) ||
	    snprintf(rf->tmp, sizeof(rf->tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(rf->tmp)) {
		vpb_err("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0) {
		rf->unnamed = true;
	} else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
		fd = mkstemp(rf->tmp);
		if (fd >= 0)
			fchmod(fd, 0644);
	}
	if (fd < 0) {
		int e = errno;

		vpb_err("cannot write %s: %s", path, strerror(e));
		return -e;
	}
	rf->f = fdopen(fd, "w");
	if (!rf->f) {
		int e = errno;

		close(fd);
		if (!rf->unnamed)
			unlink(rf->tmp);
		vpb_err("cannot write %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

int results_open_new(struct results_file *rf, const char *path)
{
	int ret = results_open(rf, path);

	rf->keep = true;
	return ret;
}

void results_abort(struct results_file *rf)
{
	if (rf->f) {
		fclose(rf->f);
		rf->f = NULL;
		if (!rf->unnamed)
			unlink(rf->tmp);
	}
}

/* Give the unnamed file @fd its name: @rf->path, or over an existing one. */
static int link_unnamed(struct results_file *rf, int fd)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, rf->path, AT_SYMLINK_FOLLOW))
		return 0;
	if (errno != EEXIST || rf->keep)
		return errno;
	for (unsigned int i = 0;; i++) {
		if (snprintf(rf->tmp, sizeof(rf->tmp), "%s.tmp.%ld.%u", rf->path, (long)getpid(),
			     i) >= (int)sizeof(rf->tmp))
			return ENAMETOOLONG;
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, rf->tmp, AT_SYMLINK_FOLLOW))
			break;
		if (errno != EEXIST)
			return errno;
	}
	if (rename(rf->tmp, rf->path)) {
		int e = errno;

		unlink(rf->tmp);
		return e;
	}
	return 0;
}

int results_commit(struct results_file *rf)
{
	int e = 0;

	if (!rf->f)
		return -EBADF;
	if (fflush(rf->f) || ferror(rf->f) || fsync(fileno(rf->f)))
		e = errno ? errno : EIO;
	if (!e && rf->unnamed)
		e = link_unnamed(rf, fileno(rf->f));
	if (fclose(rf->f) && !e)
		e = errno ? errno : EIO;
	rf->f = NULL;
	if (!e && !rf->unnamed && rf->keep) {
		if (link(rf->tmp, rf->path))
			e = errno;
		unlink(rf->tmp);
	} else if (!e && !rf->unnamed && rename(rf->tmp, rf->path)) {
		e = errno;
	}
	if (e) {
		if (!rf->unnamed)
			unlink(rf->tmp);
		vpb_err("cannot write %s: %s", rf->path, strerror(e));
		return -e;
	}
	return 0;
}

int results_write_json(const char *path, const json_t *j)
{
	struct results_file rf;
	int ret = results_open(&rf, path);

	if (ret)
		return ret;
	if (json_dumpf(j, rf.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) ||
	    fputc('\n', rf.f) == EOF) {
		results_abort(&rf);
		vpb_err("cannot write %s: %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return results_commit(&rf);
}

json_t *results_load_json(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j) {
		if (err.line < 0)
			vpb_err("%s: %s", path, err.text);
		else
			vpb_err("%s:%d:%d: %s", path, err.line, err.column, err.text);
	}
	return j;
}

int results_mkdirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf)) {
		vpb_err("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST) {
				int e = errno;

				vpb_err("cannot create directory %s: %s", buf, strerror(e));
				return -e;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

void results_case_stem(const char *suite, const char *name, const char *device, const char *point,
		       char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.%s", suite, name);

	/* 0000:01:00.0 -> 01-00.0 */
	if (strlen(device) == 12 && device[4] == ':' && device[7] == ':' && device[10] == '.' &&
	    n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ".%.2s-%s", device + 5, device + 8);
	if (point[0] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ".%s", point);
}

void results_csv_field(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return;
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && s[n - 1] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\r' || *s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

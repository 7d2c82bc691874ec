// SPDX-License-Identifier: GPL-2.0
#include "results.h"
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int results_open(struct results_file *rf, const char *path)
{
	int fd;

	memset(rf, 0, sizeof(*rf));
	if (snprintf(rf->path, sizeof(rf->path), "%s", path) >= (int)sizeof(rf->path) ||
	    snprintf(rf->tmp, sizeof(rf->tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(rf->tmp)) {
		vpb_err("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(rf->tmp);
	if (fd < 0) {
		int e = errno;

		vpb_err("cannot write %s: %s", path, strerror(e));
		return -e;
	}
	fchmod(fd, 0644);
	rf->f = fdopen(fd, "w");
	if (!rf->f) {
		int e = errno;

		close(fd);
		unlink(rf->tmp);
		vpb_err("cannot write %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

void results_abort(struct results_file *rf)
{
	if (rf->f) {
		fclose(rf->f);
		rf->f = NULL;
		unlink(rf->tmp);
	}
}

int results_commit(struct results_file *rf)
{
	int e = 0;

	if (!rf->f)
		return -EBADF;
	if (fflush(rf->f) || ferror(rf->f) || fsync(fileno(rf->f)))
		e = errno ? errno : EIO;
	if (fclose(rf->f) && !e)
		e = errno ? errno : EIO;
	rf->f = NULL;
	if (!e && rename(rf->tmp, rf->path))
		e = errno;
	if (e) {
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

// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg.c - the kernel log since a mark, and its splats.
 */
#include "kmsg.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kmsg_mark(struct kmsg *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int ret = -errno;

		close(k->fd);
		k->fd = -1;
		return ret;
	}
	return 0;
}

const char *kmsg_text(const char *record)
{
	const char *semi = strchr(record, ';');

	return semi ? semi + 1 : record;
}

const char *kmsg_splat(const char *msg)
{
	/* The first line of each report, as the kernel prints it. */
	static const struct {
		const char *start, *kind;
	} reports[] = {
		{"WARNING: possible circular locking dependency", "lockdep"},
		{"WARNING: possible recursive locking", "lockdep"},
		{"WARNING: inconsistent lock state", "lockdep"},
		{"WARNING: suspicious RCU usage", "lockdep"},
		{"WARNING: bad unlock balance", "lockdep"},
		{"WARNING: lock held when returning to user space", "lockdep"},
		{"WARNING: held lock freed", "lockdep"},
		{"WARNING: possible irq lock inversion", "lockdep"},
		{"BUG: KASAN:", "kasan"},
		{"UBSAN:", "ubsan"},
		{"BUG: sleeping function called from invalid context", "atomic-sleep"},
		{"BUG: scheduling while atomic", "atomic-sleep"},
		{"ODEBUG:", "debugobjects"},
		{"DEBUG_LOCKS_WARN_ON", "lockdep"},
		{"INFO: task ", "hung-task"},
		{"Kernel panic", "panic"},
		{"Oops:", "oops"},
		{"general protection fault", "oops"},
		{"WARNING:", "warn"},
		{"BUG:", "bug"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(reports); i++)
		if (strstr(msg, reports[i].start))
			return reports[i].kind;
	return NULL;
}

void kmsg_scan(struct kmsg *k)
{
	char rec[8192];

	while (k->fd >= 0) {
		ssize_t n = read(k->fd, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0 && errno == EPIPE) { /* overwritten: skip ahead */
			k->lost++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0'; /* drop the " KEY=value" lines */
		msg = kmsg_text(rec);
		if (kmsg_splat(msg)) {
			k->splats++;
			k->context = KMSG_CONTEXT + 1;
		}
		if (k->context > 0 && k->used + 1 < sizeof(k->excerpt)) {
			int w = snprintf(k->excerpt + k->used, sizeof(k->excerpt) - k->used, "%s\n",
					 msg);

			if (w > 0)
				k->used += (size_t)w;
			if (k->used >= sizeof(k->excerpt))
				k->used = sizeof(k->excerpt) - 1;
			k->context--;
		}
	}
}

unsigned int kmsg_close(struct kmsg *k)
{
	kmsg_scan(k);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	return k->splats;
}

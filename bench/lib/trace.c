// SPDX-License-Identifier: GPL-2.0
#include "trace.h"
#include "sysfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACEFS "/sys/kernel/tracing"

static int event_write(const char *event, const char *file, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), TRACEFS "/events/rpm/%s/%s", event, file);
	return sysfs_write_str(path, val);
}

int trace_rpm_start(const char *event, const char *name, char *why, size_t len)
{
	char filter[96];
	int ret;

	if (!sysfs_is_dir(TRACEFS "/events/rpm")) {
		snprintf(why, len,
			 "no tracefs rpm events at " TRACEFS
			 " (mount tracefs; CONFIG_FTRACE and CONFIG_PM)");
		return -ENOENT;
	}
	snprintf(filter, sizeof(filter), "name == \"%s\"", name);
	ret = event_write(event, "filter", filter);
	if (!ret)
		ret = sysfs_replace_str(TRACEFS "/trace", "");
	if (!ret)
		ret = event_write(event, "enable", "1");
	if (ret)
		snprintf(why, len, "cannot enable rpm/%s: %s", event, strerror(-ret));
	return ret;
}

int trace_rpm_stop(const char *event)
{
	char *buf = NULL, needle[48];
	ssize_t n;
	int count = 0;

	event_write(event, "enable", "0");
	event_write(event, "filter", "0");
	n = sysfs_read_all(TRACEFS "/trace", &buf, 64u << 20);
	if (n < 0)
		return (int)n;
	snprintf(needle, sizeof(needle), " %s: ", event);
	for (char *p = buf; (p = strstr(p, needle)); p++)
		count++;
	free(buf);
	return count;
}

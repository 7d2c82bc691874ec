// SPDX-License-Identifier: GPL-2.0
#include "holders.h"
#include "pcidev.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The device files that open @bdf: its group's, under both names, and its cdev. */
static int device_files(const char *bdf, char (*names)[64], int max)
{
	char rel[128], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0, group;

	if (!pcidev_iommu_group(bdf, &group) && n + 2 <= max) {
		snprintf(names[n++], 64, "/dev/vfio/%d", group);
		snprintf(names[n++], 64, "/dev/vfio/noiommu-%d", group);
	}
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = sysfs_path(rel, path, sizeof(path)) ? NULL : opendir(path);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4) && n < max)
			snprintf(names[n++], 64, "/dev/vfio/devices/%.40s", de->d_name);
	if (d)
		closedir(d);
	return n;
}

/* Whether process @pid has one of @names open; the first one in @h. */
static bool holds(const char *pid, char (*names)[64], int n, struct holder *h)
{
	char rel[64], dir[PATH_MAX], link[PATH_MAX + 300], target[256];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(rel, sizeof(rel), "/proc/%.20s/fd", pid);
	d = sysfs_path(rel, dir, sizeof(dir)) ? NULL : opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		for (int i = 0; i < n && !found; i++)
			if (!strcmp(target, names[i])) {
				snprintf(h->file, sizeof(h->file), "%s", names[i]);
				found = true;
			}
	}
	closedir(d);
	return found;
}

int holders_find(const char *bdf, struct holder *h)
{
	char names[4][64], path[PATH_MAX], rel[64];
	struct dirent *de;
	int n = device_files(bdf, names, 4), ret = 0;
	DIR *d;

	if (!n)
		return 0;
	if (sysfs_path("/proc", path, sizeof(path)))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (end == de->d_name || *end || pid <= 0 || pid == (long)getpid())
			continue;
		if (!holds(de->d_name, names, n, h))
			continue;
		h->pid = (pid_t)pid;
		snprintf(rel, sizeof(rel), "/proc/%ld/comm", pid);
		if (sysfs_read_str(rel, h->comm, sizeof(h->comm)))
			snprintf(h->comm, sizeof(h->comm), "?");
		ret = 1;
	}
	closedir(d);
	return ret;
}

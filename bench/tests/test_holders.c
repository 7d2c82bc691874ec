// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bench/lib/holders.c: finding the process that holds a
 * device's vfio group or cdev open, on a fake /proc and /sys tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holders.h"
#include "sysfs.h"

static char root[PATH_MAX];

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

/* A process @pid named @comm with fd 0 on /dev/null and fd 5 on @file. */
static void process(long pid, const char *comm, const char *file)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "proc/%ld/fd", pid);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "proc/%ld/comm", pid);
	put(rel, comm);
	snprintf(rel, sizeof(rel), "proc/%ld/fd/0", pid);
	link_to("/dev/null", rel);
	snprintf(rel, sizeof(rel), "proc/%ld/fd/5", pid);
	link_to(file, rel);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vpb-holders-XXXXXX");
	assert_non_null(mkdtemp(root));
	/* 03.0: noiommu group 7 and cdev vfio2; 04.0: group 8, no cdev. */
	mkdirs("sys/kernel/iommu_groups/7");
	mkdirs("sys/kernel/iommu_groups/8");
	mkdirs("sys/bus/pci/devices/0000:00:03.0/vfio-dev/vfio2");
	mkdirs("sys/bus/pci/devices/0000:00:04.0");
	link_to("../../../../kernel/iommu_groups/7",
		"sys/bus/pci/devices/0000:00:03.0/iommu_group");
	link_to("../../../../kernel/iommu_groups/8",
		"sys/bus/pci/devices/0000:00:04.0/iommu_group");
	mkdirs("proc/self"); /* not a pid: passed over */
	process(100, "sh\n", "/dev/tty");
	process(4242, "vfio-pm-bench\n", "/dev/vfio/noiommu-77"); /* group 77, not 7 */
	sysfs_set_root(root);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	sysfs_set_root(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_none(void **state)
{
	struct holder h;

	(void)state;
	assert_int_equal(holders_find("0000:00:03.0", &h), 0);
	assert_int_equal(holders_find("0000:00:04.0", &h), 0);
	/* No such device: no files to look for. */
	assert_int_equal(holders_find("0000:00:09.0", &h), 0);
}

static void test_group(void **state)
{
	struct holder h;

	(void)state;
	process(3001, "stuck-run\n", "/dev/vfio/noiommu-7");
	assert_int_equal(holders_find("0000:00:03.0", &h), 1);
	assert_int_equal(h.pid, 3001);
	assert_string_equal(h.comm, "stuck-run");
	assert_string_equal(h.file, "/dev/vfio/noiommu-7");
	assert_int_equal(holders_find("0000:00:04.0", &h), 0);
	link_to("/dev/vfio/8", "proc/3001/fd/5"); /* the type1 name of group 8 */
	assert_int_equal(holders_find("0000:00:03.0", &h), 0);
	assert_int_equal(holders_find("0000:00:04.0", &h), 1);
	assert_string_equal(h.file, "/dev/vfio/8");
	link_to("/dev/null", "proc/3001/fd/5");
}

static void test_cdev(void **state)
{
	struct holder h;

	(void)state;
	process(3002, "qemu\n", "/dev/vfio/devices/vfio2");
	assert_int_equal(holders_find("0000:00:03.0", &h), 1);
	assert_int_equal(h.pid, 3002);
	assert_string_equal(h.file, "/dev/vfio/devices/vfio2");
	link_to("/dev/vfio/devices/vfio20", "proc/3002/fd/5");
	assert_int_equal(holders_find("0000:00:03.0", &h), 0);
}

/* This process is never its own holder. */
static void test_self(void **state)
{
	char rel[64];
	struct holder h;

	(void)state;
	process((long)getpid(), "vfio-pm-bench\n", "/dev/vfio/noiommu-7");
	assert_int_equal(holders_find("0000:00:03.0", &h), 0);
	snprintf(rel, sizeof(rel), "proc/%ld/fd/5", (long)getpid());
	link_to("/dev/null", rel);
}

/* A process whose fds cannot be read (gone meanwhile) is passed over. */
static void test_unreadable(void **state)
{
	struct holder h;

	(void)state;
	mkdirs("proc/3003"); /* no fd/ */
	process(3004, "holder\n", "/dev/vfio/noiommu-7");
	assert_int_equal(holders_find("0000:00:03.0", &h), 1);
	assert_int_equal(h.pid, 3004);
	link_to("/dev/null", "proc/3004/fd/5");
}

static void test_no_proc(void **state)
{
	char path[PATH_MAX + 16], moved[PATH_MAX + 16];
	struct holder h;

	(void)state;
	snprintf(path, sizeof(path), "%s/proc", root);
	snprintf(moved, sizeof(moved), "%s/proc.moved", root);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(holders_find("0000:00:03.0", &h), -ENOENT);
	assert_int_equal(rename(moved, path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),	   cmocka_unit_test(test_group),
		cmocka_unit_test(test_cdev),	   cmocka_unit_test(test_self),
		cmocka_unit_test(test_unreadable), cmocka_unit_test(test_no_proc),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

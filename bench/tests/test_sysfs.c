// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/sysfs.c on the fixture trees and a temp tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

#define ACPI_DEV "/sys/bus/pci/devices/0000:01:00.0"

static int root_acpi(void **state)
{
	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-acpi/");
	return 0;
}

static int root_real(void **state)
{
	(void)state;
	sysfs_set_root(NULL);
	return 0;
}

static void test_root_and_path(void **state)
{
	char p[PATH_MAX];

	(void)state;
	assert_string_equal(sysfs_get_root(), VPB_FIXTURES "/root-acpi");
	assert_int_equal(sysfs_path("/proc/cmdline", p, sizeof(p)), 0);
	assert_string_equal(p, VPB_FIXTURES "/root-acpi/proc/cmdline");
	assert_int_equal(sysfs_path("proc/cmdline", p, sizeof(p)), -EINVAL);
	assert_int_equal(sysfs_path("/proc/cmdline", p, 8), -ENAMETOOLONG);
	sysfs_set_root("/");
	assert_string_equal(sysfs_get_root(), "");
	assert_int_equal(sysfs_path("/proc/cmdline", p, sizeof(p)), 0);
	assert_string_equal(p, "/proc/cmdline");
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
}

static void test_read_str(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(sysfs_read_str(ACPI_DEV "/power_state", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "D3cold");
	assert_int_equal(sysfs_read_str(ACPI_DEV "/firmware_node/path", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\_SB_.PCI0.RP05.PXSX");
	assert_int_equal(sysfs_read_str(ACPI_DEV "/nope", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
	/* "D3cold\n" in 4 bytes: truncated, reported */
	assert_int_equal(sysfs_read_str(ACPI_DEV "/power_state", buf, 4), -EOVERFLOW);
	assert_string_equal(buf, "D3c");
	/* exactly fitting with its newline: 7 bytes + NUL */
	assert_int_equal(sysfs_read_str(ACPI_DEV "/power_state", buf, 8), 0);
	assert_string_equal(buf, "D3cold");
	assert_int_equal(sysfs_read_str(ACPI_DEV "/power_state", buf, 0), -EINVAL);
}

static void test_read_numbers(void **state)
{
	uint64_t u = 0;
	int i = 0;

	(void)state;
	assert_int_equal(sysfs_read_u64(ACPI_DEV "/vendor", &u), 0);
	assert_int_equal(u, 0x144d);
	assert_int_equal(sysfs_read_u64(ACPI_DEV "/class", &u), 0);
	assert_int_equal(u, 0x010802);
	assert_int_equal(sysfs_read_u64(ACPI_DEV "/d3cold_delay", &u), 0);
	assert_int_equal(u, 100);
	assert_int_equal(sysfs_read_int(ACPI_DEV "/current_link_width", &i), 0);
	assert_int_equal(i, 4);
	assert_int_equal(sysfs_read_int(ACPI_DEV "/device", &i), 0);
	assert_int_equal(i, 0xa808);
	assert_int_equal(sysfs_read_int(ACPI_DEV "/power_state", &i), -EINVAL);
	assert_int_equal(sysfs_read_u64(ACPI_DEV "/power_state", &u), -EINVAL);
	assert_int_equal(sysfs_read_u64(ACPI_DEV "/missing", &u), -ENOENT);
}

static void test_links_and_exists(void **state)
{
	char buf[64], real[PATH_MAX];

	(void)state;
	assert_int_equal(sysfs_read_link_name(ACPI_DEV "/driver", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(sysfs_read_link_name(ACPI_DEV "/iommu_group", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "3");
	assert_int_equal(sysfs_read_link_name(ACPI_DEV "/driver", buf, 4), -ENAMETOOLONG);
	assert_int_equal(sysfs_read_link_name(ACPI_DEV "/vendor", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(sysfs_read_link_name(ACPI_DEV "/nolink", buf, sizeof(buf)), -ENOENT);
	assert_true(sysfs_exists(ACPI_DEV "/config"));
	assert_true(sysfs_exists(ACPI_DEV));
	assert_false(sysfs_exists(ACPI_DEV "/nope"));
	assert_true(sysfs_is_dir(ACPI_DEV "/firmware_node/power_resources_D0"));
	assert_false(sysfs_is_dir(ACPI_DEV "/vendor"));
	assert_int_equal(sysfs_realpath(ACPI_DEV, real, sizeof(real)), 0);
	assert_string_equal(real, "/sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0");
}

static void test_read_bin_and_all(void **state)
{
	uint8_t cfg[4096];
	char *all = NULL;
	ssize_t n;

	(void)state;
	n = sysfs_read_bin(ACPI_DEV "/config", cfg, sizeof(cfg));
	assert_int_equal(n, 256);
	assert_int_equal(cfg[0], 0x4d);
	assert_int_equal(cfg[1], 0x14);
	assert_int_equal(cfg[0x34], 0x40);
	assert_int_equal(sysfs_read_bin(ACPI_DEV "/config", cfg, 16), 16);
	assert_int_equal(sysfs_read_bin(ACPI_DEV "/nope", cfg, 16), -ENOENT);

	n = sysfs_read_all("/proc/cmdline", &all, 1 << 20);
	assert_int_equal(n, strlen("BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on\n"));
	assert_string_equal(all, "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on\n");
	free(all);
	all = NULL;
	/* the 4-CPU cpuinfo is larger than 64 bytes: refused, nothing leaked */
	assert_int_equal(sysfs_read_all("/proc/cpuinfo", &all, 64), -EFBIG);
	assert_null(all);
	n = sysfs_read_all("/proc/cpuinfo", &all, 1 << 20);
	assert_true(n > 4096 / 16);
	assert_non_null(strstr(all, "Gold 6230"));
	free(all);
}

static void test_write_str(void **state)
{
	char dir[] = "/tmp/vpb-sysfs-XXXXXX", p[PATH_MAX + 32], buf[32];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/driver_override", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	sysfs_set_root(dir);
	assert_int_equal(sysfs_write_str("/driver_override", "vfio-pci"), 0);
	assert_int_equal(sysfs_read_str("/driver_override", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	/* no O_CREAT: a missing attribute is an error, not a new file */
	assert_int_equal(sysfs_write_str("/new_id", "8086 10d3"), -ENOENT);
	assert_false(sysfs_exists("/new_id"));
	unlink(p);
	rmdir(dir);
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
}

static void test_real_root(void **state)
{
	char buf[256];

	(void)state;
	sysfs_set_root(NULL);
	assert_int_equal(sysfs_read_str("/proc/sys/kernel/osrelease", buf, sizeof(buf)), 0);
	assert_true(strlen(buf) > 0);
	assert_null(strchr(buf, '\n'));
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_path),	 cmocka_unit_test(test_read_str),
		cmocka_unit_test(test_read_numbers),	 cmocka_unit_test(test_links_and_exists),
		cmocka_unit_test(test_read_bin_and_all), cmocka_unit_test(test_write_str),
		cmocka_unit_test(test_real_root),
	};

	return cmocka_run_group_tests(tests, root_acpi, root_real);
}

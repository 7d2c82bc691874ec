// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/modules.c: what a run records before it swaps
 * the vfio modules, read from a fake sysfs tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "modules.h"
#include "scratch.h"
#include "sysfs.h"

static char root[PATH_MAX];

static void put(const char *rel, const char *val)
{
	char path[PATH_MAX + 256], cmd[PATH_MAX + 300];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", val);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vpb-test-modules.XXXXXX");
	assert_non_null(mkdtemp(root));
	sysfs_set_root(root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sysfs_set_root(NULL);
	return scratch_remove(root);
}

static void test_save(void **state)
{
	char devs[3][16] = {"0000:00:03.0", "0000:00:04.0", "0000:01:00.0"};
	struct modules_saved s;

	(void)state;
	put("/sys/module/vfio/version", "0.3");
	put("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y");
	put("/sys/module/vfio_pci_core/refcnt", "1");
	put("/sys/module/vfio_pci/refcnt", "0");
	/* bound to vfio-pci through driver_override */
	put("/sys/bus/pci/devices/0000:00:03.0/driver_override", "vfio-pci");
	put("/sys/bus/pci/drivers/vfio-pci/bind", "");
	link_to("/sys/bus/pci/devices/0000:00:03.0/driver", "../../drivers/vfio-pci");
	/* bound to its own driver, no override */
	put("/sys/bus/pci/devices/0000:00:04.0/driver_override", "(null)");
	put("/sys/bus/pci/drivers/nvme/bind", "");
	link_to("/sys/bus/pci/devices/0000:00:04.0/driver", "../../drivers/nvme");
	/* unbound */
	put("/sys/bus/pci/devices/0000:01:00.0/driver_override", "(null)");

	assert_int_equal(modules_save(&s, devs, 3), 0);
	assert_true(s.loaded[0]);
	assert_false(s.loaded[1]); /* vfio_iommu_type1 not loaded */
	assert_false(s.loaded[2]); /* vfio_virqfd: a module before 6.2 only */
	assert_true(s.loaded[3]);
	assert_true(s.loaded[4]);
	assert_string_equal(s.version, "0.3");
	assert_string_equal(s.noiommu, "Y");
	assert_string_equal(s.unsafe, "");
	assert_int_equal(s.ndevices, 3);
	assert_string_equal(s.driver[0], "vfio-pci");
	assert_string_equal(s.override[0], "vfio-pci");
	assert_string_equal(s.driver[1], "nvme");
	assert_string_equal(s.override[1], "");
	assert_string_equal(s.driver[2], "");
	assert_string_equal(s.override[2], "");
}

static void test_save_nothing_loaded(void **state)
{
	char devs[1][16] = {"0000:00:03.0"};
	struct modules_saved s;

	(void)state;
	put("/sys/bus/pci/devices/0000:00:03.0/driver_override", "(null)");
	assert_int_equal(modules_save(&s, devs, 1), 0);
	for (int i = 0; i < MODULES_NVFIO; i++)
		assert_false(s.loaded[i]);
	assert_string_equal(s.version, "");
	assert_string_equal(s.driver[0], "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_nothing_loaded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

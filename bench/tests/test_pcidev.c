// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/pcidev.c on the fixture trees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "pcidev.h"
#include "sysfs.h"

static int reset_root(void **state)
{
	(void)state;
	sysfs_set_root(NULL);
	return 0;
}

static void test_normalize(void **state)
{
	char out[PCIDEV_BDF_LEN];

	(void)state;
	assert_int_equal(pcidev_normalize_bdf("00:03.0", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:00:03.0");
	assert_int_equal(pcidev_normalize_bdf("0000:0A:1F.7", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:0a:1f.7");
	assert_int_equal(pcidev_normalize_bdf("abcd:ff:00.1", out, sizeof(out)), 0);
	assert_string_equal(out, "abcd:ff:00.1");
	static const char *const bad[] = {
		"",	    "0:3.0",	     "00:03",	      "00:03.8",      "00:20.0",
		"00:03.0 ", " 00:03.0",	     "000:00:03.0",   "0000-00:03.0", "0000:00:03:0",
		"g0:03.0",  "0000:00:03.0x", "00000:00:03.0", "00.03.0",      "0000:00:03.-",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pcidev_normalize_bdf(bad[i], out, sizeof(out)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(pcidev_normalize_bdf(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(pcidev_normalize_bdf("00:03.0", out, 12), -ENOSPC);
}

static void test_pm_cap_parse(void **state)
{
	uint8_t cfg[256] = {0};
	struct pcidev_info info;

	(void)state;
	/* no capability list */
	assert_int_equal(pcidev_parse_pm_cap(cfg, sizeof(cfg), &info), 0);
	assert_false(info.has_pm_cap);
	assert_int_equal(info.pmcsr_state, -1);
	/* list: 0x40 (MSI) -> 0x60 (PM, PMC 0x7e03 D1 D2 PME D0..D3hot, PMCSR D2) */
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x05;
	cfg[0x41] = 0x60;
	cfg[0x60] = 0x01;
	cfg[0x61] = 0x00;
	cfg[0x62] = 0x03;
	cfg[0x63] = 0x7e;
	cfg[0x64] = 0x02;
	assert_int_equal(pcidev_parse_pm_cap(cfg, sizeof(cfg), &info), 0);
	assert_true(info.has_pm_cap);
	assert_int_equal(info.pm_cap_offset, 0x60);
	assert_int_equal(info.pmc, 0x7e03);
	assert_int_equal(info.pm_version, 3);
	assert_true(info.d1_support);
	assert_true(info.d2_support);
	assert_int_equal(info.pme_support,
			 PCIDEV_PME_D0 | PCIDEV_PME_D1 | PCIDEV_PME_D2 | PCIDEV_PME_D3HOT);
	assert_false(info.no_soft_reset);
	assert_int_equal(info.pmcsr_state, 2);
	/* a loop in the list is caught */
	cfg[0x61] = 0x40;
	cfg[0x60] = 0x09;
	assert_int_equal(pcidev_parse_pm_cap(cfg, sizeof(cfg), &info), -EINVAL);
	assert_false(info.has_pm_cap);
	/* a pointer into the header is malformed */
	cfg[0x34] = 0x20;
	assert_int_equal(pcidev_parse_pm_cap(cfg, sizeof(cfg), &info), -EINVAL);
	/* only 64 bytes readable (unprivileged): capabilities unknown */
	cfg[0x34] = 0x40;
	assert_int_equal(pcidev_parse_pm_cap(cfg, 64, &info), -ENODATA);
	assert_int_equal(pcidev_parse_pm_cap(cfg, 32, &info), -EINVAL);
}

static void test_read_acpi(void **state)
{
	struct pcidev_info d;

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
	assert_int_equal(pcidev_read("01:00.0", &d), 0);
	assert_string_equal(d.bdf, "0000:01:00.0");
	assert_int_equal(d.vendor, 0x144d);
	assert_int_equal(d.device, 0xa808);
	assert_int_equal(d.subsystem_vendor, 0x144d);
	assert_int_equal(d.subsystem_device, 0xa801);
	assert_int_equal(d.class, 0x010802);
	assert_string_equal(d.driver, "vfio-pci");
	assert_int_equal(d.config_len, 256);
	assert_true(d.has_pm_cap);
	assert_int_equal(d.pm_cap_offset, 0x50);
	assert_int_equal(d.pmc, 0xca03);
	assert_int_equal(d.pmcsr, 0x0008);
	assert_int_equal(d.pm_version, 3);
	assert_true(d.d1_support);
	assert_false(d.d2_support);
	assert_int_equal(d.pme_support, PCIDEV_PME_D0 | PCIDEV_PME_D3HOT | PCIDEV_PME_D3COLD);
	assert_true(d.no_soft_reset);
	assert_int_equal(d.pmcsr_state, 0);
	assert_string_equal(d.power_state, "D3cold");
	assert_string_equal(d.runtime_status, "suspended");
	assert_int_equal(d.runtime_usage, 0);
	assert_int_equal(d.d3cold_allowed, 1);
	assert_int_equal(d.d3cold_delay_ms, 100);
	assert_int_equal(d.d3hot_delay_ms, 10);
	assert_string_equal(d.acpi_path, "\\_SB_.PCI0.RP05.PXSX");
	assert_true(d.acpi_pr0);
	assert_true(d.acpi_pr3);
	assert_string_equal(d.acpi_real_power_state, "D3cold");
	assert_string_equal(d.current_link_speed, "8.0 GT/s PCIe");
	assert_int_equal(d.current_link_width, 4);
	assert_string_equal(d.parent_bdf, "0000:00:1c.0");
	assert_int_equal(d.iommu_group, 3);
	assert_true(d.noiommu);

	/* the root port itself: on the root bus */
	assert_int_equal(pcidev_read("0000:00:1c.0", &d), 0);
	assert_string_equal(d.parent_bdf, "");
	assert_string_equal(d.driver, "");
	assert_false(d.has_pm_cap);
	assert_int_equal(d.class, 0x060400);
}

static void test_read_noacpi(void **state)
{
	struct pcidev_info d;

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-noacpi");
	assert_int_equal(pcidev_read("00:03.0", &d), 0);
	assert_int_equal(d.vendor, 0x8086);
	assert_int_equal(d.device, 0x10d3);
	assert_int_equal(d.class, 0x020000);
	assert_string_equal(d.driver, "e1000e");
	assert_true(d.has_pm_cap);
	assert_int_equal(d.pm_cap_offset, 0xc8);
	assert_int_equal(d.pmc, 0x0022);
	assert_int_equal(d.pm_version, 2);
	assert_false(d.d1_support);
	assert_false(d.d2_support);
	assert_int_equal(d.pme_support, 0);
	assert_false(d.no_soft_reset);
	assert_int_equal(d.pmcsr_state, 3);
	assert_string_equal(d.power_state, "D0");
	assert_string_equal(d.runtime_status, "active");
	assert_int_equal(d.runtime_usage, -1);
	assert_int_equal(d.d3cold_allowed, -1);
	assert_int_equal(d.d3cold_delay_ms, -1);
	assert_int_equal(d.d3hot_delay_ms, -1);
	assert_string_equal(d.acpi_path, "");
	assert_false(d.acpi_pr0);
	assert_false(d.acpi_pr3);
	assert_string_equal(d.acpi_real_power_state, "");
	assert_string_equal(d.current_link_speed, "");
	assert_int_equal(d.current_link_width, -1);
	assert_string_equal(d.parent_bdf, "");
	assert_int_equal(d.iommu_group, 7);
	assert_false(d.noiommu);
}

static void test_missing_device(void **state)
{
	struct pcidev_info d;
	char why[128];
	int g;

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-noacpi");
	assert_int_equal(pcidev_read("00:09.0", &d), -ENOENT);
	assert_int_equal(pcidev_read("00:09", &d), -EINVAL);
	assert_int_equal(pcidev_check_vfio("00:09.0", why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "0000:00:09.0: no such PCI device");
	assert_int_equal(pcidev_iommu_group("00:09.0", &g), -ENOENT);
	assert_false(pcidev_noiommu("00:09.0"));
}

static void test_check_vfio(void **state)
{
	char why[128];
	int g = -1;

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-noacpi");
	assert_int_equal(pcidev_check_vfio("00:03.0", why, sizeof(why)), -EBUSY);
	assert_string_equal(why, "0000:00:03.0 is bound to e1000e, not vfio-pci");
	/* the host bridge has no driver link in the fixture */
	assert_int_equal(pcidev_check_vfio("00:00.0", why, sizeof(why)), -EBUSY);
	assert_string_equal(why, "0000:00:00.0 is not bound to any driver (bind it to vfio-pci)");
	assert_int_equal(pcidev_check_vfio("bogus", why, sizeof(why)), -EINVAL);
	assert_int_equal(pcidev_iommu_group("0000:00:03.0", &g), 0);
	assert_int_equal(g, 7);

	sysfs_set_root(VPB_FIXTURES "/root-acpi");
	assert_int_equal(pcidev_check_vfio("01:00.0", why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(pcidev_iommu_group("01:00.0", &g), 0);
	assert_int_equal(g, 3);
	assert_true(pcidev_noiommu("01:00.0"));
	assert_int_equal(pcidev_iommu_group("00:1c.0", &g), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_pm_cap_parse),
		cmocka_unit_test_teardown(test_read_acpi, reset_root),
		cmocka_unit_test_teardown(test_read_noacpi, reset_root),
		cmocka_unit_test_teardown(test_missing_device, reset_root),
		cmocka_unit_test_teardown(test_check_vfio, reset_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

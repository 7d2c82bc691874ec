// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/platform.c on the fixture trees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "sysfs.h"

#define SYNTH "pack:2 l3:2 core:4 pu:2"

static int teardown(void **state)
{
	(void)state;
	sysfs_set_root(NULL);
	platform_set_topology(NULL);
	return 0;
}

static const char *jstr(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);

	if (path2)
		v = json_object_get(v, path2);
	return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	if (!json_is_integer(v))
		fail_msg("%s.%s is not an integer", k1, k2 ? k2 : "");
	return json_integer_value(v);
}

static void test_fnv(void **state)
{
	(void)state;
	assert_true(platform_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(platform_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(platform_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

static void test_identity_acpi(void **state)
{
	json_t *id, *dev;
	char err[256], slug[128];

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
	platform_set_topology(SYNTH);
	id = platform_identity("01:00.0", err, sizeof(err));
	if (!id)
		fail_msg("%s", err);
	assert_int_equal(jint(id, "schema", NULL), 1);
	assert_string_equal(jstr(id, "cpu", "model"), "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
	assert_string_equal(jstr(id, "cpu", "vendor"), "GenuineIntel");
	assert_int_equal(jint(id, "cpu", "packages"), 2);
	assert_int_equal(jint(id, "cpu", "logical_cpus"), 4);
	assert_true(json_is_false(json_object_get(json_object_get(id, "cpu"), "hypervisor_flag")));
	assert_int_equal(jint(id, "topology", "packages"), 2);
	assert_int_equal(jint(id, "topology", "l3"), 4);
	assert_int_equal(jint(id, "topology", "cores"), 16);
	assert_int_equal(jint(id, "topology", "pus"), 32);
	assert_int_equal(jint(id, "topology", "numa"), 1);
	assert_string_equal(jstr(id, "topology_source", NULL), SYNTH);
	assert_string_equal(jstr(id, "kernel", "release"), "6.12.0-test");
	assert_string_equal(jstr(id, "kernel", "version"),
			    "Linux version 6.12.0-test (gcc 12) #1 SMP PREEMPT_DYNAMIC");
	assert_string_equal(jstr(id, "kernel", "cmdline"),
			    "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on");
	/* FNV-1a 64 of "CONFIG_VFIO=m\n", computed by hand (python) */
	assert_string_equal(jstr(id, "kernel", "config_hash"), "265e2e94654cd7b4");
	assert_string_equal(jstr(id, "kernel", "config_source"), "/boot/config-6.12.0-test");
	assert_string_equal(jstr(id, "dmi", "sys_vendor"), "Supermicro");
	assert_string_equal(jstr(id, "dmi", "product_name"), "SYS-2029U-TR4");
	assert_string_equal(jstr(id, "dmi", "bios_vendor"), "American Megatrends Inc.");
	assert_string_equal(jstr(id, "dmi", "bios_version"), "3.4");
	assert_string_equal(jstr(id, "dmi", "bios_date"), "10/23/2020");
	assert_string_equal(jstr(id, "host_bridge", NULL), "8086:2020");
	assert_string_equal(jstr(id, "clocksource", NULL), "tsc");
	assert_string_equal(jstr(id, "cpufreq_governor", NULL), "performance");
	assert_int_equal(jint(id, "smt", "active"), 1);
	assert_string_equal(jstr(id, "smt", "control"), "on");
	assert_true(json_is_false(json_object_get(json_object_get(id, "hypervisor"), "detected")));

	dev = json_object_get(id, "device");
	assert_true(json_is_object(dev));
	assert_string_equal(jstr(dev, "bdf", NULL), "0000:01:00.0");
	assert_string_equal(jstr(dev, "vendor", NULL), "144d");
	assert_string_equal(jstr(dev, "device", NULL), "a808");
	assert_string_equal(jstr(dev, "class", NULL), "010802");
	assert_string_equal(jstr(dev, "driver", NULL), "vfio-pci");
	assert_string_equal(jstr(dev, "pmc", NULL), "0xca03");
	assert_true(json_is_true(json_object_get(dev, "acpi_pr0")));
	assert_true(json_is_true(json_object_get(dev, "acpi_pr3")));
	assert_true(json_is_true(json_object_get(dev, "has_pm_cap")));
	assert_true(json_is_true(json_object_get(dev, "no_soft_reset")));
	assert_true(json_is_true(json_object_get(dev, "noiommu")));
	assert_int_equal(json_array_size(json_object_get(dev, "pme_support")), 3);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(dev, "pme_support"), 2)),
		"D3cold");
	assert_int_equal(jint(dev, "d3cold_delay_ms", NULL), 100);
	assert_int_equal(jint(dev, "runtime_usage", NULL), 0);
	assert_string_equal(jstr(dev, "parent_bdf", NULL), "0000:00:1c.0");
	assert_string_equal(jstr(dev, "acpi_path", NULL), "\\_SB_.PCI0.RP05.PXSX");
	assert_string_equal(jstr(dev, "power_state", NULL), "D3cold");
	/* one key per field of struct pcidev_info */
	assert_int_equal(json_object_size(dev), 33);

	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "intel-xeon-gold-6230-2s-144d-a808");
	assert_int_equal(platform_slug(id, slug, 10), -ENOSPC);
	json_decref(id);
}

static void test_identity_noacpi(void **state)
{
	json_t *id, *dev;
	char err[256], slug[128];

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-noacpi");
	platform_set_topology("");
	id = platform_identity("0000:00:03.0", err, sizeof(err));
	if (!id)
		fail_msg("%s", err);
	assert_true(json_is_null(json_object_get(id, "topology")));
	assert_string_equal(jstr(id, "topology_source", NULL), "skipped");
	assert_string_equal(jstr(id, "cpu", "model"), "QEMU Virtual CPU version 2.5+");
	assert_int_equal(jint(id, "cpu", "packages"), 1);
	assert_string_equal(jstr(id, "kernel", "config_hash"), "unknown");
	assert_true(json_is_null(json_object_get(json_object_get(id, "kernel"), "config_source")));
	assert_string_equal(jstr(id, "dmi", "sys_vendor"), "QEMU");
	assert_null(json_object_get(json_object_get(id, "dmi"), "bios_date"));
	assert_string_equal(jstr(id, "host_bridge", NULL), "8086:29c0");
	assert_string_equal(jstr(id, "clocksource", NULL), "hpet");
	assert_string_equal(jstr(id, "cpufreq_governor", NULL), "none");
	assert_true(json_is_null(json_object_get(json_object_get(id, "smt"), "active")));
	assert_true(json_is_null(json_object_get(json_object_get(id, "smt"), "control")));
	assert_true(json_is_true(json_object_get(json_object_get(id, "hypervisor"), "detected")));
	assert_string_equal(jstr(id, "hypervisor", "vendor"), "qemu");
	assert_string_equal(jstr(id, "hypervisor", "evidence"),
			    "cpuinfo hypervisor flag, DMI sys_vendor QEMU, QEMU CPU model");

	dev = json_object_get(id, "device");
	assert_string_equal(jstr(dev, "driver", NULL), "e1000e");
	assert_true(json_is_false(json_object_get(dev, "acpi_pr0")));
	assert_true(json_is_false(json_object_get(dev, "acpi_pr3")));
	assert_string_equal(jstr(dev, "acpi_path", NULL), "");
	assert_true(json_is_null(json_object_get(dev, "runtime_usage")));
	assert_true(json_is_null(json_object_get(dev, "d3cold_delay_ms")));
	assert_int_equal(jint(dev, "pmcsr_state", NULL), 3);
	assert_int_equal(json_array_size(json_object_get(dev, "pme_support")), 0);
	assert_string_equal(jstr(dev, "parent_bdf", NULL), "");

	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "qemu-q35-e1000e");

	/* no DMI (the guest kernel has none): the host bridge still says q35 */
	json_object_set_new(id, "dmi", json_object());
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "qemu-q35-e1000e");
	json_decref(id);

	/* without a device */
	id = platform_identity(NULL, err, sizeof(err));
	assert_non_null(id);
	assert_null(json_object_get(id, "device"));
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "qemu-q35");
	json_decref(id);

	id = platform_identity("00:09.0", err, sizeof(err));
	assert_null(id);
	assert_string_equal(err, "0000:00:09.0: no such PCI device");
}

static void test_slug_stable(void **state)
{
	json_t *a, *b;
	char err[256], s1[128], s2[128];

	(void)state;
	sysfs_set_root(VPB_FIXTURES "/root-acpi");
	platform_set_topology(SYNTH);
	a = platform_identity("0000:01:00.0", err, sizeof(err));
	platform_set_topology("");
	b = platform_identity("01:00.0", err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(platform_slug(a, s1, sizeof(s1)), 0);
	assert_int_equal(platform_slug(b, s2, sizeof(s2)), 0);
	assert_string_equal(s1, s2);
	/* boot-time things do not move it */
	json_object_set_new(json_object_get(b, "kernel"), "cmdline", json_string("quiet"));
	json_object_set_new(json_object_get(b, "kernel"), "release", json_string("6.13"));
	json_object_set_new(json_object_get(b, "device"), "bdf", json_string("0000:02:00.0"));
	json_object_set_new(json_object_get(b, "device"), "power_state", json_string("D0"));
	assert_int_equal(platform_slug(b, s2, sizeof(s2)), 0);
	assert_string_equal(s1, s2);
	for (const char *p = s1; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
	json_decref(a);
	json_decref(b);
}

static void test_slug_rules(void **state)
{
	json_t *id;
	char slug[128];

	(void)state;
	id = json_pack("{s:{s:s, s:i}, s:{}, s:{s:b}}", "cpu", "model",
		       "AMD EPYC 7763 64-Core Processor", "packages", 2, "dmi", "hypervisor",
		       "detected", 0);
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "amd-epyc-7763-2s");
	json_object_set_new(id, "device",
			    json_pack("{s:s, s:s}", "vendor", "10de", "device", "20b0"));
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "amd-epyc-7763-2s-a100");
	json_object_set_new(id, "hypervisor", json_pack("{s:b}", "detected", 1));
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_string_equal(slug, "vm-amd-epyc-7763-2s-a100");
	json_decref(id);
	assert_int_equal(platform_slug(NULL, slug, sizeof(slug)), -EINVAL);
}

static void test_real_machine(void **state)
{
	char err[256], slug[128], *xml = NULL;
	json_t *id;

	(void)state;
	sysfs_set_root(NULL);
	platform_set_topology(NULL);
	id = platform_identity(NULL, err, sizeof(err));
	assert_non_null(id);
	assert_true(jint(id, "topology", "pus") >= 1);
	assert_non_null(jstr(id, "kernel", "release"));
	assert_int_equal(platform_slug(id, slug, sizeof(slug)), 0);
	assert_true(strlen(slug) > 0);
	json_decref(id);

	platform_set_topology(SYNTH);
	assert_int_equal(platform_lstopo_xml(&xml), 0);
	assert_non_null(strstr(xml, "<topology"));
	assert_non_null(strstr(xml, "type=\"L3Cache\""));
	free(xml);
	platform_set_topology("");
	assert_int_equal(platform_lstopo_xml(&xml), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fnv),
		cmocka_unit_test_teardown(test_identity_acpi, teardown),
		cmocka_unit_test_teardown(test_identity_noacpi, teardown),
		cmocka_unit_test_teardown(test_slug_stable, teardown),
		cmocka_unit_test(test_slug_rules),
		cmocka_unit_test_teardown(test_real_machine, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

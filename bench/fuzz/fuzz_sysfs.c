// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_sysfs.c - values read from sysfs and procfs (bench/lib/sysfs.c,
 * pcidev.c, platform.c, holders.c): the input is the content of every
 * attribute of a fake PCI device and of /proc/cpuinfo, the DMI strings, the
 * kernel release and a process's comm under a fake root (sysfs_set_root()),
 * and the target of the device's driver and iommu_group links ("/dev/vfio/"
 * and it, of the process's fd link). It is read as an integer, a string and
 * a whole file; pcidev_read() and platform_identity() read the device and
 * the platform, whose slug must be well formed, and holders_find() looks
 * for the process holding the device.
 */
#include "fuzz.h"
#include "holders.h"
#include "pcidev.h"
#include "platform.h"
#include "sysfs.h"

#include <ctype.h>

#define DEV "/sys/bus/pci/devices/0000:00:00.0"

static const char *const files[] = {
	DEV "/vendor",
	DEV "/device",
	DEV "/class",
	DEV "/subsystem_vendor",
	DEV "/subsystem_device",
	DEV "/config",
	DEV "/power_state",
	DEV "/power/runtime_status",
	DEV "/power/runtime_usage",
	DEV "/d3cold_allowed",
	DEV "/d3cold_delay",
	DEV "/d3hot_delay",
	DEV "/firmware_node/path",
	DEV "/firmware_node/real_power_state",
	DEV "/current_link_speed",
	DEV "/current_link_width",
	"/proc/cpuinfo",
	"/proc/sys/kernel/osrelease",
	"/sys/class/dmi/id/sys_vendor",
	"/sys/class/dmi/id/product_name",
	"/sys/devices/system/cpu/smt/active",
	"/proc/4242/comm",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[PATH_MAX];

	(void)argc;
	(void)argv;
	sysfs_set_root(fuzz_path("root/", p));
	platform_set_topology(""); /* no hwloc: the input is not a topology */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[PATH_MAX], name[PATH_MAX], str[16], err[256], slug[128], *all = NULL, *s;
	struct pcidev_info dev;
	struct holder h;
	uint64_t u;
	json_t *id;
	int i, ret;
	ssize_t n;

	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		snprintf(name, sizeof(name), "root%s", files[k]);
		fuzz_write(name, data, size, p);
	}
	s = fuzz_str(data, size);
	if (s[0] && strlen(s) < PATH_MAX - 16) { /* a link's target */
		fuzz_link(s, "root" DEV "/driver");
		fuzz_link(s, "root" DEV "/iommu_group");
		snprintf(name, sizeof(name), "/dev/vfio/%s", s);
		fuzz_link(name, "root/proc/4242/fd/3");
	} else { /* none: not those of an earlier input */
		unlink(fuzz_path("root" DEV "/driver", p));
		unlink(fuzz_path("root" DEV "/iommu_group", p));
		unlink(fuzz_path("root/proc/4242/fd/3", p));
	}
	free(s);
	sysfs_read_u64(DEV "/vendor", &u);
	sysfs_read_int(DEV "/vendor", &i);
	ret = sysfs_read_str(DEV "/vendor", str, sizeof(str));
	FUZZ_CHECK(!ret || ret == -EOVERFLOW);
	FUZZ_CHECK(strlen(str) < sizeof(str));
	n = sysfs_read_all(DEV "/vendor", &all, 1 << 20);
	FUZZ_CHECK(n == (ssize_t)size || (size > 1 << 20 && n == -EFBIG));
	free(all);

	if (!pcidev_read("0000:00:00.0", &dev)) {
		FUZZ_CHECK(dev.config_len == (int)(size < 4096 ? size : 4096));
		FUZZ_CHECK(strlen(dev.power_state) < sizeof(dev.power_state));
	}
	if (holders_find("0000:00:00.0", &h) == 1)
		FUZZ_CHECK(h.pid == 4242 && strlen(h.comm) < sizeof(h.comm));
	id = platform_identity("0000:00:00.0", err, sizeof(err));
	if (id) {
		ret = platform_slug(id, slug, sizeof(slug));
		FUZZ_CHECK(!ret || ret == -ENOSPC);
		for (const char *c = slug; *c; c++)
			FUZZ_CHECK(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
				   *c == '-');
		FUZZ_CHECK(slug[0] != '-' && (!slug[0] || slug[strlen(slug) - 1] != '-'));
		json_decref(id);
	}
	return 0;
}

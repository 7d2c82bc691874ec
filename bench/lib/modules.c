// SPDX-License-Identifier: GPL-2.0
#include "modules.h"
#include "common.h"
#include "pcidev.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int modules_vfio_variant(char *buf, size_t len)
{
	char ver[64];

	if (!sysfs_exists("/sys/module/vfio"))
		return -ENOENT;
	if (sysfs_read_str("/sys/module/vfio/version", ver, sizeof(ver)))
		snprintf(ver, sizeof(ver), "unknown");
	if (!strncmp(ver, "0.3+", 4))
		snprintf(buf, len, "%s", ver + 4);
	else
		snprintf(buf, len, "unpatched-%.40s", ver);
	return 0;
}

static int unbind(const char *bdf, char *why, size_t len)
{
	char path[128], drv[64];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	if (sysfs_read_link_name(path, drv, sizeof(drv)))
		return 0; /* not bound */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	ret = sysfs_write_str(path, bdf);
	if (ret)
		snprintf(why, len, "cannot unbind %s from %s: %s", bdf, drv, strerror(-ret));
	return ret;
}

int modules_bind_vfio(const char *bdf, char *why, size_t len)
{
	char path[128];
	int ret = unbind(bdf, why, len);

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = sysfs_write_str(path, "vfio-pci");
	if (!ret)
		ret = sysfs_write_str("/sys/bus/pci/drivers_probe", bdf);
	if (ret) {
		snprintf(why, len, "cannot bind %s to vfio-pci: %s", bdf, strerror(-ret));
		return ret;
	}
	return pcidev_check_vfio(bdf, why, len);
}

static int rmmod(const char *name, char *why, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (!sysfs_exists(path))
		return 0;
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		int e = errno;

		snprintf(why, len, "cannot unload %s: %s", name, strerror(e));
		return -e;
	}
	return 0;
}

static int insmod(const char *dir, const char *file, const char *params, bool optional, char *why,
		  size_t len)
{
	char path[512];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (optional && errno == ENOENT)
			return 0;
		ret = -errno;
		snprintf(why, len, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		ret = -errno;
		snprintf(why, len, "cannot load %s: %s%s", path, strerror(-ret),
			 ret == -ENOENT || ret == -EINVAL
				 ? " (missing dependency? modprobe -a iommufd irqbypass)"
				 : "");
	}
	close(fd);
	return ret;
}

int modules_load_variant(const struct vpb_variant_spec *v, char (*devices)[16],
			 unsigned int ndevices, bool noiommu, char *why, size_t len)
{
	static const char *const unload[] = {"vfio_pci", "vfio_pci_core", "vfio_iommu_type1",
					     "vfio"};
	char got[64];
	int ret;

	for (unsigned int i = 0; i < ndevices; i++) {
		ret = unbind(devices[i], why, len);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < ARRAY_SIZE(unload); i++) {
		ret = rmmod(unload[i], why, len);
		if (ret)
			return ret;
	}
	ret = insmod(v->dir, "vfio.ko", noiommu ? "enable_unsafe_noiommu_mode=1" : "", false, why,
		     len);
	if (!ret)
		ret = insmod(v->dir, "vfio_iommu_type1.ko", "allow_unsafe_interrupts=1", true, why,
			     len);
	if (!ret)
		ret = insmod(v->dir, "vfio-pci-core.ko", "", false, why, len);
	if (!ret)
		ret = insmod(v->dir, "vfio-pci.ko", "", false, why, len);
	if (ret)
		return ret;
	/* "NAME@tag" is NAME loaded under another name (A/A comparisons). */
	ret = modules_vfio_variant(got, sizeof(got));
	if (ret || strncmp(got, v->name, strcspn(v->name, "@")) ||
	    got[strcspn(v->name, "@")] != '\0') {
		snprintf(why, len, "%s/vfio.ko is variant '%s', not '%s'", v->dir, ret ? "?" : got,
			 v->name);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < ndevices; i++) {
		ret = modules_bind_vfio(devices[i], why, len);
		if (ret)
			return ret;
	}
	return 0;
}

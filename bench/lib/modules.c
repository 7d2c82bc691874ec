// SPDX-License-Identifier: GPL-2.0
#include "modules.h"
#include "common.h"
#include "pcidev.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The vfio modules, in load order: sysfs names and modprobe names. Before
 * 6.2, vfio_virqfd was a module of its own that vfio-pci-core needs.
 */
static const char *const vfio_mods[MODULES_NVFIO] = {"vfio", "vfio_iommu_type1", "vfio_virqfd",
						     "vfio_pci_core", "vfio_pci"};

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

/* Unbind @devices (only these), then unload every vfio module, last first. */
static int unload(char (*devices)[16], unsigned int ndevices, char *why, size_t len)
{
	int ret;

	for (unsigned int i = 0; i < ndevices; i++) {
		ret = unbind(devices[i], why, len);
		if (ret)
			return ret;
	}
	for (size_t i = MODULES_NVFIO; i-- > 0;) {
		ret = rmmod(vfio_mods[i], why, len);
		if (ret)
			return ret;
	}
	return 0;
}

int modules_load_variant(const struct vpb_variant_spec *v, char (*devices)[16],
			 unsigned int ndevices, bool noiommu, char *why, size_t len)
{
	char got[64];
	int ret;

	ret = unload(devices, ndevices, why, len);
	if (ret)
		return ret;
	ret = insmod(v->dir, "vfio.ko", noiommu ? "enable_unsafe_noiommu_mode=1" : "", false, why,
		     len);
	if (!ret)
		ret = insmod(v->dir, "vfio_iommu_type1.ko", "allow_unsafe_interrupts=1", true, why,
			     len);
	if (!ret)
		ret = insmod(v->dir, "vfio_virqfd.ko", "", true, why, len);
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

int modules_save(struct modules_saved *s, char (*devices)[16], unsigned int ndevices)
{
	char path[128];

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < MODULES_NVFIO; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", vfio_mods[i]);
		s->loaded[i] = sysfs_exists(path);
	}
	if (s->loaded[0]) {
		if (sysfs_read_str("/sys/module/vfio/version", s->version, sizeof(s->version)))
			snprintf(s->version, sizeof(s->version), "unknown");
		sysfs_read_str("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", s->noiommu,
			       sizeof(s->noiommu));
	}
	if (s->loaded[1])
		sysfs_read_str("/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
			       s->unsafe, sizeof(s->unsafe));
	if (ndevices > VPB_MAX_LIST)
		return -E2BIG;
	s->ndevices = ndevices;
	for (unsigned int i = 0; i < ndevices; i++) {
		snprintf(s->bdf[i], sizeof(s->bdf[i]), "%s", devices[i]);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", devices[i]);
		if (sysfs_read_link_name(path, s->driver[i], sizeof(s->driver[i])))
			s->driver[i][0] = '\0';
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", devices[i]);
		if (sysfs_read_str(path, s->override[i], sizeof(s->override[i])) ||
		    !strcmp(s->override[i], "(null)"))
			s->override[i][0] = '\0';
	}
	return 0;
}

/* modprobe NAME [PARAM]: the running kernel's own module, by its name. */
static int modprobe(const char *name, const char *param, char *why, size_t len)
{
	char *argv[] = {"modprobe", (char *)name, (char *)param, NULL};
	pid_t pid;
	int st, ret;

	if (!param || !param[0])
		argv[2] = NULL;
	ret = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (ret) {
		snprintf(why, len, "cannot run modprobe %s: %s", name, strerror(ret));
		return -ret;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "modprobe %s%s%s failed (status %d)", name, argv[2] ? " " : "",
			 argv[2] ? argv[2] : "", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -EIO;
	}
	return 0;
}

int modules_restore(const struct modules_saved *s, char *why, size_t len)
{
	char path[160], param[64], got[64];
	int ret;

	ret = unload((char(*)[16])s->bdf, s->ndevices, why, len);
	if (ret)
		return ret;
	for (size_t i = 0; i < MODULES_NVFIO; i++) {
		if (!s->loaded[i])
			continue;
		param[0] = '\0';
		if (i == 0 && s->noiommu[0])
			snprintf(param, sizeof(param), "enable_unsafe_noiommu_mode=%d",
				 s->noiommu[0] == 'Y');
		if (i == 1 && s->unsafe[0])
			snprintf(param, sizeof(param), "allow_unsafe_interrupts=%d",
				 s->unsafe[0] == 'Y');
		ret = modprobe(vfio_mods[i], param, why, len);
		if (ret)
			return ret;
	}
	if (s->loaded[0]) {
		if (sysfs_read_str("/sys/module/vfio/version", got, sizeof(got)))
			snprintf(got, sizeof(got), "unknown");
		if (strcmp(got, s->version)) {
			snprintf(why, len, "vfio is version '%s' after the restore, not '%s'", got,
				 s->version);
			return -EINVAL;
		}
	}
	for (unsigned int i = 0; i < s->ndevices; i++) {
		/* An empty write clears driver_override ("(null)"). */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", s->bdf[i]);
		ret = sysfs_write_str(path, s->override[i][0] ? s->override[i] : "\n");
		/* Loading its driver may have bound it already (driver_override). */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", s->bdf[i]);
		if (sysfs_read_link_name(path, got, sizeof(got)))
			got[0] = '\0';
		if (!ret && s->driver[i][0] && strcmp(got, s->driver[i])) {
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", s->driver[i]);
			ret = sysfs_write_str(path, s->bdf[i]);
		}
		if (ret) {
			snprintf(why, len, "cannot bind %s to %s again: %s", s->bdf[i],
				 s->driver[i][0] ? s->driver[i] : "no driver", strerror(-ret));
			return ret;
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", s->bdf[i]);
		if (sysfs_read_link_name(path, got, sizeof(got)))
			got[0] = '\0';
		if (strcmp(got, s->driver[i])) {
			snprintf(why, len, "%s is bound to '%s' after the restore, not '%s'",
				 s->bdf[i], got, s->driver[i]);
			return -EINVAL;
		}
	}
	return 0;
}

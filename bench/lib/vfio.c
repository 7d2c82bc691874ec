// SPDX-License-Identifier: GPL-2.0
#include "vfio.h"
#include "common.h"
#include "pcidev.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef VFIO_DEVICE_BIND_IOMMUFD
#include <linux/iommufd.h>
#endif

#ifndef VFIO_NOIOMMU_IOMMU
#define VFIO_NOIOMMU_IOMMU 8
#endif

const char *vfio_mode_name(enum vfio_iommu_mode m)
{
	static const char *const names[] = {"type1", "noiommu", "iommufd"};

	return names[m];
}

const char *vfio_pm_design_name(enum vfio_pm_design p)
{
	static const char *const names[] = {"none", "oneshot", "v4"};

	return names[p];
}

#define WHY(...) snprintf(why, len, __VA_ARGS__)

static int open_group(struct vfio_dev *d, bool noiommu, char *why, size_t len)
{
	char path[128];
	struct vfio_group_status st = {.argsz = sizeof(st)};
	int ret, group;

	ret = pcidev_iommu_group(d->bdf, &group);
	if (ret) {
		WHY("%s has no IOMMU group (load vfio with enable_unsafe_noiommu_mode=1, or enable "
		    "an IOMMU)",
		    d->bdf);
		return ret;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s%d", noiommu ? "noiommu-" : "", group);
	d->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container_fd < 0) {
		ret = -errno;
		WHY("open /dev/vfio/vfio: %s", strerror(-ret));
		return ret;
	}
	if (ioctl(d->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		WHY("/dev/vfio/vfio: unexpected VFIO API version");
		return -EPROTO;
	}
	d->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->group_fd < 0) {
		ret = -errno;
		WHY("open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &st)) {
		ret = -errno;
		WHY("VFIO_GROUP_GET_STATUS on %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		WHY("group %d is not viable: bind every device in it to vfio-pci", group);
		return -EBUSY;
	}
	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->container_fd)) {
		ret = -errno;
		WHY("VFIO_GROUP_SET_CONTAINER on %s: %s", path, strerror(-ret));
		return ret;
	}
	if (ioctl(d->container_fd, VFIO_SET_IOMMU,
		  noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU)) {
		ret = -errno;
		WHY("VFIO_SET_IOMMU(%s): %s", noiommu ? "noiommu" : "type1v2", strerror(-ret));
		return ret;
	}
	d->device_fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device_fd < 0) {
		ret = -errno;
		WHY("VFIO_GROUP_GET_DEVICE_FD(%s): %s", d->bdf, strerror(-ret));
		return ret;
	}
	d->mode = noiommu ? VFIO_MODE_NOIOMMU : VFIO_MODE_TYPE1;
	return 0;
}

#ifdef VFIO_DEVICE_BIND_IOMMUFD
static int open_cdev(struct vfio_dev *d, char *why, size_t len)
{
	char path[512], rel[64], name[256] = "";
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct vfio_device_attach_iommufd_pt attach = {.argsz = sizeof(attach)};
	struct dirent *de;
	DIR *dir;
	int ret;

	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/vfio-dev", d->bdf);
	dir = sysfs_path(rel, path, sizeof(path)) ? NULL : opendir(path);
	if (!dir) {
		WHY("%s has no vfio cdev (CONFIG_VFIO_DEVICE_CDEV)", d->bdf);
		return -ENODEV;
	}
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(name, sizeof(name), "%.200s", de->d_name);
	closedir(dir);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%.200s", name);
	d->device_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->device_fd < 0) {
		ret = -errno;
		WHY("open %s: %s", path, strerror(-ret));
		return ret;
	}
	d->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (d->iommufd < 0) {
		ret = -errno;
		WHY("open /dev/iommu: %s", strerror(-ret));
		return ret;
	}
	bind.iommufd = d->iommufd;
	if (ioctl(d->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		ret = -errno;
		WHY("VFIO_DEVICE_BIND_IOMMUFD: %s", strerror(-ret));
		return ret;
	}
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		ret = -errno;
		WHY("IOMMU_IOAS_ALLOC: %s", strerror(-ret));
		return ret;
	}
	attach.pt_id = alloc.out_ioas_id;
	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		ret = -errno;
		WHY("VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", strerror(-ret));
		return ret;
	}
	d->mode = VFIO_MODE_IOMMUFD;
	return 0;
}
#else
static int open_cdev(struct vfio_dev *d, char *why, size_t len)
{
	(void)d;
	WHY("this build has no iommufd support (build against a >= 6.6 kernel UAPI, "
	    "-DVPB_UAPI_DIR=...)");
	return -ENOTSUP;
}
#endif

int __vfio_open(struct vfio_dev *d, const char *bdf, const char *mode, char *why, size_t len)
{
	struct vfio_region_info reg = {.argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX};
	int ret;

	memset(d, 0, sizeof(*d));
	d->container_fd = d->group_fd = d->iommufd = d->device_fd = -1;
	ret = pcidev_normalize_bdf(bdf, d->bdf, sizeof(d->bdf));
	if (ret) {
		WHY("'%s' is not a PCI address (DDDD:BB:DD.F)", bdf);
		return ret;
	}
	ret = pcidev_check_vfio(d->bdf, why, len);
	if (ret)
		return ret;
	if (!strcmp(mode, "iommufd"))
		ret = open_cdev(d, why, len);
	else if (!strcmp(mode, "type1"))
		ret = open_group(d, false, why, len);
	else if (!strcmp(mode, "noiommu"))
		ret = open_group(d, true, why, len);
	else if (!strcmp(mode, "auto"))
		ret = open_group(d, pcidev_noiommu(d->bdf), why, len);
	else {
		WHY("unknown --iommu '%s' (auto, type1, noiommu, iommufd)", mode);
		ret = -EINVAL;
	}
	if (ret)
		goto fail;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &reg)) {
		ret = -errno;
		WHY("VFIO_DEVICE_GET_REGION_INFO(config) on %s: %s", d->bdf, strerror(-ret));
		goto fail;
	}
	d->config_offset = reg.offset;
	d->design = vfio_pm_detect(d);
	return 0;
fail:
	vfio_close(d);
	return ret;
}

int vfio_open(struct vfio_dev *d, const char *bdf, const char *mode)
{
	char why[256] = "";
	int ret = __vfio_open(d, bdf, mode, why, sizeof(why));

	if (ret)
		vpb_err("%s", why[0] ? why : strerror(-ret));
	return ret;
}

void vfio_close(struct vfio_dev *d)
{
	int *fds[] = {&d->device_fd, &d->iommufd, &d->group_fd, &d->container_fd};

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int __vfio_feature(struct vfio_dev *d, uint32_t flags, const void *data, size_t datasz)
{
	/* the header and up to 32 bytes of data (hdr.data[] is a flexible array) */
	union {
		struct vfio_device_feature hdr;
		uint8_t bytes[sizeof(struct vfio_device_feature) + 32];
	} buf;

	if (datasz > sizeof(buf) - sizeof(buf.hdr))
		return -EINVAL;
	memset(&buf, 0, sizeof(buf));
	buf.hdr.argsz = sizeof(buf.hdr) + datasz;
	buf.hdr.flags = flags;
	if (datasz)
		memcpy(buf.bytes + sizeof(buf.hdr), data, datasz);
	return ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &buf) ? -errno : 0;
}

enum vfio_pm_design vfio_pm_detect(struct vfio_dev *d)
{
	/* v4 answers PROBE with GET|SET; upstream's ENTRY is SET only. */
	if (!__vfio_feature(d,
			    VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
				    VFIO_DEVICE_FEATURE_SET | VPB_V4_FEATURE_POWER_MANAGEMENT,
			    NULL, 0))
		return VFIO_PM_V4;
	if (!__vfio_feature(d,
			    VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
				    VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
			    NULL, 0) &&
	    !__vfio_feature(d,
			    VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
				    VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
			    NULL, 0))
		return VFIO_PM_ONESHOT;
	return VFIO_PM_NONE;
}

int __vfio_lp_enter(struct vfio_dev *d, int wakeup_fd)
{
	if (d->design == VFIO_PM_V4) {
		struct vpb_v4_power_management pm = {.flags = VPB_V4_PM_ENTER};

		if (wakeup_fd >= 0)
			return -ENOTSUP;
		return __vfio_feature(d, VFIO_DEVICE_FEATURE_SET | VPB_V4_FEATURE_POWER_MANAGEMENT,
				      &pm, sizeof(pm));
	}
	if (d->design != VFIO_PM_ONESHOT)
		return -ENOTSUP;
	if (wakeup_fd >= 0) {
		struct vfio_device_low_power_entry_with_wakeup w = {.wakeup_eventfd = wakeup_fd};

		return __vfio_feature(d,
				      VFIO_DEVICE_FEATURE_SET |
					      VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				      &w, sizeof(w));
	}
	return __vfio_feature(d, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
			      NULL, 0);
}

int __vfio_lp_exit(struct vfio_dev *d)
{
	if (d->design == VFIO_PM_V4) {
		struct vpb_v4_power_management pm = {.flags = VPB_V4_PM_EXIT};

		return __vfio_feature(d, VFIO_DEVICE_FEATURE_SET | VPB_V4_FEATURE_POWER_MANAGEMENT,
				      &pm, sizeof(pm));
	}
	if (d->design != VFIO_PM_ONESHOT)
		return -ENOTSUP;
	return __vfio_feature(d, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL,
			      0);
}

int vfio_lp_enter(struct vfio_dev *d, int wakeup_fd)
{
	int ret = __vfio_lp_enter(d, wakeup_fd);

	if (ret)
		vpb_err("%s: VFIO_DEVICE_FEATURE low-power entry (%s): %s", d->bdf,
			vfio_pm_design_name(d->design), strerror(-ret));
	return ret;
}

int vfio_lp_exit(struct vfio_dev *d)
{
	int ret = __vfio_lp_exit(d);

	if (ret)
		vpb_err("%s: VFIO_DEVICE_FEATURE low-power exit (%s): %s", d->bdf,
			vfio_pm_design_name(d->design), strerror(-ret));
	return ret;
}

int __vfio_v4_get(struct vfio_dev *d, uint32_t *flags)
{
	union {
		struct vfio_device_feature hdr;
		uint8_t bytes[sizeof(struct vfio_device_feature) +
			      sizeof(struct vpb_v4_power_management)];
	} buf;
	struct vpb_v4_power_management pm;

	memset(&buf, 0, sizeof(buf));
	buf.hdr.argsz = sizeof(buf);
	buf.hdr.flags = VFIO_DEVICE_FEATURE_GET | VPB_V4_FEATURE_POWER_MANAGEMENT;
	if (ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &buf))
		return -errno;
	memcpy(&pm, buf.bytes + sizeof(buf.hdr), sizeof(pm));
	*flags = pm.flags;
	return 0;
}

int __vfio_get_info(struct vfio_dev *d, struct vfio_device_info *info)
{
	info->argsz = sizeof(*info);
	return ioctl(d->device_fd, VFIO_DEVICE_GET_INFO, info) ? -errno : 0;
}

int __vfio_config_read(struct vfio_dev *d, uint32_t off, uint32_t *val)
{
	ssize_t n = pread(d->device_fd, val, sizeof(*val), (off_t)(d->config_offset + off));

	if (n < 0)
		return -errno;
	return n == sizeof(*val) ? 0 : -EIO;
}

int __vfio_control(struct vfio_dev *d)
{
#ifdef VFIO_DEVICE_BIND_IOMMUFD
	if (d->mode == VFIO_MODE_IOMMUFD) {
		struct iommu_option opt = {.size = sizeof(opt),
					   .option_id = IOMMU_OPTION_RLIMIT_MODE,
					   .op = IOMMU_OPTION_OP_GET};

		return ioctl(d->iommufd, IOMMU_OPTION, &opt) ? -errno : 0;
	}
#endif
	return ioctl(d->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) < 0 ? -errno : 0;
}

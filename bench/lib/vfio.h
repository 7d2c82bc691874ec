/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio.h - open a vfio-pci device and drive its low-power features.
 *
 * Functions come in pairs, as in the kernel's vfio selftests: __vfio_x()
 * returns 0 or a negative errno and prints nothing; vfio_x() prints one
 * line naming the ioctl, the device and strerror() and returns the same.
 */
#ifndef VPB_VFIO_H
#define VPB_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

/* v4 of "vfio/pci: power management changes" (2022): a stateful GET/SET
 * feature with number 3, which upstream uses for LOW_POWER_ENTRY. Only the
 * `v4` kernel variant implements it; vfio_pm_detect() tells them apart. */
#define VPB_V4_FEATURE_POWER_MANAGEMENT 3
#define VPB_V4_PM_ENTER			(1u << 0)
#define VPB_V4_PM_EXIT			(1u << 1)
#define VPB_V4_PM_REENTERY_DISABLE	(1u << 2)
struct vpb_v4_power_management {
	uint32_t flags;
	uint32_t reserved;
};

enum vfio_iommu_mode {
	VFIO_MODE_TYPE1,
	VFIO_MODE_NOIOMMU,
	VFIO_MODE_IOMMUFD,
};

/** enum vfio_pm_design - which low-power interface the running vfio has. */
enum vfio_pm_design {
	VFIO_PM_NONE,	 /* neither (or no PM support in the driver) */
	VFIO_PM_ONESHOT, /* upstream: SET-only LOW_POWER_ENTRY(_WITH_WAKEUP)/EXIT */
	VFIO_PM_V4,	 /* v4: GET/SET POWER_MANAGEMENT */
};

/**
 * struct vfio_dev - an open device.
 * @bdf: its PCI address.
 * @mode: how it was opened.
 * @container_fd: the container (group API), or -1.
 * @group_fd: the group (group API), or -1.
 * @iommufd: /dev/iommu (cdev API), or -1.
 * @device_fd: the device.
 * @config_offset: offset of the config space region for pread/pwrite.
 * @design: the low-power interface found at open.
 */
struct vfio_dev {
	char bdf[16];
	enum vfio_iommu_mode mode;
	int container_fd;
	int group_fd;
	int iommufd;
	int device_fd;
	uint64_t config_offset;
	enum vfio_pm_design design;
};

/**
 * __vfio_open() - open @bdf through @mode ("auto", "type1", "noiommu",
 * "iommufd"). The device must be bound to vfio-pci; @why explains a failure.
 * Return: 0 or -errno.
 */
int __vfio_open(struct vfio_dev *d, const char *bdf, const char *mode, char *why, size_t len);
int vfio_open(struct vfio_dev *d, const char *bdf, const char *mode);
void vfio_close(struct vfio_dev *d);

/** vfio_mode_name() - "type1", "noiommu" or "iommufd". */
const char *vfio_mode_name(enum vfio_iommu_mode m);
/** vfio_pm_design_name() - "none", "oneshot" or "v4". */
const char *vfio_pm_design_name(enum vfio_pm_design p);

/** __vfio_feature() - VFIO_DEVICE_FEATURE with @flags and a payload. */
int __vfio_feature(struct vfio_dev *d, uint32_t flags, const void *data, size_t datasz);

/** vfio_pm_detect() - PROBE the low-power features (never enters low power). */
enum vfio_pm_design vfio_pm_detect(struct vfio_dev *d);

/**
 * __vfio_lp_enter() - engage low power: LOW_POWER_ENTRY, or with
 * @wakeup_fd >= 0 LOW_POWER_ENTRY_WITH_WAKEUP; on v4, SET ENTER.
 */
int __vfio_lp_enter(struct vfio_dev *d, int wakeup_fd);
int vfio_lp_enter(struct vfio_dev *d, int wakeup_fd);
/** __vfio_lp_exit() - LOW_POWER_EXIT, or v4's SET EXIT. */
int __vfio_lp_exit(struct vfio_dev *d);
int vfio_lp_exit(struct vfio_dev *d);
/**
 * __vfio_v4_get() - v4's GET POWER_MANAGEMENT: the flags it reports.
 */
int __vfio_v4_get(struct vfio_dev *d, uint32_t *flags);

/** __vfio_get_info() - VFIO_DEVICE_GET_INFO, the ioctl suite's base case. */
int __vfio_get_info(struct vfio_dev *d, struct vfio_device_info *info);
/** __vfio_config_read() - a 4-byte pread of config space at @off. */
int __vfio_config_read(struct vfio_dev *d, uint32_t off, uint32_t *val);
/**
 * __vfio_control() - an ioctl that never touches the device's usage count:
 * VFIO_CHECK_EXTENSION on the container, or IOMMU_OPTION on the iommufd.
 */
int __vfio_control(struct vfio_dev *d);

#endif

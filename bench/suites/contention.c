// SPDX-License-Identifier: GPL-2.0
/*
 * contention: every ioctl on a device writes two cache lines all CPUs share
 * (dev->power.usage_count, an atomic inc/dec, and dev->power.lock, taken
 * with spin_lock_irqsave in the get). T threads, placed by --placement,
 * issue VFIO_DEVICE_GET_INFO on one device for --duration; lib/workers.c
 * runs the loop, once per thread count of --threads.
 *
 * shared-fd      every thread on the one device fd (env->dev). In a
 *                multi-threaded process every ioctl also takes a reference
 *                on the shared struct file (fdget -> f_count), a third
 *                shared line.
 * fd-per-thread  every thread on its own fd of the same device, from a
 *                second VFIO_GROUP_GET_DEVICE_FD on the group (the group
 *                path allows a device to be opened more than once; the
 *                cdev/iommufd path does not, so the case skips there). The
 *                file reference is per thread; the usage count and the
 *                power lock are still shared: shared-fd minus fd-per-thread
 *                is the file's share of the contention.
 * container      control: VFIO_CHECK_EXTENSION on the container (IOMMU_OPTION
 *                GET on the iommufd) from every thread: an ioctl on one
 *                shared file that never touches the device's usage count or
 *                power lock. Not free of shared writes: the file reference,
 *                and on the container down_read(&container->group_lock), an
 *                atomic on one more shared line (6.12 drivers/vfio/container.c);
 *                the iommufd GET reads ictx->account_mode without a lock.
 * One device per thread (no shared usage count at all) needs several devices
 * in one case and is not a case here: run shared-fd on each device instead.
 */
#include "common.h"
#include "suite.h"
#include "vfio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int setup_shared(struct vpb_env *env, void **state, char *why, size_t len)
{
	if (!env->dev) {
		snprintf(why, len, "no device");
		return -ENODEV;
	}
	*state = env->dev;
	return 0;
}

static int op_get_info(void *state)
{
	struct vfio_device_info info;

	return __vfio_get_info(state, &info);
}

static int op_control(void *state)
{
	return __vfio_control(state);
}

/* fd-per-thread: a copy of the device with its own device fd (closed by teardown). */
static int setup_own_fd(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct vfio_dev *d;

	if (!env->dev) {
		snprintf(why, len, "no device");
		return -ENODEV;
	}
	if (env->dev->group_fd < 0) {
		snprintf(why, len, "fd-per-thread needs the group API (--iommu type1 or noiommu)");
		return -ENOTSUP;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	*d = *env->dev;
	d->device_fd = ioctl(env->dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, env->dev->bdf);
	if (d->device_fd < 0) {
		int ret = -errno;

		snprintf(why, len, "VFIO_GROUP_GET_DEVICE_FD(%s): %s", env->bdf, strerror(-ret));
		free(d);
		return ret;
	}
	*state = d;
	return 0;
}

static void teardown_own_fd(void *state)
{
	struct vfio_dev *d = state;

	close(d->device_fd);
	free(d);
}

#define TCASE(n, h, s, o, t)                                                                       \
	{                                                                                          \
		.name = n, .help = h, .threaded = true, .batch = 1,                                \
		.extra = {"thread", "cpu", "ops", "interval", NULL}, .setup = s, .op = o,          \
		.teardown = t                                                                      \
	}

static const struct vpb_case contention_cases[] = {
	TCASE("shared-fd", "GET_INFO from T threads on one device fd", setup_shared, op_get_info,
	      NULL),
	TCASE("fd-per-thread", "GET_INFO from T threads, one device fd each", setup_own_fd,
	      op_get_info, teardown_own_fd),
	TCASE("container", "control: container/iommufd ioctl from T threads", setup_shared,
	      op_control, NULL),
};

const struct vpb_suite suite_contention = {
	.name = "contention",
	.summary = "the usage count under many CPUs: ops/s and ns/op per thread count",
	.needs_device = true,
	.cases = contention_cases,
	.ncases = ARRAY_SIZE(contention_cases),
};

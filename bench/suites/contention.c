// SPDX-License-Identifier: GPL-2.0
/*
 * contention: every ioctl on a device writes two cache lines all CPUs share
 * (dev->power.usage_count and dev->power.lock). T threads, placed by
 * --placement, issue VFIO_DEVICE_GET_INFO on one device for --duration;
 * lib/workers.c runs the loop, once per thread count of --threads.
 *
 * shared-fd      every thread on the one device fd
 * fd-per-thread  every thread on its own fd of the same device (group API)
 * container      control: the container/iommufd ioctl, no usage count
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
	(void)why;
	(void)len;
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

/* fd-per-thread: a copy of the device with its own device fd. */
static int setup_own_fd(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct vfio_dev *d;

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

#define TCASE(n, h, s, o, t)                                                                   \
	{                                                                                      \
		.name = n, .help = h, .threaded = true, .batch = 1,                            \
		.extra = { "thread", "cpu", "ops", NULL }, .setup = s, .op = o, .teardown = t  \
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

// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl: what does wrapping every vfio device ioctl (and vfio-pci's
 * pread/pwrite) in pm_runtime_resume_and_get()/pm_runtime_put() cost?
 *
 * Every case is timed on the device fd while the device is active and open,
 * except the control, which is an ioctl on the container (or iommufd) that
 * never touches the device's usage count. The wrapper's overhead is a
 * variant's shift against the `no-get` variant (summary.json
 * vs_reference), measured interleaved in the same run.
 */
#include "common.h"
#include "lowpower.h"
#include "opts.h"
#include "suite.h"
#include "sysfs.h"
#include "vfio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* An ioctl number vfio does not know: the wrapper and the dispatch only. */
#define VPB_UNKNOWN_IOCTL _IO(VFIO_TYPE, VFIO_BASE + 99)

static int setup_dev(struct vpb_env *env, void **state, char *why, size_t len)
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

static int op_region_info(void *state)
{
	struct vfio_dev *d = state;
	struct vfio_region_info reg = {.argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX};

	return ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &reg) ? -errno : 0;
}

static int op_irq_info(void *state)
{
	struct vfio_dev *d = state;
	struct vfio_irq_info irq = {.argsz = sizeof(irq), .index = VFIO_PCI_INTX_IRQ_INDEX};

	return ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) ? -errno : 0;
}

static int op_unknown(void *state)
{
	struct vfio_dev *d = state;

	if (!ioctl(d->device_fd, VPB_UNKNOWN_IOCTL))
		return -EPROTO;
	return errno == ENOTTY ? 0 : -errno;
}

static int op_config_read(void *state)
{
	uint32_t v;

	return __vfio_config_read(state, 0, &v);
}

static int op_control(void *state)
{
	return __vfio_control(state);
}

/* Every loop case is timed beside the control, batch for batch. */
#define WITH_CONTROL .control = op_control, .extra = {"control_ns", NULL}

/* feature-probe: PROBE the running variant's low-power feature. */
struct probe_state {
	struct vfio_dev *dev;
	uint32_t flags;
};

static int setup_probe(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct probe_state *p;

	if (env->dev->design == VFIO_PM_NONE) {
		snprintf(why, len, "variant %s has no low-power feature", env->variant);
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->dev = env->dev;
	p->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET;
	if (env->dev->design == VFIO_PM_V4)
		p->flags |= VFIO_DEVICE_FEATURE_GET | VPB_V4_FEATURE_POWER_MANAGEMENT;
	else
		p->flags |= VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	*state = p;
	return 0;
}

static int op_probe(void *state)
{
	struct probe_state *p = state;

	return __vfio_feature(p->dev, p->flags, NULL, 0);
}

/* intx-unmask: INTx must be enabled (an eventfd trigger) to unmask it. */
struct intx_state {
	struct vfio_dev *dev;
	int efd;
};

static int set_irqs(struct vfio_dev *d, uint32_t flags, uint32_t count, int32_t fd)
{
	/* the header and one eventfd (s.data[] is a flexible array) */
	union {
		struct vfio_irq_set s;
		uint8_t bytes[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} buf;

	memset(&buf, 0, sizeof(buf));
	buf.s.argsz = sizeof(buf.s) + (count ? sizeof(int32_t) : 0);
	buf.s.flags = flags;
	buf.s.index = VFIO_PCI_INTX_IRQ_INDEX;
	buf.s.count = count;
	memcpy(buf.bytes + sizeof(buf.s), &fd, sizeof(fd));
	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD))
		buf.s.argsz = sizeof(buf.s);
	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, &buf) ? -errno : 0;
}

static int setup_intx(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct intx_state *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->dev = env->dev;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = s->efd < 0 ? -errno
			 : set_irqs(s->dev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				    1, s->efd);
	if (ret) {
		snprintf(why, len, "cannot enable INTx on %s: %s", env->bdf, strerror(-ret));
		if (s->efd >= 0)
			close(s->efd);
		free(s);
		return -ENOTSUP;
	}
	*state = s;
	return 0;
}

static int op_intx_unmask(void *state)
{
	struct intx_state *s = state;

	return set_irqs(s->dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 1, -1);
}

static void teardown_intx(void *state)
{
	struct intx_state *s = state;

	set_irqs(s->dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, -1);
	close(s->efd);
	free(s);
}

/*
 * In low power: the device is engaged once (LOW_POWER_ENTRY, or v4's SET
 * ENTER) and every sample is one ioctl or read on the runtime-suspended
 * device: a full resume plus, after it, a re-suspend. prepare() waits for
 * "suspended" (untimed); verify() checks from runtime_active_time that the
 * access really resumed the device (no-get's does not: invalid, with the
 * reason), so each valid sample is exactly one suspend/resume cycle.
 */
struct lp_state {
	struct vfio_dev *dev;
	const struct vpb_opts *o;
	const volatile int *stop; /* the run's stop request */
	uint64_t active_ms;
	bool suspended;
};

static int setup_lp(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct lp_state *s;
	int ret;

	if (env->dev->design == VFIO_PM_NONE) {
		snprintf(why, len, "variant %s has no low-power feature", env->variant);
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = env->dev;
	s->o = env->opts;
	s->stop = env->stop;
	ret = __vfio_lp_enter(s->dev, -1);
	if (ret) {
		snprintf(why, len, "low-power entry on %s: %s", env->bdf, strerror(-ret));
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static int prepare_lp(void *state)
{
	struct lp_state *s = state;
	int ret = lp_wait(s->dev->bdf, NULL, "suspended", s->o->state_timeout_ns, NULL, NULL, 0,
			  s->stop);

	if (ret == -EINTR)
		return ret;
	s->suspended = !ret;
	s->active_ms = lp_active_ms(s->dev->bdf);
	return 0;
}

static int verify_lp(void *state, struct vpb_sample *sm)
{
	struct lp_state *s = state;

	lp_state(s->dev->bdf, sm->state, sizeof(sm->state), NULL, 0);
	if (!s->suspended) {
		sm->valid = false;
		snprintf(sm->why, sizeof(sm->why), "never suspended");
	} else if (lp_active_ms(s->dev->bdf) == s->active_ms) {
		/* still suspended, or resumed for less than 1 ms: wait and look again */
		if (lp_wait(s->dev->bdf, NULL, "suspended", s->o->state_timeout_ns, NULL, NULL, 0,
			    s->stop) == -EINTR) {
			sm->valid = false;
			snprintf(sm->why, sizeof(sm->why), "interrupted before verified");
		} else if (lp_active_ms(s->dev->bdf) == s->active_ms) {
			sm->valid = false;
			snprintf(sm->why, sizeof(sm->why), "the access did not resume the device");
		}
	}
	return 0;
}

static int op_get_info_lp(void *state)
{
	return op_get_info(((struct lp_state *)state)->dev);
}

static int op_config_read_lp(void *state)
{
	return op_config_read(((struct lp_state *)state)->dev);
}

static void teardown_lp(void *state)
{
	struct lp_state *s = state;

	/* Also after a SIGINT/SIGTERM: leave, and see the device back in D0. */
	if (vfio_lp_exit(s->dev) || lp_wait_active(s->dev->bdf, 2000000000ull, NULL, 0))
		vpb_err("%s: not back in D0/active after the low-power cases", s->dev->bdf);
	free(s);
}

static const struct vpb_case ioctl_cases[] = {
	{.name = "get-info",
	 .help = "VFIO_DEVICE_GET_INFO",
	 .setup = setup_dev,
	 .op = op_get_info,
	 WITH_CONTROL},
	{.name = "region-info",
	 .help = "VFIO_DEVICE_GET_REGION_INFO (config region)",
	 .setup = setup_dev,
	 .op = op_region_info,
	 WITH_CONTROL},
	{.name = "irq-info",
	 .help = "VFIO_DEVICE_GET_IRQ_INFO (INTx)",
	 .setup = setup_dev,
	 .op = op_irq_info,
	 WITH_CONTROL},
	{.name = "intx-unmask",
	 .help = "VFIO_DEVICE_SET_IRQS unmask INTx: the interrupt hot path",
	 .setup = setup_intx,
	 .op = op_intx_unmask,
	 .teardown = teardown_intx,
	 WITH_CONTROL},
	{.name = "feature-probe",
	 .help = "VFIO_DEVICE_FEATURE PROBE of the low-power feature",
	 .setup = setup_probe,
	 .op = op_probe,
	 .teardown = free,
	 WITH_CONTROL},
	{.name = "unknown",
	 .help = "an ioctl vfio does not know: wrapper + dispatch only",
	 .setup = setup_dev,
	 .op = op_unknown,
	 WITH_CONTROL},
	{.name = "config-read",
	 .help = "4-byte pread of config space (vfio_pci_rw)",
	 .setup = setup_dev,
	 .op = op_config_read,
	 WITH_CONTROL},
	{.name = "get-info-lp",
	 .help = "VFIO_DEVICE_GET_INFO while engaged: resume + re-suspend",
	 .cycle = true,
	 .batch = 1,
	 .setup = setup_lp,
	 .prepare = prepare_lp,
	 .op = op_get_info_lp,
	 .verify = verify_lp,
	 .teardown = teardown_lp},
	{.name = "config-read-lp",
	 .help = "config space pread while engaged: resume + re-suspend",
	 .cycle = true,
	 .batch = 1,
	 .setup = setup_lp,
	 .prepare = prepare_lp,
	 .op = op_config_read_lp,
	 .verify = verify_lp,
	 .teardown = teardown_lp},
	{.name = "container-ioctl",
	 .help = "control: container/iommufd ioctl, never touches the usage count",
	 .setup = setup_dev,
	 .op = op_control},
};

const struct vpb_suite suite_ioctl = {
	.name = "ioctl",
	.summary = "per-ioctl runtime-PM get/put overhead, per ioctl type and variant",
	.needs_device = true,
	.cases = ioctl_cases,
	.ncases = ARRAY_SIZE(ioctl_cases),
};

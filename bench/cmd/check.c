// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-pm-bench check`: does the loaded vfio variant behave as its design
 * says? TAP output, one line per check; used by the QEMU platform's tests.
 *
 *   every variant  /sys/module/vfio/version names it; the device opens
 *   upstream       one-shot LOW_POWER_ENTRY/EXIT; each ioctl resumes/puts
 *                  (rpm_resume events); an ioctl while engaged wakes it
 *   no-get         one-shot features; ioctls touch no usage count (no
 *                  rpm_resume events); an ioctl while engaged does NOT wake
 *                  the device: the unsafe behaviour the wrapper exists for
 *   v4             GET/SET POWER_MANAGEMENT; GET reports EXIT, then ENTER
 *                  while engaged; GET never wakes the device (no events)
 *   wakeref,       as upstream, but an ioctl while the device is awake does
 *   percpu         not call into runtime PM (no rpm_resume events): a wake
 *                  reference or a per-CPU gate reference holds it awake
 */
#include "cmd.h"
#include "common.h"
#include "lowpower.h"
#include "modules.h"
#include "opts.h"
#include "pcidev.h"
#include "sysfs.h"
#include "trace.h"
#include "vfio.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define NIOCTL 100

struct tap {
	unsigned int n, failed;
};

static void tap(struct tap *t, bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void tap(struct tap *t, bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	t->failed += !ok;
	printf("%sok %u - %s", ok ? "" : "not ", t->n, what);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
}

/* rpm_resume events for the device during NIOCTL calls of @fn, or -errno. */
static int rpm_events(struct vfio_dev *d, bool v4_get, char *why, size_t len)
{
	struct vfio_device_info info;
	uint32_t flags;
	int ret = trace_rpm_start("rpm_resume", d->bdf, why, len);

	if (ret)
		return ret;
	for (int i = 0; i < NIOCTL; i++)
		if (v4_get)
			__vfio_v4_get(d, &flags);
		else
			__vfio_get_info(d, &info);
	return trace_rpm_stop("rpm_resume");
}

static void check_events(struct tap *t, struct vfio_dev *d, bool v4_get, bool want_events)
{
	char why[160] = "", what[96];
	int n = rpm_events(d, v4_get, why, sizeof(why));

	snprintf(what, sizeof(what), "%d %s %s rpm_resume", NIOCTL,
		 v4_get ? "GET POWER_MANAGEMENT" : "GET_INFO",
		 want_events ? "each emit" : "emit no");
	if (n < 0)
		printf("ok %u - %s # SKIP %s\n", ++t->n, what, why);
	else
		tap(t, want_events ? n >= NIOCTL : n == 0, what, "%d events", n);
}

/* Engage, let it suspend, access it, and leave: what does the access do? */
static void check_low_power(struct tap *t, struct vfio_dev *d, bool access_wakes)
{
	struct vfio_device_info info;
	char last[64] = "";
	uint64_t before;
	uint32_t flags = 0;
	int ret = __vfio_lp_enter(d, -1);

	tap(t, !ret, "low-power entry accepted", ret ? "%s" : NULL, strerror(-ret));
	if (ret)
		return;
	ret = lp_wait(d->bdf, NULL, "suspended", 2000000000ull, NULL, last, sizeof(last), NULL);
	tap(t, !ret, "device runtime-suspends after entry", ret ? "last %s" : NULL, last);
	if (d->design == VFIO_PM_V4) {
		ret = __vfio_v4_get(d, &flags);
		tap(t, !ret && (flags & VPB_V4_PM_ENTER), "v4 GET reports ENTER while engaged",
		    "flags %#x", flags);
	}
	before = lp_active_ms(d->bdf);
	__vfio_get_info(d, &info);
	lp_wait(d->bdf, NULL, "suspended", 2000000000ull, NULL, NULL, 0, NULL);
	if (access_wakes)
		tap(t, lp_active_ms(d->bdf) > before, "an ioctl while engaged resumes the device",
		    NULL);
	else
		tap(t, lp_active_ms(d->bdf) == before,
		    "an ioctl while engaged does not resume the device (unsafe: no wrapper)", NULL);
	ret = __vfio_lp_exit(d);
	tap(t, !ret, "low-power exit accepted", ret ? "%s" : NULL, strerror(-ret));
	ret = lp_wait(d->bdf, "D0", "active", 2000000000ull, NULL, last, sizeof(last), NULL);
	tap(t, !ret, "device back in D0 and active", ret ? "last %s" : NULL, last);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'},
		{"variant", required_argument, NULL, 'V'},
		{"iommu", required_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vpb_variant_spec v = {0};
	char bdf[16] = "", why[512] = "", variant[64] = "";
	const char *iommu = "auto";
	struct tap t = {0};
	struct vfio_dev d;
	uint32_t flags = 0;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (pcidev_normalize_bdf(optarg, bdf, sizeof(bdf))) {
				vpb_err("check: '%s' is not a PCI address", optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'V': {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(v.name)) {
				vpb_err("check: --variant expects NAME=MODULE_DIR");
				return VPB_EXIT_USAGE;
			}
			snprintf(v.name, sizeof(v.name), "%.*s", (int)(eq - optarg), optarg);
			snprintf(v.dir, sizeof(v.dir), "%s", eq + 1);
			break;
		}
		case 'I':
			iommu = optarg;
			break;
		case 'h':
			printf("usage: vfio-pm-bench check --device BDF [--variant NAME=DIR] "
			       "[--iommu MODE]\n\n"
			       "Checks that the loaded vfio variant (or the one loaded from DIR)\n"
			       "behaves as its design says; TAP output; exit 0 when every check\n"
			       "passes, 1 otherwise, 4 without a device.\n");
			return VPB_EXIT_OK;
		default:
			return VPB_EXIT_USAGE;
		}
	}
	if (!bdf[0]) {
		vpb_err("check: no --device given");
		return VPB_EXIT_SKIP;
	}
	if (v.name[0]) {
		char devs[1][16];

		snprintf(devs[0], sizeof(devs[0]), "%s", bdf);
		ret = modules_load_variant(&v, devs, 1, !strcmp(iommu, "noiommu"), why,
					   sizeof(why));
		if (ret) {
			vpb_err("check: variant %s: %s", v.name, why);
			return VPB_EXIT_FAIL;
		}
	}
	if (modules_vfio_variant(variant, sizeof(variant))) {
		vpb_err("check: vfio is not loaded");
		return VPB_EXIT_SKIP;
	}
	printf("# variant %s, device %s\n", variant, bdf);
	if (v.name[0])
		tap(&t, !strcmp(variant, v.name), "/sys/module/vfio/version names the variant",
		    "%s", variant);
	ret = __vfio_open(&d, bdf, iommu, why, sizeof(why));
	tap(&t, !ret, "the device opens", ret ? "%s" : NULL, why);
	if (ret) {
		printf("1..%u\n", t.n);
		return ret == -ENOENT ? VPB_EXIT_SKIP : VPB_EXIT_FAIL;
	}
	if (!strcmp(variant, "upstream") || !strcmp(variant, "no-get") ||
	    !strcmp(variant, "wakeref") || !strcmp(variant, "percpu")) {
		tap(&t, d.design == VFIO_PM_ONESHOT, "one-shot low-power features", "design %s",
		    vfio_pm_design_name(d.design));
		check_events(&t, &d, false, !strcmp(variant, "upstream"));
		if (d.design == VFIO_PM_ONESHOT)
			check_low_power(&t, &d, strcmp(variant, "no-get") != 0);
	} else if (!strcmp(variant, "v4")) {
		tap(&t, d.design == VFIO_PM_V4, "GET/SET POWER_MANAGEMENT (v4)", "design %s",
		    vfio_pm_design_name(d.design));
		ret = __vfio_v4_get(&d, &flags);
		tap(&t, !ret && (flags & VPB_V4_PM_EXIT) && !(flags & VPB_V4_PM_ENTER),
		    "v4 GET reports EXIT when not engaged", "flags %#x", flags);
		check_events(&t, &d, false, true);
		check_events(&t, &d, true, false);
		if (d.design == VFIO_PM_V4)
			check_low_power(&t, &d, true);
	} else {
		printf("# no expectations for variant %s: design %s\n", variant,
		       vfio_pm_design_name(d.design));
	}
	vfio_close(&d);
	printf("1..%u\n", t.n);
	return t.failed ? VPB_EXIT_FAIL : VPB_EXIT_OK;
}

// SPDX-License-Identifier: GPL-2.0
#include "lowpower.h"
#include "clock.h"
#include "pcidev.h"
#include "sysfs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int lp_state(const char *bdf, char *power_state, size_t plen, char *runtime, size_t rlen)
{
	char path[128];
	int ret = 0;

	if (power_state) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power_state", bdf);
		ret = sysfs_read_str(path, power_state, plen);
	}
	if (!ret && runtime) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_status", bdf);
		ret = sysfs_read_str(path, runtime, rlen);
	}
	return ret;
}

static bool has_d3cold(const struct pcidev_info *i)
{
	return i->acpi_pr0 && i->acpi_pr3 && i->d3cold_allowed == 1;
}

const char *lp_deepest(const char *bdf, char *why, size_t len)
{
	struct pcidev_info dev, parent;

	if (pcidev_read(bdf, &dev) || !dev.has_pm_cap) {
		snprintf(why, len, "%s has no PM capability", bdf);
		return "";
	}
	if (has_d3cold(&dev)) {
		snprintf(why, len, "_PR0/_PR3 on %s (%s)", bdf, dev.acpi_path);
		return "D3cold";
	}
	if (dev.parent_bdf[0] && !pcidev_read(dev.parent_bdf, &parent) && has_d3cold(&parent)) {
		snprintf(why, len, "_PR0/_PR3 on bridge %s (%s)", parent.bdf, parent.acpi_path);
		return "D3cold";
	}
	snprintf(why, len, "no _PR0/_PR3 (or d3cold_allowed=0) on %s%s%s: D3cold is not reachable",
		 bdf, dev.parent_bdf[0] ? " or its bridge " : "", dev.parent_bdf);
	return "D3hot";
}

static int wait_state(const char *bdf, const char *power, const char *runtime, uint64_t timeout_ns,
		      const volatile int *stop, uint64_t *waited_ns, char *last, size_t lastlen)
{
	uint64_t t0 = clock_mono_ns(), interval = LP_POLL_MIN_NS;

	for (;;) {
		char ps[16] = "", rs[32] = "";
		uint64_t now;
		int ret = lp_state(bdf, ps, sizeof(ps), rs, sizeof(rs));

		now = clock_mono_ns();
		if (ret)
			return ret;
		if ((!power || !strcmp(ps, power)) && (!runtime || !strcmp(rs, runtime))) {
			if (waited_ns)
				*waited_ns = now - t0;
			return 0;
		}
		if (last)
			snprintf(last, lastlen, "%s/%s", ps, rs);
		if (stop && *stop)
			return -EINTR;
		if (now - t0 > timeout_ns)
			return -ETIMEDOUT;
		/* A signal cuts the sleep short: the loop looks again at once. */
		nanosleep(&(struct timespec){0, (long)interval}, NULL);
		if (interval < LP_POLL_MAX_NS)
			interval *= 2;
	}
}

int lp_wait(const char *bdf, const char *power, const char *runtime, uint64_t timeout_ns,
	    uint64_t *waited_ns, char *last, size_t lastlen, const volatile int *stop)
{
	return wait_state(bdf, power, runtime, timeout_ns, stop, waited_ns, last, lastlen);
}

int lp_wait_active(const char *bdf, uint64_t timeout_ns, char *last, size_t lastlen)
{
	return wait_state(bdf, "D0", "active", timeout_ns, NULL, NULL, last, lastlen);
}

int lp_is_active(const char *bdf, char *found, size_t len)
{
	char ps[16] = "", rs[32] = "";
	int ret = lp_state(bdf, ps, sizeof(ps), rs, sizeof(rs));

	if (ret)
		return ret;
	if (!strcmp(ps, "D0") && !strcmp(rs, "active"))
		return 1;
	snprintf(found, len, "%s/%s", ps, rs);
	return 0;
}

uint64_t lp_active_ms(const char *bdf)
{
	char path[96];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_active_time", bdf);
	sysfs_read_u64(path, &v);
	return v;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pcidev.c - PCI device information from sysfs (see pcidev.h).
 */
#include "pcidev.h"
#include "sysfs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCI_STATUS	    0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CAP_ID_PM	    0x01
#define PCI_CFG_HEADER_LEN  0x40
#define PCI_CAP_MAX_HOPS    48

/* Parse exactly @n hex digits at @s into @v. */
static bool hexn(const char *s, int n, unsigned int *v)
{
	unsigned int x = 0;

	for (int i = 0; i < n; i++) {
		char c = s[i];

		if (!isxdigit((unsigned char)c))
			return false;
		x = x * 16 + (unsigned int)(isdigit((unsigned char)c)
						    ? c - '0'
						    : tolower((unsigned char)c) - 'a' + 10);
	}
	*v = x;
	return true;
}

int pcidev_normalize_bdf(const char *in, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p;
	size_t n;

	if (!in)
		return -EINVAL;
	n = strlen(in);
	if (n == 12) {
		if (!hexn(in, 4, &dom) || in[4] != ':')
			return -EINVAL;
		p = in + 5;
	} else if (n == 7) {
		p = in;
	} else {
		return -EINVAL;
	}
	/* p: "bb:dd.f" */
	if (!hexn(p, 2, &bus) || p[2] != ':' || !hexn(p + 3, 2, &dev) || p[5] != '.' ||
	    !(p[6] >= '0' && p[6] <= '7'))
		return -EINVAL;
	fn = (unsigned int)(p[6] - '0');
	if (dev > 0x1f)
		return -EINVAL;
	if (len < PCIDEV_BDF_LEN)
		return -ENOSPC;
	snprintf(out, len, "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return 0;
}

int pcidev_sysfs_dir(const char *bdf, char *out, size_t len)
{
	char norm[PCIDEV_BDF_LEN];
	int n, ret;

	ret = pcidev_normalize_bdf(bdf, norm, sizeof(norm));
	if (ret)
		return ret;
	n = snprintf(out, len, "/sys/bus/pci/devices/%s", norm);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* "<dir>/<attr>" into @buf (PATH_MAX). */
static const char *attr_path(char *buf, const char *dir, const char *attr)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, attr);

	if (n < 0 || n >= PATH_MAX)
		buf[0] = '\0'; /* not absolute: every sysfs_* call fails with -EINVAL */
	return buf;
}

static void read_str_or_empty(const char *dir, const char *attr, char *buf, size_t len)
{
	char p[PATH_MAX];

	if (sysfs_read_str(attr_path(p, dir, attr), buf, len))
		buf[0] = '\0';
}

static int read_int_or(const char *dir, const char *attr, int dflt)
{
	char p[PATH_MAX];
	int v;

	if (sysfs_read_int(attr_path(p, dir, attr), &v))
		return dflt;
	return v;
}

static int read_id(const char *dir, const char *attr, uint32_t max, uint32_t *v)
{
	char p[PATH_MAX];
	uint64_t x;
	int ret;

	ret = sysfs_read_u64(attr_path(p, dir, attr), &x);
	if (ret)
		return ret;
	if (x > max)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

static uint16_t le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | (b[1] << 8));
}

int pcidev_parse_pm_cap(const uint8_t *cfg, size_t n, struct pcidev_info *out)
{
	unsigned int pos, hops = 0;
	uint16_t pmc, pmcsr;

	out->has_pm_cap = false;
	out->pm_cap_offset = 0;
	out->pmc = out->pmcsr = 0;
	out->pm_version = 0;
	out->d1_support = out->d2_support = out->no_soft_reset = false;
	out->pme_support = 0;
	out->pmcsr_state = -1;
	if (n < PCI_CFG_HEADER_LEN)
		return -EINVAL;
	if (!(le16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg[PCI_CAPABILITY_LIST] & 0xfc;
	while (pos) {
		if (pos < PCI_CFG_HEADER_LEN || ++hops > PCI_CAP_MAX_HOPS)
			return -EINVAL;
		if (pos + 6 > n)
			return -ENODATA; /* capabilities beyond what we may read */
		if (cfg[pos] == PCI_CAP_ID_PM) {
			pmc = le16(cfg + pos + 2);
			pmcsr = le16(cfg + pos + 4);
			out->has_pm_cap = true;
			out->pm_cap_offset = (uint8_t)pos;
			out->pmc = pmc;
			out->pmcsr = pmcsr;
			out->pm_version = pmc & 0x7;
			out->d1_support = pmc & (1u << 9);
			out->d2_support = pmc & (1u << 10);
			out->pme_support = (pmc >> 11) & 0x1f;
			out->no_soft_reset = pmcsr & (1u << 3);
			out->pmcsr_state = pmcsr & 0x3;
			return 0;
		}
		pos = cfg[pos + 1] & 0xfc;
	}
	return 0;
}

/* Is @s exactly a full BDF ("dddd:bb:dd.f")? */
static bool is_full_bdf(const char *s, size_t n)
{
	char tmp[PCIDEV_BDF_LEN], norm[PCIDEV_BDF_LEN];

	if (n != 12)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return pcidev_normalize_bdf(tmp, norm, sizeof(norm)) == 0;
}

/* The BDF component just before the last one of a canonical device path. */
static void parent_from_path(const char *real, char *out, size_t len)
{
	const char *end = real + strlen(real), *seg_end, *seg;

	out[0] = '\0';
	/* skip the device's own component */
	while (end > real && end[-1] != '/')
		end--;
	while (end > real) {
		seg_end = end - 1; /* at '/' */
		seg = seg_end;
		while (seg > real && seg[-1] != '/')
			seg--;
		if (is_full_bdf(seg, (size_t)(seg_end - seg))) {
			snprintf(out, len, "%.*s", (int)(seg_end - seg), seg);
			return;
		}
		/* stop at the host bridge ("pci0000:00"): nothing above is PCI */
		if (!strncmp(seg, "pci", 3))
			return;
		end = seg;
	}
}

int pcidev_read(const char *bdf, struct pcidev_info *out)
{
	char dir[PATH_MAX], p[PATH_MAX], real[PATH_MAX];
	uint8_t cfg[4096];
	uint32_t v;
	ssize_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = pcidev_normalize_bdf(bdf, out->bdf, sizeof(out->bdf));
	if (ret)
		return ret;
	ret = pcidev_sysfs_dir(out->bdf, dir, sizeof(dir));
	if (ret)
		return ret;
	if (!sysfs_is_dir(dir))
		return -ENOENT;

	if ((ret = read_id(dir, "vendor", 0xffff, &v)))
		return ret;
	out->vendor = (uint16_t)v;
	if ((ret = read_id(dir, "device", 0xffff, &v)))
		return ret;
	out->device = (uint16_t)v;
	if ((ret = read_id(dir, "class", 0xffffff, &v)))
		return ret;
	out->class = v;
	if (!read_id(dir, "subsystem_vendor", 0xffff, &v))
		out->subsystem_vendor = (uint16_t)v;
	if (!read_id(dir, "subsystem_device", 0xffff, &v))
		out->subsystem_device = (uint16_t)v;

	if (sysfs_read_link_name(attr_path(p, dir, "driver"), out->driver, sizeof(out->driver)))
		out->driver[0] = '\0';

	n = sysfs_read_bin(attr_path(p, dir, "config"), cfg, sizeof(cfg));
	out->config_len = n > 0 ? (int)n : 0;
	pcidev_parse_pm_cap(cfg, n > 0 ? (size_t)n : 0, out);

	read_str_or_empty(dir, "power_state", out->power_state, sizeof(out->power_state));
	read_str_or_empty(dir, "power/runtime_status", out->runtime_status,
			  sizeof(out->runtime_status));
	out->runtime_usage = read_int_or(dir, "power/runtime_usage", -1);
	out->d3cold_allowed = read_int_or(dir, "d3cold_allowed", -1);
	out->d3cold_delay_ms = read_int_or(dir, "d3cold_delay", -1);
	out->d3hot_delay_ms = read_int_or(dir, "d3hot_delay", -1);

	read_str_or_empty(dir, "firmware_node/path", out->acpi_path, sizeof(out->acpi_path));
	out->acpi_pr0 = sysfs_is_dir(attr_path(p, dir, "firmware_node/power_resources_D0"));
	out->acpi_pr3 = sysfs_is_dir(attr_path(p, dir, "firmware_node/power_resources_D3hot"));
	read_str_or_empty(dir, "firmware_node/real_power_state", out->acpi_real_power_state,
			  sizeof(out->acpi_real_power_state));

	read_str_or_empty(dir, "current_link_speed", out->current_link_speed,
			  sizeof(out->current_link_speed));
	out->current_link_width = read_int_or(dir, "current_link_width", -1);

	if (!sysfs_realpath(dir, real, sizeof(real)))
		parent_from_path(real, out->parent_bdf, sizeof(out->parent_bdf));

	if (pcidev_iommu_group(out->bdf, &out->iommu_group))
		out->iommu_group = -1;
	out->noiommu = pcidev_noiommu(out->bdf);
	return 0;
}

int pcidev_check_vfio(const char *bdf, char *why, size_t len)
{
	char norm[PCIDEV_BDF_LEN], dir[PATH_MAX], p[PATH_MAX], drv[64];
	int ret;

	if (len)
		why[0] = '\0';
	ret = pcidev_normalize_bdf(bdf, norm, sizeof(norm));
	if (ret) {
		snprintf(why, len, "'%s' is not a PCI address (expected [dddd:]bb:dd.f)",
			 bdf ? bdf : "(null)");
		return ret;
	}
	pcidev_sysfs_dir(norm, dir, sizeof(dir));
	if (!sysfs_is_dir(dir)) {
		snprintf(why, len, "%s: no such PCI device", norm);
		return -ENOENT;
	}
	ret = sysfs_read_link_name(attr_path(p, dir, "driver"), drv, sizeof(drv));
	if (ret == -ENOENT) {
		snprintf(why, len, "%s is not bound to any driver (bind it to vfio-pci)", norm);
		return -EBUSY;
	}
	if (ret) {
		snprintf(why, len, "%s: cannot read its driver link: %s", norm, strerror(-ret));
		return ret;
	}
	if (strcmp(drv, "vfio-pci")) {
		snprintf(why, len, "%s is bound to %s, not vfio-pci", norm, drv);
		return -EBUSY;
	}
	return 0;
}

int pcidev_iommu_group(const char *bdf, int *group)
{
	char dir[PATH_MAX], p[PATH_MAX], name[32], *end;
	long g;
	int ret;

	ret = pcidev_sysfs_dir(bdf, dir, sizeof(dir));
	if (ret)
		return ret;
	ret = sysfs_read_link_name(attr_path(p, dir, "iommu_group"), name, sizeof(name));
	if (ret)
		return ret == -EINVAL ? -ENOENT : ret;
	errno = 0;
	g = strtol(name, &end, 10);
	if (errno || end == name || *end || g < 0 || g > INT_MAX)
		return -EINVAL;
	*group = (int)g;
	return 0;
}

bool pcidev_noiommu(const char *bdf)
{
	char p[PATH_MAX], name[64];
	int group;

	if (pcidev_iommu_group(bdf, &group))
		return false;
	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/name", group);
	if (sysfs_read_str(p, name, sizeof(name)))
		return false;
	return !strcmp(name, "vfio-noiommu");
}

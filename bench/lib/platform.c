// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - platform identity and slug (see platform.h).
 */
#include "platform.h"
#include "sysfs.h"
#include "topo.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

/* NULL: this machine; "": skipped; else synthetic or XML spec */
static char *platform_topo_spec;

void platform_set_topology(const char *spec)
{
	free(platform_topo_spec);
	platform_topo_spec = spec ? strdup(spec) : NULL;
}

uint64_t platform_fnv1a64(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Set @key to the text of @path (any length up to 64 KiB, trailing newlines
 * stripped), or to null (or leave it out if !keep_null). */
static void set_file_str(json_t *obj, const char *key, const char *path, bool keep_null)
{
	char *text = NULL;
	ssize_t n = sysfs_read_all(path, &text, 64u << 10);

	if (n >= 0) {
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
		json_t *v = json_stringn(text, (size_t)n); /* NULL if not UTF-8 */

		json_object_set_new(obj, key, v ? v : json_null());
	} else if (keep_null) {
		json_object_set_new(obj, key, json_null());
	}
	free(text);
}

/* Value after "key<blanks>: " on a /proc/cpuinfo line, or NULL. */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	if (strncmp(line, key, n))
		return NULL;
	p = line + n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	return p;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static json_t *cpu_json(void)
{
	char *all = NULL, *line, *save = NULL, model[256] = "", vendor[64] = "";
	unsigned long long seen_pkg = 0; /* bitmap of physical ids < 64 */
	unsigned int logical = 0, pkgs = 0;
	bool hv = false;
	const char *v;

	if (sysfs_read_all("/proc/cpuinfo", &all, 16u << 20) >= 0) {
		for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (cpuinfo_value(line, "processor"))
				logical++;
			else if (!model[0] && (v = cpuinfo_value(line, "model name")))
				snprintf(model, sizeof(model), "%s", v);
			else if (!vendor[0] && (v = cpuinfo_value(line, "vendor_id")))
				snprintf(vendor, sizeof(vendor), "%s", v);
			else if ((v = cpuinfo_value(line, "physical id"))) {
				unsigned long id = strtoul(v, NULL, 10);

				if (id < 64 && !(seen_pkg & (1ULL << id))) {
					seen_pkg |= 1ULL << id;
					pkgs++;
				}
			} else if (!hv && (v = cpuinfo_value(line, "flags")))
				hv = has_word(v, "hypervisor");
		}
		free(all);
	}
	return json_pack("{s:s, s:s, s:i, s:i, s:b}", "model", model, "vendor", vendor, "packages",
			 pkgs ? pkgs : 1, "logical_cpus", logical, "hypervisor_flag", hv);
}

static json_t *kernel_json(void)
{
	char release[128] = "", path[192], hex[17];
	const char *src = NULL;
	json_t *k = json_object();
	char *bytes = NULL;
	ssize_t n;

	if (!k)
		return NULL;
	if (!sysfs_read_str("/proc/sys/kernel/osrelease", release, sizeof(release)))
		json_object_set_new(k, "release", json_string(release));
	else
		json_object_set_new(k, "release", json_null());
	set_file_str(k, "version", "/proc/version", true);
	set_file_str(k, "cmdline", "/proc/cmdline", true);

	n = sysfs_read_all("/proc/config.gz", &bytes, 8u << 20);
	if (n >= 0) {
		src = "/proc/config.gz";
	} else if (release[0]) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		n = sysfs_read_all(path, &bytes, 32u << 20);
		if (n >= 0)
			src = path;
	}
	if (src) {
		snprintf(hex, sizeof(hex), "%016" PRIx64, platform_fnv1a64(bytes, (size_t)n));
		json_object_set_new(k, "config_hash", json_string(hex));
		json_object_set_new(k, "config_source", json_string(src));
	} else {
		json_object_set_new(k, "config_hash", json_string("unknown"));
		json_object_set_new(k, "config_source", json_null());
	}
	free(bytes);
	return k;
}

static json_t *dmi_json(void)
{
	static const char *const keys[] = {"sys_vendor", "product_name", "bios_vendor",
					   "bios_version", "bios_date"};
	json_t *d = json_object();
	char path[64];

	for (size_t i = 0; d && i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", keys[i]);
		set_file_str(d, keys[i], path, false);
	}
	return d;
}

static const char *json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *hypervisor_json(json_t *cpu, json_t *dmi)
{
	const char *sysv = json_str(dmi, "sys_vendor"), *prod = json_str(dmi, "product_name");
	bool flag = json_is_true(json_object_get(cpu, "hypervisor_flag"));
	bool qemu_dmi = !strcmp(sysv, "QEMU");
	bool qemu_cpu = strstr(json_str(cpu, "model"), "QEMU") != NULL;
	bool other_dmi = strstr(prod, "KVM") || strstr(prod, "VMware") ||
			 strstr(prod, "VirtualBox") || strstr(sysv, "Xen");
	char ev[160] = "";

	if (flag)
		strcat(ev, "cpuinfo hypervisor flag");
	if (qemu_dmi)
		strcat(ev, ev[0] ? ", DMI sys_vendor QEMU" : "DMI sys_vendor QEMU");
	if (qemu_cpu)
		strcat(ev, ev[0] ? ", QEMU CPU model" : "QEMU CPU model");
	if (other_dmi)
		strcat(ev, ev[0] ? ", DMI product_name" : "DMI product_name");
	if (!(flag || qemu_dmi || qemu_cpu || other_dmi))
		return json_pack("{s:b, s:n, s:s}", "detected", 0, "vendor", "evidence", "");
	return json_pack("{s:b, s:s, s:s}", "detected", 1, "vendor",
			 qemu_dmi || qemu_cpu ? "qemu" : "unknown", "evidence", ev);
}

static json_t *int_or_null(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

json_t *platform_device_json(const struct pcidev_info *d)
{
	static const char *const pme_names[] = {"D0", "D1", "D2", "D3hot", "D3cold"};
	char vendor[8], device[8], sv[8], sd[8], cls[8], pmc[8], pmcsr[8];
	json_t *pme = json_array();

	if (!pme)
		return NULL;
	for (int i = 0; i < 5; i++) {
		if (d->pme_support & (1u << i))
			json_array_append_new(pme, json_string(pme_names[i]));
	}
	snprintf(vendor, sizeof(vendor), "%04x", d->vendor);
	snprintf(device, sizeof(device), "%04x", d->device);
	snprintf(sv, sizeof(sv), "%04x", d->subsystem_vendor);
	snprintf(sd, sizeof(sd), "%04x", d->subsystem_device);
	snprintf(cls, sizeof(cls), "%06x", d->class & 0xffffff);
	snprintf(pmc, sizeof(pmc), "0x%04x", d->pmc);
	snprintf(pmcsr, sizeof(pmcsr), "0x%04x", d->pmcsr);
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		" s:b, s:i, s:s, s:s, s:i, s:b, s:b, s:o, s:b, s:o, s:i,"
		" s:s, s:s, s:o, s:o, s:o, s:o,"
		" s:s, s:b, s:b, s:s, s:s, s:o, s:s, s:o, s:b}",
		"bdf", d->bdf, "vendor", vendor, "device", device, "subsystem_vendor", sv,
		"subsystem_device", sd, "class", cls, "driver", d->driver,
		/* PM capability */
		"has_pm_cap", d->has_pm_cap, "pm_cap_offset", d->pm_cap_offset, "pmc", pmc, "pmcsr",
		pmcsr, "pm_version", d->pm_version, "d1_support", d->d1_support, "d2_support",
		d->d2_support, "pme_support", pme, "no_soft_reset", d->no_soft_reset, "pmcsr_state",
		int_or_null(d->pmcsr_state), "config_len", d->config_len,
		/* runtime PM */
		"power_state", d->power_state, "runtime_status", d->runtime_status, "runtime_usage",
		int_or_null(d->runtime_usage), "d3cold_allowed", int_or_null(d->d3cold_allowed),
		"d3cold_delay_ms", int_or_null(d->d3cold_delay_ms), "d3hot_delay_ms",
		int_or_null(d->d3hot_delay_ms),
		/* ACPI, link, topology */
		"acpi_path", d->acpi_path, "acpi_pr0", d->acpi_pr0, "acpi_pr3", d->acpi_pr3,
		"acpi_real_power_state", d->acpi_real_power_state, "current_link_speed",
		d->current_link_speed, "current_link_width", int_or_null(d->current_link_width),
		"parent_bdf", d->parent_bdf, "iommu_group", int_or_null(d->iommu_group), "noiommu",
		d->noiommu);
}

static int load_topology(hwloc_topology_t *t)
{
	return topo_init(t, platform_topo_spec, false);
}

int platform_lstopo_xml(char **xml)
{
	hwloc_topology_t t;
	char *buf = NULL;
	int ret, n = 0;

	if (platform_topo_spec && !platform_topo_spec[0])
		return -ENOENT;
	ret = topo_init(&t, platform_topo_spec, true);
	if (ret)
		return ret;
	if (hwloc_topology_export_xmlbuffer(t, &buf, &n, 0)) {
		ret = errno ? -errno : -EIO;
		hwloc_topology_destroy(t);
		return ret;
	}
	*xml = strdup(buf);
	hwloc_free_xmlbuffer(t, buf);
	hwloc_topology_destroy(t);
	return *xml ? 0 : -ENOMEM;
}

json_t *platform_identity(const char *bdf, char *err, size_t len)
{
	json_t *id, *cpu, *dmi, *smt, *topo = NULL;
	struct pcidev_info dev;
	char gov[64], hb[16];
	hwloc_topology_t t;
	uint64_t hv = 0, hd = 0;
	int ret, active;

	if (len)
		err[0] = '\0';
	if (bdf) {
		ret = pcidev_read(bdf, &dev);
		if (ret == -ENOENT) {
			snprintf(err, len, "%s: no such PCI device", dev.bdf);
			return NULL;
		}
		if (ret == -EINVAL) {
			snprintf(err, len, "'%s' is not a PCI address (expected [dddd:]bb:dd.f)",
				 bdf);
			return NULL;
		}
		if (ret) {
			snprintf(err, len, "%s: cannot read the device: %s", dev.bdf,
				 strerror(-ret));
			return NULL;
		}
	}
	id = json_object();
	cpu = cpu_json();
	dmi = dmi_json();
	if (!id || !cpu || !dmi) {
		json_decref(id);
		json_decref(cpu);
		json_decref(dmi);
		snprintf(err, len, "out of memory");
		return NULL;
	}
	json_object_set_new(id, "schema", json_integer(1));
	json_object_set(id, "cpu", cpu);

	if (platform_topo_spec && !platform_topo_spec[0]) {
		json_object_set_new(id, "topology", json_null());
		json_object_set_new(id, "topology_source", json_string("skipped"));
	} else {
		ret = load_topology(&t);
		if (!ret) {
			topo = topo_summary(t);
			hwloc_topology_destroy(t);
		} else {
			json_object_set_new(id, "topology_error", json_string(strerror(-ret)));
		}
		json_object_set_new(id, "topology", topo ? topo : json_null());
		json_object_set_new(
			id, "topology_source",
			json_string(platform_topo_spec ? platform_topo_spec : "this machine"));
	}

	json_object_set_new(id, "kernel", kernel_json());
	json_object_set(id, "dmi", dmi);
	if (!sysfs_read_u64("/sys/bus/pci/devices/0000:00:00.0/vendor", &hv) &&
	    !sysfs_read_u64("/sys/bus/pci/devices/0000:00:00.0/device", &hd)) {
		snprintf(hb, sizeof(hb), "%04x:%04x", (unsigned int)(hv & 0xffff),
			 (unsigned int)(hd & 0xffff));
		json_object_set_new(id, "host_bridge", json_string(hb));
	} else {
		json_object_set_new(id, "host_bridge", json_null());
	}
	set_file_str(id, "clocksource",
		     "/sys/devices/system/clocksource/clocksource0/current_clocksource", true);
	if (sysfs_read_str("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", gov,
			   sizeof(gov)))
		snprintf(gov, sizeof(gov), "none");
	json_object_set_new(id, "cpufreq_governor", json_string(gov));
	smt = json_object();
	if (smt) {
		if (!sysfs_read_int("/sys/devices/system/cpu/smt/active", &active))
			json_object_set_new(smt, "active", json_integer(active));
		else
			json_object_set_new(smt, "active", json_null());
		set_file_str(smt, "control", "/sys/devices/system/cpu/smt/control", true);
		json_object_set_new(id, "smt", smt);
	}
	json_object_set_new(id, "hypervisor", hypervisor_json(cpu, dmi));
	json_decref(cpu);
	json_decref(dmi);
	if (bdf)
		json_object_set_new(id, "device", platform_device_json(&dev));
	return id;
}

/* ---- slug ---- */

struct slug_buf {
	char *buf;
	size_t len, n;
	bool overflow;
};

/* Append @s, mapping runs of non-[a-z0-9] to one '-' and lowercasing. */
static void slug_add(struct slug_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = (char)tolower((unsigned char)*s);

		if (!isalnum((unsigned char)c) || (unsigned char)c > 127) {
			c = '-';
			if (b->n == 0 || b->buf[b->n - 1] == '-')
				continue;
		}
		if (b->n + 1 >= b->len) {
			b->overflow = true;
			return;
		}
		b->buf[b->n++] = c;
		b->buf[b->n] = '\0';
	}
}

static void slug_part(struct slug_buf *b, const char *s)
{
	if (b->n && b->buf[b->n - 1] != '-')
		slug_add(b, "-");
	slug_add(b, s);
}

/* CPU model, reduced per the rule in platform.h, into @out. */
static void cpu_model_words(const char *model, char *out, size_t len)
{
	char tmp[256], *w, *save = NULL, *at;
	size_t n = 0;

	snprintf(tmp, sizeof(tmp), "%s", model);
	at = strchr(tmp, '@');
	if (at)
		*at = '\0';
	for (char *p = tmp; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* drop "(r)" and "(tm)" */
	for (const char *pat[] = {"(r)", "(tm)"}, **q = pat; q < pat + 2; q++) {
		char *p;

		while ((p = strstr(tmp, *q)))
			memmove(p, p + strlen(*q), strlen(p + strlen(*q)) + 1);
	}
	out[0] = '\0';
	for (w = strtok_r(tmp, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t wl = strlen(w);

		if (!strcmp(w, "cpu") || !strcmp(w, "processor"))
			continue;
		if (wl > 5 && !strcmp(w + wl - 5, "-core"))
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? " " : "", w);
	}
}

static const struct {
	uint16_t vendor, device;
	const char *name;
} slug_devices[] = {
	{0x8086, 0x10d3, "e1000e"}, {0x1b36, 0x0010, "qemu-nvme"},  {0x1b36, 0x0005, "pci-testdev"},
	{0x1234, 0x11e8, "edu"},    {0x1af4, 0x1000, "virtio-net"}, {0x1af4, 0x1041, "virtio-net"},
	{0x10de, 0x20b0, "a100"},   {0x10de, 0x20b2, "a100"},
};

int platform_slug(json_t *identity, char *buf, size_t len)
{
	struct slug_buf b = {.buf = buf, .len = len};
	json_t *cpu, *dmi, *dev, *hyp;
	const char *model, *prod, *hb;
	char words[256], part[32];
	bool qemu;

	if (!json_is_object(identity) || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	cpu = json_object_get(identity, "cpu");
	dmi = json_object_get(identity, "dmi");
	dev = json_object_get(identity, "device");
	hyp = json_object_get(identity, "hypervisor");
	model = json_str(cpu, "model");
	prod = json_str(dmi, "product_name");
	hb = json_string_value(json_object_get(identity, "host_bridge"));
	if (!hb)
		hb = "";

	qemu = !strcmp(json_str(dmi, "sys_vendor"), "QEMU") || strstr(model, "QEMU");
	if (qemu) {
		slug_part(&b, "qemu");
		if (strstr(prod, "Q35") || !strcmp(hb, "8086:29c0"))
			slug_part(&b, "q35");
		else if (strstr(prod, "i440FX") || !strcmp(hb, "8086:1237"))
			slug_part(&b, "i440fx");
	} else {
		json_int_t pk = json_integer_value(json_object_get(cpu, "packages"));

		if (json_is_true(json_object_get(hyp, "detected")))
			slug_part(&b, "vm");
		cpu_model_words(model, words, sizeof(words));
		slug_part(&b, words[0] ? words : "unknown-cpu");
		snprintf(part, sizeof(part), "%llds", (long long)(pk > 0 ? pk : 1));
		slug_part(&b, part);
	}
	if (json_is_object(dev)) {
		unsigned long v = strtoul(json_str(dev, "vendor"), NULL, 16);
		unsigned long d = strtoul(json_str(dev, "device"), NULL, 16);
		const char *name = NULL;

		for (size_t i = 0; i < sizeof(slug_devices) / sizeof(slug_devices[0]); i++) {
			if (slug_devices[i].vendor == v && slug_devices[i].device == d)
				name = slug_devices[i].name;
		}
		if (!name) {
			snprintf(part, sizeof(part), "%04lx-%04lx", v & 0xffff, d & 0xffff);
			name = part;
		}
		slug_part(&b, name);
	}
	while (b.n && buf[b.n - 1] == '-')
		buf[--b.n] = '\0';
	return b.overflow ? -ENOSPC : 0;
}

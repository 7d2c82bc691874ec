/* SPDX-License-Identifier: GPL-2.0 */
/*
 * platform.h - the identity of the platform being measured (CPU, topology,
 * firmware, kernel, device under test) as JSON, and its stable slug.
 *
 * Everything but the hwloc part is read through sysfs.h, so a fake root
 * (sysfs_set_root()) gives a fully fake identity; the hwloc part follows
 * platform_set_topology().
 *
 * Slug rule (platform_slug()), a pure function of the identity JSON:
 *   1. machine:
 *      - QEMU (DMI sys_vendor "QEMU", or a CPU model containing "QEMU"):
 *        "qemu", then "-q35" if DMI product_name contains "Q35" or the host
 *        bridge is 8086:29c0, "-i440fx" if it contains "i440FX" or the host
 *        bridge is 8086:1237;
 *      - otherwise the CPU model, lowercased, cut at "@", without "(r)",
 *        "(tm)", the words "cpu" and "processor" and any "<n>-core" word,
 *        then "-<packages>s" (packages = distinct "physical id" in
 *        /proc/cpuinfo, at least 1); prefixed by "vm-" when a hypervisor is
 *        detected. An empty model gives "unknown-cpu".
 *   2. device (if the identity has one): a short name for a few known
 *      vendor:device pairs (8086:10d3 "e1000e", 1b36:0010 "qemu-nvme",
 *      1b36:0005 "pci-testdev", 1234:11e8 "edu", 1af4:1000/1af4:1041
 *      "virtio-net", 10de:20b0/10de:20b2 "a100"), else "<vendor>-<device>"
 *      in 4-digit hex.
 *   3. the parts joined by '-', every run of characters outside [a-z0-9]
 *      turned into one '-', no leading or trailing '-'.
 * Examples: "qemu-q35-e1000e", "intel-xeon-gold-6230-2s-144d-a808",
 * "vm-amd-epyc-1s". The slug never holds a BDF, kernel release, cmdline or
 * anything else that can change at boot.
 */
#ifndef VPB_PLATFORM_H
#define VPB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pcidev.h"

/**
 * platform_set_topology() - choose the topology platform_identity() and
 * platform_lstopo_xml() describe.
 * @spec: NULL for this machine (the default); "" to skip hwloc ("topology"
 *        is null); otherwise a hwloc synthetic description or XML file path,
 *        as for topo_init(). The string is copied.
 */
void platform_set_topology(const char *spec);

/**
 * platform_identity() - build the platform identity.
 * @bdf: the device under test (any form pcidev_normalize_bdf() takes), or NULL.
 * @err: on failure, one line.
 * @len: size of @err.
 *
 * Keys: "schema" (1), "cpu" {model, vendor, packages, logical_cpus,
 * hypervisor_flag}, "topology" (topo_summary() or null) and
 * "topology_source" ("this machine", "skipped", or the synthetic/XML spec),
 * "kernel" {release, version, cmdline, config_hash (FNV-1a 64, 16 hex
 * digits, or "unknown"), config_source (path or null)}, "dmi" {sys_vendor,
 * product_name, bios_vendor, bios_version, bios_date: those present},
 * "host_bridge" ("vvvv:dddd" of 0000:00:00.0 or null), "clocksource"
 * (or null), "cpufreq_governor" (cpu0's, or "none"), "smt" {active (int or
 * null), control (string or null)}, "hypervisor" {detected, vendor ("qemu",
 * "unknown" or null), evidence}, and with @bdf "device"
 * (platform_device_json()). Missing files give null or are left out; they
 * are not errors.
 *
 * Return: a new object; NULL if the device cannot be read (@err says why,
 * e.g. "0000:00:09.0: no such PCI device") or on allocation failure.
 */
json_t *platform_identity(const char *bdf, char *err, size_t len);

/**
 * platform_device_json() - every field of a struct pcidev_info as JSON:
 * the same names as the struct's fields; IDs as hex strings ("144d",
 * class "010802"), pmc/pmcsr as "0x%04x", pme_support as a list of state
 * names ("D0", "D1", "D2", "D3hot", "D3cold"); ints documented as -1 when
 * absent become null.
 * @d: the device.
 *
 * Return: a new object or NULL on allocation failure.
 */
json_t *platform_device_json(const struct pcidev_info *d);

/**
 * platform_slug() - the stable id of an identity (rule at the top of this file).
 * @identity: an object from platform_identity().
 * @buf: receives the slug.
 * @len: size of @buf.
 *
 * Return: 0, -EINVAL if @identity is not an object, -ENOSPC if @buf is short.
 */
int platform_slug(json_t *identity, char *buf, size_t len);

/**
 * platform_lstopo_xml() - the hwloc XML export (what lstopo --of xml writes)
 * of the topology chosen by platform_set_topology().
 * @xml: receives a malloc'ed NUL-terminated string; free() it.
 *
 * Return: 0, -ENOENT if hwloc is skipped, or -errno.
 */
int platform_lstopo_xml(char **xml);

/**
 * platform_fnv1a64() - 64-bit FNV-1a hash of @n bytes at @buf.
 * @buf: the bytes.
 * @n: their number.
 */
uint64_t platform_fnv1a64(const void *buf, size_t n);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcidev.h - what sysfs and config space say about one PCI device: IDs,
 * driver, PM capability, D-state, runtime PM, ACPI power resources, link,
 * parent bridge and IOMMU group. All reads go through sysfs.h, so a fake
 * root (sysfs_set_root()) works for every function here.
 */
#ifndef VPB_PCIDEV_H
#define VPB_PCIDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "dddd:bb:dd.f" + NUL */
#define PCIDEV_BDF_LEN 13

/* Bits of pcidev_info.pme_support (PMC bits 15:11, shifted down). */
#define PCIDEV_PME_D0	  0x01
#define PCIDEV_PME_D1	  0x02
#define PCIDEV_PME_D2	  0x04
#define PCIDEV_PME_D3HOT  0x08
#define PCIDEV_PME_D3COLD 0x10

/**
 * struct pcidev_info - one PCI device as seen from sysfs.
 * @bdf: normalized "dddd:bb:dd.f".
 * @vendor: @device: @subsystem_vendor: @subsystem_device: IDs from sysfs.
 * @class: 24-bit class code (e.g. 0x010802).
 * @driver: bound driver name, "" if unbound.
 * @has_pm_cap: the capability list in "config" has a PM capability (id 0x01).
 * @pm_cap_offset: its offset in config space (0 if none).
 * @pmc: Power Management Capabilities register (0 if none).
 * @pmcsr: PM Control/Status register as read from "config" (0 if none).
 * @pm_version: PMC bits 2:0.
 * @d1_support: @d2_support: PMC bits 9 and 10.
 * @pme_support: PMC bits 15:11 as PCIDEV_PME_* flags.
 * @no_soft_reset: PMCSR bit 3 (D3hot->D0 keeps the device's state).
 * @pmcsr_state: PMCSR bits 1:0 (0=D0 .. 3=D3hot), -1 if no PM capability.
 * @config_len: bytes readable from "config" (64 for unprivileged readers).
 * @power_state: sysfs power_state ("D0", "D3hot", "D3cold", ...), "" if absent.
 * @runtime_status: power/runtime_status ("active", "suspended", ...), "" if absent.
 * @runtime_usage: power/runtime_usage, -1 if absent (needs PM_ADVANCED_DEBUG).
 * @d3cold_allowed: d3cold_allowed, -1 if absent.
 * @d3cold_delay_ms: @d3hot_delay_ms: "d3cold_delay"/"d3hot_delay", -1 if the
 *                   kernel does not expose them (mainline does not).
 * @acpi_path: firmware_node/path (e.g. "\_SB_.PCI0.S18_"), "" if none.
 * @acpi_pr0: firmware_node/power_resources_D0 exists (_PR0).
 * @acpi_pr3: firmware_node/power_resources_D3hot exists (_PR3).
 * @acpi_real_power_state: firmware_node/real_power_state, "" if absent.
 * @current_link_speed: e.g. "8.0 GT/s PCIe", "" if absent.
 * @current_link_width: lanes, -1 if absent.
 * @parent_bdf: upstream bridge (last BDF component before the device in the
 *              device's canonical sysfs path), "" on a root bus.
 * @iommu_group: IOMMU group number, -1 if none.
 * @noiommu: the group is a vfio noiommu group.
 */
struct pcidev_info {
	char bdf[PCIDEV_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;
	uint32_t class;
	char driver[64];
	bool has_pm_cap;
	uint8_t pm_cap_offset;
	uint16_t pmc;
	uint16_t pmcsr;
	unsigned int pm_version;
	bool d1_support;
	bool d2_support;
	unsigned int pme_support;
	bool no_soft_reset;
	int pmcsr_state;
	int config_len;
	char power_state[16];
	char runtime_status[32];
	int runtime_usage;
	int d3cold_allowed;
	int d3cold_delay_ms;
	int d3hot_delay_ms;
	char acpi_path[128];
	bool acpi_pr0;
	bool acpi_pr3;
	char acpi_real_power_state[16];
	char current_link_speed[32];
	int current_link_width;
	char parent_bdf[PCIDEV_BDF_LEN];
	int iommu_group;
	bool noiommu;
};

/**
 * pcidev_normalize_bdf() - validate a PCI address and write its full form.
 * @in: "bb:dd.f" or "dddd:bb:dd.f" in hex, either case; device <= 0x1f,
 *      function <= 7; nothing else (no blanks).
 * @out: receives lowercase "dddd:bb:dd.f" (domain 0000 if omitted).
 * @len: size of @out, at least PCIDEV_BDF_LEN.
 *
 * Return: 0, -EINVAL if @in is not a PCI address, -ENOSPC if @len is short.
 */
int pcidev_normalize_bdf(const char *in, char *out, size_t len);

/**
 * pcidev_sysfs_dir() - "/sys/bus/pci/devices/<bdf>" for a normalized BDF.
 * @bdf: any form accepted by pcidev_normalize_bdf().
 * @out: receives the path (relative to the sysfs root, like all paths).
 * @len: size of @out.
 *
 * Return: 0, -EINVAL, -ENAMETOOLONG.
 */
int pcidev_sysfs_dir(const char *bdf, char *out, size_t len);

/**
 * pcidev_read() - fill @out from sysfs and the device's config space.
 * @bdf: PCI address, any form accepted by pcidev_normalize_bdf().
 * @out: receives the information; absent optional attributes get the
 *       "absent" values documented in struct pcidev_info.
 *
 * Return: 0, -EINVAL for a malformed address, -ENOENT if no such device,
 * or -errno if a mandatory attribute (vendor, device, class) cannot be read.
 */
int pcidev_read(const char *bdf, struct pcidev_info *out);

/**
 * pcidev_check_vfio() - is the device there and bound to vfio-pci?
 * @bdf: PCI address.
 * @why: on failure, a one-line reason, e.g. "0000:00:03.0 is bound to
 *       e1000e, not vfio-pci", "0000:00:03.0 is not bound to any driver (bind
 *       it to vfio-pci)", "0000:00:09.0: no such PCI device".
 * @len: size of @why.
 *
 * Return: 0 if bound to vfio-pci, -EINVAL (bad address), -ENOENT (no such
 * device), -EBUSY (another driver or none).
 */
int pcidev_check_vfio(const char *bdf, char *why, size_t len);

/**
 * pcidev_iommu_group() - the device's IOMMU group number.
 * @bdf: PCI address.
 * @group: receives the group number.
 *
 * Return: 0, -EINVAL, -ENOENT if the device has no iommu_group link.
 */
int pcidev_iommu_group(const char *bdf, int *group);

/**
 * pcidev_noiommu() - whether the device's IOMMU group is a vfio noiommu group
 * (/sys/kernel/iommu_groups/N/name reads "vfio-noiommu").
 * @bdf: PCI address.
 *
 * Return: true if so; false otherwise, or if there is no group.
 */
bool pcidev_noiommu(const char *bdf);

/**
 * pcidev_parse_pm_cap() - find and decode the PM capability in config bytes.
 * @cfg: config space bytes as read from the "config" file.
 * @n: how many bytes are valid (64 .. 4096).
 * @out: has_pm_cap, pm_cap_offset, pmc, pmcsr, pm_version, d1_support,
 *       d2_support, pme_support, no_soft_reset and pmcsr_state are set.
 *
 * Walks the standard capability list from offset 0x34, if the Status
 * register says there is one, with a bound on the number of hops.
 *
 * Return: 0 (capability found or not), -EINVAL if @n < 64 or the list is
 * malformed (pointer into the header, loop), -ENODATA if it leads beyond
 * the @n bytes.
 */
int pcidev_parse_pm_cap(const uint8_t *cfg, size_t n, struct pcidev_info *out);

#endif

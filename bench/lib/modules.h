/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modules.h - swap the vfio modules for a variant's, inside one run, so
 * variants are compared interleaved (round 1: A B C, round 2: A B C ...).
 */
#ifndef VPB_MODULES_H
#define VPB_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

/**
 * modules_vfio_variant() - the variant of the loaded vfio module, read from
 * /sys/module/vfio/version ("0.3+<variant>"); "unpatched-<version>" for a
 * vfio not built by kernel/build.sh.
 * Return: 0, or -ENOENT when vfio is not loaded.
 */
int modules_vfio_variant(char *buf, size_t len);

/**
 * modules_load_variant() - unbind @devices from vfio-pci, unload vfio-pci,
 * vfio-pci-core, vfio_virqfd, vfio_iommu_type1 and vfio, load the ones in @v->dir (vfio
 * with enable_unsafe_noiommu_mode=@noiommu), bind @devices back to vfio-pci
 * and check that /sys/module/vfio/version names @v->name (for a name
 * "NAME@tag", NAME: the same variant under a second name, for A/A runs).
 * Only the devices named are ever unbound or bound.
 * Return: 0, or -errno with @why filled.
 */
int modules_load_variant(const struct vpb_variant_spec *v, char (*devices)[16],
			 unsigned int ndevices, bool noiommu, char *why, size_t len);

/**
 * modules_bind_vfio() - bind @bdf to vfio-pci through driver_override
 * (unbinding it from its driver first). Return: 0 or -errno with @why.
 */
int modules_bind_vfio(const char *bdf, char *why, size_t len);

/* The vfio modules a run may swap, in load order. */
#define MODULES_NVFIO 5

/**
 * struct modules_saved - what a run found before it swapped the vfio
 * modules, to put back at its end: which of the vfio modules were loaded,
 * the parameters the harness sets itself, vfio's version, and each named
 * device's driver and driver_override.
 */
struct modules_saved {
	bool loaded[MODULES_NVFIO];
	char noiommu[4];  /* vfio enable_unsafe_noiommu_mode: "Y", "N" or "" */
	char unsafe[4];	  /* vfio_iommu_type1 allow_unsafe_interrupts */
	char version[64]; /* /sys/module/vfio/version ("" when not loaded) */
	unsigned int ndevices;
	char bdf[VPB_MAX_LIST][16];
	char driver[VPB_MAX_LIST][64];	 /* "" when unbound */
	char override[VPB_MAX_LIST][64]; /* "" for "(null)" */
};

/**
 * modules_save() - record in @s the vfio modules loaded now and the
 * bindings of @devices. Reads sysfs only. Return: 0 or -errno.
 */
int modules_save(struct modules_saved *s, char (*devices)[16], unsigned int ndevices);

/**
 * modules_restore() - put back what modules_save() recorded: unbind the
 * named devices, unload the vfio modules loaded now, load the recorded
 * ones with their recorded parameters (modprobe, from the running
 * kernel's modules), then give each device its driver_override and its
 * driver again, and check that vfio's version and the drivers are those
 * recorded.
 * Return: 0, or -errno with @why filled.
 */
int modules_restore(const struct modules_saved *s, char *why, size_t len);

#endif

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
 * vfio-pci-core, vfio_iommu_type1 and vfio, load the ones in @v->dir (vfio
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

#endif

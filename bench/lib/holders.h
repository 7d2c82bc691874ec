/* SPDX-License-Identifier: GPL-2.0 */
/*
 * holders.h - which process holds a vfio device open: a stopped or stuck run
 * is named, and its device left alone, instead of being opened under it.
 */
#ifndef VPB_HOLDERS_H
#define VPB_HOLDERS_H

#include <sys/types.h>

/**
 * struct holder - a process holding a device's vfio files open.
 * @pid: its pid.
 * @comm: its /proc/<pid>/comm.
 * @file: the file it holds, e.g. "/dev/vfio/noiommu-0".
 */
struct holder {
	pid_t pid;
	char comm[32];
	char file[64];
};

/**
 * holders_find() - a process other than this one with @bdf's vfio group
 * (/dev/vfio/<group> or /dev/vfio/noiommu-<group>) or vfio cdev
 * (/dev/vfio/devices/vfio<N>) open, from the /proc/<pid>/fd links, read
 * under the sysfs root (sysfs.h). A device fd alone is an anonymous inode
 * that names no device; a process using the group API holds the group too.
 * Processes whose fds cannot be read (gone, or not ours without root) are
 * passed over.
 * Return: 1 with @h filled, 0 when no process holds the device, or -errno
 * when /proc cannot be listed.
 */
int holders_find(const char *bdf, struct holder *h);

#endif

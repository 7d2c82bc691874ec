/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs.h - every sysfs/procfs read of vfio-pm-bench goes through here.
 *
 * Paths are always written as on the real system ("/sys/...", "/proc/...",
 * "/boot/...") and resolved under a root prefix, so unit tests can point the
 * whole harness at a fake tree (bench/tests/fixtures/root-*).  The root is
 * process-global and not locked: set it before starting threads.
 *
 * All functions return 0 (or a byte count) on success and a negative errno
 * on failure; they never print.
 */
#ifndef VPB_SYSFS_H
#define VPB_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * sysfs_set_root() - resolve every later path under @root.
 * @root: directory standing for "/"; NULL or "/" selects the real root.
 *        A trailing '/' is ignored. The string is copied.
 */
void sysfs_set_root(const char *root);

/**
 * sysfs_get_root() - the current root prefix ("" for the real root).
 */
const char *sysfs_get_root(void);

/**
 * sysfs_path() - the real file system path of @path under the root.
 * @path: absolute path as on the real system.
 * @out: buffer for the result.
 * @len: size of @out.
 *
 * Return: 0, -EINVAL if @path is not absolute, -ENAMETOOLONG if it does not fit.
 */
int sysfs_path(const char *path, char *out, size_t len);

/**
 * sysfs_read_str() - read a text attribute.
 * @path: absolute path, e.g. "/sys/bus/pci/devices/0000:00:03.0/power_state".
 * @buf: receives the contents, NUL-terminated, trailing newlines stripped.
 * @len: size of @buf (must be > 0).
 *
 * Return: 0, or -errno (-EOVERFLOW if the contents do not fit in @buf;
 * @buf then holds the truncated start).
 */
int sysfs_read_str(const char *path, char *buf, size_t len);

/**
 * sysfs_read_u64() - read an unsigned integer attribute.
 * @path: absolute path.
 * @val: receives the value; decimal, or hexadecimal with a 0x prefix.
 *
 * Return: 0, -errno from the read, or -EINVAL if the contents are not a
 * number (surrounding blanks allowed), -ERANGE on overflow.
 */
int sysfs_read_u64(const char *path, uint64_t *val);

/**
 * sysfs_read_int() - read a signed int attribute (decimal or 0x hex).
 * @path: absolute path.
 * @val: receives the value.
 *
 * Return: 0, -errno, -EINVAL if not a number, -ERANGE if out of int range.
 */
int sysfs_read_int(const char *path, int *val);

/**
 * sysfs_read_link_name() - basename of a symlink's target.
 * @path: absolute path of the link, e.g. ".../0000:00:03.0/driver".
 * @buf: receives the last component of the target (e.g. "vfio-pci").
 * @len: size of @buf.
 *
 * Return: 0, -ENOENT if the link does not exist, -EINVAL if not a link,
 * -ENAMETOOLONG if the name does not fit, or another -errno.
 */
int sysfs_read_link_name(const char *path, char *buf, size_t len);

/**
 * sysfs_realpath() - canonical path of @path, relative to the root.
 * @path: absolute path as on the real system.
 * @buf: receives the resolved path, in the same form ("/sys/devices/...").
 * @len: size of @buf.
 *
 * Return: 0, -errno from realpath(3), -EXDEV if the target leaves the root,
 * -ENAMETOOLONG if it does not fit.
 */
int sysfs_realpath(const char *path, char *buf, size_t len);

/**
 * sysfs_exists() - whether @path exists (any type; links are followed).
 * @path: absolute path.
 */
bool sysfs_exists(const char *path);

/**
 * sysfs_is_dir() - whether @path exists and is a directory (links followed).
 * @path: absolute path.
 */
bool sysfs_is_dir(const char *path);

/**
 * sysfs_write_str() - write @val to an attribute in one write(2).
 * @path: absolute path; the file must already exist (no O_CREAT).
 * @val: the string, written as is (no newline added).
 *
 * Only used for binding a device the user named on the command line.
 *
 * Return: 0, -errno, or -EIO on a short write.
 */
int sysfs_write_str(const char *path, const char *val);

/**
 * sysfs_read_bin() - read up to @len bytes of a binary file (e.g. PCI config).
 * @path: absolute path.
 * @buf: destination.
 * @len: bytes wanted.
 *
 * Return: the number of bytes read (may be less than @len at end of file:
 * unprivileged readers of a PCI "config" file get only 64 bytes), or -errno.
 */
ssize_t sysfs_read_bin(const char *path, void *buf, size_t len);

/**
 * sysfs_replace_str() - as sysfs_write_str(), but the file is opened with
 * O_TRUNC: tracefs clears the trace buffer, set_ftrace_filter and the pid
 * lists only then. An empty @val just truncates.
 * Return: 0, -errno, or -EIO on a short write.
 */
int sysfs_replace_str(const char *path, const char *val);

/**
 * sysfs_read_all() - read a whole file of unknown size (procfs reports 0).
 * @path: absolute path.
 * @out: receives a malloc'ed buffer, NUL-terminated (the NUL is not counted);
 *       free() it. Untouched on error.
 * @max: refuse files larger than this many bytes (-EFBIG).
 *
 * Return: the number of bytes read, or -errno.
 */
ssize_t sysfs_read_all(const char *path, char **out, size_t max);

#endif

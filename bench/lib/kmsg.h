/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg.h - the kernel log since a mark (/dev/kmsg), and which of its lines
 * are splats: lockdep, KASAN, UBSAN, WARN, BUG, sleeping in atomic context.
 */
#ifndef VPB_KMSG_H
#define VPB_KMSG_H

#include <stddef.h>

struct kmsg {
	int fd;
	unsigned int lost; /* records overwritten before they were read */
};

/**
 * kmsg_mark() - open /dev/kmsg positioned after its last record: what
 * kmsg_collect() reads later is what the kernel logged in between.
 * Return: 0 or -errno (-EACCES without CAP_SYSLOG).
 */
int kmsg_mark(struct kmsg *k);

/**
 * kmsg_collect() - read every record since the mark and close @k.
 * @excerpt: the splat lines, each with up to KMSG_CONTEXT lines after it,
 *           NUL-terminated and cut at @len
 * Return: the number of splat lines (0: a clean log), or -errno.
 */
int kmsg_collect(struct kmsg *k, char *excerpt, size_t len);

/* Lines kept after each splat line in the excerpt. */
#define KMSG_CONTEXT 12

/**
 * kmsg_text() - the message of a /dev/kmsg record
 * ("<prio>,<seq>,<usec>,<flags>[,...];<message>"): a pointer after the ';',
 * or the record itself when it has none (a continuation line " KEY=value").
 */
const char *kmsg_text(const char *record);

/**
 * kmsg_splat() - what kind of kernel report @msg (a message, not a record)
 * starts, e.g. "lockdep" for "WARNING: possible circular locking
 * dependency detected"; NULL for an ordinary line.
 */
const char *kmsg_splat(const char *msg);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg.h - the kernel log since a mark (/dev/kmsg), and which of its lines
 * are splats: lockdep, KASAN, UBSAN, WARN, BUG, sleeping in atomic context.
 */
#ifndef VPB_KMSG_H
#define VPB_KMSG_H

#include <stddef.h>

/* Lines kept after each splat line in the excerpt. */
#define KMSG_CONTEXT 12

struct kmsg {
	int fd;
	unsigned int lost;   /* records overwritten before they were read */
	unsigned int splats; /* splat lines read so far */
	char excerpt[4096];  /* the splat lines, each with KMSG_CONTEXT lines after */
	size_t used;
	int context;
};

/**
 * kmsg_mark() - open /dev/kmsg positioned after its last record: what
 * kmsg_collect() reads later is what the kernel logged in between.
 * Return: 0 or -errno (-EACCES without CAP_SYSLOG).
 */
int kmsg_mark(struct kmsg *k);

/**
 * kmsg_scan() - read the records logged since the last read, counting the
 * splats into @k->splats and keeping them in @k->excerpt. Call it often
 * while a chatty test runs: records the ring buffer overwrites before they
 * are read are lost (counted in @k->lost).
 */
void kmsg_scan(struct kmsg *k);

/** kmsg_close() - a last kmsg_scan(), then close @k. Return: @k->splats. */
unsigned int kmsg_close(struct kmsg *k);

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

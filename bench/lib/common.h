/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - exit codes, error reporting and small helpers shared by
 * every part of vfio-pm-bench.
 */
#ifndef VPB_COMMON_H
#define VPB_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in README.md. */
enum vpb_exit {
	VPB_EXIT_OK = 0,    /* success */
	VPB_EXIT_FAIL = 1,  /* failure, or a regression / failed qualification */
	VPB_EXIT_USAGE = 2, /* bad command line or input file */
	VPB_EXIT_SKIP = 4,  /* cannot run here (no device, no PMU, no D3cold) */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * vpb_err() - print one line "vfio-pm-bench: <message>" on stderr.
 * vpb_info() - a progress line on stderr, unless quiet.
 */
void vpb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vpb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool vpb_quiet;
/* The harness revision: commit, "-dirty" when built from a modified tree (revision.c.in). */
extern const char vpb_git_rev[];

#endif

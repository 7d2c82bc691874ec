// SPDX-License-Identifier: GPL-2.0
/*
 * null: the harness measuring itself.
 *
 * empty   an operation that does nothing: the cost of the runner's loop and
 *         indirect call per operation (the runner also measures it beside
 *         every other case).
 * getppid the cheapest system call, to check the clock and loop against
 *         `perf bench syscall basic`, which times getppid() the same way.
 */
#include "suite.h"

#include <sys/syscall.h>
#include <unistd.h>

static int op_empty(void *state)
{
	(void)state;
	__asm__ volatile("" ::: "memory");
	return 0;
}

static int op_getppid(void *state)
{
	(void)state;
	/* As perf bench does: the raw syscall, not a cached libc value. */
	syscall(SYS_getppid);
	return 0;
}

static const struct vpb_case null_cases[] = {
	{.name = "empty", .help = "the runner's own cost per operation", .op = op_empty},
	{.name = "getppid",
	 .help = "getppid() system call, as perf bench syscall basic",
	 .op = op_getppid},
};

const struct vpb_suite suite_null = {
	.name = "null",
	.summary = "the harness's own overhead and a getppid() reference",
	.needs_device = false,
	.cases = null_cases,
	.ncases = sizeof(null_cases) / sizeof(null_cases[0]),
};

// SPDX-License-Identifier: GPL-2.0
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

bool vpb_quiet;

void vpb_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vfio-pm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void vpb_info(const char *fmt, ...)
{
	va_list ap;

	if (vpb_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

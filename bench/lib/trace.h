/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - the runtime-PM tracepoints (the events/rpm group) through tracefs,
 * filtered to one device. Used to check what a variant does per ioctl and
 * for the d3cold phase breakdown. Tracing inflates timings: never enabled
 * during a timing run.
 */
#ifndef VPB_TRACE_H
#define VPB_TRACE_H

#include <stddef.h>

/**
 * trace_rpm_start() - clear the trace buffer and enable @event ("rpm_resume",
 * "rpm_idle", "rpm_suspend", "rpm_usage", ...) filtered to device @name.
 * Return: 0, or -errno with @why (no tracefs, not root, no such event).
 */
int trace_rpm_start(const char *event, const char *name, char *why, size_t len);

/**
 * trace_rpm_stop() - disable @event and count its records in the buffer.
 * Return: the count, or -errno.
 */
int trace_rpm_stop(const char *event);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * breakdown.h - where a low-power exit's time goes: the phases of one
 * runtime resume, from the function_graph tracer (d3cold --breakdown).
 *
 * The exit resume runs synchronously in the context of the call that
 * triggers it (rpm_resume of the endpoint, which first resumes its parent
 * bridge), so the tracer is limited to the harness's own thread and to the
 * functions below; it prints each call's duration (sleep included). A phase
 * is the time spent in its functions, less the time of other phase
 * functions nested in them (so nothing is counted twice):
 *
 *   platform_on    acpi_pci_set_power_state (and acpi_device_set_power in
 *                  it): the platform powers the device up, ACPI _ON of the
 *                  power resources of the parent bridge or of the endpoint
 *                  itself, plus _PS0 where the firmware has one
 *   d3cold_wait    pci_bridge_wait_for_secondary_bus: the d3cold_delay a
 *                  bridge waits for its secondary bus after power-on
 *   d0             pci_power_up less its platform part: the PM capability's
 *                  D3hot->D0 transition and its delay (pci_dev_d3_sleep)
 *   restore        pci_restore_state: config space restore
 *   driver         vfio_pci_core_runtime_resume: the vfio driver's callback
 *
 * What the phases leave of the measured exit is the remainder (syscall,
 * locking, rpm bookkeeping, the bridge's own port callback, tracing cost).
 *
 * The parser (bd_parse()) is a pure function on the trace text; the tracer
 * control (bd_tracer_*) goes through sysfs.h, so the tracefs root follows
 * sysfs_set_root().
 */
#ifndef VPB_BREAKDOWN_H
#define VPB_BREAKDOWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum bd_phase { BD_PLATFORM_ON, BD_D3COLD_WAIT, BD_D0, BD_RESTORE, BD_DRIVER, BD_NPHASES };

/**
 * struct bd_phases - one exit, broken down.
 * @ms: time per phase (enum bd_phase), in ms.
 * @resume_ms: the outermost rpm_resume calls (the whole traced resume,
 *             parent included), summed, in ms; 0 if none was traced.
 * @calls: traced calls counted (inside the window).
 * @resumes: rpm_resume trace events of the device named to bd_parse()
 *           (0 when the rpm events were not traced).
 */
struct bd_phases {
	double ms[BD_NPHASES];
	double resume_ms;
	unsigned int calls;
	unsigned int resumes;
};

/* The functions the tracer is limited to, NULL-terminated. */
extern const char *const bd_functions[];

/**
 * bd_phase_column() - the column name of a phase: "platform_on_ms",
 * "d3cold_wait_ms", "d0_ms", "restore_ms", "driver_ms"; NULL when @p is out
 * of range.
 */
const char *bd_phase_column(enum bd_phase p);

/**
 * bd_parse() - the phases of the calls in a window of a function_graph trace.
 * @text: the contents of tracefs "trace" written by the function_graph
 *        tracer with funcgraph-abstime, funcgraph-duration and funcgraph-tail
 *        (funcgraph-cpu and funcgraph-overhead optional, funcgraph-proc off);
 *        trace events may appear as comments.
 * @lo_ns: @hi_ns: the window, in the trace clock's ns (CLOCK_MONOTONIC_RAW
 *                 with trace_clock mono_raw): calls wholly outside it are
 *                 ignored; hi_ns 0 means no window.
 * @bdf: count rpm_resume events of this device in @p->resumes (NULL: none).
 * @p: filled in.
 * @why: on failure, a one-line reason.
 * @len: size of @why.
 *
 * Abstime stamps have microsecond resolution, so a call may start up to
 * 1 us before @lo_ns and end up to 1 us after @hi_ns and still count.
 *
 * Return: 0; -ERANGE if a call straddles the window (the trace clock is not
 * the harness clock), -EOVERFLOW if the tracer lost events, -EPROTO for
 * calls that do not nest (an unmatched "}" or a call left open).
 */
int bd_parse(const char *text, uint64_t lo_ns, uint64_t hi_ns, const char *bdf, struct bd_phases *p,
	     char *why, size_t len);

/**
 * bd_sum_ms() - the sum of the phases of @p, in ms.
 */
double bd_sum_ms(const struct bd_phases *p);

/**
 * bd_remainder_ms() - what the phases leave of the measured exit.
 * @p: the phases of the exit.
 * @exit_ms: the exit as measured by the harness, in ms.
 * @rem: receives exit_ms - bd_sum_ms(p), or 0 when that is negative by no
 *       more than the tolerance (1 us, or 1e-4 of @exit_ms if larger: the
 *       harness clock's TSC calibration against the trace clock).
 *
 * Return: 0, or -ERANGE when the phases exceed the exit by more than the
 * tolerance (@rem then holds the negative difference).
 */
int bd_remainder_ms(const struct bd_phases *p, double exit_ms, double *rem);

struct bd_tracer;

/**
 * bd_tracer_setup() - set tracefs up for breakdowns: trace_clock mono_raw,
 * set_ftrace_filter = bd_functions[], the function_graph tracer with the
 * options bd_parse() reads, set_ftrace_pid and set_event_pid = @tid, and
 * the rpm_resume/rpm_return_int events filtered to @bdf and @parent.
 * Tracing stays off until bd_tracer_start(). The previous tracer, clock,
 * options and tracing_on are saved for bd_tracer_release().
 * @t: receives the tracer; free it with bd_tracer_release().
 * @bdf: the device.
 * @parent: its parent bridge, or NULL / "" on a root bus.
 * @tid: the thread that runs the exits.
 * @why: on failure, a reason starting "--breakdown: " (no tracefs, not
 *       root, a function that cannot be traced, ...).
 * @len: size of @why.
 *
 * Return: 0 or -errno (everything changed so far is undone).
 */
int bd_tracer_setup(struct bd_tracer **t, const char *bdf, const char *parent, pid_t tid, char *why,
		    size_t len);

/**
 * bd_tracer_start() - clear the trace buffer and turn tracing on.
 * Return: 0 or -errno.
 */
int bd_tracer_start(struct bd_tracer *t);

/**
 * bd_tracer_stop() - turn tracing off and read the trace.
 * @text: receives the malloc'ed text (free() it).
 * Return: its length, or -errno.
 */
ssize_t bd_tracer_stop(struct bd_tracer *t, char **text);

/**
 * bd_tracer_release() - restore what bd_tracer_setup() changed and free @t
 * (NULL is fine).
 */
void bd_tracer_release(struct bd_tracer *t);

#endif

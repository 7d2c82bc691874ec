/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmu.h - hardware and software counters: libpfm4 encodes event names,
 * perf_event_open(2) counts them, user AND kernel (an ioctl's cost is kernel
 * time), each event on its own (no group), with time_enabled/time_running
 * so multiplexing is visible and scaled out.
 *
 * Where no PMU exists (VMs, containers, QEMU TCG) hardware events fail to
 * open; pmu_open_default() then falls back to software events and says so.
 * Counting kernel time needs kernel.perf_event_paranoid <= 1 or CAP_PERFMON
 * (root has it).
 */
#ifndef VPB_PMU_H
#define VPB_PMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pmu_set;

/**
 * struct pmu_value - one counter reading.
 * @name: the event name as given (valid until pmu_close()).
 * @raw: the count.
 * @time_enabled: ns the event was enabled.
 * @time_running: ns it was actually on a counter.
 * @scaled: @raw * @time_enabled / @time_running (0 if it never ran).
 * @multiplexed: percent of the enabled time the event was NOT counting
 *               (0 = counted all the time; 100 = never scheduled).
 */
struct pmu_value {
	const char *name;
	uint64_t raw;
	uint64_t time_enabled;
	uint64_t time_running;
	double scaled;
	double multiplexed;
};

/**
 * pmu_open() - encode and open a list of events, disabled.
 * @out: receives the set; free with pmu_close().
 * @events_csv: comma-separated libpfm4 names ("cycles,instructions",
 *              "perf::task-clock,perf::context-switches"); at most 16.
 * @tid: thread to count (0 = the calling thread); counts follow it on
 *       every CPU.
 * @err: on failure "counters unavailable: <event>: <reason>", or for a name
 *       libpfm4 does not know "unknown event '<event>': <reason>".
 * @len: size of @err.
 *
 * Return: 0; -EINVAL for an empty list or an unknown name; otherwise the
 * negative errno of perf_event_open (-ENOENT / -EOPNOTSUPP: no PMU here,
 * -EACCES: perf_event_paranoid) or of pfm_initialize. Nothing stays open on
 * failure. The caller records the message and goes on without counters.
 */
int pmu_open(struct pmu_set **out, const char *events_csv, pid_t tid, char *err, size_t len);

/**
 * pmu_check_events() - whether libpfm4 can encode every event of a list,
 * without opening any: what `run --events` checks before it writes anything.
 * @events_csv: comma-separated event names
 * @err: out, "unknown event '<event>': <reason>" (or why libpfm4 or the
 *       list is unusable)
 * @len: size of @err
 *
 * Return: 0; -EINVAL (empty list, unknown name), -E2BIG (more than
 * PMU_MAX_EVENTS), -ENODEV (pfm_initialize failed), -ENOMEM.
 */
int pmu_check_events(const char *events_csv, char *err, size_t len);

/**
 * pmu_default_events() - the hardware events tried first: "cycles,instructions".
 */
const char *pmu_default_events(void);

/**
 * pmu_software_events() - the fallback: "perf::task-clock,perf::context-switches".
 */
const char *pmu_software_events(void);

/**
 * pmu_open_default() - open pmu_default_events(), else pmu_software_events().
 * @out: receives the set; pmu_events() tells which list it counts.
 * @tid: as for pmu_open().
 * @note: on success "" if the hardware events opened, else the reason they
 *        did not and the fallback ("counters unavailable: cycles: No such
 *        file or directory; using software events perf::task-clock,...");
 *        on failure the software events' error.
 * @len: size of @note.
 *
 * Return: 0, or the negative errno of the software events' pmu_open().
 */
int pmu_open_default(struct pmu_set **out, pid_t tid, char *note, size_t len);

/**
 * pmu_events() - the comma-separated event list a set counts.
 * @s: the set.
 */
const char *pmu_events(const struct pmu_set *s);

/**
 * pmu_is_software() - true if every event of the set is a perf software event
 * (the set measures no hardware activity).
 * @s: the set.
 */
bool pmu_is_software(const struct pmu_set *s);

/**
 * pmu_count() - number of events in the set.
 * @s: the set.
 */
size_t pmu_count(const struct pmu_set *s);

/**
 * pmu_enable() - start counting (PERF_EVENT_IOC_ENABLE on every event).
 * @s: the set.
 *
 * Return: 0 or -errno of the first ioctl that failed.
 */
int pmu_enable(struct pmu_set *s);

/**
 * pmu_disable() - stop counting (PERF_EVENT_IOC_DISABLE).
 * @s: the set.
 *
 * Return: 0 or -errno.
 */
int pmu_disable(struct pmu_set *s);

/**
 * pmu_reset() - zero the counts (PERF_EVENT_IOC_RESET). The enabled and
 * running times are not reset by the kernel: read before and after and
 * subtract for intervals, or reopen.
 * @s: the set.
 *
 * Return: 0 or -errno.
 */
int pmu_reset(struct pmu_set *s);

/**
 * pmu_read() - read every event.
 * @s: the set.
 * @vals: receives min(@n, pmu_count()) values, in the order given to pmu_open().
 * @n: size of @vals.
 *
 * Return: the number of values written, or -errno (-EIO on a short read).
 */
int pmu_read(struct pmu_set *s, struct pmu_value *vals, size_t n);

/**
 * pmu_close() - close the events and free the set. NULL is ignored.
 * @s: the set.
 */
void pmu_close(struct pmu_set *s);

#endif

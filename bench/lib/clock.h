/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock.h - the harness clock: the TSC read with ordering fences where it is
 * invariant, CLOCK_MONOTONIC_RAW otherwise.
 *
 * clock_now_start() reads "lfence; rdtsc" (no earlier instruction may still
 * be running), clock_now_stop() "rdtscp; lfence" (every earlier instruction
 * has finished, no later one has started). Ticks become nanoseconds through
 * the calibration against CLOCK_MONOTONIC_RAW done by clock_init().
 */
#ifndef VPB_CLOCK_H
#define VPB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum clock_kind {
	CLOCK_KIND_TSC,
	CLOCK_KIND_MONO, /* clock_gettime(CLOCK_MONOTONIC_RAW), ticks are ns */
};

/**
 * struct vpb_clock - the calibrated clock of a run.
 * @kind: which source is read.
 * @ns_per_tick: nanoseconds per tick (1.0 for CLOCK_KIND_MONO).
 * @overhead_ns: median cost of one start/stop pair, in ns.
 * @resolution_ns: smallest non-zero difference seen between two reads.
 * @why: why this source was chosen (for run.json).
 */
struct vpb_clock {
	enum clock_kind kind;
	double ns_per_tick;
	double overhead_ns;
	double resolution_ns;
	char why[96];
};

extern enum clock_kind vpb_clock_kind;

/**
 * clock_init() - choose and calibrate the clock.
 * @c: filled in.
 * @want: "auto", "tsc" or "mono".
 *
 * Return: 0, or -EINVAL for an unknown @want, -ENOTSUP when "tsc" is asked
 * for but the TSC is not invariant.
 */
int clock_init(struct vpb_clock *c, const char *want);

/** clock_mono_ns() - CLOCK_MONOTONIC_RAW in ns, for coarse (ms) timing. */
static inline uint64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clock_now_start(void)
{
#if defined(__x86_64__)
	if (vpb_clock_kind == CLOCK_KIND_TSC) {
		uint32_t lo, hi;

		__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
		return ((uint64_t)hi << 32) | lo;
	}
#endif
	return clock_mono_ns();
}

static inline uint64_t clock_now_stop(void)
{
#if defined(__x86_64__)
	if (vpb_clock_kind == CLOCK_KIND_TSC) {
		uint32_t lo, hi, aux;

		__asm__ volatile("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
		return ((uint64_t)hi << 32) | lo;
	}
#endif
	return clock_mono_ns();
}

/** clock_to_ns() - convert a tick difference into nanoseconds. */
static inline double clock_to_ns(const struct vpb_clock *c, uint64_t ticks)
{
	return (double)ticks * c->ns_per_tick;
}

/** clock_kind_name() - "tsc" or "clock_monotonic_raw". */
const char *clock_kind_name(enum clock_kind k);

#endif

// SPDX-License-Identifier: GPL-2.0
#include "clock.h"
#include "stats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

enum clock_kind vpb_clock_kind = CLOCK_KIND_MONO;

const char *clock_kind_name(enum clock_kind k)
{
	return k == CLOCK_KIND_TSC ? "tsc" : "clock_monotonic_raw";
}

/* Invariant TSC: CPUID.80000007H:EDX[8]; RDTSCP: CPUID.80000001H:EDX[27]. */
static bool tsc_usable(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(d & (1u << 27)))
		return false;
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d))
		return false;
	return d & (1u << 8);
#else
	return false;
#endif
}

/*
 * Calibrate ns_per_tick: 7 windows of ~20 ms each, TSC and
 * CLOCK_MONOTONIC_RAW read back to back at both ends; the median ratio
 * discards windows disturbed by preemption.
 */
static double tsc_calibrate(void)
{
	double ratio[7];

	for (size_t i = 0; i < 7; i++) {
		uint64_t m0 = clock_mono_ns(), t0 = clock_now_start();
		uint64_t m1, t1;

		do {
			m1 = clock_mono_ns();
		} while (m1 - m0 < 20000000ull);
		t1 = clock_now_stop();
		ratio[i] = (double)(m1 - m0) / (double)(t1 - t0);
	}
	return stats_median(ratio, 7);
}

/* Median cost of an empty start/stop pair, and the smallest step seen. */
static void measure_overhead(struct vpb_clock *c)
{
	enum { N = 1001 };
	static double d[N];
	uint64_t minstep = UINT64_MAX;

	for (size_t i = 0; i < N; i++) {
		uint64_t t0 = clock_now_start();
		uint64_t t1 = clock_now_stop();

		d[i] = clock_to_ns(c, t1 - t0);
		if (t1 > t0 && t1 - t0 < minstep)
			minstep = t1 - t0;
	}
	c->overhead_ns = stats_median(d, N);
	c->resolution_ns = minstep == UINT64_MAX ? 0 : clock_to_ns(c, minstep);
}

int clock_init(struct vpb_clock *c, const char *want)
{
	bool tsc = tsc_usable();

	memset(c, 0, sizeof(*c));
	if (!want || !strcmp(want, "auto")) {
		snprintf(c->why, sizeof(c->why), "%s",
			 tsc ? "invariant TSC with rdtscp"
			     : "TSC not invariant or no rdtscp: clock_gettime fallback");
	} else if (!strcmp(want, "tsc")) {
		if (!tsc)
			return -ENOTSUP;
		snprintf(c->why, sizeof(c->why), "asked for (--clock tsc)");
	} else if (!strcmp(want, "mono")) {
		tsc = false;
		snprintf(c->why, sizeof(c->why), "asked for (--clock mono)");
	} else {
		return -EINVAL;
	}
	c->kind = tsc ? CLOCK_KIND_TSC : CLOCK_KIND_MONO;
	vpb_clock_kind = c->kind;
	c->ns_per_tick = tsc ? tsc_calibrate() : 1.0;
	measure_overhead(c);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lowpower.h - observing a device's runtime-PM state from sysfs: what state
 * it is in, what the deepest state its platform offers is, and waiting for
 * a state with a bounded poll.
 */
#ifndef VPB_LOWPOWER_H
#define VPB_LOWPOWER_H

#include <stddef.h>
#include <stdint.h>

/*
 * lp_wait() polls with a bounded backoff: 50 us doubling to 500 us. That
 * bounds the error of an entry latency to the interval at the time (at
 * most 0.5 ms), and keeps the poll from stealing the emulated CPU under
 * QEMU's icount clock, where every guest instruction costs host time.
 */
#define LP_POLL_MIN_NS 50000ull
#define LP_POLL_MAX_NS 500000ull

/**
 * lp_state() - the device's power_state ("D0", "D3hot", "D3cold") and
 * power/runtime_status ("active", "suspended", ...). Either may be NULL.
 * Return: 0 or -errno.
 */
int lp_state(const char *bdf, char *power_state, size_t plen, char *runtime, size_t rlen);

/**
 * lp_deepest() - the deepest state runtime PM can reach on this platform:
 * "D3cold" when the device, or the bridge above it, has ACPI power
 * resources for D0 and D3hot (_PR0 and _PR3) and d3cold_allowed is set,
 * else "D3hot"; "" when the device has no PM capability.
 * @why: what decided it, e.g. "_PR3 on bridge 0000:00:07.0".
 */
const char *lp_deepest(const char *bdf, char *why, size_t len);

/**
 * lp_wait() - poll (see LP_POLL_MIN_NS) until power_state equals @power (if not
 * NULL) and runtime_status equals @runtime (if not NULL).
 * @waited_ns: time from the call to the first matching read.
 * @stop: a stop request (&struct vpb_env.stop) that ends the wait, or NULL.
 * Return: 0, -ETIMEDOUT after @timeout_ns (the last state in @last), or
 * -EINTR when *@stop is set.
 */
int lp_wait(const char *bdf, const char *power, const char *runtime, uint64_t timeout_ns,
	    uint64_t *waited_ns, char *last, size_t lastlen, const volatile int *stop);

/**
 * lp_wait_active() - poll until D0 and "active", for at most @timeout_ns,
 * whether or not a stop was requested: the wait after a low-power exit, which
 * an interrupted run must still see through before it closes the device.
 * Return: 0, or -ETIMEDOUT (the last state in @last) or -errno of the read.
 */
int lp_wait_active(const char *bdf, uint64_t timeout_ns, char *last, size_t lastlen);

/**
 * lp_is_active() - whether the device is in D0 and runtime "active"; else
 * @found gets "<power_state>/<runtime_status>", e.g. "D3cold/suspended".
 * Return: 1 (active), 0 (not), or -errno when sysfs cannot be read.
 */
int lp_is_active(const char *bdf, char *found, size_t len);

/**
 * lp_active_ms() - power/runtime_active_time: ms the device has spent
 * active. It only grows while the device is resumed, so it tells whether an
 * access woke the device even after the device has suspended again.
 */
uint64_t lp_active_ms(const char *bdf);

#endif

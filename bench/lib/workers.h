/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workers.h - the timing loop of threaded (contention) cases.
 *
 * The runner calls workers_measure() once per (case, thread count) point,
 * in increasing thread count.
 *
 * One point: T threads, each bound to the OS CPU topo_plan() gives it for
 * the run's --placement (the binding verified per thread by
 * topo_bind_current_thread()), call the case's setup() and open their own
 * counters, then wait at a start gate (mutex + condition variable: every
 * thread set up before any starts). The coordinating thread (the caller)
 * opens the gate, sleeps --warmup, then steps an atomic phase through
 * WORKERS_INTERVALS intervals of --duration / WORKERS_INTERVALS each and
 * finally to "stop"; it sleeps on a condition variable with a deadline, so
 * it never spins and wakes early when a worker fails. Every worker loads
 * the phase (relaxed, a line it only reads) before each op() and counts
 * its operations per interval in its own cache line. Every 64th operation
 * of the measured intervals is timed with the run's clock into the
 * thread's histogram (lib/hist.h): its p50/p99 go into the point. The two
 * clock reads add about 1/64 of the clock overhead per operation to the
 * ops/s figure; nothing else is shared or written in the loop.
 *
 * Samples: one per thread and interval, thread-major (sample
 * i * WORKERS_INTERVALS + k is thread i, interval k). Value = the
 * interval's length (CLOCK_MONOTONIC_RAW, taken by the coordinator at the
 * phase change) / the thread's operations in it, i.e. ns per operation as
 * that thread saw it. An interval in which the thread ran no operation
 * (starved by the scheduler) is an invalid sample ("no operation in the
 * interval"). A thread that misses a whole interval counts its operations
 * in the last interval it saw. The extra columns filled are, in order:
 * thread index, OS cpu, operations, interval index; a threaded case names
 * them { "thread", "cpu", "ops", "interval" }.
 */
#ifndef VPB_WORKERS_H
#define VPB_WORKERS_H

#include <jansson.h>
#include <stddef.h>

#include "suite.h"

#define WORKERS_INTERVALS 10

/* One operation in WORKERS_LAT_EVERY is timed for the latency quantiles. */
#define WORKERS_LAT_EVERY 64

/* Upper bound of a thread count, in a list or a sweep. */
#define WORKERS_MAX_THREADS 4096

/**
 * workers_measure() - measure one point of a threaded case.
 * @env: the run (options: placement, warmup_ns, duration_ns, no_counters;
 *       device, clock). @env->dev and @env->bdf may be NULL for a case that
 *       needs no device (then device-local placement is -EINVAL).
 * @c: the case; c->setup() is called once per thread, on its CPU (state per
 *     thread), c->op() in the loop, c->teardown() once per thread whose
 *     setup() succeeded, on its CPU, at the end.
 * @nthreads: T, >= 1.
 * @samples: out, malloc'ed array of T * WORKERS_INTERVALS samples (NULL on
 *           failure).
 * @n: out, their number.
 * @point: out, a new JSON object describing the point (NULL on failure):
 *   threads             T
 *   placement           the canonical policy name ("compact", "cpuset:0")
 *   cpus[]              OS cpu of each thread
 *   duration_s          measured time (first to last phase change)
 *   intervals           WORKERS_INTERVALS
 *   ops_per_s           all threads' operations / duration_s
 *   thread_ops_per_s[]  each thread's operations / duration_s
 *   scaling_efficiency  ops_per_s / (T x the ops_per_s of the latest
 *                       1-thread point of the same case, device, variant
 *                       and placement measured in this process); absent
 *                       when there was none (a --threads list without 1).
 *                       The report computes its linear reference from the
 *                       first point of the sweep itself.
 *   latency[]           per thread {p50_ns, p99_ns, sampled, every}: the
 *                       quantiles of the timed operations (hist.h error
 *                       bound) and how many were timed, one in @every
 *   counters[]          per thread {event: {per_op, scaled, running_pct},
 *                       _events, _note} as the runner's counters (hardware
 *                       cycles/instructions where they open, else perf
 *                       software events and _note saying why), or a string
 *                       saying why none
 *   placement_note      present when topo_plan() warned (device-local
 *                       fallback)
 * @why: the reason for a failure or a skip.
 * @len: size of @why.
 *
 * Return: 0; -ERANGE when the placement offers fewer CPUs than @nthreads
 * (@why from topo_plan(): "placement 'core' offers 8 CPUs, 12 threads
 * asked"); -ENOTSUP/-ENODEV to skip (a setup() said so; @why names the
 * thread); -EINTR when the run was stopped (&struct vpb_env.stop); other -errno on failure (a
 * binding, setup() or op() that failed; @why names the thread and cpu).
 */
int workers_measure(struct vpb_env *env, const struct vpb_case *c, unsigned int nthreads,
		    struct vpb_sample **samples, size_t *n, json_t **point, char *why, size_t len);

/**
 * workers_thread_counts() - the thread counts of a sweep.
 * @list: the --threads list, e.g. "1,2,4": comma-separated decimal counts
 *        (units_parse_u64(), whitespace around a count allowed), each in
 *        1..WORKERS_MAX_THREADS, strictly increasing; or NULL for the
 *        default sweep 1, 2, 4, ... below @npus, then @npus itself
 *        (12 PUs: 1,2,4,8,12; 8 PUs: 1,2,4,8).
 * @npus: the CPUs the placement offers (see workers_placement_cpus()); 0
 *        is taken as 1.
 * @out: receives the counts.
 * @max: size of @out.
 * @why: the reason for -EINVAL.
 * @len: size of @why.
 *
 * Return: the number of counts written to @out (at most @max; a default
 * sweep longer than @max is cut), or -EINVAL with @why for a malformed,
 * empty, non-increasing or too long list or an out-of-range count.
 */
int workers_thread_counts(const char *list, unsigned int npus, unsigned int *out, size_t max,
			  char *why, size_t len);

/**
 * workers_placement_cpus() - how many CPUs a placement offers, i.e. the
 * largest thread count topo_plan() accepts (a "core" placement on an SMT
 * machine offers the cores, not the PUs). The default sweep of
 * workers_thread_counts() should end there.
 * @synthetic: NULL for this machine, else as for topo_init() (tests).
 * @placement: the policy string (--placement).
 * @bdf: the device, for device-local; may be NULL otherwise.
 * @why: the reason for a failure.
 * @len: size of @why.
 *
 * Return: the count (>= 1), or the -errno of topo_policy_parse(),
 * topo_init() or topo_plan() for one thread (-EINVAL, -ENODEV, ...).
 */
int workers_placement_cpus(const char *synthetic, const char *placement, const char *bdf, char *why,
			   size_t len);

#endif

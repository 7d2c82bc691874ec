/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suite.h - the suite contract.
 *
 * A suite is a named list of cases. A case supplies hooks; the runner
 * (lib/runner.c) owns everything else: options, warm-up, the timing loop,
 * batching, the null loop measured beside every case, counters, statistics
 * and output. A suite never parses options or writes files.
 *
 * For every sample the runner calls, in order:
 *   prepare()  untimed: bring the device into the state the sample starts from
 *   op() x k   timed as one batch of k operations (k = the case's batch)
 *   verify()   untimed: check the state reached, fill in the sample's
 *              validity, D-state and extra columns
 * An invalid sample is kept in the per-sample output with its reason and is
 * never part of a statistic.
 *
 * All suites are listed in one table, vpb_suites[] in suites/suites.c.
 */
#ifndef VPB_SUITE_H
#define VPB_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct vpb_opts;
struct vfio_dev;

#define VPB_MAX_EXTRA 8

/**
 * struct vpb_env - what a case sees of the run.
 * @opts: the parsed options (read only).
 * @bdf: the device under test, or NULL for suites without a device.
 * @dev: the device, opened by the runner (NULL for suites without one).
 * @variant: the vfio variant running, from /sys/module/vfio/version.
 * @clock: the run's calibrated clock.
 * @stop: set when the run is to stop (SIGINT/SIGTERM): loops and waits end
 *        between samples (vpb_stopped()); NULL: never.
 */
struct vpb_env {
	const struct vpb_opts *opts;
	const char *bdf;
	struct vfio_dev *dev;
	const char *variant;
	const struct vpb_clock *clock;
	const volatile int *stop;
};

/** vpb_stopped() - whether the run @env belongs to is to stop. */
static inline bool vpb_stopped(const struct vpb_env *env)
{
	return env && env->stop && *env->stop;
}

/**
 * struct vpb_sample - one sample, as the runner records it.
 * @value: ns per operation (the batch's time divided by its size).
 * @valid: false when verify() found the sample did not measure what the
 *         case claims (e.g. the device never reached D3cold).
 * @state: the state the sample started from, e.g. "D3cold" ("" = n/a).
 * @why: the reason for an invalid sample.
 * @extra: the case's extra columns (see &struct vpb_case.extra).
 */
struct vpb_sample {
	double value;
	bool valid;
	char state[16];
	char why[64];
	double extra[VPB_MAX_EXTRA];
};

/**
 * struct vpb_case - one measurement.
 * @name: the case's name, unique in its suite ([a-z0-9-]).
 * @help: one line for `vfio-pm-bench list`.
 * @batch: operations per timed batch; 0 takes the run's --batch.
 * @cycle: a cycle case: --cycles samples of one operation each, no
 *         warm-up (each sample is a whole low-power cycle).
 * @threaded: a contention case: measured by lib/workers.c once per thread
 *            count of --threads, with setup/op/teardown run per thread.
 * @extra: names of up to VPB_MAX_EXTRA extra columns, NULL-terminated.
 * @control: optional; a control operation the runner times as a batch of
 *           the same size right after every batch of @op, into extra[0]
 *           (name it "control_ns"): the ratio of the two cancels the
 *           machine's drift (emulated clocks, frequency changes).
 * @setup: allocate @state; return -ENOTSUP/-ENODEV with @why filled to
 *         skip the case (e.g. the running variant lacks the feature), any
 *         other negative errno to fail it.
 * @prepare: optional, untimed, before every sample.
 * @op: the timed operation; 0 or a negative errno (which invalidates the
 *      sample).
 * @verify: optional, untimed, after every sample.
 * @teardown: optional; must leave the device as setup found it (and never
 *            in low power).
 */
struct vpb_case {
	const char *name;
	const char *help;
	unsigned int batch;
	bool cycle;
	bool threaded;
	const char *extra[VPB_MAX_EXTRA + 1];
	int (*setup)(struct vpb_env *env, void **state, char *why, size_t len);
	int (*prepare)(void *state);
	int (*op)(void *state);
	int (*verify)(void *state, struct vpb_sample *s);
	void (*teardown)(void *state);
	int (*control)(void *dev);
};

/**
 * struct vpb_suite - a named list of cases.
 * @name: as given to --suite.
 * @summary: one line for `vfio-pm-bench list`.
 * @needs_device: the runner opens --device for it; without one the suite is
 *                skipped (exit 4).
 * @cases: the cases, @ncases of them.
 */
struct vpb_suite {
	const char *name;
	const char *summary;
	bool needs_device;
	const struct vpb_case *cases;
	size_t ncases;
};

/* The table of suites, NULL-terminated (suites/suites.c). */
extern const struct vpb_suite *const vpb_suites[];

/** vpb_suite_find() - a suite by name, or NULL. */
const struct vpb_suite *vpb_suite_find(const char *name);

/** vpb_case_find() - a case of suite @su (NULL: none) by name, or NULL. */
const struct vpb_case *vpb_case_find(const struct vpb_suite *su, const char *name);

#endif

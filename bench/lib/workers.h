/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workers.h - the timing loop of threaded (contention) cases.
 *
 * The runner calls workers_measure() once per (case, thread count) point.
 * T threads, placed by the run's --placement (lib/topo.c) and each binding
 * verified, start together from one barrier, warm up, then run the case's
 * op() for --duration split into WORKERS_INTERVALS equal intervals; each
 * thread counts its operations per interval in its own cache line and
 * stops on an atomic flag. One sample = one thread's ns per operation over
 * one interval (interval length / operations); the sample's extra columns
 * are the thread index, its OS cpu and its operation count.
 */
#ifndef VPB_WORKERS_H
#define VPB_WORKERS_H

#include <jansson.h>
#include <stddef.h>

#include "suite.h"

#define WORKERS_INTERVALS 10

/**
 * workers_measure() - measure one point of a threaded case.
 * @env: the run (options, device, clock).
 * @c: the case; c->setup() is called once per thread (state per thread),
 *     c->op() in the loop, c->teardown() per thread at the end.
 * @nthreads: T.
 * @samples: out, malloc'ed array of T * WORKERS_INTERVALS samples.
 * @n: out, their number.
 * @point: out, a JSON object describing the point: threads, placement, cpus
 *         (array), aggregate ops_per_s, per-thread ops_per_s (array), and
 *         counters per thread where they open.
 * @why: the reason for a failure or a skip.
 *
 * Return: 0; -ERANGE when the placement offers fewer CPUs than @nthreads
 * (@why says how many), -ENOTSUP/-ENODEV to skip (setup said so), other
 * -errno on failure.
 */
int workers_measure(struct vpb_env *env, const struct vpb_case *c, unsigned int nthreads,
		    struct vpb_sample **samples, size_t *n, json_t **point, char *why, size_t len);

/**
 * workers_thread_counts() - the --threads list, or the default sweep
 * 1, 2, 4, ... up to the PUs of the placement (and the PU count itself).
 * Return: the number of counts written to @out (at most @max), or -EINVAL
 * with @why for a malformed list.
 */
int workers_thread_counts(const char *list, unsigned int npus, unsigned int *out, size_t max,
			  char *why, size_t len);

#endif

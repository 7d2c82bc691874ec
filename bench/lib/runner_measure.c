// SPDX-License-Identifier: GPL-2.0
/*
 * runner_measure.c - the timing loop of `vfio-pm-bench run`: one case, or one point of a
 * threaded case, measured into a series.
 */
#include "runner_int.h"
#include "common.h"
#include "pmu.h"
#include "profile.h"
#include "summary.h"
#include "workers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int null_op(void *state)
{
	(void)state;
	__asm__ volatile("" ::: "memory");
	return 0;
}

enum role { ROLE_NULL, ROLE_OP, ROLE_CONTROL };

/* What the next timed batches run, for the profile plugin; never timed. */
static void mark_role(enum role role)
{
	if (role == ROLE_NULL)
		VPB_MARK(VPB_MARK_ROLE_NULL);
	else if (role == ROLE_OP)
		VPB_MARK(VPB_MARK_ROLE_OP);
	else
		VPB_MARK(VPB_MARK_ROLE_CONTROL);
}

/*
 * Time @n batches of @k calls of @op; the per-operation ns go to @out.
 * Each batch is one window of the profile plugin: its START and STOP
 * markers (profile.h) are 2 instructions of every timed batch.
 */
static int time_batches(const struct vpb_clock *clk, int (*op)(void *), void *state, unsigned int k,
			size_t n, double *out)
{
	int (*volatile fn)(void *) = op; /* keep the indirect call, as for a case */

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = clock_now_start();
		int ret = 0;

		VPB_MARK(VPB_MARK_START);
		for (unsigned int j = 0; j < k && !ret; j++)
			ret = fn(state);
		VPB_MARK(VPB_MARK_STOP);
		uint64_t t1 = clock_now_stop();

		if (ret)
			return ret;
		out[i] = clock_to_ns(clk, t1 - t0) / k;
	}
	return 0;
}

static double null_overhead(const struct vpb_clock *clk, unsigned int k)
{
	enum { N = 1000 };
	double v[N];

	mark_role(ROLE_NULL);
	time_batches(clk, null_op, NULL, k, N, v);
	return stats_median(v, N);
}

static json_t *counters_json(struct pmu_set *ps, double nops)
{
	struct pmu_value vals[8];
	int n = pmu_read(ps, vals, ARRAY_SIZE(vals));
	json_t *j = json_object();

	for (int i = 0; i < n; i++)
		json_object_set_new(j, vals[i].name,
				    json_pack("{s:f, s:f, s:f}", "per_op", vals[i].scaled / nops,
					      "scaled", vals[i].scaled, "running_pct",
					      vals[i].time_enabled ? 100.0 * vals[i].time_running /
									     vals[i].time_enabled
								   : 0.0));
	return j;
}

static void note(json_t *arr, const struct series *se, const char *why)
{
	json_array_append_new(arr,
			      json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "suite", se->suite->name,
					"case", se->c->name, "device", se->device, "variant",
					se->variant, "round", se->round, "reason", why));
}

/* The next segment of the profile plugin: one per measured series. */
static void begin_segment(struct run *r, struct series *se)
{
	VPB_MARK(VPB_MARK_SEGMENT);
	se->segment = ++r->segments;
	snprintf(se->symbols, sizeof(se->symbols), "%s", r->symbols);
}

/* Measure one case; the series is kept whatever happens. */
void measure_case(struct run *r, struct vpb_env *env, struct series *se)
{
	const struct vpb_opts *o = r->o;
	const struct vpb_case *c = se->c;
	struct pmu_set *ps = NULL;
	char why[256] = "", perr[256] = "";
	void *state = NULL;
	uint64_t nsamples;
	int ret;

	begin_segment(r, se);
	se->batch = c->batch ? c->batch : o->batch;
	ret = c->setup ? c->setup(env, &state, why, sizeof(why)) : 0;
	if (ret == -ENOTSUP || ret == -ENODEV) {
		vpb_info("  %s.%s: skipped: %s", se->suite->name, c->name, why);
		note(r->skipped, se, why);
		return;
	}
	if (ret) {
		vpb_err("%s.%s on %s: setup failed: %s", se->suite->name, c->name,
			se->device[0] ? se->device : "-", why[0] ? why : strerror(-ret));
		note(r->failed, se, why[0] ? why : strerror(-ret));
		return;
	}
	nsamples = c->cycle ? o->cycles : o->samples;
	se->overhead_ns = null_overhead(&r->clock, se->batch);
	se->s = calloc(nsamples, sizeof(*se->s));
	if (!se->s) {
		note(r->failed, se, "out of memory");
		goto out;
	}

	/* Warm-up: loop cases only; a cycle case's first sample is its own. */
	if (!c->cycle) {
		uint64_t end = clock_mono_ns() + o->warmup_ns;

		while (clock_mono_ns() < end && !vpb_stopped(env))
			if (c->op(state))
				break;
	}
	if (!o->no_counters) {
		ret = o->events ? pmu_open(&ps, o->events, 0, perr, sizeof(perr))
				: pmu_open_default(&ps, 0, perr, sizeof(perr));
		if (ret < 0)
			ps = NULL;
	}

	for (size_t i = 0; i < nsamples && !vpb_stopped(env); i++) {
		struct vpb_sample *s = &se->s[i];
		double v = 0;

		s->valid = true;
		if (c->prepare) {
			ret = c->prepare(state);
			if (ret == -EINTR)
				break; /* stopped before it measured: no sample */
			if (ret) {
				s->valid = false;
				snprintf(s->why, sizeof(s->why), "prepare: %s", strerror(-ret));
				se->n = i + 1;
				break;
			}
		}
		/* Counters count the timed batches only, not the control or the
		 * untimed prepare/verify (the enable/disable ioctls' edges are in). */
		mark_role(ROLE_OP);
		if (ps)
			pmu_enable(ps);
		ret = time_batches(&r->clock, c->op, state, se->batch, 1, &v);
		if (ps)
			pmu_disable(ps);
		s->value = v;
		if (!ret && c->control) {
			mark_role(ROLE_CONTROL);
			ret = time_batches(&r->clock, c->control, env->dev, se->batch, 1,
					   &s->extra[0]);
		}
		if (ret) {
			s->valid = false;
			snprintf(s->why, sizeof(s->why), "op: %s", strerror(-ret));
		}
		if (c->verify) {
			int vret = c->verify(state, s);

			if (vret) {
				s->valid = false;
				if (!s->why[0])
					snprintf(s->why, sizeof(s->why), "verify: %s",
						 strerror(-vret));
			}
		}
		se->n = i + 1;
		if (ret && !c->cycle)
			break; /* a loop case whose op fails is broken */
	}
	if (ps) {
		se->counters = counters_json(ps, (double)se->n * se->batch);
		json_object_set_new(se->counters, "_events", json_string(pmu_events(ps)));
		if (perr[0])
			json_object_set_new(se->counters, "_note", json_string(perr));
		pmu_close(ps);
	} else {
		se->counters = json_string(o->no_counters ? "counters off (--no-counters)" : perr);
	}
	if (se->n && !se->s[se->n - 1].valid && !c->cycle) {
		vpb_err("%s.%s on %s: %s", se->suite->name, c->name,
			se->device[0] ? se->device : "-", se->s[se->n - 1].why);
		note(r->failed, se, se->s[se->n - 1].why);
	} else {
		r->ran++;
	}
out:
	if (c->teardown)
		c->teardown(state);
}

struct series *new_series(struct run *r)
{
	struct series *n = realloc(r->series, (r->nseries + 1) * sizeof(*n));

	if (!n)
		return NULL;
	r->series = n;
	memset(&n[r->nseries], 0, sizeof(*n));
	return &n[r->nseries++];
}

/* A threaded case: one series per thread count. */
void measure_threaded(struct run *r, struct vpb_env *env, const struct series *tmpl)
{
	unsigned int counts[32];
	char why[256] = "";
	int n = workers_placement_cpus(NULL, r->o->placement, env->bdf, why, sizeof(why));

	if (n >= 0)
		n = workers_thread_counts(r->o->threads, (unsigned int)n, counts,
					  ARRAY_SIZE(counts), why, sizeof(why));
	if (n < 0) {
		note(r->failed, tmpl, why);
		return;
	}
	for (int i = 0; i < n && !vpb_stopped(env); i++) {
		struct series *se = new_series(r);
		int ret;

		if (!se)
			return;
		*se = *tmpl;
		begin_segment(r, se);
		snprintf(se->point, sizeof(se->point), "t%u", counts[i]);
		se->batch = 1;
		se->overhead_ns = null_overhead(&r->clock, 1);
		ret = workers_measure(env, se->c, counts[i], &se->s, &se->n, &se->point_info, why,
				      sizeof(why));
		if (ret == -ENOTSUP || ret == -ENODEV) {
			note(r->skipped, se, why);
		} else if (ret) {
			vpb_err("%s.%s, %u threads: %s", se->suite->name, se->c->name, counts[i],
				why[0] ? why : strerror(-ret));
			note(r->failed, se, why[0] ? why : strerror(-ret));
		} else {
			r->ran++;
		}
	}
}

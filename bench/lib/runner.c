// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - `vfio-pm-bench run`.
 *
 * Order of work: for each round, for each variant (its modules loaded in
 * turn), for each suite, for each device, for each case: measure. Samples
 * of all rounds stay in memory; at the end each (suite, case, device) gets
 * one CSV file, and summary.json carries the statistics of every variant
 * and its shift against the reference variant.
 */
#include "runner.h"
#include "clock.h"
#include "common.h"
#include "hist.h"
#include "holders.h"
#include "lowpower.h"
#include "modules.h"
#include "pcidev.h"
#include "platform.h"
#include "pmu.h"
#include "results.h"
#include "stats.h"
#include "summary.h"
#include "suite.h"
#include "sysfs.h"
#include "topo.h"
#include "vfio.h"
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Set by SIGINT/SIGTERM: the run stops between samples (struct vpb_env.stop). */
static volatile int runner_stop;

/* The samples of one case on one device, variant and round. */
struct series {
	const struct vpb_suite *suite;
	const struct vpb_case *c;
	char device[16];
	char variant[32];
	char point[24];	    /* threaded cases: "t<threads>" */
	json_t *point_info; /* threaded cases: placement, cpus, ops/s */
	unsigned int round;
	unsigned int batch;
	double overhead_ns; /* null loop per operation, same batch */
	json_t *counters;   /* per operation, or a string saying why none */
	struct vpb_sample *s;
	size_t n;
};

struct run {
	const struct vpb_opts *o;
	struct vpb_clock clock;
	char dir[1200];
	char slug[128];
	char run_id[128];
	struct series *series;
	size_t nseries;
	json_t *skipped;
	json_t *failed;
	json_t *recovered; /* devices found in low power at open, and left */
	unsigned int ran;
};

static void on_signal(int sig)
{
	(void)sig;
	runner_stop = 1;
}

static int null_op(void *state)
{
	(void)state;
	__asm__ volatile("" ::: "memory");
	return 0;
}

/* Time @n batches of @k calls of @op; the per-operation ns go to @out. */
static int time_batches(const struct vpb_clock *clk, int (*op)(void *), void *state, unsigned int k,
			size_t n, double *out)
{
	int (*volatile fn)(void *) = op; /* keep the indirect call, as for a case */

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = clock_now_start();
		int ret = 0;

		for (unsigned int j = 0; j < k && !ret; j++)
			ret = fn(state);
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

/* Measure one case; the series is kept whatever happens. */
static void measure_case(struct run *r, struct vpb_env *env, struct series *se)
{
	const struct vpb_opts *o = r->o;
	const struct vpb_case *c = se->c;
	struct pmu_set *ps = NULL;
	char why[256] = "", perr[256] = "";
	void *state = NULL;
	uint64_t nsamples;
	int ret;

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

		while (clock_mono_ns() < end && !runner_stop)
			if (c->op(state))
				break;
	}
	if (!o->no_counters) {
		ret = o->events ? pmu_open(&ps, o->events, 0, perr, sizeof(perr))
				: pmu_open_default(&ps, 0, perr, sizeof(perr));
		if (ret < 0)
			ps = NULL;
	}

	for (size_t i = 0; i < nsamples && !runner_stop; i++) {
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
		if (ps)
			pmu_enable(ps);
		ret = time_batches(&r->clock, c->op, state, se->batch, 1, &v);
		if (ps)
			pmu_disable(ps);
		s->value = v;
		if (!ret && c->control)
			ret = time_batches(&r->clock, c->control, env->dev, se->batch, 1,
					   &s->extra[0]);
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

static struct series *new_series(struct run *r)
{
	struct series *n = realloc(r->series, (r->nseries + 1) * sizeof(*n));

	if (!n)
		return NULL;
	r->series = n;
	memset(&n[r->nseries], 0, sizeof(*n));
	return &n[r->nseries++];
}

/* A threaded case: one series per thread count. */
static void measure_threaded(struct run *r, struct vpb_env *env, const struct series *tmpl)
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
	for (int i = 0; i < n && !runner_stop; i++) {
		struct series *se = new_series(r);
		int ret;

		if (!se)
			return;
		*se = *tmpl;
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

static bool case_selected(const struct vpb_opts *o, const struct vpb_suite *su,
			  const struct vpb_case *c)
{
	char full[96];

	if (!o->ncases)
		return true;
	snprintf(full, sizeof(full), "%s.%s", su->name, c->name);
	for (unsigned int i = 0; i < o->ncases; i++)
		if (!strcmp(o->cases[i], c->name) || !strcmp(o->cases[i], full))
			return true;
	return false;
}

/*
 * Open holds a runtime PM reference, so a device just opened is in D0 and
 * "active". Found otherwise, it is still engaged from before. On Linux 6.12
 * every variant ends an engagement when the device's last fd closes
 * (vfio_pci_core_disable() calls vfio_pci_runtime_pm_exit()), even when its
 * process was killed; this guards against a kernel that keeps it. Say so,
 * leave low power before measuring, and record it in run.json.
 */
static int leave_low_power(struct run *r, struct vfio_dev *dev, const char *variant,
			   unsigned int round)
{
	char found[48] = "", last[64] = "", why[160];
	int ret = lp_is_active(dev->bdf, found, sizeof(found));

	if (ret > 0)
		return 0;
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot read its power state: %s", strerror(-ret));
	} else {
		vpb_err("%s: found in low power (%s; left by an earlier run?); exiting", dev->bdf,
			found);
		ret = __vfio_lp_exit(dev);
		if (ret == -EINVAL) /* v4: not engaged through this open */
			ret = 0;
		if (!ret)
			ret = lp_wait_active(dev->bdf, r->o->state_timeout_ns, last, sizeof(last));
		json_array_append_new(r->recovered,
				      json_pack("{s:s, s:s, s:i, s:s, s:s}", "device", dev->bdf,
						"variant", variant, "round", round, "found", found,
						"after_exit", ret ? last : "D0/active"));
		if (!ret)
			return 0;
		snprintf(why, sizeof(why), "found in low power (%s) and still %s after the exit",
			 found, last[0] ? last : strerror(-ret));
	}
	vpb_err("%s: %s; not measuring it", dev->bdf, why);
	json_array_append_new(r->failed,
			      json_pack("{s:s, s:s, s:i, s:s}", "device", dev->bdf, "variant",
					variant, "round", round, "reason", why));
	return -EIO;
}

static void run_suite(struct run *r, const struct vpb_suite *su, const char *variant,
		      unsigned int round)
{
	const struct vpb_opts *o = r->o;
	unsigned int ndev = su->needs_device ? o->ndevices : 1;

	if (su->needs_device && !o->ndevices) {
		json_array_append_new(r->skipped,
				      json_pack("{s:s, s:s}", "suite", su->name, "reason",
						"no --device given (or VFIO_PM_BENCH_DEVICE)"));
		vpb_info("suite %s: skipped: no --device given", su->name);
		return;
	}
	for (unsigned int d = 0; d < ndev && !runner_stop; d++) {
		struct vfio_dev dev;
		struct vpb_env env = {
			.opts = o, .variant = variant, .clock = &r->clock, .stop = &runner_stop};

		if (su->needs_device) {
			char why[256] = "";
			int ret = __vfio_open(&dev, o->devices[d], o->iommu, why, sizeof(why));

			if (ret) {
				vpb_err("%s", why);
				json_array_append_new(r->failed,
						      json_pack("{s:s, s:s, s:s, s:s}", "suite",
								su->name, "device", o->devices[d],
								"variant", variant, "reason", why));
				continue;
			}
			if (leave_low_power(r, &dev, variant, round)) {
				vfio_close(&dev);
				continue;
			}
			env.bdf = dev.bdf;
			env.dev = &dev;
		}
		vpb_info("round %u, variant %s, suite %s%s%s", round, variant, su->name,
			 env.bdf ? ", device " : "", env.bdf ? env.bdf : "");
		for (size_t i = 0; i < su->ncases && !runner_stop; i++) {
			struct series *se;

			if (!case_selected(o, su, &su->cases[i]))
				continue;
			se = new_series(r);
			if (!se)
				break;
			se->suite = su;
			se->c = &su->cases[i];
			se->round = round;
			snprintf(se->variant, sizeof(se->variant), "%s", variant);
			snprintf(se->device, sizeof(se->device), "%s", env.bdf ? env.bdf : "");
			if (se->c->threaded) {
				struct series tmpl = *se;

				r->nseries--; /* measure_threaded() adds one per point */
				measure_threaded(r, &env, &tmpl);
			} else {
				measure_case(r, &env, se);
			}
		}
		if (su->needs_device)
			vfio_close(&dev);
	}
}

/* ---- output ----------------------------------------------------------- */

static bool same_case(const struct series *a, const struct series *b)
{
	return a->suite == b->suite && a->c == b->c && !strcmp(a->device, b->device) &&
	       !strcmp(a->point, b->point);
}

/*
 * Valid values of one variant of a case, pooled over rounds (@round 0) or of
 * one round; with @ratio, each value divided by its paired control (cases
 * with a control).
 */
static double *pool_values(const struct run *r, const struct series *key, const char *variant,
			   unsigned int round, size_t *n, bool ratio)
{
	double *v = NULL;
	size_t cnt = 0, cap = 0;

	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant) ||
		    (round && se->round != round))
			continue;
		for (size_t j = 0; j < se->n; j++) {
			if (!se->s[j].valid)
				continue;
			if (cnt == cap) {
				cap = cap ? 2 * cap : 1024;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[cnt++] = ratio ? se->s[j].value / se->s[j].extra[0]
					 : summary_value(se->s[j].value);
		}
	}
	*n = cnt;
	return v;
}

static double *pool(const struct run *r, const struct series *key, const char *variant, size_t *n)
{
	return pool_values(r, key, variant, 0, n, false);
}

/*
 * Start a case's CSV file <stem><suffix> (RFC 4180, results/README.md): its
 * header row names the columns, the first of which is schema_version.
 */
static int open_case_csv(const struct run *r, const char *stem, const char *suffix,
			 const char *columns, struct results_file *rf)
{
	char path[1600];
	int ret;

	snprintf(path, sizeof(path), "%s/%s%s", r->dir, stem, suffix);
	ret = results_open(rf, path);
	if (!ret)
		fprintf(rf->f, "schema_version,%s", columns);
	return ret;
}

/* A number of a CSV row; negative or not finite (not measured): empty. */
static void csv_ms(FILE *f, double v)
{
	if (isfinite(v) && v >= 0)
		fprintf(f, ",%.3f", v);
	else
		fputc(',', f);
}

static int write_samples_csv(const struct run *r, const struct series *key, const char *stem)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".csv", "variant,round,seq,value_ns,valid,state", &rf);

	if (ret)
		return ret;
	for (size_t e = 0; key->c->extra[e]; e++) {
		fputc(',', rf.f);
		results_csv_field(rf.f, key->c->extra[e]);
	}
	fputs(",why" RESULTS_CSV_EOL, rf.f);
	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key))
			continue;
		for (size_t j = 0; j < se->n; j++) {
			const struct vpb_sample *s = &se->s[j];

			fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
			results_csv_field(rf.f, se->variant);
			fprintf(rf.f, ",%u,%zu,%.3f,%d,", se->round, j, s->value, s->valid);
			results_csv_field(rf.f, s->state[0] ? s->state : "-");
			for (size_t e = 0; key->c->extra[e]; e++)
				csv_ms(rf.f, s->extra[e]);
			fputc(',', rf.f);
			results_csv_field(rf.f, s->why);
			fputs(RESULTS_CSV_EOL, rf.f);
		}
	}
	return results_commit(&rf);
}

/*
 * The exact valid samples, compactly: per variant and round, each distinct
 * value (ns, to the picosecond: summary_value()) and how many samples had
 * it, ascending. Every figure of summary.json but the ratios and entry
 * latency is computed from exactly these values; instruction-time samples
 * repeat, so the file stays small.
 */
static int write_values_csv(const struct run *r, const struct series *key, const char *stem,
			    const char *const *variants, size_t nvar)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".values.csv",
				"variant,round,value_ns,count" RESULTS_CSV_EOL, &rf);

	if (ret)
		return ret;
	for (size_t v = 0; v < nvar; v++)
		for (unsigned int round = 1; round <= r->o->rounds; round++) {
			size_t n;
			double *vals = pool_values(r, key, variants[v], round, &n, false);

			stats_sort(vals, n);
			for (size_t i = 0, k; i < n; i = k) {
				for (k = i + 1; k < n && vals[k] == vals[i];)
					k++;
				fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
				results_csv_field(rf.f, variants[v]);
				fprintf(rf.f, ",%u,%.3f,%zu" RESULTS_CSV_EOL, round, vals[i],
					k - i);
			}
			free(vals);
		}
	return results_commit(&rf);
}

/* Log-linear histogram per variant, kept in picoseconds (error bound: hist.h). */
static int write_hist_csv(const struct run *r, const struct series *key, const char *stem,
			  const char *const *variants, size_t nvar)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".hist.csv", "variant,lo_ns,hi_ns,count" RESULTS_CSV_EOL,
				&rf);

	if (ret)
		return ret;
	for (size_t v = 0; v < nvar; v++) {
		size_t n;
		double *vals = pool(r, key, variants[v], &n);
		struct hist h;

		if (!n || hist_init(&h, 100000000000000ull)) { /* 100 s in ps */
			free(vals);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			hist_add(&h, (uint64_t)(vals[i] * 1000.0 + 0.5));
		for (size_t b = 0; b < hist_nbuckets(&h); b++) {
			uint64_t lo, hi, cnt;

			if (!hist_bucket(&h, b, &lo, &hi, &cnt) || !cnt)
				continue;
			fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
			results_csv_field(rf.f, variants[v]);
			fprintf(rf.f, ",%.3f,%.3f,%llu" RESULTS_CSV_EOL, lo / 1000.0, hi / 1000.0,
				(unsigned long long)cnt);
		}
		hist_free(&h);
		free(vals);
	}
	return results_commit(&rf);
}

/*
 * Each round's median of one variant of a case, round 1 first, NaN for a
 * round without a valid sample (or an infinite ratio): what the round-level
 * tests work on, here and in `compare`.
 */
static double *round_medians(const struct run *r, const struct series *key, const char *variant,
			     bool ratio)
{
	double *m = malloc(r->o->rounds * sizeof(*m));

	if (!m)
		abort();
	for (unsigned int round = 1; round <= r->o->rounds; round++) {
		size_t n;
		double *v = pool_values(r, key, variant, round, &n, ratio);
		double med = n ? stats_median(v, n) : NAN;

		m[round - 1] = isfinite(med) ? med : NAN;
		free(v);
	}
	return m;
}

static json_t *round_medians_json(const struct run *r, const double *m)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < r->o->rounds; i++)
		json_array_append_new(a, isnan(m[i]) ? json_null() : json_real(m[i]));
	return a;
}

/*
 * Cases with a paired control: the distribution of value / control, and its
 * shift against the reference's, which cancel drift common to both.
 */
static void add_ratio(const struct run *r, const struct series *key, const char *variant,
		      const char *ref, json_t *dist, json_t *cmp)
{
	size_t n, nref;
	double *v = pool_values(r, key, variant, 0, &n, true);
	double *rv = pool_values(r, key, ref, 0, &nref, true);
	double *m = round_medians(r, key, variant, true);
	json_t *rd = summary_distribution(v, n, r->o->seed);

	json_object_set_new(rd, "round_medians", round_medians_json(r, m));
	json_object_set_new(dist, "ratio_to_control", rd);
	if (nref && strcmp(variant, ref)) {
		double *tmp = malloc(nref * sizeof(*tmp));
		json_t *c = json_object_get(cmp, variant);

		memcpy(tmp, rv, nref * sizeof(*tmp));
		if (c) {
			double med = stats_median(tmp, nref);
			double *ref_m = round_medians(r, key, ref, true);
			json_t *sh = summary_shift(rv, nref, v, n, med, r->o->seed);

			json_object_set_new(sh, "rounds",
					    summary_round_shift(ref_m, m, r->o->rounds, med));
			json_object_set_new(c, "ratio", sh);
			free(ref_m);
		}
		free(tmp);
	}
	free(m);
	free(v);
	free(rv);
}

/*
 * No number for no data: a variant without a valid sample has null
 * figures and says why (the first reason a sample was invalid).
 */
static json_t *no_data(const struct run *r, const struct series *key, const char *variant,
		       size_t total)
{
	const char *first = NULL;
	char why[160];

	for (size_t i = 0; i < r->nseries && !first; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant))
			continue;
		for (size_t j = 0; j < se->n && !first; j++)
			if (!se->s[j].valid && se->s[j].why[0])
				first = se->s[j].why;
	}
	if (!total)
		snprintf(why, sizeof(why), "no sample taken");
	else
		snprintf(why, sizeof(why), "%zu of %zu samples invalid%s%s", total, total,
			 first ? ", the first: " : "", first ? first : "");
	return json_pack("{s:i, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:s}", "n", 0, "median",
			 "p90", "p99", "p999", "min", "max", "mean", "stddev", "why", why);
}

/*
 * Entry latency of a cycle case (its entry_ms column: request to low
 * power reached), in ns, over the valid cycles that measured it.
 */
static json_t *entry_summary(const struct run *r, const struct series *key, const char *variant)
{
	double *v = NULL;
	size_t n = 0, cap = 0;
	int col = -1;
	json_t *j;

	for (int e = 0; key->c->cycle && key->c->extra[e]; e++)
		if (!strcmp(key->c->extra[e], "entry_ms"))
			col = e;
	if (col < 0)
		return NULL;
	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant))
			continue;
		for (size_t k = 0; k < se->n; k++) {
			if (!se->s[k].valid || se->s[k].extra[col] < 0)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[n++] = se->s[k].extra[col] * 1e6;
		}
	}
	j = n ? summary_distribution(v, n, r->o->seed)
	      : json_pack("{s:i, s:n, s:s}", "n", 0, "median", "why",
			  "no valid cycle measured its entry");
	free(v);
	return j;
}

static json_t *case_summary(const struct run *r, const struct series *key,
			    const char *const *variants, size_t nvar)
{
	const char *ref = r->o->reference;
	json_t *vj = json_object(), *cmp = json_object(), *states = json_object();
	double *refv = NULL, *ref_m = NULL;
	size_t nref = 0;
	double ref_median = 0;

	for (size_t v = 0; v < nvar; v++)
		if (!strcmp(variants[v], ref)) {
			refv = pool(r, key, ref, &nref);
			ref_m = round_medians(r, key, ref, false);
			if (nref) {
				double *tmp = malloc(nref * sizeof(*tmp));

				memcpy(tmp, refv, nref * sizeof(*tmp));
				ref_median = stats_median(tmp, nref);
				free(tmp);
			}
		}
	for (size_t v = 0; v < nvar; v++) {
		size_t n, total = 0;
		double *vals = pool(r, key, variants[v], &n), *m;
		double overhead = 0;
		unsigned int rounds = 0;
		json_t *d, *ctr = json_array(), *pts = json_array();

		for (size_t i = 0; i < r->nseries; i++) {
			const struct series *se = &r->series[i];

			if (!same_case(se, key) || strcmp(se->variant, variants[v]))
				continue;
			total += se->n;
			overhead += se->overhead_ns;
			rounds++;
			if (se->counters)
				json_array_append(ctr, se->counters);
			if (se->point_info)
				json_array_append(pts, se->point_info);
			for (size_t j = 0; j < se->n; j++) {
				char k[96];
				json_t *c;

				snprintf(k, sizeof(k), "%s/%s/%s", variants[v],
					 se->s[j].state[0] ? se->s[j].state : "-",
					 se->s[j].valid ? "valid" : "invalid");
				c = json_object_get(states, k);
				json_object_set_new(
					states, k, json_integer(c ? json_integer_value(c) + 1 : 1));
			}
		}
		if (!rounds) {
			free(vals);
			json_decref(ctr);
			json_decref(pts);
			continue;
		}
		d = n ? summary_distribution(vals, n, r->o->seed)
		      : no_data(r, key, variants[v], total);
		if (n && key->c->cycle) {
			json_t *e = entry_summary(r, key, variants[v]);

			if (e)
				json_object_set_new(d, "entry", e);
		}
		m = round_medians(r, key, variants[v], false);
		json_object_set_new(d, "valid", json_integer((json_int_t)n));
		json_object_set_new(d, "total", json_integer((json_int_t)total));
		json_object_set_new(d, "rounds", json_integer(rounds));
		json_object_set_new(d, "round_medians", round_medians_json(r, m));
		json_object_set_new(d, "harness_overhead_ns", json_real(overhead / rounds));
		json_object_set_new(d, "counters", ctr);
		if (json_array_size(pts))
			json_object_set_new(d, "points", pts);
		else
			json_decref(pts);
		json_object_set_new(vj, variants[v], d);
		if (refv && nref && n && strcmp(variants[v], ref)) {
			json_t *sh = summary_shift(refv, nref, vals, n, ref_median, r->o->seed);

			json_object_set_new(
				sh, "rounds",
				summary_round_shift(ref_m, m, r->o->rounds, ref_median));
			json_object_set_new(cmp, variants[v], sh);
		}
		if (key->c->control && n)
			add_ratio(r, key, variants[v], ref, d, cmp);
		free(m);
		free(vals);
	}
	free(refv);
	free(ref_m);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:s, s:o}", "suite",
			 key->suite->name, "case", key->c->name, "point", key->point, "device",
			 key->device, "unit", "ns/op", "batch", key->batch, "variants", vj,
			 "states", states, "reference", ref, "vs_reference", cmp);
}

static int write_outputs(struct run *r, const char *const *variants, size_t nvar)
{
	json_t *cases = json_array();
	int err = 0;

	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *key = &r->series[i];
		char stem[256];
		bool first = true;

		for (size_t j = 0; j < i; j++)
			if (same_case(&r->series[j], key))
				first = false;
		if (!first)
			continue;
		results_case_stem(key->suite->name, key->c->name, key->device, key->point, stem,
				  sizeof(stem));
		if (r->o->keep_samples || key->c->cycle)
			err |= write_samples_csv(r, key, stem);
		err |= write_values_csv(r, key, stem, variants, nvar);
		err |= write_hist_csv(r, key, stem, variants, nvar);
		json_array_append_new(cases, case_summary(r, key, variants, nvar));
	}
	json_t *sum = json_pack("{s:i, s:s, s:s, s:o, s:O, s:O}", "schema_version",
				RESULTS_SCHEMA_VERSION, "run_id", r->run_id, "platform", r->slug,
				"cases", cases, "skipped", r->skipped, "failed", r->failed);
	char path[1600];

	snprintf(path, sizeof(path), "%s/summary.json", r->dir);
	err |= results_write_json(path, sum);
	json_decref(sum);
	return err ? -EIO : 0;
}

/* ---- run.json ------------------------------------------------------------ */

static void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *opts_json(const struct vpb_opts *o)
{
	json_t *suites = json_array(), *devs = json_array(), *vars = json_array();

	for (unsigned int i = 0; i < o->nsuites; i++)
		json_array_append_new(suites, json_string(o->suites[i]));
	for (unsigned int i = 0; i < o->ndevices; i++)
		json_array_append_new(devs, json_string(o->devices[i]));
	for (unsigned int i = 0; i < o->nvariants; i++)
		json_array_append_new(vars, json_pack("{s:s, s:s}", "name", o->variants[i].name,
						      "modules", o->variants[i].dir));
	return json_pack("{s:o, s:o, s:o, s:s, s:i, s:I, s:i, s:I, s:s, s:s, s:s, s:s?, s:b, s:i, "
			 "s:i, s:I, s:I, s:I, s:s?, s:b, s:s?, s:s, s:I, s:b, s:I}",
			 "suites", suites, "devices", devs, "variants", vars, "reference",
			 o->reference, "rounds", o->rounds, "samples", (json_int_t)o->samples,
			 "batch", o->batch, "warmup_ns", (json_int_t)o->warmup_ns, "clock",
			 o->clock, "clock_label", o->clock_label, "iommu", o->iommu, "events",
			 o->events, "no_counters", o->no_counters, "cpu", o->cpu, "cycles",
			 o->cycles, "dwell_ns", (json_int_t)o->dwell_ns, "jitter_ns",
			 (json_int_t)o->jitter_ns, "state_timeout_ns",
			 (json_int_t)o->state_timeout_ns, "expect", o->expect, "breakdown",
			 o->breakdown, "threads", o->threads, "placement", o->placement,
			 "duration_ns", (json_int_t)o->duration_ns, "keep_samples", o->keep_samples,
			 "seed", (json_int_t)o->seed);
}

static int write_run_json(struct run *r, json_t *base, const char *status)
{
	char path[1600], end[32];

	now_iso(end, sizeof(end));
	json_object_set_new(base, "status", json_string(status));
	json_object_set_new(base, "end_time", json_string(end));
	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	return results_write_json(path, base);
}

/* Hold /dev/cpu_dma_latency at 0 (C-states off) for the run, as cyclictest. */
static int hold_dma_latency(char *state, size_t len)
{
	int32_t zero = 0;
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, &zero, sizeof(zero)) != sizeof(zero)) {
		snprintf(state, len, "not held: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(state, len, "held at 0 us");
	return fd;
}

static int make_run_dir(struct run *r)
{
	const struct vpb_opts *o = r->o;
	char base[1024], stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (o->run_id)
		snprintf(r->run_id, sizeof(r->run_id), "%s", o->run_id);
	else
		snprintf(r->run_id, sizeof(r->run_id), "%s-%s%s", stamp, o->suites[0],
			 o->nsuites > 1 ? "-etc" : "");
	snprintf(base, sizeof(base), "%s/%s", o->results, r->slug);
	ret = results_mkdirs(base);
	if (ret)
		return ret;
	snprintf(r->dir, sizeof(r->dir), "%s/%s", base, r->run_id);
	/*
	 * A default id never collides: a second run in the same second takes
	 * -2, -3, ... An id given with --run-id is refused if it exists.
	 */
	for (unsigned int k = 2; mkdir(r->dir, 0755); k++) {
		ret = -errno;
		if (ret != -EEXIST || o->run_id || k > 999) {
			vpb_err("cannot create run directory %s: %s", r->dir, strerror(-ret));
			return ret;
		}
		snprintf(r->run_id, sizeof(r->run_id), "%s-%s%s-%u", stamp, o->suites[0],
			 o->nsuites > 1 ? "-etc" : "", k);
		snprintf(r->dir, sizeof(r->dir), "%s/%s", base, r->run_id);
	}
	return 0;
}

static int write_platform(struct run *r, json_t *ident)
{
	char path[1600];
	char *xml = NULL;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/platform.json", r->o->results, r->slug);
	ret = results_write_json(path, ident);
	if (!ret && !platform_lstopo_xml(&xml)) {
		struct results_file rf;

		snprintf(path, sizeof(path), "%s/%s/lstopo.xml", r->o->results, r->slug);
		ret = results_open(&rf, path);
		if (!ret) {
			fputs(xml, rf.f);
			ret = results_commit(&rf);
		}
		free(xml);
	}
	return ret;
}

/*
 * Before anything is created or touched, each device named must exist, be
 * bound to vfio-pci (unless --variant binds it) and be held open by no other
 * process (a stopped or stuck run: opening it would fail, and unbinding it
 * for a variant would wait on that process). One line naming what is wrong.
 */
static int check_devices(const struct vpb_opts *o)
{
	bool binds = false;

	for (unsigned int i = 0; i < o->nvariants; i++)
		binds |= o->variants[i].dir[0] != '\0';
	for (unsigned int i = 0; i < o->ndevices; i++) {
		char why[256] = "";
		struct holder h;
		int ret = pcidev_check_vfio(o->devices[i], why, sizeof(why));

		if (ret && !(ret == -EBUSY && binds)) {
			vpb_err("%s", why);
			return VPB_EXIT_FAIL;
		}
		ret = holders_find(o->devices[i], &h);
		if (ret > 0) {
			vpb_err("%s is held open by pid %d (%s) through %s: not touching it",
				o->devices[i], (int)h.pid, h.comm, h.file);
			return VPB_EXIT_FAIL;
		}
		if (ret < 0) {
			vpb_err("%s: cannot look for processes holding it (/proc): %s",
				o->devices[i], strerror(-ret));
			return VPB_EXIT_FAIL;
		}
	}
	return 0;
}

int runner_run(const struct vpb_opts *o, const char *cmdline)
{
	struct run r = {.o = o};
	struct modules_saved saved;
	struct sigaction sa = {.sa_handler = on_signal};
	const char *variants[VPB_MAX_LIST];
	size_t nvar = 0;
	char err[256] = "", start[32], dma[64], cur[64] = "none";
	json_t *ident, *base;
	int ret, dmafd, code;

	/* From here on a SIGINT/SIGTERM ends the run in order, whenever it comes. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = check_devices(o);
	if (ret)
		return ret;
	ret = clock_init(&r.clock, o->clock);
	if (ret) {
		vpb_err("--clock %s: %s", o->clock,
			ret == -ENOTSUP ? "the TSC is not invariant here" : "unknown clock");
		return ret == -ENOTSUP ? VPB_EXIT_SKIP : VPB_EXIT_USAGE;
	}
	ident = platform_identity(o->ndevices ? o->devices[0] : NULL, err, sizeof(err));
	if (!ident) {
		vpb_err("platform identity: %s", err);
		return VPB_EXIT_FAIL;
	}
	if (o->platform_id)
		snprintf(r.slug, sizeof(r.slug), "%s", o->platform_id);
	else if (platform_slug(ident, r.slug, sizeof(r.slug)))
		snprintf(r.slug, sizeof(r.slug), "unknown");
	/* pinned before anything is written: a CPU it cannot run on is a usage error */
	if (o->cpu >= 0) {
		hwloc_topology_t topo;

		ret = topo_init(&topo, NULL, false);
		if (!ret) {
			ret = topo_bind_current_thread(topo, (unsigned int)o->cpu, err,
						       sizeof(err));
			hwloc_topology_destroy(topo);
		} else {
			snprintf(err, sizeof(err), "hwloc: %s", strerror(-ret));
		}
		if (ret) {
			vpb_err("--cpu %d: %s", o->cpu, err);
			json_decref(ident);
			return VPB_EXIT_USAGE;
		}
	}
	if (make_run_dir(&r) || write_platform(&r, ident)) {
		json_decref(ident);
		return VPB_EXIT_FAIL;
	}
	r.skipped = json_array();
	r.failed = json_array();
	r.recovered = json_array();
	dmafd = hold_dma_latency(dma, sizeof(dma));

	if (o->nvariants) {
		for (unsigned int i = 0; i < o->nvariants; i++)
			variants[nvar++] = o->variants[i].name;
		/* The vfio modules and bindings found, put back at the end. */
		modules_save(&saved, (char(*)[16])o->devices, o->ndevices);
	} else {
		modules_vfio_variant(cur, sizeof(cur));
		variants[nvar++] = cur;
	}
	now_iso(start, sizeof(start));
	base = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:O, s:o, s:{s:s, s:s, s:f, s:f, s:f, "
			 "s:s}, s:s}",
			 "schema_version", RESULTS_SCHEMA_VERSION, "run_id", r.run_id, "command",
			 cmdline, "harness_revision", vpb_git_rev, "start_time", start, "platform",
			 r.slug, "platform_identity", ident, "options", opts_json(o), "clock",
			 "kind", clock_kind_name(r.clock.kind), "why", r.clock.why, "ns_per_tick",
			 r.clock.ns_per_tick, "overhead_ns", r.clock.overhead_ns, "resolution_ns",
			 r.clock.resolution_ns, "label", o->clock_label, "cpu_dma_latency", dma);
	json_object_set_new(base, "variants", json_array());
	json_object_set_new(json_object_get(base, "options"), "keep_variant",
			    json_boolean(o->keep_variant));
	write_run_json(&r, base, "running");
	vpb_info("run %s: results in %s", r.run_id, r.dir);

	/*
	 * Round r runs the variants rotated by r - 1: over nvar rounds each
	 * variant takes each place once, so whatever the place in a round
	 * does to a figure (the modules just loaded, the previous variant's
	 * state) is not read as a difference between variants.
	 */
	for (unsigned int round = 1; round <= o->rounds && !runner_stop; round++) {
		for (size_t pos = 0; pos < nvar && !runner_stop; pos++) {
			size_t v = (pos + round - 1) % nvar;

			if (o->nvariants && o->variants[v].dir[0]) {
				char why[512] = "";
				uint64_t t0 = clock_mono_ns();

				ret = modules_load_variant(
					&o->variants[v], (char(*)[16])o->devices, o->ndevices,
					!strcmp(o->iommu, "noiommu"), why, sizeof(why));
				if (ret) {
					vpb_err("variant %s: %s", variants[v], why);
					json_array_append_new(
						r.failed,
						json_pack("{s:s, s:i, s:s}", "variant", variants[v],
							  "round", round, "reason", why));
					continue;
				}
				json_array_append_new(json_object_get(base, "variants"),
						      json_pack("{s:s, s:i, s:i, s:f}", "variant",
								variants[v], "round", round,
								"place", (int)pos + 1, "load_s",
								(clock_mono_ns() - t0) / 1e9));
			}
			for (unsigned int s = 0; s < o->nsuites && !runner_stop; s++)
				run_suite(&r, vpb_suite_find(o->suites[s]), variants[v], round);
		}
	}

	if (o->nvariants && !o->keep_variant) {
		char why[512] = "";

		if (modules_restore(&saved, why, sizeof(why))) {
			vpb_err("restoring the vfio modules found at the start: %s", why);
			json_array_append_new(r.failed, json_pack("{s:s, s:s}", "step", "restore",
								  "reason", why));
		} else {
			vpb_info("vfio modules restored (version %s)",
				 saved.version[0] ? saved.version : "none loaded");
		}
	}
	ret = write_outputs(&r, variants, nvar);
	if (runner_stop)
		code = VPB_EXIT_FAIL;
	else if (ret || json_array_size(r.failed))
		code = VPB_EXIT_FAIL;
	else if (!r.ran)
		code = VPB_EXIT_SKIP;
	else
		code = VPB_EXIT_OK;
	json_object_set_new(base, "failed", json_incref(r.failed));
	json_object_set_new(base, "skipped", json_incref(r.skipped));
	json_object_set_new(base, "recovered", json_incref(r.recovered));
	write_run_json(&r, base,
		       runner_stop	       ? "interrupted"
		       : code == VPB_EXIT_OK   ? "complete"
		       : code == VPB_EXIT_SKIP ? "skipped"
					       : "failed");
	vpb_info("run %s: %s (%u cases measured, %zu skipped, %zu failed)", r.run_id,
		 runner_stop ? "interrupted" : "done", r.ran, json_array_size(r.skipped),
		 json_array_size(r.failed));
	printf("%s\n", r.dir);

	for (size_t i = 0; i < r.nseries; i++) {
		free(r.series[i].s);
		json_decref(r.series[i].counters);
		json_decref(r.series[i].point_info);
	}
	free(r.series);
	json_decref(base);
	json_decref(ident);
	json_decref(r.skipped);
	json_decref(r.failed);
	json_decref(r.recovered);
	if (dmafd >= 0)
		close(dmafd);
	return code;
}

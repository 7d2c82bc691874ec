// SPDX-License-Identifier: GPL-2.0
/*
 * workers.c - the timing loop of threaded (contention) cases; see workers.h.
 */
#include "workers.h"
#include "clock.h"
#include "common.h"
#include "hist.h"
#include "opts.h"
#include "pmu.h"
#include "topo.h"
#include "units.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PHASE_WARMUP (-1)
#define PHASE_STOP   WORKERS_INTERVALS

#define LAT_MAX_PS 100000000000000ull /* 100 s in ps: larger is overflow */

/* What every worker sees. */
struct shared {
	/* Read by every worker before every op; written 12 times a point. */
	alignas(64) _Atomic int phase; /* PHASE_WARMUP, 0..WORKERS_INTERVALS-1, PHASE_STOP */

	/* The start gate and the coordinator's wake-up; never touched in the loop. */
	alignas(64) pthread_mutex_t lock;
	pthread_cond_t go_cond;	  /* workers wait for @go */
	pthread_cond_t wake_cond; /* the coordinator waits (CLOCK_MONOTONIC) */
	unsigned int ready;	  /* workers set up (or failed to) */
	bool go;
	bool failed; /* a worker's op() failed */

	struct vpb_env *env;
	const struct vpb_case *c;
	hwloc_topology_t topo;
};

/* One worker; its own cache lines (the array is 64-byte aligned). */
struct worker {
	alignas(64) uint64_t ops[WORKERS_INTERVALS];
	struct shared *sh;
	pthread_t th;
	unsigned int idx, cpu;
	int err;
	char why[224];
	struct hist lat; /* every WORKERS_LAT_EVERY-th op, in ps */
	json_t *counters;
};

/* The latest 1-thread rate per (case, device, variant, placement). */
struct t1_rate {
	const struct vpb_case *c;
	char bdf[16];
	char variant[32];
	char placement[272];
	double ops_per_s;
};
static struct t1_rate t1_rates[32];
static size_t t1_next;

static struct t1_rate *t1_find(const struct vpb_env *env, const struct vpb_case *c,
			       const char *placement)
{
	for (size_t i = 0; i < ARRAY_SIZE(t1_rates); i++) {
		struct t1_rate *r = &t1_rates[i];

		if (r->c == c && !strcmp(r->bdf, env->bdf ? env->bdf : "") &&
		    !strcmp(r->variant, env->variant ? env->variant : "") &&
		    !strcmp(r->placement, placement))
			return r;
	}
	return NULL;
}

static void t1_store(const struct vpb_env *env, const struct vpb_case *c, const char *placement,
		     double ops_per_s)
{
	struct t1_rate *r = t1_find(env, c, placement);

	if (!r) {
		r = &t1_rates[t1_next];
		t1_next = (t1_next + 1) % ARRAY_SIZE(t1_rates);
		r->c = c;
		snprintf(r->bdf, sizeof(r->bdf), "%s", env->bdf ? env->bdf : "");
		snprintf(r->variant, sizeof(r->variant), "%s", env->variant ? env->variant : "");
		snprintf(r->placement, sizeof(r->placement), "%s", placement);
	}
	r->ops_per_s = ops_per_s;
}

static void gate_signal_failed(struct shared *sh)
{
	pthread_mutex_lock(&sh->lock);
	sh->failed = true;
	pthread_cond_signal(&sh->wake_cond);
	pthread_mutex_unlock(&sh->lock);
}

/* The measured loop: count until PHASE_STOP. */
static void worker_loop(struct worker *w, void *state, struct pmu_set *ps)
{
	struct shared *sh = w->sh;
	int (*op)(void *) = sh->c->op;
	const struct vpb_clock *clk = sh->env->clock;
	uint64_t count = 0, base = 0;
	int seen = PHASE_WARMUP, ret;

	for (;;) {
		int p = atomic_load_explicit(&sh->phase, memory_order_relaxed);

		if (__builtin_expect(p != seen, 0)) {
			if (seen >= 0)
				w->ops[seen] = count - base;
			else if (ps)
				pmu_enable(ps); /* leaving the warm-up */
			base = count;
			seen = p;
			if (p >= PHASE_STOP)
				break;
		}
		if (__builtin_expect(
			    (count % WORKERS_LAT_EVERY) == WORKERS_LAT_EVERY - 1 && seen >= 0, 0)) {
			uint64_t t0 = clock_now_start();

			ret = op(state);
			uint64_t t1 = clock_now_stop();

			hist_add(&w->lat, (uint64_t)(clock_to_ns(clk, t1 - t0) * 1000.0 + 0.5));
		} else {
			ret = op(state);
		}
		if (__builtin_expect(ret != 0, 0)) {
			w->err = ret;
			snprintf(w->why, sizeof(w->why), "thread %u on cpu %u: op: %s", w->idx,
				 w->cpu, strerror(ret < 0 ? -ret : ret));
			gate_signal_failed(sh);
			break;
		}
		count++;
	}
	if (ps)
		pmu_disable(ps);
}

static json_t *thread_counters(struct pmu_set *ps, const char *note, uint64_t nops)
{
	struct pmu_value v[16];
	int n = pmu_read(ps, v, ARRAY_SIZE(v));
	json_t *j;

	if (n < 0)
		return json_sprintf("counters unreadable: %s", strerror(-n));
	j = json_object();
	for (int i = 0; i < n; i++)
		json_object_set_new(j, v[i].name,
				    json_pack("{s:f, s:f, s:f}", "per_op",
					      nops ? v[i].scaled / (double)nops : 0.0, "scaled",
					      v[i].scaled, "running_pct",
					      v[i].time_enabled
						      ? 100.0 * (double)v[i].time_running /
								(double)v[i].time_enabled
						      : 0.0));
	json_object_set_new(j, "_events", json_string(pmu_events(ps)));
	if (note[0])
		json_object_set_new(j, "_note", json_string(note));
	return j;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct pmu_set *ps = NULL;
	char note[256] = "";
	void *state = NULL;
	bool set_up = false;
	char err[200] = "";

	w->err = topo_bind_current_thread(sh->topo, w->cpu, err, sizeof(err));
	if (w->err) {
		snprintf(w->why, sizeof(w->why), "thread %u: %s", w->idx, err);
	} else if (sh->c->setup) {
		w->err = sh->c->setup(sh->env, &state, err, sizeof(err));
		if (w->err)
			snprintf(w->why, sizeof(w->why), "thread %u on cpu %u: %s", w->idx, w->cpu,
				 err[0] ? err : strerror(-w->err));
		set_up = !w->err;
	} else {
		set_up = true;
	}
	if (!w->err) {
		if (sh->env->opts->no_counters)
			w->counters = json_string("counters off (--no-counters)");
		else if (pmu_open_default(&ps, 0, note, sizeof(note)) < 0) {
			w->counters = json_string(note);
			ps = NULL;
		}
	}

	pthread_mutex_lock(&sh->lock);
	sh->ready++;
	pthread_cond_signal(&sh->wake_cond);
	while (!sh->go)
		pthread_cond_wait(&sh->go_cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);

	if (!w->err)
		worker_loop(w, state, ps);
	if (ps) {
		uint64_t nops = 0;

		for (int k = 0; k < WORKERS_INTERVALS; k++)
			nops += w->ops[k];
		if (!w->err)
			w->counters = thread_counters(ps, note, nops);
		pmu_close(ps);
	}
	if (set_up && sh->c->teardown)
		sh->c->teardown(state);
	return NULL;
}

/*
 * Sleep until @deadline (CLOCK_MONOTONIC ns) or a worker's failure.
 * Return: true if a worker failed.
 */
static bool sleep_until(struct shared *sh, uint64_t deadline)
{
	struct timespec ts = {(time_t)(deadline / 1000000000ull), (long)(deadline % 1000000000ull)};
	bool failed;

	pthread_mutex_lock(&sh->lock);
	while (!sh->failed && !vpb_stopped(sh->env))
		if (pthread_cond_timedwait(&sh->wake_cond, &sh->lock, &ts) == ETIMEDOUT)
			break;
	failed = sh->failed;
	pthread_mutex_unlock(&sh->lock);
	return failed;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int shared_init(struct shared *sh)
{
	pthread_condattr_t ca;
	int ret;

	ret = pthread_mutex_init(&sh->lock, NULL);
	if (ret)
		return -ret;
	pthread_cond_init(&sh->go_cond, NULL);
	pthread_condattr_init(&ca);
	ret = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(&sh->wake_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (ret) {
		pthread_cond_destroy(&sh->go_cond);
		pthread_mutex_destroy(&sh->lock);
		return -ret;
	}
	atomic_init(&sh->phase, PHASE_WARMUP);
	return 0;
}

static void shared_destroy(struct shared *sh)
{
	pthread_cond_destroy(&sh->wake_cond);
	pthread_cond_destroy(&sh->go_cond);
	pthread_mutex_destroy(&sh->lock);
}

/* The coordinator's part once every worker waits at the gate. */
static int coordinate(struct shared *sh, uint64_t t[WORKERS_INTERVALS + 1], bool run)
{
	const struct vpb_opts *o = sh->env->opts;
	uint64_t start, step = o->duration_ns / WORKERS_INTERVALS;
	bool failed = false;

	if (!run)
		atomic_store(&sh->phase, PHASE_STOP);
	pthread_mutex_lock(&sh->lock);
	sh->go = true;
	pthread_cond_broadcast(&sh->go_cond);
	pthread_mutex_unlock(&sh->lock);
	if (!run)
		return 0;

	failed = sleep_until(sh, mono_ns() + o->warmup_ns);
	start = mono_ns();
	for (int i = 0; i < WORKERS_INTERVALS && !failed && !vpb_stopped(sh->env); i++) {
		atomic_store(&sh->phase, i);
		t[i] = clock_mono_ns();
		failed = sleep_until(sh, start + (uint64_t)(i + 1) * step);
	}
	t[WORKERS_INTERVALS] = clock_mono_ns();
	atomic_store(&sh->phase, PHASE_STOP);
	if (failed)
		return -EIO; /* the worker's own error is reported */
	return vpb_stopped(sh->env) ? -EINTR : 0;
}

/* {p50_ns, p99_ns, sampled, every}; the quantiles are null when none was timed. */
static json_t *latency_json(const struct hist *h)
{
	uint64_t cnt = hist_count(h);

	return json_pack("{s:o, s:o, s:I, s:i}", "p50_ns",
			 cnt ? json_real((double)hist_quantile(h, 0.5) / 1000.0) : json_null(),
			 "p99_ns",
			 cnt ? json_real((double)hist_quantile(h, 0.99) / 1000.0) : json_null(),
			 "sampled", (json_int_t)cnt, "every", WORKERS_LAT_EVERY);
}

static json_t *point_json(struct vpb_env *env, const struct vpb_case *c,
			  const struct topo_policy *pol, const struct worker *w,
			  unsigned int nthreads, const uint64_t *t, const char *plan_note)
{
	json_t *jc = json_array(), *jo = json_array(), *jl = json_array(), *jk = json_array();
	double secs = (double)(t[WORKERS_INTERVALS] - t[0]) / 1e9, total = 0, rate;
	struct t1_rate *t1;
	json_t *pt;

	for (unsigned int i = 0; i < nthreads; i++) {
		uint64_t sum = 0;

		for (int k = 0; k < WORKERS_INTERVALS; k++)
			sum += w[i].ops[k];
		total += (double)sum;
		json_array_append_new(jc, json_integer(w[i].cpu));
		json_array_append_new(jo, json_real((double)sum / secs));
		json_array_append_new(jl, latency_json(&w[i].lat));
		json_array_append(jk, w[i].counters ? w[i].counters : json_null());
	}
	rate = total / secs;
	pt = json_pack("{s:i, s:s, s:o, s:f, s:i, s:f, s:o, s:o, s:o}", "threads", (int)nthreads,
		       "placement", pol->name, "cpus", jc, "duration_s", secs, "intervals",
		       WORKERS_INTERVALS, "ops_per_s", rate, "thread_ops_per_s", jo, "latency", jl,
		       "counters", jk);
	if (!pt)
		return NULL;
	if (nthreads == 1)
		t1_store(env, c, pol->name, rate);
	t1 = t1_find(env, c, pol->name);
	if (t1 && t1->ops_per_s > 0)
		json_object_set_new(pt, "scaling_efficiency",
				    json_real(rate / (nthreads * t1->ops_per_s)));
	if (plan_note[0])
		json_object_set_new(pt, "placement_note", json_string(plan_note));
	return pt;
}

static int make_samples(const struct worker *w, unsigned int nthreads, const uint64_t *t,
			struct vpb_sample **samples, size_t *n)
{
	struct vpb_sample *s = calloc((size_t)nthreads * WORKERS_INTERVALS, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (unsigned int i = 0; i < nthreads; i++)
		for (int k = 0; k < WORKERS_INTERVALS; k++) {
			struct vpb_sample *p = &s[i * WORKERS_INTERVALS + k];
			uint64_t ops = w[i].ops[k];

			p->valid = ops > 0;
			p->value = ops ? (double)(t[k + 1] - t[k]) / (double)ops : 0;
			p->extra[0] = i;
			p->extra[1] = w[i].cpu;
			p->extra[2] = (double)ops;
			p->extra[3] = k;
			if (!ops)
				snprintf(p->why, sizeof(p->why), "no operation in the interval");
		}
	*samples = s;
	*n = (size_t)nthreads * WORKERS_INTERVALS;
	return 0;
}

int workers_measure(struct vpb_env *env, const struct vpb_case *c, unsigned int nthreads,
		    struct vpb_sample **samples, size_t *n, json_t **point, char *why, size_t len)
{
	struct shared *sh = NULL;
	struct topo_policy pol;
	struct worker *w = NULL;
	unsigned int *cpus = NULL, started = 0;
	uint64_t t[WORKERS_INTERVALS + 1] = {0};
	char plan_note[256] = "";
	int ret;

	*samples = NULL;
	*n = 0;
	*point = NULL;
	if (why && len)
		why[0] = '\0';
	if (!nthreads || nthreads > WORKERS_MAX_THREADS || !c->op) {
		snprintf(why, len, "%u threads: expected 1..%u and a case with an op", nthreads,
			 WORKERS_MAX_THREADS);
		return -EINVAL;
	}
	ret = topo_policy_parse(env->opts->placement, &pol, why, len);
	if (ret)
		return ret;
	if (pol.kind == TOPO_DEVICE_LOCAL && !env->bdf) {
		snprintf(why, len, "placement '%s' needs a device", pol.name);
		return -EINVAL;
	}
	if (posix_memalign((void **)&sh, 64, sizeof(*sh)))
		return -ENOMEM;
	memset(sh, 0, sizeof(*sh));
	sh->env = env;
	sh->c = c;
	ret = topo_init(&sh->topo, NULL, pol.kind == TOPO_DEVICE_LOCAL);
	if (ret) {
		snprintf(why, len, "hwloc cannot load this machine's topology: %s", strerror(-ret));
		free(sh);
		return ret;
	}
	cpus = calloc(nthreads, sizeof(*cpus));
	if (!cpus || posix_memalign((void **)&w, 64, nthreads * sizeof(*w))) {
		ret = -ENOMEM;
		goto out_topo;
	}
	memset(w, 0, nthreads * sizeof(*w));
	ret = topo_plan(sh->topo, &pol, env->bdf, nthreads, cpus, plan_note, sizeof(plan_note));
	if (ret) {
		snprintf(why, len, "%s", plan_note);
		goto out_topo;
	}
	for (unsigned int i = 0; i < nthreads; i++) {
		w[i].sh = sh;
		w[i].idx = i;
		w[i].cpu = cpus[i];
		ret = hist_init(&w[i].lat, LAT_MAX_PS);
		if (ret) {
			while (i--)
				hist_free(&w[i].lat);
			goto out_topo;
		}
	}
	ret = shared_init(sh);
	if (ret)
		goto out_hist;

	for (; started < nthreads; started++) {
		int err = pthread_create(&w[started].th, NULL, worker_main, &w[started]);

		if (err) {
			ret = -err;
			snprintf(why, len, "pthread_create for thread %u of %u: %s", started,
				 nthreads, strerror(err));
			break;
		}
	}
	/* The start gate: every started thread set up (or failed to). */
	pthread_mutex_lock(&sh->lock);
	while (sh->ready < started)
		pthread_cond_wait(&sh->wake_cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);
	for (unsigned int i = 0; i < started && !ret; i++)
		if (w[i].err) {
			ret = w[i].err;
			snprintf(why, len, "%s", w[i].why);
		}
	{
		int cret = coordinate(sh, t, !ret);

		for (unsigned int i = 0; i < started; i++)
			pthread_join(w[i].th, NULL);
		if (!ret && cret == -EINTR) {
			ret = cret;
			snprintf(why, len, "interrupted");
		}
	}
	for (unsigned int i = 0; i < started && !ret; i++)
		if (w[i].err) {
			ret = w[i].err;
			snprintf(why, len, "%s", w[i].why);
		}
	if (!ret) {
		ret = make_samples(w, nthreads, t, samples, n);
		if (!ret) {
			*point = point_json(env, c, &pol, w, nthreads, t, plan_note);
			if (!*point) {
				free(*samples);
				*samples = NULL;
				*n = 0;
				ret = -ENOMEM;
			}
		}
	}
	shared_destroy(sh);
out_hist:
	for (unsigned int i = 0; i < nthreads; i++) {
		hist_free(&w[i].lat);
		json_decref(w[i].counters);
	}
out_topo:
	free(w);
	free(cpus);
	hwloc_topology_destroy(sh->topo);
	free(sh);
	return ret;
}

int workers_thread_counts(const char *list, unsigned int npus, unsigned int *out, size_t max,
			  char *why, size_t len)
{
	size_t n = 0;
	const char *p;

	if (!list) {
		if (!npus)
			npus = 1;
		if (npus > WORKERS_MAX_THREADS)
			npus = WORKERS_MAX_THREADS;
		for (unsigned int t = 1; t < npus && n < max; t *= 2)
			out[n++] = t;
		if (n < max)
			out[n++] = npus;
		return (int)n;
	}
	p = list;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		char tok[32];
		uint64_t v;

		if (tl < sizeof(tok)) {
			memcpy(tok, p, tl);
			tok[tl] = '\0';
		}
		if (tl >= sizeof(tok) || units_parse_u64(tok, &v)) {
			snprintf(why, len,
				 "--threads '%s': '%.*s' is not a count; expected e.g. 1,2,4", list,
				 (int)(tl > 40 ? 40 : tl), p);
			return -EINVAL;
		}
		if (!v || v > WORKERS_MAX_THREADS) {
			snprintf(why, len, "--threads '%s': %llu is outside 1..%u", list,
				 (unsigned long long)v, WORKERS_MAX_THREADS);
			return -EINVAL;
		}
		if (n && v <= out[n - 1]) {
			snprintf(why, len, "--threads '%s': counts must increase (%llu after %u)",
				 list, (unsigned long long)v, out[n - 1]);
			return -EINVAL;
		}
		if (n >= max) {
			snprintf(why, len, "--threads '%s': more than %zu counts", list, max);
			return -EINVAL;
		}
		out[n++] = (unsigned int)v;
		if (!end)
			break;
		p = end + 1;
	}
	return (int)n;
}

int workers_placement_cpus(const char *synthetic, const char *placement, const char *bdf, char *why,
			   size_t len)
{
	struct topo_policy pol;
	hwloc_topology_t topo;
	unsigned int *cpus = NULL, lo, hi;
	int npus, ret;

	ret = topo_policy_parse(placement, &pol, why, len);
	if (ret)
		return ret;
	ret = topo_init(&topo, synthetic, pol.kind == TOPO_DEVICE_LOCAL);
	if (ret) {
		snprintf(why, len, "hwloc cannot load the topology: %s", strerror(-ret));
		return ret;
	}
	npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	if (npus < 1)
		npus = 1;
	cpus = calloc((size_t)npus, sizeof(*cpus));
	if (!cpus) {
		ret = -ENOMEM;
		goto out;
	}
	/* One thread must fit; then bisect: the largest n in [lo, hi] that fits. */
	ret = topo_plan(topo, &pol, bdf, 1, cpus, why, len);
	if (ret)
		goto out;
	lo = 1;
	hi = (unsigned int)npus;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo + 1) / 2;
		char err[256];

		ret = topo_plan(topo, &pol, bdf, mid, cpus, err, sizeof(err));
		if (ret == -ERANGE) {
			hi = mid - 1;
		} else if (ret) {
			snprintf(why, len, "%s", err);
			goto out;
		} else {
			lo = mid;
		}
	}
	ret = (int)lo;
	if (why && len)
		why[0] = '\0';
out:
	free(cpus);
	hwloc_topology_destroy(topo);
	return ret;
}

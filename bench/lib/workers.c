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
#include "runner.h"
#include "topo.h"
#include "units.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Phases the coordinator steps through; workers read it every 16 ops. */
#define PHASE_WARMUP (-1)

struct shared {
	struct vpb_env *env;
	const struct vpb_case *c;
	hwloc_topology_t topo;
	pthread_barrier_t ready;
	_Atomic int phase; /* PHASE_WARMUP, 0..WORKERS_INTERVALS-1, then stop */
};

struct worker {
	struct shared *sh;
	pthread_t th;
	unsigned int idx, cpu;
	int err;
	char why[200];
	uint64_t ops[WORKERS_INTERVALS];
	struct hist lat; /* every 64th operation, in ps */
	json_t *counters;
} __attribute__((aligned(64)));

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) && errno == EINTR && !runner_stop)
		;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct pmu_set *ps = NULL;
	char note[256];
	void *state = NULL;
	uint64_t count = 0, base = 0;
	int seen = PHASE_WARMUP;

	w->err = topo_bind_current_thread(sh->topo, w->cpu, w->why, sizeof(w->why));
	if (!w->err && sh->c->setup)
		w->err = sh->c->setup(sh->env, &state, w->why, sizeof(w->why));
	if (!w->err && !sh->env->opts->no_counters) {
		if (pmu_open_default(&ps, 0, note, sizeof(note)) < 0)
			ps = NULL;
		w->counters = ps ? NULL : json_string(note);
	}
	pthread_barrier_wait(&sh->ready); /* every thread set up */
	pthread_barrier_wait(&sh->ready); /* go */
	if (w->err)
		goto out;
	for (;;) {
		if ((count & 15) == 0) {
			int p = atomic_load_explicit(&sh->phase, memory_order_relaxed);

			if (p != seen) {
				if (seen >= 0)
					w->ops[seen] = count - base;
				else if (ps)
					pmu_enable(ps);
				base = count;
				seen = p;
				if (p >= WORKERS_INTERVALS)
					break;
			}
		}
		if ((count & 63) == 0 && seen >= 0) {
			uint64_t t0 = clock_now_start();

			w->err = sh->c->op(state);
			hist_add(&w->lat, (uint64_t)(clock_to_ns(sh->env->clock, clock_now_stop() - t0) *
						     1000.0));
		} else {
			w->err = sh->c->op(state);
		}
		if (w->err) {
			snprintf(w->why, sizeof(w->why), "thread %u: op: %s", w->idx,
				 strerror(-w->err));
			break;
		}
		count++;
	}
	if (ps) {
		struct pmu_value v[8];
		int n;

		pmu_disable(ps);
		n = pmu_read(ps, v, ARRAY_SIZE(v));
		w->counters = json_object();
		for (int i = 0; i < n; i++)
			json_object_set_new(w->counters, v[i].name, json_real(v[i].scaled));
	}
out:
	if (ps)
		pmu_close(ps);
	if (state && sh->c->teardown)
		sh->c->teardown(state);
	return NULL;
}

int workers_measure(struct vpb_env *env, const struct vpb_case *c, unsigned int nthreads,
		    struct vpb_sample **samples, size_t *n, json_t **point, char *why, size_t len)
{
	const struct vpb_opts *o = env->opts;
	struct shared sh = { .env = env, .c = c };
	struct topo_policy pol;
	struct worker *w = NULL;
	unsigned int *cpus = NULL;
	uint64_t t[WORKERS_INTERVALS + 1];
	unsigned int started = 0;
	int ret;

	*samples = NULL;
	*n = 0;
	*point = NULL;
	ret = topo_policy_parse(o->placement, &pol, why, len);
	if (ret)
		return ret;
	ret = topo_init(&sh.topo, NULL, pol.kind == TOPO_DEVICE_LOCAL);
	if (ret) {
		snprintf(why, len, "hwloc cannot load this machine's topology");
		return ret;
	}
	cpus = calloc(nthreads, sizeof(*cpus));
	w = aligned_alloc(64, nthreads * sizeof(*w));
	if (!cpus || !w) {
		ret = -ENOMEM;
		goto out;
	}
	memset(w, 0, nthreads * sizeof(*w));
	ret = topo_plan(sh.topo, &pol, env->bdf, nthreads, cpus, why, len);
	if (ret)
		goto out;
	atomic_store(&sh.phase, PHASE_WARMUP);
	pthread_barrier_init(&sh.ready, NULL, nthreads + 1);
	for (; started < nthreads; started++) {
		w[started].sh = &sh;
		w[started].idx = started;
		w[started].cpu = cpus[started];
		hist_init(&w[started].lat, 100000000000ull);
		if (pthread_create(&w[started].th, NULL, worker_main, &w[started])) {
			ret = -EAGAIN;
			snprintf(why, len, "pthread_create failed");
			break;
		}
	}
	if (started < nthreads) {
		/* The barrier waits for nthreads + 1: release the started ones. */
		pthread_barrier_destroy(&sh.ready);
		abort();
	}
	pthread_barrier_wait(&sh.ready);
	for (unsigned int i = 0; i < nthreads; i++)
		if (w[i].err) {
			ret = w[i].err;
			snprintf(why, len, "thread %u on cpu %u: %s", i, w[i].cpu, w[i].why);
			atomic_store(&sh.phase, WORKERS_INTERVALS);
			break;
		}
	pthread_barrier_wait(&sh.ready);
	if (!ret) {
		sleep_ns(o->warmup_ns);
		t[0] = clock_mono_ns();
		for (int i = 0; i < WORKERS_INTERVALS; i++) {
			atomic_store(&sh.phase, i);
			if (i == 0)
				t[0] = clock_mono_ns();
			sleep_ns(o->duration_ns / WORKERS_INTERVALS);
			t[i + 1] = clock_mono_ns();
		}
		atomic_store(&sh.phase, WORKERS_INTERVALS);
	}
	for (unsigned int i = 0; i < nthreads; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&sh.ready);
	for (unsigned int i = 0; i < nthreads && !ret; i++)
		if (w[i].err) {
			ret = w[i].err;
			snprintf(why, len, "%s", w[i].why);
		}
	if (!ret) {
		json_t *jc = json_array(), *jo = json_array(), *jl = json_array(),
		       *jk = json_array();
		double total = 0, secs = (t[WORKERS_INTERVALS] - t[0]) / 1e9;

		*samples = calloc((size_t)nthreads * WORKERS_INTERVALS, sizeof(**samples));
		if (!*samples) {
			ret = -ENOMEM;
			goto out;
		}
		for (unsigned int i = 0; i < nthreads; i++) {
			uint64_t sum = 0;

			for (int k = 0; k < WORKERS_INTERVALS; k++) {
				struct vpb_sample *s = &(*samples)[(*n)++];
				uint64_t ops = w[i].ops[k];

				sum += ops;
				s->valid = ops > 0;
				s->value = ops ? (double)(t[k + 1] - t[k]) / (double)ops : 0;
				s->extra[0] = i;
				s->extra[1] = w[i].cpu;
				s->extra[2] = (double)ops;
				if (!ops)
					snprintf(s->why, sizeof(s->why), "no operation in the interval");
			}
			total += (double)sum;
			json_array_append_new(jc, json_integer(w[i].cpu));
			json_array_append_new(jo, json_real((double)sum / secs));
			json_array_append_new(
				jl, json_pack("{s:f, s:f, s:I}", "p50_ns",
					      hist_quantile(&w[i].lat, 0.5) / 1000.0, "p99_ns",
					      hist_quantile(&w[i].lat, 0.99) / 1000.0, "sampled",
					      (json_int_t)hist_count(&w[i].lat)));
			json_array_append(jk, w[i].counters ? w[i].counters : json_null());
		}
		*point = json_pack("{s:i, s:s, s:o, s:f, s:o, s:o, s:o, s:f}", "threads", nthreads,
				   "placement", pol.name, "cpus", jc, "ops_per_s", total / secs,
				   "thread_ops_per_s", jo, "latency", jl, "counters", jk,
				   "duration_s", secs);
	}
out:
	if (w)
		for (unsigned int i = 0; i < started; i++) {
			hist_free(&w[i].lat);
			json_decref(w[i].counters);
		}
	free(w);
	free(cpus);
	hwloc_topology_destroy(sh.topo);
	return ret;
}

int workers_thread_counts(const char *list, unsigned int npus, unsigned int *out, size_t max,
			  char *why, size_t len)
{
	size_t n = 0;

	if (!list) {
		for (unsigned int t = 1; t < npus && n < max; t *= 2)
			out[n++] = t;
		if (n < max)
			out[n++] = npus ? npus : 1;
		return (int)n;
	}
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (units_parse_u64(tok, &v) || !v || v > 4096 || n >= max) {
			snprintf(why, len, "--threads '%s': expected a list of counts like 1,2,4",
				 list);
			free(copy);
			return -EINVAL;
		}
		out[n++] = (unsigned int)v;
	}
	free(copy);
	if (!n) {
		snprintf(why, len, "--threads '%s': empty list", list);
		return -EINVAL;
	}
	return (int)n;
}

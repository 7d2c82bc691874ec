// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bench/lib/workers.c: thread-count lists and sweeps, the
 * CPUs a placement offers, and workers_measure() with a dummy case (no
 * device) whose op counts per thread. Durations are tiny (tens of ms):
 * these tests check correctness, not speed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "opts.h"
#include "suite.h"
#include "topo.h"
#include "workers.h"

/* ---- workers_thread_counts() ----------------------------------------- */

static void expect_counts(const char *list, unsigned int npus, size_t max, const unsigned int *want,
			  int nwant)
{
	unsigned int got[64];
	char why[256] = "";
	int n;

	assert_true(max <= 64);
	n = workers_thread_counts(list, npus, got, max, why, sizeof(why));
	if (n != nwant)
		fail_msg("'%s' npus %u: %d counts (%s), expected %d", list ? list : "(default)",
			 npus, n, why, nwant);
	for (int i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("'%s' npus %u: count %d is %u, expected %u",
				 list ? list : "(default)", npus, i, got[i], want[i]);
}

static void test_counts_default(void **state)
{
	(void)state;
	expect_counts(NULL, 12, 32, (const unsigned int[]){1, 2, 4, 8, 12}, 5);
	expect_counts(NULL, 8, 32, (const unsigned int[]){1, 2, 4, 8}, 4);
	expect_counts(NULL, 2, 32, (const unsigned int[]){1, 2}, 2);
	expect_counts(NULL, 3, 32, (const unsigned int[]){1, 2, 3}, 3);
	expect_counts(NULL, 1, 32, (const unsigned int[]){1}, 1);
	expect_counts(NULL, 0, 32, (const unsigned int[]){1}, 1);
	expect_counts(NULL, 256, 32, (const unsigned int[]){1, 2, 4, 8, 16, 32, 64, 128, 256}, 9);
	expect_counts(NULL, 96, 32, (const unsigned int[]){1, 2, 4, 8, 16, 32, 64, 96}, 8);
	/* cut at max */
	expect_counts(NULL, 12, 2, (const unsigned int[]){1, 2}, 2);
}

static void test_counts_list(void **state)
{
	(void)state;
	expect_counts("1,2,4", 2, 32, (const unsigned int[]){1, 2, 4}, 3);
	expect_counts("3", 2, 32, (const unsigned int[]){3}, 1);
	expect_counts(" 1, 6 ,24", 2, 32, (const unsigned int[]){1, 6, 24}, 3);
	expect_counts("1,4096", 2, 32, (const unsigned int[]){1, 4096}, 2);
	expect_counts("1,2,3", 2, 3, (const unsigned int[]){1, 2, 3}, 3);
}

static void expect_bad(const char *list, size_t max, const char *needle)
{
	unsigned int got[64];
	char why[256] = "";
	int n = workers_thread_counts(list, 8, got, max, why, sizeof(why));

	if (n != -EINVAL)
		fail_msg("'%s': %d, expected -EINVAL", list, n);
	if (!strstr(why, needle))
		fail_msg("'%s': message '%s' lacks '%s'", list, why, needle);
	if (!strstr(why, "--threads"))
		fail_msg("'%s': message '%s' does not name --threads", list, why);
}

static void test_counts_bad(void **state)
{
	(void)state;
	expect_bad("", 32, "is not a count");
	expect_bad(",", 32, "is not a count");
	expect_bad("1,,2", 32, "is not a count");
	expect_bad("1,2,", 32, "is not a count");
	expect_bad(",1", 32, "is not a count");
	expect_bad("a", 32, "'a' is not a count");
	expect_bad("1.5", 32, "'1.5' is not a count");
	expect_bad("-1", 32, "is not a count");
	expect_bad("+2", 32, "is not a count");
	expect_bad("4k", 32, "is not a count");
	expect_bad("1 2", 32, "is not a count");
	expect_bad("99999999999999999999999", 32, "is not a count");
	expect_bad("0", 32, "0 is outside 1..4096");
	expect_bad("1,4097", 32, "4097 is outside 1..4096");
	expect_bad("2,1", 32, "counts must increase (1 after 2)");
	expect_bad("1,2,2", 32, "counts must increase (2 after 2)");
	expect_bad("1,2,3", 2, "more than 2 counts");
}

/* ---- workers_placement_cpus() ---------------------------------------- */

static void test_placement_cpus(void **state)
{
	const char *syn = "pack:2 core:4 pu:2"; /* 16 PUs, 8 cores, 2 packages */
	char why[256];

	(void)state;
	assert_int_equal(workers_placement_cpus(syn, "compact", NULL, why, sizeof(why)), 16);
	assert_int_equal(workers_placement_cpus(syn, "scatter", NULL, why, sizeof(why)), 16);
	assert_int_equal(workers_placement_cpus(syn, "pu", NULL, why, sizeof(why)), 16);
	assert_int_equal(workers_placement_cpus(syn, "core", NULL, why, sizeof(why)), 8);
	assert_int_equal(workers_placement_cpus(syn, "package", NULL, why, sizeof(why)), 2);
	assert_int_equal(workers_placement_cpus(syn, "cpuset:0", NULL, why, sizeof(why)), 1);
	assert_int_equal(workers_placement_cpus(syn, "cpuset:1-3,9", NULL, why, sizeof(why)), 4);
	assert_int_equal(workers_placement_cpus(syn, "bogus", NULL, why, sizeof(why)), -EINVAL);
	assert_true(why[0] != '\0');
	why[0] = '\0';
	assert_int_equal(workers_placement_cpus(syn, "cpuset:99", NULL, why, sizeof(why)), -EINVAL);
	assert_true(why[0] != '\0');
	/* device-local needs a device */
	assert_true(workers_placement_cpus(syn, "device-local", NULL, why, sizeof(why)) < 0);
	/* this machine: at least one PU, cpuset:0 exactly one */
	assert_true(workers_placement_cpus(NULL, "compact", NULL, why, sizeof(why)) >= 1);
	assert_int_equal(workers_placement_cpus(NULL, "cpuset:0", NULL, why, sizeof(why)), 1);
}

/* ---- workers_measure() with a dummy case ----------------------------- */

struct dummy {
	uint64_t count; /* every op, warm-up included */
	unsigned int serial;
	int cpu;	/* where setup ran: the thread is bound before it */
	int fail_after; /* op returns -EIO after this many calls; 0 = never */
};

#define MAXT 8
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dummy *reg[MAXT];
#define MAXCPU 1024
static uint64_t count_by_cpu[MAXCPU]; /* the op count of the thread on each cpu */
static unsigned int nsetup, nteardown;
static int setup_fail_at;  /* the setup call (1-based) that returns -ENOTSUP; 0 = none */
static int op_fail_serial; /* the thread (setup serial, 1-based) whose op fails; 0 = none */

static void reg_reset(void)
{
	memset(reg, 0, sizeof(reg));
	memset(count_by_cpu, 0, sizeof(count_by_cpu));
	nsetup = nteardown = 0;
	setup_fail_at = 0;
	op_fail_serial = 0;
}

static int dummy_setup(struct vpb_env *env, void **state, char *why, size_t len)
{
	struct dummy *d;
	int ret = 0;

	assert_null(env->dev);
	pthread_mutex_lock(&reg_lock);
	nsetup++;
	if ((int)nsetup == setup_fail_at) {
		snprintf(why, len, "dummy has no such feature");
		ret = -ENOTSUP;
	}
	pthread_mutex_unlock(&reg_lock);
	if (ret)
		return ret;
	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	d->cpu = sched_getcpu();
	assert_true(d->cpu >= 0 && d->cpu < MAXCPU);
	pthread_mutex_lock(&reg_lock);
	d->serial = nsetup;
	if ((int)d->serial == op_fail_serial)
		d->fail_after = 100;
	assert_true(d->serial <= MAXT);
	reg[d->serial - 1] = d;
	pthread_mutex_unlock(&reg_lock);
	*state = d;
	return 0;
}

static int dummy_op(void *state)
{
	struct dummy *d = state;

	d->count++;
	if (d->fail_after && d->count > (uint64_t)d->fail_after)
		return -EIO;
	return 0;
}

static void dummy_teardown(void *state)
{
	struct dummy *d = state;

	pthread_mutex_lock(&reg_lock);
	nteardown++;
	count_by_cpu[d->cpu] = d->count;
	reg[d->serial - 1] = NULL;
	pthread_mutex_unlock(&reg_lock);
	free(d);
}

static const struct vpb_case dummy_case = {
	.name = "dummy",
	.help = "counts",
	.threaded = true,
	.batch = 1,
	.extra = {"thread", "cpu", "ops", "interval", NULL},
	.setup = dummy_setup,
	.op = dummy_op,
	.teardown = dummy_teardown,
};

static struct vpb_opts opts;
static struct vpb_clock clk;
static struct vpb_env env;

static void env_init(const char *placement, uint64_t duration_ns)
{
	opts_defaults(&opts);
	opts.placement = placement;
	opts.warmup_ns = 5000000ull; /* 5 ms */
	opts.duration_ns = duration_ns;
	assert_int_equal(clock_init(&clk, "auto"), 0);
	memset(&env, 0, sizeof(env));
	env.opts = &opts;
	env.variant = "test";
	env.clock = &clk;
}

static unsigned int machine_pus(void)
{
	char why[256];
	int n = workers_placement_cpus(NULL, "compact", NULL, why, sizeof(why));

	assert_true(n >= 1);
	return (unsigned int)n;
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		fail_msg("point: '%s' is not a number", key);
	return json_number_value(v);
}

static json_t *arr(json_t *o, const char *key, size_t n)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_array(v) || json_array_size(v) != n)
		fail_msg("point: '%s' is not an array of %zu", key, n);
	return v;
}

/* Measure @t threads; check everything that does not depend on speed. */
static json_t *measure_and_check(unsigned int t)
{
	struct vpb_sample *s = NULL;
	json_t *pt = NULL, *cpus, *tops, *lat, *ctr;
	char why[256] = "";
	size_t n = 0;
	double sum_rate = 0, secs;
	int ret;

	reg_reset();
	ret = workers_measure(&env, &dummy_case, t, &s, &n, &pt, why, sizeof(why));
	if (ret)
		fail_msg("%u threads: %d %s", t, ret, why);
	assert_non_null(s);
	assert_non_null(pt);
	/* one sample per thread and interval; setup and teardown once per thread */
	assert_int_equal(n, (size_t)t * WORKERS_INTERVALS);
	assert_int_equal(nsetup, t);
	assert_int_equal(nteardown, t);

	assert_int_equal(json_integer_value(json_object_get(pt, "threads")), t);
	assert_string_equal(json_string_value(json_object_get(pt, "placement")), "compact");
	assert_int_equal(json_integer_value(json_object_get(pt, "intervals")), WORKERS_INTERVALS);
	cpus = arr(pt, "cpus", t);
	tops = arr(pt, "thread_ops_per_s", t);
	lat = arr(pt, "latency", t);
	ctr = arr(pt, "counters", t);
	secs = num(pt, "duration_s");
	/* the coordinator sleeps to absolute deadlines: never shorter */
	assert_true(secs >= 0.9 * (double)opts.duration_ns / 1e9);

	for (unsigned int i = 0; i < t; i++) {
		json_t *l = json_array_get(lat, i), *c = json_array_get(ctr, i);
		double ops = 0, ns = 0;
		bool all_valid = true;

		/* compact on this machine: thread i on the i-th PU */
		assert_true(json_is_integer(json_array_get(cpus, i)));
		for (unsigned int k = 0; k < WORKERS_INTERVALS; k++) {
			const struct vpb_sample *p = &s[i * WORKERS_INTERVALS + k];

			assert_int_equal((int)p->extra[0], (int)i);
			assert_int_equal((int)p->extra[1],
					 (int)json_integer_value(json_array_get(cpus, i)));
			assert_int_equal((int)p->extra[3], (int)k);
			assert_int_equal(p->valid, p->extra[2] > 0);
			if (!p->valid)
				assert_string_equal(p->why, "no operation in the interval");
			ops += p->extra[2];
			ns += p->value * p->extra[2];
			all_valid &= p->valid;
		}
		/* every thread ran on its cpu (setup ran there, after the binding):
		 * its op counted (warm-up included) at least the measured operations */
		{
			json_int_t cpu = json_integer_value(json_array_get(cpus, i));

			assert_true(cpu >= 0 && cpu < MAXCPU);
			assert_true(count_by_cpu[cpu] > 0);
			assert_true((double)count_by_cpu[cpu] >= ops);
		}
		/* thread_ops_per_s = the thread's measured ops / duration_s */
		assert_true(fabs(json_number_value(json_array_get(tops, i)) - ops / secs) <=
			    1e-9 * (ops / secs) + 1e-9);
		/* value x ops over the intervals = the measured duration */
		if (all_valid)
			assert_true(fabs(ns - secs * 1e9) <= 1e-6 * secs * 1e9);
		sum_rate += json_number_value(json_array_get(tops, i));

		assert_true(json_is_object(l));
		assert_int_equal(json_integer_value(json_object_get(l, "every")),
				 WORKERS_LAT_EVERY);
		assert_non_null(json_object_get(l, "p50_ns"));
		assert_non_null(json_object_get(l, "p99_ns"));
		/* one op in 64 is timed: at most ops/64 + 1 of them */
		assert_true((double)json_integer_value(json_object_get(l, "sampled")) <=
			    ops / WORKERS_LAT_EVERY + 1);
		if (json_integer_value(json_object_get(l, "sampled")) > 0)
			assert_true(num(l, "p50_ns") <= num(l, "p99_ns"));
		/* counters: an object with _events, or a string saying why none */
		if (json_is_object(c))
			assert_true(json_is_string(json_object_get(c, "_events")));
		else
			assert_true(json_is_string(c) && json_string_length(c) > 0);
	}
	assert_true(fabs(num(pt, "ops_per_s") - sum_rate) <= 1e-9 * sum_rate + 1e-9);
	if (getenv("VPB_TEST_VERBOSE")) /* to look at a point */
		json_dumpf(pt, stderr, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
	free(s);
	return pt;
}

static void test_measure(void **state)
{
	unsigned int t2 = machine_pus() >= 2 ? 2 : 1;
	json_t *p1, *p2;
	double eff;

	(void)state;
	env_init("compact", 40000000ull); /* 40 ms */
	p1 = measure_and_check(1);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(p1, "cpus"), 0)),
			 0); /* compact: PU 0 first */
	p2 = measure_and_check(t2);
	if (num(p1, "ops_per_s") > 0) {
		/* the 1-thread point is its own reference */
		eff = num(p1, "scaling_efficiency");
		assert_true(fabs(eff - 1.0) < 1e-12);
		/* efficiency = ops_per_s / (T x the 1-thread rate), computed by hand */
		eff = num(p2, "scaling_efficiency");
		assert_true(fabs(eff - num(p2, "ops_per_s") / (t2 * num(p1, "ops_per_s"))) <=
			    1e-12 * eff);
	} else {
		/* a loaded machine can leave the thread no time in 40 ms: no
		 * reference, and no efficiency computed against a zero rate */
		assert_null(json_object_get(p1, "scaling_efficiency"));
		assert_null(json_object_get(p2, "scaling_efficiency"));
	}
	json_decref(p1);
	json_decref(p2);

	/* another variant has no 1-thread reference yet */
	env.variant = "other";
	reg_reset();
	{
		struct vpb_sample *s;
		json_t *pt;
		size_t n;
		char why[256];

		assert_int_equal(
			workers_measure(&env, &dummy_case, t2, &s, &n, &pt, why, sizeof(why)), 0);
		assert_null(json_object_get(pt, "scaling_efficiency"));
		json_decref(pt);
		free(s);
	}
}

static void test_no_counters(void **state)
{
	json_t *pt;

	(void)state;
	env_init("compact", 20000000ull);
	opts.no_counters = true;
	pt = measure_and_check(1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(pt, "counters"), 0)),
			    "counters off (--no-counters)");
	json_decref(pt);
}

static void expect_fail(unsigned int t, int want, const char *needle)
{
	struct vpb_sample *s = (void *)1;
	json_t *pt = (void *)1;
	char why[256] = "";
	size_t n = 99;
	int ret = workers_measure(&env, &dummy_case, t, &s, &n, &pt, why, sizeof(why));

	if (ret != want)
		fail_msg("%u threads, placement %s: %d (%s), expected %d", t, opts.placement, ret,
			 why, want);
	if (!strstr(why, needle))
		fail_msg("message '%s' lacks '%s'", why, needle);
	assert_null(s);
	assert_null(pt);
	assert_int_equal(n, 0);
}

static void test_too_many_threads(void **state)
{
	(void)state;
	env_init("cpuset:0", 20000000ull);
	reg_reset();
	expect_fail(2, -ERANGE, "placement 'cpuset:0' offers 1 CPU, 2 threads asked");
	assert_int_equal(nsetup, 0); /* nothing started */
	env_init("compact", 20000000ull);
	expect_fail(machine_pus() + 1, -ERANGE, "threads asked");
	assert_int_equal(nsetup, 0);
}

static void test_bad_args(void **state)
{
	(void)state;
	env_init("nowhere", 20000000ull);
	expect_fail(1, -EINVAL, "nowhere");
	env_init("device-local", 20000000ull); /* no device */
	reg_reset();
	assert_int_equal(workers_measure(&env, &dummy_case, 1, &(struct vpb_sample *){NULL},
					 &(size_t){0}, &(json_t *){NULL}, (char[256]){0}, 256),
			 -EINVAL);
	env_init("compact", 20000000ull);
	expect_fail(0, -EINVAL, "0 threads");
	assert_int_equal(nsetup, 0);
}

static void test_setup_skips(void **state)
{
	unsigned int t = machine_pus() >= 2 ? 2 : 1;

	(void)state;
	env_init("compact", 20000000ull);
	reg_reset();
	setup_fail_at = (int)t; /* the last thread's setup */
	expect_fail(t, -ENOTSUP, "dummy has no such feature");
	assert_int_equal(nsetup, t);
	assert_int_equal(nteardown, t - 1); /* only the ones set up */
}

static void test_op_fails(void **state)
{
	unsigned int t = machine_pus() >= 2 ? 2 : 1;
	struct timespec a, b;
	double secs;

	(void)state;
	env_init("compact", 3000000000ull); /* 3 s, cut short by the failure */
	reg_reset();
	op_fail_serial = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	expect_fail(t, -EIO, "op: Input/output error");
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	/* the coordinator woke on the failure instead of sleeping 3 s */
	if (secs > 2.0)
		fail_msg("an op failure took %.2f s to stop the point", secs);
	assert_int_equal(nteardown, t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_default),	 cmocka_unit_test(test_counts_list),
		cmocka_unit_test(test_counts_bad),	 cmocka_unit_test(test_placement_cpus),
		cmocka_unit_test(test_measure),		 cmocka_unit_test(test_no_counters),
		cmocka_unit_test(test_too_many_threads), cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_setup_skips),	 cmocka_unit_test(test_op_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

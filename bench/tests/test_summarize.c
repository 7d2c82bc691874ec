// SPDX-License-Identifier: GPL-2.0
/*
 * test_summarize.c - a deferred summary is the summary: a synthetic run (a
 * loop case with a control, counters and overhead; a cycle case with
 * states, entry_ms, invalid cycles with their reasons and unmeasured
 * extras; a variant without a valid sample; a case skipped; a threaded
 * point with its point_info; skipped and failed notes) written directly by
 * write_outputs() and, through series.raw.json, by runner_summarize() gives
 * byte-identical files; and read_raw() gives back every field written,
 * doubles to the bit (NaN, infinities, -0.0, denormals, random patterns).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "runner.h"
#include "runner_int.h"
#include "scratch.h"

#define ROUNDS 6 /* the round-level interval needs 6 */

static char tmpdir[] = "/tmp/vpb-summarize-XXXXXX";
static const char *const variants[] = {"no-get", "upstream"};

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static struct series *add(struct run *r, const char *suite, const char *name, const char *dev,
			  const char *variant, unsigned int round, size_t n)
{
	struct series *se = new_series(r);

	assert_non_null(se);
	se->suite = vpb_suite_find(suite);
	assert_non_null(se->suite);
	for (size_t i = 0; i < se->suite->ncases; i++)
		if (!strcmp(se->suite->cases[i].name, name))
			se->c = &se->suite->cases[i];
	assert_non_null(se->c);
	snprintf(se->device, sizeof(se->device), "%s", dev);
	snprintf(se->variant, sizeof(se->variant), "%s", variant);
	se->round = round;
	se->batch = se->c->batch ? se->c->batch : 16;
	se->segment = r->nseries;
	se->overhead_ns = 1.875 + round / 7.0;
	se->n = n;
	se->s = n ? calloc(n, sizeof(*se->s)) : NULL;
	for (size_t i = 0; i < n; i++)
		se->s[i].valid = true;
	return se;
}

static void make_run(struct run *r, struct vpb_opts *o)
{
	memset(r, 0, sizeof(*r));
	opts_defaults(o);
	o->rounds = ROUNDS;
	o->seed = 12345;
	o->keep_samples = true;
	o->clock_label = "icount";
	r->o = o;
	snprintf(r->run_id, sizeof(r->run_id), "20261205T000000Z-test");
	snprintf(r->slug, sizeof(r->slug), "test-platform");
	r->skipped = json_pack("[{s:s, s:s}]", "suite", "null", "reason", "a note, \"quoted\"");
	r->failed = json_pack("[{s:s, s:i, s:s}]", "variant", "upstream", "round", 2, "reason",
			      "did not load");
	for (unsigned int round = 1; round <= ROUNDS; round++)
		for (size_t v = 0; v < 2; v++) {
			struct series *se;

			/* a loop case timed beside its control, with counters */
			se = add(r, "ioctl", "get-info", "0000:01:00.0", variants[v], round, 40);
			for (size_t i = 0; i < se->n; i++) {
				se->s[i].value = 552.875 + 152.0 * v + (i % 7 ? 0 : 0.0625) +
						 (i % 13 ? 0 : uniform() / 3);
				se->s[i].extra[0] = 400.0 + (i % 5) / 3.0;
			}
			se->counters =
				json_pack("{s:{s:f, s:f, s:f}, s:s}", "perf::task-clock", "per_op",
					  1 / 3.0, "scaled", 12345.678, "running_pct", 99.5,
					  "_events", "perf::task-clock");
			/* a cycle case: states, entry latency, invalid cycles */
			se = add(r, "d3cold", "exit", "0000:00:03.0", variants[v], round, 12);
			se->counters = json_string("counters off (--no-counters)");
			for (size_t i = 0; i < se->n; i++) {
				struct vpb_sample *s = &se->s[i];

				s->value = 11e6 + 1e4 * uniform() + 1e3 * v;
				snprintf(s->state, sizeof(s->state), "D3cold");
				s->extra[0] = 11.88 + 0.01 * (double)(i % 3);
				s->extra[1] = i == 3 ? -0.0 : 0.037 * (double)i;
				for (size_t e = 2; e < 8; e++)
					s->extra[e] = -1;
				if (i == 5)
					s->extra[2] = NAN;
				if (i == 4 || (v && i == 7)) {
					s->valid = false;
					snprintf(s->state, sizeof(s->state), "D3hot");
					snprintf(s->why, sizeof(s->why),
						 "not in D3cold, \"quoted\"");
				}
			}
			/* upstream: no valid sample at all */
			se = add(r, "null", "empty", "", variants[v], round, 20);
			for (size_t i = 0; i < se->n; i++) {
				se->s[i].value = 1.8125 + (i % 3) * 0.0625;
				se->s[i].valid = !v;
				if (v)
					snprintf(se->s[i].why, sizeof(se->s[i].why),
						 "op: Input/output error");
			}
			/* skipped where it cannot run: a series without samples */
			if (v)
				add(r, "ioctl", "feature-probe", "0000:01:00.0", variants[v], round,
				    0);
			/* a threaded point */
			se = add(r, "contention", "shared-fd", "0000:01:00.0", variants[v], round,
				 8);
			snprintf(se->point, sizeof(se->point), "t2");
			se->point_info =
				json_pack("{s:i, s:s, s:[i, i], s:f}", "threads", 2, "placement",
					  "compact", "cpus", 0, 1, "ops_per_s", 1.2345e6 / 3);
			for (size_t i = 0; i < se->n; i++) {
				se->s[i].value = 700 + 50 * uniform();
				se->s[i].extra[0] = (double)(i % 2);
				se->s[i].extra[1] = (double)(i % 2);
				se->s[i].extra[2] = 1000 + (double)i;
				se->s[i].extra[3] = (double)(i / 2);
			}
		}
}

static void free_run(struct run *r)
{
	for (size_t i = 0; i < r->nseries; i++) {
		free(r->series[i].s);
		json_decref(r->series[i].counters);
		json_decref(r->series[i].point_info);
	}
	free(r->series);
	json_decref(r->skipped);
	json_decref(r->failed);
}

static void test_same_files(void **state)
{
	char a[256], b[256], path[600];
	struct vpb_opts o;
	struct run r;
	struct dirent *de;
	size_t files = 0, nb = 0;
	json_t *run;
	DIR *d;

	(void)state;
	make_run(&r, &o);
	snprintf(a, sizeof(a), "%s/direct", tmpdir);
	snprintf(b, sizeof(b), "%s/deferred", tmpdir);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);

	snprintf(r.dir, sizeof(r.dir), "%s", a);
	assert_int_equal(write_outputs(&r, variants, 2), 0);
	snprintf(r.dir, sizeof(r.dir), "%s", b);
	assert_int_equal(write_raw(&r, variants, 2), 0);
	run = json_pack("{s:i, s:s, s:s}", "schema_version", 2, "run_id", r.run_id, "status",
			"complete");
	snprintf(path, sizeof(path), "%s/run.json", b);
	assert_int_equal(json_dump_file(run, path, 0), 0);
	json_decref(run);
	free_run(&r);
	assert_int_equal(runner_summarize(b, false), 0);

	/* every file of the direct run, byte for byte */
	d = opendir(a);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char pa[600], pb[600];
		char *cmp[] = {"cmp", "-s", pa, pb, NULL};

		if (de->d_name[0] == '.')
			continue;
		snprintf(pa, sizeof(pa), "%s/%s", a, de->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, de->d_name);
		if (run_prog(cmp, NULL))
			fail_msg("%s differs after summarize", de->d_name);
		files++;
	}
	closedir(d);
	/* summary.json, metrics.csv, and per case .csv, .values.csv, .hist.csv */
	assert_int_equal(files, 2 + 3 * 5);
	d = opendir(b);
	while ((de = readdir(d)))
		nb += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(nb, files + 1); /* and run.json: the raw file is gone */
	run = json_load_file(path, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(run, "summary_computed_by")),
			    "summarize");
	assert_string_equal(json_string_value(json_object_get(run, "summary_harness_revision")),
			    vpb_git_rev);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "complete");
	json_decref(run);
}

static bool same_double(double x, double y)
{
	return !memcmp(&x, &y, sizeof(x)) || (isnan(x) && isnan(y));
}

static void test_read_back(void **state)
{
	static const double odd[] = {0.1,     1.0 / 3,	      1e-300, 5e-324,	DBL_MAX,  -0.0,
				     DBL_MIN, 2.0 / 3 * 1e10, NAN,    INFINITY, -INFINITY};
	char dir[256], path[600], why[512] = "";
	struct vpb_opts o;
	struct raw_run rr;
	struct series *se;
	struct run r;

	(void)state;
	make_run(&r, &o);
	/* doubles of every kind, and random bit patterns */
	se = add(&r, "null", "getppid", "", "no-get", 1, 20000);
	for (size_t i = 0; i < se->n; i++) {
		uint64_t bits;

		if (i < ARRAY_SIZE(odd)) {
			se->s[i].value = odd[i];
			se->s[i].extra[VPB_MAX_EXTRA - 1] = odd[ARRAY_SIZE(odd) - 1 - i];
			continue;
		}
		do {
			uniform();
			bits = rng;
			memcpy(&se->s[i].value, &bits, sizeof(bits));
		} while (!isfinite(se->s[i].value));
		se->s[i].extra[i % VPB_MAX_EXTRA] = uniform() * 1e6;
	}
	snprintf(dir, sizeof(dir), "%s/raw", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	assert_int_equal(write_raw(&r, variants, 2), 0);
	snprintf(path, sizeof(path), "%s/" RUNNER_RAW_FILE, dir);
	if (read_raw(path, &rr, why, sizeof(why)))
		fail_msg("read_raw: %s", why);

	assert_string_equal(rr.r.run_id, r.run_id);
	assert_string_equal(rr.r.slug, r.slug);
	assert_int_equal(rr.nvar, 2);
	assert_string_equal(rr.variants[0], "no-get");
	assert_string_equal(rr.variants[1], "upstream");
	assert_int_equal(rr.o.rounds, ROUNDS);
	assert_int_equal(rr.o.seed, 12345);
	assert_true(rr.o.keep_samples);
	assert_string_equal(rr.o.reference, "no-get");
	assert_string_equal(rr.o.clock_label, "icount");
	assert_true(json_equal(rr.r.skipped, r.skipped));
	assert_true(json_equal(rr.r.failed, r.failed));
	assert_int_equal(rr.r.nseries, r.nseries);
	for (size_t i = 0; i < r.nseries; i++) {
		const struct series *x = &r.series[i], *y = &rr.r.series[i];

		assert_ptr_equal(x->suite, y->suite);
		assert_ptr_equal(x->c, y->c);
		assert_string_equal(x->device, y->device);
		assert_string_equal(x->variant, y->variant);
		assert_string_equal(x->point, y->point);
		assert_string_equal(x->symbols, y->symbols);
		assert_int_equal(x->round, y->round);
		assert_int_equal(x->batch, y->batch);
		assert_int_equal(x->segment, y->segment);
		assert_true(same_double(x->overhead_ns, y->overhead_ns));
		assert_true(x->counters ? json_equal(x->counters, y->counters) : !y->counters);
		assert_true(x->point_info ? json_equal(x->point_info, y->point_info)
					  : !y->point_info);
		assert_int_equal(x->n, y->n);
		for (size_t k = 0; k < x->n; k++) {
			const struct vpb_sample *p = &x->s[k], *q = &y->s[k];

			if (!same_double(p->value, q->value))
				fail_msg("series %zu sample %zu: %a read back as %a", i, k,
					 p->value, q->value);
			assert_int_equal(p->valid, q->valid);
			assert_string_equal(p->state, q->state);
			assert_string_equal(p->why, q->why);
			for (size_t e = 0; e < VPB_MAX_EXTRA; e++)
				assert_true(same_double(p->extra[e], q->extra[e]));
		}
	}
	raw_run_free(&rr);
	free_run(&r);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_files),
		cmocka_unit_test(test_read_back),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_compare_rounds.c - `compare` on round medians (bench/cmd/compare.c):
 * compare_rounds() on hand-made medians, and compare_runs() on synthetic run
 * directories whose samples drift from round to round (every variant's
 * series in a round shifted by its own random offset, as on QEMU's host
 * clock): there the pooled test flags A/A comparisons, the round-level one
 * must not, and a real shift in every round must still be flagged. Same run
 * (paired rounds) and two runs (unpaired; each boot at its own level, which
 * only a round's shift against the run's reference cancels), the fall-back
 * to pooled samples with its reason, and the text output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "common.h"
#include "scratch.h"
#include "resultset.h"
#include "stats.h"

#define RUN	VPB_FIXTURES "/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"
#define SAMPLES 100 /* per variant and round */
#define REPEATS 50

static char tmpdir[] = "/tmp/vpb-cmpr-XXXXXX";
/* write_run(): the sd of a run's own level (a boot's), 0 for none */
static double boot_sd;

static int setup(void **state)
{
	(void)state;
	vpb_quiet = true;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(tmpdir);
}

static double gauss(struct stats_rng *r)
{
	double u1 = stats_rng_double(r), u2 = stats_rng_double(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/*
 * A run directory with one case and variants "a" and "b" (b's samples
 * scaled by 1 + @shift), @rounds rounds of SAMPLES samples each: a sample
 * is 500 ns * (1 + shift) * exp(o + 0.01 N(0, 1)), with o ~ N(0, @drift)
 * drawn once per variant and round, plus the run's level, N(0, boot_sd),
 * drawn once. summary.json carries the round medians as the runner stores
 * them, unless @no_medians (an older run); a is the reference.
 */
static void write_run(const char *dir, uint64_t seed, unsigned int rounds, double shift,
		      double drift, bool no_medians)
{
	static const char *const names[] = {"a", "b"};
	char path[512];
	struct stats_rng rng;
	json_t *run, *sum, *vars = json_object();
	double boot;
	FILE *f;

	mkdir(dir, 0755);
	run = json_pack("{s:i, s:s, s:s, s:s, s:{s:s}}", "schema_version", 1, "run_id", dir,
			"platform", "p", "start_time", "2026-01-01T00:00:00Z", "clock", "label",
			"host");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(json_dump_file(run, path, 0), 0);
	json_decref(run);
	snprintf(path, sizeof(path), "%s/ioctl.get-info.01-00.0.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# variant round seq value_ns valid state why\n");
	stats_rng_seed(&rng, seed);
	boot = boot_sd ? boot_sd * gauss(&rng) : 0;
	for (int v = 0; v < 2; v++) {
		json_t *med = json_array();
		double *all = malloc(rounds * SAMPLES * sizeof(*all));

		assert_non_null(all);
		for (unsigned int r = 1; r <= rounds; r++) {
			double x[SAMPLES], o = boot + drift * gauss(&rng);

			for (int i = 0; i < SAMPLES; i++) {
				x[i] = 500 * (v ? 1 + shift : 1) * exp(o + 0.01 * gauss(&rng));
				/* as the runner stores it, and compare reads it back */
				x[i] = round(x[i] * 1000) / 1000;
				fprintf(f, "%s %u %d %.3f 1 - -\n", names[v], r, i, x[i]);
				all[(r - 1) * SAMPLES + i] = x[i];
			}
			json_array_append_new(med, json_real(stats_median(x, SAMPLES)));
		}
		json_object_set_new(vars, names[v],
				    json_pack("{s:i, s:i, s:f, s:i, s:o}", "n",
					      (int)(rounds * SAMPLES), "valid",
					      (int)(rounds * SAMPLES), "median",
					      stats_median(all, rounds * SAMPLES), "rounds", rounds,
					      "round_medians", med));
		free(all);
		if (no_medians)
			json_object_del(json_object_get(vars, names[v]), "round_medians");
	}
	fclose(f);
	sum = json_pack("{s:i, s:[{s:s, s:s, s:s, s:s, s:s, s:o}]}", "schema_version", 1, "cases",
			"suite", "ioctl", "case", "get-info", "device", "0000:01:00.0", "point", "",
			"reference", "a", "variants", vars);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(json_dump_file(sum, path, 0), 0);
	json_decref(sum);
}

/* compare_runs() of BASE:vb against NEW:nv; its first case. */
static json_t *compare_case(const char *base, const char *vb, const char *new, const char *vn)
{
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01};
	struct rs_run rb, rn;
	struct compare_side sb = {&rb, vb}, sn = {&rn, vn};
	json_t *res, *c;

	assert_int_equal(rs_load(base, &rb), 0);
	assert_int_equal(rs_load(new, &rn), 0);
	assert_true(compare_runs(&sb, &sn, &o, &res) >= 0);
	c = json_incref(json_array_get(json_object_get(res, "cases"), 0));
	json_decref(res);
	rs_free(&rb);
	rs_free(&rn);
	return c;
}

/* ---- compare_rounds() by hand ----------------------------------------- */

static json_t *rounds(const double *a, size_t na, const double *b, size_t nb, bool paired,
		      double alpha)
{
	struct compare_opts o = {.threshold_pct = 2, .alpha = alpha};
	json_t *j;

	assert_int_equal(compare_rounds(a, na, b, nb, paired, &o, &j), 0);
	return j;
}

static double ci(const json_t *j, size_t i)
{
	return json_real_value(json_array_get(json_object_get(j, "ci95"), i));
}

static void test_paired_hand(void **state)
{
	/* b - a: test_stats.c's eight differences (estimate 4.25, [-0.5, 8], p 14/256) */
	static const double d8[] = {10, -3, 2, 8, -1, 4, 7, 5};
	double a[210], b[210];
	json_t *j;

	(void)state;
	for (int i = 0; i < 8; i++) {
		a[i] = 100 + i; /* median 103.5 */
		b[i] = a[i] + d8[i];
	}
	j = rounds(a, 8, b, 8, true, 0.01);
	assert_string_equal(rs_str(j, "test"), "signed rank on paired rounds");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 8);
	assert_true(rs_num(j, "shift_ns") == 4.25);
	assert_true(rs_num(j, "base_median") == 103.5);
	assert_true(ci(j, 0) == -0.5 && ci(j, 1) == 8);
	assert_true(fabs(rs_num(j, "p") - 14.0 / 256) < 1e-12);
	assert_true(fabs(rs_num(j, "coverage") - (1 - 10.0 / 256)) < 1e-12);
	assert_string_equal(rs_str(j, "verdict"), "unchanged");
	json_decref(j);

	/*
	 * b - a = 5..12, all positive: p = 2/256; the 4th and 33rd Walsh
	 * averages are 6 and 11; estimate 8.5, 8.2 % of 103.5.
	 */
	for (int i = 0; i < 8; i++)
		b[i] = a[i] + 5 + i;
	j = rounds(a, 8, b, 8, true, 0.01);
	assert_true(rs_num(j, "shift_ns") == 8.5);
	assert_true(ci(j, 0) == 6 && ci(j, 1) == 11);
	assert_true(fabs(rs_num(j, "p") - 2.0 / 256) < 1e-12);
	assert_string_equal(rs_str(j, "verdict"), "regressed");
	json_decref(j);
	j = rounds(b, 8, a, 8, true, 0.01);
	assert_string_equal(rs_str(j, "verdict"), "improved");
	json_decref(j);
	/* the same shift below a 10 % threshold is unchanged */
	{
		struct compare_opts o = {.threshold_pct = 10, .alpha = 0.01};

		assert_int_equal(compare_rounds(a, 8, b, 8, true, &o, &j), 0);
		assert_string_equal(rs_str(j, "verdict"), "unchanged");
		json_decref(j);
	}

	/* a round without a median on one side is not a pair: 7 are left */
	a[2] = NAN;
	j = rounds(a, 8, b, 8, true, 0.01);
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 7);
	assert_null(json_object_get(j, "verdict"));
	/* 2/2^7 = 0.0156 is the smallest p of 7 pairs: not below 0.01 */
	assert_string_equal(rs_str(j, "why"), "7 paired rounds: the signed-rank p cannot go below "
					      "0.016, not below alpha 0.01; 8 or more needed");
	json_decref(j);
	/* ... which alpha 0.05 allows */
	j = rounds(a, 8, b, 8, true, 0.05);
	assert_string_equal(rs_str(j, "verdict"), "regressed");
	json_decref(j);
	/* arrays of different lengths: the rounds both have */
	j = rounds(a, 8, b, 6, true, 0.05);
	assert_string_equal(rs_str(j, "why"),
			    "5 paired rounds; the signed-rank 95 % interval needs 6 or more");
	json_decref(j);
	/* more pairs than the exact test takes */
	for (int i = 0; i < 201; i++)
		a[i] = b[i] = i;
	j = rounds(a, 201, b, 201, true, 0.01);
	assert_string_equal(rs_str(j, "why"),
			    "201 paired rounds; the exact signed-rank test takes at most 200");
	json_decref(j);
}

static void test_unpaired_hand(void **state)
{
	/* test_stats.c's 6 and 6: a = 1..6, b = a + 2.5 or a + 6 */
	double a[6], b[7];
	json_t *j;

	(void)state;
	for (int i = 0; i < 6; i++) {
		a[i] = i + 1;
		b[i] = i + 1 + 2.5;
	}
	j = rounds(a, 6, b, 6, false, 0.01);
	assert_string_equal(rs_str(j, "test"), "rank sum on round medians");
	assert_int_equal(json_integer_value(json_object_get(j, "base_n")), 6);
	assert_true(rs_num(j, "shift_ns") == 2.5);
	assert_true(ci(j, 0) == -0.5 && ci(j, 1) == 5.5);
	assert_true(fabs(rs_num(j, "p") - 0.06555216116550258) < 1e-12);
	assert_string_equal(rs_str(j, "verdict"), "unchanged");
	json_decref(j);
	for (int i = 0; i < 6; i++)
		b[i] = i + 1 + 6;
	j = rounds(a, 6, b, 6, false, 0.01);
	assert_true(rs_num(j, "shift_ns") == 6);
	assert_true(rs_num(j, "base_median") == 3.5);
	assert_true(ci(j, 0) == 3 && ci(j, 1) == 9);
	assert_true(fabs(rs_num(j, "p") - 0.005074868097940257) < 1e-12);
	assert_string_equal(rs_str(j, "verdict"), "regressed");
	json_decref(j);
	/* 0.0051 is the best 6 and 6 can do */
	j = rounds(a, 6, b, 6, false, 0.005);
	assert_string_equal(rs_str(j, "why"), "6 and 6 rounds: the rank-sum p cannot go below "
					      "0.0051, not below alpha 0.005; more rounds needed");
	json_decref(j);
	/* a NaN is a round without a median: 5 a side is too few */
	b[6] = NAN;
	a[0] = NAN;
	j = rounds(a, 6, b, 7, false, 0.01);
	assert_int_equal(json_integer_value(json_object_get(j, "base_n")), 5);
	assert_int_equal(json_integer_value(json_object_get(j, "new_n")), 6);
	assert_string_equal(rs_str(j, "why"), "5 and 6 rounds; the rank-sum test on round medians "
					      "needs 6 or more a side");
	json_decref(j);
}

/* ---- synthetic runs that drift from round to round --------------------- */

/*
 * One run, A/A: the rounds pair. The drift (5 % per variant and round)
 * makes the pooled test flag many A/A comparisons; by rounds next to none.
 */
static void test_same_run_aa(void **state)
{
	int pooled = 0, pooled_regressed = 0, flagged = 0;
	char dir[300];

	(void)state;
	for (uint64_t seed = 1; seed <= REPEATS; seed++) {
		json_t *c;

		snprintf(dir, sizeof(dir), "%s/aa%llu", tmpdir, (unsigned long long)seed);
		write_run(dir, seed, 10, 0, 0.10, false);
		c = compare_case(dir, "a", dir, "b");
		assert_string_equal(rs_str(c, "basis"), "rounds");
		assert_string_equal(rs_str(c, "basis_why"), "10 paired rounds of one run");
		assert_string_equal(rs_str(json_object_get(c, "rounds"), "test"),
				    "signed rank on paired rounds");
		pooled += strcmp(rs_str(c, "pooled_verdict"), "unchanged") != 0;
		pooled_regressed += !strcmp(rs_str(c, "pooled_verdict"), "regressed");
		flagged += strcmp(rs_str(c, "verdict"), "unchanged") != 0;
		json_decref(c);
	}
	print_message("same run, A/A: pooled flags %d of %d (%d regressed), rounds %d\n", pooled,
		      REPEATS, pooled_regressed, flagged);
	assert_true(pooled_regressed >= REPEATS / 5);
	assert_true(flagged <= 1);
}

/* One run, B 10 % slower in every round: regressed by rounds. */
static void test_same_run_shift(void **state)
{
	int flagged = 0;
	char dir[300];

	(void)state;
	for (uint64_t seed = 101; seed <= 100 + REPEATS; seed++) {
		json_t *c;

		snprintf(dir, sizeof(dir), "%s/s%llu", tmpdir, (unsigned long long)seed);
		write_run(dir, seed, 10, 0.10, 0.02, false);
		c = compare_case(dir, "a", dir, "b");
		assert_string_equal(rs_str(c, "basis"), "rounds");
		flagged += !strcmp(rs_str(c, "verdict"), "regressed");
		json_decref(c);
	}
	print_message("same run, 10 %% shift: %d of %d regressed by rounds\n", flagged, REPEATS);
	assert_int_equal(flagged, REPEATS);
}

/* The round medians of variant @v of a run written by write_run(). */
static void stored_medians(const char *dir, const char *v, double *m, size_t n)
{
	char path[512];
	json_t *sum, *a;

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	sum = json_load_file(path, 0, NULL);
	assert_non_null(sum);
	a = json_object_get(
		json_object_get(json_object_get(json_array_get(json_object_get(sum, "cases"), 0),
						"variants"),
				v),
		"round_medians");
	assert_int_equal(json_array_size(a), n);
	for (size_t i = 0; i < n; i++)
		m[i] = json_number_value(json_array_get(a, i));
	json_decref(sum);
}

/*
 * Two runs, A/A, each at its own level (5 % sd, every variant and round of
 * the run alike: a boot of QEMU's host clock): the rank sum on the two
 * runs' round medians takes the level for a shift, each round's shift
 * against the run's reference (a) does not. The reference itself has
 * nothing to be judged against.
 */
static void test_two_runs_aa(void **state)
{
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01};
	int pooled = 0, medians = 0, flagged = 0;
	char a[300], b[300];

	(void)state;
	boot_sd = 0.05;
	for (uint64_t seed = 201; seed <= 200 + REPEATS; seed++) {
		double ma[8], mb[8];
		json_t *c, *j;

		snprintf(a, sizeof(a), "%s/x%llu", tmpdir, (unsigned long long)seed);
		snprintf(b, sizeof(b), "%s/y%llu", tmpdir, (unsigned long long)seed);
		write_run(a, 2 * seed, 8, 0, 0.02, false);
		write_run(b, 2 * seed + 1, 8, 0, 0.02, false);
		c = compare_case(a, "b", b, "b");
		assert_string_equal(rs_str(c, "basis"), "rounds");
		assert_string_equal(rs_str(c, "basis_why"),
				    "8 and 8 rounds of two runs, each round's shift against its "
				    "run's reference (a, a)");
		assert_string_equal(rs_str(json_object_get(c, "rounds"), "test"),
				    "rank sum on round shifts against the reference");
		pooled += strcmp(rs_str(c, "pooled_verdict"), "unchanged") != 0;
		flagged += strcmp(rs_str(c, "verdict"), "unchanged") != 0;
		json_decref(c);
		/* the same two runs judged on their round medians alone */
		stored_medians(a, "b", ma, 8);
		stored_medians(b, "b", mb, 8);
		assert_int_equal(compare_rounds(ma, 8, mb, 8, false, &o, &j), 0);
		medians += strcmp(rs_str(j, "verdict"), "unchanged") != 0;
		json_decref(j);
		c = compare_case(a, "a", b, "a");
		assert_string_equal(rs_str(c, "verdict"), "not judged");
		assert_non_null(strstr(rs_str(c, "why"), "a is the runs' reference: on the host "
							 "clock its level moves with the boot"));
		json_decref(c);
	}
	boot_sd = 0;
	print_message("two runs, A/A: pooled flags %d of %d, round medians %d, round shifts "
		      "against the reference %d\n",
		      pooled, REPEATS, medians, flagged);
	assert_true(medians >= REPEATS / 2);
	assert_true(flagged <= 1);
}

/*
 * Two runs at their own levels, b as fast as a in the base, 10 % slower in
 * every round of the new one: regressed by rounds.
 */
static void test_two_runs_shift(void **state)
{
	int flagged = 0;
	char a[300], b[300];

	(void)state;
	for (uint64_t seed = 301; seed <= 300 + REPEATS; seed++) {
		json_t *c;

		snprintf(a, sizeof(a), "%s/x%llu", tmpdir, (unsigned long long)seed);
		snprintf(b, sizeof(b), "%s/y%llu", tmpdir, (unsigned long long)seed);
		boot_sd = 0.05;
		write_run(a, 2 * seed, 8, 0, 0.02, false);
		write_run(b, 2 * seed + 1, 8, 0.10, 0.02, false);
		boot_sd = 0;
		c = compare_case(a, "b", b, "b");
		assert_string_equal(rs_str(c, "basis"), "rounds");
		flagged += !strcmp(rs_str(c, "verdict"), "regressed");
		json_decref(c);
	}
	print_message("two runs, 10 %% shift: %d of %d regressed by rounds\n", flagged, REPEATS);
	assert_int_equal(flagged, REPEATS);
}

/*
 * --noise: a floor above the shift turns a regression of two runs on a
 * drifting clock into unchanged, and is named; one below leaves it.
 */
static void test_noise_floor(void **state)
{
	struct rs_run rb, rn;
	struct compare_side sb = {&rb, "b"}, sn = {&rn, "b"};
	char a[300], b[300];
	double floors[] = {20, 5};
	const char *want[] = {"unchanged", "regressed"};
	json_t *res, *c;

	(void)state;
	snprintf(a, sizeof(a), "%s/nx", tmpdir);
	snprintf(b, sizeof(b), "%s/ny", tmpdir);
	write_run(a, 401, 8, 0, 0.02, false);
	write_run(b, 402, 8, 0.10, 0.02, false);
	for (int i = 0; i < 2; i++) {
		json_t *noise = json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:f}]}", "floors", "suite",
					  "ioctl", "case", "get-info", "device", "0000:01:00.0",
					  "point", "", "variant", "b", "pct", floors[i]);
		struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01, .noise = noise};

		assert_int_equal(rs_load(a, &rb), 0);
		assert_int_equal(rs_load(b, &rn), 0);
		assert_true(compare_runs(&sb, &sn, &o, &res) >= 0);
		c = json_array_get(json_object_get(res, "cases"), 0);
		assert_string_equal(rs_str(c, "verdict"), want[i]);
		assert_true(rs_num(json_object_get(c, "rounds"), "noise_floor_pct") == floors[i]);
		json_decref(res);
		json_decref(noise);
		rs_free(&rb);
		rs_free(&rn);
	}
}

/* A copy of a run is the same run: its rounds still pair. */
static void test_copy_pairs(void **state)
{
	char a[300], b[300], *cp[] = {"cp", "-r", a, b, NULL};
	json_t *c;

	(void)state;
	snprintf(a, sizeof(a), "%s/orig", tmpdir);
	snprintf(b, sizeof(b), "%s/copy", tmpdir);
	write_run(a, 7, 8, 0, 0.05, false);
	assert_int_equal(run_prog(cp, NULL), 0);
	c = compare_case(a, "a", b, "b");
	assert_string_equal(rs_str(c, "basis_why"), "8 paired rounds of one run");
	json_decref(c);
}

/* Too few rounds, or none stored: the pooled verdict, and why. */
static void test_fallback(void **state)
{
	char a[300], b[300];
	json_t *c;

	(void)state;
	snprintf(a, sizeof(a), "%s/few", tmpdir);
	write_run(a, 8, 4, 0.10, 0.001, false);
	c = compare_case(a, "a", a, "b");
	assert_string_equal(rs_str(c, "basis"), "pooled samples");
	assert_string_equal(rs_str(c, "basis_why"),
			    "4 paired rounds; the signed-rank 95 % interval needs 6 or more");
	assert_string_equal(rs_str(json_object_get(c, "rounds"), "why"), rs_str(c, "basis_why"));
	/* the host clock: pooled samples give no verdict, and say why */
	assert_string_equal(rs_str(c, "verdict"), "not judged");
	assert_string_equal(rs_str(c, "pooled_verdict"), "regressed");
	assert_non_null(strstr(rs_str(c, "why"), "pooled samples of the host clock, which drifts "
						 "between rounds, do not judge, and the rounds "
						 "cannot: 4 paired rounds;"));
	json_decref(c);

	snprintf(b, sizeof(b), "%s/old", tmpdir);
	write_run(b, 9, 8, 0.10, 0.001, true);
	snprintf(a, sizeof(a), "%s/new", tmpdir);
	write_run(a, 10, 8, 0.10, 0.001, false);
	c = compare_case(b, "a", a, "b");
	assert_string_equal(rs_str(c, "basis"), "pooled samples");
	assert_non_null(strstr(rs_str(c, "basis_why"), "/old has no round medians (a run from "
						       "before summary.json stored them)"));
	assert_string_equal(rs_str(c, "verdict"), "not judged");
	assert_string_equal(rs_str(c, "pooled_verdict"), "regressed");
	json_decref(c);

	/* the fixture run, from before round medians: its first case pooled */
	c = compare_case(RUN, "no-get", RUN, "upstream");
	assert_string_equal(rs_str(c, "case"), "get-info");
	assert_string_equal(rs_str(c, "basis"), "pooled samples");
	assert_string_equal(rs_str(c, "basis_why"), "20261125T014317Z-vm has no round medians (a "
						    "run from before summary.json stored them)");
	assert_string_equal(rs_str(c, "verdict"), "regressed");
	json_decref(c);
}

/* cmd_compare() BASE NEW with its output in @buf. */
static int compare_text(char *base, char *new, char *buf, size_t len)
{
	char out[300], *argv[] = {"compare", base, new, NULL};
	FILE *saved = stdout, *f;
	size_t n;
	int ret;

	snprintf(out, sizeof(out), "%s/out.txt", tmpdir);
	stdout = fopen(out, "w");
	assert_non_null(stdout);
	ret = cmd_compare(3, argv);
	fclose(stdout);
	stdout = saved;
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return ret;
}

/* `compare`'s text: the basis column, the pooled verdict beside, the why. */
static void test_text(void **state)
{
	char dir[300], a[310], b[310], buf[8192];
	uint64_t seed;
	json_t *c = NULL;

	(void)state;
	/* the first drifting A/A run whose pooled verdict is wrong */
	for (seed = 1; seed <= REPEATS; seed++) {
		snprintf(dir, sizeof(dir), "%s/t%llu", tmpdir, (unsigned long long)seed);
		write_run(dir, seed, 10, 0, 0.10, false);
		c = compare_case(dir, "a", dir, "b");
		if (!strcmp(rs_str(c, "pooled_verdict"), "regressed"))
			break;
		json_decref(c);
	}
	assert_true(seed <= REPEATS);
	assert_string_equal(rs_str(c, "verdict"), "unchanged");
	json_decref(c);
	snprintf(a, sizeof(a), "%s:a", dir);
	snprintf(b, sizeof(b), "%s:b", dir);
	assert_int_equal(compare_text(a, b, buf, sizeof(buf)), VPB_EXIT_OK);
	print_message("%s", buf);
	assert_non_null(strstr(buf, " basis "));
	assert_non_null(strstr(buf, " rounds 10   unchanged (pooled: regressed)\n"));
	assert_null(strstr(buf, "pooled ("));

	/* an older run: pooled, on the host clock not judged, and why (exit 1) */
	snprintf(dir, sizeof(dir), "%s/told", tmpdir);
	write_run(dir, 11, 8, 0.10, 0.001, true);
	snprintf(b, sizeof(b), "%s:b", dir);
	assert_int_equal(compare_text(a, b, buf, sizeof(buf)), VPB_EXIT_FAIL);
	print_message("%s", buf);
	assert_non_null(strstr(buf, " pooled      not judged\n"));
	assert_non_null(strstr(buf,
			       "\nnot judged: ioctl.get-info 0000:01:00.0 a->b: pooled samples "
			       "of the host clock"));
	assert_non_null(strstr(buf, "/told has no round medians"));
	assert_non_null(strstr(buf, "\npooled (1 case): "));

	/* whole runs at their own levels (test_two_runs_aa's first): b judged
	 * against the reference, which is the baseline (exit 0) */
	snprintf(a, sizeof(a), "%s/x201", tmpdir);
	snprintf(b, sizeof(b), "%s/y201", tmpdir);
	assert_int_equal(compare_text(a, b, buf, sizeof(buf)), VPB_EXIT_OK);
	print_message("%s", buf);
	assert_non_null(strstr(buf, " vs ref 8/8  unchanged"));
	assert_non_null(strstr(buf, " -           baseline\n"));
	assert_non_null(strstr(buf, "\n1 baseline: the runs' reference, which the other variants "
				    "were judged against\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paired_hand), cmocka_unit_test(test_unpaired_hand),
		cmocka_unit_test(test_same_run_aa), cmocka_unit_test(test_same_run_shift),
		cmocka_unit_test(test_two_runs_aa), cmocka_unit_test(test_two_runs_shift),
		cmocka_unit_test(test_copy_pairs),  cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_text),	    cmocka_unit_test(test_noise_floor),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

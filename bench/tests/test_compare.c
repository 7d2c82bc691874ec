// SPDX-License-Identifier: GPL-2.0
/*
 * test_compare.c - `compare` (bench/cmd/compare.c): verdicts on hand-made
 * samples, calibration on synthetic run directories (A/A not flagged, a 3 %
 * shift flagged), platform refusal, and the command's exit codes.
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
#include <unistd.h>

#include "cmd/cmd.h"
#include "common.h"
#include "scratch.h"
#include "resultset.h"
#include "stats.h"

#define RUN VPB_FIXTURES "/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"
#define N   1000

static char tmpdir[] = "/tmp/vpb-cmp-XXXXXX";

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

/* Lognormal-ish: median m, log-sd s (Box-Muller). */
static double lognormal(struct stats_rng *r, double m, double s)
{
	double u1 = stats_rng_double(r), u2 = stats_rng_double(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return m * exp(s * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
}

/* A run directory with one case, variant "x", samples as CSV. */
static void write_run(const char *dir, const char *platform, uint64_t seed, double median)
{
	char path[512];
	struct stats_rng rng;
	json_t *run, *sum;
	FILE *f;

	mkdir(dir, 0755);
	run = json_pack("{s:i, s:s, s:s, s:s, s:{s:s}, s:{s:s}}", "schema_version", 1, "run_id",
			dir, "platform", platform, "start_time", "2026-01-01T00:00:00Z", "clock",
			"label", "icount", "platform_identity", "cpu", platform);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(json_dump_file(run, path, 0), 0);
	sum = json_pack("{s:i, s:[{s:s, s:s, s:s, s:s, s:{s:{s:i}}}]}", "schema_version", 1,
			"cases", "suite", "ioctl", "case", "get-info", "device", "0000:01:00.0",
			"point", "", "variants", "x", "n", N);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(json_dump_file(sum, path, 0), 0);
	json_decref(run);
	json_decref(sum);
	snprintf(path, sizeof(path), "%s/ioctl.get-info.01-00.0.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# variant round seq value_ns valid state why\n");
	stats_rng_seed(&rng, seed);
	for (int i = 0; i < N; i++)
		fprintf(f, "x 1 %d %.3f 1 - -\n", i, lognormal(&rng, median, 0.05));
	fclose(f);
}

/* Verdict of comparing two fresh synthetic runs. */
static const char *verdict(uint64_t seed, double shift, const struct compare_opts *o, char *buf)
{
	char a[300], b[300];
	struct rs_run ra, rb;
	struct compare_side sa = {&ra, NULL}, sb = {&rb, NULL};
	json_t *res;

	snprintf(a, sizeof(a), "%s/a%llu", tmpdir, (unsigned long long)seed);
	snprintf(b, sizeof(b), "%s/b%llu", tmpdir, (unsigned long long)seed);
	write_run(a, "p", 2 * seed + 1, 500);
	write_run(b, "p", 2 * seed + 2, 500 * (1 + shift));
	assert_int_equal(rs_load(a, &ra), 0);
	assert_int_equal(rs_load(b, &rb), 0);
	assert_true(compare_runs(&sa, &sb, o, &res) >= 0);
	assert_int_equal(json_array_size(json_object_get(res, "cases")), 1);
	assert_string_equal(rs_str(json_array_get(json_object_get(res, "cases"), 0), "source"),
			    "samples");
	strcpy(buf, rs_str(json_array_get(json_object_get(res, "cases"), 0), "verdict"));
	json_decref(res);
	rs_free(&ra);
	rs_free(&rb);
	return buf;
}

static void test_hand_samples(void **state)
{
	double a[20], b[20];
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.05};
	json_t *j;

	(void)state;
	for (int i = 0; i < 20; i++) {
		a[i] = i + 1;	  /* 1..20, median 10.5 */
		b[i] = i + 1 + 5; /* shifted by exactly 5 */
	}
	assert_int_equal(compare_samples(a, 20, b, 20, &o, &j), 0);
	assert_true(rs_num(j, "shift_ns") == 5.0);
	assert_true(rs_num(j, "base_median") == 10.5);
	assert_true(fabs(rs_num(j, "shift_pct") - 100 * 5 / 10.5) < 1e-9);
	assert_true(json_real_value(json_array_get(json_object_get(j, "ci95"), 0)) <= 5);
	assert_true(json_real_value(json_array_get(json_object_get(j, "ci95"), 1)) >= 5);
	/*
	 * U = 287.5 of 400 pairs (b > a, ties 1/2); 15 pairs of ties give
	 * sigma^2 = 400 / 12 * (41 - 90 / 1560) = 1364.7; z = (87.5 - 0.5) / 36.94
	 * = 2.355; p = 0.0185.
	 */
	assert_true(fabs(rs_num(j, "p") - 0.0185) < 0.0005);
	assert_string_equal(rs_str(j, "verdict"), "regressed");
	json_decref(j);
	/* the other way round: improved */
	assert_int_equal(compare_samples(b, 20, a, 20, &o, &j), 0);
	assert_string_equal(rs_str(j, "verdict"), "improved");
	json_decref(j);
	/* a significant shift below the threshold is unchanged */
	o.threshold_pct = 60;
	assert_int_equal(compare_samples(a, 20, b, 20, &o, &j), 0);
	assert_string_equal(rs_str(j, "verdict"), "unchanged");
	json_decref(j);
	/* too few samples */
	assert_int_equal(compare_samples(a, 5, b, 20, &o, &j), 0);
	assert_string_equal(rs_str(j, "verdict"), "insufficient data");
	json_decref(j);
}

static void test_aa_not_flagged(void **state)
{
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01};
	int flagged = 0;
	char buf[32];

	(void)state;
	for (uint64_t seed = 1; seed <= 100; seed++)
		flagged += strcmp(verdict(seed, 0, &o, buf), "unchanged") != 0;
	print_message("A/A: %d of 100 flagged\n", flagged);
	assert_true(flagged <= 5);
	/* without a threshold, only the test's own alpha: ~1 in 100 */
	flagged = 0;
	o.threshold_pct = 0;
	for (uint64_t seed = 101; seed <= 200; seed++)
		flagged += strcmp(verdict(seed, 0, &o, buf), "unchanged") != 0;
	print_message("A/A, threshold 0: %d of 100 flagged\n", flagged);
	assert_true(flagged <= 5);
}

static void test_shift_flagged(void **state)
{
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01};
	int flagged = 0, improved = 0;
	char buf[32];

	(void)state;
	for (uint64_t seed = 1001; seed <= 1100; seed++)
		flagged += !strcmp(verdict(seed, 0.03, &o, buf), "regressed");
	print_message("3 %% shift: %d of 100 flagged\n", flagged);
	assert_true(flagged >= 95);
	for (uint64_t seed = 2001; seed <= 2020; seed++)
		improved += !strcmp(verdict(seed, -0.03, &o, buf), "improved");
	assert_true(improved >= 19);
}

static void test_platforms(void **state)
{
	char a[300], b[300];
	struct rs_run ra, rb;
	struct compare_side sa = {&ra, NULL}, sb = {&rb, NULL};
	struct compare_opts o = {.threshold_pct = 2, .alpha = 0.01};
	json_t *res, *d;

	(void)state;
	snprintf(a, sizeof(a), "%s/pa", tmpdir);
	snprintf(b, sizeof(b), "%s/pb", tmpdir);
	write_run(a, "epyc", 1, 500);
	write_run(b, "xeon", 2, 500);
	assert_int_equal(rs_load(a, &ra), 0);
	assert_int_equal(rs_load(b, &rb), 0);
	assert_int_equal(compare_runs(&sa, &sb, &o, &res), -EXDEV);
	assert_null(res);
	o.cross_platform = true;
	assert_int_equal(compare_runs(&sa, &sb, &o, &res), 0);
	d = json_object_get(res, "platform_differences");
	assert_int_equal(json_array_size(d), 2); /* platform, platform_identity.cpu */
	assert_string_equal(rs_str(json_array_get(d, 1), "key"), "cpu");
	assert_string_equal(rs_str(json_array_get(d, 1), "new"), "\"xeon\"");
	json_decref(res);
	rs_free(&ra);
	rs_free(&rb);
}

static int run_cmd(int argc, char **argv)
{
	FILE *saved = stdout;
	int ret;

	stdout = fopen("/dev/null", "w");
	ret = cmd_compare(argc, argv);
	fclose(stdout);
	stdout = saved;
	return ret;
}

static void test_cli(void **state)
{
	char *reg[] = {"compare", RUN ":no-get", RUN ":upstream", NULL};
	char *same[] = {"compare", RUN ":upstream", RUN ":upstream", "--json", NULL};
	char *bad[] = {"compare", RUN, NULL};
	char *badopt[] = {"compare", "--alpha", "2", RUN, RUN, NULL};
	char *nodir[] = {"compare", "/nonexistent", RUN, NULL};

	(void)state;
	assert_int_equal(run_cmd(3, reg), VPB_EXIT_FAIL); /* the wrapper costs ~150 ns */
	assert_int_equal(run_cmd(4, same), VPB_EXIT_OK);
	assert_int_equal(run_cmd(2, bad), VPB_EXIT_USAGE);
	assert_int_equal(run_cmd(5, badopt), VPB_EXIT_USAGE);
	assert_int_equal(run_cmd(3, nodir), VPB_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_samples),  cmocka_unit_test(test_aa_not_flagged),
		cmocka_unit_test(test_shift_flagged), cmocka_unit_test(test_platforms),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

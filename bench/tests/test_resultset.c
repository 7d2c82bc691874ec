// SPDX-License-Identifier: GPL-2.0
/*
 * test_resultset.c - loading run directories (bench/lib/resultset.c).
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

#include "common.h"
#include "resultset.h"

#define PLAT VPB_FIXTURES "/runs/qemu-q35-tcg-icount"
#define RUN  PLAT "/20261125T014317Z-vm"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_stem(void **state)
{
	char buf[128];
	json_t *c = json_pack("{s:s, s:s, s:s, s:s}", "suite", "ioctl", "case", "get-info",
			      "device", "0000:01:00.0", "point", "");

	(void)state;
	rs_case_stem(c, buf, sizeof(buf));
	assert_string_equal(buf, "ioctl.get-info.01-00.0");
	rs_case_label(c, buf, sizeof(buf));
	assert_string_equal(buf, "ioctl.get-info 0000:01:00.0");
	json_object_set_new(c, "point", json_string("t4"));
	json_object_set_new(c, "device", json_string(""));
	rs_case_stem(c, buf, sizeof(buf));
	assert_string_equal(buf, "ioctl.get-info.t4");
	json_decref(c);
}

static void test_load_fixture(void **state)
{
	struct rs_run r;

	(void)state;
	assert_int_equal(rs_load(RUN "/", &r), 0);
	assert_string_equal(r.id, "20261125T014317Z-vm");
	assert_string_equal(r.platform, "qemu-q35-tcg-icount");
	assert_string_equal(r.clock_label, "icount");
	assert_string_equal(r.reference, "no-get");
	assert_string_equal(r.start_time, "2026-11-25T01:43:21Z");
	assert_int_equal(json_array_size(r.problems), 0);
	assert_int_equal(json_array_size(json_object_get(r.summary, "cases")), 6);
	assert_non_null(rs_find_case(r.summary, "d3cold", "exit", "0000:00:04.0", ""));
	assert_null(rs_find_case(r.summary, "d3cold", "exit", "0000:00:05.0", ""));
	assert_non_null(rs_find_case(r.summary, "contention", "get-info", "0000:01:00.0", "t2"));
	rs_free(&r);
	assert_int_equal(rs_load("/nonexistent/run", &r), -ENOENT);
	rs_free(&r);
}

static void test_list_runs(void **state)
{
	char **ids;
	size_t n;

	(void)state;
	assert_int_equal(rs_list_runs(PLAT, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "20261124T120000Z-vm"); /* oldest first */
	assert_string_equal(ids[1], "20261125T014317Z-vm");
	rs_free_list(ids, n);
	assert_int_equal(rs_list_runs("/nonexistent", &ids, &n), -ENOENT);
}

static void test_hist_and_values(void **state)
{
	char dir[] = "/tmp/vpb-rs-XXXXXX", path[256], err[512];
	struct rs_hist_row *rows;
	struct rs_run r;
	const char *src = NULL;
	double *v;
	size_t n;
	json_t *c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.json", dir);
	write_file(path, "{\"schema_version\": 1, \"run_id\": \"r1\", \"platform\": \"p\"}\n");
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	write_file(path, "{\"schema_version\": 1, \"cases\": [{\"suite\": \"s\", \"case\": \"c\", "
			 "\"device\": \"\", "
			 "\"point\": \"\", \"variants\": {\"a\": {}}}]}\n");
	snprintf(path, sizeof(path), "%s/s.c.hist.csv", dir);
	write_file(path,
		   "# comment\n# variant lo_ns hi_ns count\na 10 12 2\nb 5 5 1\na 100 102 1\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[1].variant, "b");
	assert_true(rows[2].lo == 100 && rows[2].hi == 102 && rows[2].count == 1);
	free(rows);

	assert_int_equal(rs_load(dir, &r), 0);
	assert_string_equal(r.id, "r1");
	assert_string_equal(r.reference, "no-get"); /* the default */
	c = json_array_get(json_object_get(r.summary, "cases"), 0);
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), 0);
	assert_string_equal(src, "histogram");
	assert_int_equal(n, 3); /* bucket midpoints, count times */
	assert_true(v[0] == 11 && v[1] == 11 && v[2] == 101);
	free(v);

	/* samples win over the histogram; invalid rows are left out */
	snprintf(path, sizeof(path), "%s/s.c.csv", dir);
	write_file(path, "# x\n# variant round seq value_ns valid state entry_ms why\n"
			 "a 1 0 7.5 1 D3cold 1.25 -\na 1 1 9.0 0 D3hot 2.0 verify\n"
			 "b 1 0 3.0 1 - 0.5 -\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), 0);
	assert_string_equal(src, "samples");
	assert_int_equal(n, 1);
	assert_true(v[0] == 7.5);
	free(v);

	/* a corrupt row is named with its line */
	snprintf(path, sizeof(path), "%s/s.c.hist.csv", dir);
	write_file(path, "a 10 12 2\na 10 x 1\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "s.c.hist.csv:2: corrupt"));

	/*
	 * Found by fuzz_csv: a count of 11596427246 was expanded into as many
	 * values, and buckets near DBL_MAX had an infinite midpoint.
	 */
	snprintf(path, sizeof(path), "%s/s.c.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s.c.hist.csv", dir);
	write_file(path, "a 10 12 11596427246\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), -ENOENT);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(strstr(json_string_value(json_array_get(r.problems, 0)),
			       "s.c.hist.csv: more than 10000000 samples of a, too many to read"));
	write_file(path, "a 1e308 1.7e308 1\nb 1 2 10000001\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), 0);
	assert_int_equal(n, 1);
	assert_true(v[0] > 1e308 && v[0] < 1.7e308);
	free(v);
	rs_free(&r);

	/* a corrupt summary.json is a problem; run.json still loads */
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	write_file(path, "{\"schema_version\": 1, \"cases\": [\n");
	assert_int_equal(rs_load(dir, &r), 0);
	assert_null(r.summary);
	assert_int_equal(json_array_size(r.problems), 1);
	assert_non_null(strstr(json_string_value(json_array_get(r.problems, 0)), "summary.json:"));
	rs_free(&r);

	unlink(path);
	snprintf(path, sizeof(path), "%s/s.c.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s.c.hist.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_samples_fixture(void **state)
{
	struct rs_samples s;
	char err[512];

	(void)state;
	assert_int_equal(rs_load_samples(RUN "/d3cold.exit.01-00.0.csv", &s, err, sizeof(err)), 0);
	assert_int_equal(s.nextra, 2);
	assert_string_equal(s.extra[0], "entry_ms");
	assert_int_equal(rs_extra_index(&s, "settle_ms"), 1);
	assert_int_equal(rs_extra_index(&s, "nope"), -1);
	assert_int_equal(s.n, 60); /* 3 variants x 2 rounds x 10 cycles */
	assert_string_equal(s.s[0].variant, "no-get");
	assert_string_equal(s.s[0].state, "D3cold");
	assert_true(s.s[0].valid);
	free(s.s);
}

static void test_flatten_and_html(void **state)
{
	json_t *j = json_pack("{s:{s:s, s:i}, s:[i, i], s:n}", "cpu", "model", "Q<&>", "n", 2, "a",
			      1, 2, "z");
	json_t *out = json_object();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	rs_flatten(j, "", out);
	assert_string_equal(rs_str(out, "cpu.model"), "Q<&>");
	assert_string_equal(rs_str(out, "cpu.n"), "2");
	assert_string_equal(rs_str(out, "a"), "[1,2]");
	assert_string_equal(rs_str(out, "z"), "null");
	rs_html_puts(f, "a<b>&\"'");
	fclose(f);
	assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;&#39;");
	free(buf);
	json_decref(j);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stem),
		cmocka_unit_test(test_load_fixture),
		cmocka_unit_test(test_list_runs),
		cmocka_unit_test(test_hist_and_values),
		cmocka_unit_test(test_samples_fixture),
		cmocka_unit_test(test_flatten_and_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

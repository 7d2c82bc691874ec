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
	/* a QEMU run whose start_time is after its id's time: kept */
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

/* The host's start time of a run, whatever clock its start_time is on. */
static void test_run_start(void **state)
{
	static const struct {
		const char *run, *id, *start, *source;
	} t[] = {
		/* run.json with guest_start_time: start_time is the host's */
		{"{\"start_time\": \"2026-12-05T07:00:00Z\", \"guest_start_time\": "
		 "\"2026-01-01T00:00:01Z\", \"clock\": {\"label\": \"icount\"}}",
		 "20261205T065959Z-vm", "2026-12-05T07:00:00Z", "start_time"},
		/* an older QEMU run: start_time is the guest's, the id the host's */
		{"{\"start_time\": \"2026-01-01T00:00:01Z\", \"clock\": {\"label\": \"host\"}}",
		 "20261130T110809Z-vm", "2026-11-30T11:08:09Z", "run id"},
		{"{\"start_time\": \"2026-01-01T00:00:01Z\", \"clock\": {\"label\": "
		 "\"icount\"}}",
		 "20261130T110642Z", "2026-11-30T11:06:42Z", "run id"},
		/* ... whose start_time is after its id's time: the host's, kept */
		{"{\"start_time\": \"2026-11-25T02:11:20Z\", \"clock\": {\"label\": "
		 "\"icount\"}}",
		 "20261125T021047Z-acpi-on-0-breakdown", "2026-11-25T02:11:20Z", "start_time"},
		/* ... whose id has no time: start_time as it is, said to be the guest's */
		{"{\"start_time\": \"2026-01-01T00:00:01Z\", \"clock\": {\"label\": "
		 "\"icount\"}, \"vm\": {\"qemu\": \"qemu-system-x86_64 -rtc "
		 "base=2026-01-01T00:00:00,clock=vm\"}}",
		 "type1-smoke", "2026-01-01T00:00:01Z", "guest clock"},
		{"{\"start_time\": \"2026-01-01T00:00:01Z\", \"clock\": {\"label\": "
		 "\"icount\"}}",
		 "20261130T110642Zx", "2026-01-01T00:00:01Z", "guest clock"},
		/* real hardware: its own clock */
		{"{\"start_time\": \"2026-11-30T06:37:11Z\", \"clock\": {\"label\": "
		 "\"native\"}}",
		 "20261130T063711Z-main-job", "2026-11-30T06:37:11Z", "start_time"},
		{"{}", "x", "", "start_time"},
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *run = json_loads(t[i].run, 0, NULL);

		assert_non_null(run);
		assert_string_equal(rs_run_start(run, t[i].id, buf, sizeof(buf)), t[i].source);
		assert_string_equal(buf, t[i].start);
		json_decref(run);
	}
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

	/* the exact values win over samples and histogram: counts expanded */
	snprintf(path, sizeof(path), "%s/s.c.values.csv", dir);
	write_file(path, "schema_version,variant,round,value_ns,count\r\n"
			 "2,a,1,152.000,2\r\n2,b,1,3.000,5\r\n2,a,2,152.063,1\r\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), 0);
	assert_string_equal(src, "exact samples");
	assert_int_equal(n, 3);
	assert_true(v[0] == 152 && v[1] == 152 && v[2] == 152.063);
	free(v);
	/* ... and a corrupt one is a problem, not a reason to fall back */
	write_file(path, "schema_version,variant,round,value_ns,count\r\n2,a,0,152.000,2\r\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), -ENOENT);
	assert_non_null(strstr(
		json_string_value(json_array_get(r.problems, json_array_size(r.problems) - 1)),
		"s.c.values.csv:2: corrupt: expected a round from 1"));
	write_file(path, "schema_version,variant,round,value_ns,count\r\n2,a,1,152.000,0\r\n");
	assert_int_equal(rs_case_values(&r, c, "a", &v, &n, &src), -ENOENT);
	unlink(path);
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

/* Load @text as a samples file; Return: rs_load_samples()'s value. */
static int samples_of(const char *text, struct rs_samples *s, char *err, size_t len)
{
	char path[] = "/tmp/vpb-csv-XXXXXX";
	int fd = mkstemp(path), ret;

	assert_true(fd >= 0);
	close(fd);
	write_file(path, text);
	ret = rs_load_samples(path, s, err, len);
	unlink(path);
	return ret;
}

/* Schema 2: RFC 4180 with a header row, columns found by name. */
static void test_samples_v2(void **state)
{
	struct rs_samples s;
	char err[512];

	(void)state;
	/* quoted fields (comma, doubled quote, line break), CRLF, a blank line skipped */
	assert_int_equal(
		samples_of(
			"schema_version,variant,round,seq,value_ns,valid,state,entry_ms,settle_ms,"
			"why\r\n"
			"2,no-get,1,0,7.5,1,D3cold,1.25,,\r\n"
			"2,\"a,b\",2,1,9,0,,,0.5,\"timeout, \"\"D3hot\"\"\r\nthen\"\r\n"
			"\r\n"
			"2,x,3,2,1e3,1,D3hot,2,3,\r\n",
			&s, err, sizeof(err)),
		0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.nextra, 2);
	assert_string_equal(s.extra[1], "settle_ms");
	assert_string_equal(s.s[0].variant, "no-get");
	assert_true(s.s[0].value == 7.5 && s.s[0].valid && s.s[0].extra[0] == 1.25);
	assert_true(isnan(s.s[0].extra[1])); /* empty: not measured */
	assert_string_equal(s.s[1].variant, "a,b");
	assert_int_equal(s.s[1].round, 2);
	assert_false(s.s[1].valid);
	assert_string_equal(s.s[1].state, "-"); /* empty: none */
	assert_true(s.s[1].extra[1] == 0.5);
	assert_true(s.s[2].value == 1000 && s.s[2].round == 3);
	free(s.s);

	/* a later version, with a column this one does not know: read by name */
	assert_int_equal(samples_of("schema_version,variant,round,seq,value_ns,valid,state,"
				    "why,new_ms\r\n3,a,1,0,5,1,-,,2.5\r\n",
				    &s, err, sizeof(err)),
			 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.extra[0], "new_ms");
	free(s.s);

	/* any column order, LF line ends, no final line break */
	assert_int_equal(samples_of("why,valid,value_ns,variant,seq,round,state,schema_version\n"
				    ",1,3.5,v,0,1,-,2",
				    &s, err, sizeof(err)),
			 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.nextra, 0);
	assert_true(s.s[0].value == 3.5 && s.s[0].valid);
	free(s.s);

	/* a header only: no sample */
	assert_int_equal(samples_of("schema_version,variant,round,seq,value_ns,valid,state,why\r\n",
				    &s, err, sizeof(err)),
			 0);
	assert_int_equal(s.n, 0);
	assert_null(s.s);

	/* what is not RFC 4180 or not our columns is named with its line */
	static const struct {
		const char *text, *err;
	} bad[] = {
		{"schema_version,variant,round,seq,value_ns,valid,why\r\n", "no column 'state'"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why,why\r\n",
		 "column 'why' twice"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n2,a,1,0,5,1,-\r\n",
		 ":2: corrupt: 7 fields, the header has 8"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n1,a,1,0,5,1,-,\r\n",
		 ":2: corrupt: schema_version '1'"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n2,a,1,0,5,2,-,\r\n",
		 ":2: corrupt: column valid"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n2,a,1,0,inf,1,-,"
		 "\r\n",
		 "column value_ns"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n2,a,-1,0,5,1,-,\r\n",
		 "column round"},
		{"schema_version,variant,round,seq,value_ns,valid,state,x_ms,why\r\n"
		 "2,a,1,0,5,1,-,1x,\r\n",
		 "column x_ms"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n"
		 "2,a,1,0,5,1,-,\r\n2,a\"b,1,0,5,1,-,\r\n",
		 ":3: corrupt: not RFC 4180"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n"
		 "2,\"a\"b,1,0,5,1,-,\r\n",
		 "not RFC 4180"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r\n"
		 "2,\"a,1,0,5,1,-,\r\n",
		 "not RFC 4180"},
		{"schema_version,variant,round,seq,value_ns,valid,state,why\r2,a,1,0,5,1,-,\r\n",
		 "not RFC 4180"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(samples_of(bad[i].text, &s, err, sizeof(err)), -EINVAL);
		assert_null(s.s);
		if (!strstr(err, bad[i].err)) {
			print_error("case %zu: '%s' does not say '%s'\n", i, err, bad[i].err);
			fail();
		}
	}
}

static void test_hist_v2(void **state)
{
	char path[] = "/tmp/vpb-hist-XXXXXX", err[512];
	struct rs_hist_row *rows;
	int fd = mkstemp(path);
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "schema_version,variant,lo_ns,hi_ns,count\r\n2,a,10,12,2\r\n"
			 "2,\"b c\",5,5.5,18446744073709551615\r\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[1].variant, "b c");
	assert_true(rows[1].hi == 5.5 && rows[1].count == UINT64_MAX);
	free(rows);
	write_file(path, "schema_version,variant,lo_ns,hi_ns,count\r\n2,a,12,10,2\r\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: corrupt: expected lo_ns <= hi_ns"));
	write_file(path, "schema_version,variant,lo_ns,hi_ns,count\r\n2,a,10,12,-2\r\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), -EINVAL);
	write_file(path, "schema_version,variant,lo_ns,count\r\n");
	assert_int_equal(rs_load_hist(path, &rows, &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no column 'hi_ns'"));
	unlink(path);
}

/* Schema 1 (space-separated) files still load: the older fixture run. */
static void test_samples_v1(void **state)
{
	struct rs_samples s;
	struct rs_hist_row *rows;
	char err[512];
	size_t n;

	(void)state;
	assert_int_equal(rs_load_samples(PLAT "/20261124T120000Z-vm/d3cold.exit.01-00.0.csv", &s,
					 err, sizeof(err)),
			 0);
	assert_int_equal(s.nextra, 2);
	assert_true(s.n > 0);
	assert_string_equal(s.s[0].state, "D3cold");
	free(s.s);
	assert_int_equal(rs_load_hist(PLAT "/20261124T120000Z-vm/d3cold.exit.01-00.0.hist.csv",
				      &rows, &n, err, sizeof(err)),
			 0);
	assert_true(n > 0);
	free(rows);
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
		cmocka_unit_test(test_run_start),
		cmocka_unit_test(test_list_runs),
		cmocka_unit_test(test_hist_and_values),
		cmocka_unit_test(test_samples_fixture),
		cmocka_unit_test(test_samples_v2),
		cmocka_unit_test(test_hist_v2),
		cmocka_unit_test(test_samples_v1),
		cmocka_unit_test(test_flatten_and_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

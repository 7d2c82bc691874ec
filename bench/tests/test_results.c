// SPDX-License-Identifier: GPL-2.0
/* Atomic result files, the JSON loader's error positions, the file stem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results.h"

static char dir[] = "/tmp/vpb-results-XXXXXX";

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_commit_renames(void **st)
{
	struct results_file rf;
	char path[256], buf[64] = "";
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	assert_int_equal(results_open(&rf, path), 0);
	fputs("1 2 3\n", rf.f);
	assert_int_equal(access(path, F_OK), -1); /* not visible before commit */
	assert_int_equal(results_commit(&rf), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "1 2 3\n");
	assert_int_equal(entries(), 1); /* no temp file left */
	unlink(path);
}

static void test_abort_leaves_old_file(void **st)
{
	struct results_file rf;
	char path[256], buf[64] = "";
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/b.json", dir);
	f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(results_open(&rf, path), 0);
	fputs("new, half written", rf.f);
	results_abort(&rf);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "old\n");
	assert_int_equal(entries(), 1);
	unlink(path);
}

/* A writer killed before its commit leaves nothing: no file, no temp file. */
static void test_killed_writer(void **st)
{
	char path[256];
	int status;
	pid_t pid;

	(void)st;
	snprintf(path, sizeof(path), "%s/d.csv", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct results_file rf;

		if (results_open(&rf, path))
			_exit(1);
		fputs("half written", rf.f);
		fflush(rf.f);
		raise(SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(entries(), 0);
}

/* A second commit replaces the file whole and leaves no temp file. */
static void test_replace(void **st)
{
	char path[256];
	json_t *a = json_pack("{s:s}", "status", "running");
	json_t *b = json_pack("{s:s}", "status", "interrupted"), *back;

	(void)st;
	snprintf(path, sizeof(path), "%s/run.json", dir);
	assert_int_equal(results_write_json(path, a), 0);
	assert_int_equal(results_write_json(path, b), 0);
	back = results_load_json(path);
	assert_non_null(back);
	assert_true(json_equal(back, b));
	assert_int_equal(entries(), 1);
	json_decref(a);
	json_decref(b);
	json_decref(back);
	unlink(path);
}

/* results_open_new(): a file that exists is never replaced. */
static void test_keep(void **st)
{
	char path[256], buf[16] = "";
	struct results_file rf;
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/certificate.json", dir);
	assert_int_equal(results_open_new(&rf, path), 0);
	fputs("first", rf.f);
	assert_int_equal(results_commit(&rf), 0);
	assert_int_equal(results_open_new(&rf, path), 0);
	fputs("second", rf.f);
	assert_int_equal(results_commit(&rf), -EEXIST);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "first");
	assert_int_equal(entries(), 1); /* no temp file left */
	unlink(path);
}

/* The file stem rule the runner writes and the readers read by. */
static void test_case_stem(void **st)
{
	char b[64];

	(void)st;
	results_case_stem("ioctl", "get-info", "0000:01:00.0", "", b, sizeof(b));
	assert_string_equal(b, "ioctl.get-info.01-00.0");
	results_case_stem("contention", "get-info", "0000:00:03.0", "t4", b, sizeof(b));
	assert_string_equal(b, "contention.get-info.00-03.0.t4");
	results_case_stem("null", "empty", "", "", b, sizeof(b));
	assert_string_equal(b, "null.empty");
	/* no device part from anything but DDDD:BB:DD.F */
	results_case_stem("d3cold", "exit", "01:00.0", "", b, sizeof(b));
	assert_string_equal(b, "d3cold.exit");
	results_case_stem("d3cold", "exit", "0000:01:00.0x", "", b, sizeof(b));
	assert_string_equal(b, "d3cold.exit");
	/* truncated, never overrun */
	results_case_stem("ioctl", "get-info", "0000:01:00.0", "t4", b, 12);
	assert_string_equal(b, "ioctl.get-i");
}

static void test_unwritable(void **st)
{
	struct results_file rf;

	(void)st;
	assert_true(results_open(&rf, "/proc/no-such-dir/x.json") < 0);
	assert_true(results_mkdirs("/proc/vpb-test/x") < 0);
}

static void test_json_round_trip_and_errors(void **st)
{
	char path[256];
	json_t *j = json_pack("{s:i, s:[f, f], s:s}", "n", 3, "ci", 1.5, 2.5, "s", "a \"q\"");
	json_t *back;
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/c.json", dir);
	assert_int_equal(results_write_json(path, j), 0);
	back = results_load_json(path);
	assert_non_null(back);
	assert_true(json_equal(j, back));
	json_decref(back);
	json_decref(j);
	/* A malformed file: NULL (the message names file:line:column). */
	f = fopen(path, "w");
	fputs("{\n \"n\": 3,\n \"x\": }\n", f);
	fclose(f);
	assert_null(results_load_json(path));
	unlink(path);
	assert_null(results_load_json("/nonexistent/summary.json"));
}

/* RFC 4180 fields: quoted only when needed, '"' doubled, no line break inside. */
static void test_csv_field(void **st)
{
	static const char *const in[] = {"plain",  "a,b", "say \"hi\"", " lead",
					 "trail ", "",	  NULL,		"two\r\nlines"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)st;
	assert_non_null(f);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (i)
			fputc(',', f);
		results_csv_field(f, in[i]);
	}
	fputs(RESULTS_CSV_EOL, f);
	fclose(f);
	assert_string_equal(
		buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\" lead\",\"trail \",,,\"two  lines\"\r\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_renames),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_abort_leaves_old_file),
		cmocka_unit_test(test_killed_writer),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_case_stem),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_json_round_trip_and_errors),
	};
	int ret;

	if (!mkdtemp(dir))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return ret;
}

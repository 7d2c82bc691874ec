// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - `report` (bench/cmd/report*.c) on a copy of the fixture
 * platform: every figure drawn and inline in index.html, summary.md in the
 * LKP layout with the cases that have no reference, missing/corrupt inputs
 * named, gnuplot missing, the newest run by the host's clock. What a
 * browser shows is test_report_dom.py's.
 *
 * Needs gnuplot (Debian: gnuplot-nox): skipped without it, failed when
 * VPB_STRICT=1 (run-tests.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
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
#include "cmd/report.h"

#define PLAT_NAME "qemu-q35-tcg-icount"
#define NEWEST	  "20261125T014317Z-vm"

static char tmpdir[] = "/tmp/vpb-report-XXXXXX";
static char plat[300];

static bool have(const char *prog)
{
	char cmd[64];
	char *argv[] = {"sh", "-c", cmd, NULL};

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", prog);
	return run_prog(argv, NULL) == 0;
}

/* gnuplot is needed: skip without it, or fail when VPB_STRICT=1 (CI). */
static void need_gnuplot(void)
{
	const char *strict = getenv("VPB_STRICT");

	if (have("gnuplot"))
		return;
	print_message("gnuplot (Debian: gnuplot-nox) not installed\n");
	if (strict && !strcmp(strict, "1"))
		fail();
	skip();
}

/* @needle is in @text; else show @text and fail. */
#define assert_contains(text, needle)                                                              \
	do {                                                                                       \
		if (!strstr(text, needle)) {                                                       \
			print_error("not found: '%s' in:\n%s\n", needle, text);                    \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	char *cp[] = {"cp", "-a", VPB_FIXTURES "/runs/" PLAT_NAME, tmpdir, NULL};

	(void)state;
	vpb_quiet = true;
	if (!mkdtemp(tmpdir) || run_prog(cp, NULL))
		return -1;
	snprintf(plat, sizeof(plat), "%s/%s", tmpdir, PLAT_NAME);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove(tmpdir);
}

/*
 * Number of figures in @html; fail unless each is drawn inline and its SVG
 * and PNG are in @dir.
 */
static int check_figures(const char *html, const char *dir)
{
	int n = 0;

	static const char mark[] = "<figure class=\"fig\" id=\"";

	for (const char *p = strstr(html, mark); p; p = strstr(p + 1, mark)) {
		char file[256], path[1024];
		const char *s = p + strlen(mark), *e = strchr(s, '"'),
			   *end = strstr(p, "</figure>");
		struct stat st;

		assert_non_null(e);
		assert_non_null(end);
		assert_true((size_t)(e - s) < sizeof(file));
		snprintf(file, sizeof(file), "%.*s", (int)(e - s), s);
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir, file, k ? "png" : "svg");
			if (stat(path, &st) || !st.st_size) {
				print_error("%s does not exist\n", path);
				fail();
			}
		}
		s = strstr(p, "<svg");
		if (!s || s > end) {
			print_error("figure %s is not inline\n", file);
			fail();
		}
		n++;
	}
	return n;
}

static void test_report(void **state)
{
	char index[700], rdir[600], path[700];
	char *html, *md;
	struct stat st;
	int nfig;

	(void)state;
	need_gnuplot();
	/* a corrupt histogram: named, the rest still drawn */
	snprintf(path, sizeof(path), "%s/%s/ioctl.region-info.01-00.0.hist.csv", plat, NEWEST);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("no-get 1 2\n", f);
	fclose(f);

	assert_int_equal(report_generate(plat, NULL, "gnuplot", index, sizeof(index)), 0);
	snprintf(rdir, sizeof(rdir), "%s/%s/report", plat, NEWEST);
	snprintf(path, sizeof(path), "%s/index.html", rdir);
	assert_string_equal(index, path);
	html = slurp(index);
	assert_non_null(html);
	nfig = check_figures(html, rdir);
	/*
	 * overhead: 1 (ioctl on 01:00.0); latency: get-info cdf + hist (region-info
	 * is corrupt); low power: 2 devices x (exit, entry); contention: 1;
	 * history (from summary.json, so region-info too): 4 cases in both runs,
	 * by time and by kernel release.
	 */
	assert_int_equal(nfig, 1 + 2 + 4 + 1 + 4 * 2);
	assert_non_null(strstr(html, "ioctl.region-info.01-00.0.hist.csv:1: corrupt"));
	assert_non_null(strstr(html, "lstopo.xml: missing"));
	assert_non_null(strstr(html, "icount (instruction-time"));
	assert_non_null(strstr(html, "QEMU Virtual CPU version 2.5+")); /* identity table */
	assert_non_null(strstr(html, "harness overhead"));
	assert_non_null(
		strstr(html, "variant v4 has no LOW_POWER_ENTRY_WITH_WAKEUP")); /* skipped */
	assert_null(strstr(html, "src=\"http"));
	assert_null(strstr(html, "href=\"http"));
	/* the state each low-power case reached, and its entry beside its exit */
	assert_non_null(strstr(html, "d3cold.exit on 0000:00:04.0: exit from D3hot"));
	assert_non_null(strstr(html, "d3cold.exit on 0000:01:00.0: exit from D3cold"));
	assert_non_null(
		strstr(html, "d3cold.exit on 0000:00:04.0: low-power entry (reached D3hot)"));
	assert_non_null(strstr(html, "Low-power exit and entry: D3cold, D3hot</h2>"));
	/* history by time and by kernel release */
	assert_non_null(strstr(html, "data-kind=\"history-time\""));
	assert_non_null(strstr(html, "data-kind=\"history-kernel\""));
	assert_non_null(strstr(html, "<td>6.12.117</td>"));
	snprintf(path, sizeof(path), "%s/fig-contention.contention.get-info.0000-01-00.0.png",
		 rdir);
	assert_int_equal(stat(path, &st), 0);
	free(html);

	snprintf(path, sizeof(path), "%s/summary.md", rdir);
	md = slurp(path);
	assert_non_null(md);
	assert_non_null(
		strstr(md, "          no-get                        %change         upstream\n"
			   "---------------- ------------------------------ ----------------\n"));
	/* get-info: no-get median 552.875, upstream 704.875 in the fixture */
	assert_non_null(strstr(md, "     552.9 +-"));
	assert_non_null(strstr(md, "     704.9 +-"));
	assert_non_null(strstr(md, "ioctl.get-info.01-00.0 (ns) n=4000/4000 ovh="));
	assert_non_null(strstr(md, "d3cold.exit.01-00.0 (ms, D3cold) n=20/20"));
	assert_non_null(strstr(md, "d3cold.exit.00-04.0 (ms, D3hot) n=20/20"));
	/* the fixture's contention points have no shift: kept, and said so */
	assert_non_null(strstr(md, "(no shift in summary.json)        1100 +-0%  "
				   "contention.get-info.01-00.0.t1 (ns) n=20/20"));
	/* the entry latencies, from the cycles' rows (schema 2 CSV) */
	assert_non_null(strstr(md, "low-power entry latency"));
	assert_non_null(strstr(md, "d3cold.exit.00-04.0 (ms, D3hot)\n"));
	/* no float noise: 4 significant digits */
	assert_null(strstr(md, "0000"));
	free(md);

	/* --run picks another run; a run that does not exist is -ENOENT */
	assert_int_equal(
		report_generate(plat, "20261124T120000Z-vm", "gnuplot", index, sizeof(index)), 0);
	assert_int_equal(report_generate(plat, "nope", "gnuplot", index, sizeof(index)), -ENOENT);
}

/* A run dir of @plat with @run_json and @summary_json as files. */
static void write_run(const char *dir, const char *run_json, const char *summary_json)
{
	char path[700];
	FILE *f;

	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(run_json, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(summary_json, f);
	fclose(f);
}

/*
 * summary.md keeps a case whose reference has no valid sample (absolute
 * figures, no shift), and a run without the reference gets absolute
 * tables; the newest run is the newest by the host's clock, not by a QEMU
 * guest's start_time.
 */
static void test_md_without_reference(void **state)
{
	char dir[600], index[700], path[700];
	char *md;

	(void)state;
	need_gnuplot();
	snprintf(dir, sizeof(dir), "%s/p2", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* the later run by its id (the host's time); both say the guest's clock */
	snprintf(path, sizeof(path), "%s/20261130T110642Z-vm", dir);
	write_run(path,
		  "{\"schema_version\": 1, \"run_id\": \"20261130T110642Z-vm\", "
		  "\"start_time\": \"2026-01-01T00:00:01Z\", \"clock\": {\"label\": \"icount\"}}",
		  "{\"schema_version\": 1, \"cases\": [{\"suite\": \"d3cold\", \"case\": "
		  "\"wakeup\", \"device\": "
		  "\"0000:00:03.0\", \"point\": \"\", \"reference\": \"no-get\", "
		  "\"states\": {\"upstream/D3cold/valid\": 10, \"no-get/D3cold/invalid\": 10}, "
		  "\"variants\": {\"no-get\": {\"valid\": 0, \"total\": 10, "
		  "\"harness_overhead_ns\": 89}, \"upstream\": {\"n\": 10, \"valid\": 10, "
		  "\"total\": 10, \"median\": 2500000.0, \"mean\": 2500000, \"stddev\": 25000, "
		  "\"harness_overhead_ns\": 89}}, \"vs_reference\": {}}]}");
	snprintf(path, sizeof(path), "%s/20261130T063719Z-vm", dir);
	write_run(path,
		  "{\"schema_version\": 1, \"run_id\": \"20261130T063719Z-vm\", "
		  "\"start_time\": \"2026-01-01T00:00:02Z\", \"clock\": {\"label\": \"icount\"}}",
		  "{\"schema_version\": 1, \"cases\": [{\"suite\": \"ioctl\", \"case\": "
		  "\"get-info\", \"device\": "
		  "\"\", \"point\": \"\", \"variants\": {\"none\": {\"n\": 100, \"valid\": "
		  "100, \"total\": 100, \"median\": 704.875, \"p99\": 710.5, \"mean\": 705, "
		  "\"stddev\": 7, \"harness_overhead_ns\": 16}}}]}");

	assert_int_equal(report_generate(dir, NULL, "gnuplot", index, sizeof(index)), 0);
	assert_contains(index, "/20261130T110642Z-vm/report/index.html");
	snprintf(path, sizeof(path), "%s/20261130T110642Z-vm/report/summary.md", dir);
	md = slurp(path);
	assert_non_null(md);
	assert_contains(md, "started: 2026-11-30T11:06:42Z (host clock)");
	assert_contains(md, "               - "
			    "         (no reference sample)         2.5 +-1%  "
			    "d3cold.wakeup.00-03.0 (ms, D3cold) n=0/10 ovh=89/89\n");
	free(md);

	assert_int_equal(
		report_generate(dir, "20261130T063719Z-vm", "gnuplot", index, sizeof(index)), 0);
	snprintf(path, sizeof(path), "%s/20261130T063719Z-vm/report/summary.md", dir);
	md = slurp(path);
	assert_non_null(md);
	assert_contains(md, "            none              p99  (no reference variant in "
			    "this run: absolute figures)\n");
	assert_contains(md, "      704.9 +-1%            710.5  ioctl.get-info (ns) n=100 "
			    "ovh=16\n");
	free(md);
}

static void test_no_gnuplot(void **state)
{
	char index[700];
	char *argv[] = {"report", plat, NULL};

	(void)state;
	assert_int_equal(report_generate(plat, NULL, "/nonexistent/gnuplot", index, sizeof(index)),
			 -ENOEXEC);
	setenv("VPB_GNUPLOT", "/nonexistent/gnuplot", 1);
	assert_int_equal(cmd_report(2, argv), VPB_EXIT_FAIL);
	unsetenv("VPB_GNUPLOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_md_without_reference),
		cmocka_unit_test(test_no_gnuplot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

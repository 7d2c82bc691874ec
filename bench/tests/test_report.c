// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - `report` (bench/cmd/report.c) on a copy of the fixture
 * platform: every figure drawn, every <img> of index.html resolves (checked
 * on disk, and in headless Chromium when it is installed), summary.md in
 * the LKP layout, missing/corrupt inputs named, gnuplot missing.
 *
 * Needs gnuplot (Debian: gnuplot-nox); the browser check needs chromium
 * and is skipped without it.
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

/* Number of <img src="X"> in @html; fail if one does not exist in @dir. */
static int check_imgs(const char *html, const char *dir)
{
	int n = 0;

	for (const char *p = strstr(html, "<img src=\""); p; p = strstr(p + 1, "<img src=\"")) {
		char file[256], path[1024];
		const char *s = p + 10, *e = strchr(s, '"');
		struct stat st;

		assert_non_null(e);
		assert_true((size_t)(e - s) < sizeof(file));
		snprintf(file, sizeof(file), "%.*s", (int)(e - s), s);
		assert_null(strstr(file, "://")); /* no network fetch */
		assert_true(file[0] != '/');	  /* relative */
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (stat(path, &st) || !st.st_size) {
			print_error("img %s does not resolve\n", file);
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
	int nimg;

	(void)state;
	if (!have("gnuplot"))
		skip();
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
	nimg = check_imgs(html, rdir);
	/*
	 * overhead: 1 (ioctl on 01:00.0); latency: get-info cdf + hist (region-info
	 * is corrupt); d3cold: 2 devices x (cdf, hist, entry); contention: 1;
	 * history (from summary.json, so region-info too): 4 cases in both runs.
	 */
	assert_int_equal(nimg, 1 + 2 + 6 + 1 + 4);
	assert_non_null(strstr(html, "ioctl.region-info.01-00.0.hist.csv:1: corrupt"));
	assert_non_null(strstr(html, "lstopo.xml: missing"));
	assert_non_null(strstr(html, "icount (instruction-time"));
	assert_non_null(strstr(html, "QEMU Virtual CPU version 2.5+")); /* identity table */
	assert_non_null(strstr(html, "harness overhead"));
	assert_non_null(
		strstr(html, "variant v4 has no LOW_POWER_ENTRY_WITH_WAKEUP")); /* skipped */
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
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
	assert_non_null(strstr(md, "d3cold.exit.01-00.0 (ms)"));
	free(md);

	/* --run picks another run; a run that does not exist is -ENOENT */
	assert_int_equal(
		report_generate(plat, "20261124T120000Z-vm", "gnuplot", index, sizeof(index)), 0);
	assert_int_equal(report_generate(plat, "nope", "gnuplot", index, sizeof(index)), -ENOENT);
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

/* Headless Chromium loads index.html; the page's own script counts images. */
static void test_browser(void **state)
{
	const char *browser = have("chromium")		 ? "chromium"
			      : have("chromium-browser") ? "chromium-browser"
							 : NULL;
	char url[700], out[700], images[32];
	char *dom, *html;
	int nimg;

	(void)state;
	if (!browser || !have("gnuplot")) {
		print_message("chromium (Debian: chromium) or gnuplot not installed: skipped\n");
		skip();
	}
	snprintf(url, sizeof(url), "file://%s/%s/report/index.html", plat, NEWEST);
	if (access(url + 7, R_OK)) {
		char index[700];

		assert_int_equal(report_generate(plat, NULL, "gnuplot", index, sizeof(index)), 0);
	}
	html = slurp(url + 7);
	assert_non_null(html);
	nimg = 0;
	for (char *p = strstr(html, "<img "); p; p = strstr(p + 1, "<img "))
		nimg++;
	free(html);
	snprintf(out, sizeof(out), "%s/dom.html", tmpdir);
	char *argv[] = {(char *)browser,
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--allow-file-access-from-files",
			"--virtual-time-budget=10000",
			"--dump-dom",
			url,
			NULL};
	assert_int_equal(run_prog(argv, out), 0);
	dom = slurp(out);
	assert_non_null(dom);
	snprintf(images, sizeof(images), "data-images=\"%d\"", nimg);
	if (!strstr(dom, images) || !strstr(dom, "data-broken=\"0\"")) {
		print_error("chromium: expected %s and data-broken=\"0\" in the DOM\n", images);
		fail();
	}
	free(dom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_no_gnuplot),
		cmocka_unit_test(test_browser),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

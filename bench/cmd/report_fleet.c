// SPDX-License-Identifier: GPL-2.0
/*
 * report_fleet.c - `vfio-pm-bench report results/`: one page comparing every
 * platform a results directory holds (results/report/index.html): the
 * wrapper cost by variant (ioctl.get-info's shift against the reference,
 * with its 95 % CI), the D3cold exit p50/p99 by device and variant, and the
 * qualification certificates of each platform's runs. Every figure is
 * metrics_figures()'s, that is summary.json's; the newest run of a platform
 * that has the figure is the one shown, and named.
 */
#include "cmd.h"
#include "common.h"
#include "metrics.h"
#include "report.h"
#include "results.h"
#include "resultset.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The platform directories of @dir: subdirectories holding at least one run. */
static json_t *platforms(const char *dir)
{
	json_t *out = json_array();
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char sub[4096], **ids = NULL;
		size_t nids = 0;
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && !stat(sub, &st) && S_ISDIR(st.st_mode) &&
		    !rs_list_runs(sub, &ids, &nids) && nids)
			json_array_append_new(out, json_string(names[i]->d_name));
		rs_free_list(ids, nids);
		free(names[i]);
	}
	free(names);
	return out;
}

bool report_is_fleet(const char *dir)
{
	char **ids = NULL;
	size_t nids = 0;
	json_t *p;
	bool fleet;

	if (!rs_list_runs(dir, &ids, &nids) && nids) {
		rs_free_list(ids, nids);
		return false; /* a platform directory */
	}
	rs_free_list(ids, nids);
	p = platforms(dir);
	fleet = json_array_size(p) > 0;
	json_decref(p);
	return fleet;
}

/* One platform's newest figures: "shift" and "exit" rows, and certificates. */
struct plat {
	const char *name;
	json_t *shift; /* figures of ioctl.get-info shift, from run shift_run */
	json_t *exit;  /* figures of d3cold.exit median and p99, from run exit_run */
	char shift_run[256], exit_run[256], shift_clock[32], exit_clock[32];
	json_t *certs; /* [{run, file, verdict, spec}] */
};

static void certificates(const char *rdir, const char *id, json_t *out)
{
	char qdir[4500];
	struct dirent **names = NULL;
	int n;

	snprintf(qdir, sizeof(qdir), "%s/qualify", rdir);
	n = scandir(qdir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		size_t l = strlen(f);

		if (l > 5 && !strcmp(f + l - 5, ".json")) {
			char path[4800];
			json_t *c;

			snprintf(path, sizeof(path), "%s/%s", qdir, f);
			c = json_load_file(path, 0, NULL);
			if (json_is_object(c))
				json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "run",
								     id, "file", f, "verdict",
								     rs_str(c, "verdict"), "spec",
								     rs_str(c, "spec")));
			json_decref(c);
		}
		free(names[i]);
	}
	free(names);
}

static void load_platform(const char *dir, struct plat *p)
{
	char pdir[4096], **ids = NULL;
	size_t nids = 0;

	p->shift = json_array();
	p->exit = json_array();
	p->certs = json_array();
	snprintf(pdir, sizeof(pdir), "%s/%s", dir, p->name);
	if (rs_list_runs(pdir, &ids, &nids))
		return;
	for (size_t k = nids; k-- > 0;) { /* newest first */
		char rdir[4400];
		struct rs_run r;
		json_t *figs, *x;
		size_t i;
		bool has_shift = false, has_exit = false;

		snprintf(rdir, sizeof(rdir), "%s/%s", pdir, ids[k]);
		if (rs_load(rdir, &r) || !r.summary) {
			rs_free(&r);
			continue;
		}
		certificates(rdir, r.id, p->certs);
		figs = metrics_figures(r.summary, r.clock_label);
		json_array_foreach(figs, i, x) {
			bool sh = !strcmp(rs_str(x, "name"), "ioctl.get-info.shift");
			bool ex = !strcmp(rs_str(x, "name"), "d3cold.exit.median") ||
				  !strcmp(rs_str(x, "name"), "d3cold.exit.p99");

			has_shift |= sh;
			has_exit |= ex;
		}
		if (has_shift && !p->shift_run[0]) {
			snprintf(p->shift_run, sizeof(p->shift_run), "%s", r.id);
			snprintf(p->shift_clock, sizeof(p->shift_clock), "%s", r.clock_label);
			json_array_foreach(figs, i, x) {
				if (!strcmp(rs_str(x, "name"), "ioctl.get-info.shift"))
					json_array_append(p->shift, x);
			}
		}
		if (has_exit && !p->exit_run[0]) {
			snprintf(p->exit_run, sizeof(p->exit_run), "%s", r.id);
			snprintf(p->exit_clock, sizeof(p->exit_clock), "%s", r.clock_label);
			json_array_foreach(figs, i, x) {
				if (!strcmp(rs_str(x, "name"), "d3cold.exit.median") ||
				    !strcmp(rs_str(x, "name"), "d3cold.exit.p99"))
					json_array_append(p->exit, x);
			}
		}
		json_decref(figs);
		rs_free(&r);
	}
	rs_free_list(ids, nids);
}

static void cell_dur(FILE *f, const json_t *x)
{
	struct strbuf b = STRBUF_INIT;

	report_dur(json_is_number(json_object_get(x, "value")) ? rs_num(x, "value") : NAN, &b);
	rs_html_puts(f, sb_str(&b));
	sb_release(&b);
}

/* Horizontal bars of the wrapper cost, one per platform, device and variant. */
static void shift_svg(FILE *f, struct plat *ps, size_t np, const json_t *colors)
{
	double max = 1;
	size_t rows = 0;
	json_t *x;
	size_t i, y = 0;

	for (size_t k = 0; k < np; k++)
		json_array_foreach(ps[k].shift, i, x) {
			double hi = json_is_number(json_object_get(x, "ci_hi"))
					    ? rs_num(x, "ci_hi")
					    : rs_num(x, "value");

			max = fmax(max, fmax(hi, rs_num(x, "value")));
			rows++;
		}
	if (!rows)
		return;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%zu\" "
		"role=\"img\" aria-label=\"wrapper cost by platform and variant\">\n",
		rows * 18 + 30);
	for (size_t k = 0; k < np; k++)
		json_array_foreach(ps[k].shift, i, x) {
			double v = rs_num(x, "value");
			const char *col =
				json_string_value(json_object_get(colors, rs_str(x, "variant")));
			struct strbuf lab = STRBUF_INIT, d = STRBUF_INIT;

			sb_printf(&lab, "%s %s %s", ps[k].name, rs_str(x, "device"),
				  rs_str(x, "variant"));
			report_dur(v, &d);
			fprintf(f, "<text x=\"0\" y=\"%zu\" font-size=\"11\">", y * 18 + 13);
			rs_html_puts(f, sb_str(&lab));
			fprintf(f,
				"</text><rect x=\"380\" y=\"%zu\" width=\"%.1f\" height=\"14\" "
				"fill=\"%s\"/>",
				y * 18 + 2, v > 0 ? 420 * v / max : 0, col ? col : "#999999");
			if (json_is_number(json_object_get(x, "ci_lo")))
				fprintf(f,
					"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\" "
					"stroke=\"#000\"/>",
					380 + 420 * fmax(0, rs_num(x, "ci_lo")) / max,
					380 + 420 * fmax(0, rs_num(x, "ci_hi")) / max, y * 18 + 9,
					y * 18 + 9);
			fprintf(f, "<text x=\"%.1f\" y=\"%zu\" font-size=\"11\">",
				385 + (v > 0 ? 420 * v / max : 0), y * 18 + 13);
			rs_html_puts(f, sb_str(&d));
			fprintf(f, "</text>\n");
			sb_release(&lab);
			sb_release(&d);
			y++;
		}
	fprintf(f, "<text x=\"380\" y=\"%zu\" font-size=\"11\">0</text></svg>\n", rows * 18 + 25);
}

int report_fleet(const char *dir, char *index, size_t len)
{
	static const char *const known[][2] = {
		{"no-get", "#555555"},	{"upstream", "#0072b2"}, {"v4", "#d55e00"},
		{"wakeref", "#009e73"}, {"percpu", "#cc79a7"},
	};
	json_t *names = platforms(dir), *colors = json_object(), *x;
	size_t np = json_array_size(names), i;
	struct plat *ps = calloc(np ? np : 1, sizeof(*ps));
	struct results_file rf;
	char rdir[4096], path[4200];
	int ret;

	if (!ps)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		json_object_set_new(colors, known[i][0], json_string(known[i][1]));
	for (i = 0; i < np; i++) {
		ps[i].name = json_string_value(json_array_get(names, i));
		load_platform(dir, &ps[i]);
	}
	snprintf(rdir, sizeof(rdir), "%s/report", dir);
	snprintf(path, sizeof(path), "%s/index.html", rdir);
	ret = results_mkdirs(rdir);
	if (!ret)
		ret = results_open(&rf, path);
	if (ret)
		goto out;
	FILE *f = rf.f;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>vfio-pm-bench: every platform</title>\n<style>body{font-family:"
		   "sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;margin:"
		   "0.5em 0 1.5em}td,th{border:1px solid #999;padding:2px 6px;text-align:right}"
		   "th:first-child,td:first-child{text-align:left}.PASS{color:#070}.FAIL{color:"
		   "#b00}.note{color:#555}</style></head><body>\n");
	fprintf(f, "<h1>vfio-pm-bench: %zu platforms</h1>\n<p class=\"note\">", np);
	rs_html_puts(f, dir);
	fprintf(f, ": each platform's newest run that has the figure, named with its clock "
		   "(icount: instruction-time; host: emulated; native: real hardware). Figures "
		   "of different clocks are not comparable. Every value is summary.json's "
		   "(metrics.csv).</p>\n");

	/* wrapper cost by variant */
	fprintf(f, "<h2 id=\"wrapper\">Wrapper cost by variant</h2>\n<p class=\"note\">ioctl "
		   "get-info: the Hodges-Lehmann shift against the run's reference variant "
		   "(no-get), with its 95 %% CI (bars: the shift; lines: the CI).</p>\n");
	shift_svg(f, ps, np, colors);
	fprintf(f, "<table id=\"wrapper-table\"><tr><th>platform</th><th>run (clock)</th>"
		   "<th>device</th><th>variant</th><th>shift</th><th>95 %% CI</th><th>n</th>"
		   "</tr>\n");
	for (size_t k = 0; k < np; k++) {
		if (!json_array_size(ps[k].shift)) {
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td colspan=\"6\">no run with a shift of ioctl get-info"
				   "</td></tr>\n");
			continue;
		}
		json_array_foreach(ps[k].shift, i, x) {
			struct strbuf lo = STRBUF_INIT, hi = STRBUF_INIT;

			report_dur(rs_num(x, "ci_lo"), &lo);
			report_dur(rs_num(x, "ci_hi"), &hi);
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td>");
			rs_html_puts(f, ps[k].shift_run);
			fprintf(f, " (");
			rs_html_puts(f, ps[k].shift_clock);
			fprintf(f, ")</td><td>");
			rs_html_puts(f, rs_str(x, "device"));
			fprintf(f, "</td><td>");
			rs_html_puts(f, rs_str(x, "variant"));
			fprintf(f, "</td><td>");
			cell_dur(f, x);
			fprintf(f, "</td><td>[%s, %s]</td><td>%lld</td></tr>\n", sb_str(&lo),
				sb_str(&hi),
				(long long)json_integer_value(json_object_get(x, "n")));
			sb_release(&lo);
			sb_release(&hi);
		}
	}
	fprintf(f, "</table>\n");

	/* D3cold exit */
	fprintf(f, "<h2 id=\"d3cold\">D3cold exit by device</h2>\n<p class=\"note\">d3cold exit "
		   "(LOW_POWER_EXIT): p50 (the median) and p99 of the valid cycles.</p>\n");
	fprintf(f, "<table id=\"d3cold-table\"><tr><th>platform</th><th>run (clock)</th>"
		   "<th>device</th><th>variant</th><th>p50</th><th>p99</th><th>n</th></tr>\n");
	for (size_t k = 0; k < np; k++) {
		if (!json_array_size(ps[k].exit)) {
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td colspan=\"6\">no run of d3cold exit</td></tr>\n");
			continue;
		}
		json_array_foreach(ps[k].exit, i, x) {
			const json_t *p99 = json_array_get(ps[k].exit, i + 1);

			if (strcmp(rs_str(x, "stat"), "median"))
				continue; /* its p99 follows it */
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td>");
			rs_html_puts(f, ps[k].exit_run);
			fprintf(f, " (");
			rs_html_puts(f, ps[k].exit_clock);
			fprintf(f, ")</td><td>");
			rs_html_puts(f, rs_str(x, "device"));
			fprintf(f, "</td><td>");
			rs_html_puts(f, rs_str(x, "variant"));
			fprintf(f, "</td><td>");
			cell_dur(f, x);
			fprintf(f, "</td><td>");
			cell_dur(f, p99);
			fprintf(f, "</td><td>%lld</td></tr>\n",
				(long long)json_integer_value(json_object_get(x, "n")));
		}
	}
	fprintf(f, "</table>\n");

	/* qualification */
	fprintf(f, "<h2 id=\"qualify\">Qualification status</h2>\n<table id=\"qualify-table\">"
		   "<tr><th>platform</th><th>run</th><th>spec</th><th>verdict</th></tr>\n");
	for (size_t k = 0; k < np; k++) {
		if (!json_array_size(ps[k].certs)) {
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td colspan=\"3\">not qualified: no certificate "
				   "(vfio-pm-bench qualify)</td></tr>\n");
			continue;
		}
		json_array_foreach(ps[k].certs, i, x) {
			fprintf(f, "<tr><td>");
			rs_html_puts(f, ps[k].name);
			fprintf(f, "</td><td>");
			rs_html_puts(f, rs_str(x, "run"));
			fprintf(f, "</td><td>");
			rs_html_puts(f, rs_str(x, "spec"));
			fprintf(f, "</td><td class=\"%s\">",
				!strcmp(rs_str(x, "verdict"), "PASS") ? "PASS" : "FAIL");
			rs_html_puts(f, rs_str(x, "verdict"));
			fprintf(f, "</td></tr>\n");
		}
	}
	fprintf(f, "</table>\n</body></html>\n");
	ret = results_commit(&rf);
	snprintf(index, len, "%s", path);
out:
	for (i = 0; i < np; i++) {
		json_decref(ps[i].shift);
		json_decref(ps[i].exit);
		json_decref(ps[i].certs);
	}
	free(ps);
	json_decref(names);
	json_decref(colors);
	return ret ? -EIO : 0;
}

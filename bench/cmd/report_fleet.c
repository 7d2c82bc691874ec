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

/* A table row's first cells: platform, run (clock), device, variant. */
static void row_start(FILE *f, const char *plat, const char *run, const char *clock,
		      const json_t *x)
{
	fprintf(f, "<tr><td>");
	rs_html_puts(f, plat);
	fprintf(f, "</td><td>");
	rs_html_puts(f, run);
	fprintf(f, " (");
	rs_html_puts(f, clock);
	fprintf(f, ")</td><td>");
	rs_html_puts(f, rs_str(x, "device"));
	fprintf(f, "</td><td>");
	rs_html_puts(f, rs_str(x, "variant"));
	fprintf(f, "</td><td>");
}

static void cell_dur(FILE *f, const json_t *x)
{
	struct strbuf b = STRBUF_INIT;

	report_dur(json_is_number(json_object_get(x, "value")) ? rs_num(x, "value") : NAN, &b);
	rs_html_puts(f, sb_str(&b));
	sb_release(&b);
}

/*
 * The wrapper cost as bars with CI whiskers (plot/overhead.gp, as a run's
 * overhead figure): one group per platform and device, one bar per variant.
 */
static void shift_figure(struct report *rp, struct plat *ps, size_t np)
{
	struct strbuf vars = STRBUF_INIT, path = STRBUF_INIT;
	json_t *vlist = json_array(), *x, *v;
	struct results_file rf;
	size_t i, j, spare = 0;

	for (size_t k = 0; k < np; k++)
		json_array_foreach(ps[k].shift, i, x) {
			const char *vn = rs_str(x, "variant");

			if (!json_object_get(rp->colors, vn)) {
				report_add_variant(rp, vn, &spare);
				json_array_append_new(vlist, json_string(vn));
				sb_word(&vars, vn);
			}
		}
	if (!json_array_size(vlist))
		goto out;
	sb_printf(&path, "%s/data/fleet-shift.dat", rp->rdir);
	if (results_open(&rf, sb_str(&path)))
		goto out;
	fprintf(rf.f, "# platform and device, then per variant (%s): shift_ns ci95_lo ci95_hi\n",
		sb_str(&vars));
	for (size_t k = 0; k < np; k++)
		json_array_foreach(ps[k].shift, i, x) {
			bool first = true;

			/* a row per device: at the device's first figure */
			for (size_t m = 0; m < i && first; m++)
				first = strcmp(rs_str(json_array_get(ps[k].shift, m), "device"),
					       rs_str(x, "device")) != 0;
			if (!first)
				continue;
			fprintf(rf.f, "\"%s %s\"", ps[k].name, rs_str(x, "device"));
			json_array_foreach(vlist, j, v) {
				const json_t *y = NULL, *z;
				size_t m;

				json_array_foreach(ps[k].shift, m, z) {
					if (!strcmp(rs_str(z, "device"), rs_str(x, "device")) &&
					    !strcmp(rs_str(z, "variant"), json_string_value(v)))
						y = z;
				}
				if (y && json_is_number(json_object_get(y, "value")))
					fprintf(rf.f, " %.10g %.10g %.10g", rs_num(y, "value"),
						json_is_number(json_object_get(y, "ci_lo"))
							? rs_num(y, "ci_lo")
							: rs_num(y, "value"),
						json_is_number(json_object_get(y, "ci_hi"))
							? rs_num(y, "ci_hi")
							: rs_num(y, "value"));
				else
					fprintf(rf.f, " NaN NaN NaN");
			}
			fputc('\n', rf.f);
		}
	if (results_commit(&rf))
		goto out;
	report_fig_add(rp,
		       &(struct fig){.section = "fleet",
				     .name = "fig-fleet-shift",
				     .kind = "overhead",
				     .script = "overhead.gp",
				     .data = "data/fleet-shift.dat",
				     .title = "ioctl get-info: wrapper cost by platform and device",
				     .caption = "",
				     .ylabel = "ns per operation, minus the reference",
				     .variants = sb_str(&vars)});
out:
	json_decref(vlist);
	sb_release(&vars);
	sb_release(&path);
}

int report_fleet(const char *dir, const char *gnuplot, char *index, size_t len)
{
	json_t *names = platforms(dir), *x;
	size_t np = json_array_size(names), i;
	struct plat *ps = calloc(np ? np : 1, sizeof(*ps));
	struct results_file rf;
	struct report *rp = NULL;
	char path[4200];
	int ret = ps ? report_new(gnuplot, &rp) : -ENOMEM;

	if (ret)
		goto out;
	for (i = 0; i < np; i++) {
		ps[i].name = json_string_value(json_array_get(names, i));
		load_platform(dir, &ps[i]);
	}
	ret = report_dirs(rp, dir);
	if (ret)
		goto out;
	shift_figure(rp, ps, np);
	if (gnuplot)
		report_draw(rp);
	snprintf(path, sizeof(path), "%s/index.html", rp->rdir);
	ret = results_open(&rf, path);
	if (ret) {
		ret = -EIO;
		goto out;
	}
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
		   "(no-get), with its 95 %% CI (bars: the shift; whiskers: the CI).</p>\n");
	if (json_array_size(rp->figs))
		report_inline_svg(f, rp, "fig-fleet-shift");
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
			row_start(f, ps[k].name, ps[k].shift_run, ps[k].shift_clock, x);
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
			row_start(f, ps[k].name, ps[k].exit_run, ps[k].exit_clock, x);
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
	ret = results_commit(&rf) ? -EIO : 0;
	snprintf(index, len, "%s", path);
out:
	for (i = 0; ps && i < np; i++) {
		json_decref(ps[i].shift);
		json_decref(ps[i].exit);
		json_decref(ps[i].certs);
	}
	free(ps);
	json_decref(names);
	report_free(rp);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * report_html.c - report/index.html: one page, no network, every figure
 * inline (its SVG, so the page is the report), each under a short caption
 * with its numbers in a table, then the summary tables, the run, the
 * platform identity and what is missing.
 *
 * For tools (and the headless-browser test) every figure is a
 * <figure class="fig"> with data-kind, data-dstate, data-variants and
 * data-colors; the legend lists each variant with its colour.
 */
#include "report.h"
#include "common.h"
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h(FILE *f, const char *s)
{
	rs_html_puts(f, s);
}

static void html_kv(FILE *f, const char *k, const char *v)
{
	fprintf(f, "<tr><th>");
	h(f, k);
	fprintf(f, "</th><td>");
	h(f, v);
	fprintf(f, "</td></tr>\n");
}

static const char *const sections[][2] = {
	{"overhead", "Per-operation overhead against the reference"},
	{"latency", "Latency distributions"},
	{"lowpower", "Low-power exit and entry"},
	{"contention", "Contention scaling"},
	{"profile", "Profile: instructions per operation by function (vm --profile)"},
	{"history", "History across runs"},
};

/*
 * The SVG of a figure, inline: from its <svg> on, its ids (and the
 * references to them) prefixed with the figure's name, so that the
 * figures of one page do not share ids.
 */
void report_inline_svg(FILE *f, const struct report *rp, const char *file)
{
	struct strbuf path = STRBUF_INIT;
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *in;

	sb_printf(&path, "%s/%s.svg", rp->rdir, file);
	in = fopen(sb_str(&path), "r");
	sb_release(&path);
	if (!in || getdelim(&buf, &len, '\0', in) < 0 || !(p = strstr(buf, "<svg"))) {
		fprintf(f, "<p class=\"missing\">figure missing: %s.svg</p>\n", file);
		goto out;
	}
	while (*p) {
		static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
		bool done = false;

		for (size_t i = 0; i < ARRAY_SIZE(refs) && !done; i++) {
			size_t l = strlen(refs[i]);

			if (!strncmp(p, refs[i], l)) {
				fprintf(f, "%s%s-", refs[i], file);
				p += l;
				done = true;
			}
		}
		if (!done)
			fputc(*p++, f);
	}
	fputc('\n', f);
out:
	free(buf);
	if (in)
		fclose(in);
}

static void html_table(FILE *f, const json_t *fig)
{
	const json_t *t = json_object_get(fig, "table"), *x, *row;
	size_t i, j;

	if (!json_is_object(t))
		return;
	fprintf(f, "<table class=\"nums\" data-figure=\"");
	h(f, rs_str(fig, "file"));
	fprintf(f, "\">\n<tr>");
	json_array_foreach(json_object_get(t, "columns"), i, x) {
		fprintf(f, "<th>");
		h(f, json_string_value(x));
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	json_array_foreach(json_object_get(t, "rows"), i, row) {
		fprintf(f, "<tr>");
		json_array_foreach(row, j, x) {
			fprintf(f, "<td>");
			h(f, json_string_value(x));
			fprintf(f, "</td>");
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

static void html_figure(FILE *f, const struct report *rp, const json_t *x)
{
	struct strbuf colors = STRBUF_INIT, vars = STRBUF_INIT;
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(x, "variants"), i, v) {
		sb_word(&vars, json_string_value(v));
		sb_word(&colors, report_color(rp, json_string_value(v)));
	}
	fprintf(f, "<figure class=\"fig\" id=\"");
	h(f, rs_str(x, "file"));
	fprintf(f, "\" data-kind=\"");
	h(f, rs_str(x, "kind"));
	fprintf(f, "\" data-dstate=\"");
	h(f, rs_str(x, "dstate"));
	fprintf(f, "\" data-variants=\"");
	h(f, sb_str(&vars));
	fprintf(f, "\" data-colors=\"");
	h(f, sb_str(&colors));
	fprintf(f, "\">\n");
	if (json_is_true(json_object_get(x, "ok")))
		report_inline_svg(f, rp, rs_str(x, "file"));
	else {
		fprintf(f, "<p class=\"missing\">figure missing: ");
		h(f, rs_str(x, "title"));
		fprintf(f, " (gnuplot failed; see gnuplot.log)</p>\n");
	}
	fprintf(f, "<figcaption><b>");
	h(f, rs_str(x, "title"));
	fprintf(f, "</b>. ");
	h(f, rs_str(x, "caption"));
	if (json_is_true(json_object_get(x, "ok"))) {
		fprintf(f, " <a href=\"");
		h(f, rs_str(x, "file"));
		fprintf(f, ".png\">PNG</a> <a href=\"");
		h(f, rs_str(x, "file"));
		fprintf(f, ".svg\">SVG</a>");
	}
	fprintf(f, "</figcaption>\n</figure>\n");
	sb_release(&colors);
	sb_release(&vars);
}

/* A section's figures, a group (a case's exit and entry, ...) per row. */
static size_t html_section(FILE *f, const struct report *rp, const char *section)
{
	const json_t *figs = rp->figs, *x, *y;
	size_t i, j, n = 0;

	for (i = 0; i < json_array_size(figs); i = j) {
		x = json_array_get(figs, i);
		for (j = i + 1; j < json_array_size(figs); j++) {
			y = json_array_get(figs, j);
			if (strcmp(rs_str(x, "group"), rs_str(y, "group")) ||
			    strcmp(rs_str(y, "section"), rs_str(x, "section")))
				break;
		}
		if (strcmp(rs_str(x, "section"), section))
			continue;
		fprintf(f, "<div class=\"row\">\n");
		for (size_t k = i; k < j; k++)
			html_figure(f, rp, json_array_get(figs, k));
		fprintf(f, "</div>\n");
		for (size_t k = i; k < j; k++)
			html_table(f, json_array_get(figs, k));
		n += j - i;
	}
	return n;
}

/* The low-power states the run's figures show: "D3cold, D3hot". */
static void states_shown(const struct report *rp, struct strbuf *out)
{
	bool cold = false, hot = false;
	const json_t *x;
	size_t i;

	json_array_foreach(rp->figs, i, x) {
		cold |= strstr(rs_str(x, "dstate"), "D3cold") != NULL;
		hot |= strstr(rs_str(x, "dstate"), "D3hot") != NULL;
	}
	if (cold)
		sb_word(out, hot ? "D3cold," : "D3cold");
	if (hot)
		sb_word(out, "D3hot");
}

static void html_legend(FILE *f, const struct report *rp)
{
	const char *v;
	json_t *c;

	fprintf(f, "<h2 id=\"variants\">Variants</h2>\n<ul class=\"legend\">\n");
	json_object_foreach(rp->colors, v, c) {
		fprintf(f, "<li data-variant=\"");
		h(f, v);
		fprintf(f,
			"\" data-color=\"%s\"><span class=\"swatch\" style=\"background:%s\">"
			"</span>",
			json_string_value(c), json_string_value(c));
		h(f, v);
		if (!strcmp(v, rp->r.reference))
			fprintf(f, " (the reference)");
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
}

/* The platform's runs, by start time, with their kernel releases. */
static void html_runs(FILE *f, const struct report *rp)
{
	fprintf(f,
		"<table class=\"runs\">\n<caption>The runs of %s, oldest first</caption>\n"
		"<tr><th>run</th><th>start (host clock)</th><th>start (guest clock)</th>"
		"<th>kernel (base)</th><th>harness</th><th>clock</th></tr>\n",
		rp->r.platform);
	for (size_t i = 0; i < rp->nruns; i++) {
		const struct rs_run *x = &rp->runs[i];
		char start[32];
		const char *src = rs_run_start(x->run, x->id, start, sizeof(start));
		struct strbuf kw = STRBUF_INIT;

		fprintf(f, "<tr%s><td>", i == rp->this_run ? " class=\"this\"" : "");
		h(f, x->id);
		fprintf(f, "%s</td><td>", i == rp->this_run ? " (this report)" : "");
		if (!strcmp(src, "guest clock")) {
			fprintf(f, "unknown");
		} else {
			h(f, start);
			if (!strcmp(src, "run id"))
				fprintf(f, " (from the run id)");
		}
		fprintf(f, "</td><td>");
		h(f, rs_str(x->run, "guest_start_time")[0] ? rs_str(x->run, "guest_start_time")
		     : strcmp(src, "start_time")	   ? rs_str(x->run, "start_time")
							   : "-");
		fprintf(f, "</td><td>");
		report_kernel(x->run, &kw);
		h(f, sb_str(&kw));
		sb_release(&kw);
		fprintf(f, "</td><td>");
		h(f, rs_str(x->run, "harness_revision"));
		fprintf(f, "</td><td>");
		h(f, rs_str(json_object_get(x->run, "clock"), "label"));
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

/* The round-level shift (summary.json vs_reference.<v>.rounds), if any. */
static void html_rounds(FILE *f, const json_t *r)
{
	const json_t *ci = json_object_get(r, "ci");
	struct strbuf b = STRBUF_INIT;

	if (!ci)
		return;
	report_dur(rs_num(r, "median_diff"), &b);
	sb_puts(&b, " [");
	report_dur(json_number_value(json_array_get(ci, 0)), &b);
	sb_puts(&b, ", ");
	report_dur(json_number_value(json_array_get(ci, 1)), &b);
	sb_printf(&b, "], %.0f rounds, p %.2g", rs_num(r, "n"), rs_num(r, "p"));
	fprintf(f, "<br>by rounds: ");
	h(f, sb_str(&b));
	sb_release(&b);
}

static void td_dur(FILE *f, double ns)
{
	struct strbuf b = STRBUF_INIT;

	report_dur(ns, &b);
	fprintf(f, "<td>%s</td>", sb_str(&b));
	sb_release(&b);
}

static void html_case_table(FILE *f, const struct report *rp, const json_t *c)
{
	struct strbuf label = STRBUF_INIT, b = STRBUF_INIT;
	const char *v;
	json_t *d;

	report_case_name(c, &label);
	fprintf(f, "<table class=\"stats\"><caption>");
	h(f, sb_str(&label));
	fprintf(f, " &mdash; %s, batch %lld, clock ", rs_str(c, "unit"),
		(long long)json_integer_value(json_object_get(c, "batch")));
	h(f, rp->r.clock_label[0] ? rp->r.clock_label : "unknown");
	fprintf(f, "</caption>\n<tr><th>variant</th><th>n valid / total</th><th>median</th>"
		   "<th>median 95%% CI</th><th>p90</th><th>p99</th><th>p99.9</th><th>stddev</th>"
		   "<th>harness overhead</th><th>shift vs ");
	h(f, rs_str(c, "reference"));
	fputs(" [95% CI], Mann-Whitney p</th></tr>\n", f);
	json_object_foreach(json_object_get(c, "variants"), v, d) {
		const json_t *ci = json_object_get(d, "median_ci95");
		const json_t *s = json_object_get(json_object_get(c, "vs_reference"), v);
		static const char *const keys[] = {"p90", "p99", "p999", "stddev"};

		fprintf(f, "<tr><td>");
		h(f, v);
		fprintf(f, "</td><td>%.0f / %.0f</td>", rs_num(d, "valid"), rs_num(d, "total"));
		td_dur(f, rs_num(d, "median"));
		sb_reset(&b);
		if (json_array_size(ci) == 2) {
			sb_puts(&b, "[");
			report_dur(json_number_value(json_array_get(ci, 0)), &b);
			sb_puts(&b, ", ");
			report_dur(json_number_value(json_array_get(ci, 1)), &b);
			sb_puts(&b, "]");
		} else {
			sb_puts(&b, "-");
		}
		fprintf(f, "<td>%s</td>", sb_str(&b));
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			td_dur(f, rs_num(d, keys[k]));
		td_dur(f, rs_num(d, "harness_overhead_ns"));
		fprintf(f, "<td>");
		if (s) {
			const json_t *hci = json_object_get(s, "hl_ci95");

			sb_reset(&b);
			report_dur(rs_num(s, "hl_shift"), &b);
			sb_printf(&b, " (%+.2f %%) [", rs_num(s, "percent_of_reference"));
			report_dur(hci ? json_number_value(json_array_get(hci, 0)) : NAN, &b);
			sb_puts(&b, ", ");
			report_dur(hci ? json_number_value(json_array_get(hci, 1)) : NAN, &b);
			sb_printf(&b, "], p %.2g", rs_num(json_object_get(s, "mann_whitney"), "p"));
			h(f, sb_str(&b));
			html_rounds(f, json_object_get(s, "rounds"));
		} else {
			fprintf(f, "-");
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
	sb_release(&label);
	sb_release(&b);
}

static void html_notes(FILE *f, const char *title, const json_t *arr)
{
	json_t *x;
	size_t i;

	fprintf(f, "<h3>%s (%zu)</h3>\n", title, json_array_size(arr));
	if (!json_array_size(arr)) {
		fprintf(f, "<p>none</p>\n");
		return;
	}
	fprintf(f, "<ul>\n");
	json_array_foreach(arr, i, x) {
		fprintf(f, "<li>");
		if (json_is_string(x)) {
			h(f, json_string_value(x));
		} else {
			json_t *flat = json_object(), *v;
			const char *k;
			bool first = true;

			rs_flatten(x, "", flat);
			json_object_foreach(flat, k, v) {
				fprintf(f, "%s<b>", first ? "" : ", ");
				h(f, k);
				fprintf(f, "</b> ");
				h(f, json_string_value(v));
				first = false;
			}
			json_decref(flat);
		}
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
}

static void html_head(FILE *f, const struct report *rp)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
		   "vfio-pm-bench report: ");
	h(f, rp->r.id);
	fprintf(f, "</title>\n<style>\n"
		   "body{font-family:sans-serif;margin:1.5em;max-width:1400px;color:#222}\n"
		   "table{border-collapse:collapse;margin:0.4em 0 1.2em}\n"
		   "td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;font-size:88%%}\n"
		   "th{background:#f3f3f3}caption{text-align:left;font-weight:bold}\n"
		   ".row{display:flex;flex-wrap:wrap;gap:1em}\n"
		   ".fig{flex:1 1 560px;max-width:680px;margin:0.8em 0 0.2em;min-width:0}\n"
		   ".fig svg{width:100%%;height:auto;display:block}\n"
		   "figcaption{font-size:88%%;color:#333}\n"
		   ".legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.2em}\n"
		   ".swatch{display:inline-block;width:1.6em;height:0.8em;margin-right:0.4em;"
		   "vertical-align:middle}\n"
		   ".missing{color:#b00}tr.this td{font-weight:bold}code{font-size:90%%}\n"
		   "</style>\n</head>\n");
}

/* The heading: clock, start time (host; the guest's apart), kernel, harness. */
static void html_intro(FILE *f, const struct report *rp)
{
	const json_t *run = rp->r.run;
	struct strbuf kw = STRBUF_INIT;
	char start[32];
	const char *src = rs_run_start(run, rp->r.id, start, sizeof(start));

	fprintf(f, "<h1>vfio-pm-bench: ");
	h(f, rp->r.platform);
	fprintf(f, " / ");
	h(f, rp->r.id);
	fprintf(f, "</h1>\n<p>Clock: <b>");
	h(f, report_clock_words(rp->r.clock_label));
	fprintf(f, "</b>. Started ");
	if (!strcmp(src, "guest clock") || !start[0]) {
		fprintf(f, "at an unknown time (host clock)");
	} else {
		h(f, start);
		fprintf(f, " (host clock%s)", !strcmp(src, "run id") ? ", from the run id" : "");
	}
	if (rs_str(run, "guest_start_time")[0] || strcmp(src, "start_time")) {
		fprintf(f, "; the guest's clock said ");
		h(f, rs_str(run, rs_str(run, "guest_start_time")[0] ? "guest_start_time"
								    : "start_time"));
	}
	fprintf(f, ". Kernel <b>");
	report_kernel(run, &kw);
	h(f, sb_str(&kw));
	sb_release(&kw);
	fprintf(f, "</b>, harness ");
	h(f, rs_str(run, "harness_revision"));
	fprintf(f, ". Values are per operation; n counts valid samples; CIs are 95 %%; each "
		   "figure's numbers are in the table under it.</p>\n");
}

static void html_contents(FILE *f)
{
	fprintf(f, "<h2>Contents</h2>\n<ul>\n");
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		fprintf(f, "<li><a href=\"#%s\">%s</a></li>\n", sections[i][0], sections[i][1]);
	fprintf(f, "<li><a href=\"#tables\">Summary tables</a></li>\n<li><a href=\"#run\">The "
		   "run and the platform</a></li>\n<li><a href=\"#missing\">Skipped, failed and "
		   "missing</a></li>\n<li><a href=\"summary.md\">summary.md</a> (plain text, for "
		   "mailing lists)</li>\n</ul>\n");
}

/* The figures, section by section. */
static void html_figures(FILE *f, const struct report *rp)
{
	struct strbuf st = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		fprintf(f, "<h2 id=\"%s\">%s", sections[i][0], sections[i][1]);
		if (!strcmp(sections[i][0], "lowpower")) {
			states_shown(rp, &st);
			if (st.len)
				fprintf(f, ": %s", sb_str(&st));
		}
		fprintf(f, "</h2>\n");
		if (!strcmp(sections[i][0], "history"))
			html_runs(f, rp);
		if (!html_section(f, rp, sections[i][0]))
			fprintf(f,
				"<p class=\"missing\">No figure: no data for this section in this "
				"run (see <a href=\"#missing\">missing</a>).</p>\n");
	}
	sb_release(&st);
}

static void html_flat(FILE *f, const json_t *j, const char *prefix)
{
	json_t *flat = json_object(), *v;
	const char *key;

	rs_flatten(j, prefix, flat);
	json_object_foreach(flat, key, v) {
		html_kv(f, key, json_string_value(v));
	}
	json_decref(flat);
}

/* The run (run.json) and the platform's identity (run.json, else platform.json). */
static void html_run(FILE *f, struct report *rp)
{
	const json_t *run = rp->r.run, *x;
	struct strbuf path = STRBUF_INIT;
	json_t *ident = NULL;
	char start[32];
	const char *src = rs_run_start(run, rp->r.id, start, sizeof(start));

	fprintf(f, "<h2 id=\"run\">The run and the platform</h2>\n<table>\n");
	html_kv(f, "run id", rp->r.id);
	html_kv(f, "status", rs_str(run, "status"));
	html_kv(f, "command", rs_str(run, "command"));
	html_kv(f, "harness revision", rs_str(run, "harness_revision"));
	html_kv(f, "start (host clock)", strcmp(src, "guest clock") ? start : "unknown");
	html_kv(f, "end", rs_str(run, "end_time"));
	if (rs_str(run, "guest_start_time")[0]) {
		html_kv(f, "start (guest clock)", rs_str(run, "guest_start_time"));
		html_kv(f, "end (guest clock)", rs_str(run, "guest_end_time"));
	}
	html_kv(f, "reference variant", rp->r.reference);
	html_flat(f, json_object_get(run, "clock"), "clock");
	html_flat(f, json_object_get(run, "vm"), "vm"); /* the QEMU launcher's facts */
	fprintf(f, "</table>\n<h3>Platform identity</h3>\n<table>\n");
	x = json_object_get(run, "platform_identity");
	if (!x) {
		sb_printf(&path, "%s/platform.json", rp->pdir);
		x = ident = json_load_file(sb_str(&path), 0, NULL);
		if (!x) {
			report_missing(rp, "%s: missing or corrupt (platform identity)",
				       sb_str(&path));
			fprintf(f, "<tr><td class=\"missing\">missing</td></tr>\n");
		}
		sb_release(&path);
	}
	html_flat(f, x, "");
	fprintf(f, "</table>\n");
	json_decref(ident);
}

int report_write_html(struct report *rp)
{
	struct strbuf path = STRBUF_INIT;
	struct results_file rf;
	const json_t *c;
	size_t i;
	int ret;

	sb_printf(&path, "%s/index.html", rp->rdir);
	ret = results_open(&rf, sb_str(&path));
	sb_release(&path);
	if (ret)
		return ret;
	html_head(rf.f, rp);
	fprintf(rf.f, "<body>\n");
	html_intro(rf.f, rp);
	html_legend(rf.f, rp);
	html_contents(rf.f);
	html_figures(rf.f, rp);

	fprintf(rf.f, "<h2 id=\"tables\">Summary tables</h2>\n");
	if (!rp->r.summary)
		fprintf(rf.f, "<p class=\"missing\">summary.json is missing or corrupt.</p>\n");
	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		html_case_table(rf.f, rp, c);
	}
	html_run(rf.f, rp);

	fprintf(rf.f, "<h2 id=\"missing\">Skipped, failed and missing</h2>\n");
	html_notes(rf.f, "Skipped", json_object_get(rp->r.run, "skipped"));
	html_notes(rf.f, "Failed", json_object_get(rp->r.run, "failed"));
	html_notes(rf.f, "Missing or corrupt inputs", rp->r.problems);
	html_notes(rf.f, "Not drawn", rp->missing);
	fprintf(rf.f, "<p>Generated by vfio-pm-bench %s report.</p>\n</body></html>\n",
		vpb_git_rev);
	return results_commit(&rf);
}

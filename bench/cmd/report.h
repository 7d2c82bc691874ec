/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - `vfio-pm-bench report`: its entry point (report_generate(),
 * for the command, the tests and fuzz_rundir), and what its parts share:
 * report.c (the command, loading, gnuplot), report_fig.c (the figures: their
 * data files, gnuplot drivers and tables), report_html.c (index.html) and
 * report_md.c (summary.md).
 */
#ifndef VPB_REPORT_H
#define VPB_REPORT_H

#include "strbuf.h"

#include "resultset.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/**
 * struct report - one report being made.
 * @r: the run
 * @pdir: results/<platform>
 * @rdir: <run>/report
 * @plotdir: the gnuplot scripts (plot/)
 * @gnuplot: the gnuplot program, or NULL to draw nothing
 * @figs: the figures, in page order: objects {section, group, file, kind,
 *        title, caption, dstate, variants [], table {columns [], rows [[]]},
 *        ok}; a group is one row of the page (a case's exit and entry)
 * @missing: what could not be drawn, strings
 * @colors: variant -> "#rrggbb", one colour per variant for every figure
 * @runs: the platform's runs, oldest first (rs_list_runs()); the one
 *        reported is @r's copy (its summary shared)
 * @nruns: their number
 * @this_run: index of the run reported in @runs
 */
struct report {
	struct rs_run r;
	char pdir[2048];
	char rdir[2300];
	char plotdir[2048];
	const char *gnuplot;
	json_t *figs;
	json_t *missing;
	json_t *colors;
	struct rs_run *runs;
	size_t nruns, this_run;
};

/**
 * report_generate() - draw a run and write <run>/report/.
 * @platform_dir: results/<platform>
 * @run_id: the run, or NULL for the newest (by start time)
 * @gnuplot: the gnuplot program (a name looked up in PATH, or a path), or
 *           NULL to draw nothing (every figure is then missing; fuzz_rundir)
 * @index: out, the path of the index.html written
 * @len: size of @index
 *
 * Writes report/index.html, report/summary.md, the figures (SVG + PNG) and
 * their data files. Missing or corrupt inputs and figures gnuplot could
 * not draw are named on stderr and listed in the HTML; the rest is made.
 *
 * Return: 0 when the report was written; -ENOENT (no such run or
 * platform), -ENOEXEC (gnuplot not found), -EIO (cannot write), -ENOMEM.
 */
int report_generate(const char *platform_dir, const char *run_id, const char *gnuplot, char *index,
		    size_t len);

/**
 * report_is_fleet() - whether @dir is a results directory of several
 * platforms (no run of its own, and subdirectories that hold runs).
 */
bool report_is_fleet(const char *dir);

/**
 * report_fleet() - draw one page comparing every platform of @dir
 * (report_fleet.c): <dir>/report/index.html, its figure drawn with @gnuplot
 * (NULL: none drawn).
 * @index: out, the page's path
 *
 * Return: 0; -ENOEXEC (gnuplot not found); -EIO; -ENOMEM.
 */
int report_fleet(const char *dir, const char *gnuplot, char *index, size_t len);

/* ---- between the parts of the report ---------------------------------- */

/**
 * report_new() - a report with no run yet: its figure queue, colours and
 * plot scripts' directory ($VPB_PLOT_DIR or the built-in one).
 * @gnuplot: the gnuplot program, or NULL to draw nothing
 * @out: the report (report_free()), NULL on error
 *
 * Return: 0; -ENOEXEC when @gnuplot is not found (said on stderr); -ENOMEM.
 */
int report_new(const char *gnuplot, struct report **out);

/**
 * report_dirs() - set @rp->rdir to <@parent>/report and make it, with its
 * data/ and gp/. Return: 0; -EIO.
 */
int report_dirs(struct report *rp, const char *parent);

/** report_free() - release a report_new() report and its run(s). */
void report_free(struct report *rp);

/**
 * struct fig - a figure to queue (report_fig_add()): its gnuplot script
 * (plot/@script) draws @data; @name is its file name (SVG, PNG, gp/);
 * @variants the words of its variants, coloured by report_color().
 */
struct fig {
	const char *section, *group, *name, *kind, *script, *data;
	const char *title, *caption, *dstate, *xlabel, *ylabel, *scale, *xtics;
	const char *variants;
	json_t *table;
};

/**
 * report_fig_add() - write the gnuplot driver of @fg (<rdir>/gp/) and queue
 * the figure in @rp->figs. Its title names the run's clock and kernel when
 * @rp has a run (@rp->r.dir). Takes @fg->table.
 */
void report_fig_add(struct report *rp, const struct fig *fg);

/** report_draw() - run gnuplot on every queued figure (@rp->gnuplot). */
void report_draw(struct report *rp);

/** report_find_program() - whether @prog (a path, or a name in PATH) can run. */
bool report_find_program(const char *prog);

/** report_add_variant() - give @v its colour, if it has none yet. */
void report_add_variant(struct report *rp, const char *v, size_t *spare);

/** report_inline_svg() - the SVG of a queued figure, inline in a page. */
void report_inline_svg(FILE *f, const struct report *rp, const char *file);

/** report_missing() - name something not drawn: stderr and the HTML. */
void report_missing(struct report *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** report_is_cycle() - a case of the d3cold suite (one sample per low-power cycle). */
bool report_is_cycle(const json_t *c);

/** report_unit_div() - ns per display unit of a case: 1e6 (ms) for cycles, else 1. */
double report_unit_div(const json_t *c);

/** report_unit() - the display unit of a case: "ms" or "ns". */
const char *report_unit(const json_t *c);

/**
 * report_kernel() - the kernel a run measured, for titles and headings:
 * its release, and the kernel base it was built from when run.json names
 * one ("6.12.117, base debian-6.12.117"); "unknown" without a release.
 */
void report_kernel(const json_t *run, struct strbuf *out);

/** report_clock_words() - a clock label ("icount", ...) said in words. */
const char *report_clock_words(const char *label);

/** report_color() - the colour of @variant, the same in every figure. */
const char *report_color(const struct report *rp, const char *variant);

/**
 * report_dstate() - the low-power state a case's valid samples started
 * from (summary.json states): "D3cold", "D3hot", "D3cold and D3hot", or ""
 * when the case does not go to low power.
 */
void report_dstate(const json_t *c, struct strbuf *out);

/**
 * report_case_name() - "<suite>.<case> on <device>[, <point>]".
 */
void report_case_name(const json_t *c, struct strbuf *out);

/**
 * report_entry_ms() - the entry latencies of a cycle case, from its
 * <stem>.csv (the entry_ms column of its valid cycles).
 * @rp: the report (a file that does not load is named in @rp->missing)
 * @c: the case
 *
 * Return: a JSON object variant -> array of ms, ascending; NULL when the
 * case has no such column (or no file).
 */
json_t *report_entry_ms(struct report *rp, const json_t *c);

/**
 * struct report_stats - a distribution in a table.
 * @n: values
 * @median: their median
 * @lo: the 95 % bootstrap CI of the median, low end (NaN below 2 values)
 * @hi: high end
 * @p99: 99th percentile (type 7)
 * @max: largest
 */
struct report_stats {
	size_t n;
	double median, lo, hi, p99, max;
};

/** report_stats_of() - @st of the sorted values of a JSON array of numbers. */
void report_stats_of(const struct report *rp, const json_t *arr, struct report_stats *st);

/**
 * report_entry_stats() - the low-power entry latency of case @c for variant
 * @v: summary.json's (variants.<v>.entry, schema 2), the one source shared
 * with qualify; for a run from before it stored one, computed from @arr
 * (the cycles' entry_ms rows, report_entry_ms()).
 */
void report_entry_stats(const struct report *rp, const json_t *c, const char *v, const json_t *arr,
			struct report_stats *st);

/**
 * report_num() - a number for people: 4 significant digits, no float noise
 * ("0.698", "1.235e+06" never; big values keep their integer digits).
 */
void report_num(double v, struct strbuf *out);

/**
 * report_dur() - @ns as a duration in the unit that keeps it below 1000 (s
 * above), 4 significant digits: "152ns", "11.06ms", "-3.414us"; "-" for NaN.
 */
void report_dur(double ns, struct strbuf *out);

/** report_figures() - queue every figure: data files, gnuplot drivers, tables. */
void report_figures(struct report *rp);

/**
 * report_profile() - the run's profile (<run>/profile/profile.json, written
 * by `vfio-pm-bench profile`), loop cases only, the first round of each:
 * [{suite, case, device, variants: {name: the profile's "op" object}}];
 * NULL when the run has no profile.
 */
json_t *report_profile(const struct report *rp);

/**
 * report_profile_top() - the names of the @max functions of a
 * report_profile() case with the most instructions per op in any variant,
 * largest first.
 */
json_t *report_profile_top(const json_t *pc, size_t max);

/**
 * report_profile_get() - instructions per op of function @fn in a
 * variant's "op" object (0 when absent).
 */
double report_profile_get(const json_t *op, const char *fn);

/** report_write_html() - write <run>/report/index.html. Return: 0 or -errno. */
int report_write_html(struct report *rp);

/** report_write_md() - write <run>/report/summary.md. Return: 0 or -errno. */
int report_write_md(struct report *rp);

#endif

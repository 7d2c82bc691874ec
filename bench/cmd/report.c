// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - `vfio-pm-bench report results/<platform> [--run ID]`: loads the
 * run and the platform's other runs (for the history), queues the figures
 * (report_fig.c), draws them with gnuplot (scripts in plot/; one process
 * per figure, no shell, as many at a time as there are CPUs, so one figure
 * that fails does not stop the others) and writes report/index.html
 * (report_html.c) and report/summary.md (report_md.c).
 */
#include "report.h"
#include "cmd.h"
#include "common.h"
#include "results.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VPB_PLOT_DIR
#define VPB_PLOT_DIR VPB_SOURCE_DIR "/plot"
#endif

void report_missing(struct report *rp, const char *fmt, ...)
{
	struct strbuf b = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	vpb_err("report: %s", sb_str(&b));
	json_array_append_new(rp->missing, json_string(sb_str(&b)));
	sb_release(&b);
}

bool report_is_cycle(const json_t *c)
{
	return !strcmp(rs_str(c, "suite"), "d3cold");
}

double report_unit_div(const json_t *c)
{
	return report_is_cycle(c) ? 1e6 : 1.0;
}

const char *report_unit(const json_t *c)
{
	return report_is_cycle(c) ? "ms" : "ns";
}

void report_kernel(const json_t *run, struct strbuf *out)
{
	const json_t *k = json_object_get(json_object_get(run, "platform_identity"), "kernel");
	const char *base = rs_str(json_object_get(run, "base"), "name");

	sb_puts(out, rs_str(k, "release")[0] ? rs_str(k, "release") : "unknown");
	if (base[0])
		sb_printf(out, ", base %s", base);
}

const char *report_clock_words(const char *label)
{
	if (!strcmp(label, "icount"))
		return "icount (instruction-time, exact and repeatable; not wall time)";
	if (!strcmp(label, "host"))
		return "host (emulated: wall time of an emulated machine)";
	if (!strcmp(label, "native"))
		return "native (wall time on real hardware)";
	return label[0] ? label : "unknown";
}

/*
 * Colours: the project's variants keep theirs from run to run (Okabe-Ito,
 * told apart with colour-blindness); others take the rest in order.
 */
static const char *const known_colors[][2] = {
	{"no-get", "#555555"},	{"upstream", "#0072b2"}, {"v4", "#d55e00"},
	{"wakeref", "#009e73"}, {"percpu", "#cc79a7"},	 {"none", "#000000"},
};
static const char *const spare_colors[] = {"#e69f00", "#56b4e9", "#8c564b", "#17becf",
					   "#bcbd22", "#9467bd", "#e41a1c", "#999999"};

void report_add_variant(struct report *rp, const char *v, size_t *spare)
{
	if (!v[0] || json_object_get(rp->colors, v))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(known_colors); i++)
		if (!strcmp(known_colors[i][0], v)) {
			json_object_set_new(rp->colors, v, json_string(known_colors[i][1]));
			return;
		}
	json_object_set_new(rp->colors, v,
			    json_string(spare_colors[(*spare)++ % ARRAY_SIZE(spare_colors)]));
}

/* Every variant of the run, in the run's order, with its colour. */
static void assign_colors(struct report *rp)
{
	const json_t *vars = json_object_get(json_object_get(rp->r.run, "options"), "variants");
	json_t *x, *c, *d;
	const char *v;
	size_t i, spare = 0;

	json_array_foreach(vars, i, x) {
		report_add_variant(rp, rs_str(x, "name"), &spare);
	}
	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		json_object_foreach(json_object_get(c, "variants"), v, d) {
			report_add_variant(rp, v, &spare);
		}
	}
}

const char *report_color(const struct report *rp, const char *variant)
{
	const char *c = json_string_value(json_object_get(rp->colors, variant));

	return c ? c : "#999999";
}

void report_dstate(const json_t *c, struct strbuf *out)
{
	bool cold = false, hot = false;
	const char *k;
	json_t *n;

	json_object_foreach(json_object_get(c, "states"), k, n) {
		size_t l = strlen(k);

		if (l < 6 || strcmp(k + l - 6, "/valid") || json_number_value(n) <= 0)
			continue;
		cold |= strstr(k, "/D3cold/") != NULL;
		hot |= strstr(k, "/D3hot/") != NULL;
	}
	sb_puts(out, cold && hot ? "D3cold and D3hot" : cold ? "D3cold" : hot ? "D3hot" : "");
}

void report_case_name(const json_t *c, struct strbuf *out)
{
	sb_printf(out, "%s.%s", rs_str(c, "suite"), rs_str(c, "case"));
	if (rs_str(c, "device")[0])
		sb_printf(out, " on %s", rs_str(c, "device"));
	if (rs_str(c, "point")[0])
		sb_printf(out, ", %s", rs_str(c, "point"));
}

json_t *report_entry_ms(struct report *rp, const json_t *c)
{
	struct strbuf path = STRBUF_INIT;
	char stem[400], err[600];
	struct rs_samples s;
	json_t *out = NULL, *d;
	const char *v;
	int col, ret;

	rs_case_stem(c, stem, sizeof(stem));
	sb_printf(&path, "%s/%s.csv", rp->r.dir, stem);
	ret = rs_load_samples(sb_str(&path), &s, err, sizeof(err));
	sb_release(&path);
	if (ret) {
		if (ret != -ENOENT)
			report_missing(rp, "%s (entry latency)", err);
		return NULL;
	}
	col = rs_extra_index(&s, "entry_ms");
	if (col >= 0)
		out = json_object();
	json_object_foreach(json_object_get(c, "variants"), v, d) {
		double *x = col >= 0 ? malloc((s.n ? s.n : 1) * sizeof(*x)) : NULL;
		json_t *arr;
		size_t k = 0;

		if (!x)
			break;
		for (size_t i = 0; i < s.n; i++) {
			double e = s.s[i].extra[col];

			/* schema 1 wrote -1 for "not measured", schema 2 leaves it empty */
			if (s.s[i].valid && !strcmp(s.s[i].variant, v) && isfinite(e) && e >= 0)
				x[k++] = e;
		}
		stats_sort(x, k);
		arr = json_array();
		for (size_t i = 0; i < k; i++)
			json_array_append_new(arr, json_real(x[i]));
		json_object_set_new(out, v, arr);
		free(x);
	}
	free(s.s);
	return out;
}

void report_stats_of(const struct report *rp, const json_t *arr, struct report_stats *st)
{
	size_t n = json_array_size(arr);
	double *x = malloc((n ? n : 1) * sizeof(*x));
	json_t *sj = json_object_get(json_object_get(rp->r.run, "options"), "seed");
	uint64_t seed = json_is_integer(sj) ? (uint64_t)json_integer_value(sj) : 1;
	struct stats_ci ci;

	*st = (struct report_stats){
		.n = n, .median = NAN, .lo = NAN, .hi = NAN, .p99 = NAN, .max = NAN};
	if (!x || !n) {
		free(x);
		return;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = json_number_value(json_array_get(arr, i));
	stats_sort(x, n);
	st->median = stats_quantile_sorted(x, n, 0.5);
	st->p99 = stats_quantile_sorted(x, n, 0.99);
	st->max = x[n - 1];
	if (n >= 2 && !stats_bootstrap_median_ci(x, n, 0.95, 1000, seed, &ci)) {
		st->lo = ci.lo;
		st->hi = ci.hi;
	}
	free(x);
}

void report_entry_stats(const struct report *rp, const json_t *c, const char *v, const json_t *arr,
			struct report_stats *st)
{
	const json_t *e =
		json_object_get(json_object_get(json_object_get(c, "variants"), v), "entry");
	const json_t *ci = json_object_get(e, "median_ci95");

	if (!json_is_object(e)) {
		report_stats_of(rp, arr, st);
		return;
	}
	/* summary.json keeps nanoseconds; the tables show milliseconds */
	*st = (struct report_stats){.n = rs_count(e, "n"),
				    .median = rs_num(e, "median") / 1e6,
				    .lo = NAN,
				    .hi = NAN,
				    .p99 = rs_num(e, "p99") / 1e6,
				    .max = rs_num(e, "max") / 1e6};
	if (json_array_size(ci) == 2) {
		st->lo = json_number_value(json_array_get(ci, 0)) / 1e6;
		st->hi = json_number_value(json_array_get(ci, 1)) / 1e6;
	}
}

void report_num(double v, struct strbuf *out)
{
	if (isnan(v))
		sb_puts(out, "-");
	else if (fabs(v) >= 1e4 && fabs(v) < 1e15)
		sb_printf(out, "%.0f", v);
	else
		sb_printf(out, "%.4g", v);
}

void report_dur(double ns, struct strbuf *out)
{
	static const struct {
		double div;
		const char *unit;
	} units[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}, {1, "ns"}};
	size_t i = 0;

	if (isnan(ns)) {
		sb_puts(out, "-");
		return;
	}
	while (i + 1 < ARRAY_SIZE(units) && fabs(ns) < units[i].div)
		i++;
	sb_printf(out, "%.4g%s", ns / units[i].div, units[i].unit);
}

/* ---- drawing ------------------------------------------------------------ */

/* Is @prog runnable (a path, or a name in PATH)? */
bool report_find_program(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return !access(prog, X_OK);
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t l = colon ? (size_t)(colon - path) : strlen(path);

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)l, path, prog);
		if (!access(buf, X_OK))
			return true;
		path += l + (colon ? 1 : 0);
	}
	return false;
}

/* Start gnuplot on one queued figure, in the report directory. */
static pid_t draw_start(const struct report *rp, json_t *f, int logfd)
{
	char gp[700];
	pid_t pid;

	snprintf(gp, sizeof(gp), "gp/%s.gp", rs_str(f, "file"));
	pid = fork();
	if (pid == 0) {
		if (chdir(rp->rdir))
			_exit(127);
		if (logfd >= 0) {
			dup2(logfd, STDOUT_FILENO);
			dup2(logfd, STDERR_FILENO);
		}
		execlp(rp->gnuplot, rp->gnuplot, gp, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for a figure's gnuplot (@pid, or -1 if it did not start); record it. */
static void draw_finish(struct report *rp, json_t *f, pid_t pid, const char *log)
{
	char out[4096];
	struct stat st;
	int status = -1;
	bool ok;

	if (pid > 0)
		waitpid(pid, &status, 0);
	snprintf(out, sizeof(out), "%s/%s.svg", rp->rdir, rs_str(f, "file"));
	ok = WIFEXITED(status) && !WEXITSTATUS(status) && !stat(out, &st) && st.st_size;
	snprintf(out, sizeof(out), "%s/%s.png", rp->rdir, rs_str(f, "file"));
	ok = ok && !stat(out, &st) && st.st_size;
	json_object_set_new(f, "ok", json_boolean(ok));
	if (!ok)
		report_missing(rp, "figure %s: gnuplot failed (see %s)", rs_str(f, "file"), log);
}

/*
 * Run gnuplot on every queued figure, one process per online CPU at a time,
 * each figure waited for in queue order (so messages come in that order).
 */
void report_draw(struct report *rp)
{
	size_t n = json_array_size(rp->figs), done = 0, started = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t width = ncpu > 0 ? (size_t)ncpu : 1;
	pid_t *pids = calloc(n ? n : 1, sizeof(*pids));
	char log[4096];
	int logfd;

	if (!pids)
		abort();
	snprintf(log, sizeof(log), "%s/gnuplot.log", rp->rdir);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	while (done < n) {
		if (started < n && started - done < width) {
			pids[started] = draw_start(rp, json_array_get(rp->figs, started), logfd);
			started++;
			continue;
		}
		draw_finish(rp, json_array_get(rp->figs, done), pids[done], log);
		done++;
	}
	if (logfd >= 0)
		close(logfd);
	free(pids);
}

/* ---- the run and its platform's history --------------------------------- */

/* Load the platform's runs, oldest first; the reported one shares @rp->r's files. */
static void load_runs(struct report *rp)
{
	char **ids = NULL;
	size_t nids = 0;

	if (rs_list_runs(rp->pdir, &ids, &nids) || !nids)
		goto out;
	rp->runs = calloc(nids, sizeof(*rp->runs));
	if (!rp->runs)
		goto out;
	rp->nruns = nids;
	for (size_t i = 0; i < nids; i++) {
		struct rs_run *x = &rp->runs[i];
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/%s", rp->pdir, ids[i]);
		if (!strcmp(ids[i], rp->r.id) || !strcmp(dir, rp->r.dir)) {
			rp->this_run = i;
			snprintf(x->dir, sizeof(x->dir), "%s", rp->r.dir);
			snprintf(x->id, sizeof(x->id), "%s", rp->r.id);
			snprintf(x->start_time, sizeof(x->start_time), "%s", rp->r.start_time);
			x->run = json_incref(rp->r.run);
			x->summary = json_incref(rp->r.summary);
			continue;
		}
		rs_load(dir, x); /* problems: named on stderr, and noted here */
		if (json_array_size(x->problems))
			json_array_append_new(
				rp->missing,
				json_sprintf("history: run %s: %s", ids[i],
					     json_string_value(json_array_get(x->problems, 0))));
	}
out:
	rs_free_list(ids, nids);
}

int report_new(const char *gnuplot, struct report **out)
{
	struct report *rp = calloc(1, sizeof(*rp));

	*out = NULL;
	if (!rp)
		return -ENOMEM;
	rp->gnuplot = gnuplot;
	rp->figs = json_array();
	rp->missing = json_array();
	rp->colors = json_object();
	snprintf(rp->plotdir, sizeof(rp->plotdir), "%s",
		 getenv("VPB_PLOT_DIR") ? getenv("VPB_PLOT_DIR") : VPB_PLOT_DIR);
	if (gnuplot && !report_find_program(gnuplot)) {
		vpb_err("report: %s not found (apt-get install gnuplot-nox)", gnuplot);
		report_free(rp);
		return -ENOEXEC;
	}
	*out = rp;
	return 0;
}

int report_dirs(struct report *rp, const char *parent)
{
	char sub[2400];

	snprintf(rp->rdir, sizeof(rp->rdir), "%s/report", parent);
	snprintf(sub, sizeof(sub), "%s/data", rp->rdir);
	if (results_mkdirs(sub))
		return -EIO;
	snprintf(sub, sizeof(sub), "%s/gp", rp->rdir);
	return results_mkdirs(sub) ? -EIO : 0;
}

void report_free(struct report *rp)
{
	if (!rp)
		return;
	for (size_t i = 0; i < rp->nruns; i++)
		rs_free(&rp->runs[i]);
	free(rp->runs);
	rs_free(&rp->r);
	json_decref(rp->figs);
	json_decref(rp->missing);
	json_decref(rp->colors);
	free(rp);
}

int report_generate(const char *platform_dir, const char *run_id, const char *gnuplot, char *index,
		    size_t len)
{
	struct report *rp;
	char **ids = NULL, dir[4096], sub[4096];
	size_t nids = 0;
	int ret = report_new(gnuplot, &rp);

	if (ret)
		return ret;
	snprintf(rp->pdir, sizeof(rp->pdir), "%s", platform_dir);
	if (!run_id) {
		if (rs_list_runs(platform_dir, &ids, &nids) || !nids) {
			vpb_err("report: no run under %s", platform_dir);
			ret = -ENOENT;
			goto out;
		}
		run_id = ids[nids - 1];
	}
	snprintf(dir, sizeof(dir), "%s/%s", platform_dir, run_id);
	ret = rs_load(dir, &rp->r);
	if (ret) {
		vpb_err("report: %s: not a run (no run.json nor summary.json)", dir);
		goto out;
	}
	ret = report_dirs(rp, rp->r.dir);
	if (ret)
		goto out;
	snprintf(sub, sizeof(sub), "%s/lstopo.xml", platform_dir);
	if (access(sub, R_OK))
		report_missing(rp, "%s: missing (hwloc topology of the platform)", sub);

	assign_colors(rp);
	load_runs(rp);
	report_figures(rp);
	if (gnuplot)
		report_draw(rp);
	ret = report_write_html(rp);
	ret = report_write_md(rp) ? -EIO : ret ? -EIO : 0;
	snprintf(index, len, "%s/index.html", rp->rdir);
out:
	rs_free_list(ids, nids);
	report_free(rp);
	return ret;
}

static void report_usage(FILE *f)
{
	fprintf(f, "usage: vfio-pm-bench report results/<platform> [--run ID]\n"
		   "       vfio-pm-bench report results/\n\n"
		   "Given a directory of several platforms (results/), draws one page\n"
		   "comparing them all, results/report/index.html: the wrapper cost by variant\n"
		   "(ioctl get-info's shift against the reference, with its CI), the D3cold\n"
		   "exit p50/p99 by device and variant, and each platform's qualification\n"
		   "certificates; each platform's newest run with the figure, named.\n\n"
		   "Draws a run (default: the newest, by start time) with gnuplot and writes\n"
		   "<run>/report/: index.html (every figure inline, one colour per variant in\n"
		   "all of them, each with its numbers in a table; the D-state each low-power\n"
		   "case reached; the platform's history by time and by kernel release; the\n"
		   "platform identity; skipped/failed runs and what is missing), summary.md\n"
		   "(fixed-width tables for mailing lists), the figures as SVG and PNG, and\n"
		   "their data files. report/ is derived: it is written again each time and\n"
		   "not committed. A missing or corrupt input is named on stderr and marked\n"
		   "in the HTML; the rest is still produced.\n\n"
		   "  --run ID      the run directory's name under results/<platform>\n"
		   "  -h, --help    this text\n"
		   "Environment: VPB_GNUPLOT (default gnuplot), VPB_PLOT_DIR (the scripts).\n"
		   "Exit: 0 written, 1 failure (gnuplot missing: apt-get install gnuplot-nox),\n"
		   "2 usage (also: no such run).\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"run", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *run = NULL, *gp = getenv("VPB_GNUPLOT");
	char index[2600];
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			run = optarg;
			if (strchr(run, '/')) {
				vpb_err("report: --run takes a run id, not a path: '%s'", run);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'h':
			report_usage(stdout);
			return VPB_EXIT_OK;
		default:
			report_usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		vpb_err("report: expected one platform directory (results/<platform>)");
		report_usage(stderr);
		return VPB_EXIT_USAGE;
	}
	if (report_is_fleet(argv[optind])) {
		if (run) {
			vpb_err("report: %s holds several platforms: --run takes a platform "
				"directory (results/<platform>)",
				argv[optind]);
			return VPB_EXIT_USAGE;
		}
		if (report_fleet(argv[optind], gp && gp[0] ? gp : "gnuplot", index, sizeof(index)))
			return VPB_EXIT_FAIL;
		printf("%s\n", index);
		return VPB_EXIT_OK;
	}
	ret = report_generate(argv[optind], run, gp && gp[0] ? gp : "gnuplot", index,
			      sizeof(index));
	if (ret == -ENOENT)
		return VPB_EXIT_USAGE;
	if (ret)
		return VPB_EXIT_FAIL;
	printf("%s\n", index);
	return VPB_EXIT_OK;
}

json_t *report_profile(const struct report *rp)
{
	struct strbuf path = STRBUF_INIT;
	json_t *pj, *out, *c;
	size_t i;

	sb_printf(&path, "%s/profile/profile.json", rp->r.dir);
	if (access(sb_str(&path), F_OK)) {
		sb_release(&path);
		return NULL;
	}
	pj = results_load_json(sb_str(&path));
	sb_release(&path);
	if (!pj) {
		report_missing((struct report *)rp, "profile: %s/profile/profile.json is corrupt",
			       rp->r.dir);
		return NULL;
	}
	out = json_array();
	json_array_foreach(json_object_get(pj, "cases"), i, c) {
		json_t *op = json_object_get(c, "op"), *x, *pc = NULL;
		size_t k;

		if (strcmp(rs_str(c, "kind"), "loop") || !json_is_object(op))
			continue;
		json_array_foreach(out, k, x) {
			if (!strcmp(rs_str(x, "case"), rs_str(c, "case")) &&
			    !strcmp(rs_str(x, "suite"), rs_str(c, "suite")) &&
			    !strcmp(rs_str(x, "device"), rs_str(c, "device")))
				pc = x;
		}
		if (!pc) {
			pc = json_pack("{s:s, s:s, s:s, s:{}}", "suite", rs_str(c, "suite"), "case",
				       rs_str(c, "case"), "device", rs_str(c, "device"),
				       "variants");
			json_array_append_new(out, pc);
		}
		if (!json_object_get(json_object_get(pc, "variants"), rs_str(c, "variant")))
			json_object_set(json_object_get(pc, "variants"), rs_str(c, "variant"), op);
	}
	json_decref(pj);
	return out;
}

double report_profile_get(const json_t *op, const char *fn)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(op, "functions"), i, f) {
		if (!strcmp(rs_str(f, "function"), fn))
			return rs_num(f, "instructions");
	}
	return 0;
}

json_t *report_profile_top(const json_t *pc, size_t max)
{
	json_t *best = json_object(), *names = json_array(), *op, *f;
	const char *v, *fn;
	size_t i;

	/* each function's largest figure in any variant */
	json_object_foreach(json_object_get(pc, "variants"), v, op) {
		json_array_foreach(json_object_get(op, "functions"), i, f) {
			double x = rs_num(f, "instructions");

			fn = rs_str(f, "function");
			if (!json_object_get(best, fn) || rs_num(best, fn) < x)
				json_object_set_new(best, fn, json_real(x));
		}
	}
	while (json_array_size(names) < max && json_object_size(best)) {
		const char *top = NULL;
		json_t *x;

		json_object_foreach(best, fn, x) {
			if (!top || json_real_value(x) > rs_num(best, top) ||
			    (json_real_value(x) == rs_num(best, top) && strcmp(fn, top) < 0))
				top = fn;
		}
		json_array_append_new(names, json_string(top));
		json_object_del(best, top);
	}
	json_decref(best);
	return names;
}

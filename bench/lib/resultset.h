/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resultset.h - read back what `vfio-pm-bench run` stored (results/README.md):
 * run directories (run.json, summary.json, <stem>.hist.csv, <stem>.csv),
 * and the judging built on them: `compare` (bench/cmd/compare.c) and
 * `qualify` (bench/cmd/qualify.c), whose library entry points are declared
 * here so that tests can call them (report's: bench/cmd/report.h).
 *
 * Loading names every missing or corrupt file (one line on stderr, and a
 * string in struct rs_run.problems) and loads the rest: `report` draws what
 * it can, while `compare` and `qualify` refuse a run with any problem. A
 * run.json or summary.json of an unknown schema_version is not loaded.
 */
#ifndef VPB_RESULTSET_H
#define VPB_RESULTSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct rs_run - one run directory, loaded.
 * @dir: the directory
 * @id: run id (run.json run_id, else the directory's name)
 * @platform: platform slug (run.json, else summary.json, else "")
 * @start_time: ISO 8601 UTC start time by the host's clock ("" when
 *              unknown; rs_run_start())
 * @clock_label: native, host or icount ("" when unknown)
 * @clock_kind: the clock the harness read (e.g. "tsc")
 * @reference: the reference variant (options.reference, else "no-get")
 * @run: run.json, or NULL when missing or corrupt
 * @summary: summary.json, or NULL when missing or corrupt
 * @problems: array of strings, one per missing or corrupt file
 */
struct rs_run {
	char dir[2048];
	char id[256];
	char platform[128];
	char start_time[32];
	char clock_label[32];
	char clock_kind[48];
	char reference[32];
	json_t *run;
	json_t *summary;
	json_t *problems;
};

/**
 * rs_load() - load a run directory.
 * @dir: results/<platform>/<run-id>
 * @r: filled; release with rs_free() whatever the return value
 *
 * A missing or corrupt run.json or summary.json, one of a schema_version
 * this harness does not read (it is then not loaded), or a summary.json
 * member of the wrong type (rs_check_summary()) is recorded in
 * @r->problems and printed (vpb_err), and the other file still loaded.
 *
 * Return: 0 when at least one of run.json and summary.json loaded;
 * -ENOENT when @dir is not a directory or holds neither; -ENOMEM.
 */
int rs_load(const char *dir, struct rs_run *r);

/**
 * rs_check_summary() - check the types of summary.json's members
 * (results/README.md): every case an object with string suite, case,
 * device and point, every figure a number (or null where there is no
 * data), every interval two numbers.
 * @why: out, the first member that is wrong ("cases[3] (ioctl.get-info
 *       0000:01:00.0) variants.upstream.valid: expected an integer >= 0")
 *
 * Return: 0; -EINVAL.
 */
int rs_check_summary(const json_t *summary, char *why, size_t len);

/** rs_free() - release what rs_load() allocated (@r may be zeroed). */
void rs_free(struct rs_run *r);

/**
 * rs_problem() - record a missing or corrupt file: printed with vpb_err()
 * and appended to @r->problems.
 */
void rs_problem(struct rs_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * rs_run_start() - when a run started, by the host's clock.
 * @run: its run.json (NULL: unknown)
 * @id: its run id
 * @buf: out, ISO 8601 UTC ("" when unknown)
 * @len: size of @buf
 *
 * run.json start_time, but for a QEMU run (clock label icount or host)
 * recorded before run.json kept the guest's clock apart (guest_start_time),
 * whose start_time may be the guest's clock (pinned by -rtc base=..., e.g.
 * 2026-01-01T00:00:0xZ): the host named the run (<yyyymmddThhmmssZ>-...)
 * before it started, so a start_time before the run id's time is the
 * guest's, and the id's time is taken instead.
 *
 * Return: where @buf came from: "start_time"; "run id"; or "guest clock"
 * (such a run's start_time, whose id has no time: it may be the guest's,
 * and the host's time is unknown).
 */
const char *rs_run_start(const json_t *run, const char *id, char *buf, size_t len);

/**
 * rs_list_runs() - the run directories of a platform directory, oldest first.
 * @platform_dir: results/<platform>
 * @ids: out, malloc'ed array of malloc'ed run ids (directory names)
 * @n: out, their number
 *
 * A run directory is a subdirectory holding run.json or summary.json. Runs
 * are ordered by start time (rs_run_start()), then by name.
 *
 * Return: 0; -ENOENT when @platform_dir cannot be read; -ENOMEM.
 */
int rs_list_runs(const char *platform_dir, char ***ids, size_t *n);

/** rs_free_list() - release rs_list_runs()'s array. */
void rs_free_list(char **ids, size_t n);

/**
 * rs_str() - a string member of a JSON object.
 * Return: the string, or "" when @o is not an object or the member is not
 * a string.
 */
const char *rs_str(const json_t *o, const char *key);

/**
 * rs_num() - a number member of a JSON object (integer or real).
 * Return: its value, or NaN when missing or not a number.
 */
double rs_num(const json_t *o, const char *key);

/**
 * rs_count() - a count member of a JSON object: its value if it is a
 * non-negative integer, else 0.
 */
size_t rs_count(const json_t *o, const char *key);

/**
 * rs_case_stem() - the file stem of a summary case, as the runner names its
 * files: <suite>.<case>[.<BB-DD.F>][.<point>] (device 0000:01:00.0 gives
 * "01-00.0").
 * @c: a member of summary.json cases[]
 * @buf: out
 * @len: size of @buf
 */
void rs_case_stem(const json_t *c, char *buf, size_t len);

/**
 * rs_case_label() - a human name of a case: "<suite>.<case>[ <device>][ <point>]".
 */
void rs_case_label(const json_t *c, char *buf, size_t len);

/**
 * rs_find_case() - the case of @summary with these keys ("" matches a
 * missing key). Return: the case (borrowed) or NULL.
 */
json_t *rs_find_case(const json_t *summary, const char *suite, const char *name, const char *device,
		     const char *point);

/**
 * struct rs_hist_row - one bucket of a <stem>.hist.csv.
 * @variant: variant name
 * @lo: lowest value of the bucket, ns
 * @hi: highest value, ns
 * @count: samples in it
 */
struct rs_hist_row {
	char variant[32];
	double lo, hi;
	uint64_t count;
};

/**
 * rs_load_hist() - read a <stem>.hist.csv: RFC 4180 with a header row naming
 * schema_version, variant, lo_ns, hi_ns and count (results/README.md), or
 * the space-separated "variant lo_ns hi_ns count" rows of schema version 1
 * ('#' comments).
 * @path: the file
 * @rows: out, malloc'ed (NULL when empty)
 * @n: out, number of rows
 * @err: out, the problem ("path:line: ...") on failure
 * @errlen: size of @err
 *
 * Return: 0; -ENOENT (missing), -EINVAL (malformed row), -ENOMEM.
 */
int rs_load_hist(const char *path, struct rs_hist_row **rows, size_t *n, char *err, size_t errlen);

/**
 * struct rs_value_row - one row of a <stem>.values.csv.
 * @variant: variant name
 * @round: round, from 1
 * @value: ns per operation, exact as the run summarised it
 * @count: valid samples of that variant and round with this value
 */
struct rs_value_row {
	char variant[32];
	unsigned int round;
	double value;
	uint64_t count;
};

/**
 * rs_load_values() - read a <stem>.values.csv: RFC 4180 with a header row
 * naming schema_version, variant, round, value_ns and count.
 * @path: the file
 * @rows: out, malloc'ed (NULL when empty)
 * @n: out, number of rows
 * @err: out, the problem ("path:line: ...") on failure
 * @errlen: size of @err
 *
 * Return: 0; -ENOENT (missing), -EINVAL (malformed row), -ENOMEM.
 */
int rs_load_values(const char *path, struct rs_value_row **rows, size_t *n, char *err,
		   size_t errlen);

#define RS_MAX_EXTRA 16

/**
 * struct rs_sample - one row of a <stem>.csv (samples).
 * @variant: variant name
 * @round: round, from 1
 * @value: ns per operation
 * @valid: counted in the statistics
 * @state: power state reached ("-" when none)
 * @extra: the case's extra columns (d3cold: entry_ms, settle_ms); NaN (or,
 *         in version 1 files, -1) when not measured
 */
struct rs_sample {
	char variant[32];
	unsigned int round;
	double value;
	bool valid;
	char state[16];
	double extra[RS_MAX_EXTRA];
};

/**
 * struct rs_samples - a loaded samples file.
 * @s: the rows
 * @n: number of rows
 * @extra: names of the extra columns
 * @nextra: number of extra columns
 */
struct rs_samples {
	struct rs_sample *s;
	size_t n;
	char extra[RS_MAX_EXTRA][32];
	size_t nextra;
};

/**
 * rs_load_samples() - read a <stem>.csv: RFC 4180 whose header row names
 * schema_version, variant, round, seq, value_ns, valid, state and why (in
 * any order; every other column is one of the case's extra columns), or a
 * version 1 file (space-separated, its columns named by a "# variant round
 * seq value_ns valid state ... why" line).
 * @path: the file
 * @out: filled; free out->s
 * @err: out, the problem ("path:line: ...") on failure
 * @errlen: size of @err
 *
 * Return: 0; -ENOENT, -EINVAL (no header or malformed row), -ENOMEM.
 */
int rs_load_samples(const char *path, struct rs_samples *out, char *err, size_t errlen);

/**
 * rs_extra_index() - column index of extra column @name, or -1.
 */
int rs_extra_index(const struct rs_samples *s, const char *name);

/**
 * rs_case_values() - the valid values (ns) of one variant of a case.
 * @r: the run
 * @c: the case (summary.json)
 * @variant: the variant
 * @v: out, malloc'ed values (NULL when none)
 * @n: out, their number
 * @source: out, "exact samples" (from <stem>.values.csv: the values the
 *          run summarised), "samples" (from <stem>.csv, to 1 ps) or "histogram" (from
 * <stem>.hist.csv, each sample at its bucket's midpoint; relative error < 0.4 %, see hist.h; runs
 *          from before the values were kept)
 *
 * Problems with the files are recorded in @r->problems. A histogram is not
 * expanded into more than RS_MAX_VALUES values (it is then not usable),
 * nor are the value counts of a <stem>.values.csv.
 *
 * Return: 0; -ENOENT when neither file is usable; -ENOMEM.
 */
#define RS_MAX_VALUES 10000000

int rs_case_values(struct rs_run *r, const json_t *c, const char *variant, double **v, size_t *n,
		   const char **source);

/**
 * rs_flatten() - a JSON value as rows "a.b.c" -> text, for identity tables.
 * @j: the value (objects are walked; arrays and scalars become one row,
 *     strings unquoted, others compact JSON with reals to 15 significant
 *     digits: 0.698, not the 0.69799999999999995 of its binary double)
 * @prefix: key path of @j ("" at the top)
 * @out: a JSON object receiving path -> string, in order
 */
void rs_flatten(const json_t *j, const char *prefix, json_t *out);

/**
 * rs_html_puts() - write @s to @f with &, <, >, " and ' escaped.
 */
void rs_html_puts(FILE *f, const char *s);

/* ---- compare (bench/cmd/compare.c) ------------------------------------- */

/**
 * struct compare_opts - how `compare` judges.
 * @threshold_pct: smallest |shift| that counts, in % of the base median
 * @alpha: significance level of the test (Mann-Whitney or signed rank)
 * @cross_platform: allow runs of different platforms
 * @noise: NULL, or the between-boot noise floors of a drifting clock
 *         (--noise: "floors": [{suite, case, device, point, variant, pct}]):
 *         two runs of such a clock judge a case and variant listed there
 *         with its pct as the threshold when that is larger
 */
struct compare_opts {
	double threshold_pct;
	double alpha;
	bool cross_platform;
	const json_t *noise;
};

/**
 * struct compare_side - one side of a comparison.
 * @run: a loaded run
 * @variant: the variant to take, or NULL for every variant both sides share
 */
struct compare_side {
	struct rs_run *run;
	const char *variant;
};

/**
 * compare_samples() - judge one pair of samples.
 * @a: base values (finite; unchanged)
 * @na: their number
 * @b: new values (finite; unchanged)
 * @nb: their number
 * @o: threshold and alpha
 * @out: out, a JSON object: base_n, new_n, base_median, new_median,
 *       shift_ns (Hodges-Lehmann, new - base), shift_pct (of the base
 *       median), ci95 [lo, hi] (Moses), p (Mann-Whitney, two-sided) and
 *       verdict: "regressed" (new slower), "improved", "unchanged" or
 *       "insufficient data" (fewer than 10 values on a side).
 *
 * A change is reported when p < alpha, |shift| > threshold % of the base
 * median and the CI excludes 0; larger is slower (values are ns).
 *
 * Return: 0; -ENOMEM.
 */
int compare_samples(const double *a, size_t na, const double *b, size_t nb,
		    const struct compare_opts *o, json_t **out);

/**
 * compare_rounds() - judge one pair of per-round medians.
 * @a: base round medians, round 1 first (NaN: no median in that round)
 * @na: their number
 * @b: new round medians, likewise
 * @nb: their number
 * @paired: both are rounds of one run: round i of @a and of @b ran together
 * @o: threshold and alpha
 * @out: out, a JSON object: "test" and, paired, "n" (rounds where both
 *       have a median) or, unpaired, "base_n" and "new_n" (rounds with a
 *       median); then either "why" (the test cannot judge: fewer than 6
 *       rounds (a side), more than STATS_SIGNED_RANK_MAX pairs, or too few
 *       for p to reach alpha) or base_median (median of @a's medians),
 *       shift_ns, shift_pct, ci95, p, verdict as compare_samples(), and
 *       paired "coverage" (the interval's exact level).
 *
 * Paired: the Wilcoxon signed-rank estimate, exact interval and p of the
 * differences b - a (stats_signed_rank()); at least 6 pairs, and 2 / 2^n
 * < alpha (8 pairs at alpha 0.01). Unpaired: Hodges-Lehmann, Moses 95 %
 * interval and Mann-Whitney p on the two sets of medians; at least 6 a
 * side (the Moses interval's exact coverage is >= 95 % there, and 6 and 6
 * is the smallest balanced size whose best p is below 0.01).
 *
 * Return: 0; -ENOMEM.
 */
int compare_rounds(const double *a, size_t na, const double *b, size_t nb, bool paired,
		   const struct compare_opts *o, json_t **out);

/**
 * compare_runs() - compare every case two runs share.
 * @base: base side
 * @new: new side
 * @o: options
 * @out: out, {"base": {...}, "new": {...}, "threshold_pct", "alpha",
 *       "platform_differences": [...], "cases": [ compare_samples() objects
 *       (the pooled analysis) with suite, case, device, point, base_variant,
 *       new_variant, source, and: rounds (compare_rounds() on the stored
 *       round medians, paired when both sides are one run, or {"why"} when
 *       a side has none), basis ("rounds" when the rounds judged, else
 *       "pooled samples"), basis_why, verdict (the basis's) and
 *       pooled_verdict ], "counts": {verdict: n}}
 *
 * Return: the number of regressions (>= 0); -EXDEV when the platforms
 * differ and !o->cross_platform (a message says so); -ENOENT when the runs
 * share no case; -ENOMEM.
 */
int compare_runs(const struct compare_side *base, const struct compare_side *new,
		 const struct compare_opts *o, json_t **out);

/* ---- qualify (bench/cmd/qualify.c) ------------------------------------- */

/**
 * qualify_parse() - parse a qualification spec (results/qualify-example.spec).
 * @path: the spec file
 * @lines: out, a JSON array, one object per rule: line, text, metric, op,
 *         value (number, or string for state), unit, selectors {}
 *
 * Return: 0; -EINVAL with "FILE:LINE: expected '<metric> <op> <value>'"
 * (or a more precise message) printed; -ENOENT when it cannot be read.
 */
int qualify_parse(const char *path, json_t **lines);

/**
 * qualify_eval() - judge a run against parsed rules.
 * @r: the run
 * @lines: qualify_parse()'s rules
 * @out: out, {"run_id", "platform", "verdict": "PASS"|"FAIL", "rules":
 *       [{rule..., "results": [{device, variant, point, measured, pass}],
 *       "pass"}]}
 *
 * A rule passes when it matched at least one (case, device, variant) and
 * every match passes.
 *
 * Return: 0 all rules pass, 1 some fail; -ENOMEM.
 */
int qualify_eval(struct rs_run *r, const json_t *lines, json_t **out);

/**
 * qualify_junit() - a qualification as JUnit XML: one testsuite, one
 * testcase per rule ("<line>: <rule>"), a <failure> for each rule that
 * fails, the measured values in <system-out>.
 * @r: the run
 * @spec: the spec's path, as given
 * @q: qualify_eval()'s result
 * @f: where to write
 *
 * Return: 0; -EIO.
 */
int qualify_junit(const struct rs_run *r, const char *spec, const json_t *q, FILE *f);

#endif

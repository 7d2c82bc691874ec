// SPDX-License-Identifier: GPL-2.0
/*
 * runner_raw.c - series.raw.json, the samples of a run whose summary is
 * computed elsewhere (run --summary defer): `run` writes it after measuring,
 * `summarize` reads it back into the same struct run and calls the same
 * write_outputs(). In the QEMU platform's guest every statistic ran in
 * emulated instructions; the host computes them instead.
 *
 * The file (RAW_SCHEMA_VERSION; results/README.md) is one JSON document,
 * written a series at a time so that the guest never holds it whole:
 *
 *   {"schema_version": 1, "run": {run_id, platform, harness_revision,
 *    variants[], rounds, reference, seed, keep_samples, clock_label,
 *    skipped[], failed[]}, "series": [{suite, case, device, variant, point,
 *    round, batch, overhead_ns, segment, symbols, n, [point_info],
 *    [counters], samples[]}, ...]}
 *
 * samples[] holds runs of equal consecutive samples, in order (the
 * bootstrap resamples by position): [count, value, valid, state, extra[],
 * why], the trailing elements left out where they have their defaults
 * (true, "", no extra but zeros, ""). Instruction-time samples repeat, so
 * a loop case of 2000 samples takes a few runs. Numbers are written with
 * 17 significant digits, which read back as the same double; a number that
 * is not finite is written "nan", "inf" or "-inf".
 */
#include "runner.h"
#include "runner_int.h"
#include "common.h"
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_SCHEMA_VERSION 1
/* The most samples a series can have: --samples' bound. */
#define RAW_MAX_SAMPLES 100000000

/* ---- writing ------------------------------------------------------------- */

static json_t *raw_num(double v)
{
	if (isfinite(v))
		return json_real(v);
	return json_string(isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

static bool same_sample(const struct vpb_sample *a, const struct vpb_sample *b)
{
	return !memcmp(&a->value, &b->value, sizeof(a->value)) && a->valid == b->valid &&
	       !strcmp(a->state, b->state) && !memcmp(a->extra, b->extra, sizeof(a->extra)) &&
	       !strcmp(a->why, b->why);
}

/* @count equal samples @s: [count, value, valid, state, extra[], why], trimmed. */
static json_t *sample_run_json(const struct vpb_sample *s, size_t count)
{
	json_t *a = json_pack("[I, o]", (json_int_t)count, raw_num(s->value));
	size_t ne = VPB_MAX_EXTRA;
	int last;

	while (ne && s->extra[ne - 1] == 0 && !signbit(s->extra[ne - 1]))
		ne--;
	last = s->why[0] ? 5 : ne ? 4 : s->state[0] ? 3 : !s->valid ? 2 : 1;
	if (last >= 2)
		json_array_append_new(a, json_boolean(s->valid));
	if (last >= 3)
		json_array_append_new(a, json_string(s->state));
	if (last >= 4) {
		json_t *x = json_array();

		for (size_t e = 0; e < ne; e++)
			json_array_append_new(x, raw_num(s->extra[e]));
		json_array_append_new(a, x);
	}
	if (last >= 5)
		json_array_append_new(a, json_string(s->why));
	return a;
}

static json_t *series_json(const struct series *se)
{
	json_t *samples = json_array();
	json_t *j;

	for (size_t i = 0, k; i < se->n; i = k) {
		for (k = i + 1; k < se->n && same_sample(&se->s[k], &se->s[i]);)
			k++;
		json_array_append_new(samples, sample_run_json(&se->s[i], k - i));
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:s, s:I}", "suite",
		      se->suite->name, "case", se->c->name, "device", se->device, "variant",
		      se->variant, "point", se->point, "round", (json_int_t)se->round, "batch",
		      (json_int_t)se->batch, "overhead_ns", raw_num(se->overhead_ns), "segment",
		      (json_int_t)se->segment, "symbols", se->symbols, "n", (json_int_t)se->n);
	if (se->point_info)
		json_object_set(j, "point_info", se->point_info);
	if (se->counters)
		json_object_set(j, "counters", se->counters);
	json_object_set_new(j, "samples", samples);
	return j;
}

/* No JSON_REAL_PRECISION: jansson's default, 17 digits, reads back exactly. */
#define RAW_DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

int write_raw(const struct run *r, const char *const *variants, size_t nvar)
{
	const struct vpb_opts *o = r->o;
	json_t *vars = json_array(), *run;
	struct results_file rf;
	char path[1600];
	int ret, err;

	for (size_t v = 0; v < nvar; v++)
		json_array_append_new(vars, json_string(variants[v]));
	run = json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:I, s:b, s:s, s:O, s:O}", "run_id",
			r->run_id, "platform", r->slug, "harness_revision", vpb_git_rev, "variants",
			vars, "rounds", (json_int_t)o->rounds, "reference", o->reference, "seed",
			(json_int_t)o->seed, "keep_samples", o->keep_samples, "clock_label",
			o->clock_label ? o->clock_label : "", "skipped", r->skipped, "failed",
			r->failed);
	snprintf(path, sizeof(path), "%s/" RUNNER_RAW_FILE, r->dir);
	ret = results_open(&rf, path);
	if (ret) {
		json_decref(run);
		return ret;
	}
	fprintf(rf.f, "{\"schema_version\":%d,\"run\":", RAW_SCHEMA_VERSION);
	err = json_dumpf(run, rf.f, RAW_DUMP_FLAGS);
	fputs(",\"series\":[", rf.f);
	for (size_t i = 0; i < r->nseries && !err; i++) {
		json_t *j = series_json(&r->series[i]);

		fputs(i ? ",\n" : "\n", rf.f);
		err = json_dumpf(j, rf.f, RAW_DUMP_FLAGS);
		json_decref(j);
	}
	fputs("]}\n", rf.f);
	json_decref(run);
	if (err) {
		results_abort(&rf);
		vpb_err("cannot write %s: %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return results_commit(&rf);
}

/* ---- reading ------------------------------------------------------------- */

/* Where a member is read, for the one line a bad one gets. */
struct rd {
	char where[32]; /* "run", "series 3" */
	char *why;
	size_t len;
};

static bool bad(struct rd *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool bad(struct rd *d, const char *key, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(d->why, d->len, "%s%s\"%s\": %s", d->where, d->where[0] ? ": " : "", key, what);
	return false;
}

/* A string member shorter than @size. */
static bool rd_str(struct rd *d, const json_t *o, const char *key, size_t size, const char **out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return bad(d, key, "expected a string");
	if (strlen(json_string_value(v)) >= size)
		return bad(d, key, "longer than %zu characters", size - 1);
	*out = json_string_value(v);
	return true;
}

static bool rd_int(struct rd *d, const json_t *o, const char *key, json_int_t lo, json_int_t hi,
		   json_int_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return bad(d, key, "expected an integer from %lld to %lld", (long long)lo,
			   (long long)hi);
	*out = json_integer_value(v);
	return true;
}

static bool rd_array(struct rd *d, const json_t *o, const char *key, json_t **out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_array(v))
		return bad(d, key, "expected an array");
	*out = v;
	return true;
}

/* A number as raw_num() wrote it. */
static bool rd_num(struct rd *d, const json_t *v, const char *key, double *out)
{
	const char *s = json_string_value(v);

	if (json_is_number(v))
		*out = json_number_value(v);
	else if (s && !strcmp(s, "nan"))
		*out = NAN;
	else if (s && (!strcmp(s, "inf") || !strcmp(s, "-inf")))
		*out = s[0] == '-' ? -INFINITY : INFINITY;
	else
		return bad(d, key, "expected a number");
	return true;
}

static bool rd_run_header(struct rd *d, const json_t *run, struct run *r, struct vpb_opts *o,
			  const char **variants, size_t *nvar)
{
	const char *id, *slug;
	json_t *vars = NULL, *v;
	json_int_t rounds, seed;
	size_t i;

	if (!json_is_object(run))
		return bad(d, "run", "expected an object");
	snprintf(d->where, sizeof(d->where), "run");
	if (!rd_str(d, run, "run_id", sizeof(r->run_id), &id) ||
	    !rd_str(d, run, "platform", sizeof(r->slug), &slug) ||
	    !rd_array(d, run, "variants", &vars) || !rd_int(d, run, "rounds", 1, 1000, &rounds) ||
	    !rd_str(d, run, "reference", 32, &o->reference) ||
	    !rd_int(d, run, "seed", INT64_MIN, INT64_MAX, &seed) ||
	    !rd_str(d, run, "clock_label", 32, &o->clock_label) ||
	    !rd_array(d, run, "skipped", &r->skipped) || !rd_array(d, run, "failed", &r->failed))
		return false;
	if (!json_is_boolean(json_object_get(run, "keep_samples")))
		return bad(d, "keep_samples", "expected true or false");
	if (!json_array_size(vars) || json_array_size(vars) > VPB_MAX_LIST)
		return bad(d, "variants", "expected 1 to %d variants", VPB_MAX_LIST);
	json_array_foreach(vars, i, v) {
		if (!json_is_string(v))
			return bad(d, "variants", "expected strings");
		variants[i] = json_string_value(v);
	}
	*nvar = json_array_size(vars);
	snprintf(r->run_id, sizeof(r->run_id), "%s", id);
	snprintf(r->slug, sizeof(r->slug), "%s", slug);
	o->rounds = (unsigned int)rounds;
	o->seed = (uint64_t)seed;
	o->keep_samples = json_is_true(json_object_get(run, "keep_samples"));
	return true;
}

/* samples[]: runs of equal samples, into @se->s (@se->n of them). */
static bool rd_samples(struct rd *d, const json_t *runs, struct series *se)
{
	size_t k, pos = 0;
	const json_t *e;

	se->s = se->n ? calloc(se->n, sizeof(*se->s)) : NULL;
	if (se->n && !se->s)
		abort();
	json_array_foreach(runs, k, e) {
		size_t len = json_array_size(e);
		const json_t *cnt = json_array_get(e, 0), *x = json_array_get(e, 4);
		const char *state = len > 3 ? json_string_value(json_array_get(e, 3)) : "";
		const char *why = len > 5 ? json_string_value(json_array_get(e, 5)) : "";
		struct vpb_sample s = {.valid = true};
		json_int_t c = json_integer_value(cnt);

		if (!json_is_array(e) || len < 2 || len > 6 || !json_is_integer(cnt) || c < 1 ||
		    (size_t)c > se->n - pos)
			return bad(d, "samples",
				   "entry %zu: expected [count, value, ...], %zu samples in all", k,
				   se->n);
		if (!rd_num(d, json_array_get(e, 1), "samples", &s.value))
			return false;
		if (len > 2 && !json_is_boolean(json_array_get(e, 2)))
			return bad(d, "samples", "entry %zu: valid: expected true or false", k);
		s.valid = len < 3 || json_is_true(json_array_get(e, 2));
		if (!state || strlen(state) >= sizeof(s.state) || !why ||
		    strlen(why) >= sizeof(s.why))
			return bad(d, "samples", "entry %zu: state or why: expected a string", k);
		snprintf(s.state, sizeof(s.state), "%s", state);
		snprintf(s.why, sizeof(s.why), "%s", why);
		if (len > 4 && (!json_is_array(x) || json_array_size(x) > VPB_MAX_EXTRA))
			return bad(d, "samples", "entry %zu: expected at most %d extra values", k,
				   VPB_MAX_EXTRA);
		for (size_t i = 0; len > 4 && i < json_array_size(x); i++)
			if (!rd_num(d, json_array_get(x, i), "samples", &s.extra[i]))
				return false;
		while (c--)
			se->s[pos++] = s;
	}
	if (pos != se->n)
		return bad(d, "samples", "%zu samples, \"n\" says %zu", pos, se->n);
	return true;
}

static bool rd_series(struct rd *d, const json_t *j, const struct run *r,
		      const char *const *variants, size_t nvar, struct series *se)
{
	const char *suite, *name, *device, *variant, *point, *symbols;
	json_int_t round, batch, segment, n;
	json_t *samples;
	size_t v;

	if (!json_is_object(j))
		return bad(d, "series", "expected an object");
	if (!rd_str(d, j, "suite", 32, &suite) || !rd_str(d, j, "case", 64, &name) ||
	    !rd_str(d, j, "device", sizeof(se->device), &device) ||
	    !rd_str(d, j, "variant", sizeof(se->variant), &variant) ||
	    !rd_str(d, j, "point", sizeof(se->point), &point) ||
	    !rd_int(d, j, "round", 1, r->o->rounds, &round) ||
	    !rd_int(d, j, "batch", 0, UINT32_MAX, &batch) ||
	    !rd_num(d, json_object_get(j, "overhead_ns"), "overhead_ns", &se->overhead_ns) ||
	    !rd_int(d, j, "segment", 0, UINT32_MAX, &segment) ||
	    !rd_str(d, j, "symbols", sizeof(se->symbols), &symbols) ||
	    !rd_int(d, j, "n", 0, RAW_MAX_SAMPLES, &n) || !rd_array(d, j, "samples", &samples))
		return false;
	se->suite = vpb_suite_find(suite);
	if (!se->suite)
		return bad(d, "suite", "unknown suite '%s' (see 'vfio-pm-bench list')", suite);
	se->c = vpb_case_find(se->suite, name);
	if (!se->c)
		return bad(d, "case", "unknown case '%s.%s' (see 'vfio-pm-bench list')", suite,
			   name);
	for (v = 0; v < nvar && strcmp(variants[v], variant); v++)
		;
	if (v == nvar)
		return bad(d, "variant", "'%s' is not one of the run's variants", variant);
	snprintf(se->device, sizeof(se->device), "%s", device);
	snprintf(se->variant, sizeof(se->variant), "%s", variant);
	snprintf(se->point, sizeof(se->point), "%s", point);
	snprintf(se->symbols, sizeof(se->symbols), "%s", symbols);
	se->round = (unsigned int)round;
	se->batch = (unsigned int)batch;
	se->segment = (unsigned int)segment;
	se->n = (size_t)n;
	se->point_info = json_object_get(j, "point_info"); /* borrowed from the file's */
	se->counters = json_object_get(j, "counters");
	return rd_samples(d, samples, se);
}

/* The run in @root (series.raw.json) into @rr. False with @why on a bad member. */
static bool rd_raw(const json_t *root, struct raw_run *rr, char *why, size_t len)
{
	struct rd d = {.where = "", .why = why, .len = len};
	const json_t *ver = json_object_get(root, "schema_version");
	struct run *r = &rr->r;
	json_t *series = NULL, *j;
	size_t i;

	if (!json_is_integer(ver))
		return bad(&d, "schema_version", "expected an integer");
	if (json_integer_value(ver) != RAW_SCHEMA_VERSION) {
		snprintf(why, len, "unknown schema_version %lld (this harness reads %d)",
			 (long long)json_integer_value(ver), RAW_SCHEMA_VERSION);
		return false;
	}
	if (!rd_run_header(&d, json_object_get(root, "run"), r, &rr->o, rr->variants, &rr->nvar))
		return false;
	snprintf(d.where, sizeof(d.where), "%s", "");
	if (!rd_array(&d, root, "series", &series))
		return false;
	r->series = calloc(json_array_size(series) + 1, sizeof(*r->series));
	if (!r->series)
		abort();
	json_array_foreach(series, i, j) {
		snprintf(d.where, sizeof(d.where), "series %zu", i);
		r->nseries = i + 1; /* freed up to here whatever happens */
		if (!rd_series(&d, j, r, rr->variants, rr->nvar, &r->series[i]))
			return false;
	}
	return true;
}

int read_raw(const char *path, struct raw_run *rr, char *why, size_t len)
{
	json_error_t err;

	memset(rr, 0, sizeof(*rr));
	opts_defaults(&rr->o);
	rr->r.o = &rr->o;
	rr->root = json_load_file(path, 0, &err);
	if (!rr->root) {
		snprintf(why, len, "line %d, column %d: %s", err.line, err.column, err.text);
		return -EINVAL;
	}
	return rd_raw(rr->root, rr, why, len) ? 0 : -EINVAL;
}

void raw_run_free(struct raw_run *rr)
{
	for (size_t i = 0; i < rr->r.nseries; i++)
		free(rr->r.series[i].s);
	free(rr->r.series);
	json_decref(rr->root);
	memset(rr, 0, sizeof(*rr));
}

/* run.json: where and by which harness the summary was computed. */
static int mark_run_json(const char *path, json_t *run)
{
	char now[32];

	now_iso(now, sizeof(now));
	json_object_set_new(run, "summary_computed_by", json_string("summarize"));
	json_object_set_new(run, "summary_harness_revision", json_string(vpb_git_rev));
	json_object_set_new(run, "summary_time", json_string(now));
	return results_write_json(path, run);
}

int runner_summarize(const char *dir, bool keep_raw)
{
	char raw[1400], runpath[1400], why[512] = "";
	struct raw_run rr;
	json_t *run = NULL;
	json_error_t err;
	struct stat st;
	int code = VPB_EXIT_USAGE;

	snprintf(raw, sizeof(raw), "%s/" RUNNER_RAW_FILE, dir);
	snprintf(runpath, sizeof(runpath), "%s/run.json", dir);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		vpb_err("summarize: %s: no such run directory", dir);
		return VPB_EXIT_USAGE;
	}
	if (access(raw, F_OK)) {
		vpb_err("summarize: %s: no " RUNNER_RAW_FILE
			" (the summary was not deferred, or is computed already)",
			dir);
		return VPB_EXIT_USAGE;
	}
	if (read_raw(raw, &rr, why, sizeof(why))) {
		vpb_err("summarize: %s: %s", raw, why);
		goto out;
	}
	run = json_load_file(runpath, 0, &err);
	if (!run) {
		vpb_err("summarize: %s:%d:%d: %s", runpath, err.line, err.column, err.text);
		goto out;
	}
	/* (the run_id of a run.json that is not an object is NULL too) */
	if (!json_is_string(json_object_get(run, "run_id")) ||
	    strcmp(json_string_value(json_object_get(run, "run_id")), rr.r.run_id)) {
		vpb_err("summarize: %s: not the run of " RUNNER_RAW_FILE " (%s)", runpath,
			rr.r.run_id);
		goto out;
	}
	snprintf(rr.r.dir, sizeof(rr.r.dir), "%s", dir);
	code = VPB_EXIT_FAIL;
	if (write_outputs(&rr.r, rr.variants, rr.nvar) || mark_run_json(runpath, run)) {
		vpb_err("summarize: %s: not every output was written; " RUNNER_RAW_FILE " is kept",
			dir);
		goto out;
	}
	if (!keep_raw && unlink(raw)) {
		vpb_err("summarize: cannot remove %s: %s", raw, strerror(errno));
		goto out;
	}
	vpb_info("summarize: %s: %zu series summarized", dir, rr.r.nseries);
	code = VPB_EXIT_OK;
out:
	raw_run_free(&rr);
	json_decref(run);
	return code;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * runner_write.c - the run directory of `vfio-pm-bench run`: its directory and
 * platform files, the per-case CSV files, summary.json and run.json.
 */
#include "runner_int.h"
#include "common.h"
#include "hist.h"
#include "metrics.h"
#include "platform.h"
#include "results.h"
#include "summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/*
 * Start a case's CSV file <stem><suffix> (RFC 4180, results/README.md): its
 * header row names the columns, the first of which is schema_version.
 */
static int open_case_csv(const struct run *r, const char *stem, const char *suffix,
			 const char *columns, struct results_file *rf)
{
	char path[1600];
	int ret;

	snprintf(path, sizeof(path), "%s/%s%s", r->dir, stem, suffix);
	ret = results_open(rf, path);
	if (!ret)
		fprintf(rf->f, "schema_version,%s", columns);
	return ret;
}

/* A number of a CSV row; negative or not finite (not measured): empty. */
static void csv_ms(FILE *f, double v)
{
	if (isfinite(v) && v >= 0)
		fprintf(f, ",%.3f", v);
	else
		fputc(',', f);
}

static int write_samples_csv(const struct run *r, const struct series *key, const char *stem)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".csv", "variant,round,seq,value_ns,valid,state", &rf);

	if (ret)
		return ret;
	for (size_t e = 0; key->c->extra[e]; e++) {
		fputc(',', rf.f);
		results_csv_field(rf.f, key->c->extra[e]);
	}
	fputs(",why" RESULTS_CSV_EOL, rf.f);
	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key))
			continue;
		for (size_t j = 0; j < se->n; j++) {
			const struct vpb_sample *s = &se->s[j];

			fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
			results_csv_field(rf.f, se->variant);
			fprintf(rf.f, ",%u,%zu,%.3f,%d,", se->round, j, s->value, s->valid);
			results_csv_field(rf.f, s->state[0] ? s->state : "-");
			for (size_t e = 0; key->c->extra[e]; e++)
				csv_ms(rf.f, s->extra[e]);
			fputc(',', rf.f);
			results_csv_field(rf.f, s->why);
			fputs(RESULTS_CSV_EOL, rf.f);
		}
	}
	return results_commit(&rf);
}

/*
 * The exact valid samples, compactly: per variant and round, each distinct
 * value (ns, to 0.1 ps: summary_value()) and how many samples had
 * it, ascending. Every figure of summary.json but the ratios and entry
 * latency is computed from exactly these values; instruction-time samples
 * repeat, so the file stays small.
 */
static int write_values_csv(const struct run *r, const struct series *key, const char *stem,
			    const char *const *variants, size_t nvar)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".values.csv",
				"variant,round,value_ns,count" RESULTS_CSV_EOL, &rf);

	if (ret)
		return ret;
	for (size_t v = 0; v < nvar; v++)
		for (unsigned int round = 1; round <= r->o->rounds; round++) {
			size_t n;
			double *vals = pool_values(r, key, variants[v], round, &n, false);

			stats_sort(vals, n);
			for (size_t i = 0, k; i < n; i = k) {
				for (k = i + 1; k < n && vals[k] == vals[i];)
					k++;
				fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
				results_csv_field(rf.f, variants[v]);
				fprintf(rf.f, ",%u,%.4f,%zu" RESULTS_CSV_EOL, round, vals[i],
					k - i);
			}
			free(vals);
		}
	return results_commit(&rf);
}

/* Log-linear histogram per variant, kept in picoseconds (error bound: hist.h). */
static int write_hist_csv(const struct run *r, const struct series *key, const char *stem,
			  const char *const *variants, size_t nvar)
{
	struct results_file rf;
	int ret = open_case_csv(r, stem, ".hist.csv", "variant,lo_ns,hi_ns,count" RESULTS_CSV_EOL,
				&rf);

	if (ret)
		return ret;
	for (size_t v = 0; v < nvar; v++) {
		size_t n;
		double *vals = pool(r, key, variants[v], &n);
		struct hist h;

		if (!n || hist_init(&h, 100000000000000ull)) { /* 100 s in ps */
			free(vals);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			hist_add(&h, (uint64_t)(vals[i] * 1000.0 + 0.5));
		for (size_t b = 0; b < hist_nbuckets(&h); b++) {
			uint64_t lo, hi, cnt;

			if (!hist_bucket(&h, b, &lo, &hi, &cnt) || !cnt)
				continue;
			fprintf(rf.f, "%d,", RESULTS_SCHEMA_VERSION);
			results_csv_field(rf.f, variants[v]);
			fprintf(rf.f, ",%.3f,%.3f,%llu" RESULTS_CSV_EOL, lo / 1000.0, hi / 1000.0,
				(unsigned long long)cnt);
		}
		hist_free(&h);
		free(vals);
	}
	return results_commit(&rf);
}

/* metrics.csv: the figures of summary.json, one row each (metrics.h). */
static int write_metrics(struct run *r, const json_t *sum)
{
	json_t *figs = metrics_figures(sum, r->o->clock_label ? r->o->clock_label : "");
	struct results_file rf;
	char path[1600];
	int ret;

	if (!figs)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/" METRICS_FILE, r->dir);
	ret = results_open(&rf, path);
	if (!ret) {
		if (metrics_write_csv(rf.f, figs)) {
			results_abort(&rf);
			ret = -EIO;
		} else {
			ret = results_commit(&rf);
		}
	}
	json_decref(figs);
	return ret;
}

/*
 * --profile: the text symbols of /proc/kallsyms, the kernel's (@modules
 * false) or the loaded modules' (true), to <run>/profile/@name; or, @src
 * given, a copy of that file. Read after (or between) the measurements.
 */
int profile_file(const struct run *r, const char *name, const char *src, bool modules)
{
	char path[1400], line[512], type;
	struct results_file rf;
	FILE *in;
	int ret;

	snprintf(path, sizeof(path), "%s/profile", r->dir);
	ret = results_mkdirs(path);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/profile/%s", r->dir, name);
	in = fopen(src ? src : "/proc/kallsyms", "r");
	if (!in) {
		vpb_err("--profile: cannot read %s: %s", src ? src : "/proc/kallsyms",
			strerror(errno));
		return -errno;
	}
	ret = results_open(&rf, path);
	while (!ret && fgets(line, sizeof(line), in))
		if (src || (sscanf(line, "%*s %c", &type) == 1 && strchr("tTwW", type) &&
			    !strchr(line, '[') == !modules))
			fputs(line, rf.f);
	fclose(in);
	return ret ? ret : results_commit(&rf);
}

/* --profile: the series in the order of the plugin's segments. */
int profile_segments(const struct run *r)
{
	char path[1400];
	struct results_file rf;
	int ret;

	snprintf(path, sizeof(path), "%s/profile/segments.tsv", r->dir);
	ret = results_open(&rf, path);
	if (ret)
		return ret;
	fprintf(rf.f,
		"segment\tsuite\tcase\tdevice\tvariant\tround\tpoint\tbatch\tkind\tsymbols\n");
	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (se->segment)
			fprintf(rf.f, "%u\t%s\t%s\t%s\t%s\t%u\t%s\t%u\t%s\t%s\n", se->segment,
				se->suite->name, se->c->name, se->device[0] ? se->device : "-",
				se->variant, se->round, se->point[0] ? se->point : "-", se->batch,
				se->c->cycle ? "cycle" : "loop", se->symbols);
	}
	return results_commit(&rf);
}

int write_outputs(struct run *r, const char *const *variants, size_t nvar)
{
	json_t *cases = json_array();
	int err = 0;

	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *key = &r->series[i];
		char stem[256];
		bool first = true;

		for (size_t j = 0; j < i; j++)
			if (same_case(&r->series[j], key))
				first = false;
		if (!first)
			continue;
		results_case_stem(key->suite->name, key->c->name, key->device, key->point, stem,
				  sizeof(stem));
		if (r->o->keep_samples || key->c->cycle)
			err |= write_samples_csv(r, key, stem);
		err |= write_values_csv(r, key, stem, variants, nvar);
		err |= write_hist_csv(r, key, stem, variants, nvar);
		json_array_append_new(cases, case_summary(r, key, variants, nvar));
	}
	json_t *sum = json_pack("{s:i, s:s, s:s, s:o, s:O, s:O}", "schema_version",
				RESULTS_SCHEMA_VERSION, "run_id", r->run_id, "platform", r->slug,
				"cases", cases, "skipped", r->skipped, "failed", r->failed);
	char path[1600];

	snprintf(path, sizeof(path), "%s/summary.json", r->dir);
	err |= results_write_json(path, sum);
	err |= write_metrics(r, sum);
	json_decref(sum);
	return err ? -EIO : 0;
}

/* ---- run.json ------------------------------------------------------------ */

void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int write_run_json(struct run *r, json_t *base, const char *status)
{
	char path[1600], end[32];

	now_iso(end, sizeof(end));
	json_object_set_new(base, "status", json_string(status));
	json_object_set_new(base, "end_time", json_string(end));
	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	return results_write_json(path, base);
}

int make_run_dir(struct run *r)
{
	const struct vpb_opts *o = r->o;
	char base[1024], stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (o->run_id)
		snprintf(r->run_id, sizeof(r->run_id), "%s", o->run_id);
	else
		snprintf(r->run_id, sizeof(r->run_id), "%s-%s%s", stamp, o->suites[0],
			 o->nsuites > 1 ? "-etc" : "");
	snprintf(base, sizeof(base), "%s/%s", o->results, r->slug);
	ret = results_mkdirs(base);
	if (ret)
		return ret;
	snprintf(r->dir, sizeof(r->dir), "%s/%s", base, r->run_id);
	/*
	 * A default id never collides: a second run in the same second takes
	 * -2, -3, ... An id given with --run-id is refused if it exists.
	 */
	for (unsigned int k = 2; mkdir(r->dir, 0755); k++) {
		ret = -errno;
		if (ret != -EEXIST || o->run_id || k > 999) {
			vpb_err("cannot create run directory %s: %s", r->dir, strerror(-ret));
			return ret;
		}
		snprintf(r->run_id, sizeof(r->run_id), "%s-%s%s-%u", stamp, o->suites[0],
			 o->nsuites > 1 ? "-etc" : "", k);
		snprintf(r->dir, sizeof(r->dir), "%s/%s", base, r->run_id);
	}
	return 0;
}

int write_platform(struct run *r, json_t *ident)
{
	char path[1600];
	char *xml = NULL;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/platform.json", r->o->results, r->slug);
	ret = results_write_json(path, ident);
	if (!ret && !platform_lstopo_xml(&xml)) {
		struct results_file rf;

		snprintf(path, sizeof(path), "%s/%s/lstopo.xml", r->o->results, r->slug);
		ret = results_open(&rf, path);
		if (!ret) {
			fputs(xml, rf.f);
			ret = results_commit(&rf);
		}
		free(xml);
	}
	return ret;
}

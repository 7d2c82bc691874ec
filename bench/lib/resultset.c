// SPDX-License-Identifier: GPL-2.0
/*
 * resultset.c - load run directories written by bench/lib/runner.c.
 */
#include "resultset.h"
#include "common.h"
#include "results.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *rs_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

double rs_num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

size_t rs_count(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (size_t)json_integer_value(v) : 0;
}

void rs_problem(struct rs_run *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vpb_err("%s", buf);
	if (r->problems)
		json_array_append_new(r->problems, json_string(buf));
}

/* Copy with truncation (names here are short; a long one is cut). */
static void copy(char *dst, size_t len, const char *src)
{
	size_t l = src ? strnlen(src, len - 1) : 0;

	if (l)
		memcpy(dst, src, l);
	dst[l] = '\0';
}

/* Load @name of @r->dir; a missing or corrupt file becomes a problem. */
static json_t *load_member(struct rs_run *r, const char *name)
{
	char path[2300];
	struct stat st;
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (stat(path, &st)) {
		rs_problem(r, "%s: missing", path);
		return NULL;
	}
	j = json_load_file(path, 0, &err);
	if (!j)
		rs_problem(r, "%s:%d:%d: corrupt: %s", path, err.line, err.column, err.text);
	else if (!json_is_object(j)) {
		rs_problem(r, "%s: corrupt: not a JSON object", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * A file of a schema this harness does not know is refused, never misread:
 * every version from 1 to RESULTS_SCHEMA_VERSION is read.
 */
static int check_schema(struct rs_run *r, const char *name, const json_t *j)
{
	json_t *v = json_object_get(j, "schema_version");
	char *got;

	if (json_is_integer(v) && json_integer_value(v) >= 1 &&
	    json_integer_value(v) <= RESULTS_SCHEMA_VERSION)
		return 0;
	got = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	rs_problem(r, "%s/%s: schema_version %s: this harness reads versions 1 to %d", r->dir, name,
		   got ? got : "missing", RESULTS_SCHEMA_VERSION);
	free(got);
	return -EINVAL;
}

/* ---- the types of summary.json (results/README.md) ---- */

enum jt { T_STR, T_INT, T_NUM, T_NUM_NULL, T_OBJ, T_ARR, T_CI, T_MEDIANS, T_COUNTS };

struct jkey {
	const char *key;
	enum jt type;
};

static const char *const jt_name[] = {
	[T_STR] = "a string",
	[T_INT] = "an integer >= 0",
	[T_NUM] = "a number",
	[T_NUM_NULL] = "a number or null",
	[T_OBJ] = "an object",
	[T_ARR] = "an array",
	[T_CI] = "an interval [lo, hi] of numbers",
	[T_MEDIANS] = "an array of numbers and nulls",
	[T_COUNTS] = "an object of integers >= 0",
};

static bool jt_ok(const json_t *v, enum jt t)
{
	size_t i;
	json_t *x;

	switch (t) {
	case T_STR:
		return json_is_string(v);
	case T_INT:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	case T_NUM:
		return json_is_number(v);
	case T_NUM_NULL:
		return json_is_number(v) || json_is_null(v);
	case T_OBJ:
		return json_is_object(v);
	case T_ARR:
		return json_is_array(v);
	case T_CI:
		return json_is_array(v) && json_array_size(v) == 2 &&
		       json_is_number(json_array_get(v, 0)) && json_is_number(json_array_get(v, 1));
	case T_MEDIANS:
		if (!json_is_array(v))
			return false;
		json_array_foreach(v, i, x) {
			if (!json_is_number(x) && !json_is_null(x))
				return false;
		}
		return true;
	case T_COUNTS: {
		const char *k;

		if (!json_is_object(v))
			return false;
		json_object_foreach((json_t *)v, k, x) {
			if (!jt_ok(x, T_INT))
				return false;
		}
		return true;
	}
	}
	return false;
}

/* Check the members of @o named in @keys (absent ones are not checked). */
static int check_keys(const json_t *o, const struct jkey *keys, size_t n, const char *at, char *why,
		      size_t len)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(o, keys[i].key);

		if (v && !jt_ok(v, keys[i].type)) {
			snprintf(why, len, "%s.%s: expected %s", at, keys[i].key,
				 jt_name[keys[i].type]);
			return -EINVAL;
		}
	}
	return 0;
}

static const struct jkey dist_keys[] = {
	{"n", T_INT},
	{"valid", T_INT},
	{"total", T_INT},
	{"rounds", T_INT},
	{"median", T_NUM_NULL},
	{"p90", T_NUM_NULL},
	{"p99", T_NUM_NULL},
	{"p999", T_NUM_NULL},
	{"min", T_NUM_NULL},
	{"max", T_NUM_NULL},
	{"mean", T_NUM_NULL},
	{"stddev", T_NUM_NULL},
	{"why", T_STR},
	{"median_ci95", T_CI},
	{"round_medians", T_MEDIANS},
	{"harness_overhead_ns", T_NUM},
	{"ratio_to_control", T_OBJ},
	{"entry", T_OBJ},
};

static const struct jkey shift_keys[] = {
	{"hl_shift", T_NUM},	 {"percent_of_reference", T_NUM},
	{"hl_ci95", T_CI},	 {"median_shift_ci95_bootstrap", T_CI},
	{"mann_whitney", T_OBJ}, {"rounds", T_OBJ},
	{"ratio", T_OBJ},
};

static const struct jkey mw_keys[] = {{"u", T_NUM}, {"z", T_NUM}, {"p", T_NUM}};

static const struct jkey rounds_keys[] = {
	{"n", T_INT},	{"median_diff", T_NUM}, {"percent_of_reference", T_NUM},
	{"ci", T_CI},	{"coverage", T_NUM},	{"p", T_NUM},
	{"why", T_STR},
};

/* A distribution (variants.<v>, its ratio_to_control or entry). */
static int check_dist(const json_t *d, const char *at, char *why, size_t len)
{
	char sub[300];
	json_t *valid = json_object_get(d, "valid"), *n = json_object_get(d, "n");
	json_int_t cnt = valid ? json_integer_value(valid) : n ? json_integer_value(n) : 0;

	if (check_keys(d, dist_keys, ARRAY_SIZE(dist_keys), at, why, len))
		return -EINVAL;
	if (cnt > 0 && !json_is_number(json_object_get(d, "median"))) {
		snprintf(why, len, "%s.median: expected a number (%lld valid samples)", at,
			 (long long)cnt);
		return -EINVAL;
	}
	if (valid && json_object_get(d, "total") &&
	    json_integer_value(valid) > json_integer_value(json_object_get(d, "total"))) {
		snprintf(why, len, "%s: more valid samples than samples", at);
		return -EINVAL;
	}
	snprintf(sub, sizeof(sub), "%s.ratio_to_control", at);
	if (json_object_get(d, "ratio_to_control") &&
	    check_dist(json_object_get(d, "ratio_to_control"), sub, why, len))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.entry", at);
	if (json_object_get(d, "entry") && check_dist(json_object_get(d, "entry"), sub, why, len))
		return -EINVAL;
	return 0;
}

/* A shift against the reference (vs_reference.<v>, or its ratio). */
static int check_shift(const json_t *s, const char *at, char *why, size_t len)
{
	char sub[300];

	if (check_keys(s, shift_keys, ARRAY_SIZE(shift_keys), at, why, len))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.mann_whitney", at);
	if (check_keys(json_object_get(s, "mann_whitney"), mw_keys, ARRAY_SIZE(mw_keys), sub, why,
		       len))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.rounds", at);
	if (check_keys(json_object_get(s, "rounds"), rounds_keys, ARRAY_SIZE(rounds_keys), sub, why,
		       len))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.ratio", at);
	if (json_object_get(s, "ratio") && check_shift(json_object_get(s, "ratio"), sub, why, len))
		return -EINVAL;
	return 0;
}

/* Each member of @c's object @name is an object that @check accepts. */
static int check_members(const json_t *c, const char *name,
			 int (*check)(const json_t *, const char *, char *, size_t), const char *at,
			 char *why, size_t len)
{
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(c, name), k, v) {
		char sub[400];

		snprintf(sub, sizeof(sub), "%s %s.%s", at, name, k);
		if (!json_is_object(v)) {
			snprintf(why, len, "%s: expected an object", sub);
			return -EINVAL;
		}
		if (check(v, sub, why, len))
			return -EINVAL;
	}
	return 0;
}

int rs_check_summary(const json_t *summary, char *why, size_t len)
{
	static const struct jkey case_keys[] = {
		{"suite", T_STR},	 {"case", T_STR},      {"device", T_STR},
		{"point", T_STR},	 {"unit", T_STR},      {"batch", T_INT},
		{"variants", T_OBJ},	 {"states", T_COUNTS}, {"reference", T_STR},
		{"vs_reference", T_OBJ},
	};
	json_t *cases = json_object_get(summary, "cases"), *c;
	size_t i;

	if (!json_is_array(cases)) {
		snprintf(why, len, "no cases[] array");
		return -EINVAL;
	}
	json_array_foreach(cases, i, c) {
		char at[300];

		snprintf(at, sizeof(at), "cases[%zu]", i);
		if (!json_is_object(c)) {
			snprintf(why, len, "%s: expected an object", at);
			return -EINVAL;
		}
		if (check_keys(c, case_keys, ARRAY_SIZE(case_keys), at, why, len))
			return -EINVAL;
		if (!*rs_str(c, "suite") || !*rs_str(c, "case") ||
		    !json_is_object(json_object_get(c, "variants"))) {
			snprintf(why, len, "%s: expected suite, case and variants", at);
			return -EINVAL;
		}
		snprintf(at, sizeof(at), "cases[%zu] (%s.%s%s%s%s%s)", i, rs_str(c, "suite"),
			 rs_str(c, "case"), *rs_str(c, "device") ? " " : "", rs_str(c, "device"),
			 *rs_str(c, "point") ? " " : "", rs_str(c, "point"));
		if (check_members(c, "variants", check_dist, at, why, len) ||
		    check_members(c, "vs_reference", check_shift, at, why, len))
			return -EINVAL;
	}
	return 0;
}

int rs_load(const char *dir, struct rs_run *r)
{
	struct stat st;
	const char *base;
	json_t *clk;

	memset(r, 0, sizeof(*r));
	copy(r->dir, sizeof(r->dir), dir);
	r->problems = json_array();
	if (!r->problems)
		return -ENOMEM;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		vpb_err("%s: not a run directory", dir);
		return -ENOENT;
	}
	base = strrchr(r->dir, '/');
	while (base && !base[1] && base > r->dir) { /* trailing slash */
		r->dir[base - r->dir] = '\0';
		base = strrchr(r->dir, '/');
	}
	copy(r->id, sizeof(r->id), base ? base + 1 : r->dir);
	r->run = load_member(r, "run.json");
	r->summary = load_member(r, "summary.json");
	if (!r->run && !r->summary)
		return -ENOENT;
	if (r->run) {
		if (*rs_str(r->run, "run_id"))
			copy(r->id, sizeof(r->id), rs_str(r->run, "run_id"));
		copy(r->platform, sizeof(r->platform), rs_str(r->run, "platform"));
		rs_run_start(r->run, r->id, r->start_time, sizeof(r->start_time));
		clk = json_object_get(r->run, "clock");
		copy(r->clock_label, sizeof(r->clock_label), rs_str(clk, "label"));
		copy(r->clock_kind, sizeof(r->clock_kind), rs_str(clk, "kind"));
		copy(r->reference, sizeof(r->reference),
		     rs_str(json_object_get(r->run, "options"), "reference"));
	}
	if (r->run && check_schema(r, "run.json", r->run)) {
		json_decref(r->run);
		r->run = NULL;
	}
	if (r->summary && check_schema(r, "summary.json", r->summary)) {
		json_decref(r->summary);
		r->summary = NULL;
	}
	if (!r->platform[0])
		copy(r->platform, sizeof(r->platform), rs_str(r->summary, "platform"));
	if (!r->reference[0]) {
		json_t *c = json_array_get(json_object_get(r->summary, "cases"), 0);

		copy(r->reference, sizeof(r->reference),
		     *rs_str(c, "reference") ? rs_str(c, "reference") : "no-get");
	}
	if (r->summary && !json_is_array(json_object_get(r->summary, "cases"))) {
		rs_problem(r, "%s/summary.json: corrupt: no cases[] array", r->dir);
		json_decref(r->summary);
		r->summary = NULL;
	}
	if (r->summary) {
		char why[512];

		if (rs_check_summary(r->summary, why, sizeof(why)))
			rs_problem(r, "%s/summary.json: corrupt: %s", r->dir, why);
	}
	return 0;
}

void rs_free(struct rs_run *r)
{
	json_decref(r->run);
	json_decref(r->summary);
	json_decref(r->problems);
	r->run = r->summary = r->problems = NULL;
}

const char *rs_run_start(const json_t *run, const char *id, char *buf, size_t len)
{
	const char *label = rs_str(json_object_get(run, "clock"), "label");
	char from_id[32];
	struct tm tm = {0};
	const char *end;

	copy(buf, len, rs_str(run, "start_time"));
	if (json_object_get(run, "guest_start_time") ||
	    (strcmp(label, "icount") && strcmp(label, "host")))
		return "start_time";
	/*
	 * A QEMU run from before run.json kept the guest's clock apart: its
	 * start_time may be the guest's (pinned by -rtc base=...). The host
	 * named the run before it started, so a start_time before the time in
	 * the run id is the guest's, and the id's time is the host's.
	 */
	end = strptime(id, "%Y%m%dT%H%M%SZ", &tm);
	if (end && (!*end || *end == '-')) {
		strftime(from_id, sizeof(from_id), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strcmp(buf, from_id) < 0) {
			copy(buf, len, from_id);
			return "run id";
		}
		return "start_time";
	}
	return "guest clock"; /* maybe not: without a time in the id, nothing says */
}

struct run_key {
	char *id;
	char start[32];
};

static int run_key_cmp(const void *a, const void *b)
{
	const struct run_key *x = a, *y = b;
	int c = strcmp(x->start, y->start);

	return c ? c : strcmp(x->id, y->id);
}

int rs_list_runs(const char *platform_dir, char ***ids, size_t *n)
{
	struct run_key *keys = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(platform_dir);

	*ids = NULL;
	*n = 0;
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;
		json_t *j;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/run.json", platform_dir, de->d_name);
		if (stat(path, &st)) {
			snprintf(path, sizeof(path), "%s/%s/summary.json", platform_dir,
				 de->d_name);
			if (stat(path, &st))
				continue;
		}
		if (cnt == cap) {
			struct run_key *nk =
				realloc(keys, (cap = cap ? 2 * cap : 16) * sizeof(*nk));

			if (!nk)
				goto nomem;
			keys = nk;
		}
		keys[cnt].id = strdup(de->d_name);
		if (!keys[cnt].id)
			goto nomem;
		keys[cnt].start[0] = '\0';
		snprintf(path, sizeof(path), "%s/%s/run.json", platform_dir, de->d_name);
		j = json_load_file(path, 0, NULL);
		rs_run_start(j, de->d_name, keys[cnt].start, sizeof(keys[cnt].start));
		json_decref(j);
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(keys, cnt, sizeof(*keys), run_key_cmp);
	*ids = calloc(cnt ? cnt : 1, sizeof(char *));
	if (!*ids) {
		d = NULL;
		goto nomem;
	}
	for (size_t i = 0; i < cnt; i++)
		(*ids)[i] = keys[i].id;
	*n = cnt;
	free(keys);
	return 0;
nomem:
	if (d)
		closedir(d);
	for (size_t i = 0; i < cnt; i++)
		free(keys[i].id);
	free(keys);
	return -ENOMEM;
}

void rs_free_list(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void rs_case_stem(const json_t *c, char *buf, size_t len)
{
	results_case_stem(rs_str(c, "suite"), rs_str(c, "case"), rs_str(c, "device"),
			  rs_str(c, "point"), buf, len);
}

void rs_case_label(const json_t *c, char *buf, size_t len)
{
	const char *dev = rs_str(c, "device"), *pt = rs_str(c, "point");

	snprintf(buf, len, "%s.%s%s%s%s%s", rs_str(c, "suite"), rs_str(c, "case"),
		 dev[0] ? " " : "", dev, pt[0] ? " " : "", pt);
}

json_t *rs_find_case(const json_t *summary, const char *suite, const char *name, const char *device,
		     const char *point)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(summary, "cases"), i, c) {
		if (!strcmp(rs_str(c, "suite"), suite) && !strcmp(rs_str(c, "case"), name) &&
		    !strcmp(rs_str(c, "device"), device) && !strcmp(rs_str(c, "point"), point))
			return c;
	}
	return NULL;
}

static void trim(char *s)
{
	size_t l = strlen(s);

	while (l && (s[l - 1] == '\n' || s[l - 1] == '\r'))
		s[--l] = '\0';
}

/* Version 1: space-separated, '#' comments. */
static int load_hist_v1(FILE *f, const char *path, struct rs_hist_row **rows, size_t *n, char *err,
			size_t errlen)
{
	char line[512];
	size_t cnt = 0, cap = 0, lineno = 0;
	struct rs_hist_row *v = NULL;

	while (fgets(line, sizeof(line), f)) {
		struct rs_hist_row row;
		unsigned long long c;
		char extra;

		lineno++;
		trim(line);
		if (line[0] == '#' || !line[0])
			continue;
		if (sscanf(line, "%31s %lf %lf %llu %c", row.variant, &row.lo, &row.hi, &c,
			   &extra) != 4 ||
		    !isfinite(row.lo) || !isfinite(row.hi) || row.hi < row.lo) {
			snprintf(err, errlen,
				 "%s:%zu: corrupt: expected 'variant lo_ns hi_ns count'", path,
				 lineno);
			free(v);
			return -EINVAL;
		}
		row.count = c;
		if (cnt == cap) {
			struct rs_hist_row *nv =
				realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*nv));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt++] = row;
	}
	*rows = v;
	*n = cnt;
	return 0;
}

int rs_extra_index(const struct rs_samples *s, const char *name)
{
	for (size_t i = 0; i < s->nextra; i++)
		if (!strcmp(s->extra[i], name))
			return (int)i;
	return -1;
}

/* Version 1: space-separated, a '# variant round seq value_ns valid state ...' header. */
static int load_samples_v1(FILE *f, const char *path, struct rs_samples *out, char *err,
			   size_t errlen)
{
	char line[1024];
	size_t cap = 0, lineno = 0;
	bool header = false;

	while (fgets(line, sizeof(line), f)) {
		struct rs_sample s = {.round = 0};
		char *save = NULL, *tok;
		int col = 0, valid = 0;
		size_t seq;

		lineno++;
		trim(line);
		if (!strncmp(line, "# variant round seq value_ns valid state", 40)) {
			header = true;
			tok = strtok_r(line + 40, " ", &save);
			for (; tok && strcmp(tok, "why"); tok = strtok_r(NULL, " ", &save))
				if (out->nextra < RS_MAX_EXTRA)
					copy(out->extra[out->nextra++], sizeof(out->extra[0]), tok);
			continue;
		}
		if (line[0] == '#' || !line[0])
			continue;
		if (!header) {
			snprintf(err, errlen,
				 "%s:%zu: corrupt: no '# variant round seq ...' header", path,
				 lineno);
			goto bad;
		}
		for (tok = strtok_r(line, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save), col++) {
			char *end = NULL;

			switch (col) {
			case 0:
				copy(s.variant, sizeof(s.variant), tok);
				break;
			case 1:
				s.round = (unsigned int)strtoul(tok, &end, 10);
				break;
			case 2:
				seq = strtoul(tok, &end, 10);
				(void)seq;
				break;
			case 3:
				s.value = strtod(tok, &end);
				break;
			case 4:
				valid = (int)strtol(tok, &end, 10);
				break;
			case 5:
				copy(s.state, sizeof(s.state), tok);
				break;
			default:
				if ((size_t)col - 6 < out->nextra)
					s.extra[col - 6] = strtod(tok, &end);
				break;
			}
			if (end && (*end || end == tok)) {
				snprintf(err, errlen, "%s:%zu: corrupt: column %d '%s'", path,
					 lineno, col + 1, tok);
				goto bad;
			}
		}
		if (col < 7 + (int)out->nextra || !isfinite(s.value)) {
			snprintf(err, errlen, "%s:%zu: corrupt: expected %zu columns", path, lineno,
				 7 + out->nextra);
			goto bad;
		}
		s.valid = valid != 0;
		if (out->n == cap) {
			struct rs_sample *ns =
				realloc(out->s, (cap = cap ? 2 * cap : 256) * sizeof(*ns));

			if (!ns) {
				free(out->s);
				out->s = NULL;
				return -ENOMEM;
			}
			out->s = ns;
		}
		out->s[out->n++] = s;
	}
	if (!header) {
		snprintf(err, errlen, "%s: corrupt: no '# variant round seq ...' header", path);
		free(out->s);
		out->s = NULL;
		out->n = 0;
		return -EINVAL;
	}
	return 0;
bad:
	free(out->s);
	out->s = NULL;
	out->n = 0;
	return -EINVAL;
}

/* ---- version 2: RFC 4180 ------------------------------------------------ */

#define CSV_MAX_FIELDS (RS_MAX_EXTRA + 8)

/**
 * struct csv - an RFC 4180 reader: records of comma-separated fields, a
 * field quoted with '"' when it holds ',', '"' (doubled), CR or LF; records
 * end with CRLF (or LF).
 * @f: the file
 * @buf: the current record's fields, each NUL-terminated
 * @field: the fields, pointers into @buf
 * @nfield: their number
 * @line: line of the record's start (from 1)
 * @next_line: line where the next record starts
 */
struct csv {
	FILE *f;
	char buf[2048];
	char *field[CSV_MAX_FIELDS];
	int nfield;
	size_t line, next_line;
};

/*
 * Read the next record into @c. Return: 1 a record, 0 end of file, -EINVAL
 * malformed (a quote inside an unquoted field or after a quoted one, end of
 * file inside quotes, a record over sizeof(buf) or CSV_MAX_FIELDS).
 */
static int csv_next(struct csv *c)
{
	size_t used = 0;
	bool quoted = false, was_quoted = false;
	int ch;

again:
	c->line = c->next_line;
	c->nfield = 0;
	ch = getc(c->f);
	if (ch == EOF)
		return 0;
	c->field[c->nfield++] = c->buf;
	for (;; ch = getc(c->f)) {
		if (quoted) {
			if (ch == EOF)
				return -EINVAL;
			if (ch == '"') {
				ch = getc(c->f);
				if (ch != '"') {
					quoted = false;
					was_quoted = true;
					ungetc(ch, c->f);
					continue;
				}
			}
			if (ch == '\n')
				c->next_line++;
		} else if (ch == ',' || ch == '\r' || ch == '\n' || ch == EOF) {
			if (used == sizeof(c->buf))
				return -EINVAL;
			c->buf[used++] = '\0';
			if (ch != ',') {
				if (ch == '\r' && (ch = getc(c->f)) != '\n')
					return -EINVAL; /* a CR alone */
				c->next_line++;
				if (c->nfield == 1 && used == 1 && !was_quoted && ch != EOF) {
					used = 0; /* a blank line */
					goto again;
				}
				return 1;
			}
			if (c->nfield == CSV_MAX_FIELDS)
				return -EINVAL;
			c->field[c->nfield++] = c->buf + used;
			was_quoted = false;
			continue;
		} else if (ch == '"') {
			if (was_quoted || c->field[c->nfield - 1] != c->buf + used)
				return -EINVAL;
			quoted = true;
			continue;
		} else if (was_quoted) {
			return -EINVAL;
		}
		if (used + 1 >= sizeof(c->buf))
			return -EINVAL;
		c->buf[used++] = (char)ch;
	}
}

/* @s is a whole unsigned decimal integer; Return: 0 and *@v, or -EINVAL. */
static int csv_uint(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno ? -EINVAL : 0;
}

/* @s is a whole finite number; Return: 0 and *@v, or -EINVAL. */
static int csv_num(const char *s, double *v)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	*v = strtod(s, &end);
	return *end || !isfinite(*v) ? -EINVAL : 0;
}

/* Index of column @name in the header record, or -1. */
static int csv_col(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->nfield; i++)
		if (!strcmp(c->field[i], name))
			return i;
	return -1;
}

/*
 * The header record: every name of @need[] found (@idx[] receives their
 * columns), no name twice. Return: 0; -EINVAL with @err set.
 */
static int csv_header(struct csv *c, const char *path, const char *const *need, int *idx, char *err,
		      size_t errlen)
{
	int ret = csv_next(c);

	if (ret <= 0) {
		snprintf(err, errlen, "%s:%zu: corrupt: %s", path, c->line,
			 ret ? "not RFC 4180 CSV" : "empty, no header row");
		return -EINVAL;
	}
	for (int i = 0; i < c->nfield; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(c->field[i], c->field[j])) {
				snprintf(err, errlen, "%s:1: corrupt: column '%.40s' twice", path,
					 c->field[i]);
				return -EINVAL;
			}
	for (size_t k = 0; need[k]; k++) {
		idx[k] = csv_col(c, need[k]);
		if (idx[k] < 0) {
			snprintf(err, errlen, "%s:1: corrupt: no column '%s' in the header row",
				 path, need[k]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The next data record, with as many fields as the header (@width), and its
 * schema_version (column @ver) 2 or later. Return: 1, 0 at the end,
 * -EINVAL with @err set.
 */
static int csv_row(struct csv *c, const char *path, int width, int ver, char *err, size_t errlen)
{
	unsigned long long v;
	int ret = csv_next(c);

	if (ret < 0) {
		snprintf(err, errlen, "%s:%zu: corrupt: not RFC 4180 CSV", path, c->line);
		return ret;
	}
	if (ret && c->nfield != width) {
		snprintf(err, errlen, "%s:%zu: corrupt: %d fields, the header has %d", path,
			 c->line, c->nfield, width);
		return -EINVAL;
	}
	/* a later version is read by its columns' names (results/README.md) */
	if (ret && (csv_uint(c->field[ver], &v) || v < 2)) {
		snprintf(err, errlen, "%s:%zu: corrupt: schema_version '%.20s' (2 or later)", path,
			 c->line, c->field[ver]);
		return -EINVAL;
	}
	return ret;
}

/*
 * The data records of a version 2 file whose header names the columns
 * @need (5 of them, schema_version first), each parsed by @parse into an
 * element of @size bytes of the malloc'ed array @rows (@n of them).
 * @parse gets the fields in @need's order and returns false (with @err
 * set, without the path and line) for a corrupt record.
 */
static int load_rows_v2(FILE *f, const char *path, const char *const *need, size_t size,
			bool (*parse)(char **fld, void *row, char *err, size_t errlen), void **rows,
			size_t *n, char *err, size_t errlen)
{
	struct csv *c = calloc(1, sizeof(*c));
	char *v = NULL, *fld[5], why[200];
	size_t cnt = 0, cap = 0;
	int idx[5], width, ret;

	if (!c)
		return -ENOMEM;
	c->f = f;
	c->next_line = 1;
	ret = csv_header(c, path, need, idx, err, errlen);
	width = c->nfield;
	while (!ret && (ret = csv_row(c, path, width, idx[0], err, errlen)) > 0) {
		ret = 0;
		if (cnt == cap) {
			char *nv = realloc(v, (cap = cap ? 2 * cap : 64) * size);

			if (!nv) {
				ret = -ENOMEM;
				break;
			}
			v = nv;
		}
		for (int i = 0; i < 5; i++)
			fld[i] = c->field[idx[i]];
		if (!parse(fld, v + cnt * size, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%zu: corrupt: %s", path, c->line, why);
			ret = -EINVAL;
			break;
		}
		cnt++;
	}
	free(c);
	if (ret) {
		free(v);
		return ret;
	}
	*rows = v;
	*n = cnt;
	return 0;
}

static bool parse_hist_row(char **fld, void *row, char *err, size_t errlen)
{
	struct rs_hist_row *r = row;
	unsigned long long count;

	copy(r->variant, sizeof(r->variant), fld[1]);
	if (csv_num(fld[2], &r->lo) || csv_num(fld[3], &r->hi) || r->hi < r->lo ||
	    csv_uint(fld[4], &count)) {
		snprintf(err, errlen, "expected lo_ns <= hi_ns (numbers) and a count");
		return false;
	}
	r->count = count;
	return true;
}

static int load_hist_v2(FILE *f, const char *path, struct rs_hist_row **rows, size_t *n, char *err,
			size_t errlen)
{
	static const char *const need[] = {"schema_version", "variant", "lo_ns",
					   "hi_ns",	     "count",	NULL};

	void *v = NULL;
	int ret = load_rows_v2(f, path, need, sizeof(**rows), parse_hist_row, &v, n, err, errlen);

	if (!ret)
		*rows = v;
	return ret;
}

static bool parse_value_row(char **fld, void *row, char *err, size_t errlen)
{
	struct rs_value_row *r = row;
	unsigned long long round, count;

	copy(r->variant, sizeof(r->variant), fld[1]);
	if (csv_uint(fld[2], &round) || !round || round > UINT_MAX || csv_num(fld[3], &r->value) ||
	    csv_uint(fld[4], &count) || !count) {
		snprintf(err, errlen, "expected a round from 1, a value_ns and a count from 1");
		return false;
	}
	r->round = (unsigned int)round;
	r->count = count;
	return true;
}

static int load_values_v2(FILE *f, const char *path, struct rs_value_row **rows, size_t *n,
			  char *err, size_t errlen)
{
	static const char *const need[] = {"schema_version", "variant", "round",
					   "value_ns",	     "count",	NULL};

	void *v = NULL;
	int ret = load_rows_v2(f, path, need, sizeof(**rows), parse_value_row, &v, n, err, errlen);

	if (!ret)
		*rows = v;
	return ret;
}

static int load_samples_v2(FILE *f, const char *path, struct rs_samples *out, char *err,
			   size_t errlen)
{
	enum { VER, VARIANT, ROUND, SEQ, VALUE, VALID, STATE, WHY, NCOL };
	static const char *const need[] = {"schema_version", "variant", "round", "seq", "value_ns",
					   "valid",	     "state",	"why",	 NULL};
	struct csv *c = calloc(1, sizeof(*c));
	int idx[NCOL], xcol[RS_MAX_EXTRA], width, ret;
	size_t cap = 0;

	if (!c)
		return -ENOMEM;
	c->f = f;
	c->next_line = 1;
	ret = csv_header(c, path, need, idx, err, errlen);
	width = c->nfield;
	for (int i = 0; !ret && i < width; i++) { /* the others are the case's extra columns */
		bool known = false;

		for (int k = 0; k < NCOL; k++)
			known |= idx[k] == i;
		if (known)
			continue;
		if (out->nextra == RS_MAX_EXTRA) {
			snprintf(err, errlen, "%s:1: corrupt: more than %d extra columns", path,
				 RS_MAX_EXTRA);
			ret = -EINVAL;
			break;
		}
		xcol[out->nextra] = i;
		copy(out->extra[out->nextra++], sizeof(out->extra[0]), c->field[i]);
	}
	while (!ret && (ret = csv_row(c, path, width, idx[VER], err, errlen)) > 0) {
		struct rs_sample s = {.round = 0};
		unsigned long long round, seq, valid;
		const char *bad = NULL;

		ret = 0;
		copy(s.variant, sizeof(s.variant), c->field[idx[VARIANT]]);
		copy(s.state, sizeof(s.state), *c->field[idx[STATE]] ? c->field[idx[STATE]] : "-");
		if (csv_uint(c->field[idx[ROUND]], &round) || round > UINT_MAX)
			bad = "round";
		else if (csv_uint(c->field[idx[SEQ]], &seq))
			bad = "seq";
		else if (csv_num(c->field[idx[VALUE]], &s.value))
			bad = "value_ns";
		else if (csv_uint(c->field[idx[VALID]], &valid) || valid > 1)
			bad = "valid";
		for (size_t e = 0; !bad && e < out->nextra; e++) {
			const char *x = c->field[xcol[e]];

			s.extra[e] = NAN; /* empty: not measured */
			if (*x && csv_num(x, &s.extra[e]))
				bad = out->extra[e];
		}
		if (bad) {
			snprintf(err, errlen, "%s:%zu: corrupt: column %s", path, c->line, bad);
			ret = -EINVAL;
			break;
		}
		s.round = (unsigned int)round;
		s.valid = valid;
		if (out->n == cap) {
			struct rs_sample *ns =
				realloc(out->s, (cap = cap ? 2 * cap : 256) * sizeof(*ns));

			if (!ns) {
				ret = -ENOMEM;
				break;
			}
			out->s = ns;
		}
		out->s[out->n++] = s;
	}
	free(c);
	if (ret) {
		free(out->s);
		out->s = NULL;
		out->n = 0;
	}
	return ret;
}

/*
 * Open @path and tell its format: version 2 (RFC 4180) when its first line
 * holds a comma before any '#', else version 1 (space-separated, commas
 * only in its '#' comments).
 */
static FILE *open_csv(const char *path, int *version, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ch;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ch = getc(f);
	while (ch != EOF && ch != '#' && ch != '\n' && ch != ',')
		ch = getc(f);
	*version = ch == ',' ? 2 : 1;
	rewind(f);
	return f;
}

int rs_load_hist(const char *path, struct rs_hist_row **rows, size_t *n, char *err, size_t errlen)
{
	int version, ret;
	FILE *f = open_csv(path, &version, err, errlen);

	*rows = NULL;
	*n = 0;
	if (!f)
		return -ENOENT;
	ret = version == 1 ? load_hist_v1(f, path, rows, n, err, errlen)
			   : load_hist_v2(f, path, rows, n, err, errlen);
	fclose(f);
	return ret;
}

int rs_load_values(const char *path, struct rs_value_row **rows, size_t *n, char *err,
		   size_t errlen)
{
	int version, ret;
	FILE *f = open_csv(path, &version, err, errlen);

	*rows = NULL;
	*n = 0;
	if (!f)
		return -ENOENT;
	if (version == 1) { /* the file came with schema version 2 */
		snprintf(err, errlen, "%s:1: corrupt: not RFC 4180 CSV with a header row", path);
		ret = -EINVAL;
	} else {
		ret = load_values_v2(f, path, rows, n, err, errlen);
	}
	fclose(f);
	return ret;
}

int rs_load_samples(const char *path, struct rs_samples *out, char *err, size_t errlen)
{
	int version, ret;
	FILE *f;

	memset(out, 0, sizeof(*out));
	f = open_csv(path, &version, err, errlen);
	if (!f)
		return -ENOENT;
	ret = version == 1 ? load_samples_v1(f, path, out, err, errlen)
			   : load_samples_v2(f, path, out, err, errlen);
	fclose(f);
	return ret;
}

static int push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		double *nv = realloc(*v, (*cap = *cap ? 2 * *cap : 1024) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

int rs_case_values(struct rs_run *r, const json_t *c, const char *variant, double **v, size_t *n,
		   const char **source)
{
	char stem[512], path[3000], err[3200];
	struct rs_samples s;
	struct rs_hist_row *rows;
	size_t nrows, cap = 0;
	uint64_t total = 0;
	struct stat st;
	int ret;

	*v = NULL;
	*n = 0;
	rs_case_stem(c, stem, sizeof(stem));
	snprintf(path, sizeof(path), "%s/%s.values.csv", r->dir, stem);
	if (!stat(path, &st)) {
		struct rs_value_row *vr;

		ret = rs_load_values(path, &vr, &nrows, err, sizeof(err));
		if (ret == -ENOMEM)
			return ret;
		for (size_t i = 0; !ret && i < nrows && total <= RS_MAX_VALUES; i++)
			if (!strcmp(vr[i].variant, variant))
				total += vr[i].count < RS_MAX_VALUES ? vr[i].count
								     : RS_MAX_VALUES + 1;
		if (!ret && total > RS_MAX_VALUES) {
			snprintf(err, sizeof(err),
				 "%s: more than %d samples of %s, too many to read", path,
				 RS_MAX_VALUES, variant);
			ret = -EINVAL;
		}
		for (size_t i = 0; !ret && i < nrows; i++)
			for (uint64_t k = 0;
			     !strcmp(vr[i].variant, variant) && k < vr[i].count && !ret; k++)
				ret = push(v, n, &cap, vr[i].value);
		free(vr);
		if (ret == -ENOMEM)
			goto nomem;
		if (!ret) {
			*source = "exact samples";
			return 0;
		}
		/* an exact file that cannot be read is a problem, not a fallback */
		rs_problem(r, "%s", err);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/%s.csv", r->dir, stem);
	if (!stat(path, &st)) {
		ret = rs_load_samples(path, &s, err, sizeof(err));
		if (!ret) {
			for (size_t i = 0; i < s.n && !ret; i++)
				if (s.s[i].valid && !strcmp(s.s[i].variant, variant))
					ret = push(v, n, &cap, s.s[i].value);
			free(s.s);
			if (ret)
				goto nomem;
			*source = "samples";
			return 0;
		}
		if (ret == -ENOMEM)
			return ret;
		rs_problem(r, "%s", err);
	}
	snprintf(path, sizeof(path), "%s/%s.hist.csv", r->dir, stem);
	ret = rs_load_hist(path, &rows, &nrows, err, sizeof(err));
	if (ret) {
		if (ret != -ENOMEM)
			rs_problem(r, "%s", err);
		return ret == -ENOMEM ? ret : -ENOENT;
	}
	for (size_t i = 0; i < nrows && total <= RS_MAX_VALUES; i++)
		if (!strcmp(rows[i].variant, variant))
			total += rows[i].count < RS_MAX_VALUES ? rows[i].count : RS_MAX_VALUES + 1;
	if (total > RS_MAX_VALUES) {
		rs_problem(r, "%s: more than %d samples of %s, too many to read", path,
			   RS_MAX_VALUES, variant);
		free(rows);
		return -ENOENT;
	}
	for (size_t i = 0; i < nrows && !ret; i++) {
		if (strcmp(rows[i].variant, variant))
			continue;
		/* the midpoint; (lo + hi) / 2 overflows near DBL_MAX */
		for (uint64_t k = 0; k < rows[i].count && !ret; k++)
			ret = push(v, n, &cap, rows[i].lo / 2 + rows[i].hi / 2);
	}
	free(rows);
	if (ret)
		goto nomem;
	*source = "histogram";
	return 0;
nomem:
	free(*v);
	*v = NULL;
	*n = 0;
	return -ENOMEM;
}

void rs_flatten(const json_t *j, const char *prefix, json_t *out)
{
	const char *key;
	json_t *v;

	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v) {
			char path[256];

			snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
			rs_flatten(v, path, out);
		}
		return;
	}
	if (json_is_string(j)) {
		json_object_set_new(out, prefix, json_string(json_string_value(j)));
	} else {
		char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));

		json_object_set_new(out, prefix, json_string(s ? s : "null"));
		free(s);
	}
}

void rs_html_puts(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

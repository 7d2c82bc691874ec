// SPDX-License-Identifier: GPL-2.0
/*
 * qualify.c - `vfio-pm-bench qualify --spec FILE RUN`: judge a run against
 * a vendor's budget, line by line, and write a certificate.
 *
 * The spec format is documented in results/qualify-example.spec.
 */
#include "cmd.h"
#include "common.h"
#include "pcidev.h"
#include "results.h"
#include "resultset.h"
#include "suite.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void qualify_usage(FILE *f)
{
	fprintf(f, "usage: vfio-pm-bench qualify --spec FILE [--junit FILE] RUN\n\n"
		   "Checks the run directory RUN against the rules of FILE, one per line:\n"
		   "  <suite>.<case>.<stat> <op> <value> [device=BDF] [variant=NAME] [point=tN]\n"
		   "  clock: <clock>[,<clock>]      the clocks the run may be measured on\n"
		   "  e.g. 'd3cold.exit.p99 <= 150ms', 'd3cold.exit.valid >= 29/30',\n"
		   "       'd3cold.exit.entry.p99 <= 30ms', 'd3cold.entry.max <= 30ms' (every\n"
		   "       case with an entry latency), 'clock: native',\n"
		   "       'ioctl.get-info.overhead.median <= 80ns [variant=upstream]',\n"
		   "       'ioctl.get-info.overhead.rounds.ci_hi <= 100ns [variant=upstream]',\n"
		   "       'd3cold.exit.state == D3cold [device=0000:01:00.0]'\n"
		   "(results/qualify-example.spec documents every metric). Suites, cases,\n"
		   "statistics, states and values are checked before the run is read. A\n"
		   "percentile needs enough valid samples (p90: 10, p99: 100, p999: 1000) or\n"
		   "its rule fails saying so. Only a run whose run.json status is 'complete'\n"
		   "is certified. Prints PASS or FAIL per rule with the measured value and\n"
		   "the run's clock, and writes a certificate (Markdown, HTML, JSON) into\n"
		   "RUN/qualify/<spec name>-<hash of the spec>.*; an existing one is kept.\n"
		   "  --junit FILE  also write JUnit XML for CI servers: one testcase per rule,\n"
		   "                a <failure> for a rule that fails (results/EXPORTS.md)\n\n"
		   "Exit: 0 every rule passes, 1 a rule fails or the run is not complete,\n"
		   "2 usage, spec error, or a run that cannot be read (missing, corrupt or\n"
		   "wrongly typed files, an unknown schema_version).\n");
}

/* The statistics a rule can name, and how its value is read. */
enum kind { K_TIME, K_COUNT, K_RATIO, K_STATE, K_PCT, K_PLAIN };

/* The unit a measured value of each kind is stored in. */
static const char *const kind_unit[] = {
	[K_TIME] = "ns",     [K_COUNT] = "samples", [K_RATIO] = "samples",
	[K_STATE] = "state", [K_PCT] = "%",	    [K_PLAIN] = "",
};

static const struct stat_def {
	const char *name;
	bool overhead;	 /* from vs_reference */
	const char *key; /* a member, or a dotted path of members */
	enum kind kind;
	unsigned int min_n; /* valid samples a percentile needs */
} stat_defs[] = {
	{"median", false, "median", K_TIME, 0},
	{"p90", false, "p90", K_TIME, 10},
	{"p99", false, "p99", K_TIME, 100},
	{"p999", false, "p999", K_TIME, 1000},
	{"min", false, "min", K_TIME, 0},
	{"max", false, "max", K_TIME, 0},
	{"mean", false, "mean", K_TIME, 0},
	{"stddev", false, "stddev", K_TIME, 0},
	{"median_ci_hi", false, "median_ci95", K_TIME, 0},
	{"n", false, "n", K_COUNT, 0},
	{"valid", false, "valid", K_RATIO, 0},
	{"total", false, "total", K_COUNT, 0},
	{"state", false, NULL, K_STATE, 0},
	{"entry.median", false, "entry.median", K_TIME, 0},
	{"entry.p90", false, "entry.p90", K_TIME, 10},
	{"entry.p99", false, "entry.p99", K_TIME, 100},
	{"entry.p999", false, "entry.p999", K_TIME, 1000},
	{"entry.min", false, "entry.min", K_TIME, 0},
	{"entry.max", false, "entry.max", K_TIME, 0},
	{"entry.mean", false, "entry.mean", K_TIME, 0},
	{"entry.stddev", false, "entry.stddev", K_TIME, 0},
	{"entry.n", false, "entry.n", K_COUNT, 0},
	{"median", true, "hl_shift", K_TIME, 0},
	{"ci_hi", true, "hl_ci95", K_TIME, 0},
	{"percent", true, "percent_of_reference", K_PCT, 0},
	{"p", true, "mann_whitney.p", K_PLAIN, 0},
	{"rounds.median", true, "rounds.median_diff", K_TIME, 0},
	{"rounds.ci_hi", true, "rounds.ci", K_TIME, 0},
};

static const char *const states[] = {"D0", "D1", "D2", "D3hot", "D3cold", NULL};
static const char *const clocks[] = {"native", "host", "icount", NULL};

static bool in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* What a clock label means for the figures measured under it. */
static const char *clock_caveat(const char *label)
{
	if (!strcmp(label, "native"))
		return "wall time on the machine itself";
	if (!strcmp(label, "host"))
		return "emulated: QEMU TCG on the host clock, not the hardware's time";
	if (!strcmp(label, "icount"))
		return "instruction-time: QEMU -icount, one ns per guest instruction, not wall "
		       "time";
	return "unknown clock: the run does not say how its time advanced";
}

/* A case with an entry latency: a cycle case with an entry_ms column. */
static bool has_entry(const struct vpb_case *c)
{
	for (size_t e = 0; c->cycle && c->extra[e]; e++)
		if (!strcmp(c->extra[e], "entry_ms"))
			return true;
	return false;
}

static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};

static const struct stat_def *find_stat(const char *name, bool overhead)
{
	for (size_t i = 0; i < ARRAY_SIZE(stat_defs); i++)
		if (stat_defs[i].overhead == overhead && !strcmp(stat_defs[i].name, name))
			return &stat_defs[i];
	return NULL;
}

/* Parse one rule; on error fill @why. */
static json_t *parse_rule(char *line, char *why, size_t len)
{
	char *save = NULL, *metric, *op, *value, *tok, *dot1, *dot2, *stat, entry_stat[64];
	bool overhead = false, any_case = false;
	const struct vpb_suite *su;
	const struct vpb_case *c;
	const struct stat_def *sd;
	json_t *rule, *sel;
	size_t i;

	metric = strtok_r(line, " \t", &save);
	op = strtok_r(NULL, " \t", &save);
	value = strtok_r(NULL, " \t", &save);
	if (!metric || !op || !value) {
		snprintf(why, len, "expected '<metric> <op> <value>'");
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(ops) && strcmp(op, ops[i]); i++)
		;
	if (i == ARRAY_SIZE(ops)) {
		snprintf(why, len, "expected '<metric> <op> <value>': unknown operator '%s'", op);
		return NULL;
	}
	dot1 = strchr(metric, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || dot1 == metric || dot2 == dot1 + 1 || !dot2[1]) {
		snprintf(why, len,
			 "expected '<metric> <op> <value>': metric '%s' is not "
			 "<suite>.<case>.<stat>",
			 metric);
		return NULL;
	}
	*dot1 = '\0';
	su = vpb_suite_find(metric);
	if (!su) {
		snprintf(why, len, "unknown suite '%s' (see 'vfio-pm-bench list')", metric);
		return NULL;
	}
	*dot2 = '\0';
	c = vpb_case_find(su, dot1 + 1);
	stat = dot2 + 1;
	if (!c && !strcmp(dot1 + 1, "entry")) {
		/* <suite>.entry.<stat>: the entry latency of every case that has one */
		snprintf(entry_stat, sizeof(entry_stat), "entry.%s", stat);
		stat = entry_stat;
		any_case = true;
	} else if (!c) {
		snprintf(why, len, "unknown case '%s' of suite %s (see 'vfio-pm-bench list')",
			 dot1 + 1, su->name);
		return NULL;
	}
	if (!strncmp(stat, "overhead.", 9)) {
		overhead = true;
		stat += 9;
	}
	sd = find_stat(stat, overhead);
	if (!sd) {
		snprintf(why, len, "unknown statistic '%s%s' (see results/qualify-example.spec)",
			 overhead ? "overhead." : "", stat);
		return NULL;
	}
	if (!strncmp(sd->name, "entry.", 6)) {
		bool any = c && has_entry(c);

		for (size_t k = 0; any_case && k < su->ncases; k++)
			any |= has_entry(&su->cases[k]);
		if (!any) {
			snprintf(why, len, "%s.%s has no entry latency (cycle cases only)",
				 su->name, any_case ? "*" : dot1 + 1);
			return NULL;
		}
	}
	rule = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "suite", su->name, "case",
			 any_case ? "*" : dot1 + 1, "stat", sd->name, "overhead", overhead, "op",
			 op, "unit", kind_unit[sd->kind]);
	*dot1 = *dot2 = '.';
	if (!rule) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	json_object_set_new(rule, "metric", json_string(metric));
	/* the value */
	if (sd->kind == K_STATE) {
		if (strcmp(op, "==") && strcmp(op, "!=")) {
			snprintf(why, len, "state takes == or !=, not '%s'", op);
			goto bad;
		}
		if (!in_set(value, states)) {
			snprintf(why, len, "unknown state '%s' (D0, D1, D2, D3hot, D3cold)", value);
			goto bad;
		}
		json_object_set_new(rule, "value", json_string(value));
	} else {
		double v = NAN, num, den;
		uint64_t ns;
		char *slash = strchr(value, '/');

		if (sd->kind == K_RATIO && slash) {
			*slash = '\0';
			if (units_parse_double(value, &num) ||
			    units_parse_double(slash + 1, &den) || den <= 0 || num < 0 ||
			    num != floor(num) || den != floor(den)) {
				*slash = '/';
				snprintf(why, len, "value '%s': expected a count or a ratio N/M",
					 value);
				goto bad;
			}
			*slash = '/';
			if (num > den) {
				snprintf(why, len,
					 "value '%s': a ratio of valid samples to samples is at "
					 "most 1",
					 value);
				goto bad;
			}
			json_object_set_new(rule, "ratio", json_true());
			json_object_set_new(rule, "unit", json_string("ratio"));
			v = num / den;
		} else if (sd->kind == K_TIME) {
			bool neg = value[0] == '-';

			if (units_parse_duration_ns(value + neg, &ns)) {
				snprintf(why, len,
					 "value '%s': expected a duration such as 80ns, 2us, "
					 "150ms",
					 value);
				goto bad;
			}
			/* a shift can be negative, a latency cannot */
			if (neg && !sd->overhead) {
				snprintf(why, len, "value '%s': a %s is never negative", value,
					 sd->name);
				goto bad;
			}
			v = neg ? -(double)ns : (double)ns;
		} else {
			size_t l = strlen(value);

			if (sd->kind == K_PCT && l && value[l - 1] == '%')
				value[l - 1] = '\0';
			if (units_parse_double(value, &v)) {
				snprintf(why, len, "value '%s': expected a number", value);
				goto bad;
			}
			if ((sd->kind == K_COUNT || sd->kind == K_RATIO) &&
			    (v < 0 || v != floor(v))) {
				snprintf(why, len, "value '%s': expected a count (an integer >= 0)",
					 value);
				goto bad;
			}
			if (sd->kind == K_PLAIN && (v < 0 || v > 1)) {
				snprintf(why, len, "value '%s': a p-value is in [0, 1]", value);
				goto bad;
			}
		}
		json_object_set_new(rule, "value", json_real(v));
	}
	/* selectors: [key=value] or key=value */
	sel = json_object();
	json_object_set_new(rule, "selectors", sel);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		size_t l = strlen(tok);
		char *eq;

		if (tok[0] == '[' && l > 2 && tok[l - 1] == ']') {
			tok[l - 1] = '\0';
			tok++;
		}
		eq = strchr(tok, '=');
		if (!eq ||
		    (strncmp(tok, "device=", 7) && strncmp(tok, "variant=", 8) &&
		     strncmp(tok, "point=", 6)) ||
		    !eq[1]) {
			snprintf(why, len, "unknown selector '%s' (device=, variant=, point=)",
				 tok);
			goto bad;
		}
		*eq = '\0';
		if (!strcmp(tok, "device")) {
			char bdf[16];

			if (pcidev_normalize_bdf(eq + 1, bdf, sizeof(bdf))) {
				snprintf(why, len, "device=%s: not a PCI address (DDDD:BB:DD.F)",
					 eq + 1);
				goto bad;
			}
			json_object_set_new(sel, tok, json_string(bdf));
			continue;
		}
		if (!strcmp(tok, "point") &&
		    (eq[1] != 't' || !eq[2] || strspn(eq + 2, "0123456789") != strlen(eq + 2))) {
			snprintf(why, len, "point=%s: expected t<threads>, e.g. t4", eq + 1);
			goto bad;
		}
		json_object_set_new(sel, tok, json_string(eq + 1));
	}
	return rule;
bad:
	json_decref(rule);
	return NULL;
}

/* "clock: LABEL[,LABEL]...": the clocks a run may have been measured on. */
static json_t *parse_clock(char *list, char *why, size_t len)
{
	json_t *rule = json_pack("{s:s, s:[]}", "metric", "clock", "clock"), *allowed;
	char *save = NULL, *tok;

	if (!rule) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	allowed = json_object_get(rule, "clock");
	for (tok = strtok_r(list, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (!in_set(tok, clocks)) {
			snprintf(why, len, "clock: unknown clock '%s' (native, host, icount)", tok);
			json_decref(rule);
			return NULL;
		}
		json_array_append_new(allowed, json_string(tok));
	}
	if (!json_array_size(allowed)) {
		snprintf(why, len, "expected 'clock: <clock>[,<clock>]' (native, host, icount)");
		json_decref(rule);
		return NULL;
	}
	return rule;
}

int qualify_parse(const char *path, json_t **lines)
{
	FILE *f = fopen(path, "r");
	char line[1024], why[300];
	unsigned int lineno = 0;
	json_t *arr;

	*lines = NULL;
	if (!f) {
		vpb_err("qualify: cannot read %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	arr = json_array();
	while (fgets(line, sizeof(line), f)) {
		char text[1024], *p = line, *hash;
		size_t l;
		json_t *rule, *jtext;

		lineno++;
		l = strlen(line);
		if (l == sizeof(line) - 1 && line[l - 1] != '\n') {
			vpb_err("%s:%u: line longer than %zu characters", path, lineno,
				sizeof(line) - 2);
			goto bad;
		}
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == ' ' || line[l - 1] == '\t' ||
			     line[l - 1] == '\r'))
			line[--l] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			continue;
		snprintf(text, sizeof(text), "%s", p);
		/* JSON strings are UTF-8, and so are the rule's parts then */
		jtext = json_string(text);
		if (jtext && !strncmp(p, "clock:", 6))
			rule = parse_clock(p + 6, why, sizeof(why));
		else
			rule = jtext ? parse_rule(p, why, sizeof(why)) : NULL;
		if (!rule) {
			vpb_err("%s:%u: %s", path, lineno, jtext ? why : "not UTF-8 text");
			json_decref(jtext);
			goto bad;
		}
		json_object_set_new(rule, "line", json_integer(lineno));
		json_object_set_new(rule, "text", jtext);
		json_array_append_new(arr, rule);
	}
	fclose(f);
	if (!json_array_size(arr)) {
		vpb_err("%s:%u: expected '<metric> <op> <value>' (the spec has no rule)", path,
			lineno);
		json_decref(arr);
		return -EINVAL;
	}
	*lines = arr;
	return 0;
bad:
	json_decref(arr);
	fclose(f);
	return -EINVAL;
}

static bool cmp(double m, const char *op, double v)
{
	if (!strcmp(op, "<="))
		return m <= v;
	if (!strcmp(op, ">="))
		return m >= v;
	if (!strcmp(op, "<"))
		return m < v;
	if (!strcmp(op, ">"))
		return m > v;
	if (!strcmp(op, "=="))
		return m == v;
	return m != v;
}

static bool sel_match(const json_t *sel, const char *key, const char *value)
{
	const char *want = rs_str(sel, key);

	return !want[0] || !strcmp(want, value);
}

/* The member of @o at the dotted @path; @parent: the object that holds it. */
static json_t *get_path(json_t *o, const char *path, json_t **parent)
{
	const char *dot;
	char key[32];

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	*parent = o;
	return json_object_get(o, path);
}

/*
 * Judge one (case, variant): the measured value into @res ("value", a
 * number in "unit", or a state; null when there is none), its text into
 * @meas, and return whether it passes.
 */
static bool judge(const json_t *rule, const json_t *c, const char *variant, json_t *res, char *meas,
		  size_t len)
{
	const struct stat_def *sd =
		find_stat(rs_str(rule, "stat"), json_is_true(json_object_get(rule, "overhead")));
	const char *op = rs_str(rule, "op");
	json_t *vj = json_object_get(json_object_get(c, "variants"), variant), *src, *x, *parent;
	double m = NAN;

	json_object_set_new(res, "value", json_null());
	json_object_set_new(res, "unit", json_string(kind_unit[sd->kind]));
	if (sd->kind == K_STATE) {
		const char *key, *want = rs_str(rule, "value");
		json_t *cnt;
		bool has_want = false, other = false;
		size_t l = strlen(variant), used = 0;

		meas[0] = '\0';
		json_object_foreach(json_object_get(c, "states"), key, cnt) {
			const char *st = key + l + 1, *end = strrchr(key, '/');

			if (strncmp(key, variant, l) || key[l] != '/' || !end || end < st ||
			    strcmp(end, "/valid"))
				continue;
			if ((size_t)(end - st) == strlen(want) && !strncmp(st, want, end - st))
				has_want = true;
			else
				other = true;
			if (used < len)
				used += (size_t)snprintf(meas + used, len - used, "%s%.*s",
							 used ? "," : "", (int)(end - st), st);
		}
		if (!has_want && !other) {
			snprintf(meas, len, "no valid sample");
			return false;
		}
		json_object_set_new(res, "value", json_string(meas));
		return !strcmp(op, "==") ? has_want && !other : !has_want;
	}
	src = sd->overhead ? json_object_get(json_object_get(c, "vs_reference"), variant) : vj;
	x = get_path(src, sd->key, &parent);
	if (json_is_array(x))
		x = json_array_get(x, 1); /* upper bound of a CI */
	if (json_is_number(x))
		m = json_number_value(x);
	if (sd->kind == K_RATIO) {
		double tot = rs_num(vj, "total");

		if (isnan(m) || isnan(tot)) {
			snprintf(meas, len, "no data");
			return false;
		}
		snprintf(meas, len, "%.0f/%.0f", m, tot);
		if (json_is_true(json_object_get(rule, "ratio"))) {
			m = tot > 0 ? m / tot : 0;
			json_object_set_new(res, "unit", json_string("ratio"));
		}
		json_object_set_new(res, "value", json_real(m));
		return cmp(m, op, rs_num(rule, "value"));
	}
	if (sd->min_n && !isnan(m)) {
		/* a percentile of too few samples is the maximum, or noise */
		double n = rs_num(parent, "n");

		if (isnan(n))
			n = rs_num(parent, "valid");
		if (isnan(n) || n < sd->min_n) {
			snprintf(meas, len,
				 "too few samples: a %s needs %u or more valid, %s has %.0f",
				 sd->name + (strncmp(sd->name, "entry.", 6) ? 0 : 6), sd->min_n,
				 variant, isnan(n) ? 0.0 : n);
			return false;
		}
	}
	if (isnan(m)) {
		/* a round-level figure says why it is missing (too few rounds) */
		if (*rs_str(parent, "why") && json_object_get(parent, "n") && sd->overhead)
			snprintf(meas, len, "no data: %lld rounds; %s",
				 (long long)json_integer_value(json_object_get(parent, "n")),
				 rs_str(parent, "why"));
		else if (*rs_str(parent, "why"))
			snprintf(meas, len, "no data: %s", rs_str(parent, "why"));
		else if (*rs_str(vj, "why"))
			snprintf(meas, len, "no data: %s", rs_str(vj, "why"));
		else if (src && !parent && sd->overhead)
			snprintf(meas, len, "no data: no round-level figure in this run's summary");
		else if (src && !parent)
			snprintf(meas, len,
				 "no data: no entry latency in this run's summary (a run from "
				 "before summary.json stored it)");
		else
			snprintf(meas, len, "no data");
		return false;
	}
	json_object_set_new(res, "value", json_real(m));
	if (sd->kind == K_TIME)
		units_format_ns(m, meas, len);
	else if (sd->kind == K_PCT)
		snprintf(meas, len, "%.2f%%", m);
	else
		snprintf(meas, len, "%g", m);
	return cmp(m, op, rs_num(rule, "value"));
}

/* The rule names this case: by name, or "*" for every case with an entry latency. */
static bool case_match(const json_t *rule, const json_t *c)
{
	const struct vpb_case *k =
		vpb_case_find(vpb_suite_find(rs_str(c, "suite")), rs_str(c, "case"));

	if (strcmp(rs_str(c, "suite"), rs_str(rule, "suite")))
		return false;
	if (strcmp(rs_str(rule, "case"), "*"))
		return !strcmp(rs_str(c, "case"), rs_str(rule, "case"));
	return k && has_entry(k);
}

/* "clock: ..." : the run's clock must be one of those listed. */
static json_t *judge_clock(const struct rs_run *r, const json_t *rule, bool *pass)
{
	const char *label = r->clock_label[0] ? r->clock_label : "unknown";
	json_t *x;
	size_t i;

	*pass = false;
	json_array_foreach(json_object_get(rule, "clock"), i, x) {
		if (!strcmp(json_string_value(x), label))
			*pass = true;
	}
	return json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:b}]", "device", "", "variant", "",
			 "point", "", "value", label, "unit", "clock", "measured", label, "pass",
			 *pass);
}

int qualify_eval(struct rs_run *r, const json_t *lines, json_t **out)
{
	json_t *rules = json_array(), *rule;
	size_t i;
	bool all = true;

	json_array_foreach(lines, i, rule) {
		json_t *res = json_array(), *c, *copy = json_deep_copy(rule);
		const json_t *sel = json_object_get(rule, "selectors");
		bool overhead = json_is_true(json_object_get(rule, "overhead"));
		bool pass = true;
		size_t k;

		if (!strcmp(rs_str(rule, "metric"), "clock")) {
			json_decref(res);
			res = judge_clock(r, rule, &pass);
		} else
			json_array_foreach(json_object_get(r->summary, "cases"), k, c) {
				const char *v;
				json_t *d;

				if (!case_match(rule, c) ||
				    !sel_match(sel, "device", rs_str(c, "device")) ||
				    !sel_match(sel, "point", rs_str(c, "point")))
					continue;
				json_object_foreach(json_object_get(c, "variants"), v, d) {
					char meas[192];
					json_t *one;
					bool ok;

					if (!sel_match(sel, "variant", v))
						continue;
					if (overhead && !strcmp(v, rs_str(c, "reference")))
						continue;
					one = json_pack("{s:s, s:s, s:s}", "device",
							rs_str(c, "device"), "variant", v, "point",
							rs_str(c, "point"));
					ok = judge(rule, c, v, one, meas, sizeof(meas));
					pass = pass && ok;
					json_object_set_new(one, "measured", json_string(meas));
					json_object_set_new(one, "pass", json_boolean(ok));
					json_array_append_new(res, one);
				}
			}
		if (!json_array_size(res))
			pass = false; /* nothing measured is not a pass */
		all = all && pass;
		json_object_set_new(copy, "results", res);
		json_object_set_new(copy, "pass", json_boolean(pass));
		json_array_append_new(rules, copy);
	}
	*out = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "schema_version", 2, "run_id",
			 r->id, "platform", r->platform, "clock_label", r->clock_label,
			 "clock_note", clock_caveat(r->clock_label), "verdict",
			 all ? "PASS" : "FAIL", "rules", rules);
	if (!*out)
		return -ENOMEM;
	return all ? 0 : 1;
}

static const char *selection_text(const json_t *rule, const json_t *res, char *buf, size_t len)
{
	const char *pt = rs_str(res, "point");

	(void)rule;
	snprintf(buf, len, "%s%s%s%s%s", rs_str(res, "device"), *rs_str(res, "device") ? " " : "",
		 rs_str(res, "variant"), pt[0] ? " " : "", pt);
	return buf;
}

/*
 * The name of the certificate of @spec: its file name without ".spec", and
 * the FNV-1a hash of its bytes, so that each spec (and each version of it)
 * has its own certificate in a run. Return: 0; -errno when unreadable.
 */
static int cert_name(const char *spec, char *name, size_t len)
{
	const char *base = strrchr(spec, '/');
	uint64_t h = 0xcbf29ce484222325ull;
	size_t l, i;
	FILE *f = fopen(spec, "r");
	int ch;

	if (!f)
		return -errno;
	while ((ch = getc(f)) != EOF)
		h = (h ^ (unsigned char)ch) * 0x100000001b3ull;
	fclose(f);
	base = base ? base + 1 : spec;
	l = strlen(base);
	if (l > 5 && !strcmp(base + l - 5, ".spec"))
		l -= 5;
	if (l > 64)
		l = 64;
	snprintf(name, len, "%.*s-%012llx", (int)l, base,
		 (unsigned long long)(h & 0xffffffffffffull));
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			name[i] = '_';
	return 0;
}

/*
 * Write RUN/qualify/<spec>-<hash>.{json,md,html}. Return: 0 written; 1
 * kept: this spec's certificate of this run exists and is not overwritten
 * (@path_md names it); -errno.
 */
static int write_certificate(struct rs_run *r, const char *spec, const json_t *q, char *path_md,
			     size_t len)
{
	char dir[2300], path[2600], now[32], sel[160], name[128];
	json_t *flat = json_object(), *rule, *res;
	const char *key;
	struct results_file rf;
	time_t t = time(NULL);
	struct tm tm;
	size_t i, k;
	json_t *v;
	int ret;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rs_flatten(json_object_get(r->run, "platform_identity"), "", flat);
	snprintf(dir, sizeof(dir), "%s/qualify", r->dir);
	ret = cert_name(spec, name, sizeof(name));
	if (!ret)
		ret = results_mkdirs(dir);
	if (ret)
		goto out;
	snprintf(path_md, len, "%s/%s.md", dir, name);
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	if (!access(path, F_OK)) {
		ret = 1;
		goto out;
	}
	json_t *cert = json_deep_copy(q);

	json_object_set_new(cert, "spec", json_string(spec));
	json_object_set_new(cert, "date", json_string(now));
	json_object_set_new(cert, "harness_revision",
			    json_string(rs_str(r->run, "harness_revision")));
	json_object_set_new(cert, "platform_identity",
			    json_incref(json_object_get(r->run, "platform_identity")));
	ret = results_open_new(&rf, path);
	if (!ret) {
		if (json_dumpf(cert, rf.f,
			       JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) ||
		    fputc('\n', rf.f) == EOF) {
			results_abort(&rf);
			ret = -EIO;
		} else {
			ret = results_commit(&rf);
		}
	}
	json_decref(cert);
	if (ret)
		goto out;

	/* Markdown */
	ret = results_open_new(&rf, path_md);
	if (ret)
		goto out;
	fprintf(rf.f, "# vfio-pm-bench qualification: %s\n\n", rs_str(q, "verdict"));
	fprintf(rf.f,
		"| | |\n|---|---|\n| run | %s |\n| platform | %s |\n| clock | %s: %s |\n"
		"| harness | %s |\n| spec | %s |\n| date | %s |\n\n",
		r->id, r->platform, r->clock_label[0] ? r->clock_label : "unknown",
		clock_caveat(r->clock_label), rs_str(r->run, "harness_revision"), spec, now);
	fprintf(rf.f, "## Rules\n\n| line | rule | selection | measured | result |\n"
		      "|---|---|---|---|---|\n");
	json_array_foreach(json_object_get(q, "rules"), i, rule) {
		if (!json_array_size(json_object_get(rule, "results")))
			fprintf(rf.f, "| %lld | `%s` | (nothing matched) | - | FAIL |\n",
				(long long)json_integer_value(json_object_get(rule, "line")),
				rs_str(rule, "text"));
		json_array_foreach(json_object_get(rule, "results"), k, res)
			fprintf(rf.f, "| %lld | `%s` | %s | %s | %s |\n",
				(long long)json_integer_value(json_object_get(rule, "line")),
				rs_str(rule, "text"), selection_text(rule, res, sel, sizeof(sel)),
				rs_str(res, "measured"),
				json_is_true(json_object_get(res, "pass")) ? "PASS" : "FAIL");
	}
	fprintf(rf.f, "\n## Platform identity\n\n| key | value |\n|---|---|\n");
	json_object_foreach(flat, key, v) {
		fprintf(rf.f, "| %s | ", key);
		for (const char *s = json_string_value(v); s && *s; s++)
			fputs(*s == '|' ? "\\|" : *s == '\n' ? " " : (char[2]){*s, 0}, rf.f);
		fprintf(rf.f, " |\n");
	}
	ret = results_commit(&rf);
	if (ret)
		goto out;

	/* HTML */
	snprintf(path, sizeof(path), "%s/%s.html", dir, name);
	ret = results_open_new(&rf, path);
	if (ret)
		goto out;
	fprintf(rf.f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
		      "vfio-pm-bench qualification</title>\n<style>body{font-family:sans-serif;"
		      "margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
		      "padding:2px 6px}.PASS{color:#070}.FAIL{color:#b00}</style></head><body>\n");
	fprintf(rf.f, "<h1>Qualification: <span class=\"%s\">%s</span></h1>\n<table>\n",
		rs_str(q, "verdict"), rs_str(q, "verdict"));
	char clk[200];

	snprintf(clk, sizeof(clk), "%s: %s", r->clock_label[0] ? r->clock_label : "unknown",
		 clock_caveat(r->clock_label));
	const char *meta[][2] = {{"run", r->id}, {"platform", r->platform},
				 {"clock", clk}, {"harness", rs_str(r->run, "harness_revision")},
				 {"spec", spec}, {"date", now}};
	for (i = 0; i < ARRAY_SIZE(meta); i++) {
		fprintf(rf.f, "<tr><th>%s</th><td>", meta[i][0]);
		rs_html_puts(rf.f, meta[i][1]);
		fprintf(rf.f, "</td></tr>\n");
	}
	fprintf(rf.f, "</table>\n<h2>Rules</h2>\n<table>\n<tr><th>line</th><th>rule</th>"
		      "<th>selection</th><th>measured</th><th>result</th></tr>\n");
	json_array_foreach(json_object_get(q, "rules"), i, rule) {
		json_t *list = json_object_get(rule, "results");

		for (k = 0; k < (json_array_size(list) ? json_array_size(list) : 1); k++) {
			res = json_array_get(list, k);
			bool ok = res && json_is_true(json_object_get(res, "pass"));

			fprintf(rf.f, "<tr><td>%lld</td><td><code>",
				(long long)json_integer_value(json_object_get(rule, "line")));
			rs_html_puts(rf.f, rs_str(rule, "text"));
			fprintf(rf.f, "</code></td><td>");
			rs_html_puts(rf.f, res ? selection_text(rule, res, sel, sizeof(sel))
					       : "(nothing matched)");
			fprintf(rf.f, "</td><td>");
			rs_html_puts(rf.f, res ? rs_str(res, "measured") : "-");
			fprintf(rf.f, "</td><td class=\"%s\">%s</td></tr>\n", ok ? "PASS" : "FAIL",
				ok ? "PASS" : "FAIL");
		}
	}
	fprintf(rf.f, "</table>\n<h2>Platform identity</h2>\n<table>\n");
	json_object_foreach(flat, key, v) {
		fprintf(rf.f, "<tr><th>");
		rs_html_puts(rf.f, key);
		fprintf(rf.f, "</th><td>");
		rs_html_puts(rf.f, json_string_value(v));
		fprintf(rf.f, "</td></tr>\n");
	}
	fprintf(rf.f, "</table>\n</body></html>\n");
	ret = results_commit(&rf);
out:
	json_decref(flat);
	return ret;
}

/* @s escaped for an XML attribute or text (&, <, >, " and '; control characters dropped). */
static void xml_puts(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '&')
			fputs("&amp;", f);
		else if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '"')
			fputs("&quot;", f);
		else if (ch == '\'')
			fputs("&apos;", f);
		else if (ch >= 0x20 || ch == '\t' || ch == '\n')
			fputc(ch, f);
	}
}

/* One result of a rule in JUnit text: "<selection>: <measured>". */
static void junit_result(FILE *f, const json_t *rule, const json_t *res)
{
	char sel[160];

	selection_text(rule, res, sel, sizeof(sel));
	xml_puts(f, sel[0] ? sel : "run");
	fprintf(f, ": ");
	xml_puts(f, rs_str(res, "measured"));
	fprintf(f, "\n");
}

/*
 * JUnit XML of a qualification (results/EXPORTS.md): one testsuite, one
 * testcase per rule of the spec (name "<line>: <rule>"), a <failure> for a
 * rule that fails, naming every match that failed (or that nothing matched),
 * and every match's measured value in <system-out>.
 */
int qualify_junit(const struct rs_run *r, const char *spec, const json_t *q, FILE *f)
{
	size_t nrules = json_array_size(json_object_get(q, "rules")), nfail = 0, i, k;
	json_t *rule, *res;
	char cls[300];

	json_array_foreach(json_object_get(q, "rules"), i, rule) {
		if (!json_is_true(json_object_get(rule, "pass")))
			nfail++;
	}
	snprintf(cls, sizeof(cls), "vfio-pm-bench.qualify.%s", r->platform);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites name=\"vfio-pm-bench qualify\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\">\n",
		nrules, nfail);
	fprintf(f, "  <testsuite name=\"");
	xml_puts(f, spec);
	fprintf(f, " on ");
	xml_puts(f, r->id);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", nrules,
		nfail);
	fprintf(f, "    <properties>\n");
	const char *props[][2] = {
		{"run", r->id},
		{"platform", r->platform},
		{"clock", r->clock_label[0] ? r->clock_label : "unknown"},
		{"harness_revision", rs_str(r->run, "harness_revision")},
		{"spec", spec},
		{"verdict", rs_str(q, "verdict")},
	};
	for (i = 0; i < ARRAY_SIZE(props); i++) {
		fprintf(f, "      <property name=\"%s\" value=\"", props[i][0]);
		xml_puts(f, props[i][1]);
		fprintf(f, "\"/>\n");
	}
	fprintf(f, "    </properties>\n");
	json_array_foreach(json_object_get(q, "rules"), i, rule) {
		json_t *list = json_object_get(rule, "results");
		char name[64];
		bool pass = json_is_true(json_object_get(rule, "pass"));

		snprintf(name, sizeof(name),
			 "%lld: ", (long long)json_integer_value(json_object_get(rule, "line")));
		fprintf(f, "    <testcase classname=\"");
		xml_puts(f, cls);
		fprintf(f, "\" name=\"");
		xml_puts(f, name);
		xml_puts(f, rs_str(rule, "text"));
		fprintf(f, "\">\n");
		if (!pass) {
			fprintf(f, "      <failure type=\"budget\" message=\"");
			if (!json_array_size(list))
				fprintf(f, "nothing matched in this run");
			else
				xml_puts(f, rs_str(rule, "text"));
			fprintf(f, "\">");
			json_array_foreach(list, k, res) {
				if (json_is_true(json_object_get(res, "pass")))
					continue;
				junit_result(f, rule, res);
			}
			fprintf(f, "</failure>\n");
		}
		fprintf(f, "      <system-out>");
		json_array_foreach(list, k, res) {
			fprintf(f, "%s ",
				json_is_true(json_object_get(res, "pass")) ? "PASS" : "FAIL");
			junit_result(f, rule, res);
		}
		fprintf(f, "</system-out>\n    </testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -EIO : 0;
}

/* Write the JUnit XML to @path, atomically (replacing an earlier one). */
static int write_junit(const struct rs_run *r, const char *spec, const json_t *q, const char *path)
{
	struct results_file rf;
	int ret = results_open(&rf, path);

	if (ret)
		return ret;
	if (qualify_junit(r, spec, q, rf.f)) {
		results_abort(&rf);
		return -EIO;
	}
	return results_commit(&rf);
}

int cmd_qualify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"spec", required_argument, NULL, 's'},
		{"junit", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *spec = NULL, *junit = NULL;
	struct rs_run r = {.run = NULL};
	json_t *lines = NULL, *q = NULL, *rule, *res;
	char md[2600];
	size_t i, k;
	int opt, ret, code;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			spec = optarg;
			break;
		case 'j':
			junit = optarg;
			break;
		case 'h':
			qualify_usage(stdout);
			return VPB_EXIT_OK;
		default:
			qualify_usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (!spec || argc - optind != 1) {
		vpb_err("qualify: expected --spec FILE and one run directory");
		qualify_usage(stderr);
		return VPB_EXIT_USAGE;
	}
	if (qualify_parse(spec, &lines))
		return VPB_EXIT_USAGE;
	/* every problem with the run is named on stderr as it is found */
	if (rs_load(argv[optind], &r) || json_array_size(r.problems)) {
		code = VPB_EXIT_USAGE;
		goto out;
	}
	if (strcmp(rs_str(r.run, "status"), "complete")) {
		vpb_err("qualify: %s: run.json status is '%s', not 'complete': not certifying it",
			r.dir, rs_str(r.run, "status"));
		code = VPB_EXIT_FAIL;
		goto out;
	}
	ret = qualify_eval(&r, lines, &q);
	if (ret < 0) {
		code = VPB_EXIT_FAIL;
		goto out;
	}
	printf("qualify %s (platform %s) against %s\nclock %s: %s\n", r.id, r.platform, spec,
	       r.clock_label[0] ? r.clock_label : "unknown", clock_caveat(r.clock_label));
	json_array_foreach(json_object_get(q, "rules"), i, rule) {
		if (!json_array_size(json_object_get(rule, "results")))
			printf("FAIL  %s:%lld: %s: nothing matched in this run\n", spec,
			       (long long)json_integer_value(json_object_get(rule, "line")),
			       rs_str(rule, "text"));
		json_array_foreach(json_object_get(rule, "results"), k, res) {
			char sel[160];

			selection_text(rule, res, sel, sizeof(sel));
			printf("%s  %s:%lld: %s: %s%s%s%s\n",
			       json_is_true(json_object_get(res, "pass")) ? "PASS" : "FAIL", spec,
			       (long long)json_integer_value(json_object_get(rule, "line")),
			       rs_str(rule, "text"), rs_str(res, "measured"), sel[0] ? " (" : "",
			       sel, sel[0] ? ")" : "");
		}
	}
	if (junit && write_junit(&r, spec, q, junit)) {
		code = VPB_EXIT_FAIL;
		goto out;
	}
	switch (write_certificate(&r, spec, q, md, sizeof(md))) {
	case 0:
		printf("%s (certificate: %s)\n", rs_str(q, "verdict"), md);
		break;
	case 1:
		printf("%s (this spec's certificate of this run exists and is kept: %s)\n",
		       rs_str(q, "verdict"), md);
		break;
	default:
		code = VPB_EXIT_FAIL;
		goto out;
	}
	code = ret ? VPB_EXIT_FAIL : VPB_EXIT_OK;
out:
	json_decref(q);
	json_decref(lines);
	rs_free(&r);
	return code;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_opts.c - unit tests of the option table of `run` (bench/lib/opts.c):
 * its entries are complete, every default --help prints parses back to
 * itself, bad arguments are refused, and run.json's "options" keep the
 * keys and types that readers and committed runs have.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "opts.h"

static const struct opts_option *find(const char *name)
{
	for (size_t i = 0; i < opts_count; i++)
		if (!strcmp(opts_table[i].name, name))
			return &opts_table[i];
	fail_msg("no option --%s", name);
	return NULL;
}

static bool is_number(const struct opts_option *e)
{
	return e->kind == OPTS_UINT || e->kind == OPTS_INT || e->kind == OPTS_U64;
}

static void test_table(void **state)
{
	(void)state;
	assert_non_null(opts_table[0].section);
	for (size_t i = 0; i < opts_count; i++) {
		const struct opts_option *e = &opts_table[i];

		print_message("--%s\n", e->name);
		assert_true(e->name && *e->name && e->help && *e->help);
		/* Defaults are printed from the values, never written in the help. */
		assert_null(strstr(e->help, "(default"));
		for (size_t k = 0; k < i; k++) {
			assert_string_not_equal(e->name, opts_table[k].name);
			assert_true(!e->short_name || e->short_name != opts_table[k].short_name);
			assert_true(!e->json_key || !opts_table[k].json_key ||
				    strcmp(e->json_key, opts_table[k].json_key));
		}
		if (e->kind == OPTS_FLAG || e->kind == OPTS_HELP)
			assert_null(e->metavar);
		if (e->kind == OPTS_STR || e->kind == OPTS_CHOICE || is_number(e))
			assert_non_null(e->metavar);
		if (e->kind == OPTS_CHOICE)
			assert_true(e->choices && e->choices[0] && e->expected);
		if (e->kind == OPTS_CUSTOM)
			assert_true(e->parse && (!e->json_key || e->json));
		if (e->kind == OPTS_HELP)
			assert_null(e->json_key);
		if (is_number(e)) {
			assert_non_null(e->expected);
			assert_true(!e->max || e->min <= e->max);
			if (e->kind == OPTS_UINT)
				assert_true(e->max && e->max <= UINT_MAX);
			if (e->kind == OPTS_INT)
				assert_true(e->max && e->max <= INT_MAX);
		} else {
			assert_true(e->syntax == OPTS_PLAIN && !e->min && !e->max);
		}
	}
}

/* Every default --help prints is an argument that sets that default. */
static void test_defaults_parse_back(void **state)
{
	struct vpb_opts d, o;
	unsigned int n = 0;

	(void)state;
	opts_defaults(&d);
	for (size_t i = 0; i < opts_count; i++) {
		const struct opts_option *e = &opts_table[i];
		char text[128];

		if (e->kind == OPTS_CUSTOM || e->kind == OPTS_HELP || e->kind == OPTS_FLAG)
			continue;
		opts_format(e, &d, text, sizeof(text));
		if (!text[0])
			continue;
		print_message("--%s %s\n", e->name, text);
		memset(&o, 0, sizeof(o));
		assert_int_equal(opts_parse(&o, e, text), 0);
		if (e->kind == OPTS_STR || e->kind == OPTS_CHOICE)
			assert_string_equal(*(const char **)((char *)&o + e->offset),
					    *(const char **)((char *)&d + e->offset));
		else if (e->kind == OPTS_U64)
			assert_int_equal(*(uint64_t *)((char *)&o + e->offset),
					 *(uint64_t *)((char *)&d + e->offset));
		else if (e->kind == OPTS_UINT)
			assert_int_equal(*(unsigned int *)((char *)&o + e->offset),
					 *(unsigned int *)((char *)&d + e->offset));
		else
			assert_int_equal(*(int *)((char *)&o + e->offset),
					 *(int *)((char *)&d + e->offset));
		n++;
	}
	assert_true(n >= 14);
}

static int parse(struct vpb_opts *o, const char *name, const char *arg)
{
	static char buf[16][64];
	static unsigned int next;
	char *a = NULL;

	if (arg) {
		a = buf[next++ % 16];
		snprintf(a, sizeof(buf[0]), "%s", arg);
	}
	return opts_parse(o, find(name), a);
}

static void test_parse(void **state)
{
	static const struct {
		const char *name, *arg;
	} bad[] = {
		{"rounds", "0"},
		{"rounds", "1001"},
		{"rounds", "1k"},
		{"rounds", "x"},
		{"samples", "0"},
		{"samples", "100000001"},
		{"samples", "-5"},
		{"batch", "2M"},
		{"cycles", "0"},
		{"cpu", "65536"},
		{"cpu", "-1"},
		{"seed", "1k"},
		{"warmup", "10"},
		{"state-timeout", "0s"},
		{"duration", "0ms"},
		{"iommu", "magic"},
		{"clock", "TSC"},
		{"clock-label", ""},
		{"expect", "d0"},
		{"variant", "upstream"},
		{"variant", "=dir"},
		{"device", "xyz"},
		{"device", "0:1f.3,xyz"},
		{"run-id", "a/b"},
		{"run-id", ""},
	};
	struct vpb_opts o;

	(void)state;
	opts_defaults(&o);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("--%s '%s'\n", bad[i].name, bad[i].arg);
		assert_int_equal(parse(&o, bad[i].name, bad[i].arg), VPB_EXIT_USAGE);
	}
	/* run.json records every argument: one it cannot store is refused. */
	assert_int_equal(parse(&o, "results", "/tmp/r\xff"), VPB_EXIT_USAGE);
	assert_int_equal(parse(&o, "suite", "ioctl\xc5:"), VPB_EXIT_USAGE);
	assert_int_equal(parse(&o, "rounds", "1000"), 0);
	assert_int_equal(o.rounds, 1000);
	assert_int_equal(parse(&o, "samples", "20k"), 0);
	assert_int_equal(o.samples, 20000);
	assert_int_equal(parse(&o, "batch", "1M"), 0);
	assert_int_equal(o.batch, 1000000);
	assert_int_equal(parse(&o, "cpu", "0"), 0);
	assert_int_equal(o.cpu, 0);
	assert_int_equal(parse(&o, "dwell", "0s"), 0);
	assert_int_equal(o.dwell_ns, 0);
	assert_int_equal(parse(&o, "jitter", "1.5ms"), 0);
	assert_int_equal(o.jitter_ns, 1500000);
	assert_int_equal(parse(&o, "seed", "18446744073709551615"), 0);
	assert_true(o.seed == UINT64_MAX);
	assert_int_equal(parse(&o, "no-counters", NULL), 0);
	assert_true(o.no_counters);
	assert_int_equal(parse(&o, "expect", "d3hot"), 0);
	assert_string_equal(o.expect, "d3hot");
	assert_int_equal(parse(&o, "variant", "up=/lib/x"), 0);
	assert_string_equal(o.variants[0].name, "up");
	assert_string_equal(o.variants[0].dir, "/lib/x");
}

/*
 * run.json's "options": the keys and JSON types of the committed runs
 * (bench/tests/fixtures/runs, read by report, export and compare), plus
 * "profile", "cases" and "summary", which came later.
 */
static void test_json(void **state)
{
	static const char *const keys[] = {
		"suites",      "devices",      "variants",
		"reference",   "rounds",       "samples",
		"batch",       "warmup_ns",    "clock",
		"clock_label", "iommu",	       "events",
		"no_counters", "cpu",	       "cycles",
		"dwell_ns",    "jitter_ns",    "state_timeout_ns",
		"expect",      "breakdown",    "threads",
		"placement",   "duration_ns",  "keep_samples",
		"seed",	       "keep_variant", "profile",
		"cases",       "summary",
	};
	static const char *const same[] = {
		"rounds",	    "samples",	 "batch",	"warmup_ns",
		"clock_label",	    "iommu",	 "cpu",		"cycles",
		"state_timeout_ns", "placement", "duration_ns", "seed",
	};
	json_error_t err;
	json_t *run = json_load_file(VPB_FIXTURES "/runs/qemu-q35-tcg-icount-exact/"
						  "20261205T102529Z-vm/run.json",
				     0, &err);
	json_t *old, *j, *v;
	struct vpb_opts o;
	const char *k;

	(void)state;
	assert_non_null(run);
	old = json_object_get(run, "options");
	opts_defaults(&o);
	assert_int_equal(parse(&o, "suite", "ioctl,d3cold"), 0);
	assert_int_equal(parse(&o, "device", "01:00.0,0000:00:03.0"), 0);
	assert_int_equal(parse(&o, "variant", "no-get=/lib/vfio-variants/no-get"), 0);
	assert_int_equal(parse(&o, "clock-label", "icount"), 0);
	assert_int_equal(parse(&o, "iommu", "noiommu"), 0);
	o.rounds = 2;
	j = opts_json(&o);
	assert_int_equal(json_object_size(j), ARRAY_SIZE(keys));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		assert_non_null(json_object_get(j, keys[i]));
	json_object_foreach(old, k, v) {
		print_message("%s\n", k);
		assert_non_null(json_object_get(j, k));
		assert_int_equal(json_typeof(json_object_get(j, k)), json_typeof(v));
	}
	/* The values as given, the others the defaults. */
	assert_true(json_equal(json_object_get(j, "suites"), json_object_get(old, "suites")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "devices"), 1)),
			    "0000:00:03.0");
	assert_true(json_equal(json_array_get(json_object_get(j, "variants"), 0),
			       json_array_get(json_object_get(old, "variants"), 0)));
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		assert_true(json_equal(json_object_get(j, same[i]), json_object_get(old, same[i])));
	/* No --case: null (every case); with it, the list as given. */
	assert_true(json_is_null(json_object_get(j, "cases")));
	json_decref(j);
	assert_int_equal(parse(&o, "case", "get-info,d3cold.exit"), 0);
	j = opts_json(&o);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "cases"), 1)),
			    "d3cold.exit");
	assert_int_equal(json_array_size(json_object_get(j, "cases")), 2);
	json_decref(j);
	json_decref(run);
}

/* --help: every option, every line within 80 columns, defaults from the values. */
static void test_usage(void **state)
{
	char *text = NULL, *line, *save;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char want[64];

	(void)state;
	assert_non_null(f);
	opts_usage(f);
	fclose(f);
	for (size_t i = 0; i < opts_count; i++) {
		snprintf(want, sizeof(want), "--%s%s", opts_table[i].name,
			 opts_table[i].metavar ? " " : "");
		assert_non_null(strstr(text, want));
	}
	assert_non_null(strstr(text, "(default 50ms)"));
	assert_non_null(strstr(text, "(default 2000)"));
	assert_non_null(strstr(text, "(default 8, 2 with"));
	assert_non_null(strstr(text, "(default auto: invariant TSC if any)"));
	assert_non_null(strstr(text, "(default: until the"));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) < 80);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table), cmocka_unit_test(test_defaults_parse_back),
		cmocka_unit_test(test_parse), cmocka_unit_test(test_json),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

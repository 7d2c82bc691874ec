// SPDX-License-Identifier: GPL-2.0
/*
 * opts.c - the options of `vfio-pm-bench run`: their defaults and the one
 * table (opts_table[]) that parses them, prints --help and writes
 * run.json's "options". bench/cmd/run.c drives getopt_long() from it.
 */
#include "opts.h"
#include "common.h"
#include "pcidev.h"
#include "pmu.h"
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

void opts_defaults(struct vpb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->reference = "no-get";
	o->rounds = 0; /* opts_rounds() */
	o->samples = 2000;
	o->batch = 16;
	o->warmup_ns = 50000000ull; /* 50 ms */
	o->clock = "auto";
	o->clock_label = "native";
	o->iommu = "auto";
	o->results = "results";
	o->cpu = -1;
	o->cycles = 10;
	o->state_timeout_ns = 2000000000ull; /* 2 s */
	o->jitter_ns = 20000000ull;	     /* 20 ms: 2 to 20 ticks at HZ 100 to 1000 */
	o->placement = "compact";
	o->duration_ns = 1000000000ull; /* 1 s */
	o->summary = "run";
	o->seed = 1;
}

unsigned int opts_rounds(const char *clock_label)
{
	return clock_label && !strcmp(clock_label, "icount") ? 2 : 8;
}

static int bad(const char *name, const char *arg, const char *what)
{
	vpb_err("run: invalid --%s '%s': %s", name, arg, what);
	return VPB_EXIT_USAGE;
}

/* Split a comma list in place into @out (at most VPB_MAX_LIST). */
static int split(char *s, const char **out, unsigned int *n)
{
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (*n >= VPB_MAX_LIST)
			return -E2BIG;
		out[(*n)++] = tok;
	}
	return 0;
}

static int parse_suites(struct vpb_opts *o, char *arg)
{
	return split(arg, o->suites, &o->nsuites) ? bad("suite", arg, "too many suites") : 0;
}

static int parse_cases(struct vpb_opts *o, char *arg)
{
	return split(arg, o->cases, &o->ncases) ? bad("case", arg, "too many cases") : 0;
}

int opts_add_device(struct vpb_opts *o, const char *bdf)
{
	if (o->ndevices >= VPB_MAX_LIST)
		return bad("device", bdf, "too many devices");
	if (pcidev_normalize_bdf(bdf, o->devices[o->ndevices], sizeof(o->devices[0])))
		return bad("device", bdf, "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
	o->ndevices++;
	return 0;
}

static int parse_devices(struct vpb_opts *o, char *arg)
{
	int ret = 0;

	for (char *tok = strtok(arg, ","); tok && !ret; tok = strtok(NULL, ","))
		ret = opts_add_device(o, tok);
	return ret;
}

static int parse_variant(struct vpb_opts *o, char *arg)
{
	const char *eq = strchr(arg, '=');
	struct vpb_variant_spec *v;

	if (o->nvariants >= VPB_MAX_LIST)
		return bad("variant", arg, "too many variants");
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(v->name) ||
	    strlen(eq + 1) >= sizeof(v->dir))
		return bad("variant", arg, "expected NAME=MODULE_DIR");
	v = &o->variants[o->nvariants++];
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - arg), arg);
	snprintf(v->dir, sizeof(v->dir), "%s", eq + 1);
	return 0;
}

static int parse_run_id(struct vpb_opts *o, char *arg)
{
	if (!*arg || strchr(arg, '/'))
		return bad("run-id", arg, "must be a plain name");
	o->run_id = arg;
	return 0;
}

static int parse_quiet(struct vpb_opts *o, char *arg)
{
	(void)o;
	(void)arg;
	vpb_quiet = true;
	return 0;
}

static json_t *strings_json(const char *const *v, unsigned int n)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *suites_json(const struct vpb_opts *o)
{
	return strings_json(o->suites, o->nsuites);
}

/* The --case filter, or null: every case of the suites. */
static json_t *cases_json(const struct vpb_opts *o)
{
	return o->ncases ? strings_json(o->cases, o->ncases) : json_null();
}

static json_t *devices_json(const struct vpb_opts *o)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < o->ndevices; i++)
		json_array_append_new(a, json_string(o->devices[i]));
	return a;
}

static json_t *variants_json(const struct vpb_opts *o)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < o->nvariants; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name", o->variants[i].name,
						   "modules", o->variants[i].dir));
	return a;
}

/* Defaults decided at run time, for --help. */
static void rounds_default(char *buf, size_t len)
{
	snprintf(buf, len, "%u, %u with --clock-label icount, whose figures repeat",
		 opts_rounds("native"), opts_rounds("icount"));
}

static void events_default(char *buf, size_t len)
{
	snprintf(buf, len, "%s, else %s", pmu_default_events(), pmu_software_events());
}

static const char *const iommus[] = {"auto", "type1", "noiommu", "iommufd", NULL};
static const char *const clocks[] = {"auto", "tsc", "mono", NULL};
static const char *const labels[] = {"native", "host", "icount", NULL};
static const char *const expects[] = {"d3cold", "d3hot", NULL};
static const char *const summaries[] = {"run", "defer", "both", NULL};

/* In the order of --help. */
const struct opts_option opts_table[] = {
	{
		.name = "suite",
		.short_name = 's',
		.kind = OPTS_CUSTOM,
		.parse = parse_suites,
		.json = suites_json,
		.section = "What to run",
		.metavar = "LIST",
		.help = "suites, comma-separated (see 'vfio-pm-bench list')",
		.json_key = "suites",
	},
	{
		.name = "case",
		.short_name = 'c',
		.kind = OPTS_CUSTOM,
		.parse = parse_cases,
		.json = cases_json,
		.metavar = "LIST",
		.help = "only these cases (NAME or SUITE.NAME of a suite given)",
		.json_key = "cases",
	},
	{
		.name = "device",
		.short_name = 'd',
		.kind = OPTS_CUSTOM,
		.parse = parse_devices,
		.json = devices_json,
		.metavar = "BDF",
		.help = "a device bound to vfio-pci, repeatable; no other device is touched",
		.default_note = "$VFIO_PM_BENCH_DEVICE",
		.json_key = "devices",
	},
	{
		.name = "variant",
		.kind = OPTS_CUSTOM,
		.parse = parse_variant,
		.json = variants_json,
		.metavar = "NAME=DIR",
		.help = "load the vfio modules in DIR (kernel/build.sh output) for variant NAME; "
			"repeatable, interleaved per round; the vfio modules and device bindings "
			"found are put back at the end",
		.json_key = "variants",
	},
	{
		.name = "keep-variant",
		.kind = OPTS_FLAG,
		.offset = offsetof(struct vpb_opts, keep_variant),
		.help = "leave the last variant's modules loaded instead",
		.json_key = "keep_variant",
	},
	{
		.name = "reference",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, reference),
		.metavar = "NAME",
		.help = "the variant others are compared with",
		.json_key = "reference",
	},
	{
		.name = "iommu",
		.kind = OPTS_CHOICE,
		.offset = offsetof(struct vpb_opts, iommu),
		.choices = iommus,
		.expected = "expected auto, type1, noiommu, iommufd",
		.metavar = "MODE",
		.help = "auto, type1, noiommu, iommufd",
		.json_key = "iommu",
	},
	{
		.name = "rounds",
		.short_name = 'r',
		.kind = OPTS_UINT,
		.offset = offsetof(struct vpb_opts, rounds),
		.min = 1,
		.max = 1000,
		.expected = "expected 1 to 1000",
		.section = "Sampling",
		.metavar = "N",
		.help = "rounds over all variants; round r starts at variant r, so each takes "
			"each place; compare judges a drifting clock only by rounds",
		.show_default = rounds_default,
		.json_key = "rounds",
	},
	{
		.name = "samples",
		.short_name = 'n',
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, samples),
		.syntax = OPTS_COUNT,
		.min = 1,
		.max = 100000000,
		.expected = "expected a count like 2000 or 20k",
		.metavar = "N",
		.help = "samples per case, variant and round",
		.json_key = "samples",
	},
	{
		.name = "batch",
		.short_name = 'b',
		.kind = OPTS_UINT,
		.offset = offsetof(struct vpb_opts, batch),
		.syntax = OPTS_COUNT,
		.min = 1,
		.max = 1000000,
		.expected = "expected 1 to 1M",
		.metavar = "N",
		.help = "operations per timed batch for loop cases",
		.json_key = "batch",
	},
	{
		.name = "warmup",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, warmup_ns),
		.syntax = OPTS_DURATION,
		.expected = "expected a duration like 50ms",
		.metavar = "DUR",
		.help = "warm-up per case, e.g. 50ms",
		.json_key = "warmup_ns",
	},
	{
		.name = "clock",
		.kind = OPTS_CHOICE,
		.offset = offsetof(struct vpb_opts, clock),
		.choices = clocks,
		.expected = "expected auto, tsc or mono",
		.metavar = "C",
		.help = "auto, tsc, mono",
		.default_note = "invariant TSC if any",
		.json_key = "clock",
	},
	{
		.name = "clock-label",
		.kind = OPTS_CHOICE,
		.offset = offsetof(struct vpb_opts, clock_label),
		.choices = labels,
		.expected = "expected native, host or icount",
		.metavar = "L",
		.help = "how time advances, recorded: native, host, icount",
		.json_key = "clock_label",
	},
	{
		.name = "cpu",
		.kind = OPTS_INT,
		.offset = offsetof(struct vpb_opts, cpu),
		.max = 65535,
		.expected = "expected an OS cpu number",
		.metavar = "N",
		.help = "pin the measuring thread to OS cpu N (hwloc)",
		.json_key = "cpu",
	},
	{
		.name = "events",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, events),
		.metavar = "LIST",
		.help = "libpfm4 event names, each one libpfm4 can encode; where they cannot be "
			"opened the run records why",
		.show_default = events_default,
		.json_key = "events",
	},
	{
		.name = "no-counters",
		.kind = OPTS_FLAG,
		.offset = offsetof(struct vpb_opts, no_counters),
		.help = "no hardware or software counters",
		.json_key = "no_counters",
	},
	{
		.name = "profile",
		.kind = OPTS_FLAG,
		.offset = offsetof(struct vpb_opts, profile),
		.help = "for a run under QEMU's profile plugin (vm --profile): write "
			"<run>/profile/ (the kernel's and each variant's symbols, this process's "
			"maps, the measured cases in the order of the plugin's segments)",
		.json_key = "profile",
	},
	{
		.name = "seed",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, seed),
		.expected = "expected a number",
		.metavar = "N",
		.help = "bootstrap seed",
		.json_key = "seed",
	},
	{
		.name = "cycles",
		.kind = OPTS_UINT,
		.offset = offsetof(struct vpb_opts, cycles),
		.syntax = OPTS_COUNT,
		.min = 1,
		.max = 1000000,
		.expected = "expected 1 to 1M",
		.section = "d3cold suite",
		.metavar = "N",
		.help = "low-power cycles per case",
		.json_key = "cycles",
	},
	{
		.name = "dwell",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, dwell_ns),
		.syntax = OPTS_DURATION,
		.expected = "expected a duration like 200ms",
		.metavar = "DUR",
		.help = "time in low power before the exit",
		.default_note = "until the deepest state the platform offers is reached",
		.json_key = "dwell_ns",
	},
	{
		.name = "jitter",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, jitter_ns),
		.syntax = OPTS_DURATION,
		.expected = "expected a duration like 20ms",
		.metavar = "DUR",
		.help = "a random wait in [0, DUR) before each exit, seeded by --seed, 0ms for "
			"none: exits then start at every phase of the timer tick, whose msleep() "
			"rounding otherwise biases one variant against another",
		.json_key = "jitter_ns",
	},
	{
		.name = "state-timeout",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, state_timeout_ns),
		.syntax = OPTS_DURATION,
		.min = 1,
		.expected = "expected a duration like 2s",
		.metavar = "DUR",
		.help = "longest wait for a state",
		.json_key = "state_timeout_ns",
	},
	{
		.name = "expect",
		.kind = OPTS_CHOICE,
		.offset = offsetof(struct vpb_opts, expect),
		.choices = expects,
		.expected = "expected d3cold or d3hot",
		.metavar = "STATE",
		.help = "d3cold or d3hot: a cycle reaching another state fails",
		.json_key = "expect",
	},
	{
		.name = "breakdown",
		.kind = OPTS_FLAG,
		.offset = offsetof(struct vpb_opts, breakdown),
		.help = "trace the exit's phases (inflates the timings)",
		.json_key = "breakdown",
	},
	{
		.name = "threads",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, threads),
		.section = "contention suite",
		.metavar = "LIST",
		.help = "thread counts, e.g. 1,2,4",
		.default_note = "1,2,4.. up to PUs",
		.json_key = "threads",
	},
	{
		.name = "placement",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, placement),
		.metavar = "P",
		.help = "compact, scatter, pu, core, l3, package, numa, device-local[:fallback], "
			"cpuset:LIST",
		.json_key = "placement",
	},
	{
		.name = "duration",
		.kind = OPTS_U64,
		.offset = offsetof(struct vpb_opts, duration_ns),
		.syntax = OPTS_DURATION,
		.min = 1,
		.expected = "expected a duration like 1s",
		.metavar = "DUR",
		.help = "measured time per point",
		.json_key = "duration_ns",
	},
	{
		.name = "results",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, results),
		.section = "Output",
		.metavar = "DIR",
		.help = "results root",
	},
	{
		.name = "platform-id",
		.kind = OPTS_STR,
		.offset = offsetof(struct vpb_opts, platform_id),
		.metavar = "ID",
		.help = "platform slug instead of the derived one",
	},
	{
		.name = "run-id",
		.kind = OPTS_CUSTOM,
		.parse = parse_run_id,
		.metavar = "ID",
		.help = "run id instead of <UTC time>-<suite>[-N] (a default id takes -2, -3... "
			"when taken; a given one must be new)",
	},
	{
		.name = "keep-samples",
		.kind = OPTS_FLAG,
		.offset = offsetof(struct vpb_opts, keep_samples),
		.help = "also write every sample of loop cases",
		.json_key = "keep_samples",
	},
	{
		.name = "summary",
		.kind = OPTS_CHOICE,
		.offset = offsetof(struct vpb_opts, summary),
		.choices = summaries,
		.expected = "expected run, defer or both",
		.metavar = "WHERE",
		.help = "where summary.json, metrics.csv and the per-case CSV files are computed: "
			"run (here, after measuring), defer (not here: every sample goes to "
			"<run>/series.raw.json and 'vfio-pm-bench summarize RUN' computes them "
			"with the same code; vm does so on the host), both (here, and the raw "
			"file is kept, to check summarize against run)",
		.json_key = "summary",
	},
	{
		.name = "quiet",
		.short_name = 'q',
		.kind = OPTS_CUSTOM,
		.parse = parse_quiet,
		.help = "no progress lines",
	},
	{
		.name = "help",
		.short_name = 'h',
		.kind = OPTS_HELP,
		.help = "this text",
	},
};

const size_t opts_count = ARRAY_SIZE(opts_table);

/* The value of @e in @o. */
static void *field(const struct opts_option *e, struct vpb_opts *o)
{
	return (char *)o + e->offset;
}

static const void *cfield(const struct opts_option *e, const struct vpb_opts *o)
{
	return (const char *)o + e->offset;
}

/* The most a number of @e can be: its .max, else its type's. */
static uint64_t max_of(const struct opts_option *e)
{
	if (e->max)
		return e->max;
	return e->kind == OPTS_UINT ? UINT_MAX : e->kind == OPTS_INT ? INT_MAX : UINT64_MAX;
}

static int parse_number(struct vpb_opts *o, const struct opts_option *e, char *arg)
{
	uint64_t u;
	int ret;

	if (e->syntax == OPTS_COUNT)
		ret = units_parse_count(arg, &u);
	else if (e->syntax == OPTS_DURATION)
		ret = units_parse_duration_ns(arg, &u);
	else
		ret = units_parse_u64(arg, &u);
	if (ret || u < e->min || u > max_of(e))
		return bad(e->name, arg, e->expected);
	if (e->kind == OPTS_UINT)
		*(unsigned int *)field(e, o) = (unsigned int)u;
	else if (e->kind == OPTS_INT)
		*(int *)field(e, o) = (int)u;
	else
		*(uint64_t *)field(e, o) = u;
	return 0;
}

/* An argument jansson cannot store (run.json records every argument) is refused. */
static bool utf8(const char *arg)
{
	json_t *j = json_string(arg);
	bool ok = j;

	json_decref(j);
	return ok;
}

int opts_parse(struct vpb_opts *o, const struct opts_option *e, char *arg)
{
	if (arg && !utf8(arg)) {
		vpb_err("run: invalid --%s: not valid UTF-8 (run.json records every argument)",
			e->name);
		return VPB_EXIT_USAGE;
	}
	switch (e->kind) {
	case OPTS_STR:
		*(const char **)field(e, o) = arg;
		return 0;
	case OPTS_CHOICE:
		for (const char *const *c = e->choices; *c; c++)
			if (!strcmp(arg, *c)) {
				*(const char **)field(e, o) = arg;
				return 0;
			}
		return bad(e->name, arg, e->expected);
	case OPTS_FLAG:
		*(bool *)field(e, o) = true;
		return 0;
	case OPTS_UINT:
	case OPTS_INT:
	case OPTS_U64:
		return parse_number(o, e, arg);
	case OPTS_CUSTOM:
		return e->parse(o, arg);
	case OPTS_HELP:
		break;
	}
	return VPB_EXIT_USAGE;
}

void opts_format(const struct opts_option *e, const struct vpb_opts *o, char *buf, size_t len)
{
	const void *v = cfield(e, o);

	snprintf(buf, len, "%s", "");
	switch (e->kind) {
	case OPTS_STR:
	case OPTS_CHOICE:
		if (*(const char *const *)v)
			snprintf(buf, len, "%s", *(const char *const *)v);
		break;
	case OPTS_UINT:
		if (*(const unsigned int *)v)
			snprintf(buf, len, "%u", *(const unsigned int *)v);
		break;
	case OPTS_INT:
		if (*(const int *)v >= 0)
			snprintf(buf, len, "%d", *(const int *)v);
		break;
	case OPTS_U64:
		if (!*(const uint64_t *)v)
			break;
		if (e->syntax == OPTS_DURATION)
			units_format_duration(*(const uint64_t *)v, buf, len);
		else
			snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)v);
		break;
	case OPTS_FLAG:
	case OPTS_CUSTOM:
	case OPTS_HELP:
		break;
	}
}

#define HELP_COLUMN 25 /* where the descriptions start */
#define HELP_WIDTH  80 /* lines end before this column */

/* Print @text from column @at on, wrapped at spaces to HELP_COLUMN. */
static void wrap(FILE *f, const char *text, size_t at)
{
	size_t start = at;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (at > start && at + 1 + w >= HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_COLUMN, "");
			at = start = HELP_COLUMN;
		} else if (at > start) {
			fputc(' ', f);
			at++;
		}
		fprintf(f, "%.*s", (int)w, text);
		at += w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void opts_usage(FILE *f)
{
	struct vpb_opts d;

	opts_defaults(&d);
	fputs("usage: vfio-pm-bench run --suite LIST [options]\n"
	      "\n"
	      "Runs the suites on the named devices (and, with --variant, on each vfio\n"
	      "variant in turn, interleaved round by round) and writes the run directory\n"
	      "RESULTS/<platform>/<run-id>/ (run.json, summary.json, one CSV per case;\n"
	      "with --summary defer, run.json and series.raw.json).\n"
	      "It prints the run directory on stdout.\n"
	      "\n",
	      f);
	for (size_t i = 0; i < opts_count; i++) {
		const struct opts_option *e = &opts_table[i];
		char dflt[128], text[1024];
		int n;

		if (e->section)
			fprintf(f, "%s:\n", e->section);
		if (e->short_name)
			n = fprintf(f, "  -%c, --%s", e->short_name, e->name);
		else
			n = fprintf(f, "      --%s", e->name);
		if (e->metavar)
			n += fprintf(f, " %s", e->metavar);
		n += fprintf(f, "%*s", n < HELP_COLUMN ? HELP_COLUMN - n : 2, "");
		if (e->show_default)
			e->show_default(dflt, sizeof(dflt));
		else
			opts_format(e, &d, dflt, sizeof(dflt));
		if (dflt[0] && e->default_note)
			snprintf(text, sizeof(text), "%s (default %s: %s)", e->help, dflt,
				 e->default_note);
		else if (dflt[0])
			snprintf(text, sizeof(text), "%s (default %s)", e->help, dflt);
		else if (e->default_note)
			snprintf(text, sizeof(text), "%s (default: %s)", e->help, e->default_note);
		else
			snprintf(text, sizeof(text), "%s", e->help);
		wrap(f, text, (size_t)n);
	}
}

json_t *opts_json(const struct vpb_opts *o)
{
	json_t *j = json_object();

	for (size_t i = 0; i < opts_count; i++) {
		const struct opts_option *e = &opts_table[i];
		const void *v = cfield(e, o);
		const char *s;
		uint64_t u;
		json_t *x = NULL;

		if (!e->json_key)
			continue;
		switch (e->kind) {
		case OPTS_STR:
		case OPTS_CHOICE:
			s = *(const char *const *)v;
			x = s ? json_string(s) : json_null();
			break;
		case OPTS_FLAG:
			x = json_boolean(*(const bool *)v);
			break;
		case OPTS_UINT:
			x = json_integer(*(const unsigned int *)v);
			break;
		case OPTS_INT:
			x = json_integer(*(const int *)v);
			break;
		case OPTS_U64:
			u = *(const uint64_t *)v;
			x = json_integer((json_int_t)u);
			break;
		case OPTS_CUSTOM:
			x = e->json(o);
			break;
		case OPTS_HELP:
			break;
		}
		json_object_set_new(j, e->json_key, x);
	}
	return j;
}

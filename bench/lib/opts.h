/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opts.h - every option of `vfio-pm-bench run`: the values (struct
 * vpb_opts), their defaults, set in one place (opts_defaults()), and the
 * table of the options (opts_table[]) from which the command line is
 * parsed, --help is printed and run.json's "options" are written.
 */
#ifndef VPB_OPTS_H
#define VPB_OPTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VPB_MAX_LIST 16

/**
 * struct vpb_variant_spec - a vfio variant to load for the run.
 * @name: the variant's name (must match /sys/module/vfio/version "0.3+name").
 * @dir: the directory with its vfio.ko, vfio-pci-core.ko, vfio-pci.ko, or
 *       "" to measure whatever vfio is loaded.
 */
struct vpb_variant_spec {
	char name[32];
	char dir[256];
};

struct vpb_opts {
	const char *suites[VPB_MAX_LIST];
	unsigned int nsuites;
	const char *cases[VPB_MAX_LIST]; /* filter: "case" or "suite.case" */
	unsigned int ncases;
	char devices[VPB_MAX_LIST][16];
	unsigned int ndevices;
	struct vpb_variant_spec variants[VPB_MAX_LIST];
	unsigned int nvariants;
	const char *reference; /* the variant others are compared with */
	unsigned int rounds;   /* 0 until parsed: then --rounds, or opts_rounds() */
	uint64_t samples;      /* per case, variant and round */
	unsigned int batch;    /* operations per timed batch, for cases without their own */
	uint64_t warmup_ns;
	const char *clock;	 /* auto | tsc | mono */
	const char *clock_label; /* how time advances: native | host | icount */
	const char *iommu;	 /* auto | type1 | noiommu | iommufd */
	const char *results;	 /* the results root */
	const char *platform_id; /* override of the derived platform slug */
	const char *run_id;	 /* override of the derived run id */
	const char *events;	 /* libpfm4 event names, or NULL for the default */
	bool no_counters;
	bool keep_variant; /* --keep-variant: no restore of the modules found */
	bool profile;	   /* --profile: symbols and segments for the profile plugin */
	int cpu;	   /* pin the measuring thread to this OS cpu, -1 = don't */
	/* d3cold */
	unsigned int cycles;
	uint64_t dwell_ns;  /* 0 = wait for the deepest state */
	uint64_t jitter_ns; /* d3cold: random wait before each exit, in [0, jitter_ns) */
	uint64_t state_timeout_ns;
	const char *expect; /* NULL, "d3cold" or "d3hot" */
	bool breakdown;
	/* contention */
	const char *threads;
	const char *placement;
	uint64_t duration_ns;
	bool keep_samples;
	const char *summary; /* run | defer | both: where summary.json is computed */
	uint64_t seed;
};

/** opts_defaults() - set every option to its default. */
void opts_defaults(struct vpb_opts *o);

/**
 * opts_rounds() - the default number of rounds for a clock: 2 on QEMU's
 * icount clock, whose figures repeat to the ns; 8 on any other, whose
 * rounds drift, so that `compare` can judge on the rounds (the paired
 * signed-rank test needs 8 at alpha 0.01) instead of pooled samples.
 */
unsigned int opts_rounds(const char *clock_label);

/* What an option sets in struct vpb_opts, at its offset. */
enum opts_kind {
	OPTS_STR,    /* const char *: the argument as given */
	OPTS_CHOICE, /* const char *: one of .choices */
	OPTS_FLAG,   /* bool: true when given; no argument */
	OPTS_UINT,   /* unsigned int: a number (.syntax) in [.min, .max] */
	OPTS_INT,    /* int: a number in [.min, .max]; a negative default is "unset" */
	OPTS_U64,    /* uint64_t: a number in [.min, .max] */
	OPTS_CUSTOM, /* .parse sets it (and .json records it) */
	OPTS_HELP,   /* --help: handled by the command */
};

/* How a number is written. */
enum opts_syntax {
	OPTS_PLAIN,    /* units_parse_u64(): 42 */
	OPTS_COUNT,    /* units_parse_count(): 2000, 20k */
	OPTS_DURATION, /* units_parse_duration_ns(), in ns: 50ms */
};

/**
 * struct opts_option - one option of `vfio-pm-bench run`.
 * @name: the long option, without "--".
 * @short_name: the one-letter option, or 0.
 * @kind: what it sets.
 * @offset: offsetof() its value in struct vpb_opts (not for OPTS_CUSTOM and
 *          OPTS_HELP).
 * @syntax: for numbers, how they are written.
 * @min: for numbers, the least accepted.
 * @max: for numbers, the most accepted; 0 for no bound but the type's.
 * @choices: for OPTS_CHOICE, the accepted values, NULL-terminated.
 * @expected: the end of the error on a bad argument ("expected 1 to 1000").
 * @parse: for OPTS_CUSTOM, sets the value from the argument (NULL when the
 *         option has none); 0 or an exit code, after one line on stderr.
 * @json: for OPTS_CUSTOM with a @json_key, the value recorded.
 * @section: for --help, the heading this option starts, or NULL.
 * @metavar: for --help, the argument's name; NULL when the option takes
 *           none (getopt_long's no_argument).
 * @help: what it does, for --help, without its default.
 * @default_note: for --help, what the default means or, when the default
 *                value is unset (NULL, 0, negative), what happens then.
 * @show_default: for --help, prints a default that is not in struct
 *                vpb_opts (set at run time) instead of the value.
 * @json_key: its key in run.json's "options", or NULL when not recorded.
 *
 * --help prints each default from opts_defaults() as "(default VALUE)",
 * "(default VALUE: NOTE)" or "(default: NOTE)".
 */
struct opts_option {
	const char *name;
	char short_name;
	enum opts_kind kind;
	size_t offset;
	enum opts_syntax syntax;
	uint64_t min, max;
	const char *const *choices;
	const char *expected;
	int (*parse)(struct vpb_opts *o, char *arg);
	json_t *(*json)(const struct vpb_opts *o);
	const char *section;
	const char *metavar;
	const char *help;
	const char *default_note;
	void (*show_default)(char *buf, size_t len);
	const char *json_key;
};

extern const struct opts_option opts_table[];
extern const size_t opts_count;

/**
 * opts_parse() - set @o's value of option @e from its argument.
 * @arg: the argument (NULL for an option without); custom parsers may
 *       split it in place.
 *
 * Return: 0, or VPB_EXIT_USAGE after one line on stderr
 * ("run: invalid --rounds 'x': expected 1 to 1000").
 */
int opts_parse(struct vpb_opts *o, const struct opts_option *e, char *arg);

/**
 * opts_format() - @o's value of option @e as it is written on the command
 * line ("50ms", "2000", "auto"), or "" when it is unset or has no such
 * form (flags, lists).
 */
void opts_format(const struct opts_option *e, const struct vpb_opts *o, char *buf, size_t len);

/** opts_add_device() - add a --device (a PCI address); 0 or VPB_EXIT_USAGE. */
int opts_add_device(struct vpb_opts *o, const char *bdf);

/** opts_usage() - print `run --help`, each default from opts_defaults(). */
void opts_usage(FILE *f);

/** opts_json() - run.json's "options": every option with a json_key. */
json_t *opts_json(const struct vpb_opts *o);

#endif

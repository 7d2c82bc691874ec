/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner_int.h - what the parts of `vfio-pm-bench run` share: runner.c
 * (orchestration), runner_measure.c (the timing loop), runner_summary.c
 * (summary.json's cases), runner_write.c (the run directory) and
 * runner_raw.c (the samples carried to `summarize`: series.raw.json).
 */
#ifndef VPB_RUNNER_INT_H
#define VPB_RUNNER_INT_H

#include "clock.h"
#include "opts.h"
#include "suite.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The samples of one case on one device, variant and round. */
struct series {
	const struct vpb_suite *suite;
	const struct vpb_case *c;
	char device[16];
	char variant[32];
	char point[24];	    /* threaded cases: "t<threads>" */
	json_t *point_info; /* threaded cases: placement, cpus, ops/s */
	unsigned int round;
	unsigned int batch;
	double overhead_ns;   /* null loop per operation, same batch */
	unsigned int segment; /* the profile plugin's segment (profile.h), 1 up */
	char symbols[96];     /* --profile: the modules' symbols file then loaded */
	json_t *counters;     /* per operation, or a string saying why none */
	struct vpb_sample *s;
	size_t n;
};

struct run {
	const struct vpb_opts *o;
	struct vpb_clock clock;
	char dir[1200];
	char slug[128];
	char run_id[128];
	struct series *series;
	size_t nseries;
	json_t *skipped;
	json_t *failed;
	json_t *recovered; /* devices found in low power at open, and left */
	unsigned int ran;
	unsigned int segments; /* SEGMENT markers executed */
	char symbols[96];      /* --profile: the modules' symbols file of the loaded variant */
};

/* runner_measure.c */
void measure_case(struct run *r, struct vpb_env *env, struct series *se);
struct series *new_series(struct run *r);
void measure_threaded(struct run *r, struct vpb_env *env, const struct series *tmpl);

/* runner_summary.c */
bool same_case(const struct series *a, const struct series *b);
double *pool_values(const struct run *r, const struct series *key, const char *variant,
		    unsigned int round, size_t *n, bool ratio);
double *pool(const struct run *r, const struct series *key, const char *variant, size_t *n);
json_t *case_summary(const struct run *r, const struct series *key, const char *const *variants,
		     size_t nvar);

/* runner_write.c */
/*
 * Everything write_outputs() reads of a run: r->dir, run_id, slug, series,
 * skipped, failed, and of r->o: rounds, reference, seed, keep_samples,
 * clock_label. series.raw.json carries exactly these (runner_raw.c): keep
 * the two in step.
 */
int write_outputs(struct run *r, const char *const *variants, size_t nvar);
void now_iso(char *buf, size_t len);
int write_run_json(struct run *r, json_t *base, const char *status);
int make_run_dir(struct run *r);
int write_platform(struct run *r, json_t *ident);
int profile_file(const struct run *r, const char *name, const char *src, bool modules);
int profile_segments(const struct run *r);

/* runner_raw.c */
int write_raw(const struct run *r, const char *const *variants, size_t nvar);

/* A run read back from series.raw.json: what write_outputs() takes. */
struct raw_run {
	struct run r; /* r.o is &o; r.dir is "" */
	struct vpb_opts o;
	const char *variants[VPB_MAX_LIST];
	size_t nvar;
	json_t *root; /* the file, whose strings and JSON members r and o borrow */
};

/*
 * read_raw() - @path into @rr; 0, or -EINVAL with @why ("series 3: \"round\":
 * expected an integer from 1 to 2"). Free @rr with raw_run_free() either way.
 */
int read_raw(const char *path, struct raw_run *rr, char *why, size_t len);
void raw_run_free(struct raw_run *rr);

#endif

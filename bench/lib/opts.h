/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opts.h - every option of `vfio-pm-bench run`, with all defaults set in
 * one place (opts_defaults()).
 */
#ifndef VPB_OPTS_H
#define VPB_OPTS_H

#include <stdbool.h>
#include <stdint.h>

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

#endif

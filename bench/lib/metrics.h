/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - a run's figures as a flat list, one row per figure: the one
 * reading of summary.json that every export shares (metrics.csv, written in
 * every run directory; `export --format kcidb|bmf|lava|metrics`; the fleet
 * report). Nothing is recomputed: every value, interval and count is the
 * one summary.json stores (and summary.md, report and qualify print).
 *
 * The figures of a case (suite, case, device, point) and variant:
 *   median        variants.<v>.median, CI median_ci95, n the valid samples
 *   p99           variants.<v>.p99, n the valid samples
 *   entry_median  cycle cases: variants.<v>.entry.median, CI its median_ci95,
 *                 n entry.n (the low-power entry latency)
 *   entry_p99     cycle cases: variants.<v>.entry.p99
 *   shift         vs_reference.<v>.hl_shift (the wrapper cost against the
 *                 reference variant), CI hl_ci95, n the variant's valid samples
 *   shift_rounds  vs_reference.<v>.rounds.median_diff, CI rounds.ci, n the
 *                 paired rounds (only where the run had enough rounds)
 * Every value is ns (summary.json's unit). A figure without a value (a
 * variant with no valid sample) is kept, with a null value and the reason.
 */
#ifndef VPB_METRICS_H
#define VPB_METRICS_H

#include <jansson.h>
#include <stdio.h>

/* The file every run directory holds (results/README.md). */
#define METRICS_FILE "metrics.csv"

/**
 * metrics_figures() - the figures of a summary.json.
 * @summary: summary.json (NULL: no figure)
 * @clock_label: run.json clock.label ("" when unknown)
 *
 * Return: a JSON array, one object per figure, in summary.json's order:
 * name ("<suite>.<case>[.<point>].<stat>"), suite, case, point, stat,
 * device, variant, value (number or null), unit ("ns"), ci_lo, ci_hi
 * (numbers or null), n (integer), clock, and why (string, only when value
 * is null); NULL on -ENOMEM.
 */
json_t *metrics_figures(const json_t *summary, const char *clock_label);

/**
 * metrics_id() - a figure's identifier made of [A-Za-z0-9_.-] only (what
 * KCIDB test paths and LAVA test case names accept):
 * "<suite>.<case>[.<point>].<device>.<variant>.<stat>", the device's ':'
 * and '.' turned to '-' (0000:01:00.0 gives 0000-01-00-0), any other
 * character to '_'.
 */
void metrics_id(const json_t *fig, char *buf, size_t len);

/** metrics_safe() - @s with every character outside [A-Za-z0-9_-] made '-' or '_'. */
void metrics_safe(const char *s, char *buf, size_t len);

/**
 * metrics_write_csv() - write the figures as metrics.csv rows (RFC 4180,
 * header "schema_version,name,value,unit,ci_lo,ci_hi,n,clock,variant,device";
 * numbers as summary.json writes them, 10 significant digits; empty when
 * null). Return: 0 or -EIO.
 */
int metrics_write_csv(FILE *f, const json_t *figs);

/** metrics_num() - a value as summary.json writes it (%.10g); "" for null. */
void metrics_num(const json_t *v, char *buf, size_t len);

#endif

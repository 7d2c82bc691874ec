/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - `vfio-pm-bench run`: rounds x variants x suites x devices x
 * cases, the timing loops, and the run directory.
 */
#ifndef VPB_RUNNER_H
#define VPB_RUNNER_H

#include "opts.h"

#include <stdbool.h>

/**
 * runner_run() - run everything @o asks for and write the run directory.
 * @o: the options.
 * @cmdline: the command line, recorded in run.json.
 *
 * Return: an exit code (enum vpb_exit): 0 when every case ran, 1 when one
 * failed or the run was interrupted, 4 when nothing could run here.
 */
int runner_run(const struct vpb_opts *o, const char *cmdline);

/*
 * The samples of a run whose summary is deferred (run --summary defer), in
 * its directory until `summarize` has computed the summary from them.
 */
#define RUNNER_RAW_FILE "series.raw.json"

/**
 * runner_summarize() - `vfio-pm-bench summarize`: read @dir's
 * RUNNER_RAW_FILE, write summary.json, metrics.csv and the per-case CSV
 * files with the code `run` uses (write_outputs()), record in run.json
 * where and by which harness they were computed, then remove the raw file
 * (unless @keep_raw).
 *
 * Return: 0; VPB_EXIT_USAGE after one line on stderr when the input is bad
 * (no directory, no raw file or run.json, one that does not parse or has a
 * wrongly typed member, an unknown schema_version, a suite or case this
 * harness does not have), with nothing written; VPB_EXIT_FAIL when an
 * output could not be written (the raw file is kept).
 */
int runner_summarize(const char *dir, bool keep_raw);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - `vfio-pm-bench run`: rounds x variants x suites x devices x
 * cases, the timing loops, and the run directory.
 */
#ifndef VPB_RUNNER_H
#define VPB_RUNNER_H

#include "opts.h"

/**
 * runner_run() - run everything @o asks for and write the run directory.
 * @o: the options.
 * @cmdline: the command line, recorded in run.json.
 *
 * Return: an exit code (enum vpb_exit): 0 when every case ran, 1 when one
 * failed or the run was interrupted, 4 when nothing could run here.
 */
int runner_run(const struct vpb_opts *o, const char *cmdline);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-pm-bench summarize RUN`: a deferred run's summary, computed from its
 * series.raw.json (lib/runner_raw.c) by the code `run` uses.
 */
#include "cmd.h"
#include "common.h"
#include "runner.h"

#include <getopt.h>
#include <stdio.h>

static void usage(FILE *f)
{
	fputs("usage: vfio-pm-bench summarize [--keep-raw] RUN\n"
	      "\n"
	      "Computes the summary of a run made with 'run --summary defer' from the\n"
	      "samples it left in RUN/" RUNNER_RAW_FILE ": summary.json, metrics.csv and\n"
	      "the per-case CSV files, with the code 'run' computes them with, so they are\n"
	      "the files 'run' would have written. Then it records in run.json that they\n"
	      "were computed here (summary_computed_by, summary_harness_revision,\n"
	      "summary_time) and removes the raw file. 'vfio-pm-bench vm' does this on the\n"
	      "host for every run of the QEMU platform: the guest only measures.\n"
	      "\n"
	      "      --keep-raw   keep RUN/" RUNNER_RAW_FILE "\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit codes: 0 done; 1 an output could not be written (the raw file is\n"
	      "kept); 2 bad input, with nothing written: no such directory, no raw file,\n"
	      "a raw file or run.json that does not parse, a wrongly typed member, an\n"
	      "unknown schema_version, a suite or case this harness does not have, a\n"
	      "run.json of another run.\n",
	      f);
}

int cmd_summarize(int argc, char **argv)
{
	static const struct option opts[] = {{"keep-raw", no_argument, NULL, 'k'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	bool keep_raw = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep_raw = true;
			break;
		case 'h':
			usage(stdout);
			return VPB_EXIT_OK;
		default:
			usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		vpb_err("summarize: expected one run directory (see 'vfio-pm-bench summarize "
			"--help')");
		return VPB_EXIT_USAGE;
	}
	return runner_summarize(argv[optind], keep_raw);
}

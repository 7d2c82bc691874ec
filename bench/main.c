// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pm-bench - benchmarks of Linux VFIO runtime power management.
 *
 * usage: vfio-pm-bench <command> [options]; see --help.
 */
#include "cmd/cmd.h"
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct command {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

static int cmd_vm(int argc, char **argv);

static const struct command commands[] = {
	{"run", "run suites on a device and store the results", cmd_run},
	{"summarize", "compute a deferred run's summary from its raw samples", cmd_summarize},
	{"list", "list the suites and their cases", cmd_list},
	{"platform", "print this machine's identity as JSON", cmd_platform},
	{"check", "check that the loaded vfio variant behaves as its design says", cmd_check},
	{"report", "draw a run with gnuplot: report/index.html and summary.md", cmd_report},
	{"compare", "compare two runs or variants: shift, CI, p, verdict", cmd_compare},
	{"qualify", "check a run against a spec of budgets; write a certificate", cmd_qualify},
	{"export", "write a run's figures for KCIDB, bencher, LAVA, LKP or a CSV", cmd_export},
	{"stress", "race low power against ioctls and opens; check the kernel log", cmd_stress},
	{"profile", "a profiled run's counts by function, per case and variant", cmd_profile},
	{"vm", "build the kernel variants, boot the QEMU platform, run every suite", cmd_vm},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vfio-pm-bench <command> [options]\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'vfio-pm-bench <command> --help' describes a command.\n"
		   "Exit codes: 0 ok, 1 failure or regression, 2 usage, 4 cannot run here.\n");
}

/* The QEMU platform is driven by kernel/vm/vm.sh; this is its entry point. */
static int cmd_vm(int argc, char **argv)
{
	static char script[] = VPB_SOURCE_DIR "/kernel/vm/vm.sh";

	if (access(script, X_OK)) {
		vpb_err("vm: %s not found (run from a clone of vfio-pm-bench)", script);
		return VPB_EXIT_FAIL;
	}
	argv[0] = script;
	(void)argc;
	execv(script, argv);
	vpb_err("vm: cannot run %s", script);
	return VPB_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return VPB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return VPB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vfio-pm-bench %s\n", vpb_git_rev);
		return VPB_EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	vpb_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return VPB_EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-pm-bench run`: getopt_long() over the option table (lib/opts.c) and
 * the checks before a run; the work is in lib/runner.c.
 */
#include "cmd.h"
#include "common.h"
#include "opts.h"
#include "pmu.h"
#include "runner.h"
#include "suite.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * getopt_long()'s options and short options, from opts_table[]: a long
 * option returns its index + 256, a short one its letter.
 */
static void getopt_table(struct option *lo, char *shortopts)
{
	for (size_t i = 0; i < opts_count; i++) {
		const struct opts_option *e = &opts_table[i];

		lo[i] = (struct option){e->name, e->metavar ? required_argument : no_argument, NULL,
					(int)(256 + i)};
		if (e->short_name) {
			*shortopts++ = e->short_name;
			if (e->metavar)
				*shortopts++ = ':';
		}
	}
	lo[opts_count] = (struct option){NULL, 0, NULL, 0};
	*shortopts = 0;
}

static const struct opts_option *find_option(int opt)
{
	if (opt >= 256 && (size_t)(opt - 256) < opts_count)
		return &opts_table[opt - 256];
	for (size_t i = 0; i < opts_count; i++)
		if (opts_table[i].short_name == opt)
			return &opts_table[i];
	return NULL;
}

/* A --case names a case of a selected suite: NAME or SUITE.NAME. */
static bool case_known(const struct vpb_opts *o, const char *name)
{
	for (unsigned int i = 0; i < o->nsuites; i++) {
		const struct vpb_suite *su = vpb_suite_find(o->suites[i]);
		size_t l = strlen(su->name);

		for (size_t k = 0; k < su->ncases; k++)
			if (!strcmp(name, su->cases[k].name) ||
			    (!strncmp(name, su->name, l) && name[l] == '.' &&
			     !strcmp(name + l + 1, su->cases[k].name)))
				return true;
	}
	return false;
}

/*
 * What can be checked before the run directory is written: every --case
 * names a case, libpfm4 can encode every --events name, every --variant
 * directory holds a vfio.ko, --cpu is a CPU of this machine. A usage error
 * each (exit 2), one line.
 */
static int check_before_writing(const struct vpb_opts *o)
{
	char why[256];
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	for (unsigned int i = 0; i < o->ncases; i++)
		if (!case_known(o, o->cases[i])) {
			vpb_err("run: unknown case '%s' in suite%s %s%s (see 'vfio-pm-bench list')",
				o->cases[i], o->nsuites > 1 ? "s" : "", o->suites[0],
				o->nsuites > 1 ? ", ..." : "");
			return VPB_EXIT_USAGE;
		}
	if (o->events && !o->no_counters && pmu_check_events(o->events, why, sizeof(why))) {
		vpb_err("run: --events: %s", why);
		return VPB_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < o->nvariants; i++) {
		const struct vpb_variant_spec *v = &o->variants[i];
		char path[300];
		struct stat st;

		if (!v->dir[0])
			continue;
		if (stat(v->dir, &st) || !S_ISDIR(st.st_mode)) {
			vpb_err("run: --variant %s=%s: no such directory", v->name, v->dir);
			return VPB_EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "%s/vfio.ko", v->dir);
		if (stat(path, &st)) {
			vpb_err("run: --variant %s=%s: no vfio.ko there (kernel/build.sh output)",
				v->name, v->dir);
			return VPB_EXIT_USAGE;
		}
	}
	if (o->cpu >= 0 && ncpu > 0 && o->cpu >= ncpu) {
		vpb_err("run: invalid --cpu '%d': this machine has CPUs 0 to %ld", o->cpu,
			ncpu - 1);
		return VPB_EXIT_USAGE;
	}
	return 0;
}

/* Parse the options into @o; *help when --help printed the usage. */
static int parse_options(int argc, char **argv, struct vpb_opts *o, bool *help)
{
	struct option *lo = calloc(opts_count + 1, sizeof(*lo));
	char *shortopts = calloc(2 * opts_count + 1, 1);
	int opt, ret = 0;

	if (!lo || !shortopts) {
		vpb_err("run: out of memory");
		ret = VPB_EXIT_FAIL;
		goto out;
	}
	getopt_table(lo, shortopts);
	optind = 1;
	while (!ret && !*help && (opt = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const struct opts_option *e = find_option(opt);

		if (!e) {
			opts_usage(stderr);
			ret = VPB_EXIT_USAGE;
		} else if (e->kind == OPTS_HELP) {
			opts_usage(stdout);
			*help = true;
		} else {
			ret = opts_parse(o, e, optarg);
		}
	}
out:
	free(shortopts);
	free(lo);
	return ret;
}

static int parse_and_run(int argc, char **argv, const char *cmdline)
{
	struct vpb_opts o;
	bool help = false;
	int ret;

	opts_defaults(&o);
	ret = parse_options(argc, argv, &o, &help);
	if (ret || help)
		return ret;
	if (optind < argc) {
		vpb_err("run: unexpected argument '%s'", argv[optind]);
		return VPB_EXIT_USAGE;
	}
	if (!o.rounds)
		o.rounds = opts_rounds(o.clock_label);
	if (!o.nsuites) {
		vpb_err("run: no --suite given (see 'vfio-pm-bench list')");
		return VPB_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < o.nsuites; i++)
		if (!vpb_suite_find(o.suites[i])) {
			vpb_err("run: unknown suite '%s' (see 'vfio-pm-bench list')", o.suites[i]);
			return VPB_EXIT_USAGE;
		}
	ret = check_before_writing(&o);
	if (ret)
		return ret;
	if (!o.ndevices && getenv("VFIO_PM_BENCH_DEVICE")) {
		char *env = strdup(getenv("VFIO_PM_BENCH_DEVICE"));

		for (char *tok = strtok(env, ","); tok; tok = strtok(NULL, ","))
			if ((ret = opts_add_device(&o, tok))) {
				free(env);
				return ret;
			}
		free(env);
	}
	if (!o.ndevices) {
		bool any = false; /* a suite that runs without a device */

		for (unsigned int i = 0; i < o.nsuites; i++)
			any |= !vpb_suite_find(o.suites[i])->needs_device;
		if (!any) {
			vpb_err("run: suite %s needs a device: name it with --device BDF or "
				"$VFIO_PM_BENCH_DEVICE (none is guessed)",
				o.suites[0]);
			return VPB_EXIT_SKIP;
		}
	}
	return runner_run(&o, cmdline);
}

int cmd_run(int argc, char **argv)
{
	char *cmdline = cmd_join_argv(argc, argv); /* before strtok() splits argv */
	int ret = parse_and_run(argc, argv, cmdline);

	free(cmdline);
	return ret;
}

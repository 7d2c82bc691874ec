// SPDX-License-Identifier: GPL-2.0
/*
 * `vfio-pm-bench run`: option parsing; the work is in lib/runner.c.
 */
#include "cmd.h"
#include "common.h"
#include "opts.h"
#include "pcidev.h"
#include "pmu.h"
#include "runner.h"
#include "suite.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void run_usage(FILE *f)
{
	struct vpb_opts d;

	opts_defaults(&d);
	fprintf(f,
		"usage: vfio-pm-bench run --suite LIST [options]\n"
		"\n"
		"Runs the suites on the named devices (and, with --variant, on each vfio\n"
		"variant in turn, interleaved round by round) and writes the run directory\n"
		"RESULTS/<platform>/<run-id>/ (run.json, summary.json, one CSV per case).\n"
		"It prints the run directory on stdout.\n"
		"\n"
		"What to run:\n"
		"  -s, --suite LIST       suites, comma-separated (see 'vfio-pm-bench list')\n"
		"  -c, --case LIST        only these cases (NAME or SUITE.NAME of a suite given)\n"
		"  -d, --device BDF       a device bound to vfio-pci (repeatable; default:\n"
		"                         $VFIO_PM_BENCH_DEVICE). No other device is touched.\n"
		"      --variant NAME=DIR load the vfio modules in DIR (kernel/build.sh output)\n"
		"                         for variant NAME; repeatable, interleaved per round;\n"
		"                         the vfio modules and device bindings found are put\n"
		"                         back at the end\n"
		"      --keep-variant     leave the last variant's modules loaded instead\n"
		"      --reference NAME   the variant others are compared with (default %s)\n"
		"      --iommu MODE       auto, type1, noiommu, iommufd (default %s)\n"
		"Sampling:\n"
		"  -r, --rounds N         rounds over all variants (default %u, %u with\n"
		"                         --clock-label icount, whose figures repeat: compare\n"
		"                         judges a drifting clock only by rounds); round r\n"
		"                         starts at variant r, so each takes each place\n"
		"  -n, --samples N        samples per case, variant and round (default %llu)\n"
		"  -b, --batch N          operations per timed batch for loop cases (default %u)\n"
		"      --warmup DUR       warm-up per case, e.g. 50ms (default 50ms)\n"
		"      --clock C          auto, tsc, mono (default auto: invariant TSC if any)\n"
		"      --clock-label L    how time advances: native, host, icount (recorded)\n"
		"      --cpu N            pin the measuring thread to OS cpu N (hwloc)\n"
		"      --events LIST      libpfm4 event names, each one libpfm4 can encode\n"
		"                         (default cycles,instructions, else\n"
		"                         perf::task-clock,perf::context-switches); where\n"
		"                         they cannot be opened the run records why\n"
		"      --no-counters      no hardware or software counters\n"
		"      --profile          for a run under QEMU's profile plugin (vm --profile):\n"
		"                         write <run>/profile/ (the kernel's and each variant's\n"
		"                         symbols, this process's maps, the measured cases in\n"
		"                         the order of the plugin's segments)\n"
		"      --seed N           bootstrap seed (default %llu)\n"
		"d3cold suite:\n"
		"      --cycles N         low-power cycles per case (default %u)\n"
		"      --dwell DUR        time in low power before the exit (default: until the\n"
		"                         deepest state the platform offers is reached)\n"
		"      --jitter DUR       a random wait in [0, DUR) before each exit, seeded by\n"
		"                         --seed (default 20ms, 0ms for none): exits then start\n"
		"                         at every phase of the timer tick, whose msleep()\n"
		"                         rounding otherwise biases one variant against another\n"
		"      --state-timeout DUR  longest wait for a state (default 2s)\n"
		"      --expect STATE     d3cold or d3hot: a cycle reaching another state fails\n"
		"      --breakdown        trace the exit's phases (inflates the timings)\n"
		"contention suite:\n"
		"      --threads LIST     thread counts, e.g. 1,2,4 (default 1,2,4.. up to PUs)\n"
		"      --placement P      compact, scatter, pu, core, l3, package, numa,\n"
		"                         device-local[:fallback], cpuset:LIST (default %s)\n"
		"      --duration DUR     measured time per point (default 1s)\n"
		"Output:\n"
		"      --results DIR      results root (default %s)\n"
		"      --platform-id ID   platform slug instead of the derived one\n"
		"      --run-id ID        run id instead of <UTC time>-<suite>[-N] (a default\n"
		"                         id takes -2, -3... when taken; a given one must\n"
		"                         be new)\n"
		"      --keep-samples     also write every sample of loop cases\n"
		"  -q, --quiet            no progress lines\n"
		"  -h, --help             this text\n",
		d.reference, d.iommu, opts_rounds("native"), opts_rounds("icount"),
		(unsigned long long)d.samples, d.batch, (unsigned long long)d.seed, d.cycles,
		d.placement, d.results);
}

enum {
	O_VARIANT = 256,
	O_REFERENCE,
	O_IOMMU,
	O_WARMUP,
	O_CLOCK,
	O_CLOCK_LABEL,
	O_CPU,
	O_EVENTS,
	O_NO_COUNTERS,
	O_PROFILE,
	O_KEEP_VARIANT,
	O_SEED,
	O_CYCLES,
	O_DWELL,
	O_JITTER,
	O_STATE_TIMEOUT,
	O_EXPECT,
	O_BREAKDOWN,
	O_THREADS,
	O_PLACEMENT,
	O_DURATION,
	O_RESULTS,
	O_PLATFORM_ID,
	O_RUN_ID,
	O_KEEP,
};

static const struct option run_options[] = {
	{"suite", required_argument, NULL, 's'},
	{"case", required_argument, NULL, 'c'},
	{"device", required_argument, NULL, 'd'},
	{"variant", required_argument, NULL, O_VARIANT},
	{"reference", required_argument, NULL, O_REFERENCE},
	{"iommu", required_argument, NULL, O_IOMMU},
	{"rounds", required_argument, NULL, 'r'},
	{"samples", required_argument, NULL, 'n'},
	{"batch", required_argument, NULL, 'b'},
	{"warmup", required_argument, NULL, O_WARMUP},
	{"clock", required_argument, NULL, O_CLOCK},
	{"clock-label", required_argument, NULL, O_CLOCK_LABEL},
	{"cpu", required_argument, NULL, O_CPU},
	{"events", required_argument, NULL, O_EVENTS},
	{"no-counters", no_argument, NULL, O_NO_COUNTERS},
	{"profile", no_argument, NULL, O_PROFILE},
	{"keep-variant", no_argument, NULL, O_KEEP_VARIANT},
	{"seed", required_argument, NULL, O_SEED},
	{"cycles", required_argument, NULL, O_CYCLES},
	{"dwell", required_argument, NULL, O_DWELL},
	{"jitter", required_argument, NULL, O_JITTER},
	{"state-timeout", required_argument, NULL, O_STATE_TIMEOUT},
	{"expect", required_argument, NULL, O_EXPECT},
	{"breakdown", no_argument, NULL, O_BREAKDOWN},
	{"threads", required_argument, NULL, O_THREADS},
	{"placement", required_argument, NULL, O_PLACEMENT},
	{"duration", required_argument, NULL, O_DURATION},
	{"results", required_argument, NULL, O_RESULTS},
	{"platform-id", required_argument, NULL, O_PLATFORM_ID},
	{"run-id", required_argument, NULL, O_RUN_ID},
	{"keep-samples", no_argument, NULL, O_KEEP},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int bad(const char *opt, const char *arg, const char *what)
{
	vpb_err("run: invalid %s '%s': %s", opt, arg, what);
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

static int add_device(struct vpb_opts *o, const char *arg)
{
	if (o->ndevices >= VPB_MAX_LIST)
		return bad("--device", arg, "too many devices");
	if (pcidev_normalize_bdf(arg, o->devices[o->ndevices], sizeof(o->devices[0])))
		return bad("--device", arg, "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
	o->ndevices++;
	return 0;
}

static int add_variant(struct vpb_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct vpb_variant_spec *v;

	if (o->nvariants >= VPB_MAX_LIST)
		return bad("--variant", arg, "too many variants");
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(v->name) ||
	    strlen(eq + 1) >= sizeof(v->dir))
		return bad("--variant", arg, "expected NAME=MODULE_DIR");
	v = &o->variants[o->nvariants++];
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - arg), arg);
	snprintf(v->dir, sizeof(v->dir), "%s", eq + 1);
	return 0;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
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

static int parse_and_run(int argc, char **argv, const char *cmdline)
{
	static const char *const clocks[] = {"auto", "tsc", "mono", NULL};
	static const char *const labels[] = {"native", "host", "icount", NULL};
	static const char *const iommus[] = {"auto", "type1", "noiommu", "iommufd", NULL};
	static const char *const expects[] = {"d3cold", "d3hot", NULL};
	struct vpb_opts o;
	uint64_t u;
	int opt, ret;

	opts_defaults(&o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:c:d:r:n:b:qh", run_options, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case 's':
			if (split(optarg, o.suites, &o.nsuites))
				return bad("--suite", optarg, "too many suites");
			break;
		case 'c':
			if (split(optarg, o.cases, &o.ncases))
				return bad("--case", optarg, "too many cases");
			break;
		case 'd':
			for (char *tok = strtok(optarg, ","); tok && !ret; tok = strtok(NULL, ","))
				ret = add_device(&o, tok);
			break;
		case O_VARIANT:
			ret = add_variant(&o, optarg);
			break;
		case O_REFERENCE:
			o.reference = optarg;
			break;
		case O_IOMMU:
			if (!one_of(optarg, iommus))
				return bad("--iommu", optarg,
					   "expected auto, type1, noiommu, iommufd");
			o.iommu = optarg;
			break;
		case 'r':
			if (units_parse_u64(optarg, &u) || !u || u > 1000)
				return bad("--rounds", optarg, "expected 1 to 1000");
			o.rounds = (unsigned int)u;
			break;
		case 'n':
			if (units_parse_count(optarg, &o.samples) || !o.samples ||
			    o.samples > 100000000)
				return bad("--samples", optarg,
					   "expected a count like 2000 or 20k");
			break;
		case 'b':
			if (units_parse_count(optarg, &u) || !u || u > 1000000)
				return bad("--batch", optarg, "expected 1 to 1M");
			o.batch = (unsigned int)u;
			break;
		case O_WARMUP:
			if (units_parse_duration_ns(optarg, &o.warmup_ns))
				return bad("--warmup", optarg, "expected a duration like 50ms");
			break;
		case O_CLOCK:
			if (!one_of(optarg, clocks))
				return bad("--clock", optarg, "expected auto, tsc or mono");
			o.clock = optarg;
			break;
		case O_CLOCK_LABEL:
			if (!one_of(optarg, labels))
				return bad("--clock-label", optarg,
					   "expected native, host or icount");
			o.clock_label = optarg;
			break;
		case O_CPU:
			if (units_parse_u64(optarg, &u) || u > 65535)
				return bad("--cpu", optarg, "expected an OS cpu number");
			o.cpu = (int)u;
			break;
		case O_EVENTS:
			o.events = optarg;
			break;
		case O_KEEP_VARIANT:
			o.keep_variant = true;
			break;
		case O_PROFILE:
			o.profile = true;
			break;
		case O_NO_COUNTERS:
			o.no_counters = true;
			break;
		case O_SEED:
			if (units_parse_u64(optarg, &o.seed))
				return bad("--seed", optarg, "expected a number");
			break;
		case O_CYCLES:
			if (units_parse_count(optarg, &u) || !u || u > 1000000)
				return bad("--cycles", optarg, "expected 1 to 1M");
			o.cycles = (unsigned int)u;
			break;
		case O_DWELL:
			if (units_parse_duration_ns(optarg, &o.dwell_ns))
				return bad("--dwell", optarg, "expected a duration like 200ms");
			break;
		case O_JITTER:
			if (units_parse_duration_ns(optarg, &o.jitter_ns))
				return bad("--jitter", optarg, "expected a duration like 20ms");
			break;
		case O_STATE_TIMEOUT:
			if (units_parse_duration_ns(optarg, &o.state_timeout_ns) ||
			    !o.state_timeout_ns)
				return bad("--state-timeout", optarg,
					   "expected a duration like 2s");
			break;
		case O_EXPECT:
			if (!one_of(optarg, expects))
				return bad("--expect", optarg, "expected d3cold or d3hot");
			o.expect = optarg;
			break;
		case O_BREAKDOWN:
			o.breakdown = true;
			break;
		case O_THREADS:
			o.threads = optarg;
			break;
		case O_PLACEMENT:
			o.placement = optarg;
			break;
		case O_DURATION:
			if (units_parse_duration_ns(optarg, &o.duration_ns) || !o.duration_ns)
				return bad("--duration", optarg, "expected a duration like 1s");
			break;
		case O_RESULTS:
			o.results = optarg;
			break;
		case O_PLATFORM_ID:
			o.platform_id = optarg;
			break;
		case O_RUN_ID:
			if (!*optarg || strchr(optarg, '/'))
				return bad("--run-id", optarg, "must be a plain name");
			o.run_id = optarg;
			break;
		case O_KEEP:
			o.keep_samples = true;
			break;
		case 'q':
			vpb_quiet = true;
			break;
		case 'h':
			run_usage(stdout);
			return VPB_EXIT_OK;
		default:
			run_usage(stderr);
			return VPB_EXIT_USAGE;
		}
		if (ret)
			return ret;
	}
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
			if ((ret = add_device(&o, tok))) {
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

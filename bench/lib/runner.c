// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - `vfio-pm-bench run`.
 *
 * Order of work: for each round, for each variant (its modules loaded in
 * turn), for each suite, for each device, for each case: measure. Samples
 * of all rounds stay in memory; at the end each (suite, case, device) gets
 * one CSV file, and summary.json carries the statistics of every variant
 * and its shift against the reference variant.
 */
#include "runner.h"
#include "runner_int.h"
#include "common.h"
#include "holders.h"
#include "lowpower.h"
#include "modules.h"
#include "platform.h"
#include "results.h"
#include "topo.h"
#include "vfio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by SIGINT/SIGTERM: the run stops between samples (struct vpb_env.stop). */
static volatile int runner_stop;

static void on_signal(int sig)
{
	(void)sig;
	runner_stop = 1;
}

static bool case_selected(const struct vpb_opts *o, const struct vpb_suite *su,
			  const struct vpb_case *c)
{
	char full[96];

	if (!o->ncases)
		return true;
	snprintf(full, sizeof(full), "%s.%s", su->name, c->name);
	for (unsigned int i = 0; i < o->ncases; i++)
		if (!strcmp(o->cases[i], c->name) || !strcmp(o->cases[i], full))
			return true;
	return false;
}

/*
 * Open holds a runtime PM reference, so a device just opened is in D0 and
 * "active". Found otherwise, it is still engaged from before. On Linux 6.12
 * every variant ends an engagement when the device's last fd closes
 * (vfio_pci_core_disable() calls vfio_pci_runtime_pm_exit()), even when its
 * process was killed; this guards against a kernel that keeps it. Say so,
 * leave low power before measuring, and record it in run.json.
 */
static int leave_low_power(struct run *r, struct vfio_dev *dev, const char *variant,
			   unsigned int round)
{
	char found[48] = "", last[64] = "", why[160];
	int ret = lp_is_active(dev->bdf, found, sizeof(found));

	if (ret > 0)
		return 0;
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot read its power state: %s", strerror(-ret));
	} else {
		vpb_err("%s: found in low power (%s; left by an earlier run?); exiting", dev->bdf,
			found);
		ret = __vfio_lp_exit(dev);
		if (ret == -EINVAL) /* v4: not engaged through this open */
			ret = 0;
		if (!ret)
			ret = lp_wait_active(dev->bdf, r->o->state_timeout_ns, last, sizeof(last));
		json_array_append_new(r->recovered,
				      json_pack("{s:s, s:s, s:i, s:s, s:s}", "device", dev->bdf,
						"variant", variant, "round", round, "found", found,
						"after_exit", ret ? last : "D0/active"));
		if (!ret)
			return 0;
		snprintf(why, sizeof(why), "found in low power (%s) and still %s after the exit",
			 found, last[0] ? last : strerror(-ret));
	}
	vpb_err("%s: %s; not measuring it", dev->bdf, why);
	json_array_append_new(r->failed,
			      json_pack("{s:s, s:s, s:i, s:s}", "device", dev->bdf, "variant",
					variant, "round", round, "reason", why));
	return -EIO;
}

static void run_suite(struct run *r, const struct vpb_suite *su, const char *variant,
		      unsigned int round)
{
	const struct vpb_opts *o = r->o;
	unsigned int ndev = su->needs_device ? o->ndevices : 1;

	if (su->needs_device && !o->ndevices) {
		json_array_append_new(r->skipped,
				      json_pack("{s:s, s:s}", "suite", su->name, "reason",
						"no --device given (or VFIO_PM_BENCH_DEVICE)"));
		vpb_info("suite %s: skipped: no --device given", su->name);
		return;
	}
	for (unsigned int d = 0; d < ndev && !runner_stop; d++) {
		struct vfio_dev dev;
		struct vpb_env env = {
			.opts = o, .variant = variant, .clock = &r->clock, .stop = &runner_stop};

		if (su->needs_device) {
			char why[256] = "";
			int ret = __vfio_open(&dev, o->devices[d], o->iommu, why, sizeof(why));

			if (ret) {
				vpb_err("%s", why);
				json_array_append_new(r->failed,
						      json_pack("{s:s, s:s, s:s, s:s}", "suite",
								su->name, "device", o->devices[d],
								"variant", variant, "reason", why));
				continue;
			}
			if (leave_low_power(r, &dev, variant, round)) {
				vfio_close(&dev);
				continue;
			}
			env.bdf = dev.bdf;
			env.dev = &dev;
		}
		vpb_info("round %u, variant %s, suite %s%s%s", round, variant, su->name,
			 env.bdf ? ", device " : "", env.bdf ? env.bdf : "");
		for (size_t i = 0; i < su->ncases && !runner_stop; i++) {
			struct series *se;

			if (!case_selected(o, su, &su->cases[i]))
				continue;
			se = new_series(r);
			if (!se)
				break;
			se->suite = su;
			se->c = &su->cases[i];
			se->round = round;
			snprintf(se->variant, sizeof(se->variant), "%s", variant);
			snprintf(se->device, sizeof(se->device), "%s", env.bdf ? env.bdf : "");
			if (se->c->threaded) {
				struct series tmpl = *se;

				r->nseries--; /* measure_threaded() adds one per point */
				measure_threaded(r, &env, &tmpl);
			} else {
				measure_case(r, &env, se);
			}
		}
		if (su->needs_device)
			vfio_close(&dev);
	}
}

/* Hold /dev/cpu_dma_latency at 0 (C-states off) for the run, as cyclictest. */
static int hold_dma_latency(char *state, size_t len)
{
	int32_t zero = 0;
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, &zero, sizeof(zero)) != sizeof(zero)) {
		snprintf(state, len, "not held: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(state, len, "held at 0 us");
	return fd;
}

/*
 * Before anything is created or touched, each device named must exist, be
 * bound to vfio-pci (unless --variant binds it) and be held open by no other
 * process (a stopped or stuck run: opening it would fail, and unbinding it
 * for a variant would wait on that process). One line naming what is wrong.
 */
static int check_devices(const struct vpb_opts *o)
{
	bool binds = false;

	for (unsigned int i = 0; i < o->nvariants; i++)
		binds |= o->variants[i].dir[0] != '\0';
	for (unsigned int i = 0; i < o->ndevices; i++) {
		char why[256] = "";
		struct holder h;
		int ret = pcidev_check_vfio(o->devices[i], why, sizeof(why));

		if (ret && !(ret == -EBUSY && binds)) {
			vpb_err("%s", why);
			return VPB_EXIT_FAIL;
		}
		ret = holders_find(o->devices[i], &h);
		if (ret > 0) {
			vpb_err("%s is held open by pid %d (%s) through %s: not touching it",
				o->devices[i], (int)h.pid, h.comm, h.file);
			return VPB_EXIT_FAIL;
		}
		if (ret < 0) {
			vpb_err("%s: cannot look for processes holding it (/proc): %s",
				o->devices[i], strerror(-ret));
			return VPB_EXIT_FAIL;
		}
	}
	return 0;
}

int runner_run(const struct vpb_opts *o, const char *cmdline)
{
	struct run r = {.o = o};
	struct modules_saved saved;
	struct sigaction sa = {.sa_handler = on_signal};
	const char *variants[VPB_MAX_LIST];
	size_t nvar = 0;
	char err[256] = "", start[32], dma[64], cur[64] = "none";
	json_t *ident, *base;
	int ret, dmafd, code;

	/* From here on a SIGINT/SIGTERM ends the run in order, whenever it comes. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = check_devices(o);
	if (ret)
		return ret;
	ret = clock_init(&r.clock, o->clock);
	if (ret) {
		vpb_err("--clock %s: %s", o->clock,
			ret == -ENOTSUP ? "the TSC is not invariant here" : "unknown clock");
		return ret == -ENOTSUP ? VPB_EXIT_SKIP : VPB_EXIT_USAGE;
	}
	ident = platform_identity(o->ndevices ? o->devices[0] : NULL, err, sizeof(err));
	if (!ident) {
		vpb_err("platform identity: %s", err);
		return VPB_EXIT_FAIL;
	}
	if (o->platform_id)
		snprintf(r.slug, sizeof(r.slug), "%s", o->platform_id);
	else if (platform_slug(ident, r.slug, sizeof(r.slug)))
		snprintf(r.slug, sizeof(r.slug), "unknown");
	/* pinned before anything is written: a CPU it cannot run on is a usage error */
	if (o->cpu >= 0) {
		hwloc_topology_t topo;

		ret = topo_init(&topo, NULL, false);
		if (!ret) {
			ret = topo_bind_current_thread(topo, (unsigned int)o->cpu, err,
						       sizeof(err));
			hwloc_topology_destroy(topo);
		} else {
			snprintf(err, sizeof(err), "hwloc: %s", strerror(-ret));
		}
		if (ret) {
			vpb_err("--cpu %d: %s", o->cpu, err);
			json_decref(ident);
			return VPB_EXIT_USAGE;
		}
	}
	if (make_run_dir(&r) || write_platform(&r, ident)) {
		json_decref(ident);
		return VPB_EXIT_FAIL;
	}
	r.skipped = json_array();
	r.failed = json_array();
	r.recovered = json_array();
	dmafd = hold_dma_latency(dma, sizeof(dma));

	if (o->nvariants) {
		for (unsigned int i = 0; i < o->nvariants; i++)
			variants[nvar++] = o->variants[i].name;
		/* The vfio modules and bindings found, put back at the end. */
		modules_save(&saved, (char(*)[16])o->devices, o->ndevices);
	} else {
		modules_vfio_variant(cur, sizeof(cur));
		variants[nvar++] = cur;
	}
	now_iso(start, sizeof(start));
	base = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:O, s:o, s:{s:s, s:s, s:f, s:f, s:f, "
			 "s:s}, s:s}",
			 "schema_version", RESULTS_SCHEMA_VERSION, "run_id", r.run_id, "command",
			 cmdline, "harness_revision", vpb_git_rev, "start_time", start, "platform",
			 r.slug, "platform_identity", ident, "options", opts_json(o), "clock",
			 "kind", clock_kind_name(r.clock.kind), "why", r.clock.why, "ns_per_tick",
			 r.clock.ns_per_tick, "overhead_ns", r.clock.overhead_ns, "resolution_ns",
			 r.clock.resolution_ns, "label", o->clock_label, "cpu_dma_latency", dma);
	json_object_set_new(base, "variants", json_array());
	write_run_json(&r, base, "running");
	vpb_info("run %s: results in %s", r.run_id, r.dir);
	if (o->profile) {
		snprintf(r.symbols, sizeof(r.symbols), "modules.txt");
		ret = profile_file(&r, "kallsyms.txt", NULL, false);
		ret = ret ?: profile_file(&r, "maps.txt", "/proc/self/maps", false);
		ret = ret ?: profile_file(&r, r.symbols, NULL, true);
		if (ret) {
			json_decref(base);
			json_decref(ident);
			return VPB_EXIT_FAIL;
		}
	}

	/*
	 * Round r runs the variants rotated by r - 1: over nvar rounds each
	 * variant takes each place once, so whatever the place in a round
	 * does to a figure (the modules just loaded, the previous variant's
	 * state) is not read as a difference between variants.
	 */
	for (unsigned int round = 1; round <= o->rounds && !runner_stop; round++) {
		for (size_t pos = 0; pos < nvar && !runner_stop; pos++) {
			size_t v = (pos + round - 1) % nvar;

			if (o->nvariants && o->variants[v].dir[0]) {
				char why[512] = "";
				uint64_t t0 = clock_mono_ns();

				ret = modules_load_variant(
					&o->variants[v], (char(*)[16])o->devices, o->ndevices,
					!strcmp(o->iommu, "noiommu"), why, sizeof(why));
				if (ret) {
					vpb_err("variant %s: %s", variants[v], why);
					json_array_append_new(
						r.failed,
						json_pack("{s:s, s:i, s:s}", "variant", variants[v],
							  "round", round, "reason", why));
					continue;
				}
				json_array_append_new(json_object_get(base, "variants"),
						      json_pack("{s:s, s:i, s:i, s:f}", "variant",
								variants[v], "round", round,
								"place", (int)pos + 1, "load_s",
								(clock_mono_ns() - t0) / 1e9));
				/* where this load put the modules' functions */
				if (o->profile) {
					snprintf(r.symbols, sizeof(r.symbols), "modules-%s-r%u.txt",
						 variants[v], round);
					if (profile_file(&r, r.symbols, NULL, true))
						json_array_append_new(
							r.failed,
							json_pack("{s:s, s:s}", "step", "profile",
								  "reason",
								  "cannot write the symbols"));
				}
			}
			for (unsigned int s = 0; s < o->nsuites && !runner_stop; s++)
				run_suite(&r, vpb_suite_find(o->suites[s]), variants[v], round);
		}
	}

	if (o->nvariants && !o->keep_variant) {
		char why[512] = "";

		if (modules_restore(&saved, why, sizeof(why))) {
			vpb_err("restoring the vfio modules found at the start: %s", why);
			json_array_append_new(r.failed, json_pack("{s:s, s:s}", "step", "restore",
								  "reason", why));
		} else {
			vpb_info("vfio modules restored (version %s)",
				 saved.version[0] ? saved.version : "none loaded");
		}
	}
	/* --summary defer: the samples go out raw, `summarize` computes the rest */
	ret = strcmp(o->summary, "defer") ? write_outputs(&r, variants, nvar) : 0;
	if (strcmp(o->summary, "run"))
		ret |= write_raw(&r, variants, nvar);
	if (o->profile && !ret)
		ret = profile_segments(&r);
	if (runner_stop)
		code = VPB_EXIT_FAIL;
	else if (ret || json_array_size(r.failed))
		code = VPB_EXIT_FAIL;
	else if (!r.ran)
		code = VPB_EXIT_SKIP;
	else
		code = VPB_EXIT_OK;
	json_object_set_new(base, "failed", json_incref(r.failed));
	json_object_set_new(base, "skipped", json_incref(r.skipped));
	json_object_set_new(base, "recovered", json_incref(r.recovered));
	json_object_set_new(base, "summary_computed_by",
			    json_string(strcmp(o->summary, "defer") ? "run" : "deferred"));
	write_run_json(&r, base,
		       runner_stop	       ? "interrupted"
		       : code == VPB_EXIT_OK   ? "complete"
		       : code == VPB_EXIT_SKIP ? "skipped"
					       : "failed");
	vpb_info("run %s: %s (%u cases measured, %zu skipped, %zu failed)", r.run_id,
		 runner_stop ? "interrupted" : "done", r.ran, json_array_size(r.skipped),
		 json_array_size(r.failed));
	printf("%s\n", r.dir);

	for (size_t i = 0; i < r.nseries; i++) {
		free(r.series[i].s);
		json_decref(r.series[i].counters);
		json_decref(r.series[i].point_info);
	}
	free(r.series);
	json_decref(base);
	json_decref(ident);
	json_decref(r.skipped);
	json_decref(r.failed);
	json_decref(r.recovered);
	if (dmafd >= 0)
		close(dmafd);
	return code;
}

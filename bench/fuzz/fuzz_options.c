// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - the values of `run` options that are not units: --device
 * (pcidev_normalize_bdf(), bench/lib/pcidev.c; also how BDFs in sysfs paths
 * are recognized), --threads (workers_thread_counts(), bench/lib/workers.c)
 * and --placement (topo_policy_parse() and, for a CPU list, topo_plan() on
 * a synthetic 8-PU topology, bench/lib/topo.c); and the input as the
 * argument of every option of run's table (opts_parse(), bench/lib/opts.c).
 */
#include "common.h"
#include "fuzz.h"
#include "opts.h"
#include "pcidev.h"
#include "topo.h"
#include "workers.h"

#include <ctype.h>

static hwloc_topology_t topo;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(!topo_init(&topo, "pack:2 core:2 pu:2", false));
	return 0;
}

/* The normal form is 12 characters, lowercase, and normalizes to itself. */
static void bdf(const char *s)
{
	char out[PCIDEV_BDF_LEN], again[PCIDEV_BDF_LEN], dir[PATH_MAX];

	if (pcidev_normalize_bdf(s, out, sizeof(out)))
		return;
	FUZZ_CHECK(strlen(out) == PCIDEV_BDF_LEN - 1);
	for (const char *p = out; *p; p++)
		FUZZ_CHECK(!isupper((unsigned char)*p));
	FUZZ_CHECK(!pcidev_normalize_bdf(out, again, sizeof(again)) && !strcmp(out, again));
	FUZZ_CHECK(!pcidev_sysfs_dir(s, dir, sizeof(dir)));
	FUZZ_CHECK(pcidev_normalize_bdf(s, out, PCIDEV_BDF_LEN - 1) == -ENOSPC);
}

/*
 * @s as the argument of option @e: taken or a usage error, nothing else; a
 * number taken is within the table's range, prints in --help's form, and
 * that form reads back as the same number; run.json's options build.
 */
static void option(const struct opts_option *e, const char *s)
{
	struct vpb_opts o, back;
	char *arg = strdup(s), buf[64];
	int ret;

	FUZZ_CHECK(arg);
	opts_defaults(&o);
	ret = opts_parse(&o, e, arg);
	FUZZ_CHECK(ret == 0 || ret == VPB_EXIT_USAGE);
	if (!ret) {
		opts_format(e, &o, buf, sizeof(buf));
		if (e->kind == OPTS_UINT || e->kind == OPTS_INT || e->kind == OPTS_U64) {
			const char *at = (const char *)&o + e->offset;
			uint64_t u;

			if (e->kind == OPTS_U64)
				u = *(const uint64_t *)at;
			else if (e->kind == OPTS_UINT)
				u = *(const unsigned int *)at;
			else
				u = (uint64_t)(*(const int *)at);

			FUZZ_CHECK(u >= e->min && (!e->max || u <= e->max));
			opts_defaults(&back);
			FUZZ_CHECK(!buf[0] || !opts_parse(&back, e, buf));
			if (buf[0])
				FUZZ_CHECK(!memcmp(at, (const char *)&back + e->offset,
						   e->kind == OPTS_U64 ? sizeof(uint64_t)
								       : sizeof(int)));
		}
		if (e->json_key) {
			json_t *j = opts_json(&o);

			FUZZ_CHECK(j && json_object_get(j, e->json_key));
			json_decref(j);
		}
	}
	free(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), why[256];
	unsigned int counts[16], cpus[4];
	struct topo_policy pol;
	int n;

	bdf(s);
	for (size_t i = 0; i < opts_count; i++)
		if (opts_table[i].kind != OPTS_FLAG && opts_table[i].kind != OPTS_HELP)
			option(&opts_table[i], s);
	n = workers_thread_counts(s, 8, counts, 16, why, sizeof(why));
	FUZZ_CHECK(n == -EINVAL || (n >= 1 && n <= 16));
	for (int i = 1; i < n; i++)
		FUZZ_CHECK(counts[i] > counts[i - 1] && counts[i] <= WORKERS_MAX_THREADS);
	if (!topo_policy_parse(s, &pol, why, sizeof(why)) && pol.kind == TOPO_CPUSET) {
		for (unsigned int k = 1; k <= 4; k++) {
			if (topo_plan(topo, &pol, NULL, k, cpus, why, sizeof(why)))
				break;
			for (unsigned int i = 0; i < k; i++)
				FUZZ_CHECK(cpus[i] < 8);
		}
	}
	free(s);
	return 0;
}

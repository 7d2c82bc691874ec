// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - the values of `run` options that are not units: --device
 * (pcidev_normalize_bdf(), bench/lib/pcidev.c; also how BDFs in sysfs paths
 * are recognized), --threads (workers_thread_counts(), bench/lib/workers.c)
 * and --placement (topo_policy_parse() and, for a CPU list, topo_plan() on
 * a synthetic 8-PU topology, bench/lib/topo.c).
 */
#include "fuzz.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), why[256];
	unsigned int counts[16], cpus[4];
	struct topo_policy pol;
	int n;

	bdf(s);
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

// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/topo.c on synthetic topologies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo.h"

#define TOPO_A	 "pack:2 l3:2 core:4 pu:2"	  /* 32 PUs, 16 cores, 4 L3 */
#define TOPO_B	 "pack:2 numa:2 l3:4 core:8 pu:2" /* 256 PUs, 4 NUMA, 16 L3 */
#define TOPO_XML VPB_FIXTURES "/topo-2pkg-pci.xml"

static int plan(hwloc_topology_t t, const char *policy, const char *bdf, unsigned int n,
		unsigned int *cpus, char *err, size_t len)
{
	struct topo_policy p;
	int ret = topo_policy_parse(policy, &p, err, len);

	if (ret)
		fail_msg("parse '%s': %s", policy, err);
	return topo_plan(t, &p, bdf, n, cpus, err, len);
}

static void expect_plan(hwloc_topology_t t, const char *policy, unsigned int n,
			const unsigned int *want)
{
	unsigned int got[64];
	char err[256];
	int ret;

	assert_true(n <= 64);
	ret = plan(t, policy, NULL, n, got, err, sizeof(err));
	if (ret)
		fail_msg("plan '%s' x%u: %d %s", policy, n, ret, err);
	for (unsigned int i = 0; i < n; i++) {
		if (got[i] != want[i])
			fail_msg("plan '%s' x%u: thread %u on CPU %u, expected %u", policy, n, i,
				 got[i], want[i]);
	}
}

static void test_parse(void **state)
{
	struct topo_policy p;
	char err[256];

	(void)state;
	assert_int_equal(topo_policy_parse("compact", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, TOPO_COMPACT);
	assert_int_equal(topo_policy_parse("scatter", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, TOPO_SCATTER);
	assert_int_equal(topo_policy_parse("l3", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, TOPO_LEVEL);
	assert_int_equal(p.level, HWLOC_OBJ_L3CACHE);
	assert_int_equal(topo_policy_parse("numa", &p, err, sizeof(err)), 0);
	assert_int_equal(p.level, HWLOC_OBJ_NUMANODE);
	assert_int_equal(topo_policy_parse("device-local", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, TOPO_DEVICE_LOCAL);
	assert_false(p.fallback);
	assert_int_equal(topo_policy_parse("device-local:fallback", &p, err, sizeof(err)), 0);
	assert_true(p.fallback);
	assert_int_equal(topo_policy_parse("cpuset:0-3,8", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, TOPO_CPUSET);
	assert_string_equal(p.cpulist, "0-3,8");
	assert_string_equal(p.name, "cpuset:0-3,8");

	assert_int_equal(topo_policy_parse("cores", &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown placement 'cores'"));
	assert_int_equal(topo_policy_parse("cpuset:", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:a-b", &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad CPU list"));
	/*
	 * Found by fuzz_options: hwloc filled a bitmap up to CPU 2^31 - 1, for
	 * seconds, and took "-5" and "5-" for ranges to the end.
	 */
	assert_int_equal(topo_policy_parse("cpuset:0-2147483647", &p, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "placement 'cpuset:0-2147483647': bad CPU list (expected e.g. "
				 "cpuset:0-3,8; CPUs 0 to 65535)");
	assert_int_equal(topo_policy_parse("cpuset:99999999999999999999", &p, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:65535", &p, err, sizeof(err)), 0);
	assert_int_equal(topo_policy_parse("cpuset:65536", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:-5", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:5-", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:1,,2", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:1-2-3", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:1,", &p, err, sizeof(err)), -EINVAL);
	/* and a loop in hwloc on "08-1" (read as octal), after 2.9M inputs */
	assert_int_equal(topo_policy_parse("cpuset:1,3,4,5,08-1,2,4,6", &p, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:010", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:1,3-1", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("cpuset:0,10,2-2", &p, err, sizeof(err)), 0);
	assert_int_equal(topo_policy_parse("", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_policy_parse("device-local:x", &p, err, sizeof(err)), -EINVAL);
}

static void test_summary(void **state)
{
	hwloc_topology_t t;
	json_t *s;

	(void)state;
	assert_int_equal(topo_init(&t, TOPO_B, false), 0);
	s = topo_summary(t);
	assert_non_null(s);
	assert_int_equal(json_integer_value(json_object_get(s, "packages")), 2);
	assert_int_equal(json_integer_value(json_object_get(s, "numa")), 4);
	assert_int_equal(json_integer_value(json_object_get(s, "l3")), 16);
	assert_int_equal(json_integer_value(json_object_get(s, "cores")), 128);
	assert_int_equal(json_integer_value(json_object_get(s, "pus")), 256);
	json_decref(s);
	hwloc_topology_destroy(t);
	assert_int_equal(topo_init(&t, "pack:2 bogus:3", false), -EINVAL);
}

static void test_topo_a(void **state)
{
	static const unsigned int compact[] = {0, 1, 2, 3, 4, 5};
	static const unsigned int core[] = {0,	2,  4,	6,  8,	10, 12, 14,
					    16, 18, 20, 22, 24, 26, 28, 30};
	static const unsigned int l3[] = {0, 8, 16, 24};
	static const unsigned int package[] = {0, 16};
	static const unsigned int pu[] = {0, 1, 2};
	static const unsigned int numa[] = {0};
	static const unsigned int cpuset[] = {0, 1, 2, 3, 8};
	/* round-robin: package, then L3, then core; SMT siblings last */
	static const unsigned int scatter16[] = {0, 16, 8,  24, 2, 18, 10, 26,
						 4, 20, 12, 28, 6, 22, 14, 30};
	static const unsigned int scatter17[] = {0,  16, 8,  24, 2,  18, 10, 26, 4,
						 20, 12, 28, 6,	 22, 14, 30, 1};
	static const unsigned int scatter4[] = {0, 16, 8, 24};
	hwloc_topology_t t;
	unsigned int cpus[64];
	char err[256];

	(void)state;
	assert_int_equal(topo_init(&t, TOPO_A, false), 0);
	expect_plan(t, "compact", 6, compact);
	expect_plan(t, "core", 16, core);
	expect_plan(t, "l3", 4, l3);
	expect_plan(t, "package", 2, package);
	expect_plan(t, "pu", 3, pu);
	expect_plan(t, "numa", 1, numa);
	expect_plan(t, "cpuset:0-3,8", 5, cpuset);
	expect_plan(t, "cpuset:0-3,8", 2, cpuset);
	expect_plan(t, "scatter", 4, scatter4);
	expect_plan(t, "scatter", 16, scatter16);
	expect_plan(t, "scatter", 17, scatter17);

	/* scatter: no two threads on SMT siblings (PUs 2k, 2k+1) while cores remain */
	for (unsigned int n = 2; n <= 16; n++) {
		assert_int_equal(plan(t, "scatter", NULL, n, cpus, err, sizeof(err)), 0);
		assert_true(cpus[0] / 16 != cpus[1] / 16);
		for (unsigned int i = 0; i < n; i++) {
			for (unsigned int j = i + 1; j < n; j++)
				assert_int_not_equal(cpus[i] / 2, cpus[j] / 2);
		}
	}

	assert_int_equal(plan(t, "l3", NULL, 5, cpus, err, sizeof(err)), -ERANGE);
	assert_string_equal(err, "placement 'l3' offers 4 CPUs, 5 threads asked");
	assert_int_equal(plan(t, "core", NULL, 17, cpus, err, sizeof(err)), -ERANGE);
	assert_string_equal(err, "placement 'core' offers 16 CPUs, 17 threads asked");
	assert_int_equal(plan(t, "scatter", NULL, 33, cpus, err, sizeof(err)), -ERANGE);
	assert_string_equal(err, "placement 'scatter' offers 32 CPUs, 33 threads asked");
	assert_int_equal(plan(t, "cpuset:0-3,8", NULL, 6, cpus, err, sizeof(err)), -ERANGE);
	assert_string_equal(err, "placement 'cpuset:0-3,8' offers 5 CPUs, 6 threads asked");
	assert_int_equal(plan(t, "cpuset:30-33", NULL, 1, cpus, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "placement 'cpuset:30-33': CPU 32 is not in this topology (CPUs 0-31)");
	assert_int_equal(plan(t, "compact", NULL, 0, cpus, err, sizeof(err)), -EINVAL);

	/* device-local: a synthetic topology knows no PCI device */
	assert_int_equal(plan(t, "device-local", "0000:00:03.0", 2, cpus, err, sizeof(err)),
			 -ENODEV);
	assert_non_null(strstr(err, "hwloc does not know PCI device 0000:00:03.0"));
	assert_int_equal(plan(t, "device-local", NULL, 2, cpus, err, sizeof(err)), -EINVAL);
	assert_int_equal(
		plan(t, "device-local:fallback", "0000:00:03.0", 3, cpus, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "falling back to compact"));
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 1);
	assert_int_equal(cpus[2], 2);
	hwloc_topology_destroy(t);
}

static void test_topo_b(void **state)
{
	static const unsigned int numa[] = {0, 64, 128, 192};
	static const unsigned int package[] = {0, 128};
	static const unsigned int l3[] = {0, 16, 32, 48, 64, 80};
	/* package, then NUMA node, then L3 (hwloc_distrib spreads 2 per node: L3 0 and 2) */
	static const unsigned int scatter8[] = {0, 128, 64, 192, 32, 160, 96, 224};
	static const unsigned int compact[] = {0, 1, 2, 3};
	hwloc_topology_t t;
	unsigned int cpus[256];
	char err[256];

	(void)state;
	assert_int_equal(topo_init(&t, TOPO_B, false), 0);
	expect_plan(t, "numa", 4, numa);
	expect_plan(t, "package", 2, package);
	expect_plan(t, "l3", 6, l3);
	expect_plan(t, "scatter", 8, scatter8);
	expect_plan(t, "compact", 4, compact);
	assert_int_equal(plan(t, "numa", NULL, 5, cpus, err, sizeof(err)), -ERANGE);
	assert_string_equal(err, "placement 'numa' offers 4 CPUs, 5 threads asked");
	/* 128 cores: scatter over 128 threads never doubles up a core */
	assert_int_equal(plan(t, "scatter", NULL, 128, cpus, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < 128; i++)
		assert_int_equal(cpus[i] % 2, 0);
	assert_int_equal(plan(t, "scatter", NULL, 256, cpus, err, sizeof(err)), 0);
	assert_int_equal(cpus[255], 255);
	hwloc_topology_destroy(t);
}

static void test_device_local_xml(void **state)
{
	hwloc_topology_t t;
	unsigned int cpus[4];
	char err[256];

	(void)state;
	assert_int_equal(topo_init(&t, TOPO_XML, true), 0);
	assert_int_equal(plan(t, "device-local", "01:00.0", 2, cpus, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[1], 3);
	assert_int_equal(plan(t, "device-local", "0000:01:00.0", 3, cpus, err, sizeof(err)),
			 -ERANGE);
	assert_string_equal(err, "placement 'device-local' offers 2 CPUs, 3 threads asked");
	assert_int_equal(
		plan(t, "device-local:fallback", "0000:01:00.0", 1, cpus, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cpus[0], 2);
	hwloc_topology_destroy(t);
}

static void test_bind_real(void **state)
{
	hwloc_topology_t t;
	char err[256];

	(void)state;
	assert_int_equal(topo_init(&t, NULL, false), 0);
	if (topo_bind_current_thread(t, 0, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(topo_bind_current_thread(t, 100000, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "CPU 100000"));
	hwloc_topology_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_topo_a),
		cmocka_unit_test(test_topo_b),
		cmocka_unit_test(test_device_local_xml),
		cmocka_unit_test(test_bind_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

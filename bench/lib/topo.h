/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - hwloc topology and thread placement for the suites.
 *
 * A placement policy is parsed from a string and turned into a plan: one
 * OS CPU number per thread. Policies:
 *   compact            PUs in hwloc logical order (SMT siblings first).
 *   scatter            hwloc_distrib() chooses the PUs (spread over packages,
 *                      then L3 domains, then cores, SMT siblings last); they
 *                      are then ordered round-robin from the top, so thread 0
 *                      and thread 1 are on different packages (if there are
 *                      two), then different L3 domains, and so on: the order
 *                      sorts each PU by (its rank among its SMT siblings, its
 *                      core's rank in its parent, ..., its package's rank).
 *   pu|core|l3|package|numa
 *                      one thread per object of that level, in logical order,
 *                      each on the object's first PU.
 *   device-local[:fallback]
 *                      the PUs near the PCI device (hwloc_get_pcidev_by_busidstring
 *                      + hwloc_get_non_io_ancestor_obj), compact inside them.
 *                      The topology must have been loaded with I/O objects.
 *                      With ":fallback", a device unknown to hwloc gives compact
 *                      over the machine and a warning.
 *   cpuset:LIST        an explicit OS CPU list ("0-3,8": N or N-M with
 *                      N <= M, comma separated, decimal without leading
 *                      zeros), in ascending order, checked against the
 *                      topology; CPU numbers above TOPO_MAX_CPU are refused
 *                      (hwloc would allocate and fill a bitmap up to the
 *                      largest one).
 */
#ifndef VPB_TOPO_H
#define VPB_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include <hwloc.h>
#include <jansson.h>

#define TOPO_MAX_CPU 65535

enum topo_kind {
	TOPO_COMPACT,
	TOPO_SCATTER,
	TOPO_LEVEL,
	TOPO_DEVICE_LOCAL,
	TOPO_CPUSET,
};

/**
 * struct topo_policy - a parsed placement policy.
 * @kind: which policy.
 * @level: for TOPO_LEVEL: HWLOC_OBJ_PU, _CORE, _L3CACHE, _PACKAGE or _NUMANODE.
 * @fallback: for TOPO_DEVICE_LOCAL: fall back to compact if hwloc does not
 *            know the device.
 * @cpulist: for TOPO_CPUSET: the list as given (syntax checked).
 * @name: the canonical policy string, for results ("core", "cpuset:0-3,8").
 */
struct topo_policy {
	enum topo_kind kind;
	hwloc_obj_type_t level;
	bool fallback;
	char cpulist[256];
	char name[272];
};

/**
 * topo_init() - load a topology.
 * @t: receives the topology; destroy with hwloc_topology_destroy().
 * @synthetic: NULL for this machine; a hwloc synthetic description
 *             ("pack:2 l3:2 core:4 pu:2"); or the path of a hwloc XML export
 *             (any string ending in ".xml").
 * @io: keep PCI devices and bridges (HWLOC_TYPE_FILTER_KEEP_IMPORTANT for I/O
 *      types), needed by device-local placement.
 *
 * Return: 0 or -errno (-EINVAL for a bad synthetic string).
 */
int topo_init(hwloc_topology_t *t, const char *synthetic, bool io);

/**
 * topo_policy_parse() - parse a placement policy string (see the top of topo.h).
 * @s: the string.
 * @out: receives the policy.
 * @err: on failure, one line naming the bad input and the valid choices.
 * @len: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int topo_policy_parse(const char *s, struct topo_policy *out, char *err, size_t len);

/**
 * topo_plan() - choose one OS CPU per thread.
 * @t: the topology.
 * @p: the policy.
 * @bdf: the device for device-local ("0000:00:03.0" or "00:03.0"), else NULL.
 * @nthreads: number of threads (>= 1).
 * @os_cpus: receives @nthreads OS CPU numbers; thread i runs on os_cpus[i].
 * @err: on failure, one line; on success "" or, for device-local:fallback
 *       when it fell back, a warning ("hwloc does not know PCI device ...:
 *       falling back to compact placement").
 * @len: size of @err.
 *
 * Return: 0; -ERANGE if the policy offers fewer CPUs than @nthreads (@err:
 * "placement 'core' offers 8 CPUs, 12 threads asked"); -ENODEV if hwloc
 * does not know the device (no fallback); -EINVAL for a missing @bdf, a CPU
 * list outside the topology or @nthreads == 0; -ENOMEM.
 */
int topo_plan(hwloc_topology_t t, const struct topo_policy *p, const char *bdf,
	      unsigned int nthreads, unsigned int *os_cpus, char *err, size_t len);

/**
 * topo_bind_current_thread() - bind the calling thread to one OS CPU and
 * check where it then runs (hwloc_get_last_cpu_location()).
 * @t: this machine's topology (binding is refused on synthetic ones).
 * @os_cpu: the OS CPU number.
 * @err: on failure, a line naming the API, the CPU and errno.
 * @len: size of @err.
 *
 * Return: 0, -EINVAL (CPU not in the topology), -EIO (the thread runs
 * elsewhere after binding), or -errno from hwloc.
 */
int topo_bind_current_thread(hwloc_topology_t t, unsigned int os_cpu, char *err, size_t len);

/**
 * topo_summary() - object counts of a topology as a JSON object
 * {"packages", "numa", "l3", "cores", "pus"} (0 where hwloc found none).
 * @t: the topology.
 *
 * Return: a new reference, or NULL on allocation failure.
 */
json_t *topo_summary(hwloc_topology_t t);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - hwloc topology loading and thread placement (see topo.h).
 */
#include "topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int topo_init(hwloc_topology_t *t, const char *synthetic, bool io)
{
	hwloc_topology_t topo;
	size_t n;
	int ret;

	if (hwloc_topology_init(&topo))
		return errno ? -errno : -ENOMEM;
	if (synthetic) {
		n = strlen(synthetic);
		if (n > 4 && !strcmp(synthetic + n - 4, ".xml"))
			ret = hwloc_topology_set_xml(topo, synthetic);
		else
			ret = hwloc_topology_set_synthetic(topo, synthetic);
		if (ret) {
			ret = errno ? -errno : -EINVAL;
			hwloc_topology_destroy(topo);
			return ret;
		}
	}
	if (io && hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT)) {
		ret = errno ? -errno : -EINVAL;
		hwloc_topology_destroy(topo);
		return ret;
	}
	if (hwloc_topology_load(topo)) {
		ret = errno ? -errno : -EINVAL;
		hwloc_topology_destroy(topo);
		return ret;
	}
	*t = topo;
	return 0;
}

/*
 * Is @p a CPU list "N[-M][,N[-M]]..." of decimal numbers without leading
 * zeros, N <= M, every one at most TOPO_MAX_CPU? hwloc takes more, and
 * differently: "010" is octal, "-5" and "5-" are ranges to the end, and
 * "1,08-1" left its bitmap inconsistent (found by fuzz_options: a loop).
 */
static bool cpulist_ok(const char *p)
{
	unsigned long first = 0, v;
	bool range = false;

	for (;;) {
		char *end;

		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
			return false;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (v > TOPO_MAX_CPU || errno || (range && v < first))
			return false;
		p = end;
		if (*p == '-' && !range) {
			range = true;
			first = v;
			p++;
			continue;
		}
		range = false;
		if (!*p)
			return true;
		if (*p++ != ',')
			return false;
	}
}

static const struct {
	const char *name;
	hwloc_obj_type_t type;
} topo_levels[] = {
	{"pu", HWLOC_OBJ_PU},		{"core", HWLOC_OBJ_CORE},     {"l3", HWLOC_OBJ_L3CACHE},
	{"package", HWLOC_OBJ_PACKAGE}, {"numa", HWLOC_OBJ_NUMANODE},
};

#define TOPO_CHOICES                                                                               \
	"compact, scatter, pu, core, l3, package, numa, device-local[:fallback], cpuset:LIST"

int topo_policy_parse(const char *s, struct topo_policy *out, char *err, size_t len)
{
	hwloc_bitmap_t set;
	const char *list;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len)
		err[0] = '\0';
	if (!s || !*s) {
		snprintf(err, len, "empty placement (choose one of: %s)", TOPO_CHOICES);
		return -EINVAL;
	}
	if (!strcmp(s, "compact")) {
		out->kind = TOPO_COMPACT;
	} else if (!strcmp(s, "scatter")) {
		out->kind = TOPO_SCATTER;
	} else if (!strcmp(s, "device-local")) {
		out->kind = TOPO_DEVICE_LOCAL;
	} else if (!strcmp(s, "device-local:fallback")) {
		out->kind = TOPO_DEVICE_LOCAL;
		out->fallback = true;
	} else if (!strncmp(s, "cpuset:", 7)) {
		list = s + 7;
		if (strlen(list) >= sizeof(out->cpulist) || !cpulist_ok(list)) {
			snprintf(err, len,
				 "placement '%s': bad CPU list (expected e.g. cpuset:0-3,8; "
				 "CPUs 0 to %d)",
				 s, TOPO_MAX_CPU);
			return -EINVAL;
		}
		set = hwloc_bitmap_alloc();
		if (!set)
			return -ENOMEM;
		ret = hwloc_bitmap_list_sscanf(set, list);
		if (!ret && hwloc_bitmap_iszero(set))
			ret = -1;
		hwloc_bitmap_free(set);
		if (ret) {
			snprintf(err, len,
				 "placement '%s': bad CPU list (expected e.g. cpuset:0-3,8)", s);
			return -EINVAL;
		}
		out->kind = TOPO_CPUSET;
		snprintf(out->cpulist, sizeof(out->cpulist), "%s", list);
	} else {
		size_t i;

		for (i = 0; i < sizeof(topo_levels) / sizeof(topo_levels[0]); i++) {
			if (!strcmp(s, topo_levels[i].name))
				break;
		}
		if (i == sizeof(topo_levels) / sizeof(topo_levels[0])) {
			snprintf(err, len, "unknown placement '%s' (choose one of: %s)", s,
				 TOPO_CHOICES);
			return -EINVAL;
		}
		out->kind = TOPO_LEVEL;
		out->level = topo_levels[i].type;
	}
	snprintf(out->name, sizeof(out->name), "%s", s);
	return 0;
}

static int too_many(const struct topo_policy *p, unsigned int avail, unsigned int n, char *err,
		    size_t len)
{
	snprintf(err, len, "placement '%s' offers %u CPU%s, %u thread%s asked", p->name, avail,
		 avail == 1 ? "" : "s", n, n == 1 ? "" : "s");
	return -ERANGE;
}

/* The first @n PUs of @set in logical order. */
static int plan_compact_in(hwloc_topology_t t, const struct topo_policy *p,
			   hwloc_const_cpuset_t set, unsigned int n, unsigned int *os_cpus,
			   char *err, size_t len)
{
	unsigned int avail =
		(unsigned int)hwloc_get_nbobjs_inside_cpuset_by_type(t, set, HWLOC_OBJ_PU);
	hwloc_obj_t pu = NULL;

	if (n > avail)
		return too_many(p, avail, n, err, len);
	for (unsigned int i = 0; i < n; i++) {
		pu = hwloc_get_next_obj_inside_cpuset_by_type(t, set, HWLOC_OBJ_PU, pu);
		os_cpus[i] = pu->os_index;
	}
	return 0;
}

static int plan_level(hwloc_topology_t t, const struct topo_policy *p, unsigned int n,
		      unsigned int *os_cpus, char *err, size_t len)
{
	int nobj = hwloc_get_nbobjs_by_type(t, p->level);
	unsigned int avail = nobj > 0 ? (unsigned int)nobj : 0;

	if (n > avail)
		return too_many(p, avail, n, err, len);
	for (unsigned int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t, p->level, i);
		int first = o && o->cpuset ? hwloc_bitmap_first(o->cpuset) : -1;

		if (first < 0) {
			snprintf(err, len, "placement '%s': %s #%u has no CPU", p->name,
				 hwloc_obj_type_string(p->level), i);
			return -EINVAL;
		}
		os_cpus[i] = (unsigned int)first;
	}
	return 0;
}

/* Scatter order: compare PUs by the sibling ranks of their ancestors, from
 * the PU upwards (SMT rank most significant, package rank least). */
struct scatter_key {
	unsigned int os;
	unsigned int nranks;
	unsigned int rank[32];
};

static int scatter_cmp(const void *a, const void *b)
{
	const struct scatter_key *x = a, *y = b;
	unsigned int n = x->nranks < y->nranks ? x->nranks : y->nranks;

	for (unsigned int i = 0; i < n; i++) {
		if (x->rank[i] != y->rank[i])
			return x->rank[i] < y->rank[i] ? -1 : 1;
	}
	if (x->nranks != y->nranks)
		return x->nranks < y->nranks ? -1 : 1;
	return x->os < y->os ? -1 : x->os > y->os;
}

static int plan_scatter(hwloc_topology_t t, const struct topo_policy *p, unsigned int n,
			unsigned int *os_cpus, char *err, size_t len)
{
	hwloc_obj_t root = hwloc_get_root_obj(t);
	unsigned int avail = (unsigned int)hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	struct scatter_key *keys;
	hwloc_cpuset_t *sets;
	unsigned int i;
	int ret = 0;

	if (n > avail)
		return too_many(p, avail, n, err, len);
	sets = calloc(n, sizeof(*sets));
	keys = calloc(n, sizeof(*keys));
	if (!sets || !keys) {
		ret = -ENOMEM;
		goto out;
	}
	if (hwloc_distrib(t, &root, 1, sets, n, INT_MAX, 0)) {
		ret = -errno;
		snprintf(err, len, "hwloc_distrib(%u threads) failed: %s", n, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		hwloc_obj_t o;

		if (!sets[i]) {
			ret = -ENOMEM;
			goto out;
		}
		hwloc_bitmap_singlify(sets[i]);
		keys[i].os = (unsigned int)hwloc_bitmap_first(sets[i]);
		o = hwloc_get_pu_obj_by_os_index(t, keys[i].os);
		for (; o && o->parent && keys[i].nranks < 32; o = o->parent)
			keys[i].rank[keys[i].nranks++] = o->sibling_rank;
	}
	qsort(keys, n, sizeof(*keys), scatter_cmp);
	for (i = 0; i < n; i++)
		os_cpus[i] = keys[i].os;
out:
	if (sets) {
		for (i = 0; i < n; i++)
			hwloc_bitmap_free(sets[i]);
	}
	free(sets);
	free(keys);
	return ret;
}

static int plan_device_local(hwloc_topology_t t, const struct topo_policy *p, const char *bdf,
			     unsigned int n, unsigned int *os_cpus, char *err, size_t len)
{
	hwloc_obj_t dev, anc;
	int ret;

	if (!bdf || !*bdf) {
		snprintf(err, len, "placement '%s' needs a device (--device BDF)", p->name);
		return -EINVAL;
	}
	dev = hwloc_get_pcidev_by_busidstring(t, bdf);
	anc = dev ? hwloc_get_non_io_ancestor_obj(t, dev) : NULL;
	if (!anc || !anc->cpuset) {
		if (!p->fallback) {
			snprintf(err, len,
				 "hwloc does not know PCI device %s (topology loaded without I/O "
				 "objects?)",
				 bdf);
			return -ENODEV;
		}
		ret = plan_compact_in(t, p, hwloc_topology_get_topology_cpuset(t), n, os_cpus, err,
				      len);
		if (!ret)
			snprintf(err, len,
				 "hwloc does not know PCI device %s: falling back to compact "
				 "placement over the machine",
				 bdf);
		return ret;
	}
	return plan_compact_in(t, p, anc->cpuset, n, os_cpus, err, len);
}

static int plan_cpuset(hwloc_topology_t t, const struct topo_policy *p, unsigned int n,
		       unsigned int *os_cpus, char *err, size_t len)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(t);
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	char *have = NULL;
	unsigned int i = 0, avail;
	int ret = 0, id;

	if (!set)
		return -ENOMEM;
	if (hwloc_bitmap_list_sscanf(set, p->cpulist) || hwloc_bitmap_iszero(set)) {
		snprintf(err, len, "placement '%s': bad CPU list", p->name);
		ret = -EINVAL;
		goto out;
	}
	if (!hwloc_bitmap_isincluded(set, all)) {
		hwloc_bitmap_andnot(set, set, all);
		hwloc_bitmap_list_asprintf(&have, all);
		snprintf(err, len, "placement '%s': CPU %d is not in this topology (CPUs %s)",
			 p->name, hwloc_bitmap_first(set), have ? have : "?");
		ret = -EINVAL;
		goto out;
	}
	avail = (unsigned int)hwloc_bitmap_weight(set);
	if (n > avail) {
		ret = too_many(p, avail, n, err, len);
		goto out;
	}
	hwloc_bitmap_foreach_begin(id, set) {
		if (i == n)
			break;
		os_cpus[i++] = (unsigned int)id;
	}
	hwloc_bitmap_foreach_end();
out:
	free(have);
	hwloc_bitmap_free(set);
	return ret;
}

int topo_plan(hwloc_topology_t t, const struct topo_policy *p, const char *bdf,
	      unsigned int nthreads, unsigned int *os_cpus, char *err, size_t len)
{
	if (len)
		err[0] = '\0';
	if (nthreads == 0) {
		snprintf(err, len, "placement '%s': no threads asked", p->name);
		return -EINVAL;
	}
	switch (p->kind) {
	case TOPO_COMPACT:
		return plan_compact_in(t, p, hwloc_topology_get_topology_cpuset(t), nthreads,
				       os_cpus, err, len);
	case TOPO_SCATTER:
		return plan_scatter(t, p, nthreads, os_cpus, err, len);
	case TOPO_LEVEL:
		return plan_level(t, p, nthreads, os_cpus, err, len);
	case TOPO_DEVICE_LOCAL:
		return plan_device_local(t, p, bdf, nthreads, os_cpus, err, len);
	case TOPO_CPUSET:
		return plan_cpuset(t, p, nthreads, os_cpus, err, len);
	}
	snprintf(err, len, "placement '%s': unknown kind", p->name);
	return -EINVAL;
}

int topo_bind_current_thread(hwloc_topology_t t, unsigned int os_cpu, char *err, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc(), got = hwloc_bitmap_alloc();
	int ret = 0, where;

	if (len)
		err[0] = '\0';
	if (!set || !got) {
		ret = -ENOMEM;
		goto out;
	}
	if (!hwloc_get_pu_obj_by_os_index(t, os_cpu)) {
		snprintf(err, len, "cannot bind to CPU %u: not in this topology", os_cpu);
		ret = -EINVAL;
		goto out;
	}
	hwloc_bitmap_only(set, os_cpu);
	if (hwloc_set_cpubind(t, set, HWLOC_CPUBIND_THREAD)) {
		ret = errno ? -errno : -EIO;
		snprintf(err, len, "hwloc_set_cpubind(CPU %u, HWLOC_CPUBIND_THREAD): %s", os_cpu,
			 strerror(-ret));
		goto out;
	}
	if (hwloc_get_last_cpu_location(t, got, HWLOC_CPUBIND_THREAD)) {
		ret = errno ? -errno : -EIO;
		snprintf(err, len,
			 "hwloc_get_last_cpu_location(HWLOC_CPUBIND_THREAD) after binding to CPU "
			 "%u: %s",
			 os_cpu, strerror(-ret));
		goto out;
	}
	where = hwloc_bitmap_first(got);
	if (!hwloc_bitmap_isequal(got, set)) {
		snprintf(err, len, "bound to CPU %u but hwloc_get_last_cpu_location says CPU %d",
			 os_cpu, where);
		ret = -EIO;
	}
out:
	hwloc_bitmap_free(set);
	hwloc_bitmap_free(got);
	return ret;
}

json_t *topo_summary(hwloc_topology_t t)
{
	int v[5];
	static const hwloc_obj_type_t types[5] = {HWLOC_OBJ_PACKAGE, HWLOC_OBJ_NUMANODE,
						  HWLOC_OBJ_L3CACHE, HWLOC_OBJ_CORE, HWLOC_OBJ_PU};

	for (int i = 0; i < 5; i++) {
		v[i] = hwloc_get_nbobjs_by_type(t, types[i]);
		if (v[i] < 0)
			v[i] = 0;
	}
	return json_pack("{s:i, s:i, s:i, s:i, s:i}", "packages", v[0], "numa", v[1], "l3", v[2],
			 "cores", v[3], "pus", v[4]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vpb-profile: a QEMU TCG plugin that counts, between marker instructions
 * the harness executes, how often each guest instruction ran, how many of
 * those were locked read-modify-writes and how many stores they made.
 *
 *   qemu-system-x86_64 ... -plugin vpb-profile.so,out=FILE
 *
 * Markers are 8-byte NOPs, 0f 1f 84 00 + a 32-bit magic displacement
 * (bench/lib/profile.h): SEGMENT starts the next segment (one per measured
 * case), ROLE_* says what the following windows time (the empty loop, the
 * case's operation, its control), START and STOP bound one window (one
 * timed batch). Markers are recognised by their bytes at translation and
 * are not counted themselves: a window holds the instructions strictly
 * between its START and its STOP.
 *
 * Per segment and role, windows are grouped by their instruction total
 * (up to MAX_GROUPS; the rest go to one overflow group): under icount a
 * case's batches run the same path, so one group holds nearly every window
 * and the others are the windows an interrupt (a timer tick) landed in.
 * Each group keeps the per-address sums of its windows.
 *
 * Counts come from inline counters, which QEMU 7.2 shares between vCPUs
 * without atomicity: in system emulation the plugin refuses more than one
 * vCPU (a count could be lost, and windows would mix the vCPUs' work). A
 * faulting instruction that is re-executed counts twice.
 *
 * Output (text, written at each segment's end and at exit):
 *   segment <n> role <r> windows <w>
 *   group <total> <locked> <stores> <windows> <overflow 0|1>
 *   <vaddr hex> <executions> <stores> <locked: 0, 1, or 2 (lock_kind())>
 */
#include <qemu-plugin.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum marker {
	MARK_START = 0x56504201,
	MARK_STOP = 0x56504202,
	MARK_SEGMENT = 0x56504203,
	MARK_ROLE_NULL = 0x56504210,
	MARK_ROLE_OP = 0x56504211,
	MARK_ROLE_CONTROL = 0x56504212,
};

enum { NROLES = 3, MAX_GROUPS = 8, CHUNK = 4096, MAX_BYTES = 16 };
static const char *const role_names[NROLES] = {"null", "op", "control"};

/* One guest instruction (address and bytes); its counters never move. */
struct insn {
	uint64_t vaddr;
	uint64_t count;	 /* executions (inline) */
	uint64_t stores; /* store accesses (on_mem) */
	uint8_t bytes[MAX_BYTES];
	uint8_t size;
	uint8_t locked; /* lock_kind() */
};

struct group {
	uint64_t total, locked, stores, windows;
	uint64_t *count, *store; /* per insn index, grown as insns appear */
	size_t cap;
	bool overflow;
};

static struct insn **chunks;
static size_t ninsns, nchunks;
static uint32_t *table; /* open addressing: insn index + 1, 0 empty */
static size_t table_size;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static FILE *out;
static uint64_t *snap_count, *snap_store;
static size_t snap_cap, snap_n;
static bool in_window;
static unsigned int segment, role = 1;
static struct group groups[NROLES][MAX_GROUPS];
static uint64_t windows[NROLES];

static struct insn *insn_at(size_t i)
{
	return &chunks[i / CHUNK][i % CHUNK];
}

static uint64_t hash(uint64_t vaddr, const uint8_t *b, size_t n)
{
	uint64_t h = vaddr * 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static bool grow_table(void)
{
	size_t nsize = table_size ? table_size * 2 : 1 << 16;
	uint32_t *nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return false;
	for (size_t i = 0; i < ninsns; i++) {
		struct insn *in = insn_at(i);
		size_t j = hash(in->vaddr, in->bytes, in->size) & (nsize - 1);

		while (nt[j])
			j = (j + 1) & (nsize - 1);
		nt[j] = (uint32_t)(i + 1);
	}
	free(table);
	table = nt;
	table_size = nsize;
	return true;
}

/* An opcode LOCK may prefix, given the ModRM byte's reg field (@reg). */
static bool lockable(const uint8_t *op, size_t n)
{
	unsigned int reg;

	if (n < 2)
		return false;
	if (op[0] == 0x0f) {
		if (n < 3 || (op[2] >> 6) == 3)
			return false;
		reg = (op[2] >> 3) & 7;
		switch (op[1]) {
		case 0xab:
		case 0xb3:
		case 0xbb: /* bts, btr, btc */
		case 0xb0:
		case 0xb1: /* cmpxchg */
		case 0xc0:
		case 0xc1: /* xadd */
			return true;
		case 0xba: /* bts, btr, btc imm */
			return reg >= 5;
		case 0xc7: /* cmpxchg8b/16b */
			return reg == 1;
		}
		return false;
	}
	if ((op[1] >> 6) == 3)
		return false; /* a register operand */
	reg = (op[1] >> 3) & 7;
	if (op[0] < 0x40 && (op[0] & 7) <= 1 && op[0] != 0x38 && op[0] != 0x39)
		return true; /* add, or, adc, sbb, and, sub, xor to memory */
	switch (op[0]) {
	case 0x80:
	case 0x81:
	case 0x83:
		return reg != 7; /* group 1 but cmp */
	case 0x86:
	case 0x87:
		return true;
	case 0xf6:
	case 0xf7:
		return reg == 2 || reg == 3; /* not, neg */
	case 0xfe:
	case 0xff:
		return reg <= 1; /* inc, dec */
	}
	return false;
}

/*
 * 1: a LOCK-prefixed instruction, or XCHG with a memory operand (implicitly
 * locked). 2: a DS-prefixed (0x3e) instruction LOCK could prefix: Linux
 * booted with one possible CPU patches its LOCK prefixes (.smp_locks) to DS,
 * so there this is a LOCK of the SMP kernel. 0: neither. 64-bit code:
 * legacy prefixes, then at most one REX.
 */
static int lock_kind(const uint8_t *b, size_t n)
{
	static const uint8_t legacy[] = {0x26, 0x2e, 0x36, 0x3e, 0x64,
					 0x65, 0x66, 0x67, 0xf2, 0xf3};
	bool lockp = false, ds = false;
	size_t i = 0;

	for (; i < n; i++) {
		if (b[i] == 0xf0)
			lockp = true;
		else if (memchr(legacy, b[i], sizeof(legacy)))
			ds |= b[i] == 0x3e;
		else
			break;
	}
	if (i < n && (b[i] & 0xf0) == 0x40)
		i++;
	if (lockp)
		return 1;
	if (i + 1 < n && (b[i] == 0x86 || b[i] == 0x87) && (b[i + 1] >> 6) != 3)
		return 1;
	return ds && i < n && lockable(b + i, n - i) ? 2 : 0;
}

/* The insn of this address and bytes, made on first sight. Under lock. */
static struct insn *lookup(uint64_t vaddr, const uint8_t *b, size_t n)
{
	size_t j;
	struct insn *in;

	if (n > MAX_BYTES)
		n = MAX_BYTES;
	if ((ninsns + 1) * 2 > table_size && !grow_table())
		return NULL;
	for (j = hash(vaddr, b, n) & (table_size - 1); table[j]; j = (j + 1) & (table_size - 1)) {
		in = insn_at(table[j] - 1);
		if (in->vaddr == vaddr && in->size == n && !memcmp(in->bytes, b, n))
			return in;
	}
	if (ninsns == nchunks * CHUNK) {
		struct insn **nc = realloc(chunks, (nchunks + 1) * sizeof(*nc));

		if (!nc)
			return NULL;
		chunks = nc;
		chunks[nchunks] = calloc(CHUNK, sizeof(struct insn));
		if (!chunks[nchunks])
			return NULL;
		nchunks++;
	}
	in = insn_at(ninsns);
	in->vaddr = vaddr;
	in->size = (uint8_t)n;
	memcpy(in->bytes, b, n);
	in->locked = (uint8_t)lock_kind(b, n);
	table[j] = (uint32_t)++ninsns;
	return in;
}

static bool grow(uint64_t **a, uint64_t **b, size_t *cap, size_t want)
{
	size_t ncap = *cap ? *cap : CHUNK;
	uint64_t *na, *nb;

	while (ncap < want)
		ncap *= 2;
	if (ncap == *cap)
		return true;
	na = realloc(*a, ncap * sizeof(**a));
	if (!na)
		return false;
	*a = na;
	nb = realloc(*b, ncap * sizeof(**b));
	if (!nb)
		return false;
	*b = nb;
	memset(na + *cap, 0, (ncap - *cap) * sizeof(*na));
	memset(nb + *cap, 0, (ncap - *cap) * sizeof(*nb));
	*cap = ncap;
	return true;
}

static void fail(const char *what)
{
	fprintf(stderr, "vpb-profile: %s: out of memory; stopping\n", what);
	exit(1);
}

static void window_start(void)
{
	if (!grow(&snap_count, &snap_store, &snap_cap, ninsns))
		fail("snapshot");
	for (size_t i = 0; i < ninsns; i++) {
		struct insn *in = insn_at(i);

		snap_count[i] = in->count;
		snap_store[i] = in->stores;
	}
	snap_n = ninsns;
	in_window = true;
}

static void window_stop(void)
{
	uint64_t total = 0, locked = 0, stores = 0;
	struct group *g = NULL;

	if (!in_window)
		return;
	in_window = false;
	/* First pass: the window's totals, to find its group. */
	for (size_t i = 0; i < ninsns; i++) {
		struct insn *in = insn_at(i);
		uint64_t dc = in->count - (i < snap_n ? snap_count[i] : 0);

		total += dc;
		locked += in->locked ? dc : 0;
		stores += in->stores - (i < snap_n ? snap_store[i] : 0);
	}
	for (size_t k = 0; k < MAX_GROUPS; k++) {
		struct group *c = &groups[role][k];

		if (!c->windows || (c->total == total && !c->overflow) || (k == MAX_GROUPS - 1)) {
			g = c;
			break;
		}
	}
	if (g->windows && g->total != total && !g->overflow) {
		g->overflow = true; /* the last group takes every other total: a sum */
		g->total *= g->windows;
	}
	if (!grow(&g->count, &g->store, &g->cap, ninsns))
		fail("group");
	for (size_t i = 0; i < ninsns; i++) {
		struct insn *in = insn_at(i);

		g->count[i] += in->count - (i < snap_n ? snap_count[i] : 0);
		g->store[i] += in->stores - (i < snap_n ? snap_store[i] : 0);
	}
	if (g->overflow)
		g->total += total;
	else
		g->total = total;
	g->locked += locked;
	g->stores += stores;
	g->windows++;
	windows[role]++;
}

/* Write the segment's groups and reset them. */
static void segment_end(void)
{
	for (unsigned int r = 0; r < NROLES; r++) {
		if (!windows[r])
			continue;
		fprintf(out, "segment %u role %s windows %" PRIu64 "\n", segment, role_names[r],
			windows[r]);
		for (size_t k = 0; k < MAX_GROUPS; k++) {
			struct group *g = &groups[r][k];

			if (!g->windows)
				continue;
			/* total: per window, or the sum for the overflow group */
			fprintf(out, "group %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n",
				g->total, g->locked, g->stores, g->windows, g->overflow);
			for (size_t i = 0; i < g->cap && i < ninsns; i++)
				if (g->count[i] || g->store[i])
					fprintf(out, "%" PRIx64 " %" PRIu64 " %" PRIu64 " %d\n",
						insn_at(i)->vaddr, g->count[i], g->store[i],
						insn_at(i)->locked);
			free(g->count);
			free(g->store);
			memset(g, 0, sizeof(*g));
		}
		windows[r] = 0;
	}
	fflush(out);
}

static void on_marker(unsigned int vcpu, void *udata)
{
	uint32_t m = (uint32_t)(uintptr_t)udata;

	(void)vcpu;
	pthread_mutex_lock(&lock);
	switch (m) {
	case MARK_START:
		window_start();
		break;
	case MARK_STOP:
		window_stop();
		break;
	case MARK_SEGMENT:
		in_window = false;
		segment_end();
		segment++;
		break;
	default:
		role = m - MARK_ROLE_NULL;
		in_window = false;
		break;
	}
	pthread_mutex_unlock(&lock);
}

static int marker_of(const uint8_t *b, size_t n)
{
	uint32_t m;

	if (n != 8 || b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x84 || b[3] != 0x00)
		return 0;
	memcpy(&m, b + 4, 4);
	switch (m) {
	case MARK_START:
	case MARK_STOP:
	case MARK_SEGMENT:
	case MARK_ROLE_NULL:
	case MARK_ROLE_OP:
	case MARK_ROLE_CONTROL:
		return (int)m;
	}
	return 0;
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	struct insn *in = udata;

	(void)vcpu;
	(void)vaddr;
	if (qemu_plugin_mem_is_store(info))
		in->stores++;
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *b = qemu_plugin_insn_data(qi);
		size_t sz = qemu_plugin_insn_size(qi);
		int m = marker_of(b, sz);
		struct insn *in;

		if (m) {
			qemu_plugin_register_vcpu_insn_exec_cb(
				qi, on_marker, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)m);
			continue;
		}
		in = lookup(qemu_plugin_insn_vaddr(qi), b, sz);
		if (!in)
			fail("instruction table");
		qemu_plugin_register_vcpu_insn_exec_inline(qi, QEMU_PLUGIN_INLINE_ADD_U64,
							   &in->count, 1);
		/* QEMU 7.2 applies an inline memory op to loads too, whatever
		 * its rw: stores are counted by a callback that checks. */
		qemu_plugin_register_vcpu_mem_cb(qi, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_W, in);
	}
	pthread_mutex_unlock(&lock);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	pthread_mutex_lock(&lock);
	segment_end();
	fclose(out);
	out = NULL;
	pthread_mutex_unlock(&lock);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *path = NULL;

	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path) {
		fprintf(stderr, "vpb-profile: needs out=FILE\n");
		return -1;
	}
	if (info->system_emulation && info->system.max_vcpus > 1) {
		fprintf(stderr,
			"vpb-profile: needs one vCPU (-smp 1): its counters are not atomic\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "vpb-profile: cannot write %s\n", path);
		return -1;
	}
	fprintf(out, "vpb-profile 1\n");
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}

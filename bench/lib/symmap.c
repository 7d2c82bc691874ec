// SPDX-License-Identifier: GPL-2.0
#include "symmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kernel addresses: the upper half of x86-64's address space. */
#define KERNEL_START 0xffff800000000000ull

static int add(struct symtab *t, uint64_t addr, const char *name)
{
	struct sym *n;

	if (!(t->n & (t->n + 1)) || !t->s) { /* grow at 0, 1, 3, 7, ... */
		n = realloc(t->s, (t->n + 1) * 2 * sizeof(*n));
		if (!n)
			return -1;
		t->s = n;
	}
	t->s[t->n].name = strdup(name);
	if (!t->s[t->n].name)
		return -1;
	t->s[t->n].seq = t->n;
	t->s[t->n++].addr = addr;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void symtab_sort(struct symtab *t)
{
	if (t->n)
		qsort(t->s, t->n, sizeof(*t->s), by_addr);
}

int symtab_load_kallsyms(struct symtab *t, const char *path, char *why, size_t len)
{
	char line[512], name[256], mod[128];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		uint64_t addr;
		char type, full[400];
		int n;

		lineno++;
		mod[0] = 0;
		n = sscanf(line, "%" SCNx64 " %c %255s %127s", &addr, &type, name, mod);
		if (n < 3) {
			snprintf(why, len, "%s:%u: not a kallsyms line", path, lineno);
			fclose(f);
			return -1;
		}
		snprintf(full, sizeof(full), "%s%s%s", name, mod[0] ? " " : "", mod);
		if (add(t, addr, full)) {
			snprintf(why, len, "out of memory");
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	symtab_sort(t);
	return 0;
}

const struct sym *symtab_find(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	/* the last symbol whose address is <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->s[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	for (lo--; lo && t->s[lo - 1].addr == t->s[lo].addr; lo--)
		; /* the first name at that address */
	return &t->s[lo];
}

void symtab_free(struct symtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i].name);
	free(t->s);
	t->s = NULL;
	t->n = 0;
}

int symmap_load_user(struct symmap *m, const char *maps, const char *syms, char *why, size_t len)
{
	char line[1024];
	unsigned int lineno = 0;
	FILE *f = fopen(maps, "r");

	if (!f) {
		snprintf(why, len, "%s: %s", maps, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		char perms[8], file[512] = "";
		struct mapping *n;

		lineno++;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %511s", &start,
			   &end, perms, &off, file) < 4) {
			snprintf(why, len, "%s:%u: not a maps line", maps, lineno);
			fclose(f);
			return -1;
		}
		if (!strchr(perms, 'x') || file[0] != '/')
			continue;
		n = realloc(m->maps, (m->nmaps + 1) * sizeof(*n));
		if (!n)
			goto oom;
		m->maps = n;
		memset(&n[m->nmaps], 0, sizeof(*n));
		n[m->nmaps].start = start;
		n[m->nmaps].end = end;
		n[m->nmaps].offset = off;
		n[m->nmaps].file = strdup(file);
		if (!n[m->nmaps++].file)
			goto oom;
	}
	fclose(f);
	f = fopen(syms, "r");
	if (!f) {
		snprintf(why, len, "%s: %s", syms, strerror(errno));
		return -1;
	}
	lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t"), *addr = strtok(NULL, "\t"),
		     *name = strtok(NULL, "\n");
		char *end;
		uint64_t a;

		lineno++;
		if (!file || !addr || !name || (a = strtoull(addr, &end, 16), *end)) {
			snprintf(why, len, "%s:%u: not a file<TAB>address<TAB>name line", syms,
				 lineno);
			fclose(f);
			return -1;
		}
		for (size_t i = 0; i < m->nmaps; i++)
			if (!strcmp(m->maps[i].file, file) && add(&m->maps[i].syms, a, name))
				goto oom;
	}
	fclose(f);
	for (size_t i = 0; i < m->nmaps; i++)
		symtab_sort(&m->maps[i].syms);
	return 0;
oom:
	fclose(f);
	snprintf(why, len, "out of memory");
	return -1;
}

const char *symmap_name(const struct symmap *m, uint64_t addr, char *buf, size_t len)
{
	if (addr >= KERNEL_START) {
		const struct sym *k = symtab_find(&m->kernel, addr);
		const struct sym *mod = symtab_find(&m->modules, addr);

		if (mod && (!k || mod->addr > k->addr))
			k = mod;
		snprintf(buf, len, "%s", k ? k->name : "[unknown kernel]");
		return buf;
	}
	for (size_t i = 0; i < m->nmaps; i++) {
		const struct mapping *mp = &m->maps[i];
		const struct sym *s;
		const char *base;

		if (addr < mp->start || addr >= mp->end)
			continue;
		/* ELF address = file offset here: text segments where p_vaddr == p_offset */
		s = symtab_find(&mp->syms, addr - mp->start + mp->offset);
		base = strrchr(mp->file, '/');
		base = base ? base + 1 : mp->file;
		if (s)
			snprintf(buf, len, "%s [%s]", s->name, base);
		else
			snprintf(buf, len, "[%s]", base);
		return buf;
	}
	snprintf(buf, len, "[unknown user]");
	return buf;
}

void symmap_free(struct symmap *m)
{
	symtab_free(&m->kernel);
	symtab_free(&m->modules);
	for (size_t i = 0; i < m->nmaps; i++) {
		free(m->maps[i].file);
		symtab_free(&m->maps[i].syms);
	}
	free(m->maps);
	memset(m, 0, sizeof(*m));
}

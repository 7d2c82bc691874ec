/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symmap.h - guest addresses to function names, for the profile plugin's
 * counts (plugin/vpb-profile.c, `vfio-pm-bench profile`).
 *
 * Kernel addresses map through /proc/kallsyms as the guest wrote it (the
 * core kernel's text symbols, and each variant load's module symbols:
 * "name [module]"); user-space addresses through the process's
 * /proc/self/maps and the mapped files' symbols (nm, on the host, in
 * user-symbols.tsv: file, ELF address, name). An address is in the function
 * of the nearest symbol at or below it; where several names share an
 * address, the first listed (kallsyms lists _raw_spin_unlock_irqrestore
 * before the section marker __lock_text_start at its address).
 */
#ifndef VPB_SYMMAP_H
#define VPB_SYMMAP_H

#include <stddef.h>
#include <stdint.h>

struct sym {
	uint64_t addr;
	char *name;
	size_t seq; /* order of addition: of two names at one address, the first wins */
};

struct symtab {
	struct sym *s;
	size_t n;
};

struct mapping {
	uint64_t start, end, offset;
	char *file;
	struct symtab syms; /* the file's, by ELF address */
};

struct symmap {
	struct symtab kernel;  /* core kernel */
	struct symtab modules; /* the loaded modules' */
	struct mapping *maps;  /* executable user-space mappings */
	size_t nmaps;
};

/**
 * symtab_load_kallsyms() - read a kallsyms file ("addr type name [mod]");
 * names of module symbols keep their " [module]".
 * Return: 0, or -1 with @why set.
 */
int symtab_load_kallsyms(struct symtab *t, const char *path, char *why, size_t len);

/** symtab_sort() - sort by address (after adding symbols). */
void symtab_sort(struct symtab *t);

/**
 * symtab_find() - the symbol at or below @addr.
 * Return: the symbol, or NULL when @addr is below every symbol.
 */
const struct sym *symtab_find(const struct symtab *t, uint64_t addr);

void symtab_free(struct symtab *t);

/**
 * symmap_load_user() - the executable mappings of a maps file and, for
 * each, the symbols of its file from a user-symbols.tsv ("file\taddr\tname").
 * Return: 0, or -1 with @why set.
 */
int symmap_load_user(struct symmap *m, const char *maps, const char *syms, char *why, size_t len);

/**
 * symmap_name() - the function @addr is in, written to @buf: the symbol's
 * name; user-space names get " [<file's base name>]"; "[unknown kernel]"
 * or "[unknown user]" where no symbol covers it.
 * Return: @buf.
 */
const char *symmap_name(const struct symmap *m, uint64_t addr, char *buf, size_t len);

void symmap_free(struct symmap *m);

#endif

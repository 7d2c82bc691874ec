// SPDX-License-Identifier: GPL-2.0
/*
 * marked-loop: a user program with a known profile, for plugin/tests/run.sh.
 * Role op, WINDOWS windows of this loop between START and STOP:
 *   mov $ITER,%ecx                  1 instruction
 *   1: lock incl (%rdi)             locked, 1 store
 *      xchg %eax,4(%rdi)            locked (XCHG with memory), 1 store
 *      mov %eax,8(%rdi)             1 store
 *      ds incl 12(%rdi)             a LOCK patched to DS (locked), 1 store
 *      ds mov %eax,8(%rdi)          not lockable: not locked, 1 store
 *      add $1,%eax
 *      dec %ecx
 *      jnz 1b                       8 instructions per iteration
 * so 1 + 8 * ITER instructions, 3 * ITER locked and 5 * ITER stores per
 * window; then one window of role null with 2 instructions (nop, nop).
 */
#include "profile.h"

#include <stdint.h>

#define ITER	100
#define WINDOWS 5

static uint32_t cells[4];

#define MARK(m) ".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long " VPB_STR(m) "\n\t"

int main(void)
{
	VPB_MARK(VPB_MARK_SEGMENT);
	VPB_MARK(VPB_MARK_ROLE_OP);
	for (int w = 0; w < WINDOWS; w++) {
		/* clang-format off */
		__asm__ volatile(MARK(VPB_MARK_START)
				 "mov $" VPB_STR(ITER) ", %%ecx\n"
				 "1:\tlock incl (%0)\n\t"
				 "xchg %%eax, 4(%0)\n\t"
				 "mov %%eax, 8(%0)\n\t"
				 ".byte 0x3e\n\tincl 12(%0)\n\t"
				 ".byte 0x3e\n\tmov %%eax, 8(%0)\n\t"
				 "add $1, %%eax\n\t"
				 "dec %%ecx\n\t"
				 "jnz 1b\n\t"
				 MARK(VPB_MARK_STOP)
				 : : "r"(cells) : "eax", "ecx", "memory", "cc");
		/* clang-format on */
	}
	VPB_MARK(VPB_MARK_ROLE_NULL);
	__asm__ volatile(MARK(VPB_MARK_START) "nop\n\tnop\n\t" MARK(VPB_MARK_STOP)::: "memory");
	return 0;
}

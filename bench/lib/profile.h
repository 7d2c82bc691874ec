/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - the marker instructions plugin/vpb-profile.c counts between.
 *
 * Each marker is one 8-byte NOP, 0f 1f 84 00 + a 32-bit magic displacement
 * (nopl disp32(%rax,%rax,1)): harmless everywhere, one guest instruction
 * under icount, recognised by its bytes by the plugin. The timing loop
 * (runner.c time_batches) executes START after its first clock read and
 * STOP before its second in every run, profiled or not: the two markers are
 * 2 instructions of each timed batch. SEGMENT (one per measured case) and
 * the ROLE markers run outside the timed region. Elsewhere than x86-64 they
 * are empty.
 */
#ifndef VPB_PROFILE_H
#define VPB_PROFILE_H

#define VPB_MARK_START	      0x56504201
#define VPB_MARK_STOP	      0x56504202
#define VPB_MARK_SEGMENT      0x56504203
#define VPB_MARK_ROLE_NULL    0x56504210
#define VPB_MARK_ROLE_OP      0x56504211
#define VPB_MARK_ROLE_CONTROL 0x56504212

#define VPB_STR_(x) #x
#define VPB_STR(x)  VPB_STR_(x)
#if defined(__x86_64__)
#define VPB_MARK(m)                                                                                \
	__asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long " VPB_STR(m)::: "memory")
#else
#define VPB_MARK(m) __asm__ volatile("" ::: "memory")
#endif

#endif

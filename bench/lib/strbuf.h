/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strbuf.h - a growing string: text built piece by piece (captions, word
 * lists, table cells) without counting what is left of a fixed buffer.
 */
#ifndef VPB_STRBUF_H
#define VPB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/**
 * struct strbuf - a NUL-terminated string that grows as needed.
 * @s: the text (NULL until something is added: read it with sb_str())
 * @len: its length
 * @cap: bytes allocated
 *
 * Zero-initialise (STRBUF_INIT), add, read, then sb_release(). Running out
 * of memory aborts: the pieces are small, and a caption cut short would be
 * wrong without saying so.
 */
struct strbuf {
	char *s;
	size_t len, cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/** sb_printf() - append printf-formatted text. */
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** sb_vprintf() - append printf-formatted text from a va_list. */
void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap);

/** sb_puts() - append @s (NULL appends nothing). */
void sb_puts(struct strbuf *b, const char *s);

/** sb_word() - append @w, after a space unless @b is empty: a word list. */
void sb_word(struct strbuf *b, const char *w);

/** sb_str() - the text; "" when nothing was added. Valid until the next change. */
const char *sb_str(const struct strbuf *b);

/** sb_reset() - empty @b, keeping its memory. */
void sb_reset(struct strbuf *b);

/** sb_release() - free @b's memory; @b is empty and reusable. */
void sb_release(struct strbuf *b);

#endif

// SPDX-License-Identifier: GPL-2.0
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for @more bytes and the NUL. */
static void grow(struct strbuf *b, size_t more)
{
	size_t need = b->len + more + 1, cap = b->cap ? b->cap : 64;
	char *s;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		fprintf(stderr, "vfio-pm-bench: out of memory\n");
		abort();
	}
	b->s = s;
	b->cap = cap;
}

void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0) {
		grow(b, 0);
		b->s[b->len] = '\0';
		return;
	}
	grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_puts(struct strbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	grow(b, n);
	memcpy(b->s + b->len, s ? s : "", n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_word(struct strbuf *b, const char *w)
{
	if (b->len)
		sb_puts(b, " ");
	sb_puts(b, w);
}

const char *sb_str(const struct strbuf *b)
{
	return b->s ? b->s : "";
}

void sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_release(struct strbuf *b)
{
	free(b->s);
	*b = (struct strbuf)STRBUF_INIT;
}

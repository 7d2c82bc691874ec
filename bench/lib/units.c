// SPDX-License-Identifier: GPL-2.0
/*
 * units.c - parsing and printing of units; the rules are in units.h.
 */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit duration_units[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"\xc2\xb5s", 1000ULL}, /* µs */
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	{"m", 60000000000ULL},
	{"min", 60000000000ULL},
	{"h", 3600000000000ULL},
};

static const struct unit count_units[] = {
	{"", 1ULL},	   {"k", 1000ULL},	 {"K", 1000ULL},
	{"M", 1000000ULL}, {"G", 1000000000ULL}, {"T", 1000000000000ULL},
};

/* Units for printing, ascending; each is 1000 times the one before. */
static const struct unit print_units[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
};

#define MAX_FRAC_DIGITS	   18
#define MAX_PRINT_DECIMALS 6

/* A parsed [0-9]+(.[0-9]+)? number. */
struct decimal {
	uint64_t ipart;	   /* integer part */
	bool ioverflow;	   /* integer part above UINT64_MAX */
	uint64_t frac;	   /* first fdigits fractional digits, as an integer */
	unsigned fdigits;  /* <= MAX_FRAC_DIGITS */
	bool frac_dropped; /* non-zero digits beyond MAX_FRAC_DIGITS */
};

static uint64_t pow10_u64(unsigned e)
{
	uint64_t r = 1;

	while (e--)
		r *= 10;
	return r;
}

/*
 * Trim surrounding whitespace: returns the start and sets *end past the
 * last non-space character; NULL when nothing is left.
 */
static const char *trim(const char *s, const char **end)
{
	const char *e;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e == s)
		return NULL;
	*end = e;
	return s;
}

/* Parse digits at *p; advances *p. Returns false when there is none. */
static bool parse_decimal(const char **p, const char *end, bool allow_frac, struct decimal *d)
{
	const char *s = *p;

	memset(d, 0, sizeof(*d));
	if (s == end || !isdigit((unsigned char)*s))
		return false;
	for (; s < end && isdigit((unsigned char)*s); s++) {
		unsigned digit = (unsigned)(*s - '0');

		if (__builtin_mul_overflow(d->ipart, 10, &d->ipart) ||
		    __builtin_add_overflow(d->ipart, digit, &d->ipart))
			d->ioverflow = true;
	}
	if (allow_frac && s < end && *s == '.') {
		s++;
		if (s == end || !isdigit((unsigned char)*s))
			return false;
		for (; s < end && isdigit((unsigned char)*s); s++) {
			if (d->fdigits < MAX_FRAC_DIGITS) {
				d->frac = d->frac * 10 + (uint64_t)(*s - '0');
				d->fdigits++;
			} else if (*s != '0') {
				d->frac_dropped = true;
			}
		}
	}
	*p = s;
	return true;
}

static const struct unit *find_unit(const struct unit *tab, size_t n, const char *s,
				    const char *end)
{
	size_t i, len = (size_t)(end - s);

	for (i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && !memcmp(tab[i].name, s, len))
			return &tab[i];
	return NULL;
}

/*
 * value = d * mult. exact: the fraction must come out whole (-EINVAL if
 * not); otherwise it is rounded to nearest, half up.
 */
static int scale(const struct decimal *d, uint64_t mult, bool exact, uint64_t *out)
{
	unsigned __int128 f, den = pow10_u64(d->fdigits);
	uint64_t v, fpart;

	f = (unsigned __int128)d->frac * mult;
	if (exact && (f % den || d->frac_dropped))
		return -EINVAL;
	fpart = (uint64_t)((2 * f + den) / (2 * den));
	if (d->ioverflow || __builtin_mul_overflow(d->ipart, mult, &v) ||
	    __builtin_add_overflow(v, fpart, &v))
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_with_units(const char *str, const struct unit *tab, size_t ntab, bool exact,
			    uint64_t *out)
{
	const char *s, *end, *p;
	const struct unit *u;
	struct decimal d;

	s = trim(str, &end);
	if (!s || !out)
		return -EINVAL;
	p = s;
	if (!parse_decimal(&p, end, true, &d))
		return -EINVAL;
	u = find_unit(tab, ntab, p, end);
	if (!u)
		return -EINVAL;
	return scale(&d, u->mult, exact, out);
}

int units_parse_duration_ns(const char *s, uint64_t *ns)
{
	return parse_with_units(s, duration_units,
				sizeof(duration_units) / sizeof(duration_units[0]), false, ns);
}

int units_parse_count(const char *s, uint64_t *n)
{
	return parse_with_units(s, count_units, sizeof(count_units) / sizeof(count_units[0]), true,
				n);
}

int units_parse_u64(const char *str, uint64_t *n)
{
	const char *s, *end, *p;
	struct decimal d;

	s = trim(str, &end);
	if (!s || !n)
		return -EINVAL;
	p = s;
	if (!parse_decimal(&p, end, false, &d) || p != end)
		return -EINVAL;
	if (d.ioverflow)
		return -ERANGE;
	*n = d.ipart;
	return 0;
}

int units_parse_double(const char *str, double *out)
{
	const char *s, *end, *p;
	size_t mant = 0;
	char *ep;
	double v;
	int ret = 0;

	s = trim(str, &end);
	if (!s || !out)
		return -EINVAL;
	/* Check the grammar ourselves: strtod also takes hex, inf, nan. */
	p = s;
	if (*p == '+' || *p == '-')
		p++;
	for (; p < end && isdigit((unsigned char)*p); p++)
		mant++;
	if (p < end && *p == '.')
		for (p++; p < end && isdigit((unsigned char)*p); p++)
			mant++;
	if (!mant)
		return -EINVAL;
	if (p < end && (*p == 'e' || *p == 'E')) {
		size_t edigits = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		for (; p < end && isdigit((unsigned char)*p); p++)
			edigits++;
		if (!edigits)
			return -EINVAL;
	}
	if (p != end)
		return -EINVAL;

	/* strtod() stops exactly at end: the grammar above is a subset of its own. */
	errno = 0;
	v = strtod(s, &ep);
	if (ep != end)
		ret = -EINVAL; /* cannot happen after the check above */
	else if (errno == ERANGE && isinf(v))
		ret = -ERANGE;
	else
		*out = v;
	return ret;
}

void units_format_ns(double ns, char *buf, size_t len)
{
	size_t nu = sizeof(print_units) / sizeof(print_units[0]), i = 0;
	double mag = fabs(ns), v = 0.0;
	int e = 0, decimals;

	if (!buf || len == 0)
		return;
	if (isnan(ns)) {
		snprintf(buf, len, "nan");
		return;
	}
	if (isinf(ns)) {
		snprintf(buf, len, "%s", ns < 0 ? "-inf" : "inf");
		return;
	}
	if (mag == 0.0) {
		snprintf(buf, len, "0ns");
		return;
	}
	for (;;) {
		double step;

		v = mag / (double)print_units[i].mult;
		/* Round to 4 significant digits, then check the magnitude. */
		e = (int)floor(log10(v));
		step = pow(10.0, e - 3);
		v = round(v / step) * step;
		if (v >= pow(10.0, e + 1))
			e++;
		if (v < 1000.0 || i + 1 == nu)
			break;
		i++;
	}
	decimals = 3 - e;
	if (decimals < 0)
		decimals = 0;
	if (decimals > MAX_PRINT_DECIMALS)
		decimals = MAX_PRINT_DECIMALS;
	if (v >= 1e4) { /* only seconds get here: keep 4 digits, short */
		snprintf(buf, len, "%s%.3e%s", ns < 0 ? "-" : "", v, print_units[i].name);
		return;
	}
	snprintf(buf, len, "%s%.*f%s", ns < 0 ? "-" : "", decimals, v, print_units[i].name);
}

void units_format_duration(uint64_t ns, char *buf, size_t len)
{
	size_t i = sizeof(print_units) / sizeof(print_units[0]) - 1;

	while (i && ns % print_units[i].mult)
		i--;
	snprintf(buf, len, "%llu%s", (unsigned long long)(ns / print_units[i].mult),
		 print_units[i].name);
}

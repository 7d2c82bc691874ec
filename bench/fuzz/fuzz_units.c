// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_units.c - the unit parsers (bench/lib/units.c): durations, counts,
 * plain integers and decimals, from the command line and qualify specs.
 * Checks what units.h promises: a plain integer is also a count and a
 * number, and a duration printed by units_format_ns() reads back to within
 * its 4 significant digits.
 */
#include "fuzz.h"
#include "units.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), buf[32];
	uint64_t v, w;
	double d;

	if (!units_parse_duration_ns(s, &v)) {
		units_format_ns((double)v, buf, sizeof(buf));
		if ((double)v < 9999.5e9) { /* from 10000 s on, exponent notation */
			FUZZ_CHECK(!units_parse_duration_ns(buf, &w));
			FUZZ_CHECK(fabs((double)w - (double)v) <= 5e-4 * (double)v + 0.5);
		}
	}
	if (!units_parse_count(s, &v))
		FUZZ_CHECK(!units_parse_double(s, &d) || strpbrk(s, "kKMGT"));
	if (!units_parse_u64(s, &v)) {
		FUZZ_CHECK(!units_parse_count(s, &w) && w == v);
		FUZZ_CHECK(!units_parse_double(s, &d) && d == (double)v);
	}
	if (!units_parse_double(s, &d))
		FUZZ_CHECK(isfinite(d));
	free(s);
	return 0;
}

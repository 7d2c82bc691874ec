/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - parsing and printing of numbers with units, from tables.
 *
 * Common rules of the parsers:
 * - The whole string must be consumed. Leading and trailing whitespace
 *   (isspace) is ignored; whitespace anywhere else is an error ("10 ms" is
 *   rejected).
 * - No sign: "-1", "+1" are -EINVAL (only units_parse_double() takes one).
 * - Decimal digits only; no hex, octal, inf or nan.
 * - A value that does not fit is -ERANGE; anything malformed, the empty
 *   string and NULL are -EINVAL. On error *out is left untouched.
 * - The numbers of units_parse_duration_ns() and units_parse_count() are
 *   [0-9]+ optionally followed by "." [0-9]+ (a fraction), then the unit.
 */
#ifndef VPB_UNITS_H
#define VPB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/**
 * units_parse_duration_ns() - parse a duration into nanoseconds.
 * @s: e.g. "100ns", "2us", "10ms", "2s", "1.5s", "1m"
 * @ns: result
 *
 * Units (case-sensitive): ns, us (also "µs", UTF-8), ms, s, m or min
 * (minutes), h (hours). The unit is mandatory: a bare number such as "10"
 * is rejected with -EINVAL, because its unit would be a guess (and "0" is
 * no exception: write "0s"). A fraction is converted exactly and rounded
 * to the nearest nanosecond (half up): "1.5ns" is 2 ns.
 *
 * Return: 0; -EINVAL when malformed, no unit, unknown unit or negative;
 * -ERANGE when above UINT64_MAX ns (about 584 years).
 */
int units_parse_duration_ns(const char *s, uint64_t *ns);

/**
 * units_parse_count() - parse a count with an optional decimal multiplier.
 * @s: e.g. "1000", "20k", "1M", "1G", "1.5k"
 * @n: result
 *
 * Multipliers: k or K = 10^3, M = 10^6, G = 10^9, T = 10^12 (decimal, not
 * 2^10; "m" is not accepted). A fraction is allowed only when the result
 * is a whole number: "1.5k" is 1500, "1.0005k" and "1.5" are -EINVAL.
 *
 * Return: 0; -EINVAL when malformed, fractional or negative; -ERANGE when
 * above UINT64_MAX.
 */
int units_parse_count(const char *s, uint64_t *n);

/**
 * units_parse_u64() - parse a plain non-negative decimal integer.
 * @s: [0-9]+, with optional surrounding whitespace
 * @n: result
 *
 * Return: 0; -EINVAL when malformed; -ERANGE when above UINT64_MAX.
 */
int units_parse_u64(const char *s, uint64_t *n);

/**
 * units_parse_double() - parse a finite decimal floating-point number.
 * @s: [+-]? digits [. digits] [(e|E) [+-]? digits], at least one mantissa
 *     digit, with optional surrounding whitespace ("1.5", "-2", ".5",
 *     "1e-3")
 * @out: result
 *
 * Converted with strtod(), which follows LC_NUMERIC: the harness never
 * calls setlocale(), so the decimal point is ".". A value too small for a
 * double underflows to 0 (or a subnormal) and is accepted.
 *
 * Return: 0; -EINVAL when malformed (hex, inf and nan included); -ERANGE
 * when the magnitude overflows a double.
 */
int units_parse_double(const char *s, double *out);

/**
 * units_format_ns() - print a duration with a fitting unit.
 * @ns: duration in nanoseconds (negative for a negative shift)
 * @buf: output
 * @len: size of @buf; the text is truncated to fit (nothing when 0)
 *
 * Picks ns, us, ms or s so that the number is below 1000 (seconds
 * excepted), with 4 significant digits and no space, which
 * units_parse_duration_ns() reads back when non-negative:
 * 1234.6 -> "1.235us", 999.96 -> "1.000us", 0.5 -> "0.5000ns",
 * 0 -> "0ns", -2500000 -> "-2.500ms", NaN -> "nan", infinities -> "inf",
 * "-inf". At most 6 decimals, so below 0.001 ns fewer digits are
 * significant (1.234e-5 -> "0.000012ns"); from 10000 s on, exponent
 * notation ("1.500e+05s", not parseable). 24 bytes are always enough.
 */
void units_format_ns(double ns, char *buf, size_t len);

/**
 * units_format_duration() - print a whole number of nanoseconds exactly.
 * @ns: duration
 * @buf: output (24 bytes are always enough)
 * @len: size of @buf; the text is truncated to fit (nothing when 0)
 *
 * In the largest of s, ms, us and ns that divides @ns, so that
 * units_parse_duration_ns() reads back @ns: 50000000 -> "50ms",
 * 1500000000 -> "1500ms", 0 -> "0s".
 */
void units_format_duration(uint64_t ns, char *buf, size_t len);

#endif

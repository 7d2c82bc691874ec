// SPDX-License-Identifier: GPL-2.0
/*
 * test_units.c - unit tests of unit parsing and printing (bench/lib/units.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "common.h"
#include "units.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

struct u64_case {
	const char *s;
	int ret;
	uint64_t want; /* when ret == 0 */
};

static void check_u64(int (*fn)(const char *, uint64_t *), const struct u64_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v = SENTINEL;
		int ret = fn(c[i].s, &v);
		uint64_t want = c[i].ret ? SENTINEL : c[i].want;

		if (ret != c[i].ret || v != want) {
			print_error("\"%s\": ret %d value %llu, expected ret %d value %llu\n",
				    c[i].s ? c[i].s : "(null)", ret, (unsigned long long)v,
				    c[i].ret, (unsigned long long)want);
			fail();
		}
	}
}

static void test_duration(void **state)
{
	static const struct u64_case c[] = {
		{"100ns", 0, 100},
		{"2us", 0, 2000},
		{"2\xc2\xb5s", 0, 2000}, /* µs */
		{"10ms", 0, 10000000},
		{"2s", 0, 2000000000},
		{"1.5s", 0, 1500000000},
		{"1m", 0, 60000000000},
		{"1min", 0, 60000000000},
		{"2h", 0, 7200000000000},
		{"0s", 0, 0},
		{"0.25ms", 0, 250000},
		{"007us", 0, 7000},
		{"1.5ns", 0, 2}, /* rounded half up */
		{"1.4ns", 0, 1},
		{"0.0000000015s", 0, 2},
		{"1.0000000000000000000001s", 0, 1000000000}, /* digits past 18 */
		{" 10ms", 0, 10000000},
		{"10ms \t\n", 0, 10000000},
		{"18446744073709551615ns", 0, UINT64_MAX},
		{"18446744073s", 0, 18446744073000000000ULL},
		/* errors */
		{"10", -EINVAL, 0}, /* bare number: unit required */
		{"0", -EINVAL, 0},
		{"10 ms", -EINVAL, 0},
		{"-5ms", -EINVAL, 0},
		{"+5ms", -EINVAL, 0},
		{"", -EINVAL, 0},
		{"   ", -EINVAL, 0},
		{NULL, -EINVAL, 0},
		{"ms", -EINVAL, 0},
		{"10xs", -EINVAL, 0},
		{"10MS", -EINVAL, 0},
		{"10mss", -EINVAL, 0},
		{"1.s", -EINVAL, 0},
		{".5s", -EINVAL, 0},
		{"1..5s", -EINVAL, 0},
		{"1e3ns", -EINVAL, 0},
		{"0x10ms", -EINVAL, 0},
		{"10ms10", -EINVAL, 0},
		{"inf s", -EINVAL, 0},
		{"18446744073709551616ns", -ERANGE, 0},
		{"18446744074s", -ERANGE, 0},
		{"99999999999999999999999h", -ERANGE, 0},
		{"5124096h", -ERANGE, 0}, /* 1.8446745e19 ns */
	};

	(void)state;
	check_u64(units_parse_duration_ns, c, ARRAY_SIZE(c));
	assert_int_equal(units_parse_duration_ns("1s", NULL), -EINVAL);
}

static void test_count(void **state)
{
	static const struct u64_case c[] = {
		{"1000", 0, 1000},
		{"0", 0, 0},
		{"20k", 0, 20000},
		{"20K", 0, 20000},
		{"1M", 0, 1000000},
		{"1G", 0, 1000000000},
		{"3T", 0, 3000000000000},
		{"1.5k", 0, 1500},
		{"2.25M", 0, 2250000},
		{"1.0", 0, 1},
		{" 1k\n", 0, 1000},
		{"18446744073709551615", 0, UINT64_MAX},
		{"18446744073709551k", 0, 18446744073709551000ULL},
		/* errors */
		{"1.0005k", -EINVAL, 0}, /* 1000.5 is not a count */
		{"1.5", -EINVAL, 0},
		{"1.0000000000000000001T", -EINVAL, 0},
		{"1m", -EINVAL, 0},
		{"1Mi", -EINVAL, 0},
		{"1 k", -EINVAL, 0},
		{"-1", -EINVAL, 0},
		{"+1", -EINVAL, 0},
		{"", -EINVAL, 0},
		{NULL, -EINVAL, 0},
		{"k", -EINVAL, 0},
		{"abc", -EINVAL, 0},
		{"1e3", -EINVAL, 0},
		{"18446744073709551616", -ERANGE, 0},
		{"18446744073709552k", -ERANGE, 0},
		{"18446744073.709552G", -ERANGE, 0},
	};

	(void)state;
	check_u64(units_parse_count, c, ARRAY_SIZE(c));
}

static void test_u64(void **state)
{
	static const struct u64_case c[] = {
		{"0", 0, 0},
		{"42", 0, 42},
		{" 42 ", 0, 42},
		{"007", 0, 7},
		{"18446744073709551615", 0, UINT64_MAX},
		{"18446744073709551616", -ERANGE, 0},
		{"99999999999999999999999999", -ERANGE, 0},
		{"-1", -EINVAL, 0},
		{"+1", -EINVAL, 0},
		{"1.0", -EINVAL, 0},
		{"1k", -EINVAL, 0},
		{"0x10", -EINVAL, 0},
		{"4 2", -EINVAL, 0},
		{"", -EINVAL, 0},
		{" ", -EINVAL, 0},
		{NULL, -EINVAL, 0},
	};

	(void)state;
	check_u64(units_parse_u64, c, ARRAY_SIZE(c));
}

static void test_double(void **state)
{
	static const struct {
		const char *s;
		int ret;
		double want;
	} c[] = {
		{"1.5", 0, 1.5},       {"-2", 0, -2.0},	       {"+3", 0, 3.0},
		{".5", 0, 0.5},	       {"1.", 0, 1.0},	       {"1e-3", 0, 1e-3},
		{"2.5E+2", 0, 250.0},  {" 3 ", 0, 3.0},	       {"0", 0, 0.0},
		{"1e-999", 0, 0.0}, /* underflow: accepted as 0 */
		{"1e999", -ERANGE, 0}, {"-1e999", -ERANGE, 0}, {"inf", -EINVAL, 0},
		{"nan", -EINVAL, 0},   {"0x1p3", -EINVAL, 0},  {"", -EINVAL, 0},
		{NULL, -EINVAL, 0},    {".", -EINVAL, 0},      {"-", -EINVAL, 0},
		{"e5", -EINVAL, 0},    {"1e", -EINVAL, 0},     {"1e+", -EINVAL, 0},
		{"1.2.3", -EINVAL, 0}, {"1 2", -EINVAL, 0},    {"abc", -EINVAL, 0},
		{"5ms", -EINVAL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		double v = -12345.0;
		int ret = units_parse_double(c[i].s, &v);
		double want = c[i].ret ? -12345.0 : c[i].want;

		if (ret != c[i].ret || v != want) {
			print_error("\"%s\": ret %d value %g, expected ret %d value %g\n",
				    c[i].s ? c[i].s : "(null)", ret, v, c[i].ret, want);
			fail();
		}
	}
}

static void test_format(void **state)
{
	static const struct {
		double ns;
		const char *want;
	} c[] = {
		{0.0, "0ns"},
		{1.0, "1.000ns"},
		{12.34, "12.34ns"},
		{999.0, "999.0ns"},
		{999.96, "1.000us"}, /* rounding carries into the next unit */
		{1234.6, "1.235us"},
		{999999.0, "1.000ms"},
		{0.5, "0.5000ns"},
		{1.234e-5, "0.000012ns"},
		{-2500000.0, "-2.500ms"},
		{2e9, "2.000s"},
		{9999e9, "9999s"},
		{12340e9, "1.234e+04s"},
		{1.5e14, "1.500e+05s"},
		{NAN, "nan"},
		{INFINITY, "inf"},
		{-INFINITY, "-inf"},
	};
	char buf[24];
	size_t i;
	uint64_t ns;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		units_format_ns(c[i].ns, buf, sizeof(buf));
		if (strcmp(buf, c[i].want)) {
			print_error("%g: \"%s\", expected \"%s\"\n", c[i].ns, buf, c[i].want);
			fail();
		}
	}
	/* read back */
	units_format_ns(1234.6, buf, sizeof(buf));
	assert_int_equal(units_parse_duration_ns(buf, &ns), 0);
	assert_int_equal(ns, 1235);
	/* truncation and len 0 */
	units_format_ns(1.0, buf, 4);
	assert_string_equal(buf, "1.0");
	buf[0] = 'x';
	units_format_ns(1.0, buf, 0);
	assert_int_equal(buf[0], 'x');
	units_format_ns(1.0, NULL, 10);
}

static void test_format_duration(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} c[] = {
		{0, "0s"},
		{1, "1ns"},
		{1500, "1500ns"},
		{50000000, "50ms"},
		{1500000000, "1500ms"},
		{2000000000, "2s"},
		{UINT64_MAX, "18446744073709551615ns"},
		{18446744073000000000ull, "18446744073s"},
	};
	char buf[24];
	uint64_t ns;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		units_format_duration(c[i].ns, buf, sizeof(buf));
		assert_string_equal(buf, c[i].want);
		assert_int_equal(units_parse_duration_ns(buf, &ns), 0);
		assert_true(ns == c[i].ns);
	}
	units_format_duration(50000000, buf, 3);
	assert_string_equal(buf, "50");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration), cmocka_unit_test(test_count),
		cmocka_unit_test(test_u64),	 cmocka_unit_test(test_double),
		cmocka_unit_test(test_format),	 cmocka_unit_test(test_format_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests for bench/lib/pmu.c: software events count everywhere; hardware
 * events either count or fail with "counters unavailable". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pmu.h"

/* A short busy loop: a few milliseconds of CPU at most. */
static void spin(void)
{
	struct timespec a, b;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 2000000L);
	(void)x;
}

static void test_software(void **state)
{
	struct pmu_set *s = NULL;
	struct pmu_value v[4], w[4];
	char err[256];
	int ret;

	(void)state;
	ret = pmu_open(&s, pmu_software_events(), 0, err, sizeof(err));
	if (ret)
		fail_msg("%s", err);
	assert_int_equal(pmu_count(s), 2);
	assert_true(pmu_is_software(s));
	assert_string_equal(pmu_events(s), "perf::task-clock,perf::context-switches");

	/* disabled until enabled */
	spin();
	assert_int_equal(pmu_read(s, v, 4), 2);
	assert_int_equal(v[0].raw, 0);
	assert_int_equal(v[0].time_enabled, 0);
	assert_string_equal(v[0].name, "perf::task-clock");
	assert_string_equal(v[1].name, "perf::context-switches");

	assert_int_equal(pmu_enable(s), 0);
	spin();
	assert_int_equal(pmu_disable(s), 0);
	assert_int_equal(pmu_read(s, v, 4), 2);
	/* task-clock counts ns of CPU time: >= 1 ms of the 2 ms spin, and not more
	 * than the enabled time */
	assert_true(v[0].raw >= 1000000);
	assert_true(v[0].time_enabled > 0);
	assert_true(v[0].time_running <= v[0].time_enabled);
	assert_true(v[0].raw <= v[0].time_enabled);
	assert_true(v[0].scaled >= (double)v[0].raw);
	assert_true(v[0].multiplexed >= 0.0 && v[0].multiplexed < 100.0);
	if (v[0].time_running == v[0].time_enabled) {
		assert_true(v[0].scaled == (double)v[0].raw);
		assert_true(v[0].multiplexed == 0.0);
	}

	/* disabled: no more growth */
	spin();
	assert_int_equal(pmu_read(s, w, 4), 2);
	assert_int_equal(w[0].raw, v[0].raw);

	/* enabled again: grows */
	assert_int_equal(pmu_enable(s), 0);
	spin();
	assert_int_equal(pmu_read(s, w, 1), 1);
	assert_true(w[0].raw >= v[0].raw + 1000000);

	assert_int_equal(pmu_disable(s), 0);
	assert_int_equal(pmu_reset(s), 0);
	assert_int_equal(pmu_read(s, w, 4), 2);
	assert_int_equal(w[0].raw, 0);
	pmu_close(s);
	pmu_close(NULL);
}

static void test_unknown_event(void **state)
{
	struct pmu_set *s = (struct pmu_set *)0x1;
	char err[256];

	(void)state;
	assert_int_equal(pmu_open(&s, "perf::task-clock,no-such-event-xyz", 0, err, sizeof(err)),
			 -EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "unknown event 'no-such-event-xyz'"));
	assert_int_equal(pmu_open(&s, "", 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(pmu_open(&s, ",,", 0, err, sizeof(err)), -EINVAL);
}

static void test_hardware_or_unavailable(void **state)
{
	struct pmu_set *s = NULL;
	struct pmu_value v[2];
	char err[256];
	int ret;

	(void)state;
	ret = pmu_open(&s, pmu_default_events(), 0, err, sizeof(err));
	if (ret == 0) {
		assert_int_equal(pmu_count(s), 2);
		assert_false(pmu_is_software(s));
		assert_int_equal(pmu_enable(s), 0);
		spin();
		assert_int_equal(pmu_disable(s), 0);
		assert_int_equal(pmu_read(s, v, 2), 2);
		assert_true(v[0].raw > 0 || v[0].time_running == 0);
		pmu_close(s);
	} else {
		assert_null(s);
		assert_true(ret < 0);
		print_message("hardware events: %s\n", err);
		assert_true(strncmp(err, "counters unavailable: ", 22) == 0 ||
			    strncmp(err, "unknown event ", 14) == 0);
	}
}

static void test_open_default(void **state)
{
	struct pmu_set *s = NULL;
	char note[512];
	int ret;

	(void)state;
	ret = pmu_open_default(&s, 0, note, sizeof(note));
	if (ret)
		fail_msg("%s", note);
	if (pmu_is_software(s)) {
		assert_string_equal(pmu_events(s), pmu_software_events());
		assert_non_null(strstr(note, "; using software events perf::task-clock"));
	} else {
		assert_string_equal(pmu_events(s), pmu_default_events());
		assert_string_equal(note, "");
	}
	pmu_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_software),
		cmocka_unit_test(test_unknown_event),
		cmocka_unit_test(test_hardware_or_unavailable),
		cmocka_unit_test(test_open_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

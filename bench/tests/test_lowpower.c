// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bench/lib/lowpower.c on a fake sysfs tree: the state read,
 * and which waits a stop request (SIGINT/SIGTERM: struct vpb_env.stop) cuts short.
 * A low-power entry's wait stops at once; the wait after an exit does not,
 * so an interrupted run still sees its device back in D0 before it closes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "lowpower.h"
#include "sysfs.h"

#define BDF "0000:00:03.0"

static char root[PATH_MAX];
static volatile int stop; /* a run's stop request (struct vpb_env.stop) */

/* Replace a file whole (rename), as sysfs shows one value or the other. */
static void put(const char *attr, const char *text)
{
	char path[PATH_MAX * 2], tmp[PATH_MAX * 2 + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/" BDF "/%s", root, attr);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
}

static void set_state(const char *power, const char *runtime)
{
	put("power_state", power);
	put("power/runtime_status", runtime);
}

static int setup(void **state)
{
	char cmd[PATH_MAX * 2];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vpb-lp-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/sys/bus/pci/devices/" BDF "/power'", root);
	assert_int_equal(system(cmd), 0);
	sysfs_set_root(root);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	stop = 0;
	sysfs_set_root(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_is_active(void **state)
{
	char found[48] = "";

	(void)state;
	set_state("D3cold\n", "suspended\n");
	assert_int_equal(lp_is_active(BDF, found, sizeof(found)), 0);
	assert_string_equal(found, "D3cold/suspended");
	set_state("D0\n", "suspended\n"); /* on its way down: not active */
	assert_int_equal(lp_is_active(BDF, found, sizeof(found)), 0);
	assert_string_equal(found, "D0/suspended");
	set_state("D0\n", "active\n");
	assert_int_equal(lp_is_active(BDF, found, sizeof(found)), 1);
	assert_int_equal(lp_is_active("0000:00:09.0", found, sizeof(found)), -ENOENT);
}

static void *resume_later(void *arg)
{
	(void)arg;
	nanosleep(&(struct timespec){0, 30000000}, NULL);
	set_state("D0\n", "active\n");
	return NULL;
}

static void test_stop(void **state)
{
	char last[64] = "";
	uint64_t t0;
	pthread_t t;

	(void)state;
	set_state("D3cold\n", "suspended\n");
	stop = 1;
	/* Waiting for an entry: stops at once, with the state seen. */
	t0 = clock_mono_ns();
	assert_int_equal(
		lp_wait(BDF, "D0", "active", 5000000000ull, NULL, last, sizeof(last), &stop),
		-EINTR);
	assert_true(clock_mono_ns() - t0 < 1000000000ull);
	assert_string_equal(last, "D3cold/suspended");
	/* Waiting after an exit: the stop does not end it, the timeout does... */
	t0 = clock_mono_ns();
	assert_int_equal(lp_wait_active(BDF, 20000000ull, last, sizeof(last)), -ETIMEDOUT);
	assert_true(clock_mono_ns() - t0 >= 20000000ull);
	/* ...or the device coming back. */
	assert_int_equal(pthread_create(&t, NULL, resume_later, NULL), 0);
	assert_int_equal(lp_wait_active(BDF, 5000000000ull, last, sizeof(last)), 0);
	pthread_join(t, NULL);
	stop = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_active),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

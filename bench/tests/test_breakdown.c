// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bench/lib/breakdown.c: the function_graph parser on traces
 * captured in the QEMU guest (fixtures/ftrace/) and on small hand-written
 * ones, the remainder, and the tracer control on a fake tracefs tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breakdown.h"
#include "sysfs.h"

#define FTRACE VPB_FIXTURES "/ftrace"
#define EPS    1e-9

#define assert_near(a, b, eps)                                                                     \
	do {                                                                                       \
		double a_ = (a), b_ = (b), e_ = (eps);                                             \
		if (!(fabs(a_ - b_) <= e_)) {                                                      \
			print_error("%s = %.17g, expected %.17g +- %g\n", #a, a_, b_, e_);         \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* --- hand-written traces ------------------------------------------------------------ */

/*
 * A bridge exit, as the tracer prints it: the port's power-up with its ACPI
 * _ON, its restore and the d3cold_delay, then the endpoint's D3hot->D0,
 * restore and the vfio callback. Times in us.
 */
static const char bridge_trace[] =
	"# tracer: function_graph\n"
	"#\n"
	"#     TIME       CPU  DURATION                  FUNCTION CALLS\n"
	"#      |         |     |   |                     |   |   |   |\n"
	"  100.000010 |   0)               |  rpm_resume() {\n"
	"  100.000011 |   0)               |  /* rpm_resume: 0000:01:00.0 flags=4 cnt=1 dep=0 "
	"auto=1 p=0 irq=0 child=0 */\n"
	"  100.000020 |   0)               |    rpm_resume() {\n"
	"  100.000030 |   0)               |      pci_power_up() {\n"
	"  100.000040 |   0)               |        acpi_pci_set_power_state() {\n"
	"  100.000050 |   0) ! 400.500 us  |          acpi_device_set_power();\n"
	"  100.000460 |   0) ! 420.250 us  |        } /* acpi_pci_set_power_state */\n"
	"  100.000470 |   0) ! 440.000 us  |      } /* pci_power_up */\n"
	"  100.000480 |   0) + 12.125 us   |      pci_restore_state();\n"
	"  100.000500 |   0) @ 100500.0 us |      pci_bridge_wait_for_secondary_bus();\n"
	"  100.101010 |   1) @ 101000.0 us |    } /* rpm_resume */\n"
	"  100.101020 |   1)               |    pci_power_up() {\n"
	"  100.101030 |   1)   2.000 us    |      acpi_pci_set_power_state();\n"
	"  100.111030 |   1) # 10010.00 us |    } /* pci_power_up */\n"
	"  100.111040 |   1) + 20.000 us   |    pci_restore_state();\n"
	"  100.111070 |   1)               |    vfio_pci_core_runtime_resume [vfio_pci_core]() {\n"
	"  100.111100 |   1) + 30.500 us   |    } /* vfio_pci_core_runtime_resume [vfio_pci_core] "
	"*/\n"
	"  100.111200 |   1) $ 111190.0 us |  } /* rpm_resume */\n";

static void test_parse_nesting(void **state)
{
	struct bd_phases p;
	char why[128];

	(void)state;
	assert_int_equal(bd_parse(bridge_trace, 0, 0, "0000:01:00.0", &p, why, sizeof(why)), 0);
	/* platform_on: the port's 420.250 (its acpi_device_set_power nested) + 2.000 */
	assert_near(p.ms[BD_PLATFORM_ON], 0.42225, EPS);
	assert_near(p.ms[BD_D3COLD_WAIT], 100.5, EPS);
	/* d0: 440.000 - 420.250 + 10010.00 - 2.000 */
	assert_near(p.ms[BD_D0], 10.02775, EPS);
	assert_near(p.ms[BD_RESTORE], 0.032125, EPS);
	assert_near(p.ms[BD_DRIVER], 0.0305, EPS);
	assert_near(p.resume_ms, 111.19, EPS); /* the outer rpm_resume only */
	assert_int_equal(p.calls, 11);
	assert_int_equal(p.resumes, 1);
	assert_near(bd_sum_ms(&p), 0.42225 + 100.5 + 10.02775 + 0.032125 + 0.0305, EPS);
	/* another device's events are not counted */
	assert_int_equal(bd_parse(bridge_trace, 0, 0, "0000:00:07.0", &p, why, sizeof(why)), 0);
	assert_int_equal(p.resumes, 0);
}

static void test_parse_window(void **state)
{
	struct bd_phases p;
	char why[128];

	(void)state;
	/* the whole exit inside: as without a window */
	assert_int_equal(bd_parse(bridge_trace, 100000000000ull, 100200000000ull, NULL, &p, why,
				  sizeof(why)),
			 0);
	assert_near(p.ms[BD_D3COLD_WAIT], 100.5, EPS);
	assert_int_equal(p.calls, 11);
	/* the window after everything: nothing counted */
	assert_int_equal(bd_parse(bridge_trace, 101000000000ull, 102000000000ull, NULL, &p, why,
				  sizeof(why)),
			 0);
	assert_int_equal(p.calls, 0);
	assert_near(bd_sum_ms(&p), 0, EPS);
	/* a window that cuts the resume: the clocks disagree */
	assert_int_equal(bd_parse(bridge_trace, 100000000000ull, 100050000000ull, NULL, &p, why,
				  sizeof(why)),
			 -ERANGE);
	assert_non_null(strstr(why, "straddles"));
	/* 1 us of slack for the microsecond stamps: starts at 100.000010 */
	assert_int_equal(bd_parse(bridge_trace, 100000010900ull, 100200000000ull, NULL, &p, why,
				  sizeof(why)),
			 0);
	assert_int_equal(bd_parse(bridge_trace, 100000011100ull, 100200000000ull, NULL, &p, why,
				  sizeof(why)),
			 -ERANGE);
}

static void test_parse_errors(void **state)
{
	struct bd_phases p;
	char why[128];

	(void)state;
	assert_int_equal(bd_parse("  1.000000 |   0) + 10.000 us   |  } /* pci_power_up */\n", 0, 0,
				  NULL, &p, why, sizeof(why)),
			 -EPROTO);
	assert_int_equal(bd_parse("  1.000000 |   0)               |  pci_power_up() {\n", 0, 0,
				  NULL, &p, why, sizeof(why)),
			 -EPROTO);
	assert_non_null(strstr(why, "pci_power_up"));
	assert_int_equal(bd_parse("  1.000000 |   0)               |  pci_power_up() {\n"
				  "  1.000100 |   0) + 99.000 us   |  } /* rpm_resume */\n",
				  0, 0, NULL, &p, why, sizeof(why)),
			 -EPROTO);
	assert_int_equal(bd_parse("CPU:0 [LOST 12 EVENTS]\n", 0, 0, NULL, &p, why, sizeof(why)),
			 -EOVERFLOW);
	/* no time stamps but a window asked for */
	assert_int_equal(bd_parse(" 0) + 10.000 us   |  pci_restore_state();\n", 1, 2, NULL, &p,
				  why, sizeof(why)),
			 -EPROTO);
	/* without a window, stamps are not needed; "N)" and marks are optional */
	assert_int_equal(bd_parse("   10.000 us   |  pci_restore_state();\n"
				  " 1) ! 250.5 us |  pci_restore_state();\n",
				  0, 0, NULL, &p, why, sizeof(why)),
			 0);
	assert_near(p.ms[BD_RESTORE], 0.2605, EPS);
	/*
	 * Found by fuzz_ftrace: a duration or a stamp too large for ns (UBSan:
	 * "2e+32 is outside the range of representable values") is not a
	 * graph line.
	 */
	assert_int_equal(bd_parse("  1.000000 |   0) 2e32 us |  pci_restore_state();\n"
				  "  99999999999.000000 |   0) 1.000 us |  pci_restore_state();\n"
				  "  1.000000 |   0) 1e13 us |  pci_restore_state();\n",
				  1, 100000000000ull, NULL, &p, why, sizeof(why)),
			 0);
	assert_int_equal(p.calls, 0);
	/* nothing traced */
	assert_int_equal(bd_parse("# tracer: function_graph\n", 0, 0, NULL, &p, why, sizeof(why)),
			 0);
	assert_int_equal(p.calls, 0);
}

static void test_remainder(void **state)
{
	struct bd_phases p = {.ms = {1.0, 100.0, 10.0, 0.5, 0.25}};
	double r;

	(void)state;
	assert_near(bd_sum_ms(&p), 111.75, EPS);
	assert_int_equal(bd_remainder_ms(&p, 115.0, &r), 0);
	assert_near(r, 3.25, EPS);
	/* within the tolerance (1e-4 of 111.74 ms = 11.2 us): 0 */
	assert_int_equal(bd_remainder_ms(&p, 111.74, &r), 0);
	assert_near(r, 0, EPS);
	assert_int_equal(bd_remainder_ms(&p, 111.7, &r), -ERANGE);
	assert_near(r, -0.05, 1e-9);
	assert_string_equal(bd_phase_column(BD_PLATFORM_ON), "platform_on_ms");
	assert_string_equal(bd_phase_column(BD_DRIVER), "driver_ms");
	assert_null(bd_phase_column(BD_NPHASES));
}

/* --- captured traces (fixtures/ftrace/README.md) ---------------------------------------- */

/* s.us of the trace's stamps, as ns */
#define TS(s, us) ((uint64_t)(s)*1000000000ull + (uint64_t)(us)*1000ull)

static void test_capture_bridge(void **state)
{
	char *text = slurp(FTRACE "/qemu-on0.txt"), why[128];
	struct bd_phases p;
	double rem;

	(void)state;
	/* the first timed exit of 0000:01:00.0: rpm_resume 29.105392, 114988.6 us */
	assert_int_equal(bd_parse(text, TS(29, 105000), TS(29, 220400), "0000:01:00.0", &p, why,
				  sizeof(why)),
			 0);
	/* the port's acpi_pci_set_power_state 23.590 + the endpoint's 3.215 */
	assert_near(p.ms[BD_PLATFORM_ON], 0.026805, EPS);
	/* the port's wait 102931.3 + the endpoint's (not a bridge) 0.722 */
	assert_near(p.ms[BD_D3COLD_WAIT], 102.932022, EPS);
	/* the port's 25.026 - 23.590, the endpoint's 11987.75 - 3.215 */
	assert_near(p.ms[BD_D0], 11.985971, EPS);
	assert_near(p.ms[BD_RESTORE], 0.014875, EPS); /* 8.657 + 6.218 */
	assert_near(p.ms[BD_DRIVER], 0.000736, EPS);
	assert_near(p.resume_ms, 114.9886, EPS);
	assert_int_equal(p.calls, 16);
	assert_int_equal(p.resumes, 2); /* the exit's, and the port's callback's */
	assert_int_equal(bd_remainder_ms(&p, 114993174 / 1e6, &rem), 0);
	assert_near(rem, 114.993174 - 114.960409, EPS);

	/* a window that cuts it */
	assert_int_equal(bd_parse(text, TS(29, 110000), TS(29, 300000), "0000:01:00.0", &p, why,
				  sizeof(why)),
			 -ERANGE);
	/* the whole capture nests */
	assert_int_equal(bd_parse(text, 0, 0, NULL, &p, why, sizeof(why)), 0);
	free(text);
}

static void test_capture_root(void **state)
{
	char *text = slurp(FTRACE "/qemu-on0.txt"), why[128];
	struct bd_phases p;
	double rem;

	(void)state;
	/* the first timed exit of 0000:00:03.0: rpm_resume 29.546206, 10173.68 us */
	assert_int_equal(bd_parse(text, TS(29, 546000), TS(29, 556400), "0000:00:03.0", &p, why,
				  sizeof(why)),
			 0);
	assert_near(p.ms[BD_PLATFORM_ON], 0.023348, EPS); /* its own power resource */
	assert_near(p.ms[BD_D3COLD_WAIT], 0.000722, EPS); /* no bridge: no wait */
	assert_near(p.ms[BD_D0], 10.131372, EPS);	  /* 10154.72 - 23.348 */
	assert_near(p.ms[BD_RESTORE], 0.006099, EPS);
	assert_near(p.ms[BD_DRIVER], 0.000736, EPS);
	assert_near(p.resume_ms, 10.17368, EPS);
	assert_int_equal(p.calls, 8);
	assert_int_equal(p.resumes, 1);
	assert_int_equal(bd_remainder_ms(&p, 10189585 / 1e6, &rem), 0);
	assert_near(rem, 10.189585 - 10.162277, EPS);
	/* the phases cannot exceed a shorter "exit" */
	assert_int_equal(bd_remainder_ms(&p, 10.0, &rem), -ERANGE);
	free(text);
}

/*
 * --acpi-on-delay-ms 20: the exits rise by ~24 ms (msleep(20) at HZ=250)
 * and the rise is in platform_on: the port's _ON for the bridge device,
 * the endpoint's own _ON on the root bus.
 */
static void test_capture_on20(void **state)
{
	char *text = slurp(FTRACE "/qemu-on20.txt"), why[128];
	struct bd_phases p;
	double rem;

	(void)state;
	/* 0000:01:00.0: rpm_resume 4.266131, 138249.1 us; measured 138253712 ns */
	assert_int_equal(
		bd_parse(text, TS(4, 266000), TS(4, 404400), "0000:01:00.0", &p, why, sizeof(why)),
		0);
	assert_near(p.ms[BD_PLATFORM_ON], 22.246385, EPS);  /* 22243.17 + 3.215 */
	assert_near(p.ms[BD_D3COLD_WAIT], 103.973622, EPS); /* 103972.9 + 0.722 */
	assert_near(p.ms[BD_D0], 11.985335, EPS); /* 22244.61 - 22243.17 + 11987.11 - 3.215 */
	assert_near(p.ms[BD_RESTORE], 0.014875, EPS);
	assert_near(p.ms[BD_DRIVER], 0.000736, EPS);
	assert_near(p.resume_ms, 138.2491, EPS);
	assert_int_equal(p.calls, 16);
	assert_int_equal(bd_remainder_ms(&p, 138253712 / 1e6, &rem), 0);
	assert_near(rem, 138.253712 - 138.220953, EPS);

	/* 0000:00:03.0: rpm_resume 4.778208, 34171.67 us; measured 34187144 ns */
	assert_int_equal(
		bd_parse(text, TS(4, 778000), TS(4, 812400), "0000:00:03.0", &p, why, sizeof(why)),
		0);
	assert_near(p.ms[BD_PLATFORM_ON], 22.16675, EPS);
	assert_near(p.ms[BD_D3COLD_WAIT], 0.000722, EPS);
	assert_near(p.ms[BD_D0], 11.98596, EPS); /* 34152.71 - 22166.75 */
	assert_near(p.ms[BD_RESTORE], 0.006099, EPS);
	assert_near(p.ms[BD_DRIVER], 0.000736, EPS);
	assert_near(p.resume_ms, 34.17167, EPS);
	assert_int_equal(p.calls, 8);
	assert_int_equal(p.resumes, 1);
	assert_int_equal(bd_remainder_ms(&p, 34187144 / 1e6, &rem), 0);
	assert_near(rem, 34.187144 - 34.160267, EPS);
	free(text);
}

/* --- the tracer on a fake tracefs -------------------------------------------------- */

static char tmpdir[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/kernel/tracing/%s", tmpdir, rel);
	for (char *s = path + strlen(tmpdir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", rel);
	assert_int_equal(sysfs_read_str(path, buf, len), 0);
}

static void fake_tracefs(const char *tracers, const char *funcs)
{
	static const char *const files[] = {
		"tracing_on",
		"current_tracer",
		"set_ftrace_filter",
		"set_ftrace_pid",
		"set_event_pid",
		"trace",
		"options/funcgraph-abstime",
		"options/funcgraph-duration",
		"options/funcgraph-tail",
		"options/funcgraph-proc",
		"options/sleep-time",
		"options/function-fork",
		"events/rpm/rpm_resume/filter",
		"events/rpm/rpm_resume/enable",
		"events/rpm/rpm_return_int/filter",
		"events/rpm/rpm_return_int/enable",
	};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vpb-bd-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(files[i], "");
	put("tracing_on", "1\n");
	put("current_tracer", "nop\n");
	put("options/funcgraph-tail", "0\n");
	put("available_tracers", tracers);
	put("trace_clock", "[local] global counter uptime perf mono mono_raw boot\n");
	put("available_filter_functions", funcs);
	sysfs_set_root(tmpdir);
}

static void rm_tree(void)
{
	char cmd[PATH_MAX + 16];

	sysfs_set_root(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static const char all_funcs[] = "rpm_resume\npci_power_up\nacpi_pci_set_power_state\n"
				"acpi_device_set_power\npci_bridge_wait_for_secondary_bus\n"
				"pci_restore_state\nvfio_pci_core_runtime_resume [vfio_pci_core]\n";

static void test_tracer_refusals(void **state)
{
	struct bd_tracer *t = (void *)1;
	char why[256], buf[64];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vpb-bd-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	sysfs_set_root(tmpdir);
	assert_int_equal(bd_tracer_setup(&t, "0000:00:03.0", "", 1, why, sizeof(why)), -ENOENT);
	assert_null(t);
	assert_int_equal(strncmp(why, "--breakdown: no tracefs", 23), 0);
	rm_tree();

	fake_tracefs("blk function nop\n", all_funcs);
	assert_int_equal(bd_tracer_setup(&t, "0000:00:03.0", "", 1, why, sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "function_graph"));
	rm_tree();

	/* vfio_pci_core_runtime_resume missing (its module not loaded) */
	fake_tracefs("function_graph function nop\n",
		     "rpm_resume\npci_power_up\nacpi_pci_set_power_state\n"
		     "pci_bridge_wait_for_secondary_bus\npci_restore_state\n"
		     "vfio_pci_core_runtime_resume_x\n");
	assert_int_equal(bd_tracer_setup(&t, "0000:00:03.0", "", 1, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "--breakdown: vfio_pci_core_runtime_resume cannot be traced"));
	/* what it changed is undone */
	get("current_tracer", buf, sizeof(buf));
	assert_string_equal(buf, "nop");
	get("tracing_on", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	rm_tree();
}

static void test_tracer_setup(void **state)
{
	struct bd_tracer *t = NULL;
	char why[256], buf[128], *text = NULL;

	(void)state;
	fake_tracefs("function_graph function nop\n", all_funcs);
	assert_int_equal(
		bd_tracer_setup(&t, "0000:01:00.0", "0000:00:07.0", 4242, why, sizeof(why)), 0);
	assert_non_null(t);
	get("current_tracer", buf, sizeof(buf));
	assert_string_equal(buf, "function_graph");
	get("set_ftrace_pid", buf, sizeof(buf));
	assert_string_equal(buf, "4242");
	get("set_event_pid", buf, sizeof(buf));
	assert_string_equal(buf, "4242");
	get("trace_clock", buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "mono_raw", 8), 0);
	get("options/funcgraph-tail", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	get("options/funcgraph-abstime", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	get("tracing_on", buf, sizeof(buf));
	assert_string_equal(buf, "0");
	get("events/rpm/rpm_resume/filter", buf, sizeof(buf));
	assert_string_equal(buf, "name == \"0000:01:00.0\" || name == \"0000:00:07.0\"");
	get("events/rpm/rpm_return_int/enable", buf, sizeof(buf));
	assert_string_equal(buf, "1");

	put("trace", "old text\n");
	assert_int_equal(bd_tracer_start(t), 0);
	get("tracing_on", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	assert_int_equal(sysfs_read_str("/sys/kernel/tracing/trace", buf, sizeof(buf)), 0);
	assert_string_equal(buf, ""); /* cleared */
	put("trace", bridge_trace);
	assert_int_equal(bd_tracer_stop(t, &text), (ssize_t)strlen(bridge_trace));
	assert_string_equal(text, bridge_trace);
	free(text);
	get("tracing_on", buf, sizeof(buf));
	assert_string_equal(buf, "0");

	bd_tracer_release(t);
	/* a regular file is overwritten from its start, not replaced: prefixes */
	get("current_tracer", buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "nop", 3), 0);
	get("trace_clock", buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "local", 5), 0);
	get("tracing_on", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	get("set_ftrace_pid", buf, sizeof(buf));
	assert_string_equal(buf, "");
	get("options/funcgraph-tail", buf, sizeof(buf));
	assert_string_equal(buf, "0");
	get("events/rpm/rpm_resume/enable", buf, sizeof(buf));
	assert_string_equal(buf, "0");
	bd_tracer_release(NULL);
	rm_tree();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_nesting),  cmocka_unit_test(test_parse_window),
		cmocka_unit_test(test_parse_errors),   cmocka_unit_test(test_remainder),
		cmocka_unit_test(test_capture_bridge), cmocka_unit_test(test_capture_root),
		cmocka_unit_test(test_capture_on20),   cmocka_unit_test(test_tracer_refusals),
		cmocka_unit_test(test_tracer_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* Tests of kmsg.c: record parsing and which kernel lines are splats. */
#include "kmsg.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_text(void **state)
{
	(void)state;
	assert_string_equal(kmsg_text("4,1234,5678901,-;WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2"),
			    "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2");
	/* a ';' inside the message is the message's own */
	assert_string_equal(kmsg_text("6,1,2,c;a; b"), "a; b");
	assert_string_equal(kmsg_text(" SUBSYSTEM=pci"), " SUBSYSTEM=pci");
}

static void test_splat(void **state)
{
	(void)state;
	/* The first lines of real reports (Documentation/locking, dev-tools). */
	assert_string_equal(kmsg_splat("WARNING: possible circular locking dependency detected"),
			    "lockdep");
	assert_string_equal(kmsg_splat("WARNING: inconsistent lock state"), "lockdep");
	assert_string_equal(kmsg_splat("WARNING: suspicious RCU usage"), "lockdep");
	assert_string_equal(kmsg_splat("DEBUG_LOCKS_WARN_ON(1)"), "lockdep");
	assert_string_equal(kmsg_splat("BUG: KASAN: slab-use-after-free in vfio_pci_core_read+0x1"),
			    "kasan");
	assert_string_equal(kmsg_splat("UBSAN: shift-out-of-bounds in drivers/vfio/vfio_main.c:9"),
			    "ubsan");
	assert_string_equal(
		kmsg_splat("BUG: sleeping function called from invalid context at mutex.c:283"),
		"atomic-sleep");
	assert_string_equal(kmsg_splat("ODEBUG: free active (active state 0) object: x"),
			    "debugobjects");
	assert_string_equal(kmsg_splat("INFO: task vfio-pm-bench:93 blocked for more than 120 s"),
			    "hung-task");
	assert_string_equal(kmsg_splat("WARNING: CPU: 0 PID: 93 at drivers/base/power/runtime.c:1"),
			    "warn");
	assert_string_equal(kmsg_splat("BUG: unable to handle page fault for address: 0"), "bug");
	assert_string_equal(kmsg_splat("Oops: 0000 [#1] PREEMPT SMP KASAN"), "oops");
	/* Ordinary lines of a run. */
	assert_null(kmsg_splat("vfio-pci 0000:00:03.0: vfio_ecap_init: hiding ecap 0x1@0x100"));
	assert_null(kmsg_splat("ACPI: \\_SB_.PRTE: New power resource"));
	assert_null(kmsg_splat(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_splat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

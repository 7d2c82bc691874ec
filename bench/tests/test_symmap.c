// SPDX-License-Identifier: GPL-2.0
/*
 * test_symmap.c - guest addresses to function names (bench/lib/symmap.c)
 * on the fixture run's symbols (bench/tests/fixtures/profile-run/profile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "symmap.h"

#define DIR VPB_FIXTURES "/profile-run/profile/"

static void test_kernel(void **st)
{
	struct symmap m = {0};
	char why[256], buf[128];

	(void)st;
	assert_int_equal(symtab_load_kallsyms(&m.kernel, DIR "kallsyms.txt", why, sizeof(why)), 0);
	assert_int_equal(symtab_load_kallsyms(&m.modules, DIR "modules-a-r1.txt", why, sizeof(why)),
			 0);
	/* at a symbol, inside a function, at the last byte before the next */
	assert_string_equal(symmap_name(&m, 0xffffffff81001000ull, buf, sizeof(buf)),
			    "do_syscall_64");
	assert_string_equal(symmap_name(&m, 0xffffffff810010ffull, buf, sizeof(buf)),
			    "do_syscall_64");
	/* two names at one address: the first listed */
	assert_string_equal(symmap_name(&m, 0xffffffff81001100ull, buf, sizeof(buf)), "rpm_resume");
	assert_string_equal(symmap_name(&m, 0xffffffff81001120ull, buf, sizeof(buf)), "rpm_resume");
	/* a module's, with its name; the kernel's last symbol does not cover it */
	assert_string_equal(symmap_name(&m, 0xffffffffa0001010ull, buf, sizeof(buf)),
			    "vfio_ioctl [vfio]");
	assert_string_equal(symmap_name(&m, 0xffffffffa0001810ull, buf, sizeof(buf)),
			    "vfio_other [vfio]");
	/* below every symbol */
	assert_string_equal(symmap_name(&m, 0xffff800000000000ull, buf, sizeof(buf)),
			    "[unknown kernel]");
	assert_null(symtab_find(&m.kernel, 0xffffffff80ffffffull));
	symmap_free(&m);
}

static void test_user(void **st)
{
	struct symmap m = {0};
	char why[256], buf[128];

	(void)st;
	assert_int_equal(
		symmap_load_user(&m, DIR "maps.txt", DIR "user-symbols.tsv", why, sizeof(why)), 0);
	assert_int_equal(m.nmaps, 2); /* the executable file mappings only */
	assert_string_equal(symmap_name(&m, 0x555555556010ull, buf, sizeof(buf)),
			    "time_batches [vfio-pm-bench]");
	assert_string_equal(symmap_name(&m, 0x555555556110ull, buf, sizeof(buf)),
			    "op_get_info [vfio-pm-bench]");
	assert_string_equal(symmap_name(&m, 0x7ffff7c28010ull, buf, sizeof(buf)),
			    "ioctl [libc.so.6]");
	/* a non-executable mapping, the vdso, nothing */
	assert_string_equal(symmap_name(&m, 0x555555554010ull, buf, sizeof(buf)), "[unknown user]");
	assert_string_equal(symmap_name(&m, 0x7ffff7fc1000ull, buf, sizeof(buf)), "[unknown user]");
	assert_string_equal(symmap_name(&m, 0x1000ull, buf, sizeof(buf)), "[unknown user]");
	symmap_free(&m);
}

static void test_bad(void **st)
{
	struct symmap m = {0};
	char why[256] = "";

	(void)st;
	assert_int_equal(symtab_load_kallsyms(&m.kernel, DIR "nonexistent", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "nonexistent"));
	/* a user-symbols file is not a maps file */
	assert_int_equal(symmap_load_user(&m, DIR "user-symbols.tsv", DIR "user-symbols.tsv", why,
					  sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "not a maps line"));
	symmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

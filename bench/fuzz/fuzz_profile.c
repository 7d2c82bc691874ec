// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_profile.c - the files of a profiled run as `vfio-pm-bench profile`
 * reads them (bench/cmd/profile.c, bench/lib/symmap.c): the first byte of
 * the input chooses the file (the plugin's counts, segments.tsv, the
 * kernel's or the modules' kallsyms, maps, the user-space symbols,
 * summary.json), the rest is its content; the others are those of the
 * fixture run (bench/tests/fixtures/profile-run). The command must end
 * with 0 or with 2 (the run cannot be read), never crash. Seeds: the
 * fixture's files.
 */
#include "fuzz.h"
#include "cmd/cmd.h"

static const char *const files[] = {
	"profile/plugin.txt",	"profile/segments.tsv",
	"profile/kallsyms.txt", "profile/modules-a-r1.txt",
	"profile/maps.txt",	"profile/user-symbols.tsv",
	"summary.json",
};

#define FIXTURE VPB_FIXTURES "/profile-run/"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the command prints its tables: not into the fuzzer's output */
	FUZZ_CHECK(freopen("/dev/null", "w", stdout));
	fuzz_link(FIXTURE "profile/modules-b-r1.txt", "run/profile/modules-b-r1.txt");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[PATH_MAX], name[PATH_MAX], dir[PATH_MAX];
	char *argv[] = {"profile", dir, "--compare", "a,b", NULL};
	size_t pick;
	int ret;

	if (!size)
		return 0;
	pick = data[0] % (sizeof(files) / sizeof(files[0]));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "run/%s", files[i]);
		if (i == pick) {
			fuzz_write(name, data + 1, size - 1, buf);
		} else {
			snprintf(buf, sizeof(buf), FIXTURE "%s", files[i]);
			fuzz_link(buf, name);
		}
	}
	fuzz_path("run/x", dir);
	dir[strlen(dir) - 2] = '\0';
	ret = cmd_profile(4, argv);
	FUZZ_CHECK(ret == 0 || ret == 2);
	return 0;
}

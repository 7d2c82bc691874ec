// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_qualify.c - qualification specs (qualify_parse(), bench/cmd/qualify.c)
 * and their rules judged against a fixture run (qualify_eval()).
 */
#include "fuzz.h"
#include "resultset.h"

static struct rs_run run;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(!rs_load(VPB_FIXTURES "/runs/qemu-q35-tcg-icount/20261125T014317Z-vm", &run));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[PATH_MAX];
	json_t *lines, *out = NULL;
	int ret;

	if (qualify_parse(fuzz_write("spec", data, size, p), &lines))
		return 0;
	FUZZ_CHECK(json_array_size(lines) > 0);
	ret = qualify_eval(&run, lines, &out);
	FUZZ_CHECK((ret == 0 || ret == 1) &&
		   json_array_size(json_object_get(out, "rules")) == json_array_size(lines));
	json_decref(out);
	json_decref(lines);
	return 0;
}

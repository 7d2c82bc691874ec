// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_platform.c - platform identities as stored (platform.json, run.json
 * platform_identity), as `report`, `qualify` and `compare` read them: the
 * slug (platform_slug(), bench/lib/platform.c), the flattened table
 * (rs_flatten()) and compare's list of differences with a fixture identity
 * (compare_runs() of two runs of different platforms, bench/cmd/compare.c).
 */
#include "fuzz.h"
#include "platform.h"
#include "resultset.h"

#include <ctype.h>

static json_t *fixture;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixture = json_load_file(VPB_FIXTURES "/runs/qemu-q35-tcg-icount/platform.json", 0, NULL);
	FUZZ_CHECK(fixture);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_run a = {.platform = "a"}, b = {.platform = "b"};
	struct compare_side sa = {.run = &a}, sb = {.run = &b};
	struct compare_opts o = {.threshold_pct = 1, .alpha = 0.01};
	char slug[128];
	json_t *id, *flat, *out = NULL;
	int ret;

	id = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!id)
		return 0;
	ret = platform_slug(id, slug, sizeof(slug));
	FUZZ_CHECK(json_is_object(id) ? !ret || ret == -ENOSPC : ret == -EINVAL);
	if (!ret) {
		for (const char *c = slug; *c; c++)
			FUZZ_CHECK(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
				   *c == '-');
		FUZZ_CHECK(slug[0] != '-' && (!slug[0] || slug[strlen(slug) - 1] != '-'));
	}
	flat = json_object();
	rs_flatten(id, "", flat);
	json_decref(flat);

	a.run = json_pack("{s:O}", "platform_identity", fixture);
	b.run = json_pack("{s:O}", "platform_identity", id);
	FUZZ_CHECK(compare_runs(&sa, &sb, &o, &out) == -EXDEV && !out);
	json_decref(a.run);
	json_decref(b.run);
	json_decref(id);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_raw.c - series.raw.json as `summarize` reads it, from a guest that
 * may have written anything (read_raw(), bench/lib/runner_raw.c). What it
 * accepts is written again (write_raw()) and read back the same: every
 * series, sample and run-level input. The parser allocates the samples a
 * series says it has, as the run that measured them did: inputs that ask
 * for more than a million in all are not read here. Seeds:
 * bench/fuzz/seeds/fuzz_raw.json (a deferred run of the null suite).
 */
#include "fuzz.h"
#include "runner.h"
#include "runner_int.h"

#include <math.h>

/* The samples @data asks for in all, or SIZE_MAX when it does not parse. */
static size_t asked(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, 0, NULL), *se;
	size_t i, n = 0;

	if (!j)
		return SIZE_MAX;
	json_array_foreach(json_object_get(j, "series"), i, se) {
		json_int_t k = json_integer_value(json_object_get(se, "n"));

		n += k > 0 ? (size_t)k : 0;
	}
	json_decref(j);
	return n;
}

static bool same(double x, double y)
{
	return !memcmp(&x, &y, sizeof(x)) || (isnan(x) && isnan(y));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX], why[512];
	struct raw_run a, b;

	if (asked(data, size) > 1000000)
		return 0;
	fuzz_write("in/" RUNNER_RAW_FILE, data, size, path);
	if (!read_raw(path, &a, why, sizeof(why))) {
		fuzz_path("out/x", path);
		snprintf(a.r.dir, sizeof(a.r.dir), "%s/out", fuzz_dir());
		FUZZ_CHECK(!write_raw(&a.r, a.variants, a.nvar));
		snprintf(path, sizeof(path), "%s/out/" RUNNER_RAW_FILE, fuzz_dir());
		FUZZ_CHECK(!read_raw(path, &b, why, sizeof(why)));
		FUZZ_CHECK(!strcmp(a.r.run_id, b.r.run_id) && a.nvar == b.nvar &&
			   a.o.rounds == b.o.rounds && a.o.seed == b.o.seed &&
			   json_equal(a.r.failed, b.r.failed) && a.r.nseries == b.r.nseries);
		for (size_t i = 0; i < a.r.nseries; i++) {
			const struct series *x = &a.r.series[i], *y = &b.r.series[i];

			FUZZ_CHECK(x->c == y->c && x->n == y->n && x->round == y->round &&
				   !strcmp(x->variant, y->variant) &&
				   same(x->overhead_ns, y->overhead_ns));
			for (size_t k = 0; k < x->n; k++) {
				FUZZ_CHECK(same(x->s[k].value, y->s[k].value) &&
					   x->s[k].valid == y->s[k].valid &&
					   !strcmp(x->s[k].why, y->s[k].why));
				for (size_t e = 0; e < VPB_MAX_EXTRA; e++)
					FUZZ_CHECK(same(x->s[k].extra[e], y->s[k].extra[e]));
			}
		}
		raw_run_free(&b);
	}
	raw_run_free(&a);
	return 0;
}

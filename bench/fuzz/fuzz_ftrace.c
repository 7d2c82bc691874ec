// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ftrace.c - function_graph traces read from tracefs (bd_parse(),
 * bench/lib/breakdown.c), without a window and with one, and the remainder
 * of an exit computed from the phases.
 */
#include "fuzz.h"
#include "breakdown.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), why[256];
	struct bd_phases p;
	double rem;

	if (!bd_parse(text, 0, 0, "0000:01:00.0", &p, why, sizeof(why))) {
		for (int i = 0; i < BD_NPHASES; i++)
			FUZZ_CHECK(!isnan(p.ms[i]));
		bd_remainder_ms(&p, 100.0, &rem);
	}
	bd_parse(text, 1000000000ull, 30000000000ull, NULL, &p, why, sizeof(why));
	free(text);
	return 0;
}

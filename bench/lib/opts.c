// SPDX-License-Identifier: GPL-2.0
#include "opts.h"

#include <string.h>

void opts_defaults(struct vpb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->reference = "no-get";
	o->rounds = 0; /* opts_rounds() */
	o->samples = 2000;
	o->batch = 16;
	o->warmup_ns = 50000000ull; /* 50 ms */
	o->clock = "auto";
	o->clock_label = "native";
	o->iommu = "auto";
	o->results = "results";
	o->cpu = -1;
	o->cycles = 10;
	o->state_timeout_ns = 2000000000ull; /* 2 s */
	o->jitter_ns = 20000000ull;	     /* 20 ms: 2 to 20 ticks at HZ 100 to 1000 */
	o->placement = "compact";
	o->duration_ns = 1000000000ull; /* 1 s */
	o->seed = 1;
}

unsigned int opts_rounds(const char *clock_label)
{
	return clock_label && !strcmp(clock_label, "icount") ? 2 : 8;
}

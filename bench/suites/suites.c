// SPDX-License-Identifier: GPL-2.0
#include "suite.h"

#include <string.h>

extern const struct vpb_suite suite_null, suite_ioctl, suite_d3cold, suite_contention;

const struct vpb_suite *const vpb_suites[] = {
	&suite_null, &suite_ioctl, &suite_d3cold, &suite_contention, NULL,
};

const struct vpb_suite *vpb_suite_find(const char *name)
{
	for (size_t i = 0; vpb_suites[i]; i++)
		if (!strcmp(vpb_suites[i]->name, name))
			return vpb_suites[i];
	return NULL;
}

const struct vpb_case *vpb_case_find(const struct vpb_suite *su, const char *name)
{
	for (size_t i = 0; su && i < su->ncases; i++)
		if (!strcmp(su->cases[i].name, name))
			return &su->cases[i];
	return NULL;
}

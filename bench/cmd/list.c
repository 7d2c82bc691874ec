// SPDX-License-Identifier: GPL-2.0
#include "cmd.h"
#include "common.h"
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cmd_join_argv(int argc, char **argv)
{
	size_t len = strlen("vfio-pm-bench") + 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		abort();
	strcpy(s, "vfio-pm-bench");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_list(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: vfio-pm-bench list\n\nLists every suite and its cases.\n");
		return VPB_EXIT_OK;
	}
	if (argc > 1) {
		vpb_err("list: unexpected argument '%s'", argv[1]);
		return VPB_EXIT_USAGE;
	}
	for (size_t i = 0; vpb_suites[i]; i++) {
		const struct vpb_suite *s = vpb_suites[i];

		printf("%s%s: %s\n", s->name, s->needs_device ? " (needs --device)" : "",
		       s->summary);
		for (size_t c = 0; c < s->ncases; c++)
			printf("  %-16s %s\n", s->cases[c].name, s->cases[c].help);
	}
	return VPB_EXIT_OK;
}

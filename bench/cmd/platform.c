// SPDX-License-Identifier: GPL-2.0
#include "cmd.h"
#include "common.h"
#include "pcidev.h"
#include "platform.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void platform_usage(FILE *f)
{
	fprintf(f, "usage: vfio-pm-bench platform [--device BDF] [--slug]\n\n"
		   "Prints this machine's identity as JSON (CPU, hwloc topology, kernel,\n"
		   "firmware, clock source, and the device's power-management facts), or\n"
		   "with --slug only the platform id results are stored under.\n");
}

int cmd_platform(int argc, char **argv)
{
	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'},
		{"slug", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char bdf[16] = "", err[256] = "", slug[128];
	bool only_slug = false;
	json_t *id;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (pcidev_normalize_bdf(optarg, bdf, sizeof(bdf))) {
				vpb_err("platform: '%s' is not a PCI address", optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'S':
			only_slug = true;
			break;
		case 'h':
			platform_usage(stdout);
			return VPB_EXIT_OK;
		default:
			platform_usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		vpb_err("platform: unexpected argument '%s'", argv[optind]);
		return VPB_EXIT_USAGE;
	}
	id = platform_identity(bdf[0] ? bdf : NULL, err, sizeof(err));
	if (!id) {
		vpb_err("platform: %s", err);
		return VPB_EXIT_FAIL;
	}
	if (only_slug) {
		if (platform_slug(id, slug, sizeof(slug))) {
			vpb_err("platform: cannot derive a slug");
			json_decref(id);
			return VPB_EXIT_FAIL;
		}
		printf("%s\n", slug);
	} else {
		json_dumpf(id, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(id);
	return VPB_EXIT_OK;
}

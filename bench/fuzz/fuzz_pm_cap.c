// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pm_cap.c - the PM capability in PCI config space
 * (pcidev_parse_pm_cap(), bench/lib/pcidev.c): the bytes of a device's sysfs
 * "config" file, up to 4096 of them.
 */
#include "fuzz.h"
#include "pcidev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcidev_info info;
	int ret;

	if (size > 4096)
		return 0;
	memset(&info, 0xa5, sizeof(info));
	ret = pcidev_parse_pm_cap(data, size, &info);
	FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ENODATA);
	if (info.has_pm_cap) {
		FUZZ_CHECK(!ret && info.pm_cap_offset >= 0x40 && info.pm_cap_offset + 6u <= size);
		FUZZ_CHECK(data[info.pm_cap_offset] == 0x01);
		FUZZ_CHECK(info.pmcsr_state >= 0 && info.pmcsr_state <= 3);
	} else {
		FUZZ_CHECK(info.pmcsr_state == -1 && !info.pmc && !info.pm_cap_offset);
	}
	return 0;
}

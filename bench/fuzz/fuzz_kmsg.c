// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kmsg.c - kernel log records as `run` reads them from /dev/kmsg after
 * a stress run (kmsg_scan(), bench/lib/kmsg.c): the input is up to 64
 * records separated by NUL bytes, each read whole from a SOCK_SEQPACKET
 * socket as from /dev/kmsg. The count of splats must be that of the records
 * kmsg_splat() recognizes, and the excerpt a string that fits.
 */
#include "fuzz.h"
#include "kmsg.h"

#include <sys/socket.h>

#define MAX_RECORDS 64	 /* the socket's buffer holds them all */
#define REC_MAX	    8191 /* what kmsg_scan() reads of a record */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rec[REC_MAX + 1];
	const uint8_t *p = data, *end = data + size;
	struct kmsg k;
	int sv[2], records = 0;
	unsigned int splats = 0;

	FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	while (p < end && records < MAX_RECORDS) {
		const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
		size_t n = (size_t)((nul ? nul : end) - p);

		if (n) { /* an empty message would read as the end */
			size_t kept = n < REC_MAX ? n : REC_MAX;

			FUZZ_CHECK(send(sv[0], p, n, 0) == (ssize_t)n);
			memcpy(rec, p, kept);
			rec[kept] = '\0';
			rec[strcspn(rec, "\n")] = '\0';
			splats += kmsg_splat(kmsg_text(rec)) != NULL;
			records++;
		}
		p += n + 1;
	}
	close(sv[0]);
	memset(&k, 0, sizeof(k));
	k.fd = sv[1];
	FUZZ_CHECK(kmsg_close(&k) == splats);
	FUZZ_CHECK(strnlen(k.excerpt, sizeof(k.excerpt)) < sizeof(k.excerpt));
	FUZZ_CHECK(k.fd == -1);
	return 0;
}

/* fuzz_truthfiles.c: the checks of the files truth resolution starts from,
 * truth_check_hints (root hints) and truth_check_anchor (trust anchors),
 * both on the same arbitrary file.  They take a path, so the input goes
 * into a memfd named by /proc/self/fd/N: no change to their interface and
 * no file system litter.  Checks: a success counts at least one address
 * or anchor, a failure says why.
 * Input: the file's bytes. */
#define _GNU_SOURCE
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "dnssec/truth_opts.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-truthfile", 0);
		expect(fd >= 0, "memfd_create");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	expect(ftruncate(fd, 0) == 0, "ftruncate");
	size_t off = 0;
	while (off < size) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
		expect(w > 0, "pwrite");
		off += (size_t)w;
	}
	char err[512];
	err[0] = '\0';
	int n = truth_check_hints(path, err, sizeof(err));
	expect(n > 0 || (n == -1 && err[0]), "hints: a count or a reason");
	err[0] = '\0';
	n = truth_check_anchor(path, err, sizeof(err));
	expect(n > 0 || (n == -1 && err[0]), "anchor: a count or a reason");
	return 0;
}

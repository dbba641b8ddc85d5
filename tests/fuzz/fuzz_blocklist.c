/* fuzz_blocklist.c: the blocklist reader (blocklist_parse) on an arbitrary
 * file; on success, every entry must contain its own prefix's first
 * address and blocklist_find must find something for it.
 * Input: the file's bytes (not NUL-terminated: the reader takes a
 * length). */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "scan/blocklist.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blocklist bl;
	char err[512];
	blocklist_init(&bl);
	/* An exact-size copy: the reader must not look past len. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	if (blocklist_parse(&bl, text, size, "fuzz", err, sizeof(err)) == 0) {
		for (size_t i = 0; i < bl.n; i++) {
			struct prefix a = bl.v[i].prefix;
			a.len = a.family == AF_INET ? 32 : 128;
			expect(blocklist_find(&bl, &a) != NULL,
				"an entry's first address is blocked");
		}
	} else {
		expect(memchr(err, '\0', sizeof(err)) &&
			(strncmp(err, "fuzz:", 5) == 0 ||
			strstr(err, "memory")), "errors name the file");
	}
	free(text);
	blocklist_clear(&bl);
	expect(bl.n == 0, "empty after clear");
	return 0;
}

/* fuzz_targets.c: the targets reader (targets_load_stream, lenient and
 * strict) on an arbitrary file, then targets_finalize against a fixed
 * blocklist and lookups at the ends and middle of the set.  Checks the
 * invariant targets.h promises: listed == count + duplicate + blocklisted.
 * Input: the file's bytes (the first byte's low bit also picks strict). */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan/targets.h"
#include "scan/blocklist.h"
#include "tests/fuzz/fuzz.h"

static const char blocked[] =
	"0.0.0.0/8 # RFC 1122\n"
	"10.0.0.0/8\t# RFC 1918\n"
	"192.0.2.0/24\n"
	"255.255.255.255/32\n"
	"2001:db8::/32 # RFC 3849\n"
	"::1\n";

static const struct blocklist *fixed_blocklist(void)
{
	static struct blocklist bl;
	static int done;
	char err[256];
	if (!done) {
		blocklist_init(&bl);
		expect(blocklist_parse(&bl, blocked, strlen(blocked),
			"fixture", err, sizeof(err)) == 0, "fixture blocklist");
		done = 1;
	}
	return &bl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)	/* fmemopen wants a buffer of at least one byte */
		return 0;
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	struct targets *t = targets_new();
	char err[512];
	if (!t) {
		fclose(in);
		return 0;
	}
	int rc = targets_load_stream(t, in, "fuzz", data[0] & 1, devnull(),
		err, sizeof(err));
	fclose(in);
	if (rc == 0 && targets_finalize(t, fixed_blocklist(), err,
	    sizeof(err)) == 0) {
		const struct targets_stats *st = targets_stats(t);
		uint64_t n = targets_count(t);
		expect(st->count == n, "stats count");
		expect(st->listed == st->count + st->duplicate +
			st->blocklisted, "listed == count + duplicate + blocked");
		expect(n == 0 || targets_nranges(t) > 0, "ranges for targets");
		struct prefix a;
		uint64_t probe[] = { 0, n / 2, n ? n - 1 : 0, n };
		for (size_t i = 0; i < 4; i++) {
			int got = targets_get(t, probe[i], &a);
			expect((got == 0) == (probe[i] < n), "get in range only");
			if (got == 0)
				expect(!blocklist_find(fixed_blocklist(), &a),
					"no blocklisted target");
		}
	}
	targets_free(t);
	return 0;
}

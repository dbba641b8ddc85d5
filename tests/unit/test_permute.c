/* test_permute.c: the cyclic permutation visits every target exactly once,
 * for any size, seed and shard split, and spreads neighbours apart. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "scan/permute.h"

/* Walk every shard of (n, seed, shards); count visits per index.  Returns
 * true when every index was visited exactly once, each shard's own visits
 * matched permute_shard_size, and no index was out of range. */
static bool covers(uint64_t n, uint64_t seed, unsigned shards)
{
	unsigned char *seen = calloc(n ? n : 1, 1);
	bool good = seen != NULL;
	char err[128];
	for (unsigned s = 0; good && s < shards; s++) {
		struct permute pm;
		uint64_t i, visits = 0;
		if (permute_init(&pm, n, seed, shards, s, err, sizeof(err)) < 0) {
			good = false;
			break;
		}
		uint64_t size = permute_shard_size(&pm);
		while (permute_next(&pm, &i)) {
			visits++;
			if (i >= n || seen[i]++) {
				good = false;
				break;
			}
		}
		if (visits != size)
			good = false;
	}
	for (uint64_t i = 0; good && i < n; i++)
		if (seen[i] != 1)
			good = false;
	free(seen);
	return good;
}

static bool order(uint64_t n, uint64_t seed, uint64_t *out, size_t max)
{
	struct permute pm;
	char err[128];
	size_t k = 0;
	if (permute_init(&pm, n, seed, 1, 0, err, sizeof(err)) < 0)
		return false;
	while (k < max && permute_next(&pm, &out[k]))
		k++;
	return true;
}

int main(void)
{
	static const uint64_t sizes[] = { 1, 2, 3, 4, 7, 97, 256, 1000, 65535,
		65536, 65537, 100003, 300007 };
	static const uint64_t seeds[] = { 0, 1, 42, 0xdeadbeefcafeULL };
	static const unsigned shardings[] = { 1, 2, 3, 7, 16 };
	char err[128];

	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++)
		for (size_t b = 0; b < sizeof(seeds) / sizeof(seeds[0]); b++) {
			bool all = true;
			for (size_t c = 0; c < sizeof(shardings) /
			     sizeof(shardings[0]); c++)
				all = all && covers(sizes[a], seeds[b],
					shardings[c]);
			ok(all, "n=%llu seed=%llu: every target once, shards "
				"1/2/3/7/16 partition it",
				(unsigned long long)sizes[a],
				(unsigned long long)seeds[b]);
		}
	ok(covers(5, 9, 64), "more shards than targets: still exact");

	/* A mix of ranges as targets_finalize produces: sizes that are not
	 * powers of two nor primes. */
	ok(covers(256 + 65536 + 3 + 1, 7, 5), "mixed-range total 65796");

	struct permute pm;
	uint64_t i;
	ok(permute_init(&pm, 0, 1, 1, 0, err, sizeof(err)) == 0 &&
		!permute_next(&pm, &i), "n=0 is an empty walk");
	ok(permute_init(&pm, 10, 1, 4, 4, err, sizeof(err)) < 0 &&
		strstr(err, "shard 4"), "shard >= shards rejected: %s", err);
	ok(permute_init(&pm, 10, 1, 0, 0, err, sizeof(err)) < 0,
		"zero shards rejected");
	ok(permute_init(&pm, PERMUTE_MAX + 1, 1, 1, 0, err,
		sizeof(err)) < 0, "n above PERMUTE_MAX rejected");
	ok(permute_init(&pm, 1000, 1, 1, 0, err, sizeof(err)) == 0 &&
		pm.prime == 1009, "prime is the smallest above n (1009)");

	/* Large n: the set-up (prime search, factoring p - 1) is quick and
	 * the first values are in range. */
	bool big = permute_init(&pm, (uint64_t)1 << 40, 3, 1, 0, err,
		sizeof(err)) == 0;
	for (int k = 0; big && k < 1000; k++)
		big = permute_next(&pm, &i) && i < ((uint64_t)1 << 40);
	ok(big, "n=2^40: initialises, indices in range (p=%llu)",
		(unsigned long long)pm.prime);

	/* Same seed, same order; another seed, another order. */
	uint64_t o1[64], o2[64], o3[64];
	order(65536, 5, o1, 64);
	order(65536, 5, o2, 64);
	order(65536, 6, o3, 64);
	ok(!memcmp(o1, o2, sizeof(o1)), "same seed gives the same order");
	ok(memcmp(o1, o3, sizeof(o1)) != 0, "another seed, another order");

	/* No burst: consecutive targets of a /16 seldom share a /24 (a
	 * sequential walk would do so 255 times in 256). */
	for (size_t b = 0; b < sizeof(seeds) / sizeof(seeds[0]); b++) {
		uint64_t prev = 0, same = 0, k = 0;
		permute_init(&pm, 65536, seeds[b], 1, 0, err, sizeof(err));
		while (permute_next(&pm, &i)) {
			if (k++ && (i >> 8) == (prev >> 8))
				same++;
			prev = i;
		}
		ok(same < 2000, "seed %llu: %llu of 65535 consecutive pairs "
			"share a /24", (unsigned long long)seeds[b],
			(unsigned long long)same);
	}
	return tap_done();
}

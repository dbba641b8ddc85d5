/* permute.h: the scan order, zmap's way (cyclic.c, shard.c): a walk
 * through the multiplicative group of integers modulo a prime p > n.  The
 * element x (1 <= x < p) stands for target x - 1; elements above n are
 * skipped.  A generator of the group and the starting element come from the
 * seed, so consecutive targets are far apart (no network gets a burst) and
 * the same seed gives the same order.
 *
 * Shards: the cycle x0, x0*g, x0*g^2, ... has p - 1 positions; shard i of
 * s takes positions i, i+s, i+2s, ... so the shards together visit every
 * target exactly once, whatever s.  Pure: no allocation, no I/O. */
#ifndef SCAN_PERMUTE_H
#define SCAN_PERMUTE_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** The largest n permute_init accepts (2^48, as TARGETS_TOTAL_MAX: p - 1
 * is factored by trial division, at most 2^24 steps). */
#define PERMUTE_MAX ((uint64_t)1 << 48)

/** A walk in progress.  Lives in the caller's struct; plain data. */
struct permute {
	uint64_t n;		/* targets: indices 0 .. n-1 */
	uint64_t prime;		/* p: the smallest prime above n */
	uint64_t generator;	/* g: a generator of the group mod p */
	uint64_t step;		/* g^shards mod p */
	uint64_t first;		/* this shard's first element */
	uint64_t cur;		/* the next element to look at */
	uint64_t positions;	/* cycle positions of this shard in all */
	uint64_t left;		/* cycle positions this shard has still to visit */
};

/** Start shard `shard` (0 <= shard < shards) of a walk over n targets
 * (1 <= n <= PERMUTE_MAX; n == 0 gives an empty walk) with the given seed.
 * Returns 0, or -1 with a reason in err for a bad shard or n. */
int permute_init(struct permute *pm, uint64_t n, uint64_t seed,
	unsigned shards, unsigned shard, char *err, size_t errlen);

/** The next target index of this shard into *index.  Returns false when
 * the shard is done.  Amortised O(p / n) steps per call (under 2 once the
 * prime gap is small; p < 2n always). */
bool permute_next(struct permute *pm, uint64_t *index);

/** How many targets this shard visits in all (computed by walking the
 * cycle; O(p / shards): for progress and tests, not the hot path). */
uint64_t permute_shard_size(const struct permute *pm);

#endif

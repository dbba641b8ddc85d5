/* ratelimit.h: the token bucket behind scan --rate.  Pure arithmetic on a
 * caller-supplied clock (nanoseconds), so tests drive it without sleeping. */
#ifndef SCAN_RATELIMIT_H
#define SCAN_RATELIMIT_H
#include <stdint.h>

/** A token bucket.  Tokens are kept in billionths so that any rate up to
 * about 10^9 per second is exact over any span: no drift accumulates. */
struct ratelimit {
	uint64_t rate;		/* tokens per second; 0 = unlimited */
	uint64_t burst_n;	/* bucket size in billionths of a token */
	uint64_t tokens_n;	/* current fill, billionths */
	uint64_t last_ns;	/* clock at the last refill */
};

/** Start a bucket that grants rate tokens per second with room for burst
 * tokens (burst 0: one hundredth of a second's worth, at least 1).  The
 * bucket starts with one token so the first send is not delayed. */
void ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
	uint64_t now_ns);

/** Take up to want tokens at time now_ns; returns how many were granted
 * (want when unlimited).  A clock that goes backwards grants nothing new. */
unsigned ratelimit_take(struct ratelimit *rl, uint64_t now_ns, unsigned want);

/** Nanoseconds from now_ns until one token is available (0 if one is, or
 * when unlimited). */
uint64_t ratelimit_wait_ns(const struct ratelimit *rl, uint64_t now_ns);

#endif

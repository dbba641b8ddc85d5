/* ratelimit.c: the token bucket (see ratelimit.h). */
#include "config.h"
#include "scan/ratelimit.h"

#define NANO 1000000000ull

void ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
	uint64_t now_ns)
{
	rl->rate = rate;
	if (burst == 0)
		burst = rate / 100 ? rate / 100 : 1;
	rl->burst_n = burst * NANO;
	rl->tokens_n = NANO;
	rl->last_ns = now_ns;
}

static void refill(struct ratelimit *rl, uint64_t now_ns)
{
	if (now_ns <= rl->last_ns)
		return;
	uint64_t elapsed = now_ns - rl->last_ns;
	/* Beyond a second of idleness the bucket is full anyway; capping the
	 * span keeps elapsed * rate far from overflow. */
	if (elapsed > NANO)
		elapsed = NANO;
	uint64_t add = elapsed * rl->rate;
	rl->tokens_n = rl->tokens_n + add > rl->burst_n ? rl->burst_n :
		rl->tokens_n + add;
	rl->last_ns = now_ns;
}

unsigned ratelimit_take(struct ratelimit *rl, uint64_t now_ns, unsigned want)
{
	if (rl->rate == 0)
		return want;
	refill(rl, now_ns);
	uint64_t have = rl->tokens_n / NANO;
	unsigned got = have < want ? (unsigned)have : want;
	rl->tokens_n -= (uint64_t)got * NANO;
	return got;
}

uint64_t ratelimit_wait_ns(const struct ratelimit *rl, uint64_t now_ns)
{
	if (rl->rate == 0)
		return 0;
	uint64_t tokens = rl->tokens_n;
	if (now_ns > rl->last_ns) {
		uint64_t elapsed = now_ns - rl->last_ns;
		if (elapsed > NANO)
			elapsed = NANO;
		tokens += elapsed * rl->rate;
	}
	if (tokens >= NANO)
		return 0;
	return (NANO - tokens + rl->rate - 1) / rl->rate;
}

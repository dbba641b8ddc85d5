/* test_ratelimit.c: the token bucket: grants match the rate over any span,
 * the burst caps idle accumulation, waits are exact. */
#include "config.h"
#include "scan/ratelimit.h"
#include "tests/tap.h"

#define MS 1000000ull
#define S 1000000000ull

int main(void)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 1000, 10, 0);
	ok(ratelimit_take(&rl, 0, 5) == 1, "starts with one token");
	ok(ratelimit_take(&rl, 0, 5) == 0, "then none at the same instant");
	ok(ratelimit_wait_ns(&rl, 0) == 1 * MS, "next token in 1 ms at 1000/s");
	ok(ratelimit_take(&rl, 3 * MS, 100) == 3, "3 ms later: 3 tokens");
	ok(ratelimit_take(&rl, 3 * MS + MS / 2, 100) == 0,
		"half a token is not a token");
	ok(ratelimit_wait_ns(&rl, 3 * MS + MS / 2) == MS / 2,
		"the half is remembered: wait 0.5 ms");
	ok(ratelimit_take(&rl, 4 * MS, 100) == 1, "and completes at 4 ms");
	ok(ratelimit_take(&rl, 10 * S, 100) == 10, "idle time capped by burst");

	/* Steady polling at an awkward interval for 5 s: total within one
	 * token of rate * time, no drift. */
	ratelimit_init(&rl, 3333, 0, 0);
	unsigned long long total = 0;
	uint64_t t;
	for (t = 0; t <= 5 * S; t += 777777)
		total += ratelimit_take(&rl, t, 1000000);
	unsigned long long expect = 3333ull * (t - 777777) / S + 1;
	ok(total + 1 >= expect && total <= expect + 1,
		"5 s at 3333/s polled every 0.78 ms: %llu (expected %llu)",
		total, expect);

	ratelimit_init(&rl, 100, 0, 0);
	ok(rl.burst_n == 1 * S, "default burst at 100/s is 1 token");
	ratelimit_init(&rl, 100000, 0, 0);
	ok(rl.burst_n == 1000 * S, "default burst at 100000/s is 10 ms' worth");

	ratelimit_init(&rl, 0, 0, 0);
	ok(ratelimit_take(&rl, 0, 12345) == 12345, "rate 0 is unlimited");
	ok(ratelimit_wait_ns(&rl, 0) == 0, "unlimited never waits");

	ratelimit_init(&rl, 1000, 10, 5 * S);
	ratelimit_take(&rl, 5 * S, 1);
	ok(ratelimit_take(&rl, 4 * S, 10) == 0, "clock going back grants nothing");
	ok(ratelimit_take(&rl, 5 * S + 2 * MS, 10) == 2,
		"and it resumes from the last reading");
	return tap_done();
}

/* permute.c: zmap-style cyclic-group permutation of the targets, with
 * shards (see permute.h). */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "scan/permute.h"

typedef unsigned __int128 u128;

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((u128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;
	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

/* Miller-Rabin with the first twelve primes as bases: deterministic for
 * every 64-bit n. */
static bool is_prime(uint64_t n)
{
	static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29,
		31, 37 };
	if (n < 2)
		return false;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (n == bases[i])
			return true;
		if (n % bases[i] == 0)
			return false;
	}
	uint64_t d = n - 1;
	int s = 0;
	while (!(d & 1)) {
		d >>= 1;
		s++;
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		uint64_t x = powmod(bases[i], d, n);
		if (x == 1 || x == n - 1)
			continue;
		bool composite = true;
		for (int r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1) {
				composite = false;
				break;
			}
		}
		if (composite)
			return false;
	}
	return true;
}

/* The distinct prime factors of m (at most 15 for m < 2^64), by trial
 * division: m < 2^48 keeps it under 2^24 steps. */
static size_t factor(uint64_t m, uint64_t *f)
{
	size_t n = 0;
	for (uint64_t d = 2; d * d <= m; d += (d == 2 ? 1 : 2)) {
		if (m % d)
			continue;
		f[n++] = d;
		while (m % d == 0)
			m /= d;
	}
	if (m > 1)
		f[n++] = m;
	return n;
}

/* splitmix64: a small, well-mixed sequence from the seed.  The order only
 * has to look random to networks, not resist an adversary. */
static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A uniform value in [lo, hi] (hi >= lo), rejecting the biased top. */
static uint64_t uniform(uint64_t *s, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;
	if (span == 0)
		return splitmix(s);
	uint64_t limit = UINT64_MAX - UINT64_MAX % span;
	uint64_t x;
	do
		x = splitmix(s);
	while (x >= limit);
	return lo + x % span;
}

int permute_init(struct permute *pm, uint64_t n, uint64_t seed,
	unsigned shards, unsigned shard, char *err, size_t errlen)
{
	memset(pm, 0, sizeof(*pm));
	if (shards == 0 || shard >= shards) {
		snprintf(err, errlen, "shard %u out of range: %u shards", shard,
			shards);
		return -1;
	}
	if (n > PERMUTE_MAX) {
		snprintf(err, errlen, "too many targets for the permutation: "
			"%llu (limit %llu)", (unsigned long long)n,
			(unsigned long long)PERMUTE_MAX);
		return -1;
	}
	pm->n = n;
	if (n == 0)
		return 0;
	uint64_t p = n + 1;
	while (!is_prime(p))
		p++;
	pm->prime = p;

	/* The smallest primitive root r, then g = r^k with k prime to p - 1:
	 * every such g is a generator, and the seed picks which. */
	uint64_t f[16];
	size_t nf = factor(p - 1, f);
	uint64_t r = 1;
	if (p > 2) {
		for (r = 2; r < p; r++) {
			bool gen = true;
			for (size_t i = 0; i < nf && gen; i++)
				if (powmod(r, (p - 1) / f[i], p) == 1)
					gen = false;
			if (gen)
				break;
		}
	}
	uint64_t s = seed;
	uint64_t k = 1;
	if (p > 3) {
		do
			k = uniform(&s, 1, p - 2);
		while (gcd(k, p - 1) != 1);
	}
	pm->generator = powmod(r, k, p);
	uint64_t x0 = uniform(&s, 1, p - 1);

	pm->step = powmod(pm->generator, shards, p);
	pm->first = mulmod(x0, powmod(pm->generator, shard, p), p);
	pm->cur = pm->first;
	/* Positions shard, shard + shards, ... below p - 1. */
	pm->positions = (p - 1 > shard) ?
		(p - 1 - shard + shards - 1) / shards : 0;
	pm->left = pm->positions;
	return 0;
}

bool permute_next(struct permute *pm, uint64_t *index)
{
	while (pm->left > 0) {
		uint64_t x = pm->cur;
		pm->cur = mulmod(pm->cur, pm->step, pm->prime);
		pm->left--;
		if (x <= pm->n) {
			*index = x - 1;
			return true;
		}
	}
	return false;
}

uint64_t permute_shard_size(const struct permute *pm)
{
	struct permute w = *pm;
	uint64_t i, count = 0;
	w.cur = w.first;
	w.left = w.positions;
	while (permute_next(&w, &i))
		count++;
	return count;
}

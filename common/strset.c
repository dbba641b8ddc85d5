/* strset.c: the bounded counting set of strings (see strset.h): exact up
 * to STRSET_EXACT_MAX values, then Space-Saving and HyperLogLog. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "common/strset.h"

#define STRCHUNK_SIZE (256u << 10)	/* above malloc's mmap threshold */

struct strchunk {
	struct strchunk *next;
	size_t used;
	char data[];
};

#define HLL_P 12
#define HLL_M (1u << HLL_P)		/* registers */
#define HLL_Q (64 - HLL_P)		/* hash bits left for the rank */

/* A copy of s in the chunks at *chunks, or NULL when out of memory. */
static char *chunk_copy(struct strchunk **chunks, size_t *nchunks,
	const char *s, size_t len)
{
	size_t room = STRCHUNK_SIZE - sizeof(struct strchunk);
	struct strchunk *c = *chunks;
	if (len > room)
		return NULL;	/* values are names and addresses: short */
	if (!c || c->used + len > room) {
		if (!(c = malloc(STRCHUNK_SIZE)))
			return NULL;
		c->used = 0;
		c->next = *chunks;
		*chunks = c;
		(*nchunks)++;
	}
	char *p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

static void chunks_free(struct strchunk *c)
{
	while (c) {
		struct strchunk *next = c->next;
		free(c);
		c = next;
	}
}

/* FNV-1a, then murmur3's finalizer: FNV's high bits mix poorly, and the
 * sketch takes its register from them. */
static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void hll_add(uint8_t *reg, uint64_t h)
{
	uint64_t w = h << HLL_P;
	uint8_t rank = w ? (uint8_t)(__builtin_clzll(w) + 1) : HLL_Q + 1;
	if (rank > HLL_Q + 1)
		rank = HLL_Q + 1;
	if (reg[h >> HLL_Q] < rank)
		reg[h >> HLL_Q] = rank;
}

/* Ertl, "New cardinality estimation algorithms for HyperLogLog sketches"
 * (2017), Algorithm 6: no bias correction tables, and accurate from a few
 * values up, unlike the original estimator between 2.5 and 5 times the
 * register count. */
static double hll_sigma(double x)
{
	if (x == 1.0)
		return INFINITY;
	double y = 1.0, z = x, zp;
	do {
		x *= x;
		zp = z;
		z += x * y;
		y += y;
	} while (z != zp);
	return z;
}

static double hll_tau(double x)
{
	if (x == 0.0 || x == 1.0)
		return 0.0;
	double y = 1.0, z = 1.0 - x, zp;
	do {
		x = sqrt(x);
		zp = z;
		y *= 0.5;
		z -= (1.0 - x) * (1.0 - x) * y;
	} while (z != zp);
	return z / 3.0;
}

static uint64_t hll_estimate(const uint8_t *reg)
{
	unsigned c[HLL_Q + 2] = { 0 };
	for (size_t i = 0; i < HLL_M; i++)
		c[reg[i]]++;
	double m = HLL_M;
	double z = m * hll_tau(1.0 - c[HLL_Q + 1] / m);
	for (int k = HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * hll_sigma(c[0] / m);
	/* alpha_inf = 1 / (2 ln 2) */
	return (uint64_t)llround(0.72134752044448170368 * m * m / z);
}

uint64_t strset_unique(const struct strset *set, bool *estimated)
{
	*estimated = set->heap != NULL;
	if (!set->heap)
		return set->n;
	/* Past the cap there are more than STRSET_EXACT_MAX for sure. */
	uint64_t e = hll_estimate(set->hll);
	return e > STRSET_EXACT_MAX ? e : STRSET_EXACT_MAX + 1;
}

size_t strset_bytes(const struct strset *set)
{
	return set->vcap * sizeof(*set->v) + set->nslot * sizeof(*set->slot) +
		(set->heap ? 2 * STRSET_EXACT_MAX * sizeof(*set->heap) : 0) +
		(set->hll ? HLL_M : 0) + set->nchunks * STRCHUNK_SIZE;
}

/* Put entry e (index into v) into the index. */
static void slot_put(struct strset *set, uint32_t e)
{
	size_t mask = set->nslot - 1, j = hash(set->v[e].s) & mask;
	while (set->slot[j])
		j = (j + 1) & mask;
	set->slot[j] = e + 1;
}

static int slot_grow(struct strset *set)
{
	size_t nslot = set->nslot ? set->nslot * 2 : 16;
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		return -1;
	free(set->slot);
	set->slot = slot;
	set->nslot = nslot;
	for (size_t e = 0; e < set->n; e++)
		slot_put(set, (uint32_t)e);
	return 0;
}

/* Take entry e out of the index, shifting back the entries after it that
 * would no longer be found (linear probing has no tombstones). */
static void slot_remove(struct strset *set, uint32_t e)
{
	size_t mask = set->nslot - 1, i = hash(set->v[e].s) & mask;
	while (set->slot[i] != e + 1)
		i = (i + 1) & mask;
	set->slot[i] = 0;
	for (size_t k = (i + 1) & mask; set->slot[k]; k = (k + 1) & mask) {
		size_t home = hash(set->v[set->slot[k] - 1].s) & mask;
		/* It stays if its home lies cyclically in (i, k]. */
		if (i <= k ? (i < home && home <= k) : (i < home || home <= k))
			continue;
		set->slot[i] = set->slot[k];
		set->slot[k] = 0;
		i = k;
	}
}

/* Restore the heap below place i after its entry's count grew. */
static void heap_down(struct strset *set, size_t i)
{
	size_t n = set->n;
	uint32_t e = set->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && set->v[set->heap[c + 1]].count <
		    set->v[set->heap[c]].count)
			c++;
		if (set->v[set->heap[c]].count >= set->v[e].count)
			break;
		set->heap[i] = set->heap[c];
		set->pos[set->heap[i]] = (uint32_t)i;
		i = c;
	}
	set->heap[i] = e;
	set->pos[e] = (uint32_t)i;
}

static int heap_build(struct strset *set)
{
	if (!(set->heap = malloc(set->n * sizeof(*set->heap))) ||
	    !(set->pos = malloc(set->n * sizeof(*set->pos)))) {
		free(set->heap);
		set->heap = NULL;
		return -1;
	}
	for (size_t i = 0; i < set->n; i++)
		set->heap[i] = set->pos[i] = (uint32_t)i;
	for (size_t i = set->n / 2; i-- > 0;)
		heap_down(set, i);
	return 0;
}

/* Copy the live strings to fresh chunks once the dead ones outweigh them.
 * Out of memory just leaves the old chunks. */
static void strset_compact(struct strset *set)
{
	if (set->dead <= set->live + STRCHUNK_SIZE)
		return;
	struct strchunk *chunks = NULL;
	size_t nchunks = 0;
	char **s = malloc(set->n * sizeof(*s));
	for (size_t e = 0; s && e < set->n; e++)
		if (!(s[e] = chunk_copy(&chunks, &nchunks, set->v[e].s,
		    strlen(set->v[e].s) + 1))) {
			chunks_free(chunks);
			free(s);
			return;
		}
	if (!s)
		return;
	for (size_t e = 0; e < set->n; e++)
		set->v[e].s = s[e];
	free(s);
	chunks_free(set->chunks);
	set->chunks = chunks;
	set->nchunks = nchunks;
	set->dead = 0;
}

int strset_add(struct strset *set, const char *s, uint64_t serial)
{
	uint64_t h = hash(s);
	if (set->nslot) {
		size_t mask = set->nslot - 1;
		for (size_t j = h & mask; set->slot[j]; j = (j + 1) & mask) {
			struct strent *e = &set->v[set->slot[j] - 1];
			if (strcmp(e->s, s))
				continue;
			if (e->last == serial)
				return 0;
			e->last = serial;
			e->count++;
			if (set->heap)
				heap_down(set, set->pos[set->slot[j] - 1]);
			return 0;
		}
	}
	/* A value not kept: new, or evicted before.  The sketch sees it
	 * again either way, which changes nothing for a value it has seen. */
	if (!set->hll && !(set->hll = calloc(HLL_M, 1)))
		return -1;
	hll_add(set->hll, h);
	size_t len = strlen(s) + 1;
	char *copy;
	if (set->n < STRSET_EXACT_MAX) {
		if ((set->n + 1) * 2 > set->nslot && slot_grow(set) < 0)
			return -1;
		if (set->n == set->vcap) {
			size_t vcap = set->vcap ? set->vcap * 2 : 16;
			if (vcap > STRSET_EXACT_MAX)
				vcap = STRSET_EXACT_MAX;
			struct strent *v = realloc(set->v, vcap * sizeof(*v));
			if (!v)
				return -1;
			set->v = v;
			set->vcap = vcap;
		}
		if (!(copy = chunk_copy(&set->chunks, &set->nchunks, s, len)))
			return -1;
		set->v[set->n] = (struct strent){ copy, 1, 0, serial };
		set->live += len;
		slot_put(set, (uint32_t)set->n++);
		return 0;
	}
	if (!set->heap && heap_build(set) < 0)
		return -1;
	uint32_t e = set->heap[0];
	if (!(copy = chunk_copy(&set->chunks, &set->nchunks, s, len)))
		return -1;
	slot_remove(set, e);
	size_t old = strlen(set->v[e].s) + 1;
	set->live -= old;
	set->dead += old;
	uint64_t min = set->v[e].count;
	set->v[e] = (struct strent){ copy, min + 1, min, serial };
	set->live += len;
	slot_put(set, e);
	heap_down(set, 0);
	strset_compact(set);
	return 0;
}

void strset_clear(struct strset *set)
{
	chunks_free(set->chunks);
	free(set->v);
	free(set->slot);
	free(set->heap);
	free(set->pos);
	free(set->hll);
	memset(set, 0, sizeof(*set));
}

static int cmp_top(const void *a, const void *b)
{
	const struct strent *const *x = a, *const *y = b;
	if ((*x)->count != (*y)->count)
		return (*x)->count > (*y)->count ? -1 : 1;
	return strcmp((*x)->s, (*y)->s);
}

const struct strent **strset_top(const struct strset *set)
{
	const struct strent **v;
	if (!set->n || !(v = malloc(set->n * sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		v[i] = &set->v[i];
	qsort(v, set->n, sizeof(*v), cmp_top);
	return v;
}

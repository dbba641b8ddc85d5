/* strset.h: a set of strings, each with the number of records that gave
 * it, in bounded memory: a scan summary's unique invalid names and
 * addresses of one provider and kind (a record: a resolver), a mail
 * survey's MX hosts (a record: a domain).
 *
 * Up to STRSET_EXACT_MAX distinct values the set is exact: a dense array
 * of entries and an open-addressing index of them (linear probing, at most
 * half full).  A new value past that evicts the entry with the fewest
 * resolvers (Space-Saving, Metwally et al. 2005: a min-heap over the
 * entries, built when the set fills), and comes in with that count plus
 * one; its `over` remembers the count it inherited.  A kept value's true
 * number of resolvers is then between count - over and count, and over is
 * at most (resolver-values counted) / STRSET_EXACT_MAX; a value kept
 * since before the set filled is exact, and any value given by more
 * resolvers than that bound is kept.  The number of distinct values
 * comes from a HyperLogLog sketch (2^12 one-byte registers, Ertl's improved
 * estimator, about 1.6% standard error) fed every value from the first,
 * so it takes over seamlessly at the cap.  Everything here depends only on
 * the values and their order: the same records in the same order give the
 * same set (while exact, in any order).
 *
 * The strings live in large chunks of their own rather than one malloc
 * each: scattered among the per-resolver allocations they kept the heap
 * from ever shrinking.  Evicted strings stay in their chunk as dead bytes
 * until those outweigh the live ones by a chunk; then the live strings
 * are copied to fresh chunks, so string memory stays under twice the live
 * bytes plus two chunks. */
#ifndef COMMON_STRSET_H
#define COMMON_STRSET_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** Distinct values a set keeps exactly (see SUMMARY_EXACT_MAX). */
#define STRSET_EXACT_MAX 4096

struct strent {
	char *s;		/* in the set's chunks */
	uint64_t count;		/* resolvers that gave it (at most) */
	uint64_t over;		/* count taken over on eviction, 0: exact */
	uint64_t last;		/* serial of the last resolver counted */
};

struct strchunk;

struct strset {
	struct strent *v;		/* owned; n used of vcap */
	size_t n, vcap;
	uint32_t *slot;			/* owned; v index + 1, 0 empty */
	size_t nslot;			/* a power of 2 (or 0) */
	uint32_t *heap, *pos;		/* owned, once full: min-heap of v
					 * indices by count, each one's place */
	uint8_t *hll;			/* owned; 2^12 registers */
	struct strchunk *chunks;	/* owned; the newest first */
	size_t nchunks, live, dead;	/* chunks; string bytes: used, dead */
};

/** Add s for resolver number serial (counted once per resolver; serials
 * grow).  s is copied.  A zeroed struct is an empty set.  Returns 0 or -1
 * (out of memory, or s longer than a chunk). */
int strset_add(struct strset *set, const char *s, uint64_t serial);

/** The number of distinct values in set; *estimated when past the cap
 * (then a HyperLogLog estimate, and counts in strset_top may be upper
 * bounds). */
uint64_t strset_unique(const struct strset *set, bool *estimated);

/** Bytes the set holds. */
size_t strset_bytes(const struct strset *set);

/** The entries of set, most resolvers first, ties by value: a new array of
 * set->n pointers borrowed from set (free the array; NULL when empty or
 * out of memory). */
const struct strent **strset_top(const struct strset *set);

/** Free what set owns; it is empty afterwards. */
void strset_clear(struct strset *set);

#endif

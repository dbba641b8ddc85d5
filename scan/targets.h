/* targets.h: the set of addresses a scan probes.  Targets come from files
 * (one address or CIDR prefix a line) and from the command line; they are
 * kept as a sorted array of disjoint address ranges, so memory depends on
 * the number of ranges, never on the number of addresses, and target number
 * i (0 <= i < targets_count) maps to an address by binary search.  The scan
 * order is not decided here: see permute.h.
 *
 * Duplicates: unlike zmap, an address listed twice (two lines, or two
 * overlapping prefixes) is probed once.  Every address left out is counted
 * in struct targets_stats (duplicate, blocklisted or invalid), never
 * silently dropped.  Pure apart from targets_load, which reads a file. */
#ifndef SCAN_TARGETS_H
#define SCAN_TARGETS_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "common/addr.h"

struct blocklist;

/** The largest number of addresses one line may expand to: 2^32 (an IPv6
 * /96, or all of IPv4).  Larger prefixes are an error, not a silent cut. */
#define TARGETS_RANGE_MAX ((uint64_t)1 << 32)
/** The largest number of targets in one scan (2^48). */
#define TARGETS_TOTAL_MAX ((uint64_t)1 << 48)

/** Where the targets went.  Invariant after targets_finalize:
 * listed == count + duplicate + blocklisted. */
struct targets_stats {
	uint64_t listed;	/* addresses named by valid lines and arguments */
	uint64_t duplicate;	/* named more than once: probed once */
	uint64_t blocklisted;	/* left out by the blocklist */
	uint64_t count;		/* left to probe */
	uint64_t invalid;	/* garbage lines (not addresses) skipped */
};

/** An opaque set of targets. */
struct targets;

/** A new empty set.  Free with targets_free.  NULL on out of memory. */
struct targets *targets_new(void);

/** Free t and everything it owns.  NULL is fine. */
void targets_free(struct targets *t);

/** Add one address or CIDR prefix ("192.0.2.1", "10.0.0.0/8",
 * "2001:db8::/120"); surrounding blanks are ignored.  Host bits beyond the
 * prefix length, a prefix wider than TARGETS_RANGE_MAX addresses or a bad
 * address are errors.  Only before targets_finalize.  Returns 0, or -1 with
 * a reason in err (e.g. `not an address: "10.0.0.300"`, no location: the
 * caller adds it). */
int targets_add(struct targets *t, const char *text, char *err, size_t errlen);

/** Read targets from in, one a line; '#' starts a comment, blank lines are
 * skipped.  name is used in messages ("targets.txt:17: not an address:
 * \"10.0.0.300\"").  A garbage line is counted in stats.invalid and its
 * message written to diag (when not NULL), and reading goes on; with
 * strict it is fatal: -1 with the message in err.  Also -1 on a read error
 * or out of memory.  Returns 0 otherwise. */
int targets_load_stream(struct targets *t, FILE *in, const char *name,
	bool strict, FILE *diag, char *err, size_t errlen);

/** targets_load_stream on the file at path ("-" reads stdin).  A missing
 * or unreadable file is -1 with "path: reason" in err. */
int targets_load(struct targets *t, const char *path, bool strict,
	FILE *diag, char *err, size_t errlen);

/** Sort, merge duplicates and take out the blocklist (NULL for none): the
 * set becomes read-only and countable.  Fails (-1, reason in err) when more
 * than TARGETS_TOTAL_MAX targets remain, or out of memory.  Call once. */
int targets_finalize(struct targets *t, const struct blocklist *bl,
	char *err, size_t errlen);

/** Number of targets to probe (after targets_finalize). */
uint64_t targets_count(const struct targets *t);

/** The counts (complete after targets_finalize). */
const struct targets_stats *targets_stats(const struct targets *t);

/** Target number i (0 <= i < targets_count) as a full-length address.
 * Returns 0, or -1 when i is out of range.  O(log ranges). */
int targets_get(const struct targets *t, uint64_t i, struct prefix *out);

/** Is the full-length address a one of the targets (after
 * targets_finalize)?  O(log ranges).  (scan --resume counts the resolvers
 * an earlier run already wrote that this scan would probe.) */
bool targets_contains(const struct targets *t, const struct prefix *a);

/** A SHA-256 digest of the set (its sorted ranges, after
 * targets_finalize) into out: the same targets and blocklist give the same
 * digest on every machine, so shards run without --seed can derive their
 * common order from it.  Returns 0, or -1 when not finalized or the digest
 * failed. */
int targets_digest(const struct targets *t, uint8_t out[32]);

/** Number of disjoint ranges after targets_finalize (for tests and the
 * start-up message). */
size_t targets_nranges(const struct targets *t);

#endif

/* summary.h: the end-of-scan summary, in the shape of the paper's tables
 * (Durumeric et al., IMC 2015): resolvers probed and responsive, any invalid
 * answer, resolvers per class (Table 13), and per provider the servers that
 * gave invalid MX and invalid IP answers with the unique invalid MX names
 * and IPs (Table 7), and the most common invalid names and IPs with the
 * number of resolvers that gave each.
 *
 * One record type (summary_record.h) feeds it from both sides, so
 * `report` on a saved scan prints exactly what the scan printed.  The
 * totals are in summary.c, the text tables in summary_text.c, the HTML
 * page in summary_html.c, the bounded sets of values in strset.h.  "Resolvers probed" counts records: the scan
 * writes one line per probed target, timeouts included.  Pure (the printers
 * write to a FILE the caller gives).
 *
 * Memory is bounded whatever the number of resolvers: each provider and
 * kind (MX names, IPs) keeps at most SUMMARY_EXACT_MAX distinct values.
 * Up to that every count is exact.  Past it the unique count is a
 * HyperLogLog estimate (about 1.6% standard error) and the most common
 * list a Space-Saving summary: a value that came in by evicting the least
 * common one inherits its count, so its count is an upper bound, at most
 * `over` above the truth, and `over` is at most the resolver-values
 * counted for that provider and kind divided by SUMMARY_EXACT_MAX.  The
 * printers mark both with "~" and a note. */
#ifndef SCAN_SUMMARY_H
#define SCAN_SUMMARY_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "validator/verdict.h"
#include "common/strset.h"
#include "scan/summary_record.h"

/** Distinct invalid values kept per provider and kind (MX names, IPs).
 * Lies shared by resolvers are few (in the lab's 131,072-address
 * population at most 14 values per set come from more than one resolver);
 * thousands come only from per-resolver noise (bit flips, varying
 * answers), so up to this everything a reader looks up is exact.
 * Past it a count is overstated by at most 1 per 4,096 resolver-values
 * counted (244 at a million), far below a common lie's count.  A full set
 * holds 48 bytes per value and its strings (under twice their length plus
 * two 256 KB chunks): about 0.8 MB for 25-character names, two sets per
 * provider, so a scan's summary stays within a few megabytes. */
#define SUMMARY_EXACT_MAX STRSET_EXACT_MAX
/** Longest value counted (a name in presentation form is shorter, escapes
 * included); a longer one in a saved file is not a name or address. */
#define SUMMARY_VALUE_MAX 1024

/** The running totals. */
struct summary;

/** A new empty summary.  Free with summary_free.  NULL on out of memory. */
struct summary *summary_new(void);

/** Free s.  NULL is fine. */
void summary_free(struct summary *s);

/** Count one resolver.  The record is not kept (strings are copied where
 * needed for unique counts).  Returns 0 or -1 (out of memory). */
int summary_add(struct summary *s, const struct summary_record *r);

/** A sweep's discovery counts (scan_stats, or a sweep record read back):
 * the targets asked, those that answered, and those that never did (known
 * once every pass is made: over). */
struct summary_sweep {
	uint64_t probed, answered, silent;
	bool over;
};

/** Add a sweep's counts (report adds those of every sweep in its files;
 * the total is over when each is). */
void summary_add_sweep(struct summary *s, const struct summary_sweep *w);

/** Count one destination of the lies (scan --follow-smtp): its verdict
 * (enum follow_verdict), or -1 when the blocklist kept it out. */
void summary_add_follow(struct summary *s, int verdict);

/** The transparent forwarders counted, and the distinct addresses that
 * answered for them into *behind (*estimated past the set's cap). */
uint64_t summary_forwarders(const struct summary *s, uint64_t *behind,
	bool *estimated);

/** Count one unreadable input line (report: a malformed JSON line). */
void summary_add_malformed(struct summary *s);

/** Print the summary as aligned text tables to f.  Deterministic: the
 * same records in the same order print the same text (so `report` on a
 * scan's file prints what the scan printed), and while no provider and
 * kind has more than SUMMARY_EXACT_MAX distinct values, in any order.
 * Estimates are marked "~", with a note below the tables.  Returns 0 or
 * -1 on a write error. */
int summary_print(const struct summary *s, FILE *f);

/** Write a self-contained HTML page (inline CSS, inline SVG bar charts, no
 * scripts, no external links) with the same tables to f.  title is escaped.
 * An estimated cell has class="estimated", "~" and a title with its
 * bounds.  Returns 0 or -1 on a write error. */
int summary_html(const struct summary *s, FILE *f, const char *title);

/* Read-back for tests and the scan's exit status. */
/** Records counted. */
uint64_t summary_probed(const struct summary *s);
/** Records with any query answered. */
uint64_t summary_responsive(const struct summary *s);
/** Records with a lie (verdict_class_is_lie) in their class, classes or
 * a query. */
uint64_t summary_invalid(const struct summary *s);
/** Records of class c. */
uint64_t summary_class_count(const struct summary *s, enum verdict_class c);

/** The unique invalid values of one provider and kind. */
struct summary_unique {
	uint64_t count;		/* distinct values */
	bool estimated;		/* count is an estimate (past the cap) */
	size_t kept;		/* values held: at most SUMMARY_EXACT_MAX */
	size_t bytes;		/* memory held for them */
};

/** Fill *u for provider's invalid MX names (mx) or IPs.  Returns 0, or -1
 * if the provider was never asked. */
int summary_unique(const struct summary *s, const char *provider, bool mx,
	struct summary_unique *u);

/** One of the most common invalid values. */
struct summary_top {
	const char *value;	/* borrowed from s: valid until s changes */
	uint64_t count;		/* resolvers that gave it, at most */
	uint64_t over;		/* count - over <= the truth; 0: exact */
};

/** The up to max most common invalid MX names (mx) or IPs of provider in
 * top[], most resolvers first, ties by value; *n how many.  Returns 0, or
 * -1 if the provider was never asked or out of memory. */
int summary_top(const struct summary *s, const char *provider, bool mx,
	struct summary_top *top, size_t max, size_t *n);

#endif

/* summary_impl.h: the summary's totals as summary.c keeps them, for its
 * text and HTML printers (summary_text.c, summary_html.c).  Not a public
 * header: everything else goes through summary.h. */
#ifndef SCAN_SUMMARY_IMPL_H
#define SCAN_SUMMARY_IMPL_H
#include "scan/summary.h"
#include "scan/follow.h"

struct prov {
	char *name;
	uint64_t mx_servers, ip_servers;	/* resolvers with an invalid answer */
	uint64_t asked;				/* resolvers that answered for it */
	struct strset mx, ip;			/* unique invalid values */
};

struct summary {
	uint64_t probed, responsive, invalid, malformed, unjudged;
	uint64_t primary[CLASS_COUNT];	/* by class */
	uint64_t any[CLASS_COUNT];	/* by any class bit */
	uint64_t flags[FLAG_COUNT_BITS];
	struct prov *provs;
	size_t nprovs;
	uint64_t forwarders;		/* transparent forwarders */
	struct strset behind;		/* the addresses that answered for them */
	uint64_t serial;		/* records counted: strset's serial */
	struct summary_sweep sweep;	/* discovery's counts, added up */
	bool have_sweep;
	/* --follow-smtp: the lies' destinations by verdict, and those the
	 * blocklist kept out. */
	uint64_t follow[FOLLOW_VERDICTS];
	uint64_t follow_blocked;
	bool have_follow;
};

/* A class's name, "unjudged" for anything else. */
const char *summary_class_name(int c);

/* s's providers in name order (the input order must not matter): a new
 * array of borrowed pointers, NULL on out of memory. */
const struct prov **summary_sorted_provs(const struct summary *s);

/* a as a percentage of b (0 when b is). */
double summary_pct(uint64_t a, uint64_t b);

/* A count as text into buf: "~N" when it is an estimate or an upper
 * bound. */
const char *summary_num(char *buf, size_t len, uint64_t n, bool estimated);

/* Is any set of s past its cap (some count an estimate)? */
bool summary_any_estimate(const struct summary *s);

/* Has any provider of s an invalid value? */
bool summary_any_value(const struct summary *s);

/* A row of a "most common invalid answers" list: a value and the
 * resolvers that gave it; or, with names > 0, the names that one resolver
 * each gave under one parent domain (value: the parent), or the addresses
 * one resolver each gave (value NULL), folded into one row: a liar that
 * invents a name per question would fill the list with one-offs. */
struct summary_row {
	const char *value;	/* borrowed from the set */
	char parent[256];	/* a folded row's parent domain */
	uint64_t count, over;	/* a value's resolvers, as strset keeps */
	uint64_t names;		/* > 0: the one-offs folded in */
};

/* The rows of set for a list of at most max: values more than one
 * resolver gave, most first; then the one-offs, folded by parent domain
 * (mx) or all in one row (addresses) where two or more fold, largest
 * first.  *shown says how many distinct values the rows cover.  A new
 * array of *n rows (free it), NULL when there is none or out of memory. */
struct summary_row *summary_rows(const struct strset *set, bool mx,
	size_t max, size_t *n, uint64_t *shown);

#endif

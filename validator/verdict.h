/* verdict.h: classify a resolver's observation against the truth.  Pure:
 * no sockets, no libunbound; table-driven unit tests reach it directly. */
#ifndef JUDGE_VERDICT_H
#define JUDGE_VERDICT_H
#include <stddef.h>
#include <stdbool.h>
#include "validator/truth.h"
#include "validator/observation.h"

/** Resolver classes.  The first group is in precedence order: a resolver's
 * `class` is the first that applies.  The second group is for resolvers
 * that never gave a usable answer. */
enum verdict_class {
	CLASS_STATIC = 0,	/* the same answer whatever was asked */
	CLASS_FALSIFIED,	/* a persistent answer outside the truth */
	CLASS_LOOPBACK,		/* 127.0.0.0/8 or ::1 */
	CLASS_PRIVATE,		/* special-purpose, not globally reachable */
	CLASS_BITFLIP,		/* one bit from acceptable, or not repeated */
	CLASS_INCOMPLETE,	/* a strict subset of the true MX set */
	CLASS_CORRECT,		/* every answer acceptable */
	CLASS_TIMEOUT,
	CLASS_REFUSED,
	CLASS_SERVFAIL,
	CLASS_NO_RECURSION,	/* RA clear, or a referral */
	CLASS_MALFORMED,
	CLASS_COUNT
};

/** Flags beside the class (a bit set). */
enum verdict_flag {
	FLAG_NXDOMAIN_REWRITE = 1 << 0,	/* the non-existent name got an answer */
	FLAG_AD_ON_FALSE = 1 << 1,	/* AD set on an answer contradicting the truth */
	FLAG_DNSSEC_STRIPPED = 1 << 2,	/* no RRSIG on a DO query for a signed zone */
	FLAG_VARYING = 1 << 3,		/* a new answer for every query */
	FLAG_TRANSIENT = 1 << 4,	/* the confirmation round did not repeat it */
	FLAG_UNSOLICITED = 1 << 5,	/* replies from elsewhere seen and ignored */
	FLAG_TRANSPARENT_FORWARDER = 1 << 6,	/* answered, validated, from
						 * another address */
	FLAG_COUNT_BITS = 7
};

/** "static", "falsified", ... as used in JSON and reports. */
const char *verdict_class_str(enum verdict_class c);
/** "nxdomain-rewrite", ... for one flag bit. */
const char *verdict_flag_str(enum verdict_flag f);
/** Parse a class name; -1 if unknown. */
int verdict_class_parse(const char *name);

/** Is class c a lie: static, falsified, loopback, private or bitflip (the
 * paper's invalid answers, mail sent elsewhere)?  incomplete (a true
 * subset), correct and the failure classes are not, nor is any value
 * outside the enum (-1: unjudged). */
bool verdict_class_is_lie(int c);

/** The verdict on one query: which class its answer falls in and why. */
struct query_verdict {
	size_t result;		/* index into observation.results */
	enum verdict_class class;
	unsigned flags;
	char *evidence;		/* human-readable why, owned */
	/* What the truth allows, in presentation form, owned (may be NULL). */
	char *allowed;
	/* False when the query was not judged: no usable truth for it (no
	 * answer, bogus, an unusable provider); evidence says why and class
	 * is CLASS_CORRECT (nothing found against it). */
	bool judged;
	/* When class is a lie, the values of the answer the truth does not
	 * allow: MX exchanges (lowercase, trailing dot), addresses, other
	 * types' rdata, the target of a CNAME outside the truth's chain
	 * (lowercase), and a record of another type than asked as "TYPE
	 * rdata" (with a space: never an MX name or an address).  In answer
	 * order after the CNAME target, duplicates removed.  Owned array of
	 * owned strings; NULL when ninvalid is 0. */
	char **invalid;
	size_t ninvalid;
};

/** The verdict on a resolver.  classes holds every class any answer
 * showed: a rule across queries (transient, varying, static) adds classes
 * and flags and never takes one away, so a falsified answer that the
 * confirmation round made transient bitflip leaves both bits.  class is
 * the first in precedence order of the classes the answers have after
 * those rules (the transient one: bitflip). */
struct verdict {
	enum verdict_class class;	/* as above */
	unsigned classes;		/* bit (1 << class) for each shown */
	unsigned flags;
	struct query_verdict *queries;	/* owned, one per result, in order */
	size_t nqueries;
	size_t njudged;			/* queries with judged set */
	/* One line on why the resolver got its class (the evidence of the
	 * deciding query, or the static/varying summary); owned, may be NULL. */
	char *why;
};

/** Context the validator needs beside the truth. */
struct verdict_ctx {
	const struct truth *truth;
	const struct special_registry *special;
};

/** Classify o against the truth.  Returns a new verdict (free with
 * verdict_free), or NULL on out of memory.  A lying resolver is a result,
 * never an error. */
struct verdict *verdict_classify(const struct verdict_ctx *ctx,
	const struct observation *o);

/** Classify a single query result (the query command): the same rules,
 * without the cross-query ones (static, varying, transient). */
struct verdict *verdict_classify_one(const struct verdict_ctx *ctx,
	const struct observation *o, size_t result);

/** Free v.  NULL is fine. */
void verdict_free(struct verdict *v);

#endif

/* truth.h: what DNSSEC-validating resolution says, the yardstick every
 * verdict is measured against.  dnssec/ fills it (libunbound); validator/
 * reads it.  Pure data and lookups: no I/O. */
#ifndef JUDGE_TRUTH_H
#define JUDGE_TRUTH_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <ldns/ldns.h>
#include "common/addr.h"

/** DNSSEC security status of one RRset, as libunbound reports it. */
enum truth_sec {
	TRUTH_SEC_INSECURE = 0,	/* no chain of trust: unsigned or opted out */
	TRUTH_SEC_SECURE,	/* validated */
	TRUTH_SEC_BOGUS		/* should be signed and is not, or fails */
};

/** Name of a status: "secure", "insecure", "bogus". */
const char *truth_sec_str(enum truth_sec sec);

/** Did a lookup with this outcome fail (truth_answer_failed's rule, for
 * facts copied out of an answer)? */
bool truth_lookup_failed(enum truth_sec sec, int rcode, bool timed_out);

/** The status a lookup is shown with: "failed" when it failed (its
 * security is unknown, never "insecure"), else truth_sec_str(sec). */
const char *truth_status_str(enum truth_sec sec, int rcode, bool timed_out);

struct truth_answer;

/** Did the lookup fail: no answer at all, or an rcode other than NOERROR
 * and NXDOMAIN without a DNSSEC failure (SERVFAIL, REFUSED, ...)?  A
 * failed lookup says nothing about the data or its security: it is never
 * "insecure", never "missing".  NULL (never asked) counts as failed. */
bool truth_answer_failed(const struct truth_answer *a);

/** A mail provider: a domain the scan asks about, and the networks it owns.
 * An address inside an owned prefix is acceptable even when validated
 * resolution did not happen to return it (providers answer by time and
 * place; the paper did the same). */
struct provider {
	char *domain;		/* lowercase FQDN with trailing dot, owned */
	struct prefix *prefixes;	/* owned */
	size_t nprefixes;
	/* Set by truth resolution: false when the provider's truth is bogus or
	 * unresolvable; scans then skip it and say why. */
	bool usable;
	char *why_unusable;	/* owned, NULL when usable */
};

/** The validated answer to one question (qname, qtype), as the union over
 * the resolution rounds. */
struct truth_answer {
	char *qname;		/* lowercase FQDN with trailing dot, owned */
	uint16_t qtype;
	int rcode;		/* LDNS_RCODE_NOERROR, _NXDOMAIN, _SERVFAIL ... */
	enum truth_sec sec;
	char *why_bogus;	/* libunbound's reason, owned; NULL unless bogus */
	/* Final answer records after following CNAMEs (qtype records only),
	 * union over rounds, duplicates removed.  Owned; never NULL. */
	ldns_rr_list *rrs;
	/* The CNAME records followed from qname, in order.  Owned; never NULL. */
	ldns_rr_list *cnames;
	uint32_t ttl;		/* smallest TTL seen */
	int provider;		/* index into truth.providers, -1 if none */
	bool timed_out;		/* resolution got no answer at all */
	unsigned rounds;	/* truth_answer_merge calls so far */
};

/** The whole ground truth for a run. */
struct truth {
	struct provider *providers;	/* owned */
	size_t nproviders;
	struct truth_answer **answers;	/* owned */
	size_t nanswers;
	size_t cap;
	/* Control queries (from the providers file): a name with a known
	 * answer, and a zone under which random labels do not exist. */
	char *control_name;	/* owned FQDN, NULL if none */
	uint16_t control_type;	/* LDNS_RR_TYPE_A unless the file says */
	char *nxdomain_zone;	/* owned FQDN, NULL if none */
};

/** A new empty truth.  Free with truth_free.  NULL on out of memory. */
struct truth *truth_new(void);

/** Free t and everything it owns.  NULL is fine. */
void truth_free(struct truth *t);

/** Find the answer for (qname, qtype); qname compared case-insensitively,
 * with or without the trailing dot.  NULL if the truth has none. */
struct truth_answer *truth_find(const struct truth *t, const char *qname,
	uint16_t qtype);

/** How many providers of t are usable (set by truth resolution).  When
 * none is, why (whylen bytes) says so for the user: "the providers file
 * has no provider line", or each provider with its reason ("PROVIDER:
 * WHY", joined by "; "; cut short to fit). */
size_t truth_usable(const struct truth *t, char *why, size_t whylen);

/** Find or add the answer for (qname, qtype).  The truth owns it.
 * NULL on out of memory. */
struct truth_answer *truth_get(struct truth *t, const char *qname,
	uint16_t qtype);

/** Merge records from one resolution round into a: adds rrs not yet present
 * (kept in canonical order, ldns_rr_list_sort)
 * (compared by owner, type and rdata, not TTL), takes the smaller TTL.
 * Copies; the caller keeps its lists.  Returns 0 or -1 on out of memory. */
int truth_answer_merge(struct truth_answer *a, const ldns_rr_list *rrs,
	const ldns_rr_list *cnames, uint32_t ttl);

/** Is address addr acceptable for an answer to (qname, A or AAAA)?  True
 * when it is in the validated set, or inside a prefix of the provider the
 * answer belongs to. */
bool truth_addr_ok(const struct truth *t, const struct truth_answer *a,
	const struct prefix *addr);

/** Is addr one of the A/AAAA records in a's validated set (no provider
 * prefixes)?  False for a NULL a. */
bool truth_addr_in_set(const struct truth_answer *a, const struct prefix *addr);

/** The provider of a whose own prefixes contain addr, or NULL.  Borrowed. */
const struct provider *truth_addr_provider(const struct truth *t,
	const struct truth_answer *a, const struct prefix *addr);

/** The address of an A or AAAA record as a full-length prefix into *p.
 * False for other types or a malformed rdata. */
bool truth_rr_addr(const ldns_rr *rr, struct prefix *p);

/** The exchange of the most preferred MX record of an MX answer (lowest
 * preference, ties broken by name), or NULL.  Borrowed from a. */
const ldns_rdf *truth_best_mx(const struct truth_answer *a);

#endif

/* spf.h: the SPF record (RFC 7208) as data: which TXT strings are SPF
 * records (section 4.5), the terms of one record with their syntax checked
 * against section 12's ABNF (mechanisms, qualifiers, modifiers, CIDR
 * lengths, addresses, and the macro language of section 7 checked, not
 * expanded), and findings about what it says (+all, ptr, no final all).
 * Pure: no I/O.  The engine (mail/check.c) follows include, redirect, a,
 * mx and exists through the validating resolver with struct spf_walk. */
#ifndef MAIL_SPF_H
#define MAIL_SPF_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "mail/finding.h"

#define SPF_TEXT_MAX 4096	/* bytes of one record; longer is an error */
#define SPF_TERMS_MAX 128	/* terms of one record; more is an error */
#define SPF_LOOKUP_LIMIT 10	/* DNS-querying terms (section 4.6.4) */
#define SPF_VOID_LIMIT 2	/* lookups with no answer (section 4.6.4) */

enum spf_mech {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT, SPF_EXP,	/* the two modifiers RFC 7208 defines */
	SPF_UNKNOWN_MOD		/* another name=value: ignored (6) */
};

/** One term: a directive (qualifier + mechanism) or a modifier. */
struct spf_term {
	enum spf_mech mech;
	char qualifier;		/* '+', '-', '~', '?' (directives; '+' when
				   none was written) */
	const char *arg;	/* domain-spec, network or modifier value
				   (points into the record's copy), or NULL */
	bool has_macro;		/* arg has a %{...} expansion */
	int cidr4, cidr6;	/* -1 when not given */
	const char *name;	/* an unknown modifier's name, else NULL */
};

/** A parsed record.  Owns its text. */
struct spf_record {
	char *text;		/* the record as read, NUL-terminated (owned) */
	char *work;		/* the copy the terms point into (owned) */
	struct spf_term *terms;	/* owned, termcap of them */
	size_t nterms, termcap;
	int all;		/* index of the first 'all', -1 none */
	int redirect, exp;	/* index of the modifier, -1 none */
	unsigned lookups;	/* terms of this record that cause DNS lookups
				   (include, a, mx, ptr, exists, redirect) */
	bool syntax_ok;		/* no MAIL_ERROR finding */
	struct mail_findings findings;
};

/** Is this TXT string (len bytes) an SPF record: "v=spf1" alone or
 * followed by a space, case-insensitively (RFC 7208 section 4.5)? */
bool spf_is_record(const char *txt, size_t len);

/** Parse len bytes of text (the TXT strings of one record, joined) into
 * *r.  Syntax errors are MAIL_ERROR findings (a permerror for a checker:
 * RFC 7208 section 4.6); r->syntax_ok says whether there was any.  Warnings:
 * "spf-plus-all" (+all or a bare all: anyone may send),
 * "spf-ptr" (ptr: SHOULD NOT be used, 5.5), "spf-neutral-all" (?all),
 * "spf-no-all" (no all and no redirect: the default result is neutral),
 * "spf-redirect-ignored" (a redirect with an all), and notes for
 * "spf-softfail-all" (~all) and unknown modifiers.  Returns 0, or -1 when
 * out of memory (err says so). Free with spf_record_clear. */
int spf_parse(const char *text, size_t len, struct spf_record *r);

/** Free what r owns. */
void spf_record_clear(struct spf_record *r);

/** "all", "include", ..., "redirect", "exp", "modifier". */
const char *spf_mech_str(enum spf_mech m);

/** Does mechanism or modifier m make a DNS lookup that counts toward
 * SPF_LOOKUP_LIMIT? */
bool spf_mech_counts(enum spf_mech m);

/** The term as written back: "-all", "include:_spf.example.org",
 * "ip4:192.0.2.0/24", "redirect=example.org", "a:%{d}/24//64", escaped,
 * into buf.  Returns buf. */
char *spf_term_str(const struct spf_term *t, char *buf, size_t buflen);

/* ---- the walk: check_host's lookups, in term order (pure) ---- */

/** What an asked name is for. */
enum spf_purpose {
	SPF_NEED_RECORD,	/* a policy record (TXT) */
	SPF_NEED_ADDR,		/* addresses (a, exists) */
	SPF_NEED_MX		/* an MX set (mx) */
};

/** How a walk ended (RFC 7208 section 2.6). */
enum spf_status {
	SPF_STATUS_OK = 0,	/* evaluated to the end */
	SPF_STATUS_PERMERROR,	/* the published records are wrong */
	SPF_STATUS_TEMPERROR	/* a lookup failed: try again later */
};

/** What a walk needs answered: qname and qtype (1 A, 28 AAAA, 15 MX,
 * 16 TXT). */
struct spf_need {
	char name[256];
	uint16_t qtype;
	/* The walk's own bookkeeping. */
	enum spf_purpose purpose;
	const char *via;	/* "domain", "include", "redirect", "a",
				   "mx", "exists" */
	int pair;
	bool fed;
};

/** One answer fed to a walk. */
struct spf_answer {
	int rcode;		/* 0 NOERROR, 3 NXDOMAIN, ... */
	bool timed_out;
	int sec;		/* enum truth_sec of the answer */
	const char *const *rdata;	/* the records' rdata in presentation
				   form (TXT: the strings joined, unquoted) */
	const size_t *len;	/* their lengths (a TXT string may hold a NUL);
				   NULL: each is NUL-terminated */
	size_t n;
};

#define SPF_WALK_NEEDS_MAX 2	/* questions of one step (A and AAAA) */
#define SPF_WALK_RECORDS_MAX 24	/* records one walk parses */
#define SPF_WALK_DEPTH_MAX 16	/* includes open at once */

/** The walk of one domain's SPF policy as check_host (RFC 7208 section
 * 4.6) evaluates it for a sender that no term matches (a checker's worst
 * case): term by term, depth first through include and redirect, one DNS
 * question at a time, counting lookups and void lookups as section 4.6.4
 * says and stopping at the first term over a limit (so the counts agree
 * with pyspf's).  'all' ends a record.  Terms with macros are counted but
 * not followed (their names depend on the sender); ptr is counted, not
 * asked. */
struct spf_walk {
	char domain[256];
	unsigned lookups;	/* terms that count, all records */
	unsigned voids;		/* lookups that gave no records */
	unsigned mx_names;	/* most MX exchanges of one mx term */
	bool loop;		/* an include came back to a record being
				   evaluated */
	bool done;
	struct spf_need need[SPF_WALK_NEEDS_MAX];	/* this step's */
	size_t nneed;
	struct spf_pair {
		int left;		/* answers still to come */
		size_t records;
	} pairs[1];
	/* The records being evaluated, innermost last. */
	struct spf_frame {
		size_t rec;		/* index in rec[] */
		size_t term;		/* the next term */
		bool redirected;
	} frames[SPF_WALK_DEPTH_MAX];
	size_t depth;
	/* The records followed: domain, how reached, the parse.  Owned,
	 * grown as records are followed (at most SPF_WALK_RECORDS_MAX): a
	 * survey holds many walks at once, most of one record. */
	struct spf_walked {
		char domain[256];
		const char *via;	/* "domain", "include", "redirect" */
		int sec;		/* of its TXT answer */
		bool found;
		struct spf_record rec;
	} *rec;
	size_t nrec, reccap;
	struct mail_findings findings;	/* about the policy as a whole */
	enum spf_status status;
};

/** Start walking domain's policy: the first need is its TXT. */
void spf_walk_init(struct spf_walk *w, const char *domain);

/** Feed the answer to a need of this step (found by name and type).
 * Returns 0, or -1 when no such need is waiting.  After every need of a
 * step is fed (or given up: feed a timed-out answer), call
 * spf_walk_step. */
int spf_walk_feed(struct spf_walk *w, const char *name, uint16_t qtype,
	const struct spf_answer *a);

/** Go on: evaluate terms up to the next one that needs DNS.  Returns the
 * number of new needs (0: the walk is done, w->done). */
size_t spf_walk_step(struct spf_walk *w);

/** Free what the walk owns. */
void spf_walk_clear(struct spf_walk *w);

#endif

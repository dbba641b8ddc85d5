/* dmarc.h: the DMARC record (RFC 7489 section 6.3) as data: its tags
 * (v, p, sp, pct, rua, ruf, adkim, aspf, fo, ri, rf), their values checked,
 * and findings about what the policy says.  Pure: no I/O.  Which record
 * applies (the domain's or its organizational domain's, found with the
 * Public Suffix List) is the engine's (mail/check.c). */
#ifndef MAIL_DMARC_H
#define MAIL_DMARC_H
#include <stddef.h>
#include <stdbool.h>
#include "mail/finding.h"
#include "mail/fields.h"

#define DMARC_TEXT_MAX 4096	/* bytes of one record; longer is an error */

enum dmarc_policy { DMARC_NONE, DMARC_QUARANTINE, DMARC_REJECT,
	DMARC_POLICY_UNSET };

struct dmarc_record {
	enum dmarc_policy p, sp;	/* sp unset: p applies (6.3) */
	bool p_given;
	int pct;			/* 0..100, 100 when not given */
	char adkim, aspf;		/* 'r' or 's' */
	char fo[16];			/* "0" when not given */
	unsigned long ri;		/* 86400 when not given */
	struct mail_uris rua, ruf;
	bool syntax_ok;		/* usable: v=DMARC1 first, no MAIL_ERROR */
	struct mail_findings findings;
};

/** Does this TXT string start a DMARC record: "v" "=" "DMARC1" with
 * optional spaces around the '=', then ';' or the end (section 6.6.3:
 * records that do not are discarded)? */
bool dmarc_is_record(const char *txt, size_t len);

/** Parse len bytes into *r.  Errors (MAIL_ERROR, "dmarc-syntax"): not
 * v=DMARC1 first, a tag without '=', a bad value of p, sp, pct, adkim,
 * aspf, fo, ri, a rua/ruf entry that is not a URI, a tag given twice.
 * Without p but with a valid rua the record counts as p=none (section
 * 6.6.3, warning "dmarc-no-p"), else it is an error.  Warnings:
 * "dmarc-p-none" (monitoring only), "dmarc-pct" (pct below 100),
 * "dmarc-sp-weaker" (sp=none under a stronger p; a note for another
 * weaker sp).  Notes: "dmarc-no-rua" (no
 * aggregate reports), "dmarc-unknown-tag". */
void dmarc_parse(const char *text, size_t len, struct dmarc_record *r);

/** Free what a parse holds (its findings). */
void dmarc_record_clear(struct dmarc_record *r);

/** "none", "quarantine", "reject", "unset". */
const char *dmarc_policy_str(enum dmarc_policy p);

#endif

/* mtasts.h: MTA-STS (RFC 8461): the _mta-sts TXT record (section 3.1:
 * v=STSv1; id=1*32 alphanumerics), the policy file served at
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt (section 3.2: version,
 * mode, max_age, mx patterns) and the matching of an MX host against the
 * patterns (section 4.1: a wildcard only as the whole leftmost label,
 * standing for exactly one label).  Pure: no I/O. */
#ifndef MAIL_MTASTS_H
#define MAIL_MTASTS_H
#include <stddef.h>
#include <stdbool.h>
#include "mail/finding.h"

#define MTASTS_TEXT_MAX 4096	/* bytes of the TXT record */
#define MTASTS_POLICY_MAX 65536	/* bytes of a policy file (fetch cap) */
#define MTASTS_MAX_AGE_MAX 31557600UL	/* about a year (section 3.2) */

struct mtasts_txt {
	char id[33];		/* 1..32 alphanumerics, "" if none */
	bool syntax_ok;
	struct mail_findings findings;
};

/** Does this TXT string start with "v=STSv1" (case-sensitive) followed by
 * ';', spaces or the end (section 3.1: others are discarded)? */
bool mtasts_is_txt(const char *txt, size_t len);

/** Parse the TXT record.  Errors ("mtasts-txt-syntax"): not v=STSv1
 * first, no id=, an id that is not 1..32 letters and digits, id twice, a
 * field that is not name=value. */
void mtasts_txt_parse(const char *text, size_t len, struct mtasts_txt *r);

enum mtasts_mode { MTASTS_ENFORCE, MTASTS_TESTING, MTASTS_NONE,
	MTASTS_MODE_UNSET };

struct mtasts_policy {
	enum mtasts_mode mode;
	unsigned long max_age;	/* seconds; 0 when missing */
	bool has_max_age;
	/* Every mx pattern, lowercase, no final dot: RFC 8461 sets no
	 * limit; the policy's own size cap (MTASTS_POLICY_MAX) bounds them.
	 * Owned. */
	char (*mx)[256];
	size_t nmx, mxcap;
	bool syntax_ok;		/* version, mode and max_age valid; mx
				   present unless mode none */
	struct mail_findings findings;
};

/** Parse a policy file (len bytes; lines end in LF or CRLF; "key: value").
 * Errors ("mtasts-policy-syntax"): version missing or not STSv1, mode
 * missing or not enforce/testing/none, max_age missing, not 1..10 digits
 * or above MTASTS_MAX_AGE_MAX, an mx pattern that is not a domain (a '*'
 * anywhere but as the whole leftmost label), no mx unless mode is none, a
 * line without ':', a NUL byte, a policy over MTASTS_POLICY_MAX.
 * Warnings: "mtasts-testing" (mode testing: failures are only reported),
 * "mtasts-mode-none", "mtasts-short-max-age" (below a day), a field other
 * than mx given twice ("mtasts-duplicate"; the first counts).  Unknown
 * fields: a note. */
void mtasts_policy_parse(const char *text, size_t len,
	struct mtasts_policy *p);

/** "enforce", "testing", "none", "unset". */
const char *mtasts_mode_str(enum mtasts_mode m);

/** Does host (an MX name, any case, trailing dot or not) match pattern
 * (as mtasts_policy_parse keeps it) by section 4.1? */
/** Free what a parse of the TXT record or of a policy holds. */
void mtasts_txt_clear(struct mtasts_txt *r);
void mtasts_policy_clear(struct mtasts_policy *p);

bool mtasts_mx_match(const char *pattern, const char *host);

/** Index of the first pattern of p that host matches, or -1. */
int mtasts_policy_match(const struct mtasts_policy *p, const char *host);

#endif

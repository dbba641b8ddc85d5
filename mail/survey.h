/* survey.h: reading back the JSON Lines of a mail survey (resolver-probe
 * mail): the domains already done (mail --resume) and, for report, each
 * line's per-check verdicts.  Pure apart from reading the stream the
 * caller opened; JSON read with json-c. */
#ifndef MAIL_SURVEY_H
#define MAIL_SURVEY_H
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include "common/strset.h"

/** The cap on a survey's line, the newline not counted: mail writes no
 * longer line, and reading one back holds no more. */
#define MAIL_SURVEY_LINE_MAX (1u << 20)

/** Read the complete lines of in (name for messages) with the bounded
 * line reader: each must be a mail result (an object with a string
 * "domain" and "kind": "mail"); the domains go to a new sorted array
 * *domains (free each, then the array) of *n.  *good_len is the bytes of
 * complete lines (a last line without its newline is not counted:
 * truncate the file to good_len).  Returns 0, or -1 with "name:LINE:
 * reason" in err: a line that is not a mail result or is longer than
 * MAIL_SURVEY_LINE_MAX, a read error, out of memory. */
int mail_survey_domains(FILE *in, const char *name, char ***domains,
	size_t *n, size_t *good_len, char *err, size_t errlen);

/** Does the sorted array hold domain (compared lowercase, without a
 * trailing dot)? */
bool mail_survey_has(char *const *domains, size_t n, const char *domain);

/** Is this JSON line a mail survey line ("kind": "mail")?  A cheap test
 * on the first bytes, for report to tell survey files from scans. */
bool mail_survey_line(const char *line, size_t len);

/** What an earlier survey saw of a domain's MTA-STS (mail --previous). */
struct mail_previous {
	char domain[256];
	char id[33];		/* the _mta-sts id, "" none */
	char sha256[65];	/* of the policy body, "" none */
};

/** Read an earlier survey's complete lines (as mail_survey_domains does)
 * into a new array sorted by domain (*prev, free it).  Returns 0, or -1
 * with "name:LINE: reason" in err. */
int mail_survey_previous(FILE *in, const char *name,
	struct mail_previous **prev, size_t *n, char *err, size_t errlen);

/** The entry for domain (lowercase, no trailing dot), or NULL. */
const struct mail_previous *mail_previous_find(
	const struct mail_previous *prev, size_t n, const char *domain);

/* ---- the adoption summary of a survey (report) ---- */

#define MAIL_SURVEY_CHECKS 7	/* dnssec dane mta_sts tls_rpt spf dmarc
				   starttls, the order of the output */
#define MAIL_SURVEY_VERDICTS 5	/* error fail none warn pass */
#define MAIL_SURVEY_OVERALLS 5	/* incomplete broken weak protected no-mail */
#define MAIL_SURVEY_CODES 64	/* distinct finding codes counted */

/** Counts over a survey's lines.  Bounded: memory does not grow with the
 * number of domains (the MX hosts are a strset).  A zeroed struct is an
 * empty summary; free with mail_summary_clear. */
struct mail_summary {
	/* Where the domains' mail goes: the paper's "276,337 mail servers
	 * for 841,619 domains". */
	uint64_t with_mx;		/* domains naming at least one host */
	uint64_t mx_names;		/* MX host names over all domains */
	struct strset mx;		/* each host with the domains naming it
					   (a domain's serial: with_mx) */
	uint64_t domains, malformed;
	uint64_t overall[MAIL_SURVEY_OVERALLS];
	uint64_t checks[MAIL_SURVEY_CHECKS][MAIL_SURVEY_VERDICTS];
	struct {
		char code[48];
		uint64_t domains;	/* domains where a check had this code
					   and did not pass */
	} codes[MAIL_SURVEY_CODES];
	size_t ncodes;
	uint64_t codes_other;	/* codes past the table, per domain */
};

/** The names, in the summary's order. */
extern const char *const mail_survey_check_names[MAIL_SURVEY_CHECKS];
extern const char *const mail_survey_verdict_names[MAIL_SURVEY_VERDICTS];
extern const char *const mail_survey_overall_names[MAIL_SURVEY_OVERALLS];

/** Count one JSON line of a survey (len bytes).  Returns 0, or -1 with a
 * reason in err (not JSON, not a mail line, an unknown verdict). */
int mail_summary_add(struct mail_summary *s, const char *line, size_t len,
	char *err, size_t errlen);

/** Count one domain's MX host names (n of them, each counted once per
 * domain; lowercased, a trailing dot added).  Distinct hosts and the most
 * common: strset_unique and strset_top on s->mx. */
void mail_summary_add_mx(struct mail_summary *s, const char *const *hosts,
	size_t n);

/** Free what s holds; it is empty afterwards. */
void mail_summary_clear(struct mail_summary *s);

#endif

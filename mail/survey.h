/* survey.h: reading back the JSON Lines of a mail survey (resolver-probe
 * mail): the domains already done (mail --resume) and, for report, each
 * line's per-check verdicts.  Pure apart from reading the stream the
 * caller opened; JSON read with json-c. */
#ifndef MAIL_SURVEY_H
#define MAIL_SURVEY_H
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

/** Read the complete lines of in (name for messages): each must be a mail
 * result (an object with a string "domain" and "kind": "mail"); the
 * domains go to a new sorted array *domains (free each, then the array)
 * of *n.  *good_len is the bytes of complete lines (a last line without
 * its newline is not counted: truncate the file to good_len).  Returns 0,
 * or -1 with "name:LINE: reason" in err. */
int mail_survey_domains(FILE *in, const char *name, char ***domains,
	size_t *n, size_t *good_len, char *err, size_t errlen);

/** Does the sorted array hold domain (compared lowercase, without a
 * trailing dot)? */
bool mail_survey_has(char *const *domains, size_t n, const char *domain);

/** Is this JSON line a mail survey line ("kind": "mail")?  A cheap test
 * on the first bytes, for report to tell survey files from scans. */
bool mail_survey_line(const char *line, size_t len);

#endif

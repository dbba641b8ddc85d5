/* mail_print.h: printing a mail check's result (resolver-probe mail). */
#ifndef PROBE_MAIL_PRINT_H
#define PROBE_MAIL_PRINT_H
#include <stdio.h>
#include "common/json.h"
#include "mail/check.h"
#include "mail/survey.h"

/** Exit status for an overall verdict: 0 protected, 1 weak or broken,
 * 3 incomplete (commands.h). */
int mail_overall_exit(enum mail_overall o);

/** Write the whole result as one JSON object (a JSON line's content):
 * domain, "kind": "mail", verdict, detail, and under "checks" each check
 * with its verdict, detail, findings and evidence. */
void mail_result_json(struct json *j, const struct mail_result *r);

/** Print the result for a person: one block per check with its evidence,
 * then the overall verdict as the last line "DOMAIN VERDICT: why". */
void mail_result_print(FILE *f, const struct mail_result *r);

/** The adoption tables of a mail survey (report): domains per overall
 * verdict, and per check how many passed, warned, lacked it, failed or
 * could not be checked, then the most common codes of checks that did
 * not pass.  Returns 0 or -1 on
 * a write error. */
int mail_summary_print(const struct mail_summary *s, FILE *f);

/** The same as a self-contained HTML page (inline CSS and SVG bars, no
 * scripts); title is escaped.  Returns 0 or -1 on a write error. */
int mail_summary_html(const struct mail_summary *s, FILE *f,
	const char *title);

#endif

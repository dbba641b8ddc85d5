/* judge.h: the mail verdicts, judged once from a check's facts
 * (result.h).  Pure: no sockets, no clock; unit tests judge hand-made
 * facts. */
#ifndef MAIL_JUDGE_H
#define MAIL_JUDGE_H
#include "mail/result.h"

/** Judge r's facts: fill in r->items (verdict, code, detail; findings
 * are added to the MTA-STS and STARTTLS items) and the overall verdict.
 * Call once, when every fact is in.  Facts may be missing: no DANE result
 * (r->dane NULL) is an error for DANE and STARTTLS, no lookup at all (no
 * DANE result and no r->t answers) an error for DNSSEC. */
void mail_judge(struct mail_result *r);

#endif

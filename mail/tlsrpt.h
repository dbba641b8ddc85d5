/* tlsrpt.h: the SMTP TLS Reporting record (RFC 8460 section 3) at
 * _smtp._tls.DOMAIN: "v=TLSRPTv1" and its rua= URIs (mailto: or https:).
 * Pure: no I/O. */
#ifndef MAIL_TLSRPT_H
#define MAIL_TLSRPT_H
#include <stddef.h>
#include <stdbool.h>
#include "mail/finding.h"
#include "mail/fields.h"

#define TLSRPT_TEXT_MAX 4096

struct tlsrpt_record {
	struct mail_uris rua;
	bool syntax_ok;
	struct mail_findings findings;
};

/** Does this TXT string start with "v=TLSRPTv1" (case-sensitive) followed
 * by ';', spaces or the end? */
bool tlsrpt_is_record(const char *txt, size_t len);

/** Parse len bytes into *r.  Errors ("tlsrpt-syntax"): not v=TLSRPTv1
 * first, no rua=, rua= twice, a URI that is not mailto: (with '@') or
 * https: (with a host), a field that is not name=value. */
void tlsrpt_parse(const char *text, size_t len, struct tlsrpt_record *r);

/** Free what a parse holds (its findings). */
void tlsrpt_record_clear(struct tlsrpt_record *r);

#endif

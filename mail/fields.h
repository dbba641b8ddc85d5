/* fields.h: the "name=value; name=value" layout that TLS-RPT (RFC 8460
 * section 3) and the MTA-STS TXT record (RFC 8461 section 3.1) share:
 * fields separated by *WSP ";" *WSP, an optional ';' at the end, names
 * (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), values of visible
 * characters without ';' or '='.  Pure. */
#ifndef MAIL_FIELDS_H
#define MAIL_FIELDS_H
#include <stddef.h>
#include "mail/finding.h"

#define MAIL_FIELDS_MAX 32

struct mail_field {
	const char *name, *value;	/* point into the text */
	size_t nlen, vlen;
};

/** Split len bytes of text into at most max fields.  Each problem is a
 * MAIL_ERROR finding with code (a field without '=', a bad name, an empty
 * value, an empty field before the end, more than max fields).  Values of
 * fields named rua may hold ',' and spaces (checked by the caller).
 * Returns the number of fields. */
size_t mail_fields_split(const char *text, size_t len,
	struct mail_field *f, size_t max, struct mail_findings *fs,
	const char *code);

#define MAIL_URIS_MAX 8		/* report URIs kept per tag */
#define MAIL_URI_MAX 256	/* bytes of one URI kept, escaped */

/** The report URIs of a tag (DMARC rua and ruf, TLS-RPT rua), escaped:
 * each an allocation the list owns, so that a record without them costs
 * nothing. */
struct mail_uris {
	char *v[MAIL_URIS_MAX];
	size_t n;
};

/** Keep an escaped copy of len bytes (cut to MAIL_URI_MAX).  Returns 0,
 * 1 when MAIL_URIS_MAX are kept already (not kept), -1 out of memory. */
int mail_uris_add(struct mail_uris *u, const char *s, size_t len);

/** Free what u holds; it is empty afterwards. */
void mail_uris_clear(struct mail_uris *u);

/** Why a report URI is not one the record's grammar allows, or NULL. */
typedef const char *(*mail_uri_check_fn)(const char *uri, size_t len);

/** Split a tag's value (n bytes) at ',' into URIs, each trimmed of
 * spaces and tabs and checked: a bad one is a MAIL_ERROR finding with
 * code ("TAG=URI: why"), a good one kept in u. */
void mail_uris_parse(struct mail_uris *u, const char *s, size_t n,
	mail_uri_check_fn check, struct mail_findings *fs, const char *code,
	const char *tag);

#endif

/* tlsrpt.c: TLS-RPT records (RFC 8460) parsed and checked (tlsrpt.h). */
#include "config.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "mail/tlsrpt.h"
#include "mail/fields.h"

#define ESC(buf, p, n) mail_escape((p), (n), (buf), sizeof(buf))

bool tlsrpt_is_record(const char *txt, size_t len)
{
	return len >= 10 && !strncmp(txt, "v=TLSRPTv1", 10) &&
		(len == 10 || txt[10] == ';' || txt[10] == ' ' ||
		txt[10] == '\t');
}

/* One tlsrpt-uri: mailto:LOCAL@DOMAIN or https://HOST...; NULL or what
 * is wrong. */
static const char *uri_check(const char *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c))
			return "a character not allowed in a URI";
	}
	if (n > 7 && !strncasecmp(u, "mailto:", 7)) {
		const char *at = memchr(u + 7, '@', n - 7);
		if (!at || at == u + 7 || at == u + n - 1)
			return "a mailto: URI needs LOCAL@DOMAIN";
		return NULL;
	}
	if (n > 8 && !strncasecmp(u, "https://", 8)) {
		if (u[8] == '/' || u[8] == '?' || u[8] == '#')
			return "an https: URI without a host";
		return NULL;
	}
	return "only mailto: and https: URIs are defined (section 3)";
}

void tlsrpt_parse(const char *text, size_t len, struct tlsrpt_record *r)
{
	char e1[120];
	memset(r, 0, sizeof(*r));
	if (len > TLSRPT_TEXT_MAX) {
		mail_finding_add(&r->findings, MAIL_ERROR, "tlsrpt-syntax",
			"the record is %zu bytes long (over %d)", len,
			TLSRPT_TEXT_MAX);
		return;
	}
	if (!tlsrpt_is_record(text, len)) {
		mail_finding_add(&r->findings, MAIL_ERROR, "tlsrpt-syntax",
			"does not start with v=TLSRPTv1: %s",
			ESC(e1, text, len));
		return;
	}
	struct mail_field f[MAIL_FIELDS_MAX];
	size_t nf = mail_fields_split(text, len, f, MAIL_FIELDS_MAX,
		&r->findings, "tlsrpt-syntax");
	bool rua = false;
	for (size_t i = 1; i < nf; i++) {
		if (f[i].nlen != 3 || strncmp(f[i].name, "rua", 3))
			continue;	/* an extension: ignored */
		if (rua) {
			mail_finding_add(&r->findings, MAIL_ERROR,
				"tlsrpt-syntax", "rua= given twice");
			continue;
		}
		rua = true;
		mail_uris_parse(&r->rua, f[i].value, f[i].vlen, uri_check,
			&r->findings, "tlsrpt-syntax", "rua");
	}
	if (!rua)
		mail_finding_add(&r->findings, MAIL_ERROR, "tlsrpt-syntax",
			"no rua= (REQUIRED, section 3)");
	r->syntax_ok = r->findings.errors == 0;
}

void tlsrpt_record_clear(struct tlsrpt_record *r)
{
	mail_findings_clear(&r->findings);
	mail_uris_clear(&r->rua);
}

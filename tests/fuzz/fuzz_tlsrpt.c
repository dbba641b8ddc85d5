/* fuzz_tlsrpt.c: the TLS-RPT record parser (tlsrpt_parse) on any bytes:
 * a valid record has an rua, URIs within caps, findings printable.
 * Input: the record text. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include "mail/tlsrpt.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_record r;
	tlsrpt_parse((const char *)data, size, &r);
	expect(r.syntax_ok == (r.findings.errors == 0), "syntax_ok");
	expect(!r.syntax_ok || r.rua.n > 0, "a valid record has an rua");
	expect(r.rua.n <= MAIL_URIS_MAX, "uris cap");
	for (size_t i = 0; i < r.rua.n; i++) {
		expect(strlen(r.rua.v[i]) < MAIL_URI_MAX, "uri cap");
		expect(!strncmp(r.rua.v[i], "mailto:", 7) ||
			!strncmp(r.rua.v[i], "https://", 8) ||
			!strncasecmp(r.rua.v[i], "mailto:", 7) ||
			!strncasecmp(r.rua.v[i], "https://", 8), "uri scheme");
	}
	for (size_t i = 0; i < r.findings.n; i++)
		for (const unsigned char *t = (const unsigned char *)
		     r.findings.f[i].text; *t; t++)
			expect(*t >= 0x20 && *t != 0x7f, "finding printable");
	tlsrpt_record_clear(&r);
	return 0;
}

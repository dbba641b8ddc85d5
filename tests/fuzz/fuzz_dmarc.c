/* fuzz_dmarc.c: the DMARC record parser (dmarc_parse) on any bytes: values
 * in range, URIs within their caps, findings printable.  Input: the
 * record text. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "mail/dmarc.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record r;
	dmarc_parse((const char *)data, size, &r);
	expect(r.syntax_ok == (r.findings.errors == 0), "syntax_ok");
	expect(r.pct >= 0 && r.pct <= 100, "pct 0..100");
	expect(r.adkim == 'r' || r.adkim == 's', "adkim");
	expect(r.aspf == 'r' || r.aspf == 's', "aspf");
	expect(!r.syntax_ok || r.p != DMARC_POLICY_UNSET, "a valid record "
		"has a policy");
	expect(r.rua.n <= MAIL_URIS_MAX && r.ruf.n <= MAIL_URIS_MAX, "uris");
	for (size_t i = 0; i < r.rua.n; i++)
		expect(strlen(r.rua.v[i]) < MAIL_URI_MAX, "uri cap");
	for (size_t i = 0; i < r.findings.n; i++)
		for (const unsigned char *t = (const unsigned char *)
		     r.findings.f[i].text; *t; t++)
			expect(*t >= 0x20 && *t != 0x7f, "finding printable");
	dmarc_is_record((const char *)data, size);
	dmarc_record_clear(&r);
	return 0;
}

/* test_tlsrpt.c: TLS-RPT record parsing (RFC 8460 section 3), table
 * driven. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mail/tlsrpt.h"
#include "tests/tap.h"

static const struct {
	const char *rec;
	bool syntax_ok;
	size_t nrua;
} cases[] = {
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.org", true, 1 },
	{ "v=TLSRPTv1;rua=mailto:a@x.org,https://r.example/tlsrpt", true, 2 },
	{ "v=TLSRPTv1; rua=mailto:a@x.org , mailto:b@y.org;", true, 2 },
	{ "v=TLSRPTv1; rua=https://r.example/x?a=b; ext_1=val", true, 1 },
	{ "v=TLSRPTv1", false, 0 },
	{ "v=TLSRPTv1;", false, 0 },
	{ "v=tlsrptv1; rua=mailto:a@x.org", false, 0 },
	{ "v=TLSRPTv2; rua=mailto:a@x.org", false, 0 },
	{ "v=TLSRPTv1; rua=http://r.example/x", false, 0 },
	{ "v=TLSRPTv1; rua=mailto:nobody", false, 0 },
	{ "v=TLSRPTv1; rua=https:///path", false, 0 },
	{ "v=TLSRPTv1; rua=mailto:a@x.org; rua=mailto:b@x.org", false, 1 },
	{ "v=TLSRPTv1; rua=mailto:a@x.org;; x=y", false, 1 },
	{ "v=TLSRPTv1; rua", false, 0 },
	{ "v=TLSRPTv1; -x=1; rua=mailto:a@x.org", false, 1 },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tlsrpt_record r;
		tlsrpt_parse(cases[i].rec, strlen(cases[i].rec), &r);
		bool good = r.syntax_ok == cases[i].syntax_ok &&
			r.rua.n == cases[i].nrua &&
			(r.syntax_ok || mail_findings_has(&r.findings,
			"tlsrpt-syntax"));
		ok(good, "\"%s\": %s, %zu rua", cases[i].rec,
			cases[i].syntax_ok ? "valid" : "invalid",
			cases[i].nrua);
		if (!good)
			for (size_t k = 0; k < r.findings.n; k++)
				printf("#   %s: %s\n", r.findings.f[k].code,
					r.findings.f[k].text);
		tlsrpt_record_clear(&r);
	}
	ok(tlsrpt_is_record("v=TLSRPTv1;", 11) &&
		!tlsrpt_is_record("v=TLSRPTv10", 11), "tlsrpt_is_record");
	return tap_done();
}

/* test_dmarc.c: DMARC record parsing (RFC 7489 section 6), table driven. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mail/dmarc.h"
#include "tests/tap.h"

static const struct {
	const char *rec;
	bool syntax_ok;
	const char *code;
	int p, sp, pct;
	size_t nrua;
} cases[] = {
	{ "v=DMARC1; p=reject; rua=mailto:d@example.org", true, NULL,
		DMARC_REJECT, DMARC_POLICY_UNSET, 100, 1 },
	{ "v=DMARC1;p=quarantine;pct=50;rua=mailto:a@x.org,mailto:b@y.org!10m",
		true, "dmarc-pct", DMARC_QUARANTINE, DMARC_POLICY_UNSET, 50, 2 },
	{ " v = DMARC1 ; p = none ; sp = reject ", true, "dmarc-p-none",
		DMARC_NONE, DMARC_REJECT, 100, 0 },
	{ "v=DMARC1; p=none", true, "dmarc-no-rua", DMARC_NONE,
		DMARC_POLICY_UNSET, 100, 0 },
	{ "v=DMARC1; p=reject; sp=none; rua=mailto:x@y.org", true,
		"dmarc-sp-weaker", DMARC_REJECT, DMARC_NONE, 100, 1 },
	{ "v=DMARC1; rua=mailto:x@y.org", true, "dmarc-no-p", DMARC_NONE,
		DMARC_POLICY_UNSET, 100, 1 },
	{ "v=DMARC1; p=reject; adkim=s; aspf=r; fo=1:d; ri=3600; rf=afrf; "
		"ruf=mailto:f@x.org; rua=https://r.example/x", true, NULL,
		DMARC_REJECT, DMARC_POLICY_UNSET, 100, 1 },
	{ "v=DMARC1; p=reject; future=1", true, "dmarc-unknown-tag",
		DMARC_REJECT, DMARC_POLICY_UNSET, 100, 0 },
	{ "v=DMARC1; p=reject;", true, NULL, DMARC_REJECT,
		DMARC_POLICY_UNSET, 100, 0 },
	/* errors */
	{ "v=DMARC1", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "p=reject; v=DMARC1", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=dmarc1; p=reject", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=block", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; pct=101", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; pct=-1", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; pct=", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; adkim=x", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; fo=2", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; fo=1:", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; ri=ten", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; rua=d@example.org", false, "dmarc-syntax", -1,
		-1, 100, 0 },
	{ "v=DMARC1; p=reject; rua=mailto:example.org", false,
		"dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; rua=mailto:a@b.org!x", false, "dmarc-syntax",
		-1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; p=none", false, "dmarc-syntax", -1, -1, 100,
		0 },
	{ "v=DMARC1; p=reject; junk", false, "dmarc-syntax", -1, -1, 100, 0 },
	{ "v=DMARC1; p=reject; rua=mailto:a b@c.org", false, "dmarc-syntax",
		-1, -1, 100, 0 },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct dmarc_record r;
		dmarc_parse(cases[i].rec, strlen(cases[i].rec), &r);
		bool good = r.syntax_ok == cases[i].syntax_ok &&
			(!cases[i].code || mail_findings_has(&r.findings,
			cases[i].code)) && r.pct == cases[i].pct &&
			r.rua.n == cases[i].nrua;
		if (cases[i].p >= 0)
			good = good && (int)r.p == cases[i].p &&
				(int)r.sp == cases[i].sp;
		ok(good, "\"%s\": %s%s%s", cases[i].rec,
			cases[i].syntax_ok ? "valid" : "invalid",
			cases[i].code ? ", " : "",
			cases[i].code ? cases[i].code : "");
		if (!good)
			for (size_t k = 0; k < r.findings.n; k++)
				printf("#   %s: %s\n", r.findings.f[k].code,
					r.findings.f[k].text);
		dmarc_record_clear(&r);
	}
	ok(dmarc_is_record("v=DMARC1", 8) && dmarc_is_record("v=DMARC1;", 9) &&
		!dmarc_is_record("v=DMARC10", 9) &&
		!dmarc_is_record("v=spf1", 6), "dmarc_is_record");
	return tap_done();
}

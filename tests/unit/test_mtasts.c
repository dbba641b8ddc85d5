/* test_mtasts.c: the MTA-STS TXT record, the policy file and MX pattern
 * matching (RFC 8461 sections 3.1, 3.2 and 4.1), table driven. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mail/mtasts.h"
#include "tests/tap.h"

static const struct {
	const char *rec;
	bool syntax_ok;
	const char *id;
} txts[] = {
	{ "v=STSv1; id=20260101T000000", true, "20260101T000000" },
	{ "v=STSv1;id=abc;", true, "abc" },
	{ "v=STSv1; id=abc; ext=1", true, "abc" },
	{ "v=STSv1;  id=12345678901234567890123456789012", true,
		"12345678901234567890123456789012" },
	{ "v=STSv1; id=123456789012345678901234567890123", false, "" },
	{ "v=STSv1; id=", false, "" },
	{ "v=STSv1; id=ab-cd", false, "" },
	{ "v=STSv1", false, "" },
	{ "v=stsv1; id=abc", false, "" },
	{ "v=STSv2; id=abc", false, "" },
	{ "id=abc; v=STSv1", false, "" },
	{ "v=STSv1; id=a; id=b", false, "a" },
};

static const struct {
	const char *policy;
	bool syntax_ok;
	const char *code;
	int mode;
	unsigned long max_age;
	size_t nmx;
} policies[] = {
	{ "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\n"
		"mx: *.example.net\r\nmax_age: 604800\r\n", true, NULL,
		MTASTS_ENFORCE, 604800, 2 },
	{ "version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 86400",
		true, "mtasts-testing", MTASTS_TESTING, 86400, 1 },
	{ "version: STSv1\nmode: none\nmax_age: 86400\n", true,
		"mtasts-mode-none", MTASTS_NONE, 86400, 0 },
	{ "version:STSv1\nmode:enforce\nmx:mx.example.org.\nmax_age:300\n",
		true, "mtasts-short-max-age", MTASTS_ENFORCE, 300, 1 },
	{ "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: "
		"31557600\nfuture: x\n", true, "mtasts-unknown-field",
		MTASTS_ENFORCE, 31557600, 1 },
	{ "version: STSv1\nmode: enforce\nmode: none\nmx: mx.example.org\n"
		"max_age: 86400\n", true, "mtasts-duplicate", MTASTS_ENFORCE,
		86400, 1 },
	/* errors */
	{ "version: STSv1\nmode: enforce\nmx: mx.example.org\n", false,
		"mtasts-policy-syntax", MTASTS_ENFORCE, 0, 1 },
	{ "version: STSv1\nmode: enforce\nmax_age: 86400\n", false,
		"mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 86400\n",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 1 },
	{ "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 86400\n",
		false, "mtasts-policy-syntax", MTASTS_MODE_UNSET, 86400, 1 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 0, 1 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 0, 1 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: "
		"99999999999\n", false, "mtasts-policy-syntax", MTASTS_ENFORCE,
		0, 1 },
	{ "version: STSv1\nmode: enforce\nmx: mx*.example.org\nmax_age: 86400",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.*.example.org\nmax_age: 86400",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "version: STSv1\nmode: enforce\nmx: *.org\nmax_age: 86400", false,
		"mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "version: STSv1\nmode: enforce\nmx: *\nmax_age: 86400", false,
		"mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a_b.example\nmax_age: 86400",
		false, "mtasts-policy-syntax", MTASTS_ENFORCE, 86400, 0 },
	{ "<html>Not Found</html>\n", false, "mtasts-policy-syntax",
		MTASTS_MODE_UNSET, 0, 0 },
	{ "", false, "mtasts-policy-syntax", MTASTS_MODE_UNSET, 0, 0 },
};

static const struct {
	const char *pattern, *host;
	bool match;
} matches[] = {
	{ "mx.example.org", "mx.example.org", true },
	{ "mx.example.org", "MX.Example.ORG.", true },
	{ "mx.example.org", "mx2.example.org", false },
	{ "*.example.org", "mx.example.org", true },
	{ "*.example.org", "mx.EXAMPLE.org.", true },
	{ "*.example.org", "example.org", false },
	{ "*.example.org", "a.b.example.org", false },
	{ "*.example.org", ".example.org", false },
	{ "*.example.org", "mx.example.org.evil", false },
	{ "*.example.org", "mxexample.org", false },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(txts) / sizeof(*txts); i++) {
		struct mtasts_txt r;
		mtasts_txt_parse(txts[i].rec, strlen(txts[i].rec), &r);
		ok(r.syntax_ok == txts[i].syntax_ok && !strcmp(r.id, txts[i].id)
			&& (r.syntax_ok || mail_findings_has(&r.findings,
			"mtasts-txt-syntax")), "TXT \"%s\": %s, id \"%s\"",
			txts[i].rec, txts[i].syntax_ok ? "valid" : "invalid",
			r.id);
		mtasts_txt_clear(&r);
	}
	for (size_t i = 0; i < sizeof(policies) / sizeof(*policies); i++) {
		struct mtasts_policy p;
		mtasts_policy_parse(policies[i].policy,
			strlen(policies[i].policy), &p);
		bool good = p.syntax_ok == policies[i].syntax_ok &&
			(int)p.mode == policies[i].mode &&
			p.max_age == policies[i].max_age &&
			p.nmx == policies[i].nmx && (!policies[i].code ||
			mail_findings_has(&p.findings, policies[i].code));
		ok(good, "policy %zu: %s%s%s", i, policies[i].syntax_ok ?
			"valid" : "invalid", policies[i].code ? ", " : "",
			policies[i].code ? policies[i].code : "");
		if (!good)
			for (size_t k = 0; k < p.findings.n; k++)
				printf("#   %s: %s\n", p.findings.f[k].code,
					p.findings.f[k].text);
		mtasts_policy_clear(&p);
	}
	struct mtasts_policy p;
	const char *pol = "version: STSv1\nmode: enforce\nmx: MX1.Example.org.\n"
		"mx: *.example.net\nmax_age: 86400\n";
	mtasts_policy_parse(pol, strlen(pol), &p);
	ok(!strcmp(p.mx[0], "mx1.example.org"), "patterns kept lowercase, "
		"no trailing dot");
	ok(mtasts_policy_match(&p, "mx1.example.org.") == 0 &&
		mtasts_policy_match(&p, "b.example.net") == 1 &&
		mtasts_policy_match(&p, "mx2.example.org") == -1,
		"mtasts_policy_match");
	for (size_t i = 0; i < sizeof(matches) / sizeof(*matches); i++)
		ok(mtasts_mx_match(matches[i].pattern, matches[i].host) ==
			matches[i].match, "%s %s %s", matches[i].host,
			matches[i].match ? "matches" : "does not match",
			matches[i].pattern);
	mtasts_policy_clear(&p);
	char big[MTASTS_POLICY_MAX + 2];
	memset(big, 'a', sizeof(big));
	mtasts_policy_parse(big, sizeof(big), &p);
	ok(!p.syntax_ok, "a policy over the cap is refused");
	mtasts_policy_clear(&p);
	mtasts_policy_parse("version: STSv1\0x", 16, &p);
	ok(!p.syntax_ok, "a NUL byte is refused");
	mtasts_policy_clear(&p);
	/* RFC 8461 sets no limit on mx patterns: the 40th is kept and
	 * matched like the first. */
	static char many[8192];
	size_t l = (size_t)snprintf(many, sizeof(many),
		"version: STSv1\nmode: enforce\nmax_age: 86400\n");
	for (int k = 1; k <= 40; k++)
		l += (size_t)snprintf(many + l, sizeof(many) - l,
			"mx: mx%d.example.org\n", k);
	mtasts_policy_parse(many, l, &p);
	ok(p.syntax_ok && p.nmx == 40 && p.findings.n == 0 &&
		mtasts_policy_match(&p, "mx40.example.org.") == 39,
		"40 mx patterns: all kept, the 40th matches (%zu kept)", p.nmx);
	mtasts_policy_clear(&p);
	return tap_done();
}

/* test_spf.c: SPF record parsing (RFC 7208 section 12's ABNF), table
 * driven, and the walk that follows includes, redirects, a, mx and exists
 * and counts lookups and void lookups, fed scripted answers. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mail/spf.h"
#include "tests/tap.h"

static const struct {
	const char *rec;
	bool syntax_ok;
	const char *code;	/* a finding that must be there, or NULL */
	size_t nterms;		/* -1: do not check */
	unsigned lookups;
} cases[] = {
	{ "v=spf1 -all", true, NULL, 1, 0 },
	{ "V=SPF1 -ALL", true, NULL, 1, 0 },
	{ "v=spf1", true, "spf-no-all", 0, 0 },
	{ "v=spf1 +all", true, "spf-plus-all", 1, 0 },
	{ "v=spf1 all", true, "spf-plus-all", 1, 0 },
	{ "v=spf1 ?all", true, "spf-neutral-all", 1, 0 },
	{ "v=spf1 ~all", true, "spf-softfail-all", 1, 0 },
	{ "v=spf1 ptr -all", true, "spf-ptr", 2, 1 },
	{ "v=spf1 ptr:example.org -all", true, "spf-ptr", 2, 1 },
	{ "v=spf1  ip4:192.0.2.0/24   ip6:2001:db8::/32 -all ", true, NULL,
		3, 0 },
	{ "v=spf1 ip4:192.0.2.1 ip6:::1 ip6:2001:db8::1/128 -all", true, NULL,
		4, 0 },
	{ "v=spf1 a mx a:mail.example.org mx:example.org/24 a//64 "
		"a:example.org/24//64 -all", true, NULL, 7, 6 },
	{ "v=spf1 include:_spf.google.com include:spf.protection.outlook.com "
		"~all", true, NULL, 3, 2 },
	{ "v=spf1 exists:%{i}.%{l1r+-}._spf.%{d} -all", true, NULL, 2, 1 },
	{ "v=spf1 exists:%{ir}.%{v}._spf.%{d2} -all", true, NULL, 2, 1 },
	{ "v=spf1 redirect=_spf.example.org", true, NULL, 1, 1 },
	{ "v=spf1 -all redirect=_spf.example.org", true,
		"spf-redirect-ignored", 2, 0 },
	{ "v=spf1 exp=explain.%{d} -all", true, NULL, 2, 0 },
	{ "v=spf1 foo=bar -all", true, "spf-unknown-modifier", 2, 0 },
	{ "v=spf1 -all a mx", true, "spf-after-all", 3, 0 },
	{ "v=spf1 include:example.org.", true, NULL, 1, 1 },
	/* syntax errors */
	{ "v=spf10 -all", false, "spf-syntax", 0, 0 },
	{ "spf1 -all", false, "spf-syntax", 0, 0 },
	{ "v=spf1 -al", false, "spf-syntax", 0, 0 },
	{ "v=spf1 all:x", false, "spf-syntax", 0, 0 },
	{ "v=spf1 *all", false, "spf-syntax", 0, 0 },
	{ "v=spf1 include", false, "spf-syntax", 0, 0 },
	{ "v=spf1 include:", false, "spf-syntax", 0, 0 },
	{ "v=spf1 include:localhost -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 include:example.123 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 include:ex..ample.org -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip4:192.0.2.300 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip4:192.0.2.1/33 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip4:192.0.2.1/024 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip4:2001:db8::1 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip6:2001:db8::/129 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 ip6:192.0.2.1 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 a/33 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 a//129 -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 mxx -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 exists:%{x}.example.org -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 exists:%{c}.example.org -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 exists:%{d -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 a:%x.example.org -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 redirect=a.example redirect=b.example", false,
		"spf-syntax", 2, 2 },
	{ "v=spf1 exp=a.example exp=b.example -all", false, "spf-syntax",
		3, 0 },
	{ "v=spf1 a:ex\x01.org -all", false, "spf-syntax", 1, 0 },
	{ "v=spf1 \tall", false, "spf-syntax", 0, 0 },
};

/* Scripted DNS for the walk: NAME TYPE -> rcode and records. */
static const struct zone {
	const char *name;
	uint16_t qtype;
	int rcode;
	const char *rdata[12];
} zone[] = {
	{ "ok.test", 16, 0, { "v=spf1 include:inc.test a mx -all",
		"google-site-verification=x" } },
	{ "inc.test", 16, 0, { "v=spf1 ip4:192.0.2.0/24 -all" } },
	{ "ok.test", 1, 0, { "192.0.2.1" } },
	{ "ok.test", 28, 0, { NULL } },
	{ "ok.test", 15, 0, { "10 mx.ok.test." } },
	/* eleven lookups */
	{ "many.test", 16, 0, { "v=spf1 include:m1.test include:m2.test "
		"include:m3.test -all" } },
	{ "m1.test", 16, 0, { "v=spf1 a:h.test a:h.test a:h.test -all" } },
	{ "m2.test", 16, 0, { "v=spf1 a:h.test a:h.test a:h.test -all" } },
	{ "m3.test", 16, 0, { "v=spf1 a:h.test a:h.test -all" } },
	{ "h.test", 1, 0, { "192.0.2.7" } },
	{ "h.test", 28, 0, { NULL } },
	/* three void lookups */
	{ "void.test", 16, 0, { "v=spf1 a:gone1.test a:gone2.test "
		"exists:gone3.test -all" } },
	{ "gone1.test", 1, 3, { NULL } },
	{ "gone1.test", 28, 3, { NULL } },
	{ "gone2.test", 1, 0, { NULL } },
	{ "gone2.test", 28, 0, { NULL } },
	{ "gone3.test", 1, 3, { NULL } },
	/* a loop, a missing include, two records */
	{ "loop.test", 16, 0, { "v=spf1 include:loop2.test -all" } },
	{ "loop2.test", 16, 0, { "v=spf1 include:loop.test -all" } },
	{ "noinc.test", 16, 0, { "v=spf1 include:none.test -all" } },
	{ "none.test", 16, 0, { "some other text" } },
	{ "two.test", 16, 0, { "v=spf1 -all", "v=spf1 +all" } },
	{ "redir.test", 16, 0, { "v=spf1 redirect=inc.test" } },
	{ "bad-inc.test", 16, 0, { "v=spf1 include:bad.test -all" } },
	{ "bad.test", 16, 0, { "v=spf1 ip4:1.2.3 -all" } },
	{ "fail.test", 16, 2, { NULL } },
};

static void walk(struct spf_walk *w, const char *domain)
{
	spf_walk_init(w, domain);
	for (int steps = 0; !w->done && steps < 30; steps++) {
		for (size_t i = 0; i < w->nneed; i++) {
			const struct spf_need *n = &w->need[i];
			struct spf_answer a = { .rcode = 3 };
			for (size_t z = 0; z < sizeof(zone) / sizeof(*zone);
			     z++)
				if (!strcmp(zone[z].name, n->name) &&
				    zone[z].qtype == n->qtype) {
					a.rcode = zone[z].rcode;
					a.rdata = zone[z].rdata;
					while (a.n < 12 && zone[z].rdata[a.n])
						a.n++;
				}
			spf_walk_feed(w, n->name, n->qtype, &a);
		}
		spf_walk_step(w);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct spf_record r;
		int rc = spf_parse(cases[i].rec, strlen(cases[i].rec), &r);
		bool good = rc == 0 && r.syntax_ok == cases[i].syntax_ok &&
			(!cases[i].code || mail_findings_has(&r.findings,
			cases[i].code)) && r.nterms == cases[i].nterms &&
			r.lookups == cases[i].lookups;
		ok(good, "\"%s\": %s%s%s", cases[i].rec,
			cases[i].syntax_ok ? "valid" : "invalid",
			cases[i].code ? ", " : "",
			cases[i].code ? cases[i].code : "");
		if (!good) {
			printf("# got syntax_ok %d nterms %zu lookups %u\n",
				r.syntax_ok, r.nterms, r.lookups);
			for (size_t k = 0; k < r.findings.n; k++)
				printf("#   %s: %s\n", r.findings.f[k].code,
					r.findings.f[k].text);
		}
		spf_record_clear(&r);
	}

	/* Terms written back. */
	struct spf_record r;
	const char *in = "v=spf1 ?a:mail.example.org/24//64 ip6:2001:db8::/32 "
		"-all redirect=x.example.org";
	spf_parse(in, strlen(in), &r);
	char buf[200], all[600] = "";
	for (size_t k = 0; k < r.nterms; k++) {
		strcat(all, spf_term_str(&r.terms[k], buf, sizeof(buf)));
		strcat(all, " ");
	}
	ok(!strcmp(all, "?a:mail.example.org/24//64 ip6:2001:db8::/32 -all "
		"redirect=x.example.org "), "terms written back: %s", all);
	ok(!strcmp(r.text, in), "the record kept whole: %s", r.text);
	spf_record_clear(&r);

	/* An escaped finding: control characters never reach the text. */
	in = "v=spf1 bad\x1b[2J -all";
	spf_parse(in, strlen(in), &r);
	ok(r.findings.n && strstr(r.findings.f[0].text, "\\x1b[2J") &&
		!strchr(r.findings.f[0].text, 0x1b), "finding text escaped: %s",
		r.findings.n ? r.findings.f[0].text : "");
	spf_record_clear(&r);

	/* A NUL inside the record: a syntax error (permerror), never the
	 * record cut short at it, with the NUL escaped in the evidence. */
	static const char nulrec[] = "v=spf1 mx -all\0 +all";
	spf_parse(nulrec, sizeof(nulrec) - 1, &r);
	ok(!r.syntax_ok && mail_findings_has(&r.findings, "spf-syntax") &&
		strstr(r.findings.f[0].text, "offset 14") &&
		strstr(r.findings.f[0].text, "\\x00 +all"),
		"a NUL byte: spf-syntax, escaped: %s",
		r.findings.n ? r.findings.f[0].text : "");
	spf_record_clear(&r);
	{
		struct spf_walk nw;
		const char *rd[] = { nulrec };
		size_t rl[] = { sizeof(nulrec) - 1 };
		struct spf_answer a = { .rcode = 0, .rdata = rd, .len = rl,
			.n = 1 };
		spf_walk_init(&nw, "nul.test");
		spf_walk_feed(&nw, "nul.test", 16, &a);
		spf_walk_step(&nw);
		ok(nw.done && nw.status == SPF_STATUS_PERMERROR &&
			mail_findings_has(&nw.findings, "spf-syntax"),
			"the walk fed the record with its length: permerror");
		spf_walk_clear(&nw);
	}

	struct spf_walk w;
	walk(&w, "ok.test.");
	ok(w.done && w.status == SPF_STATUS_OK && w.lookups == 3 && w.voids == 0 &&
		w.nrec == 2, "walk ok.test: 3 lookups, 2 records, status 0 "
		"(got %u, %zu, %d)", w.lookups, w.nrec, w.status);
	spf_walk_clear(&w);
	walk(&w, "many.test");
	ok(w.status == SPF_STATUS_PERMERROR && mail_findings_has(&w.findings,
		"spf-too-many-lookups") && w.lookups == 11,
		"walk many.test: 11 lookups, permerror (got %u)", w.lookups);
	spf_walk_clear(&w);
	walk(&w, "void.test");
	ok(w.status == SPF_STATUS_PERMERROR && w.voids == 3 && mail_findings_has(&w.findings,
		"spf-too-many-void-lookups"),
		"walk void.test: 3 void lookups, permerror (got %u)", w.voids);
	spf_walk_clear(&w);
	walk(&w, "loop.test");
	ok(w.status == SPF_STATUS_PERMERROR && w.loop, "walk loop.test: a loop, permerror");
	spf_walk_clear(&w);
	walk(&w, "noinc.test");
	ok(w.status == SPF_STATUS_PERMERROR && mail_findings_has(&w.findings,
		"spf-include-missing") && w.voids == 0,
		"walk noinc.test: include without SPF, permerror");
	spf_walk_clear(&w);
	walk(&w, "two.test");
	ok(w.status == SPF_STATUS_PERMERROR && mail_findings_has(&w.findings, "spf-multiple"),
		"walk two.test: two records, permerror");
	spf_walk_clear(&w);
	walk(&w, "nothing.test");
	ok(w.status == SPF_STATUS_OK && w.nrec == 0 && mail_findings_has(&w.findings,
		"spf-missing"), "walk nothing.test: no record");
	spf_walk_clear(&w);
	walk(&w, "redir.test");
	ok(w.status == SPF_STATUS_OK && w.nrec == 2 && w.lookups == 1 &&
		!strcmp(w.rec[1].via, "redirect"), "walk redir.test: redirect "
		"followed");
	spf_walk_clear(&w);
	walk(&w, "bad-inc.test");
	ok(w.status == SPF_STATUS_PERMERROR && mail_findings_has(&w.findings, "spf-syntax"),
		"walk bad-inc.test: an included record's syntax error");
	spf_walk_clear(&w);
	walk(&w, "fail.test");
	ok(w.status == SPF_STATUS_TEMPERROR && mail_findings_has(&w.findings, "spf-dns-error"),
		"walk fail.test: SERVFAIL is a temperror");
	spf_walk_clear(&w);
	return tap_done();
}

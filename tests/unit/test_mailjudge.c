/* test_mailjudge.c: mail_judge (mail/result.h) on hand-made facts: every
 * verdict and code of each check, the overall verdict, and facts that are
 * missing or contradict each other.  Records are parsed by their own
 * parsers and the SPF policy walked on scripted answers, so the facts are
 * those a check would gather. */
#include "config.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include <openssl/x509.h>
#include "mail/judge.h"
#include "tests/tap.h"

/* One domain's facts, and what they point into. */
struct fx {
	struct mail_result r;
	struct dane_result d;
	struct dane_host h;
	struct starttls_result p[2];
};

#define POLICY_OK "version: STSv1\nmode: enforce\nmx: mx.valid.test\n" \
	"max_age: 604800\n"

/* SPF answers: the TXT records of a name (NULL: NXDOMAIN, "" first: no
 * records), every A is 192.0.2.7 but "gone*" names do not exist,
 * "fail.test" SERVFAILs. */
static void spf_run(struct spf_walk *w, const char *domain,
	const char *const *txt)
{
	spf_walk_init(w, domain);
	for (int steps = 0; !w->done && steps < 30; steps++) {
		for (size_t i = 0; i < w->nneed; i++) {
			const struct spf_need *n = &w->need[i];
			struct spf_answer a = { .rcode = LDNS_RCODE_NOERROR };
			static const char *const addr[] = { "192.0.2.7" };
			if (!strncmp(n->name, "gone", 4))
				a.rcode = LDNS_RCODE_NXDOMAIN;
			else if (!strcmp(n->name, "fail.test"))
				a.rcode = LDNS_RCODE_SERVFAIL;
			else if (n->qtype == LDNS_RR_TYPE_TXT) {
				if (!strcmp(n->name, domain) && txt) {
					a.rdata = txt;
					while (txt[a.n])
						a.n++;
				}
			} else if (n->qtype == LDNS_RR_TYPE_A) {
				a.rdata = addr;
				a.n = 1;
			}
			spf_walk_feed(w, n->name, n->qtype, &a);
		}
		spf_walk_step(w);
	}
}

static void found(struct mail_found *f, const char *name, size_t count)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->asked = true;
	f->rcode = LDNS_RCODE_NOERROR;
	f->sec = TRUTH_SEC_SECURE;
	f->count = count;
	f->ntxt = count;
}

static void set_dmarc(struct fx *x, const char *text)
{
	dmarc_record_clear(&x->r.dmarc);
	found(&x->r.dmarc_dom, "_dmarc.valid.test.", text ? 1 : 0);
	x->r.dmarc_at = text ? &x->r.dmarc_dom : NULL;
	if (text)
		dmarc_parse(text, strlen(text), &x->r.dmarc);
}

static void set_tlsrpt(struct fx *x, const char *text)
{
	tlsrpt_record_clear(&x->r.tlsrpt);
	found(&x->r.tlsrpt_f, "_smtp._tls.valid.test.", text ? 1 : 0);
	if (text)
		tlsrpt_parse(text, strlen(text), &x->r.tlsrpt);
}

static void set_policy(struct fx *x, const char *text)
{
	mtasts_policy_clear(&x->r.policy);
	x->r.policy_parsed = text != NULL;
	if (text)
		mtasts_policy_parse(text, strlen(text), &x->r.policy);
}

static void good_probe(struct starttls_result *p, const char *addr)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->host, sizeof(p->host), "mx.valid.test");
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	p->tcp = p->connected = p->ehlo = p->offered = p->handshake = true;
	snprintf(p->tls, sizeof(p->tls), "TLSv1.3 TLS_AES_256_GCM_SHA384");
	for (int v = 0; v < STARTTLS_NVERSIONS; v++)
		p->tried[v] = true;
	p->accepted[STARTTLS_TLS12] = p->accepted[STARTTLS_TLS13] = true;
	p->dh_bits = -1;
	p->cert = true;
	p->name_ok = true;
}

/* A protected domain: every check passes. */
static struct fx *fx_new(void)
{
	static const char *const spf[] = { "v=spf1 ip4:192.0.2.0/24 -all",
		NULL };
	struct fx *x = calloc(1, sizeof(*x));
	if (!x)
		abort();
	snprintf(x->r.domain, sizeof(x->r.domain), "valid.test");
	snprintf(x->r.fqdn, sizeof(x->r.fqdn), "valid.test.");
	x->h.name = "mx.valid.test.";
	x->h.verdict = DANE_VALID;
	x->d.domain = "valid.test.";
	x->d.mx_sec = TRUTH_SEC_SECURE;
	x->d.hosts = &x->h;
	x->d.nhosts = 1;
	x->d.verdict = DANE_VALID;
	x->d.detail = "mx.valid.test.: a TLSA record matched";
	x->r.dane = &x->d;
	spf_run(&x->r.spf, "valid.test", spf);
	set_dmarc(x, "v=DMARC1; p=reject; rua=mailto:d@valid.test");
	set_tlsrpt(x, "v=TLSRPTv1; rua=mailto:t@valid.test");
	found(&x->r.sts_f, "_mta-sts.valid.test.", 1);
	mtasts_txt_parse("v=STSv1; id=20261206T000000;", 28, &x->r.sts);
	snprintf(x->r.sts_host, sizeof(x->r.sts_host), "mta-sts.valid.test.");
	x->r.fetch.started = x->r.fetch.done = true;
	snprintf(x->r.fetch.url, sizeof(x->r.fetch.url),
		"https://mta-sts.valid.test/.well-known/mta-sts.txt");
	snprintf(x->r.fetch.addr, sizeof(x->r.fetch.addr), "127.0.5.20");
	x->r.fetch.outcome = MAIL_FETCH_OK;
	x->r.fetch.http_status = 200;
	snprintf(x->r.fetch.content_type, sizeof(x->r.fetch.content_type),
		"text/plain");
	snprintf(x->r.fetch.sha256, sizeof(x->r.fetch.sha256), "%064d", 1);
	set_policy(x, POLICY_OK);
	good_probe(&x->p[0], "127.0.5.10");
	x->r.probes[0] = &x->p[0];
	x->r.nprobes = 1;
	return x;
}

static void fx_free(struct fx *x)
{
	spf_walk_clear(&x->r.spf);
	mail_result_clear_findings(&x->r);
	truth_free(x->r.t);
	free(x);
}

/* Judge x, then check kind k's verdict and code (and free x when asked). */
static int is_item(struct fx *x, enum mail_kind k, enum mail_verdict v,
	const char *code, const char *what)
{
	const struct mail_item *it = &x->r.items[k];
	int pass = ok(it->verdict == v && !strcmp(it->code, code),
		"%s: %s %s:%s (got %s:%s \"%s\")", what, mail_kind_str(k),
		mail_verdict_str(v), code, mail_verdict_str(it->verdict),
		it->code, it->detail);
	return pass;
}

static void judge_is(struct fx *x, enum mail_kind k, enum mail_verdict v,
	const char *code, const char *what)
{
	mail_judge(&x->r);
	is_item(x, k, v, code, what);
	fx_free(x);
}

static void test_protected(void)
{
	struct fx *x = fx_new();
	mail_judge(&x->r);
	static const char *const codes[] = { "dnssec-secure", "dane-valid",
		"mtasts-ok", "tlsrpt-ok", "spf-ok", "dmarc-ok", "starttls-ok" };
	for (int k = 0; k < MAIL_KIND_COUNT; k++)
		is_item(x, k, MAIL_V_PASS, codes[k], "protected");
	ok(x->r.overall == MAIL_PROTECTED &&
		!strcmp(x->r.overall_code, "ok") &&
		!strcmp(x->r.overall_detail, "every check passed"),
		"protected: overall protected, ok (got %s %s)",
		mail_overall_str(x->r.overall), x->r.overall_code);
	ok(strstr(x->r.items[MAIL_SPF].detail, "ends in -all") != NULL,
		"spf-ok says how the record ends: %s",
		x->r.items[MAIL_SPF].detail);
	ok(strstr(x->r.items[MAIL_MTASTS].detail, "id 20261206T000000") &&
		strstr(x->r.items[MAIL_MTASTS].detail, "max_age 604800"),
		"mtasts-ok names the id and max_age: %s",
		x->r.items[MAIL_MTASTS].detail);
	ok(!strcmp(x->r.items[MAIL_STARTTLS].detail, "1 address: STARTTLS "
		"with TLSv1.3 TLS_AES_256_GCM_SHA384, certificate valid for "
		"the host"), "starttls-ok detail: %s",
		x->r.items[MAIL_STARTTLS].detail);
	fx_free(x);
}

static void test_dnssec(void)
{
	struct fx *x = fx_new();
	x->d.mx_sec = TRUTH_SEC_BOGUS;
	judge_is(x, MAIL_DNSSEC, MAIL_V_FAIL, "dnssec-bogus", "MX bogus");

	x = fx_new();
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_SECURE;
	struct truth_answer *a = truth_get(x->r.t, "_smtp._tls.valid.test.",
		LDNS_RR_TYPE_TXT);
	a->sec = TRUTH_SEC_BOGUS;
	a->why_bogus = strdup("signature expired");
	mail_judge(&x->r);
	is_item(x, MAIL_DNSSEC, MAIL_V_FAIL, "dnssec-bogus", "a TXT bogus");
	ok(strstr(x->r.items[MAIL_DNSSEC].detail, "signature expired") !=
		NULL, "dnssec-bogus carries why: %s",
		x->r.items[MAIL_DNSSEC].detail);
	fx_free(x);

	x = fx_new();
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_SECURE;
	truth_get(x->r.t, "_mta-sts.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_INSECURE;
	/* An answer that never came is no evidence either way. */
	a = truth_get(x->r.t, "gone.valid.test.", LDNS_RR_TYPE_A);
	a->sec = TRUTH_SEC_BOGUS;
	a->timed_out = true;
	mail_judge(&x->r);
	is_item(x, MAIL_DNSSEC, MAIL_V_WARN, "dnssec-partly-insecure",
		"one TXT insecure, a timeout ignored");
	ok(strstr(x->r.items[MAIL_DNSSEC].detail, "1 of 3 lookups insecure "
		"(_mta-sts.valid.test. TXT)") != NULL, "which: %s",
		x->r.items[MAIL_DNSSEC].detail);
	fx_free(x);

	x = fx_new();
	x->d.mx_sec = TRUTH_SEC_INSECURE;
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_INSECURE;
	judge_is(x, MAIL_DNSSEC, MAIL_V_NONE, "dnssec-insecure",
		"nothing secure");

	/* A lookup that failed (SERVFAIL, REFUSED, no answer) is never
	 * counted insecure: it is named as failed, the rest judged. */
	x = fx_new();
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_SECURE;
	a = truth_get(x->r.t, "mx.valid.test.", LDNS_RR_TYPE_AAAA);
	a->rcode = LDNS_RCODE_SERVFAIL;
	a->sec = TRUTH_SEC_INSECURE;
	a = truth_get(x->r.t, "_smtp._tls.valid.test.", LDNS_RR_TYPE_TXT);
	a->rcode = LDNS_RCODE_REFUSED;
	mail_judge(&x->r);
	is_item(x, MAIL_DNSSEC, MAIL_V_PASS, "dnssec-secure",
		"a SERVFAIL and a REFUSED lookup are not insecure");
	ok(strstr(x->r.items[MAIL_DNSSEC].detail, "all 2 lookups validated "
		"(secure); 2 failed, not judged (mx.valid.test. AAAA SERVFAIL"),
		"the failed lookups are named: %s",
		x->r.items[MAIL_DNSSEC].detail);
	fx_free(x);

	x = fx_new();
	x->d.mx_sec = TRUTH_SEC_INSECURE;
	x->d.mx_rcode = LDNS_RCODE_SERVFAIL;
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->sec =
		TRUTH_SEC_SECURE;
	mail_judge(&x->r);
	is_item(x, MAIL_DNSSEC, MAIL_V_PASS, "dnssec-secure",
		"an MX lookup that failed is not an insecure MX");
	ok(strstr(x->r.items[MAIL_DNSSEC].detail, "valid.test. MX SERVFAIL"),
		"and it is named: %s", x->r.items[MAIL_DNSSEC].detail);
	fx_free(x);

	x = fx_new();
	x->d.mx_rcode = LDNS_RCODE_SERVFAIL;
	x->r.t = truth_new();
	truth_get(x->r.t, "_dmarc.valid.test.", LDNS_RR_TYPE_TXT)->timed_out =
		true;
	judge_is(x, MAIL_DNSSEC, MAIL_V_ERROR, "dnssec-no-lookups",
		"every lookup failed: an error, not insecure");

	/* Missing facts: no DANE result, no lookups. */
	x = fx_new();
	x->r.dane = NULL;
	judge_is(x, MAIL_DNSSEC, MAIL_V_ERROR, "dnssec-no-lookups",
		"no lookup at all");
}

static void test_dane(void)
{
	static const struct {
		enum dane_verdict d;
		enum mail_verdict v;
	} map[] = {
		{ DANE_VALID, MAIL_V_PASS }, { DANE_INSECURE, MAIL_V_NONE },
		{ DANE_BOGUS, MAIL_V_FAIL }, { DANE_FAIL, MAIL_V_FAIL },
		{ DANE_STARTTLS_STRIPPED, MAIL_V_FAIL },
		{ DANE_NO_STARTTLS, MAIL_V_FAIL },
		{ DANE_UNREACHABLE, MAIL_V_ERROR },
		{ DANE_DNS_ERROR, MAIL_V_ERROR },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		struct fx *x = fx_new();
		x->d.verdict = map[i].d;
		judge_is(x, MAIL_DANE, map[i].v, dane_verdict_str(map[i].d),
			"DANE verdict");
	}
	struct fx *x = fx_new();
	x->d.detail = "bad \x1b[31m reply";
	mail_judge(&x->r);
	ok(!strcmp(x->r.items[MAIL_DANE].detail, "bad \\x1b[31m reply"),
		"DANE detail escaped: %s", x->r.items[MAIL_DANE].detail);
	fx_free(x);
	x = fx_new();
	x->r.dane = NULL;
	mail_judge(&x->r);
	is_item(x, MAIL_DANE, MAIL_V_ERROR, "dane-not-checked", "no DANE");
	is_item(x, MAIL_STARTTLS, MAIL_V_PASS, "starttls-ok",
		"no DANE, probes judged alone");
	ok(x->r.overall == MAIL_INCOMPLETE, "no DANE: incomplete");
	fx_free(x);
}

static void test_spf(void)
{
	static const struct {
		const char *txt[3];
		enum mail_verdict v;
		const char *code;
	} cases[] = {
		{ { "v=spf1 +all" }, MAIL_V_FAIL, "spf-plus-all" },
		{ { "v=spf1 ptr -all" }, MAIL_V_WARN, "spf-ptr" },
		/* ~all is a sound ending: its note is no warning. */
		{ { "v=spf1 ip4:192.0.2.1 ~all" }, MAIL_V_PASS, "spf-ok" },
		{ { "v=spf1 ipv4:192.0.2.1 -all" }, MAIL_V_FAIL, "spf-syntax" },
		{ { "v=spf1 -all", "v=spf1 +all" }, MAIL_V_FAIL,
			"spf-multiple" },
		{ { "google-site-verification=x" }, MAIL_V_FAIL,
			"spf-missing" },
		{ { "v=spf1 a:h1.test a:h2.test a:h3.test a:h4.test a:h5.test "
			"a:h6.test a:h7.test a:h8.test a:h9.test a:h10.test "
			"a:h11.test -all" }, MAIL_V_FAIL,
			"spf-too-many-lookups" },
		{ { "v=spf1 a:h1.test a:h2.test a:h3.test a:h4.test a:h5.test "
			"a:h6.test a:h7.test a:h8.test a:h9.test a:h10.test "
			"-all" }, MAIL_V_PASS, "spf-ok" },
		{ { "v=spf1 a:gone1.test a:gone2.test a:gone3.test -all" },
			MAIL_V_FAIL, "spf-too-many-void-lookups" },
		/* Two void lookups are within the limit. */
		{ { "v=spf1 a:gone1.test a:gone2.test -all" }, MAIL_V_PASS,
			"spf-ok" },
		{ { "v=spf1 include:fail.test -all" }, MAIL_V_ERROR,
			"spf-dns-error" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct fx *x = fx_new();
		spf_walk_clear(&x->r.spf);
		spf_run(&x->r.spf, "valid.test", cases[i].txt);
		judge_is(x, MAIL_SPF, cases[i].v, cases[i].code,
			cases[i].txt[0]);
	}
	/* No TXT record at all; a walk that did not finish. */
	struct fx *x = fx_new();
	spf_walk_clear(&x->r.spf);
	spf_run(&x->r.spf, "valid.test", NULL);
	judge_is(x, MAIL_SPF, MAIL_V_FAIL, "spf-missing", "no TXT");
	x = fx_new();
	spf_walk_clear(&x->r.spf);
	spf_walk_init(&x->r.spf, "valid.test");
	judge_is(x, MAIL_SPF, MAIL_V_ERROR, "spf-dns-error", "walk not done");
	x = fx_new();
	spf_walk_clear(&x->r.spf);
	spf_run(&x->r.spf, "fail.test", NULL);
	judge_is(x, MAIL_SPF, MAIL_V_ERROR, "spf-dns-error", "SERVFAIL");
}

/* A record's text and the verdict and code it gets. */
struct text_case {
	const char *text;
	enum mail_verdict v;
	const char *code;
};

/* The DNS facts every TXT record check shares: two records, a bogus
 * answer, a lookup that timed out or failed. */
static void test_found(enum mail_kind k, size_t off, const char *prefix)
{
	static const struct {
		const char *what;
		enum mail_verdict v;
		const char *suffix;
	} cases[] = {
		{ "two records", MAIL_V_FAIL, "multiple" },
		{ "bogus", MAIL_V_FAIL, "bogus" },
		{ "timed out", MAIL_V_ERROR, "dns-error" },
		{ "SERVFAIL", MAIL_V_ERROR, "dns-error" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct fx *x = fx_new();
		struct mail_found *f = (struct mail_found *)((char *)&x->r +
			off);
		switch (i) {
		case 0: f->count = 2; break;
		case 1: f->sec = TRUTH_SEC_BOGUS; break;
		case 2: f->timed_out = true; break;
		default: f->rcode = LDNS_RCODE_SERVFAIL; break;
		}
		char code[48];
		snprintf(code, sizeof(code), "%s-%s", prefix, cases[i].suffix);
		judge_is(x, k, cases[i].v, code, cases[i].what);
	}
}

static void test_dmarc(void)
{
	static const struct text_case cases[] = {
		{ "v=DMARC1; p=none; rua=mailto:d@valid.test", MAIL_V_WARN,
			"dmarc-p-none" },
		{ "v=DMARC1; p=reject; pct=50; rua=mailto:d@valid.test",
			MAIL_V_WARN, "dmarc-pct" },
		{ "v=DMARC1; p=bogus", MAIL_V_FAIL, "dmarc-syntax" },
		{ NULL, MAIL_V_FAIL, "dmarc-missing" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct fx *x = fx_new();
		set_dmarc(x, cases[i].text);
		judge_is(x, MAIL_DMARC, cases[i].v, cases[i].code,
			cases[i].text ? cases[i].text : "no record");
	}
	struct fx *x = fx_new();
	set_dmarc(x, NULL);
	x->r.dmarc_dom.rcode = LDNS_RCODE_NXDOMAIN;
	judge_is(x, MAIL_DMARC, MAIL_V_FAIL, "dmarc-missing", "NXDOMAIN");

	/* At the organizational domain: sp= applies, p=none there is no
	 * warning of its own when sp= is stronger. */
	static const struct text_case org[] = {
		{ "v=DMARC1; p=reject; rua=mailto:d@valid.test", MAIL_V_PASS,
			"dmarc-ok" },
		{ "v=DMARC1; p=reject; sp=none; rua=mailto:d@valid.test",
			MAIL_V_WARN, "dmarc-sp-none" },
		{ "v=DMARC1; p=none; sp=reject; rua=mailto:d@valid.test",
			MAIL_V_PASS, "dmarc-ok" },
	};
	for (size_t i = 0; i < sizeof(org) / sizeof(*org); i++) {
		x = fx_new();
		snprintf(x->r.domain, sizeof(x->r.domain), "mail.valid.test");
		snprintf(x->r.org, sizeof(x->r.org), "valid.test");
		set_dmarc(x, NULL);
		found(&x->r.dmarc_dom, "_dmarc.mail.valid.test.", 0);
		found(&x->r.dmarc_org, "_dmarc.valid.test.", 1);
		x->r.dmarc_at = &x->r.dmarc_org;
		dmarc_record_clear(&x->r.dmarc);
		dmarc_parse(org[i].text, strlen(org[i].text), &x->r.dmarc);
		mail_judge(&x->r);
		is_item(x, MAIL_DMARC, org[i].v, org[i].code, org[i].text);
		if (org[i].v == MAIL_V_PASS)
			ok(strstr(x->r.items[MAIL_DMARC].detail,
				"organizational") != NULL, "the org's record "
				"said: %s", x->r.items[MAIL_DMARC].detail);
		fx_free(x);
	}
	x = fx_new();
	snprintf(x->r.org, sizeof(x->r.org), "valid.test");
	set_dmarc(x, NULL);
	found(&x->r.dmarc_org, "_dmarc.valid.test.", 0);
	x->r.dmarc_org.timed_out = true;
	judge_is(x, MAIL_DMARC, MAIL_V_ERROR, "dmarc-dns-error",
		"the org's lookup timed out");
}

static void test_tlsrpt(void)
{
	struct fx *x = fx_new();
	set_tlsrpt(x, "v=TLSRPTv1; rua=ftp://x");
	judge_is(x, MAIL_TLSRPT, MAIL_V_FAIL, "tlsrpt-syntax", "bad rua");
	x = fx_new();
	set_tlsrpt(x, NULL);
	judge_is(x, MAIL_TLSRPT, MAIL_V_NONE, "tlsrpt-missing", "none");
}

static void test_mtasts(void)
{
	struct fx *x = fx_new();
	x->r.sts_f.count = 0;
	judge_is(x, MAIL_MTASTS, MAIL_V_NONE, "mtasts-missing", "none");
	x = fx_new();
	mtasts_txt_clear(&x->r.sts);
	mtasts_txt_parse("v=STSv1;", 8, &x->r.sts);
	judge_is(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-txt-syntax", "no id");
	x = fx_new();
	x->r.fetch.started = false;
	judge_is(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-no-address",
		"no mta-sts address");

	x = fx_new();
	x->r.fetch.outcome = MAIL_FETCH_CERTIFICATE;
	snprintf(x->r.fetch.message, sizeof(x->r.fetch.message),
		"SSL: no alternative certificate subject name matches");
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-certificate",
		"wrong name");
	ok(strstr(x->r.items[MAIL_MTASTS].detail, "subject name matches") &&
		mail_findings_has(&x->r.items[MAIL_MTASTS].findings,
		"mtasts-certificate"), "curl's reason, and a finding: %s",
		x->r.items[MAIL_MTASTS].detail);
	fx_free(x);
	x = fx_new();
	x->r.fetch.outcome = MAIL_FETCH_CERTIFICATE;
	x->r.fetch.ssl_verify = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	mail_judge(&x->r);
	ok(strstr(x->r.items[MAIL_MTASTS].detail, "local issuer") != NULL,
		"no curl message: the X509 reason: %s",
		x->r.items[MAIL_MTASTS].detail);
	fx_free(x);
	x = fx_new();
	x->r.fetch.outcome = MAIL_FETCH_TOO_BIG;
	x->r.fetch.too_big = true;
	judge_is(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-policy-too-big",
		"too big");
	x = fx_new();
	x->r.fetch.outcome = MAIL_FETCH_FAILED;
	snprintf(x->r.fetch.reason, sizeof(x->r.fetch.reason),
		"Couldn't connect to server");
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-fetch-failed",
		"connection refused");
	ok(strstr(x->r.items[MAIL_MTASTS].detail, "127.0.5.20") != NULL,
		"names the address: %s", x->r.items[MAIL_MTASTS].detail);
	fx_free(x);
	x = fx_new();
	x->r.fetch.http_status = 404;
	judge_is(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-http-status", "404");
	x = fx_new();
	snprintf(x->r.fetch.content_type, sizeof(x->r.fetch.content_type),
		"text/html");
	judge_is(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-content-type", "html");
	x = fx_new();
	snprintf(x->r.fetch.content_type, sizeof(x->r.fetch.content_type),
		"Text/Plain ; charset=utf-8");
	judge_is(x, MAIL_MTASTS, MAIL_V_PASS, "mtasts-ok",
		"text/plain with parameters");
	/* Policies; no policy at all with HTTP 200 and text/plain is a
	 * contradiction the check never makes, judged all the same. */
	static const struct text_case policies[] = {
		{ "version: STSv1\nmode: enforce\nmx: mx.valid.test\n",
			MAIL_V_FAIL, "mtasts-policy-syntax" },
		{ NULL, MAIL_V_FAIL, "mtasts-policy-syntax" },
		{ "version: STSv1\nmode: none\nmax_age: 604800\n",
			MAIL_V_WARN, "mtasts-mode-none" },
		{ "version: STSv1\nmode: testing\nmx: mx.valid.test\n"
			"max_age: 604800\n", MAIL_V_WARN, "mtasts-testing" },
		{ "version: STSv1\nmode: enforce\nmx: mail.other.test\n"
			"max_age: 604800\n", MAIL_V_FAIL, "mtasts-mx-mismatch" },
		{ "version: STSv1\nmode: enforce\nmx: *.valid.test\n"
			"max_age: 604800\n", MAIL_V_PASS, "mtasts-ok" },
	};
	for (size_t i = 0; i < sizeof(policies) / sizeof(*policies); i++) {
		x = fx_new();
		set_policy(x, policies[i].text);
		judge_is(x, MAIL_MTASTS, policies[i].v, policies[i].code,
			policies[i].text ? policies[i].text : "no policy");
	}
	x = fx_new();
	set_policy(x, "version: STSv1\nmode: testing\nmx: mail.other.test\n"
		"max_age: 604800\n");
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_WARN, "mtasts-mx-mismatch",
		"testing, MX not listed");
	ok(strstr(x->r.items[MAIL_MTASTS].detail, "mode testing") != NULL,
		"testing said: %s", x->r.items[MAIL_MTASTS].detail);
	fx_free(x);

	x = fx_new();
	x->p[0].name_ok = false;
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-mx-certificate",
		"enforce, MX certificate for another name");
	is_item(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-name-mismatch",
		"the same certificate");
	ok(x->r.overall == MAIL_BROKEN &&
		!strcmp(x->r.overall_code, "mtasts-mx-certificate"),
		"overall broken by mtasts-mx-certificate (got %s %s)",
		mail_overall_str(x->r.overall), x->r.overall_code);
	fx_free(x);
	x = fx_new();
	x->p[0].verify = X509_V_ERR_CERT_HAS_EXPIRED;
	x->p[0].expired = true;
	set_policy(x, "version: STSv1\nmode: testing\nmx: mx.valid.test\n"
		"max_age: 604800\n");
	judge_is(x, MAIL_MTASTS, MAIL_V_WARN, "mtasts-testing",
		"testing: MX certificates not held to the policy");
	x = fx_new();
	x->p[0].handshake = false;
	x->p[0].verify = 1;
	snprintf(x->p[0].error, sizeof(x->p[0].error), "handshake failed");
	judge_is(x, MAIL_MTASTS, MAIL_V_PASS, "mtasts-ok",
		"no handshake: no certificate to hold");

	/* Against an earlier survey. */
	x = fx_new();
	x->r.has_prev = true;
	snprintf(x->r.prev_id, sizeof(x->r.prev_id), "20261206T000000");
	snprintf(x->r.prev_sha256, sizeof(x->r.prev_sha256), "%064d", 2);
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-policy-changed-same-id",
		"new policy, same id");
	ok(x->r.overall == MAIL_BROKEN && !strcmp(x->r.overall_code,
		"mtasts-policy-changed-same-id"), "overall broken");
	fx_free(x);
	x = fx_new();
	x->r.has_prev = true;
	snprintf(x->r.prev_id, sizeof(x->r.prev_id), "20261205T000000");
	snprintf(x->r.prev_sha256, sizeof(x->r.prev_sha256), "%064d", 2);
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_PASS, "mtasts-ok", "new id");
	ok(mail_findings_has(&x->r.items[MAIL_MTASTS].findings,
		"mtasts-id-changed") && strstr(x->r.items[MAIL_MTASTS]
		.findings.f[0].text, "with a new policy"),
		"the id change is a note: %s",
		x->r.items[MAIL_MTASTS].findings.f[0].text);
	fx_free(x);
	x = fx_new();
	x->r.has_prev = true;
	snprintf(x->r.prev_id, sizeof(x->r.prev_id), "20261206T000000");
	snprintf(x->r.prev_sha256, sizeof(x->r.prev_sha256), "%064d", 1);
	mail_judge(&x->r);
	is_item(x, MAIL_MTASTS, MAIL_V_PASS, "mtasts-ok", "nothing changed");
	ok(x->r.items[MAIL_MTASTS].findings.n == 0, "nothing changed: no "
		"finding");
	fx_free(x);
}

static void test_starttls(void)
{
	struct fx *x = fx_new();
	x->p[0].tcp = x->p[0].connected = false;
	snprintf(x->p[0].error, sizeof(x->p[0].error), "timed out");
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-unreachable",
		"no connection");
	ok(!strcmp(x->r.items[MAIL_STARTTLS].detail,
		"mx.valid.test[127.0.5.10]: timed out"), "where and why: %s",
		x->r.items[MAIL_STARTTLS].detail);
	ok(x->r.overall == MAIL_INCOMPLETE, "unreachable: incomplete");
	fx_free(x);
	x = fx_new();
	x->p[0].offered = false;
	judge_is(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-not-offered",
		"no STARTTLS");
	x = fx_new();
	x->p[0].ehlo = x->p[0].offered = x->p[0].handshake = false;
	snprintf(x->p[0].error, sizeof(x->p[0].error),
		"timed out after 3 s waiting for the reply to EHLO");
	judge_is(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-no-ehlo-reply",
		"greeted, EHLO never answered (a tarpit): unknown, not "
		"\"not offered\"");
	x = fx_new();
	x->p[0].handshake = false;
	judge_is(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-handshake-failed",
		"no handshake");
	x = fx_new();
	x->p[0].handshake = false;
	x->p[0].starttls_refused = true;
	judge_is(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-refused",
		"STARTTLS answered 454: refused, no handshake tried");
	x = fx_new();
	x->p[0].connected = x->p[0].offered = x->p[0].handshake = false;
	judge_is(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-no-greeting",
		"connected, never greeted (an endless banner)");
	x = fx_new();
	x->p[0].tcp = false;
	x->p[0].connected = x->p[0].offered = x->p[0].handshake = false;
	judge_is(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-unreachable",
		"no connection");
	x = fx_new();
	x->p[0].accepted[STARTTLS_TLS12] = false;
	x->p[0].accepted[STARTTLS_TLS13] = false;
	x->p[0].accepted[STARTTLS_TLS10] = true;
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-old-versions-only",
		"TLS 1.0 only");
	ok(strstr(x->r.items[MAIL_STARTTLS].detail, "accepts only TLSv1 (")
		!= NULL, "names it: %s", x->r.items[MAIL_STARTTLS].detail);
	fx_free(x);
	/* A busy server: the main handshake done, then every version probe
	 * turned away before a handshake (421, or no connection): unknown,
	 * never "old versions only". */
	x = fx_new();
	for (int v = 0; v < STARTTLS_NVERSIONS; v++) {
		x->p[0].accepted[v] = false;
		x->p[0].unknown[v] = true;
		snprintf(x->p[0].version_error[v],
			sizeof(x->p[0].version_error[v]), "the server refused "
			"the session: 421 too many connections");
	}
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_PASS, "starttls-ok",
		"version probes turned away: not old-versions-only");
	ok(mail_findings_has(&x->r.items[MAIL_STARTTLS].findings,
		"starttls-versions-unknown"), "and it is noted as unknown");
	fx_free(x);
	x = fx_new();
	x->p[0].accepted[STARTTLS_TLS10] = true;
	x->p[0].accepted[STARTTLS_TLS11] = true;
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-old-versions",
		"TLS 1.0 and 1.1 still");
	ok(strstr(x->r.items[MAIL_STARTTLS].detail, "TLSv1 and TLSv1.1") !=
		NULL, "names them: %s", x->r.items[MAIL_STARTTLS].detail);
	fx_free(x);
	x = fx_new();
	x->p[0].expired = true;
	x->p[0].verify = X509_V_ERR_CERT_HAS_EXPIRED;
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-cert-expired",
		"expired");
	ok(!mail_findings_has(&x->r.items[MAIL_STARTTLS].findings,
		"starttls-untrusted"), "expired is not also untrusted");
	fx_free(x);
	x = fx_new();
	x->p[0].dh_bits = 1024;
	judge_is(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-weak-dh", "DH 1024");
	x = fx_new();
	x->p[0].dh_bits = 2048;
	judge_is(x, MAIL_STARTTLS, MAIL_V_PASS, "starttls-ok", "DH 2048");
	x = fx_new();
	x->p[0].self_signed = true;
	x->p[0].verify = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	judge_is(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-self-signed",
		"self-signed");
	x = fx_new();
	x->p[0].verify = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	judge_is(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-untrusted",
		"unknown issuer");
	x = fx_new();
	x->p[0].name_ok = false;
	judge_is(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-name-mismatch",
		"wrong name");
	/* Versions not probed (--no-tls-versions): nothing said of them. */
	x = fx_new();
	memset(x->p[0].tried, 0, sizeof(x->p[0].tried));
	memset(x->p[0].accepted, 0, sizeof(x->p[0].accepted));
	judge_is(x, MAIL_STARTTLS, MAIL_V_PASS, "starttls-ok",
		"versions not probed");

	/* Two addresses: the worst decides, its first finding says why. */
	x = fx_new();
	good_probe(&x->p[1], "127.0.5.11");
	x->p[1].dh_bits = 1024;
	x->r.probes[1] = &x->p[1];
	x->r.nprobes = 2;
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_WARN, "starttls-weak-dh",
		"one of two weak");
	fx_free(x);
	x = fx_new();
	good_probe(&x->p[1], "127.0.5.11");
	x->p[0].name_ok = false;
	x->p[1].offered = false;
	x->r.probes[1] = &x->p[1];
	x->r.nprobes = 2;
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_FAIL, "starttls-not-offered",
		"a warning and a failure");
	ok(strstr(x->r.items[MAIL_STARTTLS].detail, "127.0.5.11") != NULL,
		"the failing address: %s", x->r.items[MAIL_STARTTLS].detail);
	fx_free(x);

	x = fx_new();
	x->r.nprobes = 0;
	judge_is(x, MAIL_STARTTLS, MAIL_V_NONE, "starttls-no-mx", "no MX");
	x = fx_new();
	x->r.nprobes = 0;
	x->d.verdict = DANE_DNS_ERROR;
	judge_is(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-no-mx",
		"no MX: the lookup failed");
	x = fx_new();
	x->r.nprobes = 0;
	x->r.dane = NULL;
	judge_is(x, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-no-mx",
		"no MX: no DANE result");
	/* Contradictory: DANE matched, yet the probe saw no STARTTLS. */
	x = fx_new();
	x->p[0].offered = false;
	mail_judge(&x->r);
	is_item(x, MAIL_DANE, MAIL_V_PASS, "dane-valid", "DANE as found");
	ok(x->r.overall == MAIL_BROKEN && !strcmp(x->r.overall_code,
		"starttls-not-offered"), "the probe's failure decides: %s",
		x->r.overall_code);
	fx_free(x);
}

static void test_overall(void)
{
	/* DANE or MTA-STS: the other one missing is no weakness. */
	struct fx *x = fx_new();
	x->r.sts_f.count = 0;
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_PROTECTED && !strcmp(x->r.overall_code, "ok"),
		"DANE without MTA-STS: protected (got %s %s)",
		mail_overall_str(x->r.overall), x->r.overall_code);
	fx_free(x);
	x = fx_new();
	x->d.verdict = DANE_INSECURE;
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_PROTECTED, "MTA-STS without DANE: protected");
	fx_free(x);
	x = fx_new();
	x->d.verdict = DANE_INSECURE;
	x->r.sts_f.count = 0;
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_WEAK && !strcmp(x->r.overall_code,
		"dane-insecure") && !strncmp(x->r.overall_detail,
		"dane none: ", 11), "neither: weak, DANE first (got %s %s "
		"\"%s\")", mail_overall_str(x->r.overall), x->r.overall_code,
		x->r.overall_detail);
	fx_free(x);
	x = fx_new();
	set_tlsrpt(x, NULL);
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_WEAK && !strcmp(x->r.overall_code,
		"tlsrpt-missing"), "no TLS-RPT: weak");
	fx_free(x);
	x = fx_new();
	set_dmarc(x, "v=DMARC1; p=none; rua=mailto:d@valid.test");
	spf_walk_clear(&x->r.spf);
	spf_run(&x->r.spf, "valid.test", (const char *const[]){
		"v=spf1 +all", NULL });
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_BROKEN && !strcmp(x->r.overall_code,
		"spf-plus-all"), "a failure beats a warning (got %s)",
		x->r.overall_code);
	ok(!strncmp(x->r.overall_detail, "spf fail: '+all'", 16),
		"overall detail names the check: %s", x->r.overall_detail);
	fx_free(x);
	x = fx_new();
	spf_walk_clear(&x->r.spf);
	spf_run(&x->r.spf, "valid.test", (const char *const[]){
		"v=spf1 +all", NULL });
	x->r.tlsrpt_f.timed_out = true;
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_INCOMPLETE && !strcmp(x->r.overall_code,
		"tlsrpt-dns-error"), "an error beats a failure (got %s %s)",
		mail_overall_str(x->r.overall), x->r.overall_code);
	fx_free(x);
}

/* A null MX (RFC 7505): as the mail check finds it, no host, no probe, no
 * MTA-STS, DANE "insecure". */
static struct fx *null_mx(void)
{
	struct fx *x = fx_new();
	x->d.null_mx = true;
	x->d.nhosts = 0;
	x->d.verdict = DANE_INSECURE;
	x->d.detail = "null MX (RFC 7505): valid.test. accepts no mail";
	x->r.nprobes = 0;
	x->r.sts_f.count = 0;
	x->r.fetch.started = x->r.fetch.done = false;
	return x;
}

static void test_no_mail(void)
{
	struct fx *x = null_mx();
	set_tlsrpt(x, NULL);
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_NO_MAIL && !strcmp(x->r.overall_code,
		"no-mail"), "null MX, SPF and DMARC sound: no-mail (got %s %s "
		"\"%s\")", mail_overall_str(x->r.overall), x->r.overall_code,
		x->r.overall_detail);
	is_item(x, MAIL_DANE, MAIL_V_NONE, "no-mail", "null MX");
	is_item(x, MAIL_STARTTLS, MAIL_V_NONE, "no-mail", "null MX");
	is_item(x, MAIL_MTASTS, MAIL_V_NONE, "mtasts-missing", "null MX");
	ok(!strcmp(mail_overall_str(MAIL_NO_MAIL), "no-mail"), "named "
		"no-mail");
	fx_free(x);
	/* The name can still be spoofed: SPF and DMARC still count. */
	x = null_mx();
	set_dmarc(x, "v=DMARC1; p=none; rua=mailto:d@valid.test");
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_WEAK && !strcmp(x->r.overall_code,
		"dmarc-p-none"), "null MX with DMARC p=none: weak (got %s %s)",
		mail_overall_str(x->r.overall), x->r.overall_code);
	fx_free(x);
	x = null_mx();
	x->r.dmarc_dom.timed_out = true;
	mail_judge(&x->r);
	ok(x->r.overall == MAIL_INCOMPLETE, "null MX, a failed lookup: "
		"incomplete (got %s %s)", mail_overall_str(x->r.overall),
		x->r.overall_code);
	fx_free(x);
	/* An MX naming an alias. */
	x = fx_new();
	x->h.cname_target = "mx.elsewhere.test.";
	mail_judge(&x->r);
	is_item(x, MAIL_STARTTLS, MAIL_V_WARN, "mx-cname", "MX to a CNAME");
	ok(x->r.overall == MAIL_WEAK && strstr(x->r.items[MAIL_STARTTLS].detail,
		"mx.elsewhere.test."), "MX to a CNAME: weak, the alias named "
		"(%s)", x->r.items[MAIL_STARTTLS].detail);
	x->h.cname_target = NULL;
	fx_free(x);
}

int main(void)
{
	test_protected();
	test_dnssec();
	test_dane();
	test_spf();
	test_found(MAIL_DMARC, offsetof(struct mail_result, dmarc_dom),
		"dmarc");
	test_found(MAIL_TLSRPT, offsetof(struct mail_result, tlsrpt_f),
		"tlsrpt");
	test_found(MAIL_MTASTS, offsetof(struct mail_result, sts_f),
		"mtasts");
	test_dmarc();
	test_tlsrpt();
	test_mtasts();
	test_starttls();
	test_overall();
	test_no_mail();
	return tap_done();
}

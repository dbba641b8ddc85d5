/* test_truth.c: the truth store: lookups, merging rounds, addresses. */
#include "config.h"
#include <string.h>
#include <stdlib.h>
#include "validator/truth.h"
#include "tests/tap.h"
#include "tests/unit/rrs.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[128];
	if (prefix_parse(s, &p, err, sizeof(err)) < 0)
		abort();
	return p;
}

int main(void)
{
	ok(!strcmp(truth_sec_str(TRUTH_SEC_SECURE), "secure") &&
	   !strcmp(truth_sec_str(TRUTH_SEC_INSECURE), "insecure") &&
	   !strcmp(truth_sec_str(TRUTH_SEC_BOGUS), "bogus"), "truth_sec_str");

	struct truth *t = truth_new();
	ok(t && t->control_type == LDNS_RR_TYPE_A && t->nanswers == 0,
	   "new truth is empty, control type A");
	ok(truth_find(t, "gmail.com", LDNS_RR_TYPE_MX) == NULL, "find on empty");

	struct truth_answer *a = truth_get(t, "GMail.com", LDNS_RR_TYPE_MX);
	ok(a && !strcmp(a->qname, "gmail.com.") && a->rrs && a->cnames &&
	   a->provider == -1 && a->rcode == LDNS_RCODE_NOERROR,
	   "get creates a lowercase FQDN answer with empty lists");
	ok(truth_get(t, "gmail.com.", LDNS_RR_TYPE_MX) == a, "get finds it again");
	ok(truth_find(t, "gMAIL.cOm", LDNS_RR_TYPE_MX) == a &&
	   truth_find(t, "gmail.com.", LDNS_RR_TYPE_MX) == a,
	   "find: 0x20 case and trailing dot do not matter");
	ok(truth_find(t, "gmail.com", LDNS_RR_TYPE_A) == NULL, "type matters");
	ok(truth_find(t, "mail.com", LDNS_RR_TYPE_MX) == NULL &&
	   truth_find(t, "xgmail.com", LDNS_RR_TYPE_MX) == NULL,
	   "no suffix matches");

	/* Two rounds with rotated, overlapping sets: the union, no dups. */
	static const char *const r1[] = {
		"gmail.com. 300 IN MX 20 alt2.gmail-smtp-in.l.google.com.",
		"gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.",
		"gmail.com. 300 IN MX 10 alt1.gmail-smtp-in.l.google.com.",
		NULL };
	static const char *const r2[] = {
		"gmail.com. 100 IN MX 5 GMAIL-SMTP-IN.l.google.com.",
		"gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.",
		"gmail.com. 300 IN MX 30 alt3.gmail-smtp-in.l.google.com.",
		NULL };
	ldns_rr_list *l1 = rrs(r1), *l2 = rrs(r2);
	ok(truth_answer_merge(a, l1, NULL, 300) == 0, "merge round 1");
	ok(a->ttl == 300 && ldns_rr_list_rr_count(a->rrs) == 3,
	   "round 1: three records, ttl 300");
	ok(truth_answer_merge(a, l2, NULL, 100) == 0, "merge round 2");
	ok(ldns_rr_list_rr_count(a->rrs) == 4,
	   "round 2 adds only the new record (case, TTL ignored): %zu",
	   ldns_rr_list_rr_count(a->rrs));
	ok(a->ttl == 100 && a->rounds == 2, "smallest TTL kept");
	ok(truth_answer_merge(a, l1, NULL, 200) == 0 && a->ttl == 100,
	   "a larger TTL does not raise it");
	ok(ldns_rr_list_rr_count(l1) == 3, "caller keeps its list");
	ldns_rr_list_deep_free(l1);
	ldns_rr_list_deep_free(l2);

	const ldns_rdf *best = truth_best_mx(a);
	char *bs = best ? ldns_rdf2str(best) : NULL;
	ok(bs && !strcmp(bs, "gmail-smtp-in.l.google.com."), "best MX: %s",
	   bs ? bs : "none");
	free(bs);

	struct truth_answer *tie = truth_get(t, "tie.example", LDNS_RR_TYPE_MX);
	static const char *const rt[] = {
		"tie.example. 300 IN MX 10 b.example.",
		"tie.example. 300 IN MX 10 a.example.",
		"tie.example. 300 IN MX 20 0.example.",
		NULL };
	l1 = rrs(rt);
	truth_answer_merge(tie, l1, NULL, 300);
	ldns_rr_list_deep_free(l1);
	bs = ldns_rdf2str(truth_best_mx(tie));
	ok(bs && !strcmp(bs, "a.example."), "best MX tie broken by name: %s", bs);
	free(bs);
	ok(truth_best_mx(truth_get(t, "empty.example", LDNS_RR_TYPE_MX)) == NULL,
	   "best MX of an empty answer is NULL");

	/* Addresses: the validated set, then the provider's prefixes. */
	t->providers = calloc(1, sizeof(*t->providers));
	t->nproviders = 1;
	t->providers[0].domain = strdup("gmail.com.");
	t->providers[0].prefixes = calloc(2, sizeof(struct prefix));
	t->providers[0].prefixes[0] = P("142.250.0.0/15");
	t->providers[0].prefixes[1] = P("2a00:1450::/32");
	t->providers[0].nprefixes = 2;
	t->providers[0].usable = true;
	struct truth_answer *aa = truth_get(t, "gmail-smtp-in.l.google.com",
		LDNS_RR_TYPE_A);
	static const char *const ra[] = {
		"mx.example. 300 IN CNAME gmail-smtp-in.l.google.com.", NULL };
	static const char *const rb[] = {
		"gmail-smtp-in.l.google.com. 300 IN A 192.0.2.27", NULL };
	l1 = rrs(ra);
	l2 = rrs(rb);
	truth_answer_merge(aa, l2, l1, 300);
	truth_answer_merge(aa, l2, l1, 300);
	ok(ldns_rr_list_rr_count(aa->cnames) == 1 &&
	   ldns_rr_list_rr_count(aa->rrs) == 1, "cnames merged without dups");
	ldns_rr_list_deep_free(l1);
	ldns_rr_list_deep_free(l2);
	struct prefix in_set = P("192.0.2.27"), in_pfx = P("142.251.9.27"),
		out = P("142.252.0.1"), v6 = P("2a00:1450:4001::1b"),
		v6out = P("2a01::1");
	ok(truth_addr_ok(t, aa, &in_set), "address in the validated set");
	ok(!truth_addr_ok(t, aa, &in_pfx), "no provider: prefixes not used");
	aa->provider = 0;
	ok(truth_addr_ok(t, aa, &in_pfx), "address in the provider's prefix");
	ok(truth_addr_in_set(aa, &in_set) && !truth_addr_in_set(aa, &in_pfx),
	   "truth_addr_in_set: only the validated set");
	ok(truth_addr_provider(t, aa, &in_pfx) == &t->providers[0],
	   "truth_addr_provider names the provider");
	ok(!truth_addr_ok(t, aa, &out), "address outside both");
	ok(truth_addr_ok(t, aa, &v6) && !truth_addr_ok(t, aa, &v6out),
	   "IPv6 prefixes");
	ok(!truth_addr_ok(t, NULL, &in_set), "NULL answer accepts nothing");
	ok(t->nanswers == 4, "four answers stored");
	truth_free(t);
	truth_free(NULL);

	/* Usable providers, and why there are none. */
	char why[256];
	t = truth_new();
	ok(truth_usable(t, why, sizeof(why)) == 0 &&
	   !strcmp(why, "the providers file has no provider line"),
	   "no provider line: %s", why);
	t->providers = calloc(2, sizeof(*t->providers));
	t->nproviders = 2;
	t->providers[0].domain = strdup("a.example.");
	t->providers[0].why_unusable = strdup("a.example. MX is bogus: x");
	t->providers[1].domain = strdup("b.example.");
	t->providers[1].why_unusable = strdup("b.example. MX: SERVFAIL");
	ok(truth_usable(t, why, sizeof(why)) == 0 &&
	   !strcmp(why, "a.example.: a.example. MX is bogus: x; b.example.: "
	   "b.example. MX: SERVFAIL"), "none usable: each with why: %s", why);
	ok(truth_usable(t, why, 20) == 0 && strlen(why) == 19,
	   "none usable: cut short to fit");
	t->providers[1].usable = true;
	ok(truth_usable(t, why, sizeof(why)) == 1 && why[0] == '\0',
	   "one usable");
	truth_free(t);
	/* A failed lookup: never asked, no answer, or an rcode that is not
	 * an answer; a DNSSEC failure (bogus) is a verdict, not a failure. */
	{
		static const struct {
			int rcode, sec;
			bool timed_out, failed;
		} fl[] = {
			{ LDNS_RCODE_NOERROR, TRUTH_SEC_SECURE, false, false },
			{ LDNS_RCODE_NOERROR, TRUTH_SEC_INSECURE, false, false },
			{ LDNS_RCODE_NXDOMAIN, TRUTH_SEC_INSECURE, false, false },
			{ LDNS_RCODE_SERVFAIL, TRUTH_SEC_INSECURE, false, true },
			{ LDNS_RCODE_REFUSED, TRUTH_SEC_INSECURE, false, true },
			{ LDNS_RCODE_SERVFAIL, TRUTH_SEC_BOGUS, false, false },
			{ LDNS_RCODE_NOERROR, TRUTH_SEC_SECURE, true, true },
		};
		struct truth_answer fa;
		for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			memset(&fa, 0, sizeof(fa));
			fa.rcode = fl[i].rcode;
			fa.sec = fl[i].sec;
			fa.timed_out = fl[i].timed_out;
			ok(truth_answer_failed(&fa) == fl[i].failed,
				"rcode %d, %s%s: %s", fl[i].rcode,
				truth_sec_str(fl[i].sec), fl[i].timed_out ?
				", timed out" : "", fl[i].failed ? "failed" :
				"an answer");
			const char *st = truth_status_str(fl[i].sec,
				fl[i].rcode, fl[i].timed_out);
			ok(!strcmp(st, fl[i].failed ? "failed" :
				truth_sec_str(fl[i].sec)), "shown as %s", st);
		}
		ok(truth_answer_failed(NULL), "never asked: failed");
	}
	return tap_done();
}

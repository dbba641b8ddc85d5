/* test_plan.c: the questions a scan asks: the paper's plan from a truth
 * (MX, A/AAAA of the best MX host, controls), --queries lists, random
 * non-existent names. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "scan/plan.h"
#include "tests/tap.h"

static void add_mx(struct truth *t, const char *name, const char *rrs)
{
	ldns_rr_list *l = ldns_rr_list_new(), *c = ldns_rr_list_new();
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", rrs);
	for (char *s = strtok(buf, ";"); s; s = strtok(NULL, ";")) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL) == LDNS_STATUS_OK)
			ldns_rr_list_push_rr(l, rr);
	}
	struct truth_answer *a = truth_get(t, name, LDNS_RR_TYPE_MX);
	truth_answer_merge(a, l, c, 300);
	ldns_rr_list_deep_free(l);
	ldns_rr_list_deep_free(c);
}

int main(void)
{
	struct plan p;
	char err[256];

	struct truth *t = truth_new();
	t->providers = calloc(3, sizeof(*t->providers));
	t->nproviders = 3;
	t->providers[0].domain = strdup("gmail.com.");
	t->providers[0].usable = true;
	t->providers[1].domain = strdup("yahoo.com.");
	t->providers[1].usable = false;	/* bogus truth: skipped */
	t->providers[2].domain = strdup("outlook.com.");
	t->providers[2].usable = true;	/* no MX truth: MX only */
	add_mx(t, "gmail.com.", "gmail.com. 300 IN MX 20 alt1.gmail-smtp-in.l.google.com.;"
		"gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.;"
		"gmail.com. 300 IN MX 10 ALT0.gmail-smtp-in.l.google.com.");
	t->control_name = strdup("www.example.com");
	t->control_type = LDNS_RR_TYPE_AAAA;
	t->nxdomain_zone = strdup("example.com.");

	ok(plan_from_truth(&p, t, false, err, sizeof(err)) == 0, "plan from truth");
	ok(p.n == 5, "5 questions: gmail MX and A, outlook MX, control, nx (%zu)",
		p.n);
	if (p.n == 5) {
		ok(!strcmp(p.items[0].qname, "gmail.com.") &&
			p.items[0].qtype == LDNS_RR_TYPE_MX &&
			p.items[0].role == QUERY_MX && p.items[0].provider == 0,
			"1: gmail.com MX, provider 0");
		ok(!strcmp(p.items[1].qname, "gmail-smtp-in.l.google.com.") &&
			p.items[1].qtype == LDNS_RR_TYPE_A &&
			p.items[1].role == QUERY_ADDR && p.items[1].provider == 0,
			"2: A of the preference-5 host: %s", p.items[1].qname);
		ok(!strcmp(p.items[2].qname, "outlook.com.") &&
			p.items[2].provider == 2, "3: outlook.com MX (yahoo "
			"unusable, skipped)");
		ok(!strcmp(p.items[3].qname, "www.example.com.") &&
			p.items[3].qtype == LDNS_RR_TYPE_AAAA &&
			p.items[3].role == QUERY_CONTROL, "4: control, its type");
		ok(!strcmp(p.items[4].qname, "example.com.") &&
			p.items[4].role == QUERY_NXCONTROL, "5: nx zone");
	}
	plan_clear(&p);
	ok(plan_from_truth(&p, t, true, err, sizeof(err)) == 0 && p.n == 6 &&
		p.items[2].qtype == LDNS_RR_TYPE_AAAA &&
		!strcmp(p.items[2].qname, "gmail-smtp-in.l.google.com."),
		"--ipv6-answers adds AAAA of the same host");
	plan_clear(&p);
	t->providers[0].usable = t->providers[2].usable = false;
	free(t->control_name);
	free(t->nxdomain_zone);
	t->control_name = t->nxdomain_zone = NULL;
	ok(plan_from_truth(&p, t, false, err, sizeof(err)) < 0,
		"nothing usable: error \"%s\"", err);
	truth_free(t);

	ok(plan_parse(&p, "gmail.com/MX,Example.ORG,*.nx.example/AAAA", err,
		sizeof(err)) == 0 && p.n == 3, "--queries list parsed");
	if (p.n == 3) {
		ok(!strcmp(p.items[0].qname, "gmail.com.") &&
			p.items[0].qtype == LDNS_RR_TYPE_MX &&
			p.items[0].role == QUERY_OTHER, "gmail.com/MX");
		ok(!strcmp(p.items[1].qname, "Example.ORG.") &&
			p.items[1].qtype == LDNS_RR_TYPE_A,
			"type defaults to A, case kept");
		ok(!strcmp(p.items[2].qname, "nx.example.") &&
			p.items[2].role == QUERY_NXCONTROL &&
			p.items[2].qtype == LDNS_RR_TYPE_AAAA,
			"*.zone: random names under the zone");
	}
	plan_clear(&p);
	ok(plan_parse(&p, "gmail.com/BOGUS", err, sizeof(err)) < 0,
		"unknown type: %s", err);
	ok(plan_parse(&p, "a..b/A", err, sizeof(err)) < 0, "bad name: %s", err);
	ok(plan_parse(&p, "a.com,,b.com", err, sizeof(err)) < 0,
		"empty item: %s", err);
	ok(plan_parse(&p, "", err, sizeof(err)) < 0, "empty list: %s", err);
	ok(plan_parse(&p, "x.com/TYPE65", err, sizeof(err)) == 0 &&
		p.items[0].qtype == 65, "TYPEnnn");
	plan_clear(&p);

	uint8_t r1[10] = { 0 }, r2[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	char a[300], b[300];
	ok(plan_nxname("example.com.", r1, a, sizeof(a)) == 0 &&
		!strcmp(a, "rp-aaaaaaaaaaaaaaaa.example.com."), "nx name: %s", a);
	ok(plan_nxname("example.com", r2, b, sizeof(b)) == 0 &&
		strlen(b) == strlen(a) && strcmp(a, b) != 0 &&
		!strcmp(b + 19, ".example.com."), "another: %s", b);
	ok(plan_nxname(".", r2, b, sizeof(b)) == 0 && strlen(b) == 20 &&
		b[19] == '.', "under the root: %s", b);
	ok(plan_nxname("example.com.", r2, b, 20) < 0, "small buffer refused");
	return tap_done();
}

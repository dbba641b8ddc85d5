/* test_truth_answer.c: splitting a validated reply into the CNAME chain and
 * the final records (truth_answer_split, dnssec/truth_resolve.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "tests/tap.h"
#include "dnssec/truth_resolve.h"

/* A reply with the records of answer[] and authority[] (zone format, NULL
 * terminated). */
static ldns_pkt *reply(const char *const *answer, const char *const *auth)
{
	ldns_pkt *p = ldns_pkt_new();

	for (size_t i = 0; answer && answer[i]; i++) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, answer[i], 3600, NULL, NULL) ==
		    LDNS_STATUS_OK)
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
		else
			printf("# bad test record: %s\n", answer[i]);
	}
	for (size_t i = 0; auth && auth[i]; i++) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, auth[i], 3600, NULL, NULL) ==
		    LDNS_STATUS_OK)
			ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
		else
			printf("# bad test record: %s\n", auth[i]);
	}
	return p;
}

/* rdata of the i-th record as text, into buf. */
static const char *rdata(const ldns_rr_list *l, size_t i, char *buf,
	size_t len)
{
	char *s;

	buf[0] = 0;
	if (i >= ldns_rr_list_rr_count(l))
		return buf;
	s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(l, i),
		ldns_rr_rd_count(ldns_rr_list_rr(l, i)) - 1));
	snprintf(buf, len, "%s", s ? s : "");
	free(s);
	return buf;
}

struct split_case {
	const char *what;
	const char *qname;
	uint16_t qtype;
	const char *answer[8];
	const char *auth[4];
	size_t nrrs, ncnames;
	uint32_t ttl;
	const char *first_rr;		/* last rdata field of rrs[0] */
	const char *last_cname;		/* target of the last CNAME */
};

static const struct split_case cases[] = {
	{ "A records, RRSIG left out, smallest TTL", "www.example.net.",
	  LDNS_RR_TYPE_A,
	  { "www.example.net. 300 IN A 192.0.2.1",
	    "www.example.net. 200 IN A 192.0.2.2",
	    "www.example.net. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 1 example.net. AAAA",
	    NULL }, { NULL }, 2, 0, 200, "192.0.2.1", NULL },
	{ "CNAME chain followed in order", "www.a.test.", LDNS_RR_TYPE_A,
	  { "c.test. 60 IN A 192.0.2.9", "www.a.test. 600 IN CNAME b.test.",
	    "b.test. 500 IN CNAME c.test.", "other.test. 1 IN A 192.0.2.7",
	    NULL }, { NULL }, 1, 2, 60, "192.0.2.9", "c.test." },
	{ "names compared case-insensitively", "www.example.net.",
	  LDNS_RR_TYPE_MX,
	  { "WWW.Example.NET. 100 IN MX 10 mx.example.net.", NULL }, { NULL },
	  1, 0, 100, "mx.example.net.", NULL },
	{ "another owner's records are not the answer", "a.test.",
	  LDNS_RR_TYPE_A, { "b.test. 100 IN A 192.0.2.1", NULL }, { NULL },
	  0, 0, 0, "", NULL },
	{ "CNAME loop stops after 16 hops", "a.test.", LDNS_RR_TYPE_A,
	  { "a.test. 100 IN CNAME b.test.", "b.test. 100 IN CNAME a.test.",
	    NULL }, { NULL }, 0, 16, 100, "", "a.test." },
	{ "asking for CNAME gets the CNAME, not followed", "a.test.",
	  LDNS_RR_TYPE_CNAME, { "a.test. 100 IN CNAME b.test.",
	    "b.test. 100 IN A 192.0.2.1", NULL }, { NULL }, 1, 0, 100,
	  "b.test.", NULL },
	{ "no data: negative TTL is the SOA minimum when smaller",
	  "nx.example.net.", LDNS_RR_TYPE_A, { NULL },
	  { "example.net. 3600 IN SOA ns. host. 1 2 3 4 300", NULL },
	  0, 0, 300, "", NULL },
	{ "no data: negative TTL is the SOA TTL when smaller",
	  "nx.example.net.", LDNS_RR_TYPE_A, { NULL },
	  { "example.net. 60 IN SOA ns. host. 1 2 3 4 300", NULL },
	  0, 0, 60, "", NULL },
	{ "empty reply", "a.test.", LDNS_RR_TYPE_A, { NULL }, { NULL },
	  0, 0, 0, "", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct split_case *c = &cases[i];
		ldns_pkt *p = reply(c->answer, c->auth);
		ldns_rr_list *rrs = ldns_rr_list_new();
		ldns_rr_list *cnames = ldns_rr_list_new();
		uint32_t ttl = 12345;
		char buf[256];
		int rc = truth_answer_split(p, c->qname, c->qtype, rrs, cnames,
			&ttl);

		ok(rc == 0, "%s: split", c->what);
		ok(ldns_rr_list_rr_count(rrs) == c->nrrs,
		   "%s: %zu records (got %zu)", c->what, c->nrrs,
		   ldns_rr_list_rr_count(rrs));
		ok(ldns_rr_list_rr_count(cnames) == c->ncnames,
		   "%s: %zu CNAMEs (got %zu)", c->what, c->ncnames,
		   ldns_rr_list_rr_count(cnames));
		ok(ttl == c->ttl, "%s: ttl %u (got %u)", c->what,
		   (unsigned)c->ttl, (unsigned)ttl);
		ok(!strcmp(rdata(rrs, 0, buf, sizeof(buf)), c->first_rr),
		   "%s: first record \"%s\" (got \"%s\")", c->what,
		   c->first_rr, buf);
		if (c->last_cname)
			ok(!strcmp(rdata(cnames, c->ncnames - 1, buf,
			   sizeof(buf)), c->last_cname),
			   "%s: chain ends at %s (got %s)", c->what,
			   c->last_cname, buf);
		ldns_rr_list_deep_free(rrs);
		ldns_rr_list_deep_free(cnames);
		ldns_pkt_free(p);
	}
	return tap_done();
}

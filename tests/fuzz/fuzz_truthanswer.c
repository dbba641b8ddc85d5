/* fuzz_truthanswer.c: what truth resolution does with an answer packet
 * from libunbound.  For an insecure zone that packet is whatever the
 * zone's servers chose to send, so it is hostile input too: split it
 * (truth_answer_split: CNAME chain, records, negative TTL), merge it twice
 * into a truth answer as two rounds would (truth_answer_merge), then use
 * it as the validator and the truth command do (truth_best_mx,
 * truth_addr_ok, truth_answer_print, truth_answer_json).
 * Input: one selector byte (bits 0-3: the question of fixture_plan), then
 * the packet. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "dnssec/truth_resolve.h"
#include "resolver-probe/truth_print.h"
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct fixture_query *fq = &fixture_plan[(data[0] & 0x0f) %
		FIXTURE_NPLAN];
	ldns_pkt *pkt = NULL;
	if (ldns_wire2pkt(&pkt, data + 1, size - 1) != LDNS_STATUS_OK)
		return 0;
	ldns_rr_list *rrs = ldns_rr_list_new();
	ldns_rr_list *cnames = ldns_rr_list_new();
	struct truth *t = truth_new();
	uint32_t ttl = 0;
	if (!rrs || !cnames || !t ||
	    truth_answer_split(pkt, fq->qname, fq->qtype, rrs, cnames,
	    &ttl) < 0)
		goto out;
	expect(ldns_rr_list_rr_count(cnames) <= 16, "at most 16 CNAME hops");
	for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		expect(ldns_rr_get_type(rr) == fq->qtype, "only qtype records");
		expect(ldns_rr_ttl(rr) >= ttl, "ttl is the smallest");
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(cnames); i++)
		expect(ldns_rr_get_type(ldns_rr_list_rr(cnames, i)) ==
			LDNS_RR_TYPE_CNAME, "only CNAMEs in the chain");

	struct truth_answer *a = truth_get(t, fq->qname, fq->qtype);
	if (!a || truth_answer_merge(a, rrs, cnames, ttl) < 0)
		goto out;
	size_t once = ldns_rr_list_rr_count(a->rrs);
	expect(once <= ldns_rr_list_rr_count(rrs), "merge adds no records");
	/* A second round with the same records adds nothing. */
	if (truth_answer_merge(a, rrs, cnames, ttl) < 0)
		goto out;
	expect(ldns_rr_list_rr_count(a->rrs) == once, "merge is idempotent");
	a->rcode = ldns_pkt_get_rcode(pkt);
	a->provider = fq->provider < 0 ? -1 : 0;
	if (a->provider == 0) {
		/* a->provider indexes t->providers: give it one. */
		char err[128];
		static const char prov[] = "provider gmail.com\n"
			"prefix 142.250.0.0/15\n";
		if (providers_parse(t, prov, sizeof(prov) - 1, "fuzz", err,
		    sizeof(err)) < 0)
			goto out;
	}
	const ldns_rdf *best = truth_best_mx(a);
	expect(!best || fq->qtype == LDNS_RR_TYPE_MX, "best MX of an MX");
	for (size_t i = 0; i < ldns_rr_list_rr_count(a->rrs); i++) {
		struct prefix p;
		if (truth_rr_addr(ldns_rr_list_rr(a->rrs, i), &p))
			expect(truth_addr_ok(t, a, &p) &&
				truth_addr_in_set(a, &p), "its own address is ok");
	}
	truth_answer_print(devnull(), a);
	struct json j;
	json_init(&j, 1u << 20);
	truth_answer_json(&j, NULL, t, a);
	json_clear(&j);
out:
	truth_free(t);
	ldns_rr_list_deep_free(rrs);
	ldns_rr_list_deep_free(cnames);
	ldns_pkt_free(pkt);
	return 0;
}

/* fuzz_reply.c: one reply from a hostile resolver, through what the scan
 * does with it: match it against the query it claims to answer
 * (match_reply), parse it (ldns_wire2pkt), judge it (verdict_classify_one
 * and verdict_classify against the fixture truth) and write it out
 * (output_json, output_csv, summary_record_from_scan, summary_add), and
 * check that the fast record text (rrtext.h) is ldns's for every record.
 *
 * Input: one selector byte, then the reply as sent on the wire.  Selector
 * bits 0-3 pick the question from fixture_plan (modulo its size), bit 4
 * the DO bit of the query, bit 5 exact-case (0x20) matching.  The query
 * has the id 0x5250 ("RP"). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "scan/match.h"
#include "scan/output.h"
#include "common/rrtext.h"
#include "scan/summary.h"
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_ID 0x5250

/* The checks here are what the scan relies on; a violation is a bug even
 * when nothing crashes. */
static void judge(const struct observation *o)
{
	const struct verdict_ctx *ctx = fixture_ctx();
	struct verdict *one = verdict_classify_one(ctx, o, 0);
	struct verdict *all = verdict_classify(ctx, o);
	if (one)
		expect(one->class < CLASS_COUNT && one->nqueries <= o->n,
			"classify_one class or query count");
	if (all)
		expect(all->class < CLASS_COUNT && all->nqueries == o->n,
			"classify class or query count");
	struct json j;
	json_init(&j, OUTPUT_LINE_MAX);
	output_json(&j, o, all, ctx->truth);
	json_clear(&j);
	char row[OUTPUT_CSV_MAX];
	output_csv(row, sizeof(row), o, all);
	struct summary_record r;
	memset(&r, 0, sizeof(r));
	if (summary_record_from_scan(&r, o, all, ctx->truth) == 0) {
		struct summary *s = summary_new();
		if (s)
			summary_add(s, &r);
		summary_free(s);
	}
	summary_record_clear(&r);
	verdict_free(one);
	verdict_free(all);
}

/* Every record the fast path prints, it prints as ldns does (rrtext.h). */
static void same_text(const ldns_pkt *p)
{
	const ldns_rr_list *sec[] = { ldns_pkt_answer(p),
		ldns_pkt_authority(p), ldns_pkt_additional(p) };
	static char fast[RRTEXT_FAST_MAX];
	ldns_buffer *want = ldns_buffer_new(RRTEXT_FAST_MAX);
	for (size_t s = 0; want && s < 3; s++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(sec[s]); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(sec[s], i);
			int n = rrtext_fast(fast, sizeof(fast), rr);
			if (n < 0 || rrtext_ldns(want, rr) < 0)
				continue;
			expect((size_t)n == ldns_buffer_position(want) &&
				!memcmp(fast, ldns_buffer_begin(want), (size_t)n),
				"the fast record text is ldns's");
		}
	}
	if (want)
		ldns_buffer_free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	const uint8_t *reply = data + 1;
	size_t rlen = size - 1;
	const struct fixture_query *fq = &fixture_plan[(sel & 0x0f) %
		FIXTURE_NPLAN];
	bool dnssec_ok = sel & 0x10, exact = sel & 0x20;

	uint8_t query[MATCH_QUERY_MAX];
	char err[256];
	int qlen = match_build_query(query, sizeof(query), FUZZ_ID, fq->qname,
		fq->qtype, dnssec_ok, err, sizeof(err));
	expect(qlen > 0, "the fixture query builds");

	/* The wire helpers meet hostile bytes too when a reply is taken for a
	 * query; they must only ever say "malformed". */
	char name[LDNS_MAX_DOMAINLEN + 8];
	int ql = match_question_len(reply, rlen);
	expect(ql < 0 || 12 + (size_t)ql <= rlen, "question inside the reply");
	if (match_qname_str(reply, rlen, name, sizeof(name)) == 0)
		expect(strlen(name) < sizeof(name), "qname fits");
	if (rlen) {
		uint8_t *copy = malloc(rlen);
		if (copy) {
			static const uint8_t rnd[] = { 0xa5, 0x3c };
			memcpy(copy, reply, rlen);
			match_0x20(copy, rlen, rnd, sizeof(rnd));
			free(copy);
		}
	}

	enum match_result m = match_reply(reply, rlen, query, (size_t)qlen,
		exact);
	expect(match_result_str(m) != NULL, "a result name");
	if (m != MATCH_OK)
		return 0;
	expect(rlen >= 12 && reply[0] == query[0] && reply[1] == query[1] &&
		(reply[2] & 0x80), "a matched reply has our id and QR");

	ldns_pkt *p = NULL;
	enum reply_status status = REPLY_OK;
	if (ldns_wire2pkt(&p, reply, rlen) != LDNS_STATUS_OK) {
		p = NULL;
		status = REPLY_MALFORMED;
	}
	if (p)
		same_text(p);
	struct prefix resolver;
	expect(prefix_parse("198.51.100.53", &resolver, err, sizeof(err)) == 0,
		"resolver address");
	struct observation *o = observation_new(&resolver);
	if (!o) {
		ldns_pkt_free(p);
		return 0;
	}
	if (match_qname_str(query, (size_t)qlen, name, sizeof(name)) < 0)
		expect(0, "the query's own name reads back");
	char *qname = strdup(name);
	if (!qname) {
		ldns_pkt_free(p);
	} else if (observation_add(o, qname, fq->qtype, fq->role,
	    fq->provider, 0, status, p, 12.5) == 0) {
		o->results[0].tcp = p && ldns_pkt_tc(p);
		o->results[0].tries = 1;
		judge(o);
	}
	observation_free(o);
	return 0;
}

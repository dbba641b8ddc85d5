/* fuzz_verdict.c: the validator fed arbitrary observations.  A resolver's
 * whole record (up to FUZZ_MAX_RESULTS queries, both rounds, any role,
 * any status) is built from the input and judged against the fixture
 * truth (verdict_classify, verdict_classify_one per query), then written
 * (output_json, output_csv) and counted (summary_record_from_scan,
 * summary_add, summary_print).
 *
 * Input: a sequence of results, each a 4-byte head then a reply:
 *   byte 0  bits 0-1 status (0, 3 ok; 1 timeout; 2 malformed), bit 2 the
 *           round, bit 3 set: bits 4-6 replace the plan's role (mod 5)
 *   byte 1  the question: index into fixture_plan (mod its size)
 *   byte 2-3  length of the reply that follows (big-endian, cut to what
 *           is left), parsed with ldns_wire2pkt; a parse failure makes the
 *           result malformed
 * A final byte left over sets the unsolicited count. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "scan/output.h"
#include "scan/summary.h"
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_MAX_RESULTS 24

/* Where summary_print and summary_html write: nowhere, but through stdio
 * so their formatting runs. */
static void judge(const struct observation *o)
{
	const struct verdict_ctx *ctx = fixture_ctx();
	struct verdict *v = verdict_classify(ctx, o);
	if (v) {
		expect(v->class < CLASS_COUNT, "class in range");
		expect(v->nqueries == o->n, "one query verdict per result");
		expect(v->njudged <= v->nqueries, "judged <= queries");
		expect(v->classes & (1u << v->class),
			"class is one of classes");
	}
	for (size_t i = 0; i < o->n; i++) {
		struct verdict *one = verdict_classify_one(ctx, o, i);
		if (one)
			expect(one->class < CLASS_COUNT, "one: class in range");
		verdict_free(one);
	}
	struct json j;
	json_init(&j, OUTPUT_LINE_MAX);
	output_json(&j, o, v, ctx->truth);
	json_clear(&j);
	char row[OUTPUT_CSV_MAX];
	output_csv(row, sizeof(row), o, v);
	struct summary_record r;
	memset(&r, 0, sizeof(r));
	if (summary_record_from_scan(&r, o, v, ctx->truth) == 0) {
		expect(r.nqueries == o->n, "summary record: every query");
		struct summary *s = summary_new();
		if (s && summary_add(s, &r) == 0) {
			expect(summary_probed(s) == 1, "summary counts one");
			summary_print(s, devnull());
			summary_html(s, devnull(), "fuzz <&>");
		}
		summary_free(s);
	}
	summary_record_clear(&r);
	verdict_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prefix resolver;
	char err[128];
	expect(prefix_parse("198.51.100.53", &resolver, err, sizeof(err)) == 0,
		"resolver address");
	struct observation *o = observation_new(&resolver);
	if (!o)
		return 0;
	while (size >= 4 && o->n < FUZZ_MAX_RESULTS) {
		uint8_t h = data[0];
		const struct fixture_query *fq =
			&fixture_plan[data[1] % FIXTURE_NPLAN];
		size_t plen = (size_t)data[2] << 8 | data[3];
		data += 4;
		size -= 4;
		if (plen > size)
			plen = size;
		enum reply_status status = (h & 3) == 1 ? REPLY_TIMEOUT :
			(h & 3) == 2 ? REPLY_MALFORMED : REPLY_OK;
		enum query_role role = h & 8 ? (enum query_role)((h >> 4) % 5) :
			fq->role;
		ldns_pkt *p = NULL;
		if (status == REPLY_OK &&
		    ldns_wire2pkt(&p, data, plen) != LDNS_STATUS_OK) {
			p = NULL;
			status = REPLY_MALFORMED;
		}
		data += plen;
		size -= plen;
		char *qname = strdup(fq->qname);
		if (!qname) {
			ldns_pkt_free(p);
			break;
		}
		if (observation_add(o, qname, fq->qtype, role, fq->provider,
		    (h >> 2) & 1, status, p, (double)plen / 8) < 0)
			break;
		o->results[o->n - 1].tries = 1 + (h >> 7);
	}
	if (size == 1)
		o->unsolicited = data[0];
	judge(o);
	observation_free(o);
	return 0;
}

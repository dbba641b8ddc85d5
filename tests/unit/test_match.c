/* test_match.c: query wire format, 0x20, reply matching (id, source,
 * question, case) and the in-flight table. */
#include "config.h"
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ldns/ldns.h>
#include "scan/match.h"
#include "tests/tap.h"

/* A reply to query q built by ldns from its parse, with the given id and
 * qname as the question. */
static size_t make_reply(const uint8_t *q, size_t qlen, uint16_t id,
	const char *qname, uint8_t *out)
{
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, q, qlen) != LDNS_STATUS_OK)
		return 0;
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_id(p, id);
	if (qname) {
		ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
		ldns_rdf *o = ldns_rr_owner(qr), *n = NULL;
		ldns_str2rdf_dname(&n, qname);
		ldns_rr_set_owner(qr, n);
		ldns_rdf_deep_free(o);
	}
	ldns_rr *a = NULL;
	ldns_rr_new_frm_str(&a, "gmail.com. 300 IN A 192.0.2.1", 0, NULL, NULL);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, a);
	uint8_t *w = NULL;
	size_t len = 0;
	ldns_pkt2wire(&w, p, &len);
	ldns_pkt_free(p);
	memcpy(out, w, len);
	free(w);
	return len;
}

int main(void)
{
	uint8_t q[MATCH_QUERY_MAX], r[1024];
	char err[128], name[300];
	int n = match_build_query(q, sizeof(q), 0xbeef, "gmail.com", LDNS_RR_TYPE_MX,
		true, err, sizeof(err));
	ok(n > 0, "query built (%d bytes)", n);
	ldns_pkt *p = NULL;
	ok(ldns_wire2pkt(&p, q, (size_t)n) == LDNS_STATUS_OK, "ldns parses it");
	ok(p && ldns_pkt_id(p) == 0xbeef && ldns_pkt_rd(p) && !ldns_pkt_qr(p),
		"id set, RD set, QR clear");
	ok(p && ldns_pkt_edns(p) && ldns_pkt_edns_do(p) &&
		ldns_pkt_edns_udp_size(p) == 1232, "EDNS0 with DO, 1232 bytes");
	ok(p && ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(p), 0)) ==
		LDNS_RR_TYPE_MX, "question type MX");
	ldns_pkt_free(p);
	ok(match_question_len(q, (size_t)n) == 11 + 4, "question length 15");
	ok(match_build_query(q, 20, 1, "gmail.com", 1, true, err, sizeof(err)) < 0,
		"too small a buffer is an error: %s", err);
	ok(match_build_query(q, sizeof(q), 1, "a..b", 1, true, err,
		sizeof(err)) < 0, "bad name is an error: %s", err);

	n = match_build_query(q, sizeof(q), 7, "GMail.com.", 1, false, err,
		sizeof(err));
	ok(match_qname_str(q, (size_t)n, name, sizeof(name)) == 0 &&
		!strcmp(name, "GMail.com."), "case kept as written: %s", name);
	match_set_id(q, 0x1234);
	ok(q[0] == 0x12 && q[1] == 0x34, "match_set_id");

	/* 0x20 */
	n = match_build_query(q, sizeof(q), 7, "gmail.com", 1, true, err,
		sizeof(err));
	uint8_t all[1] = { 0xff }, none[1] = { 0 }, alt[1] = { 0x55 };
	ok(match_0x20(q, (size_t)n, all, 1) == 8, "8 letters in gmail.com");
	match_qname_str(q, (size_t)n, name, sizeof(name));
	ok(!strcmp(name, "GMAIL.COM."), "all bits: upper %s", name);
	match_0x20(q, (size_t)n, none, 1);
	match_qname_str(q, (size_t)n, name, sizeof(name));
	ok(!strcmp(name, "GMAIL.COM."), "no bits: unchanged %s", name);
	match_0x20(q, (size_t)n, all, 1);
	match_0x20(q, (size_t)n, alt, 1);
	match_qname_str(q, (size_t)n, name, sizeof(name));
	ok(!strcmp(name, "GmAiL.cOm."), "alternate bits: %s", name);
	ok(q[12] == 5 && q[18] == 3, "label lengths untouched");
	uint8_t d[MATCH_QUERY_MAX];
	int dn = match_build_query(d, sizeof(d), 7, "0-9.example", 1, true, err,
		sizeof(err));
	ok(match_0x20(d, (size_t)dn, all, 1) == 7, "digits and '-' not letters");

	ok(match_qname_case(q, (size_t)n, "gmail.com.", name, sizeof(name)) == 0
		&& !strcmp(name, "GmAiL.cOm."), "qname case from the wire: %s",
		name);
	ok(match_qname_case(q, (size_t)n, "gmail.co.", name, sizeof(name)) < 0,
		"another name: refused");
	ok(match_qname_case(q, (size_t)n, "gmail.com", name, sizeof(name)) < 0,
		"no trailing dot: refused");
	ok(match_qname_case(q, (size_t)n, "gmail.com.x.", name, sizeof(name)) <
		0, "longer name: refused");
	ok(match_qname_case(q, (size_t)n, "gmail\\.com.", name, sizeof(name)) <
		0, "escapes: refused (use match_qname_str)");
	ok(match_qname_case(q, (size_t)n, "gmail.com.", name, 5) < 0,
		"small buffer: refused");
	uint8_t root[MATCH_QUERY_MAX];
	int rn = match_build_query(root, sizeof(root), 1, ".", 2, true, err,
		sizeof(err));
	ok(match_qname_case(root, (size_t)rn, ".", name, sizeof(name)) == 0 &&
		!strcmp(name, "."), "the root: %s", name);

	/* Matching: q is "GmAiL.cOm." id 7. */
	size_t rl = make_reply(q, (size_t)n, 7, NULL, r);
	ok(rl > 0 && match_reply(r, rl, q, (size_t)n, true) == MATCH_OK,
		"echoed reply matches");
	rl = make_reply(q, (size_t)n, 8, NULL, r);
	ok(match_reply(r, rl, q, (size_t)n, true) == MATCH_ID,
		"forged id: %s", match_result_str(match_reply(r, rl, q,
		(size_t)n, true)));
	rl = make_reply(q, (size_t)n, 7, "gmail.com.", r);
	ok(match_reply(r, rl, q, (size_t)n, true) == MATCH_QUESTION,
		"0x20 case not echoed: rejected with --0x20");
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_OK,
		"but accepted without it");
	rl = make_reply(q, (size_t)n, 7, "yahoo.com.", r);
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_QUESTION,
		"another name: rejected");
	rl = make_reply(q, (size_t)n, 7, NULL, r);
	r[12 + 11 + 1] = 15;	/* type A -> MX */
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_QUESTION,
		"another type: rejected");
	rl = make_reply(q, (size_t)n, 7, NULL, r);
	r[2] &= 0x7f;
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_NOT_REPLY,
		"QR clear (a query echoed back): rejected");
	r[2] |= 0x80;
	ok(match_reply(r, 1, q, (size_t)n, false) == MATCH_SHORT,
		"1 byte: short, not even an id");
	ok(match_reply(r, 7, q, (size_t)n, false) == MATCH_MALFORMED,
		"7 bytes with the right id: malformed (chaos short-header)");
	r[0] ^= 1;
	ok(match_reply(r, 7, q, (size_t)n, false) == MATCH_ID,
		"7 bytes with another id: id");
	r[0] ^= 1;
	ok(match_reply(r, 20, q, (size_t)n, false) == MATCH_MALFORMED,
		"question cut short: malformed");
	r[5] = 0;
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_MALFORMED,
		"QDCOUNT 0: malformed");
	r[5] = 1;
	r[12] = 0xc0;
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_MALFORMED,
		"a pointer as the question name: malformed");
	rl = make_reply(q, (size_t)n, 7, "gmail.co.", r);
	ok(match_reply(r, rl, q, (size_t)n, false) == MATCH_QUESTION,
		"a shorter readable name: question");
	uint8_t cq[40] = { 0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12 };
	ok(match_question_len(cq, 20) < 0, "compressed question name rejected");

	/* Source. */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) },
		b;
	inet_pton(AF_INET, "127.0.3.1", &a.sin_addr);
	b = a;
	ok(match_source((void *)&a, (void *)&b), "same address and port");
	b.sin_port = htons(5353);
	ok(!match_source((void *)&a, (void *)&b), "another port");
	b = a;
	inet_pton(AF_INET, "127.0.3.2", &b.sin_addr);
	ok(!match_source((void *)&a, (void *)&b), "another address");
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
		.sin6_port = htons(53) }, t6;
	inet_pton(AF_INET6, "::1", &s6.sin6_addr);
	t6 = s6;
	ok(match_source((void *)&s6, (void *)&t6), "IPv6 same");
	ok(!match_source((void *)&a, (void *)&s6), "families differ");

	/* The in-flight table. */
	struct inflight t;
	ok(inflight_init(&t, 2, 100) == 0, "table for 2 sockets, 100 entries");
	int x, y;
	ok(inflight_put(&t, 0, 7, &x) == 0 && inflight_put(&t, 1, 7, &y) == 0,
		"same id on two sockets");
	ok(inflight_put(&t, 0, 7, &y) < 0, "taken slot refused");
	ok(inflight_put(&t, 2, 7, &y) < 0, "socket out of range refused");
	ok(inflight_put(&t, 0, 9, NULL) < 0, "NULL refused");
	ok(inflight_get(&t, 0, 7) == &x && inflight_get(&t, 1, 7) == &y &&
		inflight_get(&t, 0, 8) == NULL && inflight_get(&t, 5, 7) == NULL,
		"lookups");
	ok(t.used == 2, "two used");
	inflight_del(&t, 0, 7);
	inflight_del(&t, 0, 7);
	ok(t.used == 1 && !inflight_get(&t, 0, 7), "deleted once, counted once");
	inflight_clear(&t);

	/* Against a reference: random puts and deletes at up to half full,
	 * so probe runs collide, wrap and shift. */
	static void *ref[4][65536];
	static char v[4 * 65536];
	ok(inflight_init(&t, 4, 2000) == 0, "table for 4 sockets, 2000 entries");
	ok(t.mask + 1 == 4096, "capacity 4096 for 2000 (%zu)", t.mask + 1);
	unsigned long seed = 12345, mism = 0, ops = 0, full = 0;
	for (int round = 0; round < 200000; round++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned sock = (unsigned)(seed >> 60) & 3;
		uint16_t id = (uint16_t)(seed >> 20);
		/* ids from a small range so the same keys come back */
		id &= 0x0fff;
		void *want = ref[sock][id];
		if (inflight_get(&t, sock, id) != want)
			mism++;
		if (want && (seed >> 8 & 1)) {
			inflight_del(&t, sock, id);
			ref[sock][id] = NULL;
		} else if (!want) {
			void *q = &v[sock * 65536 + id];
			int rc = inflight_put(&t, sock, id, q);
			if (rc == 0)
				ref[sock][id] = q;
			else if (t.used < t.max)
				mism++;
			else
				full++;
		}
		ops++;
	}
	size_t nref = 0;
	for (unsigned so = 0; so < 4; so++)
		for (unsigned id = 0; id < 65536; id++)
			if (ref[so][id]) {
				nref++;
				if (inflight_get(&t, so, (uint16_t)id) != ref[so][id])
					mism++;
			}
	ok(mism == 0 && nref == t.used, "%lu random operations agree with the "
		"reference (%zu entries, %lu refused when full)", ops, nref, full);
	ok(full > 0, "and the table refuses beyond its max");
	inflight_clear(&t);
	return tap_done();
}

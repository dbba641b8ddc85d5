/* test_rrtext.c: the scan's record text is ldns_rr2str's, byte for byte
 * (tabs as spaces, no newline), whether the fast path or ldns prints it;
 * and the fast path does print the common mail records. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "common/rrtext.h"
#include "tests/tap.h"

/* rrtext equals ldns (rrtext_ldns, the slow path alone); returns whether
 * the fast path took it. */
static int same(ldns_buffer *b, const ldns_rr *rr, const char *what,
	int *fast)
{
	char fb[RRTEXT_FAST_MAX];
	ldns_buffer *want = ldns_buffer_new(RRTEXT_FAST_MAX);
	int ref = want ? rrtext_ldns(want, rr) : -1;
	int rc = rrtext(b, rr);
	*fast = rrtext_fast(fb, sizeof(fb), rr) >= 0;
	const char *w = ref == 0 ? (const char *)ldns_buffer_begin(want) : "";
	int eq = ref == 0 && rc == 0 && !strcmp(w,
		(const char *)ldns_buffer_begin(b)) && (!*fast || !strcmp(fb, w));
	if (!eq)
		printf("# %s: ldns \"%s\", rrtext \"%s\"\n", what,
			ref == 0 ? w : "(null)", rc == 0 ?
			(const char *)ldns_buffer_begin(b) : "(null)");
	if (want)
		ldns_buffer_free(want);
	return eq;
}

static ldns_rr *from_str(const char *text)
{
	ldns_rr *rr = NULL;
	if (ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL) != LDNS_STATUS_OK)
		return NULL;
	return rr;
}

/* A record with a random owner (any bytes, labels of 0-8) of type t. */
static ldns_rr *random_rr(ldns_rr_type t, unsigned *seed)
{
	uint8_t wire[64];
	size_t n = 0, labels = (size_t)(rand_r(seed) % 4);
	for (size_t l = 0; l < labels; l++) {
		size_t len = 1 + (size_t)(rand_r(seed) % 8);
		wire[n++] = (uint8_t)len;
		for (size_t i = 0; i < len; i++)
			wire[n++] = (uint8_t)rand_r(seed);
	}
	wire[n++] = 0;
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *owner = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n, wire);
	if (!rr || !owner)
		return NULL;
	ldns_rr_set_owner(rr, owner);
	ldns_rr_set_type(rr, t);
	ldns_rr_set_ttl(rr, (uint32_t)rand_r(seed) * 2u +
		(uint32_t)(rand_r(seed) & 1));
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	uint8_t addr[16];
	for (size_t i = 0; i < sizeof(addr); i++)
		addr[i] = (uint8_t)(rand_r(seed) % 3 ? 0 : rand_r(seed));
	ldns_rdf *f = NULL;
	switch (t) {
	case LDNS_RR_TYPE_A:
		f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, addr);
		break;
	case LDNS_RR_TYPE_AAAA:
		f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, addr);
		break;
	case LDNS_RR_TYPE_MX:
		ldns_rr_push_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
			(uint16_t)rand_r(seed)));
		/* fall through */
	default:
		f = ldns_rdf_clone(owner);
	}
	ldns_rr_push_rdf(rr, f);
	return rr;
}

int main(void)
{
	ldns_buffer *b = ldns_buffer_new(16);
	static const struct {
		const char *text;
		int fast;
	} cases[] = {
		{ "gmail.com. 3600 IN MX 5 gmail-smtp-in.l.google.com.", 1 },
		{ "mx.example. 0 IN A 192.0.2.1", 1 },
		{ "mx.example. 4294967295 IN A 255.255.255.255", 1 },
		{ "mx.example. 300 IN AAAA 2001:db8::1", 1 },
		{ "mx.example. 300 IN AAAA ::ffff:192.0.2.1", 1 },
		{ "mx.example. 300 IN AAAA ::", 1 },
		{ "www.example. 60 IN CNAME a\\.b\\;c\\(d\\)e\\\\f.example.", 1 },
		{ "example. 60 IN NS \\000\\032\\127\\255\\\".example.", 1 },
		{ "1.2.0.192.in-addr.arpa. 60 IN PTR .", 1 },
		{ ". 60 IN MX 0 .", 1 },
		{ "Mixed.CASE.example. 60 IN MX 10 MX.Example.", 1 },
		{ "example. 60 CH A 192.0.2.1", 0 },
		{ "example. 60 IN TXT \"v=spf1 -all\" \"a\\\"b\"", 0 },
		{ "example. 60 IN SOA ns. host. 1 2 3 4 5", 0 },
		{ "_25._tcp.mx.example. 60 IN TLSA 3 1 1 "
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  0 },
		{ "example. 60 IN TYPE65280 \\# 2 abcd", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ldns_rr *rr = from_str(cases[i].text);
		int fast = -1;
		ok(rr && same(b, rr, cases[i].text, &fast) &&
			fast == cases[i].fast, "%s: as ldns prints it (%s)",
			cases[i].text, cases[i].fast ? "fast path" : "ldns");
		ldns_rr_free(rr);
	}

	/* Owners and targets of any bytes, every fast type. */
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_A,
		LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_CNAME,
		LDNS_RR_TYPE_NS, LDNS_RR_TYPE_PTR };
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		unsigned seed = (unsigned)t + 1;
		int all = 1, fast_all = 1;
		for (int i = 0; i < 2000 && all; i++) {
			ldns_rr *rr = random_rr(types[t], &seed);
			int fast = 0;
			all = rr && same(b, rr, "random", &fast);
			fast_all &= fast;
			ldns_rr_free(rr);
		}
		ok(all && fast_all, "2000 random %s records: the fast path "
			"prints each as ldns does",
			ldns_rr_descript(types[t])->_name);
	}

	/* What the fast path must leave to ldns. */
	ldns_rr *q = NULL;
	char fb[RRTEXT_FAST_MAX];
	ldns_rr_new_question_frm_str(&q, "mx.example. IN A", NULL, NULL);
	ok(q && rrtext_fast(fb, sizeof(fb), q) < 0, "a question: not the "
		"fast path (ldns prints no TTL)");
	ldns_rr_free(q);
	ldns_rr *bad = ldns_rr_new();
	ldns_rr_set_type(bad, LDNS_RR_TYPE_A);
	uint8_t three[3] = { 1, 2, 3 };
	ldns_rr_set_owner(bad, ldns_dname_new_frm_str("x."));
	ldns_rr_push_rdf(bad, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 3, three));
	ok(rrtext_fast(fb, sizeof(fb), bad) < 0, "a 3-byte A rdata: not the "
		"fast path");
	ldns_rr_free(bad);
	ldns_rr *a = from_str("mx.example. 60 IN A 192.0.2.1");
	ok(a && rrtext_fast(fb, 16, a) < 0, "a buffer under RRTEXT_FAST_MAX: "
		"refused");
	ldns_rr_free(a);
	ldns_buffer_free(b);
	return tap_done();
}

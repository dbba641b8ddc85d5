/* test_follow.c: where the lies lead (scan/follow.h): the verdict on a
 * session's facts, and the set of destinations a scan's records give. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "scan/follow.h"

static struct starttls_result session(bool tcp, bool greeted, bool offered,
	bool handshake, bool cert, int verify, bool name_ok)
{
	struct starttls_result r;
	memset(&r, 0, sizeof(r));
	r.tcp = tcp;
	r.connected = greeted;
	r.ehlo = greeted;
	r.offered = offered;
	r.handshake = handshake;
	r.cert = cert;
	r.verify = verify;
	r.name_ok = name_ok;
	return r;
}

/* A record of one resolver: address answers for provider, of class c. */
static void record(struct summary_record *rec, struct summary_query *q,
	char **vals, size_t n, const char *provider, int c)
{
	memset(rec, 0, sizeof(*rec));
	memset(q, 0, sizeof(*q));
	q->provider = (char *)provider;
	q->role = QUERY_ADDR;
	q->qtype = 1;
	q->answered = true;
	q->class = c;
	q->invalid = vals;
	q->ninvalid = n;
	rec->queries = q;
	rec->nqueries = 1;
}

int main(void)
{
	struct starttls_result r = session(false, false, false, false,
		false, 0, false);
	ok(follow_judge(&r) == FOLLOW_UNREACHABLE, "no TCP: unreachable");
	r = session(true, false, false, false, false, 0, false);
	ok(follow_judge(&r) == FOLLOW_NOT_SMTP, "TCP, no 220: not-smtp");
	r = session(true, true, false, false, false, 0, false);
	ok(follow_judge(&r) == FOLLOW_SMTP_PLAIN,
		"SMTP without STARTTLS: smtp-no-starttls");
	r = session(true, true, true, true, true, 18, true);
	ok(follow_judge(&r) == FOLLOW_SMTP_STARTTLS, "a self-signed "
		"certificate naming the true MX: a checking sender refuses it");
	r = session(true, true, true, true, true, 0, false);
	ok(follow_judge(&r) == FOLLOW_SMTP_STARTTLS, "a trusted certificate "
		"for another name: smtp-starttls");
	r = session(true, true, true, false, false, 0, false);
	ok(follow_judge(&r) == FOLLOW_SMTP_STARTTLS, "STARTTLS offered, the "
		"handshake failed: smtp-starttls");
	r = session(true, true, true, true, true, 0, true);
	ok(follow_judge(&r) == FOLLOW_IMPOSTER, "trusted and valid for the "
		"true MX host: imposter");
	r.expired = true;
	ok(follow_judge(&r) == FOLLOW_SMTP_STARTTLS, "expired: no imposter");
	for (int v = 0; v < FOLLOW_VERDICTS; v++)
		ok(follow_verdict_parse(follow_verdict_str(v)) == v,
			"verdict %s parses back", follow_verdict_str(v));
	ok(follow_verdict_parse("bogus") == -1, "an unknown name: -1");

	/* The set: addresses of lying address answers, each once; a
	 * resolver counts once however often it gave it. */
	struct follow_set s;
	follow_set_init(&s);
	struct summary_record rec;
	struct summary_query q;
	char *a1[] = { "192.0.2.1", "192.0.2.1", "not-an-address" };
	record(&rec, &q, a1, 3, "gmail.com.", CLASS_FALSIFIED);
	ok(follow_set_add(&s, &rec, NULL) == 0 && s.n == 1 &&
		!strcmp(s.v[0].addr, "192.0.2.1") && s.v[0].resolvers == 1 &&
		!strcmp(s.v[0].provider, "gmail.com."),
		"one resolver, one address twice and a name: one destination");
	char *a2[] = { "192.0.2.1", "2001:db8::25" };
	record(&rec, &q, a2, 2, "yahoo.com.", CLASS_LOOPBACK);
	follow_set_add(&s, &rec, NULL);
	ok(s.n == 2 && s.v[0].resolvers == 2 &&
		!strcmp(s.v[0].provider, "gmail.com.") &&
		!strcmp(s.v[1].addr, "2001:db8::25"), "a second resolver: "
		"counted, the first provider kept; an IPv6 address added");
	char *a3[] = { "198.51.100.1" };
	record(&rec, &q, a3, 1, "gmail.com.", CLASS_CORRECT);
	follow_set_add(&s, &rec, NULL);
	record(&rec, &q, a3, 1, "gmail.com.", CLASS_INCOMPLETE);
	follow_set_add(&s, &rec, NULL);
	ok(s.n == 2, "answers of a class that is no lie are not followed");
	record(&rec, &q, a3, 1, "gmail.com.", CLASS_FALSIFIED);
	q.role = QUERY_MX;
	follow_set_add(&s, &rec, NULL);
	ok(s.n == 2, "only address answers lead somewhere");
	ok(s.v[0].true_mx[0] == '\0', "no truth: no true MX host");
	follow_set_clear(&s);
	ok(s.n == 0 && s.v == NULL, "cleared");
	return tap_done();
}

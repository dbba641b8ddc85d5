/* results.h: a small scan's worth of truth, observations and verdicts,
 * built by hand, shared by test_output and test_summary.  Verdicts are
 * written here, not computed, so these tests check the output and summary
 * layers alone. */
#ifndef TESTS_RESULTS_H
#define TESTS_RESULTS_H
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ldns/ldns.h>
#include "validator/truth.h"
#include "validator/observation.h"
#include "validator/verdict.h"

#define NFIX 5

struct fixture {
	struct truth *truth;
	struct observation *obs[NFIX];
	struct verdict *ver[NFIX];
};

static ldns_rr_list *fx_rrs(const char *const *text)
{
	ldns_rr_list *l = ldns_rr_list_new();
	for (size_t i = 0; text[i]; i++) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, text[i], 0, NULL, NULL) !=
		    LDNS_STATUS_OK) {
			fprintf(stderr, "bad fixture record: %s\n", text[i]);
			exit(99);
		}
		ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

/* A reply with rcode and the given answer records. */
static ldns_pkt *fx_reply(const char *qname, ldns_rr_type qt,
	ldns_pkt_rcode rcode, const char *const *answers)
{
	ldns_pkt *p = NULL;
	if (ldns_pkt_query_new_frm_str(&p, qname, qt, LDNS_RR_CLASS_IN,
	    LDNS_RD) != LDNS_STATUS_OK)
		exit(99);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_id(p, 4242);
	ldns_pkt_set_rcode(p, rcode);
	ldns_rr_list *l = fx_rrs(answers);
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER,
			ldns_rr_clone(ldns_rr_list_rr(l, i)));
	ldns_rr_list_deep_free(l);
	return p;
}

static void fx_provider(struct truth *t, const char *domain,
	const char *prefix)
{
	char err[128];
	t->providers = realloc(t->providers,
		(t->nproviders + 1) * sizeof(*t->providers));
	struct provider *p = &t->providers[t->nproviders++];
	memset(p, 0, sizeof(*p));
	p->domain = strdup(domain);
	p->prefixes = calloc(1, sizeof(*p->prefixes));
	if (prefix_parse(prefix, &p->prefixes[0], err, sizeof(err)) < 0)
		exit(99);
	p->nprefixes = 1;
	p->usable = true;
}

static void fx_answer(struct truth *t, const char *qname, uint16_t qtype,
	int provider, const char *const *rrs)
{
	struct truth_answer *a = truth_get(t, qname, qtype);
	ldns_rr_list *l = fx_rrs(rrs);
	ldns_rr_list *none = ldns_rr_list_new();
	a->provider = provider;
	a->rcode = LDNS_RCODE_NOERROR;
	truth_answer_merge(a, l, none, 300);
	ldns_rr_list_deep_free(l);
	ldns_rr_list_deep_free(none);
}

static struct verdict *fx_verdict(enum verdict_class c, unsigned flags,
	size_t n, const enum verdict_class *qc)
{
	struct verdict *v = calloc(1, sizeof(*v));
	v->class = c;
	v->classes = 1u << c;
	v->flags = flags;
	v->queries = calloc(n, sizeof(*v->queries));
	v->nqueries = n;
	for (size_t i = 0; i < n; i++) {
		v->queries[i].result = i;
		v->queries[i].class = qc[i];
		if (qc[i] != c)
			v->classes |= 1u << qc[i];
		v->queries[i].evidence = strdup(qc[i] == CLASS_CORRECT ?
			"every answer in the validated set" :
			"answer outside the validated set");
		v->queries[i].allowed = strdup("5 gmail-smtp-in.l.google.com.");
	}
	return v;
}

/* Query q of v carries the invalid values vals (NULL-terminated), as
 * verdict_classify would have found them. */
static void fx_invalid(struct verdict *v, size_t q, const char *const *vals)
{
	struct query_verdict *qv = &v->queries[q];
	while (vals[qv->ninvalid])
		qv->ninvalid++;
	qv->invalid = calloc(qv->ninvalid + 1, sizeof(*qv->invalid));
	for (size_t i = 0; i < qv->ninvalid; i++)
		qv->invalid[i] = strdup(vals[i]);
}

static struct observation *fx_obs(const char *addr)
{
	struct prefix p;
	char err[128];
	if (prefix_parse(addr, &p, err, sizeof(err)) < 0)
		exit(99);
	return observation_new(&p);
}

static void fx_add(struct observation *o, const char *qname, uint16_t qt,
	enum query_role role, int provider, ldns_pkt *reply)
{
	observation_add(o, strdup(qname), qt, role, provider, 0,
		reply ? REPLY_OK : REPLY_TIMEOUT, reply, reply ? 12.5 : 0);
	o->results[o->n - 1].tries = reply ? 1 : 3;
}

#define MXQ "gMaIl.CoM."
#define MXH "gmail-smtp-in.l.google.com."
#define GOOD_MX "gmail.com. 300 IN MX 5 " MXH
#define GOOD_A MXH " 300 IN A 142.250.1.27"

/* Five resolvers: correct, falsified (also for yahoo.com), static, timeout
 * (silent), and an IPv6 falsifier naming the same evil MX. */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct truth *t = f->truth = truth_new();
	fx_provider(t, "gmail.com.", "142.250.0.0/15");
	fx_provider(t, "yahoo.com.", "98.136.0.0/14");
	fx_answer(t, "gmail.com.", LDNS_RR_TYPE_MX, 0,
		(const char *[]){ GOOD_MX, NULL });
	fx_answer(t, MXH, LDNS_RR_TYPE_A, 0, (const char *[]){ GOOD_A, NULL });
	fx_answer(t, "yahoo.com.", LDNS_RR_TYPE_MX, 1, (const char *[]){
		"yahoo.com. 300 IN MX 1 mta5.am0.yahoodns.net.", NULL });

	static const enum verdict_class ok2[] = { CLASS_CORRECT, CLASS_CORRECT };
	static const enum verdict_class lie3[] = { CLASS_FALSIFIED,
		CLASS_FALSIFIED, CLASS_FALSIFIED };
	static const enum verdict_class st2[] = { CLASS_STATIC, CLASS_STATIC };
	static const enum verdict_class to2[] = { CLASS_TIMEOUT, CLASS_TIMEOUT };
	static const enum verdict_class v6[] = { CLASS_FALSIFIED,
		CLASS_CORRECT };

	struct observation *o = f->obs[0] = fx_obs("127.0.1.1");
	fx_add(o, MXQ, LDNS_RR_TYPE_MX, QUERY_MX, 0, fx_reply(MXQ,
		LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
		(const char *[]){ GOOD_MX, NULL }));
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, fx_reply(MXH,
		LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, (const char *[]){ GOOD_A,
		MXH " 300 IN A 142.251.0.5", NULL }));
	f->ver[0] = fx_verdict(CLASS_CORRECT, 0, 2, ok2);

	o = f->obs[1] = fx_obs("127.0.2.1");
	fx_add(o, MXQ, LDNS_RR_TYPE_MX, QUERY_MX, 0, fx_reply(MXQ,
		LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, (const char *[]){ GOOD_MX,
		"gmail.com. 300 IN MX 10 mx.evil.example.", NULL }));
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, fx_reply(MXH,
		LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
		(const char *[]){ MXH " 300 IN A 6.6.6.6", NULL }));
	fx_add(o, "yahoo.com.", LDNS_RR_TYPE_MX, QUERY_MX, 1, fx_reply(
		"yahoo.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
		(const char *[]){ "yahoo.com. 60 IN MX 1 MX.Evil.Example.",
		NULL }));
	f->ver[1] = fx_verdict(CLASS_FALSIFIED, FLAG_NXDOMAIN_REWRITE, 3, lie3);
	fx_invalid(f->ver[1], 0, (const char *[]){ "mx.evil.example.", NULL });
	fx_invalid(f->ver[1], 1, (const char *[]){ "6.6.6.6", NULL });
	fx_invalid(f->ver[1], 2, (const char *[]){ "mx.evil.example.", NULL });

	o = f->obs[2] = fx_obs("127.0.2.2");
	fx_add(o, MXQ, LDNS_RR_TYPE_MX, QUERY_MX, 0, fx_reply(MXQ,
		LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
		(const char *[]){ MXQ " 60 IN A 10.9.9.9", NULL }));
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, fx_reply(MXH,
		LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
		(const char *[]){ MXH " 60 IN A 10.9.9.9", NULL }));
	f->ver[2] = fx_verdict(CLASS_STATIC, 0, 2, st2);
	fx_invalid(f->ver[2], 0, (const char *[]){ "A 10.9.9.9", NULL });
	fx_invalid(f->ver[2], 1, (const char *[]){ "10.9.9.9", NULL });

	o = f->obs[3] = fx_obs("127.0.3.1");
	fx_add(o, MXQ, LDNS_RR_TYPE_MX, QUERY_MX, 0, NULL);
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, NULL);
	f->ver[3] = fx_verdict(CLASS_TIMEOUT, 0, 2, to2);

	o = f->obs[4] = fx_obs("::1");
	fx_add(o, MXQ, LDNS_RR_TYPE_MX, QUERY_MX, 0, fx_reply(MXQ,
		LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, (const char *[]){
		"gmail.com. 300 IN MX 10 mx.evil.example.", NULL }));
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, fx_reply(MXH,
		LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
		(const char *[]){ GOOD_A, NULL }));
	o->unsolicited = 2;
	f->ver[4] = fx_verdict(CLASS_FALSIFIED, FLAG_UNSOLICITED, 2, v6);
	fx_invalid(f->ver[4], 0, (const char *[]){ "mx.evil.example.", NULL });
}

static void fixture_clear(struct fixture *f)
{
	for (int i = 0; i < NFIX; i++) {
		observation_free(f->obs[i]);
		verdict_free(f->ver[i]);
	}
	truth_free(f->truth);
}

#endif

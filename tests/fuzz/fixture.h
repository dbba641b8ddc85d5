/* fixture.h: the fixed world the reply, verdict and summary fuzz targets
 * judge against: a small truth built in memory from the lab's zones
 * (tests/lab/zones), so replies captured from the lab classify as they do
 * in a lab scan, a special-purpose registry, and the plan of queries a
 * fuzz input picks from.  Header-only, included by one target each. */
#ifndef TESTS_FUZZ_FIXTURE_H
#define TESTS_FUZZ_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "validator/verdict.h"
#include "validator/providers.h"
#include "common/addr.h"

/* The lab's providers file (tests/lab/providers). */
static const char fixture_providers[] =
	"provider gmail.com\n"
	"prefix 142.250.0.0/15\n"
	"prefix 2a00:1450::/32\n"
	"provider yahoo.com\n"
	"prefix 67.195.0.0/16\n"
	"prefix 98.136.0.0/14\n"
	"prefix 74.6.0.0/16\n"
	"provider qq.com\n"
	"prefix 183.0.0.0/10\n"
	"provider mail.ru\n"
	"prefix 94.100.176.0/20\n"
	"control www.example.net A\n"
	"nxdomain example.net\n";

static const char fixture_registry[] =
	"Address Block,Name,RFC,Allocation Date,Termination Date,Source,"
	"Destination,Forwardable,Globally Reachable,Reserved-by-Protocol\n"
	"10.0.0.0/8,Private-Use,[RFC1918],1996-02,N/A,True,True,True,False,False\n"
	"127.0.0.0/8,Loopback,[RFC1122],1981-09,N/A,False [1],False [1],False [1],False [1],True\n"
	"192.168.0.0/16,Private-Use,[RFC1918],1996-02,N/A,True,True,True,False,False\n"
	"192.0.2.0/24,Documentation (TEST-NET-1),[RFC5737],2010-01,N/A,False,False,False,False,False\n"
	"::1/128,Loopback Address,[RFC4291],2006-02,N/A,False,False,False,False,True\n"
	"fc00::/7,Unique-Local,[RFC4193],2005-10,N/A,True,True,True,False,False\n";

#define FIXTURE_GMX "gmail-smtp-in.l.google.com."
#define FIXTURE_NX "rp-fuzzfuzzfuzzfuzz.example.net."

/* One question of the plan: what a scan would ask. */
struct fixture_query {
	const char *qname;	/* as sent (0x20 case where mixed) */
	uint16_t qtype;
	enum query_role role;
	int provider;
};

static const struct fixture_query fixture_plan[] = {
	{ "gmail.com.", LDNS_RR_TYPE_MX, QUERY_MX, 0 },
	{ FIXTURE_GMX, LDNS_RR_TYPE_A, QUERY_ADDR, 0 },
	{ FIXTURE_GMX, LDNS_RR_TYPE_AAAA, QUERY_ADDR, 0 },
	{ "yahoo.com.", LDNS_RR_TYPE_MX, QUERY_MX, 1 },
	{ "mta5.am0.yahoodns.net.", LDNS_RR_TYPE_A, QUERY_ADDR, 1 },
	{ "qq.com.", LDNS_RR_TYPE_MX, QUERY_MX, 2 },
	{ "mx3.qq.com.", LDNS_RR_TYPE_A, QUERY_ADDR, 2 },
	{ "mail.ru.", LDNS_RR_TYPE_MX, QUERY_MX, 3 },
	{ "www.example.net.", LDNS_RR_TYPE_A, QUERY_CONTROL, -1 },
	{ FIXTURE_NX, LDNS_RR_TYPE_A, QUERY_NXCONTROL, -1 },
	{ "GmAiL.CoM.", LDNS_RR_TYPE_MX, QUERY_MX, 0 },
	{ "alt1.gmail-smtp-in.l.google.com.", LDNS_RR_TYPE_A, QUERY_ADDR, 0 },
	{ "txt.example.net.", LDNS_RR_TYPE_TXT, QUERY_OTHER, -1 },
};
#define FIXTURE_NPLAN (sizeof(fixture_plan) / sizeof(fixture_plan[0]))

static inline void fixture_die(const char *what)
{
	fprintf(stderr, "fixture: %s\n", what);
	abort();
}

/* Merge presentation-format records (NULL-terminated) into the answer for
 * (qname, type). */
static inline void fixture_answer(struct truth *t, const char *qname,
	uint16_t type, int provider, enum truth_sec sec, int rcode,
	const char *const *recs)
{
	struct truth_answer *a = truth_get(t, qname, type);
	ldns_rr_list *l = ldns_rr_list_new();
	ldns_rr_list *none = ldns_rr_list_new();
	if (!a || !l || !none)
		fixture_die("out of memory");
	for (; recs && *recs; recs++) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, *recs, 300, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fixture_die(*recs);
		ldns_rr_list_push_rr(l, rr);
	}
	if (truth_answer_merge(a, l, none, 300) < 0)
		fixture_die("out of memory");
	ldns_rr_list_deep_free(l);
	ldns_rr_list_deep_free(none);
	a->provider = provider;
	a->sec = sec;
	a->rcode = rcode;
}

/* The truth and registry, built once and kept for the process (reachable
 * through the static pointer, so leak checkers leave them alone). */
static inline const struct verdict_ctx *fixture_ctx(void)
{
	static struct verdict_ctx ctx;
	static struct special_registry reg;
	char err[256];
	if (ctx.truth)
		return &ctx;
	struct truth *t = truth_new();
	if (!t || providers_parse(t, fixture_providers,
	    strlen(fixture_providers), "fixture", err, sizeof(err)) < 0)
		fixture_die("providers");
	if (special_registry_parse(&reg, fixture_registry,
	    strlen(fixture_registry), "registry", err, sizeof(err)) < 0)
		fixture_die(err);
	/* mail.ru stands for a provider whose truth came back bogus. */
	t->providers[3].usable = false;
	t->providers[3].why_unusable = strdup("MX bogus: signature expired");
	static const char *const gmx[] = {
		"gmail.com. IN MX 5 gmail-smtp-in.l.google.com.",
		"gmail.com. IN MX 10 alt1.gmail-smtp-in.l.google.com.",
		"gmail.com. IN MX 20 alt2.gmail-smtp-in.l.google.com.",
		"gmail.com. IN MX 30 alt3.gmail-smtp-in.l.google.com.",
		"gmail.com. IN MX 40 alt4.gmail-smtp-in.l.google.com.", NULL };
	fixture_answer(t, "gmail.com.", LDNS_RR_TYPE_MX, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, gmx);
	static const char *const ga[] = {
		FIXTURE_GMX " IN A 142.250.153.26", NULL };
	fixture_answer(t, FIXTURE_GMX, LDNS_RR_TYPE_A, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, ga);
	static const char *const gaaaa[] = {
		FIXTURE_GMX " IN AAAA 2a00:1450:4013:c16::1a", NULL };
	fixture_answer(t, FIXTURE_GMX, LDNS_RR_TYPE_AAAA, 0,
		TRUTH_SEC_INSECURE, LDNS_RCODE_NOERROR, gaaaa);
	static const char *const alt1[] = {
		"alt1.gmail-smtp-in.l.google.com. IN A 142.251.9.26", NULL };
	fixture_answer(t, "alt1.gmail-smtp-in.l.google.com.", LDNS_RR_TYPE_A,
		0, TRUTH_SEC_INSECURE, LDNS_RCODE_NOERROR, alt1);
	static const char *const ymx[] = {
		"yahoo.com. IN MX 1 mta5.am0.yahoodns.net.",
		"yahoo.com. IN MX 1 mta6.am0.yahoodns.net.",
		"yahoo.com. IN MX 1 mta7.am0.yahoodns.net.", NULL };
	fixture_answer(t, "yahoo.com.", LDNS_RR_TYPE_MX, 1, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, ymx);
	static const char *const ya[] = {
		"mta5.am0.yahoodns.net. IN A 67.195.204.72",
		"mta5.am0.yahoodns.net. IN A 67.195.228.106",
		"mta5.am0.yahoodns.net. IN A 98.136.96.91", NULL };
	fixture_answer(t, "mta5.am0.yahoodns.net.", LDNS_RR_TYPE_A, 1,
		TRUTH_SEC_INSECURE, LDNS_RCODE_NOERROR, ya);
	static const char *const qmx[] = {
		"qq.com. IN MX 10 mx3.qq.com.",
		"qq.com. IN MX 20 mx2.qq.com.",
		"qq.com. IN MX 30 mx1.qq.com.", NULL };
	fixture_answer(t, "qq.com.", LDNS_RR_TYPE_MX, 2, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, qmx);
	static const char *const qa[] = { "mx3.qq.com. IN A 183.47.101.192",
		NULL };
	fixture_answer(t, "mx3.qq.com.", LDNS_RR_TYPE_A, 2, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, qa);
	struct truth_answer *b = truth_get(t, "mail.ru.", LDNS_RR_TYPE_MX);
	if (!b)
		fixture_die("out of memory");
	b->provider = 3;
	b->sec = TRUTH_SEC_BOGUS;
	b->why_bogus = strdup("signature expired");
	static const char *const ctl[] = {
		"www.example.net. IN A 93.184.215.14", NULL };
	fixture_answer(t, "www.example.net.", LDNS_RR_TYPE_A, -1,
		TRUTH_SEC_SECURE, LDNS_RCODE_NOERROR, ctl);
	fixture_answer(t, FIXTURE_NX, LDNS_RR_TYPE_A, -1, TRUTH_SEC_SECURE,
		LDNS_RCODE_NXDOMAIN, NULL);
	/* A user's own question (the query command); the lab has no such
	 * name, so honest resolvers answer NXDOMAIN as the truth does. */
	fixture_answer(t, "txt.example.net.", LDNS_RR_TYPE_TXT, -1,
		TRUTH_SEC_SECURE, LDNS_RCODE_NXDOMAIN, NULL);
	ctx.truth = t;
	ctx.special = &reg;
	return &ctx;
}

#endif

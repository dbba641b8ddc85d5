/* truth.c: the ground-truth store and its lookups.  Pure: dnssec/ fills
 * it from libunbound, the validator reads it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sys/socket.h>
#include "common/dnsname.h"
#include "validator/truth.h"

const char *truth_sec_str(enum truth_sec sec)
{
	switch (sec) {
	case TRUTH_SEC_INSECURE: return "insecure";
	case TRUTH_SEC_SECURE: return "secure";
	case TRUTH_SEC_BOGUS: return "bogus";
	}
	return "unknown";
}

bool truth_lookup_failed(enum truth_sec sec, int rcode, bool timed_out)
{
	if (timed_out)
		return true;
	if (sec == TRUTH_SEC_BOGUS)
		return false;
	return rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN;
}

const char *truth_status_str(enum truth_sec sec, int rcode, bool timed_out)
{
	return truth_lookup_failed(sec, rcode, timed_out) ? "failed" :
		truth_sec_str(sec);
}

bool truth_answer_failed(const struct truth_answer *a)
{
	return !a || truth_lookup_failed(a->sec, a->rcode, a->timed_out);
}

struct truth *truth_new(void)
{
	struct truth *t = calloc(1, sizeof(*t));
	if (t)
		t->control_type = LDNS_RR_TYPE_A;
	return t;
}

static void answer_free(struct truth_answer *a)
{
	if (!a)
		return;
	free(a->qname);
	free(a->why_bogus);
	if (a->rrs)
		ldns_rr_list_deep_free(a->rrs);
	if (a->cnames)
		ldns_rr_list_deep_free(a->cnames);
	free(a);
}

void truth_free(struct truth *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nproviders; i++) {
		free(t->providers[i].domain);
		free(t->providers[i].prefixes);
		free(t->providers[i].why_unusable);
	}
	free(t->providers);
	for (size_t i = 0; i < t->nanswers; i++)
		answer_free(t->answers[i]);
	free(t->answers);
	free(t->control_name);
	free(t->nxdomain_zone);
	free(t);
}

size_t truth_usable(const struct truth *t, char *why, size_t whylen)
{
	size_t n = 0, at = 0;
	for (size_t i = 0; i < t->nproviders; i++)
		n += t->providers[i].usable;
	if (whylen)
		why[0] = '\0';
	if (n || !whylen)
		return n;
	if (t->nproviders == 0) {
		snprintf(why, whylen, "the providers file has no provider line");
		return 0;
	}
	for (size_t i = 0; i < t->nproviders && at < whylen; i++) {
		const struct provider *p = &t->providers[i];
		int w = snprintf(why + at, whylen - at, "%s%s: %s",
			i ? "; " : "", p->domain,
			p->why_unusable ? p->why_unusable : "no truth");
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return 0;
}

struct truth_answer *truth_find(const struct truth *t, const char *qname,
	uint16_t qtype)
{
	if (!t || !qname)
		return NULL;
	for (size_t i = 0; i < t->nanswers; i++) {
		struct truth_answer *a = t->answers[i];
		if (a->qtype == qtype && dns_name_eq(a->qname, qname))
			return a;
	}
	return NULL;
}

struct truth_answer *truth_get(struct truth *t, const char *qname,
	uint16_t qtype)
{
	struct truth_answer *a = truth_find(t, qname, qtype);
	if (a)
		return a;
	if (t->nanswers == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct truth_answer **n = realloc(t->answers, cap * sizeof(*n));
		if (!n)
			return NULL;
		t->answers = n;
		t->cap = cap;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->qname = dns_name_fqdn(qname);
	a->rrs = ldns_rr_list_new();
	a->cnames = ldns_rr_list_new();
	if (!a->qname || !a->rrs || !a->cnames) {
		answer_free(a);
		return NULL;
	}
	a->qtype = qtype;
	a->rcode = LDNS_RCODE_NOERROR;
	a->provider = -1;
	t->answers[t->nanswers++] = a;
	return a;
}

/* ldns_rr_compare ignores the TTL and compares the canonical wire form, so
 * names inside the rdata (MX, CNAME) compare case-insensitively. */
static bool list_has(const ldns_rr_list *l, const ldns_rr *rr)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0)
			return true;
	return false;
}

static int merge_list(ldns_rr_list *into, const ldns_rr_list *from)
{
	for (size_t i = 0; from && i < ldns_rr_list_rr_count(from); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(from, i);
		if (list_has(into, rr))
			continue;
		ldns_rr *c = ldns_rr_clone(rr);
		if (!c)
			return -1;
		if (!ldns_rr_list_push_rr(into, c)) {
			ldns_rr_free(c);
			return -1;
		}
	}
	return 0;
}

int truth_answer_merge(struct truth_answer *a, const ldns_rr_list *rrs,
	const ldns_rr_list *cnames, uint32_t ttl)
{
	if (merge_list(a->rrs, rrs) < 0 || merge_list(a->cnames, cnames) < 0)
		return -1;
	/* Canonical order: the same truth prints the same way whatever order
	 * the servers rotated their records into. */
	ldns_rr_list_sort(a->rrs);
	if (a->rounds == 0 || ttl < a->ttl)
		a->ttl = ttl;
	a->rounds++;
	return 0;
}

/* The address in an A or AAAA record, as a full-length prefix. */
static bool rr_addr(const ldns_rr *rr, struct prefix *p)
{
	const ldns_rdf *rd = ldns_rr_rdf(rr, 0);
	if (!rd)
		return false;
	memset(p, 0, sizeof(*p));
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A &&
	    ldns_rdf_get_type(rd) == LDNS_RDF_TYPE_A && ldns_rdf_size(rd) == 4) {
		p->family = AF_INET;
		p->len = 32;
		memcpy(p->addr, ldns_rdf_data(rd), 4);
		return true;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA &&
	    ldns_rdf_get_type(rd) == LDNS_RDF_TYPE_AAAA &&
	    ldns_rdf_size(rd) == 16) {
		p->family = AF_INET6;
		p->len = 128;
		memcpy(p->addr, ldns_rdf_data(rd), 16);
		return true;
	}
	return false;
}

bool truth_rr_addr(const ldns_rr *rr, struct prefix *p)
{
	return rr && rr_addr(rr, p);
}

bool truth_addr_in_set(const struct truth_answer *a, const struct prefix *addr)
{
	if (!a)
		return false;
	for (size_t i = 0; i < ldns_rr_list_rr_count(a->rrs); i++) {
		struct prefix p;
		if (rr_addr(ldns_rr_list_rr(a->rrs, i), &p) &&
		    p.family == addr->family &&
		    memcmp(p.addr, addr->addr, p.family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

const struct provider *truth_addr_provider(const struct truth *t,
	const struct truth_answer *a, const struct prefix *addr)
{
	if (!t || !a || a->provider < 0 || (size_t)a->provider >= t->nproviders)
		return NULL;
	const struct provider *pv = &t->providers[a->provider];
	for (size_t i = 0; i < pv->nprefixes; i++)
		if (prefix_contains(&pv->prefixes[i], addr))
			return pv;
	return NULL;
}

bool truth_addr_ok(const struct truth *t, const struct truth_answer *a,
	const struct prefix *addr)
{
	return truth_addr_in_set(a, addr) ||
		truth_addr_provider(t, a, addr) != NULL;
}

const ldns_rdf *truth_best_mx(const struct truth_answer *a)
{
	const ldns_rdf *best = NULL;
	uint16_t bestpref = 0;
	if (!a)
		return NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(a->rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(a->rrs, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
		    ldns_rr_rd_count(rr) < 2)
			continue;
		uint16_t pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		const ldns_rdf *x = ldns_rr_rdf(rr, 1);
		if (!best || pref < bestpref ||
		    (pref == bestpref && ldns_dname_compare(x, best) < 0)) {
			best = x;
			bestpref = pref;
		}
	}
	return best;
}

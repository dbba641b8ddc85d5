/* dane.c: the DANE check of a mail domain (see dane.h): two rounds of
 * validated lookups through truth_resolve (MX with the exchanges'
 * addresses, then TLSA), then one SMTP session per address of every host
 * with TLSA (dane_session.c), all on one libuv loop; the verdicts are
 * judged by dane_result.c. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <openssl/ssl.h>
#include "common/dnsname.h"
#include "dnssec/dane.h"
#include "dnssec/dane_session.h"
#include "dnssec/truth_resolve.h"
#include "common/share.h"

#define VERDICT_UNSET DANE_VERDICT_COUNT

void dane_opts_init(struct dane_opts *o)
{
	memset(o, 0, sizeof(*o));
	truth_opts_init(&o->truth);
	o->port = 25;
	o->timeout = 30;
	o->helo = "localhost";
	o->max_cert_list = 100 * 1024;
}

struct dane_check {
	uv_loop_t *loop;
	struct dane_opts o;
	dane_done_cb cb;
	void *cbarg;
	struct dane_result res;
	struct truth *t;
	struct truth_run *run;
	SSL_CTX *ctx;		/* made when a session is started */
	struct share *sessions;	/* o.sessions, or own_sessions */
	struct share *own_sessions;
	struct dane_wait *waits;	/* one per address awaited */
	size_t nwaits, pending;
};

static void free_session_value(void *v);

struct share *dane_sessions_new(void)
{
	return share_new(DANE_SESSIONS_KEPT, free_session_value);
}

/* A TLS context for DANE sessions, or NULL.  Opportunistic DANE: no PKIX
 * trust store; TLSA is the only authority (RFC 7672 section 3.1). */
static SSL_CTX *dane_ssl_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx && SSL_CTX_dane_enable(ctx) <= 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (ctx)
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	return ctx;
}

/* --- the DNS stages ------------------------------------------------- */

static char *lower_dup(const char *s)
{
	char *d = strdup(s);
	dns_name_lower(d);
	return d;
}

static char *rdf_str(const ldns_rdf *r)
{
	char *s = ldns_rdf2str(r);
	char *l = s ? lower_dup(s) : NULL;
	free(s);
	return l;
}

static void check_finish(struct dane_check *c)
{
	dane_result_judge(&c->res);
	if (c->cb)
		c->cb(c, c->cbarg);
}

/* Why a lookup gave nothing usable, or NULL if it answered. */
static char *lookup_failed(const struct truth_answer *a, const char *name,
	const char *type)
{
	if (!a || a->timed_out)
		return dane_strf("%s %s: no answer (timed out)", name, type);
	if (a->sec == TRUTH_SEC_BOGUS)
		return NULL;
	if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN) {
		const char *rc = dns_rcode_name(a->rcode);
		return dane_strf("%s %s: %s", name, type, rc ? rc : "rcode?");
	}
	return NULL;
}

static int cmp_host(const void *x, const void *y)
{
	const struct dane_host *a = x, *b = y;
	if (a->preference != b->preference)
		return a->preference < b->preference ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int add_addrs(struct dane_host *h, const struct truth_answer *a)
{
	size_t n = a ? ldns_rr_list_rr_count(a->rrs) : 0;
	if (!n)
		return 0;
	struct dane_addr *na = realloc(h->addrs, (h->naddrs + n) *
		sizeof(*na));
	if (!na)
		return -1;
	h->addrs = na;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(a->rrs, i);
		if (ldns_rr_rd_count(rr) < 1)
			continue;
		struct dane_addr *d = &h->addrs[h->naddrs];
		memset(d, 0, sizeof(*d));
		d->addr = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		if (!d->addr)
			return -1;
		d->verdict = VERDICT_UNSET;
		d->match_record = d->match_depth = -1;
		h->naddrs++;
	}
	return 0;
}

/* Fill a host's addresses and address status from the truth; decide the
 * verdicts DNS alone gives. */
static int host_addresses(struct dane_check *c, struct dane_host *h)
{
	const struct truth_answer *a4 = truth_find(c->t, h->name,
		LDNS_RR_TYPE_A);
	const struct truth_answer *a6 = truth_find(c->t, h->name,
		LDNS_RR_TYPE_AAAA);
	if ((a4 && a4->sec == TRUTH_SEC_BOGUS) ||
	    (a6 && a6->sec == TRUTH_SEC_BOGUS)) {
		const struct truth_answer *b = a4 && a4->sec ==
			TRUTH_SEC_BOGUS ? a4 : a6;
		h->addr_sec = TRUTH_SEC_BOGUS;
		dane_set_verdict(&h->verdict, &h->detail, DANE_BOGUS, dane_strf(
			"%s %s is bogus: %s", h->name, b == a4 ? "A" : "AAAA",
			b->why_bogus ? b->why_bogus : "validation failed"));
		return 0;
	}
	/* A lookup that failed leaves the host's addresses, and their
	 * security, unknown: a DANE sender defers (RFC 7672 section 2.2). */
	if (truth_answer_failed(a4) || truth_answer_failed(a6)) {
		char *why = lookup_failed(a4, h->name, "A");
		if (!why)
			why = lookup_failed(a6, h->name, "AAAA");
		dane_set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR,
			why ? why : dane_strf("%s: address lookup failed",
			h->name));
		return 0;
	}
	if (add_addrs(h, a4) < 0 || add_addrs(h, a6) < 0)
		return -1;
	const struct truth_answer *ac = a4 && ldns_rr_list_rr_count(a4->cnames)
		? a4 : a6 && ldns_rr_list_rr_count(a6->cnames) ? a6 : NULL;
	if (ac) {
		size_t n = ldns_rr_list_rr_count(ac->cnames);
		ldns_rr *last = ldns_rr_list_rr(ac->cnames, n - 1);
		if (ldns_rr_rd_count(last) > 0)
			h->cname_target = rdf_str(ldns_rr_rdf(last, 0));
	}
	h->addr_sec = (a4 && a4->sec == TRUTH_SEC_SECURE) &&
		(!a6 || a6->sec == TRUTH_SEC_SECURE) ? TRUTH_SEC_SECURE :
		TRUTH_SEC_INSECURE;
	if (h->naddrs == 0) {
		char *why = lookup_failed(a4, h->name, "A");
		if (!why)
			why = lookup_failed(a6, h->name, "AAAA");
		dane_set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR,
			why ? why : dane_strf("%s has no A or AAAA records",
			h->name));
		return 0;
	}
	if (h->addr_sec != TRUTH_SEC_SECURE)
		dane_set_verdict(&h->verdict, &h->detail, DANE_INSECURE, dane_strf(
			"the addresses of %s are not signed: TLSA records are "
			"not looked up (RFC 7672 section 2.2.2)", h->name));
	return 0;
}

static void tls_done_dns(struct truth_run *run, void *arg);

static char *tlsa_qname(const struct dane_check *c, const char *host)
{
	size_t n = strlen(host);
	return dane_strf("_%u._tcp.%s%s", c->o.port, host,
		n && host[n - 1] == '.' ? "" : ".");
}

/* Take the TLSA RRset at qname for host h (RFC 7672 section 2.2.3).
 * Returns 1 when it settles the host (records used, bogus or an error),
 * 0 when there is nothing there to use. */
static int take_tlsa(struct dane_check *c, struct dane_host *h,
	const char *qname, const char *base, bool last)
{
	const struct truth_answer *a = truth_find(c->t, qname,
		LDNS_RR_TYPE_TLSA);
	size_t n = a ? ldns_rr_list_rr_count(a->rrs) : 0;
	h->tlsa_looked = true;
	if (a && a->sec == TRUTH_SEC_BOGUS) {
		free(h->tlsa_name);
		h->tlsa_name = strdup(qname);
		h->tlsa_sec = TRUTH_SEC_BOGUS;
		dane_set_verdict(&h->verdict, &h->detail, DANE_BOGUS, dane_strf(
			"TLSA %s is bogus: %s", qname, a->why_bogus ?
			a->why_bogus : "validation failed"));
		return 1;
	}
	char *why = lookup_failed(a, qname, "TLSA");
	if (why) {
		/* Not a denial of existence: a sender must defer, it cannot
		 * tell "no TLSA" from an attack (RFC 7672 section 2.2). */
		free(h->tlsa_name);
		h->tlsa_name = strdup(qname);
		dane_set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR, why);
		return 1;
	}
	if (n == 0) {
		if (last && !h->tlsa_name) {
			h->tlsa_name = strdup(qname);
			h->tlsa_sec = a->sec;
			dane_set_verdict(&h->verdict, &h->detail, DANE_INSECURE,
				dane_strf("no TLSA records at %s (%s denial): "
				"DANE does not apply to this host", qname,
				truth_sec_str(a->sec)));
		}
		return 0;
	}
	free(h->tlsa_name);
	h->tlsa_name = strdup(qname);
	h->tlsa_sec = a->sec;
	h->tlsa = calloc(n, sizeof(*h->tlsa));
	if (!h->tlsa)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char err[200];
		struct tlsa *t = &h->tlsa[h->ntlsa];
		if (tlsa_from_rr(ldns_rr_list_rr(a->rrs, i), t, err,
		    sizeof(err)) < 0) {
			memset(t, 0, sizeof(*t));
			t->unusable = "malformed TLSA rdata";
		}
		h->ntlsa++;
		if (!t->unusable)
			h->nusable++;
	}
	if (a->sec != TRUTH_SEC_SECURE) {
		dane_set_verdict(&h->verdict, &h->detail, DANE_INSECURE, dane_strf(
			"%zu TLSA records at %s are not signed (insecure): "
			"ignored, DANE does not apply", n, qname));
		return 1;
	}
	h->tlsa_base = lower_dup(base);
	return 1;
}

static int stage_tlsa(struct dane_check *c, char *err, size_t errlen)
{
	struct truth_opts o = c->o.truth;
	o.rounds = 1;
	c->run = truth_run_new(c->loop, c->t, &o, err, errlen);
	if (!c->run)
		return -1;
	size_t asked = 0;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		char *q = tlsa_qname(c, h->name);
		int rc = q ? truth_run_add(c->run, q, LDNS_RR_TYPE_TLSA, -1,
			err, errlen) : -1;
		free(q);
		if (rc < 0)
			return -1;
		asked++;
		if (h->cname_target) {
			q = tlsa_qname(c, h->cname_target);
			rc = q ? truth_run_add(c->run, q, LDNS_RR_TYPE_TLSA,
				-1, err, errlen) : -1;
			free(q);
			if (rc < 0)
				return -1;
		}
	}
	if (!asked) {
		truth_run_free(c->run);
		c->run = NULL;
		return 0;
	}
	if (truth_run_start(c->run, tls_done_dns, c, err, errlen) < 0)
		return -1;
	return 1;
}

/* An address whose session result the check waits for. */
struct dane_wait {
	struct dane_check *c;
	struct dane_addr *a;
};

/* A session this check started for the table (every check that needs the
 * same host, TLSA name, address and port gets its result). */
struct dane_job {
	struct share *share;
	struct share_entry *entry;
	struct dane_session *session;
	struct dane_addr *a;	/* the starter's, which the session fills */
};

/* The session result for w arrived: the check is over with the last. */
static void on_session_result(const void *value, void *arg)
{
	struct dane_wait *w = arg;
	struct dane_check *c = w->c;
	if (!value || dane_addr_copy_session(w->a, value) < 0)
		dane_set_verdict(&w->a->verdict, &w->a->detail,
			DANE_DNS_ERROR, dane_strf("%s:%d: out of memory",
			__FILE__, __LINE__));
	if (--c->pending == 0)
		check_finish(c);
}

static void free_session_value(void *v)
{
	dane_addr_clear(v);
	free(v);
}

/* The job's session closed: its result goes to the table, and from there
 * to every check waiting for it, the starter first. */
static void session_done(void *arg)
{
	struct dane_job *j = arg;
	struct dane_addr *copy = calloc(1, sizeof(*copy));
	if (copy && dane_addr_copy_session(copy, j->a) < 0) {
		free_session_value(copy);
		copy = NULL;
	}
	dane_session_free(j->session);
	share_put(j->share, j->entry, copy);
	free(j);
}

/* Get (or start) the session of every address still to be judged.
 * Returns how many results are awaited, or -1 when out of memory. */
static int start_sessions(struct dane_check *c)
{
	size_t total = 0;
	for (size_t i = 0; i < c->res.nhosts; i++)
		if (c->res.hosts[i].verdict == VERDICT_UNSET)
			total += c->res.hosts[i].naddrs;
	/* Held until every address is asked for (the caller lets go): a
	 * result the table has already must not finish the check halfway. */
	c->pending++;
	c->waits = calloc(total ? total : 1, sizeof(*c->waits));
	if (!c->waits)
		return -1;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		for (size_t k = 0; k < h->naddrs; k++) {
			struct dane_wait *w = &c->waits[c->nwaits++];
			struct share_entry *e;
			const void *v;
			char *key = dane_strf("%u %s %s %s", c->o.port,
				h->name, h->tlsa_name ? h->tlsa_name : "",
				h->addrs[k].addr);
			w->c = c;
			w->a = &h->addrs[k];
			int st = key ? share_get(c->sessions, key,
				on_session_result, w, &e, &v) : -1;
			free(key);
			if (st < 0)
				return -1;
			if (st == SHARE_DONE) {
				c->pending++;
				on_session_result(v, w);
				continue;
			}
			c->pending++;
			if (st == SHARE_WAIT)
				continue;
			struct dane_job *j = calloc(1, sizeof(*j));
			if (j && !c->ctx)
				c->ctx = dane_ssl_ctx_new();
			if (j && c->ctx)
				j->session = dane_session_start(c->loop, c->ctx,
					&c->o, h, &h->addrs[k], session_done, j);
			if (!j || !j->session) {
				free(j);
				/* No session: the waiters hear of it now. */
				share_put(c->sessions, e, NULL);
				continue;
			}
			j->share = c->sessions;
			j->entry = e;
			j->a = &h->addrs[k];
		}
	}
	return (int)total;
}

static void tls_done_dns(struct truth_run *run, void *arg)
{
	struct dane_check *c = arg;
	truth_run_free(run);
	c->run = NULL;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		int rc = 0;
		/* The expanded name first, then the MX host name (RFC 7672
		 * section 2.2.3), only when the expansion was secure, which
		 * addr_sec says. */
		if (h->cname_target) {
			char *q = tlsa_qname(c, h->cname_target);
			rc = q ? take_tlsa(c, h, q, h->cname_target, false)
				: -1;
			free(q);
		}
		if (rc == 0) {
			char *q = tlsa_qname(c, h->name);
			rc = q ? take_tlsa(c, h, q, h->name, true) : -1;
			free(q);
		}
		if (rc < 0)
			dane_set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR,
				dane_strf("%s:%d: out of memory", __FILE__,
				__LINE__));
	}
	int n = start_sessions(c);
	if (n < 0)
		dane_set_verdict(&c->res.verdict, &c->res.detail,
			DANE_DNS_ERROR, dane_strf("%s:%d: out of memory",
			__FILE__, __LINE__));
	/* Let go of the hold: with nothing awaited the check is over. */
	if (--c->pending == 0)
		check_finish(c);
}

/* The MX hosts are known (and their addresses asked): judge the
 * addresses, then look up TLSA. */
static void hosts_ready(struct dane_check *c)
{
	struct dane_result *r = &c->res;
	char err[512];
	qsort(r->hosts, r->nhosts, sizeof(*r->hosts), cmp_host);
	/* Past the TRUTH_MAX_MX_HOSTS most preferred, hosts were never
	 * looked up: not checked, and no part of any verdict. */
	size_t kept = 0;
	for (size_t i = 0; i < r->nhosts; i++) {
		struct dane_host *h = &r->hosts[i];
		if (!r->implicit_mx && !truth_find(c->t, h->name,
		    LDNS_RR_TYPE_A) && !truth_find(c->t, h->name,
		    LDNS_RR_TYPE_AAAA)) {
			free(h->name);
			r->mx_not_checked++;
			continue;
		}
		r->hosts[kept++] = *h;
	}
	r->nhosts = kept;
	for (size_t i = 0; i < r->nhosts; i++)
		if (host_addresses(c, &r->hosts[i]) < 0)
			goto oom;
	if (r->mx_sec != TRUTH_SEC_SECURE) {
		/* RFC 7672 section 2.2.1: an insecure MX RRset means DANE
		 * does not apply to any of its hosts. */
		for (size_t i = 0; i < r->nhosts; i++)
			if (r->hosts[i].verdict == VERDICT_UNSET ||
			    r->hosts[i].verdict == DANE_INSECURE)
				dane_set_verdict(&r->hosts[i].verdict,
					&r->hosts[i].detail, DANE_INSECURE,
					dane_strf("TLSA not looked up: the %s is "
					"insecure", r->implicit_mx ?
					"address lookup" : "MX RRset"));
		dane_set_verdict(&r->verdict, &r->detail, DANE_INSECURE, dane_strf(
			"the %s of %s is not signed (insecure): DANE does not "
			"apply, and a sender is left with opportunistic TLS "
			"that an active attacker can strip or redirect",
			r->implicit_mx ? "address (no MX)" : "MX RRset",
			r->domain));
		check_finish(c);
		return;
	}
	int rc = stage_tlsa(c, err, sizeof(err));
	if (rc < 0) {
		dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
			dane_strf("TLSA lookups: %s", err));
		check_finish(c);
	} else if (rc == 0)
		check_finish(c);
	return;
oom:
	dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
		dane_strf("%s:%d: out of memory", __FILE__, __LINE__));
	check_finish(c);
}

static void implicit_done(struct truth_run *run, void *arg);

static void mx_done(struct truth_run *run, void *arg)
{
	struct dane_check *c = arg;
	struct dane_result *r = &c->res;
	char err[512];
	truth_run_free(run);
	c->run = NULL;
	const struct truth_answer *a = truth_find(c->t, r->domain,
		LDNS_RR_TYPE_MX);
	r->mx_sec = a ? a->sec : TRUTH_SEC_INSECURE;
	r->mx_rcode = a ? a->rcode : LDNS_RCODE_SERVFAIL;
	if (a && a->sec == TRUTH_SEC_BOGUS) {
		dane_set_verdict(&r->verdict, &r->detail, DANE_BOGUS, dane_strf(
			"MX %s is bogus: %s", r->domain, a->why_bogus ?
			a->why_bogus : "validation failed"));
		check_finish(c);
		return;
	}
	char *why = lookup_failed(a, r->domain, "MX");
	if (!why && a->rcode == LDNS_RCODE_NXDOMAIN)
		why = dane_strf("%s does not exist (NXDOMAIN, %s)", r->domain,
			truth_sec_str(a->sec));
	if (why) {
		dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR, why);
		check_finish(c);
		return;
	}
	size_t n = ldns_rr_list_rr_count(a->rrs);
	r->hosts = calloc(n ? n : 1, sizeof(*r->hosts));
	if (!r->hosts)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(a->rrs, i);
		if (ldns_rr_rd_count(rr) < 2)
			continue;
		if (ldns_dname_label_count(ldns_rr_rdf(rr, 1)) == 0) {
			r->null_mx = true;
			dane_set_verdict(&r->verdict, &r->detail, DANE_INSECURE,
				dane_strf("null MX (RFC 7505): %s accepts no mail",
				r->domain));
			check_finish(c);
			return;
		}
		char *name = rdf_str(ldns_rr_rdf(rr, 1));
		if (!name)
			goto oom;
		bool dup = false;
		for (size_t k = 0; k < r->nhosts && !dup; k++)
			dup = !strcmp(r->hosts[k].name, name);
		if (dup) {
			free(name);
			continue;
		}
		struct dane_host *h = &r->hosts[r->nhosts++];
		h->name = name;
		h->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		h->verdict = VERDICT_UNSET;
	}
	if (n == 0) {
		/* No MX: the domain is its own mail host (RFC 5321 5.1). */
		r->implicit_mx = true;
		struct dane_host *h = &r->hosts[r->nhosts++];
		h->name = strdup(r->domain);
		h->preference = -1;
		h->verdict = VERDICT_UNSET;
		if (!h->name)
			goto oom;
	}
	if (r->implicit_mx) {
		/* Only a domain without MX has its own addresses looked up. */
		struct truth_opts to = c->o.truth;
		to.rounds = 1;
		c->run = truth_run_new(c->loop, c->t, &to, err, sizeof(err));
		if (c->run && truth_run_add(c->run, r->domain, LDNS_RR_TYPE_A, -1,
		    err, sizeof(err)) == 0 && truth_run_add(c->run, r->domain,
		    LDNS_RR_TYPE_AAAA, -1, err, sizeof(err)) == 0 &&
		    truth_run_start(c->run, implicit_done, c, err,
		    sizeof(err)) == 0)
			return;
		truth_run_free(c->run);
		c->run = NULL;
		dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
			dane_strf("%s A/AAAA: %s", r->domain, err));
		check_finish(c);
		return;
	}
	hosts_ready(c);
	return;
oom:
	dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
		dane_strf("%s:%d: out of memory", __FILE__, __LINE__));
	check_finish(c);
}

static void implicit_done(struct truth_run *run, void *arg)
{
	struct dane_check *c = arg;
	truth_run_free(run);
	c->run = NULL;
	hosts_ready(c);
}

struct dane_check *dane_check_start(uv_loop_t *loop, const char *domain,
	const struct dane_opts *o, dane_done_cb cb, void *arg,
	char *err, size_t errlen)
{
	if (dns_name_check(domain ? domain : "", domain ? strlen(domain) : 0,
	    DNS_NAME_ANY, err, errlen) < 0)
		return NULL;
	struct dane_check *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return NULL;
	}
	c->loop = loop;
	c->o = *o;
	c->cb = cb;
	c->cbarg = arg;
	c->res.verdict = VERDICT_UNSET;
	size_t n = strlen(domain);
	c->res.domain = dane_strf("%s%s", domain, domain[n - 1] == '.' ? "" : ".");
	char *l = c->res.domain ? lower_dup(c->res.domain) : NULL;
	free(c->res.domain);
	c->res.domain = l;
	c->t = truth_new();
	c->sessions = o->sessions;
	if (!c->sessions)
		c->sessions = c->own_sessions = dane_sessions_new();
	if (!c->res.domain || !c->t || !c->sessions) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		goto fail;
	}
	struct truth_opts to = o->truth;
	to.rounds = 1;
	c->run = truth_run_new(loop, c->t, &to, err, errlen);
	if (!c->run)
		goto fail;
	if (truth_run_add(c->run, c->res.domain, LDNS_RR_TYPE_MX, -1, err,
	    errlen) < 0 ||
	    truth_run_start(c->run, mx_done, c, err, errlen) < 0)
		goto fail;
	return c;
fail:
	dane_check_free(c);
	return NULL;
}

const struct dane_result *dane_check_result(const struct dane_check *c)
{
	return &c->res;
}

void dane_check_free(struct dane_check *c)
{
	if (!c)
		return;
	truth_run_free(c->run);
	free(c->waits);
	share_free(c->own_sessions);
	dane_result_clear(&c->res);
	truth_free(c->t);
	SSL_CTX_free(c->ctx);
	free(c);
}

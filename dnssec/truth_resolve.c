/* truth_resolve.c: validated resolution with libunbound on a libuv loop,
 * merged over rounds into struct truth (see truth_resolve.h). */
#include "config.h"
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unbound.h>
#include <ldns/ldns.h>
#include <uv.h>
#include "common/dnsname.h"
#include "dnssec/truth_resolve.h"
#include "validator/providers.h"

/* One question of a run (a seed), asked again every round. */
struct seed {
	char *qname;
	uint16_t qtype;
	int provider;
};

/* Where a question of a shared cache is. */
enum qstate { Q_ASKED, Q_WAITING, Q_BACKOFF, Q_DONE };

/* One question in flight in a round. */
struct query {
	struct round *round;
	struct truth_answer *answer;	/* borrowed from the truth */
	int provider;
	int async_id;
	bool done;
	/* Through a shared cache only: */
	enum qstate state;
	unsigned tries;
	uint64_t due;			/* Q_BACKOFF: when to ask again */
	struct query *prev, *next;	/* in the cache's waiting or backoff
					   list */
};

/* A list of queries, in order. */
struct qlist {
	struct query *head, *tail;
	size_t n;
};

struct truth_cache {
	uv_loop_t *loop;
	struct truth_opts opts;
	struct ub_ctx *ctx;
	FILE *logf;
	uv_poll_t poll;
	uv_timer_t backoff_timer;
	int open_handles;
	size_t inflight;
	struct qlist waiting;	/* not yet asked: over the in-flight cap */
	struct qlist backoff;	/* failed, to be asked again */
	struct truth_cache_stats stats;
};

/* One round: a libunbound context and the handles polling it, or the
 * shared cache's context (then the round has only its timer). */
struct round {
	struct truth_run *run;
	struct ub_ctx *ctx;
	struct truth_cache *cache;	/* borrowed, or NULL */
	uv_poll_t poll;
	uv_timer_t timer;
	uint64_t deadline;		/* loop time the round ends at */
	int open_handles;
	bool ending;
	struct query **queries;	/* everything asked this round */
	size_t nqueries, cap;
	size_t outstanding;
};

struct truth_run {
	uv_loop_t *loop;
	struct truth *truth;
	struct truth_opts opts;
	struct seed *seeds;
	size_t nseeds, seedcap;
	char *nxname;		/* the random name under nxdomain_zone */
	int round_no;		/* rounds started so far */
	struct round *round;	/* the current round, NULL between rounds */
	FILE *logf;		/* libunbound's log (/dev/null unless verbose) */
	truth_done_cb cb;
	void *cbarg;
	bool freeing;		/* truth_run_free while a round was open */
	bool answered;		/* some question got an answer */
	char err[512];		/* why a round could not run */
};

static void round_end(struct round *rd);
static void run_next_round(struct truth_run *r);
static void run_destroy(struct truth_run *r);

static int add_seed(struct truth_run *r, const char *qname, uint16_t qtype,
	int provider)
{
	struct truth_answer *a;

	for (size_t i = 0; i < r->nseeds; i++)
		if (r->seeds[i].qtype == qtype &&
		    strcasecmp(r->seeds[i].qname, qname) == 0)
			return 0;
	if (r->nseeds == r->seedcap) {
		size_t cap = r->seedcap ? r->seedcap * 2 : 16;
		struct seed *n = realloc(r->seeds, cap * sizeof(*n));
		if (!n)
			return -1;
		r->seeds = n;
		r->seedcap = cap;
	}
	/* The answer exists from the start, so a question that never gets an
	 * answer still shows up (timed out). */
	a = truth_get(r->truth, qname, qtype);
	if (!a)
		return -1;
	if (provider >= 0)
		a->provider = provider;
	r->seeds[r->nseeds].qname = strdup(a->qname);
	if (!r->seeds[r->nseeds].qname)
		return -1;
	r->seeds[r->nseeds].qtype = qtype;
	r->seeds[r->nseeds].provider = provider;
	r->nseeds++;
	return 0;
}

/* libunbound's log: *logf is /dev/null when o is quiet, else NULL (its
 * messages go to stderr).  0, or -1 with err. */
static int log_open(const struct truth_opts *o, FILE **logf, char *err,
	size_t errlen)
{
	*logf = NULL;
	if (o->verbosity != 0)
		return 0;
	*logf = fopen("/dev/null", "w");
	if (!*logf) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct truth_run *truth_run_new(uv_loop_t *loop, struct truth *t,
	const struct truth_opts *o, char *err, size_t errlen)
{
	struct truth_run *r;

	/* A cache checked the files when it was made. */
	if (!o->cache && truth_opts_check(o, err, errlen) < 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return NULL;
	}
	r->loop = loop;
	r->truth = t;
	r->opts = *o;
	if (!o->cache && log_open(o, &r->logf, err, errlen) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* Is name a syntactically valid domain name (ldns parses it)? */
static bool name_ok(const char *name)
{
	ldns_rdf *d = ldns_dname_new_frm_str(name);

	if (!d)
		return false;
	ldns_rdf_deep_free(d);
	return true;
}

int truth_run_add(struct truth_run *r, const char *qname, uint16_t qtype,
	int provider, char *err, size_t errlen)
{
	if (r->round_no > 0) {
		snprintf(err, errlen, "%s:%d: question added after start",
			__FILE__, __LINE__);
		return -1;
	}
	if (!qname || !name_ok(qname)) {
		snprintf(err, errlen, "not a domain name: \"%s\"",
			qname ? qname : "(null)");
		return -1;
	}
	if (add_seed(r, qname, qtype, provider) < 0) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return -1;
	}
	return 0;
}

int truth_run_add_providers(struct truth_run *r, char *err, size_t errlen)
{
	struct truth *t = r->truth;

	for (size_t i = 0; i < t->nproviders; i++)
		if (truth_run_add(r, t->providers[i].domain, LDNS_RR_TYPE_MX,
		    (int)i, err, errlen) < 0)
			return -1;
	if (t->control_name && truth_run_add(r, t->control_name,
	    t->control_type ? t->control_type : LDNS_RR_TYPE_A, -1, err,
	    errlen) < 0)
		return -1;
	if (t->nxdomain_zone && !r->nxname) {
		unsigned char rnd[8];
		char label[2 * sizeof(rnd) + 1];
		size_t n = strlen(t->nxdomain_zone) + sizeof(label) + 8;
		bool dot = t->nxdomain_zone[0] == '.' &&
			t->nxdomain_zone[1] == 0;

		if (uv_random(NULL, NULL, rnd, sizeof(rnd), 0, NULL) != 0) {
			snprintf(err, errlen, "%s:%d: no random bytes",
				__FILE__, __LINE__);
			return -1;
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(label + 2 * i, 3, "%02x", rnd[i]);
		r->nxname = malloc(n);
		if (!r->nxname) {
			snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
				__LINE__);
			return -1;
		}
		/* "rp-" keeps the label from looking like a hex number */
		snprintf(r->nxname, n, "rp-%s.%s", label,
			dot ? "" : t->nxdomain_zone);
		if (truth_run_add(r, r->nxname, LDNS_RR_TYPE_A, -1, err,
		    errlen) < 0)
			return -1;
	}
	return 0;
}

const char *truth_run_nxdomain_name(const struct truth_run *r)
{
	return r ? r->nxname : NULL;
}

/* A libunbound setting; a refusal is a bug in the name or value. */
static int ub_set(struct ub_ctx *ctx, const char *opt, const char *val,
	char *err, size_t errlen)
{
	int rc = ub_ctx_set_option(ctx, opt, val);

	if (rc != 0) {
		snprintf(err, errlen, "libunbound refused \"%s %s\": %s", opt,
			val, ub_strerror(rc));
		return -1;
	}
	return 0;
}

/* A context set up for our own recursion from the root hints of o: never
 * a forwarder, never /etc/hosts or resolv.conf.  A shared one gets bounded
 * caches sized for a survey, room for every question in flight, and keeps
 * probing servers that stopped answering (a rate-limiting server drops
 * queries for a while; it is not down). */
static struct ub_ctx *ctx_new(const struct truth_opts *o, FILE *logf,
	bool shared, char *err, size_t errlen)
{
	struct ub_ctx *ctx = ub_ctx_create();
	int rc;

	if (!ctx) {
		snprintf(err, errlen, "%s:%d: could not create a libunbound "
			"context", __FILE__, __LINE__);
		return NULL;
	}
	if (ub_set(ctx, "root-hints:", o->root_hints, err, errlen) < 0)
		goto fail;
	/* The lab's servers (and a user's test servers) live on loopback. */
	if (ub_set(ctx, "do-not-query-localhost:", "no", err, errlen) < 0)
		goto fail;
	/* Ask each server the full name: fewer queries per round, and no
	 * dependence on how a provider's servers treat empty
	 * non-terminals; privacy does not matter for public mail names. */
	if (ub_set(ctx, "qname-minimisation:", "no", err, errlen) < 0)
		goto fail;
	/* Below 2 libunbound fills no why_bogus reason. */
	if (ub_set(ctx, "val-log-level:", "2", err, errlen) < 0)
		goto fail;
	/* A DNSSEC failure must stay a failure. */
	if (ub_set(ctx, "val-permissive-mode:", "no", err, errlen) < 0)
		goto fail;
	if (shared && (ub_set(ctx, "msg-cache-size:", TRUTH_CACHE_MSG_BYTES,
	    err, errlen) < 0 ||
	    ub_set(ctx, "rrset-cache-size:", TRUTH_CACHE_RRSET_BYTES, err,
	    errlen) < 0 ||
	    ub_set(ctx, "num-queries-per-thread:", "4096", err, errlen) < 0 ||
	    ub_set(ctx, "infra-keep-probing:", "yes", err, errlen) < 0))
		goto fail;
	rc = ub_ctx_add_ta_file(ctx, o->trust_anchor);
	if (rc != 0) {
		snprintf(err, errlen, "%s: libunbound could not use the trust "
			"anchor: %s", o->trust_anchor, ub_strerror(rc));
		goto fail;
	}
	ub_ctx_debuglevel(ctx, o->verbosity);
	ub_ctx_debugout(ctx, logf ? logf : stderr);
	/* One background worker thread per context does the network I/O;
	 * its result pipe is polled on our loop. */
	rc = ub_ctx_async(ctx, 1);
	if (rc != 0) {
		snprintf(err, errlen, "libunbound: async mode: %s",
			ub_strerror(rc));
		goto fail;
	}
	return ctx;
fail:
	ub_ctx_delete(ctx);
	return NULL;
}

static int push_clone(ldns_rr_list *l, const ldns_rr *rr)
{
	ldns_rr *c = ldns_rr_clone(rr);

	if (!c || !ldns_rr_list_push_rr(l, c)) {
		ldns_rr_free(c);
		return -1;
	}
	return 0;
}

int truth_answer_split(const ldns_pkt *pkt, const char *qname,
	uint16_t qtype, ldns_rr_list *rrs, ldns_rr_list *cnames,
	uint32_t *ttl)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	ldns_rr_list *ns = ldns_pkt_authority(pkt);
	ldns_rdf *cur = ldns_dname_new_frm_str(qname);
	bool have_ttl = false;

	*ttl = 0;

	if (!cur)
		return -1;
	/* A chain longer than 16 is a loop or an attack; stop there. */
	for (int hop = 0; hop < 16; hop++) {
		ldns_rr *next = NULL;
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    qtype != LDNS_RR_TYPE_CNAME &&
			    ldns_dname_compare(ldns_rr_owner(rr), cur) == 0) {
				next = rr;
				break;
			}
		}
		if (!next || ldns_rr_rd_count(next) < 1)
			break;
		if (push_clone(cnames, next) < 0)
			goto fail;
		if (!have_ttl || ldns_rr_ttl(next) < *ttl)
			*ttl = ldns_rr_ttl(next);
		have_ttl = true;
		ldns_rdf_deep_free(cur);
		cur = ldns_rdf_clone(ldns_rr_rdf(next, 0));
		if (!cur)
			return -1;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != qtype ||
		    ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
			continue;
		if (push_clone(rrs, rr) < 0)
			goto fail;
		if (!have_ttl || ldns_rr_ttl(rr) < *ttl)
			*ttl = ldns_rr_ttl(rr);
		have_ttl = true;
	}
	/* No data: the negative TTL (RFC 2308: the smaller of the SOA's TTL
	 * and its minimum field). */
	for (size_t i = 0; !have_ttl && i < ldns_rr_list_rr_count(ns); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
		    ldns_rr_rd_count(rr) < 7)
			continue;
		*ttl = ldns_rr_ttl(rr);
		if (ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)) < *ttl)
			*ttl = ldns_rdf2native_int32(ldns_rr_rdf(rr, 6));
		have_ttl = true;
	}
	ldns_rdf_deep_free(cur);
	return 0;
fail:
	ldns_rdf_deep_free(cur);
	return -1;
}

static void ub_answer(void *arg, int err, struct ub_result *res);

/* ---- the shared cache's queue ---- */

static void backoff_arm(struct truth_cache *c);

static void qlist_push(struct qlist *l, struct query *q)
{
	q->next = NULL;
	q->prev = l->tail;
	if (l->tail)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	l->n++;
}

static void qlist_remove(struct qlist *l, struct query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		l->head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		l->tail = q->prev;
	q->prev = q->next = NULL;
	l->n--;
}

/* Hand q to libunbound now.  A refusal is a final answer with no data. */
static void cache_send(struct truth_cache *c, struct query *q)
{
	int rc;

	q->tries++;
	c->stats.asked++;
	if (q->tries > 1)
		c->stats.retried++;
	rc = ub_resolve_async(c->ctx, q->answer->qname, q->answer->qtype,
		LDNS_RR_CLASS_IN, q, ub_answer, &q->async_id);
	if (rc != 0) {
		/* Not asked: as if libunbound had answered with the error,
		 * but from the loop's next turn, never inside the caller. */
		q->state = Q_BACKOFF;
		q->tries = TRUTH_CACHE_TRIES;
		q->due = 0;
		qlist_push(&c->backoff, q);
		backoff_arm(c);
		return;
	}
	q->state = Q_ASKED;
	c->inflight++;
}

static void cache_pump(struct truth_cache *c)
{
	while (c->waiting.head && c->inflight < TRUTH_CACHE_INFLIGHT) {
		struct query *q = c->waiting.head;
		qlist_remove(&c->waiting, q);
		cache_send(c, q);
	}
}

/* Ask q through the cache, now or in its turn. */
static void cache_submit(struct truth_cache *c, struct query *q)
{
	if (c->inflight < TRUTH_CACHE_INFLIGHT && !c->waiting.head) {
		cache_send(c, q);
		return;
	}
	q->state = Q_WAITING;
	qlist_push(&c->waiting, q);
}

/* Take q out of the cache before its round goes: its answer, if one is
 * still to come, is dropped by libunbound (ub_cancel). */
static void cache_withdraw(struct truth_cache *c, struct query *q)
{
	switch (q->state) {
	case Q_ASKED:
		ub_cancel(c->ctx, q->async_id);
		c->inflight--;
		break;
	case Q_WAITING:
		qlist_remove(&c->waiting, q);
		break;
	case Q_BACKOFF:
		qlist_remove(&c->backoff, q);
		break;
	case Q_DONE:
		break;
	}
	q->state = Q_DONE;
}

/* Ask again the failed questions whose backoff is over. */
static void on_backoff(uv_timer_t *h);

/* The backoff timer, set for the earliest question due. */
static void backoff_arm(struct truth_cache *c)
{
	uint64_t now = uv_now(c->loop), next = UINT64_MAX;

	for (struct query *q = c->backoff.head; q; q = q->next)
		if (q->due < next)
			next = q->due;
	if (next != UINT64_MAX)
		uv_timer_start(&c->backoff_timer, on_backoff,
			next > now ? next - now : 0, 0);
}

static void cache_answer(struct query *q, int err, struct ub_result *res);

static void on_backoff(uv_timer_t *h)
{
	struct truth_cache *c = h->data;
	uint64_t now = uv_now(c->loop);
	struct query *q = c->backoff.head, *next;

	for (; q; q = next) {
		next = q->next;
		if (q->due > now)
			continue;
		qlist_remove(&c->backoff, q);
		if (q->tries >= TRUTH_CACHE_TRIES) {
			/* Never asked: libunbound refused it. */
			q->state = Q_DONE;
			cache_answer(q, UB_SERVFAIL, NULL);
			/* The list may have changed under the callback. */
			next = c->backoff.head;
			continue;
		}
		if (c->inflight < TRUTH_CACHE_INFLIGHT)
			cache_send(c, q);
		else {
			q->state = Q_WAITING;
			qlist_push(&c->waiting, q);
		}
	}
	backoff_arm(c);
}

static void on_cache_poll(uv_poll_t *h, int status, int events)
{
	struct truth_cache *c = h->data;
	int rc;

	(void)events;
	rc = status < 0 ? UB_PIPE : ub_process(c->ctx);
	if (rc != 0) {
		/* The context is broken: every question still asked fails;
		 * the rounds end by their timers. */
		uv_poll_stop(&c->poll);
	}
}

/* Ask (qname, qtype) in round rd unless it was asked there already. */
static int ask(struct round *rd, const char *qname, uint16_t qtype,
	int provider)
{
	struct truth_run *r = rd->run;
	struct truth_answer *a;
	struct query *q;
	int rc;

	for (size_t i = 0; i < rd->nqueries; i++)
		if (rd->queries[i]->answer->qtype == qtype &&
		    strcasecmp(rd->queries[i]->answer->qname, qname) == 0)
			return 0;
	a = truth_get(r->truth, qname, qtype);
	if (!a)
		return -1;
	if (a->provider < 0 && provider >= 0)
		a->provider = provider;
	if (rd->nqueries == rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 32;
		struct query **n = realloc(rd->queries, cap * sizeof(*n));
		if (!n)
			return -1;
		rd->queries = n;
		rd->cap = cap;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return -1;
	q->round = rd;
	q->answer = a;
	q->provider = provider;
	rd->queries[rd->nqueries++] = q;
	if (rd->cache) {
		rd->outstanding++;
		cache_submit(rd->cache, q);
		return 0;
	}
	rc = ub_resolve_async(rd->ctx, a->qname, qtype, LDNS_RR_CLASS_IN, q,
		ub_answer, &q->async_id);
	if (rc != 0) {
		/* Counted as done with no answer; the round goes on. */
		q->done = true;
		if (!r->err[0])
			snprintf(r->err, sizeof(r->err), "libunbound: %s: %s",
				a->qname, ub_strerror(rc));
		return 0;
	}
	rd->outstanding++;
	return 0;
}

/* MX records by preference, then exchange name (as the DANE check orders
 * its hosts). */
static int cmp_mx_pref(const void *x, const void *y)
{
	const ldns_rr *a = *(ldns_rr *const *)x, *b = *(ldns_rr *const *)y;
	if (ldns_rr_rd_count(a) < 2 || ldns_rr_rd_count(b) < 2)
		return (int)ldns_rr_rd_count(b) - (int)ldns_rr_rd_count(a);
	uint16_t pa = ldns_rdf2native_int16(ldns_rr_rdf(a, 0));
	uint16_t pb = ldns_rdf2native_int16(ldns_rr_rdf(b, 0));
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return ldns_dname_compare(ldns_rr_rdf(a, 1), ldns_rr_rdf(b, 1));
}

/* Record one round's result for q's answer. */
static void take_result(struct query *q, struct ub_result *res)
{
	struct truth_answer *a = q->answer;
	struct round *rd = q->round;
	ldns_pkt *pkt = NULL;
	ldns_rr_list *rrs = ldns_rr_list_new();
	ldns_rr_list *cnames = ldns_rr_list_new();
	uint32_t ttl = 0;
	bool first = a->rounds == 0;
	enum truth_sec sec = res->secure ? TRUTH_SEC_SECURE :
		res->bogus ? TRUTH_SEC_BOGUS : TRUTH_SEC_INSECURE;

	if (!rrs || !cnames)
		goto out;
	/* The packet decides the rcode and, with its AD bit, that the
	 * answer validated: libunbound reports SERVFAIL and not secure for an
	 * answer whose packet says NOERROR, AD, with every record in it, when
	 * it cannot unpack a record into its result (a TXT record of no
	 * strings).  A DNSSEC failure stays libunbound's verdict. */
	int rcode = res->rcode;
	if (res->answer_packet && res->answer_len > 0 &&
	    ldns_wire2pkt(&pkt, res->answer_packet, (size_t)res->answer_len) ==
	    LDNS_STATUS_OK) {
		truth_answer_split(pkt, a->qname, a->qtype, rrs, cnames,
			&ttl);
		if (!res->bogus) {
			rcode = ldns_pkt_get_rcode(pkt);
			if (ldns_pkt_ad(pkt))
				sec = TRUTH_SEC_SECURE;
		}
	}
	if (rcode != LDNS_RCODE_SERVFAIL || res->bogus)
		rd->run->answered = true;
	if (truth_answer_merge(a, rrs, cnames, ttl) < 0)
		goto out;
	/* A status holds over all rounds: bogus once is bogus, secure only
	 * when every round validated. */
	if (sec == TRUTH_SEC_BOGUS) {
		if (!a->why_bogus)
			a->why_bogus = strdup(res->why_bogus ? res->why_bogus :
				"validation failed (no reason given)");
		a->sec = TRUTH_SEC_BOGUS;
	} else if (first || (a->sec == TRUTH_SEC_SECURE &&
	    sec == TRUTH_SEC_INSECURE)) {
		a->sec = sec;
	}
	/* An rcode that answered the question (NOERROR) wins over a failure
	 * in another round. */
	if (first || a->rcode != LDNS_RCODE_NOERROR)
		a->rcode = rcode;
	a->timed_out = false;

	/* Where mail goes: the exchanges' addresses, in this round too. */
	if (a->qtype == LDNS_RR_TYPE_MX) {
		/* A hostile zone's thousand exchanges are not followed: the
		 * most preferred TRUTH_MAX_MX_HOSTS are. */
		size_t n = ldns_rr_list_rr_count(rrs);
		ldns_rr **by_pref = calloc(n ? n : 1, sizeof(*by_pref));
		for (size_t i = 0; by_pref && i < n; i++)
			by_pref[i] = ldns_rr_list_rr(rrs, i);
		if (by_pref)
			qsort(by_pref, n, sizeof(*by_pref), cmp_mx_pref);
		for (size_t i = 0; by_pref && i < n &&
		    i < TRUTH_MAX_MX_HOSTS; i++) {
			ldns_rr *rr = by_pref[i];
			char *host;
			if (ldns_rr_rd_count(rr) < 2)
				continue;
			/* The null MX (RFC 7505) names no host. */
			if (ldns_dname_label_count(ldns_rr_rdf(rr, 1)) == 0)
				continue;
			host = ldns_rdf2str(ldns_rr_rdf(rr, 1));
			if (!host)
				continue;
			if (ask(rd, host, LDNS_RR_TYPE_A, q->provider) < 0 ||
			    ask(rd, host, LDNS_RR_TYPE_AAAA, q->provider) < 0) {
				if (!rd->run->err[0])
					snprintf(rd->run->err,
						sizeof(rd->run->err),
						"%s:%d: out of memory",
						__FILE__, __LINE__);
			}
			free(host);
		}
		free(by_pref);
	}
out:
	ldns_pkt_free(pkt);
	ldns_rr_list_deep_free(rrs);
	ldns_rr_list_deep_free(cnames);
}

/* A shared cache's answer to q: asked again after a failure while the
 * round has time for the backoff, else final. */
static void cache_answer(struct query *q, int err, struct ub_result *res)
{
	struct round *rd = q->round;
	struct truth_cache *c = rd->cache;
	/* The packet's rcode, as take_result takes it. */
	int rcode = res && res->answer_packet && res->answer_len >= 12 ?
		(int)LDNS_RCODE_WIRE((uint8_t *)res->answer_packet) :
		res ? res->rcode : LDNS_RCODE_SERVFAIL;
	bool failed = err != 0 || !res ||
		(rcode == LDNS_RCODE_SERVFAIL && !res->bogus);
	uint64_t now = uv_now(c->loop);

	if (q->state == Q_ASKED) {
		c->inflight--;
		q->state = Q_DONE;
	}
	if (failed && q->tries < TRUTH_CACHE_TRIES) {
		uint64_t wait = (uint64_t)TRUTH_CACHE_BACKOFF_MS <<
			(q->tries - 1);
		if (now + wait < rd->deadline) {
			ub_resolve_free(res);
			q->state = Q_BACKOFF;
			q->due = now + wait;
			qlist_push(&c->backoff, q);
			backoff_arm(c);
			cache_pump(c);
			return;
		}
	}
	if (failed)
		c->stats.failed++;
	q->done = true;
	rd->outstanding--;
	if (err == 0 && res)
		take_result(q, res);
	else if (!rd->run->err[0])
		snprintf(rd->run->err, sizeof(rd->run->err),
			"libunbound: %s: %s", q->answer->qname,
			ub_strerror(err));
	ub_resolve_free(res);
	cache_pump(c);
	if (rd->outstanding == 0)
		round_end(rd);
}

static void ub_answer(void *arg, int err, struct ub_result *res)
{
	struct query *q = arg;
	struct round *rd = q->round;

	if (rd->cache) {
		cache_answer(q, err, res);
		return;
	}
	q->done = true;
	rd->outstanding--;
	if (err == 0 && res)
		take_result(q, res);
	else if (!rd->run->err[0])
		snprintf(rd->run->err, sizeof(rd->run->err),
			"libunbound: %s: %s", q->answer->qname,
			ub_strerror(err));
	ub_resolve_free(res);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct round *rd = h->data;
	int rc;

	(void)events;
	if (status < 0) {
		snprintf(rd->run->err, sizeof(rd->run->err), "polling "
			"libunbound: %s", uv_strerror(status));
		round_end(rd);
		return;
	}
	rc = ub_process(rd->ctx);
	if (rc != 0) {
		snprintf(rd->run->err, sizeof(rd->run->err), "libunbound: %s",
			ub_strerror(rc));
		round_end(rd);
		return;
	}
	if (rd->outstanding == 0)
		round_end(rd);
}

static void on_timeout(uv_timer_t *h)
{
	/* What is still outstanding gets no answer this round; answers that
	 * never got one are marked timed out when the run finishes. */
	round_end(h->data);
}

static void round_free(struct round *rd)
{
	if (!rd)
		return;
	/* Outstanding queries are dropped with the context; their callbacks
	 * never run.  A shared context stays: round_end withdrew them. */
	if (rd->ctx && !rd->cache)
		ub_ctx_delete(rd->ctx);
	for (size_t i = 0; i < rd->nqueries; i++)
		free(rd->queries[i]);
	free(rd->queries);
	free(rd);
}

/* Providers usable or not, timeouts: once, after the last round. */
static void run_finish(struct truth_run *r)
{
	struct truth *t = r->truth;

	for (size_t i = 0; i < t->nanswers; i++) {
		struct truth_answer *a = t->answers[i];
		if (a->rounds == 0) {
			a->timed_out = true;
			a->rcode = LDNS_RCODE_SERVFAIL;
		}
	}
	for (size_t p = 0; p < t->nproviders; p++) {
		struct provider *pv = &t->providers[p];
		char why[512] = "";
		struct truth_answer *mx = truth_find(t, pv->domain,
			LDNS_RR_TYPE_MX);

		if (!mx)
			snprintf(why, sizeof(why), "%s MX was not asked",
				pv->domain);
		else if (mx->rcode == LDNS_RCODE_NOERROR &&
		    mx->sec != TRUTH_SEC_BOGUS &&
		    ldns_rr_list_rr_count(mx->rrs) == 0)
			snprintf(why, sizeof(why), "%s MX: no MX records",
				pv->domain);
		/* Any RRset of the provider that is bogus or did not resolve
		 * makes its truth unreliable. */
		for (size_t i = 0; !why[0] && i < t->nanswers; i++) {
			struct truth_answer *a = t->answers[i];
			char tb[DNS_TYPE_STRLEN];
			if (a->provider != (int)p)
				continue;
			const char *type = dns_type_str(a->qtype, tb,
				sizeof(tb));
			if (a->sec == TRUTH_SEC_BOGUS)
				snprintf(why, sizeof(why), "%s %s is bogus: %s",
					a->qname, type, a->why_bogus ?
					a->why_bogus : "validation failed");
			else if (a->timed_out)
				snprintf(why, sizeof(why), "%s %s: no answer "
					"(timed out)", a->qname, type);
			else if (a->rcode != LDNS_RCODE_NOERROR) {
				const char *rc = dns_rcode_name(a->rcode);
				snprintf(why, sizeof(why), "%s %s: %s",
					a->qname, type, rc ? rc : "error");
			}
		}
		free(pv->why_unusable);
		pv->why_unusable = NULL;
		pv->usable = !why[0];
		if (why[0])
			pv->why_unusable = strdup(why);
	}
}

static void on_round_closed(uv_handle_t *h)
{
	struct round *rd = h->data;
	struct truth_run *r = rd->run;

	if (--rd->open_handles > 0)
		return;
	round_free(rd);
	r->round = NULL;
	if (r->freeing) {
		run_destroy(r);
		return;
	}
	if (r->round_no < r->opts.rounds && !r->err[0])
		run_next_round(r);
	else {
		run_finish(r);
		if (r->cb)
			r->cb(r, r->cbarg);
	}
}

/* Close the round's handles; the rest happens in on_round_closed, once the
 * fd is no longer watched (libunbound closes it with the context). */
static void round_end(struct round *rd)
{
	if (rd->ending)
		return;
	rd->ending = true;
	uv_timer_stop(&rd->timer);
	uv_close((uv_handle_t *)&rd->timer, on_round_closed);
	if (rd->cache) {
		for (size_t i = 0; i < rd->nqueries; i++)
			if (!rd->queries[i]->done) {
				cache_withdraw(rd->cache, rd->queries[i]);
				rd->queries[i]->done = true;
			}
		rd->outstanding = 0;
		cache_pump(rd->cache);
		return;
	}
	uv_poll_stop(&rd->poll);
	uv_close((uv_handle_t *)&rd->poll, on_round_closed);
}

/* Set up and start one round; 0, or -1 with r->err set and nothing open. */
static int round_start(struct truth_run *r)
{
	struct round *rd = calloc(1, sizeof(*rd));
	int fd, rc;

	if (!rd) {
		snprintf(r->err, sizeof(r->err), "%s:%d: out of memory",
			__FILE__, __LINE__);
		return -1;
	}
	rd->run = r;
	/* Only a one-round run shares: more rounds must see rotating
	 * answers again, past any cache. */
	if (r->opts.cache && r->opts.rounds <= 1) {
		rd->cache = r->opts.cache;
		rd->ctx = rd->cache->ctx;
	} else {
		rd->ctx = ctx_new(&r->opts, r->logf, false, r->err,
			sizeof(r->err));
		if (!rd->ctx)
			goto fail;
		fd = ub_fd(rd->ctx);
		if (fd < 0) {
			snprintf(r->err, sizeof(r->err),
				"libunbound: no result fd");
			goto fail;
		}
		rc = uv_poll_init(r->loop, &rd->poll, fd);
		if (rc < 0) {
			snprintf(r->err, sizeof(r->err), "uv_poll_init: %s",
				uv_strerror(rc));
			goto fail;
		}
		rd->poll.data = rd;
		rd->open_handles++;
	}
	rd->deadline = uv_now(r->loop) + (uint64_t)r->opts.timeout * 1000;
	uv_timer_init(r->loop, &rd->timer);
	rd->timer.data = rd;
	rd->open_handles++;
	r->round = rd;
	r->round_no++;
	for (size_t i = 0; i < r->nseeds; i++)
		if (ask(rd, r->seeds[i].qname, r->seeds[i].qtype,
		    r->seeds[i].provider) < 0) {
			snprintf(r->err, sizeof(r->err), "%s:%d: out of "
				"memory", __FILE__, __LINE__);
			break;
		}
	if (rd->outstanding == 0 || r->err[0]) {
		/* Nothing to wait for: end on the loop, not from here, so the
		 * done callback never runs inside truth_run_start. */
		round_end(rd);
		return 0;
	}
	if (!rd->cache)
		uv_poll_start(&rd->poll, UV_READABLE, on_poll);
	uv_timer_start(&rd->timer, on_timeout,
		(uint64_t)r->opts.timeout * 1000, 0);
	return 0;
fail:
	round_free(rd);
	return -1;
}

static void run_next_round(struct truth_run *r)
{
	if (round_start(r) < 0) {
		run_finish(r);
		if (r->cb)
			r->cb(r, r->cbarg);
	}
}

int truth_run_start(struct truth_run *r, truth_done_cb cb, void *arg,
	char *err, size_t errlen)
{
	r->cb = cb;
	r->cbarg = arg;
	if (round_start(r) < 0) {
		snprintf(err, errlen, "%s", r->err);
		return -1;
	}
	return 0;
}

int truth_run_status(const struct truth_run *r, char *err, size_t errlen)
{
	if (r->err[0] && !r->answered) {
		snprintf(err, errlen, "%s", r->err);
		return -1;
	}
	if (!r->answered && r->nseeds > 0) {
		snprintf(err, errlen, "no answer to any question: no root "
			"server in %s answered (network unreachable, or "
			"wrong hints?)", r->opts.root_hints);
		return -1;
	}
	return 0;
}

static void run_destroy(struct truth_run *r)
{
	for (size_t i = 0; i < r->nseeds; i++)
		free(r->seeds[i].qname);
	free(r->seeds);
	free(r->nxname);
	if (r->logf)
		fclose(r->logf);
	free(r);
}

void truth_run_free(struct truth_run *r)
{
	if (!r)
		return;
	if (r->round) {
		/* The round's handles close on the loop; r goes with them
		 * (libunbound may log to r->logf until its context is gone). */
		r->freeing = true;
		round_end(r->round);
		return;
	}
	run_destroy(r);
}

struct truth_run *truth_resolve_start(uv_loop_t *loop, struct truth *t,
	const struct truth_opts *o, truth_done_cb cb, void *arg,
	char *err, size_t errlen)
{
	struct truth_run *r;

	/* Check the cheap things first, so a bad file is reported before
	 * anything is resolved. */
	if (truth_opts_check(o, err, errlen) < 0)
		return NULL;
	if (o->providers && providers_load(t, o->providers, err, errlen) < 0)
		return NULL;
	r = truth_run_new(loop, t, o, err, errlen);
	if (!r)
		return NULL;
	if (truth_run_add_providers(r, err, errlen) < 0 ||
	    truth_run_start(r, cb, arg, err, errlen) < 0) {
		truth_run_free(r);
		return NULL;
	}
	return r;
}

/* ---- the shared cache ---- */

struct truth_cache *truth_cache_new(uv_loop_t *loop,
	const struct truth_opts *o, char *err, size_t errlen)
{
	struct truth_cache *c;
	int fd, rc;

	if (truth_opts_check(o, err, errlen) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return NULL;
	}
	c->loop = loop;
	c->opts = *o;
	c->opts.cache = NULL;
	if (log_open(o, &c->logf, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	c->ctx = ctx_new(&c->opts, c->logf, true, err, errlen);
	if (!c->ctx)
		goto fail;
	fd = ub_fd(c->ctx);
	if (fd < 0) {
		snprintf(err, errlen, "libunbound: no result fd");
		goto fail;
	}
	rc = uv_poll_init(loop, &c->poll, fd);
	if (rc < 0) {
		snprintf(err, errlen, "uv_poll_init: %s", uv_strerror(rc));
		goto fail;
	}
	c->poll.data = c;
	c->open_handles++;
	uv_timer_init(loop, &c->backoff_timer);
	c->backoff_timer.data = c;
	c->open_handles++;
	/* The rounds' timers keep the loop alive while questions are out;
	 * an idle cache must not. */
	uv_unref((uv_handle_t *)&c->poll);
	uv_unref((uv_handle_t *)&c->backoff_timer);
	uv_poll_start(&c->poll, UV_READABLE, on_cache_poll);
	return c;
fail:
	if (c->ctx)
		ub_ctx_delete(c->ctx);
	if (c->logf)
		fclose(c->logf);
	free(c);
	return NULL;
}

void truth_cache_stats(const struct truth_cache *c,
	struct truth_cache_stats *st)
{
	*st = c->stats;
	st->inflight = c->inflight;
	st->waiting = c->waiting.n + c->backoff.n;
}

static void on_cache_closed(uv_handle_t *h)
{
	struct truth_cache *c = h->data;

	if (--c->open_handles > 0)
		return;
	ub_ctx_delete(c->ctx);
	if (c->logf)
		fclose(c->logf);
	free(c);
}

void truth_cache_free(struct truth_cache *c)
{
	if (!c)
		return;
	uv_poll_stop(&c->poll);
	uv_timer_stop(&c->backoff_timer);
	uv_close((uv_handle_t *)&c->poll, on_cache_closed);
	uv_close((uv_handle_t *)&c->backoff_timer, on_cache_closed);
}

/* check.c: the mail check of one domain (check.h): one validated DNS round
 * for the TXT records and the MTA-STS host, DANE (dane_check) alongside,
 * then the SPF walk round by round, the MTA-STS policy over HTTPS
 * (libcurl multi on the loop), STARTTLS at every MX address, and the
 * verdicts. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <curl/curl.h>
#include <libpsl.h>
#include <openssl/evp.h>
#include "common/dnsname.h"
#include "mail/check.h"
#include "mail/judge.h"
#include "dnssec/truth_resolve.h"
#include "common/share.h"


void mail_opts_init(struct mail_opts *o)
{
	memset(o, 0, sizeof(*o));
	dane_opts_init(&o->dane);
	o->https_port = 443;
	o->timeout = 30;
}

/* A finished probe as the table keeps it: the table and every check
 * whose MX uses it hold a reference, so a domain's result points at the
 * facts instead of carrying a copy. */
struct probe_value {
	unsigned refs;
	struct starttls_result r;
};

static struct probe_value *probe_value_new(void)
{
	struct probe_value *v = calloc(1, sizeof(*v));
	if (v) {
		v->refs = 1;
		v->r.dh_bits = -1;
		v->r.main_version = -1;
	}
	return v;
}

static void probe_value_release(void *p)
{
	struct probe_value *v = p;
	if (v && --v->refs == 0)
		free(v);
}

struct share *mail_probes_new(void)
{
	return share_new(MAIL_PROBES_KEPT, probe_value_release);
}

void *mail_psl_load(const char *file, char *err, size_t errlen)
{
	psl_ctx_t *p = file ? psl_load_file(file) : psl_latest(NULL);
	if (!p)
		snprintf(err, errlen, "%s: cannot load the Public Suffix List",
			file ? file : "libpsl");
	return p;
}

void mail_psl_free(void *psl)
{
	psl_free(psl);
}

struct pollctx {
	uv_poll_t poll;
	curl_socket_t fd;
	struct mail_check *c;
};

/* Slot i of check c, waiting for its probe result. */
struct mail_check;
struct probe_wait {
	struct mail_check *c;
	size_t i;
	const char *host, *addr;	/* in the check's DANE result */
};

struct mail_check {
	uv_loop_t *loop;
	struct mail_opts o;
	const psl_ctx_t *psl;
	mail_done_cb cb;
	void *cbarg;
	struct truth_run *run;
	struct truth_run *sts_run;	/* the policy host's addresses */
	int open;		/* things still running: runs, dane, fetch,
				   probes, handles */
	bool finished;
	struct dane_check *dane;
	bool dane_done;
	/* The MTA-STS policy fetch: libcurl multi on the loop. */
	CURLM *multi;
	CURL *easy;
	uv_timer_t timer;
	struct curl_slist *resolve;
	CURLcode curl_code;
	char curl_err[CURL_ERROR_SIZE];
	int curl_handles;	/* uv handles the fetch has open */
	struct share *probes;	/* o.probes, or own_probes */
	struct share *own_probes;
	/* One reference per MX address probed (res.probes points into
	 * them), allocated when the probes start: most domains have one or
	 * two. */
	struct probe_value **held;
	struct probe_wait *waits;
	size_t probes_left;
	struct mail_result res;
};

static void maybe_finish(struct mail_check *c);
static void spf_round(struct mail_check *c);

/* ---- DNS answers into records ---- */

/* The strings of a TXT record joined (RFC 7208 section 3.3, RFC 7489
 * section 6.6.3), as bytes with a length: a string may hold a NUL, which
 * the record parsers judge.  A new string (NUL-terminated after len
 * bytes), or NULL. */
static char *txt_join(const ldns_rr *rr, size_t *len)
{
	size_t n = 0, total = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		size_t sz = ldns_rdf_size(ldns_rr_rdf(rr, i));
		if (sz > 1)
			total += sz - 1;
	}
	char *s = malloc(total + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(f);
		size_t sz = ldns_rdf_size(f);
		if (sz < 1)
			continue;
		size_t l = d[0] < sz - 1 ? d[0] : sz - 1;
		memcpy(s + n, d + 1, l);
		n += l;
	}
	s[n] = '\0';
	*len = n;
	return s;
}

/* Fill f from the truth's TXT answer at f->name, keeping the one record
 * that is_record accepts (count says how many did). */
static void take_txt(struct mail_check *c, struct mail_found *f,
	bool (*is_record)(const char *, size_t))
{
	const struct truth_answer *a = truth_find(c->res.t, f->name,
		LDNS_RR_TYPE_TXT);
	if (!a) {
		f->timed_out = true;
		return;
	}
	f->rcode = a->rcode;
	f->timed_out = a->timed_out;
	f->sec = a->sec;
	if (a->why_bogus)
		f->why_bogus = strdup(a->why_bogus);
	if (a->sec == TRUTH_SEC_BOGUS)
		return;
	f->ntxt = ldns_rr_list_rr_count(a->rrs);
	for (size_t i = 0; i < f->ntxt; i++) {
		size_t len;
		char *s = txt_join(ldns_rr_list_rr(a->rrs, i), &len);
		if (!s)
			continue;
		if (is_record(s, len)) {
			f->count++;
			if (!f->text) {
				f->text = s;
				f->len = len;
				continue;
			}
		}
		free(s);
	}
}

/* ---- the SPF walk through truth runs ---- */

static void spf_feed_from_truth(struct mail_check *c)
{
	for (size_t i = 0; i < c->res.spf.nneed; i++) {
		const struct spf_need *n = &c->res.spf.need[i];
		char q[300];
		snprintf(q, sizeof(q), "%s.", n->name);
		const struct truth_answer *a = truth_find(c->res.t, q, n->qtype);
		struct spf_answer sa = { .rcode = LDNS_RCODE_SERVFAIL };
		char **rd = NULL;
		size_t *rl = NULL;
		size_t nrd = 0;
		if (a && !a->timed_out) {
			sa.rcode = a->sec == TRUTH_SEC_BOGUS ?
				LDNS_RCODE_SERVFAIL : a->rcode;
			sa.sec = a->sec;
			nrd = ldns_rr_list_rr_count(a->rrs);
			rd = calloc(nrd ? nrd : 1, sizeof(*rd));
			rl = calloc(nrd ? nrd : 1, sizeof(*rl));
			for (size_t k = 0; rd && rl && k < nrd; k++) {
				ldns_rr *rr = ldns_rr_list_rr(a->rrs, k);
				rd[k] = n->qtype == LDNS_RR_TYPE_TXT ?
					txt_join(rr, &rl[k]) : strdup("");
				if (!rd[k])
					rd[k] = strdup("");
			}
			sa.rdata = (const char *const *)rd;
			sa.len = rl;
			sa.n = rd && rl ? nrd : 0;
		} else
			sa.timed_out = true;
		spf_walk_feed(&c->res.spf, n->name, n->qtype, &sa);
		for (size_t k = 0; rd && k < nrd; k++)
			free(rd[k]);
		free(rd);
		free(rl);
	}
}

static void spf_done_run(struct truth_run *run, void *arg)
{
	struct mail_check *c = arg;
	truth_run_free(run);
	c->run = NULL;
	c->open--;
	spf_feed_from_truth(c);
	spf_walk_step(&c->res.spf);
	spf_round(c);
}

/* Ask what the walk needs now (one truth run), or finish the walk. */
static void spf_round(struct mail_check *c)
{
	char err[300];
	if (c->res.spf.done || c->res.spf.nneed == 0) {
		maybe_finish(c);
		return;
	}
	struct truth_opts to = c->o.dane.truth;
	to.rounds = 1;
	c->run = truth_run_new(c->loop, c->res.t, &to, err, sizeof(err));
	bool ok = c->run != NULL;
	for (size_t i = 0; ok && i < c->res.spf.nneed; i++) {
		char q[300];
		snprintf(q, sizeof(q), "%s.", c->res.spf.need[i].name);
		if (truth_run_add(c->run, q, c->res.spf.need[i].qtype, -1, err,
		    sizeof(err)) < 0) {
			/* A name the walk built that is not a name: no
			 * answer for it. */
			struct spf_answer sa = { .rcode = LDNS_RCODE_NXDOMAIN };
			spf_walk_feed(&c->res.spf, c->res.spf.need[i].name,
				c->res.spf.need[i].qtype, &sa);
		}
	}
	if (ok && truth_run_start(c->run, spf_done_run, c, err,
	    sizeof(err)) == 0) {
		c->open++;
		return;
	}
	truth_run_free(c->run);
	c->run = NULL;
	mail_finding_add(&c->res.spf.findings, MAIL_ERROR, "spf-dns-error",
		"lookups could not start: %s", err);
	c->res.spf.status = SPF_STATUS_TEMPERROR;
	c->res.spf.done = true;
	maybe_finish(c);
}

/* ---- the MTA-STS policy over HTTPS: libcurl multi on the loop ---- */

static void curl_handle_closed(uv_handle_t *h)
{
	struct mail_check *c = h->data;
	c->curl_handles--;
	if (h->type == UV_POLL)
		free(h);	/* the pollctx it is the first member of */
	c->open--;
	maybe_finish(c);
}

static void fetch_finish(struct mail_check *c);

static void check_multi(struct mail_check *c)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left)))
		if (m->msg == CURLMSG_DONE && !c->res.fetch.done) {
			c->curl_code = m->data.result;
			fetch_finish(c);
		}
}

static void on_curl_poll(uv_poll_t *h, int status, int events)
{
	struct pollctx *p = (struct pollctx *)h;
	struct mail_check *c = p->c;
	int flags = 0, running;
	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, p->fd, flags, &running);
	check_multi(c);
}

static int on_curl_socket(CURL *e, curl_socket_t s, int action, void *userp,
	void *socketp)
{
	struct mail_check *c = userp;
	struct pollctx *p = socketp;
	(void)e;
	if (action == CURL_POLL_REMOVE) {
		if (p) {
			uv_poll_stop(&p->poll);
			curl_multi_assign(c->multi, s, NULL);
			uv_close((uv_handle_t *)&p->poll, curl_handle_closed);
		}
		return 0;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -1;
		p->fd = s;
		p->c = c;
		if (uv_poll_init_socket(c->loop, &p->poll, s) < 0) {
			free(p);
			return -1;
		}
		p->poll.data = c;
		c->curl_handles++;
		c->open++;
		curl_multi_assign(c->multi, s, p);
	}
	int ev = 0;
	if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
		ev |= UV_READABLE;
	if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
		ev |= UV_WRITABLE;
	uv_poll_start(&p->poll, ev, on_curl_poll);
	return 0;
}

static void on_curl_timer(uv_timer_t *t)
{
	struct mail_check *c = t->data;
	int running;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0,
		&running);
	check_multi(c);
}

static int on_curl_timeout(CURLM *m, long ms, void *userp)
{
	struct mail_check *c = userp;
	(void)m;
	if (ms < 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, on_curl_timer,
			ms == 0 ? 1 : (uint64_t)ms, 0);
	return 0;
}

static size_t on_curl_write(char *data, size_t size, size_t n, void *userp)
{
	struct mail_check *c = userp;
	size_t len = size * n;
	if (c->res.fetch.len + len > MTASTS_POLICY_MAX) {
		c->res.fetch.too_big = true;
		return 0;	/* abort the transfer */
	}
	char *b = realloc(c->res.fetch.body, c->res.fetch.len + len + 1);
	if (!b)
		return 0;
	c->res.fetch.body = b;
	memcpy(b + c->res.fetch.len, data, len);
	c->res.fetch.len += len;
	b[c->res.fetch.len] = '\0';
	return len;
}

static void fetch_finish(struct mail_check *c)
{
	struct mail_fetch *f = &c->res.fetch;
	f->done = true;
	char *ct = NULL;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &f->http_status);
	if (curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	    CURLE_OK && ct)
		mail_escape(ct, strlen(ct), f->content_type,
			sizeof(f->content_type));
	curl_easy_getinfo(c->easy, CURLINFO_SSL_VERIFYRESULT, &f->ssl_verify);
	if (f->body) {
		unsigned char md[32];
		unsigned int mdlen = 0;
		if (EVP_Digest(f->body, f->len, md, &mdlen, EVP_sha256(),
		    NULL) == 1)
			for (unsigned i = 0; i < mdlen && i < 32; i++)
				snprintf(f->sha256 + 2 * i, 3, "%02x", md[i]);
	}
	/* libcurl's outcome as data for the judge. */
	CURLcode cc = c->curl_code;
	f->outcome = cc == CURLE_OK ? MAIL_FETCH_OK :
		cc == CURLE_PEER_FAILED_VERIFICATION ||
		cc == CURLE_SSL_CACERT_BADFILE ? MAIL_FETCH_CERTIFICATE :
		f->too_big || cc == CURLE_FILESIZE_EXCEEDED ?
		MAIL_FETCH_TOO_BIG : MAIL_FETCH_FAILED;
	snprintf(f->reason, sizeof(f->reason), "%s", curl_easy_strerror(cc));
	mail_escape(c->curl_err, strlen(c->curl_err), f->message,
		sizeof(f->message));
	if (f->outcome == MAIL_FETCH_OK && f->http_status == 200 && f->body)
		mtasts_policy_parse(f->body, f->len, &c->res.policy),
		c->res.policy_parsed = true;
	curl_multi_remove_handle(c->multi, c->easy);
	curl_easy_cleanup(c->easy);
	c->easy = NULL;
	/* Cleaning up the multi removes its sockets (their polls close);
	 * then the timer. */
	curl_multi_cleanup(c->multi);
	c->multi = NULL;
	uv_close((uv_handle_t *)&c->timer, curl_handle_closed);
}

static int fetch_start(struct mail_check *c, const char *addr)
{
	struct mail_fetch *f = &c->res.fetch;
	char host[300], res[400];
	snprintf(host, sizeof(host), "mta-sts.%s", c->res.domain);
	snprintf(f->addr, sizeof(f->addr), "%s", addr);
	if (c->o.https_port == 443)
		snprintf(f->url, sizeof(f->url),
			"https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(f->url, sizeof(f->url),
			"https://%s:%u/.well-known/mta-sts.txt", host,
			c->o.https_port);
	/* The address from the validating resolver, never the system's. */
	snprintf(res, sizeof(res), strchr(addr, ':') ? "%s:%u:[%s]" :
		"%s:%u:%s", host, c->o.https_port, addr);
	c->resolve = curl_slist_append(NULL, res);
	c->multi = curl_multi_init();
	c->easy = curl_easy_init();
	if (!c->resolve || !c->multi || !c->easy)
		return -1;
	CURL *e = c->easy;
	curl_easy_setopt(e, CURLOPT_URL, f->url);
	curl_easy_setopt(e, CURLOPT_RESOLVE, c->resolve);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->o.timeout * 1000);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->o.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->o.ca_file);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_curl_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_STRING);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE, (long)MTASTS_POLICY_MAX);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timeout);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	uv_timer_init(c->loop, &c->timer);
	c->timer.data = c;
	c->curl_handles++;
	c->open++;
	f->started = true;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		c->curl_code = CURLE_FAILED_INIT;
		fetch_finish(c);
	}
	return 0;
}

/* ---- STARTTLS probes ---- */

/* A probe this check started for the table: every check whose MX uses
 * the same host, address and port gets its result. */
struct probe_job {
	struct share *share;
	struct share_entry *entry;
};

/* The result of a probe that could not start: not connected, and why. */
static struct probe_value *probe_not_started(const char *host,
	const char *addr, const char *why)
{
	struct probe_value *v = probe_value_new();
	if (!v)
		return NULL;
	snprintf(v->r.host, sizeof(v->r.host), "%s", host);
	snprintf(v->r.addr, sizeof(v->r.addr), "%s", addr);
	snprintf(v->r.error, sizeof(v->r.error), "%s", why);
	return v;
}

static void on_probe_result(const void *value, void *arg)
{
	struct probe_wait *w = arg;
	struct mail_check *c = w->c;
	/* What a probe that could not be made or kept says. */
	static struct starttls_result no_memory = {
		.error = "out of memory", .dh_bits = -1, .main_version = -1 };
	struct probe_value *v = (struct probe_value *)value;
	if (v)
		v->refs++;
	else
		v = probe_not_started(w->host, w->addr, "out of memory");
	c->held[w->i] = v;
	c->res.probes[w->i] = v ? &v->r : &no_memory;
	c->probes_left--;
	c->open--;
	maybe_finish(c);
}

static void on_probe_done(struct starttls_probe *p, void *arg)
{
	struct probe_job *j = arg;
	struct probe_value *v = probe_value_new();
	if (v)
		v->r = *starttls_probe_result(p);
	starttls_probe_free(p);
	share_put(j->share, j->entry, v);
	free(j);
}

static void start_probes(struct mail_check *c)
{
	const struct dane_result *r = dane_check_result(c->dane);
	struct starttls_opts so = {
		.port = c->o.dane.port, .timeout = c->o.dane.timeout,
		.helo = c->o.dane.helo, .ca_file = c->o.ca_file,
		.versions = !c->o.no_tls_versions,
	};
	size_t n = 0;
	for (size_t h = 0; h < r->nhosts; h++)
		n += r->hosts[h].naddrs;
	if (n > MAIL_PROBES_MAX)
		n = MAIL_PROBES_MAX;
	c->held = calloc(n ? n : 1, sizeof(*c->held));
	c->waits = calloc(n ? n : 1, sizeof(*c->waits));
	if (!c->held || !c->waits) {
		mail_finding_add(&c->res.items[MAIL_STARTTLS].findings,
			MAIL_ERROR, "starttls-not-probed", "%s:%d: out of "
			"memory", __FILE__, __LINE__);
		return;
	}
	for (size_t h = 0; h < r->nhosts; h++)
		for (size_t i = 0; i < r->hosts[h].naddrs; i++) {
			const char *host = r->hosts[h].name;
			const char *addr = r->hosts[h].addrs[i].addr;
			if (c->res.nprobes >= MAIL_PROBES_MAX) {
				mail_finding_add(&c->res.items[MAIL_STARTTLS]
					.findings, MAIL_NOTE,
					"starttls-not-all-probed", "only the "
					"first %d MX addresses are probed",
					MAIL_PROBES_MAX);
				return;
			}
			size_t k = c->res.nprobes++;
			struct probe_wait *w = &c->waits[k];
			struct share_entry *e;
			const void *v;
			char key[400];
			w->c = c;
			w->i = k;
			w->host = host;
			w->addr = addr;
			snprintf(key, sizeof(key), "%u %s %s", so.port, host,
				addr);
			c->probes_left++;
			c->open++;
			int st = share_get(c->probes, key, on_probe_result, w,
				&e, &v);
			if (st < 0 || st == SHARE_DONE) {
				on_probe_result(st < 0 ? NULL : v, w);
				continue;
			}
			if (st == SHARE_WAIT)
				continue;
			char err[200];
			struct probe_job *j = calloc(1, sizeof(*j));
			struct starttls_probe *p = NULL;
			if (j) {
				j->share = c->probes;
				j->entry = e;
				p = starttls_probe_start(c->loop, host, addr,
					&so, on_probe_done, j, err,
					sizeof(err));
			} else
				snprintf(err, sizeof(err), "out of memory");
			if (!p) {
				free(j);
				share_put(c->probes, e, probe_not_started(host,
					addr, err));
			}
		}
}

static void on_dane_done(struct dane_check *d, void *arg)
{
	struct mail_check *c = arg;
	(void)d;
	c->open++;	/* hold: nothing finishes while probes start */
	c->dane_done = true;
	c->res.dane = dane_check_result(c->dane);
	start_probes(c);
	c->open -= 2;	/* the hold and the DANE check */
	maybe_finish(c);
}

/* ---- the first DNS round ---- */

static void name_at(char *out, size_t len, const char *prefix,
	const char *domain)
{
	snprintf(out, len, "%s%s%s.", prefix, *prefix ? "." : "", domain);
}

/* The policy host's addresses arrived: fetch from the first. */
static void sts_addr_done(struct truth_run *run, void *arg)
{
	struct mail_check *c = arg;
	truth_run_free(run);
	c->sts_run = NULL;
	const struct truth_answer *a4 = truth_find(c->res.t, c->res.sts_host,
		LDNS_RR_TYPE_A);
	const struct truth_answer *a6 = truth_find(c->res.t, c->res.sts_host,
		LDNS_RR_TYPE_AAAA);
	const struct truth_answer *a = a4 && ldns_rr_list_rr_count(
		a4->rrs) ? a4 : a6 && ldns_rr_list_rr_count(a6->rrs) ? a6 : NULL;
	if (a4 && a4->sec == TRUTH_SEC_BOGUS)
		a = NULL, c->res.sts_addr_sec = TRUTH_SEC_BOGUS;
	if (a) {
		c->res.sts_addr_sec = a->sec;
		char *addr = ldns_rdf2str(ldns_rr_rdf(
			ldns_rr_list_rr(a->rrs, 0), 0));
		if (addr && fetch_start(c, addr) < 0)
			c->res.fetch.outcome = MAIL_FETCH_FAILED,
			snprintf(c->res.fetch.reason,
				sizeof(c->res.fetch.reason), "out of memory");
		free(addr);
	}
	c->open--;
	maybe_finish(c);
}

/* Look up the policy host only once the _mta-sts record announces a
 * policy: a survey asks no name a domain does not use. */
static void sts_addresses(struct mail_check *c)
{
	char err[300];
	struct truth_opts to = c->o.dane.truth;
	to.rounds = 1;
	c->sts_run = truth_run_new(c->loop, c->res.t, &to, err, sizeof(err));
	if (c->sts_run && truth_run_add(c->sts_run, c->res.sts_host,
	    LDNS_RR_TYPE_A, -1, err, sizeof(err)) == 0 &&
	    truth_run_add(c->sts_run, c->res.sts_host, LDNS_RR_TYPE_AAAA, -1,
	    err, sizeof(err)) == 0 &&
	    truth_run_start(c->sts_run, sts_addr_done, c, err,
	    sizeof(err)) == 0) {
		c->open++;
		return;
	}
	/* No lookup, no address: the judge says the policy could not be
	 * fetched. */
	truth_run_free(c->sts_run);
	c->sts_run = NULL;
}

static void dns_done(struct truth_run *run, void *arg)
{
	struct mail_check *c = arg;
	truth_run_free(run);
	c->run = NULL;
	/* The run's own count stays held until everything is started. */
	take_txt(c, &c->res.dmarc_dom, dmarc_is_record);
	if (c->res.org[0])
		take_txt(c, &c->res.dmarc_org, dmarc_is_record);
	take_txt(c, &c->res.tlsrpt_f, tlsrpt_is_record);
	take_txt(c, &c->res.sts_f, mtasts_is_txt);

	if (c->res.dmarc_dom.count > 0)
		c->res.dmarc_at = &c->res.dmarc_dom;
	else if (c->res.org[0] && c->res.dmarc_org.count > 0)
		c->res.dmarc_at = &c->res.dmarc_org;
	if (c->res.dmarc_at && c->res.dmarc_at->count == 1)
		dmarc_parse(c->res.dmarc_at->text, c->res.dmarc_at->len, &c->res.dmarc);
	if (c->res.tlsrpt_f.count == 1)
		tlsrpt_parse(c->res.tlsrpt_f.text, c->res.tlsrpt_f.len, &c->res.tlsrpt);
	if (c->res.sts_f.count == 1) {
		mtasts_txt_parse(c->res.sts_f.text, c->res.sts_f.len, &c->res.sts);
		if (c->res.sts.syntax_ok)
			sts_addresses(c);
	}
	spf_feed_from_truth(c);
	spf_walk_step(&c->res.spf);
	spf_round(c);
	c->open--;
	maybe_finish(c);
}

struct mail_check *mail_check_start(uv_loop_t *loop, const char *domain,
	const struct mail_opts *o, const void *psl, mail_done_cb cb,
	void *arg, char *err, size_t errlen)
{
	size_t n = domain ? strlen(domain) : 0;
	if (dns_name_check(domain ? domain : "", n, DNS_NAME_HOST, err,
	    errlen) < 0)
		return NULL;
	struct mail_check *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return NULL;
	}
	c->loop = loop;
	c->o = *o;
	c->psl = psl;
	c->cb = cb;
	c->cbarg = arg;
	dns_name_plain(c->res.domain, sizeof(c->res.domain), domain);
	snprintf(c->res.fqdn, sizeof(c->res.fqdn), "%s.", c->res.domain);
	if (psl) {
		const char *reg = psl_registrable_domain(psl, c->res.domain);
		if (reg && strcmp(reg, c->res.domain))
			snprintf(c->res.org, sizeof(c->res.org), "%s", reg);
	}
	spf_walk_init(&c->res.spf, c->res.domain);
	name_at(c->res.dmarc_dom.name, sizeof(c->res.dmarc_dom.name), "_dmarc",
		c->res.domain);
	if (c->res.org[0])
		name_at(c->res.dmarc_org.name, sizeof(c->res.dmarc_org.name), "_dmarc",
			c->res.org);
	name_at(c->res.tlsrpt_f.name, sizeof(c->res.tlsrpt_f.name), "_smtp._tls",
		c->res.domain);
	name_at(c->res.sts_f.name, sizeof(c->res.sts_f.name), "_mta-sts", c->res.domain);
	name_at(c->res.sts_host, sizeof(c->res.sts_host), "mta-sts", c->res.domain);
	c->res.t = truth_new();
	c->probes = o->probes;
	if (!c->probes)
		c->probes = c->own_probes = mail_probes_new();
	if (!c->res.t || !c->probes) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		goto fail;
	}
	struct truth_opts to = o->dane.truth;
	to.rounds = 1;
	c->run = truth_run_new(loop, c->res.t, &to, err, errlen);
	if (!c->run)
		goto fail;
	if (truth_run_add(c->run, c->res.fqdn, LDNS_RR_TYPE_TXT, -1, err,
	    errlen) < 0 ||
	    truth_run_add(c->run, c->res.dmarc_dom.name, LDNS_RR_TYPE_TXT, -1,
	    err, errlen) < 0 ||
	    (c->res.org[0] && truth_run_add(c->run, c->res.dmarc_org.name,
	    LDNS_RR_TYPE_TXT, -1, err, errlen) < 0) ||
	    truth_run_add(c->run, c->res.tlsrpt_f.name, LDNS_RR_TYPE_TXT, -1,
	    err, errlen) < 0 ||
	    truth_run_add(c->run, c->res.sts_f.name, LDNS_RR_TYPE_TXT, -1, err,
	    errlen) < 0)
		goto fail;
	c->dane = dane_check_start(loop, c->res.domain, &o->dane, on_dane_done,
		c, err, errlen);
	if (!c->dane)
		goto fail;
	c->open++;
	if (truth_run_start(c->run, dns_done, c, err, errlen) < 0) {
		/* The DANE check runs on; free it only after its callback. */
		truth_run_free(c->run);
		c->run = NULL;
		mail_result_set_detail(&c->res, err);
		return c;
	}
	c->open++;
	return c;
fail:
	mail_check_free(c);
	return NULL;
}

static void maybe_finish(struct mail_check *c)
{
	if (c->finished || c->open > 0 || !c->dane_done)
		return;
	c->finished = true;
	mail_judge(&c->res);
	if (c->cb)
		c->cb(c, c->cbarg);
}

void mail_check_set_previous(struct mail_check *c, const char *id,
	const char *sha256)
{
	c->res.has_prev = true;
	snprintf(c->res.prev_id, sizeof(c->res.prev_id), "%s", id ? id : "");
	snprintf(c->res.prev_sha256, sizeof(c->res.prev_sha256), "%s",
		sha256 ? sha256 : "");
}

const struct mail_result *mail_check_result(const struct mail_check *c)
{
	return &c->res;
}

static void found_clear(struct mail_found *f)
{
	free(f->text);
	free(f->why_bogus);
}

void mail_check_free(struct mail_check *c)
{
	if (!c)
		return;
	truth_run_free(c->run);
	truth_run_free(c->sts_run);
	dane_check_free(c->dane);
	share_free(c->own_probes);
	for (size_t i = 0; c->held && i < c->res.nprobes; i++)
		probe_value_release(c->held[i]);
	free(c->held);
	free(c->waits);
	spf_walk_clear(&c->res.spf);
	mail_result_clear_findings(&c->res);
	found_clear(&c->res.dmarc_dom);
	found_clear(&c->res.dmarc_org);
	found_clear(&c->res.tlsrpt_f);
	found_clear(&c->res.sts_f);
	free(c->res.fetch.body);
	curl_slist_free_all(c->resolve);
	if (c->easy)
		curl_easy_cleanup(c->easy);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	truth_free(c->res.t);
	free(c);
}


/* judge.c: the verdicts of a mail check, judged from its facts
 * (judge.h): one verdict and code per check, then the domain's; and
 * result.h's names and clearing of what the verdicts hold. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>
#include <openssl/x509.h>
#include "common/dnsname.h"
#include "mail/judge.h"

static const char *verdict_names[] = { "error", "fail", "none", "warn",
	"pass" };
static const char *overall_names[] = { "incomplete", "broken", "weak",
	"protected", "no-mail" };
static const char *kind_names[] = { "dnssec", "dane", "mta_sts", "tls_rpt",
	"spf", "dmarc", "starttls" };

const char *mail_verdict_str(enum mail_verdict v)
{
	return v < MAIL_V_COUNT ? verdict_names[v] : "?";
}

const char *mail_overall_str(enum mail_overall o)
{
	return o < MAIL_OVERALL_COUNT ? overall_names[o] : "?";
}

const char *mail_kind_str(enum mail_kind k)
{
	return k < MAIL_KIND_COUNT ? kind_names[k] : "?";
}

static void item(struct mail_result *r, enum mail_kind k,
	enum mail_verdict v, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void item(struct mail_result *r, enum mail_kind k,
	enum mail_verdict v, const char *code, const char *fmt, ...)
{
	struct mail_item *it = &r->items[k];
	it->verdict = v;
	snprintf(it->code, sizeof(it->code), "%s", code);
	char d[MAIL_DETAIL_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d, sizeof(d), fmt, ap);
	va_end(ap);
	free(it->detail);
	it->detail = strdup(d);
}

static bool lookup_failed(const struct mail_found *f)
{
	return f->timed_out || (f->rcode != LDNS_RCODE_NOERROR &&
		f->rcode != LDNS_RCODE_NXDOMAIN);
}

static const struct mail_finding *first_error(const struct mail_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].severity == MAIL_ERROR)
			return &f->f[i];
	return NULL;
}

static const struct mail_finding *first_warn(const struct mail_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->f[i].severity == MAIL_WARN)
			return &f->f[i];
	return NULL;
}

static void judge_dnssec(struct mail_result *r)
{
	const struct dane_result *d = r->dane;
	char insecure[300] = "";
	size_t ni = 0, nsec = 0;
	if (d && d->mx_sec == TRUTH_SEC_BOGUS) {
		item(r, MAIL_DNSSEC, MAIL_V_FAIL, "dnssec-bogus", "MX %s is bogus", r->fqdn);
		return;
	}
	size_t nfail = 0;
	char failed[320] = "";
	if (d && d->mx_rcode != LDNS_RCODE_NOERROR &&
	    d->mx_rcode != LDNS_RCODE_NXDOMAIN) {
		const char *rc = dns_rcode_name(d->mx_rcode);
		nfail++;
		snprintf(failed, sizeof(failed), "%s MX %s", r->fqdn,
			rc ? rc : "failed");
	} else if (d && d->mx_sec == TRUTH_SEC_SECURE)
		nsec++;
	else if (d) {
		ni++;
		snprintf(insecure, sizeof(insecure), "MX");
	}
	for (size_t i = 0; r->t && i < r->t->nanswers; i++) {
		const struct truth_answer *a = r->t->answers[i];
		/* A lookup that failed is no evidence either way: it is
		 * named, never counted insecure. */
		if (truth_answer_failed(a)) {
			if (nfail++ == 0) {
				const char *rc = dns_rcode_name(a->rcode);
				snprintf(failed, sizeof(failed), "%s %s %s",
					a->qname, ldns_rr_descript(a->qtype) ?
					ldns_rr_descript(a->qtype)->_name :
					"?", a->timed_out ? "timed out" :
					rc ? rc : "failed");
			}
			continue;
		}
		const char *ty = ldns_rr_descript(a->qtype) ?
			ldns_rr_descript(a->qtype)->_name : "?";
		if (a->sec == TRUTH_SEC_BOGUS) {
			item(r, MAIL_DNSSEC, MAIL_V_FAIL, "dnssec-bogus", "%s %s is bogus: %s",
				a->qname, ty, a->why_bogus ? a->why_bogus :
				"validation failed");
			return;
		}
		if (a->sec == TRUTH_SEC_SECURE)
			nsec++;
		else if (ni++ < 4) {
			size_t l = strlen(insecure);
			snprintf(insecure + l, sizeof(insecure) - l, "%s%s %s",
				l ? ", " : "", a->qname, ty);
		}
	}
	char tail[400] = "";
	if (nfail)
		snprintf(tail, sizeof(tail), "; %zu failed, not judged (%s%s)",
			nfail, failed, nfail > 1 ? ", ..." : "");
	if (ni + nsec == 0)
		item(r, MAIL_DNSSEC, MAIL_V_ERROR, "dnssec-no-lookups",
			"no lookup to judge: the DNS lookups did not finish%s",
			tail);
	else if (ni == 0)
		item(r, MAIL_DNSSEC, MAIL_V_PASS, "dnssec-secure", "all %zu lookups validated "
			"(secure)%s", nsec, tail);
	else
		item(r, MAIL_DNSSEC, nsec ? MAIL_V_WARN : MAIL_V_NONE, nsec ? "dnssec-partly-insecure" : "dnssec-insecure",
			"%zu of %zu lookups insecure (%s%s)%s", ni, ni + nsec,
			insecure, ni > 4 ? ", ..." : "", tail);
}

static void judge_dane(struct mail_result *r)
{
	const struct dane_result *d = r->dane;
	enum mail_verdict v;
	if (!d) {
		item(r, MAIL_DANE, MAIL_V_ERROR, "dane-not-checked",
			"the DANE check did not finish");
		return;
	}
	switch (d->verdict) {
	case DANE_VALID: v = MAIL_V_PASS; break;
	case DANE_INSECURE: v = MAIL_V_NONE; break;
	case DANE_UNREACHABLE:
	case DANE_DNS_ERROR:
	case DANE_VERDICT_COUNT: v = MAIL_V_ERROR; break;
	default: v = MAIL_V_FAIL; break;
	}
	char det[300];
	mail_escape(d->detail ? d->detail : "", d->detail ?
		strlen(d->detail) : 0, det, sizeof(det));
	item(r, MAIL_DANE, v, dane_verdict_str(d->verdict), "%s", det);
}

/* How a record ends for mail no term matched: its 'all' with the
 * qualifier as written, a redirect, or neither (neutral by default). */
static const char *spf_ending(const struct spf_record *r)
{
	if (r->all >= 0)
		switch (r->terms[r->all].qualifier) {
		case '-': return "ends in -all";
		case '~': return "ends in ~all";
		case '?': return "ends in ?all";
		default: return "ends in +all";
		}
	return r->redirect >= 0 ? "ends in a redirect" :
		"no 'all': mail no term matches is neutral";
}

static void judge_spf(struct mail_result *r)
{
	struct spf_walk *w = &r->spf;
	const struct mail_finding *f;
	if (!w->done || w->status == SPF_STATUS_TEMPERROR) {
		f = first_error(&w->findings);
		item(r, MAIL_SPF, MAIL_V_ERROR, f ? f->code : "spf-dns-error", "%s", f ? f->text :
			"the SPF lookups did not finish");
		return;
	}
	if (w->nrec == 0 || strcmp(w->rec[0].via, "domain")) {
		f = first_error(&w->findings);
		if (w->status == SPF_STATUS_PERMERROR && f)
			item(r, MAIL_SPF, MAIL_V_FAIL, f->code, "%s", f->text);
		else
			item(r, MAIL_SPF, MAIL_V_FAIL, "spf-missing", "no SPF record at %s: "
				"anyone may send mail as the domain unchecked",
				r->domain);
		return;
	}
	const struct spf_record *rec = &w->rec[0].rec;
	if (w->status == SPF_STATUS_PERMERROR) {
		f = first_error(&w->findings);
		item(r, MAIL_SPF, MAIL_V_FAIL, f ? f->code : "spf-syntax", "permerror: %s", f ? f->text :
			"the policy is invalid");
		return;
	}
	if (mail_findings_has(&rec->findings, "spf-plus-all")) {
		item(r, MAIL_SPF, MAIL_V_FAIL, "spf-plus-all", "'+all': every host on the "
			"internet passes SPF for %s", r->domain);
		return;
	}
	for (size_t i = 0; i < w->nrec; i++)
		if ((f = first_warn(&w->rec[i].rec.findings))) {
			item(r, MAIL_SPF, MAIL_V_WARN, f->code, "%s: %s",
				w->rec[i].domain, f->text);
			return;
		}
	item(r, MAIL_SPF, MAIL_V_PASS, "spf-ok", "%u DNS lookups (limit %d), %u void "
		"(limit %d), %s", w->lookups, SPF_LOOKUP_LIMIT,
		w->voids, SPF_VOID_LIMIT, spf_ending(rec));
}

static void judge_dmarc(struct mail_result *r)
{
	const struct mail_finding *f;
	if (lookup_failed(&r->dmarc_dom) || (!r->dmarc_at && r->org[0] &&
	    lookup_failed(&r->dmarc_org))) {
		item(r, MAIL_DMARC, MAIL_V_ERROR, "dmarc-dns-error", "the DMARC lookup failed "
			"(%s)", lookup_failed(&r->dmarc_dom) ?
			r->dmarc_dom.name : r->dmarc_org.name);
		return;
	}
	if (r->dmarc_dom.sec == TRUTH_SEC_BOGUS) {
		item(r, MAIL_DMARC, MAIL_V_FAIL, "dmarc-bogus", "%s TXT is bogus",
			r->dmarc_dom.name);
		return;
	}
	if (!r->dmarc_at) {
		if (r->org[0])
			item(r, MAIL_DMARC, MAIL_V_FAIL, "dmarc-missing", "no DMARC record at "
				"%s or at the organizational domain's %s",
				r->dmarc_dom.name, r->dmarc_org.name);
		else
			item(r, MAIL_DMARC, MAIL_V_FAIL, "dmarc-missing", "no DMARC record at "
				"%s", r->dmarc_dom.name);
		return;
	}
	if (r->dmarc_at->count > 1) {
		item(r, MAIL_DMARC, MAIL_V_FAIL, "dmarc-multiple", "%zu DMARC records at %s: "
			"none applies (RFC 7489 section 6.6.3)",
			r->dmarc_at->count, r->dmarc_at->name);
		return;
	}
	if (!r->dmarc.syntax_ok) {
		f = first_error(&r->dmarc.findings);
		item(r, MAIL_DMARC, MAIL_V_FAIL, f ? f->code : "dmarc-syntax", "%s: %s", r->dmarc_at->name,
			f ? f->text : "invalid");
		return;
	}
	/* A subdomain under its organizational domain's record gets sp=
	 * when there is one (RFC 7489 section 6.3). */
	bool at_org = r->dmarc_at == &r->dmarc_org;
	enum dmarc_policy eff = at_org && r->dmarc.sp !=
		DMARC_POLICY_UNSET ? r->dmarc.sp : r->dmarc.p;
	if (at_org && eff == DMARC_NONE) {
		item(r, MAIL_DMARC, MAIL_V_WARN, "dmarc-sp-none", "%s: sp=none: monitoring only "
			"for %s", r->dmarc_at->name, r->domain);
		return;
	}
	if ((f = first_warn(&r->dmarc.findings)) &&
	    !(at_org && !strcmp(f->code, "dmarc-p-none"))) {
		item(r, MAIL_DMARC, MAIL_V_WARN, f->code, "%s: %s", r->dmarc_at->name,
			f->text);
		return;
	}
	item(r, MAIL_DMARC, MAIL_V_PASS, "dmarc-ok", "%s: %s=%s%s", r->dmarc_at->name,
		at_org && r->dmarc.sp != DMARC_POLICY_UNSET ? "sp" : "p",
		dmarc_policy_str(eff), at_org ? " (the organizational "
		"domain's record)" : "");
}

static void judge_tlsrpt(struct mail_result *r)
{
	const struct mail_finding *f;
	if (lookup_failed(&r->tlsrpt_f))
		item(r, MAIL_TLSRPT, MAIL_V_ERROR, "tlsrpt-dns-error", "the %s TXT lookup failed",
			r->tlsrpt_f.name);
	else if (r->tlsrpt_f.sec == TRUTH_SEC_BOGUS)
		item(r, MAIL_TLSRPT, MAIL_V_FAIL, "tlsrpt-bogus", "%s TXT is bogus",
			r->tlsrpt_f.name);
	else if (r->tlsrpt_f.count == 0)
		item(r, MAIL_TLSRPT, MAIL_V_NONE, "tlsrpt-missing", "no TLS-RPT record at %s: "
			"TLS failures are not reported", r->tlsrpt_f.name);
	else if (r->tlsrpt_f.count > 1)
		item(r, MAIL_TLSRPT, MAIL_V_FAIL, "tlsrpt-multiple", "%zu TLS-RPT records at %s: "
			"senders ignore them all (RFC 8460 section 3)",
			r->tlsrpt_f.count, r->tlsrpt_f.name);
	else if (!r->tlsrpt.syntax_ok) {
		f = first_error(&r->tlsrpt.findings);
		item(r, MAIL_TLSRPT, MAIL_V_FAIL, f ? f->code : "tlsrpt-syntax", "%s", f ? f->text :
			"invalid");
	} else
		item(r, MAIL_TLSRPT, MAIL_V_PASS, "tlsrpt-ok", "reports to %s%s",
			r->tlsrpt.rua.v[0], r->tlsrpt.rua.n > 1 ? " and more" : "");
}

static bool content_type_ok(const char *ct)
{
	size_t n = strcspn(ct, ";");
	while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == 10 && !strncasecmp(ct, "text/plain", 10);
}

static void judge_mtasts(struct mail_result *r)
{
	struct mail_fetch *fe = &r->fetch;
	const struct mail_finding *f;
	struct mail_findings *fs = &r->items[MAIL_MTASTS].findings;
	const struct dane_result *d = r->dane;
	if (lookup_failed(&r->sts_f)) {
		item(r, MAIL_MTASTS, MAIL_V_ERROR, "mtasts-dns-error", "the %s TXT lookup failed",
			r->sts_f.name);
		return;
	}
	if (r->sts_f.sec == TRUTH_SEC_BOGUS) {
		item(r, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-bogus", "%s TXT is bogus",
			r->sts_f.name);
		return;
	}
	if (r->sts_f.count == 0) {
		item(r, MAIL_MTASTS, MAIL_V_NONE, "mtasts-missing", "no MTA-STS record at %s",
			r->sts_f.name);
		return;
	}
	if (r->sts_f.count > 1) {
		item(r, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-multiple", "%zu MTA-STS records at %s: "
			"senders assume there is no policy (RFC 8461 section "
			"3.1)", r->sts_f.count, r->sts_f.name);
		return;
	}
	if (!r->sts.syntax_ok) {
		f = first_error(&r->sts.findings);
		item(r, MAIL_MTASTS, MAIL_V_FAIL, f ? f->code : "mtasts-txt-syntax", "%s", f ? f->text :
			"invalid TXT record");
		return;
	}
	if (!fe->started) {
		item(r, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-no-address", "%s has no address: the "
			"policy cannot be fetched", r->sts_host);
		return;
	}
	if (fe->outcome != MAIL_FETCH_OK) {
		const char *code = "mtasts-fetch-failed";
		char why[1000];
		if (fe->outcome == MAIL_FETCH_CERTIFICATE) {
			code = "mtasts-certificate";
			/* The client's message names the problem, the
			 * hostname check included (whose verify result is
			 * only "unspecified"). */
			snprintf(why, sizeof(why), "the policy server's "
				"certificate: %s", fe->message[0] ? fe->message :
				X509_verify_cert_error_string(fe->ssl_verify));
		} else if (fe->outcome == MAIL_FETCH_TOO_BIG) {
			code = "mtasts-policy-too-big";
			snprintf(why, sizeof(why), "the policy is over %d bytes",
				MTASTS_POLICY_MAX);
		} else
			snprintf(why, sizeof(why), "fetching %s from %s: %s%s%s",
				fe->url, fe->addr, fe->reason,
				fe->message[0] ? ": " : "", fe->message);
		mail_finding_add(fs, MAIL_ERROR, code, "%s", why);
		item(r, MAIL_MTASTS, MAIL_V_FAIL, code, "%s", why);
		return;
	}
	if (fe->http_status != 200) {
		mail_finding_add(fs, MAIL_ERROR, "mtasts-http-status",
			"%s: HTTP status %ld (200 needed; redirects are not "
			"followed)", fe->url, fe->http_status);
		item(r, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-http-status",
			"%s answered HTTP status %ld%s", fe->url,
			fe->http_status, fe->http_status / 100 == 3 ?
			": a redirect, which senders do not follow (RFC 8461 "
			"3.3)" : "");
		return;
	}
	if (!content_type_ok(fe->content_type)) {
		mail_finding_add(fs, MAIL_ERROR, "mtasts-content-type",
			"Content-Type \"%s\" (text/plain needed, RFC 8461 "
			"section 3.2)", fe->content_type);
		item(r, MAIL_MTASTS, MAIL_V_FAIL, "mtasts-content-type", "the policy is served as "
			"\"%s\", not text/plain", fe->content_type);
		return;
	}
	if (!r->policy_parsed || !r->policy.syntax_ok) {
		f = r->policy_parsed ? first_error(&r->policy.findings) : NULL;
		item(r, MAIL_MTASTS, MAIL_V_FAIL, f ? f->code : "mtasts-policy-syntax", "the policy is invalid: %s",
			f ? f->text : "empty");
		return;
	}
	if (r->policy.mode == MTASTS_NONE) {
		item(r, MAIL_MTASTS, MAIL_V_WARN, "mtasts-mode-none", "mode: none: the policy is "
			"withdrawn");
		return;
	}
	/* Every MX against the patterns (section 4.1). */
	for (size_t h = 0; d && h < d->nhosts; h++)
		if (mtasts_policy_match(&r->policy, d->hosts[h].name) < 0) {
			mail_finding_add(fs, MAIL_ERROR, "mtasts-mx-mismatch",
				"MX %s matches no mx pattern of the policy",
				d->hosts[h].name);
		}
	/* In enforce mode, each MX certificate must be valid for its
	 * name (section 4.2). */
	if (r->policy.mode == MTASTS_ENFORCE)
		for (size_t i = 0; i < r->nprobes; i++) {
			const struct starttls_result *p = r->probes[i];
			if (!p->handshake)
				continue;
			if (p->verify != 0 || !p->name_ok)
				mail_finding_add(fs, MAIL_ERROR,
					"mtasts-mx-certificate", "%s[%s]: the "
					"certificate %s: mail is not delivered "
					"under enforce", p->host, p->addr,
					p->verify ? p->verify_str :
					"does not name the host");
		}
	/* Against an earlier survey: the id must change with the policy. */
	if (r->has_prev && r->prev_sha256[0]) {
		bool same_id = !strcmp(r->prev_id, r->sts.id);
		bool same_policy = !strcmp(r->prev_sha256,
			r->fetch.sha256);
		if (same_id && !same_policy)
			mail_finding_add(fs, MAIL_ERROR,
				"mtasts-policy-changed-same-id", "the policy "
				"changed but the id is still %s: senders that "
				"cached the old policy keep it up to its "
				"max_age (RFC 8461 section 3.1)",
				r->sts.id);
		else if (!same_id)
			mail_finding_add(fs, MAIL_NOTE, "mtasts-id-changed",
				"the id changed from %s to %s%s",
				r->prev_id[0] ? r->prev_id : "(none)",
				r->sts.id, same_policy ? "; the policy "
				"is the same" : ", with a new policy");
	}
	if ((f = first_error(fs))) {
		item(r, MAIL_MTASTS, r->policy.mode == MTASTS_ENFORCE ?
			MAIL_V_FAIL : MAIL_V_WARN, f->code, "%s%s", f->text,
			r->policy.mode == MTASTS_TESTING ? " (mode testing: "
			"reported, not enforced)" : "");
		return;
	}
	if (r->policy.mode == MTASTS_TESTING) {
		item(r, MAIL_MTASTS, MAIL_V_WARN, "mtasts-testing", "mode: testing: failures are "
			"reported, mail is delivered anyway");
		return;
	}
	item(r, MAIL_MTASTS, MAIL_V_PASS, "mtasts-ok", "mode enforce, id %s, max_age %lu, "
		"every MX matches", r->sts.id, r->policy.max_age);
}

/* One address: the worst thing about it, as a finding. */
static enum mail_verdict judge_probe(struct mail_findings *fs,
	const struct starttls_result *r)
{
	const char *where = r->host;
	if (!r->connected) {
		/* Connected but never greeted with a 220 (an endless banner,
		 * 421, something that is not SMTP): reached, not a server
		 * that takes mail. */
		mail_finding_add(fs, MAIL_ERROR, r->tcp ? "starttls-no-greeting" :
			"starttls-unreachable", "%s[%s]: %s%s", where, r->addr,
			r->tcp ? "connected, but no 220 greeting: " : "",
			r->error);
		return MAIL_V_ERROR;
	}
	if (!r->ehlo) {
		/* Greeted, then silent or cut off before the EHLO reply ended
		 * (a tarpit): whether STARTTLS is offered is unknown. */
		mail_finding_add(fs, MAIL_ERROR, "starttls-no-ehlo-reply",
			"%s[%s]: greeted, but no reply to EHLO: %s", where,
			r->addr, r->error);
		return MAIL_V_ERROR;
	}
	if (!r->offered) {
		mail_finding_add(fs, MAIL_ERROR, "starttls-not-offered",
			"%s[%s]: %s", where, r->addr, r->error[0] ? r->error :
			"STARTTLS is not offered");
		return MAIL_V_FAIL;
	}
	if (!r->handshake) {
		mail_finding_add(fs, MAIL_ERROR, r->starttls_refused ?
			"starttls-refused" : "starttls-handshake-failed",
			"%s[%s]: %s", where, r->addr, r->error);
		return MAIL_V_FAIL;
	}
	enum mail_verdict v = MAIL_V_PASS;
	bool modern = r->accepted[STARTTLS_TLS12] ||
		r->accepted[STARTTLS_TLS13];
	bool old = r->accepted[STARTTLS_TLS10] || r->accepted[STARTTLS_TLS11];
	/* Old versions only when the server refused both modern ones in a
	 * handshake; a probe it would not let finish proves nothing. */
	bool probed = (r->tried[STARTTLS_TLS12] || r->tried[STARTTLS_TLS13]) &&
		!r->unknown[STARTTLS_TLS12] && !r->unknown[STARTTLS_TLS13];
	bool unknown = false;
	for (int k = 0; k < STARTTLS_NVERSIONS; k++)
		unknown = unknown || r->unknown[k];
	if (unknown)
		mail_finding_add(fs, MAIL_NOTE, "starttls-versions-unknown",
			"%s[%s]: not every TLS version could be probed (the "
			"server did not let the session reach a handshake): %s",
			where, r->addr, r->version_error[r->unknown[
			STARTTLS_TLS12] ? STARTTLS_TLS12 : r->unknown[
			STARTTLS_TLS13] ? STARTTLS_TLS13 : r->unknown[
			STARTTLS_TLS11] ? STARTTLS_TLS11 : STARTTLS_TLS10]);
	if (probed && !modern) {
		mail_finding_add(fs, MAIL_ERROR, "starttls-old-versions-only",
			"%s[%s]: accepts only %s%s%s (no TLS 1.2 or 1.3)",
			where, r->addr, r->accepted[STARTTLS_TLS10] ?
			"TLSv1" : "", r->accepted[STARTTLS_TLS10] &&
			r->accepted[STARTTLS_TLS11] ? " and " : "",
			r->accepted[STARTTLS_TLS11] ? "TLSv1.1" : "");
		v = MAIL_V_FAIL;
	} else if (old) {
		mail_finding_add(fs, MAIL_WARN, "starttls-old-versions",
			"%s[%s]: still accepts %s%s%s", where, r->addr,
			r->accepted[STARTTLS_TLS10] ? "TLSv1" : "",
			r->accepted[STARTTLS_TLS10] &&
			r->accepted[STARTTLS_TLS11] ? " and " : "",
			r->accepted[STARTTLS_TLS11] ? "TLSv1.1" : "");
		v = MAIL_V_WARN;
	}
	if (r->expired) {
		mail_finding_add(fs, MAIL_ERROR, "starttls-cert-expired",
			"%s[%s]: the certificate expired (%s)", where, r->addr,
			r->not_after);
		v = MAIL_V_FAIL;
	}
	if (r->dh_bits > 0 && r->dh_bits < 2048) {
		mail_finding_add(fs, MAIL_WARN, "starttls-weak-dh",
			"%s[%s]: a %d-bit finite-field Diffie-Hellman group "
			"(2048 or more needed)", where, r->addr, r->dh_bits);
		if (v > MAIL_V_WARN)
			v = MAIL_V_WARN;
	}
	if (r->self_signed) {
		mail_finding_add(fs, MAIL_WARN, "starttls-self-signed",
			"%s[%s]: a self-signed certificate", where, r->addr);
		if (v > MAIL_V_WARN)
			v = MAIL_V_WARN;
	} else if (r->verify != 0 && !r->expired) {
		mail_finding_add(fs, MAIL_WARN, "starttls-untrusted",
			"%s[%s]: the certificate does not verify: %s", where,
			r->addr, r->verify_str);
		if (v > MAIL_V_WARN)
			v = MAIL_V_WARN;
	}
	if (!r->name_ok) {
		mail_finding_add(fs, MAIL_WARN, "starttls-name-mismatch",
			"%s[%s]: the certificate does not name %s", where,
			r->addr, r->host);
		if (v > MAIL_V_WARN)
			v = MAIL_V_WARN;
	}
	return v;
}

static void judge_starttls(struct mail_result *r)
{
	struct mail_findings *fs = &r->items[MAIL_STARTTLS].findings;
	const struct dane_result *d = r->dane;
	if (r->nprobes == 0) {
		if (!d || d->verdict == DANE_DNS_ERROR ||
		    d->verdict == DANE_BOGUS)
			item(r, MAIL_STARTTLS, MAIL_V_ERROR, "starttls-no-mx", "no MX address "
				"to probe: %s", d ? dane_verdict_str(d->verdict) :
				"the MX lookup did not finish");
		else
			item(r, MAIL_STARTTLS, MAIL_V_NONE, "starttls-no-mx", "no MX address "
				"to probe");
		return;
	}
	enum mail_verdict worst = MAIL_V_PASS;
	size_t first = fs->n;
	for (size_t i = 0; i < r->nprobes; i++) {
		enum mail_verdict v = judge_probe(fs, r->probes[i]);
		if (v < worst)
			worst = v;
	}
	/* Senders follow it, but an MX naming an alias is forbidden (RFC
	 * 5321 5.1, RFC 2181 10.3), and the certificate and MTA-STS checks
	 * see one name where the sender may use the other. */
	for (size_t i = 0; d && i < d->nhosts; i++)
		if (d->hosts[i].cname_target) {
			mail_finding_add(fs, MAIL_WARN, "mx-cname", "the MX "
				"host %s is an alias (CNAME to %s): an MX must "
				"name a host's own name (RFC 2181 10.3)",
				d->hosts[i].name, d->hosts[i].cname_target);
			if (worst > MAIL_V_WARN)
				worst = MAIL_V_WARN;
		}
	if (worst == MAIL_V_PASS) {
		const struct starttls_result *p0 = r->probes[0];
		item(r, MAIL_STARTTLS, MAIL_V_PASS, "starttls-ok", "%zu address%s: STARTTLS "
			"with %s, certificate valid for the host", r->nprobes,
			r->nprobes == 1 ? "" : "es", p0->tls);
		return;
	}
	/* The first finding of the worst severity says why. */
	enum mail_severity want = worst == MAIL_V_WARN ? MAIL_WARN :
		MAIL_ERROR;
	for (size_t i = first; i < fs->n; i++)
		if (fs->f[i].severity == want) {
			item(r, MAIL_STARTTLS, worst, fs->f[i].code, "%s", fs->f[i].text);
			return;
		}
	item(r, MAIL_STARTTLS, worst, "starttls", "see the findings");
}

void mail_judge(struct mail_result *r)
{
	judge_dnssec(r);
	judge_dane(r);
	judge_starttls(r);
	judge_mtasts(r);
	judge_tlsrpt(r);
	judge_spf(r);
	judge_dmarc(r);
	/* A null MX: no server to secure, so no DANE, STARTTLS, MTA-STS or
	 * TLS-RPT is owed; SPF and DMARC still guard the name. */
	bool no_mail = r->dane && r->dane->null_mx;
	if (no_mail) {
		item(r, MAIL_DANE, MAIL_V_NONE, "no-mail", "null MX (RFC 7505): "
			"%s takes no mail, no DANE is owed", r->domain);
		item(r, MAIL_STARTTLS, MAIL_V_NONE, "no-mail", "null MX (RFC "
			"7505): %s takes no mail, no server to probe",
			r->domain);
	}
	/* Transport: DANE or MTA-STS; the other missing is no weakness. */
	bool transport = r->items[MAIL_DANE].verdict == MAIL_V_PASS ||
		r->items[MAIL_MTASTS].verdict == MAIL_V_PASS;
	enum mail_verdict worst = MAIL_V_PASS;
	int which = -1;
	for (int k = 0; k < MAIL_KIND_COUNT; k++) {
		enum mail_verdict v = r->items[k].verdict;
		if ((transport || no_mail) && v == MAIL_V_NONE &&
		    (k == MAIL_DANE || k == MAIL_MTASTS))
			continue;
		if (no_mail && v == MAIL_V_NONE && (k == MAIL_TLSRPT ||
		    k == MAIL_STARTTLS))
			continue;
		if (v < worst) {
			worst = v;
			which = k;
		}
	}
	r->overall = worst == MAIL_V_ERROR ? MAIL_INCOMPLETE :
		worst == MAIL_V_FAIL ? MAIL_BROKEN : worst == MAIL_V_PASS ?
		(no_mail ? MAIL_NO_MAIL : MAIL_PROTECTED) : MAIL_WEAK;
	snprintf(r->overall_code, sizeof(r->overall_code), "%s",
		which >= 0 ? r->items[which].code : no_mail ? "no-mail" : "ok");
	char d[MAIL_DETAIL_MAX];
	if (which < 0 && no_mail)
		snprintf(d, sizeof(d), "null MX (RFC 7505): the domain takes "
			"no mail; SPF and DMARC guard its name");
	else if (which < 0)
		snprintf(d, sizeof(d), "every check passed");
	else
		snprintf(d, sizeof(d), "%s %s: %s", mail_kind_str(which),
			mail_verdict_str(worst), mail_item_detail(
			&r->items[which]));
	mail_result_set_detail(r, d);
}

void mail_result_set_detail(struct mail_result *r, const char *detail)
{
	free(r->overall_detail);
	r->overall_detail = strdup(detail);
}

const char *mail_item_detail(const struct mail_item *it)
{
	return it->detail ? it->detail : "";
}


void mail_result_clear_findings(struct mail_result *r)
{
	for (int k = 0; k < MAIL_KIND_COUNT; k++) {
		mail_findings_clear(&r->items[k].findings);
		free(r->items[k].detail);
		r->items[k].detail = NULL;
	}
	free(r->overall_detail);
	r->overall_detail = NULL;
	dmarc_record_clear(&r->dmarc);
	tlsrpt_record_clear(&r->tlsrpt);
	mtasts_txt_clear(&r->sts);
	mtasts_policy_clear(&r->policy);
}

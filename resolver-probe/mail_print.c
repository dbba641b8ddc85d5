/* mail_print.c: a mail check's result for machines (one JSON object, a
 * JSON line) and for a person (posttls-finger-like blocks), and the exit
 * status of its overall verdict (mail_print.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>
#include "common/html.h"
#include "resolver-probe/mail_print.h"
#include "resolver-probe/commands.h"

int mail_overall_exit(enum mail_overall o)
{
	switch (o) {
	case MAIL_PROTECTED: return EXIT_AGREE;
	case MAIL_NO_MAIL: return EXIT_AGREE;
	case MAIL_INCOMPLETE: return EXIT_INCOMPLETE;
	default: return EXIT_FINDING;
	}
}


static void json_findings(struct json *j, const char *key,
	const struct mail_findings *fs)
{
	json_arr_open(j, key);
	for (size_t i = 0; i < fs->n; i++) {
		json_obj_open(j, NULL);
		json_str(j, "severity", mail_severity_str(fs->f[i].severity));
		json_str(j, "code", fs->f[i].code);
		json_str(j, "text", fs->f[i].text);
		json_obj_close(j);
	}
	json_arr_close(j);
	if (fs->dropped)
		json_int(j, "findings_dropped", (long long)fs->dropped);
}

static void json_item_head(struct json *j, const struct mail_result *r,
	enum mail_kind k)
{
	json_obj_open(j, mail_kind_str(k));
	json_str(j, "verdict", mail_verdict_str(r->items[k].verdict));
	json_str(j, "code", r->items[k].code);
	json_str(j, "detail", mail_item_detail(&r->items[k]));
}

static void json_found(struct json *j, const struct mail_found *f)
{
	json_str(j, "name", f->name);
	json_str(j, "status", truth_status_str(f->sec, f->rcode, f->timed_out));
	json_int(j, "rcode", f->rcode);
	json_bool(j, "timed_out", f->timed_out);
	json_str(j, "why_bogus", f->why_bogus);
	json_int(j, "records", (long long)f->count);
	json_str(j, "record", f->text);
}

static void json_spf(struct json *j, const struct mail_result *r)
{
	const struct spf_walk *w = &r->spf;
	char buf[300];
	json_item_head(j, r, MAIL_SPF);
	json_int(j, "lookups", w->lookups);
	json_int(j, "void_lookups", w->voids);
	json_str(j, "result", w->status == SPF_STATUS_PERMERROR ? "permerror" :
		w->status == SPF_STATUS_TEMPERROR ? "temperror" : "ok");
	if (w->nrec && !strcmp(w->rec[0].via, "domain")) {
		const struct spf_record *r = &w->rec[0].rec;
		json_str(j, "record", r->text ? r->text : "");
		json_str(j, "status", truth_sec_str(w->rec[0].sec));
		json_str(j, "all", r->all >= 0 ? spf_term_str(&r->terms[r->all],
			buf, sizeof(buf)) : NULL);
	} else
		json_null(j, "record");
	json_arr_open(j, "records");
	for (size_t i = 0; i < w->nrec; i++) {
		json_obj_open(j, NULL);
		json_str(j, "domain", w->rec[i].domain);
		json_str(j, "via", w->rec[i].via);
		json_str(j, "status", truth_sec_str(w->rec[i].sec));
		json_str(j, "record", w->rec[i].rec.text);
		json_int(j, "lookups", w->rec[i].rec.lookups);
		json_findings(j, "findings", &w->rec[i].rec.findings);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_findings(j, "findings", &w->findings);
	json_obj_close(j);
}

static void json_dmarc(struct json *j, const struct mail_result *r)
{
	json_item_head(j, r, MAIL_DMARC);
	json_str(j, "organizational_domain", r->org[0] ? r->org : r->domain);
	json_obj_open(j, "domain_lookup");
	json_found(j, &r->dmarc_dom);
	json_obj_close(j);
	if (r->org[0]) {
		json_obj_open(j, "organizational_lookup");
		json_found(j, &r->dmarc_org);
		json_obj_close(j);
	}
	json_str(j, "found_at", r->dmarc_at ? r->dmarc_at->name : NULL);
	if (r->dmarc_at && r->dmarc_at->count == 1) {
		const struct dmarc_record *d = &r->dmarc;
		char ch[2] = { 0, 0 };
		json_str(j, "record", r->dmarc_at->text);
		json_str(j, "status", truth_status_str(r->dmarc_at->sec,
			r->dmarc_at->rcode, r->dmarc_at->timed_out));
		json_str(j, "p", dmarc_policy_str(d->p));
		json_str(j, "sp", d->sp == DMARC_POLICY_UNSET ? NULL :
			dmarc_policy_str(d->sp));
		json_int(j, "pct", d->pct);
		ch[0] = d->adkim;
		json_str(j, "adkim", ch);
		ch[0] = d->aspf;
		json_str(j, "aspf", ch);
		json_str(j, "fo", d->fo);
		json_int(j, "ri", (long long)d->ri);
		json_arr_open(j, "rua");
		for (size_t i = 0; i < d->rua.n; i++)
			json_str(j, NULL, d->rua.v[i]);
		json_arr_close(j);
		json_arr_open(j, "ruf");
		for (size_t i = 0; i < d->ruf.n; i++)
			json_str(j, NULL, d->ruf.v[i]);
		json_arr_close(j);
		json_findings(j, "findings", &d->findings);
	}
	json_obj_close(j);
}

static void json_tlsrpt(struct json *j, const struct mail_result *r)
{
	json_item_head(j, r, MAIL_TLSRPT);
	json_found(j, &r->tlsrpt_f);
	if (r->tlsrpt_f.count == 1) {
		json_arr_open(j, "rua");
		for (size_t i = 0; i < r->tlsrpt.rua.n; i++)
			json_str(j, NULL, r->tlsrpt.rua.v[i]);
		json_arr_close(j);
		json_findings(j, "findings", &r->tlsrpt.findings);
	}
	json_obj_close(j);
}

static void json_mtasts(struct json *j, const struct mail_result *r)
{
	const struct mail_fetch *fe = &r->fetch;
	const struct dane_result *d = r->dane;
	json_item_head(j, r, MAIL_MTASTS);
	json_obj_open(j, "txt");
	json_found(j, &r->sts_f);
	json_str(j, "id", r->sts_f.count == 1 && r->sts.id[0] ? r->sts.id :
		NULL);
	if (r->sts_f.count == 1)
		json_findings(j, "findings", &r->sts.findings);
	json_obj_close(j);
	if (fe->started) {
		json_obj_open(j, "policy");
		json_str(j, "url", fe->url);
		json_str(j, "address", fe->addr);
		json_str(j, "address_status", truth_sec_str(r->sts_addr_sec));
		json_str(j, "fetch", fe->outcome == MAIL_FETCH_OK ? "ok" :
			fe->reason);
		json_str(j, "certificate", fe->ssl_verify == 0 ? "ok" :
			X509_verify_cert_error_string(fe->ssl_verify));
		json_str(j, "error", fe->message[0] ? fe->message : NULL);
		json_int(j, "http_status", fe->http_status);
		json_str(j, "content_type", fe->content_type[0] ?
			fe->content_type : NULL);
		json_int(j, "bytes", (long long)fe->len);
		json_str(j, "sha256", fe->sha256[0] ? fe->sha256 : NULL);
		if (r->has_prev) {
			json_str(j, "previous_id", r->prev_id);
			json_str(j, "previous_sha256", r->prev_sha256);
		}
		if (r->policy_parsed) {
			json_str(j, "mode", mtasts_mode_str(r->policy.mode));
			json_int(j, "max_age", (long long)r->policy.max_age);
			json_arr_open(j, "mx");
			for (size_t i = 0; i < r->policy.nmx; i++)
				json_str(j, NULL, r->policy.mx[i]);
			json_arr_close(j);
			json_findings(j, "findings", &r->policy.findings);
		}
		json_obj_close(j);
		if (r->policy_parsed && r->policy.syntax_ok) {
			json_arr_open(j, "mx_match");
			for (size_t h = 0; h < d->nhosts; h++) {
				int m = mtasts_policy_match(&r->policy,
					d->hosts[h].name);
				json_obj_open(j, NULL);
				json_str(j, "host", d->hosts[h].name);
				json_str(j, "pattern", m >= 0 ?
					r->policy.mx[m] : NULL);
				json_obj_close(j);
			}
			json_arr_close(j);
		}
	} else
		json_null(j, "policy");
	json_findings(j, "findings", &r->items[MAIL_MTASTS].findings);
	json_obj_close(j);
}

static void json_starttls(struct json *j, const struct mail_result *r)
{
	json_item_head(j, r, MAIL_STARTTLS);
	json_arr_open(j, "addresses");
	for (size_t i = 0; i < r->nprobes; i++) {
		const struct starttls_result *p =
			r->probes[i];
		json_obj_open(j, NULL);
		json_str(j, "host", p->host);
		json_str(j, "address", p->addr);
		starttls_result_json(j, p);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_findings(j, "findings", &r->items[MAIL_STARTTLS].findings);
	json_obj_close(j);
}

void mail_result_json(struct json *j, const struct mail_result *r)
{
	const struct dane_result *d = r->dane;
	json_obj_open(j, NULL);
	json_str(j, "domain", r->domain);
	json_str(j, "kind", "mail");
	json_str(j, "verdict", mail_overall_str(r->overall));
	json_str(j, "code", r->overall_code);
	json_str(j, "detail", r->overall_detail ? r->overall_detail : "");
	json_obj_open(j, "checks");

	json_item_head(j, r, MAIL_DNSSEC);
	json_arr_open(j, "lookups");
	json_obj_open(j, NULL);
	json_str(j, "name", d->domain);
	json_str(j, "type", "MX");
	json_str(j, "status", truth_status_str(d->mx_sec, d->mx_rcode, false));
	json_int(j, "rcode", d->mx_rcode);
	json_obj_close(j);
	for (size_t i = 0; i < r->t->nanswers; i++) {
		const struct truth_answer *a = r->t->answers[i];
		json_obj_open(j, NULL);
		json_str(j, "name", a->qname);
		json_str(j, "type", ldns_rr_descript(a->qtype) ?
			ldns_rr_descript(a->qtype)->_name : "?");
		json_str(j, "status", a->timed_out ? "timeout" :
			truth_status_str(a->sec, a->rcode, false));
		json_int(j, "rcode", a->rcode);
		json_str(j, "why_bogus", a->why_bogus);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);

	json_item_head(j, r, MAIL_DANE);
	json_str(j, "dane_verdict", dane_verdict_str(d->verdict));
	json_str(j, "mx_status", truth_status_str(d->mx_sec, d->mx_rcode,
		false));
	json_int(j, "mx_not_checked", (long long)d->mx_not_checked);
	json_arr_open(j, "hosts");
	for (size_t h = 0; h < d->nhosts; h++) {
		const struct dane_host *host = &d->hosts[h];
		json_obj_open(j, NULL);
		json_str(j, "name", host->name);
		json_int(j, "preference", host->preference);
		json_str(j, "address_status", truth_sec_str(host->addr_sec));
		json_str(j, "tlsa_status", host->tlsa_looked ?
			truth_sec_str(host->tlsa_sec) : NULL);
		json_int(j, "tlsa_usable", (long long)host->nusable);
		json_str(j, "verdict", dane_verdict_str(host->verdict));
		json_str(j, "detail", host->detail);
		json_arr_open(j, "addresses");
		for (size_t i = 0; i < host->naddrs; i++)
			json_str(j, NULL, host->addrs[i].addr);
		json_arr_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);

	json_mtasts(j, r);
	json_tlsrpt(j, r);
	json_spf(j, r);
	json_dmarc(j, r);
	json_starttls(j, r);
	json_obj_close(j);
	json_obj_close(j);
}

static void print_findings(FILE *f, const char *indent,
	const struct mail_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		fprintf(f, "%s%s %s: %s\n", indent,
			mail_severity_str(fs->f[i].severity), fs->f[i].code,
			fs->f[i].text);
}

static void print_record(FILE *f, const char *what, const struct mail_found *fd)
{
	char e[600];
	if (fd->count == 1)
		fprintf(f, "  %s %s (%s): \"%s\"\n", what, fd->name,
			truth_status_str(fd->sec, fd->rcode, fd->timed_out),
			mail_escape(fd->text, fd->len, e, sizeof(e)));
	else
		fprintf(f, "  %s %s (%s): %zu records\n", what, fd->name,
			truth_status_str(fd->sec, fd->rcode, fd->timed_out),
			fd->count);
}

void mail_result_print(FILE *f, const struct mail_result *r)
{
	const struct dane_result *d = r->dane;
	char e[600];
	for (int k = 0; k < MAIL_KIND_COUNT; k++) {
		const struct mail_item *it = &r->items[k];
		fprintf(f, "%-8s %-5s %s: %s\n", mail_kind_str(k),
			mail_verdict_str(it->verdict), it->code, mail_item_detail(it));
		switch (k) {
		case MAIL_DANE:
			fprintf(f, "  MX %s (%s)\n", d->domain,
				truth_status_str(d->mx_sec, d->mx_rcode, false));
			for (size_t h = 0; h < d->nhosts; h++)
				fprintf(f, "  MX %d %s: %s\n",
					d->hosts[h].preference,
					d->hosts[h].name,
					dane_verdict_str(d->hosts[h].verdict));
			break;
		case MAIL_MTASTS:
			print_record(f, "TXT", &r->sts_f);
			if (r->fetch.started)
				fprintf(f, "  policy %s from %s: %s, HTTP %ld, "
					"%s, %zu bytes\n", r->fetch.url,
					r->fetch.addr, r->fetch.outcome ==
					MAIL_FETCH_OK ? "fetched" :
					r->fetch.reason,
					r->fetch.http_status,
					r->fetch.content_type[0] ?
					r->fetch.content_type : "no type",
					r->fetch.len);
			if (r->policy_parsed) {
				fprintf(f, "  mode %s, max_age %lu, mx",
					mtasts_mode_str(r->policy.mode),
					r->policy.max_age);
				for (size_t i = 0; i < r->policy.nmx; i++)
					fprintf(f, " %s", r->policy.mx[i]);
				fprintf(f, "\n");
				print_findings(f, "  ", &r->policy.findings);
			}
			break;
		case MAIL_TLSRPT:
			print_record(f, "TXT", &r->tlsrpt_f);
			if (r->tlsrpt_f.count == 1)
				print_findings(f, "  ", &r->tlsrpt.findings);
			break;
		case MAIL_SPF:
			for (size_t i = 0; i < r->spf.nrec; i++)
				fprintf(f, "  %s %s (%s): \"%s\"\n",
					r->spf.rec[i].via,
					r->spf.rec[i].domain,
					truth_sec_str(r->spf.rec[i].sec),
					mail_escape(r->spf.rec[i].rec.text ?
					r->spf.rec[i].rec.text : "",
					r->spf.rec[i].rec.text ?
					strlen(r->spf.rec[i].rec.text) : 0, e,
					sizeof(e)));
			fprintf(f, "  %u lookups, %u void\n", r->spf.lookups,
				r->spf.voids);
			for (size_t i = 0; i < r->spf.nrec; i++)
				print_findings(f, "  ", &r->spf.rec[i].rec
					.findings);
			print_findings(f, "  ", &r->spf.findings);
			break;
		case MAIL_DMARC:
			if (r->dmarc_at) {
				print_record(f, "TXT", r->dmarc_at);
				print_findings(f, "  ", &r->dmarc.findings);
			}
			break;
		case MAIL_STARTTLS:
			for (size_t i = 0; i < r->nprobes; i++) {
				const struct starttls_result *p =
					r->probes[i];
				fprintf(f, "  %s[%s]: %s", p->host, p->addr,
					p->handshake ? p->tls : p->error);
				for (int v = 0; v < STARTTLS_NVERSIONS; v++)
					if (p->tried[v])
						fprintf(f, " %s%s", p->accepted[v]
							? "+" : p->unknown[v] ? "?" :
							"-", starttls_version_str(v));
				if (p->dh_bits > 0)
					fprintf(f, " DHE %d bits", p->dh_bits);
				fprintf(f, "\n");
				if (p->cert)
					fprintf(f, "    certificate %s, issuer %s"
						", not after %s: %s%s%s\n",
						p->subject, p->issuer,
						p->not_after, p->verify ?
						p->verify_str : "verified",
						p->name_ok ? "" :
						", name mismatch",
						p->self_signed ?
						", self-signed" : "");
			}
			break;
		default:
			break;
		}
		print_findings(f, "  ", &it->findings);
	}
	fprintf(f, "%s %s: %s\n", r->domain, mail_overall_str(r->overall),
		r->overall_detail ? r->overall_detail : "");
}

static double pct(uint64_t n, uint64_t d)
{
	return d ? 100.0 * (double)n / (double)d : 0.0;
}

/* The findings, most domains first (ties by code): indexes into s. */
static size_t top_codes(const struct mail_summary *s, size_t *idx)
{
	size_t n = s->ncodes;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0; k--) {
			const size_t a = idx[k - 1], b = idx[k];
			if (s->codes[a].domains > s->codes[b].domains ||
			    (s->codes[a].domains == s->codes[b].domains &&
			    strcmp(s->codes[a].code, s->codes[b].code) <= 0))
				break;
			idx[k - 1] = b;
			idx[k] = a;
		}
	return n;
}

int mail_summary_print(const struct mail_summary *s, FILE *f)
{
	uint64_t n = s->domains;
	fprintf(f, "mail survey: %llu domains", (unsigned long long)n);
	if (s->malformed)
		fprintf(f, " (%llu malformed lines skipped)",
			(unsigned long long)s->malformed);
	fprintf(f, "\n\n%-12s %10s %7s\n", "verdict", "domains", "%");
	for (int o = MAIL_SURVEY_OVERALLS - 1; o >= 0; o--)
		fprintf(f, "%-12s %10llu %6.1f%%\n", mail_survey_overall_names[o],
			(unsigned long long)s->overall[o], pct(s->overall[o], n));
	fprintf(f, "\nadoption per check (domains)\n%-10s", "check");
	for (int v = MAIL_SURVEY_VERDICTS - 1; v >= 0; v--)
		fprintf(f, " %10s", mail_survey_verdict_names[v]);
	fprintf(f, " %8s\n", "pass %");
	for (int k = 0; k < MAIL_SURVEY_CHECKS; k++) {
		fprintf(f, "%-10s", mail_survey_check_names[k]);
		for (int v = MAIL_SURVEY_VERDICTS - 1; v >= 0; v--)
			fprintf(f, " %10llu",
				(unsigned long long)s->checks[k][v]);
		fprintf(f, " %7.1f%%\n", pct(s->checks[k][4], n));
	}
	bool est;
	uint64_t distinct = strset_unique(&s->mx, &est);
	const struct strent **top = strset_top(&s->mx);
	fprintf(f, "\nwhere mail goes: %llu of %llu domains name MX hosts, "
		"%s%llu distinct host%s for %llu host names\n",
		(unsigned long long)s->with_mx, (unsigned long long)n,
		est ? "about " : "", (unsigned long long)distinct,
		distinct == 1 ? "" : "s", (unsigned long long)s->mx_names);
	if (top) {
		fprintf(f, "%-40s %10s %7s\n", "most common MX hosts",
			"domains", "%");
		for (size_t i = 0; i < s->mx.n && i < 10; i++) {
			char e[160];
			mail_escape(top[i]->s, strlen(top[i]->s), e, sizeof(e));
			fprintf(f, "%-40s %s%8llu %6.1f%%\n", e,
				top[i]->over ? "<=" : "  ",
				(unsigned long long)top[i]->count,
				pct(top[i]->count, n));
		}
		if (est)
			fprintf(f, "(more hosts than the set holds exactly: a "
				"count after '<=' is an upper bound)\n");
	}
	free(top);
	size_t idx[MAIL_SURVEY_CODES];
	size_t nc = top_codes(s, idx);
	if (nc) {
		fprintf(f, "\nmost common reasons a check fell short\n"
			"%-32s %10s %7s\n", "code", "domains", "%");
		for (size_t i = 0; i < nc && i < 20; i++)
			fprintf(f, "%-32s %10llu %6.1f%%\n", s->codes[idx[i]].code,
				(unsigned long long)s->codes[idx[i]].domains,
				pct(s->codes[idx[i]].domains, n));
		if (s->codes_other)
			fprintf(f, "(%llu more findings of rarer kinds)\n",
				(unsigned long long)s->codes_other);
	}
	return ferror(f) ? -1 : 0;
}

int mail_summary_html(const struct mail_summary *s, FILE *f,
	const char *title)
{
	static const char *const colors[MAIL_SURVEY_VERDICTS] = { "#999",
		"#c0392b", "#ddd", "#e67e22", "#27ae60" };
	uint64_t n = s->domains;
	html_page_head(f, title);
	fputs("<div class=\"cards\">\n", f);
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"domains</div>\n", (unsigned long long)n);
	for (int o = MAIL_SURVEY_OVERALLS - 1; o >= 0; o--)
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
			"%s (%.1f%%)</div>\n", (unsigned long long)s->overall[o],
			mail_survey_overall_names[o], pct(s->overall[o], n));
	if (s->malformed)
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu"
			"</div>malformed lines skipped</div>\n",
			(unsigned long long)s->malformed);
	fputs("</div>\n<h2>Verdicts</h2>\n<table><tr><th>verdict</th>"
		"<th>domains</th><th>%</th></tr>\n", f);
	for (int o = MAIL_SURVEY_OVERALLS - 1; o >= 0; o--)
		fprintf(f, "<tr><td>%s</td><td>%llu</td><td>%.1f</td></tr>\n",
			mail_survey_overall_names[o],
			(unsigned long long)s->overall[o], pct(s->overall[o], n));
	fputs("</table>\n<h2>Adoption per check</h2>\n<table><tr>"
		"<th>check</th>", f);
	for (int v = MAIL_SURVEY_VERDICTS - 1; v >= 0; v--)
		fprintf(f, "<th>%s</th>", mail_survey_verdict_names[v]);
	fputs("<th></th></tr>\n", f);
	for (int k = 0; k < MAIL_SURVEY_CHECKS; k++) {
		fprintf(f, "<tr><td>%s</td>", mail_survey_check_names[k]);
		for (int v = MAIL_SURVEY_VERDICTS - 1; v >= 0; v--)
			fprintf(f, "<td>%llu</td>",
				(unsigned long long)s->checks[k][v]);
		/* A stacked bar, pass first. */
		fputs("<td><svg width=\"300\" height=\"14\" "
			"viewBox=\"0 0 300 14\" role=\"img\">", f);
		double x = 0;
		for (int v = MAIL_SURVEY_VERDICTS - 1; v >= 0; v--) {
			double w = n ? 300.0 * (double)s->checks[k][v] /
				(double)n : 0;
			if (w > 0)
				fprintf(f, "<rect x=\"%.1f\" width=\"%.1f\" "
					"height=\"14\" fill=\"%s\"><title>%s"
					"</title></rect>", x, w, colors[v],
					mail_survey_verdict_names[v]);
			x += w;
		}
		fputs("</svg></td></tr>\n", f);
	}
	fputs("</table>\n", f);
	/* The bars' colours, in their order. */
	const char *ln[MAIL_SURVEY_VERDICTS], *lc[MAIL_SURVEY_VERDICTS];
	for (int v = MAIL_SURVEY_VERDICTS - 1, i = 0; v >= 0; v--, i++) {
		ln[i] = mail_survey_verdict_names[v];
		lc[i] = colors[v];
	}
	html_legend(f, ln, lc, MAIL_SURVEY_VERDICTS);
	size_t idx[MAIL_SURVEY_CODES];
	size_t nc = top_codes(s, idx);
	if (nc) {
		fputs("<h2>Most common reasons a check fell short</h2>\n<table><tr><th>code"
			"</th><th>domains</th><th>%</th></tr>\n", f);
		for (size_t i = 0; i < nc && i < 20; i++) {
			fputs("<tr><td>", f);
			html_text(f, s->codes[idx[i]].code);
			fprintf(f, "</td><td>%llu</td><td>%.1f</td></tr>\n",
				(unsigned long long)s->codes[idx[i]].domains,
				pct(s->codes[idx[i]].domains, n));
		}
		fputs("</table>\n", f);
	}
	bool est;
	uint64_t distinct = strset_unique(&s->mx, &est);
	const struct strent **top = strset_top(&s->mx);
	fprintf(f, "<h2>Where mail goes</h2>\n<p>%llu of %llu domains name MX "
		"hosts: %s%llu distinct hosts for %llu host names.</p>\n",
		(unsigned long long)s->with_mx, (unsigned long long)n,
		est ? "about " : "", (unsigned long long)distinct,
		(unsigned long long)s->mx_names);
	if (top) {
		fputs("<table><tr><th>most common MX hosts</th><th>domains</th>"
			"<th>%</th></tr>\n", f);
		for (size_t i = 0; i < s->mx.n && i < 10; i++) {
			fputs("<tr><td>", f);
			html_text(f, top[i]->s);
			fprintf(f, "</td><td>%s%llu</td><td>%.1f</td></tr>\n",
				top[i]->over ? "&le;" : "",
				(unsigned long long)top[i]->count,
				pct(top[i]->count, n));
		}
		fputs("</table>\n", f);
	}
	free(top);
	html_page_end(f);
	return ferror(f) ? -1 : 0;
}

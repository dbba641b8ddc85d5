/* dane_result.c: the verdicts of a DANE result (see dane_result.h).
 * Pure. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnssec/dane_result.h"

#define VERDICT_UNSET DANE_VERDICT_COUNT

static const char *verdict_names[] = {
	"bogus", "dane-fail", "starttls-stripped", "no-starttls",
	"unreachable", "dns-error", "dane-valid", "dane-insecure"
};

const char *dane_verdict_str(enum dane_verdict v)
{
	return v < DANE_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

char *dane_strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void dane_set_verdict(enum dane_verdict *v, char **detail,
	enum dane_verdict nv, char *text)
{
	*v = nv;
	free(*detail);
	*detail = text;
}

void dane_result_judge(struct dane_result *r)
{
	for (size_t h = 0; h < r->nhosts; h++) {
		struct dane_host *host = &r->hosts[h];
		if (host->verdict != VERDICT_UNSET)
			continue;
		size_t best = 0;
		enum dane_verdict v = VERDICT_UNSET;
		for (size_t i = 0; i < host->naddrs; i++)
			if (host->addrs[i].verdict < v) {
				v = host->addrs[i].verdict;
				best = i;
			}
		if (v == VERDICT_UNSET)
			dane_set_verdict(&host->verdict, &host->detail,
				DANE_DNS_ERROR, dane_strf("no address was checked"));
		else
			dane_set_verdict(&host->verdict, &host->detail, v,
				dane_strf("%s: %s", host->addrs[best].addr,
				host->addrs[best].detail ?
				host->addrs[best].detail : ""));
	}
	if (r->verdict != VERDICT_UNSET)
		return;
	size_t best = 0;
	enum dane_verdict v = VERDICT_UNSET;
	for (size_t h = 0; h < r->nhosts; h++)
		if (r->hosts[h].verdict < v) {
			v = r->hosts[h].verdict;
			best = h;
		}
	if (v == VERDICT_UNSET)
		dane_set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
			dane_strf("no mail host found"));
	else if (v == DANE_INSECURE)
		dane_set_verdict(&r->verdict, &r->detail, v,
			dane_strf("no MX host has usable, validated TLSA records: "
			"DANE does not apply, and a sender is left with "
			"opportunistic TLS that an active attacker can strip "
			"(%s: %s)", r->hosts[best].name,
			r->hosts[best].detail ? r->hosts[best].detail : ""));
	else
		dane_set_verdict(&r->verdict, &r->detail, v, dane_strf("%s: %s",
			r->hosts[best].name, r->hosts[best].detail ?
			r->hosts[best].detail : ""));
}

void dane_addr_clear(struct dane_addr *a)
{
	free(a->addr);
	free(a->detail);
	free(a->log);
	free(a->tls);
	free(a->leaf_subject);
	free(a->leaf_issuer);
	free(a->peername);
	memset(a, 0, sizeof(*a));
}

/* strdup of NULL is NULL; -1 when a string could not be copied. */
static int dup_or_null(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? -1 : 0;
}

int dane_addr_copy_session(struct dane_addr *dst, const struct dane_addr *src)
{
	char *addr = dst->addr;
	int rc = 0;

	dst->addr = NULL;
	dane_addr_clear(dst);
	dst->addr = addr;
	dst->verdict = src->verdict;
	dst->starttls = src->starttls;
	dst->chain_len = src->chain_len;
	dst->match_record = src->match_record;
	dst->match_depth = src->match_depth;
	rc |= dup_or_null(&dst->detail, src->detail);
	rc |= dup_or_null(&dst->tls, src->tls);
	rc |= dup_or_null(&dst->leaf_subject, src->leaf_subject);
	rc |= dup_or_null(&dst->leaf_issuer, src->leaf_issuer);
	rc |= dup_or_null(&dst->peername, src->peername);
	if (src->log) {
		dst->log = malloc(src->loglen + 1);
		if (dst->log) {
			memcpy(dst->log, src->log, src->loglen + 1);
			dst->loglen = src->loglen;
		} else
			rc = -1;
	}
	return rc ? -1 : 0;
}

void dane_result_clear(struct dane_result *r)
{
	for (size_t h = 0; h < r->nhosts; h++) {
		struct dane_host *host = &r->hosts[h];
		for (size_t i = 0; i < host->naddrs; i++)
			dane_addr_clear(&host->addrs[i]);
		free(host->addrs);
		for (size_t i = 0; i < host->ntlsa; i++)
			tlsa_clear(&host->tlsa[i]);
		free(host->tlsa);
		free(host->name);
		free(host->cname_target);
		free(host->tlsa_name);
		free(host->tlsa_base);
		free(host->detail);
	}
	free(r->hosts);
	free(r->domain);
	free(r->detail);
	memset(r, 0, sizeof(*r));
}

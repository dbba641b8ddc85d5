/* plan.c: the questions a scan asks (see plan.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "common/dnsname.h"
#include "scan/plan.h"

/* Append an item, taking ownership of qname (freed on failure). */
static int add(struct plan *p, char *qname, uint16_t qtype,
	enum query_role role, int provider)
{
	if (!qname)
		return -1;
	struct plan_item *it = realloc(p->items, (p->n + 1) * sizeof(*it));
	if (!it) {
		free(qname);
		return -1;
	}
	p->items = it;
	it[p->n++] = (struct plan_item){ qname, qtype, role, provider };
	return 0;
}

/* A copy of name with exactly one trailing dot. */
static char *fqdn(const char *name)
{
	size_t n = strlen(name);
	while (n > 1 && name[n - 1] == '.')
		n--;
	char *s = malloc(n + 2);
	if (!s)
		return NULL;
	memcpy(s, name, n);
	if (n == 1 && name[0] == '.')
		s[1] = 0;
	else {
		s[n] = '.';
		s[n + 1] = 0;
	}
	return s;
}

int plan_from_truth(struct plan *p, const struct truth *t, bool ipv6_answers,
	char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < t->nproviders; i++) {
		const struct provider *pr = &t->providers[i];
		if (!pr->usable)
			continue;
		if (add(p, fqdn(pr->domain), LDNS_RR_TYPE_MX, QUERY_MX, (int)i))
			goto oom;
		const struct truth_answer *a = truth_find(t, pr->domain,
			LDNS_RR_TYPE_MX);
		const ldns_rdf *mx = a ? truth_best_mx(a) : NULL;
		if (!mx)
			continue;
		char *host = ldns_rdf2str(mx);
		if (!host)
			goto oom;
		for (char *c = host; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c |= 0x20;
		char *host6 = ipv6_answers ? strdup(host) : NULL;
		if (add(p, host, LDNS_RR_TYPE_A, QUERY_ADDR, (int)i)) {
			free(host6);
			goto oom;
		}
		if (ipv6_answers && add(p, host6, LDNS_RR_TYPE_AAAA, QUERY_ADDR,
			(int)i))
			goto oom;
	}
	if (t->control_name && add(p, fqdn(t->control_name),
		t->control_type ? t->control_type : LDNS_RR_TYPE_A,
		QUERY_CONTROL, -1))
		goto oom;
	if (t->nxdomain_zone && add(p, fqdn(t->nxdomain_zone), LDNS_RR_TYPE_A,
		QUERY_NXCONTROL, -1))
		goto oom;
	if (p->n == 0) {
		snprintf(err, errlen, "no usable provider and no control query: "
			"nothing to ask");
		return -1;
	}
	return 0;
oom:
	plan_clear(p);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int plan_parse(struct plan *p, const char *spec, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	const char *s = spec;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char item[300];
		if (n == 0 || n >= sizeof(item)) {
			snprintf(err, errlen, "bad query list item at \"%.40s\"", s);
			goto fail;
		}
		memcpy(item, s, n);
		item[n] = 0;
		char *slash = strrchr(item, '/');
		uint16_t qtype = LDNS_RR_TYPE_A;
		if (slash) {
			*slash = 0;
			qtype = ldns_get_rr_type_by_name(slash + 1);
			if (qtype == 0) {
				snprintf(err, errlen, "unknown query type \"%s\"",
					slash + 1);
				goto fail;
			}
		}
		enum query_role role = QUERY_OTHER;
		const char *name = item;
		if (!strncmp(name, "*.", 2)) {
			role = QUERY_NXCONTROL;
			name += 2;
		}
		if (dns_name_check(name, strlen(name), DNS_NAME_ANY, err,
		    errlen) < 0)
			goto fail;
		if (add(p, fqdn(name), qtype, role, -1)) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	if (p->n == 0) {
		snprintf(err, errlen, "empty query list");
		return -1;
	}
	return 0;
fail:
	plan_clear(p);
	return -1;
}

void plan_clear(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i].qname);
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

int plan_nxname(const char *zone, const uint8_t *rnd, char *buf,
	size_t buflen)
{
	/* 16 letters of 5 bits each from 10 random bytes: 80 bits, enough that
	 * no resolver has the name cached from anyone else. */
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	char label[17];
	for (int i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 5;
		unsigned v = (unsigned)rnd[bit / 8] << 8 |
			(bit / 8 + 1 < 10 ? rnd[bit / 8 + 1] : 0);
		label[i] = alphabet[(v >> (11 - bit % 8)) & 31];
	}
	label[16] = 0;
	const char *dot = !strcmp(zone, ".") ? "" : zone;
	size_t zl = strlen(dot);
	const char *sep = zl && dot[zl - 1] != '.' ? "." : "";
	int n = snprintf(buf, buflen, "rp-%s.%s%s", label, dot, sep);
	return n > 0 && (size_t)n < buflen ? 0 : -1;
}

/* providers.c: the providers file parser (pure: the file is read by
 * providers_load in dnssec/truth_opts.c). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <ldns/ldns.h>
#include "common/dnsname.h"
#include "common/escape.h"
#include "validator/providers.h"
#include "common/lineread.h"

/* A checked domain name as a lowercase FQDN with trailing dot; NULL with a
 * reason in why if it is not a valid name. */
static char *dname_text(const char *s, char *why, size_t whylen)
{
	ldns_rdf *rd = NULL;
	if (dns_name_check(s, strlen(s), DNS_NAME_ANY, why, whylen) < 0)
		return NULL;
	/* A name that passed the check fails to convert only for memory. */
	char *out = NULL;
	if (ldns_str2rdf_dname(&rd, s) == LDNS_STATUS_OK && rd) {
		ldns_dname2canonical(rd);
		out = ldns_rdf2str(rd);
	}
	ldns_rdf_deep_free(rd);
	if (!out)
		snprintf(why, whylen, "out of memory");
	return out;
}

static int add_provider(struct truth *t, char *domain)
{
	struct provider *p = realloc(t->providers,
		(t->nproviders + 1) * sizeof(*p));
	if (!p)
		return -1;
	t->providers = p;
	memset(&p[t->nproviders], 0, sizeof(*p));
	p[t->nproviders].domain = domain;
	p[t->nproviders].usable = true;
	t->nproviders++;
	return 0;
}

static int add_prefix(struct provider *pv, const struct prefix *pf)
{
	struct prefix *n = realloc(pv->prefixes,
		(pv->nprefixes + 1) * sizeof(*n));
	if (!n)
		return -1;
	pv->prefixes = n;
	n[pv->nprefixes++] = *pf;
	return 0;
}

#define MAX_WORDS 4

/* One directive; words[0] is the keyword.  Returns 0 or -1 with a reason
 * (without the file:line part) in why. */
static int directive(struct truth *t, char **w, int n, bool *in_provider,
	char *why, size_t whylen)
{
	if (!strcasecmp(w[0], "provider")) {
		if (n != 2) {
			snprintf(why, whylen, "usage: provider DOMAIN");
			return -1;
		}
		char *d = dname_text(w[1], why, whylen);
		if (!d)
			return -1;
		for (size_t i = 0; i < t->nproviders; i++) {
			if (!strcmp(t->providers[i].domain, d)) {
				snprintf(why, whylen, "provider %s listed twice", d);
				free(d);
				return -1;
			}
		}
		if (add_provider(t, d) < 0) {
			free(d);
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		*in_provider = true;
		return 0;
	}
	if (!strcasecmp(w[0], "prefix")) {
		struct prefix pf;
		char perr[128];
		if (n != 2) {
			snprintf(why, whylen, "usage: prefix ADDRESS/LEN");
			return -1;
		}
		if (!*in_provider || t->nproviders == 0) {
			snprintf(why, whylen, "prefix before any provider line");
			return -1;
		}
		if (prefix_parse(w[1], &pf, perr, sizeof(perr)) < 0) {
			snprintf(why, whylen, "%s", perr);
			return -1;
		}
		if (add_prefix(&t->providers[t->nproviders - 1], &pf) < 0) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		return 0;
	}
	if (!strcasecmp(w[0], "control")) {
		uint16_t type = LDNS_RR_TYPE_A;
		if (n != 2 && n != 3) {
			snprintf(why, whylen, "usage: control NAME [TYPE]");
			return -1;
		}
		if (n == 3) {
			type = (uint16_t)ldns_get_rr_type_by_name(w[2]);
			if (type == 0) {
				char shown[96];
				escape_str(shown, sizeof(shown), w[2],
					strlen(w[2]), ESCAPE_DNS);
				snprintf(why, whylen, "unknown type: \"%s\"",
					shown);
				return -1;
			}
		}
		char *d = dname_text(w[1], why, whylen);
		if (!d)
			return -1;
		free(t->control_name);
		t->control_name = d;
		t->control_type = type;
		*in_provider = false;
		return 0;
	}
	if (!strcasecmp(w[0], "nxdomain")) {
		if (n != 2) {
			snprintf(why, whylen, "usage: nxdomain ZONE");
			return -1;
		}
		char *d = dname_text(w[1], why, whylen);
		if (!d)
			return -1;
		free(t->nxdomain_zone);
		t->nxdomain_zone = d;
		*in_provider = false;
		return 0;
	}
	char shown[96];
	escape_str(shown, sizeof(shown), w[0], strlen(w[0]), ESCAPE_DNS);
	snprintf(why, whylen, "unknown directive: \"%s\"", shown);
	return -1;
}

int providers_parse(struct truth *t, const char *text, size_t len,
	const char *file, char *err, size_t errlen)
{
	struct lineread lr;
	enum lineread_status ls;
	bool in_provider = false;
	int rc = 0;
	if (!file)
		file = "providers";
	lineread_mem(&lr, text, len, file, LINEREAD_TEXT_MAX);
	while (rc == 0 && (ls = lineread_next(&lr)) == LINEREAD_LINE) {
		char *line = lr.line;
		if (lr.len != strlen(line)) {
			snprintf(err, errlen, "%s:%lu: NUL byte in line",
				file, lr.lineno);
			rc = -1;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *w[MAX_WORDS + 1];
		int nw = 0;
		char *save = NULL;
		for (char *tok = strtok_r(line, " \t\r\v\f", &save); tok;
		     tok = strtok_r(NULL, " \t\r\v\f", &save)) {
			if (nw <= MAX_WORDS)
				w[nw] = tok;
			nw++;
		}
		if (nw > MAX_WORDS) {
			snprintf(err, errlen, "%s:%lu: too many words", file,
				lr.lineno);
			rc = -1;
		} else if (nw > 0) {
			char why[200];
			rc = directive(t, w, nw, &in_provider, why, sizeof(why));
			if (rc < 0)
				snprintf(err, errlen, "%s:%lu: %s", file,
					lr.lineno, why);
		}
	}
	if (rc == 0 && (ls == LINEREAD_LONG || ls == LINEREAD_ERROR)) {
		snprintf(err, errlen, "%s", lr.err);
		rc = -1;
	}
	lineread_free(&lr);
	return rc;
}

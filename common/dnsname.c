/* dnsname.c: DNS type and rcode names from ldns's tables, the check of a
 * domain name, and the forms names are kept in (see dnsname.h). */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <ldns/ldns.h>
#include "common/escape.h"
#include "common/dnsname.h"

const char *dns_type_str(uint16_t type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	/* ldns names the meta types IXFR to ANY apart from their
	 * descriptors (which say "TYPE251" ...): ask it for those. */
	if (d && d->_name && (type < LDNS_RR_TYPE_IXFR ||
	    type > LDNS_RR_TYPE_ANY))
		return d->_name;
	char *s = ldns_rr_type2str((ldns_rr_type)type);
	if (s)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "TYPE%u", type);
	free(s);
	return buf;
}

const char *dns_rcode_name(int rcode)
{
	const ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	return lt ? lt->name : NULL;
}

/* Only letters, digits, '-', '_' and '.'. */
static bool host_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int dns_name_check(const char *name, size_t len, enum dns_name_kind kind,
	char *err, size_t errlen)
{
	/* Room for the longest name ldns reads: 255 bytes of wire format,
	 * each byte as a \DDD escape; ldns decides the rest. */
	char text[4 * LDNS_MAX_DOMAINLEN + 2];
	ldns_rdf *dn = NULL;
	bool good = len > 0 && len < sizeof(text) &&
		!memchr(name, '\0', len) &&
		(kind != DNS_NAME_HOST || (host_chars(name, len) &&
		!(len == 1 && name[0] == '.')));
	if (good) {
		memcpy(text, name, len);
		text[len] = '\0';
		good = ldns_str2rdf_dname(&dn, text) == LDNS_STATUS_OK;
		ldns_rdf_deep_free(dn);
	}
	if (!good) {
		char shown[96];
		snprintf(err, errlen, "not a domain name: \"%s\"",
			escape_str(shown, sizeof(shown), name, len,
			ESCAPE_DNS));
		return -1;
	}
	return 0;
}

void dns_name_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *dns_name_fqdn(const char *name)
{
	size_t n = strlen(name);
	char *s = malloc(n + 2);
	if (!s)
		return NULL;
	memcpy(s, name, n + 1);
	dns_name_lower(s);
	if (n == 0 || s[n - 1] != '.') {
		s[n] = '.';
		s[n + 1] = '\0';
	}
	return s;
}

void dns_name_plain(char *out, size_t outlen, const char *name)
{
	if (outlen == 0)
		return;
	snprintf(out, outlen, "%s", name);
	dns_name_lower(out);
	size_t n = strlen(out);
	if (n > 1 && out[n - 1] == '.')
		out[n - 1] = '\0';
}

bool dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

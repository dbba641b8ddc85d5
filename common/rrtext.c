/* rrtext.c: records in presentation form (see rrtext.h). */
#include "config.h"
#include <string.h>
#include <arpa/inet.h>
#include "common/rrtext.h"
#include "common/addr.h"

/* A name as ldns_rdf2buffer_str_dname prints it: "." for the root, else
 * every label followed by a dot, with . ; ( ) \ escaped as \c and bytes
 * that are not printable ASCII as \DDD.  Returns the new end, or NULL when
 * the name is not well formed (ldns then decides what to print). */
static char *name(char *p, const ldns_rdf *rdf)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t size = ldns_rdf_size(rdf), i = 0;
	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || size < 1 ||
	    size > LDNS_MAX_DOMAINLEN)
		return NULL;
	if (size == 1) {
		if (d[0] != 0)
			return NULL;
		*p++ = '.';
		return p;
	}
	while (i < size && d[i] != 0) {
		size_t len = d[i++];
		if (len > LDNS_MAX_LABELLEN || i + len >= size)
			return NULL;
		for (size_t k = 0; k < len; k++) {
			unsigned c = d[i + k];
			if (c == '.' || c == ';' || c == '(' || c == ')' ||
			    c == '\\') {
				*p++ = '\\';
				*p++ = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				*p++ = '\\';
				*p++ = (char)('0' + c / 100);
				*p++ = (char)('0' + c / 10 % 10);
				*p++ = (char)('0' + c % 10);
			} else {
				*p++ = (char)c;
			}
		}
		i += len;
		*p++ = '.';
	}
	/* The root label must end the data exactly. */
	return i + 1 == size ? p : NULL;
}

static char *uint_str(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *word(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

int rrtext_fast(char *out, size_t size, const ldns_rr *rr)
{
	ldns_rr_type type = ldns_rr_get_type(rr);
	size_t rd = ldns_rr_rd_count(rr);
	const char *tname;
	if (size < RRTEXT_FAST_MAX || ldns_rr_is_question(rr) ||
	    !ldns_rr_owner(rr) || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		return -1;
	switch (type) {
	case LDNS_RR_TYPE_A: tname = "A"; break;
	case LDNS_RR_TYPE_AAAA: tname = "AAAA"; break;
	case LDNS_RR_TYPE_MX: tname = "MX"; break;
	case LDNS_RR_TYPE_CNAME: tname = "CNAME"; break;
	case LDNS_RR_TYPE_NS: tname = "NS"; break;
	case LDNS_RR_TYPE_PTR: tname = "PTR"; break;
	default: return -1;
	}
	if (rd != (type == LDNS_RR_TYPE_MX ? 2u : 1u))
		return -1;
	char *p = name(out, ldns_rr_owner(rr));
	if (!p)
		return -1;
	*p++ = ' ';
	p = uint_str(p, ldns_rr_ttl(rr));
	p = word(p, " IN ");
	p = word(p, tname);
	*p++ = ' ';
	const ldns_rdf *f = ldns_rr_rdf(rr, 0);
	switch (type) {
	case LDNS_RR_TYPE_A:
		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_A ||
		    ldns_rdf_size(f) != 4)
			return -1;
		p = addr_ipv4_str(ldns_rdf_data(f), p);
		break;
	case LDNS_RR_TYPE_AAAA:
		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_AAAA ||
		    ldns_rdf_size(f) != 16 ||
		    !inet_ntop(AF_INET6, ldns_rdf_data(f), p, INET6_ADDRSTRLEN))
			return -1;
		p += strlen(p);
		break;
	case LDNS_RR_TYPE_MX:
		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_INT16 ||
		    ldns_rdf_size(f) != 2)
			return -1;
		p = uint_str(p, ldns_read_uint16(ldns_rdf_data(f)));
		*p++ = ' ';
		f = ldns_rr_rdf(rr, 1);	/* the exchange, a name */
		/* fall through */
	default:
		if (!(p = name(p, f)))
			return -1;
	}
	*p = '\0';
	return (int)(p - out);
}

int rrtext_ldns(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	if (ldns_rr2buffer_str_fmt(b, ldns_output_format_default, rr) !=
	    LDNS_STATUS_OK || !ldns_buffer_reserve(b, 1))
		return -1;
	char *s = (char *)ldns_buffer_begin(b);
	size_t len = ldns_buffer_position(b);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	/* ldns separates fields with tabs (rdata has its own escapes):
	 * spaces read better than \u0009 in JSON. */
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\t')
			s[i] = ' ';
	s[len] = '\0';
	ldns_buffer_set_position(b, len);
	return 0;
}

int rrtext(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	if (!ldns_buffer_reserve(b, RRTEXT_FAST_MAX))
		return -1;
	int n = rrtext_fast((char *)ldns_buffer_begin(b),
		ldns_buffer_capacity(b), rr);
	if (n >= 0) {
		ldns_buffer_set_position(b, (size_t)n);
		return 0;
	}
	return rrtext_ldns(b, rr);
}

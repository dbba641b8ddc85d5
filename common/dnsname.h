/* dnsname.h: the names of DNS record types and response codes, as ldns
 * writes them (ldns_rr_type2str, the ldns_rcodes table), the check of a
 * domain name given by a user, and the two forms names are kept in (a
 * lowercase FQDN with its dot; lowercase without it).  Every file that
 * prints a type or an rcode, takes a domain to check or keeps a name asks
 * here. */
#ifndef COMMON_DNSNAME_H
#define COMMON_DNSNAME_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** Room for any type's name ("NSEC3PARAM", "TYPE65535"). */
#define DNS_TYPE_STRLEN 16

/** type's mnemonic exactly as ldns_rr_type2str writes it ("MX", "ANY",
 * "TYPE65280"), without its malloc for the types ldns describes.  Returns
 * a string of ldns's or buf (len bytes, DNS_TYPE_STRLEN is enough). */
const char *dns_type_str(uint16_t type, char *buf, size_t len);

/** rcode's name in ldns's table ("NOERROR", "NXDOMAIN", "REFUSED", ...),
 * or NULL for an rcode the table does not name. */
const char *dns_rcode_name(int rcode);

/** What dns_name_check accepts besides what ldns reads. */
enum dns_name_kind {
	DNS_NAME_ANY = 0,	/* any name ldns_str2rdf_dname reads */
	DNS_NAME_HOST		/* a host's name (a mail domain): only letters,
				 * digits, '-', '_' and '.', not the root */
};

/** Is name (len bytes, which may hold a NUL byte) a domain name of kind
 * in presentation form: not empty, what ldns_str2rdf_dname reads (no
 * empty label, labels up to 63 bytes, 255 bytes of wire format: 253
 * bytes of plain labels, a trailing dot optional)?
 * Returns 0, or -1 with 'not a domain name: "NAME"' in err (NAME escaped
 * as dig escapes, cut to fit). */
int dns_name_check(const char *name, size_t len, enum dns_name_kind kind,
	char *err, size_t errlen);

/** Lowercase s in place (ASCII: DNS compares names so). */
void dns_name_lower(char *s);

/** A lowercase copy of name ending in a dot (the truth and the verdicts
 * keep names so); NULL when out of memory. */
char *dns_name_fqdn(const char *name);

/** name lowercased into out (outlen bytes, cut to fit) without its
 * trailing dot, the root staying "." (the mail checks keep a domain
 * so). */
void dns_name_plain(char *out, size_t outlen, const char *name);

/** Equal as names: ASCII case-insensitive, a trailing dot optional. */
bool dns_name_eq(const char *a, const char *b);

#endif

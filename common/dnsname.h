/* dnsname.h: the names of DNS record types and response codes, as ldns
 * writes them (ldns_rr_type2str, the ldns_rcodes table).  Every file that
 * prints a type or an rcode asks here. */
#ifndef COMMON_DNSNAME_H
#define COMMON_DNSNAME_H
#include <stddef.h>
#include <stdint.h>

/** Room for any type's name ("NSEC3PARAM", "TYPE65535"). */
#define DNS_TYPE_STRLEN 16

/** type's mnemonic exactly as ldns_rr_type2str writes it ("MX", "ANY",
 * "TYPE65280"), without its malloc for the types ldns describes.  Returns
 * a string of ldns's or buf (len bytes, DNS_TYPE_STRLEN is enough). */
const char *dns_type_str(uint16_t type, char *buf, size_t len);

/** rcode's name in ldns's table ("NOERROR", "NXDOMAIN", "REFUSED", ...),
 * or NULL for an rcode the table does not name. */
const char *dns_rcode_name(int rcode);

#endif

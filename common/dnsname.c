/* dnsname.c: DNS type and rcode names from ldns's tables (see dnsname.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <ldns/ldns.h>
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

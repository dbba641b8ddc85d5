/* test_dnsname.c: type and rcode names agree with ldns's own. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "common/dnsname.h"
#include "tests/tap.h"

int main(void)
{
	unsigned differ = 0, first = 0;
	for (unsigned t = 0; t <= 65535; t++) {
		char buf[DNS_TYPE_STRLEN];
		char *want = ldns_rr_type2str((ldns_rr_type)t);
		const char *got = dns_type_str((uint16_t)t, buf, sizeof(buf));
		if (!want || strcmp(want, got)) {
			if (!differ++)
				first = t;
		}
		free(want);
	}
	ok(differ == 0, "every type named as ldns_rr_type2str does "
		"(%u differ, first %u)", differ, first);
	char buf[DNS_TYPE_STRLEN];
	ok(!strcmp(dns_type_str(LDNS_RR_TYPE_MX, buf, sizeof(buf)), "MX") &&
		!strcmp(dns_type_str(LDNS_RR_TYPE_ANY, buf, sizeof(buf)),
		"ANY") && !strcmp(dns_type_str(65280, buf, sizeof(buf)),
		"TYPE65280"), "MX, ANY, TYPE65280");
	ok(!strcmp(dns_rcode_name(LDNS_RCODE_NOERROR), "NOERROR") &&
		!strcmp(dns_rcode_name(LDNS_RCODE_NXDOMAIN), "NXDOMAIN") &&
		!strcmp(dns_rcode_name(LDNS_RCODE_REFUSED), "REFUSED"),
		"NOERROR, NXDOMAIN, REFUSED");
	ok(dns_rcode_name(15) == NULL && dns_rcode_name(-1) == NULL,
		"an rcode ldns does not name: NULL");
	return tap_done();
}

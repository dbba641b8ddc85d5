/* rrs.h: unit-test helper: an ldns_rr_list from zone-format lines. */
#ifndef TESTS_UNIT_RRS_H
#define TESTS_UNIT_RRS_H
#include <stdio.h>
#include <stdlib.h>
#include <ldns/ldns.h>

/** A new list (the caller frees it) of the NULL-terminated lines, TTL 300
 * by default; a line ldns cannot parse aborts the test. */
static ldns_rr_list *rrs(const char *const *lines)
{
	ldns_rr_list *l = ldns_rr_list_new();
	for (; *lines; lines++) {
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, *lines, 300, NULL, NULL) !=
		    LDNS_STATUS_OK) {
			printf("# bad rr: %s\n", *lines);
			abort();
		}
		ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

#endif

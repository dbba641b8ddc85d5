/* truth_print.c: a truth answer printed dig-like and as JSON, for the
 * truth and query commands. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "common/escape.h"
#include "common/dnsname.h"
#include "resolver-probe/truth_print.h"

static const char *rcode_str(int rcode, char *buf, size_t len)
{
	const char *name = dns_rcode_name(rcode);

	if (name)
		return name;
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

static void print_list(FILE *f, const ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		if (s)
			fputs(s, f);
		free(s);
	}
}

void truth_answer_print(FILE *f, const struct truth_answer *a)
{
	char type[DNS_TYPE_STRLEN], rc[16];

	fprintf(f, ";; %s %s (%s", a->qname,
		dns_type_str(a->qtype, type, sizeof(type)),
		truth_status_str(a->sec, a->rcode, a->timed_out));
	if (a->sec == TRUTH_SEC_BOGUS) {
		/* libunbound's reason quotes names from the network */
		const char *w = a->why_bogus ? a->why_bogus : "no reason";
		fputs(": ", f);
		escape_text(f, w, strlen(w), ESCAPE_DNS);
	}
	fprintf(f, ") %s", a->timed_out ? "no answer (timed out)" :
		rcode_str(a->rcode, rc, sizeof(rc)));
	if (!a->timed_out)
		fprintf(f, ", ttl %u, %zu record%s", (unsigned)a->ttl,
			ldns_rr_list_rr_count(a->rrs),
			ldns_rr_list_rr_count(a->rrs) == 1 ? "" : "s");
	fputc('\n', f);
	print_list(f, a->cnames);
	print_list(f, a->rrs);
}

void truth_answer_json(struct json *j, const char *key,
	const struct truth *t, const struct truth_answer *a)
{
	char type[DNS_TYPE_STRLEN], rc[16];

	json_obj_open(j, key);
	json_str(j, "qname", a->qname);
	json_str(j, "qtype", dns_type_str(a->qtype, type, sizeof(type)));
	json_str(j, "rcode", rcode_str(a->rcode, rc, sizeof(rc)));
	json_str(j, "status", truth_status_str(a->sec, a->rcode, a->timed_out));
	json_str(j, "why_bogus", a->why_bogus);
	json_int(j, "ttl", a->ttl);
	if (t && a->provider >= 0 && (size_t)a->provider < t->nproviders)
		json_str(j, "provider", t->providers[a->provider].domain);
	else
		json_null(j, "provider");
	json_bool(j, "timed_out", a->timed_out);
	json_int(j, "rounds", a->rounds);
	json_rr_list(j, "cnames", a->cnames);
	json_rr_list(j, "records", a->rrs);
	json_obj_close(j);
}

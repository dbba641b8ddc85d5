/* test_dnsname.c: type and rcode names agree with ldns's own; the check of
 * a domain name, any or a host's, table by table. */
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
	/* The name check: what ldns reads, and a host's name besides. */
	static const struct {
		const char *name;
		size_t len;		/* 0: strlen */
		int any, host;		/* 0 accepted, -1 refused */
		const char *shown;	/* the message's NAME, or NULL */
	} names[] = {
		{ "example.com", 0, 0, 0, NULL },
		{ "Example.COM.", 0, 0, 0, NULL },
		{ "_25._tcp.mx-1.example", 0, 0, 0, NULL },
		{ "xn--bcher-kva.example", 0, 0, 0, NULL },
		{ ".", 0, 0, -1, "." },
		{ "", 0, -1, -1, "" },
		{ "a..b", 0, -1, -1, "a..b" },
		{ ".lead", 0, -1, -1, ".lead" },
		{ "a\\.b.example", 0, 0, -1, "a\\.b.example" },
		{ "bad!name.example", 0, 0, -1, "bad!name.example" },
		{ "two words", 0, 0, -1, "two words" },
		{ "x\001y.example", 0, 0, -1, "x\\001y.example" },
		{ "nul\0byte", 8, -1, -1, "nul\\000byte" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = names[i].len ? names[i].len :
			strlen(names[i].name);
		char ea[200] = "", eh[200] = "", want[200];
		int a = dns_name_check(names[i].name, len, DNS_NAME_ANY, ea,
			sizeof(ea));
		int h = dns_name_check(names[i].name, len, DNS_NAME_HOST, eh,
			sizeof(eh));
		snprintf(want, sizeof(want), "not a domain name: \"%s\"",
			names[i].shown ? names[i].shown : "");
		ok(a == names[i].any && h == names[i].host &&
			(a == 0 || !strcmp(ea, want)) &&
			(h == 0 || !strcmp(eh, want)),
			"name %zu \"%s\": any %d, host %d (%s%s)", i,
			names[i].shown ? names[i].shown : names[i].name, a, h,
			ea, eh);
	}
	/* Lengths: 253 bytes of labels, a dot more, a byte more; a label of
	 * 63 bytes and of 64. */
	char name[300];
	memset(name, 'a', sizeof(name));
	for (int i = 63; i < 253; i += 64)
		name[i] = '.';
	char e[200];
	ok(dns_name_check(name, 253, DNS_NAME_HOST, e, sizeof(e)) == 0,
		"253 bytes: a name");
	ok(dns_name_check(name, 254, DNS_NAME_ANY, e, sizeof(e)) < 0 &&
		dns_name_check(name, 254, DNS_NAME_HOST, e, sizeof(e)) < 0,
		"254 bytes: refused, both kinds");
	ok(strlen(e) < 200 && strstr(e, "...\""), "a long name cut in the "
		"message: %s", e);
	name[253] = '.';
	ok(dns_name_check(name, 254, DNS_NAME_ANY, e, sizeof(e)) == 0 &&
		dns_name_check(name, 254, DNS_NAME_HOST, e, sizeof(e)) == 0,
		"253 bytes and a trailing dot: a name, both kinds");
	name[253] = 'a';
	/* Escapes: longer in presentation than 253 bytes, short on the
	 * wire. */
	char esc[300];
	size_t n = 0;
	for (int i = 0; i < 63; i++)
		n += (size_t)snprintf(esc + n, sizeof(esc) - n, "\\097");
	n += (size_t)snprintf(esc + n, sizeof(esc) - n, ".a.");
	ok(n == 255 && dns_name_check(esc, n, DNS_NAME_ANY, e,
		sizeof(e)) == 0, "a label of 63 \\DDD escapes: a name");
	ok(dns_name_check(esc, n, DNS_NAME_HOST, e, sizeof(e)) < 0,
		"escapes are no host's name");
	ok(dns_name_check(name, 63, DNS_NAME_ANY, e, sizeof(e)) == 0 &&
		dns_name_check(name + 64, 64 + 63, DNS_NAME_ANY, e,
		sizeof(e)) == 0, "labels of 63 bytes");
	name[63] = 'a';
	ok(dns_name_check(name, 64, DNS_NAME_ANY, e, sizeof(e)) < 0 &&
		dns_name_check(name, 64, DNS_NAME_HOST, e, sizeof(e)) < 0,
		"a label of 64 bytes refused");
	/* The forms names are kept in. */
	{
		static const struct { const char *in, *fqdn, *plain; } fm[] = {
			{ "Mail.Example.COM", "mail.example.com.",
				"mail.example.com" },
			{ "mail.example.com.", "mail.example.com.",
				"mail.example.com" },
			{ ".", ".", "." },
			{ "", ".", "" },
		};
		char out[300];
		for (size_t i = 0; i < sizeof(fm) / sizeof(fm[0]); i++) {
			char *f = dns_name_fqdn(fm[i].in);
			dns_name_plain(out, sizeof(out), fm[i].in);
			ok(f && !strcmp(f, fm[i].fqdn) &&
				!strcmp(out, fm[i].plain), "\"%s\": fqdn "
				"\"%s\", plain \"%s\"", fm[i].in, f ? f : "?",
				out);
			free(f);
		}
		dns_name_plain(out, 5, "ABCDEFGH.");
		ok(!strcmp(out, "abcd"), "plain is cut to fit: %s", out);
		ok(dns_name_eq("Mail.Example.com.", "mail.example.COM") &&
			dns_name_eq(".", ".") &&
			!dns_name_eq("mail.example.com", "mail.example.co") &&
			!dns_name_eq("a.example.", "b.example."),
			"equal as names: case and the trailing dot do not "
			"count");
	}
	return tap_done();
}

/* test_dane.c: how address verdicts make host and domain verdicts, and
 * the exit status each domain verdict gives (dane_result_judge). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "dnssec/dane.h"
#include "resolver-probe/commands.h"
#include "tests/tap.h"

#define UNSET DANE_VERDICT_COUNT

/* Up to 3 hosts of up to 3 addresses; UNSET ends a list. */
static const struct {
	const char *what;
	size_t nhosts;
	enum dane_verdict addrs[3][4];	/* per host, its address verdicts */
	enum dane_verdict host_preset[3];	/* UNSET unless DNS decided */
	enum dane_verdict want;
	const char *want_host;		/* name of the host the detail names */
} cases[] = {
	{ "one valid host", 1, { { DANE_VALID, UNSET } }, { UNSET },
		DANE_VALID, "mx0" },
	{ "one address fails, the other is valid", 1,
		{ { DANE_VALID, DANE_FAIL, UNSET } }, { UNSET },
		DANE_FAIL, "mx0" },
	{ "valid host and a host without TLSA", 2,
		{ { DANE_VALID, UNSET }, { UNSET } },
		{ UNSET, DANE_INSECURE }, DANE_VALID, "mx0" },
	{ "no host with TLSA", 2, { { UNSET }, { UNSET } },
		{ DANE_INSECURE, DANE_INSECURE }, DANE_INSECURE, "mx0" },
	{ "second host stripped", 2, { { DANE_VALID, UNSET },
		{ DANE_STARTTLS_STRIPPED, UNSET } }, { UNSET, UNSET },
		DANE_STARTTLS_STRIPPED, "mx1" },
	{ "bogus TLSA beats a failure", 2, { { DANE_FAIL, UNSET }, { UNSET } },
		{ UNSET, DANE_BOGUS }, DANE_BOGUS, "mx1" },
	{ "unreachable and valid", 2, { { DANE_UNREACHABLE, UNSET },
		{ DANE_VALID, UNSET } }, { UNSET, UNSET }, DANE_UNREACHABLE,
		"mx0" },
	{ "no STARTTLS beats unreachable", 1, { { DANE_UNREACHABLE,
		DANE_NO_STARTTLS, UNSET } }, { UNSET }, DANE_NO_STARTTLS,
		"mx0" },
	{ "a DNS error and a valid host", 2, { { UNSET }, { DANE_VALID, UNSET } },
		{ DANE_DNS_ERROR, UNSET }, DANE_DNS_ERROR, "mx0" },
};

int main(void)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		struct dane_result r;
		memset(&r, 0, sizeof(r));
		r.verdict = UNSET;
		r.hosts = calloc(3, sizeof(*r.hosts));
		for (size_t h = 0; h < cases[c].nhosts; h++) {
			struct dane_host *host = &r.hosts[r.nhosts++];
			host->name = malloc(24);
			snprintf(host->name, 24, "mx%zu", h);
			host->verdict = cases[c].host_preset[h];
			if (host->verdict != UNSET)
				host->detail = strdup("preset");
			host->addrs = calloc(3, sizeof(*host->addrs));
			for (size_t a = 0; a < 3 &&
			     cases[c].addrs[h][a] != UNSET; a++) {
				struct dane_addr *d =
					&host->addrs[host->naddrs++];
				d->addr = strdup("192.0.2.1");
				d->verdict = cases[c].addrs[h][a];
				d->detail = strdup("why");
			}
		}
		dane_result_judge(&r);
		ok(r.verdict == cases[c].want && r.detail &&
			(cases[c].want == DANE_INSECURE ||
			 !strncmp(r.detail, cases[c].want_host, 3)),
			"%s: %s (%s)", cases[c].what,
			dane_verdict_str(r.verdict), r.detail ? r.detail : "");
		for (size_t h = 0; h < r.nhosts; h++) {
			for (size_t a = 0; a < r.hosts[h].naddrs; a++) {
				free(r.hosts[h].addrs[a].addr);
				free(r.hosts[h].addrs[a].detail);
			}
			free(r.hosts[h].addrs);
			free(r.hosts[h].name);
			free(r.hosts[h].detail);
		}
		free(r.hosts);
		free(r.detail);
	}

	/* No host at all. */
	struct dane_result e;
	memset(&e, 0, sizeof(e));
	e.verdict = UNSET;
	dane_result_judge(&e);
	ok(e.verdict == DANE_DNS_ERROR, "no host: dns-error");
	free(e.detail);

	static const struct { enum dane_verdict v; const char *s; int ex; }
	names[] = {
		{ DANE_VALID, "dane-valid", EXIT_AGREE },
		{ DANE_INSECURE, "dane-insecure", EXIT_AGREE },
		{ DANE_FAIL, "dane-fail", EXIT_FINDING },
		{ DANE_BOGUS, "bogus", EXIT_FINDING },
		{ DANE_NO_STARTTLS, "no-starttls", EXIT_FINDING },
		{ DANE_STARTTLS_STRIPPED, "starttls-stripped", EXIT_FINDING },
		{ DANE_UNREACHABLE, "unreachable", EXIT_INCOMPLETE },
		{ DANE_DNS_ERROR, "dns-error", EXIT_INCOMPLETE },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		ok(!strcmp(dane_verdict_str(names[i].v), names[i].s) &&
			dane_verdict_exit(names[i].v) == names[i].ex,
			"%s exits %d", names[i].s, names[i].ex);
	return tap_done();
}

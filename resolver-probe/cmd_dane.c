/* cmd_dane.c: the 'dane' subcommand: check a mail domain's DNSSEC and
 * DANE/TLSA the way an RFC 7672 sender would, and print what it saw in
 * posttls-finger's reading order (or JSON). */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include "resolver-probe/commands.h"
#include "common/json.h"
#include "common/dnsname.h"
#include "dnssec/dane.h"
#include "dnssec/truth_resolve.h"
#include "dnssec/truth_opts.h"

#define DANE_JSON_MAX (4u << 20)

int dane_verdict_exit(enum dane_verdict v)
{
	switch (v) {
	case DANE_VALID:
	case DANE_INSECURE:
		return EXIT_AGREE;
	case DANE_UNREACHABLE:
	case DANE_DNS_ERROR:
	case DANE_VERDICT_COUNT:
		return EXIT_INCOMPLETE;
	default:
		return EXIT_FINDING;
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: resolver-probe dane [OPTIONS] DOMAIN\n\n"
		"Check DOMAIN as an RFC 7672 (DANE for SMTP) sender would: validated\n"
		"MX, A/AAAA and TLSA lookups, then for each address of an MX host\n"
		"with TLSA records: banner, EHLO, STARTTLS, a TLS handshake (SNI the\n"
		"TLSA base domain) and the certificate chain matched against the\n"
		"TLSA records (DANE-EE(3) and DANE-TA(2); PKIX usages are unusable).\n\n"
		"  -p, --port N          SMTP port (default 25; TLSA at _N._tcp)\n"
		"  -t, --timeout S       seconds for each SMTP session (default 30)\n"
		"      --helo NAME       the EHLO name (default localhost)\n"
		"      --json            one JSON document instead of text\n"
		"  -h, --help            this help\n"
		"      --version         print the version and exit\n");
	truth_opts_usage(f);
	fprintf(f, "\nverdicts: dane-valid, dane-fail, no-starttls, "
		"starttls-stripped,\ndane-insecure, bogus, unreachable, "
		"dns-error; one per address, host and\nthe domain (the last "
		"line: DOMAIN VERDICT: why).\n"
		"exit status: 0 every host with DANE verified (or DANE does not "
		"apply),\n1 a failure (bogus, dane-fail, no STARTTLS, "
		"stripped), 2 usage,\n3 could not complete (unreachable, DNS "
		"error).\n");
}

static void on_done(struct dane_check *c, void *arg)
{
	(void)c;
	*(bool *)arg = true;
}

static void print_text(FILE *f, const struct dane_result *r)
{
	char rec[200];
	const char *rcode = dns_rcode_name(r->mx_rcode);
	fprintf(f, "dane: %s MX %s (%s)%s\n", r->domain,
		truth_status_str(r->mx_sec, r->mx_rcode, false),
		rcode ? rcode : "?", r->implicit_mx ?
		", no MX records: the domain is its own mail host" : "");
	if (r->mx_not_checked)
		fprintf(f, "not checked: %zu more MX hosts (only the %d most "
			"preferred are)\n", r->mx_not_checked,
			TRUTH_MAX_MX_HOSTS);
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct dane_host *h = &r->hosts[i];
		if (h->preference >= 0)
			fprintf(f, "MX %d %s", h->preference, h->name);
		else
			fprintf(f, "host %s", h->name);
		if (h->cname_target)
			fprintf(f, " (CNAME to %s)", h->cname_target);
		fprintf(f, ": addresses %s\n", truth_sec_str(h->addr_sec));
		if (h->tlsa_looked && h->tlsa_name) {
			fprintf(f, "  TLSA %s %s", h->tlsa_name,
				truth_sec_str(h->tlsa_sec));
			if (h->tlsa_base)
				fprintf(f, ", base domain %s", h->tlsa_base);
			fprintf(f, ": %zu record%s, %zu usable\n", h->ntlsa,
				h->ntlsa == 1 ? "" : "s", h->nusable);
		}
		for (size_t k = 0; k < h->ntlsa; k++) {
			const struct tlsa *t = &h->tlsa[k];
			fprintf(f, "    using DANE RR: %s IN TLSA %s (%s)%s%s\n",
				h->tlsa_name, tlsa_str(t, rec, sizeof(rec)),
				tlsa_usage_str(t->usage),
				t->unusable ? " unusable: " : "",
				t->unusable ? t->unusable : "");
		}
		for (size_t k = 0; k < h->naddrs; k++) {
			const struct dane_addr *a = &h->addrs[k];
			if (!a->log && !a->detail)
				continue;
			fprintf(f, "  %s[%s]:\n", h->name, a->addr);
			const char *p = a->log ? a->log : "";
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				fprintf(f, "    %.*s\n", (int)n, p);
				p += n + (nl ? 1 : 0);
			}
		}
		fprintf(f, "  %s %s: %s\n", h->name,
			dane_verdict_str(h->verdict),
			h->detail ? h->detail : "");
	}
	fprintf(f, "%s %s: %s\n", r->domain, dane_verdict_str(r->verdict),
		r->detail ? r->detail : "");
}

static void json_sec(struct json *j, const char *key, enum truth_sec s)
{
	json_str(j, key, truth_sec_str(s));
}

static int print_json(FILE *f, const struct dane_result *r)
{
	struct json j;
	char rec[200];
	json_init(&j, DANE_JSON_MAX);
	json_obj_open(&j, NULL);
	json_str(&j, "domain", r->domain);
	json_str(&j, "verdict", dane_verdict_str(r->verdict));
	json_str(&j, "detail", r->detail);
	json_str(&j, "mx_status", truth_status_str(r->mx_sec, r->mx_rcode,
		false));
	json_int(&j, "mx_rcode", r->mx_rcode);
	json_bool(&j, "implicit_mx", r->implicit_mx);
	json_int(&j, "mx_not_checked", (long long)r->mx_not_checked);
	json_arr_open(&j, "hosts");
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct dane_host *h = &r->hosts[i];
		json_obj_open(&j, NULL);
		json_str(&j, "name", h->name);
		json_int(&j, "preference", h->preference);
		json_str(&j, "cname_target", h->cname_target);
		json_sec(&j, "address_status", h->addr_sec);
		json_str(&j, "verdict", dane_verdict_str(h->verdict));
		json_str(&j, "detail", h->detail);
		if (h->tlsa_looked) {
			json_obj_open(&j, "tlsa");
			json_str(&j, "name", h->tlsa_name);
			json_str(&j, "base_domain", h->tlsa_base);
			json_sec(&j, "status", h->tlsa_sec);
			json_arr_open(&j, "records");
			for (size_t k = 0; k < h->ntlsa; k++) {
				const struct tlsa *t = &h->tlsa[k];
				json_obj_open(&j, NULL);
				json_str(&j, "record", tlsa_str(t, rec,
					sizeof(rec)));
				json_str(&j, "usage", tlsa_usage_str(t->usage));
				json_bool(&j, "usable", !t->unusable);
				json_str(&j, "unusable", t->unusable);
				json_obj_close(&j);
			}
			json_arr_close(&j);
			json_obj_close(&j);
		} else
			json_null(&j, "tlsa");
		json_arr_open(&j, "addresses");
		for (size_t k = 0; k < h->naddrs; k++) {
			const struct dane_addr *a = &h->addrs[k];
			json_obj_open(&j, NULL);
			json_str(&j, "address", a->addr);
			json_str(&j, "verdict", a->verdict < DANE_VERDICT_COUNT ?
				dane_verdict_str(a->verdict) : NULL);
			json_str(&j, "detail", a->detail);
			json_bool(&j, "starttls", a->starttls);
			json_str(&j, "tls", a->tls);
			json_str(&j, "leaf_subject", a->leaf_subject);
			json_str(&j, "leaf_issuer", a->leaf_issuer);
			json_int(&j, "chain_length", a->chain_len);
			if (a->match_record >= 0)
				json_str(&j, "matched", tlsa_str(
					&h->tlsa[a->match_record], rec,
					sizeof(rec)));
			else
				json_null(&j, "matched");
			json_int(&j, "match_depth", a->match_depth);
			json_str(&j, "peername", a->peername);
			json_arr_open(&j, "transcript");
			const char *p = a->log ? a->log : "";
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				char line[1300];
				snprintf(line, sizeof(line), "%.*s", (int)n, p);
				json_str(&j, NULL, line);
				p += n + (nl ? 1 : 0);
			}
			json_arr_close(&j);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	int rc = json_write_line(&j, f);
	json_clear(&j);
	return rc;
}

int cmd_dane(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "helo", required_argument, NULL, CMD_OPT_HELO },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct dane_opts o;
	bool json = false;
	char err[512];
	int ch;

	dane_opts_init(&o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":p:t:h", longopts, NULL)) != -1) {
		int t = cmd_truth_opt("dane", &o.truth, ch, optarg);
		if (t == 0)
			t = cmd_smtp_opt("dane", &o, ch, optarg);
		if (t < 0)
			return EXIT_USAGE;
		if (t > 0)
			continue;
		switch (ch) {
		case 'j':
			json = true;
			break;
		default:
			return cmd_opt_end(ch, argv, usage);
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}

	uv_loop_t loop;
	if (uv_loop_init(&loop) < 0) {
		fprintf(stderr, "resolver-probe dane: %s:%d: no event loop\n",
			__FILE__, __LINE__);
		return EXIT_INCOMPLETE;
	}
	bool done = false;
	struct dane_check *c = dane_check_start(&loop, argv[optind], &o,
		on_done, &done, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "resolver-probe dane: %s\n", err);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
		return EXIT_USAGE;
	}
	cmd_waiting("dane", "looking up the MX, addresses and TLSA records "
		"with validation (given up after %d s), then one SMTP session "
		"per address (%u s each)", o.truth.timeout, o.timeout);
	uv_run(&loop, UV_RUN_DEFAULT);
	int rc;
	if (!done) {
		fprintf(stderr, "resolver-probe dane: %s:%d: the check did not "
			"finish\n", __FILE__, __LINE__);
		rc = EXIT_INCOMPLETE;
	} else {
		const struct dane_result *r = dane_check_result(c);
		if (json) {
			if (print_json(stdout, r) < 0)
				fprintf(stderr, "resolver-probe dane: JSON "
					"output failed\n");
		} else
			print_text(stdout, r);
		rc = dane_verdict_exit(r->verdict);
	}
	dane_check_free(c);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) != 0)
		fprintf(stderr, "resolver-probe dane: %s:%d: handles left open\n",
			__FILE__, __LINE__);
	return rc;
}

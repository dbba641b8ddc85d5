/* cmd_dane.c: the 'dane' subcommand: check a mail domain's DNSSEC and
 * DANE/TLSA the way an RFC 7672 sender would, and print what it saw in
 * posttls-finger's reading order (or JSON). */
#include "config.h"
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include "resolver-probe/commands.h"
#include "resolver-probe/domains.h"
#include "common/json.h"
#include "common/options.h"
#include "common/share.h"
#include "common/dnsname.h"
#include "dnssec/dane.h"
#include "dnssec/truth_resolve.h"
#include "dnssec/truth_opts.h"

#define DANE_JSON_MAX (4u << 20)
#define DANE_CONCURRENCY 256

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
		"usage: resolver-probe dane [OPTIONS] DOMAIN...\n"
		"       resolver-probe dane [OPTIONS] -f FILE\n\n"
		"Check each DOMAIN as an RFC 7672 (DANE for SMTP) sender would:\n"
		"validated MX, A/AAAA and TLSA lookups, then for each address of an\n"
		"MX host with TLSA records: banner, EHLO, STARTTLS, a TLS handshake\n"
		"(SNI the TLSA base domain) and the certificate chain matched against\n"
		"the TLSA records (DANE-EE(3) and DANE-TA(2); PKIX usages are\n"
		"unusable).  Many domains share one validating cache, and each mail\n"
		"server address is visited once.\n\n"
		"  -f, --file FILE       domains, one a line ('#' comments; - for stdin)\n"
		"  -o, --output FILE     write the results to FILE (default stdout)\n"
		"  -c, --concurrency N   domains checked at once (default 256)\n"
		"  -p, --port N          SMTP port (default 25; TLSA at _N._tcp)\n"
		"  -t, --timeout S       seconds for each SMTP session (default 30)\n"
		"      --helo NAME       the EHLO name (default localhost)\n"
		"      --json            JSON Lines, one line a domain (the default\n"
		"                        for more than one domain)\n"
		"      --text            the text layout (the default for one)\n"
		"      --progress        a progress line on stderr (default when stderr\n"
		"                        is a terminal and there are many domains)\n"
		"  -h, --help            this help\n"
		"      --version         print the version and exit\n");
	truth_opts_usage(f);
	fprintf(f, "\nverdicts: dane-valid, dane-fail, no-starttls, "
		"starttls-stripped,\ndane-insecure, bogus, unreachable, "
		"dns-error; one per address, host and\nthe domain (the last "
		"line: DOMAIN VERDICT: why).\n"
		"exit status: 0 every host of every domain with DANE verified (or\n"
		"DANE does not apply), 1 a failure (bogus, dane-fail, no STARTTLS,\n"
		"stripped), 2 usage, 3 could not complete (unreachable, DNS error).\n");
}

/* The run: domains from the arguments or a file, a few at a time, on one
 * loop with the shared validating cache and session table. */
struct run {
	uv_loop_t loop;
	struct dane_opts o;
	struct domains domains;
	FILE *out;
	const char *out_name;
	bool json, write_failed, progress;
	unsigned concurrency, running;
	unsigned long done;
	unsigned long by_exit[EXIT_INCOMPLETE + 1];	/* domains per status */
};

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

static void fill(struct run *r);

/* The status line: domains by exit status, then what was shared: SMTP
 * sessions made once for every domain whose MX uses the address, and the
 * validating cache's lookups. */
static void progress(const struct run *r, bool last)
{
	struct share_stats ss = { 0 };
	struct truth_cache_stats ts = { 0 };
	if (!r->progress)
		return;
	if (r->o.sessions)
		share_stats(r->o.sessions, &ss);
	if (r->o.truth.cache)
		truth_cache_stats(r->o.truth.cache, &ts);
	fprintf(stderr, "\r%lu done, %u running: %lu verified or not "
		"applicable, %lu failing, %lu incomplete; %lu SMTP sessions for "
		"%lu; %lu lookups, %lu retried, %lu failed%s", r->done,
		r->running, r->by_exit[EXIT_AGREE], r->by_exit[EXIT_FINDING],
		r->by_exit[EXIT_INCOMPLETE], ss.made, ss.made + ss.shared,
		ts.asked, ts.retried, ts.failed, last ? "\n" : "");
}

static void on_done(struct dane_check *c, void *arg)
{
	struct run *r = arg;
	const struct dane_result *res = dane_check_result(c);
	int rc = 0;
	if (r->json)
		rc = print_json(r->out, res);
	else
		print_text(r->out, res);
	if ((rc < 0 || fflush(r->out) != 0 || ferror(r->out)) &&
	    !r->write_failed) {
		fprintf(stderr, "resolver-probe dane: write to %s failed\n",
			r->out_name);
		r->write_failed = true;
	}
	r->by_exit[dane_verdict_exit(res->verdict)]++;
	r->done++;
	r->running--;
	dane_check_free(c);
	progress(r, false);
	fill(r);
}

static int start_one(const char *domain, void *arg, char *err,
	size_t errlen)
{
	struct run *r = arg;
	return dane_check_start(&r->loop, domain, &r->o, on_done, r, err,
		errlen) ? 0 : -1;
}

/* Start checks until concurrency is reached or the domains run out. */
static void fill(struct run *r)
{
	domains_start(&r->domains, &r->running, r->write_failed ? 0 :
		r->concurrency, start_one, r);
}

/* Options into r; the list and output files into *file and *outpath.
 * Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct run *r,
	const char **file, const char **outpath)
{
	enum { O_JSON = 0x2000, O_TEXT, O_PROGRESS };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "helo", required_argument, NULL, CMD_OPT_HELO },
		{ "json", no_argument, NULL, O_JSON },
		{ "text", no_argument, NULL, O_TEXT },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	bool json = false, text = false, progress = false;
	char err[512];
	long n;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, ":f:o:c:p:t:h", longopts,
	    NULL)) != -1) {
		int t = cmd_truth_opt("dane", &r->o.truth, ch, optarg);
		if (t == 0)
			t = cmd_smtp_opt("dane", &r->o, ch, optarg);
		if (t < 0)
			return EXIT_USAGE;
		if (t > 0)
			continue;
		switch (ch) {
		case 'f': *file = optarg; break;
		case 'o': *outpath = optarg; break;
		case O_JSON: json = true; break;
		case O_TEXT: text = true; break;
		case O_PROGRESS: progress = true; break;
		case 'c':
			if ((n = option_number(optarg, 1, 1024)) < 0) {
				fprintf(stderr, "resolver-probe dane: "
					"--concurrency: want 1..1024: \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			r->concurrency = (unsigned)n;
			break;
		default:
			return cmd_opt_end(ch, argv, usage);
		}
	}
	int ndomains = argc - optind;
	if ((ndomains == 0) == (*file == NULL)) {
		fprintf(stderr, "resolver-probe dane: give DOMAIN... or -f "
			"FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (json && text) {
		fprintf(stderr, "resolver-probe dane: --json or --text, not "
			"both\n");
		return EXIT_USAGE;
	}
	if (truth_opts_check(&r->o.truth, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe dane: %s\n", err);
		return EXIT_USAGE;
	}
	r->json = json || (!text && (*file || ndomains > 1));
	r->progress = progress || (isatty(STDERR_FILENO) && (*file ||
		ndomains > 1));
	if (domains_open(&r->domains, "dane", argv + optind, ndomains, *file,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe dane: %s\n", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* The exit status of a run that went to its end: the worst domain's. */
static int run_status(const struct run *r)
{
	if (r->write_failed || r->running || r->domains.failed ||
	    r->by_exit[EXIT_INCOMPLETE])
		return EXIT_INCOMPLETE;
	if (r->by_exit[EXIT_FINDING])
		return EXIT_FINDING;
	/* Only bad names, no domain: nothing was checked. */
	if (r->domains.bad && r->domains.started == 0)
		return EXIT_USAGE;
	return EXIT_AGREE;
}

/* The checks on one loop with the tables they share.  Returns the exit
 * status. */
static int run_checks(struct run *r)
{
	char err[512];
	int status;
	if (uv_loop_init(&r->loop) < 0) {
		fprintf(stderr, "resolver-probe dane: %s:%d: no event loop\n",
			__FILE__, __LINE__);
		return EXIT_INCOMPLETE;
	}
	r->o.truth.cache = truth_cache_new(&r->loop, &r->o.truth, err,
		sizeof(err));
	r->o.sessions = dane_sessions_new();
	if (!r->o.truth.cache || !r->o.sessions) {
		fprintf(stderr, "resolver-probe dane: %s\n",
			r->o.truth.cache ? "out of memory" : err);
		status = EXIT_INCOMPLETE;
	} else {
		if (r->domains.argc == 1 && !r->domains.list)
			cmd_waiting("dane", "looking up the MX, addresses and "
				"TLSA records with validation (given up after "
				"%d s), then one SMTP session per address (%u s "
				"each)", r->o.truth.timeout, r->o.timeout);
		fill(r);
		uv_run(&r->loop, UV_RUN_DEFAULT);
		progress(r, true);
		status = run_status(r);
	}
	share_free(r->o.sessions);
	truth_cache_free(r->o.truth.cache);
	r->o.sessions = NULL;
	r->o.truth.cache = NULL;
	uv_run(&r->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&r->loop) != 0)
		fprintf(stderr, "resolver-probe dane: %s:%d: handles left "
			"open\n", __FILE__, __LINE__);
	return status;
}

int cmd_dane(int argc, char **argv)
{
	static struct run r;
	const char *file = NULL, *outpath = NULL;
	memset(&r, 0, sizeof(r));
	dane_opts_init(&r.o);
	r.concurrency = DANE_CONCURRENCY;
	int status = parse_args(argc, argv, &r, &file, &outpath);
	if (status >= 0) {
		domains_close(&r.domains);
		return status;
	}
	r.out = stdout;
	r.out_name = "stdout";
	if (outpath && !(r.out = fopen(outpath, "w"))) {
		fprintf(stderr, "resolver-probe dane: %s: %s\n", outpath,
			strerror(errno));
		domains_close(&r.domains);
		return EXIT_USAGE;
	}
	if (outpath)
		r.out_name = outpath;
	status = run_checks(&r);
	if (r.out != stdout && fclose(r.out) != 0) {
		fprintf(stderr, "resolver-probe dane: %s: %s\n", outpath,
			strerror(errno));
		status = EXIT_INCOMPLETE;
	}
	domains_close(&r.domains);
	return status;
}

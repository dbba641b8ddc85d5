/* cmd_query.c: the 'query' subcommand: ask one resolver one question, print
 * its reply dig-like, the validated truth for the same question, and the
 * verdict of the same validator the scan uses.  Without @RESOLVER only the
 * validated answer is printed, as delv does.  The question goes out through
 * the scan engine (one target, one question), so matching, retries and TCP
 * after TC behave exactly as in a scan. */
#include "config.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <uv.h>
#include <ldns/ldns.h>
#include "common/escape.h"
#include "resolver-probe/commands.h"
#include "common/datafile.h"
#include "common/options.h"
#include "common/json.h"
#include "scan/output.h"
#include "scan/plan.h"
#include "scan/scan.h"
#include "judge/providers.h"
#include "judge/truth.h"
#include "judge/verdict.h"
#include "dnssec/truth_opts.h"
#include "dnssec/truth_resolve.h"
#include "resolver-probe/truth_print.h"

#define QUERY_JSON_MAX (4u << 20)

enum {
	OPT_TCP = 0x2000, OPT_TIMEOUT, OPT_RETRIES, OPT_NO_DNSSEC, OPT_JSON,
	OPT_PORT
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: resolver-probe query [OPTIONS] [@RESOLVER] NAME [TYPE]\n"
"\n"
"Ask RESOLVER (an IPv4 or IPv6 address) the question NAME TYPE (TYPE\n"
"defaults to A; any type ldns knows, or TYPEnnn), and print its reply, the\n"
"DNSSEC-validated truth for the same question from resolver-probe's own\n"
"recursion, and the verdict: correct, falsified, loopback, private,\n"
"bitflip, incomplete (static needs many questions: use scan), with flags\n"
"such as ad-on-false.  Without @RESOLVER only the validated answer and its\n"
"DNSSEC status are printed, as delv does.\n"
"\n"
"  --tcp              ask over TCP (default UDP, TCP after a truncated reply)\n"
"  --port N           the resolver's port (default 53)\n"
"  --timeout SEC      per try (default 2)\n"
"  --retries N        UDP tries after the first (default 2)\n"
"  --no-dnssec        ask without the DO bit\n"
"  --json             one JSON object (reply, truth, verdict)\n"
"  -h, --help         this help\n"
"  --version          print the version and exit\n");
	truth_opts_usage(f);
	fprintf(f,
"\n"
"exit status: 0 the answer agrees with the truth, 1 it does not (a lying\n"
"verdict), 2 usage error, 3 no usable reply (timeout, malformed, refused,\n"
"servfail, no recursion) or no truth to judge it by.\n");
}

/* Everything one query run holds, shared with the callbacks. */
struct qrun {
	uv_loop_t *loop;
	struct prefix resolver;
	bool target_given;
	bool truth_done, scan_done;
	struct observation *obs;	/* the resolver's reply, owned */
};

static int next_target(void *ctx, struct prefix *out)
{
	struct qrun *q = ctx;
	if (q->target_given)
		return 0;
	q->target_given = true;
	*out = q->resolver;
	return 1;
}

static int on_result(void *ctx, struct observation *o)
{
	struct qrun *q = ctx;
	observation_free(q->obs);
	q->obs = o;
	return 0;
}

static void on_scan_done(void *ctx)
{
	((struct qrun *)ctx)->scan_done = true;
}

static void on_truth_done(struct truth_run *r, void *arg)
{
	(void)r;
	((struct qrun *)arg)->truth_done = true;
}

/* The provider whose domain NAME is, or lies under, or -1. */
static int provider_of(const struct truth *t, const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < t->nproviders; i++) {
		const char *d = t->providers[i].domain;
		size_t m = strlen(d) - 1;	/* without the trailing dot */
		if (n >= m && !strncasecmp(name + n - m, d, m) &&
		    (n == m || name[n - m - 1] == '.'))
			return (int)i;
	}
	return -1;
}

/* An address question about a provider's MX host belongs to that
 * provider (its own prefixes then count): find it in the providers' MX
 * truth once resolution is done. */
static void adopt_provider(struct truth *t, struct truth_answer *ta)
{
	if (!ta || ta->provider >= 0 || (ta->qtype != LDNS_RR_TYPE_A &&
	    ta->qtype != LDNS_RR_TYPE_AAAA))
		return;
	ldns_rdf *name = ldns_dname_new_frm_str(ta->qname);
	if (!name)
		return;
	for (size_t i = 0; i < t->nproviders && ta->provider < 0; i++) {
		const struct truth_answer *mx = truth_find(t,
			t->providers[i].domain, LDNS_RR_TYPE_MX);
		for (size_t k = 0; mx && k < ldns_rr_list_rr_count(mx->rrs);
		    k++) {
			const ldns_rdf *ex = ldns_rr_rdf(
				ldns_rr_list_rr(mx->rrs, k), 1);
			if (ex && ldns_dname_compare(ex, name) == 0) {
				ta->provider = (int)i;
				break;
			}
		}
	}
	ldns_rdf_deep_free(name);
}

/* One line to f: prefix, then text from the network (evidence,
 * libunbound's reasons) escaped for a terminal. */
static void line(FILE *f, const char *prefix, const char *text)
{
	fputs(prefix, f);
	escape_text(f, text, strlen(text), ESCAPE_DNS);
	fputc('\n', f);
}

/* The truth answer as delv prints it: its status first. */
static void print_truth(const struct truth_answer *a)
{
	if (!a) {
		printf(";; no validated answer\n");
		return;
	}
	if (a->timed_out)
		printf("; resolution failed: no answer\n");
	else if (a->sec == TRUTH_SEC_SECURE)
		printf("; fully validated\n");
	else if (a->sec == TRUTH_SEC_BOGUS)
		line(stdout, "; validation failed: ", a->why_bogus ?
			a->why_bogus : "bogus");
	else
		printf("; unsigned answer\n");
	truth_answer_print(stdout, a);
}

static unsigned findings_of(const struct verdict *v)
{
	return v->flags & (FLAG_NXDOMAIN_REWRITE | FLAG_AD_ON_FALSE);
}

/* A usable reply with no truth to measure it by: no query was judged, so
 * the class (correct, by default) says nothing and must not be shown. */
static bool unjudged(const struct verdict *v)
{
	return v->class < CLASS_TIMEOUT && v->njudged == 0;
}

/* Why nothing was judged: the first query's evidence ("no truth: ..."). */
static const char *unjudged_why(const struct verdict *v)
{
	return v->nqueries && v->queries[0].evidence ?
		v->queries[0].evidence : "no truth for this question";
}

/* Exit status of a judged reply. */
static int verdict_status(const struct verdict *v)
{
	if (v->class >= CLASS_TIMEOUT)
		return EXIT_INCOMPLETE;
	if (v->njudged == 0)
		return EXIT_INCOMPLETE;
	if (v->class != CLASS_CORRECT || findings_of(v))
		return EXIT_FINDING;
	return EXIT_AGREE;
}

static void print_flags(unsigned flags)
{
	for (unsigned b = 0; b < FLAG_COUNT_BITS; b++)
		if (flags & (1u << b))
			printf(" %s", verdict_flag_str((enum verdict_flag)(1u << b)));
}

static void print_text(const struct qrun *q, const char *qname,
	uint16_t qtype, const struct truth_answer *ta, const struct verdict *v,
	const char *resolver_str)
{
	const struct query_result *r = &q->obs->results[0];
	char *type = ldns_rr_type2str(qtype);

	printf("; <<>> resolver-probe %s <<>> @%s %s %s\n", PACKAGE_VERSION,
		resolver_str, qname, type ? type : "?");
	free(type);
	switch (r->status) {
	case REPLY_OK: {
		/* ldns prints these in dig's footer. */
		ldns_rdf *from = ldns_rdf_new_frm_str(q->resolver.family ==
			AF_INET ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
			resolver_str);
		struct timeval now;
		gettimeofday(&now, NULL);
		ldns_pkt_set_timestamp(r->reply, now);
		ldns_pkt_set_querytime(r->reply, (uint32_t)(r->rtt_ms + 0.5));
		if (from)
			ldns_pkt_set_answerfrom(r->reply, from);
		printf(";; reply over %s after %u tr%s\n",
			r->tcp ? "TCP" : "UDP", r->tries,
			r->tries == 1 ? "y" : "ies");
		ldns_pkt_print(stdout, r->reply);
		break;
	}
	case REPLY_TIMEOUT:
		if (r->tcp_err)	/* as dane says it: "connect: ..." */
			printf(";; no reply from %s: TCP %s: %s\n",
				resolver_str, r->tcp_err == ECONNREFUSED ?
				"connect" : "exchange", uv_strerror(-r->tcp_err));
		else
			printf(";; no reply from %s after %u tr%s\n",
				resolver_str, r->tries, r->tries == 1 ?
				"y" : "ies");
		break;
	case REPLY_MALFORMED:
		printf(";; the only replies from %s were malformed\n",
			resolver_str);
		break;
	}
	if (q->obs->unsolicited)
		printf(";; %u repl%s from elsewhere or with a wrong id or "
			"question were ignored\n", q->obs->unsolicited,
			q->obs->unsolicited == 1 ? "y" : "ies");
	printf("\n;; TRUTH (DNSSEC-validated by resolver-probe):\n");
	print_truth(ta);
	if (v && unjudged(v)) {
		printf("\n;; NO VERDICT: nothing to judge the reply by\n");
		line(stdout, ";; ", unjudged_why(v));
		return;
	}
	printf("\n;; VERDICT: %s", v ? verdict_class_str(v->class) : "?");
	if (v)
		print_flags(v->flags);
	printf("\n");
	if (v && v->nqueries) {
		const struct query_verdict *qv = &v->queries[0];
		line(stdout, ";; ", qv->evidence ? qv->evidence : "");
		if (qv->allowed && (!qv->evidence ||
		    !strstr(qv->evidence, qv->allowed)))
			line(stdout, ";; the truth allows: ", qv->allowed);
	}
}

static int print_json(const struct qrun *q, const struct truth *t,
	const struct truth_answer *ta, const struct verdict *v,
	const char *qname, uint16_t qtype)
{
	struct json j;
	char *type = ldns_rr_type2str(qtype);

	json_init(&j, QUERY_JSON_MAX);
	json_obj_open(&j, NULL);
	json_obj_open(&j, "question");
	json_str(&j, "name", qname);
	json_str(&j, "type", type);
	json_obj_close(&j);
	free(type);
	/* The reply and its verdict exactly as a scan line carries them;
	 * without a truth to judge by, no verdict and the reason why. */
	bool none = v && unjudged(v);
	output_json_object(&j, "result", q->obs, none ? NULL : v, t);
	if (none)
		json_str(&j, "no_verdict", unjudged_why(v));
	if (ta)
		truth_answer_json(&j, "truth", t, ta);
	else
		json_null(&j, "truth");
	json_obj_close(&j);
	int rc = json_write_line(&j, stdout);
	json_clear(&j);
	return rc;
}

int cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		{ "tcp", no_argument, NULL, OPT_TCP },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "no-dnssec", no_argument, NULL, OPT_NO_DNSSEC },
		{ "json", no_argument, NULL, OPT_JSON },
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct scan_opts so = {
		.max_inflight = 1,
		.timeout_ms = SCAN_DEFAULT_TIMEOUT_MS,
		.retries = 2,
		.sockets = 1,
		.quiet = true,
		.progress = stderr,
		.port = 53,
		
	};
	struct truth_opts topts;
	struct qrun q = { 0 };
	struct truth *t = NULL;
	struct truth_run *trun = NULL;
	struct scan *scan = NULL;
	struct special_registry special = { 0 };
	struct plan plan = { 0 };
	struct verdict *v = NULL;
	uv_loop_t loop;
	const char *resolver_str = NULL, *qname = NULL, *typestr = NULL;
	bool json = false;
	uint16_t qtype = LDNS_RR_TYPE_A;
	char err[512];
	long long n;
	int c, status = EXIT_INCOMPLETE;

	truth_opts_init(&topts);
	topts.rounds = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = truth_opts_parse(&topts, c, optarg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "resolver-probe query: %s\n", err);
			return EXIT_USAGE;
		}
		if (r > 0)
			continue;
		switch (c) {
		case CMD_OPT_VERSION:
			return cmd_version();
		case 'h':
			usage(stdout);
			return EXIT_AGREE;
		case OPT_TCP:
			so.tcp_only = true;
			break;
		case OPT_PORT:
			if ((n = option_number(optarg, 1, 65535)) < 0)
				goto bad;
			so.port = (uint16_t)n;
			break;
		case OPT_TIMEOUT:
			if ((n = option_ms(optarg)) < 0)
				goto bad;
			so.timeout_ms = (unsigned)n;
			break;
		case OPT_RETRIES:
			if ((n = option_number(optarg, 0, 20)) < 0)
				goto bad;
			so.retries = (unsigned)n;
			break;
		case OPT_NO_DNSSEC:
			so.no_dnssec = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
		continue;
bad:
		fprintf(stderr, "resolver-probe query: bad value for %s: \"%s\"\n",
			argv[optind - 1], optarg);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '@' && !resolver_str)
			resolver_str = argv[i] + 1;
		else if (!qname)
			qname = argv[i];
		else if (!typestr)
			typestr = argv[i];
		else {
			fprintf(stderr, "resolver-probe query: unexpected "
				"argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!qname) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (typestr && !(qtype = ldns_get_rr_type_by_name(typestr))) {
		fprintf(stderr, "resolver-probe query: unknown type \"%s\"\n",
			typestr);
		return EXIT_USAGE;
	}
	ldns_rdf *dn = ldns_dname_new_frm_str(qname);
	if (!dn) {
		fprintf(stderr, "resolver-probe query: not a domain name: "
			"\"%s\"\n", qname);
		return EXIT_USAGE;
	}
	ldns_rdf_deep_free(dn);
	if (resolver_str) {
		if (prefix_parse(resolver_str, &q.resolver, err,
		    sizeof(err)) < 0 || q.resolver.len !=
		    (q.resolver.family == AF_INET ? 32u : 128u)) {
			fprintf(stderr, "resolver-probe query: @%s is not an IPv4 "
				"or IPv6 address.  Give the resolver's address: "
				"the question must go exactly where you say, so "
				"resolver-probe does not look names up for it.\n",
				resolver_str);
			return EXIT_USAGE;
		}
	}

	if (uv_loop_init(&loop) < 0) {
		fprintf(stderr, "resolver-probe query: cannot start the event "
			"loop\n");
		return EXIT_INCOMPLETE;
	}
	q.loop = &loop;
	if (!(t = truth_new()))
		goto oom;
	bool mail = qtype == LDNS_RR_TYPE_MX || qtype == LDNS_RR_TYPE_A ||
		qtype == LDNS_RR_TYPE_AAAA;
	/* Mail questions are judged with the providers' own prefixes, which
	 * needs the providers' truth too. */
	if (mail && providers_load(t, topts.providers, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		status = EXIT_USAGE;
		goto out;
	}
	if (resolver_str && special_registry_load_default(&special, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		status = EXIT_USAGE;
		goto out;
	}
	if (!(trun = truth_run_new(&loop, t, &topts, err, sizeof(err)))) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		status = EXIT_USAGE;
		goto out;
	}
	int pv = provider_of(t, qname);
	if ((mail && truth_run_add_providers(trun, err, sizeof(err)) < 0) ||
	    truth_run_add(trun, qname, qtype, pv, err, sizeof(err)) < 0 ||
	    truth_run_start(trun, on_truth_done, &q, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		goto out;
	}

	if (resolver_str) {
		plan.items = calloc(1, sizeof(*plan.items));
		if (!plan.items || !(plan.items[0].qname = strdup(qname)))
			goto oom;
		plan.n = 1;
		plan.items[0].qtype = qtype;
		plan.items[0].provider = pv;
		plan.items[0].role = qtype == LDNS_RR_TYPE_MX && pv >= 0 ?
			QUERY_MX : QUERY_OTHER;
		so.plan = &plan;
		so.next_target = next_target;
		so.result = on_result;
		so.done = on_scan_done;
		so.ctx = &q;
		so.total = 1;
		if (!(scan = scan_new(&loop, &so, err, sizeof(err))) ||
		    scan_start(scan, err, sizeof(err)) < 0) {
			fprintf(stderr, "resolver-probe query: %s\n", err);
			goto out;
		}
	} else {
		q.scan_done = true;
	}
	uv_run(&loop, UV_RUN_DEFAULT);

	struct truth_answer *ta = q.truth_done ?
		truth_find(t, qname, qtype) : NULL;
	adopt_provider(t, ta);
	if (!resolver_str) {
		if (json) {
			struct json j;
			json_init(&j, QUERY_JSON_MAX);
			if (ta)
				truth_answer_json(&j, NULL, t, ta);
			else
				json_null(&j, NULL);
			json_write_line(&j, stdout);
			json_clear(&j);
		} else {
			print_truth(ta);
		}
		if (!ta || ta->timed_out)
			status = EXIT_INCOMPLETE;
		else if (ta->sec == TRUTH_SEC_BOGUS)
			status = EXIT_FINDING;
		else
			status = EXIT_AGREE;
		goto out;
	}
	if (!q.obs || q.obs->n == 0) {
		fprintf(stderr, "resolver-probe query: no result from the "
			"engine\n");
		goto out;
	}
	struct verdict_ctx vctx = { .truth = t, .special = &special };
	if (!(v = verdict_classify_one(&vctx, q.obs, 0)))
		goto oom;
	/* Without the DO bit no signatures were asked for. */
	if (so.no_dnssec) {
		v->flags &= ~(unsigned)FLAG_DNSSEC_STRIPPED;
		v->queries[0].flags &= ~(unsigned)FLAG_DNSSEC_STRIPPED;
	}
	status = verdict_status(v);
	if (unjudged(v))
		line(stderr, "resolver-probe query: no verdict: ",
			unjudged_why(v));
	if (json) {
		if (print_json(&q, t, ta, v, qname, qtype) < 0)
			fprintf(stderr, "resolver-probe query: reply too large "
				"for JSON output\n");
	} else {
		print_text(&q, qname, qtype, ta, v, resolver_str);
	}
	goto out;
oom:
	fprintf(stderr, "resolver-probe query: out of memory\n");
	status = EXIT_INCOMPLETE;
out:
	verdict_free(v);
	if (scan)
		scan_free(scan);
	truth_run_free(trun);
	uv_run(&loop, UV_RUN_DEFAULT);	/* let closing handles finish */
	uv_loop_close(&loop);
	plan_clear(&plan);
	observation_free(q.obs);
	special_registry_clear(&special);
	truth_free(t);
	fflush(stdout);
	return status;
}

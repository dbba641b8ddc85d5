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
#include "common/dnsname.h"
#include "scan/output.h"
#include "scan/plan.h"
#include "scan/scan.h"
#include "validator/providers.h"
#include "validator/truth.h"
#include "validator/verdict.h"
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
"      --tcp             ask over TCP (default UDP, TCP after a truncated\n"
"                        reply)\n"
"      --port N          the resolver's port (default 53)\n"
"      --timeout SEC     per try (default 2)\n"
"      --retries N       UDP tries after the first (default 2)\n"
"      --no-dnssec       ask without the DO bit\n"
"      --json            one JSON object (reply, truth, verdict)\n"
"  -h, --help            this help\n"
"      --version         print the version and exit\n");
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
	char type[DNS_TYPE_STRLEN];

	printf("; <<>> resolver-probe %s <<>> @%s %s %s\n", PACKAGE_VERSION,
		resolver_str, qname, dns_type_str(qtype, type, sizeof(type)));
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
	char tb[DNS_TYPE_STRLEN];
	const char *type = dns_type_str(qtype, tb, sizeof(tb));

	json_init(&j, QUERY_JSON_MAX);
	json_obj_open(&j, NULL);
	json_obj_open(&j, "question");
	json_str(&j, "name", qname);
	json_str(&j, "type", type);
	json_obj_close(&j);
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

/* The command line of one query. */
struct qargs {
	struct scan_opts so;
	struct truth_opts topts;
	const char *resolver_str, *qname, *typestr;
	uint16_t qtype;
	bool json;
	struct prefix resolver;
};

/* Parse the options into a.  Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct qargs *a)
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
	long long n;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int r = cmd_truth_opt("query", &a->topts, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_TCP:
			a->so.tcp_only = true;
			break;
		case OPT_PORT:
			if ((n = option_number(optarg, 1, 65535)) < 0)
				goto bad;
			a->so.port = (uint16_t)n;
			break;
		case OPT_TIMEOUT:
			if ((n = option_ms(optarg)) < 0)
				goto bad;
			a->so.timeout_ms = (unsigned)n;
			break;
		case OPT_RETRIES:
			if ((n = option_number(optarg, 0, 20)) < 0)
				goto bad;
			a->so.retries = (unsigned)n;
			break;
		case OPT_NO_DNSSEC:
			a->so.no_dnssec = true;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		default:
			return cmd_opt_end(c, argv, usage);
		}
		continue;
bad:
		fprintf(stderr, "resolver-probe query: bad value for %s: \"%s\"\n",
			argv[optind - 1], optarg);
		return EXIT_USAGE;
	}
	return -1;
}

/* The operands: [@RESOLVER] NAME [TYPE], checked.  Returns -1 to go on, or
 * the exit status. */
static int parse_question(int argc, char **argv, struct qargs *a)
{
	char err[512];
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '@' && !a->resolver_str)
			a->resolver_str = argv[i] + 1;
		else if (!a->qname)
			a->qname = argv[i];
		else if (!a->typestr)
			a->typestr = argv[i];
		else {
			fprintf(stderr, "resolver-probe query: unexpected "
				"argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!a->qname) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (a->typestr &&
	    !(a->qtype = ldns_get_rr_type_by_name(a->typestr))) {
		fprintf(stderr, "resolver-probe query: unknown type \"%s\"\n",
			a->typestr);
		return EXIT_USAGE;
	}
	ldns_rdf *dn = ldns_dname_new_frm_str(a->qname);
	if (!dn) {
		fprintf(stderr, "resolver-probe query: not a domain name: "
			"\"%s\"\n", a->qname);
		return EXIT_USAGE;
	}
	ldns_rdf_deep_free(dn);
	if (a->resolver_str && (prefix_parse(a->resolver_str, &a->resolver,
	    err, sizeof(err)) < 0 || a->resolver.len !=
	    (a->resolver.family == AF_INET ? 32u : 128u))) {
		fprintf(stderr, "resolver-probe query: @%s is not an IPv4 "
			"or IPv6 address.  Give the resolver's address: "
			"the question must go exactly where you say, so "
			"resolver-probe does not look names up for it.\n",
			a->resolver_str);
		return EXIT_USAGE;
	}
	return -1;
}

/* Everything a query run owns, freed by query_clear. */
struct qstate {
	uv_loop_t loop;
	bool loop_ok;
	struct qrun q;
	struct truth *t;
	struct truth_run *trun;
	struct scan *scan;
	struct special_registry special;
	struct plan plan;
	struct verdict *v;
	int pv;			/* the question's provider, -1 none */
};

/* Load what judging needs and start the validated resolution of the
 * question (and, for mail questions, of the providers).  Returns -1 to go
 * on, or the exit status (message printed). */
static int start_truth(const struct qargs *a, struct qstate *st)
{
	char err[512];
	if (!(st->t = truth_new())) {
		fprintf(stderr, "resolver-probe query: out of memory\n");
		return EXIT_INCOMPLETE;
	}
	bool mail = a->qtype == LDNS_RR_TYPE_MX ||
		a->qtype == LDNS_RR_TYPE_A || a->qtype == LDNS_RR_TYPE_AAAA;
	/* Mail questions are judged with the providers' own prefixes, which
	 * needs the providers' truth too. */
	if (mail && providers_load(st->t, a->topts.providers, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		return EXIT_USAGE;
	}
	if (a->resolver_str && special_registry_load_default(&st->special,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		return EXIT_USAGE;
	}
	if (!(st->trun = truth_run_new(&st->loop, st->t, &a->topts, err,
	    sizeof(err)))) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		return EXIT_USAGE;
	}
	st->pv = provider_of(st->t, a->qname);
	if ((mail && truth_run_add_providers(st->trun, err, sizeof(err)) < 0) ||
	    truth_run_add(st->trun, a->qname, a->qtype, st->pv, err,
	    sizeof(err)) < 0 ||
	    truth_run_start(st->trun, on_truth_done, &st->q, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		return EXIT_INCOMPLETE;
	}
	return -1;
}

static void on_scan_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "resolver-probe query: %s\n", msg);
}

/* Send the question to the resolver through the scan engine (a plan of
 * one).  Returns -1 to go on, or the exit status (message printed). */
static int start_question(struct qargs *a, struct qstate *st)
{
	char err[512];
	struct plan *plan = &st->plan;
	plan->items = calloc(1, sizeof(*plan->items));
	if (!plan->items || !(plan->items[0].qname = strdup(a->qname))) {
		fprintf(stderr, "resolver-probe query: out of memory\n");
		return EXIT_INCOMPLETE;
	}
	plan->n = 1;
	plan->items[0].qtype = a->qtype;
	plan->items[0].provider = st->pv;
	plan->items[0].role = a->qtype == LDNS_RR_TYPE_MX && st->pv >= 0 ?
		QUERY_MX : QUERY_OTHER;
	a->so.plan = plan;
	a->so.next_target = next_target;
	a->so.result = on_result;
	a->so.done = on_scan_done;
	a->so.note = on_scan_note;
	a->so.ctx = &st->q;
	a->so.total = 1;
	if (!(st->scan = scan_new(&st->loop, &a->so, err, sizeof(err))) ||
	    scan_start(st->scan, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe query: %s\n", err);
		return EXIT_INCOMPLETE;
	}
	return -1;
}

/* Without a resolver: the validated answer alone, as delv prints it. */
static int report_truth(const struct qargs *a, const struct truth *t,
	const struct truth_answer *ta)
{
	if (a->json) {
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
		return EXIT_INCOMPLETE;
	return ta->sec == TRUTH_SEC_BOGUS ? EXIT_FINDING : EXIT_AGREE;
}

/* The resolver's reply judged against the truth, printed. */
static int report_verdict(const struct qargs *a, struct qstate *st,
	const struct truth_answer *ta)
{
	if (!st->q.obs || st->q.obs->n == 0) {
		fprintf(stderr, "resolver-probe query: no result from the "
			"engine\n");
		return EXIT_INCOMPLETE;
	}
	struct verdict_ctx vctx = { .truth = st->t, .special = &st->special };
	if (!(st->v = verdict_classify_one(&vctx, st->q.obs, 0))) {
		fprintf(stderr, "resolver-probe query: out of memory\n");
		return EXIT_INCOMPLETE;
	}
	/* Without the DO bit no signatures were asked for. */
	if (a->so.no_dnssec) {
		st->v->flags &= ~(unsigned)FLAG_DNSSEC_STRIPPED;
		st->v->queries[0].flags &= ~(unsigned)FLAG_DNSSEC_STRIPPED;
	}
	int status = verdict_status(st->v);
	if (unjudged(st->v))
		line(stderr, "resolver-probe query: no verdict: ",
			unjudged_why(st->v));
	if (a->json) {
		if (print_json(&st->q, st->t, ta, st->v, a->qname,
		    a->qtype) < 0)
			fprintf(stderr, "resolver-probe query: reply too large "
				"for JSON output\n");
	} else {
		print_text(&st->q, a->qname, a->qtype, ta, st->v,
			a->resolver_str);
	}
	return status;
}

static void query_clear(struct qstate *st)
{
	verdict_free(st->v);
	if (st->scan)
		scan_free(st->scan);
	truth_run_free(st->trun);
	if (st->loop_ok) {
		uv_run(&st->loop, UV_RUN_DEFAULT);	/* let closing handles
							 * finish */
		uv_loop_close(&st->loop);
	}
	plan_clear(&st->plan);
	observation_free(st->q.obs);
	special_registry_clear(&st->special);
	truth_free(st->t);
	fflush(stdout);
}

int cmd_query(int argc, char **argv)
{
	struct qargs a = {
		.so = {
			.max_inflight = 1,
			.timeout_ms = SCAN_DEFAULT_TIMEOUT_MS,
			.retries = 2,
			.sockets = 1,
			.quiet = true,
			.progress = stderr,
			.port = 53,
		},
		.qtype = LDNS_RR_TYPE_A,
	};
	truth_opts_init(&a.topts);
	a.topts.rounds = 1;
	int status = parse_options(argc, argv, &a);
	if (status < 0)
		status = parse_question(argc, argv, &a);
	if (status >= 0)
		return status;

	struct qstate st = { .pv = -1 };
	if (uv_loop_init(&st.loop) < 0) {
		fprintf(stderr, "resolver-probe query: cannot start the event "
			"loop\n");
		return EXIT_INCOMPLETE;
	}
	st.loop_ok = true;
	st.q.loop = &st.loop;
	st.q.resolver = a.resolver;
	status = start_truth(&a, &st);
	if (status < 0 && a.resolver_str)
		status = start_question(&a, &st);
	else if (status < 0)
		st.q.scan_done = true;
	if (status < 0) {
		cmd_waiting("query", "%s%s%s the validated truth from the root "
			"hints (given up after %d s)", a.resolver_str ?
			"asking " : "", a.resolver_str ? a.resolver_str : "",
			a.resolver_str ? " and resolving" : "resolving",
			a.topts.timeout);
		uv_run(&st.loop, UV_RUN_DEFAULT);
		struct truth_answer *ta = st.q.truth_done ?
			truth_find(st.t, a.qname, a.qtype) : NULL;
		adopt_provider(st.t, ta);
		status = a.resolver_str ? report_verdict(&a, &st, ta) :
			report_truth(&a, st.t, ta);
	}
	query_clear(&st);
	return status;
}

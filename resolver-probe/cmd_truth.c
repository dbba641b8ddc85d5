/* cmd_truth.c: the 'truth' subcommand: resolve the providers' mail names
 * with DNSSEC validation and print the ground truth (dig-like or JSON). */
#include "config.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>
#include "common/escape.h"
#include "resolver-probe/commands.h"
#include "common/json.h"
#include "validator/truth.h"
#include "dnssec/truth_opts.h"
#include "dnssec/truth_resolve.h"
#include "resolver-probe/truth_print.h"

/* Big enough for a truth of thousands of records; the cap keeps a hostile
 * zone from growing the document without bound. */
#define TRUTH_JSON_MAX (16u << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: resolver-probe truth [OPTIONS] [NAME [TYPE]]...\n\n"
		"Resolve each provider's MX, the MX hosts' A and AAAA, a control\n"
		"name and a random name under the nxdomain zone with DNSSEC\n"
		"validation (libunbound, own recursion from the root hints), over\n"
		"several rounds, and print the union: the ground truth.  With\n"
		"NAME [TYPE] arguments (as dig: TYPE defaults to A, MX also\n"
		"resolves the exchanges), resolve those instead of the providers.\n\n"
		"      --json            one JSON document instead of text\n"
		"  -h, --help            this help\n"
		"      --version         print the version and exit\n");
	truth_opts_usage(f);
	fprintf(f, "\nexit status: 0 every provider (or NAME) resolved, 1 some "
		"did not\n(bogus, SERVFAIL, timeout) or a control check failed, "
		"2 usage or\ninput file error, 3 no answer at all (no root server "
		"reachable).\n");
}

struct ctx {
	bool done;
};

static void on_done(struct truth_run *run, void *arg)
{
	struct ctx *c = arg;

	(void)run;
	c->done = true;
}

/* Does the control name check out?  It must resolve (NOERROR, records),
 * not bogus.  Writes the problem into why. */
static bool control_ok(const struct truth *t, char *why, size_t len)
{
	const struct truth_answer *a;

	if (!t->control_name)
		return true;
	a = truth_find(t, t->control_name, t->control_type);
	if (!a || a->timed_out)
		snprintf(why, len, "control %s: no answer", t->control_name);
	else if (a->sec == TRUTH_SEC_BOGUS)
		snprintf(why, len, "control %s: bogus: %s", t->control_name,
			a->why_bogus ? a->why_bogus : "");
	else if (a->rcode != LDNS_RCODE_NOERROR ||
	    ldns_rr_list_rr_count(a->rrs) == 0)
		snprintf(why, len, "control %s: no records (rcode %d)",
			t->control_name, a->rcode);
	else
		return true;
	return false;
}

/* Did the random name come back NXDOMAIN (and not bogus)? */
static bool nxdomain_ok(const struct truth *t, const char *name, char *why,
	size_t len)
{
	const struct truth_answer *a;

	if (!name)
		return true;
	a = truth_find(t, name, LDNS_RR_TYPE_A);
	if (!a || a->timed_out)
		snprintf(why, len, "nxdomain check %s: no answer", name);
	else if (a->sec == TRUTH_SEC_BOGUS)
		snprintf(why, len, "nxdomain check %s: bogus: %s", name,
			a->why_bogus ? a->why_bogus : "");
	else if (a->rcode != LDNS_RCODE_NXDOMAIN)
		snprintf(why, len, "nxdomain check %s: rcode %d, expected "
			"NXDOMAIN", name, a->rcode);
	else
		return true;
	return false;
}

/* NAME [TYPE] pairs as dig takes them: a word that is a type name applies
 * to the name before it; a name without one is asked for A. */
static int add_questions(struct truth_run *run, int n, char **args,
	char *err, size_t errlen)
{
	for (int i = 0; i < n; ) {
		const char *name = args[i++];
		uint16_t type = LDNS_RR_TYPE_A;

		if (i < n && ldns_get_rr_type_by_name(args[i]) != 0)
			type = (uint16_t)ldns_get_rr_type_by_name(args[i++]);
		if (truth_run_add(run, name, type, -1, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* A question's answer is usable truth: it resolved (a name that does not
 * exist and a type without data are answers) and is not bogus. */
static bool answer_ok(const struct truth_answer *a)
{
	return !a->timed_out && a->sec != TRUTH_SEC_BOGUS &&
		(a->rcode == LDNS_RCODE_NOERROR ||
		 a->rcode == LDNS_RCODE_NXDOMAIN);
}

static void print_text(const struct truth *t, const char *nxname)
{
	for (size_t p = 0; p < t->nproviders; p++) {
		const struct provider *pv = &t->providers[p];
		printf(";; provider %s %s%s", pv->domain,
			pv->usable ? "usable" : "UNUSABLE",
			pv->usable ? "" : ": ");
		if (!pv->usable && pv->why_unusable)
			escape_text(stdout, pv->why_unusable,
				strlen(pv->why_unusable), ESCAPE_DNS);
		putchar('\n');
		for (size_t i = 0; i < t->nanswers; i++)
			if (t->answers[i]->provider == (int)p)
				truth_answer_print(stdout, t->answers[i]);
		printf("\n");
	}
	for (size_t i = 0; i < t->nanswers; i++) {
		const struct truth_answer *a = t->answers[i];
		if (a->provider >= 0)
			continue;
		if (t->control_name && a->qtype == t->control_type &&
		    truth_find(t, t->control_name, t->control_type) == a)
			printf(";; control\n");
		else if (nxname && truth_find(t, nxname, LDNS_RR_TYPE_A) == a)
			printf(";; nxdomain check (random name under %s)\n",
				t->nxdomain_zone);
		truth_answer_print(stdout, a);
		printf("\n");
	}
}

static int print_json(const struct truth *t, const char *nxname,
	bool complete, const char *problem)
{
	struct json j;
	int rc;

	json_init(&j, TRUTH_JSON_MAX);
	json_obj_open(&j, NULL);
	json_bool(&j, "complete", complete);
	json_str(&j, "problem", problem && *problem ? problem : NULL);
	json_arr_open(&j, "providers");
	for (size_t p = 0; p < t->nproviders; p++) {
		const struct provider *pv = &t->providers[p];
		json_obj_open(&j, NULL);
		json_str(&j, "domain", pv->domain);
		json_bool(&j, "usable", pv->usable);
		json_str(&j, "why_unusable", pv->why_unusable);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_str(&j, "control_name", t->control_name);
	json_str(&j, "nxdomain_name", nxname);
	json_arr_open(&j, "answers");
	for (size_t i = 0; i < t->nanswers; i++)
		truth_answer_json(&j, NULL, t, t->answers[i]);
	json_arr_close(&j);
	json_obj_close(&j);
	rc = json_write_line(&j, stdout);
	json_clear(&j);
	return rc;
}

int cmd_truth(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct truth_opts o;
	struct truth *t = NULL;
	struct truth_run *run = NULL;
	struct ctx c = { false };
	uv_loop_t loop;
	bool json = false, loop_ok = false, questions = false;
	char err[1024], problem[1024] = "";
	int opt, status = EXIT_AGREE;

	truth_opts_init(&o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int r = cmd_truth_opt("truth", &o, opt, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (opt) {
		case 'j':
			json = true;
			break;
		default:
			return cmd_opt_end(opt, argv, usage);
		}
	}
	t = truth_new();
	if (!t || uv_loop_init(&loop) != 0) {
		fprintf(stderr, "resolver-probe truth: out of memory\n");
		truth_free(t);
		return EXIT_INCOMPLETE;
	}
	loop_ok = true;
	if (optind < argc) {
		questions = true;
		run = truth_run_new(&loop, t, &o, err, sizeof(err));
		if (!run || add_questions(run, argc - optind, argv + optind,
		    err, sizeof(err)) < 0 ||
		    truth_run_start(run, on_done, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "resolver-probe truth: %s\n", err);
			status = EXIT_USAGE;
			goto out;
		}
	} else {
		run = truth_resolve_start(&loop, t, &o, on_done, &c, err,
			sizeof(err));
		if (!run) {
			fprintf(stderr, "resolver-probe truth: %s\n", err);
			status = EXIT_USAGE;
			goto out;
		}
	}
	cmd_waiting("truth", "resolving from the root hints with validation "
		"(%d round%s, each given up after %d s)", o.rounds,
		PLURAL(o.rounds), o.timeout);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (!c.done || truth_run_status(run, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe truth: %s\n",
			c.done ? err : "resolution did not finish");
		snprintf(problem, sizeof(problem), "%s", c.done ? err :
			"resolution did not finish");
		status = EXIT_INCOMPLETE;
	} else if (questions) {
		for (size_t i = 0; i < t->nanswers; i++)
			if (!answer_ok(t->answers[i]))
				status = EXIT_FINDING;
	} else {
		char why[600];
		for (size_t p = 0; p < t->nproviders; p++)
			if (!t->providers[p].usable) {
				const char *w = t->providers[p].why_unusable ?
					t->providers[p].why_unusable : "";
				fprintf(stderr, "resolver-probe truth: provider "
					"%s unusable: ", t->providers[p].domain);
				escape_text(stderr, w, strlen(w), ESCAPE_DNS);
				fputc('\n', stderr);
				status = EXIT_FINDING;
			}
		if (!control_ok(t, why, sizeof(why)) ||
		    !nxdomain_ok(t, truth_run_nxdomain_name(run), why,
		    sizeof(why))) {
			fprintf(stderr, "resolver-probe truth: %s\n", why);
			snprintf(problem, sizeof(problem), "%s", why);
			status = EXIT_FINDING;
		}
	}
	if (json) {
		if (print_json(t, truth_run_nxdomain_name(run),
		    status == EXIT_AGREE, problem) < 0) {
			fprintf(stderr, "resolver-probe truth: cannot write "
				"the JSON output\n");
			status = EXIT_INCOMPLETE;
		}
	} else {
		print_text(t, truth_run_nxdomain_name(run));
	}
out:
	truth_run_free(run);
	if (loop_ok) {
		/* Let closing handles finish before the loop goes. */
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
	}
	truth_free(t);
	return status;
}

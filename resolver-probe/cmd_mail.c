/* cmd_mail.c: the 'mail' subcommand: the mail transport security of one
 * domain or many (DNSSEC, DANE, MTA-STS, TLS-RPT, SPF, DMARC, STARTTLS),
 * checked concurrently on one loop; JSON Lines for machines, a text layout
 * for one domain on a terminal. */
#include "config.h"
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <uv.h>
#include "resolver-probe/commands.h"
#include "resolver-probe/domains.h"
#include "common/options.h"
#include "common/json.h"
#include "common/share.h"
#include "resolver-probe/mail_print.h"
#include "dnssec/truth_opts.h"
#include "dnssec/truth_resolve.h"
#include "mail/check.h"
#include "mail/survey.h"

/* Domains checked at once by default: a survey's lookups wait on the
 * network, so hundreds in flight keep it busy; each costs a small,
 * bounded state (the servers and the cache are shared). */
#define MAIL_CONCURRENCY 256

static void usage(FILE *f)
{
	fprintf(f,
"usage: resolver-probe mail [OPTIONS] DOMAIN...\n"
"       resolver-probe mail [OPTIONS] -f FILE\n"
"\n"
"Check the mail transport security of each DOMAIN, on validated DNS:\n"
"DNSSEC (the status of every lookup), DANE (as 'dane' does), MTA-STS (the\n"
"_mta-sts record, the policy fetched over HTTPS from mta-sts.DOMAIN with\n"
"its certificate, Content-Type and syntax, every MX against its\n"
"patterns), TLS-RPT, SPF (the record, the 10-lookup and 2-void-lookup\n"
"limits through include, redirect, a, mx and exists), DMARC (at the\n"
"domain or its organizational domain) and STARTTLS at every MX address\n"
"(TLS versions, cipher, DH group size, certificate chain, name, expiry).\n"
"\n"
"  -f, --file FILE       domains, one a line ('#' comments; - for stdin)\n"
"  -o, --output FILE     write the JSON Lines to FILE (default stdout)\n"
"      --resume FILE     skip domains already in FILE, append the rest\n"
"      --previous FILE   an earlier survey: a policy that changed while\n"
"                        its MTA-STS id did not is a finding\n"
"      --json            JSON Lines even for one domain on a terminal\n"
"      --text            the text layout (one domain)\n"
"  -c, --concurrency N   domains checked at once (default 256)\n"
"  -p, --port N          SMTP port (default 25)\n"
"      --https-port N    MTA-STS policy port (default 443)\n"
"  -t, --timeout S       seconds per SMTP session and HTTPS fetch (30);\n"
"                        an address's STARTTLS check is up to 6 sessions\n"
"                        in turn; DNS lookups are bounded by\n"
"                        --truth-timeout\n"
"      --helo NAME       the EHLO name (default localhost)\n"
"      --ca-file FILE    trust anchors for MTA-STS and STARTTLS\n"
"                        certificates (default: the system store)\n"
"      --psl FILE        Public Suffix List (default: libpsl's)\n"
"      --no-tls-versions\n"
"                        do not probe each TLS version and DHE\n"
"      --progress        a progress line on stderr (default when stderr\n"
"                        is a terminal and there are many domains)\n"
"  -h, --help            this help\n"
"      --version         print the version and exit\n");
	truth_opts_usage(f);
	fprintf(f,
"\nEach check: pass, warn, none, fail or error, with its evidence; each\n"
"domain: protected, no-mail (a null MX, nothing else wrong), weak, broken\n"
"or incomplete.\n"
"exit status: 0 every domain protected or no-mail, 1 a finding (weak or\n"
"broken), 2 usage, 3 a domain could not be checked.\n");
}

/* The run: domains come from argv or a file, a few at a time. */
struct run {
	uv_loop_t loop;
	struct mail_opts o;
	void *psl;
	char **argv;		/* the DOMAIN arguments */
	int argc;
	struct domains domains;
	FILE *out;
	const char *out_name;
	bool text;
	unsigned concurrency, running;
	unsigned long done;
	unsigned long counts[MAIL_OVERALL_COUNT];
	bool write_failed, progress;
	char **skip;		/* --resume: domains already done, sorted */
	size_t nskip;
	struct mail_previous *prev;	/* --previous, sorted */
	size_t nprev;
	struct json j;
};

/* The status line: domains, then what was shared: mail servers probed
 * once for every domain that uses them, and the validating cache's
 * lookups. */
static void progress(struct run *r, bool last)
{
	struct share_stats ps = { 0 };
	struct truth_cache_stats ts = { 0 };
	if (!r->progress)
		return;
	if (r->o.probes)
		share_stats(r->o.probes, &ps);
	if (r->o.dane.truth.cache)
		truth_cache_stats(r->o.dane.truth.cache, &ts);
	fprintf(stderr, "\r%lu done, %u running: %lu protected, %lu no-mail, "
		"%lu weak, %lu broken, %lu incomplete; %lu mail servers probed "
		"for %lu; %lu lookups, %lu retried, %lu failed%s", r->done,
		r->running, r->counts[MAIL_PROTECTED], r->counts[MAIL_NO_MAIL],
		r->counts[MAIL_WEAK],
		r->counts[MAIL_BROKEN], r->counts[MAIL_INCOMPLETE], ps.made,
		ps.made + ps.shared, ts.asked, ts.retried, ts.failed,
		last ? "\n" : "");
}

static void fill(struct run *r);

static void on_done(struct mail_check *c, void *arg)
{
	struct run *r = arg;
	const struct mail_result *res = mail_check_result(c);
	enum mail_overall ov = res->overall;
	r->counts[ov]++;
	r->done++;
	r->running--;
	if (r->text)
		mail_result_print(r->out, res);
	else {
		json_reset(&r->j);
		mail_result_json(&r->j, res);
		if (!r->write_failed && json_write_line(&r->j, r->out) < 0) {
			fprintf(stderr, "resolver-probe mail: write to %s "
				"failed\n", r->out_name);
			r->write_failed = true;
		}
		fflush(r->out);
	}
	mail_check_free(c);
	progress(r, false);
	fill(r);
}

static int start_one(const char *domain, void *arg, char *err,
	size_t errlen)
{
	struct run *r = arg;
	struct mail_check *c = mail_check_start(&r->loop, domain, &r->o,
		r->psl, on_done, r, err, errlen);
	if (!c)
		return -1;
	const struct mail_previous *p = mail_previous_find(r->prev, r->nprev,
		mail_check_result(c)->domain);
	if (p)
		mail_check_set_previous(c, p->id, p->sha256);
	return 0;
}

/* Start checks until concurrency is reached or the domains run out. */
static void fill(struct run *r)
{
	domains_start(&r->domains, &r->running, r->write_failed ? 0 :
		r->concurrency, start_one, r);
}

/* --resume: the domains of FILE's complete lines; a torn last line is
 * cut off.  Returns 0 or -1 (message printed). */
static int read_resume(struct run *r, const char *path)
{
	char err[512];
	size_t good = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "resolver-probe mail: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	int rc = mail_survey_domains(f, path, &r->skip, &r->nskip, &good, err,
		sizeof(err));
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "resolver-probe mail: %s\n", err);
		return -1;
	}
	if (truncate(path, (off_t)good) < 0) {
		fprintf(stderr, "resolver-probe mail: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* What the command line asked for, beyond the run's own settings. */
struct args {
	const char *file, *outpath, *resume, *previous;
	bool json, text, progress;
};

/* Options into r->o and a.  Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct run *r, struct args *a)
{
	enum { O_JSON = 0x2000, O_TEXT, O_HTTPS, O_CA, O_PSL,
		O_NOVER, O_RESUME, O_PROGRESS, O_PREVIOUS };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "previous", required_argument, NULL, O_PREVIOUS },
		{ "json", no_argument, NULL, O_JSON },
		{ "text", no_argument, NULL, O_TEXT },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "https-port", required_argument, NULL, O_HTTPS },
		{ "timeout", required_argument, NULL, 't' },
		{ "helo", required_argument, NULL, CMD_OPT_HELO },
		{ "ca-file", required_argument, NULL, O_CA },
		{ "psl", required_argument, NULL, O_PSL },
		{ "no-tls-versions", no_argument, NULL, O_NOVER },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long n;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":f:o:c:p:t:h", longopts,
	    NULL)) != -1) {
		int t = cmd_truth_opt("mail", &r->o.dane.truth, ch, optarg);
		if (t == 0)
			t = cmd_smtp_opt("mail", &r->o.dane, ch, optarg);
		if (t < 0)
			return EXIT_USAGE;
		/* One --timeout for the SMTP sessions and the HTTPS fetch. */
		if (t > 0 && ch == 't')
			r->o.timeout = r->o.dane.timeout;
		if (t > 0)
			continue;
		switch (ch) {
		case 'f': a->file = optarg; break;
		case 'o': a->outpath = optarg; break;
		case O_RESUME: a->resume = optarg; break;
		case O_PREVIOUS: a->previous = optarg; break;
		case O_JSON: a->json = true; break;
		case O_TEXT: a->text = true; break;
		case O_PROGRESS: a->progress = true; break;
		case O_CA: r->o.ca_file = optarg; break;
		case O_PSL: r->o.psl_file = optarg; break;
		case O_NOVER: r->o.no_tls_versions = true; break;
		case 'c':
			if ((n = option_number(optarg, 1, 1024)) < 0) {
				fprintf(stderr, "resolver-probe mail: "
					"--concurrency: want 1..1024: \"%s\"\n",
					optarg);
				return EXIT_USAGE;
			}
			r->concurrency = (unsigned)n;
			break;
		case O_HTTPS:
			if (cmd_port_arg("mail", "--https-port", optarg,
			    &r->o.https_port) < 0)
				return EXIT_USAGE;
			break;
		default:
			return cmd_opt_end(ch, argv, usage);
		}
	}
	r->argv = argv + optind;
	r->argc = argc - optind;
	return -1;
}

/* The rules between options, and the files they name.  Returns -1 to go
 * on, or EXIT_USAGE (said why). */
static int check_args(struct run *r, const struct args *a)
{
	char err[512];
	if ((r->argc == 0) == (a->file == NULL)) {
		fprintf(stderr, "resolver-probe mail: give DOMAIN... or -f "
			"FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (a->json && a->text) {
		fprintf(stderr, "resolver-probe mail: --json or --text, not "
			"both\n");
		return EXIT_USAGE;
	}
	if (a->resume && a->outpath) {
		fprintf(stderr, "resolver-probe mail: --resume FILE is the "
			"output: no -o with it\n");
		return EXIT_USAGE;
	}
	if (a->text && (a->file || r->argc > 1 || a->resume)) {
		fprintf(stderr, "resolver-probe mail: --text is for one "
			"domain\n");
		return EXIT_USAGE;
	}
	if (truth_opts_check(&r->o.dane.truth, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe mail: %s\n", err);
		return EXIT_USAGE;
	}
	if (r->o.ca_file && access(r->o.ca_file, R_OK) < 0) {
		fprintf(stderr, "resolver-probe mail: --ca-file %s: %s\n",
			r->o.ca_file, strerror(errno));
		return EXIT_USAGE;
	}
	return -1;
}

/* Open what the run reads and writes: the PSL, the domain list, the
 * previous survey, the resumed or new output.  Returns -1 to go on, or
 * EXIT_USAGE (said why; run_clear frees what was opened). */
static int open_files(struct run *r, const struct args *a)
{
	char err[512];
	r->psl = mail_psl_load(r->o.psl_file, err, sizeof(err));
	if (!r->psl) {
		fprintf(stderr, "resolver-probe mail: %s\n", err);
		return EXIT_USAGE;
	}
	if (domains_open(&r->domains, "mail", r->argv, r->argc, a->file, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe mail: %s\n", err);
		return EXIT_USAGE;
	}
	if (a->previous) {
		FILE *pf = fopen(a->previous, "r");
		if (!pf || mail_survey_previous(pf, a->previous, &r->prev,
		    &r->nprev, err, sizeof(err)) < 0) {
			fprintf(stderr, "resolver-probe mail: %s\n", pf ? err :
				strerror(errno));
			if (pf)
				fclose(pf);
			return EXIT_USAGE;
		}
		fclose(pf);
	}
	if (a->resume && read_resume(r, a->resume) < 0)
		return EXIT_USAGE;
	r->domains.skip = r->skip;
	r->domains.nskip = r->nskip;
	r->out = stdout;
	r->out_name = "stdout";
	if (a->resume || a->outpath) {
		r->out_name = a->resume ? a->resume : a->outpath;
		r->out = fopen(r->out_name, a->resume ? "a" : "w");
		if (!r->out) {
			fprintf(stderr, "resolver-probe mail: %s: %s\n",
				r->out_name, strerror(errno));
			return EXIT_USAGE;
		}
	}
	return -1;
}

/* The checks on one loop with the tables they share (the validating
 * cache, DANE sessions, STARTTLS probes).  Returns -1 when they ran, or
 * EXIT_INCOMPLETE (said why). */
static int run_checks(struct run *r)
{
	char err[512];
	int status = -1;
	if (uv_loop_init(&r->loop) < 0) {
		fprintf(stderr, "resolver-probe mail: no event loop\n");
		return EXIT_INCOMPLETE;
	}
	r->o.dane.truth.cache = truth_cache_new(&r->loop, &r->o.dane.truth,
		err, sizeof(err));
	r->o.probes = mail_probes_new();
	r->o.dane.sessions = dane_sessions_new();
	if (!r->o.dane.truth.cache || !r->o.probes || !r->o.dane.sessions) {
		fprintf(stderr, "resolver-probe mail: %s\n",
			r->o.dane.truth.cache ? "out of memory" : err);
		status = EXIT_INCOMPLETE;
	} else {
		fill(r);
		uv_run(&r->loop, UV_RUN_DEFAULT);
		progress(r, true);
	}
	share_free(r->o.probes);
	share_free(r->o.dane.sessions);
	truth_cache_free(r->o.dane.truth.cache);
	r->o.probes = r->o.dane.sessions = NULL;
	r->o.dane.truth.cache = NULL;
	uv_run(&r->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&r->loop) != 0)
		fprintf(stderr, "resolver-probe mail: %s:%d: handles left "
			"open\n", __FILE__, __LINE__);
	return status;
}

/* The exit status of a run that went to its end. */
static int run_status(const struct run *r)
{
	if (r->write_failed || r->running || r->domains.failed ||
	    r->counts[MAIL_INCOMPLETE])
		return EXIT_INCOMPLETE;
	if (r->counts[MAIL_BROKEN] || r->counts[MAIL_WEAK])
		return EXIT_FINDING;
	/* Only bad lines, no domain: nothing was checked. */
	if (r->domains.bad && r->domains.started == 0)
		return EXIT_USAGE;
	return EXIT_AGREE;
}

/* Close and free what the run holds; a failed close of the output makes
 * status EXIT_INCOMPLETE.  Returns the status. */
static int run_clear(struct run *r, int status)
{
	json_clear(&r->j);
	if (r->out && r->out != stdout && fclose(r->out) != 0)
		status = EXIT_INCOMPLETE;
	domains_close(&r->domains);
	for (size_t i = 0; i < r->nskip; i++)
		free(r->skip[i]);
	free(r->skip);
	free(r->prev);
	mail_psl_free(r->psl);
	return status;
}

int cmd_mail(int argc, char **argv)
{
	static struct run r;
	struct args a = { 0 };
	memset(&r, 0, sizeof(r));
	mail_opts_init(&r.o);
	r.concurrency = MAIL_CONCURRENCY;
	int status = parse_args(argc, argv, &r, &a);
	if (status < 0)
		status = check_args(&r, &a);
	if (status >= 0)
		return status;
	json_init(&r.j, MAIL_SURVEY_LINE_MAX);
	if ((status = open_files(&r, &a)) >= 0)
		return run_clear(&r, status);
	r.text = a.text || (!a.json && !a.file && r.argc == 1 &&
		!a.outpath && isatty(STDOUT_FILENO));
	r.progress = a.progress || (!r.text && isatty(STDERR_FILENO) &&
		(a.file || r.argc > 1));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "resolver-probe mail: libcurl did not "
			"start\n");
		return run_clear(&r, EXIT_INCOMPLETE);
	}
	if ((status = run_checks(&r)) < 0)
		status = run_status(&r);
	if (r.nskip && !r.text)
		fprintf(stderr, "resolver-probe mail: %zu domain%s already in "
			"%s skipped\n", r.nskip, PLURAL(r.nskip), a.resume);
	curl_global_cleanup();
	return run_clear(&r, status);
}

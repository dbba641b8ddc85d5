/* cmd_scan.c: the 'scan' subcommand: resolve the truth, then probe every
 * target with the plan (scan.h), classify each resolver as it completes
 * (validator/) and stream it out (output.h); the summary goes to stderr. */
#include "config.h"
#include <errno.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/evp.h>
#include <uv.h>
#include "resolver-probe/commands.h"
#include "common/datafile.h"
#include "common/options.h"
#include "scan/scan.h"
#include "scan/plan.h"
#include "scan/targets.h"
#include "scan/blocklist.h"
#include "scan/permute.h"
#include "scan/output.h"
#include "scan/summary.h"
#include "scan/resume.h"
#include "scan/readback.h"
#include "scan/follow.h"
#include "scan/follow_run.h"
#include "common/escape.h"
#include "validator/truth.h"
#include "validator/verdict.h"
#include "validator/providers.h"
#include "dnssec/truth_opts.h"
#include "dnssec/truth_resolve.h"


/* zmap makes its users think before a big scan; we ask for an explicit
 * --rate above a /16. */
#define SCAN_RATE_FREE_MAX 65536u

enum {
	OPT_FORMAT = 0x2000, OPT_BLOCKLIST, OPT_SEED, OPT_SHARDS, OPT_SHARD,
	OPT_STRICT, OPT_RATE, OPT_INFLIGHT, OPT_TIMEOUT, OPT_RETRIES, OPT_X20,
	OPT_IPV6, OPT_QUERIES, OPT_SOCKETS, OPT_CONFIRM, OPT_NO_CONFIRM,
	OPT_RESUME, OPT_PORT, OPT_NO_DISCOVERY, OPT_DISCOVERY_NAME,
	OPT_OUTPUT_SILENT, OPT_CHECKPOINT, OPT_FOLLOW, OPT_FOLLOW_RATE,
	OPT_FOLLOW_TIMEOUT, OPT_CA_FILE
};

/* --follow-smtp's defaults: polite, as each session is a stranger's mail
 * server. */
#define FOLLOW_DEFAULT_RATE 10
#define FOLLOW_DEFAULT_TIMEOUT 10
#define FOLLOW_CONCURRENCY 32

/* A sweep record every this often: a crash loses at most this much of
 * discovery, plus a timeout. */
#define SCAN_DEFAULT_CHECKPOINT_MS 10000

static void usage(FILE *f)
{
	fprintf(f,
"usage: resolver-probe scan [OPTIONS] [-f FILE] [TARGET...]\n"
"\n"
"Probe resolvers (addresses or CIDR prefixes, from -f FILE and the command\n"
"line) for falsified mail answers: for each provider the MX of its domain\n"
"and the A (and AAAA) of its best MX host, plus a control name and a random\n"
"non-existent name, compared with DNSSEC-validated truth.  Resolvers whose\n"
"answers are not all correct are asked again (a confirmation round).  One\n"
"JSON line per resolver on stdout (or -o); progress and the summary on\n"
"stderr.\n"
"\n"
"targets:\n"
"  -f, --targets FILE    addresses or CIDR prefixes, one a line ('-': stdin)\n"
"      --strict          a bad line in FILE is fatal (default: skipped)\n"
"      --blocklist FILE  never probe these prefixes, by default\n"
"                        %s\n"
"      --seed N          scan order seed (default random; with --shards,\n"
"                        derived from the targets so shards agree)\n"
"      --shards N, --shard I\n"
"                        probe only shard I (0-based) of N; the\n"
"                        shards need the same targets and blocklist\n"
"output:\n"
"  -o, --output FILE     write results to FILE (default stdout)\n"
"      --resume FILE     continue an interrupted scan whose results are in\n"
"                        FILE (give the same targets and options): the\n"
"                        resolvers in FILE are skipped, new results are\n"
"                        appended to it (an incomplete last line is cut\n"
"                        off first), and the summary covers the whole\n"
"                        FILE, as 'report FILE' prints it; a sweep goes on\n"
"                        from its last sweep record (below)\n"
"      --format FMT      json (JSON Lines, default) or csv\n"
"  -q, --quiet           no progress line\n"
"      --output-silent   a line (class timeout) for each target that never\n"
"                        answered discovery too (default: counted only)\n"
"discovery (on by default):\n"
"                        each target first gets one question, at most\n"
"                        1 + --retries times as later passes over the\n"
"                        targets; only those that answer (any reply) are\n"
"                        asked the plan\n"
"      --no-discovery    ask every target the plan at once (a list of known\n"
"                        resolvers: from zmap, an earlier scan, ...)\n"
"      --discovery-name NAME\n"
"                        the question's name, e.g. one under your own\n"
"                        domain so probed networks can find out who asks\n"
"                        (default: the control name, type A)\n"
"      --checkpoint SEC  write a sweep record (where discovery is, the\n"
"                        targets that answered and are not yet written)\n"
"                        this often, and one at the end (default %.0f; 0:\n"
"                        only at the end): --resume goes on from it\n"
"probing:\n"
"      --rate N          packets per second, 0: unlimited (default %u);\n"
"                        more than %u targets need an explicit --rate\n"
"      --max-inflight N  queries queued or in flight at once (default %u)\n"
"      --timeout SEC     per try, e.g. 2 or 0.5 (default %.1f)\n"
"      --retries N       UDP tries after the first (default %u)\n"
"      --sockets N       UDP sockets (source ports) per family (default %u)\n"
"      --port N          the resolvers' port (default 53)\n"
"      --0x20            randomise the case of query names; replies must\n"
"                        echo it exactly\n"
"      --ipv6-answers    also ask AAAA for each provider's best MX host\n"
"      --confirm-delay SEC\n"
"                        wait before the confirmation round (default %.1f)\n"
"      --no-confirm      no confirmation round\n"
"      --queries LIST    a fixed plan instead of the truth: NAME/TYPE,...\n"
"                        ('*.ZONE/TYPE' asks a random name under ZONE);\n"
"                        results are written unjudged (benchmarks, ad hoc)\n"
"follow-up (off by default: it contacts mail servers, not resolvers):\n"
"      --follow-smtp     after the scan, one SMTP session (STARTTLS, the\n"
"                        certificate checked against the provider's true\n"
"                        MX host) at each address a lie gave, if the\n"
"                        blocklist allows; a {\"follow\":...} line each:\n"
"                        unreachable, not-smtp, smtp-no-starttls,\n"
"                        smtp-starttls or imposter (a certificate valid\n"
"                        for the true MX host)\n"
"      --follow-rate N   sessions started a second (default %u)\n"
"      --follow-timeout SEC\n"
"                        seconds per session (default %u)\n"
"      --ca-file FILE    trust anchors for those certificates (default:\n"
"                        the system store)\n"
"  -h, --help            this help\n"
"      --version         print the version and exit\n",
		blocklist_default_path(), SCAN_DEFAULT_CHECKPOINT_MS / 1000.0,
		SCAN_DEFAULT_RATE, SCAN_RATE_FREE_MAX,
		SCAN_DEFAULT_INFLIGHT,
		SCAN_DEFAULT_TIMEOUT_MS / 1000.0, SCAN_DEFAULT_RETRIES,
		SCAN_DEFAULT_SOCKETS, SCAN_DEFAULT_CONFIRM_MS / 1000.0,
		FOLLOW_DEFAULT_RATE, FOLLOW_DEFAULT_TIMEOUT);
	truth_opts_usage(f);
	fprintf(f,
"\n"
"Each result is written with one write(2), unbuffered; a failed write (a\n"
"full disk: \"write to FILE: No space left on device\", a closed pipe:\n"
"\"Broken pipe\") stops the scan at once, a regular FILE is cut back to its\n"
"last complete line, and the exit status is 3.\n"
"\n"
"exit status: 0 every resolver agrees with the truth, 1 a finding (a lie,\n"
"a failure), 2 usage or input error, 3 interrupted or incomplete (also a\n"
"write error).\n");
}

/* Everything a scan run holds, shared with the callbacks. */
struct run {
	uv_loop_t *loop;
	struct truth *truth;
	struct special_registry special;
	struct verdict_ctx vctx;
	struct targets *targets;
	struct permute pm;
	struct permute pm0;	/* the order's start: discovery's passes */
	unsigned pass;		/* discovery's pass over the targets */
	uint64_t steps;		/* the order's positions gone through in this
				 * pass (targets given and skipped) */
	uint64_t pass0_steps;	/* all of them, once pass 0 is over */
	uint64_t seed;
	unsigned shards, shard;
	char order[17];		/* the order's identity (sweep records) */
	struct sweep_record cp;	/* --resume: the file's last sweep record */
	bool cp_used;		/* the sweep goes on from it */
	uint64_t answered_before;	/* --resume: answering resolvers the file
					 * holds among these targets */
	uint64_t answered_here;	/* answering resolvers written by this run */
	bool sweep_big_said;
	struct output out;
	FILE *f;
	struct summary *sum;
	struct scan *scan;
	uv_signal_t sigint, sigterm;
	uv_timer_t stop_timer;	/* stops the scan after a write error */
	uv_timer_t trim_timer;	/* gives freed heap pages back, once a second */
	bool truth_done, scan_done, judged;
	unsigned signals;	/* SIGINT and SIGTERM received */
	uint64_t findings;
	int write_error;
	const char *oname;	/* for messages: the file, or "stdout" */
	bool regular;		/* a regular file: cut back after a bad write */
	off_t start;		/* where the first result line begins */
	off_t good;		/* its length up to the last complete line */
	uint64_t unwritten;	/* results dropped after a write error */
	struct done_set done;	/* --resume: resolvers already written */
	uint64_t skipped;	/* targets skipped as done */
	struct resume_stats rs;	/* --resume: what the file held */
	uint64_t done_here;	/* resolvers in it among these targets */
	struct blocklist bl;
	struct plan plan;
	struct truth_run *trun;
	struct left_out left;	/* providers without a usable truth (and,
				 * with --resume, those its file names) */
	bool left_new;		/* this truth leaves out one the file does not
				 * name */
	struct follow_set follow;	/* --follow-smtp: the lies' addresses */
	bool follow_on;
	bool follow_stopped;	/* a signal stopped the follow-up */
	size_t follow_left;	/* addresses it did not visit */
	unsigned follow_timeout;
	struct follow_run *frun;
};

/* What the command line asked for. */
struct args {
	struct scan_opts so;
	struct truth_opts topts;
	const char *tfile, *ofile, *blfile, *queries, *resume;
	enum output_format fmt;
	uint64_t seed;
	bool have_seed, strict, ipv6, no_confirm, have_rate;
	bool follow;
	unsigned follow_rate, follow_timeout;
	const char *ca_file;
	unsigned shards, shard;
	char **targets;		/* TARGET arguments */
	int ntargets;
};

static int next_target(void *ctx, struct prefix *out)
{
	struct run *r = ctx;
	uint64_t i;
	for (;;) {
		if (!permute_next(&r->pm, &i))
			return 0;
		r->steps++;
		if (targets_get(r->targets, i, out) < 0)
			return -1;
		if (!done_set_has(&r->done, out))
			return 1;
		if (r->pass == 0)
			r->skipped++;
	}
}

/* Discovery's next pass walks the same order again. */
static void rewind_targets(void *ctx)
{
	struct run *r = ctx;
	if (r->pass == 0)
		r->pass0_steps = r->steps;
	r->pm = r->pm0;
	r->pass++;
	r->steps = 0;
}

static void write_failed(struct run *r, int err);

static uint64_t position(void *ctx)
{
	return ((struct run *)ctx)->steps;
}

/* A sweep record from the engine's checkpoint: written to the output (so
 * --resume goes on from it and report counts the silent targets) and, the
 * final one, added to the summary. */
static int checkpoint(void *ctx, const struct scan_checkpoint *c)
{
	struct run *r = ctx;
	struct sweep_record w = {
		.seed = r->seed, .shard = r->shard, .shards = r->shards,
		.pass = c->pass, .mark = c->mark, .over = c->over,
		.final = c->final, .pending = (struct prefix *)c->pending,
		.npending = c->npending,
	};
	memcpy(w.order, r->order, sizeof(w.order));
	/* Every target before the mark of pass 0 was probed, in this run or
	 * one before; after pass 0, all of them. */
	w.probed = c->pass == 0 ? c->mark : r->pass0_steps;
	w.answered = r->answered_before + r->answered_here + c->npending;
	w.silent = w.probed > w.answered ? w.probed - w.answered : 0;
	if (c->final) {
		struct summary_sweep sw = {
			.probed = w.probed, .answered = w.answered,
			.silent = w.silent, .over = w.over,
		};
		summary_add_sweep(r->sum, &sw);
	}
	if (r->write_error)
		return 0;
	/* A resumed sweep that had nothing left to do leaves its file as it
	 * was. */
	if (c->final && r->cp_used && r->out.lines == 0 && r->cp.final &&
	    !c->npending && !r->cp.npending && w.pass == r->cp.pass &&
	    w.mark == r->cp.mark && w.over == r->cp.over &&
	    w.probed == r->cp.probed && w.answered == r->cp.answered)
		return 0;
	errno = 0;
	int rc = output_sweep(&r->out, &w);
	if (rc < 0) {
		write_failed(r, errno);
		return -1;
	}
	if (rc > 0 && !r->sweep_big_said) {
		r->sweep_big_said = true;
		fprintf(stderr, "resolver-probe scan: a sweep record with %zu "
			"pending targets is over %u bytes: not written (a "
			"resume goes on from the one before)\n", c->npending,
			OUTPUT_LINE_MAX);
	}
	if (r->regular)
		r->good = r->start + (off_t)r->out.bytes;
	return 0;
}

/* A discovery reply is taken only from an address this scan probes. */
static bool is_target(void *ctx, const struct prefix *a)
{
	struct run *r = ctx;
	return targets_contains(r->targets, a) && !done_set_has(&r->done, a);
}

/* Ask again when round 0 found anything but correct answers: the
 * classifier then tells a persistent lie from a transient one. */
static bool confirm(void *ctx, const struct observation *o)
{
	struct run *r = ctx;
	struct verdict *v = verdict_classify(&r->vctx, o);
	bool again = !v || v->class < CLASS_CORRECT ||
		(v->flags & FLAG_NXDOMAIN_REWRITE);
	verdict_free(v);
	return again;
}

static void stop_now(uv_timer_t *t)
{
	struct run *r = t->data;
	/* Twice: nothing more can be written, so no waiting for replies. */
	if (r->scan) {
		scan_stop(r->scan);
		scan_stop(r->scan);
	}
}

/* The first failed write: say so, cut a regular file back to its last
 * complete line and stop the scan from the loop (not from inside the
 * engine's result callback).  Returns nothing: the exit status says 3. */
static void write_failed(struct run *r, int err)
{
	if (r->write_error)
		return;
	r->write_error = err ? err : EIO;
	fprintf(stderr, "resolver-probe scan: write to %s: %s\n", r->oname,
		strerror(r->write_error));
	if (r->regular && ftruncate(fileno(r->f), r->good) < 0)
		fprintf(stderr, "resolver-probe scan: %s: cannot cut the last, "
			"incomplete line: %s\n", r->oname, strerror(errno));
	if (r->frun)
		follow_run_stop(r->frun);	/* nowhere to say what it finds */
	else if (r->scan && !r->scan_done &&
	    uv_is_active((uv_handle_t *)&r->stop_timer) == 0)
		uv_timer_start(&r->stop_timer, stop_now, 0, 0);
}

static int result(void *ctx, struct observation *o)
{
	struct run *r = ctx;
	struct verdict *v = NULL;
	if (r->write_error) {
		/* Nowhere to write: the summary keeps to what the file has. */
		r->unwritten++;
		observation_free(o);
		return 0;
	}
	if (r->judged)
		v = verdict_classify(&r->vctx, o);
	errno = 0;
	if (output_write(&r->out, o, v, r->truth) < 0) {
		write_failed(r, errno);
		r->unwritten++;
		verdict_free(v);
		observation_free(o);
		return 0;
	}
	/* Unbuffered, so the file ends after this line (no lseek per
	 * resolver). */
	if (r->regular)
		r->good = r->start + (off_t)r->out.bytes;
	struct summary_record rec;
	if (summary_record_from_scan(&rec, o, v, r->truth) == 0) {
		summary_add(r->sum, &rec);
		if (r->follow_on && follow_set_add(&r->follow, &rec,
		    r->truth) < 0)
			fprintf(stderr, "resolver-probe scan: --follow-smtp: "
				"out of memory\n");
		summary_record_clear(&rec);
	}
	if (v && v->class != CLASS_CORRECT)
		r->findings++;
	if (!o->silent)
		r->answered_here++;
	verdict_free(v);
	observation_free(o);
	return 0;
}

/* The scan's live memory is bounded by the window, but resolvers waiting
 * for their confirmation round pin parsed replies for seconds among
 * short-lived ones, and glibc then keeps the freed pages between them:
 * RSS grew with the number of targets (58 MB at 65,536 lab targets for 15
 * MB in use).  malloc_trim returns every free page to the system. */
static void trim_heap(uv_timer_t *t)
{
	(void)t;
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
}

static void close_signals(struct run *r)
{
	if (!uv_is_closing((uv_handle_t *)&r->sigint))
		uv_close((uv_handle_t *)&r->sigint, NULL);
	if (!uv_is_closing((uv_handle_t *)&r->sigterm))
		uv_close((uv_handle_t *)&r->sigterm, NULL);
	if (!uv_is_closing((uv_handle_t *)&r->stop_timer))
		uv_close((uv_handle_t *)&r->stop_timer, NULL);
	if (!uv_is_closing((uv_handle_t *)&r->trim_timer))
		uv_close((uv_handle_t *)&r->trim_timer, NULL);
}

static void scan_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "resolver-probe scan: %s\n", msg);
}

static void scan_done(void *ctx)
{
	struct run *r = ctx;
	r->scan_done = true;
	/* The follow-up of the lies comes next: a signal stops it too. */
	if (!r->follow_on || scan_stats(r->scan)->interrupted ||
	    r->write_error)
		close_signals(r);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct run *r = h->data;
	const char *what = signum == SIGINT ? "interrupt" : "terminated";
	if (r->frun) {
		if (!r->follow_stopped)
			fprintf(stderr, "resolver-probe scan: %s: no more SMTP "
				"sessions (those under way end within %u s)\n",
				what, r->follow_timeout);
		r->follow_stopped = true;
		follow_run_stop(r->frun);
		return;
	}
	if (r->scan_done) {
		/* Between the scan and the follow-up: it will not begin. */
		r->follow_stopped = r->follow_on;
		return;
	}
	/* Said once each: the first stop waits, the second gives up. */
	if (r->signals == 0)
		fprintf(stderr, "resolver-probe scan: %s: stopping (waiting up "
			"to one timeout for outstanding replies; again to give "
			"up on them)\n", what);
	else if (r->signals == 1)
		fprintf(stderr, "resolver-probe scan: %s: giving up on "
			"outstanding replies\n", what);
	r->signals++;
	if (r->scan)
		scan_stop(r->scan);
	else
		uv_stop(r->loop);	/* still resolving the truth */
}

static void truth_done(struct truth_run *tr, void *arg)
{
	(void)tr;
	((struct run *)arg)->truth_done = true;
}

/* Parse the command line into *a.  Returns -1 to go on, else the exit
 * status to return at once (0 after --help, EXIT_USAGE). */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		{ "targets", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "blocklist", required_argument, NULL, OPT_BLOCKLIST },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "shards", required_argument, NULL, OPT_SHARDS },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "max-inflight", required_argument, NULL, OPT_INFLIGHT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "sockets", required_argument, NULL, OPT_SOCKETS },
		{ "0x20", no_argument, NULL, OPT_X20 },
		{ "ipv6-answers", no_argument, NULL, OPT_IPV6 },
		{ "queries", required_argument, NULL, OPT_QUERIES },
		{ "confirm-delay", required_argument, NULL, OPT_CONFIRM },
		{ "no-confirm", no_argument, NULL, OPT_NO_CONFIRM },
		{ "follow-smtp", no_argument, NULL, OPT_FOLLOW },
		{ "follow-rate", required_argument, NULL, OPT_FOLLOW_RATE },
		{ "follow-timeout", required_argument, NULL,
			OPT_FOLLOW_TIMEOUT },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "no-discovery", no_argument, NULL, OPT_NO_DISCOVERY },
		{ "discovery-name", required_argument, NULL,
			OPT_DISCOVERY_NAME },
		{ "output-silent", no_argument, NULL, OPT_OUTPUT_SILENT },
		{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
		TRUTH_OPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct scan_opts *so = &a->so;
	long long v;
	int c;

	optind = 1;
	int li = -1;
	while ((c = getopt_long(argc, argv, ":hf:o:q", longopts, &li)) != -1) {
		int t = cmd_truth_opt("scan", &a->topts, c, optarg);
		if (t < 0)
			return EXIT_USAGE;
		if (t > 0) {
			li = -1;
			continue;
		}
		switch (c) {
		case 'f':
			a->tfile = optarg;
			break;
		case 'o':
			a->ofile = optarg;
			break;
		case 'q':
			so->quiet = true;
			break;
		case OPT_FORMAT:
			if (output_format_parse(optarg, &a->fmt) < 0)
				goto bad;
			break;
		case OPT_BLOCKLIST:
			a->blfile = optarg;
			break;
		case OPT_SEED:
			if ((v = option_number(optarg, 0, INT64_MAX)) < 0)
				goto bad;
			a->seed = (uint64_t)v;
			a->have_seed = true;
			break;
		case OPT_SHARDS:
			if ((v = option_number(optarg, 0, 65535)) < 1)
				goto bad;
			a->shards = (unsigned)v;
			break;
		case OPT_SHARD:
			if ((v = option_number(optarg, 0, 65534)) < 0)
				goto bad;
			a->shard = (unsigned)v;
			break;
		case OPT_STRICT:
			a->strict = true;
			break;
		case OPT_RATE:
			if ((v = option_number(optarg, 0, 100000000)) < 0)
				goto bad;
			so->rate = (uint64_t)v;
			a->have_rate = true;
			break;
		case OPT_INFLIGHT:
			if ((v = option_number(optarg, 0, 4194304)) < 1)
				goto bad;
			so->max_inflight = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if ((v = option_ms(optarg)) < 0)
				goto bad;
			so->timeout_ms = (unsigned)v;
			break;
		case OPT_RETRIES:
			if ((v = option_number(optarg, 0, 20)) < 0)
				goto bad;
			so->retries = (unsigned)v;
			break;
		case OPT_SOCKETS:
			if ((v = option_number(optarg, 0, 64)) < 1)
				goto bad;
			so->sockets = (unsigned)v;
			break;
		case OPT_X20:
			so->x20 = true;
			break;
		case OPT_IPV6:
			a->ipv6 = true;
			break;
		case OPT_QUERIES:
			a->queries = optarg;
			break;
		case OPT_CONFIRM:
			if ((v = option_ms(optarg)) < 0)
				goto bad;
			so->confirm_delay_ms = (unsigned)v;
			break;
		case OPT_NO_CONFIRM:
			a->no_confirm = true;
			break;
		case OPT_FOLLOW:
			a->follow = true;
			break;
		case OPT_FOLLOW_RATE:
			if ((v = option_number(optarg, 1, 1000)) < 0)
				goto bad;
			a->follow_rate = (unsigned)v;
			break;
		case OPT_FOLLOW_TIMEOUT:
			if ((v = option_number(optarg, 1, 300)) < 0)
				goto bad;
			a->follow_timeout = (unsigned)v;
			break;
		case OPT_CA_FILE:
			a->ca_file = optarg;
			break;
		case OPT_RESUME:
			a->resume = optarg;
			break;
		case OPT_PORT:
			if ((v = option_number(optarg, 0, 65535)) < 1)
				goto bad;
			so->port = (uint16_t)v;
			break;
		case OPT_NO_DISCOVERY:
			so->discovery = false;
			break;
		case OPT_DISCOVERY_NAME:
			if (!*optarg || strlen(optarg) > 253)
				goto bad;
			so->discovery_name = optarg;
			break;
		case OPT_OUTPUT_SILENT:
			so->output_silent = true;
			break;
		case OPT_CHECKPOINT:
			if (strcmp(optarg, "0") && (v = option_ms(optarg)) < 0)
				goto bad;
			so->checkpoint_ms = strcmp(optarg, "0") ? (unsigned)v : 0;
			break;
		default:
			return cmd_opt_end(c, argv, usage);
		}
		li = -1;
		continue;
bad:
		fprintf(stderr, "resolver-probe scan: bad value for --%s: "
			"\"%s\"\n", li >= 0 ? longopts[li].name : "?", optarg);
		return EXIT_USAGE;
	}
	a->targets = argv + optind;
	a->ntargets = argc - optind;
	return -1;
}

/* The rules between options.  Returns -1 to go on, or EXIT_USAGE. */
static int check_args(struct args *a)
{
	if (!a->tfile && a->ntargets == 0) {
		fprintf(stderr, "resolver-probe scan: no targets (-f FILE or "
			"TARGET arguments)\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (a->shard >= a->shards) {
		fprintf(stderr, "resolver-probe scan: --shard %u needs --shards "
			"above it\n", a->shard);
		return EXIT_USAGE;
	}
	if (a->resume && a->fmt != OUTPUT_JSONL) {
		fprintf(stderr, "resolver-probe scan: --resume reads and "
			"appends JSON Lines: not with --format csv\n");
		return EXIT_USAGE;
	}
	if (a->resume && a->ofile && strcmp(a->ofile, a->resume)) {
		fprintf(stderr, "resolver-probe scan: --resume %s appends to "
			"%s: -o %s is another file\n", a->resume, a->resume,
			a->ofile);
		return EXIT_USAGE;
	}
	if (a->follow && (a->fmt != OUTPUT_JSONL || a->queries)) {
		fprintf(stderr, "resolver-probe scan: --follow-smtp follows "
			"judged lies into JSON Lines: not with %s\n",
			a->queries ? "--queries" : "--format csv");
		return EXIT_USAGE;
	}
	if ((a->follow_rate || a->follow_timeout || a->ca_file) &&
	    !a->follow) {
		fprintf(stderr, "resolver-probe scan: --follow-rate, "
			"--follow-timeout and --ca-file go with --follow-smtp\n");
		return EXIT_USAGE;
	}
	if (a->ca_file && access(a->ca_file, R_OK) < 0) {
		fprintf(stderr, "resolver-probe scan: --ca-file %s: %s\n",
			a->ca_file, strerror(errno));
		return EXIT_USAGE;
	}
	if (!a->follow_rate)
		a->follow_rate = FOLLOW_DEFAULT_RATE;
	if (!a->follow_timeout)
		a->follow_timeout = FOLLOW_DEFAULT_TIMEOUT;
	if (a->resume)
		a->ofile = a->resume;
	if (!a->blfile)
		a->blfile = blocklist_default_path();
	/* Enough sockets for the window: the id table stays a quarter full. */
	while (a->so.max_inflight > a->so.sockets * 65536u / 4 &&
	    a->so.sockets < 64)
		a->so.sockets++;
	return -1;
}

/* The blocklist and the targets, before any network: a bad file is a
 * usage error.  Returns 0 or -1 (said on stderr). */
static int load_targets(struct run *r, const struct args *a)
{
	char err[512];
	if (blocklist_load(&r->bl, a->blfile, err, sizeof(err)) < 0)
		goto fail;
	if (!(r->targets = targets_new())) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (a->tfile && targets_load(r->targets, a->tfile, a->strict, stderr,
	    err, sizeof(err)) < 0)
		goto fail;
	for (int i = 0; i < a->ntargets; i++)
		if (targets_add(r->targets, a->targets[i], err,
		    sizeof(err)) < 0)
			goto fail;
	if (targets_finalize(r->targets, &r->bl, err, sizeof(err)) < 0)
		goto fail;
	if (!a->have_rate && targets_count(r->targets) > SCAN_RATE_FREE_MAX) {
		snprintf(err, sizeof(err), "%llu targets: a scan of more than "
			"%u addresses needs an explicit --rate (packets per "
			"second; the default would be %u): choose one the "
			"networks you probe can bear",
			(unsigned long long)targets_count(r->targets),
			SCAN_RATE_FREE_MAX, SCAN_DEFAULT_RATE);
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "resolver-probe scan: %s\n", err);
	return -1;
}

/* --resume: read the earlier results back into the done set and the
 * summary, before any network, so that a wrong file is refused before it
 * could be appended to.  Returns 0 or -1 (said on stderr). */
static int load_resume(struct run *r, const char *resume)
{
	char err[512];
	FILE *in = fopen(resume, "r");
	if (!in) {
		fprintf(stderr, "resolver-probe scan: --resume %s: %s\n",
			resume, strerror(errno));
		return -1;
	}
	int rrc = resume_read(in, resume, &r->done, r->sum, &r->rs,
		&r->left, &r->cp, err, sizeof(err));
	fclose(in);
	if (rrc < 0) {
		fprintf(stderr, "resolver-probe scan: --resume: %s\n", err);
		return -1;
	}
	size_t repeats = done_set_finish(&r->done);
	done_set_finish(&r->rs.silent);
	r->findings = r->rs.findings;
	for (size_t i = 0; i < r->done.n; i++) {
		struct prefix p;
		if (done_set_get(&r->done, i, &p) == 0 &&
		    targets_contains(r->targets, &p)) {
			r->done_here++;
			if (!done_set_has(&r->rs.silent, &p))
				r->answered_before++;
		}
	}
	fprintf(stderr, "resolver-probe scan: resuming: %llu resolvers "
		"already done in %s (%llu of them among these targets; "
		"%zu repeated lines)%s\n",
		(unsigned long long)r->rs.lines, resume,
		(unsigned long long)r->done_here, repeats,
		r->rs.torn ? "; its incomplete last line is cut off" : "");
	return 0;
}

/* The order's identity: the first 8 bytes of SHA-256(the targets' digest,
 * seed, shards, shard), in hex.  Returns 0 or -1. */
static int order_id(const uint8_t digest[32], uint64_t seed, unsigned shards,
	unsigned shard, char out[17])
{
	uint8_t in[48], md[32];
	unsigned len = 0;
	memcpy(in, digest, 32);
	for (int i = 0; i < 8; i++)
		in[32 + i] = (uint8_t)(seed >> (56 - 8 * i));
	for (int i = 0; i < 4; i++) {
		in[40 + i] = (uint8_t)(shards >> (24 - 8 * i));
		in[44 + i] = (uint8_t)(shard >> (24 - 8 * i));
	}
	if (EVP_Digest(in, sizeof(in), md, &len, EVP_sha256(), NULL) != 1)
		return -1;
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* --resume of a sweep: go on from the file's last sweep record when it is
 * of this order (the same targets, blocklist, seed and shard): start in its
 * pass at its position, and ask the plan first of those that answered but
 * were not written.  Sets *seed from it when no --seed was given. */
static void resume_sweep(struct run *r, struct args *a,
	const uint8_t digest[32], uint64_t *seed)
{
	if (!a->resume || !r->cp.order[0])
		return;
	if (!a->so.discovery) {
		fprintf(stderr, "resolver-probe scan: --no-discovery: the sweep "
			"record in %s is not used\n", a->resume);
		return;
	}
	uint64_t s = a->have_seed || a->shards > 1 ? *seed : r->cp.seed;
	char id[17];
	if (order_id(digest, s, a->shards, a->shard, id) < 0 ||
	    strcmp(id, r->cp.order)) {
		fprintf(stderr, "resolver-probe scan: the sweep record in %s is "
			"of another order (other targets, blocklist, --seed or "
			"--shard): every target not written is probed again\n",
			a->resume);
		return;
	}
	*seed = s;
	r->cp_used = true;
}

/* The scan order, and the line that says what the scan will do.  Returns
 * 0 or -1 (said on stderr). */
static int start_order(struct run *r, struct args *a)
{
	char err[512];
	uint64_t seed = a->seed;
	uint8_t d[32];
	if (targets_digest(r->targets, d) < 0) {
		fprintf(stderr, "resolver-probe scan: cannot digest the "
			"targets\n");
		return -1;
	}
	/* Shards run apart (other processes, other machines) must walk one
	 * order, or they overlap and leave gaps.  Without --seed they take it
	 * from what they all share: the targets after the blocklist. */
	bool seed_from_targets = false;
	if (!a->have_seed && a->shards > 1) {
		seed = 0;
		for (int i = 0; i < 8; i++)
			seed = seed << 8 | d[i];
		seed_from_targets = true;
	} else if (!a->have_seed && RAND_bytes((unsigned char *)&seed,
	    sizeof(seed)) != 1) {
		seed = uv_hrtime();
	}
	if (!a->have_seed)
		seed &= INT64_MAX;	/* as --seed accepts it */
	resume_sweep(r, a, d, &seed);
	if (permute_init(&r->pm, targets_count(r->targets), seed, a->shards,
	    a->shard, err, sizeof(err)) < 0 ||
	    order_id(d, seed, a->shards, a->shard, r->order) < 0) {
		if (!r->order[0])
			snprintf(err, sizeof(err), "cannot digest the order");
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return -1;
	}
	r->pm0 = r->pm;
	r->seed = seed;
	r->shards = a->shards;
	r->shard = a->shard;
	if (r->cp_used) {
		/* Past the pass the record is in, or with fewer --retries than
		 * it had: discovery is over but for what it left pending. */
		bool past = r->cp.over || r->cp.pass > a->so.retries;
		unsigned pass = past ? a->so.retries : r->cp.pass;
		uint64_t mark = past ? UINT64_MAX : r->cp.mark, i;
		r->pass = a->so.start_pass = pass;
		r->pass0_steps = pass > 0 ? r->cp.probed : 0;
		while (r->steps < mark && permute_next(&r->pm, &i))
			r->steps++;
		if (past && pass == 0)
			r->pass0_steps = r->steps;
		/* Those written since the record are done already. */
		size_t n = 0;
		for (size_t k = 0; k < r->cp.npending; k++)
			if (!done_set_has(&r->done, &r->cp.pending[k]) &&
			    targets_contains(r->targets, &r->cp.pending[k]))
				r->cp.pending[n++] = r->cp.pending[k];
		a->so.found = r->cp.pending;
		a->so.nfound = n;
		fprintf(stderr, "resolver-probe scan: resuming the sweep in pass "
			"%u of %u at position %llu of its order, %zu targets "
			"that answered first\n", pass + 1, a->so.retries + 1,
			(unsigned long long)r->steps, n);
	}
	const struct targets_stats *ts = targets_stats(r->targets);
	char rate[32] = "unlimited";
	if (a->so.rate)
		snprintf(rate, sizeof(rate), "%llu pps",
			(unsigned long long)a->so.rate);
	fprintf(stderr, "resolver-probe scan: blocklist %s (%zu prefix%s, %llu "
		"address%s left out); %llu target%s (%llu duplicate%s, %llu "
		"invalid line%s); rate %s; window %u quer%s; timeout %.3g s, "
		"%u tr%s\n", a->blfile, r->bl.n, r->bl.n == 1 ? "" : "es",
		(unsigned long long)ts->blocklisted, PLURAL_ES(ts->blocklisted),
		(unsigned long long)ts->count, PLURAL(ts->count),
		(unsigned long long)ts->duplicate, PLURAL(ts->duplicate),
		(unsigned long long)ts->invalid, PLURAL(ts->invalid), rate,
		a->so.max_inflight, a->so.max_inflight == 1 ? "y" : "ies",
		a->so.timeout_ms / 1000.0, a->so.retries + 1,
		a->so.retries == 0 ? "y" : "ies");
	if (a->shards > 1)
		fprintf(stderr, "resolver-probe scan: shard %u of %u (0-based), "
			"seed %llu%s\n", a->shard, a->shards,
			(unsigned long long)seed, seed_from_targets ? " (from the "
			"targets: every shard given the same targets and "
			"blocklist walks the same order)" : "");
	a->so.total = a->shards == 1 ?
		targets_count(r->targets) - r->done_here : 0;
	return 0;
}

/* SIGINT and SIGTERM stop the scan; a timer gives freed heap back. */
static void start_signals(struct run *r)
{
	uv_signal_init(r->loop, &r->sigint);
	uv_signal_init(r->loop, &r->sigterm);
	uv_timer_init(r->loop, &r->stop_timer);
	uv_unref((uv_handle_t *)&r->stop_timer);
	uv_timer_init(r->loop, &r->trim_timer);
	uv_timer_start(&r->trim_timer, trim_heap, 1000, 1000);
	uv_unref((uv_handle_t *)&r->trim_timer);
	r->sigint.data = r->sigterm.data = r->stop_timer.data = r;
	uv_signal_start(&r->sigint, on_signal, SIGINT);
	uv_signal_start(&r->sigterm, on_signal, SIGTERM);
	/* Signals are caught but do not keep the loop running: uv_run returns
	 * when the truth run, then the scan, has closed its handles. */
	uv_unref((uv_handle_t *)&r->sigint);
	uv_unref((uv_handle_t *)&r->sigterm);
}

/* The plan: --queries as given, or resolve the truth (on the loop) and
 * derive the plan from it.  Returns -1 to go on, else the exit status. */
static int make_plan(struct run *r, const struct args *a)
{
	char err[512];
	if (a->queries) {
		if (plan_parse(&r->plan, a->queries, err, sizeof(err)) < 0) {
			fprintf(stderr, "resolver-probe scan: --queries: %s\n",
				err);
			return EXIT_USAGE;
		}
		return -1;
	}
	if (special_registry_load_default(&r->special, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return EXIT_USAGE;
	}
	r->trun = truth_resolve_start(r->loop, r->truth, &a->topts, truth_done,
		r, err, sizeof(err));
	if (!r->trun) {
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return EXIT_USAGE;
	}
	if (!a->so.quiet)
		fprintf(stderr, "resolver-probe scan: resolving the truth (%d "
			"round%s)\n", a->topts.rounds, PLURAL(a->topts.rounds));
	uv_run(r->loop, UV_RUN_DEFAULT);
	if (!r->truth_done) {
		fprintf(stderr, "resolver-probe scan: interrupted while "
			"resolving the truth\n");
		return EXIT_INCOMPLETE;
	}
	if (truth_run_status(r->trun, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe scan: no truth: %s\n", err);
		return EXIT_INCOMPLETE;
	}
	/* Without a usable provider the scan would ask only the control
	 * questions and call every liar correct. */
	char why[4096];
	if (truth_usable(r->truth, why, sizeof(why)) == 0) {
		fprintf(stderr, "resolver-probe scan: no usable truth, so no "
			"verdict could be trusted: not scanning: ");
		escape_text(stderr, why, strlen(why), ESCAPE_DNS);
		fputc('\n', stderr);
		return EXIT_INCOMPLETE;
	}
	size_t had = r->left.n;
	for (size_t i = 0; i < r->truth->nproviders; i++) {
		const struct provider *p = &r->truth->providers[i];
		if (p->usable)
			continue;
		const char *w = p->why_unusable ? p->why_unusable : "no truth";
		fprintf(stderr, "resolver-probe scan: provider %s left out "
			"(not asked, not judged): ", p->domain);
		escape_text(stderr, w, strlen(w), ESCAPE_DNS);
		fputc('\n', stderr);
		if (left_out_add(&r->left, p->domain, w) < 0) {
			fprintf(stderr, "resolver-probe scan: out of memory\n");
			return EXIT_INCOMPLETE;
		}
	}
	r->left_new = r->left.n > had;
	if (plan_from_truth(&r->plan, r->truth, a->ipv6, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return EXIT_INCOMPLETE;
	}
	r->judged = true;
	r->follow_on = a->follow;
	r->follow_timeout = a->follow_timeout;
	r->vctx.truth = r->truth;
	r->vctx.special = &r->special;
	return -1;
}

/* Open the output (stdout, a new file, or the --resume file cut back to
 * its last complete line) unbuffered, and write its header.  Returns -1
 * to go on, else the exit status. */
static int open_output(struct run *r, const struct args *a)
{
	r->f = stdout;
	r->oname = a->ofile ? a->ofile : "stdout";
	if (a->resume && r->rs.torn &&
	    truncate(a->resume, (off_t)r->rs.good_len) < 0) {
		fprintf(stderr, "resolver-probe scan: %s: cannot cut its "
			"incomplete last line: %s\n", a->resume,
			strerror(errno));
		return EXIT_INCOMPLETE;
	}
	if (a->ofile && !(r->f = fopen(a->ofile, a->resume ? "a" : "w"))) {
		fprintf(stderr, "resolver-probe scan: %s: %s\n", a->ofile,
			strerror(errno));
		return EXIT_USAGE;
	}
	/* Unbuffered: each line leaves in one write(2), so what a failed
	 * write leaves behind is known (and cut back) and nothing waits in
	 * a buffer to be lost. */
	setvbuf(r->f, NULL, _IONBF, 0);
	struct stat sb;
	if (fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    fseeko(r->f, 0, SEEK_END) == 0 && (r->good = ftello(r->f)) >= 0)
		r->regular = true;
	errno = 0;
	if (output_open(&r->out, r->f, a->fmt) < 0) {
		write_failed(r, errno);
		return EXIT_INCOMPLETE;
	}
	/* A resumed file whose header already names every provider this
	 * truth leaves out needs no second one. */
	errno = 0;
	if ((!a->resume || r->left_new) &&
	    output_header(&r->out, r->judged ? r->truth : NULL) < 0) {
		write_failed(r, errno);
		return EXIT_INCOMPLETE;
	}
	/* The headers are complete lines. */
	if (r->regular && (r->good = r->start = ftello(r->f)) < 0)
		r->regular = false;
	return -1;
}

/* Run the scan on the loop until every target is done or it is stopped.
 * Returns -1 when it ran, else the exit status. */
/* A destination's line (res NULL: not followed, and why) and the
 * summary's count; a regular file's good length moves past the line. */
static void write_follow(struct run *r, const struct follow_dest *d,
	const struct starttls_result *res, const char *why)
{
	if (!r->write_error) {
		errno = 0;
		if (output_follow(&r->out, d, res, why) < 0)
			write_failed(r, errno);
		else if (r->regular)
			r->good = r->start + (off_t)r->out.bytes;
	}
	summary_add_follow(r->sum, res ? (int)follow_judge(res) : -1);
}

/* A destination's session ended. */
static void on_followed(const struct follow_dest *d,
	const struct starttls_result *res, void *arg)
{
	write_follow(arg, d, res, NULL);
}

/* --follow-smtp, once the scan is over: one SMTP session at each address
 * the lies gave that the blocklist allows, paced; a line for each (those
 * the blocklist keeps out too). */
static void follow_lies(struct run *r, const struct args *a)
{
	const struct scan_stats *st = scan_stats(r->scan);
	if (!r->follow_on || st->interrupted || r->write_error)
		return;
	const struct follow_dest **go = malloc((r->follow.n ? r->follow.n :
		1) * sizeof(*go));
	if (!go) {
		fprintf(stderr, "resolver-probe scan: --follow-smtp: out of "
			"memory\n");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->follow.n; i++) {
		const struct follow_dest *d = &r->follow.v[i];
		struct prefix p;
		char err[64];
		if (prefix_parse(d->addr, &p, err, sizeof(err)) == 0 &&
		    blocklist_find(&r->bl, &p)) {
			write_follow(r, d, NULL, "blocklist");
			continue;
		}
		go[n++] = d;
	}
	if (r->follow.over)
		fprintf(stderr, "resolver-probe scan: --follow-smtp: %llu "
			"lies past the first %d addresses are not followed\n",
			(unsigned long long)r->follow.over, FOLLOW_MAX);
	if (!a->so.quiet)
		fprintf(stderr, "resolver-probe scan: following the lies: %zu "
			"address%s, %u session%s a second, one each\n", n,
			PLURAL_ES(n), a->follow_rate, PLURAL(a->follow_rate));
	/* A signal while the scan was ending (too late to stop it) or
	 * before this point: nothing is followed. */
	if (r->signals || r->follow_stopped) {
		r->follow_stopped = true;
		r->follow_left = n;
		if (n)
			fprintf(stderr, "resolver-probe scan: --follow-smtp: "
				"%zu address%s not followed (stopped)\n", n,
				PLURAL_ES(n));
		free(go);
		return;
	}
	struct follow_run_opts fo = { .rate = a->follow_rate, .concurrency =
		FOLLOW_CONCURRENCY, .timeout = a->follow_timeout, .port = 25,
		.helo = "localhost", .ca_file = a->ca_file };
	char err[200];
	r->frun = follow_run_start(r->loop, go, n, &fo, on_followed, r, err,
		sizeof(err));
	if (!r->frun)
		fprintf(stderr, "resolver-probe scan: --follow-smtp: %s\n",
			err);
	else
		uv_run(r->loop, UV_RUN_DEFAULT);
	r->follow_left = r->frun ? follow_run_left(r->frun) : 0;
	if (r->follow_left)
		fprintf(stderr, "resolver-probe scan: --follow-smtp: %zu "
			"address%s not followed (stopped)\n", r->follow_left,
			PLURAL_ES(r->follow_left));
	close_signals(r);
	follow_run_free(r->frun);
	r->frun = NULL;
	free(go);
}

static int run_scan(struct run *r, struct args *a)
{
	char err[512];
	struct scan_opts *so = &a->so;
	so->plan = &r->plan;
	so->next_target = next_target;
	so->rewind = rewind_targets;
	so->position = position;
	so->checkpoint = checkpoint;
	so->is_target = is_target;
	so->confirm = r->judged && !a->no_confirm ? confirm : NULL;
	so->result = result;
	so->done = scan_done;
	so->note = scan_note;
	so->ctx = r;
	if (!(r->scan = scan_new(r->loop, so, err, sizeof(err)))) {
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return EXIT_USAGE;
	}
	if (scan_start(r->scan, err, sizeof(err)) < 0) {
		fprintf(stderr, "resolver-probe scan: %s\n", err);
		return EXIT_INCOMPLETE;
	}
	uv_run(r->loop, UV_RUN_DEFAULT);
	follow_lies(r, a);
	return -1;
}

/* After the run: close the output, say what was skipped or lost, print
 * the statistics and the summary.  Returns the exit status. */
static int finish(struct run *r, const struct args *a)
{
	errno = 0;
	if (fflush(r->f) != 0)
		write_failed(r, errno);
	if (r->f != stdout) {
		errno = 0;
		int fc = fclose(r->f);
		r->f = NULL;
		r->regular = false;	/* nothing left to cut back */
		if (fc != 0)
			write_failed(r, errno);
	}
	if (a->resume && !a->so.quiet)
		fprintf(stderr, "resolver-probe scan: %llu target%s skipped as "
			"already done in %s\n", (unsigned long long)r->skipped,
			PLURAL(r->skipped), a->resume);
	if (r->unwritten)
		fprintf(stderr, "resolver-probe scan: %llu results not written "
			"(after the write error)\n",
			(unsigned long long)r->unwritten);
	const struct scan_stats *st = scan_stats(r->scan);
	if (st->interrupted && st->abandoned && !r->write_error)
		fprintf(stderr, "resolver-probe scan: %llu targets cut short by "
			"the stop are not written (abandoned): --resume asks "
			"them again\n", (unsigned long long)st->abandoned);
	if (!a->so.quiet || st->interrupted)
		scan_print_stats(r->scan, stderr);
	summary_print(r->sum, stderr);
	left_out_print(&r->left, stderr);
	if (st->interrupted || st->failed || r->write_error || st->abandoned ||
	    r->follow_left)
		return EXIT_INCOMPLETE;
	return r->findings ? EXIT_FINDING : EXIT_AGREE;
}

/* Free everything the run holds; the loop runs once more so that closing
 * handles finish before it goes. */
static void run_clear(struct run *r)
{
	truth_run_free(r->trun);
	uv_run(r->loop, UV_RUN_DEFAULT);
	uv_loop_close(r->loop);
	scan_free(r->scan);
	output_close(&r->out);
	if (r->f && r->f != stdout)
		fclose(r->f);
	else if (r->f)
		fflush(r->f);
	summary_free(r->sum);
	plan_clear(&r->plan);
	truth_free(r->truth);
	special_registry_clear(&r->special);
	targets_free(r->targets);
	blocklist_clear(&r->bl);
	follow_set_clear(&r->follow);
	done_set_clear(&r->done);
	done_set_clear(&r->rs.silent);
	sweep_record_clear(&r->cp);
	left_out_clear(&r->left);
}

int cmd_scan(int argc, char **argv)
{
	struct args a = {
		.so = {
			.max_inflight = SCAN_DEFAULT_INFLIGHT,
			.timeout_ms = SCAN_DEFAULT_TIMEOUT_MS,
			.retries = SCAN_DEFAULT_RETRIES,
			.sockets = SCAN_DEFAULT_SOCKETS,
			.confirm_delay_ms = SCAN_DEFAULT_CONFIRM_MS,
			.rate = SCAN_DEFAULT_RATE,
			.progress = stderr,
			.discovery = true,
			.checkpoint_ms = SCAN_DEFAULT_CHECKPOINT_MS,
		},
		.fmt = OUTPUT_JSONL,
		.shards = 1,
	};
	truth_opts_init(&a.topts);
	int status = parse_args(argc, argv, &a);
	if (status < 0)
		status = check_args(&a);
	if (status >= 0)
		return status;
	/* A closed pipe is a write error (EPIPE) we report, not a silent
	 * death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	struct run r = { 0 };
	uv_loop_t loop;
	uv_loop_init(&loop);
	r.loop = &loop;
	blocklist_init(&r.bl);
	follow_set_init(&r.follow);
	done_set_init(&r.done);
	status = EXIT_USAGE;
	if (load_targets(&r, &a) < 0)
		goto out;
	if (!(r.sum = summary_new()) || !(r.truth = truth_new())) {
		fprintf(stderr, "resolver-probe scan: out of memory\n");
		goto out;
	}
	if ((a.resume && load_resume(&r, a.resume) < 0) ||
	    start_order(&r, &a) < 0)
		goto out;
	if (targets_count(r.targets) == 0) {
		/* Said before any truth is resolved: nothing would use it. */
		const struct targets_stats *ts = targets_stats(r.targets);
		fprintf(stderr, "resolver-probe scan: no targets to scan: %llu "
			"left out by the blocklist %s (--blocklist FILE names "
			"another), %llu invalid\n",
			(unsigned long long)ts->blocklisted, a.blfile,
			(unsigned long long)ts->invalid);
		goto out;
	}
	start_signals(&r);
	if ((status = make_plan(&r, &a)) < 0 &&
	    (status = open_output(&r, &a)) < 0 &&
	    (status = run_scan(&r, &a)) < 0)
		status = finish(&r, &a);
	close_signals(&r);
out:
	run_clear(&r);
	return status;
}

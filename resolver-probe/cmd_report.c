/* cmd_report.c: the 'report' subcommand: the summary of a saved scan (JSON
 * Lines), the same the scan printed, as text and optionally as an HTML
 * page. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include "resolver-probe/commands.h"
#include "resolver-probe/report_diff.h"
#include "scan/output.h"
#include "scan/summary.h"
#include "mail/survey.h"
#include "resolver-probe/mail_print.h"
#include "scan/readback.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: resolver-probe report [OPTIONS] FILE.jsonl\n"
"       resolver-probe report --diff [OPTIONS] OLD.jsonl NEW.jsonl\n"
"\n"
"Summarise a saved scan (the JSON Lines 'scan' writes; - reads stdin) in\n"
"the shape of the paper's tables: resolvers probed and responsive, any\n"
"invalid answer, resolvers per class (Table 13), and per provider the\n"
"servers with invalid MX and IP answers and the unique invalid MX names\n"
"and IPs (Table 7).  The text summary goes to stdout.\n"
"A mail survey (the JSON Lines 'mail' writes) is recognised by its first\n"
"line and summarised as adoption tables: domains per verdict, per check\n"
"how many pass, warn, lack it, fail or could not be checked, and the\n"
"most common reasons a check fell short (its code).\n"
"With --diff, two saved scans are compared: resolvers that began lying,\n"
"stopped lying or changed lying class, liars in only one of them, and\n"
"the addresses the lies led to that appeared or went away.\n"
"\n"
"      --diff            compare OLD.jsonl with NEW.jsonl\n"
"      --json            with --diff: JSON Lines, one line a change, then\n"
"                        the counts (the text lists 50 of each kind)\n"
"      --html OUT        also write a self-contained HTML page (inline CSS\n"
"                        and SVG charts, no scripts, no external links)\n"
"                        to OUT; with '--html -' the page goes to stdout\n"
"                        instead of the text\n"
"      --title TEXT      the page title (default: the input file's name,\n"
"                        without its folders)\n"
"      --strict          a malformed line is fatal (default: reported as\n"
"                        FILE:LINE: reason on stderr, counted, and\n"
"                        skipped)\n"
"  -h, --help            this help\n"
"      --version         print the version and exit\n"
"\n"
"exit status: 0 no invalid answer (a scan) or every domain protected or\n"
"no-mail (a survey), 1 some resolver gave an invalid answer or some\n"
"domain fell short, 2 usage error, unreadable file, a file with no scan\n"
"or survey record, or (with --strict) a malformed line.  With --diff: 0\n"
"no new lie, 1 a resolver began lying or changed lying class, a new\n"
"liar, or a lie destination that appeared.\n");
}

/* Read every line of in into s, and the providers the scan left out into
 * left.  Returns 0, or -1 after a fatal problem (message already
 * printed). */
static int read_lines(FILE *in, const char *name, bool strict,
	struct summary *s, struct left_out *left, struct mail_summary *ms,
	bool *mail, uint64_t *known)
{
	struct readback rb;
	enum readback_status rs;
	int rc = 0;
	/* Each sweep's last record counts (the file holds one every few
	 * seconds, and a resumed sweep appends its own). */
	struct summary_sweep *sw = NULL;
	char (*order)[sizeof(rb.sweep.order)] = NULL;
	size_t nsw = 0;
	readback_file(&rb, in, name, true, OUTPUT_LINE_MAX);
	/* The first line says what was saved: a scan or a mail survey
	 * (resolver-probe mail). */
	rb.divert = mail_survey_line;
	while ((rs = readback_next(&rb)) != READBACK_EOF) {
		if (rs == READBACK_ERROR) {
			fprintf(stderr, "%s\n", rb.err);
			rc = -1;
			break;
		}
		if (rs == READBACK_OTHER) {
			char err[256];
			*mail = true;
			if (mail_summary_add(ms, rb.lr.line, rb.lr.len, err,
			    sizeof(err)) == 0) {
				(*known)++;
				continue;
			}
			fprintf(stderr, "%s:%lu: %s\n", name,
				readback_lineno(&rb), err);
			ms->malformed++;
			if (strict) {
				rc = -1;
				break;
			}
			continue;
		}
		if (rs == READBACK_BAD) {
			fprintf(stderr, "%s\n", rb.err);
			if (rb.diverted)
				ms->malformed++;
			else
				summary_add_malformed(s);
			if (strict) {
				rc = -1;
				break;
			}
			continue;
		}
		(*known)++;
		if (rs == READBACK_HEADER)
			continue;
		if (rs == READBACK_FOLLOW) {
			summary_add_follow(s, rb.follow_verdict);
			continue;
		}
		if (rs == READBACK_SWEEP) {
			size_t i = 0;
			while (i < nsw && strcmp(order[i], rb.sweep.order))
				i++;
			if (i == nsw) {
				void *a = realloc(sw, (nsw + 1) * sizeof(*sw));
				void *b = a ? realloc(order, (nsw + 1) *
					sizeof(*order)) : NULL;
				if (a)
					sw = a;
				if (b)
					order = b;
				if (!a || !b) {
					fprintf(stderr, "%s: out of memory\n",
						name);
					rc = -1;
					break;
				}
				memcpy(order[nsw++], rb.sweep.order,
					sizeof(*order));
			}
			sw[i] = (struct summary_sweep){
				.probed = rb.sweep.probed,
				.answered = rb.sweep.answered,
				.silent = rb.sweep.silent,
				.over = rb.sweep.over,
			};
			continue;
		}
		int added = summary_add(s, &rb.rec);
		summary_record_clear(&rb.rec);
		if (added < 0) {
			fprintf(stderr, "%s:%lu: out of memory\n", name,
				readback_lineno(&rb));
			rc = -1;
			break;
		}
	}
	for (size_t i = 0; rc == 0 && i < rb.left.n; i++)
		if (left_out_add(left, rb.left.provider[i], rb.left.why[i]) < 0) {
			fprintf(stderr, "%s: out of memory\n", name);
			rc = -1;
		}
	for (size_t i = 0; rc == 0 && i < nsw; i++)
		summary_add_sweep(s, &sw[i]);
	free(sw);
	free(order);
	readback_free(&rb);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ "title", required_argument, NULL, 'T' },
		{ "strict", no_argument, NULL, 'S' },
		{ "diff", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_LONGOPT,
		{ NULL, 0, NULL, 0 }
	};
	const char *html = NULL, *title = NULL;
	bool strict = false, diff = false, json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': html = optarg; break;
		case 'T': title = optarg; break;
		case 'S': strict = true; break;
		case 'D': diff = true; break;
		case 'J': json = true; break;
		default:
			return cmd_opt_end(c, argv, usage);
		}
	}
	if (json && !diff) {
		fprintf(stderr, "resolver-probe report: --json is for --diff\n");
		return EXIT_USAGE;
	}
	if (diff) {
		if (optind != argc - 2) {
			fprintf(stderr, "resolver-probe report: --diff: give "
				"OLD.jsonl and NEW.jsonl\n");
			usage(stderr);
			return EXIT_USAGE;
		}
		struct report_diff_opts o = { .json = json, .html = html,
			.title = title, .strict = strict };
		return report_diff(argv[optind], argv[optind + 1], &o);
	}
	if (optind != argc - 1) {
		fprintf(stderr, "resolver-probe report: give one FILE.jsonl "
			"(- for stdin)\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		fprintf(stderr, "resolver-probe report: %s: %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	struct summary *s = summary_new();
	if (!s) {
		fprintf(stderr, "resolver-probe report: out of memory\n");
		if (in != stdin)
			fclose(in);
		return EXIT_INCOMPLETE;
	}
	static struct mail_summary ms;
	bool mail = false;
	memset(&ms, 0, sizeof(ms));
	struct left_out left = { 0 };
	uint64_t known = 0;
	int rc = read_lines(in, name, strict, s, &left, &ms, &mail, &known);
	if (in != stdin)
		fclose(in);
	if (rc == 0 && known == 0) {
		/* Nothing to sum up: an all-zero summary would pass for one. */
		fprintf(stderr, "resolver-probe report: %s holds no record of "
			"a scan or a mail survey\n", name);
		rc = -1;
	}
	if (rc < 0) {
		left_out_clear(&left);
		summary_free(s);
		mail_summary_clear(&ms);
		return EXIT_USAGE;
	}

	int status = summary_invalid(s) ? EXIT_FINDING : EXIT_AGREE;
	if (mail)
		status = ms.overall[MAIL_PROTECTED] + ms.overall[MAIL_NO_MAIL] ==
			ms.domains ? EXIT_AGREE : EXIT_FINDING;
	char deftitle[512];
	/* The file's own name: a page shown or sent on needs no path. */
	const char *base = strrchr(name, '/');
	snprintf(deftitle, sizeof(deftitle), "resolver-probe report: %s",
		base && base[1] ? base + 1 : name);
	if (html && !strcmp(html, "-")) {
		if ((mail ? mail_summary_html(&ms, stdout, title ? title :
		    deftitle) : summary_html(s, stdout, title ? title :
		    deftitle)) < 0)
			status = EXIT_INCOMPLETE;
	} else {
		if ((mail ? mail_summary_print(&ms, stdout) :
		    summary_print(s, stdout)) < 0 ||
		    left_out_print(&left, stdout) < 0)
			status = EXIT_INCOMPLETE;
		if (html) {
			FILE *out = fopen(html, "w");
			if (!out) {
				fprintf(stderr, "resolver-probe report: %s: %s\n",
					html, strerror(errno));
				status = EXIT_USAGE;
			} else {
				int w = mail ? mail_summary_html(&ms, out,
					title ? title : deftitle) :
					summary_html(s, out,
					title ? title : deftitle);
				if (fclose(out) != 0 || w < 0) {
					fprintf(stderr, "resolver-probe report: "
						"%s: write error\n", html);
					status = EXIT_INCOMPLETE;
				}
			}
		}
	}
	if (fflush(stdout) != 0)
		status = EXIT_INCOMPLETE;
	summary_free(s);
	left_out_clear(&left);
	mail_summary_clear(&ms);
	return status;
}

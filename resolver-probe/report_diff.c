/* report_diff.c: `report --diff OLD NEW` (see report_diff.h). */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "resolver-probe/report_diff.h"
#include "resolver-probe/commands.h"
#include "common/html.h"
#include "common/json.h"
#include "mail/survey.h"
#include "scan/diff.h"
#include "scan/output.h"
#include "scan/readback.h"
#include "validator/verdict.h"

/* Changes listed in the text, per kind; JSON Lines list every one. */
#define TEXT_LIST_MAX 50

/* Read the scan records of path into d.  Returns 0, or -1 (said why). */
static int read_side(const char *path, bool strict, struct diff_side *d)
{
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		fprintf(stderr, "resolver-probe report: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	struct readback rb;
	enum readback_status rs;
	uint64_t records = 0;
	int rc = 0;
	readback_file(&rb, in, name, true, OUTPUT_LINE_MAX);
	rb.divert = mail_survey_line;
	while (rc == 0 && (rs = readback_next(&rb)) != READBACK_EOF) {
		switch (rs) {
		case READBACK_RECORD:
			records++;
			if (diff_side_add(d, &rb.rec) < 0) {
				fprintf(stderr, "%s: out of memory\n", name);
				rc = -1;
			}
			summary_record_clear(&rb.rec);
			break;
		case READBACK_OTHER:
			fprintf(stderr, "resolver-probe report: %s is a mail "
				"survey: --diff compares two scans\n", name);
			rc = -1;
			break;
		case READBACK_BAD:
			fprintf(stderr, "%s\n", rb.err);
			if (strict)
				rc = -1;
			break;
		case READBACK_ERROR:
			fprintf(stderr, "%s\n", rb.err);
			rc = -1;
			break;
		default:
			break;
		}
	}
	readback_free(&rb);
	if (in != stdin)
		fclose(in);
	if (rc == 0 && records == 0) {
		fprintf(stderr, "resolver-probe report: %s holds no record of "
			"a scan\n", name);
		rc = -1;
	}
	return rc;
}

/* One change, kept for the grouped text and page. */
struct change {
	enum diff_change kind;
	char what[64];
	int old_cls, new_cls;
};

struct changes {
	struct change *v;
	size_t n, cap;
};

static const char *cls_str(int c)
{
	return c < 0 ? NULL : c >= CLASS_COUNT ? "unjudged" :
		verdict_class_str((enum verdict_class)c);
}

static int on_change(enum diff_change kind, const char *what, int old_cls,
	int new_cls, void *arg)
{
	struct changes *ch = arg;
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? 2 * ch->cap : 256;
		struct change *v = realloc(ch->v, cap * sizeof(*v));
		if (!v)
			return -1;
		ch->v = v;
		ch->cap = cap;
	}
	struct change *c = &ch->v[ch->n++];
	c->kind = kind;
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->old_cls = old_cls;
	c->new_cls = new_cls;
	return 0;
}

/* Every change a line, then the counts.  Returns 0 or -1. */
static int print_json(FILE *f, const struct diff_counts *c,
	const struct changes *ch)
{
	struct json j;
	int rc = 0;
	json_init(&j, 4096);
	for (size_t i = 0; rc == 0 && i <= ch->n; i++) {
		json_reset(&j);
		json_obj_open(&j, NULL);
		if (i < ch->n) {
			const struct change *x = &ch->v[i];
			json_str(&j, "diff", diff_change_str(x->kind));
			json_str(&j, x->kind >= DIFF_DEST_APPEARED ? "address" :
				"resolver", x->what);
			if (x->kind < DIFF_DEST_APPEARED) {
				json_str(&j, "old", cls_str(x->old_cls));
				json_str(&j, "new", cls_str(x->new_cls));
			}
		} else {
			json_obj_open(&j, "diff_summary");
			json_int(&j, "both", (long long)c->both);
			json_int(&j, "only_old", (long long)c->only_old);
			json_int(&j, "only_new", (long long)c->only_new);
			json_int(&j, "other_changes",
				(long long)c->other_changes);
			for (int k = 0; k < DIFF_CHANGE_COUNT; k++)
				json_int(&j, diff_change_str(
					(enum diff_change)k), (long long)c->n[k]);
			json_obj_close(&j);
		}
		json_obj_close(&j);
		rc = json_write_line(&j, f);
	}
	json_clear(&j);
	return rc;
}

static const char *const titles[DIFF_CHANGE_COUNT] = {
	"began lying", "stopped lying", "changed lying class",
	"lying, only in the new scan", "lied, only in the old scan",
	"lie destinations that appeared", "lie destinations that went away",
};

static void print_text(FILE *f, const char *old, const char *new,
	const struct diff_counts *c, const struct changes *ch)
{
	fprintf(f, "scan diff: %s -> %s\n", old, new);
	fprintf(f, "  %-34s %10llu\n", "resolvers in both",
		(unsigned long long)c->both);
	for (int k = 0; k < DIFF_CHANGE_COUNT; k++)
		fprintf(f, "  %-34s %10llu\n", titles[k],
			(unsigned long long)c->n[k]);
	fprintf(f, "  %-34s %10llu\n", "other class changes (no lie)",
		(unsigned long long)c->other_changes);
	fprintf(f, "  %-34s %10llu\n", "resolvers only in the old scan",
		(unsigned long long)c->only_old);
	fprintf(f, "  %-34s %10llu\n", "resolvers only in the new scan",
		(unsigned long long)c->only_new);
	for (int k = 0; k < DIFF_CHANGE_COUNT; k++) {
		if (!c->n[k])
			continue;
		fprintf(f, "\n%s (%llu)\n", titles[k],
			(unsigned long long)c->n[k]);
		size_t shown = 0;
		for (size_t i = 0; i < ch->n && shown < TEXT_LIST_MAX; i++) {
			const struct change *x = &ch->v[i];
			if (x->kind != (enum diff_change)k)
				continue;
			shown++;
			if (k >= DIFF_DEST_APPEARED)
				fprintf(f, "  %s\n", x->what);
			else
				fprintf(f, "  %-40s %s -> %s\n", x->what,
					x->old_cls < 0 ? "-" :
					cls_str(x->old_cls), x->new_cls < 0 ?
					"-" : cls_str(x->new_cls));
		}
		if (c->n[k] > shown)
			fprintf(f, "  (%llu more: --json lists every change)\n",
				(unsigned long long)(c->n[k] - shown));
	}
}

static int print_html(FILE *f, const char *title, const struct diff_counts *c,
	const struct changes *ch)
{
	html_page_head(f, title);
	fputs("<div class=\"cards\">\n", f);
	for (int k = 0; k < DIFF_CHANGE_COUNT; k++) {
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>",
			(unsigned long long)c->n[k]);
		html_text(f, titles[k]);
		fputs("</div>\n", f);
	}
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"resolvers in both scans</div>\n</div>\n",
		(unsigned long long)c->both);
	for (int k = 0; k < DIFF_CHANGE_COUNT; k++) {
		if (!c->n[k])
			continue;
		fputs("<h2>", f);
		html_text(f, titles[k]);
		fputs("</h2>\n<table><tr><th>", f);
		fputs(k >= DIFF_DEST_APPEARED ? "address</th></tr>\n" :
			"resolver</th><th>old class</th><th>new class</th>"
			"</tr>\n", f);
		for (size_t i = 0; i < ch->n; i++) {
			const struct change *x = &ch->v[i];
			if (x->kind != (enum diff_change)k)
				continue;
			fputs("<tr><td>", f);
			html_text(f, x->what);
			if (k < DIFF_DEST_APPEARED) {
				fputs("</td><td>", f);
				html_text(f, x->old_cls < 0 ? "-" :
					cls_str(x->old_cls));
				fputs("</td><td>", f);
				html_text(f, x->new_cls < 0 ? "-" :
					cls_str(x->new_cls));
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	html_page_end(f);
	return ferror(f) ? -1 : 0;
}

/* The file's own name, without its folders. */
static const char *base(const char *path)
{
	const char *b = strrchr(path, '/');
	return b && b[1] ? b + 1 : path;
}

int report_diff(const char *old, const char *new,
	const struct report_diff_opts *o)
{
	if (!strcmp(old, "-") && !strcmp(new, "-")) {
		fprintf(stderr, "resolver-probe report: --diff reads at most "
			"one file from stdin\n");
		return EXIT_USAGE;
	}
	struct diff_side a, b;
	diff_side_init(&a);
	diff_side_init(&b);
	if (read_side(old, o->strict, &a) < 0 ||
	    read_side(new, o->strict, &b) < 0) {
		diff_side_clear(&a);
		diff_side_clear(&b);
		return EXIT_USAGE;
	}
	struct changes ch = { 0 };
	struct diff_counts c;
	int status = EXIT_AGREE;
	char deftitle[600];
	snprintf(deftitle, sizeof(deftitle), "resolver-probe diff: %s -> %s",
		base(old), base(new));
	const char *title = o->title ? o->title : deftitle;
	bool page_out = o->html && !strcmp(o->html, "-");
	if (diff_run(&a, &b, on_change, &ch, &c) < 0) {
		fprintf(stderr, "resolver-probe report: out of memory\n");
		status = EXIT_INCOMPLETE;
	} else if (page_out) {
		if (print_html(stdout, title, &c, &ch) < 0)
			status = EXIT_INCOMPLETE;
	} else if (o->json) {
		if (print_json(stdout, &c, &ch) < 0) {
			fprintf(stderr, "resolver-probe report: write to stdout "
				"failed\n");
			status = EXIT_INCOMPLETE;
		}
	} else
		print_text(stdout, old, new, &c, &ch);
	if (status == EXIT_AGREE && o->html && !page_out) {
		FILE *f = fopen(o->html, "w");
		if (!f) {
			fprintf(stderr, "resolver-probe report: %s: %s\n",
				o->html, strerror(errno));
			status = EXIT_USAGE;
		} else {
			int w = print_html(f, title, &c, &ch);
			if (fclose(f) != 0 || w < 0) {
				fprintf(stderr, "resolver-probe report: %s: "
					"write error\n", o->html);
				status = EXIT_INCOMPLETE;
			}
		}
	}
	if (status == EXIT_AGREE && (c.n[DIFF_BEGAN_LYING] ||
	    c.n[DIFF_CHANGED_LIE] || c.n[DIFF_NEW_LIAR] ||
	    c.n[DIFF_DEST_APPEARED]))
		status = EXIT_FINDING;
	if (fflush(stdout) != 0)
		status = EXIT_INCOMPLETE;
	free(ch.v);
	diff_side_clear(&a);
	diff_side_clear(&b);
	return status;
}

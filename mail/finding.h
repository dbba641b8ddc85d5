/* finding.h: what the mail record parsers say about a record, as data: a
 * bounded list of findings, each a fixed code ("spf-plus-all") and a
 * sentence with the evidence, and the escape every printed piece of record
 * text goes through (records come from the network: control characters
 * and invalid UTF-8 must not reach a terminal or a log as they are). */
#ifndef MAIL_FINDING_H
#define MAIL_FINDING_H
#include <stddef.h>
#include <stdbool.h>

#define MAIL_FINDINGS_MAX 16	/* findings kept per record; more are counted */
#define MAIL_FINDING_TEXT 200	/* bytes of one finding's sentence */

/** How bad a finding is. */
enum mail_severity {
	MAIL_ERROR = 0,		/* the record is invalid (syntax, RFC MUST) */
	MAIL_WARN,		/* valid, but weak or against a SHOULD */
	MAIL_NOTE		/* worth saying, harmless */
};

struct mail_finding {
	enum mail_severity severity;
	const char *code;	/* static, e.g. "spf-syntax" */
	char text[MAIL_FINDING_TEXT];	/* escaped, NUL-terminated */
};

/** The findings about one record: lives inside the parser's result.
 * The list is allocated as findings come (most records have none): free
 * it with mail_findings_clear, which the result's own clear calls. */
struct mail_findings {
	struct mail_finding *f;	/* owned, n of them */
	size_t cap;
	size_t n;		/* kept */
	size_t dropped;		/* not kept: past MAIL_FINDINGS_MAX */
	size_t errors;		/* MAIL_ERROR findings, kept or not */
};

/** Add a finding; the text is formatted and cut at MAIL_FINDING_TEXT.
 * Text taken from a record must already be escaped (mail_escape). */
void mail_finding_add(struct mail_findings *fs, enum mail_severity sev,
	const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Free the list; fs is empty again. */
void mail_findings_clear(struct mail_findings *fs);

/** Is there a finding with this code? */
bool mail_findings_has(const struct mail_findings *fs, const char *code);

/** "error", "warning", "note". */
const char *mail_severity_str(enum mail_severity s);

/** Escape len bytes of record text in into out (outlen bytes,
 * NUL-terminated, cut with "..." at a whole character or escape when it
 * does not fit): escape_str's ESCAPE_RECORD style (common/escape.h):
 * printable ASCII and valid UTF-8 sequences of printable characters stay,
 * a backslash becomes "\\", anything else (control characters, DEL,
 * invalid or overlong UTF-8, C1 controls) becomes "\xhh".  Returns out. */
char *mail_escape(const char *in, size_t len, char *out, size_t outlen);

#endif

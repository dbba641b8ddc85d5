/* smtp.c: a bounded SMTP reply reader and EHLO keyword checks. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include "dnssec/smtp.h"
#include "common/escape.h"

void smtp_reader_init(struct smtp_reader *r)
{
	r->linelen = 0;
	r->reply.code = 0;
	r->reply.nlines = 0;
	r->reply.textlen = 0;
	r->reply.dropped = 0;
	r->reply.dropped_starttls = false;
	r->done = false;
	r->keep_excess = false;
	r->failed = false;
	r->err[0] = '\0';
}

static enum smtp_feed fail(struct smtp_reader *r, const char *why)
{
	r->failed = true;
	snprintf(r->err, sizeof(r->err), "%s", why);
	return SMTP_BAD;
}

/* The first word of line, case-insensitively equal to kw? */
static bool first_word_is(const char *line, const char *kw)
{
	size_t n = strlen(kw);
	return strncasecmp(line, kw, n) == 0 &&
		(line[n] == '\0' || line[n] == ' ');
}

/* One complete line (without its end) in r->line: check it and add it to
 * the reply.  Returns SMTP_REPLY on the last line of a reply. */
static enum smtp_feed take_line(struct smtp_reader *r)
{
	const char *l = r->line;
	size_t n = r->linelen;
	struct smtp_reply *rep = &r->reply;
	if (n < 3 || l[0] < '2' || l[0] > '5' || !isdigit((unsigned char)l[1])
	    || !isdigit((unsigned char)l[2]) || (n > 3 && l[3] != ' ' &&
	    l[3] != '-')) {
		char why[120], shown[64];
		escape_str(shown, sizeof(shown), l, n, ESCAPE_SMTP);
		snprintf(why, sizeof(why), "not an SMTP reply line: \"%s\"",
			shown);
		return fail(r, why);
	}
	int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (rep->nlines && code != rep->code) {
		char why[120];
		snprintf(why, sizeof(why),
			"reply code changed from %d to %d inside a multi-line reply",
			rep->code, code);
		return fail(r, why);
	}
	const char *text = n > 4 ? l + 4 : "";
	size_t tlen = n > 4 ? n - 4 : 0;
	bool last = n == 3 || l[3] == ' ';
	if (rep->nlines == SMTP_REPLY_LINES_MAX ||
	    rep->textlen + tlen > SMTP_REPLY_TEXT_MAX) {
		char why[80];
		if (r->keep_excess) {
			rep->dropped++;
			if (first_word_is(text, "STARTTLS"))
				rep->dropped_starttls = true;
			r->done = last;
			return last ? SMTP_REPLY : SMTP_MORE;
		}
		if (rep->nlines == SMTP_REPLY_LINES_MAX)
			snprintf(why, sizeof(why), "reply has more than %d lines",
				SMTP_REPLY_LINES_MAX);
		else
			snprintf(why, sizeof(why),
				"reply text longer than %d bytes",
				SMTP_REPLY_TEXT_MAX);
		return fail(r, why);
	}
	char *dst = rep->text + rep->textlen + rep->nlines;
	memcpy(dst, text, tlen);
	dst[tlen] = '\0';
	rep->lines[rep->nlines++] = dst;
	rep->textlen += tlen;
	rep->code = code;
	if (last) {
		r->done = true;
		return SMTP_REPLY;
	}
	return SMTP_MORE;
}

enum smtp_feed smtp_reader_feed(struct smtp_reader *r, const char *buf,
	size_t len, size_t *used)
{
	size_t i = 0;
	enum smtp_feed st = SMTP_MORE;
	if (r->failed) {
		*used = 0;
		return SMTP_BAD;
	}
	if (r->done) {
		*used = 0;
		return SMTP_REPLY;
	}
	while (i < len && st == SMTP_MORE) {
		char c = buf[i++];
		if (c == '\0') {
			st = fail(r, "NUL byte in reply");
			break;
		}
		if (c == '\n') {
			if (r->linelen && r->line[r->linelen - 1] == '\r')
				r->linelen--;
			r->line[r->linelen] = '\0';
			st = take_line(r);
			r->linelen = 0;
			continue;
		}
		/* One extra octet for the CR of a full-length line. */
		if (r->linelen == SMTP_LINE_MAX + 1 ||
		    (r->linelen == SMTP_LINE_MAX && c != '\r')) {
			char why[80];
			snprintf(why, sizeof(why),
				"reply line longer than %d bytes",
				SMTP_LINE_MAX);
			st = fail(r, why);
			break;
		}
		r->line[r->linelen++] = c;
	}
	*used = i;
	return st;
}

bool smtp_ehlo_has(const struct smtp_reply *ehlo, const char *keyword)
{
	if (ehlo->dropped_starttls && !strcasecmp(keyword, "STARTTLS"))
		return true;
	for (size_t i = 1; i < ehlo->nlines; i++)
		if (first_word_is(ehlo->lines[i], keyword))
			return true;
	return false;
}

const char *smtp_ehlo_blanked(const struct smtp_reply *ehlo)
{
	for (size_t i = 1; i < ehlo->nlines; i++) {
		const char *l = ehlo->lines[i];
		size_t w = strcspn(l, " ");
		if (w != 8)
			continue;
		size_t x = 0;
		while (x < 7 && (l[x] == 'X' || l[x] == 'x'))
			x++;
		if (x == 7 && isalpha((unsigned char)l[7]))
			return l;
	}
	return NULL;
}

char *smtp_reply_str(const struct smtp_reply *reply, char *buf,
	size_t buflen)
{
	size_t w = 0;
	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < reply->nlines && w < buflen; i++) {
		int n = snprintf(buf + w, buflen - w, "%s%d%c%s",
			i ? " / " : "", reply->code,
			i + 1 < reply->nlines ? '-' : ' ', reply->lines[i]);
		if (n < 0)
			break;
		w += (size_t)n;
	}
	return buf;
}

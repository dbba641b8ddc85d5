/* smtp.h: the SMTP reply reader (RFC 5321 section 4.2) as a pure, bounded
 * state machine, and what an EHLO reply offers.  No sockets: the caller
 * feeds whatever bytes arrived. */
#ifndef DNSSEC_SMTP_H
#define DNSSEC_SMTP_H
#include <stddef.h>
#include <stdbool.h>

/* Caps (curl's and Postfix's readers cap the same things).  RFC 5321
 * allows 512 octets a reply line; real servers stay far below 1000. */
#define SMTP_LINE_MAX 1000	/* octets a line, CRLF excluded */
#define SMTP_REPLY_LINES_MAX 64	/* lines in one multi-line reply */
#define SMTP_REPLY_TEXT_MAX 8192	/* text of one reply, all lines */

/** One complete reply. */
struct smtp_reply {
	int code;			/* 200..599 */
	size_t nlines;
	/* Text of each line after "NNN-" / "NNN ", NUL-terminated, pointing
	 * into text. */
	const char *lines[SMTP_REPLY_LINES_MAX];
	char text[SMTP_REPLY_TEXT_MAX + SMTP_REPLY_LINES_MAX];
	size_t textlen;
	/* Lines past the caps, read and dropped (keep_excess), and whether
	 * one of them offered STARTTLS, the one keyword the checks read. */
	size_t dropped;
	bool dropped_starttls;
};

/** Reader state: lives inside the caller's struct; no allocation. */
struct smtp_reader {
	char line[SMTP_LINE_MAX + 2];	/* the line being read */
	size_t linelen;
	struct smtp_reply reply;	/* the reply being read, then done */
	bool done;			/* reply holds a complete reply */
	/* Past SMTP_REPLY_LINES_MAX lines or SMTP_REPLY_TEXT_MAX of text,
	 * drop lines instead of failing: an EHLO reply may list any number
	 * of extensions (RFC 5321 sets no limit), and a sender reads them
	 * all.  Set after smtp_reader_init. */
	bool keep_excess;
	bool failed;			/* a protocol error; err says which */
	char err[160];
};

/** Outcomes of smtp_reader_feed. */
enum smtp_feed {
	SMTP_MORE = 0,		/* need more bytes */
	SMTP_REPLY = 1,		/* r->reply is complete */
	SMTP_BAD = -1		/* protocol error: r->err says what; sticky */
};

/** Start (or restart) reading a reply. */
void smtp_reader_init(struct smtp_reader *r);

/** Feed len bytes.  Consumes bytes up to the end of the first complete
 * reply and stores how many in *used; bytes after it stay with the caller
 * (after a 220 to STARTTLS they are a protocol violation: RFC 3207 section
 * 5 command injection).  Lines end in CRLF or a bare LF.  Errors: a line
 * over SMTP_LINE_MAX, more than SMTP_REPLY_LINES_MAX lines or
 * SMTP_REPLY_TEXT_MAX of text, a line that does not start with a 3-digit
 * code from 2xx..5xx followed by ' ', '-' or the end, a continuation line
 * with another code, a NUL byte (the line and text caps not with
 * keep_excess).  After SMTP_REPLY call smtp_reader_init
 * before reading the next reply. */
enum smtp_feed smtp_reader_feed(struct smtp_reader *r, const char *buf,
	size_t len, size_t *used);

/** Does the EHLO reply advertise keyword (case-insensitive, as the first
 * word of a line after the greeting line; STARTTLS also on a dropped
 * line)? */
bool smtp_ehlo_has(const struct smtp_reply *ehlo, const char *keyword);

/** An extension keyword an SMTP-inspecting middlebox blanked out: an
 * 8-letter word whose first 7 letters are X (Cisco's "XXXXXXXA" for
 * STARTTLS).  Returns the keyword's line (borrowed from ehlo) or NULL. */
const char *smtp_ehlo_blanked(const struct smtp_reply *ehlo);

/** The reply as "250-first line / 250 last line" for messages, cut to
 * buflen.  Returns buf. */
char *smtp_reply_str(const struct smtp_reply *reply, char *buf,
	size_t buflen);

#endif

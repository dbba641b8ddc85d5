/* escape.h: text from outside (a file, a DNS reply, an SMTP server) made
 * safe for a terminal or a text output.  Control characters (C0, DEL and
 * the C1 range U+0080-U+009F), NUL bytes and bytes that are not valid
 * UTF-8 are escaped; valid UTF-8 text is kept as it is, and so is the
 * backslash (text ldns already presented keeps its own \DDD escapes)
 * except in raw record text.  Styles after the tools users know: dig's
 * decimal \DDD for DNS text and file input, posttls-finger's \xHH for SMTP
 * text.  JSON output does not
 * use this: the JSON writer escapes by JSON's own rules. */
#ifndef COMMON_ESCAPE_H
#define COMMON_ESCAPE_H
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

enum escape_style {
	ESCAPE_DNS = 0,		/* \DDD, decimal, as dig */
	ESCAPE_SMTP,		/* \xHH, hexadecimal, as posttls-finger */
	/* \xhh, and a backslash doubled: raw record bytes (TXT strings
	 * joined, an HTTP header), where a backslash is a byte of its own
	 * and must not read as the start of an escape. */
	ESCAPE_RECORD
};

/** Does s (n bytes) hold anything escape_text would escape in the DNS or
 * SMTP style? */
bool escape_needed(const char *s, size_t n);

/** Write s (n bytes, may hold NUL bytes) to f escaped in style st.
 * Returns 0, or -1 on a write error. */
int escape_text(FILE *f, const char *s, size_t n, enum escape_style st);

/** Write s (n bytes) escaped into buf (size bytes, NUL-terminated); what
 * does not fit is cut at a whole character or escape and marked "...".
 * Returns buf. */
char *escape_str(char *buf, size_t size, const char *s, size_t n,
	enum escape_style st);

#endif

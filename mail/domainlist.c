/* domainlist.c: a list of mail domains, a line at a time (domainlist.h). */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/escape.h"
#include "mail/domainlist.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Letters, digits, '-', '_' and '.' only (a NUL byte is none of them),
 * with no empty label. */
static bool host_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-._", s[i]) || s[i] == '\0' ||
		    (s[i] == '.' && (i == 0 || s[i - 1] == '.')))
			return false;
	return true;
}

enum mail_list_status mail_list_next(struct lineread *lr, char *out,
	size_t outlen, char *err, size_t errlen)
{
	for (;;) {
		enum lineread_status ls = lineread_next(lr);
		if (ls == LINEREAD_EOF)
			return MAIL_LIST_EOF;
		if (ls == LINEREAD_ERROR || ls == LINEREAD_LONG) {
			snprintf(err, errlen, "%s", lr->err);
			return ls == LINEREAD_ERROR ? MAIL_LIST_ERROR :
				MAIL_LIST_BAD;
		}
		const char *line = lr->line;
		const char *hash = memchr(line, '#', lr->len);
		size_t len = hash ? (size_t)(hash - line) : lr->len;
		size_t at = 0, end;
		while (at < len && blank(line[at]))
			at++;
		if (at == len)
			continue;
		for (end = at; end < len && !blank(line[end]); end++)
			;
		size_t n = end - at;
		const char *s = line + at;
		while (end < len && blank(line[end]))
			end++;
		if (end < len) {
			snprintf(err, errlen, "%s:%lu: more than one word",
				lr->name, lr->lineno);
			return MAIL_LIST_BAD;
		}
		if (n > 253 || n >= outlen || !host_name(s, n)) {
			char e[120];
			snprintf(err, errlen, "%s:%lu: not a domain name: "
				"\"%s\"", lr->name, lr->lineno,
				escape_str(e, sizeof(e), s, n, ESCAPE_SMTP));
			return MAIL_LIST_BAD;
		}
		memcpy(out, s, n);
		out[n] = '\0';
		return MAIL_LIST_DOMAIN;
	}
}

/* domainlist.c: a list of mail domains, a line at a time (domainlist.h). */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/dnsname.h"
#include "mail/domainlist.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
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
		char why[160];
		if (dns_name_check(s, n, DNS_NAME_HOST, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%lu: %s", lr->name,
				lr->lineno, why);
			return MAIL_LIST_BAD;
		}
		if (n >= outlen) {
			snprintf(err, errlen, "%s:%lu: a name longer than %zu "
				"bytes", lr->name, lr->lineno, outlen - 1);
			return MAIL_LIST_BAD;
		}
		memcpy(out, s, n);
		out[n] = '\0';
		return MAIL_LIST_DOMAIN;
	}
}

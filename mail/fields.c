/* fields.c: name=value; fields of TLS-RPT and MTA-STS records (fields.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/fields.h"

#define ESC(buf, p, n) mail_escape((p), (n), (buf), sizeof(buf))

static bool wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* The item of text (len bytes) from *i up to sep or the end, trimmed of
 * spaces and tabs, into *t and *tn; *i moves past the separator.
 * Returns whether it was the last item. */
static bool next_item(const char *text, size_t len, size_t *i, char sep,
	const char **t, size_t *tn)
{
	size_t k = *i;
	while (k < len && text[k] != sep)
		k++;
	*t = text + *i;
	*tn = k - *i;
	while (*tn && wsp(**t)) {
		(*t)++;
		(*tn)--;
	}
	while (*tn && wsp((*t)[*tn - 1]))
		(*tn)--;
	*i = k + 1;
	return k >= len;
}

size_t mail_fields_split(const char *text, size_t len,
	struct mail_field *f, size_t max, struct mail_findings *fs,
	const char *code)
{
	char e1[120];
	size_t nf = 0, i = 0;
	while (i <= len) {
		const char *t;
		size_t tn;
		bool last = next_item(text, len, &i, ';', &t, &tn);
		if (tn == 0) {
			/* Only the end may be empty: "...; " */
			if (!last)
				mail_finding_add(fs, MAIL_ERROR, code,
					"an empty field (\";;\")");
			continue;
		}
		const char *eq = memchr(t, '=', tn);
		if (!eq) {
			mail_finding_add(fs, MAIL_ERROR, code,
				"\"%s\" is not name=value", ESC(e1, t, tn));
			continue;
		}
		size_t nlen = (size_t)(eq - t), vlen = tn - nlen - 1;
		bool name_ok = nlen >= 1 && nlen <= 32 && alnum(t[0]);
		for (size_t j = 1; name_ok && j < nlen; j++)
			name_ok = alnum(t[j]) || t[j] == '_' || t[j] == '-' ||
				t[j] == '.';
		if (!name_ok) {
			mail_finding_add(fs, MAIL_ERROR, code,
				"\"%s\": not a field name", ESC(e1, t, nlen));
			continue;
		}
		bool rua = nlen == 3 && !memcmp(t, "rua", 3);
		bool val_ok = vlen > 0;
		for (size_t j = 0; val_ok && j < vlen; j++) {
			unsigned char c = (unsigned char)eq[1 + j];
			val_ok = (c > 0x20 && c < 0x7f && (c != '=' || rua)) ||
				(rua && wsp((char)c));
		}
		if (!val_ok) {
			mail_finding_add(fs, MAIL_ERROR, code,
				"%s: a bad or empty value", ESC(e1, t, tn));
			continue;
		}
		if (nf >= max) {
			mail_finding_add(fs, MAIL_ERROR, code,
				"more than %zu fields", max);
			break;
		}
		f[nf].name = t;
		f[nf].nlen = nlen;
		f[nf].value = eq + 1;
		f[nf].vlen = vlen;
		nf++;
	}
	return nf;
}

int mail_uris_add(struct mail_uris *u, const char *s, size_t len)
{
	char e[MAIL_URI_MAX];
	if (u->n == MAIL_URIS_MAX)
		return 1;
	char *c = strdup(mail_escape(s, len, e, sizeof(e)));
	if (!c)
		return -1;
	u->v[u->n++] = c;
	return 0;
}

void mail_uris_clear(struct mail_uris *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	u->n = 0;
}

void mail_uris_parse(struct mail_uris *u, const char *s, size_t n,
	mail_uri_check_fn check, struct mail_findings *fs, const char *code,
	const char *tag)
{
	char e[120];
	size_t i = 0;
	while (i <= n) {
		const char *v;
		size_t vn;
		next_item(s, n, &i, ',', &v, &vn);
		const char *why = check(v, vn);
		if (why)
			mail_finding_add(fs, MAIL_ERROR, code, "%s=%s: %s", tag,
				ESC(e, v, vn), why);
		else if (mail_uris_add(u, v, vn) < 0)
			mail_finding_add(fs, MAIL_ERROR, code, "%s: out of "
				"memory", tag);
	}
}

/* mtasts.c: MTA-STS records, policies and MX matching (mtasts.h). */
#include "config.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include "mail/mtasts.h"
#include "mail/fields.h"

#define ESC(buf, p, n) mail_escape((p), (n), (buf), sizeof(buf))

bool mtasts_is_txt(const char *txt, size_t len)
{
	return len >= 7 && !strncmp(txt, "v=STSv1", 7) &&
		(len == 7 || txt[7] == ';' || txt[7] == ' ' ||
		txt[7] == '\t');
}

void mtasts_txt_parse(const char *text, size_t len, struct mtasts_txt *r)
{
	char e1[120];
	memset(r, 0, sizeof(*r));
	if (len > MTASTS_TEXT_MAX) {
		mail_finding_add(&r->findings, MAIL_ERROR,
			"mtasts-txt-syntax", "the record is %zu bytes long "
			"(over %d)", len, MTASTS_TEXT_MAX);
		return;
	}
	if (!mtasts_is_txt(text, len)) {
		mail_finding_add(&r->findings, MAIL_ERROR,
			"mtasts-txt-syntax", "does not start with v=STSv1: %s",
			ESC(e1, text, len));
		return;
	}
	struct mail_field f[MAIL_FIELDS_MAX];
	size_t nf = mail_fields_split(text, len, f, MAIL_FIELDS_MAX,
		&r->findings, "mtasts-txt-syntax");
	bool id = false;
	for (size_t i = 1; i < nf; i++) {
		if (f[i].nlen != 2 || strncmp(f[i].name, "id", 2))
			continue;
		if (id) {
			mail_finding_add(&r->findings, MAIL_ERROR,
				"mtasts-txt-syntax", "id= given twice");
			continue;
		}
		id = true;
		bool ok = f[i].vlen >= 1 && f[i].vlen <= 32;
		for (size_t k = 0; ok && k < f[i].vlen; k++)
			ok = isalnum((unsigned char)f[i].value[k]);
		if (!ok)
			mail_finding_add(&r->findings, MAIL_ERROR,
				"mtasts-txt-syntax", "id=%s: not 1 to 32 "
				"letters and digits", ESC(e1, f[i].value,
				f[i].vlen));
		else {
			memcpy(r->id, f[i].value, f[i].vlen);
			r->id[f[i].vlen] = '\0';
		}
	}
	if (!id)
		mail_finding_add(&r->findings, MAIL_ERROR,
			"mtasts-txt-syntax", "no id= (REQUIRED, section 3.1)");
	r->syntax_ok = r->findings.errors == 0;
}

const char *mtasts_mode_str(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_ENFORCE: return "enforce";
	case MTASTS_TESTING: return "testing";
	case MTASTS_NONE: return "none";
	default: return "unset";
	}
}

/* An mx pattern: ["*."] Domain, Domain = sub-domain *("." sub-domain)
 * (RFC 5321: letters, digits, hyphens inside), with at least two labels
 * after a wildcard.  Lowercased, a trailing dot dropped, into out. */
static const char *pattern_check(const char *s, size_t n, char *out)
{
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return "not a domain name";
	size_t start = 0;
	if (n >= 2 && s[0] == '*' && s[1] == '.')
		start = 2;
	size_t lab = 0, labels = 0;
	for (size_t i = start; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (lab == 0 || lab > 63)
				return "an empty or over-long label";
			if (s[i - 1] == '-' || s[i - lab] == '-')
				return "a label starting or ending in '-'";
			labels++;
			lab = 0;
			continue;
		}
		if (s[i] == '*')
			return "a wildcard only as the whole leftmost label "
				"(\"*.example.com\", section 3.2)";
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return "a character not allowed in a host name";
		lab++;
	}
	if (start && labels < 2)
		return "a wildcard over a single label";
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return NULL;
}

static bool eqi(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(s, word, n);
}

/* Keep one more mx pattern; -1 when out of memory. */
static int mx_add(struct mtasts_policy *p, const char *pat)
{
	if (p->nmx == p->mxcap) {
		size_t cap = p->mxcap ? 2 * p->mxcap : 4;
		char (*n)[256] = realloc(p->mx, cap * sizeof(*n));
		if (!n)
			return -1;
		p->mx = n;
		p->mxcap = cap;
	}
	snprintf(p->mx[p->nmx++], sizeof(p->mx[0]), "%s", pat);
	return 0;
}

void mtasts_txt_clear(struct mtasts_txt *r)
{
	mail_findings_clear(&r->findings);
}

void mtasts_policy_clear(struct mtasts_policy *p)
{
	free(p->mx);
	mail_findings_clear(&p->findings);
	memset(p, 0, sizeof(*p));
}

void mtasts_policy_parse(const char *text, size_t len,
	struct mtasts_policy *p)
{
	char e1[120], e2[120];
	memset(p, 0, sizeof(*p));
	p->mode = MTASTS_MODE_UNSET;
	struct mail_findings *fs = &p->findings;
	const char *code = "mtasts-policy-syntax";
	if (len > MTASTS_POLICY_MAX) {
		mail_finding_add(fs, MAIL_ERROR, code, "the policy is %zu "
			"bytes long (over %d)", len, MTASTS_POLICY_MAX);
		return;
	}
	if (memchr(text, '\0', len)) {
		mail_finding_add(fs, MAIL_ERROR, code, "a NUL byte in the "
			"policy");
		return;
	}
	bool version = false, mode = false, max_age = false;
	size_t i = 0;
	unsigned line = 0;
	while (i < len) {
		size_t k = i;
		while (k < len && text[k] != '\n')
			k++;
		const char *l = text + i;
		size_t ln = k - i;
		i = k + 1;
		line++;
		if (ln && l[ln - 1] == '\r')
			ln--;
		while (ln && (l[ln - 1] == ' ' || l[ln - 1] == '\t'))
			ln--;
		if (ln == 0)
			continue;
		const char *colon = memchr(l, ':', ln);
		if (!colon) {
			mail_finding_add(fs, MAIL_ERROR, code, "line %u: "
				"\"%s\" is not key: value", line,
				ESC(e1, l, ln));
			continue;
		}
		size_t kn = (size_t)(colon - l);
		const char *v = colon + 1;
		size_t vn = ln - kn - 1;
		while (vn && (*v == ' ' || *v == '\t')) {
			v++;
			vn--;
		}
		bool *seen = NULL;
		if (eqi(l, kn, "version"))
			seen = &version;
		else if (eqi(l, kn, "mode"))
			seen = &mode;
		else if (eqi(l, kn, "max_age"))
			seen = &max_age;
		if (seen && *seen) {
			mail_finding_add(fs, MAIL_WARN, "mtasts-duplicate",
				"line %u: %s given again (the first counts)",
				line, ESC(e1, l, kn));
			continue;
		}
		if (seen == &version) {
			version = true;
			if (!eqi(v, vn, "STSv1"))
				mail_finding_add(fs, MAIL_ERROR, code,
					"line %u: version: %s (must be STSv1)",
					line, ESC(e1, v, vn));
		} else if (seen == &mode) {
			mode = true;
			if (eqi(v, vn, "enforce"))
				p->mode = MTASTS_ENFORCE;
			else if (eqi(v, vn, "testing"))
				p->mode = MTASTS_TESTING;
			else if (eqi(v, vn, "none"))
				p->mode = MTASTS_NONE;
			else
				mail_finding_add(fs, MAIL_ERROR, code,
					"line %u: mode: %s (must be enforce, "
					"testing or none)", line,
					ESC(e1, v, vn));
		} else if (seen == &max_age) {
			max_age = true;
			unsigned long a = 0;
			bool ok = vn >= 1 && vn <= 10;
			for (size_t j = 0; ok && j < vn; j++) {
				ok = v[j] >= '0' && v[j] <= '9';
				a = a * 10 + (unsigned long)(v[j] - '0');
			}
			if (!ok || a > MTASTS_MAX_AGE_MAX)
				mail_finding_add(fs, MAIL_ERROR, code,
					"line %u: max_age: %s (must be 0 to "
					"%lu seconds)", line, ESC(e1, v, vn),
					MTASTS_MAX_AGE_MAX);
			else {
				p->max_age = a;
				p->has_max_age = true;
			}
		} else if (eqi(l, kn, "mx")) {
			char pat[256];
			const char *why = pattern_check(v, vn, pat);
			if (why)
				mail_finding_add(fs, MAIL_ERROR, code,
					"line %u: mx: %s: %s", line,
					ESC(e1, v, vn), why);
			else if (mx_add(p, pat) < 0)
				mail_finding_add(fs, MAIL_ERROR, code,
					"line %u: out of memory for the mx "
					"patterns", line);
		} else
			mail_finding_add(fs, MAIL_NOTE, "mtasts-unknown-field",
				"line %u: unknown field %s ignored", line,
				ESC(e2, l, kn));
	}
	if (!version)
		mail_finding_add(fs, MAIL_ERROR, code, "no version: field");
	if (!mode)
		mail_finding_add(fs, MAIL_ERROR, code, "no mode: field");
	if (!max_age)
		mail_finding_add(fs, MAIL_ERROR, code, "no max_age: field");
	if (p->nmx == 0 && p->mode != MTASTS_NONE)
		mail_finding_add(fs, MAIL_ERROR, code, "no mx: pattern (one "
			"is needed unless mode is none)");
	p->syntax_ok = fs->errors == 0;
	if (!p->syntax_ok)
		return;
	if (p->mode == MTASTS_TESTING)
		mail_finding_add(fs, MAIL_WARN, "mtasts-testing", "mode: "
			"testing: senders report failures but deliver anyway");
	else if (p->mode == MTASTS_NONE)
		mail_finding_add(fs, MAIL_WARN, "mtasts-mode-none", "mode: "
			"none: the policy is withdrawn");
	if (p->max_age < 86400)
		mail_finding_add(fs, MAIL_WARN, "mtasts-short-max-age",
			"max_age: %lu is under a day (weeks are recommended, "
			"section 3.2)", p->max_age);
}

bool mtasts_mx_match(const char *pattern, const char *host)
{
	char h[256];
	size_t n = strlen(host);
	if (n == 0 || n > 254)
		return false;
	if (host[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n; i++)
		h[i] = (char)tolower((unsigned char)host[i]);
	h[n] = '\0';
	if (pattern[0] == '*' && pattern[1] == '.') {
		/* Exactly one label in place of '*'. */
		const char *dot = strchr(h, '.');
		return dot && dot > h && !strcmp(dot + 1, pattern + 2);
	}
	return !strcmp(h, pattern);
}

int mtasts_policy_match(const struct mtasts_policy *p, const char *host)
{
	for (size_t i = 0; i < p->nmx; i++)
		if (mtasts_mx_match(p->mx[i], host))
			return (int)i;
	return -1;
}

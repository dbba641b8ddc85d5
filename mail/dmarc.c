/* dmarc.c: DMARC records (RFC 7489) parsed and checked (dmarc.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mail/dmarc.h"

#define ESC(buf, p, n) mail_escape((p), (n), (buf), sizeof(buf))

const char *dmarc_policy_str(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_NONE: return "none";
	case DMARC_QUARANTINE: return "quarantine";
	case DMARC_REJECT: return "reject";
	default: return "unset";
	}
}

static bool wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces and tabs from both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && wsp(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && wsp((*s)[*n - 1]))
		(*n)--;
}

bool dmarc_is_record(const char *txt, size_t len)
{
	size_t i = 0;
	while (i < len && wsp(txt[i]))
		i++;
	if (i >= len || (txt[i] != 'v' && txt[i] != 'V'))
		return false;
	i++;
	while (i < len && wsp(txt[i]))
		i++;
	if (i >= len || txt[i] != '=')
		return false;
	i++;
	while (i < len && wsp(txt[i]))
		i++;
	if (len - i < 6 || strncmp(txt + i, "DMARC1", 6))
		return false;
	i += 6;
	while (i < len && wsp(txt[i]))
		i++;
	return i == len || txt[i] == ';';
}

static bool eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(s, word, n);
}

static int policy(const char *s, size_t n)
{
	if (eq(s, n, "none"))
		return DMARC_NONE;
	if (eq(s, n, "quarantine"))
		return DMARC_QUARANTINE;
	if (eq(s, n, "reject"))
		return DMARC_REJECT;
	return -1;
}

/* A decimal number of at most 10 digits into *v; false if not one. */
static bool number(const char *s, size_t n, unsigned long *v)
{
	if (n == 0 || n > 10)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return *v <= 0xffffffffUL;
}

/* dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ] (section
 * 6.4): a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), ':', and
 * no spaces, commas or '!' left in it (RFC 3986 characters).  Returns
 * NULL or what is wrong. */
static const char *uri_check(const char *s, size_t n)
{
	const char *bang = memchr(s, '!', n);
	size_t un = bang ? (size_t)(bang - s) : n;
	if (bang) {
		size_t dn = n - un - 1, k = 0;
		while (k < dn && bang[1 + k] >= '0' && bang[1 + k] <= '9')
			k++;
		if (k == 0)
			return "a size limit without digits after '!'";
		if (dn - k > 1 || (dn - k == 1 && (!bang[1 + k] ||
		    !strchr("kmgtKMGT", bang[1 + k]))))
			return "a bad size unit (k, m, g or t)";
	}
	size_t i = 0;
	if (!un || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return "not a URI (no scheme)";
	while (i < un && s[i] != ':') {
		char c = s[i];
		if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		    c == '.'))
			return "not a URI (bad scheme)";
		i++;
	}
	if (i >= un || i + 1 == un)
		return "not a URI (no ':' or nothing after it)";
	for (size_t k = i + 1; k < un; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c))
			return "a character not allowed in a URI";
	}
	if (eq(s, i, "mailto") && !memchr(s + i + 1, '@', un - i - 1))
		return "a mailto: URI without '@'";
	return NULL;
}

void dmarc_parse(const char *text, size_t len, struct dmarc_record *r)
{
	char e1[120], e2[120];
	memset(r, 0, sizeof(*r));
	r->p = r->sp = DMARC_POLICY_UNSET;
	r->pct = 100;
	r->adkim = r->aspf = 'r';
	snprintf(r->fo, sizeof(r->fo), "0");
	r->ri = 86400;
	if (len > DMARC_TEXT_MAX) {
		mail_finding_add(&r->findings, MAIL_ERROR, "dmarc-syntax",
			"the record is %zu bytes long (over %d)", len,
			DMARC_TEXT_MAX);
		return;
	}
	if (!dmarc_is_record(text, len)) {
		mail_finding_add(&r->findings, MAIL_ERROR, "dmarc-syntax",
			"does not start with v=DMARC1: %s",
			ESC(e1, text, len));
		return;
	}
	static const char *known[] = { "v", "p", "sp", "pct", "rua", "ruf",
		"adkim", "aspf", "fo", "ri", "rf" };
	bool seen[sizeof(known) / sizeof(*known)] = { false };
	size_t i = 0;
	while (i < len) {
		size_t k = i;
		while (k < len && text[k] != ';')
			k++;
		const char *t = text + i;
		size_t tn = k - i;
		i = k + 1;
		trim(&t, &tn);
		if (tn == 0)
			continue;
		const char *eqp = memchr(t, '=', tn);
		if (!eqp) {
			mail_finding_add(&r->findings, MAIL_ERROR,
				"dmarc-syntax", "\"%s\" is not tag=value",
				ESC(e1, t, tn));
			continue;
		}
		const char *name = t, *val = eqp + 1;
		size_t nn = (size_t)(eqp - t), vn = tn - nn - 1;
		trim(&name, &nn);
		trim(&val, &vn);
		int which = -1;
		for (size_t j = 0; j < sizeof(known) / sizeof(*known); j++)
			if (eq(name, nn, known[j]))
				which = (int)j;
		if (which < 0) {
			mail_finding_add(&r->findings, MAIL_NOTE,
				"dmarc-unknown-tag", "unknown tag %s ignored",
				ESC(e1, name, nn));
			continue;
		}
		if (seen[which]) {
			mail_finding_add(&r->findings, MAIL_ERROR,
				"dmarc-syntax", "tag %s given twice",
				known[which]);
			continue;
		}
		seen[which] = true;
		const char *bad = NULL;
		unsigned long v;
		int pol;
		switch (which) {
		case 0:		/* v: checked by dmarc_is_record */
			break;
		case 1:
		case 2:
			if ((pol = policy(val, vn)) < 0)
				bad = "none, quarantine or reject";
			else if (which == 1) {
				r->p = (enum dmarc_policy)pol;
				r->p_given = true;
			} else
				r->sp = (enum dmarc_policy)pol;
			break;
		case 3:
			if (!number(val, vn, &v) || v > 100)
				bad = "an integer 0..100";
			else
				r->pct = (int)v;
			break;
		case 4:
			mail_uris_parse(&r->rua, val, vn, uri_check, &r->findings,
				"dmarc-syntax", "rua");
			break;
		case 5:
			mail_uris_parse(&r->ruf, val, vn, uri_check, &r->findings,
				"dmarc-syntax", "ruf");
			break;
		case 6:
		case 7:
			if (vn != 1 || !val[0] || !strchr("rsRS", val[0]))
				bad = "r or s";
			else if (which == 6)
				r->adkim = (char)(val[0] | 0x20);
			else
				r->aspf = (char)(val[0] | 0x20);
			break;
		case 8: {	/* fo: 0, 1, d, s separated by ':' */
			bool okfo = vn > 0 && vn < sizeof(r->fo);
			for (size_t j = 0; okfo && j < vn; j++)
				okfo = j % 2 ? val[j] == ':' :
					strchr("01dsDS", val[j]) && val[j];
			if (okfo && val[vn - 1] == ':')
				okfo = false;
			if (!okfo)
				bad = "0, 1, d or s, separated by ':'";
			else {
				memcpy(r->fo, val, vn);
				r->fo[vn] = '\0';
			}
			break;
		}
		case 9:
			if (!number(val, vn, &v))
				bad = "a 32-bit unsigned integer";
			else
				r->ri = v;
			break;
		case 10:	/* rf: a colon-separated list of formats */
			if (vn == 0)
				bad = "a report format (afrf)";
			break;
		}
		if (bad)
			mail_finding_add(&r->findings, MAIL_ERROR,
				"dmarc-syntax", "%s=%s: the value must be %s",
				known[which], ESC(e2, val, vn), bad);
	}
	if (!r->p_given) {
		if (r->rua.n > 0 && r->findings.errors == 0) {
			r->p = DMARC_NONE;
			mail_finding_add(&r->findings, MAIL_WARN,
				"dmarc-no-p", "no p= tag: with a valid rua= "
				"the record counts as p=none (section 6.6.3)");
		} else
			mail_finding_add(&r->findings, MAIL_ERROR,
				"dmarc-syntax", "no p= tag (REQUIRED, "
				"section 6.3)");
	}
	r->syntax_ok = r->findings.errors == 0;
	if (!r->syntax_ok)
		return;
	if (r->p == DMARC_NONE)
		mail_finding_add(&r->findings, MAIL_WARN, "dmarc-p-none",
			"p=none: monitoring only, failing mail is delivered "
			"as usual");
	if (r->pct < 100)
		mail_finding_add(&r->findings, MAIL_WARN, "dmarc-pct",
			"pct=%d: the policy applies to %d%% of failing mail "
			"only", r->pct, r->pct);
	if (r->sp != DMARC_POLICY_UNSET && r->sp < r->p)
		mail_finding_add(&r->findings, r->sp == DMARC_NONE ? MAIL_WARN :
			MAIL_NOTE, "dmarc-sp-weaker",
			"sp=%s is weaker than p=%s for subdomains",
			dmarc_policy_str(r->sp), dmarc_policy_str(r->p));
	if (r->rua.n == 0)
		mail_finding_add(&r->findings, MAIL_NOTE, "dmarc-no-rua",
			"no rua=: no aggregate reports are asked for");
}

void dmarc_record_clear(struct dmarc_record *r)
{
	mail_findings_clear(&r->findings);
	mail_uris_clear(&r->rua);
	mail_uris_clear(&r->ruf);
}

/* spf.c: SPF records (RFC 7208) parsed and checked, and the walk that
 * follows their lookups (spf.h).  Pure. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <arpa/inet.h>
#include "common/dnsname.h"
#include "mail/spf.h"

static const char *mech_names[] = {
	"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists",
	"redirect", "exp", "modifier"
};

const char *spf_mech_str(enum spf_mech m)
{
	return m <= SPF_UNKNOWN_MOD ? mech_names[m] : "?";
}

bool spf_mech_counts(enum spf_mech m)
{
	return m == SPF_INCLUDE || m == SPF_A || m == SPF_MX ||
		m == SPF_PTR || m == SPF_EXISTS || m == SPF_REDIRECT;
}

bool spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && !strncasecmp(txt, "v=spf1", 6) &&
		(len == 6 || txt[6] == ' ');
}

/* Escaped copy of len bytes for a finding (a static buffer per call
 * site is not reentrant; callers pass their own). */
#define ESC(buf, p, n) mail_escape((p), (n), (buf), sizeof(buf))

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* toplabel (RFC 7208 section 12): alphanumerics with at least one letter,
 * or alphanumerics and hyphens, neither first nor last a hyphen. */
static bool toplabel_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	bool alpha = false, hyphen = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			hyphen = true;
		else if (!is_alnum(s[i]))
			return false;
		else if (is_alpha(s[i]))
			alpha = true;
	}
	if (hyphen)
		return s[0] != '-' && s[n - 1] != '-';
	return alpha;
}

/* Check a macro-string (section 7.1) of n bytes; exp allows the c, r, t
 * letters.  *ends_macro: the last piece was a macro-expand; *has_macro:
 * any %{...}.  Returns NULL or what is wrong. */
static const char *macro_check(const char *s, size_t n, bool exp,
	bool *ends_macro, bool *has_macro)
{
	*ends_macro = false;
	for (size_t i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];
		if (c != '%') {
			if (c < 0x21 || c > 0x7e)
				return "a character not allowed in SPF";
			*ends_macro = false;
			i++;
			continue;
		}
		if (i + 1 >= n)
			return "a lone '%' at the end";
		char k = s[i + 1];
		if (k == '%' || k == '_' || k == '-') {
			*ends_macro = true;
			i += 2;
			continue;
		}
		if (k != '{')
			return "'%' not followed by '{', '%', '_' or '-'";
		i += 2;
		if (i >= n)
			return "an unterminated macro";
		char letter = (char)tolower((unsigned char)s[i]);
		if (!strchr("slodiphcrtv", letter) || !letter)
			return "an unknown macro letter";
		if (!exp && strchr("crt", letter))
			return "macro letters c, r and t are only for exp "
				"text (section 7.2)";
		i++;
		size_t digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			if (++digits > 3)
				return "a macro transformer over 3 digits";
		}
		if (i < n && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < n && strchr(".-+,/_=", s[i]) && s[i])
			i++;
		if (i >= n || s[i] != '}')
			return "a malformed macro (no closing '}')";
		i++;
		*ends_macro = true;
		*has_macro = true;
	}
	return NULL;
}

/* A domain-spec (section 12): a macro-string ending in "." toplabel
 * (optionally "."), or in a macro-expand.  Literal labels 1..63 bytes,
 * the name at most 253.  Returns NULL or what is wrong. */
static const char *domain_spec_check(const char *s, size_t n,
	bool *has_macro)
{
	bool ends_macro;
	*has_macro = false;
	if (n == 0)
		return "an empty domain";
	const char *why = macro_check(s, n, false, &ends_macro, has_macro);
	if (why)
		return why;
	if (ends_macro)
		return NULL;
	size_t end = n;
	if (s[end - 1] == '.')
		end--;
	const char *dot = NULL;
	for (size_t i = end; i > 0; i--)
		if (s[i - 1] == '.') {
			dot = s + i - 1;
			break;
		}
	if (!dot)
		return "not a fully qualified domain (no dot)";
	if (!toplabel_ok(dot + 1, (size_t)(s + end - dot - 1)))
		return "the last label is not a valid top label";
	if (!*has_macro) {
		if (end > 253)
			return "a domain name over 253 bytes";
		size_t lab = 0;
		for (size_t i = 0; i < end; i++) {
			if (s[i] == '.') {
				if (lab == 0)
					return "an empty label";
				lab = 0;
			} else if (++lab > 63)
				return "a label over 63 bytes";
		}
	}
	return NULL;
}

/* A CIDR length: "0" or digits without a leading zero, at most max. */
static int cidr_parse(const char *s, size_t n, int max)
{
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Split a dual-cidr-length off the end of s[0..*n): "/N", "//M", "/N//M".
 * Returns NULL or what is wrong; *n is shortened. */
static const char *dual_cidr(const char *s, size_t *n, int *c4, int *c6)
{
	size_t e = *n, i = e;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i >= 2 && i < e && s[i - 1] == '/' && s[i - 2] == '/') {
		if ((*c6 = cidr_parse(s + i, e - i, 128)) < 0)
			return "a bad IPv6 CIDR length";
		e = i - 2;
		i = e;
		while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
			i--;
	}
	if (i >= 1 && i < e && s[i - 1] == '/') {
		if ((*c4 = cidr_parse(s + i, e - i, 32)) < 0)
			return "a bad IPv4 CIDR length";
		e = i - 1;
	}
	*n = e;
	return NULL;
}

static int add_term(struct spf_record *r, struct spf_term *t)
{
	if (r->nterms >= r->termcap)
		return -1;
	r->terms[r->nterms++] = *t;
	return 0;
}

/* Parse one term (s, n bytes; s is NUL-terminated right after it in the
 * record copy, so t->arg may point into it). */
static void parse_term(struct spf_record *r, char *s, size_t n)
{
	char e1[80], e2[80], orig[120];
	struct spf_term t = { .qualifier = '+', .cidr4 = -1, .cidr6 = -1 };
	const char *why = NULL;
	/* The term as written, before parsing cuts it with NULs. */
	ESC(orig, s, n);

	/* A modifier: name "=" ..., the name up to the '='. */
	size_t k = 0;
	if (is_alpha(s[0])) {
		k = 1;
		while (k < n && (is_alnum(s[k]) || s[k] == '-' ||
		    s[k] == '_' || s[k] == '.'))
			k++;
	}
	if (k > 0 && k < n && s[k] == '=') {
		s[k] = '\0';
		const char *val = s + k + 1;
		size_t vn = n - k - 1;
		t.arg = val;
		if (!strcasecmp(s, "redirect") || !strcasecmp(s, "exp")) {
			bool redirect = !strcasecmp(s, "redirect");
			t.mech = redirect ? SPF_REDIRECT : SPF_EXP;
			int *slot = redirect ? &r->redirect : &r->exp;
			if (*slot >= 0)
				mail_finding_add(&r->findings, MAIL_ERROR,
					"spf-syntax", "%s= appears twice "
					"(section 6)", s);
			why = domain_spec_check(val, vn, &t.has_macro);
			if (why)
				mail_finding_add(&r->findings, MAIL_ERROR,
					"spf-syntax", "%s=%s: %s", s,
					ESC(e1, val, vn), why);
			if (*slot < 0)
				*slot = (int)r->nterms;
		} else {
			bool em;
			t.mech = SPF_UNKNOWN_MOD;
			t.name = s;
			why = macro_check(val, vn, false, &em, &t.has_macro);
			if (why)
				mail_finding_add(&r->findings, MAIL_ERROR,
					"spf-syntax", "%s=%s: %s",
					ESC(e1, s, k), ESC(e2, val, vn), why);
			else
				mail_finding_add(&r->findings, MAIL_NOTE,
					"spf-unknown-modifier", "unknown "
					"modifier %s= ignored (section 6)",
					ESC(e1, s, k));
		}
		if (add_term(r, &t) < 0)
			mail_finding_add(&r->findings, MAIL_ERROR,
				"spf-syntax", "more than %d terms",
				SPF_TERMS_MAX);
		return;
	}

	/* A directive: [qualifier] mechanism. */
	size_t i = 0;
	if (s[0] && strchr("+-~?", s[0])) {
		t.qualifier = s[0];
		i = 1;
	}
	size_t m = i;
	while (m < n && is_alnum(s[m]))
		m++;
	static const struct { const char *name; enum spf_mech mech; }
	mechs[] = {
		{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
		{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
		{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
	};
	int found = -1;
	for (size_t j = 0; j < sizeof(mechs) / sizeof(*mechs); j++)
		if (m - i == strlen(mechs[j].name) &&
		    !strncasecmp(s + i, mechs[j].name, m - i))
			found = (int)j;
	if (found < 0) {
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"unknown mechanism \"%s\"", orig);
		return;
	}
	t.mech = mechs[found].mech;
	char *rest = s + m;
	size_t rn = n - m;
	switch (t.mech) {
	case SPF_ALL:
		if (rn)
			why = "nothing may follow 'all'";
		break;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		if (!rn || rest[0] != ':')
			why = "needs ':' and a domain";
		else {
			t.arg = rest + 1;
			why = domain_spec_check(rest + 1, rn - 1, &t.has_macro);
		}
		break;
	case SPF_PTR:
		if (rn && rest[0] != ':')
			why = "only ':' and a domain may follow 'ptr'";
		else if (rn) {
			t.arg = rest + 1;
			why = domain_spec_check(rest + 1, rn - 1, &t.has_macro);
		}
		break;
	case SPF_A:
	case SPF_MX: {
		size_t len = rn;
		why = dual_cidr(rest, &len, &t.cidr4, &t.cidr6);
		if (!why && len) {
			if (rest[0] != ':')
				why = "only ':' and a domain or a CIDR length "
					"may follow";
			else {
				t.arg = rest + 1;
				rest[len] = '\0';
				why = domain_spec_check(rest + 1, len - 1,
					&t.has_macro);
			}
		}
		break;
	}
	case SPF_IP4:
	case SPF_IP6: {
		if (!rn || rest[0] != ':') {
			why = "needs ':' and an address";
			break;
		}
		char *addr = rest + 1;
		char *slash = memchr(addr, '/', rn - 1);
		size_t alen = slash ? (size_t)(slash - addr) : rn - 1;
		if (slash) {
			int c = cidr_parse(slash + 1, (size_t)(s + n - slash - 1),
				t.mech == SPF_IP4 ? 32 : 128);
			if (c < 0)
				why = "a bad CIDR length";
			else if (t.mech == SPF_IP4)
				t.cidr4 = c;
			else
				t.cidr6 = c;
			*slash = '\0';
		}
		unsigned char buf[16];
		char tmp[64];
		if (alen >= sizeof(tmp))
			why = "not an address";
		else if (!why) {
			memcpy(tmp, addr, alen);
			tmp[alen] = '\0';
			if (inet_pton(t.mech == SPF_IP4 ? AF_INET : AF_INET6,
			    tmp, buf) != 1)
				why = t.mech == SPF_IP4 ? "not an IPv4 address"
					: "not an IPv6 address";
		}
		t.arg = addr;
		break;
	}
	default:
		break;
	}
	if (why) {
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"%s: %s", orig, why);
		return;
	}
	if (add_term(r, &t) < 0)
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"more than %d terms", SPF_TERMS_MAX);
}

int spf_parse(const char *text, size_t len, struct spf_record *r)
{
	char e1[120];
	memset(r, 0, sizeof(*r));
	r->all = r->redirect = r->exp = -1;
	if (len > SPF_TEXT_MAX) {
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"the record is %zu bytes long (over %d)", len,
			SPF_TEXT_MAX);
		return 0;
	}
	if (!spf_is_record(text, len)) {
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"not an SPF record (does not start \"v=spf1\"): %s",
			ESC(e1, text, len));
		return 0;
	}
	/* The grammar has no room for a NUL (section 4.6: any syntax
	 * error is a permerror); what follows it must not be lost. */
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		mail_finding_add(&r->findings, MAIL_ERROR, "spf-syntax",
			"a NUL byte at offset %zu: %s", (size_t)(nul - text),
			ESC(e1, text, len));
		return 0;
	}
	/* Terms are separated by spaces: room for every one there is. */
	size_t nt = 1;
	for (size_t k = 0; k < len; k++)
		nt += text[k] == ' ';
	r->termcap = nt < SPF_TERMS_MAX ? nt : SPF_TERMS_MAX;
	r->text = malloc(len + 1);
	r->work = malloc(len + 1);
	r->terms = calloc(r->termcap, sizeof(*r->terms));
	if (!r->text || !r->work || !r->terms) {
		spf_record_clear(r);
		return -1;
	}
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	memcpy(r->work, text, len);
	r->work[len] = '\0';
	size_t i = 6;
	while (i < len) {
		if (r->work[i] == ' ') {
			i++;
			continue;
		}
		size_t e = i;
		while (e < len && r->work[e] != ' ')
			e++;
		r->work[e] = '\0';
		parse_term(r, r->work + i, e - i);
		i = e + 1;
	}
	for (size_t k = 0; k < r->nterms; k++) {
		const struct spf_term *t = &r->terms[k];
		if (t->mech == SPF_ALL && r->all < 0)
			r->all = (int)k;
		if (r->all >= 0 && (size_t)r->all < k && t->mech <= SPF_EXISTS) {
			mail_finding_add(&r->findings, MAIL_NOTE,
				"spf-after-all", "%s after 'all' is never "
				"reached", spf_term_str(t, e1, sizeof(e1)));
			continue;
		}
		if (spf_mech_counts(t->mech) && !(t->mech == SPF_REDIRECT &&
		    r->all >= 0))
			r->lookups++;
		if (t->mech == SPF_PTR)
			mail_finding_add(&r->findings, MAIL_WARN, "spf-ptr",
				"%s: the ptr mechanism SHOULD NOT be used "
				"(section 5.5): slow, unreliable, and a "
				"load on the sender's reverse zone",
				spf_term_str(t, e1, sizeof(e1)));
	}
	if (r->all >= 0) {
		char q = r->terms[r->all].qualifier;
		if (q == '+')
			mail_finding_add(&r->findings, MAIL_WARN,
				"spf-plus-all", "'+all': every host on the "
				"internet may send mail as this domain");
		else if (q == '?')
			mail_finding_add(&r->findings, MAIL_WARN,
				"spf-neutral-all", "'?all': the policy makes "
				"no assertion about other hosts");
		else if (q == '~')
			mail_finding_add(&r->findings, MAIL_NOTE,
				"spf-softfail-all", "'~all': other hosts get "
				"softfail, not fail");
		if (r->redirect >= 0)
			mail_finding_add(&r->findings, MAIL_NOTE,
				"spf-redirect-ignored", "redirect= is ignored "
				"when the record has 'all' (section 6.1)");
	} else if (r->redirect < 0)
		mail_finding_add(&r->findings, MAIL_WARN, "spf-no-all",
			"no 'all' and no redirect=: hosts not listed get "
			"the default result, neutral (section 4.7)");
	r->syntax_ok = r->findings.errors == 0;
	return 0;
}

void spf_record_clear(struct spf_record *r)
{
	free(r->text);
	free(r->work);
	free(r->terms);
	mail_findings_clear(&r->findings);
	memset(r, 0, sizeof(*r));
	r->all = r->redirect = r->exp = -1;
}

char *spf_term_str(const struct spf_term *t, char *buf, size_t buflen)
{
	char arg[300], c4[16] = "", c6[16] = "";
	if (t->arg)
		ESC(arg, t->arg, strlen(t->arg));
	if (t->cidr4 >= 0)
		snprintf(c4, sizeof(c4), "/%d", t->cidr4);
	if (t->cidr6 >= 0)
		snprintf(c6, sizeof(c6), "%s/%d",
			t->mech == SPF_A || t->mech == SPF_MX ? "/" : "",
			t->cidr6);
	if (t->mech == SPF_UNKNOWN_MOD) {
		char name[80];
		snprintf(buf, buflen, "%s=%s", ESC(name, t->name,
			strlen(t->name)), t->arg ? arg : "");
	} else if (t->mech == SPF_REDIRECT || t->mech == SPF_EXP)
		snprintf(buf, buflen, "%s=%s", spf_mech_str(t->mech),
			t->arg ? arg : "");
	else {
		char q[2] = { t->qualifier, 0 };
		if (t->qualifier == '+' && t->mech != SPF_ALL)
			q[0] = '\0';
		snprintf(buf, buflen, "%s%s%s%s%s%s", q,
			spf_mech_str(t->mech), t->arg ? ":" : "",
			t->arg ? arg : "", c4, c6);
	}
	return buf;
}

/* ---- the walk: check_host (RFC 7208 section 4.6) in term order ---- */

static void need(struct spf_walk *w, const char *name, uint16_t qtype,
	enum spf_purpose purpose, const char *via)
{
	if (w->nneed >= SPF_WALK_NEEDS_MAX)
		return;
	struct spf_need *n = &w->need[w->nneed++];
	memset(n, 0, sizeof(*n));
	dns_name_plain(n->name, sizeof(n->name), name);
	n->qtype = qtype;
	n->purpose = purpose;
	n->via = via;
	n->pair = 0;
}

void spf_walk_init(struct spf_walk *w, const char *domain)
{
	memset(w, 0, sizeof(*w));
	dns_name_plain(w->domain, sizeof(w->domain), domain);
	need(w, w->domain, 16, SPF_NEED_RECORD, "domain");
	w->pairs[0] = (struct spf_pair){ 1, 0 };
}

static void permerror(struct spf_walk *w)
{
	w->status = SPF_STATUS_PERMERROR;
}

static void temperror(struct spf_walk *w)
{
	if (w->status == SPF_STATUS_OK)
		w->status = SPF_STATUS_TEMPERROR;
}

static void count_void(struct spf_walk *w, const char *via,
	const char *name)
{
	char e[300];
	w->voids++;
	mail_finding_add(&w->findings, MAIL_NOTE, "spf-void-lookup",
		"void lookup %u: %s %s has no records", w->voids, via,
		ESC(e, name, strlen(name)));
	if (w->voids == SPF_VOID_LIMIT + 1) {
		mail_finding_add(&w->findings, MAIL_ERROR,
			"spf-too-many-void-lookups", "more than %d void "
			"lookups (section 4.6.4; %s %s is number %u): "
			"permerror", SPF_VOID_LIMIT, via, ESC(e, name,
			strlen(name)), w->voids);
		permerror(w);
	}
}

/* One more term that queries DNS: false when it is over the limit (the
 * walk ends in permerror). */
static bool count_lookup(struct spf_walk *w, const struct spf_term *t,
	const char *domain)
{
	char e[300];
	w->lookups++;
	if (w->lookups <= SPF_LOOKUP_LIMIT)
		return true;
	mail_finding_add(&w->findings, MAIL_ERROR, "spf-too-many-lookups",
		"more than %d DNS lookups (section 4.6.4; %s at %s is number "
		"%u): permerror", SPF_LOOKUP_LIMIT, spf_term_str(t, e,
		sizeof(e)), domain, w->lookups);
	permerror(w);
	return false;
}

int spf_walk_feed(struct spf_walk *w, const char *name, uint16_t qtype,
	const struct spf_answer *a)
{
	char qn[256], e[300];
	dns_name_plain(qn, sizeof(qn), name);
	struct spf_need *n = NULL;
	for (size_t i = 0; i < w->nneed && !n; i++)
		if (!w->need[i].fed && w->need[i].qtype == qtype &&
		    !strcmp(w->need[i].name, qn))
			n = &w->need[i];
	if (!n)
		return -1;
	n->fed = true;
	bool failed = a->timed_out || (a->rcode != 0 && a->rcode != 3);
	if (failed) {
		mail_finding_add(&w->findings, MAIL_ERROR, "spf-dns-error",
			"%s %s: %s (temperror)", n->via, n->name,
			a->timed_out ? "no answer" : "the lookup failed");
		temperror(w);
		return 0;
	}
	size_t nrec = a->rcode == 3 ? 0 : a->n;
#define RDLEN(i) (a->len ? a->len[i] : strlen(a->rdata[i]))
	switch (n->purpose) {
	case SPF_NEED_RECORD: {
		bool top = !strcmp(n->via, "domain");
		size_t found = 0, which = 0;
		for (size_t i = 0; i < nrec; i++)
			if (spf_is_record(a->rdata[i], RDLEN(i))) {
				found++;
				which = i;
			}
		if (!top && nrec == 0)
			count_void(w, n->via, n->name);
		if (found == 0) {
			if (top)
				mail_finding_add(&w->findings, MAIL_WARN,
					"spf-missing", "%s has no SPF record"
					"%s", n->name, a->rcode == 3 ?
					" (the name does not exist)" : "");
			else {
				mail_finding_add(&w->findings, MAIL_ERROR,
					"spf-include-missing", "%s %s has no "
					"SPF record: permerror (section %s)",
					n->via, n->name, !strcmp(n->via,
					"include") ? "5.2" : "6.1");
				permerror(w);
			}
			break;
		}
		if (found > 1) {
			mail_finding_add(&w->findings, MAIL_ERROR,
				"spf-multiple", "%s has %zu SPF records: "
				"permerror (section 4.5)", n->name, found);
			permerror(w);
			break;
		}
		if (w->nrec >= SPF_WALK_RECORDS_MAX ||
		    w->depth >= SPF_WALK_DEPTH_MAX) {
			mail_finding_add(&w->findings, MAIL_ERROR,
				"spf-too-many-lookups", "more than %d "
				"records followed", SPF_WALK_RECORDS_MAX);
			permerror(w);
			break;
		}
		if (w->nrec == w->reccap) {
			size_t cap = w->reccap ? 2 * w->reccap : 2;
			struct spf_walked *nr = realloc(w->rec,
				cap * sizeof(*nr));
			if (!nr)
				return -1;
			w->rec = nr;
			w->reccap = cap;
		}
		struct spf_walked *wr = &w->rec[w->nrec];
		memset(wr, 0, sizeof(*wr));
		if (spf_parse(a->rdata[which], RDLEN(which),
		    &wr->rec) < 0)
			return -1;
		w->nrec++;
		snprintf(wr->domain, sizeof(wr->domain), "%s", n->name);
		wr->via = n->via;
		wr->sec = a->sec;
		wr->found = true;
		if (!wr->rec.syntax_ok) {
			const struct mail_finding *f = wr->rec.findings.n ?
				&wr->rec.findings.f[0] : NULL;
			mail_finding_add(&w->findings, MAIL_ERROR,
				"spf-syntax", "%s%s%s: %s: permerror",
				top ? "" : n->via, top ? "" : " ", n->name,
				f ? f->text : "syntax error");
			permerror(w);
			break;
		}
		/* A redirect's record takes the place of the record that
		 * redirected (section 6.1); an include's is evaluated on
		 * top of it. */
		if (!strcmp(n->via, "redirect") && w->depth > 0)
			w->depth--;
		w->frames[w->depth].rec = w->nrec - 1;
		w->frames[w->depth].term = 0;
		w->frames[w->depth].redirected = false;
		w->depth++;
		break;
	}
	case SPF_NEED_ADDR:
		w->pairs[0].records += nrec;
		if (--w->pairs[0].left == 0 && w->pairs[0].records == 0)
			count_void(w, n->via, n->name);
		break;
	case SPF_NEED_MX:
		if (nrec > w->mx_names)
			w->mx_names = (unsigned)nrec;
		if (nrec == 0)
			count_void(w, n->via, n->name);
		else if (nrec > SPF_LOOKUP_LIMIT) {
			mail_finding_add(&w->findings, MAIL_ERROR,
				"spf-too-many-lookups", "mx:%s has %zu MX "
				"records, over %d (section 4.6.4): permerror",
				ESC(e, n->name, strlen(n->name)), nrec,
				SPF_LOOKUP_LIMIT);
			permerror(w);
		}
		break;
	}
	return 0;
}

static bool on_stack(const struct spf_walk *w, const char *name)
{
	for (size_t i = 0; i < w->depth; i++)
		if (!strcmp(w->rec[w->frames[i].rec].domain, name))
			return true;
	return false;
}

size_t spf_walk_step(struct spf_walk *w)
{
	char e[300];
	w->nneed = 0;
	while (!w->done) {
		if (w->status != SPF_STATUS_OK || w->depth == 0) {
			w->done = true;
			break;
		}
		struct spf_frame *fr = &w->frames[w->depth - 1];
		const struct spf_walked *wr = &w->rec[fr->rec];
		const struct spf_record *r = &wr->rec;
		if (fr->term >= r->nterms) {
			/* The end of the record: a redirect when there is
			 * one and no 'all' (section 6.1), else back to the
			 * record that included it. */
			if (r->redirect < 0 || r->all >= 0 || fr->redirected) {
				w->depth--;
				continue;
			}
			fr->redirected = true;
			const struct spf_term *t = &r->terms[r->redirect];
			if (!count_lookup(w, t, wr->domain))
				continue;
			if (t->has_macro) {
				mail_finding_add(&w->findings, MAIL_NOTE,
					"spf-macro-not-followed", "%s: a macro "
					"depends on the sender: counted, not "
					"followed", spf_term_str(t, e,
					sizeof(e)));
				w->depth--;
				continue;
			}
			need(w, t->arg, 16, SPF_NEED_RECORD, "redirect");
			break;
		}
		const struct spf_term *t = &r->terms[fr->term++];
		if (t->mech == SPF_ALL) {
			/* 'all' matches: this record's result is decided. */
			w->depth--;
			continue;
		}
		if (!spf_mech_counts(t->mech) || t->mech == SPF_REDIRECT)
			continue;
		if (!count_lookup(w, t, wr->domain))
			continue;
		if (t->mech == SPF_PTR)
			continue;	/* needs the sender's address */
		if (t->has_macro) {
			mail_finding_add(&w->findings, MAIL_NOTE,
				"spf-macro-not-followed", "%s: a macro depends "
				"on the sender: counted, not followed",
				spf_term_str(t, e, sizeof(e)));
			continue;
		}
		char target[256];
		dns_name_plain(target, sizeof(target),
			t->arg ? t->arg : wr->domain);
		if (t->mech == SPF_INCLUDE) {
			if (on_stack(w, target) && !w->loop) {
				w->loop = true;
				mail_finding_add(&w->findings, MAIL_WARN,
					"spf-loop", "%s comes back to %s, "
					"which is being evaluated",
					spf_term_str(t, e, sizeof(e)), target);
			}
			need(w, target, 16, SPF_NEED_RECORD, "include");
		} else if (t->mech == SPF_A) {
			w->pairs[0] = (struct spf_pair){ 2, 0 };
			need(w, target, 1, SPF_NEED_ADDR, "a");
			need(w, target, 28, SPF_NEED_ADDR, "a");
		} else if (t->mech == SPF_EXISTS) {
			w->pairs[0] = (struct spf_pair){ 1, 0 };
			need(w, target, 1, SPF_NEED_ADDR, "exists");
		} else if (t->mech == SPF_MX)
			need(w, target, 15, SPF_NEED_MX, "mx");
		break;
	}
	if (w->done)
		w->nneed = 0;
	return w->nneed;
}

void spf_walk_clear(struct spf_walk *w)
{
	for (size_t i = 0; i < w->nrec; i++)
		spf_record_clear(&w->rec[i].rec);
	free(w->rec);
	w->rec = NULL;
	w->nrec = w->reccap = 0;
	mail_findings_clear(&w->findings);
}

/* verdict.c: classify what a resolver said against the truth.  Pure.
 *
 * Each query result is judged alone first (judge_result): the reply's
 * records, after following CNAMEs, against the validated answer.  Then the
 * cross-query rules run over the whole observation: transient (an invalid
 * answer that another ask of the same question did not repeat), varying (a
 * new invalid answer for every ask) and static (the same answer for every
 * question, the non-existent control name included).  The resolver's
 * classes are the union of its judged queries' classes, as each answer
 * showed alone and as the cross-query rules left it.  A query whose class
 * is a lie carries the values judging found false (query_verdict.invalid),
 * so nothing downstream judges again.
 *
 * Edge decisions (the unit tests pin them):
 *  - An address is acceptable when it is in the validated set or inside a
 *    prefix of the question's provider; an acceptable address is never a
 *    bitflip, even when it is one bit from a validated one (providers hand
 *    out neighbours like x.x.x.26 and x.x.x.27 by place and time).
 *  - Per address, in this order: acceptable; loopback (127/8, ::1);
 *    private (a registry range not globally reachable); one bit from a
 *    validated address of the same family (bitflip); else falsified.  A
 *    query's class is the first, in class order, of its records' classes.
 *  - An MX exchange is compared by name only (lowercase, trailing dot);
 *    the preference is not judged.  A name not in the truth is a bitflip
 *    when it has the same length as a true name and exactly one bit of the
 *    lowercased presentation differs, else falsified.
 *  - An empty answer (NOERROR, no records of the type) for a name the truth
 *    has records for is incomplete: nothing false, something missing.  The
 *    same holds for A/AAAA.  A true MX subset is incomplete; a true address
 *    subset is correct (addresses rotate).
 *  - NXDOMAIN for a name the truth has records for is falsified (it denies
 *    that the mail host exists).  NXDOMAIN where the truth is NODATA is
 *    correct (nothing false about where mail goes).
 *  - The NX control: NXDOMAIN is correct; NODATA is correct (noted); an
 *    answer sets nxdomain-rewrite and is otherwise correct: rewriting
 *    NXDOMAIN (ad pages) says nothing about where mail goes.  Its answer
 *    still counts for static and varying.  Without a truth entry for the
 *    random name, NXDOMAIN is the implied truth.  Other questions whose
 *    truth is NXDOMAIN are judged record by record (and flagged
 *    nxdomain-rewrite when answered).
 *  - A CNAME whose target is neither the asked name nor in the truth's
 *    CNAME chain is falsified.  Records of the asked type are judged
 *    whatever their owner; RRSIGs are ignored.
 *  - A reply is not a recursive answer (no-recursion) when it is a referral
 *    (NOERROR, no answer, NS in authority, no SOA) or RA is clear and it
 *    is authoritative or empty.  RA clear on a non-authoritative answer is
 *    still judged (a liar that forgot the bit).
 *  - rcodes other than NOERROR, NXDOMAIN and SERVFAIL count as refused.  A
 *    truncated reply without answer counts as a timeout (the TCP retry
 *    gave nothing better).
 *  - transient: a question asked more than once (the confirmation round)
 *    with both an invalid and an acceptable answer: the invalid ones
 *    become bitflip + transient.  A question whose other asks timed out is
 *    not transient: nothing contradicted the answer.
 *  - varying: a question with two or more invalid answers that differ and
 *    none acceptable, unless each is a bit flip of an acceptable answer
 *    (a flipper in front of a rotating truth stays bitflip); or, across questions, three or more answered
 *    questions, none acceptable, all different.  Varying answers count as
 *    falsified.
 *  - static: the NX control answered, three or more distinct questions
 *    answered, and per query type every answer identical (records compared
 *    without owner names), with at least two different names behind the
 *    NX control's type.
 *  - dnssec-stripped: a secure truth, an answer, no RRSIG in the answer
 *    section, and the answer is not a lie: a forged answer never had
 *    signatures to strip, and is reported as the lie it is.
 *  - A resolver with no usable reply at all gets the failure class its
 *    results had most (ties: malformed, no-recursion, refused, servfail,
 *    timeout), and every failure class seen in classes.
 *  - Queries without usable truth are kept with judged = false and do not
 *    count; with no judged usable answer at all the class is correct
 *    (nothing found) and njudged says how much was judged. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <ctype.h>
#include <sys/socket.h>
#include "common/dnsname.h"
#include "validator/verdict.h"

static const char *const class_names[CLASS_COUNT] = {
	"static", "falsified", "loopback", "private", "bitflip", "incomplete",
	"correct", "timeout", "refused", "servfail", "no-recursion",
	"malformed",
};

static const char *const flag_names[FLAG_COUNT_BITS] = {
	"nxdomain-rewrite", "ad-on-false", "dnssec-stripped", "varying",
	"transient", "unsolicited", "transparent-forwarder",
};

const char *verdict_class_str(enum verdict_class c)
{
	return (unsigned)c < CLASS_COUNT ? class_names[c] : "unknown";
}

const char *verdict_flag_str(enum verdict_flag f)
{
	for (int i = 0; i < FLAG_COUNT_BITS; i++)
		if ((unsigned)f == 1u << i)
			return flag_names[i];
	return "unknown";
}

bool verdict_class_is_lie(int c)
{
	return c >= CLASS_STATIC && c <= CLASS_BITFLIP;
}

int verdict_class_parse(const char *name)
{
	for (int i = 0; name && i < CLASS_COUNT; i++)
		if (!strcmp(name, class_names[i]))
			return i;
	return -1;
}

/* --- a capped string builder ------------------------------------------ */

#define SB_MAX 2048

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom, full;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	if (b->oom || b->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	char tmp[512];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t add = (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1;
	if (b->len + add > SB_MAX) {
		add = SB_MAX > b->len + 3 ? SB_MAX - b->len - 3 : 0;
		b->full = true;
	}
	if (b->len + add + 4 > b->cap) {
		size_t cap = b->len + add + 64;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, tmp, add);
	b->len += add;
	if (b->full) {
		memcpy(b->s + b->len, "...", 3);
		b->len += 3;
	}
	b->s[b->len] = '\0';
}

/* The built string (possibly ""), or NULL on out of memory. */
static char *sb_take(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

/* --- small helpers ------------------------------------------------------ */

/* Lowercased presentation of an rdf (names with trailing dot); NULL on out
 * of memory. */
static char *rdf_lower(const ldns_rdf *rd)
{
	char *s = rd ? ldns_rdf2str(rd) : strdup("");
	dns_name_lower(s);
	return s;
}

static bool dname_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return a && b && ldns_dname_compare(a, b) == 0;
}

/* Bits that differ between two equal-length strings; -1 if lengths differ. */
static int str_bitdistance(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return -1;
	int d = 0;
	for (size_t i = 0; i < n; i++)
		d += __builtin_popcount((unsigned char)a[i] ^ (unsigned char)b[i]);
	return d;
}

static bool is_loopback(const struct prefix *a)
{
	if (a->family == AF_INET)
		return a->addr[0] == 127;
	static const uint8_t one[16] = { [15] = 1 };
	return a->family == AF_INET6 && !memcmp(a->addr, one, 16);
}

/* The invalid values of one query (query_verdict.invalid) being gathered:
 * owned strings, duplicates removed. */
struct vals {
	char **v;
	size_t n;
	bool oom;
};

/* Add s (owned; NULL means out of memory) unless already there. */
static void vals_take(struct vals *b, char *s)
{
	if (!s || b->oom) {
		free(s);
		b->oom = true;
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->v[i], s)) {
			free(s);
			return;
		}
	char **v = realloc(b->v, (b->n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		b->oom = true;
		return;
	}
	v[b->n++] = s;
	b->v = v;
}

static void vals_clear(struct vals *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* The rdata of rr in presentation form, fields separated by spaces, case
 * kept; NULL on out of memory. */
static char *rdata_str(const ldns_rr *rr)
{
	ldns_buffer *b = ldns_buffer_new(256);
	char *s = NULL;
	if (!b)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		if (i)
			ldns_buffer_printf(b, " ");
		ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, i));
	}
	if (ldns_buffer_status_ok(b))
		s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	return s;
}

/* --- judging one result ------------------------------------------------- */

/* What the cross-query rules need to know about one judged result. */
struct judge {
	bool usable;		/* a recursive NOERROR/NXDOMAIN reply */
	bool rewrite;		/* NX control answered */
	char *sig;		/* answer records without owners; NULL if none */
	char *key;		/* the question: "qname/type", or "nx" */
	enum verdict_class alone;	/* the class before the cross-query rules */
};


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The answer records (RRSIG excluded) as sorted "TYPE rdata" items without
 * owner names, lowercased, duplicates removed, joined by "; ": two answers
 * are the same answer when their signatures are equal.  *out stays NULL
 * for an empty answer.  Returns 0 or -1 on out of memory. */
static int answer_sig(const ldns_pkt *p, char **out)
{
	*out = NULL;
	const ldns_rr_list *an = ldns_pkt_answer(p);
	size_t n = an ? ldns_rr_list_rr_count(an) : 0, k = 0;
	if (n == 0)
		return 0;
	char **items = calloc(n, sizeof(*items));
	if (!items)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
			continue;
		struct sbuf b = { 0 };
		char tb[DNS_TYPE_STRLEN];
		sb_printf(&b, "%s", dns_type_str(ldns_rr_get_type(rr), tb,
			sizeof(tb)));
		for (size_t r = 0; r < ldns_rr_rd_count(rr) && !b.oom; r++) {
			char *s = rdf_lower(ldns_rr_rdf(rr, r));
			if (!s)
				b.oom = true;
			else
				sb_printf(&b, " %s", s);
			free(s);
		}
		char *s = sb_take(&b);
		if (!s) {
			rc = -1;
			break;
		}
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(items[j], s);
		if (dup)
			free(s);
		else
			items[k++] = s;
	}
	if (rc == 0 && k) {
		qsort(items, k, sizeof(*items), cmp_str);
		struct sbuf b = { 0 };
		for (size_t j = 0; j < k; j++)
			sb_printf(&b, "%s%s", j ? "; " : "", items[j]);
		*out = sb_take(&b);
		if (!*out)
			rc = -1;
	}
	for (size_t j = 0; j < k; j++)
		free(items[j]);
	free(items);
	return rc;
}

/* What a question may be answered with. */
struct expect {
	const struct truth_answer *ta;	/* NULL: implied NXDOMAIN */
	bool nx;			/* the truth is NXDOMAIN */
	const struct provider *pv;	/* whose prefixes are acceptable */
};

/* Presentation of the truth's records: "{5 a.example., 10 b.example.}",
 * "NXDOMAIN", or "{}" for NODATA; for addresses, the provider's prefixes
 * after it. */
static char *allowed_str(const struct expect *e, uint16_t qtype)
{
	struct sbuf b = { 0 };
	if (e->nx) {
		sb_printf(&b, "NXDOMAIN");
		return sb_take(&b);
	}
	sb_printf(&b, "{");
	size_t n = ldns_rr_list_rr_count(e->ta->rrs);
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(e->ta->rrs, i);
		sb_printf(&b, "%s", i ? ", " : "");
		for (size_t r = 0; r < ldns_rr_rd_count(rr); r++) {
			char *s = rdf_lower(ldns_rr_rdf(rr, r));
			if (!s) {
				b.oom = true;
				break;
			}
			sb_printf(&b, "%s%s", r ? " " : "", s);
			free(s);
		}
	}
	sb_printf(&b, "}");
	if ((qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_AAAA) && e->pv &&
	    e->pv->nprefixes) {
		sb_printf(&b, " or %s's prefixes (", e->pv->domain);
		for (size_t i = 0; i < e->pv->nprefixes; i++) {
			char pb[64];
			sb_printf(&b, "%s%s", i ? ", " : "",
				prefix_str(&e->pv->prefixes[i], pb, sizeof(pb)));
		}
		sb_printf(&b, ")");
	}
	return sb_take(&b);
}

/* Class of one answered address; why gets a phrase about it. */
static enum verdict_class judge_addr(const struct verdict_ctx *ctx,
	const struct expect *e, const struct prefix *a, const char *allowed,
	struct sbuf *why)
{
	char ab[64], pb[64];
	prefix_str(a, ab, sizeof(ab));
	if (!e->nx && truth_addr_in_set(e->ta, a)) {
		sb_printf(why, "%s in the truth", ab);
		return CLASS_CORRECT;
	}
	for (size_t i = 0; e->pv && i < e->pv->nprefixes; i++) {
		if (prefix_contains(&e->pv->prefixes[i], a)) {
			sb_printf(why, "%s in %s's prefix %s", ab, e->pv->domain,
				prefix_str(&e->pv->prefixes[i], pb, sizeof(pb)));
			return CLASS_CORRECT;
		}
	}
	if (is_loopback(a)) {
		sb_printf(why, "%s is loopback", ab);
		return CLASS_LOOPBACK;
	}
	const struct special_range *r = special_registry_find(ctx->special, a);
	if (r && !r->globally_reachable) {
		sb_printf(why, "%s is in %s (%s), not globally reachable", ab,
			prefix_str(&r->prefix, pb, sizeof(pb)), r->name);
		return CLASS_PRIVATE;
	}
	for (size_t i = 0; !e->nx && i < ldns_rr_list_rr_count(e->ta->rrs); i++) {
		struct prefix t;
		if (truth_rr_addr(ldns_rr_list_rr(e->ta->rrs, i), &t) &&
		    addr_bitdistance(&t, a) == 1) {
			sb_printf(why, "%s is one bit from %s", ab,
				prefix_str(&t, pb, sizeof(pb)));
			return CLASS_BITFLIP;
		}
	}
	/* One bit from an address the provider's own prefixes accept is a
	 * flip too: providers rotate, so the truth set alone misses some. */
	for (size_t i = 0; e->pv && i < e->pv->nprefixes; i++) {
		const struct prefix *pp = &e->pv->prefixes[i];
		struct prefix f = *a;
		char fb[64];
		unsigned bits = a->family == AF_INET ? 32 : 128;
		if (pp->family != a->family)
			continue;
		for (unsigned bit = 0; bit < bits && bit < pp->len; bit++) {
			f.addr[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
			if (prefix_contains(pp, &f)) {
				sb_printf(why, "%s is one bit from %s, in %s's "
					"prefix %s", ab,
					prefix_str(&f, fb, sizeof(fb)),
					e->pv->domain, prefix_str(pp, pb,
					sizeof(pb)));
				return CLASS_BITFLIP;
			}
			f.addr[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		}
	}
	sb_printf(why, "%s not in truth %s", ab, allowed);
	return CLASS_FALSIFIED;
}

/* Judge the records of the asked type (recs) for an A or AAAA question. */
static enum verdict_class judge_addrs(const struct verdict_ctx *ctx,
	const struct expect *e, const ldns_rr_list *recs, const char *allowed,
	struct sbuf *ev, struct vals *bad_vals)
{
	enum verdict_class worst = CLASS_CORRECT;
	struct sbuf good = { 0 }, bad = { 0 };
	size_t n = ldns_rr_list_rr_count(recs), ngood = 0, nbad = 0;
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(recs, i);
		struct prefix a;
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = ldns_rdf_compare(ldns_rr_rdf(ldns_rr_list_rr(recs, k), 0),
				ldns_rr_rdf(rr, 0)) == 0;
		if (dup)
			continue;
		if (!truth_rr_addr(rr, &a)) {
			sb_printf(&bad, "%smalformed address record", nbad++ ? "; " : "");
			worst = CLASS_FALSIFIED;
			if (ldns_rr_rd_count(rr) > 0)
				vals_take(bad_vals, ldns_rdf2str(ldns_rr_rdf(rr, 0)));
			continue;
		}
		struct sbuf w = { 0 };
		enum verdict_class c = judge_addr(ctx, e, &a, allowed, &w);
		char *ws = sb_take(&w);
		if (!ws) {
			good.oom = true;
			continue;
		}
		if (c == CLASS_CORRECT) {
			sb_printf(&good, "%s%s", ngood++ ? ", " : "", ws);
		} else {
			sb_printf(&bad, "%s%s", nbad++ ? "; " : "", ws);
			vals_take(bad_vals, ldns_rdf2str(ldns_rr_rdf(rr, 0)));
		}
		free(ws);
		if (c < worst)
			worst = c;
	}
	char *g = sb_take(&good), *b = sb_take(&bad);
	if (!g || !b)
		ev->oom = true;
	else
		sb_printf(ev, "%s", nbad ? b : g);
	free(g);
	free(b);
	return worst;
}

/* Judge MX records: exchanges against the truth's exchanges. */
static enum verdict_class judge_mx(const struct expect *e,
	const ldns_rr_list *recs, const char *allowed, struct sbuf *ev,
	struct vals *bad)
{
	size_t nt = e->nx ? 0 : ldns_rr_list_rr_count(e->ta->rrs);
	char **tx = calloc(nt + 1, sizeof(*tx));
	bool *seen = calloc(nt + 1, sizeof(*seen));
	enum verdict_class worst = CLASS_CORRECT;
	size_t ntx = 0, nbad = 0;
	if (!tx || !seen) {
		ev->oom = true;
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(e->ta->rrs, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
		    ldns_rr_rd_count(rr) < 2)
			continue;
		char *x = rdf_lower(ldns_rr_rdf(rr, 1));
		if (!x) {
			ev->oom = true;
			goto out;
		}
		bool dup = false;
		for (size_t k = 0; k < ntx && !dup; k++)
			dup = !strcmp(tx[k], x);
		if (dup)
			free(x);
		else
			tx[ntx++] = x;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(recs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(recs, i);
		if (ldns_rr_rd_count(rr) < 2)
			continue;
		char *x = rdf_lower(ldns_rr_rdf(rr, 1));
		if (!x) {
			ev->oom = true;
			goto out;
		}
		size_t k;
		for (k = 0; k < ntx; k++)
			if (!strcmp(tx[k], x))
				break;
		if (k < ntx) {
			seen[k] = true;
			free(x);
			continue;
		}
		unsigned pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		enum verdict_class c = CLASS_FALSIFIED;
		for (k = 0; k < ntx; k++)
			if (str_bitdistance(tx[k], x) == 1)
				break;
		sb_printf(ev, "%s", nbad++ ? "; " : "");
		if (k < ntx) {
			c = CLASS_BITFLIP;
			sb_printf(ev, "\"%u %s\" is one bit from %s", pref, x, tx[k]);
		} else {
			sb_printf(ev, "\"%u %s\" not in truth %s", pref, x, allowed);
		}
		if (c < worst)
			worst = c;
		vals_take(bad, x);
	}
	if (nbad == 0) {
		size_t m = 0;
		for (size_t k = 0; k < ntx; k++)
			m += seen[k];
		if (m < ntx) {
			worst = CLASS_INCOMPLETE;
			sb_printf(ev, "%zu of %zu true MX hosts, nothing false",
				m, ntx);
		} else {
			sb_printf(ev, "all %zu MX hosts in the truth", ntx);
		}
	}
out:
	for (size_t k = 0; tx && k < ntx; k++)
		free(tx[k]);
	free(tx);
	free(seen);
	return worst;
}

/* Judge records of any other type by rdata against the truth's. */
static enum verdict_class judge_other(const struct expect *e,
	const ldns_rr_list *recs, const char *allowed, struct sbuf *ev,
	struct vals *bad)
{
	enum verdict_class worst = CLASS_CORRECT;
	size_t nbad = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(recs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(recs, i);
		bool found = false;
		for (size_t k = 0; !e->nx && !found &&
		     k < ldns_rr_list_rr_count(e->ta->rrs); k++) {
			const ldns_rr *t = ldns_rr_list_rr(e->ta->rrs, k);
			if (ldns_rr_get_type(t) != ldns_rr_get_type(rr) ||
			    ldns_rr_rd_count(t) != ldns_rr_rd_count(rr))
				continue;
			found = true;
			for (size_t r = 0; found && r < ldns_rr_rd_count(rr); r++) {
				char *a = rdf_lower(ldns_rr_rdf(rr, r));
				char *b = rdf_lower(ldns_rr_rdf(t, r));
				found = a && b && !strcmp(a, b);
				free(a);
				free(b);
			}
		}
		if (found)
			continue;
		char *s = rdf_lower(ldns_rr_rdf(rr, 0));
		sb_printf(ev, "%s%s%s not in truth %s", nbad++ ? "; " : "",
			s ? s : "?", ldns_rr_rd_count(rr) > 1 ? " ..." : "",
			allowed);
		free(s);
		worst = CLASS_FALSIFIED;
		if (ldns_rr_rd_count(rr) > 0)
			vals_take(bad, rdata_str(rr));
	}
	if (nbad == 0)
		sb_printf(ev, "every record in the truth");
	return worst;
}

/* Is name (an rdf) allowed in the CNAME chain of the question? */
static bool chain_name_ok(const ldns_rdf *name, const ldns_rdf *qname,
	const struct expect *e)
{
	if (dname_eq(name, qname))
		return true;
	for (size_t i = 0; !e->nx && i < ldns_rr_list_rr_count(e->ta->cnames); i++) {
		const ldns_rr *c = ldns_rr_list_rr(e->ta->cnames, i);
		if (dname_eq(ldns_rr_owner(c), name) ||
		    (ldns_rr_rd_count(c) > 0 && dname_eq(ldns_rr_rdf(c, 0), name)))
			return true;
	}
	return false;
}

#define MAX_CNAME_HOPS 16

/* Follow the reply's CNAMEs from the asked name.  Returns the class of the
 * chain (correct, or falsified with a phrase in ev). */
static enum verdict_class judge_chain(const ldns_pkt *p, const char *qname,
	const struct expect *e, struct sbuf *ev, struct vals *bad)
{
	ldns_rdf *q = ldns_dname_new_frm_str(qname);
	if (!q)
		return CLASS_CORRECT;	/* a name that does not parse asked nothing */
	const ldns_rr_list *an = ldns_pkt_answer(p);
	const ldns_rdf *cur = q;
	enum verdict_class c = CLASS_CORRECT;
	for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
		const ldns_rdf *next = NULL;
		for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    ldns_rr_rd_count(rr) > 0 &&
			    dname_eq(ldns_rr_owner(rr), cur)) {
				next = ldns_rr_rdf(rr, 0);
				break;
			}
		}
		if (!next)
			break;
		if (!chain_name_ok(next, q, e)) {
			char *s = rdf_lower(next);
			sb_printf(ev, "CNAME to %s, outside the truth's chain; ",
				s ? s : "?");
			vals_take(bad, s);
			c = CLASS_FALSIFIED;
			break;
		}
		cur = next;
	}
	ldns_rdf_deep_free(q);
	return c;
}

static bool has_rrsig(const ldns_pkt *p)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == LDNS_RR_TYPE_RRSIG)
			return true;
	return false;
}

static bool section_has(const ldns_rr_list *l, ldns_rr_type t)
{
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t)
			return true;
	return false;
}

/* Judge the records of a NOERROR reply against e. */
static enum verdict_class judge_records(const struct verdict_ctx *ctx,
	const struct query_result *q, const char *qname,
	const struct expect *e, const char *allowed, struct sbuf *ev,
	struct vals *bad)
{
	const ldns_pkt *p = q->reply;
	enum verdict_class c = judge_chain(p, qname, e, ev, bad);
	ldns_rr_list *recs = ldns_pkt_rr_list_by_type(p, q->qtype,
		LDNS_SECTION_ANSWER);
	size_t ntruth = e->nx ? 0 : ldns_rr_list_rr_count(e->ta->rrs);
	enum verdict_class r;
	if (!recs || ldns_rr_list_rr_count(recs) == 0) {
		if (ntruth) {
			r = CLASS_INCOMPLETE;
			sb_printf(ev, "no records; the truth has %zu", ntruth);
		} else {
			r = CLASS_CORRECT;
			sb_printf(ev, "no records, as in the truth");
		}
	} else if (q->qtype == LDNS_RR_TYPE_MX) {
		r = judge_mx(e, recs, allowed, ev, bad);
	} else if (q->qtype == LDNS_RR_TYPE_A || q->qtype == LDNS_RR_TYPE_AAAA) {
		r = judge_addrs(ctx, e, recs, allowed, ev, bad);
	} else {
		r = judge_other(e, recs, allowed, ev, bad);
	}
	if (recs)
		ldns_rr_list_deep_free(recs);
	return r < c ? r : c;
}

/* The answer records of p of a type other than qtype (CNAME, DNAME and
 * RRSIG aside) as "TYPE rdata" values: a lying answer's extras. */
static void other_type_vals(const ldns_pkt *p, uint16_t qtype,
	struct vals *bad)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		ldns_rr_type type = ldns_rr_get_type(rr);
		if (type == qtype || type == LDNS_RR_TYPE_CNAME ||
		    type == LDNS_RR_TYPE_DNAME || type == LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_rd_count(rr) == 0)
			continue;
		char tb[DNS_TYPE_STRLEN], *d = rdata_str(rr), *s = NULL;
		const char *t = dns_type_str(type, tb, sizeof(tb));
		if (d) {
			size_t len = strlen(t) + strlen(d) + 2;
			if ((s = malloc(len)))
				snprintf(s, len, "%s %s", t, d);
		}
		free(d);
		vals_take(bad, s);
	}
}

/* Answer records of p besides RRSIGs. */
static size_t answer_count(const ldns_pkt *p)
{
	size_t n = 0;
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t k = 0; an && k < ldns_rr_list_rr_count(an); k++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, k)) != LDNS_RR_TYPE_RRSIG)
			n++;
	return n;
}

/* The class of a result that is no recursive answer (no reply, malformed,
 * SERVFAIL, another error rcode, truncated without answer, a referral,
 * RA clear), with why in ev; CLASS_CORRECT for a usable reply. */
static enum verdict_class reply_failure(const struct query_result *q,
	struct sbuf *ev)
{
	if (q->status == REPLY_TIMEOUT) {
		if (q->tries > 1)
			sb_printf(ev, "no reply after %u tries", q->tries);
		else
			sb_printf(ev, "no reply");
		return CLASS_TIMEOUT;
	}
	if (q->status == REPLY_MALFORMED || !q->reply) {
		sb_printf(ev, "no well-formed reply");
		return CLASS_MALFORMED;
	}
	const ldns_pkt *p = q->reply;
	ldns_pkt_rcode rcode = ldns_pkt_get_rcode(p);
	if (rcode == LDNS_RCODE_SERVFAIL) {
		sb_printf(ev, "SERVFAIL");
		return CLASS_SERVFAIL;
	}
	if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
		const char *name = dns_rcode_name(rcode);
		if (name)
			sb_printf(ev, "%s", name);
		else
			sb_printf(ev, "rcode %d", (int)rcode);
		return CLASS_REFUSED;
	}
	size_t nans = answer_count(p);
	if (ldns_pkt_tc(p) && nans == 0) {
		sb_printf(ev, "truncated reply without answer");
		return CLASS_TIMEOUT;
	}
	if (rcode == LDNS_RCODE_NOERROR && nans == 0 &&
	    section_has(ldns_pkt_authority(p), LDNS_RR_TYPE_NS) &&
	    !section_has(ldns_pkt_authority(p), LDNS_RR_TYPE_SOA)) {
		sb_printf(ev, "referral (NS in authority, no answer)");
		return CLASS_NO_RECURSION;
	}
	if (!ldns_pkt_ra(p) && (ldns_pkt_aa(p) || nans == 0)) {
		sb_printf(ev, "recursion not available (RA clear%s)",
			ldns_pkt_aa(p) ? ", authoritative answer" : "");
		return CLASS_NO_RECURSION;
	}
	return CLASS_CORRECT;
}

/* The truth to judge question q (name qn) against, into *e.  False, with
 * why in ev, when there is none: no answer, bogus, an error, an unusable
 * provider.  The NX control without a truth entry expects NXDOMAIN. */
static bool find_expect(const struct truth *t, const struct query_result *q,
	const char *qn, struct expect *e, struct sbuf *ev)
{
	const struct truth_answer *ta = truth_find(t, qn, q->qtype);
	int pvi = ta && ta->provider >= 0 ? ta->provider : q->provider;
	memset(e, 0, sizeof(*e));
	if (t && pvi >= 0 && (size_t)pvi < t->nproviders)
		e->pv = &t->providers[pvi];
	if (e->pv && !e->pv->usable) {
		sb_printf(ev, "no truth: provider %s unusable%s%s",
			e->pv->domain, e->pv->why_unusable ? ": " : "",
			e->pv->why_unusable ? e->pv->why_unusable : "");
		return false;
	}
	if (!ta) {
		if (q->role != QUERY_NXCONTROL) {
			sb_printf(ev, "no truth for this question");
			return false;
		}
		e->nx = true;
	} else if (ta->timed_out) {
		sb_printf(ev, "no truth: validated resolution got no answer");
		return false;
	} else if (ta->sec == TRUTH_SEC_BOGUS) {
		sb_printf(ev, "no truth: bogus%s%s", ta->why_bogus ? ": " : "",
			ta->why_bogus ? ta->why_bogus : "");
		return false;
	} else if (ta->rcode == LDNS_RCODE_NXDOMAIN) {
		e->ta = ta;
		e->nx = true;
	} else if (ta->rcode != LDNS_RCODE_NOERROR) {
		const char *name = dns_rcode_name(ta->rcode);
		sb_printf(ev, "no truth: validated resolution got %s",
			name ? name : "an error");
		return false;
	} else {
		e->ta = ta;
	}
	return true;
}

/* Judge the usable reply of q (name qn) against e into qv (class, flags;
 * invalid values into bad) and j.  allowed is set. */
static void judge_answer(const struct verdict_ctx *ctx,
	const struct query_result *q, const char *qn, const struct expect *e,
	struct query_verdict *qv, struct judge *j, struct sbuf *ev,
	struct vals *bad)
{
	const ldns_pkt *p = q->reply;
	ldns_pkt_rcode rcode = ldns_pkt_get_rcode(p);
	size_t nans = answer_count(p);
	if (e->nx) {
		if (rcode == LDNS_RCODE_NXDOMAIN) {
			sb_printf(ev, "NXDOMAIN, as in the truth");
		} else if (nans == 0) {
			sb_printf(ev, "NOERROR without records where the truth "
				"says NXDOMAIN (nothing false)");
		} else {
			qv->flags |= FLAG_NXDOMAIN_REWRITE;
			if (q->role == QUERY_NXCONTROL) {
				j->rewrite = true;
				sb_printf(ev, "NXDOMAIN expected, got %s",
					j->sig ? j->sig : "an answer");
			} else {
				qv->class = judge_records(ctx, q, qn, e,
					qv->allowed, ev, bad);
			}
		}
	} else if (rcode == LDNS_RCODE_NXDOMAIN) {
		size_t n = ldns_rr_list_rr_count(e->ta->rrs);
		if (n) {
			qv->class = CLASS_FALSIFIED;
			sb_printf(ev, "NXDOMAIN for a name the truth has %zu "
				"record%s for %s", n, n == 1 ? "" : "s",
				qv->allowed);
		} else {
			sb_printf(ev, "NXDOMAIN where the truth has no records "
				"(nothing false)");
		}
	} else {
		qv->class = judge_records(ctx, q, qn, e, qv->allowed, ev, bad);
	}
	if (verdict_class_is_lie(qv->class) && ldns_pkt_ad(p))
		qv->flags |= FLAG_AD_ON_FALSE;
	if (e->ta && e->ta->sec == TRUTH_SEC_SECURE && nans > 0 &&
	    !has_rrsig(p) && !verdict_class_is_lie(qv->class))
		qv->flags |= FLAG_DNSSEC_STRIPPED;
	if (verdict_class_is_lie(qv->class))
		other_type_vals(p, q->qtype, bad);
}

/* The key of question q for the cross-query rules: "qname/TYPE", or
 * "nx/TYPE" for the NX control (a new random name each ask).  NULL on
 * out of memory. */
static char *question_key(const struct query_result *q, const char *qn,
	const char *type)
{
	struct sbuf k = { 0 };
	if (q->role == QUERY_NXCONTROL)
		sb_printf(&k, "nx/%s", type);
	else
		sb_printf(&k, "%s/%s", qn, type);
	return sb_take(&k);
}

/* Judge result i of o alone into qv (and j for the cross-query rules).
 * Returns 0, or -1 on out of memory. */
static int judge_result(const struct verdict_ctx *ctx,
	const struct observation *o, size_t i, struct query_verdict *qv,
	struct judge *j)
{
	const struct query_result *q = &o->results[i];
	struct sbuf ev = { 0 };
	struct vals bad = { 0 };
	struct expect e;
	char tb[DNS_TYPE_STRLEN];
	char *qn = dns_name_fqdn(q->qname ? q->qname : ".");
	memset(qv, 0, sizeof(*qv));
	memset(j, 0, sizeof(*j));
	qv->result = i;
	qv->judged = true;
	qv->class = CLASS_CORRECT;
	if (!qn)
		return -1;
	const char *type = dns_type_str(q->qtype, tb, sizeof(tb));
	sb_printf(&ev, "%s %s: ", type, qn);
	if (!(j->key = question_key(q, qn, type)))
		ev.oom = true;
	if ((qv->class = reply_failure(q, &ev)) != CLASS_CORRECT)
		goto out;
	j->usable = true;
	if (answer_sig(q->reply, &j->sig) < 0)
		ev.oom = true;
	if (!find_expect(ctx->truth, q, qn, &e, &ev)) {
		qv->judged = false;
		goto out;
	}
	if (!(qv->allowed = allowed_str(&e, q->qtype))) {
		ev.oom = true;
		goto out;
	}
	judge_answer(ctx, q, qn, &e, qv, j, &ev, &bad);
out:
	free(qn);
	j->alone = qv->class;
	qv->evidence = sb_take(&ev);
	if (bad.oom || !verdict_class_is_lie(qv->class)) {
		bool oom = bad.oom;
		vals_clear(&bad);
		if (oom)
			return -1;
	}
	qv->invalid = bad.v;
	qv->ninvalid = bad.n;
	return qv->evidence && j->key ? 0 : -1;
}

/* --- the cross-query rules ---------------------------------------------- */

/* Append text to an owned evidence string.  Returns 0 or -1. */
static int ev_append(char **ev, const char *text)
{
	size_t a = *ev ? strlen(*ev) : 0, b = strlen(text);
	char *s = realloc(*ev, a + b + 1);
	if (!s)
		return -1;
	memcpy(s + a, text, b + 1);
	*ev = s;
	return 0;
}

static bool judged_usable(const struct verdict *v, const struct judge *js,
	size_t i)
{
	return js[i].usable && v->queries[i].judged;
}

/* transient and varying within one question asked more than once. */
static int rule_repeats(struct verdict *v, const struct observation *o,
	const struct judge *js)
{
	size_t n = v->nqueries;
	bool *done = calloc(n + 1, sizeof(*done));
	if (!done)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (done[i] || !judged_usable(v, js, i) ||
		    o->results[i].role == QUERY_NXCONTROL)
			continue;
		size_t ninv = 0, nval = 0, nmemb = 0;
		bool same = true, flips = true;
		const char *sig0 = NULL;
		for (size_t k = i; k < n; k++) {
			if (!judged_usable(v, js, k) || strcmp(js[k].key, js[i].key))
				continue;
			done[k] = true;
			nmemb++;
			if (verdict_class_is_lie(v->queries[k].class)) {
				flips &= v->queries[k].class == CLASS_BITFLIP;
				if (ninv++ == 0)
					sig0 = js[k].sig;
				else if (!sig0 || !js[k].sig || strcmp(sig0, js[k].sig))
					same = false;
			} else {
				nval++;
			}
		}
		if (nmemb < 2 || ninv == 0)
			continue;
		/* Different flips of acceptable answers are a bit flipper in
		 * front of a rotating truth (a cache refreshed between the
		 * asks), not a liar making answers up. */
		bool varying = ninv >= 2 && !same && !flips;
		for (size_t k = i; k < n && rc == 0; k++) {
			struct query_verdict *qv = &v->queries[k];
			if (!judged_usable(v, js, k) || strcmp(js[k].key, js[i].key) ||
			    !verdict_class_is_lie(qv->class))
				continue;
			if (nval) {
				qv->class = CLASS_BITFLIP;
				qv->flags |= FLAG_TRANSIENT;
				rc = ev_append(&qv->evidence, " (transient: another "
					"ask of this question was answered acceptably)");
			} else if (varying) {
				qv->class = CLASS_FALSIFIED;
				qv->flags |= FLAG_VARYING;
				rc = ev_append(&qv->evidence, " (varying: a different "
					"false answer each ask)");
			}
		}
	}
	free(done);
	return rc;
}

/* Distinct question keys among the results selected by sel. */
static size_t count_keys(const struct judge *js, const bool *sel, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = sel[k] && !strcmp(js[k].key, js[i].key);
		c += !seen;
	}
	return c;
}

/* varying across questions: every answer false and every one different. */
static int rule_varying(struct verdict *v, const struct judge *js,
	char **why)
{
	size_t n = v->nqueries, m = 0;
	bool *sel = calloc(n + 1, sizeof(*sel));
	if (!sel)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!judged_usable(v, js, i) || !js[i].sig)
			continue;
		if (!verdict_class_is_lie(v->queries[i].class) && !js[i].rewrite) {
			free(sel);
			return 0;	/* an acceptable answer */
		}
		sel[i] = true;
		m++;
	}
	bool distinct = m >= 3 && count_keys(js, sel, n) >= 3;
	for (size_t i = 0; distinct && i < n; i++)
		for (size_t k = i + 1; distinct && sel[i] && k < n; k++)
			if (sel[k] && !strcmp(js[i].sig, js[k].sig))
				distinct = false;
	int rc = 0;
	if (distinct) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (!sel[i])
				continue;
			struct query_verdict *qv = &v->queries[i];
			if (qv->flags & FLAG_VARYING)
				continue;
			qv->flags |= FLAG_VARYING;
			if (verdict_class_is_lie(qv->class))
				qv->class = CLASS_FALSIFIED;
			rc = ev_append(&qv->evidence, " (varying: every question "
				"got a different false answer)");
		}
		struct sbuf b = { 0 };
		sb_printf(&b, "varying: %zu answers to %zu questions, all false "
			"and all different", m, count_keys(js, sel, n));
		free(*why);
		*why = sb_take(&b);
		if (!*why)
			rc = -1;
	}
	free(sel);
	return rc;
}

/* static: the same answer whatever was asked, the NX control included.
 * Judged or not: a static answer needs no truth to be seen. */
static int rule_static(const struct verdict *v, const struct observation *o,
	const struct judge *js, bool *is_static, char **why)
{
	size_t n = v->nqueries, nx = n;
	*is_static = false;
	bool *sel = calloc(n + 1, sizeof(*sel));
	if (!sel)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sel[i] = js[i].usable && js[i].sig;
		if (sel[i] && o->results[i].role == QUERY_NXCONTROL && nx == n)
			nx = i;
	}
	int rc = 0;
	if (nx == n || count_keys(js, sel, n) < 3)
		goto out;
	uint16_t nxtype = o->results[nx].qtype;
	size_t nxnames = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		/* every answer equal to the first of its type */
		for (size_t k = 0; k < i; k++) {
			if (sel[k] && o->results[k].qtype == o->results[i].qtype) {
				if (strcmp(js[k].sig, js[i].sig))
					goto out;
				break;
			}
		}
		if (o->results[i].qtype == nxtype) {
			bool seen = false;
			for (size_t k = 0; k < i && !seen; k++)
				seen = sel[k] && o->results[k].qtype == nxtype &&
					!strcmp(js[k].key, js[i].key);
			nxnames += !seen;
		}
	}
	if (nxnames < 2)
		goto out;
	*is_static = true;
	struct sbuf b = { 0 };
	sb_printf(&b, "static: the same answer to %zu different questions, "
		"the non-existent name included (%s)", count_keys(js, sel, n),
		js[nx].sig);
	free(*why);
	*why = sb_take(&b);
	if (!*why)
		rc = -1;
out:
	free(sel);
	return rc;
}

/* A class a usable answer can have (falsified to incomplete; static is
 * the resolver's alone, correct the absence of all). */
static bool answer_class(enum verdict_class c)
{
	return c >= CLASS_FALSIFIED && c <= CLASS_INCOMPLETE;
}

/* The resolver's class, classes, flags and why from its query verdicts:
 * classes from what each answer showed alone and what the cross-query
 * rules made of it, class from the latter. */
static int aggregate(struct verdict *v, const struct observation *o,
	const struct judge *js, bool is_static, char **why)
{
	bool usable = false;
	unsigned fail_count[CLASS_COUNT] = { 0 }, final = 0;
	v->classes = 0;
	v->flags = (o->unsolicited ? FLAG_UNSOLICITED : 0) |
		(o->forwarded ? FLAG_TRANSPARENT_FORWARDER : 0);
	v->njudged = 0;
	for (size_t i = 0; i < v->nqueries; i++) {
		const struct query_verdict *qv = &v->queries[i];
		if (!qv->judged)
			continue;
		v->njudged++;
		v->flags |= qv->flags;
		if (js[i].usable) {
			usable = true;
			if (answer_class(qv->class))
				final |= 1u << qv->class;
			if (answer_class(js[i].alone))
				v->classes |= 1u << js[i].alone;
		} else {
			fail_count[qv->class]++;
		}
	}
	for (size_t i = 0; i < v->nqueries; i++)
		usable = usable || js[i].usable;
	if (usable) {
		if (is_static)
			final |= 1u << CLASS_STATIC;
		if (final == 0)
			final = 1u << CLASS_CORRECT;
		v->classes |= final;
		v->class = (enum verdict_class)__builtin_ctz(final);
	} else {
		static const enum verdict_class order[] = { CLASS_MALFORMED,
			CLASS_NO_RECURSION, CLASS_REFUSED, CLASS_SERVFAIL,
			CLASS_TIMEOUT };
		v->class = CLASS_TIMEOUT;
		unsigned best = 0;
		for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++) {
			if (fail_count[order[k]])
				v->classes |= 1u << order[k];
			if (fail_count[order[k]] > best) {
				best = fail_count[order[k]];
				v->class = order[k];
			}
		}
		if (v->classes == 0)
			v->classes = 1u << CLASS_TIMEOUT;
	}
	if (*why) {
		v->why = *why;
		*why = NULL;
		return 0;
	}
	struct sbuf b = { 0 };
	const struct query_verdict *first = NULL;
	for (size_t i = 0; i < v->nqueries && !first; i++)
		if (v->queries[i].judged && v->queries[i].class == v->class &&
		    (usable ? js[i].usable : !js[i].usable))
			first = &v->queries[i];
	if (v->class == CLASS_CORRECT) {
		size_t m = 0;
		for (size_t i = 0; i < v->nqueries; i++)
			m += v->queries[i].judged && js[i].usable;
		sb_printf(&b, "%zu judged answer%s, all acceptable", m,
			m == 1 ? "" : "s");
	} else if (first) {
		sb_printf(&b, "%s", first->evidence);
	} else {
		sb_printf(&b, "no queries");
	}
	v->why = sb_take(&b);
	return v->why ? 0 : -1;
}

static void judges_free(struct judge *js, size_t n)
{
	for (size_t i = 0; js && i < n; i++) {
		free(js[i].sig);
		free(js[i].key);
	}
	free(js);
}

struct verdict *verdict_classify(const struct verdict_ctx *ctx,
	const struct observation *o)
{
	struct verdict *v = calloc(1, sizeof(*v));
	struct judge *js = calloc(o->n + 1, sizeof(*js));
	char *why = NULL;
	bool is_static = false;
	if (!v || !js)
		goto fail;
	v->queries = calloc(o->n + 1, sizeof(*v->queries));
	if (!v->queries)
		goto fail;
	for (size_t i = 0; i < o->n; i++) {
		v->nqueries = i + 1;
		if (judge_result(ctx, o, i, &v->queries[i], &js[i]) < 0)
			goto fail;
	}
	if (rule_repeats(v, o, js) < 0 || rule_varying(v, js, &why) < 0 ||
	    rule_static(v, o, js, &is_static, &why) < 0 ||
	    aggregate(v, o, js, is_static, &why) < 0)
		goto fail;
	judges_free(js, o->n);
	return v;
fail:
	free(why);
	judges_free(js, v ? v->nqueries : 0);
	verdict_free(v);
	return NULL;
}

struct verdict *verdict_classify_one(const struct verdict_ctx *ctx,
	const struct observation *o, size_t result)
{
	if (result >= o->n)
		return NULL;
	struct verdict *v = calloc(1, sizeof(*v));
	struct judge j;
	char *why = NULL;
	memset(&j, 0, sizeof(j));
	if (!v)
		return NULL;
	v->queries = calloc(1, sizeof(*v->queries));
	if (!v->queries)
		goto fail;
	v->nqueries = 1;
	if (judge_result(ctx, o, result, &v->queries[0], &j) < 0 ||
	    aggregate(v, o, &j, false, &why) < 0)
		goto fail;
	free(j.sig);
	free(j.key);
	return v;
fail:
	free(j.sig);
	free(j.key);
	verdict_free(v);
	return NULL;
}

void verdict_free(struct verdict *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nqueries; i++) {
		struct query_verdict *qv = &v->queries[i];
		free(qv->evidence);
		free(qv->allowed);
		for (size_t k = 0; k < qv->ninvalid; k++)
			free(qv->invalid[k]);
		free(qv->invalid);
	}
	free(v->queries);
	free(v->why);
	free(v);
}

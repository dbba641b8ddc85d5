/* test_verdict.c: the classification rules, table-driven.  Each case is an
 * observation built in memory (replies from presentation-format records)
 * classified against one fixed truth; the table says the expected class,
 * classes, flags and, for one query, its class and evidence. */
#include "config.h"
#include <string.h>
#include <stdlib.h>
#include "validator/verdict.h"
#include "validator/providers.h"
#include "tests/tap.h"
#include "tests/unit/rrs.h"

/* --- the truth every case is judged against ---------------------------- */

#define HOST "gmail-smtp-in.l.google.com."
#define ALT1 "alt1.gmail-smtp-in.l.google.com."
#define NXNAME "rp-abcdefghijklmnop.example.net."
#define MX_OK "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.", \
	"gmail.com. 300 IN MX 10 alt1.gmail-smtp-in.l.google.com.", \
	"gmail.com. 300 IN MX 20 alt2.gmail-smtp-in.l.google.com."
#define A_OK HOST " 300 IN A 142.250.153.26"
#define AAAA_OK HOST " 300 IN AAAA 2a00:1450:4013:c16::1a"
#define CTL "www.example.net."
#define CTL_OK CTL " 300 IN A 93.184.215.14"
#define CTL_SIG CTL " 300 IN RRSIG A 13 3 300 20300101000000 " \
	"20200101000000 12345 example.net. AAAA"

static const char providers[] =
	"provider gmail.com\n"
	"prefix 142.250.0.0/15\n"
	"prefix 2a00:1450::/32\n"
	"provider yahoo.com\n"
	"prefix 67.195.0.0/16\n"
	"control www.example.net\n"
	"nxdomain example.net\n";

static const char registry[] =
	"Address Block,Name,RFC,Allocation Date,Termination Date,Source,"
	"Destination,Forwardable,Globally Reachable,Reserved-by-Protocol\n"
	"10.0.0.0/8,Private-Use,[RFC1918],1996-02,N/A,True,True,True,False,False\n"
	"127.0.0.0/8,Loopback,x,1981-09,N/A,False [1],False [1],False [1],False [1],True\n"
	"192.168.0.0/16,Private-Use,[RFC1918],1996-02,N/A,True,True,True,False,False\n"
	"192.0.2.0/24,Documentation (TEST-NET-1),[RFC5737],2010-01,N/A,False,False,False,False,False\n"
	"::1/128,Loopback Address,[RFC4291],2006-02,N/A,False,False,False,False,True\n"
	"fc00::/7,Unique-Local,[RFC4193],2005-10,N/A,True,True,True,False [4],False\n"
	"fe80::/10,Link-Local Unicast,[RFC4291],2006-02,N/A,True,True,False,False,True\n";

static void add_truth(struct truth *t, const char *qname, uint16_t type,
	int provider, enum truth_sec sec, int rcode, const char *const *recs,
	const char *const *cnames)
{
	struct truth_answer *a = truth_get(t, qname, type);
	static const char *const none[] = { NULL };
	ldns_rr_list *r = rrs(recs ? recs : none);
	ldns_rr_list *c = rrs(cnames ? cnames : none);
	truth_answer_merge(a, r, c, 300);
	ldns_rr_list_deep_free(r);
	ldns_rr_list_deep_free(c);
	a->provider = provider;
	a->sec = sec;
	a->rcode = rcode;
}

static struct truth *make_truth(void)
{
	char err[256];
	struct truth *t = truth_new();
	if (providers_parse(t, providers, strlen(providers), "providers", err,
	    sizeof(err)) < 0) {
		printf("# %s\n", err);
		abort();
	}
	t->providers[1].usable = false;
	t->providers[1].why_unusable = strdup("MX bogus");
	static const char *const mx[] = { MX_OK, NULL };
	add_truth(t, "gmail.com", LDNS_RR_TYPE_MX, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, mx, NULL);
	static const char *const a[] = { A_OK, NULL };
	add_truth(t, HOST, LDNS_RR_TYPE_A, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, a, NULL);
	static const char *const aaaa[] = { AAAA_OK, NULL };
	add_truth(t, HOST, LDNS_RR_TYPE_AAAA, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, aaaa, NULL);
	/* A rotated set: two resolution rounds, the union kept. */
	static const char *const alt1a[] = { ALT1 " 300 IN A 142.251.9.26", NULL };
	static const char *const alt1b[] = { ALT1 " 300 IN A 172.253.1.5", NULL };
	add_truth(t, ALT1, LDNS_RR_TYPE_A, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, alt1a, NULL);
	add_truth(t, ALT1, LDNS_RR_TYPE_A, 0, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, alt1b, NULL);
	static const char *const ctl[] = { CTL_OK, NULL };
	add_truth(t, CTL, LDNS_RR_TYPE_A, -1, TRUTH_SEC_SECURE,
		LDNS_RCODE_NOERROR, ctl, NULL);
	static const char *const cn[] = {
		"cname.example.net. 300 IN CNAME target.example.net.", NULL };
	static const char *const cnt[] = {
		"target.example.net. 300 IN A 151.101.1.1", NULL };
	add_truth(t, "cname.example.net", LDNS_RR_TYPE_A, -1,
		TRUTH_SEC_INSECURE, LDNS_RCODE_NOERROR, cnt, cn);
	static const char *const ymx[] = {
		"yahoo.com. 300 IN MX 1 mta5.am0.yahoodns.net.", NULL };
	add_truth(t, "yahoo.com", LDNS_RR_TYPE_MX, 1, TRUTH_SEC_BOGUS,
		LDNS_RCODE_NOERROR, ymx, NULL);
	struct truth_answer *b = truth_get(t, "bogus.example", LDNS_RR_TYPE_A);
	b->sec = TRUTH_SEC_BOGUS;
	b->why_bogus = strdup("signature expired");
	add_truth(t, "gone.example", LDNS_RR_TYPE_A, -1, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NXDOMAIN, NULL, NULL);
	add_truth(t, "nodata.example", LDNS_RR_TYPE_AAAA, -1,
		TRUTH_SEC_INSECURE, LDNS_RCODE_NOERROR, NULL, NULL);
	static const char *const txt[] = {
		"txt.example. 300 IN TXT \"v=spf1 -all\"", NULL };
	add_truth(t, "txt.example", LDNS_RR_TYPE_TXT, -1, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, txt, NULL);
	static const char *const doc[] = { "doc.example. 300 IN A 192.0.2.25", NULL };
	add_truth(t, "doc.example", LDNS_RR_TYPE_A, -1, TRUTH_SEC_INSECURE,
		LDNS_RCODE_NOERROR, doc, NULL);
	struct truth_answer *to = truth_get(t, "slow.example", LDNS_RR_TYPE_A);
	to->timed_out = true;
	return t;
}

/* --- observations ------------------------------------------------------ */

#define MAXRR 8
struct q {
	const char *qname, *type;
	enum query_role role;
	int provider, round;
	enum reply_status status;
	int rcode;
	const char *flags;	/* words: ra aa ad tc; NULL means "ra" */
	const char *an[MAXRR];
	const char *ns[MAXRR];
};

#define NOERR LDNS_RCODE_NOERROR
#define NXD LDNS_RCODE_NXDOMAIN
/* A reply: name, type, role, provider, round, rcode, flags, answers... */
#define Q(n, t, role, pv, rd, rc, fl, ...) \
	{ n, t, role, pv, rd, REPLY_OK, rc, fl, { __VA_ARGS__ }, { NULL } }
#define MXQ(rd, ...) Q("gmail.com.", "MX", QUERY_MX, 0, rd, NOERR, NULL, __VA_ARGS__)
#define AQ(rd, ...) Q(HOST, "A", QUERY_ADDR, 0, rd, NOERR, NULL, __VA_ARGS__)
#define CTLQ(...) Q(CTL, "A", QUERY_CONTROL, -1, 0, NOERR, NULL, __VA_ARGS__)
#define NXQ(...) Q(NXNAME, "A", QUERY_NXCONTROL, -1, 0, NOERR, NULL, __VA_ARGS__)
#define H_MX MXQ(0, MX_OK)
#define H_A AQ(0, A_OK)
#define H_CTL CTLQ(CTL_OK, CTL_SIG)
#define H_NX Q(NXNAME, "A", QUERY_NXCONTROL, -1, 0, NXD, NULL, NULL)
#define TO(n, t, role, pv, rd) \
	{ n, t, role, pv, rd, REPLY_TIMEOUT, 0, NULL, { NULL }, { NULL } }
#define BAD(n, t, role, pv) \
	{ n, t, role, pv, 0, REPLY_MALFORMED, 0, NULL, { NULL }, { NULL } }

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static ldns_pkt *mkpkt(const struct q *q)
{
	ldns_pkt *p = ldns_pkt_new();
	const char *fl = q->flags ? q->flags : "ra";
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, has_word(fl, "ra"));
	ldns_pkt_set_aa(p, has_word(fl, "aa"));
	ldns_pkt_set_ad(p, has_word(fl, "ad"));
	ldns_pkt_set_tc(p, has_word(fl, "tc"));
	ldns_pkt_set_rcode(p, (uint8_t)q->rcode);
	ldns_rr *qr = ldns_rr_new();
	ldns_rr_set_owner(qr, ldns_dname_new_frm_str(q->qname));
	ldns_rr_set_type(qr, ldns_get_rr_type_by_name(q->type));
	ldns_rr_set_class(qr, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(qr, true);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, qr);
	for (int s = 0; s < 2; s++) {
		const char *const *l = s ? q->ns : q->an;
		for (int i = 0; i < MAXRR && l[i]; i++) {
			ldns_rr *rr = NULL;
			if (ldns_rr_new_frm_str(&rr, l[i], 300, NULL, NULL) !=
			    LDNS_STATUS_OK) {
				printf("# bad rr: %s\n", l[i]);
				abort();
			}
			ldns_pkt_push_rr(p, s ? LDNS_SECTION_AUTHORITY :
				LDNS_SECTION_ANSWER, rr);
		}
	}
	return p;
}

static struct observation *mkobs(const struct q *qs, unsigned unsolicited)
{
	struct prefix r;
	char err[64];
	prefix_parse("127.0.3.1", &r, err, sizeof(err));
	struct observation *o = observation_new(&r);
	for (const struct q *q = qs; q->qname; q++)
		observation_add(o, strdup(q->qname),
			(uint16_t)ldns_get_rr_type_by_name(q->type), q->role,
			q->provider, q->round, q->status,
			q->status == REPLY_OK ? mkpkt(q) : NULL, 1.0);
	o->unsolicited = unsolicited;
	return o;
}

/* --- the cases ------------------------------------------------------------ */

#define B(c) (1u << (c))
#define MAXQ 12

struct vcase {
	const char *what;
	struct q q[MAXQ];
	unsigned unsolicited;
	enum verdict_class class;
	unsigned classes;	/* 0: just the class */
	unsigned flags;
	int qi;			/* a query to look at, -1 none */
	int qclass;		/* its class; -1 don't care */
	const char *ev;		/* a substring of its evidence, or NULL */
	int qjudged;		/* its judged flag; -1 don't care */
};

static const struct vcase cases[] = {
	{ "honest resolver", { H_MX, H_A, H_CTL, H_NX },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT,
	  "all 3 MX hosts in the truth", 1 },
	{ "0x20 case, upper-case records, duplicates",
	  { Q("GmAiL.cOm", "MX", QUERY_MX, 0, 0, NOERR, NULL,
	      "GMAIL.com. 300 IN MX 5 GMAIL-SMTP-IN.L.GOOGLE.COM.",
	      "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.",
	      "gmail.com. 300 IN MX 10 Alt1.Gmail-Smtp-In.L.Google.Com.",
	      "gmail.com. 300 IN MX 20 alt2.gmail-smtp-in.l.google.com."),
	    Q("GMAIL-smtp-IN.l.google.COM", "A", QUERY_ADDR, 0, 0, NOERR, NULL,
	      "GMAIL-SMTP-IN.L.GOOGLE.COM. 300 IN A 142.250.153.26",
	      A_OK),
	    H_CTL, H_NX },
	  0, CLASS_CORRECT, 0, 0, 1, CLASS_CORRECT, "142.250.153.26 in the truth", 1 },
	{ "rotated truth: the other round's address",
	  { H_MX, Q(ALT1, "A", QUERY_ADDR, 0, 0, NOERR, NULL,
	      ALT1 " 60 IN A 172.253.1.5") },
	  0, CLASS_CORRECT, 0, 0, 1, CLASS_CORRECT, "172.253.1.5 in the truth", 1 },
	{ "provider prefix accepts an address truth did not return",
	  { H_MX, AQ(0, HOST " 300 IN A 142.251.200.1") },
	  0, CLASS_CORRECT, 0, 0, 1, CLASS_CORRECT,
	  "142.251.200.1 in gmail.com.'s prefix 142.250.0.0/15", 1 },
	{ "one bit away but inside the provider prefix is correct",
	  { H_MX, AQ(0, HOST " 300 IN A 142.250.153.27") },
	  0, CLASS_CORRECT, 0, 0, 1, CLASS_CORRECT, "prefix", 1 },
	{ "bitflip: address one bit away, outside the prefix",
	  { H_MX, AQ(0, HOST " 300 IN A 143.250.153.26"), H_CTL, H_NX },
	  0, CLASS_BITFLIP, 0, 0, 1, CLASS_BITFLIP,
	  "A gmail-smtp-in.l.google.com.: 143.250.153.26 is one bit from "
	  "142.250.153.26", 1 },
	{ "bitflip: one bit from a prefix address the truth did not return",
	  { H_MX, AQ(0, HOST " 300 IN A 143.251.200.1"), H_CTL, H_NX },
	  0, CLASS_BITFLIP, 0, 0, 1, CLASS_BITFLIP,
	  "143.251.200.1 is one bit from 142.251.200.1, in gmail.com.'s prefix "
	  "142.250.0.0/15", 1 },
	{ "two bits from the provider prefix is falsified",
	  { H_MX, AQ(0, HOST " 300 IN A 141.251.200.1"), H_CTL, H_NX },
	  0, CLASS_FALSIFIED, 0, 0, 1, CLASS_FALSIFIED, "not in truth", 1 },
	{ "bitflip: control address one bit away (no provider)",
	  { H_MX, H_A, CTLQ(CTL " 300 IN A 93.184.215.15", CTL_SIG), H_NX },
	  0, CLASS_BITFLIP, 0, 0, 2, CLASS_BITFLIP,
	  "93.184.215.15 is one bit from 93.184.215.14", 1 },
	{ "two bits away is falsified, not bitflip",
	  { H_MX, H_A, CTLQ(CTL " 300 IN A 93.184.215.13", CTL_SIG), H_NX },
	  0, CLASS_FALSIFIED, 0, 0, 2, CLASS_FALSIFIED,
	  "93.184.215.13 not in truth {93.184.215.14}", 1 },
	{ "bitflip: MX name one bit away",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.col.",
	      "gmail.com. 300 IN MX 10 alt1.gmail-smtp-in.l.google.com.",
	      "gmail.com. 300 IN MX 20 alt2.gmail-smtp-in.l.google.com."),
	    H_A, H_CTL, H_NX },
	  0, CLASS_BITFLIP, 0, 0, 0, CLASS_BITFLIP,
	  "\"5 gmail-smtp-in.l.google.col.\" is one bit from "
	  "gmail-smtp-in.l.google.com.", 1 },
	{ "MX name two bits away is falsified",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.con."),
	    H_A, H_CTL, H_NX },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED, "not in truth", 1 },
	{ "falsified MX, evidence lists the truth",
	  { MXQ(0, "gmail.com. 300 IN MX 10 mx.evil-mail.com."), H_A, H_CTL, H_NX },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED,
	  "MX gmail.com.: \"10 mx.evil-mail.com.\" not in truth "
	  "{5 gmail-smtp-in.l.google.com., 10 alt1.gmail-smtp-in.l.google.com., "
	  "20 alt2.gmail-smtp-in.l.google.com.}", 1 },
	{ "true MX set plus one false host is falsified",
	  { MXQ(0, MX_OK, "gmail.com. 300 IN MX 1 mx.evil-mail.com."), H_A },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED, "mx.evil-mail.com.", 1 },
	{ "incomplete: a strict subset of the MX set",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.",
	      "gmail.com. 300 IN MX 20 alt2.gmail-smtp-in.l.google.com."),
	    H_A, H_CTL, H_NX },
	  0, CLASS_INCOMPLETE, 0, 0, 0, CLASS_INCOMPLETE,
	  "2 of 3 true MX hosts, nothing false", 1 },
	{ "incomplete: empty NOERROR MX answer",
	  { MXQ(0, NULL), H_A, H_CTL, H_NX },
	  0, CLASS_INCOMPLETE, 0, 0, 0, CLASS_INCOMPLETE,
	  "no records; the truth has 3", 1 },
	{ "loopback A",
	  { H_MX, AQ(0, HOST " 300 IN A 127.0.0.1"), H_CTL, H_NX },
	  0, CLASS_LOOPBACK, 0, 0, 1, CLASS_LOOPBACK, "127.0.0.1 is loopback", 1 },
	{ "loopback AAAA ::1",
	  { H_MX, Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA ::1") },
	  0, CLASS_LOOPBACK, 0, 0, 1, CLASS_LOOPBACK, "::1 is loopback", 1 },
	{ "private A (RFC 1918)",
	  { H_MX, AQ(0, HOST " 300 IN A 192.168.1.1"), H_CTL, H_NX },
	  0, CLASS_PRIVATE, 0, 0, 1, CLASS_PRIVATE,
	  "192.168.1.1 is in 192.168.0.0/16 (Private-Use), not globally "
	  "reachable", 1 },
	{ "private AAAA (ULA)",
	  { H_MX, Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA fd00::25") },
	  0, CLASS_PRIVATE, 0, 0, 1, CLASS_PRIVATE, "fc00::/7 (Unique-Local)", 1 },
	{ "private AAAA (link-local)",
	  { H_MX, Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA fe80::1") },
	  0, CLASS_PRIVATE, 0, 0, 1, CLASS_PRIVATE, "Link-Local", 1 },
	{ "loopback wins over private in one answer",
	  { H_MX, AQ(0, HOST " 300 IN A 10.0.0.1", HOST " 300 IN A 127.0.0.2") },
	  0, CLASS_LOOPBACK, 0, 0, 1, CLASS_LOOPBACK, "10.0.0.1 is in", 1 },
	{ "mixed: loopback A and private AAAA",
	  { H_MX, AQ(0, HOST " 300 IN A 127.0.0.1"),
	    Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA fd00::1") },
	  0, CLASS_LOOPBACK, B(CLASS_LOOPBACK) | B(CLASS_PRIVATE), 0,
	  2, CLASS_PRIVATE, NULL, 1 },
	{ "mixed: falsified MX and private A",
	  { MXQ(0, "gmail.com. 300 IN MX 10 mx.evil-mail.com."),
	    AQ(0, HOST " 300 IN A 10.1.1.1"), H_CTL, H_NX },
	  0, CLASS_FALSIFIED, B(CLASS_FALSIFIED) | B(CLASS_PRIVATE), 0,
	  1, CLASS_PRIVATE, NULL, 1 },
	{ "mixed: incomplete MX and bitflip A",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com."),
	    AQ(0, HOST " 300 IN A 143.250.153.26") },
	  0, CLASS_BITFLIP, B(CLASS_BITFLIP) | B(CLASS_INCOMPLETE), 0,
	  0, CLASS_INCOMPLETE, NULL, 1 },
	{ "in the validated set wins over a special-purpose range",
	  { Q("doc.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "doc.example. 300 IN A 192.0.2.25") },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "192.0.2.25 in the truth", 1 },
	{ "beside it, the same range is private",
	  { Q("doc.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "doc.example. 300 IN A 192.0.2.26") },
	  0, CLASS_PRIVATE, 0, 0, 0, CLASS_PRIVATE,
	  "192.0.2.26 is in 192.0.2.0/24 (Documentation (TEST-NET-1))", 1 },
	{ "IPv6: in set, in prefix, one bit outside the prefix",
	  { Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL, AAAA_OK),
	    Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA 2a00:1450:4013:c16::1b"),
	    Q(HOST, "AAAA", QUERY_ADDR, 0, 1, NOERR, NULL,
	      HOST " 300 IN AAAA 2a01:1450:4013:c16::1a") },
	  0, CLASS_BITFLIP, 0, FLAG_TRANSIENT, 2, CLASS_BITFLIP,
	  "2a01:1450:4013:c16::1a is one bit from 2a00:1450:4013:c16::1a", 1 },
	{ "IPv6 one bit outside the prefix, persistent",
	  { H_MX, Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN AAAA 2a01:1450:4013:c16::1a") },
	  0, CLASS_BITFLIP, 0, 0, 1, CLASS_BITFLIP, "one bit from", 1 },
	{ "static: the same answer for everything, NX included",
	  { MXQ(0, "gmail.com. 300 IN MX 10 mx.static-lie.example."),
	    Q("yahoo.com.", "MX", QUERY_MX, 1, 0, NOERR, NULL,
	      "yahoo.com. 300 IN MX 10 mx.static-lie.example."),
	    AQ(0, HOST " 300 IN A 45.33.32.156"),
	    CTLQ(CTL " 300 IN A 45.33.32.156"),
	    NXQ(NXNAME " 300 IN A 45.33.32.156") },
	  0, CLASS_STATIC, B(CLASS_STATIC) | B(CLASS_FALSIFIED),
	  FLAG_NXDOMAIN_REWRITE, 4, CLASS_CORRECT,
	  "NXDOMAIN expected, got A 45.33.32.156", 1 },
	{ "not static: the NX control got NXDOMAIN",
	  { MXQ(0, "gmail.com. 300 IN MX 10 mx.static-lie.example."),
	    AQ(0, HOST " 300 IN A 45.33.32.156"),
	    CTLQ(CTL " 300 IN A 45.33.32.156"), H_NX },
	  0, CLASS_FALSIFIED, 0, 0, 1, CLASS_FALSIFIED,
	  "45.33.32.156 not in truth {142.250.153.26} or gmail.com.'s prefixes", 1 },
	{ "not static: only two questions answered",
	  { AQ(0, HOST " 300 IN A 45.33.32.156"),
	    NXQ(NXNAME " 300 IN A 45.33.32.156") },
	  0, CLASS_FALSIFIED, 0, FLAG_NXDOMAIN_REWRITE, -1, -1, NULL, -1 },
	{ "nxdomain-rewrite alone is correct",
	  { H_MX, H_A, H_CTL, NXQ(NXNAME " 300 IN A 45.33.32.158") },
	  0, CLASS_CORRECT, 0, FLAG_NXDOMAIN_REWRITE, 3, CLASS_CORRECT,
	  "NXDOMAIN expected", 1 },
	{ "NX control NODATA is correct, no flag",
	  { H_MX, H_A, NXQ(NULL) },
	  0, CLASS_CORRECT, 0, 0, 2, CLASS_CORRECT, "NOERROR without records", 1 },
	{ "varying across rounds",
	  { H_MX, AQ(0, HOST " 300 IN A 45.1.1.1"), AQ(1, HOST " 300 IN A 45.2.2.2") },
	  0, CLASS_FALSIFIED, 0, FLAG_VARYING, 2, CLASS_FALSIFIED, "varying", 1 },
	{ "varying keeps the classes its answers showed: loopback, private",
	  { H_MX, AQ(0, HOST " 300 IN A 127.0.0.1"),
	    AQ(1, HOST " 300 IN A 10.1.2.3"), AQ(1, HOST " 300 IN A 45.2.2.2") },
	  0, CLASS_FALSIFIED, B(CLASS_FALSIFIED) | B(CLASS_LOOPBACK) |
	  B(CLASS_PRIVATE), FLAG_VARYING, 1, CLASS_FALSIFIED, "varying", 1 },
	{ "not varying: a different bit flip of an acceptable address each round",
	  { H_MX, AQ(0, HOST " 300 IN A 143.250.153.26"),
	    AQ(1, HOST " 300 IN A 143.251.200.1") },
	  0, CLASS_BITFLIP, 0, 0, 2, CLASS_BITFLIP, "one bit from", 1 },
	{ "varying across questions: every answer false and different",
	  { MXQ(0, "gmail.com. 300 IN MX 10 qzx.example."),
	    AQ(0, HOST " 300 IN A 45.1.1.1"),
	    CTLQ(CTL " 300 IN A 45.3.3.3"),
	    NXQ(NXNAME " 300 IN A 45.4.4.4") },
	  0, CLASS_FALSIFIED, 0, FLAG_VARYING | FLAG_NXDOMAIN_REWRITE,
	  1, CLASS_FALSIFIED, "varying", 1 },
	{ "persistent lie: both rounds the same",
	  { H_MX, AQ(0, HOST " 300 IN A 45.33.32.156"),
	    AQ(1, HOST " 300 IN A 45.33.32.156") },
	  0, CLASS_FALSIFIED, 0, 0, 2, CLASS_FALSIFIED, NULL, 1 },
	{ "transient: the confirmation round answered correctly (the "
	  "falsified answer stays in classes)",
	  { H_MX, AQ(0, HOST " 300 IN A 45.33.32.156"), H_CTL, H_NX, H_A },
	  0, CLASS_BITFLIP, B(CLASS_BITFLIP) | B(CLASS_FALSIFIED),
	  FLAG_TRANSIENT, 1, CLASS_BITFLIP, "transient", 1 },
	{ "transient loopback becomes bitflip, loopback stays in classes",
	  { H_MX, AQ(0, HOST " 300 IN A 127.0.0.1"), AQ(1, A_OK) },
	  0, CLASS_BITFLIP, B(CLASS_BITFLIP) | B(CLASS_LOOPBACK),
	  FLAG_TRANSIENT, 1, CLASS_BITFLIP, "127.0.0.1", 1 },
	{ "a confirmation timeout does not make it transient",
	  { H_MX, AQ(0, HOST " 300 IN A 45.33.32.156"),
	    TO(HOST, "A", QUERY_ADDR, 0, 1) },
	  0, CLASS_FALSIFIED, 0, 0, 1, CLASS_FALSIFIED, NULL, 1 },
	{ "CNAME chain as in the truth, 0x20 case",
	  { Q("CNAME.example.NET", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "Cname.Example.Net. 300 IN CNAME TARGET.example.net.",
	      "target.EXAMPLE.net. 300 IN A 151.101.1.1") },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, NULL, 1 },
	{ "CNAME outside the truth chain is falsified",
	  { Q("cname.example.net.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "cname.example.net. 300 IN CNAME evil.example.",
	      "evil.example. 300 IN A 151.101.1.1") },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED,
	  "CNAME to evil.example., outside the truth's chain", 1 },
	{ "CNAME via the provider's host to a true address",
	  { Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN CNAME cdn.example.",
	      "cdn.example. 300 IN A 142.250.153.26") },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED, "CNAME to cdn.example.", 1 },
	{ "ad-on-false",
	  { H_MX, Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, "ra ad",
	      HOST " 300 IN A 45.33.32.157") },
	  0, CLASS_FALSIFIED, 0, FLAG_AD_ON_FALSE, 1, CLASS_FALSIFIED, NULL, 1 },
	{ "AD on a true answer is fine",
	  { H_MX, Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, "ra ad", A_OK) },
	  0, CLASS_CORRECT, 0, 0, -1, -1, NULL, -1 },
	{ "no dnssec-stripped on an empty answer (nothing to strip)",
	  { Q(CTL, "A", QUERY_CONTROL, -1, 0, NOERR, NULL, NULL) },
	  0, CLASS_INCOMPLETE, 0, 0, 0, CLASS_INCOMPLETE, NULL, 1 },
	{ "no dnssec-stripped on a forged answer (it is the lie)",
	  { CTLQ(CTL " 300 IN A 45.33.32.156") },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED, NULL, 1 },
	{ "dnssec-stripped: secure truth, no RRSIG",
	  { H_MX, H_A, CTLQ(CTL_OK), H_NX },
	  0, CLASS_CORRECT, 0, FLAG_DNSSEC_STRIPPED, 2, CLASS_CORRECT, NULL, 1 },
	{ "unsolicited replies, every query timed out",
	  { TO("gmail.com.", "MX", QUERY_MX, 0, 0), TO(HOST, "A", QUERY_ADDR, 0, 0) },
	  2, CLASS_TIMEOUT, 0, FLAG_UNSOLICITED, 0, CLASS_TIMEOUT, "no reply", 1 },
	{ "unsolicited beside correct answers",
	  { H_MX, H_A },
	  1, CLASS_CORRECT, 0, FLAG_UNSOLICITED, -1, -1, NULL, -1 },
	{ "refused",
	  { Q("gmail.com.", "MX", QUERY_MX, 0, 0, LDNS_RCODE_REFUSED, NULL, NULL),
	    Q(HOST, "A", QUERY_ADDR, 0, 0, LDNS_RCODE_REFUSED, NULL, NULL) },
	  0, CLASS_REFUSED, 0, 0, 0, CLASS_REFUSED, "REFUSED", 1 },
	{ "NOTIMP counts as refused",
	  { Q("gmail.com.", "MX", QUERY_MX, 0, 0, LDNS_RCODE_NOTIMPL, NULL, NULL) },
	  0, CLASS_REFUSED, 0, 0, 0, CLASS_REFUSED, "NOTIMPL", 1 },
	{ "servfail",
	  { Q("gmail.com.", "MX", QUERY_MX, 0, 0, LDNS_RCODE_SERVFAIL, NULL, NULL),
	    TO(HOST, "A", QUERY_ADDR, 0, 0),
	    Q(CTL, "A", QUERY_CONTROL, -1, 0, LDNS_RCODE_SERVFAIL, NULL, NULL) },
	  0, CLASS_SERVFAIL, B(CLASS_SERVFAIL) | B(CLASS_TIMEOUT), 0,
	  0, CLASS_SERVFAIL, NULL, 1 },
	{ "no-recursion: a referral",
	  { { "gmail.com.", "MX", QUERY_MX, 0, 0, REPLY_OK, NOERR, "", { NULL },
	      { "com. 172800 IN NS a.gtld-servers.net." } } },
	  0, CLASS_NO_RECURSION, 0, 0, 0, CLASS_NO_RECURSION, "referral", 1 },
	{ "no-recursion: a referral with RA set",
	  { { "gmail.com.", "MX", QUERY_MX, 0, 0, REPLY_OK, NOERR, "ra", { NULL },
	      { ". 518400 IN NS a.root-servers.net." } } },
	  0, CLASS_NO_RECURSION, 0, 0, 0, CLASS_NO_RECURSION, "referral", 1 },
	{ "no-recursion: RA clear, authoritative answer",
	  { Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, "aa",
	      HOST " 300 IN A 127.0.4.31"),
	    Q("gmail.com.", "MX", QUERY_MX, 0, 0, NXD, "aa", NULL) },
	  0, CLASS_NO_RECURSION, 0, 0, 0, CLASS_NO_RECURSION, "RA clear", 1 },
	{ "RA clear on a non-authoritative lie is still judged",
	  { Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, "", HOST " 300 IN A 45.33.32.156") },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED, NULL, 1 },
	{ "NODATA with RA set is not a referral",
	  { { "nodata.example.", "AAAA", QUERY_OTHER, -1, 0, REPLY_OK, NOERR,
	      "ra", { NULL }, { "example. 300 IN SOA ns.example. h.example. "
	      "1 7200 3600 1209600 300" } } },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "no records, as in the truth", 1 },
	{ "malformed only",
	  { BAD("gmail.com.", "MX", QUERY_MX, 0), BAD(HOST, "A", QUERY_ADDR, 0) },
	  0, CLASS_MALFORMED, 0, 0, 0, CLASS_MALFORMED, "no well-formed reply", 1 },
	{ "mostly malformed, one timeout",
	  { BAD("gmail.com.", "MX", QUERY_MX, 0), BAD(HOST, "A", QUERY_ADDR, 0),
	    TO(CTL, "A", QUERY_CONTROL, -1, 0) },
	  0, CLASS_MALFORMED, B(CLASS_MALFORMED) | B(CLASS_TIMEOUT), 0,
	  2, CLASS_TIMEOUT, NULL, 1 },
	{ "truncated without answer counts as a timeout",
	  { Q("gmail.com.", "MX", QUERY_MX, 0, 0, NOERR, "ra tc", NULL) },
	  0, CLASS_TIMEOUT, 0, 0, 0, CLASS_TIMEOUT, "truncated", 1 },
	{ "answers plus timeouts: judged on the answers",
	  { H_MX, TO(HOST, "A", QUERY_ADDR, 0, 0) },
	  0, CLASS_CORRECT, 0, 0, 1, CLASS_TIMEOUT, NULL, 1 },
	{ "unusable provider: not judged",
	  { Q("yahoo.com.", "MX", QUERY_MX, 1, 0, NOERR, NULL,
	      "yahoo.com. 300 IN MX 1 evil.example."), H_MX },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT,
	  "no truth: provider yahoo.com. unusable: MX bogus", 0 },
	{ "bogus truth: not judged",
	  { Q("bogus.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "bogus.example. 300 IN A 45.33.32.156"), H_MX },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT,
	  "no truth: bogus: signature expired", 0 },
	{ "no truth for the question: not judged",
	  { Q("unknown.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "unknown.example. 300 IN A 45.33.32.156") },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "no truth for this question", 0 },
	{ "truth timed out: not judged",
	  { Q("slow.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "slow.example. 300 IN A 45.33.32.156") },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "no truth: validated", 0 },
	{ "NXDOMAIN for a name that exists is falsified",
	  { Q("gmail.com.", "MX", QUERY_MX, 0, 0, NXD, NULL, NULL), H_A },
	  0, CLASS_FALSIFIED, 0, 0, 0, CLASS_FALSIFIED,
	  "NXDOMAIN for a name the truth has 3 records for", 1 },
	{ "NXDOMAIN where the truth is NODATA is correct",
	  { Q("nodata.example.", "AAAA", QUERY_OTHER, -1, 0, NXD, NULL, NULL) },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "nothing false", 1 },
	{ "an answer for a name the truth says does not exist",
	  { Q("gone.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "gone.example. 300 IN A 45.33.32.156") },
	  0, CLASS_FALSIFIED, 0, FLAG_NXDOMAIN_REWRITE, 0, CLASS_FALSIFIED,
	  "45.33.32.156 not in truth NXDOMAIN", 1 },
	{ "NXDOMAIN where the truth says so",
	  { Q("gone.example.", "A", QUERY_OTHER, -1, 0, NXD, NULL, NULL) },
	  0, CLASS_CORRECT, 0, 0, 0, CLASS_CORRECT, "NXDOMAIN, as in the truth", 1 },
	{ "other types by rdata: TXT true and false",
	  { Q("txt.example.", "TXT", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "txt.example. 300 IN TXT \"v=spf1 -all\""),
	    Q("txt.example.", "TXT", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "txt.example. 300 IN TXT \"v=spf1 +all\"") },
	  0, CLASS_BITFLIP, B(CLASS_BITFLIP) | B(CLASS_FALSIFIED),
	  FLAG_TRANSIENT, 1, CLASS_BITFLIP, "\"v=spf1 +all\" not in truth", 1 },
	{ "an A record answering an MX question: empty, incomplete",
	  { MXQ(0, "gmail.com. 300 IN A 45.33.32.156") },
	  0, CLASS_INCOMPLETE, 0, 0, 0, CLASS_INCOMPLETE, NULL, 1 },
	{ "no results at all", { { NULL } },
	  0, CLASS_TIMEOUT, 0, 0, -1, -1, NULL, -1 },
};

static int run_case(const struct verdict_ctx *ctx, const struct vcase *c)
{
	struct observation *o = mkobs(c->q, c->unsolicited);
	struct verdict *v = verdict_classify(ctx, o);
	int pass = v != NULL;
	unsigned classes = c->classes ? c->classes : B(c->class);
	if (!v) {
		ok(0, "%s: verdict", c->what);
		observation_free(o);
		return 0;
	}
	pass = ok(v->class == c->class && v->classes == classes &&
		v->flags == c->flags && v->nqueries == o->n,
		"%s: class %s (classes %#x flags %#x; want %s %#x %#x) why: %s",
		c->what, verdict_class_str(v->class), v->classes, v->flags,
		verdict_class_str(c->class), classes, c->flags,
		v->why ? v->why : "-");
	if (c->qi >= 0 && (size_t)c->qi < v->nqueries) {
		const struct query_verdict *qv = &v->queries[c->qi];
		pass &= ok(qv->result == (size_t)c->qi &&
			(c->qclass < 0 || qv->class == (enum verdict_class)c->qclass) &&
			(!c->ev || strstr(qv->evidence, c->ev)) &&
			(c->qjudged < 0 || qv->judged == (bool)c->qjudged),
			"%s: query %d %s: %s", c->what, c->qi,
			verdict_class_str(qv->class), qv->evidence);
	}
	for (size_t i = 0; i < v->nqueries; i++)
		if (!v->queries[i].evidence)
			pass = ok(0, "%s: query %zu has evidence", c->what, i);
	verdict_free(v);
	observation_free(o);
	return pass;
}


/* --- invalid values: what the verdict found false, query by query ------- */

struct icase {
	const char *what;
	struct q q[MAXQ];
	int qi;			/* the query to look at */
	const char *vals;	/* its invalid values joined by "|"; "" none */
};

static const struct icase icases[] = {
	{ "MX: only the exchange outside the truth, lowercased",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.",
	      "gmail.com. 300 IN MX 10 MX.Evil.Example.") },
	  0, "mx.evil.example." },
	{ "MX: a bit flip of a true exchange",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.col.") },
	  0, "gmail-smtp-in.l.google.col." },
	{ "A: the false, loopback and private addresses, not the prefix's",
	  { AQ(0, HOST " 300 IN A 45.33.32.156", HOST " 300 IN A 127.0.0.1",
	      HOST " 300 IN A 10.1.2.3", HOST " 300 IN A 142.251.200.1",
	      HOST " 300 IN A 45.33.32.156") },
	  0, "45.33.32.156|127.0.0.1|10.1.2.3" },
	{ "a correct answer has none",
	  { H_MX, H_A }, 1, "" },
	{ "incomplete has none",
	  { MXQ(0, "gmail.com. 300 IN MX 5 gmail-smtp-in.l.google.com.") },
	  0, "" },
	{ "a CNAME outside the truth's chain: its target",
	  { Q(HOST, "A", QUERY_ADDR, 0, 0, NOERR, NULL,
	      HOST " 300 IN CNAME CDN.example.",
	      "cdn.example. 300 IN A 142.250.153.26") },
	  0, "cdn.example." },
	{ "a record of another type in a lying answer: \"TYPE rdata\"",
	  { MXQ(0, "gmail.com. 300 IN MX 10 mx.evil.example.",
	      "gmail.com. 300 IN A 45.33.32.156") },
	  0, "mx.evil.example.|A 45.33.32.156" },
	{ "other types: only the record outside the truth, case kept",
	  { Q("txt.example.", "TXT", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "txt.example. 300 IN TXT \"v=spf1 -all\"",
	      "txt.example. 300 IN TXT \"V=spf1 +all\"") },
	  0, "\"V=spf1 +all\"" },
	{ "transient keeps the values of the answer it reclassed",
	  { H_MX, AQ(0, HOST " 300 IN A 45.33.32.156"), AQ(1, A_OK) },
	  1, "45.33.32.156" },
	{ "varying keeps each answer's values",
	  { H_MX, AQ(0, HOST " 300 IN A 45.1.1.1"),
	    AQ(1, HOST " 300 IN A 45.2.2.2") },
	  2, "45.2.2.2" },
	{ "the NX control's rewrite is no lie: none",
	  { NXQ(NXNAME " 300 IN A 45.33.32.158") }, 0, "" },
	{ "no truth, not judged: none",
	  { Q("unknown.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
	      "unknown.example. 300 IN A 45.33.32.156") }, 0, "" },
};

static void run_icase(const struct verdict_ctx *ctx, const struct icase *c)
{
	struct observation *o = mkobs(c->q, 0);
	struct verdict *v = verdict_classify(ctx, o);
	char got[512] = "";
	size_t len = 0;
	const struct query_verdict *qv = v && (size_t)c->qi < v->nqueries ?
		&v->queries[c->qi] : NULL;
	for (size_t i = 0; qv && i < qv->ninvalid && len < sizeof(got); i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
			i ? "|" : "", qv->invalid[i]);
	ok(qv && !strcmp(got, c->vals) &&
	   (qv->ninvalid > 0) == verdict_class_is_lie(qv->class) &&
	   (qv->ninvalid > 0) == (qv->invalid != NULL),
	   "invalid values: %s: [%s] (%s)", c->what, got,
	   qv ? verdict_class_str(qv->class) : "no verdict");
	verdict_free(v);
	observation_free(o);
}

int main(void)
{
	char err[256];
	struct truth *t = make_truth();
	struct special_registry reg = { 0 };
	if (special_registry_parse(&reg, registry, strlen(registry), "reg",
	    err, sizeof(err)) < 0) {
		printf("# %s\n", err);
		return 1;
	}
	struct verdict_ctx ctx = { t, &reg };

	/* names */
	for (int c = 0; c < CLASS_COUNT; c++)
		ok(verdict_class_parse(verdict_class_str(c)) == c,
		   "class name round trip: %s", verdict_class_str(c));
	ok(verdict_class_parse("nonsense") == -1 && verdict_class_parse(NULL) == -1,
	   "unknown class name");
	ok(!strcmp(verdict_class_str(CLASS_NO_RECURSION), "no-recursion"),
	   "no-recursion spelled as in JSON");
	static const char *const fl[] = { "nxdomain-rewrite", "ad-on-false",
		"dnssec-stripped", "varying", "transient", "unsolicited",
		"transparent-forwarder" };
	for (int f = 0; f < FLAG_COUNT_BITS; f++)
		ok(!strcmp(verdict_flag_str(1 << f), fl[f]), "flag %s", fl[f]);
	ok(!strcmp(verdict_flag_str(3), "unknown"), "two bits are not a flag");

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		run_case(&ctx, &cases[i]);
	for (size_t i = 0; i < sizeof(icases) / sizeof(*icases); i++)
		run_icase(&ctx, &icases[i]);

	/* One predicate says what a lie is: static to bitflip. */
	for (int c = -1; c <= CLASS_COUNT; c++)
		ok(verdict_class_is_lie(c) == (c >= CLASS_STATIC &&
		   c <= CLASS_BITFLIP), "is a lie: %s %s",
		   verdict_class_str((enum verdict_class)c),
		   verdict_class_is_lie(c) ? "yes" : "no");

	/* verdict_classify_one: the same rules on one result. */
	static const struct q one[] = {
		AQ(0, HOST " 300 IN A 45.33.32.156"),
		AQ(1, A_OK),
		NXQ(NXNAME " 300 IN A 45.33.32.156"),
		Q("unknown.example.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
		  "unknown.example. 300 IN A 45.33.32.156"),
		TO(HOST, "A", QUERY_ADDR, 0, 0),
		{ NULL },
	};
	struct observation *o = mkobs(one, 0);
	struct verdict *v = verdict_classify_one(&ctx, o, 0);
	ok(v && v->class == CLASS_FALSIFIED && v->classes == B(CLASS_FALSIFIED) &&
	   v->nqueries == 1 && v->queries[0].result == 0 && v->flags == 0 &&
	   v->njudged == 1, "one: falsified, no transient without rounds");
	verdict_free(v);
	v = verdict_classify_one(&ctx, o, 1);
	ok(v && v->class == CLASS_CORRECT && v->queries[0].result == 1,
	   "one: correct");
	verdict_free(v);
	v = verdict_classify_one(&ctx, o, 2);
	ok(v && v->class == CLASS_CORRECT && v->flags == FLAG_NXDOMAIN_REWRITE,
	   "one: NX rewrite, not static");
	verdict_free(v);
	v = verdict_classify_one(&ctx, o, 3);
	ok(v && v->class == CLASS_CORRECT && !v->queries[0].judged &&
	   v->njudged == 0, "one: no truth, not judged");
	verdict_free(v);
	v = verdict_classify_one(&ctx, o, 4);
	ok(v && v->class == CLASS_TIMEOUT, "one: timeout");
	verdict_free(v);
	ok(verdict_classify_one(&ctx, o, 5) == NULL, "one: index out of range");
	v = verdict_classify(&ctx, o);
	ok(v && v->class == CLASS_BITFLIP && (v->flags & FLAG_TRANSIENT) &&
	   v->nqueries == 5 && v->njudged == 4, "whole: transient across rounds");
	verdict_free(v);
	observation_free(o);

	/* Without a registry nothing is private; loopback still is. */
	struct verdict_ctx noreg = { t, NULL };
	static const struct q pr[] = {
		AQ(0, HOST " 300 IN A 10.0.0.1"),
		Q(HOST, "AAAA", QUERY_ADDR, 0, 0, NOERR, NULL, HOST " 300 IN AAAA ::1"),
		{ NULL } };
	o = mkobs(pr, 0);
	v = verdict_classify(&noreg, o);
	ok(v && v->classes == (B(CLASS_FALSIFIED) | B(CLASS_LOOPBACK)),
	   "no registry: 10.0.0.1 falsified, ::1 loopback");
	verdict_free(v);
	observation_free(o);

	/* A hostile reply: records with empty rdata, a CNAME loop. */
	o = observation_new(NULL);
	ldns_pkt *p = ldns_pkt_new();
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_rr *rr = ldns_rr_new();
	ldns_rr_set_owner(rr, ldns_dname_new_frm_str(HOST));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	rr = ldns_rr_new();
	ldns_rr_set_owner(rr, ldns_dname_new_frm_str("gmail.com."));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_MX);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	observation_add(o, strdup(HOST), LDNS_RR_TYPE_A, QUERY_ADDR, 0, 0,
		REPLY_OK, ldns_pkt_clone(p), 1);
	observation_add(o, strdup("gmail.com."), LDNS_RR_TYPE_MX, QUERY_MX, 0, 0,
		REPLY_OK, p, 1);
	static const struct q loop[] = {
		Q("cname.example.net.", "A", QUERY_OTHER, -1, 0, NOERR, NULL,
		  "cname.example.net. 300 IN CNAME target.example.net.",
		  "target.example.net. 300 IN CNAME cname.example.net."),
		{ NULL } };
	observation_add(o, strdup(loop[0].qname), LDNS_RR_TYPE_A, QUERY_OTHER,
		-1, 0, REPLY_OK, mkpkt(&loop[0]), 1);
	v = verdict_classify(&ctx, o);
	ok(v && v->class == CLASS_FALSIFIED && v->queries[2].class ==
	   CLASS_INCOMPLETE, "empty rdata and a CNAME loop: judged, no crash "
	   "(%s; %s; %s)", v ? v->queries[0].evidence : "-",
	   v ? v->queries[1].evidence : "-", v ? v->queries[2].evidence : "-");
	verdict_free(v);
	observation_free(o);

	special_registry_clear(&reg);
	truth_free(t);
	return tap_done();
}

/* result.h: what the mail check of one domain found (validated DNS
 * answers, the DANE result, the SPF walk, the DMARC, TLS-RPT and MTA-STS
 * records, the policy fetch, the STARTTLS probes) and the verdicts judged
 * from it.  Pure: check.h gathers the facts, judge.h decides; unit
 * tests judge hand-made facts directly. */
#ifndef MAIL_RESULT_H
#define MAIL_RESULT_H
#include <stddef.h>
#include <stdbool.h>
#include "validator/truth.h"
#include "dnssec/dane_result.h"
#include "mail/finding.h"
#include "mail/spf.h"
#include "mail/dmarc.h"
#include "mail/tlsrpt.h"
#include "mail/mtasts.h"
#include "mail/starttls_result.h"

/** A check's verdict, worst first. */
enum mail_verdict {
	MAIL_V_ERROR = 0,	/* could not be checked (DNS failure, timeout) */
	MAIL_V_FAIL,		/* broken or unsafe */
	MAIL_V_NONE,		/* not deployed */
	MAIL_V_WARN,		/* deployed, but weak */
	MAIL_V_PASS,		/* deployed and sound */
	MAIL_V_COUNT
};

/** "error", "fail", "none", "warn", "pass". */
const char *mail_verdict_str(enum mail_verdict v);

/** The overall verdict of a domain. */
enum mail_overall {
	MAIL_INCOMPLETE = 0,	/* some check could not be done */
	MAIL_BROKEN,		/* some check failed */
	MAIL_WEAK,		/* nothing failed; something missing or weak */
	MAIL_PROTECTED,		/* every check passed */
	MAIL_NO_MAIL,		/* a null MX (RFC 7505): takes no mail, and
				   what still guards its name passed */
	MAIL_OVERALL_COUNT
};

/** "incomplete", "broken", "weak", "protected", "no-mail". */
const char *mail_overall_str(enum mail_overall o);

/** The checks, in output order. */
enum mail_kind { MAIL_DNSSEC, MAIL_DANE, MAIL_MTASTS, MAIL_TLSRPT,
	MAIL_SPF, MAIL_DMARC, MAIL_STARTTLS, MAIL_KIND_COUNT };

/** "dnssec", "dane", "mta_sts", "tls_rpt", "spf", "dmarc", "starttls". */
const char *mail_kind_str(enum mail_kind k);

/** Bytes of a detail sentence, at most, with its NUL. */
#define MAIL_DETAIL_MAX 400

/** One check's verdict and why. */
struct mail_item {
	enum mail_verdict verdict;
	char code[48];			/* what decided it: "spf-plus-all",
					   "mtasts-ok", a DANE verdict, ... */
	char *detail;			/* one sentence, escaped (owned;
					   NULL before the judge) */
	struct mail_findings findings;	/* the engine's own findings */
};

/* A record of one kind found at a name: the text and its DNS facts. */
struct mail_found {
	char name[300];		/* the name asked (FQDN, trailing dot) */
	bool asked;
	int rcode;
	bool timed_out;
	enum truth_sec sec;
	char *why_bogus;	/* owned */
	size_t count;		/* records of the kind there */
	size_t ntxt;		/* TXT records there */
	char *text;		/* the one record used, owned, or NULL */
	size_t len;
};

/* How the policy fetch ended (check.c reads it from libcurl). */
enum mail_fetch_outcome {
	MAIL_FETCH_OK = 0,	/* a response was read (any status) */
	MAIL_FETCH_CERTIFICATE,	/* the server's certificate failed */
	MAIL_FETCH_TOO_BIG,	/* the body passed MTASTS_POLICY_MAX */
	MAIL_FETCH_FAILED	/* anything else: connect, TLS, a timeout */
};

/* What the MTA-STS policy fetch gave. */
struct mail_fetch {
	bool started, done;
	char url[400];
	char addr[64];
	char *body;		/* owned, capped */
	size_t len;
	bool too_big;
	long http_status;
	char content_type[200];
	enum mail_fetch_outcome outcome;
	char reason[120];	/* the HTTPS client's words for the outcome */
	char message[300];	/* its message, escaped, or "" */
	long ssl_verify;	/* X509 verification code */
	char sha256[65];	/* of the body, hex ("" before) */
};

#define MAIL_PROBES_MAX 16	/* STARTTLS probes per domain (MX addresses) */

/** Everything a check found and the verdicts judged from it: what the
 * printers read.  The check (check.h) fills it in and owns it. */
struct mail_result {
	char domain[256];	/* lowercase, no trailing dot */
	char fqdn[258];
	char org[256];		/* organizational domain, "" = domain */
	struct truth *t;	/* every validated lookup made */
	const struct dane_result *dane;	/* set when DANE is done */
	struct spf_walk spf;
	struct mail_found dmarc_dom, dmarc_org;
	struct mail_found *dmarc_at;	/* which one is used, or NULL */
	struct dmarc_record dmarc;
	struct mail_found tlsrpt_f;
	struct tlsrpt_record tlsrpt;
	struct mail_found sts_f;
	struct mtasts_txt sts;
	char sts_host[300];
	enum truth_sec sts_addr_sec;
	struct mail_fetch fetch;
	char prev_id[33], prev_sha256[65];	/* mail_check_set_previous */
	bool has_prev;
	struct mtasts_policy policy;
	bool policy_parsed;
	const struct starttls_result *probes[MAIL_PROBES_MAX];
	size_t nprobes;
	struct mail_item items[MAIL_KIND_COUNT];
	enum mail_overall overall;
	char overall_code[48];	/* the deciding check's code, "ok" */
	char *overall_detail;	/* owned; NULL before the judge */
};

/** it's detail, "" before the judge (or when out of memory). */
const char *mail_item_detail(const struct mail_item *it);

/** Set r's overall detail to a copy of detail (at most MAIL_DETAIL_MAX
 * bytes were formatted; the copy is sized to it). */
void mail_result_set_detail(struct mail_result *r, const char *detail);

/** Free the findings r's parses and items hold, and the details (the
 * check frees the rest it owns: the truth, the SPF walk, record texts,
 * the policy body). */
void mail_result_clear_findings(struct mail_result *r);

#endif

/* check.h: the mail transport security of one domain, on one libuv loop:
 * validated DNS through truth_resolve (the DNSSEC status of every record
 * used), DANE by dane_check (dnssec/dane.h), the SPF policy walked through
 * the validating resolver (spf.h), DMARC at the domain or its
 * organizational domain (libpsl), TLS-RPT, MTA-STS (the TXT record, the
 * policy fetched with libcurl driven by the same loop, every MX matched
 * against it), and STARTTLS at every MX address (starttls.h).  Each check
 * gets a verdict with its evidence, the domain one overall verdict. */
#ifndef MAIL_CHECK_H
#define MAIL_CHECK_H
#include <stddef.h>
#include <stdbool.h>
#include <uv.h>
#include <curl/curl.h>
#include "dnssec/dane.h"
#include "common/json.h"
#include "mail/finding.h"
#include "mail/spf.h"
#include "mail/dmarc.h"
#include "mail/tlsrpt.h"
#include "mail/mtasts.h"
#include "mail/starttls.h"

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
	MAIL_OVERALL_COUNT
};

/** "incomplete", "broken", "weak", "protected". */
const char *mail_overall_str(enum mail_overall o);

/** The checks, in output order. */
enum mail_kind { MAIL_DNSSEC, MAIL_DANE, MAIL_MTASTS, MAIL_TLSRPT,
	MAIL_SPF, MAIL_DMARC, MAIL_STARTTLS, MAIL_KIND_COUNT };

/** "dnssec", "dane", "mta_sts", "tls_rpt", "spf", "dmarc", "starttls". */
const char *mail_kind_str(enum mail_kind k);

/** One check's verdict and why. */
struct mail_item {
	enum mail_verdict verdict;
	char code[48];			/* what decided it: "spf-plus-all",
					   "mtasts-ok", a DANE verdict, ... */
	char detail[400];		/* one sentence, escaped */
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

/* The MTA-STS policy fetch. */
struct mail_fetch {
	CURLM *multi;
	CURL *easy;
	uv_timer_t timer;
	bool started, done;
	char url[400];
	char addr[64];
	char *body;		/* owned, capped */
	size_t len;
	bool too_big;
	long http_status;
	char content_type[200];
	CURLcode code;
	char errbuf[CURL_ERROR_SIZE];
	long ssl_verify;	/* X509 verification code */
	char sha256[65];	/* of the body, hex ("" before) */
	struct curl_slist *resolve;
};

#define MAIL_PROBES_MAX 16	/* STARTTLS probes per domain (MX addresses) */

/** Everything a check found: what the printers read.  Owned by the
 * check. */
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
	char overall_detail[400];
};

/** Settings of a check. */
struct mail_opts {
	struct dane_opts dane;		/* truth options, SMTP port, timeout,
					   EHLO name (strings borrowed) */
	const char *ca_file;		/* PKIX trust anchors for MTA-STS and
					   STARTTLS; NULL: the system store */
	const char *psl_file;		/* Public Suffix List; NULL: libpsl's
					   own */
	unsigned https_port;		/* 443 */
	unsigned timeout;		/* seconds per HTTPS fetch */
	bool no_tls_versions;		/* skip the per-version probes */
};

/** Defaults: dane_opts_init, port 443, 30 s. */
void mail_opts_init(struct mail_opts *o);

struct mail_check;

/** Called once when the check is done (no handle of it open any more: the
 * callback may free it). */
typedef void (*mail_done_cb)(struct mail_check *c, void *arg);

/** Start checking domain on loop.  o is copied (strings borrowed; o->psl
 * files are loaded by the caller with mail_psl_load and given as psl).
 * psl is borrowed.  Returns the check, or NULL with err (not a host's
 * name, dns_name_check's DNS_NAME_HOST; bad truth files, out of memory). */
struct mail_check *mail_check_start(uv_loop_t *loop, const char *domain,
	const struct mail_opts *o, const void *psl, mail_done_cb cb,
	void *arg, char *err, size_t errlen);

/** Load the Public Suffix List: file, or libpsl's newest list when NULL.
 * Returns a psl_ctx_t * (free with mail_psl_free) or NULL with err. */
void *mail_psl_load(const char *file, char *err, size_t errlen);
void mail_psl_free(void *psl);

/** What an earlier survey saw (mail --previous): the _mta-sts id and the
 * policy's SHA-256, "" when none.  Call before the loop runs.  A changed
 * policy under the same id is a finding: senders that cached the old
 * policy keep it until max_age (RFC 8461 section 3.1). */
void mail_check_set_previous(struct mail_check *c, const char *id,
	const char *sha256);

/** The result: complete after the callback.  Borrowed from c. */
const struct mail_result *mail_check_result(const struct mail_check *c);

/** Free c: after its callback, or before the loop ran. */
void mail_check_free(struct mail_check *c);

#endif

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
#include "dnssec/dane.h"
#include "resolver-probe/json.h"
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

/** Exit status for an overall verdict: 0 protected, 1 weak or broken,
 * 3 incomplete (resolver-probe/commands.h). */
int mail_overall_exit(enum mail_overall o);

/** The checks, in output order. */
enum mail_kind { MAIL_DNSSEC, MAIL_DANE, MAIL_MTASTS, MAIL_TLSRPT,
	MAIL_SPF, MAIL_DMARC, MAIL_STARTTLS, MAIL_KIND_COUNT };

/** "dnssec", "dane", "mta_sts", "tls_rpt", "spf", "dmarc", "starttls". */
const char *mail_kind_str(enum mail_kind k);

/** One check's verdict and why. */
struct mail_item {
	enum mail_verdict verdict;
	char detail[400];		/* one sentence, escaped */
	struct mail_findings findings;	/* the engine's own findings */
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
 * psl is borrowed.  Returns the check, or NULL with err (a bad name, bad
 * truth files, out of memory). */
struct mail_check *mail_check_start(uv_loop_t *loop, const char *domain,
	const struct mail_opts *o, const void *psl, mail_done_cb cb,
	void *arg, char *err, size_t errlen);

/** Load the Public Suffix List: file, or libpsl's newest list when NULL.
 * Returns a psl_ctx_t * (free with mail_psl_free) or NULL with err. */
void *mail_psl_load(const char *file, char *err, size_t errlen);
void mail_psl_free(void *psl);

/** The domain (lowercase, no trailing dot). */
const char *mail_check_domain(const struct mail_check *c);
/** The overall verdict and its reason (after the callback). */
enum mail_overall mail_check_overall(const struct mail_check *c,
	const char **detail);
/** One check's verdict (after the callback). */
const struct mail_item *mail_check_item(const struct mail_check *c,
	enum mail_kind k);
/** The DANE result (after the callback). */
const struct dane_result *mail_check_dane(const struct mail_check *c);

/** Write the whole result as one JSON object (a JSON line's content). */
void mail_check_json(struct json *j, const struct mail_check *c);

/** Print the result for a person, posttls-finger-like: one block per
 * check with its evidence, then the overall verdict as the last line
 * "DOMAIN VERDICT: why". */
void mail_check_print(FILE *f, const struct mail_check *c);

/** Free c: after its callback, or before the loop ran. */
void mail_check_free(struct mail_check *c);

#endif

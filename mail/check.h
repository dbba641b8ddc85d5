/* check.h: the mail transport security of one domain, on one libuv loop:
 * validated DNS through truth_resolve (the DNSSEC status of every record
 * used), DANE by dane_check (dnssec/dane.h), the SPF policy walked through
 * the validating resolver (spf.h), DMARC at the domain or its
 * organizational domain (libpsl), TLS-RPT, MTA-STS (the TXT record, the
 * policy fetched with libcurl driven by the same loop, every MX matched
 * against it), and STARTTLS at every MX address (starttls.h).  Each check
 * gets a verdict with its evidence (judged by mail_judge, result.h), the
 * domain one overall verdict. */
#ifndef MAIL_CHECK_H
#define MAIL_CHECK_H
#include <stddef.h>
#include <stdbool.h>
#include <uv.h>
#include "dnssec/dane.h"
#include "common/json.h"
#include "mail/result.h"
#include "mail/starttls.h"

struct share;

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
	/* STARTTLS probe results shared by the checks of a run
	 * (mail_probes_new), borrowed; NULL: each check keeps its own. */
	struct share *probes;
};

/** Finished probe results a table keeps (the least recently used go
 * first). */
#define MAIL_PROBES_KEPT 1024

/** A table for mail_opts.probes: one STARTTLS probe (with its version
 * probes) per mail host, address and port, whatever the number of domains
 * that use it.  Free with share_free (common/share.h) after the last
 * check. */
struct share *mail_probes_new(void);

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

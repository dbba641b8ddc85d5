/* dane.h: the DANE check of a mail domain (RFC 7672, with RFC 6698/7671
 * matching): validated MX, address and TLSA lookups (truth_resolve), then
 * for each address of a host with usable TLSA an SMTP session on the libuv
 * loop: banner, EHLO, STARTTLS, a TLS handshake through OpenSSL memory BIOs
 * with OpenSSL's DANE verification (dane_session.h), and a verdict per
 * address, host and domain (dane_result.h). */
#ifndef DNSSEC_DANE_H
#define DNSSEC_DANE_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <uv.h>
#include "dnssec/dane_result.h"
#include "dnssec/truth_opts.h"

struct share;

/** Settings of a check. */
struct dane_opts {
	struct truth_opts truth;	/* root hints, trust anchor (borrowed) */
	unsigned port;		/* SMTP port, 25 */
	unsigned timeout;	/* seconds for one SMTP session, all of it */
	const char *helo;	/* EHLO name (borrowed) */
	size_t max_cert_list;	/* cap on the certificate chain bytes */
	/* Session results shared by the checks of a run (dane_sessions_new),
	 * borrowed; NULL: each check keeps its own. */
	struct share *sessions;
};

/** Finished session results a table keeps (the least recently used go
 * first). */
#define DANE_SESSIONS_KEPT 1024

/** A table for dane_opts.sessions: one SMTP session per mail host
 * address, port and TLSA name, whatever the number of domains that use
 * it.  Free with share_free (common/share.h) after the last check. */
struct share *dane_sessions_new(void);

/** Defaults: port 25, 30 s, EHLO "localhost", a 100 KiB chain cap, and
 * truth_opts_init. */
void dane_opts_init(struct dane_opts *o);

struct dane_check;

/** Called once when the check is done; no handle of the check is open any
 * more, so the callback may call dane_check_free. */
typedef void (*dane_done_cb)(struct dane_check *c, void *arg);

/** Start checking domain on loop.  o is copied (its strings are borrowed).
 * Returns the check (free with dane_check_free), or NULL with a message in
 * err (not a domain name by dns_name_check, bad root hints or trust
 * anchor, out of memory). */
struct dane_check *dane_check_start(uv_loop_t *loop, const char *domain,
	const struct dane_opts *o, dane_done_cb cb, void *arg,
	char *err, size_t errlen);

/** The result (borrowed from c; complete once the callback ran). */
const struct dane_result *dane_check_result(const struct dane_check *c);

/** Free c.  Only after its callback, or before the loop ran at all. */
void dane_check_free(struct dane_check *c);

#endif

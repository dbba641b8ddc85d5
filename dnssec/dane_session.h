/* dane_session.h: one SMTP session to one address of a mail host, on the
 * libuv loop (the session machine of smtp_session.h): connect, banner,
 * EHLO, STARTTLS (a blanked one is stripping), a TLS handshake with
 * OpenSSL's DANE verification against the host's TLSA records, within the
 * check's timeout.  It fills in the address's verdict, detail, TLS facts and
 * transcript (dane_result.h). */
#ifndef DNSSEC_DANE_SESSION_H
#define DNSSEC_DANE_SESSION_H
#include <uv.h>
#include <openssl/ssl.h>
#include "dnssec/dane.h"

struct dane_session;

/** Called once when the session is over and its handles are closed. */
typedef void (*dane_session_done_cb)(void *arg);

/** Start a session to address a of host h on loop, with TLS from ctx (its
 * DANE support enabled) and the port, timeout, EHLO name and chain cap of
 * o.  ctx, o, h and a are borrowed and must outlive the session.  Returns
 * the session (free with dane_session_free after done ran), or NULL on out
 * of memory. */
struct dane_session *dane_session_start(uv_loop_t *loop, SSL_CTX *ctx,
	const struct dane_opts *o, struct dane_host *h, struct dane_addr *a,
	dane_session_done_cb done, void *arg);

/** Free s.  Only after its done callback, or before the loop ran.  NULL
 * is fine. */
void dane_session_free(struct dane_session *s);

#endif

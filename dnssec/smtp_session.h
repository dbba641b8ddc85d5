/* smtp_session.h: one SMTP session to one address on the libuv loop, the
 * machine the DANE check and the mail STARTTLS probe share: connect,
 * banner, EHLO, STARTTLS, a TLS handshake through OpenSSL memory BIOs,
 * QUIT, within a timeout and a cap on the bytes read.  What is judged is
 * the user's: it makes the SSL (its context, DANE, versions, SNI), looks
 * at the completed handshake, and words a failure, which comes as data
 * (what, where, the server's reply) and once. */
#ifndef DNSSEC_SMTP_SESSION_H
#define DNSSEC_SMTP_SESSION_H
#include <stddef.h>
#include <stdbool.h>
#include <uv.h>
#include <openssl/ssl.h>
#include "dnssec/smtp.h"

/** Where a session is. */
enum smtp_session_state {
	SMTP_SESSION_CONNECTING,
	SMTP_SESSION_BANNER,
	SMTP_SESSION_EHLO,
	SMTP_SESSION_STARTTLS,
	SMTP_SESSION_TLS,
	SMTP_SESSION_END
};

/** "connecting", "waiting for the banner", "waiting for the reply to
 * EHLO", "waiting for the reply to STARTTLS", "in the TLS handshake",
 * "closing". */
const char *smtp_session_state_str(enum smtp_session_state st);

/** Why a session ended without a completed handshake. */
enum smtp_session_why {
	SMTP_SESSION_CONNECT,	/* connect failed or reading could not
				 * start: text */
	SMTP_SESSION_REFUSED,	/* the banner was not 220: reply */
	SMTP_SESSION_EHLO_REFUSED,	/* EHLO was not answered 250: reply */
	SMTP_SESSION_NO_STARTTLS,	/* the EHLO reply lacks STARTTLS:
					 * reply, blanked */
	SMTP_SESSION_STARTTLS_REFUSED,	/* STARTTLS not answered 220: reply */
	SMTP_SESSION_INJECTION,	/* n bytes of plaintext followed the 220
				 * to STARTTLS (RFC 3207 section 5) */
	SMTP_SESSION_TLS_SETUP,	/* the SSL could not be made: text
				 * (OpenSSL's errors) */
	SMTP_SESSION_HANDSHAKE,	/* the handshake failed: text (OpenSSL's
				 * errors), verify */
	SMTP_SESSION_CLOSED,	/* the server closed the connection: text */
	SMTP_SESSION_PROTOCOL,	/* a reply that is not SMTP: text (the
				 * reader's reason) */
	SMTP_SESSION_TOO_MUCH,	/* more than read_max bytes: n = read_max */
	SMTP_SESSION_TIMEOUT,	/* the timeout: n bytes received in TLS */
	SMTP_SESSION_WRITE	/* a write failed: text */
};

/** A failure, for the user to word.  Valid during the callback only. */
struct smtp_session_failure {
	enum smtp_session_why why;
	enum smtp_session_state state;	/* where it happened */
	const char *text;		/* see why; "" when none */
	const struct smtp_reply *reply;	/* see why, else NULL */
	const char *blanked;	/* NO_STARTTLS: the line of a keyword a
				 * middlebox blanked (smtp_ehlo_blanked) or
				 * NULL */
	size_t n;		/* see why */
	long verify;		/* HANDSHAKE: SSL_get_verify_result */
};

/** What a session is to do and whom it tells.  Copied at start; the
 * strings are borrowed and must outlive the session. */
struct smtp_session_params {
	const char *addr;	/* "192.0.2.25" or "2001:db8::25" */
	unsigned port;
	unsigned timeout;	/* seconds for the whole session */
	const char *helo;	/* the EHLO name */
	size_t read_max;	/* bytes read at most, TLS included */
	long max_cert_list;	/* SSL_set_max_cert_list: a longer chain
				 * fails the handshake */
	/* A new SSL for the handshake: context, SNI, DANE, versions.  The
	 * session takes it, adds the memory BIOs, sets SSL_VERIFY_NONE (the
	 * handshake completes whatever the verification; tls_done judges)
	 * and frees it.  NULL: it could not (OpenSSL's error queue says
	 * why). */
	SSL *(*tls_new)(void *arg);
	/* The handshake completed: judge ssl (borrowed).  QUIT, the TLS
	 * shutdown and the close follow. */
	void (*tls_done)(void *arg, SSL *ssl);
	/* The session failed; at most once, and never after tls_done. */
	void (*failed)(void *arg, const struct smtp_session_failure *f);
	/* A transcript line: prefix "< " (the server), "> " (the client) or
	 * "  " (a note) and the raw text.  NULL: no transcript. */
	void (*log)(void *arg, const char *prefix, const char *text);
	/* The session is over and its handles are closed: it may be freed
	 * here.  Called once. */
	void (*done)(void *arg);
	void *arg;
};

/** What a session saw, complete when done runs. */
struct smtp_session_facts {
	bool connected;		/* the TCP connection was made */
	bool greeted;		/* the banner was 220 */
	bool ehlo_answered;	/* a reply to EHLO was read */
	bool offered;		/* STARTTLS was in the EHLO reply */
	bool handshake;		/* the TLS handshake completed */
};

struct smtp_session;

/** Start a session on loop.  Returns it (free with smtp_session_free once
 * done ran), or NULL with err ("not an address: X", out of memory); a
 * failure after that (a refused connect included) comes through failed
 * and done. */
struct smtp_session *smtp_session_start(uv_loop_t *loop,
	const struct smtp_session_params *p, char *err, size_t errlen);

/** What s saw.  Borrowed. */
const struct smtp_session_facts *smtp_session_facts(
	const struct smtp_session *s);

/** OpenSSL's error queue as one string ("; " between errors), emptied;
 * "no further reason from OpenSSL" when it is empty.  Returns buf. */
char *smtp_session_ssl_errors(char *buf, size_t len);

/** A certificate's subject or issuer as RFC 2253 text (unescaped: it is
 * the server's), a new string, or NULL when out of memory. */
char *smtp_session_x509_name(X509_NAME *n);

/** Free s: only after its done callback, or NULL. */
void smtp_session_free(struct smtp_session *s);

#endif

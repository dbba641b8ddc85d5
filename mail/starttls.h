/* starttls.h: what an SMTP server at one address offers over STARTTLS, by
 * a few short sessions on the libuv loop (dnssec/smtp_session.h: banner,
 * EHLO, STARTTLS, a TLS handshake through OpenSSL memory BIOs, QUIT): which TLS versions 1.0 to
 * 1.3 it accepts (one handshake per version, security level 0 so old
 * versions can be seen), the cipher it negotiates, the size of its
 * finite-field Diffie-Hellman group (a handshake offering only DHE
 * suites), and its certificate: the chain against the system store or a
 * CA file, the name against the MX host, expiry, self-signed. */
#ifndef MAIL_STARTTLS_H
#define MAIL_STARTTLS_H
#include <stddef.h>
#include <stdbool.h>
#include <uv.h>
#include <openssl/ssl.h>
#include "mail/starttls_result.h"

struct starttls_probe;

typedef void (*starttls_done_cb)(struct starttls_probe *p, void *arg);

/** Settings. */
struct starttls_opts {
	unsigned port;		/* 25 */
	unsigned timeout;	/* seconds per session */
	const char *helo;	/* EHLO name */
	const char *ca_file;	/* NULL: the system store */
	bool versions;		/* probe each version and DHE too */
};

/** Start probing addr (host is the MX name it belongs to) on loop.
 * Returns the probe, or NULL with err.  cb runs once, with no handle
 * open: it may free the probe. */
struct starttls_probe *starttls_probe_start(uv_loop_t *loop,
	const char *host, const char *addr, const struct starttls_opts *o,
	starttls_done_cb cb, void *arg, char *err, size_t errlen);

/** The result (complete after the callback).  Borrowed. */
const struct starttls_result *starttls_probe_result(
	const struct starttls_probe *p);

/** Free p (after its callback or before the loop ran). */
void starttls_probe_free(struct starttls_probe *p);

#endif

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

enum { STARTTLS_TLS10, STARTTLS_TLS11, STARTTLS_TLS12, STARTTLS_TLS13,
	STARTTLS_NVERSIONS };

/** "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3". */
const char *starttls_version_str(int v);

struct starttls_result {
	char host[256];		/* the MX host, no trailing dot */
	char addr[64];
	bool connected;		/* a banner was read */
	bool offered;		/* STARTTLS in the EHLO reply */
	bool handshake;		/* the main handshake completed */
	char error[300];	/* why the main session failed, or "" */
	char tls[120];		/* "TLSv1.3 TLS_AES_256_GCM_SHA384" */
	bool tried[STARTTLS_NVERSIONS], accepted[STARTTLS_NVERSIONS];
	char version_error[STARTTLS_NVERSIONS][300];
	int dh_bits;		/* the DHE group offered, -1 no DHE */
	char kx[64];		/* the main handshake's key exchange */
	/* The certificate of the main handshake. */
	bool cert;		/* one was sent */
	int verify;		/* X509 verification code, 0 ok */
	char verify_str[160];
	bool name_ok;		/* X509_check_host against host */
	bool expired, not_yet_valid, self_signed;
	char subject[300], issuer[300], not_after[40];
	int chain_len;
};

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

/* starttls.c: STARTTLS probes of one SMTP server address (starttls.h):
 * sessions one after the other on the shared session machine
 * (dnssec/smtp_session.h), each with its own TLS versions and ciphers. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "mail/starttls.h"
#include "mail/finding.h"
#include "dnssec/smtp_session.h"

/* Bytes read per session: an EHLO reply of a megabyte is read to its end,
 * as a sender would. */
#define READ_MAX (4 * 1024 * 1024)
#define CERT_LIST_MAX (100 * 1024)

static const int version_codes[] = { TLS1_VERSION, TLS1_1_VERSION,
	TLS1_2_VERSION, TLS1_3_VERSION };

/* The attempts, in order: the main handshake (any version), each version
 * alone, then DHE suites only. */
enum { A_MAIN = 0, A_V0, A_DHE = A_V0 + STARTTLS_NVERSIONS, A_COUNT };

struct starttls_probe {
	uv_loop_t *loop;
	struct starttls_opts o;
	starttls_done_cb cb;
	void *cbarg;
	struct starttls_result res;
	X509_STORE *store;
	int attempt;
	struct smtp_session *smtp;	/* the current attempt's session */
	char err[300];		/* why the attempt failed, or "" */
	bool ok;		/* the attempt's handshake completed */
	bool refused_tls;	/* the attempt's handshake itself failed (the
				   server said no to what was offered) */
};

static void set_err(struct starttls_probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_err(struct starttls_probe *p, const char *fmt, ...)
{
	if (p->err[0])
		return;
	char raw[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	mail_escape(raw, strlen(raw), p->err, sizeof(p->err));
}

/* A certificate name into out, escaped (it is the server's text). */
static void name_str(X509_NAME *n, char *out, size_t len)
{
	char *s = smtp_session_x509_name(n);
	out[0] = '\0';
	if (s)
		mail_escape(s, strlen(s), out, len);
	free(s);
}

/* What the main handshake shows: version, cipher, key exchange and the
 * certificate checked four ways. */
static void record_main(struct starttls_probe *p, SSL *ssl)
{
	struct starttls_result *r = &p->res;
	snprintf(r->tls, sizeof(r->tls), "%s %s", SSL_get_version(ssl),
		SSL_get_cipher_name(ssl));
	EVP_PKEY *k = NULL;
	if (SSL_get_peer_tmp_key(ssl, &k) && k) {
		int id = EVP_PKEY_get_base_id(k);
		int bits = EVP_PKEY_get_bits(k);
		const char *kn = id == EVP_PKEY_DH ? "DH" : id == EVP_PKEY_EC ?
			"ECDH" : id == EVP_PKEY_X25519 ? "X25519" :
			id == EVP_PKEY_X448 ? "X448" : OBJ_nid2sn(id);
		snprintf(r->kx, sizeof(r->kx), "%s %d bits", kn ? kn : "?",
			bits);
		if (id == EVP_PKEY_DH)
			r->dh_bits = bits;
		EVP_PKEY_free(k);
	}
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	if (!leaf)
		return;
	r->cert = true;
	r->chain_len = chain ? sk_X509_num(chain) : 0;
	name_str(X509_get_subject_name(leaf), r->subject, sizeof(r->subject));
	name_str(X509_get_issuer_name(leaf), r->issuer, sizeof(r->issuer));
	BIO *b = BIO_new(BIO_s_mem());
	char *d;
	if (b && ASN1_TIME_print(b, X509_get0_notAfter(leaf))) {
		long l = BIO_get_mem_data(b, &d);
		if (l > 0)
			mail_escape(d, (size_t)l, r->not_after,
				sizeof(r->not_after));
	}
	BIO_free(b);
	r->expired = X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0;
	r->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(leaf)) >
		0;
	r->self_signed = X509_self_signed(leaf, 0) == 1;
	r->name_ok = X509_check_host(leaf, r->host, 0, 0, NULL) == 1;
	X509_STORE_CTX *sc = X509_STORE_CTX_new();
	r->verify = X509_V_ERR_UNSPECIFIED;
	if (sc && X509_STORE_CTX_init(sc, p->store, leaf, chain) == 1) {
		X509_STORE_CTX_set_purpose(sc, X509_PURPOSE_SSL_SERVER);
		r->verify = X509_verify_cert(sc) == 1 ? X509_V_OK :
			X509_STORE_CTX_get_error(sc);
	}
	X509_STORE_CTX_free(sc);
	snprintf(r->verify_str, sizeof(r->verify_str), "%s",
		r->verify ? X509_verify_cert_error_string(r->verify) : "ok");
}

/* The handshake of an attempt completed. */
static void tls_done(void *arg, SSL *ssl)
{
	struct starttls_probe *p = arg;
	p->ok = true;
	if (p->attempt == A_MAIN) {
		p->res.handshake = true;
		record_main(p, ssl);
		/* The version the main handshake used is accepted, whatever
		 * a later probe of it meets. */
		for (int v = 0; v < STARTTLS_NVERSIONS; v++)
			if (SSL_version(ssl) == version_codes[v])
				p->res.main_version = v;
	} else if (p->attempt == A_DHE) {
		EVP_PKEY *k = NULL;
		if (SSL_get_peer_tmp_key(ssl, &k) && k) {
			if (EVP_PKEY_get_base_id(k) == EVP_PKEY_DH)
				p->res.dh_bits = EVP_PKEY_get_bits(k);
			EVP_PKEY_free(k);
		}
	}
}

/* The SSL of an attempt: security level 0 and every cipher, so that the
 * probe sees what old servers offer instead of refusing it; one version
 * alone, or DHE suites only, as the attempt asks. */
static SSL *tls_new(void *arg)
{
	struct starttls_probe *p = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	int lo = TLS1_VERSION, hi = TLS1_3_VERSION;
	const char *ciphers = "ALL:@SECLEVEL=0";
	if (p->attempt >= A_V0 && p->attempt < A_DHE)
		lo = hi = version_codes[p->attempt - A_V0];
	else if (p->attempt == A_DHE) {
		hi = TLS1_2_VERSION;
		ciphers = "kDHE:@SECLEVEL=0";
	}
	SSL_CTX_set_min_proto_version(ctx, lo);
	SSL_CTX_set_max_proto_version(ctx, hi);
	SSL *ssl = NULL;
	if (SSL_CTX_set_cipher_list(ctx, ciphers) == 1)
		ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	if (ssl)
		SSL_set_tlsext_host_name(ssl, p->res.host);
	return ssl;
}

/* Why an attempt failed, in the probe's words. */
static void failed(void *arg, const struct smtp_session_failure *f)
{
	struct starttls_probe *p = arg;
	char text[200] = "";
	if (f->reply)
		smtp_reply_str(f->reply, text, sizeof(text));
	p->refused_tls = f->why == SMTP_SESSION_HANDSHAKE;
	switch (f->why) {
	case SMTP_SESSION_CONNECT:
		if (f->state == SMTP_SESSION_CONNECTING)
			set_err(p, "connect: %s", f->text);
		else
			set_err(p, "read failed");
		return;
	case SMTP_SESSION_REFUSED:
		set_err(p, "the server refused the session: %s", text);
		return;
	case SMTP_SESSION_EHLO_REFUSED:
		set_err(p, "EHLO refused: %s", text);
		return;
	case SMTP_SESSION_NO_STARTTLS:
		set_err(p, "STARTTLS is not offered (%s)", text);
		return;
	case SMTP_SESSION_STARTTLS_REFUSED:
		if (p->attempt == A_MAIN)
			p->res.starttls_refused = true;
		set_err(p, "STARTTLS refused: %s", text);
		return;
	case SMTP_SESSION_INJECTION:
		set_err(p, "plaintext after the 220 to STARTTLS");
		return;
	case SMTP_SESSION_TLS_SETUP:
		set_err(p, "could not set up TLS: %.200s", f->text);
		return;
	case SMTP_SESSION_HANDSHAKE:
		set_err(p, "TLS handshake failed: %.250s", f->text);
		return;
	case SMTP_SESSION_CLOSED:
		set_err(p, "the server closed the connection: %s", f->text);
		return;
	case SMTP_SESSION_PROTOCOL:
		set_err(p, "SMTP protocol error: %s", f->text);
		return;
	case SMTP_SESSION_TOO_MUCH:
		set_err(p, "the server sent more than %zu bytes", f->n);
		return;
	case SMTP_SESSION_TIMEOUT:
		set_err(p, "timed out after %u s %s", p->o.timeout,
			smtp_session_state_str(f->state));
		return;
	case SMTP_SESSION_WRITE:
		set_err(p, "write failed: %s", f->text);
		return;
	}
}

static void attempt_done(void *arg);

/* Start the session of p->attempt; 0, or -1 when it cannot start. */
static int session_start(struct starttls_probe *p)
{
	struct smtp_session_params sp = {
		.addr = p->res.addr, .port = p->o.port,
		.timeout = p->o.timeout, .helo = p->o.helo,
		.read_max = READ_MAX, .max_cert_list = CERT_LIST_MAX,
		.tls_new = tls_new, .tls_done = tls_done, .failed = failed,
		.done = attempt_done, .arg = p
	};
	char err[300];
	p->ok = false;
	p->refused_tls = false;
	p->err[0] = '\0';
	p->smtp = smtp_session_start(p->loop, &sp, err, sizeof(err));
	if (!p->smtp) {
		set_err(p, "%s", err);
		return -1;
	}
	return 0;
}

/* The attempt that just ended is recorded; start the next or finish. */
static void attempt_done(void *arg)
{
	struct starttls_probe *p = arg;
	const struct smtp_session_facts *f = smtp_session_facts(p->smtp);
	if (p->attempt == A_MAIN) {
		p->res.tcp = f->connected;
		p->res.connected = f->greeted;
		p->res.ehlo = f->ehlo_answered;
		p->res.offered = f->offered;
		if (!p->ok)
			snprintf(p->res.error, sizeof(p->res.error), "%s",
				p->err);
		if (!p->ok || !p->o.versions)
			p->attempt = A_COUNT;
		else
			p->attempt = A_V0;
	} else {
		if (p->attempt < A_DHE) {
			int v = p->attempt - A_V0;
			p->res.tried[v] = true;
			/* Only a handshake the server refused says the version
			 * is not accepted; a busy server that would not
			 * connect, greet or finish leaves it unknown. */
			p->res.accepted[v] = p->ok || v == p->res.main_version;
			p->res.unknown[v] = !p->res.accepted[v] &&
				!p->refused_tls;
			if (!p->ok)
				snprintf(p->res.version_error[v],
					sizeof(p->res.version_error[v]), "%s",
					p->err);
		}
		p->attempt++;
	}
	smtp_session_free(p->smtp);
	p->smtp = NULL;
	if (p->attempt < A_COUNT && session_start(p) == 0)
		return;
	if (p->cb)
		p->cb(p, p->cbarg);
}

struct starttls_probe *starttls_probe_start(uv_loop_t *loop,
	const char *host, const char *addr, const struct starttls_opts *o,
	starttls_done_cb cb, void *arg, char *err, size_t errlen)
{
	struct starttls_probe *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->loop = loop;
	p->o = *o;
	p->cb = cb;
	p->cbarg = arg;
	p->res.dh_bits = -1;
	p->res.main_version = -1;
	snprintf(p->res.host, sizeof(p->res.host), "%s", host);
	size_t n = strlen(p->res.host);
	if (n > 1 && p->res.host[n - 1] == '.')
		p->res.host[n - 1] = '\0';
	snprintf(p->res.addr, sizeof(p->res.addr), "%s", addr);
	p->store = X509_STORE_new();
	if (!p->store || (o->ca_file ? X509_STORE_load_file(p->store,
	    o->ca_file) : X509_STORE_set_default_paths(p->store)) != 1) {
		snprintf(err, errlen, "%s: cannot load the trust store",
			o->ca_file ? o->ca_file : "the system");
		starttls_probe_free(p);
		return NULL;
	}
	p->attempt = A_MAIN;
	if (session_start(p) < 0) {
		snprintf(err, errlen, "%s", p->err);
		starttls_probe_free(p);
		return NULL;
	}
	return p;
}

const struct starttls_result *starttls_probe_result(
	const struct starttls_probe *p)
{
	return &p->res;
}

void starttls_probe_free(struct starttls_probe *p)
{
	if (!p)
		return;
	X509_STORE_free(p->store);
	smtp_session_free(p->smtp);
	free(p);
}

/* dane_session.c: one SMTP session of a DANE check (see dane_session.h):
 * the shared session machine (smtp_session.h) with OpenSSL's DANE
 * verification against the host's TLSA records, each step written to the
 * address's transcript, each failure worded as a verdict. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "dnssec/dane_session.h"
#include "common/escape.h"
#include "dnssec/smtp_session.h"

#define LOG_MAX 65536		/* transcript bytes kept per address */
#define READ_MAX (1024 * 1024)	/* bytes read per session, all of it */

struct dane_session {
	SSL_CTX *ctx;		/* borrowed from the check */
	const struct dane_opts *o;	/* borrowed from the check */
	dane_session_done_cb done;
	void *done_arg;
	struct dane_host *host;
	struct dane_addr *res;
	struct smtp_session *smtp;
	bool finished;
};

/* Append one transcript line (prefix "< ", "> " or "  "). */
static void slog(struct dane_session *s, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void slog(struct dane_session *s, const char *prefix, const char *fmt, ...)
{
	struct dane_addr *a = s->res;
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(line, sizeof(line), "%s", prefix);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Whatever the server sent is escaped (\xHH) in the transcript. */
	char shown[4 * sizeof(line)];
	escape_str(shown, sizeof(shown), line, strlen(line), ESCAPE_SMTP);
	size_t len = strlen(shown);
	if (a->loglen + len + 2 > LOG_MAX)
		return;
	char *nl = realloc(a->log, a->loglen + len + 2);
	if (!nl)
		return;
	a->log = nl;
	memcpy(a->log + a->loglen, shown, len);
	a->loglen += len;
	a->log[a->loglen++] = '\n';
	a->log[a->loglen] = '\0';
}

/* Record the verdict once; the first reason is the one that counts. */
static void finish(struct dane_session *s, enum dane_verdict v, const char *fmt,
	...) __attribute__((format(printf, 3, 4)));
static void finish(struct dane_session *s, enum dane_verdict v, const char *fmt,
	...)
{
	if (s->finished)
		return;
	s->finished = true;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->res->verdict = v;
	free(s->res->detail);
	/* The reason may quote the server: escaped like the transcript. */
	char shown[4 * sizeof(text)];
	s->res->detail = strdup(escape_str(shown, sizeof(shown), text,
		strlen(text), ESCAPE_SMTP));
	slog(s, "  ", "verdict %s: %s", dane_verdict_str(v), text);
}

/* The handshake is done: record what was presented and whether OpenSSL's
 * DANE verification accepted it; explain a failure record by record. */
static void tls_judge(void *arg, SSL *ssl)
{
	struct dane_session *s = arg;
	struct dane_host *h = s->host;
	struct dane_addr *a = s->res;
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	char rec[200];

	a->tls = dane_strf("%s %s", SSL_get_version(ssl),
		SSL_get_cipher_name(ssl));
	a->chain_len = chain ? sk_X509_num(chain) : 0;
	slog(s, "  ", "TLS established: %s", a->tls ? a->tls : "?");
	if (leaf) {
		a->leaf_subject = smtp_session_x509_name(
			X509_get_subject_name(leaf));
		a->leaf_issuer = smtp_session_x509_name(
			X509_get_issuer_name(leaf));
	}
	for (int i = 0; i < a->chain_len; i++) {
		X509 *x = sk_X509_value(chain, i);
		char *sub = smtp_session_x509_name(X509_get_subject_name(x));
		char *iss = smtp_session_x509_name(X509_get_issuer_name(x));
		slog(s, "  ", "certificate depth %d: subject %s, issuer %s", i,
			sub ? sub : "?", iss ? iss : "?");
		free(sub);
		free(iss);
	}
	if (!leaf) {
		finish(s, DANE_FAIL, "the server presented no certificate");
		return;
	}
	if (h->nusable == 0) {
		finish(s, DANE_INSECURE, "no usable TLSA records: encrypted "
			"but not authenticated (RFC 7672 section 2.2)");
		return;
	}
	long vr = SSL_get_verify_result(ssl);
	uint8_t u, sel, mt;
	const unsigned char *data;
	size_t dlen;
	int depth = SSL_get0_dane_tlsa(ssl, &u, &sel, &mt, &data, &dlen);
	if (vr == X509_V_OK && depth >= 0) {
		a->match_depth = depth;
		for (size_t i = 0; i < h->ntlsa; i++) {
			struct tlsa *t = &h->tlsa[i];
			if (!t->unusable && t->usage == u && t->selector == sel
			    && t->mtype == mt && t->len == dlen &&
			    !memcmp(t->data, data, dlen)) {
				a->match_record = (int)i;
				break;
			}
		}
		const char *peer = SSL_get0_peername(ssl);
		if (peer)
			a->peername = strdup(peer);
		struct tlsa shown = { .usage = u, .selector = sel,
			.mtype = mt, .data = (uint8_t *)data, .len = dlen };
		finish(s, DANE_VALID, "matched TLSA %s (%s) at depth %d%s%s",
			tlsa_str(&shown, rec, sizeof(rec)), tlsa_usage_str(u),
			depth, peer ? ", name " : "", peer ? peer : "");
		return;
	}
	/* Why not: which records match which certificate, if any. */
	int matched = -1, mdepth = -1;
	for (size_t i = 0; i < h->ntlsa; i++) {
		struct tlsa *t = &h->tlsa[i];
		if (t->unusable)
			continue;
		int d = tlsa_match_chain(t, chain);
		tlsa_str(t, rec, sizeof(rec));
		if (d >= 0) {
			slog(s, "  ", "TLSA %s matches the certificate at "
				"depth %d", rec, d);
			if (matched < 0) {
				matched = (int)i;
				mdepth = d;
			}
		} else {
			uint8_t *got = NULL;
			size_t glen = 0;
			char err[100], hex[80];
			hex[0] = '\0';
			if (tlsa_cert_data(leaf, t->selector, t->mtype, &got,
			    &glen, err, sizeof(err)) == 0) {
				for (size_t k = 0; k < glen && k < 32; k++)
					snprintf(hex + 2 * k, 3, "%02x",
						got[k]);
				free(got);
			}
			slog(s, "  ", "TLSA %s matches no certificate sent "
				"(the leaf's %s %s is %s%s)", rec,
				t->selector ? "SPKI" : "Cert",
				t->mtype == TLSA_SHA256 ? "SHA2-256" :
				t->mtype == TLSA_SHA512 ? "SHA2-512" : "Full",
				hex, glen > 32 ? "..." : "");
		}
	}
	const char *why = vr == X509_V_OK ? "no TLSA record matched" :
		X509_verify_cert_error_string(vr);
	if (matched >= 0)
		finish(s, DANE_FAIL, "TLSA %s matches the certificate at "
			"depth %d, but verification failed: %s",
			tlsa_str(&h->tlsa[matched], rec, sizeof(rec)), mdepth,
			why);
	else
		finish(s, DANE_FAIL, "none of the %zu usable TLSA records "
			"matches the certificate chain (%d certificates): %s",
			h->nusable, a->chain_len, why);
}

/* The SSL of the handshake: the TLSA base domain as SNI and first
 * reference identifier, the MX host as the second, every usable TLSA
 * record for OpenSSL's DANE verification. */
static SSL *tls_new(void *arg)
{
	struct dane_session *s = arg;
	struct dane_host *h = s->host;
	SSL *ssl = SSL_new(s->ctx);
	if (!ssl)
		return NULL;
	const char *base = h->tlsa_base ? h->tlsa_base : h->name;
	char sni[256];
	snprintf(sni, sizeof(sni), "%s", base);
	size_t n = strlen(sni);
	if (n > 1 && sni[n - 1] == '.')
		sni[n - 1] = '\0';
	/* The TLSA base domain is the first reference identifier and the
	 * SNI name (RFC 7672 sections 3.2.2 and 8.1); the MX host name is
	 * the second when CNAME expansion changed it. */
	if (SSL_dane_enable(ssl, sni) <= 0) {
		SSL_free(ssl);
		return NULL;
	}
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (strcasecmp(base, h->name) != 0) {
		char mx[256];
		snprintf(mx, sizeof(mx), "%s", h->name);
		n = strlen(mx);
		if (n > 1 && mx[n - 1] == '.')
			mx[n - 1] = '\0';
		SSL_add1_host(ssl, mx);
	}
	for (size_t i = 0; i < h->ntlsa; i++) {
		struct tlsa *t = &h->tlsa[i];
		if (t->unusable)
			continue;
		if (SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype,
		    t->data, t->len) <= 0) {
			char rec[200];
			slog(s, "  ", "OpenSSL refused TLSA %s", tlsa_str(t,
				rec, sizeof(rec)));
		}
	}
	slog(s, "  ", "TLS handshake, SNI %s", sni);
	return ssl;
}

/* A failure of the session as a verdict and its reason. */
static void failed(void *arg, const struct smtp_session_failure *f)
{
	struct dane_session *s = arg;
	const char *where = smtp_session_state_str(f->state);
	char text[600] = "";
	if (f->reply)
		smtp_reply_str(f->reply, text, sizeof(text));
	switch (f->why) {
	case SMTP_SESSION_CONNECT:
		finish(s, DANE_UNREACHABLE, "%s: %s", f->state ==
			SMTP_SESSION_CONNECTING ? "connect" : "read", f->text);
		return;
	case SMTP_SESSION_REFUSED:
		finish(s, DANE_UNREACHABLE, "the server refused the session: "
			"%s", text);
		return;
	case SMTP_SESSION_EHLO_REFUSED:
		finish(s, DANE_NO_STARTTLS, "EHLO refused, so no STARTTLS: %s",
			text);
		return;
	case SMTP_SESSION_NO_STARTTLS:
		if (f->blanked)
			finish(s, DANE_STARTTLS_STRIPPED, "the EHLO reply "
				"offers \"%s\" where STARTTLS belongs: "
				"something in the path blanked it out",
				f->blanked);
		else
			finish(s, DANE_NO_STARTTLS, "the server has TLSA "
				"records but does not offer STARTTLS");
		return;
	case SMTP_SESSION_STARTTLS_REFUSED:
		finish(s, DANE_NO_STARTTLS, "STARTTLS offered but refused: %s",
			text);
		return;
	case SMTP_SESSION_INJECTION:
		finish(s, DANE_FAIL, "%zu bytes of plaintext followed the 220 "
			"reply to STARTTLS", f->n);
		return;
	case SMTP_SESSION_TLS_SETUP:
		finish(s, DANE_FAIL, "%s:%d: could not set up TLS: %s",
			__FILE__, __LINE__, f->text);
		return;
	case SMTP_SESSION_HANDSHAKE:
		finish(s, DANE_FAIL, "TLS handshake failed: %s%s%s", f->text,
			f->verify != X509_V_OK ? "; certificate: " : "",
			f->verify != X509_V_OK ?
			X509_verify_cert_error_string(f->verify) : "");
		return;
	case SMTP_SESSION_CLOSED:
		finish(s, f->state == SMTP_SESSION_TLS ? DANE_FAIL :
			DANE_UNREACHABLE, "the server closed the connection "
			"%s: %s", where, f->text);
		return;
	case SMTP_SESSION_PROTOCOL:
		finish(s, f->state == SMTP_SESSION_BANNER ? DANE_UNREACHABLE :
			DANE_FAIL, "protocol error %s: %s", where, f->text);
		return;
	case SMTP_SESSION_TOO_MUCH:
		finish(s, DANE_FAIL, "the server sent more than %zu bytes",
			f->n);
		return;
	case SMTP_SESSION_TIMEOUT:
		if (f->state == SMTP_SESSION_TLS)
			finish(s, DANE_UNREACHABLE, "timed out after %u s %s "
				"(%zu bytes of it received)", s->o->timeout,
				where, f->n);
		else
			finish(s, DANE_UNREACHABLE, "timed out after %u s %s",
				s->o->timeout, where);
		return;
	case SMTP_SESSION_WRITE:
		finish(s, DANE_UNREACHABLE, "write failed: %s", f->text);
		return;
	}
}

static void log_line(void *arg, const char *prefix, const char *text)
{
	slog(arg, prefix, "%s", text);
}

static void on_done(void *arg)
{
	struct dane_session *s = arg;
	s->res->starttls = smtp_session_facts(s->smtp)->offered;
	s->done(s->done_arg);
}

struct dane_session *dane_session_start(uv_loop_t *loop, SSL_CTX *ctx,
	const struct dane_opts *o, struct dane_host *h, struct dane_addr *a,
	dane_session_done_cb done, void *arg)
{
	struct dane_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ctx = ctx;
	s->o = o;
	s->done = done;
	s->done_arg = arg;
	s->host = h;
	s->res = a;
	struct smtp_session_params p = {
		.addr = a->addr, .port = o->port, .timeout = o->timeout,
		.helo = o->helo, .read_max = READ_MAX,
		.max_cert_list = (long)o->max_cert_list,
		.tls_new = tls_new, .tls_done = tls_judge, .failed = failed,
		.log = log_line, .done = on_done, .arg = s
	};
	char err[200];
	slog(s, "  ", "connecting to %s port %u (host %s)", a->addr,
		o->port, h->name);
	s->smtp = smtp_session_start(loop, &p, err, sizeof(err));
	if (!s->smtp) {
		free(s);
		return NULL;
	}
	return s;
}

void dane_session_free(struct dane_session *s)
{
	if (!s)
		return;
	smtp_session_free(s->smtp);
	free(s);
}

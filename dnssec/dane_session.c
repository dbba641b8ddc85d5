/* dane_session.c: one SMTP session of a DANE check (see dane_session.h):
 * banner, EHLO, STARTTLS and a TLS handshake through OpenSSL memory BIOs,
 * driven by libuv callbacks, each step written to the address's
 * transcript. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "dnssec/dane_session.h"
#include "common/escape.h"
#include "dnssec/smtp.h"

#define LOG_MAX 65536		/* transcript bytes kept per address */
#define READ_MAX (1024 * 1024)	/* bytes read per session, all of it */

/* One SMTP session to one address. */
enum sstate { S_CONNECT, S_BANNER, S_EHLO, S_STARTTLS, S_TLS, S_END };

struct dane_session {
	SSL_CTX *ctx;		/* borrowed from the check */
	const struct dane_opts *o;	/* borrowed from the check */
	dane_session_done_cb done;
	void *done_arg;
	struct dane_host *host;
	struct dane_addr *res;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t conn;
	uv_shutdown_t shut;
	int open_handles;
	bool closing, finished, connected;
	enum sstate state;
	struct smtp_reader rd;
	SSL *ssl;
	BIO *rbio, *wbio;	/* network -> SSL, SSL -> network */
	bool handshaken;
	size_t nread;
	size_t tls_read;	/* bytes received since STARTTLS */
	char buf[16384];
};

struct wreq {
	uv_write_t req;
	struct dane_session *s;
	char data[];
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

static void on_closed(uv_handle_t *h)
{
	struct dane_session *s = h->data;
	if (--s->open_handles > 0)
		return;
	s->done(s->done_arg);
}

static void session_close(struct dane_session *s)
{
	if (s->closing)
		return;
	s->closing = true;
	uv_close((uv_handle_t *)&s->tcp, on_closed);
	uv_close((uv_handle_t *)&s->timer, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	session_close(req->data);
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

/* End the session: flush what was written, then close. */
static void session_end(struct dane_session *s)
{
	s->state = S_END;
	uv_read_stop((uv_stream_t *)&s->tcp);
	if (s->connected && !s->closing) {
		s->shut.data = s;
		if (uv_shutdown(&s->shut, (uv_stream_t *)&s->tcp,
		    on_shutdown) == 0)
			return;
	}
	session_close(s);
}

static void on_write(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct dane_session *s = w->s;
	free(w);
	if (status < 0 && status != UV_ECANCELED && !s->finished) {
		finish(s, DANE_UNREACHABLE, "write failed: %s",
			uv_strerror(status));
		session_end(s);
	}
}

static int write_raw(struct dane_session *s, const char *data, size_t len)
{
	struct wreq *w = malloc(sizeof(*w) + len);
	if (!w)
		return -1;
	w->s = s;
	memcpy(w->data, data, len);
	uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
	int rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, on_write);
	if (rc < 0) {
		free(w);
		return -1;
	}
	return 0;
}

/* Move what OpenSSL wrote into the memory BIO onto the socket. */
static void tls_flush(struct dane_session *s)
{
	char out[16384];
	int n;
	while ((n = BIO_read(s->wbio, out, sizeof(out))) > 0)
		if (write_raw(s, out, (size_t)n) < 0)
			break;
}

static void send_cmd(struct dane_session *s, const char *cmd)
{
	char line[600];
	int n = snprintf(line, sizeof(line), "%s\r\n", cmd);
	slog(s, "> ", "%s", cmd);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if (s->ssl && s->handshaken) {
		SSL_write(s->ssl, line, n);
		tls_flush(s);
	} else
		write_raw(s, line, (size_t)n);
}

/* The queue of OpenSSL errors as one string, for messages. */
static void ssl_errors(char *buf, size_t len)
{
	unsigned long e;
	size_t w = 0;
	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0 && w + 2 < len) {
		char one[256];
		ERR_error_string_n(e, one, sizeof(one));
		int n = snprintf(buf + w, len - w, "%s%s", w ? "; " : "", one);
		if (n < 0)
			break;
		w += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "no further reason from OpenSSL");
}

static char *name_str(X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s = NULL;
	if (!b)
		return NULL;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	long len = BIO_get_mem_data(b, &p);
	if (len >= 0 && (s = malloc((size_t)len + 1))) {
		memcpy(s, p, (size_t)len);
		s[len] = '\0';
	}
	BIO_free(b);
	return s;
}

/* The handshake is done: record what was presented and whether OpenSSL's
 * DANE verification accepted it; explain a failure record by record. */
static void tls_judge(struct dane_session *s)
{
	struct dane_host *h = s->host;
	struct dane_addr *a = s->res;
	X509 *leaf = SSL_get0_peer_certificate(s->ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s->ssl);
	char rec[200];

	a->tls = dane_strf("%s %s", SSL_get_version(s->ssl),
		SSL_get_cipher_name(s->ssl));
	a->chain_len = chain ? sk_X509_num(chain) : 0;
	slog(s, "  ", "TLS established: %s", a->tls ? a->tls : "?");
	if (leaf) {
		a->leaf_subject = name_str(X509_get_subject_name(leaf));
		a->leaf_issuer = name_str(X509_get_issuer_name(leaf));
	}
	for (int i = 0; i < a->chain_len; i++) {
		X509 *x = sk_X509_value(chain, i);
		char *sub = name_str(X509_get_subject_name(x));
		char *iss = name_str(X509_get_issuer_name(x));
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
	long vr = SSL_get_verify_result(s->ssl);
	uint8_t u, sel, mt;
	const unsigned char *data;
	size_t dlen;
	int depth = SSL_get0_dane_tlsa(s->ssl, &u, &sel, &mt, &data, &dlen);
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
		const char *peer = SSL_get0_peername(s->ssl);
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

static void tls_drive(struct dane_session *s)
{
	if (s->handshaken || s->finished)
		return;
	ERR_clear_error();
	int r = SSL_do_handshake(s->ssl);
	tls_flush(s);
	if (r == 1) {
		s->handshaken = true;
		tls_judge(s);
		send_cmd(s, "QUIT");
		SSL_shutdown(s->ssl);
		tls_flush(s);
		session_end(s);
		return;
	}
	int e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return;
	char why[600];
	ssl_errors(why, sizeof(why));
	long vr = SSL_get_verify_result(s->ssl);
	finish(s, DANE_FAIL, "TLS handshake failed: %s%s%s", why,
		vr != X509_V_OK ? "; certificate: " : "",
		vr != X509_V_OK ? X509_verify_cert_error_string(vr) : "");
	session_end(s);
}

static int tls_start(struct dane_session *s)
{
	struct dane_host *h = s->host;
	s->ssl = SSL_new(s->ctx);
	if (!s->ssl)
		return -1;
	s->rbio = BIO_new(BIO_s_mem());
	s->wbio = BIO_new(BIO_s_mem());
	if (!s->rbio || !s->wbio) {
		BIO_free(s->rbio);
		BIO_free(s->wbio);
		s->rbio = s->wbio = NULL;
		return -1;
	}
	SSL_set_bio(s->ssl, s->rbio, s->wbio);
	/* An over-long chain fails the handshake instead of growing
	 * without bound. */
	SSL_set_max_cert_list(s->ssl, (long)s->o->max_cert_list);
	const char *base = h->tlsa_base ? h->tlsa_base : h->name;
	char sni[256];
	snprintf(sni, sizeof(sni), "%s", base);
	size_t n = strlen(sni);
	if (n > 1 && sni[n - 1] == '.')
		sni[n - 1] = '\0';
	/* The TLSA base domain is the first reference identifier and the
	 * SNI name (RFC 7672 sections 3.2.2 and 8.1); the MX host name is
	 * the second when CNAME expansion changed it. */
	if (SSL_dane_enable(s->ssl, sni) <= 0)
		return -1;
	SSL_dane_set_flags(s->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	SSL_set_hostflags(s->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (strcasecmp(base, h->name) != 0) {
		char mx[256];
		snprintf(mx, sizeof(mx), "%s", h->name);
		n = strlen(mx);
		if (n > 1 && mx[n - 1] == '.')
			mx[n - 1] = '\0';
		SSL_add1_host(s->ssl, mx);
	}
	for (size_t i = 0; i < h->ntlsa; i++) {
		struct tlsa *t = &h->tlsa[i];
		if (t->unusable)
			continue;
		if (SSL_dane_tlsa_add(s->ssl, t->usage, t->selector, t->mtype,
		    t->data, t->len) <= 0) {
			char rec[200];
			slog(s, "  ", "OpenSSL refused TLSA %s", tlsa_str(t,
				rec, sizeof(rec)));
		}
	}
	/* Complete the handshake whatever the verification result, then
	 * judge it: a verdict with its reason, not a bare alert. */
	SSL_set_verify(s->ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_connect_state(s->ssl);
	slog(s, "  ", "TLS handshake, SNI %s", sni);
	tls_drive(s);
	return 0;
}

/* A complete plaintext reply arrived. */
static void on_reply(struct dane_session *s, size_t leftover)
{
	const struct smtp_reply *r = &s->rd.reply;
	char text[600];
	for (size_t i = 0; i < r->nlines; i++)
		slog(s, "< ", "%d%c%s", r->code, i + 1 < r->nlines ? '-' : ' ',
			r->lines[i]);
	switch (s->state) {
	case S_BANNER:
		if (r->code != 220) {
			finish(s, DANE_UNREACHABLE, "the server refused the "
				"session: %s", smtp_reply_str(r, text,
				sizeof(text)));
			send_cmd(s, "QUIT");
			session_end(s);
			return;
		}
		s->state = S_EHLO;
		snprintf(text, sizeof(text), "EHLO %s", s->o->helo);
		send_cmd(s, text);
		return;
	case S_EHLO: {
		if (r->code != 250) {
			finish(s, DANE_NO_STARTTLS, "EHLO refused, so no "
				"STARTTLS: %s", smtp_reply_str(r, text,
				sizeof(text)));
			send_cmd(s, "QUIT");
			session_end(s);
			return;
		}
		s->res->starttls = smtp_ehlo_has(r, "STARTTLS");
		if (!s->res->starttls) {
			const char *b = smtp_ehlo_blanked(r);
			if (b)
				finish(s, DANE_STARTTLS_STRIPPED, "the EHLO "
					"reply offers \"%s\" where STARTTLS "
					"belongs: something in the path "
					"blanked it out", b);
			else
				finish(s, DANE_NO_STARTTLS, "the server has "
					"TLSA records but does not offer "
					"STARTTLS");
			send_cmd(s, "QUIT");
			session_end(s);
			return;
		}
		s->state = S_STARTTLS;
		send_cmd(s, "STARTTLS");
		return;
	}
	case S_STARTTLS:
		if (r->code != 220) {
			finish(s, DANE_NO_STARTTLS, "STARTTLS offered but "
				"refused: %s", smtp_reply_str(r, text,
				sizeof(text)));
			send_cmd(s, "QUIT");
			session_end(s);
			return;
		}
		if (leftover) {
			/* RFC 3207 section 5: nothing may follow the 220
			 * in plaintext (the STARTTLS command injection). */
			finish(s, DANE_FAIL, "%zu bytes of plaintext followed "
				"the 220 reply to STARTTLS", leftover);
			session_end(s);
			return;
		}
		s->state = S_TLS;
		if (tls_start(s) < 0) {
			char why[300];
			ssl_errors(why, sizeof(why));
			finish(s, DANE_FAIL, "%s:%d: could not set up TLS: %s",
				__FILE__, __LINE__, why);
			session_end(s);
		}
		return;
	default:
		return;
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct dane_session *s = h->data;
	(void)hint;
	*b = uv_buf_init(s->buf, sizeof(s->buf));
}

static const char *state_what(enum sstate st)
{
	switch (st) {
	case S_CONNECT: return "connecting";
	case S_BANNER: return "waiting for the banner";
	case S_EHLO: return "waiting for the reply to EHLO";
	case S_STARTTLS: return "waiting for the reply to STARTTLS";
	case S_TLS: return "in the TLS handshake";
	default: return "closing";
	}
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	struct dane_session *s = st->data;
	if (nread == 0 || s->finished)
		return;
	if (nread < 0) {
		if (s->state == S_TLS)
			finish(s, DANE_FAIL, "the server closed the connection "
				"%s: %s", state_what(s->state),
				uv_strerror((int)nread));
		else
			finish(s, DANE_UNREACHABLE, "the server closed the "
				"connection %s: %s", state_what(s->state),
				uv_strerror((int)nread));
		session_end(s);
		return;
	}
	s->nread += (size_t)nread;
	if (s->nread > READ_MAX) {
		finish(s, DANE_FAIL, "the server sent more than %d bytes",
			READ_MAX);
		session_end(s);
		return;
	}
	if (s->state == S_TLS) {
		s->tls_read += (size_t)nread;
		BIO_write(s->rbio, b->base, (int)nread);
		tls_drive(s);
		return;
	}
	size_t off = 0;
	while (off < (size_t)nread && !s->finished && s->state != S_TLS) {
		size_t used = 0;
		enum smtp_feed f = smtp_reader_feed(&s->rd, b->base + off,
			(size_t)nread - off, &used);
		off += used;
		if (f == SMTP_BAD) {
			finish(s, s->state == S_BANNER ? DANE_UNREACHABLE :
				DANE_FAIL, "protocol error %s: %s",
				state_what(s->state), s->rd.err);
			session_end(s);
			return;
		}
		if (f == SMTP_MORE)
			break;
		on_reply(s, (size_t)nread - off);
		smtp_reader_init(&s->rd);
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	struct dane_session *s = req->data;
	if (s->finished)
		return;
	if (status < 0) {
		finish(s, DANE_UNREACHABLE, "connect: %s", uv_strerror(status));
		session_close(s);
		return;
	}
	s->connected = true;
	slog(s, "  ", "connected");
	s->state = S_BANNER;
	int rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
	if (rc < 0) {
		finish(s, DANE_UNREACHABLE, "read: %s", uv_strerror(rc));
		session_end(s);
	}
}

static void on_timer(uv_timer_t *t)
{
	struct dane_session *s = t->data;
	if (!s->finished && s->state == S_TLS)
		finish(s, DANE_UNREACHABLE, "timed out after %u s %s (%zu "
			"bytes of it received)", s->o->timeout,
			state_what(s->state), s->tls_read);
	else if (!s->finished)
		finish(s, DANE_UNREACHABLE, "timed out after %u s %s",
			s->o->timeout, state_what(s->state));
	session_close(s);
}

struct dane_session *dane_session_start(uv_loop_t *loop, SSL_CTX *ctx,
	const struct dane_opts *o, struct dane_host *h, struct dane_addr *a,
	dane_session_done_cb done, void *arg)
{
	struct dane_session *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	if (!s)
		return NULL;
	s->ctx = ctx;
	s->o = o;
	s->done = done;
	s->done_arg = arg;
	s->host = h;
	s->res = a;
	smtp_reader_init(&s->rd);
	if (strchr(a->addr, ':'))
		uv_ip6_addr(a->addr, (int)o->port,
			(struct sockaddr_in6 *)&ss);
	else
		uv_ip4_addr(a->addr, (int)o->port,
			(struct sockaddr_in *)&ss);
	uv_tcp_init(loop, &s->tcp);
	uv_timer_init(loop, &s->timer);
	s->tcp.data = s->timer.data = s->conn.data = s;
	s->open_handles = 2;
	uv_timer_start(&s->timer, on_timer, (uint64_t)o->timeout * 1000, 0);
	slog(s, "  ", "connecting to %s port %u (host %s)", a->addr,
		o->port, h->name);
	int rc = uv_tcp_connect(&s->conn, &s->tcp, (struct sockaddr *)&ss,
		on_connect);
	if (rc < 0) {
		finish(s, DANE_UNREACHABLE, "connect: %s", uv_strerror(rc));
		session_close(s);
	}
	return s;
}

void dane_session_free(struct dane_session *s)
{
	if (!s)
		return;
	if (s->ssl)
		SSL_free(s->ssl);	/* frees the BIOs too */
	free(s);
}


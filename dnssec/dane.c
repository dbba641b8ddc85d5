/* dane.c: the DANE check of a mail domain (see dane.h): two rounds of
 * validated lookups through truth_resolve (MX with the exchanges'
 * addresses, then TLSA), then one SMTP session per address of every host
 * with TLSA, all on one libuv loop; TLS runs through OpenSSL memory BIOs. */
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
#include "dnssec/dane.h"
#include "common/escape.h"
#include "dnssec/smtp.h"
#include "dnssec/truth_resolve.h"

#define VERDICT_UNSET DANE_VERDICT_COUNT
#define LOG_MAX 65536		/* transcript bytes kept per address */
#define READ_MAX (1024 * 1024)	/* bytes read per session, all of it */

static const char *verdict_names[] = {
	"bogus", "dane-fail", "starttls-stripped", "no-starttls",
	"unreachable", "dns-error", "dane-valid", "dane-insecure"
};

const char *dane_verdict_str(enum dane_verdict v)
{
	return v < DANE_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

void dane_opts_init(struct dane_opts *o)
{
	memset(o, 0, sizeof(*o));
	truth_opts_init(&o->truth);
	o->port = 25;
	o->timeout = 30;
	o->helo = "localhost";
	o->max_cert_list = 100 * 1024;
}

/* A new string from a format; NULL on out of memory. */
static char *strf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void set_verdict(enum dane_verdict *v, char **detail,
	enum dane_verdict nv, char *text)
{
	*v = nv;
	free(*detail);
	*detail = text;
}

/* ---- judging (pure) ---- */

void dane_result_judge(struct dane_result *r)
{
	for (size_t h = 0; h < r->nhosts; h++) {
		struct dane_host *host = &r->hosts[h];
		if (host->verdict != VERDICT_UNSET)
			continue;
		size_t best = 0;
		enum dane_verdict v = VERDICT_UNSET;
		for (size_t i = 0; i < host->naddrs; i++)
			if (host->addrs[i].verdict < v) {
				v = host->addrs[i].verdict;
				best = i;
			}
		if (v == VERDICT_UNSET)
			set_verdict(&host->verdict, &host->detail,
				DANE_DNS_ERROR, strf("no address was checked"));
		else
			set_verdict(&host->verdict, &host->detail, v,
				strf("%s: %s", host->addrs[best].addr,
				host->addrs[best].detail ?
				host->addrs[best].detail : ""));
	}
	if (r->verdict != VERDICT_UNSET)
		return;
	size_t best = 0;
	enum dane_verdict v = VERDICT_UNSET;
	for (size_t h = 0; h < r->nhosts; h++)
		if (r->hosts[h].verdict < v) {
			v = r->hosts[h].verdict;
			best = h;
		}
	if (v == VERDICT_UNSET)
		set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
			strf("no mail host found"));
	else if (v == DANE_INSECURE)
		set_verdict(&r->verdict, &r->detail, v,
			strf("no MX host has usable, validated TLSA records: "
			"DANE does not apply, and a sender is left with "
			"opportunistic TLS that an active attacker can strip "
			"(%s: %s)", r->hosts[best].name,
			r->hosts[best].detail ? r->hosts[best].detail : ""));
	else
		set_verdict(&r->verdict, &r->detail, v, strf("%s: %s",
			r->hosts[best].name, r->hosts[best].detail ?
			r->hosts[best].detail : ""));
}

/* ---- the check ---- */

struct session;

struct dane_check {
	uv_loop_t *loop;
	struct dane_opts o;
	dane_done_cb cb;
	void *cbarg;
	struct dane_result res;
	struct truth *t;
	struct truth_run *run;
	SSL_CTX *ctx;
	struct session **sessions;
	size_t nsessions, pending;
};

/* One SMTP session to one address. */
enum sstate { S_CONNECT, S_BANNER, S_EHLO, S_STARTTLS, S_TLS, S_END };

struct session {
	struct dane_check *chk;
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
	struct session *s;
	char data[];
};

static void check_finish(struct dane_check *c);

/* Append one transcript line (prefix "< ", "> " or "  "). */
static void slog(struct session *s, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void slog(struct session *s, const char *prefix, const char *fmt, ...)
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
	struct session *s = h->data;
	if (--s->open_handles > 0)
		return;
	struct dane_check *c = s->chk;
	if (--c->pending == 0)
		check_finish(c);
}

static void session_close(struct session *s)
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
static void finish(struct session *s, enum dane_verdict v, const char *fmt,
	...) __attribute__((format(printf, 3, 4)));
static void finish(struct session *s, enum dane_verdict v, const char *fmt,
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
static void session_end(struct session *s)
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
	struct session *s = w->s;
	free(w);
	if (status < 0 && status != UV_ECANCELED && !s->finished) {
		finish(s, DANE_UNREACHABLE, "write failed: %s",
			uv_strerror(status));
		session_end(s);
	}
}

static int write_raw(struct session *s, const char *data, size_t len)
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
static void tls_flush(struct session *s)
{
	char out[16384];
	int n;
	while ((n = BIO_read(s->wbio, out, sizeof(out))) > 0)
		if (write_raw(s, out, (size_t)n) < 0)
			break;
}

static void send_cmd(struct session *s, const char *cmd)
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
static void tls_judge(struct session *s)
{
	struct dane_host *h = s->host;
	struct dane_addr *a = s->res;
	X509 *leaf = SSL_get0_peer_certificate(s->ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s->ssl);
	char rec[200];

	a->tls = strf("%s %s", SSL_get_version(s->ssl),
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

static void tls_drive(struct session *s)
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

static int tls_start(struct session *s)
{
	struct dane_host *h = s->host;
	s->ssl = SSL_new(s->chk->ctx);
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
	SSL_set_max_cert_list(s->ssl, (long)s->chk->o.max_cert_list);
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
static void on_reply(struct session *s, size_t leftover)
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
		snprintf(text, sizeof(text), "EHLO %s", s->chk->o.helo);
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
	struct session *s = h->data;
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
	struct session *s = st->data;
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
	struct session *s = req->data;
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
	struct session *s = t->data;
	if (!s->finished && s->state == S_TLS)
		finish(s, DANE_UNREACHABLE, "timed out after %u s %s (%zu "
			"bytes of it received)", s->chk->o.timeout,
			state_what(s->state), s->tls_read);
	else if (!s->finished)
		finish(s, DANE_UNREACHABLE, "timed out after %u s %s",
			s->chk->o.timeout, state_what(s->state));
	session_close(s);
}

static int session_start(struct dane_check *c, struct dane_host *h,
	struct dane_addr *a)
{
	struct session *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	if (!s)
		return -1;
	s->chk = c;
	s->host = h;
	s->res = a;
	smtp_reader_init(&s->rd);
	c->sessions[c->nsessions++] = s;
	if (strchr(a->addr, ':'))
		uv_ip6_addr(a->addr, (int)c->o.port,
			(struct sockaddr_in6 *)&ss);
	else
		uv_ip4_addr(a->addr, (int)c->o.port,
			(struct sockaddr_in *)&ss);
	uv_tcp_init(c->loop, &s->tcp);
	uv_timer_init(c->loop, &s->timer);
	s->tcp.data = s->timer.data = s->conn.data = s;
	s->open_handles = 2;
	c->pending++;
	uv_timer_start(&s->timer, on_timer, (uint64_t)c->o.timeout * 1000, 0);
	slog(s, "  ", "connecting to %s port %u (host %s)", a->addr,
		c->o.port, h->name);
	int rc = uv_tcp_connect(&s->conn, &s->tcp, (struct sockaddr *)&ss,
		on_connect);
	if (rc < 0) {
		finish(s, DANE_UNREACHABLE, "connect: %s", uv_strerror(rc));
		session_close(s);
	}
	return 0;
}

/* ---- DNS stages ---- */

static char *lower_dup(const char *s)
{
	char *d = strdup(s);
	for (char *p = d; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static char *rdf_str(const ldns_rdf *r)
{
	char *s = ldns_rdf2str(r);
	char *l = s ? lower_dup(s) : NULL;
	free(s);
	return l;
}

static void check_finish(struct dane_check *c)
{
	dane_result_judge(&c->res);
	if (c->cb)
		c->cb(c, c->cbarg);
}

static const char *rcode_name(int rcode)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	return lt ? lt->name : "rcode?";
}

/* Why a lookup gave nothing usable, or NULL if it answered. */
static char *lookup_failed(const struct truth_answer *a, const char *name,
	const char *type)
{
	if (!a || a->timed_out)
		return strf("%s %s: no answer (timed out)", name, type);
	if (a->sec == TRUTH_SEC_BOGUS)
		return NULL;
	if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		return strf("%s %s: %s", name, type, rcode_name(a->rcode));
	return NULL;
}

static int cmp_host(const void *x, const void *y)
{
	const struct dane_host *a = x, *b = y;
	if (a->preference != b->preference)
		return a->preference < b->preference ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int add_addrs(struct dane_host *h, const struct truth_answer *a)
{
	size_t n = a ? ldns_rr_list_rr_count(a->rrs) : 0;
	if (!n)
		return 0;
	struct dane_addr *na = realloc(h->addrs, (h->naddrs + n) *
		sizeof(*na));
	if (!na)
		return -1;
	h->addrs = na;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(a->rrs, i);
		if (ldns_rr_rd_count(rr) < 1)
			continue;
		struct dane_addr *d = &h->addrs[h->naddrs];
		memset(d, 0, sizeof(*d));
		d->addr = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		if (!d->addr)
			return -1;
		d->verdict = VERDICT_UNSET;
		d->match_record = d->match_depth = -1;
		h->naddrs++;
	}
	return 0;
}

/* Fill a host's addresses and address status from the truth; decide the
 * verdicts DNS alone gives. */
static int host_addresses(struct dane_check *c, struct dane_host *h)
{
	const struct truth_answer *a4 = truth_find(c->t, h->name,
		LDNS_RR_TYPE_A);
	const struct truth_answer *a6 = truth_find(c->t, h->name,
		LDNS_RR_TYPE_AAAA);
	if ((a4 && a4->sec == TRUTH_SEC_BOGUS) ||
	    (a6 && a6->sec == TRUTH_SEC_BOGUS)) {
		const struct truth_answer *b = a4 && a4->sec ==
			TRUTH_SEC_BOGUS ? a4 : a6;
		h->addr_sec = TRUTH_SEC_BOGUS;
		set_verdict(&h->verdict, &h->detail, DANE_BOGUS, strf(
			"%s %s is bogus: %s", h->name, b == a4 ? "A" : "AAAA",
			b->why_bogus ? b->why_bogus : "validation failed"));
		return 0;
	}
	if (add_addrs(h, a4) < 0 || add_addrs(h, a6) < 0)
		return -1;
	const struct truth_answer *ac = a4 && ldns_rr_list_rr_count(a4->cnames)
		? a4 : a6 && ldns_rr_list_rr_count(a6->cnames) ? a6 : NULL;
	if (ac) {
		size_t n = ldns_rr_list_rr_count(ac->cnames);
		ldns_rr *last = ldns_rr_list_rr(ac->cnames, n - 1);
		if (ldns_rr_rd_count(last) > 0)
			h->cname_target = rdf_str(ldns_rr_rdf(last, 0));
	}
	h->addr_sec = (a4 && a4->sec == TRUTH_SEC_SECURE) &&
		(!a6 || a6->sec == TRUTH_SEC_SECURE) ? TRUTH_SEC_SECURE :
		TRUTH_SEC_INSECURE;
	if (h->naddrs == 0) {
		char *why = lookup_failed(a4, h->name, "A");
		if (!why)
			why = lookup_failed(a6, h->name, "AAAA");
		set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR,
			why ? why : strf("%s has no A or AAAA records",
			h->name));
		return 0;
	}
	if (h->addr_sec != TRUTH_SEC_SECURE)
		set_verdict(&h->verdict, &h->detail, DANE_INSECURE, strf(
			"the addresses of %s are not signed: TLSA records are "
			"not looked up (RFC 7672 section 2.2.2)", h->name));
	return 0;
}

static void tls_done_dns(struct truth_run *run, void *arg);

static char *tlsa_qname(const struct dane_check *c, const char *host)
{
	size_t n = strlen(host);
	return strf("_%u._tcp.%s%s", c->o.port, host,
		n && host[n - 1] == '.' ? "" : ".");
}

/* Take the TLSA RRset at qname for host h (RFC 7672 section 2.2.3).
 * Returns 1 when it settles the host (records used, bogus or an error),
 * 0 when there is nothing there to use. */
static int take_tlsa(struct dane_check *c, struct dane_host *h,
	const char *qname, const char *base, bool last)
{
	const struct truth_answer *a = truth_find(c->t, qname,
		LDNS_RR_TYPE_TLSA);
	size_t n = a ? ldns_rr_list_rr_count(a->rrs) : 0;
	h->tlsa_looked = true;
	if (a && a->sec == TRUTH_SEC_BOGUS) {
		free(h->tlsa_name);
		h->tlsa_name = strdup(qname);
		h->tlsa_sec = TRUTH_SEC_BOGUS;
		set_verdict(&h->verdict, &h->detail, DANE_BOGUS, strf(
			"TLSA %s is bogus: %s", qname, a->why_bogus ?
			a->why_bogus : "validation failed"));
		return 1;
	}
	char *why = lookup_failed(a, qname, "TLSA");
	if (why) {
		/* Not a denial of existence: a sender must defer, it cannot
		 * tell "no TLSA" from an attack (RFC 7672 section 2.2). */
		free(h->tlsa_name);
		h->tlsa_name = strdup(qname);
		set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR, why);
		return 1;
	}
	if (n == 0) {
		if (last && !h->tlsa_name) {
			h->tlsa_name = strdup(qname);
			h->tlsa_sec = a->sec;
			set_verdict(&h->verdict, &h->detail, DANE_INSECURE,
				strf("no TLSA records at %s (%s denial): "
				"DANE does not apply to this host", qname,
				truth_sec_str(a->sec)));
		}
		return 0;
	}
	free(h->tlsa_name);
	h->tlsa_name = strdup(qname);
	h->tlsa_sec = a->sec;
	h->tlsa = calloc(n, sizeof(*h->tlsa));
	if (!h->tlsa)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char err[200];
		struct tlsa *t = &h->tlsa[h->ntlsa];
		if (tlsa_from_rr(ldns_rr_list_rr(a->rrs, i), t, err,
		    sizeof(err)) < 0) {
			memset(t, 0, sizeof(*t));
			t->unusable = "malformed TLSA rdata";
		}
		h->ntlsa++;
		if (!t->unusable)
			h->nusable++;
	}
	if (a->sec != TRUTH_SEC_SECURE) {
		set_verdict(&h->verdict, &h->detail, DANE_INSECURE, strf(
			"%zu TLSA records at %s are not signed (insecure): "
			"ignored, DANE does not apply", n, qname));
		return 1;
	}
	h->tlsa_base = lower_dup(base);
	return 1;
}

static int stage_tlsa(struct dane_check *c, char *err, size_t errlen)
{
	struct truth_opts o = c->o.truth;
	o.rounds = 1;
	c->run = truth_run_new(c->loop, c->t, &o, err, errlen);
	if (!c->run)
		return -1;
	size_t asked = 0;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		char *q = tlsa_qname(c, h->name);
		int rc = q ? truth_run_add(c->run, q, LDNS_RR_TYPE_TLSA, -1,
			err, errlen) : -1;
		free(q);
		if (rc < 0)
			return -1;
		asked++;
		if (h->cname_target) {
			q = tlsa_qname(c, h->cname_target);
			rc = q ? truth_run_add(c->run, q, LDNS_RR_TYPE_TLSA,
				-1, err, errlen) : -1;
			free(q);
			if (rc < 0)
				return -1;
		}
	}
	if (!asked) {
		truth_run_free(c->run);
		c->run = NULL;
		return 0;
	}
	if (truth_run_start(c->run, tls_done_dns, c, err, errlen) < 0)
		return -1;
	return 1;
}

static int start_sessions(struct dane_check *c)
{
	size_t total = 0;
	for (size_t i = 0; i < c->res.nhosts; i++)
		if (c->res.hosts[i].verdict == VERDICT_UNSET)
			total += c->res.hosts[i].naddrs;
	c->sessions = calloc(total ? total : 1, sizeof(*c->sessions));
	if (!c->sessions)
		return -1;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		for (size_t k = 0; k < h->naddrs; k++)
			if (session_start(c, h, &h->addrs[k]) < 0)
				return -1;
	}
	return (int)total;
}

static void tls_done_dns(struct truth_run *run, void *arg)
{
	struct dane_check *c = arg;
	truth_run_free(run);
	c->run = NULL;
	for (size_t i = 0; i < c->res.nhosts; i++) {
		struct dane_host *h = &c->res.hosts[i];
		if (h->verdict != VERDICT_UNSET)
			continue;
		int rc = 0;
		/* The expanded name first, then the MX host name (RFC 7672
		 * section 2.2.3), only when the expansion was secure, which
		 * addr_sec says. */
		if (h->cname_target) {
			char *q = tlsa_qname(c, h->cname_target);
			rc = q ? take_tlsa(c, h, q, h->cname_target, false)
				: -1;
			free(q);
		}
		if (rc == 0) {
			char *q = tlsa_qname(c, h->name);
			rc = q ? take_tlsa(c, h, q, h->name, true) : -1;
			free(q);
		}
		if (rc < 0)
			set_verdict(&h->verdict, &h->detail, DANE_DNS_ERROR,
				strf("%s:%d: out of memory", __FILE__,
				__LINE__));
	}
	if (start_sessions(c) <= 0)
		check_finish(c);
}

static void mx_done(struct truth_run *run, void *arg)
{
	struct dane_check *c = arg;
	struct dane_result *r = &c->res;
	char err[512];
	truth_run_free(run);
	c->run = NULL;
	const struct truth_answer *a = truth_find(c->t, r->domain,
		LDNS_RR_TYPE_MX);
	r->mx_sec = a ? a->sec : TRUTH_SEC_INSECURE;
	r->mx_rcode = a ? a->rcode : LDNS_RCODE_SERVFAIL;
	if (a && a->sec == TRUTH_SEC_BOGUS) {
		set_verdict(&r->verdict, &r->detail, DANE_BOGUS, strf(
			"MX %s is bogus: %s", r->domain, a->why_bogus ?
			a->why_bogus : "validation failed"));
		check_finish(c);
		return;
	}
	char *why = lookup_failed(a, r->domain, "MX");
	if (!why && a->rcode == LDNS_RCODE_NXDOMAIN)
		why = strf("%s does not exist (NXDOMAIN, %s)", r->domain,
			truth_sec_str(a->sec));
	if (why) {
		set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR, why);
		check_finish(c);
		return;
	}
	size_t n = ldns_rr_list_rr_count(a->rrs);
	r->hosts = calloc(n ? n : 1, sizeof(*r->hosts));
	if (!r->hosts)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(a->rrs, i);
		if (ldns_rr_rd_count(rr) < 2)
			continue;
		if (ldns_dname_label_count(ldns_rr_rdf(rr, 1)) == 0) {
			set_verdict(&r->verdict, &r->detail, DANE_INSECURE,
				strf("null MX (RFC 7505): %s accepts no mail",
				r->domain));
			check_finish(c);
			return;
		}
		char *name = rdf_str(ldns_rr_rdf(rr, 1));
		if (!name)
			goto oom;
		bool dup = false;
		for (size_t k = 0; k < r->nhosts && !dup; k++)
			dup = !strcmp(r->hosts[k].name, name);
		if (dup) {
			free(name);
			continue;
		}
		struct dane_host *h = &r->hosts[r->nhosts++];
		h->name = name;
		h->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		h->verdict = VERDICT_UNSET;
	}
	if (n == 0) {
		/* No MX: the domain is its own mail host (RFC 5321 5.1). */
		r->implicit_mx = true;
		struct dane_host *h = &r->hosts[r->nhosts++];
		h->name = strdup(r->domain);
		h->preference = -1;
		h->verdict = VERDICT_UNSET;
		if (!h->name)
			goto oom;
	}
	qsort(r->hosts, r->nhosts, sizeof(*r->hosts), cmp_host);
	for (size_t i = 0; i < r->nhosts; i++)
		if (host_addresses(c, &r->hosts[i]) < 0)
			goto oom;
	if (r->mx_sec != TRUTH_SEC_SECURE) {
		/* RFC 7672 section 2.2.1: an insecure MX RRset means DANE
		 * does not apply to any of its hosts. */
		for (size_t i = 0; i < r->nhosts; i++)
			if (r->hosts[i].verdict == VERDICT_UNSET ||
			    r->hosts[i].verdict == DANE_INSECURE)
				set_verdict(&r->hosts[i].verdict,
					&r->hosts[i].detail, DANE_INSECURE,
					strf("TLSA not looked up: the %s is "
					"insecure", r->implicit_mx ?
					"address lookup" : "MX RRset"));
		set_verdict(&r->verdict, &r->detail, DANE_INSECURE, strf(
			"the %s of %s is not signed (insecure): DANE does not "
			"apply, and a sender is left with opportunistic TLS "
			"that an active attacker can strip or redirect",
			r->implicit_mx ? "address (no MX)" : "MX RRset",
			r->domain));
		check_finish(c);
		return;
	}
	int rc = stage_tlsa(c, err, sizeof(err));
	if (rc < 0) {
		set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
			strf("TLSA lookups: %s", err));
		check_finish(c);
	} else if (rc == 0)
		check_finish(c);
	return;
oom:
	set_verdict(&r->verdict, &r->detail, DANE_DNS_ERROR,
		strf("%s:%d: out of memory", __FILE__, __LINE__));
	check_finish(c);
}

struct dane_check *dane_check_start(uv_loop_t *loop, const char *domain,
	const struct dane_opts *o, dane_done_cb cb, void *arg,
	char *err, size_t errlen)
{
	ldns_rdf *dn = NULL;
	if (!domain || !*domain || strlen(domain) > 253 ||
	    ldns_str2rdf_dname(&dn, domain) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "not a domain name: \"%.80s\"",
			domain ? domain : "");
		return NULL;
	}
	ldns_rdf_deep_free(dn);
	struct dane_check *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		return NULL;
	}
	c->loop = loop;
	c->o = *o;
	c->cb = cb;
	c->cbarg = arg;
	c->res.verdict = VERDICT_UNSET;
	size_t n = strlen(domain);
	c->res.domain = strf("%s%s", domain, domain[n - 1] == '.' ? "" : ".");
	char *l = c->res.domain ? lower_dup(c->res.domain) : NULL;
	free(c->res.domain);
	c->res.domain = l;
	c->t = truth_new();
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->res.domain || !c->t || !c->ctx) {
		snprintf(err, errlen, "%s:%d: out of memory", __FILE__,
			__LINE__);
		goto fail;
	}
	if (SSL_CTX_dane_enable(c->ctx) <= 0) {
		snprintf(err, errlen, "%s:%d: OpenSSL has no DANE support",
			__FILE__, __LINE__);
		goto fail;
	}
	/* Opportunistic DANE: no PKIX trust store; TLSA is the only
	 * authority (RFC 7672 section 3.1). */
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	struct truth_opts to = o->truth;
	to.rounds = 1;
	c->run = truth_run_new(loop, c->t, &to, err, errlen);
	if (!c->run)
		goto fail;
	if (truth_run_add(c->run, c->res.domain, LDNS_RR_TYPE_MX, -1, err,
	    errlen) < 0 ||
	    truth_run_add(c->run, c->res.domain, LDNS_RR_TYPE_A, -1, err,
	    errlen) < 0 ||
	    truth_run_add(c->run, c->res.domain, LDNS_RR_TYPE_AAAA, -1, err,
	    errlen) < 0 ||
	    truth_run_start(c->run, mx_done, c, err, errlen) < 0)
		goto fail;
	return c;
fail:
	dane_check_free(c);
	return NULL;
}

const struct dane_result *dane_check_result(const struct dane_check *c)
{
	return &c->res;
}

void dane_check_free(struct dane_check *c)
{
	if (!c)
		return;
	truth_run_free(c->run);
	for (size_t i = 0; i < c->nsessions; i++) {
		struct session *s = c->sessions[i];
		if (s->ssl)
			SSL_free(s->ssl);	/* frees the BIOs too */
		free(s);
	}
	free(c->sessions);
	struct dane_result *r = &c->res;
	for (size_t h = 0; h < r->nhosts; h++) {
		struct dane_host *host = &r->hosts[h];
		for (size_t i = 0; i < host->naddrs; i++) {
			struct dane_addr *a = &host->addrs[i];
			free(a->addr);
			free(a->detail);
			free(a->log);
			free(a->tls);
			free(a->leaf_subject);
			free(a->leaf_issuer);
			free(a->peername);
		}
		free(host->addrs);
		for (size_t i = 0; i < host->ntlsa; i++)
			tlsa_clear(&host->tlsa[i]);
		free(host->tlsa);
		free(host->name);
		free(host->cname_target);
		free(host->tlsa_name);
		free(host->tlsa_base);
		free(host->detail);
	}
	free(r->hosts);
	free(r->domain);
	free(r->detail);
	truth_free(c->t);
	SSL_CTX_free(c->ctx);
	free(c);
}

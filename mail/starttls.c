/* starttls.c: STARTTLS probes of one SMTP server address (starttls.h):
 * sessions one after the other, each banner, EHLO, STARTTLS and a TLS
 * handshake through OpenSSL memory BIOs on the libuv loop, then QUIT. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "mail/starttls.h"
#include "mail/finding.h"
#include "dnssec/smtp.h"

#define READ_MAX (256 * 1024)	/* bytes read per session */
#define CERT_LIST_MAX (100 * 1024)

static const char *version_names[] = { "TLSv1", "TLSv1.1", "TLSv1.2",
	"TLSv1.3" };
static const int version_codes[] = { TLS1_VERSION, TLS1_1_VERSION,
	TLS1_2_VERSION, TLS1_3_VERSION };

const char *starttls_version_str(int v)
{
	return v >= 0 && v < STARTTLS_NVERSIONS ? version_names[v] : "?";
}

/* The attempts, in order: the main handshake (any version), each version
 * alone, then DHE suites only. */
enum { A_MAIN = 0, A_V0, A_DHE = A_V0 + STARTTLS_NVERSIONS, A_COUNT };
enum sstate { S_CONNECT, S_BANNER, S_EHLO, S_STARTTLS, S_TLS, S_END };

struct starttls_probe {
	uv_loop_t *loop;
	struct starttls_opts o;
	starttls_done_cb cb;
	void *cbarg;
	struct starttls_result res;
	X509_STORE *store;
	int attempt;
	/* The session of the current attempt. */
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t conn;
	int open_handles;
	bool closing, ended, connected;
	enum sstate state;
	struct smtp_reader rd;
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rbio, *wbio;
	size_t nread;
	char err[300];
	bool ok;		/* the attempt's handshake completed */
	char buf[16384];
};

struct wreq {
	uv_write_t req;
	char data[];
};

static void next_attempt(struct starttls_probe *p);

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
		snprintf(buf, len, "no reason from OpenSSL");
}

static void on_closed(uv_handle_t *h)
{
	struct starttls_probe *p = h->data;
	if (--p->open_handles > 0)
		return;
	if (p->ssl) {
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
	if (p->ctx) {
		SSL_CTX_free(p->ctx);
		p->ctx = NULL;
	}
	next_attempt(p);
}

/* End the session: close both handles; the next attempt starts when
 * they are closed. */
static void session_end(struct starttls_probe *p)
{
	if (p->closing)
		return;
	p->closing = true;
	p->state = S_END;
	uv_close((uv_handle_t *)&p->tcp, on_closed);
	uv_close((uv_handle_t *)&p->timer, on_closed);
}

static void on_write(uv_write_t *req, int status)
{
	(void)status;
	free(req);
}

static void write_raw(struct starttls_probe *p, const char *d, size_t n)
{
	if (p->closing)
		return;
	struct wreq *w = malloc(sizeof(*w) + n);
	if (!w)
		return;
	memcpy(w->data, d, n);
	uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
	if (uv_write(&w->req, (uv_stream_t *)&p->tcp, &b, 1, on_write) < 0)
		free(w);
}

static void tls_flush(struct starttls_probe *p)
{
	char out[16384];
	int n;
	while ((n = BIO_read(p->wbio, out, sizeof(out))) > 0)
		write_raw(p, out, (size_t)n);
}

static void send_cmd(struct starttls_probe *p, const char *cmd)
{
	char line[300];
	int n = snprintf(line, sizeof(line), "%s\r\n", cmd);
	if (n > 0 && (size_t)n < sizeof(line))
		write_raw(p, line, (size_t)n);
}

static void name_str(X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *d;
	out[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	long l = BIO_get_mem_data(b, &d);
	if (l > 0)
		mail_escape(d, (size_t)l, out, len);
	BIO_free(b);
}

/* What the main handshake shows: version, cipher, key exchange and the
 * certificate checked four ways. */
static void record_main(struct starttls_probe *p)
{
	struct starttls_result *r = &p->res;
	snprintf(r->tls, sizeof(r->tls), "%s %s", SSL_get_version(p->ssl),
		SSL_get_cipher_name(p->ssl));
	EVP_PKEY *k = NULL;
	if (SSL_get_peer_tmp_key(p->ssl, &k) && k) {
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
	X509 *leaf = SSL_get0_peer_certificate(p->ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(p->ssl);
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

static void tls_drive(struct starttls_probe *p)
{
	ERR_clear_error();
	int rc = SSL_do_handshake(p->ssl);
	tls_flush(p);
	if (rc == 1) {
		p->ok = true;
		if (p->attempt == A_MAIN) {
			p->res.handshake = true;
			record_main(p);
		} else if (p->attempt == A_DHE) {
			EVP_PKEY *k = NULL;
			if (SSL_get_peer_tmp_key(p->ssl, &k) && k) {
				if (EVP_PKEY_get_base_id(k) == EVP_PKEY_DH)
					p->res.dh_bits = EVP_PKEY_get_bits(k);
				EVP_PKEY_free(k);
			}
		}
		SSL_shutdown(p->ssl);
		tls_flush(p);
		session_end(p);
		return;
	}
	int e = SSL_get_error(p->ssl, rc);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return;
	char why[250];
	ssl_errors(why, sizeof(why));
	set_err(p, "TLS handshake failed: %s", why);
	session_end(p);
}

static int tls_start(struct starttls_probe *p)
{
	p->ctx = SSL_CTX_new(TLS_client_method());
	if (!p->ctx)
		return -1;
	/* Security level 0 and every cipher: the probe must see what old
	 * servers offer, not refuse it. */
	SSL_CTX_set_security_level(p->ctx, 0);
	int lo = TLS1_VERSION, hi = TLS1_3_VERSION;
	const char *ciphers = "ALL:@SECLEVEL=0";
	if (p->attempt >= A_V0 && p->attempt < A_DHE)
		lo = hi = version_codes[p->attempt - A_V0];
	else if (p->attempt == A_DHE) {
		hi = TLS1_2_VERSION;
		ciphers = "kDHE:@SECLEVEL=0";
	}
	SSL_CTX_set_min_proto_version(p->ctx, lo);
	SSL_CTX_set_max_proto_version(p->ctx, hi);
	if (SSL_CTX_set_cipher_list(p->ctx, ciphers) != 1)
		return -1;
	p->ssl = SSL_new(p->ctx);
	p->rbio = BIO_new(BIO_s_mem());
	p->wbio = BIO_new(BIO_s_mem());
	if (!p->ssl || !p->rbio || !p->wbio) {
		BIO_free(p->rbio);
		BIO_free(p->wbio);
		p->rbio = p->wbio = NULL;
		return -1;
	}
	SSL_set_bio(p->ssl, p->rbio, p->wbio);
	SSL_set_max_cert_list(p->ssl, CERT_LIST_MAX);
	SSL_set_tlsext_host_name(p->ssl, p->res.host);
	SSL_set_verify(p->ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_connect_state(p->ssl);
	tls_drive(p);
	return 0;
}

static void on_reply(struct starttls_probe *p, size_t leftover)
{
	const struct smtp_reply *r = &p->rd.reply;
	char text[200], cmd[300];
	switch (p->state) {
	case S_BANNER:
		if (r->code != 220) {
			set_err(p, "the server refused the session: %s",
				smtp_reply_str(r, text, sizeof(text)));
			send_cmd(p, "QUIT");
			session_end(p);
			return;
		}
		if (p->attempt == A_MAIN)
			p->res.connected = true;
		p->state = S_EHLO;
		snprintf(cmd, sizeof(cmd), "EHLO %s", p->o.helo);
		send_cmd(p, cmd);
		return;
	case S_EHLO:
		if (r->code != 250 || !smtp_ehlo_has(r, "STARTTLS")) {
			set_err(p, r->code != 250 ? "EHLO refused: %s" :
				"STARTTLS is not offered (%s)",
				smtp_reply_str(r, text, sizeof(text)));
			send_cmd(p, "QUIT");
			session_end(p);
			return;
		}
		if (p->attempt == A_MAIN)
			p->res.offered = true;
		p->state = S_STARTTLS;
		send_cmd(p, "STARTTLS");
		return;
	case S_STARTTLS:
		if (r->code != 220 || leftover) {
			set_err(p, leftover ? "plaintext after the 220 to "
				"STARTTLS" : "STARTTLS refused: %s",
				smtp_reply_str(r, text, sizeof(text)));
			session_end(p);
			return;
		}
		p->state = S_TLS;
		if (tls_start(p) < 0) {
			char why[200];
			ssl_errors(why, sizeof(why));
			set_err(p, "could not set up TLS: %s", why);
			session_end(p);
		}
		return;
	default:
		return;
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct starttls_probe *p = h->data;
	(void)hint;
	*b = uv_buf_init(p->buf, sizeof(p->buf));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct starttls_probe *p = st->data;
	if (n == 0 || p->closing)
		return;
	if (n < 0) {
		set_err(p, "the server closed the connection: %s",
			uv_strerror((int)n));
		session_end(p);
		return;
	}
	p->nread += (size_t)n;
	if (p->nread > READ_MAX) {
		set_err(p, "the server sent more than %d bytes", READ_MAX);
		session_end(p);
		return;
	}
	if (p->state == S_TLS) {
		BIO_write(p->rbio, b->base, (int)n);
		tls_drive(p);
		return;
	}
	size_t off = 0;
	while (off < (size_t)n && !p->closing && p->state != S_TLS) {
		size_t used = 0;
		enum smtp_feed f = smtp_reader_feed(&p->rd, b->base + off,
			(size_t)n - off, &used);
		off += used;
		if (f == SMTP_BAD) {
			set_err(p, "SMTP protocol error: %s", p->rd.err);
			session_end(p);
			return;
		}
		if (f == SMTP_MORE)
			break;
		on_reply(p, (size_t)n - off);
		smtp_reader_init(&p->rd);
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	struct starttls_probe *p = req->data;
	if (p->closing)
		return;
	if (status < 0) {
		set_err(p, "connect: %s", uv_strerror(status));
		session_end(p);
		return;
	}
	p->connected = true;
	p->state = S_BANNER;
	if (uv_read_start((uv_stream_t *)&p->tcp, on_alloc, on_read) < 0) {
		set_err(p, "read failed");
		session_end(p);
	}
}

static const char *state_what(enum sstate s)
{
	switch (s) {
	case S_CONNECT: return "connecting";
	case S_BANNER: return "waiting for the banner";
	case S_EHLO: return "waiting for the reply to EHLO";
	case S_STARTTLS: return "waiting for the reply to STARTTLS";
	case S_TLS: return "in the TLS handshake";
	default: return "closing";
	}
}

static void on_timer(uv_timer_t *t)
{
	struct starttls_probe *p = t->data;
	set_err(p, "timed out after %u s %s", p->o.timeout,
		state_what(p->state));
	session_end(p);
}

/* Start the session of p->attempt; 0, or -1 when it cannot start. */
static int session_start(struct starttls_probe *p)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if ((strchr(p->res.addr, ':') ? uv_ip6_addr(p->res.addr,
	    (int)p->o.port, (struct sockaddr_in6 *)&ss) :
	    uv_ip4_addr(p->res.addr, (int)p->o.port,
	    (struct sockaddr_in *)&ss)) < 0) {
		set_err(p, "not an address: %s", p->res.addr);
		return -1;
	}
	p->closing = p->connected = p->ok = false;
	p->err[0] = '\0';
	p->state = S_CONNECT;
	p->nread = 0;
	smtp_reader_init(&p->rd);
	uv_tcp_init(p->loop, &p->tcp);
	uv_timer_init(p->loop, &p->timer);
	p->tcp.data = p->timer.data = p->conn.data = p;
	p->open_handles = 2;
	uv_timer_start(&p->timer, on_timer, (uint64_t)p->o.timeout * 1000, 0);
	int rc = uv_tcp_connect(&p->conn, &p->tcp, (struct sockaddr *)&ss,
		on_connect);
	if (rc < 0) {
		set_err(p, "connect: %s", uv_strerror(rc));
		session_end(p);
	}
	return 0;
}

/* The attempt that just ended is recorded; start the next or finish. */
static void next_attempt(struct starttls_probe *p)
{
	if (p->attempt == A_MAIN) {
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
			p->res.accepted[v] = p->ok;
			if (!p->ok)
				snprintf(p->res.version_error[v],
					sizeof(p->res.version_error[v]), "%s",
					p->err);
		}
		p->attempt++;
	}
	if (p->attempt < A_COUNT && session_start(p) == 0)
		return;
	p->ended = true;
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
	if (p->ssl)
		SSL_free(p->ssl);
	if (p->ctx)
		SSL_CTX_free(p->ctx);
	free(p);
}

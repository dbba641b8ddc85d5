/* smtp_session.c: one SMTP session with STARTTLS on the libuv loop
 * (smtp_session.h): banner, EHLO, STARTTLS and a TLS handshake through
 * OpenSSL memory BIOs, driven by libuv callbacks; the user's callbacks
 * make the SSL, judge the handshake and word the failures. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include "dnssec/smtp_session.h"

struct smtp_session {
	struct smtp_session_params p;
	struct smtp_session_facts facts;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t conn;
	uv_shutdown_t shut;
	int open_handles;
	bool closing, finished;
	enum smtp_session_state state;
	struct smtp_reader rd;
	SSL *ssl;
	BIO *rbio, *wbio;	/* network -> SSL, SSL -> network */
	size_t nread;
	size_t tls_read;	/* bytes received since STARTTLS */
	char buf[16384];
};

struct wreq {
	uv_write_t req;
	struct smtp_session *s;
	char data[];
};

const char *smtp_session_state_str(enum smtp_session_state st)
{
	switch (st) {
	case SMTP_SESSION_CONNECTING: return "connecting";
	case SMTP_SESSION_BANNER: return "waiting for the banner";
	case SMTP_SESSION_EHLO: return "waiting for the reply to EHLO";
	case SMTP_SESSION_STARTTLS: return "waiting for the reply to STARTTLS";
	case SMTP_SESSION_TLS: return "in the TLS handshake";
	default: return "closing";
	}
}

char *smtp_session_x509_name(X509_NAME *n)
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

char *smtp_session_ssl_errors(char *buf, size_t len)
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
	return buf;
}

static void slog(struct smtp_session *s, const char *prefix,
	const char *text)
{
	if (s->p.log)
		s->p.log(s->p.arg, prefix, text);
}

/* Report a failure, once, and none after the handshake completed. */
static void fail(struct smtp_session *s, enum smtp_session_why why,
	const char *text, const struct smtp_reply *reply, size_t n)
{
	if (s->finished)
		return;
	s->finished = true;
	struct smtp_session_failure f = { .why = why, .state = s->state,
		.text = text ? text : "", .reply = reply, .n = n };
	if (why == SMTP_SESSION_NO_STARTTLS && reply)
		f.blanked = smtp_ehlo_blanked(reply);
	if (why == SMTP_SESSION_HANDSHAKE && s->ssl)
		f.verify = SSL_get_verify_result(s->ssl);
	s->p.failed(s->p.arg, &f);
}

static void on_closed(uv_handle_t *h)
{
	struct smtp_session *s = h->data;
	if (--s->open_handles > 0)
		return;
	/* The user may free s here. */
	s->p.done(s->p.arg);
}

static void session_close(struct smtp_session *s)
{
	if (s->closing)
		return;
	s->closing = true;
	s->state = SMTP_SESSION_END;
	uv_close((uv_handle_t *)&s->tcp, on_closed);
	uv_close((uv_handle_t *)&s->timer, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	session_close(req->data);
}

/* End the session: flush what was written, then close. */
static void session_end(struct smtp_session *s)
{
	uv_read_stop((uv_stream_t *)&s->tcp);
	if (s->facts.connected && !s->closing &&
	    s->state != SMTP_SESSION_END) {
		s->state = SMTP_SESSION_END;
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
	struct smtp_session *s = w->s;
	free(w);
	if (status < 0 && status != UV_ECANCELED && !s->finished) {
		fail(s, SMTP_SESSION_WRITE, uv_strerror(status), NULL, 0);
		session_end(s);
	}
}

static int write_raw(struct smtp_session *s, const char *data, size_t len)
{
	if (s->closing)
		return -1;
	struct wreq *w = malloc(sizeof(*w) + len);
	if (!w)
		return -1;
	w->s = s;
	memcpy(w->data, data, len);
	uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, on_write) < 0) {
		free(w);
		return -1;
	}
	return 0;
}

/* Move what OpenSSL wrote into the memory BIO onto the socket. */
static void tls_flush(struct smtp_session *s)
{
	char out[16384];
	int n;
	while ((n = BIO_read(s->wbio, out, sizeof(out))) > 0)
		if (write_raw(s, out, (size_t)n) < 0)
			break;
}

static void send_cmd(struct smtp_session *s, const char *cmd)
{
	char line[600];
	int n = snprintf(line, sizeof(line), "%s\r\n", cmd);
	slog(s, "> ", cmd);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if (s->ssl && s->facts.handshake) {
		SSL_write(s->ssl, line, n);
		tls_flush(s);
	} else
		write_raw(s, line, (size_t)n);
}

static void tls_drive(struct smtp_session *s)
{
	if (s->facts.handshake || s->finished)
		return;
	ERR_clear_error();
	int r = SSL_do_handshake(s->ssl);
	tls_flush(s);
	if (r == 1) {
		s->facts.handshake = true;
		s->finished = true;
		s->p.tls_done(s->p.arg, s->ssl);
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
	fail(s, SMTP_SESSION_HANDSHAKE, smtp_session_ssl_errors(why,
		sizeof(why)), NULL, 0);
	session_end(s);
}

static int tls_start(struct smtp_session *s)
{
	s->ssl = s->p.tls_new(s->p.arg);
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
	SSL_set_max_cert_list(s->ssl, s->p.max_cert_list);
	/* Complete the handshake whatever the verification result, then
	 * judge it: a verdict with its reason, not a bare alert. */
	SSL_set_verify(s->ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_connect_state(s->ssl);
	tls_drive(s);
	return 0;
}

/* A reply that ends the session: say so, QUIT, end. */
static void refuse(struct smtp_session *s, enum smtp_session_why why,
	const struct smtp_reply *r)
{
	fail(s, why, NULL, r, 0);
	send_cmd(s, "QUIT");
	session_end(s);
}

/* A complete plaintext reply arrived; leftover bytes followed it. */
static void on_reply(struct smtp_session *s, size_t leftover)
{
	const struct smtp_reply *r = &s->rd.reply;
	char text[SMTP_LINE_MAX + 8];
	for (size_t i = 0; i < r->nlines; i++) {
		snprintf(text, sizeof(text), "%d%c%s", r->code,
			i + 1 < r->nlines ? '-' : ' ', r->lines[i]);
		slog(s, "< ", text);
	}
	switch (s->state) {
	case SMTP_SESSION_BANNER:
		if (r->code != 220) {
			refuse(s, SMTP_SESSION_REFUSED, r);
			return;
		}
		s->facts.greeted = true;
		s->state = SMTP_SESSION_EHLO;
		snprintf(text, sizeof(text), "EHLO %s", s->p.helo);
		send_cmd(s, text);
		return;
	case SMTP_SESSION_EHLO:
		s->facts.ehlo_answered = true;
		if (r->code != 250) {
			refuse(s, SMTP_SESSION_EHLO_REFUSED, r);
			return;
		}
		s->facts.offered = smtp_ehlo_has(r, "STARTTLS");
		if (!s->facts.offered) {
			refuse(s, SMTP_SESSION_NO_STARTTLS, r);
			return;
		}
		s->state = SMTP_SESSION_STARTTLS;
		send_cmd(s, "STARTTLS");
		return;
	case SMTP_SESSION_STARTTLS:
		if (r->code != 220) {
			refuse(s, SMTP_SESSION_STARTTLS_REFUSED, r);
			return;
		}
		if (leftover) {
			/* RFC 3207 section 5: nothing may follow the 220
			 * in plaintext (the STARTTLS command injection). */
			fail(s, SMTP_SESSION_INJECTION, NULL, r, leftover);
			session_end(s);
			return;
		}
		s->state = SMTP_SESSION_TLS;
		if (tls_start(s) < 0) {
			char why[300];
			fail(s, SMTP_SESSION_TLS_SETUP,
				smtp_session_ssl_errors(why, sizeof(why)),
				NULL, 0);
			session_end(s);
		}
		return;
	default:
		return;
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct smtp_session *s = h->data;
	(void)hint;
	*b = uv_buf_init(s->buf, sizeof(s->buf));
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	struct smtp_session *s = st->data;
	if (nread == 0 || s->finished)
		return;
	if (nread < 0) {
		fail(s, SMTP_SESSION_CLOSED, uv_strerror((int)nread), NULL, 0);
		session_end(s);
		return;
	}
	s->nread += (size_t)nread;
	if (s->nread > s->p.read_max) {
		fail(s, SMTP_SESSION_TOO_MUCH, NULL, NULL, s->p.read_max);
		session_end(s);
		return;
	}
	if (s->state == SMTP_SESSION_TLS) {
		s->tls_read += (size_t)nread;
		BIO_write(s->rbio, b->base, (int)nread);
		tls_drive(s);
		return;
	}
	size_t off = 0;
	while (off < (size_t)nread && !s->finished &&
	    s->state != SMTP_SESSION_TLS) {
		size_t used = 0;
		enum smtp_feed f = smtp_reader_feed(&s->rd, b->base + off,
			(size_t)nread - off, &used);
		off += used;
		if (f == SMTP_BAD) {
			fail(s, SMTP_SESSION_PROTOCOL, s->rd.err, NULL, 0);
			session_end(s);
			return;
		}
		if (f == SMTP_MORE)
			break;
		on_reply(s, (size_t)nread - off);
		smtp_reader_init(&s->rd);
		s->rd.keep_excess = s->state == SMTP_SESSION_EHLO;
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	struct smtp_session *s = req->data;
	if (s->finished)
		return;
	if (status < 0) {
		fail(s, SMTP_SESSION_CONNECT, uv_strerror(status), NULL, 0);
		session_close(s);
		return;
	}
	s->facts.connected = true;
	slog(s, "  ", "connected");
	s->state = SMTP_SESSION_BANNER;
	int rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
	if (rc < 0) {
		fail(s, SMTP_SESSION_CONNECT, uv_strerror(rc), NULL, 0);
		session_end(s);
	}
}

static void on_timer(uv_timer_t *t)
{
	struct smtp_session *s = t->data;
	fail(s, SMTP_SESSION_TIMEOUT, NULL, NULL, s->tls_read);
	session_close(s);
}

struct smtp_session *smtp_session_start(uv_loop_t *loop,
	const struct smtp_session_params *p, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if ((strchr(p->addr, ':') ? uv_ip6_addr(p->addr, (int)p->port,
	    (struct sockaddr_in6 *)&ss) : uv_ip4_addr(p->addr, (int)p->port,
	    (struct sockaddr_in *)&ss)) < 0) {
		snprintf(err, errlen, "not an address: %s", p->addr);
		return NULL;
	}
	struct smtp_session *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->p = *p;
	s->state = SMTP_SESSION_CONNECTING;
	smtp_reader_init(&s->rd);
	uv_tcp_init(loop, &s->tcp);
	uv_timer_init(loop, &s->timer);
	s->tcp.data = s->timer.data = s->conn.data = s;
	s->open_handles = 2;
	uv_timer_start(&s->timer, on_timer, (uint64_t)p->timeout * 1000, 0);
	int rc = uv_tcp_connect(&s->conn, &s->tcp, (struct sockaddr *)&ss,
		on_connect);
	if (rc < 0) {
		fail(s, SMTP_SESSION_CONNECT, uv_strerror(rc), NULL, 0);
		session_close(s);
	}
	return s;
}

const struct smtp_session_facts *smtp_session_facts(
	const struct smtp_session *s)
{
	return &s->facts;
}

void smtp_session_free(struct smtp_session *s)
{
	if (!s)
		return;
	if (s->ssl)
		SSL_free(s->ssl);	/* frees the BIOs too */
	free(s);
}

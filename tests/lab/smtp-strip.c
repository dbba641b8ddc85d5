/* smtp-strip.c: an in-path SMTP middlebox for the DANE lab (libuv).
 *
 *   smtp-strip -l ADDR [-p PORT] [-u ADDR:PORT] [-m MODE]
 *
 * Listens on ADDR:PORT (default 25) and, per connection:
 *   strip   forwards to the upstream server, replacing STARTTLS in what the
 *           server says with XXXXXXXA, as SMTP-inspecting firewalls do;
 *   hang    forwards until the server's reply to STARTTLS, then the
 *           client's TLS bytes and the first 100 bytes of the server's
 *           (half a ServerHello), then forwards
 *           nothing more either way and keeps the connection open (a server
 *           that hangs in the TLS handshake);
 *   silent  accepts and never says anything;
 *   garbage sends 64 KiB without a line end instead of a banner (a hostile
 *           peer), then nothing;
 * and, hostile servers that never stop (tests/lab/t-hostile.sh), each
 * writing its next chunk only when the last one left, so a client that
 * stops reading costs one chunk of memory:
 *   endless-banner  "220-" continuation lines, forever;
 *   long-line       "220 " and then 'x' bytes, never a line end;
 *   drip            "220-drip" lines, one byte every 100 ms (each read
 *                   brings something, so only a whole-session deadline
 *                   ends it).
 * Runs in the foreground until SIGTERM or SIGINT; errors on stderr. */
#include "config.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <getopt.h>
#include <signal.h>
#include <uv.h>

enum mode { MODE_STRIP, MODE_HANG, MODE_SILENT, MODE_GARBAGE, MODE_ENDLESS,
	MODE_LONGLINE, MODE_DRIP };

static const char *mode_names[] = { "strip", "hang", "silent", "garbage",
	"endless-banner", "long-line", "drip" };
#define NMODES (sizeof(mode_names) / sizeof(mode_names[0]))

/* The modes that talk to the client on their own, with no upstream. */
static bool alone(enum mode m)
{
	return m != MODE_STRIP && m != MODE_HANG;
}

static enum mode mode = MODE_STRIP;
static struct sockaddr_storage upstream;
static uv_loop_t *loop;

#define LINE_MAX_BYTES 4096
#define HANG_TLS_BYTES 100	/* server TLS bytes let through in hang mode */
#define CHUNK 16384		/* endless-banner, long-line: bytes a write */
#define DRIP_MS 100

/* One proxied connection: the client side and the upstream side. */
struct conn {
	uv_tcp_t client, server;
	uv_connect_t connect;
	uv_timer_t drip;	/* drip mode only */
	uv_write_t chunk;	/* endless-banner, long-line: the write */
	size_t sent;		/* endless-banner, drip: bytes so far */
	char out[CHUNK];
	int open;
	bool closing;
	bool client_starttls;	/* the client sent STARTTLS */
	bool tls;		/* hang: the STARTTLS reply went through */
	size_t tls_sent;	/* hang: server TLS bytes forwarded */
	bool frozen;		/* hang: forward nothing any more */
	char line[LINE_MAX_BYTES];	/* server bytes of an unfinished line */
	size_t linelen;
	char cline[LINE_MAX_BYTES];	/* client bytes of an unfinished line */
	size_t clinelen;
	char buf[16384];
};

struct wreq {
	uv_write_t req;
	char data[];
};

static void send_to(uv_tcp_t *t, const char *data, size_t len);

static void on_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	if (--c->open == 0)
		free(c);
}

static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->client, on_closed);
	uv_close((uv_handle_t *)&c->server, on_closed);
	if (mode == MODE_DRIP)
		uv_close((uv_handle_t *)&c->drip, on_closed);
}

/* endless-banner, long-line: the next chunk, once the last one left. */
static void on_chunk(uv_write_t *req, int status);

static void send_chunk(struct conn *c)
{
	size_t n = 0;
	if (c->closing)
		return;
	if (mode == MODE_LONGLINE) {
		memset(c->out, 'x', sizeof(c->out));
		if (c->sent == 0)
			memcpy(c->out, "220 ", 4);
		n = sizeof(c->out);
	} else {
		while (n + 64 < sizeof(c->out)) {
			int k = snprintf(c->out + n, sizeof(c->out) - n,
				"220-endless banner, line %zu\r\n", c->sent++);
			if (k < 0)
				break;
			n += (size_t)k;
		}
	}
	c->sent += mode == MODE_LONGLINE ? n : 0;
	uv_buf_t b = uv_buf_init(c->out, (unsigned)n);
	c->chunk.data = c;
	if (uv_write(&c->chunk, (uv_stream_t *)&c->client, &b, 1, on_chunk) < 0)
		conn_close(c);
}

static void on_chunk(uv_write_t *req, int status)
{
	struct conn *c = req->data;
	if (status < 0) {
		conn_close(c);
		return;
	}
	send_chunk(c);
}

/* drip: one more byte of "220-drip\r\n" lines. */
static void on_drip(uv_timer_t *t)
{
	static const char line[] = "220-drip\r\n";
	struct conn *c = t->data;
	send_to(&c->client, line + c->sent++ % (sizeof(line) - 1), 1);
}

static void on_write(uv_write_t *req, int status)
{
	(void)status;
	free(req);
}

static void send_to(uv_tcp_t *t, const char *data, size_t len)
{
	struct wreq *w;
	if (!len || uv_is_closing((uv_handle_t *)t))
		return;
	w = malloc(sizeof(*w) + len);
	if (!w)
		return;
	memcpy(w->data, data, len);
	uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)t, &b, 1, on_write) < 0)
		free(w);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct conn *c = h->data;
	(void)hint;
	*b = uv_buf_init(c->buf, sizeof(c->buf));
}

/* Blank STARTTLS (any case) in one server line, as Cisco's SMTP fixup. */
static void blank_line(char *l, size_t n)
{
	for (size_t i = 0; i + 8 <= n; i++)
		if (strncasecmp(l + i, "STARTTLS", 8) == 0)
			memcpy(l + i, "XXXXXXXA", 8);
}

static void from_server(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct conn *c = st->data;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (c->frozen)
		return;
	if (c->tls) {
		/* Stop in the middle of the server's first flight. */
		size_t k = (size_t)n < HANG_TLS_BYTES - c->tls_sent ?
			(size_t)n : HANG_TLS_BYTES - c->tls_sent;
		send_to(&c->client, b->base, k);
		c->tls_sent += k;
		c->frozen = c->tls_sent == HANG_TLS_BYTES;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (c->linelen == sizeof(c->line)) {
			send_to(&c->client, c->line, c->linelen);
			c->linelen = 0;
		}
		c->line[c->linelen++] = b->base[i];
		if (b->base[i] != '\n')
			continue;
		if (mode == MODE_STRIP)
			blank_line(c->line, c->linelen);
		send_to(&c->client, c->line, c->linelen);
		/* hang: the reply to STARTTLS went through; TLS next. */
		if (mode == MODE_HANG && c->client_starttls &&
		    c->linelen >= 4 && c->line[3] == ' ') {
			c->tls = true;
			c->linelen = 0;
			return;
		}
		c->linelen = 0;
	}
}

static void from_client(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct conn *c = st->data;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (alone(mode) || c->frozen)
		return;
	for (ssize_t i = 0; i < n && mode == MODE_HANG && !c->tls; i++) {
		if (c->clinelen < sizeof(c->cline))
			c->cline[c->clinelen++] = b->base[i];
		if (b->base[i] == '\n') {
			if (c->clinelen >= 8 &&
			    strncasecmp(c->cline, "STARTTLS", 8) == 0)
				c->client_starttls = true;
			c->clinelen = 0;
		}
	}
	send_to(&c->server, b->base, (size_t)n);
}

static void on_upstream(uv_connect_t *req, int status)
{
	struct conn *c = req->data;
	if (c->closing)
		return;
	if (status < 0) {
		fprintf(stderr, "smtp-strip: upstream: %s\n",
			uv_strerror(status));
		conn_close(c);
		return;
	}
	uv_read_start((uv_stream_t *)&c->server, on_alloc, from_server);
	uv_read_start((uv_stream_t *)&c->client, on_alloc, from_client);
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct conn *c;
	if (status < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	uv_tcp_init(loop, &c->client);
	uv_tcp_init(loop, &c->server);
	c->client.data = c->server.data = c->connect.data = c;
	c->open = 2;
	if (mode == MODE_DRIP) {
		uv_timer_init(loop, &c->drip);
		c->drip.data = c;
		c->open = 3;
	}
	if (uv_accept(srv, (uv_stream_t *)&c->client) < 0) {
		conn_close(c);
		return;
	}
	if (mode == MODE_ENDLESS || mode == MODE_LONGLINE)
		send_chunk(c);
	if (mode == MODE_DRIP)
		uv_timer_start(&c->drip, on_drip, DRIP_MS, DRIP_MS);
	if (alone(mode)) {
		if (mode == MODE_GARBAGE) {
			static char junk[65536];
			memset(junk, 'x', sizeof(junk));
			memcpy(junk, "220 ", 4);
			send_to(&c->client, junk, sizeof(junk));
		}
		uv_read_start((uv_stream_t *)&c->client, on_alloc, from_client);
		return;
	}
	if (uv_tcp_connect(&c->connect, &c->server,
	    (struct sockaddr *)&upstream, on_upstream) < 0)
		conn_close(c);
}

static void on_signal(uv_signal_t *s, int sig)
{
	(void)sig;
	uv_stop(s->loop);
}

/* "ADDR:PORT" (IPv4) into *ss.  Returns 0 or -1. */
static int parse_hostport(const char *s, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || port < 1 || port > 65535)
		return -1;
	return uv_ip4_addr(host, (int)port, (struct sockaddr_in *)ss) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: smtp-strip -l ADDR [-p PORT] [-u ADDR:PORT] "
		"[-m strip|hang|silent|garbage|endless-banner|long-line|"
		"drip]\n");
}

int main(int argc, char **argv)
{
	const char *listen_addr = NULL, *up = NULL;
	long port = 25;
	int ch;
	struct sockaddr_in sin;
	uv_tcp_t srv;
	uv_signal_t sterm, sint;

	while ((ch = getopt(argc, argv, "l:p:u:m:h")) != -1) {
		char *end;
		switch (ch) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || port < 1 || port > 65535) {
				fprintf(stderr, "smtp-strip: bad port \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'u':
			up = optarg;
			break;
		case 'm': {
			size_t i = 0;
			while (i < NMODES && strcmp(optarg, mode_names[i]))
				i++;
			if (i < NMODES)
				mode = (enum mode)i;
			else {
				fprintf(stderr, "smtp-strip: unknown mode "
					"\"%s\"\n", optarg);
				return 2;
			}
			break;
		}
		default:
			usage();
			return 2;
		}
	}
	if (!listen_addr || optind != argc ||
	    (!alone(mode) && !up)) {
		usage();
		return 2;
	}
	if (up && parse_hostport(up, &upstream) < 0) {
		fprintf(stderr, "smtp-strip: bad upstream \"%s\" (want "
			"ADDR:PORT)\n", up);
		return 2;
	}
	if (uv_ip4_addr(listen_addr, (int)port, &sin)) {
		fprintf(stderr, "smtp-strip: bad address \"%s\"\n",
			listen_addr);
		return 2;
	}
	/* A client that hangs up mid-write is an error to a write, not a
	 * signal that kills the server (endless-banner writes until then). */
	signal(SIGPIPE, SIG_IGN);
	loop = uv_default_loop();
	uv_tcp_init(loop, &srv);
	int rc = uv_tcp_bind(&srv, (struct sockaddr *)&sin, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&srv, 64, on_connection);
	if (rc < 0) {
		fprintf(stderr, "smtp-strip: %s:%ld: %s\n", listen_addr, port,
			uv_strerror(rc));
		return 1;
	}
	uv_signal_init(loop, &sterm);
	uv_signal_init(loop, &sint);
	uv_signal_start(&sterm, on_signal, SIGTERM);
	uv_signal_start(&sint, on_signal, SIGINT);
	uv_run(loop, UV_RUN_DEFAULT);
	return 0;
}

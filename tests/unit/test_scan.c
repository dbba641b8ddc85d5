/* test_scan.c: replay tests of the scan engine with the socket layer
 * swapped at link time (unbound's testbound idea): this program defines
 * uv_udp_send, uv_udp_bind, uv_udp_recv_start, uv_tcp_connect and
 * sendmmsg, so the engine's packets land in a script here instead of the network, and
 * scripted replies (honest, forged id, wrong source, duplicate, case not
 * echoed, late, every try answered late, truncated, garbled, none) are fed
 * to its receive callback.
 * No packet is sent; every run is deterministic apart from random ids. */
#define _GNU_SOURCE
#include "config.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ldns/ldns.h>
#include <uv.h>
#include "scan/scan.h"
#include "scan/plan.h"
#include "tests/tap.h"

/* --- the fake socket layer --------------------------------------------- */

#define MAXH 16
static struct {
	uv_udp_t *h;
	uv_alloc_cb alloc;
	uv_udp_recv_cb recv;
} socks[MAXH];
static int nsocks;

/* Work for the next tick: a reply to deliver or a callback to call. */
struct event {
	struct event *next;
	int kind;			/* 0 reply, 1 send cb, 2 connect cb */
	uint64_t at_ms;
	uv_udp_t *h;
	uint8_t pkt[1024];
	size_t len;
	struct sockaddr_in from;
	uv_udp_send_t *sreq;
	uv_udp_send_cb scb;
	uv_connect_t *creq;
	uv_connect_cb ccb;
};
static struct event *events;
static uv_timer_t ticker;
static uv_loop_t *loop;
/* outstanding: sends minus replies delivered (the window test's scripts
 * answer every query once). */
static unsigned long sends, tcp_connects, max_outstanding, outstanding;

static void push(struct event *e)
{
	e->next = events;
	events = e;
}

int uv_udp_bind(uv_udp_t *h, const struct sockaddr *a, unsigned flags)
{
	(void)h, (void)a, (void)flags;
	return 0;	/* no socket address needed: nothing is sent */
}

int uv_udp_recv_start(uv_udp_t *h, uv_alloc_cb alloc, uv_udp_recv_cb recv)
{
	if (nsocks == MAXH)
		return UV_ENOMEM;
	socks[nsocks].h = h;
	socks[nsocks].alloc = alloc;
	socks[nsocks].recv = recv;
	nsocks++;
	return 0;
}

static void script(uv_udp_t *h, const uint8_t *q, size_t len,
	const struct sockaddr_in *to, unsigned try);

/* Tries seen per (address, qname): the script's memory. */
static struct tried {
	uint32_t addr;
	char qname[64];
	unsigned n;
	uint64_t last_ns, min_gap_ns;	/* between two tries */
} tried[256];
static int ntried;

static unsigned count_try(uint32_t addr, const uint8_t *q, size_t len)
{
	char name[64] = "";
	size_t i = 12, k = 0;
	while (i < len && q[i] && k + q[i] + 1 < sizeof(name)) {
		for (size_t j = 1; j <= q[i]; j++)
			name[k++] = (char)(q[i + j] | 0x20);
		name[k++] = '.';
		i += 1 + q[i];
	}
	name[k] = 0;
	uint64_t now = uv_hrtime();
	for (int t = 0; t < ntried; t++)
		if (tried[t].addr == addr && !strcmp(tried[t].qname, name)) {
			uint64_t gap = now - tried[t].last_ns;
			if (!tried[t].min_gap_ns || gap < tried[t].min_gap_ns)
				tried[t].min_gap_ns = gap;
			tried[t].last_ns = now;
			return ++tried[t].n;
		}
	if (ntried < 256) {
		tried[ntried].addr = addr;
		snprintf(tried[ntried].qname, sizeof(tried[ntried].qname), "%s",
			name);
		tried[ntried].n = 1;
		tried[ntried].last_ns = now;
		tried[ntried].min_gap_ns = 0;
		ntried++;
	}
	return 1;
}

int uv_udp_send(uv_udp_send_t *req, uv_udp_t *h, const uv_buf_t bufs[],
	unsigned nbufs, const struct sockaddr *addr, uv_udp_send_cb cb)
{
	(void)nbufs;
	req->handle = h;
	sends++;
	if (++outstanding > max_outstanding)
		max_outstanding = outstanding;
	const struct sockaddr_in *to = (const void *)addr;
	unsigned try = count_try(to->sin_addr.s_addr,
		(const uint8_t *)bufs[0].base, bufs[0].len);
	script(h, (const uint8_t *)bufs[0].base, bufs[0].len, to, try);
	struct event *e = calloc(1, sizeof(*e));
	e->kind = 1;
	e->sreq = req;
	e->scb = cb;
	push(e);
	return 0;
}

/* The engine's batch send of discovery questions (sendmmsg on a socket's
 * descriptor): each message goes to the script as uv_udp_send's does,
 * with no send callback to come. */
int sendmmsg(int fd, struct mmsghdr *m, unsigned int n, int flags)
{
	(void)flags;
	uv_udp_t *h = NULL;
	for (int i = 0; i < nsocks && !h; i++) {
		uv_os_fd_t f;
		if (uv_fileno((uv_handle_t *)socks[i].h, &f) == 0 && f == fd)
			h = socks[i].h;
	}
	if (!h) {
		errno = EBADF;
		return -1;
	}
	for (unsigned int k = 0; k < n; k++) {
		const struct sockaddr_in *to = m[k].msg_hdr.msg_name;
		const uint8_t *q = m[k].msg_hdr.msg_iov[0].iov_base;
		size_t len = m[k].msg_hdr.msg_iov[0].iov_len;
		sends++;
		if (++outstanding > max_outstanding)
			max_outstanding = outstanding;
		script(h, q, len, to, count_try(to->sin_addr.s_addr, q, len));
		m[k].msg_len = (unsigned int)len;
	}
	return (int)n;
}

int uv_tcp_connect(uv_connect_t *req, uv_tcp_t *h, const struct sockaddr *a,
	uv_connect_cb cb)
{
	(void)a;
	tcp_connects++;
	req->handle = (uv_stream_t *)h;
	struct event *e = calloc(1, sizeof(*e));
	e->kind = 2;
	e->creq = req;
	e->ccb = cb;
	push(e);
	return 0;
}

static void deliver(struct event *e)
{
	for (int i = 0; i < nsocks; i++)
		if (socks[i].h == e->h) {
			uv_buf_t b;
			socks[i].alloc((uv_handle_t *)e->h, 65536, &b);
			memcpy(b.base, e->pkt, e->len);
			if (outstanding)
				outstanding--;
			socks[i].recv(e->h, (ssize_t)e->len, &b,
				(const struct sockaddr *)&e->from, 0);
			return;
		}
}

static void on_tick(uv_timer_t *t)
{
	(void)t;
	uint64_t now = uv_now(loop);
	struct event *due = NULL, **p = &events;
	while (*p) {
		if ((*p)->at_ms <= now) {
			struct event *e = *p;
			*p = e->next;
			e->next = due;
			due = e;
		} else {
			p = &(*p)->next;
		}
	}
	/* events is newest first, so due is oldest first. */
	while (due) {
		struct event *e = due;
		due = e->next;
		if (e->kind == 0)
			deliver(e);
		else if (e->kind == 1)
			e->scb(e->sreq, 0);
		else
			e->ccb(e->creq, UV_ECONNREFUSED);
		free(e);
	}
}

/* --- the script: what each target does ---------------------------------- */

enum who { HONEST = 1, FORGED, WRONGSRC, DUP, LOWER, LATE, TC, GARBLED,
	SILENT, SLOW, STRAY, FWD2, FWDID, LATEALL, LATEMX, FWDLATE, LATER1 };

/* The query's type (0 when it cannot be read). */
static unsigned qtype_of(const uint8_t *q, size_t len)
{
	size_t i = 12;
	while (i < len && q[i])
		i += 1 + q[i];
	return i + 2 < len ? (unsigned)(q[i + 1] << 8 | q[i + 2]) : 0;
}

/* An honest reply to query q: QR, RA, one A record 192.0.2.<last octet>. */
static size_t honest(const uint8_t *q, size_t len, uint8_t *out, size_t cap,
	uint8_t octet, bool tc)
{
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, q, len) != LDNS_STATUS_OK)
		return 0;
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_tc(p, tc);
	ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	char *owner = ldns_rdf2str(ldns_rr_owner(qr)), rr[300];
	snprintf(rr, sizeof(rr), "%s 300 IN A 192.0.2.%u", owner, octet);
	free(owner);
	ldns_rr *a = NULL;
	if (!tc && ldns_rr_new_frm_str(&a, rr, 0, NULL, NULL) == LDNS_STATUS_OK)
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, a);
	uint8_t *w = NULL;
	size_t n = 0;
	ldns_pkt2wire(&w, p, &n);
	ldns_pkt_free(p);
	if (n > cap)
		n = 0;
	memcpy(out, w, n);
	free(w);
	return n;
}

static void reply(uv_udp_t *h, const uint8_t *pkt, size_t len,
	const struct sockaddr_in *from, uint64_t delay)
{
	struct event *e = calloc(1, sizeof(*e));
	e->kind = 0;
	e->at_ms = uv_now(loop) + delay;
	e->h = h;
	memcpy(e->pkt, pkt, len);
	e->len = len;
	e->from = *from;
	push(e);
}

/* Replies held back until an event of the script sends them: one per
 * (target, question type). */
static struct held {
	bool used;
	uint8_t octet;
	unsigned qtype;
	uv_udp_t *h;
	uint8_t pkt[1024];
	size_t len;
	struct sockaddr_in from;
} held[8];

static void hold(uv_udp_t *h, const uint8_t *pkt, size_t len,
	const struct sockaddr_in *from, uint8_t octet, unsigned qtype)
{
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		if (!held[i].used) {
			held[i] = (struct held){ true, octet, qtype, h, { 0 },
				len, *from };
			memcpy(held[i].pkt, pkt, len);
			return;
		}
}

/* Send what is held for (octet, qtype), 1 ms from now. */
static void release(uint8_t octet, unsigned qtype)
{
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		if (held[i].used && held[i].octet == octet &&
		    held[i].qtype == qtype) {
			reply(held[i].h, held[i].pkt, held[i].len,
				&held[i].from, 1);
			held[i].used = false;
		}
}

static void script(uv_udp_t *h, const uint8_t *q, size_t len,
	const struct sockaddr_in *to, unsigned try)
{
	uint8_t r[1024];
	uint8_t octet = (uint8_t)(ntohl(to->sin_addr.s_addr) & 0xff);
	size_t n = honest(q, len, r, sizeof(r), octet, octet == TC);
	struct sockaddr_in from = *to;
	/* A sweep's address space: odd octets from 64 answer, even ones do
	 * not. */
	if (octet >= 64) {
		if (octet & 1)
			reply(h, r, n, &from, 1);
		return;
	}
	switch ((enum who)octet) {
	case HONEST:
		reply(h, r, n, &from, 1);
		break;
	case FORGED: {
		uint8_t f[1024];
		memcpy(f, r, n);
		f[1] ^= 0x5a;		/* another id, first */
		reply(h, f, n, &from, 1);
		reply(h, r, n, &from, 2);
		break;
	}
	case WRONGSRC:
		from.sin_addr.s_addr = htonl(0x7f0000fe);
		reply(h, r, n, &from, 1);
		break;
	case DUP:
		reply(h, r, n, &from, 1);
		reply(h, r, n, &from, 2);
		break;
	case LOWER:
		for (size_t i = 12; i < n && r[i]; i += 1 + r[i])
			for (size_t j = 1; j <= r[i]; j++)
				if (r[i + j] >= 'A' && r[i + j] <= 'Z')
					r[i + j] |= 0x20;
		reply(h, r, n, &from, 1);
		break;
	case LATE:
		/* The first try's reply comes after its timeout (100 ms), while
		 * the retry waits in the queue behind the rate limit. */
		if (try == 1)
			reply(h, r, n, &from, 150);
		break;
	case TC:
		reply(h, r, n, &from, 1);
		break;
	case GARBLED: {
		uint8_t g[7] = { r[0], r[1], 0x81, 0x80, 0, 1, 0 };
		reply(h, g, sizeof(g), &from, 1);
		break;
	}
	case SILENT:
		break;
	case FWDID:
		/* From another address, the right question, another id. */
		from.sin_addr.s_addr = htonl(0x7f0000fc);
		r[1] ^= 0x5a;
		reply(h, r, n, &from, 1);
		break;
	case FWD2:
		/* Valid replies from two other addresses: a flood of
		 * forgeries by someone who saw the query, not a forwarder. */
		from.sin_addr.s_addr = htonl(0x7f0000fa);
		reply(h, r, n, &from, 1);
		from.sin_addr.s_addr = htonl(0x7f0000fb);
		reply(h, r, n, &from, 2);
		break;
	case SLOW:
		reply(h, r, n, &from, 20);
		break;
	case LATEALL:
		/* Every try answered late, each reply held back until the
		 * question's next try is sent: the first try's answers the
		 * query after its retry went out, the retry's comes during
		 * the confirmation round; round 1's retry gets none. */
		release(octet, qtype_of(q, len));
		if (try != 4)
			hold(h, r, n, &from, octet, qtype_of(q, len));
		break;
	case LATER1:
		/* Round 0: the A question's first try answered once its retry
		 * is sent, the retry's reply held back; MX answered at once.
		 * Round 1: A answered at once; MX on its retry only, after the
		 * reply to round 0's A retry comes (round 1's A query is done,
		 * the resolver still in flight). */
		if (qtype_of(q, len) != LDNS_RR_TYPE_MX) {
			release(octet, LDNS_RR_TYPE_A);
			if (try == 3)
				reply(h, r, n, &from, 1);
			else
				hold(h, r, n, &from, octet, LDNS_RR_TYPE_A);
		} else if (try == 1) {
			reply(h, r, n, &from, 1);
		} else if (try == 3) {
			release(octet, LDNS_RR_TYPE_A);
			reply(h, r, n, &from, 1);
		}
		break;
	case FWDLATE:
		/* A forwarder's upstream answering each try, the first once the
		 * retry went out, then the retry: both held replies are the
		 * same answer. */
		from.sin_addr.s_addr = htonl(0x7f0000fe);
		if (try == 1) {
			hold(h, r, n, &from, octet, qtype_of(q, len));
		} else {
			release(octet, qtype_of(q, len));
			reply(h, r, n, &from, 1);
		}
		break;
	case LATEMX:
		/* The A question's first try answered once its retry is sent,
		 * the retry's reply held back; MX answered only on its third
		 * try, just after that held reply: the resolver is still in
		 * flight when the reply to the A retry comes. */
		if (qtype_of(q, len) != LDNS_RR_TYPE_MX) {
			release(octet, LDNS_RR_TYPE_A);
			hold(h, r, n, &from, octet, LDNS_RR_TYPE_A);
		} else if (try == 3) {
			release(octet, LDNS_RR_TYPE_A);
			reply(h, r, n, &from, 1);
		}
		break;
	case STRAY:
		/* From an address not scanned, with this query's id but
		 * another question: another resolver's reply whose random id
		 * happens to name this query. */
		from.sin_addr.s_addr = htonl(0x7f0000fd);
		r[13] ^= 0x01;
		reply(h, r, n, &from, 1);
		break;
	}
}

/* --- the harness ----------------------------------------------------------- */

static struct prefix *targets;
static size_t ntargets, next_i;
static bool written[256];	/* by last octet: skipped, as --resume does */
static struct observation *got[64];
static size_t ngot;
static bool done;

static int next_target(void *ctx, struct prefix *out)
{
	(void)ctx;
	do {
		if (next_i == ntargets)
			return 0;
		*out = targets[next_i++];
	} while (written[out->addr[3]]);
	return 1;
}

static void rewind_targets(void *ctx)
{
	(void)ctx;
	next_i = 0;
}

static uv_timer_t stopper;
static bool stop_on_result;

static void on_stop(uv_timer_t *t);

static int result(void *ctx, struct observation *o)
{
	(void)ctx;
	/* The stop comes from the loop, not from inside the callback. */
	if (stop_on_result && ngot == 0)
		uv_timer_start(&stopper, on_stop, 0, 0);
	if (ngot < 64)
		got[ngot++] = o;
	else
		observation_free(o);
	return 0;
}

static void on_done(void *ctx)
{
	(void)ctx;
	done = true;
	uv_close((uv_handle_t *)&ticker, NULL);
}

static struct observation *of(uint8_t octet)
{
	for (size_t i = 0; i < ngot; i++)
		if (got[i]->resolver.addr[3] == octet)
			return got[i];
	return NULL;
}

static void reset(void)
{
	for (size_t i = 0; i < ngot; i++)
		observation_free(got[i]);
	ngot = next_i = 0;
	nsocks = ntried = 0;
	memset(held, 0, sizeof(held));
	sends = tcp_connects = max_outstanding = outstanding = 0;
	done = false;
}

static struct scan *running;
static uint64_t stop_after;

static void on_stop(uv_timer_t *t)
{
	scan_stop(running);
	uv_close((uv_handle_t *)t, NULL);
}

/* Scan 127.9.0.<octets> with opts; returns the stats. */
static struct scan_stats run(struct scan_opts so, const uint8_t *octets,
	size_t n)
{
	static struct prefix t[64];
	char err[200];
	for (size_t i = 0; i < n; i++) {
		char a[32];
		snprintf(a, sizeof(a), "127.9.0.%u", octets[i]);
		prefix_parse(a, &t[i], err, sizeof(err));
	}
	targets = t;
	ntargets = n;
	so.next_target = next_target;
	so.result = result;
	so.done = on_done;
	so.quiet = true;
	uv_timer_init(loop, &ticker);
	uv_timer_start(&ticker, on_tick, 1, 1);
	struct scan *s = scan_new(loop, &so, err, sizeof(err));
	struct scan_stats st = { 0 };
	if (!s || scan_start(s, err, sizeof(err)) < 0) {
		ok(0, "scan started: %s", err);
		return st;
	}
	running = s;
	if (stop_on_result)
		uv_timer_init(loop, &stopper);
	if (stop_after) {
		uv_timer_init(loop, &stopper);
		uv_timer_start(&stopper, on_stop, stop_after, 0);
	}
	uv_run(loop, UV_RUN_DEFAULT);
	st = *scan_stats(s);
	stop_after = 0;
	stop_on_result = false;
	scan_free(s);
	return st;
}

/* Checkpoints as the engine gives them, each with its own pending list. */
static struct {
	struct scan_checkpoint c;
	struct prefix pending[64];
} cps[256];
static size_t ncps;

static uint64_t position(void *ctx)
{
	(void)ctx;
	return next_i;
}

static int checkpoint(void *ctx, const struct scan_checkpoint *c)
{
	(void)ctx;
	if (ncps < 256 && c->npending <= 64) {
		cps[ncps].c = *c;
		if (c->npending)
			memcpy(cps[ncps].pending, c->pending,
				c->npending * sizeof(*c->pending));
		cps[ncps].c.pending = cps[ncps].pending;
		ncps++;
	}
	return 0;
}

/* Discovery questions (the name "disc.example.") the script saw for
 * 127.9.0.octet. */
static unsigned disc_tries(uint8_t octet)
{
	for (int t = 0; t < ntried; t++)
		if (tried[t].addr == htonl(0x7f090000u | octet) &&
		    !strcmp(tried[t].qname, "disc.example."))
			return tried[t].n;
	return 0;
}

static bool in_pending(const struct scan_checkpoint *c, uint8_t octet)
{
	for (size_t i = 0; i < c->npending; i++)
		if (c->pending[i].addr[3] == octet)
			return true;
	return false;
}

static bool test_confirm(void *ctx, const struct observation *o)
{
	(void)ctx;
	return o->resolver.addr[3] == DUP || o->resolver.addr[3] == LATEALL ||
		o->resolver.addr[3] == LATER1;
}

int main(void)
{
	loop = uv_default_loop();
	struct plan plan;
	char err[200];
	/* Long names: a 0x20 draw leaving every letter lowercase (which the
	 * LOWER script would then echo correctly) is a 2^-22 chance. */
	plan_parse(&plan, "mailbox-verification.gmail.com/MX,"
		"mail-exchanger.example.com/A", err, sizeof(err));
	struct scan_opts so = {
		.plan = &plan, .max_inflight = 100, .timeout_ms = 100,
		.retries = 1, .sockets = 2, .x20 = true,
	};

	const uint8_t all[] = { HONEST, FORGED, WRONGSRC, DUP, LOWER, TC,
		GARBLED, SILENT, STRAY, FWD2 };
	struct scan_stats st = run(so, all, sizeof(all));
	ok(done && ngot == sizeof(all), "every target handed out (%zu)", ngot);
	struct observation *o;
	o = of(HONEST);
	ok(o && o->n == 2 && o->results[0].status == REPLY_OK &&
		o->results[1].status == REPLY_OK && o->unsolicited == 0,
		"honest: both answered, nothing unsolicited");
	ok(o && o->n == 2 && o->results[0].tries == 1 &&
		o->results[0].rtt_ms > 0 && !o->results[0].tcp,
		"honest: one try, an RTT, UDP");
	/* Results come in the order queries end; find the MX one. */
	size_t mx = o && o->n == 2 && o->results[1].qtype == LDNS_RR_TYPE_MX;
	ok(o && o->n == 2 && strcasecmp(o->results[mx].qname,
		"mailbox-verification.gmail.com.") == 0 &&
		strcmp(o->results[mx].qname, "mailbox-verification.gmail.com.")
		&& o->results[mx].round == 0, "qname as asked, 0x20 case: %s",
		o ? o->results[mx].qname : "?");
	o = of(FORGED);
	ok(o && o->results[0].status == REPLY_OK &&
		o->results[1].status == REPLY_OK && o->unsolicited == 2,
		"forged id: ignored (%u unsolicited), the real reply accepted",
		o ? o->unsolicited : 0);
	o = of(WRONGSRC);
	char by[64] = "";
	if (o)
		prefix_str(&o->answered_by, by, sizeof(by));
	ok(o && o->results[0].status == REPLY_OK &&
		o->results[1].status == REPLY_OK && o->results[0].tries == 1 &&
		o->unsolicited == 0 && o->forwarded == 2 &&
		!strcmp(by, "127.0.0.254"),
		"wrong source, id and question right: a transparent forwarder, "
		"both answered from %s (%u unsolicited)", by,
		o ? o->unsolicited : 0);
	o = of(FWD2);
	ok(o && o->results[0].status == REPLY_TIMEOUT &&
		o->results[0].tries == 2 && o->forwarded == 0 &&
		o->unsolicited == 8,
		"valid replies from two other addresses: none taken, 2 tries, "
		"8 unsolicited (%u)", o ? o->unsolicited : 0);
	o = of(STRAY);
	ok(o && o->results[0].status == REPLY_TIMEOUT &&
		o->results[0].tries == 2 && o->unsolicited == 0,
		"a stray reply naming its query's id with another question, from "
		"an address not scanned: not charged to it (%u)",
		o ? o->unsolicited : 0);
	o = of(DUP);
	ok(o && o->results[0].status == REPLY_OK && o->results[1].status ==
		REPLY_OK, "duplicate: the first copy accepted");
	o = of(LOWER);
	ok(o && o->results[0].status == REPLY_TIMEOUT && o->unsolicited == 4,
		"0x20 case not echoed: rejected under --0x20 (%u unsolicited)",
		o ? o->unsolicited : 0);
	o = of(TC);
	ok(o && o->results[0].status == REPLY_OK && !o->results[0].tcp &&
		o->results[0].reply && ldns_pkt_tc(o->results[0].reply),
		"TC: TCP tried, refused, the truncated reply kept");
	ok(tcp_connects == 2 && st.truncated == 2 && st.tcp_failed == 2,
		"one TCP connection per truncated query (%lu)", tcp_connects);
	o = of(GARBLED);
	ok(o && o->results[0].status == REPLY_MALFORMED && o->unsolicited == 0,
		"garbled reply with the right id: malformed, not unsolicited");
	o = of(SILENT);
	ok(o && o->results[0].status == REPLY_TIMEOUT &&
		o->results[0].tries == 2 && o->results[1].status == REPLY_TIMEOUT,
		"silent: timeout after 2 tries");
	ok(st.sent == sends && st.timeouts == 2 + 2 + 2 + 2,
		"counters: sent %llu, timeouts %llu (two forwarders, lower, "
		"silent, stray)", (unsigned long long)st.sent,
		(unsigned long long)st.timeouts);
	ok(st.unsolicited == 2 + 8 + 2 + 4 + 4 && st.forwarded == 2,
		"unsolicited: forged 2, two forwarders 8, duplicates 2, case 4, "
		"stray 4: %llu; forwarded 2", (unsigned long long)st.unsolicited);
	ok(st.malformed == 4, "malformed: 2 queries x 2 tries (%llu)",
		(unsigned long long)st.malformed);
	reset();

	/* Without 0x20 the case need not be echoed. */
	so.x20 = false;
	const uint8_t lower[] = { LOWER };
	run(so, lower, 1);
	o = of(LOWER);
	ok(o && o->results[0].status == REPLY_OK && o->unsolicited == 0,
		"case not echoed: accepted without --0x20");
	reset();

	/* A late reply to the first try, arriving while the retry waits for a
	 * token, answers the query. */
	so.rate = 5;
	const uint8_t late[] = { LATE };
	st = run(so, late, 1);
	o = of(LATE);
	ok(o && o->results[0].status == REPLY_OK && o->unsolicited == 0,
		"late reply to an earlier try accepted");
	so.rate = 0;
	reset();

	/* The window: 40 slow targets x 2 questions, at most 10 in flight. */
	uint8_t slow[40];
	memset(slow, SLOW, sizeof(slow));
	so.max_inflight = 10;
	so.timeout_ms = 1000;
	st = run(so, slow, sizeof(slow));
	ok(ngot == 40 && st.sent == 80 && st.accepted == 80,
		"window 10: all 80 queries answered (%llu)",
		(unsigned long long)st.accepted);
	ok(max_outstanding <= 10 && max_outstanding >= 8,
		"never more than 10 in flight (peak %lu)", max_outstanding);
	reset();

	/* A confirmation round for whoever the callback picks. */
	so.max_inflight = 100;
	so.timeout_ms = 100;
	so.confirm_delay_ms = 10;
	so.confirm = NULL;
	struct scan_opts sc = so;
	sc.confirm = test_confirm;
	const uint8_t two[] = { HONEST, DUP };
	st = run(sc, two, 2);
	o = of(DUP);
	ok(o && o->n == 4 && o->results[2].round == 1 &&
		o->results[3].round == 1 && o->results[2].status == REPLY_OK,
		"confirmation: round 1 appended to the same observation");
	o = of(HONEST);
	ok(o && o->n == 2, "not picked: one round");
	ok(st.confirmed == 1, "one confirmed");
	reset();

	/* Every try answered late: the reply to the first try answers each
	 * query once the retry went out.  Round 0's retries are answered
	 * during round 1: owed, not unsolicited.  (Replies wait for events,
	 * not times: a reply held back is sent at the question's next try,
	 * a full timeout of 200 ms before anything else is due.) */
	struct scan_opts sa = sc;
	sa.timeout_ms = 200;
	const uint8_t lateall[] = { LATEALL };
	st = run(sa, lateall, 1);
	o = of(LATEALL);
	ok(o && o->n == 4 && o->results[0].status == REPLY_OK &&
		o->results[0].tries == 2 && o->results[3].status == REPLY_OK &&
		o->results[3].tries == 2 && o->results[3].round == 1,
		"late every try: each query answered by its first try's reply "
		"after a retry, both rounds");
	ok(o && o->unsolicited == 0 && st.owed == 2 && st.unsolicited == 0,
		"late every try: the retries' replies owed, not charged (%u; "
		"owed %llu, unsolicited %llu)", o ? o->unsolicited : 0,
		(unsigned long long)st.owed,
		(unsigned long long)st.unsolicited);
	reset();

	/* The same within a round: A answered after its retry went out, MX
	 * only on its third try, after the reply to the A retry. */
	struct scan_opts se = so;
	se.timeout_ms = 200;
	se.retries = 2;
	const uint8_t latemx[] = { LATEMX };
	st = run(se, latemx, 1);
	o = of(LATEMX);
	size_t ia = o && o->n == 2 && o->results[1].qtype == LDNS_RR_TYPE_A;
	ok(o && o->n == 2 && o->results[ia].status == REPLY_OK &&
		o->results[ia].tries == 2 && o->results[!ia].status ==
		REPLY_OK && o->results[!ia].tries == 3,
		"late every try: A answered after 2 tries, MX after 3");
	ok(o && o->unsolicited == 0 && st.owed == 1 && st.unsolicited == 0,
		"late every try: the A retry's reply, while MX is asked, owed "
		"(%u; owed %llu, unsolicited %llu)", o ? o->unsolicited : 0,
		(unsigned long long)st.owed,
		(unsigned long long)st.unsolicited);
	reset();

	/* The reply to round 0's retry after round 1 answered that question
	 * at once (and while its other question is still asked). */
	struct scan_opts sr = sc;
	sr.timeout_ms = 200;
	const uint8_t later1[] = { LATER1 };
	st = run(sr, later1, 1);
	o = of(LATER1);
	ok(o && o->n == 4 && o->results[0].round == 0 && o->results[3].round ==
		1 && o->results[3].status == REPLY_OK && o->results[3].tries == 2,
		"round 0's retry answered late: round 1 complete");
	ok(o && o->unsolicited == 0 && st.owed == 1 && st.unsolicited == 0,
		"round 0's retry answered after round 1 took that question: owed "
		"(%u; owed %llu, unsolicited %llu)", o ? o->unsolicited : 0,
		(unsigned long long)st.owed,
		(unsigned long long)st.unsolicited);
	reset();

	/* A forwarder whose upstream answers a try and its retry. */
	se.retries = 1;
	const uint8_t fwdlate[] = { FWDLATE };
	st = run(se, fwdlate, 1);
	o = of(FWDLATE);
	ok(o && o->n == 2 && o->results[0].status == REPLY_OK &&
		o->results[0].tries == 2 && o->results[1].status == REPLY_OK &&
		o->forwarded == 2 && o->unsolicited == 0 && st.owed == 2 &&
		st.unsolicited == 0, "a forwarder answering both tries: "
		"forwarded, the second reply owed (%u unsolicited; owed %llu)",
		o ? o->unsolicited : 0, (unsigned long long)st.owed);
	reset();

	/* Discovery: one question per target, 2 passes; only those whose
	 * question validates (from the target, or from another address with
	 * the right id and question: a forwarder) get the plan. */
	struct scan_opts sd = so;
	sd.discovery = true;
	sd.rewind = rewind_targets;
	sd.confirm = NULL;
	const uint8_t disc[] = { HONEST, SILENT, FORGED, WRONGSRC, STRAY, FWD2,
		FWDID };
	st = run(sd, disc, sizeof(disc));
	ok(done && ngot == 4 && of(HONEST) && of(FORGED) && of(WRONGSRC) &&
		of(FWD2) && !of(SILENT) && !of(STRAY) && !of(FWDID),
		"discovery: the 4 that answered handed out, the silent, the "
		"wrong question and the wrong id from elsewhere not (%zu)", ngot);
	ok(st.probed == 7 && st.answered == 4 && st.silent == 3,
		"discovery: probed %llu, answered %llu, silent %llu",
		(unsigned long long)st.probed, (unsigned long long)st.answered,
		(unsigned long long)st.silent);
	ok(st.disc_sent == 7 + 3 && st.sent == sends,
		"discovery: 2 questions to each silent target, 1 to the others "
		"(%llu)", (unsigned long long)st.disc_sent);
	o = of(HONEST);
	ok(o && o->n == 2 && o->results[0].status == REPLY_OK &&
		o->results[1].status == REPLY_OK, "discovery: the plan asked of "
		"a resolver found");
	o = of(WRONGSRC);
	ok(o && o->forwarded == 2 && o->results[0].status == REPLY_OK,
		"discovery: a forwarder found by its upstream's reply, answered "
		"through it");
	reset();

	/* A later pass goes faster than the first (it skips those that
	 * answered, whose plan took tokens in the first): it still asks no
	 * target again before a timeout after its first question. */
	{
		/* Two silent, 28 that answer, one silent: the second pass
		 * reaches the last a few questions after it starts. */
		uint8_t sp[31] = { 64, 66 };
		for (int i = 0; i < 28; i++)
			sp[2 + i] = (uint8_t)(65 + 2 * i);
		sp[30] = 120;
		struct scan_opts sp1 = so;
		sp1.discovery = true;
		sp1.discovery_name = "disc.example";
		sp1.rewind = rewind_targets;
		sp1.confirm = NULL;
		sp1.rate = 200;
		st = run(sp1, sp, sizeof(sp));
		uint64_t gap = 0;
		unsigned twice = 0;
		for (int t = 0; t < ntried; t++)
			if (!strcmp(tried[t].qname, "disc.example.") &&
			    tried[t].n == 2) {
				twice++;
				if (!gap || tried[t].min_gap_ns < gap)
					gap = tried[t].min_gap_ns;
			}
		ok(twice == 3 && gap >= 95000000ull, "retry pass: each silent "
			"target's second question at least a timeout (100 ms) "
			"after its first (%u asked twice, the shortest gap "
			"%.1f ms)", twice, (double)gap / 1e6);
		reset();
	}

	/* A sweep stopped partway, then resumed from its final checkpoint:
	 * 64 targets, the odd ones answer.  The stop waits for discovery's
	 * last replies, so the checkpoint's mark is every question sent; each
	 * target before it that answered is handed out or pending.  The
	 * resumed run asks no target before the mark its first question
	 * again, asks the pending the plan, and together the two hand out
	 * every answering target once. */
	uint8_t space[64];
	for (int i = 0; i < 64; i++)
		space[i] = (uint8_t)(64 + i);
	struct scan_opts sw = so;
	sw.discovery = true;
	sw.discovery_name = "disc.example";
	sw.rewind = rewind_targets;
	sw.position = position;
	sw.checkpoint = checkpoint;
	sw.checkpoint_ms = 40;
	sw.confirm = NULL;
	sw.rate = 100;
	stop_after = 200;
	ncps = 0;
	st = run(sw, space, sizeof(space));
	const struct scan_checkpoint *fc = ncps ? &cps[ncps - 1].c : NULL;
	ok(st.interrupted && fc && fc->final && !fc->over && fc->pass == 0 &&
		fc->mark == st.disc_sent && fc->mark > 0 && fc->mark < 64,
		"stopped sweep: a final checkpoint at every question sent "
		"(mark %llu, %llu sent)", fc ? (unsigned long long)fc->mark : 0,
		(unsigned long long)st.disc_sent);
	bool settled = fc != NULL;
	for (uint64_t i = 0; fc && i < 64; i++) {
		uint8_t oc = space[i];
		bool out = of(oc) != NULL, pend = in_pending(fc, oc);
		if ((oc & 1) && i < fc->mark && out == pend)
			settled = false;
		if (!(oc & 1) && (out || pend))
			settled = false;
	}
	ok(settled, "stopped sweep: each answering target before the mark "
		"handed out or pending, once; no silent one");
	ok(ncps >= 2 && !cps[0].c.final && cps[0].c.mark <= fc->mark,
		"periodic checkpoints before the final one (%zu), lagging", ncps);
	uint8_t first[64];
	size_t nfirst = 0;
	for (size_t i = 0; i < ngot; i++) {
		first[nfirst++] = got[i]->resolver.addr[3];
		written[got[i]->resolver.addr[3]] = true;
	}
	struct prefix found[64];
	size_t nfound = fc ? fc->npending : 0;
	if (nfound)
		memcpy(found, fc->pending, nfound * sizeof(*found));
	uint64_t mark = fc ? fc->mark : 0;
	reset();
	sw.found = found;
	sw.nfound = nfound;
	sw.start_pass = 0;
	ncps = 0;
	/* The resumed run's order starts at the mark. */
	next_i = (size_t)mark;
	st = run(sw, space, sizeof(space));
	bool again = false;
	for (uint64_t i = 0; i < mark; i++)
		if (disc_tries(space[i]) != (space[i] & 1 ? 0u : 1u))
			again = true;
	ok(!again, "resumed sweep: before the mark, no answering target "
		"asked again, each silent one only its second try");
	unsigned times[256] = { 0 };
	for (size_t i = 0; i < nfirst; i++)
		times[first[i]]++;
	for (size_t i = 0; i < ngot; i++)
		times[got[i]->resolver.addr[3]]++;
	bool once = true;
	for (int i = 0; i < 64; i++)
		if (times[space[i]] != (space[i] & 1 ? 1u : 0u))
			once = false;
	ok(once && ncps && cps[ncps - 1].c.over && cps[ncps - 1].c.final &&
		cps[ncps - 1].c.npending == 0, "stopped and resumed: every "
		"answering target handed out once; the last checkpoint is over, "
		"nothing pending");
	sw.found = NULL;
	sw.nfound = 0;
	memset(written, 0, sizeof(written));
	reset();

	/* Stop halfway (once the first resolver is handed out, not at a time
	 * a loaded machine may reach before any reply): nothing more is sent,
	 * what is out is waited for, complete resolvers are handed out, the
	 * rest counted as abandoned. */
	so.confirm = NULL;
	so.max_inflight = 10;
	so.timeout_ms = 1000;
	so.rate = 100;		/* so that queries wait in the send queue */
	stop_on_result = true;
	st = run(so, slow, sizeof(slow));
	so.rate = 0;
	size_t complete = 0;
	for (size_t i = 0; i < ngot; i++)
		complete += got[i]->n == 2 &&
			got[i]->results[0].status == REPLY_OK &&
			got[i]->results[1].status == REPLY_OK;
	ok(st.interrupted && ngot > 0 && ngot < 40 && complete == ngot,
		"stopped: %zu of 40 handed out, every one complete", ngot);
	ok(st.targets == ngot + st.abandoned && st.abandoned > 0 &&
		st.sent < 2 * st.targets, "taken %llu = handed out + abandoned "
		"%llu; unsent queries dropped (%llu sent)", (unsigned long long)
		st.targets, (unsigned long long)st.abandoned,
		(unsigned long long)st.sent);
	reset();

	/* Stop while a resolver waits for its confirmation round: its second
	 * round is cut short, so it is not handed out (a scan without the
	 * stop would have confirmed it; --resume asks it again). */
	sc.confirm_delay_ms = 500;
	stop_after = 60;
	st = run(sc, two, 2);
	o = of(DUP);
	ok(ngot == 1 && !o && of(HONEST) && st.abandoned == 1,
		"stopped before round 1: not handed out, abandoned (%zu handed "
		"out, %llu abandoned)", ngot, (unsigned long long)st.abandoned);
	reset();

	plan_clear(&plan);
	uv_loop_close(loop);
	return tap_done();
}

/* chaos.c: the lab's chaos responder, a lying DNS server for what unbound
 * cannot be configured to do (tests/lab/README.md, "The chaos responder").
 *
 * Usage:
 *   chaos -c CONFIG [-p PORT] [-v]     serve in the foreground
 *   chaos -c CONFIG --manifest         print ADDRESS<TAB>CLASS<TAB>FLAGS<TAB>
 *                                      DESCRIPTION per configured address
 *
 * It binds 0.0.0.0:PORT (default 53), UDP and TCP, with SO_REUSEADDR and
 * SO_REUSEPORT, so the lab's NSD and unbound on their own 127.x addresses
 * keep their queries (the kernel prefers the more specific socket).  The
 * query's destination address (IP_PKTINFO over UDP, getsockname over TCP)
 * picks the behaviour from CONFIG, and the reply leaves from that address.
 *
 * CONFIG (documented in full in tests/lab/chaos.conf.example): one
 * directive per line, '#' comments.
 *   upstream ADDRESS[@PORT]               honest resolver to forward to
 *   cache-size N                          reply cache slots (16384)
 *   cache-ttl SECONDS                     cache lifetime (30)
 *   ADDRESS-or-CIDR BEHAVIOUR [ARGS...]   what to do for queries to it
 * Behaviours: honest, static [A [MX [AAAA]]], varying [CIDR], bitflip [BIT],
 * bitflip-sometimes N [BIT], nxdomain-rewrite ADDR, ad-on-false ADDR,
 * dnssec-stripped, malformed [random|garbage|short-header|count-lie|
 * pointer-loop], silent, refused, servfail, referral, truncate,
 * wrong-source [FROM], forged-id [ADDR], answer-a ADDR, loopback, private,
 * authrotate ZONE [take=K] ADDR..., population ITEM:WEIGHT... where ITEM is
 * BEHAVIOUR[=ARG,ARG...].
 * Hostile ones (tests/lab/t-hostile.sh): oversized [udp|tcp] (the honest
 * reply padded to 65507 bytes over UDP, or TC=1 over UDP and 65535 bytes
 * over TCP), empty (a zero-length datagram), late MS (the honest reply
 * MS ms late), repeat N (every UDP reply N times), flood K (K forged
 * replies with the query's id from random 127.9.x.y, then the honest one).
 *
 * Honest answers come from the upstream; its replies are cached by
 * (lowercased qname, qtype, qclass, DO, CD) and concurrent identical
 * questions share one upstream query, so a population of 100k targets
 * costs unbound one query per distinct question; at most UP_WINDOW are in
 * flight.  The reply carries the query's id and question (0x20 case kept),
 * then the behaviour transforms it.  Malformed replies are crafted bytes on
 * purpose; every other reply is built and encoded with ldns, except the
 * honest one, which is the upstream's bytes with the id and question name
 * patched in.
 *
 * Exit status: 0 after SIGTERM/SIGINT or --manifest, 1 on a bad command
 * line, configuration or socket. */
#define _GNU_SOURCE	/* recvmmsg, sendmmsg, IP_PKTINFO */
#include "config.h"
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ldns/ldns.h>
#include <uv.h>

#define UDP_BATCH 64		/* recvmmsg/sendmmsg batch */
#define UDP_MAX 4096		/* largest UDP reply we send */
#define QUERY_MAX 4096		/* larger UDP queries are dropped */
#define KEY_MAX 262		/* qname wire (255) + type, class, flags */
#define PEND_MAX 32768		/* distinct questions in flight or queued */
#define WAIT_MAX 200000		/* queries waiting for the upstream */
#define TCP_MAX 512		/* open TCP connections (below the fd limit) */
#define TCP_BACKLOG_MAX (1 << 20)	/* unsent bytes before we give up */
#define TCP_IDLE_MS 10000
#define UP_TIMEOUT_MS 1000
#define UP_TRIES 3
/* Upstream queries in flight at once; the rest wait their turn.  A burst
 * of thousands of new questions would overflow unbound's socket buffer and
 * request list, and each drop costs a retry timeout. */
#define UP_WINDOW 256
#define TTL_SYNTH 300
/* The lowest bit of the first octet: the flipped address leaves every
 * provider prefix (the validator accepts any address inside one, so a flip
 * in the last octet would look correct). */
#define BIT_DEFAULT 24
/* The largest UDP payload over IPv4 (65535 - 20 - 8), and over TCP. */
#define OVERSIZE_UDP 65507
#define OVERSIZE_TCP 65535
/* Replies held back by "late" at once; more are dropped (a lost packet). */
#define LATE_MAX 65536

enum kind {
	K_HONEST, K_STATIC, K_VARYING, K_BITFLIP, K_BITFLIP_SOMETIMES,
	K_NXREWRITE, K_AD_ON_FALSE, K_DNSSEC_STRIPPED, K_MALFORMED, K_SILENT,
	K_REFUSED, K_SERVFAIL, K_REFERRAL, K_TRUNCATE, K_WRONG_SOURCE,
	K_FORGED_ID, K_ANSWER_A, K_AUTHROTATE, K_OVERSIZED, K_EMPTY, K_LATE,
	K_REPEAT, K_FLOOD, K_DROP_FIRST, K_POPULATION
};

enum mal_mode { MAL_RANDOM, MAL_GARBAGE, MAL_SHORT, MAL_COUNT, MAL_LOOP };

/* Name, manifest class and flags, and whether the upstream is needed. */
static const struct kind_info {
	const char *name, *class, *flags;
	bool upstream;
} kinds[] = {
	[K_HONEST] = { "honest", "correct", "-", true },
	/* No RRSIG either, but a forged answer is a lie, not a stripped one
	 * (the validator flags dnssec-stripped only on true answers). */
	[K_STATIC] = { "static", "static", "nxdomain-rewrite",
		false },
	[K_VARYING] = { "varying", "falsified", "varying", true },
	[K_BITFLIP] = { "bitflip", "bitflip", "-", true },
	[K_BITFLIP_SOMETIMES] = { "bitflip-sometimes", "bitflip", "transient",
		true },
	[K_NXREWRITE] = { "nxdomain-rewrite", "correct", "nxdomain-rewrite",
		true },
	[K_AD_ON_FALSE] = { "ad-on-false", "falsified", "ad-on-false", true },
	[K_DNSSEC_STRIPPED] = { "dnssec-stripped", "correct",
		"dnssec-stripped", true },
	[K_MALFORMED] = { "malformed", "malformed", "-", false },
	[K_SILENT] = { "silent", "timeout", "-", false },
	[K_REFUSED] = { "refused", "refused", "-", false },
	[K_SERVFAIL] = { "servfail", "servfail", "-", false },
	[K_REFERRAL] = { "referral", "no-recursion", "-", false },
	[K_TRUNCATE] = { "truncate", "correct", "-", true },
	/* The honest reply from another address, as a transparent forwarder's
	 * resolver sends it: the scanner takes it, and flags the forwarder. */
	[K_WRONG_SOURCE] = { "wrong-source", "correct",
		"transparent-forwarder", true },
	[K_FORGED_ID] = { "forged-id", "correct", "unsolicited", true },
	[K_ANSWER_A] = { "answer-a", NULL, "-", true },
	[K_AUTHROTATE] = { "authrotate", "no-recursion", "-", false },
	/* Honest content in a valid message, just far over the EDNS size. */
	[K_OVERSIZED] = { "oversized", "correct", "-", true },
	/* The scanner ignores a zero-length datagram: nothing arrived. */
	[K_EMPTY] = { "empty", "timeout", "-", false },
	/* Timeout when MS is beyond the scanner's timeout times its tries; the
	 * late reply then finds the resolver done and is charged to nobody. */
	[K_LATE] = { "late", "timeout", "-", true },
	/* Every first UDP query for a question from an address is lost; its
	 * retry is answered honestly. */
	[K_DROP_FIRST] = { "drop-first", "correct", "-", true },
	/* The copies come from the resolver itself after its query is done:
	 * the engine counts them against it while it is in flight. */
	[K_REPEAT] = { "repeat", "correct", "unsolicited", true },
	/* The forged replies name the query's id from the wrong address: the
	 * engine charges them to the query they claim, this resolver's. */
	[K_FLOOD] = { "flood", "correct", "unsolicited", true },
	[K_POPULATION] = { "population", NULL, NULL, false },
};

struct behaviour;

struct mix_item {
	struct behaviour *b;	/* owned */
	unsigned weight;
};

struct behaviour {
	enum kind kind;
	char *desc;		/* the config text, for the manifest; owned */
	uint32_t a;		/* static, nxdomain-rewrite, ad-on-false,
				 * forged-id, answer-a (network order) */
	uint8_t aaaa[16];	/* static */
	ldns_rdf *mx;		/* static, forged-id: the MX host; owned */
	unsigned bit, n;	/* bitflip bit, bitflip-sometimes N; late MS,
				 * repeat N, flood K */
	bool over_tcp;		/* oversized tcp */
	enum mal_mode mode;
	uint32_t from;		/* wrong-source (network order) */
	uint32_t net;		/* varying: the range (host order) */
	unsigned len;
	ldns_rdf *zone, *ns;	/* authrotate; owned */
	ldns_rr *soa;		/* authrotate; owned */
	uint32_t *addrs;	/* authrotate (network order); owned */
	size_t naddrs;
	unsigned take, rotor;
	struct mix_item *mix;	/* population; owned */
	size_t nmix;
	unsigned total;
};

struct rule {
	uint32_t net;		/* host order */
	unsigned len;
	struct behaviour *b;	/* owned */
	int line;
};

struct config {
	const char *file;
	struct sockaddr_in upstream;
	bool has_upstream;
	size_t cache_size;
	unsigned cache_ttl;
	struct rule *rules;	/* sorted most specific first; owned */
	size_t nrules;
	ldns_rr *root_ns;	/* the referral's ". NS a.root-servers.net."; owned */
};

/* Where a reply goes: a UDP peer (and the address it asked), or a TCP
 * connection. */
struct tcp_conn;
struct client {
	struct tcp_conn *conn;	/* NULL for UDP */
	struct sockaddr_in peer;
	uint32_t dst;		/* network order */
	unsigned delay_ms;	/* late: hold UDP replies this long */
	unsigned copies;	/* repeat: send each UDP reply this often */
};

/* A UDP reply held back by "late". */
struct late {
	struct late *next;
	uint64_t due;		/* uv_now() */
	struct sockaddr_in to;
	uint32_t from;
	size_t len;
	uint8_t buf[];
};

struct waiter {
	struct waiter *next;
	const struct behaviour *b;
	struct client c;
	ldns_pkt *q;		/* owned */
};

struct pending {
	uint16_t id;
	uint8_t key[KEY_MAX];
	size_t keylen;
	uint64_t hash;
	uint8_t *qwire;		/* owned (ldns allocated) */
	size_t qlen;
	unsigned tries;
	uint64_t sent, queued;
	bool in_flight;		/* in chaos.flight, else in chaos.queue */
	struct waiter *wait;
	struct pending *prev, *next;
};

/* A FIFO of pending upstream queries. */
struct plist {
	struct pending *head, *tail;
	size_t n;
};

struct cache_slot {
	uint64_t hash;
	uint8_t key[KEY_MAX];
	size_t keylen;
	uint8_t *wire;		/* owned; NULL when empty */
	size_t len;
	uint64_t expires;
};

struct tcp_conn {
	uv_tcp_t tcp;
	uv_timer_t idle;
	struct chaos *ch;
	struct tcp_conn *prev, *next;
	uint32_t dst;
	struct sockaddr_in peer;
	uint8_t *buf;		/* owned, 2 + 65535 bytes */
	size_t len;
	int handles;		/* open libuv handles */
	int refs;		/* waiters pointing here */
	bool closing;
};

struct out_slot {
	struct sockaddr_in to;
	uint32_t from;
	size_t len;
	uint8_t buf[UDP_MAX];
};

struct chaos {
	uv_loop_t *loop;
	struct config *cfg;
	int verbose;
	uint64_t rng;
	int udp_fd, tcp_fd;
	uv_poll_t udp_poll;
	uv_tcp_t tcp_listen;
	uv_udp_t up;
	uv_timer_t timer;
	uv_signal_t sigterm, sigint;
	struct cache_slot *cache;	/* owned */
	struct pending *pend_by_id[65536];
	struct pending *pend_by_hash[4096];
	struct plist flight, queue;	/* sent (in send order), waiting */
	size_t npend, nwait;
	struct tcp_conn *conns;
	size_t nconns;
	struct out_slot *out;		/* owned, UDP_BATCH slots */
	size_t nout;
	bool stopping;
	struct late *late;	/* owned; unordered (MS differs per rule) */
	size_t nlate;
	uint8_t upbuf[65536];
	uint64_t stat_queries, stat_replies, stat_upstream;
	uint64_t dropped[4096];	/* drop-first: questions whose first query
				 * was dropped, by hash (0: none) */
};

/* ---------------------------------------------------------------- util */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(struct chaos *ch)
{
	return (uint32_t)(splitmix(&ch->rng) >> 32);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* Globally reachable unicast (host order), so a "falsified" lie cannot be
 * taken for loopback, private or documentation space. */
static bool is_global(uint32_t a)
{
	static const struct { uint32_t net, mask; } special[] = {
		{ 0x00000000, 0xff000000 }, { 0x0a000000, 0xff000000 },
		{ 0x64400000, 0xffc00000 }, { 0x7f000000, 0xff000000 },
		{ 0xa9fe0000, 0xffff0000 }, { 0xac100000, 0xfff00000 },
		{ 0xc0000000, 0xffffff00 }, { 0xc0000200, 0xffffff00 },
		{ 0xc0586300, 0xffffff00 }, { 0xc0a80000, 0xffff0000 },
		{ 0xc6120000, 0xfffe0000 }, { 0xc6336400, 0xffffff00 },
		{ 0xcb007100, 0xffffff00 }, { 0xe0000000, 0xe0000000 },
	};
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if ((a & special[i].mask) == special[i].net)
			return false;
	return true;
}

/* The manifest class of an answer-a address (host order), as the
 * validator sees it: loopback, special-purpose and not globally reachable
 * (multicast is not in that registry), or falsified. */
static const char *answer_class(uint32_t a)
{
	if ((a >> 24) == 127)
		return "loopback";
	if (!is_global(a) && (a >> 28) < 0xe)
		return "private";
	return "falsified";
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_a(const char *s, uint32_t *out)
{
	struct in_addr in;
	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*out = in.s_addr;
	return 0;
}

/* ------------------------------------------------------------- config */

static void behaviour_free(struct behaviour *b)
{
	if (!b)
		return;
	free(b->desc);
	ldns_rdf_deep_free(b->mx);
	ldns_rdf_deep_free(b->zone);
	ldns_rdf_deep_free(b->ns);
	ldns_rr_free(b->soa);
	free(b->addrs);
	for (size_t i = 0; i < b->nmix; i++)
		behaviour_free(b->mix[i].b);
	free(b->mix);
	free(b);
}

static void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++)
		behaviour_free(c->rules[i].b);
	free(c->rules);
	ldns_rr_free(c->root_ns);
	free(c);
}

static ldns_rdf *dname(const char *s)
{
	ldns_rdf *d = NULL;
	if (ldns_str2rdf_dname(&d, s) != LDNS_STATUS_OK)
		return NULL;
	return d;
}

static char *join(char **tok, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(tok[i]) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(tok[i]);
		if (i)
			*p++ = ' ';
		memcpy(p, tok[i], l);
		p += l;
	}
	*p = 0;
	return s;
}

static struct behaviour *behaviour_parse(char **tok, int n, char *err,
	size_t errlen);
static int parse_cidr(const char *s, uint32_t *net, unsigned *len);

/* population ITEM:WEIGHT ...: each ITEM is BEHAVIOUR[=ARG,ARG...]. */
static int mix_parse(struct behaviour *b, char **tok, int n, char *err,
	size_t errlen)
{
	b->mix = calloc(n, sizeof(*b->mix));
	if (!b->mix) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char item[256], *args[16];
		int nargs = 0;
		unsigned long w;
		if (strlen(tok[i]) >= sizeof(item)) {
			snprintf(err, errlen, "mix item too long: \"%.40s...\"",
				tok[i]);
			return -1;
		}
		memcpy(item, tok[i], strlen(tok[i]) + 1);
		char *colon = strrchr(item, ':');
		if (!colon || parse_uint(colon + 1, 1000000, &w) || w == 0) {
			snprintf(err, errlen, "mix item \"%s\" is not "
				"BEHAVIOUR[=ARGS]:WEIGHT (weight 1-1000000)",
				tok[i]);
			return -1;
		}
		*colon = 0;
		char *eq = strchr(item, '=');
		args[nargs++] = item;
		if (eq) {
			*eq = 0;
			for (char *p = eq + 1; nargs < 16;) {
				args[nargs++] = p;
				char *c = strchr(p, ',');
				if (!c)
					break;
				*c = 0;
				p = c + 1;
			}
		}
		struct behaviour *sub = behaviour_parse(args, nargs, err,
			errlen);
		if (!sub)
			return -1;
		if (sub->kind == K_POPULATION) {
			behaviour_free(sub);
			snprintf(err, errlen, "a population inside a population");
			return -1;
		}
		b->mix[b->nmix].b = sub;
		b->mix[b->nmix].weight = (unsigned)w;
		b->nmix++;
		b->total += (unsigned)w;
	}
	if (b->nmix == 0) {
		snprintf(err, errlen, "population needs at least one "
			"BEHAVIOUR:WEIGHT");
		return -1;
	}
	return 0;
}

static int authrotate_parse(struct behaviour *b, char **tok, int n,
	char *err, size_t errlen)
{
	if (n < 2) {
		snprintf(err, errlen, "authrotate needs ZONE and at least one "
			"address");
		return -1;
	}
	char zs[300], line[1024];
	b->zone = dname(tok[0]);
	if (!b->zone || ldns_rdf_size(b->zone) + 3 > LDNS_MAX_DOMAINLEN) {
		snprintf(err, errlen, "not a zone name: \"%s\"", tok[0]);
		return -1;
	}
	ldns_dname2canonical(b->zone);
	char *z = ldns_rdf2str(b->zone);
	if (!z) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(zs, sizeof(zs), "%s", z);
	free(z);
	char nsname[320];
	snprintf(nsname, sizeof(nsname), "ns.%s", zs);
	b->ns = dname(nsname);
	snprintf(line, sizeof(line),
		"%s 60 IN SOA ns.%s hostmaster.%s 1 3600 600 86400 60",
		zs, zs, zs);
	if (!b->ns || ldns_rr_new_frm_str(&b->soa, line, 0, NULL, NULL)
		!= LDNS_STATUS_OK) {
		snprintf(err, errlen, "zone name too long: \"%s\"", tok[0]);
		return -1;
	}
	b->take = 2;
	b->addrs = calloc(n, sizeof(*b->addrs));
	if (!b->addrs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 1; i < n; i++) {
		unsigned long k;
		if (strncmp(tok[i], "take=", 5) == 0) {
			if (parse_uint(tok[i] + 5, 64, &k) || k == 0) {
				snprintf(err, errlen, "bad %s (1-64)", tok[i]);
				return -1;
			}
			b->take = (unsigned)k;
		} else if (parse_a(tok[i], &b->addrs[b->naddrs++])) {
			snprintf(err, errlen, "not an IPv4 address: \"%s\"",
				tok[i]);
			return -1;
		}
	}
	if (b->naddrs == 0) {
		snprintf(err, errlen, "authrotate needs at least one address");
		return -1;
	}
	if (b->take > b->naddrs)
		b->take = (unsigned)b->naddrs;
	return 0;
}

/* Parse "BEHAVIOUR ARGS..." (tok[0] is the behaviour).  Returns a new
 * behaviour, or NULL with the reason in err. */
static struct behaviour *behaviour_parse(char **tok, int n, char *err,
	size_t errlen)
{
	struct behaviour *b = calloc(1, sizeof(*b));
	int nargs = n - 1, maxargs = 0, k;
	char **arg = tok + 1;
	unsigned long v;
	if (!b || !(b->desc = join(tok, n))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
		if (strcmp(tok[0], kinds[k].name) == 0)
			break;
	if (strcmp(tok[0], "loopback") == 0 || strcmp(tok[0], "private") == 0) {
		b->kind = K_ANSWER_A;
		b->a = htonl(tok[0][0] == 'l' ? 0x7f000001 : 0x0a000001);
		maxargs = 0;
	} else if (k == (int)(sizeof(kinds) / sizeof(kinds[0]))) {
		snprintf(err, errlen, "unknown behaviour \"%s\"", tok[0]);
		goto fail;
	} else {
		b->kind = (enum kind)k;
	}
	switch (b->kind) {
	case K_STATIC:
		maxargs = 3;
		parse_a("45.33.32.156", &b->a);
		inet_pton(AF_INET6, "2600:3c01::f03c:91ff:fe18:bb2f", b->aaaa);
		if (nargs > 0 && parse_a(arg[0], &b->a)) {
			snprintf(err, errlen, "not an IPv4 address: \"%s\"",
				arg[0]);
			goto fail;
		}
		b->mx = dname(nargs > 1 ? arg[1] : "mx.static-lie.example.");
		if (!b->mx) {
			snprintf(err, errlen, "not a host name: \"%s\"", arg[1]);
			goto fail;
		}
		if (nargs > 2 && inet_pton(AF_INET6, arg[2], b->aaaa) != 1) {
			snprintf(err, errlen, "not an IPv6 address: \"%s\"",
				arg[2]);
			goto fail;
		}
		break;
	case K_VARYING:
		maxargs = 1;
		b->net = 0x2d000000;	/* 45.0.0.0/8 */
		b->len = 8;
		if (nargs > 0 && parse_cidr(arg[0], &b->net, &b->len)) {
			snprintf(err, errlen, "not an IPv4 CIDR: \"%s\"", arg[0]);
			goto fail;
		}
		break;
	case K_BITFLIP:
		maxargs = 1;
		b->bit = BIT_DEFAULT;
		if (nargs > 0) {
			if (parse_uint(arg[0], 31, &v)) {
				snprintf(err, errlen, "bit must be 0-31, not "
					"\"%s\"", arg[0]);
				goto fail;
			}
			b->bit = (unsigned)v;
		}
		break;
	case K_BITFLIP_SOMETIMES:
		maxargs = 2;
		b->bit = BIT_DEFAULT;
		if (nargs < 1 || parse_uint(arg[0], 1000000, &v) || v < 1) {
			snprintf(err, errlen, "bitflip-sometimes needs N "
				"(1-1000000)");
			goto fail;
		}
		b->n = (unsigned)v;
		if (nargs > 1) {
			if (parse_uint(arg[1], 31, &v)) {
				snprintf(err, errlen, "bit must be 0-31, not "
					"\"%s\"", arg[1]);
				goto fail;
			}
			b->bit = (unsigned)v;
		}
		break;
	case K_NXREWRITE:
	case K_AD_ON_FALSE:
	case K_ANSWER_A:
	case K_FORGED_ID:
		maxargs = 1;
		if (b->kind == K_ANSWER_A && strcmp(tok[0], "answer-a") != 0) {
			maxargs = 0;	/* loopback, private: set above */
			break;
		}
		if (nargs < 1 && b->kind != K_FORGED_ID) {
			snprintf(err, errlen, "%s needs an IPv4 address",
				tok[0]);
			goto fail;
		}
		if (nargs < 1)
			parse_a("45.33.32.156", &b->a);
		else if (parse_a(arg[0], &b->a)) {
			snprintf(err, errlen, "not an IPv4 address: \"%s\"",
				arg[0]);
			goto fail;
		}
		if (b->kind == K_FORGED_ID)
			b->mx = dname("mx.forged-lie.example.");
		break;
	case K_MALFORMED: {
		static const char *modes[] = { "random", "garbage",
			"short-header", "count-lie", "pointer-loop" };
		maxargs = 1;
		b->mode = MAL_RANDOM;
		if (nargs > 0) {
			size_t i;
			for (i = 0; i < 5; i++)
				if (strcmp(arg[0], modes[i]) == 0)
					break;
			if (i == 5) {
				snprintf(err, errlen, "unknown malformed mode "
					"\"%s\" (random, garbage, short-header, "
					"count-lie, pointer-loop)", arg[0]);
				goto fail;
			}
			b->mode = (enum mal_mode)i;
		}
		break;
	}
	case K_WRONG_SOURCE:
		maxargs = 1;
		parse_a("127.0.0.254", &b->from);
		if (nargs > 0 && parse_a(arg[0], &b->from)) {
			snprintf(err, errlen, "not an IPv4 address: \"%s\"",
				arg[0]);
			goto fail;
		}
		break;
	case K_OVERSIZED:
		maxargs = 1;
		if (nargs > 0 && strcmp(arg[0], "udp") != 0
			&& strcmp(arg[0], "tcp") != 0) {
			snprintf(err, errlen, "oversized takes udp or tcp, not "
				"\"%s\"", arg[0]);
			goto fail;
		}
		b->over_tcp = nargs > 0 && strcmp(arg[0], "tcp") == 0;
		break;
	case K_LATE:
	case K_REPEAT:
	case K_FLOOD:
		maxargs = 1;
		if (nargs < 1 || parse_uint(arg[0], 100000, &v) || v < 1) {
			snprintf(err, errlen, "%s needs %s (1-100000)", tok[0],
				b->kind == K_LATE ? "MS" : "a count");
			goto fail;
		}
		b->n = (unsigned)v;
		if (b->kind == K_FLOOD) {
			parse_a("45.33.32.156", &b->a);
			inet_pton(AF_INET6, "2600:3c01::f03c:91ff:fe18:bb2f",
				b->aaaa);
			b->mx = dname("mx.flood-lie.example.");
		}
		break;
	case K_AUTHROTATE:
		maxargs = nargs;
		if (authrotate_parse(b, arg, nargs, err, errlen))
			goto fail;
		break;
	case K_POPULATION:
		maxargs = nargs;
		if (mix_parse(b, arg, nargs, err, errlen))
			goto fail;
		break;
	default:
		break;
	}
	if (nargs > maxargs) {
		snprintf(err, errlen, "too many arguments for %s", tok[0]);
		goto fail;
	}
	return b;
fail:
	behaviour_free(b);
	return NULL;
}

static bool needs_upstream(const struct behaviour *b)
{
	if (b->kind == K_POPULATION) {
		for (size_t i = 0; i < b->nmix; i++)
			if (needs_upstream(b->mix[i].b))
				return true;
		return false;
	}
	return kinds[b->kind].upstream;
}

static int rule_cmp(const void *x, const void *y)
{
	const struct rule *a = x, *b = y;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return a->line - b->line;
}

/* Parse "ADDR" or "ADDR/LEN" (IPv4) into host-order net and len. */
static int parse_cidr(const char *s, uint32_t *net, unsigned *len)
{
	char buf[64];
	unsigned long l = 32;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t a;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (parse_a(buf, &a))
		return -1;
	if (slash && parse_uint(slash + 1, 32, &l))
		return -1;
	a = ntohl(a);
	if (l < 32 && (a & (0xffffffffU >> l)))
		return -1;	/* host bits set */
	*net = a;
	*len = (unsigned)l;
	return 0;
}

#define CFG_ERR(...) do { \
	fprintf(stderr, "%s:%d: ", file, lineno); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	goto fail; } while (0)

/* Read and check CONFIG.  Returns the configuration, or NULL after
 * printing "FILE:LINE: reason" on stderr. */
static struct config *config_load(const char *file)
{
	struct config *c = calloc(1, sizeof(*c));
	FILE *f = fopen(file, "r");
	char *line = NULL, err[256];
	size_t cap = 0, rcap = 0;
	int lineno = 0;
	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		free(c);
		return NULL;
	}
	if (!c)
		CFG_ERR("out of memory");
	c->file = file;
	c->cache_size = 16384;
	c->cache_ttl = 30;
	while (getline(&line, &cap, f) != -1) {
		char *tok[64], *save = NULL, *t;
		int n = 0;
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		for (t = strtok_r(line, " \t\r\n", &save); t && n < 64;
			t = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = t;
		if (n == 0)
			continue;
		if (t)
			CFG_ERR("too many fields (at most 64)");
		unsigned long v;
		if (strcmp(tok[0], "upstream") == 0) {
			char host[64];
			unsigned long port = 53;
			char *at = n == 2 ? strchr(tok[1], '@') : NULL;
			size_t hl = at ? (size_t)(at - tok[1]) : (n == 2 ?
				strlen(tok[1]) : 0);
			if (n != 2 || hl >= sizeof(host))
				CFG_ERR("usage: upstream ADDRESS[@PORT]");
			memcpy(host, tok[1], hl);
			host[hl] = 0;
			memset(&c->upstream, 0, sizeof(c->upstream));
			c->upstream.sin_family = AF_INET;
			if (inet_pton(AF_INET, host, &c->upstream.sin_addr) != 1
				|| (at && (parse_uint(at + 1, 65535, &port)
				|| port == 0)))
				CFG_ERR("not an IPv4 ADDRESS[@PORT]: \"%s\"",
					tok[1]);
			c->upstream.sin_port = htons((uint16_t)port);
			c->has_upstream = true;
			continue;
		}
		if (strcmp(tok[0], "cache-size") == 0) {
			if (n != 2 || parse_uint(tok[1], 1 << 22, &v) || v < 1)
				CFG_ERR("usage: cache-size N (1-4194304)");
			for (c->cache_size = 1; c->cache_size < v;)
				c->cache_size <<= 1;
			continue;
		}
		if (strcmp(tok[0], "cache-ttl") == 0) {
			if (n != 2 || parse_uint(tok[1], 86400, &v))
				CFG_ERR("usage: cache-ttl SECONDS (0-86400)");
			c->cache_ttl = (unsigned)v;
			continue;
		}
		struct rule r = { 0 };
		if (parse_cidr(tok[0], &r.net, &r.len))
			CFG_ERR("not a directive, IPv4 address or CIDR: "
				"\"%s\"", tok[0]);
		if (n < 2)
			CFG_ERR("%s: a behaviour is missing", tok[0]);
		if (r.len < 12)
			CFG_ERR("%s: prefix too short (at most /12, %u "
				"addresses)", tok[0], 1U << 20);
		for (size_t i = 0; i < c->nrules; i++)
			if (c->rules[i].net == r.net && c->rules[i].len == r.len)
				CFG_ERR("%s is already configured on line %d",
					tok[0], c->rules[i].line);
		r.b = behaviour_parse(tok + 1, n - 1, err, sizeof(err));
		if (!r.b)
			CFG_ERR("%s", err);
		r.line = lineno;
		if (needs_upstream(r.b) && !c->has_upstream) {
			behaviour_free(r.b);
			CFG_ERR("%s needs an upstream: put \"upstream ADDRESS\" "
				"before it", tok[1]);
		}
		if (c->nrules == rcap) {
			size_t ncap = rcap ? rcap * 2 : 32;
			struct rule *nr = realloc(c->rules, ncap * sizeof(*nr));
			if (!nr) {
				behaviour_free(r.b);
				CFG_ERR("out of memory");
			}
			c->rules = nr;
			rcap = ncap;
		}
		c->rules[c->nrules++] = r;
	}
	if (ferror(f))
		CFG_ERR("read error: %s", strerror(errno));
	free(line);
	fclose(f);
	if (ldns_rr_new_frm_str(&c->root_ns, ". 518400 IN NS a.root-servers.net.",
		0, NULL, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "%s:%d: cannot build the referral\n", __FILE__,
			__LINE__);
		config_free(c);
		return NULL;
	}
	/* The manifest keeps config order; lookups want most specific first,
	 * so sort a copy's order into the rules array only when serving. */
	return c;
fail:
	free(line);
	fclose(f);
	config_free(c);
	return NULL;
}

/* The population member for address (host order): a deterministic hash,
 * so every run and the manifest agree. */
static const struct behaviour *population_pick(const struct behaviour *b,
	uint32_t addr)
{
	uint64_t s = addr ^ 0x6c61622d6368616fULL;	/* "lab-chao" */
	unsigned h = (unsigned)(splitmix(&s) % b->total);
	for (size_t i = 0; i < b->nmix; i++) {
		if (h < b->mix[i].weight)
			return b->mix[i].b;
		h -= b->mix[i].weight;
	}
	return b->mix[b->nmix - 1].b;
}

static const struct behaviour *lookup(const struct config *c, uint32_t dst)
{
	uint32_t a = ntohl(dst);
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		uint32_t mask = r->len ? 0xffffffffU << (32 - r->len) : 0;
		if ((a & mask) == r->net)
			return r->b->kind == K_POPULATION ?
				population_pick(r->b, a) : r->b;
	}
	return NULL;
}

static void manifest_line(FILE *out, uint32_t a, const struct behaviour *b,
	const struct behaviour *pop)
{
	struct in_addr in = { htonl(a) };
	char s[INET_ADDRSTRLEN];
	const char *class = kinds[b->kind].class;
	inet_ntop(AF_INET, &in, s, sizeof(s));
	if (b->kind == K_ANSWER_A)
		class = answer_class(ntohl(b->a));
	if (pop)
		fprintf(out, "%s\t%s\t%s\tchaos %s (%s)\n", s, class,
			kinds[b->kind].flags, b->desc, pop->kind ==
			K_POPULATION ? "population" : "range");
	else
		fprintf(out, "%s\t%s\t%s\tchaos %s\n", s, class,
			kinds[b->kind].flags, b->desc);
}

/* The rule that serves address a (host order): the most specific one. */
static const struct rule *rule_for(const struct config *c, uint32_t a)
{
	const struct rule *best = NULL;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		uint32_t mask = r->len ? 0xffffffffU << (32 - r->len) : 0;
		if ((a & mask) == r->net && (!best || r->len > best->len))
			best = r;
	}
	return best;
}

static int manifest(const struct config *c, FILE *out)
{
	fprintf(out, "# chaos responder manifest for %s\n", c->file);
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		uint64_t count = 1ULL << (32 - r->len);
		for (uint64_t j = 0; j < count; j++) {
			uint32_t a = r->net + (uint32_t)j;
			/* An address with its own, more specific line is
			 * listed there, once. */
			if (r->len < 32 && rule_for(c, a) != r)
				continue;
			if (r->b->kind == K_POPULATION)
				manifest_line(out, a, population_pick(r->b, a),
					r->b);
			else
				manifest_line(out, a, r->b, r->len < 32 ? r->b
					: NULL);
		}
	}
	return fflush(out) == 0 ? 0 : -1;
}

/* ------------------------------------------------------ reply building */

static void set_count(ldns_pkt *p, ldns_pkt_section s)
{
	ldns_rr_list *l = s == LDNS_SECTION_QUESTION ? ldns_pkt_question(p) :
		s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(p) :
		s == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(p) :
		ldns_pkt_additional(p);
	ldns_pkt_set_section_count(p, s, (uint16_t)ldns_rr_list_rr_count(l));
}

/* An empty reply to q: id, question (0x20 case kept), RD and CD copied, and
 * an OPT record when q had one. */
static ldns_pkt *reply_new(const ldns_pkt *q, ldns_pkt_rcode rcode, bool ra)
{
	ldns_pkt *r = ldns_pkt_new();
	if (!r)
		return NULL;
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_set_ra(r, ra);
	ldns_pkt_set_rcode(r, rcode);
	if (ldns_pkt_qdcount(q) == 1) {
		ldns_rr *qr = ldns_rr_clone(ldns_rr_list_rr(
			ldns_pkt_question(q), 0));
		if (!qr || !ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, qr)) {
			ldns_rr_free(qr);
			ldns_pkt_free(r);
			return NULL;
		}
	}
	if (ldns_pkt_edns(q)) {
		ldns_pkt_set_edns_udp_size(r, 1232);
		ldns_pkt_set_edns_do(r, ldns_pkt_edns_do(q));
	}
	return r;
}

static const ldns_rr *question(const ldns_pkt *q)
{
	return ldns_rr_list_rr(ldns_pkt_question(q), 0);
}

/* A new RR owner TYPE IN ttl with rdata fields r1 (and r2), which it takes
 * over (also on failure). */
static ldns_rr *rr_make(const ldns_rdf *owner, ldns_rr_type t, uint32_t ttl,
	ldns_rdf *r1, ldns_rdf *r2)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *o = ldns_rdf_clone(owner);
	if (!rr || !o || !r1 || (r2 == NULL && t == LDNS_RR_TYPE_MX)) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(o);
		ldns_rdf_deep_free(r1);
		ldns_rdf_deep_free(r2);
		return NULL;
	}
	ldns_rr_set_owner(rr, o);
	ldns_rr_set_type(rr, t);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, ttl);
	ldns_rr_push_rdf(rr, r1);
	if (r2)
		ldns_rr_push_rdf(rr, r2);
	return rr;
}

static ldns_rdf *rdf_a(uint32_t a)
{
	return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, &a);
}

static bool push(ldns_pkt *r, ldns_pkt_section s, ldns_rr *rr)
{
	if (!rr)
		return false;
	if (!ldns_pkt_push_rr(r, s, rr)) {
		ldns_rr_free(rr);
		return false;
	}
	return true;
}

/* The reply the upstream gave (u), as an answer to q: a new packet with
 * q's id, question and EDNS, and u's flags, rcode and sections (moved out
 * of u).  Owner names equal to the question get the question's case. */
static ldns_pkt *reply_from(ldns_pkt *u, const ldns_pkt *q)
{
	ldns_pkt *r = reply_new(q, ldns_pkt_get_rcode(u), ldns_pkt_ra(u));
	if (!r)
		return NULL;
	ldns_pkt_set_aa(r, ldns_pkt_aa(u));
	ldns_pkt_set_tc(r, ldns_pkt_tc(u));
	ldns_pkt_set_ad(r, ldns_pkt_ad(u));
	if (ldns_pkt_edns(q))
		ldns_pkt_set_edns_do(r, ldns_pkt_edns_do(u));
	ldns_rr_list *t;
	t = ldns_pkt_answer(r);
	ldns_pkt_set_answer(r, ldns_pkt_answer(u));
	ldns_pkt_set_answer(u, t);
	t = ldns_pkt_authority(r);
	ldns_pkt_set_authority(r, ldns_pkt_authority(u));
	ldns_pkt_set_authority(u, t);
	t = ldns_pkt_additional(r);
	ldns_pkt_set_additional(r, ldns_pkt_additional(u));
	ldns_pkt_set_additional(u, t);
	for (int s = LDNS_SECTION_ANSWER; s <= LDNS_SECTION_ADDITIONAL; s++) {
		set_count(r, (ldns_pkt_section)s);
		set_count(u, (ldns_pkt_section)s);
	}
	const ldns_rdf *qname = ldns_rr_owner(question(q));
	ldns_rr_list *an = ldns_pkt_answer(r);
	for (size_t i = 0; qname && i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_dname_compare(ldns_rr_owner(rr), qname) == 0) {
			ldns_rdf *o = ldns_rdf_clone(qname);
			if (o) {
				ldns_rdf_deep_free(ldns_rr_owner(rr));
				ldns_rr_set_owner(rr, o);
			}
		}
	}
	return r;
}

/* Drop every RR of type t from section s. */
static void strip_type(ldns_pkt *r, ldns_pkt_section s, ldns_rr_type t)
{
	ldns_rr_list *l = s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(r) :
		s == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(r) :
		ldns_pkt_additional(r);
	size_t j = 0, n = ldns_rr_list_rr_count(l);
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == t)
			ldns_rr_free(rr);
		else
			ldns_rr_list_set_rr(l, rr, j++);
	}
	ldns_rr_list_set_rr_count(l, j);
	set_count(r, s);
}

static void clear_section(ldns_pkt *r, ldns_pkt_section s)
{
	ldns_rr_list *l = s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(r) :
		s == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(r) :
		ldns_pkt_additional(r);
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		ldns_rr_free(ldns_rr_list_rr(l, i));
	ldns_rr_list_set_rr_count(l, 0);
	set_count(r, s);
}

/* Replace the address of every A record in the answer: the new address
 * (network order) is f(old, ctx). Returns how many were replaced. */
static size_t map_a(ldns_pkt *r, uint32_t (*f)(uint32_t, void *), void *ctx)
{
	ldns_rr_list *an = ldns_pkt_answer(r);
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		ldns_rdf *d = ldns_rr_rdf(rr, 0);
		uint32_t a;
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A || !d
			|| ldns_rdf_size(d) != 4)
			continue;
		memcpy(&a, ldns_rdf_data(d), 4);
		a = f(a, ctx);
		memcpy(ldns_rdf_data(d), &a, 4);
		n++;
	}
	return n;
}

/* After every A record got the same address, keep one per owner name: an
 * RRset holds no duplicates. */
static void dedupe_a(ldns_pkt *r)
{
	ldns_rr_list *an = ldns_pkt_answer(r);
	size_t j = 0, n = ldns_rr_list_rr_count(an);
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		bool dup = false;
		for (size_t k = 0; k < j && !dup; k++)
			dup = ldns_rr_compare(ldns_rr_list_rr(an, k), rr) == 0;
		if (dup)
			ldns_rr_free(rr);
		else
			ldns_rr_list_set_rr(an, rr, j++);
	}
	ldns_rr_list_set_rr_count(an, j);
	set_count(r, LDNS_SECTION_ANSWER);
}

static uint32_t a_fixed(uint32_t old, void *ctx)
{
	(void)old;
	return *(const uint32_t *)ctx;
}

static uint32_t a_flip(uint32_t old, void *ctx)
{
	return htonl(ntohl(old) ^ (1U << *(const unsigned *)ctx));
}

struct random_ctx {
	struct chaos *ch;
	uint32_t net;		/* host order */
	unsigned len;
};

static uint32_t a_random(uint32_t old, void *ctx)
{
	struct random_ctx *r = ctx;
	uint32_t host = r->len ? 0xffffffffU >> r->len : 0xffffffffU;
	(void)old;
	if (r->len >= 32)
		return htonl(r->net);
	return htonl(r->net | (rnd(r->ch) & host));
}

/* varying: every MX host becomes mx-RANDOM.varying-lie.example. */
static void mx_random(struct chaos *ch, ldns_pkt *r)
{
	ldns_rr_list *an = ldns_pkt_answer(r);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		char name[64];
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX
			|| ldns_rr_rd_count(rr) != 2)
			continue;
		snprintf(name, sizeof(name), "mx-%08" PRIx32
			".varying-lie.example.", rnd(ch));
		ldns_rdf *d = dname(name);
		if (d)
			ldns_rdf_deep_free(ldns_rr_set_rdf(rr, d, 1));
	}
}

/* static and the forged half of forged-id: the same records for any
 * name. */
static ldns_pkt *synth_static(const struct behaviour *b, const ldns_pkt *q)
{
	ldns_pkt *r = reply_new(q, LDNS_RCODE_NOERROR, true);
	if (!r)
		return NULL;
	const ldns_rr *qr = question(q);
	const ldns_rdf *qname = ldns_rr_owner(qr);
	ldns_rr *rr = NULL;
	switch (ldns_rr_get_type(qr)) {
	case LDNS_RR_TYPE_A:
		rr = rr_make(qname, LDNS_RR_TYPE_A, TTL_SYNTH, rdf_a(b->a),
			NULL);
		break;
	case LDNS_RR_TYPE_AAAA:
		rr = rr_make(qname, LDNS_RR_TYPE_AAAA, TTL_SYNTH,
			ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, b->aaaa),
			NULL);
		break;
	case LDNS_RR_TYPE_MX:
		rr = rr_make(qname, LDNS_RR_TYPE_MX, TTL_SYNTH,
			ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 10),
			ldns_rdf_clone(b->mx));
		break;
	default:
		return r;	/* NOERROR, no data */
	}
	if (!push(r, LDNS_SECTION_ANSWER, rr)) {
		ldns_pkt_free(r);
		return NULL;
	}
	return r;
}

static ldns_pkt *synth_referral(const struct config *c, const ldns_pkt *q)
{
	ldns_pkt *r = reply_new(q, LDNS_RCODE_NOERROR, false);
	if (r && !push(r, LDNS_SECTION_AUTHORITY, ldns_rr_clone(c->root_ns))) {
		ldns_pkt_free(r);
		return NULL;
	}
	return r;
}

static ldns_pkt *synth_authrotate(struct behaviour *b, const ldns_pkt *q,
	uint32_t dst)
{
	const ldns_rr *qr = question(q);
	const ldns_rdf *qname = ldns_rr_owner(qr);
	ldns_rr_type t = ldns_rr_get_type(qr);
	bool apex = ldns_dname_compare(qname, b->zone) == 0;
	bool ok = true;
	ldns_pkt *r;
	if (!apex && !ldns_dname_is_subdomain(qname, b->zone))
		return reply_new(q, LDNS_RCODE_NXDOMAIN, false);
	r = reply_new(q, LDNS_RCODE_NOERROR, false);
	if (!r)
		return NULL;
	ldns_pkt_set_aa(r, true);
	if (t == LDNS_RR_TYPE_A && ldns_dname_compare(qname, b->ns) == 0) {
		ok = push(r, LDNS_SECTION_ANSWER, rr_make(qname,
			LDNS_RR_TYPE_A, 60, rdf_a(dst), NULL));
	} else if (t == LDNS_RR_TYPE_A) {
		unsigned start = b->rotor++ % (unsigned)b->naddrs;
		for (unsigned i = 0; ok && i < b->take; i++)
			ok = push(r, LDNS_SECTION_ANSWER, rr_make(qname,
				LDNS_RR_TYPE_A, 60, rdf_a(b->addrs[(start + i)
				% b->naddrs]), NULL));
	} else if (apex && t == LDNS_RR_TYPE_SOA) {
		ldns_rr *soa = ldns_rr_clone(b->soa);
		if (soa) {
			ldns_rdf_deep_free(ldns_rr_owner(soa));
			ldns_rr_set_owner(soa, ldns_rdf_clone(qname));
		}
		ok = push(r, LDNS_SECTION_ANSWER, soa);
	} else if (apex && t == LDNS_RR_TYPE_NS) {
		ok = push(r, LDNS_SECTION_ANSWER, rr_make(qname,
			LDNS_RR_TYPE_NS, 60, ldns_rdf_clone(b->ns), NULL))
			&& push(r, LDNS_SECTION_ADDITIONAL, rr_make(b->ns,
			LDNS_RR_TYPE_A, 60, rdf_a(dst), NULL));
	} else {
		ok = push(r, LDNS_SECTION_AUTHORITY, ldns_rr_clone(b->soa));
	}
	if (!ok) {
		ldns_pkt_free(r);
		return NULL;
	}
	return r;
}

/* Crafted bytes that no DNS parser accepts, but whose id (and for some
 * modes question) match q, so a scanner counts them as q's reply.  Writes
 * at most cap bytes to buf; returns the length, 0 on failure. */
static size_t craft_malformed(struct chaos *ch, enum mal_mode mode,
	const ldns_pkt *q, uint8_t *buf, size_t cap)
{
	uint8_t *w = NULL;
	size_t wl = 0, n = 0;
	uint16_t id = ldns_pkt_id(q);
	/* Random picks only modes that keep the question: a scanner can tie
	 * those to the query whatever its matching rule, so the class stays
	 * malformed. */
	static const enum mal_mode pick[] = { MAL_GARBAGE, MAL_COUNT, MAL_LOOP };
	if (mode == MAL_RANDOM)
		mode = pick[rnd(ch) % 3];
	if (cap < 512)
		return 0;
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x81;		/* QR, RD */
	buf[3] = 0x80;		/* RA */
	switch (mode) {
	case MAL_SHORT:
		buf[4] = 0;
		buf[5] = 1;
		buf[6] = 0;
		return 7;
	case MAL_GARBAGE:
	case MAL_COUNT:
	case MAL_LOOP: {
		ldns_pkt *r = reply_new(q, LDNS_RCODE_NOERROR, true);
		if (!r)
			return 0;
		/* No OPT: the crafted records must come right after the
		 * question. */
		ldns_pkt_set_edns_udp_size(r, 0);
		ldns_pkt_set_edns_do(r, false);
		if (ldns_pkt2wire(&w, r, &wl) != LDNS_STATUS_OK || wl + 128 > cap
			|| ldns_pkt_edns(r)) {
			ldns_pkt_free(r);
			free(w);
			return 0;
		}
		ldns_pkt_free(r);
		memcpy(buf, w, wl);
		free(w);
		n = wl;
		if (mode == MAL_GARBAGE) {
			/* The question intact (a scanner can match it), then
			 * thousands of answers in under a hundred random
			 * bytes. */
			uint32_t an = 0x1000 | (rnd(ch) & 0x0fff);
			size_t extra = 20 + rnd(ch) % 80;
			buf[6] = (uint8_t)(an >> 8);
			buf[7] = (uint8_t)an;
			for (size_t i = 0; i < extra; i++)
				buf[n + i] = (uint8_t)rnd(ch);
			return n + extra;
		}
		if (mode == MAL_COUNT) {
			buf[7] = 3;	/* ANCOUNT 3, nothing follows */
			return n;
		}
		buf[7] = 1;
		/* An owner name that is a pointer to itself. */
		buf[n] = (uint8_t)(0xc0 | ((n >> 8) & 0x3f));
		buf[n + 1] = (uint8_t)n;
		static const uint8_t rest[] = { 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4,
			45, 33, 32, 156 };
		memcpy(buf + n + 2, rest, sizeof(rest));
		return n + 2 + sizeof(rest);
	}
	default:
		return 0;
	}
}

/* ------------------------------------------------------------- sending */

static void udp_flush(struct chaos *ch)
{
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[UDP_BATCH];
	size_t done = 0;
	memset(msgs, 0, sizeof(msgs[0]) * ch->nout);
	memset(ctl, 0, sizeof(ctl[0]) * ch->nout);
	for (size_t i = 0; i < ch->nout; i++) {
		struct out_slot *o = &ch->out[i];
		struct msghdr *m = &msgs[i].msg_hdr;
		iov[i].iov_base = o->buf;
		iov[i].iov_len = o->len;
		m->msg_name = &o->to;
		m->msg_namelen = sizeof(o->to);
		m->msg_iov = &iov[i];
		m->msg_iovlen = 1;
		m->msg_control = ctl[i].buf;
		m->msg_controllen = sizeof(ctl[i].buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo pi = { 0 };
		pi.ipi_spec_dst.s_addr = o->from;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	while (done < ch->nout) {
		int k = sendmmsg(ch->udp_fd, msgs + done,
			(unsigned)(ch->nout - done), 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;	/* UDP: the client asks again */
		if (k <= 0) {
			/* This one message is refused (say an odd source
			 * address); the rest may still go. */
			if (ch->verbose)
				fprintf(stderr, "chaos: sendmmsg: %s\n",
					strerror(errno));
			done++;
			continue;
		}
		done += (size_t)k;
		ch->stat_replies += (size_t)k;
	}
	ch->nout = 0;
}

static void udp_queue(struct chaos *ch, const struct sockaddr_in *to,
	uint32_t from, const uint8_t *wire, size_t len)
{
	if (len > UDP_MAX)
		return;
	if (ch->nout == UDP_BATCH)
		udp_flush(ch);
	struct out_slot *o = &ch->out[ch->nout++];
	o->to = *to;
	o->from = from;
	o->len = len;
	memcpy(o->buf, wire, len);
}

static void tcp_close(struct tcp_conn *c);

static void tcp_written(uv_write_t *req, int status)
{
	struct tcp_conn *c = req->data;
	free(req);
	if (status < 0 && status != UV_ECANCELED)
		tcp_close(c);
}

static void tcp_send(struct chaos *ch, struct tcp_conn *c, const uint8_t *wire,
	size_t len)
{
	if (c->closing || len > 65535)
		return;
	/* A client that asks and never reads would grow the queue without
	 * bound. */
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp)
		> TCP_BACKLOG_MAX) {
		tcp_close(c);
		return;
	}
	uv_write_t *req = malloc(sizeof(*req) + 2 + len);
	if (!req)
		return;
	uint8_t *p = (uint8_t *)(req + 1);
	p[0] = (uint8_t)(len >> 8);
	p[1] = (uint8_t)len;
	memcpy(p + 2, wire, len);
	req->data = c;
	uv_buf_t b = uv_buf_init((char *)p, (unsigned)(len + 2));
	if (uv_write(req, (uv_stream_t *)&c->tcp, &b, 1, tcp_written) < 0) {
		free(req);
		tcp_close(c);
		return;
	}
	ch->stat_replies++;
}

/* Hold a UDP reply for cl->delay_ms (late). */
static void late_push(struct chaos *ch, const struct client *cl,
	uint32_t from, const uint8_t *wire, size_t len)
{
	struct late *l;
	if (ch->nlate >= LATE_MAX || !(l = malloc(sizeof(*l) + len)))
		return;	/* as a lost packet */
	l->due = uv_now(ch->loop) + cl->delay_ms;
	l->to = cl->peer;
	l->from = from;
	l->len = len;
	memcpy(l->buf, wire, len);
	l->next = ch->late;
	ch->late = l;
	ch->nlate++;
}

/* Send the held replies that are due (all of them when all is set). */
static void late_flush(struct chaos *ch, bool all)
{
	uint64_t now = uv_now(ch->loop);
	for (struct late **p = &ch->late; *p;) {
		struct late *l = *p;
		if (!all && l->due > now) {
			p = &l->next;
			continue;
		}
		*p = l->next;
		ch->nlate--;
		if (!all)
			udp_queue(ch, &l->to, l->from, l->buf, l->len);
		free(l);
	}
}

static void send_bytes(struct chaos *ch, const struct client *cl,
	uint32_t from, const uint8_t *wire, size_t len)
{
	if (cl->conn) {
		tcp_send(ch, cl->conn, wire, len);
		return;
	}
	if (cl->delay_ms) {
		late_push(ch, cl, from, wire, len);
		return;
	}
	for (unsigned i = 0; i < (cl->copies ? cl->copies : 1); i++)
		udp_queue(ch, &cl->peer, from, wire, len);
}

/* One UDP datagram of any size up to 65507 bytes, sent now from from (the
 * batch holds UDP_MAX-byte slots). */
static void udp_send_big(struct chaos *ch, const struct sockaddr_in *to,
	uint32_t from, const uint8_t *wire, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)wire, len };
	struct msghdr m = { .msg_name = (void *)to, .msg_namelen = sizeof(*to),
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf) };
	struct in_pktinfo pi = { 0 };
	memset(&ctl, 0, sizeof(ctl));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	pi.ipi_spec_dst.s_addr = from;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	udp_flush(ch);	/* keep the order of what was queued before */
	if (sendmsg(ch->udp_fd, &m, 0) < 0) {
		fprintf(stderr, "%s:%d: sendmsg (%zu bytes): %s\n", __FILE__,
			__LINE__, len, strerror(errno));
		return;
	}
	ch->stat_replies++;
}

/* Send r padded with an EDNS padding option (RFC 7830) to exactly target
 * bytes: a valid message, far larger than the query allows.  Frees r. */
static void send_oversized(struct chaos *ch, const struct client *cl,
	uint32_t from, ldns_pkt *r, size_t target)
{
	uint8_t *w = NULL;
	size_t wl = 0;
	ldns_rdf *pad;
	if (!ldns_pkt_edns(r))
		ldns_pkt_set_edns_udp_size(r, 1232);
	ldns_rdf_deep_free(ldns_pkt_edns_data(r));
	ldns_pkt_set_edns_data(r, NULL);
	if (ldns_pkt2wire(&w, r, &wl) != LDNS_STATUS_OK || wl + 4 > target) {
		free(w);
		ldns_pkt_free(r);
		return;
	}
	free(w);
	w = NULL;
	size_t n = target - wl - 4;
	uint8_t *opt = calloc(1, 4 + n);
	if (!opt || !(pad = ldns_rdf_new(LDNS_RDF_TYPE_UNKNOWN, 4 + n, opt))) {
		free(opt);
		ldns_pkt_free(r);
		return;
	}
	opt[1] = 12;		/* OPTION-CODE Padding */
	opt[2] = (uint8_t)(n >> 8);
	opt[3] = (uint8_t)n;
	ldns_pkt_set_edns_data(r, pad);
	if (ldns_pkt2wire(&w, r, &wl) != LDNS_STATUS_OK || wl != target) {
		fprintf(stderr, "%s:%d: padded reply is %zu bytes, not %zu\n",
			__FILE__, __LINE__, wl, target);
	} else if (cl->conn) {
		tcp_send(ch, cl->conn, w, wl);
	} else {
		udp_send_big(ch, &cl->peer, from, w, wl);
	}
	free(w);
	ldns_pkt_free(r);
}

/* flood: b->n forged replies to q (a false answer with q's id) from random
 * addresses in 127.9.0.0/16, ahead of the honest one. */
static void send_flood(struct chaos *ch, const struct behaviour *b,
	const struct client *cl, const ldns_pkt *q)
{
	uint8_t *w = NULL;
	size_t wl = 0;
	ldns_pkt *f = synth_static(b, q);
	if (!f || ldns_pkt2wire(&w, f, &wl) != LDNS_STATUS_OK) {
		ldns_pkt_free(f);
		free(w);
		return;
	}
	ldns_pkt_free(f);
	for (unsigned i = 0; i < b->n; i++) {
		uint32_t a = 0x7f090000 | (rnd(ch) & 0xffff);
		udp_queue(ch, &cl->peer, htonl(a), w, wl);
	}
	free(w);
}

/* The largest reply q allows over UDP. */
static size_t udp_limit(const ldns_pkt *q)
{
	size_t limit = 512;
	if (ldns_pkt_edns(q) && ldns_pkt_edns_udp_size(q) > 512)
		limit = ldns_pkt_edns_udp_size(q);
	return limit > UDP_MAX ? UDP_MAX : limit;
}

/* Encode r and send it to cl from address from; over UDP, a reply larger
 * than the query allows goes out empty with TC=1.  Frees r. */
static void send_pkt(struct chaos *ch, const struct client *cl, uint32_t from,
	ldns_pkt *r, const ldns_pkt *q)
{
	uint8_t *w = NULL;
	size_t wl = 0;
	if (!r)
		return;
	if (ldns_pkt2wire(&w, r, &wl) != LDNS_STATUS_OK) {
		fprintf(stderr, "%s:%d: cannot encode a reply\n", __FILE__,
			__LINE__);
		ldns_pkt_free(r);
		return;
	}
	if (!cl->conn && wl > udp_limit(q)) {
		free(w);
		w = NULL;
		clear_section(r, LDNS_SECTION_ANSWER);
		clear_section(r, LDNS_SECTION_AUTHORITY);
		clear_section(r, LDNS_SECTION_ADDITIONAL);
		ldns_pkt_set_tc(r, true);
		if (ldns_pkt2wire(&w, r, &wl) != LDNS_STATUS_OK) {
			ldns_pkt_free(r);
			return;
		}
	}
	send_bytes(ch, cl, from, w, wl);
	free(w);
	ldns_pkt_free(r);
}

/* ---------------------------------------------------------- behaviours */

/* Apply b to the upstream reply (wire) and send the result; wire NULL
 * means the upstream failed: SERVFAIL, as a resolver would say. */
/* The honest reply, patched in place: the upstream's bytes with q's id and
 * q's question name (same length, only the case may differ; the answer's
 * owner names point at it).  What reply_from would build, without a parse
 * and an encode per query: most of a population is honest.  Returns false
 * when q needs the full path (no EDNS or RD, a reply larger than q
 * allows, a question that is not q's). */
static bool answer_fast(struct chaos *ch, const struct client *cl,
	uint32_t from, const ldns_pkt *q, const uint8_t *wire, size_t len)
{
	static uint8_t buf[65536];
	const ldns_rdf *qname = ldns_rr_owner(question(q));
	size_t n = ldns_rdf_size(qname);
	const uint8_t *qn = ldns_rdf_data(qname);
	if (!ldns_pkt_edns(q) || !ldns_pkt_rd(q) || len < 12 + n + 4
		|| len > sizeof(buf) || (!cl->conn && len > udp_limit(q))
		|| wire[4] != 0 || wire[5] != 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t a = wire[12 + i], c = qn[i];
		if (a != c && !(a >= 'a' && a <= 'z' && c == a - 32)
			&& !(a >= 'A' && a <= 'Z' && c == a + 32))
			return false;
	}
	memcpy(buf, wire, len);
	buf[0] = (uint8_t)(ldns_pkt_id(q) >> 8);
	buf[1] = (uint8_t)ldns_pkt_id(q);
	memcpy(buf + 12, qn, n);
	send_bytes(ch, cl, from, buf, len);
	return true;
}

static void answer_upstream(struct chaos *ch, const struct behaviour *b,
	const struct client *cl, const ldns_pkt *q, const uint8_t *wire,
	size_t len)
{
	ldns_pkt *u = NULL, *r;
	uint32_t from = b->kind == K_WRONG_SOURCE ? b->from : cl->dst;
	if (wire && (b->kind == K_HONEST || b->kind == K_TRUNCATE
		|| b->kind == K_FORGED_ID || b->kind == K_WRONG_SOURCE
		|| b->kind == K_LATE || b->kind == K_REPEAT
		|| b->kind == K_FLOOD)
		&& answer_fast(ch, cl, from, q, wire, len))
		return;
	if (!wire || ldns_wire2pkt(&u, wire, len) != LDNS_STATUS_OK) {
		send_pkt(ch, cl, from, reply_new(q, LDNS_RCODE_SERVFAIL, true),
			q);
		return;
	}
	r = reply_from(u, q);
	ldns_pkt_free(u);
	if (!r)
		return;
	switch (b->kind) {
	case K_VARYING: {
		struct random_ctx rc = { ch, b->net, b->len };
		if (map_a(r, a_random, &rc))
			ldns_pkt_set_ad(r, false);
		mx_random(ch, r);
		break;
	}
	case K_BITFLIP_SOMETIMES:
		if (rnd(ch) % b->n != 0)
			break;
		/* fall through */
	case K_BITFLIP:
		if (map_a(r, a_flip, (void *)&b->bit))
			ldns_pkt_set_ad(r, false);
		break;
	case K_ANSWER_A:
		if (map_a(r, a_fixed, (void *)&b->a)) {
			ldns_pkt_set_ad(r, false);
			dedupe_a(r);
		}
		break;
	case K_AD_ON_FALSE:
		if (map_a(r, a_fixed, (void *)&b->a)) {
			ldns_pkt_set_ad(r, true);
			dedupe_a(r);
		}
		break;
	case K_NXREWRITE:
		if (ldns_pkt_get_rcode(r) != LDNS_RCODE_NXDOMAIN)
			break;
		ldns_pkt_set_rcode(r, LDNS_RCODE_NOERROR);
		ldns_pkt_set_ad(r, false);
		clear_section(r, LDNS_SECTION_ANSWER);
		clear_section(r, LDNS_SECTION_AUTHORITY);
		if (ldns_rr_get_type(question(q)) == LDNS_RR_TYPE_A
			&& !push(r, LDNS_SECTION_ANSWER, rr_make(ldns_rr_owner(
			question(q)), LDNS_RR_TYPE_A, 60, rdf_a(b->a), NULL))) {
			ldns_pkt_free(r);
			return;
		}
		break;
	case K_OVERSIZED:
		send_oversized(ch, cl, from, r, cl->conn ? OVERSIZE_TCP :
			OVERSIZE_UDP);
		return;
	case K_DNSSEC_STRIPPED:
		strip_type(r, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_RRSIG);
		strip_type(r, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_RRSIG);
		strip_type(r, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_RRSIG);
		ldns_pkt_set_ad(r, false);
		break;
	default:
		break;	/* honest, truncate over TCP, forged-id, wrong-source */
	}
	send_pkt(ch, cl, from, r, q);
}

static void cache_key(const ldns_pkt *q, uint8_t *key, size_t *keylen)
{
	const ldns_rr *qr = question(q);
	const ldns_rdf *qname = ldns_rr_owner(qr);
	size_t n = ldns_rdf_size(qname);
	if (n > 255)
		n = 255;
	memcpy(key, ldns_rdf_data(qname), n);
	/* Lower case in the key; label length bytes are below 64, so only
	 * letters change. */
	for (size_t i = 0; i < n; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (uint8_t)(key[i] + 32);
	uint16_t t = ldns_rr_get_type(qr), c = ldns_rr_get_class(qr);
	key[n] = (uint8_t)(t >> 8);
	key[n + 1] = (uint8_t)t;
	key[n + 2] = (uint8_t)(c >> 8);
	key[n + 3] = (uint8_t)c;
	key[n + 4] = (uint8_t)((ldns_pkt_edns_do(q) ? 1 : 0)
		| (ldns_pkt_cd(q) ? 2 : 0));
	*keylen = n + 5;
}

static void pend_unlink(struct plist *l, struct pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	p->prev = p->next = NULL;
	l->n--;
}

static void pend_append(struct plist *l, struct pending *p)
{
	p->prev = l->tail;
	p->next = NULL;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	l->n++;
}

static void up_send(struct chaos *ch, struct pending *p);

/* Send waiting questions while the window has room. */
static void up_pump(struct chaos *ch)
{
	while (ch->flight.n < UP_WINDOW && ch->queue.head) {
		struct pending *p = ch->queue.head;
		pend_unlink(&ch->queue, p);
		p->in_flight = true;
		pend_append(&ch->flight, p);
		up_send(ch, p);
	}
}

static void waiter_free(struct chaos *ch, struct waiter *w);

/* Finish p: answer every waiter from wire (NULL: the upstream failed) and
 * free p. */
static void pend_finish(struct chaos *ch, struct pending *p,
	const uint8_t *wire, size_t len)
{
	pend_unlink(p->in_flight ? &ch->flight : &ch->queue, p);
	ch->pend_by_id[p->id] = NULL;
	if (ch->pend_by_hash[p->hash % 4096] == p)
		ch->pend_by_hash[p->hash % 4096] = NULL;
	ch->npend--;
	for (struct waiter *w = p->wait, *next; w; w = next) {
		next = w->next;
		if (!w->c.conn || !w->c.conn->closing)
			answer_upstream(ch, w->b, &w->c, w->q, wire, len);
		waiter_free(ch, w);
	}
	free(p->qwire);
	free(p);
	if (!ch->stopping)
		up_pump(ch);
}

static void up_send(struct chaos *ch, struct pending *p)
{
	uv_buf_t b = uv_buf_init((char *)p->qwire, (unsigned)p->qlen);
	p->tries++;
	p->sent = uv_now(ch->loop);
	/* On failure (a full socket buffer) the retry timer sends again. */
	(void)uv_udp_try_send(&ch->up, &b, 1,
		(const struct sockaddr *)&ch->cfg->upstream);
	ch->stat_upstream++;
}

/* Answer q for behaviour b from the cache, or queue it on an upstream
 * query (shared with identical questions in flight).  Takes q. */
static void ask_upstream(struct chaos *ch, const struct behaviour *b,
	const struct client *cl, ldns_pkt *q)
{
	uint8_t key[KEY_MAX];
	size_t keylen;
	cache_key(q, key, &keylen);
	uint64_t h = fnv1a(key, keylen), now = uv_now(ch->loop);
	struct cache_slot *s = &ch->cache[h & (ch->cfg->cache_size - 1)];
	if (s->wire && s->hash == h && s->keylen == keylen
		&& memcmp(s->key, key, keylen) == 0 && now < s->expires) {
		answer_upstream(ch, b, cl, q, s->wire, s->len);
		ldns_pkt_free(q);
		return;
	}
	if (ch->nwait >= WAIT_MAX) {
		ldns_pkt_free(q);	/* overloaded: act as a lost packet */
		return;
	}
	struct waiter *w = malloc(sizeof(*w));
	if (!w) {
		ldns_pkt_free(q);
		return;
	}
	w->b = b;
	w->c = *cl;
	w->q = q;
	if (cl->conn)
		cl->conn->refs++;
	ch->nwait++;
	struct pending *p = ch->pend_by_hash[h % 4096];
	if (p && p->hash == h && p->keylen == keylen
		&& memcmp(p->key, key, keylen) == 0) {
		w->next = p->wait;
		p->wait = w;
		return;
	}
	if (ch->npend >= PEND_MAX || !(p = calloc(1, sizeof(*p)))) {
		answer_upstream(ch, b, cl, q, NULL, 0);
		w->next = NULL;
		waiter_free(ch, w);
		return;
	}
	uint16_t id = (uint16_t)rnd(ch);
	while (ch->pend_by_id[id])
		id++;
	const ldns_rr *qr = question(q);
	ldns_rdf *qname = ldns_rdf_clone(ldns_rr_owner(qr));
	ldns_pkt *uq = NULL;
	if (qname) {
		ldns_dname2canonical(qname);
		uq = ldns_pkt_query_new(qname, ldns_rr_get_type(qr),
			ldns_rr_get_class(qr), LDNS_RD);
	}
	if (uq) {
		ldns_pkt_set_id(uq, id);
		ldns_pkt_set_cd(uq, ldns_pkt_cd(q));
		ldns_pkt_set_edns_udp_size(uq, 4096);
		ldns_pkt_set_edns_do(uq, ldns_pkt_edns_do(q));
	}
	if (!uq || ldns_pkt2wire(&p->qwire, uq, &p->qlen) != LDNS_STATUS_OK) {
		ldns_pkt_free(uq);
		free(p->qwire);
		free(p);
		answer_upstream(ch, b, cl, q, NULL, 0);
		w->next = NULL;
		waiter_free(ch, w);
		return;
	}
	ldns_pkt_free(uq);
	p->id = id;
	memcpy(p->key, key, keylen);
	p->keylen = keylen;
	p->hash = h;
	w->next = NULL;
	p->wait = w;
	ch->pend_by_id[id] = p;
	ch->pend_by_hash[h % 4096] = p;
	ch->npend++;
	p->queued = uv_now(ch->loop);
	pend_append(&ch->queue, p);
	up_pump(ch);
}

static void waiter_free(struct chaos *ch, struct waiter *w)
{
	struct tcp_conn *c = w->c.conn;
	ldns_pkt_free(w->q);
	free(w);
	ch->nwait--;
	if (c) {
		c->refs--;
		if (c->closing && c->handles == 0 && c->refs == 0)
			free(c);
	}
}

static void up_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct chaos *ch = h->data;
	(void)size;
	*buf = uv_buf_init((char *)ch->upbuf, sizeof(ch->upbuf));
}

static void up_read(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
	const struct sockaddr *addr, unsigned flags)
{
	struct chaos *ch = h->data;
	const struct sockaddr_in *from = (const struct sockaddr_in *)addr;
	(void)flags;
	if (nread < 12 || !addr || from->sin_family != AF_INET
		|| from->sin_addr.s_addr != ch->cfg->upstream.sin_addr.s_addr
		|| from->sin_port != ch->cfg->upstream.sin_port)
		return;
	const uint8_t *w = (const uint8_t *)buf->base;
	struct pending *p = ch->pend_by_id[(uint16_t)(w[0] << 8 | w[1])];
	ldns_pkt *u = NULL;
	if (!p || ldns_wire2pkt(&u, w, (size_t)nread) != LDNS_STATUS_OK)
		return;
	/* The question must be ours (it is lower case, as we asked). */
	const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(u), 0);
	uint8_t key[KEY_MAX];
	size_t keylen = 0;
	if (qr && ldns_pkt_qr(u)) {
		ldns_pkt_set_edns_do(u, p->key[p->keylen - 1] & 1);
		ldns_pkt_set_cd(u, p->key[p->keylen - 1] & 2);
		cache_key(u, key, &keylen);
	}
	ldns_pkt_rcode rcode = ldns_pkt_get_rcode(u);
	ldns_pkt_free(u);
	if (keylen != p->keylen || memcmp(key, p->key, keylen) != 0)
		return;
	/* We asked with EDNS 4096, so a larger reply is odd: not cached, and
	 * the cache stays within cache-size * 4096 bytes. */
	if (rcode != LDNS_RCODE_SERVFAIL && ch->cfg->cache_ttl > 0
		&& nread <= UDP_MAX) {
		struct cache_slot *s = &ch->cache[p->hash
			& (ch->cfg->cache_size - 1)];
		uint8_t *copy = malloc((size_t)nread);
		if (copy) {
			memcpy(copy, w, (size_t)nread);
			free(s->wire);
			s->wire = copy;
			s->len = (size_t)nread;
			s->hash = p->hash;
			memcpy(s->key, p->key, p->keylen);
			s->keylen = p->keylen;
			s->expires = uv_now(ch->loop) + ch->cfg->cache_ttl
				* 1000ULL;
		}
	}
	pend_finish(ch, p, w, (size_t)nread);
	udp_flush(ch);
}

static void on_timer(uv_timer_t *t)
{
	struct chaos *ch = t->data;
	uint64_t now = uv_now(ch->loop);
	/* The lists are in send and arrival order, so the first young one
	 * ends each scan. */
	while (ch->flight.head && ch->flight.head->sent + UP_TIMEOUT_MS <= now) {
		struct pending *p = ch->flight.head;
		if (p->tries >= UP_TRIES) {
			pend_finish(ch, p, NULL, 0);
			continue;
		}
		pend_unlink(&ch->flight, p);
		pend_append(&ch->flight, p);
		up_send(ch, p);
	}
	/* An upstream that answers nothing leaves the queue waiting as long
	 * as a query's every try: as late as a resolver gives up. */
	while (ch->queue.head && ch->queue.head->queued
		+ (uint64_t)UP_TIMEOUT_MS * UP_TRIES <= now)
		pend_finish(ch, ch->queue.head, NULL, 0);
	late_flush(ch, false);
	udp_flush(ch);
}

static const char *kind_name(const struct behaviour *b)
{
	return kinds[b->kind].name;
}

/* One parsed query q (taken) from cl0 to its destination address. */
static bool drop_first(struct chaos *ch, const struct client *cl,
	const ldns_pkt *q);

static void handle_query(struct chaos *ch, const struct client *cl0,
	ldns_pkt *q)
{
	const struct behaviour *b = lookup(ch->cfg, cl0->dst);
	struct client c = *cl0;
	const struct client *cl = &c;
	/* Carried with the client, so replies after an upstream wait too. */
	if (b && b->kind == K_LATE)
		c.delay_ms = b->n;
	if (b && b->kind == K_REPEAT)
		c.copies = b->n;
	ch->stat_queries++;
	if (ch->verbose) {
		char d[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], *qs = NULL;
		struct in_addr da = { cl->dst };
		inet_ntop(AF_INET, &da, d, sizeof(d));
		inet_ntop(AF_INET, &cl->peer.sin_addr, p, sizeof(p));
		if (ldns_pkt_qdcount(q) == 1)
			qs = ldns_rr2str(question(q));
		if (qs && strchr(qs, '\n'))
			*strchr(qs, '\n') = 0;
		fprintf(stderr, "chaos: %s %s from %s:%u %s: %s\n",
			cl->conn ? "tcp" : "udp", d, p,
			ntohs(cl->peer.sin_port), b ? kind_name(b) : "(none)",
			qs ? qs : "?");
		free(qs);
	}
	if (!b || b->kind == K_SILENT || ldns_pkt_qr(q) ||
	    (b->kind == K_DROP_FIRST && drop_first(ch, cl, q))) {
		ldns_pkt_free(q);
		return;
	}
	if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY) {
		send_pkt(ch, cl, cl->dst, reply_new(q, LDNS_RCODE_NOTIMPL,
			true), q);
		ldns_pkt_free(q);
		return;
	}
	if (ldns_pkt_qdcount(q) != 1 || ldns_pkt_ancount(q) != 0) {
		send_pkt(ch, cl, cl->dst, reply_new(q, LDNS_RCODE_FORMERR,
			true), q);
		ldns_pkt_free(q);
		return;
	}
	ldns_pkt *r = NULL;
	switch (b->kind) {
	case K_REFUSED:
		r = reply_new(q, LDNS_RCODE_REFUSED, true);
		break;
	case K_SERVFAIL:
		r = reply_new(q, LDNS_RCODE_SERVFAIL, true);
		break;
	case K_STATIC:
		r = synth_static(b, q);
		break;
	case K_REFERRAL:
		r = synth_referral(ch->cfg, q);
		break;
	case K_AUTHROTATE:
		/* The rotor is the one piece of mutable behaviour state. */
		r = synth_authrotate((struct behaviour *)b, q, cl->dst);
		break;
	case K_MALFORMED: {
		uint8_t buf[1024];
		size_t n = craft_malformed(ch, b->mode, q, buf, sizeof(buf));
		if (n)
			send_bytes(ch, cl, cl->dst, buf, n);
		ldns_pkt_free(q);
		return;
	}
	case K_OVERSIZED:
		if (!b->over_tcp || cl->conn)
			break;
		/* TC=1 over UDP, the oversized reply over TCP */
		/* fall through */
	case K_TRUNCATE:
		if (cl->conn)
			break;
		r = reply_new(q, LDNS_RCODE_NOERROR, true);
		if (r)
			ldns_pkt_set_tc(r, true);
		break;
	case K_EMPTY:
		/* Zero bytes over UDP; over TCP a zero length prefix. */
		send_bytes(ch, cl, cl->dst, (const uint8_t *)"", 0);
		ldns_pkt_free(q);
		return;
	case K_FLOOD:
		if (!cl->conn)
			send_flood(ch, b, cl, q);
		break;
	case K_WRONG_SOURCE:
		if (cl->conn) {
			/* A TCP reply cannot come from elsewhere: stay
			 * silent, like the true resolver. */
			ldns_pkt_free(q);
			return;
		}
		break;
	case K_FORGED_ID:
		if (!cl->conn) {
			ldns_pkt *f = synth_static(b, q);
			if (f) {
				ldns_pkt_set_id(f, ldns_pkt_id(q) ^ 0x5a5a);
				send_pkt(ch, cl, cl->dst, f, q);
			}
		}
		break;
	default:
		break;
	}
	if (r || !needs_upstream(b)) {
		send_pkt(ch, cl, cl->dst, r, q);
		ldns_pkt_free(q);
		return;
	}
	ask_upstream(ch, b, cl, q);
}

/* drop-first: true for every other UDP query for the same question (name
 * in any case, type) from the same address, starting with the first: a
 * scanner's retry gets the answer its first try did not.  The question
 * rather than the id, since a retry may come with another id. */
static bool drop_first(struct chaos *ch, const struct client *cl,
	const ldns_pkt *q)
{
	if (cl->conn || ldns_pkt_qdcount(q) != 1)
		return false;
	const ldns_rr *qr = question(q);
	const ldns_rdf *name = ldns_rr_owner(qr);
	uint64_t h = 1469598103934665603ull ^ cl->peer.sin_addr.s_addr;
	const uint8_t *d = ldns_rdf_data(name);
	for (size_t i = 0; i < ldns_rdf_size(name); i++) {
		uint8_t c = d[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		h = (h ^ c) * 1099511628211ull;
	}
	h = (h ^ ldns_rr_get_type(qr)) * 1099511628211ull;
	h |= 1;
	uint64_t *slot = &ch->dropped[(h >> 20) % 4096];
	if (*slot == h) {
		*slot = 0;
		return false;
	}
	*slot = h;
	return true;
}

/* Bytes that did not parse as a query: FORMERR when there is a query
 * header to answer, else nothing. */
static void handle_garbage(struct chaos *ch, const struct client *cl,
	const uint8_t *buf, size_t len)
{
	const struct behaviour *b = lookup(ch->cfg, cl->dst);
	if (len < 12 || (buf[2] & 0x80) || !b || b->kind == K_SILENT)
		return;
	uint8_t r[12] = { buf[0], buf[1], (uint8_t)(0x80 | (buf[2] & 0x79)),
		LDNS_RCODE_FORMERR };
	send_bytes(ch, cl, cl->dst, r, sizeof(r));
}

static void handle_wire(struct chaos *ch, const struct client *cl,
	const uint8_t *buf, size_t len)
{
	ldns_pkt *q = NULL;
	if (ldns_wire2pkt(&q, buf, len) != LDNS_STATUS_OK) {
		handle_garbage(ch, cl, buf, len);
		return;
	}
	handle_query(ch, cl, q);
}

/* ----------------------------------------------------------------- UDP */

static void on_udp(uv_poll_t *h, int status, int events)
{
	struct chaos *ch = h->data;
	static uint8_t bufs[UDP_BATCH][QUERY_MAX];
	static struct sockaddr_in peers[UDP_BATCH];
	static union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[UDP_BATCH];
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	(void)events;
	if (status < 0)
		return;
	/* A bounded number of batches, so TCP and the upstream get turns. */
	for (int round = 0; round < 16; round++) {
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < UDP_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = QUERY_MAX;
			msgs[i].msg_hdr.msg_name = &peers[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i].buf;
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		}
		int n = recvmmsg(ch->udp_fd, msgs, UDP_BATCH, MSG_DONTWAIT,
			NULL);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct msghdr *m = &msgs[i].msg_hdr;
			struct client cl = { 0 };
			bool have_dst = false;
			if (m->msg_flags & (MSG_TRUNC | MSG_CTRUNC)
				|| peers[i].sin_family != AF_INET)
				continue;
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm;
				cm = CMSG_NXTHDR(m, cm)) {
				if (cm->cmsg_level == IPPROTO_IP
					&& cm->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;
					memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
					cl.dst = pi.ipi_addr.s_addr;
					have_dst = true;
				}
			}
			if (!have_dst)
				continue;
			cl.peer = peers[i];
			handle_wire(ch, &cl, bufs[i], msgs[i].msg_len);
		}
		udp_flush(ch);
		if (n < UDP_BATCH)
			break;
	}
}

/* ----------------------------------------------------------------- TCP */

static void tcp_handle_closed(uv_handle_t *h)
{
	struct tcp_conn *c = h->data;
	if (--c->handles == 0 && c->refs == 0)
		free(c);
}

static void tcp_close(struct tcp_conn *c)
{
	struct chaos *ch = c->ch;
	if (c->closing)
		return;
	c->closing = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		ch->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ch->nconns--;
	free(c->buf);
	c->buf = NULL;
	uv_close((uv_handle_t *)&c->tcp, tcp_handle_closed);
	uv_close((uv_handle_t *)&c->idle, tcp_handle_closed);
}

static void tcp_idle(uv_timer_t *t)
{
	tcp_close(t->data);
}

static void tcp_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct tcp_conn *c = h->data;
	(void)size;
	if (!c->buf || c->len >= 2 + 65535) {
		*buf = uv_buf_init(NULL, 0);
		return;
	}
	*buf = uv_buf_init((char *)c->buf + c->len,
		(unsigned)(2 + 65535 - c->len));
}

static void tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct tcp_conn *c = s->data;
	struct chaos *ch = c->ch;
	(void)buf;
	if (nread < 0) {
		tcp_close(c);
		return;
	}
	c->len += (size_t)nread;
	uv_timer_again(&c->idle);
	size_t off = 0;
	while (!c->closing && c->len - off >= 2) {
		size_t n = (size_t)c->buf[off] << 8 | c->buf[off + 1];
		if (n == 0) {
			tcp_close(c);
			return;
		}
		if (c->len - off < 2 + n)
			break;
		struct client cl = { .conn = c, .peer = c->peer,
			.dst = c->dst };
		handle_wire(ch, &cl, c->buf + off + 2, n);
		off += 2 + n;
	}
	if (c->closing)
		return;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
}

static void on_accept(uv_stream_t *server, int status)
{
	struct chaos *ch = server->data;
	struct tcp_conn *c;
	struct sockaddr_storage ss;
	int sl = sizeof(ss);
	if (status < 0 || !(c = calloc(1, sizeof(*c))))
		return;
	c->ch = ch;
	uv_tcp_init(ch->loop, &c->tcp);
	uv_timer_init(ch->loop, &c->idle);
	c->tcp.data = c->idle.data = c;
	c->handles = 2;
	c->next = ch->conns;
	if (ch->conns)
		ch->conns->prev = c;
	ch->conns = c;
	ch->nconns++;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		tcp_close(c);
		return;
	}
	if (ch->nconns > TCP_MAX
		|| uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&ss, &sl) < 0
		|| ss.ss_family != AF_INET) {
		tcp_close(c);
		return;
	}
	c->dst = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
	sl = sizeof(ss);
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &sl) == 0
		&& ss.ss_family == AF_INET)
		c->peer = *(struct sockaddr_in *)&ss;
	if (!lookup(ch->cfg, c->dst) || !(c->buf = malloc(2 + 65535))) {
		tcp_close(c);
		return;
	}
	uv_timer_start(&c->idle, tcp_idle, TCP_IDLE_MS, TCP_IDLE_MS);
	uv_read_start((uv_stream_t *)&c->tcp, tcp_alloc, tcp_read);
}

/* ------------------------------------------------------------- startup */

/* A scan arrives in bursts of thousands of queries, more than the default
 * socket buffer holds: ask for a large one (as root, beyond rmem_max), else
 * what the system allows.  Best effort. */
static void grow_buffers(int fd)
{
	int big = 32 << 20, ok = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &ok, sizeof(ok));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &ok, sizeof(ok));
}

static int bind_socket(int type, uint16_t port)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(port) };
	if (fd < 0) {
		fprintf(stderr, "%s:%d: socket: %s\n", __FILE__, __LINE__,
			strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0
		|| setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0
		|| (type == SOCK_DGRAM && setsockopt(fd, IPPROTO_IP, IP_PKTINFO,
			&one, sizeof(one)) < 0)) {
		fprintf(stderr, "%s:%d: setsockopt: %s\n", __FILE__, __LINE__,
			strerror(errno));
		close(fd);
		return -1;
	}
	if (type == SOCK_DGRAM)
		grow_buffers(fd);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "%s:%d: bind 0.0.0.0:%u (%s): %s\n", __FILE__,
			__LINE__, port, type == SOCK_DGRAM ? "udp" : "tcp",
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void close_cb(uv_handle_t *h)
{
	(void)h;
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct chaos *ch = s->data;
	(void)signum;
	if (ch->stopping)
		return;
	ch->stopping = true;
	if (ch->verbose)
		fprintf(stderr, "chaos: %" PRIu64 " queries, %" PRIu64
			" replies, %" PRIu64 " upstream queries\n",
			ch->stat_queries, ch->stat_replies, ch->stat_upstream);
	for (struct plist *l = &ch->flight; l; l = l == &ch->flight ?
		&ch->queue : NULL) {
		while (l->head) {
			struct pending *p = l->head;
			pend_unlink(l, p);
			for (struct waiter *w = p->wait, *next; w; w = next) {
				next = w->next;
				waiter_free(ch, w);
			}
			free(p->qwire);
			free(p);
		}
	}
	ch->npend = 0;
	while (ch->conns)
		tcp_close(ch->conns);
	uv_close((uv_handle_t *)&ch->udp_poll, close_cb);
	uv_close((uv_handle_t *)&ch->tcp_listen, close_cb);
	if (ch->cfg->has_upstream)
		uv_close((uv_handle_t *)&ch->up, close_cb);
	uv_close((uv_handle_t *)&ch->timer, close_cb);
	uv_close((uv_handle_t *)&ch->sigterm, close_cb);
	uv_close((uv_handle_t *)&ch->sigint, close_cb);
}

static int serve(struct config *cfg, uint16_t port, int verbose)
{
	struct chaos *ch = calloc(1, sizeof(*ch));
	int rc = 1;
	if (!ch) {
		fprintf(stderr, "%s:%d: out of memory\n", __FILE__, __LINE__);
		return 1;
	}
	ch->cfg = cfg;
	ch->verbose = verbose;
	ch->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	ch->loop = uv_default_loop();
	ch->udp_fd = ch->tcp_fd = -1;
	ch->cache = calloc(cfg->cache_size, sizeof(*ch->cache));
	ch->out = calloc(UDP_BATCH, sizeof(*ch->out));
	if (!ch->cache || !ch->out) {
		fprintf(stderr, "%s:%d: out of memory\n", __FILE__, __LINE__);
		goto out;
	}
	qsort(cfg->rules, cfg->nrules, sizeof(*cfg->rules), rule_cmp);
	if ((ch->udp_fd = bind_socket(SOCK_DGRAM, port)) < 0
		|| (ch->tcp_fd = bind_socket(SOCK_STREAM, port)) < 0)
		goto out;
	int e;
	uv_tcp_init(ch->loop, &ch->tcp_listen);
	ch->tcp_listen.data = ch;
	if ((e = uv_tcp_open(&ch->tcp_listen, ch->tcp_fd)) < 0
		|| (e = uv_listen((uv_stream_t *)&ch->tcp_listen, 128,
			on_accept)) < 0) {
		fprintf(stderr, "%s:%d: listen: %s\n", __FILE__, __LINE__,
			uv_strerror(e));
		uv_close((uv_handle_t *)&ch->tcp_listen, close_cb);
		uv_run(ch->loop, UV_RUN_DEFAULT);
		ch->tcp_fd = -1;	/* closed with the handle */
		goto out;
	}
	ch->tcp_fd = -1;	/* owned by tcp_listen now */
	uv_poll_init(ch->loop, &ch->udp_poll, ch->udp_fd);
	ch->udp_poll.data = ch;
	uv_poll_start(&ch->udp_poll, UV_READABLE, on_udp);
	uv_timer_init(ch->loop, &ch->timer);
	ch->timer.data = ch;
	uv_timer_start(&ch->timer, on_timer, 100, 100);
	uv_signal_init(ch->loop, &ch->sigterm);
	uv_signal_init(ch->loop, &ch->sigint);
	ch->sigterm.data = ch->sigint.data = ch;
	uv_signal_start(&ch->sigterm, on_signal, SIGTERM);
	uv_signal_start(&ch->sigint, on_signal, SIGINT);
	if (cfg->has_upstream) {
		struct sockaddr_in any = { .sin_family = AF_INET };
		uv_os_fd_t ufd;
		uv_udp_init(ch->loop, &ch->up);
		ch->up.data = ch;
		if ((e = uv_udp_bind(&ch->up, (const struct sockaddr *)&any, 0))
			< 0) {
			fprintf(stderr, "%s:%d: upstream socket: %s\n", __FILE__,
				__LINE__, uv_strerror(e));
			on_signal(&ch->sigterm, SIGTERM);	/* closes all */
			uv_run(ch->loop, UV_RUN_DEFAULT);
			goto out;
		}
		if (uv_fileno((uv_handle_t *)&ch->up, &ufd) == 0)
			grow_buffers(ufd);
		uv_udp_recv_start(&ch->up, up_alloc, up_read);
	}
	if (verbose)
		fprintf(stderr, "chaos: serving %zu rules on port %u\n",
			cfg->nrules, port);
	uv_run(ch->loop, UV_RUN_DEFAULT);
	rc = 0;
out:
	if (ch->udp_fd >= 0)
		close(ch->udp_fd);
	if (ch->tcp_fd >= 0)
		close(ch->tcp_fd);
	if (ch->cache)
		for (size_t i = 0; i < cfg->cache_size; i++)
			free(ch->cache[i].wire);
	free(ch->cache);
	late_flush(ch, true);
	free(ch->out);
	if (uv_loop_close(ch->loop) != 0 && rc == 0) {
		fprintf(stderr, "%s:%d: handles left open at exit\n", __FILE__,
			__LINE__);
		rc = 1;
	}
	free(ch);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: chaos -c CONFIG [-p PORT] [-v]\n"
"       chaos -c CONFIG --manifest\n"
"The lab's lying DNS server: answers on 0.0.0.0:PORT (UDP and TCP) from the\n"
"address asked, with the behaviour CONFIG gives that address.\n"
"  -c, --config FILE  configuration (see tests/lab/chaos.conf.example)\n"
"  -m, --manifest     print ADDRESS<TAB>CLASS<TAB>FLAGS<TAB>DESCRIPTION for\n"
"                     every configured address and exit\n"
"  -p, --port PORT    port to serve (default 53)\n"
"  -v, --verbose      one line per query on stderr\n"
"  -h, --help         this text\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "manifest", no_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL;
	bool want_manifest = false;
	unsigned long port = 53;
	int verbose = 0, o, rc;
	while ((o = getopt_long(argc, argv, "c:mp:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			file = optarg;
			break;
		case 'm':
			want_manifest = true;
			break;
		case 'p':
			if (parse_uint(optarg, 65535, &port) || port == 0) {
				fprintf(stderr, "chaos: bad port \"%s\"\n",
					optarg);
				return 1;
			}
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!file || optind != argc) {
		usage(stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	struct config *cfg = config_load(file);
	if (!cfg)
		return 1;
	if (want_manifest)
		rc = manifest(cfg, stdout) == 0 ? 0 : 1;
	else
		rc = serve(cfg, (uint16_t)port, verbose);
	config_free(cfg);
	return rc;
}

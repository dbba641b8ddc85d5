/* scan.c: the scan engine (see scan.h).  The pure parts (query wire
 * format, reply matching, the in-flight table, the token bucket, the plan,
 * discovery's keyed question, answered set, queue, ring and trail) live in
 * match.c, ratelimit.c, plan.c and discovery.c; this file is the libuv
 * edge. */
#define _GNU_SOURCE	/* sendmmsg */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <ldns/ldns.h>
#include "scan/scan.h"
#include "scan/match.h"
#include "scan/discovery.h"
#include "scan/ratelimit.h"

#define MS 1000000ull
/* Sends per pump call: enough to fill libuv's sendmmsg batches, few
 * enough that replies are read between bursts. */
#define PUMP_BATCH 512
/* recvmmsg: libuv reads one 64 KiB chunk per datagram, at most 20
 * (UV__MMSG_MAXWIDTH) per call.  A typical reply touches only the first
 * page of its chunk: the rest costs address space, not memory. */
#define RECV_CHUNKS 20
#define RECV_BUF ((size_t)RECV_CHUNKS * 64 * 1024)
/* A TCP reply is at most 65535 bytes plus the length prefix. */
#define TCP_MAX (65535 + 2)
/* Discovery questions with libuv at once (each send needs its request and
 * bytes until libuv is done with them): enough for sendmmsg batches. */
#define DISC_SLOTS 2048
/* Positions of discovery kept for checkpoints: one every timeout / 32
 * (at least 100 ms), so the newest a timeout old is at most that stale. */
#define DISC_SNAPS 64
enum qstate {
	Q_IDLE = 0,	/* not started, or finished */
	Q_QUEUED,	/* waiting for a token in the send queue */
	Q_OUTSTANDING,	/* sent over UDP, waiting for a reply */
	Q_TCP,		/* truncated: asking again over TCP */
	Q_DONE
};

struct resolver;
struct tcpq;

/* One question to one resolver.  Lives inside its resolver's block. */
struct query {
	struct query *prev, *next;	/* the deadline list */
	struct query *sendq_next;	/* the send queue */
	struct resolver *r;
	struct tcpq *tcp;		/* while state == Q_TCP */
	ldns_pkt *tc_reply;		/* the truncated UDP reply, kept as
					 * the result if TCP fails */
	ldns_pkt *fwd_reply;		/* a validated reply from another
					 * address, held until the deadline:
					 * the target's own reply wins */
	struct prefix fwd_from;		/* where fwd_reply came from */
	uint64_t fwd_ns;		/* and when */
	unsigned fwd_n;			/* validated replies from there */
	uv_udp_send_t req;		/* reused for every try */
	uint64_t first_ns, deadline_ns;
	enum qstate state;
	bool sending;			/* req is with libuv */
	bool malformed;			/* a matching reply did not parse */
	uint8_t tcp_err;		/* errno of a failed TCP exchange */
	bool fwd_ambiguous;		/* validated replies from two other
					 * addresses: none is taken */
	uint16_t id;
	uint16_t sock;			/* index into scan.udp */
	uint16_t len;
	unsigned tries;
	/* Replies its target still owes to its UDP tries once it takes no
	 * more (answered, truncated or timed out), and the (sock, id) they
	 * carry: a resolver that answers a try and its retry sent only what
	 * was asked.  Kept into the next round (start_round). */
	uint16_t owed_sock, owed_id;
	uint8_t owed;
	size_t item;			/* index into the plan */
	uint8_t wire[MATCH_QUERY_MAX];
};

/* Everything about one target, in one block freed when its result is
 * handed out: the observation so far and one query per plan item. */
struct resolver {
	struct resolver *hnext;		/* the by-address hash */
	struct resolver *cnext;		/* the confirmation queue */
	struct prefix addr;
	struct sockaddr_storage sa;
	struct observation *obs;	/* owned until handed out */
	uint64_t confirm_ns;		/* when round 1 may start */
	unsigned pending;		/* queries of this round not finished */
	unsigned sending;		/* queries whose req is with libuv */
	unsigned queued;		/* entries in the send queue */
	int round;
	bool abandoned;			/* a query was dropped by a stop */
	bool finished;			/* handed out; free when sending == 0 */
	struct query q[];
};

/* A TCP retry of a truncated query. */
struct tcpq {
	uv_tcp_t tcp;
	uv_connect_t conn;
	uv_write_t wr;
	struct scan *s;
	struct query *q;		/* NULL once given up */
	uint8_t *in;			/* owned; grows to the announced length */
	size_t inlen, incap;
	uint8_t out[2 + MATCH_QUERY_MAX];
};

/* Discovery questions a socket gathers before one sendmmsg. */
#define DISC_BATCH 64

struct disc_send;

struct udpsock {
	uv_udp_t h;
	struct scan *s;
	unsigned index;
	bool open;
	uint8_t *buf;			/* recvmmsg buffer, owned */
	struct disc_send *batch[DISC_BATCH];	/* discovery questions to send */
	unsigned nbatch;
};

struct scan {
	uv_loop_t *loop;
	struct scan_opts o;
	struct scan_stats st;
	struct inflight table;
	struct ratelimit rl;
	/* Query templates per plan item (NXCONTROL items are built per
	 * resolver): the wire with id 0 and the case as in the plan. */
	uint8_t (*tmpl)[MATCH_QUERY_MAX];
	uint16_t *tmpl_len;
	/* Sockets: index family * sockets + i, family 0 IPv4, 1 IPv6. */
	struct udpsock *udp;
	bool family_open[2];
	bool family_failed[2];
	/* The deadline list (all tries have the same timeout, so appending
	 * keeps it sorted) and the send queue. */
	struct query *dl_head, *dl_tail;
	struct query *sq_head, *sq_tail;
	struct resolver *cq_head, *cq_tail;	/* awaiting confirmation */
	size_t cq_len, cq_max;	/* their number, and its cap */
	struct resolver **hash;
	size_t hmask;
	struct resolver *pool;		/* freed blocks kept for reuse */
	size_t npool;
	uint64_t assigned;		/* queries queued or outstanding */
	uint64_t active;		/* resolvers not yet handed out */
	uv_timer_t tick, rate_timer, progress;
	uv_check_t check;
	uv_idle_t idle;
	unsigned open_handles;
	unsigned tcp_open;		/* TCP handles not yet closed */
	bool started, targets_done, stopping, finishing, idle_on;
	uint64_t last_sent, last_recv, last_ns;
	uint8_t rnd[4096];
	size_t rnd_pos;
	struct disc *d;			/* discovery, when on; owned */
};

/* Discovery's state: nothing per silent target.  Sizes are fixed at start
 * but for the found set and the queue, which grow with the targets that
 * answered. */

enum disc_phase {
	D_SENDING,	/* a pass over the targets */
	D_WAIT,		/* a pass is over: wait for the next, or the end */
	D_SILENT,	/* output_silent: a pass handing out the silent */
	D_DONE
};

struct disc_send {
	uv_udp_send_t req;
	struct disc_send *next;		/* the free list */
	struct sockaddr_storage sa;
	uint16_t len;
	uint8_t wire[MATCH_QUERY_MAX];
};


struct disc {
	struct disc_key key;		/* keyed with the scan's secret */
	char name[LDNS_MAX_DOMAINLEN + 8];	/* as the plan spells names */
	uint16_t qtype;
	enum disc_phase phase;
	uint64_t pass_start_ns, next_ns, last_send_ns;
	uint64_t pos;			/* targets visited in this pass */
	bool have_pending;		/* pending: pulled, waiting for a token */
	struct prefix pending;
	struct disc_send *slots, *free_slots;
	struct disc_sent sent;		/* for forwarders' replies */
	struct disc_seen seen;		/* the targets that answered */
	struct disc_queue iq;		/* to the plan */
	size_t iq_pause;		/* sending pauses at this length */
	/* Checkpoints: where discovery was (a ring of snapshots), the targets
	 * that answered but were dropped unwritten (a stop, no socket), the
	 * list handed to the callback, and when a first stop may end. */
	struct disc_snap {
		uint64_t ns, mark;
		unsigned pass;
		bool over;
	} snap[DISC_SNAPS];
	size_t snap_n, snap_head;
	uint64_t snap_every_ns, last_snap_ns, last_cp_ns;
	struct prefix *lost, *cp;
	size_t lost_n, lost_cap, cp_cap;
	uint64_t stop_wait_ns;
	struct disc_trail trail[2];	/* this pass's and the one before */
	unsigned trail_cur;
	uint64_t tpos;			/* the current target's position */
	uint64_t end_mark;		/* the position where the last pass
					 * ended */
	bool cut;			/* a second stop: the wait was cut */
};

static void pump(struct scan *s);
static void maybe_finish(struct scan *s);
static void disc_lost(struct scan *s, const struct prefix *t);

/* Random bytes from OpenSSL's CSPRNG, drawn 4 KiB at a time. */
static void rnd_bytes(struct scan *s, void *out, size_t n)
{
	uint8_t *p = out;
	while (n) {
		if (s->rnd_pos == sizeof(s->rnd)) {
			if (RAND_bytes(s->rnd, sizeof(s->rnd)) != 1)
				abort();	/* no entropy: ids would be guessable */
			s->rnd_pos = 0;
		}
		size_t k = sizeof(s->rnd) - s->rnd_pos;
		if (k > n)
			k = n;
		memcpy(p, s->rnd + s->rnd_pos, k);
		s->rnd_pos += k;
		p += k;
		n -= k;
	}
}

static uint32_t rnd32(struct scan *s)
{
	uint32_t v;
	rnd_bytes(s, &v, sizeof(v));
	return v;
}

static int family_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/* --- the by-address hash: which resolvers are in flight ---------------- */

static size_t addr_hash(const struct scan *s, const uint8_t *a, int family)
{
	size_t n = family == AF_INET6 ? 16 : 4;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 29) & s->hmask;
}

static void hash_add(struct scan *s, struct resolver *r)
{
	size_t b = addr_hash(s, r->addr.addr, r->addr.family);
	r->hnext = s->hash[b];
	s->hash[b] = r;
}

static void hash_del(struct scan *s, struct resolver *r)
{
	struct resolver **p = &s->hash[addr_hash(s, r->addr.addr,
		r->addr.family)];
	while (*p && *p != r)
		p = &(*p)->hnext;
	if (*p)
		*p = r->hnext;
}

static struct resolver *hash_find(struct scan *s, const struct sockaddr *sa)
{
	const uint8_t *a;
	int family = sa->sa_family;
	if (family == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	else if (family == AF_INET6)
		a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return NULL;
	size_t n = family == AF_INET6 ? 16 : 4;
	for (struct resolver *r = s->hash[addr_hash(s, a, family)]; r;
	     r = r->hnext)
		if (r->addr.family == family && !memcmp(r->addr.addr, a, n))
			return r;
	return NULL;
}

/* --- lists ---------------------------------------------------------- */

static void dl_append(struct scan *s, struct query *q)
{
	q->next = NULL;
	q->prev = s->dl_tail;
	if (s->dl_tail)
		s->dl_tail->next = q;
	else
		s->dl_head = q;
	s->dl_tail = q;
}

static void dl_remove(struct scan *s, struct query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else if (s->dl_head == q)
		s->dl_head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else if (s->dl_tail == q)
		s->dl_tail = q->prev;
	q->prev = q->next = NULL;
}

static void sq_append(struct scan *s, struct query *q)
{
	q->r->queued++;
	q->sendq_next = NULL;
	if (s->sq_tail)
		s->sq_tail->sendq_next = q;
	else
		s->sq_head = q;
	s->sq_tail = q;
	q->state = Q_QUEUED;
}

/* The next entry of the send queue, whatever its state (a query answered
 * by a late reply while queued for a retry stays in the queue). */
static struct query *sq_pop(struct scan *s)
{
	struct query *q = s->sq_head;
	if (q) {
		q->r->queued--;
		s->sq_head = q->sendq_next;
		if (!s->sq_head)
			s->sq_tail = NULL;
		q->sendq_next = NULL;
	}
	return q;
}

/* --- resolvers ------------------------------------------------------ */


/* Free r once it is handed out and libuv holds none of its requests and
 * the send queue none of its queries. */
static void resolver_release(struct scan *s, struct resolver *r)
{
	if (!r->finished || r->sending || r->queued)
		return;
	for (size_t i = 0; i < s->o.plan->n; i++) {
		if (r->q[i].tc_reply)
			ldns_pkt_free(r->q[i].tc_reply);
		if (r->q[i].fwd_reply)
			ldns_pkt_free(r->q[i].fwd_reply);
	}
	observation_free(r->obs);
	/* Keep the block for the next resolver: blocks of a few KiB come from
	 * malloc's large bins, and each such malloc would first consolidate
	 * every small chunk ldns freed.  The pool never outgrows the window. */
	if (s->npool < s->o.max_inflight / s->o.plan->n + 64) {
		r->hnext = s->pool;
		s->pool = r;
		s->npool++;
	} else {
		free(r);
	}
}

/* A zeroed resolver block, from the pool when it has one. */
static struct resolver *resolver_alloc(struct scan *s)
{
	size_t size = sizeof(struct resolver) +
		s->o.plan->n * sizeof(struct query);
	struct resolver *r = s->pool;
	if (!r)
		return calloc(1, size);
	s->pool = r->hnext;
	s->npool--;
	memset(r, 0, size);
	return r;
}

/* Hand out r's observation (or drop it when a stop cut it short). */
static void resolver_done(struct scan *s, struct resolver *r)
{
	hash_del(s, r);
	s->active--;
	struct observation *o = r->obs;
	r->obs = NULL;
	r->finished = true;
	/* A resolver cut short by a stop (a try or its confirmation round not
	 * done) is not handed out: it would differ from what a scan without
	 * the stop writes, and --resume asks it again. */
	if (r->abandoned || !o) {
		s->st.abandoned++;
		if (s->d)
			disc_lost(s, &r->addr);
		observation_free(o);
	} else {
		s->st.resolvers++;
		if (s->o.result(s->o.ctx, o) < 0) {
			s->st.failed = true;
			scan_stop(s);
		}
	}
	resolver_release(s, r);
}

static void round_done(struct scan *s, struct resolver *r)
{
	if (r->round == 0 && !r->abandoned && s->o.confirm &&
	    s->o.confirm(s->o.ctx, r->obs)) {
		if (s->stopping) {
			/* Its confirmation round is cut short. */
			r->abandoned = true;
			resolver_done(s, r);
			return;
		}
		r->round = 1;
		r->confirm_ns = uv_hrtime() + s->o.confirm_delay_ms * MS;
		r->cnext = NULL;
		if (s->cq_tail)
			s->cq_tail->cnext = r;
		else
			s->cq_head = r;
		s->cq_tail = r;
		s->cq_len++;
		s->st.confirmed++;
		return;
	}
	resolver_done(s, r);
}

/* q takes no more replies over UDP; took says whether it took one of its
 * target's (the answer, or a truncated one).  Every other try may still
 * be answered.  With none, what an earlier round is owed stays: a
 * confirmation round answered at once must not forget the reply to the
 * first round's retry, still on its way. */
static void owe(struct scan *s, struct query *q, bool took)
{
	unsigned n = s->o.tcp_only ? 0 : q->tries - (took && q->tries);
	if (n == 0)
		return;
	q->owed = (uint8_t)(n > UINT8_MAX ? UINT8_MAX : n);
	q->owed_sock = q->sock;
	q->owed_id = q->id;
}

/* Record how query q ended (taking ownership of reply) and, when it was
 * the last of its round, finish the round. */
static void finish(struct scan *s, struct query *q, enum reply_status status,
	ldns_pkt *reply, bool tcp)
{
	struct resolver *r = q->r;
	const struct plan_item *it = &s->o.plan->items[q->item];
	bool fwd = reply && reply == q->fwd_reply;
	if (q->state != Q_TCP)	/* start_tcp counted a truncated query's */
		owe(s, q, status == REPLY_OK && !fwd);
	if (inflight_get(&s->table, q->sock, q->id) == q)
		inflight_del(&s->table, q->sock, q->id);
	dl_remove(s, q);
	q->state = Q_DONE;
	s->assigned--;
	if (q->tc_reply && q->tc_reply != reply)
		ldns_pkt_free(q->tc_reply);
	q->tc_reply = NULL;
	if (q->fwd_reply && !fwd) {
		/* The target answered itself: the other address's reply was
		 * not the answer after all. */
		ldns_pkt_free(q->fwd_reply);
		s->st.unsolicited++;
		if (r->obs)
			r->obs->unsolicited++;
	}
	if (fwd && r->obs) {
		if (!r->obs->forwarded++)
			r->obs->answered_by = q->fwd_from;
		s->st.forwarded++;
	}
	q->fwd_reply = NULL;
	if (status == REPLY_TIMEOUT)
		s->st.timeouts++;
	char name[LDNS_MAX_DOMAINLEN + 8];
	if (match_qname_case(q->wire, q->len, it->qname, name,
	    sizeof(name)) < 0 && match_qname_str(q->wire, q->len, name,
	    sizeof(name)) < 0)
		snprintf(name, sizeof(name), "%s", it->qname);
	char *qname = strdup(name);
	uint64_t at = fwd ? q->fwd_ns : uv_hrtime();
	double rtt = status == REPLY_OK ? (double)(at - q->first_ns) / 1e6 : 0;
	if (!qname && reply)
		ldns_pkt_free(reply);
	/* observation_add frees qname and reply when it fails. */
	if (!qname || observation_add(r->obs, qname, it->qtype, it->role,
	    it->provider, r->round, status, reply, rtt) < 0) {
		r->abandoned = true;	/* out of memory: the record is partial */
		s->st.failed = true;
	} else {
		struct query_result *res = &r->obs->results[r->obs->n - 1];
		res->tcp = tcp;
		res->tcp_err = q->tcp_err;
		res->tries = q->tries;
	}
	if (--r->pending == 0)
		round_done(s, r);
}

/* Build, number and queue every query of r's current round. */
static int start_round(struct scan *s, struct resolver *r)
{
	const struct plan *p = s->o.plan;
	unsigned fam = (unsigned)family_index(r->addr.family);
	for (size_t i = 0; i < p->n; i++) {
		struct query *q = &r->q[i];
		const struct plan_item *it = &p->items[i];
		uint16_t owed_sock = q->owed_sock, owed_id = q->owed_id;
		uint8_t owed = q->owed;
		memset(q, 0, offsetof(struct query, wire));
		q->owed_sock = owed_sock;
		q->owed_id = owed_id;
		q->owed = owed;
		q->r = r;
		q->item = i;
		if (it->role == QUERY_NXCONTROL) {
			uint8_t rb[10];
			char name[LDNS_MAX_DOMAINLEN + 8], err[128];
			rnd_bytes(s, rb, sizeof(rb));
			int n = -1;
			if (plan_nxname(it->qname, rb, name, sizeof(name)) == 0)
				n = match_build_query(q->wire, sizeof(q->wire), 0,
					name, it->qtype, !s->o.no_dnssec, err,
					sizeof(err));
			if (n < 0)	/* checked in scan_new: out of memory */
				return -1;
			q->len = (uint16_t)n;
		} else {
			memcpy(q->wire, s->tmpl[i], s->tmpl_len[i]);
			q->len = s->tmpl_len[i];
		}
		if (s->o.x20) {
			uint8_t b[8];
			rnd_bytes(s, b, sizeof(b));
			match_0x20(q->wire, q->len, b, sizeof(b));
		}
		/* The table is at most a quarter full (scan_new), so this
		 * takes a couple of draws at worst on average. */
		for (;;) {
			uint32_t v = rnd32(s);
			q->sock = (uint16_t)(fam * s->o.sockets +
				(v >> 16) % s->o.sockets);
			q->id = (uint16_t)v;
			if (inflight_put(&s->table, q->sock, q->id, q) == 0)
				break;
		}
		match_set_id(q->wire, q->id);
		sq_append(s, q);
	}
	r->pending = (unsigned)p->n;
	s->assigned += p->n;
	return 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct udpsock *u = h->data;
	(void)suggested;
	/* libuv reads with recvmmsg into 64 KiB chunks of this buffer and
	 * hands each datagram to on_recv before asking again, so one buffer
	 * per socket serves every read. */
	*buf = uv_buf_init((char *)u->buf, RECV_BUF);
}

static void handle_reply(struct scan *s, unsigned sock, const uint8_t *pkt,
	size_t len, const struct sockaddr *from);

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
	const struct sockaddr *addr, unsigned flags)
{
	struct udpsock *u = h->data;
	(void)flags;
	if (nread <= 0 || !addr)
		return;	/* nothing, the recvmmsg "free" call, or an ICMP error */
	u->s->st.received++;
	handle_reply(u->s, u->index, (const uint8_t *)buf->base, (size_t)nread,
		addr);
}

static void on_close_count(uv_handle_t *h);

static int open_family(struct scan *s, unsigned fam, char *err,
	size_t errlen)
{
	for (unsigned i = 0; i < s->o.sockets; i++) {
		struct udpsock *u = &s->udp[fam * s->o.sockets + i];
		u->s = s;
		u->index = fam * s->o.sockets + i;
		int rc = uv_udp_init_ex(s->loop, &u->h,
			(fam ? AF_INET6 : AF_INET) | UV_UDP_RECVMMSG);
		if (rc < 0) {
			snprintf(err, errlen, "UDP socket: %s", uv_strerror(rc));
			return -1;
		}
		u->h.data = u;
		u->open = true;
		s->open_handles++;
		struct sockaddr_storage any;
		memset(&any, 0, sizeof(any));
		if (fam) {
			struct sockaddr_in6 *a6 = (void *)&any;
			a6->sin6_family = AF_INET6;
			a6->sin6_addr = in6addr_any;
		} else {
			struct sockaddr_in *a4 = (void *)&any;
			a4->sin_family = AF_INET;
			a4->sin_addr.s_addr = htonl(INADDR_ANY);
		}
		/* Port 0: the kernel picks a random ephemeral source port. */
		rc = uv_udp_bind(&u->h, (const struct sockaddr *)&any,
			fam ? UV_UDP_IPV6ONLY : 0);
		if (rc < 0) {
			snprintf(err, errlen, "bind %s: %s", fam ? "[::]:0" :
				"0.0.0.0:0", uv_strerror(rc));
			return -1;
		}
		/* A large receive buffer rides out reply bursts at high rates;
		 * as root, SO_RCVBUFFORCE goes past net.core.rmem_max. */
		uv_os_fd_t fd;
		int sz = 8 << 20;
		if (uv_fileno((uv_handle_t *)&u->h, &fd) == 0 &&
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
			sizeof(sz)) < 0) {
			sz = 8 << 20;
			uv_recv_buffer_size((uv_handle_t *)&u->h, &sz);
		}
		sz = 4 << 20;
		if (uv_fileno((uv_handle_t *)&u->h, &fd) == 0 &&
		    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz,
			sizeof(sz)) < 0)
			uv_send_buffer_size((uv_handle_t *)&u->h, &sz);
		u->buf = malloc(RECV_BUF);
		if (!u->buf) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rc = uv_udp_recv_start(&u->h, on_alloc, on_recv);
		if (rc < 0) {
			snprintf(err, errlen, "UDP receive: %s", uv_strerror(rc));
			return -1;
		}
	}
	s->family_open[fam] = true;
	return 0;
}

/* --- discovery ------------------------------------------------------------ */

/* Open the sockets of a family on its first target.  Returns false when
 * they cannot be opened (said once, through o.note): its targets are
 * skipped. */
static bool family_ready(struct scan *s, int family)
{
	unsigned fam = (unsigned)family_index(family);
	if (!s->family_open[fam] && !s->family_failed[fam]) {
		char err[160], msg[220];
		if (open_family(s, fam, err, sizeof(err)) < 0) {
			s->family_failed[fam] = true;
			snprintf(msg, sizeof(msg), "%s targets skipped: %s",
				fam ? "IPv6" : "IPv4", err);
			if (s->o.note)
				s->o.note(s->o.ctx, msg);
		}
	}
	return !s->family_failed[fam];
}

static void on_rate_timer(uv_timer_t *t);

/* Wait for the rate limit's next token (the timer pumps again). */
static void rate_wait(struct scan *s, uint64_t now)
{
	if (!uv_is_active((uv_handle_t *)&s->rate_timer)) {
		uint64_t w = ratelimit_wait_ns(&s->rl, now);
		uv_timer_start(&s->rate_timer, on_rate_timer, (w + MS - 1) / MS,
			0);
	}
}

/* Target t answered its discovery question: queue it for the plan, once. */
static void disc_found(struct scan *s, const struct prefix *t)
{
	struct disc *d = s->d;
	if (disc_seen_has(&d->seen, t)) {
		s->st.disc_late++;
		return;
	}
	if (disc_seen_add(&d->seen, t) < 0 || disc_queue_push(&d->iq, t) < 0) {
		s->st.failed = true;
		scan_stop(s);
		return;
	}
	s->st.answered++;
}

static void sockaddr_prefix(const struct sockaddr *sa, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (sa->sa_family == AF_INET6) {
		p->family = AF_INET6;
		memcpy(p->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			16);
		p->len = 128;
	} else {
		p->family = AF_INET;
		memcpy(p->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		p->len = 32;
	}
}

static uint16_t sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

/* Is the datagram a reply to a discovery question?  From the target
 * itself: the id and the socket its HMAC gives for one of its tries, and
 * the question (its 0x20 case with --0x20); a reply whose question cannot
 * be read still shows the target answers (it is asked the plan, which
 * finds it malformed).  From another address: a question still in the
 * ring with that socket and id, its question echoed with the exact 0x20
 * case.  Returns true when it was one (then it is consumed). */
static bool disc_reply(struct scan *s, unsigned sock, const uint8_t *pkt,
	size_t len, const struct sockaddr *from)
{
	struct disc *d = s->d;
	if (!d || len < 2 || (from->sa_family != AF_INET &&
	    from->sa_family != AF_INET6))
		return false;
	uint16_t rid = (uint16_t)(pkt[0] << 8 | pkt[1]);
	struct prefix t;
	sockaddr_prefix(from, &t);
	uint8_t wire[MATCH_QUERY_MAX];
	uint16_t wlen, wsock, wid;
	if (sockaddr_port(from) != (s->o.port ? s->o.port : 53))
		return false;
	for (unsigned k = 0; k <= s->o.retries; k++) {
		if (disc_key_question(&d->key, &t, k, wire, &wlen, &wsock,
		    &wid) < 0)
			return false;
		if (wsock != sock || wid != rid)
			continue;
		enum match_result m = match_reply(pkt, len, wire, wlen,
			s->o.x20);
		if ((m == MATCH_OK || m == MATCH_MALFORMED) &&
		    (!s->o.is_target || s->o.is_target(s->o.ctx, &t))) {
			disc_found(s, &t);
			return true;
		}
	}
	uint32_t key = (uint32_t)sock << 16 | rid;
	for (const struct disc_sent_entry *e = disc_sent_newest(&d->sent,
	     (uint16_t)sock, rid); e; e = disc_sent_older(&d->sent, e)) {
		if (e->key != key || addr_same(&e->target, &t))
			continue;
		if (disc_key_question(&d->key, &e->target, e->try, wire, &wlen,
		    &wsock,
		    &wid) < 0)
			return false;
		if (wsock == sock && wid == rid &&
		    match_reply(pkt, len, wire, wlen, true) == MATCH_OK) {
			struct prefix target = e->target;
			disc_found(s, &target);
			return true;
		}
	}
	return false;
}

static void on_disc_send(uv_udp_send_t *req, int status)
{
	struct disc_send *ds = (struct disc_send *)req;
	struct udpsock *u = req->handle->data;
	if (status < 0 && status != UV_ECANCELED)
		u->s->st.send_errors++;
	if (u->s->d) {
		ds->next = u->s->d->free_slots;
		u->s->d->free_slots = ds;
	}
}

/* Send the discovery questions u has gathered.  A sweep's questions are
 * most of its packets and need no reply state, so they leave in one
 * sendmmsg on the socket's descriptor (a send from the loop, like libuv's
 * own, without its queue and per-packet copies); what the socket cannot
 * take now, and every question where there is no descriptor, goes through
 * uv_udp_send. */
static void disc_flush(struct scan *s, struct udpsock *u)
{
	struct disc *d = s->d;
	unsigned n = u->nbatch, i = 0;
	uv_os_fd_t fd;
	u->nbatch = 0;
	if (n && uv_fileno((uv_handle_t *)&u->h, &fd) == 0) {
		struct mmsghdr mh[DISC_BATCH];
		struct iovec iov[DISC_BATCH];
		memset(mh, 0, n * sizeof(*mh));
		for (unsigned k = 0; k < n; k++) {
			struct disc_send *ds = u->batch[k];
			iov[k].iov_base = ds->wire;
			iov[k].iov_len = ds->len;
			mh[k].msg_hdr.msg_name = &ds->sa;
			mh[k].msg_hdr.msg_namelen = ds->sa.ss_family == AF_INET6 ?
				sizeof(struct sockaddr_in6) :
				sizeof(struct sockaddr_in);
			mh[k].msg_hdr.msg_iov = &iov[k];
			mh[k].msg_hdr.msg_iovlen = 1;
		}
		while (i < n) {
			int r = sendmmsg(fd, mh + i, n - i, MSG_DONTWAIT);
			if (r > 0) {
				for (int k = 0; k < r; k++, i++) {
					u->batch[i]->next = d->free_slots;
					d->free_slots = u->batch[i];
				}
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS))
				break;
			/* This question cannot leave (its destination): as
			 * a lost packet, it times out. */
			s->st.send_errors++;
			u->batch[i]->next = d->free_slots;
			d->free_slots = u->batch[i];
			i++;
		}
	}
	for (; i < n; i++) {
		struct disc_send *ds = u->batch[i];
		uv_buf_t b = uv_buf_init((char *)ds->wire, ds->len);
		if (uv_udp_send(&ds->req, &u->h, &b, 1,
		    (const struct sockaddr *)&ds->sa, on_disc_send) < 0) {
			s->st.send_errors++;
			ds->next = d->free_slots;
			d->free_slots = ds;
		}
	}
}

/* Send target t its discovery question for this pass. */
static void disc_send(struct scan *s, const struct prefix *t, uint64_t now)
{
	struct disc *d = s->d;
	struct disc_send *ds = d->free_slots;
	uint16_t sock, id;
	if (disc_key_question(&d->key, t, s->st.disc_pass, ds->wire, &ds->len,
	    &sock,
	    &id) < 0) {
		s->st.send_errors++;
		return;
	}
	d->free_slots = ds->next;
	memset(&ds->sa, 0, sizeof(ds->sa));
	uint16_t port = htons(s->o.port ? s->o.port : 53);
	if (t->family == AF_INET6) {
		struct sockaddr_in6 *a6 = (void *)&ds->sa;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = port;
		memcpy(&a6->sin6_addr, t->addr, 16);
	} else {
		struct sockaddr_in *a4 = (void *)&ds->sa;
		a4->sin_family = AF_INET;
		a4->sin_port = port;
		memcpy(&a4->sin_addr, t->addr, 4);
	}
	disc_sent_add(&d->sent, t, s->st.disc_pass, sock, id);
	d->last_send_ns = now;
	s->st.sent++;
	s->st.disc_sent++;
	if (s->st.disc_pass)
		s->st.retries++;
	struct udpsock *u = &s->udp[sock];
	u->batch[u->nbatch++] = ds;
	if (u->nbatch == DISC_BATCH)
		disc_flush(s, u);
}

/* A silent target's result (output_silent): its one question, timed out
 * after every try. */
static void disc_silent(struct scan *s, const struct prefix *t)
{
	struct disc *d = s->d;
	struct observation *o = observation_new(t);
	char *qname = strdup(d->name);
	if (!o || !qname || observation_add(o, qname, d->qtype,
	    QUERY_CONTROL, -1, 0, REPLY_TIMEOUT, NULL, 0) < 0) {
		if (!o)
			free(qname);
		observation_free(o);
		s->st.failed = true;
		scan_stop(s);
		return;
	}
	o->results[0].tries = s->o.retries + 1;
	o->silent = true;
	s->st.resolvers++;
	if (s->o.result(s->o.ctx, o) < 0) {
		s->st.failed = true;
		scan_stop(s);
	}
}

/* A target that answered is dropped unwritten (cut short by a stop, no
 * socket for its family): the checkpoint lists it for a resumed sweep. */
static void disc_lost(struct scan *s, const struct prefix *t)
{
	struct disc *d = s->d;
	if (d->lost_n == d->lost_cap) {
		size_t cap = d->lost_cap ? 2 * d->lost_cap : 64;
		struct prefix *n = realloc(d->lost, cap * sizeof(*n));
		if (!n) {
			s->st.failed = true;
			return;
		}
		d->lost = n;
		d->lost_cap = cap;
	}
	d->lost[d->lost_n++] = *t;
}

/* Where discovery is now: the caller's position less a target pulled but
 * not yet sent; after the last pass, where it ended. */
static void disc_here(struct scan *s, struct disc_snap *sn, uint64_t now)
{
	struct disc *d = s->d;
	sn->ns = now;
	sn->pass = s->st.disc_pass;
	sn->over = d->phase == D_DONE;
	if (d->phase == D_SILENT || d->phase == D_DONE)
		sn->mark = d->end_mark;
	else
		sn->mark = s->o.position(s->o.ctx) - (d->have_pending ? 1 : 0);
}

static void disc_snapshot(struct scan *s, uint64_t now)
{
	struct disc *d = s->d;
	if (!d || !s->o.position || now - d->last_snap_ns < d->snap_every_ns)
		return;
	d->last_snap_ns = now;
	size_t i;
	if (d->snap_n < DISC_SNAPS) {
		i = (d->snap_head + d->snap_n++) % DISC_SNAPS;
	} else {
		i = d->snap_head;
		d->snap_head = (d->snap_head + 1) % DISC_SNAPS;
	}
	disc_here(s, &d->snap[i], now);
}

/* The targets that answered and are not handed out: waiting for the plan,
 * being asked it, or dropped unwritten.  Into d->cp; returns how many, or
 * -1 out of memory. */
static long disc_pending(struct scan *s)
{
	struct disc *d = s->d;
	size_t want = d->iq.len + d->lost_n + (size_t)s->active;
	if (want > d->cp_cap) {
		struct prefix *n = realloc(d->cp, want * sizeof(*n));
		if (!n)
			return -1;
		d->cp = n;
		d->cp_cap = want;
	}
	size_t n = 0;
	for (size_t i = 0; i < d->iq.len; i++)
		d->cp[n++] = *disc_queue_at(&d->iq, i);
	for (size_t i = 0; i < d->lost_n; i++)
		d->cp[n++] = d->lost[i];
	for (size_t b = 0; b <= s->hmask && n < want; b++)
		for (struct resolver *r = s->hash[b]; r && n < want;
		     r = r->hnext)
			d->cp[n++] = r->addr;
	return (long)n;
}

/* Tell the caller a checkpoint: the newest snapshot a timeout old, or at
 * the end where discovery is, when nothing it sent can still answer. */
static void disc_checkpoint(struct scan *s, uint64_t now, bool final)
{
	struct disc *d = s->d;
	if (!d || !s->o.checkpoint || !s->o.position)
		return;
	struct disc_snap here;
	const struct disc_snap *sn = NULL;
	if (final && !d->cut && (!s->stopping || now >= d->stop_wait_ns)) {
		disc_here(s, &here, now);
		sn = &here;
	} else {
		uint64_t to = s->o.timeout_ms * MS;
		for (size_t k = d->snap_n; k > 0 && !sn; k--) {
			const struct disc_snap *x =
				&d->snap[(d->snap_head + k - 1) % DISC_SNAPS];
			if (x->ns + to <= now)
				sn = x;
		}
	}
	long n = sn ? disc_pending(s) : 0;
	if (!sn)
		return;	/* everything kept is younger than a timeout */
	if (n < 0) {
		s->st.failed = true;
		return;
	}
	struct scan_checkpoint c = {
		.pass = sn->pass, .mark = sn->mark, .pending = d->cp,
		.npending = (size_t)n, .over = sn->over, .final = final,
	};
	if (s->o.checkpoint(s->o.ctx, &c) < 0) {
		s->st.failed = true;
		if (!final)
			scan_stop(s);
	}
}

/* One step of discovery: a question sent, a target skipped or handed out
 * as silent, or a pass begun or ended.  Returns false when nothing can be
 * done now (paused, rate limited, waiting, or over). */
static bool disc_step(struct scan *s, uint64_t now)
{
	struct disc *d = s->d;
	if (!d || s->stopping)
		return false;
	switch (d->phase) {
	case D_DONE:
		return false;
	case D_WAIT:
		if (now < d->next_ns)
			return false;
		if (s->st.disc_pass < s->o.retries && s->o.rewind) {
			s->o.rewind(s->o.ctx);
			s->st.disc_pass++;
			d->pass_start_ns = now;
			d->pos = 0;
			d->trail_cur ^= 1;
			memset(&d->trail[d->trail_cur], 0, sizeof(*d->trail));
			d->phase = D_SENDING;
			return true;
		}
		s->st.silent = s->st.probed > s->st.answered ?
			s->st.probed - s->st.answered : 0;
		if (s->o.output_silent && s->o.rewind) {
			s->o.rewind(s->o.ctx);
			d->pos = 0;
			d->phase = D_SILENT;
			return true;
		}
		d->phase = D_DONE;
		return true;
	case D_SILENT:
	case D_SENDING:
		break;
	}
	if (d->phase == D_SENDING && (d->iq.len >= d->iq_pause ||
	    !d->free_slots))
		return false;	/* the plan's queue is full; libuv is busy */
	struct prefix t;
	if (d->have_pending) {
		t = d->pending;
	} else {
		int rc = s->o.next_target(s->o.ctx, &t);
		if (rc < 0) {
			s->st.failed = true;
			scan_stop(s);
			return false;
		}
		if (rc == 0) {
			if (d->phase == D_SILENT) {
				d->phase = D_DONE;
				return true;
			}
			/* The next pass starts a timeout after this one did
			 * (and holds back each target until a timeout after the
			 * pass before asked it: disc_trail_note); the end waits a
			 * timeout after the last question. */
			uint64_t to = s->o.timeout_ms * MS;
			bool more = s->st.disc_pass < s->o.retries &&
				s->o.rewind;
			if (s->o.position)
				d->end_mark = s->o.position(s->o.ctx);
			d->next_ns = more ? d->pass_start_ns + to :
				d->last_send_ns + to;
			d->phase = D_WAIT;
			return true;
		}
		d->pos++;
		d->tpos = (s->o.position ? s->o.position(s->o.ctx) : d->pos) - 1;
		if (disc_seen_has(&d->seen, &t))
			return true;
		if (d->phase == D_SILENT) {
			disc_silent(s, &t);
			return true;
		}
		if (s->st.disc_pass == 0) {
			s->st.targets++;
			s->st.probed++;
		}
		if (!family_ready(s, t.family)) {
			if (s->st.disc_pass == 0)
				s->st.abandoned++;
			return true;
		}
	}
	uint64_t asked = disc_trail_time(&d->trail[d->trail_cur ^ 1],
		d->tpos);
	bool early = asked && now < asked + s->o.timeout_ms * MS;
	if (early || ratelimit_take(&s->rl, now, 1) == 0) {
		/* Too soon after the pass before (the tick looks again), or
		 * no token yet. */
		d->pending = t;
		d->have_pending = true;
		if (!early)
			rate_wait(s, now);
		return false;
	}
	d->have_pending = false;
	disc_trail_note(&d->trail[d->trail_cur], d->tpos, now);
	disc_send(s, &t, now);
	return true;
}

/* Discovery's question and key, at scan_new. */
static int disc_new(struct scan *s, char *err, size_t errlen)
{
	const struct plan *p = s->o.plan;
	struct disc *d = s->d = calloc(1, sizeof(*d));
	if (!d)
		goto oom;
	const char *name = s->o.discovery_name;
	d->qtype = s->o.discovery_type ? s->o.discovery_type : LDNS_RR_TYPE_A;
	if (!name) {
		const struct plan_item *it = &p->items[0];
		for (size_t i = 0; i < p->n; i++)
			if (p->items[i].role == QUERY_CONTROL) {
				it = &p->items[i];
				break;
			}
		name = it->qname;
		d->qtype = it->qtype;
		if (it->role == QUERY_NXCONTROL) {
			uint8_t z[10] = { 0 };
			if (plan_nxname(it->qname, z, d->name,
			    sizeof(d->name)) < 0) {
				snprintf(err, errlen, "%s: name too long", name);
				return -1;
			}
			name = d->name;
		}
	}
	size_t nl = strlen(name);
	if (nl + 2 > sizeof(d->name)) {
		snprintf(err, errlen, "--discovery-name: name too long");
		return -1;
	}
	if (name != d->name)
		memmove(d->name, name, nl + 1);
	if (nl && d->name[nl - 1] != '.')
		memcpy(d->name + nl, ".", 2);
	uint8_t key[32];
	if (RAND_bytes(key, sizeof(key)) != 1) {
		snprintf(err, errlen, "discovery: no random key");
		return -1;
	}
	int rc = disc_key_init(&d->key, key, d->name, d->qtype,
		!s->o.no_dnssec, s->o.sockets, err, errlen);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc < 0)
		return -1;
	d->slots = calloc(DISC_SLOTS, sizeof(*d->slots));
	if (!d->slots || disc_sent_init(&d->sent) < 0)
		goto oom;
	for (size_t i = 0; i < DISC_SLOTS; i++) {
		d->slots[i].next = d->free_slots;
		d->free_slots = &d->slots[i];
	}
	/* The plan's queue holds a window's worth of resolvers before the
	 * sending pauses. */
	d->iq_pause = s->o.max_inflight / p->n;
	if (d->iq_pause < 16)
		d->iq_pause = 16;
	d->phase = D_SENDING;
	d->snap_every_ns = s->o.timeout_ms * MS / 32;
	if (d->snap_every_ns < 100 * MS)
		d->snap_every_ns = 100 * MS;
	s->st.disc_pass = s->o.start_pass;
	/* Targets a resumed sweep found before: asked the plan first, and
	 * never counted as answering again. */
	for (size_t i = 0; i < s->o.nfound; i++)
		if (!disc_seen_has(&d->seen, &s->o.found[i]) &&
		    (disc_seen_add(&d->seen, &s->o.found[i]) < 0 ||
		    disc_queue_push(&d->iq, &s->o.found[i]) < 0))
			goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void disc_free(struct disc *d)
{
	if (!d)
		return;
	disc_key_free(&d->key);
	free(d->slots);
	disc_sent_free(&d->sent);
	disc_seen_free(&d->seen);
	disc_queue_free(&d->iq);
	free(d->lost);
	free(d->cp);
	free(d);
}

/* Take the next resolver into the window: a confirmation that is due,
 * else a new target.  Returns true when the caller should look again. */
static bool admit(struct scan *s, uint64_t now)
{
	const struct plan *p = s->o.plan;
	if (s->assigned && s->assigned + p->n > s->o.max_inflight)
		return false;
	if (s->cq_head && s->cq_head->confirm_ns <= now) {
		struct resolver *r = s->cq_head;
		s->cq_head = r->cnext;
		if (!s->cq_head)
			s->cq_tail = NULL;
		s->cq_len--;
		if (start_round(s, r) < 0) {
			r->abandoned = true;
			resolver_done(s, r);
		}
		return true;
	}
	/* Resolvers waiting for their confirmation hold their whole first
	 * round: while a window's worth wait, take no new target, so memory
	 * stays bounded by the window however many liars the targets hold. */
	if (s->targets_done || s->stopping || s->cq_len >= s->cq_max)
		return false;
	struct prefix t;
	if (s->d) {
		/* Discovery feeds the window with the targets that answered. */
		if (!disc_queue_pop(&s->d->iq, &t)) {
			if (s->d->phase == D_DONE)
				s->targets_done = true;
			return false;
		}
	} else {
		int rc = s->o.next_target(s->o.ctx, &t);
		if (rc <= 0) {
			s->targets_done = true;
			if (rc < 0) {
				s->st.failed = true;
				scan_stop(s);
			}
			return false;
		}
		s->st.targets++;
	}
	if (!family_ready(s, t.family)) {
		s->st.abandoned++;
		if (s->d)
			disc_lost(s, &t);
		return true;
	}
	struct resolver *r = resolver_alloc(s);
	struct observation *o = r ? observation_new(&t) : NULL;
	if (!o) {
		free(r);
		s->st.abandoned++;
		s->st.failed = true;
		scan_stop(s);
		return false;
	}
	r->addr = t;
	r->obs = o;
	if (t.family == AF_INET6) {
		struct sockaddr_in6 *a6 = (void *)&r->sa;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(s->o.port ? s->o.port : 53);
		memcpy(&a6->sin6_addr, t.addr, 16);
	} else {
		struct sockaddr_in *a4 = (void *)&r->sa;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(s->o.port ? s->o.port : 53);
		memcpy(&a4->sin_addr, t.addr, 4);
	}
	hash_add(s, r);
	s->active++;
	if (start_round(s, r) < 0) {
		r->abandoned = true;
		resolver_done(s, r);
	}
	return true;
}

static void on_send(uv_udp_send_t *req, int status)
{
	struct query *q = (struct query *)((char *)req -
		offsetof(struct query, req));
	struct udpsock *u = req->handle->data;
	struct resolver *r = q->r;
	q->sending = false;
	r->sending--;
	if (status < 0 && status != UV_ECANCELED)
		u->s->st.send_errors++;
	resolver_release(u->s, r);
}

static void start_tcp(struct scan *s, struct query *q, ldns_pkt *tc);

static void send_one(struct scan *s, struct query *q, uint64_t now)
{
	struct udpsock *u = &s->udp[q->sock];
	uv_buf_t b = uv_buf_init((char *)q->wire, q->len);
	q->tries++;
	if (q->tries == 1)
		q->first_ns = now;
	else
		s->st.retries++;
	if (s->o.tcp_only) {
		start_tcp(s, q, NULL);
		return;
	}
	q->deadline_ns = now + s->o.timeout_ms * MS;
	q->state = Q_OUTSTANDING;
	dl_append(s, q);
	s->st.sent++;
	/* Queued sends: libuv sends the first at once and batches the rest
	 * of a burst with sendmmsg when the socket is next writable. */
	int rc = uv_udp_send(&q->req, &u->h, &b, 1,
		(const struct sockaddr *)&q->r->sa, on_send);
	if (rc < 0) {
		s->st.send_errors++;	/* it will time out like a lost packet */
		return;
	}
	q->sending = true;
	q->r->sending++;
}

static void on_rate_timer(uv_timer_t *t)
{
	pump(t->data);
}

/* An active idle handle makes libuv poll without blocking; the check
 * handle then pumps again. */
static void on_idle(uv_idle_t *h)
{
	(void)h;
}

static void pump(struct scan *s)
{
	if (!s->started || s->finishing)
		return;
	uint64_t now = uv_hrtime();
	unsigned budget = PUMP_BATCH;
	while (budget) {
		struct query *q = s->sq_head;
		if (!q) {
			if (admit(s, now))
				continue;
			/* The window is full or has nothing to take: discovery
			 * goes on at the rate, whatever the window holds. */
			if (!disc_step(s, now))
				break;
			budget--;
			continue;
		}
		if (q->state != Q_QUEUED) {
			/* answered by a late reply while waiting for its retry */
			sq_pop(s);
			resolver_release(s, q->r);
			continue;
		}
		if (ratelimit_take(&s->rl, now, 1) == 0) {
			rate_wait(s, now);
			break;
		}
		sq_pop(s);
		send_one(s, q, now);
		budget--;
	}
	for (unsigned k = 0; s->d && k < 2 * s->o.sockets; k++)
		if (s->udp[k].nbatch)
			disc_flush(s, &s->udp[k]);
	/* More ready right now: do not let the loop block in poll. */
	bool more = budget == 0;
	if (more != s->idle_on && !s->finishing) {
		s->idle_on = more;
		if (more)
			uv_idle_start(&s->idle, on_idle);
		else
			uv_idle_stop(&s->idle);
	}
	maybe_finish(s);
}

/* Is the reply on socket sock one that r owes to a try of its own (owe)?
 * Then it answers what was asked, only later than another try's reply
 * or the deadline: counted as owed, not unsolicited.  It must come from
 * r's address and port with the (sock, id) of the try; while that is
 * still its query's, with the question too (an earlier round's query
 * keeps only its socket and id, both drawn at random). */
static bool owed_reply(struct scan *s, struct resolver *r, unsigned sock,
	const uint8_t *pkt, size_t len, const struct sockaddr *from)
{
	if (len < 2 || !match_source((const struct sockaddr *)&r->sa, from))
		return false;
	uint16_t id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	for (size_t i = 0; i < s->o.plan->n; i++) {
		struct query *q = &r->q[i];
		if (!q->owed || q->owed_sock != sock || q->owed_id != id)
			continue;
		if (q->sock == sock && q->id == id && match_reply(pkt, len,
		    q->wire, q->len, s->o.x20) != MATCH_OK)
			return false;
		q->owed--;
		s->st.owed++;
		return true;
	}
	return false;
}

/* A reply that belongs to nothing outstanding: count it, and against its
 * sender when that is a resolver in flight (a wrong id, a duplicate, a
 * late reply), else against the resolver whose query its id names on this
 * socket when it answers that query's question (someone answering for it
 * from another address: a spoof, or a resolver replying from an address
 * it was not asked on).  The sender comes first, and the question must
 * match, because ids are random: a stray reply's id may name another
 * resolver's query by chance, and that resolver did nothing.  A reply the
 * sender owes to a try of its own (owed_reply) is none of these. */
static void unsolicited(struct scan *s, unsigned sock, struct query *claimed,
	const uint8_t *pkt, size_t len, const struct sockaddr *from)
{
	struct resolver *r = hash_find(s, from);
	if (r && owed_reply(s, r, sock, pkt, len, from))
		return;
	s->st.unsolicited++;
	if (!r && claimed && claimed->state != Q_DONE &&
	    match_reply(pkt, len, claimed->wire, claimed->len, false) ==
	    MATCH_OK)
		r = claimed->r;
	if (r && r->obs)
		r->obs->unsolicited++;
}

static void on_tcp_closed(uv_handle_t *h)
{
	struct tcpq *t = h->data;
	struct scan *s = t->s;
	free(t->in);
	free(t);
	s->tcp_open--;
	maybe_finish(s);
}

static void tcp_close(struct tcpq *t)
{
	if (t->q)
		t->q->tcp = NULL;
	t->q = NULL;
	uv_close((uv_handle_t *)&t->tcp, on_tcp_closed);
}

/* TCP got nothing usable: the truncated UDP reply is the result.  uverr
 * is the libuv error that ended it (a refused connection, a reset), or 0;
 * the result keeps it so the user is told why. */
static void tcp_giveup(struct scan *s, struct query *q, int uverr)
{
	s->st.tcp_failed++;
	if (uverr < 0 && uverr > -256)
		q->tcp_err = (uint8_t)-uverr;
	if (q->tcp)
		tcp_close(q->tcp);
	ldns_pkt *p = q->tc_reply;
	q->tc_reply = NULL;
	/* Without a truncated reply (tcp_only) nothing arrived at all. */
	finish(s, q, p ? REPLY_OK : REPLY_TIMEOUT, p, false);
}

static void on_tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct tcpq *t = h->data;
	(void)suggested;
	size_t want = t->inlen >= 2 ? 2 + ((size_t)t->in[0] << 8 | t->in[1]) :
		512;
	if (want > t->incap) {
		uint8_t *n = realloc(t->in, want);
		if (n) {
			t->in = n;
			t->incap = want;
		}
	}
	/* A zero-length buffer makes libuv report UV_ENOBUFS: given up. */
	*buf = uv_buf_init((char *)t->in + t->inlen,
		(unsigned)(t->incap - t->inlen));
}

static void on_tcp_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct tcpq *t = st->data;
	struct query *q = t->q;
	(void)buf;
	if (!q || nread == 0)
		return;
	struct scan *s = t->s;
	if (nread < 0) {
		tcp_giveup(s, q, (int)nread);
		return;
	}
	t->inlen += (size_t)nread;
	if (t->inlen < 2)
		return;
	size_t need = 2 + ((size_t)t->in[0] << 8 | t->in[1]);
	if (t->inlen < need)
		return;
	s->st.received++;
	ldns_pkt *p = NULL;
	if (match_reply(t->in + 2, need - 2, q->wire, q->len, s->o.x20) !=
	    MATCH_OK) {
		s->st.unsolicited++;
		if (q->r->obs)
			q->r->obs->unsolicited++;
		tcp_giveup(s, q, 0);
		return;
	}
	if (ldns_wire2pkt(&p, t->in + 2, need - 2) != LDNS_STATUS_OK) {
		s->st.malformed++;
		tcp_giveup(s, q, 0);
		return;
	}
	s->st.tcp++;
	tcp_close(t);
	finish(s, q, REPLY_OK, p, true);
}

static void on_tcp_write(uv_write_t *req, int status)
{
	(void)req;
	(void)status;	/* a failed write shows up as a read error or timeout */
}

static void on_tcp_connect(uv_connect_t *req, int status)
{
	struct tcpq *t = req->handle->data;
	struct query *q = t->q;
	if (!q)
		return;	/* given up meanwhile (timeout, stop) */
	if (status < 0) {
		tcp_giveup(t->s, q, status);
		return;
	}
	t->out[0] = (uint8_t)(q->len >> 8);
	t->out[1] = (uint8_t)q->len;
	memcpy(t->out + 2, q->wire, q->len);
	uv_buf_t b = uv_buf_init((char *)t->out, 2u + q->len);
	if (uv_write(&t->wr, req->handle, &b, 1, on_tcp_write) < 0 ||
	    uv_read_start(req->handle, on_tcp_alloc, on_tcp_read) < 0)
		tcp_giveup(t->s, q, 0);
}

/* Ask q again over TCP, keeping tc as the result should TCP fail.  The
 * query keeps its id slot, so UDP copies of the reply stay unsolicited. */
static void start_tcp(struct scan *s, struct query *q, ldns_pkt *tc)
{
	owe(s, q, tc != NULL);
	dl_remove(s, q);
	q->tc_reply = tc;
	q->state = Q_TCP;
	q->deadline_ns = uv_hrtime() + s->o.timeout_ms * MS;
	dl_append(s, q);
	struct tcpq *t = calloc(1, sizeof(*t));
	if (!t) {
		tcp_giveup(s, q, 0);
		return;
	}
	t->s = s;
	t->q = q;
	if (uv_tcp_init(s->loop, &t->tcp) < 0) {
		free(t);
		tcp_giveup(s, q, 0);
		return;
	}
	t->tcp.data = t;
	s->tcp_open++;
	q->tcp = t;
	int rc = uv_tcp_connect(&t->conn, &t->tcp,
	    (const struct sockaddr *)&q->r->sa, on_tcp_connect);
	if (rc < 0)
		tcp_giveup(s, q, rc);
}

/* A reply to outstanding query q from another address than its target's:
 * a transparent forwarder relayed the question, and the resolver behind it
 * answers from its own address.  It is held when it validates completely
 * (from port 53 or --port, on q's socket, q's id, q's question with its
 * case exactly), and taken as q's answer at q's deadline unless the target
 * answered itself meanwhile or another address also sent one (a flood of
 * forgeries from many addresses is nobody's answer).  Returns true when
 * the reply validated (it is consumed), false when it is unsolicited. */
static bool forwarded(struct scan *s, struct query *q, const uint8_t *pkt,
	size_t len, const struct sockaddr *from)
{
	if (sockaddr_port(from) != (s->o.port ? s->o.port : 53) ||
	    (from->sa_family != AF_INET && from->sa_family != AF_INET6) ||
	    match_reply(pkt, len, q->wire, q->len, true) != MATCH_OK)
		return false;
	struct prefix a;
	sockaddr_prefix(from, &a);
	if (q->fwd_reply && addr_same(&q->fwd_from, &a) &&
	    q->fwd_n < q->tries) {
		/* The forwarder relayed a retry too: its reply is owed. */
		q->fwd_n++;
		s->st.owed++;
		return true;
	}
	ldns_pkt *p = NULL;
	if (q->fwd_ambiguous || (q->fwd_reply &&
	    addr_same(&q->fwd_from, &a)) ||
	    ldns_wire2pkt(&p, pkt, len) != LDNS_STATUS_OK) {
		/* Given up on, a repeat of the held one, or garbled. */
		s->st.unsolicited++;
		if (q->r->obs)
			q->r->obs->unsolicited++;
		return true;
	}
	if (q->fwd_reply) {
		ldns_pkt_free(q->fwd_reply);
		ldns_pkt_free(p);
		q->fwd_reply = NULL;
		q->fwd_ambiguous = true;
		s->st.unsolicited += 2;
		if (q->r->obs)
			q->r->obs->unsolicited += 2;
		return true;
	}
	q->fwd_reply = p;
	q->fwd_from = a;
	q->fwd_ns = uv_hrtime();
	q->fwd_n = 1;
	return true;
}

static void handle_reply(struct scan *s, unsigned sock, const uint8_t *pkt,
	size_t len, const struct sockaddr *from)
{
	struct query *q = len >= 2 ? inflight_get(&s->table, sock,
		(uint16_t)(pkt[0] << 8 | pkt[1])) : NULL;
	/* Outstanding, or queued for a retry after an earlier try: a late
	 * reply to that try is still an answer to this query. */
	if (!q || q->tries == 0 ||
	    (q->state != Q_OUTSTANDING && q->state != Q_QUEUED) ||
	    !match_source((const struct sockaddr *)&q->r->sa, from)) {
		if (q && q->tries && (q->state == Q_OUTSTANDING ||
		    q->state == Q_QUEUED) && forwarded(s, q, pkt, len, from))
			return;
		if (!disc_reply(s, sock, pkt, len, from))
			unsolicited(s, sock, q, pkt, len, from);
		return;
	}
	enum match_result m = match_reply(pkt, len, q->wire, q->len, s->o.x20);
	ldns_pkt *p = NULL;
	if (m == MATCH_OK && ldns_wire2pkt(&p, pkt, len) != LDNS_STATUS_OK)
		m = MATCH_MALFORMED;
	if (m == MATCH_MALFORMED) {
		/* The peer's own reply, garbled.  Keep waiting: a well-formed
		 * one may still come; if not, the query ends malformed. */
		s->st.malformed++;
		q->malformed = true;
		return;
	}
	if (m != MATCH_OK) {
		if (!disc_reply(s, sock, pkt, len, from))
			unsolicited(s, sock, q, pkt, len, from);
		return;
	}
	s->st.accepted++;
	if (ldns_pkt_tc(p)) {
		s->st.truncated++;
		start_tcp(s, q, p);
		return;
	}
	finish(s, q, REPLY_OK, p, false);
}

/* --- timers ------------------------------------------------------------ */

static void expire(struct scan *s, bool all)
{
	uint64_t now = uv_hrtime();
	struct query *q;
	while ((q = s->dl_head) && (all || q->deadline_ns <= now)) {
		dl_remove(s, q);
		if (all)
			q->r->abandoned = true;	/* given up on by a second stop */
		if (q->state == Q_TCP) {
			tcp_giveup(s, q, 0);
			continue;
		}
		if (q->fwd_reply) {
			s->st.accepted++;
			finish(s, q, REPLY_OK, q->fwd_reply, false);
			continue;
		}
		if (!s->stopping && q->tries <= s->o.retries) {
			if (q->sending) {
				/* the last try is still with libuv */
				q->deadline_ns = now + s->o.timeout_ms * MS;
				dl_append(s, q);
				continue;
			}
			sq_append(s, q);
			continue;
		}
		/* A retry owed when a stop came: cut short, not a timeout. */
		if (s->stopping && q->tries <= s->o.retries)
			q->r->abandoned = true;
		finish(s, q, q->malformed ? REPLY_MALFORMED : REPLY_TIMEOUT,
			NULL, false);
	}
}

static void on_tick(uv_timer_t *t)
{
	struct scan *s = t->data;
	expire(s, false);
	pump(s);
	if (s->d && !s->finishing) {
		uint64_t now = uv_hrtime();
		disc_snapshot(s, now);
		if (s->o.checkpoint_ms && !s->stopping &&
		    now - s->d->last_cp_ns >= s->o.checkpoint_ms * MS) {
			s->d->last_cp_ns = now;
			disc_checkpoint(s, now, false);
		}
	}
	maybe_finish(s);
}

static void on_check(uv_check_t *c)
{
	pump(c->data);
}

static void fmt_rate(char *buf, size_t n, double r)
{
	if (r >= 1e6)
		snprintf(buf, n, "%.2f Mp/s", r / 1e6);
	else if (r >= 1e3)
		snprintf(buf, n, "%.2f Kp/s", r / 1e3);
	else
		snprintf(buf, n, "%.0f p/s", r);
}

static void fmt_time(char *buf, size_t n, double sec)
{
	unsigned long t = (unsigned long)(sec + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
			t % 60);
	else
		snprintf(buf, n, "%lu:%02lu", t / 60, t % 60);
}

/* zmap's status line: elapsed, done, ETA, send and receive rates. */
static void print_progress(const struct scan *s, FILE *f, uint64_t now,
	bool final)
{
	double el = (double)(now - s->st.start_ns) / 1e9;
	double dt = (double)(now - s->last_ns) / 1e9;
	char t[32], left[48] = "", sr[32], sa[32], rr[32], ra[32];
	fmt_time(t, sizeof(t), el);
	uint64_t done = s->st.resolvers + s->st.abandoned;
	if (s->o.total && !final) {
		double frac = (double)done / (double)s->o.total;
		if (s->d) {
			/* Discovery's passes over the targets set the pace. */
			double passes = s->o.rewind ? s->o.retries + 1.0 : 1.0;
			frac = s->d->phase >= D_SILENT ? 1.0 :
				((double)s->st.disc_pass + (double)s->d->pos /
				(double)s->o.total) / passes;
			if (frac > 1)
				frac = 1;
		}
		char eta[32] = "?";
		if (frac > 0)
			fmt_time(eta, sizeof(eta), el / frac - el);
		snprintf(left, sizeof(left), " %.0f%% (%s left)", frac * 100,
			eta);
	}
	fmt_rate(sr, sizeof(sr), dt > 0 ? (double)(s->st.sent - s->last_sent)
		/ dt : 0);
	fmt_rate(sa, sizeof(sa), el > 0 ? (double)s->st.sent / el : 0);
	fmt_rate(rr, sizeof(rr), dt > 0 ? (double)(s->st.received -
		s->last_recv) / dt : 0);
	fmt_rate(ra, sizeof(ra), el > 0 ? (double)s->st.received / el : 0);
	char disc[192] = "";
	if (s->d && final)
		/* The questions' span, start to last: their send rate. */
		snprintf(disc, sizeof(disc), "; probed: %llu; answered: %llu; "
			"silent: %llu; questions: %llu in %.3f s",
			(unsigned long long)s->st.probed,
			(unsigned long long)s->st.answered,
			(unsigned long long)s->st.silent,
			(unsigned long long)s->st.disc_sent,
			s->d->last_send_ns > s->st.start_ns ? (double)(
			s->d->last_send_ns - s->st.start_ns) / 1e9 : 0.0);
	else if (s->d)
		snprintf(disc, sizeof(disc), "; discovery pass %u/%u: probed "
			"%llu, answered %llu, queued %zu%s",
			s->st.disc_pass + 1, s->o.rewind ? s->o.retries + 1 : 1,
			(unsigned long long)s->st.probed,
			(unsigned long long)s->st.answered, s->d->iq.len,
			s->d->phase >= D_SILENT ? " (over)" : "");
	if (final)
		fprintf(f, "%s; sent: %llu (%s avg); recv: %llu (%s avg); "
			"resolvers: %llu; timeouts: %llu; retries: %llu; "
			"unsolicited: %llu; tcp: %llu; abandoned: %llu%s\n", t,
			(unsigned long long)s->st.sent, sa,
			(unsigned long long)s->st.received, ra,
			(unsigned long long)s->st.resolvers,
			(unsigned long long)s->st.timeouts,
			(unsigned long long)s->st.retries,
			(unsigned long long)s->st.unsolicited,
			(unsigned long long)s->st.tcp,
			(unsigned long long)s->st.abandoned, disc);
	else
		fprintf(f, "%s%s; send: %llu %s (%s avg); recv: %llu %s "
			"(%s avg)%s; inflight: %llu; done: %llu%s%llu\n", t,
			left, (unsigned long long)s->st.sent, sr, sa,
			(unsigned long long)s->st.received, rr, ra, disc,
			(unsigned long long)s->assigned,
			(unsigned long long)done, s->o.total ? "/" : "",
			(unsigned long long)s->o.total);
	fflush(f);
}

static void on_progress(uv_timer_t *t)
{
	struct scan *s = t->data;
	uint64_t now = uv_hrtime();
	print_progress(s, s->o.progress ? s->o.progress : stderr, now, false);
	s->last_ns = now;
	s->last_sent = s->st.sent;
	s->last_recv = s->st.received;
}

/* --- start and finish ---------------------------------------------------- */

static void on_close_count(uv_handle_t *h)
{
	struct scan *s = h->data;
	if (h->type == UV_UDP)
		s = ((struct udpsock *)h->data)->s;
	if (--s->open_handles == 0 && s->o.done)
		s->o.done(s->o.ctx);
}

static void close_handle(struct scan *s, uv_handle_t *h)
{
	(void)s;
	if (!uv_is_closing(h))
		uv_close(h, on_close_count);
}

static void maybe_finish(struct scan *s)
{
	if (!s->started || s->finishing)
		return;
	if (!s->targets_done && !s->stopping)
		return;
	if (s->assigned || s->active || s->cq_head || s->tcp_open)
		return;
	/* A first stop waits for the replies to discovery's last questions
	 * (the tick looks again), so its checkpoint is where it stopped. */
	uint64_t now = uv_hrtime();
	if (s->stopping && s->d && !s->d->cut && now < s->d->stop_wait_ns)
		return;
	if (s->d) {
		if (s->stopping) {
			/* Those that answered but were not asked the plan
			 * are not written: a resumed sweep asks them. */
			s->st.abandoned += s->d->iq.len;
		}
		disc_checkpoint(s, now, true);
	}
	/* Nothing is assigned, so what is left in the send queue are retries
	 * answered while they waited: their resolvers are freed here. */
	struct query *q;
	while ((q = sq_pop(s)))
		resolver_release(s, q->r);
	s->finishing = true;
	s->st.end_ns = uv_hrtime();
	close_handle(s, (uv_handle_t *)&s->tick);
	close_handle(s, (uv_handle_t *)&s->rate_timer);
	close_handle(s, (uv_handle_t *)&s->progress);
	close_handle(s, (uv_handle_t *)&s->check);
	close_handle(s, (uv_handle_t *)&s->idle);
	for (unsigned i = 0; i < 2 * s->o.sockets; i++)
		if (s->udp[i].open)
			close_handle(s, (uv_handle_t *)&s->udp[i].h);
}

void scan_stop(struct scan *s)
{
	if (!s->started || s->finishing)
		return;
	if (s->stopping) {
		if (s->d)
			s->d->cut = true;
		expire(s, true);	/* second stop: give up on everything */
		maybe_finish(s);
		return;
	}
	s->stopping = true;
	s->st.interrupted = true;
	/* Discovery sends nothing more; the targets that answered it and wait
	 * for the plan stay queued, unasked, for the final checkpoint. */
	if (s->d && s->d->last_send_ns)
		s->d->stop_wait_ns = s->d->last_send_ns +
			s->o.timeout_ms * MS;
	/* Unsent queries are dropped, and with them their resolvers. */
	struct query *q;
	while ((q = sq_pop(s))) {
		struct resolver *r = q->r;
		if (q->state == Q_QUEUED) {
			if (inflight_get(&s->table, q->sock, q->id) == q)
				inflight_del(&s->table, q->sock, q->id);
			q->state = Q_DONE;
			s->assigned--;
			r->abandoned = true;
			if (--r->pending == 0)
				resolver_done(s, r);
		} else {
			resolver_release(s, r);
		}
	}
	/* Those awaiting confirmation: their second round is cut short. */
	while (s->cq_head) {
		struct resolver *r = s->cq_head;
		s->cq_head = r->cnext;
		if (!s->cq_head)
			s->cq_tail = NULL;
		s->cq_len--;
		r->abandoned = true;
		resolver_done(s, r);
	}
	maybe_finish(s);
}

struct scan *scan_new(uv_loop_t *loop, const struct scan_opts *opts,
	char *err, size_t errlen)
{
	const struct plan *p = opts->plan;
	if (!p || p->n == 0) {
		snprintf(err, errlen, "nothing to ask (empty plan)");
		return NULL;
	}
	if (opts->sockets < 1 || opts->sockets > 64) {
		snprintf(err, errlen, "sockets must be 1 to 64");
		return NULL;
	}
	/* Keep the id table at most a quarter full so random ids are found
	 * at the first draw or two. */
	if (opts->max_inflight < 1 ||
	    opts->max_inflight > opts->sockets * 65536u / 4) {
		snprintf(err, errlen, "--max-inflight must be 1 to %u with %u "
			"sockets", opts->sockets * 65536u / 4, opts->sockets);
		return NULL;
	}
	if (opts->timeout_ms < 1 || opts->timeout_ms > 600000) {
		snprintf(err, errlen, "timeout must be 1 ms to 600 s");
		return NULL;
	}
	if (!opts->next_target || !opts->result) {
		snprintf(err, errlen, "no target source or result sink");
		return NULL;
	}
	struct scan *s = calloc(1, sizeof(*s));
	if (!s)
		goto oom;
	s->loop = loop;
	s->o = *opts;
	/* As many waiting for confirmation as the window holds resolvers. */
	s->cq_max = opts->max_inflight / (p->n ? p->n : 1);
	if (s->cq_max < 1)
		s->cq_max = 1;
	s->rnd_pos = sizeof(s->rnd);
	s->tmpl = calloc(p->n, sizeof(*s->tmpl));
	s->tmpl_len = calloc(p->n, sizeof(*s->tmpl_len));
	s->udp = calloc(2 * opts->sockets, sizeof(*s->udp));
	size_t nb = 256;
	while (nb < opts->max_inflight)
		nb *= 2;
	s->hash = calloc(nb, sizeof(*s->hash));
	s->hmask = nb - 1;
	if (!s->tmpl || !s->tmpl_len || !s->udp || !s->hash ||
	    inflight_init(&s->table, 2 * opts->sockets,
		(size_t)opts->max_inflight + p->n) < 0)
		goto oom;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		char name[LDNS_MAX_DOMAINLEN + 8];
		const char *q = it->qname;
		if (it->role == QUERY_NXCONTROL) {
			uint8_t z[10] = { 0 };
			if (plan_nxname(it->qname, z, name, sizeof(name)) < 0) {
				snprintf(err, errlen, "%s: name too long", q);
				goto fail;
			}
			q = name;
		}
		int n = match_build_query(s->tmpl[i], sizeof(s->tmpl[i]), 0, q,
			it->qtype, !opts->no_dnssec, err, errlen);
		if (n < 0)
			goto fail;
		s->tmpl_len[i] = (uint16_t)n;
	}
	if (opts->discovery && disc_new(s, err, errlen) < 0)
		goto fail;
	return s;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	scan_free(s);
	return NULL;
}

int scan_start(struct scan *s, char *err, size_t errlen)
{
	if (open_family(s, 0, err, errlen) < 0) {
		/* IPv4 is the common case: fail early rather than target by
		 * target.  Close what was opened without calling done. */
		s->o.done = NULL;
		for (unsigned i = 0; i < s->o.sockets; i++)
			if (s->udp[i].open)
				close_handle(s, (uv_handle_t *)&s->udp[i].h);
		return -1;
	}
	s->tick.data = s->rate_timer.data = s->progress.data = s;
	s->check.data = s->idle.data = s;
	uv_timer_init(s->loop, &s->tick);
	uv_timer_init(s->loop, &s->rate_timer);
	uv_timer_init(s->loop, &s->progress);
	uv_check_init(s->loop, &s->check);
	uv_idle_init(s->loop, &s->idle);
	s->open_handles += 5;
	uint64_t now = uv_hrtime();
	s->st.start_ns = s->last_ns = now;
	if (s->d) {
		s->d->pass_start_ns = now;
		s->d->last_cp_ns = now;
		/* Where a resumed sweep starts is settled already. */
		if (s->o.position) {
			disc_here(s, &s->d->snap[0], 0);
			s->d->snap_n = 1;
		}
	}
	ratelimit_init(&s->rl, s->o.rate, 0, now);
	unsigned tick = s->o.timeout_ms / 10;
	tick = tick < 1 ? 1 : tick > 10 ? 10 : tick;
	uv_timer_start(&s->tick, on_tick, tick, tick);
	if (!s->o.quiet)
		uv_timer_start(&s->progress, on_progress, 1000, 1000);
	uv_check_start(&s->check, on_check);
	s->started = true;
	pump(s);
	return 0;
}

const struct scan_stats *scan_stats(const struct scan *s)
{
	return &s->st;
}

void scan_print_stats(const struct scan *s, FILE *f)
{
	print_progress(s, f, s->st.end_ns ? s->st.end_ns : uv_hrtime(), true);
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	if (s->udp)
		for (unsigned i = 0; i < 2 * s->o.sockets; i++)
			free(s->udp[i].buf);
	free(s->udp);
	while (s->pool) {
		struct resolver *r = s->pool;
		s->pool = r->hnext;
		free(r);
	}
	free(s->tmpl);
	free(s->tmpl_len);
	free(s->hash);
	inflight_clear(&s->table);
	disc_free(s->d);
	free(s);
}

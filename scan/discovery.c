/* discovery.c: the pure parts of discovery (see discovery.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/core_names.h>
#include "scan/discovery.h"

int disc_key_init(struct disc_key *k, const uint8_t secret[32],
	const char *name, uint16_t qtype, bool dnssec, unsigned sockets,
	char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	k->sockets = sockets ? sockets : 1;
	int n = match_build_query(k->tmpl, sizeof(k->tmpl), 0, name, qtype,
		dnssec, err, errlen);
	if (n < 0)
		return -1;
	k->tmpl_len = (uint16_t)n;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
			(char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	if (!(k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) ||
	    !(k->mctx = EVP_MAC_CTX_new(k->mac)) ||
	    EVP_MAC_init(k->mctx, secret, 32, params) != 1) {
		snprintf(err, errlen, "discovery: cannot key HMAC-SHA256");
		return -1;
	}
	return 0;
}

int disc_key_question(const struct disc_key *k, const struct prefix *t,
	unsigned try, uint8_t *wire, uint16_t *len, uint16_t *sock,
	uint16_t *id)
{
	uint8_t in[18], mac[32];
	size_t maclen = 0;
	in[0] = t->family == AF_INET6 ? 6 : 4;
	memset(in + 1, 0, 16);
	memcpy(in + 1, t->addr, t->family == AF_INET6 ? 16 : 4);
	in[17] = (uint8_t)try;
	/* A NULL key keeps the one set at start: only the message changes. */
	if (EVP_MAC_init(k->mctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(k->mctx, in, sizeof(in)) != 1 ||
	    EVP_MAC_final(k->mctx, mac, &maclen, sizeof(mac)) != 1 ||
	    maclen < 12)
		return -1;
	*id = (uint16_t)(mac[0] << 8 | mac[1]);
	*sock = (uint16_t)((t->family == AF_INET6 ? 1u : 0u) * k->sockets +
		mac[2] % k->sockets);
	memcpy(wire, k->tmpl, k->tmpl_len);
	*len = k->tmpl_len;
	match_set_id(wire, *id);
	match_0x20(wire, *len, mac + 4, 8);
	return 0;
}

void disc_key_free(struct disc_key *k)
{
	EVP_MAC_CTX_free(k->mctx);
	EVP_MAC_free(k->mac);
	k->mctx = NULL;
	k->mac = NULL;
}

/* ---- the targets that answered ---- */

static size_t prefix_hash(const struct prefix *p)
{
	size_t n = p->family == AF_INET6 ? 16 : 4;
	uint64_t h = 1469598103934665603ull ^ (uint64_t)p->family;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p->addr[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 29);
}

static uint32_t v4key(const struct prefix *t)
{
	return (uint32_t)t->addr[0] << 24 | (uint32_t)t->addr[1] << 16 |
		(uint32_t)t->addr[2] << 8 | t->addr[3];
}

static size_t v4hash(uint32_t k)
{
	uint64_t h = (uint64_t)k * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 29);
}

bool disc_seen_has(const struct disc_seen *s, const struct prefix *t)
{
	if (t->family != AF_INET6) {
		uint32_t k = v4key(t);
		if (!k)
			return s->zero;
		if (!s->v4_cap)
			return false;
		size_t mask = s->v4_cap - 1;
		for (size_t i = v4hash(k) & mask; s->v4[i]; i = (i + 1) & mask)
			if (s->v4[i] == k)
				return true;
		return false;
	}
	if (!s->v6_cap)
		return false;
	size_t mask = s->v6_cap - 1;
	for (size_t i = prefix_hash(t) & mask; s->v6[i].family;
	     i = (i + 1) & mask)
		if (addr_same(&s->v6[i], t))
			return true;
	return false;
}

static int v4_add(struct disc_seen *s, uint32_t k)
{
	if (2 * (s->v4_n + 1) > s->v4_cap) {
		size_t cap = s->v4_cap ? 2 * s->v4_cap : 1024;
		uint32_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return -1;
		for (size_t j = 0; j < s->v4_cap; j++) {
			if (!s->v4[j])
				continue;
			size_t i = v4hash(s->v4[j]) & (cap - 1);
			while (n[i])
				i = (i + 1) & (cap - 1);
			n[i] = s->v4[j];
		}
		free(s->v4);
		s->v4 = n;
		s->v4_cap = cap;
	}
	size_t mask = s->v4_cap - 1, i = v4hash(k) & mask;
	while (s->v4[i])
		i = (i + 1) & mask;
	s->v4[i] = k;
	s->v4_n++;
	return 0;
}

int disc_seen_add(struct disc_seen *s, const struct prefix *t)
{
	if (t->family != AF_INET6) {
		uint32_t k = v4key(t);
		if (!k) {
			s->zero = true;
			return 0;
		}
		return v4_add(s, k);
	}
	if (2 * (s->v6_n + 1) > s->v6_cap) {
		size_t cap = s->v6_cap ? 2 * s->v6_cap : 1024;
		struct prefix *n = calloc(cap, sizeof(*n));
		if (!n)
			return -1;
		for (size_t j = 0; j < s->v6_cap; j++) {
			if (!s->v6[j].family)
				continue;
			size_t i = prefix_hash(&s->v6[j]) & (cap - 1);
			while (n[i].family)
				i = (i + 1) & (cap - 1);
			n[i] = s->v6[j];
		}
		free(s->v6);
		s->v6 = n;
		s->v6_cap = cap;
	}
	size_t mask = s->v6_cap - 1, i = prefix_hash(t) & mask;
	while (s->v6[i].family)
		i = (i + 1) & mask;
	s->v6[i] = *t;
	s->v6_n++;
	return 0;
}

size_t disc_seen_count(const struct disc_seen *s)
{
	return s->v4_n + s->v6_n + (s->zero ? 1 : 0);
}

void disc_seen_free(struct disc_seen *s)
{
	free(s->v6);
	free(s->v4);
	memset(s, 0, sizeof(*s));
}

/* ---- the queue to the plan ---- */

int disc_queue_push(struct disc_queue *q, const struct prefix *t)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 256;
		struct prefix *n = malloc(cap * sizeof(*n));
		if (!n)
			return -1;
		for (size_t i = 0; i < q->len; i++)
			n[i] = q->q[(q->head + i) % q->cap];
		free(q->q);
		q->q = n;
		q->cap = cap;
		q->head = 0;
	}
	q->q[(q->head + q->len) % q->cap] = *t;
	q->len++;
	return 0;
}

bool disc_queue_pop(struct disc_queue *q, struct prefix *out)
{
	if (!q->len)
		return false;
	*out = q->q[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return true;
}

const struct prefix *disc_queue_at(const struct disc_queue *q, size_t i)
{
	return &q->q[(q->head + i) % q->cap];
}

void disc_queue_free(struct disc_queue *q)
{
	free(q->q);
	memset(q, 0, sizeof(*q));
}

/* ---- the ring of recent questions ---- */

int disc_sent_init(struct disc_sent *r)
{
	r->pos = 0;
	r->ring = calloc(DISC_SENT_RING, sizeof(*r->ring));
	r->bucket = calloc(DISC_SENT_BUCKETS, sizeof(*r->bucket));
	return r->ring && r->bucket ? 0 : -1;
}

void disc_sent_add(struct disc_sent *r, const struct prefix *t,
	unsigned try, uint16_t sock, uint16_t id)
{
	uint64_t seq = ++r->pos;
	struct disc_sent_entry *e = &r->ring[(seq - 1) % DISC_SENT_RING];
	e->target = *t;
	e->try = (uint8_t)try;
	e->key = (uint32_t)sock << 16 | id;
	e->seq = seq;
	e->next = r->bucket[e->key % DISC_SENT_BUCKETS];
	r->bucket[e->key % DISC_SENT_BUCKETS] = seq;
}

/* The ring's entry seq, or NULL when it was never there or is gone. */
static const struct disc_sent_entry *sent_at(const struct disc_sent *r,
	uint64_t seq)
{
	const struct disc_sent_entry *e = &r->ring[(seq - 1) %
		DISC_SENT_RING];
	return seq && e->seq == seq ? e : NULL;
}

const struct disc_sent_entry *disc_sent_newest(const struct disc_sent *r,
	uint16_t sock, uint16_t id)
{
	uint32_t key = (uint32_t)sock << 16 | id;
	return sent_at(r, r->bucket[key % DISC_SENT_BUCKETS]);
}

const struct disc_sent_entry *disc_sent_older(const struct disc_sent *r,
	const struct disc_sent_entry *e)
{
	return sent_at(r, e->next);
}

void disc_sent_free(struct disc_sent *r)
{
	free(r->ring);
	free(r->bucket);
	r->ring = NULL;
	r->bucket = NULL;
}

/* ---- the trail of a pass ---- */

void disc_trail_note(struct disc_trail *tr, uint64_t p, uint64_t now)
{
	if (!tr->g)
		tr->g = 1;
	while (p / tr->g >= DISC_TRAIL) {
		for (size_t i = 0; i < DISC_TRAIL / 2; i++)
			tr->t[i] = tr->t[2 * i] > tr->t[2 * i + 1] ?
				tr->t[2 * i] : tr->t[2 * i + 1];
		memset(tr->t + DISC_TRAIL / 2, 0,
			DISC_TRAIL / 2 * sizeof(*tr->t));
		tr->g *= 2;
	}
	if (tr->t[p / tr->g] < now)
		tr->t[p / tr->g] = now;
}

uint64_t disc_trail_time(const struct disc_trail *tr, uint64_t p)
{
	if (!tr->g || p / tr->g >= DISC_TRAIL)
		return 0;
	return tr->t[p / tr->g];
}

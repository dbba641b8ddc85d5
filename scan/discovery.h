/* discovery.h: the pure parts of discovery (scan.h, opts.discovery): the
 * keyed question that lets a reply be judged without state, the set of
 * targets that answered, the queue that hands them to the plan, the ring
 * of recent questions that attributes a forwarder's reply to its target,
 * and the trail that paces a pass after the one before.  No sockets and
 * no clock: the engine (scan.c) passes the time in. */
#ifndef SCAN_DISCOVERY_H
#define SCAN_DISCOVERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include "common/addr.h"
#include "scan/match.h"

/** The discovery question, keyed: HMAC-SHA256(secret, family, address,
 * try) sets its id, the socket it leaves from and its 0x20 case. */
struct disc_key {
	EVP_MAC *mac;
	EVP_MAC_CTX *mctx;		/* keyed with the secret */
	uint8_t tmpl[MATCH_QUERY_MAX];	/* the question, id 0 */
	uint16_t tmpl_len;
	unsigned sockets;		/* per address family */
};

/** Key k with secret (32 bytes) for the question NAME (FQDN) TYPE, with
 * the DO bit when dnssec, leaving from one of sockets per family.
 * Returns 0, or -1 with the reason in err (free k with disc_key_free
 * either way). */
int disc_key_init(struct disc_key *k, const uint8_t secret[32],
	const char *name, uint16_t qtype, bool dnssec, unsigned sockets,
	char *err, size_t errlen);

/** The question to target t at try: its wire (wire: MATCH_QUERY_MAX
 * bytes), *len, the socket index (family index * sockets + n) and id.
 * Returns 0, or -1 when the MAC failed. */
int disc_key_question(const struct disc_key *k, const struct prefix *t,
	unsigned try, uint8_t *wire, uint16_t *len, uint16_t *sock,
	uint16_t *id);

void disc_key_free(struct disc_key *k);

/** The targets that answered: IPv4 ones as their 4 bytes (a sweep of the
 * IPv4 space finds millions), IPv6 ones whole; open addressing, at most
 * half full.  Zeroed is empty. */
struct disc_seen {
	struct prefix *v6;
	size_t v6_n, v6_cap;
	uint32_t *v4;			/* 0: an empty slot */
	size_t v4_n, v4_cap;
	bool zero;			/* 0.0.0.0 */
};

bool disc_seen_has(const struct disc_seen *s, const struct prefix *t);
/** Add t (not yet in the set).  Returns 0, or -1 out of memory. */
int disc_seen_add(struct disc_seen *s, const struct prefix *t);
size_t disc_seen_count(const struct disc_seen *s);
void disc_seen_free(struct disc_seen *s);

/** Targets waiting for the plan, first in first out: a ring that grows.
 * Zeroed is empty. */
struct disc_queue {
	struct prefix *q;
	size_t head, len, cap;
};

/** Returns 0, or -1 out of memory (the queue is unchanged). */
int disc_queue_push(struct disc_queue *q, const struct prefix *t);
bool disc_queue_pop(struct disc_queue *q, struct prefix *out);
/** The i-th waiting target, i < q->len, the next to pop first. */
const struct prefix *disc_queue_at(const struct disc_queue *q, size_t i);
void disc_queue_free(struct disc_queue *q);

/** The last DISC_SENT_RING questions, kept only to attribute a reply
 * from another address (a transparent forwarder's upstream) to the target
 * asked; a reply from the target itself is judged by the key alone. */
#define DISC_SENT_RING 65536
/** Hash buckets by socket and id: few enough to stay in cache while
 * sending touches one per question. */
#define DISC_SENT_BUCKETS 16384

struct disc_sent_entry {
	struct prefix target;
	uint64_t seq;			/* 0: never used */
	uint64_t next;			/* the bucket's next older entry */
	uint32_t key;			/* socket << 16 | id */
	uint8_t try;
};

/* Entries are named by their sequence number; a bucket's chain runs from
 * the newest to older ones and ends at one the ring has since
 * overwritten: entries leave oldest first, so a chain never needs
 * unlinking (which cost a cache miss or two per question). */
struct disc_sent {
	struct disc_sent_entry *ring;	/* DISC_SENT_RING */
	uint64_t *bucket;		/* DISC_SENT_BUCKETS heads (seq) */
	uint64_t pos;
};

/** Returns 0, or -1 out of memory (free with disc_sent_free). */
int disc_sent_init(struct disc_sent *r);
void disc_sent_add(struct disc_sent *r, const struct prefix *t,
	unsigned try, uint16_t sock, uint16_t id);
/** The newest question that left socket sock with id, or NULL; then
 * disc_sent_older for the ones before it in the same bucket (check
 * e->key: a bucket holds other keys too). */
const struct disc_sent_entry *disc_sent_newest(const struct disc_sent *r,
	uint16_t sock, uint16_t id);
const struct disc_sent_entry *disc_sent_older(const struct disc_sent *r,
	const struct disc_sent_entry *e);
void disc_sent_free(struct disc_sent *r);

/** Chunks of the order whose last question's time a pass keeps for the
 * next: 128 KiB a pass, however many the targets. */
#define DISC_TRAIL 16384

/** When each chunk of the order was last asked in one pass, so that the
 * next pass asks a target again only once the pass before's question is
 * a timeout old, however much faster it goes (it skips those that
 * answered).  Zeroed is empty. */
struct disc_trail {
	uint64_t t[DISC_TRAIL];
	uint64_t g;			/* positions a chunk, a power of 2 */
};

/** Position p was asked at now (ns). */
void disc_trail_note(struct disc_trail *tr, uint64_t p, uint64_t now);
/** When position p's chunk was last asked; 0: never. */
uint64_t disc_trail_time(const struct disc_trail *tr, uint64_t p);

#endif

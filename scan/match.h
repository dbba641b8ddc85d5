/* match.h: queries on the wire and the rules that decide whether a reply
 * belongs to one: transaction id, source address and port, and the question
 * echoed byte for byte (0x20 case included), plus the in-flight table that
 * finds the outstanding query for a reply.  Pure: no sockets, no clock. */
#ifndef SCAN_MATCH_H
#define SCAN_MATCH_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/socket.h>

/** Largest query we build: header, a 255-byte name, question, OPT. */
#define MATCH_QUERY_MAX 300

/** Build a query for (qname, qtype, IN) with RD set, id, and EDNS0 (UDP
 * size 1232, the DO bit when dnssec_ok), into buf (cap bytes) with ldns.
 * qname is used as written (case kept, trailing dot optional).  Returns
 * the length, or -1 with a reason in err. */
int match_build_query(uint8_t *buf, size_t cap, uint16_t id,
	const char *qname, uint16_t qtype, bool dnssec_ok,
	char *err, size_t errlen);

/** Set the transaction id of a wire packet of len >= 2 bytes. */
void match_set_id(uint8_t *wire, uint16_t id);

/** Length of the question section (name, type, class) of a wire query
 * starting at offset 12, or -1 when it is short or uses compression. */
int match_question_len(const uint8_t *wire, size_t len);

/** 0x20 (Dagon et al.): flip the case of each ASCII letter in the question
 * name of the wire query according to the bits in rnd (one bit per
 * letter, reused cyclically over nrnd bytes).  Returns the number of
 * letters, or -1 when the question is malformed. */
int match_0x20(uint8_t *wire, size_t len, const uint8_t *rnd, size_t nrnd);

/** The question name of a wire query in presentation form with a trailing
 * dot ("gMaIl.com."), into buf.  Returns 0, or -1 if malformed or too
 * long. */
int match_qname_str(const uint8_t *wire, size_t len, char *buf,
	size_t buflen);

/** The question name of a wire query spelt as name (presentation form
 * without escapes, e.g. the plan's "gmail.com.") but with each letter's
 * case taken from the wire (after 0x20), into buf.  The cheap path for
 * every query's "qname as asked"; returns 0, or -1 when name has escapes,
 * does not spell the wire name, or buf is too small (then use
 * match_qname_str). */
int match_qname_case(const uint8_t *wire, size_t len, const char *name,
	char *buf, size_t buflen);

/** Why a reply does not belong to a query. */
enum match_result {
	MATCH_OK = 0,
	MATCH_SHORT,		/* not even a transaction id */
	MATCH_NOT_REPLY,	/* QR bit clear */
	MATCH_ID,		/* another transaction id */
	MATCH_SOURCE,		/* another source address or port */
	MATCH_QUESTION,		/* a readable question, but not the one asked
				 * (0x20 case included) */
	MATCH_MALFORMED		/* the id matches but the header or question
				 * cannot be read: shorter than a header,
				 * QDCOUNT not 1, or a name that does not
				 * parse: the peer's reply, garbled */
};

/** "ok", "short", "not-reply", "id", "source", "question", "malformed". */
const char *match_result_str(enum match_result r);

/** Does the wire reply answer the wire query?  Checks the id, QR, QDCOUNT
 * 1 and the question bytes, in that order; names compared exactly when
 * exact_case (0x20 on), else ASCII case-insensitively.  A reply with the
 * right id whose question cannot be read is MATCH_MALFORMED, one whose
 * question is readable and different MATCH_QUESTION (a forgery or a stray
 * reply, not the peer's garbled answer). */
enum match_result match_reply(const uint8_t *reply, size_t rlen,
	const uint8_t *query, size_t qlen, bool exact_case);

/** Is got the same address and port as want (IPv4 or IPv6)? */
bool match_source(const struct sockaddr *want, const struct sockaddr *got);

/** The in-flight table: outstanding queries by (socket, transaction id).
 * An open-addressing hash (linear probing, deletion by backward shift)
 * sized at start for the window, not the number of targets or the id
 * space: a few hundred KiB that stay in cache, where a direct index over
 * every (socket, id) would be megabytes read at random. */
struct inflight_slot {
	uint32_t key;		/* socket << 16 | id */
	void *q;		/* NULL: empty */
};
struct inflight {
	struct inflight_slot *slot;	/* owned */
	size_t mask;		/* capacity - 1 (a power of two) */
	unsigned nsock;
	size_t used, max;	/* entries, and the most allowed */
};

/** Make a table for nsock sockets (at most 65536) holding up to max
 * entries (at most half full).  Returns 0, or -1 out of memory. */
int inflight_init(struct inflight *t, unsigned nsock, size_t max);

/** Free the slots (not what they point to). */
void inflight_clear(struct inflight *t);

/** Put q (not NULL) at (sock, id).  Returns 0, or -1 when taken (pick
 * another id), the socket is out of range or the table holds max. */
int inflight_put(struct inflight *t, unsigned sock, uint16_t id, void *q);

/** The query at (sock, id), or NULL. */
void *inflight_get(const struct inflight *t, unsigned sock, uint16_t id);

/** Empty (sock, id). */
void inflight_del(struct inflight *t, unsigned sock, uint16_t id);

#endif

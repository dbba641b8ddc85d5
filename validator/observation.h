/* observation.h: what one resolver said, query by query.  Filled by the
 * scanner (or the query command), read by the validator.  Pure data. */
#ifndef JUDGE_OBSERVATION_H
#define JUDGE_OBSERVATION_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <ldns/ldns.h>
#include "common/addr.h"

/** Why a query was asked: the paper's plan plus the control queries. */
enum query_role {
	QUERY_MX = 0,	/* MX of a provider domain */
	QUERY_ADDR,	/* A or AAAA of the provider's best MX host */
	QUERY_NXCONTROL,	/* a random name that does not exist */
	QUERY_CONTROL,	/* an unrelated name with a known answer */
	QUERY_OTHER	/* a user's own question (query command) */
};

/** How one query ended. */
enum reply_status {
	REPLY_OK = 0,	/* a well-formed reply matched the query */
	REPLY_TIMEOUT,	/* no matching reply after every retry */
	REPLY_MALFORMED	/* the only matching replies did not parse */
};

/** One query to one resolver and what came back. */
struct query_result {
	/* Pointers and the double first: 48 bytes, so the array of a
	 * resolver's queries stays in malloc's small bins. */
	char *qname;		/* as asked (0x20 case kept), owned */
	ldns_pkt *reply;	/* owned; NULL unless REPLY_OK */
	double rtt_ms;		/* first query sent to reply received */
	uint16_t qtype;
	bool tcp;		/* the reply came over TCP after TC */
	uint8_t tcp_err;	/* the errno that ended a TCP exchange with
				 * no reply (ECONNREFUSED...), else 0 */
	enum query_role role;
	int provider;		/* index into truth.providers, -1 if none */
	int round;		/* 0 first scan, 1 confirmation round */
	enum reply_status status;
	unsigned tries;		/* UDP sends for this query */
};

/** Everything one resolver said in a scan. */
struct observation {
	struct prefix resolver;	/* the resolver's address */
	struct query_result *results;	/* owned */
	size_t n, cap;
	unsigned unsolicited;	/* replies for it seen and not accepted */
	/* A transparent forwarder: replies to its queries came, validated,
	 * from another address (the resolver behind it). */
	unsigned forwarded;	/* queries answered from another address */
	struct prefix answered_by;	/* the first such address */
	bool silent;		/* a sweep's target that never answered its
				 * discovery question (written only when
				 * asked for) */
};

/** A new empty observation for resolver.  Free with observation_free. */
struct observation *observation_new(const struct prefix *resolver);

/** Free o and everything it owns.  NULL is fine. */
void observation_free(struct observation *o);

/** Append a result; the observation takes ownership of qname and reply
 * (also on failure, when they are freed).  Returns 0 or -1 (out of
 * memory). */
int observation_add(struct observation *o, char *qname, uint16_t qtype,
	enum query_role role, int provider, int round,
	enum reply_status status, ldns_pkt *reply, double rtt_ms);

#endif

/* observation.c: the per-resolver record of queries and replies. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "validator/observation.h"

struct observation *observation_new(const struct prefix *resolver)
{
	struct observation *o = calloc(1, sizeof(*o));
	if (o && resolver)
		o->resolver = *resolver;
	return o;
}

void observation_free(struct observation *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		free(o->results[i].qname);
		if (o->results[i].reply)
			ldns_pkt_free(o->results[i].reply);
	}
	free(o->results);
	free(o);
}

int observation_add(struct observation *o, char *qname, uint16_t qtype,
	enum query_role role, int provider, int round,
	enum reply_status status, ldns_pkt *reply, double rtt_ms)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct query_result *r = realloc(o->results, cap * sizeof(*r));
		if (!r) {
			free(qname);
			if (reply)
				ldns_pkt_free(reply);
			return -1;
		}
		o->results = r;
		o->cap = cap;
	}
	struct query_result *q = &o->results[o->n++];
	memset(q, 0, sizeof(*q));
	q->qname = qname;
	q->qtype = qtype;
	q->role = role;
	q->provider = provider;
	q->round = round;
	q->status = status;
	q->reply = reply;
	q->rtt_ms = rtt_ms;
	return 0;
}

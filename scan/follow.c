/* follow.c: the destinations of a scan's lies and the verdict on what
 * was found there (follow.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "common/addr.h"
#include "common/dnsname.h"
#include "scan/follow.h"

static const char *const verdict_names[FOLLOW_VERDICTS] = { "unreachable",
	"not-smtp", "smtp-no-starttls", "smtp-starttls", "imposter" };

const char *follow_verdict_str(enum follow_verdict v)
{
	return v < FOLLOW_VERDICTS ? verdict_names[v] : "?";
}

int follow_verdict_parse(const char *name)
{
	for (int i = 0; name && i < FOLLOW_VERDICTS; i++)
		if (!strcmp(name, verdict_names[i]))
			return i;
	return -1;
}

enum follow_verdict follow_judge(const struct starttls_result *r)
{
	if (!r->tcp)
		return FOLLOW_UNREACHABLE;
	if (!r->connected)
		return FOLLOW_NOT_SMTP;
	if (!r->offered)
		return FOLLOW_SMTP_PLAIN;
	if (r->handshake && r->cert && r->verify == 0 && r->name_ok &&
	    !r->expired && !r->not_yet_valid)
		return FOLLOW_IMPOSTER;
	return FOLLOW_SMTP_STARTTLS;
}

void follow_set_init(struct follow_set *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < sizeof(s->head) / sizeof(s->head[0]); i++)
		s->head[i] = -1;
}

static unsigned hash(const char *a)
{
	unsigned h = 2166136261u;
	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	return h % (sizeof(((struct follow_set *)0)->head) / sizeof(int));
}

/* The provider's best true MX host (no trailing dot), or "". */
static void true_mx(const struct truth *t, const char *provider, char *out,
	size_t len)
{
	out[0] = '\0';
	const struct truth_answer *a = t ? truth_find(t, provider,
		LDNS_RR_TYPE_MX) : NULL;
	const ldns_rdf *best = a ? truth_best_mx(a) : NULL;
	char *s = best ? ldns_rdf2str(best) : NULL;
	if (s)
		dns_name_plain(out, len, s);
	free(s);
}

static int add_one(struct follow_set *s, const char *addr,
	const char *provider, const struct truth *truth)
{
	unsigned h = hash(addr);
	for (int i = s->head[h]; i >= 0; i = s->v[i].next)
		if (!strcmp(s->v[i].addr, addr)) {
			if (s->v[i].last != s->records)
				s->v[i].resolvers++;
			s->v[i].last = s->records;
			return 0;
		}
	if (s->n == FOLLOW_MAX) {
		s->over++;
		return 0;
	}
	if (!s->v && !(s->v = calloc(FOLLOW_MAX, sizeof(*s->v))))
		return -1;
	struct follow_dest *d = &s->v[s->n];
	snprintf(d->addr, sizeof(d->addr), "%s", addr);
	snprintf(d->provider, sizeof(d->provider), "%s", provider);
	true_mx(truth, provider, d->true_mx, sizeof(d->true_mx));
	d->resolvers = 1;
	d->last = s->records;
	d->next = s->head[h];
	s->head[h] = (int)s->n++;
	return 0;
}

int follow_lie_addrs(const struct summary_record *rec,
	int (*cb)(const char *addr, const char *provider, void *arg),
	void *arg)
{
	for (size_t q = 0; q < rec->nqueries; q++) {
		const struct summary_query *sq = &rec->queries[q];
		if (sq->role != QUERY_ADDR || !sq->provider || sq->class < 0 ||
		    !verdict_class_is_lie(sq->class))
			continue;
		for (size_t i = 0; i < sq->ninvalid; i++) {
			/* Only an address is a place to go. */
			struct prefix p;
			char err[64];
			if (prefix_parse(sq->invalid[i], &p, err,
			    sizeof(err)) < 0 || p.len != (p.family ==
			    AF_INET6 ? 128u : 32u))
				continue;
			int rc = cb(sq->invalid[i], sq->provider, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

struct add_ctx {
	struct follow_set *s;
	const struct truth *truth;
};

static int add_cb(const char *addr, const char *provider, void *arg)
{
	struct add_ctx *a = arg;
	return add_one(a->s, addr, provider, a->truth) < 0 ? -1 : 0;
}

int follow_set_add(struct follow_set *s, const struct summary_record *rec,
	const struct truth *truth)
{
	struct add_ctx a = { s, truth };
	s->records++;
	return follow_lie_addrs(rec, add_cb, &a);
}

void follow_set_clear(struct follow_set *s)
{
	free(s->v);
	follow_set_init(s);
}

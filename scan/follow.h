/* follow.h: where the lies lead (scan --follow-smtp): the distinct
 * addresses that lying resolvers gave for a provider's mail host, each
 * with the provider and its true best MX host, and the verdict on what an
 * SMTP session found there.  Pure: the set is filled from summary
 * records; follow_run.h visits the addresses. */
#ifndef SCAN_FOLLOW_H
#define SCAN_FOLLOW_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "scan/summary_record.h"
#include "validator/truth.h"
#include "mail/starttls_result.h"

/** Destinations kept; past it a lie's address is counted, not followed. */
#define FOLLOW_MAX 4096

/** What a destination turned out to be, least harmful first. */
enum follow_verdict {
	FOLLOW_UNREACHABLE = 0,	/* no TCP connection (refused, timeout) */
	FOLLOW_NOT_SMTP,	/* connected, but no SMTP greeting */
	FOLLOW_SMTP_PLAIN,	/* an SMTP server without STARTTLS */
	FOLLOW_SMTP_STARTTLS,	/* STARTTLS, and a sender that checks the
				   certificate against the true MX name
				   would refuse it */
	FOLLOW_IMPOSTER,	/* STARTTLS with a certificate valid for the
				   provider's true MX host: even a checking
				   sender would deliver */
	FOLLOW_VERDICTS
};

/** "unreachable", "not-smtp", "smtp-no-starttls", "smtp-starttls",
 * "imposter". */
const char *follow_verdict_str(enum follow_verdict v);

/** The verdict's number, or -1 for another name. */
int follow_verdict_parse(const char *name);

/** The verdict on one session's facts (the probe named the provider's
 * true MX host, so name_ok says whether the certificate is valid for
 * it). */
enum follow_verdict follow_judge(const struct starttls_result *r);

/** A lie's destination. */
struct follow_dest {
	char addr[64];
	char provider[256];	/* the first provider it was given for */
	char true_mx[256];	/* that provider's best true MX host, "" */
	uint64_t resolvers;	/* lying resolvers that named it */
	uint64_t last;		/* the record that counted it last */
	int next;		/* hash chain, -1 ends */
};

/** The distinct destinations of a scan's lies. */
struct follow_set {
	struct follow_dest *v;
	size_t n;
	int head[8192];		/* hash heads into v, -1 empty */
	uint64_t over;		/* lies past FOLLOW_MAX destinations */
	uint64_t records;	/* records added: one resolver counts once */
};

/** An empty set. */
void follow_set_init(struct follow_set *s);

/** Call cb(addr, provider, arg) for each address rec's lying address
 * answers gave (queries of role addr whose class is a lie), in the
 * record's order; an address may come more than once.  Returns 0, or the
 * first nonzero return of cb. */
int follow_lie_addrs(const struct summary_record *rec,
	int (*cb)(const char *addr, const char *provider, void *arg),
	void *arg);

/** Add the addresses rec's lying address answers gave (queries of role
 * addr whose class is a lie), each once; truth names the providers' true
 * MX hosts.  Returns 0, or -1 when out of memory. */
int follow_set_add(struct follow_set *s, const struct summary_record *rec,
	const struct truth *truth);

/** Free what s holds; it is empty afterwards. */
void follow_set_clear(struct follow_set *s);

#endif

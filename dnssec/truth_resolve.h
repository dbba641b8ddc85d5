/* truth_resolve.h: ground truth by DNSSEC-validated resolution with
 * libunbound, driven from the caller's libuv loop.
 *
 * A run resolves a set of questions for --rounds rounds.  Each round has a
 * fresh libunbound context (libunbound has no cache flush, and rotating
 * answers must be seen again), whose result pipe (ub_fd) is polled with
 * uv_poll and drained with ub_process on the loop: no blocking call on the
 * loop, and no thread per query (libunbound's one background worker per
 * context does the network I/O).  Answers of every round are merged into
 * struct truth (truth_answer_merge: the union).  An MX answer's exchanges
 * are resolved (A and AAAA) in the same round. */
#ifndef DNSSEC_TRUTH_RESOLVE_H
#define DNSSEC_TRUTH_RESOLVE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>
#include "validator/truth.h"
#include "dnssec/truth_opts.h"

struct truth_run;

/* ---- one validating context shared by many runs ----
 *
 * A survey's checks each make small runs (one round each); with a cache
 * they all go through one libunbound context: one cache, the root hints
 * and trust anchor read once, one worker thread, the memory bounded by
 * the cache sizes whatever the number of checks.  Questions in flight are
 * capped (the rest wait in order), so the authoritative servers see a
 * bounded load; a question that fails (SERVFAIL without a DNSSEC failure,
 * or a libunbound error) is asked again after a backoff while its round's
 * time lasts, so a rate-limiting server slows a survey down instead of
 * turning into wrong answers. */

/** What a cache did so far. */
struct truth_cache_stats {
	unsigned long asked;	/* questions handed to libunbound */
	unsigned long retried;	/* of them, asked again after a failure */
	unsigned long failed;	/* questions whose final answer is a
				   failure (SERVFAIL, error, no answer) */
	size_t inflight, waiting;	/* now */
};

struct truth_cache;

/** Cache bounds: libunbound's message and RRset caches (bytes each), and
 * questions in flight at once. */
#define TRUTH_CACHE_MSG_BYTES "4m"
#define TRUTH_CACHE_RRSET_BYTES "8m"
#define TRUTH_CACHE_INFLIGHT 512
/** Tries of a failed question (the first ask and the retries), and the
 * first backoff; each retry waits twice as long as the one before. */
#define TRUTH_CACHE_TRIES 4
#define TRUTH_CACHE_BACKOFF_MS 250

/** A shared context on loop, from o's root hints and trust anchor
 * (checked first, truth_opts_check).  Set it as o->cache of the runs that
 * are to share it (only one-round runs do; others keep a fresh context per
 * round).  Returns it (free with truth_cache_free once no run uses it), or
 * NULL with the reason in err. */
struct truth_cache *truth_cache_new(uv_loop_t *loop,
	const struct truth_opts *o, char *err, size_t errlen);

/** The counts so far. */
void truth_cache_stats(const struct truth_cache *c,
	struct truth_cache_stats *st);

/** Free c: its handles close on the next loop iterations (keep uv_run
 * going afterwards).  No run may use it any more.  NULL is fine. */
void truth_cache_free(struct truth_cache *c);

/** Called once when a run has finished all its rounds (or failed to start
 * a round).  No handle of the run is open any more: the callback may call
 * truth_run_free. */
typedef void (*truth_done_cb)(struct truth_run *run, void *arg);

/** A new run that will fill t (borrowed: it must outlive the run) using the
 * files and settings of o (copied; the strings are borrowed).  Checks the
 * root hints and trust anchor files first (truth_opts_check).  Returns the
 * run (free with truth_run_free), or NULL with the reason in err. */
struct truth_run *truth_run_new(uv_loop_t *loop, struct truth *t,
	const struct truth_opts *o, char *err, size_t errlen);

/** Add one question (qname, qtype) to resolve in every round; its answer
 * is truth_get(t, qname, qtype), with .provider = provider (-1 for none).
 * For MX, the exchanges' A and AAAA are resolved too.  Only before
 * truth_run_start.  Returns 0 or -1 (out of memory, bad name) with err. */
int truth_run_add(struct truth_run *r, const char *qname, uint16_t qtype,
	int provider, char *err, size_t errlen);

/** Add the questions for everything in t: the MX of every provider, the
 * control name (t->control_name, t->control_type) and one random name under
 * t->nxdomain_zone (see truth_run_nxdomain_name).  Returns 0 or -1. */
int truth_run_add_providers(struct truth_run *r, char *err, size_t errlen);

/** Start resolving on the loop; cb(run, arg) is called when done.  Returns
 * 0, or -1 with err when the first round cannot start (libunbound refused
 * the configuration). */
int truth_run_start(struct truth_run *r, truth_done_cb cb, void *arg,
	char *err, size_t errlen);

/** After the run: 0 when at least one question got an answer, -1 with a
 * message in err when none did (no root server answered, or a round could
 * not be set up).  Per-question failures are in the answers and in the
 * providers' usable/why_unusable, set when the run finishes. */
int truth_run_status(const struct truth_run *r, char *err, size_t errlen);

/** The random name asked under t->nxdomain_zone (its answer is in t), or
 * NULL when there is none.  Borrowed from r. */
const char *truth_run_nxdomain_name(const struct truth_run *r);

/** Free r.  A run still in progress is stopped first: its handles close on
 * the next loop iterations, so keep the loop running (uv_run) afterwards;
 * the done callback is not called.  NULL is fine. */
void truth_run_free(struct truth_run *r);

/** The whole thing for a subcommand: load the providers file o->providers
 * into t, check the files, add all provider questions and start.  Returns
 * the run, or NULL with "FILE:LINE: reason" style message in err. */
struct truth_run *truth_resolve_start(uv_loop_t *loop, struct truth *t,
	const struct truth_opts *o, truth_done_cb cb, void *arg,
	char *err, size_t errlen);

/** At most this many exchanges of one MX answer are resolved. */
#define TRUTH_MAX_MX_HOSTS 32

/** Split one reply (pure, no I/O): append to cnames the CNAME chain followed
 * from qname (in order, at most 16 hops), and to rrs the qtype records of
 * the name the chain ends at (RRSIGs and other owners left out).  *ttl gets
 * the smallest TTL among them, or for an answer without records the
 * negative TTL (the smaller of the SOA's TTL and minimum, RFC 2308), or 0.
 * Records are copied; the caller owns the lists.  Returns 0 or -1. */
int truth_answer_split(const ldns_pkt *pkt, const char *qname,
	uint16_t qtype, ldns_rr_list *rrs, ldns_rr_list *cnames,
	uint32_t *ttl);

#endif

/* scan.h: the scan engine.  One libuv loop; a few UDP sockets on random
 * source ports; random transaction ids and optional 0x20 case; a bounded
 * window of queries in flight with timeouts and retries; a token-bucket
 * rate limit; TCP after a truncated reply; a confirmation round for
 * resolvers whose first answers were not all correct.  Replies are accepted
 * only when source address and port, id and question match an
 * outstanding query (match.h); everything else is counted as unsolicited.
 *
 * Targets are pulled one at a time (scan_opts.next_target) and each
 * resolver's observation is handed out (scan_opts.result) as soon as it is
 * complete, so memory depends on the window, not the number of targets
 * (plus the resolvers waiting for their confirmation round: at most
 * rate x confirm_delay / plan size of them).
 * The engine neither classifies nor formats: the caller does both in its
 * callbacks (cmd_scan.c wires validator/ and output.h). */
#ifndef SCAN_SCAN_H
#define SCAN_SCAN_H
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include <uv.h>
#include "common/addr.h"
#include "validator/observation.h"
#include "scan/plan.h"

#define SCAN_DEFAULT_INFLIGHT 10000
#define SCAN_DEFAULT_TIMEOUT_MS 2000
#define SCAN_DEFAULT_RETRIES 1
#define SCAN_DEFAULT_SOCKETS 4
#define SCAN_DEFAULT_CONFIRM_MS 2000
/* zmap's default send rate: polite to a network that did not ask. */
#define SCAN_DEFAULT_RATE 10000

/** A sweep's checkpoint (discovery).  The targets before position mark of
 * discovery pass `pass` are settled: each was asked that pass's question
 * and answered or had its time, and every one that answered was handed
 * out already or is listed in pending (which may also list some after
 * mark).  A sweep resumed from it starts in that pass at mark, and asks
 * the plan of pending first, so it asks again no silent target before
 * mark. */
struct scan_checkpoint {
	unsigned pass;
	uint64_t mark;			/* in scan_opts.position's terms */
	const struct prefix *pending;	/* borrowed, until the callback
					 * returns */
	size_t npending;
	bool over;			/* every pass made (mark is the end) */
	bool final;			/* the scan has ended (done or stopped) */
};

/** What a scan does and whom it tells. */
struct scan_opts {
	const struct plan *plan;	/* borrowed; must outlive the scan */
	unsigned max_inflight;	/* queries queued or outstanding at once */
	unsigned timeout_ms;	/* per try (UDP), per connection (TCP) */
	unsigned retries;	/* UDP tries after the first */
	uint64_t rate;		/* packets per second, 0: unlimited */
	unsigned sockets;	/* UDP sockets per address family */
	bool x20;		/* 0x20 case randomisation */
	uint16_t port;		/* resolvers' port; 0: 53 */
	bool no_dnssec;		/* queries without the DO bit */
	bool tcp_only;		/* every query over TCP (query --tcp) */
	unsigned confirm_delay_ms;	/* before the confirmation round */
	bool quiet;		/* no progress line */
	FILE *progress;		/* where progress goes (stderr) */
	uint64_t total;		/* targets expected (for the ETA); 0 unknown */

	/* Discovery: each target first gets one question (discovery_name,
	 * RD, EDNS0 with DO), at most 1 + retries times as later passes over
	 * the targets; only a target whose question got a reply (any rcode,
	 * even a garbled one from its address) is asked the plan.  Nothing is
	 * kept per silent target: the transaction id, the socket and the 0x20
	 * case of each question come from an HMAC-SHA256, under a secret drawn
	 * per scan, of (target, try), so a reply validates without a table.
	 * Targets that answered wait in a bounded queue for the plan; the
	 * sending pauses while it is full. */
	bool discovery;
	const char *discovery_name;	/* NULL: the plan's control name (else
					 * its first name) with its type */
	uint16_t discovery_type;	/* with discovery_name; 0: A */
	bool output_silent;	/* hand out silent targets too (one query,
				 * timed out after every try) */

	/* Checkpoints of a sweep (discovery with rewind): every
	 * checkpoint_ms while it runs, and once when it ends, checkpoint() is
	 * called.  A first stop waits a timeout after the last discovery
	 * question, so the final checkpoint of a stopped sweep is at the very
	 * place it stopped; the periodic ones lag a timeout behind. */
	/** The targets next_target has gone through in this pass (those
	 * given and those it skipped).  NULL: no checkpoints. */
	uint64_t (*position)(void *ctx);
	/** Return -1 to stop the scan (a write error). */
	int (*checkpoint)(void *ctx, const struct scan_checkpoint *c);
	unsigned checkpoint_ms;	/* 0: only the final one */
	/* Resuming from a checkpoint: the discovery pass to start in (the
	 * caller's next_target starts at the checkpoint's mark), and the
	 * targets that answered but were not handed out: they are asked the
	 * plan first, without a discovery question. */
	unsigned start_pass;
	const struct prefix *found;	/* borrowed; scan_new copies it */
	size_t nfound;

	/** The next target into *out: 1, or 0 when there are no more, or -1
	 * on an error (the scan then stops as after SIGINT). */
	int (*next_target)(void *ctx, struct prefix *out);
	/** Start the targets again from the first (discovery's later passes
	 * and its pass over the silent ones).  NULL: discovery makes one
	 * pass, and output_silent is ignored. */
	void (*rewind)(void *ctx);
	/** Is a one of the targets?  A discovery reply from an address that
	 * is not is never taken for an answer.  NULL: any address is. */
	bool (*is_target)(void *ctx, const struct prefix *a);
	/** Should the resolver be asked again (round 1)?  Called once, after
	 * round 0.  NULL: never. */
	bool (*confirm)(void *ctx, const struct observation *o);
	/** A completed resolver; the callee owns o.  Return -1 to stop the
	 * scan (a write error). */
	int (*result)(void *ctx, struct observation *o);
	/** The scan is over and its handles are closed (the loop may end). */
	void (*done)(void *ctx);
	/** Something the user should know now, one line without a newline
	 * (the targets of a family that cannot be asked, and why).  NULL:
	 * not said. */
	void (*note)(void *ctx, const char *msg);
	void *ctx;
};

/** Counters, for the progress line, the summary and tests. */
struct scan_stats {
	uint64_t targets;	/* taken from next_target */
	uint64_t resolvers;	/* results handed out */
	uint64_t confirmed;	/* resolvers given a confirmation round */
	uint64_t abandoned;	/* resolvers dropped by a stop before complete */
	uint64_t sent;		/* UDP packets sent (tries) */
	uint64_t send_errors;	/* sends the kernel refused */
	uint64_t received;	/* UDP datagrams and TCP replies received */
	uint64_t accepted;	/* replies matched to a query */
	uint64_t unsolicited;	/* replies matching no outstanding query */
	uint64_t owed;		/* replies to a try of a query that another
				 * try's reply had answered (or timed out),
				 * while their resolver was in flight */
	uint64_t forwarded;	/* queries answered, validated, from another
				 * address than their target's */
	uint64_t malformed;	/* matched replies that did not parse */
	uint64_t timeouts;	/* queries that got nothing after every try */
	uint64_t retries;	/* tries after the first */
	uint64_t truncated;	/* TC replies */
	uint64_t tcp;		/* replies taken over TCP */
	uint64_t tcp_failed;	/* TCP fallbacks that got nothing */
	uint64_t probed;	/* discovery: targets asked (first pass) */
	uint64_t answered;	/* discovery: targets that replied */
	uint64_t silent;	/* discovery: targets that never replied
				 * (known when discovery is over; of this
				 * run: a resumed sweep's caller adds up) */
	uint64_t disc_sent;	/* discovery questions sent (every try) */
	uint64_t disc_late;	/* discovery replies from targets already
				 * found (a later try's, a repeat) */
	unsigned disc_pass;	/* discovery's pass (0 .. retries) */
	uint64_t start_ns, end_ns;	/* uv_hrtime at start and end */
	bool interrupted;	/* scan_stop was called */
	bool failed;		/* next_target or result failed */
};

struct scan;

/** A new scan on loop.  Builds the query templates (ldns) and the
 * in-flight table; opens no socket yet.  Returns NULL with a reason in err
 * (bad options, out of memory).  Free with scan_free after done. */
struct scan *scan_new(uv_loop_t *loop, const struct scan_opts *opts,
	char *err, size_t errlen);

/** Open the sockets and start sending.  Returns 0, or -1 with a reason in
 * err (then nothing is running and done will not be called). */
int scan_start(struct scan *s, char *err, size_t errlen);

/** Stop: send nothing more (no new targets, no retries, no confirmation
 * rounds), wait for replies to what is outstanding up to the timeout, hand
 * out every resolver whose queries all ended as in a scan without the
 * stop, and drop the rest (a try or a round cut short: counted in
 * abandoned, never handed out, so --resume asks them again), then finish.
 * A second call gives up on outstanding queries at once (their resolvers
 * are abandoned too).  Safe at any time. */
void scan_stop(struct scan *s);

/** The counters so far.  Borrowed. */
const struct scan_stats *scan_stats(const struct scan *s);

/** Print the final progress line (totals, rates) to f. */
void scan_print_stats(const struct scan *s, FILE *f);

/** Free s.  Only when not started, or after done was called. */
void scan_free(struct scan *s);

#endif

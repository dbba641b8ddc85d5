/* follow_run.h: visit the destinations of the lies (follow.h) on the
 * libuv loop: one STARTTLS session each (mail/starttls.h, no version
 * probes), the provider's true MX host named for the certificate check,
 * at most `rate` sessions started a second and `concurrency` at once. */
#ifndef SCAN_FOLLOW_RUN_H
#define SCAN_FOLLOW_RUN_H
#include <stddef.h>
#include <uv.h>
#include "scan/follow.h"

/** Settings. */
struct follow_run_opts {
	unsigned rate;		/* sessions started per second, >= 1 */
	unsigned concurrency;	/* sessions at once, >= 1 */
	unsigned timeout;	/* seconds per session */
	unsigned port;		/* 25 */
	const char *helo;	/* the EHLO name */
	const char *ca_file;	/* NULL: the system store */
};

/** Called once per destination, with what its session found. */
typedef void (*follow_result_cb)(const struct follow_dest *d,
	const struct starttls_result *r, void *arg);

struct follow_run;

/** Start visiting the n destinations d[] (borrowed until the loop is
 * done) on loop.  Returns the run, or NULL with err.  The loop runs until
 * every session has ended; a session that cannot start is reported as
 * unreachable with the reason. */
struct follow_run *follow_run_start(uv_loop_t *loop,
	const struct follow_dest *const *d, size_t n,
	const struct follow_run_opts *o, follow_result_cb cb, void *arg,
	char *err, size_t errlen);

/** Start no more sessions (a signal): those running end on their own. */
void follow_run_stop(struct follow_run *f);

/** Destinations not visited (after follow_run_stop). */
size_t follow_run_left(const struct follow_run *f);

/** Free f once the loop is done with it. */
void follow_run_free(struct follow_run *f);

#endif

/* resume.h: continuing an interrupted scan (scan --resume FILE).  The
 * earlier run's JSON Lines output is read back: every complete line names a
 * resolver already done (kept in a done set, a sorted array of binary
 * addresses searched by bisection, so memory is 17 bytes per line) and is
 * counted into the summary as `report FILE` would count it; a last line
 * without its newline (a write cut short) is not a result and is measured
 * so the caller can truncate it away.  Pure apart from reading the stream
 * the caller opened. */
#ifndef SCAN_RESUME_H
#define SCAN_RESUME_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "common/addr.h"

struct summary;

/** A set of full-length addresses.  Lives in the caller's struct; zero it
 * (or done_set_init) before use, free with done_set_clear. */
struct done_set {
	struct done_addr *v;	/* owned; sorted after done_set_finish */
	size_t n, cap;
	bool sorted;
};

/** An empty set. */
void done_set_init(struct done_set *d);

/** Add address a (its full length is taken; the prefix length ignored).
 * Returns 0, or -1 out of memory (the set is unchanged). */
int done_set_add(struct done_set *d, const struct prefix *a);

/** Sort and drop repeated addresses; returns how many were dropped.  Call
 * after the last add and before done_set_has. */
size_t done_set_finish(struct done_set *d);

/** Is a in the set (after done_set_finish)?  O(log n). */
bool done_set_has(const struct done_set *d, const struct prefix *a);

/** Address number i (0 <= i < d->n) into *out, full length.  Returns 0,
 * or -1 when i is out of range. */
int done_set_get(const struct done_set *d, size_t i, struct prefix *out);

/** Free what d owns; it is empty afterwards. */
void done_set_clear(struct done_set *d);

/** The length of buf's complete lines: the bytes up to and including its
 * last newline (0 when there is none). */
size_t resume_complete_len(const char *buf, size_t n);

/** What resume_read found. */
struct resume_stats {
	uint64_t lines;		/* complete lines (results) read */
	uint64_t findings;	/* judged and not correct (the scan's exit 1) */
	uint64_t good_len;	/* bytes of complete lines: keep these */
	uint64_t torn;		/* bytes after them (a last line cut short) */
	struct done_set silent;	/* the silent targets written (a sweep with
				 * --output-silent); owned, done_set_clear */
};

struct left_out;
struct sweep_record;

/** Read a scan's JSON Lines from in (name is used in messages) with the
 * reader report uses (readback.h): each complete line is a record, its
 * resolver added to d and, when sum is not NULL, counted with summary_add;
 * the providers header records name as left out are added to *left (when
 * not NULL), and the last sweep record is copied into *sweep (when not
 * NULL and there is one; sweep_record_clear frees it).  The caller
 * finishes st->silent (done_set_finish) and clears it.  The caller calls done_set_finish afterwards.  Returns 0, or
 * -1 with "name:LINE: reason" in err for a complete line that is not a
 * scan result (so a wrong file is never appended to), a line over the
 * output cap, a read error or out of memory.  A resolver on two lines is
 * counted twice in sum (as report counts it); done_set_finish says how
 * many repeats there were. */
int resume_read(FILE *in, const char *name, struct done_set *d,
	struct summary *sum, struct resume_stats *st, struct left_out *left,
	struct sweep_record *sweep, char *err, size_t errlen);

#endif

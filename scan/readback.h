/* readback.h: reading a scan's JSON Lines back, the one reader of both
 * `report` and `scan --resume`.  Lines come from the bounded line reader
 * with the output's own cap (both callers give OUTPUT_LINE_MAX): a longer
 * line is not a scan result, and is skipped without being held.  Besides the resolvers'
 * records a file may hold header records naming the providers its scan
 * left out (output_header writes them), which are gathered here. */
#ifndef SCAN_READBACK_H
#define SCAN_READBACK_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "common/lineread.h"
#include "scan/summary.h"
#include "scan/sweep.h"

/** The providers a scan left out (no usable truth), each with its reason.
 * Lives in the caller's struct; zero it, free with left_out_clear. */
struct left_out {
	char **provider, **why;	/* owned, n of each */
	size_t n;
};

/** Add provider with its reason, unless it is already listed.  Returns 0,
 * or -1 out of memory. */
int left_out_add(struct left_out *l, const char *provider, const char *why);

/** Print the list for a text summary ("providers left out ..." and one
 * line each, every text escaped for a terminal); nothing when empty.
 * Returns 0 or -1 on a write error. */
int left_out_print(const struct left_out *l, FILE *f);

/** Free what l owns; it is empty afterwards. */
void left_out_clear(struct left_out *l);

/** What readback_next found. */
enum readback_status {
	READBACK_RECORD = 1,	/* a resolver's record in rb->rec */
	READBACK_HEADER = 2,	/* a header record, added to rb->left */
	READBACK_TORN = 3,	/* the last line has no newline (a write cut
				 * short); see readback_file's torn_ok */
	READBACK_OTHER = 4,	/* a line of another kind of file (see
				 * divert), unparsed in rb->lr.line */
	READBACK_SWEEP = 5,	/* a sweep record in rb->sweep */
	READBACK_FOLLOW = 6,	/* a follow record (scan --follow-smtp):
				 * its verdict in rb->follow_verdict */
	READBACK_EOF = 0,
	READBACK_ERROR = -1,	/* a read error, out of memory, a CSV file:
				 * rb->err; do not read on */
	READBACK_BAD = -2	/* a line that is not a scan result (too long,
				 * not JSON, a field missing): rb->err; the
				 * caller skips it or gives up */
};

/** A reader.  Lives in the caller's struct. */
struct readback {
	struct lineread lr;
	bool lenient;		/* report: blank lines skipped, a last line
				 * without newline read like any other */
	struct summary_record rec;	/* after READBACK_RECORD; the caller
					 * clears it with summary_record_clear */
	struct left_out left;	/* header records read so far, owned */
	struct sweep_record sweep;	/* after READBACK_SWEEP; its pending
					 * list is rb's until the next one */
	int follow_verdict;	/* after READBACK_FOLLOW: an enum
				 * follow_verdict, or -1 not followed */
	uint64_t good_len;	/* bytes up to the end of the last complete
				 * line */
	uint64_t torn;		/* bytes of a last line without newline */
	char err[320];		/* "name:LINE: reason" */
	char why[256];		/* after READBACK_BAD: the reason alone */
	/* Set by the caller after readback_file: a test of the first
	 * non-blank line that says the file is of another kind (report's
	 * mail surveys); then every non-blank line, that one included, comes
	 * back as READBACK_OTHER.  NULL: every file is a scan's. */
	bool (*divert)(const char *line, size_t len);
	bool diverted, seen;
};

/** Read the JSON Lines of a scan from f (the caller opens and closes it;
 * name is used in messages and must outlive the reader).  lenient (report)
 * skips blank lines and reads a last line without its newline like any
 * other; otherwise (resume, which appends to the file) a blank line is not
 * a scan result and a last line without newline gives READBACK_TORN
 * unparsed (resume cuts it off).  max caps a line (OUTPUT_LINE_MAX). */
void readback_file(struct readback *rb, FILE *f, const char *name,
	bool lenient, size_t max);

/** The next record.  Returns an enum readback_status. */
enum readback_status readback_next(struct readback *rb);

/** The line number of the last line read. */
unsigned long readback_lineno(const struct readback *rb);

/** Free what rb owns (the record after READBACK_RECORD is the caller's). */
void readback_free(struct readback *rb);

#endif

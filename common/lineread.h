/* lineread.h: the one line reader of every text input (targets, blocklist,
 * providers, the IANA registries, scan results read back): lines from a
 * stream or from a buffer in memory, each at most a fixed number of bytes.
 * A longer line is reported and skipped without holding it (memory stays
 * at the cap whatever the file), and a read error, out of memory included,
 * is an error, never the end of the file. */
#ifndef COMMON_LINEREAD_H
#define COMMON_LINEREAD_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

/** The cap on a line of a text data file: targets, blocklist, providers,
 * the IANA registries.  An IPv6 prefix with blanks and a comment fits many
 * times over; a megabyte of garbage on one line is an error, not a
 * buffer. */
#define LINEREAD_TEXT_MAX 4096u

/** What lineread_next found. */
enum lineread_status {
	LINEREAD_LINE = 1,	/* a line in lr->line */
	LINEREAD_EOF = 0,	/* no more lines */
	LINEREAD_ERROR = -1,	/* read error or out of memory: lr->err */
	LINEREAD_LONG = -2	/* a line over the cap, skipped: lr->err */
};

/** A reader.  Lives in the caller's struct; lineread_file or lineread_mem
 * fills it, lineread_free releases it. */
struct lineread {
	FILE *f;		/* the stream, or NULL for a buffer */
	const char *text;	/* the buffer (not owned) */
	size_t textlen, textpos;
	char *rbuf;		/* stream: read buffer, owned */
	size_t rpos, rend;
	bool eof;
	const char *name;	/* for messages (not owned) */
	size_t max;		/* the cap, bytes without the newline */
	char *line;		/* the current line, NUL-terminated, owned */
	size_t len;		/* its length (it may hold NUL bytes) */
	size_t cap;		/* bytes allocated for line */
	bool newline;		/* the line ended with '\n' (else: at EOF) */
	unsigned long lineno;	/* number of the current line, from 1 */
	uint64_t offset;	/* bytes consumed, up to and past this line */
	char err[160];		/* "name:LINE: reason" after an error */
};

/** Read lines of at most max bytes (the newline not counted) from the
 * stream f, which the caller opened and closes; name is used in messages
 * and must outlive the reader. */
void lineread_file(struct lineread *lr, FILE *f, const char *name,
	size_t max);

/** Read lines of at most max bytes from text (len bytes, not owned: it
 * must outlive the reader). */
void lineread_mem(struct lineread *lr, const char *text, size_t len,
	const char *name, size_t max);

/** The next line: LINEREAD_LINE with it in lr->line (lr->len bytes, NUL
 * terminated, without its newline; a '\r' before the newline is kept),
 * LINEREAD_EOF, LINEREAD_LONG (a line over the cap was skipped: lr->err
 * says "name:LINE: line longer than N bytes"; reading may go on), or
 * LINEREAD_ERROR (lr->err says why; do not read on).  lr->line is valid
 * until the next call. */
enum lineread_status lineread_next(struct lineread *lr);

/** Free what lr owns. */
void lineread_free(struct lineread *lr);

#endif

/* output.h: one resolver's result (observation + verdict) as a JSON line
 * or a CSV row.  The JSON object carries every query (name, type, role,
 * provider, status, rcode, header flags, answer/authority records in
 * presentation form, timing, tries, TCP) with its verdict (class, flags,
 * evidence, allowed) and the values judged invalid, plus the resolver's
 * `resolver`, `class`, `classes`, `flags`; summary_record_from_json reads it
 * back.  Each line goes out in one fwrite, so an interrupted scan leaves
 * only complete lines.  Formatting is pure; output_write does the fwrite. */
#ifndef SCAN_OUTPUT_H
#define SCAN_OUTPUT_H
#include <stddef.h>
#include <stdio.h>
#include "common/json.h"
#include "validator/observation.h"
#include "scan/sweep.h"
#include "scan/follow.h"
#include "validator/verdict.h"
#include "validator/truth.h"

/** The cap on one line: a resolver stuffing huge answers cannot make a
 * line grow without bound (the line is replaced by an error object). */
#define OUTPUT_LINE_MAX (4u << 20)

enum output_format {
	OUTPUT_JSONL = 0,	/* JSON Lines, one object per resolver */
	OUTPUT_CSV		/* one row per resolver, header first */
};

/** Parse "json"/"jsonl" or "csv".  Returns 0 and sets *fmt, or -1. */
int output_format_parse(const char *name, enum output_format *fmt);

/** Write resolver o (verdict v, may be NULL when unjudged; truth may be
 * NULL: providers then show as null) as one JSON object into j (reset
 * first); each query's invalid values are its verdict's.  Returns 0, or -1 when the object went over j's cap or out of
 * memory (j->err set). */
int output_json(struct json *j, const struct observation *o,
	const struct verdict *v, const struct truth *truth);

/** The same object as output_json, written under key (NULL inside an
 * array) into a document j already being written (query --json nests it).
 * Errors show in j->err. */
void output_json_object(struct json *j, const char *key,
	const struct observation *o, const struct verdict *v,
	const struct truth *truth);

/** The CSV header line, with its newline. */
const char *output_csv_header(void);

/** Write resolver o as one CSV row (with newline) into buf (size bytes):
 * resolver, class, classes (';' separated), flags (';' separated),
 * queries, answered, timeouts, malformed, invalid (queries whose verdict is
 * a lie), unsolicited, rtt_ms_min, rtt_ms_max.  Fields are quoted as RFC
 * 4180 says where needed.  Returns the row's length, or -1 when it does not
 * fit (a row needs well under OUTPUT_CSV_MAX bytes). */
int output_csv(char *buf, size_t size, const struct observation *o,
	const struct verdict *v);

#define OUTPUT_CSV_MAX 2048

/** A stream of results.  Lives in the caller's struct. */
struct output {
	FILE *f;		/* borrowed */
	enum output_format fmt;
	struct json j;		/* the line being built */
	unsigned long long lines;	/* written so far */
	unsigned long long bytes;	/* of those lines */
	unsigned long long errors;	/* results too big or failed writes */
};

/** Start writing results to f (for CSV: the header line).  Returns 0 or
 * -1 on a write error. */
int output_open(struct output *out, FILE *f, enum output_format fmt);

/** The header record of a JSON Lines scan whose truth left providers out
 * (no usable truth: their questions are not asked, nothing about them is
 * judged): one line {"providers_left_out":[{"provider":DOMAIN,"why":
 * REASON},...]} before the results, read back by readback.h (report,
 * --resume).  Nothing is written when every provider is usable, or for
 * CSV (whose rows have no place for it: stderr and the summary say it).
 * Returns 0, or -1 on a write error. */
int output_header(struct output *out, const struct truth *truth);

/** Write a sweep record (JSON Lines only; nothing for CSV).  Returns 0, 1
 * when the record would exceed OUTPUT_LINE_MAX (not written), or -1 on a
 * write error. */
int output_sweep(struct output *out, const struct sweep_record *w);

/** Write a follow record (JSON Lines only; scan --follow-smtp):
 * {"follow":{...}} for destination d, with what the session found (r)
 * and its verdict, or, r NULL, "followed":false and why.  Returns as
 * output_sweep. */
int output_follow(struct output *out, const struct follow_dest *d,
	const struct starttls_result *r, const char *why);

/** Format one result and write it in one fwrite.  A result over
 * OUTPUT_LINE_MAX is written as a short object (or row) with the resolver,
 * its class and "error":"result too large" instead, and counted in
 * errors.  Does not flush (the caller decides when).  Returns 0, or -1 on a
 * write error. */
int output_write(struct output *out, const struct observation *o,
	const struct verdict *v, const struct truth *truth);

/** Free the line buffer (does not close f). */
void output_close(struct output *out);

#endif

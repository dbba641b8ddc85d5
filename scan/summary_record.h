/* summary_record.h: what the summary needs from one resolver, filled from
 * either side: the scan builds it from its in-memory observation and
 * verdict (summary_record_from_scan); `report` from a JSON line written by
 * output.h (summary_record_from_json).  Pure. */
#ifndef SCAN_SUMMARY_RECORD_H
#define SCAN_SUMMARY_RECORD_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "validator/observation.h"
#include "validator/verdict.h"
#include "validator/truth.h"

/** One query of a record: only what the summary needs. */
struct summary_query {
	char *provider;		/* provider domain, owned; NULL if none */
	enum query_role role;
	uint16_t qtype;
	bool answered;		/* status ok */
	int class;		/* the query's verdict class; -1 if not judged */
	/* The query verdict's invalid values (query_verdict.invalid): MX
	 * exchange names, addresses, other rdata, "TYPE rdata".  Owned array
	 * of owned strings. */
	char **invalid;
	size_t ninvalid;
};

/** What the summary needs from one resolver. */
struct summary_record {
	char resolver[64];		/* address as text */
	enum verdict_class class;	/* CLASS_COUNT: unjudged */
	unsigned classes;		/* bit (1 << class) per class */
	unsigned flags;			/* enum verdict_flag bits */
	bool responsive;		/* any query answered */
	bool silent;			/* a sweep's silent target (written
					 * with --output-silent) */
	bool forwarded;			/* a transparent forwarder */
	char answered_by[64];		/* the address that answered for it */
	struct summary_query *queries;	/* owned */
	size_t nqueries;
};

/** A query role's name in JSON: "mx", "addr", "nxcontrol", "control",
 * "other". */
const char *summary_role_str(enum query_role role);
/** Parse a role name; -1 if unknown. */
int summary_role_parse(const char *name);

/** Fill *r from a scan's observation o and verdict v (v NULL: unjudged,
 * class CLASS_COUNT, printed as "unjudged").  truth (may be NULL) names the
 * providers; the invalid values are copied from v.  Free with
 * summary_record_clear.  Returns 0 or -1 (out of memory). */
int summary_record_from_scan(struct summary_record *r,
	const struct observation *o, const struct verdict *v,
	const struct truth *truth);

/** Fill *r from one JSON line written by output_json (text, len bytes,
 * no newline needed).  Returns 0, or -1 with a reason (no location) in err
 * for text that is not JSON or lacks a field the summary needs. */
int summary_record_from_json(struct summary_record *r, const char *text,
	size_t len, char *err, size_t errlen);

/** Free what *r owns; it is empty afterwards. */
void summary_record_clear(struct summary_record *r);

#endif

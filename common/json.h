/* json.h: a small JSON writer into a capped buffer, shared by every
 * subcommand's --json output and the scan's JSON Lines. */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <ldns/ldns.h>

#define JSON_MAX_DEPTH 32

/** A JSON document being written.  Lives inside the caller's struct. */
struct json {
	char *buf;		/* owned; NUL-terminated */
	size_t len, cap, max;	/* max: the cap; writing past it sets err */
	int depth;
	bool comma[JSON_MAX_DEPTH];
	int err;		/* 0, or -1 once out of memory or over max */
	ldns_buffer *rr;	/* owned; json_rr_list's record text */
};

/** Start an empty document capped at max bytes. */
void json_init(struct json *j, size_t max);
/** Empty the buffer for the next document, keeping its memory. */
void json_reset(struct json *j);
/** Free the buffer. */
void json_clear(struct json *j);

/* Each takes key (NULL inside an array or at the top): the program's own
 * plain ASCII names, written without escaping. */
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
/** A string; bytes outside printable ASCII are escaped as \u00XX so any
 * input (a hostile resolver's bytes) stays valid JSON.  NULL writes null. */
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long long val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

/** An array of records in presentation form (rrtext.h: ldns_rr2str's,
 * with spaces for its tabs and no trailing newline), one string each. */
void json_rr_list(struct json *j, const char *key, const ldns_rr_list *l);

/** Write the document and a newline to f in one fwrite (a JSON line).
 * Returns 0, or -1 when the document is in error or the write fails. */
int json_write_line(struct json *j, FILE *f);

#endif

/* truth_print.h: printing truth answers (dig-like text and JSON). */
#ifndef PROBE_TRUTH_PRINT_H
#define PROBE_TRUTH_PRINT_H
#include <stdio.h>
#include "validator/truth.h"
#include "common/json.h"

/** Print an answer dig-like: a ";; NAME TYPE (status) RCODE" header line
 * (bogus with its reason), the CNAMEs followed and the records in
 * presentation form (ldns).  */
void truth_answer_print(FILE *f, const struct truth_answer *a);

/** Write an answer as a JSON object under key (NULL inside an array):
 * qname, qtype, rcode, status, why_bogus, ttl, provider, timed_out, cnames,
 * records (presentation form). */
void truth_answer_json(struct json *j, const char *key,
	const struct truth *t, const struct truth_answer *a);

#endif

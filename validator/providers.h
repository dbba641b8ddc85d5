/* providers.h: the providers file (data/README.md format), parsed from
 * text (pure; dnssec/truth_opts.h reads the file). */
#ifndef JUDGE_PROVIDERS_H
#define JUDGE_PROVIDERS_H
#include <stddef.h>
#include "validator/truth.h"
#include "common/addr.h"

/** Parse a providers file held in text (len bytes) into t: appends to
 * t->providers (each usable, no why_unusable, domain lowercase FQDN with
 * trailing dot), and sets t->control_name/control_type and t->nxdomain_zone
 * from `control` and `nxdomain` lines (a later line replaces an earlier
 * one).  file names the source in messages.  Returns 0, or -1 with
 * "file:line: reason" in err; on error t may hold the providers parsed so
 * far (truth_free releases them). */
int providers_parse(struct truth *t, const char *text, size_t len,
	const char *file, char *err, size_t errlen);

#endif

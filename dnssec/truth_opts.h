/* truth_opts.h: the options every subcommand that needs ground truth takes
 * (truth, scan, query, dane), and the checks of the files they name, done
 * with ldns before libunbound sees them so a bad line is reported as
 * "FILE:LINE: reason" instead of a libunbound error code. */
#ifndef DNSSEC_TRUTH_OPTS_H
#define DNSSEC_TRUTH_OPTS_H
#include <stddef.h>
#include <stdio.h>
#include <getopt.h>
#include "validator/truth.h"

struct truth_cache;

/** Where truth resolution starts from and how hard it tries. */
struct truth_opts {
	const char *root_hints;		/* file of root NS and addresses */
	const char *trust_anchor;	/* file of DS/DNSKEY trust anchors */
	const char *providers;		/* providers file (data/README.md) */
	int rounds;			/* resolution rounds, union taken */
	int timeout;			/* seconds per round before giving up */
	int verbosity;			/* libunbound verbosity (0: quiet) */
	/* A validating context every one-round run shares (one cache, read
	 * once; truth_resolve.h), borrowed; NULL: a fresh one per round. */
	struct truth_cache *cache;
};

/* getopt_long codes of the options; above any short option character. */
enum {
	TRUTH_OPT_ROOT_HINTS = 0x1000,
	TRUTH_OPT_TRUST_ANCHOR,
	TRUTH_OPT_PROVIDERS,
	TRUTH_OPT_ROUNDS,
	TRUTH_OPT_TIMEOUT,
	TRUTH_OPT_UB_VERBOSE
};

/** The option table fragment: put it inside a subcommand's struct option
 * array, before its { NULL, 0, NULL, 0 } terminator, and hand every option
 * code getopt_long returns to truth_opts_parse first. */
#define TRUTH_OPTS_LONGOPTS \
	{ "root-hints", required_argument, NULL, TRUTH_OPT_ROOT_HINTS }, \
	{ "trust-anchor", required_argument, NULL, TRUTH_OPT_TRUST_ANCHOR }, \
	{ "providers", required_argument, NULL, TRUTH_OPT_PROVIDERS }, \
	{ "rounds", required_argument, NULL, TRUTH_OPT_ROUNDS }, \
	{ "truth-timeout", required_argument, NULL, TRUTH_OPT_TIMEOUT }, \
	{ "unbound-verbose", required_argument, NULL, TRUTH_OPT_UB_VERBOSE }

#define TRUTH_DEFAULT_ROUNDS 3
#define TRUTH_DEFAULT_TIMEOUT 30
#define TRUTH_MAX_ROUNDS 100

/** Fill *o with the defaults: the data files where data_path finds them
 * ($RESOLVER_PROBE_DATADIR, the build tree, the installed folder; see
 * common/datafile.h), TRUTH_DEFAULT_ROUNDS rounds, TRUTH_DEFAULT_TIMEOUT seconds. */
void truth_opts_init(struct truth_opts *o);

/** Take one option code from getopt_long.  Returns 1 when the code is one
 * of ours and was taken, 0 when it is not ours (the caller handles it), -1
 * on a bad value with the reason in err.  arg is borrowed: it must outlive
 * *o (optarg into argv does). */
int truth_opts_parse(struct truth_opts *o, int code, const char *arg,
	char *err, size_t errlen);

/** Print the help lines of these options to f. */
void truth_opts_usage(FILE *f);

/** Check a root hints file: it parses as zone-format records (ldns), has at
 * least one NS record for the root, and at least one A or AAAA record for a
 * root server name.  Returns the number of root server addresses found, or
 * -1 with "FILE:LINE: reason" (or "FILE: reason") in err. */
int truth_check_hints(const char *file, char *err, size_t errlen);

/** Check a trust anchor file: only DS and DNSKEY records (comments and
 * blank lines allowed), at least one of them; DNSKEY records must be zone
 * keys, DS records must have a digest of the length their type needs.
 * Returns the number of anchors, or -1 with "FILE:LINE: reason" in err. */
int truth_check_anchor(const char *file, char *err, size_t errlen);

/** Check both files named in *o (hints and trust anchor).  Returns 0 or
 * -1 with the first problem in err. */
int truth_opts_check(const struct truth_opts *o, char *err, size_t errlen);

/** Read the providers file at path and parse it into t with
 * providers_parse.  Returns 0, or -1 with "path: reason" or
 * "path:line: reason" in err. */
int providers_load(struct truth *t, const char *path, char *err,
	size_t errlen);

#endif

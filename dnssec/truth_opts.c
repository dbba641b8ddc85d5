/* truth_opts.c: the shared truth options and the checks of the root hints
 * and trust anchor files (ldns parses them, so errors carry line numbers). */
#include "config.h"
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "dnssec/truth_opts.h"
#include "validator/providers.h"
#include "common/datafile.h"
#include "common/dnsname.h"

/* Default paths live here so the strings outlive *o. */
static char default_hints[PATH_MAX];
static char default_anchor[PATH_MAX];
static char default_providers[PATH_MAX];

void truth_opts_init(struct truth_opts *o)
{
	data_path("root.hints", default_hints, sizeof(default_hints));
	data_path("root.key", default_anchor, sizeof(default_anchor));
	data_path("providers", default_providers, sizeof(default_providers));
	memset(o, 0, sizeof(*o));
	o->root_hints = default_hints;
	o->trust_anchor = default_anchor;
	o->providers = default_providers;
	o->rounds = TRUTH_DEFAULT_ROUNDS;
	o->timeout = TRUTH_DEFAULT_TIMEOUT;
	o->verbosity = 0;
}

/* A whole decimal number in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int truth_opts_parse(struct truth_opts *o, int code, const char *arg,
	char *err, size_t errlen)
{
	switch (code) {
	case TRUTH_OPT_ROOT_HINTS:
		o->root_hints = arg;
		return 1;
	case TRUTH_OPT_TRUST_ANCHOR:
		o->trust_anchor = arg;
		return 1;
	case TRUTH_OPT_PROVIDERS:
		o->providers = arg;
		return 1;
	case TRUTH_OPT_ROUNDS:
		if (parse_int(arg, 1, TRUTH_MAX_ROUNDS, &o->rounds) < 0) {
			snprintf(err, errlen, "--rounds: not a number from 1 "
				"to %d: \"%s\"", TRUTH_MAX_ROUNDS, arg);
			return -1;
		}
		return 1;
	case TRUTH_OPT_TIMEOUT:
		if (parse_int(arg, 1, 3600, &o->timeout) < 0) {
			snprintf(err, errlen, "--truth-timeout: not a number "
				"of seconds from 1 to 3600: \"%s\"", arg);
			return -1;
		}
		return 1;
	case TRUTH_OPT_UB_VERBOSE:
		if (parse_int(arg, 0, 5, &o->verbosity) < 0) {
			snprintf(err, errlen, "--unbound-verbose: not a "
				"number from 0 to 5: \"%s\"", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

void truth_opts_usage(FILE *f)
{
	struct truth_opts d;

	truth_opts_init(&d);
	fprintf(f,
		"truth options (validated resolution with libunbound):\n"
		"      --root-hints FILE\n"
		"                        root servers to start from, by default\n"
		"                        %s\n"
		"      --trust-anchor FILE\n"
		"                        DS/DNSKEY trust anchors, by default\n"
		"                        %s\n"
		"      --providers FILE  mail providers to check, by default\n"
		"                        %s\n"
		"      --rounds N        resolution rounds, union taken (%d)\n"
		"      --truth-timeout SEC\n"
		"                        give up on a round after SEC seconds (%d)\n"
		"      --unbound-verbose N\n"
		"                        libunbound log level to stderr (0)\n",
		d.root_hints, d.trust_anchor, d.providers,
		TRUTH_DEFAULT_ROUNDS, TRUTH_DEFAULT_TIMEOUT);
}

/* What one record of a checked file is handed to. */
typedef int (*rr_check_fn)(ldns_rr *rr, void *arg, char *why, size_t whylen);

/* Parse every record of file with ldns and hand each to check.  Directives
 * ($TTL, $ORIGIN), comments and blank lines are fine; $INCLUDE is not (the
 * consumers do not follow it).  Returns 0 or -1 with "file:line: reason". */
static int parse_file(const char *file, rr_check_fn check, void *arg,
	char *err, size_t errlen)
{
	FILE *fp;
	uint32_t ttl = 3600;
	ldns_rdf *origin, *prev = NULL;
	int line = 1, ret = 0;

	fp = fopen(file, "r");
	if (!fp) {
		datafile_open_error(file, errno, err, errlen);
		return -1;
	}
	origin = ldns_dname_new_frm_str(".");
	while (!feof(fp)) {
		ldns_rr *rr = NULL;
		char why[256];
		/* ldns counts the lines it consumed; the record (or the error)
		 * is on the line where reading started, after blank lines. */
		int start = line;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin,
			&prev, &line);

		if (s == LDNS_STATUS_SYNTAX_EMPTY ||
		    s == LDNS_STATUS_SYNTAX_TTL ||
		    s == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
			snprintf(err, errlen, "%s:%d: $INCLUDE is not "
				"supported here", file, start);
			ret = -1;
			break;
		}
		if (s != LDNS_STATUS_OK) {
			/* ldns has advanced past the bad line when it returns */
			int bad = line > start ? line - 1 : line;
			if (bad < start)
				bad = start;
			snprintf(err, errlen, "%s:%d: %s", file, bad,
				ldns_get_errorstr_by_id(s));
			ret = -1;
			break;
		}
		why[0] = 0;
		if (check(rr, arg, why, sizeof(why)) < 0) {
			int at = line > start ? line - 1 : line;
			snprintf(err, errlen, "%s:%d: %s", file, at, why);
			ldns_rr_free(rr);
			ret = -1;
			break;
		}
		ldns_rr_free(rr);
	}
	if (ret == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error", file);
		ret = -1;
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	fclose(fp);
	return ret;
}

struct hints_state {
	ldns_rr_list *ns;	/* root NS targets */
	ldns_rr_list *addrs;	/* A and AAAA records */
};

static int hints_rr(ldns_rr *rr, void *arg, char *why, size_t whylen)
{
	struct hints_state *h = arg;
	ldns_rr_type t = ldns_rr_get_type(rr);

	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		snprintf(why, whylen, "class is not IN");
		return -1;
	}
	if (t == LDNS_RR_TYPE_NS) {
		if (ldns_dname_label_count(ldns_rr_owner(rr)) != 0) {
			snprintf(why, whylen, "NS record not for the root "
				"(\".\")");
			return -1;
		}
		return ldns_rr_list_push_rr(h->ns, ldns_rr_clone(rr)) ? 0 : -1;
	}
	if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
		return ldns_rr_list_push_rr(h->addrs, ldns_rr_clone(rr)) ?
			0 : -1;
	char tb[DNS_TYPE_STRLEN];
	snprintf(why, whylen, "%s record in a root hints file (NS, A and "
		"AAAA only)", dns_type_str(t, tb, sizeof(tb)));
	return -1;
}

int truth_check_hints(const char *file, char *err, size_t errlen)
{
	struct hints_state h;
	int n = 0;

	h.ns = ldns_rr_list_new();
	h.addrs = ldns_rr_list_new();
	if (!h.ns || !h.addrs) {
		snprintf(err, errlen, "%s: out of memory", file);
		n = -1;
		goto out;
	}
	if (parse_file(file, hints_rr, &h, err, errlen) < 0) {
		n = -1;
		goto out;
	}
	if (ldns_rr_list_rr_count(h.ns) == 0) {
		snprintf(err, errlen, "%s: no NS record for the root (\".\"): "
			"not a root hints file", file);
		n = -1;
		goto out;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(h.addrs); i++) {
		ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(h.addrs, i));
		for (size_t j = 0; j < ldns_rr_list_rr_count(h.ns); j++) {
			ldns_rdf *target = ldns_rr_rdf(
				ldns_rr_list_rr(h.ns, j), 0);
			if (target && ldns_dname_compare(owner, target) == 0) {
				n++;
				break;
			}
		}
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: no address (A or AAAA) for any "
			"root server named in its NS records", file);
		n = -1;
	}
out:
	ldns_rr_list_deep_free(h.ns);
	ldns_rr_list_deep_free(h.addrs);
	return n;
}

/* Digest length a DS digest type needs (RFC 4509, 5933, 6605); 0 when the
 * type is unknown to us (accepted: libunbound ignores unknown types). */
static size_t ds_digest_len(uint8_t type)
{
	switch (type) {
	case LDNS_SHA1: return 20;
	case LDNS_SHA256: return 32;
	case 3: return 32;	/* GOST R 34.11-94 */
	case LDNS_SHA384: return 48;
	default: return 0;
	}
}

static int anchor_rr(ldns_rr *rr, void *arg, char *why, size_t whylen)
{
	int *n = arg;
	ldns_rr_type t = ldns_rr_get_type(rr);

	if (t == LDNS_RR_TYPE_DNSKEY) {
		if (ldns_rr_rd_count(rr) != 4) {
			snprintf(why, whylen, "DNSKEY record without 4 fields");
			return -1;
		}
		if (!(ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) &
		      LDNS_KEY_ZONE_KEY)) {
			snprintf(why, whylen, "DNSKEY is not a zone key "
				"(flags lack 256)");
			return -1;
		}
		if (ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)) != 3) {
			snprintf(why, whylen, "DNSKEY protocol is not 3");
			return -1;
		}
	} else if (t == LDNS_RR_TYPE_DS) {
		size_t want;
		if (ldns_rr_rd_count(rr) != 4) {
			snprintf(why, whylen, "DS record without 4 fields");
			return -1;
		}
		want = ds_digest_len(ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)));
		if (want && ldns_rdf_size(ldns_rr_rdf(rr, 3)) != want) {
			snprintf(why, whylen, "DS digest is %zu bytes, digest "
				"type %u needs %zu",
				ldns_rdf_size(ldns_rr_rdf(rr, 3)),
				ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)), want);
			return -1;
		}
	} else {
		char tb[DNS_TYPE_STRLEN];
		snprintf(why, whylen, "%s record in a trust anchor file "
			"(DS and DNSKEY only)", dns_type_str(t, tb, sizeof(tb)));
		return -1;
	}
	(*n)++;
	return 0;
}

int truth_check_anchor(const char *file, char *err, size_t errlen)
{
	int n = 0;

	if (parse_file(file, anchor_rr, &n, err, errlen) < 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "%s: no DS or DNSKEY record: not a trust "
			"anchor file", file);
		return -1;
	}
	return n;
}

int truth_opts_check(const struct truth_opts *o, char *err, size_t errlen)
{
	if (truth_check_hints(o->root_hints, err, errlen) < 0)
		return -1;
	if (truth_check_anchor(o->trust_anchor, err, errlen) < 0)
		return -1;
	return 0;
}

int providers_load(struct truth *t, const char *path, char *err,
	size_t errlen)
{
	char *text;
	size_t len;
	if (datafile_read(path, DATAFILE_MAX, &text, &len, err,
	    errlen) < 0)
		return -1;
	int rc = providers_parse(t, text, len, path, err, errlen);
	free(text);
	return rc;
}

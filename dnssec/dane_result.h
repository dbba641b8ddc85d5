/* dane_result.h: the DANE result of a mail domain (RFC 7672): what was
 * found per MX host and address, and the verdicts, judged from it.  Pure:
 * the check (dane.h) fills it in; unit tests and other commands judge it
 * directly. */
#ifndef DNSSEC_DANE_RESULT_H
#define DNSSEC_DANE_RESULT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "validator/truth.h"
#include "dnssec/tlsa.h"

/** Verdicts, in precedence order: the verdict of a host (or the domain) is
 * the first that any of its addresses (or hosts) has. */
enum dane_verdict {
	DANE_BOGUS = 0,		/* DNSSEC validation failed on MX, A/AAAA or TLSA */
	DANE_FAIL,		/* TLSA present and secure, the server does not match */
	DANE_STARTTLS_STRIPPED,	/* STARTTLS blanked out in the EHLO reply */
	DANE_NO_STARTTLS,	/* TLSA present, STARTTLS not offered */
	DANE_UNREACHABLE,	/* no connection, or a timeout */
	DANE_DNS_ERROR,		/* a lookup failed (SERVFAIL, timeout, NXDOMAIN) */
	DANE_VALID,		/* the server matched a usable TLSA record */
	DANE_INSECURE,		/* no DNSSEC or no usable TLSA: DANE does not apply */
	DANE_VERDICT_COUNT
};

/** "bogus", "dane-fail", "starttls-stripped", "no-starttls",
 * "unreachable", "dns-error", "dane-valid", "dane-insecure". */
const char *dane_verdict_str(enum dane_verdict v);

/** What happened at one address. */
struct dane_addr {
	char *addr;		/* "127.0.4.1" or "::1", owned */
	enum dane_verdict verdict;
	char *detail;		/* why, owned */
	/* The SMTP and TLS transcript, in order: lines starting "< " (server)
	 * "> " (client) or "  " (a note).  Owned, NUL-terminated. */
	char *log;
	size_t loglen;
	bool starttls;		/* offered in EHLO */
	char *tls;		/* "TLSv1.3 TLS_AES_256_GCM_SHA384", owned */
	char *leaf_subject, *leaf_issuer;	/* owned, NULL before TLS */
	int chain_len;		/* certificates the server sent */
	int match_record;	/* index in host.tlsa of the record that
				   matched, -1 none */
	int match_depth;	/* where in the verified chain, -1 none */
	char *peername;		/* the name that matched (DANE-TA), owned */
};

/** One MX host. */
struct dane_host {
	char *name;		/* the MX exchange (lowercase FQDN), owned */
	int preference;		/* -1 for the implicit MX (no MX records) */
	char *cname_target;	/* after CNAME expansion, or NULL, owned */
	enum truth_sec addr_sec;	/* of the A/AAAA lookups together */
	char *tlsa_name;	/* _25._tcp.BASE asked and used, owned */
	char *tlsa_base;	/* the TLSA base domain (RFC 7672 2.2.3), owned */
	enum truth_sec tlsa_sec;
	bool tlsa_looked;	/* TLSA was looked up */
	struct tlsa *tlsa;	/* owned, ntlsa records */
	size_t ntlsa, nusable;
	struct dane_addr *addrs;	/* owned */
	size_t naddrs;
	enum dane_verdict verdict;
	char *detail;		/* owned */
};

/** The whole result for a domain. */
struct dane_result {
	char *domain;		/* lowercase FQDN, owned */
	enum truth_sec mx_sec;
	int mx_rcode;
	bool implicit_mx;	/* no MX records: the domain is its own host */
	bool null_mx;		/* a null MX (RFC 7505): no mail accepted */
	struct dane_host *hosts;	/* owned, in preference order */
	size_t nhosts;
	size_t mx_not_checked;	/* MX hosts past the TRUTH_MAX_MX_HOSTS most
				   preferred: never looked up, in no verdict */
	enum dane_verdict verdict;
	char *detail;		/* owned */
};

/** Compute host and domain verdicts from what is filled in (pure; used by
 * the engine and by unit tests).  A verdict of DANE_VERDICT_COUNT means
 * "not decided yet": a host's comes from its addresses (the first in
 * precedence order), the domain's from its hosts; verdicts already decided
 * (by DNS: bogus, insecure, dns-error) stay.  Details are rewritten as
 * "address: why" and "host: why"; the strings are owned by r. */
void dane_result_judge(struct dane_result *r);

/** Set *v to nv and *detail to text (owned; the old detail is freed). */
void dane_set_verdict(enum dane_verdict *v, char **detail,
	enum dane_verdict nv, char *text);

/** Free what r owns; it is empty afterwards. */
void dane_result_clear(struct dane_result *r);

/** Free what a owns and zero it. */
void dane_addr_clear(struct dane_addr *a);

/** Make dst say what the session at src found (everything but the
 * address, which dst keeps): its strings copied.  Returns 0, or -1 when
 * out of memory (what could be copied is). */
int dane_addr_copy_session(struct dane_addr *dst, const struct dane_addr *src);

/** A new string from a format (the result's strings are made with it);
 * NULL on out of memory. */
char *dane_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

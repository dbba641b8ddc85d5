/* tlsa.h: TLSA records (RFC 6698, 7671) and how they match certificates.
 * Pure: parses rdata with ldns and computes association data with OpenSSL;
 * no sockets, no DNS, no clock. */
#ifndef DNSSEC_TLSA_H
#define DNSSEC_TLSA_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <ldns/ldns.h>
#include <openssl/x509.h>

/* Field values (RFC 7218 acronyms). */
enum tlsa_usage { TLSA_PKIX_TA = 0, TLSA_PKIX_EE = 1, TLSA_DANE_TA = 2,
	TLSA_DANE_EE = 3 };
enum tlsa_selector { TLSA_SEL_CERT = 0, TLSA_SEL_SPKI = 1 };
enum tlsa_mtype { TLSA_FULL = 0, TLSA_SHA256 = 1, TLSA_SHA512 = 2 };

/** Largest association data kept (a Full(0) certificate). */
#define TLSA_DATA_MAX 65535

/** One TLSA record. */
struct tlsa {
	uint8_t usage, selector, mtype;
	uint8_t *data;		/* owned; len bytes */
	size_t len;
	/* Why the record cannot be used for SMTP (RFC 7672 section 3.1), or
	 * NULL when it is usable.  A static string. */
	const char *unusable;
};

/** Parse the rdata of one TLSA rr (type 52) into *t.  Unknown usages,
 * selectors and matching types, and digests of the wrong length, parse
 * (they are data) and come back with t->unusable set; PKIX-TA(0) and
 * PKIX-EE(1) are unusable for SMTP.  t->data is the caller's to free with
 * tlsa_clear.  Returns 0, or -1 with a reason in err when the rr is not a
 * TLSA record at all or its rdata is malformed (too short). */
int tlsa_from_rr(const ldns_rr *rr, struct tlsa *t, char *err, size_t errlen);

/** Parse a TLSA record in presentation form ("3 1 1 abcd..."), the rdata
 * fields only; the same rules as tlsa_from_rr. */
int tlsa_from_str(const char *text, struct tlsa *t, char *err, size_t errlen);

/** Free what t owns and zero it. */
void tlsa_clear(struct tlsa *t);

/** "DANE-EE", "DANE-TA", "PKIX-EE", "PKIX-TA" or "usage-N" (static). */
const char *tlsa_usage_str(uint8_t usage);

/** The record as "3 1 1 <hex>" into buf (the hex cut to at most 64 digits
 * followed by "..." when longer).  Returns buf. */
char *tlsa_str(const struct tlsa *t, char *buf, size_t buflen);

/** Compute the association data cert gives for (selector, mtype) into a new
 * buffer (*out, *outlen; free with free).  Returns 0, or -1 with a reason
 * when the selector or matching type is unknown or OpenSSL fails. */
int tlsa_cert_data(X509 *cert, uint8_t selector, uint8_t mtype,
	uint8_t **out, size_t *outlen, char *err, size_t errlen);

/** Does t's association data equal what cert gives for t's selector and
 * matching type?  Only the data are compared: usage, names, dates and
 * chains are for the TLS layer (OpenSSL's DANE). */
bool tlsa_match_cert(const struct tlsa *t, X509 *cert);

/** The depth in chain (0 = leaf) of the first certificate t matches, or -1.
 * DANE-EE records only look at the leaf, DANE-TA at every certificate. */
int tlsa_match_chain(const struct tlsa *t, STACK_OF(X509) *chain);

#endif

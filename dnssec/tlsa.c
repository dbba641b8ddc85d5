/* tlsa.c: TLSA rdata parsing (ldns) and association data (OpenSSL). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "dnssec/tlsa.h"

void tlsa_clear(struct tlsa *t)
{
	free(t->data);
	memset(t, 0, sizeof(*t));
}

const char *tlsa_usage_str(uint8_t usage)
{
	static const char *names[] = { "PKIX-TA", "PKIX-EE", "DANE-TA",
		"DANE-EE" };
	return usage < 4 ? names[usage] : "usage-unknown";
}

static size_t digest_len(uint8_t mtype)
{
	return mtype == TLSA_SHA256 ? 32 : mtype == TLSA_SHA512 ? 64 : 0;
}

/* RFC 7672 section 3.1 and RFC 7671 section 4: which records a DANE SMTP
 * client may use.  Unusable records are kept (and shown), never matched. */
static const char *why_unusable(const struct tlsa *t)
{
	if (t->usage == TLSA_PKIX_TA || t->usage == TLSA_PKIX_EE)
		return "PKIX usages are not for SMTP (RFC 7672 section 3.1.3)";
	if (t->usage > TLSA_DANE_EE)
		return "unknown certificate usage";
	if (t->selector > TLSA_SEL_SPKI)
		return "unknown selector";
	if (t->mtype > TLSA_SHA512)
		return "unknown matching type";
	if (t->len == 0)
		return "empty association data";
	if (digest_len(t->mtype) && t->len != digest_len(t->mtype))
		return t->mtype == TLSA_SHA256 ?
			"SHA2-256 data is not 32 bytes" :
			"SHA2-512 data is not 64 bytes";
	if (t->mtype == TLSA_FULL) {
		/* Full(0) data must be the DER object it claims to be. */
		const unsigned char *p = t->data;
		void *obj = t->selector == TLSA_SEL_CERT ?
			(void *)d2i_X509(NULL, &p, (long)t->len) :
			(void *)d2i_PUBKEY(NULL, &p, (long)t->len);
		bool whole = obj && p == t->data + t->len;
		if (t->selector == TLSA_SEL_CERT)
			X509_free(obj);
		else
			EVP_PKEY_free(obj);
		if (!whole)
			return t->selector == TLSA_SEL_CERT ?
				"Full(0) data is not a DER certificate" :
				"Full(0) data is not a DER public key";
	}
	return NULL;
}

int tlsa_from_rr(const ldns_rr *rr, struct tlsa *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (!rr || ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA) {
		snprintf(err, errlen, "not a TLSA record");
		return -1;
	}
	size_t n = ldns_rr_rd_count(rr);
	if (n < 3) {
		snprintf(err, errlen, "TLSA rdata has %zu fields, needs 4", n);
		return -1;
	}
	uint8_t f[3];
	for (size_t i = 0; i < 3; i++) {
		const ldns_rdf *r = ldns_rr_rdf(rr, i);
		if (!r || ldns_rdf_size(r) != 1) {
			snprintf(err, errlen, "TLSA field %zu is not one octet",
				i + 1);
			return -1;
		}
		f[i] = *ldns_rdf_data(r);
	}
	t->usage = f[0];
	t->selector = f[1];
	t->mtype = f[2];
	/* A record whose data were empty can arrive with three fields. */
	if (n >= 4 && ldns_rr_rdf(rr, 3)) {
		const ldns_rdf *d = ldns_rr_rdf(rr, 3);
		t->len = ldns_rdf_size(d);
		if (t->len > TLSA_DATA_MAX) {
			snprintf(err, errlen, "TLSA data too long (%zu bytes)",
				t->len);
			t->len = 0;
			return -1;
		}
		if (t->len) {
			t->data = malloc(t->len);
			if (!t->data) {
				snprintf(err, errlen, "out of memory");
				t->len = 0;
				return -1;
			}
			memcpy(t->data, ldns_rdf_data(d), t->len);
		}
	}
	t->unusable = why_unusable(t);
	return 0;
}

int tlsa_from_str(const char *text, struct tlsa *t, char *err, size_t errlen)
{
	ldns_rr *rr = NULL;
	memset(t, 0, sizeof(*t));
	/* Room for the largest data in hex and a little white space. */
	size_t n = strlen(text);
	if (n > 2 * TLSA_DATA_MAX + 64) {
		snprintf(err, errlen, "TLSA text too long (%zu bytes)", n);
		return -1;
	}
	char *line = malloc(n + 16);
	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(line, n + 16, "x. 0 IN TLSA %s", text);
	ldns_status s = ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL);
	free(line);
	if (s != LDNS_STATUS_OK) {
		snprintf(err, errlen, "bad TLSA record \"%.80s\": %s", text,
			ldns_get_errorstr_by_id(s));
		return -1;
	}
	int rc = tlsa_from_rr(rr, t, err, errlen);
	ldns_rr_free(rr);
	return rc;
}

char *tlsa_str(const struct tlsa *t, char *buf, size_t buflen)
{
	size_t show = t->len > 32 ? 32 : t->len;
	int w = snprintf(buf, buflen, "%u %u %u ", t->usage, t->selector,
		t->mtype);
	for (size_t i = 0; i < show && w >= 0 && (size_t)w < buflen; i++)
		w += snprintf(buf + w, buflen - (size_t)w, "%02x", t->data[i]);
	if (t->len > show && w >= 0 && (size_t)w < buflen)
		snprintf(buf + w, buflen - (size_t)w, "...");
	if (t->len == 0 && w > 0 && (size_t)w <= buflen)
		buf[w - 1] = '\0';
	return buf;
}

int tlsa_cert_data(X509 *cert, uint8_t selector, uint8_t mtype,
	uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	unsigned char *der = NULL;
	int n;
	*out = NULL;
	*outlen = 0;
	if (selector == TLSA_SEL_CERT)
		n = i2d_X509(cert, &der);
	else if (selector == TLSA_SEL_SPKI)
		n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	else {
		snprintf(err, errlen, "unknown selector %u", selector);
		return -1;
	}
	if (n <= 0) {
		snprintf(err, errlen, "cannot encode the certificate");
		return -1;
	}
	if (mtype == TLSA_FULL) {
		*out = malloc((size_t)n);
		if (!*out) {
			OPENSSL_free(der);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(*out, der, (size_t)n);
		*outlen = (size_t)n;
		OPENSSL_free(der);
		return 0;
	}
	const EVP_MD *md = mtype == TLSA_SHA256 ? EVP_sha256() :
		mtype == TLSA_SHA512 ? EVP_sha512() : NULL;
	if (!md) {
		OPENSSL_free(der);
		snprintf(err, errlen, "unknown matching type %u", mtype);
		return -1;
	}
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned hlen = 0;
	int ok = EVP_Digest(der, (size_t)n, h, &hlen, md, NULL);
	OPENSSL_free(der);
	if (!ok || !(*out = malloc(hlen))) {
		snprintf(err, errlen, ok ? "out of memory" : "digest failed");
		return -1;
	}
	memcpy(*out, h, hlen);
	*outlen = hlen;
	return 0;
}

bool tlsa_match_cert(const struct tlsa *t, X509 *cert)
{
	uint8_t *d;
	size_t n;
	char err[64];
	if (!cert || !t->len ||
	    tlsa_cert_data(cert, t->selector, t->mtype, &d, &n, err,
		    sizeof(err)) < 0)
		return false;
	bool same = n == t->len && memcmp(d, t->data, n) == 0;
	free(d);
	return same;
}

int tlsa_match_chain(const struct tlsa *t, STACK_OF(X509) *chain)
{
	int n = chain ? sk_X509_num(chain) : 0;
	if (t->usage == TLSA_DANE_EE || t->usage == TLSA_PKIX_EE)
		n = n > 0 ? 1 : 0;
	for (int i = 0; i < n; i++)
		if (tlsa_match_cert(t, sk_X509_value(chain, i)))
			return i;
	return -1;
}

/* fuzz_tlsa.c: TLSA record handling on hostile data.  The same input is
 * read three ways: as a record in presentation form (tlsa_from_str), as
 * the rdata of a TLSA rr on the wire (ldns_wire2rr then tlsa_from_rr), and
 * as a DER certificate whose association data are computed for every
 * selector and matching type (tlsa_cert_data).  Every record read is
 * printed (tlsa_str) and matched against a fixed certificate and chain
 * (tlsa_match_cert, tlsa_match_chain).
 * Input: the bytes (the rdata at most 65535 of them). */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "dnssec/tlsa.h"
#include "tests/fuzz/fuzz.h"

/* A self-signed P-256 certificate, made once: what the records are
 * matched against. */
static X509 *fixed_cert(void)
{
	static X509 *x;
	if (x)
		return x;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	x = X509_new();
	expect(k && x, "key and certificate");
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
		(const unsigned char *)"mx.fuzz.example", -1, -1, 0);
	X509_set_issuer_name(x, n);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	expect(X509_sign(x, k, EVP_sha256()) > 0, "self-signed");
	EVP_PKEY_free(k);
	return x;
}

static void use(struct tlsa *t)
{
	char buf[256];
	tlsa_str(t, buf, sizeof(buf));
	expect(strlen(buf) < sizeof(buf), "tlsa_str terminates");
	expect(tlsa_usage_str(t->usage) != NULL, "usage name");
	X509 *x = fixed_cert();
	STACK_OF(X509) *chain = sk_X509_new_null();
	if (chain && sk_X509_push(chain, x)) {
		bool m = tlsa_match_cert(t, x);
		int depth = tlsa_match_chain(t, chain);
		expect(depth == -1 || depth == 0, "depth inside the chain");
		(void)m;
	}
	sk_X509_free(chain);
	tlsa_clear(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct tlsa t;

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tlsa_from_str(text, &t, err, sizeof(err)) == 0)
		use(&t);
	else
		tlsa_clear(&t);
	free(text);

	if (size <= 65535) {
		/* root. TLSA IN 0 rdlength rdata */
		size_t wlen = 11 + size;
		uint8_t *w = malloc(wlen);
		if (w) {
			static const uint8_t head[] = { 0, 0, 52, 0, 1, 0, 0, 0,
				0 };
			memcpy(w, head, sizeof(head));
			w[9] = (uint8_t)(size >> 8);
			w[10] = (uint8_t)size;
			memcpy(w + 11, data, size);
			ldns_rr *rr = NULL;
			size_t pos = 0;
			if (ldns_wire2rr(&rr, w, wlen, &pos,
			    LDNS_SECTION_ANSWER) == LDNS_STATUS_OK) {
				if (tlsa_from_rr(rr, &t, err, sizeof(err)) == 0)
					use(&t);
				else
					tlsa_clear(&t);
			}
			ldns_rr_free(rr);
			free(w);
		}
	}

	const unsigned char *p = data;
	X509 *x = d2i_X509(NULL, &p, (long)size);
	if (x) {
		for (uint8_t sel = 0; sel < 3; sel++) {
			for (uint8_t mt = 0; mt < 4; mt++) {
				uint8_t *out = NULL;
				size_t outlen = 0;
				if (tlsa_cert_data(x, sel, mt, &out, &outlen, err,
				    sizeof(err)) == 0)
					expect(out && (mt != 1 || outlen == 32) &&
						(mt != 2 || outlen == 64),
						"digest lengths");
				free(out);
			}
		}
		X509_free(x);
	}
	return 0;
}

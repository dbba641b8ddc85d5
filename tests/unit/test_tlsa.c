/* test_tlsa.c: TLSA parsing, usability rules and association data, checked
 * against digests computed by the openssl command and by ldns's own DANE
 * code. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <ldns/ldns.h>
#include "dnssec/tlsa.h"
#include "tests/tap.h"

/* A self-signed P-256 certificate for mx.test. and its digests, from
 * openssl x509 -outform DER | sha256sum and the -pubkey equivalents. */
static const char cert_pem[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIBfTCCASOgAwIBAgIUeR8Bt3TcG94NF2P5vGXWiHVWenswCgYIKoZIzj0EAwIw\n"
"EzERMA8GA1UEAwwIbXgudGVzdC4wIBcNMjYxMTI2MjMzNDAwWhgPMjEyNjExMDIy\n"
"MzM0MDBaMBMxETAPBgNVBAMMCG14LnRlc3QuMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
"AQcDQgAEED0/GzrRl6RDfUwkVCLJWjqByBX9h5PtAsiifSVkExYuvRQqxbRaAgGW\n"
"cE6n2UrU2iPD9wCD4q+I//Q1lremmKNTMFEwHQYDVR0OBBYEFPa6gm6RHtYpZNx5\n"
"G275YcOOz7HZMB8GA1UdIwQYMBaAFPa6gm6RHtYpZNx5G275YcOOz7HZMA8GA1Ud\n"
"EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgFSwUoaW6Cp0LooxF7L8cHRqx\n"
"PE0qZOCKjthYoNRiwfACIQCjIrwBCAf1iiVa6MtoGqsJAIa11ainauVChibcW3/b\n"
"Yg==\n"
"-----END CERTIFICATE-----\n";
#define CERT_SHA256 \
	"d94a90fd40d07ddcfc0d88bb9193098155bc308a56207bec7f1231c701e3b395"
#define SPKI_SHA256 \
	"00b519dc4c03af6dc3a3fbd9dcbef31b147c1f130bc4c3f3b6aeffc0f383dfbc"
#define SPKI_SHA512 \
	"40a9000688455d2facf8b5c85207ab911f479ef462311b0473513f2d075155bf" \
	"d210bc4b3c94eff9be1fb8b08d282e538baad4aedcf1cf5a6bd160d71d1a120e"

static X509 *load_cert(void)
{
	BIO *b = BIO_new_mem_buf(cert_pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

/* Parsing and the usability rules: one row per record text. */
static const struct {
	const char *text;
	int parses;		/* 0 ok, -1 error */
	const char *unusable;	/* substring of the reason, NULL if usable */
} parse_cases[] = {
	{ "3 1 1 " SPKI_SHA256, 0, NULL },
	{ "3 0 1 " CERT_SHA256, 0, NULL },
	{ "2 1 2 " SPKI_SHA512, 0, NULL },
	{ "2 0 1 " CERT_SHA256, 0, NULL },
	{ "1 1 1 " SPKI_SHA256, 0, "PKIX" },
	{ "0 0 1 " CERT_SHA256, 0, "PKIX" },
	{ "4 1 1 " SPKI_SHA256, 0, "unknown certificate usage" },
	{ "3 2 1 " SPKI_SHA256, 0, "unknown selector" },
	{ "3 1 3 " SPKI_SHA256, 0, "unknown matching type" },
	{ "3 1 1 00b519dc4c03af6dc3a3", 0, "not 32 bytes" },
	{ "3 1 2 " SPKI_SHA256, 0, "not 64 bytes" },
	{ "3 1 0 00b519dc4c03af6dc3a3", 0, "not a DER public key" },
	{ "3 0 0 3003020100", 0, "not a DER certificate" },
	{ "3 1 1 zz", -1, NULL },
	{ "3 1", -1, NULL },
	{ "x 1 1 00", -1, NULL },
};

static int hexeq(const uint8_t *d, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char two[3];
		snprintf(two, sizeof(two), "%02x", d[i]);
		if (memcmp(two, hex + 2 * i, 2))
			return 0;
	}
	return 1;
}

int main(void)
{
	char err[200], buf[200];
	struct tlsa t;

	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases);
	     i++) {
		int rc = tlsa_from_str(parse_cases[i].text, &t, err,
			sizeof(err));
		if (parse_cases[i].parses < 0) {
			ok(rc < 0, "\"%.20s\" is rejected: %s",
				parse_cases[i].text, rc < 0 ? err : "accepted");
			continue;
		}
		ok(rc == 0, "\"%.20s\" parses%s%s", parse_cases[i].text,
			rc ? ": " : "", rc ? err : "");
		if (parse_cases[i].unusable)
			ok(t.unusable && strstr(t.unusable,
				parse_cases[i].unusable),
				"\"%.20s\" is unusable: %s", parse_cases[i].text,
				t.unusable ? t.unusable : "(usable)");
		else
			ok(!t.unusable, "\"%.20s\" is usable%s%s",
				parse_cases[i].text, t.unusable ? ": " : "",
				t.unusable ? t.unusable : "");
		tlsa_clear(&t);
	}

	/* Text beyond any real record is refused before ldns sees it. */
	{
		size_t big = 2 * TLSA_DATA_MAX + 200;
		char *huge = malloc(big + 1);
		memset(huge, 'a', big);
		memcpy(huge, "3 0 0 ", 6);
		huge[big] = '\0';
		ok(tlsa_from_str(huge, &t, err, sizeof(err)) < 0 &&
			strstr(err, "too long"), "over-long text: %s", err);
		free(huge);
	}

	/* A record of another type is not TLSA. */
	ldns_rr *a = NULL;
	ldns_rr_new_frm_str(&a, "x. 0 IN A 192.0.2.1", 0, NULL, NULL);
	ok(tlsa_from_rr(a, &t, err, sizeof(err)) < 0 &&
		strstr(err, "not a TLSA"), "an A record is refused: %s", err);
	ldns_rr_free(a);
	/* Truncated rdata from the wire: ldns parses it or refuses it, and
	 * either way there is no crash and no usable record. */
	ldns_rr *g = NULL;
	ldns_status s = ldns_rr_new_frm_str(&g, "x. 0 IN TYPE52 \\# 2 0301",
		0, NULL, NULL);
	if (s == LDNS_STATUS_OK) {
		int rc = tlsa_from_rr(g, &t, err, sizeof(err));
		ok(rc < 0 || t.unusable, "2-octet TLSA rdata: %s",
			rc < 0 ? err : t.unusable);
		tlsa_clear(&t);
		ldns_rr_free(g);
	} else
		ok(1, "2-octet TLSA rdata refused by ldns: %s",
			ldns_get_errorstr_by_id(s));

	X509 *x = load_cert();
	ok(x != NULL, "test certificate loads");
	uint8_t *d;
	size_t n;
	static const struct {
		uint8_t sel, mt;
		const char *hex;
	} data_cases[] = {
		{ 0, 1, CERT_SHA256 }, { 1, 1, SPKI_SHA256 },
		{ 1, 2, SPKI_SHA512 },
	};
	for (size_t i = 0; i < 3; i++) {
		int rc = tlsa_cert_data(x, data_cases[i].sel, data_cases[i].mt,
			&d, &n, err, sizeof(err));
		ok(rc == 0 && hexeq(d, n, data_cases[i].hex),
			"selector %u matching %u gives the openssl digest",
			data_cases[i].sel, data_cases[i].mt);
		free(d);
	}
	ok(tlsa_cert_data(x, 7, 1, &d, &n, err, sizeof(err)) < 0,
		"unknown selector is an error: %s", err);
	ok(tlsa_cert_data(x, 1, 9, &d, &n, err, sizeof(err)) < 0,
		"unknown matching type is an error: %s", err);

	/* Selector 0 with every matching type agrees with ldns's own DANE
	 * code.  (ldns leaks a key reference for selector 1, which the
	 * openssl-command digests above cover.) */
	for (uint8_t sel = 0; sel < 1; sel++)
		for (uint8_t mt = 0; mt < 3; mt++) {
			ldns_rr *rr = NULL;
			s = ldns_dane_create_tlsa_rr(&rr, 3, sel, mt, x);
			if (s != LDNS_STATUS_OK) {
				ok(0, "ldns_dane_create_tlsa_rr %u %u: %s", sel,
					mt, ldns_get_errorstr_by_id(s));
				continue;
			}
			ok(tlsa_from_rr(rr, &t, err, sizeof(err)) == 0 &&
				!t.unusable && tlsa_match_cert(&t, x),
				"3 %u %u from ldns matches", sel, mt);
			/* Flip one bit: no match. */
			t.data[t.len - 1] ^= 1;
			ok(!tlsa_match_cert(&t, x),
				"3 %u %u with one bit flipped does not match",
				sel, mt);
			tlsa_clear(&t);
			ldns_rr_free(rr);
		}

	/* Chain matching: EE looks only at the leaf, TA at every depth. */
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *other = NULL;
	{
		EVP_PKEY *k = EVP_EC_gen("P-256");
		other = X509_new();
		X509_set_pubkey(other, k);
		X509_sign(other, k, EVP_sha256());
		EVP_PKEY_free(k);
	}
	sk_X509_push(chain, other);
	sk_X509_push(chain, x);
	tlsa_from_str("3 1 1 " SPKI_SHA256, &t, err, sizeof(err));
	ok(tlsa_match_chain(&t, chain) == -1,
		"DANE-EE does not match an issuer");
	tlsa_clear(&t);
	tlsa_from_str("2 1 1 " SPKI_SHA256, &t, err, sizeof(err));
	ok(tlsa_match_chain(&t, chain) == 1, "DANE-TA matches at depth 1");
	ok(!strcmp(tlsa_str(&t, buf, sizeof(buf)), "2 1 1 " SPKI_SHA256),
		"presentation: %s", buf);
	tlsa_clear(&t);
	tlsa_from_str("2 1 2 " SPKI_SHA512, &t, err, sizeof(err));
	ok(strlen(tlsa_str(&t, buf, sizeof(buf))) == 6 + 64 + 3 &&
		!strcmp(buf + 6 + 64, "..."), "long data shortened: %s", buf);
	tlsa_clear(&t);
	sk_X509_free(chain);
	X509_free(other);
	X509_free(x);
	return tap_done();
}

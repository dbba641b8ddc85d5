/* starttls_result.h: what the STARTTLS probes of one address found
 * (starttls.h fills it in), as plain data the mail verdicts are judged
 * from (result.h). */
#ifndef MAIL_STARTTLS_RESULT_H
#define MAIL_STARTTLS_RESULT_H
#include <stdbool.h>

struct json;

enum { STARTTLS_TLS10, STARTTLS_TLS11, STARTTLS_TLS12, STARTTLS_TLS13,
	STARTTLS_NVERSIONS };

struct starttls_result {
	char host[256];		/* the MX host, no trailing dot */
	char addr[64];
	bool tcp;		/* the TCP connection was made */
	bool connected;		/* a 220 banner was read */
	bool starttls_refused;	/* STARTTLS was answered, not with 220: no
				   handshake was tried */
	bool ehlo;		/* the EHLO was answered */
	bool offered;		/* STARTTLS in the EHLO reply */
	bool handshake;		/* the main handshake completed */
	char error[300];	/* why the main session failed, or "" */
	char tls[120];		/* "TLSv1.3 TLS_AES_256_GCM_SHA384" */
	bool tried[STARTTLS_NVERSIONS], accepted[STARTTLS_NVERSIONS];
	/* Tried, but the session ended before the server could accept or
	 * refuse the version (no connection, 421, a timeout). */
	bool unknown[STARTTLS_NVERSIONS];
	int main_version;	/* the main handshake's, STARTTLS_TLS*; -1 */
	char version_error[STARTTLS_NVERSIONS][300];
	int dh_bits;		/* the DHE group offered, -1 no DHE */
	char kx[64];		/* the main handshake's key exchange */
	/* The certificate of the main handshake. */
	bool cert;		/* one was sent */
	int verify;		/* X509 verification code, 0 ok */
	char verify_str[160];
	bool name_ok;		/* X509_check_host against host */
	bool expired, not_yet_valid, self_signed;
	char subject[300], issuer[300], not_after[40];
	int chain_len;
};

/** "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3". */
const char *starttls_version_str(int v);

/** r's facts as members of the JSON object open in j: connected,
 * greeted, ehlo_answered, starttls, handshake, error, tls, versions,
 * key_exchange, dh_bits and certificate (the one record a mail check
 * and a scan's follow-up both write). */
void starttls_result_json(struct json *j, const struct starttls_result *r);

#endif

/* starttls_result.c: the names and the JSON of what STARTTLS probes found
 * (starttls_result.h). */
#include "config.h"
#include "common/json.h"
#include "mail/starttls_result.h"

static const char *const version_names[] = { "TLSv1", "TLSv1.1",
	"TLSv1.2", "TLSv1.3" };

const char *starttls_version_str(int v)
{
	return v >= 0 && v < STARTTLS_NVERSIONS ? version_names[v] : "?";
}

void starttls_result_json(struct json *j, const struct starttls_result *r)
{
	json_bool(j, "connected", r->tcp);
	json_bool(j, "greeted", r->connected);
	json_bool(j, "ehlo_answered", r->ehlo);
	json_bool(j, "starttls", r->offered);
	json_bool(j, "handshake", r->handshake);
	json_str(j, "error", r->error[0] ? r->error : NULL);
	json_str(j, "tls", r->tls[0] ? r->tls : NULL);
	json_obj_open(j, "versions");
	/* null: not tried, or tried and left unknown. */
	for (int v = 0; v < STARTTLS_NVERSIONS; v++)
		if (r->tried[v] && !r->unknown[v])
			json_bool(j, starttls_version_str(v), r->accepted[v]);
		else
			json_null(j, starttls_version_str(v));
	json_obj_close(j);
	json_str(j, "key_exchange", r->kx[0] ? r->kx : NULL);
	if (r->dh_bits > 0)
		json_int(j, "dh_bits", r->dh_bits);
	else
		json_null(j, "dh_bits");
	if (!r->cert) {
		json_null(j, "certificate");
		return;
	}
	json_obj_open(j, "certificate");
	json_str(j, "subject", r->subject);
	json_str(j, "issuer", r->issuer);
	json_str(j, "not_after", r->not_after);
	json_int(j, "chain_length", r->chain_len);
	json_str(j, "verify", r->verify ? r->verify_str : "ok");
	json_bool(j, "name_matches", r->name_ok);
	json_bool(j, "expired", r->expired);
	json_bool(j, "self_signed", r->self_signed);
	json_obj_close(j);
}

/* summary_record.c: a summary record from the scan's memory or from a
 * saved JSON line (see summary_record.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <json-c/json.h>
#include "scan/summary_record.h"

static const char *const role_names[] = {
	[QUERY_MX] = "mx",
	[QUERY_ADDR] = "addr",
	[QUERY_NXCONTROL] = "nxcontrol",
	[QUERY_CONTROL] = "control",
	[QUERY_OTHER] = "other",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *summary_role_str(enum query_role role)
{
	return (unsigned)role < NROLES ? role_names[role] : "other";
}

int summary_role_parse(const char *name)
{
	for (size_t i = 0; i < NROLES; i++)
		if (!strcmp(name, role_names[i]))
			return (int)i;
	return -1;
}

/* --- records ------------------------------------------------------------ */

void summary_record_clear(struct summary_record *r)
{
	for (size_t i = 0; i < r->nqueries; i++) {
		struct summary_query *q = &r->queries[i];
		free(q->provider);
		for (size_t j = 0; j < q->ninvalid; j++)
			free(q->invalid[j]);
		free(q->invalid);
	}
	free(r->queries);
	memset(r, 0, sizeof(*r));
}

int summary_record_from_scan(struct summary_record *r,
	const struct observation *o, const struct verdict *v,
	const struct truth *truth)
{
	memset(r, 0, sizeof(*r));
	prefix_str(&o->resolver, r->resolver, sizeof(r->resolver));
	r->class = v ? v->class : CLASS_COUNT;
	r->classes = v ? v->classes : 0;
	r->flags = v ? v->flags : 0;
	r->silent = o->silent;
	if (o->forwarded) {
		r->forwarded = true;
		prefix_str(&o->answered_by, r->answered_by,
			sizeof(r->answered_by));
	}
	if (o->n && !(r->queries = calloc(o->n, sizeof(*r->queries))))
		return -1;
	r->nqueries = o->n;
	for (size_t k = 0; k < o->n; k++) {
		const struct query_result *res = &o->results[k];
		struct summary_query *q = &r->queries[k];
		const struct query_verdict *qv = NULL;
		for (size_t i = 0; v && i < v->nqueries; i++)
			if (v->queries[i].result == k)
				qv = &v->queries[i];
		q->role = res->role;
		q->qtype = res->qtype;
		q->answered = res->status == REPLY_OK;
		q->class = qv ? (int)qv->class : -1;
		if (q->answered)
			r->responsive = true;
		if (truth && res->provider >= 0 &&
		    (size_t)res->provider < truth->nproviders &&
		    !(q->provider = strdup(truth->providers[res->provider].domain)))
			goto oom;
		if (qv && qv->ninvalid &&
		    !(q->invalid = calloc(qv->ninvalid, sizeof(*q->invalid))))
			goto oom;
		for (size_t i = 0; qv && i < qv->ninvalid; i++, q->ninvalid++)
			if (!(q->invalid[i] = strdup(qv->invalid[i])))
				goto oom;
	}
	return 0;
oom:
	summary_record_clear(r);
	return -1;
}

/* --- reading a JSON line back ------------------------------------------- */

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

static json_object *field(json_object *o, const char *key, json_type type)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int flag_parse(const char *name)
{
	for (int i = 0; i < FLAG_COUNT_BITS; i++)
		if (!strcmp(name, verdict_flag_str(1 << i)))
			return 1 << i;
	return -1;
}

static int query_from_json(struct summary_query *q, json_object *jq,
	char *err, size_t errlen)
{
	json_object *v;
	if (!json_object_is_type(jq, json_type_object))
		return bad(err, errlen, "a query is not an object");
	if (!(v = field(jq, "role", json_type_string)) ||
	    summary_role_parse(json_object_get_string(v)) < 0)
		return bad(err, errlen, "a query has no valid \"role\"");
	q->role = summary_role_parse(json_object_get_string(v));
	if (!(v = field(jq, "qtype", json_type_string)))
		return bad(err, errlen, "a query has no \"qtype\"");
	q->qtype = ldns_get_rr_type_by_name(json_object_get_string(v));
	if (q->qtype == 0)
		return bad(err, errlen, "a query has an unknown \"qtype\"");
	if (!(v = field(jq, "status", json_type_string)))
		return bad(err, errlen, "a query has no \"status\"");
	q->answered = !strcmp(json_object_get_string(v), "ok");
	if ((v = field(jq, "provider", json_type_string)) &&
	    !(q->provider = strdup(json_object_get_string(v))))
		return bad(err, errlen, "out of memory");
	q->class = -1;
	json_object *jv = field(jq, "verdict", json_type_object);
	if (jv) {
		if (!(v = field(jv, "class", json_type_string)) ||
		    verdict_class_parse(json_object_get_string(v)) < 0)
			return bad(err, errlen,
				"a query verdict has no valid \"class\"");
		q->class = verdict_class_parse(json_object_get_string(v));
	}
	json_object *inv = field(jq, "invalid", json_type_array);
	size_t n = inv ? json_object_array_length(inv) : 0;
	if (n && !(q->invalid = calloc(n, sizeof(*q->invalid))))
		return bad(err, errlen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(inv, i);
		if (!json_object_is_type(s, json_type_string))
			return bad(err, errlen, "an \"invalid\" value is not "
				"a string");
		if (!(q->invalid[i] = strdup(json_object_get_string(s))))
			return bad(err, errlen, "out of memory");
		q->ninvalid++;
	}
	return 0;
}

int summary_record_from_json(struct summary_record *r, const char *text,
	size_t len, char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = NULL, *v;
	int rc = -1;
	memset(r, 0, sizeof(*r));
	if (!tok)
		return bad(err, errlen, "out of memory");
	if (len > INT32_MAX) {
		bad(err, errlen, "line too long");
		goto out;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		snprintf(err, errlen, "not JSON: %s",
			jerr == json_tokener_continue ? "unexpected end of line"
			: json_tokener_error_desc(jerr));
		goto out;
	}
	/* Only blanks may follow the object. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (!isspace((unsigned char)text[i])) {
			bad(err, errlen, "not JSON: text after the object");
			goto out;
		}
	if (!json_object_is_type(root, json_type_object)) {
		bad(err, errlen, "not a JSON object");
		goto out;
	}
	if (!(v = field(root, "resolver", json_type_string)) ||
	    strlen(json_object_get_string(v)) >= sizeof(r->resolver)) {
		bad(err, errlen, "no valid \"resolver\"");
		goto out;
	}
	snprintf(r->resolver, sizeof(r->resolver), "%s",
		json_object_get_string(v));
	r->class = CLASS_COUNT;
	if ((v = field(root, "class", json_type_string))) {
		int c = verdict_class_parse(json_object_get_string(v));
		if (c < 0) {
			snprintf(err, errlen, "unknown class \"%.40s\"",
				json_object_get_string(v));
			goto out;
		}
		r->class = c;
	} else if (!json_object_object_get_ex(root, "class", &v) || v) {
		/* json-c gives a JSON null as a NULL object. */
		bad(err, errlen, "no \"class\"");
		goto out;
	}
	json_object *arr = field(root, "classes", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(arr, i));
		int c = s ? verdict_class_parse(s) : -1;
		if (c < 0) {
			bad(err, errlen, "unknown name in \"classes\"");
			goto out;
		}
		r->classes |= 1u << c;
	}
	arr = field(root, "flags", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(arr, i));
		int f = s ? flag_parse(s) : -1;
		if (f < 0) {
			bad(err, errlen, "unknown name in \"flags\"");
			goto out;
		}
		r->flags |= (unsigned)f;
	}
	if (!(v = field(root, "responsive", json_type_boolean))) {
		bad(err, errlen, "no \"responsive\"");
		goto out;
	}
	r->responsive = json_object_get_boolean(v);
	if ((v = field(root, "silent", json_type_boolean)))
		r->silent = json_object_get_boolean(v);
	if ((v = field(root, "answered_by", json_type_string))) {
		if (strlen(json_object_get_string(v)) >=
		    sizeof(r->answered_by)) {
			bad(err, errlen, "\"answered_by\" is not an address");
			goto out;
		}
		r->forwarded = true;
		snprintf(r->answered_by, sizeof(r->answered_by), "%s",
			json_object_get_string(v));
	}
	arr = field(root, "queries", json_type_array);
	size_t n = arr ? json_object_array_length(arr) : 0;
	if (n && !(r->queries = calloc(n, sizeof(*r->queries)))) {
		bad(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		r->nqueries++;
		if (query_from_json(&r->queries[i],
		    json_object_array_get_idx(arr, i), err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		summary_record_clear(r);
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

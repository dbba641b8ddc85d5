/* survey.c: reading back a mail survey's JSON Lines (survey.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "common/lineread.h"
#include "mail/survey.h"

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The next complete line of a survey read by lr, parsed: 1 with *o (NULL
 * when the line is not JSON; the caller puts it), 0 at the end, 2 at a
 * last line without its newline (lr->line holds it), 3 at one over the
 * cap (not held), -1 with "name:LINE: reason" in err. */
static int next_object(struct lineread *lr, struct json_object **o,
	char *err, size_t errlen)
{
	enum lineread_status ls = lineread_next(lr);
	*o = NULL;
	if (ls == LINEREAD_EOF)
		return 0;
	if (ls == LINEREAD_ERROR) {
		snprintf(err, errlen, "%s", lr->err);
		return -1;
	}
	if (!lr->newline)
		return ls == LINEREAD_LONG ? 3 : 2;
	if (ls == LINEREAD_LONG) {
		snprintf(err, errlen, "%s", lr->err);
		return -1;
	}
	if (strlen(lr->line) != lr->len)
		return 1;	/* a NUL byte: not JSON */
	*o = json_tokener_parse(lr->line);
	return 1;
}

/* "name:LINE: not a mail result line" in err; returns -1. */
static int not_mail(const struct lineread *lr, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%lu: not a mail result line", lr->name,
		lr->lineno);
	return -1;
}

/* "name:LINE: out of memory" in err; returns -1. */
static int oom(const struct lineread *lr, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%lu: out of memory", lr->name, lr->lineno);
	return -1;
}

int mail_survey_domains(FILE *in, const char *name, char ***domains,
	size_t *n, size_t *good_len, char *err, size_t errlen)
{
	struct lineread lr;
	struct json_object *o;
	char **v = NULL;
	size_t nv = 0, vcap = 0;
	uint64_t good = 0;
	int rc;
	lineread_file(&lr, in, name, MAIL_SURVEY_LINE_MAX);
	while ((rc = next_object(&lr, &o, err, errlen)) == 1) {
		struct json_object *d, *k;
		if (!o || !json_object_object_get_ex(o, "domain", &d) ||
		    !json_object_is_type(d, json_type_string) ||
		    !json_object_object_get_ex(o, "kind", &k) ||
		    strcmp(json_object_get_string(k), "mail")) {
			rc = not_mail(&lr, err, errlen);
			json_object_put(o);
			break;
		}
		if (nv == vcap) {
			vcap = vcap ? 2 * vcap : 64;
			char **nn = realloc(v, vcap * sizeof(*v));
			if (!nn) {
				json_object_put(o);
				rc = oom(&lr, err, errlen);
				break;
			}
			v = nn;
		}
		v[nv] = strdup(json_object_get_string(d));
		json_object_put(o);
		if (!v[nv]) {
			rc = oom(&lr, err, errlen);
			break;
		}
		nv++;
		good = lr.offset;
	}
	/* A last line without its newline is a write the survey could not
	 * finish, to be cut off, only after complete result lines and only
	 * when it starts like one: anything else means the file is not a
	 * survey, and it is left as it is. */
	if (rc == 2 || rc == 3) {
		if (nv > 0 && (rc == 3 || (lr.len >= 11 &&
		    !memcmp(lr.line, "{\"domain\":\"", 11))))
			rc = 0;
		else
			rc = not_mail(&lr, err, errlen);
	}
	lineread_free(&lr);
	if (rc < 0) {
		for (size_t i = 0; i < nv; i++)
			free(v[i]);
		free(v);
		return -1;
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmpstr);
	*domains = v;
	*n = nv;
	*good_len = (size_t)good;
	return 0;
}

bool mail_survey_has(char *const *domains, size_t n, const char *domain)
{
	char low[256];
	size_t len = strlen(domain);
	if (!n || len >= sizeof(low))
		return false;
	for (size_t i = 0; i <= len; i++)
		low[i] = (char)((domain[i] >= 'A' && domain[i] <= 'Z') ?
			domain[i] + 32 : domain[i]);
	if (len > 1 && low[len - 1] == '.')
		low[len - 1] = '\0';
	const char *k = low;
	return bsearch(&k, domains, n, sizeof(*domains), cmpstr) != NULL;
}

bool mail_survey_line(const char *line, size_t len)
{
	size_t n = len < 600 ? len : 600;
	for (size_t i = 0; i + 14 <= n; i++)
		if (!memcmp(line + i, "\"kind\":\"mail\"", 13))
			return true;
	return false;
}

const char *const mail_survey_check_names[MAIL_SURVEY_CHECKS] = {
	"dnssec", "dane", "mta_sts", "tls_rpt", "spf", "dmarc", "starttls"
};
const char *const mail_survey_verdict_names[MAIL_SURVEY_VERDICTS] = {
	"error", "fail", "none", "warn", "pass"
};
const char *const mail_survey_overall_names[MAIL_SURVEY_OVERALLS] = {
	"incomplete", "broken", "weak", "protected", "no-mail"
};

static int index_of(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], v))
			return (int)i;
	return -1;
}

/* Count code once for this domain (seen: the codes counted so far). */
static void count_code(struct mail_summary *s, const char *code,
	bool *seen)
{
	for (size_t i = 0; i < s->ncodes; i++)
		if (!strcmp(s->codes[i].code, code)) {
			if (!seen[i]) {
				seen[i] = true;
				s->codes[i].domains++;
			}
			return;
		}
	if (s->ncodes < MAIL_SURVEY_CODES && strlen(code) <
	    sizeof(s->codes[0].code)) {
		snprintf(s->codes[s->ncodes].code, sizeof(s->codes[0].code),
			"%s", code);
		s->codes[s->ncodes].domains = 1;
		seen[s->ncodes++] = true;
	} else
		s->codes_other++;
}

/* host lowercased with a trailing dot into h (hlen bytes); "" when it
 * does not fit or is empty. */
static void mx_norm(char *h, size_t hlen, const char *host)
{
	size_t l = 0;
	for (const char *p = host; *p && l + 2 < hlen; p++)
		h[l++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
	if (l && h[l - 1] != '.')
		h[l++] = '.';
	h[l] = 0;
}

void mail_summary_add_mx(struct mail_summary *s, const char *const *hosts,
	size_t n)
{
	size_t counted = 0;
	for (size_t i = 0; i < n; i++) {
		char h[256], o[256];
		bool dup = false;
		mx_norm(h, sizeof(h), hosts[i]);
		for (size_t k = 0; k < i && !dup && h[0]; k++) {
			mx_norm(o, sizeof(o), hosts[k]);
			dup = !strcmp(o, h);
		}
		if (!h[0] || dup)
			continue;
		/* Out of memory: the host goes uncounted, the rest stands. */
		(void)strset_add(&s->mx, h, s->with_mx + 1);
		s->mx_names++;
		counted++;
	}
	if (counted)
		s->with_mx++;
}

void mail_summary_clear(struct mail_summary *s)
{
	strset_clear(&s->mx);
	memset(s, 0, sizeof(*s));
}

/* The MX host names of a result line: checks.dane.hosts[].name. */
static void add_line_mx(struct mail_summary *s, struct json_object *checks)
{
	struct json_object *dane, *hosts;
	const char *names[64];
	size_t n = 0;
	if (!json_object_object_get_ex(checks, "dane", &dane) ||
	    !json_object_object_get_ex(dane, "hosts", &hosts) ||
	    !json_object_is_type(hosts, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(hosts) &&
	    n < sizeof(names) / sizeof(names[0]); i++) {
		struct json_object *h = json_object_array_get_idx(hosts, i), *nm;
		if (json_object_object_get_ex(h, "name", &nm) &&
		    json_object_is_type(nm, json_type_string))
			names[n++] = json_object_get_string(nm);
	}
	mail_summary_add_mx(s, names, n);
}

int mail_summary_add(struct mail_summary *s, const char *line, size_t len,
	char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct json_object *o = json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	struct json_object *v, *checks;
	int rc = -1, ov;
	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(o, "verdict", &v) ||
	    (ov = index_of(mail_survey_overall_names, MAIL_SURVEY_OVERALLS,
	    json_object_get_string(v))) < 0 ||
	    !json_object_object_get_ex(o, "checks", &checks) ||
	    !json_object_is_type(checks, json_type_object)) {
		snprintf(err, errlen, "not a mail result (no verdict or "
			"checks)");
		goto out;
	}
	int vs[MAIL_SURVEY_CHECKS];
	for (int k = 0; k < MAIL_SURVEY_CHECKS; k++) {
		struct json_object *c, *cv;
		vs[k] = -1;
		if (json_object_object_get_ex(checks,
		    mail_survey_check_names[k], &c) &&
		    json_object_object_get_ex(c, "verdict", &cv))
			vs[k] = index_of(mail_survey_verdict_names,
				MAIL_SURVEY_VERDICTS, json_object_get_string(cv));
		if (vs[k] < 0) {
			snprintf(err, errlen, "checks.%s: no known verdict",
				mail_survey_check_names[k]);
			goto out;
		}
	}
	bool seen[MAIL_SURVEY_CODES] = { false };
	s->domains++;
	s->overall[ov]++;
	for (int k = 0; k < MAIL_SURVEY_CHECKS; k++) {
		struct json_object *c, *code;
		s->checks[k][vs[k]]++;
		/* What decided a verdict short of pass. */
		json_object_object_get_ex(checks, mail_survey_check_names[k],
			&c);
		if (vs[k] != MAIL_SURVEY_VERDICTS - 1 &&
		    json_object_object_get_ex(c, "code", &code) &&
		    json_object_is_type(code, json_type_string))
			count_code(s, json_object_get_string(code), seen);
	}
	add_line_mx(s, checks);
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

static int cmp_prev(const void *a, const void *b)
{
	return strcmp(((const struct mail_previous *)a)->domain,
		((const struct mail_previous *)b)->domain);
}

/* o.k1.k2 as a string, or NULL. */
static const char *path_str(struct json_object *o, const char *k1,
	const char *k2, const char *k3, const char *k4)
{
	const char *ks[4] = { k1, k2, k3, k4 };
	for (int i = 0; i < 4 && ks[i]; i++)
		if (!json_object_object_get_ex(o, ks[i], &o))
			return NULL;
	return json_object_is_type(o, json_type_string) ?
		json_object_get_string(o) : NULL;
}

int mail_survey_previous(FILE *in, const char *name,
	struct mail_previous **prev, size_t *n, char *err, size_t errlen)
{
	struct lineread lr;
	struct json_object *o;
	size_t nv = 0, vcap = 0;
	struct mail_previous *v = NULL;
	int rc;
	lineread_file(&lr, in, name, MAIL_SURVEY_LINE_MAX);
	while ((rc = next_object(&lr, &o, err, errlen)) == 1) {
		const char *d = o ? path_str(o, "domain", NULL, NULL, NULL) :
			NULL;
		if (!d || strlen(d) >= sizeof(v->domain)) {
			rc = not_mail(&lr, err, errlen);
			json_object_put(o);
			break;
		}
		if (nv == vcap) {
			vcap = vcap ? 2 * vcap : 64;
			struct mail_previous *nn = realloc(v, vcap * sizeof(*v));
			if (!nn) {
				json_object_put(o);
				rc = oom(&lr, err, errlen);
				break;
			}
			v = nn;
		}
		struct mail_previous *p = &v[nv++];
		memset(p, 0, sizeof(*p));
		snprintf(p->domain, sizeof(p->domain), "%s", d);
		const char *id = path_str(o, "checks", "mta_sts", "txt", "id");
		const char *sha = path_str(o, "checks", "mta_sts", "policy",
			"sha256");
		if (id && strlen(id) < sizeof(p->id))
			snprintf(p->id, sizeof(p->id), "%s", id);
		if (sha && strlen(sha) < sizeof(p->sha256))
			snprintf(p->sha256, sizeof(p->sha256), "%s", sha);
		json_object_put(o);
	}
	lineread_free(&lr);
	if (rc < 0) {
		free(v);
		return -1;
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_prev);
	*prev = v;
	*n = nv;
	return 0;
}

const struct mail_previous *mail_previous_find(
	const struct mail_previous *prev, size_t n, const char *domain)
{
	struct mail_previous key;
	if (!n || strlen(domain) >= sizeof(key.domain))
		return NULL;
	snprintf(key.domain, sizeof(key.domain), "%s", domain);
	return bsearch(&key, prev, n, sizeof(*prev), cmp_prev);
}

/* survey.c: reading back a mail survey's JSON Lines (survey.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <json-c/json.h>
#include "mail/survey.h"

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mail_survey_domains(FILE *in, const char *name, char ***domains,
	size_t *n, size_t *good_len, char *err, size_t errlen)
{
	char *line = NULL, **v = NULL;
	size_t cap = 0, nv = 0, vcap = 0, good = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = 0;
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len == 0 || line[len - 1] != '\n')
			break;
		struct json_object *o = json_tokener_parse(line);
		struct json_object *d, *k;
		if (!o || !json_object_object_get_ex(o, "domain", &d) ||
		    !json_object_is_type(d, json_type_string) ||
		    !json_object_object_get_ex(o, "kind", &k) ||
		    strcmp(json_object_get_string(k), "mail")) {
			snprintf(err, errlen, "%s:%lu: not a mail result line",
				name, lineno);
			json_object_put(o);
			rc = -1;
			break;
		}
		if (nv == vcap) {
			vcap = vcap ? 2 * vcap : 64;
			char **nn = realloc(v, vcap * sizeof(*v));
			if (!nn) {
				json_object_put(o);
				snprintf(err, errlen, "%s: out of memory", name);
				rc = -1;
				break;
			}
			v = nn;
		}
		v[nv] = strdup(json_object_get_string(d));
		json_object_put(o);
		if (!v[nv]) {
			snprintf(err, errlen, "%s: out of memory", name);
			rc = -1;
			break;
		}
		nv++;
		good += (size_t)len;
	}
	free(line);
	if (rc == 0 && ferror(in)) {
		snprintf(err, errlen, "%s: read error", name);
		rc = -1;
	}
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
	*good_len = good;
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

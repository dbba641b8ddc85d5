/* readback.c: a scan's JSON Lines read back (readback.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "scan/readback.h"
#include "scan/follow.h"
#include "common/escape.h"

int left_out_add(struct left_out *l, const char *provider, const char *why)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->provider[i], provider))
			return 0;
	char **p = realloc(l->provider, (l->n + 1) * sizeof(*p));
	if (!p)
		return -1;
	l->provider = p;
	char **w = realloc(l->why, (l->n + 1) * sizeof(*w));
	if (!w)
		return -1;
	l->why = w;
	p[l->n] = strdup(provider);
	w[l->n] = strdup(why ? why : "");
	if (!p[l->n] || !w[l->n]) {
		free(p[l->n]);
		free(w[l->n]);
		return -1;
	}
	l->n++;
	return 0;
}

int left_out_print(const struct left_out *l, FILE *f)
{
	if (!l->n)
		return 0;
	fprintf(f, "\nProviders left out (no usable truth: not asked, not "
		"judged): %zu\n", l->n);
	for (size_t i = 0; i < l->n; i++) {
		fputs("  ", f);
		escape_text(f, l->provider[i], strlen(l->provider[i]),
			ESCAPE_DNS);
		fputs(": ", f);
		escape_text(f, l->why[i], strlen(l->why[i]), ESCAPE_DNS);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

void left_out_clear(struct left_out *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->provider[i]);
		free(l->why[i]);
	}
	free(l->provider);
	free(l->why);
	memset(l, 0, sizeof(*l));
}

void readback_file(struct readback *rb, FILE *f, const char *name,
	bool lenient, size_t max)
{
	memset(rb, 0, sizeof(*rb));
	lineread_file(&rb->lr, f, name, max);
	rb->lenient = lenient;
}

unsigned long readback_lineno(const struct readback *rb)
{
	return rb->lr.lineno;
}

void readback_free(struct readback *rb)
{
	lineread_free(&rb->lr);
	left_out_clear(&rb->left);
	sweep_record_clear(&rb->sweep);
}

int sweep_record_copy(struct sweep_record *to, const struct sweep_record *w)
{
	struct prefix *p = NULL;
	if (w->npending && !(p = malloc(w->npending * sizeof(*p))))
		return -1;
	if (w->npending)
		memcpy(p, w->pending, w->npending * sizeof(*p));
	free(to->pending);
	*to = *w;
	to->pending = p;
	return 0;
}

void sweep_record_clear(struct sweep_record *w)
{
	free(w->pending);
	memset(w, 0, sizeof(*w));
}

/* A count of a sweep record: a JSON integer from 0 up. */
static bool count_of(json_object *o, const char *key, uint64_t *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	int64_t n = json_object_get_int64(v);
	if (n < 0)
		return false;
	*out = (uint64_t)n;
	return true;
}

/* A record line {"KEY":VALUE,...}: whether line starts so (*is), and
 * then the whole line parsed, with VALUE in *value when it has the given
 * type.  Returns the root (json_object_put frees it, and *value with it),
 * or NULL when line is not such a record, does not parse or VALUE has
 * another type. */
static json_object *record_of(const char *line, size_t len, const char *key,
	json_type type, json_object **value, bool *is)
{
	char head[64];
	int n = snprintf(head, sizeof(head), "{\"%s\":", key);
	*is = n > 0 && len >= (size_t)n && !memcmp(line, head, (size_t)n);
	if (!*is)
		return NULL;
	json_tokener *tok = json_tokener_new();
	json_object *root = tok ? json_tokener_parse_ex(tok, line, (int)len) :
		NULL;
	bool whole = root && json_tokener_get_error(tok) ==
		json_tokener_success;
	if (tok)
		json_tokener_free(tok);
	if (!whole || !json_object_object_get_ex(root, key, value) ||
	    !json_object_is_type(*value, type)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

/* A follow record ({"follow":{...}}, output_follow).  Returns 1 when line
 * is one (its verdict in rb->follow_verdict), 0 when it is not, -1 when it
 * is one but malformed (rb->why set). */
static int follow(struct readback *rb, const char *line, size_t len)
{
	json_object *o, *v;
	bool is;
	json_object *root = record_of(line, len, "follow", json_type_object,
		&o, &is);
	if (!is)
		return 0;
	int rc = -1;
	snprintf(rb->why, sizeof(rb->why), "not a follow record");
	if (root && json_object_object_get_ex(o, "followed", &v) &&
	    json_object_is_type(v, json_type_boolean)) {
		if (!json_object_get_boolean(v)) {
			rb->follow_verdict = -1;
			rc = 1;
		} else if (json_object_object_get_ex(o, "verdict", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    (rb->follow_verdict = follow_verdict_parse(
		    json_object_get_string(v))) >= 0)
			rc = 1;
	}
	json_object_put(root);
	return rc;
}

/* A sweep record ({"sweep":{...}}, output_sweep).  Returns 1 when line is
 * one (in rb->sweep), 0 when it is not, -1 when it is one but malformed or
 * out of memory (rb->why set). */
static int sweep(struct readback *rb, const char *line, size_t len)
{
	json_object *o, *v, *arr;
	bool is;
	json_object *root = record_of(line, len, "sweep", json_type_object, &o,
		&is);
	if (!is)
		return 0;
	sweep_record_clear(&rb->sweep);
	struct sweep_record *w = &rb->sweep;
	uint64_t shard = 0, shards = 0, pass = 0;
	int rc = -1;
	snprintf(rb->why, sizeof(rb->why), "not a sweep record");
	if (!root || !json_object_object_get_ex(o, "order", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) != sizeof(w->order) - 1 ||
	    !count_of(o, "seed", &w->seed) || !count_of(o, "shard", &shard) ||
	    !count_of(o, "shards", &shards) || !count_of(o, "pass", &pass) ||
	    !count_of(o, "position", &w->mark) ||
	    !count_of(o, "probed", &w->probed) ||
	    !count_of(o, "answered", &w->answered) ||
	    shards < 1 || shard >= shards || shards > 65535 || pass > 255 ||
	    !json_object_object_get_ex(o, "pending", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		goto out;
	memcpy(w->order, json_object_get_string(v), sizeof(w->order));
	w->shard = (unsigned)shard;
	w->shards = (unsigned)shards;
	w->pass = (unsigned)pass;
	w->over = json_object_object_get_ex(o, "over", &v) &&
		json_object_get_boolean(v);
	w->final = json_object_object_get_ex(o, "final", &v) &&
		json_object_get_boolean(v);
	if (w->over && !count_of(o, "silent", &w->silent))
		goto out;
	size_t n = json_object_array_length(arr);
	if (n && !(w->pending = calloc(n, sizeof(*w->pending)))) {
		snprintf(rb->why, sizeof(rb->why), "out of memory");
		goto out;
	}
	char err[128];
	for (size_t i = 0; i < n; i++) {
		const char *a = json_object_get_string(
			json_object_array_get_idx(arr, i));
		if (!json_object_is_type(json_object_array_get_idx(arr, i),
		    json_type_string) || prefix_parse(a, &w->pending[i], err,
		    sizeof(err)) < 0 || w->pending[i].len !=
		    (w->pending[i].family == AF_INET6 ? 128 : 32)) {
			snprintf(rb->why, sizeof(rb->why), "sweep record: a "
				"pending target is not an address");
			goto out;
		}
		w->npending++;
	}
	rc = 1;
out:
	if (rc < 0)
		sweep_record_clear(w);
	json_object_put(root);
	return rc;
}

/* A header record: {"providers_left_out":[{"provider":P,"why":W},...]}.
 * Returns 1 when line is one (its providers added), 0 when it is not, -1
 * when it is one but malformed or out of memory (rb->err set). */
static int header(struct readback *rb, const char *line, size_t len)
{
	json_object *arr;
	bool is;
	json_object *o = record_of(line, len, "providers_left_out",
		json_type_array, &arr, &is);
	if (!is)
		return 0;
	int rc = -1;
	if (!o) {
		snprintf(rb->why, sizeof(rb->why), "not a header record");
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i), *p, *w;
		if (!json_object_object_get_ex(e, "provider", &p) ||
		    !json_object_is_type(p, json_type_string) ||
		    !json_object_object_get_ex(e, "why", &w) ||
		    !json_object_is_type(w, json_type_string)) {
			snprintf(rb->why, sizeof(rb->why), "header record: a "
				"provider without its name or why");
			goto out;
		}
		if (left_out_add(&rb->left, json_object_get_string(p),
		    json_object_get_string(w)) < 0) {
			snprintf(rb->why, sizeof(rb->why), "out of memory");
			goto out;
		}
	}
	rc = 1;
out:
	json_object_put(o);
	return rc;
}

/* A string of a record read from a file, escaped in place when it holds
 * what a terminal must not see (the summary prints these): a hand-made or
 * damaged file is outside text like any other.  Returns 0 or -1. */
static int tame(char **s)
{
	size_t n = *s ? strlen(*s) : 0;
	if (!n || !escape_needed(*s, n))
		return 0;
	char *e = malloc(4 * n + 1);
	if (!e)
		return -1;
	escape_str(e, 4 * n + 1, *s, n, ESCAPE_DNS);
	free(*s);
	*s = e;
	return 0;
}

static int tame_record(struct summary_record *r)
{
	for (size_t i = 0; i < r->nqueries; i++) {
		struct summary_query *q = &r->queries[i];
		if (tame(&q->provider) < 0)
			return -1;
		for (size_t k = 0; k < q->ninvalid; k++)
			if (tame(&q->invalid[k]) < 0)
				return -1;
	}
	char res[sizeof(r->resolver)];
	escape_str(res, sizeof(res), r->resolver, strlen(r->resolver),
		ESCAPE_DNS);
	memcpy(r->resolver, res, sizeof(res));
	escape_str(res, sizeof(res), r->answered_by, strlen(r->answered_by),
		ESCAPE_DNS);
	memcpy(r->answered_by, res, sizeof(res));
	return 0;
}

/* A line that is not a scan result: the reason (rb->why) is set; rb->err
 * gets "name:LINE: reason". */
static enum readback_status bad(struct readback *rb)
{
	snprintf(rb->err, sizeof(rb->err), "%s:%lu: %s", rb->lr.name,
		rb->lr.lineno, rb->why);
	return READBACK_BAD;
}

enum readback_status readback_next(struct readback *rb)
{
	for (;;) {
		enum lineread_status ls = lineread_next(&rb->lr);
		const char *name = rb->lr.name;
		unsigned long no = rb->lr.lineno;
		if (ls == LINEREAD_EOF)
			return READBACK_EOF;
		if (ls == LINEREAD_ERROR) {
			snprintf(rb->err, sizeof(rb->err), "%s", rb->lr.err);
			return READBACK_ERROR;
		}
		if (!rb->lr.newline && !rb->lenient) {
			rb->torn = rb->lr.offset - rb->good_len;
			return READBACK_TORN;
		}
		if (rb->lr.newline)
			rb->good_len = rb->lr.offset;
		if (ls == LINEREAD_LONG) {
			snprintf(rb->why, sizeof(rb->why), "line longer than "
				"%zu bytes", rb->lr.max);
			return bad(rb);
		}
		char *line = rb->lr.line;
		size_t len = rb->lr.len;
		while (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (rb->lenient && strspn(line, " \t") == len)
			continue;
		if (!rb->seen && rb->divert && rb->divert(line, len))
			rb->diverted = true;
		rb->seen = true;
		if (rb->diverted)
			return READBACK_OTHER;
		if (no == 1 && !strncmp(line, "resolver,", 9)) {
			snprintf(rb->err, sizeof(rb->err), "%s:1: a CSV file: "
				"only the JSON Lines of scan (--format json) "
				"are read back", name);
			return READBACK_ERROR;
		}
		int h = header(rb, line, len);
		if (h > 0)
			return READBACK_HEADER;
		if (h < 0)
			return bad(rb);
		h = sweep(rb, line, len);
		if (h > 0)
			return READBACK_SWEEP;
		if (h < 0)
			return bad(rb);
		h = follow(rb, line, len);
		if (h > 0)
			return READBACK_FOLLOW;
		if (h < 0)
			return bad(rb);
		char why[256];
		if (summary_record_from_json(&rb->rec, line, len, why,
		    sizeof(why)) < 0) {
			char shown[200];
			escape_str(shown, sizeof(shown), why, strlen(why),
				ESCAPE_DNS);
			snprintf(rb->why, sizeof(rb->why), "%s", shown);
			return bad(rb);
		}
		if (tame_record(&rb->rec) < 0) {
			summary_record_clear(&rb->rec);
			snprintf(rb->err, sizeof(rb->err), "%s:%lu: out of "
				"memory", name, no);
			return READBACK_ERROR;
		}
		return READBACK_RECORD;
	}
}

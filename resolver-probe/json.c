/* json.c: the capped JSON writer (see json.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "resolver-probe/json.h"

void json_init(struct json *j, size_t max)
{
	memset(j, 0, sizeof(*j));
	j->max = max;
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->depth = 0;
	j->err = 0;
	j->comma[0] = false;
	if (j->buf)
		j->buf[0] = 0;
}

void json_clear(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->err)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->len + n + 1)
			cap *= 2;
		if (j->max && cap > j->max)
			cap = j->max;
		if (j->len + n + 1 > cap) {
			j->err = -1;
			return;
		}
		char *b = realloc(j->buf, cap);
		if (!b) {
			j->err = -1;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void quoted(struct json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	put(j, "\"", 1);
	for (; *p; p++) {
		char esc[7];
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			continue;
		/* Plain bytes go out as one run; escapes one at a time. */
		put(j, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(j, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			put(j, esc, 6);
		}
	}
	put(j, (const char *)run, (size_t)(p - run));
	put(j, "\"", 1);
}

/* Separator and key before a value. */
static void prefix(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		put(j, ",", 1);
	j->comma[j->depth] = true;
	if (key) {
		quoted(j, key);
		put(j, ":", 1);
	}
}

static void open_(struct json *j, const char *key, const char *brace)
{
	prefix(j, key);
	puts_(j, brace);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->err = -1;
		return;
	}
	j->depth++;
	j->comma[j->depth] = false;
}

static void close_(struct json *j, const char *brace)
{
	if (j->depth == 0) {
		j->err = -1;
		return;
	}
	j->depth--;
	puts_(j, brace);
}

void json_obj_open(struct json *j, const char *key) { open_(j, key, "{"); }
void json_obj_close(struct json *j) { close_(j, "}"); }
void json_arr_open(struct json *j, const char *key) { open_(j, key, "["); }
void json_arr_close(struct json *j) { close_(j, "]"); }

void json_str(struct json *j, const char *key, const char *val)
{
	prefix(j, key);
	if (val)
		quoted(j, val);
	else
		puts_(j, "null");
}

void json_int(struct json *j, const char *key, long long val)
{
	char b[32];
	prefix(j, key);
	snprintf(b, sizeof(b), "%lld", val);
	puts_(j, b);
}

void json_double(struct json *j, const char *key, double val)
{
	char b[64];
	prefix(j, key);
	if (!isfinite(val)) {
		puts_(j, "null");
		return;
	}
	snprintf(b, sizeof(b), "%.3f", val);
	puts_(j, b);
}

void json_bool(struct json *j, const char *key, bool val)
{
	prefix(j, key);
	puts_(j, val ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	prefix(j, key);
	puts_(j, "null");
}

void json_rr_list(struct json *j, const char *key, const ldns_rr_list *l)
{
	json_arr_open(j, key);
	for (size_t i = 0; i < ldns_rr_list_rr_count(l) && !j->err; i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		if (!s) {
			j->err = -1;
			break;
		}
		size_t n = strlen(s);
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
			s[--n] = '\0';
		/* ldns separates fields with tabs (rdata has its own escapes):
		 * spaces read better than \u0009 in JSON. */
		for (char *t = s; (t = strchr(t, '\t')); )
			*t = ' ';
		json_str(j, NULL, s);
		free(s);
	}
	json_arr_close(j);
}

int json_write_line(struct json *j, FILE *f)
{
	if (j->err || j->depth != 0 || !j->buf)
		return -1;
	put(j, "\n", 1);
	if (j->err)
		return -1;
	if (fwrite(j->buf, 1, j->len, f) != j->len)
		return -1;
	return 0;
}

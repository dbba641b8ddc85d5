/* json.c: the capped JSON writer (see json.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "common/json.h"
#include "common/rrtext.h"

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
	if (j->rr)
		ldns_buffer_free(j->rr);
	memset(j, 0, sizeof(*j));
}

/* Grow the buffer for n more bytes and the NUL; 0, or -1 (err set). */
static int grow(struct json *j, size_t n)
{
	size_t cap = j->cap ? j->cap : 256;
	while (cap < j->len + n + 1)
		cap *= 2;
	if (j->max && cap > j->max)
		cap = j->max;
	if (j->len + n + 1 > cap) {
		j->err = -1;
		return -1;
	}
	char *b = realloc(j->buf, cap);
	if (!b) {
		j->err = -1;
		return -1;
	}
	j->buf = b;
	j->cap = cap;
	return 0;
}

/* Every byte goes through here: the common case is one compare and a
 * copy (a scan writes hundreds of megabytes of JSON). */
static inline void put(struct json *j, const char *s, size_t n)
{
	if (j->err || (j->len + n + 1 > j->cap && grow(j, n) < 0))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void quoted(struct json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p,
		*end = p + n;
	put(j, "\"", 1);
	for (; p < end; p++) {
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

/* Separator and key before a value.  Keys are the program's own names
 * (json.h), written as they are. */
static void prefix(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		put(j, ",", 1);
	j->comma[j->depth] = true;
	if (key) {
		put(j, "\"", 1);
		put(j, key, strlen(key));
		put(j, "\":", 2);
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
		quoted(j, val, strlen(val));
	else
		puts_(j, "null");
}

/* Decimal digits of v, right-aligned ending at end; returns the start. */
static char *digits(char *end, unsigned long long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void json_int(struct json *j, const char *key, long long val)
{
	char b[24], *end = b + sizeof(b), *p;
	prefix(j, key);
	/* Negate in unsigned arithmetic: -LLONG_MIN overflows a long long. */
	p = digits(end, val < 0 ? 0ull - (unsigned long long)val :
		(unsigned long long)val);
	if (val < 0)
		*--p = '-';
	put(j, p, (size_t)(end - p));
}

void json_double(struct json *j, const char *key, double val)
{
	char b[64];
	prefix(j, key);
	if (!isfinite(val)) {
		puts_(j, "null");
		return;
	}
	/* Three decimals without printf for the common range (timings): the
	 * rounding of an exact half may differ from printf's, nothing else. */
	if (fabs(val) < 1e15) {
		long long m = llround(fabs(val) * 1000);
		char *end = b + sizeof(b), *p;
		p = digits(end, (unsigned long long)(m % 1000) + 1000);
		*p = '.';	/* over the leading 1 of 1xyz */
		p = digits(p, (unsigned long long)(m / 1000));
		if (val < 0 && m)
			*--p = '-';
		put(j, p, (size_t)(end - p));
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
	if (!j->rr && ldns_rr_list_rr_count(l) &&
	    !(j->rr = ldns_buffer_new(RRTEXT_FAST_MAX)))
		j->err = -1;
	for (size_t i = 0; i < ldns_rr_list_rr_count(l) && !j->err; i++) {
		if (rrtext(j->rr, ldns_rr_list_rr(l, i)) < 0) {
			j->err = -1;
			break;
		}
		prefix(j, NULL);
		quoted(j, (const char *)ldns_buffer_begin(j->rr),
			ldns_buffer_position(j->rr));
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

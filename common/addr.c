/* addr.c: addresses, prefixes and the IANA special-purpose registries.
 * Pure: parses text the caller read; no I/O. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "common/escape.h"
#include "common/addr.h"
#include "common/lineread.h"

static unsigned family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static unsigned family_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

int prefix_parse(const char *text, struct prefix *p, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t n = text ? strlen(text) : 0;
	memset(p, 0, sizeof(*p));
	char shown[96];	/* input echoed in a message: escaped, capped */
	escape_str(shown, sizeof(shown), text ? text : "", n, ESCAPE_DNS);
	if (n == 0 || n >= sizeof(buf)) {
		snprintf(err, errlen, "not an address: \"%s\"", shown);
		return -1;
	}
	memcpy(buf, text, n + 1);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, p->addr) == 1)
		p->family = AF_INET6;
	else {
		snprintf(err, errlen, "not an address: \"%s\"", shown);
		return -1;
	}
	unsigned max = family_bits(p->family);
	p->len = max;
	if (slash) {
		const char *s = slash + 1;
		char *end;
		errno = 0;
		long len = strtol(s, &end, 10);
		if (*s < '0' || *s > '9' || *end != '\0' || errno ||
		    len < 0 || (unsigned long)len > max) {
			snprintf(err, errlen, "bad prefix length: \"%s\"", shown);
			return -1;
		}
		p->len = (unsigned)len;
	}
	for (unsigned bit = p->len; bit < max; bit++) {
		if (p->addr[bit / 8] & (0x80 >> (bit % 8))) {
			snprintf(err, errlen,
				"host bits set beyond /%u: \"%s\"", p->len, shown);
			return -1;
		}
	}
	return 0;
}

bool addr_same(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr,
		a->family == AF_INET6 ? 16 : 4);
}

bool prefix_contains(const struct prefix *p, const struct prefix *a)
{
	if (p->family != a->family || a->len < p->len)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr, a->addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((p->addr[full] & mask) != (a->addr[full] & mask))
			return false;
	}
	return true;
}

char *addr_ipv4_str(const uint8_t a[4], char *out)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
	return out - 1;
}

char *prefix_str(const struct prefix *p, char *buf, size_t buflen)
{
	char a[INET6_ADDRSTRLEN];
	if (buflen == 0)
		return buf;
	if (p->family == AF_INET && p->len == 32 && buflen >= 16) {
		addr_ipv4_str(p->addr, buf);
		return buf;
	}
	if (p->family != AF_INET && p->family != AF_INET6) {
		snprintf(buf, buflen, "?");
		return buf;
	}
	inet_ntop(p->family, p->addr, a, sizeof(a));
	if (p->len == family_bits(p->family))
		snprintf(buf, buflen, "%s", a);
	else
		snprintf(buf, buflen, "%s/%u", a, p->len);
	return buf;
}

int addr_bitdistance(const struct prefix *a, const struct prefix *b)
{
	if (a->family != b->family)
		return -1;
	int d = 0;
	for (unsigned i = 0; i < family_bytes(a->family); i++)
		d += __builtin_popcount((unsigned)(a->addr[i] ^ b->addr[i]));
	return d;
}

/* --- the registry CSV ------------------------------------------------ */

/* Split one CSV record (RFC 4180 quoting, as IANA publishes it) into at
 * most max fields, unquoting in place.  Returns the field count, or -1 on
 * an unterminated quote. */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line;
	for (;;) {
		char *w = r, *start = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1;
				if (*r == '"') {
					if (r[1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r++;
			}
			/* Text after the closing quote up to the comma is kept
			 * (IANA never does this, but a hand edit might). */
			while (*r && *r != ',')
				*w++ = *r++;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		char sep = *r;
		*w = '\0';
		if (n < max)
			fields[n] = start;
		n++;
		if (sep != ',')
			break;
		r++;
	}
	return n;
}

/* Trim leading and trailing blanks in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* The registry marks some booleans with footnotes ("False [1]") and leaves
 * terminated rows empty or "N/A": only a leading False means false.  An
 * unknown reachability is read as reachable so that nothing is called
 * private on a guess. */
static bool reachable_value(const char *s)
{
	while (*s == ' ')
		s++;
	return strncasecmp(s, "false", 5) != 0;
}

static int registry_add(struct special_registry *reg, const struct prefix *p,
	const char *name, bool reachable)
{
	struct special_range *r = realloc(reg->ranges,
		(reg->n + 1) * sizeof(*r));
	if (!r)
		return -1;
	reg->ranges = r;
	r[reg->n].prefix = *p;
	r[reg->n].name = strdup(name);
	if (!r[reg->n].name)
		return -1;
	r[reg->n].globally_reachable = reachable;
	reg->n++;
	return 0;
}

#define REG_COLS 10

/* One record: the Address Block cell may hold several blocks separated by
 * commas ("192.0.0.170/32, 192.0.0.171/32") and a footnote ("[2]"). */
static int registry_line(struct special_registry *reg, char *line,
	const char *file, size_t lineno, char *err, size_t errlen)
{
	char *f[REG_COLS];
	int n = csv_split(line, f, REG_COLS);
	if (n < 0) {
		snprintf(err, errlen, "%s:%zu: unterminated quote", file, lineno);
		return -1;
	}
	if (n < 9) {
		snprintf(err, errlen, "%s:%zu: %d columns, expected 10",
			file, lineno, n);
		return -1;
	}
	char *block = f[0];
	if (!strcasecmp(trim(block), "Address Block"))
		return 0;	/* the header row */
	bool reachable = reachable_value(f[8]);
	char *name = trim(f[1]);
	char *save = NULL;
	int added = 0;
	for (char *tok = strtok_r(block, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *br = strchr(tok, '[');
		if (br)
			*br = '\0';
		tok = trim(tok);
		if (*tok == '\0')
			continue;
		struct prefix p;
		char why[128];
		if (prefix_parse(tok, &p, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%zu: %s", file, lineno, why);
			return -1;
		}
		if (registry_add(reg, &p, name, reachable) < 0) {
			snprintf(err, errlen, "%s:%zu: out of memory",
				file, lineno);
			return -1;
		}
		added++;
	}
	if (!added) {
		snprintf(err, errlen, "%s:%zu: no address block", file, lineno);
		return -1;
	}
	return 0;
}

int special_registry_parse(struct special_registry *reg, const char *text,
	size_t len, const char *file, char *err, size_t errlen)
{
	struct lineread lr;
	enum lineread_status ls;
	char rec[LINEREAD_TEXT_MAX + 1];
	size_t n = 0;
	unsigned long first = 0;
	bool quoted = false, comment = false;
	int rc = 0;
	if (!file)
		file = "registry";
	lineread_mem(&lr, text, len, file, LINEREAD_TEXT_MAX);
	while (rc == 0 && (ls = lineread_next(&lr)) == LINEREAD_LINE) {
		if (lr.len != strlen(lr.line)) {
			snprintf(err, errlen, "%s:%lu: NUL byte in line",
				file, lr.lineno);
			rc = -1;
			break;
		}
		/* A record ends at a newline outside quotes: IANA's own file
		 * has quoted cells spanning lines ("[RFC8190]\n[RFC919]"). */
		if (!quoted) {
			n = 0;
			first = lr.lineno;
			comment = lr.line[strspn(lr.line, " \t")] == '#';
		} else {
			rec[n++] = '\n';
		}
		if (n + lr.len > LINEREAD_TEXT_MAX) {
			snprintf(err, errlen, "%s:%lu: record longer than %u "
				"bytes", file, first, LINEREAD_TEXT_MAX);
			rc = -1;
			break;
		}
		memcpy(rec + n, lr.line, lr.len);
		for (size_t i = 0; i < lr.len && !comment; i++)
			if (lr.line[i] == '"')
				quoted = !quoted;
		n += lr.len;
		rec[n] = '\0';
		if (quoted && lr.newline)
			continue;
		quoted = false;
		char *t = trim(rec);
		if (*t != '\0' && *t != '#')
			rc = registry_line(reg, t, file, first, err, errlen);
	}
	if (rc == 0 && (ls == LINEREAD_LONG || ls == LINEREAD_ERROR)) {
		snprintf(err, errlen, "%s", lr.err);
		rc = -1;
	}
	/* A quote still open at the end: the record is what there is. */
	if (rc == 0 && quoted) {
		char *t = trim(rec);
		if (*t != '\0' && *t != '#')
			rc = registry_line(reg, t, file, first, err, errlen);
	}
	lineread_free(&lr);
	return rc;
}

const struct special_range *special_registry_find(
	const struct special_registry *reg, const struct prefix *a)
{
	const struct special_range *best = NULL;
	if (!reg)
		return NULL;
	for (size_t i = 0; i < reg->n; i++) {
		const struct special_range *r = &reg->ranges[i];
		if (prefix_contains(&r->prefix, a) &&
		    (!best || r->prefix.len > best->prefix.len))
			best = r;
	}
	return best;
}

void special_registry_clear(struct special_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n; i++)
		free(reg->ranges[i].name);
	free(reg->ranges);
	reg->ranges = NULL;
	reg->n = 0;
}

/* blocklist.c: zmap-style blocklist files (see blocklist.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include "common/datafile.h"
#include "scan/blocklist.h"

const char *blocklist_default_path(void)
{
	static char path[4096];
	return data_path("blocklist", path, sizeof(path));
}

void blocklist_init(struct blocklist *bl)
{
	memset(bl, 0, sizeof(*bl));
}

void blocklist_clear(struct blocklist *bl)
{
	for (size_t i = 0; i < bl->n; i++)
		free(bl->v[i].why);
	free(bl->v);
	memset(bl, 0, sizeof(*bl));
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One line (NUL-terminated, writable). */
static int parse_line(struct blocklist *bl, char *line, char *err,
	size_t errlen)
{
	char *why = NULL;
	char *hash = strchr(line, '#');
	if (hash) {
		*hash = '\0';
		why = trim(hash + 1);
	}
	char *s = trim(line);
	if (*s == '\0')
		return 0;
	struct prefix p;
	if (prefix_parse(s, &p, err, errlen) < 0)
		return -1;
	if (bl->n == bl->cap) {
		size_t cap = bl->cap ? bl->cap * 2 : 32;
		struct blocklist_entry *v = realloc(bl->v, cap * sizeof(*v));
		if (!v)
			goto oom;
		bl->v = v;
		bl->cap = cap;
	}
	bl->v[bl->n].prefix = p;
	bl->v[bl->n].why = NULL;
	if (why && *why && !(bl->v[bl->n].why = strdup(why)))
		goto oom;
	bl->n++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int blocklist_parse(struct blocklist *bl, const char *text, size_t len,
	const char *file, char *err, size_t errlen)
{
	char line[1024];
	unsigned long lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%lu: line too long", file,
				lineno);
			return -1;
		}
		if (memchr(text + pos, '\0', n)) {
			snprintf(err, errlen, "%s:%lu: NUL byte in line", file,
				lineno);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		char why[256];
		if (parse_line(bl, line, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%lu: %s", file, lineno, why);
			return -1;
		}
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

int blocklist_load(struct blocklist *bl, const char *path, char *err,
	size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A blocklist is small: read it whole (capped), then parse. */
	size_t cap = 1 << 16, len = 0, max = 64u << 20;
	char *buf = malloc(cap);
	int rc = -1;
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				snprintf(err, errlen, "%s: larger than %zu MB",
					path, max >> 20);
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = blocklist_parse(bl, buf, len, path, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

const struct blocklist_entry *blocklist_find(const struct blocklist *bl,
	const struct prefix *a)
{
	for (size_t i = 0; i < bl->n; i++)
		if (prefix_contains(&bl->v[i].prefix, a))
			return &bl->v[i];
	return NULL;
}

/* blocklist.c: zmap-style blocklist files (see blocklist.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include "common/datafile.h"
#include "scan/blocklist.h"
#include "common/lineread.h"

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
	struct lineread lr;
	enum lineread_status ls;
	int rc = 0;
	lineread_mem(&lr, text, len, file, LINEREAD_TEXT_MAX);
	while ((ls = lineread_next(&lr)) == LINEREAD_LINE) {
		if (lr.len != strlen(lr.line)) {
			snprintf(err, errlen, "%s:%lu: NUL byte in line", file,
				lr.lineno);
			rc = -1;
			break;
		}
		char why[256];
		if (parse_line(bl, lr.line, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%lu: %s", file, lr.lineno, why);
			rc = -1;
			break;
		}
	}
	if (ls == LINEREAD_LONG || ls == LINEREAD_ERROR) {
		snprintf(err, errlen, "%s", lr.err);
		rc = -1;
	}
	lineread_free(&lr);
	return rc;
}

/* A blocklist is small: read it whole (capped), then parse. */
#define BLOCKLIST_FILE_MAX (64u << 20)

int blocklist_load(struct blocklist *bl, const char *path, char *err,
	size_t errlen)
{
	char *text;
	size_t len;
	if (datafile_read(path, BLOCKLIST_FILE_MAX, &text, &len, err,
	    errlen) < 0)
		return -1;
	int rc = blocklist_parse(bl, text, len, path, err, errlen);
	free(text);
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

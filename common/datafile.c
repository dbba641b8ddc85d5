/* datafile.c: where data/ files are, reading a whole one with a cap, and
 * the IANA registries' loaders. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "common/datafile.h"

int datafile_read(const char *path, size_t max, char **out,
	size_t *len, char *err, size_t errlen)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				snprintf(err, errlen, "%s: larger than %zu bytes",
					path, max);
				goto fail;
			}
			size_t ncap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				snprintf(err, errlen, "%s: read error: %s", path,
					strerror(errno));
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

int special_registry_load(struct special_registry *reg, const char *path,
	char *err, size_t errlen)
{
	char *text;
	size_t len;
	if (datafile_read(path, DATAFILE_MAX, &text, &len, err,
	    errlen) < 0)
		return -1;
	int rc = special_registry_parse(reg, text, len, path, err, errlen);
	free(text);
	return rc;
}

const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("RESOLVER_PROBE_DATADIR");
	snprintf(buf, len, "%s/%s", dir && *dir ? dir : PKGDATADIR, name);
	return buf;
}

int special_registry_load_default(struct special_registry *reg, char *err,
	size_t errlen)
{
	static const char *const files[] = { "iana-ipv4-special-registry.csv",
		"iana-ipv6-special-registry.csv" };
	char path[4096];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (special_registry_load(reg, data_path(files[i], path,
		    sizeof(path)), err, errlen) < 0)
			return -1;
	return 0;
}

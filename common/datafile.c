/* datafile.c: where data/ files are, reading a whole one with a cap, and
 * the IANA registries' loaders. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>
#include "common/datafile.h"

int datafile_read(const char *path, size_t max, char **out,
	size_t *len, char *err, size_t errlen)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		datafile_open_error(path, errno, err, errlen);
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

/* Append dir + sub + "/" + name to the places unless it is there. */
static void place_add(struct datafile_places *p, const char *dir,
	const char *sub, const char *name, const char *why)
{
	if (p->n >= DATAFILE_MAX_PLACES)
		return;
	char *out = p->path[p->n];
	int w = snprintf(out, DATAFILE_PATH_MAX, "%s%s/%s", dir, sub, name);
	if (w < 0 || (size_t)w >= DATAFILE_PATH_MAX)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->path[i], out))
			return;
	p->why[p->n++] = why;
}

void datafile_places(const char *name, const char *env, const char *exe,
	const char *pkgdatadir, struct datafile_places *p)
{
	p->n = 0;
	if (env && *env) {
		place_add(p, env, "", name, "RESOLVER_PROBE_DATADIR");
		return;
	}
	/* exe's folder and that folder's parent, cut out of exe itself (no
	 * "..": a place reads the same as the installed one it may be). */
	char dir[DATAFILE_PATH_MAX];
	const char *slash;
	if (exe && *exe == '/' && (slash = strrchr(exe, '/')) != exe &&
	    (size_t)(slash - exe) < sizeof(dir)) {
		memcpy(dir, exe, (size_t)(slash - exe));
		dir[slash - exe] = '\0';
		char *up = strrchr(dir, '/');
		const char *base = up + 1;
		bool built = !strcmp(base, "resolver-probe");
		*up = '\0';		/* dir is now the parent ("" for /) */
		if (built)
			place_add(p, dir, "/data", name, "build tree");
		/* Beside the program is where make install put it when the
		 * program is in its bindir: then it is named as that. */
		size_t n = strlen(dir);
		if (strncmp(pkgdatadir, dir, n) ||
		    strcmp(pkgdatadir + n, "/share/" PACKAGE))
			place_add(p, dir, "/share/" PACKAGE, name,
				"beside the program");
	}
	place_add(p, pkgdatadir, "", name, "installed");
}

/* The running program's own path, or NULL. */
static const char *self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0 || (size_t)n >= len - 1)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* The places of the data file NAME for this program. */
static void places_here(const char *name, struct datafile_places *p)
{
	char exe[DATAFILE_PATH_MAX];
	datafile_places(name, getenv("RESOLVER_PROBE_DATADIR"),
		self_exe(exe, sizeof(exe)), PKGDATADIR, p);
}

const char *data_path(const char *name, char *buf, size_t len)
{
	struct datafile_places *p = malloc(sizeof(*p));
	if (!p) {
		snprintf(buf, len, "%s/%s", PKGDATADIR, name);
		return buf;
	}
	places_here(name, p);
	size_t i = 0;
	while (i + 1 < p->n && access(p->path[i], F_OK) != 0)
		i++;
	snprintf(buf, len, "%s", p->n ? p->path[i] : name);
	free(p);
	return buf;
}

/* The option that names each data file instead (NULL: none). */
static const char *option_for(const char *name)
{
	static const char *const opts[][2] = {
		{ "providers", "--providers FILE" },
		{ "root.hints", "--root-hints FILE" },
		{ "root.key", "--trust-anchor FILE" },
		{ "blocklist", "scan --blocklist FILE" },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(name, opts[i][0]))
			return opts[i][1];
	return NULL;
}

void datafile_open_error(const char *path, int errnum, char *err,
	size_t errlen)
{
	snprintf(err, errlen, "%s: %s", path, strerror(errnum));
	if (errnum != ENOENT)
		return;
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	struct datafile_places *p = malloc(sizeof(*p));
	if (!p)
		return;
	places_here(name, p);
	bool ours = false;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->path[i], path))
			ours = true;
	if (ours) {
		size_t n = (size_t)snprintf(err, errlen,
			"the data file %s is in none of the places looked at:",
			name);
		for (size_t i = 0; i < p->n && n < errlen; i++)
			n += (size_t)snprintf(err + n, errlen - n, "%s %s (%s)",
				i ? "," : "", p->path[i], p->why[i]);
		const char *opt = option_for(name);
		if (n < errlen)
			snprintf(err + n, errlen - n, "; %s%s%sset "
				"RESOLVER_PROBE_DATADIR to a folder that has it",
				opt ? "name the file with " : "",
				opt ? opt : "", opt ? ", or " : "");
	}
	free(p);
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

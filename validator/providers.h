/* providers.h: the providers file (data/README.md format) and the loaders
 * that read data/ files from disk.  providers_parse and the registry parser
 * are pure; the _load functions only read a whole file and parse it. */
#ifndef VALIDATOR_PROVIDERS_H
#define VALIDATOR_PROVIDERS_H
#include <stddef.h>
#include "validator/truth.h"
#include "validator/addr.h"

/** Parse a providers file held in text (len bytes) into t: appends to
 * t->providers (each usable, no why_unusable, domain lowercase FQDN with
 * trailing dot), and sets t->control_name/control_type and t->nxdomain_zone
 * from `control` and `nxdomain` lines (a later line replaces an earlier
 * one).  file names the source in messages.  Returns 0, or -1 with
 * "file:line: reason" in err; on error t may hold the providers parsed so
 * far (truth_free releases them). */
int providers_parse(struct truth *t, const char *text, size_t len,
	const char *file, char *err, size_t errlen);

/** Read the providers file at path and parse it with providers_parse.
 * Returns 0, or -1 with "path: reason" or "path:line: reason" in err. */
int providers_load(struct truth *t, const char *path, char *err,
	size_t errlen);

/** Read an IANA special-purpose registry CSV at path and append its rows
 * to *reg (see special_registry_parse).  Returns 0, or -1 with a message in
 * err.  Free with special_registry_clear. */
int special_registry_load(struct special_registry *reg, const char *path,
	char *err, size_t errlen);

/** Read a whole file (at most max bytes) into a new NUL-terminated buffer
 * *out of *len bytes; the caller frees *out.  Returns 0, or -1 with
 * "path: reason" in err. */
int providers_read_file(const char *path, size_t max, char **out,
	size_t *len, char *err, size_t errlen);

/** The path of the data file NAME: in $RESOLVER_PROBE_DATADIR when that is
 * set (runs from the build tree, the lab), else in the installed data
 * folder PKGDATADIR.  Written into buf (len bytes); returns buf. */
const char *data_path(const char *name, char *buf, size_t len);

/** Load both IANA special-purpose registries (IPv4 and IPv6) from the data
 * folder into *reg.  Returns 0, or -1 with "path:line: reason" in err. */
int special_registry_load_default(struct special_registry *reg, char *err,
	size_t errlen);

#endif

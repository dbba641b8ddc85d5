/* datafile.h: the data/ files (providers, registries, root hints, trust
 * anchor, blocklist): where they are, and reading a whole one with a cap. */
#ifndef COMMON_DATAFILE_H
#define COMMON_DATAFILE_H
#include <stddef.h>
#include "common/addr.h"

/* Data files are small; a cap keeps a wrong path (a device, a huge log)
 * from eating memory. */
#define DATAFILE_MAX (4u << 20)

/** Read a whole file (at most max bytes) into a new NUL-terminated buffer
 * *out of *len bytes; the caller frees *out.  Returns 0, or -1 with
 * "path: reason" in err. */
int datafile_read(const char *path, size_t max, char **out, size_t *len,
	char *err, size_t errlen);

/** The path of the data file NAME: in $RESOLVER_PROBE_DATADIR when that is
 * set (runs from the build tree, the lab), else in the installed data
 * folder PKGDATADIR.  Written into buf (len bytes); returns buf. */
const char *data_path(const char *name, char *buf, size_t len);

/** Read an IANA special-purpose registry CSV at path and append its rows
 * to *reg (see special_registry_parse).  Returns 0, or -1 with a message in
 * err.  Free with special_registry_clear. */
int special_registry_load(struct special_registry *reg, const char *path,
	char *err, size_t errlen);

/** Load both IANA special-purpose registries (IPv4 and IPv6) from the data
 * folder into *reg.  Returns 0, or -1 with "path:line: reason" in err. */
int special_registry_load_default(struct special_registry *reg, char *err,
	size_t errlen);

#endif

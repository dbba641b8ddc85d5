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

/* Where a data file is looked for.  Each place is a full path. */
#define DATAFILE_MAX_PLACES 3
#define DATAFILE_PATH_MAX 4096
struct datafile_places {
	size_t n;
	char path[DATAFILE_MAX_PLACES][DATAFILE_PATH_MAX];
	const char *why[DATAFILE_MAX_PLACES];	/* static: where it comes from */
};

/** The places, first first, where the data file NAME is looked for:
 *  - env/NAME alone when env ($RESOLVER_PROBE_DATADIR) is set and not
 *    empty;
 *  - otherwise, when exe (the program's absolute path, from
 *    /proc/self/exe; NULL when unknown) is in a folder named
 *    resolver-probe, as the program is built (TOP/resolver-probe/
 *    resolver-probe), TOP/data/NAME: the build tree's data (a build
 *    outside the source tree links its data/ to the source's);
 *  - the program folder's ../share/resolver-probe/NAME: an installed tree
 *    unpacked or moved elsewhere (dpkg -x, DESTDIR);
 *  - pkgdatadir/NAME, where make install put it.
 * A place already listed is not repeated.  Pure: it reads no file. */
void datafile_places(const char *name, const char *env, const char *exe,
	const char *pkgdatadir, struct datafile_places *p);

/** The path of the data file NAME: the first of datafile_places (with
 * $RESOLVER_PROBE_DATADIR, /proc/self/exe and PKGDATADIR) that exists, or
 * the last place when none does (opening it then fails, and
 * datafile_open_error says where it looked).  Written into buf (len
 * bytes); returns buf. */
const char *data_path(const char *name, char *buf, size_t len);

/** The message for a data file path that could not be opened (errnum, an
 * errno value): "path: reason", or, when path is a default data_path gave
 * and the file is in none of its places, a message naming every place
 * looked at and how to point elsewhere (the option naming the file, or
 * RESOLVER_PROBE_DATADIR).  Written into err. */
void datafile_open_error(const char *path, int errnum, char *err,
	size_t errlen);

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

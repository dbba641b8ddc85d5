/* blocklist.h: address ranges a scan never probes, in zmap's blocklist
 * format: one CIDR prefix or address a line (IPv4 or IPv6), '#' starts a
 * comment (data/blocklist names the RFC of each range).  data/blocklist is
 * used by default; --blocklist FILE replaces it.  Pure apart from
 * blocklist_load, which reads a file. */
#ifndef SCAN_BLOCKLIST_H
#define SCAN_BLOCKLIST_H
#include <stddef.h>
#include <stdbool.h>
#include "common/addr.h"

/** One blocked prefix, with the comment on its line (for messages). */
struct blocklist_entry {
	struct prefix prefix;
	char *why;		/* the line's comment, owned, NULL if none */
};

/** A blocklist.  Lives in the caller's struct; zero it (or
 * blocklist_init) before use, blocklist_clear after. */
struct blocklist {
	struct blocklist_entry *v;	/* owned, in file order */
	size_t n, cap;
};

/** The default blocklist file, data/blocklist where data_path finds it
 * ($RESOLVER_PROBE_DATADIR, the build tree, the installed folder).
 * Returns a static string. */
const char *blocklist_default_path(void);

/** Make *bl empty. */
void blocklist_init(struct blocklist *bl);

/** Parse text (len bytes; need not be NUL-terminated) and append its
 * prefixes to *bl.  file names the source in messages.  Unlike targets,
 * a bad line is always fatal (a half-read blocklist would probe what it
 * should skip): -1 with "file:line: reason" in err.  Returns 0. */
int blocklist_parse(struct blocklist *bl, const char *text, size_t len,
	const char *file, char *err, size_t errlen);

/** Read the file at path and blocklist_parse it.  Returns 0, or -1 with
 * "path: reason" or "path:line: reason" in err. */
int blocklist_load(struct blocklist *bl, const char *path, char *err,
	size_t errlen);

/** The first entry that contains address a (full length), or NULL.
 * Linear: for messages and tests; targets_finalize subtracts ranges. */
const struct blocklist_entry *blocklist_find(const struct blocklist *bl,
	const struct prefix *a);

/** Free what *bl owns (not bl itself); it is empty afterwards. */
void blocklist_clear(struct blocklist *bl);

#endif

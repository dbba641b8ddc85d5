/* addr.h: IP addresses and prefixes, and the special-purpose address
 * registries (IANA IPv4/IPv6 special-purpose registries, data/ copies).
 * Pure: no I/O beyond parsing a text buffer the caller read. */
#ifndef COMMON_ADDR_H
#define COMMON_ADDR_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** An address (len = 32 or 128) or a prefix (len <= 32 or 128). */
struct prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; host bits zero for a prefix */
	unsigned len;		/* prefix length in bits */
};

/** Parse "192.0.2.1", "2001:db8::/32" or "10.0.0.0/8" into *p.  A bare
 * address gets the full length.  Host bits set beyond the prefix length are
 * an error (as zmap's blocklist treats them).  Returns 0, or -1 with a short
 * reason in err (errlen bytes). */
int prefix_parse(const char *text, struct prefix *p, char *err, size_t errlen);

/** Is address a (full length) inside prefix p?  Families must match. */
bool prefix_contains(const struct prefix *p, const struct prefix *a);

/** Are a and b the same address (family and bytes; lengths ignored)? */
bool addr_same(const struct prefix *a, const struct prefix *b);

/** An IPv4 address in dotted decimal, as inet_ntop writes it, at out
 * (16 bytes of room) with a NUL; returns the end (the NUL).  Without
 * inet_ntop's sprintf: a scan prints millions. */
char *addr_ipv4_str(const uint8_t a[4], char *out);

/** Format p as text ("192.0.2.0/24", or without "/len" for a full-length
 * address) into buf.  Returns buf. */
char *prefix_str(const struct prefix *p, char *buf, size_t buflen);

/** Number of differing bits between two addresses of the same family;
 * -1 if the families differ. */
int addr_bitdistance(const struct prefix *a, const struct prefix *b);

/** One row of a special-purpose registry. */
struct special_range {
	struct prefix prefix;
	char *name;		/* registry "Name" column, owned */
	bool globally_reachable;
};

/** The special-purpose address registries (IPv4 and IPv6 together). */
struct special_registry {
	struct special_range *ranges;	/* owned */
	size_t n;
};

/** Parse an IANA special-purpose registry CSV (as published at
 * iana.org, columns: Address Block, Name, RFC, Allocation Date,
 * Termination Date, Source, Destination, Forwardable, Globally Reachable,
 * Reserved-by-Protocol) and append its rows to *reg.  file names the source
 * for messages.  Returns 0, or -1 with "file:line: reason" in err. */
int special_registry_parse(struct special_registry *reg, const char *text,
	size_t len, const char *file, char *err, size_t errlen);

/** The most specific registry range that contains a, or NULL. */
const struct special_range *special_registry_find(
	const struct special_registry *reg, const struct prefix *a);

/** Free what *reg owns (not reg itself). */
void special_registry_clear(struct special_registry *reg);

#endif

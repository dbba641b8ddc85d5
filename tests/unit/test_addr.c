/* test_addr.c: prefixes, bit distance, the special-purpose registry CSV. */
#include "config.h"
#include <string.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "common/datafile.h"
#include "common/addr.h"
#include "tests/tap.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[128];
	if (prefix_parse(s, &p, err, sizeof(err)) < 0) {
		printf("# bad test prefix %s: %s\n", s, err);
		abort();
	}
	return p;
}

static const struct {
	const char *text;
	int ok;
	int family;
	unsigned len;
	const char *str;	/* prefix_str of the result */
} parse_cases[] = {
	{ "192.0.2.1", 1, AF_INET, 32, "192.0.2.1" },
	{ "10.0.0.0/8", 1, AF_INET, 8, "10.0.0.0/8" },
	{ "0.0.0.0/0", 1, AF_INET, 0, "0.0.0.0/0" },
	{ "2001:db8::/32", 1, AF_INET6, 32, "2001:db8::/32" },
	{ "::1", 1, AF_INET6, 128, "::1" },
	{ "2001:DB8::1/128", 1, AF_INET6, 128, "2001:db8::1" },
	{ "10.0.0.1/8", 0, 0, 0, NULL },	/* host bits set */
	{ "2001:db8::1/32", 0, 0, 0, NULL },
	{ "10.0.0.0/33", 0, 0, 0, NULL },
	{ "10.0.0.0/", 0, 0, 0, NULL },
	{ "10.0.0.0/-1", 0, 0, 0, NULL },
	{ "10.0.0.0/8x", 0, 0, 0, NULL },
	{ "10.0.0.300", 0, 0, 0, NULL },
	{ "", 0, 0, 0, NULL },
	{ "example.com", 0, 0, 0, NULL },
	{ "::/129", 0, 0, 0, NULL },
};

static const struct {
	const char *prefix, *addr;
	bool in;
} contains_cases[] = {
	{ "10.0.0.0/8", "10.255.1.2", true },
	{ "10.0.0.0/8", "11.0.0.0", false },
	{ "100.64.0.0/10", "100.127.255.255", true },
	{ "100.64.0.0/10", "100.128.0.0", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::1", false },
	{ "10.0.0.0/8", "::ffff:10.0.0.1", false },	/* family differs */
	{ "fc00::/7", "fd12::1", true },
	{ "fc00::/7", "fe00::1", false },
};

static const struct {
	const char *a, *b;
	int d;
} dist_cases[] = {
	{ "142.250.27.27", "142.250.27.26", 1 },
	{ "142.250.27.27", "142.250.27.24", 2 },
	{ "142.250.27.27", "142.250.27.27", 0 },
	{ "0.0.0.0", "255.255.255.255", 32 },
	{ "2001:db8::1", "2001:db8::3", 1 },
	{ "2001:db8::1", "192.0.2.1", -1 },
};

/* A piece of the registry as IANA publishes it: quoted names with doubled
 * quotes, footnotes on blocks and booleans, two blocks in one cell, an
 * N/A reachability, CRLF line ends. */
static const char registry[] =
	"# test registry\r\n"
	"Address Block,Name,RFC,Allocation Date,Termination Date,Source,"
	"Destination,Forwardable,Globally Reachable,Reserved-by-Protocol\r\n"
	"0.0.0.0/8,\"\"\"This network\"\"\",\"[RFC791], Section 3.2\","
	"1981-09,N/A,True,False,False,False,True\r\n"
	"10.0.0.0/8,Private-Use,[RFC1918],1996-02,N/A,True,True,True,False,False\r\n"
	"127.0.0.0/8,Loopback,\"[RFC1122], Section 3.2.1.3\",1981-09,N/A,"
	"False [1],False [1],False [1],False [1],True\r\n"
	"192.0.0.0/24 [2],IETF Protocol Assignments,\"[RFC6890], Section 2.1\","
	"2010-01,N/A,False,False,False,False,False\r\n"
	"192.0.0.9/32,Port Control Protocol Anycast,[RFC7723],2015-10,N/A,"
	"True,True,True,True,False\r\n"
	"\"192.0.0.170/32, 192.0.0.171/32\",NAT64/DNS64 Discovery,"
	"\"[RFC8880][RFC7050], Section 2.2\",2013-02,N/A,False,False,False,"
	"False,True\r\n"
	"192.88.99.0/24,Deprecated (6to4 Relay Anycast),[RFC7526],2001-06,"
	"2015-03,,,,,\r\n"
	"2001:db8::/32,Documentation,[RFC3849],2004-07,N/A,False,False,False,"
	"False,False\r\n"
	"\r\n";

int main(void)
{
	char err[256], buf[64];
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases); i++) {
		struct prefix p;
		int rc = prefix_parse(parse_cases[i].text, &p, err, sizeof(err));
		if (parse_cases[i].ok)
			ok(rc == 0 && p.family == parse_cases[i].family &&
			   p.len == parse_cases[i].len &&
			   !strcmp(prefix_str(&p, buf, sizeof(buf)),
			   parse_cases[i].str),
			   "parse \"%s\" -> %s", parse_cases[i].text, buf);
		else
			ok(rc == -1 && err[0], "reject \"%s\": %s",
			   parse_cases[i].text, err);
	}
	for (size_t i = 0; i < sizeof(contains_cases) / sizeof(*contains_cases); i++) {
		struct prefix p = P(contains_cases[i].prefix);
		struct prefix a = P(contains_cases[i].addr);
		ok(prefix_contains(&p, &a) == contains_cases[i].in,
		   "%s %s %s", contains_cases[i].addr,
		   contains_cases[i].in ? "in" : "not in", contains_cases[i].prefix);
	}
	for (size_t i = 0; i < sizeof(dist_cases) / sizeof(*dist_cases); i++) {
		struct prefix a = P(dist_cases[i].a), b = P(dist_cases[i].b);
		ok(addr_bitdistance(&a, &b) == dist_cases[i].d,
		   "bit distance %s %s = %d", dist_cases[i].a, dist_cases[i].b,
		   dist_cases[i].d);
	}

	struct special_registry reg = { 0 };
	int rc = special_registry_parse(&reg, registry, strlen(registry),
		"test.csv", err, sizeof(err));
	ok(rc == 0, "registry parses: %s", rc ? err : "ok");
	ok(reg.n == 9, "nine ranges (two from one cell): %zu", reg.n);
	static const struct {
		const char *addr, *name;
		bool reachable;
	} finds[] = {
		{ "10.1.2.3", "Private-Use", false },
		{ "127.0.0.1", "Loopback", false },
		{ "0.1.2.3", "\"This network\"", false },
		{ "192.0.0.9", "Port Control Protocol Anycast", true },
		{ "192.0.0.8", "IETF Protocol Assignments", false },
		{ "192.0.0.171", "NAT64/DNS64 Discovery", false },
		{ "192.88.99.1", "Deprecated (6to4 Relay Anycast)", true },
		{ "2001:db8::53", "Documentation", false },
	};
	for (size_t i = 0; i < sizeof(finds) / sizeof(*finds); i++) {
		struct prefix a = P(finds[i].addr);
		const struct special_range *r = special_registry_find(&reg, &a);
		ok(r && !strcmp(r->name, finds[i].name) &&
		   r->globally_reachable == finds[i].reachable,
		   "%s -> %s (%s)", finds[i].addr, r ? r->name : "none",
		   finds[i].reachable ? "reachable" : "not reachable");
	}
	struct prefix g = P("142.250.27.27");
	ok(special_registry_find(&reg, &g) == NULL, "global address: no range");
	special_registry_clear(&reg);
	ok(reg.n == 0 && reg.ranges == NULL, "clear empties the registry");

	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "10.0.0.0/8,Private\n", "bad.csv:1: 2 columns" },
		{ "# c\n10.0.0.1/8,a,b,c,d,e,f,g,False,h\n", "bad.csv:2: host bits" },
		{ "\"10.0.0.0/8,a,b,c,d,e,f,g,False,h\n", "bad.csv:1: unterminated" },
		{ "nope,a,b,c,d,e,f,g,False,h\n", "bad.csv:1: not an address" },
		{ " [1],a,b,c,d,e,f,g,False,h\n", "bad.csv:1: no address block" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct special_registry r2 = { 0 };
		err[0] = '\0';
		rc = special_registry_parse(&r2, bad[i].text, strlen(bad[i].text),
			"bad.csv", err, sizeof(err));
		ok(rc == -1 && !strncmp(err, bad[i].want, strlen(bad[i].want)),
		   "bad registry line: %s", err);
		special_registry_clear(&r2);
	}

	/* The shipped registries load, and classify the special ranges as
	 * the scan relies on (reachable or not, or not listed). */
	const char *srcdir = getenv("srcdir");
	char path[1024];
	struct special_registry real = { 0 };
	snprintf(path, sizeof(path), "%s/data/iana-ipv4-special-registry.csv",
		srcdir ? srcdir : ".");
	rc = special_registry_load(&real, path, err, sizeof(err));
	ok(rc == 0, "data IPv4 registry loads: %s", rc ? err : path);
	snprintf(path, sizeof(path), "%s/data/iana-ipv6-special-registry.csv",
		srcdir ? srcdir : ".");
	rc = special_registry_load(&real, path, err, sizeof(err));
	ok(rc == 0, "data IPv6 registry loads: %s", rc ? err : path);
	static const struct {
		const char *addr;
		int reach;	/* 0 not reachable, 1 reachable, -1 not listed */
	} real_cases[] = {
		{ "10.0.0.1", 0 }, { "172.16.5.4", 0 }, { "192.168.1.1", 0 },
		{ "100.64.0.1", 0 }, { "169.254.1.1", 0 }, { "198.18.0.1", 0 },
		{ "0.0.0.1", 0 }, { "192.0.2.1", 0 }, { "198.51.100.1", 0 },
		{ "203.0.113.1", 0 }, { "127.0.0.1", 0 }, { "240.0.0.1", 0 },
		{ "255.255.255.255", 0 }, { "192.0.0.9", 1 }, { "8.8.8.8", -1 },
		{ "fd00::1", 0 }, { "fe80::1", 0 }, { "::1", 0 },
		{ "2001:db8::1", 0 }, { "::ffff:10.0.0.1", 0 },
		{ "2620:4f:8000::1", 1 }, { "2a00:1450::1", -1 },
	};
	for (size_t i = 0; i < sizeof(real_cases) / sizeof(*real_cases); i++) {
		struct prefix a = P(real_cases[i].addr);
		const struct special_range *r = special_registry_find(&real, &a);
		int got = r ? r->globally_reachable : -1;
		ok(got == real_cases[i].reach, "data registry: %s -> %s",
		   real_cases[i].addr, r ? r->name : "not listed");
	}
	special_registry_clear(&real);
	rc = special_registry_load(&real, "/nonexistent/registry.csv", err,
		sizeof(err));
	ok(rc == -1 && strstr(err, "/nonexistent/registry.csv: "),
	   "missing file: %s", err);
	/* addr_ipv4_str writes what inet_ntop writes, for every octet value
	 * in every position. */
	int same = 1;
	for (unsigned v = 0; v < 256 * 4 && same; v++) {
		uint8_t a[4] = { 10, 0, 255, 9 };
		char want[INET_ADDRSTRLEN], got[16];
		a[v / 256] = (uint8_t)v;
		inet_ntop(AF_INET, a, want, sizeof(want));
		char *end = addr_ipv4_str(a, got);
		same = !strcmp(got, want) && *end == '\0' &&
			(size_t)(end - got) == strlen(want);
		if (!same)
			printf("# %s vs %s\n", got, want);
	}
	ok(same, "addr_ipv4_str is inet_ntop for every octet in every place");

	return tap_done();
}

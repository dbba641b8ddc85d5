/* test_targets.c: targets parsing (IPv4, IPv6, CIDR, comments, garbage with
 * line numbers, --strict), duplicates, and the blocklist. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include "tests/tap.h"
#include "scan/targets.h"
#include "scan/blocklist.h"

static char err[512];

/* Target i as text, "" on failure. */
static const char *at(const struct targets *t, uint64_t i)
{
	static char buf[INET6_ADDRSTRLEN];
	struct prefix p;
	if (targets_get(t, i, &p) < 0)
		return "";
	inet_ntop(p.family, p.addr, buf, sizeof(buf));
	return buf;
}

static bool invariant(const struct targets *t)
{
	const struct targets_stats *s = targets_stats(t);
	return s->listed == s->count + s->duplicate + s->blocklisted &&
		s->count == targets_count(t);
}

/* Load text as a file named name; diag output into *diagout (caller
 * frees). */
static int load(struct targets *t, const char *text, const char *name,
	bool strict, char **diagout)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	size_t dlen;
	FILE *diag = open_memstream(diagout, &dlen);
	int rc = targets_load_stream(t, in, name, strict, diag, err,
		sizeof(err));
	fclose(in);
	fclose(diag);
	return rc;
}

static struct targets *make(const char *const *args, const char *blocked)
{
	struct targets *t = targets_new();
	struct blocklist bl;
	blocklist_init(&bl);
	for (size_t i = 0; args[i]; i++)
		if (targets_add(t, args[i], err, sizeof(err)) < 0)
			goto fail;
	if (blocked && blocklist_parse(&bl, blocked, strlen(blocked), "bl",
	    err, sizeof(err)) < 0)
		goto fail;
	if (targets_finalize(t, &bl, err, sizeof(err)) < 0)
		goto fail;
	blocklist_clear(&bl);
	return t;
fail:
	blocklist_clear(&bl);
	targets_free(t);
	return NULL;
}

static void test_args(void)
{
	const char *a[] = { "192.0.2.1", " 10.1.0.0/30 ", "2001:db8::5",
		"2001:db8::100/126", NULL };
	struct targets *t = make(a, NULL);
	ok(t && targets_count(t) == 10, "4 arguments: 1 + 4 + 1 + 4 targets");
	if (!t)
		return;
	ok(!strcmp(at(t, 0), "10.1.0.0") && !strcmp(at(t, 3), "10.1.0.3") &&
		!strcmp(at(t, 4), "192.0.2.1"), "IPv4 first, in order");
	ok(!strcmp(at(t, 5), "2001:db8::5") &&
		!strcmp(at(t, 6), "2001:db8::100") &&
		!strcmp(at(t, 9), "2001:db8::103"), "then IPv6");
	struct prefix p;
	ok(targets_get(t, 10, &p) < 0, "index past the end is an error");
	ok(targets_get(t, 9, &p) == 0 && p.len == 128 && p.family == AF_INET6,
		"targets are full-length addresses");
	ok(invariant(t), "listed == count + duplicate + blocklisted");
	targets_free(t);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "10.0.0.300", "not an address: \"10.0.0.300\"" },
		{ "example.com", "not an address: \"example.com\"" },
		{ "10.0.0.0/33", "bad prefix length: \"10.0.0.0/33\"" },
		{ "10.0.0.0/", "bad prefix length: \"10.0.0.0/\"" },
		{ "10.0.0.0/-1", "bad prefix length" },
		{ "10.0.0.1/24", "host bits set" },
		{ "2001:db8::/64", "prefix too large: \"2001:db8::/64\" is 2^64" },
		{ "1.2.3.4 5.6.7.8", "not an address" },
		{ "", "not an address" },
	};
	struct targets *t = targets_new();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		int rc = targets_add(t, bad[i].text, err, sizeof(err));
		ok(rc < 0 && strstr(err, bad[i].msg), "\"%s\" rejected: %s",
			bad[i].text, err);
	}
	ok(targets_add(t, "2001:db8::/96", err, sizeof(err)) == 0,
		"an IPv6 /96 (2^32) is the largest accepted");
	ok(targets_add(t, "0.0.0.0/0", err, sizeof(err)) == 0,
		"all of IPv4 is accepted");
	ok(targets_finalize(t, NULL, err, sizeof(err)) == 0 &&
		targets_count(t) == ((uint64_t)2 << 32) &&
		targets_nranges(t) == 2, "2^33 targets in 2 ranges");
	ok(!strcmp(at(t, 0xffffffffULL), "255.255.255.255") &&
		!strcmp(at(t, 0x100000000ULL), "2001:db8::") &&
		!strcmp(at(t, 0x1ffffffffULL), "2001:db8::ffff:ffff"),
		"range edges map to the right addresses");
	targets_free(t);
}

static void test_file(void)
{
	const char *text =
		"# resolvers to probe\n"
		"\n"
		"192.0.2.1\n"
		"  192.0.2.2   # trailing comment\n"
		"10.0.0.300\n"
		"198.51.100.0/31\r\n"
		"2001:db8::1\n"
		"garbage here\n"
		"\t\n"
		"192.0.2.1\n"
		"203.0.113.7";	/* no final newline */
	struct targets *t = targets_new();
	char *diag = NULL;
	int rc = load(t, text, "targets.txt", false, &diag);
	ok(rc == 0, "a file with garbage loads without --strict");
	ok(diag && strstr(diag, "targets.txt:5: not an address: "
		"\"10.0.0.300\"\n"), "garbage reported with its line number");
	ok(diag && strstr(diag, "targets.txt:8: not an address: "
		"\"garbage here\""), "second garbage line: line 8");
	free(diag);
	ok(targets_stats(t)->invalid == 2, "two invalid lines counted");
	ok(targets_finalize(t, NULL, err, sizeof(err)) == 0 &&
		targets_count(t) == 6, "6 unique targets");
	ok(targets_stats(t)->duplicate == 1 && targets_stats(t)->listed == 7,
		"192.0.2.1 twice: listed 7, one duplicate");
	ok(!strcmp(at(t, 5), "2001:db8::1") &&
		!strcmp(at(t, 4), "203.0.113.7"), "last line without newline");
	targets_free(t);

	t = targets_new();
	diag = NULL;
	rc = load(t, text, "targets.txt", true, &diag);
	ok(rc < 0 && !strcmp(err, "targets.txt:5: not an address: "
		"\"10.0.0.300\""), "--strict: the first garbage line is fatal: %s",
		err);
	free(diag);
	targets_free(t);

	t = targets_new();
	rc = targets_load(t, "/nonexistent/targets.txt", false, NULL, err,
		sizeof(err));
	ok(rc < 0 && strstr(err, "/nonexistent/targets.txt: No such file"),
		"a missing file: %s", err);
	targets_free(t);

	static const char nul[] = "10.0.0.1\n10.0\0.0.2\n10.0.0.3\n";
	t = targets_new();
	FILE *in = fmemopen((void *)nul, sizeof(nul) - 1, "r");
	rc = targets_load_stream(t, in, "nul.txt", true, NULL, err,
		sizeof(err));
	fclose(in);
	ok(rc < 0 && !strcmp(err, "nul.txt:2: NUL byte in line"),
		"a NUL byte is garbage, not a silent cut: %s", err);
	targets_free(t);

	/* Escape sequences and a NUL byte never reach the terminal raw. */
	static const char hostile[] = "\033[2J\033]0;pwned\007\n"
		"10.0.0.1\0\033[31m\n";
	in = fmemopen((void *)hostile, sizeof(hostile) - 1, "r");
	char *htext = NULL;
	size_t hlen = 0;
	FILE *hd = open_memstream(&htext, &hlen);
	t = targets_new();
	rc = targets_load_stream(t, in, "esc.txt", false, hd, err,
		sizeof(err));
	fclose(hd);
	fclose(in);
	ok(rc == 0 && htext && !strcmp(htext, "esc.txt:1: not an address: "
		"\"\\027[2J\\027]0;pwned\\007\"\nesc.txt:2: NUL byte in line\n"),
		"escape sequences quoted escaped, a NUL line named: %s",
		htext ? htext : "");
	ok(htext && !memchr(htext, '\033', hlen), "no ESC byte on the "
		"diagnostics stream");
	free(htext);
	targets_free(t);

	/* A line over the cap (a megabyte) between two targets: reported,
	 * skipped, the target after it still read. */
	size_t big = 1u << 20;
	char *ltext = malloc(big + 32);
	strcpy(ltext, "10.0.0.1\n");
	memset(ltext + 9, '1', big);
	strcpy(ltext + 9 + big, "\n10.0.0.3\n");
	in = fmemopen(ltext, strlen(ltext), "r");
	char *dtext = NULL;
	size_t dlen = 0;
	FILE *dg = open_memstream(&dtext, &dlen);
	t = targets_new();
	rc = targets_load_stream(t, in, "long.txt", false, dg, err,
		sizeof(err));
	fclose(dg);
	ok(rc == 0 && targets_stats(t)->invalid == 1 && dtext &&
		!strcmp(dtext, "long.txt:2: line longer than 4096 bytes\n"),
		"a long line is reported and skipped: %s", dtext ? dtext : "");
	ok(targets_finalize(t, NULL, err, sizeof(err)) == 0 &&
		targets_count(t) == 2, "the targets around it are read");
	targets_free(t);
	free(dtext);
	rewind(in);
	t = targets_new();
	rc = targets_load_stream(t, in, "long.txt", true, NULL, err,
		sizeof(err));
	ok(rc < 0 && !strcmp(err, "long.txt:2: line longer than 4096 bytes"),
		"--strict: a long line is fatal: %s", err);
	targets_free(t);
	fclose(in);
	free(ltext);
}

static void test_duplicates(void)
{
	const char *a[] = { "10.0.0.0/30", "10.0.0.1", "10.0.0.2",
		"10.0.0.0/31", "10.0.0.4/30", "10.0.0.8", NULL };
	struct targets *t = make(a, NULL);
	ok(t && targets_count(t) == 9 && targets_nranges(t) == 1,
		"overlapping and adjacent ranges merge into 10.0.0.0-8");
	ok(t && targets_stats(t)->duplicate == 4 && invariant(t),
		"4 duplicates counted");
	targets_free(t);
}

static void test_blocklist(void)
{
	const char *bltext =
		"# test blocklist\n"
		"10.0.0.0/31   # first two\n"
		"10.0.0.6/32\n"
		"\n"
		"10.0.0.8/29   # spans two target ranges\n"
		"2001:db8::/127\n";
	const char *a[] = { "10.0.0.0/29", "10.0.0.12/30", "10.0.0.20",
		"2001:db8::/126", NULL };
	struct targets *t = make(a, bltext);
	ok(t != NULL, "targets with a blocklist finalize: %s", t ? "" : err);
	if (!t)
		return;
	const struct targets_stats *s = targets_stats(t);
	ok(s->blocklisted == 2 + 1 + 4 + 2, "9 blocklisted (got %llu)",
		(unsigned long long)s->blocklisted);
	ok(targets_count(t) == 8, "8 left: 10.0.0.2-5, .7, .20, 2001:db8::2-3 "
		"(got %llu)",
		(unsigned long long)targets_count(t));
	ok(!strcmp(at(t, 0), "10.0.0.2") && !strcmp(at(t, 3), "10.0.0.5") &&
		!strcmp(at(t, 4), "10.0.0.7") && !strcmp(at(t, 5), "10.0.0.20") &&
		!strcmp(at(t, 6), "2001:db8::2"), "blocked addresses left out");
	ok(invariant(t), "every skipped target counted");
	targets_free(t);

	struct blocklist bl;
	blocklist_init(&bl);
	ok(blocklist_parse(&bl, bltext, strlen(bltext), "bl", err,
		sizeof(err)) == 0 && bl.n == 4, "4 blocklist entries");
	struct prefix p;
	prefix_parse("10.0.0.9", &p, err, sizeof(err));
	const struct blocklist_entry *e = blocklist_find(&bl, &p);
	ok(e && e->why && !strcmp(e->why, "spans two target ranges"),
		"blocklist_find gives the entry and its comment");
	prefix_parse("10.0.0.2", &p, err, sizeof(err));
	ok(blocklist_find(&bl, &p) == NULL, "10.0.0.2 is not blocked");
	blocklist_clear(&bl);

	const char *bad = "10.0.0.0/8\n# ok\n10.0.0.0/40\n";
	ok(blocklist_parse(&bl, bad, strlen(bad), "my.bl", err,
		sizeof(err)) < 0 && !strcmp(err, "my.bl:3: bad prefix length: "
		"\"10.0.0.0/40\""), "a bad blocklist line is fatal: %s", err);
	blocklist_clear(&bl);
	ok(blocklist_load(&bl, "/nonexistent/bl", err, sizeof(err)) < 0 &&
		strstr(err, "/nonexistent/bl: "), "missing blocklist: %s", err);

	/* The shipped blocklist: loopback blocked, 8.8.8.8 not; all of IPv4
	 * minus it keeps the counts straight. */
	const char *srcdir = getenv("srcdir");
	char path[4096];
	snprintf(path, sizeof(path), "%s/data/blocklist",
		srcdir ? srcdir : ".");
	blocklist_init(&bl);
	int rc = blocklist_load(&bl, path, err, sizeof(err));
	ok(rc == 0 && bl.n > 20, "data/blocklist loads (%zu entries) %s",
		bl.n, rc ? err : "");
	bool rfc = true;
	for (size_t i = 0; i < bl.n; i++)
		if (!bl.v[i].why || !strstr(bl.v[i].why, "RFC"))
			rfc = false;
	ok(rfc, "every data/blocklist entry names its RFC");
	prefix_parse("127.0.0.1", &p, err, sizeof(err));
	ok(blocklist_find(&bl, &p) != NULL, "127.0.0.1 is blocked by default");
	prefix_parse("::1", &p, err, sizeof(err));
	ok(blocklist_find(&bl, &p) != NULL, "::1 is blocked by default");
	prefix_parse("8.8.8.8", &p, err, sizeof(err));
	ok(blocklist_find(&bl, &p) == NULL, "8.8.8.8 is not blocked");
	t = targets_new();
	targets_add(t, "0.0.0.0/0", err, sizeof(err));
	targets_add(t, "127.0.0.1", err, sizeof(err));
	rc = targets_finalize(t, &bl, err, sizeof(err));
	bool clean = rc == 0 && invariant(t);
	for (uint64_t i = 0; clean && i < targets_count(t); i += 4099) {
		targets_get(t, i, &p);
		if (blocklist_find(&bl, &p))
			clean = false;
	}
	ok(clean, "0.0.0.0/0 minus the blocklist: %llu targets, %llu "
		"blocklisted, none of them probed",
		(unsigned long long)targets_count(t),
		(unsigned long long)targets_stats(t)->blocklisted);
	ok(targets_stats(t)->duplicate == 1, "127.0.0.1 twice: one duplicate "
		"(then blocklisted once)");
	targets_free(t);
	blocklist_clear(&bl);

	/* The blocklist file lookup follows RESOLVER_PROBE_DATADIR. */
	setenv("RESOLVER_PROBE_DATADIR", "/some/dir", 1);
	ok(!strcmp(blocklist_default_path(), "/some/dir/blocklist"),
		"RESOLVER_PROBE_DATADIR/blocklist");
	unsetenv("RESOLVER_PROBE_DATADIR");
	ok(strstr(blocklist_default_path(), "/blocklist") != NULL,
		"PKGDATADIR/blocklist otherwise: %s", blocklist_default_path());
}

/* A file of 65,536 single addresses in scrambled order merges into one
 * range: memory follows the ranges, not the lines. */
static void test_many(void)
{
	size_t cap = 65536 * 16, len = 0;
	char *text = malloc(cap);
	for (uint32_t i = 0; i < 65536; i++) {
		uint32_t x = (i * 40503u) & 0xffff;	/* odd: a bijection */
		len += (size_t)snprintf(text + len, cap - len, "10.%u.%u.7\n",
			(unsigned)(x >> 8), (unsigned)(x & 0xff));
	}
	FILE *in = fmemopen(text, len, "r");
	struct targets *t = targets_new();
	int rc = targets_load_stream(t, in, "many", true, NULL, err,
		sizeof(err));
	fclose(in);
	ok(rc == 0 && targets_finalize(t, NULL, err, sizeof(err)) == 0,
		"65536 single addresses load");
	ok(targets_count(t) == 65536 && targets_nranges(t) == 65536,
		"scattered addresses stay single ranges (%zu)",
		targets_nranges(t));
	targets_free(t);

	len = 0;
	for (uint32_t i = 0; i < 65536; i++) {
		uint32_t x = (i * 40503u) & 0xffff;
		len += (size_t)snprintf(text + len, cap - len, "10.9.%u.%u\n",
			(unsigned)(x >> 8), (unsigned)(x & 0xff));
	}
	in = fmemopen(text, len, "r");
	t = targets_new();
	rc = targets_load_stream(t, in, "many", true, NULL, err, sizeof(err));
	fclose(in);
	ok(rc == 0 && targets_finalize(t, NULL, err, sizeof(err)) == 0 &&
		targets_count(t) == 65536 && targets_nranges(t) == 1,
		"a scrambled /16 written address by address is one range");
	ok(!strcmp(at(t, 0), "10.9.0.0") && !strcmp(at(t, 65535),
		"10.9.255.255"), "and maps back in order");
	targets_free(t);
	free(text);
}

/* Shards without --seed take their order from the digest: the same set,
 * however it was spelt, gives the same digest; another set another one. */
static void test_digest(void)
{
	const char *a[] = { "10.0.0.0/30", "2001:db8::/126", "192.0.2.7",
		NULL };
	const char *b[] = { "192.0.2.7", "2001:db8::2", "10.0.0.1",
		"2001:db8::/127", "10.0.0.2/31", "10.0.0.0", "2001:db8::3",
		NULL };
	const char *c[] = { "10.0.0.0/30", "2001:db8::/126", "192.0.2.8",
		NULL };
	struct targets *ta = make(a, NULL), *tb = make(b, NULL),
		*tc = make(c, NULL), *tn = targets_new();
	uint8_t da[32], db[32], dc[32];
	ok(ta && tb && tc && targets_digest(ta, da) == 0 &&
		targets_digest(tb, db) == 0 && targets_digest(tc, dc) == 0,
		"digests computed");
	ok(!memcmp(da, db, 32), "the same set spelt otherwise: same digest");
	ok(memcmp(da, dc, 32), "another set: another digest");
	ok(tn && targets_digest(tn, da) < 0, "no digest before finalize");
	targets_free(ta);
	targets_free(tb);
	targets_free(tc);
	targets_free(tn);
}

int main(void)
{
	test_digest();
	test_args();
	test_errors();
	test_file();
	test_duplicates();
	test_blocklist();
	test_many();
	return tap_done();
}

/* test_truth_files.c: the root hints and trust anchor checks and the shared
 * truth options (dnssec/truth_opts.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/tap.h"
#include "dnssec/truth_opts.h"

static char dir[] = "/tmp/test_truth_files.XXXXXX";

/* Write text to a new file in dir; returns its path (static buffer per
 * call site is not needed: the caller copies). */
static const char *put(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	FILE *f;
	char *p = path[k++ % 4];

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		return p;
	fputs(text, f);
	fclose(f);
	return p;
}

#define KSK2024 ". IN DNSKEY 257 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc=\n"
#define DS2024 ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n"

struct file_case {
	const char *what;
	int anchor;		/* 1: trust anchor check, 0: hints check */
	const char *text;
	int want;		/* return value wanted; -1 for an error */
	const char *errpart;	/* substring the message must have */
};

static const struct file_case cases[] = {
	{ "hints: one server", 0,
	  "; comment\n\n.  3600000 NS A.ROOT-SERVERS.NET.\n"
	  "A.ROOT-SERVERS.NET. 3600000 A 198.41.0.4\n"
	  "A.ROOT-SERVERS.NET. 3600000 AAAA 2001:503:ba3e::2:30\n", 2, NULL },
	{ "hints: $TTL and relative names", 0,
	  "$TTL 3600\n. NS a.root.lab\na.root.lab A 127.53.0.1\n", 1, NULL },
	{ "hints: bad address on line 5", 0,
	  "; c\n\n. NS a.root.\n\na.root. A 1.2.3.400\n", -1, ":5: " },
	{ "hints: unknown type on line 3", 0,
	  ". NS a.root.\na.root. A 1.2.3.4\nfoo. BLAH 1 bar.\n", -1, ":3: " },
	{ "hints: MX record rejected with its line", 0,
	  ". NS a.root.\n\n\na.root. A 1.2.3.4\nfoo. MX 1 bar.\n", -1,
	  ":5: MX record" },
	{ "hints: NS not for the root", 0,
	  "com. NS a.gtld.\na.gtld. A 1.2.3.4\n", -1, ":1: NS record not for the root" },
	{ "hints: no NS at all", 0, "a.root. A 1.2.3.4\n", -1,
	  "no NS record" },
	{ "hints: NS without any address", 0,
	  ". NS a.root.\nb.root. A 1.2.3.4\n", -1, "no address" },
	{ "hints: empty file", 0, "", -1, "no NS record" },
	{ "hints: a trust anchor given as hints", 0, DS2024, -1,
	  ":1: DS record" },
	{ "hints: $INCLUDE refused", 0, "$INCLUDE /etc/passwd\n", -1,
	  ":1: $INCLUDE" },
	{ "anchor: DNSKEY", 1, "; KSK-2024\n" KSK2024, 1, NULL },
	{ "anchor: DS and DNSKEY", 1, DS2024 KSK2024, 2, NULL },
	{ "anchor: short DS digest on line 2", 1,
	  "\n. DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC\n",
	  -1, ":2: DS digest is 31 bytes" },
	{ "anchor: bad base64 on line 3", 1, "\n\n. DNSKEY 257 3 8 AwEAA@@@\n",
	  -1, ":3: " },
	{ "anchor: A record on line 4", 1, DS2024 "\n\n. A 1.2.3.4\n", -1,
	  ":4: A record in a trust anchor file" },
	{ "anchor: not a zone key", 1, ". DNSKEY 1 3 8 AwEAAa96jeuknZla\n", -1,
	  ":1: DNSKEY is not a zone key" },
	{ "anchor: protocol not 3", 1, ". DNSKEY 257 2 8 AwEAAa96jeuknZla\n",
	  -1, ":1: DNSKEY protocol" },
	{ "anchor: comments only", 1, "; nothing here\n", -1,
	  "no DS or DNSKEY record" },
	{ "anchor: hints given as anchor", 1, ". NS a.root.\n", -1,
	  ":1: NS record in a trust anchor file" },
};

static void file_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct file_case *c = &cases[i];
		char err[512] = "", name[32];
		const char *path;
		int n;

		snprintf(name, sizeof(name), "case%zu", i);
		path = put(name, c->text);
		n = c->anchor ? truth_check_anchor(path, err, sizeof(err)) :
			truth_check_hints(path, err, sizeof(err));
		ok(n == c->want, "%s: returns %d (got %d: %s)", c->what,
			c->want, n, err);
		if (c->errpart) {
			ok(strstr(err, c->errpart) != NULL &&
			   strncmp(err, path, strlen(path)) == 0,
			   "%s: message names the file and says \"%s\" (%s)",
			   c->what, c->errpart, err);
		}
	}
}

static void shipped_files(void)
{
	const char *src = getenv("srcdir");
	char hints[512], key[512], err[512] = "";
	int n;

	if (!src)
		src = ".";
	snprintf(hints, sizeof(hints), "%s/data/root.hints", src);
	snprintf(key, sizeof(key), "%s/data/root.key", src);
	n = truth_check_hints(hints, err, sizeof(err));
	ok(n == 26, "data/root.hints: 13 servers, v4 and v6 (%d %s)", n, err);
	n = truth_check_anchor(key, err, sizeof(err));
	ok(n == 2, "data/root.key: KSK-2017 and KSK-2024 (%d %s)", n, err);
	n = truth_check_anchor(hints, err, sizeof(err));
	ok(n == -1 && strstr(err, "NS record in a trust anchor file"),
		"root.hints is not a trust anchor (%s)", err);
}

static void missing_file(void)
{
	char err[512] = "", path[300];
	struct truth_opts o;

	snprintf(path, sizeof(path), "%s/does-not-exist", dir);
	ok(truth_check_hints(path, err, sizeof(err)) == -1 &&
	   strstr(err, "does-not-exist: No such file"),
	   "missing hints file: %s", err);
	ok(truth_check_anchor(path, err, sizeof(err)) == -1 &&
	   strstr(err, "does-not-exist: No such file"),
	   "missing anchor file: %s", err);
	truth_opts_init(&o);
	o.root_hints = put("okhints", ". NS a.root.\na.root. A 127.0.0.1\n");
	o.trust_anchor = path;
	ok(truth_opts_check(&o, err, sizeof(err)) == -1 &&
	   strstr(err, "does-not-exist"), "opts check: anchor named (%s)",
	   err);
	o.trust_anchor = put("okkey", DS2024);
	ok(truth_opts_check(&o, err, sizeof(err)) == 0,
	   "opts check: both files good");
}

static void options(void)
{
	struct truth_opts o;
	char err[256] = "";

	setenv("RESOLVER_PROBE_DATADIR", "/some/where", 1);
	truth_opts_init(&o);
	ok(!strcmp(o.root_hints, "/some/where/root.hints") &&
	   !strcmp(o.trust_anchor, "/some/where/root.key") &&
	   !strcmp(o.providers, "/some/where/providers"),
	   "defaults follow RESOLVER_PROBE_DATADIR");
	ok(o.rounds == 3, "three rounds by default");
	unsetenv("RESOLVER_PROBE_DATADIR");
	truth_opts_init(&o);
	ok(strstr(o.root_hints, "/root.hints") != NULL &&
	   strncmp(o.root_hints, "/some/where", 11) != 0,
	   "defaults in PKGDATADIR otherwise (%s)", o.root_hints);
	ok(truth_opts_parse(&o, TRUTH_OPT_ROUNDS, "5", err, sizeof(err)) == 1
	   && o.rounds == 5, "--rounds 5");
	ok(truth_opts_parse(&o, TRUTH_OPT_ROUNDS, "0", err, sizeof(err)) == -1
	   && strstr(err, "--rounds"), "--rounds 0 refused: %s", err);
	ok(truth_opts_parse(&o, TRUTH_OPT_ROUNDS, "3x", err, sizeof(err)) ==
	   -1, "--rounds 3x refused");
	ok(truth_opts_parse(&o, TRUTH_OPT_ROUNDS, "99999999999999999999", err,
	   sizeof(err)) == -1, "--rounds overflow refused");
	ok(truth_opts_parse(&o, TRUTH_OPT_TIMEOUT, "", err, sizeof(err)) == -1,
	   "--truth-timeout empty refused");
	ok(truth_opts_parse(&o, TRUTH_OPT_ROOT_HINTS, "h", err, sizeof(err)) ==
	   1 && !strcmp(o.root_hints, "h"), "--root-hints taken");
	ok(truth_opts_parse(&o, TRUTH_OPT_TRUST_ANCHOR, "k", err, sizeof(err))
	   == 1 && !strcmp(o.trust_anchor, "k"), "--trust-anchor taken");
	ok(truth_opts_parse(&o, TRUTH_OPT_PROVIDERS, "p", err, sizeof(err)) ==
	   1 && !strcmp(o.providers, "p"), "--providers taken");
	ok(truth_opts_parse(&o, 'j', NULL, err, sizeof(err)) == 0,
	   "another command's option is left alone");
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		printf("not ok 1 - mkdtemp\n1..1\n");
		return 1;
	}
	file_cases();
	shipped_files();
	missing_file();
	options();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return tap_done();
}

/* test_providers.c: the providers file parser and the shipped defaults. */
#include "config.h"
#include <string.h>
#include <stdlib.h>
#include "validator/providers.h"
#include "dnssec/truth_opts.h"
#include "tests/tap.h"

static const char good[] =
	"# providers for a test\n"
	"provider Gmail.COM   # MX asked\n"
	"prefix 142.250.0.0/15\n"
	"\tprefix 2a00:1450::/32\r\n"
	"\n"
	"provider yahoo.com.\n"
	"control www.iana.org AAAA\n"
	"nxdomain example.com\n";

static const struct {
	const char *text, *want;
} bad[] = {
	{ "prefix 10.0.0.0/8\n", "p:1: prefix before any provider line" },
	{ "provider a.example\nprefix 10.0.0.1/8\n", "p:2: host bits set" },
	{ "provider a.example\nprefix nonsense\n", "p:2: not an address" },
	{ "provider a.example\nprovider A.example.\n",
	  "p:2: provider a.example. listed twice" },
	{ "provider\n", "p:1: usage: provider DOMAIN" },
	{ "provider a b\n", "p:1: usage: provider DOMAIN" },
	{ "frobnicate x\n", "p:1: unknown directive: \"frobnicate\"" },
	{ "control www.example.com NOTATYPE\n", "p:1: unknown type" },
	{ "nxdomain\n", "p:1: usage: nxdomain ZONE" },
	{ "provider a..b\n", "p:1: not a domain name" },
	{ "\n\n# x\nprovider a.example\ncontrol a.example\nprefix 10.0.0.0/8\n",
	  "p:6: prefix before any provider line" },
	{ "provider a b c d e f\n", "p:1: too many words" },
};

int main(void)
{
	char err[256] = "";
	struct truth *t = truth_new();
	int rc = providers_parse(t, good, strlen(good), "p", err, sizeof(err));
	ok(rc == 0, "good file parses: %s", rc ? err : "ok");
	ok(t->nproviders == 2, "two providers");
	ok(t->nproviders >= 1 && !strcmp(t->providers[0].domain, "gmail.com.") &&
	   t->providers[0].nprefixes == 2 && t->providers[0].usable &&
	   t->providers[0].why_unusable == NULL,
	   "gmail.com. lowercased, two prefixes, usable");
	ok(t->nproviders == 2 && !strcmp(t->providers[1].domain, "yahoo.com.") &&
	   t->providers[1].nprefixes == 0, "yahoo.com. without prefixes");
	ok(t->control_name && !strcmp(t->control_name, "www.iana.org.") &&
	   t->control_type == LDNS_RR_TYPE_AAAA, "control www.iana.org. AAAA");
	ok(t->nxdomain_zone && !strcmp(t->nxdomain_zone, "example.com."),
	   "nxdomain example.com.");
	truth_free(t);

	t = truth_new();
	rc = providers_parse(t, "control www.example.com\n", 24, "p", err,
		sizeof(err));
	ok(rc == 0 && t->control_type == LDNS_RR_TYPE_A,
	   "control type defaults to A");
	truth_free(t);

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		t = truth_new();
		err[0] = '\0';
		rc = providers_parse(t, bad[i].text, strlen(bad[i].text), "p",
			err, sizeof(err));
		ok(rc == -1 && !strncmp(err, bad[i].want, strlen(bad[i].want)),
		   "bad input gives \"%s\": %s", bad[i].want, err);
		truth_free(t);
	}
	t = truth_new();
	rc = providers_parse(t, "provider a.example\0x\n", 21, "p", err,
		sizeof(err));
	ok(rc == -1 && strstr(err, "p:1: NUL"), "NUL byte: %s", err);
	truth_free(t);
	t = truth_new();
	static const char hostile[] = "\033]0;x\007\033[2J a.example\n";
	rc = providers_parse(t, hostile, sizeof(hostile) - 1, "p", err,
		sizeof(err));
	ok(rc == -1 && !strcmp(err, "p:1: unknown directive: "
		"\"\\027]0;x\\007\\027[2J\""),
		"escape sequences in a line are quoted escaped: %s", err);
	truth_free(t);

	/* The shipped default file. */
	const char *srcdir = getenv("srcdir");
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/providers", srcdir ? srcdir : ".");
	t = truth_new();
	rc = providers_load(t, path, err, sizeof(err));
	ok(rc == 0, "data/providers loads: %s", rc ? err : path);
	static const char *const want[] = { "gmail.com.", "yahoo.com.",
		"outlook.com.", "qq.com.", "mail.ru." };
	for (size_t i = 0; i < 5; i++) {
		bool found = false;
		for (size_t j = 0; j < t->nproviders; j++)
			if (!strcmp(t->providers[j].domain, want[i]) &&
			    (t->providers[j].nprefixes > 0 || i == 3))
				found = true;
		ok(found, "data/providers has %s", want[i]);
	}
	ok(t->control_name && t->nxdomain_zone,
	   "data/providers has control and nxdomain lines");
	truth_free(t);

	t = truth_new();
	rc = providers_load(t, "/nonexistent/providers", err, sizeof(err));
	ok(rc == -1 && !strncmp(err, "/nonexistent/providers: ", 24),
	   "missing file: %s", err);
	truth_free(t);
	return tap_done();
}

/* fuzz_providers.c: the two registry readers of validator/ and common/ on the same
 * arbitrary file: providers_parse (data/providers) and
 * special_registry_parse (the IANA special-purpose CSVs).  Checks what
 * providers.h promises of a parsed file: lowercase FQDNs with the
 * trailing dot, usable providers; and that lookups work on what was read.
 * Input: the file's bytes. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ctype.h>
#include "validator/providers.h"
#include "common/addr.h"
#include "tests/fuzz/fuzz.h"

static void fqdn(const char *name, const char *what)
{
	size_t n = strlen(name);
	expect(n > 0 && name[n - 1] == '.', what);
	for (size_t i = 0; i < n; i++)
		expect(!isupper((unsigned char)name[i]), what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	char err[512];
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	struct truth *t = truth_new();
	if (t && providers_parse(t, text, size, "fuzz", err, sizeof(err)) ==
	    0) {
		for (size_t i = 0; i < t->nproviders; i++) {
			fqdn(t->providers[i].domain, "provider domain");
			expect(t->providers[i].usable &&
				!t->providers[i].why_unusable, "usable");
			if (t->providers[i].nprefixes) {
				struct prefix a = t->providers[i].prefixes[0];
				char buf[64];
				prefix_str(&a, buf, sizeof(buf));
			}
		}
		if (t->nxdomain_zone)
			fqdn(t->nxdomain_zone, "nxdomain zone");
		if (t->control_name)
			truth_find(t, t->control_name, t->control_type);
	}
	truth_free(t);

	struct special_registry reg = { 0 };
	if (special_registry_parse(&reg, text, size, "fuzz", err,
	    sizeof(err)) == 0) {
		for (size_t i = 0; i < reg.n; i++) {
			struct prefix a = reg.ranges[i].prefix;
			a.len = a.family == AF_INET ? 32 : 128;
			expect(special_registry_find(&reg, &a) != NULL,
				"a range's first address is found");
		}
	}
	special_registry_clear(&reg);
	free(text);
	return 0;
}

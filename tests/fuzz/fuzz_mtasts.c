/* fuzz_mtasts.c: the MTA-STS parsers on any bytes: the policy file
 * (mtasts_policy_parse) and the TXT record (mtasts_txt_parse); every kept
 * mx pattern is a well-formed pattern that matches a host built from it,
 * and matching any line of the input as a host never crashes.
 * Input: a policy file (also read as a TXT record). */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include "mail/mtasts.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtasts_policy p;
	mtasts_policy_parse((const char *)data, size, &p);
	expect(p.syntax_ok == (p.findings.errors == 0), "syntax_ok");
	expect(!p.syntax_ok || p.mode != MTASTS_MODE_UNSET, "mode");
	expect(!p.syntax_ok || p.max_age <= MTASTS_MAX_AGE_MAX, "max_age");
	expect(p.nmx <= p.mxcap, "mx patterns within their array");
	for (size_t i = 0; i < p.nmx; i++) {
		const char *pat = p.mx[i];
		expect(strlen(pat) > 0 && strlen(pat) < 256, "pattern length");
		expect(!strchr(pat + (pat[0] == '*' ? 1 : 0), '*'),
			"a wildcard only leftmost");
		for (const char *c = pat; *c; c++)
			expect(!isupper((unsigned char)*c), "lowercase");
		char host[300];
		if (pat[0] == '*')
			snprintf(host, sizeof(host), "mx%s", pat + 1);
		else
			snprintf(host, sizeof(host), "%s.", pat);
		expect(mtasts_mx_match(pat, host), "a pattern matches its host");
		expect(mtasts_policy_match(&p, host) >= 0, "policy match");
	}
	char line[300];
	size_t n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	mtasts_policy_match(&p, line);
	mtasts_policy_clear(&p);

	struct mtasts_txt t;
	mtasts_txt_parse((const char *)data, size, &t);
	expect(t.syntax_ok == (t.findings.errors == 0), "txt syntax_ok");
	expect(!t.syntax_ok || (strlen(t.id) >= 1 && strlen(t.id) <= 32),
		"id 1..32");
	mtasts_txt_clear(&t);
	return 0;
}

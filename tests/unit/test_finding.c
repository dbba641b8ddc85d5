/* test_finding.c: the escape of record text and the findings list. */
#include "config.h"
#include <string.h>
#include "mail/finding.h"
#include "tests/tap.h"

static const struct {
	const char *in;
	size_t len;
	size_t outlen;
	const char *want;
} cases[] = {
	{ "v=spf1 -all", 11, 64, "v=spf1 -all" },
	{ "a\nb\tc", 5, 64, "a\\x0ab\\x09c" },
	{ "back\\slash", 10, 64, "back\\\\slash" },
	{ "\x1b[31mred", 8, 64, "\\x1b[31mred" },
	{ "caf\xc3\xa9", 5, 64, "caf\xc3\xa9" },		/* valid UTF-8 */
	{ "\xc3(", 2, 64, "\\xc3(" },			/* truncated */
	{ "\xc0\xaf", 2, 64, "\\xc0\\xaf" },		/* overlong */
	{ "\xed\xa0\x80", 3, 64, "\\xed\\xa0\\x80" },	/* surrogate */
	{ "\xc2\x85", 2, 64, "\\xc2\\x85" },		/* C1 control NEL */
	{ "\x7f", 1, 64, "\\x7f" },
	{ "a\0b", 3, 64, "a\\x00b" },
	{ "abcdefghijklmnop", 16, 8, "abcd..." },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 8, "\xc3\xa9\xc3\xa9..." },
	{ "", 0, 4, "" },
	/* A cut never splits an escape. */
	{ "abcde\x01xyz", 9, 10, "abcde..." },
	{ "abcde\\xyz", 9, 10, "abcde..." },
	{ "abcd\\xyzw", 9, 10, "abcd\\\\..." },
};

int main(void)
{
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		mail_escape(cases[i].in, cases[i].len, out, cases[i].outlen);
		ok(!strcmp(out, cases[i].want) &&
			strlen(out) < cases[i].outlen,
			"escape case %zu: \"%s\"", i, out);
	}
	struct mail_findings fs;
	memset(&fs, 0, sizeof(fs));
	for (int i = 0; i < MAIL_FINDINGS_MAX + 3; i++)
		mail_finding_add(&fs, i % 2 ? MAIL_WARN : MAIL_ERROR, "x-y",
			"finding %d", i);
	ok(fs.n == MAIL_FINDINGS_MAX && fs.dropped == 3,
		"findings capped, the rest counted");
	ok(fs.errors == (MAIL_FINDINGS_MAX + 3 + 1) / 2,
		"errors counted past the cap");
	ok(mail_findings_has(&fs, "x-y") && !mail_findings_has(&fs, "z"),
		"mail_findings_has");
	char long_text[400];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	mail_finding_add(&fs, MAIL_NOTE, "n", "%s", long_text);
	mail_findings_clear(&fs);
	ok(fs.n == 0 && fs.f == NULL && fs.dropped == 0 && fs.errors == 0,
		"mail_findings_clear empties the list");
	return tap_done();
}

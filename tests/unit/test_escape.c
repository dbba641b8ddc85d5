/* test_escape.c: outside text made safe for a terminal: control
 * characters, NUL bytes, DEL, C1 controls and invalid UTF-8 escaped as
 * \DDD (DNS) or \xHH (SMTP); valid UTF-8 and the backslash kept; the
 * buffer form cut at a whole escape. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "common/escape.h"
#include "tests/tap.h"

static char *to_file(const char *s, size_t n, enum escape_style st)
{
	static char out[256];
	FILE *f = fmemopen(out, sizeof(out), "w");
	escape_text(f, s, n, st);
	fclose(f);
	return out;
}

int main(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *dns, *smtp;
	} cases[] = {
		{ "plain text", 10, "plain text", "plain text" },
		{ "\033[2J\033]0;x\007", 10, "\\027[2J\\027]0;x\\007",
			"\\x1B[2J\\x1B]0;x\\x07" },
		{ "a\0b", 3, "a\\000b", "a\\x00b" },
		{ "tab\there\nnl\r", 12, "tab\\009here\\010nl\\013",
			"tab\\x09here\\x0Anl\\x0D" },
		{ "del\177", 4, "del\\127", "del\\x7F" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
			"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
			"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "\xc2\x9b" "31m", 5, "\\194\\1553" "1m", "\\xC2\\x9B" "31m" },
		{ "\xff\xfe", 2, "\\255\\254", "\\xFF\\xFE" },
		{ "\xc0\xaf", 2, "\\192\\175", "\\xC0\\xAF" },
		{ "\xed\xa0\x80", 3, "\\237\\160\\128", "\\xED\\xA0\\x80" },
		{ "\xe2\x82", 2, "\\226\\130", "\\xE2\\x82" },
		{ "back\\slash \\046", 15, "back\\slash \\046",
			"back\\slash \\046" },
		/* Format characters that reorder or hide text: a right-to-
		 * left override, an isolate, a zero-width space, the byte
		 * order mark. */
		{ "x=\xe2\x80\xaetcejer=p", 13, "x=\\226\\128\\174tcejer=p",
			"x=\\xE2\\x80\\xAEtcejer=p" },
		{ "a\xe2\x81\xa6" "b", 5, "a\\226\\129\\166b",
			"a\\xE2\\x81\\xA6b" },
		{ "a\xe2\x80\x8b" "b", 5, "a\\226\\128\\139b",
			"a\\xE2\\x80\\x8Bb" },
		{ "\xef\xbb\xbfv", 4, "\\239\\187\\191v", "\\xEF\\xBB\\xBFv" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *d = to_file(cases[i].in, cases[i].n, ESCAPE_DNS);
		ok(!strcmp(d, cases[i].dns), "dns %zu: %s", i, d);
		const char *s = to_file(cases[i].in, cases[i].n, ESCAPE_SMTP);
		ok(!strcmp(s, cases[i].smtp), "smtp %zu: %s", i, s);
		char buf[128];
		escape_str(buf, sizeof(buf), cases[i].in, cases[i].n,
			ESCAPE_DNS);
		ok(!strcmp(buf, cases[i].dns), "escape_str %zu", i);
		ok(escape_needed(cases[i].in, cases[i].n) ==
			!!strcmp(cases[i].in, cases[i].dns) ||
			cases[i].n != strlen(cases[i].in),
			"escape_needed %zu", i);
	}
	char buf[12];
	escape_str(buf, sizeof(buf), "abc\033\033\033\033", 7, ESCAPE_DNS);
	ok(!strcmp(buf, "abc\\027..."), "cut at a whole escape: %s", buf);
	escape_str(buf, sizeof(buf), "0123456789ab", 12, ESCAPE_DNS);
	ok(!strcmp(buf, "01234567..."), "cut text marked: %s", buf);
	escape_str(buf, sizeof(buf), "0123456789a", 11, ESCAPE_DNS);
	ok(!strcmp(buf, "0123456789a"), "exactly fits: %s", buf);
	/* Raw record text: \xhh, a backslash doubled, in both forms. */
	char rec[64];
	escape_str(rec, sizeof(rec), "a\\b\033\xc3(", 6, ESCAPE_RECORD);
	ok(!strcmp(rec, "a\\\\b\\x1b\\xc3("), "record: %s", rec);
	ok(!strcmp(to_file("a\\b\033", 4, ESCAPE_RECORD),
		"a\\\\b\\x1b"), "record to a file: %s",
		to_file("a\\b\033", 4, ESCAPE_RECORD));
	escape_str(buf, sizeof(buf), "abcdefghi\\", 10, ESCAPE_RECORD);
	ok(!strcmp(buf, "abcdefghi\\\\"), "a doubled backslash fits: %s",
		buf);
	escape_str(buf, sizeof(buf), "abcdefg\\xyzw", 12, ESCAPE_RECORD);
	ok(!strcmp(buf, "abcdefg..."), "cut before a doubled backslash: %s",
		buf);
	escape_str(buf, 3, "abcdef", 6, ESCAPE_DNS);
	ok(strlen(buf) == 2, "a tiny buffer stays terminated");
	return tap_done();
}

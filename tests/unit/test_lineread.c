/* test_lineread.c: the bounded line reader, from a buffer and a stream:
 * lines, the last line without a newline, NUL bytes, a line over the cap
 * skipped with memory held at the cap, and a read error that is not EOF. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/lineread.h"
#include "tests/tap.h"

/* Every line of lr joined as "line|line|", LONG as "<long N>|". */
static void lines(struct lineread *lr, char *out, size_t size)
{
	size_t at = 0;
	enum lineread_status ls;
	out[0] = '\0';
	while ((ls = lineread_next(lr)) != LINEREAD_EOF &&
	    ls != LINEREAD_ERROR && at < size) {
		int w = ls == LINEREAD_LONG ?
			snprintf(out + at, size - at, "<long %lu>|", lr->lineno) :
			snprintf(out + at, size - at, "%s%s|", lr->line,
				lr->newline ? "" : "<eof>");
		at += w > 0 ? (size_t)w : 0;
	}
	if (ls == LINEREAD_ERROR)
		snprintf(out + at, size - at, "<error %s>", lr->err);
}

int main(void)
{
	struct lineread lr;
	char got[512];

	static const char t1[] = "a\nbb\n\nccc";
	lineread_mem(&lr, t1, strlen(t1), "t1", 8);
	lines(&lr, got, sizeof(got));
	ok(!strcmp(got, "a|bb||ccc<eof>|"), "buffer: lines, empty line, last "
		"without newline: %s", got);
	ok(lr.lineno == 4 && lr.offset == strlen(t1), "line count and offset");
	lineread_free(&lr);

	lineread_mem(&lr, "", 0, "empty", 8);
	ok(lineread_next(&lr) == LINEREAD_EOF, "empty buffer: EOF at once");
	lineread_free(&lr);

	static const char t2[] = "12345678\n123456789\nok\n";
	lineread_mem(&lr, t2, strlen(t2), "t2", 8);
	ok(lineread_next(&lr) == LINEREAD_LINE && lr.len == 8,
		"a line of exactly the cap is read");
	ok(lineread_next(&lr) == LINEREAD_LONG &&
		!strcmp(lr.err, "t2:2: line longer than 8 bytes"),
		"one byte over the cap: %s", lr.err);
	ok(lineread_next(&lr) == LINEREAD_LINE && !strcmp(lr.line, "ok") &&
		lr.lineno == 3, "the next line after it is read");
	ok(lineread_next(&lr) == LINEREAD_EOF, "then EOF");
	lineread_free(&lr);

	static const char t3[] = "a\0b\nc\n";
	lineread_mem(&lr, t3, sizeof(t3) - 1, "t3", 8);
	ok(lineread_next(&lr) == LINEREAD_LINE && lr.len == 3 &&
		strlen(lr.line) == 1, "a NUL byte is kept and shows in len");
	lineread_free(&lr);

	/* A stream: a 3 MB line between two short ones, cap 4096; the
	 * line buffer never grows past the cap. */
	FILE *f = tmpfile();
	fputs("first\n", f);
	for (int i = 0; i < 3 << 20; i++)
		fputc('x', f);
	fputs("\nlast", f);
	rewind(f);
	lineread_file(&lr, f, "big", 4096);
	lines(&lr, got, sizeof(got));
	ok(!strcmp(got, "first|<long 2>|last<eof>|"), "stream: a huge line "
		"skipped, the next read: %s", got);
	ok(lr.cap <= 4097, "memory held at the cap: %zu bytes", lr.cap);
	ok(lr.offset == 6 + (3u << 20) + 1 + 4, "every byte consumed");
	lineread_free(&lr);
	fclose(f);

	/* A read error (a directory) is an error, never EOF. */
	f = fopen(".", "r");
	if (f) {
		lineread_file(&lr, f, "dir", 4096);
		enum lineread_status ls = lineread_next(&lr);
		ok(ls == LINEREAD_ERROR && strstr(lr.err, "dir: read error: "),
			"read error: %s", lr.err);
		lineread_free(&lr);
		fclose(f);
	} else {
		ok(1, "read error # SKIP cannot open a directory");
	}
	return tap_done();
}

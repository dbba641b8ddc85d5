/* test_readback.c: the JSON Lines reader report and --resume share: the
 * header record of providers left out, lines over the cap, a torn last
 * line (lenient or not), blank lines, a CSV file, and outside text in a
 * record escaped before the summary can print it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan/readback.h"
#include "scan/summary.h"
#include "tests/tap.h"

#define REC(a) "{\"resolver\":\"" a "\",\"class\":\"falsified\"," \
	"\"classes\":[\"falsified\"],\"flags\":[],\"responsive\":true," \
	"\"queries\":[{\"qname\":\"gmail.com.\",\"qtype\":\"MX\"," \
	"\"role\":\"mx\",\"provider\":\"gmail.com.\",\"status\":\"ok\"," \
	"\"verdict\":{\"class\":\"falsified\"}," \
	"\"invalid\":[\"evil\\u001b[2J\\u0000.example.\"]}]}\n"
#define HDR "{\"providers_left_out\":[{\"provider\":\"b.example.\"," \
	"\"why\":\"b.example. MX is bogus: x\\u001b]0;y\\u0007\"}]}\n"

/* Read text; the statuses in order as letters: R record, H header, T
 * torn, B bad, E error. */
static const char *statuses(const char *text, size_t len, bool lenient,
	size_t max, struct readback *rb, struct summary *sum)
{
	static char out[64];
	size_t n = 0;
	enum readback_status st;
	FILE *f = fmemopen((void *)text, len, "r");
	readback_file(rb, f, "t.jsonl", lenient, max);
	while ((st = readback_next(rb)) != READBACK_EOF && n + 1 < sizeof(out)) {
		out[n++] = st == READBACK_RECORD ? 'R' : st == READBACK_HEADER ?
			'H' : st == READBACK_TORN ? 'T' : st == READBACK_BAD ?
			'B' : 'E';
		if (st == READBACK_RECORD) {
			if (sum)
				summary_add(sum, &rb->rec);
			summary_record_clear(&rb->rec);
		}
		if (st == READBACK_TORN || st == READBACK_ERROR)
			break;
	}
	out[n] = '\0';
	fclose(f);
	return out;
}

int main(void)
{
	struct readback rb;
	const char *s;
	static const char t1[] = HDR REC("192.0.2.1") "\n" REC("192.0.2.2")
		"{\"resolver\":";
	s = statuses(t1, sizeof(t1) - 1, false, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "HRBRT"), "strict: header, record, blank line bad, "
		"record, torn: %s", s);
	ok(rb.left.n == 1 && !strcmp(rb.left.provider[0], "b.example."),
		"the header names the provider left out");
	ok(rb.torn == 12 && rb.good_len == sizeof(t1) - 1 - 12,
		"torn bytes and complete length");
	readback_free(&rb);

	s = statuses(t1, sizeof(t1) - 1, true, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "HRRB"), "lenient: blank skipped, the torn line read "
		"(and bad): %s", s);
	readback_free(&rb);

	static const char t2[] = REC("192.0.2.1") REC("192.0.2.2");
	s = statuses(t2, sizeof(t2) - 1, true, 200, &rb, NULL);
	ok(!strcmp(s, "BB") && strstr(rb.err, "t.jsonl:2: line longer than "
		"200 bytes") && !strcmp(rb.why, "line longer than 200 bytes"),
		"over the cap: %s (%s)", s, rb.err);
	readback_free(&rb);

	static const char t3[] = "resolver,class\n1.2.3.4,correct\n";
	s = statuses(t3, sizeof(t3) - 1, true, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "E") && strstr(rb.err, "t.jsonl:1: a CSV file"),
		"a CSV file is an error: %s", rb.err);
	readback_free(&rb);

	static const char t4[] = "{\"providers_left_out\":[{\"why\":\"x\"}]}\n";
	s = statuses(t4, sizeof(t4) - 1, true, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "B") && strstr(rb.err, "t.jsonl:1: header record"),
		"a header without a provider is bad: %s", rb.err);
	readback_free(&rb);

	/* Outside text in a record: escaped before the summary prints it. */
	struct summary *sum = summary_new();
	static const char t5[] = HDR REC("192.0.2.1");
	s = statuses(t5, sizeof(t5) - 1, true, 1u << 20, &rb, sum);
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	summary_print(sum, f);
	left_out_print(&rb.left, f);
	fclose(f);
	ok(!strcmp(s, "HR") && text && !memchr(text, '\033', tlen) &&
		strstr(text, "evil\\027[2J") &&
		strstr(text, "bogus: x\\027]0;y\\007"),
		"ESC and NUL from a file never reach the summary raw: %s",
		text ? text : "");
	free(text);
	summary_free(sum);
	readback_free(&rb);
	return tap_done();
}

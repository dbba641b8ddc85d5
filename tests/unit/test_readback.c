/* test_readback.c: the JSON Lines reader report and --resume share: the
 * header record of providers left out, sweep records (written by
 * output_sweep and read back), lines over the cap, a torn last
 * line (lenient or not), blank lines, a CSV file, and outside text in a
 * record escaped before the summary can print it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan/readback.h"
#include "scan/follow.h"
#include "scan/summary.h"
#include "scan/output.h"
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
			'B' : st == READBACK_SWEEP ? 'S' : st == READBACK_FOLLOW ?
			'F' : 'E';
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

	/* Follow records (scan --follow-smtp): their verdict, or -1. */
	static const char tf[] = REC("192.0.2.1")
		"{\"follow\":{\"address\":\"127.0.0.1\",\"followed\":true,"
		"\"verdict\":\"imposter\"}}\n"
		"{\"follow\":{\"address\":\"10.0.0.1\",\"followed\":false,"
		"\"why\":\"blocklist\"}}\n"
		"{\"follow\":{\"followed\":true,\"verdict\":\"bogus\"}}\n";
	s = statuses(tf, sizeof(tf) - 1, true, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "RFFB"), "follow records read, a bad verdict is a bad "
		"line: %s", s);
	readback_free(&rb);
	{
		FILE *f = fmemopen((void *)tf, sizeof(tf) - 1, "r");
		readback_file(&rb, f, "t.jsonl", true, 1u << 20);
		enum readback_status st = readback_next(&rb);
		if (st == READBACK_RECORD)
			summary_record_clear(&rb.rec);
		st = readback_next(&rb);
		int v1 = rb.follow_verdict;
		readback_next(&rb);
		ok(st == READBACK_FOLLOW && v1 == FOLLOW_IMPOSTER &&
			rb.follow_verdict == -1, "the verdicts: imposter, then "
			"not followed (%d, %d)", v1, rb.follow_verdict);
		readback_free(&rb);
		fclose(f);
	}

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

	/* A sweep record as output_sweep writes it reads back the same. */
	struct prefix pend[2];
	char err[64];
	prefix_parse("192.0.2.7", &pend[0], err, sizeof(err));
	prefix_parse("2001:db8::7", &pend[1], err, sizeof(err));
	struct sweep_record w = {
		.order = "0123456789abcdef", .seed = 9007199254740993ull,
		.shard = 1, .shards = 3, .pass = 1, .mark = 4242,
		.probed = 65536, .answered = 77, .pending = pend, .npending = 2,
	};
	struct output out;
	text = NULL;
	f = open_memstream(&text, &tlen);
	output_open(&out, f, OUTPUT_JSONL);
	ok(output_sweep(&out, &w) == 0, "a sweep record written");
	w.over = w.final = true;
	w.silent = 65536 - 77;
	w.npending = 0;
	output_sweep(&out, &w);
	output_close(&out);
	fclose(f);
	s = statuses(text, tlen, false, 1u << 20, &rb, NULL);
	ok(!strcmp(s, "SS"), "two sweep records: %s", s);
	const struct sweep_record *g = &rb.sweep;
	ok(!strcmp(g->order, w.order) && g->seed == w.seed && g->shard == 1 &&
		g->shards == 3 && g->pass == 1 && g->mark == 4242 &&
		g->probed == 65536 && g->answered == 77 && g->over &&
		g->final && g->silent == 65536 - 77 && g->npending == 0,
		"the last one read back field by field: %s", text);
	readback_free(&rb);
	f = fmemopen(text, strchr(text, '\n') + 1 - text, "r");
	readback_file(&rb, f, "t.jsonl", false, 1u << 20);
	ok(readback_next(&rb) == READBACK_SWEEP && rb.sweep.npending == 2 &&
		rb.sweep.pending[1].family != rb.sweep.pending[0].family &&
		!rb.sweep.over && rb.sweep.mark == 4242,
		"the first: its pending targets, not over");
	struct sweep_record copy = { 0 };
	ok(sweep_record_copy(&copy, &rb.sweep) == 0 && copy.npending == 2 &&
		copy.pending != rb.sweep.pending &&
		!memcmp(copy.pending, pend, sizeof(pend)), "a copy owns its "
		"pending list");
	sweep_record_clear(&copy);
	readback_free(&rb);
	fclose(f);
	free(text);

	/* A damaged sweep record is not a scan result. */
	static const char *damaged[] = {
		"{\"sweep\":{\"order\":\"0123456789abcdef\",\"seed\":1,"
		"\"shard\":3,\"shards\":3,\"pass\":0,\"position\":1,"
		"\"probed\":1,\"answered\":0,\"pending\":[]}}\n",
		"{\"sweep\":{\"order\":\"0123456789abcdef\",\"seed\":1,"
		"\"shard\":0,\"shards\":1,\"pass\":0,\"position\":1,"
		"\"probed\":1,\"answered\":0,\"pending\":[\"10.0.0.0/8\"]}}\n",
		"{\"sweep\":{\"order\":\"0123\",\"seed\":1,\"shard\":0,"
		"\"shards\":1,\"pass\":0,\"position\":1,\"probed\":1,"
		"\"answered\":0,\"pending\":[]}}\n",
		"{\"sweep\":{\"order\":\"0123456789abcdef\",\"seed\":1,"
		"\"shard\":0,\"shards\":1,\"pass\":0,\"position\":-1,"
		"\"probed\":1,\"answered\":0,\"pending\":[]}}\n",
		"{\"sweep\":{\"order\":\"0123456789abcdef\",\"seed\":1,"
		"\"shard\":0,\"shards\":1,\"pass\":0,\"position\":1,"
		"\"probed\":1,\"answered\":0,\"over\":true,\"pending\":[]}}\n",
		"{\"sweep\":[]}\n",
	};
	for (size_t i = 0; i < sizeof(damaged) / sizeof(*damaged); i++) {
		s = statuses(damaged[i], strlen(damaged[i]), true, 1u << 20,
			&rb, NULL);
		ok(!strcmp(s, "B") && strstr(rb.err, "t.jsonl:1: ") &&
			rb.sweep.npending == 0, "damaged sweep record %zu: bad "
			"(%s)", i, rb.err);
		readback_free(&rb);
	}

	/* The summary counts a sweep's silent targets and the forwarders. */
	sum = summary_new();
	static const char t6[] = "{\"resolver\":\"192.0.2.9\",\"class\":null,"
		"\"responsive\":true,\"answered_by\":\"192.0.2.53\","
		"\"queries\":[]}\n";
	s = statuses(t6, sizeof(t6) - 1, true, 1u << 20, &rb, sum);
	struct summary_sweep sw = { .probed = 1000, .answered = 1,
		.silent = 999, .over = true };
	summary_add_sweep(sum, &sw);
	uint64_t behind = 0;
	text = NULL;
	f = open_memstream(&text, &tlen);
	summary_print(sum, f);
	fclose(f);
	ok(!strcmp(s, "R") && summary_forwarders(sum, &behind, NULL) == 1 &&
		behind == 1 && strstr(text, "  targets probed                       "
		"1000\n") && strstr(text, "  silent                                "
		"999   99.90% of probed\n") && strstr(text, "  transparent "
		"forwarders"), "summary: the sweep and the forwarders: %s", text);
	free(text);
	summary_free(sum);
	readback_free(&rb);
	return tap_done();
}

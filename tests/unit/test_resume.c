/* test_resume.c: scan --resume's pure parts (resume.h): the done set, the
 * length of complete lines, and reading an earlier scan back (torn last
 * line, bad lines, the summary and findings it feeds). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "scan/resume.h"
#include "scan/summary.h"
#include "scan/targets.h"
#include "tests/tap.h"

static struct prefix addr(const char *s)
{
	struct prefix p;
	char err[128];
	if (prefix_parse(s, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "bad test address %s: %s\n", s, err);
		exit(99);
	}
	return p;
}

static int has(const struct done_set *d, const char *s)
{
	struct prefix p = addr(s);
	return done_set_has(d, &p);
}

#define LINE(a, c) "{\"resolver\":\"" a "\",\"class\":" c \
	",\"classes\":[],\"flags\":[],\"responsive\":true}\n"

/* Read text as a file; returns resume_read's status. */
static int read_text(const char *text, struct done_set *d,
	struct summary *sum, struct resume_stats *st, char *err, size_t n)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	if (!f)
		exit(99);
	int rc = resume_read(f, "scan.jsonl", d, sum, st, NULL, NULL, err, n);
	fclose(f);
	return rc;
}

int main(void)
{
	struct done_set d;
	char err[512];

	/* The done set: both families, repeats dropped, absent is absent. */
	done_set_init(&d);
	ok(!has(&d, "192.0.2.1"), "empty set has nothing");
	const char *in[] = { "192.0.2.9", "2001:db8::1", "192.0.2.1",
		"10.0.0.1", "192.0.2.9", "::ffff:192.0.2.1", "2001:db8::1" };
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct prefix p = addr(in[i]);
		ok(done_set_add(&d, &p) == 0, "add %s", in[i]);
	}
	ok(done_set_finish(&d) == 2 && d.n == 5, "two repeats dropped (%zu left)",
		d.n);
	ok(has(&d, "192.0.2.1") && has(&d, "192.0.2.9") &&
		has(&d, "10.0.0.1") && has(&d, "2001:db8::1") &&
		has(&d, "::ffff:192.0.2.1"), "every added address is found");
	ok(!has(&d, "192.0.2.2") && !has(&d, "10.0.0.0") &&
		!has(&d, "2001:db8::2") && !has(&d, "::c000:201"),
		"others are not (nor an IPv6 address with the same bytes)");
	struct prefix g;
	char gs[64];
	ok(done_set_get(&d, 0, &g) == 0 && g.family == AF_INET &&
		!strcmp(prefix_str(&g, gs, sizeof(gs)), "10.0.0.1") &&
		done_set_get(&d, 3, &g) == 0 && g.family == AF_INET6 &&
		!strcmp(prefix_str(&g, gs, sizeof(gs)), "::ffff:192.0.2.1") &&
		done_set_get(&d, 5, &g) < 0,
		"done_set_get: sorted, IPv4 first, full length, bounded");
	done_set_clear(&d);
	ok(d.n == 0 && !has(&d, "192.0.2.1"), "cleared set is empty");

	/* A bigger set: every even address in, every odd one out. */
	done_set_init(&d);
	for (unsigned i = 0; i < 5000; i += 2) {
		struct prefix p = addr("10.0.0.0");
		p.addr[2] = (uint8_t)(i >> 8);
		p.addr[3] = (uint8_t)i;
		done_set_add(&d, &p);
	}
	done_set_finish(&d);
	int bad = 0;
	for (unsigned i = 0; i < 5000; i++) {
		struct prefix p = addr("10.0.0.0");
		p.addr[2] = (uint8_t)(i >> 8);
		p.addr[3] = (uint8_t)i;
		bad += done_set_has(&d, &p) != (i % 2 == 0);
	}
	ok(bad == 0, "2500 in, 2500 out: %d wrong", bad);
	done_set_clear(&d);

	/* Complete lines. */
	ok(resume_complete_len("", 0) == 0, "empty: 0");
	ok(resume_complete_len("abc", 3) == 0, "no newline: 0");
	ok(resume_complete_len("a\nbc", 4) == 2, "torn last line cut");
	ok(resume_complete_len("a\nbc\n", 5) == 5, "all complete kept");

	/* Reading an interrupted scan: the torn last line is measured, not
	 * counted; the findings and the summary come from complete lines. */
	const char *file = LINE("192.0.2.1", "\"correct\"")
		LINE("192.0.2.2", "\"falsified\"")
		LINE("2001:db8::5", "null")
		"{\"resolver\":\"192.0.2.3\",\"cla";
	struct summary *sum = summary_new();
	struct resume_stats st;
	done_set_init(&d);
	ok(read_text(file, &d, sum, &st, err, sizeof(err)) == 0,
		"interrupted file reads (%s)", err);
	done_set_finish(&d);
	size_t complete = resume_complete_len(file, strlen(file));
	ok(st.lines == 3 && st.good_len == complete &&
		st.torn == strlen(file) - complete,
		"3 lines, %llu good bytes, %llu torn",
		(unsigned long long)st.good_len, (unsigned long long)st.torn);
	ok(st.findings == 1, "one finding (falsified; unjudged is none)");
	ok(has(&d, "192.0.2.1") && has(&d, "192.0.2.2") &&
		has(&d, "2001:db8::5") && !has(&d, "192.0.2.3"),
		"done: the complete lines' resolvers, not the torn one");
	ok(summary_probed(sum) == 3 &&
		summary_class_count(sum, CLASS_FALSIFIED) == 1,
		"summary counts the complete lines");
	summary_free(sum);
	done_set_clear(&d);

	/* An empty file and a file of complete lines. */
	done_set_init(&d);
	ok(read_text("", &d, NULL, &st, err, sizeof(err)) == 0 &&
		st.lines == 0 && st.torn == 0 && st.good_len == 0,
		"empty file: nothing done");
	ok(read_text(LINE("192.0.2.7", "\"correct\""), &d, NULL, &st, err,
		sizeof(err)) == 0 && st.lines == 1 && st.torn == 0,
		"one complete line, nothing torn");
	done_set_clear(&d);

	/* Not a scan's output: refused with the line number. */
	static const struct {
		const char *text, *why;
	} badf[] = {
		{ LINE("192.0.2.1", "\"correct\"") "hello\n", "scan.jsonl:2: " },
		{ "\n", "scan.jsonl:1: not a scan result" },
		{ LINE("192.0.2.0/24", "\"correct\""), "not an address" },
		{ LINE("example.com", "\"correct\""), "not an address" },
		{ "resolver,class,classes\n", "scan.jsonl:1:" },
	};
	for (size_t i = 0; i < sizeof(badf) / sizeof(badf[0]); i++) {
		done_set_init(&d);
		err[0] = 0;
		ok(read_text(badf[i].text, &d, NULL, &st, err, sizeof(err)) < 0 &&
			strstr(err, badf[i].why), "bad file %zu: %s", i, err);
		done_set_clear(&d);
	}
	/* targets_contains: how --resume counts the done among the targets. */
	struct targets *t = targets_new();
	const char *tl[] = { "192.0.2.0/24", "10.0.0.5", "2001:db8::/120",
		"198.51.100.7" };
	for (size_t i = 0; i < sizeof(tl) / sizeof(tl[0]); i++)
		targets_add(t, tl[i], err, sizeof(err));
	struct prefix p = addr("192.0.2.1");
	ok(!targets_contains(t, &p), "not before targets_finalize");
	ok(targets_finalize(t, NULL, err, sizeof(err)) == 0, "finalize");
	const char *in_t[] = { "192.0.2.0", "192.0.2.255", "10.0.0.5",
		"198.51.100.7", "2001:db8::", "2001:db8::ff" };
	const char *out_t[] = { "192.0.1.255", "192.0.3.0", "10.0.0.4",
		"10.0.0.6", "0.0.0.0", "255.255.255.255", "2001:db8::100",
		"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "::c000:201" };
	int wrong = 0;
	for (size_t i = 0; i < sizeof(in_t) / sizeof(in_t[0]); i++) {
		p = addr(in_t[i]);
		wrong += !targets_contains(t, &p);
	}
	for (size_t i = 0; i < sizeof(out_t) / sizeof(out_t[0]); i++) {
		p = addr(out_t[i]);
		wrong += targets_contains(t, &p);
	}
	ok(wrong == 0, "targets_contains: range edges in, neighbours out "
		"(%d wrong)", wrong);
	targets_free(t);
	return tap_done();
}

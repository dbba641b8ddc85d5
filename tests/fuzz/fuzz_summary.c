/* fuzz_summary.c: report's reader of saved scans.  Each line of the input
 * goes to summary_record_from_json (what `resolver-probe report` does with
 * a JSON Lines file) and, when it reads, to summary_add; a line that does
 * not read counts as malformed.  The totals are then printed as text and
 * HTML (summary_print, summary_html), and the unique counts and most
 * common lists of the first providers read back and checked (bounded,
 * exact below the cap, sorted, over within count).
 * Input: a JSON Lines file. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan/summary.h"
#include "scan/readback.h"
#include "tests/fuzz/fuzz.h"

#define NAMES 8

/* Remember up to NAMES distinct provider names of r (owned copies). */
static void note_providers(const struct summary_record *r, char **names,
	size_t *n)
{
	for (size_t i = 0; i < r->nqueries && *n < NAMES; i++) {
		const char *p = r->queries[i].provider;
		size_t j = 0;
		while (p && j < *n && strcmp(names[j], p))
			j++;
		if (p && j == *n && (names[*n] = strdup(p)))
			(*n)++;
	}
}

static void check_sets(const struct summary *s, const char *name)
{
	for (int mx = 0; mx < 2; mx++) {
		struct summary_unique u;
		struct summary_top top[16];
		size_t n;
		if (summary_unique(s, name, mx, &u) < 0)
			continue;	/* never asked for MX or addresses */
		expect(u.kept <= SUMMARY_EXACT_MAX, "kept within the cap");
		expect(u.estimated ? u.count > SUMMARY_EXACT_MAX :
			u.count == u.kept, "exact below the cap");
		if (summary_top(s, name, mx, top, 16, &n) < 0)
			continue;	/* out of memory */
		expect(n <= u.kept, "no more top values than kept");
		for (size_t k = 0; k < n; k++) {
			expect(top[k].count >= 1 && top[k].over < top[k].count,
				"over within count");
			expect(u.estimated || top[k].over == 0,
				"exact counts below the cap");
			expect(k == 0 || top[k - 1].count >= top[k].count,
				"most resolvers first");
		}
	}
}

/* The same input through the reader report and --resume share (lenient
 * and strict, a small cap so long lines are met): every status is one
 * documented, and the byte counts stay within the input. */
static void readback_fuzz(const uint8_t *data, size_t size)
{
	for (int lenient = 0; lenient < 2 && size > 0; lenient++) {
		FILE *in = fmemopen((void *)data, size, "r");
		if (!in)
			return;
		struct readback rb;
		enum readback_status st;
		readback_file(&rb, in, "fuzz", lenient, 512);
		while ((st = readback_next(&rb)) != READBACK_EOF &&
		    st != READBACK_ERROR && st != READBACK_TORN) {
			expect(st == READBACK_RECORD || st == READBACK_HEADER ||
				st == READBACK_SWEEP || st == READBACK_FOLLOW ||
				st == READBACK_BAD, "a documented status");
			expect(st != READBACK_BAD || rb.err[0], "a reason");
			if (st == READBACK_RECORD)
				summary_record_clear(&rb.rec);
		}
		expect(st != READBACK_TORN || !lenient, "torn only when strict");
		expect(rb.good_len + rb.torn <= size, "counts within the input");
		left_out_print(&rb.left, devnull());
		readback_free(&rb);
		fclose(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct summary *s = summary_new();
	if (!s)
		return 0;
	uint64_t added = 0;
	char *names[NAMES];
	size_t nnames = 0;
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		/* An exact-size copy of the line, not NUL-terminated. */
		char *line = malloc(n ? n : 1);
		if (!line)
			break;
		memcpy(line, p, n);
		struct summary_record r;
		char err[512];
		memset(&r, 0, sizeof(r));
		err[0] = '\0';
		if (summary_record_from_json(&r, line, n, err, sizeof(err)) ==
		    0) {
			expect(r.class <= CLASS_COUNT, "class in range");
			expect(memchr(r.resolver, '\0', sizeof(r.resolver)) !=
				NULL, "resolver terminated");
			if (summary_add(s, &r) == 0)
				added++;
			note_providers(&r, names, &nnames);
		} else {
			expect(err[0] != '\0', "a reason for a bad line");
			summary_add_malformed(s);
		}
		summary_record_clear(&r);
		free(line);
		p += n + (nl ? 1 : 0);
	}
	expect(summary_probed(s) == added, "probed counts records");
	expect(summary_responsive(s) <= added && summary_invalid(s) <= added,
		"responsive and invalid within probed");
	summary_print(s, devnull());
	summary_html(s, devnull(), "fuzz");
	for (size_t i = 0; i < nnames; i++) {
		check_sets(s, names[i]);
		free(names[i]);
	}
	summary_free(s);
	readback_fuzz(data, size);
	return 0;
}

/* test_summary.c: the summary from in-memory results equals the summary
 * from the same results written as JSON lines and read back; the counts
 * are the paper's; malformed lines are errors with reasons; HTML is
 * self-contained. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "tests/unit/results.h"
#include "resolver-probe/output.h"
#include "resolver-probe/summary.h"

static char *print(const struct summary *s, bool html)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (html)
		summary_html(s, f, "scan <of> \"lab\"");
	else
		summary_print(s, f);
	fclose(f);
	return buf;
}

static bool same_record(const struct summary_record *a,
	const struct summary_record *b)
{
	if (strcmp(a->resolver, b->resolver) || a->class != b->class ||
	    a->classes != b->classes || a->flags != b->flags ||
	    a->responsive != b->responsive || a->nqueries != b->nqueries)
		return false;
	for (size_t i = 0; i < a->nqueries; i++) {
		const struct summary_query *x = &a->queries[i], *y = &b->queries[i];
		if ((!x->provider) != (!y->provider) ||
		    (x->provider && strcmp(x->provider, y->provider)) ||
		    x->role != y->role || x->qtype != y->qtype ||
		    x->answered != y->answered || x->class != y->class ||
		    x->ninvalid != y->ninvalid)
			return false;
		for (size_t k = 0; k < x->ninvalid; k++)
			if (strcmp(x->invalid[k], y->invalid[k]))
				return false;
	}
	return true;
}

/* Find the table line starting with "  name " and return its numbers. */
static bool row(const char *text, const char *name, const char *expect)
{
	char key[128];
	snprintf(key, sizeof(key), "\n  %s ", name);
	const char *p = strstr(text, key);
	if (!p)
		return false;
	p += strlen(key);
	while (*p == ' ')
		p++;
	const char *nl = strchr(p, '\n');
	return nl && (size_t)(nl - p) >= strlen(expect) &&
		!strncmp(p, expect, strlen(expect));
}

int main(void)
{
	struct fixture f;
	char err[256];
	fixture_init(&f);

	/* In memory, as the scan does. */
	struct summary *mem = summary_new();
	struct summary_record recs[NFIX];
	for (int i = 0; i < NFIX; i++) {
		ok(summary_record_from_scan(&recs[i], f.obs[i], f.ver[i],
			f.truth) == 0, "record %d from the scan", i);
		summary_add(mem, &recs[i]);
	}

	/* Through JSON lines, in reverse order, as report does. */
	struct summary *back = summary_new();
	struct json j;
	json_init(&j, OUTPUT_LINE_MAX);
	for (int i = NFIX - 1; i >= 0; i--) {
		struct summary_record r;
		output_json(&j, f.obs[i], f.ver[i], f.truth);
		int rc = summary_record_from_json(&r, j.buf, j.len, err,
			sizeof(err));
		ok(rc == 0, "record %d read back from JSON %s", i,
			rc ? err : "");
		ok(rc == 0 && same_record(&r, &recs[i]),
			"record %d: JSON and memory agree", i);
		summary_add(back, &r);
		summary_record_clear(&r);
	}
	for (int i = 0; i < NFIX; i++)
		summary_record_clear(&recs[i]);

	char *a = print(mem, false), *b = print(back, false);
	ok(a && b && !strcmp(a, b), "the printed summaries are identical");
	for (char *p = a, *nl; a && (nl = strchr(p, '\n')); p = nl + 1)
		printf("# %.*s\n", (int)(nl - p), p);

	ok(summary_probed(mem) == 5 && summary_responsive(mem) == 4,
		"5 probed, 4 responsive");
	ok(summary_invalid(mem) == 3, "3 gave an invalid answer");
	ok(summary_class_count(mem, CLASS_FALSIFIED) == 2 &&
		summary_class_count(mem, CLASS_STATIC) == 1 &&
		summary_class_count(mem, CLASS_CORRECT) == 1 &&
		summary_class_count(mem, CLASS_TIMEOUT) == 1,
		"classes: 2 falsified, 1 static, 1 correct, 1 timeout");
	/* Table 7: gmail.com: invalid MX from 127.0.2.1, 127.0.2.2 and ::1,
	 * invalid IP from 127.0.2.1 and 127.0.2.2; one unique MX name
	 * (the static "A 10.9.9.9" is not an MX name), two unique IPs. */
	ok(row(a, "gmail.com.", "4            3            2            1"
		"            2"), "Table 7 row for gmail.com.");
	ok(row(a, "yahoo.com.", "1            1            0            1"
		"            0"), "Table 7 row for yahoo.com.");
	ok(row(a, "falsified", "2    40.00%            2"),
		"Table 13 row for falsified");
	ok(row(a, "nxdomain-rewrite", "1"), "flag counted");
	ok(strstr(a, "\n  gmail.com.           MX  mx.evil.example."
		"                                  2\n") != NULL,
		"most common invalid MX: mx.evil.example. from 2 resolvers");

	/* One resolver naming the same MX in two rounds counts once. */
	struct summary *one = summary_new();
	struct summary_query q2[2];
	char *vals[] = { "mx.twice.example." };
	memset(q2, 0, sizeof(q2));
	for (int i = 0; i < 2; i++) {
		q2[i].provider = "gmail.com.";
		q2[i].role = QUERY_MX;
		q2[i].qtype = LDNS_RR_TYPE_MX;
		q2[i].answered = true;
		q2[i].class = CLASS_FALSIFIED;
		q2[i].invalid = vals;
		q2[i].ninvalid = 1;
	}
	struct summary_record twice = { .resolver = "192.0.2.7",
		.class = CLASS_FALSIFIED, .classes = 1u << CLASS_FALSIFIED,
		.responsive = true, .queries = q2, .nqueries = 2 };
	summary_add(one, &twice);
	char *t = print(one, false);
	ok(t && row(t, "gmail.com.", "1            1            0            1"
		"            0") && strstr(t, "mx.twice.example."
		"                                 1\n"),
		"the same invalid MX twice from one resolver: counted once");
	free(t);
	summary_free(one);
	free(a);
	free(b);

	/* HTML: self-contained, escaped, with charts and the tables. */
	char *h = print(mem, true);
	ok(h && strstr(h, "<svg") && strstr(h, "<table") &&
		strstr(h, "<style>") && strstr(h, "gmail.com.") &&
		strstr(h, "<td>mx.evil.example.</td><td>2</td>"),
		"HTML has charts, tables, inline CSS");
	ok(h && !strstr(h, "<script") && !strstr(h, "http:") &&
		!strstr(h, "https:") && !strstr(h, "src=") &&
		!strstr(h, "href="), "no scripts, no external links");
	ok(h && strstr(h, "<title>scan &lt;of&gt; &quot;lab&quot;</title>"),
		"the title is escaped");
	free(h);

	/* Bad lines: a reason each, nothing counted. */
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "", "not JSON" },
		{ "{\"resolver\":\"1.2.3.4\"", "not JSON" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"class\":\"correct\",\"responsive\":true}", "\"resolver\"" },
		{ "{\"resolver\":\"1.2.3.4\",\"class\":\"lying\","
			"\"responsive\":true}", "unknown class" },
		{ "{\"resolver\":\"1.2.3.4\",\"class\":\"correct\"}",
			"\"responsive\"" },
		{ "{\"resolver\":\"1.2.3.4\",\"class\":\"correct\","
			"\"responsive\":true,\"flags\":[\"odd\"]}", "flags" },
		{ "{\"resolver\":\"1.2.3.4\",\"class\":\"correct\","
			"\"responsive\":true,\"queries\":[{\"role\":\"mx\"}]}",
			"qtype" },
		{ "{\"resolver\":\"1.2.3.4\",\"class\":null,"
			"\"responsive\":false} x", "text after" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct summary_record r;
		err[0] = 0;
		int rc = summary_record_from_json(&r, bad[i].line,
			strlen(bad[i].line), err, sizeof(err));
		ok(rc < 0 && strstr(err, bad[i].why), "bad line %zu: %s", i, err);
	}
	struct summary_record r;
	const char *minimal = "{\"resolver\":\"192.0.2.1\",\"class\":null,"
		"\"responsive\":false,\"error\":\"result too large\"}";
	ok(summary_record_from_json(&r, minimal, strlen(minimal), err,
		sizeof(err)) == 0 && r.class == CLASS_COUNT && r.nqueries == 0,
		"a short error line is a record (unjudged)");
	summary_add(back, &r);
	summary_record_clear(&r);
	summary_add_malformed(back);
	b = print(back, false);
	ok(b && row(b, "unjudged", "1") &&
		row(b, "malformed lines skipped", "1"),
		"unjudged and malformed lines are shown");
	free(b);

	json_clear(&j);
	summary_free(mem);
	summary_free(back);
	fixture_clear(&f);
	return tap_done();
}

/* test_summary.c: the summary from in-memory results equals the summary
 * from the same results written as JSON lines and read back; the counts
 * are the paper's; malformed lines are errors with reasons; HTML is
 * self-contained.  Up to SUMMARY_EXACT_MAX distinct values per provider and
 * kind everything is exact; past it memory stays bounded, the unique count
 * is a marked estimate within 5% and the heavy hitters still lead with
 * counts within the documented bound. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "tests/unit/results.h"
#include "scan/output.h"
#include "scan/summary.h"
#include "scan/summary_impl.h"

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

/* One resolver giving invalid MX values mx[] and IPs ip[] for gmail.com.
 * (nmx, nip may be 0). */
static int add_lie(struct summary *s, char **mx, size_t nmx, char **ip,
	size_t nip)
{
	struct summary_query q[2];
	memset(q, 0, sizeof(q));
	for (int i = 0; i < 2; i++) {
		q[i].provider = "gmail.com.";
		q[i].role = i ? QUERY_ADDR : QUERY_MX;
		q[i].qtype = i ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_MX;
		q[i].answered = true;
		q[i].class = CLASS_FALSIFIED;
		q[i].invalid = i ? ip : mx;
		q[i].ninvalid = i ? nip : nmx;
	}
	struct summary_record r = { .resolver = "192.0.2.1",
		.class = CLASS_FALSIFIED, .classes = 1u << CLASS_FALSIFIED,
		.responsive = true, .queries = q, .nqueries = 2 };
	return summary_add(s, &r);
}

/* Noise value i: a distinct MX name or address per resolver. */
static char *noise_mx(char *buf, size_t len, unsigned i)
{
	snprintf(buf, len, "mx-%06u.noise.example.", i);
	return buf;
}

static char *noise_ip(char *buf, size_t len, unsigned i)
{
	snprintf(buf, len, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255,
		i & 255);
	return buf;
}

static bool within(uint64_t est, uint64_t truth, double frac)
{
	double d = (double)est - (double)truth;
	return (d < 0 ? -d : d) <= frac * (double)truth;
}

/* Exactly SUMMARY_EXACT_MAX distinct values, one of them from 3
 * resolvers: all exact, no marks, and the order does not matter. */
static void test_at_cap(void)
{
	struct summary *fw = summary_new(), *bw = summary_new();
	const unsigned n = SUMMARY_EXACT_MAX + 2;	/* 3 give value 0 */
	char m[64], a[64], *mp = m, *ap = a;
	for (unsigned i = 0; i < n; i++) {
		unsigned v = i < 3 ? 0 : i - 2;
		add_lie(fw, (noise_mx(m, sizeof(m), v), &mp), 1,
			(noise_ip(a, sizeof(a), v), &ap), 1);
	}
	for (unsigned i = n; i-- > 0;) {
		unsigned v = i < 3 ? 0 : i - 2;
		add_lie(bw, (noise_mx(m, sizeof(m), v), &mp), 1,
			(noise_ip(a, sizeof(a), v), &ap), 1);
	}
	struct summary_unique u, w;
	ok(summary_unique(fw, "gmail.com.", true, &u) == 0 &&
		summary_unique(fw, "gmail.com.", false, &w) == 0 &&
		u.count == SUMMARY_EXACT_MAX && !u.estimated &&
		w.count == SUMMARY_EXACT_MAX && !w.estimated,
		"at the cap: %d unique MX names and IPs, exact",
		SUMMARY_EXACT_MAX);
	struct summary_top top[2];
	size_t nt;
	ok(summary_top(fw, "gmail.com.", true, top, 2, &nt) == 0 && nt == 2 &&
		!strcmp(top[0].value, "mx-000000.noise.example.") &&
		top[0].count == 3 && top[0].over == 0 &&
		top[1].count == 1 && top[1].over == 0,
		"at the cap: the top value from 3 resolvers, exact");
	char *t = print(fw, false), *tb = print(bw, false);
	char *h = print(fw, true), *hb = print(bw, true);
	char cells[128], more[128];
	/* Table 7's columns: answered (after the name's padding), then four
	 * of width 12. */
	snprintf(cells, sizeof(cells), "%u %12u %12u %12u %12u", n, n, n,
		SUMMARY_EXACT_MAX, SUMMARY_EXACT_MAX);
	/* The one-off noise names fold into one row, every value shown. */
	snprintf(more, sizeof(more), "  gmail.com.           MX  %u one-off "
		"names under noise.example.", SUMMARY_EXACT_MAX - 1);
	ok(t && row(t, "gmail.com.", cells) && !strchr(t, '~') &&
		strstr(t, more) && !strstr(t, "more)"),
		"at the cap: printed exactly, no estimate marks");
	ok(h && !strstr(h, "estimated") && !strchr(h, '~'),
		"at the cap: HTML has no estimate marks");
	ok(t && tb && !strcmp(t, tb) && h && hb && !strcmp(h, hb),
		"at the cap: the same records backwards print the same");
	free(t);
	free(tb);
	free(h);
	free(hb);
	summary_free(fw);
	summary_free(bw);
}

/* 200,000 resolvers, each with its own invalid MX name and IP, and three
 * heavy MX names: two from the start, one only late. */
#define NOISE 200000u
#define H1_EVERY 20u		/* from the start: 10,000 resolvers */
#define H2_EVERY 50u		/* from the start: 4,000 */
#define H3_EVERY 10u		/* from resolver H3_FROM on: 5,000 */
#define H3_FROM 150000u
#define HIP_EVERY 25u		/* a heavy IP: 8,000 */

static void feed(struct summary *s, unsigned i)
{
	char m[64], a[64];
	char *mx[4] = { noise_mx(m, sizeof(m), i) }, *ip[2] = {
		noise_ip(a, sizeof(a), i) };
	size_t nmx = 1, nip = 1;
	if (i % H1_EVERY == 0)
		mx[nmx++] = "mx.heavy-1.example.";
	if (i % H2_EVERY == 0)
		mx[nmx++] = "mx.heavy-2.example.";
	if (i >= H3_FROM && i % H3_EVERY == 0)
		mx[nmx++] = "mx.heavy-3.example.";
	if (i % HIP_EVERY == 0)
		ip[nip++] = "192.0.2.66";
	add_lie(s, mx, nmx, ip, nip);
}

static void test_past_cap(void)
{
	struct summary *s = summary_new(), *again = summary_new();
	struct summary_unique u, w;
	bool kept_ok = true, est_ok = true;
	size_t early = 0, late = 0;
	for (unsigned i = 0; i < NOISE; i++) {
		feed(s, i);
		feed(again, i);
		if (i % 1000 != 999 && i != NOISE - 1)
			continue;
		summary_unique(s, "gmail.com.", true, &u);
		summary_unique(s, "gmail.com.", false, &w);
		if (u.kept > SUMMARY_EXACT_MAX || w.kept > SUMMARY_EXACT_MAX)
			kept_ok = false;
		/* Distinct so far: i + 1 noise values and the heavy ones. */
		uint64_t mx_true = i + 1 + 2 + (i >= H3_FROM);
		if (u.estimated && !within(u.count, mx_true, 0.05))
			est_ok = false;
		if (w.estimated && !within(w.count, i + 2, 0.05))
			est_ok = false;
		/* Once full, the set's memory cycles (dropped strings pile
		 * up until their chunks are compacted): no growth. */
		if (i >= 2 * SUMMARY_EXACT_MAX && i < NOISE / 2 &&
		    u.bytes > early)
			early = u.bytes;
		if (i >= NOISE / 2 && u.bytes > late)
			late = u.bytes;
	}
	ok(kept_ok, "past the cap: never more than %d values kept",
		SUMMARY_EXACT_MAX);
	ok(late <= early && late < (3u << 20),
		"past the cap: memory stays bounded (at most %zu bytes from "
		"%u to %u values, %zu after)", early, 2 * SUMMARY_EXACT_MAX,
		NOISE / 2, late);
	ok(est_ok, "past the cap: every estimate within 5%% along the way");
	summary_unique(s, "gmail.com.", true, &u);
	summary_unique(s, "gmail.com.", false, &w);
	ok(u.estimated && w.estimated && within(u.count, NOISE + 3, 0.05) &&
		within(w.count, NOISE + 1, 0.05),
		"past the cap: %llu unique MX names (truly %u), %llu IPs "
		"(truly %u), estimated", (unsigned long long)u.count, NOISE + 3,
		(unsigned long long)w.count, NOISE + 1);

	/* The heavy hitters lead, each count within [truth, truth + over]
	 * and over within the documented bound. */
	const uint64_t counted = NOISE + NOISE / H1_EVERY + NOISE / H2_EVERY +
		(NOISE - H3_FROM) / H3_EVERY;
	const uint64_t bound = counted / SUMMARY_EXACT_MAX;
	static const struct {
		const char *value;
		uint64_t truth;
	} heavy[] = {
		{ "mx.heavy-1.example.", NOISE / H1_EVERY },
		{ "mx.heavy-3.example.", (NOISE - H3_FROM) / H3_EVERY },
		{ "mx.heavy-2.example.", NOISE / H2_EVERY },
	};
	struct summary_top top[4];
	size_t nt;
	ok(summary_top(s, "gmail.com.", true, top, 4, &nt) == 0 && nt == 4,
		"past the cap: a top list");
	for (size_t k = 0; k < 3; k++)
		ok(nt == 4 && !strcmp(top[k].value, heavy[k].value) &&
			top[k].count >= heavy[k].truth &&
			top[k].count - top[k].over <= heavy[k].truth &&
			top[k].over <= bound,
			"past the cap: #%zu is %s, %llu resolvers (truly %llu, "
			"over by at most %llu <= %llu)", k + 1, heavy[k].value,
			nt == 4 ? (unsigned long long)top[k].count : 0ULL,
			(unsigned long long)heavy[k].truth,
			nt == 4 ? (unsigned long long)top[k].over : 0ULL,
			(unsigned long long)bound);
	ok(nt == 4 && top[0].over == 0 && top[2].over == 0 && top[1].over > 0,
		"past the cap: values kept from the start are exact, the late "
		"one is marked");
	ok(nt == 4 && top[3].count <= bound + 1,
		"past the cap: the next value is noise, within the bound");
	ok(summary_top(s, "gmail.com.", false, top, 1, &nt) == 0 && nt == 1 &&
		!strcmp(top[0].value, "192.0.2.66") &&
		top[0].count == NOISE / HIP_EVERY && top[0].over == 0,
		"past the cap: the heavy IP leads, exact");

	char cell[64];
	snprintf(cell, sizeof(cell), "~%llu", (unsigned long long)top[1].count);
	char *t = print(s, false), *h = print(s, true);
	const char *p = t ? strstr(t, "Invalid answers by provider") : NULL;
	for (const char *nl; p && (nl = strchr(p, '\n')); p = nl + 1)
		printf("# %.*s\n", (int)(nl - p), p);
	char want1[160], want3[160];
	snprintf(want1, sizeof(want1), "MX  %-40s %10s\n",
		"mx.heavy-1.example.", "10000");
	snprintf(want3, sizeof(want3), "MX  %-40s %10s\n",
		"mx.heavy-3.example.", cell);
	char note[80];
	snprintf(note, sizeof(note), "\n~ marks an estimate: past %u distinct "
		"values", SUMMARY_EXACT_MAX);
	ok(t && strstr(t, want1) && strstr(t, want3) && strstr(t, note),
		"past the cap: text marks the overstated count (%s), not the "
		"exact ones, and explains", cell);
	snprintf(cell, sizeof(cell), " ~%llu", (unsigned long long)u.count);
	ok(t && strstr(t, cell), "past the cap: text Table 7 has %s", cell);
	ok(h && strstr(h, "<td class=\"estimated\" title=\"HyperLogLog") &&
		strstr(h, "<td>mx.heavy-1.example.</td><td>10000</td>") &&
		strstr(h, "<p class=\"estimated\">"),
		"past the cap: HTML marks estimates with class=\"estimated\"");
	char *t2 = print(again, false), *h2 = print(again, true);
	ok(t && t2 && !strcmp(t, t2) && h && h2 && !strcmp(h, h2),
		"past the cap: the same records in the same order print the "
		"same");
	free(t);
	free(t2);
	free(h);
	free(h2);
	summary_free(s);
	summary_free(again);
}

/* A value longer than any name is not a name: not counted. */
static void test_long_value(void)
{
	struct summary *s = summary_new();
	char *big = malloc(SUMMARY_VALUE_MAX + 2), *ok_len =
		malloc(SUMMARY_VALUE_MAX + 1);
	memset(big, 'a', SUMMARY_VALUE_MAX + 1);
	big[SUMMARY_VALUE_MAX + 1] = '\0';
	memset(ok_len, 'b', SUMMARY_VALUE_MAX);
	ok_len[SUMMARY_VALUE_MAX] = '\0';
	char *vals[] = { big, ok_len };
	add_lie(s, vals, 2, NULL, 0);
	struct summary_unique u;
	ok(summary_unique(s, "gmail.com.", true, &u) == 0 && u.count == 1,
		"a value over %d characters is not counted, one of %d is",
		SUMMARY_VALUE_MAX, SUMMARY_VALUE_MAX);
	free(big);
	free(ok_len);
	summary_free(s);
}

/* A real verdict, not a hand-written one: an answer whose CNAME leaves the
 * truth's chain is a lie, and the summary lists the CNAME's target as its
 * invalid value, from the verdict, without judging again. */
static void test_judged_once(void)
{
	struct fixture f;
	fixture_init(&f);
	struct observation *o = fx_obs("127.0.4.1");
	fx_add(o, MXH, LDNS_RR_TYPE_A, QUERY_ADDR, 0, fx_reply(MXH,
		LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, (const char *[]){
		MXH " 300 IN CNAME Cdn.Example.", "cdn.example. 300 IN A "
		"142.250.1.27", NULL }));
	struct verdict_ctx ctx = { f.truth, NULL };
	struct verdict *v = verdict_classify(&ctx, o);
	struct summary_record r;
	struct summary *s = summary_new();
	ok(v && v->class == CLASS_FALSIFIED &&
		summary_record_from_scan(&r, o, v, f.truth) == 0 &&
		summary_add(s, &r) == 0, "a CNAME outside the chain: falsified");
	struct summary_top top[2];
	size_t n = 0;
	int rc = summary_top(s, "gmail.com.", false, top, 2, &n);
	ok(rc == 0 && n == 1 && !strcmp(top[0].value, "cdn.example."),
		"its target is the invalid value the summary lists (%s)",
		n ? top[0].value : "none");
	summary_record_clear(&r);
	summary_free(s);
	verdict_free(v);
	observation_free(o);
	fixture_clear(&f);
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

	test_at_cap();
	test_past_cap();
	test_long_value();
	test_judged_once();
	/* The list of common invalid answers folds the one-offs a liar
	 * invents (a name per question) into one row per parent. */
	{
		struct strset set = { 0 };
		uint64_t serial = 0;
		char name[64];
		for (int r = 0; r < 3; r++)
			strset_add(&set, "a.lie.example.", ++serial);
		for (int r = 0; r < 2; r++)
			strset_add(&set, "b.lie.example.", ++serial);
		for (int i = 0; i < 20; i++) {
			snprintf(name, sizeof(name), "mx-%04x.varying.example.",
				i);
			strset_add(&set, name, ++serial);
		}
		strset_add(&set, "solo.other.example.", ++serial);
		size_t n;
		uint64_t shown;
		struct summary_row *rows = summary_rows(&set, true, 10, &n,
			&shown);
		ok(rows && n == 4 && !strcmp(rows[0].value, "a.lie.example.") &&
			rows[0].count == 3 && rows[0].names == 0 &&
			!strcmp(rows[1].value, "b.lie.example.") &&
			rows[1].count == 2, "values given by several resolvers "
			"first, most first");
		ok(rows && n == 4 && rows[2].names == 20 &&
			!strcmp(rows[2].value, "varying.example."),
			"20 one-off names under varying.example.: one row "
			"(got %s, %llu)", rows && n > 2 ? rows[2].value : "-",
			rows && n > 2 ? (unsigned long long)rows[2].names : 0);
		ok(rows && n == 4 && rows[3].names == 0 &&
			!strcmp(rows[3].value, "solo.other.example."),
			"a one-off alone under its parent stays a value");
		ok(shown == 23, "the rows cover 23 values (got %llu)",
			(unsigned long long)shown);
		free(rows);
		rows = summary_rows(&set, true, 2, &n, &shown);
		ok(n == 2 && shown == 2, "cut to max rows: 2 rows, 2 values");
		free(rows);
		strset_clear(&set);
		/* Addresses: the one-offs fold into one row, no parent. */
		strset_add(&set, "192.0.2.1", 1);
		strset_add(&set, "192.0.2.1", 2);
		strset_add(&set, "192.0.2.7", 3);
		strset_add(&set, "198.51.100.9", 4);
		rows = summary_rows(&set, false, 10, &n, &shown);
		ok(rows && n == 2 && rows[0].count == 2 && rows[1].names == 2 &&
			rows[1].value == NULL && shown == 3, "one-off addresses: "
			"one row");
		free(rows);
		strset_clear(&set);
	}
	return tap_done();
}

/* summary_text.c: the summary as aligned text tables (summary_print). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "scan/summary_impl.h"

/* A value from a saved file may hold anything: keep terminals safe. */
static void put_safe(FILE *f, const char *v, int width)
{
	int n = 0;
	for (; *v; v++, n++)
		fputc((unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v, f);
	for (; n < width; n++)
		fputc(' ', f);
}

#define TOP_TEXT 5

static void print_top(FILE *f, const char *prov, const char *kind,
	const struct strset *set)
{
	size_t n;
	uint64_t shown;
	struct summary_row *rows = summary_rows(set, kind[0] == 'M',
		TOP_TEXT, &n, &shown);
	char buf[32], what[300];
	for (size_t k = 0; rows && k < n; k++) {
		fputs("  ", f);
		put_safe(f, prov, 20);
		fprintf(f, " %-2s  ", kind);
		if (rows[k].names) {
			/* One row for the one-offs a liar invents. */
			snprintf(what, sizeof(what), "%llu one-off %s%s",
				(unsigned long long)rows[k].names, rows[k].value ?
				"names under " : "addresses", rows[k].value ?
				rows[k].value : "");
			put_safe(f, what, 40);
			fprintf(f, " %10s\n", "1 each");
			continue;
		}
		put_safe(f, rows[k].value, 40);
		fprintf(f, " %10s\n", summary_num(buf, sizeof(buf),
			rows[k].count, rows[k].over > 0));
	}
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (rows && u > shown) {
		fputs("  ", f);
		put_safe(f, prov, 20);
		fprintf(f, " %-2s  (%s more)\n", kind,
			summary_num(buf, sizeof(buf), u - shown, est));
	}
	free(rows);
}

/* A sweep's discovery: the targets asked and how many answered; those
 * that never did have no line, so this is the only place they show. */
static void print_sweep(const struct summary *s, FILE *f)
{
	if (!s->have_sweep)
		return;
	const struct summary_sweep *w = &s->sweep;
	fprintf(f, "Sweep\n");
	fprintf(f, "  %-28s %12llu\n", "targets probed",
		(unsigned long long)w->probed);
	fprintf(f, "  %-28s %12llu %7.2f%% of probed\n", "answered",
		(unsigned long long)w->answered,
		summary_pct(w->answered, w->probed));
	if (w->over)
		fprintf(f, "  %-28s %12llu %7.2f%% of probed\n", "silent",
			(unsigned long long)w->silent,
			summary_pct(w->silent, w->probed));
	else
		fprintf(f, "  %-28s %12s (not every pass made: --resume "
			"the sweep)\n", "silent", "?");
	fputc('\n', f);
}

/* The totals: probed, responsive, any invalid answer. */
static void print_totals(const struct summary *s, FILE *f)
{
	print_sweep(s, f);
	fprintf(f, "Summary\n");
	fprintf(f, "  %-28s %12llu\n", "resolvers probed",
		(unsigned long long)s->probed);
	fprintf(f, "  %-28s %12llu %7.2f%% of probed\n", "responsive",
		(unsigned long long)s->responsive,
		summary_pct(s->responsive, s->probed));
	fprintf(f, "  %-28s %12llu %7.2f%% of responsive\n",
		"any invalid answer", (unsigned long long)s->invalid,
		summary_pct(s->invalid, s->responsive));
	if (s->forwarders) {
		uint64_t behind;
		bool est;
		char buf[32];
		summary_forwarders(s, &behind, &est);
		fprintf(f, "  %-28s %12llu %7.2f%% of probed; the resolvers "
			"behind them: %s\n", "transparent forwarders",
			(unsigned long long)s->forwarders,
			summary_pct(s->forwarders, s->probed),
			summary_num(buf, sizeof(buf), behind, est));
	}
	if (s->malformed)
		fprintf(f, "  %-28s %12llu\n", "malformed lines skipped",
			(unsigned long long)s->malformed);
}

/* Table 13 (resolvers by class) and the flags. */
static void print_classes(const struct summary *s, FILE *f)
{
	fprintf(f, "\nResolvers by class (the paper's Table 13)\n");
	fprintf(f, "  %-16s %12s %9s %12s\n", "class", "resolvers",
		"%probed", "any-of-class");
	for (int c = 0; c < CLASS_COUNT; c++)
		fprintf(f, "  %-16s %12llu %8.2f%% %12llu\n",
			summary_class_name(c),
			(unsigned long long)s->primary[c],
			summary_pct(s->primary[c], s->probed),
			(unsigned long long)s->any[c]);
	if (s->unjudged)
		fprintf(f, "  %-16s %12llu %8.2f%%\n", "unjudged",
			(unsigned long long)s->unjudged,
			summary_pct(s->unjudged, s->probed));

	fprintf(f, "\nFlags\n");
	/* The column as wide as the longest name ("transparent-forwarder"),
	 * so that every row's numbers line up. */
	int w = 16;
	for (int b = 0; b < FLAG_COUNT_BITS; b++)
		if ((int)strlen(verdict_flag_str(1 << b)) > w)
			w = (int)strlen(verdict_flag_str(1 << b));
	for (int b = 0; b < FLAG_COUNT_BITS; b++)
		fprintf(f, "  %-*s %12llu %8.2f%%\n", w, verdict_flag_str(1 << b),
			(unsigned long long)s->flags[b],
			summary_pct(s->flags[b], s->probed));
}

/* Table 7: invalid answers by provider. */
static void print_providers(const struct summary *s, const struct prov **pv,
	FILE *f)
{
	fprintf(f, "\nInvalid answers by provider (the paper's Table 7)\n");
	fprintf(f, "  %-20s %10s %12s %12s %12s %12s\n", "provider",
		"answered", "invalid-MX", "invalid-IP", "unique-MX",
		"unique-IP");
	fprintf(f, "  %-20s %10s %12s %12s %12s %12s\n", "",
		"servers", "servers", "servers", "names", "IPs");
	for (size_t i = 0; i < s->nprovs; i++) {
		char mx[32], ip[32];
		bool mxe, ipe;
		uint64_t mxn = strset_unique(&pv[i]->mx, &mxe);
		uint64_t ipn = strset_unique(&pv[i]->ip, &ipe);
		fprintf(f, "  %-20s %10llu %12llu %12llu %12s %12s\n",
			pv[i]->name, (unsigned long long)pv[i]->asked,
			(unsigned long long)pv[i]->mx_servers,
			(unsigned long long)pv[i]->ip_servers,
			summary_num(mx, sizeof(mx), mxn, mxe),
			summary_num(ip, sizeof(ip), ipn, ipe));
	}
	if (s->nprovs == 0)
		fprintf(f, "  (no provider queries)\n");
}

/* The most common invalid answers, and the note on estimates. */
static void print_tops(const struct summary *s, const struct prov **pv,
	FILE *f)
{
	if (summary_any_value(s)) {
		fprintf(f, "\nMost common invalid answers (resolvers giving "
			"each; top %d)\n", TOP_TEXT);
		for (size_t i = 0; i < s->nprovs; i++) {
			print_top(f, pv[i]->name, "MX", &pv[i]->mx);
			print_top(f, pv[i]->name, "IP", &pv[i]->ip);
		}
	}
	if (summary_any_estimate(s))
		fprintf(f, "\n~ marks an estimate: past %d distinct values of "
			"a provider and kind,\n  unique counts come from a "
			"HyperLogLog sketch (about 1.6%% standard error),\n"
			"  and a count of resolvers may be overstated by the "
			"count of the dropped\n  value it replaced\n",
			SUMMARY_EXACT_MAX);
}

/* Where the lies lead: the destinations by verdict. */
static void print_follow(const struct summary *s, FILE *f)
{
	if (!s->have_follow)
		return;
	uint64_t n = 0;
	for (int v = 0; v < FOLLOW_VERDICTS; v++)
		n += s->follow[v];
	fprintf(f, "\nWhere the lies lead (one SMTP session per address a "
		"lie gave)\n");
	fprintf(f, "  %-28s %12llu\n", "addresses followed",
		(unsigned long long)n);
	if (s->follow_blocked)
		fprintf(f, "  %-28s %12llu\n", "kept out by the blocklist",
			(unsigned long long)s->follow_blocked);
	for (int v = FOLLOW_VERDICTS - 1; v >= 0; v--)
		fprintf(f, "  %-28s %12llu %7.2f%% of followed\n",
			follow_verdict_str(v), (unsigned long long)s->follow[v],
			summary_pct(s->follow[v], n));
}

int summary_print(const struct summary *s, FILE *f)
{
	const struct prov **pv = summary_sorted_provs(s);
	if (!pv)
		return -1;
	print_totals(s, f);
	print_classes(s, f);
	print_providers(s, pv, f);
	print_tops(s, pv, f);
	print_follow(s, f);
	free(pv);
	return ferror(f) ? -1 : 0;
}

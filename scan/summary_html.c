/* summary_html.c: the summary as a self-contained HTML page with inline
 * SVG bar charts (summary_html). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/html.h"
#include "scan/summary_impl.h"

#define TOP_HTML 10

/* A table cell with a unique count: an estimate is marked as such. */
static void html_unique(FILE *f, const struct strset *set)
{
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (est)
		fprintf(f, "<td class=\"estimated\" title=\"HyperLogLog "
			"estimate, about 1.6%% standard error\">~%llu</td>",
			(unsigned long long)u);
	else
		fprintf(f, "<td>%llu</td>", (unsigned long long)u);
}

/* The values a folded row stands for (one-offs under parent; parent NULL:
 * every one-off), behind a <details> the reader opens; in value order,
 * so that the page does not depend on the order the records came in. */
static void html_folded(FILE *f, const struct strset *set,
	const char *parent)
{
	size_t plen = parent ? strlen(parent) : 0;
	const struct strent **top = strset_top(set);
	fputs("<details><summary>the list</summary>", f);
	for (size_t i = 0; top && i < set->n; i++) {
		const struct strent *e = top[i];
		const char *dot = strchr(e->s, '.');
		if (e->count != 1 || (parent && (!dot ||
		    strncmp(dot + 1, parent, plen) || dot[1 + plen])))
			continue;
		html_text(f, e->s);
		fputs("<br>", f);
	}
	fputs("</details>", f);
	free(top);
}

static void html_top(FILE *f, const char *prov, const char *kind,
	const struct strset *set)
{
	size_t n;
	uint64_t shown;
	struct summary_row *rows = summary_rows(set, kind[0] == 'M',
		TOP_HTML, &n, &shown);
	for (size_t k = 0; rows && k < n; k++) {
		fputs("<tr><td>", f);
		html_text(f, prov);
		fprintf(f, "</td><td>%s</td><td>", kind);
		if (rows[k].names) {
			/* One row for the one-offs a liar invents. */
			fprintf(f, "%llu one-off %s",
				(unsigned long long)rows[k].names,
				rows[k].value ? "names under " : "addresses");
			if (rows[k].value)
				html_text(f, rows[k].value);
			html_folded(f, set, rows[k].value);
			fputs("</td><td>1 each</td></tr>\n", f);
		} else if (rows[k].over) {
			html_text(f, rows[k].value);
			fprintf(f, "</td><td class=\"estimated\" title=\"at "
				"least %llu, at most %llu\">~%llu</td></tr>\n",
				(unsigned long long)(rows[k].count -
				rows[k].over),
				(unsigned long long)rows[k].count,
				(unsigned long long)rows[k].count);
		} else {
			html_text(f, rows[k].value);
			fprintf(f, "</td><td>%llu</td></tr>\n",
				(unsigned long long)rows[k].count);
		}
	}
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (rows && u > shown) {
		fputs("<tr><td>", f);
		html_text(f, prov);
		fprintf(f, "</td><td>%s</td><td>(%s%llu more)</td><td></td>"
			"</tr>\n", kind, est ? "~" : "",
			(unsigned long long)(u - shown));
	}
	free(rows);
}

/* The page's head and title, and the opening cards. */
static void html_head(const struct summary *s, FILE *f, const char *title)
{
	html_page_head(f, title);
	fputs("<div class=\"cards\">\n", f);
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"resolvers probed</div>\n", (unsigned long long)s->probed);
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"responsive (%.2f%%)</div>\n", (unsigned long long)s->responsive,
		summary_pct(s->responsive, s->probed));
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"any invalid answer (%.2f%% of responsive)</div>\n",
		(unsigned long long)s->invalid,
		summary_pct(s->invalid, s->responsive));
	if (s->forwarders) {
		uint64_t behind;
		bool est;
		char buf[32];
		summary_forwarders(s, &behind, &est);
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
			"transparent forwarders (the resolvers behind them: "
			"%s)</div>\n", (unsigned long long)s->forwarders,
			summary_num(buf, sizeof(buf), behind, est));
	}
	if (s->malformed)
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
			"malformed lines skipped</div>\n",
			(unsigned long long)s->malformed);
	fputs("</div>\n", f);
	if (s->have_sweep) {
		const struct summary_sweep *w = &s->sweep;
		char sil[32];
		if (w->over)
			snprintf(sil, sizeof(sil), "%llu",
				(unsigned long long)w->silent);
		else
			snprintf(sil, sizeof(sil), "?");
		fprintf(f, "<h2>Sweep</h2>\n<table>\n<tr><th>targets probed"
			"</th><th>answered</th><th>silent</th></tr>\n<tr><td>"
			"%llu</td><td>%llu (%.2f%%)</td><td>%s%s</td></tr>\n"
			"</table>\n", (unsigned long long)w->probed,
			(unsigned long long)w->answered,
			summary_pct(w->answered, w->probed), sil, w->over ? "" :
			" (not every pass made)");
	}
}

/* Table 13 (resolvers by class, chart and table) and the flags chart. */
static void html_classes(const struct summary *s, FILE *f)
{
	const char *labels[CLASS_COUNT + FLAG_COUNT_BITS];
	uint64_t values[CLASS_COUNT + FLAG_COUNT_BITS];
	fputs("<h2>Resolvers by class (the paper's Table 13)</h2>\n", f);
	for (int c = 0; c < CLASS_COUNT; c++) {
		labels[c] = summary_class_name(c);
		values[c] = s->primary[c];
	}
	html_bars(f, labels, values, CLASS_COUNT, "#3b6ea8", 0,
		"resolvers whose answers put them in the class (the first "
		"that applies, in this order)");
	/* The lies are often slivers beside "correct": again on their own
	 * scale. */
	size_t nl = 0;
	for (int c = 0; c < CLASS_COUNT; c++)
		if (verdict_class_is_lie(c)) {
			labels[nl] = summary_class_name(c);
			values[nl++] = s->primary[c];
		}
	fputs("<h3>The lying classes alone</h3>\n", f);
	html_bars(f, labels, values, nl, "#b00020", 0,
		"resolvers per lying class, on a scale of their own");
	fputs("<table>\n<tr><th>class</th><th>resolvers</th><th>% of probed"
		"</th><th>with this class among others</th></tr>\n", f);
	for (int c = 0; c < CLASS_COUNT; c++)
		fprintf(f, "<tr%s><td>%s</td><td>%llu</td><td>%.2f%%</td>"
			"<td>%llu</td></tr>\n",
			verdict_class_is_lie(c) ? " class=\"lie\"" : "",
			summary_class_name(c), (unsigned long long)s->primary[c],
			summary_pct(s->primary[c], s->probed),
			(unsigned long long)s->any[c]);
	if (s->unjudged)
		fprintf(f, "<tr><td>unjudged</td><td>%llu</td><td>%.2f%%</td>"
			"<td></td></tr>\n", (unsigned long long)s->unjudged,
			summary_pct(s->unjudged, s->probed));
	fputs("</table>\n", f);

	fputs("<h2>Flags</h2>\n", f);
	for (int b = 0; b < FLAG_COUNT_BITS; b++) {
		labels[b] = verdict_flag_str(1 << b);
		values[b] = s->flags[b];
	}
	html_bars(f, labels, values, FLAG_COUNT_BITS, "#8a5fb0", 0,
		"resolvers with the flag (a resolver may have several)");
}

/* The chart of servers with invalid MX and IP answers per provider. */
static void html_provider_chart(const struct summary *s,
	const struct prov **pv, FILE *f)
{
	if (!s->nprovs)
		return;
	const char **pl = malloc(2 * s->nprovs * sizeof(*pl));
	uint64_t *pvv = malloc(2 * s->nprovs * sizeof(*pvv));
	char (*names)[300] = malloc(2 * s->nprovs * sizeof(*names));
	if (pl && pvv && names) {
		for (size_t i = 0; i < s->nprovs; i++) {
			snprintf(names[2 * i], sizeof(names[0]), "%s MX",
				pv[i]->name);
			snprintf(names[2 * i + 1], sizeof(names[0]), "%s IP",
				pv[i]->name);
			pl[2 * i] = names[2 * i];
			pl[2 * i + 1] = names[2 * i + 1];
			pvv[2 * i] = pv[i]->mx_servers;
			pvv[2 * i + 1] = pv[i]->ip_servers;
		}
		html_bars(f, pl, pvv, 2 * s->nprovs, "#c0504d", 0,
			"resolvers with an invalid MX answer (MX) or an "
			"invalid address for the best MX host (IP)");
	}
	free(pl);
	free(pvv);
	free(names);
}

/* Table 7 (invalid answers by provider): chart and table. */
static void html_providers(const struct summary *s, const struct prov **pv,
	FILE *f)
{
	fputs("<h2>Invalid answers by provider (the paper's Table 7)</h2>\n",
		f);
	html_provider_chart(s, pv, f);
	fputs("<table>\n<tr><th>provider</th><th>servers answering</th>"
		"<th>servers with invalid MX</th><th>servers with invalid IP"
		"</th><th>unique invalid MX names</th><th>unique invalid IPs"
		"</th></tr>\n", f);
	for (size_t i = 0; i < s->nprovs; i++) {
		fputs("<tr><td>", f);
		html_text(f, pv[i]->name);
		fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td>",
			(unsigned long long)pv[i]->asked,
			(unsigned long long)pv[i]->mx_servers,
			(unsigned long long)pv[i]->ip_servers);
		html_unique(f, &pv[i]->mx);
		html_unique(f, &pv[i]->ip);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The most common invalid answers, and the note on estimates. */
static void html_tops(const struct summary *s, const struct prov **pv,
	FILE *f)
{
	if (summary_any_value(s)) {
		fprintf(f, "<h2>Most common invalid answers</h2>\n<table>\n"
			"<tr><th>provider</th><th>kind</th><th>invalid answer"
			"</th><th>resolvers giving it</th></tr>\n");
		for (size_t i = 0; i < s->nprovs; i++) {
			html_top(f, pv[i]->name, "MX", &pv[i]->mx);
			html_top(f, pv[i]->name, "IP", &pv[i]->ip);
		}
		fputs("</table>\n", f);
	}
	if (summary_any_estimate(s))
		fprintf(f, "<p class=\"estimated\">~ marks an estimate: "
			"past %d distinct values of a provider and kind, "
			"unique counts come from a HyperLogLog sketch (about "
			"1.6%% standard error), and a count of resolvers may "
			"be overstated by the count of the dropped value it "
			"replaced (its title gives the bounds).</p>\n",
			SUMMARY_EXACT_MAX);
}

/* Where the lies lead: the destinations by verdict. */
static void html_follow(const struct summary *s, FILE *f)
{
	if (!s->have_follow)
		return;
	const char *labels[FOLLOW_VERDICTS];
	uint64_t values[FOLLOW_VERDICTS];
	for (int v = 0; v < FOLLOW_VERDICTS; v++) {
		labels[v] = follow_verdict_str(FOLLOW_VERDICTS - 1 - v);
		values[v] = s->follow[FOLLOW_VERDICTS - 1 - v];
	}
	fputs("<h2>Where the lies lead</h2>\n", f);
	html_bars(f, labels, values, FOLLOW_VERDICTS, "#b00020", 0,
		"addresses a lie gave, by what one SMTP session found there "
		"(imposter: a certificate valid for the provider's true MX "
		"host)");
	if (s->follow_blocked)
		fprintf(f, "<p>%llu more kept out by the blocklist.</p>\n",
			(unsigned long long)s->follow_blocked);
}

int summary_html(const struct summary *s, FILE *f, const char *title)
{
	const struct prov **pv = summary_sorted_provs(s);
	if (!pv)
		return -1;
	html_head(s, f, title);
	html_classes(s, f);
	html_providers(s, pv, f);
	html_tops(s, pv, f);
	html_follow(s, f);
	html_page_end(f);
	free(pv);
	return ferror(f) ? -1 : 0;
}

/* summary.c: the running totals of a scan's summary (see summary.h); the
 * printers are in summary_text.c and summary_html.c. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include "scan/summary_impl.h"

struct summary *summary_new(void)
{
	return calloc(1, sizeof(struct summary));
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nprovs; i++) {
		free(s->provs[i].name);
		strset_clear(&s->provs[i].mx);
		strset_clear(&s->provs[i].ip);
	}
	free(s->provs);
	strset_clear(&s->behind);
	free(s);
}

void summary_add_sweep(struct summary *s, const struct summary_sweep *w)
{
	s->sweep.over = s->have_sweep ? s->sweep.over && w->over : w->over;
	s->have_sweep = true;
	s->sweep.probed += w->probed;
	s->sweep.answered += w->answered;
	s->sweep.silent += w->silent;
}

uint64_t summary_forwarders(const struct summary *s, uint64_t *behind,
	bool *estimated)
{
	bool est = false;
	uint64_t n = strset_unique(&s->behind, &est);
	if (behind)
		*behind = n;
	if (estimated)
		*estimated = est;
	return s->forwarders;
}

static struct prov *prov_get(struct summary *s, const char *name)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (!strcasecmp(s->provs[i].name, name))
			return &s->provs[i];
	struct prov *v = realloc(s->provs, (s->nprovs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->provs = v;
	memset(&v[s->nprovs], 0, sizeof(*v));
	if (!(v[s->nprovs].name = strdup(name)))
		return NULL;
	return &v[s->nprovs++];
}

/* A value that names one MX host or address: no "TYPE rdata" space, and
 * no longer than a name in presentation form can be (a saved file may
 * hold anything; the set's memory is bounded by its cap times this). */
static bool plain(const char *v)
{
	return !strchr(v, ' ') && strlen(v) <= SUMMARY_VALUE_MAX;
}

int summary_add(struct summary *s, const struct summary_record *r)
{
	bool invalid = false;
	s->probed++;
	s->serial++;
	if (r->forwarded) {
		s->forwarders++;
		if (r->answered_by[0] &&
		    strset_add(&s->behind, r->answered_by, s->serial) < 0)
			return -1;
	}
	if (r->responsive)
		s->responsive++;
	if (r->class < CLASS_COUNT)
		s->primary[r->class]++;
	else
		s->unjudged++;
	for (int c = 0; c < CLASS_COUNT; c++)
		if (r->classes & (1u << c)) {
			s->any[c]++;
			if (verdict_class_is_lie(c))
				invalid = true;
		}
	if (verdict_class_is_lie(r->class))
		invalid = true;
	for (int f = 0; f < FLAG_COUNT_BITS; f++)
		if (r->flags & (1u << f))
			s->flags[f]++;

	/* Per provider: each resolver counts once per provider and column. */
	struct seen {
		const char *name;
		bool mx, ip, asked;
	} *seen = NULL;
	size_t nseen = 0;
	if (r->nqueries && !(seen = calloc(r->nqueries, sizeof(*seen))))
		return -1;
	for (size_t i = 0; i < r->nqueries; i++) {
		const struct summary_query *q = &r->queries[i];
		if (verdict_class_is_lie(q->class))
			invalid = true;
		if (!q->provider ||
		    (q->role != QUERY_MX && q->role != QUERY_ADDR))
			continue;
		struct prov *p = prov_get(s, q->provider);
		if (!p)
			goto oom;
		size_t j;
		for (j = 0; j < nseen; j++)
			if (!strcasecmp(seen[j].name, q->provider))
				break;
		if (j == nseen)
			seen[nseen++].name = q->provider;
		if (q->answered && !seen[j].asked) {
			seen[j].asked = true;
			p->asked++;
		}
		if (!verdict_class_is_lie(q->class))
			continue;
		bool mx = q->role == QUERY_MX;
		if (mx && !seen[j].mx) {
			seen[j].mx = true;
			p->mx_servers++;
		} else if (!mx && !seen[j].ip) {
			seen[j].ip = true;
			p->ip_servers++;
		}
		for (size_t k = 0; k < q->ninvalid; k++)
			if (plain(q->invalid[k]) && strset_add(mx ? &p->mx :
			    &p->ip, q->invalid[k], s->probed) < 0)
				goto oom;
	}
	free(seen);
	if (invalid)
		s->invalid++;
	return 0;
oom:
	free(seen);
	return -1;
}

void summary_add_malformed(struct summary *s)
{
	s->malformed++;
}

uint64_t summary_probed(const struct summary *s) { return s->probed; }
uint64_t summary_responsive(const struct summary *s) { return s->responsive; }
uint64_t summary_invalid(const struct summary *s) { return s->invalid; }

uint64_t summary_class_count(const struct summary *s, enum verdict_class c)
{
	return c < CLASS_COUNT ? s->primary[c] : s->unjudged;
}

static const struct strset *set_of(const struct summary *s,
	const char *provider, bool mx)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (!strcasecmp(s->provs[i].name, provider))
			return mx ? &s->provs[i].mx : &s->provs[i].ip;
	return NULL;
}

int summary_unique(const struct summary *s, const char *provider, bool mx,
	struct summary_unique *u)
{
	const struct strset *set = set_of(s, provider, mx);
	memset(u, 0, sizeof(*u));
	if (!set)
		return -1;
	u->count = strset_unique(set, &u->estimated);
	u->kept = set->n;
	u->bytes = strset_bytes(set);
	return 0;
}

int summary_top(const struct summary *s, const char *provider, bool mx,
	struct summary_top *top, size_t max, size_t *n)
{
	const struct strset *set = set_of(s, provider, mx);
	*n = 0;
	if (!set)
		return -1;
	if (!set->n)
		return 0;
	const struct strent **v = strset_top(set);
	if (!v)
		return -1;
	for (; *n < max && *n < set->n; (*n)++)
		top[*n] = (struct summary_top){ v[*n]->s, v[*n]->count,
			v[*n]->over };
	free(v);
	return 0;
}

/* --- what both printers need ------------------------------------------ */

const char *summary_class_name(int c)
{
	return c >= 0 && c < CLASS_COUNT ? verdict_class_str(c) : "unjudged";
}

static int cmp_prov(const void *a, const void *b)
{
	const struct prov *const *x = a, *const *y = b;
	return strcasecmp((*x)->name, (*y)->name);
}

const struct prov **summary_sorted_provs(const struct summary *s)
{
	const struct prov **v = malloc((s->nprovs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->nprovs; i++)
		v[i] = &s->provs[i];
	qsort(v, s->nprovs, sizeof(*v), cmp_prov);
	return v;
}

double summary_pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

const char *summary_num(char *buf, size_t len, uint64_t n, bool estimated)
{
	snprintf(buf, len, "%s%llu", estimated ? "~" : "",
		(unsigned long long)n);
	return buf;
}

bool summary_any_estimate(const struct summary *s)
{
	bool est;
	for (size_t i = 0; i < s->nprovs; i++) {
		strset_unique(&s->provs[i].mx, &est);
		if (est)
			return true;
		strset_unique(&s->provs[i].ip, &est);
		if (est)
			return true;
	}
	return false;
}

bool summary_any_value(const struct summary *s)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (s->provs[i].mx.n || s->provs[i].ip.n)
			return true;
	return false;
}

/* The parent domain of a name: what follows its first label. */
static const char *parent_of(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot && dot[1] ? dot + 1 : name;
}

static int cmp_row(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;
	if (x->names != y->names)
		return x->names < y->names ? 1 : -1;
	return strcmp(x->parent, y->parent);
}

struct summary_row *summary_rows(const struct strset *set, bool mx,
	size_t max, size_t *n, uint64_t *shown)
{
	*n = 0;
	*shown = 0;
	const struct strent **top = strset_top(set);
	if (!top)
		return NULL;
	struct summary_row *rows = calloc(set->n, sizeof(*rows));
	struct summary_row *folds = calloc(set->n, sizeof(*folds));
	size_t nrows = 0, nfolds = 0, k = 0;
	if (!rows || !folds) {
		free(rows);
		free(folds);
		free(top);
		return NULL;
	}
	for (; k < set->n && top[k]->count > 1; k++)
		rows[nrows++] = (struct summary_row){ .value = top[k]->s,
			.count = top[k]->count, .over = top[k]->over };
	/* The one-offs: a fold per parent (mx), one for all (addresses). */
	for (size_t i = k; i < set->n; i++) {
		const char *p = mx ? parent_of(top[i]->s) : "";
		size_t f = 0;
		while (f < nfolds && strcmp(folds[f].parent, p))
			f++;
		if (f == nfolds) {
			snprintf(folds[f].parent, sizeof(folds[f].parent), "%s",
				p);
			folds[f].value = top[i]->s;
			folds[f].count = top[i]->count;
			folds[f].over = top[i]->over;
			nfolds++;
		}
		folds[f].names++;
	}
	qsort(folds, nfolds, sizeof(*folds), cmp_row);
	for (size_t f = 0; f < nfolds; f++) {
		struct summary_row *r = &rows[nrows++];
		*r = folds[f];
		if (r->names == 1) {
			/* Alone under its parent: the value itself. */
			r->names = 0;
			r->parent[0] = '\0';
		} else
			r->value = mx ? r->parent : NULL;
	}
	if (nrows > max)
		nrows = max;
	for (size_t i = 0; i < nrows; i++)
		*shown += rows[i].names ? rows[i].names : 1;
	free(folds);
	free(top);
	*n = nrows;
	return rows;
}

void summary_add_follow(struct summary *s, int verdict)
{
	s->have_follow = true;
	if (verdict < 0 || verdict >= FOLLOW_VERDICTS)
		s->follow_blocked++;
	else
		s->follow[verdict]++;
}

/* diff.c: two scans compared (see diff.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "scan/diff.h"
#include "validator/verdict.h"

static const char *const change_names[DIFF_CHANGE_COUNT] = {
	"began-lying", "stopped-lying", "changed-lie", "new-liar",
	"gone-liar", "destination-appeared", "destination-gone",
};

const char *diff_change_str(enum diff_change c)
{
	return c < DIFF_CHANGE_COUNT ? change_names[c] : "?";
}

void diff_side_init(struct diff_side *s)
{
	memset(s, 0, sizeof(*s));
}

static int add_dest(const char *addr, const char *provider, void *arg)
{
	struct diff_side *s = arg;
	(void)provider;
	if (s->ndest == s->dest_cap) {
		size_t cap = s->dest_cap ? 2 * s->dest_cap : 256;
		char (*d)[64] = realloc(s->dest, cap * sizeof(*d));
		if (!d)
			return -1;
		s->dest = d;
		s->dest_cap = cap;
	}
	snprintf(s->dest[s->ndest++], sizeof(s->dest[0]), "%s", addr);
	return 0;
}

int diff_side_add(struct diff_side *s, const struct summary_record *rec)
{
	struct prefix p;
	char err[64];
	if (prefix_parse(rec->resolver, &p, err, sizeof(err)) < 0) {
		s->bad_addr++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct diff_entry *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = (struct diff_entry){ .addr = p, .seq = (uint32_t)s->n,
		.cls = (uint8_t)(rec->class < CLASS_COUNT ? rec->class :
		CLASS_COUNT) };
	s->n++;
	return follow_lie_addrs(rec, add_dest, s);
}

void diff_side_clear(struct diff_side *s)
{
	free(s->v);
	free(s->dest);
	diff_side_init(s);
}

static int addr_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
}

static int entry_cmp(const void *x, const void *y)
{
	const struct diff_entry *a = x, *b = y;
	int c = addr_cmp(&a->addr, &b->addr);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sort s by address and keep the last record read of each. */
static void sort_side(struct diff_side *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k && addr_same(&s->v[k - 1].addr, &s->v[i].addr))
			k--;
		s->v[k++] = s->v[i];
	}
	s->n = k;
}

static bool is_lie(int cls)
{
	return cls >= 0 && cls < CLASS_COUNT && verdict_class_is_lie(cls);
}

static int report(enum diff_change ch, const struct prefix *a,
	const char *what, int o, int n, diff_cb cb, void *arg,
	struct diff_counts *c)
{
	char buf[64];
	c->n[ch]++;
	if (!what)
		what = prefix_str(a, buf, sizeof(buf));
	return cb(ch, what, o, n, arg);
}

static int dest_cmp(const void *x, const void *y)
{
	return strcmp(x, y);
}

/* Sort s's destinations and drop the repeats. */
static void sort_dest(struct diff_side *s)
{
	if (s->ndest > 1)
		qsort(s->dest, s->ndest, sizeof(*s->dest), dest_cmp);
	size_t k = 0;
	for (size_t i = 0; i < s->ndest; i++)
		if (!k || strcmp(s->dest[k - 1], s->dest[i]))
			memmove(s->dest[k++], s->dest[i], sizeof(*s->dest));
	s->ndest = k;
}

int diff_run(struct diff_side *old, struct diff_side *new, diff_cb cb,
	void *arg, struct diff_counts *c)
{
	memset(c, 0, sizeof(*c));
	sort_side(old);
	sort_side(new);
	size_t i = 0, j = 0;
	while (i < old->n || j < new->n) {
		const struct diff_entry *o = i < old->n ? &old->v[i] : NULL;
		const struct diff_entry *n = j < new->n ? &new->v[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : addr_cmp(&o->addr, &n->addr);
		int rc = 0;
		if (cmp < 0) {
			c->only_old++;
			if (is_lie(o->cls))
				rc = report(DIFF_GONE_LIAR, &o->addr, NULL,
					o->cls, -1, cb, arg, c);
			i++;
		} else if (cmp > 0) {
			c->only_new++;
			if (is_lie(n->cls))
				rc = report(DIFF_NEW_LIAR, &n->addr, NULL, -1,
					n->cls, cb, arg, c);
			j++;
		} else {
			c->both++;
			bool ol = is_lie(o->cls), nl = is_lie(n->cls);
			if (o->cls != n->cls) {
				if (!ol && nl)
					rc = report(DIFF_BEGAN_LYING, &n->addr,
						NULL, o->cls, n->cls, cb, arg, c);
				else if (ol && !nl)
					rc = report(DIFF_STOPPED_LYING,
						&n->addr, NULL, o->cls, n->cls,
						cb, arg, c);
				else if (ol && nl)
					rc = report(DIFF_CHANGED_LIE, &n->addr,
						NULL, o->cls, n->cls, cb, arg, c);
				else
					c->other_changes++;
			}
			i++;
			j++;
		}
		if (rc < 0)
			return -1;
	}
	sort_dest(old);
	sort_dest(new);
	i = j = 0;
	while (i < old->ndest || j < new->ndest) {
		int cmp = i == old->ndest ? 1 : j == new->ndest ? -1 :
			strcmp(old->dest[i], new->dest[j]);
		int rc = 0;
		if (cmp < 0)
			rc = report(DIFF_DEST_GONE, NULL, old->dest[i++], -1, -1,
				cb, arg, c);
		else if (cmp > 0)
			rc = report(DIFF_DEST_APPEARED, NULL, new->dest[j++],
				-1, -1, cb, arg, c);
		else
			i++, j++;
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* share.c: a keyed table of shared results with waiters and a bounded
 * least-recently-used list of finished ones (see share.h). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/share.h"

struct waiter {
	share_cb cb;
	void *arg;
	struct waiter *next;
};

struct share_entry {
	char *key;
	uint32_t hash;
	bool done;
	bool calling;		/* its waiters are being called: not evicted */
	void *value;
	struct waiter *wait_head, *wait_tail;	/* while not done */
	struct share_entry *chain;		/* in the bucket */
	struct share_entry *older, *newer;	/* in the done list */
};

struct share {
	struct share_entry **buckets;
	size_t nbuckets;	/* a power of two */
	size_t max_done;
	void (*free_value)(void *);
	/* Finished entries, most recently used first. */
	struct share_entry *newest, *oldest;
	struct share_stats stats;
};

/* FNV-1a: short keys, no adversary choosing them to collide (they are
 * addresses and host names of the run's own lookups). */
static uint32_t hash_key(const char *k)
{
	uint32_t h = 2166136261u;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

struct share *share_new(size_t max_done, void (*free_value)(void *))
{
	struct share *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->nbuckets = 64;
	while (s->nbuckets < 2 * max_done && s->nbuckets < (1u << 20))
		s->nbuckets *= 2;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (!s->buckets) {
		free(s);
		return NULL;
	}
	s->max_done = max_done ? max_done : 1;
	s->free_value = free_value ? free_value : free;
	return s;
}

static void done_unlink(struct share *s, struct share_entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	e->older = e->newer = NULL;
}

static void done_push_newest(struct share *s, struct share_entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

static void entry_unchain(struct share *s, struct share_entry *e)
{
	struct share_entry **p = &s->buckets[e->hash & (s->nbuckets - 1)];

	while (*p && *p != e)
		p = &(*p)->chain;
	if (*p)
		*p = e->chain;
}

static void entry_free(struct share *s, struct share_entry *e)
{
	struct waiter *w, *next;

	for (w = e->wait_head; w; w = next) {
		next = w->next;
		free(w);
	}
	if (e->value)
		s->free_value(e->value);
	free(e->key);
	free(e);
}

static int add_waiter(struct share_entry *e, share_cb cb, void *arg)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (!w)
		return -1;
	w->cb = cb;
	w->arg = arg;
	if (e->wait_tail)
		e->wait_tail->next = w;
	else
		e->wait_head = w;
	e->wait_tail = w;
	return 0;
}

int share_get(struct share *s, const char *key, share_cb cb, void *arg,
	struct share_entry **entry, const void **value)
{
	uint32_t h = hash_key(key);
	struct share_entry *e = s->buckets[h & (s->nbuckets - 1)];

	*entry = NULL;
	*value = NULL;
	for (; e; e = e->chain)
		if (e->hash == h && strcmp(e->key, key) == 0)
			break;
	if (e && e->done) {
		done_unlink(s, e);
		done_push_newest(s, e);
		*value = e->value;
		s->stats.shared++;
		return SHARE_DONE;
	}
	if (e) {
		if (add_waiter(e, cb, arg) < 0)
			return -1;
		s->stats.shared++;
		return SHARE_WAIT;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key)) || add_waiter(e, cb, arg) < 0) {
		if (e)
			free(e->key);
		free(e);
		return -1;
	}
	e->hash = h;
	e->chain = s->buckets[h & (s->nbuckets - 1)];
	s->buckets[h & (s->nbuckets - 1)] = e;
	*entry = e;
	s->stats.made++;
	return SHARE_NEW;
}

size_t share_put(struct share *s, struct share_entry *e, void *value)
{
	struct waiter *w = e->wait_head, *next;
	struct share_entry *old;
	size_t n = 0;

	e->wait_head = e->wait_tail = NULL;
	e->value = value;
	e->done = true;
	done_push_newest(s, e);
	s->stats.kept++;
	/* A waiter may ask the table again, and put other entries: value
	 * stays until the last waiter had it. */
	e->calling = true;
	for (; w; w = next) {
		next = w->next;
		w->cb(value, w->arg);
		free(w);
		n++;
	}
	e->calling = false;
	for (old = s->oldest; old && s->stats.kept > s->max_done; ) {
		struct share_entry *newer = old->newer;
		if (!old->calling) {
			done_unlink(s, old);
			entry_unchain(s, old);
			entry_free(s, old);
			s->stats.kept--;
			s->stats.evicted++;
		}
		old = newer;
	}
	return n;
}

void share_stats(const struct share *s, struct share_stats *st)
{
	*st = s->stats;
}

void share_free(struct share *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct share_entry *e = s->buckets[i], *next;
		for (; e; e = next) {
			next = e->chain;
			entry_free(s, e);
		}
	}
	free(s->buckets);
	free(s);
}

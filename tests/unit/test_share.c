/* test_share.c: the table of shared results: the first asker makes, the
 * others wait or get it at once, waiters are called in order, a waiter
 * that asks again meanwhile is safe, and finished results are kept up to
 * the bound with the least recently used going first. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "common/share.h"
#include "tests/tap.h"

static char calls[256];
static int freed;

static void note(const void *value, void *arg)
{
	size_t l = strlen(calls);
	snprintf(calls + l, sizeof(calls) - l, "%s%s=%s", l ? " " : "",
		(const char *)arg, value ? (const char *)value : "-");
}

static void count_free(void *v)
{
	freed++;
	free(v);
}

/* A waiter that asks the table for its own key again while called. */
static struct share *again_table;
static const void *again_value;
static void ask_again(const void *value, void *arg)
{
	struct share_entry *e;
	(void)value;
	share_get(again_table, arg, note, "x", &e, &again_value);
}

int main(void)
{
	struct share *s = share_new(2, count_free);
	struct share_entry *e, *e2;
	const void *v;

	ok(s != NULL, "a table");
	ok(share_get(s, "a", note, "1", &e, &v) == SHARE_NEW && e && !v,
		"first asker of a: new, with an entry");
	ok(share_get(s, "a", note, "2", &e2, &v) == SHARE_WAIT && !e2,
		"second asker of a while it is made: waits");
	ok(share_get(s, "a", note, "3", &e2, &v) == SHARE_WAIT,
		"third asker: waits");
	ok(share_put(s, e, strdup("A")) == 3 &&
		!strcmp(calls, "1=A 2=A 3=A"),
		"put calls every waiter, the maker first, in order (%s)",
		calls);
	calls[0] = 0;
	ok(share_get(s, "a", note, "4", &e2, &v) == SHARE_DONE && v &&
		!strcmp(v, "A") && !calls[0],
		"an asker after: the result at once, no callback");
	ok(share_get(s, "b", note, "1", &e, &v) == SHARE_NEW, "b: new");
	share_put(s, e, strdup("B"));
	ok(freed == 0, "two kept, none freed (bound 2)");
	/* a was last used (asker 4) before b was made: a is the least
	 * recently used now. */
	ok(share_get(s, "c", note, "1", &e, &v) == SHARE_NEW, "c: new");
	share_put(s, e, strdup("C"));
	ok(freed == 1, "a third finished result: one let go");
	ok(share_get(s, "a", note, "5", &e, &v) == SHARE_NEW,
		"a, the least recently used, was the one let go");
	share_put(s, e, NULL);
	ok(share_get(s, "a", note, "6", &e2, &v) == SHARE_DONE && !v,
		"a result of none is kept as none");
	ok(share_get(s, "c", note, "7", &e2, &v) == SHARE_DONE && v &&
		!strcmp(v, "C"), "c is still kept (used most recently)");
	struct share_stats st;
	share_stats(s, &st);
	ok(st.made == 4 && st.kept == 2 && st.evicted == 2,
		"stats: 4 made, 2 kept, 2 let go (%lu %zu %lu)", st.made,
		st.kept, st.evicted);
	share_free(s);
	ok(freed == 3, "share_free frees what is kept (%d)", freed);

	/* A waiter asking again while the waiters are called. */
	again_table = share_new(1, NULL);
	ok(share_get(again_table, "k", ask_again, "k", &e, &v) == SHARE_NEW,
		"k: new");
	share_put(again_table, e, strdup("K"));
	ok(again_value && !strcmp(again_value, "K"),
		"asked again inside its own callback: done, the value");
	share_free(again_table);

	/* Many keys, bound 8: the table stays at 8. */
	s = share_new(8, NULL);
	for (int i = 0; i < 1000; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%d", i);
		if (share_get(s, k, note, "n", &e, &v) == SHARE_NEW) {
			calls[0] = 0;
			share_put(s, e, strdup(k));
		}
	}
	share_stats(s, &st);
	ok(st.kept == 8 && st.made == 1000 && st.evicted == 992,
		"1000 keys, bound 8: 8 kept, 992 let go");
	ok(share_get(s, "k999", note, "n", &e, &v) == SHARE_DONE &&
		!strcmp(v, "k999") &&
		share_get(s, "k991", note, "n", &e, &v) == SHARE_NEW,
		"the newest 8 are the ones kept");
	share_put(s, e, NULL);
	share_free(s);
	return tap_done();
}

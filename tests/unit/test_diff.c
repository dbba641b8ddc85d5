/* test_diff.c: two scans compared (scan/diff.h): began and stopped lying,
 * a lie for another, liars in one scan only, a resolver read twice, and
 * the destinations that appeared or went away. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "scan/diff.h"
#include "validator/verdict.h"

/* A record of resolver addr in class cls; dest: an address its A answer
 * for gmail.com.'s MX host gave, judged a lie (NULL: none). */
static void add(struct diff_side *s, const char *addr, int cls,
	const char *dest)
{
	struct summary_record r;
	struct summary_query q;
	char *inv[1] = { (char *)dest };
	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	snprintf(r.resolver, sizeof(r.resolver), "%s", addr);
	r.class = (enum verdict_class)cls;
	if (dest) {
		q.provider = (char *)"gmail.com.";
		q.role = QUERY_ADDR;
		q.class = cls;
		q.invalid = inv;
		q.ninvalid = 1;
		r.queries = &q;
		r.nqueries = 1;
	}
	ok(diff_side_add(s, &r) == 0, "add %s", addr);
}

struct seen {
	char line[32][80];
	size_t n;
};

static int on_change(enum diff_change c, const char *what, int o, int n,
	void *arg)
{
	struct seen *s = arg;
	if (s->n < 32)
		snprintf(s->line[s->n++], sizeof(s->line[0]), "%s %s %s %s",
			diff_change_str(c), what, o < 0 ? "-" :
			verdict_class_str((enum verdict_class)o), n < 0 ? "-" :
			verdict_class_str((enum verdict_class)n));
	return 0;
}

static bool saw(const struct seen *s, const char *line)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->line[i], line))
			return true;
	return false;
}

int main(void)
{
	struct diff_side a, b;
	diff_side_init(&a);
	diff_side_init(&b);
	/* old */
	add(&a, "192.0.2.1", CLASS_CORRECT, NULL);
	add(&a, "192.0.2.2", CLASS_FALSIFIED, "198.51.100.7");
	add(&a, "192.0.2.3", CLASS_LOOPBACK, "127.0.0.1");
	add(&a, "192.0.2.4", CLASS_STATIC, NULL);
	add(&a, "192.0.2.5", CLASS_TIMEOUT, NULL);
	add(&a, "2001:db8::1", CLASS_CORRECT, NULL);
	add(&a, "192.0.2.9", CLASS_CORRECT, NULL);
	/* new: .1 began lying, .2 stopped, .3 another lie, .4 gone, .5 a
	 * change that is no lie, .6 a new liar, .9 read twice (the last
	 * counts), 2001:db8::1 the same */
	add(&b, "192.0.2.9", CLASS_FALSIFIED, "203.0.113.5");
	add(&b, "192.0.2.1", CLASS_PRIVATE, "10.0.0.1");
	add(&b, "192.0.2.2", CLASS_CORRECT, NULL);
	add(&b, "192.0.2.3", CLASS_BITFLIP, "127.0.0.1");
	add(&b, "192.0.2.5", CLASS_CORRECT, NULL);
	add(&b, "192.0.2.6", CLASS_STATIC, NULL);
	add(&b, "2001:db8::1", CLASS_CORRECT, NULL);
	add(&b, "192.0.2.9", CLASS_CORRECT, NULL);
	add(&b, "not an address", CLASS_CORRECT, NULL);
	struct seen s = { .n = 0 };
	struct diff_counts c;
	ok(diff_run(&a, &b, on_change, &s, &c) == 0, "the comparison ran");
	ok(saw(&s, "began-lying 192.0.2.1 correct private"), "began lying");
	ok(saw(&s, "stopped-lying 192.0.2.2 falsified correct"),
		"stopped lying");
	ok(saw(&s, "changed-lie 192.0.2.3 loopback bitflip"),
		"one lie for another");
	ok(saw(&s, "gone-liar 192.0.2.4 static -"), "a liar only in the old");
	ok(saw(&s, "new-liar 192.0.2.6 - static"), "a liar only in the new");
	ok(saw(&s, "destination-appeared 10.0.0.1 - -"),
		"a destination that appeared");
	ok(saw(&s, "destination-gone 198.51.100.7 - -"),
		"a destination that went away");
	ok(!saw(&s, "destination-appeared 127.0.0.1 - -") &&
		!saw(&s, "destination-gone 127.0.0.1 - -"),
		"a destination in both is no change");
	ok(c.both == 6 && c.only_old == 1 && c.only_new == 1,
		"6 in both, 1 only old, 1 only new (%llu %llu %llu)",
		(unsigned long long)c.both, (unsigned long long)c.only_old,
		(unsigned long long)c.only_new);
	ok(c.other_changes == 1, "timeout -> correct: a change, no lie");
	ok(c.n[DIFF_BEGAN_LYING] == 1 && c.n[DIFF_STOPPED_LYING] == 1 &&
		c.n[DIFF_CHANGED_LIE] == 1 && c.n[DIFF_NEW_LIAR] == 1 &&
		c.n[DIFF_GONE_LIAR] == 1, "one change of each kind");
	ok(!saw(&s, "began-lying 192.0.2.9 correct falsified"),
		"a resolver read twice: the last record counts");
	ok(b.bad_addr == 1, "a record with no address is counted");
	/* The order: resolvers by address, IPv4 first, then destinations. */
	ok(s.n >= 2 && !strncmp(s.line[0], "began-lying 192.0.2.1", 21),
		"resolvers in address order (%s)", s.line[0]);
	diff_side_clear(&a);
	diff_side_clear(&b);
	/* Two empty scans: nothing. */
	s.n = 0;
	ok(diff_run(&a, &b, on_change, &s, &c) == 0 && s.n == 0 &&
		c.both == 0, "two empty scans: no change");
	return tap_done();
}

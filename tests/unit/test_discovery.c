/* test_discovery.c: the pure parts of discovery (scan/discovery.h): the
 * keyed question judged without state, the answered set, the queue to
 * the plan, the ring of recent questions and the trail of a pass. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "tests/tap.h"
#include "scan/discovery.h"

static struct prefix v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct prefix p;
	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	p.addr[0] = a, p.addr[1] = b, p.addr[2] = c, p.addr[3] = d;
	p.len = 32;
	return p;
}

static struct prefix v6(uint16_t last)
{
	struct prefix p;
	memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	p.addr[0] = 0x20, p.addr[1] = 0x01, p.addr[2] = 0x0d, p.addr[3] = 0xb8;
	p.addr[14] = (uint8_t)(last >> 8), p.addr[15] = (uint8_t)last;
	p.len = 128;
	return p;
}

static void test_key(void)
{
	uint8_t secret[32] = { 1, 2, 3 }, other[32] = { 9 };
	struct disc_key k, k2;
	char err[200];
	ok(disc_key_init(&k, secret, "example.com.", 1, true, 4, err,
		sizeof(err)) == 0, "a key: %s", err);
	ok(disc_key_init(&k2, other, "example.com.", 1, true, 4, err,
		sizeof(err)) == 0, "another key");
	struct prefix t = v4(192, 0, 2, 1), u = v4(192, 0, 2, 2);
	uint8_t w1[MATCH_QUERY_MAX], w2[MATCH_QUERY_MAX];
	uint16_t l1, l2, s1, s2, i1, i2;
	ok(disc_key_question(&k, &t, 0, w1, &l1, &s1, &i1) == 0 &&
		disc_key_question(&k, &t, 0, w2, &l2, &s2, &i2) == 0 &&
		l1 == l2 && !memcmp(w1, w2, l1) && s1 == s2 && i1 == i2,
		"the same target and try: the same question, socket and id");
	ok(s1 < 4, "an IPv4 target leaves from an IPv4 socket (%u)", s1);
	w2[2] |= 0x80;		/* QR: the question echoed as a reply */
	ok(match_reply(w2, l2, w1, l1, true) == MATCH_OK,
		"a reply echoing it matches, 0x20 case included");
	w2[13] ^= 0x20;		/* the name's first letter, case flipped */
	ok(match_reply(w2, l2, w1, l1, true) == MATCH_QUESTION,
		"a reply with another case does not");
	unsigned differ = 0;
	for (unsigned try = 1; try < 4; try++) {
		disc_key_question(&k, &t, try, w2, &l2, &s2, &i2);
		differ += i2 != i1 || memcmp(w1, w2, l1) != 0;
	}
	ok(differ == 3, "each try is another question (%u of 3)", differ);
	disc_key_question(&k, &u, 0, w2, &l2, &s2, &i2);
	ok(i2 != i1 || memcmp(w1, w2, l1), "another target: another question");
	disc_key_question(&k2, &t, 0, w2, &l2, &s2, &i2);
	ok(i2 != i1 || memcmp(w1, w2, l1),
		"another secret: another question");
	struct prefix t6 = v6(1);
	disc_key_question(&k, &t6, 0, w2, &l2, &s2, &i2);
	ok(s2 >= 4 && s2 < 8, "an IPv6 target: an IPv6 socket (%u)", s2);
	disc_key_free(&k);
	disc_key_free(&k2);
	ok(disc_key_init(&k, secret, "bad..name.", 1, true, 4, err,
		sizeof(err)) < 0 && err[0], "a bad name: an error (%s)", err);
	disc_key_free(&k);
}

static void test_seen(void)
{
	struct disc_seen s;
	memset(&s, 0, sizeof(s));
	struct prefix zero = v4(0, 0, 0, 0), a = v4(10, 0, 0, 1);
	ok(!disc_seen_has(&s, &a) && !disc_seen_has(&s, &zero),
		"empty: nothing seen");
	unsigned added = 0, found = 0, wrong = 0;
	for (unsigned i = 1; i <= 5000; i++) {
		struct prefix p = v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
			(uint8_t)i);
		struct prefix q = v6((uint16_t)i);
		added += disc_seen_add(&s, &p) == 0;
		added += disc_seen_add(&s, &q) == 0;
	}
	for (unsigned i = 1; i <= 5000; i++) {
		struct prefix p = v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
			(uint8_t)i);
		struct prefix q = v6((uint16_t)i);
		struct prefix r = v4(11, 0, (uint8_t)(i >> 8), (uint8_t)i);
		struct prefix x = v6((uint16_t)(i + 6000));
		found += disc_seen_has(&s, &p) + disc_seen_has(&s, &q);
		wrong += disc_seen_has(&s, &r) + disc_seen_has(&s, &x);
	}
	ok(added == 10000 && found == 10000 && wrong == 0,
		"10,000 added through growth: all found, none other (%u %u %u)",
		added, found, wrong);
	ok(!disc_seen_has(&s, &zero), "0.0.0.0 is not an empty slot");
	ok(disc_seen_add(&s, &zero) == 0 && disc_seen_has(&s, &zero) &&
		disc_seen_count(&s) == 10001, "0.0.0.0 once added is seen");
	disc_seen_free(&s);
	ok(!disc_seen_has(&s, &a) && disc_seen_count(&s) == 0,
		"freed: empty again");
}

static void test_queue(void)
{
	struct disc_queue q;
	memset(&q, 0, sizeof(q));
	struct prefix p;
	ok(!disc_queue_pop(&q, &p), "empty: nothing to pop");
	bool in_order = true;
	unsigned next = 0;
	/* Interleaved pushes and pops wrap the ring while it grows. */
	for (unsigned i = 0; i < 3000; i++) {
		struct prefix t = v4(10, 0, (uint8_t)(i >> 8), (uint8_t)i);
		disc_queue_push(&q, &t);
		if (i % 3 == 2 && disc_queue_pop(&q, &p))
			in_order &= p.addr[2] == (uint8_t)(next >> 8) &&
				p.addr[3] == (uint8_t)next, next++;
	}
	ok(q.len == 2000, "2000 waiting (%zu)", q.len);
	const struct prefix *f = disc_queue_at(&q, 0);
	ok(f->addr[3] == (uint8_t)next, "at(0) is the next to pop");
	while (disc_queue_pop(&q, &p))
		in_order &= p.addr[2] == (uint8_t)(next >> 8) &&
			p.addr[3] == (uint8_t)next, next++;
	ok(in_order && next == 3000, "first in, first out (%u)", next);
	disc_queue_free(&q);
}

static void test_sent(void)
{
	struct disc_sent r;
	ok(disc_sent_init(&r) == 0, "the ring");
	struct prefix a = v4(10, 0, 0, 1), b = v4(10, 0, 0, 2);
	disc_sent_add(&r, &a, 0, 3, 0x1234);
	disc_sent_add(&r, &b, 1, 3, 0x1234);
	const struct disc_sent_entry *e = disc_sent_newest(&r, 3, 0x1234);
	ok(e && addr_same(&e->target, &b) && e->try == 1,
		"the newest question of a socket and id first");
	e = e ? disc_sent_older(&r, e) : NULL;
	ok(e && addr_same(&e->target, &a) && e->try == 0, "then the older");
	ok(!e || !disc_sent_older(&r, e), "then none");
	unsigned other = 0;
	for (e = disc_sent_newest(&r, 4, 0x1234); e;
	     e = disc_sent_older(&r, e))
		other += e->key == (4u << 16 | 0x1234);
	ok(other == 0, "another socket: none of its key");
	/* A full turn of the ring forgets the oldest. */
	for (unsigned i = 0; i < DISC_SENT_RING; i++) {
		struct prefix t = v4(10, 1, (uint8_t)(i >> 8), (uint8_t)i);
		disc_sent_add(&r, &t, 0, 5, (uint16_t)i);
	}
	unsigned left = 0;
	for (e = disc_sent_newest(&r, 3, 0x1234); e;
	     e = disc_sent_older(&r, e))
		left += e->key == (3u << 16 | 0x1234);
	ok(left == 0, "after a full turn the first questions are gone");
	disc_sent_free(&r);
}

static void test_trail(void)
{
	struct disc_trail *tr = calloc(1, sizeof(*tr));
	ok(disc_trail_time(tr, 5) == 0, "never asked: 0");
	disc_trail_note(tr, 5, 100);
	disc_trail_note(tr, 5, 90);
	ok(disc_trail_time(tr, 5) == 100, "the last time is kept");
	/* Positions past the table coarsen it: the chunks merge, keeping the
	 * later time, so no target is asked before its time is up. */
	disc_trail_note(tr, 3 * DISC_TRAIL, 200);
	ok(disc_trail_time(tr, 3 * DISC_TRAIL) == 200, "a far position");
	ok(disc_trail_time(tr, 5) >= 100, "near ones never earlier (%llu)",
		(unsigned long long)disc_trail_time(tr, 5));
	ok(tr->g >= 4, "coarser chunks (%llu)", (unsigned long long)tr->g);
	free(tr);
}

int main(void)
{
	test_key();
	test_seen();
	test_queue();
	test_sent();
	test_trail();
	return tap_done();
}

/* test_smtp.c: the SMTP reply reader, table-driven: whole replies, replies
 * split at every byte, the caps, and the EHLO keyword checks. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "dnssec/smtp.h"
#include "tests/tap.h"

static const struct {
	const char *in;
	int status;		/* expected enum smtp_feed after all input */
	int code;
	size_t nlines;
	const char *last;	/* text of the last line */
	size_t used;		/* bytes consumed (0: all of in) */
} cases[] = {
	{ "220 mx.test ESMTP\r\n", SMTP_REPLY, 220, 1, "mx.test ESMTP", 0 },
	{ "250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n", SMTP_REPLY,
		250, 3, "STARTTLS", 0 },
	{ "220-one\n220-two\n220 three\n", SMTP_REPLY, 220, 3, "three", 0 },
	{ "250\r\n", SMTP_REPLY, 250, 1, "", 0 },
	{ "220 ready\r\nEXTRA", SMTP_REPLY, 220, 1, "ready", 11 },
	{ "220-partial\r\n220 mor", SMTP_MORE, 0, 0, NULL, 0 },
	{ "554 5.7.1 no\r\n", SMTP_REPLY, 554, 1, "5.7.1 no", 0 },
	{ "HTTP/1.1 400 Bad\r\n", SMTP_BAD, 0, 0, NULL, 0 },
	{ "22 short\r\n", SMTP_BAD, 0, 0, NULL, 0 },
	{ "2200 x\r\n", SMTP_BAD, 0, 0, NULL, 0 },
	{ "620 x\r\n", SMTP_BAD, 0, 0, NULL, 0 },
	{ "250-a\r\n251 b\r\n", SMTP_BAD, 0, 0, NULL, 0 },
	{ "220 a\0b\r\n", SMTP_BAD, 0, 0, NULL, 0 },
};

/* Feed in pieces of size step; returns the final status. */
static int feed(struct smtp_reader *r, const char *in, size_t len,
	size_t step, size_t *total)
{
	int st = SMTP_MORE;
	*total = 0;
	smtp_reader_init(r);
	while (*total < len && st == SMTP_MORE) {
		size_t n = len - *total < step ? len - *total : step, used;
		st = smtp_reader_feed(r, in + *total, n, &used);
		*total += used;
	}
	return st;
}

static struct smtp_reader r;

int main(void)
{
	char big[20000];
	size_t total;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		/* The NUL case needs its real length. */
		size_t len = i == sizeof(cases) / sizeof(*cases) - 1 ? 9 :
			strlen(cases[i].in);
		for (size_t step = 1; step <= len; step += len - 1 ? len - 1 :
		     1) {
			int st = feed(&r, cases[i].in, len, step, &total);
			int good = st == cases[i].status;
			if (good && st == SMTP_REPLY)
				good = r.reply.code == cases[i].code &&
					r.reply.nlines == cases[i].nlines &&
					!strcmp(r.reply.lines[r.reply.nlines - 1],
						cases[i].last) &&
					total == (cases[i].used ?
						cases[i].used : len);
			ok(good, "case %zu in steps of %zu: status %d%s%s", i,
				step, st, st == SMTP_BAD ? " " : "",
				st == SMTP_BAD ? r.err : "");
		}
	}

	/* A hostile line is quoted escaped (\xHH); one with a NUL byte is
	 * refused without being quoted. */
	static const char esc_line[] = "\033[2J\033]0;pwned\007\r\n";
	feed(&r, esc_line, sizeof(esc_line) - 1, sizeof(esc_line), &total);
	ok(!strcmp(r.err, "not an SMTP reply line: "
		"\"\\x1B[2J\\x1B]0;pwned\\x07\""),
		"a hostile line is quoted escaped: %s", r.err);
	static const char nul_line[] = "\033[2J\0x\r\n";
	feed(&r, nul_line, sizeof(nul_line) - 1, sizeof(nul_line), &total);
	ok(!strchr(r.err, '\033'), "a NUL line: %s", r.err);

	/* Sticky error and the cap on line length. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "250 ", 4);
	size_t used;
	smtp_reader_init(&r);
	ok(smtp_reader_feed(&r, big, SMTP_LINE_MAX + 10, &used) == SMTP_BAD &&
		strstr(r.err, "longer"), "over-long line: %s", r.err);
	ok(smtp_reader_feed(&r, "250 ok\r\n", 8, &used) == SMTP_BAD,
		"the error is sticky");
	/* A line of exactly SMTP_LINE_MAX octets is fine. */
	memcpy(big + SMTP_LINE_MAX, "\r\n", 2);
	ok(feed(&r, big, SMTP_LINE_MAX + 2, 100, &total) == SMTP_REPLY,
		"a %d-octet line is accepted", SMTP_LINE_MAX);
	/* Too many lines. */
	size_t w = 0;
	for (int i = 0; i < SMTP_REPLY_LINES_MAX + 5; i++)
		w += (size_t)snprintf(big + w, sizeof(big) - w, "250-x\r\n");
	ok(feed(&r, big, w, 4096, &total) == SMTP_BAD &&
		strstr(r.err, "lines"), "too many lines: %s", r.err);
	/* Too much text. */
	w = 0;
	for (int i = 0; i < 20; i++) {
		w += (size_t)snprintf(big + w, sizeof(big) - w, "250-");
		memset(big + w, 'b', 900);
		w += 900;
		w += (size_t)snprintf(big + w, sizeof(big) - w, "\r\n");
	}
	ok(feed(&r, big, w, 4096, &total) == SMTP_BAD &&
		strstr(r.err, "text"), "too much text: %s", r.err);
	/* An EHLO reply past both caps (keep_excess): lines are dropped,
	 * the reply ends at its last line, a dropped STARTTLS still counts. */
	w = (size_t)snprintf(big, sizeof(big), "250-mx.test\r\n");
	for (int i = 0; i < 120; i++)
		w += (size_t)snprintf(big + w, sizeof(big) - w,
			"250-X-PAD-%d-%0100d\r\n", i, 0);
	w += (size_t)snprintf(big + w, sizeof(big) - w,
		"250-STARTTLS\r\n250 8BITMIME\r\nQUIT");
	smtp_reader_init(&r);
	r.keep_excess = true;
	used = 0;
	int st = smtp_reader_feed(&r, big, w, &used);
	ok(st == SMTP_REPLY && used == w - 4, "a long EHLO reply is read to its end "
		"(%zu of %zu bytes)", used, w);
	ok(r.reply.nlines == SMTP_REPLY_LINES_MAX || r.reply.textlen <=
		SMTP_REPLY_TEXT_MAX, "kept within the caps: %zu lines",
		r.reply.nlines);
	ok(r.reply.dropped == 123 - r.reply.nlines,
		"the rest counted as dropped: %zu", r.reply.dropped);
	ok(smtp_ehlo_has(&r.reply, "STARTTLS"), "STARTTLS on a dropped line");
	ok(!smtp_ehlo_has(&r.reply, "8BITMIME"), "other dropped keywords "
		"are not kept");

	/* EHLO keywords. */
	static const char ehlo[] = "250-mx.test\r\n250-PIPELINING\r\n"
		"250-SIZE 10240000\r\n250-starttls\r\n250 8BITMIME\r\n";
	feed(&r, ehlo, sizeof(ehlo) - 1, 64, &total);
	ok(smtp_ehlo_has(&r.reply, "STARTTLS"), "STARTTLS found (any case)");
	ok(smtp_ehlo_has(&r.reply, "SIZE"), "SIZE with a parameter found");
	ok(!smtp_ehlo_has(&r.reply, "SMTPUTF8"), "SMTPUTF8 absent");
	ok(!smtp_ehlo_blanked(&r.reply), "nothing blanked");
	static const char strip[] = "250-STARTTLS.example\r\n250-PIPELINING\r\n"
		"250-XXXXXXXA\r\n250 8BITMIME\r\n";
	feed(&r, strip, sizeof(strip) - 1, 7, &total);
	ok(!smtp_ehlo_has(&r.reply, "STARTTLS"),
		"the greeting line is not a keyword");
	ok(smtp_ehlo_blanked(&r.reply) &&
		!strcmp(smtp_ehlo_blanked(&r.reply), "XXXXXXXA"),
		"XXXXXXXA found as blanked");
	char s[200];
	ok(!strcmp(smtp_reply_str(&r.reply, s, sizeof(s)),
		"250-STARTTLS.example / 250-PIPELINING / 250-XXXXXXXA / "
		"250 8BITMIME"), "reply as text: %s", s);
	ok(strlen(smtp_reply_str(&r.reply, s, 10)) == 9, "text is cut");
	return tap_done();
}

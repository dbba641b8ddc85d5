/* fuzz_smtp.c: the SMTP reply reader (smtp_reader_feed) on a hostile
 * server's byte stream, read as the DANE engine reads it: reply after
 * reply, each then inspected (smtp_ehlo_has, smtp_ehlo_blanked,
 * smtp_reply_str).  The stream is read twice, in chunks of the size the
 * first byte gives and all at once, and both readings must agree: how
 * bytes arrive over TCP must not change what a server said.
 * Input: one chunk-size byte (chunks of 1 + byte), then the stream. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnssec/smtp.h"
#include "tests/fuzz/fuzz.h"

/* What a reading saw: each reply's code, line count and text length, and
 * how it ended, folded into a checksum (FNV-1a). */
struct seen {
	uint64_t h;
	unsigned replies;
	int end;		/* SMTP_MORE or SMTP_BAD */
};

static void fold(struct seen *s, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		s->h ^= (v >> (8 * i)) & 0xff;
		s->h *= 0x100000001b3ULL;
	}
}

static void inspect(struct seen *s, const struct smtp_reply *r)
{
	expect(r->code >= 200 && r->code <= 599, "code 2xx..5xx");
	expect(r->nlines >= 1 && r->nlines <= SMTP_REPLY_LINES_MAX,
		"line count");
	expect(r->textlen <= SMTP_REPLY_TEXT_MAX, "text cap");
	for (size_t i = 0; i < r->nlines; i++) {
		expect(r->lines[i] >= r->text &&
			r->lines[i] < r->text + sizeof(r->text), "line in text");
		size_t n = strlen(r->lines[i]);
		expect(r->lines[i] + n < r->text + sizeof(r->text),
			"line terminated inside text");
		fold(s, n);
	}
	smtp_ehlo_has(r, "STARTTLS");
	const char *b = smtp_ehlo_blanked(r);
	expect(!b || strlen(b) >= 8, "blanked keyword is 8 letters");
	char buf[200];
	smtp_reply_str(r, buf, sizeof(buf));
	expect(strlen(buf) < sizeof(buf), "reply_str terminates");
	fold(s, (uint64_t)r->code);
	fold(s, r->nlines);
	fold(s, r->textlen);
	s->replies++;
}

static void readall(struct seen *s, const char *buf, size_t len,
	size_t chunk)
{
	static struct smtp_reader r;	/* big: keep it off the stack */
	memset(s, 0, sizeof(*s));
	s->h = 0xcbf29ce484222325ULL;
	s->end = SMTP_MORE;
	smtp_reader_init(&r);
	size_t off = 0;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		size_t used = 0;
		enum smtp_feed st = smtp_reader_feed(&r, buf + off, n, &used);
		expect(used <= n, "used <= fed");
		if (st == SMTP_BAD) {
			expect(r.failed && r.err[0], "a reason for BAD");
			s->end = SMTP_BAD;
			return;
		}
		if (st == SMTP_REPLY) {
			expect(used > 0, "a reply consumes bytes");
			inspect(s, &r.reply);
			smtp_reader_init(&r);
		} else {
			expect(used == n, "MORE consumes everything");
		}
		off += used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = 1 + (size_t)data[0];
	const char *stream = (const char *)data + 1;
	struct seen a, b;
	readall(&a, stream, size - 1, chunk);
	readall(&b, stream, size - 1, size);
	expect(a.replies == b.replies && a.h == b.h && a.end == b.end,
		"chunked and whole readings agree");
	return 0;
}

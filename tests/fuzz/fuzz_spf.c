/* fuzz_spf.c: the SPF record parser (spf_parse, spf_term_str) on any
 * bytes, and the walk fed the same bytes as every TXT answer it asks for
 * (a hostile zone whose records include themselves): the walk must end,
 * within its lookup limit, and every finding's text must be printable.
 * Input: the record text. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "mail/spf.h"
#include "tests/fuzz/fuzz.h"

static void printable(const struct mail_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		const unsigned char *t = (const unsigned char *)fs->f[i].text;
		expect(strlen(fs->f[i].text) < MAIL_FINDING_TEXT, "text cap");
		for (; *t; t++)
			expect(*t >= 0x20 && *t != 0x7f, "finding printable");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_record r;
	char buf[700];
	if (spf_parse((const char *)data, size, &r) < 0)
		return 0;
	expect(r.nterms <= SPF_TERMS_MAX, "terms cap");
	expect(r.syntax_ok == (r.findings.errors == 0), "syntax_ok");
	expect(r.lookups <= r.nterms, "lookups <= terms");
	for (size_t i = 0; i < r.nterms; i++) {
		spf_term_str(&r.terms[i], buf, sizeof(buf));
		expect(strlen(buf) < sizeof(buf), "term_str terminates");
	}
	printable(&r.findings);
	spf_record_clear(&r);

	/* The walk: every TXT answer is the input (NUL-free copy). */
	static char txt[SPF_TEXT_MAX + 1];
	size_t n = size < SPF_TEXT_MAX ? size : SPF_TEXT_MAX;
	memcpy(txt, data, n);
	txt[n] = '\0';
	const char *rdata[1] = { txt };
	static struct spf_walk w;
	spf_walk_init(&w, "fuzz.test");
	int steps = 0;
	while (!w.done) {
		expect(++steps < 64, "the walk ends");
		for (size_t i = 0; i < w.nneed; i++) {
			struct spf_answer a = { .rcode = 0, .rdata = rdata,
				.n = w.need[i].qtype == 16 ? 1 : 0 };
			expect(spf_walk_feed(&w, w.need[i].name,
				w.need[i].qtype, &a) == 0, "feed a need");
		}
		spf_walk_step(&w);
	}
	expect(w.lookups <= SPF_LOOKUP_LIMIT + 1, "lookups stop at the limit");
	expect(w.nrec <= SPF_WALK_RECORDS_MAX, "records cap");
	printable(&w.findings);
	for (size_t i = 0; i < w.nrec; i++)
		printable(&w.rec[i].rec.findings);
	spf_walk_clear(&w);
	return 0;
}

/* fuzz_summary.c: report's reader of saved scans.  Each line of the input
 * goes to summary_record_from_json (what `resolver-probe report` does with
 * a JSON Lines file) and, when it reads, to summary_add; a line that does
 * not read counts as malformed.  The totals are then printed as text and
 * HTML (summary_print, summary_html).
 * Input: a JSON Lines file. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "resolver-probe/summary.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct summary *s = summary_new();
	if (!s)
		return 0;
	uint64_t added = 0;
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		/* An exact-size copy of the line, not NUL-terminated. */
		char *line = malloc(n ? n : 1);
		if (!line)
			break;
		memcpy(line, p, n);
		struct summary_record r;
		char err[512];
		memset(&r, 0, sizeof(r));
		err[0] = '\0';
		if (summary_record_from_json(&r, line, n, err, sizeof(err)) ==
		    0) {
			expect(r.class <= CLASS_COUNT, "class in range");
			expect(memchr(r.resolver, '\0', sizeof(r.resolver)) !=
				NULL, "resolver terminated");
			if (summary_add(s, &r) == 0)
				added++;
		} else {
			expect(err[0] != '\0', "a reason for a bad line");
			summary_add_malformed(s);
		}
		summary_record_clear(&r);
		free(line);
		p += n + (nl ? 1 : 0);
	}
	expect(summary_probed(s) == added, "probed counts records");
	expect(summary_responsive(s) <= added && summary_invalid(s) <= added,
		"responsive and invalid within probed");
	summary_print(s, devnull());
	summary_html(s, devnull(), "fuzz");
	summary_free(s);
	return 0;
}

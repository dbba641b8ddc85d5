/* test_survey.c: reading back a mail survey: the domains of complete lines
 * (mail --resume, a torn last line left out; a line over the cap, a
 * garbage line and a read error refused with their place), and the
 * adoption counts report prints. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/survey.h"
#include "tests/tap.h"

static const char *line(const char *domain, const char *overall,
	const char *spf, const char *spf_code)
{
	static char buf[2000];
	snprintf(buf, sizeof(buf), "{\"domain\":\"%s\",\"kind\":\"mail\","
		"\"verdict\":\"%s\",\"checks\":{"
		"\"dnssec\":{\"verdict\":\"pass\"},\"dane\":{\"verdict\":\"none\"},"
		"\"mta_sts\":{\"verdict\":\"fail\",\"code\":"
		"\"mtasts-content-type\"},"
		"\"tls_rpt\":{\"verdict\":\"pass\"},"
		"\"spf\":{\"verdict\":\"%s\",\"code\":\"%s\"},"
		"\"dmarc\":{\"verdict\":\"warn\"},\"starttls\":{\"verdict\":"
		"\"error\"}}}\n", domain, overall, spf, spf_code);
	return buf;
}

int main(void)
{
	char text[8000] = "";
	strcat(text, line("b.example", "broken", "fail", "spf-plus-all"));
	strcat(text, line("A.example", "weak", "pass", "spf-x"));
	size_t whole = strlen(text);
	strcat(text, "{\"domain\":\"torn.example\",\"kind\":\"ma");
	FILE *f = fmemopen(text, strlen(text), "r");
	char **d = NULL, err[200];
	size_t n = 0, good = 0;
	int rc = mail_survey_domains(f, "s.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc == 0 && n == 2 && good == whole, "two complete lines, the torn "
		"one left out (%zu, %zu of %zu bytes)", n, good, whole);
	ok(n == 2 && !strcmp(d[0], "A.example") && !strcmp(d[1], "b.example"),
		"domains sorted");
	ok(mail_survey_has(d, n, "b.example.") && mail_survey_has(d, n,
		"B.EXAMPLE") && !mail_survey_has(d, n, "c.example"),
		"lookups: case and trailing dot ignored");
	for (size_t i = 0; i < n; i++)
		free(d[i]);
	free(d);

	/* A last line without its newline is cut only as the torn end of
	 * a survey: a file that is not one is refused, whatever it holds. */
	static const struct {
		const char *text;
		size_t len;
		const char *what;
	} notsurvey[] = {
		{ "important.example", 17, "one line, no newline" },
		{ "\x7f" "ELF\x02\x01\x01\0\0\0binary", 16,
			"binary bytes, no newline" },
		{ "{\"domain\":\"torn.example\",\"kind\":\"ma", 37,
			"a torn line and nothing before it" },
	};
	for (size_t i = 0; i < sizeof(notsurvey) / sizeof(notsurvey[0]); i++) {
		f = fmemopen((char *)notsurvey[i].text, notsurvey[i].len, "r");
		d = NULL;
		rc = mail_survey_domains(f, "f", &d, &n, &good, err,
			sizeof(err));
		fclose(f);
		ok(rc < 0 && strstr(err, "f:1: not a mail result"),
			"%s: refused (%s)", notsurvey[i].what, rc < 0 ? err :
			"accepted");
	}
	text[0] = 0;
	strcat(text, line("b.example", "broken", "fail", "spf-plus-all"));
	strcat(text, "important notes");
	f = fmemopen(text, strlen(text), "r");
	rc = mail_survey_domains(f, "f", &d, &n, &good, err, sizeof(err));
	fclose(f);
	ok(rc < 0 && strstr(err, "f:2: not a mail result"),
		"a result line, then other text without a newline: refused (%s)",
		rc < 0 ? err : "accepted");

	const char *scan = "{\"resolver\":\"192.0.2.1\",\"class\":\"correct\"}\n";
	f = fmemopen((char *)scan, strlen(scan), "r");
	rc = mail_survey_domains(f, "scan.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc < 0 && strstr(err, "scan.jsonl:1: not a mail result"),
		"a scan's file is refused: %s", err);

	/* A line over the cap and a garbage line: each refused with its
	 * line, every allocation freed (the sanitizers check); a last line
	 * over the cap without its newline is torn, cut off like any. */
	size_t big = MAIL_SURVEY_LINE_MAX + 100;
	char *huge = malloc(big + 4000);
	const char *l1 = line("a.example", "weak", "pass", "spf-x");
	size_t l1len = strlen(l1);
	memcpy(huge, l1, l1len);
	memset(huge + l1len, 'x', big);
	memcpy(huge + l1len + big, "\n", 1);
	memcpy(huge + l1len + big + 1, l1, l1len);
	f = fmemopen(huge, l1len + big + 1 + l1len, "r");
	rc = mail_survey_domains(f, "long.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc < 0 && !strcmp(err, "long.jsonl:2: line longer than 1048576 "
		"bytes"), "a line over the cap: %s", err);
	struct mail_previous *prev = NULL;
	f = fmemopen(huge, l1len + big + 1 + l1len, "r");
	rc = mail_survey_previous(f, "long.jsonl", &prev, &n, err,
		sizeof(err));
	fclose(f);
	ok(rc < 0 && !strcmp(err, "long.jsonl:2: line longer than 1048576 "
		"bytes"), "--previous: a line over the cap: %s", err);

	memcpy(huge + l1len, "garbage\n", 8);
	f = fmemopen(huge, l1len + 8, "r");
	rc = mail_survey_domains(f, "g.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc < 0 && !strcmp(err, "g.jsonl:2: not a mail result line"),
		"a garbage line: %s", err);
	f = fmemopen(huge, l1len + 8, "r");
	rc = mail_survey_previous(f, "g.jsonl", &prev, &n, err, sizeof(err));
	fclose(f);
	ok(rc < 0 && !strcmp(err, "g.jsonl:2: not a mail result line"),
		"--previous: a garbage line: %s", err);

	memcpy(huge + l1len, "{\"domain\":\"x\",\0\"kind\":\"mail\"}\n", 30);
	f = fmemopen(huge, l1len + 30, "r");
	rc = mail_survey_domains(f, "nul.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc < 0 && !strcmp(err, "nul.jsonl:2: not a mail result line"),
		"a NUL byte: %s", err);

	memset(huge + l1len, 'x', big);
	f = fmemopen(huge, l1len + big, "r");
	rc = mail_survey_domains(f, "torn.jsonl", &d, &n, &good, err,
		sizeof(err));
	fclose(f);
	ok(rc == 0 && n == 1 && good == l1len && !strcmp(d[0], "a.example"),
		"a torn last line over the cap: cut off (%zu of %zu bytes)",
		good, l1len + big);
	for (size_t i = 0; i < n; i++)
		free(d[i]);
	free(d);
	f = fmemopen(huge, l1len + big, "r");
	rc = mail_survey_previous(f, "torn.jsonl", &prev, &n, err,
		sizeof(err));
	fclose(f);
	ok(rc == 0 && n == 1 && !strcmp(prev[0].domain, "a.example"),
		"--previous: the torn line left out");
	free(prev);
	free(huge);

	f = fopen(".", "r");
	if (f) {
		rc = mail_survey_domains(f, "dir", &d, &n, &good, err,
			sizeof(err));
		fclose(f);
		ok(rc < 0 && strstr(err, "dir: read error: "), "a read error "
			"is an error, not the end: %s", err);
	} else {
		ok(1, "read error # SKIP cannot open a directory");
	}

	ok(mail_survey_line(text, strlen(text)) &&
		!mail_survey_line(scan, strlen(scan)), "mail_survey_line");

	static struct mail_summary s;
	const char *l = line("b.example", "broken", "fail", "spf-plus-all");
	ok(mail_summary_add(&s, l, strlen(l), err, sizeof(err)) == 0,
		"a line counted");
	l = line("a.example", "weak", "pass", "spf-ok");
	mail_summary_add(&s, l, strlen(l), err, sizeof(err));
	ok(s.domains == 2 && s.overall[1] == 1 && s.overall[2] == 1,
		"overall verdicts counted");
	ok(s.checks[4][1] == 1 && s.checks[4][4] == 1 && s.checks[2][1] == 2 &&
		s.checks[6][0] == 2, "per-check verdicts counted");
	int ct = -1, plus = -1, okc = -1;
	for (size_t i = 0; i < s.ncodes; i++) {
		if (!strcmp(s.codes[i].code, "mtasts-content-type"))
			ct = (int)s.codes[i].domains;
		if (!strcmp(s.codes[i].code, "spf-plus-all"))
			plus = (int)s.codes[i].domains;
		if (!strcmp(s.codes[i].code, "spf-ok"))
			okc = 1;
	}
	ok(ct == 2 && plus == 1 && okc == -1, "the codes of checks short of "
		"pass counted, a passing check's left out");
	ok(mail_summary_add(&s, "{\"domain\":1}", 12, err, sizeof(err)) < 0 &&
		s.domains == 2, "a malformed line: an error, not counted (%s)",
		err);
	l = "{\"domain\":\"x\",\"kind\":\"mail\",\"verdict\":\"great\","
		"\"checks\":{}}";
	ok(mail_summary_add(&s, l, strlen(l), err, sizeof(err)) < 0,
		"an unknown verdict is refused");
	/* Where mail goes: hosts counted once per domain whatever their case
	 * or final dot; exact while the set holds them all. */
	{
		static struct mail_summary ms;
		const char *a[] = { "MX.Shared.test", "mx.shared.test.",
			"mx2.shared.test" };
		const char *b[] = { "mx.shared.test." };
		bool est;
		memset(&ms, 0, sizeof(ms));
		mail_summary_add_mx(&ms, a, 3);
		mail_summary_add_mx(&ms, b, 1);
		mail_summary_add_mx(&ms, b, 0);
		ok(ms.with_mx == 2 && ms.mx_names == 3 &&
			strset_unique(&ms.mx, &est) == 2 && !est,
			"two domains with MX, 3 names, 2 distinct hosts (exact)");
		const struct strent **top = strset_top(&ms.mx);
		ok(top && !strcmp(top[0]->s, "mx.shared.test.") &&
			top[0]->count == 2 && top[0]->over == 0,
			"the most common host first, lowercased, 2 domains");
		free(top);
		mail_summary_clear(&ms);

		/* 200,000 domains: every third names one big host, the rest a
		 * host of their own: the big host is found with its count,
		 * the distinct count estimated within 5%. */
		for (int d = 0; d < 200000; d++) {
			char h[64];
			const char *p = h;
			if (d % 3 == 0)
				snprintf(h, sizeof(h), "mx.big.test.");
			else
				snprintf(h, sizeof(h), "mx%d.small.test.", d);
			mail_summary_add_mx(&ms, &p, 1);
		}
		uint64_t want = 1 + 200000 - 66667, got =
			strset_unique(&ms.mx, &est);
		double err = got > want ? (double)(got - want) / want :
			(double)(want - got) / want;
		ok(est && err < 0.05, "distinct hosts estimated: %llu for "
			"%llu (%.2f%% off)", (unsigned long long)got,
			(unsigned long long)want, 100 * err);
		top = strset_top(&ms.mx);
		ok(top && !strcmp(top[0]->s, "mx.big.test.") &&
			top[0]->count == 66667 && top[0]->over == 0,
			"the big host is on top with its exact count (%llu)",
			top ? (unsigned long long)top[0]->count : 0ULL);
		free(top);
		mail_summary_clear(&ms);
	}
	return tap_done();
}

/* test_domainlist.c: a list of mail domains (mail -f): comments, blanks,
 * CRLF, a last line without its newline; a line over the cap, a line that
 * is not a name, two words, a NUL byte: each an error "FILE:LINE: reason"
 * that loses no other line; a read error that is not the end. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/domainlist.h"
#include "tests/tap.h"

/* Every result of the list as "name|" or "<bad: err>|", then "<error:
 * err>" or nothing at the end. */
static void list(struct lineread *lr, char *got, size_t size)
{
	size_t at = 0;
	enum mail_list_status ls;
	char name[254], err[200];
	got[0] = '\0';
	while ((ls = mail_list_next(lr, name, sizeof(name), err,
	    sizeof(err))) != MAIL_LIST_EOF && at < size) {
		int w;
		if (ls == MAIL_LIST_DOMAIN)
			w = snprintf(got + at, size - at, "%s|", name);
		else if (ls == MAIL_LIST_BAD)
			w = snprintf(got + at, size - at, "<bad: %s>|", err);
		else
			w = snprintf(got + at, size - at, "<error: %s>", err);
		at += w > 0 ? (size_t)w : 0;
		if (ls == MAIL_LIST_ERROR)
			break;
	}
}

int main(void)
{
	struct lineread lr;
	char got[2000];
	FILE *f = tmpfile();
	fputs("# a comment\n\n  first.example   # trailing comment\n", f);
	for (int i = 0; i < 5000; i++)
		fputc('a', f);
	fputs("\nsecond.example\r\n"
		"bad!name.example\n"
		"two words\n"
		"x\001y.example\n", f);
	fwrite("nul\0byte.example\n", 1, 17, f);
	fputs("a..b\n.lead\n.\n"
		"third.example", f);
	rewind(f);
	lineread_file(&lr, f, "list", MAIL_LIST_LINE_MAX);
	list(&lr, got, sizeof(got));
	ok(!strcmp(got, "first.example|"
		"<bad: list:4: line longer than 512 bytes>|"
		"second.example|"
		"<bad: list:6: not a domain name: \"bad!name.example\">|"
		"<bad: list:7: more than one word>|"
		"<bad: list:8: not a domain name: \"x\\001y.example\">|"
		"<bad: list:9: not a domain name: \"nul\\000byte.example\">|"
		"<bad: list:10: not a domain name: \"a..b\">|"
		"<bad: list:11: not a domain name: \".lead\">|"
		"<bad: list:12: not a domain name: \".\">|"
		"third.example|"),
		"each bad line an error with its line, every good line read: "
		"%s", got);
	ok(lr.cap <= MAIL_LIST_LINE_MAX + 1, "the long line not held: %zu "
		"bytes", lr.cap);
	lineread_free(&lr);
	fclose(f);

	/* A name longer than 253 bytes, on a line under the cap. */
	char longname[400];
	memset(longname, 'a', 300);
	memcpy(longname + 300, "\nok.example\n", 13);
	lineread_mem(&lr, longname, strlen(longname), "m", MAIL_LIST_LINE_MAX);
	list(&lr, got, sizeof(got));
	ok(!strncmp(got, "<bad: m:1: not a domain name: \"aaa", 34) &&
		strstr(got, ">|ok.example|"), "a name over 253 bytes: %.60s",
		got);
	lineread_free(&lr);

	/* A read error (a directory) is an error, never the end. */
	f = fopen(".", "r");
	if (f) {
		lineread_file(&lr, f, "dir", MAIL_LIST_LINE_MAX);
		list(&lr, got, sizeof(got));
		ok(!strncmp(got, "<error: dir: read error: ", 25),
			"read error: %s", got);
		lineread_free(&lr);
		fclose(f);
	} else {
		ok(1, "read error # SKIP cannot open a directory");
	}
	return tap_done();
}

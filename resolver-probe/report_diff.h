/* report_diff.h: `report --diff OLD NEW`: two saved scans compared
 * (scan/diff.h), printed as text, JSON Lines or an HTML page. */
#ifndef RESOLVER_PROBE_REPORT_DIFF_H
#define RESOLVER_PROBE_REPORT_DIFF_H
#include <stdbool.h>

/** What --diff prints besides its text. */
struct report_diff_opts {
	bool json;		/* JSON Lines on stdout instead of text */
	const char *html;	/* an HTML page to this file, or NULL */
	const char *title;	/* its title, or NULL: the files' names */
	bool strict;		/* a malformed line is fatal */
};

/** Compare the scans in the files old and new ("-" is stdin for one of
 * them).  Returns the exit status: 0 nothing new lies, 1 a resolver began
 * lying, a new liar, a lie changed or a destination appeared, 2 a file
 * that cannot be read or holds no scan record, 3 a write error. */
int report_diff(const char *old, const char *new,
	const struct report_diff_opts *o);

#endif

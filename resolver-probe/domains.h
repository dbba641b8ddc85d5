/* domains.h: the domains a survey command (mail, dane) works through:
 * its arguments first, then the lines of a list file (mail/domainlist.h),
 * less those a resumed run already has.  A bad line is reported on
 * stderr and skipped; a read error ends the list and is remembered. */
#ifndef RESOLVER_PROBE_DOMAINS_H
#define RESOLVER_PROBE_DOMAINS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "common/lineread.h"

struct domains {
	const char *cmd;	/* "mail": the messages' prefix */
	char **argv;		/* the command's DOMAIN arguments */
	int argc, argi;
	FILE *list;		/* -f FILE, or NULL */
	struct lineread lr;	/* reads list */
	bool eof;		/* the list is read to its end (or failed) */
	bool failed;		/* a read error ended it */
	char *const *skip;	/* sorted domains to leave out (borrowed) */
	size_t nskip;
	unsigned long bad;	/* bad lines and names reported */
	unsigned long started;	/* checks started (domains_start) */
};

/** Start d on argv[0..argc) and, when file is set, the list in file ("-"
 * is stdin).  Returns 0, or -1 with the reason in err (d is still safe
 * to close). */
int domains_open(struct domains *d, const char *cmd, char **argv, int argc,
	const char *file, char *err, size_t errlen);

/** The next domain into out (outlen bytes; 300 are enough).  Returns 0,
 * or -1 when there is none left. */
int domains_next(struct domains *d, char *out, size_t outlen);

/** Start checks while fewer than max run and domains are left.
 * start(domain, arg, err, errlen) returns 0 when its check runs (then
 * *running and d->started grow), or -1 when the domain cannot be checked:
 * err is printed as "resolver-probe CMD: err" and counted as bad. */
void domains_start(struct domains *d, unsigned *running, unsigned max,
	int (*start)(const char *domain, void *arg, char *err, size_t errlen),
	void *arg);

/** Close the list and free what d holds (not the skip list). */
void domains_close(struct domains *d);

#endif

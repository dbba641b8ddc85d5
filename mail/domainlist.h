/* domainlist.h: reading a list of mail domains (resolver-probe mail -f):
 * one name a line, '#' comments and blank lines skipped, each line read
 * with a cap by the bounded line reader.  A bad line is reported as
 * "FILE:LINE: reason" and skipped; a read error ends the list as an
 * error, never as its end. */
#ifndef MAIL_DOMAINLIST_H
#define MAIL_DOMAINLIST_H
#include <stddef.h>
#include "common/lineread.h"

/** The cap on a line of a domain list: a name (at most 253 bytes) with
 * blanks and a comment. */
#define MAIL_LIST_LINE_MAX 512u

/** What mail_list_next found. */
enum mail_list_status {
	MAIL_LIST_DOMAIN = 1,	/* a domain name in out */
	MAIL_LIST_EOF = 0,	/* no more lines */
	MAIL_LIST_ERROR = -1,	/* read error or out of memory: err; do not
				 * read on */
	MAIL_LIST_BAD = -2	/* a bad line, skipped: err says
				 * "FILE:LINE: reason"; read on */
};

/** The next domain of the list lr reads (lineread_file or lineread_mem
 * with MAIL_LIST_LINE_MAX, opened and freed by the caller): its name, as
 * written, goes to out (outlen bytes, 254 are enough; a name that does
 * not fit is a bad line).  Text from the file in err is escaped. */
enum mail_list_status mail_list_next(struct lineread *lr, char *out,
	size_t outlen, char *err, size_t errlen);

#endif

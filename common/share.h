/* share.h: results that many checks of one run share, made once each:
 * the probe of one mail server (address and port) serves every domain
 * whose MX uses it.  A table from a key to a result, pure data (no I/O):
 * the first asker of a key makes the result and hands it in; askers
 * while it is being made wait and are called back with it; askers after
 * get it at once.  Finished results are kept up to a bound, the least
 * recently used going first, so memory stays flat however long the run. */
#ifndef COMMON_SHARE_H
#define COMMON_SHARE_H
#include <stddef.h>
#include <stdbool.h>

struct share;
struct share_entry;

/** Called with a finished result (borrowed: copy what is needed). */
typedef void (*share_cb)(const void *value, void *arg);

/** What share_get found. */
enum share_state {
	SHARE_NEW,	/* nobody has it: the caller makes it, then calls
			   share_put with the entry */
	SHARE_WAIT,	/* being made: the caller is called back */
	SHARE_DONE	/* made: *value is set (borrowed until the next
			   call on the table) */
};

/** A table keeping at most max_done finished results; free_value frees
 * one (NULL: free()).  Returns it (free with share_free) or NULL. */
struct share *share_new(size_t max_done, void (*free_value)(void *));

/** Look key up.  SHARE_NEW: *entry is the new entry, and cb(value, arg)
 * will be called by share_put like every waiter's (the caller waits too).
 * SHARE_WAIT: cb(value, arg) is called when it is put.  SHARE_DONE:
 * *value is the result; cb is not called.  Returns -1 when out of
 * memory (nothing registered). */
int share_get(struct share *s, const char *key, share_cb cb, void *arg,
	struct share_entry **entry, const void **value);

/** Hand in the result of entry (owned by the table from now on; NULL for
 * none), call every waiter in the order they came, and keep it for later
 * askers (the least recently used finished result goes when more than
 * max_done are kept).  Returns the number of waiters called. */
size_t share_put(struct share *s, struct share_entry *entry, void *value);

/** What the table did so far. */
struct share_stats {
	unsigned long made;	/* SHARE_NEW answers */
	unsigned long shared;	/* SHARE_WAIT and SHARE_DONE answers */
	unsigned long evicted;	/* finished results let go for room */
	size_t kept;		/* finished results kept now */
};
void share_stats(const struct share *s, struct share_stats *st);

/** Free s and every result it keeps.  Entries still being made must not
 * be put afterwards.  NULL is fine. */
void share_free(struct share *s);

#endif

/* diff.h: two scans compared, as `report --diff OLD NEW` reads them:
 * resolvers that began lying, stopped lying or moved from one lying class
 * to another, liars found in only one scan, and the addresses the lies
 * led to that appeared or went away.  Pure: records in, changes out. */
#ifndef SCAN_DIFF_H
#define SCAN_DIFF_H
#include <stddef.h>
#include <stdint.h>
#include "common/addr.h"
#include "scan/follow.h"
#include "scan/summary_record.h"

/** One resolver of a scan: its address and class (CLASS_COUNT:
 * unjudged). */
struct diff_entry {
	struct prefix addr;
	uint32_t seq;		/* order read: the last record of a resolver
				 * read twice (a resumed scan) counts */
	uint8_t cls;
};

/** The resolvers of one scan and where its lies led.  Zero it, then
 * diff_side_init. */
struct diff_side {
	struct diff_entry *v;
	size_t n, cap;
	/* The addresses its lies led to (follow_lie_addrs), from every
	 * record read; sorted and made unique by diff_run. */
	char (*dest)[64];
	size_t ndest, dest_cap;
	uint64_t bad_addr;	/* records whose resolver is no address */
};

void diff_side_init(struct diff_side *s);
/** Add one record.  Returns 0, or -1 out of memory. */
int diff_side_add(struct diff_side *s, const struct summary_record *rec);
void diff_side_clear(struct diff_side *s);

/** What changed, in the order diff_run reports them. */
enum diff_change {
	DIFF_BEGAN_LYING,	/* in both; not lying before, lying now */
	DIFF_STOPPED_LYING,	/* in both; lying before, not now */
	DIFF_CHANGED_LIE,	/* in both; another lying class now */
	DIFF_NEW_LIAR,		/* only in the new scan, and lying */
	DIFF_GONE_LIAR,		/* only in the old scan, where it lied */
	DIFF_DEST_APPEARED,	/* a lie's address only in the new scan */
	DIFF_DEST_GONE,		/* a lie's address only in the old scan */
	DIFF_CHANGE_COUNT
};

/** "began-lying", "stopped-lying", "changed-lie", "new-liar",
 * "gone-liar", "destination-appeared", "destination-gone". */
const char *diff_change_str(enum diff_change c);

/** Called for each change: what is the resolver's or destination's
 * address; old_cls and new_cls are classes (CLASS_COUNT: unjudged), -1
 * where that side has none (a destination, or a resolver in one scan). */
typedef int (*diff_cb)(enum diff_change c, const char *what, int old_cls,
	int new_cls, void *arg);

/** The counts of a comparison. */
struct diff_counts {
	uint64_t both, only_old, only_new;
	uint64_t other_changes;	/* in both, another class, neither a lie */
	uint64_t n[DIFF_CHANGE_COUNT];
};

/** Compare old with new (both sorted in place): cb for every change,
 * resolvers in address order, then destinations; *c the counts.  A cb
 * that returns -1 stops the walk (a write error).  Returns 0, -1 when cb
 * stopped it. */
int diff_run(struct diff_side *old, struct diff_side *new, diff_cb cb,
	void *arg, struct diff_counts *c);

#endif

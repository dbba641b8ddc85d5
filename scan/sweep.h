/* sweep.h: a sweep record, one line among a sweep's results (JSON Lines
 * only), written by output_sweep and read back by readback.h. */
#ifndef SCAN_SWEEP_H
#define SCAN_SWEEP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "common/addr.h"

/** Where a sweep is (scan.h's scan_checkpoint) and what its discovery
 * found, so that --resume goes on from there and report counts the silent
 * targets, which have no line.  A file holds one every few seconds and one
 * at the end; for each order the last is the one that counts. */
struct sweep_record {
	char order[17];		/* hex: the targets, the seed and the shards
				 * (every run that walks this order) */
	uint64_t seed;
	unsigned shard, shards;
	unsigned pass;		/* discovery's pass at mark */
	uint64_t mark;		/* the position in the order, settled */
	uint64_t probed, answered;	/* so far (answered includes pending) */
	uint64_t silent;	/* when over */
	bool over;		/* every pass made */
	bool final;		/* the run's last record */
	struct prefix *pending;	/* answered, not written; the owner is
				 * whoever filled it */
	size_t npending;
};

/** Copy a sweep record (its own pending list) into *to, which must be
 * empty or a copy made before (it is replaced).  Returns 0 or -1 out of
 * memory (*to unchanged). */
int sweep_record_copy(struct sweep_record *to, const struct sweep_record *w);

/** Free a copy's pending list; *w is empty afterwards. */
void sweep_record_clear(struct sweep_record *w);

#endif

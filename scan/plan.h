/* plan.h: the questions a scan asks every resolver.  From the truth (the
 * paper's plan: MX of each provider, A/AAAA of its best MX host, plus the
 * control queries), or a fixed list given on the command line (--queries,
 * no truth needed: benchmarks and ad-hoc scans).  Pure. */
#ifndef SCAN_PLAN_H
#define SCAN_PLAN_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "validator/truth.h"
#include "validator/observation.h"

/** One question of the plan. */
struct plan_item {
	/* FQDN with trailing dot, owned.  For QUERY_NXCONTROL the zone: every
	 * resolver gets its own random label under it (plan_nxname). */
	char *qname;
	uint16_t qtype;
	enum query_role role;
	int provider;		/* index into truth.providers, -1 if none */
};

/** The plan: items in the order they are asked. */
struct plan {
	struct plan_item *items;	/* owned */
	size_t n;
};

/** The paper's plan from a resolved truth: for each usable provider the MX
 * of its domain and A (and AAAA when ipv6_answers) of the exchange
 * truth_best_mx names; then the control name and a random name under the
 * nxdomain zone when the truth has them.  Providers without an MX truth
 * get only the MX question.  Returns 0, or -1 with a reason in err
 * (out of memory, or an empty plan). */
int plan_from_truth(struct plan *p, const struct truth *t, bool ipv6_answers,
	char *err, size_t errlen);

/** A fixed plan from "NAME/TYPE,NAME/TYPE,...": TYPE is a mnemonic (A,
 * MX, AAAA, ...) or TYPEnnn; "/TYPE" may be left out (A).  A NAME starting
 * with "*." asks a random non-existent label under the rest
 * (QUERY_NXCONTROL); other items are QUERY_OTHER.  Returns 0, or -1 with
 * the offending item in err. */
int plan_parse(struct plan *p, const char *spec, char *err, size_t errlen);

/** Free what *p owns (not p). */
void plan_clear(struct plan *p);

/** The random name for an NXCONTROL item: a 16-letter label from rnd
 * (at least 10 bytes) under zone, "rp-xxxxxxxxxxxxxxxx.zone.", into buf.
 * Returns 0, or -1 when buf is too small. */
int plan_nxname(const char *zone, const uint8_t *rnd, char *buf,
	size_t buflen);

#endif

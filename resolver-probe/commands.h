/* commands.h: the subcommands of resolver-probe.  Each parses its own
 * options and returns the process exit status; only main exits. */
#ifndef PROBE_COMMANDS_H
#define PROBE_COMMANDS_H
#include "dnssec/dane.h"

/* Exit statuses shared by all subcommands. */
#define EXIT_AGREE 0		/* success; answers agree with the truth */
#define EXIT_FINDING 1		/* a lie, a failure or a bogus truth found */
#define EXIT_USAGE 2		/* bad command line or input file */
#define EXIT_INCOMPLETE 3	/* could not complete (no reply, no truth) */

int cmd_truth(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_dane(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_mail(int argc, char **argv);

/** The exit status a DANE domain verdict gives: 0 valid or insecure, 1
 * bogus or a failure, 3 unreachable or dns-error. */
int dane_verdict_exit(enum dane_verdict v);

#endif

/* commands.h: the subcommands of resolver-probe.  Each parses its own
 * options and returns the process exit status; only main exits. */
#ifndef PROBE_COMMANDS_H
#define PROBE_COMMANDS_H
#include <stdio.h>
#include "dnssec/dane.h"

/* Exit statuses shared by all subcommands. */
#define EXIT_AGREE 0		/* success; answers agree with the truth */
#define EXIT_FINDING 1		/* a lie, a failure or a bogus truth found */
#define EXIT_USAGE 2		/* bad command line or input file */
#define EXIT_INCOMPLETE 3	/* could not complete (no reply, no truth) */

/* The getopt_long code of --version, which every subcommand takes; above
 * the codes of any subcommand's own long options. */
#define CMD_OPT_VERSION 0x7000
#define CMD_VERSION_LONGOPT \
	{ "version", no_argument, NULL, CMD_OPT_VERSION }
/* The --help line of --version, in the column most subcommands use. */
#define CMD_VERSION_HELP \
	"      --version          print the version and exit\n"

/** Print the program's name and version (as --version does) to stdout;
 * returns the exit status 0. */
static inline int cmd_version(void)
{
	printf("%s\n", PACKAGE_STRING);
	return 0;
}

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

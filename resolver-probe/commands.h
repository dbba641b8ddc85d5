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
/* The getopt_long code of --helo (dane, mail): the SMTP options are -p,
 * -t and --helo, taken by cmd_smtp_opt. */
#define CMD_OPT_HELO 0x7001
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

struct truth_opts;

/** Hand an option code from getopt_long to truth_opts_parse, first in the
 * option loop of subcommand cmd ("dane").  Returns 1 when it was a truth
 * option and was taken (go on to the next), 0 when it is not one, -1 on a
 * bad value, with "resolver-probe CMD: why" printed (exit EXIT_USAGE). */
int cmd_truth_opt(const char *cmd, struct truth_opts *o, int opt,
	const char *arg);

/** The SMTP options of subcommand cmd ("dane", "mail") into o: -p/--port
 * N (1..65535), -t/--timeout S (1..3600 seconds) and --helo NAME
 * (CMD_OPT_HELO; borrowed: no space or line break, 1..255 bytes).  Returns
 * 1 when opt was one and was taken, 0 when it is not one, -1 on a bad
 * value, with "resolver-probe CMD: why" printed (exit EXIT_USAGE). */
int cmd_smtp_opt(const char *cmd, struct dane_opts *o, int opt,
	const char *arg);

/** A port number (1..65535) for option name ("--https-port") of
 * subcommand cmd into *port.  Returns 0, or -1 with "resolver-probe CMD:
 * NAME: not a port" printed. */
int cmd_port_arg(const char *cmd, const char *name, const char *arg,
	unsigned *port);

/** On a terminal only: a line on stderr saying what the command waits
 * for ("resolver-probe CMD: WHAT"), so that a slow network is not
 * mistaken for a hang; printf-style. */
void cmd_waiting(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The plural ending of a count's noun: "1 target", "2 targets";
 * "1 address", "2 addresses". */
#define PLURAL(n) ((n) == 1 ? "" : "s")
#define PLURAL_ES(n) ((n) == 1 ? "" : "es")

/** The end of every subcommand's option switch, its default case:
 * --version prints the version and -h/--help the usage (usage(stdout)),
 * both EXIT_AGREE; an unknown option or a missing argument (getopt_long
 * with opterr 0 and a ':' optstring) one line naming it and a pointer to
 * --help on stderr, EXIT_USAGE.  argv is the command's (argv[0] its
 * name).  Returns the exit status. */
int cmd_opt_end(int opt, char **argv, void (*usage)(FILE *f));

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

/* main.c: resolver-probe's entry point: dispatch to a subcommand. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <getopt.h>
#include "resolver-probe/commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "scan", cmd_scan, "probe many resolvers for falsified mail answers" },
	{ "query", cmd_query, "ask one resolver one question and judge the reply" },
	{ "truth", cmd_truth, "print the DNSSEC-validated ground truth" },
	{ "dane", cmd_dane, "check mail domains' DNSSEC and DANE/TLSA" },
	{ "report", cmd_report, "summarise a saved scan (JSON Lines)" },
	{ "mail", cmd_mail, "check the mail transport security of domains" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: resolver-probe COMMAND [OPTIONS]\n       resolver-probe --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'resolver-probe COMMAND --help' describes each.\n"
		"exit status: 0 agrees with the truth, 1 a finding (lie, failure,\n"
		"bogus), 2 usage error, 3 could not complete.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version();
	/* Option errors are the commands' own (cmd_opt_end): one line. */
	opterr = 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "resolver-probe: unknown command '%s'\n"
		"Try 'resolver-probe --help'.\n", argv[1]);
	return EXIT_USAGE;
}

/* cmd_opts.c: what the option loops of the subcommands share: the truth
 * options taken first, the SMTP options of dane and mail, and the cases
 * every option switch ends with (commands.h). */
#include "config.h"
#include <stdio.h>
#include <stdarg.h>
#include <unistd.h>
#include <string.h>
#include <getopt.h>
#include "resolver-probe/commands.h"
#include "common/options.h"
#include "dnssec/truth_opts.h"

int cmd_truth_opt(const char *cmd, struct truth_opts *o, int opt,
	const char *arg)
{
	char err[1024];
	int t = truth_opts_parse(o, opt, arg, err, sizeof(err));
	if (t < 0)
		fprintf(stderr, "resolver-probe %s: %s\n", cmd, err);
	return t;
}

int cmd_port_arg(const char *cmd, const char *name, const char *arg,
	unsigned *port)
{
	long long n = option_number(arg, 1, 65535);
	if (n < 0) {
		fprintf(stderr, "resolver-probe %s: %s: not a port: \"%s\"\n",
			cmd, name, arg);
		return -1;
	}
	*port = (unsigned)n;
	return 0;
}

int cmd_smtp_opt(const char *cmd, struct dane_opts *o, int opt,
	const char *arg)
{
	long long n;
	switch (opt) {
	case 'p':
		return cmd_port_arg(cmd, "--port", arg, &o->port) < 0 ? -1 : 1;
	case 't':
		if ((n = option_number(arg, 1, 3600)) < 0) {
			fprintf(stderr, "resolver-probe %s: --timeout: want "
				"1..3600 seconds: \"%s\"\n", cmd, arg);
			return -1;
		}
		o->timeout = (unsigned)n;
		return 1;
	case CMD_OPT_HELO:
		if (!*arg || strlen(arg) > 255 || strpbrk(arg, " \r\n\t")) {
			fprintf(stderr, "resolver-probe %s: --helo: not a host "
				"name: \"%s\"\n", cmd, arg);
			return -1;
		}
		o->helo = arg;
		return 1;
	}
	return 0;
}

int cmd_opt_end(int opt, char **argv, void (*usage)(FILE *f))
{
	if (opt == CMD_OPT_VERSION)
		return cmd_version();
	if (opt == 'h') {
		usage(stdout);
		return EXIT_AGREE;
	}
	/* One line, as coreutils does: a screen of help would push the
	 * error out of sight. */
	const char *arg = optind > 1 ? argv[optind - 1] : "?";
	char shortopt[3] = { '-', (char)optopt, '\0' };
	if (opt == ':')
		fprintf(stderr, "resolver-probe %s: option '%s' needs an "
			"argument\n", argv[0], optopt > 0 && optopt < 128 &&
			strncmp(arg, "--", 2) ? shortopt : arg);
	else
		fprintf(stderr, "resolver-probe %s: unrecognized option '%s'\n",
			argv[0], optopt > 0 && optopt < 128 ? shortopt : arg);
	fprintf(stderr, "Try 'resolver-probe %s --help'.\n", argv[0]);
	return EXIT_USAGE;
}

void cmd_waiting(const char *cmd, const char *fmt, ...)
{
	if (!isatty(STDERR_FILENO))
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "resolver-probe %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* cmd_opts.c: what the option loops of the subcommands share: the truth
 * options taken first, and the cases every option switch ends with
 * (commands.h). */
#include "config.h"
#include <stdio.h>
#include "resolver-probe/commands.h"
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

int cmd_opt_end(int opt, void (*usage)(FILE *f))
{
	if (opt == CMD_OPT_VERSION)
		return cmd_version();
	if (opt == 'h') {
		usage(stdout);
		return EXIT_AGREE;
	}
	usage(stderr);
	return EXIT_USAGE;
}

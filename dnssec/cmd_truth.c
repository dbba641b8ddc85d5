/* cmd_truth.c: the 'truth' subcommand (being written). */
#include "config.h"
#include <stdio.h>
#include "resolver-probe/commands.h"

int cmd_truth(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "resolver-probe truth: not built yet\n");
	return EXIT_USAGE;
}

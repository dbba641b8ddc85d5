/* cmd_dane.c: the 'dane' subcommand (being written). */
#include "config.h"
#include <stdio.h>
#include "resolver-probe/commands.h"

int cmd_dane(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "resolver-probe dane: not built yet\n");
	return EXIT_USAGE;
}

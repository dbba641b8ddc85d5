/* cmd_query.c: the 'query' subcommand (being written). */
#include "config.h"
#include <stdio.h>
#include "resolver-probe/commands.h"

int cmd_query(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "resolver-probe query: not built yet\n");
	return EXIT_USAGE;
}

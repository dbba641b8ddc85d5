/* options.c: command-line numbers (see options.h). */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include "common/options.h"

long long option_number(const char *s, long long lo, long long hi)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

long option_ms(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.001) || v > 600)
		return -1;
	return (long)(v * 1000 + 0.5);
}

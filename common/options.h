/* options.h: the numbers subcommands take on the command line, parsed one
 * way everywhere (strtoll/strtod with every error checked, no atoi). */
#ifndef COMMON_OPTIONS_H
#define COMMON_OPTIONS_H

/** A whole decimal number in [lo, hi] (lo >= 0), or -1 when s is not one. */
long long option_number(const char *s, long long lo, long long hi);

/** Seconds ("2", "0.5"), from a millisecond to ten minutes, as
 * milliseconds; -1 when s is not such a number. */
long option_ms(const char *s);

#endif

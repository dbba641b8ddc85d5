/* tap.h: the few TAP helpers unit tests share ("ok N - what" lines). */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H
#include <stdio.h>
#include <stdarg.h>

static int tap_count, tap_failed;

/** Record one check: prints "ok N - what" or "not ok N - what (file:line)". */
static inline int tap_ok(int pass, const char *file, int line,
	const char *fmt, ...)
{
	va_list ap;
	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!pass) {
		printf(" (%s:%d)", file, line);
		tap_failed++;
	}
	printf("\n");
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/** Print the plan and return the exit status for main. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif

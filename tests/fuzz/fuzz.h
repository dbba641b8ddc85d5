/* fuzz.h: what every fuzz target shares: the libFuzzer entry point, the
 * abort that turns a broken promise of the code under test into a crash
 * the fuzzer keeps, and a sink for output it must not see. */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Abort with "FILE: broken: what" unless cond holds. */
#define expect(cond, what) fuzz_expect(!!(cond), (what), __FILE__)

static inline void fuzz_expect(int cond, const char *what, const char *file)
{
	if (!cond) {
		fprintf(stderr, "%s: broken: %s\n", file, what);
		abort();
	}
}

/** /dev/null, opened once. */
static inline FILE *devnull(void)
{
	static FILE *f;
	if (!f && !(f = fopen("/dev/null", "w")))
		abort();
	return f;
}

#endif

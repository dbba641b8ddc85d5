/* replay.c: a standalone driver for a fuzz target, so its seed corpus and
 * every crash found replay in `make check` on the normal (gcc, sanitizer)
 * build: feeds each file of tests/fuzz/corpus/NAME/ and
 * tests/fuzz/crashes/NAME/ to LLVMFuzzerTestOneInput and prints one TAP
 * line per file.  A crash kills the program, which tests/run-tests counts
 * as a failure; ASan's leak check runs at exit.
 *
 *     replay-NAME              the folders under $srcdir/tests/fuzz
 *     replay-NAME FILE|DIR...  those instead (reproduce one crash) */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tests/tap.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME (the target's folder name) must be defined"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are capped like libFuzzer's default -max_len for seeds we keep
 * small; a bigger file is a mistake in the corpus, not a test. */
#define REPLAY_MAX (1u << 20)

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_file(const char *path, const char *label)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ok(0, "%s: %s", label, strerror(errno));
		return;
	}
	uint8_t *buf = malloc(REPLAY_MAX + 1);
	size_t n = buf ? fread(buf, 1, REPLAY_MAX + 1, f) : 0;
	int bad = !buf || ferror(f) || n > REPLAY_MAX;
	fclose(f);
	if (bad) {
		ok(0, "%s: unreadable or over %u bytes", label, REPLAY_MAX);
		free(buf);
		return;
	}
	/* An exact-size copy, so ASan sees any read past the input. */
	uint8_t *in = malloc(n ? n : 1);
	if (!in) {
		free(buf);
		ok(0, "%s: out of memory", label);
		return;
	}
	memcpy(in, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	ok(1, "%s (%zu bytes)", label, n);
}

/* Replay every regular file of dir in name order; a missing dir is fine
 * when optional (no crash files yet). */
static void replay_dir(const char *dir, const char *label, int optional)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (!optional)
			ok(0, "%s: %s", dir, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096], lab[512];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(lab, sizeof(lab), "%s/%s", label, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path, lab);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
				replay_dir(argv[i], argv[i], 0);
			else
				replay_file(argv[i], argv[i]);
		}
		return tap_done();
	}
	const char *src = getenv("srcdir");
	char dir[4096];
	if (!src || !*src)
		src = ".";
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src, FUZZ_NAME);
	replay_dir(dir, "corpus/" FUZZ_NAME, 0);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/crashes/%s", src, FUZZ_NAME);
	replay_dir(dir, "crashes/" FUZZ_NAME, 1);
	if (tap_count == 0)
		ok(0, "no seed files for %s", FUZZ_NAME);
	return tap_done();
}

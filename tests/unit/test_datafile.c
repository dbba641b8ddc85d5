/* test_datafile.c: where data files are looked for (datafile_places, in
 * order, for each kind of program location), data_path choosing the first
 * that exists, and the message when none has the file. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "common/datafile.h"
#include "tests/tap.h"

/* places NAME ENV EXE: the places joined as "path (why)|path (why)". */
static const char *places(const char *name, const char *env, const char *exe)
{
	static char out[4 * DATAFILE_PATH_MAX];
	struct datafile_places p;
	size_t n = 0;

	datafile_places(name, env, exe, "/usr/share/resolver-probe", &p);
	out[0] = '\0';
	for (size_t i = 0; i < p.n; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s (%s)",
			i ? "|" : "", p.path[i], p.why[i]);
	return out;
}

static void order(void)
{
	static const struct {
		const char *what, *env, *exe, *want;
	} cases[] = {
		{ "RESOLVER_PROBE_DATADIR is the only place", "/d",
		  "/src/resolver-probe/resolver-probe",
		  "/d/providers (RESOLVER_PROBE_DATADIR)" },
		{ "an empty RESOLVER_PROBE_DATADIR is not set", "",
		  "/usr/bin/resolver-probe",
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "build tree: TOP/data first", NULL,
		  "/src/rp/resolver-probe/resolver-probe",
		  "/src/rp/data/providers (build tree)|"
		  "/src/rp/share/resolver-probe/providers (beside the program)|"
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "installed in /usr/bin: the installed folder once", NULL,
		  "/usr/bin/resolver-probe",
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "unpacked elsewhere: beside the program first", NULL,
		  "/tmp/root/usr/bin/resolver-probe",
		  "/tmp/root/usr/share/resolver-probe/providers (beside the program)|"
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "a program not named as built: no ../data", NULL,
		  "/opt/x/bin/other",
		  "/opt/x/share/resolver-probe/providers (beside the program)|"
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "program path unknown: installed only", NULL, NULL,
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "relative program path: installed only", NULL,
		  "resolver-probe/resolver-probe",
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "program in /: installed only", NULL, "/resolver-probe",
		  "/usr/share/resolver-probe/providers (installed)" },
		{ "program in /resolver-probe/: its /data", NULL,
		  "/resolver-probe/resolver-probe",
		  "/data/providers (build tree)|"
		  "/share/resolver-probe/providers (beside the program)|"
		  "/usr/share/resolver-probe/providers (installed)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = places("providers", cases[i].env,
			cases[i].exe);
		ok(!strcmp(got, cases[i].want), "%s: %s", cases[i].what, got);
	}
}

/* data_path takes the first place that exists; the message for a missing
 * default names every place and the way out. */
static void lookup(void)
{
	char dir[] = "/tmp/test_datafile.XXXXXX", path[DATAFILE_PATH_MAX],
		buf[DATAFILE_PATH_MAX], err[2 * DATAFILE_PATH_MAX];

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/root.hints", dir);
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
	setenv("RESOLVER_PROBE_DATADIR", dir, 1);
	ok(!strcmp(data_path("root.hints", buf, sizeof(buf)), path),
		"RESOLVER_PROBE_DATADIR: %s", buf);
	data_path("providers", buf, sizeof(buf));
	datafile_open_error(buf, ENOENT, err, sizeof(err));
	ok(strstr(err, "the data file providers is in none of the places "
		"looked at: ") && strstr(err, dir) &&
		strstr(err, "(RESOLVER_PROBE_DATADIR)") &&
		strstr(err, "--providers FILE") &&
		strstr(err, "set RESOLVER_PROBE_DATADIR to a folder that has it"),
		"missing default: every place and the way out: %s", err);
	datafile_open_error(buf, EACCES, err, sizeof(err));
	ok(!strcmp(err + strlen(buf), ": Permission denied") &&
		!strncmp(err, buf, strlen(buf)),
		"another error: path: reason (%s)", err);
	data_path("iana-ipv4-special-registry.csv", buf, sizeof(buf));
	datafile_open_error(buf, ENOENT, err, sizeof(err));
	ok(strstr(err, "; set RESOLVER_PROBE_DATADIR") != NULL,
		"no option names the registries: %s", err);
	datafile_open_error("/elsewhere/providers", ENOENT, err, sizeof(err));
	ok(!strcmp(err, "/elsewhere/providers: No such file or directory"),
		"a path the user gave: path: reason (%s)", err);
	unsetenv("RESOLVER_PROBE_DATADIR");

	/* Without the variable this test program (tests/unit/, not a
	 * resolver-probe folder) ends at the installed folder. */
	data_path("no-such-file", buf, sizeof(buf));
	ok(!strcmp(buf, PKGDATADIR "/no-such-file"),
		"nothing found: the installed place (%s)", buf);
	datafile_open_error(buf, ENOENT, err, sizeof(err));
	ok(strstr(err, PKGDATADIR "/no-such-file (installed)") &&
		strstr(err, "share/resolver-probe/no-such-file (beside the "
		"program)"), "both places named: %s", err);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	order();
	lookup();
	return tap_done();
}

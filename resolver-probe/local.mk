# resolver-probe/: the program, the scanner and the output layer.
libcore_a_SOURCES += resolver-probe/json.c resolver-probe/json.h \
	resolver-probe/rrtext.c resolver-probe/rrtext.h \
	resolver-probe/options.c resolver-probe/options.h
libprobe_a_SOURCES += \
	resolver-probe/commands.h \
	resolver-probe/cmd_scan.c resolver-probe/cmd_query.c \
	resolver-probe/cmd_report.c

# The scan engine (engine helper): pure plan, matching and rate limiting in
# libcore.a, the libuv engine in libprobe.a.
libcore_a_SOURCES += resolver-probe/plan.c resolver-probe/plan.h \
	resolver-probe/match.c resolver-probe/match.h \
	resolver-probe/ratelimit.c resolver-probe/ratelimit.h
libprobe_a_SOURCES += resolver-probe/scan.c resolver-probe/scan.h
UNIT_TESTS += tests/unit/test_match tests/unit/test_ratelimit \
	tests/unit/test_plan
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c tests/tap.h
tests_unit_test_plan_LDADD = libcore.a $(DEPS_LIBS)
# Replay tests of the engine: the test defines uv_udp_send and friends, so
# the engine's sockets are swapped for a script at link time.
UNIT_TESTS += tests/unit/test_scan
tests_unit_test_scan_SOURCES = tests/unit/test_scan.c tests/tap.h
tests_unit_test_scan_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
tests_unit_test_match_SOURCES = tests/unit/test_match.c tests/tap.h
tests_unit_test_match_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_ratelimit_SOURCES = tests/unit/test_ratelimit.c tests/tap.h
tests_unit_test_ratelimit_LDADD = libcore.a $(DEPS_LIBS)

# Targets, blocklist, scan order, output and summary (targets helper): pure
# parts in libcore.a.
libcore_a_SOURCES += resolver-probe/targets.c resolver-probe/targets.h \
	resolver-probe/blocklist.c resolver-probe/blocklist.h \
	resolver-probe/permute.c resolver-probe/permute.h \
	resolver-probe/output.c resolver-probe/output.h \
	resolver-probe/summary.c resolver-probe/summary.h
UNIT_TESTS += tests/unit/test_targets tests/unit/test_permute \
	tests/unit/test_output tests/unit/test_summary
tests_unit_test_output_SOURCES = tests/unit/test_output.c \
	tests/unit/results.h tests/tap.h
tests_unit_test_output_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_summary_SOURCES = tests/unit/test_summary.c \
	tests/unit/results.h tests/tap.h
tests_unit_test_summary_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_targets_SOURCES = tests/unit/test_targets.c tests/tap.h
tests_unit_test_targets_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_permute_SOURCES = tests/unit/test_permute.c tests/tap.h
tests_unit_test_permute_LDADD = libcore.a $(DEPS_LIBS)

# scan --resume and safe output (resume helper): the done set and the
# read-back of an earlier scan's lines, pure, in libcore.a.
libcore_a_SOURCES += resolver-probe/resume.c resolver-probe/resume.h
UNIT_TESTS += tests/unit/test_resume
tests_unit_test_resume_SOURCES = tests/unit/test_resume.c tests/tap.h
tests_unit_test_resume_LDADD = libcore.a $(DEPS_LIBS)

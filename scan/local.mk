# scan/: the scan: targets, blocklist, scan order, the plan, reply
# matching and rate limiting, resume, output and summary (pure, libcore.a),
# and the libuv engine (libprobe.a).
libcore_a_SOURCES += scan/plan.c scan/plan.h \
	scan/match.c scan/match.h \
	scan/ratelimit.c scan/ratelimit.h \
	scan/targets.c scan/targets.h \
	scan/blocklist.c scan/blocklist.h \
	scan/permute.c scan/permute.h \
	scan/output.c scan/output.h \
	scan/summary_record.c scan/summary_record.h \
	scan/summary.c scan/summary.h scan/summary_impl.h \
	scan/summary_text.c scan/summary_html.c \
	scan/resume.c scan/resume.h \
	scan/readback.c scan/readback.h scan/sweep.h \
	scan/follow.c scan/follow.h \
	scan/discovery.c scan/discovery.h \
	scan/diff.c scan/diff.h
libprobe_a_SOURCES += scan/scan.c scan/scan.h \
	scan/follow_run.c scan/follow_run.h
UNIT_TESTS += tests/unit/test_match tests/unit/test_ratelimit \
	tests/unit/test_plan tests/unit/test_targets tests/unit/test_permute \
	tests/unit/test_output tests/unit/test_summary tests/unit/test_resume \
	tests/unit/test_readback tests/unit/test_follow \
	tests/unit/test_discovery tests/unit/test_diff
tests_unit_test_diff_SOURCES = tests/unit/test_diff.c tests/tap.h
tests_unit_test_diff_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_discovery_SOURCES = tests/unit/test_discovery.c tests/tap.h
tests_unit_test_discovery_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_follow_SOURCES = tests/unit/test_follow.c tests/tap.h
tests_unit_test_follow_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c tests/tap.h
tests_unit_test_plan_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_match_SOURCES = tests/unit/test_match.c tests/tap.h
tests_unit_test_match_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_ratelimit_SOURCES = tests/unit/test_ratelimit.c tests/tap.h
tests_unit_test_ratelimit_LDADD = libcore.a $(DEPS_LIBS)
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
tests_unit_test_resume_SOURCES = tests/unit/test_resume.c tests/tap.h
tests_unit_test_resume_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_readback_SOURCES = tests/unit/test_readback.c tests/tap.h
tests_unit_test_readback_LDADD = libcore.a $(DEPS_LIBS)
# Replay tests of the engine: the test defines uv_udp_send and friends, so
# the engine's sockets are swapped for a script at link time.
UNIT_TESTS += tests/unit/test_scan
tests_unit_test_scan_SOURCES = tests/unit/test_scan.c tests/tap.h
tests_unit_test_scan_LDADD = libprobe.a libcore.a $(DEPS_LIBS)

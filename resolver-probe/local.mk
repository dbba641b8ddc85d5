# resolver-probe/: the program, the scanner and the output layer.
libcore_a_SOURCES += resolver-probe/json.c resolver-probe/json.h
libprobe_a_SOURCES += \
	resolver-probe/commands.h \
	resolver-probe/cmd_scan.c resolver-probe/cmd_query.c \
	resolver-probe/cmd_report.c

# Targets, blocklist, scan order, output and summary (targets helper): pure
# parts in libcore.a.
libcore_a_SOURCES += resolver-probe/targets.c resolver-probe/targets.h \
	resolver-probe/blocklist.c resolver-probe/blocklist.h \
	resolver-probe/permute.c resolver-probe/permute.h
UNIT_TESTS += tests/unit/test_targets tests/unit/test_permute
tests_unit_test_targets_SOURCES = tests/unit/test_targets.c tests/tap.h
tests_unit_test_targets_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_permute_SOURCES = tests/unit/test_permute.c tests/tap.h
tests_unit_test_permute_LDADD = libcore.a $(DEPS_LIBS)

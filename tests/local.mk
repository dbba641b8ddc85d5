# tests/: unit tests (TAP), the lab, fuzz targets.
# UNIT_TESTS lists TAP programs; each module's local.mk adds its own.
check_PROGRAMS += $(UNIT_TESTS)
# SCRIPT_TESTS: TAP shell scripts run from the source tree.
SCRIPT_TESTS = tests/t-man.sh tests/t-completion.bash tests/t-build.sh
EXTRA_DIST += $(SCRIPT_TESTS)
EXTRA_DIST += tests/run-tests tests/layers tests/install-deps \
	tests/package-check tests/fresh-root

# 'make check' runs everything through tests/run-tests, which ends with the
# plain line "N passed, N failed".  'make check CHECK_LAB=no' leaves the lab
# out; 'make check LAB_TESTS="t-query.sh t-datafile.sh"' runs only those
# lab tests (make distcheck LAB_TESTS=... passes it on).
check-local: $(check_PROGRAMS) resolver-probe/resolver-probe$(EXEEXT) \
	$(man_MANS)
	@UNIT_TESTS="$(UNIT_TESTS)" SCRIPT_TESTS="$(SCRIPT_TESTS)" \
	 CHECK_LAB="$(CHECK_LAB)" LAB_TESTS="$(LAB_TESTS)" srcdir="$(abs_top_srcdir)" \
	 builddir="$(abs_top_builddir)" $(SHELL) $(top_srcdir)/tests/run-tests

CLEANFILES += tests/test-suite.log

include tests/lab/local.mk
include tests/fuzz/local.mk

# The README's first command: the main job on the lab.
demo: all
	@LAB_BUILDDIR="$(abs_top_builddir)" \
	 RESOLVER_PROBE_DATADIR="$(abs_top_srcdir)/data" \
	 $(top_srcdir)/tests/lab/run $(top_srcdir)/tests/lab/demo \
	 "$(abs_top_builddir)/demo"
.PHONY: demo

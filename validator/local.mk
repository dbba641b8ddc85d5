# validator/: the pure classification of a resolver's answers against the
# truth (libcore.a): no sockets, no files, no clock.
libcore_a_SOURCES += validator/truth.h validator/observation.h \
	validator/verdict.h validator/providers.h \
	validator/truth.c validator/observation.c validator/providers.c \
	validator/verdict.c
UNIT_TESTS += tests/unit/test_providers tests/unit/test_truth \
	tests/unit/test_verdict
tests_unit_test_providers_SOURCES = tests/unit/test_providers.c tests/tap.h
tests_unit_test_providers_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
tests_unit_test_truth_SOURCES = tests/unit/test_truth.c tests/unit/rrs.h tests/tap.h
tests_unit_test_truth_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_verdict_SOURCES = tests/unit/test_verdict.c tests/unit/rrs.h tests/tap.h
tests_unit_test_verdict_LDADD = libcore.a $(DEPS_LIBS)

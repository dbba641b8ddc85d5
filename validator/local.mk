# validator/: pure classification logic (libcore.a).
libcore_a_SOURCES += validator/addr.h validator/truth.h \
	validator/observation.h validator/verdict.h validator/providers.h \
	validator/addr.c validator/truth.c validator/observation.c \
	validator/providers.c validator/verdict.c

UNIT_TESTS += tests/unit/test_addr tests/unit/test_providers \
	tests/unit/test_truth
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c tests/tap.h
tests_unit_test_addr_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_providers_SOURCES = tests/unit/test_providers.c tests/tap.h
tests_unit_test_providers_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_truth_SOURCES = tests/unit/test_truth.c tests/unit/rrs.h tests/tap.h
tests_unit_test_truth_LDADD = libcore.a $(DEPS_LIBS)
UNIT_TESTS += tests/unit/test_verdict
tests_unit_test_verdict_SOURCES = tests/unit/test_verdict.c tests/unit/rrs.h tests/tap.h
tests_unit_test_verdict_LDADD = libcore.a $(DEPS_LIBS)

# dnssec/: ground truth with libunbound, DANE/TLSA checks.
libprobe_a_SOURCES += dnssec/cmd_truth.c dnssec/cmd_dane.c
# Ground truth: shared options and file checks, libunbound on the loop.
libprobe_a_SOURCES += dnssec/truth_opts.c dnssec/truth_opts.h \
	dnssec/truth_resolve.c dnssec/truth_resolve.h
UNIT_TESTS += tests/unit/test_truth_files
tests_unit_test_truth_files_SOURCES = tests/unit/test_truth_files.c \
	tests/tap.h
tests_unit_test_truth_files_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
UNIT_TESTS += tests/unit/test_truth_answer
tests_unit_test_truth_answer_SOURCES = tests/unit/test_truth_answer.c \
	tests/tap.h
tests_unit_test_truth_answer_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
# DANE: pure TLSA matching and SMTP reply reading (libcore.a).
libcore_a_SOURCES += dnssec/tlsa.c dnssec/tlsa.h dnssec/smtp.c dnssec/smtp.h
UNIT_TESTS += tests/unit/test_tlsa tests/unit/test_smtp
tests_unit_test_tlsa_SOURCES = tests/unit/test_tlsa.c tests/tap.h
tests_unit_test_tlsa_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_smtp_SOURCES = tests/unit/test_smtp.c tests/tap.h
tests_unit_test_smtp_LDADD = libcore.a $(DEPS_LIBS)
# DANE: the check engine (truth_resolve, SMTP and TLS on the loop).
libprobe_a_SOURCES += dnssec/dane.c dnssec/dane.h
UNIT_TESTS += tests/unit/test_dane
tests_unit_test_dane_SOURCES = tests/unit/test_dane.c tests/tap.h
tests_unit_test_dane_LDADD = libprobe.a libcore.a $(DEPS_LIBS)

# dnssec/: ground truth by validating resolution (libunbound on the loop)
# and DANE/TLSA checks; no command line, no printing.
libprobe_a_SOURCES += dnssec/truth_opts.c dnssec/truth_opts.h \
	dnssec/truth_resolve.c dnssec/truth_resolve.h \
	dnssec/dane.c dnssec/dane.h \
	dnssec/dane_session.c dnssec/dane_session.h \
	dnssec/smtp_session.c dnssec/smtp_session.h
UNIT_TESTS += tests/unit/test_truth_files
tests_unit_test_truth_files_SOURCES = tests/unit/test_truth_files.c \
	tests/tap.h
tests_unit_test_truth_files_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
# Pure TLSA matching, SMTP reply reading and DANE verdicts (libcore.a).
libcore_a_SOURCES += dnssec/tlsa.c dnssec/tlsa.h dnssec/smtp.c dnssec/smtp.h \
	dnssec/dane_result.c dnssec/dane_result.h
UNIT_TESTS += tests/unit/test_tlsa tests/unit/test_smtp
tests_unit_test_tlsa_SOURCES = tests/unit/test_tlsa.c tests/tap.h
tests_unit_test_tlsa_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_smtp_SOURCES = tests/unit/test_smtp.c tests/tap.h
tests_unit_test_smtp_LDADD = libcore.a $(DEPS_LIBS)

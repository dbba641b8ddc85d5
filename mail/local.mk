# mail/: the mail transport security of a domain (DANE, MTA-STS, TLS-RPT,
# SPF, DMARC, STARTTLS).  Pure record parsers in libcore.a.
libcore_a_SOURCES += mail/finding.c mail/finding.h mail/fields.c \
	mail/fields.h mail/spf.c mail/spf.h mail/dmarc.c mail/dmarc.h \
	mail/tlsrpt.c mail/tlsrpt.h mail/mtasts.c mail/mtasts.h \
	mail/survey.c mail/survey.h mail/result.h mail/judge.c mail/judge.h \
	mail/starttls_result.h mail/starttls_result.c \
	mail/domainlist.c mail/domainlist.h
UNIT_TESTS += tests/unit/test_finding tests/unit/test_spf \
	tests/unit/test_dmarc tests/unit/test_tlsrpt tests/unit/test_mtasts \
	tests/unit/test_survey tests/unit/test_domainlist \
	tests/unit/test_mailjudge
tests_unit_test_mailjudge_SOURCES = tests/unit/test_mailjudge.c \
	tests/tap.h
tests_unit_test_mailjudge_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_finding_SOURCES = tests/unit/test_finding.c tests/tap.h
tests_unit_test_finding_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_spf_SOURCES = tests/unit/test_spf.c tests/tap.h
tests_unit_test_spf_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_dmarc_SOURCES = tests/unit/test_dmarc.c tests/tap.h
tests_unit_test_dmarc_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_tlsrpt_SOURCES = tests/unit/test_tlsrpt.c tests/tap.h
tests_unit_test_tlsrpt_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_mtasts_SOURCES = tests/unit/test_mtasts.c tests/tap.h
tests_unit_test_mtasts_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_survey_SOURCES = tests/unit/test_survey.c tests/tap.h
tests_unit_test_survey_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_domainlist_SOURCES = tests/unit/test_domainlist.c \
	tests/tap.h
tests_unit_test_domainlist_LDADD = libcore.a $(DEPS_LIBS)
# The engine: DNS, DANE, MTA-STS over HTTPS, STARTTLS (libprobe.a).
libprobe_a_SOURCES += mail/check.c mail/check.h mail/starttls.c \
	mail/starttls.h

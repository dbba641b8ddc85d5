# common/: the bottom layer: JSON writer, record text, command-line numbers,
# addresses and the IANA registries, data files (libcore.a).
libcore_a_SOURCES += common/json.c common/json.h \
	common/rrtext.c common/rrtext.h \
	common/options.c common/options.h \
	common/addr.c common/addr.h \
	common/datafile.c common/datafile.h \
	common/lineread.c common/lineread.h \
	common/escape.c common/escape.h \
	common/dnsname.c common/dnsname.h \
	common/share.c common/share.h \
	common/strset.c common/strset.h \
	common/html.c common/html.h
UNIT_TESTS += tests/unit/test_json tests/unit/test_rrtext tests/unit/test_addr \
	tests/unit/test_lineread tests/unit/test_escape tests/unit/test_dnsname
tests_unit_test_json_SOURCES = tests/unit/test_json.c tests/tap.h
tests_unit_test_json_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_rrtext_SOURCES = tests/unit/test_rrtext.c tests/tap.h
tests_unit_test_rrtext_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c tests/tap.h
tests_unit_test_addr_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_lineread_SOURCES = tests/unit/test_lineread.c tests/tap.h
tests_unit_test_lineread_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_escape_SOURCES = tests/unit/test_escape.c tests/tap.h
tests_unit_test_escape_LDADD = libcore.a $(DEPS_LIBS)
UNIT_TESTS += tests/unit/test_datafile
tests_unit_test_datafile_SOURCES = tests/unit/test_datafile.c tests/tap.h
tests_unit_test_datafile_LDADD = libcore.a $(DEPS_LIBS)
tests_unit_test_dnsname_SOURCES = tests/unit/test_dnsname.c tests/tap.h
tests_unit_test_dnsname_LDADD = libcore.a $(DEPS_LIBS)
UNIT_TESTS += tests/unit/test_share
tests_unit_test_share_SOURCES = tests/unit/test_share.c tests/tap.h
tests_unit_test_share_LDADD = libcore.a $(DEPS_LIBS)

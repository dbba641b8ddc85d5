# resolver-probe/: the command-line front end (libcli.a): every
# subcommand, exit statuses, printing.  main.c only dispatches.
libcli_a_SOURCES = resolver-probe/commands.h resolver-probe/cmd_opts.c \
	resolver-probe/cmd_scan.c resolver-probe/cmd_query.c \
	resolver-probe/cmd_report.c resolver-probe/cmd_truth.c \
	resolver-probe/report_diff.c resolver-probe/report_diff.h \
	resolver-probe/cmd_dane.c resolver-probe/domains.c resolver-probe/domains.h \
	resolver-probe/truth_print.c resolver-probe/truth_print.h \
	resolver-probe/cmd_mail.c resolver-probe/mail_print.c \
	resolver-probe/mail_print.h
UNIT_TESTS += tests/unit/test_truth_answer tests/unit/test_dane
tests_unit_test_truth_answer_SOURCES = tests/unit/test_truth_answer.c \
	tests/tap.h
tests_unit_test_truth_answer_LDADD = libcli.a libprobe.a libcore.a $(DEPS_LIBS)
tests_unit_test_dane_SOURCES = tests/unit/test_dane.c tests/tap.h
tests_unit_test_dane_LDADD = libcli.a libprobe.a libcore.a $(DEPS_LIBS)

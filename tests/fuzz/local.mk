# tests/fuzz/: libFuzzer targets, one per parser of hostile input (see
# tests/fuzz/README.md).  Each target's seed corpus (corpus/NAME/) and the
# crashes found and fixed (crashes/NAME/) replay in `make check` on every
# build through replay-NAME (replay.c: a main() that feeds each file to
# LLVMFuzzerTestOneInput), so a fixed crash stays fixed under ASan and
# valgrind.  The libFuzzer binaries fuzz-NAME are built only with
# ./configure CC=clang --enable-fuzz; `make fuzz` runs each for
# FUZZ_SECONDS.  `make valgrind` runs a lab scan under valgrind.
FUZZ_NAMES = reply verdict targets blocklist providers truthfiles tlsa smtp \
	summary truthanswer
FUZZ_SECONDS = 60
FUZZ_BINS =
FUZZ_REPLAYS = tests/fuzz/replay-reply \
	tests/fuzz/replay-verdict \
	tests/fuzz/replay-targets \
	tests/fuzz/replay-blocklist \
	tests/fuzz/replay-providers \
	tests/fuzz/replay-truthfiles \
	tests/fuzz/replay-tlsa \
	tests/fuzz/replay-smtp \
	tests/fuzz/replay-summary \
	tests/fuzz/replay-truthanswer

UNIT_TESTS += tests/fuzz/replay-reply
tests_fuzz_replay_reply_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_reply.c tests/fuzz/fuzz.h tests/fuzz/fixture.h tests/tap.h
tests_fuzz_replay_reply_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"reply"'
tests_fuzz_replay_reply_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-verdict
tests_fuzz_replay_verdict_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_verdict.c tests/fuzz/fuzz.h tests/fuzz/fixture.h tests/tap.h
tests_fuzz_replay_verdict_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"verdict"'
tests_fuzz_replay_verdict_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-targets
tests_fuzz_replay_targets_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_targets.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_targets_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"targets"'
tests_fuzz_replay_targets_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-blocklist
tests_fuzz_replay_blocklist_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_blocklist.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_blocklist_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"blocklist"'
tests_fuzz_replay_blocklist_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-providers
tests_fuzz_replay_providers_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_providers.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_providers_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"providers"'
tests_fuzz_replay_providers_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-truthfiles
tests_fuzz_replay_truthfiles_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_truthfiles.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_truthfiles_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"truthfiles"'
tests_fuzz_replay_truthfiles_LDADD = libprobe.a libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-tlsa
tests_fuzz_replay_tlsa_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_tlsa.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_tlsa_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"tlsa"'
tests_fuzz_replay_tlsa_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-smtp
tests_fuzz_replay_smtp_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_smtp.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_smtp_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"smtp"'
tests_fuzz_replay_smtp_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-summary
tests_fuzz_replay_summary_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_summary.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_summary_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"summary"'
tests_fuzz_replay_summary_LDADD = libcore.a $(DEPS_LIBS)

UNIT_TESTS += tests/fuzz/replay-truthanswer
tests_fuzz_replay_truthanswer_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_truthanswer.c tests/fuzz/fuzz.h tests/fuzz/fixture.h tests/tap.h
tests_fuzz_replay_truthanswer_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"truthanswer"'
tests_fuzz_replay_truthanswer_LDADD = libcli.a libprobe.a libcore.a $(DEPS_LIBS)

if FUZZ

FUZZ_BINS += tests/fuzz/fuzz-reply
tests_fuzz_fuzz_reply_SOURCES = tests/fuzz/fuzz_reply.c tests/fuzz/fixture.h
tests_fuzz_fuzz_reply_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_reply_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-verdict
tests_fuzz_fuzz_verdict_SOURCES = tests/fuzz/fuzz_verdict.c tests/fuzz/fixture.h
tests_fuzz_fuzz_verdict_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_verdict_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-targets
tests_fuzz_fuzz_targets_SOURCES = tests/fuzz/fuzz_targets.c
tests_fuzz_fuzz_targets_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_targets_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-blocklist
tests_fuzz_fuzz_blocklist_SOURCES = tests/fuzz/fuzz_blocklist.c
tests_fuzz_fuzz_blocklist_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_blocklist_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-providers
tests_fuzz_fuzz_providers_SOURCES = tests/fuzz/fuzz_providers.c
tests_fuzz_fuzz_providers_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_providers_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-truthfiles
tests_fuzz_fuzz_truthfiles_SOURCES = tests/fuzz/fuzz_truthfiles.c
tests_fuzz_fuzz_truthfiles_LDADD = libprobe.a libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_truthfiles_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-tlsa
tests_fuzz_fuzz_tlsa_SOURCES = tests/fuzz/fuzz_tlsa.c
tests_fuzz_fuzz_tlsa_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_tlsa_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-smtp
tests_fuzz_fuzz_smtp_SOURCES = tests/fuzz/fuzz_smtp.c
tests_fuzz_fuzz_smtp_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_smtp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-summary
tests_fuzz_fuzz_summary_SOURCES = tests/fuzz/fuzz_summary.c
tests_fuzz_fuzz_summary_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_summary_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

FUZZ_BINS += tests/fuzz/fuzz-truthanswer
tests_fuzz_fuzz_truthanswer_SOURCES = tests/fuzz/fuzz_truthanswer.c tests/fuzz/fixture.h
tests_fuzz_fuzz_truthanswer_LDADD = libcli.a libprobe.a libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_truthanswer_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif


# The mail record parsers (mail/): SPF, DMARC, TLS-RPT, MTA-STS.
FUZZ_NAMES += spf dmarc tlsrpt mtasts
FUZZ_REPLAYS += tests/fuzz/replay-spf
UNIT_TESTS += tests/fuzz/replay-spf
tests_fuzz_replay_spf_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_spf.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_spf_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"spf"'
tests_fuzz_replay_spf_LDADD = libcore.a $(DEPS_LIBS)
FUZZ_REPLAYS += tests/fuzz/replay-dmarc
UNIT_TESTS += tests/fuzz/replay-dmarc
tests_fuzz_replay_dmarc_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_dmarc.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_dmarc_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"dmarc"'
tests_fuzz_replay_dmarc_LDADD = libcore.a $(DEPS_LIBS)
FUZZ_REPLAYS += tests/fuzz/replay-tlsrpt
UNIT_TESTS += tests/fuzz/replay-tlsrpt
tests_fuzz_replay_tlsrpt_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_tlsrpt.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_tlsrpt_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"tlsrpt"'
tests_fuzz_replay_tlsrpt_LDADD = libcore.a $(DEPS_LIBS)
FUZZ_REPLAYS += tests/fuzz/replay-mtasts
UNIT_TESTS += tests/fuzz/replay-mtasts
tests_fuzz_replay_mtasts_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_mtasts.c tests/fuzz/fuzz.h tests/tap.h
tests_fuzz_replay_mtasts_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"mtasts"'
tests_fuzz_replay_mtasts_LDADD = libcore.a $(DEPS_LIBS)
if FUZZ
FUZZ_BINS += tests/fuzz/fuzz-spf
tests_fuzz_fuzz_spf_SOURCES = tests/fuzz/fuzz_spf.c
tests_fuzz_fuzz_spf_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_spf_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_BINS += tests/fuzz/fuzz-dmarc
tests_fuzz_fuzz_dmarc_SOURCES = tests/fuzz/fuzz_dmarc.c
tests_fuzz_fuzz_dmarc_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_dmarc_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_BINS += tests/fuzz/fuzz-tlsrpt
tests_fuzz_fuzz_tlsrpt_SOURCES = tests/fuzz/fuzz_tlsrpt.c
tests_fuzz_fuzz_tlsrpt_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_tlsrpt_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
FUZZ_BINS += tests/fuzz/fuzz-mtasts
tests_fuzz_fuzz_mtasts_SOURCES = tests/fuzz/fuzz_mtasts.c
tests_fuzz_fuzz_mtasts_LDADD = libcore.a $(DEPS_LIBS)
tests_fuzz_fuzz_mtasts_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
EXTRA_DIST += tests/fuzz/mail.dict tests/fuzz/crashes

noinst_PROGRAMS += $(FUZZ_BINS)

# make fuzz [FUZZ_SECONDS=N] [FUZZ_NAMES="reply smtp"]: fuzz each target
# for FUZZ_SECONDS, new inputs kept in tests/fuzz/work/NAME (build tree),
# crashes written to tests/fuzz/artifacts/; fails on any crash.
fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_NAMES="$(FUZZ_NAMES)" \
	 FUZZ_BINS="$(FUZZ_BINS)" srcdir="$(abs_top_srcdir)" \
	 builddir="$(abs_top_builddir)" \
	 $(SHELL) $(top_srcdir)/tests/fuzz/run-fuzz

# make valgrind: the seed corpora replayed, then a lab scan, report and
# the DANE lab cases, all under valgrind (needs a build without
# --enable-sanitizers); fails on any error or leak.
# Depends on all: the lab runs what plain make builds (chaos, smtp-strip).
valgrind: all $(FUZZ_REPLAYS)
	@srcdir="$(abs_top_srcdir)" builddir="$(abs_top_builddir)" \
	 FUZZ_NAMES="$(FUZZ_NAMES)" \
	 $(SHELL) $(top_srcdir)/tests/fuzz/valgrind-scan

.PHONY: fuzz valgrind
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run-fuzz \
	tests/fuzz/valgrind-scan tests/fuzz/capture.py tests/fuzz/corpus \
	tests/fuzz/blocklist.dict tests/fuzz/providers.dict \
	tests/fuzz/smtp.dict tests/fuzz/summary.dict tests/fuzz/targets.dict \
	tests/fuzz/truthfiles.dict tests/fuzz/dmarc.dict tests/fuzz/mtasts.dict \
	tests/fuzz/spf.dict tests/fuzz/tlsrpt.dict

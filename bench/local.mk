# bench/: benchmarks (not tests).  'make bench' builds the responder and
# the raw floor client and runs bench/run, then bench/mail-survey (see
# bench/README.md); build without --enable-sanitizers for meaningful
# numbers.
EXTRA_PROGRAMS = bench/responder bench/floor
bench_responder_SOURCES = bench/responder.c
bench_responder_CFLAGS = -O2 -Wall -Wextra
bench_responder_LDFLAGS =
bench_responder_LDADD = -lpthread
bench_floor_SOURCES = bench/floor.c
bench_floor_CFLAGS = -O2 -Wall -Wextra
bench_floor_LDFLAGS =
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += bench/run bench/README.md bench/mail-survey

bench: bench/responder$(EXEEXT) bench/floor$(EXEEXT) \
	resolver-probe/resolver-probe$(EXEEXT)
	$(SHELL) $(top_srcdir)/bench/run $(abs_top_builddir)
	$(SHELL) $(top_srcdir)/bench/mail-survey $(abs_top_builddir)
.PHONY: bench

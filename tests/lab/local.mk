# tests/lab/: the lab (see tests/lab/README.md).

# The chaos responder (tests/lab/chaos.c): built by plain 'make', since the
# lab and 'make demo' start it.
noinst_PROGRAMS += tests/lab/chaos
tests_lab_chaos_SOURCES = tests/lab/chaos.c
tests_lab_chaos_LDADD = $(DEPS_LIBS)
EXTRA_DIST += tests/lab/chaos.conf.example

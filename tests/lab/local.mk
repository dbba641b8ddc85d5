# tests/lab/: the lab (see tests/lab/README.md).

# The chaos responder (tests/lab/chaos.c): built by plain 'make', since the
# lab and 'make demo' start it.
noinst_PROGRAMS += tests/lab/chaos
tests_lab_chaos_SOURCES = tests/lab/chaos.c
tests_lab_chaos_LDADD = $(DEPS_LIBS)
EXTRA_DIST += tests/lab/chaos.conf.example tests/lab/t-chaos.sh tests/lab/t-hostile.sh \
	tests/lab/t-sweep.sh tests/lab/t-stop.sh tests/lab/t-sweep6.sh \
	tests/lab/t-notruth.sh tests/lab/t-sweep-resume.sh

# Transparent forwarders for the sweep tests (t-sweep.sh): relay with the
# client's source address over a raw socket.
noinst_PROGRAMS += tests/lab/fwd
tests_lab_fwd_SOURCES = tests/lab/fwd.c

# The DANE lab's SMTP middlebox (STARTTLS stripping, hanging, silent).
noinst_PROGRAMS += tests/lab/smtp-strip
tests_lab_smtp_strip_SOURCES = tests/lab/smtp-strip.c
tests_lab_smtp_strip_LDADD = $(DEPS_LIBS)

# The lab itself (tests/lab/README.md): run, its scripts, zone templates
# and data.  tests/run-tests runs "tests/lab/run tests/lab/check".
EXTRA_DIST += tests/lab/README.md tests/lab/run tests/lab/check \
	tests/lab/tap.sh tests/lab/mkzones.sh tests/lab/mkconf.sh \
	tests/lab/t-lab.sh tests/lab/providers tests/lab/blocklist \
	tests/lab/dnssec-manifest tests/lab/zones tests/lab/golden \
	tests/lab/parts tests/lab/demo tests/lab/compare-manifest \
	tests/lab/t-dane.sh tests/lab/t-query.sh tests/lab/t-report.sh \
	tests/lab/t-resume.sh tests/lab/t-scan.sh tests/lab/t-truth.sh \
	tests/lab/t-datafile.sh tests/lab/t-mail-lab.sh tests/lab/t-mail.sh \
	tests/lab/t-mail-survey.sh tests/lab/t-mail-hostile.sh tests/lab/t-cli.sh \
	tests/lab/t-follow.sh \
	tests/lab/t-offline.sh \
	tests/lab/hostile-mail \
	tests/lab/mail-manifest \
	tests/lab/dh1024.pem

# man/: the manual page, written from resolver-probe.1.in with the data
# folder filled in (tests/t-man.sh lints it and holds it to --help).
man_MANS = man/resolver-probe.1
EXTRA_DIST += man/resolver-probe.1.in
CLEANFILES += man/resolver-probe.1
man/resolver-probe.1: man/resolver-probe.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && \
	sed -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	  $(srcdir)/man/resolver-probe.1.in > $@.tmp && mv $@.tmp $@

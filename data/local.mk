# data/: providers, special-purpose registries, root hints and trust anchor.
dist_pkgdata_DATA += data/providers data/iana-ipv4-special-registry.csv \
	data/iana-ipv6-special-registry.csv
EXTRA_DIST += data/README.md
dist_pkgdata_DATA += data/blocklist
dist_pkgdata_DATA += data/root.hints data/root.key

# A build outside the source tree links its data/ to the source's, so the
# program run from the build tree finds its data files as an in-tree build
# does (common/datafile.h).
all-local: data-link
data-link:
	@if test "$(abs_top_srcdir)" != "$(abs_top_builddir)" && \
	    test ! -e data; then ln -s "$(abs_top_srcdir)/data" data; fi
distclean-local:
	@if test -L data; then rm -f data; fi
.PHONY: data-link

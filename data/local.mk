# data/: providers, special-purpose registries, root hints and trust anchor.
dist_pkgdata_DATA += data/providers data/iana-ipv4-special-registry.csv \
	data/iana-ipv6-special-registry.csv
EXTRA_DIST += data/README.md
dist_pkgdata_DATA += data/blocklist
dist_pkgdata_DATA += data/root.hints data/root.key

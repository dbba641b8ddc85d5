#!/bin/sh
# t-datafile.sh: the program finds its data files without
# RESOLVER_PROBE_DATADIR (TAP): from the build tree (also one outside the
# source tree, whose data/ links to the source's), from a copy of an
# installed tree elsewhere (bin/ beside share/resolver-probe/), and when no
# place has a file the error names every place looked at and how to point
# elsewhere.
. "$LAB_SRCDIR/tests/lab/tap.sh"
unset RESOLVER_PROBE_DATADIR
P=$LAB_BUILDDIR/resolver-probe/resolver-probe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
labopts() {
	echo --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$LAB_TRUST_ANCHOR" \
		--providers "$LAB_PROVIDERS" --truth-timeout 10
}

# The defaults --help prints are the files found.  default_path PROGRAM
# COMMAND OPTION: the path alone on a line after OPTION's (help layout).
default_path() {
	"$1" "$2" --help | awk -v o="$3" '
		index($0, o " ") { on = 1; next }
		on && /^ +\// { sub(/^ +/, ""); print; exit }
		on && /^ *-/ { exit }'
}
top=$(cd "$LAB_BUILDDIR" && pwd -P)
got=$(default_path "$P" truth --root-hints)
is "build tree: root hints in its data/" "$got" "$top/data/root.hints"
got=$(default_path "$P" scan --blocklist)
is "build tree: blocklist in its data/" "$got" "$top/data/blocklist"
# query judges a private answer by the IANA registries in data/.
# shellcheck disable=SC2046
"$P" query $(labopts) --timeout 1 @127.0.2.4 gmail-smtp-in.l.google.com A \
	> "$tmp/out" 2>&1
st=$?
v=$(grep '^;; VERDICT:' "$tmp/out")
if [ $st -eq 1 ] && [ "$v" = ";; VERDICT: private" ]; then
	ok "build tree: query judges private by data/'s registries"
else
	not_ok "build tree: query judges private by data/'s registries"
	diag "exit $st; $(cat "$tmp/out")"
fi

# An installed tree copied elsewhere: bin/ beside share/resolver-probe/.
mkdir -p "$tmp/root/bin" "$tmp/root/share/resolver-probe"
cp "$P" "$tmp/root/bin/resolver-probe"
cp "$LAB_SRCDIR"/data/root.hints "$LAB_SRCDIR"/data/root.key \
	"$LAB_SRCDIR"/data/providers "$LAB_SRCDIR"/data/blocklist \
	"$LAB_SRCDIR"/data/iana-ipv4-special-registry.csv \
	"$LAB_SRCDIR"/data/iana-ipv6-special-registry.csv \
	"$tmp/root/share/resolver-probe/"
got=$(default_path "$tmp/root/bin/resolver-probe" truth --providers)
is "copied install: providers beside the program" "$got" \
	"$tmp/root/share/resolver-probe/providers"

# A build-tree program without data: the error names each place.
mkdir -p "$tmp/top/resolver-probe"
cp "$P" "$tmp/top/resolver-probe/resolver-probe"
"$tmp/top/resolver-probe/resolver-probe" truth > "$tmp/out" 2>&1
st=$?
err=$(cat "$tmp/out")
want="the data file root.hints is in none of the places looked at: \
$tmp/top/data/root.hints (build tree), \
$tmp/top/share/resolver-probe/root.hints (beside the program)"
case $err in
*"$want"*"(installed); name the file with --root-hints FILE, or set RESOLVER_PROBE_DATADIR to a folder that has it"*)
	is "no data: the error names every place, exit 2" "$st" 2 ;;
*)
	not_ok "no data: the error names every place (exit $st)"
	diag "$err" ;;
esac
# With the hints given, the next missing default is named with its option.
"$tmp/top/resolver-probe/resolver-probe" truth --root-hints "$LAB_ROOT_HINTS" \
	> "$tmp/out" 2>&1
case $(cat "$tmp/out") in
*"the data file root.key is in none"*"--trust-anchor FILE"*)
	ok "no data: the trust anchor is named next" ;;
*)
	not_ok "no data: the trust anchor is named next"
	diag "$(cat "$tmp/out")" ;;
esac
# RESOLVER_PROBE_DATADIR points it at a folder.
RESOLVER_PROBE_DATADIR=$tmp/root/share/resolver-probe \
	"$tmp/top/resolver-probe/resolver-probe" truth $(labopts) \
	> "$tmp/out" 2>&1
st=$?
is "RESOLVER_PROBE_DATADIR: truth runs (exit 0)" "$st" 0
[ $st -eq 0 ] || diag "$(cat "$tmp/out")"
tap_done

#!/bin/sh
# t-man.sh: the manual page (TAP): clean under 'mandoc -Tlint', and every
# long option that a command's --help prints is described in that command's
# section of the page (or in its truth options or the options every command
# takes), so the two cannot drift apart.  Every command the program lists
# must have a section.
# Environment: builddir (built program and man/resolver-probe.1).
. "$srcdir/tests/lab/tap.sh"
P=$builddir/resolver-probe/resolver-probe
man=$builddir/man/resolver-probe.1

if ! command -v mandoc > /dev/null; then
	echo "1..0 # SKIP mandoc is not installed (tests/install-deps)"
	exit 0
fi
if [ ! -f "$man" ]; then
	not_ok "$man exists (make builds it)"
	tap_done
	exit
fi

# -Wwarning: warnings and errors; style notes such as a referenced page
# not installed on this machine depend on the machine, not the page.
check "mandoc -Tlint is clean" mandoc -Tlint -Wwarning "$man"
# groff's mdoc, as man(1) and lintian run it, reads some things mandoc
# forgives (a macro name such as An inside a title).
if command -v man > /dev/null && command -v groff > /dev/null; then
	w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 \
		-l -Tutf8 -Z "$man" 2>&1 > /dev/null)
	is "man --warnings (groff) is clean" "$w" ""
fi

text=$(mandoc -Tascii "$man" | col -b)
# section NAME: the rendered text of the COMMANDS subsection NAME.
section() {
	printf '%s\n' "$text" | awk -v s="$1" '
		/^[A-Z]/ { in_cmds = ($0 == "COMMANDS"); sub_ = ""; next }
		in_cmds && /^   [^ ]/ { sub_ = substr($0, 4); next }
		in_cmds && sub_ == s { print }'
}
common=$(section "Truth options"; printf '%s\n' "$text" |
	awk '/^DESCRIPTION$/ { d = 1; next } /^[A-Z]/ { d = 0 } d')

cmds=$("$P" --help | awk '/^commands:/ { c = 1; next } /^$/ { c = 0 }
	c && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || not_ok "resolver-probe --help lists the commands"
for c in $cmds; do
	sec=$(section "$c")
	if [ -z "$sec" ]; then
		not_ok "$c has a section in the manual page"
		continue
	fi
	ok "$c has a section in the manual page"
	opts=$("$P" "$c" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
	missing=
	for o in $opts; do
		printf '%s\n%s\n' "$sec" "$common" | grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" ||
			missing="$missing $o"
	done
	if [ -z "$missing" ]; then
		ok "$c: its $(echo $opts | wc -w) long options are in the manual page"
	else
		not_ok "$c: options in --help but not in the manual page:$missing"
	fi
done
# Every flag the verdicts can carry (validator/verdict.c's flag_names) is
# named in the page.
flags=$(sed -n '/flag_names\[FLAG_COUNT_BITS\] = {/,/^};/p' \
	"$srcdir/validator/verdict.c" | grep -o '"[a-z0-9-]*"' | tr -d '"')
missing=
for fl in $flags; do
	grep -q "^\.Li $fl\b" "$man" || missing="$missing $fl"
done
if [ -n "$flags" ] && [ -z "$missing" ]; then
	ok "the $(echo $flags | wc -w) verdict flags are in the manual page"
else
	not_ok "verdict flags not in the manual page:${missing:- (none found in verdict.c)}"
fi
for o in --help --version; do
	"$P" --help | grep -q -- "$o" && printf '%s\n' "$common" | grep -q -- "$o" ||
		not_ok "resolver-probe $o is in --help and the manual page"
done
tap_done

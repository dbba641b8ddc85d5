#!/bin/sh
# t-cli.sh: what a mistyped command line gets: one line naming the bad
# option (or the missing argument), a pointer to --help, exit 2, nothing
# on stdout, for every command.
. "$LAB_SRCDIR/tests/lab/tap.sh"
P=$LAB_BUILDDIR/resolver-probe/resolver-probe
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# expect WHAT "FIRST LINE" "SECOND LINE" ARGS...: exit 2, stderr exactly
# the two lines, stdout empty.
expect() {
	_w=$1 _l1=$2 _l2=$3; shift 3
	"$P" "$@" > "$T/out" 2> "$T/err"
	_st=$?
	is "$_w: exit 2" "$_st" 2
	is "$_w: one line and a pointer to --help" "$(cat "$T/err")" \
		"$(printf '%s\n%s' "$_l1" "$_l2")"
	check "$_w: nothing on stdout" test ! -s "$T/out"
}
for c in scan query dane mail truth report; do
	expect "$c --rtae" "resolver-probe $c: unrecognized option '--rtae'" \
		"Try 'resolver-probe $c --help'." "$c" --rtae 100 x
	expect "$c -Z" "resolver-probe $c: unrecognized option '-Z'" \
		"Try 'resolver-probe $c --help'." "$c" -Z x
	o=--root-hints
	[ "$c" != report ] || o=--html
	expect "$c $o (no argument)" \
		"resolver-probe $c: option '$o' needs an argument" \
		"Try 'resolver-probe $c --help'." "$c" $o
done
expect "mail -c (no argument)" "resolver-probe mail: option '-c' needs an argument" \
	"Try 'resolver-probe mail --help'." mail -c
expect "scan -qZ (the bad letter of a group)" \
	"resolver-probe scan: unrecognized option '-Z'" \
	"Try 'resolver-probe scan --help'." scan -qZ 127.0.1.1
expect "an unknown command" "resolver-probe: unknown command 'sacn'" \
	"Try 'resolver-probe --help'." sacn 127.0.1.1

# --- every --help in one layout: the usage line(s), a blank line; lines
# of at most 80 columns (a default path alone on its line may be longer:
# the installed one is not); option descriptions at column 25, or on the
# next line when the option is too long; continuation lines indented 24.
for c in "" scan query dane mail truth report; do
	"$P" $c --help > "$T/help" 2> "$T/help.err"
	is "${c:-main} --help: exit 0, nothing on stderr" "$?:$(cat "$T/help.err")" "0:"
	python3 - "$T/help" "${c:-COMMAND}" > "$T/layout" <<'END'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
cmd = sys.argv[2]
bad = []
if not lines[0].startswith("usage: resolver-probe " + (cmd if cmd != "COMMAND" else "COMMAND")):
	bad.append("line 1: " + lines[0])
i = 1
while i < len(lines) and lines[i].startswith("       resolver-probe"):
	i += 1
if i >= len(lines) or lines[i] != "":
	bad.append("no blank line after the usage")
for n, l in enumerate(lines, 1):
	if len(l) > 80 and not re.match(r"^ {24}(\(default )?/\S*\)?$", l):
		bad.append("line %d: %d columns" % (n, len(l)))
	opt = l.startswith("  -") or l.startswith("      -")
	m = re.match(r"^.*?\S( {2,})(\S)", l) if opt else None
	if m and m.start(2) != 24:
		bad.append("line %d: description at column %d: %s" % (n, m.start(2) + 1, l))
	if opt and not m and not (n < len(lines) and
	    re.match(r"^ {24}\S", lines[n])):
		bad.append("line %d: option without a description: %s" % (n, l))
	if re.match(r"^ {7,}\S", l) and not l.startswith(" " * 24) and \
	    not l.startswith("       resolver-probe"):
		bad.append("line %d: continuation not at column 25: %s" % (n, l))
print("\n".join(bad))
END
	is "${c:-main} --help: one layout" "$(cat "$T/layout")" ""
done
tap_done

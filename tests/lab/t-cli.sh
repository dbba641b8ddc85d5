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
tap_done

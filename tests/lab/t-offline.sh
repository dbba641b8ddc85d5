#!/bin/sh
# t-offline.sh: a machine without a network, as the lab makes it: root
# hints that name an address off loopback (in the lab's namespace only lo
# is up, so every query dies as "network unreachable" at once).  Each
# command fails fast (exit 3, well under its timeouts), says why, and
# never shows a failed lookup as "insecure".
. "$LAB_SRCDIR/tests/lab/tap.sh"
P=$LAB_BUILDDIR/resolver-probe/resolver-probe
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '.  3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A 192.0.2.1\n' \
	> "$T/hints"
A="--root-hints $T/hints --trust-anchor $LAB_TRUST_ANCHOR --truth-timeout 20"

# run WHAT ARGS...: exit 3 within 15 s (the truth timeout is 20 s).
run() {
	_w=$1; shift
	_t0=$(now_ms)
	"$P" "$@" > "$T/out" 2> "$T/err"
	_st=$?
	_t1=$(now_ms)
	is "$_w: exit 3" "$_st" 3
	if [ $((_t1 - _t0)) -lt 15000 ]; then ok "$_w: failed in $((_t1 - _t0)) ms"
	else not_ok "$_w: took $((_t1 - _t0)) ms"; fi
}

run truth truth $A
has "truth: says no root server answered" "$(cat "$T/err")" \
	'no root server in .* answered (network unreachable, or wrong hints?)'
hasnt "truth: no failed lookup shown insecure" "$(cat "$T/out")" '(insecure) SERVFAIL'
has "truth: failed lookups shown as failed" "$(cat "$T/out")" '(failed) SERVFAIL'

run "truth --json" truth --json $A
pyck "truth --json: every answer failed, none insecure" "$T/out" \
	'len(A) == 1 and len(A[0]["answers"]) > 0 and all(a["status"] == "failed" for a in A[0]["answers"])'

run "query @resolver, truth offline" query $A @127.0.1.1 gmail.com MX
has "query: no verdict, and why" "$(cat "$T/err")" 'no verdict: .*SERVFAIL'

run "dane" dane $A valid.email
has "dane: MX failed, not insecure" "$(cat "$T/out")" '^dane: valid.email. MX failed (SERVFAIL)'

run "mail" mail $A --json valid.email
pyck "mail: incomplete, every lookup failed, none insecure" "$T/out" \
	'all(o["verdict"] == "incomplete" and all(l["status"] == "failed" for l in o["checks"]["dnssec"]["lookups"]) for o in A)'
# On a terminal (script(1) gives one), a command that waits says for
# what; into a file or a pipe it says nothing of the kind.
if command -v script > /dev/null; then
	for c in truth "dane valid.email" "query @127.0.1.1 gmail.com MX"; do
		w=${c%% *}
		# shellcheck disable=SC2086
		script -qec "'$P' $c $A" /dev/null > "$T/tty.out" 2>&1
		has "$w on a terminal: says what it waits for" \
			"$(cat "$T/tty.out")" "^resolver-probe $w: .*given up after 20 s"
		# shellcheck disable=SC2086
		"$P" $c $A > /dev/null 2> "$T/notty.err"
		hasnt "$w not on a terminal: no such line" \
			"$(cat "$T/notty.err")" 'given up after'
	done
else
	skip "waiting lines on a terminal" "script(1) is not installed"
fi
tap_done

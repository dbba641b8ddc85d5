#!/bin/sh
# t-sweep-resume.sh: resuming a sweep from its sweep records (TAP).
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || [ -z "$LAB_POPULATION" ]; then
	echo "1..0 # SKIP no resolver-probe or no population in this lab"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# A sweep stopped and resumed, as a user does: no --seed (the record
# keeps it), SIGINT once some lines are out, then --resume.  The stop
# waits for its last questions' replies, so its final sweep record is at
# every question it sent; the resumed run asks only the targets after it
# (and the silent ones their second try), asks the plan of those that
# answered but were not written, and the file ends with every answering
# address once.  Then the same after a crash (SIGKILL): the resumed run
# goes on from the last periodic record.
grep -v '^#' "$LAB_POPULATION_MANIFEST" | head -n 4096 > "$T/half.manifest"
cut -f1 "$T/half.manifest" > "$T/half.targets"
awk -F'\t' '$4 !~ /silent/ { print $1 }' "$T/half.manifest" | sort > "$T/half.want"
hsilent=$(awk -F'\t' '$4 ~ /silent/' "$T/half.manifest" | wc -l | tr -d ' ')
SW="--blocklist $LAB_BLOCKLIST --queries example.com/A --rate 1000 --timeout 1
 --retries 1 --checkpoint 0.5 -f $T/half.targets"
# shellcheck disable=SC2086
$P scan -q $SW -o "$T/stop.jsonl" 2> "$T/stop.err" &
pid=$!
wait_lines "$T/stop.jsonl" 20 60
kill -INT $pid
wait $pid
is "sweep stopped: exit 3" "$?" 3
pos=$(sweep "$T/stop.jsonl" position)
q1=$(final questions "$T/stop.err")
is "stopped: the final sweep record is in pass 0, not over, at every question sent" \
	"$(sweep "$T/stop.jsonl" final):$(sweep "$T/stop.jsonl" over):$(sweep "$T/stop.jsonl" pass):$pos" \
	"true:false:0:$q1"
# shellcheck disable=SC2086
$P scan $SW --resume "$T/stop.jsonl" 2> "$T/resume.err"
is "resumed sweep: exit 0" "$?" 0
check "resumed sweep: said where it goes on" \
	grep -q "resuming the sweep in pass 1 of 2 at position $pos of its order" \
	"$T/resume.err"
q2=$(final questions "$T/resume.err")
is "resumed sweep: no question again before the stop's position, only the silent ones' second try" \
	"$q2" "$((4096 - pos + hsilent))"
is "stopped and resumed: every answering address once, no silent one" \
	"$(resolvers "$T/stop.jsonl" | diff - "$T/half.want" | head -5)" ""
is "stopped and resumed: the last sweep record counts the whole sweep" \
	"$(sweep "$T/stop.jsonl" over):$(sweep "$T/stop.jsonl" probed):$(sweep "$T/stop.jsonl" answered):$(sweep "$T/stop.jsonl" silent)" \
	"true:4096:$((4096 - hsilent)):$hsilent"
$P report "$T/stop.jsonl" > "$T/stop.report" 2>&1
check "report of the resumed file: 4096 probed, $hsilent silent" \
	grep -Eq "^  silent +$hsilent +[0-9.]+% of probed\$" "$T/stop.report"
# shellcheck disable=SC2086
$P scan -q $SW --seed 7 --resume "$T/stop.jsonl" 2> "$T/other.err"
check "another --seed: the record is not used, and that is said" \
	grep -q "sweep record in .* is of another order" "$T/other.err"

# shellcheck disable=SC2086
$P scan -q $SW -o "$T/crash.jsonl" 2> "$T/crash.err" &
pid=$!
# A periodic record lags a timeout: wait for one past the start.
past_start() {
	p=$(sweep "$T/crash.jsonl" position)
	[ "$p" != none ] && [ "$p" -gt 0 ]
}
wait_for 60 past_start
kill -KILL $pid
wait $pid 2> /dev/null
cpos=$(sweep "$T/crash.jsonl" position)
# shellcheck disable=SC2086
$P scan $SW --resume "$T/crash.jsonl" 2> "$T/crash2.err"
is "after a crash: resumed, exit 0" "$?" 0
q2=$(final questions "$T/crash2.err")
check "after a crash: no question again before the last record's position ($q2 questions, position $cpos)" \
	test "$cpos" -gt 0 -a "${q2:-99999}" -le $((4096 - cpos + hsilent))
is "after a crash: every answering address once, no silent one" \
	"$(resolvers "$T/crash.jsonl" | diff - "$T/half.want" | head -5)" ""

tap_done

#!/bin/sh
# t-stop.sh: a stop loses nothing (TAP).  A scan stopped once (SIGINT)
# and one stopped twice write only resolvers whose queries all ended as
# in a scan without the stop; the rest are counted as abandoned in the
# final line, and --resume asks them again, so the resumed file has the
# verdicts of a clean scan.  The resolvers: honest ones, one that drops
# the first try of every question (its retries are owed when the stop
# comes), one that answers slowly (within the timeout) and a liar (its
# confirmation round may be pending), from a chaos responder of this
# test's own on port 5354.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
CHAOS=$LAB_BUILDDIR/tests/lab/chaos
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || [ ! -x "$CHAOS" ]; then
	echo "1..0 # SKIP no resolver-probe or no chaos responder"
	exit 0
fi
T=$(mktemp -d)
cpid=
trap '[ -n "$cpid" ] && kill $cpid 2> /dev/null; rm -rf "$T"' EXIT
cat > "$T/chaos.conf" <<'EOF'
upstream 127.0.1.1
127.0.9.1	honest
127.0.9.2	drop-first
127.0.9.3	late 1500
127.0.9.4	answer-a 45.33.32.156
127.0.9.5	honest
EOF
"$CHAOS" -c "$T/chaos.conf" -p 5354 2> "$T/chaos.err" &
cpid=$!
n=0
until dig +time=1 +tries=1 -p 5354 @127.0.9.1 example.net SOA > /dev/null 2>&1 ||
    [ $n -ge 60 ]; do
	n=$((n + 1))
done
check "the test's chaos responder answers on port 5354" \
	dig +time=2 +tries=2 -p 5354 @127.0.9.1 example.net SOA
TARGETS="127.0.9.1 127.0.9.2 127.0.9.3 127.0.9.4 127.0.9.5"
# scan ARGS: the scan (in the background: `scan ... &`, whose exec makes
# $! the scanner itself, so that the signals reach it).
scan() {
	# shellcheck disable=SC2086
	exec $P scan -q --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --providers "$LAB_PROVIDERS" \
		--rounds 1 --truth-timeout 10 --blocklist "$LAB_BLOCKLIST" \
		--port 5354 --timeout 3 --retries 1 --confirm-delay 0.5 \
		--no-discovery "$@"
}
# verdicts FILE: "resolver class flags" per line, sorted.
verdicts() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(o["resolver"], o["class"], ",".join(sorted(o["flags"])))' "$1" |
		sort
}
# degraded FILE: lines with a query that did not get its answer.
degraded() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if any(q["status"] != "ok" for q in o["queries"]):
        print(o["resolver"], [q["status"] for q in o["queries"]])' "$1"
}
final() {
	tr '\r' '\n' < "$2" | grep '; sent: ' | tail -n 1 |
		sed -n "s/.*; $1: \([0-9]*\).*/\1/p"
}

(scan -o "$T/clean.jsonl" $TARGETS 2> "$T/clean.err")
is "clean scan: exit 1 (the liar)" "$?" 1
is "clean scan: the classes" "$(verdicts "$T/clean.jsonl" | cut -d' ' -f1,2)" \
"127.0.9.1 correct
127.0.9.2 correct
127.0.9.3 correct
127.0.9.4 falsified
127.0.9.5 correct"

for stops in 1 2; do
	f=$T/stop$stops.jsonl
	scan -o "$f" $TARGETS 2> "$T/stop$stops.err" &
	pid=$!
	wait_lines "$f" 1
	kill -INT $pid
	if [ $stops = 2 ]; then
		# The second once the first was taken (its message is out).
		n=0
		until grep -q "stopping (waiting" "$T/stop$stops.err" ||
		    [ $n -ge 300 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -INT $pid
	fi
	wait $pid
	is "stopped $stops time(s): exit 3" "$?" 3
	is "stopped $stops time(s): no degraded result written" \
		"$(degraded "$f")" ""
	n=$(wc -l < "$f" | tr -d ' ')
	is "stopped $stops time(s): the final line counts the rest as abandoned" \
		"$(final abandoned "$T/stop$stops.err")" "$((5 - n))"
	is "stopped $stops time(s): 'waiting for outstanding replies' said once" \
		"$(grep -c "stopping (waiting" "$T/stop$stops.err")" 1
	if [ $stops = 2 ]; then
		is "stopped twice: 'giving up' said once" \
			"$(grep -c "giving up on outstanding replies" "$T/stop2.err")" 1
	fi
	diag "stopped $stops time(s): $n written, $((5 - n)) abandoned"
	(scan --resume "$f" $TARGETS 2> "$T/resume$stops.err")
	is "stopped $stops time(s), resumed: exit 1 (the liar)" "$?" 1
	is "stopped $stops time(s), resumed: the verdicts of the clean scan" \
		"$(verdicts "$f")" "$(verdicts "$T/clean.jsonl")"
done

kill $cpid
wait $cpid
cpid=
tap_done

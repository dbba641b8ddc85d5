#!/bin/sh
# t-resume.sh: safe scan output and defaults (TAP).  A scan interrupted
# with SIGINT leaves only complete lines; --resume FILE (after a torn last
# line is appended, as a cut-short write leaves it) probes only what is
# missing, so the union covers every target exactly once, and its summary
# is the whole file's (`report FILE`).  A full disk (/dev/full, a tiny
# tmpfs) and a closed pipe (`| head -1`) give a clear message and exit 3,
# promptly, leaving complete lines only.  More than 65,536 targets need an
# explicit --rate.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || [ -z "$LAB_POPULATION" ]; then
	echo "1..0 # SKIP no resolver-probe or no population in this lab"
	exit 0
fi
T=$(mktemp -d)
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
TRUTH="--root-hints $LAB_ROOT_HINTS --trust-anchor $LAB_TRUST_ANCHOR
 --providers $LAB_PROVIDERS --rounds 1 --truth-timeout 10"
# A part of the population: 1024 addresses of every kind.
PART=127.1.4.0/22
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
# jsonok FILE: every line is a complete JSON object with a resolver.
jsonok() {
	python3 -c '
import json, sys
data = open(sys.argv[1], "rb").read()
assert data == b"" or data.endswith(b"\n"), "no newline at the end"
for l in data.decode().splitlines():
    assert "resolver" in json.loads(l)' "$1"
}
# The addresses of PART, sorted as resolvers sorts them.
python3 -c '
import ipaddress, sys
for a in ipaddress.ip_network(sys.argv[1]): print(a)' "$PART" | sort > "$T/part.want"

# 1. Interrupt a judged scan of PART partway (SIGINT once lines are out).
# shellcheck disable=SC2086
$P scan -q $TRUTH --blocklist "$LAB_BLOCKLIST" --rate 1500 --timeout 0.5 \
	--retries 1 --confirm-delay 0.3 --seed 11 --no-discovery \
	-o "$T/r.jsonl" "$PART" \
	2> "$T/int.err" &
pid=$!
wait_lines "$T/r.jsonl" 100 30
kill -INT $pid
wait $pid
is "interrupted: exit status 3" "$?" 3
n1=$(lines "$T/r.jsonl")
if [ "$n1" -ge 100 ] && [ "$n1" -lt 1024 ]; then
	ok "interrupted partway ($n1 of 1024 lines)"
else
	not_ok "interrupted partway ($n1 of 1024 lines)"
	diag "$(tail -5 "$T/int.err")"
fi
check "interrupted: every line complete JSON" jsonok "$T/r.jsonl"

# A write cut short leaves a torn last line: --resume drops it.
printf '{"resolver":"127.1.4.1","class":"corr' >> "$T/r.jsonl"
# shellcheck disable=SC2086
$P scan $TRUTH --blocklist "$LAB_BLOCKLIST" --rate 1500 --timeout 0.5 \
	--retries 1 --confirm-delay 0.3 --seed 11 --no-discovery \
	--resume "$T/r.jsonl" \
	"$PART" 2> "$T/res.err" > "$T/res.out"
is "resumed: exit status 1 (the population has liars)" "$?" 1
check "resumed: says how many were done" \
	grep -q "resuming: $n1 resolvers already done in $T/r.jsonl ($n1 of them among these targets" "$T/res.err"
check "resumed: says the torn last line is cut off" \
	grep -q "incomplete last line is cut off" "$T/res.err"
is "resumed: nothing on stdout (results go to FILE)" "$(cat "$T/res.out")" ""
check "resumed: every line complete JSON" jsonok "$T/r.jsonl"
is "resumed: the union covers every target exactly once" \
	"$(resolvers "$T/r.jsonl" | diff - "$T/part.want" | head -5)" ""
probed=$(tr '\r' '\n' < "$T/res.err" | grep -o 'resolvers: [0-9]*' | tail -1)
is "resumed: only the missing resolvers were probed" "$probed" \
	"resolvers: $((1024 - n1))"
check "resumed: the done ones were skipped ($n1)" \
	grep -q "^resolver-probe scan: $n1 targets skipped as already done" "$T/res.err"
"$P" report "$T/r.jsonl" > "$T/report.out" 2> /dev/null
sed -n '/^Summary$/,$p' "$T/res.err" > "$T/res.summary"
check "resumed: a summary was printed" test -s "$T/res.summary"
is "resumed: the summary is the whole file's (= report FILE)" \
	"$(cat "$T/res.summary")" "$(cat "$T/report.out")"

# Resuming a finished scan probes nothing and leaves the file alone.
cp "$T/r.jsonl" "$T/r.before"
# shellcheck disable=SC2086
$P scan -q $TRUTH --blocklist "$LAB_BLOCKLIST" --no-discovery \
	--resume "$T/r.jsonl" "$PART" 2> "$T/again.err"
is "resuming a finished scan: exit 1 (its findings)" "$?" 1
check "resuming a finished scan: file unchanged" cmp "$T/r.jsonl" "$T/r.before"
check "resuming a finished scan: all 1024 done" \
	grep -q "resuming: 1024 resolvers already done" "$T/again.err"

# Wrong uses are refused before any network, the file untouched.
$P scan --resume "$T/r.jsonl" -o "$T/other.jsonl" "$PART" 2> "$T/e1"
is "--resume with another -o: exit 2" "$?" 2
$P scan --resume "$T/r.jsonl" --format csv "$PART" 2> "$T/e2"
is "--resume with --format csv: exit 2" "$?" 2
printf '127.0.1.1\n' > "$T/notscan"
$P scan --blocklist "$LAB_BLOCKLIST" --resume "$T/notscan" "$PART" 2> "$T/e3"
is "--resume of a file that is not a scan: exit 2" "$?" 2
check "... naming the line" grep -q "notscan:1: not a scan result" "$T/e3"
is "... and left alone" "$(cat "$T/notscan")" "127.0.1.1"
check "resumed file unchanged by the refusals" cmp "$T/r.jsonl" "$T/r.before"
check_fails "--resume of a missing file fails" \
	$P scan --blocklist "$LAB_BLOCKLIST" --resume "$T/missing" "$PART"

# 2. A full disk.  /dev/full: the first write fails.
Q='example.com/A,*.example.com/A'
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries "$Q" --timeout 0.5 \
	--retries 0 -o /dev/full "$PART" 2> "$T/full.err"
is "/dev/full: exit status 3" "$?" 3
check "/dev/full: 'write to /dev/full: No space left on device'" \
	grep -q "resolver-probe scan: write to /dev/full: No space left on device" "$T/full.err"
# A 64 KB tmpfs fills after some lines: only complete lines stay, and the
# summary counts exactly them.  A scan that went on after the error would
# wait 20 s for PART's silent targets: "promptly" is well under that, with
# room for a sanitizer build on a loaded machine.
mkdir "$T/small"
if mount -t tmpfs -o size=64k tmpfs "$T/small" 2> "$T/mount.err"; then
	t0=$(now_ms)
	$P scan --blocklist "$LAB_BLOCKLIST" --queries "$Q" --rate 0 \
		--timeout 20 --retries 0 -o "$T/small/out.jsonl" "$PART" \
		2> "$T/small.err"
	st=$?
	el=$(($(now_ms) - t0))
	is "tmpfs full: exit status 3" "$st" 3
	check "tmpfs full: 'write to FILE: No space left on device'" \
		grep -q "write to $T/small/out.jsonl: No space left on device" "$T/small.err"
	check "tmpfs full: only complete JSON lines stay" jsonok "$T/small/out.jsonl"
	n=$(lines "$T/small/out.jsonl")
	if [ "$n" -gt 5 ] && [ "$n" -lt 1024 ]; then ok "tmpfs full: $n lines kept"
	else not_ok "tmpfs full: $n lines kept"; fi
	probed=$(awk '/resolvers probed/ { print $3 }' "$T/small.err")
	is "tmpfs full: the summary counts the lines in the file" "$probed" "$n"
	check "tmpfs full: says how many results were not written" \
		grep -q "results not written (after the write error)" "$T/small.err"
	if [ "$el" -lt 10000 ]; then ok "tmpfs full: stopped promptly ($el ms)"
	else not_ok "tmpfs full: stopped promptly ($el ms)"; fi
	umount "$T/small"
else
	for d in "exit status 3" "message" "complete lines" "lines kept" \
	    "summary" "not written" "promptly"; do
		skip "tmpfs full: $d" "cannot mount a tmpfs: $(cat "$T/mount.err")"
	done
fi

# 3. A closed pipe: `| head -1` ends the scan at once, with a message.
t0=$(now_ms)
{ $P scan -q --blocklist "$LAB_BLOCKLIST" --queries "$Q" --rate 200 \
	--timeout 0.5 "$PART" 2> "$T/pipe.err"; echo $? > "$T/pipe.st"; } |
	head -1 > "$T/pipe.out"
el=$(($(now_ms) - t0))
is "closed pipe: exit status 3" "$(cat "$T/pipe.st")" 3
check "closed pipe: 'write to stdout: Broken pipe'" \
	grep -q "resolver-probe scan: write to stdout: Broken pipe" "$T/pipe.err"
check "closed pipe: head got a complete line" jsonok "$T/pipe.out"
# 2048 queries at 200 pps would take 10 s: well under that, with room
# for a sanitizer build starting on a loaded machine.
if [ "$el" -lt 5000 ]; then ok "closed pipe: stopped promptly ($el ms)"
else not_ok "closed pipe: stopped promptly ($el ms)"; fi

# 4. More than a /16 needs an explicit --rate, like zmap's users think:
# lists of 65,537 and 65,536 addresses from the population manifest.
grep -v '^#' "$LAB_POPULATION_MANIFEST" | cut -f1 | head -n 65537 > "$T/65537"
head -n 65536 "$T/65537" > "$T/65536"
is "the population has more than 65536 addresses" "$(lines "$T/65537")" 65537
$P scan --blocklist "$LAB_BLOCKLIST" --queries "$Q" -f "$T/65537" \
	2> "$T/big.err"
is "more than 65536 targets without --rate: exit 2" "$?" 2
check "... telling the user to choose a rate" \
	grep -q "^resolver-probe scan: 65537 targets: .*needs an explicit --rate" "$T/big.err"
# The interrupts below wait for the first result (up to 60 s: reading
# 65,536 targets is slow in a sanitizer build on a loaded machine), not a
# fixed time that a slow start could outlast (a signal before the scan's
# handler is set would kill it).
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries "$Q" --rate 2000 \
	--timeout 0.5 -f "$T/65537" -o "$T/big.jsonl" 2> "$T/big2.err" &
pid=$!
wait_lines "$T/big.jsonl" 1
kill -INT $pid
wait $pid
is "with --rate it starts (interrupted: exit 3)" "$?" 3
check "... at the rate given" grep -q "rate 2000 pps" "$T/big2.err"
check "... and wrote results" test -s "$T/big.jsonl"
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries "$Q" --timeout 0.5 \
	-f "$T/65536" -o "$T/pop.jsonl" 2> "$T/pop.err" &
pid=$!
wait_lines "$T/pop.jsonl" 1
kill -INT $pid
wait $pid
is "exactly 65536 targets start without --rate (interrupted: exit 3)" "$?" 3
check "... at the default rate, printed at start" \
	grep -q "; 65536 targets .*; rate 10000 pps" "$T/pop.err"

tap_done

#!/bin/sh
# t-report.sh: targets, blocklist, shards, output and report in the lab
# (TAP).  A scan's JSON lines are valid and cover every target once; the
# shards of a scan partition it; the default blocklist keeps 127/8 out and
# says how much it left out; garbage target lines are named with their line;
# `report` on the saved scan prints exactly the summary the scan printed;
# --html is self-contained; malformed lines are counted, --strict fails.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A scan that does not finish in 60 s is cut off (and fails the exit
# status checks) rather than hanging the lab.
scan() {
	timeout 60 "$P" scan -q --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --providers "$LAB_PROVIDERS" \
		--rounds 1 --truth-timeout 10 --timeout 1 --retries 1 \
		--confirm-delay 0.2 --no-discovery "$@"
}
# targets FILE: the addresses of a targets file, sorted.
targets() {
	sed 's/#.*//' "$1" | awk 'NF { print $1 }' | sort -u
}

# --- a full scan of the labelled resolvers, then report on its output
scan --blocklist "$LAB_BLOCKLIST" --seed 7 -f "$LAB_TARGETS" \
	-o "$tmp/scan.jsonl" 2> "$tmp/scan.err"
st=$?
is "scan of LAB_TARGETS: exit 1 (the lab has liars)" "$st" 1
check "every output line is a JSON object with resolver and class" \
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and "resolver" in o and "class" in o, line
    assert line.endswith("\n")
    n += 1
assert n > 0' "$tmp/scan.jsonl"
is "one line per target, each target once" \
	"$(resolvers "$tmp/scan.jsonl")" "$(targets "$LAB_TARGETS")"

"$P" report "$tmp/scan.jsonl" > "$tmp/report.out" 2> "$tmp/report.err"
st=$?
is "report: exit 1 (invalid answers found)" "$st" 1
sed -n '/^Summary$/,$p' "$tmp/scan.err" > "$tmp/scan.summary"
check "the scan printed a summary" test -s "$tmp/scan.summary"
is "report prints exactly the summary the scan printed" \
	"$(cat "$tmp/report.out")" "$(cat "$tmp/scan.summary")"
is "report: nothing on stderr" "$(cat "$tmp/report.err")" ""
is "report - reads stdin" "$("$P" report - < "$tmp/scan.jsonl")" \
	"$(cat "$tmp/report.out")"
probed=$(awk '/resolvers probed/ { print $3 }' "$tmp/report.out")
is "resolvers probed = lines" "$probed" "$(wc -l < "$tmp/scan.jsonl" | tr -d ' ')"
# Class rows against a count of the JSON lines made independently.
want=$(python3 -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["class"] for l in open(sys.argv[1]))
for k in sorted(c): print(k, c[k])' "$tmp/scan.jsonl")
got=$(awk '/^Resolvers by class/ { on = 1; next } on && NF == 0 { on = 0 }
	on && $1 != "class" && $2 > 0 { print $1, $2 }' "$tmp/report.out" | sort)
is "class counts match the JSON lines" "$got" "$want"
# Every flag row's numbers in one column, the longest name's included.
is "flag rows line up" "$(awk '/^Flags/ { on = 1; next } on && NF == 0 { on = 0 }
	on { print length($0) }' "$tmp/report.out" | sort -u | wc -l | tr -d ' ')" 1
has "the transparent-forwarder row is there" "$(cat "$tmp/report.out")" \
	'^  transparent-forwarder  *[0-9]'

"$P" report --html "$tmp/page.html" --title 'lab <scan>' \
	"$tmp/scan.jsonl" > /dev/null 2>&1
check "--html writes a page" test -s "$tmp/page.html"
check "the page has inline SVG charts and CSS" \
	sh -c "grep -q '<svg' '$tmp/page.html' && grep -q '<style>' '$tmp/page.html'"
check_fails "the page has no scripts or external links" \
	grep -Eq '<script|https?:|src=|href=' "$tmp/page.html"
is "every chart has its legend" \
	"$(grep -c '<svg' "$tmp/page.html")" "$(grep -c 'class="legend"' "$tmp/page.html")"
check "the lying classes get a chart on their own scale" \
	grep -q '<h3>The lying classes alone</h3>' "$tmp/page.html"
if grep -q 'one-off names under' "$tmp/page.html"; then
	check "folded one-offs: the list behind a <details>" \
		grep -q '<details><summary>the list</summary>mx-' "$tmp/page.html"
else
	skip "folded one-offs: the list behind a <details>" "no liar invented names"
fi
check "the cards fill their rows evenly (a grid)" \
	grep -q '\.cards{display:grid' "$tmp/page.html"
fits_narrow "--html: the page fits a narrow window" "$tmp/page.html"

# --- report --diff: the scan against a copy where one resolver began
# lying, one lie changed class and one liar went away.
python3 - "$tmp/scan.jsonl" "$tmp/new.jsonl" "$tmp/want" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
recs = [o for o in lines if "resolver" in o]
began = next(o for o in recs if o["class"] == "correct")
changed = next(o for o in recs if o["class"] == "loopback")
gone = next(o for o in recs if o["class"] == "static")
want = [("began-lying", began["resolver"], "correct", "falsified"),
        ("changed-lie", changed["resolver"], "loopback", "bitflip"),
        ("gone-liar", gone["resolver"], "static", None)]
began["class"] = "falsified"
changed["class"] = "bitflip"
with open(sys.argv[2], "w") as f:
    for o in lines:
        if o is not gone:
            f.write(json.dumps(o) + "\n")
with open(sys.argv[3], "w") as f:
    json.dump(sorted(want, key=lambda w: w[0]), f)
PY
"$P" report --diff "$tmp/scan.jsonl" "$tmp/new.jsonl" > "$tmp/diff.txt" \
	2> "$tmp/diff.err"
is "--diff: a resolver began lying: exit 1" "$?" 1
has "--diff: the text counts it" "$(cat "$tmp/diff.txt")" \
	'^  began lying  *1$'
has "--diff: and names it" "$(cat "$tmp/diff.txt")" \
	'correct -> falsified'
"$P" report --diff --json "$tmp/scan.jsonl" "$tmp/new.jsonl" \
	> "$tmp/diff.jsonl" 2>> "$tmp/diff.err"
check "--diff --json: exactly the three changes made" python3 -c '
import json, sys
L = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((o["diff"], o["resolver"], o["old"], o["new"]) for o in L
             if "resolver" in o)
want = [tuple(w) for w in json.load(open(sys.argv[2]))]
assert got == want, (got, want)
s = L[-1]["diff_summary"]
assert s["began-lying"] == 1 and s["changed-lie"] == 1 and s["gone-liar"] == 1
assert s["only_old"] == 1 and s["only_new"] == 0
' "$tmp/diff.jsonl" "$tmp/want"
"$P" report --diff --html "$tmp/diff.html" "$tmp/scan.jsonl" \
	"$tmp/new.jsonl" > /dev/null 2>&1
check "--diff --html: a page with the changes" \
	grep -q '<h2>began lying</h2>' "$tmp/diff.html"
fits_narrow "--diff --html: the page fits a narrow window" "$tmp/diff.html"
"$P" report --diff "$tmp/scan.jsonl" "$tmp/scan.jsonl" > "$tmp/same.txt" 2>&1
is "--diff of a scan with itself: exit 0" "$?" 0
has "--diff of a scan with itself: nothing began lying" \
	"$(cat "$tmp/same.txt")" '^  began lying  *0$'
"$P" report --diff "$tmp/scan.jsonl" > /dev/null 2>&1
is "--diff with one file: exit 2" "$?" 2
"$P" report --json "$tmp/scan.jsonl" > /dev/null 2>&1
is "--json without --diff: exit 2" "$?" 2
"$P" report --html "$tmp/page2.html" "$tmp/scan.jsonl" > /dev/null 2>&1
check "the default title names the file, not its folders" \
	grep -q '<title>resolver-probe report: scan.jsonl</title>' "$tmp/page2.html"
check "the title is escaped" grep -q '<title>lab &lt;scan&gt;</title>' \
	"$tmp/page.html"

# --- malformed lines
cp "$tmp/scan.jsonl" "$tmp/bad.jsonl"
echo '{"resolver": "127.9.9.9", "class": ' >> "$tmp/bad.jsonl"
echo 'not json' >> "$tmp/bad.jsonl"
lines=$(wc -l < "$tmp/bad.jsonl" | tr -d ' ')
"$P" report "$tmp/bad.jsonl" > "$tmp/bad.out" 2> "$tmp/bad.err"
st=$?
is "malformed lines: report goes on (exit 1)" "$st" 1
check "malformed lines named FILE:LINE: reason" \
	grep -q "^$tmp/bad.jsonl:$lines: not JSON" "$tmp/bad.err"
check "malformed lines counted in the summary" \
	grep -Eq 'malformed lines skipped +2$' "$tmp/bad.out"
"$P" report --strict "$tmp/bad.jsonl" > /dev/null 2>&1
is "--strict: a malformed line fails (exit 2)" "$?" 2
"$P" report "$tmp/missing.jsonl" > /dev/null 2> "$tmp/missing.err"
is "a missing file: exit 2" "$?" 2
check "a missing file is named" grep -q "missing.jsonl: No such file" \
	"$tmp/missing.err"
# Nothing it recognises: no summary that passes for one.
printf 'hello\n{"x":1}\n' > "$tmp/junk"
"$P" report "$tmp/junk" > "$tmp/junk.out" 2> "$tmp/junk.err"
is "no scan or survey record: exit 2" "$?" 2
check "no scan or survey record: said so" \
	grep -q "junk holds no record of a scan or a mail survey" "$tmp/junk.err"
check "no scan or survey record: no summary printed" test ! -s "$tmp/junk.out"
: > "$tmp/empty"
"$P" report "$tmp/empty" > /dev/null 2>&1
is "an empty file: exit 2" "$?" 2

# --- CSV
scan --blocklist "$LAB_BLOCKLIST" --seed 7 --format csv -f "$LAB_TARGETS" \
	-o "$tmp/scan.csv" 2> /dev/null
is "CSV: a header and one row per target" \
	"$(wc -l < "$tmp/scan.csv" | tr -d ' ')" \
	"$(( $(targets "$LAB_TARGETS" | wc -l) + 1 ))"
"$P" report "$tmp/scan.csv" > /dev/null 2> "$tmp/csv.err"
is "report refuses CSV (exit 2)" "$?" 2
check "and says why" grep -q "CSV" "$tmp/csv.err"

# --- shards: three shards partition the targets
: > "$tmp/all"
for i in 0 1 2; do
	scan --blocklist "$LAB_BLOCKLIST" --seed 7 --shards 3 --shard $i \
		-f "$LAB_TARGETS" -o "$tmp/shard$i.jsonl" 2> /dev/null
	resolvers "$tmp/shard$i.jsonl" >> "$tmp/all"
done
is "shards together cover every target exactly once" \
	"$(sort "$tmp/all")" "$(targets "$LAB_TARGETS")"
check "no shard is empty" sh -c "test -s '$tmp/shard0.jsonl' &&
	test -s '$tmp/shard1.jsonl' && test -s '$tmp/shard2.jsonl'"

# --- the default blocklist keeps loopback out, and counts it; with no
# target left there is no work: exit 2 at once, before any truth.
t0=$(now_ms)
scan -f "$LAB_TARGETS" -o "$tmp/blocked.jsonl" 2> "$tmp/blocked.err"
st=$?
t1=$(now_ms)
n=$(targets "$LAB_TARGETS" | wc -l | tr -d ' ')
is "default blocklist, every target in 127/8: exit 2 (no work)" "$st" 2
check "default blocklist: nothing written" test ! -s "$tmp/blocked.jsonl"
check "default blocklist: the $n left out are counted" \
	grep -q "$n addresses left out" "$tmp/blocked.err"
check "default blocklist: says no target is left, names the blocklist" \
	grep -q "^resolver-probe scan: no targets to scan: $n left out by the blocklist .* (--blocklist FILE names another)" \
	"$tmp/blocked.err"
check "default blocklist: no truth resolved" sh -c "! grep -q 'truth' '$tmp/blocked.err'"
if [ $((t1 - t0)) -lt 10000 ]; then ok "no targets: said in $((t1 - t0)) ms"
else not_ok "no targets: took $((t1 - t0)) ms"; fi

# --- garbage target lines: named, skipped; fatal with --strict
{ echo "# a comment"; echo "127.0.1.1"; echo "127.0.1.300";
  echo "127.0.1.1   # again"; } > "$tmp/t.txt"
scan --blocklist "$LAB_BLOCKLIST" -f "$tmp/t.txt" -o "$tmp/t.jsonl" \
	2> "$tmp/t.err"
check "a garbage line is reported with its line number" \
	grep -q "^$tmp/t.txt:3: not an address: \"127.0.1.300\"" "$tmp/t.err"
is "the good target is probed once" "$(resolvers "$tmp/t.jsonl")" 127.0.1.1
check "the duplicate and the garbage are counted, in the singular" \
	grep -q "; 1 target (1 duplicate, 1 invalid line)" "$tmp/t.err"
scan --blocklist "$LAB_BLOCKLIST" --strict -f "$tmp/t.txt" \
	-o "$tmp/t2.jsonl" 2> "$tmp/t2.err"
is "--strict: a garbage target line is fatal (exit 2)" "$?" 2
check "--strict names the line" grep -q "t.txt:3: not an address" "$tmp/t2.err"

tap_done

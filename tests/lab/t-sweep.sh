#!/bin/sh
# t-sweep.sh: scanning address space as a hunter does (TAP).  Discovery
# finds every resolver hidden in silent space exactly once, with its class,
# writes nothing for the silent addresses (unless --output-silent) and
# counts them; shards run as the README says (separate processes, no
# --seed) partition the targets; transparent forwarders are attributed.
# Resuming a sweep: t-sweep-resume.sh.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || [ -z "$LAB_POPULATION" ]; then
	echo "1..0 # SKIP no resolver-probe or no population in this lab"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# 1. Shards as a user runs them: one process per shard, the same targets,
# no --seed.  Together they cover every target once, and no two overlap.
awk -F'\t' '!/^#/ && $4 !~ /silent/ { print $1 }' "$LAB_POPULATION_MANIFEST" |
	head -n 200 > "$T/shard.targets"
sort "$T/shard.targets" > "$T/shard.want"
for n in 2 3; do
	i=0
	: > "$T/shard.all"
	while [ $i -lt $n ]; do
		$P scan -q --blocklist "$LAB_BLOCKLIST" --queries example.com/A \
			--timeout 1 --retries 2 --shards $n --shard $i \
			-f "$T/shard.targets" -o "$T/shard.$n.$i" \
			2> "$T/shard.$n.$i.err"
		is "--shards $n --shard $i without --seed: exit 0" "$?" 0
		resolvers "$T/shard.$n.$i" > "$T/shard.$n.$i.got"
		cat "$T/shard.$n.$i.got" >> "$T/shard.all"
		i=$((i + 1))
	done
	is "--shards $n: the union is every target, each once" \
		"$(sort "$T/shard.all" | diff - "$T/shard.want" | head -5)" ""
	is "--shards $n: shards 0 and 1 share no target" \
		"$(comm -12 "$T/shard.$n.0.got" "$T/shard.$n.1.got" | head -5)" ""
	check "--shards $n: each shard has some targets" \
		test -s "$T/shard.$n.0.got" -a -s "$T/shard.$n.1.got"
	check "--shards $n: the seed is said to come from the targets" \
		grep -q "shard 0 of $n (0-based), seed [0-9]* (from the targets" \
		"$T/shard.$n.0.err"
done

TRUTH="--root-hints $LAB_ROOT_HINTS --trust-anchor $LAB_TRUST_ANCHOR
 --providers $LAB_PROVIDERS --rounds 1 --truth-timeout 10"

# 2. Silent space with the lab's resolvers hidden in it: 127.5.0.0/20
# answers nothing (4096 addresses).  Every labelled resolver that answers
# is found once and gets its manifest class (bitflip-sometimes: bitflip
# or correct); the silent ones (manifest class timeout) get no line.
# `late` answers after 10 s, in discovery or after it as the machine's
# load decides, and wrong-source from another address: left out here.
awk -F'\t' '!/^#/ && NF >= 4 && $4 !~ /^chaos (late|wrong-source)/ {
	print $1 "\t" $2 "\t" $4 }' "$LAB_MANIFEST" > "$T/hidden.manifest"
{ echo 127.5.0.0/20; cut -f1 "$T/hidden.manifest"; } > "$T/hidden.targets"
nhidden=$(wc -l < "$T/hidden.manifest" | tr -d ' ')
nsilent=$(awk -F'\t' '$2 == "timeout"' "$T/hidden.manifest" | wc -l | tr -d ' ')
# shellcheck disable=SC2086
$P scan $TRUTH --blocklist "$LAB_BLOCKLIST" --rate 2000 --timeout 2 \
	--retries 1 --confirm-delay 0.3 -f "$T/hidden.targets" \
	-o "$T/hidden.jsonl" 2> "$T/hidden.err"
is "sweep with hidden resolvers: exit 1 (findings)" "$?" 1
bad=$(python3 - "$T/hidden.jsonl" "$T/hidden.manifest" 2>&1 <<'EOF2'
import json, sys
got = {}
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "sweep" in o:
        continue
    got.setdefault(o["resolver"], []).append(o)
want = {}
for l in open(sys.argv[2]):
    a, c, d = l.rstrip("\n").split("\t")
    want[a] = (c, d)
for a, (c, d) in sorted(want.items()):
    g = got.pop(a, [])
    if c == "timeout":
        if g:
            print(a, d, "silent, but written:", g[0]["class"])
        continue
    if len(g) != 1:
        print(a, d, "found", len(g), "times")
        continue
    ok = {c} | ({"correct"} if "bitflip-sometimes" in d else set())
    if g[0]["class"] not in ok:
        print(a, d, "want", c, "got", g[0]["class"])
for a in sorted(got):
    print(a, "written, but not a lab resolver")
EOF2
)
is "every hidden resolver found once with its class; nothing else written" "$bad" ""
probed=$(final probed "$T/hidden.err")
answered=$(final answered "$T/hidden.err")
silent=$(final silent "$T/hidden.err")
is "final line: probed = 4096 + $nhidden" "$probed" "$((4096 + nhidden))"
is "final line: answered = the resolvers that answer ($((nhidden - nsilent)))" \
	"$answered" "$((nhidden - nsilent))"
is "final line: silent = 4096 + $nsilent" "$silent" "$((4096 + nsilent))"
q=$(final questions "$T/hidden.err")
check "final line: at most 2 questions per target ($q for $probed)" \
	test "${q:-0}" -le $((2 * probed)) -a "${q:-0}" -ge $((probed + silent))
check "the sweep block counts the silent targets" \
	grep -Eq "^  silent +$silent +[0-9.]+% of probed\$" "$T/hidden.err"
is "the final sweep record: over, probed, answered, silent" \
	"$(sweep "$T/hidden.jsonl" over):$(sweep "$T/hidden.jsonl" probed):$(sweep "$T/hidden.jsonl" answered):$(sweep "$T/hidden.jsonl" silent)" \
	"true:$probed:$answered:$silent"
$P report "$T/hidden.jsonl" > "$T/hidden.report" 2>&1
check "report: the sweep's probed and silent targets" \
	grep -Eq "^  silent +$silent +[0-9.]+% of probed\$" "$T/hidden.report"
check "the progress line showed discovery" \
	grep -q "discovery pass [12]/2: probed" "$T/hidden.err"

# 3. The population: 8,192 addresses, the silent ones among them by the
# manifest.  Each one that answers comes out once, the silent ones not at
# all; with --output-silent they do, as timeouts after 2 tries.
grep -v '^#' "$LAB_POPULATION_MANIFEST" | head -n 8192 > "$T/pop.manifest"
cut -f1 "$T/pop.manifest" > "$T/pop.targets"
awk -F'\t' '$4 !~ /silent/ { print $1 }' "$T/pop.manifest" | sort > "$T/pop.want"
psilent=$(awk -F'\t' '$4 ~ /silent/' "$T/pop.manifest" | wc -l | tr -d ' ')
$P scan --blocklist "$LAB_BLOCKLIST" --queries example.com/A \
	--rate 4000 --timeout 2 --retries 1 -f "$T/pop.targets" \
	-o "$T/pop.jsonl" 2> "$T/pop.err"
is "population sweep: exit 0 (unjudged)" "$?" 0
is "population sweep: every answering address once, no silent one" \
	"$(resolvers "$T/pop.jsonl" | diff - "$T/pop.want" | head -5)" ""
is "population sweep: final line probed/answered/silent" \
	"$(final probed "$T/pop.err"):$(final answered "$T/pop.err"):$(final silent "$T/pop.err")" \
	"8192:$((8192 - psilent)):$psilent"
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries example.com/A \
	--rate 4000 --timeout 2 --retries 1 --output-silent \
	--discovery-name dnsscan.example.net -f "$T/pop.targets" \
	-o "$T/popall.jsonl" 2> "$T/popall.err"
is "--output-silent: exit 0" "$?" 0
sort "$T/pop.targets" > "$T/pop.all"
is "--output-silent: every address once" \
	"$(resolvers "$T/popall.jsonl" | diff - "$T/pop.all" | head -5)" ""
bad=$(python3 - "$T/popall.jsonl" "$T/pop.manifest" 2>&1 <<'EOF2'
import json, sys
silent = {f[0] for f in (l.split("\t") for l in open(sys.argv[2]))
          if "silent" in f[3]}
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "sweep" in o:
        continue
    if bool(o.get("silent")) != (o["resolver"] in silent):
        print(o["resolver"], "silent flag:", o.get("silent"))
    q = [(x["qname"], x["status"], x["tries"]) for x in o["queries"]]
    if o["resolver"] in silent:
        if q != [("dnsscan.example.net.", "timeout", 2)]:
            print(o["resolver"], "silent:", q)
    elif [x[0] for x in q] != ["example.com."]:
        print(o["resolver"], "answering:", q)
EOF2
)
is "--output-silent: a silent line is the discovery question (--discovery-name), timed out after 2 tries" "$bad" ""

# 4. --no-discovery: every target is asked the plan at once, silent ones
# time out with a line each.
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries example.com/A \
	--rate 8000 --timeout 0.5 --retries 0 --no-discovery \
	127.5.0.0/28 127.0.1.1 -o "$T/nodisc.jsonl" 2> "$T/nodisc.err"
is "--no-discovery: a line for each of 17 targets, no sweep record" \
	"$(wc -l < "$T/nodisc.jsonl" | tr -d ' '):$(sweep "$T/nodisc.jsonl" over)" \
	17:none

# 5. Transparent forwarders: tests/lab/fwd relays each question to a lab
# resolver with the scanner's own source address, and the resolver answers
# the scanner directly.  In front of the honest resolver and in front of a
# liar: judged as usual, flagged, answered_by the resolver.  One whose
# relayed question has another id, one whose has another name: the
# replies from the resolver do not validate, so nothing is taken.
FWD=$LAB_BUILDDIR/tests/lab/fwd
LIAR=$(awk -F'\t' 'index($4, "unbound local-data: gmail.com MX points") == 1 { print $1; exit }' "$LAB_MANIFEST")
H=127.0.1.1
if [ -x "$FWD" ] && [ -n "$LIAR" ]; then
	"$FWD" 127.0.5.1 $H 127.0.5.2 "$LIAR" 127.0.5.3 $H:wrong-id \
		127.0.5.4 $H:wrong-question > "$T/fwd.out" 2> "$T/fwd.err" &
	fwdpid=$!
	wait_lines "$T/fwd.out" 1
	is "the forwarders are up" "$(cat "$T/fwd.out")" ready
	for mode in discovery no-discovery; do
		opt=; [ $mode = no-discovery ] && opt=--no-discovery
		# shellcheck disable=SC2086
		$P scan -q $TRUTH --blocklist "$LAB_BLOCKLIST" --timeout 2 \
			--retries 1 --confirm-delay 0.3 $opt --format csv \
			-o "$T/fwd.$mode.csv" 127.0.5.1 127.0.5.2 127.0.5.3 \
			127.0.5.4 127.5.1.0/24 2> "$T/fwd.$mode.err"
		$P scan -q $TRUTH --blocklist "$LAB_BLOCKLIST" --timeout 2 \
			--retries 1 --confirm-delay 0.3 $opt \
			-o "$T/fwd.$mode.jsonl" 127.0.5.1 127.0.5.2 127.0.5.3 \
			127.0.5.4 127.5.1.0/24 2> "$T/fwd.$mode.err"
		is "$mode: forwarders scanned: exit 1 (the liar's lie)" "$?" 1
		bad=$(python3 - "$T/fwd.$mode.jsonl" $mode $H "$LIAR" 2>&1 <<'EOF2'
import json, sys
got = {}
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "sweep" in o:
        continue
    got.setdefault(o["resolver"], []).append(o)
mode, h, liar = sys.argv[2:5]
want = {"127.0.5.1": ("correct", h), "127.0.5.2": ("falsified", liar)}
for a, (c, by) in want.items():
    g = got.get(a, [])
    if len(g) != 1:
        print(a, "found", len(g), "times"); continue
    o = g[0]
    if (o["class"], o["answered_by"]) != (c, by) or \
            "transparent-forwarder" not in o["flags"]:
        print(a, "want", c, by, "got", o["class"], o["answered_by"],
              o["flags"])
for a in ("127.0.5.3", "127.0.5.4"):
    g = got.get(a, [])
    if mode == "discovery" and g:
        print(a, "no reply validates, but it was written:", g[0]["class"])
    if mode == "no-discovery" and (len(g) != 1 or g[0]["class"] != "timeout"
            or g[0]["answered_by"] is not None
            or "transparent-forwarder" in g[0]["flags"]
            or any(q["status"] != "timeout" for q in g[0]["queries"])):
        print(a, "want one timeout line, got", [(o["class"], o["flags"],
              o["answered_by"]) for o in g])
n = sum(len(v) for v in got.values())
if n != (2 if mode == "discovery" else 2 + 2 + 256):
    print("lines:", n)
EOF2
)
		is "$mode: forwarders in front of the honest and the lying resolver: class, flag, answered_by; wrong id and wrong question never taken" "$bad" ""
		check "$mode: the summary counts 2 forwarders, 2 resolvers behind them" \
			grep -Eq "^  transparent forwarders +2 .*; the resolvers behind them: 2\$" \
			"$T/fwd.$mode.err"
		$P report "$T/fwd.$mode.jsonl" > "$T/fwd.$mode.report"
		check "$mode: report counts them too" \
			grep -Eq "^  transparent forwarders +2 .*; the resolvers behind them: 2\$" \
			"$T/fwd.$mode.report"
		check "$mode: CSV names the resolver that answered" \
			grep -q "^127.0.5.2,falsified,.*transparent-forwarder.*,$LIAR\$" \
			"$T/fwd.$mode.csv"
	done
	kill $fwdpid
	wait $fwdpid
	is "the forwarders exit 0 on TERM" "$?" 0
else
	skip "transparent forwarders" "no tests/lab/fwd or no lying resolver"
fi

tap_done

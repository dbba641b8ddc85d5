#!/bin/sh
# t-scan.sh: the scan engine as a user sees it (TAP): every labelled lab
# resolver gets its manifest class from one scan with 0x20; forged-id and
# wrong-source replies are not accepted; timeouts and retries; TCP after
# TC; the rate limit holds within 10%; SIGINT leaves complete, valid lines;
# a scan of 100,000 population targets accounts for every one.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || ! grep -q '	chaos ' "$LAB_MANIFEST"; then
	echo "1..0 # SKIP no resolver-probe or no chaos responder in this lab"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
TRUTH="--root-hints $LAB_ROOT_HINTS --trust-anchor $LAB_TRUST_ANCHOR
 --providers $LAB_PROVIDERS --rounds 1"


# 1. The labelled lab, with truth and 0x20.  Tries of 3 s: on a 2-CPU
# machine at a load of 8 the chaos responder (a sanitizer build, every
# behaviour in one process) answered up to 2.6 s after a query, and a TCP
# exchange (truncate, oversized tcp) has one timeout.  chaos late (10 s)
# stays beyond both tries.
# shellcheck disable=SC2086
$P scan -q $TRUTH --blocklist "$LAB_BLOCKLIST" -f "$LAB_TARGETS" --0x20 \
	--no-discovery --timeout 3 --retries 1 --confirm-delay 0.3 -o "$T/lab.jsonl" \
	2> "$T/lab.err"
is "labelled scan: exit status 1 (findings)" "$?" 1
want=$(grep -v '^#' "$LAB_TARGETS" | grep -c .)
is "one line per target" "$(wc -l < "$T/lab.jsonl" | tr -d ' ')" "$want"
# Classes: the manifest's, except bitflip-sometimes (random: bitflip when
# a flip happened, correct when none did).  (A bitflip whose flipped
# outlook addresses differ between the rounds, when a cache refreshes
# between them, must stay bitflip: the validator's rule, tested here.)
#
# The unsolicited flag: the manifest's, except where random ids collide.
# The engine charges a bad reply to its sender while that resolver is in
# flight, so forged-id (which sends its forgery before the real reply) is
# charged at least once per query answered over UDP.  (On a loaded
# machine a reply slower than the timeout may answer a query after its
# retry went out: the reply to the retry is owed, not unsolicited, and the
# retry's forgery may come after the resolver is done.)  But repeat's
# copies arriving after their resolver finished are charged to the query
# their id names on that socket when it asks the same question, and new
# queries draw ids at random: a resolver with an unwanted flag is excused
# when one of its answered queries has one of repeat's ids.
bad=$(python3 - "$T/lab.jsonl" "$LAB_MANIFEST" <<'EOF'
import json, sys
got = {o["resolver"]: o for o in map(json.loads, open(sys.argv[1]))}
stray, named = [], set()
ids = lambda o: {q["id"] for q in o["queries"] if "id" in q}
# How each query ended (for a failure's diagnosis): status/tries[/tcp].
qs = lambda o: " ".join("%s/%d%s" % (q["status"], q["tries"],
    "/tcp" if q["tcp"] else "") for q in o["queries"])
for l in open(sys.argv[2]):
    if l.startswith("#") or not l.strip():
        continue
    a, c, f, d = l.rstrip("\n").split("\t")
    o = got.get(a)
    if o is None:
        print(a, "missing"); continue
    ok = {c} | ({"correct"} if "bitflip-sometimes" in d else set())
    if o["class"] not in ok:
        print(a, d, "want", c, "got", o["class"], "[" + qs(o) + "]")
    # The engine's own flag; the others are the validator's to test.
    fl = "unsolicited"
    want = fl in f.split(",")
    if want and fl not in o["flags"]:
        print(a, d, "flag", fl, "want", f, "got", o["flags"])
    elif not want and fl in o["flags"]:
        stray.append((a, d, o["unsolicited"]))
    if d.startswith("chaos forged-id"):
        udp = sum(1 for q in o["queries"] if not q["tcp"] and q["status"] == "ok")
        if o["unsolicited"] < udp:
            print(a, d, "unsolicited", o["unsolicited"], "for", udp,
                  "UDP answers: a forgery was charged elsewhere [" + qs(o) + "]")
    elif d.startswith("chaos repeat"):
        named |= ids(o)
left = [x for x in stray if not ids(got[x[0]]) & named]
for a, d, n in left:
    print(a, d, "unwanted flag unsolicited:", n, "replies [" + qs(got[a]) + "]")
if stray and not left:
    print("# excused (id collisions):", stray, file=sys.stderr)
EOF
)
is "every labelled resolver has its manifest class (and unsolicited flag)" "$bad" ""
# A short name (qq.com: 4 letters) goes out all lower case one time in 16,
# so mixed case is asked of at least half the names, not of every one.
H0=$(addr "honest unbound")
pyck "0x20: query names went out in mixed case and came back matched" \
	"$T/lab.jsonl" 'all(q["status"] == "ok" for q in r("'"$H0"'")["queries"]) and 2 * sum(any(c.isupper() for c in q["qname"]) for q in r("'"$H0"'")["queries"]) >= len(r("'"$H0"'")["queries"])'
pyck "confirmation round: liars asked twice (round 1), honest once" \
	"$T/lab.jsonl" '{q["round"] for q in r("'"$(addr "unbound local-data: gmail.com MX points")"'")["queries"]} == {0, 1} and {q["round"] for q in r("'"$(addr "honest unbound")"'")["queries"]} == {0}'
F=$(addr "chaos forged-id")
pyck "forged id: the forged reply is not accepted (correct, unsolicited counted)" \
	"$T/lab.jsonl" 'r("'"$F"'")["class"] == "correct" and r("'"$F"'")["unsolicited"] > 0 and not any("45.33.32.156" in a for q in r("'"$F"'")["queries"] for a in q.get("answer", []))'
W=$(addr "chaos wrong-source")
WF=$(awk '!/^#/ && $2 == "wrong-source" { print $3 }' "$LAB_DIR/chaos.conf" | head -n 1)
WF=${WF:-127.0.0.254}
pyck "wrong source (a transparent forwarder): every reply taken from $WF, flagged, answered_by" \
	"$T/lab.jsonl" 'all(q["status"] == "ok" for q in r("'"$W"'")["queries"]) and "transparent-forwarder" in r("'"$W"'")["flags"] and r("'"$W"'")["answered_by"] == "'"$WF"'" and r("'"$W"'")["class"] == "correct"'
S=$(addr "chaos silent")
pyck "silent: every query timed out after 2 tries (--retries 1)" \
	"$T/lab.jsonl" 'all(q["status"] == "timeout" and q["tries"] == 2 for q in r("'"$S"'")["queries"])'
TC=$(addr "chaos truncate")
pyck "truncated: every reply taken over TCP, class correct" \
	"$T/lab.jsonl" 'all(q["status"] == "ok" and q["tcp"] for q in r("'"$TC"'")["queries"]) and r("'"$TC"'")["class"] == "correct"'
pyck "honest resolvers' replies came over UDP" "$T/lab.jsonl" \
	'not any(q["tcp"] for q in r("'"$(addr "honest unbound")"'")["queries"])'

# 2. Timeout arithmetic: a silent resolver, 3 tries of 0.4 s.
t0=$(now_ms)
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries gmail.com/A \
	--no-discovery --timeout 0.4 --retries 2 -o "$T/silent.jsonl" "$S" 2> /dev/null
t1=$(now_ms)
el=$((t1 - t0))
# The lower bound is the point (each try waits its timeout); the tries are
# counted below, so the upper bound only says it did not hang: 3 s over
# leave room for a sanitizer build starting on a loaded machine.
if [ $el -ge 1150 ] && [ $el -lt 4200 ]; then
	ok "3 tries of 0.4 s take about 1.2 s ($el ms)"
else
	not_ok "3 tries of 0.4 s take about 1.2 s ($el ms)"
fi
pyck "and end as one timeout with tries 3" "$T/silent.jsonl" \
	'[(q["status"], q["tries"]) for q in L[0]["queries"]] == [("timeout", 3)]'

# 3. The rate limit: 6000 answering population addresses at 2000 pps
# should take 3 s: never more than 10% faster.
awk -F'\t' '!/^#/ && $4 !~ /silent/ { print $1 }' "$LAB_POPULATION_MANIFEST" |
	head -n 6000 > "$T/rate.targets"
n=$(wc -l < "$T/rate.targets" | tr -d ' ')
t0=$(now_ms)
$P scan --blocklist "$LAB_BLOCKLIST" --queries 'example.com/A' \
	--rate 2000 --timeout 1 -f "$T/rate.targets" -o "$T/rate.jsonl" \
	2> "$T/rate.err"
t1=$(now_ms)
el=$((t1 - t0))
sent=$(sed -n 's/.*sent: \([0-9]*\).*/\1/p' "$T/rate.err")
sent=${sent:-$n}
want=$((sent * 1000 / 2000))
# The limit is a ceiling: never more than 10% over 2000 pps.  A loaded
# machine sends slower (10.3 s for these 6 s of sending at a load of 8 on
# 2 CPUs, sanitizer build), so how fast it keeps up is bench/'s to
# measure; here the scan only has to finish with every target.
if [ $el -ge $((want * 9 / 10)) ]; then
	ok "--rate 2000: $sent packets in $el ms, not faster than $want ms -10%"
else
	not_ok "--rate 2000: $sent packets in $el ms, faster than $want ms -10%"
fi
is "every rate-limited target accounted for" \
	"$(grep -c '^{"resolver":' "$T/rate.jsonl")" "$n"

# 4. SIGINT halfway: exit status 3, only complete and valid lines.  The
# signal goes once more than 100 lines are out (waited for, up to 60 s,
# rather than a fixed sleep that a slow start could outlast).
# shellcheck disable=SC2086
$P scan -q --blocklist "$LAB_BLOCKLIST" --queries 'example.com/A,*.example.com/A' \
	--rate 3000 --timeout 1 -o "$T/int.jsonl" $LAB_POPULATION \
	2> "$T/int.err" &
pid=$!
wait_lines "$T/int.jsonl" 101
kill -INT $pid
wait $pid
is "SIGINT: exit status 3" "$?" 3
pyck "SIGINT: every line is valid JSON with every query answered or timed out" \
	"$T/int.jsonl" 'len(L) > 100 and all(len(o["queries"]) == 2 and all(q["status"] in ("ok", "timeout", "malformed") for q in o["queries"]) for o in L)'
is "SIGINT: the file ends with a newline" \
	"$(tail -c 1 "$T/int.jsonl" | od -An -c | tr -d ' ')" '\n'
check "SIGINT: the summary was printed" grep -q "resolvers probed" "$T/int.err"

# 5. 100,000 targets, the first of the population manifest: each
# comes out exactly once, the final status line and the summary count
# them all, and only the labelled silent ones time out.  8000 pps: the
# sanitizer-built chaos responder keeps up with it on 2 loaded CPUs (no
# retries but the silent targets'); at 20000 its replies fell 1 s behind.
N=100000
grep -v '^#' "$LAB_POPULATION_MANIFEST" | head -n $N > "$T/pop.manifest"
cut -f1 "$T/pop.manifest" > "$T/pop.targets"
is "the population has at least $N addresses" \
	"$(wc -l < "$T/pop.targets" | tr -d ' ')" $N
t0=$(now_ms)
$P scan --blocklist "$LAB_BLOCKLIST" --queries 'example.com/A' \
	--rate 8000 --timeout 1 --retries 2 --no-discovery -f "$T/pop.targets" \
	-o "$T/pop.jsonl" 2> "$T/pop.err"
is "$N targets: exit status 0 (unjudged)" "$?" 0
diag "$N targets scanned in $(($(now_ms) - t0)) ms"
sort "$T/pop.targets" > "$T/pop.want"
python3 -c 'import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["resolver"])' \
	"$T/pop.jsonl" | sort > "$T/pop.got"
is "$N targets: every one comes out exactly once" \
	"$(wc -l < "$T/pop.got" | tr -d ' '):$(comm -3 "$T/pop.want" "$T/pop.got" | head -5)" "$N:"
silent=$(awk -F'\t' '$4 ~ /silent/' "$T/pop.manifest" | wc -l | tr -d ' ')
# The final status line: "TIME; sent: N (...); recv: N (...); resolvers: N;
# timeouts: N; retries: N; unsolicited: N; tcp: N; abandoned: N".
fin=$(tr '\r' '\n' < "$T/pop.err" | grep '; sent: ' | tail -n 1)
diag "$fin"
final() { printf '%s\n' "$fin" | sed -n "s/.*; $1: \([0-9]*\).*/\1/p"; }
is "final status line: resolvers $N, abandoned 0, tcp 0" \
	"$(final resolvers):$(final abandoned):$(final tcp)" "$N:0:0"
is "final status line: timeouts = the silent ones ($silent)" "$(final timeouts)" "$silent"
# One query per target: every packet sent is a first try or a retry, and
# each silent target was tried 3 times.
retries=$(final retries)
is "final status line: sent = resolvers + retries" "$(final sent)" \
	"$((N + ${retries:-0}))"
check "final status line: at least 2 retries per silent target ($retries)" \
	test "${retries:-0}" -ge $((2 * silent))
# summary (stderr) ROW: the count of that summary row.
summary() {
	awk -v r="$1" 'index($0, "  " r " ") == 1 {
		sub("^  " r " +", ""); print $1; exit }' "$T/pop.err"
}
is "summary: resolvers probed $N, responsive $((N - silent)), unjudged $N" \
	"$(summary "resolvers probed"):$(summary responsive):$(summary unjudged)" \
	"$N:$((N - silent)):$N"
# Each result's one query: timeout when the manifest says silent, else ok.
python3 - "$T/pop.jsonl" "$T/pop.manifest" > "$T/pop.bad" 2>&1 <<'EOF2'
import json, sys
silent = {f[0] for f in (l.split("\t") for l in open(sys.argv[2]))
          if "silent" in f[3]}
n = 0
for l in open(sys.argv[1]):
    o = json.loads(l)
    st = [q["status"] for q in o["queries"]]
    want = ["timeout"] if o["resolver"] in silent else ["ok"]
    n += 1
    if st != want:
        print(o["resolver"], "want", want, "got", st)
print(n, "checked")
EOF2
is "$N targets: only the silent ones time out ($silent), every other is ok" \
	"$(head -5 "$T/pop.bad")" "$N checked"

tap_done

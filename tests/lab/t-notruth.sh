#!/bin/sh
# t-notruth.sh: no verdict without a truth (TAP).  A scan whose truth has no
# usable provider (a wrong trust anchor: every answer bogus; a providers
# file without a provider line) refuses to start, says why and exits 3
# with nothing written; a scan with one bogus provider among good ones
# leaves it out and says so at start, in its output's header record, in
# its summary and in the report, and --resume reads that header back.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# scan ANCHOR PROVIDERS ARGS...: a short judged scan of the honest resolver
# and the one that falsifies gmail.com's MX.
scan() {
	_a=$1 _p=$2
	shift 2
	"$P" scan --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$_a" \
		--providers "$_p" --blocklist "$LAB_BLOCKLIST" --rounds 1 \
		--truth-timeout 10 --timeout 1 --retries 1 --no-confirm -q \
		"$@"
}

# A wrong trust anchor: the lab root's DS with its digest changed.
awk '{ d = $NF; $NF = (substr(d, 1, 1) == "0" ? "1" : "0") substr(d, 2)
	print }' "$LAB_TRUST_ANCHOR" > "$tmp/bad-anchor"
scan "$tmp/bad-anchor" "$LAB_PROVIDERS" -o "$tmp/a.jsonl" 127.0.1.1 \
	127.0.2.1 2> "$tmp/a.err"
is "wrong trust anchor: the scan refuses, exit 3" "$?" 3
check_fails "wrong trust anchor: no output file made" test -e "$tmp/a.jsonl"
check "wrong trust anchor: says there is no usable truth" \
	grep -q '^resolver-probe scan: no usable truth, so no verdict could be trusted: not scanning: ' \
	"$tmp/a.err"
check "wrong trust anchor: names the bogus chain and why" \
	grep -q 'gmail.com.: gmail.com. MX is bogus: .*DS hash mismatches' \
	"$tmp/a.err"
check_fails "wrong trust anchor: no verdict anywhere" \
	grep -q -e correct -e falsified "$tmp/a.err"

# A providers file with control and nxdomain lines but no provider line.
grep -E '^(control|nxdomain) ' "$LAB_PROVIDERS" > "$tmp/noprov"
scan "$LAB_TRUST_ANCHOR" "$tmp/noprov" 127.0.1.1 127.0.2.1 \
	> "$tmp/b.jsonl" 2> "$tmp/b.err"
is "no provider line: the scan refuses, exit 3" "$?" 3
is "no provider line: no result written" "$(wc -c < "$tmp/b.jsonl")" 0
check "no provider line: says so" grep -q \
	'no usable truth, .*: the providers file has no provider line$' \
	"$tmp/b.err"

# One bogus provider among good ones: rrsig-expired.org's MX is bogus.
{ grep -v -E '^(control|nxdomain) ' "$LAB_PROVIDERS"
  echo "provider rrsig-expired.org"
  grep -E '^(control|nxdomain) ' "$LAB_PROVIDERS"; } > "$tmp/onebogus"
scan "$LAB_TRUST_ANCHOR" "$tmp/onebogus" -o "$tmp/c.jsonl" 127.0.1.1 \
	127.0.2.1 2> "$tmp/c.err"
is "one bogus provider: the scan runs, finds the liar (exit 1)" "$?" 1
check "one bogus provider: said at start" grep -q \
	'^resolver-probe scan: provider rrsig-expired.org. left out (not asked, not judged): rrsig-expired.org. MX is bogus' \
	"$tmp/c.err"
is "one bogus provider: the header record names it, then the verdicts" \
	"$(python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
lines = [d for d in lines if "sweep" not in d]
h = lines[0]["providers_left_out"]
print(len(h), h[0]["provider"], "bogus" in h[0]["why"])
for d in sorted(lines[1:], key=lambda d: d["resolver"]):
    qs = [q for q in d["queries"] if q["provider"] == "rrsig-expired.org."]
    print(d["resolver"], d["class"], len(qs))' "$tmp/c.jsonl")" \
	"1 rrsig-expired.org. True
127.0.1.1 correct 0
127.0.2.1 falsified 0"
check "one bogus provider: the summary says it was left out" \
	grep -A1 -q '^Providers left out (no usable truth: not asked, not judged): 1' \
	"$tmp/c.err"
"$P" report "$tmp/c.jsonl" > "$tmp/c.report" 2> "$tmp/c.rerr"
is "report: reads the header, exit 1, nothing malformed" \
	"$? $(wc -c < "$tmp/c.rerr" | tr -d ' ')" "1 0"
check "report: names the provider left out and why" grep -q \
	'^  rrsig-expired.org.: rrsig-expired.org. MX is bogus' "$tmp/c.report"
sed -n '/^Providers left out/,$p' "$tmp/c.err" > "$tmp/c.left-scan"
sed -n '/^Providers left out/,$p' "$tmp/c.report" > "$tmp/c.left-report"
check "report: the same lines as the scan's summary" \
	cmp "$tmp/c.left-scan" "$tmp/c.left-report"
cp "$tmp/c.jsonl" "$tmp/c0.jsonl"
scan "$LAB_TRUST_ANCHOR" "$tmp/onebogus" --resume "$tmp/c.jsonl" \
	127.0.1.1 127.0.2.1 2> "$tmp/d.err"
is "--resume: reads the header record, nothing left to do (exit 1)" \
	"$? $(grep -c 'resuming: 2 resolvers already done' "$tmp/d.err")" "1 1"
check "--resume: the file is unchanged (its header already names it)" \
	cmp "$tmp/c0.jsonl" "$tmp/c.jsonl"
check "--resume: its summary names the provider left out" grep -q \
	'^  rrsig-expired.org.: rrsig-expired.org. MX is bogus' "$tmp/d.err"

tap_done

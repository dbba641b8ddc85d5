#!/bin/sh
# t-query.sh: `resolver-probe query` in the lab (TAP): the verdict and exit
# status against an honest resolver and each lying one, the dig-like layout
# (a golden file), delv-like output without @RESOLVER, JSON, and clear
# messages for silence, malformed replies and bad arguments.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q() {
	"$P" query --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --providers "$LAB_PROVIDERS" \
		--truth-timeout 10 --timeout 1 --retries 1 "$@"
}

# expect DESC STATUS VERDICT-LINE-PATTERN ARGS...: run a query, check the
# exit status and that the VERDICT line matches.
expect() {
	desc=$1 want=$2 pat=$3
	shift 3
	q "$@" > "$tmp/out" 2> "$tmp/err"
	st=$?
	line=$(grep '^;; VERDICT:' "$tmp/out")
	if [ "$st" = "$want" ] && printf '%s\n' "$line" | grep -Eq "$pat"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "status $st (want $want), verdict line: $line"
		diag "$(cat "$tmp/out" "$tmp/err" | tail -n 30)"
	fi
}

best=gmail-smtp-in.l.google.com
for r in $LAB_HONEST; do
	expect "honest $r: gmail.com MX correct, exit 0" 0 'VERDICT: correct$' \
		@"$r" gmail.com MX
done
expect "honest: best MX host A correct" 0 'VERDICT: correct$' \
	@127.0.1.1 $best A
expect "honest: signed name, correct (AD and RRSIGs)" 0 'VERDICT: correct$' \
	@127.0.1.1 www.example.net A
expect "127.0.2.1: falsified MX name, exit 1" 1 'VERDICT: falsified$' \
	@127.0.2.1 gmail.com MX
expect "127.0.2.2: falsified A, exit 1" 1 'VERDICT: falsified$' \
	@127.0.2.2 $best A
expect "127.0.2.3: loopback A, exit 1" 1 'VERDICT: loopback$' \
	@127.0.2.3 $best A
expect "127.0.2.4: private A, exit 1" 1 'VERDICT: private$' \
	@127.0.2.4 $best A
expect "127.0.2.5: incomplete MX set, exit 1" 1 'VERDICT: incomplete$' \
	@127.0.2.5 gmail.com MX
expect "chaos bitflip: one bit from the truth, exit 1" 1 'VERDICT: bitflip$' \
	@127.0.3.4 $best A
expect "chaos ad-on-false: falsified with the flag" 1 \
	'VERDICT: falsified ad-on-false$' @127.0.3.7 $best A
expect "chaos dnssec-stripped: correct with the flag, exit 0" 0 \
	'VERDICT: correct dnssec-stripped$' @127.0.3.8 www.example.net A
expect "chaos truncate: the answer over TCP is correct" 0 \
	'VERDICT: correct$' @127.0.3.18 gmail.com MX
check "chaos truncate: the reply says it came over TCP" \
	grep -q '^;; reply over TCP' "$tmp/out"
expect "--tcp to an honest resolver" 0 'VERDICT: correct$' \
	--tcp @127.0.1.2 gmail.com MX
check "--tcp: the reply came over TCP" grep -q '^;; reply over TCP' "$tmp/out"
expect "chaos forged-id: the forged reply is ignored, correct" 0 \
	'VERDICT: correct unsolicited$' @127.0.3.20 $best A
expect "chaos silent: timeout, exit 3" 3 'VERDICT: timeout$' \
	@127.0.3.14 gmail.com MX
check "silent: says no reply came" grep -q '^;; no reply from 127.0.3.14' \
	"$tmp/out"
expect "chaos malformed: exit 3" 3 'VERDICT: malformed$' \
	@127.0.3.10 gmail.com MX
check "malformed: says the replies were malformed" \
	grep -q 'malformed' "$tmp/out"
expect "chaos refused: exit 3" 3 'VERDICT: refused$' @127.0.3.15 gmail.com MX
expect "chaos referral: no-recursion, exit 3" 3 'VERDICT: no-recursion$' \
	@127.0.3.17 gmail.com MX
expect "--port to a closed port: timeout, exit 3" 3 'VERDICT: timeout$' \
	--port 5353 @127.0.1.1 gmail.com MX
expect "--tcp to a closed port: timeout, exit 3" 3 'VERDICT: timeout$' \
	--tcp --port 5353 @127.0.1.1 gmail.com MX
check "--tcp to a closed port: says the connection was refused" \
	grep -q '^;; no reply from 127.0.1.1: TCP connect: connection refused$' \
	"$tmp/out"
q --json --tcp --port 5353 @127.0.1.1 gmail.com MX > "$tmp/json" 2> /dev/null
is "--tcp to a closed port, --json: tcp_error says refused" "$(python3 -c '
import json, sys
q = json.load(open(sys.argv[1]))["result"]["queries"][0]
print(q["status"], q["tcp_error"])' "$tmp/json")" "timeout Connection refused"
expect "--no-dnssec: correct without the DO bit" 0 'VERDICT: correct$' \
	--no-dnssec @127.0.1.1 www.example.net A
check "--no-dnssec: the query carried no DO bit (the reply's EDNS has none)" \
	grep -q '^;; EDNS: version 0; flags: ;' "$tmp/out"

# The text layout, against a golden file (ids, times and dates masked).
q @127.0.2.1 gmail.com MX 2>&1 | sed -e 's/id: [0-9]*/id: ID/' -e 's/resolver-probe [0-9.]* <<>>/resolver-probe V <<>>/' \
	-e 's/^;; Query time: .*/;; Query time: T/' \
	-e 's/^;; WHEN: .*/;; WHEN: W/' \
	-e 's/^;; SERVER: .*/;; SERVER: S/' > "$tmp/layout"
if diff -u "$LAB_SRCDIR/tests/lab/golden/query-falsified.txt" "$tmp/layout" \
    > "$tmp/diff"; then
	ok "text layout matches the golden file"
else
	not_ok "text layout matches the golden file"
	diag "$(cat "$tmp/diff")"
fi

# JSON: one object with the question, the result (as a scan line) and truth.
q --json @127.0.2.2 $best A > "$tmp/json"
is "--json: verdict and truth status" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["result"]
print(r["class"], r["queries"][0]["verdict"]["class"], d["truth"]["status"],
      d["question"]["type"])' "$tmp/json")" "falsified falsified insecure A"

# Without @RESOLVER: the validated answer and its status, as delv.
q www.example.net A > "$tmp/out"; st=$?
is "no resolver: a signed name is fully validated, exit 0" \
	"$st $(head -n 1 "$tmp/out")" "0 ; fully validated"
q gmail.com MX > "$tmp/out"; st=$?
is "no resolver: a provider is an unsigned answer, exit 0" \
	"$st $(head -n 1 "$tmp/out")" "0 ; unsigned answer"
bogus=$(awk '$3 == "bogus" { print $1, $2; exit }' "$LAB_DNSSEC_MANIFEST")
q $bogus > "$tmp/out"; st=$?
is "no resolver: a bogus name ($bogus) says validation failed, exit 1" \
	"$st $(head -n 1 "$tmp/out" | cut -c1-19)" "1 ; validation failed"

# A wrong trust anchor (the lab root's DS with its digest changed): every
# truth is bogus, so nothing can be judged and no verdict is printed.
awk '{ d = $NF; $NF = (substr(d, 1, 1) == "0" ? "1" : "0") substr(d, 2)
	print }' "$LAB_TRUST_ANCHOR" > "$tmp/bad-anchor"
"$P" query --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$tmp/bad-anchor" \
	--providers "$LAB_PROVIDERS" --truth-timeout 10 --timeout 1 \
	--retries 1 @127.0.2.1 gmail.com MX > "$tmp/out" 2> "$tmp/err"
is "wrong trust anchor: a lying resolver gets no verdict, exit 3" \
	"$? $(grep -c '^;; VERDICT' "$tmp/out")" "3 0"
check "wrong trust anchor: says there is nothing to judge by" \
	grep -q '^;; NO VERDICT: nothing to judge the reply by' "$tmp/out"
check "wrong trust anchor: stderr names the bogus chain" \
	grep -q '^resolver-probe query: no verdict: .*gmail.com. MX is bogus: .*DS hash mismatches' \
	"$tmp/err"
"$P" query --json --root-hints "$LAB_ROOT_HINTS" \
	--trust-anchor "$tmp/bad-anchor" --providers "$LAB_PROVIDERS" \
	--truth-timeout 10 --timeout 1 --retries 1 @127.0.2.1 gmail.com MX \
	> "$tmp/json" 2> /dev/null
is "wrong trust anchor, --json: no class, no query verdict, the reason" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["result"]
print(r["class"], r["queries"][0]["verdict"], "no truth" in d["no_verdict"],
      d["truth"]["status"])' "$tmp/json")" "None None True bogus"

# Usage errors.
q @dns.example gmail.com MX > "$tmp/out" 2>&1; st=$?
is "a resolver given by name: exit 2" "$st" 2
check "a resolver given by name: the message asks for an address" \
	grep -q 'not an IPv4 or IPv6 address' "$tmp/out"
q @127.0.1.1 gmail.com NOSUCHTYPE > /dev/null 2>&1
is "an unknown type: exit 2" "$?" 2
q > /dev/null 2>&1
is "no name: exit 2" "$?" 2
q --port 0 @127.0.1.1 gmail.com > /dev/null 2>&1
is "--port 0: exit 2" "$?" 2

tap_done

#!/bin/sh
# t-dane.sh: resolver-probe dane against the DANE lab (tests/lab/parts/
# 50-dane.*): every case gives its manifest verdict and exit status; the
# bad cases say why and end in time; posttls-finger (Postfix's own DANE
# client) agrees where it can judge; --json is valid JSON.
. "$LAB_SRCDIR/tests/lab/tap.sh"
RP=$LAB_BUILDDIR/resolver-probe/resolver-probe
M=$LAB_DIR/dane-manifest
if [ -f "$LAB_DIR/dane-skip" ]; then
	echo "1..0 # SKIP $(cat "$LAB_DIR/dane-skip")"
	exit 0
fi
if [ ! -f "$M" ]; then
	echo "1..0 # SKIP no DANE lab (tests/lab/parts/50-dane.pre did not run)"
	exit 0
fi
TO=3
dane() {
	"$RP" dane --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --timeout $TO "$@"
}
want_exit() {
	case $1 in
	dane-valid|dane-insecure) echo 0;;
	unreachable|dns-error) echo 3;;
	*) echo 1;;
	esac
}
OUT=$LAB_DIR/dane-out
mkdir -p "$OUT"

# Every case: the verdict on the last line, and the exit status.
grep -v '^#' "$M" > "$OUT/cases"
while read -r dom verdict; do
	[ -n "$dom" ] || continue
	start=$(date +%s)
	dane "$dom" > "$OUT/$dom.txt" 2> "$OUT/$dom.err"
	st=$?
	took=$(( $(date +%s) - start ))
	got=$(tail -n 1 "$OUT/$dom.txt" | cut -d' ' -f2 | tr -d :)
	if [ "$got" = "$verdict" ] && [ "$st" = "$(want_exit "$verdict")" ]; then
		ok "$dom: $verdict, exit $st"
	else
		not_ok "$dom: want $verdict exit $(want_exit "$verdict"), got '$got' exit $st"
		diag "$(cat "$OUT/$dom.txt" "$OUT/$dom.err")"
	fi
	# No case may take longer than one session timeout plus DNS.
	if [ "$took" -le $((TO + 10)) ]; then
		ok "$dom: done in ${took}s"
	else
		not_ok "$dom: took ${took}s (timeout $TO s)"
	fi
	if grep -q 'AddressSanitizer\|runtime error' "$OUT/$dom.err"; then
		not_ok "$dom: sanitizer report"
		diag "$(cat "$OUT/$dom.err")"
	fi
done < "$OUT/cases"

# Every case in one run (-f, shared cache and sessions): JSON Lines, one a
# domain, each with the verdict it gets alone; the exit status is the
# worst domain's; a bad line is reported and the rest still checked.
{ echo "# the DANE cases"; cut -d' ' -f1 "$OUT/cases"; echo "bad..line"; } \
	> "$OUT/list"
dane -f "$OUT/list" -c 64 -o "$OUT/survey.jsonl" 2> "$OUT/survey.err"
st=$?
want=0
while read -r dom verdict; do
	w=$(want_exit "$verdict")
	[ "$w" = 3 ] && want=3
	[ "$w" = 1 ] && [ $want = 0 ] && want=1
done < "$OUT/cases"
is "one run of every case: the worst exit status" "$st" "$want"
if python3 - "$OUT/cases" "$OUT/survey.jsonl" <<'PY'
import json, sys
want = dict(l.split() for l in open(sys.argv[1]) if l.strip())
got = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    assert d["domain"].rstrip(".") not in got, "twice: " + d["domain"]
    got[d["domain"].rstrip(".")] = d["verdict"]
bad = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
assert not bad and len(got) == len(want), (bad, len(got), len(want))
PY
then ok "one run of every case: one line each, the verdict of each alone"
else not_ok "one run of every case"; diag "$(head -c 3000 "$OUT/survey.jsonl")"; fi
has "a bad line in the list is named" "$(cat "$OUT/survey.err")" \
	"list:[0-9]*: .*bad..line"
dane ee-spki.dane.net ta.dane.net > "$OUT/two" 2>&1
is "two domains: exit 0" "$?" 0
is "two domains: JSON Lines by default" "$(python3 -c '
import json, sys
print(" ".join(sorted(json.loads(l)["verdict"] for l in open(sys.argv[1]))))
' "$OUT/two" 2>&1)" "dane-valid dane-valid"
dane --text ee-spki.dane.net ta.dane.net > "$OUT/two.txt" 2>&1
is "two domains with --text: a last line each" \
	"$(grep -c '^[a-z-]*\.dane\.net\.* dane-valid:' "$OUT/two.txt")" 2
dane --progress ee-spki.dane.net ta.dane.net wrong-digest.dane.net \
	> /dev/null 2> "$OUT/progress.err"
has "--progress: the last line counts every domain and the sessions" \
	"$(tr '\r' '\n' < "$OUT/progress.err" | tail -n 1)" \
	'^3 done, 0 running: 2 verified or not applicable, 1 failing, 0 incomplete; [1-9][0-9]* SMTP sessions for [0-9]*; '
dane -f "$OUT/nonexistent" > /dev/null 2> "$OUT/nofile.err"
is "a missing list: exit 2" "$?" 2
has "a missing list: named" "$(cat "$OUT/nofile.err")" "nonexistent: No such file"
dane -f "$OUT/list" ee-spki.dane.net > /dev/null 2>&1
is "DOMAIN and -f together: exit 2" "$?" 2
dane -c 0 ee-spki.dane.net > /dev/null 2>&1
is "-c 0: exit 2" "$?" 2

# The reasons a user reads for the awkward cases.
# reason DOMAIN WHAT PATTERN: the check of DOMAIN said so.
reason() { has "$2" "$(cat "$OUT/$1.txt")" "$3"; }
reason bigcert.dane.net "oversized certificate chain: a clear TLS error" "excessive message size"
reason hang.dane.net "server hanging mid-handshake: a timeout, said so" "timed out after $TO s in the TLS handshake (100 bytes of it received)"
reason garbage.dane.net "64 KiB banner line: a capped protocol error" "reply line longer than 1000 bytes"
reason silent.dane.net "silent server: timed out waiting for the banner" "waiting for the banner"
reason malformed.dane.net "malformed TLSA digest shown as unusable" "unusable: SHA2-256 data is not 32 bytes"
reason pkix-only.dane.net "PKIX-EE record shown as unusable for SMTP" "PKIX usages are not for SMTP"
reason ta-wrongname.dane.net "DANE-TA with a wrong name: which record, what failed" "TLSA 2 1 1 .* matches the certificate at depth 1, but verification failed: hostname mismatch"
reason wrong-digest.dane.net "wrong digest: the leaf's own digest is shown" "the leaf's SPKI SHA2-256 is "
reason ta.dane.net "DANE-TA: matched record and depth reported" "matched TLSA 2 0 1 .* (DANE-TA) at depth 1, name mx.ta.dane.net"
reason ee-expired.dane.net "DANE-EE ignores an expired certificate" "matched TLSA 3 1 1 .* (DANE-EE) at depth 0"
reason ta-expired.dane.net "DANE-TA with an expired leaf: the chain check says so" "certificate has expired"
reason ee-cert.dane.net "DANE-EE 3 0 1 matched at depth 0" "matched TLSA 3 0 1 .* (DANE-EE) at depth 0"
reason cname.dane.net "CNAME: TLSA at the expanded name" "base domain mx.ta.dane.net"
reason stripped.dane.net "stripping proxy: the blanked keyword shown" "XXXXXXXA"
reason two-mx.dane.net "two MX hosts: both looked at, the failing one named" "mx.wrong-digest.dane.net. dane-fail"
reason tlsa-unsigned.dane.net "TLSA in an unsigned zone: reported and ignored" "are not signed (insecure): ignored"
reason plain.dane.net "unsigned MX: what the sender is left with" "opportunistic TLS"

# JSON: one document, the same verdict.
dane --json ta-wrongname.dane.net > "$OUT/json" 2>&1
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
h = d["hosts"][0]
a = h["addresses"][0]
assert d["verdict"] == "dane-fail", d["verdict"]
assert h["tlsa"]["status"] == "secure"
assert h["tlsa"]["records"][0]["record"].startswith("2 1 1 ")
assert a["verdict"] == "dane-fail" and a["starttls"] and a["chain_length"] == 2
assert any("STARTTLS" in l for l in a["transcript"])
' "$OUT/json"; then ok "--json: valid, verdict and details"; else
	not_ok "--json"; diag "$(cat "$OUT/json")"; fi

# Usage errors: exit 2 and a message.
check_fails "no domain: usage" dane
dane 'bad..name' > /dev/null 2>&1; is "a bad domain name: exit 2" "$?" 2
dane --port 0 ee-spki.dane.net > /dev/null 2>&1; is "--port 0: exit 2" "$?" 2
dane --timeout x ee-spki.dane.net > /dev/null 2>&1; is "--timeout x: exit 2" "$?" 2
"$RP" dane --root-hints /nonexistent --trust-anchor "$LAB_TRUST_ANCHOR" \
	ee-spki.dane.net > /dev/null 2> "$OUT/usage.err"
st=$?
if [ $st -eq 2 ] && grep -q nonexistent "$OUT/usage.err"; then
	ok "missing root hints file: exit 2, named"
else
	not_ok "missing root hints file: exit $st"; diag "$(cat "$OUT/usage.err")"
fi

# posttls-finger (Postfix's DANE client) on the same cases, through the
# lab's validating resolver (its own resolv.conf in a private mount
# namespace; trust-ad so that glibc passes the AD bit on).
pf_verdict() {
	if grep -q 'Verified TLS connection established' "$1"; then
		echo dane-valid
	elif grep -q 'TLSA lookup error' "$1"; then
		echo bogus
	elif grep -q 'server certificate verification failed' "$1"; then
		echo dane-fail
	elif grep -q 'Untrusted TLS connection\|Anonymous TLS connection' "$1"; then
		echo dane-insecure
	else
		echo unknown
	fi
}
if command -v posttls-finger > /dev/null 2>&1 || [ -x /usr/sbin/posttls-finger ]; then
	PATH=$PATH:/usr/sbin
	printf 'nameserver 127.0.1.1\noptions trust-ad\n' > "$LAB_DIR/resolv.dane"
	for dom in ee-spki ee-cert ta ta-wrongname wrong-digest cname implicit \
	    ee-expired ta-expired \
	    malformed-plus bogus-tlsa notlsa tlsa-unsigned plain; do
		d=$dom.dane.net
		unshare -m sh -c "mount --bind '$LAB_DIR/resolv.dane' /etc/resolv.conf &&
			timeout 30 posttls-finger -c -t5 -T10 -l dane \
			-o smtp_dns_support_level=dnssec $d" > "$OUT/$d.pf" 2>&1
		pf=$(pf_verdict "$OUT/$d.pf")
		ours=$(tail -n 1 "$OUT/$d.txt" | cut -d' ' -f2 | tr -d :)
		if [ "$pf" = "$ours" ]; then
			ok "$d: posttls-finger agrees ($pf)"
		else
			not_ok "$d: posttls-finger says $pf, we say $ours"
			diag "$(cat "$OUT/$d.pf")"
		fi
	done
else
	skip "posttls-finger agreement" "posttls-finger not installed"
fi
tap_done

#!/bin/sh
# t-truth.sh: `resolver-probe truth` in the lab (TAP).  DNSSEC statuses match
# LAB_DNSSEC_MANIFEST and an independent validator (delv), broken DNSSEC is
# bogus with a reason, a wrong or missing trust anchor never gives secure,
# rounds pick up rotating answers, bad input files are named with their line,
# and the exit codes are the documented ones.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
truth() {
	"$P" truth --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --truth-timeout 10 "$@"
}
# field JSONFILE NAME TYPE KEY: one field of an answer in truth --json output
# ("records" gives the records' rdata sorted, one a line).
field() {
	python3 - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
name, qtype, key = sys.argv[2].lower().rstrip('.') + '.', sys.argv[3], sys.argv[4]
for a in doc['answers']:
    if a['qname'] == name and a['qtype'] == qtype:
        v = a[key]
        if key == 'records':
            print('\n'.join(sorted(r.split(None, 4)[-1] for r in v)))
        elif isinstance(v, bool):
            print('true' if v else 'false')
        else:
            print('' if v is None else v)
        break
else:
    print('(no answer)')
EOF
}
# provider JSONFILE DOMAIN KEY
provider() {
	python3 - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for p in doc['providers']:
    if p['domain'] == sys.argv[2].rstrip('.') + '.':
        v = p[sys.argv[3]]
        print(('true' if v else 'false') if isinstance(v, bool) else ('' if v is None else v))
        break
else:
    print('(no provider)')
EOF
}
r=${LAB_HONEST%% *}
# delv_status NAME TYPE: secure, insecure or bogus as delv sees it with the
# lab trust anchor (validating by itself, through an honest resolver).
delv_status() {
	out=$(delv -a "$LAB_TRUST_ANCHOR_BIND" +root=. @"$r" "$1" "$2" 2>&1)
	case $out in
	*"; fully validated"*) echo secure;;
	*"; unsigned answer"*) echo insecure;;
	*"resolution failed"*|*"no valid"*|*"broken trust chain"*) echo bogus;;
	*) echo "unexpected: $out";;
	esac
}

# --- every name of the DNSSEC manifest, in one run
set --
while read -r name type status; do
	case $name in ''|'#'*) continue;; esac
	set -- "$@" "$name" "$type"
done < "$LAB_DNSSEC_MANIFEST"
truth --rounds 1 --json "$@" > "$tmp/manifest.json" 2> "$tmp/manifest.err"
st=$?
is "manifest names: exit 1 (the bogus ones did not resolve)" "$st" 1
check "manifest names: the output is one JSON document" \
	python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/manifest.json"
while read -r name type status; do
	case $name in ''|'#'*) continue;; esac
	got=$(field "$tmp/manifest.json" "$name" "$type" status)
	is "$name $type is $status as the manifest says" "$got" "$status"
	is "$name $type: delv agrees" "$(delv_status "$name" "$type")" "$got"
	if [ "$status" = bogus ]; then
		why=$(field "$tmp/manifest.json" "$name" "$type" why_bogus)
		check "$name $type: bogus with a reason ($why)" test -n "$why"
	fi
done < "$LAB_DNSSEC_MANIFEST"

# --- dig-like text
truth --rounds 1 www.example.net A rrsig-expired.org MX \
	> "$tmp/text.out" 2>&1
check "text: a header line with the status" \
	grep -q '^;; www\.example\.net\. A (secure) NOERROR' "$tmp/text.out"
check "text: records in presentation form" \
	grep -q '^www\.example\.net\.	[0-9]*	IN	A	' "$tmp/text.out"
check "text: bogus with libunbound's reason" \
	grep -q '^;; rrsig-expired\.org\. MX (bogus: validation failure .*[a-z].*) ' \
	"$tmp/text.out"

# --- trust anchors that do not match the lab root
# The same DS with the last hex digit of its digest changed (always to a
# different digit, so the anchor is wrong whatever the lab's key is).
sed -e 's/0$/X/' -e 's/[1-9a-fA-F]$/0/' -e 's/X$/1/' \
	"$LAB_TRUST_ANCHOR" > "$tmp/wrong.key"
check "the wrong trust anchor differs from the lab's" \
	sh -c "! cmp -s '$tmp/wrong.key' '$LAB_TRUST_ANCHOR'"
"$P" truth --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$tmp/wrong.key" \
	--truth-timeout 10 --rounds 1 --json www.example.net A posteo.de MX \
	gmail.com MX > "$tmp/wrong.json" 2> /dev/null
is "wrong trust anchor: exit 1" "$?" 1
for q in "www.example.net A" "posteo.de MX" "gmail.com MX"; do
	# shellcheck disable=SC2086
	is "wrong trust anchor: $q is bogus, not secure" \
		"$(field "$tmp/wrong.json" $q status)" bogus
done
# Without --trust-anchor the real root's keys are used: the lab root is not
# signed with them, so nothing in the lab may come out secure.
RESOLVER_PROBE_DATADIR=$LAB_SRCDIR/data "$P" truth \
	--root-hints "$LAB_ROOT_HINTS" --truth-timeout 10 --rounds 1 --json \
	www.example.net A posteo.de MX > "$tmp/default.json" 2> /dev/null
is "lab root key missing from the anchor: exit 1" "$?" 1
is "lab root key missing from the anchor: www.example.net A is bogus" \
	"$(field "$tmp/default.json" www.example.net A status)" bogus
is "lab root key missing from the anchor: posteo.de MX is bogus" \
	"$(field "$tmp/default.json" posteo.de MX status)" bogus

# --- the providers' truth
truth --providers "$LAB_PROVIDERS" --rounds 1 --json > "$tmp/prov.json" \
	2> "$tmp/prov.err"
st=$?
have_chaos=no
grep -q '^127\.0\.3\.53	' "$LAB_MANIFEST" && have_chaos=yes
if [ $have_chaos = yes ]; then
	is "providers: exit 0, every provider resolved" "$st" 0
else
	skip "providers: exit 0, every provider resolved" "no chaos responder (outlook's MX host)"
fi
is "providers: gmail.com MX" "$(field "$tmp/prov.json" gmail.com MX records)" \
"10 alt1.gmail-smtp-in.l.google.com.
20 alt2.gmail-smtp-in.l.google.com.
30 alt3.gmail-smtp-in.l.google.com.
40 alt4.gmail-smtp-in.l.google.com.
5 gmail-smtp-in.l.google.com."
is "providers: gmail MX host A resolved too" \
	"$(field "$tmp/prov.json" gmail-smtp-in.l.google.com A records)" \
	142.250.153.26
is "providers: yahoo MX host A set" \
	"$(field "$tmp/prov.json" mta5.am0.yahoodns.net A records)" \
"67.195.204.72
67.195.228.106
98.136.96.91"
is "providers: gmail.com usable" "$(provider "$tmp/prov.json" gmail.com usable)" true
is "providers: gmail.com MX is insecure (unsigned zone)" \
	"$(field "$tmp/prov.json" gmail.com MX status)" insecure
is "providers: control www.example.net A is secure" \
	"$(field "$tmp/prov.json" www.example.net A status)" secure
nx=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['nxdomain_name'])" "$tmp/prov.json")
case $nx in
rp-*.example.net.) ok "providers: a random name under the nxdomain zone ($nx)";;
*) not_ok "providers: a random name under the nxdomain zone ($nx)";;
esac
is "providers: the random name is NXDOMAIN" \
	"$(field "$tmp/prov.json" "$nx" A rcode)" NXDOMAIN

# A provider whose truth is bogus: reported, not usable, exit 1.
cat > "$tmp/bogus.providers" <<EOF
provider gmail.com
prefix 142.250.0.0/15
provider rrsig-expired.org
EOF
truth --providers "$tmp/bogus.providers" --rounds 1 --json \
	> "$tmp/bogus.json" 2> "$tmp/bogus.err"
is "bogus provider: exit 1" "$?" 1
is "bogus provider: not usable" \
	"$(provider "$tmp/bogus.json" rrsig-expired.org usable)" false
check "bogus provider: why_unusable says bogus" \
	sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([p[\"why_unusable\"] for p in d[\"providers\"]])' '$tmp/bogus.json' | grep -q 'rrsig-expired.org. MX is bogus'"
check "bogus provider: said on stderr" \
	grep -q 'provider rrsig-expired.org. unusable' "$tmp/bogus.err"
is "bogus provider: the good one stays usable" \
	"$(provider "$tmp/bogus.json" gmail.com usable)" true

# --- rotating answers: the union over rounds
if [ $have_chaos = yes ]; then
	host=outlook-com.olc.protection.outlook.com
	truth --providers "$LAB_PROVIDERS" --rounds 1 --json \
		> "$tmp/r1.json" 2> /dev/null
	truth --providers "$LAB_PROVIDERS" --rounds 5 --json \
		> "$tmp/r5.json" 2> /dev/null
	n1=$(field "$tmp/r1.json" $host A records | grep -c .)
	n5=$(field "$tmp/r5.json" $host A records | grep -c .)
	check "rotating outlook A set: 5 rounds give more addresses ($n5) than 1 ($n1)" \
		test "$n5" -gt "$n1"
	is "rotating outlook A set: answered in all 5 rounds" \
		"$(field "$tmp/r5.json" $host A rounds)" 5
else
	skip "rotating outlook A set: 5 rounds give more addresses than 1" "no chaos responder"
	skip "rotating outlook A set: answered in all 5 rounds" "no chaos responder"
fi

# --- bad input files: exit 2, the file and line named
printf 'provider gmail.com\nprefix 142.250.0.0/15\nprefix 10.0.0.300/8\n' \
	> "$tmp/bad.providers"
out=$(truth --providers "$tmp/bad.providers" 2>&1)
is "malformed providers file: exit 2" "$?" 2
case $out in
*"$tmp/bad.providers:3:"*) ok "malformed providers file: file and line 3 named";;
*) not_ok "malformed providers file: file and line 3 named"; diag "$out";;
esac
{ head -n 1 "$LAB_TRUST_ANCHOR"; echo '. IN DS 9233 13 2 0630zz'; } \
	> "$tmp/bad.key"
out=$("$P" truth --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$tmp/bad.key" \
	--providers "$LAB_PROVIDERS" 2>&1)
is "malformed trust anchor: exit 2" "$?" 2
case $out in
*"$tmp/bad.key:2:"*) ok "malformed trust anchor: file and line 2 named";;
*) not_ok "malformed trust anchor: file and line 2 named"; diag "$out";;
esac
{ cat "$LAB_ROOT_HINTS"; echo 'b.root-servers.lab. 3600000 IN A 127.53.0.300'; } \
	> "$tmp/bad.hints"
line=$(wc -l < "$tmp/bad.hints" | tr -d ' ')
out=$("$P" truth --root-hints "$tmp/bad.hints" \
	--trust-anchor "$LAB_TRUST_ANCHOR" --providers "$LAB_PROVIDERS" 2>&1)
is "malformed root hints: exit 2" "$?" 2
case $out in
*"$tmp/bad.hints:$line:"*) ok "malformed root hints: file and line $line named";;
*) not_ok "malformed root hints: file and line $line named"; diag "$out";;
esac
out=$("$P" truth --root-hints "$LAB_ROOT_HINTS" \
	--trust-anchor "$tmp/no-such.key" --providers "$LAB_PROVIDERS" 2>&1)
is "missing trust anchor file: exit 2" "$?" 2
case $out in
*"$tmp/no-such.key: No such file"*) ok "missing trust anchor file: named";;
*) not_ok "missing trust anchor file: named"; diag "$out";;
esac

# --- usage errors and no root at all
truth --rounds 0 www.example.net > /dev/null 2>&1
is "--rounds 0: exit 2" "$?" 2
truth --no-such-option > /dev/null 2>&1
is "unknown option: exit 2" "$?" 2
check "--help: exit 0 and describes --trust-anchor" \
	sh -c "'$P' truth --help | grep -q -- --trust-anchor"
printf '. NS a.root-servers.lab.\na.root-servers.lab. A 127.53.9.9\n' \
	> "$tmp/dead.hints"
out=$("$P" truth --root-hints "$tmp/dead.hints" \
	--trust-anchor "$LAB_TRUST_ANCHOR" --truth-timeout 5 --rounds 1 \
	www.example.net A 2>&1 > /dev/null)
is "no root server answers: exit 3" "$?" 3
case $out in
*"no root server in $tmp/dead.hints answered"*) ok "no root server answers: said, hints file named";;
*) not_ok "no root server answers: said, hints file named"; diag "$out";;
esac

tap_done

#!/bin/sh
# t-lab.sh: the lab checks itself (TAP).  Honest and lying resolvers give
# their labelled answers, DNSSEC status is what LAB_DNSSEC_MANIFEST says,
# nothing leaves loopback, and tests/lab/run leaves no process behind.
. "$LAB_SRCDIR/tests/lab/tap.sh"

gmail_mx='10 alt1.gmail-smtp-in.l.google.com.
20 alt2.gmail-smtp-in.l.google.com.
30 alt3.gmail-smtp-in.l.google.com.
40 alt4.gmail-smtp-in.l.google.com.
5 gmail-smtp-in.l.google.com.'
yahoo_mta5='67.195.204.72
67.195.228.106
98.136.96.91'

# --- honest resolvers
for r in $LAB_HONEST; do
	is "honest $r: gmail.com MX" "$(q "$r" gmail.com MX)" "$gmail_mx"
	is "honest $r: best gmail MX host A" \
		"$(q "$r" gmail-smtp-in.l.google.com A)" 142.250.153.26
	is "honest $r: yahoo best MX host A" \
		"$(q "$r" mta5.am0.yahoodns.net A)" "$yahoo_mta5"
	grep -q "^$r	correct	" "$LAB_MANIFEST" &&
		ok "honest $r: labelled correct" || not_ok "honest $r: labelled correct"
done
r=${LAB_HONEST%% *}
is "qq.com MX" "$(q "$r" qq.com MX)" "10 mx3.qq.com.
20 mx2.qq.com.
30 mx1.qq.com."
is "mail.ru MX" "$(q "$r" mail.ru MX)" "10 mxs.mail.ru."
is "yahoo.com MX" "$(q "$r" yahoo.com MX)" "1 mta5.am0.yahoodns.net.
1 mta6.am0.yahoodns.net.
1 mta7.am0.yahoodns.net."
is "outlook.com MX" "$(q "$r" outlook.com MX)" \
	"5 outlook-com.olc.protection.outlook.com."
is "control name www.example.net A" "$(q "$r" www.example.net A)" 93.184.215.14
check "random name under example.net is NXDOMAIN" \
	sh -c "dig @$r lab-\$\$-nonexistent.example.net A | grep -q 'status: NXDOMAIN'"
if grep -q '^127\.0\.3\.53	' "$LAB_MANIFEST"; then
	check "outlook MX host addresses come from the chaos responder, in outlook's prefixes" \
		sh -c "a=\$(dig +short @$r outlook-com.olc.protection.outlook.com A) &&
			[ -n \"\$a\" ] && ! printf '%s\n' \"\$a\" | grep -v '^52\.101\.\|^40\.93\.'"
	check "the outlook MX host's addresses rotate (authoritative, 127.0.3.53)" \
		sh -c "a=\$(dig +short +norec @127.0.3.53 outlook-com.olc.protection.outlook.com A | sort)
			b=\$(dig +short +norec @127.0.3.53 outlook-com.olc.protection.outlook.com A | sort)
			[ -n \"\$a\" ] && [ \"\$a\" != \"\$b\" ]"
else
	skip "outlook MX host addresses" "no chaos responder"
	skip "the outlook MX host's addresses rotate" "no chaos responder"
fi

# --- lying resolvers: the lie, and honest answers to everything else
liar() {
	addr=$1 class=$2 name=$3 type=$4 want=$5
	is "liar $addr ($class): $name $type" "$(q "$addr" "$name" "$type")" "$want"
	grep -q "^$addr	$class	" "$LAB_MANIFEST" &&
		ok "liar $addr: labelled $class" || not_ok "liar $addr: labelled $class"
	is "liar $addr: control name answered honestly" \
		"$(q "$addr" www.example.net A)" 93.184.215.14
}
liar 127.0.2.1 falsified gmail.com MX "5 mx.evil-mail.com."
liar 127.0.2.2 falsified gmail-smtp-in.l.google.com A 45.33.32.156
is "liar 127.0.2.2: yahoo best MX host" "$(q 127.0.2.2 mta5.am0.yahoodns.net A)" 45.33.32.156
is "liar 127.0.2.2: gmail.com MX itself is honest" "$(q 127.0.2.2 gmail.com MX)" "$gmail_mx"
liar 127.0.2.3 loopback gmail-smtp-in.l.google.com A 127.0.0.1
is "liar 127.0.2.3: yahoo best MX host" "$(q 127.0.2.3 mta5.am0.yahoodns.net A)" 127.0.0.1
liar 127.0.2.4 private gmail-smtp-in.l.google.com A 10.0.0.25
is "liar 127.0.2.4: yahoo best MX host" "$(q 127.0.2.4 mta5.am0.yahoodns.net A)" 192.168.1.25
liar 127.0.2.5 incomplete gmail.com MX "10 alt1.gmail-smtp-in.l.google.com.
5 gmail-smtp-in.l.google.com."

# --- DNSSEC, as delv (validating itself through the honest resolver) and
# the honest resolver (AD bit, SERVFAIL) see it
# delv_status ANCHORFILE NAME TYPE: secure, insecure or bogus.
delv_status() {
	out=$(delv -a "$1" +root=. @"$r" "$2" "$3" 2>&1)
	case $out in
	*"fully validated"*) echo secure;;
	*"unsigned answer"*|*"negative response, unsigned"*) echo insecure;;
	*"resolution failed"*|*"no valid"*|*"broken trust chain"*) echo bogus;;
	*) echo "unexpected: $out";;
	esac
}
# resolver_status NAME TYPE: what the honest resolver's reply says.
resolver_status() {
	out=$(dig +dnssec +time=2 +tries=2 @"$r" "$1" "$2")
	case $out in
	*"status: SERVFAIL"*) echo bogus;;
	*"flags: qr rd ra ad;"*) echo secure;;
	*"status: NOERROR"*|*"status: NXDOMAIN"*) echo insecure;;
	*) echo "unexpected: $out";;
	esac
}
n=0
while read -r name type status; do
	case $name in ''|'#'*) continue;; esac
	n=$((n + 1))
	is "delv: $name $type is $status" \
		"$(delv_status "$LAB_TRUST_ANCHOR_BIND" "$name" "$type")" "$status"
	is "honest resolver: $name $type is $status" \
		"$(resolver_status "$name" "$type")" "$status"
done < "$LAB_DNSSEC_MANIFEST"
check "the DNSSEC manifest lists secure, insecure and bogus names" \
	sh -c "grep -q 'secure\$' '$LAB_DNSSEC_MANIFEST' &&
		grep -q 'insecure\$' '$LAB_DNSSEC_MANIFEST' &&
		grep -q 'bogus\$' '$LAB_DNSSEC_MANIFEST'"
# A trust anchor that is not the lab root's key: signed names are bogus.
wrong=$(mktemp)
sed 's/"\([0-9a-f]\)\([0-9a-f]*\)";/"\2\1";/' "$LAB_TRUST_ANCHOR_BIND" > "$wrong"
check "the wrong trust anchor differs from the lab's" \
	sh -c "! cmp -s '$wrong' '$LAB_TRUST_ANCHOR_BIND'"
is "wrong trust anchor: www.example.net A is bogus" \
	"$(delv_status "$wrong" www.example.net A)" bogus
is "wrong trust anchor: posteo.de MX is bogus" \
	"$(delv_status "$wrong" posteo.de MX)" bogus
rm -f "$wrong"

# --- the system resolver (libc, dig without @) is the lab's
is "/etc/resolv.conf names the honest resolver" \
	"$(grep '^nameserver' /etc/resolv.conf)" "nameserver $r"
is "getent hosts www.example.net gives the lab's answer" \
	"$(getent hosts www.example.net | awk '{ print $1 }')" 93.184.215.14

# --- containment: only loopback is reachable
check "a query to 192.0.2.1 fails: network unreachable" \
	sh -c "dig +time=1 +tries=1 @192.0.2.1 example.com A 2>&1 | grep -q 'unreachable'"
check "no route but loopback" \
	sh -c "[ -z \"\$(ip route show | grep -v '^local\|^broadcast')\" ]"

# --- data files
check "lab blocklist is data/blocklist without 127.0.0.0/8" \
	sh -c "strip() { sed 's/#.*//; s/[[:space:]]*\$//; /^\$/d' \"\$1\"; }
		[ \"\$(strip '$LAB_SRCDIR/data/blocklist' | grep -v '^127\.0\.0\.0/8\$')\" = \"\$(strip '$LAB_BLOCKLIST')\" ]"
check "no blocklist range covers 127.0.0.0/8" \
	sh -c "! grep -q '^127\.\|^0\.0\.0\.0/0\|^64\.0\.0\.0/2\|^0\.0\.0\.0/1' '$LAB_BLOCKLIST'"
# Every address the lab's zones give a provider is inside its prefixes; the
# liars' addresses are inside none.
check "provider prefixes cover the lab's provider addresses, not the lies" \
	python3 - "$LAB_PROVIDERS" "$LAB_DIR" <<'PY'
import ipaddress, sys, os
prov, cur = {}, None
for line in open(sys.argv[1]):
    f = line.split('#')[0].split()
    if f[:1] == ['provider']:
        cur = f[1]; prov[cur] = []
    elif f[:1] == ['prefix']:
        prov[cur].append(ipaddress.ip_network(f[1]))
zones = {'gmail.com': ['google.com', 'gmail.com'], 'yahoo.com': ['yahoo.com', 'yahoodns.net'],
         'outlook.com': ['outlook.com'], 'qq.com': ['qq.com'], 'mail.ru': ['mail.ru']}
bad = []
for p, zs in zones.items():
    addrs = []
    for z in zs:
        for line in open(os.path.join(sys.argv[2], 'zones', z + '.zone')):
            f = line.split(';')[0].split()
            if len(f) >= 3 and f[-2] in ('A', 'AAAA'):
                addrs.append(f[-1])
    if p == 'outlook.com':
        for line in open(os.path.join(sys.argv[2], 'chaos.conf')):
            f = line.split('#')[0].split()
            if f[1:2] == ['authrotate']:
                addrs += [a for a in f[3:] if '=' not in a]
    for a in addrs:
        if not any(ipaddress.ip_address(a) in n for n in prov.get(p, [])):
            bad.append('%s: %s outside its prefixes' % (p, a))
for lie in ('45.33.32.156',):
    for p, nets in prov.items():
        if any(ipaddress.ip_address(lie) in n for n in nets):
            bad.append('%s inside %s' % (lie, p))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
check "providers file has control and nxdomain lines" \
	sh -c "grep -q '^control www.example.net' '$LAB_PROVIDERS' && grep -q '^nxdomain example.net' '$LAB_PROVIDERS'"
check "every target is in the manifest with a known class" \
	sh -c "classes='static falsified loopback private bitflip incomplete correct timeout refused servfail no-recursion malformed'
		[ -s '$LAB_TARGETS' ] || exit 1
		while read -r a; do
			c=\$(awk -F'	' -v a=\"\$a\" '\$1 == a { print \$2 }' '$LAB_MANIFEST')
			case \" \$classes \" in *\" \$c \"*) ;; *) echo \"\$a: class '\$c'\"; exit 1;; esac
		done < '$LAB_TARGETS'"
check "the trust anchor file is a DS of the root" \
	sh -c "grep -q '^\.[[:space:]].*DS[[:space:]]' '$LAB_TRUST_ANCHOR'"
check "root hints point at the lab root" \
	sh -c "grep -q '127\.53\.0\.1' '$LAB_ROOT_HINTS'"

# --- tests/lab/run itself, nested in this lab
# count: lab server processes visible here (this namespace and below).
count() {
	pgrep -c -x 'nsd|unbound|chaos' || true
}
before=$(count)
# Test parts: a new signed zone three labels deep (its own NSD), a record
# added to an existing zone, a registered process and cleanup command.
parts=$(mktemp -d)
marker=$parts.cleaned-up
cat > "$parts/10-test.pre" <<'PART'
#!/bin/sh
echo "partzone.example.net. example.net. signed auto" >> "$LAB_DIR/zones.list"
echo "www 3600 A 192.0.2.80" > "$LAB_DIR/zones/partzone.example.net.zone"
echo "part-added 3600 A 192.0.2.81" >> "$LAB_DIR/zones/gmail.com.zone"
PART
cat > "$parts/20-test.up" <<PART
#!/bin/sh
sleep 301.5 < /dev/null > /dev/null 2>&1 &
echo "\$! test-sleep" >> "\$LAB_PIDS"
echo "touch $marker" >> "\$LAB_CLEANUP"
PART
chmod +x "$parts/10-test.pre" "$parts/20-test.up"
inner=$(LAB_PARTS_DIR=$parts "$LAB_SRCDIR/tests/lab/run" sh -c '
	echo "$LAB_DIR $(pgrep -c -x "nsd|unbound") $(pgrep -c -f "^sleep 301\.5\$")"
	dig +short @127.0.1.1 www.partzone.example.net A
	dig +short @127.0.1.1 part-added.gmail.com A
	delv -a "$LAB_TRUST_ANCHOR_BIND" @127.0.1.1 www.partzone.example.net A 2>&1 |
		grep -c "fully validated"
	dig +short +norec @127.53.0.4 www.partzone.example.net A' 2> /dev/null)
st=$?
is "nested run: exit status 0" "$st" 0
set -- $inner
check "nested run: servers were running inside" test "${2:-0}" -gt 0
is "nested run: the part's process was running" "${3:-}" 1
is "nested run: a part's zone resolves" "${4:-}" 192.0.2.80
is "nested run: a part's record in an existing zone resolves" "${5:-}" 192.0.2.81
is "nested run: a part's signed zone validates" "${6:-}" 1
is "nested run: a zone of three labels is served from 127.53.0.4" "${7:-}" 192.0.2.80
check "nested run: LAB_DIR removed" test -n "$1" -a ! -e "$1"
check "nested run: the part's cleanup command ran" test -e "$marker"
check "nested run: the part's process is gone" sh -c "! pgrep -f '^sleep 301\.5\$'"
is "nested run: no server left afterwards" "$(count)" "$before"
rm -f "$parts"/* "$marker"
LAB_PARTS_DIR= "$LAB_SRCDIR/tests/lab/run" sh -c 'exit 7' 2> /dev/null
is "nested run: passes on the command's exit status" "$?" 7
LAB_PARTS_DIR= "$LAB_SRCDIR/tests/lab/run" false 2> /dev/null
is "nested run: a failing command fails" "$?" 1
printf '#!/bin/sh\nexit 3\n' > "$parts/10-fail.pre"
chmod +x "$parts/10-fail.pre"
LAB_PARTS_DIR=$parts "$LAB_SRCDIR/tests/lab/run" true 2> /dev/null
is "nested run: a failing part stops the lab (125)" "$?" 125
rm -f "$parts/10-fail.pre"
printf '#!/bin/sh\necho "x.nowhere.test. nowhere.test. signed auto" >> "$LAB_DIR/zones.list"\n: > "$LAB_DIR/zones/x.nowhere.test.zone"\n' \
	> "$parts/10-orphan.pre"
chmod +x "$parts/10-orphan.pre"
out=$(LAB_PARTS_DIR=$parts "$LAB_SRCDIR/tests/lab/run" true 2>&1)
is "nested run: a zone whose parent is not listed stops the lab (125)" "$?" 125
case $out in
*"x.nowhere.test.: parent nowhere.test. is not listed"*)
	ok "nested run: ... and the message names the zone";;
*)
	not_ok "nested run: ... and the message names the zone"
	diag "$out";;
esac
rm -f "$parts/10-orphan.pre"
rmdir "$parts"
is "nested run: nothing left after a failed start" "$(count)" "$before"
# TERM while the command runs: teardown, status 143, nothing left.
flag=$(mktemp -u)
LAB_PARTS_DIR= "$LAB_SRCDIR/tests/lab/run" sh -c "touch $flag; sleep 60.5" 2> /dev/null &
pid=$!
i=0
# Bounded with room: a lab start took 45 s under a load of 20 on 2 CPUs.
while [ ! -e "$flag" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
check "nested run: up" test -e "$flag"
kill -TERM $pid
wait $pid
is "nested run: TERM gives status 143" "$?" 143
rm -f "$flag"
is "nested run: no server left after TERM" "$(count)" "$before"
check "nested run: the command is gone after TERM" sh -c "! pgrep -f '^sleep 60\.5\$'"

tap_done

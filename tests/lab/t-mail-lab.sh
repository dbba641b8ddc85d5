#!/bin/sh
# t-mail-lab.sh: the mail lab (tests/lab/parts/60-mail.*) checked with
# independent tools: dig and delv (records resolve, DNSSEC secure), curl
# (the MTA-STS policy server), openssl s_client (the STARTTLS servers),
# pyspf (SPF) and Mail::DMARC (DMARC).  What they observe must be
# LAB_MAIL_MANIFEST line for line: the facts resolver-probe mail is held
# to.  Also the MTA-STS id switch, and nothing listening off 127.0.5.0/24.
. "$LAB_SRCDIR/tests/lab/tap.sh"
if [ -f "$LAB_DIR/mail-skip" ]; then
	echo "1..0 # SKIP $(cat "$LAB_DIR/mail-skip")"
	exit 0
fi
if [ -z "$LAB_MAIL_MANIFEST" ] || [ ! -f "$LAB_MAIL_MANIFEST" ]; then
	echo "1..0 # SKIP no mail lab (tests/lab/parts/60-mail.pre did not run)"
	exit 0
fi
M=$LAB_DIR/mail
OUT=$LAB_DIR/mail-lab-out
mkdir -p "$OUT"
r=${LAB_HONEST%% *}
OBS=$OUT/observed
: > "$OBS"
# Debian's python3 (python3-spf); a python3 earlier in PATH may lack it.
PY=/usr/bin/python3

# --- DNS, through the honest (validating) resolver, in two dig runs.
# dns_batch: "NAME TYPE" lines on stdin; appends "NAME TYPE STATUS AD
# RDATA" per answer record (RDATA "-" when there is none; AD "ad" when the
# resolver validated the answer, also a proof that a name does not exist)
# to $OUT/dns.
dns_batch() {
	cat > "$OUT/dns.q"
	dig +dnssec +noall +comments +question +answer +time=2 +tries=2 \
		@"$r" -f "$OUT/dns.q" | awk '
		function flush() { if (q != "" && !n) print q, t, st, ad, "-"; q = "" }
		/^;; ->>HEADER<<-/ { flush(); st = $6; sub(/,$/, "", st); n = 0 }
		/^;; flags:/ { ad = ($0 ~ /flags:[^;]* ad[ ;]/) ? "ad" : "-" }
		/^;[^;]/ && NF == 3 { q = substr($1, 2); t = $3 }
		/^[^;]/ && NF >= 5 && $1 == q && $4 == t {
			n++; rd = $5; for (i = 6; i <= NF; i++) rd = rd " " $i
			print q, t, st, ad, rd }
		END { flush() }' >> "$OUT/dns"
}
# ans NAME TYPE: the answer's RDATA, one a line, sorted ("-": none).
ans() {
	awk -v n="$1." -v t="$2" '$1 == n && $2 == t {
		$1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' "$OUT/dns" | sort
}
# txt NAME: the TXT records' text (strings joined), or "none".
txt() {
	v=$(ans "$1" TXT | sed 's/^"//; s/"$//; s/" "//g')
	[ "$v" != - ] && [ -n "$v" ] || v=none
	printf '%s\n' "$v"
}
: > "$OUT/dns"
while read -r dom; do
	for q in "$dom MX" "$dom TXT" "_dmarc.$dom TXT" "_smtp._tls.$dom TXT" \
	    "_mta-sts.$dom TXT" "mta-sts.$dom A"; do
		echo "$q"
	done
done < "$LAB_MAIL_DOMAINS" | dns_batch
while read -r dom; do
	mx=$(ans "$dom" MX | awk '{ print $2 }')
	printf '%s A\n_25._tcp.%s TLSA\n' "$mx" "$mx"
done < "$LAB_MAIL_DOMAINS" | dns_batch
# (Sorted: a resolver may rotate the records of an RRset.)
sort "$OUT/dns" > "$OUT/dns.sorted"
# Per domain: its MX host and address; "secure" when every record the
# mail checks read came with AD; the TLS-RPT and _mta-sts TXT records.
awk -v doms="$LAB_MAIL_DOMAINS" '
	{ n = substr($1, 1, length($1) - 1); rd = $5; for (i = 6; i <= NF; i++) rd = rd " " $i
	  k = n " " $2
	  if (k in v) v[k] = v[k] "\n" rd; else v[k] = rd
	  if ($4 != "ad") bad[n] = n " " $2 }
	function text(s) { gsub(/^"|"$/, "", s); gsub(/"\n"/, "\n", s); gsub(/" "/, "", s); return s }
	function insecure(n) { return (n in bad) ? bad[n] : "" }
	END {
		while ((getline d < doms) > 0) {
			split(v[d " MX"], f, " "); mx = f[2]; sub(/\.$/, "", mx)
			print d, "mx", mx, v[mx " A"]
			why = ""
			split(d " _dmarc." d " _smtp._tls." d " _mta-sts." d " mta-sts." d " " mx " _25._tcp." mx, names, " ")
			for (i in names) if (insecure(names[i]) != "") why = insecure(names[i])
			print d, "dnssec", why == "" ? "secure" : "insecure (" why ")"
			t = v["_smtp._tls." d " TXT"]
			print d, "tlsrpt", t == "-" ? "none" : text(t)
			t = v["_mta-sts." d " TXT"]
			if (t == "-") print d, "sts-txt none"
			else { t = text(t); m = split(t, l, "\n"); for (i = 1; i <= m; i++) print d, "sts-txt", l[i] }
		}
	}' < "$OUT/dns.sorted" >> "$OBS"
is "delv: valid.email MX fully validated from the lab root" \
	"$(delv -a "$LAB_TRUST_ANCHOR_BIND" +root=. @"$r" valid.email MX 2>&1 | grep -c 'fully validated')" 1
is "delv: a name that does not exist in email is proven so" \
	"$(delv -a "$LAB_TRUST_ANCHOR_BIND" +root=. @"$r" nx1.spf-void.email A 2>&1 | grep -c 'negative response, fully validated')" 1

# --- MTA-STS policies: curl with the lab CA as its only trust, every
# policy in one run.
# policies DOMAIN...: "DOMAIN http=CODE type=TYPE" and the policy's fields
# (200), or "DOMAIN curl-error=MESSAGE", a line each.
policies() {
	: > "$OUT/curl.cfg"
	for d in "$@"; do
		printf 'url = "https://mta-sts.%s/.well-known/mta-sts.txt"\noutput = "%s"\n' \
			"$d" "$OUT/$d.policy" >> "$OUT/curl.cfg"
		rm -f "$OUT/$d.policy"
	done
	curl -sS --max-time 10 --cacert "$LAB_CA_FILE" -K "$OUT/curl.cfg" \
		-w '%{url_effective}|%{exitcode}|%{http_code}|%{content_type}|%{errormsg}\n' \
		2> /dev/null |
	while IFS='|' read -r url code http type err; do
		d=${url#https://mta-sts.}
		d=${d%%/*}
		if [ "$code" != 0 ]; then
			echo "$d curl-error=$err"
		elif [ "$http" = 200 ]; then
			echo "$d http=200 type=$type $(tr -d '\r' < "$OUT/$d.policy" |
				sed 's/: */=/' | tr '\n' ' ' | sed 's/ $//')"
		else
			echo "$d http=$http"
		fi
	done
}
# shellcheck disable=SC2046
policies $(awk '$2 == "A" && $1 ~ /^mta-sts\./ && $5 != "-" {
	sub(/^mta-sts\./, "", $1); sub(/\.$/, "", $1); print $1 }' "$OUT/dns") |
	sed 's/^\([^ ]*\) /\1 sts-policy /' > "$OUT/policies"
awk 'FNR == NR { p[$1] = $0; next }
	{ print ($1 in p) ? p[$1] : $1 " sts-policy none" }' \
	"$OUT/policies" "$LAB_MAIL_DOMAINS" >> "$OBS"

# --- STARTTLS: per server, the TLS versions it accepts (each offered
# alone, at OpenSSL's security level 0 so that old versions are possible),
# the key exchange and certificate; per domain, the certificate verified
# against the lab CA for the MX host's name.
# s_client ADDR ARGS...: openssl s_client -starttls smtp to ADDR:25.
s_client() {
	a=$1; shift
	timeout 20 openssl s_client -starttls smtp -connect "$a:25" "$@" < /dev/null 2>&1
}
for a in $LAB_MAIL_MX; do
	vers=
	for v in tls1 tls1_1 tls1_2 tls1_3; do
		if s_client "$a" -$v -cipher DEFAULT@SECLEVEL=0 | grep -q '^New, TLSv'; then
			vers="$vers${vers:+,}$v"
		fi
	done
	s_client "$a" -cipher DEFAULT@SECLEVEL=0 -CAfile "$LAB_CA_FILE" > "$OUT/$a.tls"
	kex=$(sed -n 's/^Server Temp Key: \([^,]*\), \([0-9]*\) bits.*/\1-\2/p' "$OUT/$a.tls")
	echo "$a $vers ${kex:-none}" >> "$OUT/servers"
done
# What each server is for, as s_client says it.
tls() { sed -n "s/^$2//p" "$OUT/$1.tls" | head -n 1; }
is "127.0.5.11 accepts TLS 1.0 only" "$(awk '$1 == "127.0.5.11" { print $2 }' "$OUT/servers")" tls1
is "127.0.5.12: DHE with the 1024-bit group" "$(tls 127.0.5.12 'Server Temp Key: ')" "DH, 1024 bits"
is "127.0.5.12: a DHE suite" "$(tls 127.0.5.12 'New, TLSv1.2, Cipher is ')" DHE-RSA-AES256-GCM-SHA384
is "127.0.5.13: certificate expired" "$(tls 127.0.5.13 'Verify return code: ')" "10 (certificate has expired)"
is "127.0.5.14: self-signed" "$(tls 127.0.5.14 'Verify return code: ')" "18 (self-signed certificate)"
is "127.0.5.10: the lab CA's chain verifies" "$(tls 127.0.5.10 'Verify return code: ')" "0 (ok)"

# The certificate for each domain's MX host name, verified against the lab
# CA by Python's smtplib and ssl (one process for all domains).
$PY - "$OBS" "$LAB_CA_FILE" > "$OUT/verify" 2>&1 <<'PY'
import smtplib, ssl, sys
for line in open(sys.argv[1]):
    f = line.split()
    if f[1] != 'mx':
        continue
    dom, host, addr = f[0], f[2], f[3]
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    ctx.set_ciphers('DEFAULT:@SECLEVEL=0')
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        s = smtplib.SMTP(addr, 25, local_hostname='client.lab', timeout=20)
        s._host = host
        s.starttls(context=ctx)
        s.quit()
        v = 'ok'
    except ssl.SSLCertVerificationError as e:
        v = '%d:%s' % (e.verify_code, e.verify_message)
    except Exception as e:
        v = 'error:%s' % e
    print(dom, v)
PY
awk -v obs="$OBS" -v ver="$OUT/verify" '
	BEGIN {
		while ((getline l < obs) > 0) { split(l, f, " "); if (f[2] == "mx") addr[f[1]] = f[4] }
		while ((getline l < ver) > 0) { d = l; sub(/ .*/, "", d); sub(/^[^ ]* /, "", l); v[d] = l }
	}
	FNR == NR { srv[$1] = "versions=" $2 " kex=" $3; next }
	{ a = addr[$1]; print $1, "starttls", a, srv[a], "verify=" (($1 in v) ? v[$1] : "none") }' \
	"$OUT/servers" "$LAB_MAIL_DOMAINS" >> "$OBS"

# --- SPF (pyspf), as a receiver sees a message from the domain's MX host
# and from 192.0.2.1 (no domain authorizes it).
if $PY -c 'import spf' 2> /dev/null; then
	$PY - "$OBS" > "$OUT/spf" 2>&1 <<'PY'
import sys, spf
mx = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[1] == 'mx':
        mx[f[0]] = f[3]
for dom in mx:
    res = []
    for name, ip in (('mx', mx[dom]), ('other', '192.0.2.1')):
        q = spf.query(i=ip, s='postmaster@' + dom, h=dom, querytime=10)
        r, code, expl = q.check()
        res.append('%s=%s' % (name, r))
    why = ''
    if r in ('permerror', 'temperror'):
        why = ' why=' + expl.split(': ', 1)[-1]
    print('%s spf %s lookups=%d voids=%d%s' % (dom, ' '.join(res), q.lookups, q.void_lookups, why))
PY
	cat "$OUT/spf" >> "$OBS"
else
	skip "SPF facts" "pyspf (python3-spf) is not installed"
fi

# --- DMARC (Mail::DMARC, the Public Suffix List of the publicsuffix
# package): the policy that applies and where it was found; for a record
# that does not parse, the parser's reason.
if perl -MMail::DMARC::PurePerl -e 1 2> /dev/null; then
	perl - "$LAB_MAIL_DOMAINS" > "$OUT/dmarc" 2>&1 <<'PL'
use strict; use warnings;
use Mail::DMARC::PurePerl;
use Mail::DMARC::Policy;
open(my $f, '<', $ARGV[0]) or die "$ARGV[0]: $!";
while (my $d = <$f>) {
	chomp $d;
	my $dmarc = Mail::DMARC::PurePerl->new;
	$dmarc->header_from($d);
	my $p = $dmarc->discover_policy();
	if ($p) {
		printf "%s dmarc at=%s p=%s sp=%s pct=%s rua=%s\n", $d,
			map { defined $_ ? $_ : '-' } $p->domain, $p->p, $p->sp, $p->pct, $p->rua;
		next;
	}
	my ($found, $at) = $dmarc->fetch_dmarc_record($d);
	my ($rec) = @{$found || []};
	if (!$rec) { print "$d dmarc none\n"; next; }
	eval { Mail::DMARC::Policy->new($rec) };
	(my $why = $@ || 'not applied') =~ s/ at .*//s;
	print "$d dmarc invalid at=$at why=$why\n";
}
PL
	cat "$OUT/dmarc" >> "$OBS"
else
	skip "DMARC facts" "Mail::DMARC (libmail-dmarc-perl) is not installed"
fi

# --- observed against the manifest, per domain and check (the lines of
# a check in the order of the manifest; the observed sorted alike)
grep -v '^#' "$LAB_MAIL_MANIFEST" | grep . > "$OUT/manifest"
awk -v obs="$OBS" '
	BEGIN { while ((getline l < obs) > 0) { split(l, f, " "); k = f[1] " " f[2]
		if (k in got) got[k] = got[k] "\\n" l; else got[k] = l
		if (!(k in seen)) { seen[k] = 1; order[++n] = k } } }
	{ k = $1 " " $2
	  if (k in want) want[k] = want[k] "\\n" $0; else want[k] = $0
	  if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
	END { for (i = 1; i <= n; i++) { k = order[i]
		printf "%s\t%s\t%s\n", k, (k in got) ? got[k] : "(nothing)", (k in want) ? want[k] : "(not in the manifest)" } }' \
	"$OUT/manifest" > "$OUT/compare"
while IFS='	' read -r k got want; do
	is "$k" "$got" "$want"
done < "$OUT/compare"
# --- the id switch: new id in DNS (signed), new policy; then back.
old=$(dig +short @"$r" _mta-sts.sts-idchange.email TXT)
check "id switch to 20261207T000000" "$LAB_MAIL_STS_SWITCH" 20261207T000000
is "id switch: the resolver sees the new id" \
	"$(dig +short @"$r" _mta-sts.sts-idchange.email TXT)" '"v=STSv1; id=20261207T000000;"'
is "id switch: the new record is secure" \
	"$(delv -a "$LAB_TRUST_ANCHOR_BIND" +root=. @"$r" _mta-sts.sts-idchange.email TXT 2>&1 | grep -c 'fully validated')" 1
is "id switch: the new policy is served" "$(policies sts-idchange.email)" \
	"sts-idchange.email http=200 type=text/plain version=STSv1 mode=enforce mx=mx.sts-idchange.email max_age=86400"
check "id switch back to 20261206T000000" "$LAB_MAIL_STS_SWITCH" 20261206T000000 "$M/sts-idchange-1.txt"
is "id switch back: the old id" "$(dig +short @"$r" _mta-sts.sts-idchange.email TXT)" "$old"
is "id switch back: the old policy" "$(policies sts-idchange.email)" \
	"sts-idchange.email http=200 type=text/plain version=STSv1 mode=enforce mx=mx.sts-idchange.email max_age=604800"
check_fails "id switch: a bad id is refused" "$LAB_MAIL_STS_SWITCH" "bad id"

# --- containment: the mail servers listen on their lab addresses only.
is "listeners of the mail lab" \
	"$(ss -Hltn | awk '{ print $4 }' | grep '^127\.0\.5\.' | sort -V | tr '\n' ' ')" \
	"127.0.5.1:443 127.0.5.10:25 127.0.5.11:25 127.0.5.12:25 127.0.5.13:25 127.0.5.14:25 127.0.5.15:25 "
check "nginx and Postfix log in the lab, not in /var/log" \
	test -s "$LAB_DIR/log/nginx-access.log" -a -s "$LAB_DIR/log/postfix-mail.log"

# --- a lab of its own with only the mail parts (and so its own CA): its
# servers run inside, and nothing is left after it: no process, no Postfix
# queue folder.
count() { pgrep -c -x 'nginx|master' || true; }
before=$(count)
parts=$(mktemp -d)
cp "$LAB_SRCDIR"/tests/lab/parts/60-mail.* "$parts/"
inner=$(LAB_PARTS_DIR=$parts "$LAB_SRCDIR/tests/lab/run" sh -c '
	echo "$(pgrep -c -x nginx) $(pgrep -c -x master)"
	openssl x509 -in "$LAB_CA_FILE" -noout -subject
	curl -sS --cacert "$LAB_CA_FILE" -o /dev/null -w "%{http_code}\n" \
		https://mta-sts.valid.email/.well-known/mta-sts.txt
	openssl s_client -starttls smtp -connect 127.0.5.10:25 -CAfile "$LAB_CA_FILE" \
		-verify_hostname mx.valid.email < /dev/null 2>&1 | grep "^Verify return code"
	sed -n "s/^rm -rf .\(\/tmp\/lab-postfix\.[A-Za-z0-9]*\).*/\1/p" "$LAB_CLEANUP"' 2>&1)
is "mail parts alone: exit 0" "$?" 0
queue=$(printf '%s\n' "$inner" | sed -n '$p')
is "mail parts alone: nginx (master and worker) and the Postfix master ran; own CA; they serve" \
	"$(printf '%s\n' "$inner" | sed '$d')" "2 1
subject=CN = Lab Mail CA
200
Verify return code: 0 (ok)"
is "mail parts alone: no nginx or Postfix master left" "$(count)" "$before"
check "mail parts alone: its Postfix queue folder ($queue) removed" \
	test -n "$queue" -a ! -e "$queue"
rm -r "$parts"
tap_done

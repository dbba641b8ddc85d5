#!/bin/sh
# t-mail-hostile.sh: resolver-probe mail against the hostile mail lab
# (tests/lab/parts/65-hostile-mail.*, tests/lab/hostile-mail): SMTP
# servers that tarpit, refuse every session after the first, send endless
# banners, answer STARTTLS with 454 or send a megabyte of EHLO; MTA-STS
# servers that stream, trickle, redirect or send garbage; records with a
# NUL byte, bidi text, 40 policy patterns, a null MX, an MX naming an
# alias, a CNAME loop.  Each domain alone: its verdict, code and exit
# status exactly, every check's verdict, and a bounded time; then all of
# them in one survey, each with the verdict it got alone.
. "$LAB_SRCDIR/tests/lab/tap.sh"
RP=$LAB_BUILDDIR/resolver-probe/resolver-probe
if [ -f "$LAB_DIR/mail-skip" ]; then
	echo "1..0 # SKIP $(cat "$LAB_DIR/mail-skip")"
	exit 0
fi
if [ -z "$LAB_HOSTILE_MAIL_DOMAINS" ] || [ -z "$LAB_HOSTILE_MAIL_PID" ]; then
	echo "1..0 # SKIP no hostile mail lab (tests/lab/parts/65-hostile-mail.*)"
	exit 0
fi
OUT=$LAB_DIR/mail-hostile-out
mkdir -p "$OUT"
PY=/usr/bin/python3
# Each SMTP session and HTTPS fetch: 5 s.  A hostile server that hangs
# costs that much; a sound one answers in milliseconds, even loaded.
TO=5
mail() { lab_mail "$@"; }
# The refuse server's next session is a sound one again: signal it and
# wait until it says so in its log.
refuse_reset() {
	n=$(grep -c SIGUSR1 "$LAB_DIR/log/hostile-mail.log")
	kill -USR1 "$LAB_HOSTILE_MAIL_PID"
	i=0
	while [ "$(grep -c SIGUSR1 "$LAB_DIR/log/hostile-mail.log")" -le "$n" ] &&
	    [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# DOMAIN (under hostile.email) OVERALL CODE EXIT, then every check that
# does not pass as CHECK=VERDICT:CODE.  No TLSA anywhere: DANE is none,
# and MTA-STS is what protects transport.
cat > "$OUT/expect" <<'END'
tarpit	incomplete	starttls-no-ehlo-reply	3	dane=none:dane-insecure starttls=error:starttls-no-ehlo-reply
refuse	protected	ok	0	dane=none:dane-insecure
endless	incomplete	starttls-no-greeting	3	dane=none:dane-insecure starttls=error:starttls-no-greeting
tls454	broken	starttls-refused	1	dane=none:dane-insecure starttls=fail:starttls-refused
bigehlo	protected	ok	0	dane=none:dane-insecure
sts-stream	broken	mtasts-policy-too-big	1	dane=none:dane-insecure mta_sts=fail:mtasts-policy-too-big
sts-trickle	broken	mtasts-fetch-failed	1	dane=none:dane-insecure mta_sts=fail:mtasts-fetch-failed
sts-redirect	broken	mtasts-http-status	1	dane=none:dane-insecure mta_sts=fail:mtasts-http-status
sts-garbage	broken	mtasts-fetch-failed	1	dane=none:dane-insecure mta_sts=fail:mtasts-fetch-failed
sts-40	protected	ok	0	dane=none:dane-insecure
nul-spf	broken	spf-syntax	1	dane=none:dane-insecure spf=fail:spf-syntax
bidi-dmarc	weak	dmarc-p-none	1	dane=none:dane-insecure dmarc=warn:dmarc-p-none
null-mx	no-mail	no-mail	0	dane=none:no-mail mta_sts=none:mtasts-missing starttls=none:no-mail
mx-cname	weak	mx-cname	1	dane=none:dane-insecure starttls=warn:mx-cname
cname-loop	incomplete	dns-error	3	dane=error:dns-error starttls=error:starttls-no-mx
END

# --- each domain alone, JSON and text.
: > "$OUT/alone.jsonl"
: > "$OUT/alone.status"
while IFS='	' read -r c overall code st rest; do
	d=$c.hostile.email
	[ "$c" != refuse ] || refuse_reset
	t0=$(now_ms)
	mail --json "$d" >> "$OUT/alone.jsonl" 2> "$OUT/$c.err"
	got=$?
	t1=$(now_ms)
	echo "$c $got $((t1 - t0))" >> "$OUT/alone.status"
	is "$c: exit $st" "$got" "$st"
	if grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$OUT/$c.err"; then
		not_ok "$c: sanitizer report"; diag "$(cat "$OUT/$c.err")"
	fi
	# Bounded: one session or fetch that hangs costs TO; six sessions
	# in turn at most, plus DNS (its retries end within seconds).
	if [ $((t1 - t0)) -le $((6 * TO * 1000 + 15000)) ]; then
		ok "$c: done in $((t1 - t0)) ms"
	else
		not_ok "$c: took $((t1 - t0)) ms"
	fi
done < "$OUT/expect"

# verdicts FILE LABEL: every domain of the table once in FILE, with its
# verdict, code and every check's verdict and code.
cat > "$OUT/verdicts.py" <<'END'
import json, sys
ok_codes = {"dnssec": "dnssec-secure", "dane": "dane-valid",
	"mta_sts": "mtasts-ok", "tls_rpt": "tlsrpt-ok", "spf": "spf-ok",
	"dmarc": "dmarc-ok", "starttls": "starttls-ok"}
got = {}
for line in open(sys.argv[2]):
	d = json.loads(line)
	got.setdefault(d["domain"], []).append(d)
for line in open(sys.argv[1]):
	c, overall, code, st, rest = line.rstrip("\n").split("\t")
	dom = c + ".hostile.email"
	want = {k: "pass:" + v for k, v in ok_codes.items()}
	for item in rest.split():
		k, v = item.split("=", 1)
		want[k] = v
	res = got.get(dom, [])
	if len(res) != 1:
		print("not ok - %s %s: %d results" % (sys.argv[3], dom, len(res)))
		continue
	r = res[0]
	have = {k: "%s:%s" % (v["verdict"], v["code"]) for k, v in r["checks"].items()}
	good = r["verdict"] == overall and r["code"] == code and have == want
	print("%s - %s %s: %s %s" % ("ok" if good else "not ok", sys.argv[3], dom,
		overall, code))
	if not good:
		print("# got %s %s %s" % (r["verdict"], r["code"], have))
END
verdicts() {
	"$PY" "$OUT/verdicts.py" "$OUT/expect" "$1" "$2" > "$OUT/verdicts.tap"
	tap_relay "$OUT/verdicts.tap"
}
verdicts "$OUT/alone.jsonl" alone

# The facts behind some verdicts.
pyck "refuse: the first session's TLS 1.3 kept; versions it refused later unknown, not \"not accepted\"" \
	"$OUT/alone.jsonl" 'all(a["tls"].startswith("TLSv1.3") and a["versions"]["TLSv1.2"] is None and a["versions"]["TLSv1.3"] is True and any(f["code"] == "starttls-versions-unknown" for f in d["checks"]["starttls"]["findings"]) for d in A if d["domain"] == "refuse.hostile.email" for a in d["checks"]["starttls"]["addresses"])'
pyck "bigehlo: STARTTLS found at the end of a 1 MB EHLO reply, handshake done" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "bigehlo.hostile.email" and all(a["starttls"] and a["handshake"] for a in d["checks"]["starttls"]["addresses"]) for d in A)'
pyck "tarpit: connected and greeted, EHLO never answered" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "tarpit.hostile.email" and all(a["connected"] and a["greeted"] and not a["ehlo_answered"] for a in d["checks"]["starttls"]["addresses"]) for d in A)'
pyck "sts-redirect: the 301 not followed, and said so" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "sts-redirect.hostile.email" and "301" in d["checks"]["mta_sts"]["detail"] and "RFC 8461" in d["checks"]["mta_sts"]["detail"] for d in A)'
pyck "nul-spf: the NUL shown escaped, the record not cut at it" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "nul-spf.hostile.email" and "\\x00 +all" in d["checks"]["spf"]["detail"] for d in A)'
pyck "mx-cname: the alias and its target named" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "mx-cname.hostile.email" and "target.hostile.email" in d["checks"]["starttls"]["detail"] for d in A)'
pyck "cname-loop: the failed lookup is an error, never insecure" \
	"$OUT/alone.jsonl" 'any(d["domain"] == "cname-loop.hostile.email" and "SERVFAIL" in d["checks"]["dane"]["detail"] and "insecure" not in d["checks"]["dnssec"]["detail"] for d in A)'

# bidi-dmarc in text: U+202E never reaches the terminal raw.
mail --text bidi-dmarc.hostile.email > "$OUT/bidi.txt" 2>&1
if grep -q "$(printf '\342\200\256')" "$OUT/bidi.txt"; then
	not_ok "bidi-dmarc: U+202E printed raw"
else
	ok "bidi-dmarc: no raw U+202E in the text"
fi
has "bidi-dmarc: U+202E shown escaped" "$(cat "$OUT/bidi.txt")" 'x=\\xe2\\x80\\xaetcejer=p'
mail --text null-mx.hostile.email > "$OUT/null-mx.txt" 2>&1
has "null-mx: the text says no-mail" "$(cat "$OUT/null-mx.txt")" '^null-mx.hostile.email no-mail: '

# --- all of them in one survey: each with the verdict it got alone.
refuse_reset
sed 's/	.*//; s/$/.hostile.email/' "$OUT/expect" > "$OUT/domains"
mail -c 16 -f "$OUT/domains" -o "$OUT/survey.jsonl" 2> "$OUT/survey.err"
is "survey: exit 3 (some domains could not be checked)" "$?" 3
verdicts "$OUT/survey.jsonl" survey
tap_done

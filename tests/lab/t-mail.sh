#!/bin/sh
# t-mail.sh: resolver-probe mail against the mail lab (tests/lab/parts/
# 60-mail.*): one survey of every lab domain, each domain's overall
# verdict and every check's verdict and code exactly as tabled below, the
# facts the independent tools observed (LAB_MAIL_MANIFEST: pyspf,
# Mail::DMARC, dig, curl, openssl s_client, Python's ssl) agreeing with
# our evidence, the text layout and exit statuses, -f's bad lines,
# --resume, --previous across an MTA-STS id switch, report on the survey,
# and hostile SMTP servers of the DANE lab ending in time.
. "$LAB_SRCDIR/tests/lab/tap.sh"
RP=$LAB_BUILDDIR/resolver-probe/resolver-probe
if [ -f "$LAB_DIR/mail-skip" ]; then
	echo "1..0 # SKIP $(cat "$LAB_DIR/mail-skip")"
	exit 0
fi
if [ -z "$LAB_MAIL_MANIFEST" ] || [ ! -f "$LAB_MAIL_MANIFEST" ]; then
	echo "1..0 # SKIP no mail lab (tests/lab/parts/60-mail.pre did not run)"
	exit 0
fi
OUT=$LAB_DIR/mail-out
mkdir -p "$OUT"
PY=/usr/bin/python3
# Generous: a loaded machine makes Postfix slow to answer; no mail lab
# server hangs, so a long timeout costs nothing when all is well.
TO=20
mail() { lab_mail "$@"; }
sanitizer_clean() {
	if grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$2"; then
		not_ok "$1: sanitizer report"
		diag "$(cat "$2")"
	fi
}

# What each domain must get: DOMAIN OVERALL CODE, then every check that
# does not pass as CHECK=VERDICT:CODE ("-": all seven pass, each with its
# ok code: dnssec-secure dane-valid mtasts-ok tlsrpt-ok spf-ok dmarc-ok
# starttls-ok).
cat > "$OUT/expect" <<'END'
valid.email	protected	ok	-
spf-toomany.email	broken	spf-too-many-lookups	spf=fail:spf-too-many-lookups
spf-ten.email	protected	ok	-
spf-void.email	broken	spf-too-many-void-lookups	spf=fail:spf-too-many-void-lookups
spf-void-two.email	protected	ok	-
spf-syntax.email	broken	spf-syntax	spf=fail:spf-syntax
spf-plusall.email	broken	spf-plus-all	spf=fail:spf-plus-all
spf-ptr.email	weak	spf-ptr	spf=warn:spf-ptr
spf-multiple.email	broken	spf-multiple	spf=fail:spf-multiple
spf-redirect.email	protected	ok	-
spf-missing.email	broken	spf-missing	spf=fail:spf-missing
dmarc-none.email	weak	dmarc-p-none	dmarc=warn:dmarc-p-none
dmarc-pct.email	weak	dmarc-pct	dmarc=warn:dmarc-pct
mail.sub.dmarc-org.email	protected	ok	-
dmarc-missing.email	broken	dmarc-missing	dmarc=fail:dmarc-missing
dmarc-syntax.email	broken	dmarc-syntax	dmarc=fail:dmarc-syntax
tlsrpt-syntax.email	broken	tlsrpt-syntax	tls_rpt=fail:tlsrpt-syntax
tlsrpt-missing.email	weak	tlsrpt-missing	tls_rpt=none:tlsrpt-missing
sts-testing.email	weak	mtasts-testing	mta_sts=warn:mtasts-testing
sts-wildcard.email	protected	ok	-
sts-mxmismatch.email	broken	mtasts-mx-mismatch	mta_sts=fail:mtasts-mx-mismatch
sts-syntax.email	broken	mtasts-policy-syntax	mta_sts=fail:mtasts-policy-syntax
sts-maxage.email	broken	mtasts-policy-syntax	mta_sts=fail:mtasts-policy-syntax
sts-404.email	broken	mtasts-http-status	mta_sts=fail:mtasts-http-status
sts-ctype.email	broken	mtasts-content-type	mta_sts=fail:mtasts-content-type
sts-untrusted.email	broken	mtasts-certificate	mta_sts=fail:mtasts-certificate
sts-wrongname.email	broken	mtasts-certificate	mta_sts=fail:mtasts-certificate
sts-twoids.email	broken	mtasts-multiple	mta_sts=fail:mtasts-multiple
sts-idchange.email	protected	ok	-
sts-missing.email	protected	ok	mta_sts=none:mtasts-missing
tls10.email	broken	dane-fail	dane=fail:dane-fail starttls=fail:starttls-old-versions-only
dh1024.email	broken	dane-fail	dane=fail:dane-fail starttls=warn:starttls-weak-dh
expired-cert.email	broken	mtasts-mx-certificate	mta_sts=fail:mtasts-mx-certificate starttls=fail:starttls-cert-expired
self-signed.email	broken	mtasts-mx-certificate	mta_sts=fail:mtasts-mx-certificate starttls=warn:starttls-self-signed
cert-wrongname.email	broken	mtasts-mx-certificate	mta_sts=fail:mtasts-mx-certificate starttls=warn:starttls-name-mismatch
END

# --- the survey: every lab domain, JSON Lines, bounded concurrency.
start=$(date +%s)
mail -c 8 -f "$LAB_MAIL_DOMAINS" -o "$OUT/survey.jsonl" 2> "$OUT/survey.err"
st=$?
took=$(( $(date +%s) - start ))
is "survey: exit 1 (findings)" "$st" 1
sanitizer_clean survey "$OUT/survey.err"
if [ -s "$OUT/survey.err" ]; then
	not_ok "survey: nothing on stderr"; diag "$(cat "$OUT/survey.err")"
else
	ok "survey: nothing on stderr"
fi
# A liveness bound with room for a loaded machine: each domain's work is
# bounded (six STARTTLS sessions of at most TO seconds per address, one
# HTTPS fetch, DNS rounds), eight domains at a time.
if [ "$took" -le 300 ]; then ok "survey done in ${took}s"
else not_ok "survey took ${took}s"; fi

# Every domain exactly once, every verdict and code as tabled.
"$PY" - "$OUT/expect" "$OUT/survey.jsonl" "$LAB_MAIL_DOMAINS" <<'END' > "$OUT/verdicts.tap"
import json, sys
ok_codes = {"dnssec": "dnssec-secure", "dane": "dane-valid",
	"mta_sts": "mtasts-ok", "tls_rpt": "tlsrpt-ok", "spf": "spf-ok",
	"dmarc": "dmarc-ok", "starttls": "starttls-ok"}
expect = {}
for line in open(sys.argv[1]):
	dom, overall, code, rest = line.rstrip("\n").split("\t")
	checks = dict(ok_codes)
	want = {k: "pass:" + v for k, v in checks.items()}
	if rest != "-":
		for item in rest.split():
			k, v = item.split("=", 1)
			want[k] = v
	expect[dom] = (overall, code, want)
got = {}
for n, line in enumerate(open(sys.argv[2]), 1):
	d = json.loads(line)
	got.setdefault(d["domain"], []).append(d)
domains = [l.strip() for l in open(sys.argv[3]) if l.strip()]
print("ok - %d lines, %d domains listed" % (sum(map(len, got.values())),
	len(domains)) if sorted(got) == sorted(domains) and
	all(len(v) == 1 for v in got.values()) else
	"not ok - every listed domain exactly once: %s" % sorted(
	set(domains) ^ set(got)))
for dom in domains:
	if dom not in expect:
		print("not ok - %s: not in the expectations" % dom)
		continue
	overall, code, want = expect[dom]
	d = got.get(dom, [None])[0]
	if d is None:
		print("not ok - %s: no result" % dom)
		continue
	have = {k: "%s:%s" % (v["verdict"], v["code"])
		for k, v in d["checks"].items()}
	bad = ["%s want %s got %s" % (k, want[k], have.get(k))
		for k in want if have.get(k) != want[k]]
	if d["verdict"] != overall or d["code"] != code:
		bad.insert(0, "overall want %s %s got %s %s" % (overall, code,
			d["verdict"], d["code"]))
	if bad:
		print("not ok - %s: %s" % (dom, "; ".join(bad)))
		print("# %s" % d["detail"])
	else:
		print("ok - %s: %s (%s)" % (dom, overall, code))
END
tap_relay "$OUT/verdicts.tap"

# --- agreement with the independent tools (LAB_MAIL_MANIFEST).
"$PY" - "$LAB_MAIL_MANIFEST" "$OUT/survey.jsonl" <<'END' > "$OUT/agree.tap"
import json, re, sys
man = {}
for line in open(sys.argv[1]):
	if line.startswith("#") or not line.strip():
		continue
	dom, what, facts = (line.rstrip("\n").split(None, 2) + [""])[:3]
	man.setdefault(dom, {}).setdefault(what, []).append(facts)
res = {json.loads(l)["domain"]: json.loads(l) for l in open(sys.argv[2])}
def report(dom, what, good, why):
	print(("ok - %s %s: agrees" if good else "not ok - %s %s: %s") %
		((dom, what) if good else (dom, what, why)))
for dom, facts in sorted(man.items()):
	r = res.get(dom)
	if r is None:
		print("not ok - %s: no result" % dom)
		continue
	c = r["checks"]
	for f in facts.get("mx", []):
		host, addr = f.split()
		hosts = {h["name"].rstrip("."): h["addresses"] for h in
			c["dane"]["hosts"]}
		report(dom, "mx", hosts == {host: [addr]}, hosts)
	for f in facts.get("dnssec", []):
		report(dom, "dnssec", f == "secure" and
			c["dnssec"]["verdict"] == "pass", c["dnssec"]["detail"])
	for f in facts.get("spf", []):
		kv = dict(x.split("=", 1) for x in re.findall(r"\S+=\S+",
			f.split(" why=")[0]))
		s = c["spf"]
		other = kv["other"]
		if other == "none":
			good = s["code"] == "spf-missing"
		elif other == "permerror":
			good = s["result"] == "permerror"
		else:
			# pass (+all), fail (-all), softfail, neutral: a
			# record evaluated without an error.
			good = s["result"] == "ok" and s["record"] is not None
		# pyspf asks PTR for ptr (a void lookup for the test
		# sender), which needs a sender address we do not have, and
		# counts the missing record's own TXT lookup as void.
		lk = int(kv["lookups"]) == s["lookups"]
		vd = int(kv["voids"]) == s["void_lookups"] or dom in (
			"spf-ptr.email", "spf-missing.email")
		report(dom, "spf", good and lk and vd, "pyspf %s, ours %s %s "
			"lookups %d voids %d" % (f, s["result"], s["code"],
			s["lookups"], s["void_lookups"]))
	for f in facts.get("dmarc", []):
		d = c["dmarc"]
		if f == "none":
			good = d["code"] == "dmarc-missing"
		elif f.startswith("invalid"):
			at = re.search(r"at=(\S+)", f).group(1)
			good = d["code"] == "dmarc-syntax" and \
				d["found_at"] == "_dmarc.%s." % at
		else:
			kv = dict(x.split("=", 1) for x in f.split())
			good = d.get("found_at") == "_dmarc.%s." % kv["at"] and \
				d.get("p") == kv["p"] and \
				(d.get("sp") or "-") == kv["sp"] and \
				(kv["pct"] == "-" and d.get("pct") == 100 or
				 kv["pct"] != "-" and d.get("pct") == int(kv["pct"])) \
				and ",".join(d.get("rua", [])) == kv["rua"]
		report(dom, "dmarc", good, "Mail::DMARC %s, ours %s" % (f,
			{k: d.get(k) for k in ("found_at", "p", "sp", "pct",
			"rua", "code")}))
	for f in facts.get("tlsrpt", []):
		t = c["tls_rpt"]
		good = (f == "none" and t["records"] == 0) or \
			(t["records"] == 1 and t["record"] == f)
		report(dom, "tlsrpt", good, "dig %s, ours %s" % (f, t["record"]))
	txts = facts.get("sts-txt", [])
	if txts:
		t = c["mta_sts"]["txt"]
		good = (txts == ["none"] and t["records"] == 0) or \
			(len(txts) == t["records"] and (len(txts) > 1 or
			t["record"] == txts[0]))
		report(dom, "sts-txt", good, "dig %s, ours %d %s" % (txts,
			t["records"], t["record"]))
	for f in facts.get("sts-policy", []):
		p = c["mta_sts"]["policy"]
		if c["mta_sts"]["txt"]["records"] > 1:
			# Not one record: a sender assumes there is no
			# policy and fetches none (RFC 8461 section 3.1).
			report(dom, "sts-policy", p is None, "fetched %s" % p)
			continue
		if f == "none":
			good = p is None
		elif f.startswith("curl-error="):
			good = p is not None and p["fetch"] != "ok" and \
				c["mta_sts"]["code"] == "mtasts-certificate"
		else:
			kv = {}
			for x in f.split():
				k, v = x.split("=", 1)
				kv.setdefault(k, []).append(v)
			good = p is not None and \
				str(p["http_status"]) == kv["http"][0] and \
				(p["content_type"] or "").split(";")[0] == \
				kv.get("type", [p["content_type"] or ""])[0]
			valid = kv.get("mode", [""])[0] in ("enforce",
				"testing", "none") and kv.get("version") == \
				["STSv1"] and int(kv.get("max_age", ["-1"])[0]) in \
				range(0, 31557601)
			if good and valid:
				good = p.get("mode") == kv["mode"][0] and \
					str(p.get("max_age")) == kv["max_age"][0] \
					and p.get("mx") == kv["mx"]
			elif good and "mode" in kv:
				# curl saw a field out of RFC 8461's bounds.
				good = c["mta_sts"]["code"] == \
					"mtasts-policy-syntax"
		report(dom, "sts-policy", good, "curl %s, ours %s" % (f, p))
	for f in facts.get("starttls", []):
		m = re.match(r"(\S+) versions=(\S+) kex=(\S+) verify=(.*)", f)
		addr = m.group(1)
		kv = {"versions": m.group(2), "kex": m.group(3),
			"verify": m.group(4)}
		a = [x for x in c["starttls"]["addresses"]
			if x["address"] == addr]
		if len(a) != 1:
			report(dom, "starttls", False, "no probe of %s" % addr)
			continue
		a = a[0]
		names = {"TLSv1": "tls1", "TLSv1.1": "tls1_1",
			"TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}
		vers = ",".join(names[k] for k, v in a["versions"].items() if v)
		kex = (a["key_exchange"] or "").replace(" bits", "").replace(
			" ", "-")
		cert = a["certificate"] or {}
		v = kv["verify"].split(":")[0]
		if v == "ok":
			good_v = cert.get("verify") == "ok" and cert.get(
				"name_matches")
		elif v == "62":
			good_v = cert.get("verify") == "ok" and not cert.get(
				"name_matches")
		elif v == "10":
			good_v = cert.get("expired") is True
		elif v == "18":
			good_v = cert.get("self_signed") is True
		else:
			good_v = False
		report(dom, "starttls", vers == kv["versions"] and
			kex == kv["kex"] and good_v, "s_client %s, ours %s %s %s" %
			(f, vers, kex, cert))
END
tap_relay "$OUT/agree.tap"

# The reasons a reader sees for cases that share a code.
has() {
	if grep -F "\"domain\":\"$1\"" "$OUT/survey.jsonl" | grep -q -- "$3"
	then ok "$2"; else not_ok "$2"; fi
}
has sts-untrusted.email "untrusted policy server: why" "self-signed certificate"
has sts-wrongname.email "policy server with another name: why" "no alternative certificate subject name"
has sts-404.email "404: the status in the evidence" '"http_status":404'
has sts-ctype.email "wrong type: the type in the evidence" '"content_type":"text/html'
has dh1024.email "DH-1024: the group size in the evidence" '"dh_bits":1024'
has tls10.email "TLS 1.0 only: the versions in the evidence" '"versions":{"TLSv1":true,"TLSv1.1":false,"TLSv1.2":false,"TLSv1.3":false}'
has spf-toomany.email "over the lookup limit: the count" '"lookups":11'
has spf-void.email "over the void limit: the count" '"void_lookups":3'
has valid.email "the SPF record in full" '"record":"v=spf1 mx -all"'
has mail.sub.dmarc-org.email "DMARC from the organizational domain" '"found_at":"_dmarc.dmarc-org.email."'

# --- one domain, text on a terminal's layout (--text), exit statuses.
mail --text valid.email > "$OUT/valid.txt" 2> "$OUT/valid.err"
is "valid.email: exit 0" "$?" 0
is "valid.email: the last line" "$(tail -n 1 "$OUT/valid.txt")" \
	"valid.email protected: every check passed"
if grep -q '^starttls pass  starttls-ok' "$OUT/valid.txt" &&
    grep -q '^spf      pass  spf-ok' "$OUT/valid.txt"; then
	ok "valid.email: one line per check"
else
	not_ok "valid.email: one line per check"; diag "$(cat "$OUT/valid.txt")"
fi
mail --text spf-plusall.email > "$OUT/plusall.txt" 2>&1
is "spf-plusall.email: exit 1" "$?" 1
is "spf-plusall.email: the last line says why" "$(tail -n 1 "$OUT/plusall.txt")" \
	"spf-plusall.email broken: spf fail: '+all': every host on the internet passes SPF for spf-plusall.email"

# --- usage errors and bad lines.
check_fails "no domain: usage" mail
mail --json --text valid.email > /dev/null 2>&1; is "--json --text: exit 2" "$?" 2
mail 'bad..name' > /dev/null 2>&1; is "a bad domain name: exit 2" "$?" 2
mail --timeout 0 valid.email > /dev/null 2>&1; is "--timeout 0: exit 2" "$?" 2
mail --ca-file /nonexistent valid.email > /dev/null 2> "$OUT/ca.err"
st=$?
if [ $st -eq 2 ] && grep -q nonexistent "$OUT/ca.err"; then
	ok "missing --ca-file: exit 2, named"
else not_ok "missing --ca-file: exit $st"; diag "$(cat "$OUT/ca.err")"; fi
"$RP" mail --help > "$OUT/help" 2>&1; is "--help: exit 0" "$?" 0
{
	echo "# a comment"
	echo
	echo "valid.email   # trailing comment"
	echo "not a domain"
	echo "bad!name.email"
	head -c 600 /dev/zero | tr '\0' a; echo
	printf 'x\001y.email\n'
} > "$OUT/list"
mail --json -f "$OUT/list" > "$OUT/list.out" 2> "$OUT/list.err"
is "a list with bad lines: exit 0 (the good line is protected)" "$?" 0
is "a list with bad lines: one result" "$(wc -l < "$OUT/list.out" | tr -d ' ')" 1
if grep -q "list:4: more than one word" "$OUT/list.err" &&
    grep -q 'list:5: not a domain name: "bad!name.email"' "$OUT/list.err" &&
    grep -q "list:6: line longer than 512 bytes" "$OUT/list.err" &&
    grep -q 'list:7: not a domain name: "x\\001y.email"' "$OUT/list.err"; then
	ok "bad lines reported as FILE:LINE: reason, escaped"
else
	not_ok "bad lines reported as FILE:LINE: reason"; diag "$(cat "$OUT/list.err")"
fi
mail --json -f "$OUT" > /dev/null 2> "$OUT/dir.err"
st=$?
if [ $st -eq 3 ] && grep -q "^resolver-probe mail: $OUT: read error: " "$OUT/dir.err"; then
	ok "a list that cannot be read: exit 3, a read error, not an empty list"
else
	not_ok "a list that cannot be read: exit $st"; diag "$(cat "$OUT/dir.err")"
fi

# --- --resume: a survey of 10 domains cut after 5, then completed.
head -n 5 "$LAB_MAIL_DOMAINS" > "$OUT/first5"
head -n 10 "$LAB_MAIL_DOMAINS" > "$OUT/first10"
mail -f "$OUT/first5" -o "$OUT/resume.jsonl" > /dev/null 2>&1
printf '{"domain":"torn' >> "$OUT/resume.jsonl"
mail --resume "$OUT/resume.jsonl" -f "$OUT/first10" > /dev/null 2> "$OUT/resume.err"
st=$?
is "--resume: exit 1 (findings)" "$st" 1
if "$PY" -c '
import json, sys
doms = [json.loads(l)["domain"] for l in open(sys.argv[1])]
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
assert sorted(doms) == sorted(want), (len(doms), len(want))
' "$OUT/resume.jsonl" "$OUT/first10" 2> "$OUT/resume.py"; then
	ok "--resume: every domain once, the torn line cut off"
else
	not_ok "--resume: every domain once"; diag "$(cat "$OUT/resume.py" "$OUT/resume.err")"
fi
if grep -q "5 domains already in" "$OUT/resume.err"; then ok "--resume: says how many it skipped"
else not_ok "--resume: says how many it skipped"; diag "$(cat "$OUT/resume.err")"; fi
# A file that is not a survey is refused and left byte for byte: a line
# without its newline, binary bytes, text after a result line.
printf 'important.example' > "$OUT/notes"
head -c 4096 /dev/urandom | tr -d '\n' > "$OUT/binary"
{ head -n 1 "$OUT/survey.jsonl"; printf 'my notes'; } > "$OUT/mixed"
for f in notes binary mixed; do
	cp "$OUT/$f" "$OUT/$f.orig"
	mail --resume "$OUT/$f" valid.email > /dev/null 2> "$OUT/$f.err"
	st=$?
	if [ $st -eq 2 ] && cmp -s "$OUT/$f" "$OUT/$f.orig" &&
	    grep -q "not a mail result line" "$OUT/$f.err"; then
		ok "--resume $f: refused (exit 2), the file unchanged"
	else
		not_ok "--resume $f: exit $st, unchanged: $(cmp -s "$OUT/$f" \
			"$OUT/$f.orig" && echo yes || echo no)"
		diag "$(cat "$OUT/$f.err")"
	fi
done

# --- report on the survey: the adoption tables.
"$RP" report "$OUT/survey.jsonl" > "$OUT/report.txt" 2> "$OUT/report.err"
is "report: exit 1 (not every domain protected)" "$?" 1
protected=$(grep -c '	protected	' "$OUT/expect")
total=$(wc -l < "$OUT/expect" | tr -d ' ')
if grep -q "^mail survey: $total domains" "$OUT/report.txt" &&
    grep -Eq "^protected +$protected " "$OUT/report.txt" &&
    grep -Eq "^spf +[0-9]+ +[0-9]+ +0 +[0-9]+ +0 " "$OUT/report.txt"; then
	ok "report: domains, verdicts and the per-check table"
else
	not_ok "report: tables"; diag "$(cat "$OUT/report.txt" "$OUT/report.err")"
fi
"$RP" report --html "$OUT/report.html" "$OUT/survey.jsonl" > /dev/null 2>&1
if grep -q '<h2>Adoption per check</h2>' "$OUT/report.html" &&
    grep -q '<td>mta_sts</td>' "$OUT/report.html"; then
	ok "report --html: the adoption table"
else not_ok "report --html"; fi
# The scan page's style, and a legend naming the bars' colours.
check "report --html: the survey page has the scan page's style" \
	grep -q '\.cards{display:grid' "$OUT/report.html"
check "report --html: the stacked bars have a legend of the five verdicts" \
	sh -c "grep 'class=\"legend\"' '$OUT/report.html' | grep 'pass' |
	grep 'warn' | grep 'none' | grep 'fail' | grep -q 'error'"
fits_narrow "report --html of a survey fits a narrow window" "$OUT/report.html"

# --- --previous across MTA-STS id switches (sts-idchange.email).
M=$LAB_DIR/mail
mail --json sts-idchange.email > "$OUT/id1.jsonl" 2>&1
"$LAB_MAIL_STS_SWITCH" 20261207T000000 > "$OUT/switch.log" 2>&1 ||
	not_ok "id switch"
mail --json --previous "$OUT/id1.jsonl" sts-idchange.email > "$OUT/id2.jsonl" 2>&1
is "id changed with the policy: exit 0" "$?" 0
if grep -q '"code":"mtasts-id-changed"' "$OUT/id2.jsonl"; then ok "id changed: said so"
else not_ok "id changed: said so"; diag "$(cat "$OUT/id2.jsonl")"; fi
# The old policy back under the new id: changed without an id change.
"$LAB_MAIL_STS_SWITCH" 20261207T000000 "$M/sts-idchange-1.txt" >> "$OUT/switch.log" 2>&1 ||
	not_ok "policy switch"
mail --json --previous "$OUT/id2.jsonl" sts-idchange.email > "$OUT/id3.jsonl" 2>&1
is "policy changed under the same id: exit 1" "$?" 1
if grep -q '"verdict":"broken","code":"mtasts-policy-changed-same-id"' "$OUT/id3.jsonl"; then
	ok "policy changed under the same id: broken, said so"
else not_ok "policy changed under the same id"; diag "$(cat "$OUT/id3.jsonl")"; fi
"$LAB_MAIL_STS_SWITCH" 20261206T000000 "$M/sts-idchange-1.txt" >> "$OUT/switch.log" 2>&1 ||
	not_ok "switch back"

# --- hostile SMTP servers (the DANE lab): a clear verdict, in time.
if [ -f "$LAB_DIR/dane-manifest" ] && [ ! -f "$LAB_DIR/dane-skip" ]; then
	for dom in silent.dane.net hang.dane.net garbage.dane.net bigcert.dane.net; do
		start=$(date +%s)
		"$RP" mail --root-hints "$LAB_ROOT_HINTS" \
			--trust-anchor "$LAB_TRUST_ANCHOR" --timeout 2 --json \
			"$dom" > "$OUT/$dom.json" 2> "$OUT/$dom.err"
		st=$?
		took=$(( $(date +%s) - start ))
		v=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["checks"]["starttls"]["verdict"])' "$OUT/$dom.json" 2>/dev/null)
		case $st:$v in
		[13]:fail|[13]:error)
			if grep -q 'timed out\|protocol error\|excessive message size' \
			    "$OUT/$dom.json"; then ok "$dom: starttls $v, exit $st, why"
			else not_ok "$dom: no reason"; diag "$(cat "$OUT/$dom.json")"; fi;;
		*) not_ok "$dom: exit $st, starttls '$v'"; diag "$(cat "$OUT/$dom.json" "$OUT/$dom.err")";;
		esac
		# Six sessions of at most 2 s each, DANE's own, DNS.
		if [ "$took" -le 40 ]; then ok "$dom: done in ${took}s"
		else not_ok "$dom: took ${took}s"; fi
		sanitizer_clean "$dom" "$OUT/$dom.err"
	done
else
	skip "hostile SMTP servers" "no DANE lab"
fi
tap_done

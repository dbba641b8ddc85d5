#!/bin/sh
# t-mail-survey.sh: a mail survey at scale gives every domain the verdict
# it gets alone, and touches each mail server once.  256 generated domains
# of four kinds (tests/lab/parts/60-mail.pre: every name under
# K.survey.email; those of a kind share one MX host) are surveyed at
# -c 256, with the lab's NSD at its default response-rate limiting (the
# wildcard answers all fall in one RRL bucket, so many queries are
# dropped or truncated): each domain's overall verdict and every check's
# verdict and code must equal those of its kind checked alone, and each
# MX address must see (Postfix's log, one syslog name per listener) no
# more SMTP sessions in the whole survey than in one domain's check.
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
OUT=$LAB_DIR/mail-survey-out
mkdir -p "$OUT"
PY=/usr/bin/python3
LOG=$LAB_DIR/log/postfix-mail.log
KINDS="p w x t"
N=64
mail() { lab_mail "$@"; }
# sessions ADDR: SMTP sessions Postfix's listener on ADDR has logged so
# far.  Postfix writes "disconnect" when a session ends, so a count taken
# after the client is done is complete once every started session ended:
# wait for "connect" and "disconnect" lines to pair up (bounded).
sessions() {
	i=0
	while :; do
		c=$(grep -c "postfix/$1/smtpd\[[0-9]*\]: connect from" "$LOG")
		d=$(grep -c "postfix/$1/smtpd\[[0-9]*\]: disconnect from" "$LOG")
		[ "$c" -eq "$d" ] || [ $i -ge 100 ] && break
		i=$((i + 1))
		sleep 0.1
	done
	echo "$c"
}
# sig FILE: each domain's overall verdict and code and every check's
# verdict:code, one domain a line, the domain name first.
sig() {
	"$PY" - "$1" <<'END'
import json, sys
for line in open(sys.argv[1]):
	d = json.loads(line)
	checks = " ".join("%s=%s:%s" % (k, v["verdict"], v["code"])
		for k, v in sorted(d["checks"].items()))
	print(d["domain"], d["verdict"], d["code"], checks)
END
}
mx_of() {
	case $1 in p|w) echo 127.0.5.10;; x) echo 127.0.5.13;; t) echo 127.0.5.11;; esac
}

# --- each kind alone: the first and the last domain, one at a time; the
# sessions one domain's check opens at its MX address.
for k in $KINDS; do
	a=$(mx_of "$k")
	before=$(sessions "$a")
	mail --json "d1.$k.survey.email" > "$OUT/alone-$k-1.json" 2> "$OUT/alone.err"
	after=$(sessions "$a")
	eval "one_$k=$((after - before))"
	mail --json "d$N.$k.survey.email" > "$OUT/alone-$k-$N.json" 2>> "$OUT/alone.err"
	s1=$(sig "$OUT/alone-$k-1.json" | cut -d' ' -f2-)
	s2=$(sig "$OUT/alone-$k-$N.json" | cut -d' ' -f2-)
	is "kind $k alone: two of its domains get the same verdicts" "$s2" "$s1"
	eval "want_$k=\$s1"
	diag "kind $k alone: $s1 ($((after - before)) SMTP sessions at $a)"
done
is "kind p alone: protected" "$(echo "$want_p" | cut -d' ' -f1)" protected
is "kind w alone: weak (DMARC p=none)" "$(echo "$want_w" | cut -d' ' -f1-2)" "weak dmarc-p-none"
is "kind x alone: broken" "$(echo "$want_x" | cut -d' ' -f1)" broken
is "kind t alone: broken" "$(echo "$want_t" | cut -d' ' -f1)" broken
if [ "$one_p" -ge 1 ] && [ "$one_x" -ge 1 ] && [ "$one_t" -ge 1 ]; then
	ok "one domain's check opens sessions at its MX ($one_p, $one_x, $one_t)"
else
	not_ok "one domain's check opens sessions at its MX ($one_p, $one_x, $one_t)"
fi

# --- an RRset holding a TXT record of no strings beside the SPF record:
# NOERROR and validated in the packet, whatever libunbound's unpacking
# of it says; the SPF record is used.
mail --json empty-txt.survey.email > "$OUT/empty-txt.json" 2> "$OUT/empty-txt.err"
pyck "empty TXT beside SPF: protected, spf-ok, the TXT lookup NOERROR and secure" \
	"$OUT/empty-txt.json" '(lambda d: d["verdict"] == "protected" and
	d["checks"]["spf"]["code"] == "spf-ok" and
	[(l["rcode"], l["status"]) for l in d["checks"]["dnssec"]["lookups"]
	 if l["name"] == "empty-txt.survey.email." and l["type"] == "TXT"] ==
	[(0, "secure")])(A[0])'

# --- 40 working MX hosts: the 32 most preferred are checked, 8 are said
# to be not checked; no DNS error is made up for them.
mail --json --no-tls-versions many-mx.survey.email > "$OUT/many-mx.json" \
	2> "$OUT/many-mx.err"
pyck "40 MX hosts: no invented DNS error, 32 checked, 8 not checked" \
	"$OUT/many-mx.json" '(lambda d: d["checks"]["dane"]["code"] ==
	"dane-valid" and d["checks"]["dane"]["mx_not_checked"] == 8 and
	len(d["checks"]["dane"]["hosts"]) == 32 and
	"dns-error" not in json.dumps(d))(A[0])'

# --- the survey: 256 domains, the kinds interleaved, all at once.
: > "$OUT/list"
i=1
while [ $i -le $N ]; do
	for k in $KINDS; do echo "d$i.$k.survey.email" >> "$OUT/list"; done
	i=$((i + 1))
done
for a in 127.0.5.10 127.0.5.11 127.0.5.13; do
	eval "before_$(echo "$a" | tr . _)=$(sessions "$a")"
done
start=$(now_ms)
mail -c 256 -f "$OUT/list" -o "$OUT/survey.jsonl" 2> "$OUT/survey.err"
st=$?
took=$(( $(now_ms) - start ))
is "survey: exit 1 (weak and broken domains)" "$st" 1
if [ -s "$OUT/survey.err" ]; then
	not_ok "survey: nothing on stderr"; diag "$(head -n 20 "$OUT/survey.err")"
else
	ok "survey: nothing on stderr"
fi
diag "survey of $((4 * N)) domains at -c 256: ${took} ms"
is "survey: one line per domain" "$(wc -l < "$OUT/survey.jsonl" | tr -d ' ')" $((4 * N))
is "survey: every domain once" \
	"$(sig "$OUT/survey.jsonl" | cut -d' ' -f1 | sort -u | wc -l | tr -d ' ')" $((4 * N))
sig "$OUT/survey.jsonl" > "$OUT/survey.sig"
for k in $KINDS; do
	eval "want=\$want_$k"
	n=$(grep -c "^d[0-9]*\.$k\.survey\.email " "$OUT/survey.sig")
	bad=$(grep "^d[0-9]*\.$k\.survey\.email " "$OUT/survey.sig" |
		cut -d' ' -f2- | grep -cvxF "$want")
	if [ "$n" -eq $N ] && [ "$bad" -eq 0 ]; then
		ok "survey: all $N domains of kind $k as alone"
	else
		not_ok "survey: kind $k: $bad of $n domains differ from alone"
		grep "^d[0-9]*\.$k\.survey\.email " "$OUT/survey.sig" |
			grep -vF " $want" | head -n 3 | while read -r l; do diag "$l"; done
		diag "alone: $want"
	fi
done

# --- politeness: every MX address saw no more sessions in the whole
# survey (64 or 128 domains each) than in one domain's check alone.
for k in p x t; do
	a=$(mx_of "$k")
	eval "b=\$before_$(echo "$a" | tr . _)"
	eval "one=\$one_$k"
	n=$(( $(sessions "$a") - b ))
	if [ "$n" -le "$one" ] && [ "$n" -ge 1 ]; then
		ok "survey: $a had $n SMTP sessions, as many as one domain's check ($one)"
	else
		not_ok "survey: $a had $n SMTP sessions; one domain's check has $one"
	fi
done
# --- politeness at the authoritative servers: the questions NSD answers
# per domain (nsd-control's counters, every lab NSD), from two surveys of
# domains with records of their own (q*.q.survey.email): a run's fixed
# cost (the root, the TLD, the MX host) cancels out of the difference.
# A domain needs its MX, TXT, _dmarc, _smtp._tls and _mta-sts names.
nsd_answered() {
	for c in "$LAB_DIR"/nsd-*.conf; do
		PATH=$PATH:/usr/sbin nsd-control -c "$c" stats_noreset
	done | awk -F= '$1 == "num.queries" { q += $2 }
		$1 == "num.rrl.drop" || $1 == "num.rrl.truncated" { r += $2 }
		END { print q - r }'
}
seq 1 16 | sed 's/.*/q&.q.survey.email/' > "$OUT/q-small"
seq 17 256 | sed 's/.*/q&.q.survey.email/' > "$OUT/q-large"
q0=$(nsd_answered)
mail -c 16 -f "$OUT/q-small" -o "$OUT/q-small.jsonl" 2> /dev/null
q1=$(nsd_answered)
mail -c 16 -f "$OUT/q-large" -o "$OUT/q-large.jsonl" 2> /dev/null
q2=$(nsd_answered)
per=$("$PY" -c "print('%.2f' % ((($q2 - $q1) - ($q1 - $q0)) / (240 - 16)))")
diag "authoritative questions: $((q1 - q0)) for 16 domains, $((q2 - q1)) for 240"
pyck "q domains: every one protected, as kind p alone" "$OUT/q-large.jsonl" \
	'len(A) == 240 and all(d["verdict"] == "protected" for d in A)'
if "$PY" -c "import sys; sys.exit(not (0 < $per <= 5.5))"; then
	ok "authoritative questions per domain: $per (a domain has 5 names)"
else
	not_ok "authoritative questions per domain: $per (a domain has 5 names)"
fi

tap_done

#!/bin/sh
# t-follow.sh: scan --follow-smtp follows the lies to where they lead.
# The lab's liars 127.0.2.1-4 send the providers' mail to 45.33.32.156
# (no route in the lab: unreachable), 127.0.0.1 (where the hostile mail
# lab's imposter presents a lab-CA certificate valid for the providers'
# true MX hosts) and 10.0.0.25 / 192.168.1.25 (kept out by the
# blocklist).  Each address gets one line, one SMTP session at most, and
# its verdict; the summary and report say where the lies lead.
. "$LAB_SRCDIR/tests/lab/tap.sh"
P=$LAB_BUILDDIR/resolver-probe/resolver-probe
if [ -f "$LAB_DIR/mail-skip" ] || [ -z "$LAB_HOSTILE_MAIL_PID" ]; then
	echo "1..0 # SKIP no hostile mail lab (its imposter at 127.0.0.1)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LOG=$LAB_DIR/log/hostile-mail.log
scan() {
	timeout 120 "$P" scan --root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --providers "$LAB_PROVIDERS" \
		--blocklist "$LAB_BLOCKLIST" --rounds 1 --no-discovery \
		--timeout 1 --retries 1 --confirm-delay 0.2 "$@" \
		127.0.2.1 127.0.2.2 127.0.2.3 127.0.2.4 127.0.1.1
}
# Sessions the imposter at 127.0.0.1 has seen so far.
sessions() { grep -c '^sound 127.0.0.1 ' "$LOG"; }

# Off by default: no session anywhere.
s0=$(sessions)
scan -o "$T/plain.jsonl" 2> "$T/plain.err"
is "without --follow-smtp: exit 1 (lies)" "$?" 1
is "without --follow-smtp: no follow line" \
	"$(grep -c '^{"follow":' "$T/plain.jsonl")" 0
is "without --follow-smtp: no SMTP session" "$(sessions)" "$s0"

# Followed, with the lab's CA trusted.
s0=$(sessions)
scan --follow-smtp --follow-rate 50 --follow-timeout 5 \
	--ca-file "$LAB_CA_FILE" -o "$T/f.jsonl" 2> "$T/f.err"
is "--follow-smtp: exit 1 (lies)" "$?" 1
is "one SMTP session at the imposter for every lie that led there" \
	"$(( $(sessions) - s0 ))" 1
pyck "four destinations, one line each" "$T/f.jsonl" \
	'sorted(o["follow"]["address"] for o in A if "follow" in o) == ["10.0.0.25", "127.0.0.1", "192.168.1.25", "45.33.32.156"]'
pyck "127.0.0.1: an imposter, its certificate valid for the true MX host" "$T/f.jsonl" \
	'[(o["follow"]["verdict"], o["follow"]["certificate"]["name_matches"], o["follow"]["certificate"]["verify"], o["follow"]["tls"][:7]) for o in A if o.get("follow", {}).get("address") == "127.0.0.1"] == [("imposter", True, "ok", "TLSv1.3")]'
pyck "127.0.0.1: checked against the provider's true best MX host" "$T/f.jsonl" \
	'[(o["follow"]["provider"], o["follow"]["true_mx"]) for o in A if o.get("follow", {}).get("address") == "127.0.0.1"][0] in [("gmail.com.", "gmail-smtp-in.l.google.com"), ("yahoo.com.", "mta5.am0.yahoodns.net")]'
pyck "45.33.32.156: unreachable, the reason said" "$T/f.jsonl" \
	'[(o["follow"]["verdict"], o["follow"]["connected"], "unreachable" in (o["follow"]["error"] or "")) for o in A if o.get("follow", {}).get("address") == "45.33.32.156"] == [("unreachable", False, True)]'
pyck "private addresses: kept out by the blocklist, not contacted" "$T/f.jsonl" \
	'all(not o["follow"]["followed"] and o["follow"]["why"] == "blocklist" for o in A if o.get("follow", {}).get("address") in ("10.0.0.25", "192.168.1.25"))'
pyck "a destination counts the resolvers that lied there" "$T/f.jsonl" \
	'all(o["follow"]["resolvers"] >= 1 for o in A if "follow" in o)'
has "the summary says where the lies lead" "$(cat "$T/f.err")" \
	'^  imposter  *1  *50.00% of followed'
has "the summary counts the blocklisted" "$(cat "$T/f.err")" \
	'^  kept out by the blocklist  *2$'

# report reads the follow lines back and says the same.
"$P" report "$T/f.jsonl" > "$T/report.out" 2> "$T/report.err"
is "report: exit 1" "$?" 1
has "report: where the lies lead" "$(cat "$T/report.out")" \
	'^  imposter  *1  *50.00% of followed'
hasnt "report: follow lines are not malformed" "$(cat "$T/report.err")" 'follow'
"$P" report --html "$T/page.html" "$T/f.jsonl" > /dev/null 2>&1
check "report --html: a chart of where the lies lead" \
	grep -q '<h2>Where the lies lead</h2>' "$T/page.html"

# Without the lab's CA the same server is no imposter: a checking sender
# would refuse its certificate.
scan --follow-smtp --follow-rate 50 --follow-timeout 5 -o "$T/g.jsonl" \
	2> /dev/null
pyck "without a CA that trusts it: smtp-starttls" "$T/g.jsonl" \
	'[o["follow"]["verdict"] for o in A if o.get("follow", {}).get("address") == "127.0.0.1"] == ["smtp-starttls"]'

# --resume reads a file with follow lines as a scan's.
scan --follow-smtp --follow-rate 50 --follow-timeout 5 \
	--ca-file "$LAB_CA_FILE" --resume "$T/f.jsonl" > /dev/null 2> "$T/r.err"
st=$?
check "--resume over follow lines: accepted" sh -c "[ $st -le 1 ]"
hasnt "--resume over follow lines: none is refused" "$(cat "$T/r.err")" 'not a scan result'

# An interrupt in the follow-up: no more sessions, the lines written are
# whole, exit 3.  At one session a second the second address waits a
# second: the interrupt comes once the follow-up has begun.
# The program itself in the background (a background shell function
# would get the signal, and ignore it).
"$P" scan --root-hints "$LAB_ROOT_HINTS" --trust-anchor "$LAB_TRUST_ANCHOR" \
	--providers "$LAB_PROVIDERS" --blocklist "$LAB_BLOCKLIST" --rounds 1 \
	--no-discovery --timeout 1 --retries 1 --confirm-delay 0.2 \
	--follow-smtp --follow-rate 1 --follow-timeout 5 \
	--ca-file "$LAB_CA_FILE" -o "$T/i.jsonl" \
	127.0.2.1 127.0.2.2 127.0.2.3 127.0.2.4 127.0.1.1 2> "$T/i.err" &
pid=$!
wait_for 60 grep -q 'following the lies' "$T/i.err"
kill -INT $pid
# Bounded: the follow-up ends within the session timeout.
( sleep 30; kill -9 $pid 2> /dev/null ) &
watchdog=$!
wait $pid
st=$?
kill $watchdog 2> /dev/null
is "SIGINT in the follow-up: exit 3" "$st" 3
has "SIGINT in the follow-up: said" "$(cat "$T/i.err")" \
	'interrupt: no more SMTP sessions'
has "SIGINT in the follow-up: what was not followed is counted" \
	"$(cat "$T/i.err")" 'address.* not followed (stopped)'
pyck "SIGINT in the follow-up: every line whole" "$T/i.jsonl" \
	'len(A) > 0'

# Mistakes: one line, exit 2.
"$P" scan --follow-smtp --format csv 127.0.2.1 > /dev/null 2> "$T/e1"
is "--follow-smtp with --format csv: exit 2" "$?" 2
has "and says why" "$(cat "$T/e1")" 'not with --format csv'
"$P" scan --follow-rate 5 127.0.2.1 > /dev/null 2> "$T/e2"
is "--follow-rate without --follow-smtp: exit 2" "$?" 2
tap_done

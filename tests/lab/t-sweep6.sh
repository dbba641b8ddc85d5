#!/bin/sh
# t-sweep6.sh: discovery over IPv6 targets (TAP).  The lab is IPv4, so
# this test brings its own: fd00::/120 on the namespace's loopback (256
# addresses where nothing listens) and a responder on [::1]:53 that
# answers every question REFUSED.  Only the given prefix is probed; ::1 is
# found once and asked the plan, the others are silent and cost two
# questions each.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ]; then
	echo "1..0 # SKIP no resolver-probe"
	exit 0
fi
if ! ip -6 addr add fd00::1/120 dev lo 2> /dev/null; then
	echo "1..0 # SKIP no IPv6 on the lab's loopback"
	exit 0
fi
T=$(mktemp -d)
rpid=
trap '[ -n "$rpid" ] && kill $rpid 2> /dev/null; ip -6 addr del fd00::1/120 dev lo 2> /dev/null; rm -rf "$T"' EXIT
python3 - "$T/ready" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::1", 53))
open(sys.argv[1], "w").write("ready\n")
while True:
    d, a = s.recvfrom(4096)
    if len(d) < 12:
        continue
    r = bytearray(d)
    r[2] |= 0x80                      # QR
    r[3] = (r[3] & 0xf0) | 5          # REFUSED
    s.sendto(bytes(r), a)
EOF
rpid=$!
wait_lines "$T/ready" 1
is "the IPv6 responder is up" "$(cat "$T/ready")" ready
$P scan --blocklist /dev/null --queries example.com/A --timeout 1 \
	--retries 1 -o "$T/v6.jsonl" ::1 fd00::/120 2> "$T/v6.err"
is "IPv6 sweep: exit 0 (unjudged)" "$?" 0
is "IPv6 sweep: ::1 found once, nothing else written" \
	"$(python3 -c '
import json, sys
print(" ".join(o["resolver"] for o in map(json.loads, open(sys.argv[1]))
               if "sweep" not in o))' \
	"$T/v6.jsonl")" "::1"

is "IPv6 sweep: probed 257, answered 1, silent 256" \
	"$(final probed "$T/v6.err"):$(final answered "$T/v6.err"):$(final silent "$T/v6.err")" "257:1:256"
is "IPv6 sweep: 2 questions per silent address, 1 for ::1" \
	"$(final questions "$T/v6.err")" 513
tap_done

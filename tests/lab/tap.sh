# tap.sh: TAP helpers for the lab's shell tests (tests/lab/t-*.sh).
#
#   . "$LAB_SRCDIR/tests/lab/tap.sh"
#   ok "what"                 a passing test
#   not_ok "what"             a failing test
#   check "what" CMD ARGS...  passes when CMD exits 0; its output (stdout
#                             and stderr) becomes "# " diagnostics otherwise
#   check_fails "what" CMD... passes when CMD exits non-zero
#   is "what" GOT WANT        passes when the two strings are equal
#   skip "what" "reason"      a skipped test ("ok N - what # SKIP reason")
#   diag "text"               a "# text" line
#   has "what" TEXT PATTERN   passes when a line of TEXT matches PATTERN
#   hasnt "what" TEXT PATTERN passes when no line of TEXT matches PATTERN
#   pyck "what" FILE EXPR     passes when the python expression is True
#                             over FILE's JSON lines (see below)
#   tap_done                  prints the plan "1..N"; returns 1 if any failed
#
# and the lab's small tools: addr (a manifest address by description),
# lab_mail (resolver-probe mail set up for the lab), now_ms, q (dig
# +short), resolvers (the resolvers of a JSON Lines file), tap_relay,
# wait_lines.
#
# tests/lab/check renumbers the lines of all scripts into one stream.

tap_n=0
tap_failed=0

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ok() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s\n' "$tap_n" "$*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	printf 'not ok %d - %s\n' "$tap_n" "$*"
}

check() {
	_desc=$1; shift
	if _out=$("$@" 2>&1); then
		ok "$_desc"
	else
		_st=$?
		not_ok "$_desc"
		diag "$* (status $_st):"
		diag "$_out"
	fi
}

check_fails() {
	_desc=$1; shift
	if _out=$("$@" 2>&1); then
		not_ok "$_desc"
		diag "$* succeeded, should fail:"
		diag "$_out"
	else
		ok "$_desc"
	fi
}

is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:"
		diag "$2"
		diag "want:"
		diag "$3"
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

# has WHAT TEXT PATTERN: passes when TEXT has a line matching PATTERN.
has() {
	if printf '%s\n' "$2" | grep -q -e "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diag "no line matches \"$3\" in:"
		diag "$2"
	fi
}

# hasnt WHAT TEXT PATTERN: passes when no line of TEXT matches PATTERN.
hasnt() {
	if printf '%s\n' "$2" | grep -q -e "$3"; then
		not_ok "$1"
		diag "a line matches \"$3\" in:"
		diag "$2"
	else
		ok "$1"
	fi
}

# pyck WHAT FILE EXPR: passes when the python expression EXPR is True over
# the list L of FILE's parsed JSON lines, with r(addr) the line of that
# resolver (or None) and Q(addr) its queries.  PYCK_PRELUDE, when set, is
# python run first (more names for EXPR).
pyck() {
	_d=$1 _f=$2 _e=$3
	if _o=$(python3 - "$_f" "$_e" 2>&1 <<'EOF'
import json, os, sys
# L: the resolvers' records; S: the sweep records (where a sweep is).
A = [json.loads(l) for l in open(sys.argv[1])]
L = [o for o in A if "resolver" in o]
S = [o["sweep"] for o in A if "sweep" in o]
def r(a):
    m = [o for o in L if o["resolver"] == a]
    return m[0] if m else None
def Q(a):
    return r(a)["queries"]
exec(os.environ.get("PYCK_PRELUDE", ""))
res = eval(sys.argv[2])
if res is not True:
    print("got:", res)
    sys.exit(1)
EOF
	); then ok "$_d"; else not_ok "$_d"; diag "$_e"; diag "$_o"; fi
}

# addr DESCRIPTION-PREFIX: the first manifest address whose description
# starts so.
addr() {
	awk -F'\t' -v d="$1" 'index($4, d) == 1 { print $1; exit }' \
		"$LAB_MANIFEST"
}

# now_ms: the time in milliseconds.
now_ms() { date +%s%3N; }

# lab_mail ARGS...: resolver-probe mail with the lab's root hints, trust
# anchor and CA, its PSL file when it names one (libpsl's own list
# otherwise), and --timeout ${TO:-20}.
lab_mail() {
	"$LAB_BUILDDIR/resolver-probe/resolver-probe" mail \
		${LAB_PSL_FILE:+--psl "$LAB_PSL_FILE"} \
		--root-hints "$LAB_ROOT_HINTS" \
		--trust-anchor "$LAB_TRUST_ANCHOR" --ca-file "$LAB_CA_FILE" \
		--timeout "${TO:-20}" "$@"
}

# tap_relay FILE: FILE's "ok - ", "not ok - " and "# " lines (a checker's
# verdicts) as this script's tests and diagnostics.
tap_relay() {
	while IFS= read -r _l; do
		case $_l in
		"ok - "*) ok "${_l#ok - }";;
		"not ok - "*) not_ok "${_l#not ok - }";;
		"# "*) diag "${_l#\# }";;
		esac
	done < "$1"
}

# q SERVER NAME TYPE [DIG-OPTS]: the answer's records, sorted, one a line
# (dig's own ";" lines left out).
q() {
	_s=$1 _n=$2 _t=$3; shift 3
	dig +short +time=2 +tries=2 "$@" @"$_s" "$_n" "$_t" 2> /dev/null |
		grep -v '^;' | sort
}

# resolvers FILE: the "resolver" of every resolver's JSON line, sorted
# (repeats kept; sweep and header records skipped; a line that is not JSON
# shows as its error).
resolvers() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "resolver" in o:
        print(o["resolver"])' "$1" 2>&1 | sort
}

# final FIELD FILE: a number from a scan's final status line in FILE
# (its stderr).
final() {
	tr '\r' '\n' < "$2" | grep '; sent: ' | tail -n 1 |
		sed -n "s/.*; $1: \([0-9]*\).*/\1/p"
}

# sweep FILE FIELD: FIELD of the last sweep record in FILE ("none"
# without one; booleans as true and false).
sweep() {
	python3 -c '
import json, sys
S = [json.loads(l)["sweep"] for l in open(sys.argv[1]) if "\"sweep\"" in l]
v = S[-1][sys.argv[2]] if S else "none"
print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2" 2>&1
}

# wait_for SECONDS CMD...: wait until CMD succeeds, or SECONDS have passed.
wait_for() {
	_w=0 _s=$1
	shift
	while [ $_w -lt $((_s * 10)) ] && ! "$@" 2> /dev/null; do
		sleep 0.1
		_w=$((_w + 1))
	done
}

# wait_lines FILE N [SECONDS]: wait until FILE has at least N lines, or
# SECONDS (60) have passed: a scan to be interrupted has made progress,
# however slowly a sanitizer build starts on a loaded machine.
wait_lines() {
	_w=0
	while [ $_w -lt $((${3:-60} * 10)) ] &&
	    [ "$(cat "$1" 2> /dev/null | wc -l)" -lt "$2" ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
}

tap_done() {
	printf '1..%d\n' "$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# fits_narrow DESC PAGE: PAGE, opened in headless Chromium in a window as
# narrow as it allows (500 px), is no wider than the window: charts shrink
# and wide tables scroll inside the page.  A copy of the page gets a
# script that writes the widths into its title.  Skipped without chromium
# (.ci/run installs it).
fits_narrow() {
	if ! command -v chromium > /dev/null 2>&1; then
		skip "$1" "chromium is not installed"
		return
	fi
	_fn=$(mktemp -d)
	sed 's|</body>|<script>document.title = "widths " + document.documentElement.scrollWidth + " " + innerWidth;</script></body>|' \
		"$2" > "$_fn/page.html"
	_w=$(HOME=$_fn timeout 60 chromium --headless=new --no-sandbox \
		--disable-gpu --disable-dev-shm-usage --user-data-dir="$_fn/u" \
		--window-size=420,1000 --dump-dom "file://$_fn/page.html" \
		2> "$_fn/err" | sed -n 's|.*<title>widths \([0-9]*\) \([0-9]*\)</title>.*|\1 \2|p')
	case $_w in
	"") not_ok "$1"; diag "chromium gave no widths:"; diag "$(tail -n 5 "$_fn/err")";;
	*)	set -- "$1" $_w
		if [ "$2" -le "$3" ]; then ok "$1 ($2 of $3 px)"
		else not_ok "$1"; diag "the page is $2 px wide in a $3 px window"; fi;;
	esac
	rm -rf "$_fn"
}

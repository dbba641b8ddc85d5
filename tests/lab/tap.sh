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
#   tap_done                  prints the plan "1..N"; returns 1 if any failed
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

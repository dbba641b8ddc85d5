#!/bin/bash
# t-completion.bash: the bash completion (completion/resolver-probe) as a
# user's shell runs it (TAP): commands, each command's options as its
# --help lists them, file names after FILE options, values of --format.
# Environment: srcdir, builddir.
. "$srcdir/tests/lab/tap.sh"
comp=/usr/share/bash-completion/bash_completion
if [ ! -r "$comp" ]; then
	echo "1..0 # SKIP bash-completion is not installed (tests/install-deps)"
	exit 0
fi
# bash_completion expects an interactive shell's settings.
set +o posix
. "$comp"
. "$srcdir/completion/resolver-probe"
PATH=$builddir/resolver-probe:$PATH
P=$builddir/resolver-probe/resolver-probe

# complete LINE: COMPREPLY, sorted, space separated, for the cursor at the
# end of LINE (a trailing space starts a new word).
complete_line() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -ra COMP_WORDS <<< "$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_resolver_probe resolver-probe "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect LINE WANT: the completions of LINE are exactly WANT.
expect() {
	is "complete '$1'" "$(complete_line "$1")" "$2"
}

cmds=$("$P" --help | awk '/^commands:/ { c = 1; next } /^$/ { c = 0 }
	c && /^  [a-z]/ { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
expect "resolver-probe " "$cmds"
expect "resolver-probe sc" "scan"
expect "resolver-probe --v" "--version"
expect "resolver-probe scan --sh" "--shard --shards"
expect "resolver-probe dane --he" "--helo --help"
expect "resolver-probe report --h" "--help --html"
expect "resolver-probe scan --format " "csv json"
expect "resolver-probe scan --rate " ""
expect "resolver-probe truth --ver" "--version"

# Every long option of every command's --help is offered after "--".
for c in $cmds; do
	want=$("$P" "$c" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' |
		sort -u | tr '\n' ' ' | sed 's/ $//')
	expect "resolver-probe $c --" "$want"
done

# File names after an option that takes a FILE, and for report's input.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/targets.txt"
: > "$tmp/tlist"
mkdir "$tmp/tdir"
cd "$tmp" || exit 1
expect "resolver-probe scan -f t" "targets.txt tdir tlist"
expect "resolver-probe scan --targets targ" "targets.txt"
expect "resolver-probe query --providers tl" "tlist"
expect "resolver-probe report tar" "targets.txt"
tap_done

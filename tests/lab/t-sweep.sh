#!/bin/sh
# t-sweep.sh: scanning address space as a hunter does (TAP).  Shards run
# as the README says (separate processes, no --seed) partition the
# targets.
. "$LAB_SRCDIR/tests/lab/tap.sh"

P=$LAB_BUILDDIR/resolver-probe/resolver-probe
export RESOLVER_PROBE_DATADIR="$LAB_SRCDIR/data"
if [ ! -x "$P" ] || [ -z "$LAB_POPULATION" ]; then
	echo "1..0 # SKIP no resolver-probe or no population in this lab"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# resolvers FILE: every line's resolver, sorted (repeats kept).
resolvers() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["resolver"])' "$1" | sort
}

# 1. Shards as a user runs them: one process per shard, the same targets,
# no --seed.  Together they cover every target once, and no two overlap.
awk -F'\t' '!/^#/ && $4 !~ /silent/ { print $1 }' "$LAB_POPULATION_MANIFEST" |
	head -n 200 > "$T/shard.targets"
sort "$T/shard.targets" > "$T/shard.want"
for n in 2 3; do
	i=0
	: > "$T/shard.all"
	while [ $i -lt $n ]; do
		$P scan -q --blocklist "$LAB_BLOCKLIST" --queries example.com/A \
			--timeout 1 --retries 2 --shards $n --shard $i \
			-f "$T/shard.targets" -o "$T/shard.$n.$i" \
			2> "$T/shard.$n.$i.err"
		is "--shards $n --shard $i without --seed: exit 0" "$?" 0
		resolvers "$T/shard.$n.$i" > "$T/shard.$n.$i.got"
		cat "$T/shard.$n.$i.got" >> "$T/shard.all"
		i=$((i + 1))
	done
	is "--shards $n: the union is every target, each once" \
		"$(sort "$T/shard.all" | diff - "$T/shard.want" | head -5)" ""
	is "--shards $n: shards 0 and 1 share no target" \
		"$(comm -12 "$T/shard.$n.0.got" "$T/shard.$n.1.got" | head -5)" ""
	check "--shards $n: each shard has some targets" \
		test -s "$T/shard.$n.0.got" -a -s "$T/shard.$n.1.got"
	check "--shards $n: the seed is said to come from the targets" \
		grep -q "shard 0 of $n (0-based), seed [0-9]* (from the targets" \
		"$T/shard.$n.0.err"
done

tap_done

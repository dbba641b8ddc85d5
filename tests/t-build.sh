#!/bin/sh
# t-build.sh: the program under test is the build configure described: a
# tree configured with --enable-sanitizers runs a binary with ASan in it,
# one configured without runs one without (config.h carries the flags, so
# reconfiguring one tree rebuilds every object).
# Environment: builddir (config.h and the built program).
. "$srcdir/tests/lab/tap.sh"
P=$builddir/resolver-probe/resolver-probe
if ! command -v nm > /dev/null; then
	echo "1..0 # SKIP nm (binutils) is not installed"
	exit 0
fi
asan=no
nm -D "$P" 2> /dev/null | grep -q '__asan_init' && asan=yes
if grep -q '^#define BUILD_SANITIZERS 1' "$builddir/config.h"; then
	is "configured with sanitizers: the binary has ASan" "$asan" yes
else
	is "configured without sanitizers: the binary has no ASan" "$asan" no
fi
flags=$(sed -n 's/^#define BUILD_CFLAGS "\(.*\)"$/\1/p' "$builddir/config.h")
check "config.h carries the build's flags" test -n "$flags"
tap_done

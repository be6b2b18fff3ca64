#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: JSLite's compiler (`tasklet compile`): peak memory as a multiple
# of the source and time, beside lua5.4 loading the same program written in
# Lua and node --jitless --check parsing the same JavaScript, measured in the
# same run; and whether compile time stays linear in top-level bindings.
#
# Sources (generated here):
#   oneline  1M statements `x = x + 1;`, one per line (issue 8's case), 11 MB
#   mixed    20,000 blocks of a function (a for loop), an object literal with
#            an array and a nested object, if/else, while, member reads: 5 MB
#   lets     20,000 and 40,000 top-level `let vN = N` (issue 8: "compile time
#            grows superlinearly with top-level bindings")
#
# Printed per source and runtime: the median (RUNS runs, default 3) of the
# peak RSS above that runtime's own start-up RSS (GNU time's %M of a run on an
# empty program), as MiB and as a multiple of the source's size; the median
# wall time; and our peak and time as ratios of each anchor's. For lets: the
# median compile CPU time (user + system) of each and their ratio (2.0 is linear).
#
#   sh bench/compile.sh [build/tasklet]
#   RUNS=5 sh bench/compile.sh
#   COMPILE_LINES=200000 sh bench/compile.sh     a smaller oneline source
set -eu
BIN=${1:-build/tasklet}
RUNS=${RUNS:-3}
LINES=${COMPILE_LINES:-1000000}
BLOCKS=${COMPILE_BLOCKS:-20000}
TIME=/usr/bin/time

if ! [ -x "$TIME" ] || ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "compile.sh: needs GNU time at $TIME (apt-get install time)" >&2
	exit 2
fi
have() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d "/tmp/tasklet-compile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# ---- the sources ---------------------------------------------------------------
awk -v n="$LINES" 'BEGIN {
	print "let x = 0;"
	for (i = 0; i < n; i++) print "x = x + 1;"
	print "console.log(x);"
}' >"$tmp/oneline.js"
awk -v n="$LINES" 'BEGIN {
	print "x = 0"
	for (i = 0; i < n; i++) print "x = x + 1"
	print "print(x)"
}' >"$tmp/oneline.lua"
awk -v n="$BLOCKS" 'BEGIN {
	print "let x = 0, t = 0;"
	for (i = 0; i < n; i++) {
		printf "function f_%d(a, b) {\n\tlet s = 0;\n", i
		printf "\tfor (let j = 0; j < a; j++) s += j * b;\n\treturn s;\n}\n"
		printf "const o_%d = { name: \"item %d\", vals: [%d, %d, %d], k: { v: %d } };\n",
		       i, i, i, i + 1, i + 2, i % 7
		printf "if (o_%d.k.v > 3) x += f_%d(3, o_%d.vals[1]);\nelse x -= o_%d.vals.length;\n",
		       i, i, i, i
		printf "while (x > 1e9) x = x / 2;\nt = t + o_%d.name.length;\n", i
	}
	print "console.log(x, t);"
}' >"$tmp/mixed.js"
awk -v n="$BLOCKS" 'BEGIN {
	print "x = 0; t = 0"
	for (i = 0; i < n; i++) {
		printf "function f_%d(a, b)\n\tlocal s = 0\n", i
		printf "\tfor j = 0, a - 1 do s = s + j * b end\n\treturn s\nend\n"
		printf "o_%d = { name = \"item %d\", vals = {%d, %d, %d}, k = { v = %d } }\n",
		       i, i, i, i + 1, i + 2, i % 7
		printf "if o_%d.k.v > 3 then x = x + f_%d(3, o_%d.vals[2])\nelse x = x - #o_%d.vals end\n",
		       i, i, i, i
		printf "while x > 1e9 do x = x / 2 end\nt = t + #o_%d.name\n", i
	}
	print "print(x, t)"
}' >"$tmp/mixed.lua"
for n in 20000 40000; do
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "let v%d = %d\n", i, i
		printf "v0 + v%d\n", n - 1 }' >"$tmp/lets$n.js"
done
echo 'let x = 0;' >"$tmp/empty.js"
echo 'x = 0' >"$tmp/empty.lua"

# ---- measuring -------------------------------------------------------------------
# The runtimes: how each compiles (and does not run) a file.
run_ours() { "$BIN" compile "$1.js"; }
run_lua() { lua5.4 -e "assert(loadfile('$1.lua'))"; }
run_node() { node --jitless --check "$1.js" 2>/dev/null; }
rts="ours"
have lua5.4 && rts="$rts lua"
have node && rts="$rts node"

# --one RT BASE: the child GNU time measures, so that RSS is the runtime's own.
if [ "${1:-}" = "--one" ]; then
	BIN=$2
	"run_$3" "$4" >/dev/null
	exit
fi

# measure RT BASE: RUNS runs; "KiB wall-us cpu-us" per line into $tmp/RT.BASE.
measure() {
	: >"$tmp/$1.$(basename "$2")"
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		if ! "$TIME" -f '%M %U %S' -o "$tmp/rss" "$0" --one "$BIN" "$1" "$2" 2>"$tmp/err"; then
			echo "compile.sh: $1 failed on $(basename "$2"):" >&2
			tail -n 5 "$tmp/err" >&2
			exit 1
		fi
		t1=$(date +%s%N)
		tail -n 1 "$tmp/rss" | awk -v w=$(((t1 - t0) / 1000)) \
			'{ printf "%d %d %d\n", $1, w, ($2 + $3) * 1e6 }' >>"$tmp/$1.$(basename "$2")"
		r=$((r + 1))
	done
}

# med FILE FIELD: the median of column FIELD.
med() {
	awk -v f="$2" '{ print $f }' "$1" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

printf '%-8s %8s  %-6s %10s %9s %8s %9s %9s\n' source "src MiB" rt "peak MiB" "x source" \
	"time s" "peak us/" "time us/"
for src in oneline mixed; do
	bytes=$(wc -c <"$tmp/$src.js")
	for rt in $rts; do
		measure "$rt" "$tmp/empty"
		measure "$rt" "$tmp/$src"
	done
	for rt in $rts; do
		base=$(med "$tmp/$rt.empty" 1)
		peak=$(med "$tmp/$rt.$src" 1)
		us=$(med "$tmp/$rt.$src" 2)
		echo "$rt $((peak - base)) $us" >>"$tmp/rows.$src"
	done
	opeak=$(awk '$1 == "ours" { print $2 }' "$tmp/rows.$src")
	ous=$(awk '$1 == "ours" { print $3 }' "$tmp/rows.$src")
	while read -r rt kib us; do
		awk -v s="$src" -v b="$bytes" -v rt="$rt" -v k="$kib" -v us="$us" -v ok="$opeak" \
			-v ous="$ous" 'BEGIN {
			printf "%-8s %8.1f  %-6s %10.1f %9.1f %8.2f %9s %9s\n", s, b / 1048576, rt,
			       k / 1024, k * 1024 / b, us / 1e6,
			       rt == "ours" ? "" : sprintf("%.2f", ok / (k > 0 ? k : 1)),
			       rt == "ours" ? "" : sprintf("%.2f", ous / (us > 0 ? us : 1))
		}'
	done <"$tmp/rows.$src"
done

measure ours "$tmp/lets20000"
measure ours "$tmp/lets40000"
t20=$(med "$tmp/ours.lets20000" 3)
t40=$(med "$tmp/ours.lets40000" 3)
awk -v a="$t20" -v b="$t40" 'BEGIN {
	printf "lets: 20,000 top-level lets %.3f s of CPU, 40,000 %.3f s: x%.2f for twice the bindings (2.0 is linear)\n",
	       a / 1e6, b / 1e6, b / (a > 0 ? a : 1)
}'

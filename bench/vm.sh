#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the JSLite VM (`tasklet exec`) against its anchors, measured in
# the same run: lua5.4, luajit -joff (interpreter only) and node --jitless
# where installed. Prints the median wall time of RUNS runs per program and
# our time as a ratio of each anchor's (lower is better for us).
set -eu
BIN=${1:-build/tasklet}
RUNS=${RUNS:-5}
DIR=$(dirname "$0")/vm

# median_ms CMD...: run CMD RUNS times, print the median wall time in ms.
median_ms() {
	i=0
	: >"$tmpf"
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; echo "nan"; return; }
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$tmpf"
		i=$((i + 1))
	done
	sort -n "$tmpf" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

tmpf=$(mktemp)
trap 'rm -f "$tmpf"' EXIT

printf '%-8s %12s %12s %12s %12s %9s %9s %9s\n' program "tasklet ms" "lua5.4 ms" \
	"luajit-joff" "node-jitless" "vs lua" "vs luajit" "vs node"
for p in fib loop; do
	ours=$(median_ms "$BIN" exec "$DIR/$p.jsl")
	lua=nan; lj=nan; nd=nan
	command -v lua5.4 >/dev/null && lua=$(median_ms lua5.4 "$DIR/$p.lua")
	command -v luajit >/dev/null && lj=$(median_ms luajit -joff "$DIR/$p.lua")
	command -v node >/dev/null && nd=$(median_ms node --jitless "$DIR/$p.js")
	awk -v p="$p" -v o="$ours" -v l="$lua" -v j="$lj" -v n="$nd" 'BEGIN {
		r1 = (l > 0) ? sprintf("%.2fx", o / l) : "-";
		r2 = (j > 0) ? sprintf("%.2fx", o / j) : "-";
		r3 = (n > 0) ? sprintf("%.2fx", o / n) : "-";
		printf "%-8s %12s %12s %12s %12s %9s %9s %9s\n", p, o, l, j, n, r1, r2, r3 }'
done
echo "(median of $RUNS runs each, wall time including start-up; ratio = ours / anchor)"

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the JSLite VM (`tasklet exec`) against its anchors, measured in
# the same run: lua5.4, luajit -joff (interpreter only) and node --jitless,
# where installed, on the programs of bench/vm/ (bench/README.md lists them).
#
# Each program runs RUNS times (default 5) under each runtime, the runtimes
# interleaved run by run so that a slow phase of a shared machine hits all of
# them. Printed per program: the median wall time of each (seconds, start-up
# included), our time as a ratio of each anchor's (lower is better for us),
# and the median peak RSS of ours and of lua5.4 (MiB, from GNU time's %M).
# The last row is the geometric mean of each ratio column.
#
# Every run's stdout must equal node's (our "=> value" result line aside): a
# wrong answer is reported as WRONG and makes the suite exit 1.
#
#   sh bench/vm.sh [build/tasklet]
#   RUNS=9 sh bench/vm.sh                 more runs per figure
#   VM_PROGS="fib nbody" sh bench/vm.sh   some programs only
set -eu
BIN=${1:-build/tasklet}
RUNS=${RUNS:-5}
DIR=$(dirname "$0")/vm
PROGS=${VM_PROGS:-"fib loop nbody sieve quicksort strjoin fannkuch spectralnorm binarytrees json"}
# The sieve keeps a 10M-element array (80 MB): above the 64 MiB a Tasklet gets by default.
HEAP_MIB=${VM_HEAP_MIB:-1024}
TIME=/usr/bin/time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

have() { command -v "$1" >/dev/null 2>&1; }
have_time=0
[ -x "$TIME" ] && "$TIME" -f %M true >/dev/null 2>&1 && have_time=1

# The runtimes: name, then how to run program $p (a function per runtime).
rt_names="ours"
have lua5.4 && rt_names="$rt_names lua"
have luajit && rt_names="$rt_names luajit"
have node && rt_names="$rt_names node"

run_ours() { "$BIN" exec --heap-limit "$HEAP_MIB" "$DIR/$1.js"; }
run_lua() { lua5.4 "$DIR/$1.lua"; }
run_luajit() { luajit -joff "$DIR/$1.lua"; }
run_node() { node --jitless "$DIR/$1.js"; }

# one RT P N: run P under RT once; append seconds to $tmp/RT.t, KiB to $tmp/RT.m;
# stdout to $tmp/RT.out (our result line "=> ..." removed). Non-zero on failure.
one() {
	t0=$(date +%s%N)
	if [ $have_time = 1 ]; then
		"$TIME" -f %M -o "$tmp/rss" "$0" --one "$BIN" "$1" "$2" >"$tmp/$1.raw" 2>"$tmp/$1.err" ||
			return 1
	else
		"$0" --one "$BIN" "$1" "$2" >"$tmp/$1.raw" 2>"$tmp/$1.err" || return 1
	fi
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000)) >>"$tmp/$1.t"
	[ $have_time = 1 ] && tail -n 1 "$tmp/rss" >>"$tmp/$1.m"
	sed '${/^=> /d;}' "$tmp/$1.raw" >"$tmp/$1.out"
}

# median FILE: the median of the numbers in FILE ("nan" when there are none).
median() {
	[ -s "$1" ] || { echo nan; return; }
	sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# --one BIN RT P: the child that GNU time measures (so RSS is the runtime's own).
if [ "${1:-}" = "--one" ]; then
	BIN=$2
	"run_$3" "$4"
	exit
fi

fail=0
: >"$tmp/rows"
printf '%-12s %8s %8s %8s %8s %8s %8s %8s %9s %9s %7s\n' program ours lua5.4 \
	luajit-j node-jl "/lua" "/luajit" "/node" "RSS MiB" "lua MiB" "RSS/lua"
for p in $PROGS; do
	for rt in $rt_names; do
		: >"$tmp/$rt.t"
		: >"$tmp/$rt.m"
	done
	# node's output is the reference, as in tests/jslite/; without node, lua5.4's.
	ref=""
	have node && { node "$DIR/$p.js" >"$tmp/ref" 2>/dev/null && ref=$tmp/ref; } || true
	bad=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		for rt in $rt_names; do
			case " $bad " in *" $rt "*) continue ;; esac
			if ! one "$rt" "$p"; then
				echo "$p: $rt failed: $(head -c 300 "$tmp/$rt.err")" >&2
				bad="$bad $rt"
				continue
			fi
			if [ -n "$ref" ] && ! cmp -s "$ref" "$tmp/$rt.out"; then
				echo "$p: $rt printed a WRONG answer:" >&2
				diff "$ref" "$tmp/$rt.out" | head -n 5 >&2 || true
				bad="$bad $rt"
			fi
		done
		i=$((i + 1))
	done
	case " $bad " in *" ours "*) fail=1 ;; esac
	vals=""
	for rt in ours lua luajit node; do
		v=nan
		[ -f "$tmp/$rt.t" ] && v=$(median "$tmp/$rt.t")
		case " $bad " in *" $rt "*) v=FAILED ;; esac
		vals="$vals $v"
	done
	rss_o=$(median "$tmp/ours.m")
	rss_l=nan
	[ -f "$tmp/lua.m" ] && rss_l=$(median "$tmp/lua.m")
	case " $bad " in *" lua "*) rss_l=nan ;; esac
	echo "$p $vals $rss_o $rss_l" >>"$tmp/rows"
done
awk -v runs="$RUNS" '
	function sec(us) { return (us ~ /^[0-9]+$/) ? sprintf("%.2f", us / 1e6) : (us == "nan" ? "-" : us) }
	function ratio(a, b, k) {
		if (a !~ /^[0-9]+$/ || b !~ /^[0-9]+$/ || b == 0) return "-"
		lg[k] += log(a / b); n[k]++
		return sprintf("%.2fx", a / b)
	}
	function mib(kb) { return (kb ~ /^[0-9]+$/) ? sprintf("%.1f", kb / 1024) : "-" }
	{
		r1 = ratio($2, $3, 1); r2 = ratio($2, $4, 2); r3 = ratio($2, $5, 3)
		rr = ($6 ~ /^[0-9]+$/ && $7 ~ /^[0-9]+$/ && $7 > 0) ? sprintf("%.2fx", $6 / $7) : "-"
		if (rr != "-") { lg[4] += log($6 / $7); n[4]++ }
		printf "%-12s %8s %8s %8s %8s %8s %8s %8s %9s %9s %7s\n", $1, sec($2), sec($3),
			sec($4), sec($5), r1, r2, r3, mib($6), mib($7), rr
	}
	END {
		for (k = 1; k <= 4; k++) g[k] = n[k] ? sprintf("%.2fx", exp(lg[k] / n[k])) : "-"
		printf "%-12s %8s %8s %8s %8s %8s %8s %8s %9s %9s %7s\n", "geomean", "", "", "",
			"", g[1], g[2], g[3], "", "", g[4]
		printf "(median of %d runs each, wall seconds including start-up; ratio = ours / anchor, lower is better)\n", runs
	}' "$tmp/rows"
[ $fail = 0 ] || echo "vm.sh: tasklet exec failed or printed a wrong answer (above)" >&2
exit $fail

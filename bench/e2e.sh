#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: end to end: N small Tasklets (one in five Priority('True'))
# through a real `tasklet trader` and two real `tasklet container --workers 1`
# processes on 127.0.0.1, submitted with the C API in batches, and N_SEQ of
# them one at a time (unloaded latency); then the C API's embedded default;
# against the anchor of the same Tasklets compiled and run in-process
# (jsl_compile + vm_run). Prints the median over RUNS runs
# of Tasklets/s and of the median and 99th-percentile latency, and each row's
# throughput as a ratio of the local anchor's (higher is better for us; the
# gap is what distribution costs). Every result is checked: a wrong or
# missing one fails the bench.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-5}
N=${N:-2000}
BATCH=${BATCH:-100}
N_SEQ=${N_SEQ:-500}
E2E="$BUILD/bench/e2e_bench"

WHO=e2e
. "$(dirname "$0")/../scripts/lib.sh"
with_tmpdir bench-e2e

"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
pids="$pids $!"
tpid=$!
cpids=""
wait_for "$tmp/trader.addr" ':'
TRADER=$(head -n 1 "$tmp/trader.addr")
for c in c1 c2; do
	"$BIN" container --trader "$TRADER" --name "$c" --workers 1 2>"$tmp/$c.log" &
	pids="$pids $!"
	cpids="$cpids $!"
done
wait_for "$tmp/trader.log" 'container c1 registered'
wait_for "$tmp/trader.log" 'container c2 registered'

# run_mode NAME COUNT BATCH ARGS...: RUNS runs of e2e_bench, one result line
# per run in $tmp/NAME (fields: 2 = tps, 4 = p50, 6 = p99, 8 = CPU per Tasklet).
run_mode() {
	name=$1 count=$2 batch=$3
	shift 3
	runs "$name" "$E2E" -n "$count" -b "$batch" "$@"
}

run_mode local "$N" 1 --local
# ticks PID...: the CPU time (user + system, clock ticks) the processes used so far.
ticks() {
	for p in "$@"; do cat "/proc/$p/stat"; done |
		awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s }'
}
t0=$(ticks $tpid) c0=$(ticks $cpids)
run_mode trader "$N" "$BATCH" --trader "$TRADER"
t1=$(ticks $tpid) c1=$(ticks $cpids)
run_mode seq "$N_SEQ" 1 --trader "$TRADER"
run_mode embedded "$N" "$BATCH" --embedded
run_mode input "$N" "$BATCH" --trader "$TRADER" -i
run_mode inputlocal "$N" 1 --local -i

anchor=$(median local 2)
printf '%-34s %10s %10s %10s %9s\n' "N=$N, batches of $BATCH" "Tasklets/s" "p50 us" \
	"p99 us" "vs local"
for m in trader seq embedded input local; do
	case $m in
	trader) label="trader + 2 containers (processes)" ;;
	seq) label="  same, one at a time (N=$N_SEQ)" ;;
	embedded) label="embedded default (in-process)" ;;
	input) label="one program, K as input (cached)" ;;
	local) label="local: jsl_compile + vm_run" ;;
	esac
	awk -v l="$label" -v t="$(median $m 2)" -v p="$(median $m 4)" -v q="$(median $m 6)" \
		-v a="$([ $m = input ] && median inputlocal 2 || echo "$anchor")" 'BEGIN {
		printf "%-34s %10s %10s %10s %9s\n", l, t, p, q,
			(a + 0 > 0) ? sprintf("%.3fx", t / a) : "-" }'
done
awk -v a="$(median trader 8)" -v t=$((t1 - t0)) -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
	-v n=$((N * RUNS)) 'BEGIN {
	printf "CPU per Tasklet, trader row (user + system, us): application %.1f, trader %.1f, " \
		"2 containers %.1f; total %.1f\n", a, t * 1e6 / hz / n, c * 1e6 / hz / n,
		a + (t + c) * 1e6 / hz / n }'
echo "(median of $RUNS runs each; 20% Priority('True'); latency = submit to result," \
	"local = compile + run; ratio = Tasklets/s ours / local; the input row's local" \
	"compiles the same program and attaches the input each time)"

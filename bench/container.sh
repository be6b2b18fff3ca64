#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the container fed locally (bench/container_bench.c): no-op
# Tasklets through a real container's workers with no network, against the
# anchor of the VM running the same Tasklet alone in one thread, for 1, 2, ...
# workers up to the CPUs here; then priority waiting time while economy is
# flooded, with and without idle workers stealing priority work. Medians of
# RUNS runs.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-5}
N=${N:-100000}
NFLOOD=${NFLOOD:-400}
NFLONG=${NFLONG:-150} # priority Tasklets per run with ~20 ms economy runs
CB="$BUILD/bench/container_bench"
CPUS=$(nproc)

tmp=$(mktemp -d /tmp/tasklet-bench-container.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WHO=container
. "$(dirname "$0")/../scripts/lib.sh"

# runs NAME ARGS...: RUNS runs, one output line each, into $tmp/NAME.
runs() {
	name=$1
	shift
	: >"$tmp/$name"
	r=0
	while [ $r -lt "$RUNS" ]; do
		"$CB" "$@" >>"$tmp/$name" || { echo "container: $name failed" >&2; exit 1; }
		r=$((r + 1))
	done
}

median() {
	awk -v f="$2" '{ print $f }' "$tmp/$1" | sort -g |
		awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

ws="1"
w=2
while [ $w -le "$CPUS" ]; do
	ws="$ws $w"
	w=$((w * 2))
done
# Interleave the anchor with ours, so a noisy moment hurts both.
r=0
: >"$tmp/vm"
for w in $ws; do : >"$tmp/w$w"; done
while [ $r -lt "$RUNS" ]; do
	"$CB" --vm -n "$N" >>"$tmp/vm"
	for w in $ws; do "$CB" --workers "$w" -n "$N" >>"$tmp/w$w"; done
	r=$((r + 1))
done
vm_ns=$(median vm 4)
printf '%-34s %12s %12s %14s %10s\n' "no-op Tasklets, N=$N" "Tasklets/s" "per worker" \
	"ns/Tasklet" "vs VM"
awk -v t="$(median vm 2)" -v n="$vm_ns" 'BEGIN {
	printf "%-34s %12.0f %12.0f %14.0f %10s\n", "VM alone (vm_run loop, 1 thread)", t, t, n, "1.00x" }'
for w in $ws; do
	awk -v w="$w" -v t="$(median "w$w" 2)" -v v="$(median vm 2)" 'BEGIN {
		printf "%-34s %12.0f %12.0f %14.0f %10s\n", "container, " w " worker" (w > 1 ? "s" : ""),
			t, t / w, 1e9 / t, sprintf("%.2fx", t / v) }'
done
awk -v o="$(median w1 4)" -v n="$vm_ns" 'BEGIN {
	printf "container cost per Tasklet at 1 worker: %.0f ns (its time per Tasklet minus the VM'"'"'s)\n", o - n }'
echo

runs flood --flood --workers "$CPUS" -n "$NFLOOD"
runs flood_nosteal --flood --workers "$CPUS" -n "$NFLOOD" --no-steal-priority
# Long economy runs (~20 ms): a priority Tasklet no longer waits for the run
# in progress, which pauses between two fuel slices; --no-preempt as before.
runs flood_long --flood --workers "$CPUS" -n "$NFLONG" --econ-iters 2000000
runs flood_long_np --flood --workers "$CPUS" -n "$NFLONG" --econ-iters 2000000 --no-preempt
printf '%-44s %12s %12s %14s\n' "economy flood, $CPUS workers, prio every 2 ms" "prio p50 us" \
	"prio p99 us" "econ p50 us"
for m in flood flood_nosteal flood_long flood_long_np; do
	case $m in
	flood) label="idle workers steal priority first" ;;
	flood_nosteal) label="idle workers steal economy only" ;;
	flood_long) label="~20 ms economy runs, paused for priority" ;;
	flood_long_np) label="~20 ms economy runs, --no-preempt" ;;
	esac
	printf '%-44s %12s %12s %14s\n' "$label" "$(median $m 2)" "$(median $m 4)" "$(median $m 6)"
done
echo "(median of $RUNS runs each; queue times measured by the container: ready to dequeued;" \
	"economy Tasklets of ~20k loop iterations, 64 queued per worker)"
echo

# End to end, through a real trader and a container of $CPUS workers: what the
# application sees (submit to result) for priority no-ops every 20 ms while
# 16 economy Tasklets of ~200k iterations are always outstanding.
"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
pids="$pids $!"
wait_for "$tmp/trader.addr" ':'
TRADER=$(head -n 1 "$tmp/trader.addr")
"$BIN" container --trader "$TRADER" --name flood --workers "$CPUS" 2>"$tmp/c.log" &
pids="$pids $!"
wait_for "$tmp/trader.log" 'container flood registered'
: >"$tmp/pf"
r=0
while [ $r -lt "$RUNS" ]; do
	"$BUILD/bench/prio_flood" -t "$TRADER" -s 5 -o 16 -p 20 >>"$tmp/pf"
	r=$((r + 1))
done
printf '%-44s %12s %12s %14s\n' "end to end, trader + container, $CPUS workers" "prio p50 us" \
	"prio p99 us" "econ p50 us"
printf '%-44s %12s %12s %14s\n' "submit to result (bench/prio_flood.c)" "$(median pf 2)" \
	"$(median pf 4)" "$(median pf 6)"
echo "(median of $RUNS runs of 5 s; the figures before the per-worker queues are in bench/README.md)"

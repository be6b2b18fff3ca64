#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make bpf-cost`: what the container's USDT probes cost (bpf/README.md).
#  1. unattached: tests/bpf_driver --bench (probe sites compiled in) against the
#     same loop built with -DRT_NO_PROBES, interleaved ROUNDS times, pinned to one CPU;
#  2. attached by `tasklet top`: ns per probe hit with and without the wait-time
#     histogram, and the BPF programs' own run time (kernel.bpf_stats_enabled);
#  3. a real trader + container (--workers 1) fed N no-op Tasklets by
#     build/bench/e2e_bench: Tasklets/s and the container's CPU time per Tasklet
#     (all its threads, from /proc/PID/task/*/schedstat, so the kernel's uprobe
#     work counts) without and with `tasklet top` attached. At full load a
#     container's throughput is 1 / its CPU time per Tasklet; the CPU figure
#     is steadier than Tasklets/s on a shared machine.
# Parts 2 and 3 need root and bpffs; they are skipped with the reason otherwise.
set -eu
BIN=${1:-build/tasklet}
DRV_DIR=${2:-build/tests}
BUILD=$(dirname "$DRV_DIR")
ROUNDS=${ROUNDS:-5}
PAIRS=${PAIRS:-20000000}
APAIRS=${APAIRS:-1000000}
N=${N:-2000}
RUNS=${RUNS:-5}
CPU=${CPU:-1}

tmp=$(mktemp -d /tmp/tasklet-bpf-cost.XXXXXX)
pids=""
stats_was=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	[ -n "$stats_was" ] && sysctl -qw kernel.bpf_stats_enabled="$stats_was" || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WHO=bpf-cost
. "$(dirname "$0")/../scripts/lib.sh"

pin=""
command -v taskset >/dev/null && pin="taskset -c $CPU"

# field N of the driver's "bench pairs P min X median Y ns/pair": 5 = min, 7 = median
med() { sort -g "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "== 1. unattached: $PAIRS enqueue+dequeue pairs, $ROUNDS rounds x 7 runs, CPU $CPU =="
: >"$tmp/np"
: >"$tmp/p"
r=0
while [ $r -lt "$ROUNDS" ]; do
	$pin "$DRV_DIR/bpf_driver_noprobes" --bench "$PAIRS" | awk '{ print $5 }' >>"$tmp/np"
	$pin "$DRV_DIR/bpf_driver" --bench "$PAIRS" | awk '{ print $5 }' >>"$tmp/p"
	r=$((r + 1))
done
np=$(med "$tmp/np")
p=$(med "$tmp/p")
printf '%-44s %8s ns/pair (median of the per-round minima; rounds: %s)\n' \
	"built with -DRT_NO_PROBES" "$np" "$(tr '\n' ' ' <"$tmp/np")"
printf '%-44s %8s ns/pair (rounds: %s)\n' "probe sites + semaphores, unattached" "$p" \
	"$(tr '\n' ' ' <"$tmp/p")"
awk -v a="$np" -v b="$p" 'BEGIN { printf "%-44s %+8.2f ns/pair (%+.1f%%)\n", "difference", b - a, (b - a) * 100 / a }'

if [ "$(id -u)" -ne 0 ]; then
	echo "== 2, 3 skipped: need root =="
	exit 0
fi
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	echo "== 2, 3 skipped: no bpffs at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf) =="
	exit 0
fi

echo
echo "== 2. attached by tasklet top: $APAIRS pairs (2 probe hits each), CPU $CPU =="
stats_was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo "")
[ -n "$stats_was" ] && sysctl -qw kernel.bpf_stats_enabled=1
# attached LABEL TOPFLAGS...: one bench run under an attached tasklet top
attached() {
	label=$1
	shift
	$pin "$DRV_DIR/bpf_driver" --bench "$APAIRS" --runs 3 --wait-attached >"$tmp/a.out" &
	d=$!
	# taskset execs the driver: attach to the driver, not to taskset
	while ! readlink "/proc/$d/exe" | grep -q bpf_driver; do sleep 0.01; done
	"$BIN" top --pid "$d" --interval 600000 --max-workers 1 "$@" >/dev/null 2>"$tmp/top.err" &
	t=$!
	pids="$t"
	wait "$d"
	prog=""
	for n in tl_enqueue tl_dequeue; do
		prog="$prog $(bpftool -j prog show name "$n" 2>/dev/null |
			jq -r 'if type == "array" then .[0] else . end |
				if .run_cnt and .run_cnt > 0 then "\(.name) \(.run_time_ns / .run_cnt | floor) ns"
				else "" end')"
	done
	kill "$t"
	wait "$t" || true
	pids=""
	a=$(awk '{ print $5 }' "$tmp/a.out")
	awk -v a="$a" -v b="$p" -v l="$label" -v pr="$prog" 'BEGIN {
		printf "%-44s %8.1f ns/pair  %6.0f ns/hit  %5.2f M hits/s  (BPF body:%s)\n",
			l, a, (a - b) / 2, 2000 / a, pr }'
}
attached "histogram on (tasklet top)"
attached "histogram off (tasklet top --no-histogram)" --no-histogram

echo
echo "== 3. a container (--workers 1) fed $N no-op Tasklets in batches of 100, median of $RUNS =="
"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
pids="$!"
wait_for "$tmp/trader.addr" ':'
TRADER=$(head -n 1 "$tmp/trader.addr")
"$BIN" container --trader "$TRADER" --name bpfcost --workers 1 2>"$tmp/c.log" &
cpid=$!
pids="$pids $cpid"
wait_for "$tmp/trader.log" 'container bpfcost registered'
cpu_ns() { cat /proc/"$cpid"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }
# one LABEL: one e2e_bench run; Tasklets/s to $tmp/LABEL, container CPU us/Tasklet to $tmp/LABEL.cpu
one() {
	c0=$(cpu_ns)
	"$BUILD/bench/e2e_bench" -n "$N" -b 100 --trader "$TRADER" | awk '{ print $2 }' >>"$tmp/$1"
	c1=$(cpu_ns)
	awk -v a="$c0" -v b="$c1" -v n="$N" 'BEGIN { printf "%.1f\n", (b - a) / n / 1000 }' >>"$tmp/$1.cpu"
}
: >"$tmp/off"
: >"$tmp/on"
: >"$tmp/dep"
: >"$tmp/off.cpu"
: >"$tmp/on.cpu"
: >"$tmp/dep.cpu"
# under LABEL TOPFLAGS...: one run with tasklet top attached
under() {
	label=$1
	shift
	"$BIN" top --container bpfcost --interval 1000 "$@" >/dev/null 2>"$tmp/top.err" &
	t=$!
	sleep 1
	one "$label"
	kill "$t"
	wait "$t" || true
}
r=0
while [ $r -lt "$RUNS" ]; do
	one off
	under on
	under dep --depth-only
	r=$((r + 1))
done
off=$(med "$tmp/off")
on=$(med "$tmp/on")
dep=$(med "$tmp/dep")
offc=$(med "$tmp/off.cpu")
onc=$(med "$tmp/on.cpu")
depc=$(med "$tmp/dep.cpu")
probes=$(readelf -n "$BIN" | grep -A1 'Provider: tasklet' | awk '/Name:/ { print $2 }' | sort -u | tr '\n' ' ')
printf '%-44s %8s Tasklets/s (runs: %s)\n' "not attached" "$off" "$(tr '\n' ' ' <"$tmp/off")"
printf '%-44s %8s Tasklets/s (runs: %s)\n' "tasklet top attached" "$on" "$(tr '\n' ' ' <"$tmp/on")"
printf '%-44s %8s Tasklets/s (runs: %s)\n' "tasklet top --depth-only attached" "$dep" "$(tr '\n' ' ' <"$tmp/dep")"
printf '%-44s %8s us CPU/Tasklet (runs: %s)\n' "container CPU, not attached" "$offc" "$(tr '\n' ' ' <"$tmp/off.cpu")"
printf '%-44s %8s us CPU/Tasklet (runs: %s)\n' "container CPU, tasklet top" "$onc" "$(tr '\n' ' ' <"$tmp/on.cpu")"
printf '%-44s %8s us CPU/Tasklet (runs: %s)\n' "container CPU, tasklet top --depth-only" "$depc" "$(tr '\n' ' ' <"$tmp/dep.cpu")"
awk -v a="$offc" -v b="$onc" -v c="$depc" 'BEGIN {
	printf "%-44s %+8.1f us/Tasklet: full-load throughput %+.1f%%\n", "cost, tasklet top", b - a, (a / b - 1) * 100
	printf "%-44s %+8.1f us/Tasklet: full-load throughput %+.1f%%\n", "cost, tasklet top --depth-only", c - a, (a / c - 1) * 100 }'
echo "(probes in $BIN: $probes)"

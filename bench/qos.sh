#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the QoS benches of tasklet-qos(7), with a real trader and
# four real containers on 127.0.0.1 (each its own --host):
#  1. tail latency with replicas (Shadow, §5): three containers delay each
#     start by lognormal(5 ms, 0.3), one by lognormal(40 ms, 0.3); single
#     placement (bursts of 4 Tasklets) against FaultTolerance(2) (bursts of
#     2: the same 4 placements per burst); p50 and p99 of the latency, and
#     their ratio, beside Shadow's -25% median / -17.7% p99 with two replicas.
#  2. reliability under drops (QBox, §3): every container drops 20% of what
#     it is given; Deadline(300) alone against Deadline(300) with
#     Reliability(0.99): the share answered by the deadline, and the work
#     spent (placements per Tasklet: retransmissions and replicas).
# Medians over RUNS runs. Every answer is checked.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-5}
N=${N:-200}
NREL=${NREL:-100}
QB="$BUILD/bench/qos_bench"

WHO=qos
. "$(dirname "$0")/../scripts/lib.sh"
with_tmpdir bench-qos

# cluster NAME INJECT1 INJECT2 INJECT3 INJECT4: a trader and four containers.
cluster() {
	stop_all
	LOG="$tmp/$1.trader.log"
	"$BIN" trader --listen 127.0.0.1:0 >"$tmp/$1.addr" 2>"$LOG" &
	pids="$pids $!"
	wait_for "$tmp/$1.addr" ':'
	TRADER=$(head -n 1 "$tmp/$1.addr")
	shift
	i=1
	for inj in "$@"; do
		"$BIN" container --trader "$TRADER" --name "q$i" --host "host$i" --workers 1 \
			--inject "$inj" 2>"$tmp/q$i.log" &
		pids="$pids $!"
		i=$((i + 1))
	done
	for i in 1 2 3 4; do
		wait_for "$LOG" "container q$i registered"
	done
}

# run NAME COUNT BURST FILE: RUNS runs of qos_bench (runs, median: scripts/lib.sh;
# median fields: 2 ok, 4 missed, 8 p50, 10 p99, 12 placements)
run() {
	runs "$1" "$QB" -t "$TRADER" -n "$2" -b "$3" -w 42 "$4"
}

printf 'let s = 0;\nfor (let i = 0; i < 2000; i++) s += i %% 7;\ns > 0 ? 42 : 0;\n' \
	>"$tmp/single.jsl"
{ echo "@QOS FaultTolerance(2)"; cat "$tmp/single.jsl"; } >"$tmp/ft2.jsl"
{ echo "@QOS Deadline(300)"; cat "$tmp/single.jsl"; } >"$tmp/dl.jsl"
{ echo "@QOS Deadline(300), Reliability('0.99')"; cat "$tmp/single.jsl"; } >"$tmp/rel.jsl"

fast=delay=lognormal:5:0.3
cluster tail "$fast,seed=1" "$fast,seed=2" "$fast,seed=3" "delay=lognormal:40:0.3,seed=4"
run single "$N" 4 "$tmp/single.jsl"
run ft2 "$N" 2 "$tmp/ft2.jsl"
s50=$(median single 8) s99=$(median single 10) f50=$(median ft2 8) f99=$(median ft2 10)
printf '%-44s %9s %9s %11s\n' "tail latency, N=$N, one slow container of 4" "p50 ms" "p99 ms" \
	"placements"
printf '%-44s %9s %9s %11s\n' "single placement (bursts of 4)" "$s50" "$s99" "$(median single 12)"
printf '%-44s %9s %9s %11s\n' "FaultTolerance(2) (bursts of 2)" "$f50" "$f99" "$(median ft2 12)"
awk -v a="$s50" -v b="$f50" -v c="$s99" -v d="$f99" 'BEGIN {
	printf "%-44s %8.1f%% %8.1f%%   (Shadow: -25%% / -17.7%%)\n", "FT(2) vs single",
		(b / a - 1) * 100, (d / c - 1) * 100 }'
echo

drop=drop=0.2
cluster rel "$drop,seed=5" "$drop,seed=6" "$drop,seed=7" "$drop,seed=8"
run dl "$NREL" 4 "$tmp/dl.jsl"
run rel "$NREL" 4 "$tmp/rel.jsl"
printf '%-44s %11s %11s %11s\n' "reliability, N=$NREL, every container drops 20%" "answered" \
	"missed" "placements"
for m in dl rel; do
	case $m in
	dl) label="Deadline(300)" ;;
	rel) label="Deadline(300), Reliability('0.99')" ;;
	esac
	awk -v l="$label" -v ok="$(median $m 2)" -v mi="$(median $m 4)" -v pl="$(median $m 12)" \
		-v n="$NREL" 'BEGIN { printf "%-44s %10.1f%% %11s %11s\n", l, ok * 100 / n, mi, pl }'
done
echo "(median of $RUNS runs each; answered = share with a result by the deadline;" \
	"placements = containers used per Tasklet)"

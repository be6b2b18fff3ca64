#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make eval`: the Tasklet paper's evaluation (its Table I,
# scenarios 1a, 1b, 2a, 2b and 3, and Figures 3-6), compressed in time by
# FACTOR (default 20), with a real trader and ten real container processes
# on 127.0.0.1 loaded by `tasklet load`; writes one CSV per scenario and the
# queue sizes over time under OUT (build/eval), draws the figures with
# gnuplot (PNG and SVG), prints a table per scenario and checks the paper's
# claims. bench/eval/README.md says what is compressed and how, and holds
# the figures measured here.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
FACTOR=${FACTOR:-20}
SERVICE_MS=${SERVICE_MS:-80}   # what a container spends per Tasklet (held worker + run)
CONTAINERS=${CONTAINERS:-10}
SCENARIOS=${SCENARIOS:-"1a 1b 2a 2b 3"}
EXTRA=${EXTRA:-1}               # also the Shadow and QBox experiments (figures 7 and 8)
OUT=${OUT:-$BUILD/eval}
here=$(dirname "$0")

mkdir -p "$OUT"
WHO=eval
. "$here/../../scripts/lib.sh"
with_tmpdir eval

# ms of a paper's seconds, compressed
ms() { awk -v s="$1" -v f="$FACTOR" 'BEGIN { printf "%d", s * 1000 / f }'; }

# A fresh trader and CONTAINERS containers, each one worker that holds every
# Tasklet for SERVICE_MS (minus the run, which is ~1 ms): the paper's ten
# slower containers on this 2-core machine (the hold takes no CPU).
cluster() {
	stop_all
	rm -f "$tmp/trader.addr"
	"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
	pids="$pids $!"
	wait_for "$tmp/trader.addr" ':'
	TRADER=$(head -n 1 "$tmp/trader.addr")
	ci=1
	while [ $ci -le "$CONTAINERS" ]; do
		"$BIN" container --trader "$TRADER" --name "e$ci" --workers 1 --queue 4096 --speed 100 \
			--inject "delay=lognormal:$((SERVICE_MS - 1)):0.02,seed=$ci" 2>"$tmp/e$ci.log" &
		pids="$pids $!"
		ci=$((ci + 1))
	done
	ci=1
	while [ $ci -le "$CONTAINERS" ]; do
		wait_for "$tmp/trader.log" "container e$ci registered" 60
		ci=$((ci + 1))
	done
}

# scenario NAME: Table I's settings, compressed
scenario() {
	case $1 in
	1a) set -- "--group 20:100:$(ms 2):$(ms 8)" 0 ;;
	1b) set -- "--group 20:200:$(ms 1):$(ms 4)" 0 ;;
	2a) set -- "--group 20:100:$(ms 2):$(ms 8)" 20 ;;
	2b) set -- "--group 20:200:$(ms 1):$(ms 4)" 20 ;;
	3) set -- "--group 10:200:$(ms 3):$(ms 9) --group 10:200:$(ms 1):$(ms 3):$(ms 120)" 20 ;;
	esac
	echo "$1" "$2"
}

# stats CSV CLASS: n p50 p90 p99 max of queue_ms
stats() {
	awk -F, -v c="$2" 'NR > 1 && $4 == c && $9 == "ok" { print $6 }' "$1" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "0 - - - -"; exit }
			q = "";
			split("0.5 0.9 0.99", p, " ");
			for (i = 1; i <= 3; i++) {
				k = int(p[i] * NR + 0.999999); if (k < 1) k = 1;
				q = q sprintf(" %.1f", v[k]) }
			printf "%d%s %.1f\n", NR, q, v[NR] }'
}

# queue sizes over time (10 ms steps) from the records: a Tasklet is queued
# from its submission to its dequeue (submit + queue_ms); columns: t_s,
# economy, priority, cumulative requests
queues() {
	awk -F, 'NR > 1 {
		e = ($4 == "priority") ? "p" : "e";
		ev[++n] = $1 " 1 " e; ev[++n] = ($1 + $6) " -1 " e; sub_t[++m] = $1 }
		END { for (i = 1; i <= n; i++) print ev[i]; for (i = 1; i <= m; i++) print sub_t[i] " 0 s" }' "$1" |
		sort -g | awk '
		{ t = $1; while (next_t <= t) { printf "%.2f %d %d %d\n", next_t / 1000, qe, qp, req; next_t += 10 }
		  if ($3 == "s") req++; else if ($3 == "e") qe += $2; else qp += $2 }
		END { printf "%.2f %d %d %d\n", next_t / 1000, qe, qp, req }'
}

fail=0
check() { # check DESCRIPTION CONDITION(awk expression on the named values)
	if awk "BEGIN { exit !($2) }"; then
		printf '   ok    %s\n' "$1"
	else
		printf '   FAIL  %s\n' "$1"
		fail=1
	fi
}

echo "Table I compressed ${FACTOR}x: $CONTAINERS containers, one worker each, ${SERVICE_MS} ms per Tasklet"
for s in $SCENARIOS; do
	groups=$(scenario "$s" | sed 's/ [0-9]*$//')
	share=$(scenario "$s" | awk '{ print $NF }')
	cluster
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	"$BIN" load --trader "$TRADER" $groups --priority-share "$share" --seed 7 \
		--csv "$OUT/scenario-$s.csv" 2>"$tmp/load-$s.err" || {
		echo "eval: scenario $s: tasklet load failed:" >&2
		cat "$tmp/load-$s.err" >&2
		exit 1
	}
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	queues "$OUT/scenario-$s.csv" >"$OUT/queues-$s.dat"
	# waiting time per Tasklet in order of submission: n, wait ms, priority?
	awk -F, 'NR > 1 { print $1, $6, ($4 == "priority") }' "$OUT/scenario-$s.csv" | sort -g |
		awk '{ print NR, $2, $3 }' >"$OUT/wait-$s.dat"
	set -- $(stats "$OUT/scenario-$s.csv" economy)
	en=$1 e50=$2 e90=$3 e99=$4 emax=$5
	set -- $(stats "$OUT/scenario-$s.csv" priority)
	pn=$1 p50=$2 p90=$3 p99=$4 pmax=$5
	util=$(awk -F, -v svc="$SERVICE_MS" -v c="$CONTAINERS" -v d="$secs" \
		'NR > 1 { busy += svc } END { printf "%.0f", 100 * busy / (c * d * 1000) }' \
		"$OUT/scenario-$s.csv")
	echo
	printf 'Scenario %s (%s s; utilisation %s%%): waiting time in the container, ms\n' "$s" \
		"$secs" "$util"
	printf '   %-9s %6s %8s %8s %8s %8s\n' class Tasklets p50 p90 p99 max
	printf '   %-9s %6s %8s %8s %8s %8s\n' economy "$en" "$e50" "$e90" "$e99" "$emax"
	[ "$pn" -gt 0 ] && printf '   %-9s %6s %8s %8s %8s %8s\n' priority "$pn" "$p50" "$p90" "$p99" "$pmax"
	S=$SERVICE_MS
	case $s in
	1a | 2a)
		check "underutilised: economy p99 stays under one service time ($e99 < $S)" "$e99 < $S"
		[ "$pn" -gt 0 ] && check "underutilised: priority p99 under one service time ($p99 < $S)" "$p99 < $S"
		;;
	1b)
		check "overutilised: economy waits grow (max $emax >= 10 service times)" "$emax >= 10 * $S"
		;;
	2b | 3)
		check "priority p99 within two service times ($p99 <= 2 x $S)" "$p99 <= 2 * $S"
		check "economy waits grow: p99 $e99 >= 5 x priority p99 $p99" "$e99 >= 5 * $p99"
		;;
	esac
	if [ "$s" = 3 ]; then
		peak=$(awk 'BEGIN { m = 0 } { if ($2 > m) { m = $2; t = $1 } } END { print t }' "$OUT/queues-3.dat")
		last=$(tail -n 1 "$OUT/queues-3.dat" | awk '{ print $2 }')
		check "after the surge the economy queue drains (peak at ${peak} s, ${last} left at the end)" "$last == 0"
	fi
done

# qcluster INJECT...: a trader and one single-worker container per INJECT
# spec, each its own host (for the replica and reliability experiments).
qcluster() {
	stop_all
	rm -f "$tmp/trader.addr"
	"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
	pids="$pids $!"
	wait_for "$tmp/trader.addr" ':'
	TRADER=$(head -n 1 "$tmp/trader.addr")
	qi=1
	for inj in "$@"; do
		"$BIN" container --trader "$TRADER" --name "q$qi" --host "qhost$qi" --workers 1 \
			--speed 100 --inject "$inj" 2>"$tmp/q$qi.log" &
		pids="$pids $!"
		qi=$((qi + 1))
	done
	qj=1
	while [ $qj -lt $qi ]; do
		wait_for "$tmp/trader.log" "container q$qj registered" 60
		qj=$((qj + 1))
	done
}

if [ "$EXTRA" = 1 ]; then
	QB="$BUILD/bench/qos_bench"
	printf 'let s = 0;\nfor (let i = 0; i < 2000; i++) s += i %% 7;\ns > 0 ? 42 : 0;\n' >"$tmp/q.jsl"
	{ echo "@QOS FaultTolerance(2)"; cat "$tmp/q.jsl"; } >"$tmp/q-ft2.jsl"
	# Shadow: one of four containers slow; single placement against two replicas.
	f=delay=lognormal:5:0.3
	qcluster "$f,seed=1" "$f,seed=2" "$f,seed=3" "delay=lognormal:40:0.3,seed=4"
	"$QB" -t "$TRADER" -n 400 -b 4 -w 42 -o "$OUT/cdf-single.dat" "$tmp/q.jsl" >"$tmp/s1" 2>>"$tmp/qb.err" ||
		exit 1
	"$QB" -t "$TRADER" -n 400 -b 2 -w 42 -o "$OUT/cdf-ft2.dat" "$tmp/q-ft2.jsl" >"$tmp/s2" 2>>"$tmp/qb.err" ||
		exit 1
	set -- $(cat "$tmp/s1") $(cat "$tmp/s2")
	echo
	echo "Replicas against tail latency (Shadow): one of four containers 8x slower"
	printf '   %-34s %8s %8s\n' "" "p50 ms" "p99 ms"
	printf '   %-34s %8s %8s\n' "single placement" "$8" "${10}"
	printf '   %-34s %8s %8s\n' "FaultTolerance(2)" "${22}" "${24}"
	check "two replicas cut the p99 (${24} < ${10} ms)" "${24} < ${10}"
	# QBox: the share answered by the deadline against the drop rate.
	echo
	echo "Reliability against drops (QBox): Deadline(300), four containers dropping a share"
	printf '   %-6s %22s %22s %14s\n' drop "answered, no Rel." "answered, Rel(0.99)" "placements"
	: >"$OUT/drops.dat"
	for d in 0 0.1 0.2 0.3 0.4; do
		qcluster "drop=$d,seed=5" "drop=$d,seed=6" "drop=$d,seed=7" "drop=$d,seed=8"
		{ echo "@QOS Deadline(300)"; cat "$tmp/q.jsl"; } >"$tmp/q-dl.jsl"
		{ echo "@QOS Deadline(300), Reliability('0.99')"; cat "$tmp/q.jsl"; } >"$tmp/q-rel.jsl"
		"$QB" -t "$TRADER" -n 100 -b 4 -w 42 "$tmp/q-dl.jsl" >"$tmp/d1" 2>>"$tmp/qb.err" || exit 1
		"$QB" -t "$TRADER" -n 100 -b 4 -w 42 "$tmp/q-rel.jsl" >"$tmp/d2" 2>>"$tmp/qb.err" || exit 1
		set -- $(cat "$tmp/d1") $(cat "$tmp/d2")
		echo "$d $2 ${16} ${26}" >>"$OUT/drops.dat"
		printf '   %-6s %21s%% %21s%% %14s\n' "$d" "$2" "${16}" "${26}"
	done
	last=$(tail -n 1 "$OUT/drops.dat")
	set -- $last
	check "Reliability(0.99) keeps at least 95% answered at ${1} drops (${3}%)" "$3 >= 95"
	stop_all
fi

if command -v gnuplot >/dev/null 2>&1; then
	for term in "pngcairo size 900,540 font ',11'" "svg size 900,540"; do
		ext=png
		case $term in svg*) ext=svg ;; esac
		gnuplot -e "term=\"$term\"; ext=\"$ext\"; dir=\"$OUT\"; svc=$SERVICE_MS; factor=$FACTOR" \
			"$here/figures.gp" 2>"$tmp/gnuplot.err" || {
			echo "eval: gnuplot failed:" >&2
			cat "$tmp/gnuplot.err" >&2
			exit 1
		}
	done
	echo
	echo "figures: $(ls "$OUT"/*.png | tr '\n' ' ')"
else
	echo "eval: gnuplot is missing (make deps installs gnuplot-nox): no figures" >&2
	fail=1
fi
exit $fail

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: end to end beside what a user would pick instead: the same
# tasks (a square; 20,000 iterations of s = (s + i*i) % 7) through a real
# trader and two real containers (one worker each, like e2e.sh) and
# through Celery with a Redis broker and result backend and two worker
# processes (Debian's python3-celery and redis-server), on this machine,
# in batches of BATCH and one at a time; Tasklets/s and p50/p99 latency,
# medians of RUNS runs, ratio ours/Celery. Ray's published single-node
# figures are printed for reference (other machines).
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-3}
N=${N:-1000}
BATCH=${BATCH:-100}
N_SEQ=${N_SEQ:-200}
PY=/usr/bin/python3
here=$(dirname "$0")

WHO=celery
. "$here/../scripts/lib.sh"
with_tmpdir bench-celery

if ! [ -x "$PY" ] || ! command -v redis-server >/dev/null ||
	! "$PY" -c 'import celery, redis' 2>/dev/null; then
	echo "celery: skipped: python3-celery, python3-redis or redis-server missing (make deps)"
	exit 0
fi
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 30000) }')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$tmp/redis.log" 2>&1 &
pids="$pids $!"
wait_for "$tmp/redis.log" 'Ready to accept connections'
export CELERY_REDIS="redis://127.0.0.1:$port/0"
(cd "$here/celery" && exec "$PY" -m celery -A tasks worker --concurrency 2 --pool prefork \
	--without-gossip --without-mingle --without-heartbeat -Q celery --loglevel INFO) \
	>"$tmp/celery.log" 2>&1 &
pids="$pids $!"
wait_for "$tmp/celery.log" 'ready' 60

"$BIN" trader --listen 127.0.0.1:0 >"$tmp/trader.addr" 2>"$tmp/trader.log" &
pids="$pids $!"
wait_for "$tmp/trader.addr" ':'
TRADER=$(head -n 1 "$tmp/trader.addr")
for c in c1 c2; do
	"$BIN" container --trader "$TRADER" --name "$c" --workers 1 2>"$tmp/$c.log" &
	pids="$pids $!"
done
wait_for "$tmp/trader.log" 'container c1 registered'
wait_for "$tmp/trader.log" 'container c2 registered'

for task in square compute; do
	flag=""
	[ $task = compute ] && flag=-c
	runs "ours-$task-b" "$BUILD/bench/e2e_bench" --trader "$TRADER" -n "$N" -b "$BATCH" $flag
	runs "ours-$task-1" "$BUILD/bench/e2e_bench" --trader "$TRADER" -n "$N_SEQ" -b 1 $flag
	runs "cel-$task-b" sh -c "cd '$here/celery' && exec '$PY' driver.py $task $N $BATCH"
	runs "cel-$task-1" sh -c "cd '$here/celery' && exec '$PY' driver.py $task $N_SEQ 1"
done

printf '%-30s %10s %9s %9s %10s %9s %9s %9s\n' "tasks, 2 workers, 127.0.0.1" "ours/s" \
	"p50 us" "p99 us" "Celery/s" "p50 us" "p99 us" "ours/Cel"
for task in square compute; do
	for m in b 1; do
		case $m in b) how="batches of $BATCH" ;; 1) how="one at a time" ;; esac
		awk -v l="$task, $how" -v o="$(median "ours-$task-$m" 2)" \
			-v op="$(median "ours-$task-$m" 4)" -v oq="$(median "ours-$task-$m" 6)" \
			-v c="$(median "cel-$task-$m" 2)" -v cp="$(median "cel-$task-$m" 4)" \
			-v cq="$(median "cel-$task-$m" 6)" 'BEGIN {
			printf "%-30s %10s %9s %9s %10s %9s %9s %9s\n", l, o, op, oq, c, cp, cq,
				(c + 0 > 0) ? sprintf("%.2fx", o / c) : "-" }'
	done
done
echo "(median of $RUNS runs each; ours: trader + 2 containers with one worker each, C API;"
echo " Celery 5.2 + Redis 7, prefork with 2 processes. For reference, not measured here:"
echo " Ray's published single-node figures are 896 tasks/s synchronous, 8.7k/s async)"

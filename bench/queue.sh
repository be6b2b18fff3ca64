#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the container's run queues (runtime/container/dq.h) against
# Concurrency Kit's ck_ring (SPSC and MPMC) and a mutex + condition variable
# ring: push+pop on one thread (ns per pair), and items per second from a
# producer pinned to CPU 0 to a consumer pinned to CPU 1. Prints the median
# of RUNS runs of each figure (each run itself the median of its timed
# chunks) and ours as a ratio of each anchor.
set -eu
BIN=${1:-build/tasklet} # unused; the same arguments as the other suites
BUILD=${2:-build}
RUNS=${RUNS:-5}
PAIRS=${PAIRS:-10000000} # push+pop pairs per same-thread run
ITEMS=${ITEMS:-4000000}  # items per cross-core run
WAKES=${WAKES:-300}      # wake-ups per wake-up run
QB="$BUILD/bench/queue_bench"

tmp=$(mktemp -d /tmp/tasklet-bench-queue.XXXXXX)
cur=""
cleanup() {
	if [ -n "$cur" ]; then
		kill "$cur" 2>/dev/null || true
		wait "$cur" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(getconf _NPROCESSORS_ONLN)" -lt 2 ]; then
	echo "queue: needs 2 CPUs (producer on CPU 0, consumer on CPU 1); skipped"
	exit 0
fi

median() {
	awk -v f="$2" '$f != "-" { print $f }' "$1" | sort -g |
		awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'
}

# one_run MODE IMPL N: append one line of queue_bench to $tmp/MODE-IMPL.
one_run() {
	"$QB" "$1" "$2" "$3" >>"$tmp/$1-$2" 2>"$tmp/err" &
	cur=$!
	if ! wait "$cur"; then
		cur=""
		echo "queue: queue_bench $* failed:" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	cur=""
}

PAIR_IMPLS="ring ring-b1 ring-thief dq ck-spsc ck-mpmc mutex"
XCORE_IMPLS="ring ring-b1 ring-thief dq dq-park ck-spsc ck-mpmc mutex"
r=0
while [ $r -lt "$RUNS" ]; do
	# Interleaved, so that a noisy moment hurts ours and the anchors alike.
	for i in $PAIR_IMPLS; do one_run pair "$i" "$PAIRS"; done
	for i in $XCORE_IMPLS; do one_run xcore "$i" "$ITEMS"; done
	for i in dq mutex; do one_run wake "$i" "$WAKES"; done
	r=$((r + 1))
done

label() {
	case $1 in
	ring) echo "rt_ring, owner pop" ;;
	ring-b1) echo "rt_ring, batch 1" ;;
	ring-thief) echo "rt_ring + a thief" ;;
	dq) echo "rt_dq (econ, notify)" ;;
	dq-park) echo "rt_dq, consumer parks" ;;
	ck-spsc) echo "ck_ring SPSC" ;;
	ck-mpmc) echo "ck_ring MPMC" ;;
	mutex) echo "mutex + condvar" ;;
	esac
}

# table MODE UNIT IMPLS: one block; ratio = ours / anchor.
table() {
	mode=$1
	unit=$2
	shift 2
	a1=$(median "$tmp/$mode-ck-spsc" 2)
	a2=$(median "$tmp/$mode-ck-mpmc" 2)
	a3=$(median "$tmp/$mode-mutex" 2)
	for i in "$@"; do
		awk -v l="$(label "$i")" -v o="$(median "$tmp/$mode-$i" 2)" -v a1="$a1" \
			-v a2="$a2" -v a3="$a3" 'function r(a) {
				return (a + 0 > 0 && o != "-") ? sprintf("%.2fx", o / a) : "-" }
			BEGIN { printf "%-26s %10s %10s %10s %10s\n", l, o, r(a1), r(a2), r(a3) }'
	done
}

printf '%-26s %10s %10s %10s %10s\n' "same thread: push + pop" "ns/pair" "/ck SPSC" "/ck MPMC" \
	"/mutex"
table pair ns $PAIR_IMPLS
echo
printf '%-26s %10s %10s %10s %10s\n' "CPU 0 -> CPU 1" "M items/s" "/ck SPSC" "/ck MPMC" "/mutex"
table xcore mops $XCORE_IMPLS
echo
printf '%-26s %10s %10s %10s\n' "wake-up of a sleeper" "p50 us" "p99 us" "p50/mutex"
wm=$(median "$tmp/wake-mutex" 2)
for i in dq mutex; do
	l=$(label "$i" | sed 's/ (econ, notify)/: rt_park/; s/ + condvar/ + condvar wait/')
	awk -v l="$l" \
		-v p="$(median "$tmp/wake-$i" 2)" -v q="$(median "$tmp/wake-$i" 4)" -v a="$wm" \
		'BEGIN { printf "%-26s %10s %10s %10s\n", l, p, q,
			(a + 0 > 0 && p != "-") ? sprintf("%.2fx", p / a) : "-" }'
done
echo "(median of $RUNS runs, each the median of its timed chunks; $PAIRS pairs and $ITEMS" \
	"items per run; ring of 1024; ratio = ours / anchor: lower is better for ns/pair," \
	"higher for items/s. A thief shares CPU 1 with the consumer in the cross-core run:" \
	"only 2 CPUs. Wake-up: $WAKES times, push on CPU 0 to the item in hand on CPU 1, the" \
	"consumer asleep in the kernel)"

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make bench`: every bench suite, each printing its table.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
here=$(dirname "$0")
echo "== VM: JSLite interpreter vs lua5.4 / luajit -joff / node --jitless =="
sh "$here/vm.sh" "$BIN"
echo
echo "== Compile: tasklet compile's peak memory and time vs lua5.4 loadfile / node --jitless --check =="
sh "$here/compile.sh" "$BIN"
echo
echo "== CXP: event loop throughput and round trips vs iperf3 / plain TCP sockets =="
sh "$here/cxp.sh" "$BIN" "$BUILD"
echo
echo "== Run queues: rt_ring / rt_dq vs ck_ring SPSC / MPMC / mutex + condvar =="
sh "$here/queue.sh" "$BIN" "$BUILD"
echo
echo "== Fetch: chunk graphs over CXP, and a cached program's second submission =="
sh "$here/fetch.sh" "$BIN" "$BUILD"
echo
echo "== End to end: Tasklets through trader + containers vs local execution =="
sh "$here/e2e.sh" "$BIN" "$BUILD"
echo
echo "== Container fed locally: workers and queues vs the VM alone; priority under an economy flood =="
sh "$here/container.sh" "$BIN" "$BUILD"
echo
echo "== QoS: replicas against tail latency (Shadow), reliability under drops (QBox) =="
sh "$here/qos.sh" "$BIN" "$BUILD"
echo
echo "== Trader matching: trd_match_task over 100 / 10,000 containers vs a linear scan =="
sh "$here/match.sh" "$BIN" "$BUILD"
echo
echo "== End to end beside Celery (Redis broker and backend) =="
sh "$here/celery.sh" "$BIN" "$BUILD"

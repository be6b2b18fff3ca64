#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the trader's QoS matching in-process (bench/match_bench.c):
# placement decisions per CPU second over 100 and 10,000 registered
# containers, for each QoS category alone and all seven together, beside a
# plain linear scan of the same array (the anchor) and the same decision
# testing every container (scan). Medians of RUNS runs of
# MS ms of CPU time per row.
set -eu
BIN=${1:-build/tasklet} # unused; the same arguments as the other suites
BUILD=${2:-build}
RUNS=${RUNS:-5}
MS=${MS:-100}
# exec: the bench is the only process, so Ctrl-C stops it and nothing is left
exec "$BUILD/bench/match_bench" -r "$RUNS" -t "$MS" -n 100 -n 10000

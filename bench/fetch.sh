#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: fetching chunk graphs (fetch_bench.c: a trader, a container
# and an application in one process, talking CXP over 127.0.0.1): the
# small-chunk fetch of TOTAL chunks (default 1,000,000, in graphs of about
# 62,000 chunks, one at a time, the container's cache off), by wall time and
# by the container's own CPU time; and a program of STMTS statements (35,000,
# 4,674 chunks) submitted N times: its first submission beside the later,
# cached ones; and the small-chunk fetch of TOTAL_CACHE chunks (250,000)
# with the cache on (every content id checked with SHA-256, every chunk
# cached); beside each, the CPU time the application's I/O thread spent
# serving them. Medians of RUNS runs. On a shared host the wall figures
# move with the other load; the CPU figures do much less.
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-3}
TOTAL=${TOTAL:-1000000}
TOTAL_CACHE=${TOTAL_CACHE:-250000}
N=${N:-21}
STMTS=${STMTS:-35000}
FB="$BUILD/bench/fetch_bench"

WHO=fetch
. "$(dirname "$0")/../scripts/lib.sh"
with_tmpdir bench-fetch

# run NAME ARGS...: RUNS runs of fetch_bench ARGS, one line each in $tmp/NAME.
run() {
	name=$1
	shift
	runs "$name" "$FB" "$@"
}

# median_key NAME KEY: the median over the runs of the value after KEY.
median_key() {
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$tmp/$1" |
		sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

run graph graph "$TOTAL"
run again resubmit "$N" "$STMTS"
run cached graph-cache "$TOTAL_CACHE"

printf '%-52s %14s\n' "small-chunk fetch, $TOTAL chunks (cache off)" "median"
printf '%-52s %14s\n' "  chunks/s, wall (admission to graph whole)" "$(median_key graph chunks_per_s)"
printf '%-52s %14s\n' "  ms per graph of ~62,000 chunks, wall" "$(median_key graph ms_per_graph)"
printf '%-52s %14s\n' "  chunks/s of the container's fetch CPU time" "$(median_key graph cpu_chunks_per_s)"
printf '%-52s %14s\n' "  container CPU ns per chunk" "$(median_key graph ns_cpu_per_chunk)"
printf '%-52s %14s\n' "  chunks/s of the application's serving CPU time" "$(median_key graph app_cpu_chunks_per_s)"
printf '%-52s %14s\n' "  application CPU ns per chunk" "$(median_key graph ns_app_cpu_per_chunk)"
printf '%-52s %14s\n' "  target (issue 7)" "5000000"
printf '%-52s %14s\n' "same, $TOTAL_CACHE chunks, cache on (ids hashed)" ""
printf '%-52s %14s\n' "  chunks/s, wall" "$(median_key cached chunks_per_s)"
printf '%-52s %14s\n' "  chunks/s of the container's fetch CPU time" "$(median_key cached cpu_chunks_per_s)"
printf '%-52s %14s\n' "  container CPU ns per chunk" "$(median_key cached ns_cpu_per_chunk)"
printf '%-52s %14s\n' "  application CPU ns per chunk" "$(median_key cached ns_app_cpu_per_chunk)"
printf '%-52s %14s\n' "$STMTS statements ($(median_key again chunks) chunks), submitted $N times" ""
printf '%-52s %14s\n' "  first submission, submit to result, us" "$(median_key again first_us)"
printf '%-52s %14s\n' "  cached (2nd..${N}th, median), submit to result, us" "$(median_key again again_us)"
printf '%-52s %14s\n' "  first submission, container fetch, us" "$(median_key again fetch_first_us)"
printf '%-52s %14s\n' "  cached, container fetch (from its cache), us" "$(median_key again fetch_again_us)"
echo "(median of $RUNS runs; load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: CXP on 127.0.0.1: two cxp_loops (server and client threads)
# streaming 64 KiB and 1 MiB frames with a 4 MiB credit window, and 1 MiB
# frames with a 16 MiB window (a deep send queue), against iperf3 on
# 127.0.0.1 in the same run; and a one-outstanding request/response
# ping-pong of small frames, against the same ping-pong over plain blocking
# TCP sockets. Prints the
# median of RUNS runs of each figure and ours as a ratio of its anchor
# (higher is better for us, for Gbit/s and round trips/s).
set -eu
BIN=${1:-build/tasklet}
BUILD=${2:-build}
RUNS=${RUNS:-5}
SECS=${SECS:-2}      # per stream run
RR_SECS=${RR_SECS:-0.5} # per ping-pong run
RR_SIZE=${RR_SIZE:-64}
# iperf3's write size. Its default, 128K, leaves it well below what the loop
# does with a multi-MiB send per syscall; 1M (its maximum) is the fair anchor.
IPERF_LEN=${IPERF_LEN:-1M}
CB="$BUILD/bench/cxp_bench"

tmp=$(mktemp -d /tmp/tasklet-bench-cxp.XXXXXX)
ipid="" # the iperf3 server
cur=""  # the cxp_bench running now: in the background, so a signal ends it too
cleanup() {
	for p in $cur $ipid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# iperf3_run: one iperf3 run on 127.0.0.1; appends "gbps X" (the receiver's
# figure, - if it failed) to $tmp/iperf3. Not in a subshell, so that the
# EXIT trap sees $ipid.
iperf3_run() {
	port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 30000) }')
	iperf3 -s -1 -B 127.0.0.1 -p "$port" --forceflush >"$tmp/iperf3-s.log" 2>&1 &
	ipid=$!
	# Connecting before the server listens would fail the client.
	i=0
	until grep -q 'listening' "$tmp/iperf3-s.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && break
		sleep 0.02
	done
	if iperf3 -c 127.0.0.1 -p "$port" -t "$SECS" -l "$IPERF_LEN" -J >"$tmp/iperf3.json" 2>&1
	then
		jq -r '"gbps \(.end.sum_received.bits_per_second / 1e9 * 100 | round / 100)"' \
			"$tmp/iperf3.json" >>"$tmp/iperf3"
	else
		echo "cxp: iperf3 failed: $(head -c 300 "$tmp/iperf3.json")" >&2
		echo "gbps -" >>"$tmp/iperf3"
	fi
	wait "$ipid" 2>/dev/null || true
	ipid=""
}

# median FILE FIELD: the median of the FIELDth column of FILE ("-" rows left out; "-" if none).
median() {
	awk -v f="$2" '$f != "-" { print $f }' "$1" | sort -g |
		awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'
}

# one_run NAME ARGS...: append one line of `cxp_bench ARGS` to $tmp/NAME
# (over TLS when NAME starts with tls).
one_run() {
	name=$1
	shift
	tls=0
	case $name in tls*) tls=1 ;; esac
	CXP_BENCH_TLS=$tls "$CB" "$@" >>"$tmp/$name" 2>"$tmp/err" &
	cur=$!
	if ! wait "$cur"; then
		cur=""
		echo "cxp: cxp_bench $* failed:" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	cur=""
}

have_iperf3=0
command -v iperf3 >/dev/null && command -v jq >/dev/null && have_iperf3=1
: >"$tmp/iperf3"
r=0
while [ $r -lt "$RUNS" ]; do
	# Interleaved, so a noisy moment hurts ours and the anchors alike.
	one_run s64k stream 65536 "$SECS"
	one_run s1m stream 1048576 "$SECS"
	one_run s1mdeep stream 1048576 "$SECS" 16777216
	[ $have_iperf3 = 1 ] && iperf3_run
	one_run rr rr "$RR_SIZE" "$RR_SECS"
	one_run rrtcp rr-tcp "$RR_SIZE" "$RR_SECS"
	one_run tls1m stream 1048576 "$SECS"
	one_run tlsrr rr "$RR_SIZE" "$RR_SECS"
	one_run hs handshake 1 "$RR_SECS"
	one_run aead cipher 16384 "$RR_SECS"
	r=$((r + 1))
done

ip=-
[ $have_iperf3 = 1 ] && ip=$(median "$tmp/iperf3" 2)
printf '%-26s %10s %10s %9s\n' "stream (127.0.0.1)" "Gbit/s" "iperf3" "vs iperf3"
for s in s64k s1m s1mdeep; do
	case $s in
	s64k) label="cxp, 64 KiB frames" ;;
	s1m) label="cxp, 1 MiB frames" ;;
	s1mdeep) label="cxp, 1 MiB, 16 MiB window" ;;
	esac
	awk -v l="$label" -v o="$(median "$tmp/$s" 2)" -v a="$ip" 'BEGIN {
		printf "%-26s %10s %10s %9s\n", l, o, a, (a + 0 > 0) ? sprintf("%.2fx", o / a) : "-" }'
done
echo
printf '%-26s %10s %10s %10s %9s\n' "ping-pong, $RR_SIZE B frames" "RT/s" "p50 us" "p99 us" \
	"vs tcp"
tr=$(median "$tmp/rrtcp" 2)
awk -v o="$(median "$tmp/rr" 2)" -v p="$(median "$tmp/rr" 4)" -v q="$(median "$tmp/rr" 6)" \
	-v a="$tr" 'BEGIN { printf "%-26s %10s %10s %10s %9s\n", "cxp loops (io_uring)", o, p, q,
		(a + 0 > 0) ? sprintf("%.2fx", o / a) : "-" }'
awk -v o="$tr" -v p="$(median "$tmp/rrtcp" 4)" -v q="$(median "$tmp/rrtcp" 6)" \
	'BEGIN { printf "%-26s %10s %10s %10s %9s\n", "blocking TCP write/read", o, p, q, "1.00x" }'
echo
printf '%-26s %10s %10s %9s\n' "TLS (mutual, TLS 1.2 AEAD)" "figure" "plain" "vs plain"
awk -v o="$(median "$tmp/tls1m" 2)" -v a="$(median "$tmp/s1m" 2)" 'BEGIN {
	printf "%-26s %10s %10s %9s\n", "stream 1 MiB, Gbit/s", o, a, (a + 0 > 0) ? sprintf("%.2fx", o / a) : "-" }'
awk -v o="$(median "$tmp/tlsrr" 2)" -v a="$(median "$tmp/rr" 2)" 'BEGIN {
	printf "%-26s %10s %10s %9s\n", "ping-pong, RT/s", o, a, (a + 0 > 0) ? sprintf("%.2fx", o / a) : "-" }'
printf '%-26s %10s %10s %9s\n' "handshakes/s (connect+close)" "$(median "$tmp/hs" 2)" - -
awk -v o="$(median "$tmp/aead" 2)" -v a="$(median "$tmp/s1m" 2)" 'BEGIN {
	printf "%-26s %10s %10s %9s\n", "AEAD alone, 1 core, Gbit/s", o, a, (a + 0 > 0) ? sprintf("%.2fx", o / a) : "-" }'
echo "(median of $RUNS runs each; stream ${SECS} s per run after a 0.2 s warm-up, 4 MiB" \
	"unacknowledged unless said; iperf3 -l $IPERF_LEN -t $SECS; ping-pong ${RR_SECS} s;" \
	"ratio = ours / anchor, higher is better)"

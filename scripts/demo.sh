#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make demo`: a real trader and real container processes on
# loopback, a handful of example Tasklets (priority and economy) submitted by
# `tasklet run`, each result printed with the container it ran on; an
# overload routed around; priority overtaking economy inside one container;
# a container drained by SIGTERM handing its queue back; a killed container's
# Tasklets placed again; a FaultTolerance(2) Tasklet answered by the first of
# its replicas; then everything that was started is stopped.
set -eu

BIN=${1:-build/tasklet}
EX=examples

if [ -t 1 ]; then
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	say() { printf '\n%s\n' "$*"; }
fi

WHO=demo
. "$(dirname "$0")/lib.sh"
with_tmpdir demo

say "1. A trader on 127.0.0.1 (ephemeral port)"
"$BIN" trader --listen 127.0.0.1:0 --verbose >"$tmp/trader.addr" 2>"$tmp/trader.log" &
pids="$pids $!"
wait_for "$tmp/trader.addr" ':'
TRADER=$(head -n 1 "$tmp/trader.addr")
echo "trader listening on $TRADER"

say "2. Two containers register with it (standing for two hosts: --host)"
echo "   c1: priority + economy queues, 2 workers, price 20, host A"
echo "   c2: economy queue only,         1 worker,  price 10 (cheaper), host B"
"$BIN" container --trader "$TRADER" --name c1 --host host-a --workers 2 --price 20 --verbose \
	2>"$tmp/c1.log" &
pids="$pids $!"
"$BIN" container --trader "$TRADER" --name c2 --host host-b --workers 1 --price 10 \
	--no-priority --verbose 2>"$tmp/c2.log" &
pids="$pids $!"
wait_for "$tmp/trader.log" 'container c1 registered'
wait_for "$tmp/trader.log" 'container c2 registered'
grep 'registered' "$tmp/trader.log" | sed 's/^/   /'

say "3. An application submits example Tasklets through the trader"
echo "   Priority('True') Tasklets can only go to c1; economy ones go to the cheaper c2."
set -- "$EX/hello.jsl" "$EX/priority.jsl" "$EX/fib.jsl" "$EX/economy.jsl" \
	"$EX/primes.jsl" "$EX/strings.jsl"
for f in "$@"; do
	printf '   %-24s %s\n' "$f" "$(grep -m1 '^@QOS' "$f" || echo '(no @QOS: economy)')"
done
echo
status=0
"$BIN" run --trader "$TRADER" -v "$@" || status=$?

say "4. What the trader decided"
grep -E 'tasklet .* -> container|no registered container' "$tmp/trader.log" | sed 's/^/   /'

say "5. What the containers did"
grep -hE 'admitted|ran|failed' "$tmp/c1.log" "$tmp/c2.log" | sed 's/^[^ ]* /   /'

say "6. Overload: 8 slow economy Tasklets and 2 priority ones submitted together"
echo "   An idle container is never passed over for a busy one: the economy flood spreads over"
echo "   c2 and c1; priority Tasklets go to c1 and take the first free worker there, ahead of"
echo "   its queued economy work (a run in progress is not interrupted)."
cat >"$tmp/slow.jsl" <<'JSL'
let i = 0; let s = 0;
while (i < 3000000) { s = s + i % 7; i = i + 1; }
s;
JSL
cat >"$tmp/urgent.jsl" <<'JSL'
@QOS Priority('True');
"answered at once";
JSL
"$BIN" run --trader "$TRADER" -v "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	"$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	"$tmp/urgent.jsl" "$tmp/urgent.jsl" >/dev/null 2>"$tmp/overload.log" || status=$?
printf '   %-12s %-10s %-9s %s\n' tasklet container class "round trip"
sed -n 's/^tasklet: .*\/\([a-z]*\.jsl\): tasklet [0-9a-f]* ran on \([^ ]*\) (\([a-z]*\)).*round trip \([^,]*\),.*$/\1 \2 \3 \4/p' \
	"$tmp/overload.log" | while read -r f c k t; do
	printf '   %-12s %-10s %-9s %s\n' "$f" "$c" "$k" "$t"
done

say "7. One container, two queues: priority overtakes queued economy work"
echo "   A second trader with one container, c3 (1 worker): 6 slow economy Tasklets, then"
echo "   2 priority ones, submitted last: its worker runs them before the queued economy ones."
"$BIN" trader --listen 127.0.0.1:0 --verbose >"$tmp/trader2.addr" 2>"$tmp/trader2.log" &
pids="$pids $!"
wait_for "$tmp/trader2.addr" ':'
TRADER2=$(head -n 1 "$tmp/trader2.addr")
"$BIN" container --trader "$TRADER2" --name c3 --workers 1 --verbose 2>"$tmp/c3.log" &
C3=$!
pids="$pids $C3"
wait_for "$tmp/trader2.log" 'container c3 registered'
"$BIN" run --trader "$TRADER2" -v "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	"$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	"$tmp/urgent.jsl" "$tmp/urgent.jsl" >/dev/null 2>"$tmp/same.log" || status=$?
echo "   c3's worker, in the order it ran them:"
grep -E 'ran \(' "$tmp/c3.log" | sed 's/^.*tasklet \([0-9a-f]*\) ran (\([a-z]*\)) in \([0-9.]*\) ms after \([0-9.]*\) ms queued.*/   \2 Tasklet \1: queued \4 ms, ran \3 ms/'

say "8. SIGTERM drains a container: its queued Tasklets go back to the trader"
echo "   8 slow Tasklets go to c3, the only container; c4 joins; c3 gets SIGTERM with most"
echo "   still queued: it hands them back, the trader places them on c4, c3 finishes what"
echo "   runs and exits 0."
n0=$(wc -l <"$tmp/trader2.log")
"$BIN" run --trader "$TRADER2" -v "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	"$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	>/dev/null 2>"$tmp/drain.log" &
RUN=$!
# until all eight were assigned to c3 (counting only this step's lines)
i=0
while [ "$(tail -n +$((n0 + 1)) "$tmp/trader2.log" | grep -c -- '-> container c3')" -lt 8 ]; do
	i=$((i + 1))
	[ $i -gt 200 ] && { echo "demo: c3 was not assigned the Tasklets" >&2; exit 1; }
	sleep 0.05
done
"$BIN" container --trader "$TRADER2" --name c4 --workers 2 2>"$tmp/c4.log" &
pids="$pids $!"
wait_for "$tmp/trader2.log" 'container c4 registered'
kill -TERM "$C3"
wait "$RUN" || status=$?
c3st=0
wait "$C3" || c3st=$?
pids=$(echo "$pids" | sed "s/ $C3//")
sed -n 's/^tasklet: .*\/\([a-z]*\.jsl\): tasklet \([0-9a-f]*\) ran on \([^ ]*\) (\([a-z]*\)).*round trip \([^,]*\),.*$/   \1 \2 ran on \3, round trip \5/p' \
	"$tmp/drain.log"
echo "   the trader: $(grep -c 'handed back by container c3' "$tmp/trader2.log") handed back and placed again;" \
	"c3 exited with status $c3st"
grep -hE 'draining:|drained:' "$tmp/c3.log" | sed 's/^[^ ]* /   /'

say "9. A container dies with Tasklets on it: the trader places them again"
echo "   c5 (price 0, the cheapest; 1 worker) joins; of 3 slow Tasklets it is given one, c1"
echo "   and c2 the others; c5 is killed (SIGKILL) while it runs: the trader places that"
echo "   Tasklet again, and the application gets one answer for each."
"$BIN" container --trader "$TRADER" --name c5 --host host-c --workers 1 2>"$tmp/c5.log" &
C5=$!
pids="$pids $C5"
wait_for "$tmp/trader.log" 'container c5 registered'
"$BIN" run --trader "$TRADER" -v "$tmp/slow.jsl" "$tmp/slow.jsl" "$tmp/slow.jsl" \
	>/dev/null 2>"$tmp/lost.log" &
RUN=$!
wait_for "$tmp/trader.log" 'tasklet .* -> container c5'
kill -KILL "$C5"
wait "$C5" 2>/dev/null || true
pids=$(echo "$pids" | sed "s/ $C5//")
wait "$RUN" || status=$?
grep -E 'c5 went away|placing it again' "$tmp/trader.log" | sed 's/^[^ ]* /   /'
sed -n 's/^tasklet: .*\/\([a-z]*\.jsl\): tasklet \([0-9a-f]*\) ran on \([^ ]*\) (\([a-z]*\)).*round trip \([^,]*\),.*$/   \1 \2 ran on \3, round trip \5/p' \
	"$tmp/lost.log"

say "10. FaultTolerance(2): two replicas on two hosts, the first answer wins"
printf '   %s\n' "$(grep -m1 '^@QOS' "$EX/replicas.jsl")"
n0=$(wc -l <"$tmp/trader.log")
"$BIN" run --trader "$TRADER" -v "$EX/replicas.jsl" 2>"$tmp/ft.log" | sed 's/^/   /' ||
	status=$?
sleep 0.2 # let the other replica's CANCEL be logged (it changes nothing below)
tail -n +$((n0 + 1)) "$tmp/trader.log" | grep -E -- '-> container|cancelling|Reliability' |
	sed 's/^[^ ]* /   /'
grep -h 'cancelled by the trader' "$tmp/c1.log" "$tmp/c2.log" | sed 's/^[^ ]* /   /' || true
sed -n 's/^tasklet: .*: tasklet \([0-9a-f]*\) ran on \([^ ]*\) .*round trip \([^,]*\),.*$/   the application took the answer of \2 (the first to reach it), after \3/p' \
	"$tmp/ft.log"

say "11. A Tasklet whose QoS no container offers is answered, not lost"
cat >"$tmp/private.jsl" <<'JSL'
@QOS Privacy('TLS', 'demo-ca');
console.log("secret");
JSL
"$BIN" run --trader "$TRADER" "$tmp/private.jsl" || true
echo "   ... and with --local-fallback the application runs it itself:"
"$BIN" run --trader "$TRADER" --local-fallback "$tmp/private.jsl" | sed 's/^/   /'

say "Stopping the trader and the containers"
exit $status

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the JSLite conformance runner: each program under tests/jslite/
# runs under node and under `tasklet exec`; their stdout must be byte-identical.
#
# usage: tests/jslite/run.sh [-v] [PROGRAM.js...]
#   TASKLET_BIN  the tasklet binary (default build/tasklet)
#   NODE         the reference (default node); missing node is an error, not a skip
#   JSL_TIMEOUT  seconds per run (default 20)
#   JSL_JOBS     programs run at the same time (default 2); output stays in order
#
# With no PROGRAM, runs every tests/jslite/<topic>/*.js, every
# tests/jslite/reject/*.js (compile-error cases) and every
# tests/jslite/differences/*.js (the documented deviations from node: JSLite
# must print the program's .out file, node something else; see README.md).
# Programs listed in tests/jslite/PENDING still run: a failure is reported as
# PENDING with the listed reason, a pass as FIXED (remove it from the list),
# which fails the run so that the list cannot rot.
# Exit status: 0 when nothing failed and nothing pending was fixed, 1 otherwise,
# 2 on a usage or set-up error (no node, no tasklet binary).

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${TASKLET_BIN:-build/tasklet}
node=${NODE:-node}
tmo=${JSL_TIMEOUT:-20}
jobs=${JSL_JOBS:-2}
verbose=0

if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
case $bin in
/*) ;;
*) bin=$root/$bin ;;
esac
if ! command -v "$node" >/dev/null 2>&1; then
	echo "jslite: '$node' not found: the conformance suite needs node as its reference" >&2
	echo "jslite: install it (apt-get install nodejs) or set NODE=/path/to/node" >&2
	exit 2
fi
if [ ! -x "$bin" ]; then
	echo "jslite: $bin is not an executable; run 'make' first or set TASKLET_BIN" >&2
	exit 2
fi
if command -v timeout >/dev/null 2>&1; then
	to="timeout $tmo"
else
	to=
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jslite.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# PENDING: "path  # reason" per line; blank lines and lines starting with # are skipped.
pending=$here/PENDING
: >"$tmp/pending"
if [ -f "$pending" ]; then
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$pending" >"$tmp/pending"
fi

# reason_of PATH: the reason PENDING gives for PATH, empty when not listed.
reason_of()
{
	awk -v p="$1" '{
		path = $1
		if (path != p) next
		r = $0
		i = index(r, "#")
		r = (i ? substr(r, i + 1) : "no reason given")
		sub(/^[[:space:]]+/, "", r)
		print r
		exit
	}' "$tmp/pending"
}

npass=0 nfail=0 npend=0 nfixed=0 nprog=0

# report NAME OK DETAILFILE: one line per program, in list order, and the counts.
report()
{
	name=$1 ok=$2 detail=$3
	nprog=$((nprog + 1))
	reason=$(reason_of "$name")
	if [ -n "$reason" ]; then
		if [ "$ok" = 1 ]; then
			echo "FIXED $name: remove from PENDING"
			nfixed=$((nfixed + 1))
		else
			echo "PENDING $name ($reason)"
			npend=$((npend + 1))
			[ "$verbose" = 1 ] && sed -n '1,15s/^/    /p' "$detail"
		fi
	elif [ "$ok" = 1 ]; then
		echo "PASS $name"
		npass=$((npass + 1))
	else
		echo "FAIL $name"
		nfail=$((nfail + 1))
		sed -n '1,15s/^/    /p' "$detail"
	fi
}

# run_prog PATH (relative to tests/jslite): node's stdout and exit status
# against tasklet exec's. tasklet exec ends a successful run with the result
# line "=> VALUE" (which may span lines): everything from the last line that
# starts with "=> " is the result, not output, and is cut before comparing.
run_prog()
{
	rel=$1 w=$2
	(cd "$here" && $to "$node" "$rel" </dev/null >"$w/node.out" 2>"$w/node.err")
	nrc=$?
	(cd "$here" && $to "$bin" exec "$rel" </dev/null >"$w/tl.raw" 2>"$w/tl.err")
	trc=$?
	if [ "$trc" = 0 ]; then
		cut_result "$w/tl.raw" "$w/tl.out"
	else
		cp "$w/tl.raw" "$w/tl.out"
	fi
	ok=1
	: >"$w/detail"
	if ! cmp -s "$w/node.out" "$w/tl.out"; then
		ok=0
		diff "$w/node.out" "$w/tl.out" | sed -n '1,10p' |
			sed -e 's/^</node   </' -e 's/^>/tasklet>/' >>"$w/detail"
	fi
	if [ "$nrc" = 0 ] && [ "$trc" != 0 ]; then
		ok=0
		echo "tasklet exec failed (exit $trc), node did not:" >>"$w/detail"
		sed -n '1,3p' "$w/tl.err" >>"$w/detail"
	elif [ "$nrc" != 0 ] && [ "$trc" = 0 ]; then
		ok=0
		echo "node failed (exit $nrc), tasklet exec did not:" >>"$w/detail"
		sed -n '1,5p' "$w/node.err" >>"$w/detail"
	fi
	echo "$ok" >"$w/ok"
}

# cut_result RAW OUT: tasklet exec's output without its result line "=> VALUE"
# (everything from the last line that starts with "=> ", cut by byte count so
# that the output keeps its exact bytes).
cut_result()
{
	cut=$(LC_ALL=C awk '/^=> / { n = c } { c += length($0) + 1 } END { print n + 0 }' "$1")
	head -c "$cut" "$1" >"$2"
}

# run_difference PATH: a deviation man jslite(7) documents. tasklet exec must
# succeed and print exactly PATH's .out file; node must print something else
# (when node agrees, the deviation is gone: the program belongs in a topic
# folder and the paragraph out of the man page).
run_difference()
{
	rel=$1 w=$2
	exp=$here/${rel%.js}.out
	ok=1
	: >"$w/detail"
	(cd "$here" && $to "$node" "$rel" </dev/null >"$w/node.out" 2>"$w/node.err")
	(cd "$here" && $to "$bin" exec "$rel" </dev/null >"$w/tl.raw" 2>"$w/tl.err")
	trc=$?
	cut_result "$w/tl.raw" "$w/tl.out"
	if [ ! -f "$exp" ]; then
		ok=0
		echo "no expected-output file ${rel%.js}.out" >>"$w/detail"
	elif [ "$trc" != 0 ]; then
		ok=0
		echo "tasklet exec failed (exit $trc):" >>"$w/detail"
		sed -n '1,3p' "$w/tl.err" >>"$w/detail"
	elif ! cmp -s "$exp" "$w/tl.out"; then
		ok=0
		diff "$exp" "$w/tl.out" | sed -n '1,10p' |
			sed -e 's/^</expected</' -e 's/^>/tasklet>/' >>"$w/detail"
	elif cmp -s "$exp" "$w/node.out"; then
		ok=0
		echo "node prints the same: the deviation is gone (move the program to a" \
			"topic folder, the paragraph out of man jslite(7))" >>"$w/detail"
	fi
	echo "$ok" >"$w/ok"
}

# run_reject PATH: `tasklet compile` must fail with exactly the text of
# PATH's .err file (file:line:col: message) on stderr.
run_reject()
{
	rel=$1 w=$2
	exp=$here/${rel%.js}.err
	dir=$(dirname "$rel")
	base=$(basename "$rel")
	ok=1
	: >"$w/detail"
	if [ ! -f "$exp" ]; then
		ok=0
		echo "no expected-error file ${rel%.js}.err" >>"$w/detail"
	else
		(cd "$here/$dir" && $to "$bin" compile "$base" </dev/null >/dev/null 2>"$w/tl.err")
		trc=$?
		if [ "$trc" = 0 ]; then
			ok=0
			echo "compiled without an error" >>"$w/detail"
		elif ! cmp -s "$exp" "$w/tl.err"; then
			ok=0
			echo "expected: $(cat "$exp")" >>"$w/detail"
			echo "got:      $(cat "$w/tl.err")" >>"$w/detail"
		fi
	fi
	echo "$ok" >"$w/ok"
}

if [ $# -gt 0 ]; then
	# A PROGRAM is a path from the current directory or from tests/jslite/.
	for f in "$@"; do
		if [ -f "$f" ]; then
			rel=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
			rel=${rel#"$here"/}
		elif [ -f "$here/$f" ]; then
			rel=$f
		else
			echo "jslite: no such program: $f" >&2
			exit 2
		fi
		case $rel in
		/*)
			echo "jslite: $f is not under $here" >&2
			exit 2
			;;
		esac
		echo "$rel"
	done >"$tmp/list" || exit 2
else
	(cd "$here" && find . -mindepth 2 -name '*.js' | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/list"
fi

# PENDING entries must name programs that exist.
while read -r p _; do
	if [ ! -f "$here/$p" ]; then
		echo "STALE $p: listed in PENDING but there is no such program"
		nfixed=$((nfixed + 1))
	fi
done <"$tmp/pending"

# Run in batches of $jobs (POSIX sh has no wait -n), report in list order.
i=0
n=$(wc -l <"$tmp/list")
while [ "$i" -lt "$n" ]; do
	j=0
	sed -n "$((i + 1)),$((i + jobs))p" "$tmp/list" >"$tmp/batch"
	while read -r rel; do
		w=$tmp/job$j
		rm -rf "$w" && mkdir "$w"
		case $rel in
		reject/*) run_reject "$rel" "$w" & ;;
		differences/*) run_difference "$rel" "$w" & ;;
		*) run_prog "$rel" "$w" & ;;
		esac
		j=$((j + 1))
	done <"$tmp/batch"
	wait
	j=0
	while read -r rel; do
		report "$rel" "$(cat "$tmp/job$j/ok" 2>/dev/null || echo 0)" "$tmp/job$j/detail"
		j=$((j + 1))
	done <"$tmp/batch"
	i=$((i + jobs))
done

echo "jslite: $nprog programs: $npass passed, $nfail failed, $npend pending, $nfixed fixed or stale"
[ "$nfail" = 0 ] && [ "$nfixed" = 0 ]

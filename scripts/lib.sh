# SPDX-License-Identifier: MIT
# Description: shell helpers shared by scripts/demo.sh and the bench/ scripts
# (sourced, not run). Each caller sets WHO (its name, for messages) first.

# wait_for FILE PATTERN [SECONDS]: until PATTERN shows up in FILE (default
# 10 s at most); on time-out print FILE and exit 1.
wait_for() {
	i=0
	n=$(( ${3:-10} * 20 ))
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt $n ]; then
			echo "${WHO:-tasklet}: timed out waiting for '$2' in $1:" >&2
			cat "$1" >&2
			exit 1
		fi
		sleep 0.05
	done
}

# stop_all: TERM every process in $pids and the one `runs` is waiting for
# ($cur), reap them all, forget them.
stop_all() {
	for p in ${cur:-} $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in ${cur:-} $pids; do
		wait "$p" 2>/dev/null || true
	done
	pids=""
	cur=""
}

# with_tmpdir NAME: a fresh directory in $tmp (/tmp/tasklet-NAME.XXXXXX) and
# an empty $pids; on exit every process in $pids is stopped and $tmp removed.
with_tmpdir() {
	tmp=$(mktemp -d "/tmp/tasklet-$1.XXXXXX")
	pids=""
	trap 'stop_all; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
}

# runs NAME CMD...: run CMD RUNS times, each run's stdout appended to
# $tmp/NAME; a failed run prints its stderr's end and exits 1. Each run is
# in the background as $cur, so that a signal to the script ends it too
# (stop_all).
runs() {
	rname=$1
	shift
	: >"$tmp/$rname"
	r=0
	while [ $r -lt "$RUNS" ]; do
		"$@" >>"$tmp/$rname" 2>"$tmp/$rname.err" &
		cur=$!
		if ! wait "$cur"; then
			cur=""
			echo "${WHO:-tasklet}: $rname run $((r + 1)) failed:" >&2
			tail -n 20 "$tmp/$rname.err" >&2
			exit 1
		fi
		cur=""
		r=$((r + 1))
	done
}

# median NAME FIELD: the median of column FIELD of $tmp/NAME.
median() {
	awk -v f="$2" '{ print $f }' "$tmp/$1" | sort -g |
		awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

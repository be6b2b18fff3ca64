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

# stop_all: TERM every process in $pids, reap them all, forget them.
stop_all() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || true
	done
	pids=""
}

# with_tmpdir NAME: a fresh directory in $tmp (/tmp/tasklet-NAME.XXXXXX) and
# an empty $pids; on exit every process in $pids is stopped and $tmp removed.
with_tmpdir() {
	tmp=$(mktemp -d "/tmp/tasklet-$1.XXXXXX")
	pids=""
	trap 'stop_all; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
}

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

#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make bench`: every bench suite, each printing its table.
set -eu
BIN=${1:-build/tasklet}
here=$(dirname "$0")
echo "== VM: JSLite interpreter vs lua5.4 / luajit -joff / node --jitless =="
sh "$here/vm.sh" "$BIN"

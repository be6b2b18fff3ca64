#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: install the Debian packages the project needs, only when one is missing.
# A no-op (one dpkg-query) when everything is there. Called by `make deps`.
set -eu

PKGS="gcc make pkg-config liburing-dev libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
libmbedtls-dev libjemalloc-dev libcunit1-dev systemtap-sdt-dev iproute2 \
lua5.4 luajit lua-cjson time iperf3 jq libck-dev uthash-dev nodejs gnuplot-nox \
python3-celery python3-redis redis-server"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run 'make deps' as root (or: apt-get install$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: installed$missing"

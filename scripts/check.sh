#!/bin/sh
# check.sh — the second README command: install what is missing, build and
# run the whole test suite. Extra arguments go to `meson test`.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
bc_install_deps tmux valgrind
[ -d build ] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 "$@"

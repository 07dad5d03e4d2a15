#!/bin/sh
# try.sh — the first README command: install what is missing, build, create a
# demo database (once) in the default place and open billcenter on it.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
bc_install_deps
[ -d build ] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build >/dev/null
db="${BILLCENTER_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/billcenter/billcenter.db}"
if [ ! -f "$db" ]; then
    mkdir -p "$(dirname "$db")" && chmod 700 "$(dirname "$db")"
    ./build/billcenter --db "$db" init --demo
fi
exec ./build/billcenter --db "$db" "$@"

#!/bin/sh
# try.sh — the first README command: install what is missing, build, create a
# demo database (once) in the default place and open billcenter on it.
# `--date D` (or `--date=D`) among the arguments is today for the demo
# database as well as for billcenter, so that the demo's figures are the
# README's. $BILLCENTER_BUILD names the build directory (default build).
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
bc_install_deps
build="${BILLCENTER_BUILD:-build}"
[ -d "$build" ] || meson setup "$build" --buildtype=debugoptimized >/dev/null
ninja -C "$build" >/dev/null
date=""
prev=""
for a in "$@"; do
    [ "$prev" = "--date" ] && date="$a"
    case "$a" in --date=*) date="${a#--date=}" ;; esac
    prev="$a"
done
db="${BILLCENTER_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/billcenter/billcenter.db}"
if [ ! -f "$db" ]; then
    mkdir -p "$(dirname "$db")" && chmod 700 "$(dirname "$db")"
    "$build/billcenter" --db "$db" ${date:+--date "$date"} init --demo
elif [ -n "$date" ]; then
    echo "try.sh: $db already exists; its demo accounts are dated from the day it was" \
         "made (remove it for a demo dated $date)" >&2
fi
exec "$build/billcenter" --db "$db" "$@"

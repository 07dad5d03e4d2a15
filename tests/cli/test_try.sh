#!/bin/sh
# test_try.sh — scripts/try.sh as the README runs it, with a command instead
# of the UI so that it ends by itself: `--date D` dates the demo database it
# creates, so account 1 on 2026-11-25 is SPEC §3's worked example (Business
# for 5 seats: 41.00 due). TAP output. Usage: test_try.sh BUILD_DIR
set -u
build="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "1..3"

run() {
    BILLCENTER_BUILD="$build" BILLCENTER_DB="$tmp/try.db" sh "$root/scripts/try.sh" "$@" \
        >"$tmp/out" 2>"$tmp/err"
}
quote="quote --account 1 --product gotomeeting --to-plan business --json"

# shellcheck disable=SC2086
if run --date 2026-11-25 $quote && grep -q '"due_minor": 4100' "$tmp/out"; then
    echo "ok 1 - --date dates the demo database: 41.00 due"
else
    echo "not ok 1 - --date dates the demo database: 41.00 due"
    sed 's/^/# /' "$tmp/out" "$tmp/err"
fi
# shellcheck disable=SC2086
if run $quote --date=2026-11-25 && grep -q '"due_minor": 4100' "$tmp/out" &&
   grep -q 'already exists' "$tmp/err"; then
    echo "ok 2 - a second run keeps the database and says so"
else
    echo "not ok 2 - a second run keeps the database and says so"
    sed 's/^/# /' "$tmp/out" "$tmp/err"
fi
rm -f "$tmp"/try.db*
# shellcheck disable=SC2086
if run --date=2026-11-25 $quote && grep -q '"due_minor": 4100' "$tmp/out"; then
    echo "ok 3 - --date=D as well"
else
    echo "not ok 3 - --date=D as well"
    sed 's/^/# /' "$tmp/out" "$tmp/err"
fi

#!/bin/sh
# pg_search.sh BILLCENTER ROOT SCALE SQLITE_DB BENCH_SEARCH — the PostgreSQL
# search rows of run.sh (issue 14), run under tests/pg/with_pg.sh: a demo
# database of SCALE accounts made on the private server by
# `billcenter init --demo` (its time is a row: generation on PostgreSQL is
# what decides which SCALE a run can afford), then bench_search --pg against
# SQLITE_DB, a SQLite demo database of the same SCALE. ROW lines on stdout,
# details on stderr.
set -u
bin=$1 root=$2 scale=$3 lite=$4 search=$5
: "${BC_TEST_PG:?run under tests/pg/with_pg.sh}"
psql="$(dirname "$BC_TEST_PG_CTL")/psql"
figure="demo database on PostgreSQL, $scale accounts (init --demo --scale)"
target="well under a minute (< 60 s) at 1,000,000, as on SQLite"
row() { printf 'ROW\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
if ! "$psql" -X -q "$BC_TEST_PG" -c "CREATE DATABASE bench_search" >&2; then
    row "$figure" ERROR "$target" "-" no
    row "account search type-ahead on PostgreSQL, store_account_search per keystroke (p95)" \
        ERROR "<= 5 ms" "-" no
    exit 1
fi
pg="$BC_TEST_PG dbname=bench_search"
t0=$(date +%s.%N)
if "$bin" --db "$pg" --catalog "$root/plans" --date 2026-11-25 init --demo --scale "$scale" \
        >/dev/null 2>"${BC_TEST_PG_DIR}/gen.err"; then
    t1=$(date +%s.%N)
    secs=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")
    million=$(awk "BEGIN{printf \"%.0f\", $secs * 1000000 / $scale / 60}")
    size=$("$psql" -X -q -A -t "$pg" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
    met=$(awk "BEGIN{print ($secs * 1000000 / $scale < 60) ? \"yes\" : \"no\"}")
    row "$figure" "$secs s wall" "$target" \
        "- (1,000,000 at this rate: ~$million min; $size; fsync=$("$psql" -X -A -t "$pg" -c 'SHOW fsync'))" "$met"
    echo "pg_search.sh: init --demo --scale $scale on PostgreSQL: $secs s" >&2
else
    cat "${BC_TEST_PG_DIR}/gen.err" >&2
    row "$figure" ERROR "$target" "-" no
fi
"$search" --pg "$pg" "$lite"

#!/bin/sh
# run.sh — billcenter's benchmark suite: one command that builds
# the benchmark programs, makes (or reuses) the large demo database, runs
# every figure and prints ONE table: figure | measured | target | compared
# with (floor or peer measured in the same run) | met?
#
#   tests/bench/run.sh                 the real run (1,000,000 accounts)
#   tests/bench/run.sh --smoke         tiny sizes, a few seconds: checks that
#                                      every row is still produced (meson test
#                                      suite 'bench-smoke'), not the targets
# Options: --build DIR (default: <source>/build-bench, set up when missing),
#          --scale N (accounts, default 1000000), --cache DIR (default
#          $BC_BENCH_CACHE or ~/.cache/billcenter-bench), --regenerate,
#          --pg-scale N (accounts of the PostgreSQL search database, made
#          afresh on each run's private server; default 100000: at ~2 ms an
#          account, 1,000,000 would take over half an hour).
# Needs: meson, ninja, libvterm, libpq (already build dependencies), the
# PostgreSQL server binaries (initdb, pg_ctl: tests/pg/with_pg.sh) and, for the
# peer columns, dialog (`apt-get install -y dialog`; without it those
# columns say "not installed").
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-bench"
scale=1000000
pg_scale=100000
cache="${BC_BENCH_CACHE:-${HOME:-/tmp}/.cache/billcenter-bench}"
smoke=0
regenerate=0
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --build) build="$2"; shift ;;
        --scale) scale="$2"; shift ;;
        --pg-scale) pg_scale="$2"; shift ;;
        --cache) cache="$2"; shift ;;
        --regenerate) regenerate=1 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

work=$(mktemp -d /tmp/bc-bench-run-XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
rows="$work/rows"
log="$work/log"
: > "$rows"

if [ "$smoke" = 1 ]; then
    scale=1000 pg_scale=1000
    export BC_BENCH_QUOTE_MS=200 BC_BENCH_CATALOG_RUNS=3 BC_BENCH_ORDER_ACCOUNTS=200
    export BC_BENCH_ORDERS=10 BC_BENCH_SEARCH_PASSES=1 BC_BENCH_SCAN_KEYS=2 BC_BENCH_TUI_RUNS=3
    export BC_BENCH_CATALOG_LARGE=400 BC_BENCH_CATALOG_LARGE_RUNS=1
    export BC_BENCH_HISTORY_ROWS=20000 BC_BENCH_HISTORY_RUNS=3
    export BC_BENCH_DOCS_ACCOUNTS=200 BC_BENCH_DOCS_ORDERS=10 BC_BENCH_DOCS_MS=50
    export BC_BENCH_PG_ACCOUNTS=300
    export BC_BENCH_RENEW_DUE=150 BC_BENCH_RENEW_MEM_DUE=30 BC_BENCH_RENEW_WEEK_ACCOUNTS=300
fi

# ---- build (the smoke test is handed meson's own build directory)
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
if [ "$smoke" = 0 ]; then
    ninja -C "$build" -j2 billcenter tests/bench/bench_quote tests/bench/bench_catalog \
        tests/bench/bench_order tests/bench/bench_search tests/bench/bench_tui \
        tests/bench/bench_history tests/bench/bench_docs_seed tests/bench/bench_docs \
        tests/bench/bench_pg tests/bench/bench_renew tests/bench/bench_renew_rec.so \
        >"$work/build.log" 2>&1 \
        || { cat "$work/build.log" >&2; exit 1; }
fi
bin="$build/billcenter"
bench="$build/tests/bench"
for p in "$bin" "$bench/bench_quote" "$bench/bench_catalog" "$bench/bench_order" \
         "$bench/bench_search" "$bench/bench_tui" "$bench/bench_history" \
         "$bench/bench_docs_seed" "$bench/bench_docs" "$bench/bench_pg" "$bench/bench_renew"; do
    [ -x "$p" ] || { echo "run.sh: $p is not built" >&2; exit 1; }
done
for p in "$bench/bench_renew_rec.so"; do
    [ -f "$p" ] || { echo "run.sh: $p is not built" >&2; exit 1; }
done

row() {  # figure measured target compared met
    printf 'ROW\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$rows"
}
# User + system CPU seconds of finished children, from the `times` builtin
# (run in this shell, not in a subshell, which would count its own).
children_cpu() {  # FILE
    times > "$1"
    awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } print t }' "$1"
}
grouped() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# ---- the demo database: made once per scale, kept outside the repository
if [ "$smoke" = 1 ]; then
    db="$work/demo.db"
else
    mkdir -p "$cache" || exit 1
    db="$cache/accounts-$scale.db"
    [ "$regenerate" = 1 ] && rm -f "$db" "$db-wal" "$db-shm" "$db.gen"
fi
if [ ! -f "$db" ]; then
    echo "run.sh: generating $(grouped "$scale") demo accounts into $db ..." >&2
    children_cpu "$work/times" > "$work/cpu0"
    t0=$(date +%s.%N)
    # Progress ("demo accounts: N/M") shows when stderr is a terminal.
    if [ -t 2 ]; then gen_err=/dev/stderr; else gen_err="$log"; fi
    "$bin" --db "$db" --catalog "$root/plans" --date 2026-11-25 init --demo --scale "$scale" \
        >>"$log" 2>>"$gen_err" || { cat "$log" >&2; rm -f "$db"; exit 1; }
    [ -t 2 ] && echo >&2
    t1=$(date +%s.%N)
    children_cpu "$work/times" > "$work/cpu1"
    secs=$(awk "BEGIN{print $t1 - $t0}")
    cpu=$(awk 'NR == FNR { a = $1; next } { print $1 - a }' "$work/cpu0" "$work/cpu1")
    printf '%.1f %s %s %.1f\n' "$secs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$cpu" > "$db.gen"
    gen_note="measured now"
else
    gen_note="cached"
fi
if [ -f "$db.gen" ]; then
    read -r secs when commit cpu < "$db.gen"
    [ "$gen_note" = cached ] && gen_note="cached: made $when at $commit"
    met=$(awk "BEGIN{print ($secs < 60) ? \"yes\" : \"no\"}")
    row "demo database, $(grouped "$scale") accounts (init --demo --scale)" \
        "$secs s wall (${cpu:-?} s CPU)" \
        "well under a minute (< 60 s)" "- ($gen_note; $(du -h "$db" | cut -f1))" "$met"
else
    row "demo database, $(grouped "$scale") accounts (init --demo --scale)" "ERROR" \
        "well under a minute (< 60 s)" "- (no record of its generation time: use --regenerate)" "no"
fi

# ---- the demo database at init --demo's default size, made afresh
t0=$(date +%s.%N)
if "$bin" --db "$work/default.db" --catalog "$root/plans" --date 2026-11-25 init --demo \
        >>"$log" 2>&1; then
    t1=$(date +%s.%N)
    secs=$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")
    met=$(awk "BEGIN{print ($secs < 3) ? \"yes\" : \"no\"}")
    row "demo database, 1,000 accounts (init --demo, its default size)" "$secs s wall" \
        "well under a second (< 3 s)" "-" "$met"
else
    row "demo database, 1,000 accounts (init --demo, its default size)" "ERROR" \
        "well under a second (< 3 s)" "-" "no"
fi

# ---- the figures
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
failed=""
run() {  # name program args...
    name=$1; shift
    echo "run.sh: $name ..." >&2
    if ! "$@" >>"$rows" 2>>"$log"; then
        echo "run.sh: $name exited with an error (see the details below)" >&2
        failed="$failed $name"
    fi
}
run quotes "$bench/bench_quote"
run orders "$bench/bench_order"
# The default-size demo database above, its account 1 given 1,000 fiscal
# documents, for the Invoices rows of bench_tui.
docs_db="$work/default.db"
if [ -f "$docs_db" ] && ! "$bench/bench_docs_seed" "$docs_db" 1000 >>"$log" 2>&1; then
    echo "run.sh: bench_docs_seed failed (see the details below)" >&2
fi
run tui "$bench/bench_tui" "$bin" "$db" "$root/plans" "$docs_db"
run search "$bench/bench_search" "$db"
run catalog "$bench/bench_catalog"
run history "$bench/bench_history"
run docs "$bench/bench_docs"
# PostgreSQL (issue 14): a private server each time (tests/pg/with_pg.sh),
# fsync on in the real run so that a commit is as durable as SQLite's
# synchronous=FULL; the smoke run keeps the test harness's default (off).
if [ "$smoke" = 1 ]; then pg_fsync=${BC_TEST_PG_FSYNC:-off}; else pg_fsync=on; fi
run pg_orders env BC_TEST_PG_FSYNC="$pg_fsync" "$root/tests/pg/with_pg.sh" "$bench/bench_pg"
# The search on PostgreSQL against SQLite at the same size: the large
# database when the sizes agree, else a SQLite one made here.
pg_lite="$db"
if [ "$pg_scale" != "$scale" ]; then
    pg_lite="$work/search-$pg_scale.db"
    "$bin" --db "$pg_lite" --catalog "$root/plans" --date 2026-11-25 init --demo \
        --scale "$pg_scale" >>"$log" 2>&1 || echo "run.sh: no SQLite database of $pg_scale" >&2
fi
run pg_search env BC_TEST_PG_FSYNC="$pg_fsync" "$root/tests/pg/with_pg.sh" \
    sh "$here/pg_search.sh" "$bin" "$root" "$pg_scale" "$pg_lite" "$bench/bench_search"
# Renewal: its own demo databases, sized by BC_BENCH_RENEW_DUE (default
# 1,000,000 due the same day: about 25 minutes with its floor on an idle
# machine, see RESULTS.md).
run renew "$bench/bench_renew" "$bin" "$bench/bench_renew_rec.so"

# ---- the table, and where it ran
echo
echo "billcenter benchmarks — $(grouped "$scale")-account database$( [ "$smoke" = 1 ] && echo ' (SMOKE RUN: tiny sizes, figures not meaningful)')"
echo
echo "| figure | measured | target | compared with (floor/peer measured in the same run) | met? |"
echo "|---|---|---|---|---|"
grep '^ROW	' "$rows" | awk -F '\t' '{printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6}'
echo
cpu_model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "machine: $(nproc) CPUs ($cpu_model), $mem RAM, $(uname -sr); $(date -u '+%Y-%m-%d %H:%M UTC');" \
     "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- src ui tests/bench 2>/dev/null || echo ' (+ uncommitted changes)');" \
     "load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "details (stderr of the benchmark programs):"
sed 's/^/  /' "$log"

# ---- every row present and measured (the smoke test's check)
want=28   # orders: a row for nothing due, one for paid (bench_order.c); catalog: 2; history: 2;
          # tui: 5 and 2 for Invoices; docs: 3 (FatturaPA, PDF, orders with documents);
          # PostgreSQL orders: 1 client, 8 clients, vs SQLite;
          # PostgreSQL search: its demo database and the search;
          # renew: 3 (N due, peak memory, a week caught up)
got=$(grep -c '^ROW	' "$rows")
bad=$(grep '^ROW	' "$rows" | awk -F '\t' '$3 == "ERROR" || $3 == ""' | wc -l)
if [ "$got" -ne "$want" ] || [ "$bad" -ne 0 ] || [ -n "$failed" ]; then
    echo "run.sh: $got of $want rows, $bad without a measurement; failed:${failed:- none}" >&2
    exit 1
fi
exit 0

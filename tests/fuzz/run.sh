#!/usr/bin/env bash
# run.sh SECONDS — builds every libFuzzer target in tests/fuzz (clang,
# -fsanitize=fuzzer,address,undefined) and runs each for SECONDS on a copy of
# its seed corpus. A crash leaves its input in build-fuzz/ and fails the run.
# Prints one "fuzz-summary: PASSED FAILED" line for CI.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build-fuzz
mkdir -p "$out"
srcs=$(ls src/*/*.c | grep -v -e '/main\.c$')
libs="-lsqlite3 -lpq -lyaml -lcrypt -ljansson -lcsv -lm $(pkg-config --libs libxml-2.0 cairo pangocairo)"
# src/documents is built too: its libraries' headers; and the store's libpq.
doc_cflags="$(pkg-config --cflags libxml-2.0 cairo pangocairo) -I$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)"
# The sources are compiled once (instrumented for coverage, two at a time),
# then each target is linked against them; then the targets run two at a
# time (one per core).
cflags="-g -O1 -D_GNU_SOURCE -fno-sanitize-recover=undefined -Isrc/core -Isrc/store \
-Isrc/documents -Isrc/billing -Isrc/cli $doc_cflags"
mkdir -p "$out/obj"
rm -f "$out"/*.result   # before the build, so that a target that fails to build is counted
objs=""
for f in $srcs; do objs="$objs $out/obj/$(echo "$f" | tr / _).o"; done
export cflags out
built=1
printf '%s\n' $srcs | xargs -P 2 -I{} sh -c \
    'clang $cflags -fsanitize=fuzzer-no-link,address,undefined -c "$1" \
         -o "$out/obj/$(echo "$1" | tr / _).o"' sh {} || built=0
targets=()
for t in tests/fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    echo "--- $name: build"
    if [ "$built" = 1 ] && clang $cflags -fsanitize=fuzzer,address,undefined \
            -o "$out/$name" "$t" $objs $libs; then
        targets+=("$name")
    else
        echo "$name: BUILD FAILED" >"$out/$name.result"
    fi
done

fuzz_one() {   # fuzz_one NAME: runs it for $secs on a copy of its seeds
    local name=$1 kind=${1#fuzz_} start
    local corpus="$out/corpus-$kind"
    rm -rf "$corpus"; mkdir -p "$corpus"
    [ -d "tests/fuzz/corpus/$kind" ] && cp -r "tests/fuzz/corpus/$kind/." "$corpus/"
    start=$(date +%s)
    if (cd "$out" && "./$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 "corpus-$kind" >"$name.log" 2>&1); then
        echo "$name: clean for $(( $(date +%s) - start ))s, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$') runs" >"$out/$name.result"
    else
        { echo "$name: FAILED"; tail -40 "$out/$name.log"; } >"$out/$name.result"
    fi
}

for ((i = 0; i < ${#targets[@]}; i += 2)); do
    echo "--- ${targets[*]:i:2}: ${secs}s"
    fuzz_one "${targets[i]}" &
    [ $((i + 1)) -lt ${#targets[@]} ] && fuzz_one "${targets[i + 1]}" &
    wait
done

passed=0 failed=0
for r in "$out"/*.result; do
    cat "$r"
    if head -1 "$r" | grep -q ': clean for'; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz-summary: $passed $failed"
[ "$failed" -eq 0 ]

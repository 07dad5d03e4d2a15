#!/bin/sh
# layering.sh SRCDIR — the architecture, checked. Each layer of src/ includes
# only its own headers and those below it: core < store < billing < cli, the
# store seen from above through store.h alone, ui/ on billing without the
# store; documents (fiscal documents and their renderings) on core alone,
# used by billing and cli; curses only in ui/, sqlite3 and libpq only in
# src/store/, libxml2, cairo and pango only in src/documents/, and SQL
# text nowhere outside src/store/. One line per breach; fails when any.
set -u
cd "${1:-.}" || exit 1

headers_of() { for d in "$@"; do (cd "src/$d" && ls ./*.h | sed 's#^\./##'); done; }
check_layer() {   # check_layer DIR "EXTRA HEADERS" ALLOWED_DIR...
    dir=$1 extra=$2; shift 2
    allowed="$(headers_of "$@" | tr '\n' ' ') $extra"
    for f in "$dir"/*.[ch]; do
        grep -o '#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' | while read -r h; do
            case " $allowed " in *" $h "*) ;; *) echo "layering: $f includes $h" ;; esac
        done
    done
}
breaches=$(
    check_layer src/core "" core
    check_layer src/store "" core store
    check_layer src/documents "" core documents
    check_layer src/billing "store.h" core documents billing
    check_layer src/cli "store.h ui.h" core documents billing cli
    grep -l '#include "store' ui/*.[ch] | sed 's/^/layering: the store used directly by /'
    grep -l -E '#include <n?curses' src/*/*.[ch] | sed 's/^/layering: curses outside ui\/ in /'
    grep -l -E '#include <(sqlite3|libpq-fe)\.h>' src/core/* src/documents/* src/billing/* src/cli/* ui/* |
        sed 's/^/layering: a database library outside src\/store\/ in /'
    grep -l -E '#include <(libxml/|cairo|pango/)' src/core/* src/store/* src/billing/* src/cli/* ui/* |
        sed 's/^/layering: libxml2, cairo or pango outside src\/documents\/ in /'
    grep -n -E '"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX|TRIGGER)|PRAGMA)[[:space:]]' \
        src/core/* src/documents/* src/billing/* src/cli/* ui/* | sed 's/^/layering: SQL outside the store: /'
)
if [ -n "$breaches" ]; then
    echo "$breaches"
    exit 1
fi
echo "layering: core < store < billing < cli, core < documents < billing, ui on billing; no breach"

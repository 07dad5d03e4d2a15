#!/bin/sh
# kill_server.sh BILLCENTER — run under with_pg.sh. A stream of paid orders
# (each a card charge and the three commits of SPEC §4) runs against the
# test server while the server is killed (pg_ctl stop -m immediate) — while
# a charge is in flight: the payment goes through tests/fake_gateway.sh
# behind a pause, and the kill comes during that pause. Then:
# every order is whole or absent (lines, ledger, balance and subscription
# versions agree), each failed client printed one line, and after a restart
# `reconcile` settles every charge left pending: none stays open, and no
# approved charge is without its order unless it was refunded. Replaying
# the stream's keys afterwards orders each at most once.
set -u
bc=$1
: "${BC_TEST_PG:?run me under tests/pg/with_pg.sh}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "kill_server: FAIL: $*"; exit 1; }
q() { psql -X -q -A -t "$db" -c "$1"; }

psql -X -q "$BC_TEST_PG" -c "CREATE DATABASE bc_kill" || fail "cannot create the database"
db="$BC_TEST_PG dbname=bc_kill"
export BILLCENTER_DB="$db"
# The catalog with a gateway that takes 0.4 s to answer each charge.
root=$(cd "$(dirname "$0")/../.." && pwd)
cp -r "$root/plans" "$work/plans"
mkdir "$work/gw"
cat >"$work/slow_gateway.sh" <<GW
req=\$(cat)
case \$req in *'"op": "charge"'*|*'"op":"charge"'*)
    touch "$work/gw/in-flight"; sleep 0.4; rm -f "$work/gw/in-flight" ;;
esac
printf '%s' "\$req" | exec sh "$root/tests/fake_gateway.sh" approved "$work/gw"
GW
sed -i "s|^  processor: test.*|  processor: exec\n  command: \"sh $work/slow_gateway.sh\"|" "$work/plans/catalog.yaml"
export BILLCENTER_CATALOG="$work/plans"
"$bc" init --demo --scale 1 >/dev/null || fail "init --demo"

# Seats of account 1's GoToMeeting go 6, 7, 8, ... : each order charges the card on file.
stream() {
    i=0
    while [ ! -e "$work/stop" ] && [ "$i" -lt 400 ]; do
        i=$((i + 1))
        if "$bc" order place --account 1 --product gotomeeting --to-seats $((5 + i)) \
                --idempotency-key "kill-$i" >"$work/out.$i" 2>"$work/err.$i"; then
            echo "$i" >>"$work/ok"
        else
            echo "$i" >>"$work/failed"
        fi
    done
}
stream &
pid=$!
# Let some orders through, then kill the server under the stream.
deadline=$(( $(date +%s) + 60 ))
until [ -s "$work/ok" ] && [ "$(wc -l <"$work/ok")" -ge 5 ]; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "no order went through in 60 s"
    sleep 0.05
done
until [ -e "$work/gw/in-flight" ]; do sleep 0.01; done
sh "$BC_TEST_PG_SERVER" stop immediate >/dev/null || fail "pg_ctl stop -m immediate"
sleep 1
touch "$work/stop"
wait "$pid"
ok=$(wc -l <"$work/ok")
nfailed=$( [ -f "$work/failed" ] && wc -l <"$work/failed" || echo 0)
[ "$nfailed" -ge 1 ] || fail "no order failed while the server was down"
# Each failure is one clear line naming the database server.
for i in $(cat "$work/failed"); do
    lines=$(wc -l <"$work/err.$i")
    [ "$lines" -eq 1 ] || { cat "$work/err.$i"; fail "order $i printed $lines lines on stderr"; }
    grep -qi "server\|connection" "$work/err.$i" || { cat "$work/err.$i"; fail "order $i: not about the server"; }
done
echo "kill_server: $ok orders placed, $nfailed refused while the server was down; e.g.:"
sed 's/^/  /' "$work/err.$(head -n 1 "$work/failed")"

sh "$BC_TEST_PG_SERVER" start >/dev/null || fail "restart"
rec=$("$bc" reconcile) || fail "reconcile after the restart"
echo "kill_server: $rec"
case $rec in *"0 orders completed, 0 charges refunded"*) fail "the kill left no charge to settle" ;; esac

open=$(q "SELECT count(*) FROM pending_checkouts WHERE outcome IS NULL OR outcome LIKE 'refunding:%'")
[ "$open" -eq 0 ] || fail "$open checkouts still open after reconcile"
# Every charge the gateway still holds as approved has its order.
orphans=0
for f in "$work"/gw/*; do
    k=$(basename "$f")
    case $k in last_request.json|in-flight) continue ;; esac
    grep -q '^approved' "$f" || continue
    n=$(q "SELECT count(*) FROM orders WHERE idempotency_key = '$k'")
    [ "$n" -eq 1 ] || orphans=$((orphans + 1))
done
[ "$orphans" -eq 0 ] || fail "$orphans approved charges without an order"
# Whole orders: each has lines; the balance is the ledger's last word; each
# subscription's version is its history's last.
bare=$(q "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)")
[ "$bare" -eq 0 ] || fail "$bare orders without lines"
drift=$(q "SELECT count(*) FROM accounts a WHERE a.balance_minor <> coalesce((SELECT l.balance_after
           FROM ledger l WHERE l.account_id = a.id ORDER BY l.id DESC LIMIT 1), 0)")
[ "$drift" -eq 0 ] || fail "$drift accounts whose balance is not their ledger's"
vers=$(q "SELECT count(*) FROM subscriptions s WHERE s.version <> (SELECT max(h.version)
          FROM subscription_history h WHERE h.subscription_id = s.id)")
[ "$vers" -eq 0 ] || fail "$vers subscriptions whose version is not their history's"
seats=$(q "SELECT seats FROM subscriptions WHERE account_id = 1 AND product = 'gotomeeting'")
orders=$(q "SELECT count(*) FROM orders WHERE account_id = 1 AND idempotency_key LIKE 'kill-%'")
[ "$seats" -eq $((5 + orders)) ] || fail "seats $seats after $orders orders"
# Replaying every key: nothing is ordered twice.
for i in $(cat "$work/ok"); do
    "$bc" order place --account 1 --product gotomeeting --to-seats $((5 + i)) \
        --idempotency-key "kill-$i" >/dev/null 2>&1
done
again=$(q "SELECT count(*) FROM orders WHERE account_id = 1 AND idempotency_key LIKE 'kill-%'")
[ "$again" -eq "$orders" ] || fail "replays made $again orders of $orders"
echo "kill_server: after restart and reconcile: $orders orders whole, 0 open checkouts, 0 orphan charges, replays ordered nothing twice"
echo "kill_server: ok"

#!/bin/sh
# with_pg.sh CMD [ARG...] — runs CMD against a PostgreSQL server of its own:
# a fresh cluster in a temporary directory (initdb, trust authentication,
# role "billcenter"), listening only on a Unix socket in that directory,
# started as `nobody` when we are root (postgres refuses to run as root).
# CMD sees
#   BC_TEST_ENGINE=pg
#   BC_TEST_PG        conninfo of the server's "postgres" database
#   BC_TEST_PG_DIR    the temporary directory (socket, data/, log, server.log)
#   BC_TEST_PG_CTL    the pg_ctl binary
#   BC_TEST_PG_SERVER tests/pg/pg_server.sh: `start`, `stop [smart|fast|immediate]`
#                     or `restart` this same server (crash tests)
# and the exit status is CMD's. A server that cannot start is a failure
# (exit 1, one line saying why), never a skip: the -pg tests must not pass
# by not running.
#
# Environment it reads: BC_TEST_PG_FSYNC (on|off, default off: the tests
# need a server that survives its processes' deaths, not the machine's),
# BC_TEST_PG_BIN (a directory with initdb and pg_ctl; default the newest
# /usr/lib/postgresql/*/bin, else PATH), BC_TEST_PG_KEEP (keep the
# directory), BC_TEST_PG_MAX_CONNECTIONS (default 300).
set -u

here=$(cd "$(dirname "$0")" && pwd)
me="with_pg.sh"

if [ $# -eq 0 ]; then
    echo "usage: $me CMD [ARG...]" >&2
    exit 2
fi

fail() {   # one clear line, exit 1
    echo "$me: cannot start PostgreSQL for the -pg tests: $*" >&2
    for f in "${dir:-/nonexistent}/log" "${dir:-/nonexistent}/server.log"; do
        [ -f "$f" ] && tail -n 10 "$f" | sed "s|^|  $(basename "$f"): |" >&2
    done
    cleanup
    exit 1
}

bin=${BC_TEST_PG_BIN:-}
if [ -z "$bin" ]; then
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -n 1)
fi
if [ -n "$bin" ]; then
    initdb="$bin/initdb" pg_ctl="$bin/pg_ctl"
else
    initdb=$(command -v initdb || true) pg_ctl=$(command -v pg_ctl || true)
fi
dir=""
started=0

# Stops the server and removes the directory. The server's last processes
# may still be writing as they go: the removal is tried until it holds.
remove_dir() {   # remove_dir DIR
    i=0
    while [ -d "$1" ] && [ $i -lt 50 ]; do
        rm -rf "$1" 2>/dev/null
        [ -d "$1" ] && sleep 0.2
        i=$((i + 1))
    done
}
cleanup() {
    if [ "$started" -eq 1 ]; then
        BC_TEST_PG_DIR=$dir BC_TEST_PG_CTL=$pg_ctl sh "$here/pg_server.sh" stop immediate \
            >/dev/null 2>&1
        started=0
    fi
    if [ -n "$dir" ] && [ -d "$dir" ] && [ -z "${BC_TEST_PG_KEEP:-}" ]; then
        remove_dir "$dir"
    fi
}

[ -x "${initdb:-}" ] && [ -x "${pg_ctl:-}" ] ||
    fail "no initdb/pg_ctl (install postgresql, or set BC_TEST_PG_BIN)"

# A short path: the socket's must fit in sun_path (108 bytes).
dir=$(mktemp -d /tmp/bc-pg.XXXXXX) || fail "mktemp failed"
chmod 755 "$dir"
run_as=""
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || fail "running as root and no setpriv to drop to nobody"
    grp=$(id -gn nobody 2>/dev/null) || fail "running as root and there is no user nobody"
    chown nobody:"$grp" "$dir" || fail "chown nobody $dir"
    run_as="setpriv --reuid=nobody --regid=$grp --clear-groups --reset-env"
fi

child=""
on_signal() {   # pass it on to CMD, then stop the server
    [ -n "$child" ] && kill -"$1" "$child" 2>/dev/null && wait "$child"
    cleanup
    exit "$2"
}
trap 'on_signal HUP 129' HUP
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

locale=C
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' && locale=C.UTF-8
# shellcheck disable=SC2086  # $run_as is words
(cd / && $run_as "$initdb" -D "$dir/data" --auth=trust -U billcenter -E UTF8 \
    --locale="$locale" --no-instructions >"$dir/log" 2>&1) || fail "initdb failed"

# A unique port number keeps each server's socket name apart from any
# other's (there is no TCP listener, so it needs no free TCP port).
port=$(( 20000 + ($$ % 20000) ))
fsync=${BC_TEST_PG_FSYNC:-off}
case $fsync in on|off) ;; *) fail "BC_TEST_PG_FSYNC must be on or off, not '$fsync'" ;; esac
cat >>"$dir/data/postgresql.conf" <<CONF
# with_pg.sh
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = $fsync
max_connections = ${BC_TEST_PG_MAX_CONNECTIONS:-300}
CONF

export BC_TEST_PG_DIR="$dir" BC_TEST_PG_CTL="$pg_ctl"
sh "$here/pg_server.sh" start >>"$dir/log" 2>&1 || fail "pg_ctl start failed"
started=1

# The server runs in a session of its own, so a SIGKILL of our process
# group (meson's timeout) would leave it running: a watcher outside the
# group stops it and removes the directory once we are gone, whichever
# way we went. It holds none of our output open.
if command -v setsid >/dev/null; then
    keep=${BC_TEST_PG_KEEP:-}
    BC_TEST_PG_DIR=$dir BC_TEST_PG_CTL=$pg_ctl setsid sh -c '
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        [ -d "$2" ] || exit 0
        sh "$3" stop immediate
        [ -n "$4" ] && exit 0
        i=0
        while [ -d "$2" ] && [ $i -lt 50 ]; do
            rm -rf "$2"; [ -d "$2" ] && sleep 0.2; i=$((i + 1))
        done' watch_pg $$ "$dir" "$here/pg_server.sh" "$keep" </dev/null >/dev/null 2>&1 &
fi

# Ready means a real query answers, within a deadline.
psql=$(dirname "$pg_ctl")/psql
[ -x "$psql" ] || psql=$(command -v psql || true)
deadline=$(( $(date +%s) + 30 ))
until "$psql" -X -q -A -t "host=$dir port=$port user=billcenter dbname=postgres" \
        -c 'select 1' >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "server not answering after 30 s"
    sleep 0.1
done

export BC_TEST_ENGINE=pg
export BC_TEST_PG="host=$dir port=$port user=billcenter dbname=postgres"
export BC_TEST_PG_SERVER="$here/pg_server.sh"

# In the background so that a signal reaches the trap at once (a shell runs
# traps only between commands); stdin stays ours.
exec 3<&0
"$@" <&3 3<&- &
child=$!
wait "$child"
rc=$?
child=""
cleanup
exit $rc

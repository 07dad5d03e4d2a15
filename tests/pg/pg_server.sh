#!/bin/sh
# pg_server.sh start | stop [smart|fast|immediate] | restart — controls the
# server with_pg.sh set up ($BC_TEST_PG_DIR, $BC_TEST_PG_CTL), as the user
# that owns its directory: a crash test stops it with `stop immediate` and
# brings it back with `start`. Waits for either to finish (pg_ctl -w).
set -u
: "${BC_TEST_PG_DIR:?not under with_pg.sh}" "${BC_TEST_PG_CTL:?not under with_pg.sh}"
dir=$BC_TEST_PG_DIR
run_as=""
if [ "$(id -u)" -eq 0 ]; then
    grp=$(id -gn nobody) || exit 1
    run_as="setpriv --reuid=nobody --regid=$grp --clear-groups --reset-env"
fi
ctl() {
    # shellcheck disable=SC2086  # $run_as is words
    (cd / && $run_as "$BC_TEST_PG_CTL" -D "$dir/data" "$@")
}
case ${1:-} in
    start) ctl -w -t 60 -l "$dir/server.log" start ;;
    stop) ctl -w -t 60 -m "${2:-fast}" stop ;;
    restart) ctl -w -t 60 -m "${2:-fast}" stop && ctl -w -t 60 -l "$dir/server.log" start ;;
    *) echo "usage: pg_server.sh start | stop [smart|fast|immediate] | restart" >&2; exit 2 ;;
esac

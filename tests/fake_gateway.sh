#!/bin/sh
# fake_gateway.sh — a stand-in payment gateway for the exec processor tests.
#
# Usage: fake_gateway.sh MODE STATEDIR
# Reads one JSON request on stdin and answers as MODE says:
#   approved  charge records STATEDIR/<key> and answers approved; refund marks
#             it refunded; status answers from the record (approved/declined);
#             verify answers approved and records nothing
#   declined  answers declined
#   declined_funds  answers declined, reason insufficient_funds
#   garbage   prints something that is not JSON
#   exit1     prints an approval but exits 1
#   crash     dies from SIGKILL after printing an approval
#   hang      never answers
#   hang_closed  closes stdout, then never exits
# Every request is also kept in STATEDIR/last_request.json.
mode=$1
dir=$2
req=$(cat)
printf '%s' "$req" > "$dir/last_request.json"
field() {
    printf '%s' "$req" | sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p"
}
op=$(field op)
key=$(field key)
amount=$(printf '%s' "$req" | sed -n 's/.*"amount_minor": *\([0-9-]*\).*/\1/p')
case $mode in
approved)
    case $op in
    charge)
        if [ -f "$dir/$key" ] && grep -q '^approved' "$dir/$key"; then
            :
        else
            echo "approved $amount" > "$dir/$key"
        fi
        echo "{\"status\": \"approved\", \"reference\": \"gw-$key\"}"
        ;;
    refund)
        [ -f "$dir/$key" ] && echo "refunded" > "$dir/$key"
        echo '{"status": "approved"}'
        ;;
    verify)
        echo "{\"status\": \"approved\", \"reference\": \"vf-$key\"}"
        ;;
    status)
        if [ -f "$dir/$key" ] && grep -q '^approved' "$dir/$key"; then
            set -- $(cat "$dir/$key")
            echo "{\"status\": \"approved\", \"reference\": \"gw-$key\", \"amount_minor\": $2}"
        else
            echo '{"status": "declined"}'
        fi
        ;;
    esac
    ;;
declined)
    echo '{"status": "declined"}'
    ;;
declined_funds)
    echo '{"status": "declined", "reason": "insufficient_funds"}'
    ;;
garbage)
    echo 'approved!!! {status: approved'
    ;;
exit1)
    echo '{"status": "approved", "reference": "x"}'
    exit 1
    ;;
crash)
    echo '{"status": "approved", "reference": "x"}'
    kill -KILL $$
    ;;
hang)
    sleep 30
    ;;
hang_closed)
    exec >&-
    sleep 30
    ;;
esac
exit 0

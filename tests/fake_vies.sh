#!/bin/sh
# fake_vies.sh — a stand-in VIES client for vat.check_command's tests.
#
# Usage: fake_vies.sh MODE STATEDIR
# Reads one JSON request on stdin, keeps it in STATEDIR/last_request.json
# (and appends it to STATEDIR/requests), then answers as MODE says:
#   valid     {"valid": true, name, address, consultation "WAPIAAAAW1"}
#   invalid   {"valid": false, consultation "WAPIAAAAX2"}
#   exit1     prints a valid answer but exits 1
#   hang      never answers
#   garbage   prints something that is not the reply
mode=$1
dir=$2
req=$(cat)
printf '%s' "$req" > "$dir/last_request.json"
printf '%s\n' "$req" >> "$dir/requests"
case $mode in
valid)
    echo '{"valid": true, "name": "SCHMIDT CONSULTING GMBH", "address": "HAUPTSTR. 1, 10115 BERLIN", "consultation": "WAPIAAAAW1"}'
    ;;
invalid)
    echo '{"valid": false, "name": null, "address": null, "consultation": "WAPIAAAAX2"}'
    ;;
exit1)
    echo '{"valid": true, "consultation": "WAPIAAAAW1"}'
    exit 1
    ;;
hang)
    exec sleep 30
    ;;
garbage)
    echo 'VIES is down for maintenance'
    ;;
esac

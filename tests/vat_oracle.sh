#!/bin/sh
# vat_oracle.sh — runs tests/vat_oracle.py with the system Python, the one
# Debian's python3-stdnum is installed for; skips (77) without it.
[ -x /usr/bin/python3 ] || { echo "vat-oracle: SKIP: /usr/bin/python3 is missing"; exit 77; }
exec /usr/bin/python3 "$(dirname "$0")/vat_oracle.py" "$@"

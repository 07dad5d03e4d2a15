#!/bin/sh
# deps.sh — installs, on Debian 12, whatever billcenter needs to build, run
# and test that the machine does not have yet. Sourced by try.sh and check.sh.
# Run as root, or with sudo available; does nothing when all is present.

BC_PACKAGES="gcc pkg-config meson ninja-build gettext
  libncurses-dev libsqlite3-dev libyaml-dev libcrypt-dev libjansson-dev
  libcmocka-dev libvterm-dev libcsv-dev python3-stdnum scdoc
  libpq-dev postgresql
  libxml2-dev libxml2-utils libcairo2-dev libpango1.0-dev poppler-utils fonts-dejavu-core"

# bc_install_deps [EXTRA_PACKAGE...]
bc_install_deps() {
    missing=""
    for p in $BC_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "billcenter: installing$missing" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null ||
        { echo "billcenter: could not install:$missing" >&2; return 1; }
}

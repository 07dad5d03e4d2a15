#!/bin/sh
# Run by `meson install`: on a real install as root (no DESTDIR) creates the
# system user and its state directory from the sysusers.d and tmpfiles.d
# files just installed ($1, $2). A staged install (DESTDIR, packages) only
# installs the files; the package's maintainer scripts do this.
[ -n "${DESTDIR:-}" ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "billcenter: not root: run systemd-sysusers $1 and systemd-tmpfiles --create $2 as root" >&2; exit 0; }
command -v systemd-sysusers >/dev/null 2>&1 && systemd-sysusers "$1"
command -v systemd-tmpfiles >/dev/null 2>&1 && systemd-tmpfiles --create "$2"
exit 0
